/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL store: a write transaction's row upserts sent together.
 *
 * On the writer's pipeline (st-store-pg-pipeline.c), a row's write
 * (st_store_record_put ()) is kept on the connection instead of being sent
 * as a statement of its own; the rows kept are sent as one
 * INSERT … SELECT … FROM unnest (…) ON CONFLICT … DO UPDATE before any
 * other statement is sent on the connection (pg_query (), pg_run (),
 * pg_exec () and the commit call pg_records_flush () first), so that
 * whatever the transaction reads or writes next — the change log's
 * entries reading a row's township, a merge reading a person, the feed —
 * sees every row written before, exactly as when each was sent alone. A row
 * written twice before a flush is flushed in between (one statement cannot
 * upsert a row twice). A push of a hundred changes thus makes one statement
 * of its rows instead of a hundred, and the database's county
 * (PG_SQL_DB_COUNTY) is read once per statement, not once per row. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include <string.h>

#include "st-store-pg-private.h"

/* Rows sent at once, at most. */
#define RECORDS_BATCH_MAX 1000

void
pg_records_forget (PgConn *conn)
{
  if (conn->record_townships != NULL)
    g_hash_table_remove_all (conn->record_townships);
}

void
pg_records_clear (PgConn *conn)
{
  if (conn->record_batch != NULL)
    pg_columns_reset (conn->record_batch);
  if (conn->record_inserts != NULL)
    pg_columns_reset (conn->record_inserts);
  if (conn->record_updates != NULL)
    pg_columns_reset (conn->record_updates);
  if (conn->record_rows != NULL)
    g_hash_table_remove_all (conn->record_rows);
  pg_records_forget (conn);
}

gboolean
pg_records_township (PgConn      *conn,
                     const char  *table,
                     const char  *id,
                     const char **township)
{
  g_autofree char *key = NULL;
  const char *value;

  if (conn->record_townships == NULL || g_hash_table_size (conn->record_townships) == 0)
    return FALSE;
  key = g_strconcat (table, "\x1f", id, NULL);
  value = g_hash_table_lookup (conn->record_townships, key);
  if (value == NULL)
    return FALSE;
  /* "=" and the township, or "-" for none. */
  *township = *value == '=' ? value + 1 : NULL;
  return TRUE;
}

#define RECORD_ARRAYS "$1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[]," \
                      " $7::integer[], $8::text[], $9::text[], $10::text[]"
#define RECORD_NAMES "seq, tbl, id, hlc, device, writer, deleted, township, data, clocks"
/* PgColumns: seq, hlc bigint; deleted integer; the rest text. */
#define RECORD_TYPES "bttbttittt"
/* The rows of a batch inserted, their county from their township. */
#define INSERT_ROWS "INSERT INTO records (" RECORD_NAMES ", county)" \
                    " SELECT r.*, coalesce (left (r.township, 6), " PG_SQL_DB_COUNTY ")" \
                    " FROM unnest (" RECORD_ARRAYS ") AS r (" RECORD_NAMES ")"

/* Sends @columns with @sql and empties them; @count: the number of rows as
 * a last parameter. Sent as is (pg_pipeline_send (): not through pg_run (),
 * which would flush this very batch first). */
static gboolean
send_rows (StStorePg   *self,
           PgConn      *conn,
           PgColumns   *columns,
           const char  *sql,
           gboolean     count,
           GError     **error)
{
  PgParams p = { 0, };
  gboolean ok;

  if (columns == NULL || columns->n_rows == 0)
    return TRUE;
  pg_columns_params (columns, &p);
  if (count)
    pg_param_int (&p, columns->n_rows);
  ok = pg_pipeline_send (self, conn, sql, &p, error);
  pg_columns_reset (columns);
  return ok;
}

gboolean
pg_records_flush (StStorePg  *self,
                  PgConn     *conn,
                  GError    **error)
{
  gboolean ok;

  if (conn->record_rows == NULL || g_hash_table_size (conn->record_rows) == 0)
    return TRUE;
  g_hash_table_remove_all (conn->record_rows);
  /* The rows are distinct (see pg_records_add ()), in one statement or
   * another alike; their feed positions are new. */
  ok = send_rows (self, conn, conn->record_inserts,
                  INSERT_ROWS,
                  FALSE, error)
       /* Each row by the unique key, still at the position it was
        * read at; one missing or moved (which the cache says cannot be)
        * fails the statement: no write made from an old version. */
       && send_rows (self, conn, conn->record_updates,
                     "WITH u AS (UPDATE records AS r SET seq = n.seq, hlc = n.hlc, device = n.device,"
                     " writer = n.writer, deleted = n.deleted, township = n.township, data = n.data,"
                     " clocks = n.clocks, county = coalesce (left (n.township, 6), " PG_SQL_DB_COUNTY ")"
                     " FROM unnest (" RECORD_ARRAYS ", $11::bigint[]) AS n (" RECORD_NAMES ", old_seq)"
                     " WHERE r.tbl = n.tbl AND r.id = n.id AND r.seq = n.old_seq RETURNING 1)"
                     " SELECT (CASE WHEN count(*) = $12::bigint THEN '0'"
                     " ELSE 'a row to update is missing or moved' END)::integer FROM u",
                     TRUE, error)
       && send_rows (self, conn, conn->record_batch,
                     INSERT_ROWS
                     " ON CONFLICT (tbl, id) DO UPDATE SET seq = excluded.seq, hlc = excluded.hlc,"
                     " device = excluded.device, writer = excluded.writer, deleted = excluded.deleted,"
                     " township = excluded.township, data = excluded.data, clocks = excluded.clocks,"
                     " county = excluded.county",
                     FALSE, error);
  /* What was not sent goes with the failed transaction. */
  if (!ok)
    pg_records_clear (conn);
  return ok;
}

