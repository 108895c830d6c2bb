/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The merge rules of issue 6 against a real shuangti-server: per-field last
 * writer wins for participants, a delete that wins only over edits it has
 * seen, the same person registered on two laptops, and review items
 * resolved from a laptop. Every scenario runs in both orders of arrival on
 * fresh servers with the same keys and clocks, and the two end states must
 * be the same; pushing everything again must change nothing. */
#include "config.h"

#include "st-test-server.h"
#include "st-uuid.h"

#define SECOND ((gint64) 1000 << 16)

typedef struct
{
  char         *db;
  StTestServer *server;
  SoupSession  *session;
  char         *county;
  char         *laptop_a;
  char         *laptop_b;
  char         *yangba;
  gint64        epoch_a;
  gint64        epoch_b;
} Server;

/* What stays the same between runs: keys, devices and clocks. */
typedef struct
{
  char   *device_county;
  char   *device_a;
  char   *device_b;
  char   *device_yangba;
  gint64  t0;
  char   *rows[8];
} Keys;

static void
keys_init (Keys *k)
{
  k->device_county = st_uuid_new ();
  k->device_a = st_uuid_new ();
  k->device_b = st_uuid_new ();
  k->device_yangba = st_uuid_new ();
  k->t0 = st_test_hlc (-600000);
  for (guint i = 0; i < G_N_ELEMENTS (k->rows); i++)
    k->rows[i] = st_uuid_new ();
}

static void
keys_clear (Keys *k)
{
  g_free (k->device_county);
  g_free (k->device_a);
  g_free (k->device_b);
  g_free (k->device_yangba);
  for (guint i = 0; i < G_N_ELEMENTS (k->rows); i++)
    g_free (k->rows[i]);
}

static Server *
server_new (const Keys *k,
            const char *name)
{
  Server *s = g_new0 (Server, 1);

  s->db = st_test_db_path (name);
  st_test_add_user (s->db, "county", "county", NULL);
  /* Two laptops of one township, signed in as its account. */
  st_test_add_user (s->db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  st_test_add_user (s->db, "yangba", "township", ST_TEST_TOWNSHIP_B, NULL);
  s->server = st_test_server_start (s->db, NULL);
  s->session = st_test_session_new ();
  s->county = st_test_sign_in (s->session, s->server, "county", k->device_county);
  s->laptop_a = st_test_sign_in (s->session, s->server, "qiaoma", k->device_a);
  s->laptop_b = st_test_sign_in (s->session, s->server, "qiaoma", k->device_b);
  s->yangba = st_test_sign_in (s->session, s->server, "yangba", k->device_yangba);
  return s;
}

static void
server_free (Server *s)
{
  st_test_server_stop (s->server);
  st_test_server_free (s->server);
  g_object_unref (s->session);
  g_free (s->county);
  g_free (s->laptop_a);
  g_free (s->laptop_b);
  g_free (s->yangba);
  g_free (s->db);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Server, server_free)

/* Pushes @changes (taken) and returns the results (owned by *@reply). */
static JsonArray *
push (Server       *s,
      const char   *token,
      gint64        epoch,
      char         *changes,
      StTestReply **reply)
{
  *reply = st_test_push_take (s->session, s->server, token, epoch, changes);
  if ((*reply)->status != 200)
    g_error ("push: %u %.*s", (*reply)->status, (int) g_bytes_get_size ((*reply)->body),
             (const char *) g_bytes_get_data ((*reply)->body, NULL));
  return json_object_get_array_member (st_test_reply_object (*reply), "results");
}

static JsonObject *
result_at (JsonArray *results,
           guint      i)
{
  return json_array_get_object_element (results, i);
}

static const char *
result_of (JsonArray *results,
           guint      i)
{
  return json_object_get_string_member (result_at (results, i), "result");
}

static JsonObject *
fields_of (JsonObject *entry)
{
  g_assert_nonnull (entry);
  return json_object_get_object_member (entry, "fields");
}

static const char *
field (GPtrArray  *feed,
       const char *row,
       const char *name)
{
  return json_object_get_string_member (fields_of (st_test_find_row (feed, row)), name);
}

static gboolean
is_deleted (GPtrArray  *feed,
            const char *row)
{
  JsonObject *entry = st_test_find_row (feed, row);

  g_assert_nonnull (entry);
  return json_object_get_boolean_member (entry, "deleted");
}

/* The review items of @feed, their fields. */
static GPtrArray *
reviews (GPtrArray *feed)
{
  GPtrArray *items = g_ptr_array_new ();

  for (guint i = 0; i < feed->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (feed, i);

      if (g_str_equal (json_object_get_string_member (entry, "table"), "review_items"))
        g_ptr_array_add (items, fields_of (entry));
    }
  return items;
}

/* A JSON text member of a review item, parsed. */
static JsonObject *
json_member (JsonObject *item,
             const char *member,
             JsonNode  **holder)
{
  *holder = json_from_string (json_object_get_string_member (item, member), NULL);
  g_assert_nonnull (*holder);
  return json_node_get_object (*holder);
}

static gint
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Every row but the review items, as "table row deleted {sorted fields}",
 * sorted: what two servers must agree on. */
static char *
state_of (GPtrArray *feed)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < feed->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (feed, i);
      JsonObject *fields;
      GList *names;
      GString *line;

      if (g_str_equal (json_object_get_string_member (entry, "table"), "review_items"))
        continue;
      fields = fields_of (entry);
      line = g_string_new (NULL);
      g_string_append_printf (line, "%s %s %s", json_object_get_string_member (entry, "table"),
                              json_object_get_string_member (entry, "row"),
                              json_object_get_boolean_member (entry, "deleted") ? "deleted" : "live");
      names = g_list_sort (json_object_get_members (fields), (GCompareFunc) g_strcmp0);
      for (GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *value = json_to_string (json_object_get_member (fields, l->data), FALSE);

          g_string_append_printf (line, " %s=%s", (const char *) l->data, value);
        }
      g_list_free (names);
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (const char *) g_ptr_array_index (lines, i));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GPtrArray *
feed_of (Server *s)
{
  return st_test_pull_all (s->session, s->server, s->county, NULL, NULL);
}


