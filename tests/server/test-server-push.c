/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Push and pull against a real shuangti-server: changes are applied,
 * resending is harmless, concurrent edits resolve by (hlc, device) with the
 * losing value kept for review, the feed is compacted and pages split
 * anywhere, a restored laptop is caught, fifty laptops pushing at once lose
 * nothing, and a restarted server still has everything. */
#include "config.h"

#include "st-test-server.h"
#include "st-test-store.h"
#include "st-uuid.h"

typedef struct
{
  char         *db;
  StTestServer *server;
  SoupSession  *session;
  char         *county;
  char         *county_device;
  char         *qiaoma;
  char         *qiaoma_device;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->db = st_test_db_path ("push.db");
  st_test_add_user (f->db, "county", "county", NULL);
  st_test_add_user (f->db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  f->server = st_test_server_start (f->db, NULL);
  f->session = st_test_session_new ();
  f->county_device = st_uuid_new ();
  f->qiaoma_device = st_uuid_new ();
  f->county = st_test_sign_in (f->session, f->server, "county", f->county_device);
  f->qiaoma = st_test_sign_in (f->session, f->server, "qiaoma", f->qiaoma_device);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->server != NULL)
    st_test_server_stop (f->server);
  g_clear_pointer (&f->server, st_test_server_free);
  g_clear_object (&f->session);
  g_free (f->county);
  g_free (f->county_device);
  g_free (f->qiaoma);
  g_free (f->qiaoma_device);
  g_free (f->db);
}

static JsonArray *
results_of (StTestReply *reply)
{
  if (reply->status != 200)
    g_error ("push: %u %.*s", reply->status, (int) g_bytes_get_size (reply->body),
             (const char *) g_bytes_get_data (reply->body, NULL));
  return json_object_get_array_member (st_test_reply_object (reply), "results");
}

static const char *
result_at (JsonArray *results,
           guint      i)
{
  return json_object_get_string_member (json_array_get_object_element (results, i), "result");
}

static JsonObject *
fields_of (JsonObject *entry)
{
  g_assert_nonnull (entry);
  return json_object_get_object_member (entry, "fields");
}

static void
test_applied_and_duplicate (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *row = st_uuid_new ();
  gint64 t0 = st_test_hlc (0);
  g_autofree char *changes = st_test_changes (
    st_test_change (1, "participants", row, "insert", t0, 0, st_test_participant ("张三", ST_TEST_TOWNSHIP_A, 1)),
    st_test_change (2, "participants", row, "update", t0 + 1, t0,
                    g_strdup ("{\"phone\":\"13800000000\",\"notes\":\"引号\\\" 反斜杠\\\\ 换行\\n 制表\\t \\u0001 /\\/ 😀\"}")),
    st_test_change (3, "participants", row, "update", t0 + 2, t0 + 1, g_strdup ("{\"education\":\"junior\"}")),
    NULL);
  g_autoptr(StTestReply) first = st_test_push (f->session, f->server, f->qiaoma, 0, changes);
  g_autoptr(StTestReply) again = st_test_push (f->session, f->server, f->qiaoma, 0, changes);
  g_autoptr(StTestReply) status = st_test_call (f->session, f->server, "GET", "/api/v1/device", f->qiaoma, NULL);
  g_autoptr(GPtrArray) feed = NULL;
  JsonArray *results;
  JsonObject *entry;

  results = results_of (first);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (result_at (results, i), ==, "applied");
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (results, i), "seq"), ==, i + 1);
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (results, i), "server_seq"), >, 0);
    }
  g_assert_cmpint (json_object_get_int_member (st_test_reply_object (first), "acked_seq"), ==, 3);

  /* A retried request changes nothing and says so. */
  results = results_of (again);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (result_at (results, i), ==, "duplicate");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "original"),
                       ==, "applied");
    }
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (st_test_reply_object (status), "device"),
                                               "acked_seq"), ==, 3);

  feed = st_test_pull_all (f->session, f->server, f->county, NULL, NULL);
  g_assert_cmpuint (feed->len, ==, 1);
  entry = st_test_find_row (feed, row);
  g_assert_cmpstr (json_object_get_string_member (fields_of (entry), "name"), ==, "张三");
  g_assert_cmpstr (json_object_get_string_member (fields_of (entry), "phone"), ==, "13800000000");
  g_assert_cmpstr (json_object_get_string_member (fields_of (entry), "education"), ==, "junior");
  /* Stored, read back for the next change and sent out again intact. */
  g_assert_cmpstr (json_object_get_string_member (fields_of (entry), "notes"), ==,
                   "引号\" 反斜杠\\ 换行\n 制表\t \001 // 😀");
  g_assert_cmpint (json_object_get_int_member (entry, "hlc"), ==, t0 + 2);
  g_assert_cmpstr (json_object_get_string_member (entry, "device"), ==, f->qiaoma_device);
  g_assert_false (json_object_get_boolean_member (entry, "deleted"));
}

/* Signs in another laptop of township A. */
static char *
laptop (Fixture  *f,
        char    **device)
{
  *device = st_uuid_new ();
  return st_test_sign_in (f->session, f->server, "qiaoma", *device);
}

static JsonObject *
review_for (GPtrArray  *feed,
            const char *winner)
{
  for (guint i = 0; i < feed->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (feed, i);

      if (g_str_equal (json_object_get_string_member (entry, "table"), "review_items")
          && g_strcmp0 (json_object_get_string_member (fields_of (entry), "winner"), winner) == 0)
        return fields_of (entry);
    }
  return NULL;
}

