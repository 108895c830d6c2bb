/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The figures of the app's Overview page that no report has: per township,
 * what was registered, how many classes met this month, whose records are
 * incomplete; enrolments near the end of their study length still short of
 * hours; conflicts waiting for review. */
#pragma once

#include "st-db.h"
#include "st-eligibility.h"

G_BEGIN_DECLS

typedef struct
{
  char   *township_code;
  gint64  participants;                /* live, not merged */
  gint64  incomplete;                  /* of those: no phone, village, education or ethnicity */
  gint64  classes;                     /* live classes with someone in study */
  gint64  classes_without_session;     /* of those: no session dated in the month */
  gint64  classes_behind_schedule;     /* of those: not meeting their schedule as of the
                                        * month's last day, or today within it
                                        * (st-schedule.h, annex 6 §(五)4) */
} StOverviewTownship;

/* One row per township that has a participant or a class, by code.
 * @month is any day of the month ("YYYY-MM-DD"); a class's schedule is
 * judged as of that day. */
GPtrArray *st_overview_townships        (StDb                *db,
                                         const char          *month,
                                         GError             **error);
void       st_overview_township_free    (StOverviewTownship  *t);

/* What the townships' counts count, to be listed: the rowids of the live
 * participants with an incomplete record (element type gint64), and the
 * ids of the classes not meeting their schedule in @month (st-schedule.h). */
GArray    *st_overview_incomplete       (StDb                *db,
                                         GError             **error);
GStrv      st_overview_behind_schedule  (StDb                *db,
                                         const char          *month,
                                         GError             **error);

/* Conflicts waiting for a person: the live rows of the review_items table
 * (schema 4, sync) with resolved = 0, or -1 when the database has no such
 * table. */
gint64     st_overview_review_items     (StDb                *db);

/* "Near the end of the study length": within this many days (Overview's
 * "Needs attention" and the Graduation page's filter of the same name). */
#define ST_OVERVIEW_NEAR_END_DAYS 90

/* In study, the study length ending within @days after @today (or already
 * over), and hours still short: concentrated, self-study, online or
 * attended. */
gboolean   st_overview_near_end_short   (const StEligibility *e,
                                         const char          *today,
                                         guint                days);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StOverviewTownship, st_overview_township_free)

G_END_DECLS