/* Per-field last writer wins */

typedef struct
{
  char      *state;
  char      *values;      /* of the one review item: lost, kept, sides */
  guint      n_reviews;
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_free (o->state);
  g_free (o->values);
}

static char *
edit_a (const Keys *k)
{
  /* A changes the phone and the notes … */
  return st_test_change (1, "participants", k->rows[0], "update", k->t0 + 1 * SECOND, k->t0,
                         g_strdup ("{\"phone\":\"13900000001\",\"notes\":\"A 的备注\"}"));
}

static char *
edit_b (const Keys *k)
{
  /* … B the phone (later) and the education, both from the same row. */
  return st_test_change (1, "participants", k->rows[0], "update", k->t0 + 2 * SECOND, k->t0,
                         g_strdup ("{\"phone\":\"13900000002\",\"education\":\"junior\"}"));
}

static void
run_fields (const Keys *k,
            gboolean    a_first,
            Outcome    *o)
{
  g_autoptr(Server) s = server_new (k, a_first ? "fields-ab.db" : "fields-ba.db");
  g_autoptr(StTestReply) r0 = NULL, r1 = NULL, r2 = NULL, again = NULL, restored = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) feed_again = NULL;
  g_autofree char *state_again = NULL;
  g_autoptr(JsonNode) lost_node = NULL, kept_node = NULL, detail_node = NULL;
  JsonObject *item, *lost, *kept, *detail, *phone;
  JsonArray *first, *second;

  push (s, s->county, 0, st_test_changes (st_test_change (1, "participants", k->rows[0], "insert", k->t0, 0,
                                                          st_test_participant ("王五", ST_TEST_TOWNSHIP_A, 21)), NULL),
        &r0);
  first = push (s, a_first ? s->laptop_a : s->laptop_b, 0,
                st_test_changes (a_first ? edit_a (k) : edit_b (k), NULL), &r1);
  second = push (s, a_first ? s->laptop_b : s->laptop_a, 0,
                 st_test_changes (a_first ? edit_b (k) : edit_a (k), NULL), &r2);

  /* The first to arrive is applied; the second meets it on the phone. */
  g_assert_cmpstr (result_of (first, 0), ==, "applied");
  g_assert_cmpstr (result_of (second, 0), ==, "conflict");
  /* B's phone is later: B's change wins the phone when it comes second, and
   * A's change, coming second, loses the phone but its notes are written. */
  g_assert_cmpstr (json_object_get_string_member (result_at (second, 0), "winner"), ==,
                   a_first ? "change" : "server");

  feed = feed_of (s);
  g_assert_cmpstr (field (feed, k->rows[0], "phone"), ==, "13900000002");
  g_assert_cmpstr (field (feed, k->rows[0], "notes"), ==, "A 的备注");
  g_assert_cmpstr (field (feed, k->rows[0], "education"), ==, "junior");
  g_assert_cmpstr (field (feed, k->rows[0], "name"), ==, "王五");

  /* One review item, holding only the phone, with both sides. */
  items = reviews (feed);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "kind"), ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (item, "tbl"), ==, "participants");
  g_assert_cmpstr (json_object_get_string_member (item, "row_id"), ==, k->rows[0]);
  g_assert_cmpstr (json_object_get_string_member (item, "township_code"), ==, ST_TEST_TOWNSHIP_A);
  /* The result names it. */
  g_assert_cmpstr (json_object_get_string_member (st_test_find_row (feed, json_object_get_string_member (result_at (second, 0), "review")),
                                                  "table"), ==, "review_items");
  lost = json_member (item, "values", &lost_node);
  kept = json_member (item, "kept", &kept_node);
  detail = json_member (item, "detail", &detail_node);
  g_assert_cmpuint (json_object_get_size (lost), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (lost, "phone"), ==, "13900000001");
  g_assert_cmpstr (json_object_get_string_member (kept, "phone"), ==, "13900000002");
  phone = json_object_get_object_member (detail, "phone");
  g_assert_cmpstr (json_object_get_string_member (phone, "lost"), ==, "13900000001");
  g_assert_cmpstr (json_object_get_string_member (phone, "lost_device"), ==, k->device_a);
  g_assert_cmpstr (json_object_get_string_member (phone, "lost_account"), ==, "qiaoma");
  g_assert_cmpint (json_object_get_int_member (phone, "lost_hlc"), ==, k->t0 + 1 * SECOND);
  g_assert_cmpstr (json_object_get_string_member (phone, "kept"), ==, "13900000002");
  g_assert_cmpstr (json_object_get_string_member (phone, "kept_device"), ==, k->device_b);
  g_assert_cmpint (json_object_get_int_member (phone, "kept_hlc"), ==, k->t0 + 2 * SECOND);
  g_assert_cmpstr (json_object_get_string_member (item, "loser_device"), ==, k->device_a);
  g_assert_cmpstr (json_object_get_string_member (item, "winner_device"), ==, k->device_b);
  g_assert_cmpint (json_object_get_int_member (item, "loser_hlc"), ==, k->t0 + 1 * SECOND);
  g_assert_cmpint (json_object_get_int_member (item, "winner_hlc"), ==, k->t0 + 2 * SECOND);
  g_assert_cmpint (json_object_get_int_member (item, "resolved"), ==, 0);

  o->state = state_of (feed);
  o->values = g_strdup_printf ("%s|%s|%s|%s", json_object_get_string_member (item, "values"),
                               json_object_get_string_member (item, "kept"),
                               json_object_get_string_member (item, "loser_device"),
                               json_object_get_string_member (item, "winner_device"));
  o->n_reviews = items->len;

  /* Idempotent: the same requests again are duplicates, and the same
   * changes under a new epoch (a laptop restored from a backup) change
   * nothing and make no second review item. */
  g_assert_cmpstr (result_of (push (s, s->laptop_a, 0, st_test_changes (edit_a (k), NULL), &again), 0), ==,
                   "duplicate");
  push (s, s->laptop_a, 1, st_test_changes (edit_a (k), NULL), &restored);
  g_clear_pointer (&restored, st_test_reply_free);
  push (s, s->laptop_b, 1, st_test_changes (edit_b (k), NULL), &restored);
  feed_again = feed_of (s);
  state_again = state_of (feed_again);
  g_assert_cmpstr (state_again, ==, o->state);
  {
    g_autoptr(GPtrArray) items_again = reviews (feed_again);

    g_assert_cmpuint (items_again->len, ==, 1);
  }
}

