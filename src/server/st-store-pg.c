/* SPDX-License-Identifier: GPL-3.0-or-later */
/* StStore on PostgreSQL (libpq): one write connection guarded by a mutex,
 * and a pool of connections for the readers, as the SQLite store has. Any
 * number of server processes may share the database: every write
 * transaction takes one transaction-level advisory lock first and holds it
 * until its commit, so that writes follow one another across processes as
 * they do within one, feed positions are given in commit order, and what one
 * process decided (a person registered, an op id applied) is seen by the
 * next writer of any process (docs/sync-protocol.md, Several server
 * processes). Every value is a parameter; no SQL is built from data. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "st-json-guard.h"
#include "st-store-pg-private.h"

static void st_store_pg_iface_init (StStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StStorePg, st_store_pg, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ST_TYPE_STORE, st_store_pg_iface_init))


/* Names */

gboolean
st_store_pg_is_conninfo (const char *db)
{
  if (db == NULL)
    return FALSE;
  if (g_str_has_prefix (db, "postgresql://") || g_str_has_prefix (db, "postgres://"))
    return TRUE;
  /* key=value … (dbname=shuangti host=/run/postgresql): a file name has no
   * '=' before its first '/' in any setup this server is given. */
  return strchr (db, '=') != NULL && (strchr (db, '/') == NULL || strchr (db, '=') < strchr (db, '/'));
}

char *
st_store_pg_display_name (const char *conninfo)
{
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);
  const char *dbname = NULL, *host = NULL, *user = NULL;

  if (options == NULL)
    return g_strdup ("PostgreSQL");
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL || *o->val == '\0')
        continue;
      if (g_str_equal (o->keyword, "dbname"))
        dbname = o->val;
      else if (g_str_equal (o->keyword, "host"))
        host = o->val;
      else if (g_str_equal (o->keyword, "user"))
        user = o->val;
    }
  {
    g_autoptr(GString) name = g_string_new ("postgresql://");
    char *text;

    if (user != NULL)
      g_string_append_printf (name, "%s@", user);
    if (host != NULL && host[0] != '/')
      g_string_append (name, host);
    g_string_append_printf (name, "/%s", dbname ? dbname : (user ? user : ""));
    if (host != NULL && host[0] == '/')
      g_string_append_printf (name, "?host=%s", host);
    text = g_string_free (g_steal_pointer (&name), FALSE);
    PQconninfoFree (options);
    return text;
  }
}


/* Parameters and columns */

void
pg_param_text (PgParams   *p,
               const char *value)
{
  g_assert (p->n < ST_PG_MAX_PARAMS);
  p->values[p->n++] = value;
}

void
pg_param_int (PgParams *p,
              gint64    value)
{
  g_assert (p->n < ST_PG_MAX_PARAMS);
  g_snprintf (p->numbers[p->n], sizeof p->numbers[p->n], "%" G_GINT64_FORMAT, value);
  p->values[p->n] = p->numbers[p->n];
  p->n++;
}

void
pg_param_int_or_null (PgParams *p,
                      gint64    value)
{
  if (value == 0)
    pg_param_text (p, NULL);
  else
    pg_param_int (p, value);
}

void
pg_param_binary (PgParams   *p,
                 const char *data,
                 int         length)
{
  g_assert (p->n < ST_PG_MAX_PARAMS);
  p->values[p->n] = data;
  p->lengths[p->n] = length;
  p->formats[p->n] = 1;
  p->n++;
}

char *
pg_dup (PGresult *result,
        int       row,
        int       col)
{
  if (PQgetisnull (result, row, col))
    return NULL;
  return g_strdup (PQgetvalue (result, row, col));
}

gint64
pg_int (PGresult *result,
        int       row,
        int       col)
{
  if (PQgetisnull (result, row, col))
    return 0;
  return g_ascii_strtoll (PQgetvalue (result, row, col), NULL, 10);
}

gboolean
pg_is_null (PGresult *result,
            int       row,
            int       col)
{
  return PQgetisnull (result, row, col);
}

JsonObject *
pg_object (PgConn      *conn,
           const char  *text,
           GError     **error)
{
  return st_store_object_from_text (conn->parser, text, error);
}


/* Errors */

