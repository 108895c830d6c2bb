/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli visit add | list (issue 21): a township clerk records
 * outreach visits from a terminal; what a visit changed in the person's
 * record is printed; a refused answer says why and writes nothing. The real
 * binary, real files. */
#include "config.h"

#include <string.h>

#include "cli-util.h"
#include "st-db.h"
#include "test-util.h"

static char *db_path;
static char *work_dir;

#define CLI(r, ...) cli_run (r, db_path, NULL, __VA_ARGS__, NULL)

#define WANG "522327198503120028"   /* 王秀英, phone 13800000001 */
#define HUANG "52232719920704001X"

static gint64
query_int (const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (db_path, &error);

  g_assert_no_error (error);
  return st_test_query_int (db, sql);
}

static void
test_add (void)
{
  g_autofree char *roster = g_test_build_filename (G_TEST_DIST, "data", "import", "roster.csv", NULL);
  Run r = { 0, };
  JsonObject *o, *visit;
  JsonArray *changed;

  CLI (&r, "import", roster);
  g_assert_cmpint (r.status, ==, 0);

  CLI (&r, "visit", "add", WANG, "--date", "2025-03-01", "--by", "韦主任", "--how", "home", "--reached", "yes",
       "--away-place", "浙江省 宁波市", "--work", "away", "--health", "good", "--willing", "later",
       "--major", "电子商务", "--phone", "13900000002", "--note", "春节回家时再谈");
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==,
                   "Visit of 王秀英 on 2025-03-01 saved.\n"
                   "The participant’s record now says:\n"
                   "  Phone: 13800000001 → 13900000002\n"
                   "  Employment: (empty) → 外出务工（浙江省宁波市）\n"
                   "  Health: (empty) → 健康\n");
  g_assert_cmpint (query_int ("SELECT count (*) FROM visits WHERE lives = 'away' AND away_city = '宁波市'"), ==, 1);

  /* An older visit, with --json: saved, but the record keeps March's. */
  CLI (&r, "--json", "visit", "add", WANG, "--date", "2025-01-05", "--by", "岑干部", "--how", "村委会",
       "--not-reached", "--phone", "13800000001");
  g_assert_cmpint (r.status, ==, 0);
  o = json_node_get_object (run_json (&r));
  changed = json_object_get_array_member (o, "changed");
  g_assert_cmpuint (json_array_get_length (changed), ==, 0);
  visit = json_object_get_object_member (o, "visit");
  g_assert_cmpstr (json_object_get_string_member (visit, "how"), ==, "committee");
  g_assert_false (json_object_get_boolean_member (visit, "reached"));
  g_assert_cmpint (query_int ("SELECT count (*) FROM participants WHERE phone = '13900000002'"), ==, 1);

  /* Latest first, in words. */
  CLI (&r, "visit", "list", WANG);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==,
                   "2025-03-01\tHome visit\t韦主任\treached\tAway 浙江省宁波市\tWorking away\tGood\tLater (电子商务)"
                   "\t13900000002\t春节回家时再谈\n"
                   "2025-01-05\tVillage committee\t岑干部\tnot reached\t13800000001\n");
  CLI (&r, "--json", "visit", "list", WANG);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (run_json (&r))), ==, 2);

  CLI (&r, "visit", "list", HUANG);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "黄明 has not been visited yet.\n");
  run_clear (&r);
}

typedef struct
{
  const char *option;
  const char *value;
  const char *message;
} BadVisit;

static const BadVisit bad_visits[] = {
  { "--date", "2025-02-30", "shuangti-cli: Date of the visit: “2025-02-30” is not a date; write it as 2025-03-01.\n" },
  { "--how", "letter", "shuangti-cli: How: “letter” is not one of home visit, phone call, village committee.\n" },
  { "--work", "fishing", "shuangti-cli: Work: “fishing” is not one of farming, local work, working away, no work.\n" },
  { "--phone", "110", "shuangti-cli: Phone: a mobile number has 11 digits; a landline starts with its area code, as in 0859-1234567.\n" },
  { "--reached", "perhaps", "shuangti-cli: Reached: say whether the visit reached the person, with --reached yes or --reached no.\n" },
};

