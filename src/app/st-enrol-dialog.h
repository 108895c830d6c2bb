/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Enrolment in a class from a search of the register (name, pinyin
 * initials, ID digits, as on the Participants page). */
#pragma once

#include <adwaita.h>

#include "st-db.h"
#include "st-divisions.h"

G_BEGIN_DECLS

#define ST_TYPE_ENROL_DIALOG (st_enrol_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StEnrolDialog, st_enrol_dialog, ST, ENROL_DIALOG, AdwWindow)

/* Emits ::enrolled with the participant's name after each enrolment. */
StEnrolDialog *st_enrol_dialog_new    (GtkWindow     *parent,
                                       StDb          *db,
                                       StDivisions   *divisions,
                                       const char    *class_id);
/* For the tests and the screenshots: types @text into the search and
 * searches at once; enrols one of the results. */
void           st_enrol_dialog_search (StEnrolDialog *self,
                                       const char    *text);
guint          st_enrol_dialog_get_n_results (StEnrolDialog *self);
/* "Only those willing to enrol": the willing of the class's township
 * (st-visit.h), without a search. */
GtkCheckButton *st_enrol_dialog_get_willing_check (StEnrolDialog *self);
gboolean       st_enrol_dialog_enrol  (StEnrolDialog *self,
                                       const char    *participant_id,
                                       GError       **error);

G_END_DECLS
