/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sync by file on the laptop (docs/sync-protocol.md, Sync by file): the
 * device's keys and their registration at sign-in, a bundle of the pending
 * changes for a laptop with no network, its relay by a laptop that has
 * one, and the reply applied as a network sync applies what it gets. */
#pragma once

#include "st-bundle-file.h"
#include "st-db.h"
#include "st-sync.h"

G_BEGIN_DECLS

/* What a bundle holds, read without its signature (which only the server
 * can check). */
typedef struct
{
  char   *id;
  char   *device;
  char   *account;     /* the account signed in when it was made */
  char   *server;      /* the server it is for */
  gint64  made_at;     /* ms, the laptop's clock */
  gint64  changes;
  gint64  size;        /* bytes of the file */
} StBundleInfo;

/* What a reply holds, once opened. */
typedef struct
{
  char   *bundle;      /* the id of the bundle it answers */
  gint64  issued;      /* ms, the server's clock */
  gint64  results;     /* changes the server answered */
  gint64  applied;
  gint64  duplicates;
  gint64  conflicts;
  gint64  rejected;
  gint64  entries;     /* rows of the pages */
  gint64  pages;
  char   *refusal;     /* the server's refusal of a whole batch, or NULL */
  char   *courier;     /* the account that relayed it, or NULL (at the server) */
} StBundleReplyInfo;

void      st_bundle_info_free        (StBundleInfo      *info);
void      st_bundle_reply_info_free  (StBundleReplyInfo *info);

/* Makes this device's keys if it has none (inside no transaction). */
gboolean  st_bundle_ensure_keys      (StDb          *db,
                                      GError       **error);
/* Registers the device's key with the server signed in with @token
 * (st_sync_sign_in () does it; a sync does it for a laptop signed in
 * before). FALSE with @error; a server without sync by file is an error. */
gboolean  st_bundle_register_key     (StDb          *db,
                                      const char    *token,
                                      GCancellable  *cancellable,
                                      GError       **error);
/* Whether the server this laptop is signed in to has its key. */
gboolean  st_bundle_key_registered   (StDb          *db);

/* A bundle of every pending change, the cursor, epoch and device, signed. */
GBytes   *st_bundle_export           (StDb          *db,
                                      StBundleInfo **info,
                                      GError       **error);
/* What a bundle file holds; NULL with @error when it is none. */
StBundleInfo *st_bundle_describe     (GBytes        *bundle,
                                      GError       **error);
/* Sends @bundle (another laptop's, or this one's) to the server this
 * laptop is signed in to with @token, and returns the server's reply. */
GBytes   *st_bundle_relay            (StDb          *db,
                                      const char    *token,
                                      GBytes        *bundle,
                                      GCancellable  *cancellable,
                                      GError       **error);
/* Opens a reply made for this laptop and says what it holds, without
 * applying it; NULL with @error (another laptop's, damaged, older). */
StBundleReplyInfo *st_bundle_describe_reply (StDb   *db,
                                             GBytes *reply,
                                             GError **error);
/* Applies a reply: the results of the bundle's changes and the pages from
 * its cursor, as a network sync applies them. A reply older than (or the
 * same as) one applied before is refused, and one that does not open
 * writes nothing. @stats (may be NULL) as st_sync_run () fills it. */
gboolean  st_bundle_import           (StDb          *db,
                                      GBytes        *reply,
                                      StSyncStats   *stats,
                                      GError       **error);
/* The message a clerk reads for a bundle error (ST_BUNDLE_ERROR or
 * ST_SYNC_ERROR), translated. */
char     *st_bundle_describe_error   (const GError  *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StBundleInfo, st_bundle_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StBundleReplyInfo, st_bundle_reply_info_free)

G_END_DECLS
