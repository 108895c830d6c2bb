/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Scope and roles, against a real shuangti-server: a township account
 * neither reads nor writes another township's records (each refused change
 * is a 403 in its result, nothing of it written, the rest of the request
 * applied); the county sees everything; trainers write only the records of
 * the classes they teach; a row that leaves a township is evicted there. */
#include "config.h"

#include "st-test-server.h"
#include "st-uuid.h"

typedef struct
{
  char         *db;
  StTestServer *server;
  SoupSession  *session;
  char         *qiaoma;    /* token of township A */
  char         *yangba;    /* token of township B */
  char         *county;
  char         *t1;        /* trainer of class 1, township A */
  char         *t2;
  gint64        seq;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *d1 = st_uuid_new ();
  g_autofree char *d2 = st_uuid_new ();
  g_autofree char *d3 = st_uuid_new ();
  g_autofree char *d4 = st_uuid_new ();
  g_autofree char *d5 = st_uuid_new ();

  f->db = st_test_db_path ("scope.db");
  st_test_add_user (f->db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  st_test_add_user (f->db, "yangba", "township", ST_TEST_TOWNSHIP_B, NULL);
  st_test_add_user (f->db, "county", "county", NULL);
  st_test_add_user (f->db, "t1", "trainer", ST_TEST_TOWNSHIP_A, NULL);
  st_test_add_user (f->db, "t2", "trainer", ST_TEST_TOWNSHIP_A, NULL);
  f->server = st_test_server_start (f->db, NULL);
  f->session = st_test_session_new ();
  f->qiaoma = st_test_sign_in (f->session, f->server, "qiaoma", d1);
  f->yangba = st_test_sign_in (f->session, f->server, "yangba", d2);
  f->county = st_test_sign_in (f->session, f->server, "county", d3);
  f->t1 = st_test_sign_in (f->session, f->server, "t1", d4);
  f->t2 = st_test_sign_in (f->session, f->server, "t2", d5);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  st_test_server_stop (f->server);
  g_clear_pointer (&f->server, st_test_server_free);
  g_clear_object (&f->session);
  g_free (f->qiaoma);
  g_free (f->yangba);
  g_free (f->county);
  g_free (f->t1);
  g_free (f->t2);
  g_free (f->db);
}

/* Sequence numbers, as a laptop's outbox gives them. */
static gint64
next_seq (Fixture *f)
{
  return ++f->seq;
}

/* Pushes and returns the results array (the reply stays alive in *@reply). */
static JsonArray *
push (Fixture      *f,
      const char   *token,
      char         *changes,
      StTestReply **reply)
{
  *reply = st_test_push (f->session, f->server, token, 0, changes);
  g_free (changes);
  g_assert_cmpuint ((*reply)->status, ==, 200);
  return json_object_get_array_member (st_test_reply_object (*reply), "results");
}

static const char *
result_of (JsonArray *results,
           guint      i)
{
  return json_object_get_string_member (json_array_get_object_element (results, i), "result");
}

static void
assert_refused (JsonArray  *results,
                guint       i,
                const char *code)
{
  JsonObject *r = json_array_get_object_element (results, i);

  g_assert_cmpstr (json_object_get_string_member (r, "result"), ==, "rejected");
  g_assert_cmpint (json_object_get_int_member (r, "status"), ==, 403);
  g_assert_cmpstr (json_object_get_string_member (r, "code"), ==, code);
  g_assert_nonnull (json_object_get_string_member (r, "message"));
}

static char *
participant (Fixture    *f,
             const char *row,
             const char *township,
             guint       n)
{
  return st_test_change (next_seq (f), "participants", row, "insert", st_test_hlc (0), 0,
                         st_test_participant ("测试", township, n));
}

static void
test_write_other_township (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *a1 = st_uuid_new ();
  g_autofree char *b1 = st_uuid_new ();
  g_autofree char *a2 = st_uuid_new ();
  g_autoptr(StTestReply) reply = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) b_sees = NULL;
  JsonArray *results;

  results = push (f, f->qiaoma,
                  st_test_changes (participant (f, a1, ST_TEST_TOWNSHIP_A, 1),
                                   participant (f, b1, ST_TEST_TOWNSHIP_B, 2),
                                   participant (f, a2, ST_TEST_TOWNSHIP_A, 3), NULL),
                  &reply);
  g_assert_cmpuint (json_array_get_length (results), ==, 3);
  g_assert_cmpstr (result_of (results, 0), ==, "applied");
  assert_refused (results, 1, "out_of_scope");
  /* The rest of the request went through. */
  g_assert_cmpstr (result_of (results, 2), ==, "applied");

  /* Nothing of the refused change is anywhere. */
  all = st_test_pull_all (f->session, f->server, f->county, NULL, NULL);
  g_assert_nonnull (st_test_find_row (all, a1));
  g_assert_nonnull (st_test_find_row (all, a2));
  g_assert_null (st_test_find_row (all, b1));
  b_sees = st_test_pull_all (f->session, f->server, f->yangba, NULL, NULL);
  g_assert_cmpuint (b_sees->len, ==, 0);
}

