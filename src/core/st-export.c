/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-export"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-export.h"
#include "st-participant.h"
#include "st-program.h"

/* The columns are in Chinese whatever the interface language: these files
 * go into the agencies' own systems, which name their columns so. */

static const char *
text_or_empty (sqlite3_stmt *stmt,
               int           i)
{
  const char *t = (const char *) sqlite3_column_text (stmt, i);

  return t ? t : "";
}

int
st_export_household_registration (StDb          *db,
                                   const char    *path,
                                   StCsvEncoding  encoding,
                                   const char    *township_code,
                                   GError       **error)
{
  static const char *const header[] = {
    "姓名", "身份证号码", "新文化程度", "毕业证书编号", "毕业日期", "乡镇（街道）", "村（居）",
  };
  g_autoptr(StCsvWriter) writer = NULL;
  g_autoptr(GHashTable) levels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt;
  int rows = 0;
  int rc;

  stmt = st_db_prepare (db,
                        "SELECT p.name, p.id_number, cl.program_id, c.number, c.issued_on, t.short_name,"
                        " coalesce (v.short_name, p.village_name)"
                        " FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id"
                        " JOIN participants p ON p.id = e.participant_id JOIN classes cl ON cl.id = e.class_id"
                        " LEFT JOIN divisions t ON t.code = p.township_code"
                        " LEFT JOIN divisions v ON v.code = p.village_code"
                        " WHERE c.kind = 'graduation' AND c.revoked_on IS NULL AND c.deleted = 0"
                        " AND (?1 IS NULL OR e.township_code = ?1)"
                        " ORDER BY p.township_code, p.village_code, p.name",
                        error);
  if (stmt == NULL)
    return -1;
  writer = st_csv_writer_new (path, encoding, error);
  if (writer == NULL || !st_csv_writer_write_row (writer, header, G_N_ELEMENTS (header), error))
    return -1;

  st_db_bind_text (stmt, 1, township_code);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *program = text_or_empty (stmt, 2);
      const char *level = g_hash_table_lookup (levels, program);
      const char *row[G_N_ELEMENTS (header)];

      if (level == NULL)
        {
          g_autoptr(GError) local_error = NULL;
          g_autoptr(StProgram) p = st_program_load (db, program, &local_error);

          if (p == NULL && local_error->domain == ST_DB_ERROR)
            {
              sqlite3_reset (stmt);
              g_propagate_error (error, g_steal_pointer (&local_error));
              return -1;
            }
          /* Only a diploma changes the education level on the household
           * register (§(七)3); a training's certificate, or a program that
           * cannot be read, has no level to report: "" = not exported. */
          level = p != NULL && p->kind == ST_PROGRAM_DIPLOMA && p->graduate_education_level != NULL
                  ? p->graduate_education_level : "";
          g_hash_table_insert (levels, g_strdup (program), g_strdup (level));
          level = g_hash_table_lookup (levels, program);
        }
      if (*level == '\0')
        continue;
      row[0] = text_or_empty (stmt, 0);
      row[1] = text_or_empty (stmt, 1);
      row[2] = level;
      row[3] = text_or_empty (stmt, 3);
      row[4] = text_or_empty (stmt, 4);
      row[5] = text_or_empty (stmt, 5);
      row[6] = text_or_empty (stmt, 6);
      if (!st_csv_writer_write_row (writer, row, G_N_ELEMENTS (row), error))
        {
          sqlite3_reset (stmt);
          return -1;
        }
      rows++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("exporting graduates"), error);
      return -1;
    }
  return st_csv_writer_close (writer, error) ? rows : -1;
}

static const char *
state_in_chinese (const char *state)
{
  if (g_strcmp0 (state, "graduated") == 0)
    return "毕业";
  if (g_strcmp0 (state, "completed") == 0)
    return "结业";
  if (g_strcmp0 (state, "withdrawn") == 0)
    return "退学";
  return "在读";
}

static const char *
education_in_chinese (const char *code)
{
  if (g_strcmp0 (code, "none") == 0)
    return "未上学";
  if (g_strcmp0 (code, "primary") == 0)
    return "小学";
  if (g_strcmp0 (code, "junior") == 0)
    return "初中";
  if (g_strcmp0 (code, "senior") == 0)
    return "高中及以上";
  return "";
}

