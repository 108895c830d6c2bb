/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server's storage, behind a small interface: handlers and the sync
 * logic call only this, so a PostgreSQL backend can sit beside the SQLite
 * one (st-store-sqlite.c) without touching them.
 *
 * Threads: every method may be called from any thread. Reads outside a
 * transaction (@txn = NULL) run on a connection of their own and see the
 * last committed state. There is one write transaction at a time per store:
 * st_store_begin () waits for it, and only the thread that began it may use
 * the transaction. Savepoints nest the requests of one transaction (group
 * commit, st-server-writer.c). */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ST_STORE_ERROR (st_store_error_quark ())

typedef enum
{
  ST_STORE_ERROR_FAILED,         /* the storage failed: disk, damage, anything else */
  ST_STORE_ERROR_FULL,           /* the disk is full */
  ST_STORE_ERROR_BUSY,           /* another process holds the database too long */
  ST_STORE_ERROR_EXISTS,         /* an account with that name exists */
  ST_STORE_ERROR_NEWER_SCHEMA,   /* written by a newer shuangti-server */
  ST_STORE_ERROR_NOT_A_STORE,    /* not a shuangti-server database */
  ST_STORE_ERROR_EARLIER,        /* the request before failed (st_store_release_later ()) */
} StStoreError;

typedef enum
{
  ST_ROLE_TRAINER,
  ST_ROLE_TOWNSHIP,
  ST_ROLE_COUNTY,
  ST_ROLE_ADMIN,
} StRole;

typedef struct
{
  gint64    id;
  char     *name;
  StRole    role;
  char    **townships;       /* 12-digit codes; empty for county and admin */
  char     *password_hash;   /* crypto_pwhash_str () */
  gboolean  disabled;
  gint64    created_at;      /* ms */
  gint64    changed_at;
} StAccount;

/* What a token stands for. */
typedef struct
{
  StAccount *account;
  char      *device;
  gint64     expires_at;
  gboolean   revoked;
} StCredential;

/* A token as sign-in saves it (st_store_token_insert ()). */
typedef struct
{
  const char *hash;          /* st_auth_token_hash () of the token */
  gint64      account_id;
  const char *device;
  gint64      created_at;    /* ms */
  gint64      expires_at;
} StNewToken;

typedef struct
{
  char   *id;
  char   *name;
  gint64  account_id;
  gint64  registered_at;
  gint64  epoch;
  gint64  acked_seq;      /* highest client seq of @epoch processed */
  gint64  last_push_at;   /* 0 = never */
  gint64  last_pull_at;
} StDevice;

/* A device as `device list` shows it. */
typedef struct
{
  StDevice  device;
  char     *account_name;    /* of the last account signed in on it, or NULL */
  gint64    revoked_at;      /* 0: not revoked since its last sign-in */
  gint64    active_tokens;   /* tokens neither revoked nor expired */
} StDeviceInfo;

/* What `audit` looks for; NULL or 0 members match everything. */
typedef struct
{
  const char *account;       /* account name */
  const char *device;        /* a prefix of the device id */
  const char *table;
  const char *row_id;
  gint64      since;         /* ms, inclusive */
  gint64      until;         /* ms, exclusive */
  guint       limit;         /* 0: no limit */
} StLogQuery;

/* What the backends' records_by_field reads (st_store_records_by_field ()). */
typedef struct
{
  const char *table;         /* identifiers: checked by the wrapper */
  const char *field;
  const char *value;
  gboolean    live_only;
} StFieldQuery;

/* What the backends' feed_read reads (st_store_feed_read ()). */
typedef struct
{
  gboolean            all_townships;
  const char * const *townships;
  gint64              after;
  gint64              skip_deleted_until;
  guint               limit;
} StFeedQuery;

/* One administration command, for the audit. */
typedef struct
{
  gint64      id;
  gint64      at;
  const char *os_user;       /* who ran it (SUDO_USER, or the user) */
  const char *command;       /* "user add", "device revoke" … */
  const char *target;        /* the account or device */
  const char *detail;        /* what changed, never a password */
} StAdminEntry;

/* An administration command as read back (strings owned). */
typedef struct
{
  StAdminEntry  entry;
  char         *strings[4];
} StAdminRow;