gboolean
pg_set_error (StStorePg  *self,
              PgConn     *conn,
              PGresult   *result,
              GError    **error)
{
  const char *state = result ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *detail = result ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;

  g_autofree char *stripped = NULL;

  if (detail == NULL)
    detail = conn && conn->pg ? PQerrorMessage (conn->pg) : "";
  stripped = g_strstrip (g_strdup (detail));
  g_debug ("postgresql: %s (%s)", stripped, state ? state : "-");
  if (conn == NULL || conn->pg == NULL || PQstatus (conn->pg) != CONNECTION_OK || state == NULL
      || g_str_has_prefix (state, "08"))
    g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED,
                 _("The server database %s cannot be reached (%s). Check that PostgreSQL runs and that the connection string is right."),
                 self->display, stripped);
  else if (g_str_equal (state, "53100"))
    g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FULL,
                 _("The disk of the server database %s is full. Nothing was saved."), self->display);
  else if (g_str_equal (state, "40001") || g_str_equal (state, "40P01") || g_str_equal (state, "55P03")
           || g_str_equal (state, "57014"))
    g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_BUSY,
                 _("The server database %s is held by another program. Try again in a moment."), self->display);
  else if (g_str_has_prefix (state, "XX") || g_str_equal (state, "42P01") || g_str_equal (state, "42703"))
    g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_NOT_A_STORE,
                 _("The server database %s is damaged (%s). Restore it from a backup."), self->display, detail);
  else if (g_str_equal (state, "42501"))
    g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED,
                 _("The server database %s cannot be written by its role (%s). Give the role the database (docs/deployment.md, PostgreSQL)."),
                 self->display, detail);
  else
    g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED,
                 _("The server database %s failed (%s). Nothing was saved."), self->display, detail);
  return FALSE;
}


/* Connections */

static void
pg_conn_free (PgConn *conn)
{
  if (conn == NULL)
    return;
  g_clear_pointer (&conn->prepared, g_hash_table_unref);
  g_clear_error (&conn->earlier_error);
  g_clear_pointer (&conn->log_batch, pg_columns_free);
  g_clear_pointer (&conn->log_rows, g_hash_table_unref);
  g_clear_pointer (&conn->record_batch, pg_columns_free);
  g_clear_pointer (&conn->record_inserts, pg_columns_free);
  g_clear_pointer (&conn->record_updates, pg_columns_free);
  g_clear_pointer (&conn->record_rows, g_hash_table_unref);
  g_clear_pointer (&conn->record_townships, g_hash_table_unref);
  g_clear_object (&conn->parser);
  g_clear_pointer (&conn->pg, PQfinish);
  g_free (conn);
}

static PgConn *
pg_conn_open (StStorePg  *self,
              GError    **error)
{
  PgConn *conn = g_new0 (PgConn, 1);

  conn->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  conn->parser = json_parser_new_immutable ();
  conn->pg = PQconnectdb (self->conninfo);
  if (PQstatus (conn->pg) != CONNECTION_OK)
    {
      pg_set_error (self, conn, NULL, error);
      pg_conn_free (conn);
      return NULL;
    }
  /* UTC and UTF-8 whatever the role's settings; a statement that waits
   * longer than a minute for a lock is an error, not a hang. */
  if (!pg_exec (self, conn,
                "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET lock_timeout = '60s';"
                " SET application_name = 'shuangti-server'", error))
    {
      pg_conn_free (conn);
      return NULL;
    }
  return conn;
}

/* A connection broken under us (PostgreSQL restarted): one more try. */
static gboolean
pg_conn_ensure (StStorePg  *self,
                PgConn     *conn,
                GError    **error)
{
  if (PQstatus (conn->pg) == CONNECTION_OK)
    return TRUE;
  g_hash_table_remove_all (conn->prepared);
  conn->pipelined = FALSE;
  conn->pending = 0;
  PQreset (conn->pg);
  if (PQstatus (conn->pg) != CONNECTION_OK)
    return pg_set_error (self, conn, NULL, error);
  return pg_exec (self, conn, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET lock_timeout = '60s'",
                  error);
}

