/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "st-hlc.h"
#include "st-idcard.h"
#include "st-test-server.h"
#include "st-test-store.h"

static char *server_binary;

void
st_test_set_server_binary (const char *path)
{
  g_free (server_binary);
  server_binary = g_strdup (path);
}

const char *
st_test_server_binary (void)
{
  if (server_binary == NULL)
    server_binary = g_strdup (g_getenv ("ST_SERVER"));
  g_assert_nonnull (server_binary);
  return server_binary;
}

char *
st_test_db_path (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

void
st_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static gboolean
under_valgrind (void)
{
  return g_strcmp0 (g_getenv ("ST_VALGRIND"), "1") == 0;
}

guint
st_test_slowness (void)
{
  return under_valgrind () ? 10 : 1;
}

static GSubprocessLauncher *
launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  /* Argon2id at its cheapest: a test signs in hundreds of times. */
  g_subprocess_launcher_setenv (launcher, "ST_SERVER_CHEAP_HASH", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "ST_FAILPOINT");
  return launcher;
}

StTestServer *
st_test_server_startv (const char         *db_path,
                       const char * const *args,
                       const char         *failpoint)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  StTestServer *server = g_new0 (StTestServer, 1);
  static guint counter;
  const char *url;

  server->db_path = g_strdup (db_path);
  server->log_path = g_strdup_printf ("%s.%u.log", db_path, ++counter);
  server->valgrind = under_valgrind ();

  if (server->valgrind)
    {
      g_autofree char *supp = g_test_build_filename (G_TEST_DIST, "valgrind.supp", NULL);
      g_autofree char *soup_supp = g_test_build_filename (G_TEST_DIST, "server", "libsoup.supp", NULL);

      g_ptr_array_add (argv, g_strdup ("valgrind"));
      g_ptr_array_add (argv, g_strdup ("--quiet"));
      g_ptr_array_add (argv, g_strdup ("--error-exitcode=99"));
      g_ptr_array_add (argv, g_strdup ("--leak-check=full"));
      g_ptr_array_add (argv, g_strdup ("--errors-for-leak-kinds=definite"));
      g_ptr_array_add (argv, g_strdup_printf ("--suppressions=%s", supp));
      g_ptr_array_add (argv, g_strdup_printf ("--suppressions=%s", soup_supp));
    }
  g_ptr_array_add (argv, g_strdup (st_test_server_binary ()));
  g_ptr_array_add (argv, g_strdup ("--db"));
  g_ptr_array_add (argv, st_test_store_db (db_path));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1:0"));
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  if (failpoint != NULL)
    g_subprocess_launcher_setenv (launcher, "ST_FAILPOINT", failpoint, TRUE);
  if (server->valgrind)
    g_subprocess_launcher_setenv (launcher, "G_SLICE", "always-malloc", TRUE);
  g_subprocess_launcher_set_stderr_file_path (launcher, server->log_path);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* The first line says where it listens: "Listening on http://…/". */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL)
    {
      g_autofree char *log = st_test_server_log (server);

      g_error ("shuangti-server did not start: %s", log);
    }
  url = strstr (line, "http");
  g_assert_nonnull (url);
  server->url = g_strdup (url);
  if (g_str_has_suffix (server->url, "/"))
    server->url[strlen (server->url) - 1] = '\0';
  server->port = (guint16) g_ascii_strtoull (strrchr (server->url, ':') + 1, NULL, 10);
  g_assert_cmpuint (server->port, >, 0);
  return server;
}

StTestServer *
st_test_server_start (const char *db_path,
                      ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, db_path);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return st_test_server_startv (db_path, (const char * const *) args->pdata, NULL);
}

void
st_test_server_stop (StTestServer *server)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (server->process, SIGTERM);
  g_assert_true (g_subprocess_wait (server->process, NULL, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (server->process) || g_subprocess_get_exit_status (server->process) != 0)
    {
      g_autofree char *log = st_test_server_log (server);

      g_error ("shuangti-server did not stop cleanly (status %d): %s",
               g_subprocess_get_status (server->process), log);
    }
}

