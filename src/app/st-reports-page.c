/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "st-class-util.h"
#include "st-display.h"
#include "st-date.h"
#include "st-outreach.h"
#include "st-records.h"
#include "st-report-print.h"
#include "st-application.h"
#include "st-reports-page-private.h"
#include "st-page-kit.h"

struct _StReportsPage
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  GtkDropDown    *quarter_dropdown;
  GtkDropDown    *township_dropdown;
  GtkSpinner     *spinner;
  GtkStack       *content_stack;
  GtkLabel       *title_label;
  GtkLabel       *period_label;
  GtkLabel       *summary_label;
  GtkDrawingArea *chart;
  GtkColumnView  *townships_view;
  GtkColumnView  *targets_view;
  GtkLabel       *notes_label;
  AdwStatusPage  *error_page;

  StPageData      data;             /* db, divisions, role, cancellable */
  GPtrArray      *quarters;         /* dropdown position → "2025Q3" */
  GPtrArray      *township_codes;   /* dropdown position → code, NULL = county */
  GListStore     *townships;
  GListStore     *targets;
  StReport       *report;
  GPtrArray      *retired;      /* reports replaced while a print dialog still draws them */
  guint           printing;     /* print dialogs open */
  GArray         *bars;             /* StChartBar */
  char           *last_message;
};

G_DEFINE_FINAL_TYPE (StReportsPage, st_reports_page, GTK_TYPE_WIDGET)

static void
show_message (StReportsPage *self,
              const char    *message)
{
  st_page_kit_show_message (GTK_WIDGET (self), &self->last_message, message);
}

static gint64
member_total (JsonObject *o,
              const char *name)
{
  JsonObject *by_mode = o && json_object_has_member (o, name) ? json_object_get_object_member (o, name) : NULL;

  return st_json_member_int (by_mode, "total");
}

static char *
count_text (gint64 n)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, n);
}

/* Hours as every page writes them (st_class_format_hours ()): "121",
 * "7.5", "0.75" — never "113.0". */
static char *
hours_text (gint64 minutes)
{
  return st_class_format_hours (minutes);
}

static GStrv
figures_row (const char *name,
             JsonObject *f)
{
  GStrv cells = g_new0 (char *, ST_REPORT_N_COLUMNS + 1);

  cells[ST_REPORT_COLUMN_TOWNSHIP] = g_strdup (name);
  cells[ST_REPORT_COLUMN_NEW_ENROLMENTS] = count_text (st_json_member_int (f, "new_enrolments"));
  cells[ST_REPORT_COLUMN_CUMULATIVE] = count_text (st_json_member_int (f, "cumulative_participants"));
  cells[ST_REPORT_COLUMN_IN_STUDY] = count_text (st_json_member_int (f, "in_study"));
  cells[ST_REPORT_COLUMN_GRADUATED] = count_text (st_json_member_int (f, "graduated"));
  cells[ST_REPORT_COLUMN_COMPLETED] = count_text (st_json_member_int (f, "completed"));
  cells[ST_REPORT_COLUMN_WITHDRAWN] = count_text (st_json_member_int (f, "withdrawn"));
  cells[ST_REPORT_COLUMN_SESSIONS] = count_text (member_total (f, "sessions"));
  cells[ST_REPORT_COLUMN_SESSION_HOURS] = hours_text (member_total (f, "session_minutes"));
  cells[ST_REPORT_COLUMN_FINISHED] = count_text (st_json_member_int (f, "finished_cumulative"));
  return cells;
}

