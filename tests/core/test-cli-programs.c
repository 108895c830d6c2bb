/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A county adds its own programs with `shuangti-cli program add` from the
 * example files of docs/programs/ (a 5-day, 40-hour training and a 5-year,
 * 360-hour teacher training) and sees them complete (annex 6 §三(三),
 * §(七)). The real binary, real files. */
#include "config.h"

#include "cli-util.h"

static char *db_path;
static char *work_dir;

#define CLI(r, ...) cli_run (r, db_path, NULL, __VA_ARGS__, NULL)

static char *
program_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "..", "docs", "programs", name, NULL);
}

/* The outcome of the only enrolment of @class as of @as_of. */
static const char *
outcome (const char *klass, const char *as_of, gint64 *attended)
{
  Run r = { 0, };
  JsonArray *list;
  JsonObject *e;
  const char *out;

  CLI (&r, "--json", "eligibility", "--class", klass, "--as-of", as_of);
  g_assert_cmpint (r.status, ==, 0);
  list = json_node_get_array (run_json (&r));
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  e = json_array_get_object_element (list, 0);
  if (attended != NULL)
    *attended = json_object_get_int_member (e, "attended_minutes");
  out = g_intern_string (json_object_get_string_member (e, "outcome"));
  run_clear (&r);
  return out;
}

static void
add_meeting (const char *klass, const char *day, const char *hours)
{
  Run r = { 0, };

  CLI (&r, "session", "add", klass, "--date", day, "--hours", hours, "--subject", "skill", "--all-present");
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
}

static void
setup_people (void)
{
  g_autofree char *roster = g_test_build_filename (G_TEST_DIST, "data", "import", "roster.csv", NULL);
  Run r = { 0, };

  CLI (&r, "import", roster);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
}

static void
test_add_programs (void)
{
  g_autofree char *five = program_file ("five-day-training.json");
  g_autofree char *teacher = program_file ("teacher-training.json");
  g_autofree char *broken = g_build_filename (work_dir, "broken.json", NULL);
  Run r = { 0, };
  JsonArray *list;
  gboolean seen_five = FALSE, seen_teacher = FALSE;

  setup_people ();
  CLI (&r, "program", "add", five);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "five-day-training"));
  CLI (&r, "program", "add", teacher);
  g_assert_cmpint (r.status, ==, 0);

  /* A length in months is refused, with the field named; nothing saved. */
  g_assert_true (g_file_set_contents (broken,
                                      "{\"schema\":1,\"code\":\"months\",\"name\":\"X\",\"kind\":\"training\","
                                      "\"study_length\":{\"months\":2},\"attended_min_hours\":8,"
                                      "\"certificate_names\":{\"graduation\":\"a\",\"completion\":\"b\",\"study_record\":\"c\"}}",
                                      -1, NULL));
  CLI (&r, "program", "add", broken);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "broken.json: “study_length” must be an object with one of “days”, “weeks” or “years”"));

  CLI (&r, "--json", "program", "list");
  g_assert_cmpint (r.status, ==, 0);
  list = json_node_get_array (run_json (&r));
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *p = json_array_get_object_element (list, i);
      const char *code = json_object_get_string_member (p, "code");

      g_assert_cmpstr (code, !=, "months");
      if (g_str_equal (code, "five-day-training"))
        {
          seen_five = TRUE;
          g_assert_cmpstr (json_object_get_string_member (p, "kind"), ==, "training");
          g_assert_cmpint (json_object_get_int_member (p, "study_days"), ==, 5);
          g_assert_cmpint (json_object_get_int_member (p, "attended_min_hours"), ==, 40);
        }
      if (g_str_equal (code, "teacher-training"))
        {
          seen_teacher = TRUE;
          g_assert_cmpint (json_object_get_int_member (p, "attended_min_hours"), ==, 360);
        }
    }
  g_assert_true (seen_five && seen_teacher);
  run_clear (&r);
}

/* Five days of 8 hours from Monday 2026-03-02: completed on Friday with 40
 * hours, long before a year; 39 hours are a completion certificate from the
 * end (2026-03-07). */
