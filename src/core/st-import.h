/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Roster import (信息名册): every data row ends up imported, updated or
 * rejected, in one transaction. */
#pragma once

#include "st-csv.h"
#include "st-db.h"
#include "st-divisions.h"

G_BEGIN_DECLS

#define ST_IMPORT_ERROR (st_import_error_quark ())

typedef enum
{
  ST_IMPORT_ERROR_NO_HEADER,     /* no row names the name and ID number columns */
  ST_IMPORT_ERROR_CANCELLED,
  ST_IMPORT_ERROR_SPREADSHEET,   /* an Excel workbook, not CSV: save it as CSV first */
  ST_IMPORT_ERROR_TOWNSHIP,      /* the default township is not the county's */
} StImportError;

/* What a roster column holds. */
typedef enum
{
  ST_IMPORT_COLUMN_UNKNOWN,
  ST_IMPORT_COLUMN_IGNORED,      /* known but derived or irrelevant: 序号, 出生日期, 年龄 */
  ST_IMPORT_COLUMN_NAME,
  ST_IMPORT_COLUMN_ID_NUMBER,
  ST_IMPORT_COLUMN_SEX,
  ST_IMPORT_COLUMN_ETHNICITY,
  ST_IMPORT_COLUMN_TOWNSHIP,
  ST_IMPORT_COLUMN_VILLAGE,
  ST_IMPORT_COLUMN_PHONE,
  ST_IMPORT_COLUMN_EDUCATION,
  ST_IMPORT_COLUMN_EMPLOYMENT,
  ST_IMPORT_COLUMN_HEALTH,
  ST_IMPORT_COLUMN_POVERTY,
  ST_IMPORT_COLUMN_NOTES,
  ST_IMPORT_COLUMN_LIVES,        /* 现居住地 / 居住情况: the first visit's */
  ST_IMPORT_COLUMN_AWAY_PLACE,   /* 外出务工地点: the first visit's */
  ST_IMPORT_COLUMN_REACHED,      /* 是否联系上: the first visit's */
  ST_IMPORT_N_COLUMNS
} StImportColumn;

typedef struct
{
  gboolean     dry_run;
  const char  *default_township;  /* code or name, for rows without one */
  const GDate *today;             /* NULL = today; ages and future dates */
} StImportOptions;

typedef struct
{
  guint  line;
  char  *name;
  char  *message;
} StImportNote;

typedef struct
{
  guint   line;
  char  **fields;      /* the row as read */
  char   *reason;
} StImportReject;

typedef struct
{
  guint  line;
  char  *participant_id;
  char  *name;
  char  *id_number;
  char  *field;        /* column, see st_participant_fields () */
  char  *label;        /* translated */
  char  *stored;       /* what the database holds, kept */
  char  *offered;      /* what the roster says, not written */
} StImportConflict;

typedef struct
{
  char          *file_name;
  StCsvEncoding  encoding;
  char         **header;            /* as read */
  StImportColumn *columns;          /* one per header field */
  GPtrArray     *unknown_columns;   /* (element-type utf8) ignored and listed */

  guint          rows_read;
  guint          imported;
  guint          updated;           /* already known, including … */
  guint          unchanged;         /* … those the roster had nothing new for */
  guint          rejected;

  GPtrArray     *rejects;           /* StImportReject */
  GPtrArray     *warnings;          /* StImportNote */
  GPtrArray     *conflicts;         /* StImportConflict */
  GPtrArray     *repeats;           /* StImportNote: the same ID number again in the file */
  /* The first visits the roster's columns about residence, work and health
   * made (how = "roster", docs/outreach.md): one note each, what it
   * recorded and what it changed in the person's record. */
  GPtrArray     *visits;            /* StImportNote */
  gboolean       dry_run;
} StImportResult;

typedef void (*StImportProgress) (double fraction, gpointer user_data);

StImportColumn  st_import_column_for_header  (const char              *header);
const char     *st_import_column_label       (StImportColumn           column);

/* Imports @path into @db. Returns NULL with @error set when nothing could be
 * imported (unreadable file, no header, cancelled, database failure) — and
 * then the database is exactly as before. */
StImportResult *st_import_roster             (StDb                    *db,
                                              const char              *path,
                                              const StImportOptions   *options,
                                              GCancellable            *cancellable,
                                              StImportProgress         progress,
                                              gpointer                 user_data,
                                              GError                 **error);
/* FALSE with ST_IMPORT_ERROR_SPREADSHEET when @path is an Excel workbook
 * (XLSX or XLS), saying how to save it as CSV; the roster's import and its
 * preview both ask. TRUE for anything else, unreadable files too (the CSV
 * reader says why). */
gboolean        st_import_refuse_workbook    (const char              *path,
                                              GError                 **error);
/* The rejected rows, with their row number and the reason, in the input's
 * encoding, so that they can be fixed and imported again. */
gboolean        st_import_result_write_rejects (StImportResult        *result,
                                                const char            *path,
                                                GError               **error);
/* One translated line: "1000 rows read: …". */
char           *st_import_result_summary     (StImportResult          *result);
void            st_import_result_free        (StImportResult          *result);

/* The divisions this database knows (the shipped county and any imported). */
StDivisions    *st_import_load_divisions     (StDb                    *db,
                                              GError                 **error);
/* Adds the divisions of another county from a CSV (code,name,parent_code,level). */
gboolean        st_import_divisions          (StDb                    *db,
                                              const char              *path,
                                              guint                   *n_imported,
                                              GError                 **error);

GQuark          st_import_error_quark        (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StImportResult, st_import_result_free)

G_END_DECLS