static void
show_report (StReportsPage *self,
             JsonNode      *root)
{
  JsonObject *o = json_node_get_object (root);
  JsonObject *total = json_object_get_object_member (o, "total");
  JsonArray *townships = json_object_get_array_member (o, "townships");
  JsonArray *targets = json_object_get_array_member (o, "targets");
  JsonArray *progress = json_object_get_array_member (o, "progress");
  JsonArray *notes = json_object_get_array_member (o, "notes");
  JsonObject *scope = json_object_get_object_member (o, "scope");
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *period = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *funding = NULL;

  gtk_label_set_text (self->title_label, json_object_get_string_member (o, "title"));
  /* Translators: "2025年第三季度 (2025-07-01 – 2025-09-30), 册亨县" */
  period = g_strdup_printf (_("%s (%s – %s), %s"), json_object_get_string_member (o, "quarter_label"),
                            json_object_get_string_member (o, "first_day"), json_object_get_string_member (o, "last_day"),
                            json_object_get_string_member (scope, "name"));
  gtk_label_set_text (self->period_label, period);
  funding = count_text (st_json_member_int (total, "funding_cumulative_yuan"));
  {
    int so_far = (int) st_json_member_int (total, "cumulative_participants");
    int added = (int) st_json_member_int (total, "new_enrolments");
    int finished = (int) st_json_member_int (total, "finished_cumulative");
    /* Translators: the report's summary line, first part */
    g_autofree char *a = g_strdup_printf (ngettext ("%d participant so far", "%d participants so far", so_far), so_far);
    /* Translators: the report's summary line, second part */
    g_autofree char *b = g_strdup_printf (ngettext ("%d new enrolment this quarter", "%d new enrolments this quarter",
                                                    added), added);
    /* Translators: the report's summary line, third part */
    g_autofree char *c = g_strdup_printf (ngettext ("%d finished training (funding: %s yuan)",
                                                    "%d finished training (funding: %s yuan)", finished),
                                          finished, funding);

    /* Translators: the report's summary line: "<so far>, <new>; <finished>." */
    summary = g_strdup_printf (_("%s, %s; %s."), a, b, c);
  }
  gtk_label_set_text (self->summary_label, summary);

  g_list_store_remove_all (self->townships);
  for (guint i = 0; i < json_array_get_length (townships); i++)
    {
      JsonObject *t = json_array_get_object_element (townships, i);
      g_autoptr(StTableRow) row = st_table_row_new (figures_row (json_object_get_string_member (t, "name"),
                                                                 json_object_get_object_member (t, "figures")),
                                                    FALSE);

      g_list_store_append (self->townships, row);
    }
  {
    g_autoptr(StTableRow) row = st_table_row_new (figures_row (_("Total"), total), TRUE);

    g_list_store_append (self->townships, row);
  }

  g_list_store_remove_all (self->targets);
  for (guint i = 0; i < json_array_get_length (targets); i++)
    {
      JsonObject *t = json_array_get_object_element (targets, i);
      GStrv cells = g_new0 (char *, 5);
      g_autoptr(StTableRow) row = NULL;

      cells[0] = g_strdup (json_object_get_string_member (t, "date"));
      cells[1] = count_text (st_json_member_int (t, "participants"));
      cells[2] = count_text (st_json_member_int (t, "cumulative_participants"));
      cells[3] = g_strdup_printf ("%.1f%%", json_object_get_double_member (t, "percent"));
      row = st_table_row_new (cells, FALSE);
      g_list_store_append (self->targets, row);
    }

  st_chart_bars_set_progress (self->bars, progress, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));

  for (guint i = 0; i < json_array_get_length (notes); i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, json_array_get_string_element (notes, i));
    }
  gtk_label_set_text (self->notes_label, text->str);
  gtk_stack_set_visible_child_name (self->content_stack, "report");
}

/* Counting in the background */

typedef struct
{
  char      *path;
  StQuarter  quarter;
  char      *township;
  char      *language;
} Job;

typedef struct
{
  StReport *report;
  JsonNode *json;
} Result;

static void
job_free (Job *job)
{
  g_free (job->path);
  g_free (job->township);
  g_free (job);
}

static void
result_free (Result *result)
{
  g_clear_pointer (&result->report, st_report_free);
  g_clear_pointer (&result->json, json_node_unref);
  g_free (result);
}

static void
report_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(StDb) db = st_db_open (job->path, NULL);
  g_autoptr(GError) error = NULL;
  Result *result;
  StReport *report;

  if (db == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, _("The database could not be opened."));
      return;
    }
  report = st_report_quarterly (db, &job->quarter, job->township, &error);
  if (report == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  result = g_new0 (Result, 1);
  result->report = report;
  result->json = st_report_to_json (report);
  g_clear_object (&db);
  st_application_give_back_memory ();
  g_task_return_pointer (task, result, (GDestroyNotify) result_free);
}

