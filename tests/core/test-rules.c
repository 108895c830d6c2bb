/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The graduation rules of SPEC §3, one group per rule, at its boundaries.
 * Each test names the section of annex 6 (册亨县职业技能学历双提升工程实施方案)
 * it checks. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "st-eligibility.h"
#include "st-participant-query.h"
#include "st-participant.h"
#include "st-records.h"
#include "st-schedule.h"
#include "test-util.h"

/* A participant on the diploma program with everything done, unless the
 * scenario says otherwise. */
typedef struct
{
  const char *education;          /* senior → 1 year, otherwise 3 */
  gint64      concentrated;       /* minutes attended; -1 = exactly the requirement */
  gint64      self_study;         /* -1 = 360 h */
  gint64      online;
  int         assignments;        /* done; -1 = 1 */
  gboolean    skip_assignments_record;
  const char *culture;            /* pass | fail | NULL (not assessed) */
  const char *skill;
  const char *moral;
  gboolean    internship;
  const char *program;
  const char *schedule;           /* the class's; NULL = the program's */
} Scenario;

static const Scenario complete = {
  "senior", -1, -1, 0, -1, FALSE, "pass", "pass", "pass", TRUE, "secondary-vocational",
};

typedef struct
{
  StDb *db;
  char *participant;
  char *klass;
  char *enrolment;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *path = st_test_file ("rules.db");
  g_autoptr(GError) error = NULL;

  f->db = st_db_open (path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->db);
  g_free (f->participant);
  g_free (f->klass);
  g_free (f->enrolment);
}

static GDate *
date (const char *iso)
{
  guint y, m, d;
  GDate *g;

  g_assert_cmpint (sscanf (iso, "%4u-%2u-%2u", &y, &m, &d), ==, 3);
  g = g_date_new_dmy (d, m, y);
  g_test_queue_destroy ((GDestroyNotify) g_date_free, g);
  return g;
}

/* Adds sessions of at most 8 hours, one a month from the start, until
 * @minutes are attended, everyone present. */
static void
add_attendance (Fixture *f, gint64 minutes)
{
  g_autoptr(GError) error = NULL;
  GDate *d = date ("2024-03-01");
  char iso[16];

  while (minutes > 0)
    {
      g_autoptr(StSession) s = g_new0 (StSession, 1);
      int m = (int) MIN (minutes, 480);

      g_date_strftime (iso, sizeof iso, "%Y-%m-%d", d);
      s->class_id = g_strdup (f->klass);
      s->date = g_strdup (iso);
      s->minutes = m;
      s->mode = g_strdup ("concentrated");
      s->subject = g_strdup ("literacy");
      g_assert_true (st_session_create (f->db, s, &error));
      g_assert_no_error (error);
      g_assert_cmpint (st_attendance_fill_present (f->db, s->id, &error), ==, 1);
      minutes -= m;
      g_date_add_days (d, 7);
    }
}

static void
add_logs (Fixture *f, const char *kind, gint64 minutes)
{
  g_autoptr(GError) error = NULL;
  /* Self-study and online on different days: with a session, at most 18
   * hours a day. */
  GDate *d = date (g_str_equal (kind, "self") ? "2024-03-02" : "2024-06-02");
  char iso[16];

  while (minutes > 0)
    {
      int m = (int) MIN (minutes, 600);

      g_date_strftime (iso, sizeof iso, "%Y-%m-%d", d);
      st_study_log_add (f->db, f->participant, NULL, &(StStudyHours) { iso, m, kind, "一乐之学习网" }, &error);
      g_assert_no_error (error);
      minutes -= m;
      g_date_add_days (d, 1);
    }
}

static void
build (Fixture *f, const Scenario *s)
{
  g_autoptr(StParticipant) p = st_participant_new ();
  g_autoptr(StClass) c = st_class_new ();
  g_autoptr(GError) error = NULL;
  guint years = g_str_equal (s->education, "senior") ? 1 : 3;
  gint64 concentrated = s->concentrated >= 0 ? s->concentrated : (gint64) 96 * 60 * years;

  p->id_number = g_strdup ("522327198503120028");
  p->name = g_strdup ("王秀英");
  p->township_code = g_strdup ("522327104000");
  p->education = g_strdup (s->education);
  g_assert_true (st_participant_insert (f->db, p, &error));
  g_assert_no_error (error);
  f->participant = g_strdup (p->id);

  c->name = g_strdup ("巧马镇2024级种植班");
  c->program_code = g_strdup (s->program);
  c->major = g_strdup ("种植");
  c->township_code = g_strdup ("522327104000");
  c->start_date = g_strdup ("2024-03-01");
  c->schedule = g_strdup (s->schedule);
  g_assert_true (st_class_create (f->db, c, &error));
  g_assert_no_error (error);
  f->klass = g_strdup (c->id);

  f->enrolment = st_enrol (f->db, f->participant, f->klass, NULL, 0, &error);
  g_assert_no_error (error);

  add_attendance (f, concentrated);
  add_logs (f, "self", s->self_study >= 0 ? s->self_study : 360 * 60);
  add_logs (f, "online", s->online);

  if (!s->skip_assignments_record)
    for (int i = 0; i < (s->assignments >= 0 ? s->assignments : 1); i++)
      {
        g_autofree char *id = st_assignment_add (f->db, f->enrolment, "嫁接实操", "2024-06-01", &error);
        g_assert_no_error (error);
      }
  if (s->culture)
    g_assert_true (st_assessment_record (f->db, f->enrolment, "culture", s->culture, "2024-12-01", "县教育局", &error));
  if (s->skill)
    g_assert_true (st_assessment_record (f->db, f->enrolment, "skill", s->skill, "2024-12-01", "县中职学校", &error));
  if (s->moral)
    g_assert_true (st_assessment_record (f->db, f->enrolment, "moral", s->moral, "2024-12-01", "县中职学校", &error));
  g_assert_no_error (error);
  if (s->internship)
    g_assert_true (st_record_internship (f->db, f->enrolment, "2024-10-01", &error));
  g_assert_no_error (error);
}

static StEligibility *
evaluate (Fixture *f, const char *as_of)
{
  g_autoptr(GError) error = NULL;
  StEligibility *e = st_eligibility_evaluate_one (f->db, f->enrolment, date (as_of), &error);

  g_assert_no_error (error);
  g_assert_nonnull (e);
  g_test_queue_destroy ((GDestroyNotify) st_eligibility_free, e);
  return e;
}

static void
assert_missing (StEligibility *e, StMissingKind kind, gint64 amount)
{
  for (guint i = 0; i < e->missing->len; i++)
    {
      StMissing *m = &g_array_index (e->missing, StMissing, i);

      if (m->kind == kind)
        {
          g_assert_cmpint (m->amount, ==, amount);
          return;
        }
    }
  g_error ("missing item %d not found in: %s", kind, st_eligibility_describe_missing (e));
}