static void
test_conflicts (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *row = st_uuid_new ();
  g_autofree char *device_b = NULL;
  g_autofree char *device_c = NULL;
  g_autofree char *laptop_b = laptop (f, &device_b);
  g_autofree char *laptop_c = laptop (f, &device_c);
  gint64 t0 = st_test_hlc (-10000);
  g_autoptr(StTestReply) r0 = NULL;
  g_autoptr(StTestReply) rb = NULL;
  g_autoptr(StTestReply) ra = NULL;
  g_autoptr(StTestReply) rc = NULL;
  g_autoptr(StTestReply) same = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(JsonNode) lost_b = NULL;
  g_autoptr(JsonNode) lost_c = NULL;
  JsonArray *results;
  JsonObject *review;

  r0 = st_test_push_take (f->session, f->server, f->county, 0,
                     st_test_changes (st_test_change (1, "participants", row, "insert", t0, 0,
                                                      st_test_participant ("李四", ST_TEST_TOWNSHIP_A, 2)), NULL));
  g_assert_cmpstr (result_at (results_of (r0), 0), ==, "applied");

  /* Three laptops change the same phone number, all from the same row. */
  rb = st_test_push_take (f->session, f->server, laptop_b, 0,
                     st_test_changes (st_test_change (1, "participants", row, "update", t0 + ((gint64) 2000 << 16), t0,
                                                      g_strdup ("{\"phone\":\"13900000002\"}")), NULL));
  g_assert_cmpstr (result_at (results_of (rb), 0), ==, "applied");

  /* A later edit wins, but it had not seen B's number: B's is kept. */
  ra = st_test_push_take (f->session, f->server, f->qiaoma, 0,
                     st_test_changes (st_test_change (1, "participants", row, "update", t0 + ((gint64) 4000 << 16), t0,
                                                      g_strdup ("{\"phone\":\"13900000001\"}")), NULL));
  results = results_of (ra);
  g_assert_cmpstr (result_at (results, 0), ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "winner"), ==, "change");
  g_assert_nonnull (json_object_get_string_member (json_array_get_object_element (results, 0), "review"));

  /* An earlier edit arriving last loses, and is kept too. */
  rc = st_test_push_take (f->session, f->server, laptop_c, 0,
                     st_test_changes (st_test_change (1, "participants", row, "update", t0 + ((gint64) 1000 << 16), t0,
                                                      g_strdup ("{\"phone\":\"13900000003\"}")), NULL));
  results = results_of (rc);
  g_assert_cmpstr (result_at (results, 0), ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "winner"), ==, "server");

  /* An older change that agrees with what the row says is no conflict. */
  same = st_test_push_take (f->session, f->server, laptop_c, 0,
                       st_test_changes (st_test_change (2, "participants", row, "update", t0 + ((gint64) 1500 << 16), t0,
                                                        g_strdup ("{\"phone\":\"13900000001\"}")), NULL));
  g_assert_cmpstr (result_at (results_of (same), 0), ==, "applied");

  feed = st_test_pull_all (f->session, f->server, f->qiaoma, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (fields_of (st_test_find_row (feed, row)), "phone"), ==, "13900000001");
  g_assert_cmpuint (st_test_count_table (feed, "review_items"), ==, 2);

  review = review_for (feed, "change");
  g_assert_nonnull (review);
  g_assert_cmpstr (json_object_get_string_member (review, "row_id"), ==, row);
  g_assert_cmpstr (json_object_get_string_member (review, "loser_device"), ==, device_b);
  g_assert_cmpstr (json_object_get_string_member (review, "winner_device"), ==, f->qiaoma_device);
  g_assert_cmpstr (json_object_get_string_member (review, "township_code"), ==, ST_TEST_TOWNSHIP_A);
  lost_b = json_from_string (json_object_get_string_member (review, "values"), NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (lost_b), "phone"), ==, "13900000002");

  review = review_for (feed, "server");
  g_assert_nonnull (review);
  g_assert_cmpstr (json_object_get_string_member (review, "loser_device"), ==, device_c);
  g_assert_cmpstr (json_object_get_string_member (review, "loser_account"), ==, "qiaoma");
  lost_c = json_from_string (json_object_get_string_member (review, "values"), NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (lost_c), "phone"), ==, "13900000003");
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *row = st_uuid_new ();
  gint64 t0 = st_test_hlc (-5000);
  g_autoptr(StTestReply) r1 = NULL;
  g_autoptr(StTestReply) r2 = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  JsonObject *entry;

  r1 = st_test_push_take (f->session, f->server, f->qiaoma, 0,
                     st_test_changes (st_test_change (1, "participants", row, "insert", t0, 0,
                                                      st_test_participant ("退学", ST_TEST_TOWNSHIP_A, 3)),
                                      st_test_change (2, "participants", row, "delete", t0 + ((gint64) 2000 << 16), t0,
                                                      g_strdup ("{\"deleted\":1}")),
                                      NULL));
  g_assert_cmpstr (result_at (results_of (r1), 1), ==, "applied");

  /* An edit made elsewhere that the delete had not seen (it is later than
   * the row the delete was based on) brings the row back: a delete wins
   * only over edits it has seen (test-server-merge.c has the rest). */
  r2 = st_test_push_take (f->session, f->server, f->county, 0,
                     st_test_changes (st_test_change (1, "participants", row, "update", t0 + ((gint64) 1000 << 16), t0,
                                                      g_strdup ("{\"phone\":\"13700000000\"}")), NULL));
  g_assert_cmpstr (result_at (results_of (r2), 0), ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results_of (r2), 0), "winner"),
                   ==, "change");

  feed = st_test_pull_all (f->session, f->server, f->county, NULL, NULL);
  entry = st_test_find_row (feed, row);
  g_assert_false (json_object_get_boolean_member (entry, "deleted"));
  g_assert_cmpstr (json_object_get_string_member (fields_of (entry), "phone"), ==, "13700000000");
}

static void
test_pages_and_compaction (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) changes = g_string_new ("[");
  g_autoptr(StTestReply) pushed = NULL;
  g_autoptr(StTestReply) updated = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  g_autofree char *later = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  gint64 t0 = st_test_hlc (-5000);
  gint64 last_seq = 0;
  guint pages = 0;
  gboolean more = TRUE;

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *change = NULL;

      g_ptr_array_add (rows, st_uuid_new ());
      change = st_test_change (i + 1, "participants", g_ptr_array_index (rows, i), "insert", t0 + i, 0,
                               st_test_participant ("分页", ST_TEST_TOWNSHIP_A, 100 + i));
      g_string_append_printf (changes, "%s%s", i ? "," : "", change);
    }
  g_string_append_c (changes, ']');
  pushed = st_test_push (f->session, f->server, f->county, 0, changes->str);
  g_assert_cmpuint (pushed->status, ==, 200);

  /* Pages of ten: 10, 10, 5, each entry once, in feed order. */
  while (more)
    {
      g_autofree char *path = cursor ? g_strdup_printf ("/api/v1/pull?limit=10&cursor=%s", cursor)
                                     : g_strdup ("/api/v1/pull?limit=10");
      g_autoptr(StTestReply) page = st_test_call (f->session, f->server, "GET", path, f->qiaoma, NULL);
      JsonObject *object = st_test_reply_object (page);
      JsonArray *entries = json_object_get_array_member (object, "changes");

      g_assert_cmpuint (page->status, ==, 200);
      g_assert_cmpuint (json_array_get_length (entries), ==, pages < 2 ? 10 : 5);
      for (guint i = 0; i < json_array_get_length (entries); i++)
        {
          JsonObject *entry = json_array_get_object_element (entries, i);

          g_assert_cmpint (json_object_get_int_member (entry, "seq"), >, last_seq);
          last_seq = json_object_get_int_member (entry, "seq");
          g_assert_true (g_hash_table_add (seen, g_strdup (json_object_get_string_member (entry, "row"))));
        }
      more = json_object_get_boolean_member (object, "more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (object, "cursor"));
      pages++;
    }
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 25);

  /* Row 3 changed twice and row 7 once since: after the cursor, each once,
   * in its latest state. */
  updated = st_test_push_take (f->session, f->server, f->county, 0,
                          st_test_changes (st_test_change (26, "participants", g_ptr_array_index (rows, 3), "update",
                                                           t0 + 100, t0 + 3, g_strdup ("{\"phone\":\"1\"}")),
                                           st_test_change (27, "participants", g_ptr_array_index (rows, 7), "update",
                                                           t0 + 101, t0 + 7, g_strdup ("{\"phone\":\"7\"}")),
                                           st_test_change (28, "participants", g_ptr_array_index (rows, 3), "update",
                                                           t0 + 102, t0 + 100, g_strdup ("{\"phone\":\"3\"}")),
                                           NULL));
  g_assert_cmpuint (updated->status, ==, 200);
  rest = st_test_pull_all (f->session, f->server, f->qiaoma, cursor, &later);
  g_assert_cmpuint (rest->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (fields_of (st_test_find_row (rest, g_ptr_array_index (rows, 3))), "phone"),
                   ==, "3");
  g_assert_cmpstr (json_object_get_string_member (fields_of (st_test_find_row (rest, g_ptr_array_index (rows, 7))), "phone"),
                   ==, "7");
  /* Nothing new: an empty page. */
  {
    g_autoptr(GPtrArray) none = st_test_pull_all (f->session, f->server, f->qiaoma, later, NULL);

    g_assert_cmpuint (none->len, ==, 0);
  }
}

