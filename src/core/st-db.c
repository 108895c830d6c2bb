/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-db"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "st-db-private.h"
#include "st-db-changes.h"
#include "st-hlc.h"
#include "st-uuid.h"

struct _StDb
{
  GObject     parent_instance;

  sqlite3    *handle;
  char       *path;
  char       *device_id;
  char       *actor;
  GHashTable *statements;   /* SQL text → sqlite3_stmt (owns them) */
  GHashTable *by_address;   /* address of the SQL text → sqlite3_stmt */
  gboolean    applying_remote;
  gboolean    read_only;       /* the user may not write the file or its folder */
  StHlc      *clock;           /* not owned: the process clock unless a test sets one */

  char       *bulk_table;      /* non-NULL while bulk capture is on */
  gint64      bulk_rowid;      /* rows after this one are not captured yet */
  GPtrArray  *suspended;       /* tables whose triggers are dropped in this transaction */
  gint64      slow_ns;         /* statements longer than this are reported; 0: none */
  StDbChanges *changes;        /* the tables each commit changed */
};

G_DEFINE_FINAL_TYPE (StDb, st_db, G_TYPE_OBJECT)
G_DEFINE_QUARK (st-db-error-quark, st_db_error)

static void
st_db_finalize (GObject *object)
{
  StDb *self = ST_DB (object);

  g_clear_pointer (&self->by_address, g_hash_table_unref);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->changes, st_db_changes_free);
  if (self->handle != NULL)
    sqlite3_close_v2 (self->handle);
  g_free (self->path);
  g_free (self->device_id);
  g_free (self->actor);
  g_free (self->bulk_table);
  g_clear_pointer (&self->suspended, g_ptr_array_unref);

  G_OBJECT_CLASS (st_db_parent_class)->finalize (object);
}

enum { SIGNAL_TABLES_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
st_db_class_init (StDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = st_db_finalize;

  /* The tables (a sorted NULL-terminated array of names) that commits of
   * this process changed in the file, once st_db_follow_changes () was
   * called; see st-db-changes.c. */
  signals[SIGNAL_TABLES_CHANGED] =
    g_signal_new ("tables-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRV);
}

void
st_db_emit_tables_changed (StDb               *self,
                           const char * const *tables)
{
  g_signal_emit (self, signals[SIGNAL_TABLES_CHANGED], 0, tables);
}

void
st_db_follow_changes (StDb *self)
{
  g_return_if_fail (ST_IS_DB (self));
  st_db_changes_follow (self->changes);
}

static void
st_db_init (StDb *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
  self->by_address = g_hash_table_new (NULL, NULL);
  self->actor = g_strdup (g_get_user_name ());
}


/* SQL functions the triggers call (see st-db-schema.c). */

static void
fn_applying (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  StDb *self = sqlite3_user_data (ctx);

  sqlite3_result_int (ctx, self->applying_remote);
}

static void
fn_uuid (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  sqlite3_result_text (ctx, st_uuid_new (), -1, g_free);
}

static void
fn_now_ms (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  sqlite3_result_int64 (ctx, g_get_real_time () / 1000);
}

static void
fn_actor (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  StDb *self = sqlite3_user_data (ctx);

  sqlite3_result_text (ctx, self->actor, -1, SQLITE_TRANSIENT);
}

static void
fn_device (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  StDb *self = sqlite3_user_data (ctx);

  if (self->device_id == NULL)
    sqlite3_result_null (ctx);
  else
    sqlite3_result_text (ctx, self->device_id, -1, SQLITE_TRANSIENT);
}

static void
fn_hlc (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  StDb *self = sqlite3_user_data (ctx);

  sqlite3_result_int64 (ctx, (sqlite3_int64) st_hlc_next (self->clock));
}

/* A JSON string for @text: quotes, backslashes and control characters
 * escaped, UTF-8 as it is. */
static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

/* st_json_sparse (key, value, …): json_object () without the members whose
 * value is NULL. What an insert records in the audit log and sends: a
 * roster's empty columns cost nothing (a missing member is NULL). */
static void
fn_json_sparse (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  GString *out = g_string_sized_new (256);

  g_string_append_c (out, '{');
  for (int i = 0; i + 1 < argc; i += 2)
    {
      const char *key = (const char *) sqlite3_value_text (argv[i]);

      if (key == NULL || sqlite3_value_type (argv[i + 1]) == SQLITE_NULL)
        continue;
      if (out->len > 1)
        g_string_append_c (out, ',');
      append_json_string (out, key);
      g_string_append_c (out, ':');
      switch (sqlite3_value_type (argv[i + 1]))
        {
        case SQLITE_INTEGER:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) sqlite3_value_int64 (argv[i + 1]));
          break;
        case SQLITE_FLOAT:
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];

            g_string_append (out, g_ascii_dtostr (buf, sizeof buf, sqlite3_value_double (argv[i + 1])));
          }
          break;
        default:
          append_json_string (out, (const char *) sqlite3_value_text (argv[i + 1]));
          break;
        }
    }
  g_string_append_c (out, '}');
  sqlite3_result_text (ctx, out->str, (int) out->len, g_free);
  g_string_free (out, FALSE);
}

