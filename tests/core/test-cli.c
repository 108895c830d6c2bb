/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli as a clerk or a script uses it: the real binary, real files. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "cli-util.h"

static char *db_path;
static char *work_dir;

#define cli(r, env, ...) cli_run (r, db_path, env, __VA_ARGS__)
#define CLI(r, ...) cli_run (r, db_path, NULL, __VA_ARGS__, NULL)

static char *
data_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "import", name, NULL);
}

static void
test_help (void)
{
  Run r = { 0, };

  CLI (&r, "--help");
  g_assert_cmpint (r.status, ==, 0);
  for (const char *const *c = (const char *const[]) { "init", "id-check", "import", "participants",
                                                     "participant", "demo", "divisions", NULL }; *c; c++)
    {
      g_autofree char *needle = g_strdup_printf ("\n  %s ", *c);
      g_assert_nonnull (strstr (r.out, needle));
    }
  run_clear (&r);

  CLI (&r, "frobnicate");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "unknown command “frobnicate”"));
  run_clear (&r);
}

static void
test_id_check (void)
{
  Run r = { 0, };
  g_auto(GStrv) lines = NULL;

  CLI (&r, "id-check", "52232719920704001x", " ５２２３２７１９８５０３１２００２８ ", "522327198503120020", "522327700815001");
  g_assert_cmpint (r.status, ==, 1);
  lines = g_strsplit (r.out, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "52232719920704001X valid (born 1992-07-04, Male)");
  g_assert_cmpstr (lines[1], ==, "522327198503120028 valid (born 1985-03-12, Female)");
  g_assert_true (g_str_has_prefix (lines[2], "522327198503120020 invalid: "));
  g_assert_nonnull (strstr (lines[2], "8"));
  g_assert_cmpstr (lines[3], ==, "522327197008150014 valid (born 1970-08-15, Male)");
  g_assert_cmpstr (lines[4], ==, "");
  run_clear (&r);

  CLI (&r, "id-check", "52232719920704001X");
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);

  CLI (&r, "--json", "id-check", "522327198503120028", "12345");
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonArray *array;

    g_assert_cmpint (r.status, ==, 1);
    g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
    array = json_node_get_array (json_parser_get_root (parser));
    g_assert_cmpuint (json_array_get_length (array), ==, 2);
    g_assert_true (json_object_get_boolean_member (json_array_get_object_element (array, 0), "valid"));
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "sex"), ==, "female");
    g_assert_false (json_object_get_boolean_member (json_array_get_object_element (array, 1), "valid"));
    g_assert_nonnull (json_object_get_string_member (json_array_get_object_element (array, 1), "reason"));
  }
  run_clear (&r);
}

static void
test_import_and_list (void)
{
  g_autofree char *roster = data_file ("roster.csv");
  g_autofree char *rejects = g_build_filename (work_dir, "rejects.csv", NULL);
  Run r = { 0, };

  CLI (&r, "import", roster, "--dry-run");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Dry run: nothing was written."));
  g_assert_nonnull (strstr (r.out, "15 rows read: 9 imported, 1 updated (0 of them already up to date), 5 rejected"));
  g_assert_nonnull (strstr (r.out, "Columns ignored: 户籍地址"));
  run_clear (&r);

  CLI (&r, "participants");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "0 participants\n");
  run_clear (&r);

  CLI (&r, "import", roster, "--rejects", rejects);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "  row 7: "));
  g_assert_nonnull (strstr (r.out, "  row 11 (王秀英): Phone stored “13800000001”, roster says “13800009999”"));
  g_assert_true (g_file_test (rejects, G_FILE_TEST_EXISTS));
  run_clear (&r);

  CLI (&r, "participants", "--township", "巧马镇");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "2 participants\n"));
  g_assert_nonnull (strstr (r.out, "黄明\tMale\t"));
  g_assert_nonnull (strstr (r.out, "522327********001X"));
  g_assert_null (strstr (r.out, "52232719920704001X"));
  run_clear (&r);

  CLI (&r, "--json", "participants");
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonArray *array;

    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
    array = json_node_get_array (json_parser_get_root (parser));
    g_assert_cmpuint (json_array_get_length (array), ==, 9);
    for (guint i = 0; i < 9; i++)
      {
        const char *number = json_object_get_string_member (json_array_get_object_element (array, i), "id_number");
        g_assert_nonnull (strstr (number, "********"));
      }
  }
  run_clear (&r);

  CLI (&r, "participant", "show", "522327198503120028");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Name: 王秀英\n"));
  g_assert_nonnull (strstr (r.out, "ID number: 522327198503120028\n"));
  g_assert_nonnull (strstr (r.out, "Phone: 13800000001\n"));
  g_assert_nonnull (strstr (r.out, "Village: 者楼村\n"));
  g_assert_nonnull (strstr (r.out, "Notes: 复查\n"));
  run_clear (&r);

  CLI (&r, "participant", "show", "110101199003070011");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "No participant has the ID number"));
  run_clear (&r);

  CLI (&r, "import", "/nonexistent/roster.csv");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "/nonexistent/roster.csv"));
  run_clear (&r);
}

