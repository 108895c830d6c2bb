/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a county's IT person sees of a real shuangti-server: health, a
 * shutdown that finishes the requests in flight, logs without anyone's name,
 * ID number or token, HTTPS, plain HTTP refused off loopback, a laptop
 * database refused, the audit of a participant, connections that do not
 * pile up. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>

#include "st-db.h"
#include "st-test-server.h"
#include "st-uuid.h"

static char *
data_file (const char *name)
{
  return g_build_filename (g_getenv ("ST_TEST_SERVER_DATA"), name, NULL);
}

static void
test_health (void)
{
  g_autofree char *db = st_test_db_path ("health.db");
  g_autoptr(StTestServer) server = st_test_server_start (db, NULL);
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autoptr(StTestReply) reply = st_test_call (session, server, "GET", "/api/v1/health", NULL, NULL);
  JsonObject *health;
  gint64 header_time;

  g_assert_cmpuint (reply->status, ==, 200);
  health = st_test_reply_object (reply);
  g_assert_cmpstr (json_object_get_string_member (health, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (health, "database"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (health, "version"), ==, PACKAGE_VERSION);
  g_assert_cmpint (json_object_get_int_member (health, "api"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (health, "schema"), ==, st_db_get_latest_schema_version ());
  g_assert_cmpint (json_object_get_int_member (health, "storage_schema"), ==, 6);
  header_time = g_ascii_strtoll (soup_message_headers_get_one (reply->headers, "Shuangti-Server-Time"), NULL, 10);
  g_assert_cmpint (header_time, ==, json_object_get_int_member (health, "server_time"));
  g_assert_cmpint (ABS (header_time - g_get_real_time () / 1000), <, 60000);
  st_test_server_stop (server);
}

static void
test_graceful_shutdown (void)
{
  g_autofree char *db = st_test_db_path ("shutdown.db");
  g_autofree char *device = st_uuid_new ();
  g_autofree char *row = st_uuid_new ();
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *token = NULL;
  g_autofree char *change = NULL;
  g_autofree char *body = NULL;
  g_autofree char *head = NULL;
  g_autofree char *response = NULL;
  g_autoptr(GSocketConnection) in_flight = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(JsonObject) result = NULL;

  st_test_add_user (db, "county", "county", NULL);
  server = st_test_server_start (db, NULL);
  token = st_test_sign_in (session, server, "county", device);
  change = st_test_change (1, "participants", row, "insert", st_test_hlc (0), 0,
                           st_test_participant ("关机", ST_TEST_TOWNSHIP_A, 3));
  body = g_strdup_printf ("{\"changes\":[%s]}", change);
  head = g_strdup_printf ("POST /api/v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                          "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          token, strlen (body));

  /* A push is on its way when the service manager stops the server. */
  in_flight = st_test_raw_connect (server);
  st_test_raw_send (in_flight, head, strlen (head));
  st_test_raw_send (in_flight, body, 20);
  g_usleep (200000 * st_test_slowness ());
  g_subprocess_send_signal (server->process, SIGTERM);
  g_assert_true (st_test_server_wait_log (server, "shutdown", 10000 * st_test_slowness ()));

  /* No new connection is taken… */
  g_socket_client_set_timeout (client, 5);
  refused = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);

  /* …but the push in flight is finished and answered. */
  st_test_raw_send (in_flight, body + 20, strlen (body) - 20);
  response = st_test_raw_read (in_flight, 30000 * st_test_slowness ());
  g_assert_cmpuint (st_test_raw_status (response), ==, 200);
  result = st_test_raw_json (response);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (result, "results"), 0),
                                                  "result"), ==, "applied");

  g_assert_true (g_subprocess_wait (server->process, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (server->process));
  g_assert_cmpint (g_subprocess_get_exit_status (server->process), ==, 0);
  g_clear_pointer (&server, st_test_server_free);

  server = st_test_server_start (db, NULL);
  feed = st_test_pull_all (session, server, token, NULL, NULL);
  g_assert_nonnull (st_test_find_row (feed, row));
  st_test_server_stop (server);
}

