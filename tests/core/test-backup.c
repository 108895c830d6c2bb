/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Backing up a laptop's database and restoring it (st-backup.c), on a demo
 * county's database. */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "st-backup.h"
#include "st-demo.h"
#include "st-idcard.h"
#include "st-participant.h"
#include "test-util.h"

typedef struct
{
  char *path;
  char *backup;
  StDb *db;
} Fixture;

static const char *const counted_tables[] = {
  "participants", "classes", "enrolments", "sessions", "attendance", "study_logs", "audit_log", "outbox",
};

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  StDemoTrainingOptions training = { NULL, TRUE, TRUE, 0, FALSE, 0 };

  f->path = st_test_file ("laptop.db");
  f->backup = st_test_file ("laptop-backup.db");
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (st_demo_populate (f->db, 400, 7, &error));
  g_assert_no_error (error);
  g_assert_true (st_demo_populate_training (f->db, 7, &training, &error));
  g_assert_no_error (error);
  g_assert_true (st_db_set_meta (f->db, "sync.token", "st1.secret", &error));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->db);
  g_free (f->path);
  g_free (f->backup);
}

/* Opens @path with SQLite alone, read-only (not migrated). */
static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  return handle;
}

static char *
raw_text (sqlite3    *handle,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *v = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    v = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return v;
}

static gint64
raw_int (sqlite3    *handle,
         const char *sql)
{
  g_autofree char *text = raw_text (handle, sql);

  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}

static void
collect_progress (double   fraction,
                  gpointer user_data)
{
  GArray *fractions = user_data;

  g_array_append_val (fractions, fraction);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The names in the test's folder. */
static char *
folder_listing (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* The copy: private, one sound file in DELETE mode, the same rows, no
 * token; the progress went from 0 to 1. */
static void
test_backup_copy (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (f->backup, "-wal", NULL);
  g_autofree char *journal = g_strconcat (f->backup, "-journal", NULL);
  sqlite3 *copy;
  GStatBuf st;

  g_assert_true (st_backup (f->db, f->backup, ST_BACKUP_FLAGS_NONE, collect_progress, fractions, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (f->backup, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));

  /* Several steps, never backwards, ending at 1. */
  g_assert_cmpuint (fractions->len, >=, 2);
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >=, g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);

  copy = open_raw (f->backup);
  {
    g_autofree char *check = raw_text (copy, "PRAGMA integrity_check");
    g_autofree char *mode = raw_text (copy, "PRAGMA journal_mode");
    g_autofree char *token = raw_text (copy, "SELECT value FROM meta WHERE key = 'sync.token'");

    g_assert_cmpstr (check, ==, "ok");
    g_assert_cmpstr (mode, ==, "delete");
    g_assert_null (token);
  }
  g_assert_cmpint (raw_int (copy, "PRAGMA user_version"), ==, st_db_get_schema_version (f->db));
  g_assert_cmpint (raw_int (copy, "SELECT count(*) FROM participants"), ==, 400);
  for (guint i = 0; i < G_N_ELEMENTS (counted_tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", counted_tables[i]);
      gint64 original = st_test_query_int (f->db, sql);
      gint64 copied = raw_int (copy, sql);

      g_assert_cmpint (copied, ==, original);
      g_assert_cmpint (original, >, 0);
    }
  g_assert_cmpint (raw_int (copy, "SELECT value FROM meta WHERE key = 'backup.made_at'"), >, 0);
  sqlite3_close (copy);

  /* The database itself is untouched and still in WAL mode. */
  g_assert_cmpstr (st_test_query_text (f->db, "PRAGMA journal_mode"), ==, "wal");
  g_assert_cmpstr (st_test_query_text (f->db, "SELECT value FROM meta WHERE key = 'sync.token'"), ==, "st1.secret");
}

static void
test_backup_exists (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->backup);
  g_autofree char *elsewhere = g_build_filename (dir, "no-such-folder", "b.db", NULL);

  g_assert_true (g_file_set_contents (f->backup, "a letter", -1, NULL));
  g_assert_false (st_backup (f->db, f->backup, ST_BACKUP_FLAGS_NONE, NULL, NULL, NULL, &error));
  g_assert_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, f->backup));
  g_clear_error (&error);
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (f->backup, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "a letter");
  }

  g_assert_true (st_backup (f->db, f->backup, ST_BACKUP_FLAGS_REPLACE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(StBackupInfo) info = st_backup_inspect (f->backup, &error);

    g_assert_no_error (error);
    g_assert_cmpint (info->participants, ==, 400);
  }

  /* The database itself, a folder that is not there. */
  g_assert_false (st_backup (f->db, f->path, ST_BACKUP_FLAGS_REPLACE, NULL, NULL, NULL, &error));
  g_assert_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_SAME_FILE);
  g_clear_error (&error);
  g_assert_false (st_backup (f->db, elsewhere, ST_BACKUP_FLAGS_NONE, NULL, NULL, NULL, &error));
  g_assert_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, elsewhere));
}

