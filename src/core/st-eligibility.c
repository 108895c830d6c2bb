/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-eligibility"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "st-eligibility.h"

/* An enrolment being evaluated, with what the rules need that the result
 * does not show. */
typedef struct
{
  StEligibility    *e;
  const StProgram  *program;
  char             *state;
  char             *state_date;
  char             *early_request;
  char             *internship_done;
  /* What is dated on or before it counts: the date evaluated, or the end
   * of the study length if earlier (annex 6 §(七)1(2), §(七)2). */
  char              cutoff[11];
  gboolean          ended;          /* cutoff is the end, before the date: compare dates */
  gint64            online_concentrated;   /* online class minutes counted as concentrated */
  guint             assessed;       /* StAssessmentKind bits with a result */
  guint             passed;         /* … whose latest result is pass */
  guint             exempted;
  gboolean          waived;
  char              latest_date[3][11];   /* of the result counted, per assessment */
  gint64            latest_hlc[3];
  int               next;           /* index of the participant's next enrolment, -1 */
} Entry;

void
st_eligibility_free (StEligibility *e)
{
  if (e == NULL)
    return;
  g_free (e->enrolment_id);
  g_free (e->participant_id);
  g_free (e->class_id);
  g_free (e->township_code);
  g_free (e->name);
  g_free (e->id_number);
  g_free (e->program_code);
  g_free (e->enrolled_on);
  g_free (e->end_date);
  g_clear_pointer (&e->missing, g_array_unref);
  g_free (e);
}

static char *
format_hours (gint64 minutes)
{
  if (minutes % 60 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, minutes / 60);
  return g_strdup_printf ("%.1f", minutes / 60.0);
}

/* The number that picks the plural form of @minutes as hours: the hours
 * when whole; a fraction ("0.5", "1.5") takes the form of "many". */
static gulong
hours_plural (gint64 minutes)
{
  if (minutes % 60 == 0)
    return (gulong) (minutes / 60);
  return (gulong) MAX (2, minutes / 60 + 1);
}

char *
st_missing_describe (const StMissing *m)
{
  g_autofree char *hours = format_hours (m->amount);
  gulong n = hours_plural (m->amount);

  switch (m->kind)
    {
    case ST_MISSING_CONCENTRATED:
      /* Translators: "%s" is a number of hours (学时) */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s concentrated teaching hour short",
                                           "%s concentrated teaching hours short", n), hours);
    case ST_MISSING_SELF_STUDY:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s self-study hour short (self-study must not be less than the concentrated hours attended)",
                                           "%s self-study hours short (self-study must not be less than the concentrated hours attended)",
                                           n), hours);
    case ST_MISSING_SELF_AND_ONLINE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s self-study or online hour short",
                                           "%s self-study or online hours short", n), hours);
    case ST_MISSING_ASSIGNMENTS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u practical assignment not done: no assessment until it is",
                                           "%u practical assignments not done: no assessment until they are",
                                           (gulong) m->amount),
                              (guint) m->amount);
    case ST_MISSING_ASSESSMENT:
      /* Translators: "%s" is an assessment such as "Culture course" */
      return g_strdup_printf (_("%s not assessed"), st_assessment_kind_to_display (m->assessment));
    case ST_MISSING_ASSESSMENT_FAILED:
      return g_strdup_printf (_("%s failed"), st_assessment_kind_to_display (m->assessment));
    case ST_MISSING_INTERNSHIP:
      return g_strdup (_("Internship not done"));
    case ST_MISSING_STUDY_LENGTH:
      return g_strdup (_("Study length not over, and no early graduation requested"));
    case ST_MISSING_CREDITS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u credit short", "%u credits short",
                                           (gulong) m->amount),
                              (guint) m->amount);
    case ST_MISSING_ATTENDED:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s attended hour short",
                                           "%s attended hours short", n), hours);
    default:
      return g_strdup ("");
    }
}

