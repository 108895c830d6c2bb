/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL store's writer talks in libpq's pipeline mode inside a
 * transaction: a write whose answer nobody reads (a record, a log entry)
 * is sent and not waited for; the answers are read at the next read and at
 * the commit. A push of a hundred changes thus waits for the database a
 * few times instead of hundreds — the round trips SQLite never had.
 *
 * The writer does not wait at the end of each request either
 * (st_store_release_later ()): while the database writes request n, the
 * writer makes request n + 1 ready. The answers of request n are told
 * apart from the next one's by their number (conn->unsettled): a failure
 * among them is request n's, kept for st_store_settle () — the writer
 * then rolls request n back and makes request n + 1 again, so that the
 * request a failed write belongs to fails, never the next one. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include "st-store-pg-private.h"

void
pg_pipeline_enter (PgConn *conn)
{
  conn->unsettled = 0;
  conn->depth = 0;
  g_clear_error (&conn->earlier_error);
  if (PQenterPipelineMode (conn->pg) == 1)
    {
      conn->pipelined = TRUE;
      conn->pending = 0;
    }
}

/* After a failure: every command up to a sync point was skipped; the sync
 * makes the connection usable again (the transaction stays failed until
 * ROLLBACK TO or ROLLBACK, as without a pipeline). */
static void
resync (PgConn *conn)
{
  if (PQstatus (conn->pg) != CONNECTION_OK || PQpipelineSync (conn->pg) != 1)
    return;
  for (guint i = 0; i < 1000; i++)
    {
      PGresult *r = PQgetResult (conn->pg);
      ExecStatusType status;

      if (r == NULL)
        {
          if (PQstatus (conn->pg) != CONNECTION_OK)
            return;
          continue;
        }
      status = PQresultStatus (r);
      PQclear (r);
      if (status == PGRES_PIPELINE_SYNC)
        return;
    }
}

/* Reads the answers of the first @n commands sent, the last one's result
 * in @last (when not NULL and it succeeded). On a failure, @error and
 * *@failed_at (its place among them) tell which failed, and every answer
 * is read: the pipeline skipped the commands after the failed one. */
static gboolean
read_answers (StStorePg  *self,
              PgConn     *conn,
              guint       n,
              PGresult  **last,
              guint      *failed_at,
              GError    **error)
{
  GError *first = NULL;
  guint i = 0;

  if (last != NULL)
    *last = NULL;
  if (n == 0)
    return TRUE;
  if (PQsendFlushRequest (conn->pg) != 1 || PQflush (conn->pg) != 0)
    {
      conn->pending = 0;
      *failed_at = 0;
      return pg_set_error (self, conn, NULL, error);
    }
  while (i < n && conn->pending > 0)
    {
      PGresult *r = PQgetResult (conn->pg);
      ExecStatusType status;

      if (r == NULL)
        {
          if (first == NULL)
            {
              pg_set_error (self, conn, NULL, &first);
              *failed_at = i;
            }
          conn->pending = 0;
          break;
        }
      status = PQresultStatus (r);
      if ((status == PGRES_FATAL_ERROR || status == PGRES_PIPELINE_ABORTED) && first == NULL)
        {
          pg_set_error (self, conn, r, &first);
          *failed_at = i;
          /* The rest were skipped: read them all. */
          n = i + conn->pending;
        }
      if (i == n - 1 && last != NULL && first == NULL
          && (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK))
        *last = r;
      else
        PQclear (r);
      /* The NULL that ends each command's answers. */
      r = PQgetResult (conn->pg);
      if (r != NULL)
        PQclear (r);
      conn->pending--;
      i++;
    }
  if (first != NULL)
    {
      /* The statements prepared meanwhile may not exist. */
      g_hash_table_remove_all (conn->prepared);
      resync (conn);
      if (last != NULL)
        g_clear_pointer (last, PQclear);
      g_propagate_error (error, first);
      return FALSE;
    }
  return TRUE;
}

/* Reads the answers of every command sent; the last one's result in
 * @last (when not NULL and it succeeded); @error from the first failure.
 * A failure among the answers of the request ended later
 * (st_store_release_later ()) is that request's: kept for
 * st_store_settle (), and this call fails with ST_STORE_ERROR_EARLIER. */
