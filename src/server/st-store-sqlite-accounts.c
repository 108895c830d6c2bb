/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SQLite store's accounts, sign-in tokens, devices and the audit
 * log of what administrators did. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include <glib/gi18n.h>

#include "st-db.h"

#include "st-store-sqlite-private.h"

#define ACCOUNT_COLUMNS "id, name, role, townships, password_hash, disabled, created_at, changed_at"

static StAccount *
account_from_row (sqlite3_stmt *stmt,
                  int           first)
{
  StAccount *account = st_account_new ();

  account->id = sqlite3_column_int64 (stmt, first);
  account->name = st_db_column_dup (stmt, first + 1);
  if (!st_role_from_string ((const char *) sqlite3_column_text (stmt, first + 2), &account->role))
    account->role = ST_ROLE_TRAINER;
  g_strfreev (account->townships);
  account->townships = st_store_townships_from_text ((const char *) sqlite3_column_text (stmt, first + 3));
  account->password_hash = st_db_column_dup (stmt, first + 4);
  account->disabled = sqlite3_column_int (stmt, first + 5) != 0;
  account->created_at = sqlite3_column_int64 (stmt, first + 6);
  account->changed_at = sqlite3_column_int64 (stmt, first + 7);
  return account;
}

static StAccount *
sqlite_account_find (StStore     *store,
                     StStoreTxn  *txn,
                     const char  *name,
                     GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = sqlite_conn_for (self, txn, error);
  StAccount *account = NULL;
  sqlite3_stmt *stmt;

  if (conn == NULL)
    return NULL;
  stmt = sqlite_conn_prepare (self, conn, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE name = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      if (sqlite_step_row (self, conn, stmt, error))
        account = account_from_row (stmt, 0);
      sqlite3_reset (stmt);
    }
  sqlite_conn_done (self, txn, conn);
  return account;
}

static gpointer
account_from_stmt (sqlite3_stmt *stmt)
{
  return account_from_row (stmt, 0);
}

static GPtrArray *
sqlite_account_list (StStore  *store,
                     GError  **error)
{
  return sqlite_read_list (ST_STORE_SQLITE (store), "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY name",
                           NULL, NULL, account_from_stmt, (GDestroyNotify) st_account_free, error);
}

