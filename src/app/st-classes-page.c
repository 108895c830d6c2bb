/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "st-class-item.h"
#include "st-class-util.h"
#include "st-classes-page-private.h"
#include "st-filter-chip.h"
#include "st-display.h"
#include "st-page-kit.h"
#include "st-participant.h"
#include "st-program.h"
#include "st-records.h"
#include "st-signin.h"
#include "st-signin-print.h"

struct _StClassesPage
{
  GtkWidget          parent_instance;

  GtkStack          *stack;
  GtkDropDown       *township_dropdown;
  GtkDropDown       *program_dropdown;
  GtkDropDown       *major_dropdown;
  GtkStack          *list_stack;
  GtkListView       *class_list;
  GtkSpinner        *spinner;
  GtkLabel          *count_label;
  StFilterChip      *only_chip;
  char              *made_session;     /* made by Today's Session, no attendance saved yet */
  GHashTable        *only;             /* class ids another page asked for, or NULL */
  StClassView       *class_view;
  StAttendanceSheet *sheet;
  StRole            *role;        /* what the user may see; NULL = everything */

  StDb              *db;
  StDivisions       *divisions;
  GPtrArray         *township_codes;   /* NULL first: all */
  GPtrArray         *program_codes;
  GPtrArray         *majors;
  GtkWindow         *dialog;           /* weak */
  gboolean           class_stale;      /* the class view is older than the sheet saved */
  char              *last_toast;
  gboolean           filling;

  GPtrArray         *rows;             /* of StClassRow: every class read */
  GListStore        *shown;            /* of StClassItem: those the filters and the role let through */
  GHashTable        *program_names;    /* program code → name shown */
  GCancellable      *cancellable;
  gboolean           loaded;
  gboolean           loading;
  gboolean           load_again;
};

G_DEFINE_FINAL_TYPE (StClassesPage, st_classes_page, GTK_TYPE_WIDGET)

static void
toast (StClassesPage *self,
       const char    *message)
{
  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
  st_display_toast_near (GTK_WIDGET (self), message, 6);
}

static GtkWindow *
parent_window (StClassesPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
present_dialog (StClassesPage *self,
                GtkWindow     *dialog)
{
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  g_set_weak_pointer (&self->dialog, dialog);
  gtk_window_present (dialog);
}

static void fill_list (StClassesPage *self);
static void focus_visible (StClassesPage *self);

static const char *
selected_code (GtkDropDown *dropdown,
               GPtrArray   *codes)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  return codes != NULL && i < codes->len ? g_ptr_array_index (codes, i) : NULL;
}

/* The list of classes. A worker reads every class with its number in
 * study (one query, its own connection), the page turns them into rows;
 * the filters and the role choose among those rows, in memory, and the
 * items of the list shown are given the rows chosen (see st-class-item.h:
 * the list view keeps its row widgets). The list is read when the page is
 * first shown, and again when something changed a class (fill_list ()). */

typedef struct
{
  char      *path;
  GPtrArray *summaries;    /* of StClassSummary */
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_free (job->path);
  g_clear_pointer (&job->summaries, g_ptr_array_unref);
  g_free (job);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (job->path, &error);

  if (db != NULL)
    job->summaries = st_class_summaries (db, &error);
  if (job->summaries == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
class_visible (StClassesPage *self,
               const StClass *c,
               const char    *township,
               const char    *program,
               const char    *major)
{
  return (self->role == NULL || st_role_sees_class (self->role, c))
         && (self->only == NULL || g_hash_table_contains (self->only, c->id))
         && (township == NULL || g_strcmp0 (c->township_code, township) == 0)
         && (program == NULL || g_strcmp0 (c->program_code, program) == 0)
         && (major == NULL || g_strcmp0 (c->major, major) == 0);
}

/* The count and the list's state after the items or a filter changed. */
static void
show_list_state (StClassesPage *self)
{
  guint total = self->rows->len;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->shown));
  g_autofree char *count = NULL;

  if (!self->loaded)
    return;
  gtk_stack_set_visible_child_name (self->list_stack,
                                    shown > 0 ? "classes" : total == 0 ? "empty" : "no-match");
  if (shown == total)
    count = g_strdup_printf (ngettext ("%u class", "%u classes", shown), shown);
  else
    /* Translators: "3 of 12 classes" */
    count = g_strdup_printf (ngettext ("%u of %u class", "%u of %u classes", total), shown, total);
  gtk_label_set_text (self->count_label, count);
}

