/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A realistic synthetic county for the app's --demo, tests and benchmarks:
 * real townships and villages, plausible names, valid ID numbers. */
#pragma once

#include "st-csv.h"
#include "st-db.h"

G_BEGIN_DECLS

/* Writes a roster of @n people, as a township office would receive it, to
 * @path. The same @seed gives the same file. */
gboolean st_demo_write_roster (const char     *path,
                               guint           n,
                               guint32         seed,
                               StCsvEncoding   encoding,
                               GError        **error);

/* Adds @n participants to @db in one transaction. */
gboolean st_demo_populate     (StDb           *db,
                               guint           n,
                               guint32         seed,
                               GError        **error);

typedef struct
{
  const GDate *today;       /* the demo's "now" (NULL = today) */
  gboolean     approve;     /* approve what can be, in every other township */
  gboolean     capture;     /* FALSE: as if pulled from the server — no audit, no outbox */
  guint        class_size;  /* participants per class (0 = 40) */
  gboolean     enrol_all;   /* everyone, not three in four */
  guint        meetings_per_month;  /* 0 = 1, as annex 6 §(五)4 asks */
} StDemoTrainingOptions;

/* Puts three in four participants not yet enrolled into classes of their
 * township (mostly the diploma program, some short-term training), with
 * monthly sessions up to today, attendance, study logs, assignments,
 * assessments, internships, some withdrawals and exemptions — so that every
 * eligibility state occurs. */
gboolean st_demo_populate_training (StDb                        *db,
                                    guint32                      seed,
                                    const StDemoTrainingOptions *options,
                                    GError                     **error);

/* The outreach before the classes (issue 21): everyone in a class was
 * reached and said yes before it began; of the others, each township has
 * visited, reached and heard "willing" or "later" from its own share. Adds
 * visits only for people without any; the same @seed gives the same
 * answers. @today as above; @capture as in StDemoTrainingOptions. */
gboolean st_demo_populate_visits   (StDb                        *db,
                                    guint32                      seed,
                                    const GDate                 *today,
                                    gboolean                     capture,
                                    GError                     **error);

G_END_DECLS
