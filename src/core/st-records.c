/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-records"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-json-guard.h"
#include "st-participant.h"
#include "st-limits.h"
#include "st-records.h"
#include "st-records-private.h"
#include "st-uuid.h"

G_DEFINE_QUARK (st-records-error-quark, st_records_error)

/* Writing rows. Column names come from this file, never from input; values
 * are bound. */



void
st_records_bind_col (sqlite3_stmt *stmt,
                     int           index,
                     const Col    *col)
{
  if (col->is_int)
    sqlite3_bind_int64 (stmt, index, col->integer);
  else
    st_db_bind_text (stmt, index, col->text);
}

/* Runs @sql with the row's id as ?1, a new HLC as ?2, this device as ?3
 * and its columns from ?4 on. */
static gboolean
write_row (StDb            *db,
           const char      *sql,
           const RowWrite  *row,
           const char      *what,
           GError         **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, row->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) st_db_next_hlc (db));
  sqlite3_bind_text (stmt, 3, st_db_get_device_id (db), -1, SQLITE_STATIC);
  for (guint i = 0; i < row->n; i++)
    st_records_bind_col (stmt, i + 4, &row->cols[i]);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || st_db_set_error (db, rc, what, error);
}

/* Inserts the row, or brings a row of the same id (a deterministic key, or a
 * tombstone) to these values. Nothing is written when nothing changes, so no
 * empty change reaches the audit log or the outbox. */
gboolean
st_records_upsert (StDb            *db,
                   const RowWrite  *row,
                   const char      *what,
                   GError         **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new ("?1, ?2, ?3, 0");
  g_autoptr(GString) sets = g_string_new ("hlc = excluded.hlc, device = excluded.device, deleted = 0");
  g_autoptr(GString) changed = g_string_new (NULL);

  g_string_append_printf (sql, "INSERT INTO %s (id, hlc, device, deleted", row->table);
  g_string_append_printf (changed, "%s.deleted IS NOT 0", row->table);
  for (guint i = 0; i < row->n; i++)
    {
      const char *column = row->cols[i].column;

      g_string_append_printf (sql, ", %s", column);
      g_string_append_printf (values, ", ?%u", i + 4);
      g_string_append_printf (sets, ", %s = excluded.%s", column, column);
      g_string_append_printf (changed, " OR %s.%s IS NOT excluded.%s", row->table, column, column);
    }
  g_string_append_printf (sql, ") VALUES (%s) ON CONFLICT (id) DO UPDATE SET %s WHERE %s",
                          values->str, sets->str, changed->str);
  return write_row (db, sql->str, row, what, error);
}

/* Sets some columns of an existing row, when they differ. */
gboolean
st_records_update (StDb            *db,
                   const RowWrite  *row,
                   const char      *what,
                   GError         **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) changed = g_string_new (NULL);

  g_string_append_printf (sql, "UPDATE %s SET hlc = ?2, device = ?3", row->table);
  for (guint i = 0; i < row->n; i++)
    {
      g_string_append_printf (sql, ", %s = ?%u", row->cols[i].column, i + 4);
      g_string_append_printf (changed, "%s%s IS NOT ?%u", i ? " OR " : "", row->cols[i].column, i + 4);
    }
  g_string_append_printf (sql, " WHERE id = ?1 AND (%s)", changed->str);
  return write_row (db, sql->str, row, what, error);
}

/* Several writes as one: joins the caller's transaction, or makes one. */


gboolean
st_records_tx_begin (Tx       *tx,
                     StDb     *db,
                     GError  **error)
{
  tx->db = db;
  tx->own = sqlite3_get_autocommit (st_db_get_handle (db));
  return !tx->own || st_db_begin (db, error);
}

