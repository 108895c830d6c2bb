/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL store: accounts, tokens, devices and the administration
 * log, as the SQLite store keeps them. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include <glib/gi18n.h>

#include "st-store-pg-private.h"

#define ACCOUNT_COLUMNS "id, name, role, townships, password_hash, disabled, created_at, changed_at"

static StAccount *
account_from_row (PGresult *result,
                  int       row,
                  int       first)
{
  StAccount *account = st_account_new ();

  account->id = pg_int (result, row, first);
  account->name = pg_dup (result, row, first + 1);
  if (!st_role_from_string (PQgetvalue (result, row, first + 2), &account->role))
    account->role = ST_ROLE_TRAINER;
  g_strfreev (account->townships);
  account->townships = st_store_townships_from_text (PQgetvalue (result, row, first + 3));
  account->password_hash = pg_dup (result, row, first + 4);
  account->disabled = pg_int (result, row, first + 5) != 0;
  account->created_at = pg_int (result, row, first + 6);
  account->changed_at = pg_int (result, row, first + 7);
  return account;
}

static StAccount *
pg_account_find (StStore     *store,
                 StStoreTxn  *txn,
                 const char  *name,
                 GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgConn *conn = pg_conn_for (self, txn, error);
  StAccount *account = NULL;
  PgParams p = { 0, };
  PGresult *result;

  if (conn == NULL)
    return NULL;
  pg_param_text (&p, name);
  result = pg_query (self, conn, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE name = $1::text", &p, error);
  if (result != NULL)
    {
      if (PQntuples (result) > 0)
        account = account_from_row (result, 0, 0);
      PQclear (result);
    }
  pg_conn_done (self, txn, conn);
  return account;
}

static GPtrArray *
pg_account_list (StStore  *store,
                 GError  **error)
{
  StStorePg *self = ST_STORE_PG (store);
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) st_account_free);
  PgConn *conn = pg_reader_acquire (self, error);
  PGresult *result;

  if (conn == NULL)
    return NULL;
  /* COLLATE "C": the byte order SQLite's BINARY gives. */
  result = pg_query (self, conn, "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY name COLLATE \"C\"",
                     NULL, error);
  pg_reader_release (self, conn);
  if (result == NULL)
    return NULL;
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (accounts, account_from_row (result, i, 0));
  PQclear (result);
  return g_steal_pointer (&accounts);
}

/* The township an account's rows are kept with (its first), or NULL. */
static const char *
first_township (const StAccount *account)
{
  return account->townships != NULL ? account->townships[0] : NULL;
}

/* The first township account tells the county the database serves
 * (st-store-pg-schema.c). */
static gboolean
learn_county (StStorePg        *self,
              StStoreTxn       *txn,
              const StAccount  *account,
              GError          **error)
{
  if (first_township (account) == NULL)
    return TRUE;
  return pg_run (self, txn->conn, st_store_pg_fill_places_sql, NULL, error);
}

/* The township and county of account @id (a parameter): its own, or
 * the database's for a county account and for no account. */
#define PG_SQL_ACCOUNT_PLACE(id) \
  "(SELECT a.township FROM accounts AS a WHERE a.id = " id "::bigint)," \
  " coalesce ((SELECT a.county FROM accounts AS a WHERE a.id = " id "::bigint), " PG_SQL_DB_COUNTY ")"

static gboolean
pg_account_insert (StStore     *store,
                   StStoreTxn  *txn,
                   StAccount   *account,
                   GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  g_autofree char *townships = st_store_townships_to_text (account->townships);
  PgParams p = { 0, };
  PGresult *result;

  /* Names differ by more than case, as in the SQLite store (which folds
   * ASCII letters): checked first, for the name as it is stored. The
   * unique index on lower (name) is the backstop. */
  pg_param_text (&p, account->name);
  result = pg_query (self, txn->conn, "SELECT name FROM accounts WHERE lower (name) = lower ($1::text)", &p, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0)
    {
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_EXISTS,
                   _("An account named “%s” exists already."), PQgetvalue (result, 0, 0));
      PQclear (result);
      return FALSE;
    }
  PQclear (result);
  pg_param_text (&p, st_role_to_string (account->role));
  pg_param_text (&p, townships);
  pg_param_text (&p, account->password_hash);
  pg_param_int (&p, account->disabled);
  pg_param_int (&p, account->created_at);
  pg_param_int (&p, account->changed_at);
  pg_param_text (&p, first_township (account));
  result = pg_query (self, txn->conn,
                     "INSERT INTO accounts (name, role, townships, password_hash, disabled, created_at, changed_at,"
                     " township, county)"
                     " VALUES ($1::text, $2, $3, $4, $5, $6, $7, $8::text, coalesce (left ($8::text, 6), "
                     PG_SQL_DB_COUNTY ")) RETURNING id", &p, error);
  if (result == NULL)
    return FALSE;
  account->id = pg_int (result, 0, 0);
  PQclear (result);
  return learn_county (self, txn, account, error);
}

