/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Page layout for the documents the core prints: the quarterly report
 * (st-report-pdf.c), the sign-in sheet (st-signin.c), the visit list
 * (st-visit-sheet.c) and the certificates (st-certificate-doc.c). Units are points; text is Noto Sans CJK SC set
 * by pango, and measures the same on paper as off it, so that a document
 * can be laid out once to count its pages and again to draw them. */
#pragma once

#include <cairo.h>
#include <pango/pango.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define ST_DOC_FONT_FAMILY "Noto Sans CJK SC"
#define ST_DOC_A4_WIDTH 595.276
#define ST_DOC_A4_HEIGHT 841.89

/* TRUE when the UI language is Chinese: the typography follows it. */
gboolean         st_doc_ui_is_chinese     (void);

/* A context with points as the unit and no hinting, for drawing on @cr,
 * or for measuring alone when @cr is NULL. */
PangoContext    *st_doc_context_new       (cairo_t         *cr);

/* @text (NULL: none) at @size points; wrapped at @width points unless
 * @width is 0. */
PangoLayout     *st_doc_text              (PangoContext    *context,
                                           const char      *text,
                                           double           size,
                                           gboolean         bold,
                                           double           width,
                                           PangoAlignment   alignment);
/* The widest piece of @layout that cannot be broken: the narrowest its
 * column may be without breaking inside a word. Leaves @layout unwrapped. */
double           st_doc_min_text_width    (PangoLayout     *layout);
double           st_doc_layout_height     (PangoLayout     *layout);
/* Draws @layout with its top left at @x, @y; nothing when @cr is NULL
 * (measuring). */
void             st_doc_show              (cairo_t         *cr,
                                           PangoLayout     *layout,
                                           double           x,
                                           double           y);

/* Widths of @n columns that add up to @width: by @weights, but none
 * narrower than its @min (where a word of it would break) while another
 * column has room to give; by the weights alone when even the narrowest
 * do not fit. */
void             st_doc_column_widths     (guint            n,
                                           const double    *weights,
                                           const double    *min,
                                           double           width,
                                           double          *widths);

/* The cells of body row @i of a ruled table, into @cells (strings that
 * live until the next call); the first cell is the row's number, already
 * set. */
typedef void (*StDocRowCells) (gpointer     doc,
                               int          i,
                               const char **cells);

/* A ruled table: columns of @widths from @x, a header row of
 * @header_height, rows of @row_height. On a sheet (below) it runs over
 * pages below a header block every page repeats, its rows' cells from
 * @row_cells. */
typedef struct
{
  guint          n_columns;
  const double  *widths;
  double         x;
  double         top;             /* of the header row, below the block */
  double         header_height;
  double         row_height;
  double         size;            /* of the text */
  guint          left;            /* bit c: column c is aligned left */
  StDocRowCells  row_cells;
  gpointer       doc;
  int            n_rows;
  int            rows_per_page;   /* from st_doc_table_paginate () */
} StDocTable;

/* One row of @table, its top at @y: its header row (grey, bold, @size
 * points, of @header_height) or a body row (@size + 0.5: handwriting sits
 * beside it; of @row_height). Each text at most two lines (cut short
 * after), centred, or left-aligned in a body row where bit c of @left is
 * set. */
void             st_doc_table_row         (const StDocTable   *table,
                                           cairo_t            *cr,
                                           PangoContext       *context,
                                           const char *const  *texts,
                                           double              y,
                                           gboolean            header);

/* The most columns a sheet may have. */
#define ST_DOC_SHEET_MAX_COLUMNS 12

/* What a kind of sheet is: a header block every page repeats, a ruled
 * table whose first column numbers the rows, a footer line and the page
 * number (the sign-in sheet, the visit list). */
typedef struct
{
  guint          n_columns;
  const double  *weights;         /* of the columns' widths */
  guint          unbroken;        /* bit c: column c's cells keep to one line */
  guint          left;            /* bit c: column c is aligned left */
  double         margin;
  double         header_height;   /* of the table's header row */
  double         row_height;
  double         size;            /* of the table's text */
  double         footer_size;     /* of the footer line and of @none */
  const char    *none;            /* N_(): what a sheet without rows says */
  /* The column titles, into @header. */
  void         (*headers)      (const char **header);
  /* Draws the header block on @cr (NULL: measures it) for a page @width
   * wide; returns the y below it. */
  double       (*header_block) (gpointer      doc,
                                PangoContext *context,
                                cairo_t      *cr,
                                double        width);
  /* The footer line: @left, and @right (NULL: none; @left then takes the
   * whole width). Both are freed by the caller. */
  void         (*footer)       (gpointer      doc,
                                char        **left,
                                char        **right);
  StDocRowCells  row_cells;
  GDestroyNotify free;            /* of the doc */
} StDocSheetKind;

