/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Versions (issue 16, item 4): a newer server serves an older laptop — its
 * requests kept as fixtures (fixtures/protocol1/) —, and an older server
 * refuses a newer laptop by name, never with unknown_field on every push;
 * the command line says so in the clerk's language. */
#include "config.h"

#include <locale.h>

#include "st-db.h"
#include "st-json-guard.h"
#include "st-sync.h"
#include "st-test-server.h"
#include "st-test-store.h"
#include "st-uuid.h"

typedef struct
{
  char         *db;
  StTestServer *server;
  SoupSession  *session;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->db = st_test_db_path ("server.db");
  st_test_add_user (f->db, "county", "county", NULL);
  f->server = st_test_server_start (f->db, NULL);
  f->session = st_test_session_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  st_test_server_stop (f->server);
  st_test_server_free (f->server);
  g_object_unref (f->session);
  g_free (f->db);
}

static char *
fixture_text (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "server", "fixtures", "protocol1", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return g_strchomp (text);
}

/* A request with the version headers a laptop states (NULL: none). */
static StTestReply *
call (Fixture    *f,
      const char *method,
      const char *path,
      const char *token,
      const char *body,
      const char *protocol,
      const char *schema)
{
  g_autofree char *uri = g_strconcat (f->server->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GError) error = NULL;
  StTestReply *reply = g_new0 (StTestReply, 1);

  if (protocol != NULL)
    {
      soup_message_headers_replace (headers, "Shuangti-Protocol", protocol);
      soup_message_headers_replace (headers, "Shuangti-Version", "9.9.9");
    }
  if (schema != NULL)
    soup_message_headers_replace (headers, "Shuangti-Schema", schema);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply->body = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));

    reply->json = st_json_from_string (text, NULL);
  }
  return reply;
}

static gint64
server_schema (void)
{
  return st_db_get_latest_schema_version ();
}

/* Protocol 1 laptops (no version headers, "c1." cursors) are served. */
static void
test_protocol1_client (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *sign_in = fixture_text ("sign-in.json");
  g_autofree char *push = fixture_text ("push.json");
  g_autofree char *cursor = fixture_text ("pull-cursor.txt");
  g_autofree char *pull_old = g_strdup_printf ("/api/v1/pull?limit=5000&cursor=%s", cursor);
  g_autoptr(StTestReply) r1 = call (f, "POST", "/api/v1/sign-in", NULL, sign_in, NULL, NULL);
  g_autoptr(StTestReply) r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL;
  const char *token;
  JsonArray *results, *changes;

  g_assert_cmpuint (r1->status, ==, 200);
  token = json_object_get_string_member (st_test_reply_object (r1), "token");
  g_assert_cmpint (json_object_get_int_member (st_test_reply_object (r1), "schema"), ==, server_schema ());
  g_assert_cmpstr (soup_message_headers_get_one (r1->headers, "Shuangti-Protocol"), ==, "2");

  r2 = call (f, "POST", "/api/v1/push", token, push, NULL, NULL);
  g_assert_cmpuint (r2->status, ==, 200);
  results = json_object_get_array_member (st_test_reply_object (r2), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "result"), ==, "applied");

  /* Sent again (a lost answer): nothing twice. */
  r3 = call (f, "POST", "/api/v1/push", token, push, NULL, NULL);
  g_assert_cmpuint (r3->status, ==, 200);
  results = json_object_get_array_member (st_test_reply_object (r3), "results");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "result"), ==, "duplicate");

  /* A first pull without "fresh": tombstones and all, as protocol 1 had. */
  r4 = call (f, "GET", "/api/v1/pull?limit=5000", token, NULL, NULL, NULL);
  g_assert_cmpuint (r4->status, ==, 200);
  changes = json_object_get_array_member (st_test_reply_object (r4), "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (st_test_reply_object (r4), "cursor"), "c2."));

  /* The cursor an older server issued still reads the same feed. */
  r5 = call (f, "GET", pull_old, token, NULL, NULL, NULL);
  g_assert_cmpuint (r5->status, ==, 200);
  g_assert_false (json_object_get_boolean_member (st_test_reply_object (r5), "reset"));
  changes = json_object_get_array_member (st_test_reply_object (r5), "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (changes, 0),
                                                                                 "fields"), "phone"), ==, "13800000000");

  r6 = call (f, "GET", "/api/v1/device", token, NULL, NULL, NULL);
  g_assert_cmpuint (r6->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (st_test_reply_object (r6), "device"),
                                               "acked_seq"), ==, 2);
}

