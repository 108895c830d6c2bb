/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The quarterly report as an A4 PDF: title, tables, the chart of progress
 * against target, notes; a footer on every page says what counts as
 * finished for funding. */
#define G_LOG_DOMAIN "st-report"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "st-bar-chart.h"
#include "st-doc.h"
#include "st-report-private.h"

#define MARGIN 50.0
#define TABLE_FONT 8.5
#define TABLE_PAD_X 3.0
#define TABLE_PAD_Y 3.5
#define MAX_COLUMNS 10

typedef struct
{
  StReport     *report;
  cairo_t      *cr;
  PangoContext *pango;
  double        left;
  double        right;
  double        top;
  double        bottom;     /* where the footer begins */
  double        y;          /* where the next block goes */
  int           page;       /* 1-based */
  int           n_pages;    /* 0 in the measuring pass */
  char         *footer;
  char         *running_head;
  int           print_page; /* 1-based: draw this page only (printing); 0: every page */
} Doc;

typedef struct
{
  guint      n_columns;
  double     weights[MAX_COLUMNS];
  GPtrArray *cells;        /* char *, row by row; the first row is the header */
  gboolean   total_row;    /* the last row is a total: bold */
} Table;

/* Footer and running head of the current page; the footer says what counts
 * as finished for funding, on every page, as the brief of a report to the
 * county and prefecture needs it wherever the funding figure is read. */
static void
doc_page_start (Doc *doc)
{
  double width = doc->right - doc->left;
  g_autofree char *page_text = g_strdup_printf (_("Page %d of %d"), doc->page,
                                                doc->n_pages > 0 ? doc->n_pages : doc->page);
  g_autoptr(PangoLayout) footer = st_doc_text (doc->pango, doc->footer, 7, FALSE, width, PANGO_ALIGN_LEFT);
  g_autoptr(PangoLayout) number = st_doc_text (doc->pango, page_text, 8, FALSE, width, PANGO_ALIGN_CENTER);
  double number_y = ST_DOC_A4_HEIGHT - 30 - st_doc_layout_height (number);
  double footer_y = number_y - 4 - st_doc_layout_height (footer);

  cairo_save (doc->cr);
  cairo_set_source_rgb (doc->cr, 0.35, 0.35, 0.35);
  cairo_set_line_width (doc->cr, 0.5);
  cairo_move_to (doc->cr, doc->left, footer_y - 4);
  cairo_line_to (doc->cr, doc->right, footer_y - 4);
  cairo_stroke (doc->cr);
  st_doc_show (doc->cr, footer, doc->left, footer_y);
  st_doc_show (doc->cr, number, doc->left, number_y);
  if (doc->page > 1)
    {
      g_autoptr(PangoLayout) head = st_doc_text (doc->pango, doc->running_head, 7.5, FALSE, width, PANGO_ALIGN_RIGHT);

      st_doc_show (doc->cr, head, doc->left, 28);
    }
  cairo_restore (doc->cr);

  doc->bottom = footer_y - 12;
  doc->y = doc->top;
}

/* The end of a page: the next one on a PDF; when printing one page, the
 * others are drawn into a group that is thrown away. */
static void
doc_page_end (Doc      *doc,
              gboolean  last)
{
  if (doc->print_page == 0)
    cairo_show_page (doc->cr);
  else if (doc->page == doc->print_page)
    {
      if (!last)
        cairo_push_group (doc->cr);
    }
  else
    {
      cairo_pattern_destroy (cairo_pop_group (doc->cr));
      if (!last && doc->page + 1 != doc->print_page)
        cairo_push_group (doc->cr);
    }
}

static void
doc_page_break (Doc *doc)
{
  doc_page_end (doc, FALSE);
  doc->page++;
  doc_page_start (doc);
}

/* Moves to a new page unless @height still fits on this one. */
static void
doc_need (Doc    *doc,
          double  height)
{
  if (doc->y + height > doc->bottom && doc->y > doc->top)
    doc_page_break (doc);
}