/* A synced row as the server holds it. */
typedef struct
{
  char       *table;
  char       *id;
  gint64      seq;        /* position in the feed; set by st_store_record_put () */
  gint64      hlc;        /* row clock: the change that last wrote it */
  char       *device;
  char       *writer;     /* account name of that change */
  gboolean    deleted;
  char       *township;   /* NULL: everyone's (programs, majors) */
  JsonObject *data;       /* every field but deleted */
  JsonObject *clocks;     /* field → hlc of the change that last wrote it */
  /* When set, the serialisations of data and clocks, made beforehand (off
   * the writer's thread); data and clocks may then be NULL. */
  char       *data_text;
  char       *clocks_text;
} StRecord;

/* One processed change: the audit trail and the memory of op ids. */
typedef struct
{
  gint64      id;
  gint64      at;
  gint64      account_id;
  const char *account_name;
  const char *device;
  gint64      epoch;
  gint64      client_seq;
  const char *table;
  const char *row_id;
  const char *kind;         /* insert | update | delete */
  gint64      hlc;
  gint64      base_hlc;     /* 0: none */
  const char *result;       /* applied | conflict | rejected */
  const char *code;         /* why rejected, or the conflict's winner */
  gint64      server_seq;   /* 0: none */
  const char *old_values;   /* JSON object text or NULL */
  const char *new_values;
} StLogEntry;

/* An entry of the change log as read back (strings owned). */
typedef struct
{
  StLogEntry  entry;
  char       *strings[10];
} StLogRow;

/* One entry of a page of the feed. */
typedef struct
{
  gint64    seq;
  char     *table;
  char     *id;
  gint64    hlc;
  char     *device;
  gboolean  deleted;
  gboolean  evict;
  char     *data;       /* JSON object text; NULL for an eviction */
} StFeedEntry;

typedef struct _StStoreTxn StStoreTxn;

/* How sign-in failures lock a key (st-server-auth.c). */
typedef struct
{
  guint  max_failures;     /* failures before the first lockout */
  guint  lockout_s;        /* the first lockout; doubled with every further failure */
  guint  max_lockout_s;
  gint64 window_ms;        /* failures older than this are forgotten */
} StThrottlePolicy;

/* What st_store_compact () dropped. */
typedef struct
{
  gint64 horizon_seq;       /* feed positions up to this one lost details */
  gint64 changes_slimmed;   /* change-log entries whose old and new values went */
  gint64 evictions;         /* evictions dropped */
  gint64 review_items;      /* resolved review items dropped */
} StCompactStats;

#define ST_TYPE_STORE (st_store_get_type ())
G_DECLARE_INTERFACE (StStore, st_store, ST, STORE, GObject)

struct _StStoreInterface
{
  GTypeInterface parent_iface;

  int           (*get_schema_version) (StStore     *self);
  const char   *(*get_server_device)  (StStore     *self);
  const char   *(*get_identity)       (StStore     *self);
  gint64        (*get_generation)     (StStore     *self);
  gint64        (*get_compacted_seq)  (StStore     *self,
                                       GError     **error);
  gint64        (*get_feed_high)      (StStore     *self,
                                       GError     **error);
  /* Sets the meta entry @key to @value in @txn. */
  gboolean      (*meta_set)           (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *key,
                                       const char  *value,
                                       GError     **error);
  /* Takes on the identity and generation st_store_set_origin () wrote. */
  void          (*origin_set)         (StStore     *self,
                                       const char  *identity,
                                       gint64       generation);
  /* In @txn: sets @stats' horizon, then slims the change log before
   * @before_ms and drops evictions and resolved review items up to it. */
  gboolean      (*compact)            (StStore     *self,
                                       StStoreTxn  *txn,
                                       gint64       before_ms,
                                       StCompactStats *stats,
                                       GError     **error);
  gboolean      (*check)              (StStore     *self,
                                       GError     **error);

