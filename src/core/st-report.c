/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The quarterly progress report (annex 6 §四(三)).
 *
 * What counts (the same words are in the report's notes):
 * - Only live rows: deleted = 0, and participants not merged into another
 *   record. An enrolment counts when its participant and its class are live.
 * - Township: the class's (enrolments.township_code and sessions.township_code,
 *   which are also the sync scope). Someone enrolled in classes of two
 *   townships counts in each township and once in the total.
 * - Cumulative participants: distinct participants with an enrolment dated
 *   on or before the quarter's last day, whatever its state now. This is
 *   what the targets of §一 count ("累计达到3000人").
 * - New enrolments: enrolments dated in the quarter. New participants: those
 *   whose first enrolment (in the township, or at all for the total) is
 *   dated in the quarter, so that the cumulative figure grows by exactly it.
 * - In study / graduated / completed / withdrawn: every enrolment dated by
 *   the last day, in the state it had at the end of that day: its state if
 *   state_date is on or before the day (or unknown), in study otherwise.
 * - Sessions, session hours by mode: sessions dated in the quarter, of live
 *   classes. Attendances and participant-hours: attendance rows of live
 *   participants marked present at those sessions, with the minutes
 *   credited. (Self-study and online hours are not in the report: summing
 *   millions of study logs by date needs an index on study_logs (date).)
 * - Finished training, for funding (§四(二), "按完成培训1人拨付1500元"): a
 *   participant with an enrolment graduated or completed (结业) on or before
 *   the last day, in a class whose program is of a funded kind (targets.json:
 *   the diploma program; short-term training is funded by other departments'
 *   subsidies, §四(二)). Counted once per participant; "in the quarter" when
 *   the first such finish is dated in the quarter.
 * - Breakdowns: the cumulative participants by sex, ethnicity, poverty
 *   registration and age on the last day (from the birth date); by program
 *   and major, a participant counts once in each program or major they are
 *   enrolled in.
 *
 * Every figure is an aggregate query (GROUP BY) over the live rows; C only
 * adds township rows into totals and lays the result out. Participants and
 * enrolments are read once, into temp tables the figures share (see
 * gather ()). */
#define G_LOG_DOMAIN "st-report"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "st-core-resources.h"
#include "st-doc.h"
#include "st-json-guard.h"
#include "st-participant.h"
#include "st-program.h"
#include "st-report-private.h"

G_DEFINE_QUARK (st-report-error-quark, st_report_error)

#define TARGETS_RESOURCE "/io/github/shuangti/Shuangti/core/targets.json"
/* More quarters than this do not fit the chart's width legibly; the earlier
 * ones are in the first bar anyway, since the figure is cumulative. */
#define CHART_MAX_QUARTERS 16

const char *const st_report_mode_codes[N_MODES] = { "concentrated", "online", "practical" };
const char *const st_report_breakdown_codes[N_BREAKDOWNS] = {
  "program", "major", "sex", "age_band", "ethnicity", "poverty",
};

static const char *const age_bands[] = { "15-24", "25-34", "35-44", "45-59", "other" };
static const char *const poverty_codes[] = { "lifted", "monitored", "none" };

typedef struct
{
  char   date[11];
  gint64 participants;   /* whose first enrolment is on this date */
} FirstDate;


/* Labels */

const char *
st_report_mode_label (guint mode)
{
  switch (mode)
    {
    case MODE_CONCENTRATED:
      return _("Concentrated");
    case MODE_ONLINE:
      return _("Online");
    case MODE_PRACTICAL:
      return _("Practical");
    default:
      return "";
    }
}

static const char *
age_band_label (guint band)
{
  switch (band)
    {
    case 0:
      return _("15–24 years");
    case 1:
      return _("25–34 years");
    case 2:
      return _("35–44 years");
    case 3:
      return _("45–59 years");
    default:
      return _("Other ages");
    }
}

static const char *
poverty_label (const char *code)
{
  const char *label = st_poverty_to_display (code);

  return label != NULL ? label : _("Neither");
}

/* A program's name in the UI language: programs carry a Chinese name and
 * an English one. */
static const char *
program_label (const StProgram *program)
{
  if (!st_doc_ui_is_chinese () && program->name_en != NULL)
    return program->name_en;
  return program->name;
}

/* Quarters */

gboolean
st_quarter_parse (const char  *text,
                  StQuarter   *quarter,
                  GError     **error)
{
  g_autofree char *s = g_strstrip (g_strdup (text != NULL ? text : ""));
  const char *p = s;
  int year = 0;

  for (guint i = 0; i < 4; i++, p++)
    {
      if (!g_ascii_isdigit (*p))
        goto refuse;
      year = year * 10 + (*p - '0');
    }
  if (*p == '-')
    p++;
  if (*p != 'Q' && *p != 'q')
    goto refuse;
  p++;
  if (*p < '1' || *p > '4' || p[1] != '\0' || year < 1900)
    goto refuse;

  quarter->year = year;
  quarter->quarter = *p - '0';
  return TRUE;

refuse:
  g_set_error (error, ST_REPORT_ERROR, ST_REPORT_ERROR_QUARTER,
               _("“%s” is not a quarter: write the year and the quarter as 2025Q3."),
               text != NULL ? text : "");
  return FALSE;
}