static void
test_demo (void)
{
  g_autofree char *csv = g_build_filename (work_dir, "demo.csv", NULL);
  g_autofree char *contents = NULL;
  Run r = { 0, };
  gsize len;

  CLI (&r, "demo", "--participants", "40", "--seed", "5");
  g_assert_cmpint (r.status, ==, 0);
  /* 10 imported before (the roster and another county's) and 40 new. */
  g_assert_nonnull (strstr (r.out, "now holds 50 participants"));
  run_clear (&r);

  /* The demo also runs classes: enrolments with hours and outcomes. */
  CLI (&r, "--json", "eligibility");
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonArray *all;
    guint with_hours = 0;

    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (json_parser_load_from_data (parser, r.out, -1, NULL));
    all = json_node_get_array (json_parser_get_root (parser));
    g_assert_cmpuint (json_array_get_length (all), >, 20);
    for (guint i = 0; i < json_array_get_length (all); i++)
      if (json_object_get_int_member (json_array_get_object_element (all, i), "attended_minutes") > 0)
        with_hours++;
    g_assert_cmpuint (with_hours, >, 10);
  }
  run_clear (&r);

  CLI (&r, "demo", "--participants", "25", "--csv", csv, "--gb18030");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_get_contents (csv, &contents, &len, NULL));
  g_assert_false (g_utf8_validate (contents, len, NULL));
  run_clear (&r);

  CLI (&r, "import", csv, "--dry-run");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "25 rows read: 25 imported, 0 updated"));
  g_assert_nonnull (strstr (r.out, "0 rejected"));
  run_clear (&r);
}

static void
test_divisions (void)
{
  g_autofree char *csv = g_build_filename (work_dir, "other-county.csv", NULL);
  g_autofree char *broken = g_build_filename (work_dir, "broken.csv", NULL);
  g_autofree char *roster = g_build_filename (work_dir, "other-roster.csv", NULL);
  Run r = { 0, };

  /* Another county's divisions, then a roster of it. */
  g_assert_true (g_file_set_contents (csv,
                                      "code,name,parent_code,level\n"
                                      "522301000000,兴义市,,county\n"
                                      "522301001000,黄草街道,522301000000,township\n"
                                      "522301001201,坪东村村民委员会,522301001000,village\n",
                                      -1, NULL));
  CLI (&r, "divisions", "import", csv);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "3 divisions imported\n");
  run_clear (&r);

  CLI (&r, "divisions", "list");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "522327104000\t巧马镇\n"));
  g_assert_nonnull (strstr (r.out, "522301001000\t黄草街道\n  522301001201\t坪东村村民委员会\n"));
  run_clear (&r);

  g_assert_true (g_file_set_contents (roster, "姓名,身份证号,乡镇,村\n罗明,522301199001010014,黄草街道,坪东村\n", -1, NULL));
  CLI (&r, "import", roster);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "1 row read: 1 imported, 0 updated"));
  run_clear (&r);

  /* A broken file names the row and the field, and imports nothing. */
  g_assert_true (g_file_set_contents (broken,
                                      "code,name,parent_code,level\n"
                                      "522302000000,凯里市,,county\n"
                                      "5223020010,某街道,522302000000,township\n",
                                      -1, NULL));
  CLI (&r, "divisions", "import", broken);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "row 3"));
  g_assert_nonnull (strstr (r.err, "code"));
  run_clear (&r);
  CLI (&r, "divisions", "list");
  g_assert_null (strstr (r.out, "凯里市"));
  run_clear (&r);
}

/* A county clerk runs a class from enrolment to certificate, as the README
 * shows, on the participants imported by test_import_and_list. */