char *
st_eligibility_describe_missing (const StEligibility *e)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < e->missing->len; i++)
    {
      g_autofree char *one = st_missing_describe (&g_array_index (e->missing, StMissing, i));

      if (i > 0)
        /* Translators: separates the missing items of one participant */
        g_string_append (out, _("; "));
      g_string_append (out, one);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

const char *
st_outcome_to_display (StOutcome outcome)
{
  switch (outcome)
    {
    /* Translators: an enrolment in study that does not yet meet what
     * graduation asks (尚未达标) — not "in study" (在读), which the
     * Overview and the reports count for every enrolment in study,
     * those eligible included */
    case ST_OUTCOME_STUDYING: return C_("graduation outcome", "Not yet eligible");
    case ST_OUTCOME_ELIGIBLE: return _("Eligible to graduate");
    /* Translators: the study length is over with something short: a
     * completion certificate (结业证书) is due — not yet issued */
    case ST_OUTCOME_COMPLETION: return _("Completion certificate due");
    case ST_OUTCOME_STUDY_RECORD: return _("Study record (withdrawn)");
    case ST_OUTCOME_GRADUATED: return _("Graduated");
    /* Translators: the completion certificate was issued (已结业), apart
     * from "Completion certificate due" */
    case ST_OUTCOME_COMPLETED: return C_("enrolment state", "Completed");
    default: return "";
    }
}

StOutcome
st_outcome_from_code (const char *code)
{
  for (StOutcome o = ST_OUTCOME_STUDYING; o <= ST_OUTCOME_COMPLETED; o++)
    if (g_strcmp0 (code, st_outcome_to_code (o)) == 0)
      return o;
  return ST_OUTCOME_STUDYING;
}

const char *
st_outcome_to_code (StOutcome outcome)
{
  switch (outcome)
    {
    case ST_OUTCOME_STUDYING: return "studying";
    case ST_OUTCOME_ELIGIBLE: return "eligible";
    case ST_OUTCOME_COMPLETION: return "completion";
    case ST_OUTCOME_STUDY_RECORD: return "study_record";
    case ST_OUTCOME_GRADUATED: return "graduated";
    case ST_OUTCOME_COMPLETED: return "completed";
    default: return "";
    }
}

static void
add_missing (StEligibility    *e,
             StMissingKind     kind,
             gint64            amount,
             StAssessmentKind  assessment)
{
  StMissing m = { kind, amount, assessment };

  g_array_append_val (e->missing, m);
}

/* The rules of SPEC §3, in its order. Each names the annex section. */
static void
apply_rules (Entry      *en,
             const char *as_of)
{
  StEligibility *e = en->e;
  const StProgram *p = en->program;
  gboolean over;

  /* §(七): states already decided. */
  if (en->state_date != NULL && g_strcmp0 (en->state_date, as_of) <= 0)
    {
      if (g_strcmp0 (en->state, "withdrawn") == 0)
        {
          e->outcome = ST_OUTCOME_STUDY_RECORD;
          return;
        }
      if (g_strcmp0 (en->state, "graduated") == 0)
        {
          e->outcome = ST_OUTCOME_GRADUATED;
          return;
        }
      if (g_strcmp0 (en->state, "completed") == 0)
        {
          e->outcome = ST_OUTCOME_COMPLETED;
          return;
        }
    }

  if (p->kind == ST_PROGRAM_TRAINING)
    {
      if (e->attended < p->attended_min_minutes)
        add_missing (e, ST_MISSING_ATTENDED, p->attended_min_minutes - e->attended, 0);
    }
  else
    {
      /* §(五)4: concentrated teaching per year of study length, as the
       * class's schedule has it: 96 hours (a day a month), or 2 blocks of
       * 120 hours. */
      e->required_concentrated = st_program_concentrated_per_year (p, e->schedule) * e->study_years;
      /* §(五)4 集中授课部分课时可采取线上教学: a part, when the program caps it. */
      if (p->online_concentrated_max_percent >= 0)
        {
          gint64 allowed = e->required_concentrated * p->online_concentrated_max_percent / 100;

          if (en->online_concentrated > allowed)
            e->concentrated -= en->online_concentrated - allowed;
        }
      if (e->concentrated < e->required_concentrated)
        add_missing (e, ST_MISSING_CONCENTRATED, e->required_concentrated - e->concentrated, 0);
      /* §(五)4: self-study not less than the concentrated hours attended. */
      if (p->self_study_at_least_concentrated && e->self_study < e->concentrated)
        add_missing (e, ST_MISSING_SELF_STUDY, e->concentrated - e->self_study, 0);
      /* §(五)4: self-study and online together at least 360 hours. */
      if (e->self_study + e->online < p->self_and_online_min_minutes)
        add_missing (e, ST_MISSING_SELF_AND_ONLINE,
                     p->self_and_online_min_minutes - e->self_study - e->online, 0);
      /* §(五)4: the practical assignments, or no assessment. */
      if (p->assignments_before_assessment || p->min_assignments > 0)
        {
          guint needed = MAX (e->assignments_total, p->min_assignments);

          if (e->assignments_done < needed)
            add_missing (e, ST_MISSING_ASSIGNMENTS, needed - e->assignments_done, 0);
        }
      /* §(六)1, §(七)1: assessments passed, or exempted (§(六)2). */
      for (StAssessmentKind k = ST_ASSESSMENT_CULTURE; k <= ST_ASSESSMENT_MORAL; k <<= 1)
        {
          if (!(p->required_assessments & k) || (en->exempted & k & p->exemptions_allowed))
            continue;
          if (!(en->assessed & k))
            add_missing (e, ST_MISSING_ASSESSMENT, 0, k);
          else if (!(en->passed & k))
            add_missing (e, ST_MISSING_ASSESSMENT_FAILED, 0, k);
        }
      /* §(六)4: internship, waived after two years of related work. */
      if (p->internship_required && !en->waived
          && (en->internship_done == NULL || g_strcmp0 (en->internship_done, en->cutoff) > 0))
        add_missing (e, ST_MISSING_INTERNSHIP, 0, 0);
    }

  /* §(六)2–3: credits, when the program (the school) asks for some. */
  if (e->credits < p->min_credits)
    add_missing (e, ST_MISSING_CREDITS, p->min_credits - e->credits, 0);

  /* §(七)1–2: the outcome depends on the end of the study length. */
  over = g_strcmp0 (as_of, e->end_date) >= 0;
  if (e->missing->len == 0)
    {
      /* A training is completed as soon as its hours are in (within its
       * length: nothing later counts). */
      if (over || p->kind == ST_PROGRAM_TRAINING)
        e->outcome = ST_OUTCOME_ELIGIBLE;
      else if (p->early_graduation && en->early_request != NULL && g_strcmp0 (en->early_request, as_of) <= 0)
        e->outcome = ST_OUTCOME_ELIGIBLE;
      else
        {
          e->outcome = ST_OUTCOME_STUDYING;
          add_missing (e, ST_MISSING_STUDY_LENGTH, 0, 0);
        }
    }
  else
    e->outcome = over ? ST_OUTCOME_COMPLETION : ST_OUTCOME_STUDYING;
}

typedef struct
{
  char    *class_id;
  char    *mode;
  char     date[11];
} SessionInfo;

static void
session_info_free (SessionInfo *s)
{
  g_free (s->class_id);
  g_free (s->mode);
  g_free (s);
}

/* Binds the date and the filters as ?1 … ?4; a statement that uses fewer
 * of them just ignores the rest (SQLITE_RANGE, harmless). */
static void
bind_filters (sqlite3_stmt             *stmt,
              const StEligibilityQuery *q,
              const char               *as_of)
{
  sqlite3_bind_text (stmt, 1, as_of, -1, SQLITE_TRANSIENT);
  st_db_bind_text (stmt, 2, q->township_code);
  st_db_bind_text (stmt, 3, q->class_id);
  st_db_bind_text (stmt, 4, q->enrolment_id);
}

static int
compare_results (gconstpointer a,
                 gconstpointer b)
{
  const StEligibility *x = *(StEligibility **) a;
  const StEligibility *y = *(StEligibility **) b;
  int c;

  if ((c = strcmp (x->township_code, y->township_code)) != 0)
    return c;
  if ((c = strcmp (x->class_id, y->class_id)) != 0)
    return c;
  if ((c = strcmp (x->name, y->name)) != 0)
    return c;
  return strcmp (x->enrolment_id, y->enrolment_id);
}

typedef struct
{
  const char               *path;    /* open a connection of its own, or … */
  StDb                     *db;      /* … use this one, on this thread */
  const StEligibilityQuery *query;
  const char               *as_of;
  GArray                   *entries;
  GHashTable               *by_participant;
  GError                   *error;
} LogScan;

/* Self-study and online minutes: for their enrolment, or for all the
 * participant's. Summed here rather than by GROUP BY, whose sort of every
 * log was a third of the time; a participant's logs mostly come together. */
static gpointer
sum_study_logs (gpointer data)
{
  LogScan *scan = data;
  g_autoptr(StDb) own = scan->db ? NULL : st_db_open (scan->path, &scan->error);
  StDb *db = scan->db ? scan->db : own;
  sqlite3_stmt *stmt;
  char last[40] = "";
  int first = -1;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = st_db_prepare (db,
                        "SELECT participant_id, enrolment_id, kind = 'self', minutes, date FROM study_logs"
                        " WHERE deleted = 0 AND date <= ?1 AND (?2 IS NULL OR township_code = ?2)"
                        " AND (?4 IS NULL OR participant_id = (SELECT participant_id FROM enrolments WHERE id = ?4))",
                        &scan->error);
  if (stmt == NULL)
    return NULL;
  bind_filters (stmt, scan->query, scan->as_of);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *participant_id = (const char *) sqlite3_column_text (stmt, 0);
      const char *enrolment_id = (const char *) sqlite3_column_text (stmt, 1);
      gboolean self = sqlite3_column_int (stmt, 2);
      gint64 minutes = sqlite3_column_int64 (stmt, 3);

      if (strncmp (participant_id, last, sizeof last) != 0)
        {
          gpointer index = g_hash_table_lookup (scan->by_participant, participant_id);

          first = index ? GPOINTER_TO_INT (index) - 1 : -1;
          g_strlcpy (last, participant_id, sizeof last);
        }
      for (int i = first; i >= 0; )
        {
          Entry *en = &g_array_index (scan->entries, Entry, i);

          /* (the date is read only for a study length over before the
           * date evaluated: the SQL already stops at that date) */
          if ((enrolment_id == NULL || g_str_equal (enrolment_id, en->e->enrolment_id))
              && (!en->ended || strcmp ((const char *) sqlite3_column_text (stmt, 4), en->cutoff) <= 0))
            {
              if (self)
                en->e->self_study += minutes;
              else
                en->e->online += minutes;
            }
          i = en->next;
        }
    }
  sqlite3_reset (stmt);
  /* A damaged page ends the scan early: hours short that are not. */
  if (rc != SQLITE_DONE)
    st_db_set_error (db, rc, _("reading the study logs"), &scan->error);
  return NULL;
}

