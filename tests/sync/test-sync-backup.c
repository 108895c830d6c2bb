/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A laptop backed up and restored (st-backup.c) between syncs with the real
 * shuangti-server: nothing it pushed after the backup is lost or pushed
 * twice, and another laptop sees the same. */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>

#include "st-backup.h"
#include "st-test-replica.h"
#include "st-test-store.h"

typedef struct
{
  StTestServer  *server;
  char          *server_db;
  StTestReplica *a;
  StTestReplica *b;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server_db = st_test_db_path ("server.db");
  st_test_add_user (f->server_db, "county", "county", NULL);
  f->server = st_test_server_start (f->server_db, NULL);
  f->a = st_test_replica_new ("laptop-a", 0);
  f->b = st_test_replica_new ("laptop-b", 0);
  st_test_replica_sign_in (f->a, f->server, "county");
  st_test_replica_sign_in (f->b, f->server, "county");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  st_test_replica_free (f->a);
  st_test_replica_free (f->b);
  st_test_server_stop (f->server);
  st_test_server_free (f->server);
  g_free (f->server_db);
}

/* The server's own database, read beside it (SQLite does the locking). */
static gint64
server_int (Fixture    *f,
            const char *sql,
            const char *device)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  if (st_test_store_is_pg ())
    {
      g_autoptr(GString) pg_sql = g_string_new (sql);

      g_string_replace (pg_sql, "?", "$1", 0);
      return st_test_store_pg_int (f->server_db, pg_sql->str, device);
    }
  g_assert_cmpint (sqlite3_open_v2 (f->server_db, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (handle, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (device != NULL)
    sqlite3_bind_text (stmt, 1, device, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return v;
}

static void
assert_same (StTestReplica *x,
             StTestReplica *y)
{
  g_autofree char *dx = st_test_digest (x->db, NULL);
  g_autofree char *dy = st_test_digest (y->db, NULL);

  g_assert_cmpstr (dx, ==, dy);
}

static void
assert_field (StTestReplica *r,
              const char    *row,
              const char    *field,
              const char    *expected)
{
  g_autofree char *value = st_test_replica_get (r, "participants", row, field);

  g_assert_cmpstr (value, ==, expected);
}

/* The laptop after the restore runs in a new process whose clock is an hour
 * behind (a flat clock battery): its stamps must still come after every
 * stamp the laptop used before. */
static gint64
clock_behind (gpointer user_data)
{
  return g_get_real_time () / 1000 - 3600 * 1000;
}

/* A: made and synced. A2: made before the backup, synced after it. B: made
 * and synced after the backup. C: made after the backup, never synced.
 * Restore, then D. */
static void
test_backup_restore_sync (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *backup = st_test_db_path ("laptop-a.backup");
  const char *device = NULL;
  g_autofree char *device_copy = NULL;
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL, *p4 = NULL, *p5 = NULL, *p6 = NULL;
  g_autoptr(StBackupInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };
  gint64 sent_high, d_low;

  /* A */
  p1 = st_test_replica_add_participant (f->a, 40, "甲", ST_TEST_TOWNSHIP_A);
  p2 = st_test_replica_add_participant (f->a, 41, "乙", ST_TEST_TOWNSHIP_A);
  st_test_replica_set (f->a, "participants", p1, "phone", "13800000040");
  st_test_replica_sync_ok (f->a);
  /* A2 */
  p3 = st_test_replica_add_participant (f->a, 42, "丙", ST_TEST_TOWNSHIP_A);

  g_assert_true (st_backup (f->a->db, backup, ST_BACKUP_FLAGS_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* B */
  p4 = st_test_replica_add_participant (f->a, 43, "丁", ST_TEST_TOWNSHIP_A);
  st_test_replica_set (f->a, "participants", p2, "phone", "13900000041");
  st_test_replica_sync_ok (f->a);
  g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 0);

  /* C */
  p5 = st_test_replica_add_participant (f->a, 44, "戊", ST_TEST_TOWNSHIP_A);
  st_test_replica_set (f->a, "participants", p1, "name", "甲丙");
  g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 2);

  device_copy = g_strdup (st_db_get_device_id (f->a->db));
  device = device_copy;
  sent_high = server_int (f, "SELECT max(hlc) FROM changes WHERE device = ?", device);
  g_assert_cmpint (sent_high, >, 0);
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM changes WHERE device = ?", device), ==, 6);

  /* The restore, as shuangti-cli restore does it: the program that had the
   * database open has quit. */
  g_clear_object (&f->a->db);
  info = st_restore (f->a->path, backup, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->lost, ==, 2);        /* C */
  g_assert_cmpint (info->pending, ==, 1);     /* A2, sent after the backup */
  g_assert_cmpint (info->epoch, ==, 1);

  st_hlc_free (f->a->clock);
  f->a->clock = st_hlc_new (clock_behind, NULL);
  st_test_replica_reopen (f->a);
  g_assert_cmpint (st_db_count_live (f->a->db, "participants"), ==, 3);   /* A and A2 */

  /* D */
  p6 = st_test_replica_add_participant (f->a, 45, "己", ST_TEST_TOWNSHIP_A);
  st_test_replica_set (f->a, "participants", p2, "name", "乙二");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT min(a.hlc) FROM outbox o JOIN audit_log a ON a.id = o.audit_id"
                                            " WHERE a.row_id IN ('%s', '%s')", p6, p2);

    d_low = st_test_replica_count (f->a, sql);
  }
  /* Not even the clock an hour behind stamps D before what was sent. */
  g_assert_cmpint (d_low, >, sent_high);

  g_assert_true (st_test_replica_sync (f->a, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.pushed, ==, 3);      /* A2 again, and D */
  g_assert_cmpint (stats.conflicts, ==, 0);
  g_assert_cmpint (stats.rejected, ==, 0);
  g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 0);
  st_test_replica_sync_ok (f->b);

  /* A, B and D everywhere; C is gone (it was never anywhere but the
   * replaced database). */
  for (StTestReplica **r = (StTestReplica *[]) { f->a, f->b, NULL }; *r; r++)
    {
      g_assert_cmpint (st_db_count_live ((*r)->db, "participants"), ==, 5);
      assert_field (*r, p1, "name", "甲");
      assert_field (*r, p1, "phone", "13800000040");
      assert_field (*r, p2, "phone", "13900000041");
      assert_field (*r, p2, "name", "乙二");
      assert_field (*r, p3, "name", "丙");
      assert_field (*r, p4, "name", "丁");
      assert_field (*r, p6, "name", "己");
      g_assert_cmpint (st_test_replica_count (*r, "SELECT count(*) FROM participants WHERE name = '戊'"), ==, 0);
      g_assert_cmpint (st_test_replica_count (*r, "SELECT count(*) FROM review_items"), ==, 0);
    }
  assert_same (f->a, f->b);

  /* The server: D under the new epoch; no conflict, no refusal, no review
   * item; each change once, but A2, sent again under the new epoch,
   * recognised as the same change (row, device, hlc) and applied no second
   * time: the row did not move in the feed. */
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM changes WHERE device = ? AND epoch = 1", device), ==, 3);
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM changes WHERE device = ? AND result <> 'applied'", device), ==, 0);
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM records WHERE tbl = 'review_items'", NULL), ==, 0);
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM (SELECT row_id, hlc FROM changes WHERE device = ?"
                                  " GROUP BY row_id, hlc HAVING count(*) > 1) AS twice", device), ==, 1);
  g_assert_cmpint (server_int (f, "SELECT count(DISTINCT server_seq) FROM changes WHERE device = ?"
                                  " AND (row_id, hlc) IN (SELECT row_id, hlc FROM changes GROUP BY row_id, hlc HAVING count(*) > 1)",
                               device), ==, 1);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM changes WHERE row_id = '%s'", p3);

    g_assert_cmpint (server_int (f, sql, NULL), ==, 2);
  }

  /* And a later sync of either has nothing to do. */
  g_assert_true (st_test_replica_sync (f->a, NULL, &stats, &error));
  g_assert_cmpint (stats.pushed, ==, 0);
  assert_same (f->a, f->b);
}

