/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-doc"

#include "config.h"

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "st-doc.h"
#include "st-participant.h"

gboolean
st_doc_ui_is_chinese (void)
{
  const char *const *languages = g_get_language_names ();

  return languages[0] != NULL && g_str_has_prefix (languages[0], "zh");
}

PangoContext *
st_doc_context_new (cairo_t *cr)
{
  PangoContext *context;
  cairo_font_options_t *options = cairo_font_options_create ();

  if (cr != NULL)
    context = pango_cairo_create_context (cr);
  else
    context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  /* Points as cairo's unit, and no hinting: metrics then do not depend on
   * the surface, so a measuring pass lays out as the drawing does. */
  pango_cairo_context_set_resolution (context, 72);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  return context;
}

PangoLayout *
st_doc_text (PangoContext   *context,
             const char     *text,
             double          size,
             gboolean        bold,
             double          width,
             PangoAlignment  alignment)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *font = pango_font_description_new ();

  pango_font_description_set_family (font, ST_DOC_FONT_FAMILY);
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
  if (!st_doc_ui_is_chinese ())
    {
      /* Noto Sans CJK SC draws ’ “ ” full width, as Chinese text wants them;
       * in English they would gape ("quarter’ s"). */
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_font_features_new ("pwid"));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

double
st_doc_min_text_width (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_set_width (layout, 1);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_get_extents (layout, NULL, &logical);
  return pango_units_to_double (logical.width);
}

double
st_doc_layout_height (PangoLayout *layout)
{
  int width, height;

  pango_layout_get_size (layout, &width, &height);
  return pango_units_to_double (height);
}