static void
test_epochs (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *a = st_uuid_new ();
  g_autofree char *b = st_uuid_new ();
  gint64 t0 = st_test_hlc (-5000);
  g_autoptr(StTestReply) first = NULL;
  g_autoptr(StTestReply) reused = NULL;
  g_autoptr(StTestReply) next = NULL;
  g_autoptr(StTestReply) stale = NULL;
  g_autoptr(StTestReply) status = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  JsonObject *device;

  first = st_test_push_take (f->session, f->server, f->qiaoma, 0,
                        st_test_changes (st_test_change (1, "participants", a, "insert", t0, 0,
                                                         st_test_participant ("甲", ST_TEST_TOWNSHIP_A, 31)),
                                         NULL));
  g_assert_cmpstr (result_at (results_of (first), 0), ==, "applied");

  /* The laptop was restored from a backup and numbers a new change 1
   * again: refused whole, nothing written, so it is not taken for a
   * duplicate and lost. */
  reused = st_test_push_take (f->session, f->server, f->qiaoma, 0,
                         st_test_changes (st_test_change (1, "participants", b, "insert", t0 + 10, 0,
                                                          st_test_participant ("乙", ST_TEST_TOWNSHIP_A, 32)),
                                          NULL));
  g_assert_cmpuint (reused->status, ==, 409);
  g_assert_cmpstr (st_test_reply_code (reused), ==, "sequence_reused");
  feed = st_test_pull_all (f->session, f->server, f->county, NULL, NULL);
  g_assert_null (st_test_find_row (feed, b));

  /* Under a new epoch it goes through. */
  next = st_test_push_take (f->session, f->server, f->qiaoma, 1,
                       st_test_changes (st_test_change (1, "participants", b, "insert", t0 + 10, 0,
                                                        st_test_participant ("乙", ST_TEST_TOWNSHIP_A, 32)),
                                        NULL));
  g_assert_cmpstr (result_at (results_of (next), 0), ==, "applied");
  stale = st_test_push (f->session, f->server, f->qiaoma, 0, "[]");
  g_assert_cmpuint (stale->status, ==, 409);
  g_assert_cmpstr (st_test_reply_code (stale), ==, "stale_epoch");

  status = st_test_call (f->session, f->server, "GET", "/api/v1/device", f->qiaoma, NULL);
  device = json_object_get_object_member (st_test_reply_object (status), "device");
  g_assert_cmpint (json_object_get_int_member (device, "epoch"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (device, "acked_seq"), ==, 1);
  g_assert_false (json_object_get_null_member (device, "last_push_at"));
}

static void
test_unknown_row_and_same_key (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *row = st_uuid_new ();
  g_autofree char *session = st_uuid_new ();
  g_autofree char *person = st_uuid_new ();
  g_autofree char *attendance = NULL;
  g_autofree char *fields_a = NULL;
  g_autofree char *fields_b = NULL;
  gint64 t0 = st_test_hlc (-5000);
  g_autoptr(StTestReply) partial = NULL;
  g_autoptr(StTestReply) whole = NULL;
  g_autoptr(StTestReply) laptop_a = NULL;
  g_autoptr(StTestReply) laptop_b = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  JsonObject *r;

  partial = st_test_push_take (f->session, f->server, f->qiaoma, 0,
                          st_test_changes (st_test_change (1, "participants", row, "update", t0 + 5, t0,
                                                           g_strdup ("{\"phone\":\"1\"}")), NULL));
  r = json_array_get_object_element (results_of (partial), 0);
  g_assert_cmpstr (json_object_get_string_member (r, "result"), ==, "rejected");
  g_assert_cmpint (json_object_get_int_member (r, "status"), ==, 409);
  g_assert_cmpstr (json_object_get_string_member (r, "code"), ==, "unknown_row");

  whole = st_test_push_take (f->session, f->server, f->qiaoma, 0,
                        st_test_changes (st_test_change (2, "participants", row, "update", t0 + 6, t0,
                                                         st_test_participant ("丙", ST_TEST_TOWNSHIP_A, 41)), NULL));
  g_assert_cmpstr (result_at (results_of (whole), 0), ==, "applied");

  /* Two laptops record the same attendance offline, differently: one row,
   * the later stamp wins, and the other record is kept for review. */
  attendance = st_uuid_v5_pair (ST_UUID_NS_ATTENDANCE, session, person);
  fields_a = g_strdup_printf ("{\"session_id\":\"%s\",\"participant_id\":\"%s\",\"township_code\":\"%s\","
                              "\"status\":\"present\",\"minutes\":480,\"deleted\":0}", session, person, ST_TEST_TOWNSHIP_A);
  fields_b = g_strdup_printf ("{\"session_id\":\"%s\",\"participant_id\":\"%s\",\"township_code\":\"%s\","
                              "\"status\":\"leave\",\"minutes\":0,\"deleted\":0}", session, person, ST_TEST_TOWNSHIP_A);
  laptop_a = st_test_push_take (f->session, f->server, f->qiaoma, 0,
                           st_test_changes (st_test_change (3, "attendance", attendance, "insert", t0 + 10, 0,
                                                            g_strdup (fields_a)), NULL));
  laptop_b = st_test_push_take (f->session, f->server, f->county, 0,
                           st_test_changes (st_test_change (1, "attendance", attendance, "insert", t0 + 20, 0,
                                                            g_strdup (fields_b)), NULL));
  g_assert_cmpstr (result_at (results_of (laptop_a), 0), ==, "applied");
  g_assert_cmpstr (result_at (results_of (laptop_b), 0), ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results_of (laptop_b), 0), "winner"),
                   ==, "change");
  feed = st_test_pull_all (f->session, f->server, f->county, NULL, NULL);
  g_assert_cmpuint (st_test_count_table (feed, "attendance"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (fields_of (st_test_find_row (feed, attendance)), "status"),
                   ==, "leave");
}

