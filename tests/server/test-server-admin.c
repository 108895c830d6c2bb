/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Accounts and audit (issue 16, item 6, in part): `device list` and
 * `device revoke` against a running server (a revoked laptop's token stops
 * working at once), the audit of administration commands, and `audit`
 * searched by account, laptop, time and table. */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>

#include "st-test-server.h"
#include "st-test-store.h"
#include "st-uuid.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static guint
device_status (SoupSession  *session,
               StTestServer *server,
               const char   *token)
{
  g_autoptr(StTestReply) reply = st_test_call (session, server, "GET", "/api/v1/device", token, NULL);

  return reply->status;
}

static void
test_device_revoke (void)
{
  g_autofree char *db = st_test_db_path ("devices.db");
  g_autofree char *stolen = st_uuid_new ();
  g_autofree char *office = st_uuid_new ();
  g_autofree char *prefix = g_strndup (stolen, 30);   /* v7: the first characters are its time */
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *t1 = NULL, *t2 = NULL, *t3 = NULL;
  g_autofree char *out = NULL, *err = NULL, *json = NULL, *json2 = NULL;
  g_autoptr(JsonNode) node = NULL, node2 = NULL;
  g_autoptr(StTestReply) reply = NULL;
  JsonArray *devices;

  st_test_add_user (db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  server = st_test_server_start (db, NULL);
  t1 = st_test_sign_in (session, server, "qiaoma", stolen);
  t2 = st_test_sign_in (session, server, "qiaoma", office);
  g_assert_cmpuint (device_status (session, server, t1), ==, 200);

  /* Listed, with their account, both signed in. */
  g_assert_cmpint (st_test_admin (db, NULL, &json, NULL, "device", "list", "--json", NULL), ==, 0);
  node = parse (json);
  devices = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (devices), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *d = json_array_get_object_element (devices, i);

      g_assert_cmpstr (json_object_get_string_member (d, "account"), ==, "qiaoma");
      g_assert_true (json_object_get_boolean_member (d, "signed_in"));
      g_assert_true (json_object_get_null_member (d, "revoked_at"));
    }

  /* The stolen laptop, by the first characters of its id, while the
   * server runs: its token stops working at once; the office's does not. */
  g_assert_cmpint (st_test_admin (db, NULL, &out, NULL, "device", "revoke", prefix, NULL), ==, 0);
  g_assert_nonnull (strstr (out, stolen));
  reply = st_test_call (session, server, "GET", "/api/v1/device", t1, NULL);
  g_assert_cmpuint (reply->status, ==, 401);
  g_assert_cmpstr (st_test_reply_code (reply), ==, "invalid_token");
  g_assert_cmpuint (device_status (session, server, t2), ==, 200);

  g_assert_cmpint (st_test_admin (db, NULL, &json2, NULL, "device", "list", "--json", NULL), ==, 0);
  node2 = parse (json2);
  devices = json_node_get_array (node2);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *d = json_array_get_object_element (devices, i);
      gboolean is_stolen = g_str_equal (json_object_get_string_member (d, "id"), stolen);

      g_assert_cmpint (json_object_get_boolean_member (d, "signed_in"), ==, !is_stolen);
      g_assert_cmpint (json_object_get_null_member (d, "revoked_at"), ==, !is_stolen);
    }

  /* Unknown, or ambiguous: refused, nothing changed. */
  g_assert_cmpint (st_test_admin (db, NULL, NULL, &err, "device", "revoke", "ffffffff", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "device list"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (st_test_admin (db, NULL, NULL, &err, "device", "revoke", "", NULL), ==, 1);
  g_assert_cmpuint (device_status (session, server, t2), ==, 200);

  /* With the password, the laptop signs in again. */
  t3 = st_test_sign_in (session, server, "qiaoma", stolen);
  g_assert_cmpuint (device_status (session, server, t3), ==, 200);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (st_test_admin (db, NULL, &out, NULL, "device", "list", NULL), ==, 0);
  g_assert_null (strstr (out, "revoked"));
  st_test_server_stop (server);
}

/* Administration commands are audited: who, when, what; no password. */
static void
test_admin_audit (void)
{
  g_autofree char *db = st_test_db_path ("admin-audit.db");
  g_autofree char *device = st_uuid_new ();
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *token = NULL;
  g_autofree char *out = NULL, *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *commands[] = { "user add", "user modify", "user passwd", "user disable", "device revoke" };
  JsonArray *entries;

  st_test_add_user (db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  server = st_test_server_start (db, NULL);
  token = st_test_sign_in (session, server, "qiaoma", device);
  g_assert_cmpint (st_test_admin (db, NULL, NULL, NULL, "user", "modify", "qiaoma", "--township", ST_TEST_TOWNSHIP_B, NULL), ==, 0);
  g_assert_cmpint (st_test_admin (db, "another password\n", NULL, NULL, "user", "passwd", "qiaoma", NULL), ==, 0);
  g_assert_cmpint (st_test_admin (db, NULL, NULL, NULL, "user", "disable", "qiaoma", NULL), ==, 0);
  g_assert_cmpint (st_test_admin (db, NULL, NULL, NULL, "device", "revoke", device, NULL), ==, 0);

  g_assert_cmpint (st_test_admin (db, NULL, &json, NULL, "audit", "--admin", "--json", NULL), ==, 0);
  g_assert_null (strstr (json, "another password"));
  g_assert_null (strstr (json, ST_TEST_PASSWORD));
  node = parse (json);
  entries = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (entries), ==, G_N_ELEMENTS (commands));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);

      g_assert_cmpstr (json_object_get_string_member (e, "command"), ==, commands[i]);
      g_assert_cmpstr (json_object_get_string_member (e, "by"), ==, g_get_user_name ());
      g_assert_cmpint (json_object_get_int_member (e, "at"), >, 0);
    }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 1), "detail"), ==,
                   "role=township townships=" ST_TEST_TOWNSHIP_B);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 4), "target"), ==, device);

  /* Searched by account; as text. */
  g_assert_cmpint (st_test_admin (db, NULL, &out, NULL, "audit", "--admin", "--account", "qiaoma", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "user disable"));
  g_assert_null (strstr (out, "device revoke"));
  st_test_server_stop (server);
}

