/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-participant"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stddef.h>

#include "st-limits.h"
#include "st-participant-private.h"
#include "st-uuid.h"

G_DEFINE_QUARK (st-participant-error-quark, st_participant_error)

#define FIELD(col, label, member) { col, label, G_STRUCT_OFFSET (StParticipant, member) }

static const StParticipantField fields[] = {
  FIELD ("name", N_("Name"), name),
  FIELD ("ethnicity", N_("Ethnicity"), ethnicity),
  FIELD ("phone", N_("Phone"), phone),
  FIELD ("township_code", N_("Township"), township_code),
  FIELD ("village_code", N_("Village"), village_code),
  FIELD ("village_name", N_("Village (as written)"), village_name),
  FIELD ("education", N_("Prior education"), education),
  FIELD ("employment", N_("Employment"), employment),
  FIELD ("health", N_("Health"), health),
  FIELD ("poverty", N_("Poverty registration"), poverty),
  FIELD ("notes", N_("Notes"), notes),
};

const StParticipantField *
st_participant_fields (guint *n_fields)
{
  *n_fields = G_N_ELEMENTS (fields);
  return fields;
}

const char *
st_participant_field_get (const StParticipant      *p,
                          const StParticipantField *field)
{
  return G_STRUCT_MEMBER (const char *, p, field->offset);
}

void
st_participant_field_set (StParticipant            *p,
                          const StParticipantField *field,
                          const char               *value)
{
  char **slot = G_STRUCT_MEMBER_P (p, field->offset);

  g_free (*slot);
  *slot = (value && *value) ? g_strdup (value) : NULL;
}

StParticipant *
st_participant_new (void)
{
  return g_new0 (StParticipant, 1);
}

StParticipant *
st_participant_copy (const StParticipant *p)
{
  StParticipant *copy = g_new0 (StParticipant, 1);

  copy->id = g_strdup (p->id);
  copy->id_number = g_strdup (p->id_number);
  copy->sex = p->sex;
  copy->birth_date = g_strdup (p->birth_date);
  copy->region_code = g_strdup (p->region_code);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    st_participant_field_set (copy, &fields[i], st_participant_field_get (p, &fields[i]));
  copy->merged_into = g_strdup (p->merged_into);
  copy->deleted = p->deleted;
  copy->hlc = p->hlc;
  copy->device = g_strdup (p->device);
  return copy;
}

void
st_participant_free (StParticipant *p)
{
  if (p == NULL)
    return;
  g_free (p->id);
  g_free (p->id_number);
  g_free (p->birth_date);
  g_free (p->region_code);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    st_participant_field_set (p, &fields[i], NULL);
  g_free (p->merged_into);
  g_free (p->device);
  g_free (p);
}

gboolean
st_participant_set_id_number (StParticipant  *p,
                              const char     *id_number,
                              GError        **error)
{
  StIdcardInfo info;

  if (!st_idcard_parse (id_number, NULL, &info, error))
    return FALSE;

  g_free (p->id_number);
  p->id_number = g_strdup (info.number);
  p->sex = info.sex;
  g_free (p->birth_date);
  p->birth_date = st_idcard_birth_date_string (&info);
  g_free (p->region_code);
  p->region_code = g_strdup (info.region);
  return TRUE;
}

#define SELECT_COLUMNS \
  "id, id_number, name, sex, birth_date, region_code, ethnicity, phone, township_code," \
  " village_code, village_name, education, employment, health, poverty, notes," \
  " merged_into, deleted, hlc, device"

