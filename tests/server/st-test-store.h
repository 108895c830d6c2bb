/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which store the server tests run on (issue 19): SQLite files, or, with
 * ST_TEST_STORE=pg, a PostgreSQL database per file name in the throwaway
 * cluster tests/pg-cluster started (ST_TEST_PG). meson runs the server and
 * sync suites once each way. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether this run's server stores in PostgreSQL. */
gboolean  st_test_store_is_pg    (void);
/* In a PostgreSQL run, switches between SQLite files (FALSE) and
 * PostgreSQL (TRUE) from now on: a test that moves a county from one to
 * the other. */
void      st_test_store_use_pg   (gboolean     pg);
/* What the server is given as --db for the database file @db_path: the
 * path itself, or the connection string of a database of its own (made
 * on first use). Aborts with a clear message when ST_TEST_STORE=pg runs
 * without a cluster. */
char     *st_test_store_db       (const char  *db_path);
/* The first value @sql reads in @db_path's database (PostgreSQL runs
 * only), for a test that looks inside it or damages it; NULL when there is
 * no row. */
char     *st_test_store_pg_query (const char  *db_path,
                                  const char  *sql);
/* The integer @sql reads in @db_path's database (PostgreSQL runs only),
 * with $1 bound to @param (may be NULL); asserts one row. */
gint64    st_test_store_pg_int   (const char  *db_path,
                                  const char  *sql,
                                  const char  *param);
/* PostgreSQL runs only: takes the lock every server process's write
 * transaction takes first (st-store-pg.c), on a connection of its own, and
 * holds it until st_test_store_pg_unlock (): the servers' writers wait,
 * and what is sent meanwhile queues up for one transaction. */
gpointer  st_test_store_pg_lock_writes   (const char *db_path);
/* Asks for the servers' write lock without waiting for it (in line behind
 * whoever asked before); st_test_store_pg_lock_wait () waits until it is
 * held. */
gpointer  st_test_store_pg_lock_ask     (const char *db_path);
void      st_test_store_pg_lock_wait    (gpointer    lock);
void      st_test_store_pg_unlock        (gpointer    lock);
/* Every row of every table of @db_path's database as text (PostgreSQL
 * runs only): what a copy of the database would give away. */
char     *st_test_store_pg_dump  (const char  *db_path);

G_END_DECLS
