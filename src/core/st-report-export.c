/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The quarterly report as JSON (for --json, the app and tests) and as CSV
 * (for Excel): the figures of st-report.c, in the words of
 * st-report-private.h. */
#define G_LOG_DOMAIN "st-report"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "st-json-build.h"
#include "st-json-guard.h"
#include "st-report-private.h"

/* JSON */

static void
add_by_code (JsonBuilder        *b,
             const char         *name,
             const char *const  *codes,
             const gint64       *values,
             guint               n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  for (guint i = 0; i < n; i++)
    st_json_add_int (b, codes[i], values[i]);
  st_json_add_int (b, "total", st_report_sum (values, n));
  json_builder_end_object (b);
}

static void
add_figures (JsonBuilder    *b,
             const StReport *report,
             const Figures  *f)
{
  json_builder_begin_object (b);
  st_json_add_int (b, "new_enrolments", f->new_enrolments);
  st_json_add_int (b, "new_participants", f->new_participants);
  st_json_add_int (b, "cumulative_participants", f->cumulative_participants);
  st_json_add_int (b, "cumulative_enrolments", f->cumulative_enrolments);
  st_json_add_int (b, "in_study", f->in_study);
  st_json_add_int (b, "graduated", f->graduated);
  st_json_add_int (b, "completed", f->completed);
  st_json_add_int (b, "withdrawn", f->withdrawn);
  add_by_code (b, "sessions", st_report_mode_codes, f->sessions, N_MODES);
  add_by_code (b, "session_minutes", st_report_mode_codes, f->session_minutes, N_MODES);
  add_by_code (b, "attendances", st_report_mode_codes, f->attendances, N_MODES);
  add_by_code (b, "attended_minutes", st_report_mode_codes, f->attended_minutes, N_MODES);
  st_json_add_int (b, "finished_in_quarter", f->finished_in_quarter);
  st_json_add_int (b, "finished_cumulative", f->finished_cumulative);
  st_json_add_int (b, "funding_in_quarter_yuan", f->finished_in_quarter * report->yuan_per_participant);
  st_json_add_int (b, "funding_cumulative_yuan", f->finished_cumulative * report->yuan_per_participant);
  json_builder_end_object (b);
}

JsonNode *
st_report_to_json (StReport *report)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *code = st_report_quarter_code (&report->quarter);
  g_autofree char *label = st_report_quarter_label (&report->quarter);
  g_autofree char *title = st_report_title (report);
  g_autofree char *definition = st_report_funding_definition (report);
  g_autoptr(GPtrArray) note_list = st_report_notes (report);

  json_builder_begin_object (b);
  st_json_add_string (b, "title", title);
  st_json_add_string (b, "quarter", code);
  st_json_add_string (b, "quarter_label", label);
  st_json_add_string (b, "first_day", report->first_day);
  st_json_add_string (b, "last_day", report->last_day);
  st_json_add_string (b, "generated_on", report->generated_on);

  json_builder_set_member_name (b, "scope");
  json_builder_begin_object (b);
  st_json_add_string (b, "township_code", report->township_code);
  st_json_add_string (b, "name", report->scope_name);
  st_json_add_string (b, "county", report->county_name);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "townships");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->townships->len; i++)
    {
      const Township *t = g_ptr_array_index (report->townships, i);

      json_builder_begin_object (b);
      st_json_add_string (b, "code", t->code);
      st_json_add_string (b, "name", t->name);
      st_json_add_string (b, "short_name", t->short_name);
      json_builder_set_member_name (b, "figures");
      add_figures (b, report, &t->f);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "total");
  add_figures (b, report, &report->total);

  json_builder_set_member_name (b, "targets");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->targets->len; i++)
    {
      const Target *t = &g_array_index (report->targets, Target, i);

      json_builder_begin_object (b);
      st_json_add_string (b, "date", t->date);
      st_json_add_int (b, "participants", t->participants);
      st_json_add_int (b, "cumulative_participants", t->achieved);
      json_builder_set_member_name (b, "percent");
      json_builder_add_double_value (b, st_report_percent (t->achieved, t->participants));
      json_builder_set_member_name (b, "due");
      json_builder_add_boolean_value (b, strcmp (t->date, report->last_day) <= 0);
      json_builder_set_member_name (b, "reached");
      json_builder_add_boolean_value (b, t->achieved >= t->participants);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "progress");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->progress->len; i++)
    {
      const Point *point = &g_array_index (report->progress, Point, i);
      g_autofree char *q = st_report_quarter_code (&point->quarter);
      g_autofree char *end = st_quarter_last_day (&point->quarter);

      json_builder_begin_object (b);
      st_json_add_string (b, "quarter", q);
      st_json_add_string (b, "last_day", end);
      st_json_add_int (b, "cumulative_participants", point->cumulative);
      json_builder_set_member_name (b, "target");
      if (point->target > 0)
        json_builder_add_int_value (b, point->target);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "breakdowns");
  json_builder_begin_object (b);
  for (guint i = 0; i < N_BREAKDOWNS; i++)
    {
      json_builder_set_member_name (b, st_report_breakdown_codes[i]);
      json_builder_begin_array (b);
      for (guint j = 0; j < report->breakdowns[i]->len; j++)
        {
          const Item *item = g_ptr_array_index (report->breakdowns[i], j);

          json_builder_begin_object (b);
          st_json_add_string (b, "key", item->key);
          st_json_add_string (b, "label", item->label);
          st_json_add_int (b, "participants", item->participants);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "funding");
  json_builder_begin_object (b);
  st_json_add_int (b, "yuan_per_participant", report->yuan_per_participant);
  json_builder_set_member_name (b, "program_kinds");
  json_builder_begin_array (b);
  for (guint i = 0; report->funded_kinds[i] != NULL; i++)
    json_builder_add_string_value (b, report->funded_kinds[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "programs");
  json_builder_add_value (b, st_json_from_string (report->funded_json, NULL));
  json_builder_set_member_name (b, "finished_states");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "graduated");
  json_builder_add_string_value (b, "completed");
  json_builder_end_array (b);
  st_json_add_string (b, "finished_by", report->last_day);
  st_json_add_string (b, "definition", definition);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "notes");
  json_builder_begin_array (b);
  for (guint i = 0; i < note_list->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (note_list, i));
  json_builder_end_array (b);

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* CSV */

