/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-import"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-date.h"
#include "st-db-private.h"
#include "st-divisions.h"
#include "st-failpoint.h"
#include "st-idcard.h"
#include "st-import.h"
#include "st-limits.h"
#include "st-participant-private.h"
#include "st-uuid.h"
#include "st-visit-private.h"
#include "st-visit-roster.h"

G_DEFINE_QUARK (st-import-error-quark, st_import_error)

/* Header names as real rosters write them, compared after
 * normalise_header (): no blanks, ASCII parentheses, ASCII lower case. */
static const struct
{
  const char     *header;
  StImportColumn  column;
} header_names[] = {
  { "姓名", ST_IMPORT_COLUMN_NAME },
  { "学员姓名", ST_IMPORT_COLUMN_NAME },
  { "name", ST_IMPORT_COLUMN_NAME },
  { "身份证号", ST_IMPORT_COLUMN_ID_NUMBER },
  { "身份证号码", ST_IMPORT_COLUMN_ID_NUMBER },
  { "公民身份号码", ST_IMPORT_COLUMN_ID_NUMBER },
  { "公民身份证号码", ST_IMPORT_COLUMN_ID_NUMBER },
  { "居民身份证号码", ST_IMPORT_COLUMN_ID_NUMBER },
  { "身份证", ST_IMPORT_COLUMN_ID_NUMBER },
  { "证件号码", ST_IMPORT_COLUMN_ID_NUMBER },
  { "idnumber", ST_IMPORT_COLUMN_ID_NUMBER },
  { "id_number", ST_IMPORT_COLUMN_ID_NUMBER },
  { "性别", ST_IMPORT_COLUMN_SEX },
  { "sex", ST_IMPORT_COLUMN_SEX },
  { "gender", ST_IMPORT_COLUMN_SEX },
  { "民族", ST_IMPORT_COLUMN_ETHNICITY },
  { "ethnicity", ST_IMPORT_COLUMN_ETHNICITY },
  { "乡镇", ST_IMPORT_COLUMN_TOWNSHIP },
  { "乡镇(街道)", ST_IMPORT_COLUMN_TOWNSHIP },
  { "乡(镇)", ST_IMPORT_COLUMN_TOWNSHIP },
  { "乡(镇、街道)", ST_IMPORT_COLUMN_TOWNSHIP },
  { "乡镇街道", ST_IMPORT_COLUMN_TOWNSHIP },
  { "乡镇/街道", ST_IMPORT_COLUMN_TOWNSHIP },
  { "所属乡镇", ST_IMPORT_COLUMN_TOWNSHIP },
  { "所在乡镇", ST_IMPORT_COLUMN_TOWNSHIP },
  { "township", ST_IMPORT_COLUMN_TOWNSHIP },
  { "村", ST_IMPORT_COLUMN_VILLAGE },
  { "村(居)", ST_IMPORT_COLUMN_VILLAGE },
  { "村(社区)", ST_IMPORT_COLUMN_VILLAGE },
  { "村居", ST_IMPORT_COLUMN_VILLAGE },
  { "村/居", ST_IMPORT_COLUMN_VILLAGE },
  { "行政村", ST_IMPORT_COLUMN_VILLAGE },
  { "所属村", ST_IMPORT_COLUMN_VILLAGE },
  { "所在村", ST_IMPORT_COLUMN_VILLAGE },
  { "village", ST_IMPORT_COLUMN_VILLAGE },
  { "联系电话", ST_IMPORT_COLUMN_PHONE },
  { "电话", ST_IMPORT_COLUMN_PHONE },
  { "电话号码", ST_IMPORT_COLUMN_PHONE },
  { "手机", ST_IMPORT_COLUMN_PHONE },
  { "手机号", ST_IMPORT_COLUMN_PHONE },
  { "手机号码", ST_IMPORT_COLUMN_PHONE },
  { "联系方式", ST_IMPORT_COLUMN_PHONE },
  { "phone", ST_IMPORT_COLUMN_PHONE },
  { "文化程度", ST_IMPORT_COLUMN_EDUCATION },
  { "学历", ST_IMPORT_COLUMN_EDUCATION },
  { "education", ST_IMPORT_COLUMN_EDUCATION },
  { "务工情况", ST_IMPORT_COLUMN_EMPLOYMENT },
  { "就业情况", ST_IMPORT_COLUMN_EMPLOYMENT },
  { "务工就业情况", ST_IMPORT_COLUMN_EMPLOYMENT },
  { "employment", ST_IMPORT_COLUMN_EMPLOYMENT },
  { "身体健康情况", ST_IMPORT_COLUMN_HEALTH },
  { "健康情况", ST_IMPORT_COLUMN_HEALTH },
  { "健康状况", ST_IMPORT_COLUMN_HEALTH },
  { "身体状况", ST_IMPORT_COLUMN_HEALTH },
  { "health", ST_IMPORT_COLUMN_HEALTH },
  { "脱贫户", ST_IMPORT_COLUMN_POVERTY },
  { "是否脱贫户", ST_IMPORT_COLUMN_POVERTY },
  { "脱贫情况", ST_IMPORT_COLUMN_POVERTY },
  { "户类型", ST_IMPORT_COLUMN_POVERTY },
  { "脱贫户/监测户", ST_IMPORT_COLUMN_POVERTY },
  { "poverty", ST_IMPORT_COLUMN_POVERTY },
  { "现居住地", ST_IMPORT_COLUMN_LIVES },
  { "现居住地址", ST_IMPORT_COLUMN_LIVES },
  { "现住址", ST_IMPORT_COLUMN_LIVES },
  { "现住地", ST_IMPORT_COLUMN_LIVES },
  { "居住地", ST_IMPORT_COLUMN_LIVES },
  { "居住情况", ST_IMPORT_COLUMN_LIVES },
  { "现居住情况", ST_IMPORT_COLUMN_LIVES },
  { "是否在家", ST_IMPORT_COLUMN_LIVES },
  { "lives", ST_IMPORT_COLUMN_LIVES },
  { "外出务工地点", ST_IMPORT_COLUMN_AWAY_PLACE },
  { "外出务工地", ST_IMPORT_COLUMN_AWAY_PLACE },
  { "外出务工地址", ST_IMPORT_COLUMN_AWAY_PLACE },
  { "务工地点", ST_IMPORT_COLUMN_AWAY_PLACE },
  { "外出地点", ST_IMPORT_COLUMN_AWAY_PLACE },
  { "awayplace", ST_IMPORT_COLUMN_AWAY_PLACE },
  { "away_place", ST_IMPORT_COLUMN_AWAY_PLACE },
  { "是否联系上", ST_IMPORT_COLUMN_REACHED },
  { "是否联系到本人", ST_IMPORT_COLUMN_REACHED },
  { "是否见到本人", ST_IMPORT_COLUMN_REACHED },
  { "联系情况", ST_IMPORT_COLUMN_REACHED },
  { "reached", ST_IMPORT_COLUMN_REACHED },
  { "备注", ST_IMPORT_COLUMN_NOTES },
  { "notes", ST_IMPORT_COLUMN_NOTES },
  { "序号", ST_IMPORT_COLUMN_IGNORED },
  { "编号", ST_IMPORT_COLUMN_IGNORED },
  { "出生日期", ST_IMPORT_COLUMN_IGNORED },
  { "出生年月", ST_IMPORT_COLUMN_IGNORED },
  { "年龄", ST_IMPORT_COLUMN_IGNORED },
};

