/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-display.h"
#include "st-idcard.h"
#include "st-import-conflict-row.h"
#include "st-import-window-private.h"
#include "st-participant.h"
#include "st-participant-search.h"
#include "st-roster.h"
#include "st-visit-roster.h"

#define PREVIEW_ROWS 6

/* A column's combo row offers every StImportColumn in the enum's order but
 * ST_IMPORT_COLUMN_IGNORED (derived columns are never chosen by hand):
 * choice 0 is "Not imported" (UNKNOWN), then NAME, ID_NUMBER, … */
#define N_COLUMN_CHOICES (ST_IMPORT_N_COLUMNS - 1)

static StImportColumn
column_of_choice (guint choice)
{
  G_STATIC_ASSERT (ST_IMPORT_COLUMN_UNKNOWN == 0 && ST_IMPORT_COLUMN_IGNORED == 1);
  if (choice == 0 || choice >= N_COLUMN_CHOICES)
    return ST_IMPORT_COLUMN_UNKNOWN;
  return (StImportColumn) (choice + 1);
}

/* What the import thread and the window share. */
typedef struct
{
  char *db_path;
  char *roster_path;
  char *default_township;
  int   permille;          /* progress, written by the thread */
  int   committed;         /* the rows are written: set by the thread */
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_free (job->db_path);
  g_free (job->roster_path);
  g_free (job->default_township);
  g_free (job);
}

struct _StImportWindow
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  AdwWindowTitle  *preview_title;
  AdwActionRow    *file_row;
  GtkLabel        *encoding_label;
  GtkLabel        *rows_label;
  AdwComboRow     *township_row;
  AdwPreferencesGroup *columns_group;
  AdwPreferencesGroup *visits_group;
  GtkGrid         *preview_grid;
  GtkProgressBar  *progress_bar;
  AdwWindowTitle  *summary_title;
  GtkLabel        *imported_label;
  GtkLabel        *updated_label;
  AdwActionRow    *updated_row;
  GtkLabel        *rejected_label;
  AdwActionRow    *rejected_row;
  GtkLabel        *warnings_label;
  AdwActionRow    *warnings_row;
  GtkLabel        *repeats_label;
  AdwActionRow    *repeats_row;
  GtkLabel        *conflicts_label;
  AdwActionRow    *conflicts_row;
  GtkLabel        *visits_label;
  AdwActionRow    *visits_row;
  AdwActionRow    *ignored_row;
  AdwWindowTitle  *list_title;
  GtkListView     *list_view;
  AdwWindowTitle  *conflict_title;
  AdwPreferencesGroup *conflict_group;
  GtkListBox      *conflict_list;
  GPtrArray       *conflict_rows;    /* the rows of the person shown, one per field */

  StDb            *db;
  StDivisions     *divisions;
  StRosterPreview *preview;
  GPtrArray       *column_rows;      /* AdwComboRow, one per column */
  GPtrArray       *visit_cells;      /* GtkLabel: the first visit of each preview row */
  GPtrArray       *township_codes;
  StImportColumn  *columns;          /* the mapping chosen */
  GCancellable    *cancellable;
  ImportJob       *job;
  guint            progress_source;
  char            *import_path;      /* the file imported: the roster, or a remapped copy */
  StImportResult  *result;
  GListModel      *list;
  guint            conflict;         /* the first field of the person shown */
  guint            resolved;
  char            *message;
  gboolean         updating_columns;
};

G_DEFINE_FINAL_TYPE (StImportWindow, st_import_window, ADW_TYPE_WINDOW)

