/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who may graduate: the rules of a program (SPEC §3, annex 6 §(五)–(七))
 * applied to every enrolment as of a date, with the exact list of what is
 * missing. One engine for the CLI, the reports and the app. */
#pragma once

#include "st-date.h"
#include "st-db.h"
#include "st-program.h"

G_BEGIN_DECLS

typedef enum
{
  ST_OUTCOME_STUDYING,       /* 在读: something is missing, or the study length is not over */
  ST_OUTCOME_ELIGIBLE,       /* 可毕业: every requirement met (and the length over, or early graduation asked) */
  ST_OUTCOME_COMPLETION,     /* 结业: the study length is over, requirements short */
  ST_OUTCOME_STUDY_RECORD,   /* 写实性学习证明: withdrew */
  ST_OUTCOME_GRADUATED,      /* 已毕业: approved, certificate issued */
  ST_OUTCOME_COMPLETED,      /* 已结业: completion certificate issued */
} StOutcome;

typedef enum
{
  ST_MISSING_CONCENTRATED,          /* minutes of concentrated teaching short */
  ST_MISSING_SELF_STUDY,            /* self-study short of the concentrated hours attended */
  ST_MISSING_SELF_AND_ONLINE,       /* self-study + online short of the minimum */
  ST_MISSING_ASSIGNMENTS,           /* practical assignments not done (count) */
  ST_MISSING_ASSESSMENT,            /* an assessment not taken (which) */
  ST_MISSING_ASSESSMENT_FAILED,     /* an assessment failed (which) */
  ST_MISSING_INTERNSHIP,            /* internship not done nor waived */
  ST_MISSING_STUDY_LENGTH,          /* all met, but before the end and no early-graduation request */
  ST_MISSING_ATTENDED,              /* training: attended hours short */
  ST_MISSING_CREDITS,               /* credits short of the program's min_credits (count) */
} StMissingKind;

typedef struct
{
  StMissingKind    kind;
  gint64           amount;      /* minutes, or a count of assignments */
  StAssessmentKind assessment;
} StMissing;

typedef struct
{
  char      *enrolment_id;
  char      *participant_id;
  char      *class_id;
  char      *township_code;
  char      *name;
  char      *id_number;
  char      *program_code;
  char      *enrolled_on;
  char      *end_date;              /* enrolled_on + study length (+ extension): nothing later counts */
  guint      study_years;
  guint      extension_years;       /* approved extension of the study length */
  StSchedule schedule;              /* the class's concentrated-teaching schedule */
  StOutcome  outcome;
  /* Minutes up to the date. */
  gint64     concentrated;          /* class sessions that count as concentrated */
  gint64     self_study;
  gint64     online;
  gint64     attended;              /* all class sessions */
  gint64     required_concentrated;
  guint      credits;               /* from certificates, awards, innovations (§(六)2–3) */
  guint      assignments_done;
  guint      assignments_total;
  GArray    *missing;               /* StMissing */
} StEligibility;

typedef struct
{
  const GDate *as_of;               /* NULL = today */
  const char  *township_code;       /* NULL = all */
  const char  *class_id;            /* NULL = all */
  const char  *enrolment_id;        /* NULL = all */
  /* "YYYY-MM-DD": only the enrolments whose study length ends on or before
   * it (the Overview's "near the end": a few thousand of a county's
   * 75,000, evaluated in a fraction of the memory). NULL = all. */
  const char  *ending_by;
} StEligibilityQuery;

/* Evaluates the enrolments the query selects (element-type StEligibility),
 * ordered by township, class (key) and name. */
GPtrArray     *st_eligibility_evaluate       (StDb                     *db,
                                              const StEligibilityQuery *query,
                                              GError                  **error);
/* Called now and then from the thread that evaluates, with how far it got
 * (0 … 1; a guess within the big scans). */
typedef void (*StEligibilityProgress) (double   fraction,
                                       gpointer user_data);
/* The same, reporting progress and stopping with G_IO_ERROR_CANCELLED when
 * @cancellable is cancelled (for the app's background evaluation). */
GPtrArray     *st_eligibility_evaluate_full  (StDb                     *db,
                                              const StEligibilityQuery *query,
                                              StEligibilityProgress     progress,
                                              gpointer                  progress_data,
                                              GCancellable             *cancellable,
                                              GError                  **error);
/* The enrolments the query selects, in the same order, before any hours are
 * summed: the outcome from the stored state alone (graduated, completed,
 * withdrawn → study record; otherwise in study), figures 0, nothing
 * missing. One indexed read: rows to show while the evaluation runs. */
GPtrArray     *st_eligibility_list           (StDb                     *db,
                                              const StEligibilityQuery *query,
                                              GError                  **error);
StEligibility *st_eligibility_evaluate_one   (StDb                     *db,
                                              const char               *enrolment_id,
                                              const GDate              *as_of,
                                              GError                  **error);
void           st_eligibility_free           (StEligibility            *e);

/* "40 self-study hours short", "Culture course not assessed" — translated. */
char          *st_missing_describe           (const StMissing          *m);
/* All of them, joined with "; ". */
char          *st_eligibility_describe_missing (const StEligibility    *e);
const char    *st_outcome_to_display         (StOutcome                 outcome);
const char    *st_outcome_to_code            (StOutcome                 outcome);
/* The outcome of a code of st_outcome_to_code (); studying if unknown. */
StOutcome      st_outcome_from_code          (const char               *code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StEligibility, st_eligibility_free)

G_END_DECLS
