/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The quarterly progress report (annex 6 §四(三)): per township and in total.
 * What each figure counts is written in docs of st-report.c and in the
 * report itself (its notes and the PDF's footer). */
#pragma once

#include <cairo.h>
#include <json-glib/json-glib.h>

#include "st-csv.h"
#include "st-db.h"

G_BEGIN_DECLS

#define ST_REPORT_ERROR (st_report_error_quark ())

typedef enum
{
  ST_REPORT_ERROR_QUARTER,     /* "2025Q5", "2025-3": the message shows the form */
  ST_REPORT_ERROR_TARGETS,     /* the targets data is broken */
  ST_REPORT_ERROR_WRITE,       /* the PDF or CSV could not be written */
  ST_REPORT_ERROR_TOWNSHIP,    /* the township code names no township of the database */
} StReportError;

typedef struct
{
  int year;
  int quarter;   /* 1–4 */
} StQuarter;

/* "2025Q3" (also "2025q3", "2025-Q3", blanks around it). */
gboolean   st_quarter_parse          (const char       *text,
                                      StQuarter        *quarter,
                                      GError          **error);
/* First and last day, YYYY-MM-DD, newly allocated. */
char      *st_quarter_first_day      (const StQuarter  *quarter);
char      *st_quarter_last_day       (const StQuarter  *quarter);

typedef struct _StReport StReport;

/* Computes the report for @quarter; @township_code NULL = the whole county
 * with a row per township, otherwise that township alone (12 digits, as the
 * divisions table has it). Labels (townships, programs, categories) are taken
 * in the UI language of this call. */
StReport  *st_report_quarterly       (StDb             *db,
                                      const StQuarter  *quarter,
                                      const char       *township_code,
                                      GError          **error);
/* The whole report as JSON (for --json, the app and tests): counts and
 * minutes as integers, each category with its key and its label. */
JsonNode  *st_report_to_json         (StReport         *report);
/* Sections one after the other (townships, targets, progress, breakdowns,
 * notes), for Excel: UTF-8 with BOM or GB18030. Hours with up to two
 * decimals. */
gboolean   st_report_write_csv       (StReport         *report,
                                      const char       *path,
                                      StCsvEncoding     encoding,
                                      GError          **error);
/* A4 PDF a county office hands to its superiors: title, period, tables, a
 * chart of progress against target, page numbers, and a footer saying what
 * counts as finished for funding. Chinese fonts through pango. The file is
 * replaced atomically. */
gboolean   st_report_write_pdf       (StReport         *report,
                                      const char       *path,
                                      GError          **error);
/* The same pages for GtkPrintOperation: how many there are on A4, and
 * page @page (0-based) drawn on @cr in points (GTK_UNIT_POINTS, the whole
 * page: the report keeps its own margins), its footer saying "of
 * @n_pages". */
int        st_report_count_pages     (StReport         *report);
void       st_report_draw_page       (StReport         *report,
                                      cairo_t          *cr,
                                      int               page,
                                      int               n_pages);
void       st_report_free            (StReport         *report);

GQuark     st_report_error_quark     (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StReport, st_report_free)

G_END_DECLS
