/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sync engine (docs/sync-protocol.md, "What a client must do"): signs in
 * to the county server, pushes the outbox, pulls the feed. Every piece of
 * bookkeeping commits in the same transaction as the data it describes, so a
 * run killed at any point resumes where it stopped.
 *
 * st_sync_run () is blocking and works on the connection it is given (tests,
 * the command line); st_sync_run_async () opens a connection of its own in a
 * worker thread, so the user interface never waits for the network or for
 * the database while a sync runs. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "st-db.h"

G_BEGIN_DECLS

#define ST_SYNC_ERROR (st_sync_error_quark ())

typedef enum
{
  ST_SYNC_ERROR_OFFLINE,          /* the server cannot be reached */
  ST_SYNC_ERROR_SIGN_IN_NEEDED,   /* no token, or it expired or was revoked */
  ST_SYNC_ERROR_BAD_CREDENTIALS,  /* wrong user name or password */
  ST_SYNC_ERROR_ACCOUNT_DISABLED,
  ST_SYNC_ERROR_THROTTLED,        /* too many attempts: wait */
  ST_SYNC_ERROR_SERVER,           /* the server is unwell (503) or answered nonsense */
  ST_SYNC_ERROR_REFUSED,          /* the server refused a request: a bug, details in the message */
  ST_SYNC_ERROR_OTHER_SERVER,     /* this laptop is signed in to another server */
  ST_SYNC_ERROR_DATABASE,         /* the local database failed (disk full …) */
  ST_SYNC_ERROR_CANCELLED,
  ST_SYNC_ERROR_KILLED,           /* a simulated crash (tests) */
  ST_SYNC_ERROR_SERVER_TOO_OLD,   /* the server is older than this laptop: the message names both versions */
  ST_SYNC_ERROR_CERTIFICATE,      /* the server's certificate is not trusted (nor pinned): the message shows its fingerprint */
  ST_SYNC_ERROR_CERTIFICATE_CHANGED, /* the server shows another certificate than the one pinned */
} StSyncError;

/* The protocol revision this laptop speaks (docs/sync-protocol.md,
 * Versions), stated in the header Shuangti-Protocol of every request. */
#define ST_SYNC_PROTOCOL 2

/* What the server says about the signed-in account. */
typedef struct
{
  char     *server;        /* URL, no trailing slash */
  char     *name;
  char     *role;          /* trainer, township, county, admin */
  GStrv     townships;     /* 12-digit codes */
  gboolean  all_townships;
  char     *token;
  gint64    expires_at;    /* ms */
} StSyncAccount;

void           st_sync_account_free  (StSyncAccount *account);
/* The account this database last signed in with (without its token), or
 * NULL. Kept in the meta table as sync.server, sync.account, sync.role,
 * sync.townships (a JSON array), sync.all_townships. */
StSyncAccount *st_sync_account_load  (StDb          *db);

typedef enum
{
  ST_SYNC_PHASE_CONNECTING,
  ST_SYNC_PHASE_PUSHING,
  ST_SYNC_PHASE_PULLING,
  ST_SYNC_PHASE_DONE,
} StSyncPhase;

typedef struct
{
  StSyncPhase phase;
  gint64      done;     /* changes pushed, or entries pulled, so far */
  gint64      total;    /* changes to push; -1 when unknown (pulling) */
} StSyncProgress;

typedef void (*StSyncProgressFunc) (const StSyncProgress *progress,
                                    gpointer              user_data);

/* Test hooks: faults injected into the transport, decided by a seeded
 * random generator, and simulated crashes at named points. */
typedef struct
{
  guint32  seed;
  double   drop_request;     /* fails before sending: the server never saw it */
  double   drop_response;    /* sent and processed, but the answer is lost */
  double   duplicate;        /* sent twice */
  double   replay;           /* an earlier push is sent again first (a late duplicate) */
  /* Returns TRUE to crash at @point: the run stops without committing, as
   * if the process had been killed there. */
  gboolean (*crash) (const char *point, gpointer user_data);
  gpointer crash_data;
} StSyncFaults;

typedef struct
{
  StSyncProgressFunc  progress;
  gpointer            progress_data;
  guint               max_batch;        /* changes per push (default 500) */
  gsize               max_batch_bytes;  /* default 1 MiB */
  guint               pull_limit;       /* entries per pull page (default 5000) */
  guint               attempts;         /* per request, for transient failures (default 4) */
  guint               retry_base_ms;    /* first back-off (default 1000), doubling */
  guint               timeout_s;        /* per request (default 60) */
  const StSyncFaults *faults;
} StSyncOptions;