gboolean
pg_exec (StStorePg   *self,
         PgConn      *conn,
         const char  *sql,
         GError     **error)
{
  PGresult *result;
  ExecStatusType status;
  gboolean ok;

  if (!pg_records_flush (self, conn, error))
    return FALSE;
  if (conn->log_batch != NULL && conn->log_batch->n_rows > 0 && !pg_log_flush (self, conn, error))
    return FALSE;
  if (conn->pipelined)
    return pg_pipeline_exec (self, conn, sql, error);
  result = PQexec (conn->pg, sql);
  status = PQresultStatus (result);
  ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  if (!ok)
    pg_set_error (self, conn, result, error);
  PQclear (result);
  return ok;
}

PGresult *
pg_query (StStorePg       *self,
          PgConn          *conn,
          const char      *sql,
          const PgParams  *params,
          GError         **error)
{
  const char *name;
  PGresult *result;
  ExecStatusType status;

  /* The rows first: the change log's entries read them. */
  if (!pg_records_flush (self, conn, error))
    return NULL;
  if (conn->log_batch != NULL && conn->log_batch->n_rows > 0 && !pg_log_flush (self, conn, error))
    return NULL;
  if (conn->pipelined)
    return pg_pipeline_query (self, conn, sql, params, error);
  name = g_hash_table_lookup (conn->prepared, sql);
  if (name == NULL)
    {
      g_autofree char *new_name = g_strdup_printf ("st%u", ++conn->next_name);

      result = PQprepare (conn->pg, new_name, sql, params ? params->n : 0, NULL);
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        {
          pg_set_error (self, conn, result, error);
          PQclear (result);
          return NULL;
        }
      PQclear (result);
      name = new_name;
      g_hash_table_insert (conn->prepared, g_strdup (sql), g_steal_pointer (&new_name));
    }
  result = PQexecPrepared (conn->pg, name, params ? params->n : 0, params ? params->values : NULL,
                           params ? params->lengths : NULL, params ? params->formats : NULL, 0);
  status = PQresultStatus (result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    {
      pg_set_error (self, conn, result, error);
      PQclear (result);
      return NULL;
    }
  return result;
}

gboolean
pg_run (StStorePg       *self,
        PgConn          *conn,
        const char      *sql,
        const PgParams  *params,
        GError         **error)
{
  PGresult *result;

  /* Not waited for: st-store-pg-pipeline.c (after the rows kept: this
   * statement may read them). */
  if (conn->pipelined)
    return pg_records_flush (self, conn, error) && pg_pipeline_send (self, conn, sql, params, error);
  result = pg_query (self, conn, sql, params, error);
  if (result == NULL)
    return FALSE;
  PQclear (result);
  return TRUE;
}

gint64
pg_run_count (StStorePg       *self,
              PgConn          *conn,
              const char      *sql,
              const PgParams  *params,
              GError         **error)
{
  PGresult *result = pg_query (self, conn, sql, params, error);
  gint64 count;

  if (result == NULL)
    return -1;
  count = g_ascii_strtoll (PQcmdTuples (result), NULL, 10);
  PQclear (result);
  return count;
}

PgConn *
pg_reader_acquire (StStorePg  *self,
                   GError    **error)
{
  PgConn *conn = g_async_queue_try_pop (self->idle_readers);

  if (conn != NULL)
    {
      if (pg_conn_ensure (self, conn, error))
        return conn;
      g_async_queue_push (self->idle_readers, conn);
      return NULL;
    }
  conn = pg_conn_open (self, error);
  if (conn != NULL)
    st_store_readers_add (&self->readers_lock, self->readers, conn);
  return conn;
}

void
pg_reader_release (StStorePg *self,
                   PgConn    *conn)
{
  if (conn == NULL)
    return;
  if (PQtransactionStatus (conn->pg) != PQTRANS_IDLE)
    PQclear (PQexec (conn->pg, "ROLLBACK"));
  g_async_queue_push (self->idle_readers, conn);
}

PgConn *
pg_conn_for (StStorePg   *self,
             StStoreTxn  *txn,
             GError     **error)
{
  return txn != NULL ? txn->conn : pg_reader_acquire (self, error);
}

void
pg_conn_done (StStorePg  *self,
              StStoreTxn *txn,
              PgConn     *conn)
{
  if (txn == NULL)
    pg_reader_release (self, conn);
}


/* Opening */

StStore *
st_store_pg_open (const char  *conninfo,
                  GError     **error)
{
  g_autoptr(StStorePg) self = g_object_new (ST_TYPE_STORE_PG, NULL);
  g_autofree char *generation = NULL;
  g_autofree char *parse_error = NULL;
  PQconninfoOption *options;

  g_return_val_if_fail (conninfo != NULL, NULL);

  self->conninfo = g_strdup (conninfo);
  self->display = st_store_pg_display_name (conninfo);
  options = PQconninfoParse (conninfo, &parse_error);
  if (options == NULL)
    {
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED,
                   _("%s is not a PostgreSQL connection string: %s"),
                   self->display, parse_error ? g_strstrip (parse_error) : "");
      return NULL;
    }
  PQconninfoFree (options);
  self->writer = pg_conn_open (self, error);
  if (self->writer == NULL)
    return NULL;
  if (!pg_migrate (self, error))
    return NULL;
  self->server_device = pg_meta_get (self, self->writer, "server_device", NULL);
  self->identity = pg_meta_get (self, self->writer, "identity", NULL);
  generation = pg_meta_get (self, self->writer, "generation", NULL);
  self->generation = generation ? g_ascii_strtoll (generation, NULL, 10) : 0;
  if (self->server_device == NULL || self->identity == NULL)
    {
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_NOT_A_STORE,
                   _("The database %s is not a shuangti-server database or is damaged. Restore it from a backup."),
                   self->display);
      return NULL;
    }
  self->txn.conn = self->writer;
  return ST_STORE (g_steal_pointer (&self));
}