/* Gives the list's items the rows the filters and the role let through,
 * adding or removing items only at the end. */
static void
refilter (StClassesPage *self)
{
  const char *township = selected_code (self->township_dropdown, self->township_codes);
  const char *program = selected_code (self->program_dropdown, self->program_codes);
  const char *major = selected_code (self->major_dropdown, self->majors);
  guint had = g_list_model_get_n_items (G_LIST_MODEL (self->shown));
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = 0;

  if (self->filling)
    return;
  for (guint i = 0; i < self->rows->len; i++)
    {
      StClassRow *row = g_ptr_array_index (self->rows, i);

      if (!class_visible (self, row->klass, township, program, major))
        continue;
      if (n < had)
        {
          g_autoptr(StClassItem) item = g_list_model_get_item (G_LIST_MODEL (self->shown), n);

          st_class_item_set_row (item, row);
        }
      else
        g_ptr_array_add (added, st_class_item_new (row));
      n++;
    }
  if (n < had)
    g_list_store_splice (self->shown, n, had - n, NULL, 0);
  else if (added->len > 0)
    g_list_store_splice (self->shown, had, 0, added->pdata, added->len);
  show_list_state (self);
}

static char *
class_subtitle (StClassesPage        *self,
                const StClassSummary *summary)
{
  const StClass *c = summary->klass;
  const char *program = g_hash_table_lookup (self->program_names, c->program_code);
  GString *subtitle = g_string_new (st_display_township (self->divisions, c->township_code));

  if (c->major != NULL)
    g_string_append_printf (subtitle, " · %s", c->major);
  g_string_append_printf (subtitle, " · %s", program != NULL ? program : c->program_code);
  g_string_append (subtitle, " · ");
  g_string_append_printf (subtitle, _("since %s"), c->start_date);
  g_string_append (subtitle, " · ");
  /* Translators: how many participants of a class are in study */
  g_string_append_printf (subtitle, ngettext ("%u in study", "%u in study", summary->studying),
                          summary->studying);
  return g_string_free (subtitle, FALSE);
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  StClassesPage *self = ST_CLASSES_PAGE (source);
  LoadJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean first;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->loading = FALSE;
      gtk_spinner_stop (self->spinner);
      /* Not "0 classes" for classes that cannot be read. */
      gtk_label_set_text (self->count_label, "");
      toast (self, error->message);
      return;
    }
  self->loading = FALSE;
  gtk_spinner_stop (self->spinner);
  g_ptr_array_set_size (self->rows, 0);
  for (guint i = 0; i < job->summaries->len; i++)
    {
      StClassSummary *summary = g_ptr_array_index (job->summaries, i);
      g_autofree char *subtitle = class_subtitle (self, summary);

      g_ptr_array_add (self->rows, st_class_row_new (g_steal_pointer (&summary->klass), subtitle));
    }
  first = !self->loaded;
  self->loaded = TRUE;
  refilter (self);
  /* Shown while it was read: the keyboard goes to the first class now. */
  if (first && gtk_widget_get_mapped (GTK_WIDGET (self)))
    focus_visible (self);
  if (self->load_again)
    fill_list (self);
}

static void
fill_list (StClassesPage *self)
{
  g_autoptr(GTask) task = NULL;
  LoadJob *job;

  if (self->db == NULL)
    return;
  if (self->loading)
    {
      /* Read again once the reading under way is done: it may have begun
       * before the change. */
      self->load_again = TRUE;
      return;
    }
  self->loading = TRUE;
  self->load_again = FALSE;
  if (!self->loaded)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "loading");
      gtk_spinner_start (self->spinner);
    }
  job = g_new0 (LoadJob, 1);
  job->path = g_strdup (st_db_get_path (self->db));
  task = g_task_new (self, self->cancellable, load_done, NULL);
  g_task_set_source_tag (task, fill_list);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  g_task_run_in_thread (task, load_thread);
}

