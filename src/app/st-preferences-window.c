/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "st-preferences-window.h"

struct _StPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwActionRow         *database_row;
  AdwEntryRow          *server_row;
  AdwPreferencesGroup  *role_group;
  AdwComboRow          *role_row;
  AdwExpanderRow       *townships_row;
  AdwEntryRow          *trainer_row;
  GPtrArray            *township_checks;   /* GtkCheckButton, with "code" */
  StRole               *role;

  char                 *database_path;
  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (StPreferencesWindow, st_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* An address the sync can use: http(s)://host[:port][/path]. */
static gboolean
server_is_valid (const char *text)
{
  g_autoptr(GUri) uri = NULL;

  if (*text == '\0')
    return TRUE;
  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0'
    && (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 || g_strcmp0 (g_uri_get_scheme (uri), "http") == 0);
}

static void
on_server_changed (StPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));

  if (server_is_valid (text))
    gtk_widget_remove_css_class (GTK_WIDGET (self->server_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->server_row), "error");
}

static void
on_server_apply (StPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));

  if (!server_is_valid (text))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Enter the server’s address as https://name or https://name:port.")));
      return;
    }
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "server-url", text);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (_("Server address saved")));
}

static const char *const role_codes[] = { "trainer", "township", "county" };

/* local-role ↔ the role row's position (StRoleKind's order). */
static gboolean
role_to_position (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_value_set_uint (value, st_role_kind_from_code (g_variant_get_string (variant, NULL)));
  return TRUE;
}

static GVariant *
position_to_role (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  guint position = g_value_get_uint (value);

  return position < G_N_ELEMENTS (role_codes) ? g_variant_new_string (role_codes[position]) : NULL;
}

/* A township's check button ↔ whether local-townships lists it. */
typedef struct
{
  GSettings *settings;
  char      *code;
} TownshipBinding;

static void
township_binding_free (gpointer data)
{
  TownshipBinding *b = data;

  g_object_unref (b->settings);
  g_free (b->code);
  g_free (b);
}

static gboolean
township_listed (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  TownshipBinding *b = user_data;
  g_autofree const char **codes = g_variant_get_strv (variant, NULL);

  g_value_set_boolean (value, g_strv_contains (codes, b->code));
  return TRUE;
}

static int
compare_codes (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The list with the township added or taken out, in the county's order
 * (the statistical codes'). */
static GVariant *
township_list (const GValue       *value,
               const GVariantType *expected_type,
               gpointer            user_data)
{
  TownshipBinding *b = user_data;
  g_auto(GStrv) codes = g_settings_get_strv (b->settings, "local-townships");
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  gboolean listed = g_value_get_boolean (value);

  for (guint i = 0; codes[i] != NULL; i++)
    if (!g_str_equal (codes[i], b->code))
      g_ptr_array_add (list, codes[i]);
  if (listed)
    g_ptr_array_add (list, b->code);
  g_ptr_array_sort (list, compare_codes);
  return g_variant_new_strv ((const char *const *) list->pdata, list->len);
}

static void
update_role_rows (StPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->role_row);
  gboolean local = self->role == NULL || !st_role_is_signed_in (self->role);

  gtk_widget_set_visible (GTK_WIDGET (self->townships_row), selected != ST_ROLE_COUNTY);
  gtk_widget_set_visible (GTK_WIDGET (self->trainer_row), selected == ST_ROLE_TRAINER);
  gtk_widget_set_sensitive (GTK_WIDGET (self->role_row), local && self->settings != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->townships_row), local && self->settings != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->trainer_row), local && self->settings != NULL);
}

/* The role row writes local-role through its binding (not while signed
 * in: then it shows the account's role, unbound). */
static void
on_role_selected (StPreferencesWindow *self)
{
  update_role_rows (self);
}

static void
update_townships_subtitle (StPreferencesWindow *self)
{
  g_auto(GStrv) codes = self->settings ? g_settings_get_strv (self->settings, "local-townships") : NULL;
  guint n = codes ? g_strv_length (codes) : 0;
  /* Translators: the subtitle of the townships row */
  g_autofree char *subtitle = n == 0 ? g_strdup (_("All townships"))
                                     : g_strdup_printf (ngettext ("%u township", "%u townships", n), n);

  adw_expander_row_set_subtitle (self->townships_row, subtitle);
}

static void
on_trainer_apply (StPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->trainer_row))));

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "local-trainer", text);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (_("Name saved")));
}