char *
st_quarter_first_day (const StQuarter *quarter)
{
  g_return_val_if_fail (quarter->quarter >= 1 && quarter->quarter <= 4, NULL);

  return g_strdup_printf ("%04d-%02d-01", quarter->year, (quarter->quarter - 1) * 3 + 1);
}

char *
st_quarter_last_day (const StQuarter *quarter)
{
  static const char *const ends[] = { "03-31", "06-30", "09-30", "12-31" };

  g_return_val_if_fail (quarter->quarter >= 1 && quarter->quarter <= 4, NULL);

  return g_strdup_printf ("%04d-%s", quarter->year, ends[quarter->quarter - 1]);
}

char *
st_report_quarter_label (const StQuarter *q)
{
  /* Translators: a year and a quarter of it, e.g. "2025 Q3" (2025年第3季度) */
  return g_strdup_printf (_("%d Q%d"), q->year, q->quarter);
}

char *
st_report_quarter_code (const StQuarter *q)
{
  return g_strdup_printf ("%04dQ%d", q->year, q->quarter);
}

static int
quarter_index (const StQuarter *q)
{
  return q->year * 4 + q->quarter - 1;
}

static StQuarter
quarter_from_index (int index_)
{
  StQuarter q = { index_ / 4, index_ % 4 + 1 };

  return q;
}

static StQuarter
quarter_of_date (const char *date)
{
  StQuarter q = { atoi (date), (atoi (date + 5) + 2) / 3 };

  return q;
}

/* Targets (targets.json) */

static gboolean
targets_refuse (GError     **error,
                const char  *what)
{
  g_set_error (error, ST_REPORT_ERROR, ST_REPORT_ERROR_TARGETS,
               /* Translators: %s says what is wrong with the file */
               _("The built-in targets file is broken: %s."), what);
  return FALSE;
}

static gboolean
date_is_valid (const char *date)
{
  guint y, m, d;

  if (date == NULL || strlen (date) != 10 || date[4] != '-' || date[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (date[i]))
      return FALSE;
  y = atoi (date);
  m = atoi (date + 5);
  d = atoi (date + 8);
  return y >= 1900 && g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

static gboolean
load_targets (StReport  *report,
              GError   **error)
{
  g_autoptr(GBytes) bytes = g_resource_lookup_data (st_core_get_resource (), TARGETS_RESOURCE, 0, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) kinds = g_strv_builder_new ();
  JsonObject *root;
  JsonNode *node;
  JsonArray *array;

  if (bytes == NULL)
    return targets_refuse (error, "targets.json is missing");
  if (!st_json_parser_load (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return targets_refuse (error, "not a JSON object");
  root = json_node_get_object (json_parser_get_root (parser));

  node = json_object_get_member (root, "targets");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return targets_refuse (error, "“targets” must be a list");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *o;
      JsonNode *date, *n;
      Target t = { { 0 }, 0, 0 };

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return targets_refuse (error, "each target must be an object");
      o = json_node_get_object (item);
      date = json_object_get_member (o, "date");
      n = json_object_get_member (o, "participants");
      if (date == NULL || json_node_get_value_type (date) != G_TYPE_STRING
          || !date_is_valid (json_node_get_string (date)))
        return targets_refuse (error, "a target’s “date” must be YYYY-MM-DD");
      if (n == NULL || json_node_get_value_type (n) != G_TYPE_INT64 || json_node_get_int (n) <= 0)
        return targets_refuse (error, "a target’s “participants” must be a whole number above 0");
      g_strlcpy (t.date, json_node_get_string (date), sizeof t.date);
      t.participants = json_node_get_int (n);
      if (report->targets->len > 0
          && strcmp (g_array_index (report->targets, Target, report->targets->len - 1).date, t.date) >= 0)
        return targets_refuse (error, "targets must be in date order");
      g_array_append_val (report->targets, t);
    }

  node = json_object_get_member (root, "funding_per_finished_participant");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < 0)
    return targets_refuse (error, "“funding_per_finished_participant” must be a whole number of yuan");
  report->yuan_per_participant = json_node_get_int (node);

  node = json_object_get_member (root, "funded_program_kinds");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return targets_refuse (error, "“funded_program_kinds” must be a list of \"diploma\" and \"training\"");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *kind = json_node_get_value_type (item) == G_TYPE_STRING ? json_node_get_string (item) : NULL;

      if (g_strcmp0 (kind, "diploma") != 0 && g_strcmp0 (kind, "training") != 0)
        return targets_refuse (error, "“funded_program_kinds” may hold only \"diploma\" and \"training\"");
      g_strv_builder_add (kinds, kind);
    }
  report->funded_kinds = g_strv_builder_end (kinds);
  return TRUE;
}

/* Report */

static void
township_free (Township *t)
{
  if (t == NULL)
    return;
  g_free (t->code);
  g_free (t->name);
  g_free (t->short_name);
  g_free (t->county_code);
  g_free (t);
}

static void
item_free (Item *item)
{
  g_free (item->key);
  g_free (item->label);
  g_free (item);
}

void
st_report_free (StReport *report)
{
  if (report == NULL)
    return;
  g_free (report->first_day);
  g_free (report->last_day);
  g_free (report->township_code);
  g_free (report->county_name);
  g_free (report->scope_name);
  g_free (report->generated_on);
  g_clear_pointer (&report->townships, g_ptr_array_unref);
  g_clear_pointer (&report->targets, g_array_unref);
  g_clear_pointer (&report->progress, g_array_unref);
  for (guint i = 0; i < N_BREAKDOWNS; i++)
    g_clear_pointer (&report->breakdowns[i], g_ptr_array_unref);
  g_strfreev (report->funded_kinds);
  g_clear_pointer (&report->funded_programs, g_ptr_array_unref);
  g_free (report->funded_json);
  g_free (report);
}

/* Binds the parameters every report statement shares: ?1 the first day,
 * ?2 the last day, ?3 the township (NULL = all), ?4 the funded program
 * codes as a JSON array. A statement binds the ones it has. */
static void
bind_scope (sqlite3_stmt   *stmt,
            const StReport *report)
{
  int n = sqlite3_bind_parameter_count (stmt);

  if (n >= 1)
    sqlite3_bind_text (stmt, 1, report->first_day, -1, SQLITE_STATIC);
  if (n >= 2)
    sqlite3_bind_text (stmt, 2, report->last_day, -1, SQLITE_STATIC);
  if (n >= 3)
    st_db_bind_text (stmt, 3, report->township_code);
  if (n >= 4)
    sqlite3_bind_text (stmt, 4, report->funded_json, -1, SQLITE_STATIC);
}

static gboolean
query_done (StDb          *db,
            sqlite3_stmt  *stmt,
            int            rc,
            GError       **error)
{
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("computing the quarterly report"), error);
  return TRUE;
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           i)
{
  const char *text = (const char *) sqlite3_column_text (stmt, i);

  return text != NULL ? text : "";
}

