/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL store: the synced rows, the evictions, the feed, and the
 * change log.
 *
 * Feed positions follow commit order across processes: a write
 * transaction holds the store's advisory lock from its start to its commit
 * (st-store-pg.c, pg_begin), and reads the highest position under it, so a
 * position is never given while a smaller one is still uncommitted, and a
 * reader that saw position N has seen every position below it. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include <string.h>

#include "st-store-pg-private.h"

#define RECORD_COLUMNS "id, seq, hlc, device, writer, deleted, township, data, clocks"

/* A record of @table from a row of RECORD_COLUMNS; NULL with @error set
 * when its JSON cannot be read. */
StRecord *
pg_record_from_row (PgConn      *conn,
                    const char  *table,
                    PGresult    *result,
                    int          row,
                    GError     **error)
{
  g_autoptr(StRecord) record = g_new0 (StRecord, 1);

  record->table = g_strdup (table);
  record->id = pg_dup (result, row, 0);
  record->seq = pg_int (result, row, 1);
  record->hlc = pg_int (result, row, 2);
  record->device = pg_dup (result, row, 3);
  record->writer = pg_dup (result, row, 4);
  record->deleted = pg_int (result, row, 5) != 0;
  record->township = pg_dup (result, row, 6);
  record->data = pg_object (conn, PQgetvalue (result, row, 7), error);
  if (record->data == NULL)
    return NULL;
  record->clocks = pg_object (conn, PQgetvalue (result, row, 8), error);
  if (record->clocks == NULL)
    return NULL;
  return g_steal_pointer (&record);
}

static StRecord *
pg_record_get (StStore     *store,
               StStoreTxn  *txn,
               const char  *table,
               const char  *id,
               GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgConn *conn = pg_conn_for (self, txn, error);
  StRecord *record = NULL;
  PgParams p = { 0, };
  PGresult *result;

  if (conn == NULL)
    return NULL;
  /* Read before a push's transaction: it will ask for the row's position. */
  if (txn == NULL)
    pg_cache_hint (self, table, id);
  pg_param_text (&p, table);
  pg_param_text (&p, id);
  result = pg_query (self, conn, "SELECT " RECORD_COLUMNS " FROM records WHERE tbl = $1::text AND id = $2::text",
                     &p, error);
  if (result != NULL)
    {
      if (PQntuples (result) > 0)
        record = pg_record_from_row (conn, table, result, 0, error);
      PQclear (result);
    }
  pg_conn_done (self, txn, conn);
  return record;
}

static gboolean
pg_record_seq (StStore     *store,
               StStoreTxn  *txn,
               const char  *table,
               const char  *id,
               gint64      *seq,
               GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgConn *conn;
  PgParams p = { 0, };
  PGresult *result;

  if (txn != NULL)
    {
      int known = pg_cache_record_seq (self, txn, table, id, seq, error);

      if (known != 0)
        return known > 0;
    }
  conn = pg_conn_for (self, txn, error);
  if (conn == NULL)
    return FALSE;
  pg_param_text (&p, table);
  pg_param_text (&p, id);
  result = pg_query (self, conn, "SELECT seq FROM records WHERE tbl = $1::text AND id = $2::text", &p, error);
  pg_conn_done (self, txn, conn);
  if (result == NULL)
    return FALSE;
  *seq = PQntuples (result) > 0 ? pg_int (result, 0, 0) : 0;
  PQclear (result);
  return TRUE;
}

/* The next feed position: read under the write lock, which every process
 * takes before its first write, so that it is the highest committed one. */
static gboolean
next_seq (StStorePg   *self,
          StStoreTxn  *txn,
          gint64      *seq,
          GError     **error)
{
  if (txn->next_seq == 0)
    {
      /* Never under the feed's high mark either: a row compacted away
       * must not give its position again to a row a reader would take
       * for seen (st-store-pg-cache.c). */
      PGresult *result = pg_query (self, txn->conn,
                                   self->schema_version >= 6
                                   ? "SELECT greatest ((SELECT coalesce (max (seq), 0) FROM records),"
                                     " (SELECT coalesce (max (seq), 0) FROM evictions),"
                                     " coalesce (" PG_SQL_FEED_HIGH ", 0))"
                                   : "SELECT greatest ((SELECT coalesce (max (seq), 0) FROM records),"
                                     " (SELECT coalesce (max (seq), 0) FROM evictions))", NULL, error);

      if (result == NULL)
        return FALSE;
      txn->next_seq = pg_int (result, 0, 0) + 1;
      PQclear (result);
    }
  *seq = txn->next_seq++;
  return TRUE;
}

