/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the record files share (st-records.c: classes and enrolments;
 * st-records-sessions.c: sessions and attendance; st-records-progress.c:
 * study logs, assignments, assessments, exemptions; st-program.c: the
 * programs a county adds): writing rows, one
 * transaction for several writes, the checks of dates and lengths. */
#pragma once

#include <sqlite3.h>

#include "st-db.h"
#include "st-records.h"

G_BEGIN_DECLS

/* Writing rows. Column names come from these files, never from input;
 * values are bound. */
typedef struct
{
  const char *column;
  const char *text;
  gint64      integer;
  gboolean    is_int;
} Col;

#define TEXT(c, v) { (c), (v), 0, FALSE }
#define INT(c, v)  { (c), NULL, (v), TRUE }

typedef struct
{
  StDb     *db;
  gboolean  own;
} Tx;

/* A row to write: the row @id of @table, the @n columns @cols. Column names
 * come from these files, never from input. */
typedef struct
{
  const char *table;
  const char *id;
  const Col  *cols;
  guint       n;
} RowWrite;

/* The row @id of @table with the columns of the array @cols. */
#define ROW_WRITE(table, id, cols) (&(const RowWrite) { (table), (id), (cols), G_N_ELEMENTS (cols) })

void      st_records_bind_col      (sqlite3_stmt   *stmt,
                                    int             index,
                                    const Col      *col);
/* Inserts or replaces the row (@what names it in errors). */
gboolean  st_records_upsert        (StDb           *db,
                                    const RowWrite *row,
                                    const char     *what,
                                    GError        **error);
/* Sets some columns of an existing row, when they differ. */
gboolean  st_records_update        (StDb           *db,
                                    const RowWrite *row,
                                    const char     *what,
                                    GError        **error);
/* Several writes as one: joins the caller's transaction, or makes one. */
gboolean  st_records_tx_begin      (Tx             *tx,
                                    StDb           *db,
                                    GError        **error);
gboolean  st_records_tx_end        (Tx             *tx,
                                    gboolean        ok,
                                    GError        **error);
gboolean  st_records_refuse        (GError        **error,
                                    StRecordsError  code,
                                    const char     *format,
                                    ...) G_GNUC_PRINTF (3, 4);
gboolean  st_records_check_date    (const char     *date,
                                    const char     *label,
                                    GError        **error);
/* A text within its field's length (st-limits.c); @text may be NULL. */
gboolean  st_records_check_length  (const char     *table,
                                    const char     *column,
                                    const char     *label,
                                    const char     *text,
                                    GError        **error);
/* The row @id read by @sql, made by @from_row; NULL and an error if there
 * is none. */
gpointer  st_records_load_one      (StDb           *db,
                                    const char     *sql,
                                    const char     *id,
                                    gpointer      (*from_row) (sqlite3_stmt *),
                                    GError        **error);
gpointer  st_records_load          (StDb           *db,
                                    const char     *sql,
                                    const char     *id,
                                    gpointer      (*from_row) (sqlite3_stmt *),
                                    const char     *not_found,
                                    GError        **error);
gboolean  st_records_one_of        (const char     *value,
                                    const char *const *allowed);
/* Minutes already on the participant's record for @date, other than the
 * attendance @except_id (st-records-sessions.c). */
gint64    st_records_minutes_on_day (StDb          *db,
                                     const char    *participant_id,
                                     const char    *date,
                                     const char    *except_id,
                                     GError       **error);

G_END_DECLS
