/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sync by File… (st-bundle-dialog.h), on the sync engine's st-bundle.h. */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "st-bundle.h"
#include "st-bundle-dialog.h"
#include "st-token-store.h"

struct _StBundleDialog
{
  AdwWindow         parent_instance;

  GtkWidget        *status_box;
  GtkSpinner       *spinner;
  GtkLabel         *status_label;
  AdwActionRow     *pending_row;
  AdwEntryRow      *export_row;
  AdwEntryRow      *open_row;
  GtkWidget        *contents_group;
  AdwActionRow     *kind_row;
  AdwActionRow     *detail_row;
  GtkWidget        *relay_button;
  GtkWidget        *apply_button;

  StDb             *db;
  StSyncController *controller;
  GCancellable     *cancellable;
  GBytes           *opened;        /* the file shown under What the File Holds */
  char             *opened_path;
  gboolean          busy;
};

G_DEFINE_FINAL_TYPE (StBundleDialog, st_bundle_dialog, ADW_TYPE_WINDOW)

typedef enum
{
  STEP_EXPORT,
  STEP_IMPORT,
  STEP_RELAY,
} Step;

/* A step on a thread of its own, with a connection of its own. */
typedef struct
{
  Step          step;
  char         *db_path;
  char         *path;        /* the file written (export, relay) */
  GBytes       *input;       /* the file read (import, relay) */
  char         *token;
  StBundleInfo *info;        /* export */
  StSyncStats   stats;       /* import */
  gsize         written;
} Job;

static void
job_free (Job *job)
{
  g_free (job->db_path);
  g_free (job->path);
  g_clear_pointer (&job->input, g_bytes_unref);
  g_free (job->token);
  st_bundle_info_free (job->info);
  g_free (job);
}

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (ms / 1000);

  return when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

static void
show_status (StBundleDialog *self,
             const char     *text,
             gboolean        error)
{
  gtk_label_set_text (self->status_label, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_set_visible (self->status_box, text[0] != '\0' || self->busy);
}

static void
show_error (StBundleDialog *self,
            const GError   *error)
{
  g_autofree char *text = st_bundle_describe_error (error);

  show_status (self, text, TRUE);
}

static void
update (StBundleDialog *self)
{
  gint64 pending = st_sync_count_pending (self->db);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld change", "%lld changes",
                                                        (gulong) MAX (pending, 0)),
                                           (long long) MAX (pending, 0));
  gboolean ready = st_bundle_key_registered (self->db);

  adw_action_row_set_subtitle (self->pending_row, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bundle.export", ready && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bundle.open", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bundle.apply", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bundle.relay",
                                 !self->busy && st_sync_controller_is_signed_in (self->controller));
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
}

static void
set_busy (StBundleDialog *self,
          gboolean        busy,
          const char     *text)
{
  self->busy = busy;
  update (self);
  if (text != NULL)
    show_status (self, text, FALSE);
}

static void
run_job (GTask        *task,
         gpointer      source_object,
         gpointer      task_data,
         GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (job->db_path, &error);
  g_autoptr(GBytes) output = NULL;

  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  switch (job->step)
    {
    case STEP_EXPORT:
      output = st_bundle_export (db, &job->info, &error);
      break;
    case STEP_RELAY:
      output = st_bundle_relay (db, job->token, job->input, cancellable, &error);
      break;
    case STEP_IMPORT:
      if (!st_bundle_import (db, job->input, &job->stats, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_task_return_boolean (task, TRUE);
      return;
    default:
      g_assert_not_reached ();
    }
  if (output == NULL
      || !g_file_set_contents (job->path, g_bytes_get_data (output, NULL), (gssize) g_bytes_get_size (output), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->written = g_bytes_get_size (output);
  g_task_return_boolean (task, TRUE);
}

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  StBundleDialog *self = ST_BUNDLE_DIALOG (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *size = NULL;

  self->busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      update (self);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  size = g_format_size (job->written);
  switch (job->step)
    {
    case STEP_EXPORT:
      /* Translators: the number of changes, the file, its size */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%lld change saved in %s (%s). Take the file to a laptop or office with a network; open the reply it brings back here.",
                                           "%lld changes saved in %s (%s). Take the file to a laptop or office with a network; open the reply it brings back here.",
                                           (gulong) job->info->changes),
                              (long long) job->info->changes, job->path, size);
      break;
    case STEP_RELAY:
      /* Translators: the reply file */
      text = g_strdup_printf (_("The server took the bundle. Its reply is in %s: take it back to the laptop that "
                                "made the bundle (only that laptop can open it)."), job->path);
      break;
    case STEP_IMPORT:
      /* Translators: changes acknowledged, rows received */
      text = g_strdup_printf (_("The reply is applied: %lld changes reached the server, %lld rows received."),
                              (long long) job->stats.pushed, (long long) job->stats.pulled);
      gtk_widget_set_visible (self->apply_button, FALSE);
      g_clear_pointer (&self->opened, g_bytes_unref);
      break;
    default:
      g_assert_not_reached ();
    }
  st_sync_controller_refresh (self->controller);
  update (self);
  show_status (self, text, FALSE);
}

static void
start (StBundleDialog *self,
       Job            *job,
       const char     *text)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, job_done, NULL);

  job->db_path = g_strdup (st_db_get_path (self->db));
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  set_busy (self, TRUE, text);
  g_task_run_in_thread (task, run_job);
}

