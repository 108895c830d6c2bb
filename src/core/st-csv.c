/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-csv"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "st-csv.h"

#define UTF8_BOM "\xEF\xBB\xBF"

/* Above this the writer hands its buffered rows to stdio. */
#define WRITE_CHUNK (64 * 1024)

G_DEFINE_QUARK (st-csv-error-quark, st_csv_error)

struct _StCsvReader
{
  char          *name;      /* for messages */
  char          *buffer;    /* owned; NUL-terminated; fields are cut out of it in place */
  char          *data;      /* start of the text, past any BOM */
  gsize          length;    /* bytes from data to the terminating NUL */
  gsize          pos;
  guint          line;      /* 1-based physical line at pos */
  StCsvEncoding  encoding;
  GPtrArray     *fields;    /* pointers into buffer, NULL-terminated when returned */
};

struct _StCsvWriter
{
  char          *path;
  char          *tmp_path;
  char          *name;      /* for messages */
  FILE          *file;      /* NULL once closed */
  StCsvEncoding  encoding;
  GIConv         to_gb18030;
  GString       *row;       /* the row being built, UTF-8 */
  GString       *pending;   /* encoded rows not yet handed to stdio */
  guint          n_rows;
  gboolean       failed;
};

/* Spreadsheet formulas. Excel and LibreOffice take a cell that begins
 * with one of these for a formula (a tab or a carriage return before one
 * still counts): =HYPERLINK (…) or =cmd|' /C calc'!A0 in a name would run
 * when the file is opened. The writer puts a ' before such a cell, which
 * makes it text, and before a cell that begins with quotes and one of
 * these ('=…, ''=…), so that the reader can drop exactly one ' from a cell
 * of one or more quotes and one of these and give back what was written. */
static inline gboolean
starts_formula (const char *field)
{
  while (*field == '\'')
    field++;
  return field[0] != '\0' && strchr ("=+-@\t\r", field[0]) != NULL;
}

static inline gboolean
escaped_formula (const char *field)
{
  return field[0] == '\'' && starts_formula (field);
}

/* Reader */

static gboolean
only_line_breaks (const char *text,
                  gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (text[i] != '\r' && text[i] != '\n')
      return FALSE;
  return TRUE;
}

static void
set_bad_encoding (GError     **error,
                  const char  *name)
{
  g_set_error (error, ST_CSV_ERROR, ST_CSV_ERROR_BAD_ENCODING,
               _("“%s” is neither UTF-8 nor GB18030 text. Open it in Excel or WPS and "
                 "save it again as “CSV UTF-8” or as CSV in the GB18030 encoding."),
               name);
}

/* Takes @contents, which must have a NUL byte at @length, and decodes it. */
static StCsvReader *
reader_new_take (char        *contents,
                 gsize        length,
                 const char  *name,
                 GError     **error)
{
  g_autofree char *buffer = contents;
  g_autoptr(StCsvReader) self = NULL;
  StCsvEncoding encoding;
  gsize offset = 0;

  if (length >= 3 && memcmp (buffer, UTF8_BOM, 3) == 0)
    {
      encoding = ST_CSV_ENCODING_UTF8_BOM;
      offset = 3;
      /* Also rejects NUL bytes, which no text CSV holds. */
      if (!g_utf8_validate_len (buffer + offset, length - offset, NULL))
        {
          set_bad_encoding (error, name);
          return NULL;
        }
    }
  else if (g_utf8_validate_len (buffer, length, NULL))
    {
      encoding = ST_CSV_ENCODING_UTF8;
    }
  else
    {
      gsize converted_length = 0;
      char *converted;

      converted = g_convert (buffer, length, "UTF-8", "GB18030", NULL, &converted_length, NULL);
      /* NUL bytes convert cleanly from GB18030 but mean UTF-16 or binary data. */
      if (converted == NULL || memchr (converted, '\0', converted_length) != NULL)
        {
          g_free (converted);
          set_bad_encoding (error, name);
          return NULL;
        }
      g_free (buffer);
      buffer = converted;
      length = converted_length;
      encoding = ST_CSV_ENCODING_GB18030;
    }

  if (only_line_breaks (buffer + offset, length - offset))
    {
      g_set_error (error, ST_CSV_ERROR, ST_CSV_ERROR_EMPTY,
                   _("“%s” is empty: it holds no rows."), name);
      return NULL;
    }

  self = g_new0 (StCsvReader, 1);
  self->name = g_strdup (name);
  self->buffer = g_steal_pointer (&buffer);
  self->data = self->buffer + offset;
  self->length = length - offset;
  self->line = 1;
  self->encoding = encoding;
  self->fields = g_ptr_array_sized_new (32);

  g_debug ("%s: %" G_GSIZE_FORMAT " bytes of %s", name, self->length,
           st_csv_encoding_to_string (encoding));

  return g_steal_pointer (&self);
}

