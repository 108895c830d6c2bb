/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-display.h"
#include "st-application.h"
#include "st-backup.h"
#include "st-classes-page.h"
#include "st-graduation-page.h"
#include "st-import.h"
#include "st-overview-page.h"
#include "st-reports-page.h"
#include "st-role.h"
#include "st-participant.h"
#include "st-participant-search.h"
#include "st-participants-page.h"
#include "st-sync-button.h"
#include "st-sync-controller.h"
#include "st-window-private.h"
#include "st-page-kit.h"

struct _StWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *view_stack;
  StParticipantsPage   *participants_page;
  StSyncButton         *sync_button;
  StSyncController     *sync_controller;
  StClassesPage        *classes_page;
  StOverviewPage       *overview_page;
  StGraduationPage     *graduation_page;
  StReportsPage        *reports_page;
  GtkLabel             *read_only_banner;
  GtkWidget            *new_button;
  StRole               *role;

  StDb                 *db;
  StDivisions          *divisions;
  GSettings            *settings;
  GCancellable         *cancellable;
  GHashTable           *stale;          /* names of the pages whose data changed while hidden */
  StParticipantEditor  *editor;         /* weak */
  StImportWindow       *import_window;  /* weak */
  AdwMessageDialog     *confirmation;   /* weak */
  char                 *last_toast;
  gboolean              index_ready;

  /* Backup and restore */
  GtkFileChooserNative *chooser;        /* weak */
  AdwToast             *progress_toast; /* while one runs */
  char                 *backup_path;    /* the file of the one running */
  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (StWindow, st_window, ADW_TYPE_APPLICATION_WINDOW)