static StParticipant *
participant_from_row (sqlite3_stmt *stmt)
{
  StParticipant *p = st_participant_new ();

  p->id = st_db_column_dup (stmt, 0);
  p->id_number = st_db_column_dup (stmt, 1);
  p->name = st_db_column_dup (stmt, 2);
  p->sex = sqlite3_column_int (stmt, 3);
  p->birth_date = st_db_column_dup (stmt, 4);
  p->region_code = st_db_column_dup (stmt, 5);
  p->ethnicity = st_db_column_dup (stmt, 6);
  p->phone = st_db_column_dup (stmt, 7);
  p->township_code = st_db_column_dup (stmt, 8);
  p->village_code = st_db_column_dup (stmt, 9);
  p->village_name = st_db_column_dup (stmt, 10);
  p->education = st_db_column_dup (stmt, 11);
  p->employment = st_db_column_dup (stmt, 12);
  p->health = st_db_column_dup (stmt, 13);
  p->poverty = st_db_column_dup (stmt, 14);
  p->notes = st_db_column_dup (stmt, 15);
  p->merged_into = st_db_column_dup (stmt, 16);
  p->deleted = sqlite3_column_int (stmt, 17);
  p->hlc = (guint64) sqlite3_column_int64 (stmt, 18);
  p->device = st_db_column_dup (stmt, 19);
  return p;
}

StParticipant *
st_participant_load (StDb        *db,
                     const char  *uuid,
                     GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT " SELECT_COLUMNS " FROM participants WHERE id = ?", error);
  StParticipant *p = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    p = participant_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_NOT_FOUND,
                 _("There is no participant with the key %s."), uuid);
  else
    st_db_set_error (db, rc, _("reading a participant"), error);
  sqlite3_reset (stmt);
  return p;
}

StParticipant *
st_participant_find_by_id_number (StDb        *db,
                                  const char  *id_number,
                                  GError     **error)
{
  g_autofree char *normal = st_idcard_normalize (id_number);
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT " SELECT_COLUMNS " FROM participants"
                                      " WHERE id_number = ? AND deleted = 0 AND merged_into IS NULL"
                                      " ORDER BY hlc LIMIT 1",
                                      error);
  StParticipant *p = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, normal, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    p = participant_from_row (stmt);
  else if (rc != SQLITE_DONE)
    st_db_set_error (db, rc, _("reading a participant"), error);
  sqlite3_reset (stmt);
  return p;
}

/* 1 when the division exists, 0 when not, -1 with @error set when the
 * database cannot say (not "no such township" for a damaged page). */
static int
division_exists (StDb        *db,
                 const char  *code,
                 const char  *level,
                 GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT 1 FROM divisions WHERE code = ? AND level = ?", error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, level, -1, SQLITE_STATIC);
  return st_db_step_exists (db, stmt, _("reading the list of townships and villages"), error);
}

char *
st_participant_length_problem (const StParticipant *p)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *text = st_participant_field_get (p, &fields[i]);
      const StFieldLimit *limit;

      /* Most fields are far shorter than their limit in bytes: no lookup
       * of the label's translation for them (an import checks every field
       * of 100,000 rows). */
      if (text == NULL || strlen (text) <= 20)
        continue;
      limit = st_field_limit_lookup ("participants", fields[i].column);
      if (limit != NULL && strlen (text) > limit->max)
        {
          char *problem = st_field_limit_problem ("participants", fields[i].column, _(fields[i].label), text);

          if (problem != NULL)
            return problem;
        }
    }
  return NULL;
}