StCsvReader *
st_csv_reader_new_for_path (const char  *path,
                            GError     **error)
{
  g_autofree char *name = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* GLib's message names the file and says why it cannot be read. */
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  name = g_filename_display_basename (path);
  return reader_new_take (contents, length, name, error);
}

StCsvReader *
st_csv_reader_new_for_bytes (GBytes      *bytes,
                             const char  *name,
                             GError     **error)
{
  const char *data;
  gsize length = 0;
  char *copy;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The parser cuts fields out of its buffer in place, so it needs its own. */
  data = g_bytes_get_data (bytes, &length);
  copy = g_malloc (length + 1);
  if (length > 0)
    memcpy (copy, data, length);
  copy[length] = '\0';

  return reader_new_take (copy, length, name, error);
}

StCsvEncoding
st_csv_reader_get_encoding (StCsvReader *self)
{
  g_return_val_if_fail (self != NULL, ST_CSV_ENCODING_UTF8);

  return self->encoding;
}

/* Moves @length bytes from @from down to @to unless they are already there. */
static inline char *
shift_down (char       *to,
            const char *from,
            gsize       length)
{
  if (to != from)
    memmove (to, from, length);
  return to + length;
}

const char *const *
st_csv_reader_next (StCsvReader  *self,
                    guint        *n_fields,
                    guint        *line,
                    GError      **error)
{
  char *p;
  char *end;
  guint record_line;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  p = self->data + self->pos;
  end = self->data + self->length;

  while (p < end && (*p == '\r' || *p == '\n'))
    {
      if (p[0] == '\r' && p[1] == '\n')
        p++;
      p++;
      self->line++;
    }

  if (p >= end)
    {
      self->pos = self->length;
      return NULL;
    }

  record_line = self->line;
  g_ptr_array_set_size (self->fields, 0);

  /* The text holds no NUL before end (checked when decoding) and one at end,
   * so strcspn never runs past it. Each field is unquoted by moving it down
   * over its own quotes and terminated by writing a NUL over the separator. */
  for (;;)
    {
      char *field = p;
      char separator;

      if (*p == '"')
        {
          char *w = p;
          guint field_line = self->line;

          p++;
          for (;;)
            {
              gsize run = strcspn (p, "\"\r\n");

              w = shift_down (w, p, run);
              p += run;

              if (p >= end)
                {
                  g_set_error (error, ST_CSV_ERROR, ST_CSV_ERROR_UNTERMINATED,
                               _("“%s”, line %u: a quoted field is never closed. A quotation "
                                 "mark is missing at its end or one too many was typed."),
                               self->name, field_line);
                  self->pos = self->length;
                  return NULL;
                }

              if (*p == '"')
                {
                  if (p[1] == '"')
                    {
                      *w++ = '"';
                      p += 2;
                      continue;
                    }
                  p++;
                  break;
                }

              /* A line break inside quotes belongs to the field. */
              if (p[0] == '\r' && p[1] == '\n')
                *w++ = *p++;
              *w++ = *p++;
              self->line++;
            }

          /* Like Excel, keep whatever follows the closing quote: "a"b is ab. */
          {
            gsize run = strcspn (p, ",\r\n");

            w = shift_down (w, p, run);
            p += run;
          }

          separator = *p;
          *w = '\0';
        }
      else
        {
          p += strcspn (p, ",\r\n");
          separator = *p;
          *p = '\0';
        }

      /* The writer's ' before a formula (see starts_formula ()). */
      g_ptr_array_add (self->fields, escaped_formula (field) ? field + 1 : field);

      if (separator == ',')
        {
          p++;
          continue;
        }

      if (separator == '\r')
        {
          p++;
          if (*p == '\n')
            p++;
          self->line++;
        }
      else if (separator == '\n')
        {
          p++;
          self->line++;
        }
      break;
    }

  self->pos = p - self->data;

  if (n_fields != NULL)
    *n_fields = self->fields->len;
  if (line != NULL)
    *line = record_line;

  g_ptr_array_add (self->fields, NULL);
  return (const char *const *) self->fields->pdata;
}

double
st_csv_reader_get_fraction (StCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  if (self->length == 0)
    return 1.0;
  return (double) self->pos / (double) self->length;
}

void
st_csv_reader_free (StCsvReader *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_free (self->buffer);
  g_free (self->name);
  g_free (self);
}