/* Refused with the reason; nothing written. */
static void
test_bad (gconstpointer data)
{
  const BadVisit *bad = data;
  gint64 visits = query_int ("SELECT count (*) FROM visits");
  gint64 audit = query_int ("SELECT count (*) FROM audit_log");
  Run r = { 0, };

  if (g_str_equal (bad->option, "--reached"))
    CLI (&r, "visit", "add", WANG, "--by", "韦主任", "--how", "home", bad->option, bad->value);
  else
    CLI (&r, "visit", "add", WANG, "--by", "韦主任", "--how", "home", "--reached", "yes", bad->option, bad->value);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_cmpstr (r.err, ==, bad->message);
  g_assert_cmpint (query_int ("SELECT count (*) FROM visits"), ==, visits);
  g_assert_cmpint (query_int ("SELECT count (*) FROM audit_log"), ==, audit);
  run_clear (&r);
}

/* Who is where in the outreach, by township and village. The roster puts
 * 王秀英 in 者楼街道 者楼村 (visited and reached in March, willing later)
 * and 黄明 in 巧马镇 巧马社区 (reached and willing, 3/chinese). */
static void
test_list_people (void)
{
  Run r = { 0, };
  JsonArray *people;

  CLI (&r, "visit", "list", "--township", "者楼街道", "--village", "者楼村", "--not-visited");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "吴学历\t522327********0116\t者楼\t者楼村\tnot visited\n"));
  g_assert_null (strstr (r.out, "王秀英"));
  g_assert_null (strstr (r.out, "岑老六"));   /* 东风村 */
  g_assert_cmpstr (r.err, ==, "");

  CLI (&r, "visit", "list", "--township", "者楼街道", "--village", "者楼村");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "王秀英\t522327********0028\t者楼\t者楼村\t2025-03-01 reached\n"));
  g_assert_null (strstr (r.out, "黄明"));
  CLI (&r, "visit", "list", "--township", "巧马镇");
  g_assert_nonnull (strstr (r.out, "黄明\t522327********001X\t巧马\t巧马社区\t2025-03-02 reached\n"));

  CLI (&r, "--json", "visit", "list", "--willing");
  g_assert_cmpint (r.status, ==, 0);
  people = json_node_get_array (run_json (&r));
  g_assert_cmpuint (json_array_get_length (people), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (people, 0), "name"), ==, "黄明");

  CLI (&r, "visit", "list", "--township", "者楼街道", "--village", "月亮村");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.err, ==, "shuangti-cli: Village: “月亮村” is not a village of 者楼街道 (or it names several).\n");
  CLI (&r, "visit", "list", "--not-visited", "--willing");
  g_assert_cmpint (r.status, ==, 2);

  /* The township’s progress: of the two people of 巧马镇, 黄明 was visited, reached and is willing. */
  CLI (&r, "visit", "progress", "--township", "巧马镇");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Township\tPeople to visit\tVisited\tReached\tWilling to enrol\tEnrolled\n"));
  g_assert_nonnull (strstr (r.out, "巧马镇\t2\t1\t1\t1\t0\nTotal\t2\t1\t1\t1\t0\n"));

  /* The printed list of 者楼村: 王秀英 was reached, the others not yet. */
  {
    g_autofree char *pdf = g_build_filename (work_dir, "者楼村.pdf", NULL);
    g_autofree char *expected = g_strdup_printf ("%s: 3 people not yet reached.\n", pdf);

    CLI (&r, "visit", "sheet", "--township", "者楼街道", "--village", "者楼村", "--output", pdf);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.out, ==, expected);
    g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
    CLI (&r, "visit", "sheet", "--township", "者楼街道");
    g_assert_cmpint (r.status, ==, 2);
  }
  run_clear (&r);
}

/* In Chinese, as a clerk reads it. */
static void
test_chinese (void)
{
  const char *env[] = { "LANGUAGE", "zh_CN", "LC_ALL", "C.UTF-8", NULL };
  Run r = { 0, };

  cli_run (&r, db_path, env, "visit", "add", HUANG, "--date", "2025-03-02", "--by", "韦主任", "--how", "电话",
           "--reached", "是", "--work", "务农", "--willing", "愿意", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "已保存黄明 2025-03-02 的走访记录。\n学员信息随之更新：\n  务工情况：（空） → 务农\n");
  cli_run (&r, db_path, env, "visit", "list", HUANG, NULL);
  g_assert_cmpstr (r.out, ==, "2025-03-02\t电话\t韦主任\t已联系上\t务农\t愿意参加\n");
  run_clear (&r);
}

