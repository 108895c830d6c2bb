/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "st-db.h"
#include "st-divisions.h"

G_BEGIN_DECLS

/* st-db-schema.c: brings the file from its PRAGMA user_version to the
 * latest, one migration (one transaction) per version. */
gboolean st_db_schema_migrate (StDb     *self,
                               GError  **error);

/* The statement that captures, in one go, the rows of @table inserted
 * while bulk capture was on (see st_db_bulk_begin ()); NULL when the
 * table's columns cannot be read. */
char    *st_db_schema_bulk_capture_sql (StDb       *self,
                                        const char *table);

/* (Re)creates the triggers that capture local changes of @table. */
gboolean st_db_schema_create_triggers  (StDb        *self,
                                        const char  *table,
                                        GError     **error);

/* Adds or replaces @divisions in the database's list (one transaction is
 * the caller's). */
gboolean st_db_store_divisions         (StDb         *self,
                                        StDivisions  *divisions,
                                        GError      **error);

G_END_DECLS