/* The list is first read when the page is shown. */
static void
on_map (StClassesPage *self)
{
  if (!self->loaded && !self->loading)
    fill_list (self);
}

static void
on_filter_changed (StClassesPage *self)
{
  refilter (self);
}

static void
fill_filters (StClassesPage *self)
{
  g_autoptr(GtkStringList) townships = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) programs = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) majors = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) township_list = st_divisions_townships (self->divisions);
  g_autoptr(GPtrArray) program_list = st_program_list (self->db, NULL);
  g_autoptr(GPtrArray) major_list = st_majors_list (self->db, NULL);

  self->filling = TRUE;
  g_ptr_array_set_size (self->township_codes, 0);
  g_ptr_array_set_size (self->program_codes, 0);
  g_ptr_array_set_size (self->majors, 0);
  gtk_string_list_append (townships, _("All townships"));
  g_ptr_array_add (self->township_codes, NULL);
  for (guint i = 0; township_list != NULL && i < township_list->len; i++)
    {
      const StDivision *d = g_ptr_array_index (township_list, i);

      gtk_string_list_append (townships, d->name);
      g_ptr_array_add (self->township_codes, g_strdup (d->code));
    }
  gtk_string_list_append (programs, _("All programs"));
  g_ptr_array_add (self->program_codes, NULL);
  for (guint i = 0; program_list != NULL && i < program_list->len; i++)
    {
      StProgram *p = g_ptr_array_index (program_list, i);

      gtk_string_list_append (programs, st_class_program_name (p));
      g_ptr_array_add (self->program_codes, g_strdup (p->code));
      g_hash_table_replace (self->program_names, g_strdup (p->code), g_strdup (st_class_program_name (p)));
    }
  gtk_string_list_append (majors, _("All majors"));
  g_ptr_array_add (self->majors, NULL);
  for (guint i = 0; major_list != NULL && i < major_list->len; i++)
    {
      gtk_string_list_append (majors, g_ptr_array_index (major_list, i));
      g_ptr_array_add (self->majors, g_strdup (g_ptr_array_index (major_list, i)));
    }
  gtk_drop_down_set_model (self->township_dropdown, G_LIST_MODEL (townships));
  gtk_drop_down_set_model (self->program_dropdown, G_LIST_MODEL (programs));
  gtk_drop_down_set_model (self->major_dropdown, G_LIST_MODEL (majors));
  gtk_drop_down_set_selected (self->township_dropdown, 0);
  gtk_drop_down_set_selected (self->program_dropdown, 0);
  gtk_drop_down_set_selected (self->major_dropdown, 0);
  self->filling = FALSE;
}

static void
on_role_changed (StClassesPage *self)
{
  refilter (self);
}

void
st_classes_page_set_role (StClassesPage *self,
                          StRole        *role)
{
  g_return_if_fail (ST_IS_CLASSES_PAGE (self));

  if (self->role != NULL)
    g_signal_handlers_disconnect_by_data (self->role, self);
  g_set_object (&self->role, role);
  if (role != NULL)
    g_signal_connect_object (role, "changed", G_CALLBACK (on_role_changed), self, G_CONNECT_SWAPPED);
  refilter (self);
}

void
st_classes_page_set_db (StClassesPage *self,
                        StDb          *db,
                        StDivisions   *divisions)
{
  g_return_if_fail (ST_IS_CLASSES_PAGE (self));

  g_set_object (&self->db, db);
  g_clear_pointer (&self->divisions, st_divisions_unref);
  self->divisions = st_divisions_ref (divisions);
  {
    /* A read-only database: classes, sessions and sheets are read and
     * printed, nothing offers a change. */
    static const char *const writing[] = { "classes.new-class", "classes.new-session", "classes.enrol",
                                            "classes.study-hours", "classes.assignment",
                                            "classes.participant-hours", "classes.participant-assignment",
                                            "classes.withdraw" };

    for (guint i = 0; i < G_N_ELEMENTS (writing); i++)
      gtk_widget_action_set_enabled (GTK_WIDGET (self), writing[i], !st_db_is_read_only (db));
  }
  fill_filters (self);
  self->loaded = FALSE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    fill_list (self);
}

