/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "st-demo.h"
#include "st-import.h"
#include "st-participant.h"
#include "test-util.h"


typedef struct
{
  char  *path;
  StDb  *db;
  GDate  today;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->path = st_test_file ("import.db");
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  g_date_clear (&f->today, 1);
  g_date_set_dmy (&f->today, 23, G_DATE_NOVEMBER, 2026);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->db);
  g_free (f->path);
}

static StImportResult *
import (Fixture *f, const char *file, gboolean dry_run, GError **error)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "import", file, NULL);
  StImportOptions options = { dry_run, NULL, &f->today };

  return st_import_roster (f->db, path, &options, NULL, NULL, NULL, error);
}

static const StImportReject *
reject_at (StImportResult *r, guint line)
{
  for (guint i = 0; i < r->rejects->len; i++)
    {
      StImportReject *rej = g_ptr_array_index (r->rejects, i);
      if (rej->line == line)
        return rej;
    }
  return NULL;
}

static const StImportNote *
note_at (GPtrArray *notes, guint line)
{
  for (guint i = 0; i < notes->len; i++)
    {
      StImportNote *n = g_ptr_array_index (notes, i);
      if (n->line == line)
        return n;
    }
  return NULL;
}

/* The messy roster in tests/data/import: a title row, header variants, an
 * unknown column, full-width and lower-case ID numbers, a 15-digit number,
 * a bad check character, a missing name, an impossible date, a blank row, a
 * repeated person, a quoted field with a comma and a line break, a sex
 * contradicting the ID number, an age outside 15–59, an unknown village, an
 * unknown township, a missing ID number and an unknown education. */
static void
check_messy_roster (Fixture *f, StImportResult *r)
{
  const StImportReject *rej;
  const StImportNote *note;
  StImportConflict *c;

  g_assert_cmpuint (r->rows_read, ==, 15);
  g_assert_cmpuint (r->imported, ==, 9);
  g_assert_cmpuint (r->updated, ==, 1);
  g_assert_cmpuint (r->unchanged, ==, 0);
  g_assert_cmpuint (r->rejected, ==, 5);
  g_assert_cmpuint (r->imported + r->updated + r->rejected, ==, r->rows_read);

  g_assert_cmpuint (r->unknown_columns->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (r->unknown_columns, 0), ==, "户籍地址");

  /* Rejected, each with its row and reason. */
  g_assert_cmpuint (r->rejects->len, ==, 5);
  rej = reject_at (r, 7);
  g_assert_nonnull (rej);
  g_assert_nonnull (strstr (rej->reason, "check character should be 8"));
  g_assert_cmpstr (rej->fields[1], ==, "班错号");
  rej = reject_at (r, 8);
  g_assert_nonnull (rej);
  g_assert_cmpstr (rej->reason, ==, "The name is missing.");
  rej = reject_at (r, 9);
  g_assert_nonnull (rej);
  g_assert_nonnull (strstr (rej->reason, "1987-02-30"));
  rej = reject_at (r, 17);
  g_assert_nonnull (rej);
  g_assert_nonnull (strstr (rej->reason, "火星镇"));
  rej = reject_at (r, 18);
  g_assert_nonnull (rej);
  g_assert_cmpstr (rej->reason, ==, "The ID number is missing.");

  /* Imported anyway, with a warning. */
  g_assert_cmpuint (r->warnings->len, ==, 4);
  note = note_at (r->warnings, 14);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note->message, "“女”"));
  note = note_at (r->warnings, 15);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note->message, "Aged 66"));
  note = note_at (r->warnings, 16);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note->message, "不存在村"));
  note = note_at (r->warnings, 19);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note->message, "博士后"));

  /* The same person twice makes one participant; the repeat is listed and
   * a different phone is a conflict, not an overwrite. */
  g_assert_cmpuint (r->repeats->len, ==, 1);
  note = note_at (r->repeats, 11);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note->message, "row 3"));
  g_assert_cmpuint (r->conflicts->len, ==, 1);
  c = g_ptr_array_index (r->conflicts, 0);
  g_assert_cmpuint (c->line, ==, 11);
  g_assert_cmpstr (c->field, ==, "phone");
  g_assert_cmpstr (c->stored, ==, "13800000001");
  g_assert_cmpstr (c->offered, ==, "13800009999");
}

