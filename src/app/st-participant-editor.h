/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One participant, every field editable with inline validation, the
 * derived birth date, sex and age, and the change history. The full ID
 * number is shown here and nowhere else. */
#pragma once

#include <adwaita.h>

#include "st-db.h"
#include "st-divisions.h"

G_BEGIN_DECLS

#define ST_TYPE_PARTICIPANT_EDITOR (st_participant_editor_get_type ())
G_DECLARE_FINAL_TYPE (StParticipantEditor, st_participant_editor, ST, PARTICIPANT_EDITOR, AdwWindow)

/* @uuid NULL: a new participant. Emits "saved" (uuid, created) after a
 * save, and "delete-requested" (uuid, name) when asked to delete; the
 * window confirms. */
StParticipantEditor *st_participant_editor_new      (GtkWindow   *parent,
                                                     StDb        *db,
                                                     StDivisions *divisions,
                                                     const char  *uuid);
const char          *st_participant_editor_get_uuid (StParticipantEditor *self);

/* This account records no visit (a trainer's, the server refuses them):
 * Add Visit off, its tooltip saying @why; NULL allows them again. */
void                 st_participant_editor_refuse_visits (StParticipantEditor *self,
                                                          const char          *why);

G_END_DECLS
