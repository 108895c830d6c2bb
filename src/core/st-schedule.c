/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-schedule"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-date.h"
#include "st-records.h"
#include "st-schedule.h"

typedef struct
{
  guint32 day;       /* Julian day */
  gint64  minutes;   /* concentrated minutes held that day */
} Day;

/* Concentrated minutes of the class per day, from its start to @as_of. */
static GArray *
load_days (StDb             *db,
           const StClass    *klass,
           const StProgram  *program,
           const char       *as_of,
           GError          **error)
{
  g_autoptr(GArray) days = g_array_new (FALSE, FALSE, sizeof (Day));
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT date, sum (minutes) FROM sessions"
                                      " WHERE class_id = ?1 AND deleted = 0 AND date >= ?2 AND date <= ?3"
                                      " AND (mode = 'concentrated' OR (mode = 'online' AND ?4) OR (mode = 'practical' AND ?5))"
                                      " GROUP BY date ORDER BY date",
                                      error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, klass->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, klass->start_date, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, as_of, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, program->online_sessions_count_as_concentrated);
  sqlite3_bind_int (stmt, 5, program->practical_sessions_count_as_concentrated);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GDate date;
      Day d;

      if (!st_date_parse ((const char *) sqlite3_column_text (stmt, 0), &date))
        continue;
      d.day = g_date_get_julian (&date);
      d.minutes = sqlite3_column_int64 (stmt, 1);
      g_array_append_val (days, d);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the class sessions"), error);
      return NULL;
    }
  return g_steal_pointer (&days);
}

static void
check_monthly (const StProgram  *program,
               const GArray     *days,
               const GDate      *start,
               const GDate      *as_of,
               StScheduleStatus *status)
{
  guint month_index = g_date_get_year (as_of) * 12 + g_date_get_month (as_of) - 1;
  guint first_index = g_date_get_year (start) * 12 + g_date_get_month (start) - 1;
  g_autofree gint64 *per_month = g_new0 (gint64, month_index - first_index + 1);

  for (guint i = 0; i < days->len; i++)
    {
      const Day *d = &g_array_index (days, Day, i);
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_julian (&date, d->day);
      per_month[g_date_get_year (&date) * 12 + g_date_get_month (&date) - 1 - first_index] += d->minutes;
    }
  for (guint m = first_index; m < month_index; m++)
    if (per_month[m - first_index] < program->monthly_meeting_minutes)
      status->months_short++;
  status->month_minutes = per_month[month_index - first_index];
  status->behind = status->month_minutes < program->monthly_meeting_minutes;
}

static void
check_blocks (const StProgram  *program,
              const GArray     *days,
              const GDate      *start,
              const GDate      *as_of,
              StScheduleStatus *status)
{
  GDate year_ago = *as_of;
  guint months;
  gint64 run = 0;
  guint32 last = 0;

  g_date_subtract_years (&year_ago, 1);
  for (guint i = 0; i <= days->len; i++)
    {
      const Day *d = i < days->len ? &g_array_index (days, Day, i) : NULL;

      /* A run ends at a gap of more than a weekend, or at the end. */
      if (run > 0 && (d == NULL || d->day - last > ST_SCHEDULE_BLOCK_GAP_DAYS + 1))
        {
          if (run >= program->block_minutes && last > g_date_get_julian (&year_ago))
            status->blocks_held++;
          run = 0;
        }
      if (d != NULL)
        {
          run += d->minutes;
          last = d->day;
        }
    }
  /* Whole months since the start. */
  months = (g_date_get_year (as_of) - g_date_get_year (start)) * 12 + g_date_get_month (as_of) - g_date_get_month (start);
  if (g_date_get_day (as_of) < g_date_get_day (start) && months > 0)
    months--;
  status->blocks_expected = months >= 12 ? program->blocks_per_year : months * program->blocks_per_year / 12;
  status->behind = status->blocks_held < status->blocks_expected;
}

gboolean
st_class_schedule_status (StDb             *db,
                          const char       *class_id,
                          const char       *as_of,
                          StScheduleStatus *status,
                          GError          **error)
{
  g_autoptr(StClass) klass = st_class_load (db, class_id, error);
  g_autoptr(StProgram) program = NULL;
  g_autoptr(GArray) days = NULL;
  GDate start, date;

  memset (status, 0, sizeof *status);
  if (klass == NULL)
    return FALSE;
  program = st_program_load (db, klass->program_code, error);
  if (program == NULL)
    return FALSE;
  if (program->kind != ST_PROGRAM_DIPLOMA)
    {
      g_set_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID,
                   _("The program “%s” is a training: its classes have no schedule of concentrated teaching."),
                   program->name);
      return FALSE;
    }
  if (!st_date_parse (klass->start_date, &start) || !st_date_parse (as_of, &date))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not a date; write it as 2025-03-01."),
                   as_of ? as_of : "");
      return FALSE;
    }
  status->schedule = st_program_schedule (program, klass->schedule);
  if (g_date_compare (&date, &start) < 0)
    return TRUE;   /* not started: nothing due */
  days = load_days (db, klass, program, as_of, error);
  if (days == NULL)
    return FALSE;
  if (status->schedule == ST_SCHEDULE_BLOCKS)
    check_blocks (program, days, &start, &date, status);
  else
    check_monthly (program, days, &start, &date, status);
  return TRUE;
}