/* The restored laptop's epoch came from the restore, not from the server
 * refusing its sequence numbers: its first push is accepted at once, even
 * when it has made more changes since the restore than it had sent. */
static void
test_restore_no_sequence_reused (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *backup = st_test_db_path ("laptop-a.backup");
  g_autoptr(StBackupInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  StSyncStats stats = { 0 };

  g_free (st_test_replica_add_participant (f->a, 50, "一", ST_TEST_TOWNSHIP_A));
  st_test_replica_sync_ok (f->a);
  g_assert_true (st_backup (f->a->db, backup, ST_BACKUP_FLAGS_NONE, NULL, NULL, NULL, &error));
  g_free (st_test_replica_add_participant (f->a, 51, "二", ST_TEST_TOWNSHIP_A));
  st_test_replica_sync_ok (f->a);

  g_clear_object (&f->a->db);
  info = st_restore (f->a->path, backup, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  st_test_replica_reopen (f->a);
  for (guint i = 0; i < 4; i++)
    g_free (st_test_replica_add_participant (f->a, 60 + i, "三", ST_TEST_TOWNSHIP_A));
  g_assert_true (st_test_replica_sync (f->a, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.pushed, ==, 4);
  g_assert_cmpint (stats.applied, ==, 4);
  log = st_test_server_log (f->server);
  g_assert_null (strstr (log, "sequence_reused"));
  st_test_replica_sync_ok (f->b);
  g_assert_cmpint (st_db_count_live (f->b->db, "participants"), ==, 6);
  st_test_replica_sync_ok (f->a);
  assert_same (f->a, f->b);
}

typedef struct
{
  StTestReplica *r;
  const char    *backup;
  gboolean       restored;
} RestoreMidway;

/* After the first pulled page: the clerk restores from another program. */
static void
restore_midway (const StSyncProgress *progress,
                gpointer              user_data)
{
  RestoreMidway *m = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StBackupInfo) info = NULL;

  if (m->restored || progress->phase != ST_SYNC_PHASE_PULLING || progress->done == 0)
    return;
  m->restored = TRUE;
  info = st_restore (m->r->path, m->backup, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* A restore while a sync runs (shuangti-cli restore beside the app): the
 * run stops instead of writing its next pages and cursor into the restored
 * database, which would then lack the pages applied before the restore for
 * good; the next sync pulls them again. */
static void
test_restore_during_sync (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *backup = st_test_db_path ("laptop-a.backup");
  StSyncOptions options = { .attempts = 3, .retry_base_ms = 20, .pull_limit = 2 };
  RestoreMidway midway = { f->a, backup, FALSE };
  g_autoptr(GError) error = NULL;

  g_free (st_test_replica_add_participant (f->a, 70, "一", ST_TEST_TOWNSHIP_A));
  st_test_replica_sync_ok (f->a);
  g_assert_true (st_backup (f->a->db, backup, ST_BACKUP_FLAGS_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 6; i++)
    g_free (st_test_replica_add_participant (f->b, 71 + i, "乙", ST_TEST_TOWNSHIP_A));
  st_test_replica_sync_ok (f->b);

  options.progress = restore_midway;
  options.progress_data = &midway;
  g_assert_false (st_test_replica_sync (f->a, &options, NULL, &error));
  g_assert_true (midway.restored);
  g_assert_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "restored from a backup during the sync"));
  g_clear_error (&error);

  st_test_replica_sync_ok (f->a);
  g_assert_cmpint (st_db_count_live (f->a->db, "participants"), ==, 7);
  assert_same (f->a, f->b);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/sync/backup/restore-then-sync", Fixture, NULL, fixture_set_up, test_backup_restore_sync, fixture_tear_down);
  g_test_add ("/sync/backup/no-sequence-reused", Fixture, NULL, fixture_set_up, test_restore_no_sequence_reused,
              fixture_tear_down);
  g_test_add ("/sync/backup/restore-during-sync", Fixture, NULL, fixture_set_up, test_restore_during_sync,
              fixture_tear_down);

  return g_test_run ();
}
