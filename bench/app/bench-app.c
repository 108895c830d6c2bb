/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop app with 100,000 participants (SPEC §6): the time from the
 * start of the process to the first frame with the list shown, the search
 * latency per keystroke, scrolling, and resident memory. Printed, never
 * asserted. Run under Xvfb by `meson test --benchmark`.
 *
 * The parent makes the database and starts itself again as the child
 * (`--child DB`), which builds the window exactly as the app does and
 * reports; the parent times the child from fork to its first frame. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "st-application.h"
#include "st-demo.h"
#include "st-participant-search.h"
#include "st-participants-page-private.h"
#include "st-window-private.h"
#include "bench-util.h"

#define N_PARTICIPANTS 100000

static gint64 child_start;

/* Types @text a character at a time; each keystroke is timed from the
 * text changing to the frame that shows the list for it. */
static void
type (StParticipantsPage *page,
      GtkWidget          *window,
      const char         *text,
      GArray             *times)
{
  GtkEditable *entry = st_participants_page_get_search_entry (page);
  g_autoptr(GString) typed = g_string_new (NULL);

  gtk_editable_set_text (entry, "");
  st_participants_page_search_now (page);
  bench_wait_for_frame (window);
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gint64 start;
      double ms;

      int end = -1;

      g_string_append_unichar (typed, g_utf8_get_char (p));
      start = g_get_monotonic_time ();
      /* As a keystroke does: one character at the end, not the whole text
       * replaced (which would clear the search first). */
      end = g_utf8_strlen (gtk_editable_get_text (entry), -1);
      gtk_editable_insert_text (entry, p, g_utf8_next_char (p) - p, &end);
      /* The entry waits 100 ms for the next keystroke before searching;
       * what is measured is the work after that pause. */
      st_participants_page_search_now (page);
      bench_wait_for_frame (window);
      ms = bench_ms_since (start);
      g_array_append_val (times, ms);
      g_print ("  \"%s\": %s, %.1f ms\n", typed->str,
               gtk_label_get_text (st_participants_page_get_count_label (page)), ms);
    }
}

static int
run_child (const char *path)
{
  g_autoptr(StDb) db = NULL;
  g_autoptr(GArray) keystrokes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (double));
  StParticipantsPage *page;
  StWindow *window;
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adjustment;
  static const char *const searches[] = {
    "王秀英", "wxy", "zs", "韦", "1234", "19850312", "522327198503120028",
  };

  st_application_tune_memory ();   /* as main () does */
  window = bench_open_window (path, &db);
  page = st_window_get_participants_page (window);
  /* The parent reads this line: the list is on screen. */
  g_print ("first-frame %.0f %s\n", bench_ms_since (child_start),
           gtk_label_get_text (st_participants_page_get_count_label (page)));
  fflush (stdout);
  bench_print_memory ("after the first frame");
  bench_print_mappings ();

  while (!st_window_is_index_ready (window))
    g_main_context_iteration (NULL, TRUE);

  g_print ("search as you type (each keystroke until its frame is painted):\n");
  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    type (page, GTK_WIDGET (window), searches[i], keystrokes);
  bench_report ("search latency per keystroke", keystrokes, "(target <= 50 ms)");

  /* Scrolling the whole list, a screen at a time. */
  gtk_editable_set_text (st_participants_page_get_search_entry (page), "");
  st_participants_page_search_now (page);
  bench_wait_for_frame (GTK_WIDGET (window));
  scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_parent (GTK_WIDGET (st_participants_page_get_column_view (page))));
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  while (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         < gtk_adjustment_get_upper (adjustment) - 1)
    {
      gint64 start = g_get_monotonic_time ();
      double ms;

      /* Ten screens a step: 100,000 rows are 3,000 screens. */
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment)
                                            + 10 * gtk_adjustment_get_page_size (adjustment));
      bench_wait_for_frame (GTK_WIDGET (window));
      ms = bench_ms_since (start);
      g_array_append_val (frames, ms);
    }
  bench_report ("scrolling, ten screens per frame, top to bottom", frames, "(a frame at 60 Hz is 16.7 ms)");
  bench_print_memory ("after searching and scrolling to the end");
  bench_print_mappings ();
  /* A person stops and reads: the app has two seconds to give back what it
   * no longer uses. */
  {
    gint64 until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

    while (g_get_monotonic_time () < until)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (10000);
  }
  bench_print_memory ("3 s after searching and scrolling to the end");
  bench_print_mappings ();

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(StDb) db = NULL;
  gint64 start;

  /* As main () does, before anything. */
  if (argc == 3 && g_str_equal (argv[1], "--child"))
    st_application_prefer_malloc (argv);
  child_start = g_get_monotonic_time ();
  if (argc == 3 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2]);

  dir = g_dir_make_tmp ("shuangti-bench-app-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "bench.db", NULL);
  db = st_db_open (path, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  if (!st_demo_populate (db, N_PARTICIPANTS, 2024, &error))
    g_error ("%s", error->message);
  g_print ("database of %d participants made in %.1f s\n", N_PARTICIPANTS, bench_ms_since (start) / 1000);
  start = g_get_monotonic_time ();
  if (st_participant_search_refresh (db, NULL, NULL, NULL, &error) < 0)
    g_error ("%s", error->message);
  g_print ("search index made from scratch in %.1f s (once per database, in the background)\n",
           bench_ms_since (start) / 1000);
  g_clear_object (&db);

  /* The first frame, timed from before the process exists. */
  bench_run_child ((const char *const[]) { argv[0], "--child", path, NULL });

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