enum {
  SIGNAL_IMPORTED,
  SIGNAL_PARTICIPANT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (StImportWindow *self,
       const char     *title)
{
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  AdwToast *t = adw_toast_new (escaped);

  g_free (self->message);
  self->message = g_strdup (title);
  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static const char *
encoding_display (StCsvEncoding encoding)
{
  switch (encoding)
    {
    case ST_CSV_ENCODING_UTF8:
      return _("UTF-8");
    case ST_CSV_ENCODING_UTF8_BOM:
      return _("UTF-8 with byte-order mark (Excel “CSV UTF-8”)");
    case ST_CSV_ENCODING_GB18030:
      return _("GB18030 (Excel on Chinese Windows)");
    default:
      return "";
    }
}

static int
choice_of (StImportColumn column)
{
  return column > ST_IMPORT_COLUMN_IGNORED && column < ST_IMPORT_N_COLUMNS ? (int) column - 1 : 0;
}

/* A cell of the preview: long notes cut short (the grid scrolls sideways,
 * so cells keep their natural width), ID numbers masked. */
static char *
cell_text (StImportColumn  column,
           const char     *text)
{
  if (text == NULL)
    return g_strdup ("");
  /* ID numbers are shown in full only in a participant's page. */
  if (column == ST_IMPORT_COLUMN_ID_NUMBER && *text)
    {
      g_autofree char *normal = st_idcard_normalize (text);

      return st_idcard_mask (normal);
    }
  if (g_utf8_strlen (text, -1) > 16)
    {
      g_autofree char *start = g_utf8_substring (text, 0, 15);

      return g_strconcat (start, "…", NULL);
    }
  return g_strdup (text);
}

static gboolean
is_visit_column (StImportColumn column)
{
  return column == ST_IMPORT_COLUMN_EMPLOYMENT || column == ST_IMPORT_COLUMN_HEALTH
         || column == ST_IMPORT_COLUMN_LIVES || column == ST_IMPORT_COLUMN_AWAY_PLACE
         || column == ST_IMPORT_COLUMN_REACHED;
}

/* The first visit a preview row makes with the columns as chosen, in words,
 * as the import will make it (st-visit-roster.c); "" when none. */
static char *
row_visit_text (StImportWindow *self,
                char          **row)
{
  g_autoptr(StVisit) visit = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *base = g_path_get_basename (self->preview->path);
  StVisitRosterCells cells = { NULL, };

  for (guint c = 0; c < self->preview->n_columns; c++)
    switch ((int) self->columns[c])
      {
      case ST_IMPORT_COLUMN_EMPLOYMENT: cells.employment = row[c]; break;
      case ST_IMPORT_COLUMN_HEALTH: cells.health = row[c]; break;
      case ST_IMPORT_COLUMN_LIVES: cells.lives = row[c]; break;
      case ST_IMPORT_COLUMN_AWAY_PLACE: cells.away_place = row[c]; break;
      case ST_IMPORT_COLUMN_REACHED: cells.reached = row[c]; break;
      default: break;
      }
  visit = st_visit_from_roster (&cells, today, base, NULL);
  return visit != NULL ? st_visit_summary (visit) : g_strdup ("");
}

/* After the roster's columns, one more: the first visit each row makes,
 * shown before anything is written. */
static void
fill_visit_column (StImportWindow *self)
{
  gboolean any = FALSE;
  GtkWidget *label;

  g_ptr_array_set_size (self->visit_cells, 0);
  for (guint c = 0; c < self->preview->n_columns; c++)
    any |= is_visit_column (self->columns[c]);
  gtk_widget_set_visible (GTK_WIDGET (self->visits_group), any);
  if (!any)
    return;

  label = gtk_label_new (_("First visit (from the roster)"));
  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_grid_attach (self->preview_grid, label, self->preview->n_columns, 0, 1, 1);
  for (guint r = 0; r < self->preview->rows->len; r++)
    {
      g_autofree char *text = row_visit_text (self, g_ptr_array_index (self->preview->rows, r));
      GtkWidget *cell = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (cell), 0);
      gtk_grid_attach (self->preview_grid, cell, self->preview->n_columns, r + 1, 1, 1);
      g_ptr_array_add (self->visit_cells, cell);
    }
}

static void
fill_grid (StImportWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->preview_grid))) != NULL)
    gtk_grid_remove (self->preview_grid, child);

  for (guint c = 0; c < self->preview->n_columns; c++)
    {
      const char *head = self->preview->header[c];
      g_autofree char *fallback = g_strdup_printf (_("Column %u"), c + 1);
      GtkWidget *label = gtk_label_new (*head ? head : fallback);

      gtk_widget_add_css_class (label, "heading");
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_grid_attach (self->preview_grid, label, c, 0, 1, 1);

      for (guint r = 0; r < self->preview->rows->len; r++)
        {
          char **row = g_ptr_array_index (self->preview->rows, r);
          g_autofree char *shown = cell_text (self->columns[c], row[c]);
          GtkWidget *cell = gtk_label_new (shown);

          gtk_label_set_xalign (GTK_LABEL (cell), 0);
          gtk_grid_attach (self->preview_grid, cell, c, r + 1, 1, 1);
        }
    }
  fill_visit_column (self);
}