static void
test_fields (void)
{
  Keys k;
  Outcome ab = { 0, }, ba = { 0, };

  keys_init (&k);
  run_fields (&k, TRUE, &ab);
  run_fields (&k, FALSE, &ba);
  /* Commutative: the same rows and the same review either way. */
  g_assert_cmpstr (ab.state, ==, ba.state);
  g_assert_cmpstr (ab.values, ==, ba.values);
  outcome_clear (&ab);
  outcome_clear (&ba);
  keys_clear (&k);
}


/* A delete wins only over edits it has seen */

static void
run_delete_unseen (const Keys *k,
                   gboolean    delete_first,
                   gint64      edit_at,
                   Outcome    *o)
{
  g_autofree char *name = g_strdup_printf ("delete-%s-%" G_GINT64_FORMAT ".db", delete_first ? "de" : "ed",
                                           edit_at / SECOND);
  g_autoptr(Server) s = server_new (k, name);
  g_autoptr(StTestReply) r0 = NULL, r1 = NULL, r2 = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonNode) lost_node = NULL;
  JsonArray *second;
  JsonObject *item;
  /* A deletes the row it had from the county; B, from the same row, edits
   * the phone: neither had seen the other. */
  g_autofree char *delete = st_test_change (1, "participants", k->rows[0], "delete", k->t0 + 2 * SECOND, k->t0,
                                            g_strdup ("{\"deleted\":1}"));
  g_autofree char *edit = st_test_change (1, "participants", k->rows[0], "update", k->t0 + edit_at, k->t0,
                                          g_strdup ("{\"phone\":\"13700000007\"}"));

  push (s, s->county, 0, st_test_changes (st_test_change (1, "participants", k->rows[0], "insert", k->t0, 0,
                                                          st_test_participant ("赵六", ST_TEST_TOWNSHIP_A, 22)), NULL),
        &r0);
  if (delete_first)
    {
      g_assert_cmpstr (result_of (push (s, s->laptop_a, 0, st_test_changes (g_strdup (delete), NULL), &r1), 0), ==,
                       "applied");
      second = push (s, s->laptop_b, 0, st_test_changes (g_strdup (edit), NULL), &r2);
    }
  else
    {
      g_assert_cmpstr (result_of (push (s, s->laptop_b, 0, st_test_changes (g_strdup (edit), NULL), &r1), 0), ==,
                       "applied");
      second = push (s, s->laptop_a, 0, st_test_changes (g_strdup (delete), NULL), &r2);
    }
  /* Whichever came second met the other. */
  g_assert_cmpstr (result_of (second, 0), ==, "conflict");

  /* The row stays, with the edit; the refused delete is kept for review. */
  feed = feed_of (s);
  g_assert_false (is_deleted (feed, k->rows[0]));
  g_assert_cmpstr (field (feed, k->rows[0], "phone"), ==, "13700000007");
  items = reviews (feed);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "kind"), ==, "delete");
  g_assert_cmpint (json_object_get_int_member (json_member (item, "values", &lost_node), "deleted"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (item, "loser_device"), ==, k->device_a);
  g_assert_cmpint (json_object_get_int_member (item, "loser_hlc"), ==, k->t0 + 2 * SECOND);
  g_assert_cmpstr (json_object_get_string_member (item, "winner_device"), ==, k->device_b);
  g_assert_cmpstr (json_object_get_string_member (item, "loser_account"), ==, "qiaoma");

  o->state = state_of (feed);
  o->values = g_strdup_printf ("%s|%s|%s", json_object_get_string_member (item, "values"),
                               json_object_get_string_member (item, "loser_device"),
                               json_object_get_string_member (item, "winner_device"));
}

