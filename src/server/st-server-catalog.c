/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "st-date.h"
#include "st-db.h"
#include "st-idcard.h"
#include "st-json-guard.h"
#include "st-server-catalog.h"

struct _StCatalog
{
  GHashTable *tables;          /* name → StTable */
  int         client_schema;
};

static const char *const education_values[] = { "none", "primary", "junior", "senior", NULL };
static const char *const poverty_values[] = { "lifted", "monitored", NULL };
static const char *const state_values[] = { "studying", "graduated", "completed", "withdrawn", NULL };
static const char *const mode_values[] = { "concentrated", "online", "practical", NULL };
static const char *const subject_values[] = { "literacy", "mandarin", "civic", "policy", "skill", NULL };
static const char *const attendance_values[] = { "present", "absent", "leave", NULL };
static const char *const study_kind_values[] = { "self", "online", NULL };
static const char *const assessment_kind_values[] = { "culture", "skill", "moral", NULL };
static const char *const result_values[] = { "pass", "fail", NULL };
static const char *const exemption_kind_values[] = { "exemption", "credit", "internship_waiver", NULL };
static const char *const certificate_kind_values[] = { "graduation", "completion", "study_record", NULL };
static const char *const schedule_values[] = { "monthly", "blocks", NULL };
static const char *const credit_basis_values[] = { "certificate", "award", "innovation", NULL };
static const char *const visit_how_values[] = { "home", "phone", "committee", "roster", NULL };
static const char *const visit_lives_values[] = { "home", "away", NULL };
static const char *const visit_work_values[] = { "farming", "local", "away", "none", NULL };
static const char *const visit_health_values[] = { "good", "illness", "disability", NULL };
static const char *const visit_willing_values[] = { "yes", "no", "later", NULL };

/* What the laptop schema's CHECK constraints and the core's validation
 * check, field by field. A table of NULL means every table. A rule for a
 * column the schema does not have is ignored. */
