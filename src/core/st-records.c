/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-records"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <json-glib/json-glib.h>

#include "st-json-guard.h"
#include "st-participant.h"
#include "st-limits.h"
#include "st-records.h"
#include "st-uuid.h"

G_DEFINE_QUARK (st-records-error-quark, st_records_error)

/* Writing rows. Column names come from this file, never from input; values
 * are bound. */

typedef struct
{
  const char *column;
  const char *text;
  gint64      integer;
  gboolean    is_int;
} Col;

#define TEXT(c, v) { (c), (v), 0, FALSE }
#define INT(c, v)  { (c), NULL, (v), TRUE }

static void
bind_col (sqlite3_stmt *stmt,
          int           index,
          const Col    *col)
{
  if (col->is_int)
    sqlite3_bind_int64 (stmt, index, col->integer);
  else
    st_db_bind_text (stmt, index, col->text);
}

/* Inserts the row, or brings a row of the same id (a deterministic key, or a
 * tombstone) to these values. Nothing is written when nothing changes, so no
 * empty change reaches the audit log or the outbox. */
static gboolean
upsert (StDb        *db,
        const char  *table,
        const char  *id,
        const Col   *cols,
        guint        n,
        const char  *what,
        GError     **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new ("?1, ?2, ?3, 0");
  g_autoptr(GString) sets = g_string_new ("hlc = excluded.hlc, device = excluded.device, deleted = 0");
  g_autoptr(GString) changed = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_string_append_printf (sql, "INSERT INTO %s (id, hlc, device, deleted", table);
  g_string_append_printf (changed, "%s.deleted IS NOT 0", table);
  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (sql, ", %s", cols[i].column);
      g_string_append_printf (values, ", ?%u", i + 4);
      g_string_append_printf (sets, ", %s = excluded.%s", cols[i].column, cols[i].column);
      g_string_append_printf (changed, " OR %s.%s IS NOT excluded.%s", table, cols[i].column, cols[i].column);
    }
  g_string_append_printf (sql, ") VALUES (%s) ON CONFLICT (id) DO UPDATE SET %s WHERE %s",
                          values->str, sets->str, changed->str);

  stmt = st_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) st_db_next_hlc (db));
  sqlite3_bind_text (stmt, 3, st_db_get_device_id (db), -1, SQLITE_STATIC);
  for (guint i = 0; i < n; i++)
    bind_col (stmt, i + 4, &cols[i]);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, what, error);
  return TRUE;
}

/* Sets some columns of an existing row, when they differ. */
static gboolean
update (StDb        *db,
        const char  *table,
        const char  *id,
        const Col   *cols,
        guint        n,
        const char  *what,
        GError     **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) changed = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_string_append_printf (sql, "UPDATE %s SET hlc = ?1, device = ?2", table);
  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (sql, ", %s = ?%u", cols[i].column, i + 4);
      g_string_append_printf (changed, "%s%s IS NOT ?%u", i ? " OR " : "", cols[i].column, i + 4);
    }
  g_string_append_printf (sql, " WHERE id = ?3 AND (%s)", changed->str);

  stmt = st_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) st_db_next_hlc (db));
  sqlite3_bind_text (stmt, 2, st_db_get_device_id (db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_STATIC);
  for (guint i = 0; i < n; i++)
    bind_col (stmt, i + 4, &cols[i]);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, what, error);
  return TRUE;
}

/* Several writes as one: joins the caller's transaction, or makes one. */
typedef struct
{
  StDb     *db;
  gboolean  own;
} Tx;

static gboolean
tx_begin (Tx       *tx,
          StDb     *db,
          GError  **error)
{
  tx->db = db;
  tx->own = sqlite3_get_autocommit (st_db_get_handle (db));
  return !tx->own || st_db_begin (db, error);
}

static gboolean
tx_end (Tx        *tx,
        gboolean   ok,
        GError   **error)
{
  if (!tx->own)
    return ok;
  if (!ok)
    {
      st_db_rollback (tx->db);
      return FALSE;
    }
  return st_db_commit (tx->db, error);
}