/* FALSE with @error set when the scan of the study logs failed. */
static gboolean
log_scan_done (LogScan  *scan,
               GError  **error)
{
  if (scan->error == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&scan->error));
  return FALSE;
}

/* The enrolments a query selects, for st_eligibility_evaluate () and
 * st_eligibility_list () alike. */
#define ENROLMENTS_SQL \
  "SELECT e.id, e.participant_id, e.class_id, e.township_code, e.enrolled_on, e.study_years," \
  " e.state, e.state_date, e.early_graduation_requested_on, e.internship_done_on," \
  " p.name, p.id_number, c.program_id, e.extension_years, c.schedule" \
  " FROM enrolments e JOIN participants p ON p.id = e.participant_id" \
  " JOIN classes c ON c.id = e.class_id" \
  " WHERE e.deleted = 0 AND p.deleted = 0 AND p.merged_into IS NULL AND e.enrolled_on <= ?1" \
  " AND (?2 IS NULL OR e.township_code = ?2) AND (?3 IS NULL OR e.class_id = ?3)" \
  " AND (?4 IS NULL OR e.id = ?4)"

/* The program of @code, loaded once per evaluation into @programs. */
static const StProgram *
cached_program (StDb        *db,
                GHashTable  *programs,
                const char  *code,
                GError     **error)
{
  StProgram *p = g_hash_table_lookup (programs, code);

  if (p == NULL)
    {
      p = st_program_load (db, code, error);
      if (p != NULL)
        g_hash_table_insert (programs, g_strdup (code), p);
    }
  return p;
}

