/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Preferences (issue 22 item 5): the local role, its townships and the
 * trainer's name are chosen with the real widgets and land in the
 * settings, the role follows at once and says which of its properties
 * changed; a signed-in account's role is shown, not changed. Under Xvfb. */
#include "config.h"

#include <adwaita.h>

#include "st-application.h"
#include "st-divisions.h"
#include "st-preferences-window.h"
#include "st-participant.h"
#include "st-role.h"
#include "st-sync-controller.h"
#include "st-test-ui.h"
#include "st-test-widgets.h"
#include "st-test-keys.h"

typedef struct
{
  char        *path;
  StDb        *db;
  GSettings   *settings;
  StDivisions *divisions;
  StRole      *role;
  GHashTable  *notified;   /* property name → times */
} Fixture;

static void
on_notify (GObject *object, GParamSpec *pspec, Fixture *f)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (f->notified, pspec->name));

  g_hash_table_insert (f->notified, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static guint
notified (Fixture *f, const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (f->notified, name));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  static guint n;

  f->path = g_strdup_printf ("%s/prefs-%u.db", g_get_user_data_dir (), ++n);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  f->settings = st_application_settings_new ();
  g_settings_reset (f->settings, "local-role");
  g_settings_reset (f->settings, "local-townships");
  g_settings_reset (f->settings, "local-trainer");
  g_settings_reset (f->settings, "server-url");
  f->divisions = st_divisions_new_default ();
  if (data != NULL)
    g_assert_true (st_db_set_meta (f->db, "sync.role", data, NULL)
                   && st_db_set_meta (f->db, "sync.account", "qiaoma", NULL));
  f->role = st_role_new_for_db (f->db, f->settings);
  f->notified = g_hash_table_new (g_str_hash, g_str_equal);
  g_signal_connect (f->role, "notify", G_CALLBACK (on_notify), f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  settle ();
  g_signal_handlers_disconnect_by_data (f->role, f);
  g_clear_object (&f->role);
  g_clear_pointer (&f->divisions, st_divisions_unref);
  g_clear_object (&f->settings);
  g_clear_object (&f->db);
  g_hash_table_unref (f->notified);
  g_free (f->path);
}

static StPreferencesWindow *
open_preferences (Fixture *f)
{
  StPreferencesWindow *prefs = st_preferences_window_new (NULL, f->path, f->settings);

  st_preferences_window_set_role (prefs, f->role, f->divisions);
  gtk_window_present (GTK_WINDOW (prefs));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (prefs)));
  settle ();
  return prefs;
}

static gboolean
row_titled (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_PREFERENCES_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static GtkWidget *
row (StPreferencesWindow *prefs, const char *title)
{
  GtkWidget *found = st_test_ui_find_widget (GTK_WIDGET (prefs), row_titled, title);

  g_assert_nonnull (found);
  return found;
}

/* The choice of a combo row with these words, as a click in its list makes it. */
static void
choose (AdwComboRow *combo, const char *text)
{
  GListModel *model = adw_combo_row_get_model (combo);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), text))
        {
          adw_combo_row_set_selected (combo, i);
          settle ();
          return;
        }
    }
  g_assert_not_reached ();
}

static const char *
chosen (AdwComboRow *combo)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (combo);

  return gtk_string_object_get_string (item);
}