G_GNUC_PRINTF (3, 4)
static gboolean
refuse (GError        **error,
        StRecordsError  code,
        const char     *format,
        ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;
  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (ST_RECORDS_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

static gboolean
check_date (const char  *date,
            const char  *label,
            GError     **error)
{
  if (st_date_is_valid (date))
    return TRUE;
  return refuse (error, ST_RECORDS_ERROR_INVALID,
                 /* Translators: "<field>: “<value>” is not a date …" */
                 _("%s: “%s” is not a date; write it as 2025-03-01."), label, date ? date : "");
}

/* A text within its field's length (st-limits.c); @text may be NULL. */
static gboolean
check_length (const char  *table,
              const char  *column,
              const char  *label,
              const char  *text,
              GError     **error)
{
  g_autofree char *problem = st_field_limit_problem (table, column, label, text);

  if (problem == NULL)
    return TRUE;
  return refuse (error, ST_RECORDS_ERROR_INVALID, "%s", problem);
}

/* One row by its key through @from_row; NULL without an error when there
 * is none. */
static gpointer
load_one (StDb         *db,
          const char   *sql,
          const char   *id,
          gpointer    (*from_row) (sqlite3_stmt *),
          GError      **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, sql, error);
  gpointer row = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    row = from_row (stmt);
  sqlite3_reset (stmt);
  /* Absent is NULL alone; unreadable is NULL with @error set. */
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    st_db_set_error (db, rc, _("reading the database"), error);
  return row;
}

/* Classes */

StClass *
st_class_new (void)
{
  return g_new0 (StClass, 1);
}

void
st_class_free (StClass *c)
{
  if (c == NULL)
    return;
  g_free (c->id);
  g_free (c->name);
  g_free (c->program_code);
  g_free (c->major);
  g_free (c->township_code);
  g_free (c->teaching_point);
  g_free (c->start_date);
  g_strfreev (c->trainers);
  g_free (c->notes);
  g_free (c->schedule);
  g_free (c);
}

/* 1 when it is a township of the county, 0 when not, -1 with @error set
 * when the database cannot say. */
static int
township_exists (StDb        *db,
                 const char  *code,
                 GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (code == NULL)
    return 0;
  stmt = st_db_prepare (db, "SELECT 1 FROM divisions WHERE code = ? AND level = 'township'", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return 1;
  if (rc == SQLITE_DONE)
    return 0;
  st_db_set_error (db, rc, _("reading the list of townships and villages"), error);
  return -1;
}

static char *
trainers_to_json (char **trainers)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_builder_begin_array (b);
  for (guint i = 0; trainers && trainers[i]; i++)
    json_builder_add_string_value (b, trainers[i]);
  json_builder_end_array (b);
  json_generator_set_root (gen, json_builder_get_root (b));
  return json_generator_to_data (gen, NULL);
}

static char **
trainers_from_json (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  JsonNode *root;

  if (json != NULL && st_json_parser_load (parser, json, -1, NULL)
      && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *name = json_array_get_string_element (array, i);

          if (name != NULL)
            g_ptr_array_add (out, g_strdup (name));
        }
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

gboolean
st_class_create (StDb     *db,
                 StClass  *c,
                 GError  **error)
{
  g_autoptr(StProgram) program = NULL;
  g_autofree char *trainers = NULL;
  int found;

  if (c->name == NULL || *g_strstrip (c->name) == '\0')
    return refuse (error, ST_RECORDS_ERROR_INVALID, _("Class: a class needs a name."));
  if (!check_length ("classes", "name", _("Class name"), c->name, error)
      || !check_length ("classes", "teaching_point", _("Teaching point"), c->teaching_point, error)
      || !check_length ("classes", "notes", _("Notes"), c->notes, error))
    return FALSE;
  for (guint i = 0; c->trainers != NULL && c->trainers[i] != NULL; i++)
    if (!check_length ("sessions", "trainer", _("Trainer"), c->trainers[i], error))
      return FALSE;
  program = st_program_load (db, c->program_code ? c->program_code : "", error);
  if (program == NULL)
    return FALSE;
  if (c->major != NULL)
    {
      g_autoptr(GPtrArray) majors = st_majors_list (db, error);

      if (majors == NULL)
        return FALSE;
      if (!g_ptr_array_find_with_equal_func (majors, c->major, g_str_equal, NULL))
        return refuse (error, ST_RECORDS_ERROR_INVALID,
                       _("Major: “%s” is not in the list of majors. Add it first (shuangti-cli major add)."), c->major);
    }
  found = township_exists (db, c->township_code, error);
  if (found < 0)
    return FALSE;
  if (found == 0)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Township: “%s” is not a township of this database’s county."),
                   c->township_code ? c->township_code : "");
  if (!check_date (c->start_date, _("Start date"), error))
    return FALSE;
  if (c->schedule != NULL && st_schedule_from_code (c->schedule) < 0)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Schedule: “%s” is not monthly or blocks."), c->schedule);
  if (c->schedule != NULL && program->kind != ST_PROGRAM_DIPLOMA)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Schedule: the program “%s” is a training; its classes have no schedule of concentrated teaching."),
                   program->name);

  if (c->id == NULL)
    c->id = st_uuid_new ();
  trainers = trainers_to_json (c->trainers);
  if (!check_length ("classes", "trainers", _("Trainers"), trainers, error))
    return FALSE;
  {
    const Col cols[] = {
      TEXT ("name", c->name), TEXT ("program_id", program->code), TEXT ("major_id", c->major),
      TEXT ("township_code", c->township_code), TEXT ("teaching_point", c->teaching_point),
      TEXT ("start_date", c->start_date), TEXT ("trainers", trainers), TEXT ("notes", c->notes),
      TEXT ("schedule", c->schedule),
    };
    return upsert (db, "classes", c->id, cols, G_N_ELEMENTS (cols), _("saving a class"), error);
  }
}

