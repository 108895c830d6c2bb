/* SPDX-License-Identifier: GPL-3.0-or-later */
/* StStore on SQLite: WAL, synchronous = FULL (a push the server acknowledged
 * survives a power cut), one write connection guarded by a mutex, and a pool
 * of read-only connections for the readers, which WAL lets run beside the
 * writer. Every value is bound; no SQL is built from data. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "st-db.h"
#include "st-json-guard.h"
#include "st-store-sqlite.h"
#include "st-uuid.h"

#define STORE_KIND "shuangti-server"

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
  guint   savepoints;
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

static void st_store_sqlite_iface_init (StStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StStoreSqlite, st_store_sqlite, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ST_TYPE_STORE, st_store_sqlite_iface_init))


/* Errors */

static gboolean
set_error (StStoreSqlite  *self,
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
      set_error (self, conn->db, rc, error);
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
      set_error (self, conn->db, rc, error);
      conn_free (conn);
      return NULL;
    }
  return conn;
}

/* A cached statement, reset and unbound. */
static sqlite3_stmt *
conn_prepare (StStoreSqlite  *self,
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
      set_error (self, conn->db, rc, error);
      return NULL;
    }
  g_hash_table_insert (conn->statements, g_strdup (sql), stmt);
  return stmt;
}

/* conn_prepare () of a literal SQL text, found by its address: the hot
 * statements of a push are looked up hundreds of thousands of times, and
 * hashing their text each time cost more than a tenth of what the writer
 * spent outside SQLite. */
static sqlite3_stmt *
conn_prepare_at (StStoreSqlite  *self,
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
  stmt = conn_prepare (self, conn, sql, error);
  if (stmt != NULL)
    g_hash_table_insert (conn->literals, (gpointer) sql, stmt);
  return stmt;
}

/* Only for a string literal, which lives as long as the program. */
#define conn_prepare_literal(self, conn, sql, error) conn_prepare_at (self, conn, "" sql "", error)

