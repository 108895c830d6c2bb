/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "st-sync-origin.h"
#include "st-sync.h"

/* The synced tables (st-sync.c's feed tables). */
static const char *const synced_tables[] = {
  "programs", "majors", "participants", "classes", "enrolments", "sessions",
  "attendance", "study_logs", "assignments", "assessments", "exemptions",
  "certificates", "review_items", "visits",
};

#define PENDING_ROWS "SELECT a.row_id FROM outbox AS o JOIN audit_log AS a ON a.id = o.audit_id"

gboolean
st_sync_origin_changed (StDb       *db,
                        JsonObject *server)
{
  g_autofree char *known_id = st_db_get_meta (db, "sync.server_id");
  g_autofree char *known_generation = st_db_get_meta (db, "sync.server_generation");
  const char *id;

  if (server == NULL || known_id == NULL)
    return FALSE;
  id = json_object_get_string_member_with_default (server, "id", NULL);
  if (id == NULL)
    return FALSE;
  return g_strcmp0 (id, known_id) != 0
         || json_object_get_int_member_with_default (server, "generation", 0)
            != (known_generation ? g_ascii_strtoll (known_generation, NULL, 10) : 0);
}

gboolean
st_sync_origin_store (StDb        *db,
                      JsonObject  *server,
                      GError     **error)
{
  const char *id = server ? json_object_get_string_member_with_default (server, "id", NULL) : NULL;
  g_autofree char *generation = NULL;

  if (id == NULL)
    return TRUE;
  generation = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member_with_default (server, "generation", 0));
  return st_db_set_meta (db, "sync.server_id", id, error)
         && st_db_set_meta (db, "sync.server_generation", generation, error);
}

gboolean
st_sync_origin_forget (StDb    *db,
                       GError **error)
{
  return st_db_set_meta (db, "sync.server_id", NULL, error)
         && st_db_set_meta (db, "sync.server_generation", NULL, error);
}

gint64
st_sync_requeue_own (StDb        *db,
                     gint64       after,
                     GError     **error)
{
  g_autoptr(GString) tables = g_string_new (NULL);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  for (guint i = 0; i < G_N_ELEMENTS (synced_tables); i++)
    g_string_append_printf (tables, "%s'%s'", i ? ", " : "", synced_tables[i]);
  /* Changes refused for good are the clerk's to look at (sync_refusals),
   * not the server's to refuse again. */
  sql = g_strdup_printf ("INSERT OR IGNORE INTO outbox (audit_id) SELECT id FROM audit_log"
                         " WHERE id > ? AND device = ? AND tbl IN (%s)"
                         " AND id NOT IN (SELECT seq FROM sync_refusals) ORDER BY id",
                         tables->str);
  stmt = st_db_prepare (db, sql, error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, after);
  sqlite3_bind_text (stmt, 2, st_db_get_device_id (db), -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("putting changes back in the outbox"), error);
      return -1;
    }
  return sqlite3_changes64 (st_db_get_handle (db));
}

int
st_sync_has_synced_rows (StDb    *db,
                         GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (synced_tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT EXISTS (SELECT 1 FROM %s WHERE id NOT IN (" PENDING_ROWS "))",
                                              synced_tables[i]);
      sqlite3_stmt *stmt = st_db_prepare (db, sql, error);
      int rc, found = 0;

      if (stmt == NULL)
        return -1;
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        found = sqlite3_column_int (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        {
          st_db_set_error (db, rc, _("reading the database"), error);
          return -1;
        }
      if (found)
        return 1;
    }
  return 0;
}

gboolean
st_sync_drop_synced (StDb    *db,
                     GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (synced_tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE id NOT IN (" PENDING_ROWS ")", synced_tables[i]);

      if (!st_db_exec (db, sql, error))
        return FALSE;
    }
  return TRUE;
}

void
st_sync_set_too_old (GError     **error,
                     const char  *server_version,
                     int          server_schema,
                     int          server_protocol,
                     int          laptop_schema)
{
  if (server_version != NULL)
    g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER_TOO_OLD,
                 /* Translators: versions such as 0.1.0, and data (schema) versions such as 12 */
                 _("The server runs shuangti-server %s (data version %d, protocol %d); this laptop runs Shuangti %s "
                   "(data version %d, protocol %d). Ask the county office to update the server to Shuangti %s or later. "
                   "Changes are kept on this laptop meanwhile."),
                 server_version, server_schema, server_protocol, PACKAGE_VERSION, laptop_schema,
                 ST_SYNC_PROTOCOL, PACKAGE_VERSION);
  else
    g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER_TOO_OLD,
                 _("The server is older than this laptop (its data version is %d; this laptop runs Shuangti %s, "
                   "data version %d). Ask the county office to update the server to Shuangti %s or later. "
                   "Changes are kept on this laptop meanwhile."),
                 server_schema, PACKAGE_VERSION, laptop_schema, PACKAGE_VERSION);
}
