/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sync by File… as a clerk uses it (issue 20): the window is laptop B,
 * which signed in once and has no network since; laptop A, online, relays
 * its bundle to the real shuangti-server on 127.0.0.1 and brings the reply
 * back. The clerk opens the sync menu, clicks Sync by File…, types where to
 * save, exports, then types the reply's path, opens it, reads what it holds
 * and applies it. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "st-bundle.h"
#include "st-bundle-dialog.h"
#include "st-sync-button.h"
#include "st-test-replica.h"
#include "st-token-store.h"
#include "st-window-private.h"
#include "st-test-ui.h"
#include "st-test-widgets.h"
#include "st-test-server.h"

/* Types @text into the entry row @name of @dialog, a character at a time. */
static void
type_into (GtkWidget  *dialog,
           const char *name,
           const char *text)
{
  GtkEditable *row = GTK_EDITABLE (gtk_widget_get_template_child (dialog, ST_TYPE_BUNDLE_DIALOG, name));

  gtk_editable_delete_text (row, 0, -1);
  for (const char *c = text; *c; c = g_utf8_next_char (c))
    {
      int position = -1;

      gtk_editable_insert_text (row, c, (int) (g_utf8_next_char (c) - c), &position);
      gtk_editable_set_position (row, -1);
    }
}

