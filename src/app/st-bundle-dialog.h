/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sync by File… (the sync menu): exports this laptop's changes as a bundle
 * for a courier, opens a file and shows what it holds before anything is
 * done with it, applies the server's reply, and sends another laptop's
 * bundle to the server from here. The work runs on threads of its own. */
#pragma once

#include <adwaita.h>

#include "st-db.h"
#include "st-sync-controller.h"

G_BEGIN_DECLS

#define ST_TYPE_BUNDLE_DIALOG (st_bundle_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StBundleDialog, st_bundle_dialog, ST, BUNDLE_DIALOG, AdwWindow)

StBundleDialog *st_bundle_dialog_new        (GtkWindow        *parent,
                                             StDb             *db,
                                             StSyncController *controller);
/* The message the dialog shows now ("" when none): for tests. */
const char     *st_bundle_dialog_get_status (StBundleDialog   *self);
/* Whether a step runs. */
gboolean        st_bundle_dialog_is_busy    (StBundleDialog   *self);

G_END_DECLS