static void
test_read_other_township (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *a = st_uuid_new ();
  g_autofree char *b = st_uuid_new ();
  g_autofree char *program = st_uuid_new ();
  g_autoptr(StTestReply) reply = NULL;
  g_autoptr(GPtrArray) qiaoma = NULL;
  g_autoptr(GPtrArray) yangba = NULL;
  g_autoptr(GPtrArray) county = NULL;
  JsonArray *results;

  results = push (f, f->county,
                  st_test_changes (participant (f, a, ST_TEST_TOWNSHIP_A, 1),
                                   participant (f, b, ST_TEST_TOWNSHIP_B, 2),
                                   st_test_change (next_seq (f), "programs", program, "insert", st_test_hlc (0), 0,
                                                   g_strdup ("{\"code\":\"secondary\",\"name\":\"中职\",\"rules\":\"{}\",\"deleted\":0}")),
                                   NULL),
                  &reply);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (result_of (results, i), ==, "applied");

  qiaoma = st_test_pull_all (f->session, f->server, f->qiaoma, NULL, NULL);
  g_assert_nonnull (st_test_find_row (qiaoma, a));
  g_assert_null (st_test_find_row (qiaoma, b));
  g_assert_nonnull (st_test_find_row (qiaoma, program));   /* everyone's */
  g_assert_cmpuint (qiaoma->len, ==, 2);

  yangba = st_test_pull_all (f->session, f->server, f->yangba, NULL, NULL);
  g_assert_nonnull (st_test_find_row (yangba, b));
  g_assert_null (st_test_find_row (yangba, a));
  g_assert_cmpuint (yangba->len, ==, 2);

  county = st_test_pull_all (f->session, f->server, f->county, NULL, NULL);
  g_assert_cmpuint (county->len, ==, 3);
}

static void
test_move_evicts (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *p = st_uuid_new ();
  g_autofree char *cursor = NULL;
  g_autoptr(StTestReply) r1 = NULL;
  g_autoptr(StTestReply) r2 = NULL;
  g_autoptr(StTestReply) r3 = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) yangba = NULL;
  gint64 created = st_test_hlc (0);
  JsonArray *results;
  JsonObject *entry;

  results = push (f, f->county, st_test_changes (st_test_change (next_seq (f), "participants", p, "insert", created, 0,
                                                                 st_test_participant ("搬家", ST_TEST_TOWNSHIP_A, 7)),
                                                 NULL), &r1);
  g_assert_cmpstr (result_of (results, 0), ==, "applied");
  first = st_test_pull_all (f->session, f->server, f->qiaoma, NULL, &cursor);
  g_assert_nonnull (st_test_find_row (first, p));

  /* Township A may not move its participant into B... */
  results = push (f, f->qiaoma,
                  st_test_changes (st_test_change (next_seq (f), "participants", p, "update", st_test_hlc (1), created,
                                                   g_strdup ("{\"township_code\":\"" ST_TEST_TOWNSHIP_B "\"}")), NULL),
                  &r2);
  assert_refused (results, 0, "out_of_scope");
  /* ...the county may, and A's laptop is told to drop its copy. */
  results = push (f, f->county,
                  st_test_changes (st_test_change (next_seq (f), "participants", p, "update", st_test_hlc (2), created,
                                                   g_strdup ("{\"township_code\":\"" ST_TEST_TOWNSHIP_B "\"}")), NULL),
                  &r3);
  g_assert_cmpstr (result_of (results, 0), ==, "applied");

  after = st_test_pull_all (f->session, f->server, f->qiaoma, cursor, NULL);
  g_assert_cmpuint (after->len, ==, 1);
  entry = g_ptr_array_index (after, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "row"), ==, p);
  g_assert_true (json_object_get_boolean_member (entry, "evict"));
  g_assert_false (json_object_has_member (entry, "fields"));

  yangba = st_test_pull_all (f->session, f->server, f->yangba, NULL, NULL);
  entry = st_test_find_row (yangba, p);
  g_assert_nonnull (entry);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (entry, "fields"), "township_code"),
                   ==, ST_TEST_TOWNSHIP_B);
}

