/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sync indicator of the header bar: an icon for the state, and a
 * popover with the state in words, Sync Now, Review, and the account. */
#pragma once

#include <adwaita.h>

#include "st-sync-controller.h"

G_BEGIN_DECLS

#define ST_TYPE_SYNC_BUTTON (st_sync_button_get_type ())
G_DECLARE_FINAL_TYPE (StSyncButton, st_sync_button, ST, SYNC_BUTTON, AdwBin)

void              st_sync_button_set_controller (StSyncButton     *self,
                                                 StSyncController *controller,
                                                 StDb             *db,
                                                 GSettings        *settings);
/* For tests. */
GtkPopover       *st_sync_button_get_popover    (StSyncButton     *self);
const char       *st_sync_button_get_icon_name  (StSyncButton     *self);
GtkWindow        *st_sync_button_get_review_window (StSyncButton  *self);
GtkWindow        *st_sync_button_get_sign_in_dialog (StSyncButton *self);
GtkWindow        *st_sync_button_get_bundle_dialog (StSyncButton *self);

G_END_DECLS
