/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV as offices really write it: Excel on Chinese Windows (GB18030), UTF-8
 * with or without a byte-order mark; RFC 4180 quoting with commas, quotes and
 * line breaks inside quoted fields. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ST_CSV_ERROR (st_csv_error_quark ())

typedef enum
{
  ST_CSV_ERROR_BAD_ENCODING,   /* neither UTF-8 nor GB18030 */
  ST_CSV_ERROR_UNTERMINATED,   /* a quoted field runs to the end of the file */
  ST_CSV_ERROR_EMPTY,          /* the file holds no row at all (reported by the constructors) */
  ST_CSV_ERROR_ENCODE,         /* the writer cannot represent a field in the chosen encoding */
} StCsvError;

GQuark         st_csv_error_quark          (void);

typedef enum
{
  ST_CSV_ENCODING_UTF8,
  ST_CSV_ENCODING_UTF8_BOM,
  ST_CSV_ENCODING_GB18030,
} StCsvEncoding;

typedef struct _StCsvReader StCsvReader;

/* Reads all of @path, detects the encoding (a BOM means UTF-8; valid UTF-8
 * means UTF-8; otherwise GB18030 when it converts cleanly; otherwise
 * ST_CSV_ERROR_BAD_ENCODING) and converts to UTF-8 in memory. Errors name the
 * file. A file with no characters but line breaks (zero bytes, a lone BOM,
 * blank lines) fails here with ST_CSV_ERROR_EMPTY, so a reader that was
 * created always has at least one record. */
StCsvReader   *st_csv_reader_new_for_path  (const char     *path,
                                            GError        **error);
/* The same over bytes already in memory; @name is used in messages. */
StCsvReader   *st_csv_reader_new_for_bytes (GBytes         *bytes,
                                            const char     *name,
                                            GError        **error);
StCsvEncoding  st_csv_reader_get_encoding  (StCsvReader    *reader);

/* Returns the next record as a NULL-terminated array of UTF-8 fields (owned
 * by the reader and valid until the next call), with *n_fields set and
 * *line set to the 1-based physical line on which the record starts (either
 * may be NULL). Fields are returned exactly as in the file but unquoted,
 * and without the ' that the writer puts before a formula (a field that
 * begins with ' followed by =, +, -, @, a tab or a carriage return loses
 * that one '), so that what the writer wrote reads back the same; callers
 * trim. Completely empty lines are skipped; a line of only commas is
 * a record of empty fields. Returns NULL at the end of the input, or on a
 * malformed record (unterminated quote) with @error set naming the line the
 * quoted field starts on; after an error the reader is at its end. */
const char *const *st_csv_reader_next      (StCsvReader    *reader,
                                            guint          *n_fields,
                                            guint          *line,
                                            GError        **error);
/* 0.0 … 1.0: how much of the input has been consumed (for progress bars). */
double         st_csv_reader_get_fraction  (StCsvReader    *reader);
void           st_csv_reader_free          (StCsvReader    *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StCsvReader, st_csv_reader_free)

typedef struct _StCsvWriter StCsvWriter;

/* Writes to "@path.tmp" and renames it to @path on close, so @path is either
 * the old file or the complete new one; UTF-8 with BOM is what opens
 * correctly in Excel. Fields are quoted when they hold a comma, quote, CR or
 * LF, or start or end with white space. Lines end in CRLF as Excel writes
 * them. Fields must be UTF-8 (a NULL field is written empty).
 *
 * Safe to open in a spreadsheet: a field that begins with =, +, -, @, a
 * tab or a carriage return, which Excel would run as a formula, is written
 * with a leading ' (and so is one that begins with quotes and one of
 * those, so that the reader gives back exactly what was written); except a
 * field of kind ST_CSV_FIELD_NUMBER that is a plain decimal number ("-3",
 * "7.5"). */
StCsvWriter   *st_csv_writer_new           (const char     *path,
                                            StCsvEncoding   encoding,
                                            GError        **error);
gboolean       st_csv_writer_write_row     (StCsvWriter    *writer,
                                            const char *const *fields,
                                            guint           n_fields,
                                            GError        **error);
typedef enum
{
  ST_CSV_FIELD_TEXT,
  ST_CSV_FIELD_NUMBER,    /* written as it is when it is a plain number */
} StCsvFieldKind;
/* The same with the kind of each field (@kinds NULL: all text). */
gboolean       st_csv_writer_write_row_kinds (StCsvWriter          *writer,
                                              const char *const    *fields,
                                              const StCsvFieldKind *kinds,
                                              guint                 n_fields,
                                              GError              **error);
/* Flushes and atomically moves the file into place. */
gboolean       st_csv_writer_close         (StCsvWriter    *writer,
                                            GError        **error);
/* Frees without writing the file, if not closed. */
void           st_csv_writer_free          (StCsvWriter    *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StCsvWriter, st_csv_writer_free)

/* "UTF-8", "UTF-8-BOM" or "GB18030": a stable name for logs and options. */
const char    *st_csv_encoding_to_string   (StCsvEncoding   encoding);

gboolean       st_csv_fields_blank     (const char *const *fields,
                                        guint              n);

G_END_DECLS