static gboolean
sqlite_account_insert (StStore     *store,
                       StStoreTxn  *txn,
                       StAccount   *account,
                       GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autofree char *townships = st_store_townships_to_text (account->townships);
  sqlite3_stmt *stmt = sqlite_conn_prepare (self, txn->conn,
                                            "INSERT INTO accounts (name, role, townships, password_hash, disabled, created_at, changed_at)"
                                            " VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  sqlite3_stmt *same;
  int rc;

  if (stmt == NULL)
    return FALSE;
  /* Names differ by more than case: "Qiaoma" is not a second qiaoma (a
   * person types either when signing in on another laptop). NOCASE folds
   * ASCII letters, the only ones that have a case in account names here. */
  same = sqlite_conn_prepare (self, txn->conn, "SELECT name FROM accounts WHERE name = ? COLLATE NOCASE", error);
  if (same == NULL)
    return FALSE;
  sqlite3_bind_text (same, 1, account->name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (same);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_EXISTS,
                   _("An account named “%s” exists already."), (const char *) sqlite3_column_text (same, 0));
      sqlite3_reset (same);
      return FALSE;
    }
  sqlite3_reset (same);
  if (rc != SQLITE_DONE)
    return sqlite_set_error (self, txn->conn->db, rc, error);
  sqlite3_bind_text (stmt, 1, account->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, st_role_to_string (account->role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, townships, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, account->password_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 5, account->disabled);
  sqlite3_bind_int64 (stmt, 6, account->created_at);
  sqlite3_bind_int64 (stmt, 7, account->changed_at);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_EXISTS,
                   _("An account named “%s” exists already."), account->name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return sqlite_set_error (self, txn->conn->db, rc, error);
  account->id = sqlite3_last_insert_rowid (txn->conn->db);
  return TRUE;
}

static gboolean
sqlite_account_update (StStore          *store,
                       StStoreTxn       *txn,
                       const StAccount  *account,
                       GError          **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autofree char *townships = st_store_townships_to_text (account->townships);
  sqlite3_stmt *stmt = sqlite_conn_prepare (self, txn->conn,
                                            "UPDATE accounts SET role = ?, townships = ?, password_hash = ?,"
                                            " disabled = ?, changed_at = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, st_role_to_string (account->role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, townships, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, account->password_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, account->disabled);
  sqlite3_bind_int64 (stmt, 5, account->changed_at);
  sqlite3_bind_int64 (stmt, 6, account->id);
  return sqlite_step_done (self, txn->conn, stmt, error);
}

static StCredential *
sqlite_credential_find (StStore     *store,
                        const char  *token_hash,
                        GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = sqlite_reader_acquire (self, error);
  StCredential *credential = NULL;
  sqlite3_stmt *stmt;

  if (conn == NULL)
    return NULL;
  stmt = sqlite_conn_prepare (self, conn,
                              "SELECT t.device, t.expires_at, t.revoked_at,"
                              " a.id, a.name, a.role, a.townships, a.password_hash, a.disabled, a.created_at, a.changed_at"
                              " FROM tokens AS t JOIN accounts AS a ON a.id = t.account_id WHERE t.hash = ?",
                              error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
      if (sqlite_step_row (self, conn, stmt, error))
        {
          credential = g_new0 (StCredential, 1);
          credential->device = st_db_column_dup (stmt, 0);
          credential->expires_at = sqlite3_column_int64 (stmt, 1);
          credential->revoked = sqlite3_column_type (stmt, 2) != SQLITE_NULL;
          credential->account = account_from_row (stmt, 3);
        }
      sqlite3_reset (stmt);
    }
  sqlite_reader_release (self, conn);
  return credential;
}

static gboolean
sqlite_token_insert (StStore          *store,
                     StStoreTxn       *txn,
                     const StNewToken *token,
                     GError          **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = sqlite_conn_prepare (self, txn->conn,
                                            "INSERT INTO tokens (hash, account_id, device, created_at, expires_at)"
                                            " VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, token->hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, token->account_id);
  sqlite3_bind_text (stmt, 3, token->device, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, token->created_at);
  sqlite3_bind_int64 (stmt, 5, token->expires_at);
  return sqlite_step_done (self, txn->conn, stmt, error);
}

static gboolean
sqlite_token_revoke (StStore     *store,
                     StStoreTxn  *txn,
                     const char  *token_hash,
                     gint64       at,
                     GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = sqlite_conn_prepare (self, txn->conn,
                                            "UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_text (stmt, 2, token_hash, -1, SQLITE_TRANSIENT);
  return sqlite_step_done (self, txn->conn, stmt, error);
}

static gboolean
sqlite_tokens_revoke_account (StStore     *store,
                              StStoreTxn  *txn,
                              gint64       account_id,
                              gint64       at,
                              GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = sqlite_conn_prepare (self, txn->conn,
                                            "UPDATE tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_int64 (stmt, 2, account_id);
  return sqlite_step_done (self, txn->conn, stmt, error);
}

static StDevice *
sqlite_device_find (StStore     *store,
                    StStoreTxn  *txn,
                    const char  *id,
                    GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = sqlite_conn_for (self, txn, error);
  StDevice *device = NULL;
  sqlite3_stmt *stmt;

  if (conn == NULL)
    return NULL;
  stmt = sqlite_conn_prepare_literal (self, conn,
                                      "SELECT id, name, account_id, registered_at, epoch, acked_seq, last_push_at, last_pull_at"
                                      " FROM devices WHERE id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      if (sqlite_step_row (self, conn, stmt, error))
        {
          device = g_new0 (StDevice, 1);
          device->id = st_db_column_dup (stmt, 0);
          device->name = st_db_column_dup (stmt, 1);
          device->account_id = sqlite3_column_int64 (stmt, 2);
          device->registered_at = sqlite3_column_int64 (stmt, 3);
          device->epoch = sqlite3_column_int64 (stmt, 4);
          device->acked_seq = sqlite3_column_int64 (stmt, 5);
          device->last_push_at = sqlite3_column_int64 (stmt, 6);
          device->last_pull_at = sqlite3_column_int64 (stmt, 7);
        }
      sqlite3_reset (stmt);
    }
  sqlite_conn_done (self, txn, conn);
  return device;
}

static gboolean
sqlite_device_save (StStore         *store,
                    StStoreTxn      *txn,
                    const StDevice  *device,
                    GError         **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = sqlite_conn_prepare_literal (self, txn->conn,
                                                    "INSERT INTO devices (id, name, account_id, registered_at, epoch, acked_seq,"
                                                    " last_push_at, last_pull_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                                                    " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                                                    " account_id = excluded.account_id, epoch = excluded.epoch,"
                                                    " acked_seq = excluded.acked_seq, last_push_at = excluded.last_push_at,"
                                                    " last_pull_at = excluded.last_pull_at, revoked_at = NULL", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device->id, -1, SQLITE_TRANSIENT);
  sqlite_bind_text (stmt, 2, device->name);
  sqlite_bind_int_or_null (stmt, 3, device->account_id);
  sqlite3_bind_int64 (stmt, 4, device->registered_at);
  sqlite3_bind_int64 (stmt, 5, device->epoch);
  sqlite3_bind_int64 (stmt, 6, device->acked_seq);
  sqlite_bind_int_or_null (stmt, 7, device->last_push_at);
  sqlite_bind_int_or_null (stmt, 8, device->last_pull_at);
  return sqlite_step_done (self, txn->conn, stmt, error);
}

static gboolean
sqlite_device_key_set (StStore     *store,
                       StStoreTxn  *txn,
                       const char  *id,
                       const char  *key,
                       GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = sqlite_conn_prepare (self, txn->conn, "UPDATE devices SET bundle_key = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  if (!sqlite_step_done (self, txn->conn, stmt, error))
    return FALSE;
  if (sqlite3_changes (txn->conn->db) == 0)
    {
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED, "no device %s", id);
      return FALSE;
    }
  return TRUE;
}

static char *
sqlite_device_key_get (StStore     *store,
                       StStoreTxn  *txn,
                       const char  *id,
                       gint64      *account_id,
                       gint64      *revoked_at,
                       GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = sqlite_conn_for (self, txn, error);
  sqlite3_stmt *stmt;
  char *key = NULL;

  if (conn == NULL)
    return NULL;
  stmt = sqlite_conn_prepare (self, conn, "SELECT bundle_key, account_id, revoked_at FROM devices WHERE id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      if (sqlite_step_row (self, conn, stmt, error))
        {
          key = st_db_column_dup (stmt, 0);
          *account_id = sqlite3_column_int64 (stmt, 1);
          *revoked_at = sqlite3_column_int64 (stmt, 2);
        }
      sqlite3_reset (stmt);
    }
  sqlite_conn_done (self, txn, conn);
  return key;
}

static void
bind_now (sqlite3_stmt  *stmt,
          gconstpointer  now)
{
  sqlite3_bind_int64 (stmt, 1, *(const gint64 *) now);
}

static gpointer
device_info_from_stmt (sqlite3_stmt *stmt)
{
  StDeviceInfo *info = g_new0 (StDeviceInfo, 1);

  info->device.id = st_db_column_dup (stmt, 0);
  info->device.name = st_db_column_dup (stmt, 1);
  info->device.account_id = sqlite3_column_int64 (stmt, 2);
  info->device.registered_at = sqlite3_column_int64 (stmt, 3);
  info->device.epoch = sqlite3_column_int64 (stmt, 4);
  info->device.acked_seq = sqlite3_column_int64 (stmt, 5);
  info->device.last_push_at = sqlite3_column_int64 (stmt, 6);
  info->device.last_pull_at = sqlite3_column_int64 (stmt, 7);
  info->account_name = st_db_column_dup (stmt, 8);
  info->revoked_at = sqlite3_column_int64 (stmt, 9);
  info->active_tokens = sqlite3_column_int64 (stmt, 10);
  return info;
}

static GPtrArray *
sqlite_device_list (StStore  *store,
                    gint64    now,
                    GError  **error)
{
  return sqlite_read_list (ST_STORE_SQLITE (store),
                           "SELECT d.id, d.name, d.account_id, d.registered_at, d.epoch, d.acked_seq, d.last_push_at,"
                           " d.last_pull_at, a.name, d.revoked_at,"
                           " (SELECT count(*) FROM tokens AS t WHERE t.device = d.id AND t.revoked_at IS NULL"
                           "  AND t.expires_at > ?1)"
                           " FROM devices AS d LEFT JOIN accounts AS a ON a.id = d.account_id"
                           " ORDER BY max (coalesce (d.last_push_at, 0), coalesce (d.last_pull_at, 0), d.registered_at) DESC",
                           bind_now, &now, device_info_from_stmt, (GDestroyNotify) st_device_info_free, error);
}

/* Runs @sql (?1 @at, ?2 @id) on @conn: how many rows it changed, -1 with
 * @error set. */
static gint64
run_at_id (StStoreSqlite  *self,
           Conn           *conn,
           const char     *sql,
           gint64          at,
           const char     *id,
           GError        **error)
{
  sqlite3_stmt *stmt = sqlite_conn_prepare (self, conn, sql, error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  if (!sqlite_step_done (self, conn, stmt, error))
    return -1;
  return sqlite3_changes64 (conn->db);
}

static gint64
sqlite_device_revoke (StStore     *store,
                      StStoreTxn  *txn,
                      const char  *id,
                      gint64       at,
                      GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  gint64 n = run_at_id (self, txn->conn, "UPDATE devices SET revoked_at = ? WHERE id = ?", at, id, error);

  if (n <= 0)
    return n < 0 ? -1 : -2;
  return run_at_id (self, txn->conn, "UPDATE tokens SET revoked_at = ? WHERE device = ? AND revoked_at IS NULL",
                    at, id, error);
}

static gboolean
sqlite_admin_log_insert (StStore             *store,
                         StStoreTxn          *txn,
                         const StAdminEntry  *e,
                         GError             **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = sqlite_conn_prepare (self, txn->conn,
                                            "INSERT INTO admin_log (at, os_user, command, target, detail) VALUES (?, ?, ?, ?, ?)",
                                            error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, e->at);
  sqlite_bind_text (stmt, 2, e->os_user);
  sqlite3_bind_text (stmt, 3, e->command, -1, SQLITE_TRANSIENT);
  sqlite_bind_text (stmt, 4, e->target);
  sqlite_bind_text (stmt, 5, e->detail);
  return sqlite_step_done (self, txn->conn, stmt, error);
}

/* Binds the members of @q that the statement names (?1 account, ?2 device
 * prefix, ?3 table, ?4 row, ?5 since, ?6 until, ?7 limit); a NULL member
 * matches everything. */
void
sqlite_bind_log_query (sqlite3_stmt     *stmt,
                       const StLogQuery *q)
{
  sqlite_bind_text (stmt, 1, q->account);
  sqlite_bind_text (stmt, 2, q->device);
  sqlite_bind_text (stmt, 3, q->table);
  sqlite_bind_text (stmt, 4, q->row_id);
  sqlite3_bind_int64 (stmt, 5, q->since);
  sqlite3_bind_int64 (stmt, 6, q->until > 0 ? q->until : G_MAXINT64);
  sqlite3_bind_int64 (stmt, 7, q->limit > 0 ? (gint64) q->limit : -1);
}

static gpointer
admin_row_from_stmt (sqlite3_stmt *stmt)
{
  StAdminRow *row = g_new0 (StAdminRow, 1);

  row->entry.id = sqlite3_column_int64 (stmt, 0);
  row->entry.at = sqlite3_column_int64 (stmt, 1);
  row->entry.os_user = row->strings[0] = st_db_column_dup (stmt, 2);
  row->entry.command = row->strings[1] = st_db_column_dup (stmt, 3);
  row->entry.target = row->strings[2] = st_db_column_dup (stmt, 4);
  row->entry.detail = row->strings[3] = st_db_column_dup (stmt, 5);
  return row;
}

static GPtrArray *
sqlite_admin_log_search (StStore           *store,
                         const StLogQuery  *q,
                         GError           **error)
{
  return sqlite_read_list (ST_STORE_SQLITE (store),
                           "SELECT id, at, os_user, command, target, detail FROM admin_log"
                           " WHERE (?1 IS NULL OR target = ?1) AND (?2 IS NULL OR substr (target, 1, length (?2)) = ?2)"
                           " AND (?3 IS NULL OR ?3 = '') AND (?4 IS NULL OR ?4 = '')"
                           " AND at >= ?5 AND at < ?6 ORDER BY id LIMIT ?7",
                           (SqliteBindFunc) sqlite_bind_log_query, q, admin_row_from_stmt,
                           (GDestroyNotify) st_admin_row_free, error);
}

void
sqlite_accounts_iface_init (StStoreInterface *iface)
{
  iface->account_find = sqlite_account_find;
  iface->account_list = sqlite_account_list;
  iface->account_insert = sqlite_account_insert;
  iface->account_update = sqlite_account_update;
  iface->credential_find = sqlite_credential_find;
  iface->token_insert = sqlite_token_insert;
  iface->token_revoke = sqlite_token_revoke;
  iface->tokens_revoke_account = sqlite_tokens_revoke_account;
  iface->device_find = sqlite_device_find;
  iface->device_save = sqlite_device_save;
  iface->device_list = sqlite_device_list;
  iface->device_revoke = sqlite_device_revoke;
  iface->device_key_set = sqlite_device_key_set;
  iface->device_key_get = sqlite_device_key_get;
  iface->admin_log_insert = sqlite_admin_log_insert;
  iface->admin_log_search = sqlite_admin_log_search;
}
