/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sign-in sheet (签到表) of a session: a header with the class and the
 * session, then one row per participant in study that day, with a blank
 * box tall enough to sign in. Every page repeats the header, so a page that
 * comes loose still says which session it belongs to. */
#define G_LOG_DOMAIN "st-signin"

#include "config.h"

#include <string.h>

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "st-idcard.h"
#include "st-participant.h"
#include "st-records.h"
#include "st-signin.h"

#define FONT_FAMILY "Noto Sans CJK SC"
#define A4_WIDTH 595.276
#define A4_HEIGHT 841.89
#define MARGIN 36.0
/* About 10.5 mm: room for a signature written by hand. */
#define ROW_HEIGHT 30.0
#define HEADER_ROW_HEIGHT 22.0
#define BODY_FONT 10.0
#define N_COLUMNS 7

typedef struct
{
  char *name;
  char *sex;
  char *village;
  char *id_masked;
  /* Sort keys: the village's official code (villages typed by hand have
   * none and come after), then names collated for the UI locale. */
  char *village_code;
  char *village_key;
  char *name_key;
} Row;

struct _StSigninSheet
{
  char      *class_name;
  char      *township;
  char      *major;
  char      *date;
  int        minutes;
  char      *mode;
  char      *subject;
  char      *trainer;
  char      *place;
  GPtrArray *rows;          /* Row */

  /* Layout, from st_signin_sheet_paginate (). */
  double     width;
  double     height;
  double     widths[N_COLUMNS];
  double     table_top;
  int        rows_per_page;
  int        n_pages;       /* 0 until paginated */
};

static void
row_free (Row *row)
{
  g_free (row->name);
  g_free (row->sex);
  g_free (row->village);
  g_free (row->id_masked);
  g_free (row->village_code);
  g_free (row->village_key);
  g_free (row->name_key);
  g_free (row);
}

void
st_signin_sheet_free (StSigninSheet *sheet)
{
  if (sheet == NULL)
    return;
  g_free (sheet->class_name);
  g_free (sheet->township);
  g_free (sheet->major);
  g_free (sheet->date);
  g_free (sheet->mode);
  g_free (sheet->subject);
  g_free (sheet->trainer);
  g_free (sheet->place);
  g_clear_pointer (&sheet->rows, g_ptr_array_unref);
  g_free (sheet);
}

static const char *
mode_label (const char *mode)
{
  if (g_strcmp0 (mode, "concentrated") == 0)
    return _("Concentrated");
  if (g_strcmp0 (mode, "online") == 0)
    return _("Online");
  if (g_strcmp0 (mode, "practical") == 0)
    return _("Practical");
  return mode != NULL ? mode : "";
}

static const char *
subject_label (const char *subject)
{
  if (g_strcmp0 (subject, "literacy") == 0)
    return _("Literacy and numeracy");
  if (g_strcmp0 (subject, "mandarin") == 0)
    return _("Mandarin");
  if (g_strcmp0 (subject, "civic") == 0)
    return _("Civic and moral education");
  if (g_strcmp0 (subject, "policy") == 0)
    return _("Policy and law");
  if (g_strcmp0 (subject, "skill") == 0)
    return _("Vocational skill");
  return subject != NULL ? subject : "";
}

/* Minutes as class hours: "8", "1.5", "0.75". */
static char *
format_hours (int minutes)
{
  int hundredths = (minutes * 100 + 30) / 60;

  if (hundredths % 100 == 0)
    return g_strdup_printf ("%d", hundredths / 100);
  if (hundredths % 10 == 0)
    return g_strdup_printf ("%d.%d", hundredths / 100, hundredths % 100 / 10);
  return g_strdup_printf ("%d.%02d", hundredths / 100, hundredths % 100);
}

/* Sets *@text to the first column of the row for @key, or NULL when there
 * is none; FALSE with @error set when the database cannot say. */
