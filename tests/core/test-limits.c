/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sizes the server accepts, enforced where data enters (issue 14, item 3):
 * every text field's length at its boundary (the limit accepted, one more
 * refused) in the core, the roster import and the command line; a program's
 * rules file at most 1 MiB and 64 levels deep, checked before json-glib sees
 * it; and what the command line says: an import that took nothing fails,
 * and --json is UTF-8 whatever the bytes it reports. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "st-import.h"
#include "st-json-guard.h"
#include "st-limits.h"
#include "st-participant.h"
#include "st-program.h"
#include "st-records.h"
#include "test-util.h"

#define TOWNSHIP "522327104000"

/* @n copies of @unit. */
static char *
repeat (const char *unit,
        guint       n)
{
  GString *text = g_string_sized_new (strlen (unit) * n + 1);

  for (guint i = 0; i < n; i++)
    g_string_append (text, unit);
  return g_string_free (text, FALSE);
}

static StDb *
open_db (const char *name)
{
  g_autofree char *path = st_test_file (name);
  g_autoptr(GError) error = NULL;
  StDb *db = st_db_open (path, &error);

  g_assert_no_error (error);
  return db;
}

static StParticipant *
person (const char *id_number,
        const char *name)
{
  StParticipant *p = st_participant_new ();

  p->id_number = g_strdup (id_number);
  p->name = g_strdup (name);
  p->township_code = g_strdup (TOWNSHIP);
  return p;
}

/* No limit lets through what the server refuses (65,536 bytes a field; a
 * character is at most 4 bytes), and every short field counts characters. */
static void
test_table (void)
{
  guint n;
  const StFieldLimit *limits = st_field_limits (&n);

  g_assert_cmpuint (n, >, 10);
  for (guint i = 0; i < n; i++)
    {
      gsize worst = limits[i].unit == ST_LIMIT_CHARACTERS ? 4 * (gsize) limits[i].max : limits[i].max;

      /* A program's rules are bounded by the server's body limit (8 MiB),
       * not its field limit. */
      if (g_str_equal (limits[i].table, "programs") && g_str_equal (limits[i].column, "rules"))
        g_assert_cmpuint (worst, <=, 8 * 1024 * 1024);
      else
        g_assert_cmpuint (worst, <=, ST_SERVER_MAX_TEXT_BYTES);
    }
  g_assert_cmpuint (st_field_limit_lookup ("participants", "name")->max, ==, 50);
  g_assert_cmpint (st_field_limit_lookup ("participants", "name")->unit, ==, ST_LIMIT_CHARACTERS);
  g_assert_cmpuint (st_field_limit_lookup ("participants", "notes")->max, ==, 65536);
  g_assert_cmpint (st_field_limit_lookup ("participants", "notes")->unit, ==, ST_LIMIT_BYTES);
  g_assert_null (st_field_limit_lookup ("participants", "id_number"));
}

/* A participant: 50 characters of name are saved (150 bytes: characters,
 * not bytes, are counted), the 51st is refused, by insert and by update;
 * notes count bytes. */