/* StStore: the database */

static int
pg_get_schema_version (StStore *store)
{
  return ST_STORE_PG (store)->schema_version;
}

static const char *
pg_get_server_device (StStore *store)
{
  return ST_STORE_PG (store)->server_device;
}

static const char *
pg_get_identity (StStore *store)
{
  return ST_STORE_PG (store)->identity;
}

static gint64
pg_get_generation (StStore *store)
{
  return ST_STORE_PG (store)->generation;
}

/* One integer a query of no parameters answers; -1 with @error set. */
static gint64
read_int (StStorePg   *self,
          const char  *sql,
          GError     **error)
{
  PgConn *conn = pg_reader_acquire (self, error);
  PGresult *result;
  gint64 value = -1;

  if (conn == NULL)
    return -1;
  result = pg_query (self, conn, sql, NULL, error);
  if (result != NULL)
    {
      value = PQntuples (result) > 0 ? pg_int (result, 0, 0) : 0;
      PQclear (result);
    }
  pg_reader_release (self, conn);
  return value;
}

static gint64
pg_get_compacted_seq (StStore  *store,
                      GError  **error)
{
  return read_int (ST_STORE_PG (store),
                   "SELECT value::bigint FROM meta WHERE key = 'compacted_seq'", error);
}

static gint64
pg_get_feed_high (StStore  *store,
                  GError  **error)
{
  return read_int (ST_STORE_PG (store),
                   "SELECT greatest ((SELECT coalesce (max (seq), 0) FROM records),"
                   " (SELECT coalesce (max (seq), 0) FROM evictions))", error);
}

static gboolean
pg_meta_set_in (StStore     *store,
                StStoreTxn  *txn,
                const char  *key,
                const char  *value,
                GError     **error)
{
  return pg_meta_set (ST_STORE_PG (store), txn->conn, key, value, error);
}

static void
pg_origin_set (StStore     *store,
               const char  *identity,
               gint64       generation)
{
  StStorePg *self = ST_STORE_PG (store);

  g_free (self->identity);
  self->identity = g_strdup (identity);
  self->generation = generation;
}

