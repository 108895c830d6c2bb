/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-backup"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "st-backup.h"
#include "st-hlc.h"

G_DEFINE_QUARK (st-backup-error-quark, st_backup_error)

/* Pages copied per step: 2 MiB with the 8 KiB pages of a new database, a
 * few dozen milliseconds; the progress moves and a cancel is seen soon. */
#define PAGES_PER_STEP 256
/* A step that finds the database locked waits this long in all. */
#define BUSY_WAIT_MS 10000

void
st_backup_info_free (StBackupInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->device);
  g_free (info);
}

/* ------------------------------------------------------------------------ */
/* SQLite on a raw connection (the backup file is not opened with
 * st_db_open (): that would migrate and change it)                          */

static gint64
query_int (sqlite3    *handle,
           const char *sql,
           gint64      fallback,
           int        *rc_out)
{
  sqlite3_stmt *stmt = NULL;
  gint64 v = fallback;
  int rc = sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
            v = sqlite3_column_int64 (stmt, 0);
          rc = sqlite3_step (stmt);
        }
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc_out != NULL)
    *rc_out = rc;
  return rc == SQLITE_OK ? v : fallback;
}

static int
set_meta (sqlite3    *handle,
          const char *key,
          const char *value)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (value == NULL)
    rc = sqlite3_prepare_v2 (handle, "DELETE FROM meta WHERE key = ?", -1, &stmt, NULL);
  else
    rc = sqlite3_prepare_v2 (handle, "INSERT INTO meta (key, value) VALUES (?, ?)"
                                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
set_meta_int (sqlite3    *handle,
              const char *key,
              gint64      value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return set_meta (handle, key, text);
}

static gint64
meta_int (sqlite3    *handle,
          const char *key)
{
  g_autofree char *text = st_db_sqlite_meta (handle, key);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

/* PRAGMA integrity_check: SQLITE_OK and *@ok, or the error of reading. The
 * first problem found goes to the debug log. */
static int
integrity_check (sqlite3  *handle,
                 gboolean *ok)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (handle, "PRAGMA integrity_check", -1, &stmt, NULL);

  *ok = FALSE;
  if (rc != SQLITE_OK)
    return rc;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *first = (const char *) sqlite3_column_text (stmt, 0);

      *ok = g_strcmp0 (first, "ok") == 0;
      if (!*ok)
        g_debug ("integrity_check: %s", first);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        ;
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void
close_handle (sqlite3 **handle)
{
  if (*handle != NULL)
    sqlite3_close_v2 (*handle);
  *handle = NULL;
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */

static gboolean
set_error (int          rc,
           const char  *path,
           gboolean     writing,
           GError     **error)
{
  g_debug ("%s: %s (%d)", path, sqlite3_errstr (rc), rc);
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_FULL,
                   _("The disk is full: %s could not be written. Free some space or choose another disk, and try again."),
                   path);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_BUSY,
                   _("The database is in use by another program. Close the other Shuangti window or command and try again."));
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_DAMAGED,
                   _("%s is damaged or is not a Shuangti database."), path);
      break;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      if (writing)
        g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_WRITE,
                     _("%s cannot be written. Check that its folder exists, that you may write in it and that the disk is not read-only."),
                     path);
      else
        g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_FAILED,
                     _("%s cannot be opened. Check that the file exists and that you may read it."), path);
      break;
    case SQLITE_IOERR:
      g_set_error (error, ST_BACKUP_ERROR, writing ? ST_BACKUP_ERROR_WRITE : ST_BACKUP_ERROR_FAILED,
                   _("The disk reported an error while reading or writing %s. Check the disk and try again."), path);
      break;
    default:
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_FAILED,
                   _("Copying the database failed (%s)."), sqlite3_errstr (rc));
      break;
    }
  return FALSE;
}

static gboolean
set_cancelled (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
  return FALSE;
}