static char *
normalise_header (const char *header)
{
  GString *out = g_string_new (NULL);

  for (const char *p = header; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == 0x3000 || c == 0xFEFF)
        continue;
      if (c == 0xFF08)        /* （ */
        c = '(';
      else if (c == 0xFF09)   /* ） */
        c = ')';
      else if (c == 0x3001)   /* 、 stays, it is part of 乡(镇、街道) */
        ;
      else if (c == 0xFF0F)   /* ／ */
        c = '/';
      g_string_append_unichar (out, c < 0x80 ? g_ascii_tolower ((char) c) : c);
    }
  return g_string_free (out, FALSE);
}

StImportColumn
st_import_column_for_header (const char *header)
{
  g_autofree char *key = normalise_header (header ? header : "");

  for (guint i = 0; i < G_N_ELEMENTS (header_names); i++)
    if (g_str_equal (key, header_names[i].header))
      return header_names[i].column;
  return ST_IMPORT_COLUMN_UNKNOWN;
}

const char *
st_import_column_label (StImportColumn column)
{
  switch (column)
    {
    case ST_IMPORT_COLUMN_NAME: return _("Name");
    case ST_IMPORT_COLUMN_ID_NUMBER: return _("ID number");
    case ST_IMPORT_COLUMN_SEX: return _("Sex");
    case ST_IMPORT_COLUMN_ETHNICITY: return _("Ethnicity");
    case ST_IMPORT_COLUMN_TOWNSHIP: return _("Township");
    case ST_IMPORT_COLUMN_VILLAGE: return _("Village");
    case ST_IMPORT_COLUMN_PHONE: return _("Phone");
    case ST_IMPORT_COLUMN_EDUCATION: return _("Prior education");
    case ST_IMPORT_COLUMN_EMPLOYMENT: return _("Employment");
    case ST_IMPORT_COLUMN_HEALTH: return _("Health");
    case ST_IMPORT_COLUMN_POVERTY: return _("Poverty registration");
    case ST_IMPORT_COLUMN_NOTES: return _("Notes");
    case ST_IMPORT_COLUMN_LIVES: return _("Where they live (first visit)");
    case ST_IMPORT_COLUMN_AWAY_PLACE: return _("Place working away (first visit)");
    case ST_IMPORT_COLUMN_REACHED: return _("Reached (first visit)");
    case ST_IMPORT_COLUMN_IGNORED: return _("Not needed");
    case ST_IMPORT_COLUMN_UNKNOWN:
    case ST_IMPORT_N_COLUMNS:
    default:
      return _("Unknown");
    }
}

static void
note_free (StImportNote *note)
{
  g_free (note->name);
  g_free (note->message);
  g_free (note);
}

static void
reject_free (StImportReject *reject)
{
  g_strfreev (reject->fields);
  g_free (reject->reason);
  g_free (reject);
}

static void
conflict_free (StImportConflict *c)
{
  g_free (c->participant_id);
  g_free (c->name);
  g_free (c->id_number);
  g_free (c->field);
  g_free (c->label);
  g_free (c->stored);
  g_free (c->offered);
  g_free (c);
}

void
st_import_result_free (StImportResult *result)
{
  if (result == NULL)
    return;
  g_free (result->file_name);
  g_strfreev (result->header);
  g_free (result->columns);
  g_clear_pointer (&result->unknown_columns, g_ptr_array_unref);
  g_clear_pointer (&result->rejects, g_ptr_array_unref);
  g_clear_pointer (&result->warnings, g_ptr_array_unref);
  g_clear_pointer (&result->conflicts, g_ptr_array_unref);
  g_clear_pointer (&result->repeats, g_ptr_array_unref);
  g_clear_pointer (&result->visits, g_ptr_array_unref);
  g_free (result);
}

static StImportResult *
result_new (const char *path)
{
  StImportResult *result = g_new0 (StImportResult, 1);

  result->file_name = g_strdup (path);
  result->unknown_columns = g_ptr_array_new_with_free_func (g_free);
  result->rejects = g_ptr_array_new_with_free_func ((GDestroyNotify) reject_free);
  result->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) note_free);
  result->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) conflict_free);
  result->repeats = g_ptr_array_new_with_free_func ((GDestroyNotify) note_free);
  result->visits = g_ptr_array_new_with_free_func ((GDestroyNotify) note_free);
  return result;
}

static char **
strv_from_fields (const char *const *fields,
                  guint               n)
{
  char **v = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    v[i] = g_strdup (fields[i]);
  return v;
}