static void
test_roles (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *enrolment = st_uuid_new ();
  g_autofree char *assessment = st_uuid_new ();
  g_autofree char *program = st_uuid_new ();
  g_autofree char *assessment_fields = g_strdup_printf ("{\"enrolment_id\":\"%s\",\"township_code\":\"%s\","
                                                        "\"kind\":\"culture\",\"result\":\"pass\",\"date\":\"2025-06-01\",\"deleted\":0}",
                                                        enrolment, ST_TEST_TOWNSHIP_A);
  const char *program_fields = "{\"code\":\"x\",\"name\":\"X\",\"rules\":\"{}\",\"deleted\":0}";
  g_autoptr(StTestReply) r1 = NULL;
  g_autoptr(StTestReply) r2 = NULL;
  JsonArray *results;

  /* Assessments and programs are the county's. */
  results = push (f, f->qiaoma,
                  st_test_changes (st_test_change (next_seq (f), "assessments", assessment, "insert", st_test_hlc (0), 0,
                                                   g_strdup (assessment_fields)),
                                   st_test_change (next_seq (f), "programs", program, "insert", st_test_hlc (0), 0,
                                                   g_strdup (program_fields)), NULL),
                  &r1);
  assert_refused (results, 0, "role_forbidden");
  assert_refused (results, 1, "role_forbidden");

  results = push (f, f->county,
                  st_test_changes (st_test_change (next_seq (f), "assessments", assessment, "insert", st_test_hlc (0), 0,
                                                   g_strdup (assessment_fields)),
                                   st_test_change (next_seq (f), "programs", program, "insert", st_test_hlc (0), 0,
                                                   g_strdup (program_fields)), NULL),
                  &r2);
  g_assert_cmpstr (result_of (results, 0), ==, "applied");
  g_assert_cmpstr (result_of (results, 1), ==, "applied");
}

static char *
class_fields (const char *program,
              const char *township,
              const char *trainer)
{
  return g_strdup_printf ("{\"name\":\"电商班\",\"program_id\":\"%s\",\"township_code\":\"%s\",\"start_date\":\"2025-03-01\","
                          "\"trainers\":\"[\\\"%s\\\"]\",\"deleted\":0}", program, township, trainer);
}

static char *
session_fields (const char *klass,
                const char *township)
{
  return g_strdup_printf ("{\"class_id\":\"%s\",\"township_code\":\"%s\",\"date\":\"2025-04-01\",\"minutes\":480,"
                          "\"mode\":\"concentrated\",\"subject\":\"skill\",\"deleted\":0}", klass, township);
}

static char *
attendance_fields (const char *session,
                   const char *participant_id,
                   const char *township)
{
  return g_strdup_printf ("{\"session_id\":\"%s\",\"participant_id\":\"%s\",\"township_code\":\"%s\","
                          "\"status\":\"present\",\"minutes\":480,\"deleted\":0}", session, participant_id, township);
}