static gboolean
pg_compact (StStore         *store,
            StStoreTxn      *txn,
            gint64           before_ms,
            StCompactStats  *stats,
            GError         **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgParams p = { 0, };
  PGresult *result;

  /* As in the SQLite store: the feed position the last change before the
   * horizon reached. */
  pg_param_int (&p, before_ms);
  result = pg_query (self, txn->conn,
                     "SELECT greatest ((SELECT coalesce (max (server_seq), 0) FROM changes WHERE at < $1::bigint),"
                     " coalesce ((SELECT value::bigint FROM meta WHERE key = 'compacted_seq'), 0))", &p, error);
  if (result == NULL)
    return FALSE;
  stats->horizon_seq = pg_int (result, 0, 0);
  PQclear (result);

  stats->changes_slimmed = pg_run_count (self, txn->conn,
                                         "UPDATE changes SET old = NULL, new = NULL"
                                         " WHERE at < $1::bigint AND (old IS NOT NULL OR new IS NOT NULL)", &p, error);
  if (stats->changes_slimmed < 0)
    return FALSE;
  p.n = 0;
  pg_param_int (&p, stats->horizon_seq);
  stats->evictions = pg_run_count (self, txn->conn, "DELETE FROM evictions WHERE seq <= $1::bigint", &p, error);
  if (stats->evictions < 0)
    return FALSE;
  stats->review_items = pg_run_count (self, txn->conn,
                                      "DELETE FROM records WHERE tbl = 'review_items' AND seq <= $1::bigint"
                                      " AND (data::json ->> 'resolved') IN ('1', 'true')", &p, error);
  return stats->review_items >= 0;
}

static gboolean
pg_check (StStore  *store,
          GError  **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgConn *conn = pg_reader_acquire (self, error);
  g_autofree char *kind = NULL;
  GError *local = NULL;

  if (conn == NULL)
    return FALSE;
  kind = pg_meta_get (self, conn, "store", &local);
  pg_reader_release (self, conn);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (kind == NULL)
    {
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_NOT_A_STORE,
                   _("The database %s is not a shuangti-server database or is damaged. Restore it from a backup."),
                   self->display);
      return FALSE;
    }
  return TRUE;
}


void
pg_array_append (GString    *out,
                 const char *value)
{
  if (out->len > 1)
    g_string_append_c (out, ',');
  if (value == NULL)
    {
      g_string_append (out, "NULL");
      return;
    }
  g_string_append_c (out, '"');
  /* A row's JSON holds many quotes: the runs between them at once. */
  for (const char *c = value; *c != '\0';)
    {
      size_t run = strcspn (c, "\"\\");

      g_string_append_len (out, c, (gssize) run);
      c += run;
      if (*c == '\0')
        break;
      g_string_append_c (out, '\\');
      g_string_append_c (out, *c++);
    }
  g_string_append_c (out, '"');
}

/* array_recv's header: dimensions, whether a NULL is there, the
 * element's type, the length and the lower bound of the one dimension;
 * filled when the array is sent. */
#define ARRAY_HEADER 20

PgColumns *
pg_columns_new (const char *types)
{
  PgColumns *columns = g_new0 (PgColumns, 1);

  columns->n_fields = strlen (types);
  g_assert (columns->n_fields <= ST_PG_MAX_PARAMS);
  memcpy (columns->types, types, columns->n_fields);
  for (guint f = 0; f < columns->n_fields; f++)
    columns->columns[f] = g_string_sized_new (4096);
  pg_columns_reset (columns);
  return columns;
}

static void
append_be32 (GString *out,
             guint32  value)
{
  value = GUINT32_TO_BE (value);
  g_string_append_len (out, (const char *) &value, 4);
}

void
pg_columns_free (PgColumns *columns)
{
  for (guint f = 0; f < columns->n_fields; f++)
    g_string_free (columns->columns[f], TRUE);
  g_free (columns);
}

/* Each element: its length (-1: NULL) and its bytes, as the element
 * type's binary receive function reads them. */
void
pg_columns_add (PgColumns          *columns,
                const char * const *values)
{
  for (guint f = 0; f < columns->n_fields; f++)
    {
      GString *out = columns->columns[f];
      const char *value = values[f];

      if (value == NULL)
        {
          append_be32 (out, (guint32) -1);
          columns->nulls[f] = TRUE;
          continue;
        }
      switch (columns->types[f])
        {
        case 'b':
          {
            guint64 n = GUINT64_TO_BE ((guint64) g_ascii_strtoll (value, NULL, 10));

            append_be32 (out, 8);
            g_string_append_len (out, (const char *) &n, 8);
          }
          break;
        case 'i':
          append_be32 (out, 4);
          append_be32 (out, (guint32) (gint32) g_ascii_strtoll (value, NULL, 10));
          break;
        case 'B':
          append_be32 (out, 1);
          g_string_append_c (out, value[0] == 't' ? 1 : 0);
          break;
        default:
          {
            size_t length = strlen (value);

            append_be32 (out, (guint32) length);
            g_string_append_len (out, value, (gssize) length);
          }
          break;
        }
    }
  columns->n_rows++;
}