G_GNUC_PRINTF (4, 5)
static void
add_note (GPtrArray  *list,
          guint       line,
          const char *name,
          const char *format,
          ...)
{
  StImportNote *note = g_new0 (StImportNote, 1);
  va_list args;

  va_start (args, format);
  note->line = line;
  note->name = g_strdup (name);
  note->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (list, note);
}

static void
add_reject (StImportResult     *result,
            guint               line,
            const char *const  *fields,
            guint               n_fields,
            const char         *reason)
{
  StImportReject *reject = g_new0 (StImportReject, 1);

  reject->line = line;
  reject->fields = strv_from_fields (fields, n_fields);
  reject->reason = g_strdup (reason);
  g_ptr_array_add (result->rejects, reject);
  result->rejected++;
}

/* Full-width digits and blanks turn up in phone numbers typed in Chinese
 * input methods. */
static char *
normalise_phone (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0xFF10 && c <= 0xFF19)
        c = '0' + (c - 0xFF10);
      else if (c == 0xFF0D)
        c = '-';
      if (g_unichar_isspace (c) || c == 0x3000)
        continue;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static StSex
sex_from_text (const char *text)
{
  if (g_str_equal (text, "男") || g_ascii_strcasecmp (text, "m") == 0 || g_ascii_strcasecmp (text, "male") == 0)
    return ST_SEX_MALE;
  if (g_str_equal (text, "女") || g_ascii_strcasecmp (text, "f") == 0 || g_ascii_strcasecmp (text, "female") == 0)
    return ST_SEX_FEMALE;
  return ST_SEX_UNKNOWN;
}

StDivisions *
st_import_load_divisions (StDb    *db,
                          GError **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT code, name, parent_code, level FROM divisions"
                                          " ORDER BY CASE level WHEN 'county' THEN 0 WHEN 'township' THEN 1 ELSE 2 END, code",
                                      error);
  g_autoptr(GString) csv = g_string_new ("code,name,parent_code,level\n");
  g_autoptr(GBytes) bytes = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *parent = (const char *) sqlite3_column_text (stmt, 2);

      /* Division names hold no commas or quotes. */
      g_string_append_printf (csv, "%s,%s,%s,%s\n",
                              sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1),
                              parent ? parent : "", sqlite3_column_text (stmt, 3));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the list of townships and villages"), error);
      return NULL;
    }
  bytes = g_string_free_to_bytes (g_steal_pointer (&csv));
  return st_divisions_new_from_bytes (bytes, st_db_get_path (db), error);
}

gboolean
st_import_divisions (StDb        *db,
                     const char  *path,
                     guint       *n_imported,
                     GError     **error)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_from_csv (path, error);

  if (divisions == NULL)
    return FALSE;
  if (!st_db_begin (db, error))
    return FALSE;
  if (!st_db_store_divisions (db, divisions, error))
    {
      st_db_rollback (db);
      return FALSE;
    }
  if (!st_db_commit (db, error))
    return FALSE;
  if (n_imported)
    *n_imported = st_divisions_get_all (divisions)->len;
  return TRUE;
}

/* Header detection: rosters exported from Excel often start with a title row
 * ("某某镇15-59岁未上学劳动者信息名册"); the header is the first of the first
 * rows that names both the name and the ID number columns. */
#define MAX_TITLE_ROWS 10

typedef struct
{
  StDb                  *db;
  const StImportOptions *options;
  StImportResult        *result;
  StDivisions           *divisions;
  const StDivision      *default_township;
  GDate                  today;
  int                    index[ST_IMPORT_N_COLUMNS];   /* column → field index, -1 if absent */
  GHashTable            *seen;                         /* id number → first line */
  gboolean               none_before;                  /* no live participant before the import */
  char                  *visit_date;                   /* of the visits from the roster: today */
  char                  *source;                       /* their visitor: the roster's file name */
  GPtrArray             *visits;                       /* StVisit, written after the rows */
  GHashTable            *visited;                      /* participant id of each of them */
} ImportRun;

static const char *
field_of (ImportRun          *run,
          const char *const  *fields,
          guint               n_fields,
          StImportColumn      column,
          char              **owned)
{
  int i = run->index[column];

  g_free (*owned);
  *owned = NULL;
  if (i < 0 || (guint) i >= n_fields)
    return "";
  *owned = g_strstrip (g_strdup (fields[i]));
  return *owned;
}

static void
add_conflict (ImportRun                *run,
              guint                     line,
              const StParticipant      *stored,
              const StParticipantField *field,
              const char               *offered)
{
  StImportConflict *c = g_new0 (StImportConflict, 1);

  c->line = line;
  c->participant_id = g_strdup (stored->id);
  c->name = g_strdup (stored->name);
  c->id_number = g_strdup (stored->id_number);
  c->field = g_strdup (field->column);
  c->label = g_strdup (_(field->label));
  c->stored = g_strdup (st_participant_field_get (stored, field));
  c->offered = g_strdup (offered);
  g_ptr_array_add (run->result->conflicts, c);
}

/* One data row, checked without the database: made on the reading thread
 * (see st_import_roster). */
typedef struct
{
  guint          line;
  char         **fields;      /* the row as read, for the rejects file */
  guint          n_fields;
  double         fraction;    /* of the file read, for progress */
  StParticipant *row;         /* NULL when rejected */
  StVisit       *visit;       /* the first visit the row's answers make, or NULL */
  char          *reject;      /* why, when rejected */
  GPtrArray     *warnings;    /* StImportNote, or NULL */
} PreparedRow;

static void
prepared_row_free (PreparedRow *pr)
{
  g_strfreev (pr->fields);
  g_clear_pointer (&pr->row, st_participant_free);
  g_clear_pointer (&pr->visit, st_visit_free);
  g_free (pr->reject);
  g_clear_pointer (&pr->warnings, g_ptr_array_unref);
  g_free (pr);
}

G_GNUC_PRINTF (3, 4)
static void
warn (PreparedRow *pr,
      const char  *name,
      const char  *format,
      ...)
{
  StImportNote *note = g_new0 (StImportNote, 1);
  va_list args;

  if (pr->warnings == NULL)
    pr->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) note_free);
  va_start (args, format);
  note->line = pr->line;
  note->name = g_strdup (name);
  note->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (pr->warnings, note);
}

