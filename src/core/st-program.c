/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-program"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "st-core-resources.h"
#include "st-date.h"
#include "st-json-guard.h"
#include "st-limits.h"
#include "st-program.h"
#include "st-records-private.h"
#include "st-uuid.h"

G_DEFINE_QUARK (st-program-error-quark, st_program_error)

#define RESOURCE_DIR "/io/github/shuangti/Shuangti/core/programs/"

static const char *const education_codes[ST_N_EDUCATION] = {
  "none", "primary", "junior", "senior", "unknown",
};

StEducation
st_education_from_code (const char *code)
{
  for (guint i = 0; i < ST_N_EDUCATION; i++)
    if (g_strcmp0 (code, education_codes[i]) == 0)
      return i;
  return ST_EDUCATION_UNKNOWN;
}

const char *
st_assessment_kind_to_code (StAssessmentKind kind)
{
  switch (kind)
    {
    case ST_ASSESSMENT_CULTURE: return "culture";
    case ST_ASSESSMENT_SKILL: return "skill";
    case ST_ASSESSMENT_MORAL: return "moral";
    default: return NULL;
    }
}

StAssessmentKind
st_assessment_kind_from_code (const char *code)
{
  if (g_strcmp0 (code, "culture") == 0)
    return ST_ASSESSMENT_CULTURE;
  if (g_strcmp0 (code, "skill") == 0)
    return ST_ASSESSMENT_SKILL;
  if (g_strcmp0 (code, "moral") == 0)
    return ST_ASSESSMENT_MORAL;
  return 0;
}

const char *
st_assessment_kind_to_display (StAssessmentKind kind)
{
  switch (kind)
    {
    case ST_ASSESSMENT_CULTURE: return _("Culture course");
    case ST_ASSESSMENT_SKILL: return _("Vocational skill course");
    case ST_ASSESSMENT_MORAL: return _("Moral evaluation");
    default: return "";
    }
}

void
st_program_free (StProgram *program)
{
  if (program == NULL)
    return;
  g_free (program->code);
  g_free (program->name);
  g_free (program->name_en);
  g_free (program->graduate_education_level);
  for (guint i = 0; i < G_N_ELEMENTS (program->certificate_names); i++)
    g_free (program->certificate_names[i]);
  g_free (program->json);
  g_free (program);
}

/* Field readers: each names the file and the field when it refuses. */

static gboolean
field_error (GError     **error,
             const char  *file,
             const char  *field,
             const char  *what)
{
  g_set_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID,
               /* Translators: "<file>: “<field>” <what is wrong>" */
               _("%s: “%s” %s"), file, field, what);
  return FALSE;
}

