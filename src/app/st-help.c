/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opens the help: the Mallard pages in the desktop's help viewer (yelp)
 * where one is installed, otherwise their HTML copy in the web browser. */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <adwaita.h>
#include <gio/gdesktopappinfo.h>
#include <glib/gi18n.h>

#include "st-help.h"

/* The first DATADIR/@before/LANG/@after that exists, for each of the
 * user's languages ("C" last) and data directories, or NULL. */
static char *
find_in_data_dirs (const char *before,
                   const char *after)
{
  const char * const *languages = g_get_language_names ();
  const char * const *system_dirs = g_get_system_data_dirs ();

  for (guint l = 0; languages[l] != NULL; l++)
    {
      /* Language names come from the environment: no path tricks. */
      if (strchr (languages[l], G_DIR_SEPARATOR) != NULL || languages[l][0] == '.')
        continue;
      for (int d = -1; d < 0 || system_dirs[d] != NULL; d++)
        {
          const char *dir = d < 0 ? g_get_user_data_dir () : system_dirs[d];
          g_autofree char *path = g_build_filename (dir, before, languages[l], after, NULL);

          if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
            return g_steal_pointer (&path);
        }
    }
  return NULL;
}

static void
show_error (GtkWindow  *parent,
            const char *heading,
            const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Neither a help viewer nor a browser that opens a window: what to
 * install, and where the pages are meanwhile. */
static void
show_nothing_to_open (GtkWindow  *parent,
                      const char *html)
{
  g_autofree char *folder = html != NULL ? g_path_get_dirname (html) : NULL;
  g_autofree char *body = NULL;

  if (folder != NULL)
    body = g_strdup_printf (_("This computer has neither a help viewer nor a web browser to show the help. Install “yelp” (GNOME Help) or a web browser such as Firefox, then press F1 again. The help pages are in %s."),
                            folder);
  else
    body = g_strdup (_("This computer has neither a help viewer nor a web browser to show the help. Install “yelp” (GNOME Help) or a web browser such as Firefox, then press F1 again."));
  show_error (parent, _("Nothing Can Show the Help"), body);
}

/* A browser that runs in a terminal (w3m, lynx) needs one, which a
 * desktop without GNOME may not have: GLib's "Unable to find terminal"
 * would then be all the person reads. */
static gboolean
opens_a_window (GAppInfo *app)
{
  if (app == NULL)
    return FALSE;
  if (G_IS_DESKTOP_APP_INFO (app) && g_desktop_app_info_get_boolean (G_DESKTOP_APP_INFO (app), "Terminal"))
    return FALSE;
  return TRUE;
}

static void
shown_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (parent, result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *body = g_strdup_printf (_("%s. Install “yelp” (GNOME Help) or a web browser such as Firefox, then press F1 again."),
                                               error->message);

      show_error (parent, _("The Help Cannot Be Opened"), body);
    }
}

static void
show_uri (GtkWindow  *parent,
          const char *uri)
{
  g_debug ("opening the help: %s", uri);
  gtk_show_uri_full (parent, uri, GDK_CURRENT_TIME, NULL, shown_cb,
                     parent != NULL ? g_object_ref (parent) : NULL);
}

void
st_help_show (GtkWindow *parent)
{
  g_autoptr(GAppInfo) viewer = g_app_info_get_default_for_uri_scheme ("help");
  g_autofree char *pages = find_in_data_dirs ("help", ST_HELP_ID G_DIR_SEPARATOR_S "index.page");
  g_autofree char *html = NULL;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  /* A help viewer and the pages for it: the desktop's own way. */
  if (viewer != NULL && pages != NULL)
    {
      show_uri (parent, "help:" ST_HELP_ID);
      return;
    }

  /* No yelp (a desktop other than GNOME, or a minimal install): the HTML
   * copy of the same pages, in the browser. */
  html = find_in_data_dirs ("shuangti" G_DIR_SEPARATOR_S "html", "index.html");
  if (html != NULL)
    {
      g_autoptr(GAppInfo) browser = g_app_info_get_default_for_type ("text/html", TRUE);

      if (!opens_a_window (browser))
        {
          show_nothing_to_open (parent, html);
          return;
        }
    }
  if (html != NULL)
    {
      g_autofree char *uri = g_filename_to_uri (html, NULL, NULL);

      if (uri != NULL)
        {
          show_uri (parent, uri);
          return;
        }
    }

  show_error (parent, _("The Help Is Not Installed"),
              _("The help pages were not found on this computer. Reinstall Shuangti to have them."));
}