gboolean
st_records_tx_end (Tx        *tx,
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
gboolean
st_records_refuse (GError        **error,
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

gboolean
st_records_check_date (const char  *date,
                       const char  *label,
                       GError     **error)
{
  if (st_date_is_valid (date))
    return TRUE;
  return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                 /* Translators: "<field>: “<value>” is not a date …" */
                 _("%s: “%s” is not a date; write it as 2025-03-01."), label, date ? date : "");
}

/* A text within its field's length (st-limits.c); @text may be NULL. */
gboolean
st_records_check_length (const char  *table,
                         const char  *column,
                         const char  *label,
                         const char  *text,
                         GError     **error)
{
  g_autofree char *problem = st_field_limit_problem (table, column, label, text);

  if (problem == NULL)
    return TRUE;
  return st_records_refuse (error, ST_RECORDS_ERROR_INVALID, "%s", problem);
}

/* One row by its key through @from_row; NULL without an error when there
 * is none. */
gpointer
st_records_load_one (StDb         *db,
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

/* One row by its key, or NULL and @not_found (a format of the key) as the
 * error when there is none. */
gpointer
st_records_load (StDb         *db,
                 const char   *sql,
                 const char   *id,
                 gpointer    (*from_row) (sqlite3_stmt *),
                 const char   *not_found,
                 GError      **error)
{
  g_autoptr(GError) local = NULL;
  gpointer row = st_records_load_one (db, sql, id, from_row, &local);

  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  else if (row == NULL)
    {
      /* @not_found is one of this file's translated formats of one %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      g_set_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_NOT_FOUND, not_found, id);
#pragma GCC diagnostic pop
    }
  return row;
}

gboolean
st_records_one_of (const char        *value,
                   const char *const *allowed)
{
  for (; *allowed; allowed++)
    if (g_strcmp0 (value, *allowed) == 0)
      return TRUE;
  return FALSE;
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

  if (code == NULL)
    return 0;
  stmt = st_db_prepare (db, "SELECT 1 FROM divisions WHERE code = ? AND level = 'township'", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  return st_db_step_exists (db, stmt, _("reading the list of townships and villages"), error);
}

static char *
trainers_to_json (char **trainers)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; trainers && trainers[i]; i++)
    json_builder_add_string_value (b, trainers[i]);
  json_builder_end_array (b);
  root = json_builder_get_root (b);   /* a new node: set_root copies it */
  json_generator_set_root (gen, root);
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
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID, _("Class: a class needs a name."));
  if (!st_records_check_length ("classes", "name", _("Class name"), c->name, error)
      || !st_records_check_length ("classes", "teaching_point", _("Teaching point"), c->teaching_point, error)
      || !st_records_check_length ("classes", "notes", _("Notes"), c->notes, error))
    return FALSE;
  for (guint i = 0; c->trainers != NULL && c->trainers[i] != NULL; i++)
    if (!st_records_check_length ("sessions", "trainer", _("Trainer"), c->trainers[i], error))
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
        return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                       _("Major: “%s” is not in the list of majors. Add it first (shuangti-cli major add)."), c->major);
    }
  found = township_exists (db, c->township_code, error);
  if (found < 0)
    return FALSE;
  if (found == 0)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Township: “%s” is not a township of this database’s county."),
                   c->township_code ? c->township_code : "");
  if (!st_records_check_date (c->start_date, _("Start date"), error))
    return FALSE;
  if (c->schedule != NULL && st_schedule_from_code (c->schedule) < 0)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Schedule: “%s” is not monthly or blocks."), c->schedule);
  if (c->schedule != NULL && program->kind != ST_PROGRAM_DIPLOMA)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Schedule: the program “%s” is a training; its classes have no schedule of concentrated teaching."),
                   program->name);

  if (c->id == NULL)
    c->id = st_uuid_new ();
  trainers = trainers_to_json (c->trainers);
  if (!st_records_check_length ("classes", "trainers", _("Trainers"), trainers, error))
    return FALSE;
  {
    const Col cols[] = {
      TEXT ("name", c->name), TEXT ("program_id", program->code), TEXT ("major_id", c->major),
      TEXT ("township_code", c->township_code), TEXT ("teaching_point", c->teaching_point),
      TEXT ("start_date", c->start_date), TEXT ("trainers", trainers), TEXT ("notes", c->notes),
      TEXT ("schedule", c->schedule),
    };
    return st_records_upsert (db, ROW_WRITE ("classes", c->id, cols), _("saving a class"), error);
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
  return st_records_load (db, "SELECT " CLASS_COLUMNS " FROM classes WHERE id = ? AND deleted = 0", id,
                          (gpointer (*) (sqlite3_stmt *)) class_from_row,
                          _("There is no class with the key %s."), error);
}

GPtrArray *
st_class_list (StDb        *db,
               const char  *township_code,
               GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT " CLASS_COLUMNS " FROM classes WHERE deleted = 0"
                                          " AND (?1 IS NULL OR township_code = ?1)"
                                          " ORDER BY start_date DESC, name", error);
  if (stmt == NULL)
    return NULL;
  st_db_bind_text (stmt, 1, township_code);
  return st_db_read_rows (db, stmt, (gpointer (*) (sqlite3_stmt *)) class_from_row, (GDestroyNotify) st_class_free,
                          _("reading the classes"), error);
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
  return st_records_load (db, "SELECT " ENROLMENT_COLUMNS " FROM enrolments WHERE id = ? AND deleted = 0", id,
                          (gpointer (*) (sqlite3_stmt *)) enrolment_from_row,
                          _("There is no enrolment with the key %s."), error);
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
  if (stmt == NULL)
    return NULL;
  st_db_bind_text (stmt, 1, class_id);
  st_db_bind_text (stmt, 2, participant_id);
  return st_db_read_rows (db, stmt, (gpointer (*) (sqlite3_stmt *)) enrolment_from_row, (GDestroyNotify) st_enrolment_free,
                          _("reading the enrolments"), error);
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
      st_records_refuse (error, ST_RECORDS_ERROR_NOT_FOUND, _("%s was deleted and cannot be enrolled."), p->name);
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
  if (!st_records_check_date (enrolled_on, _("Enrolment date"), error))
    return NULL;
  if (study_years == 0)
    study_years = st_program_study_years (program, p->education);
  if (study_years > 10)
    {
      st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
              g_dngettext (GETTEXT_PACKAGE, "Study length: %u year is more than 10.",
                           "Study length: %u years is more than 10.", study_years), study_years);
      return NULL;
    }

  id = st_enrolment_id (participant_id, class_id);
  existing = st_enrolment_load (db, id, NULL);
  if (existing != NULL && (g_strcmp0 (existing->state, "graduated") == 0 || g_strcmp0 (existing->state, "completed") == 0))
    {
      st_records_refuse (error, ST_RECORDS_ERROR_RULE, _("%s has already finished this class."), p->name);
      return NULL;
    }
  {
    const Col cols[] = {
      TEXT ("participant_id", participant_id), TEXT ("class_id", class_id),
      TEXT ("township_code", c->township_code), TEXT ("enrolled_on", enrolled_on),
      INT ("study_years", study_years), TEXT ("state", "studying"), TEXT ("state_date", NULL),
      TEXT ("withdraw_reason", NULL),
    };
    if (!st_records_upsert (db, ROW_WRITE ("enrolments", id, cols), _("saving an enrolment"), error))
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
      st_records_refuse (error, ST_RECORDS_ERROR_RULE, _("This enrolment is no longer in study (it is %s)."), e->state);
      g_clear_pointer (&e, st_enrolment_free);
    }
  return e;
}

