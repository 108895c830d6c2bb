/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every page on a medium county (20,000 participants with classes, hours,
 * assessments and certificates, as `shuangti-cli demo` makes them): no
 * read on the main thread takes longer than ST_SLOW_MAIN_MS (50 ms here).
 * The window's connection reports a slower statement as a critical, which
 * fails the test (G_DEBUG=fatal-criticals); reading that long belongs in a
 * worker with its own connection. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

#include "st-attendance-sheet-private.h"
#include "st-demo.h"
#include "st-class-view-private.h"
#include "st-classes-page-private.h"
#include "st-graduation-page-private.h"
#include "st-overview-page-private.h"
#include "st-participant-query.h"
#include "st-participants-page-private.h"
#include "st-records.h"
#include "st-reports-page-private.h"
#include "st-window-private.h"
#include "st-test-ui.h"
#include "st-test-widgets.h"

static char *db_path;

static void
choose (GtkDropDown *dropdown,
        guint        index)
{
  gtk_drop_down_set_selected (dropdown, index);
  settle ();
}

static void
type_search (StParticipantsPage *page,
             const char         *text)
{
  GtkEditable *entry = st_participants_page_get_search_entry (page);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      int end = g_utf8_strlen (gtk_editable_get_text (entry), -1);

      gtk_editable_insert_text (entry, p, g_utf8_next_char (p) - p, &end);
      st_participants_page_search_now (page);
      settle ();
    }
}