/* The first value of a column, under its name. */
static void
show_example (StImportWindow *self,
              guint           c)
{
  const char *example = "";
  g_autofree char *shown = NULL;

  for (guint r = 0; r < self->preview->rows->len && *example == '\0'; r++)
    example = ((char **) g_ptr_array_index (self->preview->rows, r))[c];
  shown = cell_text (self->columns[c], example);
  adw_action_row_set_subtitle (g_ptr_array_index (self->column_rows, c), shown);
}

static void
update_import_enabled (StImportWindow *self)
{
  gboolean usable = st_roster_mapping_is_usable (self->columns, self->preview->n_columns);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.start", usable);
  adw_preferences_group_set_description (self->columns_group,
                                         usable
                                         ? _("What each column of the roster holds. Change it where it is wrong.")
                                         : _("Choose the columns that hold the name and the ID number: without them nothing can be imported."));
}

static void
on_column_changed (StImportWindow *self,
                   GParamSpec     *pspec,
                   AdwComboRow    *row)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "column"));
  guint choice = adw_combo_row_get_selected (row);
  StImportColumn column = column_of_choice (choice);

  if (self->updating_columns)
    return;
  self->updating_columns = TRUE;
  self->columns[index] = column;
  /* One column per kind: the one chosen last wins. */
  if (column != ST_IMPORT_COLUMN_UNKNOWN)
    for (guint i = 0; i < self->preview->n_columns; i++)
      if (i != index && self->columns[i] == column)
        {
          self->columns[i] = ST_IMPORT_COLUMN_UNKNOWN;
          adw_combo_row_set_selected (g_ptr_array_index (self->column_rows, i), 0);
        }
  self->updating_columns = FALSE;
  for (guint i = 0; i < self->preview->n_columns; i++)
    show_example (self, i);
  fill_grid (self);
  update_import_enabled (self);
}

static void
fill_preview (StImportWindow *self)
{
  StRosterPreview *preview = self->preview;
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) townships = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) list = st_divisions_townships (self->divisions);
  g_autofree char *base = g_path_get_basename (preview->path);
  g_autofree char *rows = g_strdup_printf ("%u", preview->n_data_rows);

  adw_window_title_set_subtitle (self->preview_title, base);
  adw_action_row_set_subtitle (self->file_row, preview->path);
  gtk_label_set_text (self->encoding_label, encoding_display (preview->encoding));
  gtk_label_set_text (self->rows_label, rows);

  gtk_string_list_append (townships, _("None"));
  for (guint i = 0; i < list->len; i++)
    {
      const StDivision *t = g_ptr_array_index (list, i);

      gtk_string_list_append (townships, t->name);
      g_ptr_array_add (self->township_codes, g_strdup (t->code));
    }
  adw_combo_row_set_model (self->township_row, G_LIST_MODEL (townships));

  gtk_string_list_append (choices, _("Not imported"));
  for (guint i = 1; i < N_COLUMN_CHOICES; i++)
    gtk_string_list_append (choices, st_import_column_label (column_of_choice (i)));

  self->columns = g_new0 (StImportColumn, preview->n_columns);
  for (guint c = 0; c < preview->n_columns; c++)
    {
      AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
      g_autofree char *fallback = g_strdup_printf (_("Column %u"), c + 1);

      self->columns[c] = preview->columns[c] == ST_IMPORT_COLUMN_IGNORED ? ST_IMPORT_COLUMN_UNKNOWN : preview->columns[c];

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), *preview->header[c] ? preview->header[c] : fallback);
      adw_combo_row_set_model (row, G_LIST_MODEL (choices));
      adw_combo_row_set_selected (row, choice_of (self->columns[c]));
      g_object_set_data (G_OBJECT (row), "column", GUINT_TO_POINTER (c));
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_column_changed), self, G_CONNECT_SWAPPED);
      adw_preferences_group_add (self->columns_group, GTK_WIDGET (row));
      g_ptr_array_add (self->column_rows, row);
      show_example (self, c);
    }

  fill_grid (self);
  update_import_enabled (self);
  if (!preview->header_found)
    toast (self, preview->headerless
                 ? _("The roster has no header row: choose what each column holds.")
                 : _("No header row was recognised: choose what each column holds."));
}

