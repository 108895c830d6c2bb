/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libpq-fe.h>

#include "st-store-pg.h"
#include "st-test-store.h"

static int forced = -1;

gboolean
st_test_store_is_pg (void)
{
  if (forced >= 0)
    return forced;
  return g_strcmp0 (g_getenv ("ST_TEST_STORE"), "pg") == 0;
}

void
st_test_store_use_pg (gboolean pg)
{
  g_assert_true (g_strcmp0 (g_getenv ("ST_TEST_STORE"), "pg") == 0);
  forced = pg;
}

static const char *
cluster (void)
{
  const char *base = g_getenv ("ST_TEST_PG");

  if (base == NULL || *base == '\0')
    g_error ("ST_TEST_STORE=pg needs a PostgreSQL cluster: run the test under tests/pg-cluster "
             "(meson test does; scripts/deps --test installs postgresql-15)");
  return base;
}

static char *
database_name (const char *db_path)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA1, db_path, -1);

  return g_strdup_printf ("st_%.32s", sum);
}

static PGconn *
connect_to (const char *dbname)
{
  g_autofree char *conninfo = g_strdup_printf ("%s dbname=%s", cluster (), dbname);
  PGconn *pg = PQconnectdb (conninfo);

  if (PQstatus (pg) != CONNECTION_OK)
    g_error ("the test cluster cannot be reached (%s): %s", conninfo, PQerrorMessage (pg));
  return pg;
}

char *
st_test_store_db (const char *db_path)
{
  static GHashTable *made;
  static GMutex lock;
  g_autofree char *name = NULL;

  if (!st_test_store_is_pg ())
    return g_strdup (db_path);
  name = database_name (db_path);
  g_mutex_lock (&lock);
  if (made == NULL)
    made = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!g_hash_table_contains (made, name))
    {
      PGconn *pg = connect_to ("postgres");
      g_autofree char *sql = g_strdup_printf ("CREATE DATABASE %s", name);
      PGresult *result = PQexec (pg, sql);

      /* 42P04: made by an earlier process of this test. */
      if (PQresultStatus (result) != PGRES_COMMAND_OK
          && g_strcmp0 (PQresultErrorField (result, PG_DIAG_SQLSTATE), "42P04") != 0)
        g_error ("CREATE DATABASE failed: %s", PQerrorMessage (pg));
      PQclear (result);
      PQfinish (pg);
      g_hash_table_add (made, g_strdup (name));
    }
  g_mutex_unlock (&lock);
  return g_strdup_printf ("%s dbname=%s", cluster (), name);
}

char *
st_test_store_pg_query (const char *db_path,
                        const char *sql)
{
  g_autofree char *name = database_name (db_path);
  PGconn *pg = connect_to (name);
  PGresult *result = PQexec (pg, sql);
  char *value = NULL;

  if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) > 0)
    value = g_strdup (PQgetvalue (result, 0, 0));
  else if (PQresultStatus (result) != PGRES_TUPLES_OK && PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (pg));
  PQclear (result);
  PQfinish (pg);
  return value;
}

gpointer
st_test_store_pg_lock_ask (const char *db_path)
{
  g_autofree char *name = database_name (db_path);
  PGconn *pg = connect_to (name);

  if (PQsendQuery (pg, "SELECT pg_advisory_lock (" ST_PG_LOCK_WRITE ")") != 1)
    g_error ("the write lock: %s", PQerrorMessage (pg));
  return pg;
}

void
st_test_store_pg_lock_wait (gpointer lock)
{
  PGresult *result;

  while ((result = PQgetResult (lock)) != NULL)
    {
      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        g_error ("the write lock: %s", PQerrorMessage (lock));
      PQclear (result);
    }
}

gpointer
st_test_store_pg_lock_writes (const char *db_path)
{
  gpointer lock = st_test_store_pg_lock_ask (db_path);

  st_test_store_pg_lock_wait (lock);
  return lock;
}

void
st_test_store_pg_unlock (gpointer lock)
{
  /* The session's lock goes with it. */
  PQfinish (lock);
}

char *
st_test_store_pg_dump (const char *db_path)
{
  return st_test_store_pg_query (db_path,
                                 "SELECT concat_ws (E'\\n',"
                                 " (SELECT string_agg (t::text, E'\\n') FROM meta AS t),"
                                 " (SELECT string_agg (t::text, E'\\n') FROM accounts AS t),"
                                 " (SELECT string_agg (t::text, E'\\n') FROM devices AS t),"
                                 " (SELECT string_agg (t::text, E'\\n') FROM tokens AS t),"
                                 " (SELECT string_agg (t::text, E'\\n') FROM records AS t),"
                                 " (SELECT string_agg (t::text, E'\\n') FROM changes AS t),"
                                 " (SELECT string_agg (t::text, E'\\n') FROM admin_log AS t))");
}

gint64
st_test_store_pg_int (const char *db_path,
                      const char *sql,
                      const char *param)
{
  g_autofree char *name = database_name (db_path);
  PGconn *pg = connect_to (name);
  const char *values[1] = { param };
  PGresult *result = PQexecParams (pg, sql, param ? 1 : 0, NULL, values, NULL, NULL, 0);
  gint64 v;

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (pg));
  g_assert_cmpint (PQntuples (result), ==, 1);
  v = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  PQfinish (pg);
  return v;
}
