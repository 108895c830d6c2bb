/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "st-application.h"
#include "st-date.h"
#include "st-display.h"
#include "st-eligibility.h"
#include "st-outreach.h"
#include "st-overview.h"
#include "st-overview-outreach.h"
#include "st-overview-page-private.h"
#include "st-page-kit.h"
#include "st-records.h"
#include "st-report.h"


struct _StOverviewPage
{
  GtkWidget       parent_instance;

  GtkStack       *content_stack;
  GtkSpinner     *spinner;
  GtkLabel       *target_label;
  GtkDrawingArea *chart;
  GtkLabel       *near_end_label;
  GtkLabel       *no_session_label;
  GtkLabel       *incomplete_label;
  GtkLabel       *review_label;
  GtkWidget      *review_row;
  GtkColumnView  *townships_view;
  GtkColumnView  *outreach_view;
  GtkDrawingArea *outreach_chart;
  AdwStatusPage  *error_page;

  StPageData      data;             /* db, divisions, role, cancellable */
  GListStore     *townships;
  GListStore     *outreach;
  GArray         *outreach_bars; /* StChartBar */
  GArray         *bars;         /* StChartBar */
  GArray         *incomplete;     /* what the counts count: rowids … */
  GStrv           without_session; /* … and class ids */
};

G_DEFINE_FINAL_TYPE (StOverviewPage, st_overview_page, GTK_TYPE_WIDGET)

typedef struct
{
  gint64 participants;
  gint64 enrolled;
  gint64 in_study;
  gint64 graduated;
  gint64 completed;
  gint64 withdrawn;
  gint64 classes;
  gint64 without_session;
  gint64 near_end;
  gint64 incomplete;
} Row;

typedef struct
{
  JsonNode   *report;
  GPtrArray  *townships;       /* StOverviewTownship */
  GHashTable *near_end;        /* township code → count */
  gint64      review;
  GArray     *incomplete;      /* rowids */
  GStrv       without_session; /* class ids */
  GPtrArray  *outreach;        /* StOutreachRow */
} Result;

static void
result_free (Result *r)
{
  g_clear_pointer (&r->report, json_node_unref);
  g_clear_pointer (&r->townships, g_ptr_array_unref);
  g_clear_pointer (&r->near_end, g_hash_table_unref);
  g_clear_pointer (&r->incomplete, g_array_unref);
  g_clear_pointer (&r->without_session, g_strfreev);
  g_clear_pointer (&r->outreach, g_ptr_array_unref);
  g_free (r);
}

static void
overview_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  g_autoptr(StDb) db = st_db_open (task_data, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StReport) report = NULL;
  g_autoptr(GPtrArray) eligibility = NULL;
  g_autofree char *today = st_date_today ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  StQuarter quarter = { g_date_time_get_year (now), (g_date_time_get_month (now) - 1) / 3 + 1 };
  Result *r;

  if (db == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, _("The database could not be opened."));
      return;
    }
  r = g_new0 (Result, 1);
  report = st_report_quarterly (db, &quarter, NULL, &error);
  if (report == NULL || (r->townships = st_overview_townships (db, today, &error)) == NULL
      || (r->incomplete = st_overview_incomplete (db, &error)) == NULL
      || (r->without_session = st_overview_behind_schedule (db, today, &error)) == NULL
      || (r->outreach = st_outreach_progress (db, NULL, &error)) == NULL)
    {
      result_free (r);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  r->report = st_report_to_json (report);
  r->review = st_overview_review_items (db);
  r->near_end = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  {
    /* Only those whose study length ends within the horizon can be near
     * the end: a few thousand of a county's enrolments, not all of them. */
    g_autofree char *horizon = st_date_add_days (today, ST_OVERVIEW_NEAR_END_DAYS);
    StEligibilityQuery near = { NULL, NULL, NULL, NULL, horizon };

    eligibility = st_eligibility_evaluate_full (db, &near, NULL, NULL, cancellable, &error);
  }
  if (eligibility == NULL)
    {
      result_free (r);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < eligibility->len; i++)
    {
      StEligibility *e = g_ptr_array_index (eligibility, i);

      if (st_overview_near_end_short (e, today, ST_OVERVIEW_NEAR_END_DAYS))
        {
          gpointer n = g_hash_table_lookup (r->near_end, e->township_code);

          g_hash_table_replace (r->near_end, g_strdup (e->township_code), GSIZE_TO_POINTER (GPOINTER_TO_SIZE (n) + 1));
        }
    }
  g_clear_pointer (&eligibility, g_ptr_array_unref);
  g_clear_object (&db);
  st_application_give_back_memory ();
  g_task_return_pointer (task, r, (GDestroyNotify) result_free);
}