static void
doc_paragraph (Doc            *doc,
               const char     *text,
               double          size,
               gboolean        bold,
               PangoAlignment  alignment,
               double          space_after)
{
  g_autoptr(PangoLayout) layout = st_doc_text (doc->pango, text, size, bold, doc->right - doc->left, alignment);
  double height = st_doc_layout_height (layout);

  doc_need (doc, height);
  st_doc_show (doc->cr, layout, doc->left, doc->y);
  doc->y += height + space_after;
}

/* A heading is kept with at least @keep points of what follows it. */
static void
doc_heading (Doc        *doc,
             const char *text,
             double      keep)
{
  g_autoptr(PangoLayout) layout = st_doc_text (doc->pango, text, 11.5, TRUE, doc->right - doc->left, PANGO_ALIGN_LEFT);
  double height = st_doc_layout_height (layout);

  doc->y += 6;
  doc_need (doc, height + 6 + keep);
  st_doc_show (doc->cr, layout, doc->left, doc->y);
  doc->y += height + 6;
}

static Table *
table_new (guint               n_columns,
           const double       *weights,
           const char *const  *header)
{
  Table *t = g_new0 (Table, 1);

  g_assert (n_columns <= MAX_COLUMNS);
  t->n_columns = n_columns;
  t->cells = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_columns; i++)
    {
      t->weights[i] = weights[i];
      g_ptr_array_add (t->cells, g_strdup (header[i]));
    }
  return t;
}