#define PROGRESS(fraction) \
  G_STMT_START { \
    if (progress != NULL) \
      progress ((fraction), progress_data); \
    if (g_cancellable_set_error_if_cancelled (cancellable, error)) \
      goto fail; \
  } G_STMT_END

GPtrArray *
st_eligibility_evaluate (StDb                     *db,
                         const StEligibilityQuery *query,
                         GError                  **error)
{
  return st_eligibility_evaluate_full (db, query, NULL, NULL, NULL, error);
}

/* One evaluation: the enrolments the query selects, and what is read for
 * them, phase by phase. */
typedef struct
{
  StDb                     *db;
  const StEligibilityQuery *query;
  char                      as_of[16];
  GArray                   *entries;          /* Entry */
  GHashTable               *by_id;            /* enrolment id → index+1 */
  GHashTable               *by_participant;   /* participant id → first index+1 */
  GHashTable               *sessions;         /* session id → SessionInfo, up to the date */
  GHashTable               *programs;         /* code → StProgram */
  StEligibilityProgress     progress;
  gpointer                  progress_data;
  GCancellable             *cancellable;
} Evaluation;

/* The entry of enrolment @id, or NULL when the query did not select it. */
static Entry *
entry_of (Evaluation    *ev,
          const guchar  *id)
{
  gpointer index = g_hash_table_lookup (ev->by_id, id);

  return index != NULL ? &g_array_index (ev->entries, Entry, GPOINTER_TO_INT (index) - 1) : NULL;
}

static gboolean
step_done (Evaluation    *ev,
           sqlite3_stmt  *stmt,
           int            rc,
           const char    *what,
           GError       **error)
{
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  st_db_set_error (ev->db, rc, what, error);
  return FALSE;
}

static void
entry_clear_strings (Entry *en)
{
  g_free (en->state);
  g_free (en->state_date);
  g_free (en->early_request);
  g_free (en->internship_done);
}

/* Runs @sql with the filters bound as bind_filters () binds them and hands
 * each row to @row, which stops the reading by returning FALSE with @error
 * set. */
static gboolean
each_row (Evaluation  *ev,
          const char  *sql,
          gboolean   (*row) (Evaluation *, sqlite3_stmt *, gpointer, GError **),
          gpointer     data,
          const char  *what,
          GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (ev->db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_filters (stmt, ev->query, ev->as_of);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!row (ev, stmt, data, error))
      {
        sqlite3_reset (stmt);
        return FALSE;
      }
  return step_done (ev, stmt, rc, what, error);
}

/* The StEligibility of an ENROLMENTS_SQL row, without a verdict yet: its
 * end of study by @program (NULL: one that cannot be read, counted in
 * years). */