/* A roster with columns about residence, work and health: the people not
 * visited yet get their first visit, "From the roster", printed by the
 * import; those visited already (王秀英, 黄明) get none, and the roster's
 * answers are conflicts. Importing it again adds no visit. */
static void
test_import_roster (void)
{
  g_autofree char *roster = g_test_build_filename (G_TEST_DIST, "data", "import", "roster-visits.csv", NULL);
  g_autofree char *today = NULL;
  g_autofree char *expected = NULL;
  const char *env[] = { "LANGUAGE", "zh_CN", "LC_ALL", "C.UTF-8", NULL };
  gint64 visits = query_int ("SELECT count (*) FROM visits");
  Run r = { 0, };
  JsonObject *o;

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();

    today = g_date_time_format (now, "%Y-%m-%d");
  }
  CLI (&r, "--json", "import", "--dry-run", roster);
  g_assert_cmpint (r.status, ==, 0);
  o = json_node_get_object (run_json (&r));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "visits")), ==, 3);
  g_assert_cmpint (query_int ("SELECT count (*) FROM visits"), ==, visits);

  CLI (&r, "import", roster);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, " 3 first visits from the roster.\n"));
  g_assert_nonnull (strstr (r.out, "First visits from the roster:\n"
                                   "  row 5 (陆国强): First visit from the roster: Not reached · Away: 广东省东莞市 · 务工情况：打鱼.\n"));
  g_assert_nonnull (strstr (r.out, "  row 7 (罗日新): First visit from the roster: Not reached · No work · Good"
                                   " · 现居住地：不知道；是否联系上：联系中."
                                   " In the record: Employment: (empty) → 无; Health: (empty) → 健康.\n"));
  g_assert_nonnull (strstr (r.out, "  row 5 (陆国强): The employment “打鱼” is not one of"));
  g_assert_nonnull (strstr (r.out, "  row 3 (王秀英): Employment stored “外出务工（浙江省宁波市）”, roster says “外出务工（浙江省宁波）”\n"));
  g_assert_cmpint (query_int ("SELECT count (*) FROM visits"), ==, visits + 3);

  expected = g_strdup_printf ("%s\tFrom the roster\troster-visits.csv\tnot reached\tAway 广东省东莞市\t务工情况：打鱼\n", today);
  CLI (&r, "visit", "list", "522327197801010033");
  g_assert_cmpstr (r.out, ==, expected);
  g_free (expected);
  expected = g_strdup_printf ("%s\t来自花名册\troster-visits.csv\t未联系上\t外出 广东省东莞市\t务工情况：打鱼\n", today);
  cli_run (&r, db_path, env, "visit", "list", "522327197801010033", NULL);
  g_assert_cmpstr (r.out, ==, expected);

  /* Visited, not reached: 陆国强 is still on the township's visit sheet. */
  CLI (&r, "visit", "list", "--township", "巧马镇", "--not-reached");
  g_assert_nonnull (strstr (r.out, "陆国强"));
  g_assert_null (strstr (r.out, "韦阿妹"));   /* the roster says reached */

  CLI (&r, "import", roster);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_null (strstr (r.out, "first visit"));
  g_assert_cmpint (query_int ("SELECT count (*) FROM visits"), ==, visits + 3);
  run_clear (&r);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  work_dir = g_dir_make_tmp ("st-cli-visit-XXXXXX", NULL);
  g_assert_nonnull (work_dir);
  db_path = g_build_filename (work_dir, "cli.db", NULL);

  /* In order, on one database: each step is a suite of its own. */
  g_test_add_func ("/core/cli-visit/1/add-and-list", test_add);
  for (guint i = 0; i < G_N_ELEMENTS (bad_visits); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/cli-visit/2-refused/%u%s", i, bad_visits[i].option);

      g_test_add_data_func (path, &bad_visits[i], test_bad);
    }
  g_test_add_func ("/core/cli-visit/3/chinese", test_chinese);
  g_test_add_func ("/core/cli-visit/4/list-people", test_list_people);
  g_test_add_func ("/core/cli-visit/5/import-roster", test_import_roster);

  status = g_test_run ();
  {
    const char *argv_rm[] = { "rm", "-rf", work_dir, NULL };
    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return status;
}