  StStoreTxn   *(*begin)              (StStore     *self,
                                       GError     **error);
  gboolean      (*commit)             (StStore     *self,
                                       StStoreTxn  *txn,
                                       GError     **error);
  void          (*rollback)           (StStore     *self,
                                       StStoreTxn  *txn);
  /* Optional: a backend without them reads statement by statement. */
  StStoreTxn   *(*begin_read)         (StStore     *self,
                                       GError     **error);
  void          (*end_read)           (StStore     *self,
                                       StStoreTxn  *txn);
  gboolean      (*savepoint)          (StStore     *self,
                                       StStoreTxn  *txn,
                                       GError     **error);
  gboolean      (*release)            (StStore     *self,
                                       StStoreTxn  *txn,
                                       GError     **error);
  void          (*rollback_to)        (StStore     *self,
                                       StStoreTxn  *txn);
  /* Optional: a backend without them releases and waits at once. */
  gboolean      (*release_later)      (StStore     *self,
                                       StStoreTxn  *txn,
                                       GError     **error);
  gboolean      (*settle)             (StStore     *self,
                                       StStoreTxn  *txn,
                                       GError     **error);

  StAccount    *(*account_find)       (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *name,
                                       GError     **error);
  GPtrArray    *(*account_list)       (StStore     *self,
                                       GError     **error);
  gboolean      (*account_insert)     (StStore     *self,
                                       StStoreTxn  *txn,
                                       StAccount   *account,
                                       GError     **error);
  gboolean      (*account_update)     (StStore     *self,
                                       StStoreTxn  *txn,
                                       const StAccount *account,
                                       GError     **error);

  StCredential *(*credential_find)    (StStore     *self,
                                       const char  *token_hash,
                                       GError     **error);
  gboolean      (*token_insert)       (StStore     *self,
                                       StStoreTxn  *txn,
                                       const StNewToken *token,
                                       GError     **error);
  gboolean      (*token_revoke)       (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *token_hash,
                                       gint64       at,
                                       GError     **error);
  gboolean      (*tokens_revoke_account) (StStore  *self,
                                       StStoreTxn  *txn,
                                       gint64       account_id,
                                       gint64       at,
                                       GError     **error);

  StDevice     *(*device_find)        (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *id,
                                       GError     **error);
  gboolean      (*device_save)        (StStore     *self,
                                       StStoreTxn  *txn,
                                       const StDevice *device,
                                       GError     **error);
  GPtrArray    *(*device_list)        (StStore     *self,
                                       gint64       now,
                                       GError     **error);
  gint64        (*device_revoke)      (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *id,
                                       gint64       at,
                                       GError     **error);
  gboolean      (*admin_log_insert)   (StStore     *self,
                                       StStoreTxn  *txn,
                                       const StAdminEntry *entry,
                                       GError     **error);
  GPtrArray    *(*admin_log_search)   (StStore     *self,
                                       const StLogQuery *query,
                                       GError     **error);
  GPtrArray    *(*log_search)         (StStore     *self,
                                       const StLogQuery *query,
                                       GError     **error);

  StRecord     *(*record_get)         (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *table,
                                       const char  *id,
                                       GError     **error);
  gboolean      (*record_seq)         (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *table,
                                       const char  *id,
                                       gint64      *seq,
                                       GError     **error);
  gboolean      (*record_put)         (StStore     *self,
                                       StStoreTxn  *txn,
                                       StRecord    *record,
                                       GError     **error);
  gboolean      (*eviction_put)       (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *table,
                                       const char  *id,
                                       const char  *township,
                                       GError     **error);
  GPtrArray    *(*record_ids_by_field) (StStore    *self,
                                       const char  *table,
                                       const char  *field,
                                       const char  *value,
                                       GError     **error);

  GPtrArray    *(*records_by_field)   (StStore     *self,
                                       StStoreTxn  *txn,
                                       const StFieldQuery *query,
                                       GError     **error);

  gint64        (*count_by_field)     (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *table,
                                       const char  *field,
                                       const char  *value,
                                       GError     **error);
  /* Optional: a backend without it counts value by value. */
  gboolean      (*count_by_field_ahead) (StStore   *self,
                                       StStoreTxn  *txn,
                                       const char  *table,
                                       const char  *field,
                                       const char * const *values,
                                       GError     **error);