static const struct
{
  const char         *table;
  const char         *field;
  StFieldCheck        check;
  const char * const *values;
  gint64              min;
  gint64              max;
} field_rules[] = {
  { NULL, "deleted", ST_CHECK_RANGE, NULL, 0, 1 },
  { NULL, "township_code", ST_CHECK_DIVISION, NULL, 0, 0 },
  { NULL, "village_code", ST_CHECK_DIVISION, NULL, 0, 0 },
  { NULL, "participant_id", ST_CHECK_UUID, NULL, 0, 0 },
  { NULL, "class_id", ST_CHECK_UUID, NULL, 0, 0 },
  { NULL, "session_id", ST_CHECK_UUID, NULL, 0, 0 },
  { NULL, "enrolment_id", ST_CHECK_UUID, NULL, 0, 0 },
  /* program_id and major_id are a program's code and a major's name (the
   * core's st-program.c), not row keys. */
  { NULL, "merged_into", ST_CHECK_UUID, NULL, 0, 0 },
  { NULL, "date", ST_CHECK_DATE, NULL, 0, 0 },
  { "programs", "builtin", ST_CHECK_RANGE, NULL, 0, 1 },
  { "programs", "rules", ST_CHECK_JSON, NULL, 0, 0 },
  { "majors", "archived", ST_CHECK_RANGE, NULL, 0, 1 },
  { "participants", "id_number", ST_CHECK_ID_NUMBER, NULL, 0, 0 },
  { "participants", "sex", ST_CHECK_RANGE, NULL, 1, 2 },
  { "participants", "birth_date", ST_CHECK_DATE, NULL, 0, 0 },
  { "participants", "education", ST_CHECK_ENUM, education_values, 0, 0 },
  { "participants", "poverty", ST_CHECK_ENUM, poverty_values, 0, 0 },
  { "classes", "start_date", ST_CHECK_DATE, NULL, 0, 0 },
  { "classes", "trainers", ST_CHECK_NAMES, NULL, 0, 0 },
  { "classes", "schedule", ST_CHECK_ENUM, schedule_values, 0, 0 },
  { "enrolments", "enrolled_on", ST_CHECK_DATE, NULL, 0, 0 },
  { "enrolments", "study_years", ST_CHECK_RANGE, NULL, 1, 10 },
  { "enrolments", "state", ST_CHECK_ENUM, state_values, 0, 0 },
  { "enrolments", "state_date", ST_CHECK_DATE, NULL, 0, 0 },
  { "enrolments", "early_graduation_requested_on", ST_CHECK_DATE, NULL, 0, 0 },
  { "enrolments", "internship_done_on", ST_CHECK_DATE, NULL, 0, 0 },
  { "enrolments", "extension_years", ST_CHECK_RANGE, NULL, 0, 10 },
  { "sessions", "minutes", ST_CHECK_RANGE, NULL, 1, 1440 },
  { "sessions", "mode", ST_CHECK_ENUM, mode_values, 0, 0 },
  { "sessions", "subject", ST_CHECK_ENUM, subject_values, 0, 0 },
  { "attendance", "status", ST_CHECK_ENUM, attendance_values, 0, 0 },
  { "attendance", "minutes", ST_CHECK_RANGE, NULL, 0, 1440 },
  { "study_logs", "minutes", ST_CHECK_RANGE, NULL, 1, G_MAXINT32 },
  { "study_logs", "kind", ST_CHECK_ENUM, study_kind_values, 0, 0 },
  { "assignments", "done", ST_CHECK_RANGE, NULL, 0, 1 },
  { "assignments", "done_on", ST_CHECK_DATE, NULL, 0, 0 },
  { "assessments", "kind", ST_CHECK_ENUM, assessment_kind_values, 0, 0 },
  { "assessments", "result", ST_CHECK_ENUM, result_values, 0, 0 },
  { "exemptions", "kind", ST_CHECK_ENUM, exemption_kind_values, 0, 0 },
  { "exemptions", "target", ST_CHECK_ENUM, assessment_kind_values, 0, 0 },
  { "exemptions", "credits", ST_CHECK_RANGE, NULL, 0, 1000 },
  { "exemptions", "credit_basis", ST_CHECK_ENUM, credit_basis_values, 0, 0 },
  { "certificates", "kind", ST_CHECK_ENUM, certificate_kind_values, 0, 0 },
  { "certificates", "issued_on", ST_CHECK_DATE, NULL, 0, 0 },
  { "certificates", "revoked_on", ST_CHECK_DATE, NULL, 0, 0 },
  { "visits", "how", ST_CHECK_ENUM, visit_how_values, 0, 0 },
  { "visits", "reached", ST_CHECK_RANGE, NULL, 0, 1 },
  { "visits", "lives", ST_CHECK_ENUM, visit_lives_values, 0, 0 },
  { "visits", "work", ST_CHECK_ENUM, visit_work_values, 0, 0 },
  { "visits", "health", ST_CHECK_ENUM, visit_health_values, 0, 0 },
  { "visits", "willing", ST_CHECK_ENUM, visit_willing_values, 0, 0 },
};

#define ALL_BUT_TRAINER (ST_ROLE_BIT (ST_ROLE_TOWNSHIP) | ST_ROLE_BIT (ST_ROLE_COUNTY) | ST_ROLE_BIT (ST_ROLE_ADMIN))
#define EVERYONE (ALL_BUT_TRAINER | ST_ROLE_BIT (ST_ROLE_TRAINER))
#define COUNTY (ST_ROLE_BIT (ST_ROLE_COUNTY) | ST_ROLE_BIT (ST_ROLE_ADMIN))

/* Who writes what (docs/sync-protocol.md, Scope and roles). A synced table
 * not listed here is the county's until it is. */
static const struct
{
  const char *table;
  guint       writers;
  const char *class_via;
} table_rules[] = {
  { "programs", COUNTY, NULL },
  { "majors", COUNTY, NULL },
  { "participants", ALL_BUT_TRAINER, NULL },
  { "classes", ALL_BUT_TRAINER, NULL },
  { "enrolments", ALL_BUT_TRAINER, "class_id" },
  { "sessions", EVERYONE, "class_id" },
  { "attendance", EVERYONE, "session_id" },
  { "study_logs", EVERYONE, "enrolment_id" },
  { "assignments", EVERYONE, "enrolment_id" },
  { "assessments", COUNTY, "enrolment_id" },
  { "exemptions", COUNTY, "enrolment_id" },
  { "certificates", COUNTY, "enrolment_id" },
  { "visits", ALL_BUT_TRAINER, NULL },
};