typedef struct
{
  StCsvWriter *writer;
  GPtrArray   *row;
  GError      *error;   /* the first failure; later rows are skipped */
  GArray      *kinds;   /* StCsvFieldKind of each field of row */
} Csv;

static void
csv_field (Csv            *csv,
           char           *text,
           StCsvFieldKind  kind)
{
  g_ptr_array_add (csv->row, text);
  g_array_append_val (csv->kinds, kind);
}

static void
csv_take (Csv  *csv,
          char *text)
{
  csv_field (csv, text, ST_CSV_FIELD_TEXT);
}

static void
csv_add (Csv        *csv,
         const char *text)
{
  csv_take (csv, g_strdup (text));
}

/* A figure: written as a number, never taken for a formula (the CSV
 * writer puts a ' before text that begins with - or +). */
static void
csv_number (Csv  *csv,
            char *text)
{
  csv_field (csv, text, ST_CSV_FIELD_NUMBER);
}

static void
csv_end_row (Csv *csv)
{
  if (csv->error == NULL)
    st_csv_writer_write_row_kinds (csv->writer, (const char *const *) csv->row->pdata,
                                   (const StCsvFieldKind *) (gpointer) csv->kinds->data, csv->row->len, &csv->error);
  g_ptr_array_set_size (csv->row, 0);
  g_array_set_size (csv->kinds, 0);
}

static void
csv_line (Csv        *csv,
          const char *text)
{
  if (text != NULL)
    csv_add (csv, text);
  csv_end_row (csv);
}

static void
csv_figures (Csv            *csv,
             const StReport *report,
             const Figures  *f)
{
  csv_number (csv, st_report_format_count (f->new_enrolments));
  csv_number (csv, st_report_format_count (f->new_participants));
  csv_number (csv, st_report_format_count (f->cumulative_participants));
  csv_number (csv, st_report_format_count (f->cumulative_enrolments));
  csv_number (csv, st_report_format_count (f->in_study));
  csv_number (csv, st_report_format_count (f->graduated));
  csv_number (csv, st_report_format_count (f->completed));
  csv_number (csv, st_report_format_count (f->withdrawn));
  csv_number (csv, st_report_format_count (st_report_sum (f->sessions, N_MODES)));
  for (guint m = 0; m < N_MODES; m++)
    csv_number (csv, st_report_format_hours (f->session_minutes[m]));
  csv_number (csv, st_report_format_hours (st_report_sum (f->session_minutes, N_MODES)));
  csv_number (csv, st_report_format_count (st_report_sum (f->attendances, N_MODES)));
  for (guint m = 0; m < N_MODES; m++)
    csv_number (csv, st_report_format_hours (f->attended_minutes[m]));
  csv_number (csv, st_report_format_hours (st_report_sum (f->attended_minutes, N_MODES)));
  csv_number (csv, st_report_format_count (f->finished_in_quarter));
  csv_number (csv, st_report_format_yuan (report, f->finished_in_quarter));
  csv_number (csv, st_report_format_count (f->finished_cumulative));
  csv_number (csv, st_report_format_yuan (report, f->finished_cumulative));
  csv_end_row (csv);
}