typedef struct _StDocSheet StDocSheet;

/* A sheet of @kind that shows @doc (it takes it), of @n_rows rows; @title
 * is its PDF's. */
StDocSheet      *st_doc_sheet_new         (const StDocSheetKind *kind,
                                           gpointer            doc,
                                           int                 n_rows,
                                           const char         *title);
void             st_doc_sheet_free        (StDocSheet         *sheet);
int              st_doc_sheet_get_n_rows  (StDocSheet         *sheet);
/* Lays @sheet out on pages of @width × @height points (A4 = 595 × 842):
 * its columns as wide as their titles and unbroken cells need, by the
 * kind's weights otherwise. Returns how many pages it takes. For
 * GtkPrintOperation, use GTK_UNIT_POINTS and the print context's size. */
int              st_doc_sheet_paginate    (StDocSheet         *sheet,
                                           double              width,
                                           double              height);
/* Draws @page (0-based) of @sheet on @cr, in points from its origin, for
 * PDF files and GtkPrintOperation alike (laid out on A4 first if it is
 * not yet). */
void             st_doc_sheet_draw_page   (StDocSheet         *sheet,
                                           cairo_t            *cr,
                                           int                 page);
/* @sheet as an A4 PDF at @path, replaced atomically (st_doc_write_pdf ()). */
gboolean         st_doc_sheet_write_pdf   (StDocSheet         *sheet,
                                           const char         *path,
                                           GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StDocSheet, st_doc_sheet_free)

/* Where a person stands on a printed list (the sign-in sheet, the visit
 * list, and the attendance sheet that follows the sign-in sheet): villages
 * of the official list by code, those typed by hand after them, each by its
 * name, then people by name, both collated for the UI locale. Lists break
 * ties their own way. */
typedef struct
{
  char *village_code;   /* NULL: a village typed by hand */
  char *village_key;
  char *name_key;
} StDocOrder;

/* Fills @order for a person of @name (NULL as "") in @village (NULL as
 * "") of official code @village_code (NULL: none). */
void             st_doc_order_init        (StDocOrder         *order,
                                           const char         *village_code,
                                           const char         *village,
                                           const char         *name);
void             st_doc_order_clear       (StDocOrder         *order);
/* Negative, 0 or positive as @a stands before, with or after @b. */
int              st_doc_order_compare     (const StDocOrder   *a,
                                           const StDocOrder   *b);

/* A person on a printed list: the name, sex and village its cells show,
 * and where the person stands. */
typedef struct
{
  char       *name;
  char       *sex;
  char       *village;
  StDocOrder  order;
} StDocPerson;

/* The columns st_doc_person_read () reads, first in a SELECT from
 * participants p joined with ST_DOC_PERSON_JOIN. */
#define ST_DOC_PERSON_COLUMNS "p.name, p.sex, v.code, coalesce (v.short_name, p.village_name, '')"
#define ST_DOC_PERSON_JOIN " LEFT JOIN divisions v ON v.code = p.village_code"
#define ST_DOC_PERSON_N_COLUMNS 4

/* @person from the first columns of @stmt (ST_DOC_PERSON_COLUMNS). */
void             st_doc_person_read       (StDocPerson        *person,
                                           sqlite3_stmt       *stmt);
void             st_doc_person_clear      (StDocPerson        *person);
/* A sheet's first columns: the row number's and the person's titles into
 * @header[0…3], the person's cells into @cells[1…3]. */
void             st_doc_person_headers    (const char        **header);
void             st_doc_person_cells      (const StDocPerson  *person,
                                           const char        **cells);

/* A document of A4 pages as a PDF at @path: @paginate (@doc, width,
 * height) says how many pages, @draw_page (@doc, cr, page) draws each. */
gboolean         st_doc_write_pdf         (gpointer            doc,
                                           const char         *title,
                                           int               (*paginate) (gpointer, double, double),
                                           void              (*draw_page) (gpointer, cairo_t *, int),
                                           const char         *path,
                                           GError            **error);

/* An A4 PDF surface whose bytes go to @bytes, or nowhere when @bytes is
 * NULL (a pass that only counts pages). @title may be NULL. */
cairo_surface_t *st_doc_pdf_new           (GByteArray      *bytes,
                                           const char      *title);
/* Finishes and destroys @surface, then replaces @path with @bytes
 * atomically. */
gboolean         st_doc_pdf_save          (cairo_surface_t *surface,
                                           GByteArray      *bytes,
                                           const char      *path,
                                           GError         **error);

G_END_DECLS