void
st_classes_page_reload (StClassesPage *self)
{
  g_return_if_fail (ST_IS_CLASSES_PAGE (self));

  fill_list (self);
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "class"))
    st_class_view_reload (self->class_view);
}

/* Navigation */

/* The class open on the page, or NULL while the list is shown. */
static const StClass *
current_class (StClassesPage *self)
{
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "list"))
    return NULL;
  return st_class_view_get_class (self->class_view);
}

/* Where the keyboard starts on what is shown, so that the page's keys
 * (Ctrl+T, Ctrl+E, Alt+←) work without a click first. */
static void
focus_visible (StClassesPage *self)
{
  const char *visible = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (visible, "sheet"))
    st_attendance_sheet_focus (self->sheet);
  else if (g_str_equal (visible, "class"))
    gtk_widget_child_focus (GTK_WIDGET (self->class_view), GTK_DIR_TAB_FORWARD);
  else if (!gtk_widget_child_focus (GTK_WIDGET (self->class_list), GTK_DIR_TAB_FORWARD))
    gtk_widget_child_focus (gtk_stack_get_visible_child (self->list_stack), GTK_DIR_TAB_FORWARD);
}

static void
open_class (StClassesPage *self,
            const char    *class_id)
{
  g_autoptr(GError) error = NULL;

  if (!st_class_view_set_class (self->class_view, self->db, self->divisions, class_id, &error))
    {
      toast (self, error->message);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "class");
  focus_visible (self);
}

static void
open_class_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  open_class (ST_CLASSES_PAGE (widget), g_variant_get_string (parameter, NULL));
}

/* A row clicked, or Enter on it. */
static void
on_class_activated (StClassesPage *self,
                    guint          position)
{
  g_autoptr(StClassItem) item = g_list_model_get_item (G_LIST_MODEL (self->shown), position);

  if (item != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "classes.open-class", "s", st_class_item_get_id (item));
}

static void
open_session (StClassesPage *self,
              const char    *session_id)
{
  g_autoptr(GError) error = NULL;

  if (!st_attendance_sheet_load (self->sheet, self->db, session_id, &error))
    {
      toast (self, error->message);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "sheet");
  st_attendance_sheet_focus (self->sheet);
}

static void
open_session_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  open_session (ST_CLASSES_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
leave_sheet (StClassesPage *self)
{
  /* Today's session, left without its attendance: not kept as a session
   * nobody attended. */
  if (self->made_session != NULL)
    {
      g_autofree char *id = g_steal_pointer (&self->made_session);
      g_autoptr(GError) error = NULL;
      gboolean discarded = FALSE;

      if (!st_session_discard_unattended (self->db, id, &discarded, &error))
        toast (self, error->message);
      else if (discarded)
        {
          self->class_stale = TRUE;
          toast (self, _("Today’s session removed: no attendance was saved."));
        }
    }
  if (self->class_stale)
    {
      self->class_stale = FALSE;
      st_class_view_reload (self->class_view);
    }
  gtk_stack_set_visible_child_name (self->stack, "class");
  st_class_view_show_tab (self->class_view, "sessions");
  focus_visible (self);
}

static void
on_unsaved_response (AdwMessageDialog *dialog,
                     const char       *response,
                     StClassesPage    *self)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "save") == 0)
    {
      if (!st_attendance_sheet_save (self->sheet, &error))
        {
          toast (self, error->message);
          return;
        }
      leave_sheet (self);
    }
  else if (g_strcmp0 (response, "discard") == 0)
    leave_sheet (self);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StClassesPage *self = ST_CLASSES_PAGE (widget);
  const char *visible = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (visible, "sheet"))
    {
      GtkWidget *dialog;

      if (!st_attendance_sheet_get_dirty (self->sheet))
        {
          leave_sheet (self);
          return;
        }
      dialog = adw_message_dialog_new (parent_window (self), _("Save the Attendance?"),
                                       _("The attendance sheet has changes that are not saved yet."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "discard", _("_Discard"),
                                        "save", _("_Save"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_unsaved_response), self, 0);
      present_dialog (self, GTK_WINDOW (dialog));
    }
  else if (g_str_equal (visible, "class"))
    {
      fill_list (self);
      gtk_stack_set_visible_child_name (self->stack, "list");
      st_class_view_forget (self->class_view);
      focus_visible (self);
    }
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  StClassesPage *self = ST_CLASSES_PAGE (widget);

  self->filling = TRUE;
  gtk_drop_down_set_selected (self->township_dropdown, 0);
  gtk_drop_down_set_selected (self->program_dropdown, 0);
  gtk_drop_down_set_selected (self->major_dropdown, 0);
  self->filling = FALSE;
  g_clear_pointer (&self->only, g_hash_table_unref);
  st_filter_chip_set_label (self->only_chip, NULL);
  refilter (self);
}

