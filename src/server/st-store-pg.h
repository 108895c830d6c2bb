/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The storage backend for many counties or several server processes: one
 * PostgreSQL database (issue 19; docs/deployment.md, PostgreSQL). */
#pragma once

#include "st-store.h"

G_BEGIN_DECLS

/* The advisory locks of the store (pg_advisory_xact_lock keys): every
 * process that writes the database takes the first (tests take it to hold
 * the servers' writers back). */
#define ST_PG_LOCK_WRITE    "5319190001"  /* every write transaction: one at a time */
#define ST_PG_LOCK_MIGRATE  "5319190002"  /* schema migrations */

#define ST_TYPE_STORE_PG (st_store_pg_get_type ())
G_DECLARE_FINAL_TYPE (StStorePg, st_store_pg, ST, STORE_PG, GObject)

/* Connects to the database @conninfo names (a postgresql:// URI or a libpq
 * connection string) and brings its schema up to date. A database that
 * holds tables of anyone else is refused with ST_STORE_ERROR_NOT_A_STORE. */
StStore *st_store_pg_open          (const char  *conninfo,
                                    GError     **error);

/* The storage schema this build writes (meta schema_version). */
int      st_store_pg_latest_schema (void);

/* Whether @db names a PostgreSQL database rather than a file:
 * postgresql://, postgres://, or a libpq key=value string. */
gboolean st_store_pg_is_conninfo   (const char  *db);

/* @conninfo without its password, for messages and logs. */
char    *st_store_pg_display_name  (const char  *conninfo);

G_END_DECLS