static void
table_free (Table *t)
{
  g_ptr_array_unref (t->cells);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

/* Appends a row of n_columns strings, which the table takes. */
static void
table_add (Table *t,
           ...)
{
  va_list args;

  va_start (args, t);
  for (guint i = 0; i < t->n_columns; i++)
    g_ptr_array_add (t->cells, va_arg (args, char *));
  va_end (args);
}

static guint
table_rows (const Table *t)
{
  return t->cells->len / t->n_columns;
}


static gboolean
row_is_bold (const Table *t,
             guint        row)
{
  return row == 0 || (t->total_row && row == table_rows (t) - 1);
}

static PangoLayout *
cell_layout (Doc         *doc,
             const Table *t,
             guint        row,
             guint        column,
             double       width)
{
  const char *text = g_ptr_array_index (t->cells, row * t->n_columns + column);

  /* The first column names the row; figures are centred, as county
   * statistical tables have them. */
  return st_doc_text (doc->pango, text, TABLE_FONT, row_is_bold (t, row), width - 2 * TABLE_PAD_X,
                   column == 0 && row > 0 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_CENTER);
}

/* Column widths: by the table's weights, but never so narrow that a word
 * of a cell must break (“Attenda-nces”) while another column has room to
 * give; translations are longer or shorter than English, so this is
 * measured, not tuned. */
static void
table_widths (Doc         *doc,
              const Table *t,
              double       width,
              double      *widths)
{
  double min[MAX_COLUMNS];

  for (guint c = 0; c < t->n_columns; c++)
    {
      min[c] = 0;
      for (guint r = 0; r < table_rows (t); r++)
        {
          g_autoptr(PangoLayout) layout = cell_layout (doc, t, r, c, width);

          min[c] = MAX (min[c], st_doc_min_text_width (layout) + 2 * TABLE_PAD_X + 1);
        }
    }
  st_doc_column_widths (t->n_columns, t->weights, min, width, widths);
}

static double
row_height (Doc         *doc,
            const Table *t,
            guint        row,
            const double *widths)
{
  double height = 0;

  for (guint c = 0; c < t->n_columns; c++)
    {
      g_autoptr(PangoLayout) layout = cell_layout (doc, t, row, c, widths[c]);

      height = MAX (height, st_doc_layout_height (layout));
    }
  return height + 2 * TABLE_PAD_Y;
}

static double
table_height (Doc         *doc,
              const Table *t,
              double       width)
{
  double widths[MAX_COLUMNS];
  double height = 0;

  table_widths (doc, t, width, widths);
  for (guint r = 0; r < table_rows (t); r++)
    height += row_height (doc, t, r, widths);
  return height;
}

static void
draw_row (Doc          *doc,
          const Table  *t,
          guint         row,
          double        x,
          const double *widths,
          double        height)
{
  cairo_t *cr = doc->cr;
  double cx = x;

  cairo_save (cr);
  for (guint c = 0; c < t->n_columns; c++)
    {
      g_autoptr(PangoLayout) layout = cell_layout (doc, t, row, c, widths[c]);
      double text_height = st_doc_layout_height (layout);

      if (row == 0 || row_is_bold (t, row))
        {
          cairo_rectangle (cr, cx, doc->y, widths[c], height);
          if (row == 0)
            cairo_set_source_rgb (cr, 0.87, 0.90, 0.94);
          else
            cairo_set_source_rgb (cr, 0.95, 0.95, 0.95);
          cairo_fill (cr);
        }
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      cairo_set_line_width (cr, 0.5);
      cairo_rectangle (cr, cx, doc->y, widths[c], height);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      st_doc_show (doc->cr, layout, cx + TABLE_PAD_X, doc->y + (height - text_height) / 2);
      cx += widths[c];
    }
  cairo_restore (cr);
}

/* Draws @t at @x, @width wide, from doc->y on; a table that does not fit
 * goes on over the next pages with its header row again. */
static void
draw_table (Doc         *doc,
            const Table *t,
            double       x,
            double       width)
{
  double widths[MAX_COLUMNS];
  double header_height;
  gboolean header_drawn = FALSE;

  table_widths (doc, t, width, widths);
  header_height = row_height (doc, t, 0, widths);
  for (guint r = 1; r < table_rows (t); r++)
    {
      double height = row_height (doc, t, r, widths);

      if (header_drawn && doc->y + height > doc->bottom)
        {
          doc_page_break (doc);
          header_drawn = FALSE;
        }
      if (!header_drawn)
        {
          doc_need (doc, header_height + height);
          draw_row (doc, t, 0, x, widths, header_height);
          doc->y += header_height;
          header_drawn = TRUE;
        }
      draw_row (doc, t, r, x, widths, height);
      doc->y += height;
    }
  if (!header_drawn)
    {
      doc_need (doc, header_height);
      draw_row (doc, t, 0, x, widths, header_height);
      doc->y += header_height;
    }
}

/* Two tables side by side when both fit on a page, else one after the
 * other. */
static void
draw_table_pair (Doc         *doc,
                 const Table *a,
                 const Table *b)
{
  double gap = 16;
  double width = (doc->right - doc->left - gap) / 2;
  double height = MAX (table_height (doc, a, width), table_height (doc, b, width));

  if (height <= doc->bottom - doc->top)
    {
      double start, end_a;

      doc_need (doc, height);
      start = doc->y;
      draw_table (doc, a, doc->left, width);
      end_a = doc->y;
      doc->y = start;
      draw_table (doc, b, doc->left + width + gap, width);
      doc->y = MAX (end_a, doc->y);
    }
  else
    {
      draw_table (doc, a, doc->left, doc->right - doc->left);
      doc->y += 10;
      draw_table (doc, b, doc->left, doc->right - doc->left);
    }
  doc->y += 12;
}

static PangoLayout *
chart_text (const char *text,
            gboolean    bold,
            gpointer    user_data)
{
  Doc *doc = user_data;

  return st_doc_text (doc->pango, text, 7, bold, 0, PANGO_ALIGN_LEFT);
}

/* Bars: cumulative participants at the end of each quarter, the quarter
 * reported on darker. Dashed line: the target in force then (the next one
 * due), as a step. */
static void
draw_chart (Doc    *doc,
            double  height)
{
  static const StBarChartStyle style = {
    .layout = chart_text,
    .bar = { 0.27, 0.47, 0.71, 1 },
    .current_bar = { 0.16, 0.33, 0.55, 1 },
    .target = { 0.80, 0.15, 0.15, 1 },
    .grid = { 0.82, 0.82, 0.82, 1 },
    .baseline = { 0.2, 0.2, 0.2, 1 },
    .axis_text = { 0.25, 0.25, 0.25, 1 },
    .text = { 0, 0, 0, 1 },
    .muted_text = { 0.35, 0.35, 0.35, 1 },
    .grid_width = 0.4,
    .bar_share = 0.58,
    .bar_max = 40,
    .target_style = ST_BAR_CHART_TARGET_STEP,
    .target_width = 1.5,
    .axis_gap = 4,
    .value_gap = 1,
    .label_gap = 3,
  };
  StBarChartStyle doc_style = style;
  StReport *r = doc->report;
  cairo_t *cr = doc->cr;
  double width = doc->right - doc->left;
  g_autoptr(PangoLayout) title = st_doc_text (doc->pango, _("Cumulative participants at the end of each quarter"),
                                              9.5, TRUE, 0, PANGO_ALIGN_LEFT);
  double top = doc->y;
  double axis_width = 34;
  double plot_top = top + st_doc_layout_height (title) + 22;
  double plot_bottom = top + height - 26;
  cairo_rectangle_t plot = { doc->left + axis_width, plot_top, width - axis_width - 4, plot_bottom - plot_top };
  guint n = r->progress->len;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree StBarChartBar *bars = g_new0 (StBarChartBar, n);
  gboolean any_target = FALSE;

  for (guint i = 0; i < n; i++)
    {
      const Point *p = &g_array_index (r->progress, Point, i);
      char *q = g_strdup_printf (_("Q%d"), p->quarter.quarter);

      g_ptr_array_add (texts, q);
      bars[i].value = p->cumulative;
      bars[i].target = p->target;
      bars[i].label = q;
      bars[i].current = i == n - 1;
      if (i == 0 || p->quarter.quarter == 1)
        {
          char *year = g_strdup_printf ("%d", p->quarter.year);

          g_ptr_array_add (texts, year);
          bars[i].sublabel = year;
        }
      any_target |= p->target > 0;
    }

  cairo_save (cr);
  st_doc_show (cr, title, doc->left, top);

  /* Legend, right-aligned on the title's line. */
  {
    g_autoptr(PangoLayout) legend_bars = st_doc_text (doc->pango, _("Cumulative participants"), 7.5, FALSE, 0, PANGO_ALIGN_LEFT);
    g_autoptr(PangoLayout) legend_line = st_doc_text (doc->pango, _("Target in force"), 7.5, FALSE, 0, PANGO_ALIGN_LEFT);
    int w_bars, w_line, h_text;
    double x;

    pango_layout_get_pixel_size (legend_bars, &w_bars, &h_text);
    pango_layout_get_pixel_size (legend_line, &w_line, NULL);
    x = doc->right - w_bars - 14;
    if (any_target)
      x -= w_line + 34;
    cairo_set_source_rgb (cr, 0.27, 0.47, 0.71);
    cairo_rectangle (cr, x, top + 3, 9, 8);
    cairo_fill (cr);
    cairo_set_source_rgb (cr, 0, 0, 0);
    st_doc_show (cr, legend_bars, x + 12, top + 1);
    if (any_target)
      {
        double dashes[] = { 4, 2 };

        x += 12 + w_bars + 12;
        cairo_set_source_rgb (cr, 0.80, 0.15, 0.15);
        cairo_set_line_width (cr, 1.5);
        cairo_set_dash (cr, dashes, 2, 0);
        cairo_move_to (cr, x, top + 7);
        cairo_line_to (cr, x + 16, top + 7);
        cairo_stroke (cr);
        cairo_set_dash (cr, NULL, 0, 0);
        cairo_set_source_rgb (cr, 0, 0, 0);
        st_doc_show (cr, legend_line, x + 20, top + 1);
      }
  }

  doc_style.user_data = doc;
  st_bar_chart_draw (cr, &doc_style, &plot, bars, n);
  cairo_restore (cr);
  doc->y = top + height + 8;
}

static Table *
breakdown_table (const StReport *r,
                 Breakdown       b)
{
  static const double weights[] = { 3, 1.3, 1.3 };
  const char *header[] = { st_report_breakdown_title (b), _("Participants"), _("Share") };
  Table *t = table_new (3, weights, header);

  for (guint i = 0; i < r->breakdowns[b]->len; i++)
    {
      const Item *item = g_ptr_array_index (r->breakdowns[b], i);

      table_add (t, g_strdup (item->label), st_report_format_count (item->participants),
                 st_report_format_percent (item->participants, r->total.cumulative_participants));
    }
  return t;
}

static void
render_title (Doc *doc)
{
  StReport *r = doc->report;
  double width = doc->right - doc->left;
  g_autofree char *title = st_report_title (r);
  g_autofree char *period = st_report_period (r);
  g_autofree char *prepared = g_strdup_printf (_("Prepared on %s"), r->generated_on);
  g_autoptr(PangoLayout) office = NULL, date = NULL;

  doc_paragraph (doc, title, 16, TRUE, PANGO_ALIGN_CENTER, 6);
  doc_paragraph (doc, period, 11, FALSE, PANGO_ALIGN_CENTER, 10);
  office = st_doc_text (doc->pango, _("Reporting office (seal):"), 9, FALSE, width / 2, PANGO_ALIGN_LEFT);
  date = st_doc_text (doc->pango, prepared, 9, FALSE, width / 2, PANGO_ALIGN_RIGHT);
  st_doc_show (doc->cr, office, doc->left, doc->y);
  st_doc_show (doc->cr, date, doc->left + width / 2, doc->y);
  doc->y += st_doc_layout_height (office) + 4;
  cairo_set_line_width (doc->cr, 1);
  cairo_move_to (doc->cr, doc->left, doc->y);
  cairo_line_to (doc->cr, doc->right, doc->y);
  cairo_stroke (doc->cr);
  doc->y += 8;
}

/* 1: the totals, the targets and the chart of progress against them. */
static void
render_overview (Doc *doc)
{
  static const double weights[] = { 4, 1.6, 1.6 };
  StReport *r = doc->report;
  const Figures *f = &r->total;
  double width = doc->right - doc->left;
  gboolean county = r->township_code == NULL;
  const char *header[] = { _("Item"), _("This quarter"), _("Cumulative, by the quarter’s end") };
  g_autoptr(Table) t = table_new (3, weights, header);

  doc_heading (doc, _("1. Overall progress"), 120);
  table_add (t, g_strdup (_("Participants")), st_report_format_count (f->new_participants),
             st_report_format_count (f->cumulative_participants));
  table_add (t, g_strdup (_("Enrolments")), st_report_format_count (f->new_enrolments),
             st_report_format_count (f->cumulative_enrolments));
  table_add (t, g_strdup (_("Enrolments in study / graduated / completed / withdrawn at the quarter’s end")),
             g_strdup ("—"),
             g_strdup_printf ("%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT " / %" G_GINT64_FORMAT " / %" G_GINT64_FORMAT,
                              f->in_study, f->graduated, f->completed, f->withdrawn));
  table_add (t, g_strdup (_("Sessions held")), st_report_format_count (st_report_sum (f->sessions, N_MODES)),
             g_strdup ("—"));
  table_add (t, g_strdup (_("Session hours")), st_report_format_hours (st_report_sum (f->session_minutes, N_MODES)),
             g_strdup ("—"));
  table_add (t, g_strdup (_("Participant-hours attended")),
             st_report_format_hours (st_report_sum (f->attended_minutes, N_MODES)), g_strdup ("—"));
  table_add (t, g_strdup (_("Participants who finished training (for funding)")),
             st_report_format_count (f->finished_in_quarter), st_report_format_count (f->finished_cumulative));
  table_add (t, g_strdup (_("Funding due (yuan)")), st_report_format_yuan (r, f->finished_in_quarter),
             st_report_format_yuan (r, f->finished_cumulative));
  draw_table (doc, t, doc->left, width);
  doc->y += 12;

  if (county && r->targets->len > 0)
    {
      static const double target_weights[] = { 1.5, 1.3, 1.8, 1.3, 1.3 };
      const char *target_header[] = { _("Target date"), _("Target participants"), _("Cumulative participants"),
                                      _("Share of target"), _("Status") };
      g_autoptr(Table) targets = table_new (5, target_weights, target_header);

      for (guint i = 0; i < r->targets->len; i++)
        {
          const Target *target = &g_array_index (r->targets, Target, i);

          table_add (targets, g_strdup (target->date), st_report_format_count (target->participants),
                     st_report_format_count (target->achieved),
                     st_report_format_percent (target->achieved, target->participants),
                     g_strdup (st_report_target_status (r, target)));
        }
      draw_table (doc, targets, doc->left, width);
      doc->y += 12;
    }

  doc_need (doc, 220);
  draw_chart (doc, 210);
  if (!county)
    doc_paragraph (doc, _("The targets are the county’s; the county report compares them."), 8, FALSE,
                   PANGO_ALIGN_LEFT, 4);
}

typedef void (*TownshipRowFunc) (Table          *t,
                                 const StReport *r,
                                 const char     *name,
                                 const Figures  *x);

/* A row per township, then the county's total in bold; a township's
 * report has its one row and no total, which would repeat it. */
static void
add_township_rows (Table           *t,
                   const StReport  *r,
                   TownshipRowFunc  add_row)
{
  gboolean county = r->township_code == NULL;

  for (guint i = 0; i < r->townships->len; i++)
    {
      const Township *tw = g_ptr_array_index (r->townships, i);

      add_row (t, r, tw->name, &tw->f);
    }
  if (county)
    add_row (t, r, _("Total"), &r->total);
  t->total_row = county;
}

static void
enrolment_row (Table          *t,
               const StReport *r,
               const char     *name,
               const Figures  *x)
{
  table_add (t, g_strdup (name), st_report_format_count (x->new_enrolments),
             st_report_format_count (x->new_participants), st_report_format_count (x->cumulative_participants),
             st_report_format_count (x->in_study), st_report_format_count (x->graduated),
             st_report_format_count (x->completed), st_report_format_count (x->withdrawn));
}

static void
teaching_row (Table          *t,
              const StReport *r,
              const char     *name,
              const Figures  *x)
{
  table_add (t, g_strdup (name), st_report_format_count (st_report_sum (x->sessions, N_MODES)),
             st_report_format_hours (x->session_minutes[MODE_CONCENTRATED]),
             st_report_format_hours (x->session_minutes[MODE_ONLINE]),
             st_report_format_hours (x->session_minutes[MODE_PRACTICAL]),
             st_report_format_hours (st_report_sum (x->session_minutes, N_MODES)),
             st_report_format_count (st_report_sum (x->attendances, N_MODES)),
             st_report_format_hours (st_report_sum (x->attended_minutes, N_MODES)));
}

static void
funding_row (Table          *t,
             const StReport *r,
             const char     *name,
             const Figures  *x)
{
  table_add (t, g_strdup (name), st_report_format_count (x->finished_in_quarter),
             st_report_format_yuan (r, x->finished_in_quarter), st_report_format_count (x->finished_cumulative),
             st_report_format_yuan (r, x->finished_cumulative));
}

/* 2: enrolment by township. */
static void
render_enrolment (Doc *doc)
{
  static const double weights[] = { 1.6, 1, 1, 1.1, 1, 1, 1, 1 };
  const char *header[] = { _("Township"), _("New enrolments"), _("New participants"),
                           _("Cumulative participants"), _("In study"), _("Graduated"),
                           C_("enrolment state", "Completed"), _("Withdrawn") };
  g_autoptr(Table) t = table_new (8, weights, header);

  doc_heading (doc, _("2. Enrolment by township"), 60);
  add_township_rows (t, doc->report, enrolment_row);
  draw_table (doc, t, doc->left, doc->right - doc->left);
  doc->y += 6;
  doc_paragraph (doc, _("In study, graduated, completed and withdrawn count enrolments; the other columns count people."),
                 7.5, FALSE, PANGO_ALIGN_LEFT, 6);
}

/* 3: sessions and hours, by township and by mode. */
static void
render_teaching (Doc *doc)
{
  static const double weights[] = { 1.6, 0.9, 1.1, 1, 1, 1, 1, 1.1 };
  static const double mode_weights[] = { 1.6, 1, 1, 1, 1 };
  const Figures *f = &doc->report->total;
  double width = doc->right - doc->left;
  const char *header[] = { _("Township"), _("Sessions"), _("Concentrated hours"), _("Online hours"),
                           _("Practical hours"), _("Session hours"), _("Attendances"),
                           _("Participant-hours") };
  const char *mode_header[] = { _("Mode"), _("Sessions"), _("Session hours"), _("Attendances"),
                                _("Participant-hours") };
  g_autoptr(Table) t = table_new (8, weights, header);
  g_autoptr(Table) modes = table_new (5, mode_weights, mode_header);

  doc_heading (doc, _("3. Sessions and hours in the quarter"), 60);
  add_township_rows (t, doc->report, teaching_row);
  draw_table (doc, t, doc->left, width);
  doc->y += 12;

  for (guint m = 0; m <= N_MODES; m++)
    {
      gboolean total = m == N_MODES;

      table_add (modes, g_strdup (total ? _("Total") : st_report_mode_label (m)),
                 st_report_format_count (total ? st_report_sum (f->sessions, N_MODES) : f->sessions[m]),
                 st_report_format_hours (total ? st_report_sum (f->session_minutes, N_MODES) : f->session_minutes[m]),
                 st_report_format_count (total ? st_report_sum (f->attendances, N_MODES) : f->attendances[m]),
                 st_report_format_hours (total ? st_report_sum (f->attended_minutes, N_MODES) : f->attended_minutes[m]));
    }
  modes->total_row = TRUE;
  doc_need (doc, table_height (doc, modes, width));
  draw_table (doc, modes, doc->left, width);
  doc->y += 12;
}

/* 4: funding due, with what counts as finished under it. */
static void
render_funding (Doc *doc)
{
  static const double weights[] = { 1.6, 1.2, 1.4, 1.2, 1.4 };
  const char *header[] = { _("Township"), _("Finished this quarter"), _("Funding due this quarter (yuan)"),
                           _("Finished, cumulative"), _("Funding due, cumulative (yuan)") };
  g_autoptr(Table) t = table_new (5, weights, header);

  doc_heading (doc, _("4. Funding due for participants who finished training"), 60);
  add_township_rows (t, doc->report, funding_row);
  draw_table (doc, t, doc->left, doc->right - doc->left);
  doc->y += 6;
  doc_paragraph (doc, doc->footer, 7.5, FALSE, PANGO_ALIGN_LEFT, 6);
}

/* 5: the participants by sex, poverty, age, program, major, ethnicity. */
static void
render_participants (Doc *doc)
{
  static const Breakdown pairs[][2] = {
    { BY_SEX, BY_POVERTY }, { BY_AGE, BY_PROGRAM }, { BY_MAJOR, BY_ETHNICITY },
  };
  StReport *r = doc->report;
  const Figures *f = &r->total;
  g_autofree char *count = st_report_format_count (f->cumulative_participants);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "Shares are of the %s cumulative participant.",
                                                        "Shares are of the %s cumulative participants.",
                                                        (gulong) MIN (f->cumulative_participants, G_MAXULONG)),
                                           count);

  doc_heading (doc, _("5. Participants enrolled by the quarter’s end"), 100);
  doc_paragraph (doc, text, 8, FALSE, PANGO_ALIGN_LEFT, 6);
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autoptr(Table) a = breakdown_table (r, pairs[i][0]);
      g_autoptr(Table) b = breakdown_table (r, pairs[i][1]);

      draw_table_pair (doc, a, b);
    }
}

