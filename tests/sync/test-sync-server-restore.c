/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The county server restored from last night's backup, and compacted
 * (issue 16, items 2 and 3): the real shuangti-server, its own backup,
 * restore and compact commands, and laptops synced by the real engine.
 * Nothing a laptop holds is lost; nothing is applied twice. */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "st-test-replica.h"

typedef struct
{
  StTestServer  *server;
  char          *server_db;
  StTestReplica *a;   /* county */
  StTestReplica *b;   /* county */
  StTestReplica *t;   /* township A */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server_db = st_test_db_path ("server.db");
  st_test_add_user (f->server_db, "county", "county", NULL);
  st_test_add_user (f->server_db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  f->server = st_test_server_start (f->server_db, NULL);
  f->a = st_test_replica_new ("laptop-a", 0);
  f->b = st_test_replica_new ("laptop-b", 0);
  f->t = st_test_replica_new ("laptop-t", 0);
  st_test_replica_sign_in (f->a, f->server, "county");
  st_test_replica_sign_in (f->b, f->server, "county");
  st_test_replica_sign_in (f->t, f->server, "qiaoma");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  st_test_replica_free (f->a);
  st_test_replica_free (f->b);
  st_test_replica_free (f->t);
  if (f->server != NULL)
    {
      st_test_server_stop (f->server);
      st_test_server_free (f->server);
    }
  g_free (f->server_db);
}

/* One number from the server's database, read beside it by SQLite. */
static gint64
server_int (Fixture    *f,
            const char *sql)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  g_assert_cmpint (sqlite3_open_v2 (f->server_db, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (handle, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return v;
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

static void
admin_ok (Fixture     *f,
          char       **out,
          const char  *first,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  va_list ap;

  g_clear_pointer (out, g_free);
  g_ptr_array_add (args, (gpointer) st_test_server_binary ());
  g_ptr_array_add (args, (gpointer) "--db");
  g_ptr_array_add (args, f->server_db);
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, out, &err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("shuangti-server %s failed: %s", first, err);
}

/* Every laptop pushes, then every laptop pulls what the others pushed. */
static void
sync_all (Fixture *f)
{
  for (guint round = 0; round < 2; round++)
    for (StTestReplica **r = (StTestReplica *[]) { f->a, f->b, f->t, NULL }; *r; r++)
      st_test_replica_sync_ok (*r);
}

/* Back up, laptops push more, restore, sync: the server and every laptop
 * have everything, nothing twice. */
static void
test_server_restore (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *backup = st_test_db_path ("server-backup.db");
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL, *p4 = NULL, *p5 = NULL, *p6 = NULL;
  g_autofree char *out = NULL;
  GStatBuf st;

  /* Before the backup: everyone has p1..p3 and B's edit. */
  p1 = st_test_replica_add_participant (f->a, 60, "甲", ST_TEST_TOWNSHIP_A);
  p2 = st_test_replica_add_participant (f->a, 61, "乙", ST_TEST_TOWNSHIP_A);
  p3 = st_test_replica_add_participant (f->t, 62, "丙", ST_TEST_TOWNSHIP_A);
  sync_all (f);
  st_test_replica_set (f->b, "participants", p1, "phone", "13800000060");
  sync_all (f);

  /* Last night's backup, taken while the server runs. */
  admin_ok (f, &out, "backup", backup, NULL);
  g_assert_cmpint (g_stat (backup, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_nonnull (strstr (out, backup));

  /* The next day: each laptop pushes more, and they see each other's. */
  p4 = st_test_replica_add_participant (f->a, 63, "丁", ST_TEST_TOWNSHIP_A);
  st_test_replica_delete (f->a, "participants", p2);
  st_test_replica_set (f->t, "participants", p3, "phone", "13900000062");
  p5 = st_test_replica_add_participant (f->t, 64, "戊", ST_TEST_TOWNSHIP_A);
  p6 = st_test_replica_add_participant (f->b, 65, "己", ST_TEST_TOWNSHIP_B);
  sync_all (f);
  g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 0);
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM records WHERE tbl = 'participants' AND deleted = 0"), ==, 5);

  /* The disk dies: the backup comes back. A running server refuses it. */
  {
    g_autofree char *err = NULL;

    g_assert_cmpint (st_test_admin (f->server_db, NULL, NULL, &err, "restore", backup, NULL), ==, 1);
    g_assert_nonnull (strstr (err, "stop it first"));
  }
  st_test_server_stop (f->server);
  admin_ok (f, &out, "restore", backup, NULL);
  g_assert_nonnull (strstr (out, "generation 1"));
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM records WHERE tbl = 'participants' AND deleted = 0"), ==, 3);
  {
    g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", f->server->port);

    st_test_server_free (f->server);
    f->server = st_test_server_start (f->server_db, "--listen", listen, NULL);
  }

  /* Each laptop syncs once or twice, as clerks do. */
  sync_all (f);

  /* The server has everything again, each change once. */
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM records WHERE tbl = 'participants' AND deleted = 0"), ==, 5);
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM records WHERE tbl = 'participants' AND deleted = 1"), ==, 1);
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM records WHERE tbl = 'review_items'"), ==, 0);
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM (SELECT row_id, device, hlc FROM changes"
                                  " WHERE result <> 'rejected' GROUP BY 1, 2, 3 HAVING count(*) > 1)"), ==, 0);
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM changes WHERE result <> 'applied'"), ==, 0);

  /* Every laptop has everything, and the same. */
  for (StTestReplica **r = (StTestReplica *[]) { f->a, f->b, NULL }; *r; r++)
    {
      g_assert_cmpint (st_db_count_live ((*r)->db, "participants"), ==, 5);
      assert_field (*r, p1, "phone", "13800000060");
      assert_field (*r, p3, "phone", "13900000062");
      assert_field (*r, p4, "name", "丁");
      assert_field (*r, p5, "name", "戊");
      assert_field (*r, p6, "name", "己");
      g_assert_cmpint (st_test_replica_count (*r, "SELECT count(*) FROM review_items"), ==, 0);
      g_assert_cmpint (st_sync_count_pending ((*r)->db), ==, 0);
    }
  {
    g_autofree char *da = st_test_digest (f->a->db, NULL);
    g_autofree char *db = st_test_digest (f->b->db, NULL);
    const char *township[] = { ST_TEST_TOWNSHIP_A, NULL };
    g_autofree char *dat = st_test_digest (f->a->db, township);
    g_autofree char *dt = st_test_digest (f->t->db, township);

    g_assert_cmpstr (da, ==, db);
    g_assert_cmpstr (dat, ==, dt);
  }
  g_assert_cmpint (st_db_count_live (f->t->db, "participants"), ==, 4);
  /* The delete made after the backup reached the server again. */
  g_assert_cmpint (st_test_replica_count (f->b, "SELECT deleted FROM participants WHERE id = (SELECT id FROM participants"
                                                " WHERE name = '乙')"), ==, 1);
}

/* A laptop that slept through a compaction starts again from an empty
 * copy: rows deleted or moved away meanwhile go, its own unsent change
 * stays; a new laptop pulls no tombstone. */
static void
test_server_compact (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL, *p4 = NULL;
  g_autofree char *out = NULL;
  g_autoptr(StTestReplica) fresh = NULL;
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };
  StSyncOptions one_a_page = { .attempts = 3, .retry_base_ms = 20, .pull_limit = 1 };

  p1 = st_test_replica_add_participant (f->a, 70, "甲", ST_TEST_TOWNSHIP_A);
  p2 = st_test_replica_add_participant (f->a, 71, "乙", ST_TEST_TOWNSHIP_A);
  p4 = st_test_replica_add_participant (f->a, 73, "丁", ST_TEST_TOWNSHIP_A);
  sync_all (f);
  g_assert_cmpint (st_db_count_live (f->t->db, "participants"), ==, 3);

  /* T sleeps; meanwhile p1 is deleted, p2 moves to another township, p3
   * is new; T edits p4 offline. */
  st_test_replica_delete (f->a, "participants", p1);
  st_test_replica_set (f->a, "participants", p2, "township_code", ST_TEST_TOWNSHIP_B);
  p3 = st_test_replica_add_participant (f->a, 72, "丙", ST_TEST_TOWNSHIP_A);
  st_test_replica_sync_ok (f->a);
  st_test_replica_sync_ok (f->b);
  st_test_replica_set (f->t, "participants", p4, "phone", "13700000073");

  /* Everything up to now is older than the horizon (0 days). */
  admin_ok (f, &out, "compact", "--older-than", "0", NULL);
  g_assert_nonnull (strstr (out, "1 evictions"));
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM evictions"), ==, 0);
  g_assert_cmpint (server_int (f, "SELECT count(*) FROM changes WHERE old IS NOT NULL OR new IS NOT NULL"), ==, 0);
  g_assert_cmpint (server_int (f, "SELECT CAST (value AS INTEGER) FROM meta WHERE key = 'compacted_seq'"), >, 0);

  /* One row a page: the pass from the beginning goes on past the horizon. */
  g_assert_true (st_test_replica_sync (f->t, &one_a_page, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.pushed, ==, 1);
  g_assert_cmpint (st_db_count_live (f->t->db, "participants"), ==, 2);
  g_assert_cmpint (st_test_replica_count (f->t, "SELECT count(*) FROM participants"), ==, 2);
  assert_field (f->t, p3, "name", "丙");
  assert_field (f->t, p4, "phone", "13700000073");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM participants WHERE id IN ('%s', '%s')", p1, p2);

    g_assert_cmpint (st_test_replica_count (f->t, sql), ==, 0);
  }

  /* The county laptops, synced since, just go on. */
  st_test_replica_sync_ok (f->a);
  assert_field (f->a, p4, "phone", "13700000073");
  g_assert_cmpint (st_test_replica_count (f->a, "SELECT count(*) FROM participants WHERE deleted = 1"), ==, 1);

  /* A new county laptop pulls the live rows only. */
  fresh = st_test_replica_new ("laptop-new", 0);
  st_test_replica_sign_in (fresh, f->server, "county");
  g_assert_true (st_test_replica_sync (fresh, &one_a_page, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (st_db_count_live (fresh->db, "participants"), ==, 3);
  g_assert_cmpint (st_test_replica_count (fresh, "SELECT count(*) FROM participants WHERE deleted = 1"), ==, 0);
  /* A delete after its first pull reaches it as usual. */
  st_test_replica_delete (f->a, "participants", p3);
  st_test_replica_sync_ok (f->a);
  st_test_replica_sync_ok (fresh);
  g_assert_cmpint (st_db_count_live (fresh->db, "participants"), ==, 2);
}

/* A laptop revoked by the county office is told to sign in again; its
 * unsent changes wait, and go once it has. */
static void
test_device_revoked (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  st_test_replica_sync_ok (f->t);
  admin_ok (f, &out, "device", "revoke", st_db_get_device_id (f->t->db), NULL);
  p1 = st_test_replica_add_participant (f->t, 90, "庚", ST_TEST_TOWNSHIP_A);
  g_assert_false (st_test_replica_sync (f->t, NULL, NULL, &error));
  g_assert_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SIGN_IN_NEEDED);
  text = st_sync_describe_error (error);
  g_assert_nonnull (strstr (text, "Sign in to the server again"));
  g_assert_cmpint (st_sync_count_pending (f->t->db), ==, 1);

  st_test_replica_sign_in (f->t, f->server, "qiaoma");
  st_test_replica_sync_ok (f->t);
  g_assert_cmpint (st_sync_count_pending (f->t->db), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/sync/server-restore", Fixture, NULL, fixture_set_up, test_server_restore, fixture_tear_down);
  g_test_add ("/sync/server-compact", Fixture, NULL, fixture_set_up, test_server_compact, fixture_tear_down);
  g_test_add ("/sync/device-revoked", Fixture, NULL, fixture_set_up, test_device_revoked, fixture_tear_down);
  return g_test_run ();
}