static void
show_toast (StWindow *self,
            AdwToast *toast)
{
  g_free (self->last_toast);
  self->last_toast = g_strdup (adw_toast_get_title (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_message (StWindow   *self,
              const char *message)
{
  g_free (self->last_toast);
  self->last_toast = g_markup_escape_text (message, -1);   /* the toast's title, as show_toast () keeps it */
  st_display_toast (self->toast_overlay, message, 8);
}

/* What the index thread returns for a read-only database whose index is
 * out of date. */
#define INDEX_STALE (-2)

/* The search index reflects what others changed (shuangti-cli, sync) once
 * it is refreshed: in a thread with its own connection, while the list,
 * which does not need it, is shown at once. */
static void
index_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n;

  db = st_db_open (task_data, &error);
  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A database that cannot be written: its index is read as it is, and
   * only checked (a scan of the participants: 50–210 ms on the demo
   * county, kept off the window's thread). */
  if (st_db_is_read_only (db))
    {
      g_task_return_int (task, st_participant_search_is_current (db) ? 0 : INDEX_STALE);
      return;
    }
  n = st_participant_search_refresh (db, cancellable, NULL, NULL, &error);
  if (n < 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, n);
}

static void
index_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  StWindow *self = ST_WINDOW (source);
  g_autoptr(GError) error = NULL;
  gssize n = g_task_propagate_int (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->index_ready = TRUE;
  if (self->participants_page == NULL)
    return;
  st_participants_page_set_indexing (self->participants_page, FALSE);
  if (n == INDEX_STALE && error == NULL)
    st_participants_page_set_index_stale (self->participants_page);
  else if (n < 0)
    g_warning ("Could not update the search index: %s", error->message);
  else if (n > 0)
    st_participants_page_reload (self->participants_page);
}

static gboolean
start_index_refresh (gpointer user_data)
{
  StWindow *self = user_data;
  g_autoptr(GTask) task = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return G_SOURCE_REMOVE;
  task = g_task_new (self, self->cancellable, index_done, NULL);
  g_task_set_source_tag (task, start_index_refresh);
  g_task_set_task_data (task, g_strdup (st_db_get_path (self->db)), g_free);
  g_task_run_in_thread (task, index_thread);
  return G_SOURCE_REMOVE;
}

static void
on_editor_saved (StWindow   *self,
                 const char *uuid,
                 gboolean    created)
{
  g_autoptr(StParticipant) p = st_participant_load (self->db, uuid, NULL);
  g_autofree char *message = NULL;

  st_participants_page_participant_changed (self->participants_page, uuid);
  st_sync_controller_refresh (self->sync_controller);
  if (p != NULL)
    message = g_strdup_printf (created ? _("%s added") : _("%s saved"), p->name);
  show_message (self, message ? message : _("Saved"));
}

static void
on_editor_visit_saved (StWindow   *self,
                       const char *uuid)
{
  st_participants_page_participant_changed (self->participants_page, uuid);
  st_sync_controller_refresh (self->sync_controller);
}

static void
delete_participant (StWindow   *self,
                    const char *uuid)
{
  g_autoptr(StParticipant) p = st_participant_load (self->db, uuid, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (p == NULL || !st_participant_set_deleted (self->db, uuid, TRUE, &error))
    {
      show_message (self, error ? error->message : _("This participant no longer exists."));
      return;
    }
  if (!st_participant_search_refresh_one (self->db, uuid, &error))
    g_warning ("Could not update the search index: %s", error->message);
  /* The person's form goes too, once the question (which may be above
   * it, asked from its Delete button) has gone. */
  if (self->editor != NULL && g_strcmp0 (st_participant_editor_get_uuid (self->editor), uuid) == 0)
    st_page_kit_destroy_later (GTK_WINDOW (self->editor));
  st_participants_page_reload (self->participants_page);
  st_sync_controller_refresh (self->sync_controller);

  title = g_markup_printf_escaped (_("%s deleted"), p->name);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-delete");
  adw_toast_set_action_target_value (toast, g_variant_new_string (uuid));
  adw_toast_set_timeout (toast, 10);
  show_toast (self, toast);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    StWindow         *self)
{
  const char *uuid = g_object_get_data (G_OBJECT (dialog), "uuid");

  if (g_strcmp0 (response, "delete") == 0)
    delete_participant (self, uuid);
}

static void
confirm_delete (StWindow   *self,
                GtkWindow  *parent,
                const char *uuid)
{
  g_autoptr(StParticipant) p = st_participant_load (self->db, uuid, NULL);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (p == NULL || p->deleted)
    return;
  heading = g_strdup_printf (_("Delete %s?"), p->name);
  body = g_strdup (_("The participant is taken off every list. The record is kept, marked as deleted, so this can be undone."));
  dialog = adw_message_dialog_new (parent, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "uuid", g_strdup (uuid), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  g_set_weak_pointer (&self->confirmation, ADW_MESSAGE_DIALOG (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_editor_delete_requested (StWindow            *self,
                            const char          *uuid,
                            const char          *name,
                            StParticipantEditor *editor)
{
  confirm_delete (self, GTK_WINDOW (editor), uuid);
}

static void
open_editor (StWindow   *self,
             const char *uuid)
{
  StParticipantEditor *editor;

  if (self->editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->editor));
  editor = st_participant_editor_new (GTK_WINDOW (self), self->db, self->divisions, uuid);
  st_participant_editor_refuse_visits (editor, st_role_why_not (self->role, ST_PERMISSION_VISIT));
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_editor_saved), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "visit-saved", G_CALLBACK (on_editor_visit_saved), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "delete-requested", G_CALLBACK (on_editor_delete_requested), self,
                           G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->editor, editor);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
new_participant_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  open_editor (ST_WINDOW (widget), NULL);
}

static void
open_participant_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  open_editor (ST_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
delete_participant_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  confirm_delete (ST_WINDOW (widget), GTK_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  StWindow *self = ST_WINDOW (widget);
  const char *uuid = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;

  if (!st_participant_set_deleted (self->db, uuid, FALSE, &error))
    {
      show_message (self, error->message);
      return;
    }
  if (!st_participant_search_refresh_one (self->db, uuid, &error))
    g_warning ("Could not update the search index: %s", error->message);
  st_participants_page_participant_changed (self->participants_page, uuid);
}

static void
on_imported (StWindow *self,
             guint     imported,
             guint     updated)
{
  g_autofree char *message = NULL;

  if (self->participants_page == NULL)
    return;
  st_participants_page_reload (self->participants_page);
  st_sync_controller_refresh (self->sync_controller);
  /* Translators: "Roster imported: 120 new, 3 already registered" */
  message = g_strdup_printf (_("Roster imported: %u new, %u already registered"), imported, updated);
  show_message (self, message);
}

static void
on_import_participant_changed (StWindow   *self,
                               const char *uuid)
{
  st_participants_page_participant_changed (self->participants_page, uuid);
}

void
st_window_import_file (StWindow   *self,
                       const char *path)
{
  g_autoptr(GError) error = NULL;
  StImportWindow *window;

  g_return_if_fail (ST_IS_WINDOW (self));

  window = st_import_window_new (GTK_WINDOW (self), self->db, self->divisions, path, &error);
  if (window == NULL)
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("This File Cannot Be Imported"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  g_signal_connect_object (window, "imported", G_CALLBACK (on_imported), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (window, "participant-changed", G_CALLBACK (on_import_participant_changed), self,
                           G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->import_window, window);
  adw_view_stack_set_visible_child_name (self->view_stack, "participants");
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_roster_chosen (GtkNativeDialog *chooser,
                  int              response,
                  gpointer         user_data)
{
  StWindow *self = ST_WINDOW (user_data);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        st_window_import_file (self, path);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import Roster"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (csv, _("Rosters (CSV)"));
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_filter_add_suffix (csv, "CSV");
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_roster_chosen), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StWindow *self = ST_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (parameter, NULL));
}

/* The Overview's outreach as a file: the Reports page's export, which
 * owns the file chooser and its encodings. */
static void
export_outreach_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  StWindow *self = ST_WINDOW (widget);
  g_autofree char *format = g_strconcat ("outreach-", g_variant_get_string (parameter, NULL), NULL);

  gtk_widget_activate_action (GTK_WIDGET (self->reports_page), "reports.export", "s", format);
}

/* A row of Overview's "Needs attention": the page with exactly the list
 * the row counts. */
static void
open_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StWindow *self = ST_WINDOW (widget);
  const char *which = g_variant_get_string (parameter, NULL);

  if (g_str_equal (which, "near-end"))
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "graduation");
      st_graduation_page_show_state (self->graduation_page, "near_end");
    }
  else if (g_str_equal (which, "no-session") && st_overview_page_get_without_session (self->overview_page))
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "classes");
      st_classes_page_show_only (self->classes_page, st_overview_page_get_without_session (self->overview_page),
                                 _("Only the classes not meeting their teaching schedule"));
    }
  else if (g_str_equal (which, "incomplete") && st_overview_page_get_incomplete (self->overview_page))
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "participants");
      st_participants_page_show_only (self->participants_page, st_overview_page_get_incomplete (self->overview_page),
                                      _("Only the participants with an incomplete record: no phone, village, prior education or ethnicity"));
    }
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StWindow *self = ST_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "participants");
  st_participants_page_focus_search (self->participants_page);
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StWindow *self = ST_WINDOW (widget);

  st_sync_controller_refresh (self->sync_controller);
  if (!st_sync_controller_is_signed_in (self->sync_controller))
    gtk_widget_activate_action (GTK_WIDGET (self->sync_button), "sync.sign-in", NULL);
  else
    st_sync_controller_sync_now (self->sync_controller);
}

