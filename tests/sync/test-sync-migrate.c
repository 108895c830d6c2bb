/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A county moved from SQLite to PostgreSQL (issue 19): laptops that synced
 * with the server on its SQLite file sync on with it on PostgreSQL after
 * `shuangti-server migrate --from FILE --to URI` without noticing — no
 * change sent again, nothing pulled again, everything the same. PostgreSQL
 * only (meson runs it as sync-migrate-pg, under tests/pg-cluster). */
#include "config.h"

#include <string.h>

#include "st-test-replica.h"
#include "st-test-store.h"

static gint64
synced (StTestReplica *r,
        gint64        *pushed)
{
  StSyncStats stats = { 0, };
  g_autoptr(GError) error = NULL;

  g_assert_true (st_test_replica_sync (r, NULL, &stats, &error));
  g_assert_no_error (error);
  if (pushed != NULL)
    *pushed = stats.pushed;
  return stats.pulled;
}

static void
test_migrate (void)
{
  g_autofree char *file = st_test_db_path ("county.db");
  g_autoptr(StTestReplica) a = st_test_replica_new ("a", 0);
  g_autoptr(StTestReplica) b = st_test_replica_new ("b", 0);
  g_autoptr(StTestServer) server = NULL;
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL, *p4 = NULL;
  g_autofree char *uri = NULL, *out = NULL, *err = NULL, *listen = NULL;
  g_autofree char *da = NULL, *db = NULL;
  gint64 pushed = 0;

  /* The county on its SQLite file. */
  st_test_store_use_pg (FALSE);
  st_test_add_user (file, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  st_test_add_user (file, "county", "county", NULL);
  server = st_test_server_start (file, NULL);
  st_test_replica_sign_in (a, server, "qiaoma");
  st_test_replica_sign_in (b, server, "county");
  p1 = st_test_replica_add_participant (a, 70, "甲", ST_TEST_TOWNSHIP_A);
  p2 = st_test_replica_add_participant (a, 71, "乙", ST_TEST_TOWNSHIP_A);
  st_test_replica_sync_ok (a);
  st_test_replica_sync_ok (b);
  st_test_replica_set (b, "participants", p1, "phone", "13800000070");
  st_test_replica_delete (b, "participants", p2);
  st_test_replica_sync_ok (b);
  st_test_replica_sync_ok (a);
  listen = g_strdup_printf ("127.0.0.1:%u", server->port);
  st_test_server_stop (server);
  g_clear_pointer (&server, st_test_server_free);

  /* Moved: into a new, empty database; a second migrate is refused. */
  st_test_store_use_pg (TRUE);
  uri = st_test_store_db (file);
  st_test_store_use_pg (FALSE);
  g_assert_cmpint (st_test_admin (file, NULL, &out, &err, "migrate", "--from", file, "--to", uri, NULL), ==, 0);
  g_test_message ("%s%s", out, err);
  g_assert_nonnull (strstr (out, "records:"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (st_test_admin (file, NULL, NULL, &err, "migrate", "--from", file, "--to", uri, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "empty database"));

  /* The same server, on PostgreSQL, at the same address. */
  st_test_store_use_pg (TRUE);
  server = st_test_server_start (file, "--listen", listen, NULL);

  /* Nothing sent again, nothing read again. */
  g_assert_cmpint (synced (a, &pushed), ==, 0);
  g_assert_cmpint (pushed, ==, 0);
  g_assert_cmpint (synced (b, &pushed), ==, 0);
  g_assert_cmpint (pushed, ==, 0);
  {
    /* The server handed out no entry: the cursors went on where they were. */
    g_autofree char *log = st_test_server_log (server);

    g_assert_nonnull (strstr (log, "entries=0"));
    g_assert_false (g_regex_match_simple ("entries=[1-9]", log, 0, 0));
  }

  /* And on as before. */
  p3 = st_test_replica_add_participant (a, 72, "丙", ST_TEST_TOWNSHIP_A);
  st_test_replica_set (a, "participants", p1, "name", "甲乙");
  synced (a, &pushed);
  g_assert_cmpint (pushed, ==, 2);
  g_assert_cmpint (synced (b, NULL), ==, 2);
  p4 = st_test_replica_add_participant (b, 73, "丁", ST_TEST_TOWNSHIP_A);
  synced (b, NULL);
  g_assert_cmpint (synced (a, NULL), ==, 1);

  da = st_test_digest (a->db, NULL);
  db = st_test_digest (b->db, NULL);
  g_assert_cmpstr (da, ==, db);
  g_assert_cmpint (st_db_count_live (a->db, "participants"), ==, 3);
  {
    g_autofree char *phone = st_test_replica_get (a, "participants", p1, "phone");
    g_autofree char *name = st_test_replica_get (b, "participants", p1, "name");

    g_assert_cmpstr (phone, ==, "13800000070");
    g_assert_cmpstr (name, ==, "甲乙");
  }
  /* New rows numbered after the old ones, on the server too. */
  g_assert_cmpint (st_test_store_pg_int (file, "SELECT count(*) FROM records WHERE tbl = 'participants'", NULL),
                   ==, 4);
  g_assert_cmpint (st_test_store_pg_int (file, "SELECT count(DISTINCT seq) FROM records", NULL), ==,
                   st_test_store_pg_int (file, "SELECT count(*) FROM records", NULL));
  /* Every row and every logged change of a participant names its township
   * and county (the columns a province shards by), those copied too. */
  g_assert_cmpint (st_test_store_pg_int (file, "SELECT count(*) FROM records WHERE tbl = 'participants'"
                                               " AND (township IS NULL OR county <> '522327')", NULL), ==, 0);
  g_assert_cmpint (st_test_store_pg_int (file, "SELECT count(*) FROM changes WHERE tbl = 'participants'"
                                               " AND (township IS NULL OR county <> '522327')", NULL), ==, 0);
  g_assert_cmpint (st_test_store_pg_int (file, "SELECT count(*) FROM changes WHERE tbl = 'participants'", NULL),
                   ==, 7);
  /* The county the database serves, learnt from the copy, and every row
   * of every table with a county: a township account, its laptop and
   * tokens their township's; the county account, its laptop, meta and the
   * administration log the database's. */
  {
    g_autofree char *county = st_test_store_pg_query (file, "SELECT value FROM meta WHERE key = 'county'");
    g_autofree char *places = st_test_store_pg_query (file,
                                                      "SELECT string_agg (coalesce (a.township, '-') || '/' || a.county"
                                                      " || '/' || (SELECT count(*) FROM devices AS d WHERE d.account_id = a.id"
                                                      "  AND d.township IS NOT DISTINCT FROM a.township AND d.county = a.county)"
                                                      " || '/' || (SELECT count(*) FROM tokens AS t WHERE t.account_id = a.id"
                                                      "  AND t.township IS NOT DISTINCT FROM a.township AND t.county = a.county),"
                                                      " ' ' ORDER BY a.name) FROM accounts AS a");
    g_autofree char *without = st_test_store_pg_query (file, "SELECT concat_ws (' ',"
                                                       " 'meta', (SELECT count(*) FROM meta WHERE county IS NULL),"
                                                       " 'accounts', (SELECT count(*) FROM accounts WHERE county IS NULL),"
                                                       " 'devices', (SELECT count(*) FROM devices WHERE county IS NULL),"
                                                       " 'tokens', (SELECT count(*) FROM tokens WHERE county IS NULL),"
                                                       " 'records', (SELECT count(*) FROM records WHERE county IS NULL),"
                                                       " 'changes', (SELECT count(*) FROM changes WHERE county IS NULL),"
                                                       " 'admin_log', (SELECT count(*) FROM admin_log WHERE county IS NULL))");

    g_assert_cmpstr (county, ==, "522327");
    g_assert_cmpstr (places, ==, "-/522327/1/1 " ST_TEST_TOWNSHIP_A "/522327/1/1");
    g_assert_cmpstr (without, ==, "meta 0 accounts 0 devices 0 tokens 0 records 0 changes 0 admin_log 0");
    g_assert_cmpint (st_test_store_pg_int (file, "SELECT count(*) FROM admin_log WHERE target = 'qiaoma'"
                                                 " AND township = '" ST_TEST_TOWNSHIP_A "'", NULL), >=, 1);
  }
  st_test_server_stop (server);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (!st_test_store_is_pg ())
    g_error ("test-sync-migrate runs on PostgreSQL only: meson test sync-migrate-pg");
  g_test_add_func ("/sync/migrate/sqlite-to-postgresql", test_migrate);
  return g_test_run ();
}