static void
assert_too_old (StTestReply *reply,
                const char  *what)
{
  JsonObject *body = st_test_reply_object (reply);

  g_assert_cmpuint (reply->status, ==, 409);
  g_assert_cmpstr (st_test_reply_code (reply), ==, "server_too_old");
  g_assert_nonnull (strstr (json_object_get_string_member (body, "message"), what));
  g_assert_nonnull (strstr (json_object_get_string_member (body, "message"),
                            "ask the county office to update the server to Shuangti 9.9.9"));
  g_assert_cmpstr (json_object_get_string_member (body, "server_version"), ==, PACKAGE_VERSION);
  g_assert_cmpint (json_object_get_int_member (body, "server_schema"), ==, server_schema ());
  g_assert_cmpint (json_object_get_int_member (body, "server_protocol"), ==, 2);
}

/* A laptop newer than the server: refused by name, at sign-in and on
 * every request, before its changes are read. */
static void
test_newer_laptop (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *sign_in = fixture_text ("sign-in.json");
  g_autofree char *newer_schema = g_strdup_printf ("%" G_GINT64_FORMAT, server_schema () + 1);
  g_autofree char *same_schema = g_strdup_printf ("%" G_GINT64_FORMAT, server_schema ());
  g_autofree char *token = st_test_sign_in (f->session, f->server, "county", "0192f7c4-5a6e-7b3c-8d9e-0f1a2b3c4d5e");
  /* A field this server has never heard of: the newer schema's. */
  const char *push = "{\"epoch\":0,\"changes\":[{\"seq\":1,\"table\":\"participants\","
                     "\"row\":\"0192f7c4-5a6e-7b3c-8d9e-0f1a2b3c4d60\",\"kind\":\"update\",\"hlc\":115598426112000000,"
                     "\"base_hlc\":115598426111000000,\"fields\":{\"wechat\":\"zhangsan\"}}]}";
  g_autoptr(StTestReply) r1 = call (f, "POST", "/api/v1/sign-in", NULL, sign_in, "3", same_schema);
  g_autoptr(StTestReply) r2 = call (f, "POST", "/api/v1/push", token, push, "2", newer_schema);
  g_autoptr(StTestReply) r3 = call (f, "GET", "/api/v1/pull", token, NULL, "3", same_schema);
  g_autoptr(StTestReply) r4 = call (f, "GET", "/api/v1/device", token, NULL, "2", newer_schema);
  g_autoptr(StTestReply) r5 = call (f, "GET", "/api/v1/health", NULL, NULL, "3", newer_schema);
  g_autoptr(StTestReply) r6 = call (f, "GET", "/api/v1/device", token, NULL, "abc", NULL);
  g_autoptr(StTestReply) r7 = call (f, "POST", "/api/v1/push", token, push, "2", same_schema);

  assert_too_old (r1, "protocol 3");
  assert_too_old (r2, newer_schema);
  assert_too_old (r3, "protocol 3");
  assert_too_old (r4, newer_schema);
  /* Health answers anyone: it is how a laptop learns the versions. */
  g_assert_cmpuint (r5->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (st_test_reply_object (r5), "protocol"), ==, 2);
  g_assert_cmpuint (r6->status, ==, 400);
  /* The same push from a laptop of this server's schema is read (and this
   * one is wrong: the field does not exist here). */
  g_assert_cmpuint (r7->status, ==, 400);
  g_assert_cmpstr (st_test_reply_code (r7), ==, "unknown_field");
}

/* The command line against a server older than it: the message names both
 * versions and says what to do, in English and in Chinese. */
static void
run_cli_sign_in (const char  *db,
                 const char  *url,
                 const char  *language,
                 char       **err,
                 int         *status)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "ST_PASSWORD", ST_TEST_PASSWORD, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("ST_CLI"), "--db", db, "sync",
                                         "--server", url, "--user", "county", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error));
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (process);
}

