/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outreach visits as a township clerk records them: every refused answer is
 * refused with its reason and nothing written; the latest visit's answers
 * reach the participant's record, in its history, and are reported; an
 * older visit recorded late changes nothing; a visit is audited and queued
 * for sync like every record. */
#include "config.h"

#include <string.h>

#include "st-audit.h"
#include "st-demo.h"
#include "st-participant.h"
#include "st-outreach.h"
#include "st-participant-query.h"
#include "st-records.h"
#include "st-visit.h"
#include "st-visit-sheet.h"
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
  g_assert_cmpint (st_db_get_schema_version (f->db), ==, st_db_get_latest_schema_version ());
  changes = st_visit_add (f->db, v, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE tbl = 'visits'"), ==, 1);
  /* Rows are tombstoned, never removed. */
  g_assert_false (st_db_exec (f->db, "DELETE FROM visits", NULL));
}

/* The text pdftotext reads from @path, or NULL without pdftotext. */
static char *
pdf_text (const char *path)
{
  g_autofree char *tool = g_find_program_in_path ("pdftotext");
  const char *argv[] = { "pdftotext", "-layout", "-enc", "UTF-8", path, "-", NULL };
  char *out = NULL;
  int status = 0;

  if (tool == NULL)
    return NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  return out;
}

static char *
add_person (Fixture *f, const char *id_number, const char *name)
{
  g_autoptr(StParticipant) p = st_participant_new ();
  g_autoptr(GError) error = NULL;

  p->id_number = g_strdup (id_number);
  p->name = g_strdup (name);
  p->township_code = g_strdup ("522327104000");
  g_assert_true (st_participant_insert (f->db, p, &error));
  g_assert_no_error (error);
  return g_strdup (p->id);
}

static void
add_visit (Fixture *f, const char *person, const char *date, gboolean reached, const char *willing)
{
  g_autoptr(StVisit) v = st_visit_new ();
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;

  v->participant_id = g_strdup (person);
  v->date = g_strdup (date);
  v->visitor = g_strdup ("韦主任");
  v->how = g_strdup ("phone");
  v->reached = reached;
  v->willing = g_strdup (willing);
  changes = st_visit_add (f->db, v, &error);
  g_assert_no_error (error);
}

/* The Participants page's outreach filter, by a query and from the facets
 * in memory: the same people either way. */