static void
test_delete_unseen (void)
{
  /* The edit before the delete and after it (both unseen by it). */
  static const gint64 edits[] = { 1 * SECOND, 3 * SECOND };
  Keys k;

  keys_init (&k);
  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      Outcome de = { 0, }, ed = { 0, };

      run_delete_unseen (&k, TRUE, edits[i], &de);
      run_delete_unseen (&k, FALSE, edits[i], &ed);
      g_assert_cmpstr (de.state, ==, ed.state);
      g_assert_cmpstr (de.values, ==, ed.values);
      outcome_clear (&de);
      outcome_clear (&ed);
    }
  keys_clear (&k);
}

static void
test_delete_seen (void)
{
  Keys k;
  g_autoptr(Server) s = NULL;
  g_autoptr(StTestReply) r0 = NULL, r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  JsonArray *results;

  keys_init (&k);
  s = server_new (&k, "delete-seen.db");
  push (s, s->county, 0, st_test_changes (st_test_change (1, "participants", k.rows[0], "insert", k.t0, 0,
                                                          st_test_participant ("钱七", ST_TEST_TOWNSHIP_A, 23)), NULL),
        &r0);
  /* B corrects the phone and syncs; A pulls it, deletes the person and
   * stays offline for days: a stale delete, but one that saw the edit. */
  push (s, s->laptop_b, 0,
        st_test_changes (st_test_change (1, "participants", k.rows[0], "update", k.t0 + 1 * SECOND, k.t0,
                                         g_strdup ("{\"phone\":\"13600000000\"}")), NULL), &r1);
  results = push (s, s->laptop_a, 0,
                  st_test_changes (st_test_change (1, "participants", k.rows[0], "delete", k.t0 + 2 * SECOND,
                                                   k.t0 + 1 * SECOND, g_strdup ("{\"deleted\":1}")), NULL), &r2);
  g_assert_cmpstr (result_of (results, 0), ==, "applied");
  feed = feed_of (s);
  g_assert_true (is_deleted (feed, k.rows[0]));
  items = reviews (feed);
  g_assert_cmpuint (items->len, ==, 0);
  before = state_of (feed);

  /* B's edit pushed again from a restored backup, and an edit older than
   * the row the delete was based on (so, by its clock, seen by it), do not
   * bring the row back. */
  push (s, s->laptop_b, 1,
        st_test_changes (st_test_change (1, "participants", k.rows[0], "update", k.t0 + 1 * SECOND, k.t0,
                                         g_strdup ("{\"phone\":\"13600000000\"}")), NULL), &r3);
  results = push (s, s->county, 0,
                  st_test_changes (st_test_change (2, "participants", k.rows[0], "update", k.t0 + SECOND / 2, k.t0,
                                                   g_strdup ("{\"notes\":\"早先的备注\"}")), NULL), &r4);
  g_clear_pointer (&feed, g_ptr_array_unref);
  feed = feed_of (s);
  g_assert_true (is_deleted (feed, k.rows[0]));
  g_assert_cmpstr (field (feed, k.rows[0], "phone"), ==, "13600000000");
  after = state_of (feed);
  /* The older note is written into the tombstone (per field, it is the
   * latest note), nothing else changed. */
  g_assert_cmpstr (field (feed, k.rows[0], "notes"), ==, "早先的备注");
  g_assert_cmpstr (result_of (results, 0), ==, "applied");
  g_assert_cmpstr (before, !=, after);
  keys_clear (&k);
}


/* The same person twice */

static char *
class_fields (const char *program)
{
  return g_strdup_printf ("{\"name\":\"电商班\",\"program_id\":\"%s\",\"township_code\":\"%s\",\"start_date\":\"2025-03-01\","
                          "\"deleted\":0}", program, ST_TEST_TOWNSHIP_A);
}

static char *
session_fields (const char *klass,
                const char *date)
{
  return g_strdup_printf ("{\"class_id\":\"%s\",\"township_code\":\"%s\",\"date\":\"%s\",\"minutes\":480,"
                          "\"mode\":\"concentrated\",\"subject\":\"skill\",\"deleted\":0}", klass, ST_TEST_TOWNSHIP_A, date);
}

static char *
enrolment_fields (const char *person,
                  const char *klass,
                  const char *on)
{
  return g_strdup_printf ("{\"participant_id\":\"%s\",\"class_id\":\"%s\",\"township_code\":\"%s\","
                          "\"enrolled_on\":\"%s\",\"study_years\":3,\"deleted\":0}", person, klass, ST_TEST_TOWNSHIP_A, on);
}

static char *
attendance_fields (const char *session,
                   const char *person,
                   const char *status)
{
  return g_strdup_printf ("{\"session_id\":\"%s\",\"participant_id\":\"%s\",\"township_code\":\"%s\","
                          "\"status\":\"%s\",\"minutes\":480,\"deleted\":0}", session, person, ST_TEST_TOWNSHIP_A, status);
}

/* rows: 0 program, 1 class, 2 session, 3 second session, 4 person on A,
 * 5 person on B, 6 B's assignment. */