static Row *
row_for (GHashTable *rows,
         GPtrArray  *order,
         const char *code)
{
  Row *row = g_hash_table_lookup (rows, code);

  if (row == NULL)
    {
      row = g_new0 (Row, 1);
      g_hash_table_insert (rows, g_strdup (code), row);
      g_ptr_array_add (order, g_strdup (code));
    }
  return row;
}

static GStrv
row_cells (const char *name,
           const Row  *r)
{
  GStrv cells = g_new0 (char *, ST_OVERVIEW_N_COLUMNS + 1);

  cells[ST_OVERVIEW_COLUMN_TOWNSHIP] = g_strdup (name);
  cells[ST_OVERVIEW_COLUMN_PARTICIPANTS] = g_strdup_printf ("%" G_GINT64_FORMAT, r->participants);
  cells[ST_OVERVIEW_COLUMN_ENROLLED] = g_strdup_printf ("%" G_GINT64_FORMAT, r->enrolled);
  cells[ST_OVERVIEW_COLUMN_IN_STUDY] = g_strdup_printf ("%" G_GINT64_FORMAT, r->in_study);
  cells[ST_OVERVIEW_COLUMN_GRADUATED] = g_strdup_printf ("%" G_GINT64_FORMAT, r->graduated);
  cells[ST_OVERVIEW_COLUMN_COMPLETED] = g_strdup_printf ("%" G_GINT64_FORMAT, r->completed);
  cells[ST_OVERVIEW_COLUMN_WITHDRAWN] = g_strdup_printf ("%" G_GINT64_FORMAT, r->withdrawn);
  cells[ST_OVERVIEW_COLUMN_CLASSES] = g_strdup_printf ("%" G_GINT64_FORMAT, r->classes);
  cells[ST_OVERVIEW_COLUMN_NO_SESSION] = g_strdup_printf ("%" G_GINT64_FORMAT, r->without_session);
  cells[ST_OVERVIEW_COLUMN_NEAR_END] = g_strdup_printf ("%" G_GINT64_FORMAT, r->near_end);
  cells[ST_OVERVIEW_COLUMN_INCOMPLETE] = g_strdup_printf ("%" G_GINT64_FORMAT, r->incomplete);
  return cells;
}

