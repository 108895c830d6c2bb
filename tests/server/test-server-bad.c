/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bad requests, against a real shuangti-server: each class gets its status
 * and a JSON error body with a code and a message, nothing of the request is
 * written, nothing a client sends gets a 500, and the server goes on serving
 * everyone else. */
#include "config.h"

#include <string.h>

#include "st-test-server.h"
#include "st-test-store.h"
#include "st-uuid.h"
#include "../core/test-util.h"

#define MAX_BODY 200000

typedef struct
{
  char         *db;
  StTestServer *server;
  SoupSession  *session;
  char         *token;
  char         *county;
  guint         timeout_s;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *device = st_uuid_new ();
  g_autofree char *county_device = st_uuid_new ();
  g_autofree char *max_body = g_strdup_printf ("%d", MAX_BODY);
  g_autofree char *timeout = NULL;

  f->timeout_s = 2 * st_test_slowness ();
  timeout = g_strdup_printf ("%u", f->timeout_s);
  f->db = st_test_db_path ("bad.db");
  st_test_add_user (f->db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  st_test_add_user (f->db, "county", "county", NULL);
  f->server = st_test_server_start (f->db, "--max-body", max_body, "--request-timeout", timeout, NULL);
  f->session = st_test_session_new ();
  f->token = st_test_sign_in (f->session, f->server, "qiaoma", device);
  f->county = st_test_sign_in (f->session, f->server, "county", county_device);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  st_test_server_stop (f->server);
  g_clear_pointer (&f->server, st_test_server_free);
  g_clear_object (&f->session);
  g_free (f->token);
  g_free (f->county);
  g_free (f->db);
}

static void
assert_nothing_written (Fixture *f)
{
  g_autoptr(GPtrArray) all = st_test_pull_all (f->session, f->server, f->county, NULL, NULL);
  g_autoptr(StTestReply) health = st_test_call (f->session, f->server, "GET", "/api/v1/health", NULL, NULL);

  g_assert_cmpuint (all->len, ==, 0);
  /* …and the server is still there for everyone. */
  g_assert_cmpuint (health->status, ==, 200);
}

/* A valid change first, so that a partial write would show. */
static char *
valid_change (void)
{
  g_autofree char *row = st_uuid_new ();

  return st_test_change (1, "participants", row, "insert", st_test_hlc (0), 0,
                         st_test_participant ("王五", ST_TEST_TOWNSHIP_A, 1));
}

/* Pushes [valid change, @bad] and expects @status and @code. */
static void
expect_push_refused (Fixture    *f,
                     const char *bad,
                     guint       status,
                     const char *code,
                     const char *field)
{
  g_autofree char *first = valid_change ();
  g_autofree char *body = g_strdup_printf ("{\"changes\":[%s,%s]}", first, bad);
  g_autoptr(StTestReply) reply = st_test_call (f->session, f->server, "POST", "/api/v1/push", f->token, body);

  if (reply->status != status)
    g_error ("expected %u %s, got %u: %.*s", status, code, reply->status,
             (int) g_bytes_get_size (reply->body), (const char *) g_bytes_get_data (reply->body, NULL));
  g_assert_cmpstr (st_test_reply_code (reply), ==, code);
  if (field != NULL)
    {
      g_assert_cmpstr (json_object_get_string_member (st_test_reply_object (reply), "field"), ==, field);
      /* The laptop can tell which change. */
      g_assert_cmpint (json_object_get_int_member (st_test_reply_object (reply), "seq"), ==, 2);
    }
  g_assert_nonnull (soup_message_headers_get_one (reply->headers, "Shuangti-Server-Time"));
  assert_nothing_written (f);
}

static void
expect_body_refused (Fixture    *f,
                     const char *body,
                     gssize      length,
                     guint       status,
                     const char *code)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, length < 0 ? strlen (body) : (gsize) length);
  g_autoptr(StTestReply) reply = st_test_call_bytes (f->session, f->server, "POST", "/api/v1/push", f->token,
                                                     "application/json", NULL, bytes);

  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (st_test_reply_code (reply), ==, code);
  assert_nothing_written (f);
}

static char *
bad_change (const char *table,
            const char *row,
            const char *kind,
            gint64      hlc,
            gint64      base_hlc,
            const char *fields)
{
  return st_test_change (2, table, row, kind, hlc, base_hlc, g_strdup (fields));
}

