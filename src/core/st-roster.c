/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-roster"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "st-idcard.h"
#include "st-roster.h"

/* As in st-import.c: a header follows at most nine title rows. */
#define MAX_TITLE_ROWS 10

void
st_roster_preview_free (StRosterPreview *preview)
{
  if (preview == NULL)
    return;
  g_free (preview->path);
  g_strfreev (preview->header);
  g_free (preview->columns);
  g_clear_pointer (&preview->rows, g_ptr_array_unref);
  g_free (preview);
}

static gboolean
names_person (const char *const *fields,
              guint              n)
{
  gboolean name = FALSE, id = FALSE;

  for (guint i = 0; i < n; i++)
    {
      StImportColumn c = st_import_column_for_header (fields[i]);

      name |= c == ST_IMPORT_COLUMN_NAME;
      id |= c == ST_IMPORT_COLUMN_ID_NUMBER;
    }
  return name && id;
}

static char **
padded (const char *const *fields,
        guint              n,
        guint              width)
{
  char **v = g_new0 (char *, MAX (n, width) + 1);

  for (guint i = 0; i < MAX (n, width); i++)
    v[i] = i < n ? g_strstrip (g_strdup (fields[i])) : g_strdup ("");
  return v;
}

StRosterPreview *
st_roster_preview_new (const char  *path,
                       guint        n_rows,
                       GError     **error)
{
  g_autoptr(StRosterPreview) preview = NULL;
  g_autoptr(StCsvReader) reader = NULL;
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GArray) first_lines = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *const *fields;
  guint n_fields, line;
  int header = -1;

  g_return_val_if_fail (path != NULL, NULL);

  /* Before the CSV reader calls a workbook a bad encoding. */
  if (!st_import_refuse_workbook (path, error))
    return NULL;
  reader = st_csv_reader_new_for_path (path, error);
  if (reader == NULL)
    return NULL;

  preview = g_new0 (StRosterPreview, 1);
  preview->path = g_strdup (path);
  preview->encoding = st_csv_reader_get_encoding (reader);
  preview->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  /* The first rows, where the import looks for the header; blank ones are
   * no data. */
  for (guint attempt = 0;
       attempt < MAX_TITLE_ROWS && (fields = st_csv_reader_next (reader, &n_fields, &line, error)) != NULL;
       attempt++)
    {
      if (st_csv_fields_blank (fields, n_fields))
        continue;
      g_ptr_array_add (first, padded (fields, n_fields, 0));
      g_array_append_val (first_lines, line);
      if (header < 0 && names_person (fields, n_fields))
        header = first->len - 1;
    }
  if (error != NULL && *error != NULL)
    return NULL;
  if (first->len == 0)
    {
      g_set_error (error, ST_CSV_ERROR, ST_CSV_ERROR_EMPTY, _("%s holds no rows."), path);
      return NULL;
    }

  /* Without a recognised header, the person maps the columns by hand. The
   * first row stands in for the header, unless it holds an ID number: then
   * the file has no header at all, and the copy gets one above its rows. */
  preview->header_found = header >= 0;
  if (header < 0)
    {
      char **row = g_ptr_array_index (first, 0);

      for (guint i = 0; row[i] && !preview->headerless; i++)
        preview->headerless = st_idcard_is_valid (row[i]);
      header = preview->headerless ? -1 : 0;
    }
  if (header >= 0)
    {
      preview->header_line = g_array_index (first_lines, guint, header);
      preview->header = g_strdupv (g_ptr_array_index (first, header));
    }
  else
    preview->header = g_new0 (char *, 1);
  preview->n_columns = g_strv_length (preview->header);

  /* Rows after the header among the first ones read are data already. */
  for (guint i = header + 1; i < first->len; i++)
    {
      char **row = g_ptr_array_index (first, i);

      preview->n_columns = MAX (preview->n_columns, g_strv_length (row));
    }

  {
    char **h = padded ((const char *const *) preview->header, g_strv_length (preview->header), preview->n_columns);

    g_strfreev (preview->header);
    preview->header = h;
  }
  preview->columns = g_new0 (StImportColumn, preview->n_columns);
  if (preview->header_found)
    {
      gboolean seen[ST_IMPORT_N_COLUMNS] = { FALSE, };

      /* As the import maps them: the first column of a kind wins. */
      for (guint i = 0; i < preview->n_columns; i++)
        {
          StImportColumn c = st_import_column_for_header (preview->header[i]);

          if (c != ST_IMPORT_COLUMN_UNKNOWN && c != ST_IMPORT_COLUMN_IGNORED && seen[c])
            c = ST_IMPORT_COLUMN_UNKNOWN;
          seen[c] = TRUE;
          preview->columns[i] = c;
        }
    }

  for (guint i = header + 1; i < first->len; i++)
    {
      char **row = g_ptr_array_index (first, i);

      preview->n_data_rows++;
      if (preview->rows->len < n_rows)
        g_ptr_array_add (preview->rows, padded ((const char *const *) row, g_strv_length (row), preview->n_columns));
    }
  while ((fields = st_csv_reader_next (reader, &n_fields, &line, error)) != NULL)
    {
      if (st_csv_fields_blank (fields, n_fields))
        continue;
      preview->n_data_rows++;
      if (preview->rows->len < n_rows)
        g_ptr_array_add (preview->rows, padded (fields, n_fields, preview->n_columns));
    }
  if (error != NULL && *error != NULL)
    return NULL;

  return g_steal_pointer (&preview);
}