/* Are @a and @b one file? Asks the file system by path; opens nothing. */
static gboolean
same_file (const char *a,
           const char *b)
{
  GStatBuf sa, sb;

  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* ------------------------------------------------------------------------ */
/* The copy                                                                 */

/* Copies @src into @dst with the online backup API, a step at a time.
 * Returns SQLITE_DONE, an error, or SQLITE_INTERRUPT when cancelled (the
 * destination is then as it was). */
static int
copy_pages (sqlite3          *dst,
            sqlite3          *src,
            StBackupProgress  progress,
            gpointer          progress_data,
            GCancellable     *cancellable)
{
  sqlite3_backup *backup = sqlite3_backup_init (dst, "main", src, "main");
  int pages = PAGES_PER_STEP;
  int last_remaining = -1;
  guint restarts = 0;
  gint64 busy_since = 0;
  int rc, finish;

  if (backup == NULL)
    return sqlite3_extended_errcode (dst);
  for (;;)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          rc = SQLITE_INTERRUPT;
          break;
        }
      rc = sqlite3_backup_step (backup, pages);
      if (rc == SQLITE_OK || rc == SQLITE_DONE)
        {
          int remaining = sqlite3_backup_remaining (backup);
          int total = sqlite3_backup_pagecount (backup);

          busy_since = 0;
          /* Another connection wrote to the source: the copy starts again.
           * After a few times the rest goes in one step, which holds the
           * source's read lock (writers in WAL mode are not held up). */
          if (last_remaining >= 0 && remaining > last_remaining && ++restarts >= 3)
            pages = -1;
          last_remaining = remaining;
          if (progress != NULL)
            progress (rc == SQLITE_DONE || total <= 0 ? 1.0 : 1.0 - (double) remaining / total, progress_data);
          if (rc == SQLITE_DONE)
            break;
          continue;
        }
      if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        {
          gint64 now = g_get_monotonic_time ();

          if (busy_since == 0)
            busy_since = now;
          if (now - busy_since < BUSY_WAIT_MS * 1000)
            {
              g_usleep (20 * 1000);
              continue;
            }
        }
      break;
    }
  finish = sqlite3_backup_finish (backup);
  if (rc == SQLITE_DONE && finish != SQLITE_OK)
    rc = finish;
  return rc;
}

/* A name beside @path that nothing has: the copy is made there and moved
 * into place when it is sound. */
static char *
temporary_name (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);

  for (;;)
    {
      g_autofree char *name = g_strdup_printf (".%s.%08x.part", base, g_random_int ());
      char *candidate = g_build_filename (dir, name, NULL);

      if (!g_file_test (candidate, G_FILE_TEST_EXISTS))
        return candidate;
      g_free (candidate);
    }
}

static void
remove_temporary (const char *tmp)
{
  g_autofree char *journal = g_strconcat (tmp, "-journal", NULL);
  g_autofree char *wal = g_strconcat (tmp, "-wal", NULL);
  g_autofree char *shm = g_strconcat (tmp, "-shm", NULL);

  /* Only this function's own connection ever had these, closed now. */
  g_unlink (tmp);
  g_unlink (journal);
  g_unlink (wal);
  g_unlink (shm);
}

/* The folder's entry of the renamed file reaches the disk too. */
static void
sync_folder (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    return;
  if (fsync (fd) != 0)
    g_debug ("fsync of %s: %s", dir, g_strerror (errno));
  close (fd);
}

