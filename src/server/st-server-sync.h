/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Push and pull (docs/sync-protocol.md): reading and checking a push,
 * applying it in the writer's transaction (st-server-sync.c), and reading
 * the feed (st-server-pull.c). */
#pragma once

#include "st-server-api.h"
#include "st-server-catalog.h"
#include "st-store.h"

G_BEGIN_DECLS

#define ST_SYNC_ERROR (st_sync_error_quark ())

/* Why a whole push is refused once its transaction has begun. */
typedef enum
{
  ST_SYNC_ERROR_STALE_EPOCH,
  ST_SYNC_ERROR_SEQUENCE_REUSED,
} StSyncError;

GQuark  st_sync_error_quark (void);

#define ST_PUSH_MAX_CHANGES 2000
#define ST_PULL_MAX_LIMIT   5000
#define ST_PULL_DEFAULT_LIMIT 1000

typedef struct _StPush StPush;

/* Reads and checks the whole body; NULL with @error filled (400s) when any
 * part of it is wrong. Takes a reference on @root. */
StPush  *st_push_parse      (StCatalog          *catalog,
                             JsonNode           *root,
                             const StCredential *credential,
                             const char         *server_device,
                             gint64              now_ms,
                             gint64              max_skew_ms,
                             StApiError         *error);
/* Reads the rows the push touches ahead of the writer (on the caller's
 * thread); the writer uses them if they are still current. */
void     st_push_prefetch   (StPush             *self,
                             StStore            *store);
/* The writer job: applies every change in @txn. */
gboolean st_push_apply      (StStore            *store,
                             StStoreTxn         *txn,
                             gpointer            push,
                             GError            **error);
/* The 200 body, and the log's summary of it. */
GBytes  *st_push_response   (StPush             *self,
                             gint64              now_ms,
                             char              **summary);
void     st_push_free       (StPush             *self);

/* A page of the feed after @cursor (NULL or "" = the beginning; @fresh:
 * the laptop has no row yet, so tombstones are left out), as the 200 body;
 * NULL with @error filled. */
GBytes  *st_pull_page       (StStore            *store,
                             const StCredential *credential,
                             const char         *cursor,
                             gboolean            fresh,
                             int                 client_protocol,
                             guint               limit,
                             gint64              now_ms,
                             guint              *n_entries,
                             StApiError         *error);

/* Appends "server":{"id","generation","protocol"}: the database's identity
 * and restore generation, which a laptop compares with what it saw last. */
void     st_server_origin_append (GString       *out,
                                  StStore       *store);

G_END_DECLS
