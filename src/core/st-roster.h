/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the import window shows before importing a roster: the encoding,
 * the header row found, the first rows, and the column mapping, which a
 * person may change. */
#pragma once

#include "st-csv.h"
#include "st-import.h"

G_BEGIN_DECLS

typedef struct
{
  char            *path;
  StCsvEncoding    encoding;
  gboolean         header_found;   /* FALSE: the first row stands in for it, nothing mapped … */
  gboolean         headerless;     /* … unless it holds an ID number: no header at all (header is all "") */
  guint            header_line;    /* 1-based line of the header row; 0 when headerless */
  guint            n_columns;
  char           **header;         /* n_columns fields, as read (trimmed) */
  StImportColumn  *columns;        /* what st_import_roster () would map each to */
  GPtrArray       *rows;           /* (element-type GStrv) the first data rows, padded to n_columns */
  guint            n_data_rows;    /* in the whole file, blank rows not counted */
} StRosterPreview;

/* Reads @path, finds the header as the import does (the first of the first
 * ten rows naming 姓名 and 身份证号), and keeps up to @n_rows data rows.
 * Refuses an Excel workbook with the import's message. */
StRosterPreview *st_roster_preview_new         (const char             *path,
                                                guint                   n_rows,
                                                GError                **error);

/* TRUE when @columns maps a name and an ID number column. */
gboolean         st_roster_mapping_is_usable   (const StImportColumn   *columns,
                                                guint                   n_columns);

/* When @columns differs from what the import would detect, writes a copy
 * of the roster, in its encoding and with every row on the same line (one
 * line lower for a file without a header, which gets one), whose
 * header row maps as @columns says (a column mapped to
 * ST_IMPORT_COLUMN_UNKNOWN or _IGNORED is not imported), into a new private
 * folder, and returns its path; the caller imports it and then deletes it
 * with st_roster_delete_copy (). Returns a copy of the original path when
 * nothing changed. */
char            *st_roster_apply_mapping       (StRosterPreview        *preview,
                                                const StImportColumn   *columns,
                                                GError                **error);
void             st_roster_delete_copy         (StRosterPreview        *preview,
                                                const char             *path);

/* A header name the import maps to @column: 姓名 for the name. */
const char      *st_roster_header_for_column   (StImportColumn          column);

void             st_roster_preview_free        (StRosterPreview        *preview);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StRosterPreview, st_roster_preview_free)

G_END_DECLS
