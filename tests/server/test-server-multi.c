/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two shuangti-server processes on one PostgreSQL database (issue 19),
 * laptops' requests going to either: the pull feed skips no row committed
 * by the other process, one person registered through both at once is one
 * participant, a push retried through the other process is applied once,
 * and the sign-in throttle holds across them. PostgreSQL only (meson runs
 * it as server-multi-pg, under tests/pg-cluster): a SQLite file has one
 * server process. */
#include "config.h"

#include <string.h>

#include "st-test-server.h"
#include "st-test-store.h"
#include "st-uuid.h"

typedef struct
{
  char         *db;
  StTestServer *servers[2];
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char * const *args = data;

  f->db = st_test_db_path ("county.db");
  st_test_add_user (f->db, "county", "county", NULL);
  st_test_add_user (f->db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  for (guint i = 0; i < 2; i++)
    f->servers[i] = st_test_server_startv (f->db, args, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  for (guint i = 0; i < 2; i++)
    {
      st_test_server_stop (f->servers[i]);
      st_test_server_free (f->servers[i]);
    }
  g_free (f->db);
}

/* One laptop pushing participants, half of its pushes to each process. */
typedef struct
{
  Fixture  *f;
  guint     index;
  guint     pushes;
  guint     per_push;
  GPtrArray *rows;     /* the keys it pushed */
} Writer;

static gpointer
writer_run (gpointer data)
{
  Writer *w = data;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *device = st_uuid_new ();
  g_autofree char *token = st_test_sign_in (session, w->f->servers[w->index % 2], "qiaoma", device);
  gint64 seq = 0;

  for (guint p = 0; p < w->pushes; p++)
    {
      g_autoptr(GString) changes = g_string_new ("[");
      g_autoptr(StTestReply) reply = NULL;

      for (guint c = 0; c < w->per_push; c++)
        {
          g_autofree char *row = st_uuid_new ();
          guint n = 1000 + (w->index * w->pushes + p) * w->per_push + c;
          g_autofree char *change = st_test_change (++seq, "participants", row, "insert", st_test_hlc (0), 0,
                                                    st_test_participant ("王五", ST_TEST_TOWNSHIP_A, n));

          g_string_append_printf (changes, "%s%s", c > 0 ? "," : "", change);
          g_ptr_array_add (w->rows, g_steal_pointer (&row));
        }
      g_string_append (changes, "]");
      reply = st_test_push (session, w->f->servers[(w->index + p) % 2], token, 0, changes->str);
      g_assert_cmpuint (reply->status, ==, 200);
    }
  return NULL;
}

/* A laptop pulling from wherever its cursor is while the others push,
 * each page from either process: what it gathers must be everything. */
static void
test_feed_order (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *device = st_uuid_new ();
  g_autofree char *token = st_test_sign_in (session, f->servers[0], "county", device);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *cursor = NULL;
  Writer writers[4];
  GThread *threads[G_N_ELEMENTS (writers)];
  guint expected = 0, round = 0;
  gboolean done = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      writers[i] = (Writer) { .f = f, .index = i, .pushes = 25, .per_push = 8,
                              .rows = g_ptr_array_new_with_free_func (g_free) };
      threads[i] = g_thread_new ("writer", writer_run, &writers[i]);
    }
  /* Pulls until the writers are done, and once more after. */
  while (!done)
    {
      g_autoptr(GPtrArray) page = NULL;
      g_autofree char *next = NULL;

      done = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
        if (writers[i].rows->len < writers[i].pushes * writers[i].per_push)
          done = FALSE;
      if (done)
        {
          /* Joined: every push was answered, so every row is committed. */
          for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
            if (threads[i] != NULL)
              g_thread_join (g_steal_pointer (&threads[i]));
        }
      page = st_test_pull_all (session, f->servers[round++ % 2], token, cursor, &next);
      for (guint i = 0; i < page->len; i++)
        g_hash_table_add (seen, g_strdup (json_object_get_string_member (g_ptr_array_index (page, i), "row")));
      if (next != NULL)
        {
          g_free (cursor);
          cursor = g_steal_pointer (&next);
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      if (threads[i] != NULL)
        g_thread_join (threads[i]);
      expected += writers[i].rows->len;
      for (guint r = 0; r < writers[i].rows->len; r++)
        if (!g_hash_table_contains (seen, g_ptr_array_index (writers[i].rows, r)))
          g_error ("the feed skipped row %s (pulled %u times)", (char *) g_ptr_array_index (writers[i].rows, r),
                   round);
      g_ptr_array_unref (writers[i].rows);
    }
  g_test_message ("%u rows pushed through two processes, pulled in %u rounds", expected, round);
  g_assert_cmpuint (g_hash_table_size (seen), ==, expected);
  all = st_test_pull_all (session, f->servers[1], token, NULL, NULL);
  g_assert_cmpuint (all->len, ==, expected);
}

/* One push, sent through one process or the other. */
typedef struct
{
  StTestServer *server;
  const char   *token;
  const char   *changes;
  gint64        epoch;
  GCond        *cond;
  GMutex       *lock;
  gboolean     *go;
  guint         status;
  char         *results;
} Sender;

static gpointer
sender_run (gpointer data)
{
  Sender *s = data;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autoptr(StTestReply) reply = NULL;

  /* Both start together. */
  g_mutex_lock (s->lock);
  while (!*s->go)
    g_cond_wait (s->cond, s->lock);
  g_mutex_unlock (s->lock);
  reply = st_test_push (session, s->server, s->token, s->epoch, s->changes);
  s->status = reply->status;
  if (reply->json != NULL)
    s->results = json_to_string (reply->json, FALSE);
  return NULL;
}

/* Runs the two senders at once. */
static void
send_together (Sender *a,
               Sender *b)
{
  GMutex lock;
  GCond cond;
  gboolean go = FALSE;
  GThread *ta, *tb;

  g_mutex_init (&lock);
  g_cond_init (&cond);
  a->lock = b->lock = &lock;
  a->cond = b->cond = &cond;
  a->go = b->go = &go;
  ta = g_thread_new ("a", sender_run, a);
  tb = g_thread_new ("b", sender_run, b);
  g_usleep (50000);
  g_mutex_lock (&lock);
  go = TRUE;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
  g_thread_join (ta);
  g_thread_join (tb);
  g_mutex_clear (&lock);
  g_cond_clear (&cond);
}

static guint
count_live_with_id (GPtrArray  *feed,
                    const char *id_number)
{
  guint n = 0;

  for (guint i = 0; i < feed->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (feed, i);
      JsonObject *fields = json_object_get_object_member (entry, "fields");

      if (g_str_equal (json_object_get_string_member (entry, "table"), "participants")
          && !json_object_get_boolean_member (entry, "deleted") && fields != NULL
          && g_strcmp0 (json_object_get_string_member_with_default (fields, "id_number", ""), id_number) == 0)
        n++;
    }
  return n;
}

/* Two laptops register one person at the same moment, one through each
 * process: one participant, the other merged into it. */
static void
test_same_id_number (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *device_a = st_uuid_new ();
  g_autofree char *device_b = st_uuid_new ();
  g_autofree char *device_c = st_uuid_new ();
  g_autofree char *token_a = st_test_sign_in (session, f->servers[0], "qiaoma", device_a);
  g_autofree char *token_b = st_test_sign_in (session, f->servers[1], "qiaoma", device_b);
  g_autofree char *county = st_test_sign_in (session, f->servers[0], "county", device_c);

  for (guint round = 0; round < 5; round++)
    {
      g_autofree char *row_a = st_uuid_new ();
      g_autofree char *row_b = st_uuid_new ();
      g_autofree char *id = st_test_id_number (5000 + round);
      g_autofree char *changes_a = st_test_changes (st_test_change (round + 1, "participants", row_a, "insert",
                                                                    st_test_hlc (0), 0,
                                                                    st_test_participant ("张三", ST_TEST_TOWNSHIP_A,
                                                                                         5000 + round)), NULL);
      g_autofree char *changes_b = st_test_changes (st_test_change (round + 1, "participants", row_b, "insert",
                                                                    st_test_hlc (1), 0,
                                                                    st_test_participant ("张三", ST_TEST_TOWNSHIP_A,
                                                                                         5000 + round)), NULL);
      Sender a = { .server = f->servers[0], .token = token_a, .changes = changes_a };
      Sender b = { .server = f->servers[1], .token = token_b, .changes = changes_b };
      g_autoptr(GPtrArray) feed = NULL;

      send_together (&a, &b);
      g_assert_cmpuint (a.status, ==, 200);
      g_assert_cmpuint (b.status, ==, 200);
      g_free (a.results);
      g_free (b.results);
      feed = st_test_pull_all (session, f->servers[round % 2], county, NULL, NULL);
      g_assert_cmpuint (count_live_with_id (feed, id), ==, 1);
      g_assert_nonnull (st_test_find_row (feed, row_a));
      g_assert_nonnull (st_test_find_row (feed, row_b));
    }
}

/* A push sent through one process and, its answer lost, again through the
 * other — one after the other, and both at once: applied once. */
static void
test_retry_other_process (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *device = st_uuid_new ();
  g_autofree char *token = st_test_sign_in (session, f->servers[0], "qiaoma", device);
  g_autofree char *county_device = st_uuid_new ();
  g_autofree char *county = st_test_sign_in (session, f->servers[1], "county", county_device);
  g_autoptr(GString) changes = g_string_new ("[");
  g_autoptr(StTestReply) first = NULL;
  g_autoptr(StTestReply) again = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *more = NULL;
  Sender a = { 0, }, b = { 0, };

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *row = st_uuid_new ();
      g_autofree char *change = st_test_change (i + 1, "participants", row, "insert", st_test_hlc (0), 0,
                                                st_test_participant ("李四", ST_TEST_TOWNSHIP_A, 300 + i));

      g_string_append_printf (changes, "%s%s", i > 0 ? "," : "", change);
    }
  g_string_append (changes, "]");
  first = st_test_push (session, f->servers[0], token, 0, changes->str);
  g_assert_cmpuint (first->status, ==, 200);
  before = st_test_pull_all (session, f->servers[1], county, NULL, NULL);
  again = st_test_push (session, f->servers[1], token, 0, changes->str);
  g_assert_cmpuint (again->status, ==, 200);
  after = st_test_pull_all (session, f->servers[0], county, NULL, NULL);
  /* Nothing moved in the feed, nothing was logged twice. */
  g_assert_cmpuint (before->len, ==, after->len);
  for (guint i = 0; i < before->len; i++)
    g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (before, i), "seq"), ==,
                     json_object_get_int_member (g_ptr_array_index (after, i), "seq"));
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT count(*) FROM changes WHERE device = $1", device), ==, 5);

  /* The next five, sent through both processes at the same moment. */
  g_string_assign (changes, "[");
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *row = st_uuid_new ();
      g_autofree char *change = st_test_change (i + 6, "participants", row, "insert", st_test_hlc (0), 0,
                                                st_test_participant ("李四", ST_TEST_TOWNSHIP_A, 400 + i));

      g_string_append_printf (changes, "%s%s", i > 0 ? "," : "", change);
    }
  g_string_append (changes, "]");
  more = g_strdup (changes->str);
  a = (Sender) { .server = f->servers[0], .token = token, .changes = more };
  b = (Sender) { .server = f->servers[1], .token = token, .changes = more };
  send_together (&a, &b);
  g_assert_cmpuint (a.status, ==, 200);
  g_assert_cmpuint (b.status, ==, 200);
  g_free (a.results);
  g_free (b.results);
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT count(*) FROM changes WHERE device = $1", device), ==, 10);
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT count(DISTINCT server_seq) FROM changes WHERE device = $1",
                                         device), ==, 10);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = st_test_pull_all (session, f->servers[0], county, NULL, NULL);
  g_assert_cmpuint (after->len, ==, before->len + 5);
}