static char *
laptop_changes (const Keys *k,
                gboolean    on_a,
                gint64      first_seq)
{
  const char *person = k->rows[on_a ? 4 : 5];
  gint64 at = k->t0 + (on_a ? 10 : 20) * SECOND;
  g_autofree char *enrolment = st_uuid_v5_pair (ST_UUID_NS_ENROLMENT, person, k->rows[1]);
  g_autofree char *attendance = st_uuid_v5_pair (ST_UUID_NS_ATTENDANCE, k->rows[2], person);
  g_autofree char *fields = NULL;
  g_autofree char *person_fields = st_test_participant ("孙八", ST_TEST_TOWNSHIP_A, 24);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  /* One person, registered on both laptops with one ID number: A with a
   * phone, B with notes. */
  node = json_from_string (person_fields, NULL);
  object = json_node_get_object (node);
  if (on_a)
    json_object_set_string_member (object, "phone", "13500000001");
  else
    json_object_set_string_member (object, "notes", "B 登记的备注");
  fields = json_to_string (node, FALSE);

  if (on_a)
    return st_test_changes (st_test_change (first_seq, "participants", person, "insert", at, 0, g_strdup (fields)),
                            st_test_change (first_seq + 1, "enrolments", enrolment, "insert", at + 1, 0,
                                            enrolment_fields (person, k->rows[1], "2025-03-01")),
                            st_test_change (first_seq + 2, "attendance", attendance, "insert", at + 2, 0,
                                            attendance_fields (k->rows[2], person, "present")),
                            NULL);
  return st_test_changes (st_test_change (first_seq, "participants", person, "insert", at, 0, g_strdup (fields)),
                          st_test_change (first_seq + 1, "enrolments", enrolment, "insert", at + 1, 0,
                                          enrolment_fields (person, k->rows[1], "2025-03-02")),
                          st_test_change (first_seq + 2, "attendance", attendance, "insert", at + 2, 0,
                                          attendance_fields (k->rows[2], person, "leave")),
                          st_test_change (first_seq + 3, "assignments", k->rows[6], "insert", at + 3, 0,
                                          g_strdup_printf ("{\"enrolment_id\":\"%s\",\"township_code\":\"%s\","
                                                           "\"title\":\"作业一\",\"deleted\":0}",
                                                           enrolment, ST_TEST_TOWNSHIP_A)),
                          NULL);
}

static guint
count_live (GPtrArray  *feed,
            const char *table)
{
  guint n = 0;

  for (guint i = 0; i < feed->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (feed, i);

      if (g_str_equal (json_object_get_string_member (entry, "table"), table)
          && !json_object_get_boolean_member (entry, "deleted"))
        n++;
    }
  return n;
}

