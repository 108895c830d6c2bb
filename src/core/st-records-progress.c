/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A learner's progress besides the sessions: study logs, assignments,
 * assessments, exemptions and credits. */
#define G_LOG_DOMAIN "st-records"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-participant.h"
#include "st-records.h"
#include "st-records-private.h"
#include "st-uuid.h"

/* Study logs */

static gboolean
write_study_log (StDb               *db,
                 const char         *participant_id,
                 const char         *enrolment_id,
                 const char         *township_code,
                 const StStudyHours *hours,
                 GError            **error)
{
  g_autofree char *id = st_uuid_new ();
  const Col cols[] = {
    TEXT ("participant_id", participant_id), TEXT ("enrolment_id", enrolment_id),
    TEXT ("township_code", township_code), TEXT ("date", hours->date), INT ("minutes", hours->minutes),
    TEXT ("kind", hours->kind), TEXT ("source", hours->source),
  };

  return st_records_upsert (db, ROW_WRITE ("study_logs", id, cols), _("saving study hours"), error);
}

static gboolean
check_study_log (const StStudyHours  *hours,
                 GError             **error)
{
  static const char *const kinds[] = { "self", "online", NULL };
  const char *date = hours->date, *kind = hours->kind;
  int minutes = hours->minutes;

  if (!st_records_check_date (date, _("Date"), error))
    return FALSE;
  if (minutes <= 0 || minutes > 24 * 60)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Hours: study hours on one day are more than 0 and at most 24; %d minute is not possible.",
                                "Hours: study hours on one day are more than 0 and at most 24; %d minutes is not possible.",
                                (gulong) ABS (minutes)),
                   minutes);
  if (!st_records_one_of (kind, kinds))
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Kind: “%s” is not self (self-study) or online."), kind ? kind : "");
  return st_records_check_length ("study_logs", "source", _("Source"), hours->source, error);
}

gboolean
st_study_log_add (StDb               *db,
                  const char         *participant_id,
                  const char         *enrolment_id,
                  const StStudyHours *hours,
                  GError            **error)
{
  g_autoptr(StParticipant) p = st_participant_load (db, participant_id, error);
  gint64 day;

  if (p == NULL || !check_study_log (hours, error))
    return FALSE;
  if (enrolment_id != NULL)
    {
      g_autoptr(StEnrolment) e = st_enrolment_load (db, enrolment_id, error);

      if (e == NULL)
        return FALSE;
      if (!g_str_equal (e->participant_id, participant_id))
        return st_records_refuse (error, ST_RECORDS_ERROR_NOT_ENROLLED,
                       _("The enrolment %s is not %s’s."), enrolment_id, p->name);
    }
  day = st_records_minutes_on_day (db, participant_id, hours->date, NULL, error);
  if (day < 0)
    return FALSE;
  if (day + hours->minutes > 24 * 60)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Hours: this would credit %s with more than 24 hours on %s."), p->name, hours->date);
  return write_study_log (db, participant_id, enrolment_id, p->township_code, hours, error);
}

int
st_study_log_add_for_class (StDb               *db,
                            const char         *class_id,
                            const StStudyHours *hours,
                            const char *const  *except,
                            GError            **error)
{
  const char *date = hours->date;
  g_autoptr(StClass) c = st_class_load (db, class_id, error);
  g_autoptr(GPtrArray) enrolments = NULL;
  gboolean ok = TRUE;
  int written = 0;
  gint64 day;
  Tx tx;

  if (c == NULL || !check_study_log (hours, error))
    return -1;
  enrolments = st_enrolment_list (db, class_id, NULL, error);
  if (enrolments == NULL || !st_records_tx_begin (&tx, db, error))
    return -1;
  for (guint i = 0; ok && i < enrolments->len; i++)
    {
      StEnrolment *e = g_ptr_array_index (enrolments, i);

      if (except != NULL && g_strv_contains (except, e->participant_id))
        continue;
      if (g_strcmp0 (e->enrolled_on, date) > 0
          || (!g_str_equal (e->state, "studying") && g_strcmp0 (e->state_date, date) < 0))
        continue;
      day = st_records_minutes_on_day (db, e->participant_id, date, NULL, error);
      if (day < 0)
        {
          ok = FALSE;
          break;
        }
      if (day + hours->minutes > 24 * 60)
        {
          g_autoptr(StParticipant) p = st_participant_load (db, e->participant_id, NULL);

          ok = st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                       _("Hours: this would credit %s with more than 24 hours on %s; nothing was saved."),
                       p ? p->name : e->participant_id, date);
          break;
        }
      ok = write_study_log (db, e->participant_id, e->id, e->township_code, hours, error);
      written++;
    }
  if (!st_records_tx_end (&tx, ok, error))
    return -1;
  return written;
}

/* Assignments, assessments, exemptions */

