/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL store: the change log, the audit and the memory of op ids
 * (device, epoch, client_seq) that makes a resent push harmless, whichever
 * server process it reaches (the UNIQUE constraint is the backstop; the
 * write lock makes the second process find the first one's entry). */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include "st-store-pg-private.h"

#define LOG_COLUMNS "id, at, account_id, account_name, device, epoch, client_seq, tbl, row_id, kind," \
                    " hlc, base_hlc, result, code, server_seq, old, new"

static StLogRow *
log_row_from_result (PGresult *result,
                     int       i)
{
  StLogRow *row = g_new0 (StLogRow, 1);
  StLogEntry *e = &row->entry;

  e->id = pg_int (result, i, 0);
  e->at = pg_int (result, i, 1);
  e->account_id = pg_int (result, i, 2);
  e->account_name = row->strings[0] = pg_dup (result, i, 3);
  e->device = row->strings[1] = pg_dup (result, i, 4);
  e->epoch = pg_int (result, i, 5);
  e->client_seq = pg_int (result, i, 6);
  e->table = row->strings[2] = pg_dup (result, i, 7);
  e->row_id = row->strings[3] = pg_dup (result, i, 8);
  e->kind = row->strings[4] = pg_dup (result, i, 9);
  e->hlc = pg_int (result, i, 10);
  e->base_hlc = pg_int (result, i, 11);
  e->result = row->strings[5] = pg_dup (result, i, 12);
  e->code = row->strings[6] = pg_dup (result, i, 13);
  e->server_seq = pg_int (result, i, 14);
  e->old_values = row->strings[7] = pg_dup (result, i, 15);
  e->new_values = row->strings[8] = pg_dup (result, i, 16);
  return row;
}

static GPtrArray *
log_rows (PGresult *result)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) st_log_row_free);

  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (rows, log_row_from_result (result, i));
  PQclear (result);
  return rows;
}

static StLogRow *
pg_log_find (StStore     *store,
             StStoreTxn  *txn,
             const char  *device,
             gint64       epoch,
             gint64       client_seq,
             GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgConn *conn;
  StLogRow *row = NULL;
  PgParams p = { 0, };
  PGresult *result;

  /* A push's new changes: known absent, a range at a time. */
  if (txn != NULL && pg_cache_op_absent (self, txn, device, epoch, client_seq))
    return NULL;
  conn = pg_conn_for (self, txn, error);
  if (conn == NULL)
    return NULL;
  pg_param_text (&p, device);
  pg_param_int (&p, epoch);
  pg_param_int (&p, client_seq);
  result = pg_query (self, conn,
                     "SELECT " LOG_COLUMNS " FROM changes WHERE device = $1::text AND epoch = $2::bigint"
                     " AND client_seq = $3::bigint", &p, error);
  pg_conn_done (self, txn, conn);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    row = log_row_from_result (result, 0);
  PQclear (result);
  return row;
}

static int
pg_log_seen (StStore     *store,
             StStoreTxn  *txn,
             const char  *row_id,
             const char  *device,
             gint64       hlc,
             GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgConn *conn = pg_conn_for (self, txn, error);
  PgParams p = { 0, };
  PGresult *result;
  int seen;

  if (conn == NULL)
    return -1;
  pg_param_text (&p, row_id);
  pg_param_text (&p, device);
  pg_param_int (&p, hlc);
  result = pg_query (self, conn,
                     "SELECT 1 FROM changes WHERE row_id = $1::text AND device = $2::text AND hlc = $3::bigint"
                     " AND result <> 'rejected' LIMIT 1", &p, error);
  pg_conn_done (self, txn, conn);
  if (result == NULL)
    return -1;
  seen = PQntuples (result) > 0;
  PQclear (result);
  return seen;
}

/* Entries sent at once, at most. */
#define LOG_BATCH_MAX 1000
/* The columns' types (PgColumns): at, account_id, account_name, device, epoch,
 * client_seq, tbl, row_id, kind, hlc, base_hlc, result, code, server_seq, old,
 * new, and whether the row's township is known, and the township. */
#define LOG_TYPES "bbttbbtttbbttbttBt"

void
pg_log_batch_clear (PgConn *conn)
{
  if (conn->log_batch != NULL)
    pg_columns_reset (conn->log_batch);
  if (conn->log_rows != NULL)
    g_hash_table_remove_all (conn->log_rows);
}

