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

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "st-core-resources.h"
#include "st-json-guard.h"
#include "st-participant.h"
#include "st-program.h"
#include "st-report.h"

G_DEFINE_QUARK (st-report-error-quark, st_report_error)

#define TARGETS_RESOURCE "/io/github/shuangti/Shuangti/core/targets.json"
#define FONT_FAMILY "Noto Sans CJK SC"
/* More quarters than this do not fit the chart's width legibly; the earlier
 * ones are in the first bar anyway, since the figure is cumulative. */
#define CHART_MAX_QUARTERS 16

enum { MODE_CONCENTRATED, MODE_ONLINE, MODE_PRACTICAL, N_MODES };
static const char *const mode_codes[N_MODES] = { "concentrated", "online", "practical" };

typedef enum
{
  BY_PROGRAM,
  BY_MAJOR,
  BY_SEX,
  BY_AGE,
  BY_ETHNICITY,
  BY_POVERTY,
  N_BREAKDOWNS
} Breakdown;
static const char *const breakdown_codes[N_BREAKDOWNS] = {
  "program", "major", "sex", "age_band", "ethnicity", "poverty",
};

static const char *const age_bands[] = { "15-24", "25-34", "35-44", "45-59", "other" };
static const char *const poverty_codes[] = { "lifted", "monitored", "none" };

typedef struct
{
  gint64 new_enrolments;
  gint64 new_participants;
  gint64 cumulative_participants;
  gint64 cumulative_enrolments;
  gint64 in_study;
  gint64 graduated;
  gint64 completed;
  gint64 withdrawn;
  gint64 sessions[N_MODES];
  gint64 session_minutes[N_MODES];
  gint64 attendances[N_MODES];
  gint64 attended_minutes[N_MODES];
  gint64 finished_in_quarter;
  gint64 finished_cumulative;
} Figures;

typedef struct
{
  char    *code;
  char    *name;
  char    *short_name;
  char    *county_code;   /* NULL when the code is not in the divisions table */
  Figures  f;
} Township;

typedef struct
{
  char   *key;
  char   *label;
  gint64  participants;
} Item;

typedef struct
{
  char   date[11];
  gint64 participants;   /* the target */
  gint64 achieved;       /* cumulative participants on min (date, last day) */
} Target;

typedef struct
{
  StQuarter quarter;
  gint64    cumulative;
  gint64    target;      /* the target in force at its end, 0 = none */
} Point;

typedef struct
{
  char   date[11];
  gint64 participants;   /* whose first enrolment is on this date */
} FirstDate;

struct _StReport
{
  StQuarter  quarter;
  char      *first_day;
  char      *last_day;
  char      *township_code;     /* NULL: the county */
  char      *county_name;
  char      *scope_name;        /* 册亨县, or 册亨县者楼街道 */
  char      *generated_on;
  GPtrArray *townships;         /* Township, shown rows in code order */
  Figures    total;
  GArray    *targets;           /* Target, by date; empty for a township */
  GArray    *progress;          /* Point, oldest first */
  GPtrArray *breakdowns[N_BREAKDOWNS];   /* Item */
  gint64     yuan_per_participant;
  GStrv      funded_kinds;
  GPtrArray *funded_programs;   /* display names */
  char      *funded_json;       /* JSON array of the funded program codes, bound to SQL */
};

/* Labels */

static const char *
mode_label (guint mode)
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

static gboolean
ui_is_chinese (void)
{
  const char *const *languages = g_get_language_names ();

  return languages[0] != NULL && g_str_has_prefix (languages[0], "zh");
}

/* A program's name in the UI language: programs carry a Chinese name and
 * an English one. */
static const char *
program_label (const StProgram *program)
{
  if (!ui_is_chinese () && program->name_en != NULL)
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

static char *
quarter_label (const StQuarter *q)
{
  /* Translators: a year and a quarter of it, e.g. "2025 Q3" (2025年第3季度) */
  return g_strdup_printf (_("%d Q%d"), q->year, q->quarter);
}

static char *
quarter_code (const StQuarter *q)
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

/* Enrolment counts per township: new, cumulative, and by state at the end of
 * the last day. */
static gboolean
query_enrolments (StDb        *db,
                  StReport    *report,
                  GHashTable  *by_code,
                  GPtrArray   *all,
                  GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
    "SELECT township_code, count (*), sum (enrolled_on >= ?1),"
    " sum (state = 'studying' OR coalesce (state_date, '') > ?2),"
    " sum (state = 'graduated' AND coalesce (state_date, '') <= ?2),"
    " sum (state = 'completed' AND coalesce (state_date, '') <= ?2),"
    " sum (state = 'withdrawn' AND coalesce (state_date, '') <= ?2)"
    " FROM temp.st_report_enrolments"
    " GROUP BY township_code", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, report);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Township *t = township_for (by_code, all, column_text (stmt, 0));

      t->f.cumulative_enrolments = sqlite3_column_int64 (stmt, 1);
      t->f.new_enrolments = sqlite3_column_int64 (stmt, 2);
      t->f.in_study = sqlite3_column_int64 (stmt, 3);
      t->f.graduated = sqlite3_column_int64 (stmt, 4);
      t->f.completed = sqlite3_column_int64 (stmt, 5);
      t->f.withdrawn = sqlite3_column_int64 (stmt, 6);
    }
  return query_done (db, stmt, rc, error);
}

/* Distinct participants per township: cumulative, new (first enrolment in
 * the township dated in the quarter), finished for funding. */
static gboolean
query_participants (StDb        *db,
                    StReport    *report,
                    GHashTable  *by_code,
                    GPtrArray   *all,
                    GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
    "SELECT township_code, count (*), sum (first_on >= ?1), sum (finished_on >= ?1), count (finished_on)"
    " FROM (SELECT township_code, min (enrolled_on) AS first_on," FINISHED_ON " AS finished_on"
    "  FROM temp.st_report_enrolments GROUP BY township_code, participant_id)"
    " GROUP BY township_code", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, report);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Township *t = township_for (by_code, all, column_text (stmt, 0));

      t->f.cumulative_participants = sqlite3_column_int64 (stmt, 1);
      t->f.new_participants = sqlite3_column_int64 (stmt, 2);
      t->f.finished_in_quarter = sqlite3_column_int64 (stmt, 3);
      t->f.finished_cumulative = sqlite3_column_int64 (stmt, 4);
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

static gboolean
query_sessions (StDb        *db,
                StReport    *report,
                GHashTable  *by_code,
                GPtrArray   *all,
                GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
    "SELECT s.township_code, s.mode, count (*), sum (s.minutes)"
    " FROM sessions s JOIN classes c ON c.id = s.class_id"
    " WHERE s.deleted = 0 AND c.deleted = 0 AND s.date >= ?1 AND s.date <= ?2"
    " AND (?3 IS NULL OR s.township_code = ?3)"
    " GROUP BY s.township_code, s.mode", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, report);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Township *t = township_for (by_code, all, column_text (stmt, 0));
      int m = code_index (mode_codes, N_MODES, column_text (stmt, 1));

      if (m < 0)
        continue;
      t->f.sessions[m] = sqlite3_column_int64 (stmt, 2);
      t->f.session_minutes[m] = sqlite3_column_int64 (stmt, 3);
    }
  return query_done (db, stmt, rc, error);
}

/* From the sessions of the quarter to their attendance (attendance_session):
 * CROSS JOIN keeps SQLite to that order, which reads only the quarter's
 * rows; without statistics it would scan all of attendance. Rows are left
 * out by the short list of deleted and merged participants rather than
 * kept by a lookup of each of some 400,000 in the long list of live ones,
 * which cost a third of the report. (So an attendance row that sync brought
 * before its participant counts.) */