static gboolean
pg_account_update (StStore          *store,
                   StStoreTxn       *txn,
                   const StAccount  *account,
                   GError          **error)
{
  StStorePg *self = ST_STORE_PG (store);
  g_autofree char *townships = st_store_townships_to_text (account->townships);
  PgParams p = { 0, };

  pg_param_text (&p, st_role_to_string (account->role));
  pg_param_text (&p, townships);
  pg_param_text (&p, account->password_hash);
  pg_param_int (&p, account->disabled);
  pg_param_int (&p, account->changed_at);
  pg_param_int (&p, account->id);
  pg_param_text (&p, first_township (account));
  return pg_run (self, txn->conn,
                 "UPDATE accounts SET role = $1, townships = $2, password_hash = $3,"
                 " disabled = $4, changed_at = $5, township = $7::text,"
                 " county = coalesce (left ($7::text, 6), " PG_SQL_DB_COUNTY ") WHERE id = $6", &p, error)
         && learn_county (self, txn, account, error);
}

static StCredential *
pg_credential_find (StStore     *store,
                    const char  *token_hash,
                    GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgConn *conn = pg_reader_acquire (self, error);
  StCredential *credential = NULL;
  PgParams p = { 0, };
  PGresult *result;

  if (conn == NULL)
    return NULL;
  pg_param_text (&p, token_hash);
  result = pg_query (self, conn,
                     "SELECT t.device, t.expires_at, t.revoked_at,"
                     " a.id, a.name, a.role, a.townships, a.password_hash, a.disabled, a.created_at, a.changed_at"
                     " FROM tokens AS t JOIN accounts AS a ON a.id = t.account_id WHERE t.hash = $1::text",
                     &p, error);
  pg_reader_release (self, conn);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    {
      credential = g_new0 (StCredential, 1);
      credential->device = pg_dup (result, 0, 0);
      credential->expires_at = pg_int (result, 0, 1);
      credential->revoked = !pg_is_null (result, 0, 2);
      credential->account = account_from_row (result, 0, 3);
    }
  PQclear (result);
  return credential;
}

static gboolean
pg_token_insert (StStore          *store,
                 StStoreTxn       *txn,
                 const StNewToken *token,
                 GError          **error)
{
  PgParams p = { 0, };

  pg_param_text (&p, token->hash);
  pg_param_int (&p, token->account_id);
  pg_param_text (&p, token->device);
  pg_param_int (&p, token->created_at);
  pg_param_int (&p, token->expires_at);
  return pg_run (ST_STORE_PG (store), txn->conn,
                 "INSERT INTO tokens (hash, account_id, device, created_at, expires_at, township, county)"
                 " VALUES ($1, $2, $3, $4, $5, " PG_SQL_ACCOUNT_PLACE ("$2") ")", &p, error);
}

static gboolean
pg_token_revoke (StStore     *store,
                 StStoreTxn  *txn,
                 const char  *token_hash,
                 gint64       at,
                 GError     **error)
{
  PgParams p = { 0, };

  pg_param_int (&p, at);
  pg_param_text (&p, token_hash);
  return pg_run (ST_STORE_PG (store), txn->conn,
                 "UPDATE tokens SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL", &p, error);
}

static gboolean
pg_tokens_revoke_account (StStore     *store,
                          StStoreTxn  *txn,
                          gint64       account_id,
                          gint64       at,
                          GError     **error)
{
  PgParams p = { 0, };

  pg_param_int (&p, at);
  pg_param_int (&p, account_id);
  return pg_run (ST_STORE_PG (store), txn->conn,
                 "UPDATE tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL", &p, error);
}

#define DEVICE_COLUMNS "d.id, d.name, d.account_id, d.registered_at, d.epoch, d.acked_seq, d.last_push_at," \
                       " d.last_pull_at"