/* The columns about residence, work and health make the first visit
 * (st-visit-roster.c); the record's employment and health are then written
 * as that visit writes them. What the visit does not understand stays in
 * the record as the roster wrote it, with a warning. */
static void
prepare_visit (ImportRun     *run,
               PreparedRow   *pr,
               StParticipant *row)
{
  const char *const *fields = (const char *const *) pr->fields;
  g_autofree char *employment = NULL, *health = NULL, *lives = NULL, *place = NULL, *reached = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  StVisitRosterCells cells;

  cells.employment = field_of (run, fields, pr->n_fields, ST_IMPORT_COLUMN_EMPLOYMENT, &employment);
  cells.health = field_of (run, fields, pr->n_fields, ST_IMPORT_COLUMN_HEALTH, &health);
  cells.lives = field_of (run, fields, pr->n_fields, ST_IMPORT_COLUMN_LIVES, &lives);
  cells.away_place = field_of (run, fields, pr->n_fields, ST_IMPORT_COLUMN_AWAY_PLACE, &place);
  cells.reached = field_of (run, fields, pr->n_fields, ST_IMPORT_COLUMN_REACHED, &reached);
  pr->visit = st_visit_from_roster (&cells, run->visit_date, run->source, problems);
  for (guint i = 0; i < problems->len; i++)
    warn (pr, row->name, "%s", (const char *) g_ptr_array_index (problems, i));
  /* The visit is made to fit every field (st-visit-roster.c) but its note,
   * which holds the cells not understood. */
  if (pr->visit != NULL && pr->visit->note != NULL)
    {
      g_autofree char *too_long = st_field_limit_problem ("visits", "note", st_visit_field_label ("note"),
                                                          pr->visit->note);

      if (too_long != NULL)
        {
          /* Translators: the reason follows, as in "Note is longer than …" */
          warn (pr, row->name, _("No visit was made from the roster for this row: %s"), too_long);
          g_clear_pointer (&pr->visit, st_visit_free);
        }
    }

  if (pr->visit != NULL && pr->visit->work != NULL)
    row->employment = st_visit_employment_record (pr->visit);
  else
    row->employment = *cells.employment ? g_strdup (cells.employment) : NULL;
  if (pr->visit != NULL && pr->visit->health != NULL)
    row->health = g_strdup (st_visit_health_record (pr->visit));
  else
    row->health = *cells.health ? g_strdup (cells.health) : NULL;
}

/* Everything about a row that needs no database: the ID number, the name,
 * the township and village, and the coded fields. Thread-safe: it reads only
 * what the run holds and does not change. */
static void
prepare_row (ImportRun    *run,
             PreparedRow  *pr)
{
  const char *const *fields = (const char *const *) pr->fields;
  guint n_fields = pr->n_fields;
  g_autoptr(StParticipant) row = st_participant_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *tmp = NULL;
  const StDivision *township = NULL;
  StIdcardInfo info;
  const char *text;

  /* ID number and name are what make a row a person. */
  text = field_of (run, fields, n_fields, ST_IMPORT_COLUMN_ID_NUMBER, &tmp);
  if (*text == '\0')
    {
      pr->reject = g_strdup (_("The ID number is missing."));
      return;
    }
  if (!st_idcard_parse (text, &run->today, &info, &local))
    {
      pr->reject = g_strdup (local->message);
      return;
    }
  row->id_number = g_strdup (info.number);
  row->sex = info.sex;
  row->birth_date = st_idcard_birth_date_string (&info);
  row->region_code = g_strdup (info.region);

  text = field_of (run, fields, n_fields, ST_IMPORT_COLUMN_NAME, &tmp);
  if (*text == '\0')
    {
      pr->reject = g_strdup (_("The name is missing."));
      return;
    }
  row->name = g_strdup (text);

  text = field_of (run, fields, n_fields, ST_IMPORT_COLUMN_TOWNSHIP, &tmp);
  if (*text != '\0')
    {
      township = st_divisions_find_township (run->divisions, text);
      if (township == NULL)
        {
          pr->reject = g_strdup_printf (_("The township “%s” is not one of the county’s townships. Correct its name."), text);
          return;
        }
    }
  else if (run->default_township != NULL)
    township = run->default_township;
  else
    {
      pr->reject = g_strdup (_("The township is missing. Fill it in, or import with a default township."));
      return;
    }
  row->township_code = g_strdup (township->code);

  text = field_of (run, fields, n_fields, ST_IMPORT_COLUMN_VILLAGE, &tmp);
  if (*text != '\0')
    {
      const StDivision *village = st_divisions_find_village (run->divisions, township->code, text);

      if (village != NULL)
        row->village_code = g_strdup (village->code);
      else
        {
          row->village_name = g_strdup (text);
          warn (pr, row->name, _("The village “%s” is not a village of %s; it was kept as written."),
                text, township->short_name);
        }
    }

  text = field_of (run, fields, n_fields, ST_IMPORT_COLUMN_SEX, &tmp);
  if (*text != '\0' && sex_from_text (text) != info.sex)
    {
      g_autofree char *masked = st_idcard_mask (info.number);

      warn (pr, row->name, _("The sex is given as “%s”, but the ID number %s says %s; the ID number’s was kept."),
            text, masked, st_sex_to_display (info.sex));
    }

  {
    guint age = st_idcard_age_at (&info, &run->today);

    if (age < 15 || age > 59)
      warn (pr, row->name, _("Aged %u: outside the program’s 15–59 years."), age);
  }

  text = field_of (run, fields, n_fields, ST_IMPORT_COLUMN_ETHNICITY, &tmp);
  if (*text != '\0')
    {
      const char *official = st_ethnicity_normalize (text);

      if (official == NULL)
        warn (pr, row->name, _("The ethnicity “%s” is not one of the 56 official names; it was kept as written."), text);
      row->ethnicity = g_strdup (official ? official : text);
    }

  text = field_of (run, fields, n_fields, ST_IMPORT_COLUMN_EDUCATION, &tmp);
  if (*text != '\0')
    {
      const char *code = st_education_from_text (text);

      if (code == NULL)
        warn (pr, row->name, _("The prior education “%s” is not one of 未上学, 小学, 初中, 高中及以上; it was left empty."), text);
      row->education = g_strdup (code);
    }

  text = field_of (run, fields, n_fields, ST_IMPORT_COLUMN_POVERTY, &tmp);
  if (*text != '\0')
    {
      gboolean recognised;
      const char *code = st_poverty_from_text (text, &recognised);

      if (!recognised)
        warn (pr, row->name, _("The poverty registration “%s” is neither 脱贫户 nor 监测户; it was left empty."), text);
      row->poverty = g_strdup (code);
    }

  text = field_of (run, fields, n_fields, ST_IMPORT_COLUMN_PHONE, &tmp);
  if (*text != '\0')
    row->phone = normalise_phone (text);
  prepare_visit (run, pr, row);
  text = field_of (run, fields, n_fields, ST_IMPORT_COLUMN_NOTES, &tmp);
  row->notes = *text ? g_strdup (text) : NULL;

  /* A text longer than a field takes (st-limits.c) is not cut: the row is
   * refused with the reason, to be fixed in the roster. */
  pr->reject = st_participant_length_problem (row);
  if (pr->reject != NULL)
    return;

  pr->row = g_steal_pointer (&row);
}