static const char *throttle_args[] = { "--signin-failures", "3", "--signin-lockout", "30",
                                       "--signin-failures-per-address", "50", NULL };

/* Three wrong passwords spread over both processes lock the account on
 * both. */
static void
test_throttle_shared (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *device = st_uuid_new ();
  g_autofree char *wrong = g_strdup_printf ("{\"user\":\"qiaoma\",\"password\":\"guess\",\"device\":\"%s\"}", device);
  g_autofree char *right = g_strdup_printf ("{\"user\":\"qiaoma\",\"password\":\"%s\",\"device\":\"%s\"}",
                                            ST_TEST_PASSWORD, device);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(StTestReply) reply = st_test_call (session, f->servers[i % 2], "POST", "/api/v1/sign-in", NULL, wrong);

      g_assert_cmpuint (reply->status, ==, 401);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(StTestReply) reply = st_test_call (session, f->servers[i], "POST", "/api/v1/sign-in", NULL, right);

      g_assert_cmpuint (reply->status, ==, 429);
      g_assert_cmpstr (st_test_reply_code (reply), ==, "too_many_attempts");
    }
  /* No name, no address in the database: only hashes. */
  {
    g_autofree char *keys = st_test_store_pg_query (f->db, "SELECT string_agg (key, ' ') FROM signin_failures");

    g_assert_nonnull (keys);
    g_assert_null (strstr (keys, "qiaoma"));
    g_assert_null (strstr (keys, "127.0.0.1"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (!st_test_store_is_pg ())
    g_error ("test-server-multi runs on PostgreSQL only: meson test server-multi-pg");
  g_test_add ("/server/multi/feed-order", Fixture, NULL, fixture_setup, test_feed_order, fixture_teardown);
  g_test_add ("/server/multi/same-id-number", Fixture, NULL, fixture_setup, test_same_id_number, fixture_teardown);
  g_test_add ("/server/multi/retry-other-process", Fixture, NULL, fixture_setup, test_retry_other_process,
              fixture_teardown);
  g_test_add ("/server/multi/throttle", Fixture, throttle_args, fixture_setup, test_throttle_shared,
              fixture_teardown);
  return g_test_run ();
}