gboolean
pg_records_add (StStorePg       *self,
                PgConn          *conn,
                const PgParams  *params,
                int              known,
                gint64           old_seq,
                GError         **error)
{
  g_autofree char *key = NULL;
  const char *township;
  PgColumns **batch = known == 0 ? &conn->record_inserts : known > 0 ? &conn->record_updates : &conn->record_batch;
  const char *values[PG_RECORD_FIELDS + 1];
  char old[24];

  g_assert (params->n == PG_RECORD_FIELDS);
  key = g_strconcat (params->values[1], "\x1f", params->values[2], NULL);
  if (conn->record_rows != NULL && g_hash_table_contains (conn->record_rows, key)
      && !pg_records_flush (self, conn, error))
    return FALSE;
  if (*batch == NULL)
    *batch = pg_columns_new (known > 0 ? RECORD_TYPES "b" : RECORD_TYPES);
  if (conn->record_rows == NULL)
    conn->record_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  memcpy (values, params->values, sizeof (const char *) * PG_RECORD_FIELDS);
  g_snprintf (old, sizeof old, "%" G_GINT64_FORMAT, old_seq);
  values[PG_RECORD_FIELDS] = old;
  pg_columns_add (*batch, values);
  township = params->values[7];
  if (conn->record_townships == NULL)
    conn->record_townships = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (conn->record_townships, g_strdup (key),
                       township != NULL ? g_strconcat ("=", township, NULL) : g_strdup ("-"));
  g_hash_table_add (conn->record_rows, g_steal_pointer (&key));
  return g_hash_table_size (conn->record_rows) < RECORDS_BATCH_MAX || pg_records_flush (self, conn, error);
}

/* A push's rows read before its transaction (st_push_prefetch ()): one
 * statement instead of one per row. Each key is looked up by the unique
 * index (the subquery is kept apart from the join: OFFSET 0), whatever the
 * planner thinks of a table grown since its last ANALYZE. */
gboolean
pg_records_get_many (StStore             *store,
                     const char * const  *tables,
                     const char * const  *ids,
                     guint                n,
                     StRecord           **records,
                     GError             **error)
{
  StStorePg *self = ST_STORE_PG (store);
  g_autoptr(GString) table_list = g_string_new ("{");
  g_autoptr(GString) id_list = g_string_new ("{");
  PgParams p = { 0, };
  PgConn *conn;
  PGresult *result;
  gboolean ok = TRUE;
  gint64 high = -1;

  for (guint i = 0; i < n; i++)
    {
      pg_array_append (table_list, tables[i]);
      pg_array_append (id_list, ids[i]);
    }
  g_string_append_c (table_list, '}');
  g_string_append_c (id_list, '}');
  pg_param_text (&p, table_list->str);
  pg_param_text (&p, id_list->str);
  conn = pg_reader_acquire (self, error);
  if (conn == NULL)
    return FALSE;
  result = pg_query (self, conn,
                     "SELECT r.id, r.seq, r.hlc, r.device, r.writer, r.deleted, r.township, r.data, r.clocks, k.n"
                     " FROM unnest ($1::text[], $2::text[]) WITH ORDINALITY AS k (tbl, id, n)"
                     " CROSS JOIN LATERAL (SELECT * FROM records AS r WHERE r.tbl = k.tbl AND r.id = k.id"
                     " OFFSET 0) AS r"
                     /* The feed's high mark as of these reads (n 0). */
                     " UNION ALL SELECT NULL, " PG_SQL_FEED_HIGH ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0",
                     &p, error);
  if (result == NULL)
    {
      pg_reader_release (self, conn);
      return FALSE;
    }
  for (int row = 0; ok && row < PQntuples (result); row++)
    {
      gint64 i = pg_int (result, row, 9) - 1;

      if (i < 0)
        {
          high = pg_is_null (result, row, 1) ? -1 : pg_int (result, row, 1);
          continue;
        }
      g_assert (i < (gint64) n);
      g_clear_pointer (&records[i], st_record_free);
      records[i] = pg_record_from_row (conn, tables[i], result, row, error);
      ok = records[i] != NULL;
    }
  PQclear (result);
  pg_reader_release (self, conn);
  if (!ok)
    for (guint i = 0; i < n; i++)
      g_clear_pointer (&records[i], st_record_free);
  else
    /* The transaction will ask for the rows' positions. */
    for (guint i = 0; i < n; i++)
      pg_cache_hint_seen (self, tables[i], ids[i], records[i] != NULL ? records[i]->seq : 0, high);
  return ok;
}