static void
test_logs_are_private (void)
{
  g_autofree char *db = st_test_db_path ("logs.db");
  g_autofree char *device = st_uuid_new ();
  g_autofree char *row = st_uuid_new ();
  g_autofree char *id_number = st_test_id_number (4242);
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *token = NULL;
  g_autofree char *log = NULL;
  g_autoptr(StTestReply) pushed = NULL;
  g_autoptr(StTestReply) wrong = NULL;
  g_autoptr(GPtrArray) feed = NULL;

  st_test_add_user (db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  server = st_test_server_start (db, NULL);
  token = st_test_sign_in (session, server, "qiaoma", device);
  pushed = st_test_push_take (session, server, token, 0,
                         st_test_changes (st_test_change (1, "participants", row, "insert", st_test_hlc (0), 0,
                                                          st_test_participant ("王小明", ST_TEST_TOWNSHIP_A, 4242)),
                                          NULL));
  g_assert_cmpuint (pushed->status, ==, 200);
  feed = st_test_pull_all (session, server, token, NULL, NULL);
  g_assert_cmpuint (feed->len, ==, 1);
  wrong = st_test_call (session, server, "POST", "/api/v1/sign-in", NULL,
                        "{\"user\":\"qiaoma\",\"password\":\"wrong password\",\"device\":\"0192f7c4-5a6e-7b3c-8d9e-0f1a2b3c4d5e\"}");
  g_assert_cmpuint (wrong->status, ==, 401);
  /* A path is what the client sent: an ID number or a name in it. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/participants/%s", id_number);
    g_autoptr(StTestReply) unknown = st_test_call (session, server, "GET", path, token, NULL);
    g_autoptr(StTestReply) named = st_test_call (session, server, "GET", "/%E7%8E%8B%E5%B0%8F%E6%98%8E", token, NULL);

    g_assert_cmpuint (unknown->status, ==, 404);
    g_assert_cmpuint (named->status, ==, 404);
  }
  st_test_server_stop (server);

  log = st_test_server_log (server);
  g_assert_nonnull (strstr (log, "path=other(39) status=404"));
  /* The log says what happened… */
  g_assert_nonnull (strstr (log, "path=/api/v1/push status=200"));
  g_assert_nonnull (strstr (log, "changes=1 applied=1"));
  g_assert_nonnull (strstr (log, "path=/api/v1/pull status=200"));
  g_assert_nonnull (strstr (log, "signin_failed"));
  /* …and nothing of who. */
  g_assert_null (strstr (log, "王小明"));
  g_assert_null (strstr (log, "%E7%8E%8B"));
  g_assert_null (strstr (log, id_number));
  g_assert_null (strstr (log, token));
  g_assert_null (strstr (log, token + 4));
  g_assert_null (strstr (log, ST_TEST_PASSWORD));
  g_assert_null (strstr (log, "wrong password"));
  g_assert_null (strstr (log, "qiaoma"));
}

static gboolean
accept_test_certificate (SoupMessage          *msg,
                         GTlsCertificate      *certificate,
                         GTlsCertificateFlags  errors,
                         gpointer              user_data)
{
  GTlsCertificate *expected = user_data;

  /* Self-signed: trusted because it is the one the test gave the server. */
  return g_tls_certificate_is_same (certificate, expected);
}

static void
test_tls (void)
{
  g_autofree char *db = st_test_db_path ("tls.db");
  g_autofree char *cert = data_file ("test-cert.pem");
  g_autofree char *key = data_file ("test-key.pem");
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) expected = g_tls_certificate_new_from_file (cert, &error);
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GSocketConnection) plain = NULL;
  g_autofree char *plain_response = NULL;
  g_autofree char *key_copy = st_test_db_path ("key.pem");
  g_autofree char *key_text = NULL;

  g_assert_no_error (error);
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("glib-networking is not installed");
      return;
    }
  /* A key as the deployment keeps it: readable by the server's user only. */
  g_assert_true (g_file_get_contents (key, &key_text, NULL, NULL));
  g_assert_true (g_file_set_contents_full (key_copy, key_text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));

  server = st_test_server_start (db, "--tls-cert", cert, "--tls-key", key_copy, NULL);
  g_assert_true (g_str_has_prefix (server->url, "https://"));

  uri = g_strconcat (server->url, "/api/v1/health", NULL);
  msg = soup_message_new ("GET", uri);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_test_certificate), expected);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_nonnull (soup_message_get_tls_peer_certificate (msg));

  /* Plain HTTP on the HTTPS port gets no HTTP answer. */
  plain = st_test_raw_connect (server);
  st_test_raw_send (plain, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n", 39);
  plain_response = st_test_raw_read (plain, 5000 * st_test_slowness ());
  g_assert_cmpuint (st_test_raw_status (plain_response), ==, 0);
  st_test_server_stop (server);
}