static int
code_index (const char *const *codes,
            guint              n,
            const char        *code)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (codes[i], code) == 0)
      return (int) i;
  return -1;
}

/* The township row of @code, made on first sight: data may name a township
 * the divisions table lacks (imported elsewhere); its figures still belong
 * in the total. */
static Township *
township_for (GHashTable *by_code,
              GPtrArray  *all,
              const char *code)
{
  Township *t = g_hash_table_lookup (by_code, code);

  if (t == NULL)
    {
      t = g_new0 (Township, 1);
      t->code = g_strdup (code);
      t->name = g_strdup (code);
      t->short_name = g_strdup (code);
      g_ptr_array_add (all, t);
      g_hash_table_insert (by_code, t->code, t);
    }
  return t;
}

static int
compare_townships (gconstpointer a,
                   gconstpointer b)
{
  return strcmp ((*(Township *const *) a)->code, (*(Township *const *) b)->code);
}

static gboolean
figures_are_zero (const Figures *f)
{
  static const Figures zero;

  return memcmp (f, &zero, sizeof zero) == 0;
}

static void
figures_add (Figures       *sum,
             const Figures *f)
{
  /* Participant counts are distinct counts: they do not add up and are
   * computed for the total by their own query. */
  sum->new_enrolments += f->new_enrolments;
  sum->cumulative_enrolments += f->cumulative_enrolments;
  sum->in_study += f->in_study;
  sum->graduated += f->graduated;
  sum->completed += f->completed;
  sum->withdrawn += f->withdrawn;
  for (guint m = 0; m < N_MODES; m++)
    {
      sum->sessions[m] += f->sessions[m];
      sum->session_minutes[m] += f->session_minutes[m];
      sum->attendances[m] += f->attendances[m];
      sum->attended_minutes[m] += f->attended_minutes[m];
    }
}

/* What the figures need of the live participants and of the live
 * enrolments of the scope dated by the last day, gathered once into temp
 * tables of this connection (in memory), which the figures then read with
 * plain GROUP BYs. The participants table is read in one scan: looking
 * 100,000 participants up one by one by their text key, once per figure,
 * was most of the report's time. */
static const char people_table_sql[] =
  "CREATE TEMP TABLE IF NOT EXISTS st_report_people ("
  " id TEXT PRIMARY KEY NOT NULL, live INTEGER, sex INTEGER, ethnicity TEXT, poverty TEXT, birth_date TEXT)"
  " WITHOUT ROWID";
static const char enrolments_table_sql[] =
  "CREATE TEMP TABLE IF NOT EXISTS st_report_enrolments ("
  " township_code TEXT, participant_id TEXT, enrolled_on TEXT, state TEXT, state_date TEXT,"
  " program_id TEXT, major TEXT)";

static gboolean
run_statement (StDb        *db,
               const char  *sql,
               StReport    *report,
               GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (report != NULL)
    bind_scope (stmt, report);
  return query_done (db, stmt, sqlite3_step (stmt), error);
}

static gboolean
gather (StDb      *db,
        StReport  *report,
        GError   **error)
{
  return run_statement (db, people_table_sql, NULL, error)
         && run_statement (db, enrolments_table_sql, NULL, error)
         && run_statement (db, "DELETE FROM temp.st_report_people", NULL, error)
         && run_statement (db, "DELETE FROM temp.st_report_enrolments", NULL, error)
         && run_statement (db,
                           "INSERT INTO temp.st_report_people"
                           " SELECT id, deleted = 0 AND merged_into IS NULL, sex, coalesce (ethnicity, ''),"
                           "  coalesce (poverty, 'none'), birth_date"
                           " FROM participants",
                           NULL, error)
         /* CROSS JOIN: enrolments outside, the people in memory looked up
          * by key, rather than the other way round from the disk. */
         && run_statement (db,
                           "INSERT INTO temp.st_report_enrolments"
                           " SELECT e.township_code, e.participant_id, e.enrolled_on, e.state, e.state_date,"
                           "  c.program_id, coalesce (m.name, nullif (c.major_id, ''), '')"
                           " FROM enrolments e"
                           " CROSS JOIN temp.st_report_people pp ON pp.id = e.participant_id"
                           " JOIN classes c ON c.id = e.class_id"
                           " LEFT JOIN majors m ON m.id = c.major_id AND m.deleted = 0"
                           " WHERE e.deleted = 0 AND pp.live AND c.deleted = 0"
                           " AND e.enrolled_on <= ?2 AND (?3 IS NULL OR e.township_code = ?3)",
                           report, error);
}