int
st_export_enrolments (StDb          *db,
                      const char    *path,
                      StCsvEncoding  encoding,
                      const char    *township_code,
                      GError       **error)
{
  static const char *const header[] = {
    "姓名", "性别", "民族", "身份证号码", "出生日期", "乡镇（街道）", "村（居）", "联系电话", "入学前文化程度",
    "项目", "专业", "教学班", "教学点", "入学日期", "学制（年）", "学籍状态", "状态日期",
  };
  g_autoptr(StCsvWriter) writer = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt;
  int rows = 0;
  int rc;

  stmt = st_db_prepare (db,
                        "SELECT p.name, p.sex, p.ethnicity, p.id_number, p.birth_date, t.short_name,"
                        " coalesce (v.short_name, p.village_name), p.phone, p.education, cl.program_id, cl.major_id,"
                        " cl.name, cl.teaching_point, e.enrolled_on, e.study_years, e.state, e.state_date"
                        " FROM enrolments e JOIN participants p ON p.id = e.participant_id"
                        " JOIN classes cl ON cl.id = e.class_id"
                        " LEFT JOIN divisions t ON t.code = p.township_code"
                        " LEFT JOIN divisions v ON v.code = p.village_code"
                        " WHERE e.deleted = 0 AND p.deleted = 0 AND p.merged_into IS NULL"
                        " AND (?1 IS NULL OR e.township_code = ?1)"
                        " ORDER BY e.township_code, cl.name, p.name",
                        error);
  if (stmt == NULL)
    return -1;
  writer = st_csv_writer_new (path, encoding, error);
  if (writer == NULL || !st_csv_writer_write_row (writer, header, G_N_ELEMENTS (header), error))
    return -1;

  st_db_bind_text (stmt, 1, township_code);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *program = text_or_empty (stmt, 9);
      const char *program_name = g_hash_table_lookup (names, program);
      g_autofree char *years = g_strdup_printf ("%d", sqlite3_column_int (stmt, 14));
      const char *row[G_N_ELEMENTS (header)];

      if (program_name == NULL)
        {
          g_autoptr(GError) local_error = NULL;
          g_autoptr(StProgram) p = st_program_load (db, program, &local_error);

          /* An unknown program is named by its code; an unreadable one is
           * an error, not a file with a wrong column. */
          if (p == NULL && local_error->domain == ST_DB_ERROR)
            {
              sqlite3_reset (stmt);
              g_propagate_error (error, g_steal_pointer (&local_error));
              return -1;
            }
          g_hash_table_insert (names, g_strdup (program), g_strdup (p ? p->name : program));
          program_name = g_hash_table_lookup (names, program);
        }
      row[0] = text_or_empty (stmt, 0);
      row[1] = sqlite3_column_int (stmt, 1) == ST_SEX_MALE ? "男" : "女";
      row[2] = text_or_empty (stmt, 2);
      row[3] = text_or_empty (stmt, 3);
      row[4] = text_or_empty (stmt, 4);
      row[5] = text_or_empty (stmt, 5);
      row[6] = text_or_empty (stmt, 6);
      row[7] = text_or_empty (stmt, 7);
      row[8] = education_in_chinese ((const char *) sqlite3_column_text (stmt, 8));
      row[9] = program_name;
      row[10] = text_or_empty (stmt, 10);
      row[11] = text_or_empty (stmt, 11);
      row[12] = text_or_empty (stmt, 12);
      row[13] = text_or_empty (stmt, 13);
      row[14] = years;
      row[15] = state_in_chinese ((const char *) sqlite3_column_text (stmt, 15));
      row[16] = text_or_empty (stmt, 16);
      if (!st_csv_writer_write_row (writer, row, G_N_ELEMENTS (row), error))
        {
          sqlite3_reset (stmt);
          return -1;
        }
      rows++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("exporting enrolments"), error);
      return -1;
    }
  return st_csv_writer_close (writer, error) ? rows : -1;
}
