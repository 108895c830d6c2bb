/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Many connections at once (issue 16, item 7): the real shuangti-server,
 * held to few open files, with 1,100 connections open that never send a
 * request, still answers a health check; connections that send nothing
 * are closed after the idle timeout; request bodies held at once past the
 * budget are answered 503. */
#include "config.h"

#include <sys/resource.h>

#include "st-test-server.h"

#define IDLE 1100

/* The server's open files, held at @n (soft and hard) as a busy county's
 * server might be without LimitNOFILE. */
static void
limit_files (StTestServer *server,
             guint         n)
{
  g_autofree char *limit = g_strdup_printf ("--nofile=%u:%u", n, n);
  const char *argv[] = { "prlimit", "--pid", g_subprocess_get_identifier (server->process), limit, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
raise_own_files (void)
{
  struct rlimit files;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &files), ==, 0);
  files.rlim_cur = files.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &files), ==, 0);
  if (files.rlim_cur < IDLE + 100)
    g_test_skip ("this process may not open 1,200 files (ulimit -Hn)");
}

/* 1,100 connections that say nothing, on a server that may open 600
 * files: a laptop's health check is answered, long before any timeout. */
static void
test_idle_crowd (void)
{
  g_autofree char *db = st_test_db_path ("conns.db");
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(GPtrArray) crowd = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SoupSession) session = st_test_session_new ();
  StTestReply *reply;

  raise_own_files ();
  if (g_test_failed () || g_test_get_path () == NULL)
    return;
  st_test_add_user (db, "county", "county", NULL);
  /* Timeouts far longer than the test waits: only making room can help. */
  server = st_test_server_start (db, "--max-connections", "500", "--idle-timeout", "120", "--request-timeout", "120",
                                 NULL);
  limit_files (server, 600);
  for (guint i = 0; i < IDLE; i++)
    g_ptr_array_add (crowd, st_test_raw_connect (server));
  /* The client gives up after 10 s; the server's timeouts are 120 s. */
  soup_session_set_timeout (session, 10);
  reply = st_test_call (session, server, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  st_test_reply_free (reply);
  /* A sign-in too: a laptop gets in. */
  g_free (st_test_sign_in (session, server, "county", "9b2f8c4e-0a1d-4a7e-9a51-3c1f6d2b7e10"));
  st_test_server_stop (server);
}

/* A connection that sends nothing is closed after the idle timeout: its
 * read ends. */
static void
test_idle_timeout (void)
{
  g_autofree char *db = st_test_db_path ("idle.db");
  g_autoptr(StTestServer) server = st_test_server_start (db, "--idle-timeout", "1", "--request-timeout", "60", NULL);
  g_autoptr(GSocketConnection) connection = st_test_raw_connect (server);
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GSocket *socket = g_socket_connection_get_socket (connection);
  char byte;
  gssize n;
  g_autoptr(GError) error = NULL;

  g_socket_set_timeout (socket, 20);
  n = g_input_stream_read (in, &byte, 1, NULL, &error);
  /* Closed by the server (0: end of stream), not by our 20 s timeout. */
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  st_test_server_stop (server);
}

/* Bodies held at once past the budget: the request is answered 503 busy
 * (and the laptop retries), the server goes on. */
static void
test_body_budget (void)
{
  g_autofree char *db = st_test_db_path ("budget.db");
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autoptr(GSocketConnection) slow = NULL;
  g_autofree char *token = NULL;
  g_autofree char *half = g_strnfill (60000, ' ');
  g_autofree char *head = NULL;
  StTestReply *reply;
  g_autofree char *big = NULL;

  st_test_add_user (db, "county", "county", NULL);
  server = st_test_server_start (db, "--max-body-memory", "100000", NULL);
  token = st_test_sign_in (session, server, "county", "4c0f1e52-6b1a-4f43-8d2b-2b3f5a7c9e11");
  /* One push holds 60,000 bytes of its 120,000 and waits for the rest. */
  slow = st_test_raw_connect (server);
  head = g_strdup_printf ("POST /api/v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                          "Content-Type: application/json\r\nContent-Length: 120000\r\n\r\n", token);
  st_test_raw_send (slow, head, strlen (head));
  st_test_raw_send (slow, half, strlen (half));
  g_usleep (300 * 1000);
  /* Another of 50,000 bytes passes the budget of 100,000. */
  big = g_strdup_printf ("{\"epoch\":0,\"changes\":[]%*s}", 50000, "");
  reply = st_test_call (session, server, "POST", "/api/v1/push", token, big);
  g_assert_cmpuint (reply->status, ==, 503);
  g_assert_cmpstr (st_test_reply_code (reply), ==, "busy");
  st_test_reply_free (reply);
  /* The slow one gone, there is room again. */
  g_clear_object (&slow);
  g_usleep (300 * 1000);
  reply = st_test_call (session, server, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  st_test_reply_free (reply);
  st_test_server_stop (server);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/server/conns/idle-crowd", test_idle_crowd);
  g_test_add_func ("/server/conns/idle-timeout", test_idle_timeout);
  g_test_add_func ("/server/conns/body-budget", test_body_budget);
  return g_test_run ();
}