static void
cancel_at_half (double   fraction,
                gpointer user_data)
{
  if (fraction > 0.2)
    g_cancellable_cancel (user_data);
}

/* Cancelled halfway: no backup, no temporary file left. */
static void
test_backup_cancel (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *before = folder_listing (dir);
  g_autofree char *after = NULL;

  g_assert_false (st_backup (f->db, f->backup, ST_BACKUP_FLAGS_NONE, cancel_at_half, cancellable, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (f->backup, G_FILE_TEST_EXISTS));
  after = folder_listing (dir);
  g_assert_cmpstr (after, ==, before);
}

typedef struct
{
  GArray   *fractions;
  GThread  *main_thread;
  gboolean  done;
  gboolean  ok;
  GError   *error;
} AsyncState;

static void
async_progress (double   fraction,
                gpointer user_data)
{
  AsyncState *s = user_data;

  /* In the caller's main context, where widgets may be touched. */
  g_assert_true (g_thread_self () == s->main_thread);
  g_array_append_val (s->fractions, fraction);
}

static void
async_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncState *s = user_data;

  s->ok = st_backup_finish (result, &s->error);
  s->done = TRUE;
}

static void
test_backup_async (Fixture       *f,
                   gconstpointer  data)
{
  AsyncState s = { g_array_new (FALSE, FALSE, sizeof (double)), g_thread_self (), FALSE, FALSE, NULL };

  st_backup_async (f->path, f->backup, ST_BACKUP_FLAGS_NONE, async_progress, &s, NULL, async_done, &s);
  while (!s.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (s.error);
  g_assert_true (s.ok);
  g_assert_cmpuint (s.fractions->len, >=, 1);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(StBackupInfo) info = st_backup_inspect (f->backup, &error);

    g_assert_no_error (error);
    g_assert_cmpint (info->participants, ==, 400);
    g_assert_cmpstr (info->device, ==, st_db_get_device_id (f->db));
  }
  g_array_unref (s.fractions);
}

static gint64
max_hlc (StDb *db)
{
  return st_test_query_int (db, "SELECT max(hlc) FROM audit_log");
}

/* A restore brings back the backup's records, under a new epoch, with a
 * clock that does not go back; a connection open meanwhile (the app's)
 * sees the restored records. */
