/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli backup and restore as a clerk types them: the real binary,
 * real files, the messages it prints. */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static char *db_path;
static char *work_dir;

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

/* shuangti-cli --db DB ARGS… with @input on stdin. */
static void
cli_input (Run        *r,
           const char *input,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  run_clear (r);
  g_ptr_array_add (argv, (gpointer) g_getenv ("ST_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, db_path);
  va_start (ap, input);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, input ? input : "", NULL, &r->out, &r->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
}

#define CLI(r, ...) cli_input (r, NULL, __VA_ARGS__, NULL)
#define CLI_INPUT(r, input, ...) cli_input (r, input, __VA_ARGS__, NULL)

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” not in:\n%s", needle, haystack);
}

static gint64
participants (void)
{
  Run r = { 0, };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gint64 n;

  CLI (&r, "--json", "init");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  n = json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "participants");
  run_clear (&r);
  return n;
}

static void
test_backup (void)
{
  g_autofree char *file = g_build_filename (work_dir, "backup.db", NULL);
  g_autofree char *nowhere = g_build_filename (work_dir, "no-such-folder", "backup.db", NULL);
  g_autofree char *missing_db = g_build_filename (work_dir, "never-made.db", NULL);
  Run r = { 0, };
  GStatBuf st;

  CLI (&r, "demo", "--participants", "60", "--people-only");
  g_assert_cmpint (r.status, ==, 0);

  CLI (&r, "backup", file);
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.out, "Backed up");
  assert_contains (r.out, "60 participants");
  /* Not a terminal: no progress on stderr. */
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  CLI (&r, "backup", file);
  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.err, "exists already");
  assert_contains (r.err, "Add --force to replace it.");

  CLI (&r, "backup", file, "--force");
  g_assert_cmpint (r.status, ==, 0);

  CLI (&r, "backup", nowhere);
  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.err, "cannot be written");

  CLI (&r, "backup");
  g_assert_cmpint (r.status, ==, 2);
  assert_contains (r.err, "usage: backup FILE");

  {
    g_autofree char *saved = db_path;

    db_path = missing_db;
    CLI (&r, "backup", file, "--force");
    db_path = g_steal_pointer (&saved);
    g_assert_cmpint (r.status, ==, 1);
    assert_contains (r.err, "There is no database");
    g_assert_false (g_file_test (missing_db, G_FILE_TEST_EXISTS));
  }
  run_clear (&r);
}

static void
test_restore (void)
{
  g_autofree char *file = g_build_filename (work_dir, "backup.db", NULL);
  g_autofree char *damaged = g_build_filename (work_dir, "damaged.db", NULL);
  g_autofree char *text = g_build_filename (work_dir, "roster.csv", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  Run r = { 0, };

  /* After the backup of test_backup: more people, not synced. */
  CLI (&r, "demo", "--participants", "5", "--people-only", "--seed", "9");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpint (participants (), ==, 65);

  /* Answered no: nothing happens. */
  CLI_INPUT (&r, "n\n", "restore", file);
  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.out, "This replaces every record");
  assert_contains (r.out, "60 participants");
  assert_contains (r.out, "5 changes made on this computer have not reached the server");
  assert_contains (r.err, "Nothing was restored.");
  g_assert_cmpint (participants (), ==, 65);

  /* A damaged backup, a file that is no database. */
  g_assert_true (g_file_get_contents (file, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 16 * 8192);
  memset (contents + length / 2, 0x5a, 2 * 8192);
  g_assert_true (g_file_set_contents (damaged, contents, (gssize) length, NULL));
  CLI (&r, "restore", "--yes", damaged);
  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.err, "is damaged: nothing was restored");

  g_assert_true (g_file_set_contents (text, "姓名,身份证号\n", -1, NULL));
  CLI (&r, "restore", "--yes", text);
  g_assert_cmpint (r.status, ==, 1);
  assert_contains (r.err, "is not a Shuangti database");
  g_assert_cmpint (participants (), ==, 65);

  /* Yes. */
  CLI_INPUT (&r, "y\n", "restore", file);
  g_assert_cmpint (r.status, ==, 0);
  assert_contains (r.out, "Restored");
  assert_contains (r.out, "60 participants");
  assert_contains (r.out, "5 changes that had not reached the server were replaced");
  g_assert_cmpint (participants (), ==, 60);

  /* --yes asks nothing; --json says the epoch it pushes under. */
  CLI (&r, "--json", "restore", "--yes", file);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *o;

    g_assert_true (json_parser_load_from_data (parser, r.out, -1, NULL));
    o = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpint (json_object_get_int_member (o, "participants"), ==, 60);
    g_assert_cmpint (json_object_get_int_member (o, "lost"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (o, "epoch"), ==, 2);
  }
  run_clear (&r);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  work_dir = g_dir_make_tmp ("st-cli-backup-XXXXXX", NULL);
  g_assert_nonnull (work_dir);
  db_path = g_build_filename (work_dir, "st.db", NULL);

  /* In order: the restore uses the backup made before. */
  g_test_add_func ("/core/cli/backup", test_backup);
  g_test_add_func ("/core/cli/restore", test_restore);

  status = g_test_run ();
  {
    const char *argv_rm[] = { "rm", "-rf", work_dir, NULL };

    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return status;
}
