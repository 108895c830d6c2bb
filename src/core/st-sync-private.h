/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the parts of the sync engine share: the connection to the server
 * and its requests (st-sync-transport.c), the database helpers and the
 * tables the feed carries (st-sync.c), the push (st-sync-push.c), the pull
 * (st-sync-pull.c) and the review items (st-sync-review.c). Only the sync
 * engine includes it. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "st-db.h"
#include "st-sync.h"

G_BEGIN_DECLS

/* The tables the feed may carry that this laptop keeps (any other is
 * skipped: a newer server may have more). */
#define ST_SYNC_N_FEED_TABLES 14
extern const char *const st_sync_feed_tables[ST_SYNC_N_FEED_TABLES];

typedef struct
{
  StDb                *db;
  SoupSession         *session;
  char                *server;
  const char          *token;
  StSyncOptions        options;
  StSyncStats         *stats;
  GCancellable        *cancellable;
  GRand               *rand;           /* faults */
  GBytes              *last_push;      /* for the replay fault */
  gboolean             offset_changed;
  char                *restore_mark;   /* restore_mark () when the run began */
  int                  server_protocol; /* from the answers' headers; 0: not stated (protocol 1) */
  int                  server_schema;   /* -1: not stated */
  char                *server_version;
  gboolean             origin_changed;  /* a pull met a restored or another server database */
  int                  schema;          /* the laptop's, read once: the fetch thread must not touch @db */
  char                *pin;            /* the certificate pinned for the server (st-sync-pin.h), or NULL */
  char                *ca_file;        /* certificate authorities trusted besides the system's */
  char                *shown_pin;      /* the untrusted certificate the server last showed */
} Conn;

typedef struct
{
  guint       status;
  JsonNode   *root;      /* NULL when the body is not JSON */
  JsonObject *object;    /* root's object, or NULL */
  const char *code;      /* of an error body */
  gint64      retry_after;
  gboolean    raw;       /* set by the caller: a 200 answer's body is kept in @body, not parsed */
  GBytes     *body;
} Reply;

/* @gzip of st_sync_send_once () and st_sync_request (): FALSE (0) sends
 * the body as it is, TRUE (1) gzips it, SEND_GZIPPED says it is gzipped
 * already. */
#define SEND_GZIPPED 2

/* st-sync.c: accounts and database helpers */
/* The columns of a synced table but its key, clock, device and tombstone. */
typedef struct
{
  char      *table;
  GPtrArray *columns;      /* char * */
  char      *upsert_sql;
  sqlite3_stmt *upsert;    /* prepared once per pull: a lookup of its text per entry cost more */
  gboolean   scoped;       /* has township_code */
  gboolean   review_items;
} TableInfo;

char *st_sync_json_text_from_array (JsonArray *array);
gint64 st_sync_meta_int (StDb *db, const char *key, gint64 fallback);
gboolean st_sync_set_meta_int (StDb *db, const char *key, gint64 value, GError **error);
gboolean st_sync_is_feed_table (const char *table);
void st_sync_table_info_free (TableInfo *info);
TableInfo *st_sync_table_info_new (StDb *db, const char *table, GError **error);
void st_sync_bind_json (sqlite3_stmt *stmt, int index, JsonNode *node);
gboolean st_sync_has_meta (StDb *db, const char *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TableInfo, st_sync_table_info_free)

/* st-sync-transport.c */
void st_sync_reply_clear (Reply *reply);
gboolean st_sync_crash_at (Conn *conn, const char *point, GError **error);
gboolean st_sync_fault (Conn *conn, double p);
void st_sync_set_http_error (Reply *reply, GError **error);
GBytes *st_sync_gzip_bytes (GBytes *bytes);
gboolean st_sync_send_once (Conn *conn, const char *method, const char *path, GBytes *body, gboolean gzip, gboolean authorized, Reply *reply, GError **error);
gboolean st_sync_request (Conn *conn, const char *method, const char *path, GBytes *body, gboolean gzip, gboolean authorized, Reply *reply, GError **error);
gboolean st_sync_check_not_restored (Conn *conn, GError **error);
gboolean st_sync_check_server_schema (Conn *conn, GError **error);
void st_sync_conn_init (Conn *conn, StDb *db, const char *server, const char *token, const StSyncOptions *options, StSyncStats *stats, GCancellable *cancellable);
void st_sync_conn_clear (Conn *conn);
GBytes *st_sync_json_body (JsonBuilder *builder);
void st_sync_report (Conn *conn, StSyncPhase phase, gint64 done, gint64 total);
void st_sync_conn_copy_for_thread (Conn *copy, const Conn *conn, StSyncStats *stats);
void st_sync_conn_merge_from_thread (Conn *conn, Conn *copy, StSyncStats *stats);

/* st-sync-push.c */
/* Restamps the unsent changes a wrong date put past the server's time
 * (as the laptop's clock offset says it is). */
gboolean st_sync_restamp_future (Conn *conn, GError **error);
gboolean st_sync_check_device (Conn *conn, GError **error);
gboolean st_sync_push (Conn *conn, GError **error);
/* The outbox after @after as one push body of at most @max_changes. */
GBytes *st_sync_build_batch (Conn *conn, gint64 after, guint max_changes, gint64 *last_seq, guint *n_changes,
                             GError **error);
/* The per-change results of a push, applied in one transaction. */
gboolean st_sync_acknowledge (Conn *conn, JsonArray *results, GError **error);
/* A refusal of a whole request that sending it again cannot help. */
gboolean st_sync_refused_for_good (const Reply *reply);
/* The change @seq, refused alone for good, set aside for review. */
gboolean st_sync_set_aside (Conn *conn, gint64 seq, const Reply *reply, GError **error);

/* st-sync-pull.c */
gboolean st_sync_pull (Conn *conn, GError **error);
/* Pages (StPage *) that came in a file, applied as the pull applies them. */
gboolean st_sync_apply_pages (Conn *conn, GPtrArray *pages, GError **error);

/* st-sync-review.c */
char *st_sync_row_label (StDb *db, const char *table, const char *row);

G_END_DECLS