static void
review_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_widget_activate_action (GTK_WIDGET (ST_WINDOW (widget)->sync_button), "sync.review", NULL);
}

/* Figures follow the data. The database says which tables each commit
 * changed (st_db_follow_changes ()); a page that shows them is read again
 * when it is shown next, or at once when it is on screen and only reads
 * (Overview, Reports: in the background). Pages that write show their own
 * changes; what a sync brings, on_synced () reloads. */

static const char *const training_tables[] = {
  "participants", "classes", "enrolments", "sessions", "attendance", "study_logs", "assignments",
  "assessments", "exemptions", "certificates", "programs", "majors", "review_items", "visits", NULL
};
static const char *const participants_tables[] = { "participants", "enrolments", "classes", "visits", NULL };
static const char *const classes_tables[] = {
  "classes", "enrolments", "sessions", "attendance", "study_logs", "participants", "programs", "majors", NULL
};

static const struct { const char *page; const char *const *tables; gboolean reads_only; } followers[] = {
  { "overview", training_tables, TRUE },
  { "reports", training_tables, TRUE },
  { "graduation", training_tables, FALSE },
  { "participants", participants_tables, FALSE },
  { "classes", classes_tables, FALSE },
};

static void
reload_page (StWindow   *self,
             const char *page)
{
  if (g_str_equal (page, "overview"))
    st_overview_page_reload (self->overview_page);
  else if (g_str_equal (page, "reports"))
    st_reports_page_reload (self->reports_page);
  else if (g_str_equal (page, "graduation"))
    st_graduation_page_reload (self->graduation_page);
  else if (g_str_equal (page, "participants"))
    st_participants_page_reload (self->participants_page);
  else if (g_str_equal (page, "classes"))
    st_classes_page_reload (self->classes_page);
}

