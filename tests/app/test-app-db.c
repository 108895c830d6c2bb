/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app and its database file, driven through the real widgets under
 * Xvfb:
 * - an edit saved in the app survives shuangti-cli using the same
 *   database and then the app being killed (the app is a child process
 *   of this test, the test binary itself in --app mode);
 * - a database the user may not write opens read-only: the window says
 *   so and offers no change. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

#include "st-application.h"
#include "st-demo.h"
#include "st-participant.h"
#include "st-participant-item.h"
#include "st-participant-editor-private.h"
#include "st-window-private.h"
#include "st-test-ui.h"
#include "st-test-widgets.h"
#include "st-test-participants.h"
#include "../core/st-test-read-only.h"

static GtkWidget *
find_label (GtkWidget  *root,
            const char *prefix)
{
  if (GTK_IS_LABEL (root) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (root)), prefix))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static StWindow *
open_window (StDb *db)
{
  StWindow *window = st_window_new (NULL, db);

  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (st_window_is_index_ready (window) && gtk_widget_get_mapped (GTK_WIDGET (window)));
  settle ();
  return window;
}

static char *
first_participant (StDb *db)
{
  g_autoptr(GPtrArray) people = st_participant_list (db, NULL, NULL);

  g_assert_nonnull (people);
  g_assert_cmpuint (people->len, >, 0);
  return g_strdup (((StParticipant *) g_ptr_array_index (people, 0))->id);
}

/* Opens @uuid's editor, types @phone and presses Save; TRUE when the
 * window said it was saved. */
/* Types @phone into the open form and clicks Save: TRUE once saved,
 * FALSE when Save cannot be pressed. */
static gboolean
edit_phone_in (StWindow            *window,
               StParticipantEditor *editor,
               const char          *phone)
{
  GtkEditable *entry;
  GtkWidget *save;

  entry = st_participant_editor_get_phone_entry (editor);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  gtk_editable_set_text (entry, "");
  for (const char *p = phone; *p; p++)
    {
      int end = (int) strlen (gtk_editable_get_text (entry));

      gtk_editable_insert_text (entry, p, 1, &end);
    }
  settle ();
  save = st_test_find_actionable (GTK_WIDGET (editor), "editor.save");
  g_assert_nonnull (save);
  if (!gtk_widget_is_sensitive (save))
    return FALSE;
  gtk_widget_activate (save);
  WAIT_UNTIL (st_window_get_editor (window) == NULL);
  return g_str_has_suffix (st_window_get_last_toast (window), "saved");
}

/* Opens @uuid's form as a person does (found by the ID number) and edits
 * the phone there. */
static gboolean
edit_phone (StWindow   *window,
            const char *uuid,
            const char *phone)
{
  return edit_phone_in (window, st_test_open_participant (window, st_window_get_db (window), uuid), phone);
}

/* The app, as a child: opens its window on @path and answers the
 * commands of stdin ("edit PHONE"), each once it is saved. */
static int
run_app (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  g_autofree char *uuid = NULL;
  StWindow *window;
  char line[256];

  gtk_init ();
  adw_init ();
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  window = open_window (db);
  uuid = first_participant (db);
  printf ("ready\n");
  fflush (stdout);
  while (fgets (line, sizeof line, stdin) != NULL)
    {
      char phone[64];

      if (sscanf (line, "edit %63s", phone) == 1)
        printf ("%s\n", edit_phone (window, uuid, phone) ? "saved" : "refused");
      fflush (stdout);
    }
  return 0;
}

static void
run_cli (const char *path, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  g_ptr_array_add (argv, (char *) g_getenv ("ST_CLI"));
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) path);
  for (; *args; args++)
    g_ptr_array_add (argv, (char *) *args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("shuangti-cli %s: %s", args[0], err);
}

static char *
say (FILE *to, FILE *from, const char *command)
{
  char line[256];

  if (command != NULL)
    {
      fprintf (to, "%s\n", command);
      fflush (to);
    }
  g_assert_nonnull (fgets (line, sizeof line, from));
  return g_strchomp (g_strdup (line));
}

static void
make_county (const char *path, guint n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (st_demo_populate (db, n, 7, &error));
  g_assert_no_error (error);
}

/* Saved in the app, the CLI beside it, the app killed: the edits are in
 * the file. */
static void
test_edit_survives_cli_and_kill (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "kill.db", NULL);
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self_exe, "--app", path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  g_autoptr(StParticipant) p = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *answer = NULL;
  GPid pid;
  int in, out, status;
  FILE *to, *from;

  g_assert_nonnull (g_getenv ("ST_CLI"));
  make_county (path, 50);
  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, &in, &out, NULL, &error);
  g_assert_no_error (error);
  to = fdopen (in, "w");
  from = fdopen (out, "r");
  answer = say (to, from, NULL);
  g_assert_cmpstr (answer, ==, "ready");
  g_clear_pointer (&answer, g_free);

  answer = say (to, from, "edit 13900000001");
  g_assert_cmpstr (answer, ==, "saved");
  g_clear_pointer (&answer, g_free);

  /* The README's "shuangti-cli on the same database": it reads, writes
   * and exits while the app is open. */
  run_cli (path, (const char *const[]) { "participants", NULL });
  run_cli (path, (const char *const[]) { "major", "add", "测试专业", NULL });

  answer = say (to, from, "edit 13900000002");
  g_assert_cmpstr (answer, ==, "saved");
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_spawn_close_pid (pid);
  fclose (to);
  fclose (from);

  db = st_db_open (path, &error);
  g_assert_no_error (error);
  uuid = first_participant (db);
  p = st_participant_load (db, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (p->phone, ==, "13900000002");
}