static gboolean
query_attendance (StDb        *db,
                  StReport    *report,
                  GHashTable  *by_code,
                  GPtrArray   *all,
                  GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
    "SELECT s.township_code, s.mode, count (*), sum (a.minutes)"
    " FROM sessions s JOIN classes c ON c.id = s.class_id"
    " CROSS JOIN attendance a ON a.session_id = s.id"
    " WHERE s.deleted = 0 AND c.deleted = 0 AND s.date >= ?1 AND s.date <= ?2"
    " AND (?3 IS NULL OR s.township_code = ?3)"
    " AND a.deleted = 0 AND a.status = 'present'"
    " AND a.participant_id NOT IN (SELECT id FROM temp.st_report_people WHERE NOT live)"
    " GROUP BY s.township_code, s.mode", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, report);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Township *t = township_for (by_code, all, column_text (stmt, 0));
      int m = code_index (mode_codes, N_MODES, column_text (stmt, 1));

      if (m < 0)
        continue;
      t->f.attendances[m] = sqlite3_column_int64 (stmt, 2);
      t->f.attended_minutes[m] = sqlite3_column_int64 (stmt, 3);
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
       && timed (query_enrolments (db, report, by_code, all, error), "enrolment counts", t0)
       && timed (query_participants (db, report, by_code, all, error), "participants", t0)
       && timed (query_first_dates (db, report, first_dates, error), "first enrolments", t0)
       && timed (query_people (db, report, error), "people", t0)
       && timed (query_majors (db, report, error), "majors", t0)
       && timed (query_programs (db, report, programs, error), "programs", t0)
       && timed (query_sessions (db, report, by_code, all, error), "sessions", t0)
       && timed (query_attendance (db, report, by_code, all, error), "attendance", t0);
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

static gint64
sum_of (const gint64 *values,
        guint         n)
{
  gint64 sum = 0;

  for (guint i = 0; i < n; i++)
    sum += values[i];
  return sum;
}

static char *
format_count (gint64 n)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, n);
}

/* Minutes as hours with at most two decimals ("8", "7.5", "0.75"), the same
 * in every locale, so that a CSV reads the same everywhere. */
static char *
format_hours (gint64 minutes)
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

static double
percent_of (gint64 part,
            gint64 whole)
{
  return whole > 0 ? (double) ((gint64) (1000.0 * part / whole + 0.5)) / 10.0 : 0.0;
}

static char *
format_percent (gint64 part,
                gint64 whole)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (whole <= 0)
    return g_strdup ("—");
  g_ascii_formatd (buffer, sizeof buffer, "%.1f", percent_of (part, whole));
  return g_strdup_printf ("%s%%", buffer);
}

static char *
format_yuan (const StReport *report,
             gint64          participants)
{
  return format_count (participants * report->yuan_per_participant);
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
static char *
funding_definition (const StReport *report)
{
  g_autofree char *programs = funded_programs_text (report);
  g_autofree char *yuan = format_count (report->yuan_per_participant);

  /* Translators: %1$s the funded programs, %2$s the quarter’s last day
   * (YYYY-MM-DD), %3$s the amount in yuan; the county plan is 册亨县职业技能学历双提升工程实施方案,
   * part 4(2) is its §四(二) */
  return g_strdup_printf (_("Finished training, for funding (county plan, part 4(2)): a participant of %s whose "
                            "enrolment was graduated or completed by %s; %s yuan per participant, "
                            "counted once however many classes they finished."),
                          programs, report->last_day, yuan);
}

static GPtrArray *
notes (const StReport *report)
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
  g_ptr_array_add (list, funding_definition (report));
  g_ptr_array_add (list, g_strdup (_("Participants by sex, ethnicity, poverty registration and age (on the "
                                     "quarter’s last day): the cumulative participants. By program and "
                                     "major, a participant counts once in each they are enrolled in, so "
                                     "those shares may add up to more than 100%.")));
  return list;
}

static char *
report_title (const StReport *report)
{
  /* Translators: %s is the county, or the county and township, e.g. 册亨县;
   * in Chinese: %s职业技能学历双提升工程季度进展报告 */
  return g_strdup_printf (_("%s Skills and Degree Dual Upgrade Program: Quarterly Progress Report"),
                          report->scope_name);
}

static char *
report_period (const StReport *report)
{
  g_autofree char *label = quarter_label (&report->quarter);

  /* Translators: the quarter (“2025 Q3”), its first and its last day */
  return g_strdup_printf (_("%s (%s to %s)"), label, report->first_day, report->last_day);
}

static const char *
breakdown_title (Breakdown b)
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

static const char *
target_status (const StReport *report,
               const Target   *t)
{
  if (t->achieved >= t->participants)
    return _("Reached");
  if (strcmp (t->date, report->last_day) <= 0)
    return _("Not reached");
  return _("In progress");
}

/* JSON */

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_by_code (JsonBuilder        *b,
             const char         *name,
             const char *const  *codes,
             const gint64       *values,
             guint               n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  for (guint i = 0; i < n; i++)
    add_int (b, codes[i], values[i]);
  add_int (b, "total", sum_of (values, n));
  json_builder_end_object (b);
}

static void
add_figures (JsonBuilder    *b,
             const StReport *report,
             const Figures  *f)
{
  json_builder_begin_object (b);
  add_int (b, "new_enrolments", f->new_enrolments);
  add_int (b, "new_participants", f->new_participants);
  add_int (b, "cumulative_participants", f->cumulative_participants);
  add_int (b, "cumulative_enrolments", f->cumulative_enrolments);
  add_int (b, "in_study", f->in_study);
  add_int (b, "graduated", f->graduated);
  add_int (b, "completed", f->completed);
  add_int (b, "withdrawn", f->withdrawn);
  add_by_code (b, "sessions", mode_codes, f->sessions, N_MODES);
  add_by_code (b, "session_minutes", mode_codes, f->session_minutes, N_MODES);
  add_by_code (b, "attendances", mode_codes, f->attendances, N_MODES);
  add_by_code (b, "attended_minutes", mode_codes, f->attended_minutes, N_MODES);
  add_int (b, "finished_in_quarter", f->finished_in_quarter);
  add_int (b, "finished_cumulative", f->finished_cumulative);
  add_int (b, "funding_in_quarter_yuan", f->finished_in_quarter * report->yuan_per_participant);
  add_int (b, "funding_cumulative_yuan", f->finished_cumulative * report->yuan_per_participant);
  json_builder_end_object (b);
}