#define CLASS_COLUMNS "id, name, program_id, major_id, township_code, teaching_point, start_date, trainers, notes, schedule"

static StClass *
class_from_row (sqlite3_stmt *stmt)
{
  StClass *c = st_class_new ();
  g_autofree char *trainers = st_db_column_dup (stmt, 7);

  c->id = st_db_column_dup (stmt, 0);
  c->name = st_db_column_dup (stmt, 1);
  c->program_code = st_db_column_dup (stmt, 2);
  c->major = st_db_column_dup (stmt, 3);
  c->township_code = st_db_column_dup (stmt, 4);
  c->teaching_point = st_db_column_dup (stmt, 5);
  c->start_date = st_db_column_dup (stmt, 6);
  c->trainers = trainers_from_json (trainers);
  c->notes = st_db_column_dup (stmt, 8);
  c->schedule = st_db_column_dup (stmt, 9);
  return c;
}

StClass *
st_class_load (StDb        *db,
               const char  *id,
               GError     **error)
{
  g_autoptr(GError) local = NULL;
  StClass *row = load_one (db, "SELECT " CLASS_COLUMNS " FROM classes WHERE id = ? AND deleted = 0", id,
                       (gpointer (*) (sqlite3_stmt *)) class_from_row, &local);

  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  else if (row == NULL)
    refuse (error, ST_RECORDS_ERROR_NOT_FOUND, _("There is no class with the key %s."), id);
  return row;
}

GPtrArray *
st_class_list (StDb        *db,
               const char  *township_code,
               GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT " CLASS_COLUMNS " FROM classes WHERE deleted = 0"
                                          " AND (?1 IS NULL OR township_code = ?1)"
                                          " ORDER BY start_date DESC, name", error);
  GPtrArray *list;
  int rc;

  if (stmt == NULL)
    return NULL;
  st_db_bind_text (stmt, 1, township_code);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) st_class_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, class_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the classes"), error);
      g_ptr_array_unref (list);
      return NULL;
    }
  return list;
}

void
st_class_summary_free (StClassSummary *summary)
{
  if (summary == NULL)
    return;
  st_class_free (summary->klass);
  g_free (summary);
}

GPtrArray *
st_class_summaries (StDb     *db,
                    GError  **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT " CLASS_COLUMNS ","
                                          " (SELECT count(*) FROM enrolments e WHERE e.class_id = classes.id"
                                          "  AND e.deleted = 0 AND e.state = 'studying')"
                                          " FROM classes WHERE deleted = 0"
                                          " ORDER BY start_date DESC, name", error);
  GPtrArray *list;
  int rc;

  if (stmt == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) st_class_summary_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StClassSummary *summary = g_new0 (StClassSummary, 1);

      summary->klass = class_from_row (stmt);
      summary->studying = (guint) sqlite3_column_int64 (stmt, 10);
      g_ptr_array_add (list, summary);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the classes"), error);
      g_ptr_array_unref (list);
      return NULL;
    }
  return list;
}

/* Enrolments */

void
st_enrolment_free (StEnrolment *e)
{
  if (e == NULL)
    return;
  g_free (e->id);
  g_free (e->participant_id);
  g_free (e->class_id);
  g_free (e->township_code);
  g_free (e->enrolled_on);
  g_free (e->state);
  g_free (e->state_date);
  g_free (e->withdraw_reason);
  g_free (e->early_graduation_requested_on);
  g_free (e->internship_done_on);
  g_free (e);
}

char *
st_enrolment_id (const char *participant_id,
                 const char *class_id)
{
  return st_uuid_v5_pair (ST_UUID_NS_ENROLMENT, participant_id, class_id);
}

#define ENROLMENT_COLUMNS \
  "id, participant_id, class_id, township_code, enrolled_on, study_years, state, state_date," \
  " withdraw_reason, early_graduation_requested_on, internship_done_on"

static StEnrolment *
enrolment_from_row (sqlite3_stmt *stmt)
{
  StEnrolment *e = g_new0 (StEnrolment, 1);

  e->id = st_db_column_dup (stmt, 0);
  e->participant_id = st_db_column_dup (stmt, 1);
  e->class_id = st_db_column_dup (stmt, 2);
  e->township_code = st_db_column_dup (stmt, 3);
  e->enrolled_on = st_db_column_dup (stmt, 4);
  e->study_years = sqlite3_column_int (stmt, 5);
  e->state = st_db_column_dup (stmt, 6);
  e->state_date = st_db_column_dup (stmt, 7);
  e->withdraw_reason = st_db_column_dup (stmt, 8);
  e->early_graduation_requested_on = st_db_column_dup (stmt, 9);
  e->internship_done_on = st_db_column_dup (stmt, 10);
  return e;
}

