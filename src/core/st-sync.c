/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "st-bundle.h"
#include "st-failpoint.h"
#include "st-json-guard.h"
#include "st-participant.h"
#include "st-limits.h"
#include "st-sync.h"
#include "st-sync-private.h"
#include "st-sync-origin.h"
#include "st-sync-page.h"
#include "st-sync-pin.h"
#include "st-visit.h"

G_DEFINE_QUARK (st-sync-error-quark, st_sync_error)

/* The tables the feed may carry that this laptop keeps (any other is
 * skipped: a newer server may have more). */
const char *const st_sync_feed_tables[ST_SYNC_N_FEED_TABLES] = {
  "programs", "majors", "participants", "classes", "enrolments", "sessions",
  "attendance", "study_logs", "assignments", "assessments", "exemptions",
  "certificates", "review_items", "visits",
};

/* ------------------------------------------------------------------------ */
/* Accounts                                                                 */

void
st_sync_account_free (StSyncAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->server);
  g_free (account->name);
  g_free (account->role);
  g_strfreev (account->townships);
  g_free (account->token);
  g_free (account);
}

static GStrv
strv_from_json_text (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text != NULL && st_json_parser_load (parser, text, -1, NULL)
      && JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      JsonArray *array = json_node_get_array (json_parser_get_root (parser));

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *s = json_array_get_string_element (array, i);

          if (s != NULL)
            g_strv_builder_add (builder, s);
        }
    }
  return g_strv_builder_end (builder);
}

char *
st_sync_json_text_from_array (JsonArray *array)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, array);
  return json_to_string (node, FALSE);
}

StSyncAccount *
st_sync_account_load (StDb *db)
{
  g_autofree char *server = st_db_get_meta (db, "sync.server");
  g_autofree char *name = st_db_get_meta (db, "sync.account");
  g_autofree char *townships = NULL;
  g_autofree char *all = NULL;
  StSyncAccount *account;

  if (server == NULL || name == NULL)
    return NULL;
  townships = st_db_get_meta (db, "sync.townships");
  all = st_db_get_meta (db, "sync.all_townships");
  account = g_new0 (StSyncAccount, 1);
  account->server = g_steal_pointer (&server);
  account->name = g_steal_pointer (&name);
  account->role = st_db_get_meta (db, "sync.role");
  account->townships = strv_from_json_text (townships);
  account->all_townships = g_strcmp0 (all, "1") == 0;
  return account;
}

/* Reads {"name", "role", "townships", "all_townships"} into the meta
 * table (inside the caller's transaction). */
static gboolean
store_account (StDb        *db,
               const char  *server,
               JsonObject  *account,
               GError     **error)
{
  JsonArray *townships = json_object_get_array_member (account, "townships");
  g_autofree char *townships_text = townships != NULL ? st_sync_json_text_from_array (townships) : g_strdup ("[]");

  return st_db_set_meta (db, "sync.server", server, error)
         && st_db_set_meta (db, "sync.account", json_object_get_string_member_with_default (account, "name", ""), error)
         && st_db_set_meta (db, "sync.role", json_object_get_string_member_with_default (account, "role", ""), error)
         && st_db_set_meta (db, "sync.townships", townships_text, error)
         && st_db_set_meta (db, "sync.all_townships",
                            json_object_get_boolean_member_with_default (account, "all_townships", FALSE) ? "1" : "0",
                            error);
}


/* ------------------------------------------------------------------------ */
/* Sign in and out                                                          */

