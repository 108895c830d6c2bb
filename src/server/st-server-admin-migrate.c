/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-server migrate --from FILE --to URI: a county's SQLite server
 * database copied into PostgreSQL as it is (issue 19). The identity, the
 * restore generation, the server's device id and every feed position stay,
 * so that laptops keep syncing with their cursors and op ids as if nothing
 * happened. And what backup and restore mean for a PostgreSQL database. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "st-db.h"
#include "st-server-admin-private.h"
#include "st-store-pg-private.h"
#include "st-store-sqlite.h"

/* The tables copied, their columns in both stores (the SQLite store's
 * schema 3), in the order of their foreign keys; where PostgreSQL has
 * more, what the SQLite file gives for them. The township and county of
 * the laptops, tokens, administration log and of what is everyone's are
 * filled after the copy (st_store_pg_fill_places_sql). */
static const struct
{
  const char *table;
  const char *columns;
  const char *identity;   /* the column whose sequence goes on after the copy */
  const char *more;       /* PostgreSQL's columns only … */
  const char *more_from;  /* … and their values read from SQLite */
} tables[] = {
  { "meta", "key, value", NULL },
  { "accounts", "id, name, role, townships, password_hash, disabled, created_at, changed_at", "id",
    "township, county", "json_extract (townships, '$[0]'), substr (json_extract (townships, '$[0]'), 1, 6)" },
  { "devices", "id, name, account_id, registered_at, epoch, acked_seq, last_push_at, last_pull_at, revoked_at, bundle_key", NULL },
  { "tokens", "hash, account_id, device, created_at, expires_at, revoked_at", NULL },
  { "records", "seq, tbl, id, hlc, device, writer, deleted, township, data, clocks", NULL,
    "county", "substr (township, 1, 6)" },
  { "evictions", "seq, tbl, id, township", NULL },
  { "changes", "id, at, account_id, account_name, device, epoch, client_seq, tbl, row_id, kind, hlc, base_hlc,"
               " result, code, server_seq, old, new", "id" },
  { "admin_log", "id, at, os_user, command, target, detail", "id" },
};

static gboolean
pg_ok (PGconn     *pg,
       PGresult   *result,
       const char *what,
       GError    **error)
{
  ExecStatusType status = PQresultStatus (result);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN)
    {
      PQclear (result);
      return TRUE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               /* Translators: what was being done, then PostgreSQL's message */
               _("Copying into PostgreSQL failed (%s): %s"), what,
               result ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage (pg));
  PQclear (result);
  return FALSE;
}

/* One value in COPY's text format. */
static void
append_copy_value (GString      *line,
                   sqlite3_stmt *stmt,
                   int           col)
{
  const char *text;

  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    {
      g_string_append (line, "\\N");
      return;
    }
  text = (const char *) sqlite3_column_text (stmt, col);
  for (const char *c = text; *c; c++)
    switch (*c)
      {
      case '\\': g_string_append (line, "\\\\"); break;
      case '\t': g_string_append (line, "\\t"); break;
      case '\n': g_string_append (line, "\\n"); break;
      case '\r': g_string_append (line, "\\r"); break;
      default: g_string_append_c (line, *c); break;
      }
}

