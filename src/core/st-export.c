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

/* Programs by code, each read once per export: NULL for a code no
 * program has, or whose rules cannot be read. */
typedef struct
{
  StDb       *db;
  GHashTable *programs;
  char        years[16];   /* the enrolment export's study length */
} Export;

/* Sets *@program to the program @code (NULL: none such); FALSE with @error
 * only when the database cannot say: an unknown program is not an error,
 * but an unreadable database is not a file with a wrong column. */
static gboolean
export_program (Export      *export,
                const char  *code,
                StProgram  **program,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gpointer cached;

  if (g_hash_table_lookup_extended (export->programs, code, NULL, &cached))
    {
      *program = cached;
      return TRUE;
    }
  *program = st_program_load (export->db, code, &local_error);
  if (*program == NULL && local_error->domain == ST_DB_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_hash_table_insert (export->programs, g_strdup (code), *program);
  return TRUE;
}

/* Fills @row from @stmt's row: 1 to write it, 0 to leave it out, -1 with
 * @error. */
typedef int (*ExportRow) (Export        *export,
                          sqlite3_stmt  *stmt,
                          const char   **row,
                          GError       **error);

/* Writes the CSV file at @path: @header, then a row for each row @sql
 * gives (?1 bound to @township_code) that @fill_row keeps. The number of
 * rows written, or -1 with @error (@what says what was being done). */
static int
export_csv (StDb              *db,
            const char        *sql,
            const char        *township_code,
            const char        *path,
            StCsvEncoding      encoding,
            const char *const *header,
            guint              n_columns,
            ExportRow          fill_row,
            const char        *what,
            GError           **error)
{
  Export export = {
    .db = db,
    .programs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) st_program_free),
  };
  g_autoptr(GHashTable) programs = export.programs;
  g_autoptr(StCsvWriter) writer = NULL;
  g_autofree const char **row = g_new0 (const char *, n_columns);
  sqlite3_stmt *stmt;
  int rows = 0;
  int rc;

  stmt = st_db_prepare (db, sql, error);
  if (stmt == NULL)
    return -1;
  writer = st_csv_writer_new (path, encoding, error);
  if (writer == NULL || !st_csv_writer_write_row (writer, header, n_columns, error))
    return -1;

  st_db_bind_text (stmt, 1, township_code);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int keep = fill_row (&export, stmt, row, error);

      if (keep < 0 || (keep > 0 && !st_csv_writer_write_row (writer, row, n_columns, error)))
        {
          sqlite3_reset (stmt);
          return -1;
        }
      rows += keep;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, what, error);
      return -1;
    }
  return st_csv_writer_close (writer, error) ? rows : -1;
}

static int
graduate_row (Export        *export,
              sqlite3_stmt  *stmt,
              const char   **row,
              GError       **error)
{
  StProgram *p;

  if (!export_program (export, text_or_empty (stmt, 2), &p, error))
    return -1;
  /* Only a diploma changes the education level on the household register
   * (§(七)3); a training's certificate, or a program that cannot be read,
   * has no level to report: not exported. */
  if (p == NULL || p->kind != ST_PROGRAM_DIPLOMA || p->graduate_education_level == NULL
      || *p->graduate_education_level == '\0')
    return 0;
  row[0] = text_or_empty (stmt, 0);
  row[1] = text_or_empty (stmt, 1);
  row[2] = p->graduate_education_level;
  row[3] = text_or_empty (stmt, 3);
  row[4] = text_or_empty (stmt, 4);
  row[5] = text_or_empty (stmt, 5);
  row[6] = text_or_empty (stmt, 6);
  return 1;
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

  return export_csv (db,
                     "SELECT p.name, p.id_number, cl.program_id, c.number, c.issued_on, t.short_name,"
                     " coalesce (v.short_name, p.village_name)"
                     " FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id"
                     " JOIN participants p ON p.id = e.participant_id JOIN classes cl ON cl.id = e.class_id"
                     " LEFT JOIN divisions t ON t.code = p.township_code"
                     " LEFT JOIN divisions v ON v.code = p.village_code"
                     " WHERE c.kind = 'graduation' AND c.revoked_on IS NULL AND c.deleted = 0"
                     " AND (?1 IS NULL OR e.township_code = ?1)"
                     " ORDER BY p.township_code, p.village_code, p.name",
                     township_code, path, encoding, header, G_N_ELEMENTS (header), graduate_row,
                     _("exporting graduates"), error);
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

static int
enrolment_row (Export        *export,
               sqlite3_stmt  *stmt,
               const char   **row,
               GError       **error)
{
  const char *program = text_or_empty (stmt, 9);
  StProgram *p;

  /* An unknown program is named by its code. */
  if (!export_program (export, program, &p, error))
    return -1;
  g_snprintf (export->years, sizeof export->years, "%d", sqlite3_column_int (stmt, 14));
  row[0] = text_or_empty (stmt, 0);
  row[1] = sqlite3_column_int (stmt, 1) == ST_SEX_MALE ? "男" : "女";
  row[2] = text_or_empty (stmt, 2);
  row[3] = text_or_empty (stmt, 3);
  row[4] = text_or_empty (stmt, 4);
  row[5] = text_or_empty (stmt, 5);
  row[6] = text_or_empty (stmt, 6);
  row[7] = text_or_empty (stmt, 7);
  row[8] = education_in_chinese ((const char *) sqlite3_column_text (stmt, 8));
  row[9] = p ? p->name : program;
  row[10] = text_or_empty (stmt, 10);
  row[11] = text_or_empty (stmt, 11);
  row[12] = text_or_empty (stmt, 12);
  row[13] = text_or_empty (stmt, 13);
  row[14] = export->years;
  row[15] = state_in_chinese ((const char *) sqlite3_column_text (stmt, 15));
  row[16] = text_or_empty (stmt, 16);
  return 1;
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

  return export_csv (db,
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
                     township_code, path, encoding, header, G_N_ELEMENTS (header), enrolment_row,
                     _("exporting enrolments"), error);
}
