/* SPDX-License-Identifier: GPL-3.0-or-later */
/* New session (课次) of a class: date, minutes, mode, subject, trainer and
 * place, filled in from a template (the class's last session). */
#pragma once

#include <adwaita.h>

#include "st-db.h"
#include "st-records.h"

G_BEGIN_DECLS

#define ST_TYPE_SESSION_DIALOG (st_session_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StSessionDialog, st_session_dialog, ST, SESSION_DIALOG, AdwWindow)

/* @prefill gives the class and the values shown first. Emits ::created
 * with the new session's id, then closes. */
StSessionDialog *st_session_dialog_new (GtkWindow       *parent,
                                        StDb            *db,
                                        const StSession *prefill);

G_END_DECLS