/* §(五)5: one year for senior high school graduates, three otherwise. */
static void
test_study_length (Fixture *f, gconstpointer data)
{
  Scenario s = complete;
  StEligibility *e;

  s.education = (const char *) data;
  build (f, &s);
  e = evaluate (f, "2024-04-01");
  if (g_str_equal (s.education, "senior"))
    {
      g_assert_cmpuint (e->study_years, ==, 1);
      g_assert_cmpstr (e->end_date, ==, "2025-03-01");
      g_assert_cmpint (e->required_concentrated, ==, 96 * 60);
    }
  else
    {
      g_assert_cmpuint (e->study_years, ==, 3);
      g_assert_cmpstr (e->end_date, ==, "2027-03-01");
      g_assert_cmpint (e->required_concentrated, ==, 3 * 96 * 60);
    }
}

/* §(五)5: the study length can be set by hand for one participant. */
static void
test_study_length_override (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *again = NULL;
  StEligibility *e;

  build (f, &complete);
  again = st_enrol (f->db, f->participant, f->klass, NULL, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, f->enrolment);
  e = evaluate (f, "2025-03-01");
  g_assert_cmpuint (e->study_years, ==, 2);
  g_assert_cmpstr (e->end_date, ==, "2026-03-01");
  assert_missing (e, ST_MISSING_CONCENTRATED, 96 * 60);
}

/* §(五)4: 8 hours a month, 96 concentrated hours per year of study. */
static void
test_concentrated (Fixture *f, gconstpointer data)
{
  Scenario s = complete;
  StEligibility *e;

  s.concentrated = 96 * 60 - 60;
  build (f, &s);
  e = evaluate (f, "2025-03-01");
  g_assert_cmpint (e->concentrated, ==, 95 * 60);
  assert_missing (e, ST_MISSING_CONCENTRATED, 60);
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_COMPLETION);
}

/* §(五)4: self-study not less than the concentrated hours, at the boundary. */
static void
test_self_vs_concentrated (Fixture *f, gconstpointer data)
{
  Scenario s = complete;
  gboolean equal = GPOINTER_TO_INT (data);
  StEligibility *e;

  s.concentrated = 200 * 60;            /* more than required */
  s.self_study = equal ? 200 * 60 : 199 * 60;
  s.online = 200 * 60;                  /* self + online ≥ 360 either way */
  build (f, &s);
  e = evaluate (f, "2025-03-01");
  if (equal)
    g_assert_cmpint (e->outcome, ==, ST_OUTCOME_ELIGIBLE);
  else
    {
      assert_missing (e, ST_MISSING_SELF_STUDY, 60);
      g_assert_cmpuint (e->missing->len, ==, 1);
    }
}

/* §(五)4: self-study plus online at least 360 hours: 359 is short, 360 is
 * enough. */
static void
test_self_and_online (Fixture *f, gconstpointer data)
{
  Scenario s = complete;
  gint64 total = GPOINTER_TO_INT (data);
  StEligibility *e;

  s.self_study = 100 * 60;
  s.online = (total - 100) * 60;
  build (f, &s);
  e = evaluate (f, "2025-03-01");
  g_assert_cmpint (e->self_study + e->online, ==, total * 60);
  if (total >= 360)
    {
      g_assert_cmpint (e->outcome, ==, ST_OUTCOME_ELIGIBLE);
      g_assert_cmpuint (e->missing->len, ==, 0);
    }
  else
    {
      g_autofree char *text = NULL;

      assert_missing (e, ST_MISSING_SELF_AND_ONLINE, (360 - total) * 60);
      text = st_eligibility_describe_missing (e);
      g_assert_cmpstr (text, ==, "1 self-study or online hour short");
    }
}

/* §(七)1–2: the end of the study length decides between graduation and
 * completion. */
static void
test_end_date (Fixture *f, gconstpointer data)
{
  Scenario s = complete;
  StEligibility *e;

  build (f, &s);
  e = evaluate (f, "2025-02-28");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_STUDYING);
  assert_missing (e, ST_MISSING_STUDY_LENGTH, 0);
  e = evaluate (f, "2025-03-01");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_ELIGIBLE);
}

/* §(七)1(3): early graduation only for those who asked. */
static void
test_early_graduation (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StEligibility *e;

  build (f, &complete);
  e = evaluate (f, "2025-01-15");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_STUDYING);
  g_assert_true (st_request_early_graduation (f->db, f->enrolment, "2025-01-10", &error));
  g_assert_no_error (error);
  e = evaluate (f, "2025-01-15");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_ELIGIBLE);
  /* The request counts from its date. */
  e = evaluate (f, "2025-01-09");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_STUDYING);
}

/* §(七)2: short of hours at the end of the study length: completion. */
static void
test_completion (Fixture *f, gconstpointer data)
{
  Scenario s = complete;
  StEligibility *e;

  s.self_study = 300 * 60;
  build (f, &s);
  e = evaluate (f, "2025-02-28");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_STUDYING);
  e = evaluate (f, "2025-03-01");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_COMPLETION);
  assert_missing (e, ST_MISSING_SELF_AND_ONLINE, 60 * 60);
}

/* §(七)2: withdrawn: a factual study record, from the withdrawal date. */
static void
test_withdrawal (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StEligibility *e;

  build (f, &complete);
  g_assert_false (st_withdraw (f->db, f->enrolment, "2024-09-01", "", &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (st_withdraw (f->db, f->enrolment, "2024-09-01", "外出务工", &error));
  g_assert_no_error (error);
  e = evaluate (f, "2024-08-31");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_STUDYING);
  e = evaluate (f, "2024-09-01");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_STUDY_RECORD);
}

/* §(六)2: a qualification certificate exempts an assessment. */
static void
test_exemption (Fixture *f, gconstpointer data)
{
  Scenario s = complete;
  g_autoptr(GError) error = NULL;
  StEligibility *e;

  s.skill = NULL;
  build (f, &s);
  e = evaluate (f, "2025-03-01");
  assert_missing (e, ST_MISSING_ASSESSMENT, 0);
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_COMPLETION);

  /* Moral evaluation cannot be exempted. */
  g_assert_false (st_exemption_add (f->db, f->enrolment,
                                    &(StExemptionEntry) {
                                      .kind = "exemption", .target = "moral", .basis = "证书", .credits = 0,
                                      .date = "2024-05-01",
                                    }, &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_RULE);
  g_clear_error (&error);
  g_assert_true (st_exemption_add (f->db, f->enrolment,
                                   &(StExemptionEntry) {
                                     .kind = "exemption", .target = "skill", .basis = "农作物植保员职业技能等级证书（四级）",
                                     .credits = 0, .date = "2024-05-01",
                                   }, &error));
  g_assert_no_error (error);
  e = evaluate (f, "2025-03-01");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_ELIGIBLE);
}