/* One request's changes read what its earlier changes wrote (PostgreSQL
 * keeps a request's row writes and sends them together: a later read of
 * the same row must see them), and rows read before the request's
 * transaction, all at once, are each the right one. */
static void
test_rows_of_one_request (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *x = st_uuid_new ();
  g_autofree char *y = st_uuid_new ();
  g_autofree char *n = st_uuid_new ();
  g_autofree char *device_b = NULL;
  g_autofree char *laptop_b = laptop (f, &device_b);
  gint64 t0 = st_test_hlc (-10000);
  gint64 t1 = t0 + ((gint64) 500 << 16);
  g_autofree char *changes = NULL;
  g_autoptr(StTestReply) r0 = NULL;
  g_autoptr(StTestReply) rb = NULL;
  g_autoptr(StTestReply) again = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(JsonNode) lost = NULL;
  JsonArray *results;
  JsonObject *review;

  r0 = st_test_push_take (f->session, f->server, f->county, 0,
                          st_test_changes (st_test_change (1, "participants", x, "insert", t0, 0,
                                                           st_test_participant ("甲", ST_TEST_TOWNSHIP_A, 51)),
                                           st_test_change (2, "participants", y, "insert", t0, 0,
                                                           st_test_participant ("乙", ST_TEST_TOWNSHIP_A, 52)),
                                           NULL));
  g_assert_cmpstr (result_at (results_of (r0), 0), ==, "applied");
  g_assert_cmpstr (result_at (results_of (r0), 1), ==, "applied");

  changes = st_test_changes (
    st_test_change (1, "participants", n, "insert", t1, 0, st_test_participant ("新", ST_TEST_TOWNSHIP_A, 53)),
    st_test_change (2, "participants", x, "update", t0 + ((gint64) 2000 << 16), t0,
                    g_strdup ("{\"phone\":\"13900000002\"}")),
    /* The row inserted two changes before. */
    st_test_change (3, "participants", n, "update", t1 + 1, t1, g_strdup ("{\"phone\":\"13900000005\"}")),
    /* An older edit of the number change 2 wrote: it sees change 2's
     * write and loses to it (it would win against the row as first read). */
    st_test_change (4, "participants", x, "update", t0 + ((gint64) 1000 << 16), t0,
                    g_strdup ("{\"phone\":\"13900000003\"}")),
    st_test_change (5, "participants", y, "update", t0 + 5, t0, g_strdup ("{\"education\":\"junior\"}")),
    NULL);
  rb = st_test_push (f->session, f->server, laptop_b, 0, changes);
  results = results_of (rb);
  g_assert_cmpuint (json_array_get_length (results), ==, 5);
  g_assert_cmpstr (result_at (results, 0), ==, "applied");
  g_assert_cmpstr (result_at (results, 1), ==, "applied");
  g_assert_cmpstr (result_at (results, 2), ==, "applied");
  g_assert_cmpstr (result_at (results, 3), ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 3), "winner"), ==, "server");
  g_assert_cmpstr (result_at (results, 4), ==, "applied");

  /* Sent again: nothing changes. */
  again = st_test_push (f->session, f->server, laptop_b, 0, changes);
  results = results_of (again);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (result_at (results, i), ==, "duplicate");

  feed = st_test_pull_all (f->session, f->server, f->county, NULL, NULL);
  g_assert_cmpuint (st_test_count_table (feed, "participants"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (fields_of (st_test_find_row (feed, x)), "phone"), ==, "13900000002");
  g_assert_cmpstr (json_object_get_string_member (fields_of (st_test_find_row (feed, x)), "name"), ==, "甲");
  g_assert_cmpstr (json_object_get_string_member (fields_of (st_test_find_row (feed, n)), "name"), ==, "新");
  g_assert_cmpstr (json_object_get_string_member (fields_of (st_test_find_row (feed, n)), "phone"), ==, "13900000005");
  g_assert_cmpint (json_object_get_int_member (st_test_find_row (feed, n), "hlc"), ==, t1 + 1);
  g_assert_cmpstr (json_object_get_string_member (fields_of (st_test_find_row (feed, y)), "education"), ==, "junior");
  g_assert_cmpstr (json_object_get_string_member (fields_of (st_test_find_row (feed, y)), "name"), ==, "乙");
  g_assert_cmpuint (st_test_count_table (feed, "review_items"), ==, 1);
  review = review_for (feed, "server");
  g_assert_nonnull (review);
  g_assert_cmpstr (json_object_get_string_member (review, "row_id"), ==, x);
  lost = json_from_string (json_object_get_string_member (review, "values"), NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (lost), "phone"), ==, "13900000003");
}

/* Fifty laptops at once. */

#define N_CLIENTS 50
#define ROWS_PER_CLIENT 100
#define BATCH 25

typedef struct
{
  StTestServer *server;
  guint         index;
  char         *klass;
  gint64        class_hlc;
  char         *rows[ROWS_PER_CLIENT];
  gint64        shared_hlc;
  guint         applied;
  guint         conflicts;
  guint         other;
} Client;