static void
show_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StClassesPage *self = ST_CLASSES_PAGE (widget);

  g_clear_pointer (&self->only, g_hash_table_unref);
  st_filter_chip_set_label (self->only_chip, NULL);
  refilter (self);
}

void
st_classes_page_show_only (StClassesPage      *self,
                           const char * const *class_ids,
                           const char         *label)
{
  g_return_if_fail (ST_IS_CLASSES_PAGE (self));

  g_clear_pointer (&self->only, g_hash_table_unref);
  if (class_ids != NULL)
    {
      self->only = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; class_ids[i] != NULL; i++)
        g_hash_table_add (self->only, g_strdup (class_ids[i]));
    }
  /* The other filters would hide some of them: everything they asked for. */
  self->filling = TRUE;
  gtk_drop_down_set_selected (self->township_dropdown, 0);
  gtk_drop_down_set_selected (self->program_dropdown, 0);
  gtk_drop_down_set_selected (self->major_dropdown, 0);
  self->filling = FALSE;
  st_filter_chip_set_label (self->only_chip, class_ids != NULL ? label : NULL);
  /* Back to the list: from a sheet with changes, the person is asked. */
  for (guint i = 0; i < 2 && !g_str_equal (gtk_stack_get_visible_child_name (self->stack), "list"); i++)
    if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "sheet")
        && st_attendance_sheet_get_dirty (self->sheet))
      {
        gtk_widget_activate_action (GTK_WIDGET (self), "classes.back", NULL);
        break;
      }
    else
      gtk_widget_activate_action (GTK_WIDGET (self), "classes.back", NULL);
  refilter (self);
}

/* After a dialog changed the class: its lists, its progress, the counts. */
static void
on_class_changed (StClassesPage *self,
                  const char    *message)
{
  self->class_stale = FALSE;
  st_class_view_reload (self->class_view);
  fill_list (self);
  if (message != NULL)
    toast (self, message);
}

static void
on_class_created (StClassesPage *self,
                  const char    *class_id)
{
  g_autoptr(StClass) c = st_class_load (self->db, class_id, NULL);
  g_autofree char *message = NULL;

  fill_list (self);
  open_class (self, class_id);
  /* Translators: "<class name> created" */
  message = g_strdup_printf (_("%s created"), c ? c->name : class_id);
  toast (self, message);
}

static void
new_class_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StClassesPage *self = ST_CLASSES_PAGE (widget);
  StClassDialog *dialog;

  if (self->db == NULL)
    return;
  dialog = st_class_dialog_new (parent_window (self), self->db, self->divisions,
                                selected_code (self->township_dropdown, self->township_codes));
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_class_created), self, G_CONNECT_SWAPPED);
  present_dialog (self, GTK_WINDOW (dialog));
}

/* Sessions */

/* What a new session of the class starts from: its last session, else the
 * class's trainer and teaching point, a day of 8 hours, literacy. */
static StSession *
session_template (StClassesPage *self,
                  const StClass *c)
{
  g_autoptr(GPtrArray) sessions = st_session_list (self->db, c->id, NULL);
  StSession *s = g_new0 (StSession, 1);

  s->class_id = g_strdup (c->id);
  s->date = st_date_today ();
  if (sessions != NULL && sessions->len > 0)
    {
      StSession *last = g_ptr_array_index (sessions, sessions->len - 1);

      s->minutes = last->minutes;
      s->mode = g_strdup (last->mode);
      s->subject = g_strdup (last->subject);
      s->trainer = g_strdup (last->trainer);
      s->place = g_strdup (last->place);
    }
  else
    {
      s->minutes = 8 * 60;
      s->mode = g_strdup ("concentrated");
      s->subject = g_strdup ("literacy");
      s->trainer = g_strdup (c->trainers != NULL ? c->trainers[0] : NULL);
      s->place = g_strdup (c->teaching_point);
    }
  return s;
}