static gboolean
backup_handle (sqlite3           *src,
               const char        *src_path,
               const char        *path,
               StBackupFlags      flags,
               StBackupProgress   progress,
               gpointer           progress_data,
               GCancellable      *cancellable,
               GError           **error)
{
  g_autofree char *tmp = NULL;
  g_autofree char *made_at = NULL;
  sqlite3 *dst = NULL;
  gboolean sound;
  gint64 start, copied;
  int rc;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_EXISTS,
                   _("%s is a folder. Choose a file name for the backup."), path);
      return FALSE;
    }
  if (src_path != NULL && same_file (src_path, path))
    {
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_SAME_FILE,
                   _("%s is the database itself. Choose another file for the backup."), path);
      return FALSE;
    }
  if (!(flags & ST_BACKUP_FLAGS_REPLACE) && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_EXISTS,
                   _("%s exists already. Choose another name, or replace it."), path);
      return FALSE;
    }

  start = g_get_monotonic_time ();
  tmp = temporary_name (path);
  /* Private (0600) from its creation, its journal too: st_db_sqlite_open (). */
  rc = st_db_sqlite_open (tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, &dst);
  if (rc != SQLITE_OK)
    {
      close_handle (&dst);
      remove_temporary (tmp);
      return set_error (rc, path, TRUE, error);
    }
  sqlite3_extended_result_codes (dst, 1);
  sqlite3_busy_timeout (dst, 5000);

  rc = copy_pages (dst, src, progress, progress_data, cancellable);
  if (rc == SQLITE_INTERRUPT)
    {
      close_handle (&dst);
      remove_temporary (tmp);
      return set_cancelled (error);
    }
  if (rc != SQLITE_DONE)
    {
      /* The source's own errors (a damaged page) say so. */
      gboolean source = (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;

      close_handle (&dst);
      remove_temporary (tmp);
      if (source)
        {
          g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_DAMAGED,
                       _("The database is damaged and cannot be backed up. Restore an earlier backup (see Help, “Backups”)."));
          return FALSE;
        }
      return set_error (rc, path, TRUE, error);
    }

  copied = g_get_monotonic_time ();
  /* One file, no -wal beside it; no sign-in token in a file that travels on
   * a USB stick; when it was made. */
  made_at = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / 1000);
  rc = sqlite3_exec (dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (dst, "BEGIN", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = set_meta (dst, "sync.token", NULL);
  if (rc == SQLITE_OK)
    rc = set_meta (dst, "backup.made_at", made_at);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (dst, "COMMIT", NULL, NULL, NULL);
  /* integrity_check compares every index with its table: a larger cache
   * keeps it from reading the same pages again (a 100,000-person demo
   * county, 4.7 GB: 30–38 s instead of 51 s on a loaded 2-core machine). */
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (dst, "PRAGMA cache_size = -131072", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = integrity_check (dst, &sound);
  if (rc != SQLITE_OK || !sound)
    {
      close_handle (&dst);
      remove_temporary (tmp);
      if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_CORRUPT && (rc & 0xff) != SQLITE_NOTADB)
        return set_error (rc, path, TRUE, error);
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_DAMAGED,
                   _("The copy fails its integrity check, so the database itself may be damaged. No backup was written. Restore an earlier backup (see Help, “Backups”)."));
      return FALSE;
    }
  rc = sqlite3_close (dst);
  dst = NULL;
  if (rc != SQLITE_OK)
    {
      remove_temporary (tmp);
      return set_error (rc, path, TRUE, error);
    }

  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;

      remove_temporary (tmp);
      g_set_error (error, ST_BACKUP_ERROR, saved == ENOSPC ? ST_BACKUP_ERROR_FULL : ST_BACKUP_ERROR_WRITE,
                   _("%s cannot be written: %s."), path, g_strerror (saved));
      return FALSE;
    }
  sync_folder (path);
  g_debug ("backed up %s to %s: copied in %.1f s, checked and moved in %.1f s", src_path, path,
           (copied - start) / 1e6, (g_get_monotonic_time () - copied) / 1e6);
  return TRUE;
}