static void
test_outreach_filter (Fixture *f, gconstpointer data)
{
  g_autofree char *unreached = add_person (f, "52232719920704001X", "黄明");
  g_autofree char *willing = add_person (f, "522327197801010033", "陆国强");
  g_autofree char *enrolled = add_person (f, "522327199006060049", "岑文");
  g_autofree char *later = add_person (f, "522327198809090052", "罗芳");
  g_autoptr(StClass) c = st_class_new ();
  g_autoptr(StParticipantFacets) facets = NULL;
  g_autoptr(GArray) everyone = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *enrolment = NULL;
  static const struct { const char *outreach; const char *names; } cases[] = {
    { "not_visited", "王秀英" },
    { "not_reached", "黄明" },
    { "willing", "陆国强" },
  };

  add_visit (f, unreached, "2025-03-01", FALSE, NULL);
  add_visit (f, unreached, "2025-03-08", FALSE, NULL);
  add_visit (f, willing, "2025-03-01", FALSE, NULL);
  add_visit (f, willing, "2025-03-02", TRUE, "yes");
  add_visit (f, willing, "2025-03-09", FALSE, NULL);     /* not reached again: the answer stands */
  add_visit (f, enrolled, "2025-03-01", TRUE, "yes");
  add_visit (f, later, "2025-02-01", TRUE, "yes");
  add_visit (f, later, "2025-03-01", TRUE, "later");     /* changed their mind */
  c->name = g_strdup ("巧马镇种植班");
  c->program_code = g_strdup ("secondary-vocational");
  c->township_code = g_strdup ("522327104000");
  c->start_date = g_strdup ("2025-03-10");
  g_assert_true (st_class_create (f->db, c, &error));
  g_assert_no_error (error);
  enrolment = st_enrol (f->db, enrolled, c->id, NULL, 0, &error);
  g_assert_no_error (error);

  facets = st_participant_facets_read (f->db, &error);
  g_assert_no_error (error);
  {
    StParticipantQuery all = { 0 };

    everyone = st_participant_query_list (f->db, &all, &error);
    g_assert_no_error (error);
  }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      StParticipantQuery q = { 0 };
      g_autoptr(GArray) by_sql = NULL;
      g_autoptr(GArray) in_memory = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GString) names = g_string_new (NULL);

      q.outreach = cases[i].outreach;
      by_sql = st_participant_query_run (f->db, &q, &error);
      g_assert_no_error (error);
      in_memory = st_participant_facets_filter (facets, everyone, &q);
      g_assert_cmpuint (by_sql->len, ==, in_memory->len);
      for (guint j = 0; j < by_sql->len; j++)
        g_assert_cmpint (g_array_index (by_sql, gint64, j), ==, g_array_index (in_memory, gint64, j));
      rows = st_participant_query_fetch (f->db, (const gint64 *) by_sql->data, by_sql->len, &error);
      for (guint j = 0; j < rows->len; j++)
        g_string_append_printf (names, "%s%s", j ? " " : "", ((StParticipantSummary *) g_ptr_array_index (rows, j))->name);
      g_assert_cmpstr (names->str, ==, cases[i].names);
    }

  /* Sorted by the last visit: not visited first, then the longest ago. */
  {
    StParticipantQuery q = { 0 };
    g_autoptr(GArray) sorted = NULL;
    g_autoptr(GPtrArray) rows = NULL;
    g_autoptr(GString) names = g_string_new (NULL);
    StParticipantSummary *last;

    q.sort = ST_PARTICIPANT_SORT_LAST_VISIT;
    sorted = st_participant_query_run (f->db, &q, &error);
    g_assert_no_error (error);
    rows = st_participant_query_fetch (f->db, (const gint64 *) sorted->data, sorted->len, &error);
    g_assert_no_error (error);
    for (guint j = 0; j < rows->len; j++)
      g_string_append_printf (names, "%s%s", j ? " " : "", ((StParticipantSummary *) g_ptr_array_index (rows, j))->name);
    g_assert_cmpstr (names->str, ==, "王秀英 岑文 罗芳 黄明 陆国强");
    last = g_ptr_array_index (rows, 4);
    g_assert_cmpstr (last->last_visit, ==, "2025-03-09");
    g_assert_false (last->last_visit_reached);
    g_assert_null (((StParticipantSummary *) g_ptr_array_index (rows, 0))->last_visit);
  }

  /* The township's progress: 5 to visit, 4 visited, 3 reached, 2 whose
   * latest answer is yes (罗芳 now says later), 1 enrolled; and the CSV. */
  {
    g_autoptr(GPtrArray) progress = st_outreach_progress (f->db, NULL, &error);
    g_autofree char *csv = st_test_file ("outreach.csv");
    g_autofree char *contents = NULL;
    StOutreachRow *row;

    g_assert_no_error (error);
    g_assert_cmpuint (progress->len, ==, 2);
    row = g_ptr_array_index (progress, 0);
    g_assert_cmpstr (row->township_code, ==, "522327104000");
    g_assert_cmpint (row->people, ==, 5);
    g_assert_cmpint (row->visited, ==, 4);
    g_assert_cmpint (row->reached, ==, 3);
    g_assert_cmpint (row->willing, ==, 2);
    g_assert_cmpint (row->enrolled, ==, 1);
    row = g_ptr_array_index (progress, 1);
    g_assert_null (row->township_code);
    g_assert_cmpstr (row->township, ==, "Total");
    g_assert_cmpint (row->people, ==, 5);
    g_assert_true (st_outreach_write_csv (progress, csv, ST_CSV_ENCODING_UTF8, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "Township,People to visit,Visited,Reached,Willing to enrol,Enrolled\r\n"));
    g_assert_nonnull (strstr (contents, ",5,4,3,2,1\r\nTotal,5,4,3,2,1\r\n"));

    /* And as the PDF for the county. */
    {
      g_autofree char *pdf = st_test_file ("outreach.pdf");
      g_autofree char *text = NULL;

      g_assert_true (st_outreach_write_pdf (progress, pdf, &error));
      g_assert_no_error (error);
      text = pdf_text (pdf);
      if (text != NULL)
        {
          g_assert_nonnull (strstr (text, "Outreach by Township"));
          g_assert_nonnull (strstr (text, "4 (80%)"));    /* visited */
          g_assert_nonnull (strstr (text, "3 (60%)"));    /* reached */
          g_assert_nonnull (strstr (text, "Total"));
        }
    }
  }
}

