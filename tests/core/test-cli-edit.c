/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CLI does what the app does (issue 17, item 7): a participant edited
 * and deleted with the checks of the app's editor and its tombstone, and
 * --json on every command that prints. The real binary, real files. */
#include "config.h"

#include "cli-util.h"
#include "st-db.h"
#include "test-util.h"

static char *db_path;
static char *work_dir;

#define CLI(r, ...) cli_run (r, db_path, NULL, __VA_ARGS__, NULL)

#define WANG "522327198503120028"   /* 王秀英, 者楼街道 者楼村 */

static JsonObject *
show (const char *id_number)
{
  Run r = { 0, };
  JsonObject *o;

  CLI (&r, "--json", "participant", "show", id_number);
  g_assert_cmpint (r.status, ==, 0);
  o = json_node_get_object (run_json (&r));
  run_clear (&r);
  return o;
}

static gint64
query_int (const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (db_path, &error);

  g_assert_no_error (error);
  return st_test_query_int (db, sql);
}

static void
test_edit (void)
{
  g_autofree char *roster = g_test_build_filename (G_TEST_DIST, "data", "import", "roster.csv", NULL);
  Run r = { 0, };
  JsonObject *o;
  gint64 outbox, updates;

  CLI (&r, "import", roster);
  g_assert_cmpint (r.status, ==, 0);

  outbox = query_int ("SELECT count (*) FROM outbox");
  updates = query_int ("SELECT count (*) FROM audit_log WHERE tbl = 'participants' AND op = 'update'");
  CLI (&r, "participant", "edit", WANG, "--phone", "13912345678", "--village", "高峰村", "--education", "初中",
       "--ethnicity", "苗", "--notes", "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "王秀英 saved.\n");
  o = show (WANG);
  g_assert_cmpstr (json_object_get_string_member (o, "phone"), ==, "13912345678");
  g_assert_cmpstr (json_object_get_string_member (o, "village_code"), ==, "522327001202");
  g_assert_cmpstr (json_object_get_string_member (o, "education"), ==, "junior");
  g_assert_cmpstr (json_object_get_string_member (o, "ethnicity"), ==, "苗族");
  g_assert_true (json_object_get_null_member (o, "notes"));
  /* One change, captured for sync like the app's. */
  g_assert_cmpint (query_int ("SELECT count (*) FROM outbox"), ==, outbox + 1);
  g_assert_cmpint (query_int ("SELECT count (*) FROM audit_log WHERE tbl = 'participants' AND op = 'update'"), ==,
                   updates + 1);

  /* The same again: nothing written. */
  CLI (&r, "participant", "edit", WANG, "--phone", "13912345678");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "王秀英: nothing changed.\n");
  g_assert_cmpint (query_int ("SELECT count (*) FROM outbox"), ==, outbox + 1);

  /* --json prints the participant as saved. */
  CLI (&r, "--json", "participant", "edit", WANG, "--employment", "务农");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (run_json (&r)), "employment"), ==, "务农");
  run_clear (&r);
}

/* Bad input: a clear message, status 1, and nothing changed. */
typedef struct
{
  const char *option;
  const char *value;
  const char *message;
} BadEdit;

static const BadEdit bad_edits[] = {
  { "--phone", "1391234567", "Phone: a mobile number has 11 digits" },
  { "--phone", "call me", "Phone: a mobile number has 11 digits" },
  { "--village", "巧马社区", "Village: “巧马社区” is not a village of 者楼" },
  { "--township", "巧马镇", "Village: the village belongs to the old township" },
  { "--township", "火星镇", "Township: “火星镇” is not a township" },
  { "--ethnicity", "火星族", "Ethnicity: “火星族” is not one of the 56 official names" },
  { "--education", "博士后", "Prior education: “博士后” is not one of" },
  { "--poverty", "也许", "Poverty registration: “也许” is not one of" },
  { "--name", "", "Name: a participant needs a name." },
  { "--id-number", "522327198503120020", "The check character should be 8, not 0" },
  { "--id-number", "52232719920704001X", "already" },
};

