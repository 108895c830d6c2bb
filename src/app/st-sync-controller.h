/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app's side of syncing: the account and its token, automatic syncs
 * (at start, on a timer, when the network comes back), and a state the
 * header bar shows. Syncs run in a worker thread on a connection of their
 * own (st_sync_run_async), so the window never waits for them. */
#pragma once

#include <gio/gio.h>

#include "st-db.h"
#include "st-sync.h"

G_BEGIN_DECLS

typedef enum
{
  ST_SYNC_STATUS_NOT_SET_UP,
  ST_SYNC_STATUS_UP_TO_DATE,
  ST_SYNC_STATUS_WAITING,        /* changes waiting to be sent */
  ST_SYNC_STATUS_SYNCING,
  ST_SYNC_STATUS_OFFLINE,
  ST_SYNC_STATUS_SIGN_IN_NEEDED,
  ST_SYNC_STATUS_ERROR,
} StSyncStatus;

#define ST_TYPE_SYNC_STATUS (st_sync_status_get_type ())
GType st_sync_status_get_type (void);

/* Its state is in read-only properties that notify when they change, for
 * widgets to bind: "status" (StSyncStatus), "title", "detail",
 * "error-details", "pending", "review-count", "signed-in", "syncing",
 * "account-label", "last-rejected" — each what its getter below returns.
 * "changed" is emitted once after any change of state; "synced" when a
 * sync changed something here. */
#define ST_TYPE_SYNC_CONTROLLER (st_sync_controller_get_type ())
G_DECLARE_FINAL_TYPE (StSyncController, st_sync_controller, ST, SYNC_CONTROLLER, GObject)

/* @automatic: sync at start, every 15 minutes and when the network
 * returns (FALSE in tests, which sync when they say). */
StSyncController *st_sync_controller_new          (StDb             *db,
                                                   gboolean          automatic);
StSyncStatus      st_sync_controller_get_status   (StSyncController *self);
/* One line for the header bar ("Up to date", "12 changes waiting" …) and
 * a sentence under it; the technical details of the last error, or NULL. */
const char       *st_sync_controller_get_title    (StSyncController *self);
const char       *st_sync_controller_get_detail   (StSyncController *self);
const char       *st_sync_controller_get_error_details (StSyncController *self);
gint64            st_sync_controller_get_pending  (StSyncController *self);
gint64            st_sync_controller_get_review_count (StSyncController *self);
/* "qiaoma · https://…", or NULL when not signed in. */
char             *st_sync_controller_dup_account_label (StSyncController *self);
gboolean          st_sync_controller_is_signed_in (StSyncController *self);
gboolean          st_sync_controller_is_syncing   (StSyncController *self);
/* Changes the server refused in the last sync. */
gint64            st_sync_controller_get_last_rejected (StSyncController *self);

void              st_sync_controller_sync_now     (StSyncController *self);
/* Re-reads the counts after a local change. */
void              st_sync_controller_refresh      (StSyncController *self);

void              st_sync_controller_sign_in_async  (StSyncController    *self,
                                                     const char          *server,
                                                     const char          *user,
                                                     const char          *password,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean          st_sync_controller_sign_in_finish (StSyncController    *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* Revokes the token (if the server is reachable) and forgets the account;
 * the changes not sent stay on this laptop for the next account. */
void              st_sync_controller_sign_out_async  (StSyncController    *self,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          st_sync_controller_sign_out_finish (StSyncController    *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* How far the server's clock is ahead of this laptop's, in ms, as last
 * seen (0 before the first sign-in). */
gint64        st_sync_controller_get_clock_offset (StSyncController *self);
/* Pins @pin as the certificate of @server (st-sync-pin.h), once a person
 * has compared it with the one the county office gave. */
gboolean      st_sync_controller_trust_certificate (StSyncController  *self,
                                                    const char        *server,
                                                    const char        *pin,
                                                    GError           **error);

G_END_DECLS