static gboolean
register_functions (StDb *self)
{
  static const struct {
    const char *name;
    void (*fn) (sqlite3_context *, int, sqlite3_value **);
    gboolean deterministic;
  } functions[] = {
    { "st_applying", fn_applying, FALSE },
    { "st_uuid", fn_uuid, FALSE },
    { "st_now_ms", fn_now_ms, FALSE },
    { "st_actor", fn_actor, FALSE },
    { "st_device", fn_device, FALSE },
    { "st_hlc", fn_hlc, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
    {
      int rc = sqlite3_create_function_v2 (self->handle, functions[i].name, 0,
                                           SQLITE_UTF8 | SQLITE_INNOCUOUS,
                                           self, functions[i].fn, NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        return FALSE;
    }
  return sqlite3_create_function_v2 (self->handle, "st_json_sparse", -1,
                                     SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC,
                                     NULL, fn_json_sparse, NULL, NULL, NULL) == SQLITE_OK;
}

gboolean
st_db_set_error (StDb        *self,
                 int          rc,
                 const char  *what,
                 GError     **error)
{
  const char *detail = self && self->handle ? sqlite3_errmsg (self->handle) : sqlite3_errstr (rc);
  const char *path = self && self->path ? self->path : "";

  /* Technical detail is for maintainers; the message says what to do. */
  g_debug ("%s failed: %s (%d)", what, detail, rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_FULL,
                   _("The disk is full while %s: nothing of it was saved. Free some space on the disk and try again."),
                   what);
      break;
    case SQLITE_READONLY:
      if (self != NULL && self->read_only)
        g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_READ_ONLY,
                     _("Nothing was saved: the database %s is read-only for you, so %s is not possible. Open a copy that you may change, or ask the owner of the file."),
                     path, what);
      else
        g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_READ_ONLY,
                     _("Nothing was saved: the database %s or its folder cannot be written, so %s is not possible. Check that the disk is not write-protected and that the file and its folder belong to you."),
                     path, what);
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_OPEN,
                   _("The database %s cannot be opened. Check that its folder exists and belongs to you."),
                   path);
      break;
    case SQLITE_CORRUPT:
      g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT,
                   _("The database %s is damaged (found while %s). Restore it from a backup (see Help, “Backups”)."),
                   path, what);
      break;
    case SQLITE_NOTADB:
      g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT,
                   _("The file %s is not a Shuangti database or is damaged. Restore it from a backup or choose another file."),
                   path);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_BUSY,
                   _("Another program kept the database busy for too long, so %s was stopped and nothing of it was saved. Close the other Shuangti window or command, or wait until it has finished, and try again."),
                   what);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_CONSTRAINT,
                   _("Saving was refused while %s because it would break a rule of the data (%s). Nothing was saved."),
                   what, detail);
      break;
    case SQLITE_IOERR:
      g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_FAILED,
                   _("The disk reported an error while %s: nothing of it was saved. Check the disk and try again."),
                   what);
      break;
    default:
      g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_FAILED,
                   _("The database failed while %s (%s). Nothing of it was saved."),
                   what, detail);
      break;
    }
  return FALSE;
}

