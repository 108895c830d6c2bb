/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SQLite store's synced rows, the rows evicted from a township,
 * the lookups by field, and the feed that devices pull. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include "st-db.h"
#include "st-json-guard.h"

#include "st-store-sqlite-private.h"

/* A JSON scalar as SQL: as json_extract () gives it. */
static void
bind_json_value (sqlite3_stmt *stmt,
                 int           index,
                 JsonNode     *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      sqlite3_bind_text (stmt, index, json_node_get_string (node), -1, SQLITE_STATIC);
      break;
    case G_TYPE_INT64:
      sqlite3_bind_int64 (stmt, index, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      sqlite3_bind_double (stmt, index, json_node_get_double (node));
      break;
    case G_TYPE_BOOLEAN:
      sqlite3_bind_int (stmt, index, json_node_get_boolean (node));
      break;
    default:
      break;
    }
}

static JsonObject *
object_from_text (Conn        *conn,
                  const char  *text,
                  GError     **error)
{
  return st_store_object_from_text (conn->parser, text, error);
}

static StRecord *
sqlite_record_get (StStore     *store,
                   StStoreTxn  *txn,
                   const char  *table,
                   const char  *id,
                   GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = sqlite_conn_for (self, txn, error);
  g_autoptr(StRecord) record = NULL;
  sqlite3_stmt *stmt;

  if (conn == NULL)
    return NULL;
  stmt = sqlite_conn_prepare_literal (self, conn,
                                      "SELECT seq, hlc, device, writer, deleted, township, data, clocks"
                                      " FROM records WHERE tbl = ? AND id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
      if (sqlite_step_row (self, conn, stmt, error))
        {
          record = g_new0 (StRecord, 1);
          record->table = g_strdup (table);
          record->id = g_strdup (id);
          record->seq = sqlite3_column_int64 (stmt, 0);
          record->hlc = sqlite3_column_int64 (stmt, 1);
          record->device = st_db_column_dup (stmt, 2);
          record->writer = st_db_column_dup (stmt, 3);
          record->deleted = sqlite3_column_int (stmt, 4) != 0;
          record->township = st_db_column_dup (stmt, 5);
          record->data = object_from_text (conn, (const char *) sqlite3_column_text (stmt, 6), error);
          record->clocks = record->data ? object_from_text (conn, (const char *) sqlite3_column_text (stmt, 7), error) : NULL;
          if (record->data == NULL || record->clocks == NULL)
            g_clear_pointer (&record, st_record_free);
        }
      sqlite3_reset (stmt);
    }
  sqlite_conn_done (self, txn, conn);
  return g_steal_pointer (&record);
}