static gpointer
client_run (gpointer data)
{
  Client *c = data;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *device = st_uuid_new ();
  g_autofree char *token = st_test_sign_in (session, c->server, "county", device);
  gint64 seq = 0;
  gint64 t0 = st_test_hlc (-60000);

  for (guint i = 0; i < ROWS_PER_CLIENT; i++)
    c->rows[i] = st_uuid_new ();

  /* Inserts, then an update of each row, then the shared row. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint start = 0; start < ROWS_PER_CLIENT; start += BATCH)
      {
        g_autoptr(GString) changes = g_string_new ("[");
        g_autoptr(StTestReply) reply = NULL;
        JsonArray *results;

        for (guint i = start; i < start + BATCH; i++)
          {
            g_autofree char *change = NULL;
            gint64 hlc = t0 + ((gint64) pass << 16) * 1000 + i;

            if (pass == 0)
              change = st_test_change (++seq, "participants", c->rows[i], "insert", hlc, 0,
                                       st_test_participant ("并发", ST_TEST_TOWNSHIP_A, c->index * 1000 + i));
            else
              change = st_test_change (++seq, "participants", c->rows[i], "update", hlc, t0 + i,
                                       g_strdup_printf ("{\"phone\":\"1%04u%06u\"}", c->index, i));
            g_string_append_printf (changes, "%s%s", i > start ? "," : "", change);
          }
        g_string_append_c (changes, ']');
        reply = st_test_push (session, c->server, token, 0, changes->str);
        g_assert_cmpuint (reply->status, ==, 200);
        results = json_object_get_array_member (st_test_reply_object (reply), "results");
        g_assert_cmpuint (json_array_get_length (results), ==, BATCH);
        for (guint i = 0; i < BATCH; i++)
          if (g_str_equal (result_at (results, i), "applied"))
            c->applied++;
          else
            c->other++;
      }

  {
    g_autofree char *notes = g_strdup_printf ("{\"notes\":\"client %u\"}", c->index);
    g_autoptr(StTestReply) reply = st_test_push_take (session, c->server, token, 0,
                                                 st_test_changes (st_test_change (++seq, "classes", c->klass, "update",
                                                                                  c->shared_hlc, c->class_hlc,
                                                                                  g_steal_pointer (&notes)), NULL));
    const char *result;

    g_assert_cmpuint (reply->status, ==, 200);
    result = result_at (json_object_get_array_member (st_test_reply_object (reply), "results"), 0);
    if (g_str_equal (result, "conflict"))
      c->conflicts++;
    else if (g_str_equal (result, "applied"))
      c->applied++;
    else
      c->other++;
  }
  return NULL;
}

static void
test_concurrent_clients (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *klass = st_uuid_new ();
  g_autofree char *program = st_uuid_new ();
  gint64 class_hlc = st_test_hlc (-120000);
  Client clients[N_CLIENTS] = { { 0, } };
  GThread *threads[N_CLIENTS];
  g_autoptr(StTestReply) created = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  guint winner = 0, conflicts = 0;
  gint64 started = g_get_monotonic_time ();

  created = st_test_push_take (f->session, f->server, f->county, 0,
                          st_test_changes (st_test_change (1, "classes", klass, "insert", class_hlc, 0,
                                                           g_strdup_printf ("{\"name\":\"共享班\",\"program_id\":\"%s\","
                                                                            "\"township_code\":\"%s\",\"start_date\":\"2025-03-01\","
                                                                            "\"deleted\":0}", program, ST_TEST_TOWNSHIP_A)),
                                           NULL));
  g_assert_cmpstr (result_at (results_of (created), 0), ==, "applied");

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      clients[i].server = f->server;
      clients[i].index = i;
      clients[i].klass = klass;
      clients[i].class_hlc = class_hlc;
      /* Every laptop edits the shared row at its own moment. */
      clients[i].shared_hlc = class_hlc + ((gint64) (1 + (i * 37) % N_CLIENTS) << 16);
      if (clients[i].shared_hlc > clients[winner].shared_hlc)
        winner = i;
    }
  for (guint i = 0; i < N_CLIENTS; i++)
    threads[i] = g_thread_new ("client", client_run, &clients[i]);
  for (guint i = 0; i < N_CLIENTS; i++)
    g_thread_join (threads[i]);
  g_test_message ("%d clients, %d changes each, in %.1f s", N_CLIENTS, 2 * ROWS_PER_CLIENT + 1,
                  (g_get_monotonic_time () - started) / 1e6);

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_assert_cmpuint (clients[i].applied + clients[i].conflicts, ==, 2 * ROWS_PER_CLIENT + 1);
      g_assert_cmpuint (clients[i].other, ==, 0);
      conflicts += clients[i].conflicts;
    }

  /* Every write is there: each row with its last value, and the shared row
   * with the latest edit; every edit that lost is kept for review. */
  feed = st_test_pull_all (f->session, f->server, f->county, NULL, NULL);
  g_assert_cmpuint (st_test_count_table (feed, "participants"), ==, N_CLIENTS * ROWS_PER_CLIENT);
  for (guint i = 0; i < N_CLIENTS; i++)
    for (guint r = 0; r < ROWS_PER_CLIENT; r++)
      {
        g_autofree char *phone = g_strdup_printf ("1%04u%06u", i, r);
        JsonObject *entry = st_test_find_row (feed, clients[i].rows[r]);

        g_assert_nonnull (entry);
        g_assert_cmpstr (json_object_get_string_member (fields_of (entry), "phone"), ==, phone);
      }
  {
    g_autofree char *notes = g_strdup_printf ("client %u", winner);

    g_assert_cmpstr (json_object_get_string_member (fields_of (st_test_find_row (feed, klass)), "notes"), ==, notes);
  }
  g_assert_cmpuint (st_test_count_table (feed, "review_items"), ==, conflicts);

  for (guint i = 0; i < N_CLIENTS; i++)
    for (guint r = 0; r < ROWS_PER_CLIENT; r++)
      g_free (clients[i].rows[r]);
}

static char *
snapshot (GPtrArray *feed)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < feed->len; i++)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), g_ptr_array_index (feed, i));
      g_autofree char *text = json_to_string (node, FALSE);

      g_string_append_printf (out, "%s\n", text);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_restart_keeps_everything (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GString) changes = g_string_new ("[");
  g_autoptr(StTestReply) pushed = NULL;
  g_autoptr(StTestReply) again = NULL;
  g_autoptr(StTestReply) status = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  gint64 t0 = st_test_hlc (-5000);

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *row = st_uuid_new ();
      g_autofree char *change = st_test_change (i + 1, "participants", row, "insert", t0 + i, 0,
                                                st_test_participant ("重启", ST_TEST_TOWNSHIP_A, 500 + i));

      g_string_append_printf (changes, "%s%s", i ? "," : "", change);
    }
  g_string_append_c (changes, ']');
  pushed = st_test_push (f->session, f->server, f->qiaoma, 0, changes->str);
  g_assert_cmpuint (pushed->status, ==, 200);
  before = st_test_pull_all (f->session, f->server, f->qiaoma, NULL, NULL);
  g_assert_cmpuint (before->len, ==, 200);
  before_text = snapshot (before);

  st_test_server_stop (f->server);
  g_clear_pointer (&f->server, st_test_server_free);
  f->server = st_test_server_start (f->db, NULL);

  /* Same data, same sign-in, same memory of what was pushed. */
  after = st_test_pull_all (f->session, f->server, f->qiaoma, NULL, NULL);
  after_text = snapshot (after);
  g_assert_cmpstr (after_text, ==, before_text);
  status = st_test_call (f->session, f->server, "GET", "/api/v1/device", f->qiaoma, NULL);
  g_assert_cmpuint (status->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (st_test_reply_object (status), "device"),
                                               "acked_seq"), ==, 200);
  again = st_test_push (f->session, f->server, f->qiaoma, 0, changes->str);
  g_assert_cmpstr (result_at (results_of (again), 199), ==, "duplicate");
}

