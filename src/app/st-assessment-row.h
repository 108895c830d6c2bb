/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One participant on the assessment sheet: pass, fail or nothing. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ST_TYPE_ASSESSMENT_ROW (st_assessment_row_get_type ())
G_DECLARE_FINAL_TYPE (StAssessmentRow, st_assessment_row, ST, ASSESSMENT_ROW, AdwActionRow)

/* @blocked: why no result can be recorded, or NULL. */
StAssessmentRow *st_assessment_row_new           (const char      *enrolment_id,
                                                  const char      *name,
                                                  const char      *subtitle,
                                                  const char      *blocked);
const char      *st_assessment_row_get_enrolment (StAssessmentRow *self);
gboolean         st_assessment_row_is_blocked    (StAssessmentRow *self);
/* "pass", "fail" or NULL. */
const char      *st_assessment_row_get_result    (StAssessmentRow *self);
void             st_assessment_row_set_result    (StAssessmentRow *self,
                                                  const char      *result);
/* After saving: the error of this row, or NULL when it was saved. */
void             st_assessment_row_set_error     (StAssessmentRow *self,
                                                  const char      *message);

G_END_DECLS
