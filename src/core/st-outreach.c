/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-outreach"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "st-date.h"
#include "st-doc.h"
#include "st-outreach.h"

#define N_COLUMNS 6
#define MARGIN 42.0
#define ROW_HEIGHT 22.0

void
st_outreach_row_free (StOutreachRow *row)
{
  if (row == NULL)
    return;
  g_free (row->township_code);
  g_free (row->township);
  g_free (row);
}

GPtrArray *
st_outreach_progress (StDb        *db,
                      const char  *township_code,
                      GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) st_outreach_row_free);
  StOutreachRow *total = g_new0 (StOutreachRow, 1);
  /* Each person once, by the visits index (participant_id, date) and the
   * enrolments index: no sort over the visits. */
  sqlite3_stmt *stmt = st_db_prepare (db,
    "SELECT p.township_code, coalesce (d.name, p.township_code), count (*),"
    " sum (EXISTS (SELECT 1 FROM visits v WHERE v.participant_id = p.id AND v.deleted = 0)),"
    " sum (EXISTS (SELECT 1 FROM visits v WHERE v.participant_id = p.id AND v.deleted = 0 AND v.reached = 1)),"
    " sum (coalesce ((SELECT v.willing FROM visits v WHERE v.participant_id = p.id AND v.deleted = 0"
    "                 AND v.willing IS NOT NULL ORDER BY v.date DESC, v.hlc DESC LIMIT 1) = 'yes', 0)),"
    " sum (EXISTS (SELECT 1 FROM enrolments e WHERE e.participant_id = p.id AND e.deleted = 0))"
    " FROM participants p LEFT JOIN divisions d ON d.code = p.township_code"
    " WHERE p.deleted = 0 AND p.merged_into IS NULL AND (?1 IS NULL OR p.township_code = ?1)"
    " GROUP BY p.township_code ORDER BY p.township_code", error);
  int rc;

  total->township = g_strdup (_("Total"));
  if (stmt == NULL)
    {
      st_outreach_row_free (total);
      return NULL;
    }
  st_db_bind_text (stmt, 1, township_code);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StOutreachRow *row = g_new0 (StOutreachRow, 1);

      row->township_code = st_db_column_dup (stmt, 0);
      row->township = st_db_column_dup (stmt, 1);
      row->people = sqlite3_column_int64 (stmt, 2);
      row->visited = sqlite3_column_int64 (stmt, 3);
      row->reached = sqlite3_column_int64 (stmt, 4);
      row->willing = sqlite3_column_int64 (stmt, 5);
      row->enrolled = sqlite3_column_int64 (stmt, 6);
      total->people += row->people;
      total->visited += row->visited;
      total->reached += row->reached;
      total->willing += row->willing;
      total->enrolled += row->enrolled;
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_outreach_row_free (total);
      st_db_set_error (db, rc, _("reading the outreach figures"), error);
      return NULL;
    }
  g_ptr_array_add (rows, total);
  return g_steal_pointer (&rows);
}

static void
column_headers (const char **header)
{
  header[0] = _("Township");
  header[1] = _("People to visit");
  header[2] = _("Visited");
  header[3] = C_("outreach", "Reached");
  header[4] = _("Willing to enrol");
  header[5] = _("Enrolled");
}

static char *
percent_of (gint64 part,
            gint64 whole)
{
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, part);

  if (whole <= 0)
    return g_steal_pointer (&count);
  /* Translators: a count and its share of the people to visit: "120 (80%)" */
  return g_strdup_printf (_("%s (%d%%)"), count, (int) (part * 100 / whole));
}