/* The rows gathered are personal data: they are not kept beyond the
 * report. */
static void
release (StDb *db)
{
  static const char *const statements[] = {
    "DELETE FROM temp.st_report_people",
    "DELETE FROM temp.st_report_enrolments",
  };

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      sqlite3_stmt *stmt = st_db_prepare (db, statements[i], NULL);

      /* Left behind, the rows stay in this connection's memory until the
       * next report empties the tables: worth a line in the log. */
      if (stmt != NULL && sqlite3_step (stmt) != SQLITE_DONE)
        g_warning ("The report's working rows could not be emptied: %s",
                   sqlite3_errmsg (st_db_get_handle (db)));
      if (stmt != NULL)
        sqlite3_reset (stmt);
    }
}

/* The date a participant first finished a funded program, '' when the
 * state has no date, NULL when they have not. */
#define FINISHED_ON \
  " min (CASE WHEN (state = 'graduated' OR state = 'completed')" \
  "   AND coalesce (state_date, '') <= ?2" \
  "   AND program_id IN (SELECT value FROM json_each (?4))" \
  "   THEN coalesce (state_date, '') END)"

/* A query of figures per township: its first column the township's code,
 * then (with @by_mode) a session mode, then one figure a field of Figures,
 * given by its offset (with a mode, that mode's element of the array). */
typedef struct
{
  const char *sql;
  gboolean    by_mode;
  guint       n;
  gsize       fields[6];
} TownshipQuery;

#define FIELD(name) G_STRUCT_OFFSET (Figures, name)

/* Enrolment counts per township: new, cumulative, and by state at the end of
 * the last day. */
static const TownshipQuery enrolment_counts = {
  "SELECT township_code, count (*), sum (enrolled_on >= ?1),"
  " sum (state = 'studying' OR coalesce (state_date, '') > ?2),"
  " sum (state = 'graduated' AND coalesce (state_date, '') <= ?2),"
  " sum (state = 'completed' AND coalesce (state_date, '') <= ?2),"
  " sum (state = 'withdrawn' AND coalesce (state_date, '') <= ?2)"
  " FROM temp.st_report_enrolments"
  " GROUP BY township_code",
  FALSE, 6,
  { FIELD (cumulative_enrolments), FIELD (new_enrolments), FIELD (in_study), FIELD (graduated),
    FIELD (completed), FIELD (withdrawn) },
};

/* Distinct participants per township: cumulative, new (first enrolment in
 * the township dated in the quarter), finished for funding. */
static const TownshipQuery participant_counts = {
  "SELECT township_code, count (*), sum (first_on >= ?1), sum (finished_on >= ?1), count (finished_on)"
  " FROM (SELECT township_code, min (enrolled_on) AS first_on," FINISHED_ON " AS finished_on"
  "  FROM temp.st_report_enrolments GROUP BY township_code, participant_id)"
  " GROUP BY township_code",
  FALSE, 4,
  { FIELD (cumulative_participants), FIELD (new_participants), FIELD (finished_in_quarter),
    FIELD (finished_cumulative) },
};

/* Sessions of the quarter per township and mode, and their hours. */
static const TownshipQuery session_counts = {
  "SELECT s.township_code, s.mode, count (*), sum (s.minutes)"
  " FROM sessions s JOIN classes c ON c.id = s.class_id"
  " WHERE s.deleted = 0 AND c.deleted = 0 AND s.date >= ?1 AND s.date <= ?2"
  " AND (?3 IS NULL OR s.township_code = ?3)"
  " GROUP BY s.township_code, s.mode",
  TRUE, 2,
  { FIELD (sessions), FIELD (session_minutes) },
};

/* From the sessions of the quarter to their attendance (attendance_session):
 * CROSS JOIN keeps SQLite to that order, which reads only the quarter's
 * rows; without statistics it would scan all of attendance. Rows are left
 * out by the short list of deleted and merged participants rather than
 * kept by a lookup of each of some 400,000 in the long list of live ones,
 * which cost a third of the report. (So an attendance row that sync brought
 * before its participant counts.) */
static const TownshipQuery attendance_counts = {
  "SELECT s.township_code, s.mode, count (*), sum (a.minutes)"
  " FROM sessions s JOIN classes c ON c.id = s.class_id"
  " CROSS JOIN attendance a ON a.session_id = s.id"
  " WHERE s.deleted = 0 AND c.deleted = 0 AND s.date >= ?1 AND s.date <= ?2"
  " AND (?3 IS NULL OR s.township_code = ?3)"
  " AND a.deleted = 0 AND a.status = 'present'"
  " AND a.participant_id NOT IN (SELECT id FROM temp.st_report_people WHERE NOT live)"
  " GROUP BY s.township_code, s.mode",
  TRUE, 2,
  { FIELD (attendances), FIELD (attended_minutes) },
};