/* A statement of a request fails inside PostgreSQL (a constraint the test
 * adds: one row its upsert refuses, one change-log entry): that request
 * fails alone, with nothing of it kept, whatever requests shared its
 * transaction and the writer's pipeline; the others are applied. Sent
 * again once the database takes them, the failed ones are applied whole
 * (nothing of them was kept: no change is a duplicate). */
#define FAIL_LAPTOPS 8
#define FAIL_ROWS 20

typedef struct
{
  StTestServer *server;
  guint         index;
  char         *device;
  char         *rows[FAIL_ROWS];
  guint         status;
  guint         applied;
  guint         duplicate;
  const char   *token;      /* test_retry_in_group (): the push's token and */
  const char   *body;       /* changes, the same each time it is sent */
} FailLaptop;

static GMutex fail_lock;
static GCond fail_cond;
static guint fail_ready;

static guint
fail_push (FailLaptop *l,
           SoupSession *session,
           const char *token)
{
  g_autoptr(GString) changes = g_string_new ("[");
  g_autoptr(StTestReply) reply = NULL;
  JsonArray *results;

  for (guint i = 0; l->body == NULL && i < FAIL_ROWS; i++)
    {
      g_autofree char *change = st_test_change (i + 1, "participants", l->rows[i], "insert", st_test_hlc (-60000) + i, 0,
                                                st_test_participant ("失败", ST_TEST_TOWNSHIP_A, l->index * 100 + i));

      g_string_append_printf (changes, "%s%s", i > 0 ? "," : "", change);
    }
  g_string_append_c (changes, ']');
  reply = st_test_push (session, l->server, token, 0, l->body != NULL ? l->body : changes->str);
  l->applied = l->duplicate = 0;
  if (reply->status == 200)
    {
      results = json_object_get_array_member (st_test_reply_object (reply), "results");
      for (guint i = 0; i < json_array_get_length (results); i++)
        if (g_str_equal (result_at (results, i), "applied"))
          l->applied++;
        else if (g_str_equal (result_at (results, i), "duplicate"))
          l->duplicate++;
    }
  return reply->status;
}

static gpointer
fail_laptop_run (gpointer data)
{
  FailLaptop *l = data;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *token = st_test_sign_in (session, l->server, "county", l->device);

  /* All at once, so that the writer takes several in one transaction. */
  g_mutex_lock (&fail_lock);
  fail_ready++;
  g_cond_broadcast (&fail_cond);
  while (fail_ready < FAIL_LAPTOPS)
    g_cond_wait (&fail_cond, &fail_lock);
  g_mutex_unlock (&fail_lock);
  l->status = fail_push (l, session, token);
  return NULL;
}

static void
test_failed_statement (Fixture       *f,
                       gconstpointer  data)
{
  FailLaptop laptops[FAIL_LAPTOPS] = { { 0, } };
  GThread *threads[FAIL_LAPTOPS];
  g_autoptr(GPtrArray) feed = NULL;
  g_autofree char *refuse_row = NULL, *refuse_entry = NULL;

  for (guint i = 0; i < FAIL_LAPTOPS; i++)
    {
      laptops[i].server = f->server;
      laptops[i].index = i;
      laptops[i].device = st_uuid_new ();
      for (guint r = 0; r < FAIL_ROWS; r++)
        laptops[i].rows[r] = st_uuid_new ();
    }
  /* Laptop 2's 11th row cannot be stored, laptop 5's 7th change cannot be
   * logged. */
  refuse_row = g_strdup_printf ("ALTER TABLE records ADD CONSTRAINT test_refuses CHECK (id <> '%s')",
                                laptops[2].rows[10]);
  refuse_entry = g_strdup_printf ("ALTER TABLE changes ADD CONSTRAINT test_refuses CHECK (row_id <> '%s')",
                                  laptops[5].rows[6]);
  g_free (st_test_store_pg_query (f->db, refuse_row));
  g_free (st_test_store_pg_query (f->db, refuse_entry));

  fail_ready = 0;
  for (guint i = 0; i < FAIL_LAPTOPS; i++)
    threads[i] = g_thread_new ("laptop", fail_laptop_run, &laptops[i]);
  for (guint i = 0; i < FAIL_LAPTOPS; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < FAIL_LAPTOPS; i++)
    if (i == 2 || i == 5)
      g_assert_cmpuint (laptops[i].status, ==, 503);
    else
      {
        g_assert_cmpuint (laptops[i].status, ==, 200);
        g_assert_cmpuint (laptops[i].applied, ==, FAIL_ROWS);
      }
  /* Nothing of the two failed requests: no row, no entry, no laptop. */
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT count(*) FROM records WHERE tbl = 'participants'", NULL),
                   ==, (FAIL_LAPTOPS - 2) * FAIL_ROWS);
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT count(*) FROM changes WHERE device = $1", laptops[2].device),
                   ==, 0);
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT count(*) FROM changes WHERE device = $1", laptops[5].device),
                   ==, 0);
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT count(*) FROM devices WHERE id = $1 AND acked_seq > 0",
                                         laptops[5].device), ==, 0);

  /* The database takes them again: sent again, all applied. */
  g_free (st_test_store_pg_query (f->db, "ALTER TABLE records DROP CONSTRAINT test_refuses"));
  g_free (st_test_store_pg_query (f->db, "ALTER TABLE changes DROP CONSTRAINT test_refuses"));
  for (guint i = 2; i < FAIL_LAPTOPS; i += 3)
    {
      g_autoptr(SoupSession) session = st_test_session_new ();
      g_autofree char *token = st_test_sign_in (session, f->server, "county", laptops[i].device);

      g_assert_cmpuint (fail_push (&laptops[i], session, token), ==, 200);
      g_assert_cmpuint (laptops[i].applied, ==, FAIL_ROWS);
    }
  feed = st_test_pull_all (f->session, f->server, f->county, NULL, NULL);
  g_assert_cmpuint (st_test_count_table (feed, "participants"), ==, FAIL_LAPTOPS * FAIL_ROWS);
  for (guint i = 0; i < FAIL_LAPTOPS; i++)
    {
      for (guint r = 0; r < FAIL_ROWS; r++)
        {
          g_assert_nonnull (st_test_find_row (feed, laptops[i].rows[r]));
          g_free (laptops[i].rows[r]);
        }
      g_free (laptops[i].device);
    }
}