JsonNode *
st_report_to_json (StReport *report)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *code = quarter_code (&report->quarter);
  g_autofree char *label = quarter_label (&report->quarter);
  g_autofree char *title = report_title (report);
  g_autofree char *definition = funding_definition (report);
  g_autoptr(GPtrArray) note_list = notes (report);

  json_builder_begin_object (b);
  add_string (b, "title", title);
  add_string (b, "quarter", code);
  add_string (b, "quarter_label", label);
  add_string (b, "first_day", report->first_day);
  add_string (b, "last_day", report->last_day);
  add_string (b, "generated_on", report->generated_on);

  json_builder_set_member_name (b, "scope");
  json_builder_begin_object (b);
  add_string (b, "township_code", report->township_code);
  add_string (b, "name", report->scope_name);
  add_string (b, "county", report->county_name);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "townships");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->townships->len; i++)
    {
      const Township *t = g_ptr_array_index (report->townships, i);

      json_builder_begin_object (b);
      add_string (b, "code", t->code);
      add_string (b, "name", t->name);
      add_string (b, "short_name", t->short_name);
      json_builder_set_member_name (b, "figures");
      add_figures (b, report, &t->f);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "total");
  add_figures (b, report, &report->total);

  json_builder_set_member_name (b, "targets");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->targets->len; i++)
    {
      const Target *t = &g_array_index (report->targets, Target, i);

      json_builder_begin_object (b);
      add_string (b, "date", t->date);
      add_int (b, "participants", t->participants);
      add_int (b, "cumulative_participants", t->achieved);
      json_builder_set_member_name (b, "percent");
      json_builder_add_double_value (b, percent_of (t->achieved, t->participants));
      json_builder_set_member_name (b, "due");
      json_builder_add_boolean_value (b, strcmp (t->date, report->last_day) <= 0);
      json_builder_set_member_name (b, "reached");
      json_builder_add_boolean_value (b, t->achieved >= t->participants);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "progress");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->progress->len; i++)
    {
      const Point *point = &g_array_index (report->progress, Point, i);
      g_autofree char *q = quarter_code (&point->quarter);
      g_autofree char *end = st_quarter_last_day (&point->quarter);

      json_builder_begin_object (b);
      add_string (b, "quarter", q);
      add_string (b, "last_day", end);
      add_int (b, "cumulative_participants", point->cumulative);
      json_builder_set_member_name (b, "target");
      if (point->target > 0)
        json_builder_add_int_value (b, point->target);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "breakdowns");
  json_builder_begin_object (b);
  for (guint i = 0; i < N_BREAKDOWNS; i++)
    {
      json_builder_set_member_name (b, breakdown_codes[i]);
      json_builder_begin_array (b);
      for (guint j = 0; j < report->breakdowns[i]->len; j++)
        {
          const Item *item = g_ptr_array_index (report->breakdowns[i], j);

          json_builder_begin_object (b);
          add_string (b, "key", item->key);
          add_string (b, "label", item->label);
          add_int (b, "participants", item->participants);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "funding");
  json_builder_begin_object (b);
  add_int (b, "yuan_per_participant", report->yuan_per_participant);
  json_builder_set_member_name (b, "program_kinds");
  json_builder_begin_array (b);
  for (guint i = 0; report->funded_kinds[i] != NULL; i++)
    json_builder_add_string_value (b, report->funded_kinds[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "programs");
  json_builder_add_value (b, st_json_from_string (report->funded_json, NULL));
  json_builder_set_member_name (b, "finished_states");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "graduated");
  json_builder_add_string_value (b, "completed");
  json_builder_end_array (b);
  add_string (b, "finished_by", report->last_day);
  add_string (b, "definition", definition);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "notes");
  json_builder_begin_array (b);
  for (guint i = 0; i < note_list->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (note_list, i));
  json_builder_end_array (b);

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* CSV */

typedef struct
{
  StCsvWriter *writer;
  GPtrArray   *row;
  GError      *error;   /* the first failure; later rows are skipped */
  GArray      *kinds;   /* StCsvFieldKind of each field of row */
} Csv;

static void
csv_take (Csv  *csv,
          char *text)
{
  StCsvFieldKind kind = ST_CSV_FIELD_TEXT;

  g_ptr_array_add (csv->row, text);
  g_array_append_val (csv->kinds, kind);
}

static void
csv_add (Csv        *csv,
         const char *text)
{
  csv_take (csv, g_strdup (text));
}

/* A figure: written as a number, never taken for a formula (the CSV
 * writer puts a ' before text that begins with - or +). */
static void
csv_number (Csv  *csv,
            char *text)
{
  StCsvFieldKind kind = ST_CSV_FIELD_NUMBER;

  g_ptr_array_add (csv->row, text);
  g_array_append_val (csv->kinds, kind);
}

static void
csv_end_row (Csv *csv)
{
  if (csv->error == NULL)
    st_csv_writer_write_row_kinds (csv->writer, (const char *const *) csv->row->pdata,
                                   (const StCsvFieldKind *) (gpointer) csv->kinds->data, csv->row->len, &csv->error);
  g_ptr_array_set_size (csv->row, 0);
  g_array_set_size (csv->kinds, 0);
}

static void
csv_line (Csv        *csv,
          const char *text)
{
  if (text != NULL)
    csv_add (csv, text);
  csv_end_row (csv);
}

static void
csv_figures (Csv            *csv,
             const StReport *report,
             const Figures  *f)
{
  csv_number (csv, format_count (f->new_enrolments));
  csv_number (csv, format_count (f->new_participants));
  csv_number (csv, format_count (f->cumulative_participants));
  csv_number (csv, format_count (f->cumulative_enrolments));
  csv_number (csv, format_count (f->in_study));
  csv_number (csv, format_count (f->graduated));
  csv_number (csv, format_count (f->completed));
  csv_number (csv, format_count (f->withdrawn));
  csv_number (csv, format_count (sum_of (f->sessions, N_MODES)));
  for (guint m = 0; m < N_MODES; m++)
    csv_number (csv, format_hours (f->session_minutes[m]));
  csv_number (csv, format_hours (sum_of (f->session_minutes, N_MODES)));
  csv_number (csv, format_count (sum_of (f->attendances, N_MODES)));
  for (guint m = 0; m < N_MODES; m++)
    csv_number (csv, format_hours (f->attended_minutes[m]));
  csv_number (csv, format_hours (sum_of (f->attended_minutes, N_MODES)));
  csv_number (csv, format_count (f->finished_in_quarter));
  csv_number (csv, format_yuan (report, f->finished_in_quarter));
  csv_number (csv, format_count (f->finished_cumulative));
  csv_number (csv, format_yuan (report, f->finished_cumulative));
  csv_end_row (csv);
}