static guint
count_entries (const char *db,
               ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *store_db = st_test_store_db (db);
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) st_test_server_binary ());
  g_ptr_array_add (args, (gpointer) "--db");
  g_ptr_array_add (args, (gpointer) store_db);
  g_ptr_array_add (args, (gpointer) "audit");
  g_ptr_array_add (args, (gpointer) "--json");
  va_start (ap, db);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  process = g_subprocess_newv ((const char * const *) args->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &json, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  node = parse (json);
  return json_array_get_length (json_node_get_array (node));
}

/* `audit` by account, laptop, time and table. */
static void
test_audit_search (void)
{
  g_autofree char *db = st_test_db_path ("audit-search.db");
  g_autofree char *d1 = st_uuid_new ();
  g_autofree char *d2 = st_uuid_new ();
  g_autofree char *p1 = st_uuid_new ();
  g_autofree char *p2 = st_uuid_new ();
  g_autofree char *c1 = st_uuid_new ();
  g_autofree char *d2_prefix = g_strndup (d2, 30);
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *t1 = NULL, *t2 = NULL, *err = NULL, *out = NULL;
  g_autoptr(StTestReply) r1 = NULL, r2 = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *tomorrow_text = g_date_time_format (tomorrow, "%Y-%m-%d");
  gint64 t0 = st_test_hlc (-5000);
  g_autofree char *class_fields = g_strdup_printf ("{\"name\":\"审计班\",\"program_id\":\"%s\",\"township_code\":\"%s\","
                                                   "\"start_date\":\"2025-03-01\",\"deleted\":0}", p2, ST_TEST_TOWNSHIP_A);

  st_test_add_user (db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  st_test_add_user (db, "county", "county", NULL);
  server = st_test_server_start (db, NULL);
  t1 = st_test_sign_in (session, server, "qiaoma", d1);
  t2 = st_test_sign_in (session, server, "county", d2);
  r1 = st_test_push_take (session, server, t1, 0,
                          st_test_changes (st_test_change (1, "participants", p1, "insert", t0, 0,
                                                           st_test_participant ("甲", ST_TEST_TOWNSHIP_A, 81)),
                                           st_test_change (2, "classes", c1, "insert", t0 + 1, 0, g_strdup (class_fields)),
                                           NULL));
  g_assert_cmpuint (r1->status, ==, 200);
  r2 = st_test_push_take (session, server, t2, 0,
                          st_test_changes (st_test_change (1, "participants", p1, "update", t0 + 10, t0,
                                                           g_strdup ("{\"phone\":\"13512345678\"}")),
                                           st_test_change (2, "participants", p2, "insert", t0 + 11, 0,
                                                           st_test_participant ("乙", ST_TEST_TOWNSHIP_B, 82)),
                                           NULL));
  g_assert_cmpuint (r2->status, ==, 200);

  g_assert_cmpuint (count_entries (db, "--account", "qiaoma", NULL), ==, 2);
  g_assert_cmpuint (count_entries (db, "--account", "county", NULL), ==, 2);
  g_assert_cmpuint (count_entries (db, "--device", d2_prefix, NULL), ==, 2);
  g_assert_cmpuint (count_entries (db, "--table", "classes", NULL), ==, 1);
  g_assert_cmpuint (count_entries (db, "--table", "participants", "--account", "qiaoma", NULL), ==, 1);
  g_assert_cmpuint (count_entries (db, "--since", today, NULL), ==, 4);
  g_assert_cmpuint (count_entries (db, "--since", tomorrow_text, NULL), ==, 0);
  g_assert_cmpuint (count_entries (db, "--until", today, NULL), ==, 0);
  g_assert_cmpuint (count_entries (db, "--account", "county", "--limit", "1", NULL), ==, 1);

  /* As text: the table and key of each change. */
  g_assert_cmpint (st_test_admin (db, NULL, &out, NULL, "audit", "--table", "classes", NULL), ==, 0);
  g_assert_nonnull (strstr (out, c1));
  g_assert_nonnull (strstr (out, "qiaoma"));

  /* Asked nothing, or a time that is none: refused with a message. */
  g_assert_cmpint (st_test_admin (db, NULL, NULL, &err, "audit", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--account"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (st_test_admin (db, NULL, NULL, &err, "audit", "--since", "2025-13-01", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "2025-13-01"));
  st_test_server_stop (server);
}

static gint64
generation_of (SoupSession  *session,
               StTestServer *server)
{
  g_autofree char *token = st_test_sign_in (session, server, "county", "0192f7c4-5a6e-7b3c-8d9e-0f1a2b3c4d5e");
  g_autoptr(StTestReply) reply = st_test_call (session, server, "GET", "/api/v1/device", token, NULL);

  g_assert_cmpuint (reply->status, ==, 200);
  return json_object_get_int_member (json_object_get_object_member (st_test_reply_object (reply), "server"),
                                     "generation");
}

/* backup and restore refuse what would lose something, and say why. */
static void
test_backup_restore_checks (void)
{
  g_autofree char *db = st_test_db_path ("county.db");
  g_autofree char *backup = st_test_db_path ("county-backup.db");
  g_autofree char *garbage = st_test_db_path ("garbage.db");
  g_autofree char *fresh = st_test_db_path ("new-disk/county.db");
  g_autofree char *err = NULL, *out = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  if (st_test_store_is_pg ())
    {
      g_test_skip ("the server's own backup of its SQLite file; on PostgreSQL: /server/admin/pg-backup-restore");
      return;
    }
  st_test_add_user (db, "county", "county", NULL);
  g_assert_cmpint (st_test_admin (db, NULL, NULL, NULL, "backup", backup, NULL), ==, 0);
  g_assert_cmpint (g_stat (backup, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    g_autofree char *check = st_test_integrity_check (backup);

    g_assert_cmpstr (check, ==, "ok");
  }
  /* An existing file is kept unless --replace. */
  g_assert_cmpint (st_test_admin (db, NULL, NULL, &err, "backup", backup, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "exists already"));
  g_assert_cmpint (st_test_admin (db, NULL, NULL, NULL, "backup", backup, "--replace", NULL), ==, 0);

  /* Not a server database: refused, the database untouched. */
  g_assert_true (g_file_set_contents (garbage, "not a database at all", -1, &error));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (st_test_admin (db, NULL, NULL, &err, "restore", garbage, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "not a shuangti-server database"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (st_test_admin (db, NULL, &out, NULL, "user", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "county"));

  /* The database itself. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (st_test_admin (db, NULL, NULL, &err, "restore", db, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "the database itself"));

  /* Twice restored: generation 2; onto a new disk: generation 1. */
  g_assert_cmpint (st_test_admin (db, NULL, NULL, NULL, "restore", backup, NULL), ==, 0);
  g_assert_cmpint (st_test_admin (db, NULL, NULL, NULL, "restore", backup, NULL), ==, 0);
  server = st_test_server_start (db, NULL);
  g_assert_cmpint (generation_of (session, server), ==, 2);
  st_test_server_stop (server);
  g_clear_pointer (&server, st_test_server_free);
  g_assert_cmpint (st_test_admin (fresh, NULL, NULL, NULL, "restore", backup, NULL), ==, 0);
  server = st_test_server_start (fresh, NULL);
  g_assert_cmpint (generation_of (session, server), ==, 1);
  st_test_server_stop (server);
}

/* On PostgreSQL, backup and restore send the administrator to pg_dump and
 * pg_restore, and restore without a file marks the database restored. */
static void
test_pg_backup_restore (void)
{
  g_autofree char *db = st_test_db_path ("county.db");
  g_autofree char *backup = st_test_db_path ("county-backup.dump");
  g_autofree char *err = NULL, *out = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autoptr(StTestServer) server = NULL;

  if (!st_test_store_is_pg ())
    {
      g_test_skip ("PostgreSQL only");
      return;
    }
  st_test_add_user (db, "county", "county", NULL);
  g_assert_cmpint (st_test_admin (db, NULL, NULL, &err, "backup", backup, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "pg_dump"));
  g_assert_false (g_file_test (backup, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (st_test_admin (db, NULL, NULL, &err, "restore", backup, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "pg_restore"));
  /* The password never shows in a message. */
  g_assert_null (strstr (err, "password"));

  server = st_test_server_start (db, NULL);
  g_assert_cmpint (generation_of (session, server), ==, 0);
  st_test_server_stop (server);
  g_clear_pointer (&server, st_test_server_free);
  g_assert_cmpint (st_test_admin (db, NULL, &out, NULL, "restore", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "generation 1"));
  server = st_test_server_start (db, NULL);
  g_assert_cmpint (generation_of (session, server), ==, 1);
  st_test_server_stop (server);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/server/admin/device-revoke", test_device_revoke);
  g_test_add_func ("/server/admin/admin-audit", test_admin_audit);
  g_test_add_func ("/server/admin/audit-search", test_audit_search);
  g_test_add_func ("/server/admin/backup-restore-checks", test_backup_restore_checks);
  g_test_add_func ("/server/admin/pg-backup-restore", test_pg_backup_restore);
  return g_test_run ();
}
