/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL store: the sign-in throttle, shared by every server
 * process of the database, so that a guesser gains nothing by spreading
 * their tries over the processes behind a load balancer. Each failure is
 * one statement, atomic on its row; it takes no write lock (a sign-in storm
 * holds up no push). The rule is st-server-auth.c's: after max_failures
 * within the window, locked for lockout_s, doubled with every further
 * failure up to max_lockout_s. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include "st-store-pg-private.h"

/* One statement on a reader's connection (the throttle takes no write
 * lock). */
static gboolean
run_on_reader (StStorePg   *self,
               const char  *sql,
               PgParams    *p,
               GError     **error)
{
  PgConn *conn = pg_reader_acquire (self, error);
  gboolean ok;

  if (conn == NULL)
    return FALSE;
  ok = pg_run (self, conn, sql, p, error);
  pg_reader_release (self, conn);
  return ok;
}

static gint64
pg_throttle_locked_until (StStore     *store,
                          const char  *key,
                          GError     **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgConn *conn = pg_reader_acquire (self, error);
  PgParams p = { 0, };
  PGresult *result;
  gint64 until = 0;

  if (conn == NULL)
    return -1;
  pg_param_text (&p, key);
  result = pg_query (self, conn, "SELECT locked_until FROM signin_failures WHERE key = $1::text", &p, error);
  pg_reader_release (self, conn);
  if (result == NULL)
    return -1;
  if (PQntuples (result) > 0)
    until = pg_int (result, 0, 0);
  PQclear (result);
  return until;
}

static gboolean
pg_throttle_fail (StStore                 *store,
                  const char              *key,
                  gint64                   now_ms,
                  const StThrottlePolicy  *policy,
                  GError                 **error)
{
  StStorePg *self = ST_STORE_PG (store);
  PgParams p = { 0, };
  gboolean ok;

  pg_param_text (&p, key);
  pg_param_int (&p, now_ms);
  pg_param_int (&p, MAX (policy->max_failures, 1));
  pg_param_int (&p, MAX (policy->lockout_s, 1));
  pg_param_int (&p, policy->max_lockout_s);
  pg_param_int (&p, policy->window_ms);
  /* A key neither locked nor failed within the window starts again. One
   * upsert: the count (written out twice, as SET cannot read SET) and the
   * lock. */
#define FAILURES "(CASE WHEN f.locked_until <= $2::bigint AND $2::bigint - f.first_at > $6::bigint" \
                 " THEN 1 ELSE f.failures + 1 END)"
#define LOCK_FOR(n) "$2::bigint + 1000 * least ($5::bigint, $4::bigint * power (2, least (" n " - $3::bigint, 20))::bigint)"
  ok = run_on_reader (self,
                      "INSERT INTO signin_failures AS f (key, failures, first_at, locked_until, county)"
                      " VALUES ($1::text, 1, $2::bigint, CASE WHEN 1 >= $3::bigint THEN " LOCK_FOR ("1") " ELSE 0 END,"
                      " " PG_SQL_DB_COUNTY ")"
                      " ON CONFLICT (key) DO UPDATE SET"
                      "  failures = " FAILURES ","
                      "  first_at = CASE WHEN f.locked_until <= $2::bigint AND $2::bigint - f.first_at > $6::bigint"
                      "             THEN $2::bigint ELSE f.first_at END,"
                      "  locked_until = CASE WHEN " FAILURES " >= $3::bigint THEN " LOCK_FOR (FAILURES)
                      "                 ELSE f.locked_until END",
                      &p, error);
#undef FAILURES
#undef LOCK_FOR
  /* Keys that tried once and left must not fill the table. */
  if (ok && g_random_int_range (0, 100) == 0)
    {
      PgParams old = { 0, };

      pg_param_int (&old, now_ms);
      pg_param_int (&old, policy->window_ms);
      run_on_reader (self, "DELETE FROM signin_failures WHERE locked_until <= $1::bigint"
                           " AND $1::bigint - first_at > $2::bigint", &old, NULL);
    }
  return ok;
}

static gboolean
pg_throttle_clear (StStore     *store,
                   const char  *key,
                   GError     **error)
{
  PgParams p = { 0, };

  pg_param_text (&p, key);
  return run_on_reader (ST_STORE_PG (store), "DELETE FROM signin_failures WHERE key = $1::text", &p, error);
}

void
pg_throttle_iface_init (StStoreInterface *iface)
{
  iface->throttle_locked_until = pg_throttle_locked_until;
  iface->throttle_fail = pg_throttle_fail;
  iface->throttle_clear = pg_throttle_clear;
}
