/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server database after three simulated years of a county (issue 16,
 * item 3), before and after `shuangti-server compact`:
 *
 *   - a county laptop makes the demo county (st_demo_populate and
 *     st_demo_populate_training: classes with monthly sessions since 2023,
 *     attendance, study logs, assessments …) and syncs it;
 *   - then 36 months, each: phones edited, people deleted, people moved to
 *     another township (evictions for the township laptop), the same phone
 *     edited on two laptops (review items, resolved by the county), and
 *     every laptop synced;
 *   - the server database's size (SQLite's page count), then after
 *     `compact --older-than 0` (everything is older than the horizon, as
 *     three years on with a 90-day horizon), then after `--vacuum`.
 *
 *   bench-growth [--participants N] [--months N] SERVER-BINARY
 */
#include "config.h"

#include <locale.h>
#include <sqlite3.h>

#include "st-demo.h"
#include "st-test-replica.h"

static int n_participants = 6000;
static int n_months = 36;

static double
db_mb (const char *path,
       double     *free_mb)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  double mb = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT (SELECT page_count FROM pragma_page_count ()) * (SELECT page_size FROM pragma_page_size ()),"
                                       " (SELECT freelist_count FROM pragma_freelist_count ()) * (SELECT page_size FROM pragma_page_size ())",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  mb = sqlite3_column_int64 (stmt, 0) / 1e6;
  *free_mb = sqlite3_column_int64 (stmt, 1) / 1e6;
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return mb;
}

static gint64
server_count (const char *path,
              const char *sql)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return n;
}

/* Up to @n keys of live participants of @township, at random. */
static GPtrArray *
pick (StTestReplica *r,
      const char    *township,
      guint          n)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM participants WHERE deleted = 0 AND township_code = '%s'"
                                          " ORDER BY random () LIMIT %u", township, n);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (st_db_get_handle (r->db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  return ids;
}

/* The township with most people on @r. */
static char *
biggest_township (StTestReplica *r)
{
  return st_test_replica_get_text (r, "SELECT township_code FROM participants WHERE deleted = 0"
                                      " GROUP BY township_code ORDER BY count(*) DESC LIMIT 1");
}

static void
report (const char *label,
        const char *db)
{
  double free_mb, mb = db_mb (db, &free_mb);

  g_print ("%-28s %8.1f MB (free pages %6.1f MB)  changes %" G_GINT64_FORMAT
           " (with values %" G_GINT64_FORMAT "), records %" G_GINT64_FORMAT " (tombstones %" G_GINT64_FORMAT
           ", review items %" G_GINT64_FORMAT "), evictions %" G_GINT64_FORMAT "\n",
           label, mb, free_mb,
           server_count (db, "SELECT count(*) FROM changes"),
           server_count (db, "SELECT count(*) FROM changes WHERE old IS NOT NULL OR new IS NOT NULL"),
           server_count (db, "SELECT count(*) FROM records"),
           server_count (db, "SELECT count(*) FROM records WHERE deleted = 1"),
           server_count (db, "SELECT count(*) FROM records WHERE tbl = 'review_items'"),
           server_count (db, "SELECT count(*) FROM evictions"));
}

static void
compact (const char *db,
         gboolean    vacuum)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (st_test_admin (db, NULL, &out, &err, "compact", "--older-than", "0",
                                  vacuum ? "--vacuum" : NULL, NULL), ==, 0);
}

