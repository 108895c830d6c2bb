/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A database damaged on purpose (issue 14, "errors are never answers"):
 * pages of one table's b-tree overwritten, as a failing disk or a copy cut
 * short does. Whatever reads them must say the database is damaged, never
 * answer with what it could read (hours short that are not, a report or an
 * export with the built-in rules instead of the county's, a short list). */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "st-certificate.h"
#include "st-demo.h"
#include "st-eligibility.h"
#include "st-export.h"
#include "st-participant.h"
#include "st-participant-query.h"
#include "st-program.h"
#include "st-report.h"
#include "st-sync.h"
#include "st-uuid.h"
#include "test-util.h"

/* A demo county made once, copied for each test. */
static char *template_dir;
static char *template_path;

typedef struct
{
  char *path;
} Fixture;

/* The county renamed its programs: a report or an export that fell back to
 * the built-in rules would show the built-in names. */
static void
customise_programs (StDb *db)
{
  const GPtrArray *builtin = st_programs_builtin ();

  for (guint i = 0; i < builtin->len; i++)
    {
      const StProgram *p = g_ptr_array_index (builtin, i);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(StProgram) custom = NULL;
      g_autofree char *name = g_strdup_printf ("%s（县定）", p->name);
      g_autofree char *json = NULL;

      g_assert_true (json_parser_load_from_data (parser, p->json, -1, &error));
      g_assert_no_error (error);
      json_object_set_string_member (json_node_get_object (json_parser_get_root (parser)), "name", name);
      json_generator_set_root (gen, json_parser_get_root (parser));
      json = json_generator_to_data (gen, NULL);
      custom = st_program_new_from_data (json, -1, p->code, &error);
      g_assert_no_error (error);
      g_assert_true (st_program_save (db, custom, &error));
      g_assert_no_error (error);
    }
}

static void
make_template (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  StDemoTrainingOptions options = { 0, };

  template_dir = g_dir_make_tmp ("st-damage-XXXXXX", &error);
  g_assert_no_error (error);
  template_path = g_build_filename (template_dir, "template.db", NULL);
  db = st_db_open (template_path, &error);
  g_assert_no_error (error);
  g_assert_true (st_demo_populate (db, 300, 14, &error));
  g_assert_no_error (error);
  options.enrol_all = TRUE;
  options.approve = TRUE;
  g_assert_true (st_demo_populate_training (db, 14, &options, &error));
  g_assert_no_error (error);
  /* Graduates for the household export, whatever the demo approved. */
  if (st_test_query_int (db, "SELECT count (*) FROM certificates WHERE kind = 'graduation'") == 0)
    {
      g_autoptr(GPtrArray) all = st_eligibility_evaluate (db, NULL, &error);
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();
      g_autoptr(GPtrArray) issued = NULL;

      g_assert_no_error (error);
      for (guint i = 0; i < all->len; i++)
        {
          StEligibility *e = g_ptr_array_index (all, i);

          if (e->outcome == ST_OUTCOME_ELIGIBLE)
            g_ptr_array_add (ids, e->enrolment_id);
        }
      g_assert_cmpuint (ids->len, >, 0);
      g_ptr_array_add (ids, NULL);
      issued = st_certificates_approve (db, (const char *const *) ids->pdata, NULL, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpint (st_test_query_int (db, "SELECT count (*) FROM certificates WHERE kind = 'graduation'"), >, 0);
  /* …and among them a diploma's, which the household export holds (a
   * training's certificate changes no education level). Who the demo
   * makes eligible today varies with its random ids; when no diploma
   * graduate came of it, one diploma enrolment gets its certificate
   * here: this test is about damaged tables, not the rules. */
  {
    g_autofree char *probe = g_build_filename (template_dir, "probe.csv", NULL);
    int exported = st_export_household_registration (db, probe, ST_CSV_ENCODING_UTF8, NULL, &error);

    g_assert_no_error (error);
    g_unlink (probe);
    if (exported == 0)
      {
        g_autoptr(GPtrArray) programs = st_program_list (db, &error);
        g_autoptr(GString) codes = g_string_new (NULL);
        g_autofree char *sql = NULL;
        g_autofree char *id = st_uuid_new ();

        g_assert_no_error (error);
        for (guint i = 0; i < programs->len; i++)
          {
            StProgram *p = g_ptr_array_index (programs, i);

            if (p->kind == ST_PROGRAM_DIPLOMA && p->graduate_education_level != NULL)
              g_string_append_printf (codes, "%s'%s'", codes->len ? ", " : "", p->code);
          }
        g_assert_cmpuint (codes->len, >, 0);
        sql = g_strdup_printf ("INSERT INTO certificates (id, hlc, device, enrolment_id, township_code, kind, number, issued_on)"
                               " SELECT '%s', st_hlc (), st_device (), e.id, c.township_code, 'graduation', 'T0001',"
                               "        date ('now')"
                               " FROM enrolments e JOIN classes c ON c.id = e.class_id"
                               " WHERE e.deleted = 0 AND c.program_id IN (%s)"
                               "   AND e.id NOT IN (SELECT enrolment_id FROM certificates)"
                               " ORDER BY e.id LIMIT 1", id, codes->str);
        g_assert_true (st_db_exec (db, sql, &error));
        g_assert_no_error (error);
        exported = st_export_household_registration (db, probe, ST_CSV_ENCODING_UTF8, NULL, &error);
        g_assert_no_error (error);
        g_unlink (probe);
      }
    g_assert_cmpint (exported, >, 0);
  }
  g_assert_true (st_db_begin (db, &error));
  customise_programs (db);
  g_assert_true (st_db_commit (db, &error));
  g_assert_no_error (error);
  /* Everything into the main file: the copies are made with plain I/O. */
  g_assert_true (st_db_exec (db, "PRAGMA wal_checkpoint (TRUNCATE)", &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) from = g_file_new_for_path (template_path);
  g_autoptr(GFile) to = NULL;

  f->path = st_test_file ("damaged.db");
  to = g_file_new_for_path (f->path);
  g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);

  g_unlink (f->path);
  g_unlink (wal);
  g_unlink (shm);
  g_free (f->path);
}

static StDb *
open_damaged (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  StDb *db = st_db_open (f->path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

static void
cli (Run        *r,
     const char *db_path,
     ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) g_getenv ("ST_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db_path);
  va_start (ap, db_path);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
}

/* The command fails with the message that says what to do. */
static void
assert_cli_damaged (Run *r)
{
  g_test_message ("exit %d; stdout: %s; stderr: %s", r->status, r->out, r->err);
  g_assert_cmpint (r->status, !=, 0);
  g_assert_nonnull (strstr (r->err, "is damaged"));
  g_assert_nonnull (strstr (r->err, "Restore it from a backup"));
}

/* The bug of the issue: damaged study-log pages, and eligibility reported
 * self-study hours short for people who have them. */
static void
test_eligibility (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(StEligibility) one = NULL;
  g_autofree char *enrolment_id = NULL;
  g_autoptr(StDb) db = open_damaged (f);

  before = st_eligibility_evaluate (db, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before->len, >, 0);
  enrolment_id = g_strdup (((StEligibility *) g_ptr_array_index (before, before->len / 2))->enrolment_id);
  g_clear_object (&db);

  g_assert_cmpuint (st_test_damage_table (f->path, "study_logs"), >, 0);
  db = open_damaged (f);
  after = st_eligibility_evaluate (db, NULL, &error);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
  g_assert_null (after);
  g_clear_error (&error);

  one = st_eligibility_evaluate_one (db, enrolment_id, NULL, &error);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
  g_assert_null (one);
}

static void
test_eligibility_cli (Fixture       *f,
                      gconstpointer  data)
{
  Run r = { 0, };

  st_test_damage_table (f->path, "study_logs");
  cli (&r, f->path, "eligibility", NULL);
  assert_cli_damaged (&r);
  g_assert_null (strstr (r.out, "short"));
  run_clear (&r);

  cli (&r, f->path, "--json", "eligibility", NULL);
  assert_cli_damaged (&r);
  run_clear (&r);
}

static void
this_quarter (StQuarter *q)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  q->year = g_date_time_get_year (now);
  q->quarter = (g_date_time_get_month (now) - 1) / 3 + 1;
}

/* The county's programs damaged: the report must not fall back to the
 * built-in rules. */
static void
test_report (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  StReport *report;
  StQuarter q;
  g_autofree char *quarter = NULL;
  Run r = { 0, };

  this_quarter (&q);
  quarter = g_strdup_printf ("%dQ%d", q.year, q.quarter);
  db = open_damaged (f);
  report = st_report_quarterly (db, &q, NULL, &error);
  g_assert_no_error (error);
  st_report_free (report);
  g_clear_object (&db);

  st_test_damage_table (f->path, "programs");
  db = open_damaged (f);
  report = st_report_quarterly (db, &q, NULL, &error);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
  g_assert_null (report);
  g_clear_object (&db);

  cli (&r, f->path, "report", "quarterly", "--quarter", quarter, NULL);
  assert_cli_damaged (&r);
  run_clear (&r);
}

/* Damaged attendance pages: the report's figures would be short. */
static void
test_report_attendance (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  StReport *report;
  StQuarter q;

  this_quarter (&q);
  st_test_damage_table (f->path, "attendance");
  db = open_damaged (f);
  report = st_report_quarterly (db, &q, NULL, &error);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
  g_assert_null (report);
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  g_autofree char *out = st_test_file ("enrolments.csv");
  g_autofree char *household = st_test_file ("household.csv");
  g_autofree char *contents = NULL;
  Run r = { 0, };
  int n;

  /* Undamaged, the export names the county's programs. */
  db = open_damaged (f);
  n = st_export_enrolments (db, out, ST_CSV_ENCODING_UTF8, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "（县定）"));
  g_unlink (out);
  n = st_export_household_registration (db, household, ST_CSV_ENCODING_UTF8, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
  g_unlink (household);
  g_clear_object (&db);

  st_test_damage_table (f->path, "programs");
  db = open_damaged (f);
  n = st_export_enrolments (db, out, ST_CSV_ENCODING_UTF8, NULL, &error);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
  g_assert_cmpint (n, <, 0);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  n = st_export_household_registration (db, household, ST_CSV_ENCODING_UTF8, NULL, &error);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
  g_assert_cmpint (n, <, 0);
  g_assert_false (g_file_test (household, G_FILE_TEST_EXISTS));
  g_clear_object (&db);

  cli (&r, f->path, "export", "enrolments", "--output", out, NULL);
  assert_cli_damaged (&r);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  run_clear (&r);
}

/* Damaged enrolment pages: the export would leave people out. */
static void
test_export_enrolments_table (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  g_autofree char *out = st_test_file ("enrolments.csv");
  int n;

  st_test_damage_table (f->path, "enrolments");
  db = open_damaged (f);
  n = st_export_enrolments (db, out, ST_CSV_ENCODING_UTF8, NULL, &error);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
  g_assert_cmpint (n, <, 0);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* The participant list and its search: an error, not a short list. */
static void
test_participants (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  g_autoptr(GArray) rowids = NULL;
  g_autoptr(GPtrArray) list = NULL;
  StParticipantQuery query = { 0, };
  Run r = { 0, };

  st_test_damage_table (f->path, "participants");
  db = open_damaged (f);

  rowids = st_participant_query_list (db, &query, &error);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
  g_assert_null (rowids);
  g_clear_error (&error);

  list = st_participant_list (db, NULL, &error);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
  g_assert_null (list);
  g_clear_error (&error);

  g_assert_cmpint (st_participant_query_count (db, &error), ==, -1);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
  g_clear_error (&error);
  g_clear_object (&db);

  cli (&r, f->path, "participants", NULL);
  assert_cli_damaged (&r);
  run_clear (&r);
  cli (&r, f->path, "init", NULL);
  assert_cli_damaged (&r);
  run_clear (&r);
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  g_autoptr(StParticipantMatches) matches = NULL;

  st_test_damage_table (f->path, "participant_search_keys");
  db = open_damaged (f);
  /* Every name starts with one of a few hundred surnames: "王" reads
   * many pages of the index. */
  matches = st_participant_query_match (db, "王", &error);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
  g_assert_null (matches);
}

/* A county server that answers /api/v1/pull with one page, in a thread of
 * its own. */
typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  char         *page;
  char         *url;
  GMutex        lock;
  GCond         ready;
} FakeServer;

static void
pull_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  FakeServer *fs = user_data;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, fs->page, strlen (fs->page));
}

static gpointer
fake_server_run (gpointer data)
{
  FakeServer *fs = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (fs->context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, "/api/v1/pull", pull_handler, fs, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_mutex_lock (&fs->lock);
  fs->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_cond_signal (&fs->ready);
  g_mutex_unlock (&fs->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (fs->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (fs->context);
  return NULL;
}

static void
fake_server_start (FakeServer *fs,
                   const char *page)
{
  fs->context = g_main_context_new ();
  fs->loop = g_main_loop_new (fs->context, FALSE);
  fs->page = g_strdup (page);
  g_mutex_init (&fs->lock);
  g_cond_init (&fs->ready);
  g_mutex_lock (&fs->lock);
  fs->thread = g_thread_new ("fake-server", fake_server_run, fs);
  while (fs->url == NULL)
    g_cond_wait (&fs->ready, &fs->lock);
  g_mutex_unlock (&fs->lock);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
fake_server_stop (FakeServer *fs)
{
  g_main_context_invoke (fs->context, quit_loop, fs->loop);
  g_thread_join (fs->thread);
  g_main_loop_unref (fs->loop);
  g_main_context_unref (fs->context);
  g_mutex_clear (&fs->lock);
  g_cond_clear (&fs->ready);
  g_free (fs->page);
  g_free (fs->url);
}

/* A page pulled from the server, applied to a database whose participants
 * are damaged: an error, and nothing of the page kept (the cursor stays,
 * so the next sync fetches the page again). */
static void
test_apply_page (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = open_damaged (f);
  g_autofree char *row = NULL;
  g_autofree char *fields = NULL;
  g_autofree char *page = NULL;
  g_autofree char *cursor = NULL;
  StSyncOptions options = { .attempts = 1 };
  FakeServer fs = { 0, };
  sqlite3_stmt *stmt;
  gint64 hlc;
  gboolean ok;

  /* The participant stored last (in the last pages of the table and of
   * its key's index), sent back by the server with a newer clock. */
  stmt = st_db_prepare (db, "SELECT p.id, a.new, p.hlc FROM participants p JOIN audit_log a"
                            " ON a.tbl = 'participants' AND a.row_id = p.id AND a.op = 'insert'"
                            " ORDER BY p.rowid DESC LIMIT 1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  row = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  fields = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  hlc = sqlite3_column_int64 (stmt, 2) + 1000;
  sqlite3_reset (stmt);
  g_assert_true (st_db_exec (db, "DELETE FROM outbox", &error));
  g_assert_true (st_db_set_meta (db, "sync.cursor", "c0", &error));
  g_assert_no_error (error);
  g_clear_object (&db);

  st_test_damage_table (f->path, "participants");
  page = g_strdup_printf ("{\"changes\":[{\"seq\":1,\"table\":\"participants\",\"row\":\"%s\","
                          "\"hlc\":%" G_GINT64_FORMAT ",\"device\":\"server\",\"deleted\":false,\"fields\":%s}],"
                          "\"cursor\":\"c1\",\"more\":false}",
                          row, hlc, fields);
  fake_server_start (&fs, page);
  db = open_damaged (f);
  g_assert_true (st_db_set_meta (db, "sync.server", fs.url, &error));
  g_assert_no_error (error);
  ok = st_sync_run (db, "0123456789abcdef0123456789abcdef", &options, NULL, NULL, &error);
  fake_server_stop (&fs);
  g_test_message ("%s", error ? error->message : "no error");
  g_assert_false (ok);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);

  cursor = st_db_get_meta (db, "sync.cursor");
  g_assert_cmpstr (cursor, ==, "c0");
}

int
main (int    argc,
      char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  /* The sync client on 127.0.0.1: no system proxy settings to read. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  make_template ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/core/damage/eligibility", test_eligibility);
  ADD ("/core/damage/eligibility-cli", test_eligibility_cli);
  ADD ("/core/damage/report-programs", test_report);
  ADD ("/core/damage/report-attendance", test_report_attendance);
  ADD ("/core/damage/export-programs", test_export);
  ADD ("/core/damage/export-enrolments", test_export_enrolments_table);
  ADD ("/core/damage/participants", test_participants);
  ADD ("/core/damage/search", test_search);
  ADD ("/core/damage/apply-page", test_apply_page);
#undef ADD

  status = g_test_run ();
  {
    g_autofree char *wal = g_strconcat (template_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (template_path, "-shm", NULL);

    g_unlink (template_path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (template_dir);
  }
  g_free (template_path);
  g_free (template_dir);
  return status;
}