static char *
entry_path (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (text[0] == '\0')
    return NULL;
  if (text[0] == '~')
    return g_build_filename (g_get_home_dir (), text + 1, NULL);
  return g_steal_pointer (&text);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StBundleDialog *self = ST_BUNDLE_DIALOG (widget);
  Job *job;
  char *path = entry_path (self->export_row);

  if (path == NULL)
    {
      show_status (self, _("Say where to save the bundle."), TRUE);
      return;
    }
  job = g_new0 (Job, 1);
  job->step = STEP_EXPORT;
  job->path = path;
  start (self, job, _("Saving the bundle…"));
}

static void
show_bundle (StBundleDialog     *self,
             const StBundleInfo *info)
{
  g_autofree char *made = format_time (info->made_at);
  g_autofree char *detail = NULL;
  gboolean own = g_strcmp0 (info->device, st_db_get_device_id (self->db)) == 0;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->kind_row),
                                 own ? _("This laptop’s own bundle") : _("A bundle from another laptop"));
  adw_action_row_set_subtitle (self->kind_row, own ? _("Send it from a laptop that has a network.")
                                                   : _("Send it to the server from here: the changes count as "
                                                       "that laptop’s and its account’s, not yours."));
  /* Translators: the number of changes, the account, when the bundle was made */
  detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld change of account %s, made %s",
                                         "%lld changes of account %s, made %s", (gulong) info->changes),
                            (long long) info->changes, info->account != NULL ? info->account : "?", made);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detail_row), detail);
  adw_action_row_set_subtitle (self->detail_row, info->server != NULL ? info->server : "");
  gtk_widget_set_visible (self->relay_button, TRUE);
  gtk_widget_set_visible (self->apply_button, FALSE);
}

static void
show_reply (StBundleDialog          *self,
            const StBundleReplyInfo *info)
{
  g_autofree char *issued = format_time (info->issued / 1000);
  g_autofree char *kind = NULL;
  g_autofree char *answered = NULL;
  g_autofree char *rows = NULL;

  /* Translators: when the server made the reply */
  kind = g_strdup_printf (_("The server’s reply of %s, for this laptop"), issued);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->kind_row), kind);
  if (info->courier != NULL)
    {
      /* Translators: the account of the laptop that sent the bundle to the server */
      g_autofree char *courier = g_strdup_printf (_("Sent to the server by account %s"), info->courier);

      adw_action_row_set_subtitle (self->kind_row, courier);
    }
  else
    adw_action_row_set_subtitle (self->kind_row, _("Applied at the server itself"));
  /* Translators: the counts of the changes the server answered */
  answered = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%lld change answered: %lld applied, %lld already there, %lld conflicts, %lld refused",
                                           "%lld changes answered: %lld applied, %lld already there, %lld conflicts, %lld refused",
                                           (gulong) info->results),
                              (long long) info->results, (long long) info->applied, (long long) info->duplicates,
                              (long long) info->conflicts, (long long) info->rejected);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detail_row), answered);
  rows = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld row to receive", "%lld rows to receive",
                                       (gulong) info->entries), (long long) info->entries);
  adw_action_row_set_subtitle (self->detail_row, rows);
  gtk_widget_set_visible (self->relay_button, FALSE);
  gtk_widget_set_visible (self->apply_button, TRUE);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StBundleDialog *self = ST_BUNDLE_DIALOG (widget);
  g_autofree char *path = entry_path (self->open_row);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *contents = NULL;
  gsize length = 0;
  StBundleKind kind;
  char device[ST_BUNDLE_DEVICE_LEN + 1];

  gtk_widget_set_visible (self->contents_group, FALSE);
  g_clear_pointer (&self->opened, g_bytes_unref);
  if (path == NULL)
    {
      show_status (self, _("Say which file to open."), TRUE);
      return;
    }
  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      show_status (self, error->message, TRUE);
      return;
    }
  bytes = g_bytes_new_take (contents, length);
  if (!st_bundle_peek (g_bytes_get_data (bytes, NULL), length, &kind, device, &error))
    {
      show_error (self, error);
      return;
    }
  if (kind == ST_BUNDLE_KIND_BUNDLE)
    {
      g_autoptr(StBundleInfo) info = st_bundle_describe (bytes, &error);

      if (info == NULL)
        {
          show_error (self, error);
          return;
        }
      show_bundle (self, info);
    }
  else
    {
      g_autoptr(StBundleReplyInfo) info = st_bundle_describe_reply (self->db, bytes, &error);

      if (info == NULL)
        {
          show_error (self, error);
          return;
        }
      show_reply (self, info);
    }
  self->opened = g_steal_pointer (&bytes);
  g_free (self->opened_path);
  self->opened_path = g_steal_pointer (&path);
  gtk_widget_set_visible (self->contents_group, TRUE);
  show_status (self, "", FALSE);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StBundleDialog *self = ST_BUNDLE_DIALOG (widget);
  Job *job;

  if (self->opened == NULL)
    return;
  job = g_new0 (Job, 1);
  job->step = STEP_IMPORT;
  job->input = g_bytes_ref (self->opened);
  start (self, job, _("Applying the reply…"));
}