void
st_test_server_kill (StTestServer *server)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_force_exit (server->process);
  g_assert_true (g_subprocess_wait (server->process, NULL, &error));
  g_assert_true (g_subprocess_get_if_signaled (server->process));
}

void
st_test_server_free (StTestServer *server)
{
  if (server == NULL)
    return;
  if (server->process != NULL && g_subprocess_get_identifier (server->process) != NULL)
    {
      g_subprocess_force_exit (server->process);
      g_subprocess_wait (server->process, NULL, NULL);
    }
  g_clear_object (&server->process);
  g_free (server->url);
  g_free (server->db_path);
  g_free (server->log_path);
  g_free (server);
}

char *
st_test_server_log (StTestServer *server)
{
  char *text = NULL;

  if (!g_file_get_contents (server->log_path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

gboolean
st_test_server_wait_log (StTestServer *server,
                         const char   *needle,
                         guint         timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *log = st_test_server_log (server);

      if (strstr (log, needle) != NULL)
        return TRUE;
      g_usleep (10000);
    }
  return FALSE;
}

int
st_test_admin (const char  *db_path,
               const char  *input,
               char       **out,
               char       **err,
               ...)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                          | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_autofree char *db = st_test_store_db (db_path);
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) st_test_server_binary ());
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  /* The input comes from a file, not a pipe: a command that exits without
   * reading it (a refusal) would make writing to a pipe fail (EPIPE). */
  {
    g_autofree char *input_path = NULL;
    int fd = g_file_open_tmp ("shuangti-admin-input-XXXXXX", &input_path, &error);

    g_assert_no_error (error);
    close (fd);
    g_assert_true (g_file_set_contents (input_path, input ? input : "", -1, &error));
    g_subprocess_launcher_set_stdin_file_path (launcher, input_path);
    process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error));
    g_assert_no_error (error);
    g_unlink (input_path);
  }
  if (out)
    *out = g_steal_pointer (&stdout_text);
  if (err)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

void
st_test_add_user (const char *db_path,
                  const char *name,
                  const char *role,
                  ...)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                          | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                          | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *db = st_test_store_db (db_path);
  const char *township;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) st_test_server_binary ());
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db);
  g_ptr_array_add (argv, (gpointer) "user");
  g_ptr_array_add (argv, (gpointer) "add");
  g_ptr_array_add (argv, (gpointer) name);
  g_ptr_array_add (argv, (gpointer) "--role");
  g_ptr_array_add (argv, (gpointer) role);
  va_start (ap, role);
  while ((township = va_arg (ap, const char *)) != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--township");
      g_ptr_array_add (argv, (gpointer) township);
    }
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, ST_TEST_PASSWORD "\n", NULL, NULL, &err, &error));
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != 0)
    g_error ("user add %s failed: %s", name, err);
}

SoupSession *
st_test_session_new (void)
{
  return soup_session_new_with_options ("timeout", 120 * st_test_slowness (),
                                        "max-conns", 100, "max-conns-per-host", 100, NULL);
}

StTestReply *
st_test_call_bytes (SoupSession  *session,
                    StTestServer *server,
                    const char   *method,
                    const char   *path,
                    const char   *token,
                    const char   *content_type,
                    const char   *content_encoding,
                    GBytes       *body)
{
  g_autofree char *uri = g_strconcat (server->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  StTestReply *reply = g_new0 (StTestReply, 1);

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (content_encoding != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Encoding", content_encoding);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  reply->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  {
    /* json_from_string () needs a NUL-terminated string. */
    g_autofree char *text = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));

    reply->json = json_from_string (text, NULL);
  }
  return reply;
}

