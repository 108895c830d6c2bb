/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Back Up Database… and Restore from Backup… in the main menu, driven
 * through the real widgets under Xvfb: the menu opened and its row
 * clicked, the file chosen in the file chooser, the confirmation answered
 * by its button. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "st-backup.h"
#include "st-demo.h"
#include "st-participant.h"
#include "st-participants-page-private.h"
#include "st-window-private.h"
#include "st-test-ui.h"
#include "st-test-keys.h"
#include "st-test-widgets.h"

typedef struct
{
  char     *path;
  StDb     *db;
  StWindow *window;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static guint n;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  f->path = g_strdup_printf ("%s/backup-%u.db", g_get_user_data_dir (), ++n);
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (st_demo_populate (f->db, 30, 3, &error));
  f->window = st_window_new (NULL, f->db);
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_UNTIL (st_window_is_index_ready (f->window) && gtk_widget_get_mapped (GTK_WIDGET (f->window)));
  settle ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  settle ();
  g_clear_object (&f->db);
  g_free (f->path);
}

static gboolean
is_primary_menu_button (GtkWidget     *widget,
                        gconstpointer  data)
{
  return GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget));
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0;
}

/* Opens the main menu by its button and clicks the row @text. */
static void
click_menu_row (StWindow   *window,
                const char *text)
{
  GtkWidget *button = st_test_ui_find_widget (GTK_WIDGET (window), is_primary_menu_button, NULL);

  st_test_ui_menu_click (button, text);
  WAIT_UNTIL (!gtk_widget_get_mapped (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)))));
}

static gboolean
is_chooser_widget (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_FILE_CHOOSER_WIDGET (widget);
}

/* The file chooser the menu row opened: without a portal, GTK shows its own
 * dialog, where the file is chosen and the accept button pressed. */
static void
choose_file (StWindow   *window,
             const char *path)
{
  GtkWidget *dialog = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GError) error = NULL;

  WAIT_UNTIL (st_window_get_file_chooser (window) != NULL);
  WAIT_UNTIL ((dialog = st_test_ui_chooser_dialog ()) != NULL);
  settle ();
  if (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)) == GTK_FILE_CHOOSER_ACTION_SAVE)
    {
      /* (The folder browsed to.) The name typed over the one proposed. */
      g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, &error));
      g_assert_no_error (error);
      settle ();
      st_test_key (dialog, GDK_KEY_a, GDK_CONTROL_MASK);
      st_test_type (dialog, base);
    }
  else
    {
      /* Ctrl+L and the path typed. */
      g_assert_nonnull (st_test_ui_find_widget (dialog, is_chooser_widget, NULL));
      st_test_key (dialog, GDK_KEY_l, GDK_CONTROL_MASK);
      st_test_type (dialog, path);
    }
  settle ();
  /* Enter: Save, or Open. */
  st_test_key (dialog, GDK_KEY_Return, 0);
  WAIT_UNTIL (st_window_get_file_chooser (window) == NULL);
}

static const char *
dialog_body (AdwMessageDialog *dialog)
{
  return adw_message_dialog_get_body (dialog);
}

static void
test_backup_menu (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *backup = g_build_filename (g_get_user_data_dir (), "office-backup.db", NULL);
  g_autoptr(StBackupInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  click_menu_row (f->window, "Back Up Database…");
  choose_file (f->window, backup);
  WAIT_UNTIL (!st_window_is_busy (f->window));

  g_assert_cmpstr (st_window_get_last_toast (f->window), ==, "Backup saved: office-backup.db");
  g_assert_cmpint (g_stat (backup, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  info = st_backup_inspect (backup, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->participants, ==, 30);
}

static StWindow *
other_window (StWindow *old)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ST_IS_WINDOW (w) && ST_WINDOW (w) != old)
        return ST_WINDOW (w);
    }
  return NULL;
}

/* Restore: the confirmation says what is replaced and what is lost; the
 * window then shows the restored records. */
static void
test_restore_menu (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *backup = g_build_filename (g_get_user_data_dir (), "office-backup.db", NULL);
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *replace;
  StWindow *restored = NULL;
  GtkWidget *old_widget = GTK_WIDGET (f->window);

  g_assert_true (st_backup (f->db, backup, ST_BACKUP_FLAGS_REPLACE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  /* Two more people after the backup, never synced. */
  g_assert_true (st_demo_populate (f->db, 2, 4, &error));
  st_participants_page_reload (st_window_get_participants_page (f->window));
  g_assert_cmpint (st_db_count_live (f->db, "participants"), ==, 32);

  click_menu_row (f->window, "Restore from Backup…");
  choose_file (f->window, backup);
  WAIT_UNTIL ((dialog = st_window_get_confirmation (f->window)) != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Replace All Records With the Backup?");
  g_assert_nonnull (strstr (dialog_body (dialog), "replaced by the backup “office-backup.db”"));
  g_assert_nonnull (strstr (dialog_body (dialog), "30 participants"));
  g_assert_nonnull (strstr (dialog_body (dialog), "2 changes made on this computer have not reached the server"));

  replace = st_test_ui_find_widget (GTK_WIDGET (dialog), is_button_labelled, "_Replace");
  g_assert_nonnull (replace);
  g_object_add_weak_pointer (G_OBJECT (old_widget), (gpointer *) &old_widget);
  st_test_click (replace);
  WAIT_UNTIL ((restored = other_window (f->window)) != NULL);
  WAIT_UNTIL (old_widget == NULL);
  f->window = restored;
  WAIT_UNTIL (st_window_is_index_ready (restored));

  g_assert_cmpint (st_db_count_live (st_window_get_db (restored), "participants"), ==, 30);
  g_assert_nonnull (strstr (st_window_get_last_toast (restored), "Restored from office-backup.db: 30 participants"));
  /* The connection the test kept sees the restored records too. */
  g_assert_cmpint (st_db_count_live (f->db, "participants"), ==, 30);
}

/* A file that is not a backup: refused, the window as it was. */
static void
test_restore_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *text = g_build_filename (g_get_user_data_dir (), "roster.db", NULL);
  AdwMessageDialog *dialog;

  g_assert_true (g_file_set_contents (text, "姓名,身份证号\n", -1, NULL));
  click_menu_row (f->window, "Restore from Backup…");
  choose_file (f->window, text);
  WAIT_UNTIL ((dialog = st_window_get_confirmation (f->window)) != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "This Backup Cannot Be Restored");
  g_assert_nonnull (strstr (dialog_body (dialog), "is not a Shuangti database"));
  g_assert_false (st_window_is_busy (f->window));
  g_assert_cmpint (st_db_count_live (f->db, "participants"), ==, 30);
}

int
main (int argc, char **argv)
{
  g_autofree char *root = st_test_ui_private_dirs ("shuangti-test-backup");
  int status;
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add ("/app/backup/menu", Fixture, NULL, fixture_setup, test_backup_menu, fixture_teardown);
  g_test_add ("/app/restore/menu", Fixture, NULL, fixture_setup, test_restore_menu, fixture_teardown);
  g_test_add ("/app/restore/refused", Fixture, NULL, fixture_setup, test_restore_refused, fixture_teardown);

  status = g_test_run ();
  st_test_ui_remove_dirs (root);
  return status;
}