/* The county, as a person makes it. */
static void
make_county (void)
{
  const char *argv_cli[] = { g_getenv ("ST_CLI"), "--db", db_path, "demo", "--participants", "20000", NULL };
  g_autoptr(GError) error = NULL;
  int wait_status;

  g_assert_nonnull (argv_cli[0]);
  g_spawn_sync (NULL, (char **) argv_cli, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
}

static void
test_every_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  g_autofree char *class_id = NULL;
  g_autofree char *session_id = NULL;
  StWindow *window;
  StParticipantsPage *participants;
  StClassesPage *classes;
  StGraduationPage *graduation;

  make_county ();
  db = st_db_open (db_path, &error);
  g_assert_no_error (error);
  {
    sqlite3_stmt *stmt = st_db_prepare (db, "SELECT class_id FROM enrolments WHERE deleted = 0"
                                            " GROUP BY class_id ORDER BY count(*) DESC LIMIT 1", &error);
    g_autoptr(GPtrArray) sessions = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    class_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_reset (stmt);
    sessions = st_session_list (db, class_id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (sessions->len, >, 0);
    session_id = g_strdup (((StSession *) g_ptr_array_index (sessions, sessions->len - 1))->id);
  }

  /* From here every statement of the window's connection is timed. */
  window = st_window_new (NULL, db);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (st_window_is_index_ready (window) && gtk_widget_get_mapped (GTK_WIDGET (window)));
  settle ();

  participants = st_window_get_participants_page (window);
  g_assert_true (g_str_has_suffix (gtk_label_get_text (st_participants_page_get_count_label (participants)),
                                   "participants"));
  type_search (participants, "王秀");
  gtk_editable_set_text (st_participants_page_get_search_entry (participants), "");
  st_participants_page_search_now (participants);
  for (guint i = 1; i < 4; i++)
    choose (st_participants_page_get_township_dropdown (participants), i);
  choose (st_participants_page_get_township_dropdown (participants), 0);
  for (guint i = 1; i < 4; i++)
    choose (st_participants_page_get_state_dropdown (participants), i);
  choose (st_participants_page_get_state_dropdown (participants), 0);

  st_test_show_page (GTK_WIDGET (window), "overview");
  WAIT_UNTIL (!st_overview_page_is_loading (st_window_get_overview_page (window)));

  classes = st_window_get_classes_page (window);
  st_test_show_page (GTK_WIDGET (window), "classes");
  WAIT_UNTIL (!g_str_equal (st_classes_page_get_list_state (classes), "loading"));
  g_assert_cmpstr (st_classes_page_get_list_state (classes), ==, "classes");
  for (guint i = 1; i < 4; i++)
    choose (st_classes_page_get_township_dropdown (classes), i);
  choose (st_classes_page_get_township_dropdown (classes), 0);
  gtk_widget_activate_action (GTK_WIDGET (classes), "classes.open-class", "s", class_id);
  WAIT_UNTIL (st_class_view_is_progress_ready (st_classes_page_get_class_view (classes)));
  gtk_widget_activate_action (GTK_WIDGET (classes), "classes.open-session", "s", session_id);
  settle ();
  g_assert_cmpstr (st_classes_page_get_visible (classes), ==, "sheet");

  graduation = st_window_get_graduation_page (window);
  st_test_show_page (GTK_WIDGET (window), "graduation");
  WAIT_UNTIL (st_graduation_page_get_n_rows (graduation) > 0 && !st_graduation_page_is_evaluating (graduation));
  for (guint i = 1; i < 4; i++)
    choose (st_graduation_page_get_township_dropdown (graduation), i);
  choose (st_graduation_page_get_township_dropdown (graduation), 0);

  st_test_show_page (GTK_WIDGET (window), "reports");
  WAIT_UNTIL (!st_reports_page_is_loading (st_window_get_reports_page (window)));
  settle ();

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

/* The page switcher's button for @title in the header bar, as a person
 * clicks it. */
static GtkWidget *
switcher_button (StWindow   *window,
                 const char *title)
{
  GtkWidget *label = st_test_find_label (GTK_WIDGET (window), title);

  while (label != NULL && !GTK_IS_TOGGLE_BUTTON (label))
    label = gtk_widget_get_parent (label);
  g_assert_nonnull (label);
  return label;
}

/* The widgets GTK made for the rows of @view (each a child of its list). */
static guint
count_row_widgets (GtkWidget *view)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (view); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      for (GtkWidget *row = gtk_widget_get_first_child (child); row; row = gtk_widget_get_next_sibling (row))
        n++;
  return n;
}

/* What a person reads in the row at the top of @view, under its titles. */
static char *
top_row_text (GtkWidget *view)
{
  GtkWidget *row = gtk_widget_pick (view, 40, 60, GTK_PICK_DEFAULT);
  GString *text = g_string_new (NULL);

  while (row != NULL && !GTK_IS_LIST_VIEW (gtk_widget_get_parent (row)))
    row = gtk_widget_get_parent (row);
  g_assert_nonnull (row);
  st_test_collect_text (row, text);
  return g_string_free (text, FALSE);
}

static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/* A page left gives back its rows' widgets (tens of MB on a county) and
 * shows them again, where it was scrolled to, when it comes back. */
static void
test_hidden_page_rows (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  StWindow *window;
  GtkWidget *view;
  GtkAdjustment *adjustment;
  double scrolled;

  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    make_county ();
  db = st_db_open (db_path, &error);
  g_assert_no_error (error);
  window = st_window_new (NULL, db);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (st_window_is_index_ready (window) && gtk_widget_get_mapped (GTK_WIDGET (window)));
  settle ();

  view = GTK_WIDGET (st_participants_page_get_column_view (st_window_get_participants_page (window)));
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  /* The person drags the scroll bar a good way down the list. */
  gtk_adjustment_set_value (adjustment, 5000);
  wait_ms (300);
  settle ();
  scrolled = gtk_adjustment_get_value (adjustment);
  g_assert_cmpfloat (scrolled, >, 4000);
  before = top_row_text (view);
  g_assert_cmpuint (strlen (before), >, 0);
  g_assert_cmpuint (count_row_widgets (view), >, 20);

  st_test_click (switcher_button (window, _("Overview")));
  g_assert_false (gtk_widget_get_mapped (view));
  wait_ms (1500);
  g_assert_cmpuint (count_row_widgets (view), ==, 0);

  st_test_click (switcher_button (window, _("Participants")));
  settle ();
  wait_ms (300);
  g_assert_true (gtk_widget_get_mapped (view));
  g_assert_cmpuint (count_row_widgets (view), >, 20);
  g_assert_cmpfloat (fabs (gtk_adjustment_get_value (adjustment) - scrolled), <, 1);
  after = top_row_text (view);
  g_assert_cmpstr (after, ==, before);

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

/* A search typed as the window opens, while the list holds its first rows
 * only: the count never says a part of the matches, and the rows found are
 * all of them once the whole list is read. */
static void
test_search_at_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  g_autoptr(GArray) truth = NULL;
  g_autofree char *expected = NULL;
  StParticipantQuery query = { .search = "1985" };
  StParticipantsPage *participants;
  GtkLabel *count;
  StWindow *window;
  guint n_partial_checks = 0;

  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    make_county ();
  db = st_db_open (db_path, &error);
  g_assert_no_error (error);
  truth = st_participant_query_run (db, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (truth->len, >, 200);
  expected = g_strdup_printf ("%u of %u participants", truth->len, (guint) st_participant_query_count (db, NULL));

  window = st_window_new (NULL, db);
  participants = st_window_get_participants_page (window);
  count = st_participants_page_get_count_label (participants);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  /* The rest of the list is read after the first frame: not yet. */
  g_assert_true (st_participants_page_is_partial (participants));
  {
    GtkEditable *entry = st_participants_page_get_search_entry (participants);
    int end = 0;

    gtk_editable_insert_text (entry, "1985", -1, &end);
    st_participants_page_search_now (participants);
  }
  /* Until the whole list is there, no count of a part of it. */
  while (st_participants_page_is_partial (participants))
    {
      const char *text = gtk_label_get_text (count);

      g_assert_false (g_str_has_suffix (text, "participants") && strstr (text, " of ") != NULL
                      && !g_str_equal (text, expected));
      n_partial_checks++;
      g_main_context_iteration (NULL, TRUE);
    }
  g_test_message ("searched %u times while the list was partial", n_partial_checks);
  settle ();
  g_assert_cmpstr (gtk_label_get_text (count), ==, expected);

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

/* The watch itself: a read longer than the limit on the window's
 * connection fails, naming the statement and not its values. */
static void
test_slow_read_caught (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StDb) db = st_db_open (db_path, &error);
      StDemoTrainingOptions training = { NULL, FALSE, FALSE, 0, FALSE };

      g_assert_no_error (error);
      g_assert_true (st_demo_populate (db, 300, 3, &error));
      g_assert_true (st_demo_populate_training (db, 3, &training, &error));
      st_db_set_slow_statement_limit (db, 1);
      /* Every attendance row against every session of its class: well
       * over a millisecond. */
      st_db_exec (db, "SELECT count(*) FROM attendance a JOIN sessions s ON s.class_id IN"
                      " (SELECT class_id FROM sessions WHERE id = a.session_id)", NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*a statement took * ms on a connection where nothing may take long: SELECT count(*) FROM attendance*");
}

int
main (int argc, char **argv)
{
  /* A child of g_test_trap_subprocess () works in its parent's folders,
   * which the parent removes. */
  gboolean child = g_getenv ("ST_TEST_MEDIUM_ROOT") != NULL;
  g_autofree char *root = child ? g_strdup (g_getenv ("ST_TEST_MEDIUM_ROOT"))
                                : st_test_ui_private_dirs ("shuangti-test-medium");
  int status;

  g_setenv ("ST_TEST_MEDIUM_ROOT", root, TRUE);

  g_setenv ("ST_SLOW_MAIN_MS", "50", TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  db_path = g_build_filename (root, child ? "child.db" : "medium.db", NULL);
  g_test_add_func ("/app/medium/slow-read-caught", test_slow_read_caught);
  g_test_add_func ("/app/medium/every-page", test_every_page);
  g_test_add_func ("/app/medium/hidden-page-rows", test_hidden_page_rows);
  g_test_add_func ("/app/medium/search-at-start", test_search_at_start);
  status = g_test_run ();
  if (!child)
    st_test_ui_remove_dirs (root);
  g_free (db_path);
  return status;
}
