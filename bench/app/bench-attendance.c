/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Saving the attendance sheet of a class of 60 (target ≤ 100 ms): the real
 * sheet widget in a window, a tenth of the people toggled with the keys a
 * trainer presses between saves, the Save timed as the trainer waits for
 * it (one transaction, fsync included). The median and the worst of 21
 * saves are printed, never asserted. Run under Xvfb by
 * `meson test --benchmark`. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "st-classes-page-private.h"
#include "st-demo.h"
#include "st-participant.h"
#include "st-records.h"
#include "st-window-private.h"

#define N_PEOPLE 60
#define N_SAVES 21
#define N_EARLIER_SESSIONS 36

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
settle (void)
{
  gint64 end = g_get_monotonic_time () + 200 * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("shuangti-bench-attendance-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autoptr(StDb) db = NULL;
  g_autoptr(StClass) klass = st_class_new ();
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(StSession) session = g_new0 (StSession, 1);
  double times[N_SAVES];
  StWindow *window;
  StClassesPage *page;
  StAttendanceSheet *sheet;
  guint enrolled = 0;
  const char *township;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();

  /* A county's worth of people, a class of 60 with three years of
   * monthly sessions behind it. */
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  if (!st_demo_populate (db, 6000, 7, &error))
    g_error ("%s", error->message);
  people = st_participant_list (db, NULL, &error);
  township = ((StParticipant *) g_ptr_array_index (people, 0))->township_code;
  klass->name = g_strdup ("基准班");
  klass->program_code = g_strdup ("secondary-vocational");
  klass->major = g_strdup ("种植");
  klass->township_code = g_strdup (township);
  klass->start_date = g_strdup ("2023-01-01");
  g_assert_true (st_class_create (db, klass, &error));
  for (guint i = 0; i < people->len && enrolled < N_PEOPLE; i++)
    {
      StParticipant *p = g_ptr_array_index (people, i);
      g_autofree char *e = NULL;

      if (g_strcmp0 (p->township_code, township) != 0)
        continue;
      e = st_enrol (db, p->id, klass->id, NULL, 0, &error);
      g_assert_no_error (error);
      enrolled++;
    }
  for (guint m = 0; m < N_EARLIER_SESSIONS; m++)
    {
      g_autoptr(StSession) s = g_new0 (StSession, 1);

      s->class_id = g_strdup (klass->id);
      s->date = g_strdup_printf ("%04u-%02u-08", 2023 + m / 12, m % 12 + 1);
      s->minutes = 480;
      s->mode = g_strdup ("concentrated");
      s->subject = g_strdup ("skill");
      g_assert_true (st_session_create (db, s, &error));
      g_assert_cmpint (st_attendance_fill_present (db, s->id, &error), ==, enrolled);
    }
  session->class_id = g_strdup (klass->id);
  session->date = g_strdup ("2026-01-10");
  session->minutes = 480;
  session->mode = g_strdup ("concentrated");
  session->subject = g_strdup ("literacy");
  g_assert_true (st_session_create (db, session, &error));

  window = st_window_new (NULL, db);
  gtk_window_set_default_size (GTK_WINDOW (window), 683, 720);
  gtk_window_present (GTK_WINDOW (window));
  while (!st_window_is_index_ready (window))
    g_main_context_iteration (NULL, TRUE);
  page = st_window_get_classes_page (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "classes");
  gtk_widget_activate_action (GTK_WIDGET (page), "classes.open-class", "s", klass->id);
  gtk_widget_activate_action (GTK_WIDGET (page), "classes.open-session", "s", session->id);
  sheet = st_classes_page_get_sheet (page);
  settle ();

  for (guint n = 0; n < N_SAVES; n++)
    {
      gint64 start;

      /* A tenth of the class toggled, from a different line each time. */
      st_attendance_sheet_handle_key (sheet, GDK_KEY_Home, 0);
      for (guint k = 0; k < n % 10; k++)
        st_attendance_sheet_handle_key (sheet, GDK_KEY_Down, 0);
      for (guint k = 0; k < N_PEOPLE / 10; k++)
        {
          st_attendance_sheet_handle_key (sheet, GDK_KEY_space, 0);
          st_attendance_sheet_handle_key (sheet, GDK_KEY_Down, 0);
        }
      start = g_get_monotonic_time ();
      if (!st_attendance_sheet_save (sheet, &error))
        g_error ("%s", error->message);
      times[n] = (g_get_monotonic_time () - start) / 1000.0;
      settle ();
    }
  qsort (times, N_SAVES, sizeof times[0], compare_doubles);
  printf ("attendance sheet of %u people, %u saves: median %.1f ms, worst %.1f ms (target ≤ 100 ms: %s)\n",
          st_attendance_sheet_get_total (sheet), N_SAVES, times[N_SAVES / 2], times[N_SAVES - 1],
          times[N_SAVES / 2] <= 100 ? "met" : "NOT met");

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  g_clear_object (&db);
  {
    const char *files[] = { "bench.db", "bench.db-wal", "bench.db-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *f = g_build_filename (dir, files[i], NULL);
        g_remove (f);
      }
    g_rmdir (dir);
  }
  return 0;
}