static void
test_malformed_json (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GString) deep = g_string_new ("{\"changes\":");

  expect_body_refused (f, "{\"changes\": [", -1, 400, "malformed_json");
  expect_body_refused (f, "{\"changes\": [], \"epoch\": 0,,}", -1, 400, "malformed_json");
  /* Not UTF-8. */
  expect_body_refused (f, "{\"changes\":[], \"x\":\"\xff\xfe\"}", -1, 400, "malformed_json");
  /* A NUL inside. */
  expect_body_refused (f, "{\"changes\":[]}\0{}", 16, 400, "malformed_json");
  /* A NUL escaped inside a name: it would have cut 王五 to 王. */
  {
    g_autofree char *first = valid_change ();
    g_autofree char *row = st_uuid_new ();
    g_autofree char *named = st_test_change (2, "participants", row, "insert", st_test_hlc (0), 0,
                                             st_test_participant ("王\\u0000五", ST_TEST_TOWNSHIP_A, 2));
    g_autofree char *body = g_strdup_printf ("{\"changes\":[%s,%s]}", first, named);

    expect_body_refused (f, body, -1, 400, "malformed_json");
  }
  /* Half a UTF-16 surrogate pair in a name: no such character (it would be
   * stored as bytes that are not UTF-8). */
  {
    g_autofree char *row = st_uuid_new ();
    g_autofree char *named = st_test_change (1, "participants", row, "insert", st_test_hlc (0), 0,
                                             st_test_participant ("王\\ud800五", ST_TEST_TOWNSHIP_A, 3));
    g_autofree char *body = g_strdup_printf ("{\"changes\":[%s]}", named);

    expect_body_refused (f, body, -1, 400, "malformed_json");
  }
  /* Nested deep enough to exhaust a parser's stack. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  expect_body_refused (f, deep->str, -1, 400, "malformed_json");
  /* JSON, but not an object. */
  expect_body_refused (f, "[1, 2, 3]", -1, 400, "invalid_request");
  expect_body_refused (f, "{}", -1, 400, "invalid_request");
}

static void
test_wrong_types (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *row = st_uuid_new ();
  g_autofree char *klass = st_uuid_new ();
  gint64 hlc = st_test_hlc (0);
  g_autofree char *seq_string = g_strdup_printf ("{\"seq\":\"2\",\"table\":\"participants\",\"row\":\"%s\",\"kind\":\"insert\","
                                                 "\"hlc\":%" G_GINT64_FORMAT ",\"fields\":{}}", row, hlc);
  g_autofree char *hlc_double = g_strdup_printf ("{\"seq\":2,\"table\":\"participants\",\"row\":\"%s\",\"kind\":\"insert\","
                                                 "\"hlc\":1.5e17,\"fields\":{}}", row);
  g_autofree char *name_number = bad_change ("participants", row, "update", hlc, hlc - 1, "{\"name\":5}");
  g_autofree char *name_null = bad_change ("participants", row, "update", hlc, hlc - 1, "{\"name\":null}");
  g_autofree char *minutes_text = NULL;
  g_autofree char *fields_array = bad_change ("participants", row, "update", hlc, hlc - 1, "[]");
  g_autoptr(StTestReply) epoch = NULL;
  g_autofree char *session_fields = g_strdup_printf ("{\"class_id\":\"%s\",\"township_code\":\"%s\",\"date\":\"2025-04-01\","
                                                     "\"minutes\":\"480\",\"mode\":\"online\",\"subject\":\"skill\"}",
                                                     klass, ST_TEST_TOWNSHIP_A);

  minutes_text = bad_change ("sessions", row, "insert", hlc, 0, session_fields);
  expect_push_refused (f, seq_string, 400, "invalid_type", NULL);
  expect_push_refused (f, hlc_double, 400, "invalid_type", "hlc");
  expect_push_refused (f, name_number, 400, "invalid_type", "name");
  expect_push_refused (f, name_null, 400, "invalid_type", "name");
  expect_push_refused (f, minutes_text, 400, "invalid_type", "minutes");
  expect_push_refused (f, fields_array, 400, "invalid_type", "fields");

  epoch = st_test_call (f->session, f->server, "POST", "/api/v1/push", f->token, "{\"epoch\":\"0\",\"changes\":[]}");
  g_assert_cmpuint (epoch->status, ==, 400);
  g_assert_cmpstr (st_test_reply_code (epoch), ==, "invalid_type");
}

