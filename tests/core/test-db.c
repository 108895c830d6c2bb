/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/stat.h>

#include "st-db.h"
#include "st-hlc.h"
#include "st-participant.h"
#include "st-uuid.h"
#include "test-util.h"


typedef struct
{
  char *path;
  StDb *db;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->path = st_test_file ("test.db");
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->db);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->db);
  g_unlink (f->path);
  g_free (f->path);
}

static StParticipant *
make_participant (const char *id_number, const char *name)
{
  StParticipant *p = st_participant_new ();

  p->id_number = g_strdup (id_number);
  p->name = g_strdup (name);
  p->township_code = g_strdup ("522327104000");   /* 巧马镇 */
  p->phone = g_strdup ("13800000000");
  return p;
}

static void
test_migrate_empty (Fixture *f, gconstpointer data)
{
  g_autofree char *device = g_strdup (st_db_get_device_id (f->db));
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_cmpint (st_db_get_schema_version (f->db), ==, st_db_get_latest_schema_version ());
  g_assert_cmpint (st_db_get_latest_schema_version (), >=, 1);
  g_assert_true (st_uuid_is_valid (device));

  /* The whole domain is there from the first version. */
  for (const char *const *t = (const char *const[]) { "participants", "classes", "enrolments", "sessions",
                                                     "attendance", "study_logs", "assignments", "assessments",
                                                     "exemptions", "certificates", "programs", "majors",
                                                     "audit_log", "outbox", "divisions", "meta", NULL }; *t; t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'", *t);
      g_assert_cmpint (st_test_query_int (f->db, sql), ==, 1);
    }

  /* The default county's divisions are seeded. */
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM divisions WHERE level = 'township'"), ==, 13);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM divisions WHERE level = 'village'"), ==, 156);
  g_assert_cmpstr (st_test_query_text (f->db, "PRAGMA journal_mode"), ==, "wal");
  g_assert_cmpint (st_test_query_int (f->db, "PRAGMA foreign_keys"), ==, 1);

  /* Private to its user. */
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Reopening keeps the device and does not migrate again. */
  g_clear_object (&f->db);
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (st_db_get_device_id (f->db), ==, device);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM divisions"), ==, 1 + 13 + 156);
}

static void
test_tightens_mode (void)
{
  g_autofree char *path = st_test_file ("loose.db");
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_not_a_database (void)
{
  g_autofree char *path = st_test_file ("garbage.db");
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = g_strnfill (8192, 'x');

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  db = st_db_open (path, &error);
  g_assert_null (db);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_no_folder (void)
{
  g_autofree char *blocker = st_test_file ("not-a-folder");
  g_autofree char *path = g_build_filename (blocker, "sub", "st.db", NULL);
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;

  /* A file stands where the folder should be: a clear error, not a crash. */
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  db = st_db_open (path, &error);
  g_assert_null (db);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, blocker));
}

static void
test_newer_schema (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) again = NULL;

  g_assert_true (st_db_exec (f->db, "PRAGMA user_version = 999", NULL));
  g_clear_object (&f->db);
  again = st_db_open (f->path, &error);
  g_assert_null (again);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "999"));
}

static void
test_capture_insert (Fixture *f, gconstpointer data)
{
  g_autoptr(StParticipant) p = make_participant ("522327199001010018", "王明");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *json;
  JsonObject *obj;

  g_assert_true (st_participant_insert (f->db, p, &error));
  g_assert_no_error (error);

  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, 1);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM audit_log WHERE op = 'insert' AND tbl = 'participants'"), ==, 1);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox o JOIN audit_log a ON a.id = o.audit_id"
                                     " JOIN participants p ON p.id = a.row_id AND p.hlc = a.hlc"), ==, 1);

  json = st_test_query_text (f->db, "SELECT new FROM audit_log");
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  obj = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (obj, "name"), ==, "王明");
  g_assert_cmpstr (json_object_get_string_member (obj, "id_number"), ==, "522327199001010018");
  g_assert_cmpstr (json_object_get_string_member (obj, "birth_date"), ==, "1990-01-01");
  g_assert_cmpint (json_object_get_int_member (obj, "sex"), ==, ST_SEX_MALE);
  g_assert_cmpint (json_object_get_int_member (obj, "deleted"), ==, 0);
  g_assert_false (json_object_has_member (obj, "hlc"));

  {
    const char *device = st_test_query_text (f->db, "SELECT device FROM audit_log");
    const char *actor = st_test_query_text (f->db, "SELECT actor FROM audit_log");
    g_assert_cmpstr (device, ==, st_db_get_device_id (f->db));
    g_assert_cmpstr (actor, ==, g_get_user_name ());
  }
}