StTestReply *
st_test_call (SoupSession  *session,
              StTestServer *server,
              const char   *method,
              const char   *path,
              const char   *token,
              const char   *body)
{
  g_autoptr(GBytes) bytes = body ? g_bytes_new (body, strlen (body)) : NULL;

  return st_test_call_bytes (session, server, method, path, token,
                             body ? "application/json" : NULL, NULL, bytes);
}

void
st_test_reply_free (StTestReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_free (reply);
}

JsonObject *
st_test_reply_object (StTestReply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

const char *
st_test_reply_code (StTestReply *reply)
{
  JsonObject *object = st_test_reply_object (reply);

  /* Every error body has a code, a message and the server's time. */
  g_assert_true (json_object_has_member (object, "message"));
  g_assert_true (json_object_has_member (object, "server_time"));
  return json_object_get_string_member (object, "code");
}

char *
st_test_sign_in (SoupSession  *session,
                 StTestServer *server,
                 const char   *user,
                 const char   *device)
{
  g_autofree char *body = g_strdup_printf ("{\"user\":\"%s\",\"password\":\"%s\",\"device\":\"%s\"}",
                                           user, ST_TEST_PASSWORD, device);
  g_autoptr(StTestReply) reply = st_test_call (session, server, "POST", "/api/v1/sign-in", NULL, body);

  if (reply->status != 200)
    g_error ("sign-in of %s: %u %s", user, reply->status,
             (const char *) g_bytes_get_data (reply->body, NULL));
  return g_strdup (json_object_get_string_member (st_test_reply_object (reply), "token"));
}

StTestReply *
st_test_push (SoupSession  *session,
              StTestServer *server,
              const char   *token,
              gint64        epoch,
              const char   *changes)
{
  g_autofree char *body = g_strdup_printf ("{\"epoch\":%" G_GINT64_FORMAT ",\"changes\":%s}", epoch, changes);

  return st_test_call (session, server, "POST", "/api/v1/push", token, body);
}

StTestReply *
st_test_push_take (SoupSession  *session,
                   StTestServer *server,
                   const char   *token,
                   gint64        epoch,
                   char         *changes)
{
  g_autofree char *owned = changes;

  return st_test_push (session, server, token, epoch, owned);
}

GPtrArray *
st_test_pull_all (SoupSession  *session,
                  StTestServer *server,
                  const char   *token,
                  const char   *from_cursor,
                  char        **cursor)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autofree char *next = g_strdup (from_cursor);
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = NULL;
      g_autoptr(StTestReply) reply = NULL;
      JsonObject *page;
      JsonArray *changes;

      if (next != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (next, NULL, FALSE);

          path = g_strdup_printf ("/api/v1/pull?limit=5000&cursor=%s", escaped);
        }
      else
        path = g_strdup ("/api/v1/pull?limit=5000");
      reply = st_test_call (session, server, "GET", path, token, NULL);
      g_assert_cmpuint (reply->status, ==, 200);
      page = st_test_reply_object (reply);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        g_ptr_array_add (entries, json_object_ref (json_array_get_object_element (changes, i)));
      g_free (next);
      next = g_strdup (json_object_get_string_member (page, "cursor"));
      more = json_object_get_boolean_member (page, "more");
    }
  if (cursor)
    *cursor = g_steal_pointer (&next);
  return entries;
}

JsonObject *
st_test_find_row (GPtrArray  *entries,
                  const char *row)
{
  for (guint i = 0; i < entries->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "row"), row) == 0)
        return entry;
    }
  return NULL;
}

guint
st_test_count_table (GPtrArray  *entries,
                     const char *table)
{
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (json_object_get_string_member (g_ptr_array_index (entries, i), "table"), table) == 0)
      n++;
  return n;
}

gint64
st_test_hlc (gint64 offset_ms)
{
  static gint counter;

  /* Distinct stamps even within one millisecond, as a laptop's clock makes
   * them. */
  return (gint64) ST_HLC_PACK (g_get_real_time () / 1000 + offset_ms, g_atomic_int_add (&counter, 1) & 0xfff);
}