static void
report_done (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  StReportsPage *self = ST_REPORTS_PAGE (source);
  Result *result = st_page_data_end_read (&self->data, res, (GDestroyNotify) result_free, self->spinner,
                                          self->error_page, self->content_stack);

  if (result == NULL)
    return;
  if (self->printing > 0 && self->report != NULL)
    g_ptr_array_add (self->retired, g_steal_pointer (&self->report));
  g_clear_pointer (&self->report, st_report_free);
  self->report = g_steal_pointer (&result->report);
  show_report (self, result->json);
  result_free (result);
}

void
st_reports_page_reload (StReportsPage *self)
{
  g_autoptr(GTask) task = NULL;
  const char *code = st_page_kit_selected (self->quarter_dropdown, self->quarters);
  GCancellable *cancellable;
  Job *job;

  g_return_if_fail (ST_IS_REPORTS_PAGE (self));
  if (self->data.db == NULL || code == NULL)
    return;

  job = g_new0 (Job, 1);
  job->path = g_strdup (st_db_get_path (self->data.db));
  st_quarter_parse (code, &job->quarter, NULL);
  job->township = g_strdup (st_page_kit_selected (self->township_dropdown, self->township_codes));
  cancellable = st_page_data_begin_read (&self->data, self->spinner, self->content_stack, self->report == NULL);
  task = g_task_new (self, cancellable, report_done, NULL);
  g_task_set_source_tag (task, st_reports_page_reload);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, report_thread);
}

static void
on_selection_changed (StReportsPage *self)
{
  if (self->data.db != NULL && self->data.loaded)
    st_reports_page_reload (self);
}

static void
on_map (StReportsPage *self)
{
  if (!self->data.loaded && self->data.db != NULL)
    st_reports_page_reload (self);
}

gboolean
st_reports_page_set_quarter (StReportsPage *self,
                             const char    *quarter)
{
  for (guint i = 0; i < self->quarters->len; i++)
    if (g_str_equal (g_ptr_array_index (self->quarters, i), quarter))
      {
        gtk_drop_down_set_selected (self->quarter_dropdown, i);
        if (!self->data.loaded)
          st_reports_page_reload (self);
        return TRUE;
      }
  return FALSE;
}

/* Export */

gboolean
st_reports_page_export (StReportsPage  *self,
                        const char     *format,
                        const char     *path,
                        StCsvEncoding   encoding,
                        GError        **error)
{
  g_return_val_if_fail (ST_IS_REPORTS_PAGE (self), FALSE);
  /* The outreach summary is its own figures, counted now (one grouped
   * query), whatever the quarter. */
  if (g_str_has_prefix (format, "outreach-"))
    {
      g_autoptr(GPtrArray) rows = self->data.db ? st_outreach_progress (self->data.db, NULL, error) : NULL;

      if (rows == NULL)
        return FALSE;
      if (g_str_equal (format, "outreach-pdf"))
        return st_outreach_write_pdf (rows, path, error);
      return st_outreach_write_csv (rows, path, encoding, error);
    }
  if (self->report == NULL || self->data.loading)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING, _("The report is still being counted."));
      return FALSE;
    }
  if (g_strcmp0 (format, "pdf") == 0)
    return st_report_write_pdf (self->report, path, error);
  return st_report_write_csv (self->report, path, encoding, error);
}

static void
export_chosen (GtkWidget     *widget,
               const char    *format,
               const char    *path,
               StCsvEncoding  encoding)
{
  StReportsPage *self = ST_REPORTS_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *message = NULL;

  if (st_reports_page_export (self, format, path, encoding, &error))
    message = g_strdup_printf (_("Saved as %s"), base);
  else
    message = g_strdup (error->message);
  show_message (self, message);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StReportsPage *self = ST_REPORTS_PAGE (widget);
  const char *format = g_variant_get_string (parameter, NULL);
  gboolean outreach = g_str_has_prefix (format, "outreach-");
  gboolean pdf = g_str_has_suffix (format, "pdf");
  const char *quarter = st_page_kit_selected (self->quarter_dropdown, self->quarters);
  g_autofree char *name = NULL;

  if (self->report == NULL && !outreach)
    return;
  if (outreach)
    {
      g_autofree char *today = st_date_today ();

      /* Translators: a file name; %s is today's date (2025-03-31), then the extension */
      name = g_strdup_printf (_("outreach-%s.%s"), today, pdf ? "pdf" : "csv");
    }
  else
    /* Translators: a file name; %s is the quarter (2025Q3), then the extension */
    name = g_strdup_printf (_("quarterly-report-%s.%s"), quarter, pdf ? "pdf" : "csv");
  st_page_kit_save_as (widget, &(StPageKitSaveAs) {
    .title = outreach ? (pdf ? _("Export the Outreach as PDF") : _("Export the Outreach as CSV"))
                      : pdf ? _("Export the Report as PDF") : _("Export the Report as CSV"),
    .accept = _("_Export"),
    .file_name = name,
    .pdf = pdf,
    .what = format,
    .save = export_chosen,
  });
}

