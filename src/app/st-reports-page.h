/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Reports page (SPEC §4): the quarterly report of annex 6 §四(三) as
 * tables and a chart, for a quarter and a township, exported as CSV or
 * PDF. The figures are the core's (st-report), the same as
 * `shuangti-cli report quarterly`. */
#pragma once

#include <gtk/gtk.h>

#include "st-db.h"
#include "st-divisions.h"
#include "st-report.h"
#include "st-role.h"

G_BEGIN_DECLS

#define ST_TYPE_REPORTS_PAGE (st_reports_page_get_type ())
G_DECLARE_FINAL_TYPE (StReportsPage, st_reports_page, ST, REPORTS_PAGE, GtkWidget)

void      st_reports_page_set_db     (StReportsPage   *self,
                                      StDb            *db,
                                      StDivisions     *divisions,
                                      StRole          *role);
/* Counts the chosen quarter again, in the background. */
void      st_reports_page_reload     (StReportsPage   *self);
/* Shows @quarter ("2025Q3") when the picker has it. */
gboolean  st_reports_page_set_quarter (StReportsPage  *self,
                                      const char      *quarter);
/* Writes the report shown (format csv | pdf), as the file chooser's answer
 * does. */
/* The pages the printer gets (the print operation, without its dialog),
 * into a PDF file at @path: for the tests. Print… shows the dialog. */
gboolean  st_reports_page_print_to_file (StReportsPage *self,
                                         const char    *path,
                                         GError       **error);
gboolean  st_reports_page_export     (StReportsPage   *self,
                                      const char      *format,
                                      const char      *path,
                                      StCsvEncoding    encoding,
                                      GError         **error);

G_END_DECLS