static void
on_import_progress (double   fraction,
                    gpointer user_data)
{
  ImportJob *job = user_data;

  /* The rows are nine tenths of the work, the search index the rest. */
  g_atomic_int_set (&job->permille, (int) (fraction * 900));
}

static void
on_search_progress (double   fraction,
                    gpointer user_data)
{
  ImportJob *job = user_data;

  g_atomic_int_set (&job->permille, 900 + (int) (fraction * 100));
}

static void
import_thread_run (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ImportJob *job = task_data;
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  StImportOptions options = { FALSE, job->default_township, NULL };
  StImportResult *result;

  db = st_db_open (job->db_path, &error);
  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  result = st_import_roster (db, job->roster_path, &options, cancellable, on_import_progress, job, &error);
  if (result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The rows are committed: from here on Cancel has nothing to undo (the
   * window stops offering it), and the index is brought up to date
   * whatever happens. */
  g_atomic_int_set (&job->committed, 1);
  if (st_participant_search_refresh (db, NULL, on_search_progress, job, &error) < 0)
    g_warning ("Could not update the search index: %s", error->message);
  g_task_return_pointer (task, result, (GDestroyNotify) st_import_result_free);
}

static gboolean
poll_progress (gpointer user_data)
{
  StImportWindow *self = user_data;

  if (self->job != NULL)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, g_atomic_int_get (&self->job->permille) / 1000.0);
      if (g_atomic_int_get (&self->job->committed))
        gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.cancel", FALSE);
    }
  return G_SOURCE_CONTINUE;
}

static void
set_count (GtkLabel     *label,
           AdwActionRow *row,
           guint         n)
{
  g_autofree char *text = g_strdup_printf ("%u", n);

  gtk_label_set_text (label, text);
  if (row != NULL)
    gtk_widget_set_sensitive (GTK_WIDGET (row), n > 0);
}

static void
show_summary (StImportWindow *self)
{
  StImportResult *r = self->result;
  g_autofree char *unchanged = g_strdup_printf (ngettext ("%u of them already up to date",
                                                          "%u of them already up to date", r->unchanged),
                                                r->unchanged);
  guint open_conflicts = r->conflicts->len - MIN (self->conflict, r->conflicts->len);

  set_count (self->imported_label, NULL, r->imported);
  set_count (self->updated_label, NULL, r->updated);
  adw_action_row_set_subtitle (self->updated_row, r->unchanged ? unchanged : "");
  set_count (self->rejected_label, self->rejected_row, r->rejected);
  set_count (self->warnings_label, self->warnings_row, r->warnings->len);
  set_count (self->repeats_label, self->repeats_row, r->repeats->len);
  set_count (self->conflicts_label, self->conflicts_row, open_conflicts);
  set_count (self->visits_label, self->visits_row, r->visits->len);
  gtk_widget_set_visible (GTK_WIDGET (self->visits_row), r->visits->len > 0);
  if (r->conflicts->len > 0 && open_conflicts == 0)
    {
      g_autofree char *done = g_strdup_printf (ngettext ("%u conflict resolved", "%u conflicts resolved",
                                                         r->conflicts->len), r->conflicts->len);
      adw_action_row_set_subtitle (self->conflicts_row, done);
    }
  else
    adw_action_row_set_subtitle (self->conflicts_row, r->conflicts->len
                                 ? _("The database and the roster disagree: choose which is right")
                                 : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.save-rejects", r->rejected > 0);

  if (r->unknown_columns->len > 0)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < r->unknown_columns->len; i++)
        {
          const char *name = g_ptr_array_index (r->unknown_columns, i);

          /* Columns the person set aside carry a # (st-roster.c). */
          if (name[0] == '#')
            name++;
          g_string_append_printf (names, "%s%s", i ? _(", ") : "", name);
        }
      adw_action_row_set_subtitle (self->ignored_row, names->str);
      gtk_widget_set_visible (GTK_WIDGET (self->ignored_row), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->ignored_row), FALSE);

  adw_window_title_set_subtitle (self->summary_title, adw_window_title_get_subtitle (self->preview_title));
  gtk_stack_set_visible_child_name (self->stack, "summary");
}