static gboolean
read_string (JsonObject  *obj,
             const char  *file,
             const char  *field,
             gboolean     required,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (obj, field);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return field_error (error, file, field, _("is missing"));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
      || *json_node_get_string (node) == '\0')
    return field_error (error, file, field, _("must be a text"));
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_bool (JsonObject  *obj,
           const char  *file,
           const char  *field,
           gboolean     fallback,
           gboolean    *out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (obj, field);

  if (node == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return field_error (error, file, field, _("must be true or false"));
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* A whole number in [min, max]; hours are turned into minutes by @scale. */
static gboolean
read_number (JsonObject  *obj,
             const char  *file,
             const char  *field,
             gboolean     required,
             gint64       min,
             gint64       max,
             gint64       scale,
             gint64      *out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (obj, field);
  gint64 v;

  if (node == NULL)
    {
      if (required)
        return field_error (error, file, field, _("is missing"));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return field_error (error, file, field, _("must be a whole number"));
  v = json_node_get_int (node);
  if (v < min || v > max)
    {
      g_autofree char *what = g_strdup_printf (_("must be between %lld and %lld"), (long long) min, (long long) max);
      return field_error (error, file, field, what);
    }
  *out = v * scale;
  return TRUE;
}

static gboolean
read_assessments (JsonObject  *obj,
                  const char  *file,
                  const char  *field,
                  guint       *out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (obj, field);
  JsonArray *array;

  *out = 0;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return field_error (error, file, field, _("must be a list such as [\"culture\", \"skill\", \"moral\"]"));
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      StAssessmentKind kind = 0;

      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
        kind = st_assessment_kind_from_code (json_node_get_string (item));
      if (kind == 0)
        return field_error (error, file, field, _("may hold only \"culture\", \"skill\" and \"moral\""));
      *out |= kind;
    }
  return TRUE;
}

/* "study_length": {"days": N} | {"weeks": N} | {"years": N}, training
 * programs only (annex 6 §三(三): 长训短培; a teacher training of 5 years). */
static gboolean
read_study_length (JsonObject  *obj,
                   const char  *file,
                   StProgram   *p,
                   GError     **error)
{
  static const struct { const char *unit; gint64 max; guint days; } units[] = {
    { "days", 3650, 1 }, { "weeks", 520, 7 }, { "years", 10, 0 },
  };
  JsonNode *node = json_object_get_member (obj, "study_length");
  JsonObject *length;
  guint found = 0;

  if (node == NULL)
    return TRUE;
  if (p->kind != ST_PROGRAM_TRAINING)
    return field_error (error, file, "study_length",
                        _("is for training programs; a diploma program gives “study_years” by prior education"));
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return field_error (error, file, "study_length",
                        _("must be an object with one of “days”, “weeks” or “years”, such as {\"days\": 5}"));
  length = json_node_get_object (node);
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      g_autofree char *field = g_strdup_printf ("study_length.%s", units[i].unit);
      gint64 v = 0;

      if (!json_object_has_member (length, units[i].unit))
        continue;
      found++;
      if (!read_number (length, file, units[i].unit, TRUE, 1, units[i].max, 1, &v, error))
        {
          g_autofree char *what = g_strdup_printf (_("must be a whole number from 1 to %lld"), (long long) units[i].max);

          g_clear_error (error);
          return field_error (error, file, field, what);
        }
      for (guint e = 0; e < ST_N_EDUCATION; e++)
        p->study_years[e] = units[i].days ? 1 : (guint) v;
      p->study_days = (guint) v * units[i].days;
    }
  if (found != 1 || json_object_get_size (length) != 1)
    return field_error (error, file, "study_length",
                        _("must be an object with one of “days”, “weeks” or “years”, such as {\"days\": 5}"));
  return TRUE;
}

/* The program's code, names and kind. */
static gboolean
read_identity (JsonObject  *obj,
               const char  *name,
               StProgram   *p,
               GError     **error)
{
  g_autofree char *kind = NULL;
  g_autofree char *problem = NULL;
  gint64 v;

  if (!read_number (obj, name, "schema", TRUE, 1, 1, 1, &v, error)
      || !read_string (obj, name, "code", TRUE, &p->code, error)
      || !read_string (obj, name, "name", TRUE, &p->name, error)
      || !read_string (obj, name, "name_en", FALSE, &p->name_en, error)
      || !read_string (obj, name, "kind", TRUE, &kind, error))
    return FALSE;
  if (strspn (p->code, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen (p->code))
    {
      field_error (error, name, "code", _("may hold only lower-case letters, digits and “-”"));
      return FALSE;
    }
  problem = st_field_limit_problem ("programs", "code", "code", p->code);
  if (problem == NULL)
    problem = st_field_limit_problem ("programs", "name", "name", p->name);
  if (problem != NULL)
    {
      g_set_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID, _("%s: %s"), name, problem);
      return FALSE;
    }
  if (g_str_equal (kind, "diploma"))
    p->kind = ST_PROGRAM_DIPLOMA;
  else if (g_str_equal (kind, "training"))
    p->kind = ST_PROGRAM_TRAINING;
  else
    {
      field_error (error, name, "kind", _("must be \"diploma\" or \"training\""));
      return FALSE;
    }
  return TRUE;
}

/* Study length by prior education (annex 6 §(五)5), unless a training
 * gives one length for everyone. */
static gboolean
read_study_years (JsonObject  *obj,
                  const char  *name,
                  StProgram   *p,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (obj, "study_years");
  JsonObject *years;

  if (p->kind == ST_PROGRAM_TRAINING && json_object_has_member (obj, "study_length"))
    {
      if (node != NULL)
        {
          field_error (error, name, "study_years", _("may not be given with “study_length”: give one of them"));
          return FALSE;
        }
    }
  else if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      field_error (error, name, "study_years",
                   _("must be an object of years by prior education: none, primary, junior, senior, unknown"));
      return FALSE;
    }
  years = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  for (guint i = 0; i < ST_N_EDUCATION && years != NULL; i++)
    {
      g_autofree char *field = g_strdup_printf ("study_years.%s", education_codes[i]);
      gint64 v = 0;

      if (!json_object_has_member (years, education_codes[i]))
        {
          field_error (error, name, field, _("is missing"));
          return FALSE;
        }
      if (!read_number (years, name, education_codes[i], TRUE, 1, 10, 1, &v, error))
        {
          g_clear_error (error);
          field_error (error, name, field, _("must be a whole number of years from 1 to 10"));
          return FALSE;
        }
      p->study_years[i] = (guint) v;
    }
  return TRUE;
}

