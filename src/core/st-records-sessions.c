/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Class sessions and their attendance. */
#define G_LOG_DOMAIN "st-records"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-classwork.h"
#include "st-participant.h"
#include "st-records.h"
#include "st-records-private.h"
#include "st-uuid.h"

/* Sessions */

void
st_session_free (StSession *s)
{
  if (s == NULL)
    return;
  g_free (s->id);
  g_free (s->class_id);
  g_free (s->township_code);
  g_free (s->date);
  g_free (s->mode);
  g_free (s->subject);
  g_free (s->trainer);
  g_free (s->place);
  g_free (s);
}

static const char *const modes[] = { "concentrated", "online", "practical", NULL };
static const char *const subjects[] = { "literacy", "mandarin", "civic", "policy", "skill", NULL };

gboolean
st_session_create (StDb       *db,
                   StSession  *s,
                   GError    **error)
{
  g_autoptr(StClass) c = st_class_load (db, s->class_id ? s->class_id : "", error);

  if (c == NULL || !st_records_check_date (s->date, _("Session date"), error))
    return FALSE;
  if (g_strcmp0 (s->date, c->start_date) < 0)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Session date: %s is before the class starts on %s."), s->date, c->start_date);
  if (s->minutes <= 0 || s->minutes > 24 * 60)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Hours: a session lasts more than 0 and at most 24 hours; %d minute is not possible.",
                                "Hours: a session lasts more than 0 and at most 24 hours; %d minutes is not possible.",
                                (gulong) ABS (s->minutes)),
                   s->minutes);
  if (!st_records_one_of (s->mode, modes))
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Mode: “%s” is not concentrated, online or practical."), s->mode ? s->mode : "");
  if (!st_records_one_of (s->subject, subjects))
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Subject: “%s” is not literacy, mandarin, civic, policy or skill."), s->subject ? s->subject : "");
  if (!st_records_check_length ("sessions", "trainer", _("Trainer"), s->trainer, error)
      || !st_records_check_length ("sessions", "place", _("Place"), s->place, error))
    return FALSE;

  if (s->id == NULL)
    s->id = st_uuid_new ();
  g_free (s->township_code);
  s->township_code = g_strdup (c->township_code);
  {
    const Col cols[] = {
      TEXT ("class_id", s->class_id), TEXT ("township_code", s->township_code), TEXT ("date", s->date),
      INT ("minutes", s->minutes), TEXT ("mode", s->mode), TEXT ("subject", s->subject),
      TEXT ("trainer", s->trainer), TEXT ("place", s->place),
    };
    return st_records_upsert (db, ROW_WRITE ("sessions", s->id, cols), _("saving a session"), error);
  }
}

gboolean
st_session_discard_unattended (StDb        *db,
                               const char  *id,
                               gboolean    *discarded,
                               GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "UPDATE sessions SET hlc = ?1, device = ?2, deleted = 1"
                                      " WHERE id = ?3 AND deleted = 0"
                                      " AND NOT EXISTS (SELECT 1 FROM attendance WHERE session_id = ?3 AND deleted = 0)",
                                      error);
  int rc;

  if (discarded != NULL)
    *discarded = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) st_db_next_hlc (db));
  sqlite3_bind_text (stmt, 2, st_db_get_device_id (db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("saving a session"), error);
  if (discarded != NULL)
    *discarded = sqlite3_changes (st_db_get_handle (db)) > 0;
  return TRUE;
}

#define SESSION_COLUMNS "id, class_id, township_code, date, minutes, mode, subject, trainer, place"

static StSession *
session_from_row (sqlite3_stmt *stmt)
{
  StSession *s = g_new0 (StSession, 1);

  s->id = st_db_column_dup (stmt, 0);
  s->class_id = st_db_column_dup (stmt, 1);
  s->township_code = st_db_column_dup (stmt, 2);
  s->date = st_db_column_dup (stmt, 3);
  s->minutes = sqlite3_column_int (stmt, 4);
  s->mode = st_db_column_dup (stmt, 5);
  s->subject = st_db_column_dup (stmt, 6);
  s->trainer = st_db_column_dup (stmt, 7);
  s->place = st_db_column_dup (stmt, 8);
  return s;
}

StSession *
st_session_load (StDb        *db,
                 const char  *id,
                 GError     **error)
{
  return st_records_load (db, "SELECT " SESSION_COLUMNS " FROM sessions WHERE id = ? AND deleted = 0", id,
                          (gpointer (*) (sqlite3_stmt *)) session_from_row,
                          _("There is no session with the key %s."), error);
}

GPtrArray *
st_session_list (StDb        *db,
                 const char  *class_id,
                 GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT " SESSION_COLUMNS " FROM sessions WHERE deleted = 0"
                                          " AND class_id = ? ORDER BY date, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, class_id, -1, SQLITE_STATIC);
  return st_db_read_rows (db, stmt, (gpointer (*) (sqlite3_stmt *)) session_from_row, (GDestroyNotify) st_session_free,
                          _("reading the class sessions"), error);
}

/* Attendance */

/* The participant's enrolment in the class, when they were in study on
 * @date. */