/* The refusals of st_withdraw (), @why stripped. */
static gboolean
withdraw_check (StDb        *db,
                const char  *enrolment_id,
                const char  *date,
                const char  *why,
                GError     **error)
{
  g_autoptr(StEnrolment) e = load_studying (db, enrolment_id, error);

  if (e == NULL || !st_records_check_date (date, _("Withdrawal date"), error))
    return FALSE;
  if (g_strcmp0 (date, e->enrolled_on) < 0)
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID,
                   _("Withdrawal date: %s is before the enrolment on %s."), date, e->enrolled_on);
  if (*why == '\0')
    return st_records_refuse (error, ST_RECORDS_ERROR_INVALID, _("Withdrawal: give the reason."));
  return st_records_check_length ("enrolments", "withdraw_reason", _("Reason"), why, error);
}

gboolean
st_withdraw_check (StDb        *db,
                   const char  *enrolment_id,
                   const char  *date,
                   const char  *reason,
                   GError     **error)
{
  g_autofree char *why = g_strstrip (g_strdup (reason ? reason : ""));

  return withdraw_check (db, enrolment_id, date, why, error);
}

gboolean
st_withdraw (StDb        *db,
             const char  *enrolment_id,
             const char  *date,
             const char  *reason,
             GError     **error)
{
  g_autofree char *why = g_strstrip (g_strdup (reason ? reason : ""));

  if (!withdraw_check (db, enrolment_id, date, why, error))
    return FALSE;
  {
    const Col cols[] = { TEXT ("state", "withdrawn"), TEXT ("state_date", date), TEXT ("withdraw_reason", why) };
    return st_records_update (db, ROW_WRITE ("enrolments", enrolment_id, cols), _("recording a withdrawal"), error);
  }
}

gboolean
st_request_early_graduation (StDb        *db,
                             const char  *enrolment_id,
                             const char  *date,
                             GError     **error)
{
  g_autoptr(StEnrolment) e = load_studying (db, enrolment_id, error);

  if (e == NULL || !st_records_check_date (date, _("Date of the request"), error))
    return FALSE;
  {
    const Col cols[] = { TEXT ("early_graduation_requested_on", date) };
    return st_records_update (db, ROW_WRITE ("enrolments", enrolment_id, cols), _("recording the request"), error);
  }
}

gboolean
st_record_internship (StDb        *db,
                      const char  *enrolment_id,
                      const char  *date,
                      GError     **error)
{
  g_autoptr(StEnrolment) e = load_studying (db, enrolment_id, error);

  if (e == NULL || !st_records_check_date (date, _("Internship date"), error))
    return FALSE;
  {
    const Col cols[] = { TEXT ("internship_done_on", date) };
    return st_records_update (db, ROW_WRITE ("enrolments", enrolment_id, cols), _("recording the internship"), error);
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
        st_records_refuse (error, ST_RECORDS_ERROR_RULE,
                _("The program “%s” does not allow the study length to be extended."), program->name);
      else
        st_records_refuse (error, ST_RECORDS_ERROR_RULE,
                g_dngettext (GETTEXT_PACKAGE,
                             "The program “%s” allows an extension of at most %u year.",
                             "The program “%s” allows an extension of at most %u years.",
                             program->max_extension_years),
                program->name, program->max_extension_years);
      return FALSE;
    }
  {
    const Col cols[] = { INT ("extension_years", years) };
    return st_records_update (db, ROW_WRITE ("enrolments", enrolment_id, cols), _("recording the extension"), error);
  }
}