static gboolean
validate (StDb           *db,
          StParticipant  *p,
          GError        **error)
{
  StIdcardInfo info;
  int found;

  if (p->id_number == NULL || !st_idcard_parse (p->id_number, NULL, &info, NULL))
    {
      GError *local = NULL;

      st_idcard_parse (p->id_number ? p->id_number : "", NULL, NULL, &local);
      g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_INVALID,
                   _("ID number: %s"), local->message);
      g_error_free (local);
      return FALSE;
    }
  if (p->name == NULL || *g_strstrip (p->name) == '\0')
    {
      g_set_error_literal (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_INVALID,
                           _("Name: a participant needs a name."));
      return FALSE;
    }
  /* Every text field within its length (st-limits.c), so that the server
   * never refuses the record for its size. */
  {
    g_autofree char *problem = st_participant_length_problem (p);

    if (problem != NULL)
      {
        g_set_error_literal (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_INVALID, problem);
        return FALSE;
      }
  }
  found = p->township_code != NULL ? division_exists (db, p->township_code, "township", error) : 0;
  if (found < 0)
    return FALSE;
  if (found == 0)
    {
      g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_INVALID,
                   _("Township: “%s” is not a township of this database’s county."),
                   p->township_code ? p->township_code : "");
      return FALSE;
    }
  found = p->village_code != NULL ? division_exists (db, p->village_code, "village", error) : 1;
  if (found < 0)
    return FALSE;
  if (found == 0)
    {
      g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_INVALID,
                   _("Village: “%s” is not a village of this database’s county."), p->village_code);
      return FALSE;
    }
  if (p->education != NULL && st_education_to_display (p->education) == NULL)
    {
      g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_INVALID,
                   _("Prior education: “%s” is not one of the levels."), p->education);
      return FALSE;
    }
  if (p->poverty != NULL && st_poverty_to_display (p->poverty) == NULL)
    {
      g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_INVALID,
                   _("Poverty registration: “%s” is not one of the kinds."), p->poverty);
      return FALSE;
    }

  /* The ID number is the source of truth for what it encodes. */
  p->sex = info.sex;
  g_free (p->birth_date);
  p->birth_date = st_idcard_birth_date_string (&info);
  g_free (p->region_code);
  p->region_code = g_strdup (info.region);
  g_free (p->id_number);
  p->id_number = g_strdup (info.number);
  return TRUE;
}

static void
bind_fields (sqlite3_stmt  *stmt,
             StParticipant *p,
             int            first)
{
  sqlite3_bind_text (stmt, first, p->id_number, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, first + 1, p->sex);
  sqlite3_bind_text (stmt, first + 2, p->birth_date, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 3, p->region_code, -1, SQLITE_STATIC);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    st_db_bind_text (stmt, first + 4 + i, st_participant_field_get (p, &fields[i]));
}

gboolean
st_participant_insert (StDb           *db,
                       StParticipant  *p,
                       GError        **error)
{
  g_autoptr(StParticipant) existing = NULL;
  GError *local = NULL;

  if (!validate (db, p, error))
    return FALSE;

  existing = st_participant_find_by_id_number (db, p->id_number, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (existing != NULL)
    {
      g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_DUPLICATE,
                   _("ID number: %s is already registered, as %s."),
                   p->id_number, existing->name);
      return FALSE;
    }

  return st_participant_insert_checked (db, p, error);
}

gboolean
st_participant_insert_checked (StDb           *db,
                               StParticipant  *p,
                               GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = st_db_prepare (db,
                        "INSERT INTO participants (id, hlc, device, id_number, sex, birth_date, region_code,"
                        " name, ethnicity, phone, township_code, village_code, village_name, education,"
                        " employment, health, poverty, notes)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        error);
  if (stmt == NULL)
    return FALSE;

  if (p->id == NULL)
    p->id = st_uuid_new ();
  p->hlc = st_db_next_hlc (db);
  g_free (p->device);
  p->device = g_strdup (st_db_get_device_id (db));

  sqlite3_bind_text (stmt, 1, p->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) p->hlc);
  sqlite3_bind_text (stmt, 3, p->device, -1, SQLITE_STATIC);
  bind_fields (stmt, p, 4);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("saving a participant"), error);
  return TRUE;
}

static gboolean
same_fields (const StParticipant *a,
             const StParticipant *b)
{
  if (g_strcmp0 (a->id_number, b->id_number) != 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (st_participant_field_get (a, &fields[i]), st_participant_field_get (b, &fields[i])) != 0)
      return FALSE;
  return TRUE;
}

