/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outreach visits as a township clerk records them: every refused answer is
 * refused with its reason and nothing written; the latest visit's answers
 * reach the participant's record, in its history, and are reported; an
 * older visit recorded late changes nothing; a visit is audited and queued
 * for sync like every record. */
#include "config.h"

#include "st-audit.h"
#include "st-participant.h"
#include "st-visit.h"
#include "test-util.h"

typedef struct
{
  StDb *db;
  char *path;
  char *person;        /* 王秀英, phone 13800000001, employment 务农 */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(StParticipant) p = st_participant_new ();
  g_autoptr(GError) error = NULL;

  f->path = st_test_file ("visits.db");
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  p->id_number = g_strdup ("522327198503120028");
  p->name = g_strdup ("王秀英");
  p->township_code = g_strdup ("522327104000");
  p->phone = g_strdup ("13800000001");
  p->employment = g_strdup ("务农");
  g_assert_true (st_participant_insert (f->db, p, &error));
  g_assert_no_error (error);
  f->person = g_strdup (p->id);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->db);
  g_free (f->person);
  g_free (f->path);
}

static StVisit *
visit_of (Fixture *f, const char *date, gboolean reached)
{
  StVisit *v = st_visit_new ();

  v->participant_id = g_strdup (f->person);
  v->date = g_strdup (date);
  v->visitor = g_strdup ("韦主任");
  v->how = g_strdup ("home");
  v->reached = reached;
  return v;
}

static gint64
count (Fixture *f, const char *sql)
{
  return st_test_query_int (f->db, sql);
}

