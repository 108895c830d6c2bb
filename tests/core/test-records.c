/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Training records as a trainer and a county clerk use them: what is
 * refused is refused with its reason and nothing written; certificates are
 * numbered once; exports hold what the agencies need. */
#include "config.h"

#include "st-certificate.h"
#include "st-eligibility.h"
#include "st-export.h"
#include "st-participant.h"
#include "st-records.h"
#include "test-util.h"

typedef struct
{
  StDb *db;
  char *klass;
  char *p[3];          /* 王秀英 (senior), 黄明 (junior), 陆国强 (senior, not enrolled) */
  char *e[2];
} Fixture;

static char *
add_person (StDb *db, const char *id_number, const char *name, const char *education)
{
  g_autoptr(StParticipant) p = st_participant_new ();
  g_autoptr(GError) error = NULL;

  p->id_number = g_strdup (id_number);
  p->name = g_strdup (name);
  p->township_code = g_strdup ("522327104000");
  p->village_code = g_strdup ("522327104001");
  p->education = g_strdup (education);
  p->ethnicity = g_strdup ("布依族");
  g_assert_true (st_participant_insert (db, p, &error));
  g_assert_no_error (error);
  return g_strdup (p->id);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *path = st_test_file ("records.db");
  g_autoptr(StClass) c = st_class_new ();
  g_autoptr(GError) error = NULL;

  f->db = st_db_open (path, &error);
  g_assert_no_error (error);
  f->p[0] = add_person (f->db, "522327198503120028", "王秀英", "senior");
  f->p[1] = add_person (f->db, "52232719920704001X", "黄明", "junior");
  f->p[2] = add_person (f->db, "522327197801010033", "陆国强", "senior");

  c->name = g_strdup ("巧马镇2024级种植班");
  c->program_code = g_strdup ("secondary-vocational");
  c->major = g_strdup ("种植");
  c->township_code = g_strdup ("522327104000");
  c->teaching_point = g_strdup ("巧马社区新时代农民讲习所");
  c->start_date = g_strdup ("2024-03-01");
  c->trainers = g_strsplit ("韦老师,岑老师", ",", -1);
  g_assert_true (st_class_create (f->db, c, &error));
  g_assert_no_error (error);
  f->klass = g_strdup (c->id);

  for (int i = 0; i < 2; i++)
    {
      f->e[i] = st_enrol (f->db, f->p[i], f->klass, NULL, 0, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->db);
  for (int i = 0; i < 3; i++)
    g_free (f->p[i]);
  for (int i = 0; i < 2; i++)
    g_free (f->e[i]);
  g_free (f->klass);
}

static char *
new_session (Fixture *f, const char *date, int minutes, GError **error)
{
  g_autoptr(StSession) s = g_new0 (StSession, 1);

  s->class_id = g_strdup (f->klass);
  s->date = g_strdup (date);
  s->minutes = minutes;
  s->mode = g_strdup ("concentrated");
  s->subject = g_strdup ("skill");
  s->trainer = g_strdup ("韦老师");
  if (!st_session_create (f->db, s, error))
    return NULL;
  return g_strdup (s->id);
}

static void
test_class_and_enrolment (Fixture *f, gconstpointer data)
{
  g_autoptr(StClass) c = NULL;
  g_autoptr(StEnrolment) e = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *again = NULL;

  c = st_class_load (f->db, f->klass, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->trainers[1], ==, "岑老师");
  g_assert_null (c->trainers[2]);

  /* Study length from prior education (annex 6 §(五)5). */
  e = st_enrolment_load (f->db, f->e[1], &error);
  g_assert_cmpuint (e->study_years, ==, 3);
  g_assert_cmpstr (e->enrolled_on, ==, "2024-03-01");
  g_assert_cmpstr (e->state, ==, "studying");

  /* The key is (participant, class): enrolling twice makes one enrolment,
   * and writes nothing when nothing changed. */
  {
    gint64 before = st_test_query_int (f->db, "SELECT count(*) FROM outbox");

    again = st_enrol (f->db, f->p[1], f->klass, NULL, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (again, ==, f->e[1]);
    g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM enrolments"), ==, 2);
    g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, before);
  }

  /* A class with an unknown major or program is refused. */
  {
    g_autoptr(StClass) bad = st_class_new ();

    bad->name = g_strdup ("x");
    bad->program_code = g_strdup ("secondary-vocational");
    bad->major = g_strdup ("航天");
    bad->township_code = g_strdup ("522327104000");
    bad->start_date = g_strdup ("2024-03-01");
    g_assert_false (st_class_create (f->db, bad, &error));
    g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "航天"));
  }
}

