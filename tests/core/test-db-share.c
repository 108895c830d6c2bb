/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two programs on one database, as the README says they may be used: a
 * process with several connections (the app: the window's and one per
 * worker) keeps writing while shuangti-cli reads and writes the same file;
 * then the first process is killed. Every write it committed is in the
 * file, because nothing but SQLite opened or closed the file in either
 * process (a close () of our own dropped the locks of the other
 * connections, and the CLI, believing itself alone, deleted the WAL the
 * app went on writing into). */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "st-db.h"

/* The writer: reads commands from stdin, one a line, and answers each on
 * stdout once it is done (for a write: committed).
 *   open      one more connection (as a worker of the app does)
 *   write N   sets meta key t.N on connection N modulo the connections */
static int
run_writer (const char *path)
{
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
  char line[256];

  while (fgets (line, sizeof line, stdin) != NULL)
    {
      g_autoptr(GError) error = NULL;
      unsigned n;

      if (g_str_has_prefix (line, "open"))
        {
          StDb *db = st_db_open (path, &error);

          if (db == NULL)
            {
              printf ("error %s\n", error->message);
              return 1;
            }
          g_ptr_array_add (connections, db);
          printf ("opened %u\n", connections->len);
        }
      else if (sscanf (line, "write %u", &n) == 1 && connections->len > 0)
        {
          StDb *db = g_ptr_array_index (connections, n % connections->len);
          g_autofree char *key = g_strdup_printf ("t.%u", n);

          if (!st_db_set_meta (db, key, "committed", &error))
            {
              printf ("error %s\n", error->message);
              return 1;
            }
          printf ("written %u\n", n);
        }
      fflush (stdout);
    }
  return 0;
}

typedef struct
{
  GPid     pid;
  FILE    *to;
  FILE    *from;
} Writer;

static void
writer_start (Writer     *w,
              const char *path)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_test_get_filename (G_TEST_BUILT, "test-db-share", NULL), "--writer", path, NULL };
  int in, out;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &w->pid, &in, &out, NULL, &error);
  g_assert_no_error (error);
  w->to = fdopen (in, "w");
  w->from = fdopen (out, "r");
}

/* Sends @command and returns the answer line. */
static char *
writer_say (Writer     *w,
            const char *command)
{
  char line[1024];

  fprintf (w->to, "%s\n", command);
  fflush (w->to);
  g_assert_nonnull (fgets (line, sizeof line, w->from));
  g_assert_false (g_str_has_prefix (line, "error"));
  return g_strchomp (g_strdup (line));
}

static void
writer_kill (Writer *w)
{
  int status;

  kill (w->pid, SIGKILL);
  g_assert_cmpint (waitpid (w->pid, &status, 0), ==, w->pid);
  g_assert_true (WIFSIGNALED (status));
  g_spawn_close_pid (w->pid);
  fclose (w->to);
  fclose (w->from);
}

static void
run_cli (const char *path,
         const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_ptr_array_add (argv, (char *) g_getenv ("ST_CLI"));
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("shuangti-cli %s failed: %s", args[0], err);
}

static void
test_cli_beside_writer (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "shared.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  Writer w;
  unsigned n = 0;
  GStatBuf st;

  g_assert_nonnull (g_getenv ("ST_CLI"));
  writer_start (&w, path);
  g_free (writer_say (&w, "open"));
  g_free (writer_say (&w, "open"));
  for (; n < 10; n++)
    {
      g_autofree char *command = g_strdup_printf ("write %u", n);
      g_free (writer_say (&w, command));
    }

  /* The other program reads and writes, and exits. */
  run_cli (path, (const char *const[]) { "participants", NULL });
  run_cli (path, (const char *const[]) { "major", "add", "测试专业", NULL });
  /* The writer's WAL is where it was: the CLI knew it was not alone. */
  g_assert_cmpint (g_stat (wal, &st), ==, 0);

  /* The writer goes on, and a worker opens one more connection. */
  g_free (writer_say (&w, "open"));
  for (; n < 30; n++)
    {
      g_autofree char *command = g_strdup_printf ("write %u", n);
      g_free (writer_say (&w, command));
    }
  run_cli (path, (const char *const[]) { "participants", NULL });
  for (; n < 40; n++)
    {
      g_autofree char *command = g_strdup_printf ("write %u", n);
      g_free (writer_say (&w, command));
    }
  writer_kill (&w);

  /* Everything that was committed is there. */
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  for (unsigned i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("t.%u", i);
      g_autofree char *value = st_db_get_meta (db, key);

      if (value == NULL)
        g_error ("write %u of the killed process was committed but is lost", i);
    }
  {
    sqlite3_stmt *stmt = st_db_prepare (db, "SELECT count(*) FROM majors WHERE name = '测试专业' AND deleted = 0", &error);

    g_assert_no_error (error);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    sqlite3_reset (stmt);
  }
}

/* A new database and its -wal and -shm are private to their user from
 * the start, although nothing but SQLite opened them. */
static void
test_new_file_private (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "private", "new.db", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  static const char *const suffixes[] = { "", "-wal", "-shm" };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  mode_t saved = umask (022);

  db = st_db_open (path, &error);
  umask (saved);
  g_assert_no_error (error);
  g_assert_true (st_db_set_meta (db, "k", "v", &error));
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      GStatBuf st;

      g_assert_cmpint (g_stat (file, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    }
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (dir, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  }
  /* Our umask is back as it was. */
  saved = umask (022);
  g_assert_cmpint (saved, ==, 022);
  umask (saved);
}

/* A file made looser by hand is tightened on open, by path. */
static void
test_loose_file_tightened (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "loose.db", NULL);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  {
    g_autoptr(StDb) db = st_db_open (path, &error);

    g_assert_no_error (error);
  }
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  {
    g_autoptr(StDb) db = st_db_open (path, &error);

    g_assert_no_error (error);
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
}

/* A file of another program, or one whose user_version was set to -1, is
 * "not a Shuangti database": said so, and nothing is written into it. */
static void
test_foreign_file (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "foreign", NULL);
  static const char *const setups[] = {
    "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');",
    "PRAGMA user_version = -1;",
    "CREATE TABLE t (x); PRAGMA user_version = -1;",
  };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (setups); i++)
    {
      g_autofree char *name = g_strdup_printf ("other-%u.db", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(StDb) db = NULL;
      sqlite3 *other = NULL;
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_open (path, &other), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (other, setups[i], NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (other);

      db = st_db_open (path, &error);
      g_assert_null (db);
      g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "not a Shuangti database"));
      g_assert_null (strstr (error->message, "not an error"));

      /* None of our tables went into it. */
      g_assert_cmpint (sqlite3_open (path, &other), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (other, "SELECT count(*) FROM sqlite_schema WHERE name = 'participants'",
                                           -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
      sqlite3_finalize (stmt);
      sqlite3_close (other);
    }
}

int
main (int argc, char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "--writer"))
    return run_writer (argv[2]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/db/share/cli-beside-writer", test_cli_beside_writer);
  g_test_add_func ("/db/share/new-file-private", test_new_file_private);
  g_test_add_func ("/db/share/loose-file-tightened", test_loose_file_tightened);
  g_test_add_func ("/db/open/foreign-file", test_foreign_file);
  return g_test_run ();
}