static void
test_participant (void)
{
  g_autoptr(StDb) db = open_db ("participant.db");
  g_autoptr(GError) error = NULL;
  g_autofree char *fifty = repeat ("张", 50);
  g_autofree char *fifty_one = repeat ("张", 51);
  g_autofree char *notes = repeat ("x", 65536);
  g_autofree char *notes_over = repeat ("x", 65537);
  g_autofree char *phone_over = repeat ("1", 31);
  g_autoptr(StParticipant) p = person ("522327198503120028", fifty_one);
  g_autoptr(StParticipant) stored = NULL;

  g_assert_false (st_participant_insert (db, p, &error));
  g_assert_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Name is longer than 50 characters (51).");
  g_clear_error (&error);
  g_assert_cmpint (st_test_query_int (db, "SELECT count(*) FROM participants"), ==, 0);

  g_free (p->name);
  p->name = g_strdup (fifty);
  p->notes = g_strdup (notes);
  g_assert_true (st_participant_insert (db, p, &error));
  g_assert_no_error (error);
  stored = st_participant_load (db, p->id, &error);
  g_assert_cmpstr (stored->name, ==, fifty);
  g_assert_cmpuint (strlen (stored->notes), ==, 65536);

  /* Update: one byte more of notes, a phone of 31 characters. */
  g_free (stored->notes);
  stored->notes = g_strdup (notes_over);
  g_assert_false (st_participant_update (db, stored, &error));
  g_assert_cmpstr (error->message, ==, "Notes is longer than 65536 bytes (65537).");
  g_clear_error (&error);
  g_free (stored->notes);
  stored->notes = g_strdup ("短");
  stored->phone = g_strdup (phone_over);
  g_assert_false (st_participant_update (db, stored, &error));
  g_assert_cmpstr (error->message, ==, "Phone is longer than 30 characters (31).");
  g_clear_error (&error);
  stored->phone[30] = '\0';
  g_assert_true (st_participant_update (db, stored, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (st_test_query_text (db, "SELECT phone FROM participants"), ==, stored->phone);
}

/* Records: a class's name, a session's place, a withdrawal's reason, an
 * assignment's title and a major. */
static void
test_records (void)
{
  g_autoptr(StDb) db = open_db ("records.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(StParticipant) p = person ("522327198503120028", "王秀英");
  g_autoptr(StClass) c = st_class_new ();
  g_autoptr(StSession) s = g_new0 (StSession, 1);
  g_autofree char *name_over = repeat ("班", 101);
  g_autofree char *place_over = repeat ("地", 101);
  g_autofree char *reason_over = repeat ("因", 501);
  g_autofree char *title_over = repeat ("题", 201);
  g_autofree char *enrolment = NULL;
  g_autofree char *assignment = NULL;

  g_assert_true (st_participant_insert (db, p, &error));
  c->name = g_strdup (name_over);
  c->program_code = g_strdup ("secondary-vocational");
  c->major = g_strdup ("种植");
  c->township_code = g_strdup (TOWNSHIP);
  c->start_date = g_strdup ("2024-03-01");
  g_assert_false (st_class_create (db, c, &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Class name is longer than 100 characters (101).");
  g_clear_error (&error);
  g_assert_cmpint (st_test_query_int (db, "SELECT count(*) FROM classes"), ==, 0);
  c->name[300] = '\0';   /* 100 characters of 3 bytes */
  g_assert_true (st_class_create (db, c, &error));
  g_assert_no_error (error);

  s->class_id = g_strdup (c->id);
  s->date = g_strdup ("2024-03-02");
  s->minutes = 120;
  s->mode = g_strdup ("concentrated");
  s->subject = g_strdup ("skill");
  s->place = g_strdup (place_over);
  g_assert_false (st_session_create (db, s, &error));
  g_assert_cmpstr (error->message, ==, "Place is longer than 100 characters (101).");
  g_clear_error (&error);
  s->place[300] = '\0';
  g_assert_true (st_session_create (db, s, &error));
  g_assert_no_error (error);

  enrolment = st_enrol (db, p->id, c->id, NULL, 0, &error);
  g_assert_no_error (error);
  assignment = st_assignment_add (db, enrolment, title_over, NULL, &error);
  g_assert_null (assignment);
  g_assert_cmpstr (error->message, ==, "Title is longer than 200 characters (201).");
  g_clear_error (&error);
  title_over[600] = '\0';
  assignment = st_assignment_add (db, enrolment, title_over, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (assignment);

  g_assert_false (st_withdraw (db, enrolment, "2024-04-01", reason_over, &error));
  g_assert_cmpstr (error->message, ==, "Reason is longer than 500 characters (501).");
  g_clear_error (&error);
  reason_over[1500] = '\0';
  g_assert_true (st_withdraw (db, enrolment, "2024-04-01", reason_over, &error));
  g_assert_no_error (error);

  g_assert_false (st_major_add (db, name_over, &error));
  g_assert_cmpstr (error->message, ==, "Major is longer than 100 characters (101).");
  g_clear_error (&error);
}

/* The depth scanner: 64 levels pass, 65 do not; brackets inside strings
 * (escaped quotes too) are not levels; the size is checked first. */
static void
test_json_guard (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *open64 = repeat ("[", 64);
  g_autofree char *close64 = repeat ("]", 64);
  g_autofree char *deep64 = g_strconcat (open64, close64, NULL);
  g_autofree char *deep65 = g_strconcat ("{\"a\":", open64, close64, "}", NULL);
  g_autofree char *in_string = g_strconcat ("{\"a\":\"\\\"", open64, open64, "\",\"b\":", deep64, "}", NULL);
  g_autofree char *flood = repeat ("[", 100000);

  g_assert_true (st_json_check_limits (deep64, -1, 64, 0, &error));
  g_assert_no_error (error);
  g_assert_false (st_json_check_limits (deep65, -1, 64, 0, &error));
  g_assert_error (error, ST_JSON_GUARD_ERROR, ST_JSON_GUARD_ERROR_TOO_DEEP);
  g_clear_error (&error);
  g_assert_false (st_json_check_limits (in_string, -1, 64, 0, &error));   /* the object + 64 */
  g_clear_error (&error);
  g_assert_true (st_json_check_limits (in_string, -1, 65, 0, &error));
  g_assert_no_error (error);
  g_assert_false (st_json_check_limits (flood, -1, 64, 0, &error));
  g_assert_error (error, ST_JSON_GUARD_ERROR, ST_JSON_GUARD_ERROR_TOO_DEEP);
  g_clear_error (&error);
  g_assert_true (st_json_check_limits ("[1, 2]", 6, 64, 6, &error));
  g_assert_false (st_json_check_limits ("[1, 2] ", 7, 64, 6, &error));
  g_assert_error (error, ST_JSON_GUARD_ERROR, ST_JSON_GUARD_ERROR_TOO_LARGE);
}

/* A program's rules with a member @nested levels deep (the object is the
 * first), padded with spaces to @size bytes when @size is not 0. */
static char *
program_text (guint nested,
              gsize size)
{
  g_autofree char *open = repeat ("[", nested - 1);
  g_autofree char *close = repeat ("]", nested - 1);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text,
                          "{ \"schema\": 1, \"code\": \"limits-test\", \"name\": \"界限\", \"kind\": \"training\","
                          " \"extra\": %s%s,"
                          " \"study_years\": { \"none\": 1, \"primary\": 1, \"junior\": 1, \"senior\": 1, \"unknown\": 1 },"
                          " \"attended_min_hours\": 40, \"online_sessions_count_as_concentrated\": true,"
                          " \"practical_sessions_count_as_concentrated\": true,"
                          " \"certificate_names\": { \"graduation\": \"a\", \"completion\": \"b\", \"study_record\": \"c\" } }",
                          open, close);
  g_assert_cmpuint (text->len, <=, size == 0 ? G_MAXSIZE : size);
  while (size > 0 && text->len < size)
    g_string_append_c (text, ' ');
  return g_string_free (text, FALSE);
}

static char *
write_file (const char *name,
            const char *text,
            gssize      len)
{
  char *path = st_test_file (name);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, len, &error));
  g_assert_no_error (error);
  return path;
}

/* program add's core: 1 MiB accepted, one byte more refused before reading;
 * 64 levels accepted, 65 refused; 100,000 “[” an error, not a crash. */
static void
test_program (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mib = program_text (2, ST_PROGRAM_MAX_BYTES);
  g_autofree char *over = program_text (2, ST_PROGRAM_MAX_BYTES + 1);
  g_autofree char *deep64 = program_text (64, 0);
  g_autofree char *deep65 = program_text (65, 0);
  g_autofree char *flood = repeat ("[", 100000);
  g_autofree char *mib_path = write_file ("mib.json", mib, -1);
  g_autofree char *over_path = write_file ("over.json", over, -1);
  g_autofree char *flood_path = write_file ("flood.json", flood, -1);
  StProgram *p;

  g_assert_cmpuint (strlen (mib), ==, 1024 * 1024);
  p = st_program_new_from_file (mib_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (p->code, ==, "limits-test");
  st_program_free (p);

  p = st_program_new_from_file (over_path, &error);
  g_assert_null (p);
  g_assert_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "1048577 bytes"));
  g_clear_error (&error);
  p = st_program_new_from_data (over, -1, "over.json", &error);
  g_assert_null (p);
  g_assert_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID);
  g_clear_error (&error);

  p = st_program_new_from_data (deep64, -1, "deep64.json", &error);
  g_assert_no_error (error);
  st_program_free (p);
  p = st_program_new_from_data (deep65, -1, "deep65.json", &error);
  g_assert_null (p);
  g_assert_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "deeper than 64 levels"));
  g_clear_error (&error);

  p = st_program_new_from_file (flood_path, &error);
  g_assert_null (p);
  g_assert_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "flood.json"));
}