/* Copies one table with COPY; the number of rows, -1 with @error set. */
static gint64
copy_table (sqlite3     *src,
            PGconn      *pg,
            guint        t,
            GError     **error)
{
  gboolean more = tables[t].more != NULL;
  g_autofree char *select = g_strdup_printf ("SELECT %s%s%s FROM %s", tables[t].columns, more ? ", " : "",
                                             more ? tables[t].more_from : "", tables[t].table);
  g_autofree char *copy = g_strdup_printf ("COPY %s (%s%s%s) FROM STDIN", tables[t].table, tables[t].columns,
                                           more ? ", " : "", more ? tables[t].more : "");
  g_autoptr(GString) buffer = g_string_sized_new (1 << 20);
  sqlite3_stmt *stmt = NULL;
  gint64 rows = 0;
  int rc;

  if (sqlite3_prepare_v2 (src, select, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The SQLite database cannot be read: %s."),
                   sqlite3_errmsg (src));
      return -1;
    }
  if (!pg_ok (pg, PQexec (pg, copy), tables[t].table, error))
    {
      sqlite3_finalize (stmt);
      return -1;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        {
          if (c > 0)
            g_string_append_c (buffer, '\t');
          append_copy_value (buffer, stmt, c);
        }
      g_string_append_c (buffer, '\n');
      rows++;
      if (buffer->len > (1 << 20))
        {
          if (PQputCopyData (pg, buffer->str, (int) buffer->len) != 1)
            break;
          g_string_truncate (buffer, 0);
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      PQputCopyEnd (pg, "the source could not be read");
      PQclear (PQgetResult (pg));
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The SQLite database cannot be read: %s."),
                   sqlite3_errmsg (src));
      return -1;
    }
  if ((buffer->len > 0 && PQputCopyData (pg, buffer->str, (int) buffer->len) != 1)
      || PQputCopyEnd (pg, NULL) != 1
      || !pg_ok (pg, PQgetResult (pg), tables[t].table, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Copying into PostgreSQL failed (%s): %s"),
                     tables[t].table, PQerrorMessage (pg));
      return -1;
    }
  if (tables[t].identity != NULL)
    {
      g_autofree char *setval = g_strdup_printf ("SELECT setval (pg_get_serial_sequence ('%s', '%s'),"
                                                 " (SELECT coalesce (max (%s), 0) + 1 FROM %s), false)",
                                                 tables[t].table, tables[t].identity, tables[t].identity,
                                                 tables[t].table);

      if (!pg_ok (pg, PQexec (pg, setval), tables[t].table, error))
        return -1;
    }
  return rows;
}

/* TRUE when the PostgreSQL store holds no account and no row yet. */
static gboolean
target_is_empty (PGconn *pg)
{
  PGresult *result = PQexec (pg, "SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM records)"
                                 " + (SELECT count(*) FROM devices) + (SELECT count(*) FROM changes)");
  gboolean empty = PQresultStatus (result) == PGRES_TUPLES_OK && g_str_equal (PQgetvalue (result, 0, 0), "0");

  PQclear (result);
  return empty;
}

static gboolean
copy_all (sqlite3     *src,
          const char  *to,
          GError     **error)
{
  PGconn *pg = PQconnectdb (to);
  gboolean ok = FALSE;

  if (PQstatus (pg) != CONNECTION_OK)
    {
      g_autofree char *name = st_store_pg_display_name (to);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The server database %s cannot be reached (%s). Check that PostgreSQL runs and that the connection string is right."),
                   name, g_strstrip (PQerrorMessage (pg)));
      PQfinish (pg);
      return FALSE;
    }
  /* One transaction, holding the store's write lock: a server started on
   * the database meanwhile sees nothing until all of it is there. */
  if (!pg_ok (pg, PQexec (pg, "BEGIN; SELECT pg_advisory_xact_lock (" ST_PG_LOCK_WRITE ")"), "BEGIN", error))
    goto out;
  if (!target_is_empty (pg))
    {
      g_autofree char *name = st_store_pg_display_name (to);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("The database %s holds accounts or data already: migrate only into a new, empty database. Nothing was copied."),
                   name);
      goto out;
    }
  /* The new store's own meta (a fresh identity) gives way to the county's. */
  if (!pg_ok (pg, PQexec (pg, "DELETE FROM meta"), "meta", error))
    goto out;
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      gint64 rows = copy_table (src, pg, t, error);

      if (rows < 0)
        goto out;
      /* Translators: a table name and its number of rows */
      g_print (_("  %s: %lld rows\n"), tables[t].table, (long long) rows);
    }
  /* The township of each logged change, which SQLite does not keep; then
   * the county the database serves, and every row's township and county
   * (docs/deployment.md, Growing past one database). */
  if (!pg_ok (pg, PQexec (pg, "UPDATE changes AS c SET township = r.township, county = r.county FROM records AS r"
                              " WHERE r.tbl = c.tbl AND r.id = c.row_id"), "changes", error)
      || !pg_ok (pg, PQexec (pg, st_store_pg_fill_places_sql), "county", error))
    goto out;
  /* The PostgreSQL schema's version, not SQLite's. */
  {
    g_autofree char *version = g_strdup_printf ("INSERT INTO meta (key, value, county) VALUES ('schema_version', '%d', "
                                                PG_SQL_DB_COUNTY ") ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                                st_store_pg_latest_schema ());

    if (!pg_ok (pg, PQexec (pg, version), "meta", error)
        || !pg_ok (pg, PQexec (pg, "COMMIT"), "COMMIT", error))
      goto out;
  }
  ok = TRUE;

out:
  if (PQtransactionStatus (pg) != PQTRANS_IDLE)
    PQclear (PQexec (pg, "ROLLBACK"));
  PQfinish (pg);
  return ok;
}