void
st_preferences_window_set_role (StPreferencesWindow *self,
                                StRole              *role,
                                StDivisions         *divisions)
{
  g_autoptr(GPtrArray) townships = st_divisions_townships (divisions);

  g_return_if_fail (ST_IS_PREFERENCES_WINDOW (self));
  g_set_object (&self->role, role);

  /* The rows are the county's townships: one check button each. */
  for (guint i = 0; i < townships->len; i++)
    {
      const StDivision *t = g_ptr_array_index (townships, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), t->name);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, t->name, -1);
      g_object_set_data_full (G_OBJECT (check), "code", g_strdup (t->code), g_free);
      if (self->settings != NULL)
        {
          TownshipBinding *b = g_new0 (TownshipBinding, 1);

          b->settings = g_object_ref (self->settings);
          b->code = g_strdup (t->code);
          g_settings_bind_with_mapping (self->settings, "local-townships", check, "active",
                                        G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_NO_SENSITIVITY,
                                        township_listed, township_list, b, township_binding_free);
        }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_expander_row_add_row (self->townships_row, row);
      g_ptr_array_add (self->township_checks, check);
    }

  if (self->settings != NULL)
    g_settings_bind (self->settings, "local-trainer", self->trainer_row, "text",
                     G_SETTINGS_BIND_GET | G_SETTINGS_BIND_NO_SENSITIVITY);
  if (st_role_is_signed_in (role))
    {
      /* The account's role, shown: the local one is not changed. */
      g_settings_unbind (self->role_row, "selected");
      g_signal_handlers_block_by_func (self->role_row, on_role_selected, self);
      adw_combo_row_set_selected (self->role_row, st_role_get_kind (role));
      g_signal_handlers_unblock_by_func (self->role_row, on_role_selected, self);
    }
  if (st_role_is_signed_in (role))
    {
      /* Translators: "Signed in as qiaoma (Township office): the county server decides what this laptop offers." */
      g_autofree char *text = g_strdup_printf (_("Signed in as %s (%s): the county server decides what this laptop offers."),
                                               st_role_get_account (role) ? st_role_get_account (role) : "—",
                                               st_role_kind_to_display (st_role_get_kind (role)));

      adw_preferences_group_set_description (self->role_group, text);
    }
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::local-townships", G_CALLBACK (update_townships_subtitle),
                             self, G_CONNECT_SWAPPED);
  update_townships_subtitle (self);
  update_role_rows (self);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  StPreferencesWindow *self = ST_PREFERENCES_WINDOW (widget);
  g_autofree char *dir = g_path_get_dirname (self->database_path);
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autofree char *uri = g_file_get_uri (file);

  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

static void
st_preferences_window_finalize (GObject *object)
{
  StPreferencesWindow *self = ST_PREFERENCES_WINDOW (object);

  g_free (self->database_path);
  g_clear_object (&self->settings);
  g_clear_object (&self->role);
  g_clear_pointer (&self->township_checks, g_ptr_array_unref);

  G_OBJECT_CLASS (st_preferences_window_parent_class)->finalize (object);
}

static void
st_preferences_window_class_init (StPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = st_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StPreferencesWindow, database_row);
  gtk_widget_class_bind_template_child (widget_class, StPreferencesWindow, server_row);
  gtk_widget_class_bind_template_callback (widget_class, on_server_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_server_apply);
  gtk_widget_class_bind_template_child (widget_class, StPreferencesWindow, role_group);
  gtk_widget_class_bind_template_child (widget_class, StPreferencesWindow, role_row);
  gtk_widget_class_bind_template_child (widget_class, StPreferencesWindow, townships_row);
  gtk_widget_class_bind_template_child (widget_class, StPreferencesWindow, trainer_row);
  gtk_widget_class_bind_template_callback (widget_class, on_role_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_trainer_apply);

  gtk_widget_class_install_action (widget_class, "prefs.open-folder", NULL, open_folder_action);
}

/* libadwaita's lists inside the expander row, named for screen readers. */
static void
name_list_boxes (GtkWidget  *widget,
                 const char *name)
{
  if (GTK_IS_LIST_BOX (widget))
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    name_list_boxes (child, name);
}

static void
st_preferences_window_init (StPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  name_list_boxes (GTK_WIDGET (self->townships_row), _("Townships you work in"));
  self->township_checks = g_ptr_array_new ();
}

StPreferencesWindow *
st_preferences_window_new (GtkWindow  *parent,
                           const char *database_path,
                           GSettings  *settings)
{
  StPreferencesWindow *self = g_object_new (ST_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);

  self->database_path = g_strdup (database_path);
  self->settings = settings ? g_object_ref (settings) : NULL;
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->database_row), FALSE);
  adw_action_row_set_subtitle (self->database_row, database_path);
  /* The addresses and names are saved on Enter, once checked (apply):
   * the rows only show what the settings hold. The role is saved as it is
   * chosen. */
  if (settings != NULL)
    {
      g_settings_bind (settings, "server-url", self->server_row, "text",
                       G_SETTINGS_BIND_GET | G_SETTINGS_BIND_NO_SENSITIVITY);
      g_signal_handlers_block_by_func (self->role_row, on_role_selected, self);
      g_settings_bind_with_mapping (settings, "local-role", self->role_row, "selected",
                                    G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_NO_SENSITIVITY,
                                    role_to_position, position_to_role, NULL, NULL);
      g_signal_handlers_unblock_by_func (self->role_row, on_role_selected, self);
    }
  else
    gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), FALSE);
  /* Without a window's role (no township list), only the role. */
  gtk_widget_set_visible (GTK_WIDGET (self->townships_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->trainer_row), FALSE);
  return self;
}