static gboolean
pg_record_put (StStore     *store,
               StStoreTxn  *txn,
               StRecord    *record,
               GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  g_autofree char *data = record->data_text ? NULL : st_json_object_to_text (record->data);
  g_autofree char *clocks = record->clocks_text ? NULL : st_json_object_to_text (record->clocks);
  PgParams p = { 0, };
  gint64 seq;

  gint64 old_seq = record->seq;

  if (!next_seq (self, txn, &seq, error))
    return FALSE;
  /* A change-log entry not sent yet reads the row as it was logged. */
  if (pg_log_names_row (txn->conn, record->table, record->id) && !pg_log_flush (self, txn->conn, error))
    return FALSE;
  pg_param_int (&p, seq);
  pg_param_text (&p, record->table);
  pg_param_text (&p, record->id);
  pg_param_int (&p, record->hlc);
  pg_param_text (&p, record->device);
  pg_param_text (&p, record->writer);
  pg_param_int (&p, record->deleted ? 1 : 0);
  pg_param_text (&p, record->township);
  pg_param_text (&p, data ? data : record->data_text);
  pg_param_text (&p, clocks ? clocks : record->clocks_text);
  /* The writer's pipeline: kept, and sent with the others. */
  if (txn->conn->pipelined)
    {
      if (!pg_records_add (self, txn->conn, &p, pg_cache_row_known (txn, record->table, record->id), old_seq,
                           error))
        return FALSE;
    }
  else if (!pg_run (self, txn->conn,
               "INSERT INTO records (seq, tbl, id, hlc, device, writer, deleted, township, data, clocks, county)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text, $9, $10,"
               " coalesce (left ($8::text, 6), " PG_SQL_DB_COUNTY "))"
               " ON CONFLICT (tbl, id) DO UPDATE SET seq = excluded.seq, hlc = excluded.hlc,"
               " device = excluded.device, writer = excluded.writer, deleted = excluded.deleted,"
               " township = excluded.township, data = excluded.data, clocks = excluded.clocks,"
               " county = excluded.county",
               &p, error))
    return FALSE;
  record->seq = seq;
  pg_cache_record_put (txn, record, seq);
  return TRUE;
}

static gboolean
pg_eviction_put (StStore     *store,
                 StStoreTxn  *txn,
                 const char  *table,
                 const char  *id,
                 const char  *township,
                 GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgParams p = { 0, };
  gint64 seq;

  if (!next_seq (self, txn, &seq, error))
    return FALSE;
  pg_param_int (&p, seq);
  pg_param_text (&p, table);
  pg_param_text (&p, id);
  pg_param_text (&p, township);
  return pg_run (self, txn->conn,
                 "INSERT INTO evictions (seq, tbl, id, township) VALUES ($1, $2, $3, $4)"
                 " ON CONFLICT (tbl, id, township) DO UPDATE SET seq = excluded.seq", &p, error);
}

static GPtrArray *
pg_record_ids_by_field (StStore     *store,
                        const char  *table,
                        const char  *field,
                        const char  *value,
                        GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  PgConn *conn = pg_reader_acquire (self, error);
  PgParams p = { 0, };
  PGresult *result;

  if (conn == NULL)
    return NULL;
  pg_param_text (&p, table);
  pg_param_text (&p, field);
  pg_param_text (&p, value);
  result = pg_query (self, conn,
                     "SELECT id FROM records WHERE tbl = $1::text AND (data::json ->> $2::text) = $3::text ORDER BY seq",
                     &p, error);
  pg_reader_release (self, conn);
  if (result == NULL)
    return NULL;
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (ids, pg_dup (result, i, 0));
  PQclear (result);
  return g_steal_pointer (&ids);
}

static GPtrArray *
pg_records_by_field (StStore            *store,
                     StStoreTxn         *txn,
                     const StFieldQuery *query,
                     GError            **error)
{
  StStorePg *self = ST_STORE_PG (store);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) st_record_free);
  g_autofree char *sql = NULL;
  PgConn *conn;
  PgParams p = { 0, };
  PGresult *result;
  gboolean ok = TRUE;

  /* Table and field as literals: a partial index on an expression is used
   * only when the query says the same (st-store-pg-schema.c). */
  sql = g_strdup_printf ("SELECT " RECORD_COLUMNS " FROM records"
                         " WHERE tbl = '%s' AND (data::json ->> '%s') = $1::text%s ORDER BY seq",
                         query->table, query->field, query->live_only ? " AND deleted = 0" : "");
  conn = pg_conn_for (self, txn, error);
  if (conn == NULL)
    return NULL;
  pg_param_text (&p, query->value);
  result = pg_query (self, conn, sql, &p, error);
  if (result != NULL)
    {
      for (int i = 0; ok && i < PQntuples (result); i++)
        {
          StRecord *record = pg_record_from_row (conn, query->table, result, i, error);

          if (record == NULL)
            ok = FALSE;
          else
            g_ptr_array_add (records, record);
        }
      PQclear (result);
    }
  pg_conn_done (self, txn, conn);
  return result != NULL && ok ? g_steal_pointer (&records) : NULL;
}

