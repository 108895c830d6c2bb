/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The quarterly progress report (annex 6 §四(三)): per township and in total. */
#pragma once

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
} StReportError;

typedef struct
{
  int year;
  int quarter;   /* 1–4 */
} StQuarter;

/* "2025Q3" (also "2025q3", "2025-Q3"). */
gboolean   st_quarter_parse          (const char       *text,
                                      StQuarter        *quarter,
                                      GError          **error);
/* First and last day, YYYY-MM-DD, newly allocated. */
char      *st_quarter_first_day      (const StQuarter  *quarter);
char      *st_quarter_last_day       (const StQuarter  *quarter);

typedef struct _StReport StReport;

/* Computes the report for @quarter; @township_code NULL = the whole county
 * with a row per township. */
StReport  *st_report_quarterly       (StDb             *db,
                                      const StQuarter  *quarter,
                                      const char       *township_code,
                                      GError          **error);
/* The whole report as JSON (for --json, the app and tests). */
JsonNode  *st_report_to_json         (StReport         *report);
gboolean   st_report_write_csv       (StReport         *report,
                                      const char       *path,
                                      StCsvEncoding     encoding,
                                      GError          **error);
/* A4 PDF a county office hands to its superiors: title, period, tables, a
 * chart of progress against target. Chinese fonts through pango. */
gboolean   st_report_write_pdf       (StReport         *report,
                                      const char       *path,
                                      GError          **error);
void       st_report_free            (StReport         *report);

GQuark     st_report_error_quark     (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StReport, st_report_free)

G_END_DECLS