StEnrolment *
st_enrolment_load (StDb        *db,
                   const char  *id,
                   GError     **error)
{
  g_autoptr(GError) local = NULL;
  StEnrolment *row = load_one (db, "SELECT " ENROLMENT_COLUMNS " FROM enrolments WHERE id = ? AND deleted = 0", id,
                       (gpointer (*) (sqlite3_stmt *)) enrolment_from_row, &local);

  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  else if (row == NULL)
    refuse (error, ST_RECORDS_ERROR_NOT_FOUND, _("There is no enrolment with the key %s."), id);
  return row;
}

GPtrArray *
st_enrolment_list (StDb        *db,
                   const char  *class_id,
                   const char  *participant_id,
                   GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT " ENROLMENT_COLUMNS " FROM enrolments WHERE deleted = 0"
                                          " AND (?1 IS NULL OR class_id = ?1) AND (?2 IS NULL OR participant_id = ?2)"
                                          " ORDER BY enrolled_on, id", error);
  GPtrArray *list;
  int rc;

  if (stmt == NULL)
    return NULL;
  st_db_bind_text (stmt, 1, class_id);
  st_db_bind_text (stmt, 2, participant_id);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) st_enrolment_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, enrolment_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the enrolments"), error);
      g_ptr_array_unref (list);
      return NULL;
    }
  return list;
}

char *
st_enrol (StDb        *db,
          const char  *participant_id,
          const char  *class_id,
          const char  *enrolled_on,
          guint        study_years,
          GError     **error)
{
  g_autoptr(StParticipant) p = NULL;
  g_autoptr(StClass) c = NULL;
  g_autoptr(StProgram) program = NULL;
  g_autoptr(StEnrolment) existing = NULL;
  g_autofree char *id = NULL;

  p = st_participant_load (db, participant_id, error);
  if (p == NULL)
    return NULL;
  if (p->deleted || p->merged_into != NULL)
    {
      refuse (error, ST_RECORDS_ERROR_NOT_FOUND, _("%s was deleted and cannot be enrolled."), p->name);
      return NULL;
    }
  c = st_class_load (db, class_id, error);
  if (c == NULL)
    return NULL;
  program = st_program_load (db, c->program_code, error);
  if (program == NULL)
    return NULL;
  if (enrolled_on == NULL)
    enrolled_on = c->start_date;
  if (!check_date (enrolled_on, _("Enrolment date"), error))
    return NULL;
  if (study_years == 0)
    study_years = st_program_study_years (program, p->education);
  if (study_years > 10)
    {
      refuse (error, ST_RECORDS_ERROR_INVALID,
              g_dngettext (GETTEXT_PACKAGE, "Study length: %u year is more than 10.",
                           "Study length: %u years is more than 10.", study_years), study_years);
      return NULL;
    }

  id = st_enrolment_id (participant_id, class_id);
  existing = st_enrolment_load (db, id, NULL);
  if (existing != NULL && (g_strcmp0 (existing->state, "graduated") == 0 || g_strcmp0 (existing->state, "completed") == 0))
    {
      refuse (error, ST_RECORDS_ERROR_RULE, _("%s has already finished this class."), p->name);
      return NULL;
    }
  {
    const Col cols[] = {
      TEXT ("participant_id", participant_id), TEXT ("class_id", class_id),
      TEXT ("township_code", c->township_code), TEXT ("enrolled_on", enrolled_on),
      INT ("study_years", study_years), TEXT ("state", "studying"), TEXT ("state_date", NULL),
      TEXT ("withdraw_reason", NULL),
    };
    if (!upsert (db, "enrolments", id, cols, G_N_ELEMENTS (cols), _("saving an enrolment"), error))
      return NULL;
  }
  return g_steal_pointer (&id);
}

static StEnrolment *
load_studying (StDb        *db,
               const char  *enrolment_id,
               GError     **error)
{
  StEnrolment *e = st_enrolment_load (db, enrolment_id, error);

  if (e != NULL && g_strcmp0 (e->state, "studying") != 0)
    {
      refuse (error, ST_RECORDS_ERROR_RULE, _("This enrolment is no longer in study (it is %s)."), e->state);
      g_clear_pointer (&e, st_enrolment_free);
    }
  return e;
}