static void
device_from_row (StDevice *device,
                 PGresult *result,
                 int       row)
{
  device->id = pg_dup (result, row, 0);
  device->name = pg_dup (result, row, 1);
  device->account_id = pg_int (result, row, 2);
  device->registered_at = pg_int (result, row, 3);
  device->epoch = pg_int (result, row, 4);
  device->acked_seq = pg_int (result, row, 5);
  device->last_push_at = pg_int (result, row, 6);
  device->last_pull_at = pg_int (result, row, 7);
}

/* A device the write transaction writes: read inside it from then on. */
static void
device_written (StStoreTxn *txn,
                const char *id)
{
  g_hash_table_add (txn->devices, g_strdup (id));
}

/* A device the write transaction has not written is read outside it, as
 * committed: the same, since every writer of a device holds the write
 * lock (st-store-pg.c), and the read does not wait on the writer's
 * pipeline for the writes of the requests before it. */
static StDevice *
pg_device_find (StStore     *store,
                StStoreTxn  *txn,
                const char  *id,
                GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  StStoreTxn *inside = txn != NULL && g_hash_table_contains (txn->devices, id) ? txn : NULL;
  PgConn *conn = pg_conn_for (self, inside, error);
  StDevice *device = NULL;
  PgParams p = { 0, };
  PGresult *result;

  if (conn == NULL)
    return NULL;
  pg_param_text (&p, id);
  result = pg_query (self, conn, "SELECT " DEVICE_COLUMNS " FROM devices AS d WHERE d.id = $1::text", &p, error);
  pg_conn_done (self, inside, conn);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    {
      device = g_new0 (StDevice, 1);
      device_from_row (device, result, 0);
    }
  PQclear (result);
  return device;
}

static gboolean
pg_device_save (StStore         *store,
                StStoreTxn      *txn,
                const StDevice  *device,
                GError         **error)
{
  PgParams p = { 0, };

  device_written (txn, device->id);
  pg_param_text (&p, device->id);
  pg_param_text (&p, device->name);
  pg_param_int_or_null (&p, device->account_id);
  pg_param_int (&p, device->registered_at);
  pg_param_int (&p, device->epoch);
  pg_param_int (&p, device->acked_seq);
  pg_param_int_or_null (&p, device->last_push_at);
  pg_param_int_or_null (&p, device->last_pull_at);
  return pg_run (ST_STORE_PG (store), txn->conn,
                 "INSERT INTO devices (id, name, account_id, registered_at, epoch, acked_seq,"
                 " last_push_at, last_pull_at, township, county)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, " PG_SQL_ACCOUNT_PLACE ("$3") ")"
                 " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                 " account_id = excluded.account_id, epoch = excluded.epoch,"
                 " acked_seq = excluded.acked_seq, last_push_at = excluded.last_push_at,"
                 " last_pull_at = excluded.last_pull_at, revoked_at = NULL,"
                 " township = excluded.township, county = excluded.county", &p, error);
}

static gboolean
pg_device_key_set (StStore     *store,
                   StStoreTxn  *txn,
                   const char  *id,
                   const char  *key,
                   GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgParams p = { 0, };
  gint64 n;

  device_written (txn, id);
  pg_param_text (&p, key);
  pg_param_text (&p, id);
  n = pg_run_count (self, txn->conn, "UPDATE devices SET bundle_key = $1 WHERE id = $2", &p, error);
  if (n < 0)
    return FALSE;
  if (n == 0)
    {
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED, "no device %s", id);
      return FALSE;
    }
  return TRUE;
}

static char *
pg_device_key_get (StStore     *store,
                   StStoreTxn  *txn,
                   const char  *id,
                   gint64      *account_id,
                   gint64      *revoked_at,
                   GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgConn *conn = txn != NULL ? txn->conn : pg_reader_acquire (self, error);
  PgParams p = { 0, };
  PGresult *result;
  char *key = NULL;

  if (conn == NULL)
    return NULL;
  pg_param_text (&p, id);
  result = pg_query (self, conn, "SELECT bundle_key, account_id, revoked_at FROM devices WHERE id = $1::text",
                     &p, error);
  if (txn == NULL)
    pg_reader_release (self, conn);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    {
      key = PQgetisnull (result, 0, 0) ? NULL : g_strdup (PQgetvalue (result, 0, 0));
      *account_id = PQgetisnull (result, 0, 1) ? 0 : g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
      *revoked_at = PQgetisnull (result, 0, 2) ? 0 : g_ascii_strtoll (PQgetvalue (result, 0, 2), NULL, 10);
    }
  PQclear (result);
  return key;
}

