/* SPDX-License-Identifier: GPL-3.0-or-later */
/* StStore on SQLite: WAL, synchronous = FULL (a push the server acknowledged
 * survives a power cut), one write connection guarded by a mutex, and a pool
 * of read-only connections for the readers, which WAL lets run beside the
 * writer. Every value is bound; no SQL is built from data.
 *
 * This file: errors, connections, opening the store, transactions. The
 * schema and the store's upkeep are in st-store-sqlite-schema.c, accounts,
 * tokens, devices and the audit log in st-store-sqlite-accounts.c, the
 * synced rows and the feed in st-store-sqlite-feed.c, the change log in
 * st-store-sqlite-log.c; what they share in st-store-sqlite-private.h. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "st-db.h"
#include "st-store-sqlite-private.h"

static void st_store_sqlite_iface_init (StStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StStoreSqlite, st_store_sqlite, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ST_TYPE_STORE, st_store_sqlite_iface_init))


/* Errors */

gboolean
sqlite_set_error (StStoreSqlite  *self,
                  sqlite3        *db,
                  int             rc,
                  GError        **error)
{
  const char *detail = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  g_debug ("sqlite: %s (%d)", detail, rc);
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FULL,
                   _("The disk of the server database %s is full. Nothing was saved."),
                   self->path);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_BUSY,
                   _("The server database %s is held by another program. Try again in a moment."),
                   self->path);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_NOT_A_STORE,
                   _("The file %s is not a shuangti-server database or is damaged. Restore it from a backup."),
                   self->path);
      break;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED,
                   _("The server database %s cannot be written. Check that it and its folder belong to the user running shuangti-server."),
                   self->path);
      break;
    default:
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED,
                   _("The server database %s failed (%s). Nothing was saved."),
                   self->path, detail);
      break;
    }
  return FALSE;
}


/* Connections */

static void
conn_free (Conn *conn)
{
  if (conn == NULL)
    return;
  g_clear_pointer (&conn->literals, g_hash_table_unref);
  g_clear_pointer (&conn->statements, g_hash_table_unref);
  g_clear_object (&conn->parser);
  if (conn->db != NULL)
    sqlite3_close_v2 (conn->db);
  g_free (conn);
}

static Conn *
conn_open (StStoreSqlite  *self,
           gboolean        writer,
           GError        **error)
{
  Conn *conn = g_new0 (Conn, 1);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  int rc;

  conn->literals = g_hash_table_new (g_direct_hash, g_direct_equal);
  conn->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
  conn->parser = json_parser_new_immutable ();
  rc = st_db_sqlite_open (self->path, flags, &conn->db);
  if (rc != SQLITE_OK)
    {
      sqlite_set_error (self, conn->db, rc, error);
      conn_free (conn);
      return NULL;
    }
  sqlite3_extended_result_codes (conn->db, 1);
  /* Long enough for an administrator's command or a checkpoint. */
  sqlite3_busy_timeout (conn->db, 10000);
  rc = sqlite3_exec (conn->db,
                     writer
                     ? "PRAGMA journal_mode = WAL;"
                       "PRAGMA synchronous = FULL;"
                       "PRAGMA foreign_keys = ON;"
                       "PRAGMA temp_store = MEMORY;"
                       "PRAGMA cache_size = -32000;"
                       /* The checkpointer thread keeps the WAL short; this
                        * is only the backstop. */
                       "PRAGMA wal_autocheckpoint = 16000;"
                     : "PRAGMA query_only = 1;"
                       "PRAGMA temp_store = MEMORY;"
                       "PRAGMA cache_size = -16000;",
                     NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite_set_error (self, conn->db, rc, error);
      conn_free (conn);
      return NULL;
    }
  return conn;
}