static gboolean
lookup_text (StDb        *db,
             const char  *sql,
             const char  *key,
             char       **text,
             GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *text = NULL;
  if (key == NULL)
    return TRUE;
  stmt = st_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    *text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("reading the sign-in sheet"), error);
  return TRUE;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const Row *x = *(Row *const *) a, *y = *(Row *const *) b;
  int cmp;

  if ((x->village_code == NULL) != (y->village_code == NULL))
    return x->village_code == NULL ? 1 : -1;
  if ((cmp = g_strcmp0 (x->village_code, y->village_code)) != 0)
    return cmp;
  if ((cmp = strcmp (x->village_key, y->village_key)) != 0)
    return cmp;
  if ((cmp = strcmp (x->name_key, y->name_key)) != 0)
    return cmp;
  return strcmp (x->id_masked, y->id_masked);
}

static char *
join_trainers (char **trainers)
{
  /* Translators: the separator between the items of a list, “、” in Chinese */
  return trainers != NULL ? g_strjoinv (_(", "), trainers) : g_strdup ("");
}

StSigninSheet *
st_signin_sheet_new (StDb        *db,
                     const char  *session_id,
                     GError     **error)
{
  g_autoptr(StSigninSheet) sheet = g_new0 (StSigninSheet, 1);
  g_autoptr(StSession) session = NULL;
  g_autoptr(StClass) klass = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (ST_IS_DB (db), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);

  session = st_session_load (db, session_id, error);
  if (session == NULL)
    return NULL;
  klass = st_class_load (db, session->class_id, error);
  if (klass == NULL)
    return NULL;

  sheet->class_name = g_strdup (klass->name);
  if (!lookup_text (db, "SELECT name FROM divisions WHERE code = ?1", klass->township_code,
                    &sheet->township, error))
    return NULL;
  if (sheet->township == NULL)
    sheet->township = g_strdup (klass->township_code);
  if (klass->major != NULL && *klass->major != '\0')
    {
      /* classes.major_id holds a major's id or its name. */
      if (!lookup_text (db, "SELECT name FROM majors WHERE id = ?1 AND deleted = 0", klass->major,
                        &sheet->major, error))
        return NULL;
      if (sheet->major == NULL)
        sheet->major = g_strdup (klass->major);
    }
  else
    sheet->major = g_strdup ("");
  sheet->date = g_strdup (session->date);
  sheet->minutes = session->minutes;
  sheet->mode = g_strdup (mode_label (session->mode));
  sheet->subject = g_strdup (subject_label (session->subject));
  sheet->trainer = session->trainer != NULL && *session->trainer != '\0'
                   ? g_strdup (session->trainer) : join_trainers (klass->trainers);
  sheet->place = g_strdup (session->place != NULL && *session->place != '\0'
                           ? session->place : klass->teaching_point != NULL ? klass->teaching_point : "");
  sheet->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);

  /* In study on the day as st_attendance_fill_present () has it, so that
   * everyone whose attendance the app records has a line to sign: a state
   * dated on the session's day (withdrawn, graduated that day) still counts
   * as in study then. */
  stmt = st_db_prepare (db,
                        "SELECT p.name, p.sex, p.id_number, v.code, coalesce (v.short_name, p.village_name, '')"
                        " FROM enrolments e"
                        " JOIN participants p ON p.id = e.participant_id"
                        " LEFT JOIN divisions v ON v.code = p.village_code"
                        " WHERE e.class_id = ?1 AND e.deleted = 0 AND e.enrolled_on <= ?2"
                        " AND (e.state = 'studying' OR e.state_date >= ?2)"
                        " AND p.deleted = 0 AND p.merged_into IS NULL",
                        error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, session->class_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, session->date, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row *row = g_new0 (Row, 1);
      const char *village_code = (const char *) sqlite3_column_text (stmt, 3);

      row->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row->sex = g_strdup (st_sex_to_display (sqlite3_column_int (stmt, 1)));
      row->id_masked = st_idcard_mask ((const char *) sqlite3_column_text (stmt, 2));
      row->village_code = g_strdup (village_code);
      row->village = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      row->village_key = g_utf8_collate_key (row->village, -1);
      row->name_key = g_utf8_collate_key (row->name, -1);
      g_ptr_array_add (sheet->rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the participants of the class"), error);
      return NULL;
    }
  g_ptr_array_sort (sheet->rows, compare_rows);
  return g_steal_pointer (&sheet);
}

/* Layout */