static void
render (Doc *doc)
{
  g_autoptr(GPtrArray) note_list = st_report_notes (doc->report);

  doc_page_start (doc);
  render_title (doc);
  render_overview (doc);
  render_enrolment (doc);
  render_teaching (doc);
  render_funding (doc);
  render_participants (doc);

  /* Notes: how each figure is counted. */
  doc_heading (doc, _("How the figures are counted"), 40);
  for (guint i = 0; i < note_list->len; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u. %s", i + 1, (char *) g_ptr_array_index (note_list, i));

      doc_paragraph (doc, text, 8, FALSE, PANGO_ALIGN_LEFT, 3);
    }

  doc_page_end (doc, TRUE);
}

/* Lays the report out on @cr and returns the number of pages; with
 * @n_pages 0 the footers say "page N of N", which measures the same; with
 * @print_page (1-based) only that page is drawn (printing). */
static int
render_on (StReport *report,
           cairo_t  *cr,
           int       n_pages,
           int       print_page)
{
  g_autofree char *label = st_report_quarter_label (&report->quarter);
  Doc doc = { 0, };

  doc.report = report;
  doc.cr = cr;
  doc.pango = st_doc_context_new (cr);
  doc.left = MARGIN;
  doc.right = ST_DOC_A4_WIDTH - MARGIN;
  doc.top = 48;
  doc.page = 1;
  doc.n_pages = n_pages;
  doc.footer = st_report_funding_definition (report);
  doc.running_head = g_strdup_printf ("%s  %s", report->scope_name, label);
  doc.print_page = print_page;
  if (print_page > 1)
    cairo_push_group (cr);

  render (&doc);

  g_free (doc.footer);
  g_free (doc.running_head);
  g_object_unref (doc.pango);
  return doc.page;
}