/* A cached statement, reset and unbound. */
sqlite3_stmt *
sqlite_conn_prepare (StStoreSqlite  *self,
                     Conn           *conn,
                     const char     *sql,
                     GError        **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (conn->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  rc = sqlite3_prepare_v3 (conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite_set_error (self, conn->db, rc, error);
      return NULL;
    }
  g_hash_table_insert (conn->statements, g_strdup (sql), stmt);
  return stmt;
}

/* sqlite_conn_prepare () of a literal SQL text, found by its address: the hot
 * statements of a push are looked up hundreds of thousands of times, and
 * hashing their text each time cost more than a tenth of what the writer
 * spent outside SQLite. */
sqlite3_stmt *
sqlite_conn_prepare_at (StStoreSqlite  *self,
                        Conn           *conn,
                        const char     *sql,
                        GError        **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (conn->literals, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  stmt = sqlite_conn_prepare (self, conn, sql, error);
  if (stmt != NULL)
    g_hash_table_insert (conn->literals, (gpointer) sql, stmt);
  return stmt;
}

gboolean
sqlite_conn_exec (StStoreSqlite  *self,
                  Conn           *conn,
                  const char     *sql,
                  GError        **error)
{
  int rc = sqlite3_exec (conn->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return sqlite_set_error (self, conn->db, rc, error);
  return TRUE;
}

/* Steps a statement that returns no row, and resets it. */
gboolean
sqlite_step_done (StStoreSqlite  *self,
                  Conn           *conn,
                  sqlite3_stmt   *stmt,
                  GError        **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return sqlite_set_error (self, conn->db, rc, error);
  return TRUE;
}

GPtrArray *
sqlite_read_list (StStoreSqlite  *self,
                  const char     *sql,
                  SqliteBindFunc  bind,
                  gconstpointer   data,
                  SqliteRowFunc   from_row,
                  GDestroyNotify  free_row,
                  GError        **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_row);
  Conn *conn = sqlite_reader_acquire (self, error);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (conn == NULL)
    return NULL;
  stmt = sqlite_conn_prepare (self, conn, sql, error);
  if (stmt != NULL)
    {
      if (bind != NULL)
        bind (stmt, data);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (rows, from_row (stmt));
      ok = rc == SQLITE_DONE || sqlite_set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  sqlite_reader_release (self, conn);
  return ok ? g_steal_pointer (&rows) : NULL;
}

gboolean
sqlite_step_row (StStoreSqlite  *self,
                 Conn           *conn,
                 sqlite3_stmt   *stmt,
                 GError        **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    sqlite_set_error (self, conn->db, rc, error);
  return FALSE;
}

Conn *
sqlite_reader_acquire (StStoreSqlite  *self,
                       GError        **error)
{
  Conn *conn = g_async_queue_try_pop (self->idle_readers);

  if (conn != NULL)
    return conn;
  conn = conn_open (self, FALSE, error);
  if (conn != NULL)
    st_store_readers_add (&self->readers_lock, self->readers, conn);
  return conn;
}

void
sqlite_reader_release (StStoreSqlite *self,
                       Conn          *conn)
{
  if (conn == NULL)
    return;
  /* A read left open would pin the WAL and stop checkpoints. */
  if (!sqlite3_get_autocommit (conn->db))
    sqlite3_exec (conn->db, "ROLLBACK", NULL, NULL, NULL);
  g_async_queue_push (self->idle_readers, conn);
}

/* The connection of @txn, or an idle reader. */
Conn *
sqlite_conn_for (StStoreSqlite  *self,
                 StStoreTxn     *txn,
                 GError        **error)
{
  return txn != NULL ? txn->conn : sqlite_reader_acquire (self, error);
}

void
sqlite_conn_done (StStoreSqlite *self,
                  StStoreTxn    *txn,
                  Conn          *conn)
{
  if (txn == NULL)
    sqlite_reader_release (self, conn);
}


/* The file holds ID numbers and password hashes: its folder is made
 * private here, the file by st_db_sqlite_open (), which alone opens it
 * (closing a descriptor of our own would drop the locks of the
 * connections). */
static gboolean
prepare_private_file (StStoreSqlite  *self,
                      GError        **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED,
                   _("The folder %s for the server database cannot be created: %s."),
                   dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Copies the WAL into the database a few times a second while there is
 * something to copy; PASSIVE never waits for, nor holds up, the writer. */
static gpointer
checkpoint_thread (gpointer data)
{
  StStoreSqlite *self = data;

  g_mutex_lock (&self->checkpoint_lock);
  while (!self->stopping)
    {
      gint64 until = g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND;

      while (!self->stopping && g_cond_wait_until (&self->checkpoint_cond, &self->checkpoint_lock, until))
        ;
      if (self->stopping || !self->checkpoint_due)
        continue;
      self->checkpoint_due = FALSE;
      g_mutex_unlock (&self->checkpoint_lock);
      if (sqlite3_wal_checkpoint_v2 (self->checkpoint_conn->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                     NULL, NULL) != SQLITE_OK)
        g_debug ("checkpoint: %s", sqlite3_errmsg (self->checkpoint_conn->db));
      g_mutex_lock (&self->checkpoint_lock);
    }
  g_mutex_unlock (&self->checkpoint_lock);
  return NULL;
}

StStore *
st_store_sqlite_open (const char  *path,
                      GError     **error)
{
  g_autoptr(StStoreSqlite) self = g_object_new (ST_TYPE_STORE_SQLITE, NULL);

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  if (!prepare_private_file (self, error))
    return NULL;
  self->writer = conn_open (self, TRUE, error);
  if (self->writer == NULL)
    return NULL;
  if (!sqlite_migrate (self, error))
    return NULL;
  self->server_device = sqlite_meta_get (self, "server_device");
  if (self->server_device == NULL)
    {
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_NOT_A_STORE,
                   _("The file %s is not a shuangti-server database or is damaged. Restore it from a backup."),
                   self->path);
      return NULL;
    }
  self->identity = sqlite_meta_get (self, "identity");
  {
    g_autofree char *generation = sqlite_meta_get (self, "generation");

    self->generation = generation ? g_ascii_strtoll (generation, NULL, 10) : 0;
  }
  if (self->identity == NULL)
    {
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_NOT_A_STORE,
                   _("The file %s is not a shuangti-server database or is damaged. Restore it from a backup."),
                   self->path);
      return NULL;
    }
  self->txn.conn = self->writer;
  self->checkpoint_conn = conn_open (self, TRUE, error);
  if (self->checkpoint_conn == NULL)
    return NULL;
  self->checkpointer = g_thread_new ("st-checkpoint", checkpoint_thread, self);
  return ST_STORE (g_steal_pointer (&self));
}


/* Transactions */

static StStoreTxn *
sqlite_begin (StStore  *store,
              GError  **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);

  g_mutex_lock (&self->write_lock);
  if (!sqlite_conn_exec (self, self->writer, "BEGIN IMMEDIATE", error))
    {
      g_mutex_unlock (&self->write_lock);
      return NULL;
    }
  self->txn.next_seq = 0;
  return &self->txn;
}

static gboolean
sqlite_commit (StStore     *store,
               StStoreTxn  *txn,
               GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  gboolean ok = sqlite_conn_exec (self, txn->conn, "COMMIT", error);

  if (!ok && !sqlite3_get_autocommit (txn->conn->db))
    sqlite3_exec (txn->conn->db, "ROLLBACK", NULL, NULL, NULL);
  g_mutex_unlock (&self->write_lock);
  if (ok)
    {
      g_mutex_lock (&self->checkpoint_lock);
      self->checkpoint_due = TRUE;
      g_mutex_unlock (&self->checkpoint_lock);
    }
  return ok;
}

static void
sqlite_rollback (StStore    *store,
                 StStoreTxn *txn)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);

  if (!sqlite3_get_autocommit (txn->conn->db))
    sqlite3_exec (txn->conn->db, "ROLLBACK", NULL, NULL, NULL);
  g_mutex_unlock (&self->write_lock);
}

