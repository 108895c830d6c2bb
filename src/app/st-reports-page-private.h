/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the tests and the screenshots. */
#pragma once

#include "st-chart.h"
#include "st-reports-page.h"

G_BEGIN_DECLS

/* TRUE while the report is being counted. */
gboolean      st_reports_page_is_loading       (StReportsPage *self);
/* The tables as shown: the townships' (the total last) and the targets'. */
GListModel   *st_reports_page_get_townships    (StReportsPage *self);
GListModel   *st_reports_page_get_targets      (StReportsPage *self);
GtkLabel     *st_reports_page_get_summary_label (StReportsPage *self);
GtkDropDown  *st_reports_page_get_quarter_dropdown (StReportsPage *self);
const char   *st_reports_page_get_last_message (StReportsPage *self);

/* Columns of the townships table. */
enum
{
  ST_REPORT_COLUMN_TOWNSHIP,
  ST_REPORT_COLUMN_NEW_ENROLMENTS,
  ST_REPORT_COLUMN_CUMULATIVE,
  ST_REPORT_COLUMN_IN_STUDY,
  ST_REPORT_COLUMN_GRADUATED,
  ST_REPORT_COLUMN_COMPLETED,
  ST_REPORT_COLUMN_WITHDRAWN,
  ST_REPORT_COLUMN_SESSIONS,
  ST_REPORT_COLUMN_SESSION_HOURS,
  ST_REPORT_COLUMN_FINISHED,
  ST_REPORT_N_COLUMNS
};

G_END_DECLS