static gint64
pg_count_by_field (StStore     *store,
                   StStoreTxn  *txn,
                   const char  *table,
                   const char  *field,
                   const char  *value,
                   GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  g_autofree char *sql = NULL;
  PgConn *conn;
  PgParams p = { 0, };
  PGresult *result;
  gint64 count = -1;

  if (txn != NULL && pg_cache_count (txn, table, field, value, &count))
    return count;
  sql = g_strdup_printf ("SELECT count(*) FROM records WHERE tbl = '%s' AND (data::json ->> '%s') = $1::text"
                         " AND deleted = 0", table, field);
  conn = pg_conn_for (self, txn, error);
  if (conn == NULL)
    return -1;
  pg_param_text (&p, value);
  result = pg_query (self, conn, sql, &p, error);
  pg_conn_done (self, txn, conn);
  if (result != NULL)
    {
      count = pg_int (result, 0, 0);
      PQclear (result);
    }
  return count;
}

static gboolean
pg_count_by_field_ahead (StStore            *store,
                         StStoreTxn         *txn,
                         const char         *table,
                         const char         *field,
                         const char * const *values,
                         GError            **error)
{
  return pg_cache_counts_ahead (ST_STORE_PG (store), txn, table, field, values, error);
}

/* The evictions of a page (the second query of pg_feed_read ()). */
static gboolean
read_evictions (StStorePg   *self,
                PgConn      *conn,
                PgParams    *p,
                GPtrArray   *entries,
                GError     **error)
{
  PGresult *result = pg_query (self, conn,
                               "SELECT e.seq, e.tbl, e.id FROM evictions AS e"
                               " WHERE e.seq > $1::bigint AND e.seq > $4::bigint AND e.township = ANY ($2::text[])"
                               " AND NOT EXISTS (SELECT 1 FROM records AS r WHERE r.tbl = e.tbl AND r.id = e.id"
                               "   AND (r.township = ANY ($2::text[])"
                               "        OR (r.township IS NULL AND r.tbl <> 'review_items')))"
                               " ORDER BY e.seq LIMIT $3::bigint", p, error);

  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      StFeedEntry *entry = g_new0 (StFeedEntry, 1);

      entry->seq = pg_int (result, i, 0);
      entry->table = pg_dup (result, i, 1);
      entry->id = pg_dup (result, i, 2);
      entry->evict = TRUE;
      g_ptr_array_add (entries, entry);
    }
  PQclear (result);
  return TRUE;
}

static GPtrArray *
pg_feed_read (StStore           *store,
              const StFeedQuery *query,
              GError           **error)
{
  StStorePg *self = ST_STORE_PG (store);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) st_feed_entry_free);
  g_autofree char *scope = query->all_townships ? NULL : pg_text_array (query->townships);
  PgParams p = { 0, };
  PGresult *result;
  PgConn *conn;
  gboolean ok;

  conn = pg_reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  /* One snapshot for both queries. */
  if (!pg_exec (self, conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error))
    {
      pg_reader_release (self, conn);
      return NULL;
    }
  pg_param_int (&p, query->after);
  pg_param_text (&p, scope);
  pg_param_int (&p, query->limit);
  pg_param_int (&p, query->skip_deleted_until);
  result = pg_query (self, conn,
                     query->all_townships
                     ? "SELECT seq, tbl, id, hlc, device, deleted, data FROM records"
                       " WHERE seq > $1::bigint AND ($2::text[] IS NULL OR TRUE)"
                       " AND NOT (deleted <> 0 AND seq <= $4::bigint) ORDER BY seq LIMIT $3::bigint"
                     /* As in the SQLite store: rows without a township are
                      * everyone's, review items about them the county's. */
                     : "SELECT seq, tbl, id, hlc, device, deleted, data FROM records"
                       " WHERE seq > $1::bigint AND NOT (deleted <> 0 AND seq <= $4::bigint)"
                       " AND (township = ANY ($2::text[]) OR (township IS NULL AND tbl <> 'review_items'))"
                       " ORDER BY seq LIMIT $3::bigint",
                     &p, error);
  ok = result != NULL;
  for (int i = 0; ok && i < PQntuples (result); i++)
    {
      StFeedEntry *entry = g_new0 (StFeedEntry, 1);

      entry->seq = pg_int (result, i, 0);
      entry->table = pg_dup (result, i, 1);
      entry->id = pg_dup (result, i, 2);
      entry->hlc = pg_int (result, i, 3);
      entry->device = pg_dup (result, i, 4);
      entry->deleted = pg_int (result, i, 5) != 0;
      entry->data = pg_dup (result, i, 6);
      g_ptr_array_add (entries, entry);
    }
  g_clear_pointer (&result, PQclear);

  /* Someone who sees every township never needs an eviction. */
  if (ok && !query->all_townships)
    ok = read_evictions (self, conn, &p, entries, error);
  pg_exec (self, conn, "COMMIT", NULL);
  pg_reader_release (self, conn);
  return ok ? g_steal_pointer (&entries) : NULL;
}

void
pg_feed_iface_init (StStoreInterface *iface)
{
  iface->record_get = pg_record_get;
  iface->record_seq = pg_record_seq;
  iface->record_put = pg_record_put;
  iface->eviction_put = pg_eviction_put;
  iface->record_ids_by_field = pg_record_ids_by_field;
  iface->records_by_field = pg_records_by_field;
  iface->count_by_field = pg_count_by_field;
  iface->count_by_field_ahead = pg_count_by_field_ahead;
  iface->feed_read = pg_feed_read;
}
