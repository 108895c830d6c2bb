/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "st-participant.h"
#include "st-test-replica.h"

static const char *const tables[] = {
  "programs", "majors", "participants", "classes", "enrolments", "sessions",
  "attendance", "study_logs", "assignments", "assessments", "exemptions",
  "certificates", "review_items", "visits",
};

static gint64
skewed_clock (gpointer user_data)
{
  StTestReplica *r = user_data;

  return g_get_real_time () / 1000 + r->skew_ms;
}

StTestReplica *
st_test_replica_new (const char *name,
                     gint64      skew_ms)
{
  StTestReplica *r = g_new0 (StTestReplica, 1);
  g_autofree char *file = g_strconcat (name, ".db", NULL);

  r->name = g_strdup (name);
  r->path = st_test_db_path (file);
  r->skew_ms = skew_ms;
  r->clock = st_hlc_new (skewed_clock, r);
  st_test_replica_reopen (r);
  return r;
}

void
st_test_replica_reopen (StTestReplica *r)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&r->db);
  r->db = st_db_open (r->path, &error);
  g_assert_no_error (error);
  st_db_set_clock (r->db, r->clock);
  st_db_set_actor (r->db, r->name);
  /* The offset the last sync measured. */
  {
    g_autofree char *offset = st_db_get_meta (r->db, "sync.clock_offset");

    st_hlc_set_offset (r->clock, offset != NULL ? g_ascii_strtoll (offset, NULL, 10) : 0);
  }
}

void
st_test_replica_free (StTestReplica *r)
{
  if (r == NULL)
    return;
  g_clear_object (&r->db);
  st_hlc_free (r->clock);
  g_free (r->name);
  g_free (r->path);
  g_free (r->user);
  g_free (r->token);
  g_strfreev (r->townships);
  g_free (r);
}

void
st_test_replica_sign_in (StTestReplica *r,
                         StTestServer  *server,
                         const char    *user)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StSyncAccount) account = st_sync_sign_in (r->db, server->url, user, ST_TEST_PASSWORD, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_free (r->user);
  r->user = g_strdup (user);
  g_free (r->token);
  r->token = g_strdup (account->token);
  g_clear_pointer (&r->townships, g_strfreev);
  if (!account->all_townships)
    r->townships = g_strdupv (account->townships);
}

gboolean
st_test_replica_sync (StTestReplica       *r,
                      const StSyncOptions *options,
                      StSyncStats         *stats,
                      GError             **error)
{
  StSyncOptions fast = { .attempts = 3, .retry_base_ms = 20 };

  return st_sync_run (r->db, r->token, options != NULL ? options : &fast, stats, NULL, error);
}

void
st_test_replica_sync_ok (StTestReplica *r)
{
  g_autoptr(GError) error = NULL;

  st_test_replica_sync (r, NULL, NULL, &error);
  g_assert_no_error (error);
}

char *
st_test_replica_add_participant (StTestReplica *r,
                                 guint          n,
                                 const char    *name,
                                 const char    *township)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id_number = st_test_id_number (n);
  StParticipant *p = st_participant_new ();
  char *id;

  st_participant_set_id_number (p, id_number, &error);
  g_assert_no_error (error);
  p->name = g_strdup (name);
  p->township_code = g_strdup (township);
  p->education = g_strdup ("none");
  st_participant_insert (r->db, p, &error);
  g_assert_no_error (error);
  id = g_strdup (p->id);
  st_participant_free (p);
  return id;
}

void
st_test_replica_set (StTestReplica *r,
                     const char    *table,
                     const char    *row,
                     const char    *field,
                     const char    *value)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET %s = ?, hlc = st_hlc (), device = st_device () WHERE id = ?",
                                          table, field);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = st_db_prepare (r->db, sql, &error);
  int rc;

  g_assert_no_error (error);
  st_db_bind_text (stmt, 1, value);
  sqlite3_bind_text (stmt, 2, row, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    g_error ("%s: %s", sql, sqlite3_errmsg (st_db_get_handle (r->db)));
  g_assert_cmpint (sqlite3_changes (st_db_get_handle (r->db)), ==, 1);
  sqlite3_reset (stmt);
}

void
st_test_replica_delete (StTestReplica *r,
                        const char    *table,
                        const char    *row)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET deleted = 1, hlc = st_hlc (), device = st_device () WHERE id = ?",
                                          table);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = st_db_prepare (r->db, sql, &error);

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, row, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_reset (stmt);
}

char *
st_test_replica_get (StTestReplica *r,
                     const char    *table,
                     const char    *row,
                     const char    *field)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s WHERE id = ?", field, table);
  sqlite3_stmt *stmt = st_db_prepare (r->db, sql, NULL);
  char *value = NULL;

  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, row, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

gint64
st_test_replica_count (StTestReplica *r,
                       const char    *sql)
{
  sqlite3_stmt *stmt = st_db_prepare (r->db, sql, NULL);
  gint64 n = -1;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

char *
st_test_replica_get_text (StTestReplica *r,
                          const char    *sql)
{
  sqlite3_stmt *stmt = st_db_prepare (r->db, sql, NULL);
  char *text = NULL;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return text;
}

char *
st_test_digest_rows (StDb               *db,
                     const char * const *townships,
                     int                 deleted)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GString) in = g_string_new (NULL);
  const char *which = deleted == 0 ? " AND deleted = 0" : deleted == 1 ? " AND deleted = 1" : "";

  for (guint i = 0; townships != NULL && townships[i] != NULL; i++)
    g_string_append_printf (in, "%s'%s'", i ? "," : "", townships[i]);

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *sql = NULL;
      gboolean scoped = !g_str_equal (tables[t], "programs") && !g_str_equal (tables[t], "majors");
      sqlite3_stmt *stmt = NULL;

      if (townships != NULL && scoped)
        sql = g_strdup_printf ("SELECT * FROM %s WHERE township_code IN (%s)%s ORDER BY id", tables[t], in->str, which);
      else
        sql = g_strdup_printf ("SELECT * FROM %s WHERE 1%s ORDER BY id", tables[t], which);
      g_assert_cmpint (sqlite3_prepare_v2 (st_db_get_handle (db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_string_append (out, tables[t]);
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const char *name = sqlite3_column_name (stmt, c);
              const char *value = (const char *) sqlite3_column_text (stmt, c);

              /* Review items: only what the server says, not how this
               * laptop keeps it. */
              if (g_str_equal (tables[t], "review_items") && g_str_equal (name, "data"))
                continue;
              g_string_append_printf (out, "|%s", value != NULL ? value : "∅");
            }
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (stmt);
    }
  return g_string_free (out, FALSE);
}

char *
st_test_digest (StDb               *db,
                const char * const *townships)
{
  return st_test_digest_rows (db, townships, -1);
}
