/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the files of the PostgreSQL store share: its connections, its
 * parameters and its errors (st-store-pg.c), the schema
 * (st-store-pg-schema.c), accounts and devices (st-store-pg-accounts.c), and
 * the synced rows and the feed (st-store-pg-feed.c), the change log
 * (st-store-pg-log.c) and the sign-in throttle (st-store-pg-throttle.c). */
#pragma once

#include <libpq-fe.h>

#include "st-store-pg.h"

G_BEGIN_DECLS

/* One libpq connection and the statements prepared on it. A connection is
 * used by one thread at a time. */
typedef struct
{
  PGconn     *pg;
  GHashTable *prepared;     /* SQL text → statement name */
  guint       next_name;
  JsonParser *parser;
  gboolean    pipelined;    /* the writer, inside a transaction (st-store-pg-pipeline.c) */
  guint       pending;      /* commands sent whose answers are not read yet */
  /* Of them, the first so many are the request ended by
   * st_store_release_later () and not settled yet; when one of those
   * failed, its error, until st_store_settle () hands it over. */
  guint       unsettled;
  GError     *earlier_error;
  guint       depth;        /* savepoints open */
  /* The change-log entries not sent yet (st-store-pg-log.c), and the
   * "table\x1fid" of their rows. */
  struct _PgColumns *log_batch;
  GHashTable *log_rows;
  /* The rows' upserts not sent yet (st-store-pg-records.c), and the
   * "table\x1fid" of their rows. */
  struct _PgColumns *record_batch;
  GHashTable *record_rows;
  /* Of them, those the transaction knows to be new, and known to exist:
   * a plain INSERT, a plain UPDATE (the rest: INSERT … ON CONFLICT). */
  struct _PgColumns *record_inserts;
  struct _PgColumns *record_updates;
  /* The township of each row the transaction wrote through
   * pg_records_add (), as last written ("table\x1fid" → "=" and its
   * township, or "-" for none): the change log's entries take it from here instead of
   * reading the row back. */
  GHashTable *record_townships;
} PgConn;

struct _StStoreTxn
{
  PgConn     *conn;
  gint64      next_seq;     /* 0: not read from the database yet */
  gint64      began_us;     /* monotonic time it began, or its request (pg_savepoint ()) */
  gboolean    wrote;        /* wrote a row (st-store-pg-cache.c: the feed's high mark) */
  /* The devices it wrote (st-store-pg-accounts.c): the others are read
   * outside it, not behind its writes on the pipeline. */
  GHashTable *devices;
  /* st-store-pg-cache.c */
  GHashTable *ops;          /* "device\x1fepoch\x1fseq" → known absent or present */
  GHashTable *seqs;         /* "table\x1fid" → gint64 * feed position, NULL: no such row */
  GHashTable *counts;       /* "table\x1ffield\x1fvalue" → gint64 * live rows with it */
  GPtrArray  *count_fields; /* "table\x1ffield" of the counts */
};

struct _StStorePg
{
  GObject      parent_instance;

  char        *conninfo;
  char        *display;         /* conninfo without a password */
  char        *server_device;
  char        *identity;
  gint64       generation;
  int          schema_version;

  GMutex       write_lock;
  PgConn      *writer;
  StStoreTxn   txn;

  GMutex       readers_lock;
  GPtrArray   *readers;         /* every read connection (owns them) */
  GAsyncQueue *idle_readers;

  GMutex       hints_lock;      /* rows read outside a transaction (st-store-pg-cache.c): */
  GQueue      *hint_queue;      /* oldest first */
  GHashTable  *hints;           /* "table\x1fid" → its link in hint_queue */
};

/* The county the database serves (schema 6), in a statement: NULL until
 * it is known (st_store_pg_fill_places_sql). */
#define PG_SQL_DB_COUNTY "(SELECT m.value FROM meta AS m WHERE m.key = 'county')"

/* Parameters of a statement, as text. */
#define ST_PG_MAX_PARAMS 20

