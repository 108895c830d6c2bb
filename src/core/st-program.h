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