static void
on_tables_changed (StWindow           *self,
                   const char * const *tables,
                   StDb               *db)
{
  const char *visible = self->view_stack ? adw_view_stack_get_visible_child_name (self->view_stack) : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (followers); i++)
    {
      gboolean depends = FALSE;

      for (guint t = 0; tables[t] != NULL && !depends; t++)
        depends = g_strv_contains (followers[i].tables, tables[t]);
      if (!depends)
        continue;
      if (g_strcmp0 (visible, followers[i].page) != 0)
        g_hash_table_add (self->stale, (gpointer) followers[i].page);
      else if (followers[i].reads_only)
        reload_page (self, followers[i].page);
    }
}

static void
on_visible_page (StWindow *self)
{
  const char *visible;

  if (self->view_stack == NULL)
    return;
  visible = adw_view_stack_get_visible_child_name (self->view_stack);
  /* The header's "+" adds a participant: beside the Classes page's own
   * "+" (a class) it read as a second one of those. Ctrl+N and the menu
   * add a participant from any page. */
  if (self->new_button != NULL)
    gtk_widget_set_visible (self->new_button,
                            g_strcmp0 (visible, "participants") == 0 || g_strcmp0 (visible, "overview") == 0);
  if (visible != NULL && g_hash_table_remove (self->stale, visible))
    reload_page (self, visible);
}

/* A sync brought or refused something: what the pages show may be stale. */
static void
on_synced (StWindow *self)
{
  gint64 rejected = st_sync_controller_get_last_rejected (self->sync_controller);
  const char *visible = adw_view_stack_get_visible_child_name (self->view_stack);

  /* The figures pages on screen too: the sync wrote, not the page. */
  if (g_strcmp0 (visible, "overview") == 0 || g_strcmp0 (visible, "reports") == 0
      || g_strcmp0 (visible, "graduation") == 0)
    {
      g_hash_table_remove (self->stale, visible);
      reload_page (self, visible);
    }
  if (self->participants_page != NULL)
    st_participants_page_reload (self->participants_page);
  if (self->classes_page != NULL)
    st_classes_page_reload (self->classes_page);
  start_index_refresh (self);
  if (rejected > 0)
    {
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "The server refused %lld change",
                                                             "The server refused %lld changes",
                                                             (gulong) rejected), (long long) rejected);
      AdwToast *toast = adw_toast_new (title);

      adw_toast_set_button_label (toast, _("_Review"));
      adw_toast_set_action_name (toast, "win.review");
      adw_toast_set_timeout (toast, 0);
      show_toast (self, toast);
    }
}

/* ------------------------------------------------------------------------ */
/* Backup and restore (docs/architecture.md, Backup and restore)            */

static void
set_busy (StWindow *self,
          gboolean  busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.backup", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.restore", !busy);
}

static void
on_progress_toast_dismissed (AdwToast *toast,
                             StWindow *self)
{
  if (self->progress_toast == toast)
    g_clear_object (&self->progress_toast);
}

/* A toast that stays, its title updated by the progress. */
static void
show_progress_toast (StWindow   *self,
                     const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_progress_toast_dismissed), self, 0);
  g_set_object (&self->progress_toast, toast);
  show_toast (self, toast);
}

static void
end_progress_toast (StWindow *self)
{
  g_autoptr(AdwToast) toast = g_steal_pointer (&self->progress_toast);

  if (toast != NULL)
    adw_toast_dismiss (toast);
}

static void
on_backup_progress (double   fraction,
                    gpointer user_data)
{
  StWindow *self = user_data;
  g_autofree char *title = NULL;

  if (self->progress_toast == NULL)
    return;
  /* Translators: a progress; %d is a percentage, %% the percent sign */
  title = g_strdup_printf (_("Backing up the database… %d%%"), (int) (fraction * 100 + 0.5));
  adw_toast_set_title (self->progress_toast, title);
}