static void
test_quarter (void)
{
  g_autofree char *klass = NULL;
  g_autofree char *out = g_build_filename (work_dir, "household.csv", NULL);
  g_autofree char *pdf = g_build_filename (work_dir, "sign-in.pdf", NULL);
  g_autofree char *session = NULL;
  g_autofree char *contents = NULL;
  Run r = { 0, };

  CLI (&r, "class", "add", "--name", "巧马镇2024级种植班", "--major", "种植", "--township", "巧马",
       "--start", "2024-03-01", "--trainer", "韦老师", "--teaching-point", "巧马社区讲习所");
  g_assert_cmpint (r.status, ==, 0);
  klass = g_strstrip (g_strdup (r.out));
  g_assert_true (g_uuid_string_is_valid (klass));
  run_clear (&r);

  /* 黄明 (junior: 3 years) and 陆国强 (junior: 3 years). */
  CLI (&r, "enrol", "巧马镇2024级种植班", "52232719920704001X", "522327197801010033");
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  CLI (&r, "enrol", "巧马镇2024级种植班", "110101199003070011");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "No participant has the ID number 110101199003070011"));
  run_clear (&r);

  CLI (&r, "session", "add", "巧马镇2024级种植班", "--date", "2024-02-01", "--hours", "8", "--subject", "skill");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "before the class starts on 2024-03-01"));
  run_clear (&r);
  CLI (&r, "session", "add", "巧马镇2024级种植班", "--date", "2024-03-10", "--hours", "25", "--subject", "skill");
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);

  CLI (&r, "session", "add", "巧马镇2024级种植班", "--date", "2024-03-10", "--hours", "8", "--subject", "literacy",
       "--trainer", "韦老师", "--all-present");
  g_assert_cmpint (r.status, ==, 0);
  session = g_strstrip (g_strdup (r.out));
  g_assert_nonnull (strstr (r.err, "2 participants marked present"));
  run_clear (&r);
  CLI (&r, "attend", session, "522327197801010033", "--status", "absent");
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);

  CLI (&r, "study-log", "--class", "巧马镇2024级种植班", "--date", "2024-03-31", "--hours", "12", "--kind", "self",
       "--except", "522327197801010033");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Hours recorded for 1 participant"));
  run_clear (&r);
  /* 12 more hours that day would make 24 for 陆国强 but 36 for 黄明:
   * refused, for nobody. */
  CLI (&r, "study-log", "--class", "巧马镇2024级种植班", "--date", "2024-03-31", "--hours", "12.5", "--kind", "online");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "more than 24 hours"));
  run_clear (&r);

  /* No assessment before the practical assignment. */
  CLI (&r, "assess", "52232719920704001X", "--kind", "culture", "--result", "pass", "--date", "2024-06-01");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "practical assignments are not done"));
  run_clear (&r);

  CLI (&r, "--json", "eligibility", "--as-of", "2024-04-01", "--class", "巧马镇2024级种植班");
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *first;

    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (json_parser_load_from_data (parser, r.out, -1, NULL));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), ==, 2);
    first = json_array_get_object_element (json_node_get_array (json_parser_get_root (parser)), 0);
    g_assert_cmpstr (json_object_get_string_member (first, "outcome"), ==, "studying");
  }
  run_clear (&r);
  CLI (&r, "eligibility", "--as-of", "2024-04-01", "--class", "巧马镇2024级种植班");
  g_assert_nonnull (strstr (r.out, "黄明"));
  g_assert_nonnull (strstr (r.out, "280 concentrated teaching hours short"));
  g_assert_nonnull (strstr (r.out, "348 self-study or online hours short"));
  g_assert_nonnull (strstr (r.out, "2 enrolments: Not yet eligible 2"));
  run_clear (&r);

  /* Nobody is eligible: approving by name is refused with the reasons. */
  CLI (&r, "approve", "52232719920704001X", "--date", "2024-04-01");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "Nothing was approved"));
  g_assert_nonnull (strstr (r.err, "黄明: "));
  run_clear (&r);

  /* 陆国强 withdraws: a study record, numbered. */
  CLI (&r, "withdraw", "522327197801010033", "--date", "2024-05-01", "--reason", "外出务工");
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  CLI (&r, "approve", "--class", "巧马镇2024级种植班", "--date", "2024-05-02");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "陆国强\t5223272024X0001\tstudy record"));
  g_assert_nonnull (strstr (r.out, "1 certificate issued"));
  run_clear (&r);

  CLI (&r, "export", "enrolments", "--output", out);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "2 rows written"));
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "陆国强,男,汉族,522327197801010033"));
  g_assert_nonnull (strstr (contents, ",退学,2024-05-01"));
  run_clear (&r);

  CLI (&r, "sign-in-sheet", session, "--pdf", pdf);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  run_clear (&r);

  CLI (&r, "--json", "report", "quarterly", "--quarter", "2024Q2");
  {
    g_autoptr(JsonParser) parser = json_parser_new ();

    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (json_parser_load_from_data (parser, r.out, -1, NULL));
  }
  run_clear (&r);
  CLI (&r, "report", "quarterly", "--quarter", "2024Q5");
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);
}

/* Issue 14: a roster with formulas in its cells (a name, a village, the
 * notes), imported and exported: every CSV the tool writes has them as
 * text (a leading '), and a rejects file fixed and imported again gives
 * back the cells as they were. */
