/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A roster import killed with SIGKILL at any point leaves the database
 * exactly as it was. The real shuangti-cli is started and stopped at a named
 * failpoint, then killed. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>

#include <json-glib/json-glib.h>

#include "st-demo.h"
#include "st-db.h"
#include "test-util.h"


typedef struct
{
  gint64  participants;
  gint64  outbox;
  gint64  audit;
  char   *digest;
} Snapshot;

static void
snapshot_clear (Snapshot *s)
{
  g_free (s->digest);
}

static void
take_snapshot (const char *path, Snapshot *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (path, &error);
  sqlite3_stmt *stmt;

  g_assert_no_error (error);

  stmt = st_db_prepare (db, "PRAGMA integrity_check", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_reset (stmt);

  /* The import suspends the insert trigger inside its transaction; a kill
   * must bring it back with the rollback. */
  stmt = st_db_prepare (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                            " AND name = 'participants_capture_insert'", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_reset (stmt);

  stmt = st_db_prepare (db,
                        "SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM outbox),"
                        " (SELECT count(*) FROM audit_log),"
                        " (SELECT group_concat (id || id_number || name || coalesce (phone, ''), '|')"
                        "  FROM (SELECT * FROM participants ORDER BY id))",
                        NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  s->participants = sqlite3_column_int64 (stmt, 0);
  s->outbox = sqlite3_column_int64 (stmt, 1);
  s->audit = sqlite3_column_int64 (stmt, 2);
  s->digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                             (const char *) sqlite3_column_text (stmt, 3), -1);
  sqlite3_reset (stmt);
}

static char *
prepare (const char *name, char **roster)
{
  g_autofree char *db_path = st_test_file (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (db_path, &error);

  g_assert_no_error (error);
  /* Some people are there before; the roster overlaps with none of them. */
  g_assert_true (st_demo_populate (db, 300, 11, &error));
  g_assert_no_error (error);

  *roster = st_test_file ("kill-roster.csv");
  if (!g_file_test (*roster, G_FILE_TEST_EXISTS))
    g_assert_true (st_demo_write_roster (*roster, 20000, 12, ST_CSV_ENCODING_UTF8_BOM, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&db_path);
}

/* Starts an import that stops at @failpoint, waits until it is there, and
 * kills it. */
static void
import_and_kill (const char *db_path, const char *roster, const char *failpoint)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *expected = NULL;
  const char *colon = strchr (failpoint, ':');

  g_subprocess_launcher_setenv (launcher, "ST_FAILPOINT", failpoint, TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("ST_CLI"), "--db", db_path,
                                      "import", roster, NULL);
  g_assert_no_error (error);

  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("failpoint %.*s reached",
                              colon ? (int) (colon - failpoint) : (int) strlen (failpoint), failpoint);
  g_assert_cmpstr (line, ==, expected);

  g_subprocess_send_signal (proc, SIGKILL);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_true (g_subprocess_get_if_signaled (proc));
  g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
}

static void
check_kill_at (const char *failpoint)
{
  g_autofree char *roster = NULL;
  g_autofree char *db_path = prepare ("kill.db", &roster);
  Snapshot before = { 0, }, after = { 0, };

  take_snapshot (db_path, &before);
  g_assert_cmpint (before.participants, ==, 300);

  import_and_kill (db_path, roster, failpoint);

  take_snapshot (db_path, &after);
  g_assert_cmpint (after.participants, ==, before.participants);
  g_assert_cmpint (after.outbox, ==, before.outbox);
  g_assert_cmpint (after.audit, ==, before.audit);
  g_assert_cmpstr (after.digest, ==, before.digest);

  snapshot_clear (&before);
  snapshot_clear (&after);
  g_assert_cmpint (g_unlink (db_path), ==, 0);
}

static void
test_kill_midway (void)
{
  check_kill_at ("import-row:10000");
}

static void
test_kill_before_commit (void)
{
  check_kill_at ("import-commit");
}

/* The same import, not killed, does change the database: the checks above
 * can tell. */
static void
test_unkilled_import_lands (void)
{
  g_autofree char *roster = NULL;
  g_autofree char *db_path = prepare ("nokill.db", &roster);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Snapshot after = { 0, };

  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *summary;
  gint64 imported, updated;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                           g_getenv ("ST_CLI"), "--db", db_path, "--json", "import", roster, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  summary = json_node_get_object (json_parser_get_root (parser));
  imported = json_object_get_int_member (summary, "imported");
  updated = json_object_get_int_member (summary, "updated");
  g_assert_cmpint (imported + updated, ==, 20000);
  g_assert_cmpint (imported, >, 19900);

  take_snapshot (db_path, &after);
  g_assert_cmpint (after.participants, ==, 300 + imported);
  snapshot_clear (&after);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/import/kill/midway", test_kill_midway);
  g_test_add_func ("/core/import/kill/before-commit", test_kill_before_commit);
  g_test_add_func ("/core/import/kill/control", test_unkilled_import_lands);

  return g_test_run ();
}