static void
test_bad_sessions (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *s = NULL;

  s = new_session (f, "2024-02-28", 480, &error);
  g_assert_null (s);
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "before the class starts on 2024-03-01"));
  g_clear_error (&error);

  s = new_session (f, "2024-03-05", 0, &error);
  g_assert_null (s);
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID);
  g_clear_error (&error);
  s = new_session (f, "2024-03-05", 24 * 60 + 1, &error);
  g_assert_null (s);
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID);
  g_clear_error (&error);
  s = new_session (f, "2024-02-30", 480, &error);
  g_assert_null (s);
  g_assert_nonnull (strstr (error->message, "2024-02-30"));
  g_clear_error (&error);

  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM sessions"), ==, 0);
}

static void
test_attendance (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *s = new_session (f, "2024-03-10", 480, &error);

  g_assert_no_error (error);

  /* Everyone enrolled is present by default. */
  g_assert_cmpint (st_attendance_fill_present (f->db, s, &error), ==, 2);
  g_assert_cmpint (st_attendance_fill_present (f->db, s, &error), ==, 0);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT sum (minutes) FROM attendance"), ==, 960);

  /* One left early, one was absent. */
  g_assert_true (st_attendance_set (f->db, s, f->p[0], "present", 240, &error));
  g_assert_true (st_attendance_set (f->db, s, f->p[1], "absent", 480, &error));
  g_assert_no_error (error);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM attendance"), ==, 2);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT sum (minutes) FROM attendance"), ==, 240);

  /* Someone not enrolled: refused, nothing written. */
  g_assert_false (st_attendance_set (f->db, s, f->p[2], "present", -1, &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_NOT_ENROLLED);
  g_assert_nonnull (strstr (error->message, "陆国强"));
  g_clear_error (&error);
  /* More than the session lasted. */
  g_assert_false (st_attendance_set (f->db, s, f->p[0], "present", 500, &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM attendance"), ==, 2);

  /* Withdrawn before the session: no attendance. */
  {
    g_autofree char *later = new_session (f, "2024-05-10", 480, &error);

    g_assert_true (st_withdraw (f->db, f->e[1], "2024-04-01", "外出务工", &error));
    g_assert_cmpint (st_attendance_fill_present (f->db, later, &error), ==, 1);
    g_assert_false (st_attendance_set (f->db, later, f->p[1], "present", -1, &error));
    g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_NOT_ENROLLED);
    g_assert_nonnull (strstr (error->message, "withdrew"));
    g_clear_error (&error);
  }

  /* A person deleted (their enrolment left as it was) is no longer on the
   * sheet, and "all present" does not mark them. */
  {
    g_autofree char *third = new_session (f, "2024-05-17", 480, &error);

    g_assert_no_error (error);
    g_assert_true (st_participant_set_deleted (f->db, f->p[0], TRUE, &error));
    g_assert_no_error (error);
    g_assert_cmpint (st_attendance_fill_present (f->db, third, &error), ==, 0);
    g_assert_no_error (error);
    g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM attendance a JOIN sessions s ON s.id = a.session_id"
                                               " WHERE s.date = '2024-05-17'"), ==, 0);
  }
}