/* Runs the server expecting it to refuse to start: its exit status, and its
 * message in @err. */
static int
start_refused (const char * const *argv,
               char              **err)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error));
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

static void
test_plain_http_off_loopback (void)
{
  g_autofree char *db = st_test_db_path ("plain.db");
  const char *argv[] = { st_test_server_binary (), "--db", db, "--listen", "0.0.0.0:0", NULL };
  g_autofree char *err = NULL;
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autoptr(StTestReply) reply = NULL;

  g_assert_cmpint (start_refused (argv, &err), ==, 1);
  g_assert_nonnull (strstr (err, "--insecure-http"));
  g_assert_nonnull (strstr (err, "--tls-cert"));

  /* Behind a TLS proxy the operator may say so. */
  server = st_test_server_start (db, "--listen", "0.0.0.0:0", "--insecure-http", NULL);
  g_assert_true (g_str_has_prefix (server->url, "http://0.0.0.0:"));
  g_free (server->url);
  server->url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  reply = st_test_call (session, server, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  st_test_server_stop (server);
}

static void
test_refuses_laptop_database (void)
{
  g_autofree char *path = st_test_db_path ("laptop.db");
  const char *argv[] = { st_test_server_binary (), "--db", path, "--listen", "127.0.0.1:0", NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int version;

  {
    g_autoptr(StDb) laptop = st_db_open (path, &error);

    g_assert_no_error (error);
    version = st_db_get_schema_version (laptop);
  }
  g_assert_cmpint (start_refused (argv, &err), ==, 1);
  g_assert_nonnull (strstr (err, "not a shuangti-server database"));
  {
    g_autoptr(StDb) again = st_db_open (path, &error);

    g_assert_no_error (error);
    g_assert_cmpint (st_db_get_schema_version (again), ==, version);
  }
}

static void
test_audit (void)
{
  g_autofree char *db = st_test_db_path ("audit.db");
  g_autofree char *d1 = st_uuid_new ();
  g_autofree char *d2 = st_uuid_new ();
  g_autofree char *row = st_uuid_new ();
  g_autofree char *id_number = st_test_id_number (77);
  g_autofree char *lower = g_ascii_strdown (id_number, -1);
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *qiaoma = NULL;
  g_autofree char *county = NULL;
  g_autofree char *out = NULL;
  g_autofree char *json = NULL;
  g_autofree char *err = NULL;
  g_autofree char *short_device = g_strndup (d2, 8);
  g_autoptr(StTestReply) r1 = NULL;
  g_autoptr(StTestReply) r2 = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *entries;
  gint64 t0 = st_test_hlc (-5000);

  st_test_add_user (db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  st_test_add_user (db, "county", "county", NULL);
  server = st_test_server_start (db, NULL);
  qiaoma = st_test_sign_in (session, server, "qiaoma", d1);
  county = st_test_sign_in (session, server, "county", d2);
  r1 = st_test_push_take (session, server, qiaoma, 0,
                     st_test_changes (st_test_change (1, "participants", row, "insert", t0, 0,
                                                      st_test_participant ("审计", ST_TEST_TOWNSHIP_A, 77)), NULL));
  r2 = st_test_push_take (session, server, county, 0,
                     st_test_changes (st_test_change (1, "participants", row, "update", t0 + 10, t0,
                                                      g_strdup ("{\"phone\":\"13512345678\"}")), NULL));
  g_assert_cmpuint (r2->status, ==, 200);

  /* By ID number, as a clerk would type it (lower-case x and all). */
  g_assert_cmpint (st_test_admin (db, NULL, &out, NULL, "audit", "--participant", lower, NULL), ==, 0);
  g_assert_nonnull (strstr (out, row));
  g_assert_nonnull (strstr (out, "qiaoma"));
  g_assert_nonnull (strstr (out, "county"));
  g_assert_nonnull (strstr (out, short_device));
  g_assert_nonnull (strstr (out, "13512345678"));
  g_assert_true (strstr (out, "qiaoma") < strstr (out, "county"));

  g_assert_cmpint (st_test_admin (db, NULL, &json, NULL, "audit", "--participant", row, "--json", NULL), ==, 0);
  node = json_from_string (json, NULL);
  g_assert_nonnull (node);
  entries = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0), "kind"), ==, "insert");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0), "account"), ==, "qiaoma");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0), "device"), ==, d1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 1), "account"), ==, "county");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 1), "result"), ==, "applied");
  g_assert_true (json_object_get_null_member (json_object_get_object_member (json_array_get_object_element (entries, 1), "old"),
                                              "phone"));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (entries, 1), "at"), >, 0);

  g_assert_cmpint (st_test_admin (db, NULL, NULL, &err, "audit", "--participant", "11010519491231002X", NULL), ==, 1);
  st_test_server_stop (server);
}