/* A read snapshot: an idle reader inside BEGIN. Its first read fixes the
 * snapshot; the reads after it keep the reader's page cache, which a read
 * outside a transaction loses whenever the writer committed since. */
static StStoreTxn *
sqlite_begin_read (StStore  *store,
                   GError  **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  StStoreTxn *txn;
  Conn *conn = sqlite_reader_acquire (self, error);

  if (conn == NULL)
    return NULL;
  if (!sqlite_conn_exec (self, conn, "BEGIN", error))
    {
      sqlite_reader_release (self, conn);
      return NULL;
    }
  txn = g_new0 (StStoreTxn, 1);
  txn->conn = conn;
  return txn;
}

static void
sqlite_end_read (StStore    *store,
                 StStoreTxn *txn)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);

  g_return_if_fail (txn != &self->txn);
  sqlite_reader_release (self, txn->conn);
  g_free (txn);
}

static gboolean
run_prepared (StStoreSqlite  *self,
              Conn           *conn,
              const char     *sql,
              GError        **error)
{
  sqlite3_stmt *stmt = sqlite_conn_prepare (self, conn, sql, error);

  return stmt != NULL && sqlite_step_done (self, conn, stmt, error);
}

static gboolean
sqlite_savepoint (StStore     *store,
                  StStoreTxn  *txn,
                  GError     **error)
{
  return run_prepared (ST_STORE_SQLITE (store), txn->conn, "SAVEPOINT request", error);
}

