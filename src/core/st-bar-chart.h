/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bar chart of participants against target, drawn on any cairo_t:
 * the quarterly report's PDF (st-report-pdf.c) and the app's Overview and
 * Reports pages (src/app/st-chart.c) draw it with their own look, on the
 * same axis. The caller draws the title and the legend; this draws the
 * grid with its values, the bars with their values and labels, and the
 * target. */
#pragma once

#include <cairo.h>
#include <pango/pango.h>

G_BEGIN_DECLS

typedef struct
{
  double      value;
  double      target;     /* < 0: none */
  const char *label;      /* under the bar; NULL: none */
  const char *sublabel;   /* under the label, muted (a year); NULL: none */
  gboolean    current;    /* the period reported on: a darker bar, a bold label */
} StBarChartBar;

typedef struct
{
  double red, green, blue, alpha;
} StBarChartColor;

typedef enum
{
  /* A mark across each bar: the target of that period (the screen). */
  ST_BAR_CHART_TARGET_MARK,
  /* A dashed level over each period's slot, joined where it changes and
   * labelled where it starts (paper, where a step reads better than
   * marks). */
  ST_BAR_CHART_TARGET_STEP,
} StBarChartTargetStyle;

/* Makes the layout of a text of the chart; @bold for the current bar's
 * label and the target's. */
typedef PangoLayout *(*StBarChartTextFunc) (const char *text,
                                            gboolean    bold,
                                            gpointer    user_data);

typedef struct
{
  StBarChartTextFunc    layout;
  gpointer              user_data;
  StBarChartColor       bar;
  StBarChartColor       current_bar;
  StBarChartColor       target;
  StBarChartColor       grid;
  StBarChartColor       baseline;       /* the grid line at 0 */
  StBarChartColor       axis_text;      /* the grid's values */
  StBarChartColor       text;           /* bar values and labels */
  StBarChartColor       muted_text;     /* sublabels */
  double                grid_width;
  gboolean              pixel_grid;     /* grid lines on whole pixels: crisp on a screen */
  double                bar_share;      /* of its slot */
  double                bar_max;        /* the widest a bar is; 0: no limit */
  StBarChartTargetStyle target_style;
  double                target_width;
  double                axis_gap;       /* between the grid's values and the plot */
  double                value_gap;      /* between a bar and its value */
  double                label_gap;      /* between the baseline and the labels */
  double                min_value_slot; /* narrower slots show no values */
  double                min_label_slot; /* narrower slots label every other bar, or fewer */
} StBarChartStyle;

/* The value axis: see st-bar-chart.c for the rule. Returns the step; the
 * axis goes from 0 to the step times *@n_steps. */
double st_bar_chart_axis (double                   max,
                          int                     *n_steps);

/* Draws @bars in the plot area @plot: the grid's values go left of it,
 * the labels under it. */
void   st_bar_chart_draw (cairo_t                 *cr,
                          const StBarChartStyle   *style,
                          const cairo_rectangle_t *plot,
                          const StBarChartBar     *bars,
                          guint                    n_bars);

G_END_DECLS