static void
import_done (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  StImportWindow *self = ST_IMPORT_WINDOW (source);
  g_autoptr(GError) error = NULL;
  StImportResult *result = g_task_propagate_pointer (G_TASK (res), &error);

  g_clear_handle_id (&self->progress_source, g_source_remove);
  if (self->import_path != NULL)
    st_roster_delete_copy (self->preview, self->import_path);
  g_clear_pointer (&self->import_path, g_free);
  g_clear_object (&self->cancellable);
  self->job = NULL;

  /* Closed while importing: the import was cancelled, or it finished and
   * the participants list learns of it at the next reload. */
  if (self->stack == NULL)
    {
      if (result != NULL)
        {
          g_signal_emit (self, signals[SIGNAL_IMPORTED], 0, result->imported, result->updated);
          st_import_result_free (result);
        }
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.cancel", FALSE);

  if (result == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "preview");
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          || g_error_matches (error, ST_IMPORT_ERROR, ST_IMPORT_ERROR_CANCELLED))
        toast (self, _("Import cancelled. Nothing was written."));
      else
        toast (self, error->message);
      return;
    }

  self->result = result;
  self->conflict = 0;
  show_summary (self);
  g_signal_emit (self, signals[SIGNAL_IMPORTED], 0, result->imported, result->updated);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StImportWindow *self = ST_IMPORT_WINDOW (widget);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  guint township = adw_combo_row_get_selected (self->township_row);
  ImportJob *job;

  if (self->cancellable != NULL || self->result != NULL)
    return;
  self->import_path = st_roster_apply_mapping (self->preview, self->columns, &error);
  if (self->import_path == NULL)
    {
      toast (self, error->message);
      return;
    }

  job = g_new0 (ImportJob, 1);
  job->db_path = g_strdup (st_db_get_path (self->db));
  job->roster_path = g_strdup (self->import_path);
  if (township != GTK_INVALID_LIST_POSITION && township > 0 && township <= self->township_codes->len)
    job->default_township = g_strdup (g_ptr_array_index (self->township_codes, township - 1));
  self->job = job;

  self->cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_action_set_enabled (widget, "import.cancel", TRUE);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  self->progress_source = g_timeout_add (100, poll_progress, self);

  task = g_task_new (self, self->cancellable, import_done, NULL);
  g_task_set_source_tag (task, start_action);
  /* What the import did, as it returns it: a Cancel too late to stop the
   * rows being written must not be told as "nothing was written". */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, (GDestroyNotify) import_job_free);
  g_task_run_in_thread (task, import_thread_run);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StImportWindow *self = ST_IMPORT_WINDOW (widget);

  g_cancellable_cancel (self->cancellable);
}

static char *
reject_line (StImportResult *r,
             StImportReject *reject)
{
  const char *name = NULL;

  for (guint i = 0; r->header && r->header[i] && reject->fields[i]; i++)
    if (r->columns[i] == ST_IMPORT_COLUMN_NAME)
      name = reject->fields[i];
  if (name != NULL && *name)
    /* Translators: "Row 5, 王秀英: the reason" */
    return g_strdup_printf (_("Row %u, %s: %s"), reject->line, name, reject->reason);
  /* Translators: "Row 5: the reason" */
  return g_strdup_printf (_("Row %u: %s"), reject->line, reject->reason);
}

static void
show_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StImportWindow *self = ST_IMPORT_WINDOW (widget);
  const char *which = g_variant_get_string (parameter, NULL);
  g_autoptr(GtkStringList) lines = gtk_string_list_new (NULL);
  g_autoptr(GtkNoSelection) selection = NULL;
  StImportResult *r = self->result;
  GPtrArray *notes = NULL;

  if (r == NULL)
    return;
  if (g_str_equal (which, "rejects"))
    {
      adw_window_title_set_title (self->list_title, _("Rejected Rows"));
      for (guint i = 0; i < r->rejects->len; i++)
        {
          g_autofree char *line = reject_line (r, g_ptr_array_index (r->rejects, i));
          gtk_string_list_append (lines, line);
        }
    }
  else if (g_str_equal (which, "warnings"))
    {
      adw_window_title_set_title (self->list_title, _("Warnings"));
      notes = r->warnings;
    }
  else if (g_str_equal (which, "visits"))
    {
      adw_window_title_set_title (self->list_title, _("First Visits from the Roster"));
      notes = r->visits;
    }
  else
    {
      adw_window_title_set_title (self->list_title, _("Repeated in the File"));
      notes = r->repeats;
    }
  for (guint i = 0; notes && i < notes->len; i++)
    {
      StImportNote *note = g_ptr_array_index (notes, i);
      g_autofree char *line = g_strdup_printf (_("Row %u, %s: %s"), note->line, note->name ? note->name : "", note->message);

      gtk_string_list_append (lines, line);
    }
  adw_window_title_set_subtitle (self->list_title,
                                 adw_window_title_get_subtitle (self->preview_title));
  g_set_object (&self->list, G_LIST_MODEL (lines));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (lines)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StImportWindow *self = ST_IMPORT_WINDOW (widget);

  show_summary (self);
}