gboolean
st_report_write_csv (StReport       *report,
                     const char     *path,
                     StCsvEncoding   encoding,
                     GError        **error)
{
  g_autoptr(StCsvWriter) writer = NULL;
  g_autoptr(GPtrArray) row = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) note_list = st_report_notes (report);
  g_autoptr(GError) local = NULL;
  g_autofree char *title = st_report_title (report);
  g_autofree char *period = st_report_period (report);
  g_autoptr(GArray) kinds = g_array_new (FALSE, FALSE, sizeof (StCsvFieldKind));
  Csv csv = { NULL, row, NULL, kinds };

  writer = st_csv_writer_new (path, encoding, &local);
  if (writer == NULL)
    {
      g_set_error_literal (error, ST_REPORT_ERROR, ST_REPORT_ERROR_WRITE, local->message);
      return FALSE;
    }
  csv.writer = writer;

  csv_line (&csv, title);
  csv_add (&csv, _("Period"));
  csv_add (&csv, period);
  csv_end_row (&csv);
  csv_add (&csv, _("Prepared on"));
  csv_add (&csv, report->generated_on);
  csv_end_row (&csv);
  csv_line (&csv, NULL);

  csv_line (&csv, _("By township"));
  csv_add (&csv, _("Township code"));
  csv_add (&csv, _("Township"));
  csv_add (&csv, _("New enrolments"));
  csv_add (&csv, _("New participants"));
  csv_add (&csv, _("Cumulative participants"));
  csv_add (&csv, _("Cumulative enrolments"));
  csv_add (&csv, _("In study"));
  csv_add (&csv, _("Graduated"));
  csv_add (&csv, C_("enrolment state", "Completed"));
  csv_add (&csv, _("Withdrawn"));
  csv_add (&csv, _("Sessions"));
  csv_add (&csv, _("Concentrated session hours"));
  csv_add (&csv, _("Online session hours"));
  csv_add (&csv, _("Practical session hours"));
  csv_add (&csv, _("Session hours"));
  csv_add (&csv, _("Attendances"));
  csv_add (&csv, _("Concentrated participant-hours"));
  csv_add (&csv, _("Online participant-hours"));
  csv_add (&csv, _("Practical participant-hours"));
  csv_add (&csv, _("Participant-hours"));
  csv_add (&csv, _("Finished this quarter"));
  csv_add (&csv, _("Funding due this quarter (yuan)"));
  csv_add (&csv, _("Finished, cumulative"));
  csv_add (&csv, _("Funding due, cumulative (yuan)"));
  csv_end_row (&csv);
  for (guint i = 0; i < report->townships->len; i++)
    {
      const Township *t = g_ptr_array_index (report->townships, i);

      csv_add (&csv, t->code);
      csv_add (&csv, t->name);
      csv_figures (&csv, report, &t->f);
    }
  csv_add (&csv, "");
  csv_add (&csv, _("Total"));
  csv_figures (&csv, report, &report->total);
  csv_line (&csv, NULL);

  if (report->targets->len > 0)
    {
      csv_line (&csv, _("Targets"));
      csv_add (&csv, _("Target date"));
      csv_add (&csv, _("Target participants"));
      csv_add (&csv, _("Cumulative participants"));
      csv_add (&csv, _("Share of target"));
      csv_add (&csv, _("Status"));
      csv_end_row (&csv);
      for (guint i = 0; i < report->targets->len; i++)
        {
          const Target *t = &g_array_index (report->targets, Target, i);

          csv_add (&csv, t->date);
          csv_number (&csv, st_report_format_count (t->participants));
          csv_number (&csv, st_report_format_count (t->achieved));
          csv_take (&csv, st_report_format_percent (t->achieved, t->participants));
          csv_add (&csv, st_report_target_status (report, t));
          csv_end_row (&csv);
        }
      csv_line (&csv, NULL);
    }

  csv_line (&csv, _("Cumulative participants by quarter"));
  csv_add (&csv, _("Quarter"));
  csv_add (&csv, _("Last day"));
  csv_add (&csv, _("Cumulative participants"));
  csv_add (&csv, _("Target in force"));
  csv_end_row (&csv);
  for (guint i = 0; i < report->progress->len; i++)
    {
      const Point *point = &g_array_index (report->progress, Point, i);

      csv_take (&csv, st_report_quarter_code (&point->quarter));
      csv_take (&csv, st_quarter_last_day (&point->quarter));
      csv_number (&csv, st_report_format_count (point->cumulative));
      csv_take (&csv, point->target > 0 ? st_report_format_count (point->target) : g_strdup (""));
      csv_end_row (&csv);
    }
  csv_line (&csv, NULL);

  for (guint b = 0; b < N_BREAKDOWNS; b++)
    {
      csv_add (&csv, st_report_breakdown_title (b));
      csv_add (&csv, _("Participants"));
      csv_add (&csv, _("Share"));
      csv_end_row (&csv);
      for (guint i = 0; i < report->breakdowns[b]->len; i++)
        {
          const Item *item = g_ptr_array_index (report->breakdowns[b], i);

          csv_add (&csv, item->label);
          csv_number (&csv, st_report_format_count (item->participants));
          csv_take (&csv, st_report_format_percent (item->participants, report->total.cumulative_participants));
          csv_end_row (&csv);
        }
      csv_line (&csv, NULL);
    }

  csv_line (&csv, _("How the figures are counted"));
  for (guint i = 0; i < note_list->len; i++)
    csv_line (&csv, g_ptr_array_index (note_list, i));

  if (csv.error == NULL)
    st_csv_writer_close (writer, &csv.error);
  if (csv.error != NULL)
    {
      g_set_error_literal (error, ST_REPORT_ERROR, ST_REPORT_ERROR_WRITE, csv.error->message);
      g_error_free (csv.error);
      return FALSE;
    }
  return TRUE;
}
