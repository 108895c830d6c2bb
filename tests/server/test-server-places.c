/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every table of the PostgreSQL store carries the township's and the
 * county's code (issue 19, item 4; PostgreSQL schema 6), the columns a
 * province's database is partitioned or sharded by: filled as the server
 * writes, the county the database serves learnt from its first township
 * account and given to what is everyone's. PostgreSQL only (meson runs it
 * as server-places-pg): a SQLite file serves one county and has no such
 * columns. */
#include "config.h"

#include "st-test-server.h"
#include "st-test-store.h"
#include "st-uuid.h"

#define COUNTY_A "522327"

typedef struct
{
  char         *db;
  StTestServer *server;
  SoupSession  *session;
  char         *county_device;
  char         *qiaoma_device;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->db = st_test_db_path ("county.db");
  f->session = st_test_session_new ();
  f->county_device = st_uuid_new ();
  f->qiaoma_device = st_uuid_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->server != NULL)
    {
      st_test_server_stop (f->server);
      st_test_server_free (f->server);
    }
  g_object_unref (f->session);
  g_free (f->county_device);
  g_free (f->qiaoma_device);
  g_free (f->db);
}

static gint64
count (Fixture    *f,
       const char *sql)
{
  return st_test_store_pg_int (f->db, sql, NULL);
}

static char *
value (Fixture    *f,
       const char *sql)
{
  return st_test_store_pg_query (f->db, sql);
}

/* The tables of the store that lack @column: none. */
static void
assert_every_table_has (Fixture    *f,
                        const char *column)
{
  g_autofree char *missing = NULL;

  missing = st_test_store_pg_query (f->db, column[0] == 'c'
                                    ? "SELECT coalesce (string_agg (t.tablename, ', '), '-') FROM pg_tables AS t"
                                      " WHERE t.schemaname = current_schema () AND NOT EXISTS"
                                      " (SELECT FROM information_schema.columns AS c WHERE c.table_schema = t.schemaname"
                                      "  AND c.table_name = t.tablename AND c.column_name = 'county')"
                                    : "SELECT coalesce (string_agg (t.tablename, ', '), '-') FROM pg_tables AS t"
                                      " WHERE t.schemaname = current_schema () AND NOT EXISTS"
                                      " (SELECT FROM information_schema.columns AS c WHERE c.table_schema = t.schemaname"
                                      "  AND c.table_name = t.tablename AND c.column_name = 'township')");
  g_assert_cmpstr (missing, ==, "-");
}

/* Rows of any table without a county, by table: "" when none. */
static char *
rows_without_county (Fixture *f)
{
  return value (f, "SELECT concat_ws (' ',"
                   " 'meta', (SELECT count(*) FROM meta WHERE county IS NULL),"
                   " 'accounts', (SELECT count(*) FROM accounts WHERE county IS NULL),"
                   " 'devices', (SELECT count(*) FROM devices WHERE county IS NULL),"
                   " 'tokens', (SELECT count(*) FROM tokens WHERE county IS NULL),"
                   " 'records', (SELECT count(*) FROM records WHERE county IS NULL),"
                   " 'evictions', (SELECT count(*) FROM evictions WHERE county IS NULL),"
                   " 'changes', (SELECT count(*) FROM changes WHERE county IS NULL),"
                   " 'admin_log', (SELECT count(*) FROM admin_log WHERE county IS NULL),"
                   " 'signin_failures', (SELECT count(*) FROM signin_failures WHERE county IS NULL))");
}

#define ALL_FILLED "meta 0 accounts 0 devices 0 tokens 0 records 0 evictions 0 changes 0 admin_log 0 signin_failures 0"

/* A county account works before any township account exists (the county
 * is not known yet); the first township account tells it, and then every
 * row of every table has a county: the row's township's, or the
 * database's. */
static void
populate (Fixture *f)
{
  g_autofree char *county_token = NULL;
  g_autofree char *qiaoma_token = NULL;
  g_autofree char *program = st_uuid_new ();
  g_autofree char *person = st_uuid_new ();
  g_autofree char *person2 = st_uuid_new ();
  g_autofree char *wrong = NULL;
  g_autoptr(StTestReply) reply = NULL;
  g_autoptr(StTestReply) reply2 = NULL;
  g_autoptr(StTestReply) refused = NULL;

  st_test_add_user (f->db, "county", "county", NULL);
  f->server = st_test_server_start (f->db, NULL);
  county_token = st_test_sign_in (f->session, f->server, "county", f->county_device);
  reply = st_test_push (f->session, f->server, county_token, 0,
                        st_test_changes (st_test_change (1, "programs", program, "insert", st_test_hlc (0), 0,
                                                         g_strdup ("{\"code\":\"secondary\",\"name\":\"中职\","
                                                                   "\"rules\":\"{}\",\"deleted\":0}")),
                                         st_test_change (2, "participants", person, "insert", st_test_hlc (0), 0,
                                                         st_test_participant ("张三", ST_TEST_TOWNSHIP_A, 1)),
                                         NULL));
  g_assert_cmpuint (reply->status, ==, 200);
  /* Nothing tells the county yet: the everyone's row has none. */
  g_assert_null (value (f, "SELECT value FROM meta WHERE key = 'county'"));
  g_assert_cmpint (count (f, "SELECT count(*) FROM records WHERE county IS NULL"), ==, 1);

  st_test_add_user (f->db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  qiaoma_token = st_test_sign_in (f->session, f->server, "qiaoma", f->qiaoma_device);
  reply2 = st_test_push (f->session, f->server, qiaoma_token, 0,
                         st_test_changes (st_test_change (1, "participants", person2, "insert", st_test_hlc (0), 0,
                                                          st_test_participant ("李四", ST_TEST_TOWNSHIP_A, 2)),
                                          NULL));
  g_assert_cmpuint (reply2->status, ==, 200);
  /* A wrong password (the shared throttle's table), and administration
   * commands about an account and about a laptop. */
  wrong = g_strdup_printf ("{\"user\":\"qiaoma\",\"password\":\"guess\",\"device\":\"%s\"}", f->qiaoma_device);
  refused = st_test_call (f->session, f->server, "POST", "/api/v1/sign-in", NULL, wrong);
  g_assert_cmpuint (refused->status, ==, 401);
  g_assert_cmpint (st_test_admin (f->db, NULL, NULL, NULL, "device", "revoke", f->qiaoma_device, NULL), ==, 0);
  g_assert_cmpint (st_test_admin (f->db, NULL, NULL, NULL, "user", "disable", "qiaoma", NULL), ==, 0);
}

/* "township county" of a laptop ("-" for none); freed with the fixture. */
static const char *
device_place (Fixture    *f,
              const char *device)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce (township, '-') || ' ' || county FROM devices"
                                          " WHERE id = '%s'", device);
  char *place = value (f, sql);

  g_test_queue_free (place);
  return place;
}