void
pg_columns_params (PgColumns *columns,
                   PgParams  *p)
{
  for (guint f = 0; f < columns->n_fields; f++)
    {
      guint32 *header = (guint32 *) columns->columns[f]->str;
      guint32 type;

      switch (columns->types[f])
        {
        case 'b': type = 20; break;     /* int8 */
        case 'i': type = 23; break;     /* int4 */
        case 'B': type = 16; break;     /* bool */
        default: type = 25; break;      /* text */
        }
      header[0] = GUINT32_TO_BE (1);
      header[1] = GUINT32_TO_BE (columns->nulls[f] ? 1 : 0);
      header[2] = GUINT32_TO_BE (type);
      header[3] = GUINT32_TO_BE (columns->n_rows);
      header[4] = GUINT32_TO_BE (1);
      pg_param_binary (p, columns->columns[f]->str, (int) columns->columns[f]->len);
    }
}

void
pg_columns_reset (PgColumns *columns)
{
  for (guint f = 0; f < columns->n_fields; f++)
    {
      g_string_set_size (columns->columns[f], ARRAY_HEADER);
      columns->nulls[f] = FALSE;
    }
  columns->n_rows = 0;
}

char *
pg_text_array (const char * const *values)
{
  g_autoptr(GString) text = g_string_new ("{");

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append_c (text, '"');
      for (const char *c = values[i]; *c; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (text, '\\');
          g_string_append_c (text, *c);
        }
      g_string_append_c (text, '"');
    }
  g_string_append_c (text, '}');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* StStore: transactions */

static StStoreTxn *
pg_begin (StStore  *store,
          GError  **error)
{
  StStorePg *self = ST_STORE_PG (store);

  g_mutex_lock (&self->write_lock);
  /* The lock orders the writers of every process (see the top); it goes
   * with the transaction. */
  if (!pg_conn_ensure (self, self->writer, error)
      || !pg_exec (self, self->writer,
                   "BEGIN; SELECT pg_advisory_xact_lock (" ST_PG_LOCK_WRITE ")", error))
    {
      if (self->writer->pg != NULL && PQtransactionStatus (self->writer->pg) != PQTRANS_IDLE)
        PQclear (PQexec (self->writer->pg, "ROLLBACK"));
      g_mutex_unlock (&self->write_lock);
      return NULL;
    }
  /* Once the lock is held: the writer takes the jobs that came in while
   * it waited into this transaction (st-server-writer.c), and the rows they
   * read are theirs; the rows read since are later pushes'
   * (st-store-pg-cache.c). */
  self->txn.began_us = g_get_monotonic_time ();
  self->txn.next_seq = 0;
  self->txn.wrote = FALSE;
  pg_cache_clear (&self->txn);
  pg_log_batch_clear (self->writer);
  pg_records_clear (self->writer);
  pg_pipeline_enter (self->writer);
  return &self->txn;
}

/* What the transaction kept (thousands of rows' keys after a group of
 * pushes), let go once it is over and the write lock is released: not in
 * the next one's time under the lock. */
static void
forget_txn (StStoreTxn *txn)
{
  pg_cache_clear (txn);
  if (txn->devices != NULL)
    g_hash_table_remove_all (txn->devices);
  pg_log_batch_clear (txn->conn);
  pg_records_clear (txn->conn);
}

static gboolean
pg_commit (StStore     *store,
           StStoreTxn  *txn,
           GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PGresult *result;
  gboolean ok;

  if (!pg_cache_mark_high (self, txn, error)
      || !pg_records_flush (self, txn->conn, error) || !pg_log_flush (self, txn->conn, error)
      || !pg_pipeline_leave (self, txn->conn, error))
    {
      if (PQtransactionStatus (txn->conn->pg) != PQTRANS_IDLE)
        PQclear (PQexec (txn->conn->pg, "ROLLBACK"));
      forget_txn (txn);
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }
  result = PQexec (txn->conn->pg, "COMMIT");
  ok = PQresultStatus (result) == PGRES_COMMAND_OK;

  /* A transaction that failed earlier "commits" as ROLLBACK. */
  if (ok && !g_str_equal (PQcmdStatus (result), "COMMIT"))
    {
      ok = FALSE;
      g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED,
                   _("The server database %s failed (%s). Nothing was saved."), self->display, "ROLLBACK");
    }
  else if (!ok)
    pg_set_error (self, txn->conn, result, error);
  PQclear (result);
  if (PQtransactionStatus (txn->conn->pg) != PQTRANS_IDLE)
    PQclear (PQexec (txn->conn->pg, "ROLLBACK"));
  forget_txn (txn);
  g_mutex_unlock (&self->write_lock);
  return ok;
}