static gboolean
sqlite_record_seq (StStore     *store,
                   StStoreTxn  *txn,
                   const char  *table,
                   const char  *id,
                   gint64      *seq,
                   GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = sqlite_conn_for (self, txn, error);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (conn == NULL)
    return FALSE;
  stmt = sqlite_conn_prepare_literal (self, conn, "SELECT seq FROM records WHERE tbl = ? AND id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      *seq = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
      ok = rc == SQLITE_ROW || rc == SQLITE_DONE || sqlite_set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  sqlite_conn_done (self, txn, conn);
  return ok;
}

static gboolean
next_seq (StStoreSqlite  *self,
          StStoreTxn     *txn,
          gint64         *seq,
          GError        **error)
{
  if (txn->next_seq == 0)
    {
      sqlite3_stmt *stmt = sqlite_conn_prepare_literal (self, txn->conn,
                                                        "SELECT max (coalesce ((SELECT max (seq) FROM records), 0),"
                                                        " coalesce ((SELECT max (seq) FROM evictions), 0))", error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          return sqlite_set_error (self, txn->conn->db, rc, error);
        }
      txn->next_seq = sqlite3_column_int64 (stmt, 0) + 1;
      sqlite3_reset (stmt);
    }
  *seq = txn->next_seq++;
  return TRUE;
}

static gboolean
sqlite_record_put (StStore     *store,
                   StStoreTxn  *txn,
                   StRecord    *record,
                   GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autofree char *data = record->data_text ? NULL : st_json_object_to_text (record->data);
  g_autofree char *clocks = record->clocks_text ? NULL : st_json_object_to_text (record->clocks);
  sqlite3_stmt *stmt;
  gint64 seq;

  g_autoptr(JsonObject) parsed = NULL;
  JsonObject *values = record->data;
  static const char *const columns[] = { "person", "enrolment" };

  if (!next_seq (self, txn, &seq, error))
    return FALSE;
  stmt = sqlite_conn_prepare_literal (self, txn->conn,
                                      "INSERT INTO records (seq, tbl, id, hlc, device, writer, deleted, township, data, clocks,"
                                      " person, enrolment)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                      " ON CONFLICT (tbl, id) DO UPDATE SET seq = excluded.seq, hlc = excluded.hlc,"
                                      " device = excluded.device, writer = excluded.writer, deleted = excluded.deleted,"
                                      " township = excluded.township, data = excluded.data, clocks = excluded.clocks,"
                                      " person = excluded.person, enrolment = excluded.enrolment",
                                      error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      const char *field = sqlite_key_field (record->table, columns[i]);
      JsonNode *node;

      if (field == NULL)
        continue;
      if (values == NULL)
        {
          values = parsed = object_from_text (txn->conn, record->data_text, error);
          if (values == NULL)
            return FALSE;
        }
      node = json_object_get_member (values, field);
      if (node != NULL)
        bind_json_value (stmt, 11 + i, node);
    }
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, record->table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, record->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, record->hlc);
  sqlite3_bind_text (stmt, 5, record->device, -1, SQLITE_STATIC);
  sqlite_bind_text (stmt, 6, record->writer);
  sqlite3_bind_int (stmt, 7, record->deleted);
  sqlite_bind_text (stmt, 8, record->township);
  sqlite3_bind_text (stmt, 9, data ? data : record->data_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, clocks ? clocks : record->clocks_text, -1, SQLITE_STATIC);
  if (!sqlite_step_done (self, txn->conn, stmt, error))
    return FALSE;
  record->seq = seq;
  return TRUE;
}

static gboolean
sqlite_eviction_put (StStore     *store,
                     StStoreTxn  *txn,
                     const char  *table,
                     const char  *id,
                     const char  *township,
                     GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt;
  gint64 seq;

  if (!next_seq (self, txn, &seq, error))
    return FALSE;
  stmt = sqlite_conn_prepare_literal (self, txn->conn,
                                      "INSERT INTO evictions (seq, tbl, id, township) VALUES (?, ?, ?, ?)"
                                      " ON CONFLICT (tbl, id, township) DO UPDATE SET seq = excluded.seq", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, table, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, township, -1, SQLITE_TRANSIENT);
  return sqlite_step_done (self, txn->conn, stmt, error);
}

