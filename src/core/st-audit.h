/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The change history of one row, from the audit log. */
#pragma once

#include "st-db.h"

G_BEGIN_DECLS

typedef struct
{
  char *field;       /* the column */
  char *old_value;   /* as text; NULL when it was empty (or for an insert) */
  char *new_value;
} StAuditChange;

typedef struct
{
  gint64      id;
  gint64      at_ms;     /* wall clock, ms since 1970 */
  char       *actor;
  char       *device;
  char       *op;        /* insert | update | delete */
  GPtrArray  *changes;   /* StAuditChange, in column order of the JSON */
} StAuditEntry;

/* Every audit entry of the row with key @row_id, the newest first. */
GPtrArray *st_audit_history     (StDb        *db,
                                 const char  *row_id,
                                 GError     **error);

void       st_audit_entry_free  (StAuditEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StAuditEntry, st_audit_entry_free)

G_END_DECLS
