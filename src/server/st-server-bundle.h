/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sync by file at the server (docs/sync-protocol.md, Sync by file): a
 * device's keys registered (POST /api/v1/device/key), and a bundle applied
 * as its device and account, whoever brings it (POST /api/v1/bundle, or
 * `shuangti-server bundle import` at the server itself), answered by a
 * reply sealed to that device. */
#pragma once

#include "st-server-api.h"
#include "st-server-catalog.h"
#include "st-server-writer.h"
#include "st-store.h"

G_BEGIN_DECLS

/* @answer: the reply file (relay) or NULL (key); @error set otherwise. */
typedef void (*StBundleDone) (gpointer          data,
                              GBytes           *answer,
                              const StApiError *error);

/* Where a bundle is applied: @store, checked by @catalog, changes dated
 * up to @max_skew_ms ahead of the server's clock. With a @writer (a
 * running server) the changes go through it and the done callbacks run on
 * a thread of its own; without (NULL: `bundle import`), all of it runs
 * where it is called. */
typedef struct
{
  StStore   *store;
  StCatalog *catalog;
  StWriter  *writer;
  gint64     max_skew_ms;
} StBundleTarget;

/* Keeps the keys of @credential's device ({"key": {"sign", "reply"}}); at
 * a running server (@target has a writer). */
void st_server_bundle_register (const StBundleTarget *target,
                                const StCredential   *credential,
                                JsonObject           *body,
                                StBundleDone          done,
                                gpointer              data);
/* Applies @bundle to @target as its device and account and makes the
 * reply; @courier (the account that brought it, or NULL at the server) is
 * only recorded. */
void st_server_bundle_relay    (const StBundleTarget *target,
                                const char           *courier,
                                GBytes               *bundle,
                                StBundleDone          done,
                                gpointer              data);

/* shuangti-server bundle import FILE --reply REPLY */
int  st_admin_bundle           (const char           *db_path,
                                int                   argc,
                                char                **argv);

G_END_DECLS
