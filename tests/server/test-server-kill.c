/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A server killed with SIGKILL in the middle of a push: after a restart the
 * push is either entirely applied or not at all, the database passes
 * PRAGMA integrity_check, and pushing again gives the laptop the right
 * answer (applied when nothing survived, duplicate when all did). The real
 * shuangti-server is stopped at named failpoints (st-failpoint.h). */
#include "config.h"

#include "st-test-server.h"
#include "st-uuid.h"

#define N_CHANGES 300

typedef struct
{
  char        *db;
  char        *device;
  char        *token;
  char        *changes;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autoptr(GString) changes = g_string_new ("[");
  gint64 t0 = st_test_hlc (-60000);

  f->db = st_test_db_path ("kill.db");
  st_test_add_user (f->db, "county", "county", NULL);
  /* Signed in before, so that the only write of the killed server is the
   * push. */
  server = st_test_server_start (f->db, NULL);
  f->device = st_uuid_new ();
  f->token = st_test_sign_in (session, server, "county", f->device);
  st_test_server_stop (server);

  for (guint i = 0; i < N_CHANGES; i++)
    {
      g_autofree char *row = st_uuid_new ();
      g_autofree char *change = st_test_change (i + 1, "participants", row, "insert", t0 + i, 0,
                                                st_test_participant ("断电", i % 2 ? ST_TEST_TOWNSHIP_A : ST_TEST_TOWNSHIP_B, i));

      g_string_append_printf (changes, "%s%s", i ? "," : "", change);
    }
  g_string_append_c (changes, ']');
  f->changes = g_string_free (g_steal_pointer (&changes), FALSE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->db);
  g_free (f->device);
  g_free (f->token);
  g_free (f->changes);
}

static void
push_and_kill (Fixture    *f,
               const char *failpoint)
{
  g_autoptr(StTestServer) server = st_test_server_startv (f->db, NULL, failpoint);
  g_autoptr(GSocketConnection) connection = st_test_raw_connect (server);
  g_autofree char *body = g_strdup_printf ("{\"epoch\":0,\"changes\":%s}", f->changes);
  g_autofree char *head = g_strdup_printf ("POST /api/v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                                           "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                                           f->token, strlen (body));
  g_autofree char *reached = g_strdup_printf ("failpoint %.*s reached",
                                              (int) strcspn (failpoint, ":"), failpoint);

  st_test_raw_send (connection, head, strlen (head));
  st_test_raw_send (connection, body, strlen (body));
  g_assert_true (st_test_server_wait_log (server, reached, 60000 * st_test_slowness ()));
  st_test_server_kill (server);
}

/* After a restart: how many of the push's rows the county sees, and what
 * pushing it again says. */
static void
check_after_restart (Fixture *f,
                     gboolean applied_before)
{
  g_autofree char *integrity = st_test_integrity_check (f->db);
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(StTestReply) again = NULL;
  g_autoptr(GPtrArray) after = NULL;
  JsonArray *results;

  g_assert_cmpstr (integrity, ==, "ok");
  server = st_test_server_start (f->db, NULL);
  feed = st_test_pull_all (session, server, f->token, NULL, NULL);
  g_assert_cmpuint (feed->len, ==, applied_before ? N_CHANGES : 0);

  again = st_test_push (session, server, f->token, 0, f->changes);
  g_assert_cmpuint (again->status, ==, 200);
  results = json_object_get_array_member (st_test_reply_object (again), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, N_CHANGES);
  for (guint i = 0; i < N_CHANGES; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "result"),
                     ==, applied_before ? "duplicate" : "applied");

  after = st_test_pull_all (session, server, f->token, NULL, NULL);
  g_assert_cmpuint (after->len, ==, N_CHANGES);
  st_test_server_stop (server);
}

static void
test_kill_mid_push (Fixture       *f,
                    gconstpointer  data)
{
  push_and_kill (f, "server-apply-change:150");
  check_after_restart (f, FALSE);
}

static void
test_kill_before_commit (Fixture       *f,
                         gconstpointer  data)
{
  push_and_kill (f, "server-commit");
  check_after_restart (f, FALSE);
}

static void
test_kill_after_commit (Fixture       *f,
                        gconstpointer  data)
{
  push_and_kill (f, "server-committed");
  check_after_restart (f, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server/kill/mid-push", Fixture, NULL, fixture_setup, test_kill_mid_push, fixture_teardown);
  g_test_add ("/server/kill/before-commit", Fixture, NULL, fixture_setup, test_kill_before_commit, fixture_teardown);
  g_test_add ("/server/kill/after-commit", Fixture, NULL, fixture_setup, test_kill_after_commit, fixture_teardown);

  return g_test_run ();
}