/* Writer */

static void
set_write_error (GError     **error,
                 int          saved_errno,
                 const char  *name)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("Could not write “%s”: %s"), name, g_strerror (saved_errno));
}

StCsvWriter *
st_csv_writer_new (const char     *path,
                   StCsvEncoding   encoding,
                   GError        **error)
{
  g_autoptr(StCsvWriter) self = NULL;
  int saved_errno;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (encoding <= ST_CSV_ENCODING_GB18030, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (StCsvWriter, 1);
  self->path = g_strdup (path);
  self->tmp_path = g_strconcat (path, ".tmp", NULL);
  self->name = g_filename_display_basename (path);
  self->encoding = encoding;
  self->to_gb18030 = (GIConv) -1;
  self->row = g_string_sized_new (256);
  self->pending = g_string_sized_new (WRITE_CHUNK + 4096);

  if (encoding == ST_CSV_ENCODING_GB18030)
    {
      self->to_gb18030 = g_iconv_open ("GB18030", "UTF-8");
      if (self->to_gb18030 == (GIConv) -1)
        {
          g_set_error (error, G_CONVERT_ERROR, G_CONVERT_ERROR_NO_CONVERSION,
                       _("Could not write “%s”: this system cannot convert text to GB18030."),
                       self->name);
          return NULL;
        }
    }

  self->file = g_fopen (self->tmp_path, "wb");
  if (self->file == NULL)
    {
      saved_errno = errno;
      set_write_error (error, saved_errno, self->name);
      return NULL;
    }

  if (encoding == ST_CSV_ENCODING_UTF8_BOM)
    g_string_append_len (self->pending, UTF8_BOM, 3);

  return g_steal_pointer (&self);
}

static gboolean
needs_quotes (const char *field)
{
  gsize length = strlen (field);

  if (length == 0)
    return FALSE;
  if (g_ascii_isspace (field[0]) || g_ascii_isspace (field[length - 1]))
    return TRUE;
  return strpbrk (field, ",\"\r\n") != NULL;
}

/* "-3", "7.5", "120": what Excel reads as a number, not a formula. */
static gboolean
is_plain_number (const char *field)
{
  const char *p = field;

  if (*p == '-')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return *p == '\0';
}

static void
append_field (GString        *row,
              const char     *field,
              StCsvFieldKind  kind)
{
  gboolean quote = needs_quotes (field);
  /* A number stays a number; anything else is made text. */
  gboolean text = starts_formula (field) && (kind != ST_CSV_FIELD_NUMBER || !is_plain_number (field));

  /* Past the ', a leading tab is no blank to protect. */
  if (text)
    quote = strpbrk (field, ",\"\r\n") != NULL || g_ascii_isspace (field[strlen (field) - 1]);
  if (!quote)
    {
      if (text)
        g_string_append_c (row, '\'');
      g_string_append (row, field);
      return;
    }

  g_string_append_c (row, '"');
  if (text)
    g_string_append_c (row, '\'');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (row, '"');
      g_string_append_c (row, *p);
    }
  g_string_append_c (row, '"');
}

static gboolean
flush_pending (StCsvWriter  *self,
               GError      **error)
{
  int saved_errno;

  if (self->pending->len == 0)
    return TRUE;

  if (fwrite (self->pending->str, 1, self->pending->len, self->file) != self->pending->len)
    {
      saved_errno = errno;
      self->failed = TRUE;
      set_write_error (error, saved_errno, self->name);
      return FALSE;
    }

  g_string_truncate (self->pending, 0);
  return TRUE;
}

gboolean
st_csv_writer_write_row (StCsvWriter        *self,
                         const char *const  *fields,
                         guint               n_fields,
                         GError            **error)
{
  return st_csv_writer_write_row_kinds (self, fields, NULL, n_fields, error);
}