static void
print_done (gpointer data)
{
  StReportsPage *self = data;

  if (--self->printing == 0)
    g_ptr_array_set_size (self->retired, 0);
  g_object_unref (self);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StReportsPage *self = ST_REPORTS_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->report == NULL)
    return;
  self->printing++;
  if (!st_report_print (GTK_WINDOW (gtk_widget_get_root (widget)), self->report, print_done, g_object_ref (self), &error))
    {
      show_message (self, error->message);
    }
}

gboolean
st_reports_page_print_to_file (StReportsPage  *self,
                               const char     *path,
                               GError        **error)
{
  g_return_val_if_fail (ST_IS_REPORTS_PAGE (self), FALSE);
  if (self->report == NULL || self->data.loading)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING, _("The report is still being counted."));
      return FALSE;
    }
  return st_report_print_export (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->report, path, error);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  st_reports_page_reload (ST_REPORTS_PAGE (widget));
}

/* Pickers */

static void
fill_quarters (StReportsPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int year = g_date_time_get_year (now);
  int quarter = (g_date_time_get_month (now) - 1) / 3 + 1;
  /* From the program's start (annex 6: targets from 2023), or two years
   * back at least. */
  int first_year = MIN (2023, year - 2);

  g_ptr_array_set_size (self->quarters, 0);
  for (int y = year, q = quarter; y > first_year || (y == first_year && q >= 1); )
    {
      /* Translators: "2025 Q3", a quarter in the picker */
      g_autofree char *label = g_strdup_printf (_("%d Q%d"), y, q);

      gtk_string_list_append (names, label);
      g_ptr_array_add (self->quarters, g_strdup_printf ("%dQ%d", y, q));
      if (--q == 0)
        {
          q = 4;
          y--;
        }
    }
  gtk_drop_down_set_model (self->quarter_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->quarter_dropdown, 0);
}

static void
fill_townships (StReportsPage *self)
{
  st_page_kit_fill_townships (self->township_dropdown, self->township_codes, self->data.role, self->data.divisions,
                              _("Whole county"), self);
}

static void
on_role_changed (StReportsPage *self)
{
  g_signal_handlers_block_by_func (self->township_dropdown, on_selection_changed, self);
  fill_townships (self);
  g_signal_handlers_unblock_by_func (self->township_dropdown, on_selection_changed, self);
  if (self->data.loaded)
    st_reports_page_reload (self);
}

static void
st_reports_page_dispose (GObject *object)
{
  StReportsPage *self = ST_REPORTS_PAGE (object);

  st_page_data_dispose (&self->data, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_REPORTS_PAGE);

  G_OBJECT_CLASS (st_reports_page_parent_class)->dispose (object);
}

static void
st_reports_page_finalize (GObject *object)
{
  StReportsPage *self = ST_REPORTS_PAGE (object);

  st_page_data_clear (&self->data);
  g_clear_pointer (&self->quarters, g_ptr_array_unref);
  g_clear_pointer (&self->township_codes, g_ptr_array_unref);
  g_clear_object (&self->townships);
  g_clear_object (&self->targets);
  g_clear_pointer (&self->report, st_report_free);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  g_clear_pointer (&self->bars, g_array_unref);
  g_free (self->last_message);

  G_OBJECT_CLASS (st_reports_page_parent_class)->finalize (object);
}