static void
test_formulas (void)
{
  g_autofree char *saved_db = db_path;
  g_autofree char *roster = g_build_filename (work_dir, "formulas.csv", NULL);
  g_autofree char *rejects = g_build_filename (work_dir, "formulas-rejects.csv", NULL);
  g_autofree char *fixed = g_build_filename (work_dir, "formulas-fixed.csv", NULL);
  g_autofree char *export = g_build_filename (work_dir, "formulas-enrolments.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GString) edited = NULL;
  g_autoptr(GError) error = NULL;
  const char roster_text[] =
    "序号,姓名,性别,民族,身份证号码,乡镇（街道）,村（居）,联系电话,文化程度,备注\r\n"
    "1,\"=cmd|' /C calc'!A0\",男,汉族,52232719920704001X,巧马镇,\"=HYPERLINK(\"\"http://evil.example/v\"\",\"\"点击\"\")\",,小学,\"@SUM(1+1)\"\r\n"
    "2,\"=HYPERLINK(\"\"http://evil.example/n\"\")\",女,汉族,522327198503120020,巧马镇,巧马社区,,小学,-1+1\r\n";
  Run r = { 0, };

  db_path = g_build_filename (work_dir, "formulas.db", NULL);
  g_assert_true (g_file_set_contents (roster, roster_text, -1, &error));
  g_assert_no_error (error);

  CLI (&r, "import", roster, "--rejects", rejects);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "1 imported"));
  run_clear (&r);

  /* The rejected row (a wrong check digit) keeps its cells, as text. */
  g_assert_true (g_file_get_contents (rejects, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, ",\"'=HYPERLINK(\"\"http://evil.example/n\"\")\","));
  g_assert_nonnull (strstr (contents, ",'-1+1\r\n"));
  g_assert_null (strstr (contents, ",=HYPERLINK"));
  g_assert_null (strstr (contents, ",\"=HYPERLINK"));

  CLI (&r, "class", "add", "--name", "巧马镇公式班", "--major", "种植", "--township", "巧马",
       "--start", "2024-03-01", "--teaching-point", "=HYPERLINK(\"http://evil.example/t\")");
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  CLI (&r, "enrol", "巧马镇公式班", "52232719920704001X");
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);

  CLI (&r, "export", "enrolments", "--output", export);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (export, &contents, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%s", contents);
  g_assert_nonnull (strstr (contents, "\n'=cmd|' /C calc'!A0,"));
  g_assert_nonnull (strstr (contents, ",\"'=HYPERLINK(\"\"http://evil.example/v\"\",\"\"点击\"\")\","));
  g_assert_nonnull (strstr (contents, ",\"'=HYPERLINK(\"\"http://evil.example/t\"\")\","));
  g_assert_null (strstr (contents, ",="));
  g_assert_null (strstr (contents, "\n="));
  g_assert_null (strstr (contents, ",\"="));

  /* The rejects file fixed (the right check digit) and imported again:
   * the name is the one of the roster, without the '. */
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (rejects, &contents, NULL, &error));
  g_assert_no_error (error);
  edited = g_string_new (contents);
  g_assert_cmpuint (g_string_replace (edited, "522327198503120020", "522327198503120028", 0), ==, 1);
  g_assert_true (g_file_set_contents (fixed, edited->str, edited->len, &error));
  g_assert_no_error (error);
  CLI (&r, "import", fixed);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "1 imported"));
  run_clear (&r);
  CLI (&r, "participant", "show", "522327198503120028");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Name: =HYPERLINK(\"http://evil.example/n\")\n"));
  g_assert_nonnull (strstr (r.out, "Notes: -1+1\n"));
  run_clear (&r);

  g_free (db_path);
  db_path = g_steal_pointer (&saved_db);
}

static void
test_translated (void)
{
  const char *env[] = { "LANGUAGE", "zh_CN", "LC_ALL", "C.UTF-8", NULL };
  Run r = { 0, };

  cli (&r, env, "id-check", "522327198503120020", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "无效"));
  g_assert_null (strstr (r.out, "invalid"));
  run_clear (&r);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* The tests share one database, in order: import, then list. */
  work_dir = g_dir_make_tmp ("st-cli-XXXXXX", NULL);
  g_assert_nonnull (work_dir);
  db_path = g_build_filename (work_dir, "cli.db", NULL);

  g_test_add_func ("/core/cli/help", test_help);
  g_test_add_func ("/core/cli/id-check", test_id_check);
  g_test_add_func ("/core/cli/import-and-list", test_import_and_list);
  g_test_add_func ("/core/cli/divisions", test_divisions);
  g_test_add_func ("/core/cli/quarter", test_quarter);
  g_test_add_func ("/core/cli/demo", test_demo);
  g_test_add_func ("/core/cli/translated", test_translated);
  g_test_add_func ("/core/cli/formulas", test_formulas);

  status = g_test_run ();
  {
    const char *argv_rm[] = { "rm", "-rf", work_dir, NULL };
    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return status;
}
