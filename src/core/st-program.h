/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Programs (项目) are data: the rules of a program live in a JSON file
 * (docs/programs.md), not in C. Two are built in. */
#pragma once

#include "st-db.h"

G_BEGIN_DECLS

#define ST_PROGRAM_ERROR (st_program_error_quark ())

typedef enum
{
  ST_PROGRAM_ERROR_INVALID,    /* a field is missing or wrong; the message names it */
  ST_PROGRAM_ERROR_NOT_FOUND,
} StProgramError;

typedef enum
{
  ST_PROGRAM_DIPLOMA,          /* 中职非全日制学历教育: graduation rules of SPEC §3 */
  ST_PROGRAM_TRAINING,         /* 短期职业技能培训: attended hours ≥ N → qualified */
} StProgramKind;

/* Assessments, as bits. */
typedef enum
{
  ST_ASSESSMENT_CULTURE = 1 << 0,   /* 文化课, by the county education bureau */
  ST_ASSESSMENT_SKILL   = 1 << 1,   /* 专业技能课, by the county vocational school */
  ST_ASSESSMENT_MORAL   = 1 << 2,   /* 思想品德评价 */
} StAssessmentKind;

/* How a class holds its concentrated teaching (annex 6 §(五)4): a day of
 * class each month (每班每月集中授课1次，每次1天(8学时)), or blocks of
 * training at least twice a year (每年每班集中培训不少于两次，每次不低于120学时). */
typedef enum
{
  ST_SCHEDULE_MONTHLY,
  ST_SCHEDULE_BLOCKS,
} StSchedule;

typedef enum
{
  ST_EDUCATION_NONE,
  ST_EDUCATION_PRIMARY,
  ST_EDUCATION_JUNIOR,
  ST_EDUCATION_SENIOR,
  ST_EDUCATION_UNKNOWN,
  ST_N_EDUCATION
} StEducation;

typedef struct
{
  char          *code;
  char          *name;
  char          *name_en;
  StProgramKind  kind;
  guint          study_years[ST_N_EDUCATION];
  /* A training's length in days ("study_length": days, or weeks × 7), the
   * same for everyone; 0 = the study years above. */
  guint          study_days;
  /* Years the study length may be extended by an approved extension
   * (0 = none, the default). */
  guint          max_extension_years;
  /* Minutes, as the database keeps hours. */
  gint64         concentrated_minutes_per_year;
  gboolean       online_sessions_count_as_concentrated;
  gboolean       practical_sessions_count_as_concentrated;
  gboolean       self_study_at_least_concentrated;
  gint64         self_and_online_min_minutes;
  gboolean       assignments_before_assessment;
  guint          min_assignments;
  guint          required_assessments;   /* StAssessmentKind bits */
  guint          exemptions_allowed;     /* StAssessmentKind bits */
  gboolean       internship_required;
  guint          internship_waiver_years;
  gboolean       early_graduation;
  gint64         attended_min_minutes;   /* training programs */
  /* The concentrated-teaching schedule (diploma programs): the classes'
   * default, a month's meeting, and the blocks. */
  StSchedule     default_schedule;
  gint64         monthly_meeting_minutes;
  gint64         block_minutes;
  guint          blocks_per_year;
  /* At most this share of the concentrated hours required may be held
   * online; -1 = no cap (the default). */
  int            online_concentrated_max_percent;
  /* Credits required (§(六)2–3, the school's own rule); 0 = none. */
  guint          min_credits;
  char          *graduate_education_level;
  char          *certificate_names[3];   /* graduation, completion, study record */
  char          *json;                   /* the source */
} StProgram;

/* Parses and checks a program; a broken one is refused with the field and
 * the reason named ("secondary-vocational.json: “self_and_online_min_hours”
 * must be a number of hours ≥ 0"). */
StProgram       *st_program_new_from_data   (const char   *json,
                                             gssize        length,
                                             const char   *name,
                                             GError      **error);
StProgram       *st_program_new_from_file   (const char   *path,
                                             GError      **error);
void             st_program_free            (StProgram    *program);

/* The built-in programs, in a fixed order. */
const GPtrArray *st_programs_builtin        (void);
/* A program by code: one stored in @db (added by the county) wins over the
 * built-in one of the same code. */
StProgram       *st_program_load            (StDb         *db,
                                             const char   *code,
                                             GError      **error);
/* All programs @db knows, built-in and added (element-type StProgram). */
GPtrArray       *st_program_list            (StDb         *db,
                                             GError      **error);
/* Stores a program read from a file (validated) so that it syncs. */
gboolean         st_program_save            (StDb         *db,
                                             StProgram    *program,
                                             GError      **error);

guint            st_program_study_years     (const StProgram *program,
                                             const char      *education);
/* The class's schedule: @code ("monthly", "blocks") or, for NULL, the
 * program's default. */
StSchedule       st_program_schedule        (const StProgram *program,
                                             const char      *code);
/* Concentrated minutes one person must attend per year of study length
 * under @schedule: the monthly hours per year, or the blocks' hours. */
gint64           st_program_concentrated_per_year (const StProgram *program,
                                                   StSchedule       schedule);
const char      *st_schedule_to_code        (StSchedule       schedule);
/* "monthly" → ST_SCHEDULE_MONTHLY …; -1 for anything else. */
int              st_schedule_from_code      (const char      *code);
/* "A day (8 hours) each month", "2 blocks of 120 hours a year" — translated. */
char            *st_schedule_describe       (const StProgram *program,
                                             StSchedule       schedule);
/* The day the study length of an enrolment on @program ends: @enrolled_on
 * plus the program's days (a training given in days or weeks), or plus
 * @study_years + @extension_years years. What is dated on or before it
 * counts (annex 6 §(七)1(2), §(七)2). NULL for a broken date. */
char            *st_program_end_date        (const StProgram *program,
                                             const char      *enrolled_on,
                                             guint            study_years,
                                             guint            extension_years);
/* "5 days", "2 weeks", "3 years" — translated. */
char            *st_program_describe_length (const StProgram *program,
                                             guint            study_years);
StEducation      st_education_from_code     (const char   *code);

const char      *st_assessment_kind_to_code (StAssessmentKind kind);
StAssessmentKind st_assessment_kind_from_code (const char *code);
const char      *st_assessment_kind_to_display (StAssessmentKind kind);

/* Majors (专业): the list of annex 6 §(四), plus those a county added, less
 * those it removed. Sorted as the annex lists them, added ones last. */
GPtrArray       *st_majors_list             (StDb         *db,
                                             GError      **error);
gboolean         st_major_add               (StDb         *db,
                                             const char   *name,
                                             GError      **error);
gboolean         st_major_remove            (StDb         *db,
                                             const char   *name,
                                             GError      **error);

GQuark           st_program_error_quark     (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StProgram, st_program_free)

G_END_DECLS