/* Longest text a field takes (the body limit bounds the rest). */
#define MAX_TEXT_BYTES 65536

const char *
st_catalog_parent_table (const char *field)
{
  if (g_strcmp0 (field, "class_id") == 0)
    return "classes";
  if (g_strcmp0 (field, "session_id") == 0)
    return "sessions";
  if (g_strcmp0 (field, "enrolment_id") == 0)
    return "enrolments";
  return NULL;
}

static void
field_free (StField *field)
{
  g_free (field->name);
  g_free (field);
}

static void
table_free (StTable *table)
{
  g_free (table->name);
  g_clear_pointer (&table->fields, g_ptr_array_unref);
  g_clear_pointer (&table->by_name, g_hash_table_unref);
  g_free (table);
}

static StTable *
table_new (const char *name)
{
  StTable *table = g_new0 (StTable, 1);

  table->name = g_strdup (name);
  table->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  table->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  table->writers = COUNTY;
  return table;
}

static StField *
table_add_field (StTable     *table,
                 const char  *name,
                 StFieldType  type,
                 gboolean     not_null,
                 gboolean     has_default)
{
  StField *field = g_new0 (StField, 1);

  field->name = g_strdup (name);
  field->type = type;
  field->not_null = not_null;
  field->required = not_null && !has_default;
  field->max_bytes = MAX_TEXT_BYTES;
  g_ptr_array_add (table->fields, field);
  g_hash_table_insert (table->by_name, field->name, field);
  return field;
}

static void
table_apply_rules (StTable *table)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_rules); i++)
    {
      StField *field;

      if (field_rules[i].table != NULL && !g_str_equal (field_rules[i].table, table->name))
        continue;
      field = g_hash_table_lookup (table->by_name, field_rules[i].field);
      if (field == NULL)
        continue;
      field->check = field_rules[i].check;
      field->values = field_rules[i].values;
      field->min = field_rules[i].min;
      field->max = field_rules[i].max;
      if (field->check == ST_CHECK_JSON)
        field->max_bytes = G_MAXSIZE;   /* a program's rules: bounded by the body limit */
    }
  for (guint i = 0; i < G_N_ELEMENTS (table_rules); i++)
    if (g_str_equal (table_rules[i].table, table->name))
      {
        table->writers = table_rules[i].writers;
        table->class_via = table_rules[i].class_via;
      }
  table->scoped = g_hash_table_contains (table->by_name, "township_code");
}

/* Reads the synced tables of a laptop database: those with the four sync
 * columns (SYNC.md). */
static gboolean
read_laptop_schema (StCatalog  *self,
                    StDb       *db,
                    GError    **error)
{
  sqlite3 *handle = st_db_get_handle (db);
  sqlite3_stmt *tables = NULL;
  int rc;

  if (sqlite3_prepare_v2 (handle, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
                          -1, &tables, NULL) != SQLITE_OK)
    return st_db_set_error (db, sqlite3_errcode (handle), _("reading the laptop schema"), error);

  while ((rc = sqlite3_step (tables)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (tables, 0);
      g_autofree char *sql = g_strdup_printf ("PRAGMA table_info (\"%s\")", name);
      guint sync_columns = 0;
      StTable *table = table_new (name);
      sqlite3_stmt *info = NULL;

      if (sqlite3_prepare_v2 (handle, sql, -1, &info, NULL) != SQLITE_OK)
        {
          table_free (table);
          sqlite3_finalize (tables);
          return st_db_set_error (db, sqlite3_errcode (handle), _("reading the laptop schema"), error);
        }
      while ((rc = sqlite3_step (info)) == SQLITE_ROW)
        {
          const char *column = (const char *) sqlite3_column_text (info, 1);
          const char *type = (const char *) sqlite3_column_text (info, 2);
          gboolean not_null = sqlite3_column_int (info, 3) != 0;
          gboolean has_default = sqlite3_column_type (info, 4) != SQLITE_NULL;

          if (g_str_equal (column, "id") || g_str_equal (column, "hlc")
              || g_str_equal (column, "device") || g_str_equal (column, "deleted"))
            sync_columns++;
          if (g_str_equal (column, "id") || g_str_equal (column, "hlc") || g_str_equal (column, "device"))
            continue;
          table_add_field (table, column,
                           type != NULL && strstr (type, "INT") != NULL ? ST_FIELD_INTEGER : ST_FIELD_TEXT,
                           not_null, has_default);
        }
      sqlite3_finalize (info);
      /* A table read in part would make the server refuse fields laptops
       * send. */
      if (rc != SQLITE_DONE)
        {
          table_free (table);
          sqlite3_finalize (tables);
          return st_db_set_error (db, rc, _("reading the laptop schema"), error);
        }

      /* The laptop's copy of the review items is the server's table as it
       * reaches laptops (add_review_items () describes the server's). */
      if (sync_columns != 4 || g_str_equal (name, "review_items"))
        {
          table_free (table);
          continue;
        }
      table_apply_rules (table);
      g_hash_table_insert (self->tables, table->name, table);
    }
  sqlite3_finalize (tables);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("reading the laptop schema"), error);
  return TRUE;
}