/* @n laptops, each with FAIL_ROWS new rows of its own, signed in (their
 * tokens in @tokens, for the caller to free). */
static void
signed_in_laptops (Fixture      *f,
                   SoupSession  *session,
                   FailLaptop   *laptops,
                   char        **tokens,
                   guint         n)
{
  for (guint i = 0; i < n; i++)
    {
      laptops[i].server = f->server;
      laptops[i].index = i;
      laptops[i].device = st_uuid_new ();
      for (guint r = 0; r < FAIL_ROWS; r++)
        laptops[i].rows[r] = st_uuid_new ();
      laptops[i].token = tokens[i] = st_test_sign_in (session, f->server, "county", laptops[i].device);
    }
}

static void
laptops_clear (FailLaptop *laptops,
               guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      for (guint r = 0; r < FAIL_ROWS; r++)
        g_free (laptops[i].rows[r]);
      g_free (laptops[i].device);
    }
}

static gpointer
retry_push_run (gpointer data)
{
  FailLaptop *l = data;
  g_autoptr(SoupSession) session = st_test_session_new ();

  l->status = fail_push (l, session, l->token);
  return NULL;
}

/* A laptop's push sent again while the first is still waiting (a retry
 * after an answer lost on the way), both taken by the writer into one
 * transaction after another laptop's push: the one applied second sees
 * what the first did in that transaction (the laptop's acknowledged
 * position, the change log) and answers every change as a duplicate, as
 * it would a transaction later. The writer does not wait for the database
 * between requests, and reads a laptop's record outside the transaction
 * unless the transaction wrote it: reading it outside after the first
 * push wrote it would take every change of the second for new (a refused
 * log entry: 503). */
static void
test_retry_in_group (Fixture       *f,
                     gconstpointer  data)
{
  FailLaptop other = { .server = f->server, .index = 0 };
  FailLaptop first = { .server = f->server, .index = 1 };
  FailLaptop again;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *other_token = NULL, *token = NULL;
  g_autoptr(GString) body = g_string_new ("[");
  GThread *threads[3];
  gpointer lock;

  other.device = st_uuid_new ();
  first.device = st_uuid_new ();
  for (guint r = 0; r < FAIL_ROWS; r++)
    {
      other.rows[r] = st_uuid_new ();
      first.rows[r] = st_uuid_new ();
    }
  other.token = other_token = st_test_sign_in (session, f->server, "county", other.device);
  first.token = token = st_test_sign_in (session, f->server, "county", first.device);
  /* Sent twice as it is, as a laptop sends its outbox again. */
  for (guint i = 0; i < FAIL_ROWS; i++)
    {
      g_autofree char *change = st_test_change (i + 1, "participants", first.rows[i], "insert",
                                                st_test_hlc (-60000) + i, 0,
                                                st_test_participant ("重发", ST_TEST_TOWNSHIP_A, 100 + i));

      g_string_append_printf (body, "%s%s", i > 0 ? "," : "", change);
    }
  g_string_append_c (body, ']');
  first.body = body->str;
  again = first;

  lock = st_test_store_pg_lock_writes (f->db);
  /* The writer takes this one and waits for the lock with it… */
  threads[0] = g_thread_new ("other", retry_push_run, &other);
  g_usleep (500 * 1000);
  /* …while these two queue up; it takes them once it holds the lock. */
  threads[1] = g_thread_new ("first", retry_push_run, &first);
  threads[2] = g_thread_new ("again", retry_push_run, &again);
  g_usleep (500 * 1000);
  st_test_store_pg_unlock (lock);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (other.status, ==, 200);
  g_assert_cmpuint (other.applied, ==, FAIL_ROWS);
  g_assert_cmpuint (first.status, ==, 200);
  g_assert_cmpuint (again.status, ==, 200);
  /* One of the two applied every change, the other found each applied. */
  g_assert_cmpuint (first.applied + again.applied, ==, FAIL_ROWS);
  g_assert_cmpuint (first.duplicate + again.duplicate, ==, FAIL_ROWS);
  g_assert_cmpuint (MAX (first.applied, again.applied), ==, FAIL_ROWS);
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT count(*) FROM changes WHERE device = $1", first.device),
                   ==, FAIL_ROWS);
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT acked_seq FROM devices WHERE id = $1", first.device),
                   ==, FAIL_ROWS);
  for (guint r = 0; r < FAIL_ROWS; r++)
    {
      g_free (other.rows[r]);
      g_free (first.rows[r]);
    }
  g_free (other.device);
  g_free (first.device);
}

/* A request whose write fails inside PostgreSQL, the next request of the
 * same transaction made ready before the failure is known (the writer does
 * not wait for the database between requests): the failure is the first
 * request's alone — it gets 503 and keeps nothing — and the second, made
 * again, is applied whole. Both are queued after a third laptop's push
 * while the test holds the write lock, the failing one first, and go into
 * the third's transaction. */
static void
test_failure_found_later (Fixture       *f,
                          gconstpointer  data)
{
  FailLaptop laptops[3] = { { 0, } };
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *refuse = NULL;
  g_autofree char *tokens[3] = { NULL, };
  GThread *threads[3];
  gpointer lock;

  signed_in_laptops (f, session, laptops, tokens, 3);
  /* Laptop 1's last row cannot be stored. */
  refuse = g_strdup_printf ("ALTER TABLE records ADD CONSTRAINT test_refuses CHECK (id <> '%s')",
                            laptops[1].rows[FAIL_ROWS - 1]);
  g_free (st_test_store_pg_query (f->db, refuse));

  lock = st_test_store_pg_lock_writes (f->db);
  for (guint i = 0; i < 3; i++)
    {
      threads[i] = g_thread_new ("laptop", retry_push_run, &laptops[i]);
      /* In this order: the writer waits with the first; the others queue. */
      g_usleep (400 * 1000);
    }
  st_test_store_pg_unlock (lock);
  for (guint i = 0; i < 3; i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (laptops[0].status, ==, 200);
  g_assert_cmpuint (laptops[0].applied, ==, FAIL_ROWS);
  g_assert_cmpuint (laptops[1].status, ==, 503);
  g_assert_cmpuint (laptops[2].status, ==, 200);
  g_assert_cmpuint (laptops[2].applied, ==, FAIL_ROWS);
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT count(*) FROM changes WHERE device = $1", laptops[1].device),
                   ==, 0);
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT count(*) FROM changes WHERE device = $1", laptops[2].device),
                   ==, FAIL_ROWS);
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT count(*) FROM records WHERE tbl = 'participants'", NULL),
                   ==, 2 * FAIL_ROWS);
  laptops_clear (laptops, 3);
}

static gint waiting_done;