static void
test_study_logs (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *except[] = { NULL, NULL };
  int n;

  /* "Everyone: 20 self-study hours in March, except this one." */
  except[0] = f->p[1];
  n = st_study_log_add_for_class (f->db, f->klass,
                                  &(StStudyHours) { "2024-03-31", 1200, "self", "三月自学" }, except, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM study_logs"), ==, 1);

  /* More than 24 hours in a day is refused, nothing written. */
  g_assert_false (st_study_log_add (f->db, f->p[0], NULL,
                                    &(StStudyHours) { "2024-03-31", 300, "online", NULL }, &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "24 hours"));
  g_clear_error (&error);
  g_assert_false (st_study_log_add (f->db, f->p[0], NULL,
                                    &(StStudyHours) { "2024-04-01", 0, "online", NULL }, &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (st_study_log_add (f->db, f->p[0], NULL, &(StStudyHours) { "2024-04-01", 60, "tv", NULL }, &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM study_logs"), ==, 1);
}

/* Graduates everyone can, with a county clerk's approval. */
static void
complete_enrolment (Fixture *f, const char *enrolment, const char *participant)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;

  for (int i = 0; i < 12; i++)
    {
      g_autofree char *date = g_strdup_printf ("2024-%02d-%02d", 3 + (i % 10), 25 - i);
      g_autofree char *day = g_strdup_printf ("2024-%02d-%02d", 3 + (i % 10), 6 + i);
      g_autoptr(StSession) s = g_new0 (StSession, 1);

      s->class_id = g_strdup (f->klass);
      s->date = g_strdup (day);
      s->minutes = 480;
      s->mode = g_strdup ("concentrated");
      s->subject = g_strdup ("skill");
      g_assert_true (st_session_create (f->db, s, &error));
      g_assert_true (st_attendance_set (f->db, s->id, participant, "present", -1, &error));
      g_assert_true (st_study_log_add (f->db, participant, NULL,
                                       &(StStudyHours) { date, 900, "self", NULL }, &error));
      g_assert_true (st_study_log_add (f->db, participant, NULL,
                                       &(StStudyHours) { day, 900, "online", NULL }, &error));
      g_assert_no_error (error);
    }
  a = st_assignment_add (f->db, enrolment, "嫁接", "2024-06-01", &error);
  g_assert_true (st_assessment_record (f->db, enrolment, "culture", "pass", "2024-12-01", NULL, &error));
  g_assert_true (st_assessment_record (f->db, enrolment, "skill", "pass", "2024-12-01", NULL, &error));
  g_assert_true (st_assessment_record (f->db, enrolment, "moral", "pass", "2024-12-01", NULL, &error));
  g_assert_true (st_record_internship (f->db, enrolment, "2024-10-01", &error));
  g_assert_no_error (error);
}

static GDate *
day (int y, int m, int d)
{
  GDate *g = g_date_new_dmy (d, m, y);

  g_test_queue_destroy ((GDestroyNotify) g_date_free, g);
  return g;
}

static void
test_approve (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) issued = NULL;
  const char *both[] = { f->e[0], f->e[1], NULL };
  const char *first[] = { f->e[0], NULL };
  StCertificate *c;

  complete_enrolment (f, f->e[0], f->p[0]);

  /* 黄明 is not eligible: nothing at all is approved, and the message says
   * who and why. */
  issued = st_certificates_approve (f->db, both, day (2025, 3, 1), &error);
  g_assert_null (issued);
  g_assert_error (error, ST_CERTIFICATE_ERROR, ST_CERTIFICATE_ERROR_NOT_ELIGIBLE);
  g_assert_nonnull (strstr (error->message, "黄明: "));
  g_assert_nonnull (strstr (error->message, "concentrated teaching hours short"));
  g_assert_null (strstr (error->message, "王秀英"));
  g_clear_error (&error);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM certificates"), ==, 0);

  issued = st_certificates_approve (f->db, first, day (2025, 3, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (issued->len, ==, 1);
  c = g_ptr_array_index (issued, 0);
  g_assert_cmpstr (c->kind, ==, "graduation");
  g_assert_cmpstr (c->number, ==, "5223272025B0001");
  g_assert_cmpstr (st_test_query_text (f->db, "SELECT state || ' ' || state_date FROM enrolments WHERE id IN"
                                              " (SELECT enrolment_id FROM certificates)"), ==, "graduated 2025-03-01");
  g_clear_pointer (&issued, g_ptr_array_unref);

  /* Approving again: refused. */
  issued = st_certificates_approve (f->db, first, day (2025, 3, 2), &error);
  g_assert_null (issued);
  g_assert_nonnull (strstr (error->message, "already has a certificate"));
  g_clear_error (&error);

  /* Revoked: the number is never given again. */
  g_assert_true (st_certificate_revoke (f->db, "5223272025B0001", "2025-03-05", "信息有误", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (st_test_query_text (f->db, "SELECT state FROM enrolments WHERE id IN"
                                              " (SELECT enrolment_id FROM certificates)"), ==, "studying");
  issued = st_certificates_approve (f->db, first, day (2025, 3, 6), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((StCertificate *) g_ptr_array_index (issued, 0))->number, ==, "5223272025B0002");
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM certificates"), ==, 2);
  g_assert_cmpstr (st_test_query_text (f->db, "SELECT revoke_reason FROM certificates WHERE number = '5223272025B0001'"), ==, "信息有误");
  g_clear_pointer (&issued, g_ptr_array_unref);

  /* 黄明 withdraws: a factual study record. */
  g_assert_true (st_withdraw (f->db, f->e[1], "2025-04-01", "外出务工", &error));
  {
    const char *second[] = { f->e[1], NULL };

    issued = st_certificates_approve (f->db, second, day (2025, 4, 2), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (((StCertificate *) g_ptr_array_index (issued, 0))->kind, ==, "study_record");
    g_assert_cmpstr (((StCertificate *) g_ptr_array_index (issued, 0))->number, ==, "5223272025X0001");
  }
}

static void
test_pattern (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = st_certificate_format_number ("册亨{year}-{seq:5}", "522327", 2025, "completion", 42, &error);
  g_autofree char *b = NULL;

  g_assert_cmpstr (a, ==, "册亨2025-00042");
  b = st_certificate_format_number ("{county}{year}", "522327", 2025, "graduation", 1, &error);
  g_assert_null (b);
  g_assert_error (error, ST_CERTIFICATE_ERROR, ST_CERTIFICATE_ERROR_PATTERN);
}

static void
test_exports (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) issued = NULL;
  g_autofree char *hh = st_test_file ("household.csv");
  g_autofree char *en = st_test_file ("enrolments.csv");
  g_autofree char *contents = NULL;
  g_autofree char *utf8 = NULL;
  const char *first[] = { f->e[0], NULL };
  gsize len;

  complete_enrolment (f, f->e[0], f->p[0]);
  issued = st_certificates_approve (f->db, first, day (2025, 3, 1), &error);
  g_assert_no_error (error);

  /* 陆国强 passes a short training: its certificate (of kind graduation,
   * "培训合格证明") changes no education level and is not exported
   * (annex 6 §(七)3 is about diploma graduates). */
  {
    g_autoptr(StClass) c = st_class_new ();
    g_autoptr(StSession) s = g_new0 (StSession, 1);
    g_autoptr(GPtrArray) trained = NULL;
    g_autofree char *enrolment = NULL;
    const char *ids[2] = { NULL, NULL };

    c->name = g_strdup ("巧马镇电商培训班");
    c->program_code = g_strdup ("short-training");
    c->major = g_strdup ("电子商务");
    c->township_code = g_strdup ("522327104000");
    c->start_date = g_strdup ("2025-01-06");
    g_assert_true (st_class_create (f->db, c, &error));
    enrolment = st_enrol (f->db, f->p[2], c->id, NULL, 0, &error);
    g_assert_no_error (error);
    s->class_id = g_strdup (c->id);
    s->date = g_strdup ("2025-01-06");
    s->minutes = 40 * 60 / 2;
    s->mode = g_strdup ("concentrated");
    s->subject = g_strdup ("skill");
    g_assert_true (st_session_create (f->db, s, &error));
    g_assert_cmpint (st_attendance_fill_present (f->db, s->id, &error), ==, 1);
    g_clear_pointer (&s->id, g_free);
    g_free (s->date);
    s->date = g_strdup ("2025-01-07");
    g_assert_true (st_session_create (f->db, s, &error));
    g_assert_cmpint (st_attendance_fill_present (f->db, s->id, &error), ==, 1);
    ids[0] = enrolment;
    trained = st_certificates_approve (f->db, ids, day (2025, 1, 8), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (trained->len, ==, 1);
    g_assert_cmpstr (((StCertificate *) g_ptr_array_index (trained, 0))->kind, ==, "graduation");
  }

  g_assert_cmpint (st_export_household_registration (f->db, hh, ST_CSV_ENCODING_UTF8_BOM, NULL, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (hh, &contents, &len, NULL));
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBF"));
  g_assert_cmpstr (contents + 3, ==,
                   "姓名,身份证号码,新文化程度,毕业证书编号,毕业日期,乡镇（街道）,村（居）\r\n"
                   "王秀英,522327198503120028,中等职业教育（中专）,5223272025B0001,2025-03-01,巧马,巧马社区\r\n");
  g_clear_pointer (&contents, g_free);

  g_assert_cmpint (st_export_enrolments (f->db, en, ST_CSV_ENCODING_GB18030, NULL, &error), ==, 3);
  g_assert_true (g_file_get_contents (en, &contents, &len, NULL));
  utf8 = g_convert (contents, len, "UTF-8", "GB18030", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (utf8, "黄明,男,布依族,52232719920704001X,1992-07-04,巧马,巧马社区,,初中,中职非全日制学历教育,种植,巧马镇2024级种植班,巧马社区新时代农民讲习所,2024-03-01,3,在读,\r\n"));
  g_assert_nonnull (strstr (utf8, "王秀英,女,布依族,522327198503120028,1985-03-12,巧马,巧马社区,,高中及以上,中职非全日制学历教育,种植,巧马镇2024级种植班,巧马社区新时代农民讲习所,2024-03-01,1,毕业,2025-03-01\r\n"));
}

static void
test_audited (Fixture *f, gconstpointer data)
{
  /* Every record written through the API is in the audit log and outbox. */
  g_autoptr(GError) error = NULL;
  g_autofree char *s = new_session (f, "2024-03-10", 480, &error);

  st_attendance_fill_present (f->db, s, &error);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM audit_log WHERE tbl = 'classes'"), ==, 1);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM audit_log WHERE tbl = 'enrolments'"), ==, 2);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM audit_log WHERE tbl = 'sessions'"), ==, 1);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM audit_log WHERE tbl = 'attendance'"), ==, 2);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM outbox"), ==,
                   st_test_query_int (f->db, "SELECT count (*) FROM audit_log"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/records/certificate-pattern", test_pattern);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/core/records/class-and-enrolment", test_class_and_enrolment);
  ADD ("/core/records/bad-sessions", test_bad_sessions);
  ADD ("/core/records/attendance", test_attendance);
  ADD ("/core/records/study-logs", test_study_logs);
  ADD ("/core/records/approve", test_approve);
  ADD ("/core/records/exports", test_exports);
  ADD ("/core/records/audited", test_audited);
#undef ADD

  return g_test_run ();
}