static void
test_unknown_names (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *row = st_uuid_new ();
  gint64 hlc = st_test_hlc (0);
  g_autofree char *table = bad_change ("people", row, "insert", hlc, 0, "{}");
  g_autofree char *field = bad_change ("participants", row, "update", hlc, hlc - 1, "{\"nmae\":\"张三\"}");
  g_autofree char *key_field = bad_change ("participants", row, "update", hlc, hlc - 1, "{\"hlc\":1}");
  g_autofree char *member = g_strdup_printf ("{\"seq\":2,\"table\":\"participants\",\"row\":\"%s\",\"kind\":\"update\","
                                             "\"hlc\":%" G_GINT64_FORMAT ",\"base_hlc\":%" G_GINT64_FORMAT ","
                                             "\"fields\":{},\"extra\":1}", row, hlc, hlc - 1);
  g_autoptr(StTestReply) top = NULL;

  expect_push_refused (f, table, 400, "unknown_table", "table");
  expect_push_refused (f, field, 400, "unknown_field", "nmae");
  expect_push_refused (f, key_field, 400, "unknown_field", "hlc");
  expect_push_refused (f, member, 400, "unknown_member", "extra");
  top = st_test_call (f->session, f->server, "POST", "/api/v1/push", f->token, "{\"changes\":[],\"device\":\"x\"}");
  g_assert_cmpuint (top->status, ==, 400);
  g_assert_cmpstr (st_test_reply_code (top), ==, "unknown_member");
}

static void
test_invalid_uuids (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *row = st_uuid_new ();
  g_autofree char *upper = g_ascii_strup (row, -1);
  gint64 hlc = st_test_hlc (0);
  g_autofree char *not_uuid = bad_change ("participants", "not-a-uuid", "update", hlc, hlc - 1, "{\"phone\":\"1\"}");
  g_autofree char *upper_case = bad_change ("participants", upper, "update", hlc, hlc - 1, "{\"phone\":\"1\"}");
  g_autofree char *key = bad_change ("sessions", row, "update", hlc, hlc - 1, "{\"class_id\":\"123\"}");

  expect_push_refused (f, not_uuid, 400, "invalid_uuid", "row");
  expect_push_refused (f, upper_case, 400, "invalid_uuid", "row");
  expect_push_refused (f, key, 400, "invalid_uuid", "class_id");
}

static void
test_invalid_clocks (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *row = st_uuid_new ();
  gint64 hlc = st_test_hlc (0);
  g_autofree char *zero = bad_change ("participants", row, "update", 0, 0, "{\"phone\":\"1\"}");
  g_autofree char *old = bad_change ("participants", row, "update", G_GINT64_CONSTANT (978307200000) << 16,
                                     (G_GINT64_CONSTANT (978307200000) << 16) - 1, "{\"phone\":\"1\"}");
  g_autofree char *base_after = bad_change ("participants", row, "update", hlc, hlc + 5, "{\"phone\":\"1\"}");
  g_autofree char *no_base = bad_change ("participants", row, "update", hlc, 0, "{\"phone\":\"1\"}");

  expect_push_refused (f, zero, 400, "invalid_clock", "hlc");
  expect_push_refused (f, old, 400, "invalid_clock", "hlc");
  expect_push_refused (f, base_after, 400, "invalid_clock", "base_hlc");
  expect_push_refused (f, no_base, 400, "invalid_clock", "base_hlc");
}

static void
test_clock_in_future (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *row = st_uuid_new ();
  g_autofree char *hour = st_test_change (2, "participants", row, "insert", st_test_hlc (3600 * 1000), 0,
                                          st_test_participant ("未来", ST_TEST_TOWNSHIP_A, 2));
  g_autofree char *minute = st_test_change (1, "participants", row, "insert", st_test_hlc (60 * 1000), 0,
                                            st_test_participant ("稍快", ST_TEST_TOWNSHIP_A, 2));
  g_autofree char *body = g_strdup_printf ("{\"changes\":[%s]}", minute);
  g_autoptr(StTestReply) reply = NULL;
  gint64 server_time;

  expect_push_refused (f, hour, 400, "clock_in_future", "hlc");

  /* A laptop a minute fast is within the default five minutes. */
  reply = st_test_call (f->session, f->server, "POST", "/api/v1/push", f->token, body);
  g_assert_cmpuint (reply->status, ==, 200);
  server_time = json_object_get_int_member (st_test_reply_object (reply), "server_time");
  g_assert_cmpint (ABS (server_time - g_get_real_time () / 1000), <, 60000);
}

static void
test_invalid_values (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *row = st_uuid_new ();
  gint64 hlc = st_test_hlc (0);
  g_autofree char *education = bad_change ("participants", row, "update", hlc, hlc - 1, "{\"education\":\"phd\"}");
  g_autofree char *id_number = bad_change ("participants", row, "update", hlc, hlc - 1,
                                           "{\"id_number\":\"522327199207040010\"}");
  g_autofree char *minutes = bad_change ("attendance", row, "update", hlc, hlc - 1, "{\"minutes\":2000}");
  g_autofree char *date = bad_change ("sessions", row, "update", hlc, hlc - 1, "{\"date\":\"2025-02-30\"}");
  g_autofree char *township = bad_change ("participants", row, "update", hlc, hlc - 1, "{\"township_code\":\"巧马镇\"}");
  g_autofree char *kind = bad_change ("participants", row, "rename", hlc, hlc - 1, "{}");

  expect_push_refused (f, education, 400, "invalid_value", "education");
  expect_push_refused (f, id_number, 400, "invalid_value", "id_number");
  expect_push_refused (f, minutes, 400, "invalid_value", "minutes");
  expect_push_refused (f, date, 400, "invalid_value", "date");
  expect_push_refused (f, township, 400, "invalid_value", "township_code");
  expect_push_refused (f, kind, 400, "invalid_value", "kind");
}

