/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SQLite store's schema and its migrations, the columns that copy
 * a field of a row, and the store's identity, settings and upkeep
 * (compaction, the check of a running server). */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include <glib/gi18n.h>

#include "st-db.h"
#include "st-uuid.h"

#include "st-store-sqlite-private.h"

#define STORE_KIND "shuangti-server"

/* Schema */

/* The columns of a synced row that the records table has had at every
 * version, as schema 1 and migrate_to_5 () create them (shipped: the text
 * must not change). */
#define RECORD_COLUMNS_SQL \
  "  tbl TEXT NOT NULL," \
  "  id TEXT NOT NULL," \
  "  hlc INTEGER NOT NULL," \
  "  device TEXT NOT NULL," \
  "  writer TEXT," \
  "  deleted INTEGER NOT NULL DEFAULT 0,"

static const char schema_v1[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT);"
  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  role TEXT NOT NULL CHECK (role = 'trainer' OR role = 'township' OR role = 'county' OR role = 'admin'),"
  "  townships TEXT NOT NULL DEFAULT '[]',"      /* JSON array of 12-digit codes */
  "  password_hash TEXT NOT NULL,"               /* argon2id, crypto_pwhash_str () */
  "  disabled INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  changed_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE devices ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT,"
  "  account_id INTEGER REFERENCES accounts (id),"  /* the last account signed in on it */
  "  registered_at INTEGER NOT NULL,"
  "  epoch INTEGER NOT NULL DEFAULT 0,"
  "  acked_seq INTEGER NOT NULL DEFAULT 0,"
  "  last_push_at INTEGER,"
  "  last_pull_at INTEGER"
  ");"
  /* Only a hash of each token: a copy of this file gives no one a session. */
  "CREATE TABLE tokens ("
  "  hash TEXT PRIMARY KEY NOT NULL,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
  "  device TEXT NOT NULL REFERENCES devices (id),"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  revoked_at INTEGER"
  ") WITHOUT ROWID;"
  "CREATE INDEX tokens_account ON tokens (account_id);"
  /* The synced rows of every laptop table, as JSON: the server follows the
   * laptop schema without a migration of its own. seq is the position in the
   * compacted feed: a row gets a new one at every change. */
  "CREATE TABLE records ("
  "  seq INTEGER PRIMARY KEY,"
  RECORD_COLUMNS_SQL
  "  township TEXT,"                             /* NULL: everyone's */
  "  data TEXT NOT NULL,"
  "  clocks TEXT NOT NULL,"
  "  UNIQUE (tbl, id)"
  ");"
  "CREATE TABLE evictions ("
  "  seq INTEGER PRIMARY KEY,"
  "  tbl TEXT NOT NULL,"
  "  id TEXT NOT NULL,"
  "  township TEXT NOT NULL,"
  "  UNIQUE (tbl, id, township)"
  ");"
  /* Every processed change: the audit, and the memory of op ids
   * (device, epoch, client_seq) that makes a resent push harmless. */
  "CREATE TABLE changes ("
  "  id INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  account_id INTEGER NOT NULL,"
  "  account_name TEXT NOT NULL,"
  "  device TEXT NOT NULL,"
  "  epoch INTEGER NOT NULL,"
  "  client_seq INTEGER NOT NULL,"
  "  tbl TEXT NOT NULL,"
  "  row_id TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  hlc INTEGER NOT NULL,"
  "  base_hlc INTEGER,"
  "  result TEXT NOT NULL,"
  "  code TEXT,"
  "  server_seq INTEGER,"
  "  old TEXT,"
  "  new TEXT,"
  "  UNIQUE (device, epoch, client_seq)"
  ");"
  "CREATE INDEX changes_row ON changes (row_id);"
  ;