static void
pg_rollback (StStore    *store,
             StStoreTxn *txn)
{
  StStorePg *self = ST_STORE_PG (store);

  pg_log_batch_clear (txn->conn);
  pg_records_clear (txn->conn);
  pg_pipeline_leave (self, txn->conn, NULL);
  if (PQtransactionStatus (txn->conn->pg) != PQTRANS_IDLE)
    PQclear (PQexec (txn->conn->pg, "ROLLBACK"));
  forget_txn (txn);
  g_mutex_unlock (&self->write_lock);
}

/* Settles the request ended by pg_release_later (): FALSE with
 * ST_STORE_ERROR_EARLIER when it failed (its error kept for pg_settle ()). */
static gboolean
settle_earlier (StStorePg  *self,
                PgConn     *conn,
                GError    **error)
{
  GError *local = NULL;

  if (conn->earlier_error == NULL && pg_pipeline_settle (self, conn, &local))
    return TRUE;
  if (local != NULL)
    conn->earlier_error = local;
  g_set_error_literal (error, ST_STORE_ERROR, ST_STORE_ERROR_EARLIER, "The request before this one failed.");
  return FALSE;
}

/* Not waited for on the writer's pipeline (one round trip less per
 * request): were it to fail, the request's first read or its release says
 * so, and the request fails, as it would here — or, ended by
 * pg_release_later (), the next request's first wait (the writer then
 * fails this one, ST_STORE_ERROR_EARLIER). */
static gboolean
pg_savepoint (StStore     *store,
              StStoreTxn  *txn,
              GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgConn *conn = txn->conn;

  /* A request: it may have joined the transaction after it began
   * (st-server-writer.c), and was read ahead before now. */
  if (conn->depth == 0)
    txn->began_us = g_get_monotonic_time ();
  if (!conn->pipelined)
    {
      if (!pg_exec (self, conn, "SAVEPOINT request", error))
        return FALSE;
    }
  /* Inside a request: the one ended before it is settled first, so that
   * a failure of the nested request is its own. */
  else if ((conn->depth > 0 && !settle_earlier (self, conn, error))
           || !pg_records_flush (self, conn, error) || !pg_log_flush (self, conn, error)
           || !pg_pipeline_send_exec (self, conn, "SAVEPOINT request", error))
    return FALSE;
  conn->depth++;
  return TRUE;
}

static gboolean
pg_release (StStore     *store,
            StStoreTxn  *txn,
            GError     **error)
{
  txn->conn->depth = txn->conn->depth > 0 ? txn->conn->depth - 1 : 0;
  return pg_exec (ST_STORE_PG (store), txn->conn, "RELEASE SAVEPOINT request", error);
}

/* The request's writes, its RELEASE and a request to send the answers as
 * they come are sent, not waited for: the database writes this request
 * while the writer makes the next one ready (the writer's CPU time and the
 * database's overlap instead of following each other). The request before
 * is settled now: its answers came meanwhile. */
static gboolean
pg_release_later (StStore     *store,
                  StStoreTxn  *txn,
                  GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgConn *conn = txn->conn;

  if (!conn->pipelined || conn->depth > 1)
    return pg_release (store, txn, error);
  if (!pg_records_flush (self, conn, error) || !pg_log_flush (self, conn, error)
      || !pg_pipeline_send_exec (self, conn, "RELEASE SAVEPOINT request", error)
      || !pg_pipeline_push (self, conn, error))
    return FALSE;
  conn->depth = conn->depth > 0 ? conn->depth - 1 : 0;
  if (!settle_earlier (self, conn, error))
    return FALSE;
  conn->unsettled = conn->pending;
  return TRUE;
}

static gboolean
pg_settle (StStore     *store,
           StStoreTxn  *txn,
           GError     **error)
{
  PgConn *conn = txn->conn;

  if (conn->earlier_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&conn->earlier_error));
      return FALSE;
    }
  return !conn->pipelined || pg_pipeline_settle (ST_STORE_PG (store), conn, error);
}