typedef struct
{
  int         n;
  const char *values[ST_PG_MAX_PARAMS];
  char        numbers[ST_PG_MAX_PARAMS][24];
  /* Of a parameter in binary form (pg_param_binary ()); 0 for text. */
  int         lengths[ST_PG_MAX_PARAMS];
  int         formats[ST_PG_MAX_PARAMS];
} PgParams;

void        pg_param_text        (PgParams    *p,
                                  const char  *value);
void        pg_param_int         (PgParams    *p,
                                  gint64       value);
/* 0 as NULL. */
void        pg_param_int_or_null (PgParams    *p,
                                  gint64       value);
/* @length bytes of PostgreSQL's binary form (an array's: array_recv). */
void        pg_param_binary      (PgParams    *p,
                                  const char  *data,
                                  int          length);

/* Runs @sql (prepared once per connection) with @params; the result when
 * it succeeded, NULL with @error set. */
PGresult   *pg_query             (StStorePg       *self,
                                  PgConn          *conn,
                                  const char      *sql,
                                  const PgParams  *params,
                                  GError         **error);
/* The same, for a statement whose rows do not matter. */
gboolean    pg_run               (StStorePg       *self,
                                  PgConn          *conn,
                                  const char      *sql,
                                  const PgParams  *params,
                                  GError         **error);
/* The number of rows a statement changed; -1 with @error set. */
gint64      pg_run_count         (StStorePg       *self,
                                  PgConn          *conn,
                                  const char      *sql,
                                  const PgParams  *params,
                                  GError         **error);
/* A statement without parameters, not prepared (BEGIN, DDL …). */
gboolean    pg_exec              (StStorePg       *self,
                                  PgConn          *conn,
                                  const char      *sql,
                                  GError         **error);
/* Sets @error from a failed result (or the connection) and returns FALSE. */
gboolean    pg_set_error         (StStorePg       *self,
                                  PgConn          *conn,
                                  PGresult        *result,
                                  GError         **error);

PgConn     *pg_reader_acquire    (StStorePg       *self,
                                  GError         **error);
void        pg_reader_release    (StStorePg       *self,
                                  PgConn          *conn);
/* The connection of @txn, or an idle reader. */
PgConn     *pg_conn_for          (StStorePg       *self,
                                  StStoreTxn      *txn,
                                  GError         **error);
void        pg_conn_done         (StStorePg       *self,
                                  StStoreTxn      *txn,
                                  PgConn          *conn);

/* Column values: NULL and 0 for SQL NULL. */
char       *pg_dup               (PGresult        *result,
                                  int              row,
                                  int              col);
gint64      pg_int               (PGresult        *result,
                                  int              row,
                                  int              col);
gboolean    pg_is_null           (PGresult        *result,
                                  int              row,
                                  int              col);
/* Appends @value (NULL: SQL NULL) to the array literal @out ("{" and the
 * values so far). */
void        pg_array_append      (GString         *out,
                                  const char      *value);
/* The rows of a batch as one array per column, appended a row at a time
 * as the rows come (no copy of each row's values kept until it is sent):
 * the parameters of an INSERT … SELECT … FROM unnest (…). The arrays go in
 * PostgreSQL's binary form: the server copies each value as it is instead
 * of parsing a literal, character by character, under the write lock. */
typedef struct _PgColumns
{
  guint    n_fields;
  guint    n_rows;
  char     types[ST_PG_MAX_PARAMS];     /* 'b' bigint, 'i' integer, 't' text, 'B' boolean */
  gboolean nulls[ST_PG_MAX_PARAMS];
  GString *columns[ST_PG_MAX_PARAMS];
} PgColumns;

/* @types: one letter a column, as PgColumns.types; the statement takes the
 * column as an array of that type ($1::bigint[], $2::text[] …). */
PgColumns  *pg_columns_new       (const char      *types);
void        pg_columns_free      (PgColumns       *columns);
/* Appends a row: @values holds n_fields values as text (NULL: SQL
 * NULL). */
void        pg_columns_add       (PgColumns       *columns,
                                  const char * const *values);
/* Closes the literals and makes them @p's parameters, valid until
 * pg_columns_reset (). */
void        pg_columns_params    (PgColumns       *columns,
                                  PgParams        *p);