static gboolean
ui_is_chinese (void)
{
  const char *const *languages = g_get_language_names ();

  return languages[0] != NULL && g_str_has_prefix (languages[0], "zh");
}

/* Points as the unit and no hinting, on paper and when measuring without a
 * surface alike, so that st_signin_sheet_paginate () and the drawing agree. */
static void
setup_context (PangoContext *context)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  pango_cairo_context_set_resolution (context, 72);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
}

static PangoLayout *
text_layout (PangoContext   *context,
             const char     *text,
             double          size,
             gboolean        bold,
             double          width,
             PangoAlignment  alignment)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *font = pango_font_description_new ();

  pango_font_description_set_family (font, FONT_FAMILY);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  if (width > 0)
    {
      pango_layout_set_width (layout, pango_units_from_double (width));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  if (!ui_is_chinese ())
    {
      /* Noto Sans CJK SC draws ’ “ ” full width, as Chinese text wants them;
       * in English they would gape ("Trainer’ s"). */
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_font_features_new ("pwid"));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

/* The widest piece of @layout that cannot be broken. */
static double
min_text_width (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_set_width (layout, 1);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_get_extents (layout, NULL, &logical);
  return pango_units_to_double (logical.width);
}

static double
layout_height (PangoLayout *layout)
{
  int width, height;

  pango_layout_get_size (layout, &width, &height);
  return pango_units_to_double (height);
}

static void
show (cairo_t     *cr,
      PangoLayout *layout,
      double       x,
      double       y)
{
  if (cr == NULL)
    return;
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static char *
hours_text (const StSigninSheet *sheet)
{
  g_autofree char *hours = format_hours (sheet->minutes);

  /* Translators: class hours (学时) of a session; %s is a number such as 8 or 1.5 */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s hour", "%s hours", sheet->minutes == 60 ? 1 : 2),
                          hours);
}

/* The header block: title, class, and the session's particulars in two
 * columns. Draws it when @cr is set; returns where it ends either way. */
static double
header_block (const StSigninSheet *sheet,
              PangoContext        *context,
              cairo_t             *cr,
              double               width)
{
  double content = width - 2 * MARGIN;
  double half = content / 2;
  double y = MARGIN;
  g_autofree char *hours = hours_text (sheet);
  const char *pairs[][2] = {
    { _("Date:"), sheet->date },          { _("Hours:"), hours },
    { _("Mode:"), sheet->mode },          { _("Subject:"), sheet->subject },
    { _("Trainer:"), sheet->trainer },    { _("Place:"), sheet->place },
    { _("Township:"), sheet->township },  { _("Major:"), sheet->major },
  };
  g_autoptr(PangoLayout) title = text_layout (context, _("Sign-in Sheet"), 18, TRUE, content, PANGO_ALIGN_CENTER);
  g_autoptr(PangoLayout) klass = text_layout (context, sheet->class_name, 12, TRUE, content, PANGO_ALIGN_CENTER);

  show (cr, title, MARGIN, y);
  y += layout_height (title) + 4;
  show (cr, klass, MARGIN, y);
  y += layout_height (klass) + 10;

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i += 2)
    {
      double line = 0;

      for (guint j = 0; j < 2; j++)
        {
          g_autoptr(PangoLayout) label = text_layout (context, pairs[i + j][0], BODY_FONT, TRUE, 0, PANGO_ALIGN_LEFT);
          int label_width;
          g_autoptr(PangoLayout) value = NULL;
          double x = MARGIN + j * half;

          pango_layout_get_pixel_size (label, &label_width, NULL);
          value = text_layout (context, pairs[i + j][1], BODY_FONT, FALSE, half - label_width - 12, PANGO_ALIGN_LEFT);
          show (cr, label, x, y);
          show (cr, value, x + label_width + 4, y);
          line = MAX (line, MAX (layout_height (label), layout_height (value)));
        }
      y += line + 4;
    }
  return y + 8;
}

static double
footer_height (PangoContext *context,
               double        width)
{
  g_autoptr(PangoLayout) probe = text_layout (context, "0", BODY_FONT, FALSE, 0, PANGO_ALIGN_LEFT);
  g_autoptr(PangoLayout) small = text_layout (context, "0", 8, FALSE, 0, PANGO_ALIGN_LEFT);

  return 10 + layout_height (probe) + 10 + layout_height (small);
}

