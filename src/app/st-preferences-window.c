/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-preferences-window.h"

struct _StPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwActionRow         *database_row;
  AdwEntryRow          *server_row;

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

  gtk_widget_class_install_action (widget_class, "prefs.open-folder", NULL, open_folder_action);
}

static void
st_preferences_window_init (StPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
  if (settings != NULL)
    {
      g_autofree char *url = g_settings_get_string (settings, "server-url");

      gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
    }
  else
    gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), FALSE);
  return self;
}
