/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include "st-bar-chart.h"
#include "st-chart.h"
#include "st-display.h"

void
st_chart_bar_clear (StChartBar *bar)
{
  g_clear_pointer (&bar->label, g_free);
}

static PangoLayout *
chart_text (const char *text,
            gboolean    bold,
            gpointer    widget)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static void
show_legend (GtkWidget  *widget,
             cairo_t    *cr,
             const char *text,
             double      x,
             double      y)
{
  g_autoptr(PangoLayout) layout = chart_text (text, FALSE, widget);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

typedef struct
{
  GArray     *bars;
  const char *value_legend;
  const char *target_legend;
} ChartArea;

static void
chart_area_free (gpointer data)
{
  ChartArea *chart = data;

  g_array_unref (chart->bars);
  g_free (chart);
}

/* Bars with their labels under them, the value above each, the target as a
 * red mark across its bar; a legend naming both. */
static void
chart_area_draw (GtkDrawingArea *area,
                 cairo_t        *cr,
                 int             width,
                 int             height,
                 gpointer        data)
{
  ChartArea *chart = data;
  GtkWidget *widget = GTK_WIDGET (area);
  const StChartBar *bars = (const StChartBar *) chart->bars->data;
  guint n_bars = chart->bars->len;
  const char *value_legend = chart->value_legend;
  const char *target_legend = chart->target_legend;
  GdkRGBA fg;
  double left = 56, right = 12, top = 28, bottom = 40;
  g_autofree StBarChartBar *chart_bars = NULL;
  StBarChartStyle style = {
    .layout = chart_text,
    .user_data = widget,
    .bar = { 0x35 / 255.0, 0x84 / 255.0, 0xe4 / 255.0, 1 },
    .target = { 0xe0 / 255.0, 0x1b / 255.0, 0x24 / 255.0, 1 },
    .grid_width = 1,
    .pixel_grid = TRUE,
    .bar_share = 0.6,
    .target_style = ST_BAR_CHART_TARGET_MARK,
    .target_width = 2.5,
    .axis_gap = 6,
    .value_gap = 2,
    .label_gap = 5,
    .min_value_slot = 30,
    .min_label_slot = 48,
  };
  gboolean any_target = FALSE;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  if (n_bars == 0 || width < left + right + 20 || height < top + bottom + 20)
    return;
  /* Greys of the theme's text colour, so that the chart follows dark
   * mode. */
  style.current_bar = style.bar;
  style.grid = (StBarChartColor) { fg.red, fg.green, fg.blue, 0.15 };
  style.baseline = style.grid;
  style.axis_text = (StBarChartColor) { fg.red, fg.green, fg.blue, 0.7 };
  style.text = (StBarChartColor) { fg.red, fg.green, fg.blue, 0.9 };
  style.muted_text = style.axis_text;
  chart_bars = g_new0 (StBarChartBar, n_bars);
  for (guint i = 0; i < n_bars; i++)
    {
      chart_bars[i].value = bars[i].value;
      chart_bars[i].target = bars[i].target;
      chart_bars[i].label = bars[i].label;
      any_target |= bars[i].target >= 0;
    }
  st_bar_chart_draw (cr, &style, &(cairo_rectangle_t) { left, top, width - left - right, height - top - bottom },
                     chart_bars, n_bars);

  /* Legend, top left. */
  cairo_set_source_rgb (cr, 0x35 / 255.0, 0x84 / 255.0, 0xe4 / 255.0);
  cairo_rectangle (cr, left, 6, 12, 12);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
  show_legend (widget, cr, value_legend, left + 18, 12);
  if (any_target && target_legend != NULL)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, value_legend);
      int w, h;
      double x;

      pango_layout_get_pixel_size (layout, &w, &h);
      x = left + 18 + w * 0.85 + 24;
      cairo_set_source_rgb (cr, 0xe0 / 255.0, 0x1b / 255.0, 0x24 / 255.0);
      cairo_set_line_width (cr, 2.5);
      cairo_move_to (cr, x, 12);
      cairo_line_to (cr, x + 14, 12);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
      show_legend (widget, cr, target_legend, x + 20, 12);
    }
}