/* 1 when the participant has a live visit, or one from this roster on the
 * way, 0 when not, -1 on error: a visit from the roster is the first visit
 * only, so importing the same roster again makes no second one. */
static int
has_visit (ImportRun   *run,
           const char  *participant_id,
           GError     **error)
{
  sqlite3_stmt *stmt;
  int rc, found = 0;

  g_autofree char *roster_id = NULL;

  if (g_hash_table_contains (run->visited, participant_id))
    return 1;
  /* The visit from the roster has one key per person: one made once and
   * deleted since is not made again. */
  roster_id = st_uuid_v5 (ST_UUID_NS_ROSTER_VISIT, participant_id);
  stmt = st_db_prepare (run->db, "SELECT EXISTS (SELECT 1 FROM visits WHERE participant_id = ? AND deleted = 0)"
                                 " OR EXISTS (SELECT 1 FROM visits WHERE id = ?)", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, participant_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, roster_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    found = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      st_db_set_error (run->db, rc, _("reading the visits"), error);
      return -1;
    }
  return found;
}

/* The visit of @pr goes to @p (written after the rows, see
 * write_visits ()), and the result says what it recorded and what it
 * changed in the record: never silently. */
static void
queue_visit (ImportRun           *run,
             PreparedRow         *pr,
             const StParticipant *p,
             GPtrArray           *changes)
{
  StVisit *v = g_steal_pointer (&pr->visit);
  g_autofree char *summary = st_visit_summary (v);

  v->participant_id = g_strdup (p->id);
  v->township_code = g_strdup (p->township_code);
  g_hash_table_add (run->visited, v->participant_id);   /* the visit holds the key */
  g_ptr_array_add (run->visits, v);

  if (changes->len == 0)
    /* Translators: what a roster row's columns about residence, work and
     * health recorded: "First visit from the roster: Not reached · Away: 浙江省宁波市 · Working away." */
    add_note (run->result->visits, pr->line, p->name, _("First visit from the roster: %s."), summary);
  else
    {
      g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *joined = NULL;

      for (guint i = 0; i < changes->len; i++)
        g_ptr_array_add (lines, st_visit_change_describe (g_ptr_array_index (changes, i)));
      g_ptr_array_add (lines, NULL);
      joined = g_strjoinv (_("; "), (char **) lines->pdata);
      /* Translators: "First visit from the roster: <the visit>. In the record: Employment: (empty) → 务农; Health: …" */
      add_note (run->result->visits, pr->line, p->name, _("First visit from the roster: %s. In the record: %s."),
                summary, joined);
    }
}

static gboolean
write_visits (ImportRun  *run,
              GError    **error)
{
  if (run->visits->len == 0)
    return TRUE;
  /* After the rows: the outbox sends each person before their visit. */
  if (!st_db_bulk_begin (run->db, "visits", error))
    return FALSE;
  for (guint i = 0; i < run->visits->len; i++)
    {
      StVisit *v = g_ptr_array_index (run->visits, i);

      v->id = st_uuid_v5 (ST_UUID_NS_ROSTER_VISIT, v->participant_id);
      if (!st_visit_insert (run->db, v, error))
        return FALSE;
    }
  return st_db_bulk_end (run->db, error);
}

/* The database's part of a row, on the importing thread, in file order.
 * Returns FALSE only for a database failure, which aborts the import. */