/* The printed list takes everyone never reached, and nobody else. */
static void
test_sheet (Fixture *f, gconstpointer data)
{
  g_autofree char *unreached = add_person (f, "52232719920704001X", "黄明");
  g_autofree char *reached = add_person (f, "522327197801010033", "陆国强");
  g_autofree char *path = st_test_file ("visits.pdf");
  g_autoptr(StDocSheet) sheet = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  add_visit (f, unreached, "2025-03-01", FALSE, NULL);
  add_visit (f, reached, "2025-03-01", FALSE, NULL);
  add_visit (f, reached, "2025-03-05", TRUE, "no");
  sheet = st_visit_sheet_new (f->db, "522327104000", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (st_doc_sheet_get_n_rows (sheet), ==, 2);
  g_assert_cmpint (st_doc_sheet_paginate (sheet, 595, 842), ==, 1);
  g_assert_true (st_doc_sheet_write_pdf (sheet, path, &error));
  g_assert_no_error (error);
  text = pdf_text (path);
  if (text == NULL)
    {
      g_test_skip ("pdftotext (poppler-utils) is not installed");
      return;
    }
  g_assert_nonnull (strstr (text, "Outreach Visit List"));
  g_assert_nonnull (strstr (text, "2 people not yet reached"));
  g_assert_nonnull (strstr (text, "王秀英"));
  g_assert_nonnull (strstr (text, "13800000001"));
  g_assert_nonnull (strstr (text, "黄明"));
  g_assert_nonnull (strstr (text, "2025-03-01"));   /* 黄明's last visit */
  g_assert_null (strstr (text, "陆国强"));
  g_assert_nonnull (strstr (text, "Page 1 of 1"));
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

/* The demo county's outreach, made twice with the same seed into two
 * databases: the same answers for the same people; everyone in a class
 * reached and willing before it began; of the others some not visited,
 * some willing; a second run adds nothing. */
static char *
demo_county (const char *name, GDate *today)
{
  g_autofree char *path = st_test_file (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (path, &error);
  StDemoTrainingOptions training = { today, FALSE, TRUE, 0, FALSE, 1 };
  sqlite3_stmt *stmt;
  GString *answers = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_true (st_demo_populate (db, 600, 5, &error));
  g_assert_true (st_demo_populate_training (db, 5, &training, &error));
  g_assert_true (st_demo_populate_visits (db, 5, today, TRUE, &error));
  g_assert_no_error (error);

  /* Everyone in a class was reached and said yes, before the class began. */
  g_assert_cmpint (st_test_query_int (db, "SELECT count(*) FROM enrolments e WHERE NOT EXISTS (SELECT 1 FROM visits v"
                                          " JOIN classes c ON c.id = e.class_id WHERE v.participant_id = e.participant_id"
                                          " AND v.reached = 1 AND v.willing = 'yes' AND v.date < c.start_date)"), ==, 0);
  /* Of the others: some never visited, some visited and not reached, some willing. */
  g_assert_cmpint (st_test_query_int (db, "SELECT count(*) FROM participants p WHERE NOT EXISTS"
                                          " (SELECT 1 FROM visits v WHERE v.participant_id = p.id)"), >, 10);
  g_assert_cmpint (st_test_query_int (db, "SELECT count(*) FROM participants p WHERE NOT EXISTS"
                                          " (SELECT 1 FROM visits v WHERE v.participant_id = p.id AND v.reached = 1)"
                                          " AND EXISTS (SELECT 1 FROM visits v WHERE v.participant_id = p.id)"), >, 5);
  g_assert_cmpint (st_test_query_int (db, "SELECT count(*) FROM visits v WHERE v.willing = 'yes' AND NOT EXISTS"
                                          " (SELECT 1 FROM enrolments e WHERE e.participant_id = v.participant_id)"), >, 5);
  g_assert_cmpint (st_test_query_int (db, "SELECT count(*) FROM visits WHERE date > '2026-11-23'"), ==, 0);
  /* Synced: captured like any visit. */
  g_assert_cmpint (st_test_query_int (db, "SELECT count(*) FROM audit_log WHERE tbl = 'visits'"), ==,
                   st_test_query_int (db, "SELECT count(*) FROM visits"));

  /* Again: nobody is left without a visit who would get one. */
  {
    gint64 before = st_test_query_int (db, "SELECT count(*) FROM visits");

    g_assert_true (st_demo_populate_visits (db, 5, today, TRUE, &error));
    g_assert_cmpint (st_test_query_int (db, "SELECT count(*) FROM visits WHERE participant_id IN (SELECT participant_id"
                                            " FROM visits GROUP BY participant_id HAVING count(*) > 2)"), ==, 0);
    g_assert_cmpint (st_test_query_int (db, "SELECT count(*) FROM visits"), >=, before);
  }

  stmt = st_db_prepare (db, "SELECT p.id_number, v.date, v.visitor, v.how, v.reached, v.lives, v.away_province,"
                            " v.work, v.health, v.willing, v.major FROM visits v JOIN participants p"
                            " ON p.id = v.participant_id ORDER BY 1, 2, v.rowid", NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < 11; i++)
        g_string_append_printf (answers, "%s|", sqlite3_column_text (stmt, i) ? (const char *) sqlite3_column_text (stmt, i) : "");
      g_string_append_c (answers, '\n');
    }
  sqlite3_reset (stmt);
  return g_string_free (answers, FALSE);
}

static void
test_demo (void)
{
  GDate today;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 23, G_DATE_NOVEMBER, 2026);
  one = demo_county ("demo-1.db", &today);
  two = demo_county ("demo-2.db", &today);
  g_assert_cmpuint (strlen (one), >, 1000);
  g_assert_cmpstr (one, ==, two);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/core/visit/words", test_words);
  g_test_add_func ("/core/visit/demo", test_demo);
  g_test_add ("/core/visit/checks", Fixture, NULL, fixture_setup, test_checks, fixture_teardown);
  g_test_add ("/core/visit/updates-participant", Fixture, NULL, fixture_setup, test_updates_participant, fixture_teardown);
  g_test_add ("/core/visit/deleted-participant", Fixture, NULL, fixture_setup, test_deleted_participant, fixture_teardown);
  g_test_add ("/core/visit/outreach-filter", Fixture, NULL, fixture_setup, test_outreach_filter, fixture_teardown);
  g_test_add ("/core/visit/sheet", Fixture, NULL, fixture_setup, test_sheet, fixture_teardown);
  g_test_add ("/core/visit/migration", Fixture, NULL, fixture_setup, test_migration, fixture_teardown);
  return g_test_run ();
}
