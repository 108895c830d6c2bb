/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-chart"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "st-bar-chart.h"

/* One rule for the paper and the screen, so that the county office sees
 * the same axis in the app as in the report it sends up (they differed:
 * the PDF took steps of 1, 2, 2.5 or 5 in up to six steps, the app 1, 2
 * or 5 in up to four, without room above).
 *
 * - Steps of 1, 2 or 5 times a power of ten: the values are counts of
 *   people, so every grid value is a whole number (a step of 2.5 printed
 *   "2" and "7" at 2.5 and 7.5 for a township of a dozen participants).
 * - The axis reaches the largest value or target plus 4%: room for the
 *   value printed above the tallest bar, and a target never lies on the
 *   top edge, where it would read as the frame.
 * - The smallest such step that needs at most five steps: three to five
 *   grid lines above the baseline, readable at the app's 200 pixels and
 *   on the report's 7 cm alike. */
double
st_bar_chart_axis (double  max,
                   int    *n_steps)
{
  static const double factors[] = { 1, 2, 5 };
  double top = isfinite (max) && max > 0 ? max * 1.04 : 0;
  double step = 1;

  for (double magnitude = 1; step * 5 < top; magnitude *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (factors); i++)
      {
        step = factors[i] * magnitude;
        if (step * 5 >= top)
          break;
      }
  *n_steps = MAX (1, (int) ceil (top / step));
  return step;
}

static void
set_color (cairo_t               *cr,
           const StBarChartColor *color)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}

static void
layout_size (PangoLayout *layout,
             double      *width,
             double      *height)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  *width = pango_units_to_double (logical.width);
  *height = pango_units_to_double (logical.height);
}

/* Shows @text with the point @xalign of its width at @x and the point
 * @yalign of its height at @y. */
static void
show_text (cairo_t               *cr,
           const StBarChartStyle *style,
           const char            *text,
           gboolean               bold,
           double                 x,
           double                 y,
           double                 xalign,
           double                 yalign)
{
  g_autoptr(PangoLayout) layout = style->layout (text, bold, style->user_data);
  double width, height;

  layout_size (layout, &width, &height);
  cairo_move_to (cr, x - width * xalign, y - height * yalign);
  pango_cairo_show_layout (cr, layout);
}

/* The target as a step: a level over each period's slot, joined where it
 * changes, labelled on a white ground where it starts (far below the bars,
 * a county well past its target, the label would sit on them). */