static void
test_missing_and_duplicates (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *row = st_uuid_new ();
  gint64 hlc = st_test_hlc (0);
  g_autofree char *no_name = bad_change ("participants", row, "insert", hlc, 0,
                                         "{\"id_number\":\"52232719920704001X\",\"sex\":1,\"birth_date\":\"1992-07-04\","
                                         "\"region_code\":\"522327\",\"township_code\":\"" ST_TEST_TOWNSHIP_A "\"}");
  g_autofree char *delete_without = bad_change ("participants", row, "delete", hlc, hlc - 1, "{}");
  g_autofree char *same_seq = st_test_change (1, "participants", row, "update", hlc, hlc - 1, g_strdup ("{\"phone\":\"1\"}"));
  g_autoptr(GString) many = g_string_new ("{\"changes\":[");
  g_autoptr(StTestReply) too_many = NULL;

  expect_push_refused (f, no_name, 400, "missing_field", "name");
  expect_push_refused (f, delete_without, 400, "missing_field", "deleted");
  expect_push_refused (f, same_seq, 400, "duplicate_seq", NULL);

  for (guint i = 0; i < 2001; i++)
    g_string_append (many, i ? ",{}" : "{}");
  g_string_append (many, "]}");
  too_many = st_test_call (f->session, f->server, "POST", "/api/v1/push", f->token, many->str);
  g_assert_cmpuint (too_many->status, ==, 400);
  g_assert_cmpstr (st_test_reply_code (too_many), ==, "too_many_changes");
  assert_nothing_written (f);
}

static GBytes *
gzip (const void *data,
      gsize       size)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const guint8 *src = data;

  for (;;)
    {
      guint8 buffer[65536];
      gsize read = 0, written = 0;
      GConverterResult r = g_converter_convert (G_CONVERTER (compressor), src, size, buffer, sizeof buffer,
                                                G_CONVERTER_INPUT_AT_END, &read, &written, NULL);

      g_assert_cmpint (r, !=, G_CONVERTER_ERROR);
      src += read;
      size -= read;
      g_byte_array_append (out, buffer, written);
      if (r == G_CONVERTER_FINISHED)
        break;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
test_too_large (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSocketConnection) declared = st_test_raw_connect (f->server);
  g_autoptr(GSocketConnection) chunked = st_test_raw_connect (f->server);
  g_autofree char *head = g_strdup_printf ("POST /api/v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                                           "Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n", f->token);
  g_autofree char *chunked_head = g_strdup_printf ("POST /api/v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                                                   "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                                                   f->token);
  g_autofree char *response = NULL;
  g_autofree char *chunk = g_strnfill (10000, ' ');
  g_autofree char *bomb_text = NULL;
  g_autoptr(GBytes) bomb = NULL;
  g_autoptr(StTestReply) inflated = NULL;
  g_autoptr(JsonObject) error = NULL;
  g_autoptr(JsonObject) chunked_error = NULL;
  gint64 started;

  /* A declared length over the limit is answered before any body. */
  started = g_get_monotonic_time ();
  st_test_raw_send (declared, head, strlen (head));
  response = st_test_raw_read (declared, 10000 * st_test_slowness ());
  g_assert_cmpuint (st_test_raw_status (response), ==, 413);
  error = st_test_raw_json (response);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "body_too_large");
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC * st_test_slowness ());
  g_clear_pointer (&response, g_free);

  /* A chunked body is cut off once it passes the limit. */
  st_test_raw_send (chunked, chunked_head, strlen (chunked_head));
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *frame = g_strdup_printf ("%x\r\n%s\r\n", 10000, chunk);
      GError *send_error = NULL;

      /* The server may close as soon as it has answered. */
      if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (chunked)), frame, strlen (frame),
                                      NULL, NULL, &send_error))
        {
          g_error_free (send_error);
          break;
        }
    }
  response = st_test_raw_read (chunked, 10000 * st_test_slowness ());
  g_assert_cmpuint (st_test_raw_status (response), ==, 413);
  chunked_error = st_test_raw_json (response);
  g_assert_cmpstr (json_object_get_string_member (chunked_error, "code"), ==, "body_too_large");

  /* A small gzip body that inflates past the limit. */
  bomb_text = g_strdup_printf ("{\"changes\":[],\"epoch\":0,\"x\":\"%*s\"}", 5 * MAX_BODY, "");
  bomb = gzip (bomb_text, strlen (bomb_text));
  g_assert_cmpuint (g_bytes_get_size (bomb), <, MAX_BODY / 10);
  inflated = st_test_call_bytes (f->session, f->server, "POST", "/api/v1/push", f->token,
                                 "application/json", "gzip", bomb);
  g_assert_cmpuint (inflated->status, ==, 413);
  g_assert_cmpstr (st_test_reply_code (inflated), ==, "body_too_large");
  assert_nothing_written (f);
}