/* The roster import: a row whose name or notes are too long is rejected with
 * the reason, the rows at the limit are imported. */
static void
test_import (void)
{
  g_autoptr(StDb) db = open_db ("import.db");
  g_autoptr(GError) error = NULL;
  g_autofree char *fifty = repeat ("张", 50);
  g_autofree char *fifty_one = repeat ("张", 51);
  g_autofree char *notes = repeat ("备", 21845);   /* 65,535 bytes */
  g_autofree char *csv = g_strdup_printf ("姓名,身份证号码,乡镇（街道）,备注\n"
                                          "%s,522327198503120028,者楼街道,\n"
                                          "%s,52232719920704001X,者楼街道,\n"
                                          "王秀英,522327197801010033,者楼街道,%sx\n"
                                          "黄明,52232719800101003X,者楼街道,%sxy\n",
                                          fifty, fifty_one, notes, notes);
  g_autofree char *path = write_file ("roster.csv", csv, -1);
  g_autoptr(StImportResult) result = st_import_roster (db, path, NULL, NULL, NULL, NULL, &error);
  StImportReject *reject;

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->rows_read, ==, 4);
  g_assert_cmpuint (result->imported, ==, 2);
  g_assert_cmpuint (result->rejected, ==, 2);
  reject = g_ptr_array_index (result->rejects, 0);
  g_assert_cmpuint (reject->line, ==, 3);
  g_assert_cmpstr (reject->reason, ==, "Name is longer than 50 characters (51).");
  reject = g_ptr_array_index (result->rejects, 1);
  g_assert_cmpuint (reject->line, ==, 5);
  g_assert_cmpstr (reject->reason, ==, "Notes is longer than 65536 bytes (65537).");
  g_assert_cmpint (st_test_query_int (db, "SELECT max (length (CAST (notes AS BLOB))) FROM participants"), ==, 65536);
  g_assert_cmpint (st_test_query_int (db, "SELECT max (length (name)) FROM participants"), ==, 50);
}