StSyncAccount *
st_sync_sign_in (StDb          *db,
                 const char    *server,
                 const char    *user,
                 const char    *password,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GBytes) body = NULL;
  g_autofree char *old_server = st_db_get_meta (db, "sync.server");
  g_autofree char *old_account = st_db_get_meta (db, "sync.account");
  StSyncOptions options = { .attempts = 2, .retry_base_ms = 500 };
  Reply reply = { 0 };
  Conn conn;
  StSyncAccount *account;
  JsonObject *account_object;
  gboolean ok;

  g_return_val_if_fail (ST_IS_DB (db), NULL);
  g_return_val_if_fail (server != NULL && user != NULL && password != NULL, NULL);

  if (!g_str_has_prefix (server, "http://") && !g_str_has_prefix (server, "https://"))
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE,
                   _("“%s” is not a server address: it must begin with https://."), server);
      return NULL;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "user");
  json_builder_add_string_value (b, user);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, password);
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, st_db_get_device_id (db));
  json_builder_set_member_name (b, "device_name");
  {
    g_autofree char *name = g_strdup_printf ("%s@%s", g_get_user_name (), g_get_host_name ());

    json_builder_add_string_value (b, name);
  }
  json_builder_end_object (b);
  body = st_sync_json_body (b);

  st_sync_conn_init (&conn, db, server, NULL, &options, NULL, cancellable);
  ok = st_sync_request (&conn, "POST", "/api/v1/sign-in", body, FALSE, FALSE, &reply, error);
  if (ok && reply.status != 200)
    {
      st_sync_set_http_error (&reply, error);
      ok = FALSE;
    }
  if (!ok)
    {
      st_sync_reply_clear (&reply);
      st_sync_conn_clear (&conn);
      return NULL;
    }

  account_object = json_object_get_object_member (reply.object, "account");
  if (account_object == NULL || !json_object_has_member (reply.object, "token"))
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER, "sign-in answer without token or account");
      st_sync_reply_clear (&reply);
      st_sync_conn_clear (&conn);
      return NULL;
    }
  /* A server older than this laptop would refuse its changes: say so now. */
  if (conn.server_schema < 0)
    conn.server_schema = (int) json_object_get_int_member_with_default (reply.object, "schema",
                                                                        st_db_get_schema_version (db));
  if (!st_sync_check_server_schema (&conn, error))
    {
      st_sync_reply_clear (&reply);
      st_sync_conn_clear (&conn);
      return NULL;
    }

  /* Another server, or another account: the feed starts again (the rows
   * already here stay; rows outside the new scope go at the first pull). */
  ok = st_db_begin (db, error);
  if (ok && (g_strcmp0 (old_server, conn.server) != 0 || g_strcmp0 (old_account, user) != 0))
    ok = st_db_set_meta (db, "sync.cursor", NULL, error)
         && (g_strcmp0 (old_server, conn.server) == 0
             || (st_db_set_meta (db, "sync.epoch", NULL, error) && st_sync_origin_forget (db, error)));
  ok = ok && store_account (db, conn.server, account_object, error)
       && st_sync_set_meta_int (db, "sync.server_schema", conn.server_schema, error)
       && st_sync_set_meta_int (db, "sync.server_protocol", MAX (conn.server_protocol, 1), error);
  if (ok && conn.offset_changed)
    {
      g_autofree char *offset = g_strdup_printf ("%" G_GINT64_FORMAT, st_hlc_get_offset (st_db_get_clock (db)));

      ok = st_db_set_meta (db, "sync.clock_offset", offset, error);
    }
  if (ok)
    ok = st_db_commit (db, error);
  else
    st_db_rollback (db);
  if (!ok)
    {
      st_sync_reply_clear (&reply);
      st_sync_conn_clear (&conn);
      return NULL;
    }

  account = st_sync_account_load (db);
  account->token = g_strdup (json_object_get_string_member (reply.object, "token"));
  account->expires_at = json_object_get_int_member_with_default (reply.object, "expires_at", 0);
  st_sync_reply_clear (&reply);
  st_sync_conn_clear (&conn);
  /* The device's key for sync by file (st-bundle.h), registered with the
   * sign-in; a server without sync by file still signs in. */
  {
    g_autoptr(GError) key_error = NULL;

    if (!st_bundle_register_key (db, account->token, cancellable, &key_error))
      g_message ("the device key for sync by file is not registered: %s", key_error->message);
  }
  return account;
}