static void
test_five_days (void)
{
  Run r = { 0, };
  gint64 attended = 0;

  CLI (&r, "class", "add", "--name", "巧马镇电商5天班", "--program", "five-day-training", "--major", "电子商务",
       "--township", "巧马", "--start", "2026-03-02");
  g_assert_cmpint (r.status, ==, 0);
  CLI (&r, "enrol", "巧马镇电商5天班", "52232719920704001X");
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);

  add_meeting ("巧马镇电商5天班", "2026-03-02", "8");
  add_meeting ("巧马镇电商5天班", "2026-03-03", "8");
  add_meeting ("巧马镇电商5天班", "2026-03-04", "8");
  add_meeting ("巧马镇电商5天班", "2026-03-05", "8");
  g_assert_cmpstr (outcome ("巧马镇电商5天班", "2026-03-05", &attended), ==, "studying");
  g_assert_cmpint (attended, ==, 32 * 60);
  add_meeting ("巧马镇电商5天班", "2026-03-06", "7");
  g_assert_cmpstr (outcome ("巧马镇电商5天班", "2026-03-06", NULL), ==, "studying");
  g_assert_cmpstr (outcome ("巧马镇电商5天班", "2026-03-07", NULL), ==, "completion");
  /* The missing hour made up the day after the end does not count. */
  add_meeting ("巧马镇电商5天班", "2026-03-08", "1");
  g_assert_cmpstr (outcome ("巧马镇电商5天班", "2026-04-01", &attended), ==, "completion");
  g_assert_cmpint (attended, ==, 39 * 60);
  /* On the end day it does. */
  add_meeting ("巧马镇电商5天班", "2026-03-07", "1");
  g_assert_cmpstr (outcome ("巧马镇电商5天班", "2026-03-07", NULL), ==, "eligible");

  CLI (&r, "approve", "--class", "巧马镇电商5天班", "--date", "2026-03-09");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "1 certificate issued"));
  run_clear (&r);
}

/* 360 hours in 5 years: complete in the second year with 360 hours, not in
 * the fifth; 359 stay in study until the end. */
static void
test_teacher_training (void)
{
  Run r = { 0, };

  CLI (&r, "class", "add", "--name", "者楼教师培训班", "--program", "teacher-training", "--major", "计算机及应用技术",
       "--township", "者楼", "--start", "2024-09-01");
  g_assert_cmpint (r.status, ==, 0);
  CLI (&r, "enrol", "者楼教师培训班", "522327198503120028");
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);

  /* 44 meetings of 8 hours and one of 7: 359 hours by 2025-07. */
  {
    g_autoptr(GDate) day = g_date_new_dmy (1, G_DATE_SEPTEMBER, 2024);
    char iso[16];

    for (int i = 0; i < 45; i++)
      {
        g_date_strftime (iso, sizeof iso, "%Y-%m-%d", day);
        add_meeting ("者楼教师培训班", iso, i == 44 ? "7" : "8");
        g_date_add_days (day, 7);
      }
  }
  g_assert_cmpstr (outcome ("者楼教师培训班", "2025-09-01", NULL), ==, "studying");
  g_assert_cmpstr (outcome ("者楼教师培训班", "2029-08-31", NULL), ==, "studying");
  g_assert_cmpstr (outcome ("者楼教师培训班", "2029-09-01", NULL), ==, "completion");
  add_meeting ("者楼教师培训班", "2025-09-06", "1");
  g_assert_cmpstr (outcome ("者楼教师培训班", "2025-09-06", NULL), ==, "eligible");
  g_assert_cmpstr (outcome ("者楼教师培训班", "2025-09-05", NULL), ==, "studying");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  work_dir = g_dir_make_tmp ("st-cli-programs-XXXXXX", NULL);
  g_assert_nonnull (work_dir);
  db_path = g_build_filename (work_dir, "cli.db", NULL);

  /* In order, on one database. */
  g_test_add_func ("/core/cli-programs/add", test_add_programs);
  g_test_add_func ("/core/cli-programs/five-days", test_five_days);
  g_test_add_func ("/core/cli-programs/teacher-training", test_teacher_training);

  status = g_test_run ();
  {
    const char *argv_rm[] = { "rm", "-rf", work_dir, NULL };
    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return status;
}