gboolean
st_roster_mapping_is_usable (const StImportColumn *columns,
                             guint                 n_columns)
{
  gboolean name = FALSE, id = FALSE;

  for (guint i = 0; i < n_columns; i++)
    {
      name |= columns[i] == ST_IMPORT_COLUMN_NAME;
      id |= columns[i] == ST_IMPORT_COLUMN_ID_NUMBER;
    }
  return name && id;
}

const char *
st_roster_header_for_column (StImportColumn column)
{
  switch (column)
    {
    case ST_IMPORT_COLUMN_NAME: return "姓名";
    case ST_IMPORT_COLUMN_ID_NUMBER: return "身份证号";
    case ST_IMPORT_COLUMN_SEX: return "性别";
    case ST_IMPORT_COLUMN_ETHNICITY: return "民族";
    case ST_IMPORT_COLUMN_TOWNSHIP: return "乡镇";
    case ST_IMPORT_COLUMN_VILLAGE: return "村";
    case ST_IMPORT_COLUMN_PHONE: return "联系电话";
    case ST_IMPORT_COLUMN_EDUCATION: return "文化程度";
    case ST_IMPORT_COLUMN_EMPLOYMENT: return "务工情况";
    case ST_IMPORT_COLUMN_HEALTH: return "身体健康情况";
    case ST_IMPORT_COLUMN_POVERTY: return "脱贫户";
    case ST_IMPORT_COLUMN_NOTES: return "备注";
    case ST_IMPORT_COLUMN_LIVES: return "现居住地";
    case ST_IMPORT_COLUMN_AWAY_PLACE: return "外出务工地点";
    case ST_IMPORT_COLUMN_REACHED: return "是否联系上";
    case ST_IMPORT_COLUMN_IGNORED: return "序号";
    case ST_IMPORT_COLUMN_UNKNOWN:
    case ST_IMPORT_N_COLUMNS:
    default:
      return NULL;
    }
}

/* Counts the physical lines a record takes. */
static guint
lines_of (const char *const *fields,
          guint              n)
{
  guint lines = 1;

  for (guint i = 0; i < n; i++)
    for (const char *p = fields[i]; *p; p++)
      if (*p == '\n' || (*p == '\r' && p[1] != '\n'))
        lines++;
  return lines;
}