char *
st_db_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "shuangti", "shuangti.db", NULL);
}

/* The folder of a new database: private to its user (0700). */
static gboolean
ensure_folder (const char  *path,
               GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, ST_DB_ERROR,
                   saved == EROFS || saved == EACCES ? ST_DB_ERROR_READ_ONLY : ST_DB_ERROR_OPEN,
                   _("The folder %s for the database cannot be created: %s."),
                   dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Whether SQLite can write the database at @path: the file, and the folder
 * for its -wal and -shm (or those two, when they are there already).
 * access () opens nothing. */
static gboolean
can_write (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  if (g_access (path, W_OK) != 0)
    return FALSE;
  if (g_access (dir, W_OK) == 0)
    return TRUE;
  return g_access (wal, W_OK) == 0 && g_access (shm, W_OK) == 0;
}

/* A file of ours that was made looser by hand (the database, its -wal and
 * -shm) is made private again, by path: chmod () opens nothing. */
static void
tighten_mode (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      GStatBuf st;

      if (g_stat (file, &st) == 0 && st.st_uid == geteuid () && (st.st_mode & 077) != 0
          && g_chmod (file, st.st_mode & 0700) != 0)
        g_debug ("cannot tighten the mode of %s: %s", file, g_strerror (errno));
    }
}

/* Only SQLite opens and closes a database file. Closing any descriptor of
 * a file drops every POSIX lock the process holds on it, those of its
 * other connections included (SQLite's "How To Corrupt An SQLite Database
 * File", 2.2): another process then believes it is alone, checkpoints and
 * deletes the WAL this process still writes to. So the mode of a new file
 * comes from the umask around the open that creates it: SQLite creates the
 * main file with 0644 less the umask, and gives -wal and -shm the mode of
 * the main file. The umask is the process's, hence the lock: no other
 * connection of ours changes it meanwhile. An existing file of ours made
 * looser by hand is tightened by path. */
int
st_db_sqlite_open (const char  *path,
                   int          flags,
                   sqlite3    **handle)
{
  static GMutex umask_lock;
  mode_t saved;
  int rc;

  if (!(flags & SQLITE_OPEN_CREATE) || g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (flags & SQLITE_OPEN_READWRITE)
        tighten_mode (path);
      return sqlite3_open_v2 (path, handle, flags, NULL);
    }
  g_mutex_lock (&umask_lock);
  saved = umask (077);
  rc = sqlite3_open_v2 (path, handle, flags, NULL);
  umask (saved);
  g_mutex_unlock (&umask_lock);
  return rc;
}

/* A database the user may not write (another user's file, a read-only
 * disk, a folder that cannot hold -wal and -shm) is opened read-only. A
 * WAL database whose -shm cannot be made is read as immutable when no -wal
 * is beside it: nothing waits to be folded in, and nobody who may write
 * it seems to be using it. */