static StEligibility *
eligibility_from_row (sqlite3_stmt    *stmt,
                      const StProgram *program)
{
  StEligibility *e = g_new0 (StEligibility, 1);

  e->enrolment_id = st_db_column_dup (stmt, 0);
  e->participant_id = st_db_column_dup (stmt, 1);
  e->class_id = st_db_column_dup (stmt, 2);
  e->township_code = st_db_column_dup (stmt, 3);
  e->enrolled_on = st_db_column_dup (stmt, 4);
  e->study_years = sqlite3_column_int (stmt, 5);
  e->name = st_db_column_dup (stmt, 10);
  e->id_number = st_db_column_dup (stmt, 11);
  e->program_code = st_db_column_dup (stmt, 12);
  e->extension_years = sqlite3_column_int (stmt, 13);
  if (program != NULL)
    e->schedule = st_program_schedule (program, (const char *) sqlite3_column_text (stmt, 14));
  e->end_date = st_program_end_date (program, e->enrolled_on, e->study_years, e->extension_years);
  e->missing = g_array_new (FALSE, FALSE, sizeof (StMissing));
  return e;
}

static gboolean
enrolment_row (Evaluation    *ev,
               sqlite3_stmt  *stmt,
               gpointer       data,
               GError       **error)
{
  Entry en = { 0, };
  StEligibility *e;
  gpointer first;

  en.program = cached_program (ev->db, ev->programs, (const char *) sqlite3_column_text (stmt, 12), error);
  if (en.program == NULL)
    return FALSE;
  e = eligibility_from_row (stmt, en.program);
  if (ev->query->ending_by != NULL
      && (e->end_date == NULL || strcmp (e->end_date, ev->query->ending_by) > 0))
    {
      st_eligibility_free (e);
      return TRUE;
    }
  en.state = st_db_column_dup (stmt, 6);
  en.state_date = st_db_column_dup (stmt, 7);
  en.early_request = st_db_column_dup (stmt, 8);
  en.internship_done = st_db_column_dup (stmt, 9);
  en.ended = e->end_date != NULL && strcmp (e->end_date, ev->as_of) < 0;
  g_strlcpy (en.cutoff, en.ended ? e->end_date : ev->as_of, sizeof en.cutoff);
  en.e = e;

  /* The participant's enrolments form a chain through next. */
  first = g_hash_table_lookup (ev->by_participant, e->participant_id);
  en.next = first ? GPOINTER_TO_INT (first) - 1 : -1;
  g_array_append_val (ev->entries, en);
  g_hash_table_insert (ev->by_participant, e->participant_id, GINT_TO_POINTER (ev->entries->len));
  g_hash_table_insert (ev->by_id, e->enrolment_id, GINT_TO_POINTER (ev->entries->len));
  return TRUE;
}

/* The enrolments, each with its program, end of study length and cutoff. */
static gboolean
read_enrolments (Evaluation  *ev,
                 GError     **error)
{
  return each_row (ev, ENROLMENTS_SQL, enrolment_row, NULL, _("reading the enrolments"), error);
}

static gboolean
session_row (Evaluation    *ev,
             sqlite3_stmt  *stmt,
             gpointer       data,
             GError       **error)
{
  SessionInfo *s = g_new0 (SessionInfo, 1);

  s->class_id = st_db_column_dup (stmt, 1);
  s->mode = st_db_column_dup (stmt, 2);
  g_strlcpy (s->date, (const char *) sqlite3_column_text (stmt, 3), sizeof s->date);
  g_hash_table_insert (ev->sessions, st_db_column_dup (stmt, 0), s);
  return TRUE;
}

/* The class sessions up to the date. */
static gboolean
read_sessions (Evaluation  *ev,
               GError     **error)
{
  return each_row (ev,
                   "SELECT id, class_id, mode, date FROM sessions WHERE deleted = 0 AND date <= ?1"
                   " AND (?2 IS NULL OR township_code = ?2) AND (?3 IS NULL OR class_id = ?3)"
                   " AND (?4 IS NULL OR class_id = (SELECT class_id FROM enrolments WHERE id = ?4))",
                   session_row, NULL, _("reading the class sessions"), error);
}

/* Adds one attendance row to the participant's enrolment in the session's
 * class, within its study length. */
static void
add_attendance (Evaluation        *ev,
                const SessionInfo *session,
                const char        *participant_id,
                gint64             minutes)
{
  gpointer index = g_hash_table_lookup (ev->by_participant, participant_id);

  for (int i = index ? GPOINTER_TO_INT (index) - 1 : -1; i >= 0; )
    {
      Entry *en = &g_array_index (ev->entries, Entry, i);

      if (g_str_equal (en->e->class_id, session->class_id))
        {
          gboolean counts = g_str_equal (session->mode, "concentrated")
            || (g_str_equal (session->mode, "online") && en->program->online_sessions_count_as_concentrated)
            || (g_str_equal (session->mode, "practical") && en->program->practical_sessions_count_as_concentrated);

          if (en->ended && strcmp (session->date, en->cutoff) > 0)
            return;   /* after the study length */
          en->e->attended += minutes;
          if (counts)
            en->e->concentrated += minutes;
          if (counts && g_str_equal (session->mode, "online"))
            en->online_concentrated += minutes;
          return;
        }
      i = en->next;
    }
}