/* §(六)4: two years of related work waive the internship; one does not. */
static void
test_internship_waiver (Fixture *f, gconstpointer data)
{
  Scenario s = complete;
  g_autoptr(GError) error = NULL;
  StEligibility *e;

  s.internship = FALSE;
  build (f, &s);
  e = evaluate (f, "2025-03-01");
  assert_missing (e, ST_MISSING_INTERNSHIP, 0);
  g_assert_false (st_exemption_add (f->db, f->enrolment,
                                    &(StExemptionEntry) {
                                      .kind = "internship_waiver", .basis = "合作社务工证明", .credits = 1,
                                      .date = "2024-05-01",
                                    }, &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_RULE);
  g_clear_error (&error);
  g_assert_true (st_exemption_add (f->db, f->enrolment,
                                   &(StExemptionEntry) {
                                     .kind = "internship_waiver", .basis = "合作社务工证明", .credits = 2,
                                     .date = "2024-05-01",
                                   }, &error));
  g_assert_no_error (error);
  e = evaluate (f, "2025-03-01");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_ELIGIBLE);
}

/* §(五)4: without the practical assignments, no assessment. */
static void
test_assignments_before_assessment (Fixture *f, gconstpointer data)
{
  Scenario s = complete;
  g_autoptr(GError) error = NULL;
  g_autofree char *assignment = NULL;
  StEligibility *e;

  s.skip_assignments_record = TRUE;
  s.culture = s.skill = s.moral = NULL;
  build (f, &s);

  assignment = st_assignment_add (f->db, f->enrolment, "刺绣作品", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (st_assessment_record (f->db, f->enrolment, "culture", "pass", "2024-12-01", "县教育局", &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_RULE);
  g_clear_error (&error);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM assessments"), ==, 0);

  e = evaluate (f, "2024-12-31");
  assert_missing (e, ST_MISSING_ASSIGNMENTS, 1);
  assert_missing (e, ST_MISSING_ASSESSMENT, 0);

  g_assert_true (st_assignment_set_done (f->db, assignment, "2024-11-30", &error));
  g_assert_true (st_assessment_record (f->db, f->enrolment, "culture", "pass", "2024-12-01", "县教育局", &error));
  g_assert_no_error (error);
}

/* §(六)1: the latest result counts: a fail retaken and passed. */
static void
test_retaken (Fixture *f, gconstpointer data)
{
  Scenario s = complete;
  g_autoptr(GError) error = NULL;
  StEligibility *e;
  g_autofree char *text = NULL;

  s.culture = "fail";
  build (f, &s);
  e = evaluate (f, "2025-03-01");
  assert_missing (e, ST_MISSING_ASSESSMENT_FAILED, 0);
  text = st_eligibility_describe_missing (e);
  g_assert_cmpstr (text, ==, "Culture course failed");
  g_assert_true (st_assessment_record (f->db, f->enrolment, "culture", "pass", "2025-01-10", "县教育局", &error));
  e = evaluate (f, "2025-03-01");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_ELIGIBLE);
  /* As of before the retake, it is still failed. */
  e = evaluate (f, "2025-01-09");
  assert_missing (e, ST_MISSING_ASSESSMENT_FAILED, 0);
}

/* Short-term training: attended hours decide (annex 6 §三(三)). */
static void
test_training (Fixture *f, gconstpointer data)
{
  Scenario s = complete;
  StEligibility *e;

  s.program = "short-training";
  s.concentrated = 39 * 60;
  build (f, &s);
  e = evaluate (f, "2025-03-01");
  assert_missing (e, ST_MISSING_ATTENDED, 60);
  g_assert_cmpuint (e->missing->len, ==, 1);
  add_attendance (f, 60);
  e = evaluate (f, "2025-03-01");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_ELIGIBLE);
}

/* The same data evaluated on different dates moves through the states. */
static void
test_as_of (Fixture *f, gconstpointer data)
{
  Scenario s = complete;
  StEligibility *e;

  s.culture = NULL;
  build (f, &s);
  g_assert_cmpuint (st_eligibility_evaluate (f->db, &(StEligibilityQuery) { date ("2024-02-01"), NULL, NULL, NULL }, NULL)->len, ==, 0);
  e = evaluate (f, "2024-03-01");   /* first day: everything missing */
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_STUDYING);
  g_assert_cmpint (e->concentrated, ==, 480);
  e = evaluate (f, "2025-02-28");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_STUDYING);
  assert_missing (e, ST_MISSING_ASSESSMENT, 0);
  e = evaluate (f, "2025-03-01");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_COMPLETION);
}

/* A class meeting of @minutes on @date, everyone present. */
static void
add_session (Fixture *f, const char *day, int minutes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StSession) s = g_new0 (StSession, 1);

  s->class_id = g_strdup (f->klass);
  s->date = g_strdup (day);
  s->minutes = minutes;
  s->mode = g_strdup ("concentrated");
  s->subject = g_strdup ("skill");
  g_assert_true (st_session_create (f->db, s, &error));
  g_assert_no_error (error);
  g_assert_cmpint (st_attendance_fill_present (f->db, s->id, &error), ==, 1);
}

/* §(七)1(2), §(七)2: "在修业年限内 / 在规定的学习年限内": only what is dated
 * on or before the day the study length ends counts. One thing is missing
 * until the end; it is made up on the last day (it counts) or the day after
 * (it does not, and the completion stands months later). */
typedef struct
{
  const char *what;       /* what is made up late */
  const char *day;        /* its date */
  StOutcome   outcome;    /* as of half a year after the end */
} WindowCase;

static const WindowCase window_cases[] = {
  { "online", "2025-03-01", ST_OUTCOME_ELIGIBLE },
  { "online", "2025-03-02", ST_OUTCOME_COMPLETION },
  { "self", "2025-03-01", ST_OUTCOME_ELIGIBLE },
  { "self", "2025-03-02", ST_OUTCOME_COMPLETION },
  { "session", "2025-03-01", ST_OUTCOME_ELIGIBLE },
  { "session", "2025-03-02", ST_OUTCOME_COMPLETION },
  { "assessment", "2025-03-01", ST_OUTCOME_ELIGIBLE },
  { "assessment", "2025-03-02", ST_OUTCOME_COMPLETION },
  { "assignment", "2025-03-01", ST_OUTCOME_ELIGIBLE },
  { "assignment", "2025-03-02", ST_OUTCOME_COMPLETION },
  { "internship", "2025-03-01", ST_OUTCOME_ELIGIBLE },
  { "internship", "2025-03-02", ST_OUTCOME_COMPLETION },
  { "exemption", "2025-03-01", ST_OUTCOME_ELIGIBLE },
  { "exemption", "2025-03-02", ST_OUTCOME_COMPLETION },
};