static guint
open_files (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_connections_do_not_pile_up (void)
{
  g_autofree char *db = st_test_db_path ("connections.db");
  g_autofree char *timeout = g_strdup_printf ("%u", 2 * st_test_slowness ());
  g_autoptr(StTestServer) server = st_test_server_start (db, "--request-timeout", timeout, NULL);
  g_autoptr(GSocketConnection) idle = NULL;
  g_autofree char *nothing = NULL;
  GPid pid;
  guint before = 0, after;
  gint64 started;

  if (!g_file_test ("/proc/self/fd", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no /proc");
      st_test_server_stop (server);
      return;
    }
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (server->process), NULL, 10);
  for (guint round = 0; round < 2; round++)
    {
      for (guint i = 0; i < 100; i++)
        {
          g_autoptr(SoupSession) session = st_test_session_new ();
          g_autoptr(StTestReply) reply = st_test_call (session, server, "GET", "/api/v1/health", NULL, NULL);

          g_assert_cmpuint (reply->status, ==, 200);
        }
      if (round == 0)
        before = open_files (pid);
    }
  /* Laptops come and go: the server's open files do not grow with them. */
  after = open_files (pid);
  g_assert_cmpuint (after, <=, before + 2);

  /* A connection that says nothing is closed by the server after the
   * request timeout (not left open until our read gives up). */
  idle = st_test_raw_connect (server);
  started = g_get_monotonic_time ();
  nothing = st_test_raw_read (idle, (10 + 2 * st_test_slowness ()) * 1000);
  g_assert_cmpstr (nothing, ==, "");
  g_assert_cmpint (g_get_monotonic_time () - started, <, (gint64) (5 + 2 * st_test_slowness ()) * G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, (gint64) (2 * st_test_slowness () - 1) * G_USEC_PER_SEC);
  st_test_server_stop (server);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/server/ops/health", test_health);
  g_test_add_func ("/server/ops/graceful-shutdown", test_graceful_shutdown);
  g_test_add_func ("/server/ops/logs-are-private", test_logs_are_private);
  g_test_add_func ("/server/ops/tls", test_tls);
  g_test_add_func ("/server/ops/plain-http-off-loopback", test_plain_http_off_loopback);
  g_test_add_func ("/server/ops/refuses-laptop-database", test_refuses_laptop_database);
  g_test_add_func ("/server/ops/audit", test_audit);
  g_test_add_func ("/server/ops/connections-do-not-pile-up", test_connections_do_not_pile_up);

  return g_test_run ();
}