gboolean
st_withdraw (StDb        *db,
             const char  *enrolment_id,
             const char  *date,
             const char  *reason,
             GError     **error)
{
  g_autoptr(StEnrolment) e = load_studying (db, enrolment_id, error);
  g_autofree char *why = g_strstrip (g_strdup (reason ? reason : ""));

  if (e == NULL || !check_date (date, _("Withdrawal date"), error))
    return FALSE;
  if (g_strcmp0 (date, e->enrolled_on) < 0)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Withdrawal date: %s is before the enrolment on %s."), date, e->enrolled_on);
  if (*why == '\0')
    return refuse (error, ST_RECORDS_ERROR_INVALID, _("Withdrawal: give the reason."));
  if (!check_length ("enrolments", "withdraw_reason", _("Reason"), why, error))
    return FALSE;
  {
    const Col cols[] = { TEXT ("state", "withdrawn"), TEXT ("state_date", date), TEXT ("withdraw_reason", why) };
    return update (db, "enrolments", enrolment_id, cols, G_N_ELEMENTS (cols), _("recording a withdrawal"), error);
  }
}

gboolean
st_request_early_graduation (StDb        *db,
                             const char  *enrolment_id,
                             const char  *date,
                             GError     **error)
{
  g_autoptr(StEnrolment) e = load_studying (db, enrolment_id, error);

  if (e == NULL || !check_date (date, _("Date of the request"), error))
    return FALSE;
  {
    const Col cols[] = { TEXT ("early_graduation_requested_on", date) };
    return update (db, "enrolments", enrolment_id, cols, 1, _("recording the request"), error);
  }
}

gboolean
st_record_internship (StDb        *db,
                      const char  *enrolment_id,
                      const char  *date,
                      GError     **error)
{
  g_autoptr(StEnrolment) e = load_studying (db, enrolment_id, error);

  if (e == NULL || !check_date (date, _("Internship date"), error))
    return FALSE;
  {
    const Col cols[] = { TEXT ("internship_done_on", date) };
    return update (db, "enrolments", enrolment_id, cols, 1, _("recording the internship"), error);
  }
}

gboolean
st_extend_study (StDb        *db,
                 const char  *enrolment_id,
                 guint        years,
                 GError     **error)
{
  g_autoptr(StEnrolment) e = load_studying (db, enrolment_id, error);
  g_autoptr(StClass) c = NULL;
  g_autoptr(StProgram) program = NULL;

  if (e == NULL)
    return FALSE;
  c = st_class_load (db, e->class_id, error);
  if (c == NULL)
    return FALSE;
  program = st_program_load (db, c->program_code, error);
  if (program == NULL)
    return FALSE;
  if (years > program->max_extension_years)
    {
      if (program->max_extension_years == 0)
        refuse (error, ST_RECORDS_ERROR_RULE,
                _("The program “%s” does not allow the study length to be extended."), program->name);
      else
        refuse (error, ST_RECORDS_ERROR_RULE,
                g_dngettext (GETTEXT_PACKAGE,
                             "The program “%s” allows an extension of at most %u year.",
                             "The program “%s” allows an extension of at most %u years.",
                             program->max_extension_years),
                program->name, program->max_extension_years);
      return FALSE;
    }
  {
    const Col cols[] = { INT ("extension_years", years) };
    return update (db, "enrolments", enrolment_id, cols, 1, _("recording the extension"), error);
  }
}

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

static gboolean
one_of (const char        *value,
        const char *const *allowed)
{
  for (; *allowed; allowed++)
    if (g_strcmp0 (value, *allowed) == 0)
      return TRUE;
  return FALSE;
}

static const char *const modes[] = { "concentrated", "online", "practical", NULL };
static const char *const subjects[] = { "literacy", "mandarin", "civic", "policy", "skill", NULL };

gboolean
st_session_create (StDb       *db,
                   StSession  *s,
                   GError    **error)
{
  g_autoptr(StClass) c = st_class_load (db, s->class_id ? s->class_id : "", error);

  if (c == NULL || !check_date (s->date, _("Session date"), error))
    return FALSE;
  if (g_strcmp0 (s->date, c->start_date) < 0)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Session date: %s is before the class starts on %s."), s->date, c->start_date);
  if (s->minutes <= 0 || s->minutes > 24 * 60)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Hours: a session lasts more than 0 and at most 24 hours; %d minute is not possible.",
                                "Hours: a session lasts more than 0 and at most 24 hours; %d minutes is not possible.",
                                (gulong) ABS (s->minutes)),
                   s->minutes);
  if (!one_of (s->mode, modes))
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Mode: “%s” is not concentrated, online or practical."), s->mode ? s->mode : "");
  if (!one_of (s->subject, subjects))
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Subject: “%s” is not literacy, mandarin, civic, policy or skill."), s->subject ? s->subject : "");
  if (!check_length ("sessions", "trainer", _("Trainer"), s->trainer, error)
      || !check_length ("sessions", "place", _("Place"), s->place, error))
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
    return upsert (db, "sessions", s->id, cols, G_N_ELEMENTS (cols), _("saving a session"), error);
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
  g_autoptr(GError) local = NULL;
  StSession *row = load_one (db, "SELECT " SESSION_COLUMNS " FROM sessions WHERE id = ? AND deleted = 0", id,
                       (gpointer (*) (sqlite3_stmt *)) session_from_row, &local);

  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  else if (row == NULL)
    refuse (error, ST_RECORDS_ERROR_NOT_FOUND, _("There is no session with the key %s."), id);
  return row;
}