static gboolean
migrate_to_1 (StStoreSqlite  *self,
              GError        **error)
{
  g_autofree char *device = st_uuid_new ();
  sqlite3_stmt *stmt;

  if (!sqlite_conn_exec (self, self->writer, schema_v1, error))
    return FALSE;
  stmt = sqlite_conn_prepare (self, self->writer,
                              "INSERT INTO meta (key, value) VALUES ('store', '" STORE_KIND "'),"
                              " ('server_device', ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device, -1, SQLITE_TRANSIENT);
  return sqlite_step_done (self, self->writer, stmt, error);
}

/* Finding the same person twice and the rows that hang on a person or an
 * enrolment (st-server-people.c): partial indexes, so that a row pays only
 * for the index of its own table. Replaced by columns of their own in
 * schema 4 (key_columns). */
static const char schema_v2[] =
  "CREATE INDEX records_participants_id_number ON records (json_extract (data, '$.id_number'), deleted)"
  " WHERE tbl = 'participants';"
  "CREATE INDEX records_enrolments_participant_id ON records (json_extract (data, '$.participant_id'))"
  " WHERE tbl = 'enrolments';"
  "CREATE INDEX records_attendance_participant_id ON records (json_extract (data, '$.participant_id'))"
  " WHERE tbl = 'attendance';"
  "CREATE INDEX records_study_logs_participant_id ON records (json_extract (data, '$.participant_id'))"
  " WHERE tbl = 'study_logs';"
  "CREATE INDEX records_study_logs_enrolment_id ON records (json_extract (data, '$.enrolment_id'))"
  " WHERE tbl = 'study_logs';"
  "CREATE INDEX records_assignments_enrolment_id ON records (json_extract (data, '$.enrolment_id'))"
  " WHERE tbl = 'assignments';"
  "CREATE INDEX records_assessments_enrolment_id ON records (json_extract (data, '$.enrolment_id'))"
  " WHERE tbl = 'assessments';"
  "CREATE INDEX records_exemptions_enrolment_id ON records (json_extract (data, '$.enrolment_id'))"
  " WHERE tbl = 'exemptions';"
  "CREATE INDEX records_certificates_enrolment_id ON records (json_extract (data, '$.enrolment_id'))"
  " WHERE tbl = 'certificates';"
  ;

static gboolean
migrate_to_2 (StStoreSqlite  *self,
              GError        **error)
{
  return sqlite_conn_exec (self, self->writer, schema_v2, error);
}

/* The database's identity and restore generation (docs/sync-protocol.md,
 * The server's identity), the horizon of the last compaction, and an index
 * for compaction and the audit by time. */
static gboolean
migrate_to_3 (StStoreSqlite  *self,
              GError        **error)
{
  g_autofree char *identity = st_uuid_new ();
  sqlite3_stmt *stmt;

  if (!sqlite_conn_exec (self, self->writer,
                         "CREATE INDEX changes_at ON changes (at);"
                         /* device revoke: until the device signs in again. */
                         "ALTER TABLE devices ADD COLUMN revoked_at INTEGER;"
                         /* Who ran which administration command, and when. */
                         "CREATE TABLE admin_log ("
                         "  id INTEGER PRIMARY KEY,"
                         "  at INTEGER NOT NULL,"
                         "  os_user TEXT,"
                         "  command TEXT NOT NULL,"
                         "  target TEXT,"
                         "  detail TEXT"
                         ");",
                         error))
    return FALSE;
  stmt = sqlite_conn_prepare (self, self->writer,
                              "INSERT INTO meta (key, value) VALUES ('identity', ?), ('generation', '0'),"
                              " ('compacted_seq', '0')", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, identity, -1, SQLITE_TRANSIENT);
  return sqlite_step_done (self, self->writer, stmt, error);
}

/* Sync by file (issue 20): the keys each device registered at sign-in. */
static gboolean
migrate_to_4 (StStoreSqlite  *self,
              GError        **error)
{
  return sqlite_conn_exec (self, self->writer, "ALTER TABLE devices ADD COLUMN bundle_key TEXT;", error);
}

/* Fields of a row copied into a column of its own (schema 5), for the
 * rules of the same person twice and the moves of a merge
 * (st-server-people.c): "person" holds a participant's ID number and the
 * participant a row hangs on, "enrolment" the enrolment it hangs on. Their
 * indexes read a column, not the row's JSON text. */
typedef struct
{
  const char *table;
  const char *field;
  const char *column;
} KeyColumn;

static const KeyColumn key_columns[] = {
  { "participants", "id_number", "person" },
  { "enrolments", "participant_id", "person" },
  { "attendance", "participant_id", "person" },
  { "study_logs", "participant_id", "person" },
  { "visits", "participant_id", "person" },
  { "study_logs", "enrolment_id", "enrolment" },
  { "assignments", "enrolment_id", "enrolment" },
  { "assessments", "enrolment_id", "enrolment" },
  { "exemptions", "enrolment_id", "enrolment" },
  { "certificates", "enrolment_id", "enrolment" },
  { "visits", "enrolment_id", "enrolment" },
};

/* The column that holds @field of @table's rows, or NULL. */
const char *
sqlite_key_column (const char *table,
                   const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (key_columns); i++)
    if (g_str_equal (key_columns[i].table, table) && g_str_equal (key_columns[i].field, field))
      return key_columns[i].column;
  return NULL;
}