static gboolean
conn_exec (StStoreSqlite  *self,
           Conn           *conn,
           const char     *sql,
           GError        **error)
{
  int rc = sqlite3_exec (conn->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_error (self, conn->db, rc, error);
  return TRUE;
}

/* Steps a statement that returns no row, and resets it. */
static gboolean
step_done (StStoreSqlite  *self,
           Conn           *conn,
           sqlite3_stmt   *stmt,
           GError        **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_error (self, conn->db, rc, error);
  return TRUE;
}

static Conn *
reader_acquire (StStoreSqlite  *self,
                GError        **error)
{
  Conn *conn = g_async_queue_try_pop (self->idle_readers);

  if (conn != NULL)
    return conn;
  conn = conn_open (self, FALSE, error);
  if (conn != NULL)
    {
      g_mutex_lock (&self->readers_lock);
      g_ptr_array_add (self->readers, conn);
      g_mutex_unlock (&self->readers_lock);
    }
  return conn;
}

static void
reader_release (StStoreSqlite *self,
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
static Conn *
conn_for (StStoreSqlite  *self,
          StStoreTxn     *txn,
          GError        **error)
{
  return txn != NULL ? txn->conn : reader_acquire (self, error);
}

static void
conn_done (StStoreSqlite *self,
           StStoreTxn    *txn,
           Conn          *conn)
{
  if (txn == NULL)
    reader_release (self, conn);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *value)
{
  if (value == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

static void
bind_int_or_null (sqlite3_stmt *stmt,
                  int           index,
                  gint64        value)
{
  if (value == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

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
  g_autoptr(JsonNode) node = NULL;
  JsonObject *flat = st_json_flat_object_parse (text ? text : "{}");

  /* Records are flat objects this server wrote: the quick way first. */
  if (flat != NULL)
    return flat;
  if (!st_json_parser_load (conn->parser, text ? text : "{}", -1, error))
    return NULL;
  node = json_parser_steal_root (conn->parser);
  if (node == NULL)
    {
      g_set_error_literal (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED,
                           "a stored record is empty");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED,
                           "a stored record is not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

static char **
townships_from_text (const char *text)
{
  g_autoptr(JsonNode) node = st_json_from_string (text ? text : "[]", NULL);
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *code = json_array_get_string_element (array, i);

          if (code != NULL)
            g_ptr_array_add (codes, g_strdup (code));
        }
    }
  g_ptr_array_add (codes, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&codes), FALSE);
}

static char *
townships_to_text (char **townships)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; townships != NULL && townships[i] != NULL; i++)
    json_array_add_string_element (array, townships[i]);
  node = json_node_init_array (json_node_alloc (), array);
  return json_to_string (node, FALSE);
}


/* Schema */

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
  "  tbl TEXT NOT NULL,"
  "  id TEXT NOT NULL,"
  "  hlc INTEGER NOT NULL,"
  "  device TEXT NOT NULL,"
  "  writer TEXT,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
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

  if (!conn_exec (self, self->writer, schema_v1, error))
    return FALSE;
  stmt = conn_prepare (self, self->writer,
                       "INSERT INTO meta (key, value) VALUES ('store', '" STORE_KIND "'),"
                       " ('server_device', ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device, -1, SQLITE_TRANSIENT);
  return step_done (self, self->writer, stmt, error);
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
  return conn_exec (self, self->writer, schema_v2, error);
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

  if (!conn_exec (self, self->writer,
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
  stmt = conn_prepare (self, self->writer,
                       "INSERT INTO meta (key, value) VALUES ('identity', ?), ('generation', '0'),"
                       " ('compacted_seq', '0')", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, identity, -1, SQLITE_TRANSIENT);
  return step_done (self, self->writer, stmt, error);
}

/* Sync by file (issue 20): the keys each device registered at sign-in. */
static gboolean
migrate_to_4 (StStoreSqlite  *self,
              GError        **error)
{
  return conn_exec (self, self->writer, "ALTER TABLE devices ADD COLUMN bundle_key TEXT;", error);
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
static const char *
key_column (const char *table,
            const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (key_columns); i++)
    if (g_str_equal (key_columns[i].table, table) && g_str_equal (key_columns[i].field, field))
      return key_columns[i].column;
  return NULL;
}

/* The field of @table's rows that @column holds, or NULL. */
static const char *
key_field (const char *table,
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
    "  tbl TEXT NOT NULL,"
    "  id TEXT NOT NULL,"
    "  hlc INTEGER NOT NULL,"
    "  device TEXT NOT NULL,"
    "  writer TEXT,"
    "  deleted INTEGER NOT NULL DEFAULT 0,"
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

  return conn_exec (self, self->writer, sql, error);
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
  sqlite3_stmt *stmt = conn_prepare (self, self->writer, sql, NULL);
  int v = -1;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return v;
}

/* NULL when there is no such key, or (with a message in the log) when it
 * cannot be read: the callers refuse to start either way. */
static char *
meta_get (StStoreSqlite *self,
          const char    *key)
{
  sqlite3_stmt *stmt = conn_prepare (self, self->writer, "SELECT value FROM meta WHERE key = ?", NULL);
  char *value = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = st_db_column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    g_warning ("%s: the setting %s cannot be read: %s", self->path, key, sqlite3_errmsg (self->writer->db));
  sqlite3_reset (stmt);
  return value;
}

static gboolean
migrate (StStoreSqlite  *self,
         GError        **error)
{
  int latest = G_N_ELEMENTS (migrations);
  int version;
  int n_schema;

  if (!conn_exec (self, self->writer, "BEGIN IMMEDIATE", error))
    return FALSE;
  version = query_int (self, "PRAGMA user_version");
  if (version < 0)
    {
      conn_exec (self, self->writer, "ROLLBACK", NULL);
      return set_error (self, self->writer->db, sqlite3_errcode (self->writer->db), error);
    }

  /* Never write into a laptop's database or anyone else's file; nor take
   * a file whose schema cannot be read for an empty one. */
  n_schema = query_int (self, "SELECT count(*) FROM sqlite_schema");
  if (n_schema < 0)
    {
      int rc = sqlite3_errcode (self->writer->db);

      conn_exec (self, self->writer, "ROLLBACK", NULL);
      return set_error (self, self->writer->db, rc, error);
    }
  if ((version == 0 && n_schema > 0) || version > 0)
    {
      g_autofree char *kind = version > 0 && query_int (self, "SELECT count(*) FROM sqlite_schema"
                                                              " WHERE name = 'meta'") == 1
                              ? meta_get (self, "store") : NULL;

      if (g_strcmp0 (kind, STORE_KIND) != 0)
        {
          conn_exec (self, self->writer, "ROLLBACK", NULL);
          g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_NOT_A_STORE,
                       _("The file %s is not a shuangti-server database (is it a laptop’s database?). Give shuangti-server a file of its own."),
                       self->path);
          return FALSE;
        }
    }
  if (version > latest)
    {
      conn_exec (self, self->writer, "ROLLBACK", NULL);
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_NEWER_SCHEMA,
                   _("The server database %s was written by a newer shuangti-server (schema %d; this one knows %d). Update shuangti-server."),
                   self->path, version, latest);
      return FALSE;
    }

  for (int v = version; v < latest; v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", v + 1);

      if (!migrations[v] (self, error) || !conn_exec (self, self->writer, set_version, error))
        {
          conn_exec (self, self->writer, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  if (!conn_exec (self, self->writer, "COMMIT", error))
    {
      conn_exec (self, self->writer, "ROLLBACK", NULL);
      return FALSE;
    }
  self->schema_version = latest;
  return TRUE;
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
  if (!migrate (self, error))
    return NULL;
  self->server_device = meta_get (self, "server_device");
  if (self->server_device == NULL)
    {
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_NOT_A_STORE,
                   _("The file %s is not a shuangti-server database or is damaged. Restore it from a backup."),
                   self->path);
      return NULL;
    }
  self->identity = meta_get (self, "identity");
  {
    g_autofree char *generation = meta_get (self, "generation");

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

static gint64
sqlite_get_compacted_seq (StStore  *store,
                          GError  **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = reader_acquire (self, error);
  sqlite3_stmt *stmt;
  gint64 seq = -1;
  int rc;

  if (conn == NULL)
    return -1;
  stmt = conn_prepare (self, conn, "SELECT value FROM meta WHERE key = 'compacted_seq'", error);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        seq = sqlite3_column_int64 (stmt, 0);
      else if (rc == SQLITE_DONE)
        seq = 0;
      else
        set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  reader_release (self, conn);
  return seq;
}

static gint64
sqlite_get_feed_high (StStore  *store,
                      GError  **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = reader_acquire (self, error);
  sqlite3_stmt *stmt;
  gint64 seq = -1;
  int rc;

  if (conn == NULL)
    return -1;
  stmt = conn_prepare (self, conn,
                       "SELECT max (coalesce ((SELECT max (seq) FROM records), 0),"
                       " coalesce ((SELECT max (seq) FROM evictions), 0))", error);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        seq = sqlite3_column_int64 (stmt, 0);
      else
        set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  reader_release (self, conn);
  return seq;
}

static gboolean
set_meta_text (StStoreSqlite  *self,
               const char     *key,
               const char     *value,
               GError        **error)
{
  sqlite3_stmt *stmt = conn_prepare (self, self->writer,
                                     "INSERT INTO meta (key, value) VALUES (?, ?)"
                                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  return step_done (self, self->writer, stmt, error);
}

static gboolean
set_meta_int64 (StStoreSqlite  *self,
                const char     *key,
                gint64          value,
                GError        **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return set_meta_text (self, key, text, error);
}

static gboolean
sqlite_set_origin (StStore     *store,
                   const char  *identity,
                   gint64       generation,
                   GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  StStoreTxn *txn = st_store_begin (store, error);

  if (txn == NULL)
    return FALSE;
  if (!set_meta_text (self, "identity", identity, error)
      || !set_meta_int64 (self, "generation", generation, error))
    {
      st_store_rollback (store, txn);
      return FALSE;
    }
  if (!st_store_commit (store, txn, error))
    return FALSE;
  g_free (self->identity);
  self->identity = g_strdup (identity);
  self->generation = generation;
  return TRUE;
}

/* Runs @sql (with ?1 bound to @value) in the writer's transaction; the
 * number of rows it changed, -1 with @error set. */
static gint64
exec_count (StStoreSqlite  *self,
            const char     *sql,
            gint64          value,
            GError        **error)
{
  sqlite3_stmt *stmt = conn_prepare (self, self->writer, sql, error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, value);
  if (!step_done (self, self->writer, stmt, error))
    return -1;
  return sqlite3_changes64 (self->writer->db);
}

static gboolean
sqlite_compact (StStore         *store,
                gint64           before_ms,
                StCompactStats  *stats,
                GError         **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  StStoreTxn *txn;
  sqlite3_stmt *stmt;
  gint64 horizon = 0, previous = 0;
  int rc;

  memset (stats, 0, sizeof *stats);
  txn = st_store_begin (store, error);
  if (txn == NULL)
    return FALSE;
  /* The feed position the last change before the horizon reached: what
   * the server wrote on its own in between lies below the next one. */
  stmt = conn_prepare (self, self->writer,
                       "SELECT coalesce ((SELECT max (server_seq) FROM changes WHERE at < ?1), 0),"
                       " coalesce ((SELECT CAST (value AS INTEGER) FROM meta WHERE key = 'compacted_seq'), 0)",
                       error);
  if (stmt == NULL)
    goto fail;
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
      set_error (self, self->writer->db, rc, error);
      goto fail;
    }
  stats->horizon_seq = MAX (horizon, previous);

  stats->changes_slimmed = exec_count (self, "UPDATE changes SET old = NULL, new = NULL"
                                             " WHERE at < ?1 AND (old IS NOT NULL OR new IS NOT NULL)",
                                       before_ms, error);
  if (stats->changes_slimmed < 0)
    goto fail;
  stats->evictions = exec_count (self, "DELETE FROM evictions WHERE seq <= ?1", stats->horizon_seq, error);
  if (stats->evictions < 0)
    goto fail;
  stats->review_items = exec_count (self, "DELETE FROM records WHERE tbl = 'review_items' AND seq <= ?1"
                                          " AND json_extract (data, '$.resolved') = 1",
                                    stats->horizon_seq, error);
  if (stats->review_items < 0)
    goto fail;
  if (!set_meta_int64 (self, "compacted_seq", stats->horizon_seq, error)
      || !set_meta_int64 (self, "compacted_at", g_get_real_time () / 1000, error))
    goto fail;
  return st_store_commit (store, txn, error);

fail:
  st_store_rollback (store, txn);
  return FALSE;
}

static gboolean
sqlite_check (StStore  *store,
              GError  **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = reader_acquire (self, error);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (conn == NULL)
    return FALSE;
  stmt = conn_prepare (self, conn, "SELECT value FROM meta WHERE key = 'store'", error);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        ok = TRUE;
      else
        set_error (self, conn->db, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
      sqlite3_reset (stmt);
    }
  reader_release (self, conn);
  return ok;
}

static StStoreTxn *
sqlite_begin (StStore  *store,
              GError  **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);

  g_mutex_lock (&self->write_lock);
  if (!conn_exec (self, self->writer, "BEGIN IMMEDIATE", error))
    {
      g_mutex_unlock (&self->write_lock);
      return NULL;
    }
  self->txn.next_seq = 0;
  self->txn.savepoints = 0;
  return &self->txn;
}

static gboolean
sqlite_commit (StStore     *store,
               StStoreTxn  *txn,
               GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  gboolean ok = conn_exec (self, txn->conn, "COMMIT", error);

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
  Conn *conn = reader_acquire (self, error);

  if (conn == NULL)
    return NULL;
  if (!conn_exec (self, conn, "BEGIN", error))
    {
      reader_release (self, conn);
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
  reader_release (self, txn->conn);
  g_free (txn);
}

static gboolean
run_prepared (StStoreSqlite  *self,
              Conn           *conn,
              const char     *sql,
              GError        **error)
{
  sqlite3_stmt *stmt = conn_prepare (self, conn, sql, error);

  return stmt != NULL && step_done (self, conn, stmt, error);
}

static gboolean
sqlite_savepoint (StStore     *store,
                  StStoreTxn  *txn,
                  GError     **error)
{
  if (!run_prepared (ST_STORE_SQLITE (store), txn->conn, "SAVEPOINT request", error))
    return FALSE;
  txn->savepoints++;
  return TRUE;
}

static gboolean
sqlite_release (StStore     *store,
                StStoreTxn  *txn,
                GError     **error)
{
  if (!run_prepared (ST_STORE_SQLITE (store), txn->conn, "RELEASE request", error))
    return FALSE;
  txn->savepoints--;
  return TRUE;
}

static void
sqlite_rollback_to (StStore    *store,
                    StStoreTxn *txn)
{
  sqlite3_exec (txn->conn->db, "ROLLBACK TO request; RELEASE request", NULL, NULL, NULL);
  txn->savepoints--;
}

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
  account->townships = townships_from_text ((const char *) sqlite3_column_text (stmt, first + 3));
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
  Conn *conn = conn_for (self, txn, error);
  StAccount *account = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (conn == NULL)
    return NULL;
  stmt = conn_prepare (self, conn, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE name = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        account = account_from_row (stmt, 0);
      else if (rc != SQLITE_DONE)
        set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  conn_done (self, txn, conn);
  return account;
}

static GPtrArray *
sqlite_account_list (StStore  *store,
                     GError  **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = reader_acquire (self, error);
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) st_account_free);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (conn == NULL)
    return NULL;
  stmt = conn_prepare (self, conn, "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY name", error);
  if (stmt != NULL)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (accounts, account_from_row (stmt, 0));
      ok = rc == SQLITE_DONE || set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  reader_release (self, conn);
  return ok ? g_steal_pointer (&accounts) : NULL;
}

static gboolean
sqlite_account_insert (StStore     *store,
                       StStoreTxn  *txn,
                       StAccount   *account,
                       GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autofree char *townships = townships_to_text (account->townships);
  sqlite3_stmt *stmt = conn_prepare (self, txn->conn,
                                     "INSERT INTO accounts (name, role, townships, password_hash, disabled, created_at, changed_at)"
                                     " VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  sqlite3_stmt *same;
  int rc;

  if (stmt == NULL)
    return FALSE;
  /* Names differ by more than case: "Qiaoma" is not a second qiaoma (a
   * person types either when signing in on another laptop). NOCASE folds
   * ASCII letters, the only ones that have a case in account names here. */
  same = conn_prepare (self, txn->conn, "SELECT name FROM accounts WHERE name = ? COLLATE NOCASE", error);
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
    return set_error (self, txn->conn->db, rc, error);
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
    return set_error (self, txn->conn->db, rc, error);
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
  g_autofree char *townships = townships_to_text (account->townships);
  sqlite3_stmt *stmt = conn_prepare (self, txn->conn,
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
  return step_done (self, txn->conn, stmt, error);
}

static StCredential *
sqlite_credential_find (StStore     *store,
                        const char  *token_hash,
                        GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = reader_acquire (self, error);
  StCredential *credential = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (conn == NULL)
    return NULL;
  stmt = conn_prepare (self, conn,
                       "SELECT t.device, t.expires_at, t.revoked_at,"
                       " a.id, a.name, a.role, a.townships, a.password_hash, a.disabled, a.created_at, a.changed_at"
                       " FROM tokens AS t JOIN accounts AS a ON a.id = t.account_id WHERE t.hash = ?",
                       error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          credential = g_new0 (StCredential, 1);
          credential->device = st_db_column_dup (stmt, 0);
          credential->expires_at = sqlite3_column_int64 (stmt, 1);
          credential->revoked = sqlite3_column_type (stmt, 2) != SQLITE_NULL;
          credential->account = account_from_row (stmt, 3);
        }
      else if (rc != SQLITE_DONE)
        set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  reader_release (self, conn);
  return credential;
}

static gboolean
sqlite_token_insert (StStore     *store,
                     StStoreTxn  *txn,
                     const char  *token_hash,
                     gint64       account_id,
                     const char  *device,
                     gint64       created_at,
                     gint64       expires_at,
                     GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = conn_prepare (self, txn->conn,
                                     "INSERT INTO tokens (hash, account_id, device, created_at, expires_at)"
                                     " VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, account_id);
  sqlite3_bind_text (stmt, 3, device, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, created_at);
  sqlite3_bind_int64 (stmt, 5, expires_at);
  return step_done (self, txn->conn, stmt, error);
}

static gboolean
sqlite_token_revoke (StStore     *store,
                     StStoreTxn  *txn,
                     const char  *token_hash,
                     gint64       at,
                     GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = conn_prepare (self, txn->conn,
                                     "UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL",
                                     error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_text (stmt, 2, token_hash, -1, SQLITE_TRANSIENT);
  return step_done (self, txn->conn, stmt, error);
}

static gboolean
sqlite_tokens_revoke_account (StStore     *store,
                              StStoreTxn  *txn,
                              gint64       account_id,
                              gint64       at,
                              GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = conn_prepare (self, txn->conn,
                                     "UPDATE tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
                                     error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_int64 (stmt, 2, account_id);
  return step_done (self, txn->conn, stmt, error);
}

static StDevice *
sqlite_device_find (StStore     *store,
                    StStoreTxn  *txn,
                    const char  *id,
                    GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = conn_for (self, txn, error);
  StDevice *device = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (conn == NULL)
    return NULL;
  stmt = conn_prepare_literal (self, conn,
                       "SELECT id, name, account_id, registered_at, epoch, acked_seq, last_push_at, last_pull_at"
                       " FROM devices WHERE id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
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
      else if (rc != SQLITE_DONE)
        set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  conn_done (self, txn, conn);
  return device;
}

static gboolean
sqlite_device_save (StStore         *store,
                    StStoreTxn      *txn,
                    const StDevice  *device,
                    GError         **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = conn_prepare_literal (self, txn->conn,
                                     "INSERT INTO devices (id, name, account_id, registered_at, epoch, acked_seq,"
                                     " last_push_at, last_pull_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                                     " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                                     " account_id = excluded.account_id, epoch = excluded.epoch,"
                                     " acked_seq = excluded.acked_seq, last_push_at = excluded.last_push_at,"
                                     " last_pull_at = excluded.last_pull_at, revoked_at = NULL", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device->id, -1, SQLITE_TRANSIENT);
  bind_text (stmt, 2, device->name);
  bind_int_or_null (stmt, 3, device->account_id);
  sqlite3_bind_int64 (stmt, 4, device->registered_at);
  sqlite3_bind_int64 (stmt, 5, device->epoch);
  sqlite3_bind_int64 (stmt, 6, device->acked_seq);
  bind_int_or_null (stmt, 7, device->last_push_at);
  bind_int_or_null (stmt, 8, device->last_pull_at);
  return step_done (self, txn->conn, stmt, error);
}

static gboolean
sqlite_device_key_set (StStore     *store,
                       StStoreTxn  *txn,
                       const char  *id,
                       const char  *key,
                       GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = conn_prepare (self, txn->conn, "UPDATE devices SET bundle_key = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  if (!step_done (self, txn->conn, stmt, error))
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
  Conn *conn = conn_for (self, txn, error);
  sqlite3_stmt *stmt;
  char *key = NULL;
  int rc;

  if (conn == NULL)
    return NULL;
  stmt = conn_prepare (self, conn, "SELECT bundle_key, account_id, revoked_at FROM devices WHERE id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          key = st_db_column_dup (stmt, 0);
          *account_id = sqlite3_column_int64 (stmt, 1);
          *revoked_at = sqlite3_column_int64 (stmt, 2);
        }
      else if (rc != SQLITE_DONE)
        set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  conn_done (self, txn, conn);
  return key;
}

static GPtrArray *
sqlite_device_list (StStore  *store,
                    gint64    now,
                    GError  **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func ((GDestroyNotify) st_device_info_free);
  Conn *conn = reader_acquire (self, error);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (conn == NULL)
    return NULL;
  stmt = conn_prepare (self, conn,
                       "SELECT d.id, d.name, d.account_id, d.registered_at, d.epoch, d.acked_seq, d.last_push_at,"
                       " d.last_pull_at, a.name, d.revoked_at,"
                       " (SELECT count(*) FROM tokens AS t WHERE t.device = d.id AND t.revoked_at IS NULL"
                       "  AND t.expires_at > ?1)"
                       " FROM devices AS d LEFT JOIN accounts AS a ON a.id = d.account_id"
                       " ORDER BY max (coalesce (d.last_push_at, 0), coalesce (d.last_pull_at, 0), d.registered_at) DESC",
                       error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, now);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
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
          g_ptr_array_add (devices, info);
        }
      ok = rc == SQLITE_DONE || set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  reader_release (self, conn);
  return ok ? g_steal_pointer (&devices) : NULL;
}

static gint64
sqlite_device_revoke (StStore     *store,
                      StStoreTxn  *txn,
                      const char  *id,
                      gint64       at,
                      GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = conn_prepare (self, txn->conn, "UPDATE devices SET revoked_at = ? WHERE id = ?", error);
  gint64 revoked;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  if (!step_done (self, txn->conn, stmt, error))
    return -1;
  if (sqlite3_changes (txn->conn->db) == 0)
    return -2;
  stmt = conn_prepare (self, txn->conn,
                       "UPDATE tokens SET revoked_at = ? WHERE device = ? AND revoked_at IS NULL", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  if (!step_done (self, txn->conn, stmt, error))
    return -1;
  revoked = sqlite3_changes64 (txn->conn->db);
  return revoked;
}

static gboolean
sqlite_admin_log_insert (StStore             *store,
                         StStoreTxn          *txn,
                         const StAdminEntry  *e,
                         GError             **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = conn_prepare (self, txn->conn,
                                     "INSERT INTO admin_log (at, os_user, command, target, detail) VALUES (?, ?, ?, ?, ?)",
                                     error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, e->at);
  bind_text (stmt, 2, e->os_user);
  sqlite3_bind_text (stmt, 3, e->command, -1, SQLITE_TRANSIENT);
  bind_text (stmt, 4, e->target);
  bind_text (stmt, 5, e->detail);
  return step_done (self, txn->conn, stmt, error);
}

/* Binds the members of @q that the statement names (?1 account, ?2 device
 * prefix, ?3 table, ?4 row, ?5 since, ?6 until, ?7 limit); a NULL member
 * matches everything. */
static void
bind_query (sqlite3_stmt     *stmt,
            const StLogQuery *q)
{
  bind_text (stmt, 1, q->account);
  bind_text (stmt, 2, q->device);
  bind_text (stmt, 3, q->table);
  bind_text (stmt, 4, q->row_id);
  sqlite3_bind_int64 (stmt, 5, q->since);
  sqlite3_bind_int64 (stmt, 6, q->until > 0 ? q->until : G_MAXINT64);
  sqlite3_bind_int64 (stmt, 7, q->limit > 0 ? (gint64) q->limit : -1);
}

static GPtrArray *
sqlite_admin_log_search (StStore           *store,
                         const StLogQuery  *q,
                         GError           **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) st_admin_row_free);
  Conn *conn = reader_acquire (self, error);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (conn == NULL)
    return NULL;
  stmt = conn_prepare (self, conn,
                       "SELECT id, at, os_user, command, target, detail FROM admin_log"
                       " WHERE (?1 IS NULL OR target = ?1) AND (?2 IS NULL OR substr (target, 1, length (?2)) = ?2)"
                       " AND (?3 IS NULL OR ?3 = '') AND (?4 IS NULL OR ?4 = '')"
                       " AND at >= ?5 AND at < ?6 ORDER BY id LIMIT ?7", error);
  if (stmt != NULL)
    {
      bind_query (stmt, q);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          StAdminRow *row = g_new0 (StAdminRow, 1);

          row->entry.id = sqlite3_column_int64 (stmt, 0);
          row->entry.at = sqlite3_column_int64 (stmt, 1);
          row->entry.os_user = row->strings[0] = st_db_column_dup (stmt, 2);
          row->entry.command = row->strings[1] = st_db_column_dup (stmt, 3);
          row->entry.target = row->strings[2] = st_db_column_dup (stmt, 4);
          row->entry.detail = row->strings[3] = st_db_column_dup (stmt, 5);
          g_ptr_array_add (rows, row);
        }
      ok = rc == SQLITE_DONE || set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  reader_release (self, conn);
  return ok ? g_steal_pointer (&rows) : NULL;
}

static StRecord *
sqlite_record_get (StStore     *store,
                   StStoreTxn  *txn,
                   const char  *table,
                   const char  *id,
                   GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  Conn *conn = conn_for (self, txn, error);
  g_autoptr(StRecord) record = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (conn == NULL)
    return NULL;
  stmt = conn_prepare_literal (self, conn,
                       "SELECT seq, hlc, device, writer, deleted, township, data, clocks"
                       " FROM records WHERE tbl = ? AND id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
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
      else if (rc != SQLITE_DONE)
        set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  conn_done (self, txn, conn);
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
  Conn *conn = conn_for (self, txn, error);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (conn == NULL)
    return FALSE;
  stmt = conn_prepare_literal (self, conn, "SELECT seq FROM records WHERE tbl = ? AND id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      *seq = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
      ok = rc == SQLITE_ROW || rc == SQLITE_DONE || set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  conn_done (self, txn, conn);
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
      sqlite3_stmt *stmt = conn_prepare_literal (self, txn->conn,
                                                 "SELECT max (coalesce ((SELECT max (seq) FROM records), 0),"
                                         " coalesce ((SELECT max (seq) FROM evictions), 0))", error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          return set_error (self, txn->conn->db, rc, error);
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
  stmt = conn_prepare_literal (self, txn->conn,
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
      const char *field = key_field (record->table, columns[i]);
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
  bind_text (stmt, 6, record->writer);
  sqlite3_bind_int (stmt, 7, record->deleted);
  bind_text (stmt, 8, record->township);
  sqlite3_bind_text (stmt, 9, data ? data : record->data_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, clocks ? clocks : record->clocks_text, -1, SQLITE_STATIC);
  if (!step_done (self, txn->conn, stmt, error))
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
  stmt = conn_prepare_literal (self, txn->conn,
                       "INSERT INTO evictions (seq, tbl, id, township) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT (tbl, id, township) DO UPDATE SET seq = excluded.seq", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, table, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, township, -1, SQLITE_TRANSIENT);
  return step_done (self, txn->conn, stmt, error);
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

  const char *column = key_column (table, field);

  g_return_val_if_fail (strchr (field, '"') == NULL, NULL);
  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  if (column != NULL)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT id FROM records WHERE tbl = ?1 AND %s = ?3 ORDER BY seq",
                                              column);

      stmt = conn_prepare (self, conn, sql, error);
    }
  else
    stmt = conn_prepare (self, conn,
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
      ok = rc == SQLITE_DONE || set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  reader_release (self, conn);
  return ok ? g_steal_pointer (&ids) : NULL;
}

static gboolean
is_identifier (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!(g_ascii_islower (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

/* How a query names @field of @table's rows (both identifiers): its own
 * column, which has an index, or the value in the row's JSON text. */
static char *
field_expression (const char *table,
                  const char *field)
{
  const char *column = key_column (table, field);

  return column ? g_strdup (column) : g_strdup_printf ("json_extract (data, '$.%s')", field);
}

static GPtrArray *
sqlite_records_by_field (StStore     *store,
                         StStoreTxn  *txn,
                         const char  *table,
                         const char  *field,
                         const char  *value,
                         gboolean     live_only,
                         GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) st_record_free);
  g_autofree char *sql = NULL;
  g_autofree char *field_sql = NULL;
  Conn *conn;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (is_identifier (table) && is_identifier (field), NULL);
  sql = g_strdup_printf ("SELECT id, seq, hlc, device, writer, deleted, township, data, clocks FROM records"
                         " WHERE tbl = '%s' AND %s = ?1%s ORDER BY seq",
                         table, field_sql = field_expression (table, field), live_only ? " AND deleted = 0" : "");
  conn = conn_for (self, txn, error);
  if (conn == NULL)
    return NULL;
  stmt = conn_prepare (self, conn, sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autoptr(StRecord) record = g_new0 (StRecord, 1);

          record->table = g_strdup (table);
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
      ok = rc == SQLITE_DONE || (rc != SQLITE_ERROR && set_error (self, conn->db, rc, error));
      sqlite3_reset (stmt);
    }
  conn_done (self, txn, conn);
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

  g_return_val_if_fail (is_identifier (table) && is_identifier (field), -1);
  sql = g_strdup_printf ("SELECT count(*) FROM records WHERE tbl = '%s' AND %s = ?1"
                         " AND deleted = 0", table, field_sql = field_expression (table, field));
  conn = conn_for (self, txn, error);
  if (conn == NULL)
    return -1;
  stmt = conn_prepare (self, conn, sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
      else
        set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  conn_done (self, txn, conn);
  return count;
}

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
  Conn *conn = conn_for (self, txn, error);
  StLogRow *row = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (conn == NULL)
    return NULL;
  stmt = conn_prepare_literal (self, conn,
                       "SELECT " LOG_COLUMNS " FROM changes WHERE device = ? AND epoch = ? AND client_seq = ?",
                       error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, device, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, epoch);
      sqlite3_bind_int64 (stmt, 3, client_seq);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        row = log_row_from_stmt (stmt);
      else if (rc != SQLITE_DONE)
        set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  conn_done (self, txn, conn);
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
  Conn *conn = conn_for (self, txn, error);
  sqlite3_stmt *stmt;
  int seen = -1;
  int rc;

  if (conn == NULL)
    return -1;
  stmt = conn_prepare_literal (self, conn,
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
        set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  conn_done (self, txn, conn);
  return seen;
}

static gboolean
sqlite_log_insert (StStore           *store,
                   StStoreTxn        *txn,
                   const StLogEntry  *e,
                   GError           **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  sqlite3_stmt *stmt = conn_prepare_literal (self, txn->conn,
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
  bind_int_or_null (stmt, 11, e->base_hlc);
  sqlite3_bind_text (stmt, 12, e->result, -1, SQLITE_STATIC);
  if (e->code)
    sqlite3_bind_text (stmt, 13, e->code, -1, SQLITE_STATIC);
  bind_int_or_null (stmt, 14, e->server_seq);
  if (e->old_values)
    sqlite3_bind_text (stmt, 15, e->old_values, -1, SQLITE_STATIC);
  if (e->new_values)
    sqlite3_bind_text (stmt, 16, e->new_values, -1, SQLITE_STATIC);
  return step_done (self, txn->conn, stmt, error);
}

static GPtrArray *
sqlite_log_for_row (StStore     *store,
                    const char  *row_id,
                    GError     **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) st_log_row_free);
  Conn *conn = reader_acquire (self, error);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (conn == NULL)
    return NULL;
  stmt = conn_prepare (self, conn, "SELECT " LOG_COLUMNS " FROM changes WHERE row_id = ? ORDER BY id", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, row_id, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (rows, log_row_from_stmt (stmt));
      ok = rc == SQLITE_DONE || set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  reader_release (self, conn);
  return ok ? g_steal_pointer (&rows) : NULL;
}

static GPtrArray *
sqlite_log_search (StStore           *store,
                   const StLogQuery  *q,
                   GError           **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) st_log_row_free);
  Conn *conn = reader_acquire (self, error);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (conn == NULL)
    return NULL;
  stmt = conn_prepare (self, conn,
                       "SELECT " LOG_COLUMNS " FROM changes"
                       " WHERE (?1 IS NULL OR account_name = ?1) AND (?2 IS NULL OR substr (device, 1, length (?2)) = ?2)"
                       " AND (?3 IS NULL OR tbl = ?3) AND (?4 IS NULL OR row_id = ?4)"
                       " AND at >= ?5 AND at < ?6 ORDER BY id LIMIT ?7", error);
  if (stmt != NULL)
    {
      bind_query (stmt, q);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (rows, log_row_from_stmt (stmt));
      ok = rc == SQLITE_DONE || set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }
  reader_release (self, conn);
  return ok ? g_steal_pointer (&rows) : NULL;
}

static gint
feed_entry_compare (gconstpointer a,
                    gconstpointer b)
{
  const StFeedEntry *x = *(StFeedEntry * const *) a;
  const StFeedEntry *y = *(StFeedEntry * const *) b;

  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static GPtrArray *
sqlite_feed_read (StStore             *store,
                  gboolean             all_townships,
                  const char * const  *townships,
                  gint64               after,
                  gint64               skip_deleted_until,
                  guint                limit,
                  GError             **error)
{
  StStoreSqlite *self = ST_STORE_SQLITE (store);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) st_feed_entry_free);
  g_autofree char *scope = NULL;
  Conn *conn;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (!all_townships)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = NULL;

      for (guint i = 0; townships != NULL && townships[i] != NULL; i++)
        json_array_add_string_element (array, townships[i]);
      node = json_node_init_array (json_node_alloc (), array);
      scope = json_to_string (node, FALSE);
    }

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;
  /* One snapshot for both queries. */
  if (!conn_exec (self, conn, "BEGIN", error))
    {
      reader_release (self, conn);
      return NULL;
    }

  stmt = conn_prepare (self, conn,
                       all_townships
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
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, after);
      if (scope)
        sqlite3_bind_text (stmt, 2, scope, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, limit);
      sqlite3_bind_int64 (stmt, 4, skip_deleted_until);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          StFeedEntry *entry = g_new0 (StFeedEntry, 1);

          entry->seq = sqlite3_column_int64 (stmt, 0);
          entry->table = st_db_column_dup (stmt, 1);
          entry->id = st_db_column_dup (stmt, 2);
          entry->hlc = sqlite3_column_int64 (stmt, 3);
          entry->device = st_db_column_dup (stmt, 4);
          entry->deleted = sqlite3_column_int (stmt, 5) != 0;
          entry->data = st_db_column_dup (stmt, 6);
          g_ptr_array_add (entries, entry);
        }
      ok = rc == SQLITE_DONE || set_error (self, conn->db, rc, error);
      sqlite3_reset (stmt);
    }

  /* Someone who sees every township never needs an eviction. */
  if (ok && !all_townships)
    {
      ok = FALSE;
      stmt = conn_prepare (self, conn,
                           "SELECT e.seq, e.tbl, e.id FROM evictions AS e"
                           " WHERE e.seq > ?1 AND e.seq > ?4 AND e.township IN (SELECT value FROM json_each (?2))"
                           " AND NOT EXISTS (SELECT 1 FROM records AS r WHERE r.tbl = e.tbl AND r.id = e.id"
                           "   AND (r.township IN (SELECT value FROM json_each (?2))"
                           "        OR (r.township IS NULL AND r.tbl != 'review_items')))"
                           " ORDER BY e.seq LIMIT ?3",
                           error);
      if (stmt != NULL)
        {
          sqlite3_bind_int64 (stmt, 1, after);
          sqlite3_bind_text (stmt, 2, scope, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 3, limit);
          sqlite3_bind_int64 (stmt, 4, skip_deleted_until);
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              StFeedEntry *entry = g_new0 (StFeedEntry, 1);

              entry->seq = sqlite3_column_int64 (stmt, 0);
              entry->table = st_db_column_dup (stmt, 1);
              entry->id = st_db_column_dup (stmt, 2);
              entry->evict = TRUE;
              g_ptr_array_add (entries, entry);
            }
          ok = rc == SQLITE_DONE || set_error (self, conn->db, rc, error);
          sqlite3_reset (stmt);
        }
      g_ptr_array_sort (entries, feed_entry_compare);
      if (entries->len > limit)
        g_ptr_array_set_size (entries, limit);
    }
  conn_exec (self, conn, "COMMIT", NULL);
  reader_release (self, conn);
  return ok ? g_steal_pointer (&entries) : NULL;
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
  iface->get_schema_version = sqlite_get_schema_version;
  iface->get_server_device = sqlite_get_server_device;
  iface->get_identity = sqlite_get_identity;
  iface->get_generation = sqlite_get_generation;
  iface->get_compacted_seq = sqlite_get_compacted_seq;
  iface->get_feed_high = sqlite_get_feed_high;
  iface->set_origin = sqlite_set_origin;
  iface->compact = sqlite_compact;
  iface->check = sqlite_check;
  iface->begin = sqlite_begin;
  iface->commit = sqlite_commit;
  iface->rollback = sqlite_rollback;
  iface->begin_read = sqlite_begin_read;
  iface->end_read = sqlite_end_read;
  iface->savepoint = sqlite_savepoint;
  iface->release = sqlite_release;
  iface->rollback_to = sqlite_rollback_to;
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
  iface->log_search = sqlite_log_search;
  iface->record_get = sqlite_record_get;
  iface->record_seq = sqlite_record_seq;
  iface->record_put = sqlite_record_put;
  iface->eviction_put = sqlite_eviction_put;
  iface->record_ids_by_field = sqlite_record_ids_by_field;
  iface->records_by_field = sqlite_records_by_field;
  iface->count_by_field = sqlite_count_by_field;
  iface->log_find = sqlite_log_find;
  iface->log_seen = sqlite_log_seen;
  iface->log_insert = sqlite_log_insert;
  iface->log_for_row = sqlite_log_for_row;
  iface->feed_read = sqlite_feed_read;
}
