/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "st-app-demo.h"
#include "st-application.h"
#include "st-help.h"
#include "st-preferences-window.h"
#include "st-window-private.h"
#include "st-window.h"

#define SCHEMA_ID "io.github.shuangti.Shuangti"

struct _StApplication
{
  AdwApplication  parent_instance;
};

G_DEFINE_FINAL_TYPE (StApplication, st_application, ADW_TYPE_APPLICATION)

/* GLib before 2.76 keeps its small blocks (every GObject: every widget) in
 * slabs of its own, which freed widgets leave half-empty and which never
 * go back to the system: the rows of the pages left (st_page_kit_set_rows
 * ()) kept about 25 MB resident on the county (bench-county). GLib 2.76
 * left that allocator for malloc; G_SLICE=always-malloc asks an older GLib
 * for the same, but GLib reads it once, as it starts, before main (): so
 * the process starts itself again with it set. Nothing else has happened
 * yet; where that fails (no /proc), it goes on as it is. */
void
st_application_prefer_malloc (char **argv)
{
#ifdef __linux__
  g_autofree char *self = NULL;

  if (glib_check_version (2, 76, 0) == NULL || g_getenv ("G_SLICE") != NULL)
    return;
  /* The file itself, not /proc/self/exe: the process is named after it. */
  self = g_file_read_link ("/proc/self/exe", NULL);
  if (self == NULL)
    return;
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  execv (self, argv);
#endif
}

void
st_application_tune_memory (void)
{
#ifdef __GLIBC__
  /* glibc gives each thread that allocates an arena of its own, up to
   * eight per core, each keeping the memory its thread freed. The app's
   * threads (imports, syncs, reports, GIO's) share two: about 1.5 MB less
   * after searching a county (bench-app). The price is some waiting on
   * the allocator's locks: a county's first sync, in the background, took
   * about 8% longer (bench-sync with MALLOC_ARENA_MAX=2, median of 4). */
  mallopt (M_ARENA_MAX, 2);
#endif
}

void
st_application_give_back_memory (void)
{
#ifdef __GLIBC__
  /* glibc keeps what a thread freed for the process; a worker that read a
   * county (every enrolment's eligibility: about 100 MB) gives it back to
   * the system when it is done. In the worker: trimming walks the free
   * memory, which is not for the main thread to wait on. */
  malloc_trim (0);
#endif
}

static void
give_back_memory_thread (GTask        *task,
                         gpointer      source,
                         gpointer      data,
                         GCancellable *cancellable)
{
  st_application_give_back_memory ();
}

void
st_application_give_back_memory_later (void)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_run_in_thread (task, give_back_memory_thread);
}

GSettings *
st_application_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("the settings schema %s is not installed: the window size is not remembered", SCHEMA_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static StWindow *
window_for_path (StApplication *self,
                 const char    *path)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (ST_IS_WINDOW (l->data) && g_strcmp0 (st_db_get_path (st_window_get_db (l->data)), path) == 0)
      return l->data;
  return NULL;
}

/* Opens a window on the database at @path (or shows the one open);
 * FALSE with @error when the database cannot be opened. */
static gboolean
open_database (StApplication  *self,
               const char     *path,
               gboolean        demo,
               GError        **error)
{
  StWindow *window = window_for_path (self, path);
  g_autoptr(StDb) db = NULL;

  if (window == NULL)
    {
      db = st_db_open (path, error);
      if (db == NULL)
        return FALSE;
      if (demo && !st_app_demo_prepare (db, error))
        return FALSE;
      window = st_window_new (ADW_APPLICATION (self), db);
    }
  gtk_window_present (GTK_WINDOW (window));
  return TRUE;
}

static void
show_open_error (StApplication *self,
                 GError        *error)
{
  /* No window to show it in: a dialog of its own. */
  GtkWidget *dialog = adw_message_dialog_new (NULL, _("The Database Cannot Be Opened"), error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
st_application_activate (GApplication *app)
{
  g_autofree char *path = st_db_default_path ();
  g_autoptr(GError) error = NULL;

  if (!open_database (ST_APPLICATION (app), path, FALSE, &error))
    show_open_error (ST_APPLICATION (app), error);
}

static int
st_application_command_line (GApplication            *app,
                             GApplicationCommandLine *command_line)
{
  StApplication *self = ST_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree char *db_arg = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gboolean demo = FALSE;

  g_variant_dict_lookup (options, "db", "^ay", &db_arg);
  g_variant_dict_lookup (options, "demo", "b", &demo);

  if (db_arg != NULL)
    {
      /* Relative to where the command was typed, not to the running app. */
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, db_arg);

      path = g_file_get_path (file);
    }
  else if (demo)
    path = st_app_demo_path ();
  else
    path = st_db_default_path ();

  if (!open_database (self, path, demo, &error))
    {
      /* For whoever typed the command, and for whoever clicked. */
      g_application_command_line_printerr (command_line, "%s\n", error->message);
      show_open_error (self, error);
      return 1;
    }
  return 0;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autolist (GtkWindow) windows = g_list_copy_deep (gtk_application_get_windows (app), (GCopyFunc) g_object_ref, NULL);

  /* Closing, not destroying: the main window saves its size, an editor
   * with unsaved changes asks first. The app ends with its last window. */
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWindow *window = gtk_application_get_active_window (app);
  g_autoptr(GSettings) settings = st_application_settings_new ();
  g_autofree char *fallback = st_db_default_path ();
  const char *path = fallback;
  StPreferencesWindow *preferences;

  while (window != NULL && !ST_IS_WINDOW (window))
    window = gtk_window_get_transient_for (window);
  if (window != NULL)
    path = st_db_get_path (st_window_get_db (ST_WINDOW (window)));
  preferences = st_preferences_window_new (window, path, settings);
  if (window != NULL)
    st_preferences_window_set_role (preferences, st_window_get_role (ST_WINDOW (window)),
                                    st_window_get_divisions (ST_WINDOW (window)));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
help_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  st_help_show (gtk_application_get_active_window (GTK_APPLICATION (user_data)));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "Shuangti contributors", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Shuangti"),
                         "application-icon", "io.github.shuangti.Shuangti",
                         "version", PACKAGE_VERSION,
                         "developer-name", _("Shuangti contributors"),
                         "developers", developers,
                         "comments", _("Records of the skills-and-degree dual upgrade program: participants, classes, course hours, assessments and graduation. Works offline; syncs with the county server."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
st_application_startup (GApplication *app)
{
  static const GActionEntry entries[] = {
    { "quit", quit_action, NULL, NULL, NULL, { 0 } },
    { "preferences", preferences_action, NULL, NULL, NULL, { 0 } },
    { "help", help_action, NULL, NULL, NULL, { 0 } },
    { "about", about_action, NULL, NULL, NULL, { 0 } },
  };
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.help", { "F1", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.new-participant", { "<Control>n", NULL } },
    { "win.import", { "<Control>i", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  G_APPLICATION_CLASS (st_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);
}

static void
st_application_class_init (StApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = st_application_startup;
  app_class->activate = st_application_activate;
  app_class->command_line = st_application_command_line;
}

static void
st_application_init (StApplication *self)
{
  static const GOptionEntry options[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Open the database FILE"), N_("FILE") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Open a demo database with a synthetic county (created if missing)"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Records of the skills-and-degree dual upgrade program."));
}

StApplication *
st_application_new (void)
{
  return g_object_new (ST_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/shuangti/Shuangti",
                       NULL);
}
