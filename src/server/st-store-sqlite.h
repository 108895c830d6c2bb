/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The embedded storage backend: one SQLite file in WAL mode. */
#pragma once

#include "st-store.h"

G_BEGIN_DECLS

#define ST_TYPE_STORE_SQLITE (st_store_sqlite_get_type ())
G_DECLARE_FINAL_TYPE (StStoreSqlite, st_store_sqlite, ST, STORE_SQLITE, GObject)

/* Opens the server database at @path, creating it (mode 0600) and bringing
 * its schema up to date. A laptop's database or any other SQLite file is
 * refused with ST_STORE_ERROR_NOT_A_STORE. */
StStore *st_store_sqlite_open (const char  *path,
                               GError     **error);

/* The storage schema this build writes (PRAGMA user_version). */
int      st_store_sqlite_latest_schema (void);

G_END_DECLS