static void
test_local_role (Fixture *f, gconstpointer data)
{
  StPreferencesWindow *prefs = open_preferences (f);
  AdwComboRow *role_row = ADW_COMBO_ROW (row (prefs, "Role"));
  AdwExpanderRow *townships = ADW_EXPANDER_ROW (row (prefs, "Townships"));
  GtkWidget *trainer = row (prefs, "Your name as classes list their trainers");
  g_auto(GStrv) codes = NULL;
  g_autofree char *name = NULL;
  const StDivision *qiaoma = st_divisions_find_township (f->divisions, "巧马镇");
  const StDivision *yangba = st_divisions_find_township (f->divisions, "秧坝镇");

  /* Nothing chosen yet: the county, every township. */
  g_assert_cmpstr (chosen (role_row), ==, "County staff");
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (role_row)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (townships)));
  g_assert_false (gtk_widget_get_visible (trainer));

  choose (role_row, "Township office");
  name = g_settings_get_string (f->settings, "local-role");
  g_assert_cmpstr (name, ==, "township");
  g_assert_cmpint (st_role_get_kind (f->role), ==, ST_ROLE_TOWNSHIP);
  g_assert_cmpuint (notified (f, "kind"), ==, 1);
  g_assert_cmpuint (notified (f, "townships"), ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (townships)));
  g_assert_false (gtk_widget_get_visible (trainer));
  g_assert_cmpstr (adw_expander_row_get_subtitle (townships), ==, "All townships");

  /* Two townships ticked: the role sees those two. */
  adw_expander_row_set_expanded (townships, TRUE);
  settle ();
  st_test_click (row (prefs, "秧坝镇"));
  st_test_click (row (prefs, "巧马镇"));
  codes = g_settings_get_strv (f->settings, "local-townships");
  g_assert_cmpuint (g_strv_length (codes), ==, 2);
  g_assert_cmpstr (codes[0], ==, qiaoma->code);   /* in the county's order */
  g_assert_cmpstr (codes[1], ==, yangba->code);
  g_assert_cmpstr (adw_expander_row_get_subtitle (townships), ==, "2 townships");
  g_assert_true (st_role_sees_township (f->role, qiaoma->code));
  g_assert_true (st_role_sees_township (f->role, yangba->code));
  g_assert_cmpuint (g_strv_length ((GStrv) st_role_get_townships (f->role)), ==, 2);
  g_assert_cmpuint (notified (f, "townships"), ==, 2);
  g_assert_cmpuint (notified (f, "kind"), ==, 1);
  g_clear_pointer (&codes, g_strfreev);
  st_test_click (row (prefs, "秧坝镇"));
  codes = g_settings_get_strv (f->settings, "local-townships");
  g_assert_cmpuint (g_strv_length (codes), ==, 1);
  g_assert_cmpstr (adw_expander_row_get_subtitle (townships), ==, "1 township");

  /* A trainer: the name the classes list, saved with Enter. */
  choose (role_row, "Trainer");
  g_assert_true (gtk_widget_get_visible (trainer));
  /* (The field clicked into, and the name as an input method gives it.) */
  g_assert_true (gtk_widget_grab_focus (trainer));
  gtk_editable_set_text (GTK_EDITABLE (trainer), "  韦老师 ");
  st_test_key (trainer, GDK_KEY_Return, 0);
  g_clear_pointer (&name, g_free);
  name = g_settings_get_string (f->settings, "local-trainer");
  g_assert_cmpstr (name, ==, "韦老师");
  g_assert_cmpstr (st_role_get_account (f->role), ==, "韦老师");
  g_assert_cmpuint (notified (f, "account"), ==, 1);
  g_assert_cmpuint (notified (f, "signed-in"), ==, 0);

  /* Bound to the settings: a change made elsewhere shows at once. */
  g_settings_set_string (f->settings, "local-role", "county");
  settle ();
  g_assert_cmpstr (chosen (role_row), ==, "County staff");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (townships)));
  g_assert_cmpint (st_role_get_kind (f->role), ==, ST_ROLE_COUNTY);
}

/* Signed in: the account's role is shown and cannot be changed here; the
 * local choice stays as it was. */
static void
test_signed_in (Fixture *f, gconstpointer data)
{
  StPreferencesWindow *prefs = open_preferences (f);
  AdwComboRow *role_row = ADW_COMBO_ROW (row (prefs, "Role"));
  g_autofree char *local = NULL;

  g_assert_true (st_role_is_signed_in (f->role));
  g_assert_cmpstr (chosen (role_row), ==, "Township office");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (role_row)));
  local = g_settings_get_string (f->settings, "local-role");
  g_assert_cmpstr (local, ==, "county");
  g_assert_nonnull (st_test_find_label (GTK_WIDGET (prefs),
                                        "Signed in as qiaoma (Township office): the county server decides what this laptop offers."));
}

