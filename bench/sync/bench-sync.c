/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sync engine against a real shuangti-server on 127.0.0.1 (issues 6
 * and 16):
 *   - a laptop's push of 100,000 new participants (target ≤ 5 s);
 *   - initial sync of 100,000 participants alone (target ≤ 10 s), and of
 *     100,000 participants + 1,000,000 attendance rows (target ≤ 10 s);
 *   - push + pull of 1,000 changes (target ≤ 0.5 s), median of 5;
 *   - a sync with nothing to do (target: one round trip, ≤ 2 KB, ≤ 50 ms),
 *     median of 20.
 *
 *   bench-sync [--participants N] [--sessions N] [--keep DIR] SERVER-BINARY
 *   bench-sync --from DIR [--rounds N] SERVER-BINARY
 *   bench-sync --push-only [--participants N] SERVER-BINARY
 *
 * --keep leaves the county's server database in DIR; --from starts the
 * server on it and measures only the initial sync of everything, @rounds
 * times on fresh laptops (the median is printed): the setup takes minutes,
 * this measurement half a minute. --push-only measures only the first push.
 *
 * Each figure comes with the CPU time it took — of the laptop's process,
 * of its syncing thread and of the server —, which varies much less than
 * wall time on a machine shared with other work.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "st-demo.h"
#include "st-sync.h"
#include "st-test-server.h"

static int n_participants = 100000;
static int n_sessions = 10;      /* attended by everyone: participants × sessions rows */
static char *keep_dir = NULL;
static char *from_dir = NULL;
static int n_rounds = 3;
static gboolean push_only = FALSE;
static gboolean participants_only = FALSE;

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_double);
  return g_array_index (values, double, values->len / 2);
}

static StDb *
laptop (const char   *dir,
        const char   *name,
        StTestServer *server,
        char        **token)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  StDb *db = st_db_open (path, &error);
  g_autoptr(StSyncAccount) account = NULL;

  g_assert_no_error (error);
  account = st_sync_sign_in (db, server->url, "county", ST_TEST_PASSWORD, NULL, &error);
  g_assert_no_error (error);
  *token = g_strdup (account->token);
  return db;
}

/* CPU time of the calling thread: on a machine shared with other work,
 * wall time varies from run to run, this much less. */