static gboolean
collect (StStorePg  *self,
         PgConn     *conn,
         PGresult  **last,
         GError    **error)
{
  guint unsettled = conn->unsettled;
  guint failed_at = 0;
  GError *local = NULL;

  conn->unsettled = 0;
  if (read_answers (self, conn, conn->pending, last, &failed_at, &local))
    return TRUE;
  if (failed_at < unsettled)
    {
      g_clear_error (&conn->earlier_error);
      conn->earlier_error = local;
      g_set_error_literal (error, ST_STORE_ERROR, ST_STORE_ERROR_EARLIER, "The request before this one failed.");
      return FALSE;
    }
  g_propagate_error (error, local);
  return FALSE;
}

gboolean
pg_pipeline_settle (StStorePg  *self,
                    PgConn     *conn,
                    GError    **error)
{
  guint n = conn->unsettled;
  guint failed_at = 0;

  conn->unsettled = 0;
  return read_answers (self, conn, n, NULL, &failed_at, error);
}

gboolean
pg_pipeline_push (StStorePg  *self,
                  PgConn     *conn,
                  GError    **error)
{
  if (PQsendFlushRequest (conn->pg) != 1 || PQflush (conn->pg) != 0)
    return pg_set_error (self, conn, NULL, error);
  return TRUE;
}

gboolean
pg_pipeline_send (StStorePg       *self,
                  PgConn          *conn,
                  const char      *sql,
                  const PgParams  *params,
                  GError         **error)
{
  const char *name = g_hash_table_lookup (conn->prepared, sql);
  int n = params ? params->n : 0;

  if (name == NULL)
    {
      g_autofree char *new_name = g_strdup_printf ("st%u", ++conn->next_name);

      if (PQsendPrepare (conn->pg, new_name, sql, n, NULL) != 1)
        return pg_set_error (self, conn, NULL, error);
      conn->pending++;
      name = new_name;
      g_hash_table_insert (conn->prepared, g_strdup (sql), g_steal_pointer (&new_name));
    }
  if (PQsendQueryPrepared (conn->pg, name, n, params ? params->values : NULL, params ? params->lengths : NULL,
                           params ? params->formats : NULL, 0) != 1)
    return pg_set_error (self, conn, NULL, error);
  conn->pending++;
  return TRUE;
}

PGresult *
pg_pipeline_query (StStorePg       *self,
                   PgConn          *conn,
                   const char      *sql,
                   const PgParams  *params,
                   GError         **error)
{
  PGresult *result = NULL;

  if (!pg_pipeline_send (self, conn, sql, params, error))
    {
      collect (self, conn, NULL, NULL);
      return NULL;
    }
  if (!collect (self, conn, &result, error))
    return NULL;
  return result;
}

gboolean
pg_pipeline_exec (StStorePg   *self,
                  PgConn      *conn,
                  const char  *sql,
                  GError     **error)
{
  if (PQsendQueryParams (conn->pg, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
    {
      pg_set_error (self, conn, NULL, error);
      collect (self, conn, NULL, NULL);
      return FALSE;
    }
  conn->pending++;
  return collect (self, conn, NULL, error);
}

gboolean
pg_pipeline_send_exec (StStorePg   *self,
                       PgConn      *conn,
                       const char  *sql,
                       GError     **error)
{
  if (PQsendQueryParams (conn->pg, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
    return pg_set_error (self, conn, NULL, error);
  conn->pending++;
  return TRUE;
}

gboolean
pg_pipeline_wait (StStorePg  *self,
                  PgConn     *conn,
                  GError    **error)
{
  return collect (self, conn, NULL, error);
}

gboolean
pg_pipeline_leave (StStorePg  *self,
                   PgConn     *conn,
                   GError    **error)
{
  gboolean ok;

  if (!conn->pipelined)
    return TRUE;
  ok = collect (self, conn, NULL, error);
  if (PQstatus (conn->pg) == CONNECTION_OK)
    {
      resync (conn);
      if (PQexitPipelineMode (conn->pg) != 1)
        {
          PGresult *r;

          while (!PQisBusy (conn->pg) && (r = PQgetResult (conn->pg)) != NULL)
            PQclear (r);
          PQexitPipelineMode (conn->pg);
        }
    }
  conn->pipelined = FALSE;
  conn->pending = 0;
  conn->unsettled = 0;
  return ok;
}