static gboolean
sqlite_release (StStore     *store,
                StStoreTxn  *txn,
                GError     **error)
{
  return run_prepared (ST_STORE_SQLITE (store), txn->conn, "RELEASE request", error);
}

static void
sqlite_rollback_to (StStore    *store,
                    StStoreTxn *txn)
{
  sqlite3_exec (txn->conn->db, "ROLLBACK TO request; RELEASE request", NULL, NULL, NULL);
}


/* GObject */

static void
st_store_sqlite_finalize (GObject *object)
{
  StStoreSqlite *self = ST_STORE_SQLITE (object);

  if (self->checkpointer != NULL)
    {
      g_mutex_lock (&self->checkpoint_lock);
      self->stopping = TRUE;
      g_cond_signal (&self->checkpoint_cond);
      g_mutex_unlock (&self->checkpoint_lock);
      g_thread_join (g_steal_pointer (&self->checkpointer));
    }
  g_clear_pointer (&self->checkpoint_conn, conn_free);
  /* Readers first, so that the writer's close can checkpoint the WAL. */
  g_clear_pointer (&self->idle_readers, g_async_queue_unref);
  g_clear_pointer (&self->readers, g_ptr_array_unref);
  if (self->writer != NULL && self->writer->db != NULL)
    sqlite3_exec (self->writer->db, "PRAGMA optimize", NULL, NULL, NULL);
  g_clear_pointer (&self->writer, conn_free);
  g_mutex_clear (&self->write_lock);
  g_mutex_clear (&self->readers_lock);
  g_mutex_clear (&self->checkpoint_lock);
  g_cond_clear (&self->checkpoint_cond);
  g_free (self->path);
  g_free (self->server_device);
  g_free (self->identity);

  G_OBJECT_CLASS (st_store_sqlite_parent_class)->finalize (object);
}

static void
st_store_sqlite_class_init (StStoreSqliteClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = st_store_sqlite_finalize;
}

static void
st_store_sqlite_init (StStoreSqlite *self)
{
  g_mutex_init (&self->write_lock);
  g_mutex_init (&self->readers_lock);
  g_mutex_init (&self->checkpoint_lock);
  g_cond_init (&self->checkpoint_cond);
  self->readers = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  self->idle_readers = g_async_queue_new ();
}

static void
st_store_sqlite_iface_init (StStoreInterface *iface)
{
  sqlite_schema_iface_init (iface);
  iface->begin = sqlite_begin;
  iface->commit = sqlite_commit;
  iface->rollback = sqlite_rollback;
  iface->begin_read = sqlite_begin_read;
  iface->end_read = sqlite_end_read;
  iface->savepoint = sqlite_savepoint;
  iface->release = sqlite_release;
  iface->rollback_to = sqlite_rollback_to;
  sqlite_accounts_iface_init (iface);
  sqlite_feed_iface_init (iface);
  sqlite_log_iface_init (iface);
}
