/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outreach visits (issue 21) between laptops and the real shuangti-server
 * on 127.0.0.1: a visit recorded on one laptop of a township reaches the
 * township's other laptop with the record it updated, and no laptop of
 * another township. */
#include "config.h"

#include <locale.h>

#include "st-import.h"
#include "st-test-replica.h"
#include "st-visit.h"

typedef struct
{
  StTestServer  *server;
  char          *server_db;
  StTestReplica *a1;     /* 巧马镇, the office */
  StTestReplica *a2;     /* 巧马镇, a second laptop */
  StTestReplica *b;      /* 秧坝镇 */
  StTestReplica *county;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server_db = st_test_db_path ("server.db");
  st_test_add_user (f->server_db, "county", "county", NULL);
  st_test_add_user (f->server_db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  st_test_add_user (f->server_db, "qiaoma2", "township", ST_TEST_TOWNSHIP_A, NULL);
  st_test_add_user (f->server_db, "yangba", "township", ST_TEST_TOWNSHIP_B, NULL);
  f->server = st_test_server_start (f->server_db, NULL);
  f->a1 = st_test_replica_new ("qiaoma-office", 0);
  f->a2 = st_test_replica_new ("qiaoma-laptop", 0);
  f->b = st_test_replica_new ("yangba-office", 0);
  f->county = st_test_replica_new ("county", 0);
  st_test_replica_sign_in (f->a1, f->server, "qiaoma");
  st_test_replica_sign_in (f->a2, f->server, "qiaoma2");
  st_test_replica_sign_in (f->b, f->server, "yangba");
  st_test_replica_sign_in (f->county, f->server, "county");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  st_test_replica_free (f->a1);
  st_test_replica_free (f->a2);
  st_test_replica_free (f->b);
  st_test_replica_free (f->county);
  st_test_server_stop (f->server);
  st_test_server_free (f->server);
  g_free (f->server_db);
}

static GPtrArray *
record_visit (StTestReplica *r,
              const char    *person,
              const char    *date,
              const char    *phone)
{
  g_autoptr(StVisit) v = st_visit_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *changes;

  v->participant_id = g_strdup (person);
  v->date = g_strdup (date);
  v->visitor = g_strdup ("韦主任");
  v->how = g_strdup ("home");
  v->reached = TRUE;
  v->work = g_strdup ("away");
  v->lives = g_strdup ("away");
  v->away_province = g_strdup ("浙江省");
  v->away_city = g_strdup ("宁波市");
  v->willing = g_strdup ("yes");
  v->major = g_strdup ("电子商务");
  v->phone = g_strdup (phone);
  changes = st_visit_add (r->db, v, &error);
  g_assert_no_error (error);
  g_assert_nonnull (changes);
  return changes;
}

static void
test_visits_stay_in_township (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *a_person = st_test_replica_add_participant (f->county, 1, "王秀英", ST_TEST_TOWNSHIP_A);
  g_autofree char *b_person = st_test_replica_add_participant (f->county, 2, "黄明", ST_TEST_TOWNSHIP_B);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) other = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *employment = NULL;
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };

  st_test_replica_sync_ok (f->county);
  st_test_replica_sync_ok (f->a1);
  st_test_replica_sync_ok (f->a2);
  st_test_replica_sync_ok (f->b);

  /* The office records a visit; it and the record it updated are pushed. */
  changes = record_visit (f->a1, a_person, "2025-03-01", "13900000002");
  g_assert_cmpuint (changes->len, ==, 2);   /* phone and employment */
  g_assert_cmpint (st_sync_count_pending (f->a1->db), ==, 2);
  st_test_replica_sync (f->a1, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.pushed, ==, 2);
  g_assert_cmpint (stats.applied, ==, 2);
  g_assert_cmpint (stats.rejected, ==, 0);

  /* The township's other laptop sees the visit, whole, and the new phone. */
  st_test_replica_sync_ok (f->a2);
  seen = st_visit_list (f->a2->db, a_person, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (((StVisit *) g_ptr_array_index (seen, 0))->away_city, ==, "宁波市");
  g_assert_cmpstr (((StVisit *) g_ptr_array_index (seen, 0))->willing, ==, "yes");
  g_assert_cmpstr (((StVisit *) g_ptr_array_index (seen, 0))->major, ==, "电子商务");
  phone = st_test_replica_get (f->a2, "participants", a_person, "phone");
  g_assert_cmpstr (phone, ==, "13900000002");
  employment = st_test_replica_get (f->a2, "participants", a_person, "employment");
  g_assert_cmpstr (employment, ==, "外出务工（浙江省宁波市）");
  {
    g_autofree char *d1 = st_test_digest (f->a1->db, NULL);
    g_autofree char *d2 = st_test_digest (f->a2->db, NULL);

    g_assert_cmpstr (d1, ==, d2);
  }

  /* The second laptop adds a later visit; the office gets it back. */
  g_clear_pointer (&changes, g_ptr_array_unref);
  changes = record_visit (f->a2, a_person, "2025-04-02", "13900000003");
  g_assert_cmpuint (changes->len, ==, 1);
  st_test_replica_sync_ok (f->a2);
  st_test_replica_sync_ok (f->a1);
  g_assert_cmpint (st_test_replica_count (f->a1, "SELECT count(*) FROM visits WHERE deleted = 0"), ==, 2);
  g_clear_pointer (&phone, g_free);
  phone = st_test_replica_get (f->a1, "participants", a_person, "phone");
  g_assert_cmpstr (phone, ==, "13900000003");

  /* Another township sees none of it; the county sees both visits. */
  st_test_replica_sync_ok (f->b);
  g_assert_cmpint (st_test_replica_count (f->b, "SELECT count(*) FROM visits"), ==, 0);
  g_assert_cmpint (st_test_replica_count (f->b, "SELECT count(*) FROM participants"), ==, 1);
  other = st_visit_list (f->b->db, a_person, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (other->len, ==, 0);
  st_test_replica_sync_ok (f->county);
  g_assert_cmpint (st_test_replica_count (f->county, "SELECT count(*) FROM visits WHERE township_code = '"
                                                     ST_TEST_TOWNSHIP_A "'"), ==, 2);

  /* A visit of its own people from the other township travels as well. */
  g_clear_pointer (&changes, g_ptr_array_unref);
  changes = record_visit (f->b, b_person, "2025-03-05", "13700000001");
  st_test_replica_sync (f->b, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.rejected, ==, 0);
  st_test_replica_sync_ok (f->a1);
  g_assert_cmpint (st_test_replica_count (f->a1, "SELECT count(*) FROM visits"), ==, 2);
  st_test_replica_sync_ok (f->county);
  g_assert_cmpint (st_test_replica_count (f->county, "SELECT count(*) FROM visits"), ==, 3);
}

/* The first visits a roster makes (how = "roster", issue 21 item 4) sync
 * like any visit: to the township's second laptop, with the employment and
 * health they wrote, and to no other township. */
static void
test_roster_visits (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "import", "roster-visits.csv", NULL);
  g_autoptr(StImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };

  st_test_replica_sync_ok (f->a1);
  st_test_replica_sync_ok (f->a2);
  st_test_replica_sync_ok (f->b);

  result = st_import_roster (f->a1->db, path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->imported, ==, 6);
  g_assert_cmpuint (result->visits->len, ==, 5);
  st_test_replica_sync (f->a1, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.pushed, ==, 11);
  g_assert_cmpint (stats.rejected, ==, 0);

  st_test_replica_sync_ok (f->a2);
  g_assert_cmpint (st_test_replica_count (f->a2, "SELECT count(*) FROM visits WHERE how = 'roster'"), ==, 5);
  g_assert_cmpint (st_test_replica_count (f->a2, "SELECT count(*) FROM visits WHERE how = 'roster' AND reached = 1"), ==, 2);
  g_assert_cmpint (st_test_replica_count (f->a2, "SELECT count(*) FROM participants"
                                                 " WHERE employment = '外出务工（浙江省宁波）' AND health = '健康'"), ==, 1);
  {
    g_autofree char *d1 = st_test_digest (f->a1->db, NULL);
    g_autofree char *d2 = st_test_digest (f->a2->db, NULL);

    g_assert_cmpstr (d1, ==, d2);
  }
  /* Importing it again on the second laptop adds nothing to send. */
  g_clear_pointer (&result, st_import_result_free);
  result = st_import_roster (f->a2->db, path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->visits->len, ==, 0);
  g_assert_cmpint (st_sync_count_pending (f->a2->db), ==, 0);

  st_test_replica_sync_ok (f->b);
  g_assert_cmpint (st_test_replica_count (f->b, "SELECT count(*) FROM visits"), ==, 0);
}

