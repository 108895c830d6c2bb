/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whether a class holds its concentrated teaching as its schedule says
 * (annex 6 §(五)4): a day (8 hours) each month, or at least two blocks of
 * 120 hours a year. The numbers are the program's (docs/programs.md). */
#pragma once

#include "st-db.h"
#include "st-program.h"

G_BEGIN_DECLS

typedef struct
{
  StSchedule schedule;
  gboolean   behind;           /* the class does not meet its schedule as of the date */
  /* Monthly: concentrated minutes held in the month of the date, and the
   * months since the start (before that month) that fell short. */
  gint64     month_minutes;
  guint      months_short;
  /* Blocks: blocks of the program's hours held in the twelve months up to
   * the date, and how many it should have held by then (all of them once
   * the class is a year old; one per share of the year before). */
  guint      blocks_held;
  guint      blocks_expected;
} StScheduleStatus;

/* A block: class meetings of concentrated teaching on days at most
 * ST_SCHEDULE_BLOCK_GAP_DAYS apart (a weekend), together at least the
 * program's block hours. */
#define ST_SCHEDULE_BLOCK_GAP_DAYS 2

/* The status of @class_id as of @as_of ("YYYY-MM-DD"), counting the live
 * sessions dated from the class's start to @as_of whose mode counts as
 * concentrated for the program. FALSE with @error if the class or its
 * program cannot be read, or the program is a training (no schedule). */
gboolean st_class_schedule_status (StDb             *db,
                                   const char       *class_id,
                                   const char       *as_of,
                                   StScheduleStatus *status,
                                   GError          **error);

/* The same for every live class of a diploma program with someone in
 * study, in two reads (for the Overview): class id → StScheduleStatus
 * (owned by the table). A class whose program cannot be read is left
 * out. */
GHashTable *st_schedule_status_all (StDb        *db,
                                    const char  *as_of,
                                    GError     **error);

/* "1 of 2 blocks held in the last 12 months", "8 of 8 hours this month;
 * 2 months short" — translated. */
char    *st_schedule_status_describe (const StProgram        *program,
                                      const StScheduleStatus *status);

G_END_DECLS