gboolean
st_sync_sign_out (StDb          *db,
                  const char    *token,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *server = st_db_get_meta (db, "sync.server");
  gboolean ok;

  if (server != NULL && token != NULL)
    {
      StSyncOptions options = { .attempts = 1, .timeout_s = 10 };
      g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
      Reply reply = { 0 };
      Conn conn;

      /* Best effort: a laptop without network signs out too. */
      st_sync_conn_init (&conn, db, server, token, &options, NULL, cancellable);
      st_sync_request (&conn, "POST", "/api/v1/sign-out", body, FALSE, TRUE, &reply, NULL);
      st_sync_reply_clear (&reply);
      st_sync_conn_clear (&conn);
    }

  ok = st_db_begin (db, error)
       && st_db_set_meta (db, "sync.account", NULL, error)
       && st_db_set_meta (db, "sync.role", NULL, error)
       && st_db_set_meta (db, "sync.townships", NULL, error)
       && st_db_set_meta (db, "sync.all_townships", NULL, error);
  if (ok)
    return st_db_commit (db, error);
  st_db_rollback (db);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Database helpers                                                         */

gint64
st_sync_meta_int (StDb       *db,
                  const char *key,
                  gint64      fallback)
{
  g_autofree char *value = st_db_get_meta (db, key);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : fallback;
}

gboolean
st_sync_set_meta_int (StDb        *db,
                      const char  *key,
                      gint64       value,
                      GError     **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return st_db_set_meta (db, key, text, error);
}

gint64
st_sync_count_pending (StDb *db)
{
  return st_sync_count_pending_full (db, NULL);
}

gint64
st_sync_count_pending_full (StDb    *db,
                            GError **error)
{
  gint64 n = 0;

  if (!st_db_query_int64 (db, "SELECT count(*) FROM outbox", &n, error))
    return -1;
  return n;
}

gint64
st_sync_last_sync (StDb *db)
{
  return st_sync_meta_int (db, "sync.last_sync_at", 0);
}

gboolean
st_sync_is_feed_table (const char *table)
{
  for (guint i = 0; i < ST_SYNC_N_FEED_TABLES; i++)
    if (g_str_equal (st_sync_feed_tables[i], table))
      return TRUE;
  return FALSE;
}

void
st_sync_table_info_free (TableInfo *info)
{
  g_free (info->table);
  g_ptr_array_unref (info->columns);
  g_free (info->upsert_sql);
  g_clear_pointer (&info->upsert, sqlite3_finalize);
  g_free (info);
}

/* NULL with @error set when the table's columns cannot be read: a short
 * list would apply changes without some of their fields. */
TableInfo *
st_sync_table_info_new (StDb        *db,
                        const char  *table,
                        GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA table_info (%s)", table);
  g_autoptr(GString) names = g_string_new ("id, hlc, device, deleted");
  g_autoptr(GString) values = g_string_new ("?, ?, ?, ?");
  g_autoptr(GString) set = g_string_new ("hlc = excluded.hlc, device = excluded.device, deleted = excluded.deleted");
  g_autoptr(GString) differs = g_string_new (NULL);
  g_autoptr(TableInfo) info = g_new0 (TableInfo, 1);
  sqlite3_stmt *stmt = NULL;
  int rc;

  info->table = g_strdup (table);
  info->columns = g_ptr_array_new_with_free_func (g_free);
  info->review_items = g_str_equal (table, "review_items");
  rc = sqlite3_prepare_v2 (st_db_get_handle (db), sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *name = (const char *) sqlite3_column_text (stmt, 1);

          if (g_str_equal (name, "id") || g_str_equal (name, "hlc")
              || g_str_equal (name, "device") || g_str_equal (name, "deleted"))
            continue;
          g_ptr_array_add (info->columns, g_strdup (name));
          if (g_str_equal (name, "township_code"))
            info->scoped = TRUE;
          g_string_append_printf (names, ", %s", name);
          g_string_append (values, ", ?");
          g_string_append_printf (set, ", %s = excluded.%s", name, name);
          g_string_append_printf (differs, " OR excluded.%1$s IS NOT %2$s.%1$s", name, table);
        }
      sqlite3_finalize (stmt);
    }
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the laptop schema"), error);
      return NULL;
    }
  /* The remote state wins unless this laptop's row is newer: an edit made
   * here that is not pushed yet, which the server will merge. Under the
   * same row clock it wins too (a merge on the server may have filled
   * fields under this laptop's clock), but a row that already holds every
   * value is not written again: the rows a laptop pushed come back in its
   * next pull, and a feed read again from its beginning brings what the
   * laptop has. */
  info->upsert_sql = g_strdup_printf ("INSERT INTO %1$s (%2$s) VALUES (%3$s)"
                                      " ON CONFLICT (id) DO UPDATE SET %4$s"
                                      " WHERE excluded.hlc > %1$s.hlc"
                                      "    OR (excluded.hlc = %1$s.hlc AND (excluded.device > %1$s.device"
                                      "        OR (excluded.device = %1$s.device"
                                      "            AND (excluded.deleted IS NOT %1$s.deleted%5$s))))",
                                      table, names->str, values->str, set->str, differs->str);
  return g_steal_pointer (&info);
}