/* Attendance: one pass over the table, which is the big one (30 rows per
 * participant and year), adding each row to its enrolment. Rows come in
 * session order, so the session is looked up once per run. Stops early,
 * without an error, when cancelled (the caller's progress check says so). */
static gboolean
sum_attendance (Evaluation  *ev,
                GError     **error)
{
  const StEligibilityQuery *query = ev->query;
  sqlite3_stmt *stmt;
  char last_session[40] = "";
  SessionInfo *session = NULL;
  guint64 n_rows = 0;
  /* About 30 attendance rows per enrolment and year (a monthly day of
   * class): enough to move a progress bar, not a promise. */
  double expected = MAX (1.0, ev->entries->len * 30.0);
  int rc;

  /* SQLite uses no index for "?x IS NULL OR col = ?x": one statement per
   * kind of query, so that one enrolment reads only its rows. */
  if (query->enrolment_id != NULL)
    stmt = st_db_prepare (ev->db,
                          "SELECT session_id, participant_id, minutes FROM attendance"
                          " WHERE participant_id = (SELECT participant_id FROM enrolments WHERE id = ?4)"
                          " AND deleted = 0 AND minutes > 0",
                          error);
  else if (query->class_id != NULL)
    stmt = st_db_prepare (ev->db,
                          "SELECT a.session_id, a.participant_id, a.minutes FROM sessions s"
                          " JOIN attendance a ON a.session_id = s.id"
                          " WHERE s.class_id = ?3 AND s.deleted = 0 AND a.deleted = 0 AND a.minutes > 0",
                          error);
  else
    stmt = st_db_prepare (ev->db,
                          "SELECT session_id, participant_id, minutes FROM attendance"
                          " WHERE deleted = 0 AND minutes > 0 AND (?2 IS NULL OR township_code = ?2)",
                          error);
  if (stmt == NULL)
    return FALSE;
  bind_filters (stmt, query, ev->as_of);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *session_id = (const char *) sqlite3_column_text (stmt, 0);

      if ((++n_rows & 0xffff) == 0)
        {
          if (ev->progress != NULL)
            ev->progress (0.2 + 0.55 * MIN (1.0, n_rows / expected), ev->progress_data);
          if (g_cancellable_is_cancelled (ev->cancellable))
            {
              rc = SQLITE_DONE;
              break;
            }
        }
      if (strncmp (session_id, last_session, sizeof last_session) != 0)
        {
          session = g_hash_table_lookup (ev->sessions, session_id);
          g_strlcpy (last_session, session_id, sizeof last_session);
        }
      if (session != NULL)   /* NULL: after the date, or deleted */
        add_attendance (ev, session, (const char *) sqlite3_column_text (stmt, 1), sqlite3_column_int64 (stmt, 2));
    }
  return step_done (ev, stmt, rc, _("reading the attendance"), error);
}

typedef struct
{
  void (*row) (Evaluation *, Entry *, sqlite3_stmt *);
} EntryRow;

static gboolean
entry_row (Evaluation    *ev,
           sqlite3_stmt  *stmt,
           gpointer       data,
           GError       **error)
{
  const EntryRow *of = data;
  Entry *en = entry_of (ev, sqlite3_column_text (stmt, 0));

  if (en != NULL)
    of->row (ev, en, stmt);
  return TRUE;
}

/* Runs @sql (an enrolment's key first, then what @row reads; the filters
 * bound as bind_filters () binds them) and hands each row whose enrolment
 * is evaluated to @row. */
static gboolean
each_entry_row (Evaluation  *ev,
                const char  *sql,
                void       (*row) (Evaluation *, Entry *, sqlite3_stmt *),
                const char  *what,
                GError     **error)
{
  EntryRow entry_row_of = { row };

  return each_row (ev, sql, entry_row, &entry_row_of, what, error);
}

/* Assignments, done within the study length. */
static void
assignment_row (Evaluation   *ev,
                Entry        *en,
                sqlite3_stmt *stmt)
{
  en->e->assignments_total++;
  if (sqlite3_column_int (stmt, 1) && strcmp ((const char *) sqlite3_column_text (stmt, 2), en->cutoff) <= 0)
    en->e->assignments_done++;
}

static gboolean
count_assignments (Evaluation  *ev,
                   GError     **error)
{
  return each_entry_row (ev,
                         "SELECT enrolment_id, done = 1 AND done_on <= ?1, done_on"
                         " FROM assignments WHERE deleted = 0 AND (?2 IS NULL OR township_code = ?2)"
                         " AND (?4 IS NULL OR enrolment_id = ?4)",
                         assignment_row, _("reading the assignments"), error);
}

/* Assessments: the latest result of each kind within the study length
 * counts. Ordered by (date, hlc) here, for the same reason as the study
 * logs. */