/* Extensions, credits and which sessions count as concentrated. */
static gboolean
read_allowances (JsonObject  *obj,
                 const char  *name,
                 StProgram   *p,
                 GError     **error)
{
  gint64 n = 0;

  if (!read_number (obj, name, "max_extension_years", FALSE, 0, 5, 1, &n, error))
    return FALSE;
  if (n > 0 && p->study_days > 0)
    {
      field_error (error, name, "max_extension_years",
                   _("must be 0 for a training whose length is given in days or weeks"));
      return FALSE;
    }
  p->max_extension_years = (guint) n;
  n = 0;
  if (!read_number (obj, name, "min_credits", FALSE, 0, 1000, 1, &n, error))
    return FALSE;
  p->min_credits = (guint) n;
  return read_bool (obj, name, "online_sessions_count_as_concentrated", TRUE,
                    &p->online_sessions_count_as_concentrated, error)
    && read_bool (obj, name, "practical_sessions_count_as_concentrated", TRUE,
                  &p->practical_sessions_count_as_concentrated, error);
}

/* A diploma's rules: hours a year, self-study, assignments, assessments,
 * the schedule of concentrated teaching (§(五)4), the internship. */
static gboolean
read_diploma_rules (JsonObject  *obj,
                    const char  *name,
                    StProgram   *p,
                    GError     **error)
{
  gint64 n = 0;
  g_autofree char *schedule = NULL;

  if (!read_number (obj, name, "concentrated_hours_per_year", TRUE, 0, 2000, 60,
                    &p->concentrated_minutes_per_year, error)
      || !read_bool (obj, name, "self_study_at_least_concentrated", TRUE,
                     &p->self_study_at_least_concentrated, error)
      || !read_number (obj, name, "self_and_online_min_hours", TRUE, 0, 10000, 60,
                       &p->self_and_online_min_minutes, error)
      || !read_bool (obj, name, "assignments_before_assessment", TRUE,
                     &p->assignments_before_assessment, error)
      || !read_number (obj, name, "min_assignments", FALSE, 0, 100, 1, &n, error)
      || !read_assessments (obj, name, "required_assessments", &p->required_assessments, error)
      || !read_assessments (obj, name, "exemptions_allowed", &p->exemptions_allowed, error)
      || !read_bool (obj, name, "internship_required", FALSE, &p->internship_required, error)
      || !read_bool (obj, name, "early_graduation", FALSE, &p->early_graduation, error)
      || !read_string (obj, name, "graduate_education_level", TRUE, &p->graduate_education_level, error))
    return FALSE;
  p->min_assignments = (guint) n;
  /* §(五)4: the schedule of concentrated teaching, and how much of it may
   * be online. */
  if (!read_string (obj, name, "concentrated_schedule", FALSE, &schedule, error)
      || !read_number (obj, name, "monthly_meeting_hours", FALSE, 1, 24, 60, &p->monthly_meeting_minutes, error)
      || !read_number (obj, name, "block_hours", FALSE, 1, 2000, 60, &p->block_minutes, error))
    return FALSE;
  if (schedule != NULL && st_schedule_from_code (schedule) < 0)
    {
      field_error (error, name, "concentrated_schedule", _("must be \"monthly\" or \"blocks\""));
      return FALSE;
    }
  if (schedule != NULL)
    p->default_schedule = st_schedule_from_code (schedule);
  n = p->blocks_per_year;
  if (!read_number (obj, name, "blocks_per_year", FALSE, 1, 12, 1, &n, error))
    return FALSE;
  p->blocks_per_year = (guint) n;
  n = -1;
  if (!read_number (obj, name, "online_concentrated_max_percent", FALSE, 0, 100, 1, &n, error))
    return FALSE;
  p->online_concentrated_max_percent = (int) n;
  if (p->internship_required)
    {
      n = 0;
      if (!read_number (obj, name, "internship_waiver_years", FALSE, 0, 50, 1, &n, error))
        return FALSE;
      p->internship_waiver_years = (guint) n;
    }
  return TRUE;
}

