/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The local database: one SQLite file per user, WAL, versioned schema. */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "st-hlc.h"

G_BEGIN_DECLS

#define ST_DB_ERROR (st_db_error_quark ())

typedef enum
{
  ST_DB_ERROR_OPEN,           /* cannot open or create the file */
  ST_DB_ERROR_READ_ONLY,      /* the file or its folder cannot be written */
  ST_DB_ERROR_FULL,           /* the disk is full */
  ST_DB_ERROR_CORRUPT,        /* not a Shuangti database, or damaged */
  ST_DB_ERROR_NEWER_SCHEMA,   /* written by a newer Shuangti */
  ST_DB_ERROR_BUSY,           /* another program holds the database */
  ST_DB_ERROR_CONSTRAINT,     /* a rule of the data was broken */
  ST_DB_ERROR_FAILED,         /* anything else */
} StDbError;

#define ST_TYPE_DB (st_db_get_type ())
G_DECLARE_FINAL_TYPE (StDb, st_db, ST, DB, GObject)

/* Opens (creating it with mode 0600 and its folder with 0700 if needed) and
 * migrates the database at @path. A file the user may not write is opened
 * read-only (st_db_is_read_only ()). Nothing but SQLite opens the file or
 * its -wal and -shm: see docs/architecture.md, "Only SQLite touches a
 * database file". */
StDb         *st_db_open                  (const char  *path,
                                           GError     **error);
/* sqlite3_open_v2 () for every SQLite file of the project (the server's
 * too): a file it creates is private to its user (0600, and so are its
 * -wal and -shm), an existing file of ours opened for writing with a
 * looser mode is tightened by path. Nothing but SQLite opens the file. */
int           st_db_sqlite_open           (const char  *path,
                                           int          flags,
                                           sqlite3    **handle);
/* Reports with g_critical () every statement of this connection that runs
 * longer than @ms (0: none), naming its SQL (never its values). For tests
 * and benchmarks: the app's window sets it on its own connection, the
 * main thread's, when ST_SLOW_MAIN_MS is set; a read that long belongs in
 * a worker. */
void          st_db_set_slow_statement_limit (StDb     *self,
                                              guint     ms);
/* Makes @self emit "tables-changed" (a NULL-terminated array of table
 * names) in the calling thread's main context after every commit to its
 * file by any connection of this process — its own, a worker's, a sync
 * pull's — so that what shows figures can follow the data. */
void          st_db_follow_changes        (StDb        *self);
/* TRUE when the user may not write the file (or its folder): it was
 * opened read-only, and every write fails with ST_DB_ERROR_READ_ONLY. */
gboolean      st_db_is_read_only          (StDb        *self);
/* $XDG_DATA_HOME/shuangti/shuangti.db */
char         *st_db_default_path          (void);

sqlite3      *st_db_get_handle            (StDb        *self);
const char   *st_db_get_path              (StDb        *self);
const char   *st_db_get_device_id         (StDb        *self);
int           st_db_get_schema_version    (StDb        *self);
int           st_db_get_latest_schema_version (void);

/* Who the audit log names for local changes (default: the login name). */
void          st_db_set_actor             (StDb        *self,
                                           const char  *actor);
const char   *st_db_get_actor             (StDb        *self);

/* While set, triggers neither fill the outbox nor the audit log: for sync
 * applying changes that came from elsewhere. */
void          st_db_set_applying_remote   (StDb        *self,
                                           gboolean     applying);

/* Bulk capture, for imports: rows inserted into @table between begin and
 * flush are written to the audit log and outbox by one set-based statement
 * at flush instead of by the insert trigger row by row. Begin drops the
 * insert trigger inside the transaction and end puts it back, so a rollback
 * or a killed process restores it with everything else; without a trigger an
 * INSERT needs no statement journal, which halves its cost. Updates are still
 * captured by their triggers, so flush before updating a row of @table in the
 * same transaction, to keep the outbox in the order of the changes. End
 * (which flushes) before committing. */
gboolean      st_db_bulk_begin            (StDb        *self,
                                           const char  *table,
                                           GError     **error);
gboolean      st_db_bulk_flush            (StDb        *self,
                                           GError     **error);
gboolean      st_db_bulk_end              (StDb        *self,
                                           GError     **error);