static gboolean
apply_row (ImportRun    *run,
           PreparedRow  *pr,
           GError      **error)
{
  StImportResult *result = run->result;
  StParticipant *row = pr->row;
  g_autoptr(StParticipant) existing = NULL;
  g_autoptr(GError) local = NULL;
  gpointer first_line;
  gboolean repeat;

  if (pr->reject != NULL)
    {
      add_reject (result, pr->line, (const char *const *) pr->fields, pr->n_fields, pr->reject);
      return TRUE;
    }
  if (pr->warnings != NULL)
    g_ptr_array_extend_and_steal (result->warnings, g_steal_pointer (&pr->warnings));

  repeat = g_hash_table_lookup_extended (run->seen, row->id_number, NULL, &first_line);
  if (repeat)
    {
      g_autofree char *masked = st_idcard_mask (row->id_number);

      add_note (result->repeats, pr->line, row->name,
                _("The ID number %s was already on row %u of this file; both rows make one participant."),
                masked, GPOINTER_TO_UINT (first_line));
    }
  else
    g_hash_table_insert (run->seen, g_strdup (row->id_number), GUINT_TO_POINTER (pr->line));

  /* Into a database without anyone yet, only a number seen earlier in the
   * file can be known: the first roster of a county is not looked up row
   * by row. */
  if (repeat || !run->none_before)
    existing = st_participant_find_by_id_number (run->db, row->id_number, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  if (existing == NULL)
    {
      /* Every field was checked by prepare_row (), and nobody holds the
       * number. */
      if (!st_participant_insert_checked (run->db, row, &local))
        {
          if (local->domain != ST_PARTICIPANT_ERROR)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          add_reject (result, pr->line, (const char *const *) pr->fields, pr->n_fields, local->message);
          return TRUE;
        }
      result->imported++;
      if (pr->visit != NULL)
        {
          g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) st_visit_change_free);

          st_visit_change_add (changes, NULL, _("Employment"), NULL, pr->visit->work ? row->employment : NULL);
          st_visit_change_add (changes, NULL, _("Health"), NULL, pr->visit->health ? row->health : NULL);
          queue_visit (run, pr, row, changes);
        }
      return TRUE;
    }
  else
    {
      g_autoptr(StParticipant) merged = st_participant_copy (existing);
      g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) st_visit_change_free);
      const StParticipantField *pf;
      guint n_pf;
      gboolean changed = FALSE;

      if (pr->visit != NULL)
        {
          int visited = has_visit (run, existing->id, error);

          if (visited < 0)
            return FALSE;
          /* Visited before: the roster's answers are offered like any
           * field, and a disagreement is a conflict. */
          if (visited)
            g_clear_pointer (&pr->visit, st_visit_free);
        }

      pf = st_participant_fields (&n_pf);
      for (guint i = 0; i < n_pf; i++)
        {
          const char *have = st_participant_field_get (existing, &pf[i]);
          const char *offered = st_participant_field_get (row, &pf[i]);

          if (offered == NULL)
            continue;
          /* The first visit writes its answers as every latest visit does
           * (st_visit_add ()), and says so. */
          if (pr->visit != NULL
              && ((g_str_equal (pf[i].column, "employment") && pr->visit->work != NULL)
                  || (g_str_equal (pf[i].column, "health") && pr->visit->health != NULL)))
            {
              if (g_strcmp0 (have, offered) != 0)
                {
                  st_visit_change_add (changes, NULL, _(pf[i].label), have, offered);
                  st_participant_field_set (merged, &pf[i], offered);
                  changed = TRUE;
                }
              continue;
            }
          if (have == NULL)
            {
              /* The village is one fact written two ways: a matched code
               * replaces a name kept as written, not the other way round. */
              if (g_str_equal (pf[i].column, "village_name") && existing->village_code != NULL)
                continue;
              st_participant_field_set (merged, &pf[i], offered);
              changed = TRUE;
            }
          else if (!g_str_equal (have, offered))
            add_conflict (run, pr->line, existing, &pf[i], offered);
        }
      if (merged->village_code != NULL && existing->village_code == NULL && merged->village_name != NULL)
        g_clear_pointer (&merged->village_name, g_free);

      /* The outbox keeps the order of the changes: an insert captured in
       * bulk goes out before an update of it. */
      if (changed && !st_db_bulk_flush (run->db, error))
        return FALSE;
      if (changed && !st_participant_update (run->db, merged, &local))
        {
          if (local->domain != ST_PARTICIPANT_ERROR)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          add_reject (result, pr->line, (const char *const *) pr->fields, pr->n_fields, local->message);
          return TRUE;
        }
      result->updated++;
      if (!changed)
        result->unchanged++;
      if (pr->visit != NULL)
        queue_visit (run, pr, merged, changes);
      return TRUE;
    }
}

/* Reading and checking rows takes a third of an import's time and needs no
 * database, so a second thread does it while this one writes: batches of
 * prepared rows go through a queue, and a fixed number of slots keeps the
 * reader from running far ahead (memory stays bounded on huge files). */
#define BATCH_ROWS 256
#define BATCH_SLOTS 8
#define SLOT_FREE GUINT_TO_POINTER (1)

typedef struct
{
  ImportRun    *run;
  StCsvReader  *reader;
  GAsyncQueue  *batches;   /* GPtrArray of PreparedRow; an empty one ends */
  GAsyncQueue  *slots;     /* how many batches may be in flight: SLOT_FREE, or a
                            * batch the writer is done with, freed by the reader */
  gint          stop;      /* set by the writer to stop the reader early */
  GError       *error;     /* the reader's, read after the end batch */
} Pipeline;

static gpointer
reader_thread (gpointer data)
{
  Pipeline *pl = data;
  GPtrArray *batch = NULL;
  const char *const *fields;
  guint n_fields, line;

  for (;;)
    {
      PreparedRow *pr;

      if (g_atomic_int_get (&pl->stop))
        break;
      fields = st_csv_reader_next (pl->reader, &n_fields, &line, &pl->error);
      if (fields == NULL)
        break;
      if (st_csv_fields_blank (fields, n_fields))
        continue;

      pr = g_new0 (PreparedRow, 1);
      pr->line = line;
      pr->fields = strv_from_fields (fields, n_fields);
      pr->n_fields = n_fields;
      pr->fraction = st_csv_reader_get_fraction (pl->reader);
      prepare_row (pl->run, pr);

      if (batch == NULL)
        {
          gpointer slot = g_async_queue_pop (pl->slots);

          /* Freeing a batch's rows is this thread's work, not the
           * writer's. */
          if (slot != SLOT_FREE)
            g_ptr_array_unref (slot);
          batch = g_ptr_array_new_full (BATCH_ROWS, (GDestroyNotify) prepared_row_free);
        }
      g_ptr_array_add (batch, pr);
      if (batch->len == BATCH_ROWS)
        g_async_queue_push (pl->batches, g_steal_pointer (&batch));
    }

  if (batch != NULL)
    g_async_queue_push (pl->batches, g_steal_pointer (&batch));
  g_async_queue_push (pl->batches, g_ptr_array_new ());
  return NULL;
}