static void
test_trainer (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *program = st_uuid_new ();
  g_autofree char *class1 = st_uuid_new ();
  g_autofree char *class2 = st_uuid_new ();
  g_autofree char *person = st_uuid_new ();
  g_autofree char *enrolment = st_uuid_new ();
  g_autofree char *s1 = st_uuid_new ();
  g_autofree char *s2 = st_uuid_new ();
  g_autofree char *attendance = st_uuid_new ();
  g_autofree char *assignment = st_uuid_new ();
  g_autofree char *study_log = st_uuid_new ();
  g_autofree char *stranger = st_uuid_new ();
  g_autofree char *enrolment_fields = g_strdup_printf ("{\"participant_id\":\"%s\",\"class_id\":\"%s\",\"township_code\":\"%s\","
                                                       "\"enrolled_on\":\"2025-03-01\",\"study_years\":3,\"deleted\":0}",
                                                       person, class1, ST_TEST_TOWNSHIP_A);
  g_autofree char *assignment_fields = g_strdup_printf ("{\"enrolment_id\":\"%s\",\"township_code\":\"%s\",\"title\":\"种植\",\"deleted\":0}",
                                                        enrolment, ST_TEST_TOWNSHIP_A);
  g_autofree char *log_fields = g_strdup_printf ("{\"participant_id\":\"%s\",\"township_code\":\"%s\",\"date\":\"2025-04-02\","
                                                 "\"minutes\":120,\"kind\":\"self\",\"deleted\":0}", person, ST_TEST_TOWNSHIP_A);
  gint64 s1_hlc = st_test_hlc (0);
  g_autoptr(StTestReply) r1 = NULL;
  g_autoptr(StTestReply) r2 = NULL;
  g_autoptr(StTestReply) r3 = NULL;
  JsonArray *results;

  results = push (f, f->county,
                  st_test_changes (st_test_change (next_seq (f), "classes", class1, "insert", st_test_hlc (0), 0,
                                                   class_fields (program, ST_TEST_TOWNSHIP_A, "t1")),
                                   st_test_change (next_seq (f), "classes", class2, "insert", st_test_hlc (0), 0,
                                                   class_fields (program, ST_TEST_TOWNSHIP_A, "t2")),
                                   participant (f, person, ST_TEST_TOWNSHIP_A, 11),
                                   st_test_change (next_seq (f), "enrolments", enrolment, "insert", st_test_hlc (0), 0,
                                                   g_strdup (enrolment_fields)),
                                   NULL),
                  &r1);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpstr (result_of (results, i), ==, "applied");

  results = push (f, f->t1,
                  st_test_changes (st_test_change (next_seq (f), "sessions", s1, "insert", s1_hlc, 0,
                                                   session_fields (class1, ST_TEST_TOWNSHIP_A)),
                                   st_test_change (next_seq (f), "sessions", s2, "insert", st_test_hlc (0), 0,
                                                   session_fields (class2, ST_TEST_TOWNSHIP_A)),
                                   st_test_change (next_seq (f), "attendance", attendance, "insert", st_test_hlc (0), 0,
                                                   attendance_fields (s1, person, ST_TEST_TOWNSHIP_A)),
                                   st_test_change (next_seq (f), "assignments", assignment, "insert", st_test_hlc (0), 0,
                                                   g_strdup (assignment_fields)),
                                   participant (f, stranger, ST_TEST_TOWNSHIP_A, 12),
                                   st_test_change (next_seq (f), "study_logs", study_log, "insert", st_test_hlc (0), 0,
                                                   g_strdup (log_fields)),
                                   NULL),
                  &r2);
  g_assert_cmpstr (result_of (results, 0), ==, "applied");        /* a session of their class */
  assert_refused (results, 1, "not_your_class");                  /* of someone else's */
  g_assert_cmpstr (result_of (results, 2), ==, "applied");        /* attendance of their session */
  g_assert_cmpstr (result_of (results, 3), ==, "applied");        /* an assignment of their class's enrolment */
  assert_refused (results, 4, "role_forbidden");                  /* trainers do not register people */
  assert_refused (results, 5, "not_your_class");                  /* a study log that names no enrolment */

  /* The other trainer may not touch t1's session. */
  results = push (f, f->t2,
                  st_test_changes (st_test_change (next_seq (f), "sessions", s1, "update", st_test_hlc (1), s1_hlc,
                                                   g_strdup ("{\"minutes\":60}")), NULL),
                  &r3);
  assert_refused (results, 0, "not_your_class");
}