void
st_sync_bind_json (sqlite3_stmt *stmt,
                   int           index,
                   JsonNode     *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      sqlite3_bind_null (stmt, index);
      return;
    }
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_INT64)
        sqlite3_bind_int64 (stmt, index, json_node_get_int (node));
      else if (type == G_TYPE_BOOLEAN)
        sqlite3_bind_int (stmt, index, json_node_get_boolean (node));
      else if (type == G_TYPE_DOUBLE)
        sqlite3_bind_double (stmt, index, json_node_get_double (node));
      else
        sqlite3_bind_text (stmt, index, json_node_get_string (node), -1, SQLITE_TRANSIENT);
      return;
    }
  {
    g_autofree char *text = json_to_string (node, FALSE);

    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  }
}

gboolean
st_sync_has_meta (StDb       *db,
                  const char *key)
{
  g_autofree char *value = st_db_get_meta (db, key);

  return value != NULL;
}
/* ------------------------------------------------------------------------ */
/* A run                                                                    */

gboolean
st_sync_run (StDb                *db,
             const char          *token,
             const StSyncOptions *options,
             StSyncStats         *stats,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autofree char *server = NULL;
  StSyncStats local_stats = { 0 };
  Conn conn;
  gboolean ok;

  g_return_val_if_fail (ST_IS_DB (db), FALSE);

  server = st_db_get_meta (db, "sync.server");
  if (server == NULL || token == NULL)
    {
      g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SIGN_IN_NEEDED, _("Not signed in to a server."));
      return FALSE;
    }
  if (stats == NULL)
    stats = &local_stats;
  memset (stats, 0, sizeof *stats);

  st_sync_conn_init (&conn, db, server, token, options, stats, cancellable);
  st_sync_report (&conn, ST_SYNC_PHASE_CONNECTING, 0, -1);
  ok = st_sync_push (&conn, error) && st_sync_pull (&conn, error);
  /* A restored server met by the pull: its lost changes go again, then
   * the feed is read from its beginning. */
  if (ok && conn.origin_changed)
    ok = st_sync_check_device (&conn, error) && st_sync_push (&conn, error) && st_sync_pull (&conn, error);
  if (ok)
    {
      ok = st_db_begin (db, error)
           && st_sync_set_meta_int (db, "sync.last_sync_at", g_get_real_time () / 1000, error)
           && (!conn.offset_changed
               || st_sync_set_meta_int (db, "sync.clock_offset", st_hlc_get_offset (st_db_get_clock (db)), error));
      if (ok)
        ok = st_db_commit (db, error);
      else
        st_db_rollback (db);
    }
  /* A laptop signed in before sync by file registers its key now. */
  if (ok && !st_bundle_key_registered (db))
    {
      g_autoptr(GError) key_error = NULL;

      if (!st_bundle_register_key (db, token, cancellable, &key_error))
        g_message ("the device key for sync by file is not registered: %s", key_error->message);
    }
  if (ok)
    st_sync_report (&conn, ST_SYNC_PHASE_DONE, stats->pushed, stats->pushed);
  st_sync_conn_clear (&conn);
  return ok;
}

typedef struct
{
  char               *db_path;
  char               *token;
  StSyncProgressFunc  progress;
  gpointer            progress_data;
  GMainContext       *context;
  StSyncStats         stats;
} RunData;

static void
run_data_free (RunData *data)
{
  g_free (data->db_path);
  g_free (data->token);
  g_main_context_unref (data->context);
  g_free (data);
}