static void
check_database (Fixture *f)
{
  g_autoptr(StParticipant) wang = NULL;
  g_autoptr(StParticipant) huang = NULL;
  g_autoptr(StParticipant) lu = NULL;
  g_autoptr(StParticipant) cen = NULL;
  g_autoptr(StParticipant) wei = NULL;
  g_autoptr(StParticipant) pan = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM participants"), ==, 9);

  wang = st_participant_find_by_id_number (f->db, "522327198503120028", &error);
  g_assert_nonnull (wang);
  g_assert_cmpstr (wang->phone, ==, "13800000001");       /* kept */
  g_assert_cmpstr (wang->notes, ==, "复查");               /* filled by the repeat */
  g_assert_cmpstr (wang->village_code, ==, "522327001200");
  g_assert_cmpstr (wang->education, ==, "none");
  g_assert_cmpint (wang->sex, ==, ST_SEX_FEMALE);

  huang = st_participant_find_by_id_number (f->db, "52232719920704001X", &error);
  g_assert_nonnull (huang);
  g_assert_cmpstr (huang->ethnicity, ==, "布依族");
  g_assert_cmpstr (huang->township_code, ==, "522327104000");

  lu = st_participant_find_by_id_number (f->db, "522327197801010033", &error);
  g_assert_nonnull (lu);
  g_assert_cmpstr (lu->phone, ==, "13900000003");
  g_assert_cmpstr (lu->township_code, ==, "522327104000");

  cen = st_participant_find_by_id_number (f->db, "522327197008150014", &error);
  g_assert_nonnull (cen);
  g_assert_cmpstr (cen->birth_date, ==, "1970-08-15");

  wei = st_participant_find_by_id_number (f->db, "522327198809090052", &error);
  g_assert_nonnull (wei);
  g_assert_cmpstr (wei->notes, ==, "家住山上,\n交通不便");

  pan = st_participant_find_by_id_number (f->db, "522327199505050080", &error);
  g_assert_nonnull (pan);
  g_assert_null (pan->village_code);
  g_assert_cmpstr (pan->village_name, ==, "不存在村");
}

static void
test_utf8 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StImportResult) r = import (f, "roster.csv", FALSE, &error);

  g_assert_no_error (error);
  g_assert_cmpint (r->encoding, ==, ST_CSV_ENCODING_UTF8_BOM);
  check_messy_roster (f, r);
  check_database (f);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM imports"), ==, 1);
}

static void
test_gb18030 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StImportResult) r = import (f, "roster-gb18030.csv", FALSE, &error);

  g_assert_no_error (error);
  g_assert_cmpint (r->encoding, ==, ST_CSV_ENCODING_GB18030);
  check_messy_roster (f, r);
  check_database (f);
}

static void
test_reimport_changes_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StImportResult) first = import (f, "roster.csv", FALSE, &error);
  g_autoptr(StImportResult) second = NULL;
  gint64 outbox, audit;

  g_assert_no_error (error);
  outbox = st_test_query_int (f->db, "SELECT count(*) FROM outbox");
  audit = st_test_query_int (f->db, "SELECT count(*) FROM audit_log");

  second = import (f, "roster-gb18030.csv", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->rows_read, ==, 15);
  g_assert_cmpuint (second->imported, ==, 0);
  g_assert_cmpuint (second->updated, ==, 10);
  g_assert_cmpuint (second->unchanged, ==, 10);
  g_assert_cmpuint (second->rejected, ==, 5);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM participants"), ==, 9);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, outbox);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM audit_log"), ==, audit);
}