  StLogRow     *(*log_find)           (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *device,
                                       gint64       epoch,
                                       gint64       client_seq,
                                       GError     **error);
  int           (*log_seen)           (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *row_id,
                                       const char  *device,
                                       gint64       hlc,
                                       GError     **error);
  gboolean      (*log_insert)         (StStore     *self,
                                       StStoreTxn  *txn,
                                       const StLogEntry *entry,
                                       GError     **error);
  GPtrArray    *(*log_for_row)        (StStore     *self,
                                       const char  *row_id,
                                       GError     **error);

  /* Sync by file: see st_store_device_key_set (). */
  gboolean      (*device_key_set)     (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *id,
                                       const char  *key,
                                       GError     **error);
  char         *(*device_key_get)     (StStore     *self,
                                       StStoreTxn  *txn,
                                       const char  *id,
                                       gint64      *account_id,
                                       gint64      *revoked_at,
                                       GError     **error);

  /* The rows of the page and, unless query->all_townships, its
   * evictions: each at most query->limit, in any order (the wrapper sorts
   * them and cuts to the limit). */
  GPtrArray    *(*feed_read)          (StStore     *self,
                                       const StFeedQuery *query,
                                       GError     **error);

  /* Optional: TRUE when several server processes may write the store at
   * once (their writers take turns for the write lock). */
  gboolean      (*is_shared)          (StStore     *self);

  /* Optional: a store that several server processes share keeps the
   * sign-in throttle (st-server-auth.c) for all of them. */
  gint64        (*throttle_locked_until) (StStore *self,
                                       const char  *key,
                                       GError     **error);
  gboolean      (*throttle_fail)      (StStore     *self,
                                       const char  *key,
                                       gint64       now_ms,
                                       const StThrottlePolicy *policy,
                                       GError     **error);
  gboolean      (*throttle_clear)     (StStore     *self,
                                       const char  *key,
                                       GError     **error);

  /* Optional: @n rows read at once, outside any transaction (one
   * snapshot); records[i] is the row tables[i]/ids[i], NULL when there is
   * none. A backend without it is read row by row (st_store_record_get). */
  gboolean      (*records_get_many)   (StStore     *self,
                                       const char * const *tables,
                                       const char * const *ids,
                                       guint        n,
                                       StRecord   **records,
                                       GError     **error);
};

GQuark        st_store_error_quark          (void);

/* Opens the server database @db: a PostgreSQL database when @db is a
 * postgresql:// or postgres:// URI or a libpq connection string
 * (st-store-pg.c), else the SQLite file at that path (st-store-sqlite.c). */
StStore      *st_store_open                 (const char  *db,
                                             GError     **error);
/* Whether @db names a file (SQLite) rather than a PostgreSQL database. */
gboolean      st_store_is_file              (const char  *db);
/* @db as messages show it: a connection string loses its password. */
char         *st_store_display_name         (const char  *db);

/* For the backends: an account's townships as the JSON array text they
 * are stored as, and back. */
char        **st_store_townships_from_text  (const char  *text);
char         *st_store_townships_to_text    (char       **townships);

int           st_store_get_schema_version   (StStore     *self);
/* The device id under which the server itself writes (review items). */
const char   *st_store_get_server_device    (StStore     *self);
/* The database's identity, a UUID made when it was created; it travels
 * with its backups. */
const char   *st_store_get_identity         (StStore     *self);
/* How many times the database was restored from a backup (0 at first):
 * the feed positions of one generation mean nothing in another. */
gint64        st_store_get_generation       (StStore     *self);
/* The feed position up to which st_store_compact () dropped evictions and
 * resolved review items (0: never); a cursor before it must start again.
 * Read afresh: compaction runs beside the server. -1 with @error set. */
gint64        st_store_get_compacted_seq    (StStore     *self,
                                             GError     **error);
/* The last feed position given (0: none); -1 with @error set. */
gint64        st_store_get_feed_high        (StStore     *self,
                                             GError     **error);
/* After a restore: sets the identity and generation (its own transaction). */
gboolean      st_store_set_origin           (StStore     *self,
                                             const char  *identity,
                                             gint64       generation,
                                             GError     **error);
/* Drops what no laptop needs any more of what is older than @before_ms:
 * the old and new values of the change log (the op ids stay, so that a
 * resent change is still known), evictions and resolved review items; and
 * remembers the horizon (st_store_get_compacted_seq ()). One transaction. */