/* --------------------------------------------------------------------- */
/* The command line                                                       */

typedef struct
{
  int     status;
  GBytes *out;
  char   *err;
} Run;

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->out, g_bytes_unref);
  g_clear_pointer (&r->err, g_free);
}

/* shuangti-cli on @db with the arguments that follow (NULL-terminated);
 * its output as bytes, whatever they are. */
static void
cli (Run        *r,
     const char *db,
     ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) err = NULL;
  const char *arg;
  va_list ap;

  run_clear (r);
  g_ptr_array_add (argv, (gpointer) g_getenv ("ST_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db);
  va_start (ap, db);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (proc, NULL, NULL, &r->out, &err, &error));
  g_assert_no_error (error);
  /* Not killed by a signal (a stack overflow). */
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
  r->err = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
}

/* The output is UTF-8 and JSON. */
static JsonNode *
json_of (Run *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (r->out, &size);

  g_assert_true (g_utf8_validate (data, size, NULL));
  g_assert_true (json_parser_load_from_data (parser, data, size, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* import exits 1 when no row was imported, 0 when some were (with the
 * rejects); the lengths and program add's limits through the command. */
static void
test_cli (void)
{
  g_autofree char *db = st_test_file ("cli.db");
  g_autofree char *fifty_one = repeat ("张", 51);
  g_autofree char *bad_csv = g_strdup_printf ("姓名,身份证号码,乡镇（街道）\n%s,522327198503120028,者楼街道\n", fifty_one);
  g_autofree char *good_csv = g_strdup_printf ("姓名,身份证号码,乡镇（街道）\n%s,522327198503120028,者楼街道\n"
                                               "王秀英,52232719920704001X,者楼街道\n", fifty_one);
  g_autofree char *bad_path = write_file ("bad.csv", bad_csv, -1);
  g_autofree char *good_path = write_file ("good.csv", good_csv, -1);
  g_autofree char *over = program_text (2, ST_PROGRAM_MAX_BYTES + 1);
  g_autofree char *over_path = write_file ("over.json", over, -1);
  g_autofree char *flood = repeat ("[", 100000);
  g_autofree char *flood_path = write_file ("flood.json", flood, -1);
  g_autofree char *deep64 = program_text (64, 0);
  g_autofree char *deep64_path = write_file ("deep64.json", deep64, -1);
  g_autofree char *class_name = repeat ("班", 101);
  Run r = { 0, };

  cli (&r, db, "--json", "import", bad_path, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "No row could be imported"));
  {
    g_autoptr(JsonNode) root = json_of (&r);
    JsonObject *o = json_node_get_object (root);
    JsonObject *reject = json_array_get_object_element (json_object_get_array_member (o, "rejects"), 0);

    g_assert_cmpint (json_object_get_int_member (o, "rejected"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (reject, "reason"), ==, "Name is longer than 50 characters (51).");
  }

  cli (&r, db, "import", good_path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (g_bytes_get_data (r.out, NULL), "row 2: Name is longer than 50 characters (51)."));

  cli (&r, db, "class", "add", "--name", class_name, "--major", "种植", "--township", "者楼街道",
       "--start", "2024-03-01", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "Class name is longer than 100 characters (101)."));

  cli (&r, db, "program", "add", over_path, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "1048577 bytes"));
  cli (&r, db, "program", "add", flood_path, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "deeper than 64 levels"));
  cli (&r, db, "program", "add", deep64_path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
}

/* Bytes that are not UTF-8 — a name written by an older version or another
 * program, a roster's file name in GBK — come out of --json as U+FFFD, and
 * the output stays JSON. */
static void
test_cli_json_utf8 (void)
{
  g_autofree char *db_path = st_test_file ("utf8.db");
  g_autofree char *gbk_name = g_strdup_printf ("%s/\xc3\xfb\xb2\xe1.csv", g_get_user_data_dir ());
  g_autofree char *roster = g_test_build_filename (G_TEST_DIST, "data", "import", "roster.csv", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  Run r = { 0, };

  g_assert_true (g_file_get_contents (roster, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (gbk_name, contents, length, NULL));
  cli (&r, db_path, "--json", "import", gbk_name, NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_autoptr(JsonNode) root = json_of (&r);

    g_assert_true (g_str_has_suffix (json_object_get_string_member (json_node_get_object (root), "file"),
                                     "/\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.csv"));
  }

  {
    g_autoptr(StDb) db = st_db_open (db_path, NULL);

    /* 王 then two bytes that are no character. */
    g_assert_true (st_db_exec (db, "UPDATE participants SET name = CAST (x'e78e8bfffe' AS TEXT), hlc = hlc + 1"
                                   " WHERE id_number = '522327198503120028'", NULL));
  }
  cli (&r, db_path, "--json", "participants", NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_autoptr(JsonNode) root = json_of (&r);
    JsonArray *list = json_node_get_array (root);
    gboolean found = FALSE;

    for (guint i = 0; i < json_array_get_length (list); i++)
      found |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (list, i), "name"),
                          "王\xef\xbf\xbd\xef\xbf\xbd") == 0;
    g_assert_true (found);
  }
  cli (&r, db_path, "--json", "participant", "show", "522327198503120028", NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_autoptr(JsonNode) root = json_of (&r);

    g_assert_nonnull (root);
  }
  run_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/limits/table", test_table);
  g_test_add_func ("/core/limits/participant", test_participant);
  g_test_add_func ("/core/limits/records", test_records);
  g_test_add_func ("/core/limits/json-guard", test_json_guard);
  g_test_add_func ("/core/limits/program", test_program);
  g_test_add_func ("/core/limits/import", test_import);
  g_test_add_func ("/core/limits/cli", test_cli);
  g_test_add_func ("/core/limits/cli-json-utf8", test_cli_json_utf8);
  return g_test_run ();
}