/* A database the user may not write: read, never offered a change. */
static void
test_read_only_window (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "ro", NULL);
  g_autofree char *path = g_build_filename (dir, "county.db", NULL);
  g_autofree char *why = NULL;
  g_autofree char *uuid = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  StWindow *window;
  GtkWidget *new_button, *import_button, *banner;
  StParticipantEditor *editor;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  make_county (path, 30);
  if (!st_test_make_read_only (dir, &why))
    {
      g_test_skip (why);
      return;
    }
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (st_db_is_read_only (db));
  window = open_window (db);

  /* The window says so, under the header bar. */
  banner = find_label (GTK_WIDGET (window), "Read-only: changes cannot be saved");
  g_assert_nonnull (banner);
  g_assert_true (gtk_widget_get_mapped (banner));

  /* Everyone is listed. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), !=, NULL);
  uuid = first_participant (db);

  /* New and Import are there but cannot be pressed; pressing New opens
   * nothing. */
  new_button = st_test_find_actionable (GTK_WIDGET (window), "win.new-participant");
  import_button = st_test_find_actionable (GTK_WIDGET (window), "win.import");
  g_assert_nonnull (new_button);
  g_assert_nonnull (import_button);
  g_assert_false (gtk_widget_is_sensitive (new_button));
  g_assert_false (gtk_widget_is_sensitive (import_button));
  gtk_widget_activate (new_button);
  settle ();
  g_assert_null (st_window_get_editor (window));

  /* The search index was never made (the county was written without the
   * app), and cannot be made now: the page says a search may miss people,
   * rather than let "No match" pass for the truth. */
  WAIT_UNTIL (find_label (GTK_WIDGET (window), "Search may miss people") != NULL
              && gtk_widget_get_mapped (find_label (GTK_WIDGET (window), "Search may miss people")));

  /* A participant opens (the first line, double-clicked), to be read;
   * typing into a field does not make Save pressable. */
  {
    StParticipantsPage *page = st_window_get_participants_page (window);
    g_autoptr(StParticipantItem) first = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (st_participants_page_get_column_view (page))), 0);
    GtkWidget *cell = NULL;

    g_assert_nonnull (first);
    WAIT_UNTIL ((cell = st_test_find_label (GTK_WIDGET (st_participants_page_get_column_view (page)),
                                            st_participant_item_get_name (first))) != NULL
                && gtk_widget_get_mapped (cell));
    st_test_pointer_click (cell, 2);
    editor = st_window_get_editor (window);
    g_assert_nonnull (editor);
    WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (editor)));
    g_assert_false (edit_phone_in (window, editor, "13900000009"));
  }
  g_assert_nonnull (editor);
  g_assert_false (st_participant_editor_can_save (editor));
  gtk_window_destroy (GTK_WINDOW (editor));
  settle ();

  /* The Classes page offers no new class. */
  st_test_show_page (GTK_WIDGET (window), "classes");
  settle ();
  {
    GtkWidget *new_class = st_test_find_actionable (GTK_WIDGET (st_window_get_classes_page (window)), "classes.new-class");

    g_assert_nonnull (new_class);
    g_assert_false (gtk_widget_is_sensitive (new_class));
  }
  /* Nothing to sync into a file that cannot be written. */
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (st_window_get_sync_button (window))));

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  g_clear_object (&db);
  st_test_undo_read_only (dir);
}

/* The same window on a database that can be written shows no banner. */
static void
test_writable_window (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "rw.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  StWindow *window;
  GtkWidget *banner;

  make_county (path, 5);
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (st_db_is_read_only (db));
  window = open_window (db);
  banner = find_label (GTK_WIDGET (window), "Read-only: changes cannot be saved");
  g_assert_nonnull (banner);
  g_assert_false (gtk_widget_get_mapped (banner));
  g_assert_true (gtk_widget_is_sensitive (st_test_find_actionable (GTK_WIDGET (window), "win.new-participant")));
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

int
main (int argc, char **argv)
{
  g_autofree char *root = NULL;
  int status;

  if (argc == 3 && g_str_equal (argv[1], "--app"))
    return run_app (argv[2]);

  root = st_test_ui_private_dirs ("shuangti-test-app-db");
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  g_test_add_func ("/app/db/edit-survives-cli-and-kill", test_edit_survives_cli_and_kill);
  g_test_add_func ("/app/db/read-only-window", test_read_only_window);
  g_test_add_func ("/app/db/writable-window", test_writable_window);
  status = g_test_run ();
  st_test_ui_remove_dirs (root);
  return status;
}