/* StTableRow */

struct _StTableRow
{
  GObject   parent_instance;
  GStrv     cells;
  gboolean  bold;
};

G_DEFINE_FINAL_TYPE (StTableRow, st_table_row, G_TYPE_OBJECT)

static void
st_table_row_finalize (GObject *object)
{
  g_strfreev (ST_TABLE_ROW (object)->cells);
  G_OBJECT_CLASS (st_table_row_parent_class)->finalize (object);
}

static void
st_table_row_class_init (StTableRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = st_table_row_finalize;
}

static void
st_table_row_init (StTableRow *self)
{
}

StTableRow *
st_table_row_new (GStrv    cells,
                  gboolean bold)
{
  StTableRow *self = g_object_new (ST_TYPE_TABLE_ROW, NULL);

  self->cells = cells;
  self->bold = bold;
  return self;
}

const char *
st_table_row_get_cell (StTableRow *self,
                       guint       column)
{
  return self->cells != NULL && column < g_strv_length (self->cells) ? self->cells[column] : NULL;
}

gboolean
st_table_row_get_bold (StTableRow *self)
{
  return self->bold;
}

static void
table_setup (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  numeric)
{
  GtkWidget *label = st_display_cell_label (numeric != NULL, FALSE);

  /* Figures to the right, under their title. */
  if (numeric)
    gtk_inscription_set_xalign (GTK_INSCRIPTION (label), 1);
  gtk_list_item_set_child (list_item, label);
}

static void
table_bind (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  numeric)
{
  StTableRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  const char *text = st_table_row_get_cell (row, column);

  st_display_cell_set_text (label, text);
  if (st_table_row_get_bold (row))
    gtk_widget_add_css_class (label, "heading");
  else
    gtk_widget_remove_css_class (label, "heading");
}

void
st_table_add_column (GtkColumnView *view,
                     const char    *title,
                     guint          column,
                     gboolean       numeric,
                     gboolean       expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) c = NULL;

  g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (table_setup), GINT_TO_POINTER (numeric));
  g_signal_connect (factory, "bind", G_CALLBACK (table_bind), GINT_TO_POINTER (numeric));
  c = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (c, expand);
  gtk_column_view_column_set_resizable (c, TRUE);
  gtk_column_view_append_column (view, c);
}

GArray *
st_chart_bars_new (void)
{
  GArray *bars = g_array_new (FALSE, TRUE, sizeof (StChartBar));

  g_array_set_clear_func (bars, (GDestroyNotify) st_chart_bar_clear);
  return bars;
}



void
st_chart_area_set_bars (GtkDrawingArea *area,
                        GArray         *bars,
                        const char     *value_legend,
                        const char     *target_legend)
{
  ChartArea *chart = g_new (ChartArea, 1);

  chart->bars = g_array_ref (bars);
  /* Translated strings live as long as the process. */
  chart->value_legend = value_legend;
  chart->target_legend = target_legend;
  gtk_drawing_area_set_draw_func (area, chart_area_draw, chart, chart_area_free);
}

void
st_chart_bars_set_progress (GArray    *bars,
                            JsonArray *progress,
                            gboolean   with_targets)
{
  g_array_set_size (bars, 0);
  for (guint i = 0; progress != NULL && i < json_array_get_length (progress); i++)
    {
      JsonObject *p = json_array_get_object_element (progress, i);
      JsonNode *target = json_object_get_member (p, "target");
      StChartBar bar = { 0, };

      bar.label = g_strdup (json_object_get_string_member (p, "quarter"));
      bar.value = st_json_member_int (p, "cumulative_participants");
      bar.target = with_targets && target != NULL && JSON_NODE_HOLDS_VALUE (target) ? json_node_get_int (target) : -1;
      g_array_append_val (bars, bar);
    }
}

gint64
st_json_member_int (JsonObject *o,
                    const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : 0;
}