gboolean
st_backup (StDb              *db,
           const char        *path,
           StBackupFlags      flags,
           StBackupProgress   progress,
           gpointer           progress_data,
           GCancellable      *cancellable,
           GError           **error)
{
  g_return_val_if_fail (ST_IS_DB (db), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return backup_handle (st_db_get_handle (db), st_db_get_path (db), path, flags,
                        progress, progress_data, cancellable, error);
}

gboolean
st_backup_sqlite (sqlite3       *src,
                  const char    *src_path,
                  const char    *path,
                  StBackupFlags  flags,
                  GError       **error)
{
  g_return_val_if_fail (src != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return backup_handle (src, src_path, path, flags, NULL, NULL, NULL, error);
}

gboolean
st_backup_copy_sqlite (sqlite3     *dst,
                       sqlite3     *src,
                       const char  *dst_path,
                       GError     **error)
{
  int rc = copy_pages (dst, src, NULL, NULL, NULL);

  if (rc == SQLITE_DONE)
    return TRUE;
  return set_error (rc, dst_path, TRUE, error);
}

gboolean
st_backup_integrity_ok (sqlite3     *handle,
                        const char  *path,
                        GError     **error)
{
  gboolean sound = FALSE;
  int rc = integrity_check (handle, &sound);

  if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_CORRUPT && (rc & 0xff) != SQLITE_NOTADB)
    return set_error (rc, path, FALSE, error);
  if (rc != SQLITE_OK || !sound)
    {
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_DAMAGED,
                   _("%s is damaged or is not a Shuangti database."), path);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* What a backup holds                                                      */

static gboolean
has_tables (sqlite3 *handle)
{
  int rc;
  gint64 n = query_int (handle, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                                " AND name IN ('meta', 'audit_log', 'outbox', 'participants')", 0, &rc);

  return rc == SQLITE_OK && n == 4;
}

/* Opens @path read-only and checks that it is a sound Shuangti database of
 * a schema this version knows. */
static StBackupInfo *
inspect_handle (const char  *path,
                sqlite3    **handle_out,
                GError     **error)
{
  g_autoptr(StBackupInfo) info = g_new0 (StBackupInfo, 1);
  sqlite3 *handle = NULL;
  gboolean sound;
  g_autofree char *made_at = NULL;
  int rc;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_FAILED,
                   _("%s does not exist or is not a file."), path);
      return NULL;
    }
  rc = sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (handle, 1);
      sqlite3_busy_timeout (handle, 5000);
      rc = integrity_check (handle, &sound);
    }
  if (rc != SQLITE_OK)
    {
      close_handle (&handle);
      if ((rc & 0xff) == SQLITE_NOTADB)
        {
          g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_NOT_SHUANGTI,
                       _("%s is not a Shuangti database."), path);
          return NULL;
        }
      if ((rc & 0xff) == SQLITE_CORRUPT)
        {
          g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_DAMAGED,
                       _("The backup %s is damaged: nothing was restored. Choose another backup."), path);
          return NULL;
        }
      return set_error (rc, path, FALSE, error), NULL;
    }
  if (!sound)
    {
      close_handle (&handle);
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_DAMAGED,
                   _("The backup %s is damaged: nothing was restored. Choose another backup."), path);
      return NULL;
    }

  info->schema = (int) query_int (handle, "PRAGMA user_version", -1, NULL);
  info->device = has_tables (handle) ? st_db_sqlite_meta (handle, "device_id") : NULL;
  if (info->schema <= 0 || info->device == NULL)
    {
      close_handle (&handle);
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_NOT_SHUANGTI,
                   _("%s is not a Shuangti database."), path);
      return NULL;
    }
  if (info->schema > st_db_get_latest_schema_version ())
    {
      close_handle (&handle);
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_NEWER,
                   _("The backup %s was made by a newer version of Shuangti (schema %d; this version knows %d). Update Shuangti to restore it."),
                   path, info->schema, st_db_get_latest_schema_version ());
      return NULL;
    }
  made_at = st_db_sqlite_meta (handle, "backup.made_at");
  info->made_at = made_at != NULL ? g_ascii_strtoll (made_at, NULL, 10) : 0;
  info->participants = query_int (handle, "SELECT count(*) FROM participants WHERE deleted = 0", 0, NULL);
  info->pending = query_int (handle, "SELECT count(*) FROM outbox", 0, NULL);
  info->last_seq = query_int (handle, "SELECT max(id) FROM audit_log", 0, NULL);

  if (handle_out != NULL)
    *handle_out = handle;
  else
    close_handle (&handle);
  return g_steal_pointer (&info);
}

StBackupInfo *
st_backup_inspect (const char  *backup_path,
                   GError     **error)
{
  g_return_val_if_fail (backup_path != NULL, NULL);
  return inspect_handle (backup_path, NULL, error);
}