char *
st_test_id_number (guint n)
{
  char digits[19];

  g_snprintf (digits, sizeof digits, "522327%04u%02u%02u%03u",
              1970 + n % 30, 1 + (n / 30) % 12, 1 + (n / 360) % 28, (n / 10080) % 1000);
  digits[17] = st_idcard_check_character (digits);
  digits[18] = '\0';
  return g_strdup (digits);
}

char *
st_test_participant (const char *name,
                     const char *township,
                     guint       n)
{
  g_autofree char *number = st_test_id_number (n);

  return g_strdup_printf ("{\"id_number\":\"%s\",\"name\":\"%s\",\"sex\":%d,\"birth_date\":\"%.4s-%.2s-%.2s\","
                          "\"region_code\":\"522327\",\"township_code\":\"%s\",\"deleted\":0}",
                          number, name, (number[16] - '0') % 2 ? 1 : 2,
                          number + 6, number + 10, number + 12, township);
}

char *
st_test_change (gint64      seq,
                const char *table,
                const char *row,
                const char *kind,
                gint64      hlc,
                gint64      base_hlc,
                char       *fields)
{
  g_autofree char *owned = fields;
  g_autofree char *base = base_hlc ? g_strdup_printf ("%" G_GINT64_FORMAT, base_hlc) : g_strdup ("null");

  return g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"table\":\"%s\",\"row\":\"%s\",\"kind\":\"%s\","
                          "\"hlc\":%" G_GINT64_FORMAT ",\"base_hlc\":%s,\"fields\":%s}",
                          seq, table, row, kind, hlc, base, fields);
}

char *
st_test_changes (char *first,
                 ...)
{
  g_autoptr(GString) out = g_string_new ("[");
  char *change = first;
  va_list ap;

  va_start (ap, first);
  while (change != NULL)
    {
      if (out->len > 1)
        g_string_append_c (out, ',');
      g_string_append (out, change);
      g_free (change);
      change = va_arg (ap, char *);
    }
  va_end (ap);
  g_string_append_c (out, ']');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

GSocketConnection *
st_test_raw_connect (StTestServer *server)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection = g_socket_client_connect_to_host (client, "127.0.0.1", server->port,
                                                                   NULL, &error);

  g_assert_no_error (error);
  return connection;
}

void
st_test_raw_send (GSocketConnection *connection,
                  const void        *data,
                  gsize              size)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), data, size,
                             NULL, NULL, &error);
  g_assert_no_error (error);
}

char *
st_test_raw_read (GSocketConnection *connection,
                  guint              timeout_ms)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autoptr(GString) out = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      char buffer[4096];
      gssize n;
      gint64 left = deadline - g_get_monotonic_time ();

      if (left <= 0)
        break;
      if (!g_socket_condition_timed_wait (socket, G_IO_IN, left, NULL, NULL))
        break;
      n = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        break;
      g_string_append_len (out, buffer, n);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

guint
st_test_raw_status (const char *response)
{
  if (!g_str_has_prefix (response, "HTTP/1."))
    return 0;
  return (guint) g_ascii_strtoull (response + 9, NULL, 10);
}

JsonObject *
st_test_raw_json (const char *response)
{
  const char *body = strstr (response, "\r\n\r\n");
  g_autoptr(JsonNode) node = NULL;

  g_assert_nonnull (body);
  node = json_from_string (body + 4, NULL);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

char *
st_test_integrity_check (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  /* PostgreSQL: every table of the store reads to its end (its pages and
   * its indexes are PostgreSQL's to keep sound). */
  if (st_test_store_is_pg ())
    {
      g_autofree char *n = st_test_store_pg_query (path, "SELECT (SELECT count(*) FROM records)"
                                                         " + (SELECT count(*) FROM changes)"
                                                         " + (SELECT count(*) FROM evictions)"
                                                         " + (SELECT count(*) FROM accounts)");

      return g_strdup (n != NULL ? "ok" : "unreadable");
    }
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return result;
}