static void
test_restore (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StBackupInfo) info = NULL;
  g_autoptr(StParticipant) p = st_participant_new ();
  g_autoptr(StDb) other = NULL;
  gint64 high_before;

  g_assert_true (st_db_set_meta (f->db, "sync.epoch", "2", &error));
  g_assert_true (st_backup (f->db, f->backup, ST_BACKUP_FLAGS_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* After the backup: a new person, and the epoch moved on. */
  p->id_number = g_strdup_printf ("%s%c", "52232719850312001", st_idcard_check_character ("52232719850312001"));
  p->name = g_strdup ("后来");
  p->township_code = g_strdup ("522327104000");
  g_assert_true (st_participant_insert (f->db, p, &error));
  g_assert_no_error (error);
  g_assert_true (st_db_set_meta (f->db, "sync.epoch", "3", &error));
  g_assert_cmpint (st_db_count_live (f->db, "participants"), ==, 401);
  high_before = max_hlc (f->db);

  {
    g_autoptr(StBackupInfo) inspected = st_backup_inspect (f->backup, &error);

    g_assert_no_error (error);
    g_assert_cmpint (st_restore_count_lost (f->path, inspected), ==, 1);
  }

  info = st_restore (f->path, f->backup, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_cmpint (info->participants, ==, 400);
  g_assert_cmpint (info->lost, ==, 1);
  g_assert_cmpint (info->epoch, ==, 4);

  /* The connection that was open sees the backup's records. */
  g_assert_cmpint (st_db_count_live (f->db, "participants"), ==, 400);
  g_clear_object (&f->db);

  other = st_db_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (st_db_count_live (other, "participants"), ==, 400);
  g_assert_cmpstr (st_test_query_text (other, "PRAGMA integrity_check"), ==, "ok");
  g_assert_cmpstr (st_test_query_text (other, "PRAGMA journal_mode"), ==, "wal");
  g_assert_cmpint (st_test_query_int (other, "SELECT value FROM meta WHERE key = 'sync.epoch'"), ==, 4);
  g_assert_cmpint (st_test_query_int (other, "SELECT value FROM meta WHERE key = 'hlc_seen'"), >=, high_before);
  g_assert_cmpint (st_test_query_int (other, "SELECT value FROM meta WHERE key = 'sync.restored_at'"), >, 0);
  g_assert_cmpint (st_test_query_int (other, "SELECT count(*) FROM participants WHERE name = '后来'"), ==, 0);
  /* The next change is stamped after everything before the restore. */
  g_assert_cmpuint (st_db_next_hlc (other), >, (guint64) high_before);
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (f->path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
}

/* Onto a laptop that has no database yet (a new laptop). */
static void
test_restore_new_laptop (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StBackupInfo) info = NULL;
  g_autofree char *fresh = st_test_file ("new/laptop.db");
  g_autoptr(StDb) db = NULL;
  GStatBuf st;

  g_assert_true (st_backup (f->db, f->backup, ST_BACKUP_FLAGS_NONE, NULL, NULL, NULL, &error));
  info = st_restore (fresh, f->backup, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->lost, ==, 0);
  g_assert_cmpint (g_stat (fresh, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  db = st_db_open (fresh, &error);
  g_assert_no_error (error);
  g_assert_cmpint (st_db_count_live (db, "participants"), ==, 400);
  g_assert_cmpstr (st_db_get_device_id (db), ==, st_db_get_device_id (f->db));
}

static void
assert_refused (Fixture    *f,
                const char *file,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StBackupInfo) info = st_restore (f->path, file, NULL, NULL, NULL, &error);

  g_assert_null (info);
  g_assert_error (error, ST_BACKUP_ERROR, code);
  g_assert_nonnull (strstr (error->message, file));
  /* Nothing changed. */
  g_assert_cmpint (st_db_count_live (f->db, "participants"), ==, 400);
  g_assert_cmpstr (st_test_query_text (f->db, "SELECT value FROM meta WHERE key = 'sync.token'"), ==, "st1.secret");
}

/* A damaged backup (pages overwritten), a newer one, and files that are no
 * Shuangti database are refused; the database stays as it was. */
static void
test_restore_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *damaged = st_test_file ("damaged.db");
  g_autofree char *newer = st_test_file ("newer.db");
  g_autofree char *text = st_test_file ("notes.txt");
  g_autofree char *foreign = st_test_file ("foreign.db");
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (st_backup (f->db, f->backup, ST_BACKUP_FLAGS_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Pages in the middle overwritten: the file still opens. */
  g_assert_true (g_file_get_contents (f->backup, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 64 * 8192);
  memset (contents + length / 2, 0x5a, 3 * 8192);
  g_assert_true (g_file_set_contents (damaged, contents, (gssize) length, NULL));
  assert_refused (f, damaged, ST_BACKUP_ERROR_DAMAGED);

  g_assert_true (g_file_set_contents (text, "name,phone\n张三,138\n", -1, NULL));
  assert_refused (f, text, ST_BACKUP_ERROR_NOT_SHUANGTI);

  {
    sqlite3 *handle = NULL;

    g_assert_cmpint (sqlite3_open (foreign, &handle), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (handle, "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x');"
                                           " PRAGMA user_version = 3;", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (handle);
  }
  assert_refused (f, foreign, ST_BACKUP_ERROR_NOT_SHUANGTI);

  g_assert_true (st_backup (f->db, newer, ST_BACKUP_FLAGS_NONE, NULL, NULL, NULL, &error));
  {
    sqlite3 *handle = NULL;

    g_assert_cmpint (sqlite3_open (newer, &handle), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (handle, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (handle);
  }
  assert_refused (f, newer, ST_BACKUP_ERROR_NEWER);

  assert_refused (f, f->path, ST_BACKUP_ERROR_SAME_FILE);
}

/* The database the backup replaces is the damaged one: the restore
 * overwrites it all the same. */
static void
test_restore_over_damaged (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StBackupInfo) info = NULL;
  g_autoptr(StDb) db = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (st_backup (f->db, f->backup, ST_BACKUP_FLAGS_NONE, NULL, NULL, NULL, &error));
  g_assert_true (st_db_exec (f->db, "PRAGMA wal_checkpoint(TRUNCATE)", &error));
  g_clear_object (&f->db);

  g_assert_true (g_file_get_contents (f->path, &contents, &length, NULL));
  memset (contents + length / 2, 0x5a, 4 * 8192);
  g_assert_true (g_file_set_contents (f->path, contents, (gssize) length, NULL));

  info = st_restore (f->path, f->backup, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (st_test_query_text (db, "PRAGMA integrity_check"), ==, "ok");
  g_assert_cmpint (st_db_count_live (db, "participants"), ==, 400);
}

/* A damaged database: no backup is written (it would hide the damage in a
 * file that looks good), and the message says what to do. */
static void
test_backup_damaged (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *listing = NULL;
  gsize length;

  g_assert_true (st_db_exec (f->db, "PRAGMA wal_checkpoint(TRUNCATE)", &error));
  g_clear_object (&f->db);
  g_assert_true (g_file_get_contents (f->path, &contents, &length, NULL));
  memset (contents + length / 2, 0x5a, 4 * 8192);
  g_assert_true (g_file_set_contents (f->path, contents, (gssize) length, NULL));
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);

  g_assert_false (st_backup (f->db, f->backup, ST_BACKUP_FLAGS_NONE, NULL, NULL, NULL, &error));
  g_assert_error (error, ST_BACKUP_ERROR, ST_BACKUP_ERROR_DAMAGED);
  g_assert_nonnull (strstr (error->message, "Backups"));
  g_assert_false (g_file_test (f->backup, G_FILE_TEST_EXISTS));
  listing = folder_listing (dir);
  g_assert_null (strstr (listing, ".part"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/core/backup/copy", Fixture, NULL, fixture_setup, test_backup_copy, fixture_teardown);
  g_test_add ("/core/backup/exists", Fixture, NULL, fixture_setup, test_backup_exists, fixture_teardown);
  g_test_add ("/core/backup/cancel", Fixture, NULL, fixture_setup, test_backup_cancel, fixture_teardown);
  g_test_add ("/core/backup/damaged", Fixture, NULL, fixture_setup, test_backup_damaged, fixture_teardown);
  g_test_add ("/core/backup/async", Fixture, NULL, fixture_setup, test_backup_async, fixture_teardown);
  g_test_add ("/core/restore/restore", Fixture, NULL, fixture_setup, test_restore, fixture_teardown);
  g_test_add ("/core/restore/new-laptop", Fixture, NULL, fixture_setup, test_restore_new_laptop, fixture_teardown);
  g_test_add ("/core/restore/refused", Fixture, NULL, fixture_setup, test_restore_refused, fixture_teardown);
  g_test_add ("/core/restore/over-damaged", Fixture, NULL, fixture_setup, test_restore_over_damaged, fixture_teardown);

  return g_test_run ();
}