static int
open_read_only (StDb *self)
{
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->handle, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
  if (rc == SQLITE_OK || g_file_test (wal, G_FILE_TEST_EXISTS))
    return rc;
  if ((rc & 0xff) != SQLITE_READONLY && (rc & 0xff) != SQLITE_CANTOPEN)
    return rc;

  g_debug ("reading %s as immutable: %s", self->path, sqlite3_errstr (rc));
  g_clear_pointer (&self->handle, sqlite3_close_v2);
  escaped = g_uri_escape_string (self->path, "/", FALSE);
  uri = g_strconcat ("file:", escaped, "?immutable=1", NULL);
  return sqlite3_open_v2 (uri, &self->handle,
                          SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
}

/* The schema version, or an error: a file that is not a database fails
 * here, on its first read, and a database of another program is refused
 * before a migration writes our tables into it. */
static gboolean
check_schema (StDb    *self,
              GError **error)
{
  sqlite3_stmt *stmt = st_db_prepare (self, "PRAGMA user_version", error);
  int version, rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  version = rc == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : -1;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return st_db_set_error (self, rc, _("opening the database"), error);

  if (version == 0)
    {
      stmt = st_db_prepare (self, "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", error);
      if (stmt == NULL)
        return FALSE;
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > 0)
        version = -1;
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        return st_db_set_error (self, rc, _("opening the database"), error);
    }
  if (version < 0)
    {
      g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT,
                   _("The file %s is not a Shuangti database. Choose the database file of Shuangti (by default shuangti.db) or a backup of it."),
                   self->path);
      return FALSE;
    }
  if (self->read_only && version < st_db_get_latest_schema_version ())
    {
      g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_READ_ONLY,
                   _("The database %s was written by an older version of Shuangti and must be updated before it can be read, but it is read-only. Open a copy that you may change."),
                   self->path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
ensure_device_id (StDb    *self,
                  GError **error)
{
  g_autofree char *device = st_db_get_meta (self, "device_id");

  if (device == NULL && !self->read_only)
    {
      device = st_uuid_new ();
      if (!st_db_set_meta (self, "device_id", device, error))
        return FALSE;
    }
  self->device_id = g_steal_pointer (&device);
  return TRUE;
}

/* Nothing this database ever stamped may be stamped again, even after the
 * system clock went backwards. */
static void
observe_clock (StDb *self)
{
  sqlite3_stmt *stmt = st_db_prepare (self, "SELECT max(hlc) FROM audit_log", NULL);
  g_autofree char *seen = st_db_get_meta (self, "hlc_seen");

  if (stmt != NULL)
    {
      int rc = sqlite3_step (stmt);

      if (rc == SQLITE_ROW)
        st_hlc_observe (self->clock, (guint64) sqlite3_column_int64 (stmt, 0));
      else
        g_warning ("The change history of %s cannot be read: %s", self->path, sqlite3_errstr (rc));
      sqlite3_reset (stmt);
    }
  if (seen != NULL)
    st_hlc_observe (self->clock, g_ascii_strtoull (seen, NULL, 10));
  /* The server's time minus ours, as the last sync measured it. */
  {
    g_autofree char *offset = st_db_get_meta (self, "sync.clock_offset");

    if (offset != NULL)
      st_hlc_set_offset (self->clock, g_ascii_strtoll (offset, NULL, 10));
  }
}

StDb *
st_db_open (const char  *path,
            GError     **error)
{
  g_autoptr(StDb) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (ST_TYPE_DB, NULL);
  self->path = g_strdup (path);
  self->clock = st_hlc_get_default ();

  /* stat () and access () open nothing (see st_db_sqlite_open ()). */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!ensure_folder (path, error))
        return NULL;
      rc = st_db_sqlite_open (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                              &self->handle);
    }
  else if (can_write (path))
    rc = st_db_sqlite_open (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, &self->handle);
  else
    {
      self->read_only = TRUE;
      rc = open_read_only (self);
    }
  if (rc == SQLITE_OK && sqlite3_db_readonly (self->handle, "main") == 1)
    self->read_only = TRUE;
  if (rc != SQLITE_OK)
    {
      st_db_set_error (self, rc, _("opening the database"), error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->handle, 1);
  sqlite3_busy_timeout (self->handle, 5000);

  if (!register_functions (self))
    {
      st_db_set_error (self, sqlite3_errcode (self->handle), _("opening the database"), error);
      return NULL;
    }

  /* A file that is not a database fails here, on its first read. */
  /* 8 KiB pages (a new file only; an existing one keeps its size): a
   * county's tables split half as often and are written in half as many
   * calls (a 100,000-row import: 1.34 s instead of 1.55 s). 16 KiB made
   * the import faster still but a first sync's scattered updates of the
   * attendance indexes slower (32 s instead of 28 s). */
  if (!self->read_only
      && !st_db_exec (self,
                      "PRAGMA page_size = 8192;"
                      "PRAGMA journal_mode = WAL;"
                      "PRAGMA synchronous = FULL;",
                      error))
    return NULL;
  if (!st_db_exec (self,
                   "PRAGMA foreign_keys = ON;"
                   "PRAGMA temp_store = MEMORY;"
                   "PRAGMA cache_size = -16000;",
                   error))
    return NULL;

  if (!check_schema (self, error))
    return NULL;
  if (!st_db_schema_migrate (self, error))
    return NULL;
  if (!ensure_device_id (self, error))
    return NULL;
  observe_clock (self);
  self->changes = st_db_changes_new (self);

  return g_steal_pointer (&self);
}

