/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SQLite store's change log: every change a device pushed, with
 * its outcome. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include "st-db.h"

#include "st-store-sqlite-private.h"

#define LOG_COLUMNS "id, at, account_id, account_name, device, epoch, client_seq, tbl, row_id, kind," \
                    " hlc, base_hlc, result, code, server_seq, old, new"

static StLogRow *
log_row_from_stmt (sqlite3_stmt *stmt)
{
  StLogRow *row = g_new0 (StLogRow, 1);
  StLogEntry *e = &row->entry;

  e->id = sqlite3_column_int64 (stmt, 0);
  e->at = sqlite3_column_int64 (stmt, 1);
  e->account_id = sqlite3_column_int64 (stmt, 2);
  e->account_name = row->strings[0] = st_db_column_dup (stmt, 3);
  e->device = row->strings[1] = st_db_column_dup (stmt, 4);
  e->epoch = sqlite3_column_int64 (stmt, 5);
  e->client_seq = sqlite3_column_int64 (stmt, 6);
  e->table = row->strings[2] = st_db_column_dup (stmt, 7);
  e->row_id = row->strings[3] = st_db_column_dup (stmt, 8);
  e->kind = row->strings[4] = st_db_column_dup (stmt, 9);
  e->hlc = sqlite3_column_int64 (stmt, 10);
  e->base_hlc = sqlite3_column_int64 (stmt, 11);
  e->result = row->strings[5] = st_db_column_dup (stmt, 12);
  e->code = row->strings[6] = st_db_column_dup (stmt, 13);
  e->server_seq = sqlite3_column_int64 (stmt, 14);
  e->old_values = row->strings[7] = st_db_column_dup (stmt, 15);
  e->new_values = row->strings[8] = st_db_column_dup (stmt, 16);
  return row;
}

static StLogRow *
sqlite_log_find (StStore     *store,
                 StStoreTxn  *txn,
                 const char  *device,
                 gint64       epoch,
                 gint64       client_seq,
                 GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = sqlite_conn_for (self, txn, error);
  StLogRow *row = NULL;
  sqlite3_stmt *stmt;

  if (conn == NULL)
    return NULL;
  stmt = sqlite_conn_prepare_literal (self, conn,
                                      "SELECT " LOG_COLUMNS " FROM changes WHERE device = ? AND epoch = ? AND client_seq = ?",
                                      error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, device, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, epoch);
      sqlite3_bind_int64 (stmt, 3, client_seq);
      if (sqlite_step_row (self, conn, stmt, error))
        row = log_row_from_stmt (stmt);
      sqlite3_reset (stmt);
    }
  sqlite_conn_done (self, txn, conn);
  return row;
}

static int
sqlite_log_seen (StStore     *store,
                 StStoreTxn  *txn,
                 const char  *row_id,
                 const char  *device,
                 gint64       hlc,
                 GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = sqlite_conn_for (self, txn, error);
  sqlite3_stmt *stmt;
  int seen = -1;
  int rc;

  if (conn == NULL)
    return -1;
  stmt = sqlite_conn_prepare_literal (self, conn,
                                      "SELECT 1 FROM changes WHERE row_id = ? AND device = ? AND hlc = ? AND result != 'rejected' LIMIT 1",
                                      error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, row_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, device, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, hlc);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        seen = rc == SQLITE_ROW;
      else
        sqlite_set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  sqlite_conn_done (self, txn, conn);
  return seen;
}

static gboolean
sqlite_log_insert (StStore           *store,
                   StStoreTxn        *txn,
                   const StLogEntry  *e,
                   GError           **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = sqlite_conn_prepare_literal (self, txn->conn,
                                                    "INSERT INTO changes (at, account_id, account_name, device, epoch, client_seq,"
                                                    " tbl, row_id, kind, hlc, base_hlc, result, code, server_seq, old, new)"
                                                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, e->at);
  sqlite3_bind_int64 (stmt, 2, e->account_id);
  sqlite3_bind_text (stmt, 3, e->account_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, e->device, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, e->epoch);
  sqlite3_bind_int64 (stmt, 6, e->client_seq);
  sqlite3_bind_text (stmt, 7, e->table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, e->row_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, e->kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, e->hlc);
  sqlite_bind_int_or_null (stmt, 11, e->base_hlc);
  sqlite3_bind_text (stmt, 12, e->result, -1, SQLITE_STATIC);
  if (e->code)
    sqlite3_bind_text (stmt, 13, e->code, -1, SQLITE_STATIC);
  sqlite_bind_int_or_null (stmt, 14, e->server_seq);
  if (e->old_values)
    sqlite3_bind_text (stmt, 15, e->old_values, -1, SQLITE_STATIC);
  if (e->new_values)
    sqlite3_bind_text (stmt, 16, e->new_values, -1, SQLITE_STATIC);
  return sqlite_step_done (self, txn->conn, stmt, error);
}

static void
bind_row_id (sqlite3_stmt  *stmt,
             gconstpointer  row_id)
{
  sqlite3_bind_text (stmt, 1, row_id, -1, SQLITE_TRANSIENT);
}

static GPtrArray *
sqlite_log_for_row (StStore     *store,
                    const char  *row_id,
                    GError     **error)
{
  return sqlite_read_list (ST_STORE_SQLITE (store), "SELECT " LOG_COLUMNS " FROM changes WHERE row_id = ? ORDER BY id",
                           bind_row_id, row_id, (SqliteRowFunc) log_row_from_stmt,
                           (GDestroyNotify) st_log_row_free, error);
}

static GPtrArray *
sqlite_log_search (StStore           *store,
                   const StLogQuery  *q,
                   GError           **error)
{
  return sqlite_read_list (ST_STORE_SQLITE (store),
                           "SELECT " LOG_COLUMNS " FROM changes"
                           " WHERE (?1 IS NULL OR account_name = ?1) AND (?2 IS NULL OR substr (device, 1, length (?2)) = ?2)"
                           " AND (?3 IS NULL OR tbl = ?3) AND (?4 IS NULL OR row_id = ?4)"
                           " AND at >= ?5 AND at < ?6 ORDER BY id LIMIT ?7",
                           (SqliteBindFunc) sqlite_bind_log_query, q, (SqliteRowFunc) log_row_from_stmt,
                           (GDestroyNotify) st_log_row_free, error);
}

void
sqlite_log_iface_init (StStoreInterface *iface)
{
  iface->log_search = sqlite_log_search;
  iface->log_find = sqlite_log_find;
  iface->log_seen = sqlite_log_seen;
  iface->log_insert = sqlite_log_insert;
  iface->log_for_row = sqlite_log_for_row;
}
