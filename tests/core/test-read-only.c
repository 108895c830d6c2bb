/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A database the user may not write can be read: lists, a participant,
 * eligibility, the report and the exports give what they gave before it
 * became read-only, and a change is refused with a message that says why.
 * The folder is made read-only as a person meets it (st-test-read-only.h). */
#include "config.h"

#include <json-glib/json-glib.h>

#include "st-db.h"
#include "st-participant.h"
#include "st-test-read-only.h"

typedef struct
{
  char *dir;
  char *db_path;
  char *out_dir;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

static void
cli_v (Fixture *f, Run *r, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("ST_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, f->db_path);
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) *args);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  g_assert_no_error (error);
  r->status = g_subprocess_get_exit_status (proc);
}

#define CLI(f, r, ...) cli_v (f, r, (const char *const[]) { __VA_ARGS__, NULL })

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  Run r = { 0, };

  f->dir = g_build_filename (g_get_user_data_dir (), "ro", NULL);
  f->out_dir = g_build_filename (g_get_user_data_dir (), "out", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (f->out_dir, 0700), ==, 0);
  f->db_path = g_build_filename (f->dir, "county.db", NULL);
  CLI (f, &r, "demo", "--participants", "40", "--seed", "5");
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  st_test_undo_read_only (f->dir);
  g_free (f->dir);
  g_free (f->db_path);
  g_free (f->out_dir);
}

/* What the read-only commands print, run before and after. */
static const char *const reading[][6] = {
  { "participants", NULL },
  { "--json", "participants", "--township", "者楼", NULL },
  { "eligibility", "--as-of", "2025-06-30", NULL },
  { "report", "quarterly", "--quarter", "2025Q2", NULL },
  { "class", "list", NULL },
  { "conflicts", "list", NULL },
};

static char *
read_all (Fixture *f, const char *show_key)
{
  GString *all = g_string_new (NULL);
  Run r = { 0, };

  for (guint i = 0; i < G_N_ELEMENTS (reading); i++)
    {
      cli_v (f, &r, reading[i]);
      if (r.status != 0)
        g_error ("%s failed: %s", reading[i][0], r.err);
      g_string_append_printf (all, "== %s\n%s", reading[i][0], r.out);
      run_clear (&r);
    }
  CLI (f, &r, "participant", "show", show_key);
  g_assert_cmpint (r.status, ==, 0);
  g_string_append (all, r.out);
  run_clear (&r);
  return g_string_free (all, FALSE);
}

static char *
export_enrolments (Fixture *f, const char *name)
{
  g_autofree char *out = g_build_filename (f->out_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  Run r = { 0, };

  CLI (f, &r, "export", "enrolments", "--output", out);
  if (r.status != 0)
    g_error ("export failed: %s", r.err);
  run_clear (&r);
  g_assert_true (g_file_get_contents (out, &contents, NULL, &error));
  return contents;
}

static char *
first_key (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (f->db_path, &error);
  g_autoptr(GPtrArray) people = NULL;

  g_assert_no_error (error);
  people = st_participant_list (db, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 40);
  return g_strdup (((StParticipant *) g_ptr_array_index (people, 0))->id);
}

static void
check_read_only (Fixture *f, gboolean crashed)
{
  g_autofree char *key = first_key (f);
  g_autofree char *before = read_all (f, key);
  g_autofree char *export_before = export_enrolments (f, "before.csv");
  g_autofree char *after = NULL;
  g_autofree char *export_after = NULL;
  g_autofree char *why = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) kept = NULL;
  Run r = { 0, };

  if (crashed)
    {
      /* A process that holds the database when the disk turns read-only:
       * its -wal and -shm stay beside the file. */
      kept = st_db_open (f->db_path, &error);
      g_assert_no_error (error);
      g_assert_true (st_db_set_meta (kept, "test.crashed", "yes", &error));
    }
  if (!st_test_make_read_only (f->dir, &why))
    {
      g_test_skip (why);
      return;
    }
  /* The folder really cannot be written. */
  {
    g_autofree char *probe = g_build_filename (f->dir, "probe", NULL);

    g_assert_false (g_file_set_contents (probe, "x", 1, NULL));
  }

  after = read_all (f, key);
  g_assert_cmpstr (after, ==, before);
  export_after = export_enrolments (f, "after.csv");
  g_assert_cmpstr (export_after, ==, export_before);

  /* The core says so, and refuses a change with a reason. */
  {
    g_autoptr(StDb) db = st_db_open (f->db_path, &error);

    g_assert_no_error (error);
    g_assert_true (st_db_is_read_only (db));
    g_assert_false (st_db_set_meta (db, "k", "v", &error));
    g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_READ_ONLY);
    g_assert_nonnull (strstr (error->message, "read-only"));
  }

  /* The CLI refuses a change, non-zero, saying why. */
  CLI (f, &r, "major", "add", "新专业");
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "read-only"));
  g_assert_null (strstr (r.err, "while"));
  run_clear (&r);
}

/* Closed cleanly: no -wal or -shm beside the file, and the folder cannot
 * hold them. */
static void
test_closed (Fixture *f, gconstpointer data)
{
  check_read_only (f, FALSE);
}

/* Left open: -wal and -shm are there, the WAL not yet folded in. */
static void
test_left_open (Fixture *f, gconstpointer data)
{
  check_read_only (f, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_assert_nonnull (g_getenv ("ST_CLI"));
  g_test_add ("/db/read-only/closed", Fixture, NULL, fixture_setup, test_closed, fixture_teardown);
  g_test_add ("/db/read-only/left-open", Fixture, NULL, fixture_setup, test_left_open, fixture_teardown);
  return g_test_run ();
}