static gboolean
write_header (StCsvWriter           *writer,
              StRosterPreview       *preview,
              const StImportColumn  *columns,
              const char *const     *fields,
              guint                  n_fields,
              GError               **error)
{
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < MAX (n_fields, preview->n_columns); i++)
    {
      const char *name = i < preview->n_columns ? st_roster_header_for_column (columns[i]) : NULL;

      if (name != NULL && columns[i] != ST_IMPORT_COLUMN_IGNORED)
        g_ptr_array_add (header, g_strdup (name));
      else
        {
          /* A name the import knows nothing of: not imported, and listed
           * among the ignored columns as it was. */
          const char *was = i < n_fields ? fields[i] : "";

          g_ptr_array_add (header, *was ? g_strdup_printf ("#%s", was) : g_strdup_printf ("#%u", i + 1));
        }
    }
  return st_csv_writer_write_row (writer, (const char *const *) header->pdata, header->len, error);
}

char *
st_roster_apply_mapping (StRosterPreview       *preview,
                         const StImportColumn  *columns,
                         GError               **error)
{
  g_autoptr(StCsvReader) reader = NULL;
  g_autoptr(StCsvWriter) writer = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *copy = NULL;
  const char *const *fields;
  guint n_fields, line, out_line = 1;
  gboolean same = preview->header_found;

  for (guint i = 0; same && i < preview->n_columns; i++)
    {
      /* Columns that are not imported may be unknown or ignored alike. */
      gboolean was_off = preview->columns[i] == ST_IMPORT_COLUMN_UNKNOWN || preview->columns[i] == ST_IMPORT_COLUMN_IGNORED;
      gboolean is_off = columns[i] == ST_IMPORT_COLUMN_UNKNOWN || columns[i] == ST_IMPORT_COLUMN_IGNORED;

      same = (was_off && is_off) || preview->columns[i] == columns[i];
    }
  if (same)
    return g_strdup (preview->path);

  /* The copy holds ID numbers: a folder only its owner can read. */
  dir = g_dir_make_tmp ("shuangti-import-XXXXXX", error);
  if (dir == NULL)
    return NULL;
  base = g_path_get_basename (preview->path);
  copy = g_build_filename (dir, base, NULL);

  reader = st_csv_reader_new_for_path (preview->path, error);
  if (reader == NULL)
    goto fail;
  writer = st_csv_writer_new (copy, preview->encoding, error);
  if (writer == NULL)
    goto fail;

  if (preview->headerless)
    {
      if (!write_header (writer, preview, columns, NULL, 0, error))
        goto fail;
      /* Every row moves one line down; nothing else changes. */
      out_line = 0;
    }
  while ((fields = st_csv_reader_next (reader, &n_fields, &line, error)) != NULL)
    {
      /* Blank lines keep every row on its line, so that the import's row
       * numbers are those of the file the person has. */
      while (out_line < line)
        {
          if (!st_csv_writer_write_row (writer, NULL, 0, error))
            goto fail;
          out_line++;
        }
      if (!preview->headerless && line == preview->header_line)
        {
          if (!write_header (writer, preview, columns, fields, n_fields, error))
            goto fail;
        }
      else if (!st_csv_writer_write_row (writer, fields, n_fields, error))
        goto fail;
      out_line += lines_of (fields, n_fields);
    }
  if (error != NULL && *error != NULL)
    goto fail;
  if (!st_csv_writer_close (writer, error))
    goto fail;
  return g_steal_pointer (&copy);

fail:
  g_clear_pointer (&writer, st_csv_writer_free);
  g_remove (copy);
  g_rmdir (dir);
  return NULL;
}

void
st_roster_delete_copy (StRosterPreview *preview,
                       const char      *path)
{
  g_autofree char *dir = NULL;

  if (path == NULL || g_strcmp0 (path, preview->path) == 0)
    return;
  dir = g_path_get_dirname (path);
  g_remove (path);
  g_rmdir (dir);
}