GPtrArray *
st_session_list (StDb        *db,
                 const char  *class_id,
                 GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT " SESSION_COLUMNS " FROM sessions WHERE deleted = 0"
                                          " AND class_id = ? ORDER BY date, id", error);
  GPtrArray *list;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, class_id, -1, SQLITE_STATIC);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) st_session_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, session_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the class sessions"), error);
      g_ptr_array_unref (list);
      return NULL;
    }
  return list;
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
      refuse (error, ST_RECORDS_ERROR_NOT_ENROLLED, _("%s is not enrolled in this class."), name);
      return NULL;
    }
  if (g_strcmp0 (date, e->enrolled_on) < 0)
    {
      refuse (error, ST_RECORDS_ERROR_NOT_ENROLLED,
              _("%s was enrolled on %s, after %s."), name, e->enrolled_on, date);
      return NULL;
    }
  if (g_strcmp0 (e->state, "withdrawn") == 0 && g_strcmp0 (e->state_date, date) < 0)
    {
      refuse (error, ST_RECORDS_ERROR_NOT_ENROLLED,
              _("%s withdrew from this class on %s."), name, e->state_date);
      return NULL;
    }
  return g_steal_pointer (&e);
}

/* Minutes already on the participant's record for @date, other than the
 * attendance @except_id. */
static gint64
minutes_on_day (StDb        *db,
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

  return upsert (db, "attendance", id, cols, G_N_ELEMENTS (cols), _("saving attendance"), error);
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
  if (!one_of (status, statuses))
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Attendance: “%s” is not present, absent or leave."), status ? status : "");
  e = enrolment_on (db, participant_id, s->class_id, s->date, error);
  if (e == NULL)
    return FALSE;

  if (!g_str_equal (status, "present"))
    minutes = 0;
  else if (minutes < 0)
    minutes = s->minutes;
  if (minutes > s->minutes)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "Hours: %d minute credited is more than the session’s %d.",
                                "Hours: %d minutes credited is more than the session’s %d.", (gulong) ABS (minutes)),
                   minutes, s->minutes);
  if (g_str_equal (status, "present") && minutes == 0)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Hours: someone present is credited more than 0 minutes; mark them absent instead."));

  id = st_uuid_v5_pair (ST_UUID_NS_ATTENDANCE, s->id, participant_id);
  day = minutes_on_day (db, participant_id, s->date, id, error);
  if (day < 0)
    return FALSE;
  if (day + minutes > 24 * 60)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
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
  stmt = st_db_prepare (db,
                        "SELECT e.participant_id FROM enrolments e"
                        " WHERE e.class_id = ?1 AND e.deleted = 0 AND e.enrolled_on <= ?2"
                        " AND (e.state = 'studying' OR e.state_date >= ?2)"
                        " AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = ?3"
                        "                 AND a.participant_id = e.participant_id AND a.deleted = 0)",
                        error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, s->class_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, s->date, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, s->id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (missing, st_db_column_dup (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the participants of the class"), error);
      return -1;
    }

  if (!tx_begin (&tx, db, error))
    return -1;
  for (guint i = 0; ok && i < missing->len; i++)
    ok = write_attendance (db, s, g_ptr_array_index (missing, i), "present", s->minutes, error);
  if (!tx_end (&tx, ok, error))
    return -1;
  return (int) missing->len;
}

/* Study logs */

static gboolean
write_study_log (StDb        *db,
                 const char  *participant_id,
                 const char  *enrolment_id,
                 const char  *township_code,
                 const char  *date,
                 int          minutes,
                 const char  *kind,
                 const char  *source,
                 GError     **error)
{
  g_autofree char *id = st_uuid_new ();
  const Col cols[] = {
    TEXT ("participant_id", participant_id), TEXT ("enrolment_id", enrolment_id),
    TEXT ("township_code", township_code), TEXT ("date", date), INT ("minutes", minutes),
    TEXT ("kind", kind), TEXT ("source", source),
  };

  return upsert (db, "study_logs", id, cols, G_N_ELEMENTS (cols), _("saving study hours"), error);
}

static gboolean
check_study_log (const char  *date,
                 int          minutes,
                 const char  *kind,
                 GError     **error)
{
  static const char *const kinds[] = { "self", "online", NULL };

  if (!check_date (date, _("Date"), error))
    return FALSE;
  if (minutes <= 0 || minutes > 24 * 60)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Hours: study hours on one day are more than 0 and at most 24; %d minute is not possible.",
                                "Hours: study hours on one day are more than 0 and at most 24; %d minutes is not possible.",
                                (gulong) ABS (minutes)),
                   minutes);
  if (!one_of (kind, kinds))
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Kind: “%s” is not self (self-study) or online."), kind ? kind : "");
  return TRUE;
}

