/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bar charts drawn with cairo in a GtkDrawingArea (the Overview and
 * Reports pages), and StTableRow, a row of text cells for their tables. */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *label;
  double  value;
  double  target;    /* < 0: none */
} StChartBar;

void st_chart_bar_clear (StChartBar *bar);

/* An empty array of StChartBar that clears what it drops. */
GArray *st_chart_bars_new          (void);
/* Makes @area draw whatever @bars (kept alive by it) holds: bars with their
 * labels under them, the value above each, the target as a red mark across
 * its bar, and a legend naming both (@value_legend, @target_legend). */
void    st_chart_area_set_bars     (GtkDrawingArea *area,
                                    GArray         *bars,
                                    const char     *value_legend,
                                    const char     *target_legend);
/* @bars made again from a report's quarterly progress (its "progress"
 * array): the participants enrolled so far each quarter, and its target
 * when @with_targets. */
void    st_chart_bars_set_progress (GArray    *bars,
                                    JsonArray *progress,
                                    gboolean   with_targets);

/* @name of @o as an integer: 0 when @o is NULL, the member missing or not
 * a value. */
gint64  st_json_member_int         (JsonObject *o,
                                    const char *name);

#define ST_TYPE_TABLE_ROW (st_table_row_get_type ())
G_DECLARE_FINAL_TYPE (StTableRow, st_table_row, ST, TABLE_ROW, GObject)

/* Takes @cells. @bold for a total. */
StTableRow         *st_table_row_new       (GStrv       cells,
                                            gboolean    bold);
const char         *st_table_row_get_cell  (StTableRow *self,
                                            guint       column);
gboolean            st_table_row_get_bold  (StTableRow *self);

/* Adds a column showing cell @column of each StTableRow, right-aligned
 * when @numeric. */
void                st_table_add_column    (GtkColumnView *view,
                                            const char    *title,
                                            guint          column,
                                            gboolean       numeric,
                                            gboolean       expand);

G_END_DECLS
