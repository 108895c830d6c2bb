/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-chart.h"
#include "st-display.h"
#include "st-outreach.h"
#include "st-overview-outreach.h"

void
st_overview_outreach_setup (GtkColumnView *view,
                            GListStore    *store)
{
  g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (store)));

  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (selection));
  st_table_add_column (view, _("Township"), ST_OUTREACH_COLUMN_TOWNSHIP, FALSE, TRUE);
  st_table_add_column (view, _("People to Visit"), ST_OUTREACH_COLUMN_PEOPLE, TRUE, FALSE);
  st_table_add_column (view, _("Visited"), ST_OUTREACH_COLUMN_VISITED, TRUE, FALSE);
  st_table_add_column (view, C_("outreach", "Reached"), ST_OUTREACH_COLUMN_REACHED, TRUE, FALSE);
  st_table_add_column (view, _("Willing to Enrol"), ST_OUTREACH_COLUMN_WILLING, TRUE, FALSE);
  st_table_add_column (view, _("Enrolled"), ST_OUTREACH_COLUMN_ENROLLED, TRUE, FALSE);
}

static GStrv
cells_of (const char          *name,
          const StOutreachRow *row)
{
  GStrv cells = g_new0 (char *, ST_OUTREACH_N_COLUMNS + 1);

  cells[ST_OUTREACH_COLUMN_TOWNSHIP] = g_strdup (name);
  cells[ST_OUTREACH_COLUMN_PEOPLE] = g_strdup_printf ("%" G_GINT64_FORMAT, row->people);
  cells[ST_OUTREACH_COLUMN_VISITED] = g_strdup_printf ("%" G_GINT64_FORMAT, row->visited);
  cells[ST_OUTREACH_COLUMN_REACHED] = g_strdup_printf ("%" G_GINT64_FORMAT, row->reached);
  cells[ST_OUTREACH_COLUMN_WILLING] = g_strdup_printf ("%" G_GINT64_FORMAT, row->willing);
  cells[ST_OUTREACH_COLUMN_ENROLLED] = g_strdup_printf ("%" G_GINT64_FORMAT, row->enrolled);
  return cells;
}

void
st_overview_outreach_fill (GListStore  *store,
                           GArray      *bars,
                           GPtrArray   *rows,
                           StRole      *role,
                           StDivisions *divisions)
{
  StOutreachRow total = { 0, };

  g_list_store_remove_all (store);
  g_array_set_size (bars, 0);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      const StOutreachRow *row = g_ptr_array_index (rows, i);
      g_autoptr(StTableRow) item = NULL;

      /* The core's total is of every township; the role's is summed here. */
      if (row->township_code == NULL || !st_role_sees_township (role, row->township_code))
        continue;
      total.people += row->people;
      total.visited += row->visited;
      total.reached += row->reached;
      total.willing += row->willing;
      total.enrolled += row->enrolled;
      item = st_table_row_new (cells_of (st_display_township (divisions, row->township_code), row), FALSE);
      g_list_store_append (store, item);
      {
        StChartBar bar = { g_strdup (st_display_township (divisions, row->township_code)),
                           (double) row->reached, (double) row->people };

        g_array_append_val (bars, bar);
      }
    }
  {
    g_autoptr(StTableRow) item = st_table_row_new (cells_of (_("Total"), &total), TRUE);

    g_list_store_append (store, item);
  }
}