static void
test_bad_edit (gconstpointer data)
{
  const BadEdit *c = data;
  Run r = { 0, };
  gint64 hlc = query_int ("SELECT hlc FROM participants WHERE id_number = '" WANG "'");

  CLI (&r, "participant", "edit", WANG, c->option, c->value);
  g_assert_cmpint (r.status, ==, 1);
  if (strstr (r.err, c->message) == NULL)
    g_error ("“%s” not in: %s", c->message, r.err);
  g_assert_cmpint (query_int ("SELECT hlc FROM participants WHERE id_number = '" WANG "'"), ==, hlc);
  run_clear (&r);
}

static void
test_move_township (void)
{
  Run r = { 0, };
  JsonObject *o;

  CLI (&r, "participant", "edit", WANG, "--township", "巧马", "--village", "巧马村");
  g_assert_cmpint (r.status, ==, 0);
  o = show (WANG);
  g_assert_cmpstr (json_object_get_string_member (o, "township_code"), ==, "522327104000");
  g_assert_cmpstr (json_object_get_string_member (o, "village_code"), ==, "522327104201");
  run_clear (&r);
}

static void
test_delete (void)
{
  Run r = { 0, };

  CLI (&r, "participant", "delete", WANG);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "王秀英 deleted."));
  /* A tombstone: the row stays, marked deleted, and the change syncs. */
  g_assert_cmpint (query_int ("SELECT deleted FROM participants WHERE id_number = '" WANG "'"), ==, 1);
  g_assert_cmpint (query_int ("SELECT count (*) FROM audit_log WHERE tbl = 'participants' AND op = 'delete'"), ==, 1);
  CLI (&r, "participant", "show", WANG);
  g_assert_cmpint (r.status, ==, 1);
  CLI (&r, "participants");
  g_assert_null (strstr (r.out, "王秀英"));
  CLI (&r, "participant", "delete", WANG);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "No participant has the ID number"));
  CLI (&r, "participant", "edit", WANG, "--phone", "13900000000");
  g_assert_cmpint (r.status, ==, 1);

  /* The app's Undo. */
  CLI (&r, "--json", "participant", "restore", WANG);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (run_json (&r)), "name"), ==, "王秀英");
  CLI (&r, "participants");
  g_assert_nonnull (strstr (r.out, "王秀英"));
  run_clear (&r);
}

/* Every command that prints, with --json, prints one JSON value. */
static const char *const json_commands[][12] = {
  { "init", NULL },
  { "id-check", WANG, NULL },
  { "participants", NULL },
  { "participant", "show", WANG, NULL },
  { "divisions", "list", NULL },
  { "program", "list", NULL },
  { "program", "show", "secondary-vocational", NULL },
  { "major", "list", NULL },
  { "class", "add", "--name", "者楼班", "--major", "种植", "--township", "者楼", "--start", "2025-03-01", NULL },
  { "class", "list", NULL },
  { "class", "show", "者楼班", NULL },
  { "enrol", "者楼班", "52232719920704001X", NULL },
  { "session", "add", "者楼班", "--date", "2025-03-02", "--hours", "8", "--subject", "skill", NULL },
  { "session", "list", "者楼班", NULL },
  { "study-log", "--class", "者楼班", "--date", "2025-03-03", "--hours", "2", "--kind", "self", NULL },
  { "assignment", "add", "52232719920704001X", "--title", "嫁接", NULL },
  { "eligibility", "--as-of", "2025-04-01", NULL },
  { "approve", "--class", "者楼班", "--date", "2025-04-01", NULL },
  { "certificate", "list", NULL },
  { "certificate", "pattern", NULL },
  { "export", "household", "--output", "@household.csv", NULL },
  { "export", "enrolments", "--output", "@enrolments.csv", NULL },
  { "report", "quarterly", "--quarter", "2025Q1", NULL },
  { "conflicts", "list", NULL },
  { "sync", "status", NULL },
};

static void
test_json_everywhere (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (json_commands); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL, *err = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *line = NULL;

      g_ptr_array_add (args, g_strdup (g_getenv ("ST_CLI")));
      g_ptr_array_add (args, g_strdup ("--db"));
      g_ptr_array_add (args, g_strdup (db_path));
      g_ptr_array_add (args, g_strdup ("--json"));
      for (guint j = 0; json_commands[i][j] != NULL; j++)
        {
          const char *a = json_commands[i][j];

          g_ptr_array_add (args, a[0] == '@' ? g_build_filename (work_dir, a + 1, NULL) : g_strdup (a));
        }
      g_ptr_array_add (args, NULL);
      line = g_strjoinv (" ", (char **) args->pdata + 4);
      proc = g_subprocess_newv ((const char *const *) args->pdata,
                                G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
      if (g_subprocess_get_exit_status (proc) != 0)
        g_error ("%s: status %d: %s", line, g_subprocess_get_exit_status (proc), err);
      if (!json_parser_load_from_data (parser, out, -1, &error) || json_parser_get_root (parser) == NULL)
        g_error ("%s printed no JSON: %s", line, out);
    }
}