/* Empty again. */
void        pg_columns_reset     (PgColumns       *columns);
/* @values (NULL-terminated) as a PostgreSQL text[] literal: {"a","b"}. */
char       *pg_text_array        (const char * const *values);
/* A JSON object this server stored. */
JsonObject *pg_object            (PgConn          *conn,
                                  const char      *text,
                                  GError         **error);

/* st-store-pg-pipeline.c: the writer's pipeline inside a transaction.
 * pg_query (), pg_run () and pg_exec () use it by themselves on a
 * pipelined connection; pg_run () does not wait for its answer there. */
void        pg_pipeline_enter    (PgConn          *conn);
/* Reads every answer (FALSE when a command failed) and leaves the mode. */
gboolean    pg_pipeline_leave    (StStorePg       *self,
                                  PgConn          *conn,
                                  GError         **error);
gboolean    pg_pipeline_send     (StStorePg       *self,
                                  PgConn          *conn,
                                  const char      *sql,
                                  const PgParams  *params,
                                  GError         **error);
PGresult   *pg_pipeline_query    (StStorePg       *self,
                                  PgConn          *conn,
                                  const char      *sql,
                                  const PgParams  *params,
                                  GError         **error);
gboolean    pg_pipeline_exec     (StStorePg       *self,
                                  PgConn          *conn,
                                  const char      *sql,
                                  GError         **error);
/* A statement without parameters (SAVEPOINT …), sent and not waited for:
 * a failure is reported by the next wait. */
gboolean    pg_pipeline_send_exec (StStorePg      *self,
                                  PgConn          *conn,
                                  const char      *sql,
                                  GError         **error);
/* Reads every answer so far: FALSE when a command sent failed. */
gboolean    pg_pipeline_wait     (StStorePg       *self,
                                  PgConn          *conn,
                                  GError         **error);
/* Asks the database to send the answers of what was sent so far as soon
 * as it has them, without waiting for them. */
gboolean    pg_pipeline_push     (StStorePg       *self,
                                  PgConn          *conn,
                                  GError         **error);
/* Reads the answers of the request ended later (conn->unsettled): FALSE
 * with its error when one of its commands failed. */
gboolean    pg_pipeline_settle   (StStorePg       *self,
                                  PgConn          *conn,
                                  GError         **error);

/* st-store-pg-cache.c: what the write transaction knows without asking. */
void        pg_cache_clear       (StStoreTxn      *txn);
void        pg_cache_hints_free  (StStorePg       *self);
/* A row read outside a transaction: the next one may ask about it. */
void        pg_cache_hint        (StStorePg       *self,
                                  const char      *table,
                                  const char      *id);
/* The feed's high mark (meta "feed_high", st-store-pg-cache.c), in a
 * statement: the highest feed position of a row as of the last write
 * transaction's commit. A row a reader found at or under it, or did not
 * find, is still so under the write lock unless a row written since moved
 * it: every write gets a position above every position there is, and
 * commits in the order of the positions (the write lock). NULL until a
 * write transaction set it; a mark lower than the truth only widens what
 * the writer asks. */
#define PG_SQL_FEED_HIGH "(SELECT m.value::bigint FROM meta AS m WHERE m.key = 'feed_high')"
/* The same, read at @seq (0: absent) by a statement that also read the
 * feed's high mark @high (-1: none). */
void        pg_cache_hint_seen   (StStorePg       *self,
                                  const char      *table,
                                  const char      *id,
                                  gint64           seq,
                                  gint64           high);
/* Before the commit of a transaction that wrote rows: the feed's high
 * mark moves with it. */
gboolean    pg_cache_mark_high   (StStorePg       *self,
                                  StStoreTxn      *txn,
                                  GError         **error);
int         pg_cache_record_seq  (StStorePg       *self,
                                  StStoreTxn      *txn,
                                  const char      *table,
                                  const char      *id,
                                  gint64          *seq,
                                  GError         **error);
/* 1 when the transaction knows the row exists, 0 when it knows it does
 * not, -1 when it does not know (nothing asked). */
int         pg_cache_row_known   (StStoreTxn      *txn,
                                  const char      *table,
                                  const char      *id);