static void
test_parent_in_other_township (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *program = st_uuid_new ();
  g_autofree char *class_b = st_uuid_new ();
  g_autofree char *session_b = st_uuid_new ();
  g_autofree char *person = st_uuid_new ();
  g_autofree char *attendance = st_uuid_new ();
  g_autoptr(StTestReply) r1 = NULL;
  g_autoptr(StTestReply) r2 = NULL;
  JsonArray *results;

  results = push (f, f->county,
                  st_test_changes (st_test_change (next_seq (f), "classes", class_b, "insert", st_test_hlc (0), 0,
                                                   class_fields (program, ST_TEST_TOWNSHIP_B, "t1")),
                                   st_test_change (next_seq (f), "sessions", session_b, "insert", st_test_hlc (0), 0,
                                                   session_fields (class_b, ST_TEST_TOWNSHIP_B)),
                                   NULL),
                  &r1);
  g_assert_cmpstr (result_of (results, 1), ==, "applied");

  /* Labelled as township A's, but hung on township B's session. */
  results = push (f, f->qiaoma,
                  st_test_changes (st_test_change (next_seq (f), "attendance", attendance, "insert", st_test_hlc (0), 0,
                                                   attendance_fields (session_b, person, ST_TEST_TOWNSHIP_A)),
                                   NULL),
                  &r2);
  assert_refused (results, 0, "out_of_scope");
}

static void
test_scope_change (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *a = st_uuid_new ();
  g_autofree char *b = st_uuid_new ();
  g_autofree char *cursor = NULL;
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;
  g_autoptr(StTestReply) r1 = NULL;
  g_autoptr(StTestReply) page = NULL;
  g_autoptr(GPtrArray) before = NULL;
  JsonObject *object;
  JsonArray *changes;

  push (f, f->county, st_test_changes (participant (f, a, ST_TEST_TOWNSHIP_A, 1),
                                       participant (f, b, ST_TEST_TOWNSHIP_B, 2), NULL), &r1);
  before = st_test_pull_all (f->session, f->server, f->qiaoma, NULL, &cursor);
  g_assert_cmpuint (before->len, ==, 1);

  /* The administrator gives township A's account township B as well: its
   * next pull starts over and brings B's rows. */
  g_assert_cmpint (st_test_admin (f->db, NULL, NULL, NULL, "user", "modify", "qiaoma",
                                  "--township", ST_TEST_TOWNSHIP_A, "--township", ST_TEST_TOWNSHIP_B, NULL), ==, 0);
  escaped = g_uri_escape_string (cursor, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/pull?cursor=%s", escaped);
  page = st_test_call (f->session, f->server, "GET", path, f->qiaoma, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  object = st_test_reply_object (page);
  g_assert_true (json_object_get_boolean_member (object, "reset"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_object_get_object_member (object, "scope"),
                                                                         "townships")), ==, 2);
  changes = json_object_get_array_member (object, "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server/scope/write-other-township", Fixture, NULL, fixture_setup, test_write_other_township,
              fixture_teardown);
  g_test_add ("/server/scope/read-other-township", Fixture, NULL, fixture_setup, test_read_other_township,
              fixture_teardown);
  g_test_add ("/server/scope/move-evicts", Fixture, NULL, fixture_setup, test_move_evicts, fixture_teardown);
  g_test_add ("/server/scope/roles", Fixture, NULL, fixture_setup, test_roles, fixture_teardown);
  g_test_add ("/server/scope/trainer", Fixture, NULL, fixture_setup, test_trainer, fixture_teardown);
  g_test_add ("/server/scope/parent-in-other-township", Fixture, NULL, fixture_setup,
              test_parent_in_other_township, fixture_teardown);
  g_test_add ("/server/scope/scope-change", Fixture, NULL, fixture_setup, test_scope_change, fixture_teardown);

  return g_test_run ();
}
