/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-outreach"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-outreach.h"

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

gboolean
st_outreach_write_csv (GPtrArray      *rows,
                       const char     *path,
                       StCsvEncoding   encoding,
                       GError        **error)
{
  const char *header[] = {
    _("Township"), _("People to visit"), _("Visited"), C_("outreach", "Reached"), _("Willing to enrol"), _("Enrolled"),
  };
  static const StCsvFieldKind kinds[] = {
    ST_CSV_FIELD_TEXT, ST_CSV_FIELD_NUMBER, ST_CSV_FIELD_NUMBER, ST_CSV_FIELD_NUMBER, ST_CSV_FIELD_NUMBER,
    ST_CSV_FIELD_NUMBER,
  };
  g_autoptr(StCsvWriter) writer = st_csv_writer_new (path, encoding, error);

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