static void
test_encodings (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *change = valid_change ();
  g_autofree char *body = g_strdup_printf ("{\"changes\":[%s]}", change);
  g_autoptr(GBytes) zipped = gzip (body, strlen (body));
  g_autoptr(GBytes) plain = g_bytes_new (body, strlen (body));
  g_autoptr(StTestReply) text = st_test_call_bytes (f->session, f->server, "POST", "/api/v1/push", f->token,
                                                    "text/plain", NULL, plain);
  g_autoptr(StTestReply) brotli = st_test_call_bytes (f->session, f->server, "POST", "/api/v1/push", f->token,
                                                      "application/json", "br", plain);
  g_autoptr(StTestReply) broken = st_test_call_bytes (f->session, f->server, "POST", "/api/v1/push", f->token,
                                                      "application/json", "gzip", plain);
  g_autoptr(StTestReply) good = NULL;
  g_autoptr(GPtrArray) all = NULL;

  g_assert_cmpuint (text->status, ==, 415);
  g_assert_cmpstr (st_test_reply_code (text), ==, "unsupported_media_type");
  g_assert_cmpuint (brotli->status, ==, 415);
  g_assert_cmpstr (st_test_reply_code (brotli), ==, "unsupported_encoding");
  g_assert_cmpuint (broken->status, ==, 400);
  g_assert_cmpstr (st_test_reply_code (broken), ==, "malformed_json");
  assert_nothing_written (f);

  /* The same push gzipped (SYNC.md) is applied. */
  good = st_test_call_bytes (f->session, f->server, "POST", "/api/v1/push", f->token,
                             "application/json; charset=utf-8", "gzip", zipped);
  g_assert_cmpuint (good->status, ==, 200);
  all = st_test_pull_all (f->session, f->server, f->county, NULL, NULL);
  g_assert_cmpuint (all->len, ==, 1);
}

static void
test_stalled_body (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GSocketConnection) stalled = st_test_raw_connect (f->server);
  g_autofree char *change = valid_change ();
  g_autofree char *body = g_strdup_printf ("{\"changes\":[%s]}", change);
  g_autofree char *head = g_strdup_printf ("POST /api/v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                                           "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                                           f->token, strlen (body));
  g_autofree char *response = NULL;
  g_autoptr(JsonObject) error = NULL;
  gint64 started = g_get_monotonic_time ();

  /* Headers and half the body, then nothing. */
  st_test_raw_send (stalled, head, strlen (head));
  st_test_raw_send (stalled, body, strlen (body) / 2);

  /* Meanwhile everyone else is served, at once. */
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(StTestReply) health = st_test_call (f->session, f->server, "GET", "/api/v1/health", NULL, NULL);
      g_autoptr(StTestReply) pull = st_test_call (f->session, f->server, "GET", "/api/v1/pull", f->token, NULL);

      g_assert_cmpuint (health->status, ==, 200);
      g_assert_cmpuint (pull->status, ==, 200);
    }
  g_assert_cmpint (g_get_monotonic_time () - started, <, f->timeout_s * G_USEC_PER_SEC);

  response = st_test_raw_read (stalled, (f->timeout_s + 10) * 1000);
  g_assert_cmpuint (st_test_raw_status (response), ==, 408);
  error = st_test_raw_json (response);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "request_timeout");
  g_assert_cmpint (g_get_monotonic_time () - started, >=, (f->timeout_s - 1) * G_USEC_PER_SEC);
  assert_nothing_written (f);
}