static void
assessment_row (Evaluation   *ev,
                Entry        *en,
                sqlite3_stmt *stmt)
{
  StAssessmentKind k = st_assessment_kind_from_code ((const char *) sqlite3_column_text (stmt, 1));
  const char *date;
  gint64 hlc;
  int slot, order;

  date = (const char *) sqlite3_column_text (stmt, 3);
  hlc = sqlite3_column_int64 (stmt, 4);
  slot = k == ST_ASSESSMENT_CULTURE ? 0 : k == ST_ASSESSMENT_SKILL ? 1 : 2;
  order = (en->assessed & k) ? strcmp (date, en->latest_date[slot]) : 1;
  if (k == 0 || strcmp (date, en->cutoff) > 0 || order < 0
      || (order == 0 && hlc < en->latest_hlc[slot]))
    return;
  g_strlcpy (en->latest_date[slot], date, sizeof en->latest_date[slot]);
  en->latest_hlc[slot] = hlc;
  en->assessed |= k;
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), "pass") == 0)
    en->passed |= k;
  else
    en->passed &= ~k;
}

static gboolean
read_assessments (Evaluation  *ev,
                  GError     **error)
{
  return each_entry_row (ev,
                         "SELECT enrolment_id, kind, result, date, hlc FROM assessments"
                         " WHERE deleted = 0 AND date <= ?1 AND (?2 IS NULL OR township_code = ?2)"
                         " AND (?4 IS NULL OR enrolment_id = ?4)",
                         assessment_row, _("reading the assessments"), error);
}

/* Exemptions, credits and the internship waiver, within the study length. */
static void
exemption_row (Evaluation   *ev,
               Entry        *en,
               sqlite3_stmt *stmt)
{
  const char *kind = (const char *) sqlite3_column_text (stmt, 1);

  if (strcmp ((const char *) sqlite3_column_text (stmt, 3), en->cutoff) > 0)
    return;
  /* §(六)2–3: credits from a certificate, an award, an innovation. */
  if (g_strcmp0 (kind, "exemption") == 0 || g_strcmp0 (kind, "credit") == 0)
    en->e->credits += (guint) MAX (0, sqlite3_column_int (stmt, 4));
  if (g_strcmp0 (kind, "exemption") == 0)
    en->exempted |= st_assessment_kind_from_code ((const char *) sqlite3_column_text (stmt, 2));
  else if (g_strcmp0 (kind, "internship_waiver") == 0)
    en->waived = TRUE;
}

static gboolean
read_exemptions (Evaluation  *ev,
                 GError     **error)
{
  return each_entry_row (ev,
                         "SELECT enrolment_id, kind, target, date, credits FROM exemptions"
                         " WHERE deleted = 0 AND date <= ?1 AND (?2 IS NULL OR township_code = ?2)"
                         " AND (?4 IS NULL OR enrolment_id = ?4)",
                         exemption_row, _("reading the exemptions"), error);
}

/* An entry's own strings; its eligibility too unless it was handed on. */
static void
entry_clear (Entry    *en,
             gboolean  with_eligibility)
{
  if (with_eligibility)
    st_eligibility_free (en->e);
  entry_clear_strings (en);
}

