/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Graduation page on a county-sized laptop database: 100,000
 * participants, every one enrolled, about 3,000,000 attendance rows.
 * Printed, never asserted (target: first rows ≤ 1 s after the page is
 * opened; the rules then checked in the background). Medians of 5.
 * ST_BENCH_PARTICIPANTS changes the size; ST_BENCH_DB=FILE keeps the
 * database made (it takes minutes) and uses it again when it exists. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "st-demo.h"
#include "st-graduation-page-private.h"
#include "st-window-private.h"

#define RUNS 5

static gboolean painted;

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  painted = TRUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return values[n / 2];
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("st-bench-graduation-XXXXXX", NULL);
  const char *keep = g_getenv ("ST_BENCH_DB");
  g_autofree char *path = keep ? g_strdup (keep) : g_build_filename (dir, "county.db", NULL);
  gboolean exists = keep != NULL && g_file_test (keep, G_FILE_TEST_EXISTS);
  const char *size_env = g_getenv ("ST_BENCH_PARTICIPANTS");
  guint n = size_env ? (guint) g_ascii_strtoull (size_env, NULL, 10) : 100000;
  /* As bench-rules: twice a month, about 30 attendance rows per enrolment. */
  StDemoTrainingOptions options = { NULL, FALSE, FALSE, 40, TRUE, 2 };
  g_autoptr(StDb) db = NULL;
  double first_rows[RUNS], evaluated[RUNS];
  guint rows = 0;
  gint64 t0;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();

  db = st_db_open (path, &error);
  if (db == NULL)
    g_error ("%s", error->message);
  t0 = g_get_monotonic_time ();
  if (!exists && (!st_demo_populate (db, n, 2023, &error) || !st_demo_populate_training (db, 2023, &options, &error)))
    g_error ("%s", error->message);
  g_print ("# %s %" G_GINT64_FORMAT " participants, %" G_GINT64_FORMAT " enrolments, %" G_GINT64_FORMAT
           " attendance rows in %.0f s\n", exists ? "reused" : "built", st_db_count_live (db, "participants"),
           st_db_count_live (db, "enrolments"), st_db_count_live (db, "attendance"), (g_get_monotonic_time () - t0) / 1e6);

  for (guint i = 0; i < RUNS; i++)
    {
      StWindow *window = st_window_new (NULL, db);
      StGraduationPage *page;
      GdkFrameClock *clock;

      gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
      gtk_window_present (GTK_WINDOW (window));
      while (!gtk_widget_get_mapped (GTK_WIDGET (window)) || !st_window_is_index_ready (window))
        g_main_context_iteration (NULL, TRUE);
      page = st_window_get_graduation_page (window);
      clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
      g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);

      /* From the click on the page's tab to a frame that shows rows. */
      t0 = g_get_monotonic_time ();
      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "graduation");
      while (st_graduation_page_get_n_rows (page) == 0)
        g_main_context_iteration (NULL, TRUE);
      painted = FALSE;
      gtk_widget_queue_draw (GTK_WIDGET (window));
      while (!painted)
        g_main_context_iteration (NULL, TRUE);
      first_rows[i] = (g_get_monotonic_time () - t0) / 1e6;
      while (st_graduation_page_is_evaluating (page))
        g_main_context_iteration (NULL, TRUE);
      evaluated[i] = (g_get_monotonic_time () - t0) / 1e6;
      rows = st_graduation_page_get_n_rows (page);
      g_print ("# run %u: first rows %.3f s, every rule checked %.3f s\n", i + 1, first_rows[i], evaluated[i]);
      g_signal_handlers_disconnect_by_func (clock, on_after_paint, NULL);
      gtk_window_destroy (GTK_WINDOW (window));
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_print ("graduation page, %u enrolments: first rows shown %.3f s (median of %d; target <= 1 s), "
           "every enrolment evaluated %.3f s\n", rows, median (first_rows, RUNS), RUNS, median (evaluated, RUNS));

  g_clear_object (&db);
  for (guint i = 0; keep == NULL && i < 3; i++)
    {
      const char *files[] = { "county.db", "county.db-wal", "county.db-shm" };
      g_autofree char *f = g_build_filename (dir, files[i], NULL);

      g_remove (f);
    }
  g_rmdir (dir);
  return 0;
}