static void
run_same_person (const Keys *k,
                 gboolean    a_first,
                 Outcome    *o)
{
  g_autoptr(Server) s = server_new (k, a_first ? "person-ab.db" : "person-ba.db");
  g_autoptr(StTestReply) r0 = NULL, r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL, r7 = NULL;
  g_autofree char *visit = g_strdup (k->rows[7]);
  g_autofree char *with_visit = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(GPtrArray) feed_again = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *state_again = NULL;
  const char *winner = k->rows[4];
  const char *loser = k->rows[5];
  g_autofree char *winner_enrolment = st_uuid_v5_pair (ST_UUID_NS_ENROLMENT, winner, k->rows[1]);
  g_autofree char *loser_enrolment = st_uuid_v5_pair (ST_UUID_NS_ENROLMENT, loser, k->rows[1]);
  g_autofree char *winner_attendance = st_uuid_v5_pair (ST_UUID_NS_ATTENDANCE, k->rows[2], winner);
  g_autofree char *loser_attendance = st_uuid_v5_pair (ST_UUID_NS_ATTENDANCE, k->rows[2], loser);
  g_autofree char *late_attendance = st_uuid_v5_pair (ST_UUID_NS_ATTENDANCE, k->rows[3], loser);
  g_autofree char *moved_attendance = st_uuid_v5_pair (ST_UUID_NS_ATTENDANCE, k->rows[3], winner);
  JsonArray *results;
  JsonObject *item;

  push (s, s->county, 0,
        st_test_changes (st_test_change (1, "classes", k->rows[1], "insert", k->t0, 0, class_fields (k->rows[0])),
                         st_test_change (2, "sessions", k->rows[2], "insert", k->t0 + 1, 0,
                                         session_fields (k->rows[1], "2025-04-01")),
                         st_test_change (3, "sessions", k->rows[3], "insert", k->t0 + 2, 0,
                                         session_fields (k->rows[1], "2025-04-15")),
                         NULL), &r0);
  /* B's clerk also visited the person (outreach): the visit goes with B's
   * registration, in the same push. */
  {
    g_autofree char *b_changes = laptop_changes (k, FALSE, 1);
    g_autofree char *fields = g_strdup_printf ("{\"participant_id\":\"%s\",\"township_code\":\"%s\",\"date\":\"2025-03-20\","
                                               "\"visitor\":\"韦干事\",\"how\":\"home\",\"reached\":1,\"willing\":\"yes\","
                                               "\"deleted\":0}", loser, ST_TEST_TOWNSHIP_A);
    g_autofree char *change = st_test_change (50, "visits", visit, "insert", k->t0 + 3, 0, g_steal_pointer (&fields));

    g_assert_true (g_str_has_suffix (b_changes, "]"));
    b_changes[strlen (b_changes) - 1] = '\0';
    with_visit = g_strdup_printf ("%s,%s]", b_changes, change);
  }
  results = push (s, a_first ? s->laptop_a : s->laptop_b, 0,
                  a_first ? laptop_changes (k, TRUE, 1) : g_strdup (with_visit), &r1);
  for (guint i = 0; i < json_array_get_length (results); i++)
    g_assert_cmpstr (result_of (results, i), ==, "applied");
  results = push (s, a_first ? s->laptop_b : s->laptop_a, 0,
                  a_first ? g_strdup (with_visit) : laptop_changes (k, TRUE, 1), &r2);
  for (guint i = 0; i < json_array_get_length (results); i++)
    g_assert_cmpstr (result_of (results, i), !=, "rejected");

  feed = feed_of (s);
  /* One live person: the one registered first (on A), whatever arrived
   * first; B's is a tombstone merged into it. */
  g_assert_cmpuint (count_live (feed, "participants"), ==, 1);
  g_assert_false (is_deleted (feed, winner));
  g_assert_true (is_deleted (feed, loser));
  g_assert_cmpstr (field (feed, loser, "merged_into"), ==, winner);
  /* The visit follows the person to the one that stays. */
  g_assert_false (is_deleted (feed, visit));
  g_assert_cmpstr (field (feed, visit, "participant_id"), ==, winner);
  /* Empty fields of the one that stays are filled from the other. */
  g_assert_cmpstr (field (feed, winner, "phone"), ==, "13500000001");
  g_assert_cmpstr (field (feed, winner, "notes"), ==, "B 登记的备注");

  /* The rows that hung on B's person have the keys A's would have: one
   * live enrolment and one live attendance, the other keys tombstones. */
  g_assert_cmpuint (count_live (feed, "enrolments"), ==, 1);
  g_assert_false (is_deleted (feed, winner_enrolment));
  g_assert_cmpstr (field (feed, winner_enrolment, "participant_id"), ==, winner);
  g_assert_true (is_deleted (feed, loser_enrolment));
  g_assert_cmpuint (count_live (feed, "attendance"), ==, 1);
  g_assert_false (is_deleted (feed, winner_attendance));
  g_assert_cmpstr (field (feed, winner_attendance, "participant_id"), ==, winner);
  g_assert_true (is_deleted (feed, loser_attendance));
  /* Of the two versions of a row, the later (B's) is kept. */
  g_assert_cmpstr (field (feed, winner_enrolment, "enrolled_on"), ==, "2025-03-02");
  g_assert_cmpstr (field (feed, winner_attendance, "status"), ==, "leave");
  /* A row that points at an enrolment follows it. */
  g_assert_cmpstr (field (feed, k->rows[6], "enrolment_id"), ==, winner_enrolment);

  /* The clerks see the merge. */
  items = reviews (feed);
  item = NULL;
  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (json_object_get_string_member (g_ptr_array_index (items, i), "kind"), "merge"))
      {
        g_assert_null (item);
        item = g_ptr_array_index (items, i);
      }
  g_assert_nonnull (item);
  g_assert_cmpstr (json_object_get_string_member (item, "row_id"), ==, winner);
  g_assert_cmpstr (json_object_get_string_member (item, "merged_from"), ==, loser);
  g_assert_cmpstr (json_object_get_string_member (item, "merged_into"), ==, winner);
  /* Both values of a field the two registrations disagree on: none here,
   * as A gave a phone and B notes. */
  {
    g_autoptr(JsonNode) values = NULL;

    g_assert_cmpuint (json_object_get_size (json_member (item, "values", &values)), ==, 0);
  }
  g_assert_cmpstr (json_object_get_string_member (item, "winner_device"), ==, k->device_a);
  g_assert_cmpstr (json_object_get_string_member (item, "loser_device"), ==, k->device_b);

  o->state = state_of (feed);

  /* Idempotent: B's laptop pushes everything again (restored from a
   * backup): nothing changes. */
  push (s, s->laptop_b, 1, laptop_changes (k, FALSE, 1), &r3);
  push (s, s->laptop_a, 1, laptop_changes (k, TRUE, 1), &r4);
  feed_again = feed_of (s);
  state_again = state_of (feed_again);
  g_assert_cmpstr (state_again, ==, o->state);
  g_clear_pointer (&feed_again, g_ptr_array_unref);

  /* B had not heard of the merge: its attendance of the next session for
   * its own person lands on the winner's key, and an enrolment of the
   * winner made again offline is the same row, not a second one. */
  results = push (s, s->laptop_b, 1,
                  st_test_changes (st_test_change (10, "attendance", late_attendance, "insert", k->t0 + 30 * SECOND, 0,
                                                   attendance_fields (k->rows[3], loser, "present")), NULL), &r5);
  g_assert_cmpstr (result_of (results, 0), ==, "applied");
  results = push (s, s->laptop_a, 1,
                  st_test_changes (st_test_change (10, "enrolments", winner_enrolment, "insert", k->t0 + 31 * SECOND, 0,
                                                   enrolment_fields (winner, k->rows[1], "2025-03-01")), NULL), &r6);
  g_assert_cmpstr (result_of (results, 0), !=, "rejected");
  feed_again = feed_of (s);
  g_assert_true (is_deleted (feed_again, late_attendance));
  g_assert_false (is_deleted (feed_again, moved_attendance));
  g_assert_cmpstr (field (feed_again, moved_attendance, "participant_id"), ==, winner);
  g_assert_cmpuint (count_live (feed_again, "attendance"), ==, 2);
  g_assert_cmpuint (count_live (feed_again, "enrolments"), ==, 1);
  g_assert_cmpuint (count_live (feed_again, "participants"), ==, 1);

  /* B edits its own (merged) person: the edit is kept on it, and the one
   * that stays takes what it lacks, not what it has. */
  g_clear_pointer (&feed_again, g_ptr_array_unref);
  results = push (s, s->laptop_b, 1,
                  st_test_changes (st_test_change (11, "participants", loser, "update", k->t0 + 32 * SECOND,
                                                   k->t0 + 20 * SECOND,
                                                   g_strdup ("{\"education\":\"senior\",\"phone\":\"13500000002\"}")),
                                   NULL), &r7);
  g_assert_cmpstr (result_of (results, 0), ==, "applied");
  feed_again = feed_of (s);
  g_assert_true (is_deleted (feed_again, loser));
  g_assert_cmpstr (field (feed_again, loser, "phone"), ==, "13500000002");
  g_assert_cmpstr (field (feed_again, winner, "education"), ==, "senior");
  g_assert_cmpstr (field (feed_again, winner, "phone"), ==, "13500000001");
  g_assert_cmpuint (count_live (feed_again, "participants"), ==, 1);
}