static void
relay_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StBundleDialog *self = ST_BUNDLE_DIALOG (widget);
  g_autoptr(StSyncAccount) account = st_sync_account_load (self->db);
  g_autofree char *token = account != NULL ? st_token_store_load (self->db, account->server, account->name) : NULL;
  g_autofree char *base = NULL;
  Job *job;

  if (self->opened == NULL)
    return;
  if (token == NULL)
    {
      show_status (self, _("Sign in to the server first: the bundle goes through this laptop’s connection."), TRUE);
      return;
    }
  base = g_str_has_suffix (self->opened_path, ".stbundle")
         ? g_strndup (self->opened_path, strlen (self->opened_path) - strlen (".stbundle"))
         : g_strdup (self->opened_path);
  job = g_new0 (Job, 1);
  job->step = STEP_RELAY;
  job->input = g_bytes_ref (self->opened);
  job->token = g_steal_pointer (&token);
  job->path = g_strconcat (base, ".streply", NULL);
  start (self, job, _("Sending the bundle to the server…"));
}

static void
on_chosen (GtkNativeDialog *chooser,
           int              response,
           StBundleDialog  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          gtk_editable_set_text (GTK_EDITABLE (self->open_row), path);
          gtk_widget_activate_action (GTK_WIDGET (self), "bundle.open", NULL);
        }
    }
  g_object_unref (chooser);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StBundleDialog *self = ST_BUNDLE_DIALOG (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Open a Bundle or a Reply"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));

  g_signal_connect (chooser, "response", G_CALLBACK (on_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
st_bundle_dialog_dispose (GObject *object)
{
  StBundleDialog *self = ST_BUNDLE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->db);
  g_clear_object (&self->controller);
  g_clear_pointer (&self->opened, g_bytes_unref);
  g_clear_pointer (&self->opened_path, g_free);
  G_OBJECT_CLASS (st_bundle_dialog_parent_class)->dispose (object);
}

static void
st_bundle_dialog_class_init (StBundleDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_bundle_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-bundle-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StBundleDialog, status_box);
  gtk_widget_class_bind_template_child (widget_class, StBundleDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, StBundleDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, StBundleDialog, pending_row);
  gtk_widget_class_bind_template_child (widget_class, StBundleDialog, export_row);
  gtk_widget_class_bind_template_child (widget_class, StBundleDialog, open_row);
  gtk_widget_class_bind_template_child (widget_class, StBundleDialog, contents_group);
  gtk_widget_class_bind_template_child (widget_class, StBundleDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, StBundleDialog, detail_row);
  gtk_widget_class_bind_template_child (widget_class, StBundleDialog, relay_button);
  gtk_widget_class_bind_template_child (widget_class, StBundleDialog, apply_button);
  gtk_widget_class_install_action (widget_class, "bundle.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "bundle.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "bundle.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "bundle.relay", NULL, relay_action);
  gtk_widget_class_install_action (widget_class, "bundle.choose", NULL, choose_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
st_bundle_dialog_init (StBundleDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

StBundleDialog *
st_bundle_dialog_new (GtkWindow        *parent,
                      StDb             *db,
                      StSyncController *controller)
{
  StBundleDialog *self = g_object_new (ST_TYPE_BUNDLE_DIALOG, "transient-for", parent, NULL);
  const char *folder = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "shuangti-%Y%m%d-%H%M.stbundle");
  g_autofree char *path = g_build_filename (folder != NULL ? folder : g_get_home_dir (), name, NULL);

  self->db = g_object_ref (db);
  self->controller = g_object_ref (controller);
  gtk_editable_set_text (GTK_EDITABLE (self->export_row), path);
  update (self);
  if (!st_bundle_key_registered (db))
    show_status (self, _("This laptop’s key is not registered with the server yet: sync once where there is "
                         "a network (or sign in again)."), TRUE);
  return self;
}

const char *
st_bundle_dialog_get_status (StBundleDialog *self)
{
  g_return_val_if_fail (ST_IS_BUNDLE_DIALOG (self), NULL);
  return gtk_label_get_text (self->status_label);
}

gboolean
st_bundle_dialog_is_busy (StBundleDialog *self)
{
  g_return_val_if_fail (ST_IS_BUNDLE_DIALOG (self), FALSE);
  return self->busy;
}