/* Each refusal names its field and writes nothing. */
static void
test_checks (Fixture *f, gconstpointer data)
{
  static const struct { const char *field; const char *value; const char *message; } cases[] = {
    { "date", "2025-13-01", "Date of the visit: “2025-13-01” is not a date; write it as 2025-03-01." },
    { "date", "2999-01-01", "Date of the visit: 2999-01-01 is after today; a visit is recorded once it was made." },
    { "visitor", "", "Visitor: say who made the visit." },
    { "how", "letter", "How: “letter” is not one of home visit, phone call, village committee." },
    { "work", "fishing", "Work: “fishing” is not one of farming, local work, working away, no work." },
    { "health", "poor", "Health: “poor” is not one of good, chronic illness, disability." },
    { "willing", "maybe", "Willing to enrol: “maybe” is not one of willing, not willing, later." },
    { "lives", "away", "Province: say in which province they live now, since they live away." },
    { "away_province", "浙江省", "Province: a place away is given only for someone who lives away." },
    { "major", "种植", "Major: a major is asked of someone willing to enrol (now or later)." },
    { "phone", "12345", "Phone: a mobile number has 11 digits; a landline starts with its area code, as in 0859-1234567." },
    { "visitor", "韦主任韦主任韦主任韦主任韦主任韦主任韦主任韦主任韦主任韦主任韦主任韦主任韦主任韦主任韦主任韦主任韦主任", "Visitor is longer than 50 characters (51)." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(StVisit) v = visit_of (f, "2025-03-01", TRUE);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) changes = NULL;
      char **field = g_str_equal (cases[i].field, "date") ? &v->date
                     : g_str_equal (cases[i].field, "visitor") ? &v->visitor
                     : g_str_equal (cases[i].field, "how") ? &v->how
                     : g_str_equal (cases[i].field, "work") ? &v->work
                     : g_str_equal (cases[i].field, "health") ? &v->health
                     : g_str_equal (cases[i].field, "willing") ? &v->willing
                     : g_str_equal (cases[i].field, "lives") ? &v->lives
                     : g_str_equal (cases[i].field, "away_province") ? &v->away_province
                     : g_str_equal (cases[i].field, "major") ? &v->major : &v->phone;

      g_free (*field);
      *field = g_strdup (cases[i].value);
      changes = st_visit_add (f->db, v, &error);
      g_assert_null (changes);
      g_assert_error (error, ST_VISIT_ERROR, ST_VISIT_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  /* Not reached: nobody said whether they will enrol. */
  {
    g_autoptr(StVisit) v = visit_of (f, "2025-03-01", FALSE);
    g_autoptr(GError) error = NULL;

    v->willing = g_strdup ("yes");
    g_assert_null (st_visit_add (f->db, v, &error));
    g_assert_cmpstr (error->message, ==,
                     "Willing to enrol: a visit that did not reach the person cannot say whether they will enrol.");
  }
  g_assert_cmpint (count (f, "SELECT count(*) FROM visits"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE tbl = 'visits'"), ==, 0);
}

/* The latest visit's answers reach the record, with history, and are
 * reported; a visit dated before it changes nothing. */
static void
test_updates_participant (Fixture *f, gconstpointer data)
{
  g_autoptr(StVisit) v = visit_of (f, "2025-03-01", TRUE);
  g_autoptr(StVisit) old = visit_of (f, "2025-01-10", TRUE);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) preview = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(StParticipant) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;
  StAuditEntry *last;

  v->lives = g_strdup ("away");
  v->away_province = g_strdup ("浙江省");
  v->away_city = g_strdup ("宁波市");
  v->work = g_strdup ("away");
  v->health = g_strdup ("good");
  v->willing = g_strdup ("later");
  v->major = g_strdup ("电子商务");
  v->phone = g_strdup ("13900000002");
  v->note = g_strdup ("春节回家时再谈");

  preview = st_visit_changes (f->db, v, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (preview->len, ==, 3);
  changes = st_visit_add (f->db, v, &error);
  g_assert_no_error (error);
  g_assert_nonnull (changes);
  g_assert_cmpuint (changes->len, ==, 3);
  said = st_visit_change_describe (g_ptr_array_index (changes, 0));
  g_assert_cmpstr (said, ==, "Phone: 13800000001 → 13900000002");
  g_clear_pointer (&said, g_free);
  said = st_visit_change_describe (g_ptr_array_index (changes, 1));
  g_assert_cmpstr (said, ==, "Employment: 务农 → 外出务工（浙江省宁波市）");
  g_clear_pointer (&said, g_free);
  said = st_visit_change_describe (g_ptr_array_index (changes, 2));
  g_assert_cmpstr (said, ==, "Health: (empty) → 健康");

  p = st_participant_load (f->db, f->person, &error);
  g_assert_cmpstr (p->phone, ==, "13900000002");
  g_assert_cmpstr (p->employment, ==, "外出务工（浙江省宁波市）");
  g_assert_cmpstr (p->health, ==, "健康");
  g_assert_cmpstr (v->township_code, ==, "522327104000");

  /* The participant's history shows the edit, like any other. */
  history = st_audit_history (f->db, f->person, &error);
  g_assert_no_error (error);
  last = g_ptr_array_index (history, 0);
  g_assert_cmpstr (last->op, ==, "update");
  g_assert_cmpuint (last->changes->len, ==, 3);

  /* The visit itself is audited and waits for sync. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log a JOIN outbox o ON o.audit_id = a.id"
                             " WHERE a.tbl = 'visits' AND a.op = 'insert'"), ==, 1);

  /* A visit of January recorded now: listed, but the record keeps March's. */
  old->work = g_strdup ("farming");
  old->phone = g_strdup ("13800000001");
  none = st_visit_add (f->db, old, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  g_clear_pointer (&p, st_participant_free);
  p = st_participant_load (f->db, f->person, &error);
  g_assert_cmpstr (p->phone, ==, "13900000002");

  visits = st_visit_list (f->db, f->person, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visits->len, ==, 2);
  g_assert_cmpstr (((StVisit *) g_ptr_array_index (visits, 0))->date, ==, "2025-03-01");
  g_assert_cmpstr (((StVisit *) g_ptr_array_index (visits, 0))->away_city, ==, "宁波市");
  g_assert_cmpstr (((StVisit *) g_ptr_array_index (visits, 0))->note, ==, "春节回家时再谈");
  g_assert_true (((StVisit *) g_ptr_array_index (visits, 0))->reached);
  g_assert_cmpstr (((StVisit *) g_ptr_array_index (visits, 1))->date, ==, "2025-01-10");
}

/* A visit of a deleted participant is refused. */
static void
test_deleted_participant (Fixture *f, gconstpointer data)
{
  g_autoptr(StVisit) v = visit_of (f, "2025-03-01", FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_true (st_participant_set_deleted (f->db, f->person, TRUE, &error));
  g_assert_null (st_visit_add (f->db, v, &error));
  g_assert_error (error, ST_VISIT_ERROR, ST_VISIT_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "王秀英 was deleted; restore them before recording a visit.");
}

/* A database of schema 7 gains the table and its capture triggers. */
static void
test_migration (Fixture *f, gconstpointer data)
{
  g_autoptr(StVisit) v = visit_of (f, "2025-03-01", FALSE);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (st_db_exec (f->db, "DROP TABLE visits; PRAGMA user_version = 7", &error));
  g_clear_object (&f->db);
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (st_db_get_schema_version (f->db), ==, 8);
  changes = st_visit_add (f->db, v, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE tbl = 'visits'"), ==, 1);
  /* Rows are tombstoned, never removed. */
  g_assert_false (st_db_exec (f->db, "DELETE FROM visits", NULL));
}

/* Words: codes, English and Chinese are read back to the code. */
static void
test_words (void)
{
  g_assert_cmpstr (st_visit_how_from_text ("村委会"), ==, "committee");
  g_assert_cmpstr (st_visit_how_from_text (" Phone "), ==, "phone");
  g_assert_cmpstr (st_visit_work_from_text ("外出务工"), ==, "away");
  g_assert_cmpstr (st_visit_health_from_text ("disability"), ==, "disability");
  g_assert_cmpstr (st_visit_willing_from_text ("以后再说"), ==, "later");
  g_assert_null (st_visit_lives_from_text ("somewhere"));
  g_assert_cmpstr (st_visit_how_to_display ("committee"), ==, "Village committee");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/core/visit/words", test_words);
  g_test_add ("/core/visit/checks", Fixture, NULL, fixture_setup, test_checks, fixture_teardown);
  g_test_add ("/core/visit/updates-participant", Fixture, NULL, fixture_setup, test_updates_participant, fixture_teardown);
  g_test_add ("/core/visit/deleted-participant", Fixture, NULL, fixture_setup, test_deleted_participant, fixture_teardown);
  g_test_add ("/core/visit/migration", Fixture, NULL, fixture_setup, test_migration, fixture_teardown);
  return g_test_run ();
}