static GPtrArray *
sqlite_record_ids_by_field (StStore     *store,
                            const char  *table,
                            const char  *field,
                            const char  *value,
                            GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = g_strdup_printf ("$.\"%s\"", field);
  Conn *conn;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  const char *column = sqlite_key_column (table, field);

  g_return_val_if_fail (strchr (field, '"') == NULL, NULL);
  conn = sqlite_reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  if (column != NULL)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT id FROM records WHERE tbl = ?1 AND %s = ?3 ORDER BY seq",
                                              column);

      stmt = sqlite_conn_prepare (self, conn, sql, error);
    }
  else
    stmt = sqlite_conn_prepare (self, conn,
                                "SELECT id FROM records WHERE tbl = ?1 AND json_extract (data, ?2) = ?3 ORDER BY seq",
                                error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
      if (column == NULL)
        sqlite3_bind_text (stmt, 2, path, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, value, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (ids, st_db_column_dup (stmt, 0));
      ok = rc == SQLITE_DONE || sqlite_set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  sqlite_reader_release (self, conn);
  return ok ? g_steal_pointer (&ids) : NULL;
}

/* How a query names @field of @table's rows (both identifiers): its own
 * column, which has an index, or the value in the row's JSON text. */
static char *
field_expression (const char *table,
                  const char *field)
{
  const char *column = sqlite_key_column (table, field);

  return column ? g_strdup (column) : g_strdup_printf ("json_extract (data, '$.%s')", field);
}

static GPtrArray *
sqlite_records_by_field (StStore            *store,
                         StStoreTxn         *txn,
                         const StFieldQuery *query,
                         GError            **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) st_record_free);
  g_autofree char *sql = NULL;
  g_autofree char *field_sql = NULL;
  Conn *conn;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  sql = g_strdup_printf ("SELECT id, seq, hlc, device, writer, deleted, township, data, clocks FROM records"
                         " WHERE tbl = '%s' AND %s = ?1%s ORDER BY seq",
                         query->table, field_sql = field_expression (query->table, query->field),
                         query->live_only ? " AND deleted = 0" : "");
  conn = sqlite_conn_for (self, txn, error);
  if (conn == NULL)
    return NULL;
  stmt = sqlite_conn_prepare (self, conn, sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, query->value, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autoptr(StRecord) record = g_new0 (StRecord, 1);

          record->table = g_strdup (query->table);
          record->id = st_db_column_dup (stmt, 0);
          record->seq = sqlite3_column_int64 (stmt, 1);
          record->hlc = sqlite3_column_int64 (stmt, 2);
          record->device = st_db_column_dup (stmt, 3);
          record->writer = st_db_column_dup (stmt, 4);
          record->deleted = sqlite3_column_int (stmt, 5) != 0;
          record->township = st_db_column_dup (stmt, 6);
          record->data = object_from_text (conn, (const char *) sqlite3_column_text (stmt, 7), error);
          record->clocks = record->data ? object_from_text (conn, (const char *) sqlite3_column_text (stmt, 8), error) : NULL;
          if (record->data == NULL || record->clocks == NULL)
            {
              rc = SQLITE_ERROR;
              break;
            }
          g_ptr_array_add (records, g_steal_pointer (&record));
        }
      ok = rc == SQLITE_DONE || (rc != SQLITE_ERROR && sqlite_set_error (self, conn->db, rc, error));
      sqlite3_reset (stmt);
    }
  sqlite_conn_done (self, txn, conn);
  return ok ? g_steal_pointer (&records) : NULL;
}

static gint64
sqlite_count_by_field (StStore     *store,
                       StStoreTxn  *txn,
                       const char  *table,
                       const char  *field,
                       const char  *value,
                       GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autofree char *sql = NULL;
  g_autofree char *field_sql = NULL;
  Conn *conn;
  sqlite3_stmt *stmt;
  gint64 count = -1;
  int rc;

  sql = g_strdup_printf ("SELECT count(*) FROM records WHERE tbl = '%s' AND %s = ?1"
                         " AND deleted = 0", table, field_sql = field_expression (table, field));
  conn = sqlite_conn_for (self, txn, error);
  if (conn == NULL)
    return -1;
  stmt = sqlite_conn_prepare (self, conn, sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
      else
        sqlite_set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  sqlite_conn_done (self, txn, conn);
  return count;
}
/* Steps one of sqlite_feed_read ()'s two queries (?1 after, ?2 the
 * townships as JSON text, none for all, ?3 limit, ?4 skip_deleted_until)
 * into @entries: rows, or the evictions when @evict. */
static gboolean
read_page (StStoreSqlite      *self,
           Conn               *conn,
           sqlite3_stmt       *stmt,
           const StFeedQuery  *query,
           const char         *scope,
           gboolean            evict,
           GPtrArray          *entries,
           GError            **error)
{
  gboolean ok;
  int rc;

  sqlite3_bind_int64 (stmt, 1, query->after);
  if (scope != NULL)
    sqlite3_bind_text (stmt, 2, scope, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, query->limit);
  sqlite3_bind_int64 (stmt, 4, query->skip_deleted_until);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StFeedEntry *entry = g_new0 (StFeedEntry, 1);

      entry->seq = sqlite3_column_int64 (stmt, 0);
      entry->table = st_db_column_dup (stmt, 1);
      entry->id = st_db_column_dup (stmt, 2);
      entry->evict = evict;
      if (!evict)
        {
          entry->hlc = sqlite3_column_int64 (stmt, 3);
          entry->device = st_db_column_dup (stmt, 4);
          entry->deleted = sqlite3_column_int (stmt, 5) != 0;
          entry->data = st_db_column_dup (stmt, 6);
        }
      g_ptr_array_add (entries, entry);
    }
  ok = rc == SQLITE_DONE || sqlite_set_error (self, conn->db, rc, error);
  sqlite3_reset (stmt);
  return ok;
}