void
st_doc_show (cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y)
{
  if (cr == NULL)
    return;
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* Translations are longer or shorter than English, so the columns are
 * measured, not tuned: a narrow column ("Attenda-nces") takes what it
 * lacks from the columns wider than they need, in proportion to what
 * each can spare. */
void
st_doc_column_widths (guint         n,
                      const double *weights,
                      const double *min,
                      double        width,
                      double       *widths)
{
  double sum = 0, excess = -width, slack = 0;

  for (guint c = 0; c < n; c++)
    sum += weights[c];
  for (guint c = 0; c < n; c++)
    {
      widths[c] = MAX (width * weights[c] / sum, min[c]);
      excess += widths[c];
      slack += widths[c] - min[c];
    }
  if (excess <= 0.01)
    return;
  if (slack < excess)
    {
      for (guint c = 0; c < n; c++)
        widths[c] = width * weights[c] / sum;
      return;
    }
  for (guint c = 0; c < n; c++)
    widths[c] -= excess * (widths[c] - min[c]) / slack;
}

static cairo_status_t
discard_bytes (void                *closure,
               const unsigned char *data,
               unsigned int         length)
{
  return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

cairo_surface_t *
st_doc_pdf_new (GByteArray *bytes,
                const char *title)
{
  cairo_surface_t *surface;

  surface = cairo_pdf_surface_create_for_stream (bytes != NULL ? append_bytes : discard_bytes, bytes,
                                                 ST_DOC_A4_WIDTH, ST_DOC_A4_HEIGHT);
  if (title != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Shuangti " PACKAGE_VERSION);
  return surface;
}

gboolean
st_doc_pdf_save (cairo_surface_t  *surface,
                 GByteArray       *bytes,
                 const char       *path,
                 GError          **error)
{
  cairo_status_t status;

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

void
st_doc_table_row (const StDocTable   *table,
                  cairo_t            *cr,
                  PangoContext       *context,
                  const char *const  *texts,
                  double              y,
                  gboolean            header)
{
  double height = header ? table->header_height : table->row_height;
  double x = table->x;

  for (guint c = 0; c < table->n_columns; c++)
    {
      double width = table->widths[c];
      PangoAlignment alignment = !header && (table->left & (1u << c)) ? PANGO_ALIGN_LEFT : PANGO_ALIGN_CENTER;
      g_autoptr(PangoLayout) layout = st_doc_text (context, texts[c], header ? table->size : table->size + 0.5,
                                                   header, width - 6, alignment);
      double text_height;

      pango_layout_set_height (layout, -2);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      text_height = st_doc_layout_height (layout);
      if (header)
        {
          cairo_set_source_rgb (cr, 0.90, 0.90, 0.90);
          cairo_rectangle (cr, x, y, width, height);
          cairo_fill (cr);
        }
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_set_line_width (cr, 0.6);
      cairo_rectangle (cr, x, y, width, height);
      cairo_stroke (cr);
      st_doc_show (cr, layout, x + 3, y + (height - text_height) / 2);
      x += width;
    }
}

/* Sets how many rows fit on a page between the table's top and @bottom (at
 * least one); returns how many pages its rows take (at least one). */
static int
st_doc_table_paginate (StDocTable *table,
                       double      bottom)
{
  table->rows_per_page = MAX (1, (int) ((bottom - table->top - table->header_height) / table->row_height));
  return MAX (1, (table->n_rows + table->rows_per_page - 1) / table->rows_per_page);
}

/* Draws @page of @table under the column titles @header; a table without
 * rows says @none (at @none_size, centred on @width) below its header row.
 * Returns the y below what it drew. */
static double
st_doc_table_draw_page (const StDocTable  *table,
                        cairo_t           *cr,
                        PangoContext      *context,
                        const char *const *header,
                        int                page,
                        const char        *none,
                        double             none_size,
                        double             width)
{
  g_autofree const char **cells = g_new0 (const char *, table->n_columns);
  int first = page * table->rows_per_page;
  int last = MIN (table->n_rows, first + table->rows_per_page);
  double y = table->top;

  st_doc_table_row (table, cr, context, header, y, TRUE);
  y += table->header_height;
  for (int i = first; i < last; i++)
    {
      char number[16];

      for (guint c = 0; c < table->n_columns; c++)
        cells[c] = "";
      g_snprintf (number, sizeof number, "%d", i + 1);
      cells[0] = number;
      table->row_cells (table->doc, i, cells);
      st_doc_table_row (table, cr, context, cells, y, FALSE);
      y += table->row_height;
    }
  if (table->n_rows == 0)
    {
      g_autoptr(PangoLayout) layout = st_doc_text (context, none, none_size, FALSE, width, PANGO_ALIGN_CENTER);

      st_doc_show (cr, layout, table->x, y + 10);
    }
  return y;
}

/* What a footer takes: a line of text at @size, then the page number. */
static double
st_doc_footer_height (PangoContext *context,
                      double        size)
{
  g_autoptr(PangoLayout) probe = st_doc_text (context, "0", size, FALSE, 0, PANGO_ALIGN_LEFT);
  g_autoptr(PangoLayout) small = st_doc_text (context, "0", 8, FALSE, 0, PANGO_ALIGN_LEFT);

  return 10 + st_doc_layout_height (probe) + 10 + st_doc_layout_height (small);
}

/* "Page 1 of 2" (@page counts from 0) in small type, centred on @width:
 * the last line of a page. */
static PangoLayout *
st_doc_page_number (PangoContext *context,
                    int           page,
                    int           n_pages,
                    double        width)
{
  g_autofree char *text = g_strdup_printf (_("Page %d of %d"), page + 1, n_pages);

  return st_doc_text (context, text, 8, FALSE, width, PANGO_ALIGN_CENTER);
}

struct _StDocSheet
{
  const StDocSheetKind *kind;
  gpointer              doc;
  int                   n_rows;
  char                 *title;

  /* From st_doc_sheet_paginate (). */
  double                width;
  double                height;
  double                widths[ST_DOC_SHEET_MAX_COLUMNS];
  StDocTable            table;
  int                   n_pages;        /* 0 until paginated */
};

StDocSheet *
st_doc_sheet_new (const StDocSheetKind *kind,
                  gpointer              doc,
                  int                   n_rows,
                  const char           *title)
{
  StDocSheet *sheet;

  g_return_val_if_fail (kind->n_columns <= ST_DOC_SHEET_MAX_COLUMNS, NULL);
  sheet = g_new0 (StDocSheet, 1);
  sheet->kind = kind;
  sheet->doc = doc;
  sheet->n_rows = n_rows;
  sheet->title = g_strdup (title);
  return sheet;
}

void
st_doc_sheet_free (StDocSheet *sheet)
{
  if (sheet == NULL)
    return;
  sheet->kind->free (sheet->doc);
  g_free (sheet->title);
  g_free (sheet);
}

int
st_doc_sheet_get_n_rows (StDocSheet *sheet)
{
  return sheet->n_rows;
}

int
st_doc_sheet_paginate (StDocSheet *sheet,
                       double      width,
                       double      height)
{
  const StDocSheetKind *kind = sheet->kind;
  PangoContext *context = st_doc_context_new (NULL);
  const char *header[ST_DOC_SHEET_MAX_COLUMNS];
  const char *cells[ST_DOC_SHEET_MAX_COLUMNS];
  double min[ST_DOC_SHEET_MAX_COLUMNS];
  double content = width - 2 * kind->margin;

  g_return_val_if_fail (kind->n_columns <= ST_DOC_SHEET_MAX_COLUMNS, 0);

  kind->headers (header);
  for (guint c = 0; c < kind->n_columns; c++)
    {
      g_autoptr(PangoLayout) layout = st_doc_text (context, header[c], kind->size, TRUE, 0, PANGO_ALIGN_LEFT);

      min[c] = st_doc_min_text_width (layout);
    }
  /* Cells that keep to one line (sex, an ID or phone number) widen their
   * column; names and villages may take two lines. */
  for (int i = 0; kind->unbroken != 0 && i < sheet->n_rows; i++)
    {
      for (guint c = 0; c < kind->n_columns; c++)
        cells[c] = "";
      kind->row_cells (sheet->doc, i, cells);
      for (guint c = 0; c < kind->n_columns; c++)
        if (kind->unbroken & (1u << c))
          {
            g_autoptr(PangoLayout) layout = st_doc_text (context, cells[c], kind->size + 0.5, FALSE, 0,
                                                         PANGO_ALIGN_LEFT);

            min[c] = MAX (min[c], st_doc_min_text_width (layout));
          }
    }
  for (guint c = 0; c < kind->n_columns; c++)
    min[c] += 8;
  st_doc_column_widths (kind->n_columns, kind->weights, min, content, sheet->widths);

  sheet->width = width;
  sheet->height = height;
  sheet->table = (StDocTable) {
    .n_columns = kind->n_columns, .widths = sheet->widths, .x = kind->margin,
    .top = kind->header_block (sheet->doc, context, NULL, width),
    .header_height = kind->header_height, .row_height = kind->row_height, .size = kind->size,
    .left = kind->left, .row_cells = kind->row_cells, .doc = sheet->doc, .n_rows = sheet->n_rows,
  };
  sheet->n_pages = st_doc_table_paginate (&sheet->table,
                                          height - kind->margin - st_doc_footer_height (context, kind->footer_size));
  g_object_unref (context);
  return sheet->n_pages;
}

void
st_doc_sheet_draw_page (StDocSheet *sheet,
                        cairo_t    *cr,
                        int         page)
{
  const StDocSheetKind *kind = sheet->kind;
  const char *header[ST_DOC_SHEET_MAX_COLUMNS];
  g_autofree char *left_text = NULL, *right_text = NULL;
  PangoContext *context;
  double content;

  g_return_if_fail (cr != NULL);
  if (sheet->n_pages == 0)
    st_doc_sheet_paginate (sheet, ST_DOC_A4_WIDTH, ST_DOC_A4_HEIGHT);
  g_return_if_fail (page >= 0 && page < sheet->n_pages);

  kind->headers (header);
  context = st_doc_context_new (cr);
  content = sheet->width - 2 * kind->margin;
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  kind->header_block (sheet->doc, context, cr, sheet->width);
  st_doc_table_draw_page (&sheet->table, cr, context, header, page, _(kind->none), kind->footer_size, content);

  /* The footer line above the page number. */
  kind->footer (sheet->doc, &left_text, &right_text);
  {
    double half = right_text != NULL ? content / 2 : content;
    g_autoptr(PangoLayout) left = st_doc_text (context, left_text, kind->footer_size, FALSE, half, PANGO_ALIGN_LEFT);
    g_autoptr(PangoLayout) number = st_doc_page_number (context, page, sheet->n_pages, content);
    double number_y = sheet->height - kind->margin - st_doc_layout_height (number);
    double line_y = number_y - 10 - st_doc_layout_height (left);

    st_doc_show (cr, left, kind->margin, line_y);
    if (right_text != NULL)
      {
        g_autoptr(PangoLayout) right = st_doc_text (context, right_text, kind->footer_size, FALSE, half,
                                                    PANGO_ALIGN_RIGHT);

        st_doc_show (cr, right, kind->margin + half, line_y);
      }
    st_doc_show (cr, number, kind->margin, number_y);
  }
  cairo_restore (cr);
  g_object_unref (context);
}

gboolean
st_doc_sheet_write_pdf (StDocSheet  *sheet,
                        const char  *path,
                        GError     **error)
{
  return st_doc_write_pdf (sheet, sheet->title, (int (*) (gpointer, double, double)) st_doc_sheet_paginate,
                           (void (*) (gpointer, cairo_t *, int)) st_doc_sheet_draw_page, path, error);
}

gboolean
st_doc_write_pdf (gpointer     doc,
                  const char  *title,
                  int        (*paginate) (gpointer, double, double),
                  void       (*draw_page) (gpointer, cairo_t *, int),
                  const char  *path,
                  GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface = st_doc_pdf_new (bytes, title);
  cairo_t *cr = cairo_create (surface);
  int n_pages = paginate (doc, ST_DOC_A4_WIDTH, ST_DOC_A4_HEIGHT);

  for (int page = 0; page < n_pages; page++)
    {
      draw_page (doc, cr, page);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  return st_doc_pdf_save (surface, bytes, path, error);
}

void
st_doc_order_init (StDocOrder *order,
                   const char *village_code,
                   const char *village,
                   const char *name)
{
  order->village_code = g_strdup (village_code);
  order->village_key = g_utf8_collate_key (village ? village : "", -1);
  order->name_key = g_utf8_collate_key (name ? name : "", -1);
}

void
st_doc_order_clear (StDocOrder *order)
{
  g_clear_pointer (&order->village_code, g_free);
  g_clear_pointer (&order->village_key, g_free);
  g_clear_pointer (&order->name_key, g_free);
}

void
st_doc_person_read (StDocPerson  *person,
                    sqlite3_stmt *stmt)
{
  const char *name = (const char *) sqlite3_column_text (stmt, 0);
  const char *village = (const char *) sqlite3_column_text (stmt, 3);

  person->name = g_strdup (name ? name : "");
  person->sex = g_strdup (st_sex_to_display (sqlite3_column_int (stmt, 1)));
  person->village = g_strdup (village ? village : "");
  st_doc_order_init (&person->order, (const char *) sqlite3_column_text (stmt, 2), person->village, person->name);
}

void
st_doc_person_clear (StDocPerson *person)
{
  g_clear_pointer (&person->name, g_free);
  g_clear_pointer (&person->sex, g_free);
  g_clear_pointer (&person->village, g_free);
  st_doc_order_clear (&person->order);
}

void
st_doc_person_headers (const char **header)
{
  header[0] = _("No.");
  header[1] = _("Name");
  header[2] = _("Sex");
  header[3] = _("Village");
}

void
st_doc_person_cells (const StDocPerson  *person,
                     const char        **cells)
{
  cells[1] = person->name;
  cells[2] = person->sex;
  cells[3] = person->village;
}

int
st_doc_order_compare (const StDocOrder *a,
                      const StDocOrder *b)
{
  int cmp;

  if ((a->village_code == NULL) != (b->village_code == NULL))
    return a->village_code == NULL ? 1 : -1;
  if ((cmp = g_strcmp0 (a->village_code, b->village_code)) != 0)
    return cmp;
  if ((cmp = strcmp (a->village_key, b->village_key)) != 0)
    return cmp;
  return strcmp (a->name_key, b->name_key);
}