gboolean
st_study_log_add (StDb        *db,
                  const char  *participant_id,
                  const char  *enrolment_id,
                  const char  *date,
                  int          minutes,
                  const char  *kind,
                  const char  *source,
                  GError     **error)
{
  g_autoptr(StParticipant) p = st_participant_load (db, participant_id, error);
  gint64 day;

  if (p == NULL || !check_study_log (date, minutes, kind, error)
      || !check_length ("study_logs", "source", _("Source"), source, error))
    return FALSE;
  if (enrolment_id != NULL)
    {
      g_autoptr(StEnrolment) e = st_enrolment_load (db, enrolment_id, error);

      if (e == NULL)
        return FALSE;
      if (!g_str_equal (e->participant_id, participant_id))
        return refuse (error, ST_RECORDS_ERROR_NOT_ENROLLED,
                       _("The enrolment %s is not %s’s."), enrolment_id, p->name);
    }
  day = minutes_on_day (db, participant_id, date, NULL, error);
  if (day < 0)
    return FALSE;
  if (day + minutes > 24 * 60)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Hours: this would credit %s with more than 24 hours on %s."), p->name, date);
  return write_study_log (db, participant_id, enrolment_id, p->township_code, date, minutes, kind, source, error);
}

int
st_study_log_add_for_class (StDb               *db,
                            const char         *class_id,
                            const char         *date,
                            int                 minutes,
                            const char         *kind,
                            const char         *source,
                            const char *const  *except,
                            GError            **error)
{
  g_autoptr(StClass) c = st_class_load (db, class_id, error);
  g_autoptr(GPtrArray) enrolments = NULL;
  gboolean ok = TRUE;
  int written = 0;
  gint64 day;
  Tx tx;

  if (c == NULL || !check_study_log (date, minutes, kind, error)
      || !check_length ("study_logs", "source", _("Source"), source, error))
    return -1;
  enrolments = st_enrolment_list (db, class_id, NULL, error);
  if (enrolments == NULL || !tx_begin (&tx, db, error))
    return -1;
  for (guint i = 0; ok && i < enrolments->len; i++)
    {
      StEnrolment *e = g_ptr_array_index (enrolments, i);

      if (except != NULL && g_strv_contains (except, e->participant_id))
        continue;
      if (g_strcmp0 (e->enrolled_on, date) > 0
          || (!g_str_equal (e->state, "studying") && g_strcmp0 (e->state_date, date) < 0))
        continue;
      day = minutes_on_day (db, e->participant_id, date, NULL, error);
      if (day < 0)
        {
          ok = FALSE;
          break;
        }
      if (day + minutes > 24 * 60)
        {
          g_autoptr(StParticipant) p = st_participant_load (db, e->participant_id, NULL);

          ok = refuse (error, ST_RECORDS_ERROR_INVALID,
                       _("Hours: this would credit %s with more than 24 hours on %s; nothing was saved."),
                       p ? p->name : e->participant_id, date);
          break;
        }
      ok = write_study_log (db, e->participant_id, e->id, e->township_code, date, minutes, kind, source, error);
      written++;
    }
  if (!tx_end (&tx, ok, error))
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
      refuse (error, ST_RECORDS_ERROR_INVALID, _("Assignment: give it a title."));
      return NULL;
    }
  if (!check_length ("assignments", "title", _("Title"), t, error))
    return NULL;
  if (done_on != NULL && !check_date (done_on, _("Done on"), error))
    return NULL;
  id = st_uuid_new ();
  {
    const Col cols[] = {
      TEXT ("enrolment_id", enrolment_id), TEXT ("township_code", e->township_code), TEXT ("title", t),
      INT ("done", done_on != NULL), TEXT ("done_on", done_on),
    };
    if (!upsert (db, "assignments", id, cols, G_N_ELEMENTS (cols), _("saving an assignment"), error))
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
  if (done_on != NULL && !check_date (done_on, _("Done on"), error))
    return FALSE;
  {
    const Col cols[] = { INT ("done", done_on != NULL), TEXT ("done_on", done_on) };
    return update (db, "assignments", assignment_id, cols, G_N_ELEMENTS (cols), _("saving an assignment"), error);
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
  if (!one_of (kind, kinds))
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Assessment: “%s” is not culture, skill or moral."), kind ? kind : "");
  if (!one_of (result, results))
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Result: “%s” is not pass or fail."), result ? result : "");
  if (!check_length ("assessments", "assessor", _("Assessor"), assessor, error))
    return FALSE;
  if (!check_date (date, _("Assessment date"), error))
    return FALSE;
  if (g_strcmp0 (date, e->enrolled_on) < 0)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
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
        return refuse (error, ST_RECORDS_ERROR_RULE,
                       _("The practical assignments are not done (%lld of %lld, at least %u needed): without them there is no assessment."),
                       (long long) done, (long long) MAX (total, (gint64) program->min_assignments), program->min_assignments);
    }

  id = st_uuid_new ();
  {
    const Col cols[] = {
      TEXT ("enrolment_id", enrolment_id), TEXT ("township_code", e->township_code), TEXT ("kind", kind),
      TEXT ("result", result), TEXT ("date", date), TEXT ("assessor", assessor),
    };
    return upsert (db, "assessments", id, cols, G_N_ELEMENTS (cols), _("saving an assessment"), error);
  }
}