static GPtrArray *
sqlite_feed_read (StStore           *store,
                  const StFeedQuery *query,
                  GError           **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) st_feed_entry_free);
  g_autofree char *scope = NULL;
  Conn *conn;
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!query->all_townships)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = NULL;

      for (guint i = 0; query->townships != NULL && query->townships[i] != NULL; i++)
        json_array_add_string_element (array, query->townships[i]);
      node = json_node_init_array (json_node_alloc (), array);
      scope = json_to_string (node, FALSE);
    }

  conn = sqlite_reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  /* One snapshot for both queries. */
  if (!sqlite_conn_exec (self, conn, "BEGIN", error))
    {
      sqlite_reader_release (self, conn);
      return NULL;
    }

  stmt = sqlite_conn_prepare (self, conn,
                              query->all_townships
                              ? "SELECT seq, tbl, id, hlc, device, deleted, data FROM records"
                              " WHERE seq > ?1 AND NOT (deleted AND seq <= ?4) ORDER BY seq LIMIT ?3"
                              /* Rows without a township (programs, majors) are
                              * everyone's; review items about them are the
                              * county's (docs/sync-protocol.md, Review items). */
                              : "SELECT seq, tbl, id, hlc, device, deleted, data FROM records"
                              " WHERE seq > ?1 AND NOT (deleted AND seq <= ?4)"
                              " AND (township IN (SELECT value FROM json_each (?2))"
                              "      OR (township IS NULL AND tbl != 'review_items'))"
                              " ORDER BY seq LIMIT ?3",
                              error);
  ok = stmt != NULL && read_page (self, conn, stmt, query, scope, FALSE, entries, error);

  /* Someone who sees every township never needs an eviction. */
  if (ok && !query->all_townships)
    {
      stmt = sqlite_conn_prepare (self, conn,
                                  "SELECT e.seq, e.tbl, e.id FROM evictions AS e"
                                  " WHERE e.seq > ?1 AND e.seq > ?4 AND e.township IN (SELECT value FROM json_each (?2))"
                                  " AND NOT EXISTS (SELECT 1 FROM records AS r WHERE r.tbl = e.tbl AND r.id = e.id"
                                  "   AND (r.township IN (SELECT value FROM json_each (?2))"
                                  "        OR (r.township IS NULL AND r.tbl != 'review_items')))"
                                  " ORDER BY e.seq LIMIT ?3",
                                  error);
      ok = stmt != NULL && read_page (self, conn, stmt, query, scope, TRUE, entries, error);
    }
  sqlite_conn_exec (self, conn, "COMMIT", NULL);
  sqlite_reader_release (self, conn);
  return ok ? g_steal_pointer (&entries) : NULL;
}

void
sqlite_feed_iface_init (StStoreInterface *iface)
{
  iface->record_get = sqlite_record_get;
  iface->record_seq = sqlite_record_seq;
  iface->record_put = sqlite_record_put;
  iface->eviction_put = sqlite_eviction_put;
  iface->record_ids_by_field = sqlite_record_ids_by_field;
  iface->records_by_field = sqlite_records_by_field;
  iface->count_by_field = sqlite_count_by_field;
  iface->feed_read = sqlite_feed_read;
}