int
st_admin_migrate (const char *db_path,
                  int         argc,
                  char      **argv)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from, N_("The SQLite server database"), N_("FILE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The PostgreSQL database (postgresql://…), new and empty"), N_("URI") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(StStore) source = NULL;
  g_autoptr(StStore) target = NULL;
  g_autofree char *name = NULL;
  sqlite3 *src = NULL;
  gboolean ok;
  int rc;

  if (!st_admin_parse_options ("",
                               _("Copy a SQLite server database into a new PostgreSQL database, whole: laptops go on "
                                 "syncing without noticing. Stop the server first."),
                               entries, NULL, &db, &argc, &argv))
    return 2;
  if (from == NULL)
    from = g_strdup (db ? db : db_path);
  if (argc != 1 || from == NULL || to == NULL || !st_store_is_file (from) || st_store_is_file (to))
    {
      st_admin_print_error (_("Give both databases: migrate --from FILE --to postgresql://…"));
      return 2;
    }
  if (!st_admin_check_owner (from, &error))
    {
      st_admin_print_error (error->message);
      return 1;
    }
  /* Both brought up to date first: the source to the schema the copy
   * reads, the target made (empty) with its tables. */
  source = st_store_sqlite_open (from, &error);
  if (source == NULL)
    {
      st_admin_print_error (error->message);
      return 1;
    }
  g_clear_object (&source);
  target = st_store_open (to, &error);
  if (target == NULL)
    {
      st_admin_print_error (error->message);
      return 1;
    }
  g_clear_object (&target);

  rc = st_db_sqlite_open (from, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, &src);
  if (rc != SQLITE_OK)
    {
      g_autofree char *message = g_strdup_printf (_("%s cannot be read: %s."), from, sqlite3_errstr (rc));

      sqlite3_close_v2 (src);
      st_admin_print_error (message);
      return 1;
    }
  sqlite3_busy_timeout (src, 10000);
  /* One snapshot of the source. */
  sqlite3_exec (src, "BEGIN", NULL, NULL, NULL);
  ok = copy_all (src, to, &error);
  sqlite3_exec (src, "COMMIT", NULL, NULL, NULL);
  sqlite3_close_v2 (src);
  if (!ok)
    {
      st_admin_print_error (error->message);
      return 1;
    }
  /* Opened once more: the copy is a store this server reads. */
  target = st_store_open (to, &error);
  if (target == NULL)
    {
      st_admin_print_error (error->message);
      return 1;
    }
  name = st_store_pg_display_name (to);
  /* Translators: the SQLite file, the PostgreSQL database */
  g_print (_("%s is copied into %s. Start the servers with --db on the new database; laptops sync on as before.\n"),
           from, name);
  return 0;
}

int
st_admin_backup_pg (const char *db_path)
{
  g_autofree char *name = st_store_pg_display_name (db_path);
  g_autofree char *message = g_strdup_printf (_("%s is a PostgreSQL database: back it up with pg_dump "
                                                "(pg_dump --format=custom --file=FILE DATABASE) or continuous "
                                                "archiving, as docs/deployment.md shows."), name);

  st_admin_print_error (message);
  return 2;
}

/* After pg_restore: the database is marked as restored (its generation goes
 * up), so that laptops send again what it lost and read it from the start. */
int
st_admin_restore_pg (const char *db_path,
                     int         argc,
                     char      **argv)
{
  g_autoptr(StStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = st_store_pg_display_name (db_path);
  gint64 generation;

  if (argc != 1)
    {
      g_autofree char *message = g_strdup_printf (_("%s is a PostgreSQL database: restore its dump with pg_restore, "
                                                    "then run restore without a FILE to mark it restored "
                                                    "(docs/deployment.md)."), name);

      st_admin_print_error (message);
      return 2;
    }
  store = st_admin_open_store (db_path);
  if (store == NULL)
    return 1;
  generation = st_store_get_generation (store) + 1;
  if (!st_store_set_origin (store, st_store_get_identity (store), generation, &error))
    {
      st_admin_print_error (error->message);
      return 1;
    }
  /* Translators: the database, the new generation number */
  g_print (_("%s is marked restored (generation %lld). At their next sync, laptops send again what the "
             "server lost and read its data from the beginning.\n"),
           name, (long long) generation);
  return 0;
}
