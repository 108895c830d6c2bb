/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL store's writer talks in libpq's pipeline mode inside a
 * transaction: a write whose answer nobody reads (a record, a log entry)
 * is sent and not waited for; the answers are read at the next read, at the
 * end of each request (st_store_release ()) and at the commit. A push of a
 * hundred changes thus waits for the database a few times instead of
 * hundreds — the round trips SQLite never had. A write that failed is
 * reported at the latest by the release of its request, so that the request
 * it belongs to fails, not the next one. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include "st-store-pg-private.h"

void
pg_pipeline_enter (PgConn *conn)
{
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

/* Reads the answers of every command sent; the last one's result in
 * @last (when not NULL and it succeeded); @error from the first failure. */
static gboolean
collect (StStorePg  *self,
         PgConn     *conn,
         PGresult  **last,
         GError    **error)
{
  GError *first = NULL;

  if (last != NULL)
    *last = NULL;
  if (conn->pending == 0)
    return TRUE;
  if (PQsendFlushRequest (conn->pg) != 1 || PQflush (conn->pg) != 0)
    {
      conn->pending = 0;
      return pg_set_error (self, conn, NULL, error);
    }
  while (conn->pending > 0)
    {
      PGresult *r = PQgetResult (conn->pg);
      ExecStatusType status;

      if (r == NULL)
        {
          if (first == NULL)
            pg_set_error (self, conn, NULL, &first);
          conn->pending = 0;
          break;
        }
      status = PQresultStatus (r);
      if (status == PGRES_FATAL_ERROR && first == NULL)
        pg_set_error (self, conn, r, &first);
      else if (status == PGRES_PIPELINE_ABORTED && first == NULL)
        pg_set_error (self, conn, r, &first);
      if (conn->pending == 1 && last != NULL && first == NULL
          && (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK))
        *last = r;
      else
        PQclear (r);
      /* The NULL that ends each command's answers. */
      r = PQgetResult (conn->pg);
      if (r != NULL)
        PQclear (r);
      conn->pending--;
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
  return ok;
}