static void
test_slow_body (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSocketConnection) slow = st_test_raw_connect (f->server);
  g_autofree char *change = valid_change ();
  g_autofree char *body = g_strdup_printf ("{\"changes\":[%s]}", change);
  g_autofree char *head = g_strdup_printf ("POST /api/v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                                           "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                                           f->token, strlen (body));
  g_autofree char *response = NULL;
  g_autoptr(JsonObject) error = NULL;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (slow));
  gint64 deadline = g_get_monotonic_time () + (f->timeout_s + 5) * G_USEC_PER_SEC;

  /* A byte every fifth of a second never looks idle, but never arrives
   * either. */
  st_test_raw_send (slow, head, strlen (head));
  for (gsize i = 0; i < strlen (body) - 1 && g_get_monotonic_time () < deadline; i++)
    {
      if (!g_output_stream_write_all (out, body + i, 1, NULL, NULL, NULL))
        break;
      if (g_socket_condition_check (g_socket_connection_get_socket (slow), G_IO_IN))
        break;
      g_usleep (200000);
    }
  response = st_test_raw_read (slow, 10000 * st_test_slowness ());
  g_assert_cmpuint (st_test_raw_status (response), ==, 408);
  error = st_test_raw_json (response);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "request_timeout");
  assert_nothing_written (f);
}

static void
test_unknown_endpoints (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(StTestReply) missing = st_test_call (f->session, f->server, "GET", "/api/v1/nothing", f->token, NULL);
  g_autoptr(StTestReply) root = st_test_call (f->session, f->server, "GET", "/", NULL, NULL);
  g_autoptr(StTestReply) method = st_test_call (f->session, f->server, "GET", "/api/v1/push", f->token, NULL);
  g_autoptr(StTestReply) del = st_test_call (f->session, f->server, "DELETE", "/api/v1/pull", f->token, NULL);

  g_assert_cmpuint (missing->status, ==, 404);
  g_assert_cmpstr (st_test_reply_code (missing), ==, "not_found");
  g_assert_cmpuint (root->status, ==, 404);
  g_assert_cmpuint (method->status, ==, 405);
  g_assert_cmpstr (st_test_reply_code (method), ==, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (method->headers, "Allow"), ==, "POST");
  g_assert_cmpuint (del->status, ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (del->headers, "Allow"), ==, "GET");
}

static void
test_bad_pull_and_sign_in (Fixture       *f,
                           gconstpointer  data)
{
  static const struct { const char *path; const char *code; } pulls[] = {
    { "/api/v1/pull?cursor=garbage", "invalid_cursor" },
    { "/api/v1/pull?cursor=c1.12.zzzzzzzz", "invalid_cursor" },
    { "/api/v1/pull?limit=0", "invalid_parameter" },
    { "/api/v1/pull?limit=abc", "invalid_parameter" },
    { "/api/v1/pull?limit=5001", "invalid_parameter" },
    { "/api/v1/pull?since=3", "invalid_parameter" },
  };
  static const struct { const char *body; const char *code; } sign_ins[] = {
    { "{\"user\":\"qiaoma\",\"password\":\"" ST_TEST_PASSWORD "\"}", "invalid_request" },
    { "{\"user\":\"qiaoma\",\"password\":\"" ST_TEST_PASSWORD "\",\"device\":\"laptop\"}", "invalid_uuid" },
    { "{\"user\":\"qiaoma\",\"password\":12345678,\"device\":\"0192f7c4-5a6e-7b3c-8d9e-0f1a2b3c4d5e\"}", "invalid_type" },
    { "{\"user\":\"qiaoma\",\"password\":\"x\",\"device\":\"0192f7c4-5a6e-7b3c-8d9e-0f1a2b3c4d5e\",\"role\":\"county\"}",
      "unknown_member" },
    { "not json", "malformed_json" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pulls); i++)
    {
      g_autoptr(StTestReply) reply = st_test_call (f->session, f->server, "GET", pulls[i].path, f->token, NULL);

      g_assert_cmpuint (reply->status, ==, 400);
      g_assert_cmpstr (st_test_reply_code (reply), ==, pulls[i].code);
    }
  for (guint i = 0; i < G_N_ELEMENTS (sign_ins); i++)
    {
      g_autoptr(StTestReply) reply = st_test_call (f->session, f->server, "POST", "/api/v1/sign-in", NULL,
                                                   sign_ins[i].body);

      g_assert_cmpuint (reply->status, ==, 400);
      g_assert_cmpstr (st_test_reply_code (reply), ==, sign_ins[i].code);
    }
}

static void
test_bad_http (Fixture       *f,
               gconstpointer  data)
{
  static const char *const requests[] = {
    "GARBAGE\r\n\r\n",
    "GET /api/v1/health HTTP/9.9\r\n\r\n",
    "POST /api/v1/push HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    "POST /api/v1/push HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n",
    "POST /api/v1/push HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(GSocketConnection) connection = st_test_raw_connect (f->server);
      g_autofree char *response = NULL;
      guint status;

      st_test_raw_send (connection, requests[i], strlen (requests[i]));
      response = st_test_raw_read (connection, (f->timeout_s + 5) * 1000);
      status = st_test_raw_status (response);
      /* An HTTP-level refusal, never a server error. */
      if (status != 0)
        {
          g_assert_cmpuint (status, >=, 400);
          g_assert_cmpuint (status, !=, 500);
        }
    }
  assert_nothing_written (f);
}