static gboolean
read_certificate_names (JsonObject  *obj,
                        const char  *name,
                        StProgram   *p,
                        GError     **error)
{
  JsonNode *node = json_object_get_member (obj, "certificate_names");
  JsonObject *names;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      field_error (error, name, "certificate_names",
                   _("must be an object with the names of the graduation, completion and study_record certificates"));
      return FALSE;
    }
  names = json_node_get_object (node);
  return read_string (names, name, "graduation", TRUE, &p->certificate_names[0], error)
    && read_string (names, name, "completion", TRUE, &p->certificate_names[1], error)
    && read_string (names, name, "study_record", TRUE, &p->certificate_names[2], error);
}

StProgram *
st_program_new_from_data (const char  *json,
                          gssize       length,
                          const char  *name,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(StProgram) p = g_new0 (StProgram, 1);
  g_autoptr(GError) local = NULL;
  JsonObject *obj;
  JsonNode *node;

  /* json-glib recurses once per level: 100,000 “[” would overflow the
   * stack. Size and depth are checked before it sees the text. */
  if (!st_json_check_limits (json, length, ST_JSON_MAX_DEPTH, ST_PROGRAM_MAX_BYTES, &local))
    {
      g_set_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID, _("%s: %s"), name, local->message);
      return NULL;
    }
  if (!st_json_parser_load (parser, json, length, &local))
    {
      g_set_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID,
                   _("%s is not valid JSON: %s"), name, local->message);
      return NULL;
    }
  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID,
                   _("%s must hold one JSON object with the program’s fields."), name);
      return NULL;
    }
  obj = json_node_get_object (node);
  p->json = length < 0 ? g_strdup (json) : g_strndup (json, length);

  p->default_schedule = ST_SCHEDULE_MONTHLY;
  p->monthly_meeting_minutes = 8 * 60;
  p->block_minutes = 120 * 60;
  p->blocks_per_year = 2;
  p->online_concentrated_max_percent = -1;
  /* A training's length, the same for everyone: days, weeks or years. */
  if (!read_identity (obj, name, p, error)
      || !read_study_length (obj, name, p, error)
      || !read_study_years (obj, name, p, error)
      || !read_allowances (obj, name, p, error))
    return NULL;
  if (p->kind == ST_PROGRAM_DIPLOMA)
    {
      if (!read_diploma_rules (obj, name, p, error))
        return NULL;
    }
  else if (!read_number (obj, name, "attended_min_hours", TRUE, 1, 10000, 60,
                         &p->attended_min_minutes, error))
    return NULL;
  if (!read_certificate_names (obj, name, p, error))
    return NULL;
  return g_steal_pointer (&p);
}

StProgram *
st_program_new_from_file (const char  *path,
                          GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  gsize length;

  /* Not read at all when it is larger than a program can be. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info != NULL && g_file_info_get_size (info) > ST_PROGRAM_MAX_BYTES)
    {
      g_autofree char *limit = g_format_size_full (ST_PROGRAM_MAX_BYTES, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID,
                   _("%s is %lu bytes long; a program’s rules file is at most %s (%d bytes)."),
                   base, (gulong) g_file_info_get_size (info), limit, ST_PROGRAM_MAX_BYTES);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return st_program_new_from_data (contents, length, base, error);
}

const GPtrArray *
st_programs_builtin (void)
{
  static gsize initialised;
  static GPtrArray *programs;
  static const char *const files[] = { "secondary-vocational.json", "short-training.json" };

  if (g_once_init_enter (&initialised))
    {
      programs = g_ptr_array_new_with_free_func ((GDestroyNotify) st_program_free);
      for (guint i = 0; i < G_N_ELEMENTS (files); i++)
        {
          g_autofree char *path = g_strconcat (RESOURCE_DIR, files[i], NULL);
          g_autoptr(GBytes) bytes = g_resource_lookup_data (st_core_get_resource (), path, 0, NULL);
          g_autoptr(GError) error = NULL;
          StProgram *p;

          if (bytes == NULL)
            g_error ("the built-in program %s is missing from the resources", files[i]);
          p = st_program_new_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), files[i], &error);
          if (p == NULL)
            g_error ("the built-in program %s is broken: %s", files[i], error->message);
          g_ptr_array_add (programs, p);
        }
      g_once_init_leave (&initialised, 1);
    }
  return programs;
}

static StProgram *
copy_program (const StProgram *p)
{
  return st_program_new_from_data (p->json, -1, p->code, NULL);
}

StProgram *
st_program_load (StDb        *db,
                 const char  *code,
                 GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT rules FROM programs WHERE code = ? AND deleted = 0"
                                          " ORDER BY hlc DESC LIMIT 1", error);
  const GPtrArray *builtin = st_programs_builtin ();
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_autofree char *rules = g_strdup ((const char *) sqlite3_column_text (stmt, 0));

      sqlite3_reset (stmt);
      return st_program_new_from_data (rules, -1, code, error);
    }
  sqlite3_reset (stmt);
  /* Not the built-in rules in place of the county's own: an error. */
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading a program"), error);
      return NULL;
    }

  for (guint i = 0; i < builtin->len; i++)
    {
      const StProgram *p = g_ptr_array_index (builtin, i);

      if (g_str_equal (p->code, code))
        return copy_program (p);
    }
  g_set_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_NOT_FOUND,
               _("There is no program with the code “%s”. “shuangti-cli program list” shows them."), code);
  return NULL;
}