static StEnrolment *
enrolment_on (StDb        *db,
              const char  *participant_id,
              const char  *class_id,
              const char  *date,
              GError     **error)
{
  g_autofree char *id = st_enrolment_id (participant_id, class_id);
  g_autoptr(GError) local = NULL;
  g_autoptr(StEnrolment) e = st_enrolment_load (db, id, &local);
  g_autoptr(StParticipant) p = st_participant_load (db, participant_id, NULL);
  const char *name = p ? p->name : participant_id;

  if (e == NULL && local->domain == ST_DB_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (e == NULL)
    {
      st_records_refuse (error, ST_RECORDS_ERROR_NOT_ENROLLED, _("%s is not enrolled in this class."), name);
      return NULL;
    }
  if (g_strcmp0 (date, e->enrolled_on) < 0)
    {
      st_records_refuse (error, ST_RECORDS_ERROR_NOT_ENROLLED,
              _("%s was enrolled on %s, after %s."), name, e->enrolled_on, date);
      return NULL;
    }
  if (g_strcmp0 (e->state, "withdrawn") == 0 && g_strcmp0 (e->state_date, date) < 0)
    {
      st_records_refuse (error, ST_RECORDS_ERROR_NOT_ENROLLED,
              _("%s withdrew from this class on %s."), name, e->state_date);
      return NULL;
    }
  return g_steal_pointer (&e);
}

/* Minutes already on the participant's record for @date, other than the
 * attendance @except_id. */
gint64
st_records_minutes_on_day (StDb        *db,
                           const char  *participant_id,
                           const char  *date,
                           const char  *except_id,
                           GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT coalesce ((SELECT sum (a.minutes) FROM attendance a JOIN sessions s ON s.id = a.session_id"
                                      "  WHERE a.participant_id = ?1 AND s.date = ?2 AND a.deleted = 0 AND s.deleted = 0"
                                      "  AND a.id IS NOT ?3), 0)"
                                      " + coalesce ((SELECT sum (minutes) FROM study_logs"
                                      "  WHERE participant_id = ?1 AND date = ?2 AND deleted = 0), 0)",
                                      error);
  gint64 n = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, participant_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, date, -1, SQLITE_STATIC);
  st_db_bind_text (stmt, 3, except_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      st_db_set_error (db, rc, _("reading the hours of the day"), error);
      return -1;
    }
  return n;
}

static gboolean
write_attendance (StDb             *db,
                  const StSession  *s,
                  const char       *participant_id,
                  const char       *status,
                  int               minutes,
                  GError          **error)
{
  g_autofree char *id = st_uuid_v5_pair (ST_UUID_NS_ATTENDANCE, s->id, participant_id);
  const Col cols[] = {
    TEXT ("session_id", s->id), TEXT ("participant_id", participant_id),
    TEXT ("township_code", s->township_code), TEXT ("status", status), INT ("minutes", minutes),
  };

  return st_records_upsert (db, ROW_WRITE ("attendance", id, cols), _("saving attendance"), error);
}

gboolean
st_attendance_set (StDb        *db,
                   const char  *session_id,
                   const char  *participant_id,
                   const char  *status,
                   int          minutes,
                   GError     **error)
{
  static const char *const statuses[] = { "present", "absent", "leave", NULL };
  g_autoptr(StSession) s = st_session_load (db, session_id, error);
  g_autoptr(StEnrolment) e = NULL;
  g_autofree char *id = NULL;
  gint64 day;

  if (s == NULL)
    return FALSE;
  if (!st_records_one_of (status, statuses))
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Attendance: “%s” is not present, absent or leave."), status ? status : "");
  e = enrolment_on (db, participant_id, s->class_id, s->date, error);
  if (e == NULL)
    return FALSE;

  if (!g_str_equal (status, "present"))
    minutes = 0;
  else if (minutes < 0)
    minutes = s->minutes;
  if (minutes > s->minutes)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "Hours: %d minute credited is more than the session’s %d.",
                                "Hours: %d minutes credited is more than the session’s %d.", (gulong) ABS (minutes)),
                   minutes, s->minutes);
  if (g_str_equal (status, "present") && minutes == 0)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Hours: someone present is credited more than 0 minutes; mark them absent instead."));

  id = st_uuid_v5_pair (ST_UUID_NS_ATTENDANCE, s->id, participant_id);
  day = st_records_minutes_on_day (db, participant_id, s->date, id, error);
  if (day < 0)
    return FALSE;
  if (day + minutes > 24 * 60)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Hours: this would credit more than 24 hours on %s."), s->date);
  return write_attendance (db, s, participant_id, status, minutes, error);
}

int
st_attendance_fill_present (StDb        *db,
                            const char  *session_id,
                            GError     **error)
{
  g_autoptr(StSession) s = st_session_load (db, session_id, error);
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  int rc;
  Tx tx;

  if (s == NULL)
    return -1;
  /* Who the sheets list as in study on the day (not a person deleted or
   * merged into another), less those already written down. */
  stmt = st_in_study_prepare (db,
                              "SELECT e.participant_id FROM enrolments e JOIN participants p ON p.id = e.participant_id"
                              " WHERE" ST_IN_STUDY_ON_DAY_SQL
                              " AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = ?3"
                              "                 AND a.participant_id = e.participant_id AND a.deleted = 0)",
                              s->class_id, s->date, error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 3, s->id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (missing, st_db_column_dup (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the participants of the class"), error);
      return -1;
    }

  if (!st_records_tx_begin (&tx, db, error))
    return -1;
  for (guint i = 0; ok && i < missing->len; i++)
    ok = write_attendance (db, s, g_ptr_array_index (missing, i), "present", s->minutes, error);
  if (!st_records_tx_end (&tx, ok, error))
    return -1;
  return (int) missing->len;
}
