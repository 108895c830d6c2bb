/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How a pushed change meets the row the server holds: the merge rule, kept
 * apart from storage and from the protocol (docs/sync-protocol.md, Merge).
 *
 * A record's clocks object holds, per field, the clock of the change that
 * last wrote it: "f" its hlc, "f@" its device, "f#" its account ("*" for
 * the fields the row's first change wrote), "deleted<" the base_hlc of the
 * change that last wrote "deleted", "f!" when the server filled the field
 * in from a participant merged into this one, and "~merged" when the server
 * moved the row to another key (the same person twice, st-server-people.c). */
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
  ST_MERGE_WON_CONFLICT,   /* written, and something was set aside: see the StConflict */
  ST_MERGE_LOST_CONFLICT,  /* not written, the row is newer: the change's values are set aside */
  ST_MERGE_INCOMPLETE,     /* no such row, and the change is not a whole row */
} StMergeResult;

/* One side of a field in conflict: a value and the change that wrote it. */
typedef struct
{
  gint64      hlc;
  const char *device;
  const char *account;
} StClock;

/* What a merge set aside, for a review item (docs/sync-protocol.md, Review
 * items). */
typedef struct
{
  const char *kind;       /* conflict | delete | merge */
  const char *winner;     /* change | server | mixed */
  JsonObject *lost;       /* field → the value set aside */
  JsonObject *kept;       /* field → the value the row holds */
  JsonObject *detail;     /* field → { winner, kept, lost, kept_hlc, kept_device, kept_account, lost_… } */
  gboolean    change_won; /* some field: the change's value was kept */
  gboolean    change_lost;/* some field: the change's value was set aside */
  StClock     other;      /* the latest clock of the other side */
  char       *strings[2]; /* owned copies behind other */
} StConflict;

/* Orders two row clocks: by hlc, then by device id. */
int            st_merge_clock_compare (gint64          hlc_a,
                                       const char     *device_a,
                                       gint64          hlc_b,
                                       const char     *device_b);

/* Merges @change into *@row (NULL when the server has no such row; then a
 * new record is made). On APPLIED and WON_CONFLICT *@row is to be written.
 * On a conflict *@conflict is filled (free with st_conflict_free ()). */
StMergeResult  st_merge_change        (const StTable  *table,
                                       StRecord      **row,
                                       const StChange *change,
                                       StConflict    **conflict);

/* Whether @fields carry every field a new row of @table needs. */
gboolean       st_merge_is_whole_row  (const StTable  *table,
                                       JsonObject     *fields);

/* The value of @field in @record, "deleted" included (a new node). */
JsonNode      *st_record_get_field    (const StRecord *record,
                                       const char     *field);

/* The clock of @field in @record (strings owned by @record). */
StClock        st_record_field_clock  (const StRecord *record,
                                       const char     *field);
void           st_record_set_field_clock (StRecord    *record,
                                       const char     *field,
                                       const StClock  *clock);
/* The latest clock of the fields other than "deleted". */
StClock        st_record_data_clock   (const StRecord *record);
/* Makes @clock the row's clock if it is later. */
void           st_record_advance      (StRecord       *record,
                                       const StClock  *clock);
/* Whether the server moved this row to another key (a tombstone). */
gboolean       st_record_is_merged    (const StRecord *record);
/* A deep copy. */
StRecord      *st_record_copy         (const StRecord *record);
/* NULL, or an empty string. */
gboolean       st_value_is_empty      (JsonNode       *value);

StConflict    *st_conflict_new        (const char     *kind);
/* Adds a field to @conflict; @winner is "change" or "server". */
void           st_conflict_add        (StConflict     *conflict,
                                       const char     *field,
                                       const char     *winner,
                                       JsonNode       *kept,
                                       const StClock  *kept_clock,
                                       JsonNode       *lost,
                                       const StClock  *lost_clock);
/* The conflict's winner (change, server or mixed). */
const char    *st_conflict_winner     (StConflict     *conflict);
void           st_conflict_free       (StConflict     *conflict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StConflict, st_conflict_free)

G_END_DECLS