char *
st_assignment_add (StDb        *db,
                   const char  *enrolment_id,
                   const char  *title,
                   const char  *done_on,
                   GError     **error)
{
  g_autoptr(StEnrolment) e = st_enrolment_load (db, enrolment_id, error);
  g_autofree char *id = NULL;
  g_autofree char *t = g_strstrip (g_strdup (title ? title : ""));

  if (e == NULL)
    return NULL;
  if (*t == '\0')
    {
      st_records_refuse (error, ST_RECORDS_ERROR_INVALID, _("Assignment: give it a title."));
      return NULL;
    }
  if (!st_records_check_length ("assignments", "title", _("Title"), t, error))
    return NULL;
  if (done_on != NULL && !st_records_check_date (done_on, _("Done on"), error))
    return NULL;
  id = st_uuid_new ();
  {
    const Col cols[] = {
      TEXT ("enrolment_id", enrolment_id), TEXT ("township_code", e->township_code), TEXT ("title", t),
      INT ("done", done_on != NULL), TEXT ("done_on", done_on),
    };
    if (!st_records_upsert (db, ROW_WRITE ("assignments", id, cols), _("saving an assignment"), error))
      return NULL;
  }
  return g_steal_pointer (&id);
}

gboolean
st_assignment_set_done (StDb        *db,
                        const char  *assignment_id,
                        const char  *done_on,
                        GError     **error)
{
  if (done_on != NULL && !st_records_check_date (done_on, _("Done on"), error))
    return FALSE;
  {
    const Col cols[] = { INT ("done", done_on != NULL), TEXT ("done_on", done_on) };
    return st_records_update (db, ROW_WRITE ("assignments", assignment_id, cols), _("saving an assignment"), error);
  }
}

gboolean
st_assessment_record (StDb        *db,
                      const char  *enrolment_id,
                      const char  *kind,
                      const char  *result,
                      const char  *date,
                      const char  *assessor,
                      GError     **error)
{
  static const char *const kinds[] = { "culture", "skill", "moral", NULL };
  static const char *const results[] = { "pass", "fail", NULL };
  g_autoptr(StEnrolment) e = st_enrolment_load (db, enrolment_id, error);
  g_autoptr(StClass) c = NULL;
  g_autoptr(StProgram) program = NULL;
  g_autofree char *id = NULL;

  if (e == NULL)
    return FALSE;
  if (!st_records_one_of (kind, kinds))
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Assessment: “%s” is not culture, skill or moral."), kind ? kind : "");
  if (!st_records_one_of (result, results))
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Result: “%s” is not pass or fail."), result ? result : "");
  if (!st_records_check_length ("assessments", "assessor", _("Assessor"), assessor, error))
    return FALSE;
  if (!st_records_check_date (date, _("Assessment date"), error))
    return FALSE;
  if (g_strcmp0 (date, e->enrolled_on) < 0)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Assessment date: %s is before the enrolment on %s."), date, e->enrolled_on);
  c = st_class_load (db, e->class_id, error);
  if (c == NULL || (program = st_program_load (db, c->program_code, error)) == NULL)
    return FALSE;

  /* Annex 6 §(五)4: without the practical assignments done, no assessment. */
  if (program->assignments_before_assessment)
    {
      sqlite3_stmt *stmt = st_db_prepare (db,
                                          "SELECT count (*), coalesce (sum (done = 1 AND done_on <= ?2), 0)"
                                          " FROM assignments WHERE enrolment_id = ?1 AND deleted = 0",
                                          error);
      gint64 total, done;
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, enrolment_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, date, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      total = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
      done = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 1) : 0;
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        return st_db_set_error (db, rc, _("reading the assignments"), error);
      if (done < total || done < program->min_assignments)
        return st_records_refuse (error, ST_RECORDS_ERROR_RULE,
                       _("The practical assignments are not done (%lld of %lld, at least %u needed): without them there is no assessment."),
                       (long long) done, (long long) MAX (total, (gint64) program->min_assignments), program->min_assignments);
    }

  id = st_uuid_new ();
  {
    const Col cols[] = {
      TEXT ("enrolment_id", enrolment_id), TEXT ("township_code", e->township_code), TEXT ("kind", kind),
      TEXT ("result", result), TEXT ("date", date), TEXT ("assessor", assessor),
    };
    return st_records_upsert (db, ROW_WRITE ("assessments", id, cols), _("saving an assessment"), error);
  }
}