static int
on_profile (unsigned int  type,
            void         *data,
            void         *statement,
            void         *elapsed)
{
  StDb *self = data;
  gint64 ns = *(sqlite3_int64 *) elapsed;

  /* The statement's text, never its values: they may be ID numbers. */
  if (type == SQLITE_TRACE_PROFILE && ns > self->slow_ns)
    g_critical ("a statement took %.0f ms on a connection where nothing may take long: %s",
                ns / 1e6, sqlite3_sql (statement));
  return 0;
}

void
st_db_set_slow_statement_limit (StDb  *self,
                                guint  ms)
{
  g_return_if_fail (ST_IS_DB (self));
  self->slow_ns = (gint64) ms * 1000000;
  sqlite3_trace_v2 (self->handle, ms > 0 ? SQLITE_TRACE_PROFILE : 0, ms > 0 ? on_profile : NULL, self);
}

gboolean
st_db_is_read_only (StDb *self)
{
  g_return_val_if_fail (ST_IS_DB (self), TRUE);
  return self->read_only;
}

sqlite3 *
st_db_get_handle (StDb *self)
{
  g_return_val_if_fail (ST_IS_DB (self), NULL);
  return self->handle;
}

const char *
st_db_get_path (StDb *self)
{
  g_return_val_if_fail (ST_IS_DB (self), NULL);
  return self->path;
}

const char *
st_db_get_device_id (StDb *self)
{
  g_return_val_if_fail (ST_IS_DB (self), NULL);
  return self->device_id;
}

int
st_db_get_schema_version (StDb *self)
{
  return st_db_stmt_int (st_db_prepare (self, "PRAGMA user_version", NULL), -1);
}

void
st_db_set_actor (StDb       *self,
                 const char *actor)
{
  g_return_if_fail (ST_IS_DB (self));
  g_free (self->actor);
  self->actor = g_strdup (actor ? actor : g_get_user_name ());
}

const char *
st_db_get_actor (StDb *self)
{
  g_return_val_if_fail (ST_IS_DB (self), NULL);
  return self->actor;
}

void
st_db_set_clock (StDb  *self,
                 StHlc *clock)
{
  g_return_if_fail (ST_IS_DB (self));
  self->clock = clock != NULL ? clock : st_hlc_get_default ();
  observe_clock (self);
}

StHlc *
st_db_get_clock (StDb *self)
{
  g_return_val_if_fail (ST_IS_DB (self), NULL);
  return self->clock;
}

void
st_db_set_applying_remote (StDb     *self,
                           gboolean  applying)
{
  g_return_if_fail (ST_IS_DB (self));
  self->applying_remote = !!applying;
}