static void
on_session_created (StClassesPage *self,
                    const char    *session_id)
{
  st_class_view_reload (self->class_view);
  open_session (self, session_id);
}

static void
new_session_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  StClassesPage *self = ST_CLASSES_PAGE (widget);
  const StClass *c = current_class (self);
  g_autoptr(StSession) prefill = NULL;
  StSessionDialog *dialog;

  if (c == NULL)
    return;
  prefill = session_template (self, c);
  dialog = st_session_dialog_new (parent_window (self), self->db, prefill);
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_session_created), self, G_CONNECT_SWAPPED);
  present_dialog (self, GTK_WINDOW (dialog));
}

static void
today_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StClassesPage *self = ST_CLASSES_PAGE (widget);
  const StClass *c = current_class (self);
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(StSession) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *today = st_date_today ();
  g_autofree char *hours = NULL;
  g_autofree char *message = NULL;

  if (c == NULL)
    return;
  sessions = st_session_list (self->db, c->id, NULL);
  for (guint i = sessions ? sessions->len : 0; i-- > 0;)
    {
      StSession *existing = g_ptr_array_index (sessions, i);

      if (g_strcmp0 (existing->date, today) == 0)
        {
          open_session (self, existing->id);
          return;
        }
    }
  /* None today: made like the last one, in one click; the toast says what. */
  s = session_template (self, c);
  if (!st_session_create (self->db, s, &error))
    {
      toast (self, error->message);
      return;
    }
  st_class_view_reload (self->class_view);
  open_session (self, s->id);
  g_free (self->made_session);
  self->made_session = g_strdup (s->id);
  hours = st_class_format_hours (s->minutes);
  /* Translators: "Today’s session: 8 h, Literacy and numeracy" */
  message = g_strdup_printf (_("Today’s session: %s h, %s"), hours, st_session_subject_to_display (s->subject));
  toast (self, message);
}

static void
on_sheet_saved (StClassesPage *self)
{
  g_autofree char *message = NULL;

  /* Translators: "Attendance saved: 38 / 40 present" */
  message = g_strdup_printf (_("Attendance saved: %u / %u present"), st_attendance_sheet_get_present (self->sheet),
                             st_attendance_sheet_get_total (self->sheet));
  g_clear_pointer (&self->made_session, g_free);
  /* The trainer waits for Save: the class view is read again when they go
   * back to it, not now. */
  self->class_stale = TRUE;
  toast (self, message);
}

/* Participants and their records */

static void
on_enrolled (StClassesPage *self,
             const char    *message)
{
  on_class_changed (self, message);
}

static void
enrol_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StClassesPage *self = ST_CLASSES_PAGE (widget);
  const StClass *c = current_class (self);
  StEnrolDialog *dialog;

  if (c == NULL)
    return;
  dialog = st_enrol_dialog_new (parent_window (self), self->db, self->divisions, c->id);
  g_signal_connect_object (dialog, "enrolled", G_CALLBACK (on_enrolled), self, G_CONNECT_SWAPPED);
  present_dialog (self, GTK_WINDOW (dialog));
}

static void
open_records_dialog (StClassesPage       *self,
                     StRecordsDialogKind  kind,
                     const char          *participant_id)
{
  const StClass *c = current_class (self);
  StRecordsDialog *dialog;

  if (c == NULL)
    return;
  dialog = st_records_dialog_new (parent_window (self), self->db, c->id, kind,
                                  st_class_view_get_enrolments (self->class_view), participant_id);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_class_changed), self, G_CONNECT_SWAPPED);
  present_dialog (self, GTK_WINDOW (dialog));
}