/* The township's people are on both its laptops; both import the roster
 * with columns about residence, work and health before either syncs: a
 * person's visit from the roster has one key (st-uuid.h), so after the
 * syncs each laptop has one per person, and nothing is left for review. */
static void
test_roster_visits_twice (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "import", "roster-visits.csv", NULL);
  g_autofree char *plain = g_build_filename (g_get_user_data_dir (), "names-only.csv", NULL);
  g_autoptr(StImportResult) names = NULL;
  g_autoptr(StImportResult) first = NULL;
  g_autoptr(StImportResult) second = NULL;
  g_autoptr(GError) error = NULL;

  /* The people first, without the columns that make visits. */
  g_assert_true (g_file_set_contents (plain,
                                      "姓名,身份证号码,乡镇\n"
                                      "王秀英,522327198503120028,巧马镇\n"
                                      "黄明,52232719920704001X,巧马镇\n"
                                      "陆国强,522327197801010033,巧马镇\n"
                                      "岑小妹,522327199002150047,巧马镇\n"
                                      "罗日新,522327198811110075,巧马镇\n"
                                      "韦阿妹,522327200003010033,巧马镇\n", -1, &error));
  names = st_import_roster (f->a1->db, plain, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (names->imported, ==, 6);
  g_assert_cmpuint (names->visits->len, ==, 0);
  st_test_replica_sync_ok (f->a1);
  st_test_replica_sync_ok (f->a2);
  g_assert_cmpint (st_test_replica_count (f->a2, "SELECT count(*) FROM participants"), ==, 6);

  first = st_import_roster (f->a1->db, path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  second = st_import_roster (f->a2->db, path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->visits->len, ==, 5);
  g_assert_cmpuint (second->visits->len, ==, 5);

  st_test_replica_sync_ok (f->a1);
  st_test_replica_sync_ok (f->a2);
  st_test_replica_sync_ok (f->a1);
  g_assert_cmpint (st_test_replica_count (f->a1, "SELECT count(*) FROM visits WHERE deleted = 0"), ==, 5);
  g_assert_cmpint (st_test_replica_count (f->a2, "SELECT count(*) FROM visits WHERE deleted = 0"), ==, 5);
  g_assert_cmpint (st_test_replica_count (f->a1, "SELECT count(*) FROM review_items WHERE tbl = 'visits'"), ==, 0);
  g_assert_cmpint (st_test_replica_count (f->a2, "SELECT count(*) FROM review_items WHERE tbl = 'visits'"), ==, 0);
  {
    g_autofree char *d1 = st_test_digest (f->a1->db, NULL);
    g_autofree char *d2 = st_test_digest (f->a2->db, NULL);

    g_assert_cmpstr (d1, ==, d2);
  }
}

/* Two laptops of the township register the same people by importing the
 * same roster, offline: the server merges each pair of registrations, and
 * each person keeps one first visit from the roster, in both orders of
 * arrival. */
static void
test_roster_visits_merged (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "import", "roster-visits.csv", NULL);
  g_autoptr(StImportResult) first = NULL;
  g_autoptr(StImportResult) second = NULL;
  g_autoptr(GError) error = NULL;

  st_test_replica_sync_ok (f->a1);
  st_test_replica_sync_ok (f->a2);
  first = st_import_roster (f->a1->db, path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  second = st_import_roster (f->a2->db, path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->visits->len, ==, 5);
  g_assert_cmpuint (second->visits->len, ==, 5);

  st_test_replica_sync_ok (f->a1);
  st_test_replica_sync_ok (f->a2);
  st_test_replica_sync_ok (f->a1);
  st_test_replica_sync_ok (f->a2);
  /* Six people, each once, each with one first visit. */
  for (guint i = 0; i < 2; i++)
    {
      StTestReplica *r = i == 0 ? f->a1 : f->a2;

      g_assert_cmpint (st_test_replica_count (r, "SELECT count(*) FROM participants WHERE deleted = 0"), ==, 6);
      g_assert_cmpint (st_test_replica_count (r, "SELECT count(*) FROM visits WHERE deleted = 0"), ==, 5);
      g_assert_cmpint (st_test_replica_count (r, "SELECT count(*) FROM visits v JOIN participants p ON p.id = v.participant_id"
                                                 " WHERE v.deleted = 0 AND p.deleted = 0"), ==, 5);
    }
  {
    g_autofree char *d1 = st_test_digest (f->a1->db, NULL);
    g_autofree char *d2 = st_test_digest (f->a2->db, NULL);

    g_assert_cmpstr (d1, ==, d2);
  }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/sync/visit/stay-in-township", Fixture, NULL, fixture_set_up, test_visits_stay_in_township,
              fixture_tear_down);
  g_test_add ("/sync/visit/from-roster", Fixture, NULL, fixture_set_up, test_roster_visits, fixture_tear_down);
  g_test_add ("/sync/visit/from-roster-twice", Fixture, NULL, fixture_set_up, test_roster_visits_twice,
              fixture_tear_down);
  g_test_add ("/sync/visit/from-roster-merged", Fixture, NULL, fixture_set_up, test_roster_visits_merged,
              fixture_tear_down);
  return g_test_run ();
}
