/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "st-participant.h"

G_BEGIN_DECLS

/* Inserts @p as it is: for callers that have already validated every field,
 * derived birth date, sex and region from the ID number, and made sure no
 * live participant holds it (the roster import does all three per row). */
gboolean st_participant_insert_checked (StDb           *db,
                                        StParticipant  *p,
                                        GError        **error);

G_END_DECLS