/* The field of @table's rows that @column holds, or NULL. */
const char *
sqlite_key_field (const char *table,
                  const char *column)
{
  for (guint i = 0; i < G_N_ELEMENTS (key_columns); i++)
    if (g_str_equal (key_columns[i].table, table) && g_str_equal (key_columns[i].column, column))
      return key_columns[i].field;
  return NULL;
}

/* SQL computing @column from a row's tbl and data, as record_put () does. */
static char *
key_column_sql (const char *column)
{
  GString *sql = g_string_new ("CASE tbl");

  for (guint i = 0; i < G_N_ELEMENTS (key_columns); i++)
    if (g_str_equal (key_columns[i].column, column))
      g_string_append_printf (sql, " WHEN '%s' THEN json_extract (data, '$.%s')",
                              key_columns[i].table, key_columns[i].field);
  g_string_append (sql, " END");
  return g_string_free (sql, FALSE);
}

/* A row keeps its place in the table for good (rid); its position in the
 * feed (seq) is a column with an index of its own. Until schema 4 seq was
 * the rowid: every change to a row moved it to the table's end and
 * rewrote every index entry of it (half the time the server spent writing
 * an update), and the indexes of people and enrolments parsed the row's
 * JSON text at each write (json_extract), for the old row and the new. */
static gboolean
migrate_to_5 (StStoreSqlite  *self,
              GError        **error)
{
  g_autofree char *person = key_column_sql ("person");
  g_autofree char *enrolment = key_column_sql ("enrolment");
  g_autofree char *sql = g_strdup_printf (
    "CREATE TABLE records_5 ("
    "  rid INTEGER PRIMARY KEY,"
    "  seq INTEGER NOT NULL,"
    RECORD_COLUMNS_SQL
    "  township TEXT,"
    "  data TEXT NOT NULL,"
    "  clocks TEXT NOT NULL,"
    "  person,"                /* no type: holds the JSON value as it is */
    "  enrolment,"
    "  UNIQUE (tbl, id)"
    ");"
    "INSERT INTO records_5 (rid, seq, tbl, id, hlc, device, writer, deleted, township, data, clocks,"
    "                       person, enrolment)"
    " SELECT seq, seq, tbl, id, hlc, device, writer, deleted, township, data, clocks, %s, %s"
    " FROM records ORDER BY seq;"
    "DROP TABLE records;"
    "ALTER TABLE records_5 RENAME TO records;"
    /* Unique by construction (next_seq ()): a plain index spares a
     * uniqueness check at every write. */
    "CREATE INDEX records_seq ON records (seq);"
    "CREATE INDEX records_person ON records (tbl, person, deleted) WHERE person IS NOT NULL;"
    "CREATE INDEX records_enrolment ON records (tbl, enrolment) WHERE enrolment IS NOT NULL;",
    person, enrolment);

  return sqlite_conn_exec (self, self->writer, sql, error);
}

/* Schema 6: PostgreSQL's tables got the township and county codes of
 * every row, for sharding a province's database by county
 * (st-store-pg-schema.c). A SQLite file serves one county and is never
 * sharded, and `migrate` computes the columns as it copies: a step in
 * number only, which keeps storage_schema meaning the same on both. */
static gboolean
migrate_to_6 (StStoreSqlite  *self,
              GError        **error)
{
  return TRUE;
}

/* Migration N brings version N-1 to N. Append; never edit a shipped one. */
static gboolean (*const migrations[]) (StStoreSqlite *, GError **) = {
  migrate_to_1,
  migrate_to_2,
  migrate_to_3,
  migrate_to_4,
  migrate_to_5,
  migrate_to_6,
};

int
st_store_sqlite_latest_schema (void)
{
  return G_N_ELEMENTS (migrations);
}

/* -1 when it cannot be read (sqlite3_errcode () says why). */
static int
query_int (StStoreSqlite *self,
           const char    *sql)
{
  return st_db_stmt_int (sqlite_conn_prepare (self, self->writer, sql, NULL), -1);
}