static void
assert_places (Fixture *f)
{
  g_autofree char *without = rows_without_county (f);
  g_autofree char *meta_county = value (f, "SELECT value FROM meta WHERE key = 'county'");
  g_autofree char *qiaoma = value (f, "SELECT township || ' ' || county FROM accounts WHERE name = 'qiaoma'");
  g_autofree char *county = value (f, "SELECT coalesce (township, '-') || ' ' || county FROM accounts"
                                      " WHERE name = 'county'");

  g_assert_cmpstr (meta_county, ==, COUNTY_A);
  g_assert_cmpstr (without, ==, ALL_FILLED);
  g_assert_cmpstr (qiaoma, ==, ST_TEST_TOWNSHIP_A " " COUNTY_A);
  g_assert_cmpstr (county, ==, "- " COUNTY_A);
  /* A row's county is its township's. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM records WHERE township IS NOT NULL"), ==, 2);
  g_assert_cmpint (count (f, "SELECT count(*) FROM records WHERE county IS DISTINCT FROM"
                             " coalesce (left (township, 6), '" COUNTY_A "')"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM changes WHERE township = '" ST_TEST_TOWNSHIP_A "'"), ==, 2);
  /* A change's township and county are its row's (none moved since). */
  g_assert_cmpint (count (f, "SELECT count(*) FROM changes AS c JOIN records AS r ON r.tbl = c.tbl AND r.id = c.row_id"
                             " WHERE c.township IS DISTINCT FROM r.township OR c.county IS DISTINCT FROM r.county"),
                   ==, 0);
  /* The laptops, their tokens and the commands about them: their
   * account's township. */
  g_assert_cmpstr (device_place (f, f->qiaoma_device), ==, ST_TEST_TOWNSHIP_A " " COUNTY_A);
  g_assert_cmpstr (device_place (f, f->county_device), ==, "- " COUNTY_A);
  g_assert_cmpint (count (f, "SELECT count(*) FROM tokens AS t JOIN accounts AS a ON a.id = t.account_id"
                             " WHERE t.township IS DISTINCT FROM a.township OR t.county <> a.county"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM admin_log WHERE township = '" ST_TEST_TOWNSHIP_A "'"),
                   >=, 3);   /* user add qiaoma, device revoke, user disable */
  assert_every_table_has (f, "county");
  assert_every_table_has (f, "township");
}

static void
test_filled (Fixture       *f,
             gconstpointer  data)
{
  populate (f);
  assert_places (f);
}

/* A database whose county was never learnt (rows written before this
 * server knew how): the next start learns it and fills every row. */
static void
test_learnt_at_start (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *emptied = NULL;
  g_autofree char *without = NULL;

  populate (f);
  st_test_server_stop (f->server);
  st_test_server_free (g_steal_pointer (&f->server));
  g_free (st_test_store_pg_query (f->db,
                                  "DELETE FROM meta WHERE key = 'county';"
                                  "UPDATE meta SET county = NULL; UPDATE accounts SET county = NULL WHERE township IS NULL;"
                                  "UPDATE devices SET township = NULL, county = NULL;"
                                  "UPDATE tokens SET township = NULL, county = NULL;"
                                  "UPDATE admin_log SET township = NULL, county = NULL;"
                                  "UPDATE records SET county = NULL WHERE township IS NULL;"
                                  "UPDATE signin_failures SET county = NULL"));
  emptied = rows_without_county (f);
  g_assert_cmpstr (emptied, !=, ALL_FILLED);

  f->server = st_test_server_start (f->db, NULL);
  without = rows_without_county (f);
  g_assert_cmpstr (without, ==, ALL_FILLED);
  assert_places (f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!st_test_store_is_pg ())
    g_error ("test-server-places runs on PostgreSQL only: meson test server-places-pg");
  g_test_add ("/server/places/filled", Fixture, NULL, fixture_setup, test_filled, fixture_teardown);
  g_test_add ("/server/places/learnt-at-start", Fixture, NULL, fixture_setup, test_learnt_at_start,
              fixture_teardown);
  return g_test_run ();
}