gboolean
st_participant_update (StDb           *db,
                       StParticipant  *p,
                       GError        **error)
{
  g_autoptr(StParticipant) stored = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!validate (db, p, error))
    return FALSE;
  stored = st_participant_load (db, p->id, error);
  if (stored == NULL)
    return FALSE;
  if (same_fields (stored, p))
    return TRUE;

  if (g_strcmp0 (stored->id_number, p->id_number) != 0)
    {
      g_autoptr(StParticipant) other = st_participant_find_by_id_number (db, p->id_number, NULL);

      if (other != NULL && g_strcmp0 (other->id, p->id) != 0)
        {
          g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_DUPLICATE,
                       _("ID number: %s is already registered, as %s."),
                       p->id_number, other->name);
          return FALSE;
        }
    }

  stmt = st_db_prepare (db,
                        "UPDATE participants SET hlc = ?, device = ?, id_number = ?, sex = ?,"
                        " birth_date = ?, region_code = ?, name = ?, ethnicity = ?, phone = ?,"
                        " township_code = ?, village_code = ?, village_name = ?, education = ?,"
                        " employment = ?, health = ?, poverty = ?, notes = ?"
                        " WHERE id = ?",
                        error);
  if (stmt == NULL)
    return FALSE;
  p->hlc = st_db_next_hlc (db);
  g_free (p->device);
  p->device = g_strdup (st_db_get_device_id (db));
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) p->hlc);
  sqlite3_bind_text (stmt, 2, p->device, -1, SQLITE_STATIC);
  bind_fields (stmt, p, 3);
  sqlite3_bind_text (stmt, 3 + 4 + G_N_ELEMENTS (fields), p->id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("saving a participant"), error);
  return TRUE;
}

gboolean
st_participant_set_deleted (StDb        *db,
                            const char  *uuid,
                            gboolean     deleted,
                            GError     **error)
{
  g_autoptr(StParticipant) stored = st_participant_load (db, uuid, error);
  sqlite3_stmt *stmt;
  int rc;

  if (stored == NULL)
    return FALSE;
  if (stored->deleted == !!deleted)
    return TRUE;
  if (!deleted)
    {
      g_autoptr(StParticipant) other = st_participant_find_by_id_number (db, stored->id_number, NULL);

      if (other != NULL)
        {
          g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_DUPLICATE,
                       _("ID number: %s is already registered, as %s."),
                       stored->id_number, other->name);
          return FALSE;
        }
    }

  stmt = st_db_prepare (db, "UPDATE participants SET hlc = ?, device = ?, deleted = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) st_db_next_hlc (db));
  sqlite3_bind_text (stmt, 2, st_db_get_device_id (db), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, !!deleted);
  sqlite3_bind_text (stmt, 4, uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, deleted ? _("deleting a participant") : _("restoring a participant"), error);
  return TRUE;
}

GPtrArray *
st_participant_list (StDb        *db,
                     const char  *township_code,
                     GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT " SELECT_COLUMNS " FROM participants"
                                      " WHERE deleted = 0 AND merged_into IS NULL"
                                      " AND (?1 IS NULL OR township_code = ?1)"
                                      " ORDER BY township_code, village_code, name, id_number",
                                      error);

  if (stmt == NULL)
    return NULL;
  st_db_bind_text (stmt, 1, township_code);
  return st_db_read_rows (db, stmt, (gpointer (*) (sqlite3_stmt *)) participant_from_row,
                          (GDestroyNotify) st_participant_free, _("reading participants"), error);
}

static const char *const ethnicities[] = {
  "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
  "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
  "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
  "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
  "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
  "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
};

const char *
st_ethnicity_normalize (const char *text)
{
  g_autofree char *trimmed = NULL;
  gsize len;

  if (text == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (text));
  len = strlen (trimmed);
  if (len == 0)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ethnicities); i++)
    {
      const char *e = ethnicities[i];
      gsize elen = strlen (e);

      /* 布依族, or 布依 without the final 族 (3 bytes in UTF-8) */
      if (g_str_equal (trimmed, e) || (len == elen - 3 && strncmp (trimmed, e, len) == 0))
        return e;
    }
  return NULL;
}