static gpointer
waiting_push_run (gpointer data)
{
  retry_push_run (data);
  g_atomic_int_inc (&waiting_done);
  return NULL;
}

/* The test asks for the write lock and waits in line until @queued
 * requests for it are waiting (the writer's among them), lets go of @held
 * (when not NULL), and gets the lock as soon as the writer's transaction
 * under way is over: the @n laptops' pushes must all have been answered by
 * that transaction, every change applied. */
static void
answered_by_one_transaction (Fixture    *f,
                             gpointer    held,
                             gint64      queued,
                             FailLaptop *laptops,
                             GThread   **threads,
                             guint       n)
{
  gpointer next = st_test_store_pg_lock_ask (f->db);
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (st_test_store_pg_int (f->db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
                               NULL) < queued)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, until);
      g_usleep (20 * 1000);
    }
  if (held != NULL)
    st_test_store_pg_unlock (held);
  st_test_store_pg_lock_wait (next);

  /* The writer's transaction is over, and no other can begin. */
  until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (g_atomic_int_get (&waiting_done) < (gint) n && g_get_monotonic_time () < until)
    g_usleep (20 * 1000);
  g_assert_cmpint (g_atomic_int_get (&waiting_done), ==, n);
  st_test_store_pg_unlock (next);
  for (guint i = 0; i < n; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (laptops[i].status, ==, 200);
      g_assert_cmpuint (laptops[i].applied, ==, FAIL_ROWS);
    }
  g_assert_cmpint (st_test_store_pg_int (f->db, "SELECT count(*) FROM records WHERE tbl = 'participants'", NULL),
                   ==, n * FAIL_ROWS);
}

/* The pushes that come in while the writer waits for the write lock (held
 * by another process's writer, here by the test) go into the transaction
 * it then begins, with the push it waited with: not into a transaction of
 * their own, after waiting for the other processes' writers once more. The
 * test asks for the lock again while the writer waits (in line behind it),
 * and lets go of it: it gets the lock back as soon as the writer's first
 * transaction is over, and every push must be answered by then. */
static void
test_waiting_join_group (Fixture       *f,
                         gconstpointer  data)
{
  FailLaptop laptops[3] = { { 0, } };
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *tokens[3] = { NULL, };
  GThread *threads[3];
  gpointer lock;

  signed_in_laptops (f, session, laptops, tokens, 3);

  g_atomic_int_set (&waiting_done, 0);
  lock = st_test_store_pg_lock_writes (f->db);
  for (guint i = 0; i < 3; i++)
    {
      threads[i] = g_thread_new ("laptop", waiting_push_run, &laptops[i]);
      /* The writer waits for the lock with the first; the others come in
       * meanwhile. */
      g_usleep (400 * 1000);
    }
  /* In line behind the writer: the writer and the test wait. */
  answered_by_one_transaction (f, lock, 2, laptops, threads, 3);
  laptops_clear (laptops, 3);
}

/* A push that comes in while the writer applies its transaction's requests
 * joins that transaction (up to a group's most): on PostgreSQL the writers
 * of the processes take turns, and a push left for this process's next
 * transaction would wait for another process's as well. A server whose
 * writer stops for a while after the first request it applies (a failpoint
 * that pauses) takes one laptop's push; two more push meanwhile. The test
 * then asks for the write lock (in line behind the writer) and gets it as
 * soon as the writer's first transaction is over: every push must have
 * been answered by then. */
static void
test_join_running_group (Fixture       *f,
                         gconstpointer  data)
{
  FailLaptop laptops[3] = { { 0, } };
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *tokens[3] = { NULL, };
  GThread *threads[3];
  StTestServer *held;

  held = st_test_server_startv (f->db, NULL, "server-applied:1:2000");
  signed_in_laptops (f, session, laptops, tokens, 3);
  for (guint i = 0; i < 3; i++)
    laptops[i].server = held;

  g_atomic_int_set (&waiting_done, 0);
  threads[0] = g_thread_new ("laptop", waiting_push_run, &laptops[0]);
  g_assert_true (st_test_server_wait_log (held, "failpoint server-applied reached", 10000));
  threads[1] = g_thread_new ("laptop", waiting_push_run, &laptops[1]);
  threads[2] = g_thread_new ("laptop", waiting_push_run, &laptops[2]);
  /* Read and waiting for the writer: time for it, well within its pause. */
  g_usleep (600 * 1000);
  answered_by_one_transaction (f, NULL, 1, laptops, threads, 3);
  st_test_server_stop (held);
  st_test_server_free (held);
  laptops_clear (laptops, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server/push/applied-and-duplicate", Fixture, NULL, fixture_setup, test_applied_and_duplicate,
              fixture_teardown);
  g_test_add ("/server/push/conflicts", Fixture, NULL, fixture_setup, test_conflicts, fixture_teardown);
  g_test_add ("/server/push/delete", Fixture, NULL, fixture_setup, test_delete, fixture_teardown);
  g_test_add ("/server/push/pages-and-compaction", Fixture, NULL, fixture_setup, test_pages_and_compaction,
              fixture_teardown);
  g_test_add ("/server/push/rows-of-one-request", Fixture, NULL, fixture_setup, test_rows_of_one_request,
              fixture_teardown);
  g_test_add ("/server/push/epochs", Fixture, NULL, fixture_setup, test_epochs, fixture_teardown);
  g_test_add ("/server/push/unknown-row-and-same-key", Fixture, NULL, fixture_setup, test_unknown_row_and_same_key,
              fixture_teardown);
  g_test_add ("/server/push/50-concurrent-clients", Fixture, NULL, fixture_setup, test_concurrent_clients,
              fixture_teardown);
  g_test_add ("/server/push/restart-keeps-everything", Fixture, NULL, fixture_setup, test_restart_keeps_everything,
              fixture_teardown);

  /* PostgreSQL's: the test makes a statement fail inside the database. */
  if (st_test_store_is_pg ())
    g_test_add ("/server/push/failed-statement", Fixture, NULL, fixture_setup, test_failed_statement,
                fixture_teardown);
  if (st_test_store_is_pg ())
    g_test_add ("/server/push/retry-in-group", Fixture, NULL, fixture_setup, test_retry_in_group,
                fixture_teardown);
  if (st_test_store_is_pg ())
    g_test_add ("/server/push/failure-found-later", Fixture, NULL, fixture_setup, test_failure_found_later,
                fixture_teardown);
  if (st_test_store_is_pg ())
    g_test_add ("/server/push/join-running-group", Fixture, NULL, fixture_setup, test_join_running_group,
                fixture_teardown);
  if (st_test_store_is_pg ())
    g_test_add ("/server/push/waiting-join-group", Fixture, NULL, fixture_setup, test_waiting_join_group,
                fixture_teardown);

  return g_test_run ();
}