static void
test_capture_update (Fixture *f, gconstpointer data)
{
  g_autoptr(StParticipant) p = make_participant ("522327199001010018", "王明");
  g_autoptr(StParticipant) again = NULL;
  g_autoptr(GError) error = NULL;
  const char *old_json;
  const char *new_json;
  gint64 hlc_before;

  st_db_set_actor (f->db, "clerk-li");
  g_assert_true (st_participant_insert (f->db, p, &error));
  hlc_before = (gint64) p->hlc;

  g_free (p->phone);
  p->phone = g_strdup ("13912345678");
  g_assert_true (st_participant_update (f->db, p, &error));
  g_assert_no_error (error);

  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, 2);
  old_json = st_test_query_text (f->db, "SELECT old FROM audit_log WHERE op = 'update'");
  new_json = st_test_query_text (f->db, "SELECT new FROM audit_log WHERE op = 'update'");
  /* Only the changed field, old and new. */
  g_assert_cmpstr (old_json, ==, "{\"phone\":\"13800000000\"}");
  g_assert_cmpstr (new_json, ==, "{\"phone\":\"13912345678\"}");
  g_assert_cmpint (st_test_query_int (f->db, "SELECT base_hlc FROM audit_log WHERE op = 'update'"), ==, hlc_before);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT hlc FROM audit_log WHERE op = 'update'"), >, hlc_before);
  g_assert_cmpstr (st_test_query_text (f->db, "SELECT actor FROM audit_log WHERE op = 'update'"), ==, "clerk-li");

  /* Saving again without a change writes nothing. */
  g_assert_true (st_participant_update (f->db, p, &error));
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, 2);

  again = st_participant_load (f->db, p->id, &error);
  g_assert_cmpstr (again->phone, ==, "13912345678");
}

static void
test_capture_tombstone (Fixture *f, gconstpointer data)
{
  g_autoptr(StParticipant) p = make_participant ("522327199001010018", "王明");
  g_autoptr(StParticipant) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (st_participant_insert (f->db, p, &error));
  g_assert_true (st_participant_set_deleted (f->db, p->id, TRUE, &error));
  g_assert_no_error (error);

  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM participants"), ==, 1);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT deleted FROM participants"), ==, 1);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM audit_log WHERE op = 'delete'"), ==, 1);
  g_assert_cmpstr (st_test_query_text (f->db, "SELECT new FROM audit_log WHERE op = 'delete'"), ==, "{\"deleted\":1}");
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, 2);

  found = st_participant_find_by_id_number (f->db, "522327199001010018", &error);
  g_assert_null (found);
  g_assert_no_error (error);

  /* Undo: restoring is an update of the tombstone flag. */
  g_assert_true (st_participant_set_deleted (f->db, p->id, FALSE, &error));
  g_assert_cmpstr (st_test_query_text (f->db, "SELECT new FROM audit_log ORDER BY id DESC LIMIT 1"), ==, "{\"deleted\":0}");
  g_assert_cmpstr (st_test_query_text (f->db, "SELECT op FROM audit_log ORDER BY id DESC LIMIT 1"), ==, "update");
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, 3);
}