static void
test_cli_message (void)
{
  g_autofree char *db = st_test_db_path ("old-server.db");
  g_autofree char *laptop = st_test_db_path ("laptop.db");
  g_autofree char *older = g_strdup_printf ("%" G_GINT64_FORMAT, server_schema () - 1);
  g_autoptr(StTestServer) server = NULL;
  g_autofree char *err = NULL, *err_zh = NULL;
  g_autofree char *expected = NULL;
  int status;

  st_test_add_user (db, "county", "county", NULL);
  g_setenv ("ST_SERVER_PRETEND_SCHEMA", older, TRUE);
  server = st_test_server_start (db, NULL);
  g_unsetenv ("ST_SERVER_PRETEND_SCHEMA");

  run_cli_sign_in (laptop, server->url, "", &err, &status);
  g_assert_cmpint (status, ==, 1);
  expected = g_strdup_printf ("Ask the county office to update the server to Shuangti %s or later.", PACKAGE_VERSION);
  g_assert_nonnull (strstr (err, expected));
  g_assert_nonnull (strstr (err, older));
  g_assert_null (strstr (err, "unknown_field"));

  run_cli_sign_in (laptop, server->url, "zh_CN", &err_zh, &status);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err_zh, "请县里"));
  g_assert_nonnull (strstr (err_zh, PACKAGE_VERSION));
  st_test_server_stop (server);
}

/* The rows of fixtures/store3/server.sql, a database shuangti-server wrote
 * under storage schema 3 (README there). */
#define STORE3_KLASS      "0193a000-0000-7000-8000-000000000002"
#define STORE3_SESSION    "0193a000-0000-7000-8000-000000000003"
#define STORE3_PERSON     "0193a000-0000-7000-8000-000000000004"
#define STORE3_ENROLMENT  "0193a000-0000-7000-8000-000000000005"
#define STORE3_ASSIGNMENT "0193a000-0000-7000-8000-000000000007"
#define STORE3_OTHER      "0193a000-0000-7000-8000-000000000008"
#define STORE3_NUMBER     "52232719920704001X"

static gint64
entry_seq (GPtrArray  *feed,
           const char *row)
{
  JsonObject *entry = st_test_find_row (feed, row);

  g_assert_nonnull (entry);
  return json_object_get_int_member (entry, "seq");
}

static const char *
entry_field (GPtrArray  *feed,
             const char *row,
             const char *name)
{
  JsonObject *entry = st_test_find_row (feed, row);

  g_assert_nonnull (entry);
  return json_object_get_string_member_with_default (json_object_get_object_member (entry, "fields"), name, NULL);
}

static gboolean
entry_deleted (GPtrArray  *feed,
               const char *row)
{
  JsonObject *entry = st_test_find_row (feed, row);

  g_assert_nonnull (entry);
  return json_object_get_boolean_member (entry, "deleted");
}

/* A county's database from before storage schema 5 (issue 16, item 8: a
 * row's feed position became a column of its own, and the keys of people
 * and enrolments columns with their indexes): the server upgrades it at
 * start; every row keeps its place in the feed, and the same person
 * registered again is found through the migrated rows — the old person, its
 * enrolment, attendance and the assignment on the enrolment move to the
 * one registered first. */