gboolean
st_report_write_csv (StReport       *report,
                     const char     *path,
                     StCsvEncoding   encoding,
                     GError        **error)
{
  g_autoptr(StCsvWriter) writer = NULL;
  g_autoptr(GPtrArray) row = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) note_list = notes (report);
  g_autoptr(GError) local = NULL;
  g_autofree char *title = report_title (report);
  g_autofree char *period = report_period (report);
  g_autoptr(GArray) kinds = g_array_new (FALSE, FALSE, sizeof (StCsvFieldKind));
  Csv csv = { NULL, row, NULL, kinds };

  writer = st_csv_writer_new (path, encoding, &local);
  if (writer == NULL)
    {
      g_set_error_literal (error, ST_REPORT_ERROR, ST_REPORT_ERROR_WRITE, local->message);
      return FALSE;
    }
  csv.writer = writer;

  csv_line (&csv, title);
  csv_add (&csv, _("Period"));
  csv_add (&csv, period);
  csv_end_row (&csv);
  csv_add (&csv, _("Prepared on"));
  csv_add (&csv, report->generated_on);
  csv_end_row (&csv);
  csv_line (&csv, NULL);

  csv_line (&csv, _("By township"));
  csv_add (&csv, _("Township code"));
  csv_add (&csv, _("Township"));
  csv_add (&csv, _("New enrolments"));
  csv_add (&csv, _("New participants"));
  csv_add (&csv, _("Cumulative participants"));
  csv_add (&csv, _("Cumulative enrolments"));
  csv_add (&csv, _("In study"));
  csv_add (&csv, _("Graduated"));
  csv_add (&csv, C_("enrolment state", "Completed"));
  csv_add (&csv, _("Withdrawn"));
  csv_add (&csv, _("Sessions"));
  csv_add (&csv, _("Concentrated session hours"));
  csv_add (&csv, _("Online session hours"));
  csv_add (&csv, _("Practical session hours"));
  csv_add (&csv, _("Session hours"));
  csv_add (&csv, _("Attendances"));
  csv_add (&csv, _("Concentrated participant-hours"));
  csv_add (&csv, _("Online participant-hours"));
  csv_add (&csv, _("Practical participant-hours"));
  csv_add (&csv, _("Participant-hours"));
  csv_add (&csv, _("Finished this quarter"));
  csv_add (&csv, _("Funding due this quarter (yuan)"));
  csv_add (&csv, _("Finished, cumulative"));
  csv_add (&csv, _("Funding due, cumulative (yuan)"));
  csv_end_row (&csv);
  for (guint i = 0; i < report->townships->len; i++)
    {
      const Township *t = g_ptr_array_index (report->townships, i);

      csv_add (&csv, t->code);
      csv_add (&csv, t->name);
      csv_figures (&csv, report, &t->f);
    }
  csv_add (&csv, "");
  csv_add (&csv, _("Total"));
  csv_figures (&csv, report, &report->total);
  csv_line (&csv, NULL);

  if (report->targets->len > 0)
    {
      csv_line (&csv, _("Targets"));
      csv_add (&csv, _("Target date"));
      csv_add (&csv, _("Target participants"));
      csv_add (&csv, _("Cumulative participants"));
      csv_add (&csv, _("Share of target"));
      csv_add (&csv, _("Status"));
      csv_end_row (&csv);
      for (guint i = 0; i < report->targets->len; i++)
        {
          const Target *t = &g_array_index (report->targets, Target, i);

          csv_add (&csv, t->date);
          csv_number (&csv, format_count (t->participants));
          csv_number (&csv, format_count (t->achieved));
          csv_take (&csv, format_percent (t->achieved, t->participants));
          csv_add (&csv, target_status (report, t));
          csv_end_row (&csv);
        }
      csv_line (&csv, NULL);
    }

  csv_line (&csv, _("Cumulative participants by quarter"));
  csv_add (&csv, _("Quarter"));
  csv_add (&csv, _("Last day"));
  csv_add (&csv, _("Cumulative participants"));
  csv_add (&csv, _("Target in force"));
  csv_end_row (&csv);
  for (guint i = 0; i < report->progress->len; i++)
    {
      const Point *point = &g_array_index (report->progress, Point, i);

      csv_take (&csv, quarter_code (&point->quarter));
      csv_take (&csv, st_quarter_last_day (&point->quarter));
      csv_number (&csv, format_count (point->cumulative));
      csv_take (&csv, point->target > 0 ? format_count (point->target) : g_strdup (""));
      csv_end_row (&csv);
    }
  csv_line (&csv, NULL);

  for (guint b = 0; b < N_BREAKDOWNS; b++)
    {
      csv_add (&csv, breakdown_title (b));
      csv_add (&csv, _("Participants"));
      csv_add (&csv, _("Share"));
      csv_end_row (&csv);
      for (guint i = 0; i < report->breakdowns[b]->len; i++)
        {
          const Item *item = g_ptr_array_index (report->breakdowns[b], i);

          csv_add (&csv, item->label);
          csv_number (&csv, format_count (item->participants));
          csv_take (&csv, format_percent (item->participants, report->total.cumulative_participants));
          csv_end_row (&csv);
        }
      csv_line (&csv, NULL);
    }

  csv_line (&csv, _("How the figures are counted"));
  for (guint i = 0; i < note_list->len; i++)
    csv_line (&csv, g_ptr_array_index (note_list, i));

  if (csv.error == NULL)
    st_csv_writer_close (writer, &csv.error);
  if (csv.error != NULL)
    {
      g_set_error_literal (error, ST_REPORT_ERROR, ST_REPORT_ERROR_WRITE, csv.error->message);
      g_error_free (csv.error);
      return FALSE;
    }
  return TRUE;
}

/* PDF */

#define A4_WIDTH 595.276
#define A4_HEIGHT 841.89
#define MARGIN 50.0
#define TABLE_FONT 8.5
#define TABLE_PAD_X 3.0
#define TABLE_PAD_Y 3.5
#define MAX_COLUMNS 10

typedef struct
{
  StReport     *report;
  cairo_t      *cr;
  PangoContext *pango;
  double        left;
  double        right;
  double        top;
  double        bottom;     /* where the footer begins */
  double        y;          /* where the next block goes */
  int           page;       /* 1-based */
  int           n_pages;    /* 0 in the measuring pass */
  char         *footer;
  char         *running_head;
  gboolean      chinese;    /* the UI language, for typography */
  int           print_page; /* 1-based: draw this page only (printing); 0: every page */
} Doc;

typedef struct
{
  guint      n_columns;
  double     weights[MAX_COLUMNS];
  GPtrArray *cells;        /* char *, row by row; the first row is the header */
  gboolean   total_row;    /* the last row is a total: bold */
} Table;