typedef struct
{
  gint64 pushed;        /* changes sent and acknowledged */
  gint64 applied;
  gint64 duplicates;
  gint64 conflicts;
  gint64 rejected;
  gint64 pulled;        /* feed entries applied */
  gint64 evicted;
  guint  requests;      /* round trips */
  gint64 bytes_sent;    /* headers and bodies, as on the wire */
  gint64 bytes_received;
  gint64 server_time;   /* of the last response */
} StSyncStats;

/* Signs in with the database's device id, stores the account (not the
 * token) in the database and returns it with its token. */
StSyncAccount *st_sync_sign_in       (StDb          *db,
                                      const char    *server,
                                      const char    *user,
                                      const char    *password,
                                      GCancellable  *cancellable,
                                      GError       **error);
/* Revokes @token on the server (best effort) and forgets the account. The
 * outbox is kept: unsynced changes are pushed by the next account that
 * signs in on this laptop. */
gboolean       st_sync_sign_out      (StDb          *db,
                                      const char    *token,
                                      GCancellable  *cancellable,
                                      GError       **error);

/* One sync: push the outbox, then pull until up to date. @options may be
 * NULL; @stats (may be NULL) is filled even on failure. */
gboolean       st_sync_run           (StDb                *db,
                                      const char          *token,
                                      const StSyncOptions *options,
                                      StSyncStats         *stats,
                                      GCancellable        *cancellable,
                                      GError             **error);

/* The same in a worker thread on a connection of its own to @db_path;
 * @progress is called in the thread-default main context of the caller. */
void           st_sync_run_async     (const char          *db_path,
                                      const char          *token,
                                      StSyncProgressFunc   progress,
                                      gpointer             progress_data,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean       st_sync_run_finish    (GAsyncResult        *result,
                                      StSyncStats         *stats,
                                      GError             **error);

/* Changes waiting to be pushed; -1 (with @error set) when the outbox
 * cannot be read. */
gint64         st_sync_count_pending (StDb          *db);
gint64         st_sync_count_pending_full (StDb     *db,
                                           GError  **error);
/* When the last sync finished (ms), or 0. */
gint64         st_sync_last_sync     (StDb          *db);

/* Review items (conflicts and merges) and refused changes. */
typedef enum
{
  ST_SYNC_ITEM_CONFLICT,   /* from the server: both values of a concurrent edit */
  ST_SYNC_ITEM_MERGE,      /* from the server: one person registered twice */
  ST_SYNC_ITEM_REFUSED,    /* a change of this laptop the server refused */
  ST_SYNC_ITEM_DELETE,     /* from the server: a delete refused because it had not seen an edit */
} StSyncItemKind;

typedef struct
{
  char           *id;            /* review item UUID, or "refused:N" */
  StSyncItemKind  kind;
  char           *table;
  char           *row;
  char           *township_code;
  char           *summary;       /* one translated sentence for a clerk */
  JsonObject     *data;          /* everything the server said (or NULL) */
  gint64          created_at;
} StSyncItem;

void           st_sync_item_free     (StSyncItem    *item);
/* Unresolved items, newest first. */
GPtrArray     *st_sync_list_items    (StDb          *db,
                                      GError       **error);
/* Unresolved items and refusals; -1 when they cannot be read. */
gint64         st_sync_count_items   (StDb          *db);
/* Marks an item resolved. A review item's resolution is pushed to the
 * server; when @use_losing_values, the values that lost are written to the
 * record first, as a local edit. */
gboolean       st_sync_resolve_item  (StDb          *db,
                                      const char    *id,
                                      gboolean       use_losing_values,
                                      GError       **error);

/* For showing an item: a field's label for a clerk, and a row's current
 * value of a field (NULL when the table, row or field does not exist). */
const char    *st_sync_field_label   (const char    *field);
char          *st_sync_current_value (StDb          *db,
                                      const char    *table,
                                      const char    *row,
                                      const char    *field);
/* The losing values of a review item (field → value), or NULL. */
JsonObject    *st_sync_item_values   (const StSyncItem *item);

/* A sentence for a clerk for an error of this module. */
char          *st_sync_describe_error (const GError *error);

GQuark         st_sync_error_quark   (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StSyncAccount, st_sync_account_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StSyncItem, st_sync_item_free)

G_END_DECLS