GPtrArray *
st_program_list (StDb    *db,
                 GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) st_program_free);
  const GPtrArray *builtin = st_programs_builtin ();
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT DISTINCT code FROM programs WHERE deleted = 0 ORDER BY code", error);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < builtin->len; i++)
    g_ptr_array_add (codes, g_strdup (((StProgram *) g_ptr_array_index (builtin, i))->code));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *code = (const char *) sqlite3_column_text (stmt, 0);

      if (!g_ptr_array_find_with_equal_func (codes, code, g_str_equal, NULL))
        g_ptr_array_add (codes, g_strdup (code));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the programs"), error);
      return NULL;
    }

  for (guint i = 0; i < codes->len; i++)
    {
      StProgram *p = st_program_load (db, g_ptr_array_index (codes, i), error);

      if (p == NULL)
        return NULL;
      g_ptr_array_add (list, p);
    }
  return g_steal_pointer (&list);
}

/* A county's own program, or its version of a built-in one: a row of
 * programs like any other record, so an unchanged program is not written
 * again. */
gboolean
st_program_save (StDb       *db,
                 StProgram  *program,
                 GError    **error)
{
  g_autofree char *id = st_uuid_v5 (ST_UUID_NS_PROGRAM, program->code);
  const Col cols[] = {
    TEXT ("code", program->code), TEXT ("name", program->name), TEXT ("rules", program->json), INT ("builtin", 0),
  };

  return st_records_upsert (db, ROW_WRITE ("programs", id, cols), _("saving a program"), error);
}

guint
st_program_study_years (const StProgram *program,
                        const char      *education)
{
  return program->study_years[st_education_from_code (education)];
}

const char *
st_schedule_to_code (StSchedule schedule)
{
  return schedule == ST_SCHEDULE_BLOCKS ? "blocks" : "monthly";
}

int
st_schedule_from_code (const char *code)
{
  if (g_strcmp0 (code, "monthly") == 0)
    return ST_SCHEDULE_MONTHLY;
  if (g_strcmp0 (code, "blocks") == 0)
    return ST_SCHEDULE_BLOCKS;
  return -1;
}

StSchedule
st_program_schedule (const StProgram *program,
                     const char      *code)
{
  int s = st_schedule_from_code (code);

  return s >= 0 ? (StSchedule) s : program->default_schedule;
}

gint64
st_program_concentrated_per_year (const StProgram *program,
                                  StSchedule       schedule)
{
  if (schedule == ST_SCHEDULE_BLOCKS)
    return program->block_minutes * program->blocks_per_year;
  return program->concentrated_minutes_per_year;
}