static void
test_guards (Fixture *f, gconstpointer data)
{
  g_autoptr(StParticipant) p = make_participant ("522327199001010018", "王明");
  g_autoptr(GError) error = NULL;

  g_assert_true (st_participant_insert (f->db, p, &error));

  /* A change without a new stamp would be ordered wrongly by sync. */
  g_assert_false (st_db_exec (f->db, "UPDATE participants SET phone = '1'", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* Rows are tombstoned, never removed. */
  g_assert_false (st_db_exec (f->db, "DELETE FROM participants", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM participants WHERE deleted = 0"), ==, 1);
}

static void
test_applying_remote (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  st_db_set_applying_remote (f->db, TRUE);
  g_assert_true (st_db_exec (f->db,
                             "INSERT INTO participants (id, hlc, device, id_number, name, sex, birth_date, region_code, township_code)"
                             " VALUES ('6c1f3a2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b', 1, 'other-device', '522327199001010018',"
                             " '王明', 1, '1990-01-01', '522327', '522327104000')", &error));
  g_assert_no_error (error);
  st_db_set_applying_remote (f->db, FALSE);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, 0);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM audit_log"), ==, 0);
}

static void
test_duplicate_id_number (Fixture *f, gconstpointer data)
{
  g_autoptr(StParticipant) a = make_participant ("522327199001010018", "王明");
  g_autoptr(StParticipant) b = make_participant (" 522327199001010018 ", "王小明");
  g_autoptr(GError) error = NULL;

  g_assert_true (st_participant_insert (f->db, a, &error));
  g_assert_false (st_participant_insert (f->db, b, &error));
  g_assert_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_DUPLICATE);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM participants"), ==, 1);
}

static void
test_invalid_participant (Fixture *f, gconstpointer data)
{
  g_autoptr(StParticipant) bad_id = make_participant ("522327199001010013", "王明");
  g_autoptr(StParticipant) no_name = make_participant ("522327199001010018", "  ");
  g_autoptr(StParticipant) bad_township = make_participant ("522327199001010018", "王明");
  g_autoptr(GError) error = NULL;

  g_assert_false (st_participant_insert (f->db, bad_id, &error));
  g_assert_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (st_participant_insert (f->db, no_name, &error));
  g_assert_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_INVALID);
  g_clear_error (&error);
  g_free (bad_township->township_code);
  bad_township->township_code = g_strdup ("110101001000");
  g_assert_false (st_participant_insert (f->db, bad_township, &error));
  g_assert_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_INVALID);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM participants"), ==, 0);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, 0);
}

static void
test_full_disk (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  gboolean ok = TRUE;
  guint saved = 0;

  /* SQLite reports SQLITE_FULL when the page limit is reached, exactly as
   * when the disk is full. */
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                         st_test_query_int (f->db, "PRAGMA page_count") + 3);
  g_assert_true (st_db_exec (f->db, sql, NULL));
  for (guint i = 0; i < 2000 && ok; i++)
    {
      g_autoptr(StParticipant) p = NULL;
      char number[19];

      g_snprintf (number, sizeof number, "52232719900101%03u", i % 1000);
      number[17] = st_idcard_check_character (number);
      number[18] = '\0';
      if (i >= 1000)
        break;
      p = make_participant (number, "测试");
      ok = st_participant_insert (f->db, p, &error);
      if (ok)
        saved++;
    }
  g_assert_false (ok);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_FULL);
  /* What was saved before stays saved. */
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM participants"), ==, saved);
  g_assert_cmpint (st_test_query_int (f->db, "PRAGMA integrity_check") , ==, 0);
}

static gint64 fake_now;

static gint64
fake_clock (gpointer data)
{
  return fake_now;
}

static void
test_hlc (void)
{
  g_autoptr(StHlc) hlc = st_hlc_new (fake_clock, NULL);
  guint64 a, b, c, d;

  fake_now = 1000;
  a = st_hlc_next (hlc);
  g_assert_cmpuint (a, ==, ST_HLC_PACK (1000, 0));
  b = st_hlc_next (hlc);
  g_assert_cmpuint (b, ==, ST_HLC_PACK (1000, 1));

  /* The wall clock going back does not make the clock go back. */
  fake_now = 500;
  c = st_hlc_next (hlc);
  g_assert_cmpuint (c, >, b);
  g_assert_cmpint (ST_HLC_MS (c), ==, 1000);

  /* A stamp seen from elsewhere moves the clock past it. */
  st_hlc_observe (hlc, ST_HLC_PACK (5000, 7));
  d = st_hlc_next (hlc);
  g_assert_cmpuint (d, ==, ST_HLC_PACK (5000, 8));

  /* The server's offset corrects a laptop with a wrong date. */
  st_hlc_set_offset (hlc, 10000);
  fake_now = 1000;
  g_assert_cmpuint (st_hlc_next (hlc), ==, ST_HLC_PACK (11000, 0));
}

/* 65,536 stamps in one millisecond carry into the next and stay ordered;
 * a stamp far in the future (a laptop whose date was days ahead) drags the
 * clock along until the sync engine resets it after restamping. */