gboolean      st_store_compact              (StStore     *self,
                                             gint64       before_ms,
                                             StCompactStats *stats,
                                             GError     **error);
/* Reads the database: TRUE when it answers. */
gboolean      st_store_check                (StStore     *self,
                                             GError     **error);

StStoreTxn   *st_store_begin                (StStore     *self,
                                             GError     **error);
gboolean      st_store_commit               (StStore     *self,
                                             StStoreTxn  *txn,
                                             GError     **error);
void          st_store_rollback             (StStore     *self,
                                             StStoreTxn  *txn);
/* One snapshot for many reads in a row from one thread (a push's rows read
 * before the writer's turn): pass it as @txn to the reading methods only,
 * and end it soon — it holds the database's state of its first read. NULL
 * (without an error) when the backend has no such thing or cannot open
 * one: read with @txn NULL then. */
StStoreTxn   *st_store_begin_read           (StStore     *self,
                                             GError     **error);
void          st_store_end_read             (StStore     *self,
                                             StStoreTxn  *txn);
gboolean      st_store_savepoint            (StStore     *self,
                                             StStoreTxn  *txn,
                                             GError     **error);
gboolean      st_store_release              (StStore     *self,
                                             StStoreTxn  *txn,
                                             GError     **error);
void          st_store_rollback_to          (StStore     *self,
                                             StStoreTxn  *txn);
/* Ends a request as st_store_release () does, but the backend may go on
 * before the database has done the request's writes (PostgreSQL: the next
 * request is made ready while the database writes this one). A failure of
 * this request then shows later: a call made for the next request fails
 * with ST_STORE_ERROR_EARLIER, and st_store_settle () gives this request's
 * own error. Either way, st_store_rollback_to () then undoes this request
 * (and the next, which never ran in the database: make it again). At most
 * one request is unsettled at a time: the next st_store_release_later ()
 * settles the one before. Not for nested savepoints. */
gboolean      st_store_release_later        (StStore     *self,
                                             StStoreTxn  *txn,
                                             GError     **error);
/* TRUE when the request last ended by st_store_release_later () (if any)
 * was written; FALSE with its error when it failed: roll back to its
 * savepoint then. Call it before the commit, and after any failure of the
 * request that followed it. */
gboolean      st_store_settle               (StStore     *self,
                                             StStoreTxn  *txn,
                                             GError     **error);

/* NULL without an error when there is none. */
StAccount    *st_store_account_find         (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *name,
                                             GError     **error);
GPtrArray    *st_store_account_list         (StStore     *self,
                                             GError     **error);
/* Sets @account->id. ST_STORE_ERROR_EXISTS when the name is taken. */
gboolean      st_store_account_insert       (StStore     *self,
                                             StStoreTxn  *txn,
                                             StAccount   *account,
                                             GError     **error);
gboolean      st_store_account_update       (StStore     *self,
                                             StStoreTxn  *txn,
                                             const StAccount *account,
                                             GError     **error);

/* NULL without an error when no token has that hash. */
StCredential *st_store_credential_find      (StStore     *self,
                                             const char  *token_hash,
                                             GError     **error);
gboolean      st_store_token_insert         (StStore     *self,
                                             StStoreTxn  *txn,
                                             const StNewToken *token,
                                             GError     **error);
gboolean      st_store_token_revoke         (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *token_hash,
                                             gint64       at,
                                             GError     **error);
gboolean      st_store_tokens_revoke_account (StStore    *self,
                                             StStoreTxn  *txn,
                                             gint64       account_id,
                                             gint64       at,
                                             GError     **error);

StDevice     *st_store_device_find          (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *id,
                                             GError     **error);
/* Inserts or replaces; a device saved is no longer revoked. */
gboolean      st_store_device_save          (StStore     *self,
                                             StStoreTxn  *txn,
                                             const StDevice *device,
                                             GError     **error);
/* Every device (element-type StDeviceInfo), the latest used first. */
GPtrArray    *st_store_device_list          (StStore     *self,
                                             gint64       now,
                                             GError     **error);
/* Revokes every token of the device @id at once and marks it revoked:
 * the number of tokens revoked, -1 with @error set, -2 when there is no
 * such device. */
gint64        st_store_device_revoke        (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *id,
                                             gint64       at,
                                             GError     **error);
