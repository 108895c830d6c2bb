/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the quarterly report's parts share: the figures (st-report.c)
 * and the wording and number formats that the exports (st-report-export.c)
 * and the PDF (st-report-pdf.c) write them with. */
#pragma once

#include <glib.h>

#include "st-report.h"

G_BEGIN_DECLS

enum { MODE_CONCENTRATED, MODE_ONLINE, MODE_PRACTICAL, N_MODES };
extern const char *const st_report_mode_codes[N_MODES];

typedef enum
{
  BY_PROGRAM,
  BY_MAJOR,
  BY_SEX,
  BY_AGE,
  BY_ETHNICITY,
  BY_POVERTY,
  N_BREAKDOWNS
} Breakdown;
extern const char *const st_report_breakdown_codes[N_BREAKDOWNS];

typedef struct
{
  gint64 new_enrolments;
  gint64 new_participants;
  gint64 cumulative_participants;
  gint64 cumulative_enrolments;
  gint64 in_study;
  gint64 graduated;
  gint64 completed;
  gint64 withdrawn;
  gint64 sessions[N_MODES];
  gint64 session_minutes[N_MODES];
  gint64 attendances[N_MODES];
  gint64 attended_minutes[N_MODES];
  gint64 finished_in_quarter;
  gint64 finished_cumulative;
} Figures;

typedef struct
{
  char    *code;
  char    *name;
  char    *short_name;
  char    *county_code;   /* NULL when the code is not in the divisions table */
  Figures  f;
} Township;

typedef struct
{
  char   *key;
  char   *label;
  gint64  participants;
} Item;

typedef struct
{
  char   date[11];
  gint64 participants;   /* the target */
  gint64 achieved;       /* cumulative participants on min (date, last day) */
} Target;

typedef struct
{
  StQuarter quarter;
  gint64    cumulative;
  gint64    target;      /* the target in force at its end, 0 = none */
} Point;

struct _StReport
{
  StQuarter  quarter;
  char      *first_day;
  char      *last_day;
  char      *township_code;     /* NULL: the county */
  char      *county_name;
  char      *scope_name;        /* 册亨县, or 册亨县者楼街道 */
  char      *generated_on;
  GPtrArray *townships;         /* Township, shown rows in code order */
  Figures    total;
  GArray    *targets;           /* Target, by date; empty for a township */
  GArray    *progress;          /* Point, oldest first */
  GPtrArray *breakdowns[N_BREAKDOWNS];   /* Item */
  gint64     yuan_per_participant;
  GStrv      funded_kinds;
  GPtrArray *funded_programs;   /* display names */
  char      *funded_json;       /* JSON array of the funded program codes, bound to SQL */
};

/* Labels, in the UI language */
const char *st_report_mode_label               (guint           mode);
char       *st_report_quarter_label            (const StQuarter *q);
char       *st_report_quarter_code             (const StQuarter *q);
const char *st_report_breakdown_title          (Breakdown        b);
const char *st_report_target_status            (const StReport  *report,
                                                const Target    *t);

/* Numbers, the same in every locale */
gint64      st_report_sum                      (const gint64    *values,
                                                guint            n);
char       *st_report_format_count             (gint64           n);
char       *st_report_format_hours             (gint64           minutes);
double      st_report_percent                  (gint64           part,
                                                gint64           whole);
char       *st_report_format_percent           (gint64           part,
                                                gint64           whole);
char       *st_report_format_yuan              (const StReport  *report,
                                                gint64           participants);

/* Wording every output has */
char       *st_report_title                    (const StReport  *report);
char       *st_report_period                   (const StReport  *report);
char       *st_report_funding_definition       (const StReport  *report);
GPtrArray  *st_report_notes                    (const StReport  *report);

G_END_DECLS