gboolean
st_outreach_write_pdf (GPtrArray   *rows,
                       const char  *path,
                       GError     **error)
{
  static const double weights[N_COLUMNS] = { 0.24, 0.14, 0.16, 0.16, 0.16, 0.14 };
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface = st_doc_pdf_new (bytes, _("Outreach by Township"));
  cairo_t *cr = cairo_create (surface);
  PangoContext *context = st_doc_context_new (cr);
  double content = ST_DOC_A4_WIDTH - 2 * MARGIN;
  double widths[N_COLUMNS], min[N_COLUMNS] = { 0, };
  /* The township's name left-aligned, as it is read; the figures centred. */
  const StDocTable table = {
    .n_columns = N_COLUMNS, .widths = widths, .x = MARGIN, .header_height = ROW_HEIGHT + 4,
    .row_height = ROW_HEIGHT, .size = 9, .left = 1u << 0,
  };
  const char *header[N_COLUMNS];
  g_autofree char *today = st_date_today ();
  /* Translators: under the title of the outreach summary: "As of 2025-03-31" */
  g_autofree char *as_of = g_strdup_printf (_("As of %s"), today);
  double y = MARGIN;

  column_headers (header);
  st_doc_column_widths (N_COLUMNS, weights, min, content, widths);
  {
    g_autoptr(PangoLayout) title = st_doc_text (context, _("Outreach by Township"), 18, TRUE, content, PANGO_ALIGN_CENTER);
    g_autoptr(PangoLayout) date = st_doc_text (context, as_of, 10, FALSE, content, PANGO_ALIGN_CENTER);
    g_autoptr(PangoLayout) note = st_doc_text (context,
                                               _("Visited, reached and willing: the share of the people to visit. "
                                                 "Willing: the latest answer about enrolling is yes."),
                                               8, FALSE, content, PANGO_ALIGN_LEFT);

    st_doc_show (cr, title, MARGIN, y);
    y += st_doc_layout_height (title) + 4;
    st_doc_show (cr, date, MARGIN, y);
    y += st_doc_layout_height (date) + 8;
    st_doc_show (cr, note, MARGIN, y);
    y += st_doc_layout_height (note) + 8;
  }
  st_doc_table_row (&table, cr, context, header, y, TRUE);
  y += table.header_height;
  /* 13 townships and a total fit one page; a county of more goes on. */
  for (guint i = 0; i < rows->len; i++)
    {
      const StOutreachRow *row = g_ptr_array_index (rows, i);
      g_autofree char *people = g_strdup_printf ("%" G_GINT64_FORMAT, row->people);
      g_autofree char *visited = percent_of (row->visited, row->people);
      g_autofree char *reached = percent_of (row->reached, row->people);
      g_autofree char *willing = percent_of (row->willing, row->people);
      g_autofree char *enrolled = g_strdup_printf ("%" G_GINT64_FORMAT, row->enrolled);
      const char *cells[N_COLUMNS] = { row->township, people, visited, reached, willing, enrolled };

      if (y + ROW_HEIGHT > ST_DOC_A4_HEIGHT - MARGIN)
        {
          cairo_show_page (cr);
          y = MARGIN;
          st_doc_table_row (&table, cr, context, header, y, TRUE);
          y += table.header_height;
        }
      st_doc_table_row (&table, cr, context, cells, y, FALSE);
      y += ROW_HEIGHT;
    }
  cairo_show_page (cr);
  g_object_unref (context);
  cairo_destroy (cr);
  return st_doc_pdf_save (surface, bytes, path, error);
}

gboolean
st_outreach_write_csv (GPtrArray      *rows,
                       const char     *path,
                       StCsvEncoding   encoding,
                       GError        **error)
{
  const char *header[N_COLUMNS];
  static const StCsvFieldKind kinds[] = {
    ST_CSV_FIELD_TEXT, ST_CSV_FIELD_NUMBER, ST_CSV_FIELD_NUMBER, ST_CSV_FIELD_NUMBER, ST_CSV_FIELD_NUMBER,
    ST_CSV_FIELD_NUMBER,
  };
  g_autoptr(StCsvWriter) writer = st_csv_writer_new (path, encoding, error);

  column_headers (header);
  if (writer == NULL || !st_csv_writer_write_row (writer, header, G_N_ELEMENTS (header), error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      const StOutreachRow *row = g_ptr_array_index (rows, i);
      g_autofree char *people = g_strdup_printf ("%" G_GINT64_FORMAT, row->people);
      g_autofree char *visited = g_strdup_printf ("%" G_GINT64_FORMAT, row->visited);
      g_autofree char *reached = g_strdup_printf ("%" G_GINT64_FORMAT, row->reached);
      g_autofree char *willing = g_strdup_printf ("%" G_GINT64_FORMAT, row->willing);
      g_autofree char *enrolled = g_strdup_printf ("%" G_GINT64_FORMAT, row->enrolled);
      const char *fields[] = { row->township, people, visited, reached, willing, enrolled };

      if (!st_csv_writer_write_row_kinds (writer, fields, kinds, G_N_ELEMENTS (fields), error))
        return FALSE;
    }
  return st_csv_writer_close (writer, error);
}