static gboolean
query_townships (StDb                *db,
                 StReport            *report,
                 GHashTable          *by_code,
                 GPtrArray           *all,
                 const TownshipQuery *q,
                 GError             **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, q->sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, report);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Township *t = township_for (by_code, all, column_text (stmt, 0));
      int m = 0;
      int first = 1;

      if (q->by_mode)
        {
          m = code_index (st_report_mode_codes, N_MODES, column_text (stmt, 1));
          if (m < 0)
            continue;
          first = 2;
        }
      for (guint i = 0; i < q->n; i++)
        G_STRUCT_MEMBER (gint64, &t->f, q->fields[i] + m * sizeof (gint64)) = sqlite3_column_int64 (stmt, first + i);
    }
  return query_done (db, stmt, rc, error);
}

/* Distinct participants of the whole scope, by the date of their first
 * enrolment: the totals, and the cumulative figure on any date (progress
 * chart, targets) from one pass. */
static gboolean
query_first_dates (StDb      *db,
                   StReport  *report,
                   GArray    *first_dates,
                   GError   **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
    "SELECT first_on, count (*), sum (finished_on >= ?1), count (finished_on)"
    " FROM (SELECT min (enrolled_on) AS first_on," FINISHED_ON " AS finished_on"
    "  FROM temp.st_report_enrolments GROUP BY participant_id)"
    " GROUP BY first_on ORDER BY first_on", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, report);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FirstDate d = { { 0 }, sqlite3_column_int64 (stmt, 1) };
      const char *date = column_text (stmt, 0);

      g_strlcpy (d.date, date, sizeof d.date);
      g_array_append_val (first_dates, d);
      report->total.cumulative_participants += d.participants;
      if (strcmp (date, report->first_day) >= 0)
        report->total.new_participants += d.participants;
      report->total.finished_in_quarter += sqlite3_column_int64 (stmt, 2);
      report->total.finished_cumulative += sqlite3_column_int64 (stmt, 3);
    }
  return query_done (db, stmt, rc, error);
}

static Item *
item_new (const char *key,
          const char *label,
          gint64      participants)
{
  Item *item = g_new0 (Item, 1);

  item->key = g_strdup (key);
  item->label = g_strdup (label);
  item->participants = participants;
  return item;
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const Item *x = *(Item *const *) a, *y = *(Item *const *) b;

  if (x->participants != y->participants)
    return x->participants > y->participants ? -1 : 1;
  return strcmp (x->key, y->key);
}

/* Sex, ethnicity, poverty and age band of the cumulative participants, in
 * one pass; the four breakdowns are its margins. */
static gboolean
query_people (StDb      *db,
              StReport  *report,
              GError   **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
    "SELECT sex, ethnicity, poverty,"
    " CASE WHEN age BETWEEN 15 AND 24 THEN 0 WHEN age BETWEEN 25 AND 34 THEN 1"
    "  WHEN age BETWEEN 35 AND 44 THEN 2 WHEN age BETWEEN 45 AND 59 THEN 3 ELSE 4 END,"
    " count (*)"
    " FROM (SELECT sex, ethnicity, poverty,"
    "   CAST (substr (?2, 1, 4) AS INTEGER) - CAST (substr (birth_date, 1, 4) AS INTEGER)"
    "   - (substr (?2, 6, 5) < substr (birth_date, 6, 5)) AS age"
    "  FROM temp.st_report_people WHERE id IN (SELECT participant_id FROM temp.st_report_enrolments))"
    " GROUP BY 1, 2, 3, 4", error);
  gint64 sex[2] = { 0, 0 }, age[G_N_ELEMENTS (age_bands)] = { 0, };
  gint64 poverty[G_N_ELEMENTS (poverty_codes)] = { 0, };
  g_autoptr(GHashTable) ethnicity = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, report);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 n = sqlite3_column_int64 (stmt, 4);
      int s = sqlite3_column_int (stmt, 0);
      int pv = code_index (poverty_codes, G_N_ELEMENTS (poverty_codes), column_text (stmt, 2));
      int band = sqlite3_column_int (stmt, 3);
      gint64 *e = g_hash_table_lookup (ethnicity, column_text (stmt, 1));

      if (s == 1 || s == 2)
        sex[s - 1] += n;
      if (pv >= 0)
        poverty[pv] += n;
      age[CLAMP (band, 0, (int) G_N_ELEMENTS (age_bands) - 1)] += n;
      if (e == NULL)
        {
          e = g_new0 (gint64, 1);
          g_hash_table_insert (ethnicity, g_strdup (column_text (stmt, 1)), e);
        }
      *e += n;
    }
  if (!query_done (db, stmt, rc, error))
    return FALSE;

  /* Fixed categories are all listed, zeros too: a table with a row missing
   * reads as an omission. */
  g_ptr_array_add (report->breakdowns[BY_SEX], item_new ("male", st_sex_to_display (ST_SEX_MALE), sex[0]));
  g_ptr_array_add (report->breakdowns[BY_SEX], item_new ("female", st_sex_to_display (ST_SEX_FEMALE), sex[1]));
  for (guint i = 0; i < G_N_ELEMENTS (age_bands); i++)
    g_ptr_array_add (report->breakdowns[BY_AGE], item_new (age_bands[i], age_band_label (i), age[i]));
  for (guint i = 0; i < G_N_ELEMENTS (poverty_codes); i++)
    g_ptr_array_add (report->breakdowns[BY_POVERTY],
                     item_new (poverty_codes[i], poverty_label (poverty_codes[i]), poverty[i]));
  g_hash_table_iter_init (&iter, ethnicity);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (report->breakdowns[BY_ETHNICITY],
                     item_new (key, *(const char *) key ? key : _("Not recorded"), *(gint64 *) value));
  g_ptr_array_sort (report->breakdowns[BY_ETHNICITY], compare_items);
  return TRUE;
}

