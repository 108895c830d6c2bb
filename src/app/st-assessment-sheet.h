/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Assessment results for a whole class in one sheet, by keyboard: county
 * staff pick the class and the assessment, mark each participant pass or
 * fail (P, F, 0; the next row follows), and save once. */
#pragma once

#include <adwaita.h>

#include "st-db.h"

G_BEGIN_DECLS

#define ST_TYPE_ASSESSMENT_SHEET (st_assessment_sheet_get_type ())
G_DECLARE_FINAL_TYPE (StAssessmentSheet, st_assessment_sheet, ST, ASSESSMENT_SHEET, AdwWindow)

/* @class_ids: the classes offered; @class_id the one shown first (NULL:
 * the first). */
StAssessmentSheet *st_assessment_sheet_new        (GtkWindow         *parent,
                                                   StDb              *db,
                                                   const char *const *class_ids,
                                                   const char        *class_id);
/* For the tests: the rows (StAssessmentRow), the kind chosen (culture,
 * skill, moral). */
GtkListBox        *st_assessment_sheet_get_list_box (StAssessmentSheet *self);
void               st_assessment_sheet_set_kind   (StAssessmentSheet *self,
                                                   const char        *kind);
GtkLabel          *st_assessment_sheet_get_count_label (StAssessmentSheet *self);
GtkDropDown       *st_assessment_sheet_get_class_dropdown (StAssessmentSheet *self);

G_END_DECLS