/* The server's address: a wrong one is refused with the reason, a right
 * one saved. */
static void
test_server (Fixture *f, gconstpointer data)
{
  StPreferencesWindow *prefs = open_preferences (f);
  GtkWidget *server = row (prefs, "Server address");
  g_autofree char *url = NULL;

  /* Typed into the field, and Enter. */
  g_assert_true (gtk_widget_grab_focus (server));
  st_test_type (server, "ftp://county");
  g_assert_true (gtk_widget_has_css_class (server, "error"));
  st_test_key (server, GDK_KEY_Return, 0);
  url = g_settings_get_string (f->settings, "server-url");
  g_assert_cmpstr (url, ==, "");
  st_test_key (server, GDK_KEY_a, GDK_CONTROL_MASK);
  st_test_type (server, " https://shuangti.example.gov.cn ");
  g_assert_false (gtk_widget_has_css_class (server, "error"));
  st_test_key (server, GDK_KEY_Return, 0);
  g_clear_pointer (&url, g_free);
  url = g_settings_get_string (f->settings, "server-url");
  g_assert_cmpstr (url, ==, "https://shuangti.example.gov.cn");
}

/* The sync controller's properties notify what changed, and only that: a
 * local change is one more waiting (before sign-in the state stays "Not
 * syncing"). */
static void
test_sync_controller (Fixture *f, gconstpointer data)
{
  g_autoptr(StSyncController) controller = st_sync_controller_new (f->db, FALSE);
  g_autoptr(StParticipant) p = st_participant_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  gint64 pending = -1;
  guint changed = 0;

  g_signal_connect (controller, "notify", G_CALLBACK (on_notify), f);
  g_signal_connect_swapped (controller, "changed", G_CALLBACK (g_atomic_int_inc), &changed);
  g_object_get (controller, "title", &title, "pending", &pending, NULL);
  g_assert_cmpstr (title, ==, "Not syncing");
  g_assert_cmpint (pending, ==, 0);

  p->id_number = g_strdup ("522327198503120028");
  p->name = g_strdup ("王秀英");
  p->township_code = g_strdup ("522327104000");
  g_assert_true (st_participant_insert (f->db, p, &error));
  st_sync_controller_refresh (controller);
  g_object_get (controller, "pending", &pending, NULL);
  g_assert_cmpint (pending, ==, 1);
  g_assert_cmpuint (notified (f, "pending"), ==, 1);
  g_assert_cmpuint (notified (f, "status"), ==, 0);
  g_assert_cmpuint (notified (f, "title"), ==, 0);
  g_assert_cmpuint (notified (f, "signed-in"), ==, 0);
  g_assert_cmpuint (changed, ==, 1);

  /* Nothing new: nothing notified. */
  st_sync_controller_refresh (controller);
  g_assert_cmpuint (notified (f, "pending"), ==, 1);
  g_signal_handlers_disconnect_by_data (controller, f);
}

int
main (int argc, char **argv)
{
  g_autofree char *root = st_test_ui_private_dirs ("shuangti-test-preferences");
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  g_test_add ("/app/preferences/local-role", Fixture, NULL, fixture_setup, test_local_role, fixture_teardown);
  g_test_add ("/app/preferences/signed-in", Fixture, "township", fixture_setup, test_signed_in, fixture_teardown);
  g_test_add ("/app/preferences/server", Fixture, NULL, fixture_setup, test_server, fixture_teardown);
  g_test_add ("/app/properties/sync-controller", Fixture, NULL, fixture_setup, test_sync_controller, fixture_teardown);
  status = g_test_run ();
  st_test_ui_remove_dirs (root);
  return status;
}