static PangoLayout *
doc_text (Doc            *doc,
          const char     *text,
          double          size,
          gboolean        bold,
          double          width,
          PangoAlignment  alignment)
{
  PangoLayout *layout = pango_layout_new (doc->pango);
  PangoFontDescription *font = pango_font_description_new ();

  pango_font_description_set_family (font, FONT_FAMILY);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  if (width > 0)
    {
      pango_layout_set_width (layout, pango_units_from_double (width));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_text (layout, text, -1);
  if (!doc->chinese)
    {
      /* Noto Sans CJK SC draws ’ “ ” full width, as Chinese text wants them;
       * in English they would gape ("quarter’ s"). */
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_font_features_new ("pwid"));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

/* The width of the widest piece of @layout that cannot be broken: the
 * narrowest its column may be without breaking inside a word. */
static double
min_text_width (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_set_width (layout, 1);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_get_extents (layout, NULL, &logical);
  return pango_units_to_double (logical.width);
}

static double
layout_height (PangoLayout *layout)
{
  int width, height;

  pango_layout_get_size (layout, &width, &height);
  return pango_units_to_double (height);
}

static void
show_layout (Doc         *doc,
             PangoLayout *layout,
             double       x,
             double       y)
{
  cairo_move_to (doc->cr, x, y);
  pango_cairo_show_layout (doc->cr, layout);
}

/* Footer and running head of the current page; the footer says what counts
 * as finished for funding, on every page, as the brief of a report to the
 * county and prefecture needs it wherever the funding figure is read. */
static void
doc_page_start (Doc *doc)
{
  double width = doc->right - doc->left;
  g_autofree char *page_text = g_strdup_printf (_("Page %d of %d"), doc->page,
                                                doc->n_pages > 0 ? doc->n_pages : doc->page);
  g_autoptr(PangoLayout) footer = doc_text (doc, doc->footer, 7, FALSE, width, PANGO_ALIGN_LEFT);
  g_autoptr(PangoLayout) number = doc_text (doc, page_text, 8, FALSE, width, PANGO_ALIGN_CENTER);
  double number_y = A4_HEIGHT - 30 - layout_height (number);
  double footer_y = number_y - 4 - layout_height (footer);

  cairo_save (doc->cr);
  cairo_set_source_rgb (doc->cr, 0.35, 0.35, 0.35);
  cairo_set_line_width (doc->cr, 0.5);
  cairo_move_to (doc->cr, doc->left, footer_y - 4);
  cairo_line_to (doc->cr, doc->right, footer_y - 4);
  cairo_stroke (doc->cr);
  show_layout (doc, footer, doc->left, footer_y);
  show_layout (doc, number, doc->left, number_y);
  if (doc->page > 1)
    {
      g_autoptr(PangoLayout) head = doc_text (doc, doc->running_head, 7.5, FALSE, width, PANGO_ALIGN_RIGHT);

      show_layout (doc, head, doc->left, 28);
    }
  cairo_restore (doc->cr);

  doc->bottom = footer_y - 12;
  doc->y = doc->top;
}

/* The end of a page: the next one on a PDF; when printing one page, the
 * others are drawn into a group that is thrown away. */
static void
doc_page_end (Doc      *doc,
              gboolean  last)
{
  if (doc->print_page == 0)
    cairo_show_page (doc->cr);
  else if (doc->page == doc->print_page)
    {
      if (!last)
        cairo_push_group (doc->cr);
    }
  else
    {
      cairo_pattern_destroy (cairo_pop_group (doc->cr));
      if (!last && doc->page + 1 != doc->print_page)
        cairo_push_group (doc->cr);
    }
}

static void
doc_page_break (Doc *doc)
{
  doc_page_end (doc, FALSE);
  doc->page++;
  doc_page_start (doc);
}

/* Moves to a new page unless @height still fits on this one. */
static void
doc_need (Doc    *doc,
          double  height)
{
  if (doc->y + height > doc->bottom && doc->y > doc->top)
    doc_page_break (doc);
}

static void
doc_paragraph (Doc            *doc,
               const char     *text,
               double          size,
               gboolean        bold,
               PangoAlignment  alignment,
               double          space_after)
{
  g_autoptr(PangoLayout) layout = doc_text (doc, text, size, bold, doc->right - doc->left, alignment);
  double height = layout_height (layout);

  doc_need (doc, height);
  show_layout (doc, layout, doc->left, doc->y);
  doc->y += height + space_after;
}

/* A heading is kept with at least @keep points of what follows it. */
static void
doc_heading (Doc        *doc,
             const char *text,
             double      keep)
{
  g_autoptr(PangoLayout) layout = doc_text (doc, text, 11.5, TRUE, doc->right - doc->left, PANGO_ALIGN_LEFT);
  double height = layout_height (layout);

  doc->y += 6;
  doc_need (doc, height + 6 + keep);
  show_layout (doc, layout, doc->left, doc->y);
  doc->y += height + 6;
}

static Table *
table_new (guint               n_columns,
           const double       *weights,
           const char *const  *header)
{
  Table *t = g_new0 (Table, 1);

  g_assert (n_columns <= MAX_COLUMNS);
  t->n_columns = n_columns;
  t->cells = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_columns; i++)
    {
      t->weights[i] = weights[i];
      g_ptr_array_add (t->cells, g_strdup (header[i]));
    }
  return t;
}

static void
table_free (Table *t)
{
  g_ptr_array_unref (t->cells);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

/* Appends a row of n_columns strings, which the table takes. */
static void
table_add (Table *t,
           ...)
{
  va_list args;

  va_start (args, t);
  for (guint i = 0; i < t->n_columns; i++)
    g_ptr_array_add (t->cells, va_arg (args, char *));
  va_end (args);
}

static guint
table_rows (const Table *t)
{
  return t->cells->len / t->n_columns;
}


static gboolean
row_is_bold (const Table *t,
             guint        row)
{
  return row == 0 || (t->total_row && row == table_rows (t) - 1);
}

static PangoLayout *
cell_layout (Doc         *doc,
             const Table *t,
             guint        row,
             guint        column,
             double       width)
{
  const char *text = g_ptr_array_index (t->cells, row * t->n_columns + column);

  /* The first column names the row; figures are centred, as county
   * statistical tables have them. */
  return doc_text (doc, text, TABLE_FONT, row_is_bold (t, row), width - 2 * TABLE_PAD_X,
                   column == 0 && row > 0 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_CENTER);
}

/* Column widths: by the table's weights, but never so narrow that a word
 * of a cell must break (“Attenda-nces”) while another column has room to
 * give; translations are longer or shorter than English, so this is
 * measured, not tuned. */
static void
table_widths (Doc         *doc,
              const Table *t,
              double       width,
              double      *widths)
{
  double min[MAX_COLUMNS];
  double sum = 0, excess = 0, slack = 0;

  for (guint c = 0; c < t->n_columns; c++)
    sum += t->weights[c];
  for (guint c = 0; c < t->n_columns; c++)
    {
      min[c] = 0;
      for (guint r = 0; r < table_rows (t); r++)
        {
          g_autoptr(PangoLayout) layout = cell_layout (doc, t, r, c, width);

          min[c] = MAX (min[c], min_text_width (layout) + 2 * TABLE_PAD_X + 1);
        }
      widths[c] = MAX (width * t->weights[c] / sum, min[c]);
      excess += widths[c];
    }
  excess -= width;
  for (guint c = 0; c < t->n_columns; c++)
    slack += widths[c] - min[c];
  if (excess <= 0.01)
    return;
  if (slack < excess)
    {
      /* Even the narrowest layout is too wide: words will break. */
      for (guint c = 0; c < t->n_columns; c++)
        widths[c] = width * t->weights[c] / sum;
      return;
    }
  for (guint c = 0; c < t->n_columns; c++)
    widths[c] -= excess * (widths[c] - min[c]) / slack;
}

static double
row_height (Doc         *doc,
            const Table *t,
            guint        row,
            const double *widths)
{
  double height = 0;

  for (guint c = 0; c < t->n_columns; c++)
    {
      g_autoptr(PangoLayout) layout = cell_layout (doc, t, row, c, widths[c]);

      height = MAX (height, layout_height (layout));
    }
  return height + 2 * TABLE_PAD_Y;
}

static double
table_height (Doc         *doc,
              const Table *t,
              double       width)
{
  double widths[MAX_COLUMNS];
  double height = 0;

  table_widths (doc, t, width, widths);
  for (guint r = 0; r < table_rows (t); r++)
    height += row_height (doc, t, r, widths);
  return height;
}

static void
draw_row (Doc          *doc,
          const Table  *t,
          guint         row,
          double        x,
          const double *widths,
          double        height)
{
  cairo_t *cr = doc->cr;
  double cx = x;

  cairo_save (cr);
  for (guint c = 0; c < t->n_columns; c++)
    {
      g_autoptr(PangoLayout) layout = cell_layout (doc, t, row, c, widths[c]);
      double text_height = layout_height (layout);

      if (row == 0 || row_is_bold (t, row))
        {
          cairo_rectangle (cr, cx, doc->y, widths[c], height);
          if (row == 0)
            cairo_set_source_rgb (cr, 0.87, 0.90, 0.94);
          else
            cairo_set_source_rgb (cr, 0.95, 0.95, 0.95);
          cairo_fill (cr);
        }
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      cairo_set_line_width (cr, 0.5);
      cairo_rectangle (cr, cx, doc->y, widths[c], height);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      show_layout (doc, layout, cx + TABLE_PAD_X, doc->y + (height - text_height) / 2);
      cx += widths[c];
    }
  cairo_restore (cr);
}

/* Draws @t at @x, @width wide, from doc->y on; a table that does not fit
 * goes on over the next pages with its header row again. */
static void
draw_table (Doc         *doc,
            const Table *t,
            double       x,
            double       width)
{
  double widths[MAX_COLUMNS];
  double header_height;
  gboolean header_drawn = FALSE;

  table_widths (doc, t, width, widths);
  header_height = row_height (doc, t, 0, widths);
  for (guint r = 1; r < table_rows (t); r++)
    {
      double height = row_height (doc, t, r, widths);

      if (header_drawn && doc->y + height > doc->bottom)
        {
          doc_page_break (doc);
          header_drawn = FALSE;
        }
      if (!header_drawn)
        {
          doc_need (doc, header_height + height);
          draw_row (doc, t, 0, x, widths, header_height);
          doc->y += header_height;
          header_drawn = TRUE;
        }
      draw_row (doc, t, r, x, widths, height);
      doc->y += height;
    }
  if (!header_drawn)
    {
      doc_need (doc, header_height);
      draw_row (doc, t, 0, x, widths, header_height);
      doc->y += header_height;
    }
}

/* Two tables side by side when both fit on a page, else one after the
 * other. */
static void
draw_table_pair (Doc         *doc,
                 const Table *a,
                 const Table *b)
{
  double gap = 16;
  double width = (doc->right - doc->left - gap) / 2;
  double height = MAX (table_height (doc, a, width), table_height (doc, b, width));

  if (height <= doc->bottom - doc->top)
    {
      double start, end_a;

      doc_need (doc, height);
      start = doc->y;
      draw_table (doc, a, doc->left, width);
      end_a = doc->y;
      doc->y = start;
      draw_table (doc, b, doc->left + width + gap, width);
      doc->y = MAX (end_a, doc->y);
    }
  else
    {
      draw_table (doc, a, doc->left, doc->right - doc->left);
      doc->y += 10;
      draw_table (doc, b, doc->left, doc->right - doc->left);
    }
  doc->y += 12;
}

/* The axis step: 1, 2, 2.5 or 5 times a power of ten, so that @max takes
 * at most six steps. */
static double
axis_step (double max)
{
  static const double steps[] = { 1, 2, 2.5, 5, 10 };
  double raw = MAX (max, 5) / 6;
  double magnitude = pow (10, floor (log10 (raw)));

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * magnitude >= raw)
      return MAX (1, steps[i] * magnitude);
  return 10 * magnitude;
}

/* Bars: cumulative participants at the end of each quarter. Dashed line:
 * the target in force then (the next one due), as a step. */
static void
draw_chart (Doc    *doc,
            double  height)
{
  StReport *r = doc->report;
  cairo_t *cr = doc->cr;
  double width = doc->right - doc->left;
  g_autoptr(PangoLayout) title = doc_text (doc, _("Cumulative participants at the end of each quarter"),
                                           9.5, TRUE, 0, PANGO_ALIGN_LEFT);
  double top = doc->y;
  double axis_width = 34;
  double plot_left = doc->left + axis_width;
  double plot_width = width - axis_width - 4;
  double plot_top = top + layout_height (title) + 22;
  double plot_bottom = top + height - 26;
  double plot_height = plot_bottom - plot_top;
  guint n = r->progress->len;
  double slot = plot_width / MAX (n, 1);
  double bar = MIN (slot * 0.58, 40);
  double max = 0, scale, step;
  int n_steps;
  gboolean any_target = FALSE;

  for (guint i = 0; i < n; i++)
    {
      const Point *p = &g_array_index (r->progress, Point, i);

      max = MAX (max, MAX (p->cumulative, p->target));
      any_target |= p->target > 0;
    }
  step = axis_step (max * 1.04);
  n_steps = MAX (1, (int) ceil (max * 1.04 / step));
  scale = step * n_steps;

  cairo_save (cr);
  show_layout (doc, title, doc->left, top);

  /* Legend, right-aligned on the title's line. */
  {
    g_autoptr(PangoLayout) bars = doc_text (doc, _("Cumulative participants"), 7.5, FALSE, 0, PANGO_ALIGN_LEFT);
    g_autoptr(PangoLayout) line = doc_text (doc, _("Target in force"), 7.5, FALSE, 0, PANGO_ALIGN_LEFT);
    int w_bars, w_line, h_text;
    double x;

    pango_layout_get_pixel_size (bars, &w_bars, &h_text);
    pango_layout_get_pixel_size (line, &w_line, NULL);
    x = doc->right - w_bars - 14;
    if (any_target)
      x -= w_line + 34;
    cairo_set_source_rgb (cr, 0.27, 0.47, 0.71);
    cairo_rectangle (cr, x, top + 3, 9, 8);
    cairo_fill (cr);
    cairo_set_source_rgb (cr, 0, 0, 0);
    show_layout (doc, bars, x + 12, top + 1);
    if (any_target)
      {
        double dashes[] = { 4, 2 };

        x += 12 + w_bars + 12;
        cairo_set_source_rgb (cr, 0.80, 0.15, 0.15);
        cairo_set_line_width (cr, 1.5);
        cairo_set_dash (cr, dashes, 2, 0);
        cairo_move_to (cr, x, top + 7);
        cairo_line_to (cr, x + 16, top + 7);
        cairo_stroke (cr);
        cairo_set_dash (cr, NULL, 0, 0);
        cairo_set_source_rgb (cr, 0, 0, 0);
        show_layout (doc, line, x + 20, top + 1);
      }
  }

  /* Grid and axis labels. */
  cairo_set_line_width (cr, 0.4);
  for (int i = 0; i <= n_steps; i++)
    {
      double value = step * i;
      double y = plot_bottom - plot_height * i / n_steps;
      g_autofree char *text = format_count ((gint64) value);
      g_autoptr(PangoLayout) label = doc_text (doc, text, 7, FALSE, axis_width - 4, PANGO_ALIGN_RIGHT);

      cairo_set_source_rgb (cr, i == 0 ? 0.2 : 0.82, i == 0 ? 0.2 : 0.82, i == 0 ? 0.2 : 0.82);
      cairo_move_to (cr, plot_left, y);
      cairo_line_to (cr, plot_left + plot_width, y);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
      show_layout (doc, label, doc->left, y - layout_height (label) / 2);
    }

  for (guint i = 0; i < n; i++)
    {
      const Point *p = &g_array_index (r->progress, Point, i);
      double cx = plot_left + slot * (i + 0.5);
      double h = plot_height * p->cumulative / scale;
      g_autofree char *value = format_count (p->cumulative);
      g_autofree char *q = g_strdup_printf (_("Q%d"), p->quarter.quarter);
      g_autofree char *year = g_strdup_printf ("%d", p->quarter.year);
      g_autoptr(PangoLayout) value_layout = doc_text (doc, value, 7, FALSE, slot, PANGO_ALIGN_CENTER);
      g_autoptr(PangoLayout) q_layout = doc_text (doc, q, 7, i == n - 1, slot, PANGO_ALIGN_CENTER);
      g_autoptr(PangoLayout) year_layout = doc_text (doc, year, 7, FALSE, slot, PANGO_ALIGN_CENTER);

      if (i == n - 1)
        cairo_set_source_rgb (cr, 0.16, 0.33, 0.55);
      else
        cairo_set_source_rgb (cr, 0.27, 0.47, 0.71);
      cairo_rectangle (cr, cx - bar / 2, plot_bottom - h, bar, h);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      show_layout (doc, value_layout, cx - slot / 2, plot_bottom - h - layout_height (value_layout) - 1);
      show_layout (doc, q_layout, cx - slot / 2, plot_bottom + 3);
      if (i == 0 || p->quarter.quarter == 1)
        {
          cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
          show_layout (doc, year_layout, cx - slot / 2, plot_bottom + 3 + layout_height (q_layout));
        }
    }

  /* The target as a step: a level over each quarter's slot, joined where it
   * changes, labelled where it starts. */
  for (guint i = 0; i < n; i++)
    {
      const Point *p = &g_array_index (r->progress, Point, i);
      const Point *prev = i > 0 ? &g_array_index (r->progress, Point, i - 1) : NULL;
      double x0 = plot_left + slot * i;
      double y = plot_bottom - plot_height * p->target / scale;
      double dashes[] = { 4, 2 };

      if (p->target <= 0)
        continue;
      cairo_set_source_rgb (cr, 0.80, 0.15, 0.15);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, dashes, 2, 0);
      if (prev != NULL && prev->target > 0 && prev->target != p->target)
        {
          cairo_move_to (cr, x0, plot_bottom - plot_height * prev->target / scale);
          cairo_line_to (cr, x0, y);
        }
      else
        cairo_move_to (cr, x0, y);
      cairo_line_to (cr, x0 + slot, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (prev == NULL || prev->target != p->target)
        {
          g_autofree char *count = format_count (p->target);
          /* Translators: the label of the target line in the chart */
          g_autofree char *text = g_strdup_printf (_("Target %s"), count);
          g_autoptr(PangoLayout) label = doc_text (doc, text, 7, TRUE, 0, PANGO_ALIGN_LEFT);
          int label_width, label_height;

          /* On a white ground: far below the bars (a county well past its
           * target), the label would sit on them. */
          pango_layout_get_pixel_size (label, &label_width, &label_height);
          cairo_save (cr);
          cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
          cairo_rectangle (cr, x0 + 1, y - label_height - 1, label_width + 2, label_height);
          cairo_fill (cr);
          cairo_restore (cr);
          show_layout (doc, label, x0 + 2, y - layout_height (label) - 1);
        }
    }
  cairo_restore (cr);
  doc->y = top + height + 8;
}

static Table *
breakdown_table (const StReport *r,
                 Breakdown       b)
{
  static const double weights[] = { 3, 1.3, 1.3 };
  const char *header[] = { breakdown_title (b), _("Participants"), _("Share") };
  Table *t = table_new (3, weights, header);

  for (guint i = 0; i < r->breakdowns[b]->len; i++)
    {
      const Item *item = g_ptr_array_index (r->breakdowns[b], i);

      table_add (t, g_strdup (item->label), format_count (item->participants),
                 format_percent (item->participants, r->total.cumulative_participants));
    }
  return t;
}

static void
render (Doc *doc)
{
  StReport *r = doc->report;
  const Figures *f = &r->total;
  double width = doc->right - doc->left;
  g_autofree char *title = report_title (r);
  g_autofree char *period = report_period (r);
  g_autofree char *prepared = g_strdup_printf (_("Prepared on %s"), r->generated_on);
  g_autoptr(GPtrArray) note_list = notes (r);
  gboolean county = r->township_code == NULL;

  doc_page_start (doc);

  /* Title block. */
  doc_paragraph (doc, title, 16, TRUE, PANGO_ALIGN_CENTER, 6);
  doc_paragraph (doc, period, 11, FALSE, PANGO_ALIGN_CENTER, 10);
  {
    g_autoptr(PangoLayout) office = doc_text (doc, _("Reporting office (seal):"), 9, FALSE, width / 2, PANGO_ALIGN_LEFT);
    g_autoptr(PangoLayout) date = doc_text (doc, prepared, 9, FALSE, width / 2, PANGO_ALIGN_RIGHT);

    show_layout (doc, office, doc->left, doc->y);
    show_layout (doc, date, doc->left + width / 2, doc->y);
    doc->y += layout_height (office) + 4;
    cairo_set_line_width (doc->cr, 1);
    cairo_move_to (doc->cr, doc->left, doc->y);
    cairo_line_to (doc->cr, doc->right, doc->y);
    cairo_stroke (doc->cr);
    doc->y += 8;
  }

  /* 1. Overview. */
  doc_heading (doc, _("1. Overall progress"), 120);
  {
    static const double weights[] = { 4, 1.6, 1.6 };
    const char *header[] = { _("Item"), _("This quarter"), _("Cumulative, by the quarter’s end") };
    g_autoptr(Table) t = table_new (3, weights, header);

    table_add (t, g_strdup (_("Participants")), format_count (f->new_participants),
               format_count (f->cumulative_participants));
    table_add (t, g_strdup (_("Enrolments")), format_count (f->new_enrolments),
               format_count (f->cumulative_enrolments));
    table_add (t, g_strdup (_("Enrolments in study / graduated / completed / withdrawn at the quarter’s end")),
               g_strdup ("—"),
               g_strdup_printf ("%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT " / %" G_GINT64_FORMAT " / %" G_GINT64_FORMAT,
                                f->in_study, f->graduated, f->completed, f->withdrawn));
    table_add (t, g_strdup (_("Sessions held")), format_count (sum_of (f->sessions, N_MODES)), g_strdup ("—"));
    table_add (t, g_strdup (_("Session hours")), format_hours (sum_of (f->session_minutes, N_MODES)), g_strdup ("—"));
    table_add (t, g_strdup (_("Participant-hours attended")), format_hours (sum_of (f->attended_minutes, N_MODES)),
               g_strdup ("—"));
    table_add (t, g_strdup (_("Participants who finished training (for funding)")),
               format_count (f->finished_in_quarter), format_count (f->finished_cumulative));
    table_add (t, g_strdup (_("Funding due (yuan)")), format_yuan (r, f->finished_in_quarter),
               format_yuan (r, f->finished_cumulative));
    draw_table (doc, t, doc->left, width);
    doc->y += 12;
  }

  if (county && r->targets->len > 0)
    {
      static const double weights[] = { 1.5, 1.3, 1.8, 1.3, 1.3 };
      const char *header[] = { _("Target date"), _("Target participants"), _("Cumulative participants"),
                               _("Share of target"), _("Status") };
      g_autoptr(Table) t = table_new (5, weights, header);

      for (guint i = 0; i < r->targets->len; i++)
        {
          const Target *target = &g_array_index (r->targets, Target, i);

          table_add (t, g_strdup (target->date), format_count (target->participants),
                     format_count (target->achieved), format_percent (target->achieved, target->participants),
                     g_strdup (target_status (r, target)));
        }
      draw_table (doc, t, doc->left, width);
      doc->y += 12;
    }

  doc_need (doc, 220);
  draw_chart (doc, 210);
  if (!county)
    doc_paragraph (doc, _("The targets are the county’s; the county report compares them."), 8, FALSE,
                   PANGO_ALIGN_LEFT, 4);

  /* 2. Enrolment by township. */
  doc_heading (doc, _("2. Enrolment by township"), 60);
  {
    static const double weights[] = { 1.6, 1, 1, 1.1, 1, 1, 1, 1 };
    const char *header[] = { _("Township"), _("New enrolments"), _("New participants"),
                             _("Cumulative participants"), _("In study"), _("Graduated"),
                             C_("enrolment state", "Completed"), _("Withdrawn") };
    g_autoptr(Table) t = table_new (8, weights, header);

    for (guint i = 0; i <= r->townships->len; i++)
      {
        gboolean total = i == r->townships->len;
        const Township *tw = total ? NULL : g_ptr_array_index (r->townships, i);
        const Figures *x = total ? &r->total : &tw->f;

        if (total && !county)
          break;
        table_add (t, g_strdup (total ? _("Total") : tw->name), format_count (x->new_enrolments),
                   format_count (x->new_participants), format_count (x->cumulative_participants),
                   format_count (x->in_study), format_count (x->graduated), format_count (x->completed),
                   format_count (x->withdrawn));
      }
    t->total_row = county;
    draw_table (doc, t, doc->left, width);
    doc->y += 6;
    doc_paragraph (doc, _("In study, graduated, completed and withdrawn count enrolments; the other columns count people."),
                   7.5, FALSE, PANGO_ALIGN_LEFT, 6);
  }

  /* 3. Teaching. */
  doc_heading (doc, _("3. Sessions and hours in the quarter"), 60);
  {
    static const double weights[] = { 1.6, 0.9, 1.1, 1, 1, 1, 1, 1.1 };
    const char *header[] = { _("Township"), _("Sessions"), _("Concentrated hours"), _("Online hours"),
                             _("Practical hours"), _("Session hours"), _("Attendances"),
                             _("Participant-hours") };
    g_autoptr(Table) t = table_new (8, weights, header);

    for (guint i = 0; i <= r->townships->len; i++)
      {
        gboolean total = i == r->townships->len;
        const Township *tw = total ? NULL : g_ptr_array_index (r->townships, i);
        const Figures *x = total ? &r->total : &tw->f;

        if (total && !county)
          break;
        table_add (t, g_strdup (total ? _("Total") : tw->name), format_count (sum_of (x->sessions, N_MODES)),
                   format_hours (x->session_minutes[MODE_CONCENTRATED]),
                   format_hours (x->session_minutes[MODE_ONLINE]),
                   format_hours (x->session_minutes[MODE_PRACTICAL]),
                   format_hours (sum_of (x->session_minutes, N_MODES)),
                   format_count (sum_of (x->attendances, N_MODES)),
                   format_hours (sum_of (x->attended_minutes, N_MODES)));
      }
    t->total_row = county;
    draw_table (doc, t, doc->left, width);
    doc->y += 12;
  }
  {
    static const double weights[] = { 1.6, 1, 1, 1, 1 };
    const char *header[] = { _("Mode"), _("Sessions"), _("Session hours"), _("Attendances"),
                             _("Participant-hours") };
    g_autoptr(Table) t = table_new (5, weights, header);

    for (guint m = 0; m <= N_MODES; m++)
      {
        gboolean total = m == N_MODES;

        table_add (t, g_strdup (total ? _("Total") : mode_label (m)),
                   format_count (total ? sum_of (f->sessions, N_MODES) : f->sessions[m]),
                   format_hours (total ? sum_of (f->session_minutes, N_MODES) : f->session_minutes[m]),
                   format_count (total ? sum_of (f->attendances, N_MODES) : f->attendances[m]),
                   format_hours (total ? sum_of (f->attended_minutes, N_MODES) : f->attended_minutes[m]));
      }
    t->total_row = TRUE;
    doc_need (doc, table_height (doc, t, width));
    draw_table (doc, t, doc->left, width);
    doc->y += 12;
  }

  /* 4. Funding. */
  doc_heading (doc, _("4. Funding due for participants who finished training"), 60);
  {
    static const double weights[] = { 1.6, 1.2, 1.4, 1.2, 1.4 };
    const char *header[] = { _("Township"), _("Finished this quarter"), _("Funding due this quarter (yuan)"),
                             _("Finished, cumulative"), _("Funding due, cumulative (yuan)") };
    g_autoptr(Table) t = table_new (5, weights, header);

    for (guint i = 0; i <= r->townships->len; i++)
      {
        gboolean total = i == r->townships->len;
        const Township *tw = total ? NULL : g_ptr_array_index (r->townships, i);
        const Figures *x = total ? &r->total : &tw->f;

        if (total && !county)
          break;
        table_add (t, g_strdup (total ? _("Total") : tw->name), format_count (x->finished_in_quarter),
                   format_yuan (r, x->finished_in_quarter), format_count (x->finished_cumulative),
                   format_yuan (r, x->finished_cumulative));
      }
    t->total_row = county;
    draw_table (doc, t, doc->left, width);
    doc->y += 6;
    doc_paragraph (doc, doc->footer, 7.5, FALSE, PANGO_ALIGN_LEFT, 6);
  }

  /* 5. Participants. */
  doc_heading (doc, _("5. Participants enrolled by the quarter’s end"), 100);
  {
    g_autofree char *count = format_count (f->cumulative_participants);
    g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "Shares are of the %s cumulative participant.",
                                                          "Shares are of the %s cumulative participants.",
                                                          (gulong) MIN (f->cumulative_participants, G_MAXULONG)),
                                             count);
    static const Breakdown pairs[][2] = {
      { BY_SEX, BY_POVERTY }, { BY_AGE, BY_PROGRAM }, { BY_MAJOR, BY_ETHNICITY },
    };

    doc_paragraph (doc, text, 8, FALSE, PANGO_ALIGN_LEFT, 6);
    for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
      {
        g_autoptr(Table) a = breakdown_table (r, pairs[i][0]);
        g_autoptr(Table) b = breakdown_table (r, pairs[i][1]);

        draw_table_pair (doc, a, b);
      }
  }

  /* Notes: how each figure is counted. */
  doc_heading (doc, _("How the figures are counted"), 40);
  for (guint i = 0; i < note_list->len; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u. %s", i + 1, (char *) g_ptr_array_index (note_list, i));

      doc_paragraph (doc, text, 8, FALSE, PANGO_ALIGN_LEFT, 3);
    }

  doc_page_end (doc, TRUE);
}