static int
render_to (StReport        *report,
           cairo_surface_t *surface,
           int              n_pages)
{
  cairo_t *cr = cairo_create (surface);
  int pages = render_on (report, cr, n_pages, 0);

  cairo_destroy (cr);
  return pages;
}

int
st_report_count_pages (StReport *report)
{
  cairo_surface_t *surface = st_doc_pdf_new (NULL, NULL);
  int n_pages = render_to (report, surface, 0);

  cairo_surface_destroy (surface);
  return n_pages;
}

void
st_report_draw_page (StReport *report,
                     cairo_t  *cr,
                     int       page,
                     int       n_pages)
{
  g_return_if_fail (report != NULL && cr != NULL && page >= 0);
  cairo_save (cr);
  render_on (report, cr, n_pages, page + 1);
  cairo_restore (cr);
}

gboolean
st_report_write_pdf (StReport    *report,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *title = st_report_title (report);
  cairo_surface_t *surface;
  int n_pages;

  /* The footers say "page N of M": lay out once to count the pages. */
  surface = st_doc_pdf_new (NULL, NULL);
  n_pages = render_to (report, surface, 0);
  cairo_surface_destroy (surface);

  surface = st_doc_pdf_new (bytes, title);
  render_to (report, surface, n_pages);
  if (!st_doc_pdf_save (surface, bytes, path, &local))
    {
      g_set_error_literal (error, ST_REPORT_ERROR, ST_REPORT_ERROR_WRITE, local->message);
      return FALSE;
    }
  return TRUE;
}