static const struct { const char *code; const char *display; } educations[] = {
  { "none", N_("No schooling") },
  { "primary", N_("Primary school") },
  { "junior", N_("Junior middle school") },
  { "senior", N_("Senior high school or above") },
};

const char *
st_education_from_text (const char *text)
{
  static const struct { const char *text; const char *code; } words[] = {
    { "未上学", "none" }, { "未上过学", "none" }, { "文盲", "none" }, { "半文盲", "none" },
    { "无", "none" }, { "没上学", "none" }, { "学龄前", "none" },
    { "小学", "primary" }, { "小学肄业", "primary" }, { "小学毕业", "primary" },
    { "初中", "junior" }, { "初中肄业", "junior" }, { "初中毕业", "junior" },
    { "高中", "senior" }, { "高中及以上", "senior" }, { "高中以上", "senior" }, { "中专", "senior" },
    { "中职", "senior" }, { "职高", "senior" }, { "技校", "senior" }, { "大专", "senior" },
    { "大专及以上", "senior" }, { "本科", "senior" }, { "大学", "senior" }, { "研究生", "senior" },
  };
  g_autofree char *trimmed = NULL;

  if (text == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (text));
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (g_str_equal (trimmed, words[i].text))
      return words[i].code;
  for (guint i = 0; i < G_N_ELEMENTS (educations); i++)
    if (g_ascii_strcasecmp (trimmed, educations[i].code) == 0)
      return educations[i].code;
  return NULL;
}

const char *
st_education_to_display (const char *code)
{
  for (guint i = 0; code && i < G_N_ELEMENTS (educations); i++)
    if (g_str_equal (code, educations[i].code))
      return _(educations[i].display);
  return NULL;
}

const char *
st_poverty_from_text (const char *text,
                      gboolean   *recognised)
{
  static const struct { const char *text; const char *code; } words[] = {
    { "脱贫户", "lifted" }, { "脱贫人口", "lifted" }, { "脱贫", "lifted" }, { "是", "lifted" },
    { "lifted", "lifted" },
    { "监测户", "monitored" }, { "监测对象", "monitored" }, { "防返贫监测户", "monitored" },
    { "边缘易致贫户", "monitored" }, { "突发严重困难户", "monitored" }, { "脱贫不稳定户", "monitored" },
    { "monitored", "monitored" },
    { "否", NULL }, { "无", NULL }, { "一般户", NULL }, { "非脱贫户", NULL }, { "none", NULL },
  };
  g_autofree char *trimmed = NULL;

  *recognised = TRUE;
  if (text == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0')
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (g_str_equal (trimmed, words[i].text))
      return words[i].code;
  *recognised = FALSE;
  return NULL;
}

const char *
st_poverty_to_display (const char *code)
{
  if (g_strcmp0 (code, "lifted") == 0)
    return _("Lifted out of poverty");
  if (g_strcmp0 (code, "monitored") == 0)
    return _("Under monitoring");
  return NULL;
}

const char *
st_sex_to_display (StSex sex)
{
  switch (sex)
    {
    case ST_SEX_MALE:
      return _("Male");
    case ST_SEX_FEMALE:
      return _("Female");
    case ST_SEX_UNKNOWN:
    default:
      return "";
    }
}

gboolean
st_phone_is_valid (const char *phone)
{
  guint digits = 0;

  if (phone == NULL || *phone == '\0')
    return TRUE;
  for (const char *p = phone; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (*p != '-' && *p != ' ')
        return FALSE;
    }
  if (phone[0] == '1')
    return digits == 11 && strchr (phone, '-') == NULL;
  if (phone[0] == '0')
    return digits >= 10 && digits <= 12;
  return digits == 7 || digits == 8;
}