static char *
text_of (GtkWidget *root)
{
  g_autoptr(GString) out = g_string_new (NULL);

  st_test_collect_text (root, out);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_sync_by_file (void)
{
  g_autofree char *server_db = st_test_db_path ("server.db");
  g_autofree char *dir = g_dir_make_tmp ("bundle-ui-XXXXXX", NULL);
  g_autofree char *bundle_path = g_build_filename (dir, "village.stbundle", NULL);
  g_autofree char *reply_path = g_build_filename (dir, "village.streply", NULL);
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(StTestReplica) a = NULL;
  g_autoptr(StTestReplica) b = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *pb = NULL;
  g_autofree char *pa = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  StSyncButton *button;
  GtkWidget *dialog;
  StWindow *window;

  st_test_add_user (server_db, "county", "county", NULL);
  st_test_add_user (server_db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  server = st_test_server_start (server_db, NULL);
  a = st_test_replica_new ("laptop-a", 0);
  st_test_replica_sign_in (a, server, "county");
  pa = st_test_replica_add_participant (a, 2, "李四", ST_TEST_TOWNSHIP_A);
  st_test_replica_sync_ok (a);
  /* B signed in once at the township office, then went to the village. */
  b = st_test_replica_new ("laptop-b", 0);
  st_test_replica_sign_in (b, server, "qiaoma");
  pb = st_test_replica_add_participant (b, 1, "张三", ST_TEST_TOWNSHIP_A);

  /* B keeps its sign-in as the app does (it relays C's bundle below). */
  {
    g_autoptr(StSyncAccount) account = st_sync_account_load (b->db);

    st_token_store_save (b->db, account->server, account->name, b->token);
  }

  window = st_window_new (NULL, b->db);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  button = st_window_get_sync_button (window);

  /* The sync menu, then Sync by File…. */
  gtk_popover_popup (st_sync_button_get_popover (button));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (st_sync_button_get_popover (button))));
  st_test_click (st_test_find_actionable (GTK_WIDGET (st_sync_button_get_popover (button)), "sync.file"));
  WAIT_UNTIL (st_sync_button_get_bundle_dialog (button) != NULL);
  dialog = GTK_WIDGET (st_sync_button_get_bundle_dialog (button));
  WAIT_UNTIL (gtk_widget_get_mapped (dialog));
  text = text_of (dialog);
  g_assert_nonnull (strstr (text, "Changes waiting to be sent"));
  g_assert_nonnull (strstr (text, "1 change"));

  /* Export where the clerk says. */
  type_into (dialog, "export_row", bundle_path);
  st_test_click (st_test_find_actionable (dialog, "bundle.export"));
  WAIT_UNTIL (!st_bundle_dialog_is_busy (ST_BUNDLE_DIALOG (dialog)));
  g_assert_nonnull (strstr (st_bundle_dialog_get_status (ST_BUNDLE_DIALOG (dialog)), "1 change saved in"));
  g_assert_true (g_file_test (bundle_path, G_FILE_TEST_EXISTS));

  /* Opened here, the bundle says what it holds and offers to send it. */
  type_into (dialog, "open_row", bundle_path);
  st_test_click (st_test_find_actionable (dialog, "bundle.open"));
  g_clear_pointer (&text, g_free);
  text = text_of (dialog);
  g_assert_nonnull (strstr (text, "This laptop’s own bundle"));
  g_assert_nonnull (strstr (text, "1 change of account qiaoma"));
  g_assert_nonnull (st_test_find_actionable (dialog, "bundle.relay"));

  /* Laptop A relays it. */
  {
    g_autoptr(GError) error = NULL;
    char *contents = NULL;
    gsize length = 0;
    g_autoptr(GBytes) bundle = NULL;

    g_assert_true (g_file_get_contents (bundle_path, &contents, &length, &error));
    bundle = g_bytes_new_take (contents, length);
    reply = st_bundle_relay (a->db, a->token, bundle, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_file_set_contents (reply_path, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL));
  }

  /* The reply, opened: what it holds, before anything is applied. */
  type_into (dialog, "open_row", reply_path);
  st_test_click (st_test_find_actionable (dialog, "bundle.open"));
  g_clear_pointer (&text, g_free);
  text = text_of (dialog);
  g_assert_nonnull (strstr (text, "1 change answered: 1 applied, 0 already there, 0 conflicts, 0 refused"));
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "2 rows to receive"));   /* A’s row, and B’s own back */
  g_assert_nonnull (strstr (text, "Sent to the server by account county"));
  g_assert_cmpint (st_sync_count_pending (b->db), ==, 1);
  g_assert_null (st_test_replica_get (b, "participants", pa, "name"));

  /* Applied: B has A's row, and nothing is waiting. */
  st_test_click (st_test_find_actionable (dialog, "bundle.apply"));
  WAIT_UNTIL (!st_bundle_dialog_is_busy (ST_BUNDLE_DIALOG (dialog)));
  g_assert_nonnull (strstr (st_bundle_dialog_get_status (ST_BUNDLE_DIALOG (dialog)), "The reply is applied"));
  g_assert_cmpint (st_sync_count_pending (b->db), ==, 0);
  name = st_test_replica_get (b, "participants", pa, "name");
  g_assert_cmpstr (name, ==, "李四");
  g_clear_pointer (&text, g_free);
  text = text_of (dialog);
  g_assert_nonnull (strstr (text, "0 changes"));

  /* The same reply again: refused, said plainly. */
  type_into (dialog, "open_row", reply_path);
  st_test_click (st_test_find_actionable (dialog, "bundle.open"));
  g_assert_nonnull (strstr (st_bundle_dialog_get_status (ST_BUNDLE_DIALOG (dialog)), "not newer"));
  g_assert_null (st_test_find_actionable (dialog, "bundle.apply"));

  /* Another laptop's bundle, brought here to be sent: what it holds, then
   * Send to the Server writes the reply beside it, which only C opens. */
  {
    g_autoptr(StTestReplica) c = st_test_replica_new ("laptop-c", 0);
    g_autofree char *c_bundle = g_build_filename (dir, "c.stbundle", NULL);
    g_autofree char *c_reply = g_build_filename (dir, "c.streply", NULL);
    g_autofree char *pc = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    char *contents = NULL;
    gsize length = 0;

    st_test_replica_sign_in (c, server, "qiaoma");
    pc = st_test_replica_add_participant (c, 3, "王五", ST_TEST_TOWNSHIP_A);
    bytes = st_bundle_export (c->db, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_file_set_contents (c_bundle, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));

    type_into (dialog, "open_row", c_bundle);
    st_test_click (st_test_find_actionable (dialog, "bundle.open"));
    g_clear_pointer (&text, g_free);
    text = text_of (dialog);
    g_assert_nonnull (strstr (text, "A bundle from another laptop"));
    g_assert_nonnull (strstr (text, "1 change of account qiaoma"));
    st_test_click (st_test_find_actionable (dialog, "bundle.relay"));
    WAIT_UNTIL (!st_bundle_dialog_is_busy (ST_BUNDLE_DIALOG (dialog)));
    g_assert_nonnull (strstr (st_bundle_dialog_get_status (ST_BUNDLE_DIALOG (dialog)), "The server took the bundle"));
    g_assert_true (g_file_get_contents (c_reply, &contents, &length, &error));
    g_clear_pointer (&bytes, g_bytes_unref);
    bytes = g_bytes_new_take (contents, length);
    g_assert_true (st_bundle_import (c->db, bytes, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (st_sync_count_pending (c->db), ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  st_test_server_stop (server);
  st_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *root = g_dir_make_tmp ("test-bundle-ui-XXXXXX", NULL);
  int status;

  g_assert_nonnull (root);
  g_setenv ("XDG_DATA_HOME", root, TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add_func ("/app/sync/by-file", test_sync_by_file);
  status = g_test_run ();
  st_test_ui_remove_dirs (root);
  return status;
}