/* Majors: classes.major_id holds a major's id or, as the records module
 * writes it, its name. */
static gboolean
query_majors (StDb      *db,
              StReport  *report,
              GError   **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
    "SELECT major, count (DISTINCT participant_id) FROM temp.st_report_enrolments GROUP BY major", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, report);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *major = column_text (stmt, 0);

      g_ptr_array_add (report->breakdowns[BY_MAJOR],
                       item_new (major, *major ? major : _("No major"), sqlite3_column_int64 (stmt, 1)));
    }
  if (!query_done (db, stmt, rc, error))
    return FALSE;
  g_ptr_array_sort (report->breakdowns[BY_MAJOR], compare_items);
  return TRUE;
}

static gboolean
query_programs (StDb       *db,
                StReport   *report,
                GPtrArray  *programs,
                GError    **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
    "SELECT program_id, count (DISTINCT participant_id) FROM temp.st_report_enrolments GROUP BY program_id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, report);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *code = column_text (stmt, 0);
      const char *label = code;

      for (guint i = 0; i < programs->len; i++)
        {
          const StProgram *program = g_ptr_array_index (programs, i);

          if (g_str_equal (program->code, code))
            label = program_label (program);
        }
      g_ptr_array_add (report->breakdowns[BY_PROGRAM], item_new (code, label, sqlite3_column_int64 (stmt, 1)));
    }
  if (!query_done (db, stmt, rc, error))
    return FALSE;
  g_ptr_array_sort (report->breakdowns[BY_PROGRAM], compare_items);
  return TRUE;
}

/* The funded programs: those of a kind targets.json names. */
static void
find_funded_programs (StReport   *report,
                      GPtrArray  *programs)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < programs->len; i++)
    {
      const StProgram *program = g_ptr_array_index (programs, i);
      const char *kind = program->kind == ST_PROGRAM_DIPLOMA ? "diploma" : "training";

      if (g_strv_contains ((const char *const *) report->funded_kinds, kind))
        {
          json_builder_add_string_value (builder, program->code);
          g_ptr_array_add (report->funded_programs, g_strdup (program_label (program)));
        }
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  report->funded_json = json_to_string (root, FALSE);
}

/* The townships to list: from the divisions table, with their county. */
static gboolean
load_townships (StDb        *db,
                StReport    *report,
                GHashTable  *by_code,
                GPtrArray   *all,
                GHashTable  *county_names,
                GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
    "SELECT code, name, short_name, parent_code, level FROM divisions"
    " WHERE level = 'township' OR level = 'county' ORDER BY code", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (g_str_equal (column_text (stmt, 4), "county"))
        {
          g_hash_table_insert (county_names, g_strdup (column_text (stmt, 0)), g_strdup (column_text (stmt, 1)));
        }
      else
        {
          Township *t = township_for (by_code, all, column_text (stmt, 0));

          g_free (t->name);
          t->name = g_strdup (column_text (stmt, 1));
          g_free (t->short_name);
          t->short_name = g_strdup (column_text (stmt, 2));
          t->county_code = g_strdup (column_text (stmt, 3));
        }
    }
  return query_done (db, stmt, rc, error);
}

static gint64
cumulative_on (GArray     *first_dates,
               const char *date)
{
  gint64 n = 0;

  for (guint i = 0; i < first_dates->len; i++)
    {
      const FirstDate *d = &g_array_index (first_dates, FirstDate, i);

      if (strcmp (d->date, date) > 0)
        break;
      n += d->participants;
    }
  return n;
}

/* The target in force on @date: the first one not yet due; after the last
 * one, the last one, which still measures the program. */
static const Target *
target_in_force (GArray     *targets,
                 const char *date)
{
  for (guint i = 0; i < targets->len; i++)
    if (strcmp (g_array_index (targets, Target, i).date, date) >= 0)
      return &g_array_index (targets, Target, i);
  return targets->len > 0 ? &g_array_index (targets, Target, targets->len - 1) : NULL;
}

static void
compute_progress (StReport *report,
                  GArray   *first_dates)
{
  int last = quarter_index (&report->quarter);
  int first = last;

  if (first_dates->len > 0)
    {
      StQuarter q = quarter_of_date (g_array_index (first_dates, FirstDate, 0).date);

      first = MIN (quarter_index (&q), last);
    }
  first = MAX (first, last - CHART_MAX_QUARTERS + 1);

  for (int i = first; i <= last; i++)
    {
      Point point = { quarter_from_index (i), 0, 0 };
      g_autofree char *end = st_quarter_last_day (&point.quarter);
      const Target *target = target_in_force (report->targets, end);

      point.cumulative = cumulative_on (first_dates, end);
      point.target = report->township_code == NULL && target != NULL ? target->participants : 0;
      g_array_append_val (report->progress, point);
    }

  for (guint i = 0; i < report->targets->len; i++)
    {
      Target *t = &g_array_index (report->targets, Target, i);

      t->achieved = cumulative_on (first_dates,
                                   strcmp (t->date, report->last_day) < 0 ? t->date : report->last_day);
    }
}

