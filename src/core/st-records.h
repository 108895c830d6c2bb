/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Training records: classes, enrolments, sessions, attendance, study logs,
 * practical assignments, assessments, exemptions and credits. Every write is
 * checked, audited and captured for sync (by the tables' triggers). */
#pragma once

#include "st-date.h"
#include "st-db.h"
#include "st-program.h"

G_BEGIN_DECLS

#define ST_RECORDS_ERROR (st_records_error_quark ())

typedef enum
{
  ST_RECORDS_ERROR_INVALID,      /* a value is refused; the message names it and says why */
  ST_RECORDS_ERROR_NOT_FOUND,    /* no such class, session, enrolment … */
  ST_RECORDS_ERROR_NOT_ENROLLED, /* attendance or a log for someone not in the class */
  ST_RECORDS_ERROR_RULE,         /* a program rule forbids it (assessing before assignments) */
} StRecordsError;

typedef struct
{
  char  *id;
  char  *name;
  char  *program_code;
  char  *major;
  char  *township_code;
  char  *teaching_point;   /* 教学点 */
  char  *start_date;       /* YYYY-MM-DD */
  char **trainers;         /* account or person names */
  char  *notes;
  char  *schedule;         /* monthly | blocks; NULL = the program's default (annex 6 §(五)4) */
} StClass;

typedef struct
{
  char   *id;              /* v5 (participant, class) */
  char   *participant_id;
  char   *class_id;
  char   *township_code;
  char   *enrolled_on;
  guint   study_years;
  char   *state;           /* studying | graduated | completed | withdrawn */
  char   *state_date;
  char   *withdraw_reason;
  char   *early_graduation_requested_on;
  char   *internship_done_on;
} StEnrolment;

typedef struct
{
  char  *id;
  char  *class_id;
  char  *township_code;
  char  *date;
  int    minutes;          /* 1 … 1440 */
  char  *mode;             /* concentrated | online | practical */
  char  *subject;          /* literacy | mandarin | civic | policy | skill */
  char  *trainer;
  char  *place;
} StSession;

StClass     *st_class_new                 (void);
void         st_class_free                (StClass      *klass);
/* Checks program, major, township and date; gives the class an id. */
gboolean     st_class_create              (StDb         *db,
                                           StClass      *klass,
                                           GError      **error);
StClass     *st_class_load                (StDb         *db,
                                           const char   *id,
                                           GError      **error);
/* Live classes, by township (NULL = all), newest first. */
GPtrArray   *st_class_list                (StDb         *db,
                                           const char   *township_code,
                                           GError      **error);

/* A class as a list of classes shows it: the class and how many of its
 * participants are in study. */
typedef struct
{
  StClass *klass;
  guint    studying;
} StClassSummary;

void         st_class_summary_free        (StClassSummary *summary);
/* Every live class with its number in study, newest first: one query
 * (1,885 classes of the demo county in about 0.1 s), for a worker. */
GPtrArray   *st_class_summaries           (StDb         *db,
                                           GError      **error);

void         st_enrolment_free            (StEnrolment  *enrolment);
/* Enrols a participant in a class on @enrolled_on (NULL = the class's start
 * date). @study_years 0 takes it from the program and the participant's
 * prior education; anything else overrides it. Enrolling again someone
 * withdrawn puts them back in study. Returns the enrolment id. */
char        *st_enrol                     (StDb         *db,
                                           const char   *participant_id,
                                           const char   *class_id,
                                           const char   *enrolled_on,
                                           guint         study_years,
                                           GError      **error);
StEnrolment *st_enrolment_load            (StDb         *db,
                                           const char   *id,
                                           GError      **error);
/* The enrolment of (participant, class): its deterministic id. */
char        *st_enrolment_id              (const char   *participant_id,
                                           const char   *class_id);
/* Live enrolments of a class, or of a participant (one of the two). */
GPtrArray   *st_enrolment_list            (StDb         *db,
                                           const char   *class_id,
                                           const char   *participant_id,
                                           GError      **error);
gboolean     st_withdraw                  (StDb         *db,
                                           const char   *enrolment_id,
                                           const char   *date,
                                           const char   *reason,
                                           GError      **error);
/* What st_withdraw () would refuse, without writing anything. */
gboolean     st_withdraw_check            (StDb         *db,
                                           const char   *enrolment_id,
                                           const char   *date,
                                           const char   *reason,
                                           GError      **error);
gboolean     st_request_early_graduation  (StDb         *db,
                                           const char   *enrolment_id,
                                           const char   *date,
                                           GError      **error);
gboolean     st_record_internship         (StDb         *db,
                                           const char   *enrolment_id,
                                           const char   *date,
                                           GError      **error);
/* An approved extension of the study length by @years (0 takes it back):
 * refused when the class's program allows none or fewer years
 * ("max_extension_years", docs/programs.md). */
gboolean     st_extend_study              (StDb         *db,
                                           const char   *enrolment_id,
                                           guint         years,
                                           GError      **error);

void         st_session_free              (StSession    *session);
/* Refuses a session before the class starts and minutes outside 1–1440. */
gboolean     st_session_create            (StDb         *db,
                                           StSession    *session,
                                           GError      **error);
StSession   *st_session_load              (StDb         *db,
                                           const char   *id,
                                           GError      **error);
GPtrArray   *st_session_list              (StDb         *db,
                                           const char   *class_id,
                                           GError      **error);
/* Deletes session @id if no attendance was taken at it (a session made by
 * "Today's Session" and left unsaved); *@discarded says whether it was. */
gboolean     st_session_discard_unattended (StDb        *db,
                                           const char   *id,
                                           gboolean     *discarded,
                                           GError      **error);

/* Attendance of one participant at a session: present (with @minutes
 * credited; -1 = the session's), absent or leave (0 minutes). Refused for
 * someone not enrolled in the class on the session's date. */
gboolean     st_attendance_set            (StDb         *db,
                                           const char   *session_id,
                                           const char   *participant_id,
                                           const char   *status,
                                           int           minutes,
                                           GError      **error);
/* Everyone enrolled and in study on the session's date who has no
 * attendance yet is marked present with the session's minutes. Returns how
 * many rows it wrote, or -1 with @error. */
int          st_attendance_fill_present   (StDb         *db,
                                           const char   *session_id,
                                           GError      **error);

/* Self-study or online hours (kind self | online) on @date, from @source
 * (may be NULL). */
typedef struct
{
  const char *date;
  int         minutes;
  const char *kind;
  const char *source;
} StStudyHours;

/* @hours for a participant; @enrolment_id may be NULL (they count for
 * every enrolment of the participant). */
gboolean     st_study_log_add             (StDb               *db,
                                           const char         *participant_id,
                                           const char         *enrolment_id,
                                           const StStudyHours *hours,
                                           GError            **error);
/* The same for every participant in study in a class, except @except
 * (participant ids, may be NULL). Returns how many logs were written. */
int          st_study_log_add_for_class   (StDb               *db,
                                           const char         *class_id,
                                           const StStudyHours *hours,
                                           const char *const  *except,
                                           GError            **error);

/* A practical assignment (实操作业), done or not. Returns its id. */
char        *st_assignment_add            (StDb         *db,
                                           const char   *enrolment_id,
                                           const char   *title,
                                           const char   *done_on,
                                           GError      **error);
gboolean     st_assignment_set_done       (StDb         *db,
                                           const char   *assignment_id,
                                           const char   *done_on,
                                           GError      **error);

/* An assessment result (kind culture | skill | moral, result pass | fail).
 * Refused while practical assignments are not done when the program says
 * so (annex 6 §(五)4). */
gboolean     st_assessment_record         (StDb         *db,
                                           const char   *enrolment_id,
                                           const char   *kind,
                                           const char   *result,
                                           const char   *date,
                                           const char   *assessor,
                                           GError      **error);

/* Exemption of an assessment by a certificate (kind exemption, @target the
 * assessment; it rests on a qualification certificate and may carry
 * @credits), credits (kind credit, §(六)2–3: @credits resting on
 * @credit_basis, "certificate" (a qualification or skill-level
 * certificate), "award" (a competition) or "innovation" (at work)), or the
 * internship waived for @credits years of related work (kind
 * internship_waiver; refused below the program's years). @basis names
 * what it rests on. Annex 6 §(六)2–4. */
typedef struct
{
  const char *kind;
  const char *target;
  const char *credit_basis;
  const char *basis;
  int         credits;
  const char *date;
} StExemptionEntry;

gboolean     st_exemption_add             (StDb                   *db,
                                           const char             *enrolment_id,
                                           const StExemptionEntry *entry,
                                           GError                **error);
/* The credits of an enrolment as one line: "4 credits: Qualification
 * certificate 2 (农作物植保员四级), Competition award 2 (县技能大赛)" —
 * translated; NULL when it has none. Exemptions count with the credits
 * they carry. Only those dated on or before @as_of (NULL = all). */
char        *st_credits_describe          (StDb         *db,
                                           const char   *enrolment_id,
                                           const char   *as_of,
                                           GError      **error);
/* Qualification certificate, competition award, innovation at work —
 * translated; NULL for an unknown code. */
const char  *st_credit_basis_to_display   (const char   *code);

GQuark       st_records_error_quark       (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StClass, st_class_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StEnrolment, st_enrolment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StSession, st_session_free)

G_END_DECLS