static void
pg_rollback_to (StStore    *store,
                StStoreTxn *txn)
{
  StStorePg *self = ST_STORE_PG (store);

  /* What the request still keeps on the pipeline is its own (its SAVEPOINT
   * sent everything before): dropped, not sent. Were it sent after a
   * failure, the pipeline would skip the ROLLBACK TO behind it and the
   * rest of the transaction would fail with the request. */
  pg_log_batch_clear (txn->conn);
  pg_records_clear (txn->conn);
  /* Settled by the caller (the writer) or by the savepoint (nested). */
  txn->conn->unsettled = 0;
  g_clear_error (&txn->conn->earlier_error);
  txn->conn->depth = txn->conn->depth > 0 ? txn->conn->depth - 1 : 0;
  pg_exec (self, txn->conn, "ROLLBACK TO SAVEPOINT request", NULL);
  pg_exec (self, txn->conn, "RELEASE SAVEPOINT request", NULL);
  pg_cache_clear (txn);
  /* Feed positions given inside the savepoint went with it. */
  txn->next_seq = 0;
}


/* GObject */

static void
st_store_pg_finalize (GObject *object)
{
  StStorePg *self = ST_STORE_PG (object);

  g_clear_pointer (&self->idle_readers, g_async_queue_unref);
  g_clear_pointer (&self->readers, g_ptr_array_unref);
  g_clear_pointer (&self->writer, pg_conn_free);
  g_mutex_clear (&self->write_lock);
  g_mutex_clear (&self->readers_lock);
  g_mutex_clear (&self->hints_lock);
  pg_cache_hints_free (self);
  g_clear_pointer (&self->txn.ops, g_hash_table_unref);
  g_clear_pointer (&self->txn.seqs, g_hash_table_unref);
  g_clear_pointer (&self->txn.counts, g_hash_table_unref);
  g_clear_pointer (&self->txn.count_fields, g_ptr_array_unref);
  g_clear_pointer (&self->txn.devices, g_hash_table_unref);
  g_free (self->conninfo);
  g_free (self->display);
  g_free (self->server_device);
  g_free (self->identity);

  G_OBJECT_CLASS (st_store_pg_parent_class)->finalize (object);
}

static void
st_store_pg_class_init (StStorePgClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = st_store_pg_finalize;
}

static void
st_store_pg_init (StStorePg *self)
{
  g_mutex_init (&self->write_lock);
  g_mutex_init (&self->readers_lock);
  g_mutex_init (&self->hints_lock);
  self->hint_queue = g_queue_new ();
  self->hints = g_hash_table_new (g_str_hash, g_str_equal);
  self->txn.ops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->txn.seqs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->txn.counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->txn.count_fields = g_ptr_array_new_with_free_func (g_free);
  self->txn.devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->readers = g_ptr_array_new_with_free_func ((GDestroyNotify) pg_conn_free);
  self->idle_readers = g_async_queue_new ();
}

/* Any number of processes may serve the database. */
static gboolean
pg_is_shared (StStore *store)
{
  return TRUE;
}

static void
st_store_pg_iface_init (StStoreInterface *iface)
{
  iface->get_schema_version = pg_get_schema_version;
  iface->get_server_device = pg_get_server_device;
  iface->get_identity = pg_get_identity;
  iface->get_generation = pg_get_generation;
  iface->get_compacted_seq = pg_get_compacted_seq;
  iface->get_feed_high = pg_get_feed_high;
  iface->meta_set = pg_meta_set_in;
  iface->origin_set = pg_origin_set;
  iface->compact = pg_compact;
  iface->check = pg_check;
  iface->begin = pg_begin;
  iface->commit = pg_commit;
  iface->rollback = pg_rollback;
  iface->savepoint = pg_savepoint;
  iface->release = pg_release;
  iface->rollback_to = pg_rollback_to;
  iface->release_later = pg_release_later;
  iface->settle = pg_settle;
  pg_accounts_iface_init (iface);
  pg_feed_iface_init (iface);
  pg_log_iface_init (iface);
  pg_throttle_iface_init (iface);
  iface->records_get_many = pg_records_get_many;
  iface->is_shared = pg_is_shared;
}