/* Random damage to a valid push: whatever a client sends, the answer is
 * never a server error, always a JSON error body or a success. */
static void
test_fuzz (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);
  g_autofree char *row = st_uuid_new ();
  g_autofree char *klass = st_uuid_new ();
  gint64 hlc = st_test_hlc (0);
  g_autofree char *template = NULL;
  g_autofree char *changes = st_test_changes (st_test_change (1, "participants", row, "insert", hlc, 0,
                                                              st_test_participant ("赵六", ST_TEST_TOWNSHIP_A, 5)),
                                              st_test_change (2, "participants", row, "update", hlc + 1, hlc,
                                                              g_strdup ("{\"phone\":\"13900000000\",\"education\":\"junior\"}")),
                                              st_test_change (3, "sessions", klass, "insert", hlc + 2, 0,
                                                              g_strdup_printf ("{\"class_id\":\"%s\",\"township_code\":\"%s\","
                                                                               "\"date\":\"2025-04-01\",\"minutes\":480,"
                                                                               "\"mode\":\"online\",\"subject\":\"skill\"}",
                                                                               klass, ST_TEST_TOWNSHIP_A)),
                                              NULL);
  static const char *const tokens[] = {
    "null", "true", "-1", "0", "9223372036854775807", "99999999999999999999999", "1e400", "\"\"", "[]", "{}",
    "\"\\u0000\"", "\"\xe5\xb7\"", ",", ":", "\"participants\"", "\"deleted\"", "1.5",
  };
  guint n = 300 / st_test_slowness () + 30;
  guint ok = 0, refused = 0;

  template = g_strdup_printf ("{\"epoch\":0,\"changes\":%s}", changes);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GString) body = g_string_new (template);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(StTestReply) reply = NULL;
      guint mutations = 1 + g_rand_int_range (rand, 0, 4);

      for (guint m = 0; m < mutations && body->len > 0; m++)
        {
          guint at = g_rand_int_range (rand, 0, body->len);

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:   /* flip a byte */
              body->str[at] = (char) g_rand_int_range (rand, 1, 256);
              break;
            case 1:   /* cut */
              g_string_truncate (body, at);
              break;
            case 2:   /* insert a JSON token */
              g_string_insert (body, at, tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))]);
              break;
            default:  /* delete a stretch */
              {
                gsize stretch = (gsize) g_rand_int_range (rand, 1, 20);

                g_string_erase (body, at, (gssize) MIN (body->len - at, stretch));
              }
              break;
            }
        }
      bytes = g_bytes_new (body->str, body->len);
      reply = st_test_call_bytes (f->session, f->server, "POST", "/api/v1/push", f->token,
                                  "application/json", NULL, bytes);
      if (reply->status >= 500)
        g_error ("mutation %u got %u for: %s", i, reply->status, body->str);
      if (reply->status == 200)
        ok++;
      else
        {
          g_assert_cmpuint (reply->status, >=, 400);
          g_assert_nonnull (st_test_reply_code (reply));
          refused++;
        }
    }
  /* The mutations did reach the checks. */
  g_assert_cmpuint (refused, >, n / 2);
  g_test_message ("%u mutated pushes: %u accepted, %u refused", n, ok, refused);
  {
    g_autoptr(StTestReply) health = st_test_call (f->session, f->server, "GET", "/api/v1/health", NULL, NULL);

    g_assert_cmpuint (health->status, ==, 200);
  }
}

/* A server database damaged on purpose (pages of its records overwritten,
 * issue 14): a pull is 503 storage_unavailable, never a page that is short
 * of what the server holds. */
/* JSON held inside a field, nested 75,000 levels deep (an 80 KB body that
 * is not deep itself): refused, and the server stays up for everyone. It
 * crashed with a stack overflow in json-glib (issue 16). */
static void
test_deep_json_in_field (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *program = st_uuid_new ();
  g_autofree char *deep = g_strnfill (75000, '[');
  g_autofree char *fields = g_strdup_printf ("{\"code\":\"deep\",\"name\":\"Deep\",\"rules\":\"%s\",\"deleted\":0}", deep);
  g_autofree char *change = st_test_change (1, "programs", program, "insert", st_test_hlc (0), 0, g_steal_pointer (&fields));
  g_autofree char *body = g_strdup_printf ("{\"changes\":[%s]}", change);
  g_autoptr(StTestReply) reply = st_test_call (f->session, f->server, "POST", "/api/v1/push", f->token, body);
  g_autoptr(StTestReply) health = NULL;

  /* Refused, as a whole or as the one change: never applied. */
  if (reply->status == 200)
    {
      JsonArray *results = json_object_get_array_member (st_test_reply_object (reply), "results");

      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "result"), ==,
                       "rejected");
    }
  else
    g_assert_cmpuint (reply->status / 100, ==, 4);
  health = st_test_call (f->session, f->server, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpuint (health->status, ==, 200);
  assert_nothing_written (f);
}

