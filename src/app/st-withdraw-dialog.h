/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Withdrawal (退学) of an enrolment, with its date and reason. */
#pragma once

#include <adwaita.h>

#include "st-db.h"

G_BEGIN_DECLS

#define ST_TYPE_WITHDRAW_DIALOG (st_withdraw_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StWithdrawDialog, st_withdraw_dialog, ST, WITHDRAW_DIALOG, AdwMessageDialog)

/* Emits ::withdrawn with a message for a toast once recorded, or
 * ::refused with the reason the core gives. */
StWithdrawDialog *st_withdraw_dialog_new    (GtkWindow        *parent,
                                             StDb             *db,
                                             const char       *enrolment_id,
                                             const char       *name);

G_END_DECLS
