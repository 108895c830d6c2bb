/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal to st-db.c: the tables each commit changed, for the
 * "tables-changed" signal (see st_db_follow_changes ()). */
#pragma once

#include "st-db.h"

G_BEGIN_DECLS

typedef struct _StDbChanges StDbChanges;

/* Watches @db's connection (its handle must be open). */
StDbChanges *st_db_changes_new    (StDb        *db);
/* From now on the commits of every connection to the same file are
 * announced on @self's database, in the calling thread's main context. */
void         st_db_changes_follow (StDbChanges *self);
void         st_db_changes_free   (StDbChanges *self);

/* In st-db.c: emits "tables-changed". */
void         st_db_emit_tables_changed (StDb               *db,
                                        const char * const *tables);

G_END_DECLS