gboolean
st_exemption_add (StDb                   *db,
                  const char             *enrolment_id,
                  const StExemptionEntry *entry,
                  GError                **error)
{
  static const char *const kinds[] = { "exemption", "credit", "internship_waiver", NULL };
  const char *kind = entry->kind, *target = entry->target, *credit_basis = entry->credit_basis;
  int credits = entry->credits;
  g_autoptr(StEnrolment) e = st_enrolment_load (db, enrolment_id, error);
  g_autoptr(StClass) c = NULL;
  g_autoptr(StProgram) program = NULL;
  g_autofree char *why = g_strstrip (g_strdup (entry->basis ? entry->basis : ""));
  g_autofree char *id = NULL;

  if (e == NULL)
    return FALSE;
  c = st_class_load (db, e->class_id, error);
  if (c == NULL || (program = st_program_load (db, c->program_code, error)) == NULL)
    return FALSE;
  if (!st_records_one_of (kind, kinds))
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Kind: “%s” is not exemption, credit or internship_waiver."), kind ? kind : "");
  if (*why == '\0')
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Basis: name the certificate, award or work record it rests on."));
  if (!st_records_check_length ("exemptions", "basis", _("Basis"), why, error))
    return FALSE;
  if (!st_records_check_date (entry->date, _("Date"), error))
    return FALSE;

  if (g_str_equal (kind, "exemption"))
    {
      StAssessmentKind k = st_assessment_kind_from_code (target);

      if (k == 0 || !(program->exemptions_allowed & k))
        return st_records_refuse (error, ST_RECORDS_ERROR_RULE,
                       _("Exemption: the program allows no exemption from “%s”."), target ? target : "");
      /* An exemption rests on a qualification certificate (§(六)2). */
      credit_basis = "certificate";
    }
  else if (g_str_equal (kind, "credit"))
    {
      if (credit_basis == NULL)
        return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                       _("Credits: say what they rest on: certificate, award or innovation."));
      if (credits <= 0)
        return st_records_refuse (error, ST_RECORDS_ERROR_INVALID, _("Credits: give how many (more than 0)."));
      target = NULL;
    }
  else
    {
      if (!program->internship_required)
        return st_records_refuse (error, ST_RECORDS_ERROR_RULE, _("This program has no internship to waive."));
      if (credits < (int) program->internship_waiver_years)
        return st_records_refuse (error, ST_RECORDS_ERROR_RULE,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "Internship waiver: %d year of related work is less than the %u the program asks (annex 6 §(六)4).",
                                    "Internship waiver: %d years of related work is less than the %u the program asks (annex 6 §(六)4).",
                                    (gulong) ABS (credits)),
                       credits, program->internship_waiver_years);
      target = NULL;
      credit_basis = NULL;
    }

  if (credit_basis != NULL && st_credit_basis_to_display (credit_basis) == NULL)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Credits: “%s” is not certificate, award or innovation."), credit_basis);
  if (credits > 1000 && !g_str_equal (kind, "internship_waiver"))
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID, _("Credits: at most 1000."));

  id = st_uuid_new ();
  {
    const Col cols[] = {
      TEXT ("enrolment_id", enrolment_id), TEXT ("township_code", e->township_code), TEXT ("kind", kind),
      TEXT ("target", target), TEXT ("basis", why), INT ("credits", MAX (credits, 0)), TEXT ("date", entry->date),
      TEXT ("credit_basis", credit_basis),
    };
    return st_records_upsert (db, ROW_WRITE ("exemptions", id, cols), _("saving an exemption"), error);
  }
}

char *
st_credits_describe (StDb        *db,
                     const char  *enrolment_id,
                     const char  *as_of,
                     GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT credit_basis, basis, credits FROM exemptions"
                                      " WHERE enrolment_id = ?1 AND deleted = 0 AND credits > 0"
                                      " AND (kind = 'credit' OR kind = 'exemption') AND (?2 IS NULL OR date <= ?2)"
                                      " ORDER BY date, hlc",
                                      error);
  g_autoptr(GString) parts = g_string_new (NULL);
  guint total = 0;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, enrolment_id, -1, SQLITE_TRANSIENT);
  st_db_bind_text (stmt, 2, as_of);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *kind = st_credit_basis_to_display ((const char *) sqlite3_column_text (stmt, 0));
      int n = sqlite3_column_int (stmt, 2);

      if (parts->len > 0)
        /* Translators: separates the credits of one person */
        g_string_append (parts, _(", "));
      /* Translators: "Competition award 2 (县技能大赛二等奖)" */
      g_string_append_printf (parts, _("%s %d (%s)"), kind ? kind : _("Credits"), n,
                              (const char *) sqlite3_column_text (stmt, 1));
      total += (guint) MAX (0, n);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the credits"), error);
      return NULL;
    }
  if (total == 0)
    return NULL;
  /* Translators: "4 credits: <the list>" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u credit: %s", "%u credits: %s", total), total, parts->str);
}

const char *
st_credit_basis_to_display (const char *code)
{
  if (g_strcmp0 (code, "certificate") == 0)
    /* Translators: what credits rest on (annex 6 §(六)2: 职业资格证书、技能等级证书) */
    return _("Qualification certificate");
  if (g_strcmp0 (code, "award") == 0)
    /* Translators: annex 6 §(六)3: 参加各级各类竞赛并获得奖励 */
    return _("Competition award");
  if (g_strcmp0 (code, "innovation") == 0)
    /* Translators: annex 6 §(六)3: 发明创造、技术创新 */
    return _("Innovation at work");
  return NULL;
}