static GPtrArray *
pg_device_list (StStore  *store,
                gint64    now,
                GError  **error)
{
  StStorePg *self = ST_STORE_PG (store);
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func ((GDestroyNotify) st_device_info_free);
  PgConn *conn = pg_reader_acquire (self, error);
  PgParams p = { 0, };
  PGresult *result;

  if (conn == NULL)
    return NULL;
  pg_param_int (&p, now);
  result = pg_query (self, conn,
                     "SELECT " DEVICE_COLUMNS ", a.name, d.revoked_at,"
                     " (SELECT count(*) FROM tokens AS t WHERE t.device = d.id AND t.revoked_at IS NULL"
                     "  AND t.expires_at > $1::bigint)"
                     " FROM devices AS d LEFT JOIN accounts AS a ON a.id = d.account_id"
                     " ORDER BY greatest (coalesce (d.last_push_at, 0), coalesce (d.last_pull_at, 0), d.registered_at) DESC",
                     &p, error);
  pg_reader_release (self, conn);
  if (result == NULL)
    return NULL;
  for (int i = 0; i < PQntuples (result); i++)
    {
      StDeviceInfo *info = g_new0 (StDeviceInfo, 1);

      device_from_row (&info->device, result, i);
      info->account_name = pg_dup (result, i, 8);
      info->revoked_at = pg_int (result, i, 9);
      info->active_tokens = pg_int (result, i, 10);
      g_ptr_array_add (devices, info);
    }
  PQclear (result);
  return g_steal_pointer (&devices);
}

static gint64
pg_device_revoke (StStore     *store,
                  StStoreTxn  *txn,
                  const char  *id,
                  gint64       at,
                  GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgParams p = { 0, };
  gint64 n;

  device_written (txn, id);
  pg_param_int (&p, at);
  pg_param_text (&p, id);
  n = pg_run_count (self, txn->conn, "UPDATE devices SET revoked_at = $1 WHERE id = $2", &p, error);
  if (n <= 0)
    return n < 0 ? -1 : -2;
  return pg_run_count (self, txn->conn,
                       "UPDATE tokens SET revoked_at = $1 WHERE device = $2 AND revoked_at IS NULL", &p, error);
}

static gboolean
pg_admin_log_insert (StStore             *store,
                     StStoreTxn          *txn,
                     const StAdminEntry  *e,
                     GError             **error)
{
  PgParams p = { 0, };

  pg_param_int (&p, e->at);
  pg_param_text (&p, e->os_user);
  pg_param_text (&p, e->command);
  pg_param_text (&p, e->target);
  pg_param_text (&p, e->detail);
  return pg_run (ST_STORE_PG (store), txn->conn,
                 "INSERT INTO admin_log (at, os_user, command, target, detail, township, county)"
                 " SELECT $1::bigint, $2::text, $3::text, $4::text, $5::text, a.township, coalesce (a.county, " PG_SQL_DB_COUNTY ")"
                 /* The account the command was about, or the account of
                  * the laptop it was about; else the county's. */
                 " FROM (SELECT NULL) AS nothing LEFT JOIN LATERAL"
                 " (SELECT township, county FROM accounts WHERE lower (name) = lower ($4::text)"
                 "  UNION ALL SELECT township, county FROM devices WHERE id = $4::text LIMIT 1) AS a ON TRUE",
                 &p, error);
}

void
pg_accounts_iface_init (StStoreInterface *iface)
{
  iface->account_find = pg_account_find;
  iface->account_list = pg_account_list;
  iface->account_insert = pg_account_insert;
  iface->account_update = pg_account_update;
  iface->credential_find = pg_credential_find;
  iface->token_insert = pg_token_insert;
  iface->token_revoke = pg_token_revoke;
  iface->tokens_revoke_account = pg_tokens_revoke_account;
  iface->device_find = pg_device_find;
  iface->device_save = pg_device_save;
  iface->device_key_set = pg_device_key_set;
  iface->device_key_get = pg_device_key_get;
  iface->device_list = pg_device_list;
  iface->device_revoke = pg_device_revoke;
  iface->admin_log_insert = pg_admin_log_insert;
}