static void
test_hlc_carry_and_reset (void)
{
  g_autoptr(StHlc) hlc = st_hlc_new (fake_clock, NULL);
  guint64 last = 0;

  fake_now = 2000;
  for (guint i = 0; i < 70000; i++)
    {
      guint64 stamp = st_hlc_next (hlc);

      g_assert_cmpuint (stamp, >, last);
      last = stamp;
    }
  g_assert_cmpint (ST_HLC_MS (last), ==, 2001);

  st_hlc_observe (hlc, ST_HLC_PACK (fake_now + 3 * 24 * 3600 * 1000LL, 0));
  g_assert_cmpint (ST_HLC_MS (st_hlc_next (hlc)), ==, fake_now + 3 * 24 * 3600 * 1000LL);
  st_hlc_reset (hlc, last);
  g_assert_cmpuint (st_hlc_next (hlc), >, last);
  g_assert_cmpint (ST_HLC_MS (st_hlc_next (hlc)), <, fake_now + 1000);
  g_assert_cmpint (st_hlc_physical (hlc), ==, fake_now);
}

/* A database remembers the highest stamp it pulled (meta hlc_seen): reopened
 * by a process whose clock is behind, it still stamps after it. */
static void
test_hlc_seen (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "seen.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StHlc) hlc = st_hlc_new (fake_clock, NULL);
  g_autoptr(StDb) db = NULL;
  guint64 seen = ST_HLC_PACK (9000000, 3);

  fake_now = 1000;
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (st_db_set_meta (db, "hlc_seen", "589824000003", &error));   /* ST_HLC_PACK (9000000, 3) */
  g_clear_object (&db);
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  st_db_set_clock (db, hlc);
  g_assert_cmpuint (st_db_next_hlc (db), >, seen);
}

static void
test_uuid (void)
{
  g_autofree char *v5 = st_uuid_v5 ("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org");
  g_autofree char *p1 = st_uuid_v5_pair (ST_UUID_NS_ENROLMENT, "a", "b");
  g_autofree char *p2 = st_uuid_v5_pair (ST_UUID_NS_ENROLMENT, "a", "b");
  g_autofree char *p3 = st_uuid_v5_pair (ST_UUID_NS_ENROLMENT, "b", "a");
  g_autofree char *r = st_uuid_new ();

  /* RFC 4122 v5 of the DNS namespace, as Python's uuid.uuid5 gives it. */
  g_assert_cmpstr (v5, ==, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  g_assert_cmpstr (p1, ==, p2);
  g_assert_cmpstr (p1, !=, p3);
  g_assert_true (st_uuid_is_valid (r));
  g_assert_false (st_uuid_is_valid ("not-a-uuid"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/core/db/migrate-empty", Fixture, NULL, fixture_setup, test_migrate_empty, fixture_teardown);
  g_test_add_func ("/core/db/tightens-mode", test_tightens_mode);
  g_test_add_func ("/core/hlc/carry-and-reset", test_hlc_carry_and_reset);
  g_test_add_func ("/core/hlc/seen", test_hlc_seen);
  g_test_add_func ("/core/db/not-a-database", test_not_a_database);
  g_test_add_func ("/core/db/no-folder", test_no_folder);
  g_test_add ("/core/db/newer-schema", Fixture, NULL, fixture_setup, test_newer_schema, fixture_teardown);
  g_test_add ("/core/db/capture/insert", Fixture, NULL, fixture_setup, test_capture_insert, fixture_teardown);
  g_test_add ("/core/db/capture/update", Fixture, NULL, fixture_setup, test_capture_update, fixture_teardown);
  g_test_add ("/core/db/capture/tombstone", Fixture, NULL, fixture_setup, test_capture_tombstone, fixture_teardown);
  g_test_add ("/core/db/capture/guards", Fixture, NULL, fixture_setup, test_guards, fixture_teardown);
  g_test_add ("/core/db/capture/applying-remote", Fixture, NULL, fixture_setup, test_applying_remote, fixture_teardown);
  g_test_add ("/core/db/participant/duplicate", Fixture, NULL, fixture_setup, test_duplicate_id_number, fixture_teardown);
  g_test_add ("/core/db/participant/invalid", Fixture, NULL, fixture_setup, test_invalid_participant, fixture_teardown);
  g_test_add ("/core/db/full-disk", Fixture, NULL, fixture_setup, test_full_disk, fixture_teardown);
  g_test_add_func ("/core/hlc/monotonic", test_hlc);
  g_test_add_func ("/core/uuid/v5", test_uuid);

  return g_test_run ();
}