/* Credits with what they rest on (annex 6 §(六)2–3), shown on the
 * participant. */
static void
test_credits (void)
{
  Run r = { 0, };
  JsonArray *enrolments;

  CLI (&r, "exempt", "52232719920704001X", "--kind", "credit", "--basis", "县技能大赛", "--credits", "2",
       "--date", "2025-03-10");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "Credits: say what they rest on"));
  CLI (&r, "exempt", "52232719920704001X", "--kind", "credit", "--credit-basis", "award", "--basis", "县技能大赛",
       "--credits", "2", "--date", "2025-03-10");
  g_assert_cmpint (r.status, ==, 0);
  CLI (&r, "participant", "show", "52232719920704001X");
  g_assert_nonnull (strstr (r.out, "Class: 者楼班"));
  g_assert_nonnull (strstr (r.out, "  2 credits: Competition award 2 (县技能大赛)\n"));
  CLI (&r, "--json", "participant", "show", "52232719920704001X");
  enrolments = json_object_get_array_member (json_node_get_object (run_json (&r)), "enrolments");
  g_assert_cmpuint (json_array_get_length (enrolments), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (enrolments, 0), "credits"), ==,
                   "2 credits: Competition award 2 (县技能大赛)");
  CLI (&r, "--json", "eligibility", "--as-of", "2025-04-01", "--class", "者楼班");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (json_node_get_array (run_json (&r)), 0),
                                               "credits"), ==, 2);
  run_clear (&r);
}
/* Every command that takes --township refuses one the county does not have
 * with the same words, and status 1. */
static void
test_unknown_township (void)
{
#define MARS "--township=火星镇"
  static const char *const commands[][5] = {
    { "participants", MARS, NULL },
    { "class", "list", MARS, NULL },
    { "report", "quarterly", "--quarter=2025Q3", MARS, NULL },
    { "export", "household", "--output=/nonexistent/unused.csv", MARS, NULL },
    { "export", "enrolments", "--output=/nonexistent/unused.csv", MARS, NULL },
    { "visit", "list", MARS, NULL },
    { "visit", "progress", MARS, NULL },
    { "visit", "sheet", "--output=/nonexistent/unused.pdf", MARS, NULL },
  };
#undef MARS

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      Run r = { 0, };
      const char *const *c = commands[i];

      cli_run (&r, db_path, NULL, c[0], c[1], c[2], c[3], c[4], NULL);
      g_assert_cmpint (r.status, ==, 1);
      if (strstr (r.err, "Township: “火星镇” is not a township of this database’s county.") == NULL)
        g_error ("%s %s: %s", c[0], c[1], r.err);
      run_clear (&r);
    }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  work_dir = g_dir_make_tmp ("st-cli-edit-XXXXXX", NULL);
  g_assert_nonnull (work_dir);
  db_path = g_build_filename (work_dir, "cli.db", NULL);

  /* In order, on one database (GLib runs a suite's own tests before its
   * sub-suites: each step is a suite of its own). */
  g_test_add_func ("/core/cli-edit/1/edit", test_edit);
  for (guint i = 0; i < G_N_ELEMENTS (bad_edits); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/cli-edit/2-refused/%u%s", i, bad_edits[i].option);

      g_test_add_data_func (path, &bad_edits[i], test_bad_edit);
    }
  g_test_add_func ("/core/cli-edit/3/move-township", test_move_township);
  g_test_add_func ("/core/cli-edit/4/delete-and-restore", test_delete);
  g_test_add_func ("/core/cli-edit/5/json-everywhere", test_json_everywhere);
  g_test_add_func ("/core/cli-edit/6/credits", test_credits);
  g_test_add_func ("/core/cli-edit/7/unknown-township", test_unknown_township);

  status = g_test_run ();
  {
    const char *argv_rm[] = { "rm", "-rf", work_dir, NULL };
    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return status;
}