static void
bench_growth (void)
{
  g_autofree char *db = st_test_db_path ("county-server.db");
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(StTestReplica) county = NULL, other = NULL, township = NULL, fresh = NULL;
  g_autofree char *home = NULL;
  g_autofree char *away = NULL;
  StDemoTrainingOptions training = { .capture = TRUE };
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  StSyncStats stats = { 0 };

  st_test_add_user (db, "county", "county", NULL);
  st_test_add_user (db, "county2", "county", NULL);
  server = st_test_server_start (db, NULL);
  county = st_test_replica_new ("county", 0);
  other = st_test_replica_new ("county2", 0);
  st_test_replica_sign_in (county, server, "county");
  st_test_replica_sign_in (other, server, "county2");

  g_assert_true (st_demo_populate (county->db, (guint) n_participants, 16, &error));
  g_assert_no_error (error);
  g_assert_true (st_demo_populate_training (county->db, 16, &training, &error));
  g_assert_no_error (error);
  st_test_replica_sync_ok (county);
  st_test_replica_sync_ok (other);

  home = biggest_township (county);
  away = g_strdup (g_str_equal (home, ST_TEST_TOWNSHIP_B) ? ST_TEST_TOWNSHIP_A : ST_TEST_TOWNSHIP_B);
  st_test_add_user (db, "township", "township", home, NULL);
  township = st_test_replica_new ("township", 0);
  st_test_replica_sign_in (township, server, "township");
  st_test_replica_sync_ok (township);
  g_print ("demo county: %d participants, %" G_GINT64_FORMAT " synced rows on the server (%.0f s)\n",
           n_participants, server_count (db, "SELECT count(*) FROM records"),
           (g_get_monotonic_time () - start) / 1e6);

  for (int month = 0; month < n_months; month++)
    {
      g_autoptr(GPtrArray) edited = pick (county, home, 150);
      g_autoptr(GPtrArray) gone = pick (county, home, 8);
      g_autoptr(GPtrArray) moved = pick (county, home, 6);
      g_autoptr(GPtrArray) both = pick (county, home, 5);
      g_autoptr(GPtrArray) items = NULL;

      for (guint i = 0; i < edited->len; i++)
        {
          g_autofree char *phone = g_strdup_printf ("139%04d%04u", month, i);

          st_test_replica_set (county, "participants", g_ptr_array_index (edited, i), "phone", phone);
        }
      for (guint i = 0; i < gone->len; i++)
        st_test_replica_delete (county, "participants", g_ptr_array_index (gone, i));
      for (guint i = 0; i < moved->len; i++)
        st_test_replica_set (county, "participants", g_ptr_array_index (moved, i), "township_code", away);
      /* The same phone changed on two laptops, each unaware of the other. */
      for (guint i = 0; i < both->len; i++)
        {
          g_autofree char *a = g_strdup_printf ("137%04d%04u", month, i);
          g_autofree char *b = g_strdup_printf ("136%04d%04u", month, i);

          st_test_replica_set (county, "participants", g_ptr_array_index (both, i), "phone", a);
          st_test_replica_set (other, "participants", g_ptr_array_index (both, i), "phone", b);
        }
      st_test_replica_sync_ok (county);
      st_test_replica_sync_ok (other);
      st_test_replica_sync_ok (county);
      /* The county deals with the review list. */
      items = st_sync_list_items (county->db, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < items->len; i++)
        {
          const StSyncItem *item = g_ptr_array_index (items, i);

          g_assert_true (st_sync_resolve_item (county->db, item->id, FALSE, &error));
          g_assert_no_error (error);
        }
      g_ptr_array_unref (g_steal_pointer (&items));
      st_test_replica_sync_ok (county);
      st_test_replica_sync_ok (other);
      /* The township laptop sleeps through the last month. */
      if (month < n_months - 1)
        st_test_replica_sync_ok (township);
    }
  g_print ("%d months of activity (%.0f s in all)\n", n_months, (g_get_monotonic_time () - start) / 1e6);

  report ("after three years:", db);
  compact (db, FALSE);
  report ("compact --older-than 0:", db);
  {
    g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", server->port);

    st_test_server_stop (server);
    st_test_server_free (g_steal_pointer (&server));
    compact (db, TRUE);
    report ("compact ... --vacuum:", db);
    server = st_test_server_start (db, "--listen", listen, NULL);
  }

  /* A new laptop's first pull, without tombstones. */
  fresh = st_test_replica_new ("fresh", 0);
  st_test_replica_sign_in (fresh, server, "county");
  g_assert_true (st_test_replica_sync (fresh, NULL, &stats, &error));
  g_assert_no_error (error);
  g_print ("a new county laptop's first pull: %" G_GINT64_FORMAT " rows (the server holds %" G_GINT64_FORMAT
           ", of them %" G_GINT64_FORMAT " tombstones)\n",
           stats.pulled, server_count (db, "SELECT count(*) FROM records"),
           server_count (db, "SELECT count(*) FROM records WHERE deleted = 1"));
  /* The township laptop, asleep since before the last month's changes,
   * starts again from an empty copy. */
  g_assert_true (st_test_replica_sync (township, NULL, &stats, &error));
  g_assert_no_error (error);
  g_print ("the township laptop, synced before the compaction, read its township again: %" G_GINT64_FORMAT " rows\n",
           stats.pulled);
  st_test_server_stop (server);
}

int
main (int    argc,
      char **argv)
{
  GOptionEntry entries[] = {
    { "participants", 0, 0, G_OPTION_ARG_INT, &n_participants, "Participants of the demo county", "N" },
    { "months", 0, 0, G_OPTION_ARG_INT, &n_months, "Months of activity", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("SERVER-BINARY");
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (argc > 1 && argv[argc - 1][0] != '-')
    st_test_set_server_binary (argv[argc - 1]);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/bench/growth", bench_growth);
  return g_test_run ();
}