static gboolean
record_import (ImportRun  *run,
               GError    **error)
{
  sqlite3_stmt *stmt = st_db_prepare (run->db,
                                      "INSERT INTO imports (at, actor, file_name, encoding, rows_read, imported,"
                                      " updated, unchanged, rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                      error);
  g_autofree char *base = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  base = g_path_get_basename (run->result->file_name);
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 2, st_db_get_actor (run->db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, base, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, st_csv_encoding_to_string (run->result->encoding), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, run->result->rows_read);
  sqlite3_bind_int (stmt, 6, run->result->imported);
  sqlite3_bind_int (stmt, 7, run->result->updated);
  sqlite3_bind_int (stmt, 8, run->result->unchanged);
  sqlite3_bind_int (stmt, 9, run->result->rejected);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (run->db, rc, _("recording the import"), error);
  return TRUE;
}


/* No library in Debian 12 reads XLSX (libxlsxwriter only writes, freexl
 * 1.0 reads only .xls), so a workbook gets a message saying what to do
 * rather than an encoding error. */
gboolean
st_import_refuse_workbook (const char  *path,
                           GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, NULL);
  guchar magic[4] = { 0, };
  gsize got = 0;

  if (in == NULL)
    return TRUE;   /* the CSV reader reports why it cannot be read */
  g_input_stream_read_all (G_INPUT_STREAM (in), magic, sizeof magic, &got, NULL, NULL);
  if (got == 4 && ((magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4)
                   || (magic[0] == 0xD0 && magic[1] == 0xCF && magic[2] == 0x11 && magic[3] == 0xE0)))
    {
      g_set_error (error, ST_IMPORT_ERROR, ST_IMPORT_ERROR_SPREADSHEET,
                   _("%s is an Excel workbook, not a CSV file. Open it in Excel or LibreOffice, save it as “CSV UTF-8” (or CSV), and import that file."),
                   path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_header (ImportRun    *run,
             StCsvReader  *reader,
             const char   *path,
             GError      **error)
{
  StImportResult *result = run->result;

  for (guint attempt = 0; attempt < MAX_TITLE_ROWS; attempt++)
    {
      const char *const *fields;
      guint n_fields, line;
      gboolean seen[ST_IMPORT_N_COLUMNS] = { FALSE, };

      fields = st_csv_reader_next (reader, &n_fields, &line, error);
      if (fields == NULL)
        break;
      for (guint i = 0; i < n_fields; i++)
        seen[st_import_column_for_header (fields[i])] = TRUE;
      if (!seen[ST_IMPORT_COLUMN_NAME] || !seen[ST_IMPORT_COLUMN_ID_NUMBER])
        continue;

      result->header = strv_from_fields (fields, n_fields);
      result->columns = g_new0 (StImportColumn, n_fields);
      for (guint c = 0; c < ST_IMPORT_N_COLUMNS; c++)
        run->index[c] = -1;
      for (guint i = 0; i < n_fields; i++)
        {
          StImportColumn column = st_import_column_for_header (fields[i]);

          if (column == ST_IMPORT_COLUMN_UNKNOWN || (column != ST_IMPORT_COLUMN_IGNORED && run->index[column] >= 0))
            {
              /* Unknown, or a second column of a kind already mapped. */
              result->columns[i] = ST_IMPORT_COLUMN_UNKNOWN;
              if (!st_csv_fields_blank (&fields[i], 1))
                g_ptr_array_add (result->unknown_columns, g_strstrip (g_strdup (fields[i])));
              continue;
            }
          result->columns[i] = column;
          if (column != ST_IMPORT_COLUMN_IGNORED)
            run->index[column] = i;
        }
      return TRUE;
    }

  if (error != NULL && *error != NULL)
    return FALSE;
  g_set_error (error, ST_IMPORT_ERROR, ST_IMPORT_ERROR_NO_HEADER,
               _("%s has no header row naming the columns 姓名 (name) and 身份证号 (ID number) in its first %d rows. Add such a row above the data."),
               path, MAX_TITLE_ROWS);
  return FALSE;
}

StImportResult *
st_import_roster (StDb                   *db,
                  const char             *path,
                  const StImportOptions  *options,
                  GCancellable           *cancellable,
                  StImportProgress        progress,
                  gpointer                user_data,
                  GError                **error)
{
  static const StImportOptions defaults = { FALSE, NULL, NULL };
  g_autoptr(StImportResult) result = NULL;
  g_autoptr(StCsvReader) reader = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autofree char *visit_date = NULL;
  g_autofree char *source = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GHashTable) visited = NULL;
  ImportRun run = { 0, };

  g_return_val_if_fail (ST_IS_DB (db), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (options == NULL)
    options = &defaults;

  if (!st_import_refuse_workbook (path, error))
    return NULL;
  reader = st_csv_reader_new_for_path (path, error);
  if (reader == NULL)
    return NULL;
  divisions = st_import_load_divisions (db, error);
  if (divisions == NULL)
    return NULL;

  result = result_new (path);
  result->encoding = st_csv_reader_get_encoding (reader);
  result->dry_run = options->dry_run;
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  run.db = db;
  run.options = options;
  run.result = result;
  run.divisions = divisions;
  run.seen = seen;
  if (options->today != NULL)
    run.today = *options->today;
  else
    {
      g_date_clear (&run.today, 1);
      g_date_set_time_t (&run.today, time (NULL));
    }
  visit_date = g_malloc (11);
  st_date_format (&run.today, visit_date, 11);
  source = g_path_get_basename (path);
  visits = g_ptr_array_new_with_free_func ((GDestroyNotify) st_visit_free);
  visited = g_hash_table_new (g_str_hash, g_str_equal);
  run.visit_date = visit_date;
  run.source = source;
  run.visits = visits;
  run.visited = visited;
  if (options->default_township != NULL && *options->default_township != '\0')
    {
      run.default_township = st_divisions_find_township (divisions, options->default_township);
      if (run.default_township == NULL)
        {
          g_set_error (error, ST_IMPORT_ERROR, ST_IMPORT_ERROR_TOWNSHIP,
                       _("The default township “%s” is not one of the county’s townships."),
                       options->default_township);
          return NULL;
        }
    }

  if (!read_header (&run, reader, path, error))
    return NULL;

  /* One transaction: a failure, a cancel or a killed process leaves the
   * database exactly as it was. */
  if (!st_db_begin (db, error))
    return NULL;
  if (!st_db_bulk_begin (db, "participants", error))
    goto fail;
  {
    sqlite3_stmt *stmt = st_db_prepare (db, "SELECT NOT EXISTS (SELECT 1 FROM participants"
                                            " WHERE deleted = 0 AND merged_into IS NULL)", error);

    int rc;

    if (stmt == NULL)
      goto fail;
    rc = sqlite3_step (stmt);
    run.none_before = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) == 1;
    sqlite3_reset (stmt);
    if (rc != SQLITE_ROW)
      {
        st_db_set_error (db, rc, _("reading participants"), error);
        goto fail;
      }
  }

  {
    Pipeline pl = { &run, reader, g_async_queue_new (), g_async_queue_new (), 0, NULL };
    GThread *thread;
    gboolean ok = TRUE;

    for (guint i = 0; i < BATCH_SLOTS; i++)
      g_async_queue_push (pl.slots, SLOT_FREE);
    thread = g_thread_new ("st-import-reader", reader_thread, &pl);

    for (;;)
      {
        GPtrArray *batch = g_async_queue_pop (pl.batches);

        if (batch->len == 0)
          {
            g_ptr_array_unref (batch);
            break;
          }
        for (guint i = 0; ok && i < batch->len; i++)
          {
            PreparedRow *pr = g_ptr_array_index (batch, i);

            result->rows_read++;
            if ((result->rows_read & 1023) == 0)
              {
                if (g_cancellable_set_error_if_cancelled (cancellable, error))
                  ok = FALSE;
                else if (progress)
                  progress (pr->fraction, user_data);
              }
            st_failpoint ("import-row");
            if (ok && !apply_row (&run, pr, error))
              ok = FALSE;
          }
        g_async_queue_push (pl.slots, batch);
        if (!ok)
          g_atomic_int_set (&pl.stop, 1);   /* and drain until the end batch */
      }
    g_thread_join (thread);
    {
      gpointer slot;

      while ((slot = g_async_queue_try_pop (pl.slots)) != NULL)
        if (slot != SLOT_FREE)
          g_ptr_array_unref (slot);
    }
    g_async_queue_unref (pl.batches);
    g_async_queue_unref (pl.slots);

    if (ok && pl.error != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&pl.error));
        ok = FALSE;
      }
    g_clear_error (&pl.error);
    if (!ok)
      goto fail;
  }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;

  if (!st_db_bulk_end (db, error))
    goto fail;
  if (!write_visits (&run, error))
    goto fail;
  if (!record_import (&run, error))
    goto fail;

  if (options->dry_run)
    st_db_rollback (db);
  else
    {
      st_failpoint ("import-commit");
      if (!st_db_commit (db, error))
        return NULL;
    }
  if (progress)
    progress (1.0, user_data);

  g_debug ("imported a roster: %u rows, %u new, %u updated, %u rejected%s",
           result->rows_read, result->imported, result->updated, result->rejected,
           options->dry_run ? " (dry run)" : "");
  return g_steal_pointer (&result);

fail:
  st_db_rollback (db);
  return NULL;
}