/* Review items: made by the server, read by laptops (docs/sync-protocol.md,
 * Pull). */
static void
add_review_items (StCatalog *self)
{
  static const char *const text_fields[] = {
    "kind", "tbl", "row_id", "township_code", "winner", "values", "kept", "detail",
    "merged_from", "merged_into", "loser_device", "loser_account", "winner_device", "winner_account",
    "resolved_by",
  };
  static const char *const integer_fields[] = {
    "loser_hlc", "winner_hlc", "created_at", "resolved", "resolved_at",
  };
  StTable *table = table_new ("review_items");

  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    table_add_field (table, text_fields[i], ST_FIELD_TEXT, FALSE, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (integer_fields); i++)
    table_add_field (table, integer_fields[i], ST_FIELD_INTEGER, FALSE, FALSE);
  table->scoped = TRUE;
  table->read_only = TRUE;
  table->writers = 0;
  g_hash_table_insert (self->tables, table->name, table);
}

static void
remove_scratch (const char *dir,
                const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

StCatalog *
st_catalog_new (GError **error)
{
  g_autoptr(StCatalog) self = g_new0 (StCatalog, 1);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  gboolean ok;

  self->tables = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) table_free);

  /* The laptop schema, as the core creates it: a scratch database in a
   * private folder, removed at once. */
  dir = g_dir_make_tmp ("shuangti-server-XXXXXX", error);
  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, "schema.db", NULL);
  {
    g_autoptr(StDb) db = st_db_open (path, error);

    ok = db != NULL && read_laptop_schema (self, db, error);
    if (db != NULL)
      self->client_schema = st_db_get_schema_version (db);
  }
  remove_scratch (dir, path);
  if (!ok)
    return NULL;
  if (g_hash_table_size (self->tables) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("The laptop schema has no synced tables."));
      return NULL;
    }
  add_review_items (self);
  return g_steal_pointer (&self);
}

void
st_catalog_free (StCatalog *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->tables, g_hash_table_unref);
  g_free (self);
}

const StTable *
st_catalog_lookup (StCatalog  *self,
                   const char *table)
{
  return table ? g_hash_table_lookup (self->tables, table) : NULL;
}

const StField *
st_table_field (const StTable *table,
                const char    *name)
{
  return g_hash_table_lookup (table->by_name, name);
}

int
st_catalog_get_client_schema (StCatalog *self)
{
  return self->client_schema;
}