/* The conflicts of one person are next to each other: the end of the
 * person's run that starts at @start. */
static guint
conflict_run_end (StImportResult *r,
                  guint           start)
{
  StImportConflict *first = g_ptr_array_index (r->conflicts, start);
  guint end = start + 1;

  while (end < r->conflicts->len
         && g_strcmp0 (((StImportConflict *) g_ptr_array_index (r->conflicts, end))->participant_id,
                       first->participant_id) == 0)
    end++;
  return end;
}

/* How many people the conflicts concern, and which of them starts at @start. */
static guint
conflict_people (StImportResult *r,
                 guint           start,
                 guint          *position)
{
  guint n = 0;

  for (guint i = 0; i < r->conflicts->len; i = conflict_run_end (r, i))
    {
      if (i == start && position != NULL)
        *position = n;
      n++;
    }
  return n;
}

static void
show_conflict (StImportWindow *self)
{
  StImportResult *r = self->result;
  StImportConflict *c;
  GtkWidget *child;
  g_autofree char *title = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *description = NULL;
  guint position = 0, people, end;

  if (self->conflict >= r->conflicts->len)
    {
      show_summary (self);
      return;
    }
  c = g_ptr_array_index (r->conflicts, self->conflict);
  people = conflict_people (r, self->conflict, &position);
  end = conflict_run_end (r, self->conflict);
  title = g_strdup_printf (_("Conflict %u of %u"), position + 1, people);
  masked = st_idcard_mask (c->id_number);
  /* Translators: "522327********002X, row 9 of the roster" */
  description = g_strdup_printf (_("%s, row %u of the roster"), masked, c->line);

  adw_window_title_set_title (self->conflict_title, title);
  adw_window_title_set_subtitle (self->conflict_title,
                                 _("Choose the right value of each field"));
  adw_preferences_group_set_title (self->conflict_group, c->name);
  adw_preferences_group_set_description (self->conflict_group, description);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->conflict_list))) != NULL)
    gtk_list_box_remove (self->conflict_list, child);
  g_ptr_array_set_size (self->conflict_rows, 0);
  for (guint i = self->conflict; i < end; i++)
    {
      StImportConflict *f = g_ptr_array_index (r->conflicts, i);
      g_autofree char *stored = st_display_field_value (self->divisions, f->field, f->stored);
      g_autofree char *offered = st_display_field_value (self->divisions, f->field, f->offered);
      GtkWidget *row = st_import_conflict_row_new (f->label, stored, offered);

      gtk_list_box_append (self->conflict_list, row);
      g_ptr_array_add (self->conflict_rows, row);
    }
  gtk_stack_set_visible_child_name (self->stack, "conflict");
  gtk_widget_grab_focus (GTK_WIDGET (st_import_conflict_row_get_choice (g_ptr_array_index (self->conflict_rows, 0),
                                                                        FALSE)));
}

static void
resolve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  StImportWindow *self = ST_IMPORT_WINDOW (widget);

  if (self->result != NULL && self->result->conflicts->len > 0)
    {
      /* All resolved: nothing left to show. */
      if (self->conflict >= self->result->conflicts->len)
        return;
      show_conflict (self);
    }
}

/* Writes the roster's values the person chose for the one shown and goes
 * to the next. */