static void
draw_target_steps (cairo_t               *cr,
                   const StBarChartStyle *style,
                   const StBarChartBar   *bars,
                   guint                  n_bars,
                   double                 x,
                   double                 bottom,
                   double                 height,
                   double                 slot,
                   double                 scale)
{
  static const double dashes[] = { 4, 2 };

  for (guint i = 0; i < n_bars; i++)
    {
      const StBarChartBar *bar = &bars[i];
      const StBarChartBar *prev = i > 0 ? &bars[i - 1] : NULL;
      double x0 = x + slot * i;
      double y = bottom - height * bar->target / scale;

      if (bar->target <= 0)
        continue;
      set_color (cr, &style->target);
      cairo_set_line_width (cr, style->target_width);
      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      if (prev != NULL && prev->target > 0 && prev->target != bar->target)
        {
          cairo_move_to (cr, x0, bottom - height * prev->target / scale);
          cairo_line_to (cr, x0, y);
        }
      else
        cairo_move_to (cr, x0, y);
      cairo_line_to (cr, x0 + slot, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (prev == NULL || prev->target != bar->target)
        {
          g_autofree char *count = g_strdup_printf ("%.0f", bar->target);
          /* Translators: the label of the target line in the chart */
          g_autofree char *text = g_strdup_printf (_("Target %s"), count);
          g_autoptr(PangoLayout) label = style->layout (text, TRUE, style->user_data);
          double label_width, label_height;
          int pixel_width, pixel_height;

          layout_size (label, &label_width, &label_height);
          pango_layout_get_pixel_size (label, &pixel_width, &pixel_height);
          cairo_save (cr);
          cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
          cairo_rectangle (cr, x0 + 1, y - pixel_height - 1, pixel_width + 2, pixel_height);
          cairo_fill (cr);
          cairo_restore (cr);
          cairo_move_to (cr, x0 + 2, y - label_height - 1);
          pango_cairo_show_layout (cr, label);
        }
    }
}

void
st_bar_chart_draw (cairo_t                 *cr,
                   const StBarChartStyle   *style,
                   const cairo_rectangle_t *plot,
                   const StBarChartBar     *bars,
                   guint                    n_bars)
{
  double x = plot->x, width = plot->width, height = plot->height;
  double bottom = plot->y + height;
  double slot = width / MAX (n_bars, 1);
  double bar_width = slot * style->bar_share;
  double max = 0, step, scale;
  guint every = style->min_label_slot > 0 && slot < style->min_label_slot
                ? (guint) ceil (style->min_label_slot / slot) : 1;
  int n_steps;

  if (style->bar_max > 0)
    bar_width = MIN (bar_width, style->bar_max);
  for (guint i = 0; i < n_bars; i++)
    max = MAX (max, MAX (bars[i].value, bars[i].target));
  step = st_bar_chart_axis (max, &n_steps);
  scale = step * n_steps;

  cairo_save (cr);

  /* The grid and its values. */
  cairo_set_line_width (cr, style->grid_width);
  for (int i = 0; i <= n_steps; i++)
    {
      double line_y = bottom - height * i / n_steps;
      double drawn_y = style->pixel_grid ? floor (line_y) + 0.5 : line_y;
      g_autofree char *text = g_strdup_printf ("%.0f", step * i);

      set_color (cr, i == 0 ? &style->baseline : &style->grid);
      cairo_move_to (cr, x, drawn_y);
      cairo_line_to (cr, x + width, drawn_y);
      cairo_stroke (cr);
      set_color (cr, &style->axis_text);
      show_text (cr, style, text, FALSE, x - style->axis_gap, line_y, 1, 0.5);
    }

  /* The bars, their values above them and their labels under them. */
  for (guint i = 0; i < n_bars; i++)
    {
      const StBarChartBar *bar = &bars[i];
      double center = x + slot * (i + 0.5);
      double bar_height = height * bar->value / scale;
      double top = bottom - bar_height;

      set_color (cr, bar->current ? &style->current_bar : &style->bar);
      cairo_rectangle (cr, center - bar_width / 2, top, bar_width, bar_height);
      cairo_fill (cr);
      if (style->target_style == ST_BAR_CHART_TARGET_MARK && bar->target >= 0)
        {
          double target_y = bottom - height * bar->target / scale;

          set_color (cr, &style->target);
          cairo_set_line_width (cr, style->target_width);
          cairo_move_to (cr, center - bar_width / 2 - slot * 0.1, target_y);
          cairo_line_to (cr, center + bar_width / 2 + slot * 0.1, target_y);
          cairo_stroke (cr);
        }
      set_color (cr, &style->text);
      if (slot >= style->min_value_slot)
        {
          g_autofree char *value = g_strdup_printf ("%.0f", bar->value);

          show_text (cr, style, value, FALSE, center, top - style->value_gap, 0.5, 1);
        }
      if (i % every == 0 && bar->label != NULL)
        {
          g_autoptr(PangoLayout) label = style->layout (bar->label, bar->current, style->user_data);
          double label_width, label_height;

          layout_size (label, &label_width, &label_height);
          cairo_move_to (cr, center - label_width / 2, bottom + style->label_gap);
          pango_cairo_show_layout (cr, label);
          if (bar->sublabel != NULL)
            {
              set_color (cr, &style->muted_text);
              show_text (cr, style, bar->sublabel, FALSE, center, bottom + style->label_gap + label_height, 0.5, 0);
            }
        }
    }

  if (style->target_style == ST_BAR_CHART_TARGET_STEP)
    draw_target_steps (cr, style, bars, n_bars, x, bottom, height, slot, scale);
  cairo_restore (cr);
}