gboolean      st_store_admin_log_insert     (StStore     *self,
                                             StStoreTxn  *txn,
                                             const StAdminEntry *entry,
                                             GError     **error);
/* Administration commands matching @query (its account matches the
 * target; its device and table nothing), oldest first (element-type
 * StAdminRow). */
GPtrArray    *st_store_admin_log_search     (StStore     *self,
                                             const StLogQuery *query,
                                             GError     **error);
/* Logged changes matching @query, oldest first (element-type StLogRow). */
GPtrArray    *st_store_log_search           (StStore     *self,
                                             const StLogQuery *query,
                                             GError     **error);

StRecord     *st_store_record_get           (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *table,
                                             const char  *id,
                                             GError     **error);
/* The feed position of a row (0: no such row), without reading it: every
 * write gives a row a new seq, so an equal seq means an unchanged row. */
gboolean      st_store_record_seq           (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *table,
                                             const char  *id,
                                             gint64      *seq,
                                             GError     **error);
/* Inserts or replaces @record and moves it to the end of the feed (sets
 * @record->seq). */
gboolean      st_store_record_put           (StStore     *self,
                                             StStoreTxn  *txn,
                                             StRecord    *record,
                                             GError     **error);
/* Tells the accounts of @township that the row left it. Call before the
 * record_put of the move, so that the eviction comes first in the feed. */
gboolean      st_store_eviction_put         (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *table,
                                             const char  *id,
                                             const char  *township,
                                             GError     **error);
/* Keys of the rows of @table whose text field @field equals @value. */
GPtrArray    *st_store_record_ids_by_field  (StStore     *self,
                                             const char  *table,
                                             const char  *field,
                                             const char  *value,
                                             GError     **error);

/* The rows of @table (element-type StRecord, in feed order) whose text
 * field @field equals @value; only those not deleted when @live_only. Fast
 * for participants.id_number, the participant_id of enrolments, attendance
 * and study logs, and the enrolment_id of the tables that hang on an
 * enrolment. */
GPtrArray    *st_store_records_by_field     (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *table,
                                             const char  *field,
                                             const char  *value,
                                             gboolean     live_only,
                                             GError     **error);

/* How many live rows st_store_records_by_field () would return; -1 with
 * @error set. */
gint64        st_store_count_by_field       (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *table,
                                             const char  *field,
                                             const char  *value,
                                             GError     **error);
/* Says which @values of @field the transaction @txn is about to ask
 * st_store_count_by_field () about (a push's ID numbers): a backend that
 * pays a round trip per question (PostgreSQL) counts them all at once and
 * answers from what it learnt, kept true by the transaction's own writes.
 * Nothing else changes; TRUE when the backend has no such thing. */
gboolean      st_store_count_by_field_ahead (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *table,
                                             const char  *field,
                                             const char * const *values,
                                             GError     **error);

StLogRow     *st_store_log_find             (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *device,
                                             gint64       epoch,
                                             gint64       client_seq,
                                             GError     **error);
/* Whether a change of @row_id with this clock was processed before (under
 * any epoch): 1 yes, 0 no, -1 with @error set. */
int           st_store_log_seen             (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *row_id,
                                             const char  *device,
                                             gint64       hlc,
                                             GError     **error);
gboolean      st_store_log_insert           (StStore     *self,
                                             StStoreTxn  *txn,
                                             const StLogEntry *entry,
                                             GError     **error);
/* Every logged change of the row, oldest first (element-type StLogRow). */
GPtrArray    *st_store_log_for_row          (StStore     *self,
                                             const char  *row_id,
                                             GError     **error);

/* Up to @limit entries after @after, in feed order (element-type
 * StFeedEntry): rows of @townships (or all) and of everyone, and the
 * evictions from @townships of rows now outside them; but no tombstone and
 * no eviction at or before @skip_deleted_until (a laptop that starts empty
 * needs neither). */
GPtrArray    *st_store_feed_read            (StStore     *self,
                                             gboolean     all_townships,
                                             const char * const *townships,
                                             gint64       after,
                                             gint64       skip_deleted_until,
                                             guint        limit,
                                             GError     **error);

/* Whether several server processes may write the store at once, their
 * writers taking turns for the write lock (PostgreSQL); the SQLite store
 * has one process. */