/* While changes from the server are applied (st_db_set_applying_remote ()),
 * inside the transaction that applies them: the capture and guard triggers
 * of @table are dropped until st_db_triggers_restore () puts them back
 * (before the commit). They do nothing while applying, but a table with
 * triggers makes SQLite keep a statement journal, a copy of every page each
 * INSERT touches, which doubles its cost. A rollback or a killed process
 * restores them with everything else. Suspending a table twice is harmless. */
gboolean      st_db_triggers_suspend      (StDb        *self,
                                           const char  *table,
                                           GError     **error);
gboolean      st_db_triggers_restore      (StDb        *self,
                                           GError     **error);

/* Column @column of @stmt's current row as a new string; NULL for NULL. */
char         *st_db_column_dup            (sqlite3_stmt *stmt,
                                           int           column);
/* Binds @key (NULL: nothing) to ?1 of @stmt (NULL: none), steps it once
 * and resets it: the first column of its row as a new string, or NULL when
 * it gave no row or NULL; *@rc (may be NULL) is what the step returned
 * (SQLITE_MISUSE for a NULL @stmt). */
char         *st_db_stmt_text             (sqlite3_stmt *stmt,
                                           const char   *key,
                                           int          *rc);
/* The same as an int, or @otherwise. */
int           st_db_stmt_int              (sqlite3_stmt *stmt,
                                           int           otherwise);
/* A prepared statement from the connection's cache, reset and unbound. Do
 * not finalize it. */
sqlite3_stmt *st_db_prepare               (StDb        *self,
                                           const char  *sql,
                                           GError     **error);
gboolean      st_db_exec                  (StDb        *self,
                                           const char  *sql,
                                           GError     **error);

gboolean      st_db_begin                 (StDb        *self,
                                           GError     **error);
gboolean      st_db_commit                (StDb        *self,
                                           GError     **error);
void          st_db_rollback              (StDb        *self);
GPtrArray    *st_db_read_rows             (StDb            *self,
                                           sqlite3_stmt    *stmt,
                                           gpointer       (*from_row) (sqlite3_stmt *),
                                           GDestroyNotify   free_row,
                                           const char      *what,
                                           GError         **error);
GArray       *st_db_read_rowids           (StDb            *self,
                                           sqlite3_stmt    *stmt,
                                           const char      *what,
                                           GError         **error);
char         *st_db_sqlite_meta           (sqlite3         *handle,
                                           const char      *key);
gboolean      st_db_step_done             (StDb            *self,
                                           sqlite3_stmt    *stmt,
                                           const char      *what,
                                           GError         **error);
int           st_db_step_exists           (StDb            *self,
                                           sqlite3_stmt    *stmt,
                                           const char      *what,
                                           GError         **error);
gboolean      st_db_begin_read            (StDb        *self,
                                           GError     **error);
void          st_db_end_read              (StDb        *self);

/* The clock that stamps this connection's changes: the process clock
 * (st_hlc_get_default ()) unless set, e.g. by a simulation that gives each
 * replica a skewed clock of its own. Not owned; it must outlive @self. */
void          st_db_set_clock             (StDb        *self,
                                           StHlc       *clock);
StHlc        *st_db_get_clock             (StDb        *self);

/* A stamp of the connection's clock, for the hlc column of a local change. */
guint64       st_db_next_hlc              (StDb        *self);

/* Sets @error from the connection's last error, with a message a person
 * can act on; @what says what was being done ("saving participant"). */
gboolean      st_db_set_error             (StDb        *self,
                                           int          rc,
                                           const char  *what,
                                           GError     **error);

/* Reads and writes the local key/value table. */
char         *st_db_get_meta              (StDb        *self,
                                           const char  *key);
gboolean      st_db_set_meta              (StDb        *self,
                                           const char  *key,
                                           const char  *value,
                                           GError     **error);

/* Sets *@value to the first column of the first row of @sql unless it is
 * NULL or there is none; FALSE with @error set when it cannot be read. */
gboolean      st_db_query_int64           (StDb        *self,
                                           const char  *sql,
                                           gint64      *value,
                                           GError     **error);
/* Counts rows of a table that are not tombstones; -1 when they cannot be
 * read. */
gint64        st_db_count_live            (StDb        *self,
                                           const char  *table);

GQuark        st_db_error_quark           (void);

/* Binds @value, or NULL for NULL and "". Not copied: @value must live until
 * the statement is reset. */
void          st_db_bind_text             (sqlite3_stmt *stmt,
                                           int           index,
                                           const char   *value);

G_END_DECLS
