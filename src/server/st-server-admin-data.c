/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-server backup, restore and compact: the database's own care
 * (docs/deployment.md, Backup; docs/sync-protocol.md, The server's
 * identity). SQLite does every read and write of the files. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <unistd.h>

#include "st-backup.h"
#include "st-db.h"
#include "st-server-admin-private.h"
#include "st-server-lock.h"
#include "st-store-sqlite.h"

#define MS_PER_DAY (24 * 3600 * G_GINT64_CONSTANT (1000))

static void
close_handle (sqlite3 **handle)
{
  if (*handle != NULL)
    sqlite3_close_v2 (*handle);
  *handle = NULL;
}

/* A server database (or a backup of one) opened read-only; NULL after a
 * message when it is not one. */
static sqlite3 *
open_server_file (const char *path)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ours = FALSE;
  int rc;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *message = g_strdup_printf (_("%s does not exist or is not a file."), path);

      st_admin_print_error (message);
      return NULL;
    }
  rc = st_db_sqlite_open (path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, &handle);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (handle, 10000);
      rc = sqlite3_prepare_v2 (handle, "SELECT value FROM meta WHERE key = 'store'", -1, &stmt, NULL);
    }
  if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    ours = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "shuangti-server") == 0;
  sqlite3_finalize (stmt);
  if (!ours)
    {
      g_autofree char *message = g_strdup_printf (_("%s is not a shuangti-server database or is damaged."), path);

      close_handle (&handle);
      st_admin_print_error (message);
      return NULL;
    }
  return handle;
}