static gboolean
timed (gboolean    ok,
       const char *what,
       gint64      t0)
{
  g_debug ("%s: %.3f s", what, (g_get_monotonic_time () - t0) / 1e6);
  return ok;
}

StReport *
st_report_quarterly (StDb             *db,
                     const StQuarter  *quarter,
                     const char       *township_code,
                     GError          **error)
{
  g_autoptr(StReport) report = g_new0 (StReport, 1);
  g_autoptr(GHashTable) by_code = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) township_free);
  g_autoptr(GHashTable) county_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) counties_with_data = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) first_dates = g_array_new (FALSE, FALSE, sizeof (FirstDate));
  g_autoptr(GPtrArray) programs = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  const char *county_code = NULL;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok;

  g_return_val_if_fail (ST_IS_DB (db), NULL);
  g_return_val_if_fail (quarter != NULL && quarter->quarter >= 1 && quarter->quarter <= 4, NULL);

  report->quarter = *quarter;
  report->first_day = st_quarter_first_day (quarter);
  report->last_day = st_quarter_last_day (quarter);
  report->township_code = g_strdup (township_code);
  report->generated_on = g_date_time_format (now, "%Y-%m-%d");
  report->townships = g_ptr_array_new_with_free_func ((GDestroyNotify) township_free);
  report->targets = g_array_new (FALSE, FALSE, sizeof (Target));
  report->progress = g_array_new (FALSE, FALSE, sizeof (Point));
  report->funded_programs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < N_BREAKDOWNS; i++)
    report->breakdowns[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);

  if (!load_targets (report, error))
    return NULL;
  programs = st_program_list (db, error);
  if (programs == NULL)
    return NULL;
  find_funded_programs (report, programs);
  if (!load_townships (db, report, by_code, all, county_names, error))
    return NULL;
  if (township_code != NULL)
    {
      Township *t = g_hash_table_lookup (by_code, township_code);

      if (t == NULL || t->county_code == NULL)
        {
          g_set_error (error, ST_REPORT_ERROR, ST_REPORT_ERROR_TOWNSHIP,
                       _("“%s” is not the code of a township of this database."), township_code);
          return NULL;
        }
    }

  /* Each step is timed for G_MESSAGES_DEBUG=st-report: the report has a
   * budget of 2 s on 3,000,000 attendance rows. */
  ok = timed (gather (db, report, error), "participants and enrolments gathered", t0)
       && timed (query_townships (db, report, by_code, all, &enrolment_counts, error), "enrolment counts", t0)
       && timed (query_townships (db, report, by_code, all, &participant_counts, error), "participants", t0)
       && timed (query_first_dates (db, report, first_dates, error), "first enrolments", t0)
       && timed (query_people (db, report, error), "people", t0)
       && timed (query_majors (db, report, error), "majors", t0)
       && timed (query_programs (db, report, programs, error), "programs", t0)
       && timed (query_townships (db, report, by_code, all, &session_counts, error), "sessions", t0)
       && timed (query_townships (db, report, by_code, all, &attendance_counts, error), "attendance", t0);
  release (db);
  if (!ok)
    return NULL;

  /* The rows shown: the township asked for; or the townships of the
   * counties that have data (a laptop may hold the divisions of a
   * neighbouring county it imported), plus codes missing from the divisions
   * table that have data, so that the rows add up to the total. */
  for (guint i = 0; i < all->len; i++)
    {
      Township *t = g_ptr_array_index (all, i);

      if (t->county_code != NULL && !figures_are_zero (&t->f))
        g_hash_table_add (counties_with_data, t->county_code);
    }
  for (guint i = 0; i < all->len; i++)
    {
      Township *t = g_ptr_array_index (all, i);
      gboolean shown;

      if (township_code != NULL)
        shown = g_str_equal (t->code, township_code);
      else if (t->county_code == NULL)
        shown = !figures_are_zero (&t->f);
      else
        shown = g_hash_table_size (counties_with_data) == 0
                || g_hash_table_contains (counties_with_data, t->county_code);
      if (!shown)
        continue;
      figures_add (&report->total, &t->f);
      if (county_code == NULL && t->county_code != NULL)
        county_code = t->county_code;
      g_ptr_array_add (report->townships, g_steal_pointer (&g_ptr_array_index (all, i)));
    }
  g_ptr_array_sort (report->townships, compare_townships);

  if (county_code != NULL)
    report->county_name = g_strdup (g_hash_table_lookup (county_names, county_code));
  if (report->county_name == NULL)
    report->county_name = g_strdup ("");
  if (township_code != NULL)
    report->scope_name = g_strconcat (report->county_name,
                                      ((Township *) g_ptr_array_index (report->townships, 0))->name, NULL);
  else
    report->scope_name = g_strdup (report->county_name);

  /* Targets are the county's; a township's report shows its own progress. */
  if (township_code != NULL)
    g_array_set_size (report->targets, 0);
  compute_progress (report, first_dates);

  g_debug ("quarterly report %d Q%d computed in %.3f s", quarter->year, quarter->quarter,
           (g_get_monotonic_time () - t0) / 1e6);
  return g_steal_pointer (&report);
}