/* @record was just written at @seq (the counts follow a new row, and
 * forget what a changed one may have moved). */
void        pg_cache_record_put  (StStoreTxn      *txn,
                                  const StRecord  *record,
                                  gint64           seq);
gboolean    pg_cache_counts_ahead (StStorePg      *self,
                                  StStoreTxn      *txn,
                                  const char      *table,
                                  const char      *field,
                                  const char * const *values,
                                  GError         **error);
/* TRUE with *@count when the transaction knows it. */
gboolean    pg_cache_count       (StStoreTxn      *txn,
                                  const char      *table,
                                  const char      *field,
                                  const char      *value,
                                  gint64          *count);
gboolean    pg_cache_op_absent   (StStorePg       *self,
                                  StStoreTxn      *txn,
                                  const char      *device,
                                  gint64           epoch,
                                  gint64           client_seq);
void        pg_cache_op_logged   (StStoreTxn      *txn,
                                  const char      *device,
                                  gint64           epoch,
                                  gint64           client_seq);

/* st-store-pg-schema.c */
gboolean    pg_migrate           (StStorePg       *self,
                                  GError         **error);
char       *pg_meta_get          (StStorePg       *self,
                                  PgConn          *conn,
                                  const char      *key,
                                  GError         **error);
gboolean    pg_meta_set          (StStorePg       *self,
                                  PgConn          *conn,
                                  const char      *key,
                                  const char      *value,
                                  GError         **error);
extern const char st_store_pg_fill_places_sql[];

/* st-store-pg-log.c: the change-log entries of the writer's pipeline are
 * sent together, as one statement, before anything else but a row's write
 * is sent on @conn, and before a row they name is written again. */
gboolean    pg_log_flush         (StStorePg       *self,
                                  PgConn          *conn,
                                  GError         **error);
gboolean    pg_log_names_row     (PgConn          *conn,
                                  const char      *table,
                                  const char      *id);
void        pg_log_batch_clear   (PgConn          *conn);

/* st-store-pg-records.c: the rows' upserts of the writer's pipeline, sent
 * together before any other statement. @params: seq, table, id, hlc,
 * device, writer, deleted, township, data, clocks. */
#define PG_RECORD_FIELDS 10
/* @known: 0 the row is known not to exist, 1 known to exist, -1 not
 * known (pg_cache_row_known ()); @old_seq: the position of the version
 * the write was made from (a row known to exist must still be there). */
gboolean    pg_records_add       (StStorePg       *self,
                                  PgConn          *conn,
                                  const PgParams  *params,
                                  int              known,
                                  gint64           old_seq,
                                  GError         **error);
gboolean    pg_records_flush     (StStorePg       *self,
                                  PgConn          *conn,
                                  GError         **error);
void        pg_records_clear     (PgConn          *conn);
/* Forgets the townships of the rows written (a savepoint rolled back). */
void        pg_records_forget    (PgConn          *conn);
/* TRUE with *@township (NULL: none; owned by @conn) when the transaction
 * wrote the row through pg_records_add (). */
gboolean    pg_records_township  (PgConn          *conn,
                                  const char      *table,
                                  const char      *id,
                                  const char     **township);
/* StStore's records_get_many. */
gboolean    pg_records_get_many  (StStore         *store,
                                  const char * const *tables,
                                  const char * const *ids,
                                  guint            n,
                                  StRecord       **records,
                                  GError         **error);
/* st-store-pg-feed.c: a record of @table from a row of its columns (id,
 * seq, hlc, device, writer, deleted, township, data, clocks); NULL with
 * @error set when its JSON cannot be read. */
StRecord   *pg_record_from_row   (PgConn          *conn,
                                  const char      *table,
                                  PGresult        *result,
                                  int              row,
                                  GError         **error);

/* st-store-pg-accounts.c */
void        pg_accounts_iface_init (StStoreInterface *iface);
/* st-store-pg-feed.c */
void        pg_feed_iface_init   (StStoreInterface *iface);
void        pg_log_iface_init    (StStoreInterface *iface);
/* st-store-pg-throttle.c */
void        pg_throttle_iface_init (StStoreInterface *iface);

G_END_DECLS