static void
set_count (GtkLabel *label,
           gint64    n)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, n);

  gtk_label_set_text (label, text);
  if (n > 0)
    gtk_widget_add_css_class (GTK_WIDGET (label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
}

static int
compare_codes (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
show_result (StOverviewPage *self,
             Result         *result)
{
  JsonObject *o = json_node_get_object (result->report);
  JsonArray *townships = json_object_get_array_member (o, "townships");
  JsonArray *targets = json_object_get_array_member (o, "targets");
  JsonArray *progress = json_object_get_array_member (o, "progress");
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  Row total = { 0, };
  gboolean everyone = st_role_can (self->data.role, ST_PERMISSION_ALL_TOWNSHIPS);
  gint64 cumulative;

  /* The report counts enrolments by the class's township; the overview's
   * own figures count participants and classes. */
  for (guint i = 0; i < json_array_get_length (townships); i++)
    {
      JsonObject *t = json_array_get_object_element (townships, i);
      JsonObject *f = json_object_get_object_member (t, "figures");
      const char *code = json_object_get_string_member (t, "code");
      Row *row;

      if (!st_role_sees_township (self->data.role, code))
        continue;
      row = row_for (rows, order, code);
      row->enrolled = st_json_member_int (f, "cumulative_participants");
      row->in_study = st_json_member_int (f, "in_study");
      row->graduated = st_json_member_int (f, "graduated");
      row->completed = st_json_member_int (f, "completed");
      row->withdrawn = st_json_member_int (f, "withdrawn");
    }
  for (guint i = 0; i < result->townships->len; i++)
    {
      StOverviewTownship *t = g_ptr_array_index (result->townships, i);
      Row *row;

      if (!st_role_sees_township (self->data.role, t->township_code))
        continue;
      row = row_for (rows, order, t->township_code);
      row->participants = t->participants;
      row->incomplete = t->incomplete;
      row->classes = t->classes;
      row->without_session = t->classes_behind_schedule;
    }
  g_ptr_array_sort (order, compare_codes);

  g_list_store_remove_all (self->townships);
  for (guint i = 0; i < order->len; i++)
    {
      const char *code = g_ptr_array_index (order, i);
      Row *row = g_hash_table_lookup (rows, code);
      g_autoptr(StTableRow) item = NULL;

      row->near_end = GPOINTER_TO_SIZE (g_hash_table_lookup (result->near_end, code));
      total.participants += row->participants;
      total.enrolled += row->enrolled;
      total.in_study += row->in_study;
      total.graduated += row->graduated;
      total.completed += row->completed;
      total.withdrawn += row->withdrawn;
      total.classes += row->classes;
      total.without_session += row->without_session;
      total.near_end += row->near_end;
      total.incomplete += row->incomplete;
      item = st_table_row_new (row_cells (st_display_township (self->data.divisions, code), row), FALSE);
      g_list_store_append (self->townships, item);
    }
  /* Someone enrolled in two townships' classes counts in each, once in the
   * county's total (as in the report). */
  cumulative = st_json_member_int (json_object_get_object_member (o, "total"), "cumulative_participants");
  if (everyone)
    total.enrolled = cumulative;
  {
    g_autoptr(StTableRow) item = st_table_row_new (row_cells (_("Total"), &total), TRUE);

    g_list_store_append (self->townships, item);
  }

  st_overview_outreach_fill (self->outreach, self->outreach_bars, result->outreach, self->data.role, self->data.divisions);
  gtk_widget_queue_draw (GTK_WIDGET (self->outreach_chart));
  set_count (self->near_end_label, total.near_end);
  set_count (self->no_session_label, total.without_session);
  set_count (self->incomplete_label, total.incomplete);
  gtk_widget_set_visible (self->review_row, result->review >= 0);
  if (result->review >= 0)
    set_count (self->review_label, result->review);

  /* The target in force: the first not yet reached, or the last. */
  {
    g_autofree char *text = NULL;
    JsonObject *target = NULL;

    gboolean due = TRUE;

    /* The target in force: the next one due, or the last when all are. */
    for (guint i = 0; i < json_array_get_length (targets); i++)
      {
        target = json_array_get_object_element (targets, i);
        due = json_object_get_boolean_member (target, "due");
        if (!due)
          break;
      }
    if (target != NULL && everyone && !due)
      /* Translators: "4321 participants enrolled so far; the target is 6000 by 2025-12-31 (72.0%)" */
      text = g_strdup_printf (ngettext ("%d participant enrolled so far; the target is %d by %s (%.1f%%).",
                                        "%d participants enrolled so far; the target is %d by %s (%.1f%%).",
                                        (gulong) cumulative),
                              (int) cumulative, (int) st_json_member_int (target, "participants"),
                              json_object_get_string_member (target, "date"),
                              json_object_get_double_member (target, "percent"));
    else if (target != NULL && everyone)
      /* Translators: "4321 participants enrolled so far; the target was 6000 by 2025-12-31 (72.0%)" */
      text = g_strdup_printf (ngettext ("%d participant enrolled so far; the target was %d by %s (%.1f%%).",
                                        "%d participants enrolled so far; the target was %d by %s (%.1f%%).",
                                        (gulong) cumulative),
                              (int) cumulative, (int) st_json_member_int (target, "participants"),
                              json_object_get_string_member (target, "date"),
                              json_object_get_double_member (target, "percent"));
    else
      text = g_strdup_printf (ngettext ("%d participant enrolled so far.", "%d participants enrolled so far.",
                                        (gulong) total.enrolled),
                              (int) total.enrolled);
    gtk_label_set_text (self->target_label, text);
  }

  st_chart_bars_set_progress (self->bars, progress, everyone);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
  gtk_stack_set_visible_child_name (self->content_stack,
                                    total.participants == 0 && total.enrolled == 0 ? "empty" : "overview");
}

static void
overview_done (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  StOverviewPage *self = ST_OVERVIEW_PAGE (source);
  Result *result = st_page_data_end_read (&self->data, res, (GDestroyNotify) result_free, self->spinner,
                                          self->error_page, self->content_stack);

  if (result == NULL)
    return;
  g_clear_pointer (&self->incomplete, g_array_unref);
  g_clear_pointer (&self->without_session, g_strfreev);
  self->incomplete = g_steal_pointer (&result->incomplete);
  self->without_session = g_steal_pointer (&result->without_session);
  show_result (self, result);
  result_free (result);
}

void
st_overview_page_reload (StOverviewPage *self)
{
  g_autoptr(GTask) task = NULL;
  GCancellable *cancellable;

  g_return_if_fail (ST_IS_OVERVIEW_PAGE (self));
  if (self->data.db == NULL)
    return;
  cancellable = st_page_data_begin_read (&self->data, self->spinner, self->content_stack,
                                         g_list_model_get_n_items (G_LIST_MODEL (self->townships)) == 0);
  task = g_task_new (self, cancellable, overview_done, NULL);
  g_task_set_source_tag (task, st_overview_page_reload);
  g_task_set_task_data (task, g_strdup (st_db_get_path (self->data.db)), g_free);
  g_task_run_in_thread (task, overview_thread);
}

static void
show_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  gtk_widget_activate_action_variant (widget, "win.show-page", parameter);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  st_overview_page_reload (ST_OVERVIEW_PAGE (widget));
}

static void
on_map (StOverviewPage *self)
{
  if (!self->data.loaded && self->data.db != NULL)
    st_overview_page_reload (self);
}

static void
on_role_changed (StOverviewPage *self)
{
  if (self->data.loaded)
    st_overview_page_reload (self);
}

static void
st_overview_page_dispose (GObject *object)
{
  StOverviewPage *self = ST_OVERVIEW_PAGE (object);

  st_page_data_dispose (&self->data, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_OVERVIEW_PAGE);

  G_OBJECT_CLASS (st_overview_page_parent_class)->dispose (object);
}

static void
st_overview_page_finalize (GObject *object)
{
  StOverviewPage *self = ST_OVERVIEW_PAGE (object);

  st_page_data_clear (&self->data);
  g_clear_object (&self->townships);
  g_clear_object (&self->outreach);
  g_clear_pointer (&self->outreach_bars, g_array_unref);
  g_clear_pointer (&self->bars, g_array_unref);
  g_clear_pointer (&self->incomplete, g_array_unref);
  g_clear_pointer (&self->without_session, g_strfreev);

  G_OBJECT_CLASS (st_overview_page_parent_class)->finalize (object);
}

static void
st_overview_page_class_init (StOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_overview_page_dispose;
  object_class->finalize = st_overview_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, target_label);
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, chart);
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, near_end_label);
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, no_session_label);
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, incomplete_label);
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, review_label);
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, review_row);
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, townships_view);
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, outreach_view);
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, outreach_chart);
  gtk_widget_class_bind_template_child (widget_class, StOverviewPage, error_page);

  gtk_widget_class_install_action (widget_class, "overview.show", "s", show_action);
  gtk_widget_class_install_action (widget_class, "overview.refresh", NULL, refresh_action);
  /* F5 is the window's Sync Now. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "overview.refresh", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
st_overview_page_init (StOverviewPage *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->townships = g_list_store_new (ST_TYPE_TABLE_ROW);
  self->bars = st_chart_bars_new ();
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->townships)));
  gtk_column_view_set_model (self->townships_view, GTK_SELECTION_MODEL (selection));
  st_table_add_column (self->townships_view, _("Township"), ST_OVERVIEW_COLUMN_TOWNSHIP, FALSE, TRUE);
  st_table_add_column (self->townships_view, _("Participants"), ST_OVERVIEW_COLUMN_PARTICIPANTS, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Enrolled So Far"), ST_OVERVIEW_COLUMN_ENROLLED, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("In Study"), ST_OVERVIEW_COLUMN_IN_STUDY, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Graduated"), ST_OVERVIEW_COLUMN_GRADUATED, TRUE, FALSE);
  st_table_add_column (self->townships_view, C_("enrolment state", "Completed"), ST_OVERVIEW_COLUMN_COMPLETED, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Withdrawn"), ST_OVERVIEW_COLUMN_WITHDRAWN, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Classes"), ST_OVERVIEW_COLUMN_CLASSES, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Behind Schedule"), ST_OVERVIEW_COLUMN_NO_SESSION, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Hours Short"), ST_OVERVIEW_COLUMN_NEAR_END, TRUE, FALSE);
  st_table_add_column (self->townships_view, _("Incomplete Records"), ST_OVERVIEW_COLUMN_INCOMPLETE, TRUE, FALSE);
  self->outreach = g_list_store_new (ST_TYPE_TABLE_ROW);
  st_overview_outreach_setup (self->outreach_view, self->outreach);
  self->outreach_bars = st_chart_bars_new ();
  st_chart_area_set_bars (self->outreach_chart, self->outreach_bars, C_("outreach", "Reached"), _("People to Visit"));
  st_chart_area_set_bars (self->chart, self->bars, _("Participants enrolled so far"), _("Target"));
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  gtk_widget_set_visible (self->review_row, FALSE);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

void
st_overview_page_set_db (StOverviewPage *self,
                         StDb           *db,
                         StDivisions    *divisions,
                         StRole         *role)
{
  g_return_if_fail (ST_IS_OVERVIEW_PAGE (self));
  st_page_data_set (&self->data, db, divisions, role, G_CALLBACK (on_role_changed), self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    st_overview_page_reload (self);
}

gboolean
st_overview_page_is_loading (StOverviewPage *self)
{
  return self->data.loading || !self->data.loaded;
}

GtkLabel *
st_overview_page_get_near_end_label (StOverviewPage *self)
{
  return self->near_end_label;
}

GtkLabel *
st_overview_page_get_no_session_label (StOverviewPage *self)
{
  return self->no_session_label;
}

GtkLabel *
st_overview_page_get_incomplete_label (StOverviewPage *self)
{
  return self->incomplete_label;
}

GtkLabel *
st_overview_page_get_review_label (StOverviewPage *self)
{
  return self->review_label;
}

GtkWidget *
st_overview_page_get_review_row (StOverviewPage *self)
{
  return self->review_row;
}

GListModel *
st_overview_page_get_townships (StOverviewPage *self)
{
  return G_LIST_MODEL (self->townships);
}

GListModel *
st_overview_page_get_outreach (StOverviewPage *self)
{
  return G_LIST_MODEL (self->outreach);
}

const GArray *
st_overview_page_get_incomplete (StOverviewPage *self)
{
  g_return_val_if_fail (ST_IS_OVERVIEW_PAGE (self), NULL);
  return self->incomplete;
}

const char * const *
st_overview_page_get_without_session (StOverviewPage *self)
{
  g_return_val_if_fail (ST_IS_OVERVIEW_PAGE (self), NULL);
  return (const char * const *) self->without_session;
}

const GArray *
st_overview_page_get_outreach_bars (StOverviewPage *self)
{
  return self->outreach_bars;
}
