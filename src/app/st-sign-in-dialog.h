/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Server address, user name and password; signs in off the main thread. */
#pragma once

#include <adwaita.h>

#include "st-sync-controller.h"

G_BEGIN_DECLS

#define ST_TYPE_SIGN_IN_DIALOG (st_sign_in_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StSignInDialog, st_sign_in_dialog, ST, SIGN_IN_DIALOG, AdwWindow)

StSignInDialog *st_sign_in_dialog_new (GtkWindow        *parent,
                                       StSyncController *controller,
                                       GSettings        *settings);

G_END_DECLS
