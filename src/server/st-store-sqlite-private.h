/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the files of the SQLite store share: its connections, its
 * transactions and its errors (st-store-sqlite.c), the schema, the
 * columns that copy a field of a row and the store's upkeep
 * (st-store-sqlite-schema.c), accounts and devices
 * (st-store-sqlite-accounts.c), the synced rows and the feed
 * (st-store-sqlite-feed.c) and the change log (st-store-sqlite-log.c). */
#pragma once

#include <sqlite3.h>

#include "st-store-sqlite.h"

G_BEGIN_DECLS

typedef struct
{
  sqlite3    *db;
  GHashTable *statements;   /* SQL text → sqlite3_stmt */
  GHashTable *literals;     /* address of a literal SQL text → sqlite3_stmt (of statements) */
  JsonParser *parser;       /* reused: a parser per record read cost as much as the read */
} Conn;

struct _StStoreTxn
{
  Conn   *conn;
  gint64  next_seq;        /* 0: not read from the database yet */
};

struct _StStoreSqlite
{
  GObject      parent_instance;

  char        *path;
  char        *server_device;
  char        *identity;
  gint64       generation;
  int          schema_version;

  GMutex       write_lock;
  Conn        *writer;
  StStoreTxn   txn;

  GMutex       readers_lock;
  GPtrArray   *readers;        /* every read connection (owns them) */
  GAsyncQueue *idle_readers;

  /* Checkpoints run on a thread of their own, not in the writer's commits. */
  GThread     *checkpointer;
  Conn        *checkpoint_conn;
  GMutex       checkpoint_lock;
  GCond        checkpoint_cond;
  gboolean     checkpoint_due;
  gboolean     stopping;
};

/* st-store-sqlite.c */

/* Sets @error (translated, naming the file) from SQLite's result code
 * @rc and returns FALSE. */
gboolean      sqlite_set_error        (StStoreSqlite  *self,
                                       sqlite3        *db,
                                       int             rc,
                                       GError        **error);
/* A cached statement, reset and unbound. */
sqlite3_stmt *sqlite_conn_prepare     (StStoreSqlite  *self,
                                       Conn           *conn,
                                       const char     *sql,
                                       GError        **error);
/* sqlite_conn_prepare () of a literal SQL text, found by its address. */
sqlite3_stmt *sqlite_conn_prepare_at  (StStoreSqlite  *self,
                                       Conn           *conn,
                                       const char     *sql,
                                       GError        **error);
/* Only for a string literal, which lives as long as the program. */
#define sqlite_conn_prepare_literal(self, conn, sql, error) sqlite_conn_prepare_at (self, conn, "" sql "", error)
/* Statements without parameters, not cached (BEGIN, DDL …). */
gboolean      sqlite_conn_exec        (StStoreSqlite  *self,
                                       Conn           *conn,
                                       const char     *sql,
                                       GError        **error);
/* Steps a statement that returns no row, and resets it. */
gboolean      sqlite_step_done        (StStoreSqlite  *self,
                                       Conn           *conn,
                                       sqlite3_stmt   *stmt,
                                       GError        **error);
typedef void     (*SqliteBindFunc) (sqlite3_stmt  *stmt,
                                    gconstpointer  data);
typedef gpointer (*SqliteRowFunc)  (sqlite3_stmt  *stmt);
/* Every row of @sql on an idle reader, the statement bound by @bind (when
 * not NULL) with @data, each made by @from_row (element-type: what it
 * returns, freed by @free_row); NULL with @error set. */
GPtrArray    *sqlite_read_list        (StStoreSqlite  *self,
                                       const char     *sql,
                                       SqliteBindFunc  bind,
                                       gconstpointer   data,
                                       SqliteRowFunc   from_row,
                                       GDestroyNotify  free_row,
                                       GError        **error);
/* Steps a statement that returns at most one row, and leaves it for the
 * caller to read and reset: TRUE when there is a row; FALSE when there is
 * none, or (with @error set) when the step failed. */
gboolean      sqlite_step_row         (StStoreSqlite  *self,
                                       Conn           *conn,
                                       sqlite3_stmt   *stmt,
                                       GError        **error);
Conn         *sqlite_reader_acquire   (StStoreSqlite  *self,
                                       GError        **error);
void          sqlite_reader_release   (StStoreSqlite  *self,
                                       Conn           *conn);
/* The connection of @txn, or an idle reader. */
Conn         *sqlite_conn_for         (StStoreSqlite  *self,
                                       StStoreTxn     *txn,
                                       GError        **error);
void          sqlite_conn_done        (StStoreSqlite  *self,
                                       StStoreTxn     *txn,
                                       Conn           *conn);

/* NULL binds SQL NULL. */
static inline void
sqlite_bind_text (sqlite3_stmt *stmt,
                  int           index,
                  const char   *value)
{
  if (value == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

/* 0 binds SQL NULL. */
static inline void
sqlite_bind_int_or_null (sqlite3_stmt *stmt,
                         int           index,
                         gint64        value)
{
  if (value == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

/* st-store-sqlite-schema.c */

/* Brings the schema of the writer's database to the latest version. */
gboolean      sqlite_migrate          (StStoreSqlite  *self,
                                       GError        **error);
/* NULL when there is no such key, or (with a message in the log) when it
 * cannot be read. */
char         *sqlite_meta_get         (StStoreSqlite  *self,
                                       const char     *key);
/* The column that holds @field of @table's rows, or NULL. */
const char   *sqlite_key_column       (const char     *table,
                                       const char     *field);
/* The field of @table's rows that @column holds, or NULL. */
const char   *sqlite_key_field        (const char     *table,
                                       const char     *column);
void          sqlite_schema_iface_init   (StStoreInterface *iface);

/* st-store-sqlite-accounts.c */

/* Binds the members of @q that the statement names (?1 account, ?2 device
 * prefix, ?3 table, ?4 row, ?5 since, ?6 until, ?7 limit): the audit log
 * and the change log are searched alike. */
void          sqlite_bind_log_query      (sqlite3_stmt     *stmt,
                                          const StLogQuery *q);
void          sqlite_accounts_iface_init (StStoreInterface *iface);

/* st-store-sqlite-feed.c */
void          sqlite_feed_iface_init     (StStoreInterface *iface);

/* st-store-sqlite-log.c */
void          sqlite_log_iface_init      (StStoreInterface *iface);

G_END_DECLS
