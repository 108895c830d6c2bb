/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How a pushed change meets the row the server holds: the merge rule, kept
 * apart from storage and from the protocol so that the sync-engine issue can
 * refine it (per-field last-writer-wins for participants, deletes that win
 * only over edits they have seen) without touching either. */
#pragma once

#include <json-glib/json-glib.h>

#include "st-server-catalog.h"
#include "st-store.h"

G_BEGIN_DECLS

typedef struct
{
  const char *table;
  const char *row;
  const char *kind;       /* insert | update | delete */
  gint64      hlc;
  gint64      base_hlc;   /* 0: none */
  const char *device;
  const char *writer;     /* account name */
  JsonObject *fields;     /* the changed fields, "deleted" among them */
} StChange;

typedef enum
{
  ST_MERGE_APPLIED,        /* the change was written */
  ST_MERGE_UNCHANGED,      /* the row already holds what the change says; nothing written */
  ST_MERGE_WON_CONFLICT,   /* written over values it had not seen: *losing holds them */
  ST_MERGE_LOST_CONFLICT,  /* not written, the row is newer: *losing holds the change's values */
  ST_MERGE_INCOMPLETE,     /* no such row, and the change is not a whole row */
} StMergeResult;

/* Orders two row clocks: by hlc, then by device id. */
int            st_merge_clock_compare (gint64          hlc_a,
                                       const char     *device_a,
                                       gint64          hlc_b,
                                       const char     *device_b);

/* Merges @change into *@row (NULL when the server has no such row; then a
 * new record is made). On APPLIED and WON_CONFLICT *@row is to be written.
 * *@losing, on a conflict, is the losing values, field by field. */
StMergeResult  st_merge_change        (const StTable  *table,
                                       StRecord      **row,
                                       const StChange *change,
                                       JsonObject    **losing);

/* Whether @fields carry every field a new row of @table needs. */
gboolean       st_merge_is_whole_row  (const StTable  *table,
                                       JsonObject     *fields);

/* The value of @field in @record, "deleted" included (a new node). */
JsonNode      *st_record_get_field    (const StRecord *record,
                                       const char     *field);

G_END_DECLS
