/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Overview's outreach table (摸排走访): each township from the roster to
 * enrolment, as st-outreach.c counts it, for the townships the role sees. */
#pragma once

#include <gtk/gtk.h>

#include "st-divisions.h"
#include "st-role.h"

G_BEGIN_DECLS

enum
{
  ST_OUTREACH_COLUMN_TOWNSHIP,
  ST_OUTREACH_COLUMN_PEOPLE,
  ST_OUTREACH_COLUMN_VISITED,
  ST_OUTREACH_COLUMN_REACHED,
  ST_OUTREACH_COLUMN_WILLING,
  ST_OUTREACH_COLUMN_ENROLLED,
  ST_OUTREACH_N_COLUMNS
};

/* Shows @store (StTableRow) in @view with the outreach columns. */
void st_overview_outreach_setup (GtkColumnView *view,
                                 GListStore    *store);
/* Fills @store from @rows (StOutreachRow, the core's total last): the
 * townships @role sees, and their total; and @bars (made by st_chart_bars_new (),
 * emptied first): each township's people reached against its people to visit. */
void st_overview_outreach_fill  (GListStore    *store,
                                 GArray        *bars,
                                 GPtrArray     *rows,
                                 StRole        *role,
                                 StDivisions   *divisions);

G_END_DECLS