static gboolean
exemption_add (StDb        *db,
               const char  *enrolment_id,
               const char  *kind,
               const char  *target,
               const char  *credit_basis,
               const char  *basis,
               int          credits,
               const char  *date,
               GError     **error)
{
  static const char *const kinds[] = { "exemption", "credit", "internship_waiver", NULL };
  g_autoptr(StEnrolment) e = st_enrolment_load (db, enrolment_id, error);
  g_autoptr(StClass) c = NULL;
  g_autoptr(StProgram) program = NULL;
  g_autofree char *why = g_strstrip (g_strdup (basis ? basis : ""));
  g_autofree char *id = NULL;

  if (e == NULL)
    return FALSE;
  c = st_class_load (db, e->class_id, error);
  if (c == NULL || (program = st_program_load (db, c->program_code, error)) == NULL)
    return FALSE;
  if (!one_of (kind, kinds))
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Kind: “%s” is not exemption, credit or internship_waiver."), kind ? kind : "");
  if (*why == '\0')
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Basis: name the certificate, award or work record it rests on."));
  if (!check_length ("exemptions", "basis", _("Basis"), why, error))
    return FALSE;
  if (!check_date (date, _("Date"), error))
    return FALSE;

  if (g_str_equal (kind, "exemption"))
    {
      StAssessmentKind k = st_assessment_kind_from_code (target);

      if (k == 0 || !(program->exemptions_allowed & k))
        return refuse (error, ST_RECORDS_ERROR_RULE,
                       _("Exemption: the program allows no exemption from “%s”."), target ? target : "");
    }
  else if (g_str_equal (kind, "credit"))
    {
      if (credits <= 0)
        return refuse (error, ST_RECORDS_ERROR_INVALID, _("Credits: give how many (more than 0)."));
      target = NULL;
    }
  else
    {
      if (!program->internship_required)
        return refuse (error, ST_RECORDS_ERROR_RULE, _("This program has no internship to waive."));
      if (credits < (int) program->internship_waiver_years)
        return refuse (error, ST_RECORDS_ERROR_RULE,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "Internship waiver: %d year of related work is less than the %u the program asks (annex 6 §(六)4).",
                                    "Internship waiver: %d years of related work is less than the %u the program asks (annex 6 §(六)4).",
                                    (gulong) ABS (credits)),
                       credits, program->internship_waiver_years);
      target = NULL;
    }

  if (credit_basis != NULL && st_credit_basis_to_display (credit_basis) == NULL)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Credits: “%s” is not certificate, award or innovation."), credit_basis);
  if (credits > 1000 && !g_str_equal (kind, "internship_waiver"))
    return refuse (error, ST_RECORDS_ERROR_INVALID, _("Credits: at most 1000."));

  id = st_uuid_new ();
  {
    const Col cols[] = {
      TEXT ("enrolment_id", enrolment_id), TEXT ("township_code", e->township_code), TEXT ("kind", kind),
      TEXT ("target", target), TEXT ("basis", why), INT ("credits", MAX (credits, 0)), TEXT ("date", date),
      TEXT ("credit_basis", g_str_equal (kind, "internship_waiver") ? NULL : credit_basis),
    };
    return upsert (db, "exemptions", id, cols, G_N_ELEMENTS (cols), _("saving an exemption"), error);
  }
}

gboolean
st_exemption_add (StDb        *db,
                  const char  *enrolment_id,
                  const char  *kind,
                  const char  *target,
                  const char  *basis,
                  int          credits,
                  const char  *date,
                  GError     **error)
{
  /* An exemption rests on a qualification certificate (§(六)2). */
  return exemption_add (db, enrolment_id, kind, target,
                        g_strcmp0 (kind, "exemption") == 0 ? "certificate" : NULL,
                        basis, credits, date, error);
}

gboolean
st_credit_add (StDb        *db,
               const char  *enrolment_id,
               const char  *credit_basis,
               const char  *basis,
               int          credits,
               const char  *date,
               GError     **error)
{
  if (credit_basis == NULL)
    return refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Credits: say what they rest on: certificate, award or innovation."));
  return exemption_add (db, enrolment_id, "credit", NULL, credit_basis, basis, credits, date, error);
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