static void
test_same_person (void)
{
  Keys k;
  Outcome ab = { 0, }, ba = { 0, };

  keys_init (&k);
  run_same_person (&k, TRUE, &ab);
  run_same_person (&k, FALSE, &ba);
  g_assert_cmpstr (ab.state, ==, ba.state);
  outcome_clear (&ab);
  outcome_clear (&ba);
  keys_clear (&k);
}

/* The same ID number several times in one push, and one already on the
 * server: each merged into the one registered first, as if they had come
 * one push at a time. The server counts the push's numbers before its
 * turn (st_store_count_by_field_ahead (): one query on PostgreSQL) and
 * keeps the counts as it writes: a count it got wrong would leave two
 * live participants with one number. A number changed in the same push
 * leaves the old one to the next person who has it. */
static void
test_same_person_one_push (void)
{
  Keys k;
  g_autoptr(Server) s = NULL;
  g_autoptr(StTestReply) r0 = NULL, r1 = NULL, r2 = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(GPtrArray) feed_again = NULL;
  g_autofree char *state = NULL;
  g_autofree char *state_again = NULL;
  g_autofree char *changes = NULL;
  g_autofree char *number_4 = st_test_id_number (4);
  const char *earlier, *first, *second, *third, *renumbered, *after;
  JsonArray *results;

  keys_init (&k);
  earlier = k.rows[0];
  first = k.rows[1];
  second = k.rows[2];
  third = k.rows[3];
  renumbered = k.rows[4];
  after = k.rows[5];
  s = server_new (&k, "person-one-push.db");
  results = push (s, s->laptop_a, 0,
                  st_test_changes (st_test_change (1, "participants", earlier, "insert", k.t0, 0,
                                                   st_test_participant ("甲", ST_TEST_TOWNSHIP_A, 1)),
                                   NULL), &r0);
  g_assert_cmpstr (result_of (results, 0), ==, "applied");

  changes = st_test_changes (st_test_change (1, "participants", first, "insert", k.t0 + 1, 0,
                                             st_test_participant ("乙", ST_TEST_TOWNSHIP_A, 2)),
                             st_test_change (2, "participants", second, "insert", k.t0 + 2, 0,
                                             st_test_participant ("乙二", ST_TEST_TOWNSHIP_A, 2)),
                             st_test_change (3, "participants", third, "insert", k.t0 + 3, 0,
                                             st_test_participant ("甲二", ST_TEST_TOWNSHIP_A, 1)),
                             st_test_change (4, "participants", renumbered, "insert", k.t0 + 4, 0,
                                             st_test_participant ("丙", ST_TEST_TOWNSHIP_A, 3)),
                             st_test_change (5, "participants", renumbered, "update", k.t0 + 5, k.t0 + 4,
                                             g_strdup_printf ("{\"id_number\":\"%s\"}", number_4)),
                             st_test_change (6, "participants", after, "insert", k.t0 + 6, 0,
                                             st_test_participant ("丁", ST_TEST_TOWNSHIP_A, 3)),
                             NULL);
  results = push (s, s->laptop_b, 0, g_strdup (changes), &r1);
  g_assert_cmpuint (json_array_get_length (results), ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpstr (result_of (results, i), ==, "applied");

  feed = feed_of (s);
  g_assert_cmpuint (count_live (feed, "participants"), ==, 4);
  g_assert_false (is_deleted (feed, earlier));
  g_assert_true (is_deleted (feed, third));
  g_assert_cmpstr (field (feed, third, "merged_into"), ==, earlier);
  g_assert_false (is_deleted (feed, first));
  g_assert_true (is_deleted (feed, second));
  g_assert_cmpstr (field (feed, second, "merged_into"), ==, first);
  g_assert_false (is_deleted (feed, renumbered));
  g_assert_cmpstr (field (feed, renumbered, "id_number"), ==, number_4);
  g_assert_false (is_deleted (feed, after));

  /* Sent again (the answer was lost): the same, nothing twice. */
  state = state_of (feed);
  results = push (s, s->laptop_b, 0, g_strdup (changes), &r2);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpstr (result_of (results, i), ==, "duplicate");
  feed_again = feed_of (s);
  state_again = state_of (feed_again);
  g_assert_cmpstr (state_again, ==, state);
  keys_clear (&k);
}

/* Resolving review items */

static void
test_resolve (void)
{
  Keys k;
  g_autoptr(Server) s = NULL;
  g_autoptr(StTestReply) r0 = NULL, r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL, r7 = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  const char *review;
  gint64 review_hlc;
  JsonObject *entry;
  JsonArray *results;

  keys_init (&k);
  s = server_new (&k, "resolve.db");
  push (s, s->county, 0, st_test_changes (st_test_change (1, "participants", k.rows[0], "insert", k.t0, 0,
                                                          st_test_participant ("周九", ST_TEST_TOWNSHIP_A, 25)), NULL),
        &r0);
  push (s, s->laptop_a, 0, st_test_changes (edit_b (&k), NULL), &r1);
  results = push (s, s->laptop_b, 0, st_test_changes (edit_a (&k), NULL), &r2);
  g_assert_cmpstr (result_of (results, 0), ==, "conflict");
  review = json_object_get_string_member (result_at (results, 0), "review");
  feed = feed_of (s);
  entry = st_test_find_row (feed, review);
  review_hlc = json_object_get_int_member (entry, "hlc");

  /* Another township's account may not touch it; nobody may write anything
   * but "resolved": 1, or make a review item. */
  results = push (s, s->yangba, 0,
                  st_test_changes (st_test_change (1, "review_items", review, "update", st_test_hlc (0), review_hlc,
                                                   g_strdup ("{\"resolved\":1}")), NULL), &r3);
  g_assert_cmpstr (result_of (results, 0), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result_at (results, 0), "code"), ==, "out_of_scope");
  results = push (s, s->laptop_a, 0,
                  st_test_changes (st_test_change (2, "review_items", review, "update", st_test_hlc (0), review_hlc,
                                                   g_strdup ("{\"resolved\":1,\"winner\":\"change\"}")),
                                   st_test_change (3, "review_items", review, "update", st_test_hlc (0), review_hlc,
                                                   g_strdup ("{\"resolved\":0}")),
                                   st_test_change (4, "review_items", k.rows[1], "insert", st_test_hlc (0), 0,
                                                   g_strdup ("{\"resolved\":1}")),
                                   NULL), &r4);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (result_of (results, i), ==, "rejected");
      g_assert_cmpstr (json_object_get_string_member (result_at (results, i), "code"), ==, "read_only_table");
    }
  g_clear_pointer (&feed, g_ptr_array_unref);
  feed = feed_of (s);
  g_assert_cmpint (json_object_get_int_member (fields_of (st_test_find_row (feed, review)), "resolved"), ==, 0);
  g_assert_null (st_test_find_row (feed, k.rows[1]));

  /* A clerk of the township resolves it, choosing A's phone after all: the
   * choice is an ordinary edit. */
  results = push (s, s->laptop_a, 0,
                  st_test_changes (st_test_change (5, "participants", k.rows[0], "update", st_test_hlc (0),
                                                   json_object_get_int_member (st_test_find_row (feed, k.rows[0]), "hlc"),
                                                   g_strdup ("{\"phone\":\"13900000001\"}")),
                                   st_test_change (6, "review_items", review, "update", st_test_hlc (0), review_hlc,
                                                   g_strdup ("{\"resolved\":1}")),
                                   NULL), &r5);
  g_assert_cmpstr (result_of (results, 0), ==, "applied");
  g_assert_cmpstr (result_of (results, 1), ==, "applied");
  g_clear_pointer (&feed, g_ptr_array_unref);
  feed = feed_of (s);
  entry = fields_of (st_test_find_row (feed, review));
  g_assert_cmpint (json_object_get_int_member (entry, "resolved"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (entry, "resolved_by"), ==, "qiaoma");
  g_assert_cmpint (json_object_get_int_member (entry, "resolved_at"), >, 0);
  g_assert_cmpstr (field (feed, k.rows[0], "phone"), ==, "13900000001");
  /* Other laptops of the township see it resolved. */
  {
    g_autoptr(GPtrArray) b_feed = st_test_pull_all (s->session, s->server, s->laptop_b, NULL, NULL);

    g_assert_cmpint (json_object_get_int_member (fields_of (st_test_find_row (b_feed, review)), "resolved"), ==, 1);
  }

  /* The county may resolve anything; resolving twice is harmless and keeps
   * the first who did. */
  results = push (s, s->county, 0,
                  st_test_changes (st_test_change (7, "review_items", review, "update", st_test_hlc (0), review_hlc,
                                                   g_strdup ("{\"resolved\":1}")), NULL), &r6);
  g_assert_cmpstr (result_of (results, 0), ==, "applied");
  g_clear_pointer (&feed, g_ptr_array_unref);
  feed = feed_of (s);
  g_assert_cmpstr (json_object_get_string_member (fields_of (st_test_find_row (feed, review)), "resolved_by"), ==,
                   "qiaoma");
  (void) r7;
  keys_clear (&k);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/server/merge/fields", test_fields);
  g_test_add_func ("/server/merge/delete-unseen", test_delete_unseen);
  g_test_add_func ("/server/merge/delete-seen", test_delete_seen);
  g_test_add_func ("/server/merge/same-person", test_same_person);
  g_test_add_func ("/server/merge/same-person-one-push", test_same_person_one_push);
  g_test_add_func ("/server/merge/resolve", test_resolve);
  return g_test_run ();
}