static void
test_dry_run (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StImportResult) r = import (f, "roster.csv", TRUE, &error);

  g_assert_no_error (error);
  g_assert_true (r->dry_run);
  check_messy_roster (f, r);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM participants"), ==, 0);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, 0);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM imports"), ==, 0);
}

static void
test_rejects_file (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StImportResult) r = import (f, "roster-gb18030.csv", FALSE, &error);
  g_autofree char *out = st_test_file ("rejects.csv");
  g_autofree char *raw = NULL;
  g_autofree char *utf8 = NULL;
  gsize len;
  g_auto(GStrv) lines = NULL;

  g_assert_no_error (error);
  g_assert_true (st_import_result_write_rejects (r, out, &error));
  g_assert_no_error (error);

  /* Same encoding as the input, so the office can fix it in Excel and
   * import it again. */
  g_assert_true (g_file_get_contents (out, &raw, &len, NULL));
  g_assert_false (g_utf8_validate (raw, len, NULL));
  utf8 = g_convert (raw, len, "UTF-8", "GB18030", NULL, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (utf8, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, "Row,Reason,序号,姓名,性别,民族,身份证号码,乡镇（街道）,村（居）,联系电话,文化程度,备注,户籍地址");
  g_assert_true (g_str_has_prefix (lines[1], "7,"));
  g_assert_nonnull (strstr (lines[1], "班错号"));
  g_assert_true (g_str_has_prefix (lines[2], "8,The name is missing.,6,"));
  g_assert_true (g_str_has_prefix (lines[5], "18,The ID number is missing.,14,覃无号"));
  g_assert_cmpstr (lines[6], ==, "");
  g_assert_null (lines[7]);

  /* Fixing the file and importing it again works: the rejects file is itself a roster. */
  {
    g_autoptr(StImportResult) again = NULL;
    StImportOptions options = { TRUE, NULL, &f->today };

    again = st_import_roster (f->db, out, &options, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (again->rows_read, ==, 5);
    g_assert_cmpuint (again->rejected, ==, 5);
  }
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "import", "roster.csv", NULL);
  g_autoptr(StImportResult) r = NULL;

  g_cancellable_cancel (cancellable);
  r = st_import_roster (f->db, path, NULL, cancellable, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM participants"), ==, 0);
}

static void
test_no_header (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = st_test_file ("noheader.csv");
  g_autoptr(StImportResult) r = NULL;

  g_assert_true (g_file_set_contents (path, "a,b,c\n1,2,3\n", -1, NULL));
  r = st_import_roster (f->db, path, NULL, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, ST_IMPORT_ERROR, ST_IMPORT_ERROR_NO_HEADER);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_broken_quote_midway (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = st_test_file ("broken.csv");
  g_autoptr(StImportResult) r = NULL;
  g_autofree char *good = NULL;
  g_autofree char *contents = NULL;

  /* 3000 good rows, then a quote that never closes: nothing is imported,
   * and the message names the line. */
  g_assert_true (st_demo_write_roster (path, 3000, 3, ST_CSV_ENCODING_UTF8, &error));
  g_assert_true (g_file_get_contents (path, &good, NULL, NULL));
  contents = g_strconcat (good, "9999,\"王不完,女,布依族\r\n", NULL);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));

  r = st_import_roster (f->db, path, NULL, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, ST_CSV_ERROR, ST_CSV_ERROR_UNTERMINATED);
  g_assert_nonnull (strstr (error->message, "3002"));
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM participants"), ==, 0);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, 0);
}

static void
test_workbook (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = st_test_file ("roster.xlsx");
  g_autoptr(StImportResult) r = NULL;

  g_assert_true (g_file_set_contents (path, "PK\003\004\024\000\006\000rest of a zip", 20, NULL));
  r = st_import_roster (f->db, path, NULL, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, ST_IMPORT_ERROR, ST_IMPORT_ERROR_SPREADSHEET);
  g_assert_nonnull (strstr (error->message, "CSV UTF-8"));
}