static void
test_study_window (Fixture *f, gconstpointer data)
{
  const WindowCase *c = data;
  Scenario s = complete;
  g_autoptr(GError) error = NULL;
  g_autofree char *assignment = NULL;
  StEligibility *e;

  if (g_str_equal (c->what, "online"))
    s.self_study = 359 * 60;
  else if (g_str_equal (c->what, "self"))
    {
      /* Self-study short of the concentrated hours, not of 360. */
      s.concentrated = 200 * 60;
      s.self_study = 199 * 60;
      s.online = 200 * 60;
    }
  else if (g_str_equal (c->what, "session"))
    s.concentrated = 95 * 60;
  else if (g_str_equal (c->what, "assessment"))
    s.culture = NULL;
  else if (g_str_equal (c->what, "internship"))
    s.internship = FALSE;
  else if (g_str_equal (c->what, "exemption"))
    s.skill = NULL;
  build (f, &s);
  if (g_str_equal (c->what, "assignment"))
    {
      assignment = st_assignment_add (f->db, f->enrolment, "嫁接实操（二）", NULL, &error);
      g_assert_no_error (error);
    }

  e = evaluate (f, "2025-02-28");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_STUDYING);
  g_assert_cmpuint (e->missing->len, ==, 1);

  if (g_str_equal (c->what, "online") || g_str_equal (c->what, "self"))
    g_assert_true (st_study_log_add (f->db, f->participant, NULL,
                                     &(StStudyHours) { c->day, 60, c->what, "一乐之学习网" }, &error));
  else if (g_str_equal (c->what, "session"))
    add_session (f, c->day, 60);
  else if (g_str_equal (c->what, "assessment"))
    g_assert_true (st_assessment_record (f->db, f->enrolment, "culture", "pass", c->day, "县教育局", &error));
  else if (g_str_equal (c->what, "assignment"))
    g_assert_true (st_assignment_set_done (f->db, assignment, c->day, &error));
  else if (g_str_equal (c->what, "internship"))
    g_assert_true (st_record_internship (f->db, f->enrolment, c->day, &error));
  else if (g_str_equal (c->what, "exemption"))
    g_assert_true (st_exemption_add (f->db, f->enrolment,
                                     &(StExemptionEntry) {
                                       .kind = "exemption", .target = "skill", .basis = "农作物植保员职业技能等级证书（四级）",
                                       .credits = 0, .date = c->day,
                                     }, &error));
  g_assert_no_error (error);

  e = evaluate (f, "2025-09-01");
  g_assert_cmpstr (e->end_date, ==, "2025-03-01");
  g_assert_cmpint (e->outcome, ==, c->outcome);
  if (c->outcome == ST_OUTCOME_COMPLETION)
    g_assert_cmpuint (e->missing->len, ==, 1);
}

/* §(七)1(2): an approved extension moves the end, when the program allows
 * one; the built-in diploma allows none. */
static void
test_study_extension (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StProgram) p = NULL;
  g_autofree char *json = NULL;
  Scenario s = complete;
  StEligibility *e;
  gint64 hlc;

  s.self_study = 359 * 60;
  build (f, &s);
  g_assert_false (st_extend_study (f->db, f->enrolment, 1, &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_RULE);
  g_clear_error (&error);

  /* The county's own copy of the diploma, allowing one year. */
  p = st_program_load (f->db, "secondary-vocational", &error);
  g_assert_no_error (error);
  json = g_strdup_printf ("{\"max_extension_years\": 1, %s", strchr (p->json, '{') + 1);
  g_clear_pointer (&p, st_program_free);
  p = st_program_new_from_data (json, -1, "secondary-vocational.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->max_extension_years, ==, 1);
  g_assert_true (st_program_save (f->db, p, &error));
  /* Saved again unchanged, it keeps its clock stamp: a newer stamp with
   * nothing to send would make the laptop ignore the county's later edit of
   * the program when it pulls it. */
  hlc = st_test_query_int (f->db, "SELECT hlc FROM programs WHERE code = 'secondary-vocational'");
  g_assert_true (st_program_save (f->db, p, &error));
  g_assert_cmpint (st_test_query_int (f->db, "SELECT hlc FROM programs WHERE code = 'secondary-vocational'"), ==, hlc);

  g_assert_false (st_extend_study (f->db, f->enrolment, 2, &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_RULE);
  g_assert_cmpstr (error->message, ==, "The program “中职非全日制学历教育” allows an extension of at most 1 year.");
  g_clear_error (&error);
  g_assert_true (st_extend_study (f->db, f->enrolment, 1, &error));
  g_assert_no_error (error);

  g_assert_true (st_study_log_add (f->db, f->participant, NULL,
                                   &(StStudyHours) { "2025-03-02", 60, "online", "一乐之学习网" }, &error));
  g_assert_no_error (error);
  e = evaluate (f, "2025-03-01");
  g_assert_cmpstr (e->end_date, ==, "2026-03-01");
  g_assert_cmpuint (e->extension_years, ==, 1);
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_STUDYING);
  e = evaluate (f, "2026-03-01");
  g_assert_cmpint (e->outcome, ==, ST_OUTCOME_ELIGIBLE);
}

/* Training programs (§三(三) 长训短培): a county's own, added from the
 * example files of docs/programs/. Completed as soon as the hours are in;
 * within the length only; a length in days or years. */
typedef struct
{
  const char *name;
  const char *file;         /* docs/programs/… */
  const char *start;        /* the class starts, everyone enrols */
  int         every;        /* days between 8-hour meetings */
  int         meetings;
  int         short_by;     /* minutes taken from the last meeting */
  const char *extra_day;    /* one more meeting of 8 hours, or NULL */
  const char *as_of;
  const char *end_date;
  StOutcome   outcome;
  gint64      missing;      /* attended minutes short */
} TrainingCase;

static const TrainingCase training_cases[] = {
  /* 5 days, 40 hours: 2026-03-02 + 5 days = 2026-03-07. */
  { "5-days/40-hours-done-early", "five-day-training.json", "2026-03-02", 1, 5, 0, NULL,
    "2026-03-06", "2026-03-07", ST_OUTCOME_ELIGIBLE, 0 },
  { "5-days/39-hours-in-study", "five-day-training.json", "2026-03-02", 1, 5, 60, NULL,
    "2026-03-06", "2026-03-07", ST_OUTCOME_STUDYING, 60 },
  { "5-days/39-hours-at-the-end", "five-day-training.json", "2026-03-02", 1, 5, 60, NULL,
    "2026-03-07", "2026-03-07", ST_OUTCOME_COMPLETION, 60 },
  { "5-days/last-8-on-the-end-day", "five-day-training.json", "2026-03-02", 1, 4, 0, "2026-03-07",
    "2026-03-07", "2026-03-07", ST_OUTCOME_ELIGIBLE, 0 },
  { "5-days/last-8-the-day-after", "five-day-training.json", "2026-03-02", 1, 4, 0, "2026-03-08",
    "2026-04-01", "2026-03-07", ST_OUTCOME_COMPLETION, 8 * 60 },
  /* 5 years, 360 hours: 45 weekly meetings of 8 hours in the first year. */
  { "5-years/360-hours-in-year-1", "teacher-training.json", "2024-03-01", 7, 45, 0, NULL,
    "2025-03-01", "2029-03-01", ST_OUTCOME_ELIGIBLE, 0 },
  { "5-years/359-hours-in-study", "teacher-training.json", "2024-03-01", 7, 45, 60, NULL,
    "2028-12-31", "2029-03-01", ST_OUTCOME_STUDYING, 60 },
  { "5-years/359-hours-at-the-end", "teacher-training.json", "2024-03-01", 7, 45, 60, NULL,
    "2029-03-01", "2029-03-01", ST_OUTCOME_COMPLETION, 60 },
  { "5-years/last-8-on-the-end-day", "teacher-training.json", "2024-03-01", 7, 44, 0, "2029-03-01",
    "2029-03-01", "2029-03-01", ST_OUTCOME_ELIGIBLE, 0 },
  { "5-years/last-8-the-day-after", "teacher-training.json", "2024-03-01", 7, 44, 0, "2029-03-02",
    "2029-06-01", "2029-03-01", ST_OUTCOME_COMPLETION, 8 * 60 },
};

static void
test_training_program (Fixture *f, gconstpointer data)
{
  const TrainingCase *c = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "docs", "programs", c->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StProgram) program = st_program_new_from_file (path, &error);
  g_autoptr(StParticipant) p = st_participant_new ();
  g_autoptr(StClass) k = st_class_new ();
  GDate *day = date (c->start);
  char iso[16];
  StEligibility *e;

  g_assert_no_error (error);
  g_assert_cmpint (program->kind, ==, ST_PROGRAM_TRAINING);
  g_assert_true (st_program_save (f->db, program, &error));
  g_assert_no_error (error);

  p->id_number = g_strdup ("522327198503120028");
  p->name = g_strdup ("王秀英");
  p->township_code = g_strdup ("522327104000");
  p->education = g_strdup ("junior");
  g_assert_true (st_participant_insert (f->db, p, &error));
  f->participant = g_strdup (p->id);
  k->name = g_strdup ("巧马镇培训班");
  k->program_code = g_strdup (program->code);
  k->major = g_strdup ("电子商务");
  k->township_code = g_strdup ("522327104000");
  k->start_date = g_strdup (c->start);
  g_assert_true (st_class_create (f->db, k, &error));
  g_assert_no_error (error);
  f->klass = g_strdup (k->id);
  f->enrolment = st_enrol (f->db, f->participant, f->klass, NULL, 0, &error);
  g_assert_no_error (error);

  for (int i = 0; i < c->meetings; i++)
    {
      g_date_strftime (iso, sizeof iso, "%Y-%m-%d", day);
      add_session (f, iso, i == c->meetings - 1 ? 480 - c->short_by : 480);
      g_date_add_days (day, c->every);
    }
  if (c->extra_day != NULL)
    add_session (f, c->extra_day, 480);

  e = evaluate (f, c->as_of);
  g_assert_cmpstr (e->end_date, ==, c->end_date);
  g_assert_cmpint (e->outcome, ==, c->outcome);
  if (c->missing > 0)
    {
      assert_missing (e, ST_MISSING_ATTENDED, c->missing);
      g_assert_cmpuint (e->missing->len, ==, 1);
    }
  else
    g_assert_cmpuint (e->missing->len, ==, 0);
}