sqlite3_stmt *
st_db_prepare (StDb        *self,
               const char  *sql,
               GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (ST_IS_DB (self), NULL);

  /* Most SQL is a string literal: find it by its address first, and check
   * the text, since a freed string's address may be reused. Hashing the text
   * of every statement of every row was a tenth of a roster import. */
  stmt = g_hash_table_lookup (self->by_address, sql);
  if (stmt == NULL || strcmp (sqlite3_sql (stmt), sql) != 0)
    {
      stmt = g_hash_table_lookup (self->statements, sql);
      if (stmt != NULL)
        {
          if (g_hash_table_size (self->by_address) > 512)
            g_hash_table_remove_all (self->by_address);
          g_hash_table_insert (self->by_address, (gpointer) sql, stmt);
        }
    }
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_critical ("cannot prepare %s: %s", sql, sqlite3_errmsg (self->handle));
      st_db_set_error (self, rc, _("reading the database"), error);
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

/* Resets @stmt, last stepped to @rc; FALSE with @error set (@what)
 * unless it ran to its end. */
static gboolean
stepped_to_end (StDb          *self,
           sqlite3_stmt  *stmt,
           int            rc,
           const char    *what,
           GError       **error)
{
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (self, rc, what, error);
  return TRUE;
}

/* Every row @stmt gives (its parameters bound), each made by @from_row,
 * in an array that frees them with @free_row. NULL with @error set when
 * the database cannot be read ("reading @what"). Resets @stmt. */
GPtrArray *
st_db_read_rows (StDb            *self,
                 sqlite3_stmt    *stmt,
                 gpointer       (*from_row) (sqlite3_stmt *),
                 GDestroyNotify   free_row,
                 const char      *what,
                 GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_row);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, from_row (stmt));
  return stepped_to_end (self, stmt, rc, what, error) ? g_steal_pointer (&rows) : NULL;
}

/* The first column of every row of @stmt, an integer (a rowid), in order;
 * NULL with @error set ("reading @what") when the database cannot be read.
 * Resets @stmt. */
GArray *
st_db_read_rowids (StDb          *self,
                   sqlite3_stmt  *stmt,
                   const char    *what,
                   GError       **error)
{
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (rowids, rowid);
    }
  return stepped_to_end (self, stmt, rc, what, error) ? g_steal_pointer (&rowids) : NULL;
}

/* The text of @key in the meta table of a connection that is not an StDb
 * (a backup being checked, a server database), or NULL. */