static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StImportWindow *self = ST_IMPORT_WINDOW (widget);
  StImportResult *r = self->result;
  StImportConflict *c;
  g_autoptr(StParticipant) p = NULL;
  g_autoptr(GError) error = NULL;
  const StParticipantField *fields;
  gboolean changed = FALSE;
  guint n;

  if (r == NULL || self->conflict >= r->conflicts->len)
    return;
  c = g_ptr_array_index (r->conflicts, self->conflict);
  p = st_participant_load (self->db, c->participant_id, &error);
  if (p == NULL)
    {
      toast (self, error->message);
      return;
    }
  fields = st_participant_fields (&n);
  for (guint k = 0; k < self->conflict_rows->len; k++)
    {
      StImportConflict *f = g_ptr_array_index (r->conflicts, self->conflict + k);

      if (!st_import_conflict_row_takes_roster (g_ptr_array_index (self->conflict_rows, k)))
        continue;
      for (guint i = 0; i < n; i++)
        if (g_str_equal (fields[i].column, f->field))
          st_participant_field_set (p, &fields[i], f->offered);
      /* A village code chosen replaces the name kept as written. */
      if (g_str_equal (f->field, "village_code"))
        g_clear_pointer (&p->village_name, g_free);
      changed = TRUE;
    }
  if (changed)
    {
      if (!st_participant_update (self->db, p, &error))
        {
          toast (self, error->message);
          return;
        }
      if (!st_participant_search_refresh_one (self->db, p->id, &error))
        g_warning ("Could not update the search index: %s", error->message);
      g_signal_emit (self, signals[SIGNAL_PARTICIPANT_CHANGED], 0, p->id);
      self->resolved++;
    }
  self->conflict += self->conflict_rows->len;
  show_conflict (self);
}

static void
on_rejects_chosen (GtkNativeDialog *chooser,
                   int              response,
                   gpointer         user_data)
{
  StImportWindow *self = ST_IMPORT_WINDOW (user_data);
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file ? g_file_get_path (file) : NULL;
    }
  g_object_unref (chooser);
  if (path == NULL)
    {
      g_object_unref (self);
      return;
    }
  if (st_import_result_write_rejects (self->result, path, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Rejected rows saved to %s. Correct them there and import that file."),
                                                  path);
      toast (self, message);
    }
  else
    toast (self, error->message);
  g_object_unref (self);
}