char *
st_schedule_describe (const StProgram *program,
                      StSchedule       schedule)
{
  g_autofree char *hours = NULL;

  if (schedule == ST_SCHEDULE_BLOCKS)
    {
      hours = g_strdup_printf ("%" G_GINT64_FORMAT, program->block_minutes / 60);
      /* Translators: "2 blocks of 120 hours a year" (每年集中培训不少于两次，每次不低于120学时) */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u block of %s hours a year",
                                           "%u blocks of %s hours a year", program->blocks_per_year),
                              program->blocks_per_year, hours);
    }
  hours = g_strdup_printf ("%" G_GINT64_FORMAT, program->monthly_meeting_minutes / 60);
  /* Translators: "A day of 8 hours each month" (每月集中授课1次，每次1天(8学时)) */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "A day of %s hour each month",
                                       "A day of %s hours each month",
                                       (gulong) (program->monthly_meeting_minutes / 60)), hours);
}

char *
st_program_end_date (const StProgram *program,
                     const char      *enrolled_on,
                     guint            study_years,
                     guint            extension_years)
{
  if (program != NULL && program->study_days > 0)
    return st_date_add_days (enrolled_on, program->study_days);
  return st_date_add_years (enrolled_on, study_years + extension_years);
}

char *
st_program_describe_length (const StProgram *program,
                            guint            study_years)
{
  guint days = program != NULL ? program->study_days : 0;

  if (days > 0 && days % 7 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u week", "%u weeks", days / 7), days / 7);
  if (days > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day", "%u days", days), days);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u year", "%u years", study_years), study_years);
}

/* Majors: the annex's list is data; the table holds what a county added
 * (archived = 0) or removed (archived = 1), keyed by the name so that two
 * laptops adding the same major make one row. */

static GPtrArray *
builtin_majors (void)
{
  g_autoptr(GBytes) bytes = g_resource_lookup_data (st_core_get_resource (),
                                                    RESOURCE_DIR "majors.json", 0, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;

  if (bytes == NULL || !st_json_parser_load (parser, g_bytes_get_data (bytes, NULL),
                                                    g_bytes_get_size (bytes), NULL))
    g_error ("the built-in list of majors is missing or broken");
  array = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "majors");
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (list, g_strdup (json_array_get_string_element (array, i)));
  return list;
}

GPtrArray *
st_majors_list (StDb    *db,
                GError **error)
{
  g_autoptr(GPtrArray) list = builtin_majors ();
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT name, archived FROM majors WHERE deleted = 0"
                                          " ORDER BY sort_order, hlc", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      gboolean archived = sqlite3_column_int (stmt, 1);
      guint index;
      gboolean present = g_ptr_array_find_with_equal_func (list, name, g_str_equal, &index);

      if (archived && present)
        g_ptr_array_remove_index (list, index);
      else if (!archived && !present)
        g_ptr_array_add (list, g_strdup (name));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the list of majors"), error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

static gboolean
write_major (StDb        *db,
             const char  *name,
             gboolean     archived,
             GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name ? name : ""));
  g_autofree char *id = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (*trimmed == '\0')
    {
      g_set_error_literal (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID, _("A major needs a name."));
      return FALSE;
    }
  {
    g_autofree char *problem = st_field_limit_problem ("majors", "name", _("Major"), trimmed);

    if (problem != NULL)
      {
        g_set_error_literal (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_INVALID, problem);
        return FALSE;
      }
  }
  id = st_uuid_v5 (ST_UUID_NS_PROGRAM, trimmed);
  stmt = st_db_prepare (db,
                        "INSERT INTO majors (id, hlc, device, name, archived, sort_order)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, 0)"
                        " ON CONFLICT (id) DO UPDATE SET hlc = excluded.hlc, device = excluded.device,"
                        " archived = excluded.archived WHERE majors.archived IS NOT excluded.archived",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) st_db_next_hlc (db));
  sqlite3_bind_text (stmt, 3, st_db_get_device_id (db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, trimmed, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, archived);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("saving the list of majors"), error);
  return TRUE;
}

gboolean
st_major_add (StDb        *db,
              const char  *name,
              GError     **error)
{
  return write_major (db, name, FALSE, error);
}

gboolean
st_major_remove (StDb        *db,
                 const char  *name,
                 GError     **error)
{
  g_autoptr(GPtrArray) list = st_majors_list (db, error);

  if (list == NULL)
    return FALSE;
  if (!g_ptr_array_find_with_equal_func (list, name, g_str_equal, NULL))
    {
      g_set_error (error, ST_PROGRAM_ERROR, ST_PROGRAM_ERROR_NOT_FOUND,
                   _("“%s” is not in the list of majors."), name);
      return FALSE;
    }
  return write_major (db, name, TRUE, error);
}