static void
test_study_length_field (void)
{
  static const struct { const char *length; const char *error; guint days; guint years; } cases[] = {
    { "{\"days\": 5}", NULL, 5, 1 },
    { "{\"weeks\": 2}", NULL, 14, 1 },
    { "{\"years\": 5}", NULL, 0, 5 },
    { "{\"days\": 0}", "x.json: “study_length.days” must be a whole number from 1 to 3650", 0, 0 },
    { "{\"years\": 11}", "x.json: “study_length.years” must be a whole number from 1 to 10", 0, 0 },
    { "{\"weeks\": 2, \"days\": 3}", "x.json: “study_length” must be an object with one of “days”, “weeks” or “years”, such as {\"days\": 5}", 0, 0 },
    { "{\"months\": 2}", "x.json: “study_length” must be an object with one of “days”, “weeks” or “years”, such as {\"days\": 5}", 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *json = g_strdup_printf ("{\"schema\":1,\"code\":\"x\",\"name\":\"X\",\"kind\":\"training\","
                                               "\"study_length\":%s,\"attended_min_hours\":40,"
                                               "\"certificate_names\":{\"graduation\":\"a\",\"completion\":\"b\","
                                               "\"study_record\":\"c\"}}", cases[i].length);
      g_autoptr(StProgram) p = st_program_new_from_data (json, -1, "x.json", &error);

      if (cases[i].error != NULL)
        {
          g_assert_null (p);
          g_assert_cmpstr (error->message, ==, cases[i].error);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpuint (p->study_days, ==, cases[i].days);
      g_assert_cmpuint (p->study_years[ST_EDUCATION_NONE], ==, cases[i].years);
      g_assert_cmpuint (p->study_years[ST_EDUCATION_SENIOR], ==, cases[i].years);
    }
}

/* Messages with a count take its plural form; a fraction of an hour is
 * "hours". */
static void
test_plural_forms (void)
{
  static const struct { StMissingKind kind; gint64 minutes; const char *text; } cases[] = {
    { ST_MISSING_SELF_AND_ONLINE, 60, "1 self-study or online hour short" },
    { ST_MISSING_SELF_AND_ONLINE, 120, "2 self-study or online hours short" },
    { ST_MISSING_SELF_AND_ONLINE, 30, "0.5 self-study or online hours short" },
    { ST_MISSING_SELF_AND_ONLINE, 90, "1.5 self-study or online hours short" },
    { ST_MISSING_CONCENTRATED, 60, "1 concentrated teaching hour short" },
    { ST_MISSING_CONCENTRATED, 96 * 60, "96 concentrated teaching hours short" },
    { ST_MISSING_ATTENDED, 60, "1 attended hour short" },
    { ST_MISSING_ATTENDED, 40 * 60, "40 attended hours short" },
    { ST_MISSING_ASSIGNMENTS, 1, "1 practical assignment not done: no assessment until it is" },
    { ST_MISSING_ASSIGNMENTS, 2, "2 practical assignments not done: no assessment until they are" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      StMissing m = { cases[i].kind, cases[i].minutes, 0 };
      g_autofree char *text = st_missing_describe (&m);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* "结业" named two states: the certificate due (可发结业证书) and issued
 * (已结业). Every outcome has a name of its own, in English and Chinese. */
static void
test_outcome_names (void)
{
  const char *localedir = g_getenv ("ST_LOCALEDIR");

  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      if (pass == 1)
        {
          if (localedir == NULL)
            {
              g_test_message ("ST_LOCALEDIR is not set: the Chinese names were not checked");
              break;
            }
          g_setenv ("LANGUAGE", "zh_CN", TRUE);
          bindtextdomain (GETTEXT_PACKAGE, localedir);
          bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
          setlocale (LC_ALL, "");
        }
      for (StOutcome o = ST_OUTCOME_STUDYING; o <= ST_OUTCOME_COMPLETED; o++)
        {
          const char *name = st_outcome_to_display (o);

          g_assert_false (g_hash_table_contains (seen, name));
          g_hash_table_add (seen, (gpointer) name);
          g_assert_cmpint (st_outcome_from_code (st_outcome_to_code (o)), ==, o);
        }
      if (pass == 1)
        {
          g_assert_cmpstr (st_outcome_to_display (ST_OUTCOME_COMPLETION), ==, "可发结业证书");
          g_assert_cmpstr (st_outcome_to_display (ST_OUTCOME_COMPLETED), ==, "已结业");
          g_assert_cmpstr (st_enrolment_state_to_display ("completed"), ==, "已结业");
          g_setenv ("LANGUAGE", "", TRUE);
          setlocale (LC_ALL, "");
        }
    }
}

/* §(五)4: 每班每月集中授课1次，每次1天(8学时) 或 每年每班集中培训不少于两次，
 * 每次不低于120学时. A person needs the hours of the class's schedule: 96 a
 * year monthly, 2 × 120 in blocks; one block of 120 is short. */
typedef struct
{
  const char *name;
  const char *schedule;
  gint64      attended;     /* concentrated minutes */
  gint64      required;
  StOutcome   outcome;
} ScheduleCase;

static const ScheduleCase schedule_cases[] = {
  { "monthly/96", NULL, 96 * 60, 96 * 60, ST_OUTCOME_ELIGIBLE },
  { "monthly/95", "monthly", 95 * 60, 96 * 60, ST_OUTCOME_COMPLETION },
  { "blocks/one-block-of-120", "blocks", 120 * 60, 240 * 60, ST_OUTCOME_COMPLETION },
  { "blocks/two-blocks-of-120", "blocks", 240 * 60, 240 * 60, ST_OUTCOME_ELIGIBLE },
  { "blocks/239", "blocks", 239 * 60, 240 * 60, ST_OUTCOME_COMPLETION },
};

static void
test_schedule_requirement (Fixture *f, gconstpointer data)
{
  const ScheduleCase *c = data;
  Scenario s = complete;
  StEligibility *e;

  s.schedule = c->schedule;
  s.concentrated = c->attended;
  s.self_study = MAX (360 * 60, c->attended);
  build (f, &s);
  e = evaluate (f, "2025-03-01");
  g_assert_cmpint (e->required_concentrated, ==, c->required);
  g_assert_cmpint (e->schedule, ==, c->schedule && g_str_equal (c->schedule, "blocks") ? ST_SCHEDULE_BLOCKS
                                                                                         : ST_SCHEDULE_MONTHLY);
  g_assert_cmpint (e->outcome, ==, c->outcome);
  if (c->outcome == ST_OUTCOME_COMPLETION)
    assert_missing (e, ST_MISSING_CONCENTRATED, c->required - c->attended);
}

/* Whether the class keeps its schedule: blocks of meetings on days at most
 * a weekend apart, together 120 hours; the monthly day of 8 hours. */
typedef struct
{
  const char *name;
  const char *schedule;
  const char *first;        /* the first meeting; a run of daily meetings from it */
  int         days;
  int         minutes;      /* each day */
  int         skip_after;   /* a gap of this many days after the first half (0 = none) */
  const char *second;       /* a second run, or NULL */
  const char *as_of;
  gboolean    behind;
  guint       blocks_held;
  guint       blocks_expected;
} ClassScheduleCase;

static const ClassScheduleCase class_schedule_cases[] = {
  /* 15 days of 8 hours = one block of 120. */
  { "blocks/one-block-a-year", "blocks", "2024-04-01", 15, 480, 0, NULL, "2025-03-01", TRUE, 1, 2 },
  { "blocks/two-blocks-a-year", "blocks", "2024-04-01", 15, 480, 0, "2024-10-08", "2025-03-01", FALSE, 2, 2 },
  { "blocks/119-hours-is-no-block", "blocks", "2024-04-01", 15, 476, 0, "2024-10-08", "2025-03-01", TRUE, 0, 2 },
  { "blocks/a-weekend-apart", "blocks", "2024-04-01", 15, 480, 2, "2024-10-08", "2025-03-01", FALSE, 2, 2 },
  { "blocks/three-days-apart", "blocks", "2024-04-01", 15, 480, 3, "2024-10-08", "2025-03-01", TRUE, 0, 2 },
  { "blocks/half-a-year-one-due", "blocks", "2024-04-01", 15, 480, 0, NULL, "2024-09-01", FALSE, 1, 1 },
  { "blocks/five-months-none-due", "blocks", "2024-06-01", 15, 480, 0, NULL, "2024-07-31", FALSE, 1, 0 },
  { "blocks/five-months-nothing", "blocks", "2024-09-01", 15, 480, 0, NULL, "2024-07-31", FALSE, 0, 0 },
  { "blocks/six-months-nothing", "blocks", "2024-09-02", 15, 480, 0, NULL, "2024-09-01", TRUE, 0, 1 },
  { "monthly/8-hours-this-month", NULL, "2024-03-05", 1, 480, 0, NULL, "2024-03-31", FALSE, 0, 0 },
  { "monthly/7-hours-this-month", "monthly", "2024-03-05", 1, 420, 0, NULL, "2024-03-31", TRUE, 0, 0 },
};

static void
test_class_schedule (Fixture *f, gconstpointer data)
{
  const ClassScheduleCase *c = data;
  Scenario s = complete;
  g_autoptr(GError) error = NULL;
  StScheduleStatus status;

  s.schedule = c->schedule;
  s.concentrated = 0;
  build (f, &s);
  for (int run = 0; run < 2; run++)
    {
      const char *first = run == 0 ? c->first : c->second;
      GDate *day;
      char iso[16];

      if (first == NULL)
        continue;
      day = date (first);
      for (int i = 0; i < c->days; i++)
        {
          if (c->skip_after > 0 && i == c->days / 2)
            g_date_add_days (day, c->skip_after);
          g_date_strftime (iso, sizeof iso, "%Y-%m-%d", day);
          add_session (f, iso, c->minutes);
          g_date_add_days (day, 1);
        }
    }
  g_assert_true (st_class_schedule_status (f->db, f->klass, c->as_of, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status.behind, ==, c->behind);
  if (status.schedule == ST_SCHEDULE_BLOCKS)
    {
      g_assert_cmpuint (status.blocks_held, ==, c->blocks_held);
      g_assert_cmpuint (status.blocks_expected, ==, c->blocks_expected);
    }
  else
    g_assert_cmpint (status.month_minutes, ==, c->minutes);

  /* The Overview's reading of every class says the same. */
  {
    g_autoptr(GHashTable) all = st_schedule_status_all (f->db, c->as_of, &error);
    StScheduleStatus *same;

    g_assert_no_error (error);
    same = g_hash_table_lookup (all, f->klass);
    g_assert_nonnull (same);
    g_assert_cmpint (same->behind, ==, status.behind);
    g_assert_cmpuint (same->blocks_held, ==, status.blocks_held);
    g_assert_cmpuint (same->blocks_expected, ==, status.blocks_expected);
    g_assert_cmpint (same->month_minutes, ==, status.month_minutes);
    g_assert_cmpuint (same->months_short, ==, status.months_short);
  }
}

/* A program may cap the share of concentrated teaching held online (none
 * by default): with 50 %, 60 online hours of 96 count as 48. */
static void
test_online_cap (Fixture *f, gconstpointer data)
{
  gboolean capped = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  Scenario s = complete;
  StEligibility *e;

  if (capped)
    {
      g_autoptr(StProgram) p = st_program_load (f->db, "secondary-vocational", &error);
      g_autofree char *json = g_strdup_printf ("{\"online_concentrated_max_percent\": 50, %s", strchr (p->json, '{') + 1);
      g_autoptr(StProgram) county = st_program_new_from_data (json, -1, "secondary-vocational.json", &error);

      g_assert_no_error (error);
      g_assert_cmpint (county->online_concentrated_max_percent, ==, 50);
      g_assert_true (st_program_save (f->db, county, &error));
    }
  s.concentrated = 36 * 60;
  build (f, &s);
  for (int i = 0; i < 60 / 6; i++)
    {
      g_autoptr(StSession) session = g_new0 (StSession, 1);
      g_autofree char *day = g_strdup_printf ("2024-%02d-20", 3 + i);

      session->class_id = g_strdup (f->klass);
      session->date = g_strdup (day);
      session->minutes = 6 * 60;
      session->mode = g_strdup ("online");
      session->subject = g_strdup ("policy");
      g_assert_true (st_session_create (f->db, session, &error));
      g_assert_cmpint (st_attendance_fill_present (f->db, session->id, &error), ==, 1);
    }
  e = evaluate (f, "2025-03-01");
  if (capped)
    {
      g_assert_cmpint (e->concentrated, ==, (36 + 48) * 60);
      assert_missing (e, ST_MISSING_CONCENTRATED, 12 * 60);
    }
  else
    {
      g_assert_cmpint (e->concentrated, ==, 96 * 60);
      g_assert_cmpint (e->outcome, ==, ST_OUTCOME_ELIGIBLE);
    }
}

/* §(六)2–3: credits for a certificate, an award, an innovation; a program
 * (the school's own rule) may require some. At min_credits − 1 it is a
 * completion; credits dated after the study length do not count. */
typedef struct
{
  const char *name;
  guint       min_credits;
  int         award;          /* credits for a competition award */
  int         certificate;    /* credits carried by an exemption (a qualification certificate) */
  const char *day;
  StOutcome   outcome;
  gint64      missing;
} CreditCase;

static const CreditCase credit_cases[] = {
  { "none-required", 0, 0, 0, "2024-06-01", ST_OUTCOME_ELIGIBLE, 0 },
  { "min-minus-one", 4, 3, 0, "2024-06-01", ST_OUTCOME_COMPLETION, 1 },
  { "min", 4, 4, 0, "2024-06-01", ST_OUTCOME_ELIGIBLE, 0 },
  { "award-and-certificate", 4, 2, 2, "2024-06-01", ST_OUTCOME_ELIGIBLE, 0 },
  { "on-the-end-day", 4, 4, 0, "2025-03-01", ST_OUTCOME_ELIGIBLE, 0 },
  { "the-day-after", 4, 4, 0, "2025-03-02", ST_OUTCOME_COMPLETION, 4 },
};

static void
test_credits (Fixture *f, gconstpointer data)
{
  const CreditCase *c = data;
  g_autoptr(GError) error = NULL;
  Scenario s = complete;
  StEligibility *e;

  if (c->min_credits > 0)
    {
      g_autoptr(StProgram) p = st_program_load (f->db, "secondary-vocational", &error);
      g_autofree char *json = g_strdup_printf ("{\"min_credits\": %u, %s", c->min_credits, strchr (p->json, '{') + 1);
      g_autoptr(StProgram) county = st_program_new_from_data (json, -1, "secondary-vocational.json", &error);

      g_assert_no_error (error);
      g_assert_cmpuint (county->min_credits, ==, c->min_credits);
      g_assert_true (st_program_save (f->db, county, &error));
    }
  if (c->certificate > 0)
    s.skill = NULL;
  build (f, &s);
  if (c->award > 0)
    g_assert_true (st_exemption_add (f->db, f->enrolment,
                                     &(StExemptionEntry) {
                                       .kind = "credit", .credit_basis = "award", .basis = "县职业技能大赛二等奖",
                                       .credits = c->award, .date = c->day,
                                     }, &error));
  g_assert_no_error (error);
  if (c->certificate > 0)
    g_assert_true (st_exemption_add (f->db, f->enrolment,
                                     &(StExemptionEntry) {
                                       .kind = "exemption", .target = "skill", .basis = "农作物植保员职业技能等级证书（四级）",
                                       .credits = c->certificate, .date = c->day,
                                     }, &error));
  g_assert_no_error (error);

  e = evaluate (f, "2025-06-01");
  g_assert_cmpint (e->outcome, ==, c->outcome);
  if (c->missing > 0)
    {
      assert_missing (e, ST_MISSING_CREDITS, c->missing);
      g_assert_cmpuint (e->missing->len, ==, 1);
    }
  else
    g_assert_cmpuint (e->credits, ==, (guint) (c->award + c->certificate));
}

/* Credits say what they rest on; the line on certificates and records. */
static void
test_credit_basis (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  build (f, &complete);
  g_assert_false (st_exemption_add (f->db, f->enrolment,
                                    &(StExemptionEntry) {
                                      .kind = "credit", .basis = "县技能大赛", .credits = 2, .date = "2024-06-01",
                                    }, &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (st_exemption_add (f->db, f->enrolment,
                                    &(StExemptionEntry) {
                                      .kind = "credit", .credit_basis = "luck", .basis = "县技能大赛", .credits = 2,
                                      .date = "2024-06-01",
                                    }, &error));
  g_assert_cmpstr (error->message, ==, "Credits: “luck” is not certificate, award or innovation.");
  g_clear_error (&error);
  g_assert_false (st_exemption_add (f->db, f->enrolment,
                                    &(StExemptionEntry) {
                                      .kind = "credit", .credit_basis = "award", .basis = "县技能大赛", .credits = 0,
                                      .date = "2024-06-01",
                                    }, &error));
  g_clear_error (&error);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM exemptions"), ==, 0);

  g_assert_true (st_exemption_add (f->db, f->enrolment,
                                   &(StExemptionEntry) {
                                     .kind = "credit", .credit_basis = "award", .basis = "县技能大赛", .credits = 2,
                                     .date = "2024-06-01",
                                   }, &error));
  g_assert_true (st_exemption_add (f->db, f->enrolment,
                                   &(StExemptionEntry) {
                                     .kind = "credit", .credit_basis = "innovation", .basis = "嫁接改良", .credits = 1,
                                     .date = "2024-07-01",
                                   }, &error));
  g_assert_no_error (error);
  text = st_credits_describe (f->db, f->enrolment, NULL, &error);
  g_assert_cmpstr (text, ==, "3 credits: Competition award 2 (县技能大赛), Innovation at work 1 (嫁接改良)");
  g_clear_pointer (&text, g_free);
  text = st_credits_describe (f->db, f->enrolment, "2024-06-30", &error);
  g_assert_cmpstr (text, ==, "2 credits: Competition award 2 (县技能大赛)");
  g_clear_pointer (&text, g_free);
  text = st_credits_describe (f->db, f->enrolment, "2024-05-31", &error);
  g_assert_null (text);
  g_assert_no_error (error);
}

static void
test_broken_program (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StProgram) p = NULL;

  p = st_program_new_from_data ("{\"schema\":1,\"code\":\"x\",\"name\":\"X\",\"kind\":\"diploma\","
                                "\"study_years\":{\"none\":3,\"primary\":3,\"junior\":3,\"senior\":1,\"unknown\":3},"
                                "\"concentrated_hours_per_year\":96,\"self_study_at_least_concentrated\":true,"
                                "\"self_and_online_min_hours\":\"360\"}", -1, "x.json", &error);
  g_assert_null (p);
  g_assert_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "x.json: “self_and_online_min_hours” must be a whole number");
  g_clear_error (&error);

  p = st_program_new_from_data ("{\"schema\":1,\"code\":\"x\",\"name\":\"X\",\"kind\":\"diploma\","
                                "\"study_years\":{\"none\":3,\"primary\":3,\"junior\":3,\"unknown\":3}}",
                                -1, "x.json", &error);
  g_assert_null (p);
  g_assert_cmpstr (error->message, ==, "x.json: “study_years.senior” is missing");
  g_clear_error (&error);

  p = st_program_new_from_data ("not json", -1, "x.json", &error);
  g_assert_null (p);
  g_assert_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID);
}

/* Every number of SPEC §3 is a field of the built-in program. */
static void
test_builtin_program (void)
{
  const GPtrArray *all = st_programs_builtin ();
  const StProgram *p = g_ptr_array_index (all, 0);

  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpstr (p->code, ==, "secondary-vocational");
  g_assert_cmpuint (p->study_years[ST_EDUCATION_SENIOR], ==, 1);
  g_assert_cmpuint (p->study_years[ST_EDUCATION_JUNIOR], ==, 3);
  g_assert_cmpint (p->concentrated_minutes_per_year, ==, 96 * 60);
  g_assert_cmpint (p->self_and_online_min_minutes, ==, 360 * 60);
  g_assert_true (p->self_study_at_least_concentrated);
  g_assert_true (p->assignments_before_assessment);
  g_assert_cmpuint (p->required_assessments, ==, ST_ASSESSMENT_CULTURE | ST_ASSESSMENT_SKILL | ST_ASSESSMENT_MORAL);
  g_assert_cmpuint (p->internship_waiver_years, ==, 2);
  g_assert_true (p->early_graduation);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/rules/program/builtin", test_builtin_program);
  g_test_add_func ("/core/rules/program/broken", test_broken_program);
  g_test_add_func ("/core/rules/program/study-length", test_study_length_field);
  g_test_add_func ("/core/rules/words/plural-forms", test_plural_forms);
  g_test_add_func ("/core/rules/words/outcome-names", test_outcome_names);
#define ADD(path, data, fn) g_test_add (path, Fixture, data, fixture_setup, fn, fixture_teardown)
  ADD ("/core/rules/study-length/senior-1-year", "senior", test_study_length);
  ADD ("/core/rules/study-length/junior-3-years", "junior", test_study_length);
  ADD ("/core/rules/study-length/unschooled-3-years", "none", test_study_length);
  ADD ("/core/rules/study-length/override", NULL, test_study_length_override);
  ADD ("/core/rules/concentrated/95-of-96", NULL, test_concentrated);
  ADD ("/core/rules/self-study/equal-to-concentrated", GINT_TO_POINTER (TRUE), test_self_vs_concentrated);
  ADD ("/core/rules/self-study/one-hour-less", GINT_TO_POINTER (FALSE), test_self_vs_concentrated);
  ADD ("/core/rules/self-and-online/359", GINT_TO_POINTER (359), test_self_and_online);
  ADD ("/core/rules/self-and-online/360", GINT_TO_POINTER (360), test_self_and_online);
  ADD ("/core/rules/end-date", NULL, test_end_date);
  ADD ("/core/rules/early-graduation", NULL, test_early_graduation);
  ADD ("/core/rules/completion", NULL, test_completion);
  ADD ("/core/rules/withdrawal", NULL, test_withdrawal);
  ADD ("/core/rules/exemption", NULL, test_exemption);
  ADD ("/core/rules/internship-waiver", NULL, test_internship_waiver);
  ADD ("/core/rules/assignments-before-assessment", NULL, test_assignments_before_assessment);
  ADD ("/core/rules/retaken-assessment", NULL, test_retaken);
  ADD ("/core/rules/training", NULL, test_training);
  ADD ("/core/rules/as-of", NULL, test_as_of);
  for (guint i = 0; i < G_N_ELEMENTS (window_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/rules/study-window/%s-%s", window_cases[i].what,
                                               window_cases[i].day);

      ADD (path, &window_cases[i], test_study_window);
    }
  ADD ("/core/rules/study-window/extension", NULL, test_study_extension);
  for (guint i = 0; i < G_N_ELEMENTS (schedule_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/rules/schedule/requirement/%s", schedule_cases[i].name);

      ADD (path, &schedule_cases[i], test_schedule_requirement);
    }
  for (guint i = 0; i < G_N_ELEMENTS (class_schedule_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/rules/schedule/class/%s", class_schedule_cases[i].name);

      ADD (path, &class_schedule_cases[i], test_class_schedule);
    }
  for (guint i = 0; i < G_N_ELEMENTS (credit_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/rules/credits/%s", credit_cases[i].name);

      ADD (path, &credit_cases[i], test_credits);
    }
  ADD ("/core/rules/credits/basis", NULL, test_credit_basis);
  ADD ("/core/rules/schedule/online-uncapped", GINT_TO_POINTER (FALSE), test_online_cap);
  ADD ("/core/rules/schedule/online-capped-50", GINT_TO_POINTER (TRUE), test_online_cap);
  for (guint i = 0; i < G_N_ELEMENTS (training_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/rules/training-program/%s", training_cases[i].name);

      ADD (path, &training_cases[i], test_training_program);
    }
#undef ADD

  return g_test_run ();
}