GPtrArray *
st_eligibility_evaluate_full (StDb                     *db,
                              const StEligibilityQuery *query,
                              StEligibilityProgress     progress,
                              gpointer                  progress_data,
                              GCancellable             *cancellable,
                              GError                  **error)
{
  static const StEligibilityQuery all = { NULL, NULL, NULL, NULL };
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_participant = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) session_info_free);
  g_autoptr(GHashTable) programs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) st_program_free);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) st_eligibility_free);
  Evaluation ev = { db, query != NULL ? query : &all, "", entries, by_id, by_participant, sessions, programs,
                    progress, progress_data, cancellable };
  LogScan logs = { 0, };
  GThread *logs_thread = NULL;
  gint64 started = g_get_monotonic_time ();

  if (ev.query->as_of != NULL)
    g_date_strftime (ev.as_of, sizeof ev.as_of, "%Y-%m-%d", ev.query->as_of);
  else
    {
      GDate d;

      g_date_clear (&d, 1);
      g_date_set_time_t (&d, time (NULL));
      g_date_strftime (ev.as_of, sizeof ev.as_of, "%Y-%m-%d", &d);
    }

  if (!read_enrolments (&ev, error))
    goto fail;
  if (entries->len > 0)
    {
      /* The study logs are the biggest table after attendance: a second
       * thread with its own connection sums them meanwhile (WAL lets two
       * connections read at once). It writes only self_study and online,
       * which nothing else here touches. */
      logs.entries = entries;
      logs.by_participant = by_participant;
      logs.query = ev.query;
      logs.as_of = ev.as_of;
      logs.path = st_db_get_path (db);
      /* Opening a connection costs more than a small scan saves; a few
       * enrolments ending soon still scan every log. */
      if (entries->len >= 2000 || ev.query->ending_by != NULL)
        logs_thread = g_thread_new ("st-eligibility-logs", sum_study_logs, &logs);
      else
        {
          logs.db = db;
          sum_study_logs (&logs);
          if (!log_scan_done (&logs, error))
            goto fail;
        }
      g_debug ("eligibility: %u enrolments loaded after %.3f s", entries->len, (g_get_monotonic_time () - started) / 1e6);
      PROGRESS (0.15);
      if (!read_sessions (&ev, error))
        goto fail;
      PROGRESS (0.2);
      if (!sum_attendance (&ev, error))
        goto fail;
      g_debug ("eligibility: attendance summed after %.3f s", (g_get_monotonic_time () - started) / 1e6);
      PROGRESS (0.75);
      if (!count_assignments (&ev, error) || !read_assessments (&ev, error) || !read_exemptions (&ev, error))
        goto fail;
    }

  g_debug ("eligibility: everything but the study logs after %.3f s", (g_get_monotonic_time () - started) / 1e6);
  if (entries->len > 0)
    PROGRESS (0.85);
  if (logs_thread != NULL)
    {
      g_thread_join (g_steal_pointer (&logs_thread));
      g_debug ("eligibility: study logs summed after %.3f s", (g_get_monotonic_time () - started) / 1e6);
      if (!log_scan_done (&logs, error))
        goto fail;
    }
  if (entries->len > 0)
    PROGRESS (0.95);

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *en = &g_array_index (entries, Entry, i);

      apply_rules (en, ev.as_of);
      g_ptr_array_add (result, en->e);
      entry_clear (en, FALSE);
    }
  /* Sorted here: an ORDER BY sorted every row with its text in SQLite. */
  g_ptr_array_sort (result, compare_results);
  if (progress != NULL)
    progress (1.0, progress_data);
  return g_steal_pointer (&result);

fail:
  if (logs_thread != NULL)
    g_thread_join (logs_thread);
  g_clear_error (&logs.error);
  for (guint i = 0; i < entries->len; i++)
    entry_clear (&g_array_index (entries, Entry, i), TRUE);
  return NULL;
}

GPtrArray *
st_eligibility_list (StDb                     *db,
                     const StEligibilityQuery *query,
                     GError                  **error)
{
  static const StEligibilityQuery all = { NULL, NULL, NULL, NULL };
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) st_eligibility_free);
  g_autoptr(GHashTable) programs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) st_program_free);
  char as_of[16];
  sqlite3_stmt *stmt;
  int rc;

  if (query == NULL)
    query = &all;
  if (query->as_of != NULL)
    g_date_strftime (as_of, sizeof as_of, "%Y-%m-%d", query->as_of);
  else
    {
      GDate d;

      g_date_clear (&d, 1);
      g_date_set_time_t (&d, time (NULL));
      g_date_strftime (as_of, sizeof as_of, "%Y-%m-%d", &d);
    }
  /* The same selection as st_eligibility_evaluate's first statement. */
  stmt = st_db_prepare (db,
                        ENROLMENTS_SQL,
                        error);
  if (stmt == NULL)
    return NULL;
  bind_filters (stmt, query, as_of);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *state = (const char *) sqlite3_column_text (stmt, 6);
      const char *state_date = (const char *) sqlite3_column_text (stmt, 7);
      gboolean decided = state_date != NULL && strcmp (state_date, as_of) <= 0;
      /* A program that cannot be read is counted in years here; the
       * evaluation names the problem. */
      StEligibility *e = eligibility_from_row (stmt, cached_program (db, programs,
                                                                     (const char *) sqlite3_column_text (stmt, 12),
                                                                     NULL));
      if (decided && g_strcmp0 (state, "withdrawn") == 0)
        e->outcome = ST_OUTCOME_STUDY_RECORD;
      else if (decided && g_strcmp0 (state, "graduated") == 0)
        e->outcome = ST_OUTCOME_GRADUATED;
      else if (decided && g_strcmp0 (state, "completed") == 0)
        e->outcome = ST_OUTCOME_COMPLETED;
      else
        e->outcome = ST_OUTCOME_STUDYING;
      g_ptr_array_add (result, e);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the enrolments"), error);
      return NULL;
    }
  g_ptr_array_sort (result, compare_results);
  return g_steal_pointer (&result);
}

StEligibility *
st_eligibility_evaluate_one (StDb         *db,
                             const char   *enrolment_id,
                             const GDate  *as_of,
                             GError      **error)
{
  StEligibilityQuery q = { as_of, NULL, NULL, enrolment_id };
  g_autoptr(GPtrArray) list = st_eligibility_evaluate (db, &q, error);

  if (list == NULL)
    return NULL;
  if (list->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There is no enrolment with the key %s on that date."), enrolment_id);
      return NULL;
    }
  return g_ptr_array_steal_index (list, 0);
}