static void
show_error_dialog (StWindow   *self,
                   const char *heading,
                   const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  g_set_weak_pointer (&self->confirmation, ADW_MESSAGE_DIALOG (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
backup_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(StWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_steal_pointer (&self->backup_path);

  end_progress_toast (self);
  set_busy (self, FALSE);
  if (!st_backup_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error_dialog (self, _("The Backup Was Not Made"), error->message);
      return;
    }
  {
    g_autofree char *base = g_path_get_basename (path);
    /* Translators: %s is the backup's file name */
    g_autofree char *message = g_strdup_printf (_("Backup saved: %s"), base);

    show_message (self, message);
  }
}

void
st_window_backup_to (StWindow   *self,
                     const char *path)
{
  g_return_if_fail (ST_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  if (self->busy)
    return;
  set_busy (self, TRUE);
  g_free (self->backup_path);
  self->backup_path = g_strdup (path);
  show_progress_toast (self, _("Backing up the database…"));
  /* The file chooser asked before replacing a file. */
  st_backup_async (st_db_get_path (self->db), path, ST_BACKUP_FLAGS_REPLACE, on_backup_progress, self,
                   self->cancellable, backup_done, g_object_ref (self));
}

static char *
chosen_path (GtkNativeDialog *chooser,
             int              response)
{
  g_autoptr(GFile) file = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    return NULL;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  return file != NULL ? g_file_get_path (file) : NULL;
}

static void
on_backup_chosen (GtkNativeDialog *chooser,
                  int              response,
                  gpointer         user_data)
{
  g_autoptr(StWindow) self = user_data;
  g_autofree char *path = chosen_path (chooser, response);

  if (path != NULL)
    st_window_backup_to (self, path);
  g_object_unref (chooser);
}

static GtkFileFilter *
backup_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Shuangti backups"));
  gtk_file_filter_add_suffix (filter, "db");
  gtk_file_filter_add_mime_type (filter, "application/vnd.sqlite3");
  gtk_file_filter_add_mime_type (filter, "application/x-sqlite3");
  return filter;
}

/* GTK 4.8 has no GtkFileDialog; GtkFileChooserNative uses the desktop's
 * own chooser (the portal, in a Flatpak). */
static void
backup_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StWindow *self = ST_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = backup_filter ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (self->busy)
    return;
  chooser = gtk_file_chooser_native_new (_("Back Up Database"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Back Up"), _("_Cancel"));
  /* Translators: a file name; keep the %s (the date) and .db */
  name = g_strdup_printf (_("shuangti-backup-%s.db"), date);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_backup_chosen), g_object_ref (self));
  g_set_weak_pointer (&self->chooser, chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

typedef struct
{
  char         *db_path;
  char         *path;
  StBackupInfo *info;
  gint64        lost;
} RestorePlan;

static void
restore_plan_free (RestorePlan *plan)
{
  g_free (plan->db_path);
  g_free (plan->path);
  st_backup_info_free (plan->info);
  g_free (plan);
}

static void
on_restore_progress (double   fraction,
                     gpointer user_data)
{
  StWindow *self = user_data;
  g_autofree char *title = NULL;

  if (self->progress_toast == NULL)
    return;
  /* Translators: a progress; %d is a percentage, %% the percent sign */
  title = g_strdup_printf (_("Restoring the backup… %d%%"), (int) (fraction * 100 + 0.5));
  adw_toast_set_title (self->progress_toast, title);
}

/* The pages, the sync and the search index start again on the restored
 * database: a new window with connections of its own takes this one's
 * place. */
static void
restore_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StBackupInfo) info = st_restore_finish (result, &error);
  g_autofree char *path = g_steal_pointer (&self->backup_path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *message = NULL;
  g_autoptr(StDb) db = NULL;
  GtkApplication *application;
  StWindow *window;

  end_progress_toast (self);
  set_busy (self, FALSE);
  if (info == NULL)
    {
      show_error_dialog (self, _("The Backup Was Not Restored"), error->message);
      return;
    }
  db = st_db_open (st_db_get_path (self->db), &error);
  if (db == NULL)
    {
      show_error_dialog (self, _("The Restored Database Cannot Be Opened"), error->message);
      return;
    }

  application = gtk_window_get_application (GTK_WINDOW (self));
  window = st_window_new (application != NULL ? ADW_APPLICATION (application) : NULL, db);
  gtk_window_present (GTK_WINDOW (window));
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Restored from %s: %lld participant. Sync to bring back what the server has received since the backup.",
                                          "Restored from %s: %lld participants. Sync to bring back what the server has received since the backup.",
                                          (gulong) info->participants),
                             base, (long long) info->participants);
  show_message (window, message);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_restore (StWindow   *self,
               const char *path)
{
  if (self->busy)
    return;
  /* A sync running would write its cursor into the restored database. */
  if (st_sync_controller_is_syncing (self->sync_controller))
    {
      show_message (self, _("A sync is running. Restore the backup when it has finished."));
      return;
    }
  if (self->editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->editor));
  if (self->import_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->import_window));
  set_busy (self, TRUE);
  g_free (self->backup_path);
  self->backup_path = g_strdup (path);
  show_progress_toast (self, _("Restoring the backup…"));
  st_restore_async (st_db_get_path (self->db), path, on_restore_progress, self, NULL, restore_done,
                    g_object_ref (self));
}