static void
test_store3_migrates (void)
{
  g_autofree char *db = st_test_db_path ("store3.db");
  g_autofree char *sql_path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "server", "fixtures", "store3",
                                                "server.sql", NULL);
  g_autofree char *sql = NULL;
  g_autofree char *device = st_uuid_new ();
  g_autofree char *first = st_uuid_new ();
  g_autofree char *token = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *moved_enrolment = st_uuid_v5_pair (ST_UUID_NS_ENROLMENT, first, STORE3_KLASS);
  g_autofree char *moved_attendance = st_uuid_v5_pair (ST_UUID_NS_ATTENDANCE, STORE3_SESSION, first);
  g_autoptr(GError) error = NULL;
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(GPtrArray) later = NULL;
  g_autoptr(StTestReply) reply = NULL;
  g_autoptr(StTestReply) health = NULL;
  sqlite3 *handle = NULL;
  gint64 registered;

  /* The older server's file, as it left it. */
  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (st_db_sqlite_open (db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    /* The feed positions the older server gave (an update had moved
     * STORE3_OTHER to the end). */
    before = g_ptr_array_new_with_free_func (g_free);
    g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT seq, id FROM records ORDER BY seq", -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (before, g_strdup_printf ("%lld %s", (long long) sqlite3_column_int64 (stmt, 0),
                                                (const char *) sqlite3_column_text (stmt, 1)));
    sqlite3_finalize (stmt);
    /* The registration clock of the person: the new one is registered
     * before it. */
    g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT hlc FROM records WHERE id = '" STORE3_PERSON "'", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    registered = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (handle);
  g_assert_cmpuint (before->len, ==, 7);

  server = st_test_server_start (db, NULL);
  health = st_test_call (session, server, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpint (json_object_get_int_member (st_test_reply_object (health), "storage_schema"), ==, 6);
  token = st_test_sign_in (session, server, "county", device);

  /* Every row where it was in the feed. */
  feed = st_test_pull_all (session, server, token, NULL, &cursor);
  g_assert_cmpuint (feed->len, ==, before->len);
  for (guint i = 0; i < feed->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (feed, i);
      g_autofree char *position = g_strdup_printf ("%" G_GINT64_FORMAT " %s", json_object_get_int_member (entry, "seq"),
                                                   json_object_get_string_member (entry, "row"));

      g_assert_cmpstr (position, ==, g_ptr_array_index (before, i));
    }

  /* The same person, registered earlier on another laptop, arrives now. */
  {
    g_autofree char *fields = g_strdup_printf ("{\"id_number\":\"%s\",\"name\":\"张三\",\"sex\":1,"
                                               "\"birth_date\":\"1992-07-04\",\"region_code\":\"522327\","
                                               "\"township_code\":\"%s\",\"phone\":\"13900000000\",\"deleted\":0}",
                                               STORE3_NUMBER, ST_TEST_TOWNSHIP_A);
    g_autofree char *changes = st_test_changes (st_test_change (1, "participants", first, "insert", registered - 1000, 0,
                                                                g_steal_pointer (&fields)),
                                                NULL);

    reply = st_test_push (session, server, token, 0, changes);
    g_assert_cmpuint (reply->status, ==, 200);
  }
  later = st_test_pull_all (session, server, token, cursor, NULL);
  g_clear_pointer (&feed, g_ptr_array_unref);
  feed = st_test_pull_all (session, server, token, NULL, NULL);

  /* One live person with the number: the one registered first. */
  g_assert_false (entry_deleted (feed, first));
  g_assert_true (entry_deleted (feed, STORE3_PERSON));
  g_assert_cmpstr (entry_field (feed, STORE3_PERSON, "merged_into"), ==, first);
  /* What hung on the old person, found by the migrated keys, hangs on the
   * one that stays. */
  g_assert_true (entry_deleted (feed, STORE3_ENROLMENT));
  g_assert_false (entry_deleted (feed, moved_enrolment));
  g_assert_cmpstr (entry_field (feed, moved_enrolment, "participant_id"), ==, first);
  g_assert_false (entry_deleted (feed, moved_attendance));
  g_assert_cmpstr (entry_field (feed, moved_attendance, "participant_id"), ==, first);
  g_assert_cmpstr (entry_field (feed, STORE3_ASSIGNMENT, "enrolment_id"), ==, moved_enrolment);
  /* The rows that changed came after the cursor, past every older one;
   * the one that did not kept its place. */
  g_assert_nonnull (st_test_find_row (later, STORE3_PERSON));
  g_assert_nonnull (st_test_find_row (later, STORE3_ASSIGNMENT));
  g_assert_null (st_test_find_row (later, STORE3_OTHER));
  g_assert_cmpint (entry_seq (feed, STORE3_ASSIGNMENT), >, entry_seq (feed, STORE3_OTHER));
  g_assert_cmpint (entry_seq (feed, STORE3_OTHER), ==, 8);
  st_test_server_stop (server);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/server/version/protocol1-client", Fixture, NULL, fixture_set_up, test_protocol1_client, fixture_tear_down);
  g_test_add ("/server/version/newer-laptop", Fixture, NULL, fixture_set_up, test_newer_laptop, fixture_tear_down);
  g_test_add_func ("/server/version/cli-message", test_cli_message);
  /* A SQLite file an older server wrote: the SQLite store's own migration
   * (PostgreSQL's schema 5 changes nothing; tests/sync/test-sync-migrate
   * moves such a county to PostgreSQL). */
  if (!st_test_store_is_pg ())
    g_test_add_func ("/server/version/store3-migrates", test_store3_migrates);
  return g_test_run ();
}