static void
records_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  StClassesPage *self = ST_CLASSES_PAGE (widget);
  const char *participant = parameter ? g_variant_get_string (parameter, NULL) : NULL;

  if (g_str_equal (action_name, "classes.study-hours") || g_str_equal (action_name, "classes.participant-hours"))
    open_records_dialog (self, ST_RECORDS_DIALOG_HOURS, participant);
  else
    open_records_dialog (self, ST_RECORDS_DIALOG_ASSIGNMENT, participant);
}

static void
withdraw_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StClassesPage *self = ST_CLASSES_PAGE (widget);
  const StClass *c = current_class (self);
  const char *participant_id = g_variant_get_string (parameter, NULL);
  g_autoptr(StParticipant) p = st_participant_load (self->db, participant_id, NULL);
  g_autofree char *enrolment = NULL;
  StWithdrawDialog *dialog;

  if (c == NULL || p == NULL)
    return;
  enrolment = st_enrolment_id (participant_id, c->id);
  dialog = st_withdraw_dialog_new (parent_window (self), self->db, enrolment, p->name);
  g_signal_connect_object (dialog, "withdrawn", G_CALLBACK (on_class_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "refused", G_CALLBACK (toast), self, G_CONNECT_SWAPPED);
  present_dialog (self, GTK_WINDOW (dialog));
}

/* The sign-in sheet */

static void
print_signin_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  StClassesPage *self = ST_CLASSES_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!st_signin_print (parent_window (self), self->db, g_variant_get_string (parameter, NULL), &error))
    toast (self, error->message);
}