static void
save_rejects_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  StImportWindow *self = ST_IMPORT_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  char *dot;

  if (self->result == NULL)
    return;
  base = g_path_get_basename (self->preview->path);
  if ((dot = strrchr (base, '.')) != NULL)
    *dot = '\0';
  /* Translators: the name offered for the rejected rows of 名册.csv */
  name = g_strdup_printf (_("%s-rejected.csv"), base);

  chooser = gtk_file_chooser_native_new (_("Save Rejected Rows"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_rejects_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
st_import_window_close_request (GtkWindow *window)
{
  StImportWindow *self = ST_IMPORT_WINDOW (window);

  /* Closing while importing cancels: nothing is written. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (st_import_window_parent_class)->close_request (window);
}

static void
st_import_window_dispose (GObject *object)
{
  StImportWindow *self = ST_IMPORT_WINDOW (object);

  g_clear_handle_id (&self->progress_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_IMPORT_WINDOW);

  G_OBJECT_CLASS (st_import_window_parent_class)->dispose (object);
}

static void
st_import_window_finalize (GObject *object)
{
  StImportWindow *self = ST_IMPORT_WINDOW (object);

  g_clear_object (&self->db);
  g_clear_pointer (&self->divisions, st_divisions_unref);
  g_clear_pointer (&self->preview, st_roster_preview_free);
  g_clear_pointer (&self->column_rows, g_ptr_array_unref);
  g_clear_pointer (&self->visit_cells, g_ptr_array_unref);
  g_clear_pointer (&self->township_codes, g_ptr_array_unref);
  g_clear_pointer (&self->conflict_rows, g_ptr_array_unref);
  g_clear_pointer (&self->result, st_import_result_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->list);
  g_free (self->columns);
  g_free (self->import_path);
  g_free (self->message);

  G_OBJECT_CLASS (st_import_window_parent_class)->finalize (object);
}

static void
st_import_window_class_init (StImportWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = st_import_window_dispose;
  object_class->finalize = st_import_window_finalize;
  window_class->close_request = st_import_window_close_request;

  signals[SIGNAL_IMPORTED] =
    g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_PARTICIPANT_CHANGED] =
    g_signal_new ("participant-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-import-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, preview_title);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, file_row);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, encoding_label);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, rows_label);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, township_row);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, columns_group);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, visits_group);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, preview_grid);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, summary_title);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, imported_label);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, updated_label);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, updated_row);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, rejected_label);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, rejected_row);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, warnings_label);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, warnings_row);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, repeats_label);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, repeats_row);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, conflicts_label);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, conflicts_row);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, visits_label);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, visits_row);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, ignored_row);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, list_title);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, conflict_title);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, conflict_group);
  gtk_widget_class_bind_template_child (widget_class, StImportWindow, conflict_list);

  gtk_widget_class_install_action (widget_class, "import.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "import.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "import.show-list", "s", show_list_action);
  gtk_widget_class_install_action (widget_class, "import.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "import.resolve", NULL, resolve_action);
  gtk_widget_class_install_action (widget_class, "import.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "import.save-rejects", NULL, save_rejects_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
st_import_window_init (StImportWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->column_rows = g_ptr_array_new ();
  self->visit_cells = g_ptr_array_new ();
  self->township_codes = g_ptr_array_new_with_free_func (g_free);
  self->conflict_rows = g_ptr_array_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.cancel", FALSE);
}

StImportWindow *
st_import_window_new (GtkWindow    *parent,
                      StDb         *db,
                      StDivisions  *divisions,
                      const char   *path,
                      GError      **error)
{
  g_autoptr(StRosterPreview) preview = st_roster_preview_new (path, PREVIEW_ROWS, error);
  StImportWindow *self;

  if (preview == NULL)
    return NULL;
  self = g_object_new (ST_TYPE_IMPORT_WINDOW, "transient-for", parent, NULL);
  self->db = g_object_ref (db);
  self->divisions = st_divisions_ref (divisions);
  self->preview = g_steal_pointer (&preview);
  fill_preview (self);
  return self;
}

const char *
st_import_window_get_page (StImportWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
st_import_window_get_encoding (StImportWindow *self)
{
  return gtk_label_get_text (self->encoding_label);
}

const char *
st_import_window_get_count (StImportWindow *self,
                            const char     *which)
{
  GtkLabel *label = NULL;

  if (g_str_equal (which, "imported"))
    label = self->imported_label;
  else if (g_str_equal (which, "updated"))
    label = self->updated_label;
  else if (g_str_equal (which, "rejected"))
    label = self->rejected_label;
  else if (g_str_equal (which, "warnings"))
    label = self->warnings_label;
  else if (g_str_equal (which, "repeats"))
    label = self->repeats_label;
  else if (g_str_equal (which, "conflicts"))
    label = self->conflicts_label;
  else if (g_str_equal (which, "visits"))
    label = self->visits_label;
  g_return_val_if_fail (label != NULL, NULL);
  return gtk_label_get_text (label);
}

AdwComboRow *
st_import_window_get_column_row (StImportWindow *self,
                                 guint           column)
{
  g_return_val_if_fail (column < self->column_rows->len, NULL);
  return g_ptr_array_index (self->column_rows, column);
}

GListModel *
st_import_window_get_list (StImportWindow *self)
{
  return self->list;
}

const char *
st_import_window_get_message (StImportWindow *self)
{
  return self->message;
}

GtkWidget *
st_import_window_get_summary_row (StImportWindow *self,
                                  const char     *which)
{
  AdwActionRow *row = NULL;

  if (g_str_equal (which, "rejected"))
    row = self->rejected_row;
  else if (g_str_equal (which, "warnings"))
    row = self->warnings_row;
  else if (g_str_equal (which, "repeats"))
    row = self->repeats_row;
  else if (g_str_equal (which, "conflicts"))
    row = self->conflicts_row;
  else if (g_str_equal (which, "visits"))
    row = self->visits_row;
  g_return_val_if_fail (row != NULL, NULL);
  return GTK_WIDGET (row);
}

guint
st_import_window_get_n_conflict_fields (StImportWindow *self)
{
  return self->conflict_rows->len;
}

GtkWidget *
st_import_window_get_conflict_field (StImportWindow *self,
                                     guint           i)
{
  g_return_val_if_fail (i < self->conflict_rows->len, NULL);
  return g_ptr_array_index (self->conflict_rows, i);
}

const char *
st_import_window_get_conflict_title (StImportWindow *self)
{
  return adw_window_title_get_title (self->conflict_title);
}

const char *
st_import_window_get_preview_visit (StImportWindow *self,
                                    guint           row)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->visits_group)) || row >= self->visit_cells->len)
    return NULL;
  return gtk_label_get_text (g_ptr_array_index (self->visit_cells, row));
}