/* The live database's outbox beyond what @backup holds. */
static gint64
count_lost (sqlite3            *live,
            const StBackupInfo *backup)
{
  g_autofree char *device = st_db_sqlite_meta (live, "device_id");
  g_autofree char *sql = NULL;
  int rc;
  gint64 n;

  /* The same laptop: its sequence numbers up to the backup's last are the
   * backup's own changes. Another laptop's database: all of them. */
  if (g_strcmp0 (device, backup->device) == 0)
    sql = g_strdup_printf ("SELECT count(*) FROM outbox WHERE audit_id > %" G_GINT64_FORMAT, backup->last_seq);
  else
    sql = g_strdup ("SELECT count(*) FROM outbox");
  n = query_int (live, sql, -1, &rc);
  return rc == SQLITE_OK ? n : -1;
}

gint64
st_restore_count_lost (const char         *db_path,
                       const StBackupInfo *backup)
{
  sqlite3 *handle = NULL;
  gint64 n = -1;

  g_return_val_if_fail (db_path != NULL && backup != NULL, -1);
  if (!g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    return 0;
  if (sqlite3_open_v2 (db_path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK)
    {
      sqlite3_busy_timeout (handle, 2000);
      n = count_lost (handle, backup);
    }
  close_handle (&handle);
  return n;
}

/* ------------------------------------------------------------------------ */
/* Restore                                                                  */

/* What the database being replaced knows that the backup must not forget:
 * how far its clock went, its sync epoch, its sign-in. Read as far as the
 * file can be read (it may be the damaged one). */
typedef struct
{
  char   *device;
  gint64  hlc_high;
  gint64  epoch;
  char   *server;
  char   *account;
  char   *token;
  char   *clock_offset;
} LiveState;

static void
live_state_clear (LiveState *s)
{
  g_free (s->device);
  g_free (s->server);
  g_free (s->account);
  g_free (s->token);
  g_free (s->clock_offset);
}

static void
live_state_read (sqlite3   *handle,
                 LiveState *s)
{
  s->device = st_db_sqlite_meta (handle, "device_id");
  s->hlc_high = MAX (meta_int (handle, "hlc_seen"),
                     query_int (handle, "SELECT max(hlc) FROM audit_log", 0, NULL));
  s->epoch = meta_int (handle, "sync.epoch");
  s->server = st_db_sqlite_meta (handle, "sync.server");
  s->account = st_db_sqlite_meta (handle, "sync.account");
  s->token = st_db_sqlite_meta (handle, "sync.token");
  s->clock_offset = st_db_sqlite_meta (handle, "sync.clock_offset");
}

static int
page_size (sqlite3 *handle)
{
  return (int) query_int (handle, "PRAGMA page_size", 0, NULL);
}

/* After the copy, in one transaction on the restored database: the
 * bookkeeping that keeps its sync consistent (docs/architecture.md). */
static int
mark_restored (sqlite3         *live,
               const LiveState *before,
               gint64          *epoch_out)
{
  gint64 hlc_high, epoch;
  int rc;

  rc = sqlite3_exec (live, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return rc;

  /* Never stamp a change at or below one this laptop made or saw before
   * the restore: the server knows a change by (row, device, hlc), and a
   * new change with the stamp of one it has would be taken for it. */
  hlc_high = MAX (before->hlc_high, MAX (meta_int (live, "hlc_seen"),
                                         query_int (live, "SELECT max(hlc) FROM audit_log", 0, NULL)));
  rc = set_meta_int (live, "hlc_seen", hlc_high);

  /* Its sequence numbers after the backup were used by changes the server
   * has: a new epoch makes new op ids. Changes still in the backup's
   * outbox that the server has are recognised by (row, device, hlc). */
  epoch = MAX (before->epoch, meta_int (live, "sync.epoch")) + 1;
  if (rc == SQLITE_OK)
    rc = set_meta_int (live, "sync.epoch", epoch);
  if (rc == SQLITE_OK)
    rc = set_meta_int (live, "sync.restored_at", g_get_real_time () / 1000);

  /* The replaced database's sign-in, when it is the same laptop, server
   * and account (the backup holds no token). */
  if (rc == SQLITE_OK && before->device != NULL)
    {
      g_autofree char *device = st_db_sqlite_meta (live, "device_id");
      g_autofree char *server = st_db_sqlite_meta (live, "sync.server");
      g_autofree char *account = st_db_sqlite_meta (live, "sync.account");

      if (g_strcmp0 (device, before->device) == 0 && server != NULL
          && g_strcmp0 (server, before->server) == 0 && g_strcmp0 (account, before->account) == 0)
        {
          if (before->token != NULL)
            rc = set_meta (live, "sync.token", before->token);
          if (rc == SQLITE_OK && before->clock_offset != NULL)
            rc = set_meta (live, "sync.clock_offset", before->clock_offset);
        }
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (live, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    sqlite3_exec (live, "ROLLBACK", NULL, NULL, NULL);

  /* This process's clock too (the app goes on after a restore). */
  st_hlc_observe (st_hlc_get_default (), (guint64) hlc_high);
  *epoch_out = epoch;
  return rc;
}

StBackupInfo *
st_restore (const char        *db_path,
            const char        *backup_path,
            StBackupProgress   progress,
            gpointer           progress_data,
            GCancellable      *cancellable,
            GError           **error)
{
  g_autoptr(StBackupInfo) info = NULL;
  LiveState before = { 0 };
  sqlite3 *src = NULL;
  sqlite3 *live = NULL;
  gboolean existed;
  gboolean journal_changed = FALSE;
  gint64 lost = 0;
  int rc;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (backup_path != NULL, NULL);

  if (same_file (db_path, backup_path))
    {
      g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_SAME_FILE,
                   _("%s is the database itself, not a backup of it."), backup_path);
      return NULL;
    }
  info = inspect_handle (backup_path, &src, error);
  if (info == NULL)
    return NULL;

  existed = g_file_test (db_path, G_FILE_TEST_EXISTS);
  if (!existed)
    {
      g_autofree char *dir = g_path_get_dirname (db_path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved = errno;

          close_handle (&src);
          g_set_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_WRITE,
                       _("The folder %s for the database cannot be created: %s."), dir, g_strerror (saved));
          return NULL;
        }
    }
  /* A new file is private from its creation: st_db_sqlite_open (). */
  rc = st_db_sqlite_open (db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, &live);
  if (rc != SQLITE_OK)
    {
      close_handle (&live);
      close_handle (&src);
      set_error (rc, db_path, TRUE, error);
      return NULL;
    }
  sqlite3_extended_result_codes (live, 1);
  sqlite3_busy_timeout (live, 5000);

  if (existed)
    {
      live_state_read (live, &before);
      lost = MAX (count_lost (live, info), 0);
    }

  /* A database in WAL mode takes a copy only of its own page size. */
  if (existed && page_size (live) != page_size (src))
    {
      g_autofree char *mode = NULL;
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_prepare_v2 (live, "PRAGMA journal_mode = DELETE", -1, &stmt, NULL) == SQLITE_OK
          && sqlite3_step (stmt) == SQLITE_ROW)
        mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      journal_changed = g_strcmp0 (mode, "delete") == 0;
      if (!journal_changed)
        {
          close_handle (&live);
          close_handle (&src);
          live_state_clear (&before);
          set_error (SQLITE_BUSY, db_path, TRUE, error);
          return NULL;
        }
    }

  rc = copy_pages (live, src, progress, progress_data, cancellable);
  close_handle (&src);
  if (rc == SQLITE_DONE || journal_changed || !existed)
    {
      int mode_rc = sqlite3_exec (live, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);

      if (mode_rc != SQLITE_OK)
        g_debug ("journal_mode WAL after the restore: %s", sqlite3_errstr (mode_rc));
    }
  if (rc == SQLITE_INTERRUPT)
    {
      close_handle (&live);
      live_state_clear (&before);
      set_cancelled (error);
      return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      close_handle (&live);
      live_state_clear (&before);
      set_error (rc, db_path, TRUE, error);
      return NULL;
    }

  rc = mark_restored (live, &before, &info->epoch);
  live_state_clear (&before);
  if (rc != SQLITE_OK)
    {
      close_handle (&live);
      set_error (rc, db_path, TRUE, error);
      return NULL;
    }
  /* The copy went through the WAL (as large as the database): back into
   * the file now, and the WAL emptied, even while other connections (the
   * app's) keep it open. */
  rc = sqlite3_exec (live, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    g_debug ("checkpoint after the restore: %s", sqlite3_errstr (rc));
  rc = sqlite3_close (live);
  if (rc != SQLITE_OK)
    g_debug ("closing %s: %s", db_path, sqlite3_errstr (rc));
  info->lost = lost;
  g_info ("restored %s from %s: sync epoch %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " unsent changes replaced",
             db_path, backup_path, info->epoch, lost);
  return g_steal_pointer (&info);
}

/* ------------------------------------------------------------------------ */
/* In a thread                                                              */

typedef struct
{
  char             *db_path;
  char             *path;
  StBackupFlags     flags;
  StBackupProgress  progress;
  gpointer          progress_data;
  GMainContext     *context;
  double            last_reported;
} Job;

static void
job_free (Job *job)
{
  g_free (job->db_path);
  g_free (job->path);
  g_main_context_unref (job->context);
  g_free (job);
}

typedef struct
{
  GTask  *task;
  double  fraction;
} ProgressEvent;

static void
progress_event_free (ProgressEvent *event)
{
  g_object_unref (event->task);
  g_free (event);
}

static gboolean
deliver_progress (gpointer data)
{
  ProgressEvent *event = data;
  Job *job = g_task_get_task_data (event->task);

  /* Not after the answer: the caller may have gone. */
  if (!g_task_get_completed (event->task))
    job->progress (event->fraction, job->progress_data);
  return G_SOURCE_REMOVE;
}

static void
thread_progress (double   fraction,
                 gpointer data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);
  ProgressEvent *event;

  if (job->progress == NULL || (fraction < 1.0 && fraction - job->last_reported < 0.01))
    return;
  job->last_reported = fraction;
  event = g_new0 (ProgressEvent, 1);
  event->task = g_object_ref (task);
  event->fraction = fraction;
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, deliver_progress, event,
                              (GDestroyNotify) progress_event_free);
}

static Job *
job_new (const char       *db_path,
         const char       *path,
         StBackupFlags     flags,
         StBackupProgress  progress,
         gpointer          progress_data)
{
  Job *job = g_new0 (Job, 1);

  job->db_path = g_strdup (db_path);
  job->path = g_strdup (path);
  job->flags = flags;
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  job->last_reported = -1;
  return job;
}

static void
backup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(StDb) db = NULL;
  GError *error = NULL;

  db = st_db_open (job->db_path, &error);
  if (db == NULL || !st_backup (db, job->path, job->flags, thread_progress, task, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
st_backup_async (const char          *db_path,
                 const char          *path,
                 StBackupFlags        flags,
                 StBackupProgress     progress,
                 gpointer             progress_data,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, st_backup_async);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_task_data (task, job_new (db_path, path, flags, progress, progress_data), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, backup_thread);
}

gboolean
st_backup_finish (GAsyncResult  *result,
                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
restore_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  StBackupInfo *info = st_restore (job->db_path, job->path, thread_progress, task, cancellable, &error);

  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, (GDestroyNotify) st_backup_info_free);
}

void
st_restore_async (const char          *db_path,
                  const char          *backup_path,
                  StBackupProgress     progress,
                  gpointer             progress_data,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, st_restore_async);
  g_task_set_task_data (task, job_new (db_path, backup_path, ST_BACKUP_FLAGS_NONE, progress, progress_data),
                        (GDestroyNotify) job_free);
  g_task_run_in_thread (task, restore_thread);
}

StBackupInfo *
st_restore_finish (GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