/* Output: shared wording and formats */

gint64
st_report_sum (const gint64 *values,
        guint         n)
{
  gint64 sum = 0;

  for (guint i = 0; i < n; i++)
    sum += values[i];
  return sum;
}

char *
st_report_format_count (gint64 n)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, n);
}

/* Minutes as hours with at most two decimals ("8", "7.5", "0.75"), the same
 * in every locale, so that a CSV reads the same everywhere. */
char *
st_report_format_hours (gint64 minutes)
{
  gint64 hundredths = (minutes * 100 + 30) / 60;
  gint64 whole = hundredths / 100;
  int fraction = (int) (hundredths % 100);

  if (fraction == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, whole);
  if (fraction % 10 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT ".%d", whole, fraction / 10);
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", whole, fraction);
}

double
st_report_percent (gint64 part,
            gint64 whole)
{
  return whole > 0 ? (double) ((gint64) (1000.0 * part / whole + 0.5)) / 10.0 : 0.0;
}

char *
st_report_format_percent (gint64 part,
                gint64 whole)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (whole <= 0)
    return g_strdup ("—");
  g_ascii_formatd (buffer, sizeof buffer, "%.1f", st_report_percent (part, whole));
  return g_strdup_printf ("%s%%", buffer);
}

char *
st_report_format_yuan (const StReport *report,
             gint64          participants)
{
  return st_report_format_count (participants * report->yuan_per_participant);
}

static char *
funded_programs_text (const StReport *report)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < report->funded_programs->len; i++)
    {
      if (i > 0)
        /* Translators: the separator between the items of a list, “、” in Chinese */
        g_string_append (text, _(", "));
      g_string_append (text, g_ptr_array_index (report->funded_programs, i));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* What counts as finished for funding: on every page of the PDF, in the
 * notes of the CSV and in the JSON. */
char *
st_report_funding_definition (const StReport *report)
{
  g_autofree char *programs = funded_programs_text (report);
  g_autofree char *yuan = st_report_format_count (report->yuan_per_participant);

  /* Translators: %1$s the funded programs, %2$s the quarter’s last day
   * (YYYY-MM-DD), %3$s the amount in yuan; the county plan is 册亨县职业技能学历双提升工程实施方案,
   * part 4(2) is its §四(二) */
  return g_strdup_printf (_("Finished training, for funding (county plan, part 4(2)): a participant of %s whose "
                            "enrolment was graduated or completed by %s; %s yuan per participant, "
                            "counted once however many classes they finished."),
                          programs, report->last_day, yuan);
}

GPtrArray *
st_report_notes (const StReport *report)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (list, g_strdup (_("Only live records count: deleted records, and participants merged "
                                     "into another record, are left out.")));
  g_ptr_array_add (list, g_strdup (_("Township: the township of the class. Someone enrolled in classes of "
                                     "two townships counts in each of them and once in the total.")));
  g_ptr_array_add (list, g_strdup (_("Cumulative participants: distinct participants enrolled in any class "
                                     "by the quarter’s last day, whatever their state now. The targets "
                                     "count this figure.")));
  g_ptr_array_add (list, g_strdup (_("New enrolments: enrolments dated in the quarter. New participants: "
                                     "participants whose first enrolment is dated in the quarter.")));
  g_ptr_array_add (list, g_strdup (_("In study, graduated, completed, withdrawn: every enrolment dated by "
                                     "the quarter’s last day, in its state at the end of that day.")));
  g_ptr_array_add (list, g_strdup (_("Sessions and session hours: sessions dated in the quarter, by mode. "
                                     "Attendances and participant-hours: the participants marked present "
                                     "at them, with the hours credited to each.")));
  g_ptr_array_add (list, st_report_funding_definition (report));
  g_ptr_array_add (list, g_strdup (_("Participants by sex, ethnicity, poverty registration and age (on the "
                                     "quarter’s last day): the cumulative participants. By program and "
                                     "major, a participant counts once in each they are enrolled in, so "
                                     "those shares may add up to more than 100%.")));
  return list;
}

char *
st_report_title (const StReport *report)
{
  /* Translators: %s is the county, or the county and township, e.g. 册亨县;
   * in Chinese: %s职业技能学历双提升工程季度进展报告 */
  return g_strdup_printf (_("%s Skills and Degree Dual Upgrade Program: Quarterly Progress Report"),
                          report->scope_name);
}

char *
st_report_period (const StReport *report)
{
  g_autofree char *label = st_report_quarter_label (&report->quarter);

  /* Translators: the quarter (“2025 Q3”), its first and its last day */
  return g_strdup_printf (_("%s (%s to %s)"), label, report->first_day, report->last_day);
}

const char *
st_report_breakdown_title (Breakdown b)
{
  switch (b)
    {
    case BY_PROGRAM:
      return _("Program");
    case BY_MAJOR:
      return _("Major");
    case BY_SEX:
      return _("Sex");
    case BY_AGE:
      return _("Age");
    case BY_ETHNICITY:
      return _("Ethnicity");
    case BY_POVERTY:
      return _("Poverty registration");
    case N_BREAKDOWNS:
    default:
      return "";
    }
}

const char *
st_report_target_status (const StReport *report,
               const Target   *t)
{
  if (t->achieved >= t->participants)
    return _("Reached");
  if (strcmp (t->date, report->last_day) <= 0)
    return _("Not reached");
  return _("In progress");
}