/* NULL when there is no such key, or (with a message in the log) when it
 * cannot be read: the callers refuse to start either way. */
char *
sqlite_meta_get (StStoreSqlite *self,
                 const char    *key)
{
  int rc;
  char *value = st_db_stmt_text (sqlite_conn_prepare (self, self->writer, "SELECT value FROM meta WHERE key = ?", NULL),
                                 key, &rc);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE && rc != SQLITE_MISUSE)
    g_warning ("%s: the setting %s cannot be read: %s", self->path, key, sqlite3_errstr (rc));
  return value;
}

gboolean
sqlite_migrate (StStoreSqlite  *self,
                GError        **error)
{
  int latest = G_N_ELEMENTS (migrations);
  int version;
  int n_schema;

  if (!sqlite_conn_exec (self, self->writer, "BEGIN IMMEDIATE", error))
    return FALSE;
  version = query_int (self, "PRAGMA user_version");
  if (version < 0)
    {
      sqlite_conn_exec (self, self->writer, "ROLLBACK", NULL);
      return sqlite_set_error (self, self->writer->db, sqlite3_errcode (self->writer->db), error);
    }

  /* Never write into a laptop's database or anyone else's file; nor take
   * a file whose schema cannot be read for an empty one. */
  n_schema = query_int (self, "SELECT count(*) FROM sqlite_schema");
  if (n_schema < 0)
    {
      int rc = sqlite3_errcode (self->writer->db);

      sqlite_conn_exec (self, self->writer, "ROLLBACK", NULL);
      return sqlite_set_error (self, self->writer->db, rc, error);
    }
  if ((version == 0 && n_schema > 0) || version > 0)
    {
      g_autofree char *kind = version > 0 && query_int (self, "SELECT count(*) FROM sqlite_schema"
                                                              " WHERE name = 'meta'") == 1
                              ? sqlite_meta_get (self, "store") : NULL;

      if (g_strcmp0 (kind, STORE_KIND) != 0)
        {
          sqlite_conn_exec (self, self->writer, "ROLLBACK", NULL);
          g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_NOT_A_STORE,
                       _("The file %s is not a shuangti-server database (is it a laptop’s database?). Give shuangti-server a file of its own."),
                       self->path);
          return FALSE;
        }
    }
  if (version > latest)
    {
      sqlite_conn_exec (self, self->writer, "ROLLBACK", NULL);
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_NEWER_SCHEMA,
                   _("The server database %s was written by a newer shuangti-server (schema %d; this one knows %d). Update shuangti-server."),
                   self->path, version, latest);
      return FALSE;
    }

  for (int v = version; v < latest; v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", v + 1);

      if (!migrations[v] (self, error) || !sqlite_conn_exec (self, self->writer, set_version, error))
        {
          sqlite_conn_exec (self, self->writer, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  if (!sqlite_conn_exec (self, self->writer, "COMMIT", error))
    {
      sqlite_conn_exec (self, self->writer, "ROLLBACK", NULL);
      return FALSE;
    }
  self->schema_version = latest;
  return TRUE;
}

/* StStore */

static int
sqlite_get_schema_version (StStore *store)
{
  return ST_STORE_SQLITE (store)->schema_version;
}

static const char *
sqlite_get_server_device (StStore *store)
{
  return ST_STORE_SQLITE (store)->server_device;
}

static const char *
sqlite_get_identity (StStore *store)
{
  return ST_STORE_SQLITE (store)->identity;
}

static gint64
sqlite_get_generation (StStore *store)
{
  return ST_STORE_SQLITE (store)->generation;
}

/* The integer @sql reads on a reader (0 when it finds no row); -1 with
 * @error set. */
static gint64
read_int (StStoreSqlite  *self,
          const char     *sql,
          GError        **error)
{
  Conn *conn = sqlite_reader_acquire (self, error);
  sqlite3_stmt *stmt;
  gint64 value = -1;
  int rc;

  if (conn == NULL)
    return -1;
  stmt = sqlite_conn_prepare (self, conn, sql, error);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        value = sqlite3_column_int64 (stmt, 0);
      else if (rc == SQLITE_DONE)
        value = 0;
      else
        sqlite_set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  sqlite_reader_release (self, conn);
  return value;
}

static gint64
sqlite_get_compacted_seq (StStore  *store,
                          GError  **error)
{
  return read_int (ST_STORE_SQLITE (store), "SELECT value FROM meta WHERE key = 'compacted_seq'", error);
}

/* (The query always finds its one row.) */
static gint64
sqlite_get_feed_high (StStore  *store,
                      GError  **error)
{
  return read_int (ST_STORE_SQLITE (store),
                   "SELECT max (coalesce ((SELECT max (seq) FROM records), 0),"
                   " coalesce ((SELECT max (seq) FROM evictions), 0))", error);
}

/* In the writer's transaction, which is @txn's. */
static gboolean
sqlite_meta_set (StStore     *store,
                 StStoreTxn  *txn,
                 const char  *key,
                 const char  *value,
                 GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = sqlite_conn_prepare (self, self->writer,
                                            "INSERT INTO meta (key, value) VALUES (?, ?)"
                                            " ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  return sqlite_step_done (self, self->writer, stmt, error);
}

static void
sqlite_origin_set (StStore     *store,
                   const char  *identity,
                   gint64       generation)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);

  g_free (self->identity);
  self->identity = g_strdup (identity);
  self->generation = generation;
}

/* Runs @sql (with ?1 bound to @value) in the writer's transaction; the
 * number of rows it changed, -1 with @error set. */
static gint64
exec_count (StStoreSqlite  *self,
            const char     *sql,
            gint64          value,
            GError        **error)
{
  sqlite3_stmt *stmt = sqlite_conn_prepare (self, self->writer, sql, error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, value);
  if (!sqlite_step_done (self, self->writer, stmt, error))
    return -1;
  return sqlite3_changes64 (self->writer->db);
}

static gboolean
sqlite_compact (StStore         *store,
                StStoreTxn      *txn,
                gint64           before_ms,
                StCompactStats  *stats,
                GError         **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt;
  gint64 horizon = 0, previous = 0;
  int rc;

  /* The feed position the last change before the horizon reached: what
   * the server wrote on its own in between lies below the next one. */
  stmt = sqlite_conn_prepare (self, self->writer,
                              "SELECT coalesce ((SELECT max (server_seq) FROM changes WHERE at < ?1), 0),"
                              " coalesce ((SELECT CAST (value AS INTEGER) FROM meta WHERE key = 'compacted_seq'), 0)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, before_ms);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      horizon = sqlite3_column_int64 (stmt, 0);
      previous = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite_set_error (self, self->writer->db, rc, error);
      return FALSE;
    }
  stats->horizon_seq = MAX (horizon, previous);

  stats->changes_slimmed = exec_count (self, "UPDATE changes SET old = NULL, new = NULL"
                                             " WHERE at < ?1 AND (old IS NOT NULL OR new IS NOT NULL)",
                                       before_ms, error);
  if (stats->changes_slimmed < 0)
    return FALSE;
  stats->evictions = exec_count (self, "DELETE FROM evictions WHERE seq <= ?1", stats->horizon_seq, error);
  if (stats->evictions < 0)
    return FALSE;
  stats->review_items = exec_count (self, "DELETE FROM records WHERE tbl = 'review_items' AND seq <= ?1"
                                          " AND json_extract (data, '$.resolved') = 1",
                                    stats->horizon_seq, error);
  return stats->review_items >= 0;
}

static gboolean
sqlite_check (StStore  *store,
              GError  **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = sqlite_reader_acquire (self, error);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (conn == NULL)
    return FALSE;
  stmt = sqlite_conn_prepare (self, conn, "SELECT value FROM meta WHERE key = 'store'", error);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        ok = TRUE;
      else
        sqlite_set_error (self, conn->db, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
      sqlite3_reset (stmt);
    }
  sqlite_reader_release (self, conn);
  return ok;
}

void
sqlite_schema_iface_init (StStoreInterface *iface)
{
  iface->get_schema_version = sqlite_get_schema_version;
  iface->get_server_device = sqlite_get_server_device;
  iface->get_identity = sqlite_get_identity;
  iface->get_generation = sqlite_get_generation;
  iface->get_compacted_seq = sqlite_get_compacted_seq;
  iface->get_feed_high = sqlite_get_feed_high;
  iface->meta_set = sqlite_meta_set;
  iface->origin_set = sqlite_origin_set;
  iface->compact = sqlite_compact;
  iface->check = sqlite_check;
}