static void
test_damaged_store (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GString) changes = g_string_new ("[");
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(StTestReply) push = NULL;
  g_autoptr(StTestReply) pull = NULL;
  g_autofree char *timeout = g_strdup_printf ("%u", f->timeout_s);

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *row = st_uuid_new ();
      g_autofree char *change = st_test_change (i + 1, "participants", row, "insert", st_test_hlc (0), 0,
                                                st_test_participant ("王五", ST_TEST_TOWNSHIP_A, i + 1));

      g_string_append_printf (changes, "%s%s", i > 0 ? "," : "", change);
    }
  g_string_append (changes, "]");
  push = st_test_push (f->session, f->server, f->token, 0, changes->str);
  g_assert_cmpuint (push->status, ==, 200);
  all = st_test_pull_all (f->session, f->server, f->county, NULL, NULL);
  g_assert_cmpuint (all->len, ==, 300);

  st_test_server_stop (f->server);
  g_clear_pointer (&f->server, st_test_server_free);
  /* On PostgreSQL, a table of the store gone (what a damaged catalogue or
   * a careless administrator leaves). */
  if (st_test_store_is_pg ())
    g_free (st_test_store_pg_query (f->db, "ALTER TABLE records RENAME TO records_lost"));
  else
    g_assert_cmpuint (st_test_damage_table (f->db, "records"), >, 0);
  f->server = st_test_server_start (f->db, "--request-timeout", timeout, NULL);

  pull = st_test_call (f->session, f->server, "GET", "/api/v1/pull?limit=5000", f->county, NULL);
  g_assert_cmpuint (pull->status, ==, 503);
  g_assert_cmpstr (st_test_reply_code (pull), ==, "storage_unavailable");
  /* The log says why, for whoever runs the server. */
  {
    g_autofree char *log = st_test_server_log (f->server);

    g_test_message ("%s", log);
    g_assert_nonnull (strstr (log, "damaged"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server/bad/malformed-json", Fixture, NULL, fixture_setup, test_malformed_json, fixture_teardown);
  g_test_add ("/server/bad/deep-json-in-field", Fixture, NULL, fixture_setup, test_deep_json_in_field,
              fixture_teardown);
  g_test_add ("/server/bad/wrong-types", Fixture, NULL, fixture_setup, test_wrong_types, fixture_teardown);
  g_test_add ("/server/bad/unknown-names", Fixture, NULL, fixture_setup, test_unknown_names, fixture_teardown);
  g_test_add ("/server/bad/invalid-uuids", Fixture, NULL, fixture_setup, test_invalid_uuids, fixture_teardown);
  g_test_add ("/server/bad/invalid-clocks", Fixture, NULL, fixture_setup, test_invalid_clocks, fixture_teardown);
  g_test_add ("/server/bad/clock-in-future", Fixture, NULL, fixture_setup, test_clock_in_future, fixture_teardown);
  g_test_add ("/server/bad/invalid-values", Fixture, NULL, fixture_setup, test_invalid_values, fixture_teardown);
  g_test_add ("/server/bad/missing-and-duplicates", Fixture, NULL, fixture_setup, test_missing_and_duplicates,
              fixture_teardown);
  g_test_add ("/server/bad/too-large", Fixture, NULL, fixture_setup, test_too_large, fixture_teardown);
  g_test_add ("/server/bad/encodings", Fixture, NULL, fixture_setup, test_encodings, fixture_teardown);
  g_test_add ("/server/bad/stalled-body", Fixture, NULL, fixture_setup, test_stalled_body, fixture_teardown);
  g_test_add ("/server/bad/slow-body", Fixture, NULL, fixture_setup, test_slow_body, fixture_teardown);
  g_test_add ("/server/bad/unknown-endpoints", Fixture, NULL, fixture_setup, test_unknown_endpoints,
              fixture_teardown);
  g_test_add ("/server/bad/pull-and-sign-in", Fixture, NULL, fixture_setup, test_bad_pull_and_sign_in,
              fixture_teardown);
  g_test_add ("/server/bad/damaged-store", Fixture, NULL, fixture_setup, test_damaged_store, fixture_teardown);
  g_test_add ("/server/bad/http", Fixture, NULL, fixture_setup, test_bad_http, fixture_teardown);
  g_test_add ("/server/bad/fuzz", Fixture, NULL, fixture_setup, test_fuzz, fixture_teardown);

  return g_test_run ();
}