static void
on_pdf_chosen (GtkNativeDialog *chooser,
               int              response,
               gpointer         user_data)
{
  StClassesPage *self = ST_CLASSES_PAGE (user_data);
  const char *session_id = g_object_get_data (G_OBJECT (chooser), "session");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr(StDocSheet) sheet = NULL;
      g_autoptr(GError) error = NULL;

      if (path != NULL)
        {
          sheet = st_signin_sheet_new (self->db, session_id, &error);
          if (sheet == NULL || !st_doc_sheet_write_pdf (sheet, path, &error))
            toast (self, error->message);
          else
            {
              g_autofree char *basename = g_path_get_basename (path);
              /* Translators: "Sign-in sheet saved as 签到表.pdf" */
              g_autofree char *message = g_strdup_printf (_("Sign-in sheet saved as %s"), basename);

              toast (self, message);
            }
        }
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
save_signin_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  StClassesPage *self = ST_CLASSES_PAGE (widget);
  const char *session_id = g_variant_get_string (parameter, NULL);
  g_autoptr(StSession) s = st_session_load (self->db, session_id, NULL);
  g_autoptr(StClass) c = s ? st_class_load (self->db, s->class_id, NULL) : NULL;
  g_autoptr(GtkFileFilter) pdf = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (c == NULL)
    return;
  /* GtkFileChooserNative: GtkFileDialog needs GTK 4.10, newer than Debian 12's. */
  chooser = gtk_file_chooser_native_new (_("Save Sign-in Sheet"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (pdf, _("PDF documents"));
  gtk_file_filter_add_suffix (pdf, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), pdf);
  /* Translators: the file name offered: "签到表 2025-03-08 <class>.pdf" */
  name = g_strdup_printf (_("Sign-in sheet %s %s.pdf"), s->date, c->name);
  g_strdelimit (name, "/\\", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data_full (G_OBJECT (chooser), "session", g_strdup (session_id), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (on_pdf_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* For the tests */

StClassView *
st_classes_page_get_class_view (StClassesPage *self)
{
  return self->class_view;
}

StAttendanceSheet *
st_classes_page_get_sheet (StClassesPage *self)
{
  return self->sheet;
}

const char *
st_classes_page_get_visible (StClassesPage *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkLabel *
st_classes_page_get_count_label (StClassesPage *self)
{
  return self->count_label;
}

GtkDropDown *
st_classes_page_get_township_dropdown (StClassesPage *self)
{
  return self->township_dropdown;
}

GtkListView *
st_classes_page_get_class_list (StClassesPage *self)
{
  return self->class_list;
}

const char *
st_classes_page_get_list_state (StClassesPage *self)
{
  return gtk_stack_get_visible_child_name (self->list_stack);
}

GtkWindow *
st_classes_page_get_dialog (StClassesPage *self)
{
  return self->dialog;
}

const char *
st_classes_page_get_last_toast (StClassesPage *self)
{
  return self->last_toast;
}

static void
st_classes_page_dispose (GObject *object)
{
  StClassesPage *self = ST_CLASSES_PAGE (object);

  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  g_clear_weak_pointer (&self->dialog);
  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_CLASSES_PAGE);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->shown);
  g_clear_pointer (&self->program_names, g_hash_table_unref);
  g_clear_object (&self->db);
  g_clear_object (&self->role);
  g_clear_pointer (&self->divisions, st_divisions_unref);
  g_clear_pointer (&self->township_codes, g_ptr_array_unref);
  g_clear_pointer (&self->program_codes, g_ptr_array_unref);
  g_clear_pointer (&self->majors, g_ptr_array_unref);
  g_clear_pointer (&self->last_toast, g_free);
  g_clear_pointer (&self->only, g_hash_table_unref);
  g_clear_pointer (&self->made_session, g_free);

  G_OBJECT_CLASS (st_classes_page_parent_class)->dispose (object);
}

static void
st_classes_page_class_init (StClassesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_classes_page_dispose;

  g_type_ensure (ST_TYPE_CLASS_VIEW);
  g_type_ensure (ST_TYPE_FILTER_CHIP);
  g_type_ensure (ST_TYPE_CLASS_ITEM);
  g_type_ensure (ST_TYPE_ATTENDANCE_SHEET);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-classes-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StClassesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, StClassesPage, township_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StClassesPage, program_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StClassesPage, major_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StClassesPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, StClassesPage, class_list);
  gtk_widget_class_bind_template_child (widget_class, StClassesPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, StClassesPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, StClassesPage, only_chip);
  gtk_widget_class_bind_template_child (widget_class, StClassesPage, class_view);
  gtk_widget_class_bind_template_child (widget_class, StClassesPage, sheet);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sheet_saved);

  gtk_widget_class_install_action (widget_class, "classes.new-class", NULL, new_class_action);
  gtk_widget_class_install_action (widget_class, "classes.clear-filters", NULL, clear_filters_action);
  gtk_widget_class_install_action (widget_class, "classes.show-all", NULL, show_all_action);
  gtk_widget_class_install_action (widget_class, "classes.open-class", "s", open_class_action);
  gtk_widget_class_install_action (widget_class, "classes.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "classes.open-session", "s", open_session_action);
  gtk_widget_class_install_action (widget_class, "classes.today", NULL, today_action);
  gtk_widget_class_install_action (widget_class, "classes.new-session", NULL, new_session_action);
  gtk_widget_class_install_action (widget_class, "classes.enrol", NULL, enrol_action);
  gtk_widget_class_install_action (widget_class, "classes.study-hours", NULL, records_action);
  gtk_widget_class_install_action (widget_class, "classes.assignment", NULL, records_action);
  gtk_widget_class_install_action (widget_class, "classes.participant-hours", "s", records_action);
  gtk_widget_class_install_action (widget_class, "classes.participant-assignment", "s", records_action);
  gtk_widget_class_install_action (widget_class, "classes.withdraw", "s", withdraw_action);
  gtk_widget_class_install_action (widget_class, "classes.print-signin", "s", print_signin_action);
  gtk_widget_class_install_action (widget_class, "classes.save-signin", "s", save_signin_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "classes.new-class", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "classes.today", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "classes.enrol", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "classes.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, GDK_ALT_MASK, "classes.back", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
st_classes_page_init (StClassesPage *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  g_signal_connect (self, "map", G_CALLBACK (focus_visible), NULL);
  self->cancellable = g_cancellable_new ();
  self->program_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) st_class_row_unref);
  self->shown = g_list_store_new (ST_TYPE_CLASS_ITEM);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->shown)));
  st_page_kit_set_rows (GTK_WIDGET (self->class_list), GTK_SELECTION_MODEL (selection));
  g_signal_connect_swapped (self->class_list, "activate", G_CALLBACK (on_class_activated), self);
  self->township_codes = g_ptr_array_new_with_free_func (g_free);
  self->program_codes = g_ptr_array_new_with_free_func (g_free);
  self->majors = g_ptr_array_new_with_free_func (g_free);
}