gboolean
pg_log_names_row (PgConn     *conn,
                  const char *table,
                  const char *id)
{
  g_autofree char *key = NULL;

  if (conn->log_rows == NULL || g_hash_table_size (conn->log_rows) == 0)
    return FALSE;
  key = g_strconcat (table, "\x1f", id, NULL);
  return g_hash_table_contains (conn->log_rows, key);
}

/* Sends the entries logged since the last time as one INSERT (not waited
 * for, as one entry was): a push of a hundred changes makes one statement
 * of the change log instead of a hundred. */
gboolean
pg_log_flush (StStorePg  *self,
              PgConn     *conn,
              GError    **error)
{
  PgParams p = { 0, };
  gboolean ok;

  if (conn->log_batch == NULL || conn->log_batch->n_rows == 0)
    return TRUE;
  g_hash_table_remove_all (conn->log_rows);
  pg_columns_params (conn->log_batch, &p);
  /* Sent from here on: pg_run () must not flush it again. */
  conn->log_batch->n_rows = 0;
  /* In the order logged (the entries' ids). The row's township and
   * county: as the transaction last wrote the row (e.known; the county as
   * the row's upsert computes it), else read by the row's key, as one
   * entry reads them (CASE runs a subquery only when it is needed). */
  ok = pg_run (self, conn,
               "INSERT INTO changes (at, account_id, account_name, device, epoch, client_seq,"
               " tbl, row_id, kind, hlc, base_hlc, result, code, server_seq, old, new, township, county)"
               " SELECT e.at, e.account_id, e.account_name, e.device, e.epoch, e.client_seq, e.tbl, e.row_id,"
               " e.kind, e.hlc, e.base_hlc, e.result, e.code, e.server_seq, e.old, e.new,"
               " CASE WHEN e.known THEN e.township"
               " ELSE (SELECT r.township FROM records AS r WHERE r.tbl = e.tbl AND r.id = e.row_id) END,"
               /* The row's county: its township's, or the database's. */
               " CASE WHEN e.known THEN coalesce (left (e.township, 6), " PG_SQL_DB_COUNTY ")"
               " ELSE coalesce ((SELECT r.county FROM records AS r WHERE r.tbl = e.tbl AND r.id = e.row_id), "
               PG_SQL_DB_COUNTY ") END"
               " FROM unnest ($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[],"
               " $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::text[], $13::text[],"
               " $14::bigint[], $15::text[], $16::text[], $17::boolean[], $18::text[]) WITH ORDINALITY"
               " AS e (at, account_id, account_name, device, epoch, client_seq, tbl, row_id, kind, hlc,"
               " base_hlc, result, code, server_seq, old, new, known, township, n)"
               " ORDER BY e.n", &p, error);
  pg_columns_reset (conn->log_batch);
  return ok;
}

static gboolean
pg_log_insert (StStore           *store,
               StStoreTxn        *txn,
               const StLogEntry  *e,
               GError           **error)
{
  PgParams p = { 0, };

  pg_cache_op_logged (txn, e->device, e->epoch, e->client_seq);
  pg_param_int (&p, e->at);
  pg_param_int (&p, e->account_id);
  pg_param_text (&p, e->account_name);
  pg_param_text (&p, e->device);
  pg_param_int (&p, e->epoch);
  pg_param_int (&p, e->client_seq);
  pg_param_text (&p, e->table);
  pg_param_text (&p, e->row_id);
  pg_param_text (&p, e->kind);
  pg_param_int (&p, e->hlc);
  pg_param_int_or_null (&p, e->base_hlc);
  pg_param_text (&p, e->result);
  pg_param_text (&p, e->code);
  pg_param_int_or_null (&p, e->server_seq);
  pg_param_text (&p, e->old_values);
  pg_param_text (&p, e->new_values);
  /* The writer's pipeline: kept, and sent with the others. */
  if (txn->conn->pipelined)
    {
      const char *township = NULL;
      gboolean known = pg_records_township (txn->conn, e->table, e->row_id, &township);

      pg_param_text (&p, known ? "t" : "f");
      pg_param_text (&p, township);
      if (txn->conn->log_batch == NULL)
        txn->conn->log_batch = pg_columns_new (LOG_TYPES);
      if (txn->conn->log_rows == NULL)
        txn->conn->log_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      pg_columns_add (txn->conn->log_batch, p.values);
      g_hash_table_add (txn->conn->log_rows, g_strconcat (e->table, "\x1f", e->row_id, NULL));
      return txn->conn->log_batch->n_rows < LOG_BATCH_MAX || pg_log_flush (ST_STORE_PG (store), txn->conn, error);
    }
  return pg_run (ST_STORE_PG (store), txn->conn,
                 "INSERT INTO changes (at, account_id, account_name, device, epoch, client_seq,"
                 " tbl, row_id, kind, hlc, base_hlc, result, code, server_seq, old, new, township, county)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
                 " (SELECT r.township FROM records AS r WHERE r.tbl = $7::text AND r.id = $8::text),"
                 /* The row's county: its township's, or the database's. */
                 " coalesce ((SELECT r.county FROM records AS r WHERE r.tbl = $7::text AND r.id = $8::text), "
                 PG_SQL_DB_COUNTY "))", &p, error);
}