static void
column_headers (const char **header)
{
  header[0] = _("No.");
  header[1] = _("Name");
  header[2] = _("Sex");
  header[3] = _("Village");
  header[4] = _("ID number");
  header[5] = _("Signature");
  header[6] = _("Remarks");
}

/* By weight, but no column so narrow that a word in it breaks ("Fe-male")
 * while the signature box, which needs width and no words, has room to
 * give. */
static void
column_widths (StSigninSheet *sheet,
               PangoContext  *context,
               double         content)
{
  /* No., name, sex, village, ID number, signature, remarks. */
  static const double weights[N_COLUMNS] = { 0.06, 0.13, 0.07, 0.16, 0.22, 0.22, 0.14 };
  const char *header[N_COLUMNS];
  double min[N_COLUMNS];
  double excess = 0, slack = 0;

  column_headers (header);
  for (guint c = 0; c < N_COLUMNS; c++)
    {
      g_autoptr(PangoLayout) layout = text_layout (context, header[c], BODY_FONT, TRUE, 0, PANGO_ALIGN_LEFT);

      min[c] = min_text_width (layout);
    }
  for (guint i = 0; i < sheet->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (sheet->rows, i);
      const char *cells[] = { row->sex, row->id_masked };
      const guint columns[] = { 2, 4 };

      /* Names and villages may take two lines; sex and the ID number not. */
      for (guint j = 0; j < G_N_ELEMENTS (cells); j++)
        {
          g_autoptr(PangoLayout) layout = text_layout (context, cells[j], BODY_FONT + 0.5, FALSE, 0, PANGO_ALIGN_LEFT);

          min[columns[j]] = MAX (min[columns[j]], min_text_width (layout));
        }
    }
  for (guint c = 0; c < N_COLUMNS; c++)
    {
      min[c] += 8;
      sheet->widths[c] = MAX (content * weights[c], min[c]);
      excess += sheet->widths[c];
      slack += sheet->widths[c] - min[c];
    }
  excess -= content;
  if (excess <= 0.01)
    return;
  if (slack < excess)
    {
      for (guint c = 0; c < N_COLUMNS; c++)
        sheet->widths[c] = content * weights[c];
      return;
    }
  for (guint c = 0; c < N_COLUMNS; c++)
    sheet->widths[c] -= excess * (sheet->widths[c] - min[c]) / slack;
}

int
st_signin_sheet_paginate (StSigninSheet *sheet,
                          double         width,
                          double         height)
{
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  double table_bottom;
  int n = (int) sheet->rows->len;

  setup_context (context);
  sheet->width = width;
  sheet->height = height;
  column_widths (sheet, context, width - 2 * MARGIN);
  sheet->table_top = header_block (sheet, context, NULL, width);
  table_bottom = height - MARGIN - footer_height (context, width);
  sheet->rows_per_page = MAX (1, (int) ((table_bottom - sheet->table_top - HEADER_ROW_HEIGHT) / ROW_HEIGHT));
  sheet->n_pages = MAX (1, (n + sheet->rows_per_page - 1) / sheet->rows_per_page);
  g_object_unref (context);
  return sheet->n_pages;
}

static void
draw_cells (cairo_t            *cr,
            PangoContext       *context,
            const char *const  *texts,
            const double       *widths,
            double              y,
            double              height,
            gboolean            header)
{
  double x = MARGIN;

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      /* Names and villages left-aligned, as they are read; the rest
       * centred. At most two lines: a long village name is cut short rather
       * than spilling into the next row. */
      PangoAlignment alignment = !header && (c == 1 || c == 3) ? PANGO_ALIGN_LEFT : PANGO_ALIGN_CENTER;
      g_autoptr(PangoLayout) layout = text_layout (context, texts[c], header ? BODY_FONT : BODY_FONT + 0.5,
                                                   header, widths[c] - 6, alignment);
      double text_height;

      pango_layout_set_height (layout, -2);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      text_height = layout_height (layout);
      if (header)
        {
          cairo_set_source_rgb (cr, 0.90, 0.90, 0.90);
          cairo_rectangle (cr, x, y, widths[c], height);
          cairo_fill (cr);
        }
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_set_line_width (cr, 0.6);
      cairo_rectangle (cr, x, y, widths[c], height);
      cairo_stroke (cr);
      show (cr, layout, x + 3, y + (height - text_height) / 2);
      x += widths[c];
    }
}