static void
test_default_township (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = st_test_file ("nostown.csv");
  g_autoptr(StImportResult) r = NULL;
  StImportOptions options = { FALSE, NULL, &f->today };
  g_autoptr(StParticipant) p = NULL;

  g_assert_true (g_file_set_contents (path, "姓名,身份证号,村\n王秀英,522327198503120028,者楼村\n", -1, NULL));
  r = st_import_roster (f->db, path, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->rejected, ==, 1);
  g_assert_nonnull (strstr (((StImportReject *) g_ptr_array_index (r->rejects, 0))->reason, "township is missing"));
  g_clear_pointer (&r, st_import_result_free);

  options.default_township = "者楼";
  r = st_import_roster (f->db, path, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->imported, ==, 1);
  p = st_participant_find_by_id_number (f->db, "522327198503120028", &error);
  g_assert_cmpstr (p->township_code, ==, "522327001000");
  g_assert_cmpstr (p->village_code, ==, "522327001200");
}

static void
test_full_disk (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *roster = st_test_file ("big.csv");
  g_autofree char *sql = NULL;
  g_autoptr(StImportResult) r = NULL;
  g_autoptr(StImportResult) small = import (f, "roster.csv", FALSE, &error);

  g_assert_no_error (error);
  g_assert_true (st_demo_write_roster (roster, 3000, 7, ST_CSV_ENCODING_UTF8, &error));
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                         st_test_query_int (f->db, "PRAGMA page_count") + 20);
  g_assert_true (st_db_exec (f->db, sql, NULL));

  r = st_import_roster (f->db, roster, NULL, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, ST_DB_ERROR, ST_DB_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  /* Nothing already saved was lost; nothing of the failed import stayed. */
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM participants"), ==, 9);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM imports"), ==, 1);
}

static void
test_header_variants (void)
{
  g_assert_cmpint (st_import_column_for_header ("身份证号码"), ==, ST_IMPORT_COLUMN_ID_NUMBER);
  g_assert_cmpint (st_import_column_for_header (" 公民身份号码 "), ==, ST_IMPORT_COLUMN_ID_NUMBER);
  g_assert_cmpint (st_import_column_for_header ("乡镇（街道）"), ==, ST_IMPORT_COLUMN_TOWNSHIP);
  g_assert_cmpint (st_import_column_for_header ("乡镇(街道)"), ==, ST_IMPORT_COLUMN_TOWNSHIP);
  g_assert_cmpint (st_import_column_for_header ("村（居）"), ==, ST_IMPORT_COLUMN_VILLAGE);
  g_assert_cmpint (st_import_column_for_header ("联系电话"), ==, ST_IMPORT_COLUMN_PHONE);
  g_assert_cmpint (st_import_column_for_header ("Name"), ==, ST_IMPORT_COLUMN_NAME);
  g_assert_cmpint (st_import_column_for_header ("ID Number"), ==, ST_IMPORT_COLUMN_ID_NUMBER);
  g_assert_cmpint (st_import_column_for_header ("序号"), ==, ST_IMPORT_COLUMN_IGNORED);
  g_assert_cmpint (st_import_column_for_header ("户籍地址"), ==, ST_IMPORT_COLUMN_UNKNOWN);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/import/header-variants", test_header_variants);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/core/import/utf8-bom", test_utf8);
  ADD ("/core/import/gb18030", test_gb18030);
  ADD ("/core/import/reimport-changes-nothing", test_reimport_changes_nothing);
  ADD ("/core/import/dry-run", test_dry_run);
  ADD ("/core/import/rejects-file", test_rejects_file);
  ADD ("/core/import/cancel", test_cancel);
  ADD ("/core/import/no-header", test_no_header);
  ADD ("/core/import/default-township", test_default_township);
  ADD ("/core/import/workbook", test_workbook);
  ADD ("/core/import/broken-quote-midway", test_broken_quote_midway);
  ADD ("/core/import/full-disk", test_full_disk);
#undef ADD

  return g_test_run ();
}