gboolean
st_catalog_is_uuid (const char *text)
{
  if (text == NULL || !g_uuid_string_is_valid (text))
    return FALSE;
  for (const char *p = text; *p; p++)
    if (g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

static gboolean
is_date (const char *text)
{
  return st_date_is_valid (text);
}

static gboolean
is_digits (const char *text,
           gsize       length)
{
  if (strlen (text) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_name_list (const char *text)
{
  g_autoptr(JsonNode) node = st_json_from_string (text, NULL);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_json_object (const char *text)
{
  g_autoptr(JsonNode) node = st_json_from_string (text, NULL);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node);
}

StFieldVerdict
st_field_check (const StField  *field,
                JsonNode       *value,
                char          **reason)
{
  const char *text = NULL;
  gint64 number = 0;

  if (JSON_NODE_HOLDS_NULL (value))
    {
      if (!field->not_null)
        return ST_FIELD_OK;
      *reason = g_strdup_printf ("field \"%s\" cannot be null", field->name);
      return ST_FIELD_WRONG_TYPE;
    }
  if (!JSON_NODE_HOLDS_VALUE (value))
    {
      *reason = g_strdup_printf ("field \"%s\" must be %s", field->name,
                                 field->type == ST_FIELD_TEXT ? "a string" : "an integer");
      return ST_FIELD_WRONG_TYPE;
    }
  switch (field->type)
    {
    case ST_FIELD_TEXT:
      if (json_node_get_value_type (value) != G_TYPE_STRING)
        {
          *reason = g_strdup_printf ("field \"%s\" must be a string", field->name);
          return ST_FIELD_WRONG_TYPE;
        }
      text = json_node_get_string (value);
      if (strlen (text) > field->max_bytes)
        {
          *reason = g_strdup_printf ("field \"%s\" is longer than %" G_GSIZE_FORMAT " bytes",
                                     field->name, field->max_bytes);
          return ST_FIELD_BAD_VALUE;
        }
      break;
    case ST_FIELD_INTEGER:
      if (json_node_get_value_type (value) != G_TYPE_INT64)
        {
          *reason = g_strdup_printf ("field \"%s\" must be an integer", field->name);
          return ST_FIELD_WRONG_TYPE;
        }
      number = json_node_get_int (value);
      break;
    default:
      g_assert_not_reached ();
    }

  switch (field->check)
    {
    case ST_CHECK_NONE:
      return ST_FIELD_OK;
    case ST_CHECK_UUID:
      if (text && st_catalog_is_uuid (text))
        return ST_FIELD_OK;
      *reason = g_strdup_printf ("field \"%s\" is not a lower-case UUID", field->name);
      return ST_FIELD_BAD_VALUE;
    case ST_CHECK_DIVISION:
      if (text && is_digits (text, 12))
        return ST_FIELD_OK;
      *reason = g_strdup_printf ("field \"%s\" is not a 12-digit division code", field->name);
      return ST_FIELD_BAD_VALUE;
    case ST_CHECK_DATE:
      if (text && is_date (text))
        return ST_FIELD_OK;
      *reason = g_strdup_printf ("field \"%s\" is not a date (YYYY-MM-DD)", field->name);
      return ST_FIELD_BAD_VALUE;
    case ST_CHECK_ENUM:
      if (text && g_strv_contains (field->values, text))
        return ST_FIELD_OK;
      {
        g_autofree char *allowed = g_strjoinv (", ", (char **) field->values);

        *reason = g_strdup_printf ("field \"%s\" must be one of: %s", field->name, allowed);
      }
      return ST_FIELD_BAD_VALUE;
    case ST_CHECK_RANGE:
      if (text == NULL && number >= field->min && number <= field->max)
        return ST_FIELD_OK;
      *reason = g_strdup_printf ("field \"%s\" must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                                 field->name, field->min, field->max);
      return ST_FIELD_BAD_VALUE;
    case ST_CHECK_ID_NUMBER:
      if (text && strlen (text) == 18 && st_idcard_is_valid (text))
        {
          g_autofree char *normal = st_idcard_normalize (text);

          if (g_str_equal (normal, text))
            return ST_FIELD_OK;
        }
      *reason = g_strdup_printf ("field \"%s\" is not a valid, normalised resident ID number", field->name);
      return ST_FIELD_BAD_VALUE;
    case ST_CHECK_NAMES:
      if (text && is_name_list (text))
        return ST_FIELD_OK;
      *reason = g_strdup_printf ("field \"%s\" must be a JSON array of names", field->name);
      return ST_FIELD_BAD_VALUE;
    case ST_CHECK_JSON:
      if (text && is_json_object (text))
        return ST_FIELD_OK;
      *reason = g_strdup_printf ("field \"%s\" must be a JSON object", field->name);
      return ST_FIELD_BAD_VALUE;
    default:
      g_assert_not_reached ();
    }
  return ST_FIELD_OK;
}