static void
st_reports_page_class_init (StReportsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_reports_page_dispose;
  object_class->finalize = st_reports_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-reports-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, box);
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, quarter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, township_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, period_label);
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, chart);
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, townships_view);
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, targets_view);
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, notes_label);
  gtk_widget_class_bind_template_child (widget_class, StReportsPage, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed);

  gtk_widget_class_install_action (widget_class, "reports.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "reports.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "reports.print", NULL, print_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "reports.print", NULL);
  /* F5 is the window's Sync Now. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "reports.refresh", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
st_reports_page_init (StReportsPage *self)
{
  g_autoptr(GtkNoSelection) townships = NULL;
  g_autoptr(GtkNoSelection) targets = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->quarters = g_ptr_array_new_with_free_func (g_free);
  self->retired = g_ptr_array_new_with_free_func ((GDestroyNotify) st_report_free);
  self->township_codes = g_ptr_array_new_with_free_func (g_free);
  self->townships = g_list_store_new (ST_TYPE_TABLE_ROW);
  self->targets = g_list_store_new (ST_TYPE_TABLE_ROW);
  self->bars = st_chart_bars_new ();

  townships = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->townships)));
  gtk_column_view_set_model (self->townships_view, GTK_SELECTION_MODEL (townships));
  st_table_add_column (self->townships_view, _("Township"), ST_REPORT_COLUMN_TOWNSHIP, FALSE, TRUE);
  st_table_add_column (self->townships_view, _("New Enrolments"), ST_REPORT_COLUMN_NEW_ENROLMENTS, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Participants So Far"), ST_REPORT_COLUMN_CUMULATIVE, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("In Study"), ST_REPORT_COLUMN_IN_STUDY, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Graduated"), ST_REPORT_COLUMN_GRADUATED, TRUE, FALSE);
  st_table_add_column (self->townships_view, C_("enrolment state", "Completed"), ST_REPORT_COLUMN_COMPLETED, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Withdrawn"), ST_REPORT_COLUMN_WITHDRAWN, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Sessions"), ST_REPORT_COLUMN_SESSIONS, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Session Hours"), ST_REPORT_COLUMN_SESSION_HOURS, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Finished (Funded)"), ST_REPORT_COLUMN_FINISHED, TRUE, FALSE);

  targets = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->targets)));
  gtk_column_view_set_model (self->targets_view, GTK_SELECTION_MODEL (targets));
  st_table_add_column (self->targets_view, _("By"), 0, FALSE, TRUE);
  st_table_add_column (self->targets_view, _("Target"), 1, TRUE, FALSE);
  st_table_add_column (self->targets_view, _("Participants"), 2, TRUE, FALSE);
  st_table_add_column (self->targets_view, _("Reached"), 3, TRUE, FALSE);

  st_chart_area_set_bars (self->chart, self->bars, _("Cumulative participants"), _("Target"));
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

void
st_reports_page_set_db (StReportsPage *self,
                        StDb          *db,
                        StDivisions   *divisions,
                        StRole        *role)
{
  g_return_if_fail (ST_IS_REPORTS_PAGE (self));
  st_page_data_set (&self->data, db, divisions, role, G_CALLBACK (on_role_changed), self);
  g_signal_handlers_block_by_func (self->quarter_dropdown, on_selection_changed, self);
  g_signal_handlers_block_by_func (self->township_dropdown, on_selection_changed, self);
  fill_quarters (self);
  fill_townships (self);
  g_signal_handlers_unblock_by_func (self->quarter_dropdown, on_selection_changed, self);
  g_signal_handlers_unblock_by_func (self->township_dropdown, on_selection_changed, self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    st_reports_page_reload (self);
}

gboolean
st_reports_page_is_loading (StReportsPage *self)
{
  return self->data.loading || !self->data.loaded;
}

GListModel *
st_reports_page_get_townships (StReportsPage *self)
{
  return G_LIST_MODEL (self->townships);
}

GListModel *
st_reports_page_get_targets (StReportsPage *self)
{
  return G_LIST_MODEL (self->targets);
}

GtkLabel *
st_reports_page_get_summary_label (StReportsPage *self)
{
  return self->summary_label;
}

GtkDropDown *
st_reports_page_get_quarter_dropdown (StReportsPage *self)
{
  return self->quarter_dropdown;
}

const char *
st_reports_page_get_last_message (StReportsPage *self)
{
  return self->last_message;
}