static void
on_restore_response (AdwMessageDialog *dialog,
                     const char       *response,
                     StWindow         *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "path");

  if (g_strcmp0 (response, "restore") == 0)
    start_restore (self, path);
}

static void
inspect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RestorePlan *plan = task_data;
  GError *error = NULL;

  plan->info = st_backup_inspect (plan->path, &error);
  if (plan->info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  plan->lost = st_restore_count_lost (plan->db_path, plan->info);
  g_task_return_boolean (task, TRUE);
}

static void
inspect_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  StWindow *self = ST_WINDOW (source);
  RestorePlan *plan = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *base = g_path_get_basename (plan->path);
  g_autofree char *made = NULL;
  GtkWidget *dialog;

  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error_dialog (self, _("This Backup Cannot Be Restored"), error->message);
      return;
    }

  if (plan->info->made_at > 0)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (plan->info->made_at / 1000);

      made = g_date_time_format (dt, "%Y-%m-%d %H:%M");
    }
  g_string_append_printf (body,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "Every record on this computer will be replaced by the backup “%s” (made %s, %lld participant).",
                                       "Every record on this computer will be replaced by the backup “%s” (made %s, %lld participants).",
                                       (gulong) plan->info->participants),
                          base, made != NULL ? made : _("at an unknown time"), (long long) plan->info->participants);
  g_string_append (body, " ");
  g_string_append (body, _("What this computer has sent to the server since the backup comes back at the next sync."));
  if (plan->lost > 0)
    {
      g_string_append (body, "\n\n");
      g_string_append_printf (body,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%lld change made on this computer has not reached the server and is not in the backup: it will be lost.",
                                           "%lld changes made on this computer have not reached the server and are not in the backup: they will be lost.",
                                           (gulong) plan->lost),
                              (long long) plan->lost);
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Replace All Records With the Backup?"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Replace"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (plan->path), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_restore_response), self, 0);
  g_set_weak_pointer (&self->confirmation, ADW_MESSAGE_DIALOG (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
st_window_restore_from (StWindow   *self,
                        const char *path)
{
  g_autoptr(GTask) task = NULL;
  RestorePlan *plan;

  g_return_if_fail (ST_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  if (self->busy)
    return;
  /* The backup is checked (integrity_check reads all of it) before asking. */
  set_busy (self, TRUE);
  plan = g_new0 (RestorePlan, 1);
  plan->db_path = g_strdup (st_db_get_path (self->db));
  plan->path = g_strdup (path);
  task = g_task_new (self, self->cancellable, inspect_done, NULL);
  g_task_set_source_tag (task, st_window_restore_from);
  g_task_set_task_data (task, plan, (GDestroyNotify) restore_plan_free);
  g_task_run_in_thread (task, inspect_thread);
}

static void
on_restore_chosen (GtkNativeDialog *chooser,
                   int              response,
                   gpointer         user_data)
{
  g_autoptr(StWindow) self = user_data;
  g_autofree char *path = chosen_path (chooser, response);

  if (path != NULL)
    st_window_restore_from (self, path);
  g_object_unref (chooser);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  StWindow *self = ST_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = backup_filter ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (self->busy)
    return;
  chooser = gtk_file_chooser_native_new (_("Restore from Backup"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Restore"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_restore_chosen), g_object_ref (self));
  g_set_weak_pointer (&self->chooser, chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
st_window_close_request (GtkWindow *window)
{
  StWindow *self = ST_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window))
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }
  return GTK_WINDOW_CLASS (st_window_parent_class)->close_request (window);
}

static void
st_window_dispose (GObject *object)
{
  StWindow *self = ST_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->editor);
  g_clear_weak_pointer (&self->import_window);
  g_clear_weak_pointer (&self->confirmation);
  g_clear_weak_pointer (&self->chooser);
  if (self->progress_toast != NULL)
    g_signal_handlers_disconnect_by_data (self->progress_toast, self);
  g_clear_object (&self->progress_toast);
  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_WINDOW);

  G_OBJECT_CLASS (st_window_parent_class)->dispose (object);
}

static void
st_window_finalize (GObject *object)
{
  StWindow *self = ST_WINDOW (object);

  g_clear_object (&self->sync_controller);
  g_clear_object (&self->db);
  g_clear_pointer (&self->divisions, st_divisions_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->role);
  g_clear_object (&self->cancellable);
  g_free (self->last_toast);
  g_free (self->backup_path);
  g_clear_pointer (&self->stale, g_hash_table_unref);

  G_OBJECT_CLASS (st_window_parent_class)->finalize (object);
}

static void
st_window_class_init (StWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  static const char *const pages[] = { "overview", "participants", "classes", "graduation", "reports" };

  object_class->dispose = st_window_dispose;
  object_class->finalize = st_window_finalize;
  window_class->close_request = st_window_close_request;

  g_type_ensure (ST_TYPE_PARTICIPANTS_PAGE);
  g_type_ensure (ST_TYPE_SYNC_BUTTON);
  g_type_ensure (ST_TYPE_CLASSES_PAGE);
  g_type_ensure (ST_TYPE_OVERVIEW_PAGE);
  g_type_ensure (ST_TYPE_GRADUATION_PAGE);
  g_type_ensure (ST_TYPE_REPORTS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, StWindow, new_button);
  gtk_widget_class_bind_template_child (widget_class, StWindow, participants_page);
  gtk_widget_class_bind_template_child (widget_class, StWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, StWindow, classes_page);
  gtk_widget_class_bind_template_child (widget_class, StWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, StWindow, graduation_page);
  gtk_widget_class_bind_template_child (widget_class, StWindow, reports_page);
  gtk_widget_class_bind_template_child (widget_class, StWindow, read_only_banner);

  gtk_widget_class_install_action (widget_class, "win.new-participant", NULL, new_participant_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.open-participant", "s", open_participant_action);
  gtk_widget_class_install_action (widget_class, "win.delete-participant", "s", delete_participant_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", "s", undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.export-outreach", "s", export_outreach_action);
  gtk_widget_class_install_action (widget_class, "win.open-list", "s", open_list_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "win.review", NULL, review_action);
  gtk_widget_class_install_action (widget_class, "win.backup", NULL, backup_action);
  gtk_widget_class_install_action (widget_class, "win.restore", NULL, restore_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.sync-now", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK, "win.show-page", "s", pages[i]);
}

static void
st_window_init (StWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  st_display_fit_tooltips (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->stale = g_hash_table_new (g_str_hash, g_str_equal);
#ifdef DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

StWindow *
st_window_new (AdwApplication *application,
               StDb           *db)
{
  g_autoptr(GError) error = NULL;
  StWindow *self = g_object_new (ST_TYPE_WINDOW, "application", application, NULL);

  self->db = g_object_ref (db);
  /* The window's connection reads a screenful at a time and writes one
   * record: a small cache is enough (imports, syncs and reports have
   * connections of their own). 1 MB instead of 4 MB: 1–3 MB less memory
   * after searching a county, and searching is no slower (bench-app,
   * alternating runs). */
  st_db_exec (db, "PRAGMA cache_size = -1000", NULL);
  /* Tests: a read on the main thread that takes longer is a failure. */
  if (g_getenv ("ST_SLOW_MAIN_MS") != NULL)
    st_db_set_slow_statement_limit (db, (guint) g_ascii_strtoull (g_getenv ("ST_SLOW_MAIN_MS"), NULL, 10));
  self->divisions = st_import_load_divisions (db, &error);
  if (self->divisions == NULL)
    {
      g_warning ("Could not read the townships of the database: %s", error->message);
      self->divisions = st_divisions_new_default ();
    }

  self->settings = st_application_settings_new ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
  else
    gtk_window_set_default_size (GTK_WINDOW (self), 1180, 720);

  self->role = st_role_new_for_db (db, self->settings);
  /* The role first: the page then reads its list once, for that role
   * (the other way round, 100,000 people were read twice at start). */
  st_participants_page_set_role (self->participants_page, self->role);
  st_participants_page_set_db (self->participants_page, db, self->divisions);
  /* Tests sync when they say so: ST_SYNC_AUTOMATIC=0. */
  self->sync_controller = st_sync_controller_new (db, g_strcmp0 (g_getenv ("ST_SYNC_AUTOMATIC"), "0") != 0
                                                      && !st_db_is_read_only (db));
  g_signal_connect_object (self->sync_controller, "synced", G_CALLBACK (on_synced), self, G_CONNECT_SWAPPED);
  /* Signing in or out changes what the user may do. */
  g_signal_connect_object (self->sync_controller, "changed", G_CALLBACK (st_role_reload), self->role, G_CONNECT_SWAPPED);
  st_sync_button_set_controller (self->sync_button, self->sync_controller, db, self->settings);
  st_classes_page_set_db (self->classes_page, db, self->divisions);
  st_classes_page_set_role (self->classes_page, self->role);
  st_overview_page_set_db (self->overview_page, db, self->divisions, self->role);
  st_graduation_page_set_db (self->graduation_page, db, self->divisions, self->role);
  st_reports_page_set_db (self->reports_page, db, self->divisions, self->role);
  adw_view_stack_set_visible_child_name (self->view_stack, "participants");
  st_db_follow_changes (db);
  g_signal_connect_object (db, "tables-changed", G_CALLBACK (on_tables_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child", G_CALLBACK (on_visible_page), self,
                           G_CONNECT_SWAPPED);
  if (st_db_is_read_only (db))
    {
      /* Everything can be read; nothing offers a change that could not be
       * saved (the pages ask st_db_is_read_only () for their own). A sync
       * writes what it pulls, so there is none either. */
      static const char *const writing[] = { "win.new-participant", "win.import", "win.delete-participant",
                                              "win.undo-delete", "win.sync-now" };

      gtk_widget_set_visible (GTK_WIDGET (self->read_only_banner), TRUE);
      for (guint i = 0; i < G_N_ELEMENTS (writing); i++)
        gtk_widget_action_set_enabled (GTK_WIDGET (self), writing[i], FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), FALSE);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_button),
                                   _("The database is read-only: nothing can be synced into it"));
      /* The search index is read as it is: updating it would write. One
       * out of date (the database was changed by a program that does not
       * keep it, such as the command line's import) may miss people: the
       * page says so, once the index thread has checked it. */
      self->index_ready = TRUE;
      g_idle_add_full (G_PRIORITY_LOW, start_index_refresh, g_object_ref (self), g_object_unref);
      return self;
    }
  /* After the first frame (a low-priority idle runs after drawing): the
   * list comes first, the thread would only compete with it. */
  st_participants_page_set_indexing (self->participants_page, TRUE);
  g_idle_add_full (G_PRIORITY_LOW, start_index_refresh, g_object_ref (self), g_object_unref);
  return self;
}

StDb *
st_window_get_db (StWindow *self)
{
  g_return_val_if_fail (ST_IS_WINDOW (self), NULL);
  return self->db;
}

StParticipantsPage *
st_window_get_participants_page (StWindow *self)
{
  return self->participants_page;
}

StClassesPage *
st_window_get_classes_page (StWindow *self)
{
  return self->classes_page;
}

StOverviewPage *
st_window_get_overview_page (StWindow *self)
{
  return self->overview_page;
}

StGraduationPage *
st_window_get_graduation_page (StWindow *self)
{
  return self->graduation_page;
}

StReportsPage *
st_window_get_reports_page (StWindow *self)
{
  return self->reports_page;
}

StRole *
st_window_get_role (StWindow *self)
{
  return self->role;
}

StDivisions *
st_window_get_divisions (StWindow *self)
{
  return self->divisions;
}

StParticipantEditor *
st_window_get_editor (StWindow *self)
{
  return self->editor;
}

StImportWindow *
st_window_get_import_window (StWindow *self)
{
  return self->import_window;
}

AdwMessageDialog *
st_window_get_confirmation (StWindow *self)
{
  return self->confirmation;
}

const char *
st_window_get_last_toast (StWindow *self)
{
  return self->last_toast;
}

StSyncController *
st_window_get_sync_controller (StWindow *self)
{
  return self->sync_controller;
}

StSyncButton *
st_window_get_sync_button (StWindow *self)
{
  return self->sync_button;
}

GtkFileChooserNative *
st_window_get_file_chooser (StWindow *self)
{
  return self->chooser;
}

gboolean
st_window_is_busy (StWindow *self)
{
  return self->busy;
}

gboolean
st_window_is_index_ready (StWindow *self)
{
  return self->index_ready;
}
