/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the tests and the screenshots. */
#pragma once

#include "st-chart.h"
#include "st-overview-page.h"

G_BEGIN_DECLS

gboolean    st_overview_page_is_loading         (StOverviewPage *self);
/* The counts of "needs attention", as shown. */
GtkLabel   *st_overview_page_get_near_end_label  (StOverviewPage *self);
GtkLabel   *st_overview_page_get_no_session_label (StOverviewPage *self);
GtkLabel   *st_overview_page_get_incomplete_label (StOverviewPage *self);
GtkLabel   *st_overview_page_get_review_label    (StOverviewPage *self);
GtkWidget  *st_overview_page_get_review_row      (StOverviewPage *self);
/* The townships table (StTableRow; the total last). */
GListModel *st_overview_page_get_townships       (StOverviewPage *self);
/* The outreach table (StTableRow, st-overview-outreach.h; the total last). */
GListModel *st_overview_page_get_outreach        (StOverviewPage *self);
/* The outreach chart's bars (StChartBar): reached against people to visit. */
const GArray *st_overview_page_get_outreach_bars (StOverviewPage *self);

enum
{
  ST_OVERVIEW_COLUMN_TOWNSHIP,
  ST_OVERVIEW_COLUMN_PARTICIPANTS,
  ST_OVERVIEW_COLUMN_ENROLLED,
  ST_OVERVIEW_COLUMN_IN_STUDY,
  ST_OVERVIEW_COLUMN_GRADUATED,
  ST_OVERVIEW_COLUMN_COMPLETED,
  ST_OVERVIEW_COLUMN_WITHDRAWN,
  ST_OVERVIEW_COLUMN_CLASSES,
  ST_OVERVIEW_COLUMN_NO_SESSION,
  ST_OVERVIEW_COLUMN_NEAR_END,
  ST_OVERVIEW_COLUMN_INCOMPLETE,
  ST_OVERVIEW_N_COLUMNS
};

G_END_DECLS
