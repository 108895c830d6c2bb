/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the tests: the rows a person types into and reads. */
#pragma once

#include "st-participant-editor.h"

G_BEGIN_DECLS

GtkEditable *st_participant_editor_get_id_number_entry (StParticipantEditor *self);
GtkEditable *st_participant_editor_get_name_entry      (StParticipantEditor *self);
GtkEditable *st_participant_editor_get_phone_entry     (StParticipantEditor *self);
GtkEditable *st_participant_editor_get_notes_entry     (StParticipantEditor *self);
/* The reason an ID number is refused, as shown; NULL while it is valid. */
const char  *st_participant_editor_get_id_problem      (StParticipantEditor *self);
/* Birth date, sex and age as shown. */
const char  *st_participant_editor_get_birth_date_text (StParticipantEditor *self);
const char  *st_participant_editor_get_sex_text        (StParticipantEditor *self);
const char  *st_participant_editor_get_age_text        (StParticipantEditor *self);
/* The problem shown above the form (a refused save, a field), or NULL. */
const char  *st_participant_editor_get_error           (StParticipantEditor *self);
gboolean     st_participant_editor_can_save            (StParticipantEditor *self);
guint        st_participant_editor_get_n_history       (StParticipantEditor *self);
AdwComboRow *st_participant_editor_get_township_row    (StParticipantEditor *self);
/* The visits listed, their list, and what the last visit saved here
 * changed in the record, as said above the form (or NULL). */
guint        st_participant_editor_get_n_visits        (StParticipantEditor *self);
GtkListBox  *st_participant_editor_get_visits_list     (StParticipantEditor *self);
const char  *st_participant_editor_get_visit_info      (StParticipantEditor *self);

G_END_DECLS