static gint64
query_int (sqlite3    *handle,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* The size SQLite gives the database, and how much of it is free pages. */
static void
print_size (const char *label,
            const char *path)
{
  sqlite3 *handle;
  gint64 pages, free_pages, page_size;

  /* PostgreSQL counts its own: docs/deployment.md. */
  if (!st_store_is_file (path))
    return;
  handle = open_server_file (path);
  if (handle == NULL)
    return;
  pages = query_int (handle, "PRAGMA page_count");
  free_pages = query_int (handle, "PRAGMA freelist_count");
  page_size = query_int (handle, "PRAGMA page_size");
  close_handle (&handle);
  /* Translators: a label ("before", "after"), the size in MB, the free part in MB */
  g_print (_("%s: %.1f MB (%.1f MB of it free for reuse)\n"), label,
           pages * page_size / 1e6, free_pages * page_size / 1e6);
}

int
st_admin_backup (const char *db_path,
                 int         argc,
                 char      **argv)
{
  gboolean replace = FALSE;
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace, N_("Replace FILE if it exists"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  sqlite3 *handle;
  const char *path;

  if (!st_admin_parse_options (_("FILE"),
                               _("Copy the server database into FILE while the server runs (SQLite’s online backup): "
                                 "readable by this user only, and checked before it is kept."),
                               entries, NULL, &db, &argc, &argv))
    return 2;
  if (db != NULL)
    db_path = db;
  if (db_path != NULL && !st_store_is_file (db_path))
    return st_admin_backup_pg (db_path);
  if (argc != 2)
    {
      st_admin_print_error (_("Give the backup file: backup FILE"));
      return 2;
    }
  if (db_path == NULL)
    {
      st_admin_print_error (_("Give the server database with --db FILE."));
      return 2;
    }
  if (!st_admin_check_owner (db_path, &error))
    {
      st_admin_print_error (error->message);
      return 1;
    }
  path = argv[1];
  handle = open_server_file (db_path);
  if (handle == NULL)
    return 1;
  if (!st_backup_sqlite (handle, db_path, path, replace ? ST_BACKUP_FLAGS_REPLACE : ST_BACKUP_FLAGS_NONE, &error))
    {
      close_handle (&handle);
      st_admin_print_error (error->message);
      return 1;
    }
  close_handle (&handle);
  g_print (_("The server database is backed up to %s (checked; readable by this user only).\n"), path);
  return 0;
}

int
st_admin_restore (const char *db_path,
                  int         argc,
                  char      **argv)
{
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *backup_generation = NULL;
  g_autofree char *backup_identity = NULL;
  sqlite3 *src = NULL, *dst = NULL;
  gint64 generation = 0;
  int version, rc, lock;
  const char *path;

  if (!st_admin_parse_options (_("FILE"),
                               _("Replace the server database with the backup FILE. Stop the server first. Laptops then send "
                                 "again what the server lost, and read its data from the beginning."),
                               NULL, NULL, &db, &argc, &argv))
    return 2;
  if (db != NULL)
    db_path = db;
  if (db_path != NULL && !st_store_is_file (db_path))
    return st_admin_restore_pg (db_path, argc, argv);
  if (argc != 2)
    {
      st_admin_print_error (_("Give the backup file: restore FILE"));
      return 2;
    }
  if (db_path == NULL)
    {
      st_admin_print_error (_("Give the server database with --db FILE."));
      return 2;
    }
  path = argv[1];
  if (!st_admin_check_owner (db_path, &error))
    {
      st_admin_print_error (error->message);
      return 1;
    }
  {
    GStatBuf a, b;

    /* Asks the file system by path; opens nothing. */
    if (g_stat (path, &a) == 0 && g_stat (db_path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
      {
        g_autofree char *message = g_strdup_printf (_("%s is the database itself. Give a backup file."), path);

        st_admin_print_error (message);
        return 1;
      }
  }
  lock = st_server_lock (db_path, TRUE, &error);
  if (lock < 0)
    {
      st_admin_print_error (error->message);
      return 1;
    }

  /* The backup: sound, a server's, not from a newer server. */
  src = open_server_file (path);
  if (src == NULL)
    goto fail;
  if (!st_backup_integrity_ok (src, path, &error))
    {
      st_admin_print_error (error->message);
      goto fail;
    }
  version = (int) query_int (src, "PRAGMA user_version");
  if (version > st_store_sqlite_latest_schema ())
    {
      g_autofree char *message = g_strdup_printf (_("%s was written by a newer shuangti-server (schema %d; this one knows %d). Update shuangti-server first."),
                                                  path, version, st_store_sqlite_latest_schema ());

      st_admin_print_error (message);
      goto fail;
    }
  backup_identity = st_db_sqlite_meta (src, "identity");
  backup_generation = st_db_sqlite_meta (src, "generation");
  generation = backup_generation ? g_ascii_strtoll (backup_generation, NULL, 10) : 0;

  /* The database it replaces: its identity stays (the laptops know it) and
   * its generation is passed. A damaged one is simply replaced. */
  if (g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(StStore) current = st_store_sqlite_open (db_path, NULL);

      if (current != NULL)
        {
          identity = g_strdup (st_store_get_identity (current));
          generation = MAX (generation, st_store_get_generation (current));
        }
    }
  if (identity == NULL)
    identity = g_steal_pointer (&backup_identity);

  rc = st_db_sqlite_open (db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, &dst);
  if (rc != SQLITE_OK)
    {
      g_autofree char *message = g_strdup_printf (_("%s cannot be written: %s."), db_path, sqlite3_errstr (rc));

      st_admin_print_error (message);
      goto fail;
    }
  sqlite3_busy_timeout (dst, 10000);
  if (!st_backup_copy_sqlite (dst, src, db_path, &error))
    {
      st_admin_print_error (error->message);
      goto fail;
    }
  close_handle (&dst);
  close_handle (&src);

  {
    g_autoptr(StStore) store = st_store_sqlite_open (db_path, &error);

    if (store == NULL || !st_store_set_origin (store, identity ? identity : st_store_get_identity (store),
                                               generation + 1, &error))
      {
        st_admin_print_error (error->message);
        goto fail;
      }
  }
  close (lock);
  /* Translators: the database, the backup, the new generation number */
  g_print (_("%s is restored from %s (generation %lld). Start the server: at their next sync, "
             "laptops send again what the server lost and read its data from the beginning.\n"),
           db_path, path, (long long) (generation + 1));
  return 0;

fail:
  close_handle (&dst);
  close_handle (&src);
  close (lock);
  return 1;
}

int
st_admin_compact (const char *db_path,
                  int         argc,
                  char      **argv)
{
  int days = -1;
  gboolean vacuum = FALSE;
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "older-than", 0, 0, G_OPTION_ARG_INT, &days, N_("Drop the details of what is older than this many days"), N_("DAYS") },
    { "vacuum", 0, 0, G_OPTION_ARG_NONE, &vacuum,
      N_("Give the freed space back to the disk (holds the server’s writes meanwhile)"), NULL },
    { NULL }
  };
  g_autoptr(StStore) store = NULL;
  g_autoptr(GError) error = NULL;
  StCompactStats stats;

  if (!st_admin_parse_options ("",
                               _("Drop what no laptop needs any more: the old and new values of changes older than DAYS, "
                                 "evictions, and resolved review items. A laptop that has not synced since then reads "
                                 "the data again from the beginning."),
                               entries, NULL, &db, &argc, &argv))
    return 2;
  if (db != NULL)
    db_path = db;
  if (argc != 1 || days < 0)
    {
      st_admin_print_error (_("Give the age in days: compact --older-than DAYS."));
      return 2;
    }
  store = st_admin_open_store (db_path);
  if (store == NULL)
    return 1;
  print_size (_("Before"), db_path);
  if (!st_store_compact (store, g_get_real_time () / 1000 - days * MS_PER_DAY, &stats, &error))
    {
      st_admin_print_error (error->message);
      return 1;
    }
  g_clear_object (&store);
  if (vacuum && !st_store_is_file (db_path))
    g_print ("%s\n", _("PostgreSQL gives the space back by itself (autovacuum); --vacuum does nothing more here."));
  else if (vacuum)
    {
      sqlite3 *handle = NULL;
      int rc = st_db_sqlite_open (db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, &handle);

      if (rc == SQLITE_OK)
        {
          sqlite3_busy_timeout (handle, 30000);
          rc = sqlite3_exec (handle, "VACUUM", NULL, NULL, NULL);
        }
      if (rc != SQLITE_OK)
        {
          g_autofree char *message = g_strdup_printf (_("VACUUM failed (%s); the compaction itself is done."),
                                                      handle ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));

          close_handle (&handle);
          st_admin_print_error (message);
          return 1;
        }
      close_handle (&handle);
    }
  /* Translators: numbers of change-log entries, evictions, review items, a feed position */
  g_print (_("Compacted: the values of %lld changes, %lld evictions and %lld resolved review items dropped"
             " (feed positions up to %lld).\n"),
           (long long) stats.changes_slimmed, (long long) stats.evictions, (long long) stats.review_items,
           (long long) stats.horizon_seq);
  print_size (_("After"), db_path);
  return 0;
}