char *
st_db_sqlite_meta (sqlite3    *handle,
                   const char *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (handle, "SELECT value FROM meta WHERE key = ?", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  value = st_db_stmt_text (stmt, key, NULL);
  sqlite3_finalize (stmt);
  return value;
}

/* Runs @stmt (a write, its parameters bound) to its end and resets it;
 * FALSE with @error set ("@what") when it fails. */
gboolean
st_db_step_done (StDb          *self,
                 sqlite3_stmt  *stmt,
                 const char    *what,
                 GError       **error)
{
  return stepped_to_end (self, stmt, sqlite3_step (stmt), what, error);
}

/* Whether @stmt (its parameters bound) gives a row: 1 or 0, or -1 with
 * @error set ("reading @what") when the database cannot say. Resets
 * @stmt. */
int
st_db_step_exists (StDb          *self,
                   sqlite3_stmt  *stmt,
                   const char    *what,
                   GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return 1;
  if (rc == SQLITE_DONE)
    return 0;
  st_db_set_error (self, rc, what, error);
  return -1;
}

gboolean
st_db_exec (StDb        *self,
            const char  *sql,
            GError     **error)
{
  int rc = sqlite3_exec (self->handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return st_db_set_error (self, rc, _("writing the database"), error);
  return TRUE;
}

gboolean
st_db_begin (StDb    *self,
             GError **error)
{
  /* IMMEDIATE: take the write lock now rather than fail halfway through. */
  return st_db_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
st_db_commit (StDb    *self,
              GError **error)
{
  int rc = sqlite3_exec (self->handle, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      st_db_set_error (self, rc, _("saving"), error);
      st_db_rollback (self);
      return FALSE;
    }
  return TRUE;
}

/* A read of several statements that must see one state of the file (and
 * take the file's lock once). Prepared once: parsing BEGIN and ROLLBACK
 * at every screenful of a list cost more than the reads (malloc's
 * consolidation under the parser's allocation). */
static gboolean
step_cached (StDb        *self,
             const char  *sql,
             GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (self, sql, error);

  return stmt != NULL && st_db_step_done (self, stmt, _("reading the database"), error);
}

gboolean
st_db_begin_read (StDb    *self,
                  GError **error)
{
  return step_cached (self, "BEGIN", error);
}

void
st_db_end_read (StDb *self)
{
  if (!sqlite3_get_autocommit (self->handle))
    step_cached (self, "ROLLBACK", NULL);
}

void
st_db_rollback (StDb *self)
{
  g_clear_pointer (&self->bulk_table, g_free);
  if (self->suspended != NULL)
    g_ptr_array_set_size (self->suspended, 0);   /* the rollback puts them back */
  if (!sqlite3_get_autocommit (self->handle))
    sqlite3_exec (self->handle, "ROLLBACK", NULL, NULL, NULL);
}

/* -1 with @error set when it cannot be read: 0 would capture every row of
 * the table again. */
static gint64
max_rowid (StDb        *self,
           const char  *table,
           GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce (max (rowid), 0) FROM %s", table);
  sqlite3_stmt *stmt = st_db_prepare (self, sql, error);
  gint64 v = -1;
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    v = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    st_db_set_error (self, rc, _("recording the changes"), error);
  return v;
}

gboolean
st_db_bulk_begin (StDb        *self,
                  const char  *table,
                  GError     **error)
{
  g_return_val_if_fail (ST_IS_DB (self), FALSE);
  g_return_val_if_fail (self->bulk_table == NULL, FALSE);
  g_return_val_if_fail (!sqlite3_get_autocommit (self->handle), FALSE);

  {
    g_autofree char *drop = g_strdup_printf ("DROP TRIGGER %s_capture_insert", table);

    if (!st_db_exec (self, drop, error))
      return FALSE;
  }
  self->bulk_rowid = max_rowid (self, table, error);
  if (self->bulk_rowid < 0)
    return FALSE;
  self->bulk_table = g_strdup (table);
  return TRUE;
}

gboolean
st_db_bulk_flush (StDb    *self,
                  GError **error)
{
  g_autofree char *capture = NULL;
  sqlite3_stmt *stmt;
  gint64 audit_before;
  int rc;

  g_return_val_if_fail (ST_IS_DB (self), FALSE);
  if (self->bulk_table == NULL || self->applying_remote)
    return TRUE;

  stmt = st_db_prepare (self, "SELECT coalesce (max (id), 0) FROM audit_log", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  audit_before = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return st_db_set_error (self, rc, _("recording the changes"), error);

  capture = st_db_schema_bulk_capture_sql (self, self->bulk_table);
  if (capture == NULL)
    return st_db_set_error (self, sqlite3_errcode (self->handle), _("recording the changes"), error);
  stmt = st_db_prepare (self, capture, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, self->bulk_rowid);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (self, rc, _("recording the changes"), error);

  stmt = st_db_prepare (self, "INSERT INTO outbox (audit_id) SELECT id FROM audit_log"
                              " WHERE id > ? ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, audit_before);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (self, rc, _("recording the changes"), error);

  self->bulk_rowid = max_rowid (self, self->bulk_table, error);
  return self->bulk_rowid >= 0;
}

gboolean
st_db_bulk_end (StDb    *self,
                GError **error)
{
  g_autofree char *table = NULL;

  if (self->bulk_table == NULL)
    return TRUE;
  if (!st_db_bulk_flush (self, error))
    return FALSE;
  table = g_steal_pointer (&self->bulk_table);
  return st_db_schema_create_triggers (self, table, error);
}

gboolean
st_db_triggers_suspend (StDb        *self,
                        const char  *table,
                        GError     **error)
{
  static const char *const kinds[] = { "capture_insert", "capture_update", "guard_update", "guard_delete" };
  sqlite3_stmt *stmt;
  gboolean has;
  int rc;

  g_return_val_if_fail (ST_IS_DB (self), FALSE);
  g_return_val_if_fail (self->applying_remote, FALSE);
  g_return_val_if_fail (!sqlite3_get_autocommit (self->handle), FALSE);

  if (self->suspended == NULL)
    self->suspended = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->suspended->len; i++)
    if (g_str_equal (g_ptr_array_index (self->suspended, i), table))
      return TRUE;

  stmt = st_db_prepare (self, "SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND name = ? || '_capture_insert'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  has = rc == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return st_db_set_error (self, rc, _("applying changes from the server"), error);
  if (!has)
    return TRUE;   /* a table without capture (none of the synced ones today) */

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *drop = g_strdup_printf ("DROP TRIGGER IF EXISTS %s_%s", table, kinds[i]);

      if (!st_db_exec (self, drop, error))
        return FALSE;
    }
  g_ptr_array_add (self->suspended, g_strdup (table));
  return TRUE;
}

gboolean
st_db_triggers_restore (StDb    *self,
                        GError **error)
{
  g_return_val_if_fail (ST_IS_DB (self), FALSE);

  while (self->suspended != NULL && self->suspended->len > 0)
    {
      const char *table = g_ptr_array_index (self->suspended, self->suspended->len - 1);

      if (!st_db_schema_create_triggers (self, table, error))
        return FALSE;
      g_ptr_array_set_size (self->suspended, self->suspended->len - 1);
    }
  return TRUE;
}

guint64
st_db_next_hlc (StDb *self)
{
  return st_hlc_next (self->clock);
}

char *
st_db_get_meta (StDb       *self,
                const char *key)
{
  int rc;
  char *value = st_db_stmt_text (st_db_prepare (self, "SELECT value FROM meta WHERE key = ?", NULL), key, &rc);

  /* Not silently absent: the file's first pages are read at opening, so
   * this is rare, and whoever looks at the log learns why. */
  if (rc != SQLITE_ROW && rc != SQLITE_DONE && rc != SQLITE_MISUSE)
    g_warning ("The setting %s cannot be read from %s: %s", key, self->path, sqlite3_errstr (rc));
  return value;
}

gboolean
st_db_set_meta (StDb        *self,
                const char  *key,
                const char  *value,
                GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (self,
                                      "INSERT INTO meta (key, value) VALUES (?, ?) "
                                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (self, rc, _("saving settings"), error);
  return TRUE;
}

gboolean
st_db_query_int64 (StDb        *self,
                   const char  *sql,
                   gint64      *value,
                   GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return st_db_set_error (self, rc, _("reading the database"), error);
  return TRUE;
}

gint64
st_db_count_live (StDb       *self,
                  const char *table)
{
  g_autofree char *sql = NULL;
  gint64 n = -1;

  /* @table is one of our own names, never user input. */
  g_return_val_if_fail (table != NULL && strspn (table, "abcdefghijklmnopqrstuvwxyz_") == strlen (table), -1);

  sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE deleted = 0", table);
  if (!st_db_query_int64 (self, sql, &n, NULL))
    return -1;
  return n;
}

void
st_db_bind_text (sqlite3_stmt *stmt,
                 int           index,
                 const char   *value)
{
  if (value == NULL || *value == '\0')
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_STATIC);
}

char *
st_db_stmt_text (sqlite3_stmt *stmt,
                 const char   *key,
                 int          *rc)
{
  char *text = NULL;
  int step = SQLITE_MISUSE;

  if (stmt != NULL)
    {
      if (key != NULL)
        sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      step = sqlite3_step (stmt);
      if (step == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
    }
  if (rc != NULL)
    *rc = step;
  return text;
}

int
st_db_stmt_int (sqlite3_stmt *stmt,
                int           otherwise)
{
  int value = otherwise;

  if (stmt == NULL)
    return otherwise;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

char *
st_db_column_dup (sqlite3_stmt *stmt,
                  int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup (text) : NULL;
}
