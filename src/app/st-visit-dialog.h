/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Records an outreach visit of one participant (摸排走访): the answers
 * checked by the core as they are chosen, and before saving what the visit
 * will change in the participant's record, so that nothing changes there
 * unseen. Emits "saved" with that change in words (NULL when none). */
#pragma once

#include <adwaita.h>

#include "st-db.h"

G_BEGIN_DECLS

#define ST_TYPE_VISIT_DIALOG (st_visit_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StVisitDialog, st_visit_dialog, ST, VISIT_DIALOG, AdwWindow)

StVisitDialog *st_visit_dialog_new (GtkWindow  *parent,
                                    StDb       *db,
                                    const char *participant_id);

G_END_DECLS