gboolean
st_import_result_write_rejects (StImportResult  *result,
                                const char      *path,
                                GError         **error)
{
  g_autoptr(StCsvWriter) writer = st_csv_writer_new (path, result->encoding, error);
  g_autoptr(GPtrArray) row = g_ptr_array_new ();
  guint n_header;

  if (writer == NULL)
    return FALSE;

  n_header = result->header ? g_strv_length (result->header) : 0;
  g_ptr_array_add (row, (gpointer) _("Row"));
  g_ptr_array_add (row, (gpointer) _("Reason"));
  for (guint i = 0; i < n_header; i++)
    g_ptr_array_add (row, result->header[i]);
  if (!st_csv_writer_write_row (writer, (const char *const *) row->pdata, row->len, error))
    return FALSE;

  for (guint r = 0; r < result->rejects->len; r++)
    {
      StImportReject *reject = g_ptr_array_index (result->rejects, r);
      g_autofree char *line = g_strdup_printf ("%u", reject->line);
      guint n = g_strv_length (reject->fields);

      g_ptr_array_set_size (row, 0);
      g_ptr_array_add (row, line);
      g_ptr_array_add (row, reject->reason);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (row, reject->fields[i]);
      if (!st_csv_writer_write_row (writer, (const char *const *) row->pdata, row->len, error))
        return FALSE;
    }
  return st_csv_writer_close (writer, error);
}

char *
st_import_result_summary (StImportResult *result)
{
  /* rows read = imported + updated + rejected, always. */
  g_autofree char *head = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u row read", "%u rows read",
                                                        result->rows_read),
                                           result->rows_read);

  /* Translators: the counts of an import, after "15 rows read"; the
   * warnings, conflicts and repeats follow in their own plural-aware parts */
  g_autofree char *counts = g_strdup_printf (_("%s: %u imported, %u updated (%u of them already up to date), %u rejected"),
                                             head, result->imported, result->updated, result->unchanged,
                                             result->rejected);
  g_autofree char *warnings = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u warning", "%u warnings",
                                                            result->warnings->len), result->warnings->len);
  g_autofree char *conflicts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u conflict", "%u conflicts",
                                                             result->conflicts->len), result->conflicts->len);
  g_autofree char *repeats = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u repeated in the file",
                                                           "%u repeated in the file", result->repeats->len),
                                              result->repeats->len);

  /* Translators: "<counts>; <warnings>, <conflicts>, <repeats>." */
  g_autofree char *line = g_strdup_printf (_("%s; %s, %s, %s."), counts, warnings, conflicts, repeats);

  if (result->visits->len == 0)
    return g_steal_pointer (&line);
  /* Translators: after the import's counts: the first visits that the
   * roster's columns about residence, work and health made */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s %u first visit from the roster.",
                                       "%s %u first visits from the roster.", result->visits->len),
                          line, result->visits->len);
}