typedef struct
{
  StSyncProgressFunc func;
  gpointer           data;
  StSyncProgress     progress;
} ProgressCall;

static gboolean
progress_in_main (gpointer user_data)
{
  ProgressCall *call = user_data;

  call->func (&call->progress, call->data);
  return G_SOURCE_REMOVE;
}

static void
progress_from_thread (const StSyncProgress *progress,
                      gpointer              user_data)
{
  RunData *data = user_data;
  ProgressCall *call = g_new0 (ProgressCall, 1);

  call->func = data->progress;
  call->data = data->progress_data;
  call->progress = *progress;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, progress_in_main, call, g_free);
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RunData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (data->db_path, &error);
  StSyncOptions options = { 0 };

  if (db == NULL)
    {
      g_task_return_new_error (task, ST_SYNC_ERROR, ST_SYNC_ERROR_DATABASE, "%s", error->message);
      return;
    }
  if (data->progress != NULL)
    {
      options.progress = progress_from_thread;
      options.progress_data = data;
    }
  if (st_sync_run (db, data->token, &options, &data->stats, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else if (error->domain == ST_DB_ERROR)
    g_task_return_new_error (task, ST_SYNC_ERROR, ST_SYNC_ERROR_DATABASE, "%s", error->message);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
st_sync_run_async (const char          *db_path,
                   const char          *token,
                   StSyncProgressFunc   progress,
                   gpointer             progress_data,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  RunData *data = g_new0 (RunData, 1);

  data->db_path = g_strdup (db_path);
  data->token = g_strdup (token);
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  g_task_set_source_tag (task, st_sync_run_async);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_in_thread);
}

gboolean
st_sync_run_finish (GAsyncResult  *result,
                    StSyncStats   *stats,
                    GError       **error)
{
  RunData *data = g_task_get_task_data (G_TASK (result));

  if (stats != NULL)
    *stats = data->stats;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */

char *
st_sync_describe_error (const GError *error)
{
  if (error == NULL)
    return g_strdup ("");
  if (error->domain == ST_SYNC_ERROR)
    switch ((StSyncError) error->code)
      {
      case ST_SYNC_ERROR_OFFLINE:
        return g_strdup (_("The server cannot be reached. Changes are kept on this laptop and sent at the next sync."));
      case ST_SYNC_ERROR_SIGN_IN_NEEDED:
        return g_strdup (_("Sign in to the server again. Changes are kept on this laptop meanwhile."));
      case ST_SYNC_ERROR_BAD_CREDENTIALS:
        return g_strdup (_("The user name or the password is wrong."));
      case ST_SYNC_ERROR_ACCOUNT_DISABLED:
        return g_strdup (_("This account is disabled. Ask the county office."));
      case ST_SYNC_ERROR_THROTTLED:
        {
          guint64 seconds = g_ascii_strtoull (error->message, NULL, 10);

          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Too many attempts. Try again in %u second.",
                                               "Too many attempts. Try again in %u seconds.", (gulong) seconds),
                                  (guint) seconds);
        }
      case ST_SYNC_ERROR_SERVER:
        return g_strdup (_("The server has a problem right now. Changes are kept on this laptop; try again later."));
      case ST_SYNC_ERROR_REFUSED:
        return g_strdup (_("The server refused the request. Ask the county office; the details say why."));
      case ST_SYNC_ERROR_OTHER_SERVER:
        return g_strdup (_("This laptop is signed in to another server."));
      case ST_SYNC_ERROR_DATABASE:
        return g_strdup_printf (_("The database on this laptop failed: %s"), error->message);
      case ST_SYNC_ERROR_CANCELLED:
        return g_strdup (_("The sync was stopped."));
      case ST_SYNC_ERROR_KILLED:
        return g_strdup ("crashed (simulated)");
      case ST_SYNC_ERROR_SERVER_TOO_OLD:
      case ST_SYNC_ERROR_CERTIFICATE:
      case ST_SYNC_ERROR_CERTIFICATE_CHANGED:
        return g_strdup (error->message);
      default:
        break;
      }
  return g_strdup (error->message);
}