/* One statement on a reader's connection; NULL with @error set. */
static PGresult *
read_query (StStorePg   *self,
            const char  *sql,
            PgParams    *p,
            GError     **error)
{
  PgConn *conn = pg_reader_acquire (self, error);
  PGresult *result;

  if (conn == NULL)
    return NULL;
  result = pg_query (self, conn, sql, p, error);
  pg_reader_release (self, conn);
  return result;
}

/* A StLogQuery as the parameters $1 to $7 of the searches below. */
static void
param_log_query (PgParams         *p,
                 const StLogQuery *q)
{
  pg_param_text (p, q->account);
  pg_param_text (p, q->device);
  pg_param_text (p, q->table);
  pg_param_text (p, q->row_id);
  pg_param_int (p, q->since);
  pg_param_int (p, q->until > 0 ? q->until : G_MAXINT64);
  pg_param_int_or_null (p, q->limit);
}

static GPtrArray *
pg_log_for_row (StStore     *store,
                const char  *row_id,
                GError     **error)
{
  PgParams p = { 0, };
  PGresult *result;

  pg_param_text (&p, row_id);
  result = read_query (ST_STORE_PG (store),
                       "SELECT " LOG_COLUMNS " FROM changes WHERE row_id = $1::text ORDER BY id", &p, error);
  return result != NULL ? log_rows (result) : NULL;
}

static GPtrArray *
pg_log_search (StStore           *store,
               const StLogQuery  *q,
               GError           **error)
{
  PgParams p = { 0, };
  PGresult *result;

  param_log_query (&p, q);
  result = read_query (ST_STORE_PG (store),
                       "SELECT " LOG_COLUMNS " FROM changes"
                       " WHERE ($1::text IS NULL OR account_name = $1::text)"
                       " AND ($2::text IS NULL OR left (device, length ($2::text)) = $2::text)"
                       " AND ($3::text IS NULL OR tbl = $3::text) AND ($4::text IS NULL OR row_id = $4::text)"
                       " AND at >= $5::bigint AND at < $6::bigint ORDER BY id LIMIT $7::bigint", &p, error);
  return result != NULL ? log_rows (result) : NULL;
}

static GPtrArray *
pg_admin_log_search (StStore           *store,
                     const StLogQuery  *q,
                     GError           **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) st_admin_row_free);
  PgParams p = { 0, };
  PGresult *result;

  param_log_query (&p, q);
  result = read_query (ST_STORE_PG (store),
                       "SELECT id, at, os_user, command, target, detail FROM admin_log"
                       " WHERE ($1::text IS NULL OR target = $1::text)"
                       " AND ($2::text IS NULL OR left (target, length ($2::text)) = $2::text)"
                       " AND ($3::text IS NULL OR $3::text = '') AND ($4::text IS NULL OR $4::text = '')"
                       " AND at >= $5::bigint AND at < $6::bigint ORDER BY id LIMIT $7::bigint", &p, error);
  if (result == NULL)
    return NULL;
  for (int i = 0; i < PQntuples (result); i++)
    {
      StAdminRow *row = g_new0 (StAdminRow, 1);

      row->entry.id = pg_int (result, i, 0);
      row->entry.at = pg_int (result, i, 1);
      row->entry.os_user = row->strings[0] = pg_dup (result, i, 2);
      row->entry.command = row->strings[1] = pg_dup (result, i, 3);
      row->entry.target = row->strings[2] = pg_dup (result, i, 4);
      row->entry.detail = row->strings[3] = pg_dup (result, i, 5);
      g_ptr_array_add (rows, row);
    }
  PQclear (result);
  return g_steal_pointer (&rows);
}

void
pg_log_iface_init (StStoreInterface *iface)
{
  iface->log_find = pg_log_find;
  iface->log_seen = pg_log_seen;
  iface->log_insert = pg_log_insert;
  iface->log_for_row = pg_log_for_row;
  iface->log_search = pg_log_search;
  iface->admin_log_search = pg_admin_log_search;
}