gboolean
st_csv_writer_write_row_kinds (StCsvWriter           *self,
                               const char *const     *fields,
                               const StCsvFieldKind  *kinds,
                               guint                  n_fields,
                               GError               **error)
{
  guint row_number;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (fields != NULL || n_fields == 0, FALSE);
  g_return_val_if_fail (self->file != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->failed)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write “%s”: an earlier row failed."), self->name);
      return FALSE;
    }

  row_number = self->n_rows + 1;

  g_string_truncate (self->row, 0);
  for (guint i = 0; i < n_fields; i++)
    {
      const char *field = fields[i] != NULL ? fields[i] : "";

      if (i > 0)
        g_string_append_c (self->row, ',');
      append_field (self->row, field, kinds != NULL ? kinds[i] : ST_CSV_FIELD_TEXT);
    }
  /* A row of one empty field would be a blank line, which readers skip. */
  if (n_fields == 1 && self->row->len == 0)
    g_string_append (self->row, "\"\"");

  if (!g_utf8_validate_len (self->row->str, self->row->len, NULL))
    {
      g_set_error (error, ST_CSV_ERROR, ST_CSV_ERROR_ENCODE,
                   _("Could not write “%s”, row %u: the row holds text that is not valid "
                     "UTF-8."),
                   self->name, row_number);
      return FALSE;
    }

  g_string_append_len (self->row, "\r\n", 2);

  if (self->encoding == ST_CSV_ENCODING_GB18030)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *encoded = NULL;
      gsize bytes_read = 0;
      gsize bytes_written = 0;

      encoded = g_convert_with_iconv (self->row->str, self->row->len, self->to_gb18030,
                                      &bytes_read, &bytes_written, &local_error);
      if (encoded == NULL)
        {
          char buf[8] = { 0 };

          g_unichar_to_utf8 (g_utf8_get_char (self->row->str + bytes_read), buf);
          g_set_error (error, ST_CSV_ERROR, ST_CSV_ERROR_ENCODE,
                       _("Could not write “%s”, row %u: the character “%s” cannot be "
                         "written in GB18030. Save the file as UTF-8 instead."),
                       self->name, row_number, buf);
          return FALSE;
        }
      g_string_append_len (self->pending, encoded, bytes_written);
    }
  else
    {
      g_string_append_len (self->pending, self->row->str, self->row->len);
    }

  self->n_rows++;

  if (self->pending->len >= WRITE_CHUNK)
    return flush_pending (self, error);
  return TRUE;
}

/* Closes the stream and removes the temporary file: nothing reaches path. */
static void
writer_abandon (StCsvWriter *self)
{
  if (self->file == NULL)
    return;

  fclose (self->file);
  self->file = NULL;
  g_remove (self->tmp_path);
}

gboolean
st_csv_writer_close (StCsvWriter  *self,
                     GError      **error)
{
  int saved_errno;
  int status;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->file != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->failed)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write “%s”: an earlier row failed."), self->name);
      writer_abandon (self);
      return FALSE;
    }

  if (!flush_pending (self, error))
    {
      writer_abandon (self);
      return FALSE;
    }

  /* The data must be on disk before the rename makes it the file, or a power
   * cut could leave an empty file where the old one was. */
  if (fflush (self->file) != 0 || g_fsync (fileno (self->file)) != 0)
    {
      saved_errno = errno;
      set_write_error (error, saved_errno, self->name);
      writer_abandon (self);
      return FALSE;
    }

  status = fclose (self->file);
  saved_errno = errno;
  self->file = NULL;
  if (status != 0)
    {
      set_write_error (error, saved_errno, self->name);
      g_remove (self->tmp_path);
      return FALSE;
    }

  if (g_rename (self->tmp_path, self->path) != 0)
    {
      saved_errno = errno;
      set_write_error (error, saved_errno, self->name);
      g_remove (self->tmp_path);
      return FALSE;
    }

  g_debug ("%s: wrote %u rows in %s", self->name, self->n_rows,
           st_csv_encoding_to_string (self->encoding));
  return TRUE;
}

void
st_csv_writer_free (StCsvWriter *self)
{
  if (self == NULL)
    return;

  writer_abandon (self);
  if (self->to_gb18030 != (GIConv) -1)
    g_iconv_close (self->to_gb18030);
  g_string_free (self->row, TRUE);
  g_string_free (self->pending, TRUE);
  g_free (self->name);
  g_free (self->tmp_path);
  g_free (self->path);
  g_free (self);
}

const char *
st_csv_encoding_to_string (StCsvEncoding encoding)
{
  switch (encoding)
    {
    case ST_CSV_ENCODING_UTF8:
      return "UTF-8";
    case ST_CSV_ENCODING_UTF8_BOM:
      return "UTF-8-BOM";
    case ST_CSV_ENCODING_GB18030:
      return "GB18030";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Whether every field of a row is blank (spaces, ideographic spaces, or
 * nothing): an empty line of a spreadsheet. */
gboolean
st_csv_fields_blank (const char *const *fields,
                     guint              n)
{
  for (guint i = 0; i < n; i++)
    for (const char *p = fields[i]; *p; p = g_utf8_next_char (p))
      {
        gunichar c = g_utf8_get_char (p);

        if (!g_unichar_isspace (c) && c != 0x3000)
          return FALSE;
      }
  return TRUE;
}