gboolean      st_store_is_shared            (StStore     *self);
/* Whether the store keeps the sign-in throttle for every process that
 * serves it (PostgreSQL); the SQLite store has one process, which keeps it
 * in memory. */
gboolean      st_store_shares_throttle      (StStore     *self);
/* When the key is locked until (ms since the epoch; 0: not locked); -1
 * with @error set. @key is a hash: no name or address is stored. */
gint64        st_store_throttle_locked_until (StStore    *self,
                                             const char  *key,
                                             GError     **error);
/* Counts a failure of @key and locks it as @policy says. */
gboolean      st_store_throttle_fail        (StStore     *self,
                                             const char  *key,
                                             gint64       now_ms,
                                             const StThrottlePolicy *policy,
                                             GError     **error);
gboolean      st_store_throttle_clear       (StStore     *self,
                                             const char  *key,
                                             GError     **error);

/* JSON text of @object, quickly for the flat objects records are made of
 * (strings, numbers, booleans, null), through json-glib for anything else. */
char         *st_json_object_to_text        (JsonObject  *object);
/* Appends @node as JSON. */
void          st_json_append_node           (GString     *out,
                                             JsonNode    *node);
void          st_json_append_string         (GString     *out,
                                             const char  *text);
/* The value of the four hex digits at @p (of a \u escape), -1 when they
 * are not four hex digits. */
int           st_json_hex4                  (const char  *p);
/* Parses a flat JSON object (members that are strings, integers, booleans
 * or null), as st_json_object_to_text () writes records: much cheaper than
 * a JsonParser for the many small objects the server reads. NULL when @text
 * is anything else (the caller then asks json-glib). */
JsonObject   *st_json_flat_object_parse     (const char  *text);
/* For the backends: a stored record's JSON text (NULL: empty) as an
 * object, flat the quick way, else through @parser (the connection's);
 * NULL with @error set when it is not an object. */
JsonObject   *st_store_object_from_text     (JsonParser  *parser,
                                             const char  *text,
                                             GError     **error);

/* Plain data. */
/* Sync by file (docs/sync-protocol.md): the keys a device registered
 * (st-bundle-file.h), kept with it; FALSE when there is no such device.
 * device_key_get: NULL (without @error) when the device has none;
 * *@account_id the account last signed in on it, *@revoked_at when
 * `device revoke` signed it out (0: not since its last sign-in). */
gboolean      st_store_device_key_set       (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *id,
                                             const char  *key,
                                             GError     **error);
char         *st_store_device_key_get       (StStore     *self,
                                             StStoreTxn  *txn,
                                             const char  *id,
                                             gint64      *account_id,
                                             gint64      *revoked_at,
                                             GError     **error);

const char   *st_role_to_string             (StRole       role);
gboolean      st_role_from_string           (const char  *text,
                                             StRole      *role);
gboolean      st_role_sees_all              (StRole       role);

StAccount    *st_account_new                (void);
void          st_account_free               (StAccount   *account);
gboolean      st_account_has_township       (const StAccount *account,
                                             const char  *code);
void          st_credential_free            (StCredential *credential);
void          st_device_free                (StDevice    *device);
void          st_device_info_free           (StDeviceInfo *info);
void          st_admin_row_free             (StAdminRow  *row);
StRecord     *st_record_new                 (const char  *table,
                                             const char  *id);
void          st_record_free                (StRecord    *record);
void          st_log_row_free               (StLogRow    *row);
void          st_feed_entry_free            (StFeedEntry *entry);

/* FALSE without @error when the store has no records_get_many: read
 * the rows one by one then. */
gboolean      st_store_records_get_many     (StStore     *self,
                                             const char * const *tables,
                                             const char * const *ids,
                                             guint        n,
                                             StRecord   **records,
                                             GError     **error);

/* For the stores: adds @conn, a reader connection just opened, to
 * @readers (all of the store's readers, closed with it) under @lock. */
void          st_store_readers_add          (GMutex      *lock,
                                             GPtrArray   *readers,
                                             gpointer     conn);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StAccount, st_account_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StCredential, st_credential_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StDevice, st_device_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StRecord, st_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StLogRow, st_log_row_free)

G_END_DECLS
