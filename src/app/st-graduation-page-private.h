/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the tests, the benchmark and the screenshots. */
#pragma once

#include <adwaita.h>

#include "st-graduation-page.h"

G_BEGIN_DECLS

GtkColumnView    *st_graduation_page_get_column_view     (StGraduationPage *self);
GtkDropDown      *st_graduation_page_get_township_dropdown (StGraduationPage *self);
GtkDropDown      *st_graduation_page_get_class_dropdown  (StGraduationPage *self);
GtkDropDown      *st_graduation_page_get_state_dropdown  (StGraduationPage *self);
GtkLabel         *st_graduation_page_get_counts_label    (StGraduationPage *self);
GtkLabel         *st_graduation_page_get_selection_label (StGraduationPage *self);
GtkWidget        *st_graduation_page_get_approve_button  (StGraduationPage *self);
GtkWidget        *st_graduation_page_get_assess_button   (StGraduationPage *self);
GtkWidget        *st_graduation_page_get_documents_button (StGraduationPage *self);
/* Rows shown now (after the filters). */
guint             st_graduation_page_get_n_rows          (StGraduationPage *self);
/* TRUE while the rules are being checked in the background. */
gboolean          st_graduation_page_is_evaluating       (StGraduationPage *self);
/* The approval asked now, or NULL. */
AdwMessageDialog *st_graduation_page_get_confirmation    (StGraduationPage *self);
/* The assessment sheet open now, or NULL. */
GtkWindow        *st_graduation_page_get_assessment_sheet (StGraduationPage *self);
/* The last message shown (toast). */
const char       *st_graduation_page_get_last_message    (StGraduationPage *self);
/* Selects the state filter's entry for @outcome_code ("eligible"), or all
 * for NULL. */
void              st_graduation_page_filter_state        (StGraduationPage *self,
                                                          const char       *outcome_code);

G_END_DECLS