static cairo_status_t
discard_bytes (void                *closure,
               const unsigned char *data,
               unsigned int         length)
{
  return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Lays the report out on @surface and returns the number of pages; with
 * @n_pages 0 the footers say "page N of N", which measures the same. */
static int
render_on (StReport *report,
           cairo_t  *cr,
           int       n_pages,
           int       print_page)
{
  cairo_font_options_t *options = cairo_font_options_create ();
  g_autofree char *label = quarter_label (&report->quarter);
  Doc doc = { 0, };

  doc.report = report;
  doc.cr = cr;
  doc.pango = pango_cairo_create_context (cr);
  /* Points as cairo's unit, and no hinting: metrics then do not depend on
   * the surface, so both passes lay out the same. */
  pango_cairo_context_set_resolution (doc.pango, 72);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (doc.pango, options);
  cairo_font_options_destroy (options);
  doc.left = MARGIN;
  doc.right = A4_WIDTH - MARGIN;
  doc.top = 48;
  doc.page = 1;
  doc.n_pages = n_pages;
  doc.chinese = ui_is_chinese ();
  doc.footer = funding_definition (report);
  doc.running_head = g_strdup_printf ("%s  %s", report->scope_name, label);
  doc.print_page = print_page;
  if (print_page > 1)
    cairo_push_group (cr);

  render (&doc);

  g_free (doc.footer);
  g_free (doc.running_head);
  g_object_unref (doc.pango);
  return doc.page;
}

static int
render_to (StReport        *report,
           cairo_surface_t *surface,
           int              n_pages)
{
  cairo_t *cr = cairo_create (surface);
  int pages = render_on (report, cr, n_pages, 0);

  cairo_destroy (cr);
  return pages;
}

int
st_report_count_pages (StReport *report)
{
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (discard_bytes, NULL, A4_WIDTH, A4_HEIGHT);
  int n_pages = render_to (report, surface, 0);

  cairo_surface_destroy (surface);
  return n_pages;
}

void
st_report_draw_page (StReport *report,
                     cairo_t  *cr,
                     int       page,
                     int       n_pages)
{
  g_return_if_fail (report != NULL && cr != NULL && page >= 0);
  cairo_save (cr);
  render_on (report, cr, n_pages, page + 1);
  cairo_restore (cr);
}

gboolean
st_report_write_pdf (StReport    *report,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *title = report_title (report);
  cairo_surface_t *surface;
  cairo_status_t status;
  int n_pages;

  /* The footers say "page N of M": lay out once to count the pages. */
  surface = cairo_pdf_surface_create_for_stream (discard_bytes, NULL, A4_WIDTH, A4_HEIGHT);
  n_pages = render_to (report, surface, 0);
  cairo_surface_destroy (surface);

  surface = cairo_pdf_surface_create_for_stream (append_bytes, bytes, A4_WIDTH, A4_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Shuangti " PACKAGE_VERSION);
  render_to (report, surface, n_pages);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, ST_REPORT_ERROR, ST_REPORT_ERROR_WRITE,
                   _("Could not write “%s”: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  if (!g_file_set_contents_full (path, (const char *) bytes->data, bytes->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    {
      g_set_error_literal (error, ST_REPORT_ERROR, ST_REPORT_ERROR_WRITE, local->message);
      return FALSE;
    }
  return TRUE;
}