typedef struct
{
  char            *start_date;
  const StProgram *program;
  StSchedule       schedule;
  GArray          *days;     /* Day */
} ClassDays;

static void
class_days_free (ClassDays *c)
{
  g_free (c->start_date);
  g_array_unref (c->days);
  g_free (c);
}

GHashTable *
st_schedule_status_all (StDb        *db,
                        const char  *as_of,
                        GError     **error)
{
  g_autoptr(GHashTable) programs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) st_program_free);
  g_autoptr(GHashTable) classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) class_days_free);
  g_autoptr(GHashTable) result = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;
  GDate date;
  sqlite3_stmt *stmt;
  int rc;

  if (!st_date_parse (as_of, &date))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not a date; write it as 2025-03-01."),
                   as_of ? as_of : "");
      return NULL;
    }
  stmt = st_db_prepare (db,
                        "SELECT c.id, c.program_id, c.schedule, c.start_date FROM classes c WHERE c.deleted = 0"
                        " AND c.start_date <= ?1"
                        " AND EXISTS (SELECT 1 FROM enrolments e WHERE e.class_id = c.id AND e.deleted = 0"
                        "             AND e.state = 'studying')",
                        error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, as_of, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *code = (const char *) sqlite3_column_text (stmt, 1);
      StProgram *program = g_hash_table_lookup (programs, code);
      ClassDays *c;

      if (program == NULL && !g_hash_table_contains (programs, code))
        {
          g_autoptr(GError) local = NULL;

          program = st_program_load (db, code, &local);
          if (program == NULL && local->domain == ST_DB_ERROR)
            {
              sqlite3_reset (stmt);
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
          g_hash_table_insert (programs, g_strdup (code), program);
        }
      if (program == NULL || program->kind != ST_PROGRAM_DIPLOMA)
        continue;
      c = g_new0 (ClassDays, 1);
      c->program = program;
      c->schedule = st_program_schedule (program, (const char *) sqlite3_column_text (stmt, 2));
      c->start_date = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      c->days = g_array_new (FALSE, FALSE, sizeof (Day));
      g_hash_table_insert (classes, g_strdup ((const char *) sqlite3_column_text (stmt, 0)), c);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the classes"), error);
      return NULL;
    }

  /* Every session up to the date, by class and day, in one pass. */
  stmt = st_db_prepare (db,
                        "SELECT class_id, date, mode, sum (minutes) FROM sessions WHERE deleted = 0 AND date <= ?1"
                        " GROUP BY class_id, date, mode ORDER BY class_id, date",
                        error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, as_of, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ClassDays *c = g_hash_table_lookup (classes, sqlite3_column_text (stmt, 0));
      const char *day = (const char *) sqlite3_column_text (stmt, 1);
      const char *mode = (const char *) sqlite3_column_text (stmt, 2);
      GDate d;
      Day entry;

      if (c == NULL || strcmp (day, c->start_date) < 0 || !st_date_parse (day, &d))
        continue;
      if (!(g_str_equal (mode, "concentrated")
            || (g_str_equal (mode, "online") && c->program->online_sessions_count_as_concentrated)
            || (g_str_equal (mode, "practical") && c->program->practical_sessions_count_as_concentrated)))
        continue;
      entry.day = g_date_get_julian (&d);
      entry.minutes = sqlite3_column_int64 (stmt, 3);
      /* Modes of one day come together: one entry a day. */
      if (c->days->len > 0 && g_array_index (c->days, Day, c->days->len - 1).day == entry.day)
        g_array_index (c->days, Day, c->days->len - 1).minutes += entry.minutes;
      else
        g_array_append_val (c->days, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the class sessions"), error);
      return NULL;
    }

  g_hash_table_iter_init (&iter, classes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      ClassDays *c = value;
      StScheduleStatus *status = g_new0 (StScheduleStatus, 1);
      GDate start;

      status->schedule = c->schedule;
      if (st_date_parse (c->start_date, &start))
        {
          if (c->schedule == ST_SCHEDULE_BLOCKS)
            check_blocks (c->program, c->days, &start, &date, status);
          else
            check_monthly (c->program, c->days, &start, &date, status);
        }
      g_hash_table_insert (result, g_strdup (key), status);
    }
  return g_steal_pointer (&result);
}

char *
st_schedule_status_describe (const StProgram        *program,
                             const StScheduleStatus *status)
{
  if (status->schedule == ST_SCHEDULE_BLOCKS)
    /* Translators: "1 of 2 blocks held in the last 12 months" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u block held in the last 12 months",
                                         "%u of %u blocks held in the last 12 months", status->blocks_expected),
                            status->blocks_held, status->blocks_expected);
  {
    g_autofree char *held = g_strdup_printf ("%" G_GINT64_FORMAT, status->month_minutes / 60);
    g_autofree char *due = g_strdup_printf ("%" G_GINT64_FORMAT, program->monthly_meeting_minutes / 60);
    /* Translators: "8 of 8 hours this month" */
    g_autofree char *month = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s hour this month",
                                                           "%s of %s hours this month",
                                                           (gulong) (program->monthly_meeting_minutes / 60)),
                                              held, due);

    if (status->months_short == 0)
      return g_steal_pointer (&month);
    /* Translators: "<8 of 8 hours this month>; 2 months short before" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s; %u month short before", "%s; %u months short before",
                                         status->months_short),
                            month, status->months_short);
  }
}