static double
thread_cpu (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double
process_cpu (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* The server's CPU time so far, from /proc. */
static StTestServer *the_server;

static double
server_cpu (void)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (the_server == NULL)
    return 0;
  path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (the_server->process));
  if (!g_file_get_contents (path, &text, NULL, NULL) || (end = strrchr (text, ')')) == NULL)
    return 0;
  /* After "pid (comm)": state is field 3; utime and stime are 14 and 15. */
  fields = g_strsplit (end + 2, " ", 16);
  if (g_strv_length (fields) < 14)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

/* Of the last timed_sync (): CPU time of the syncing thread, of the whole
 * laptop process (with the thread that fetches pages) and of the server. */
static double last_cpu, last_laptop_cpu, last_server_cpu;

static const char *
cpu_text (void)
{
  static char text[128];

  g_snprintf (text, sizeof text, "laptop %.2f s (its syncing thread %.2f s), server %.2f s",
              last_laptop_cpu, last_cpu, last_server_cpu);
  return text;
}

static double
timed_sync (StDb        *db,
            const char  *token,
            StSyncStats *stats)
{
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  double cpu0 = thread_cpu (), laptop0 = process_cpu (), server0 = server_cpu ();

  st_sync_run (db, token, NULL, stats, NULL, &error);
  g_assert_no_error (error);
  last_cpu = thread_cpu () - cpu0;
  last_laptop_cpu = process_cpu () - laptop0;
  last_server_cpu = server_cpu () - server0;
  return (g_get_monotonic_time () - t0) / 1e6;
}

/* One class per township with @n_sessions sessions, everyone of the
 * township attending each: written with bulk capture, as an import would. */
static void
add_attendance (StDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sessions = g_strdup_printf (
    "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < %d)"
    " INSERT INTO sessions (id, hlc, device, class_id, township_code, date, minutes, mode, subject)"
    " SELECT st_uuid (), st_hlc (), st_device (), c.id, c.township_code, printf ('2026-10-%%02d', k), 120, 'concentrated', 'skill'"
    " FROM classes c, n", n_sessions);

  g_assert_true (st_db_begin (db, &error));
  g_assert_true (st_db_exec (db,
                             "INSERT INTO classes (id, hlc, device, name, program_id, township_code, start_date)"
                             " SELECT st_uuid (), st_hlc (), st_device (), township_code || ' 班', 'secondary-vocational',"
                             "        township_code, '2026-09-01'"
                             " FROM participants GROUP BY township_code", &error));
  g_assert_true (st_db_exec (db, sessions, &error));
  g_assert_true (st_db_bulk_begin (db, "attendance", &error));
  g_assert_true (st_db_exec (db,
                             "INSERT INTO attendance (id, hlc, device, session_id, participant_id, township_code, status, minutes)"
                             " SELECT st_uuid (), st_hlc (), st_device (), s.id, p.id, p.township_code, 'present', 120"
                             " FROM participants p JOIN sessions s ON s.township_code = p.township_code", &error));
  g_assert_true (st_db_bulk_end (db, &error));
  g_assert_true (st_db_commit (db, &error));
  g_assert_no_error (error);
}

/* Only the initial sync of everything, on a county server kept by --keep. */
static int
initial_sync_only (void)
{
  g_autofree char *server_db = g_build_filename (from_dir, "server.db", NULL);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  StTestServer *server = st_test_server_start (server_db, NULL);
  StSyncStats stats = { 0 };

  the_server = server;

  for (int round = 0; round < n_rounds; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("bench-sync-XXXXXX", &error);
      g_autofree char *token = NULL;
      StDb *db;
      double t;

      g_assert_no_error (error);
      db = laptop (dir, "b.db", server, &token);
      t = timed_sync (db, token, &stats);
      g_print ("initial sync, %" G_GINT64_FORMAT " rows: %.2f s (%.0f rows/s, %u requests, %.1f MB received)\n"
               "  CPU: %s\n", stats.pulled, t, stats.pulled / t, stats.requests, stats.bytes_received / 1e6, cpu_text ());
      g_array_append_val (times, t);
      g_object_unref (db);
      st_test_remove_dir (dir);
    }
  g_print ("initial sync of everything: median %.2f s (%d rounds) — target ≤ 10 s\n", median (times), n_rounds);
  st_test_server_stop (server);
  st_test_server_free (server);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  GOptionEntry entries[] = {
    { "participants", 0, 0, G_OPTION_ARG_INT, &n_participants, "Participants (default 100000)", "N" },
    { "sessions", 0, 0, G_OPTION_ARG_INT, &n_sessions, "Sessions everyone attends (default 10)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep_dir, "Keep the server database in DIR", "DIR" },
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from_dir, "Only the initial sync, from the server database kept in DIR", "DIR" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &n_rounds, "Rounds of --from (default 3)", "N" },
    { "push-only", 0, 0, G_OPTION_ARG_NONE, &push_only, "Only the first push of the participants", NULL },
    { "participants-only", 0, 0, G_OPTION_ARG_NONE, &participants_only,
      "Only the push and the initial sync of the participants", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("SERVER-BINARY");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *server_db = NULL;
  g_autofree char *token_a = NULL;
  g_autofree char *token_b = NULL;
  g_autofree char *token_c = NULL;
  g_autoptr(StDb) a = NULL;
  g_autoptr(StDb) b = NULL;
  g_autoptr(StDb) c = NULL;
  StTestServer *server;
  StSyncStats stats = { 0 };
  gint64 t0;
  double push_s, pull_s;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("usage: bench-sync [--participants N] [--sessions N] [--keep DIR] SERVER-BINARY\n"
                  "       bench-sync --from DIR [--rounds N] SERVER-BINARY\n");
      return 2;
    }
  st_test_set_server_binary (argv[1]);
  if (from_dir != NULL)
    return initial_sync_only ();

  dir = g_dir_make_tmp ("bench-sync-XXXXXX", &error);
  g_assert_no_error (error);
  server_db = g_build_filename (dir, "server.db", NULL);
  st_test_add_user (server_db, "county", "county", NULL);
  server = st_test_server_start (server_db, NULL);
  the_server = server;

  /* Laptop A registers the county. */
  a = laptop (dir, "a.db", server, &token_a);
  t0 = g_get_monotonic_time ();
  g_assert_true (st_demo_populate (a, n_participants, 2026, &error));
  g_assert_no_error (error);
  g_print ("setup: %d participants on laptop A in %.1f s\n", n_participants, (g_get_monotonic_time () - t0) / 1e6);
  push_s = timed_sync (a, token_a, &stats);
  g_print ("push of %" G_GINT64_FORMAT " participants (A): %.2f s, %.0f changes/s, %u requests, %.1f MB sent"
           " — target ≤ 5 s\n  CPU: %s\n",
           stats.pushed, push_s, stats.pushed / push_s, stats.requests, stats.bytes_sent / 1e6, cpu_text ());

  if (push_only)
    {
      st_test_server_stop (server);
      st_test_server_free (server);
      g_clear_object (&a);
      st_test_remove_dir (dir);
      return 0;
    }

  /* Laptop C: initial sync of the participants alone. */
  c = laptop (dir, "c.db", server, &token_c);
  pull_s = timed_sync (c, token_c, &stats);
  g_print ("initial sync, %" G_GINT64_FORMAT " participants alone: %.2f s (%.0f rows/s, %u requests, %.1f MB received)"
           " — target ≤ 10 s\n  CPU: %s\n", stats.pulled, pull_s, stats.pulled / pull_s, stats.requests,
           stats.bytes_received / 1e6, cpu_text ());

  if (participants_only)
    {
      st_test_server_stop (server);
      st_test_server_free (server);
      g_clear_object (&a);
      g_clear_object (&c);
      st_test_remove_dir (dir);
      return 0;
    }

  /* A adds the attendance of the classes. */
  t0 = g_get_monotonic_time ();
  add_attendance (a);
  g_print ("setup: %" G_GINT64_FORMAT " attendance rows on laptop A in %.1f s\n",
           st_db_count_live (a, "attendance"), (g_get_monotonic_time () - t0) / 1e6);
  push_s = timed_sync (a, token_a, &stats);
  g_print ("push of %" G_GINT64_FORMAT " changes (A): %.2f s, %.0f changes/s\n  CPU: %s\n", stats.pushed, push_s,
           stats.pushed / push_s, cpu_text ());

  /* Laptop B: initial sync of everything. */
  b = laptop (dir, "b.db", server, &token_b);
  pull_s = timed_sync (b, token_b, &stats);
  g_print ("initial sync, %" G_GINT64_FORMAT " rows (participants + attendance): %.2f s (%.0f rows/s, %u requests,"
           " %.1f MB received) — target ≤ 10 s\n  CPU: %s\n",
           stats.pulled, pull_s, stats.pulled / pull_s, stats.requests, stats.bytes_received / 1e6, cpu_text ());

  /* Push + pull of 1,000 changes: A edits, A syncs, B syncs. */
  {
    g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

    for (int round = 0; round < 5; round++)
      {
        g_autofree char *sql = g_strdup_printf ("UPDATE participants SET phone = '139%08d', hlc = st_hlc (), device = st_device ()"
                                                " WHERE rowid IN (SELECT rowid FROM participants ORDER BY rowid LIMIT 1000 OFFSET %d)",
                                                round, round * 1000);
        StSyncStats pushed = { 0 }, pulled = { 0 };
        double t;

        g_assert_true (st_db_exec (a, sql, &error));
        t = timed_sync (a, token_a, &pushed) + timed_sync (b, token_b, &pulled);
        g_assert_cmpint (pushed.pushed, ==, 1000);
        g_assert_cmpint (pulled.pulled, ==, 1000);
        g_array_append_val (times, t);
      }
    g_print ("push + pull of 1,000 changes: median %.3f s (5 rounds) — target ≤ 0.5 s\n", median (times));
  }

  /* A sync with nothing to do. */
  {
    g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

    for (int round = 0; round < 20; round++)
      {
        double t = timed_sync (b, token_b, &stats);

        g_assert_cmpint (stats.pulled, ==, 0);
        g_array_append_val (times, t);
      }
    g_print ("a sync with nothing to do: %u round trip, %" G_GINT64_FORMAT " bytes, median %.1f ms (20 runs)"
             " — target 1 round trip, ≤ 2 KB, ≤ 50 ms\n",
             stats.requests, stats.bytes_sent + stats.bytes_received, median (times) * 1000);
  }

  /* Nothing lost on the way. */
  g_assert_cmpint (st_db_count_live (b, "participants"), ==, st_db_count_live (a, "participants"));
  g_assert_cmpint (st_db_count_live (b, "attendance"), ==, st_db_count_live (a, "attendance"));

  st_test_server_stop (server);
  st_test_server_free (server);
  g_clear_object (&a);
  g_clear_object (&b);
  g_clear_object (&c);
  if (keep_dir != NULL)
    {
      g_autofree char *kept = g_build_filename (keep_dir, "server.db", NULL);

      g_mkdir_with_parents (keep_dir, 0700);
      g_assert_cmpint (g_rename (server_db, kept), ==, 0);
      g_print ("the server database is kept in %s\n", kept);
    }
  st_test_remove_dir (dir);
  return 0;
}