void
st_signin_sheet_draw_page (StSigninSheet *sheet,
                           cairo_t       *cr,
                           int            page)
{
  PangoContext *context;
  double content;
  double y;
  int first, last;
  const char *header[N_COLUMNS];

  g_return_if_fail (sheet != NULL);
  g_return_if_fail (cr != NULL);

  if (sheet->n_pages == 0)
    st_signin_sheet_paginate (sheet, A4_WIDTH, A4_HEIGHT);
  g_return_if_fail (page >= 0 && page < sheet->n_pages);

  column_headers (header);
  context = pango_cairo_create_context (cr);
  setup_context (context);
  content = sheet->width - 2 * MARGIN;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  header_block (sheet, context, cr, sheet->width);

  y = sheet->table_top;
  draw_cells (cr, context, header, sheet->widths, y, HEADER_ROW_HEIGHT, TRUE);
  y += HEADER_ROW_HEIGHT;

  first = page * sheet->rows_per_page;
  last = MIN ((int) sheet->rows->len, first + sheet->rows_per_page);
  for (int i = first; i < last; i++)
    {
      const Row *row = g_ptr_array_index (sheet->rows, i);
      g_autofree char *number = g_strdup_printf ("%d", i + 1);
      const char *cells[N_COLUMNS] = { number, row->name, row->sex, row->village, row->id_masked, "", "" };

      draw_cells (cr, context, cells, sheet->widths, y, ROW_HEIGHT, FALSE);
      y += ROW_HEIGHT;
    }
  if (sheet->rows->len == 0)
    {
      g_autoptr(PangoLayout) none = text_layout (context, _("No participant is in study in this class on this date."),
                                                 BODY_FONT, FALSE, content, PANGO_ALIGN_CENTER);

      show (cr, none, MARGIN, y + 10);
    }

  /* Footer: the counts and the trainer's signature for whoever checks the
   * sheet, and the page number. */
  {
    double bottom = sheet->height - MARGIN;
    g_autofree char *counts = g_strdup_printf (_("Enrolled: %d    Present: ______"), (int) sheet->rows->len);
    g_autofree char *page_text = g_strdup_printf (_("Page %d of %d"), page + 1, sheet->n_pages);
    g_autoptr(PangoLayout) left = text_layout (context, counts, BODY_FONT, FALSE, content / 2, PANGO_ALIGN_LEFT);
    g_autoptr(PangoLayout) right = text_layout (context, _("Trainer’s signature: ______________"), BODY_FONT, FALSE,
                                                content / 2, PANGO_ALIGN_RIGHT);
    g_autoptr(PangoLayout) number = text_layout (context, page_text, 8, FALSE, content, PANGO_ALIGN_CENTER);
    double number_y = bottom - layout_height (number);
    double line_y = number_y - 10 - layout_height (left);

    show (cr, left, MARGIN, line_y);
    show (cr, right, MARGIN + content / 2, line_y);
    show (cr, number, MARGIN, number_y);
  }
  cairo_restore (cr);
  g_object_unref (context);
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
st_signin_sheet_write_pdf (StSigninSheet  *sheet,
                           const char     *path,
                           GError        **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *title = g_strdup_printf ("%s %s %s", _("Sign-in Sheet"), sheet->class_name, sheet->date);
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  int n_pages;

  g_return_val_if_fail (sheet != NULL, FALSE);

  surface = cairo_pdf_surface_create_for_stream (append_bytes, bytes, A4_WIDTH, A4_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Shuangti " PACKAGE_VERSION);
  cr = cairo_create (surface);
  n_pages = st_signin_sheet_paginate (sheet, A4_WIDTH, A4_HEIGHT);
  for (int page = 0; page < n_pages; page++)
    {
      st_signin_sheet_draw_page (sheet, cr, page);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write “%s”: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  return g_file_set_contents_full (path, (const char *) bytes->data, bytes->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}
