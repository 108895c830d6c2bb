/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sync by file on the laptop (st-bundle.h). The changes go as the push
 * sends them (st_sync_build_batch ()), and what comes back is applied by
 * the push's and the pull's own code (st_sync_acknowledge (),
 * st_sync_set_aside (), st_sync_apply_pages ()). */
#define G_LOG_DOMAIN "st-bundle"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "st-bundle.h"
#include "st-json-build.h"
#include "st-json-guard.h"
#include "st-sync-origin.h"
#include "st-sync-page.h"
#include "st-sync-private.h"
#include "st-uuid.h"

/* Changes per push body in a bundle: the network's batch. */
#define BUNDLE_BATCH 500

void
st_bundle_info_free (StBundleInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->device);
  g_free (info->account);
  g_free (info->server);
  g_free (info);
}

void
st_bundle_reply_info_free (StBundleReplyInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->bundle);
  g_free (info->refusal);
  g_free (info->courier);
  g_free (info);
}

/* ------------------------------------------------------------------------ */
/* Keys                                                                     */

static gboolean
set_meta_in_txn (StDb        *db,
                 const char  *key,
                 const char  *value,
                 GError     **error)
{
  if (!st_db_begin (db, error))
    return FALSE;
  if (!st_db_set_meta (db, key, value, error))
    {
      st_db_rollback (db);
      return FALSE;
    }
  return st_db_commit (db, error);
}

static gboolean
load_keys (StDb         *db,
           StBundleKeys *keys,
           GError      **error)
{
  g_autofree char *text = st_db_get_meta (db, "bundle.keys");

  if (text == NULL || !st_bundle_keys_from_text (text, keys))
    {
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_NO_KEY,
                           _("This laptop has no key for sync by file yet: sync once where there is a network "
                             "(or sign in again)."));
      return FALSE;
    }
  return TRUE;
}

gboolean
st_bundle_ensure_keys (StDb    *db,
                       GError **error)
{
  g_autofree char *text = st_db_get_meta (db, "bundle.keys");
  StBundleKeys keys;
  gboolean ok;

  if (text != NULL && st_bundle_keys_from_text (text, &keys))
    return TRUE;
  if (!st_bundle_crypto_init ())
    {
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_NO_KEY, "libsodium cannot start");
      return FALSE;
    }
  st_bundle_keys_generate (&keys);
  g_clear_pointer (&text, g_free);
  text = st_bundle_keys_to_text (&keys);
  ok = set_meta_in_txn (db, "bundle.keys", text, error);
  memset (&keys, 0, sizeof keys);
  memset (text, 0, strlen (text));
  return ok;
}

gboolean
st_bundle_key_registered (StDb *db)
{
  g_autofree char *server = st_db_get_meta (db, "sync.server");
  g_autofree char *registered = st_db_get_meta (db, "bundle.key_server");
  g_autofree char *keys = st_db_get_meta (db, "bundle.keys");

  return server != NULL && keys != NULL && g_strcmp0 (server, registered) == 0;
}

gboolean
st_bundle_register_key (StDb          *db,
                        const char    *token,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree char *server = st_db_get_meta (db, "sync.server");
  g_autofree char *text = NULL;
  g_autoptr(GBytes) body = NULL;
  StSyncOptions options = { .attempts = 2, .retry_base_ms = 500 };
  StBundleKeys keys;
  Reply reply = { 0 };
  Conn conn;
  gboolean ok;

  if (server == NULL || token == NULL)
    {
      g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SIGN_IN_NEEDED, _("Not signed in to a server."));
      return FALSE;
    }
  if (!st_bundle_ensure_keys (db, error) || !load_keys (db, &keys, error))
    return FALSE;
  {
    g_autofree char *public = st_bundle_keys_public_text (&keys);

    memset (&keys, 0, sizeof keys);
    text = g_strdup_printf ("{\"key\":%s}", public);
    body = g_bytes_new_take (g_steal_pointer (&text), strlen (public) + 8);
  }

  st_sync_conn_init (&conn, db, server, token, &options, NULL, cancellable);
  ok = st_sync_request (&conn, "POST", "/api/v1/device/key", body, FALSE, TRUE, &reply, error);
  if (ok && reply.status != 200)
    {
      st_sync_set_http_error (&reply, error);
      ok = FALSE;
    }
  st_sync_reply_clear (&reply);
  st_sync_conn_clear (&conn);
  return ok && set_meta_in_txn (db, "bundle.key_server", server, error);
}

/* ------------------------------------------------------------------------ */
/* Export                                                                   */

GBytes *
st_bundle_export (StDb          *db,
                  StBundleInfo **info_out,
                  GError       **error)
{
  g_autoptr(StSyncAccount) account = st_sync_account_load (db);
  g_autofree char *cursor = NULL;
  g_autofree char *server_id = NULL;
  g_autofree char *id = st_uuid_new ();
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *head = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GString) payload = NULL;
  GBytes *bundle;
  StBundleKeys keys;
  gint64 made_at = g_get_real_time () / 1000;
  gint64 epoch, after = 0, total = 0;
  gboolean fresh = FALSE;
  Conn conn;

  if (account == NULL)
    {
      g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SIGN_IN_NEEDED,
                           _("This laptop has never signed in to a server: sign in once where there is a network."));
      return NULL;
    }
  if (!st_bundle_key_registered (db))
    {
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_NO_KEY,
                           _("This laptop’s key is not registered with the server yet: sync once where there is "
                             "a network (or sign in again)."));
      return NULL;
    }
  if (!load_keys (db, &keys, error))
    return NULL;
  cursor = st_db_get_meta (db, "sync.cursor");
  server_id = st_db_get_meta (db, "sync.server_id");
  epoch = st_sync_meta_int (db, "sync.epoch", 0);
  if (cursor == NULL)
    {
      int has = st_sync_has_synced_rows (db, error);

      if (has < 0)
        return NULL;
      fresh = has == 0;
    }

  st_sync_conn_init (&conn, db, account->server, NULL, NULL, NULL, NULL);
  payload = g_string_new ("\"pushes\":[");
  for (;;)
    {
      g_autoptr(GBytes) body = NULL;
      gint64 last = after;
      guint n = 0;

      body = st_sync_build_batch (&conn, after, BUNDLE_BATCH, &last, &n, error);
      if (body == NULL)
        {
          st_sync_conn_clear (&conn);
          memset (&keys, 0, sizeof keys);
          return NULL;
        }
      if (n == 0)
        break;
      if (total > 0)
        g_string_append_c (payload, ',');
      g_string_append_len (payload, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body));
      total += n;
      after = last;
    }
  st_sync_conn_clear (&conn);
  g_string_append (payload, "]}");

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "bundle");
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, st_db_get_device_id (db));
  st_json_add_string (b, "server", account->server);
  st_json_add_string (b, "server_id", server_id);
  st_json_add_string (b, "account", account->name);
  json_builder_set_member_name (b, "made_at");
  json_builder_add_int_value (b, made_at);
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, epoch);
  st_json_add_string (b, "cursor", cursor);
  json_builder_set_member_name (b, "fresh");
  json_builder_add_boolean_value (b, fresh);
  json_builder_set_member_name (b, "schema");
  json_builder_add_int_value (b, st_db_get_schema_version (db));
  json_builder_set_member_name (b, "protocol");
  json_builder_add_int_value (b, ST_SYNC_PROTOCOL);
  json_builder_set_member_name (b, "changes");
  json_builder_add_int_value (b, total);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  head = json_to_string (root, FALSE);
  /* The pushes go in as the push writes them: {"...", "pushes": [...]}. */
  head[strlen (head) - 1] = ',';
  g_string_prepend (payload, head);

  /* What the courier may read: whose, when, how many; no record. */
  {
    g_autoptr(JsonBuilder) l = json_builder_new ();
    g_autoptr(JsonNode) label_root = NULL;

    json_builder_begin_object (l);
    json_builder_set_member_name (l, "format");
    json_builder_add_int_value (l, 1);
    json_builder_set_member_name (l, "id");
    json_builder_add_string_value (l, id);
    json_builder_set_member_name (l, "device");
    json_builder_add_string_value (l, st_db_get_device_id (db));
    st_json_add_string (l, "account", account->name);
    st_json_add_string (l, "server", account->server);
    json_builder_set_member_name (l, "made_at");
    json_builder_add_int_value (l, made_at);
    json_builder_set_member_name (l, "changes");
    json_builder_add_int_value (l, total);
    json_builder_end_object (l);
    label_root = json_builder_get_root (l);
    label = json_to_string (label_root, FALSE);
  }
  bundle = st_bundle_seal (st_db_get_device_id (db), label, payload->str, payload->len, &keys, error);
  memset (&keys, 0, sizeof keys);
  if (bundle != NULL && info_out != NULL)
    {
      StBundleInfo *info = g_new0 (StBundleInfo, 1);

      info->id = g_strdup (id);
      info->device = g_strdup (st_db_get_device_id (db));
      info->account = g_strdup (account->name);
      info->server = g_strdup (account->server);
      info->made_at = made_at;
      info->changes = total;
      info->size = (gint64) g_bytes_get_size (bundle);
      *info_out = info;
    }
  return bundle;
}

StBundleInfo *
st_bundle_describe (GBytes  *bundle,
                    GError **error)
{
  g_autoptr(JsonObject) label = st_bundle_read_label (g_bytes_get_data (bundle, NULL), g_bytes_get_size (bundle), error);
  StBundleInfo *info;

  if (label == NULL)
    return NULL;
  info = g_new0 (StBundleInfo, 1);
  info->id = g_strdup (st_bundle_json_string (label, "id", NULL));
  info->device = g_strdup (st_bundle_json_string (label, "device", NULL));
  info->account = g_strdup (st_bundle_json_string (label, "account", NULL));
  info->server = g_strdup (st_bundle_json_string (label, "server", NULL));
  info->made_at = st_bundle_json_int (label, "made_at", 0);
  info->changes = st_bundle_json_int (label, "changes", 0);
  info->size = (gint64) g_bytes_get_size (bundle);
  return info;
}

/* ------------------------------------------------------------------------ */
/* Relay                                                                    */

static void
set_refused (const Reply  *reply,
             GError      **error)
{
  const char *code = reply->code != NULL ? reply->code : "";
  const char *text;

  if (g_str_equal (code, "bundle_damaged"))
    text = _("The server found that the bundle was changed or damaged on the way; nothing was applied. "
             "Ask for a new bundle.");
  else if (g_str_equal (code, "device_revoked"))
    text = _("The laptop that made this bundle was signed out by the county office; its bundle is refused.");
  else if (g_str_equal (code, "unknown_device"))
    text = _("The server does not know the key of the laptop that made this bundle: that laptop must sync once "
             "where there is a network, or sign in again.");
  else if (g_str_equal (code, "other_server"))
    text = _("This bundle was made for another server.");
  else if (g_str_equal (code, "account_disabled"))
    text = _("The account of the laptop that made this bundle is disabled. Ask the county office.");
  else
    {
      st_sync_set_http_error ((Reply *) reply, error);
      return;
    }
  g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_REFUSED, text);
}

GBytes *
st_bundle_relay (StDb          *db,
                 const char    *token,
                 GBytes        *bundle,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autofree char *server = st_db_get_meta (db, "sync.server");
  g_autofree char *encoded = NULL;
  g_autoptr(GBytes) body = NULL;
  StSyncOptions options = { .attempts = 3 };
  Reply reply = { 0 };
  GBytes *answer = NULL;
  Conn conn;
  const char *text;

  if (server == NULL || token == NULL)
    {
      g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SIGN_IN_NEEDED, _("Not signed in to a server."));
      return NULL;
    }
  /* Checked here too: a courier learns at once that a file is no bundle. */
  {
    g_autoptr(StBundleInfo) info = st_bundle_describe (bundle, error);

    if (info == NULL)
      return NULL;
  }
  encoded = g_base64_encode (g_bytes_get_data (bundle, NULL), g_bytes_get_size (bundle));
  {
    char *json = g_strdup_printf ("{\"bundle\":\"%s\"}", encoded);

    body = g_bytes_new_take (json, strlen (json));
  }
  st_sync_conn_init (&conn, db, server, token, &options, NULL, cancellable);
  if (!st_sync_request (&conn, "POST", "/api/v1/bundle", body, TRUE, TRUE, &reply, error))
    {
      st_sync_conn_clear (&conn);
      return NULL;
    }
  if (reply.status != 200)
    set_refused (&reply, error);
  else if (reply.object == NULL
           || (text = st_bundle_json_string (reply.object, "reply", NULL)) == NULL)
    g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER, "bundle answer without a reply");
  else
    {
      gsize size = 0;
      guchar *bytes = g_base64_decode (text, &size);

      answer = g_bytes_new_take (bytes, size);
    }
  st_sync_reply_clear (&reply);
  st_sync_conn_clear (&conn);
  return answer;
}

/* ------------------------------------------------------------------------ */
/* Import                                                                   */

typedef struct
{
  GPtrArray  *frames;
  JsonObject *header;
  GPtrArray  *pages;     /* StPage * */
} Opened;

static void
opened_clear (Opened *o)
{
  g_clear_pointer (&o->frames, g_ptr_array_unref);
  g_clear_pointer (&o->header, json_object_unref);
  g_clear_pointer (&o->pages, g_ptr_array_unref);
}

/* Everything checked and read before anything is written. */
static gboolean
open_reply (StDb     *db,
            GBytes   *reply,
            Opened   *o,
            GError  **error)
{
  const guint8 *data = g_bytes_get_data (reply, NULL);
  gsize size = g_bytes_get_size (reply);
  char device[ST_BUNDLE_DEVICE_LEN + 1];
  StBundleKind kind;
  StBundleKeys keys;
  JsonObject *server;
  const char *server_id;
  g_autofree char *own_server_id = NULL;
  gint64 pages, last;

  memset (o, 0, sizeof *o);
  if (!st_bundle_peek (data, size, &kind, device, error))
    return FALSE;
  if (kind == ST_BUNDLE_KIND_REPLY && g_strcmp0 (device, st_db_get_device_id (db)) != 0)
    {
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_OTHER_LAPTOP,
                           _("This reply was made for another laptop: it cannot be opened here. Nothing was applied."));
      return FALSE;
    }
  if (!load_keys (db, &keys, error))
    return FALSE;
  o->frames = st_bundle_reply_open (data, size, &keys, error);
  memset (&keys, 0, sizeof keys);
  if (o->frames == NULL)
    return FALSE;
  o->header = st_bundle_reply_header_parse (g_ptr_array_index (o->frames, 0), error);
  if (o->header == NULL)
    goto fail;
  if (g_strcmp0 (st_bundle_json_string (o->header, "device", NULL), st_db_get_device_id (db)) != 0)
    {
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_OTHER_LAPTOP,
                           _("This reply was made for another laptop: it cannot be opened here. Nothing was applied."));
      goto fail;
    }
  server = st_bundle_json_object (o->header, "server");
  server_id = server != NULL ? st_bundle_json_string (server, "id", NULL) : NULL;
  own_server_id = st_db_get_meta (db, "sync.server_id");
  if (server_id != NULL && own_server_id != NULL && g_strcmp0 (server_id, own_server_id) != 0)
    {
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_OTHER_SERVER,
                           _("This reply comes from another server than the one this laptop syncs with. Nothing was applied."));
      goto fail;
    }
  last = st_sync_meta_int (db, "bundle.last_reply_issued", 0);
  if (st_bundle_json_int (o->header, "issued", 0) <= last)
    {
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_OLD_REPLY,
                           _("This reply is not newer than one this laptop has applied already: nothing was applied."));
      goto fail;
    }
  pages = st_bundle_json_int (o->header, "pages", 0);
  if (pages != (gint64) o->frames->len - 1)
    {
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_DAMAGED,
                           _("This sync file was changed or damaged on the way: nothing was applied. Ask for a new copy."));
      goto fail;
    }
  o->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) st_page_free);
  for (guint i = 1; i < o->frames->len; i++)
    {
      GBytes *frame = g_ptr_array_index (o->frames, i);
      StPage *page = st_page_read (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame), error);

      if (page == NULL)
        goto fail;
      g_ptr_array_add (o->pages, page);
    }
  return TRUE;

fail:
  opened_clear (o);
  return FALSE;
}

StBundleReplyInfo *
st_bundle_describe_reply (StDb    *db,
                          GBytes  *reply,
                          GError **error)
{
  Opened o;
  StBundleReplyInfo *info;
  JsonArray *results;

  if (!open_reply (db, reply, &o, error))
    return NULL;
  info = g_new0 (StBundleReplyInfo, 1);
  info->bundle = g_strdup (st_bundle_json_string (o.header, "bundle", NULL));
  info->issued = st_bundle_json_int (o.header, "issued", 0);
  info->courier = g_strdup (st_bundle_json_string (o.header, "courier", NULL));
  results = st_bundle_json_array (o.header, "results");
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      JsonObject *body = st_bundle_json_object (result, "body");
      JsonArray *each = st_bundle_json_array (body, "results");

      for (guint j = 0; each != NULL && j < json_array_get_length (each); j++)
        {
          JsonNode *node = json_array_get_element (each, j);
          JsonObject *r = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *what = r != NULL ? st_bundle_json_string (r, "result", "") : "";

          info->results++;
          if (g_str_equal (what, "applied"))
            info->applied++;
          else if (g_str_equal (what, "duplicate"))
            info->duplicates++;
          else if (g_str_equal (what, "conflict"))
            info->conflicts++;
          else if (g_str_equal (what, "rejected"))
            info->rejected++;
        }
      if (body == NULL && info->refusal == NULL)
        info->refusal = g_strdup_printf ("%s: %s", st_bundle_json_string (result, "code", ""),
                                         st_bundle_json_string (result, "message", ""));
    }
  info->pages = o.pages->len;
  for (guint i = 0; i < o.pages->len; i++)
    info->entries += ((StPage *) g_ptr_array_index (o.pages, i))->entries->len;
  opened_clear (&o);
  return info;
}

/* One batch of the bundle the server did not take whole: handled as the
 * push handles the same answer. */
static gboolean
apply_refusal (Conn        *conn,
               JsonObject  *header,
               JsonObject  *result,
               GError     **error)
{
  Reply reply = { 0 };
  gint64 seq;

  reply.status = (guint) st_bundle_json_int (result, "status", 0);
  reply.object = result;
  reply.code = st_bundle_json_string (result, "code", NULL);
  if (reply.status == 409 && (g_strcmp0 (reply.code, "sequence_reused") == 0
                              || g_strcmp0 (reply.code, "stale_epoch") == 0))
    {
      gboolean ok;

      /* The changes go again in the next bundle, under a new epoch. */
      g_message ("the server knows these sequence numbers from before: the next bundle goes under a new epoch");
      if (!st_db_begin (conn->db, error) || !st_sync_check_not_restored (conn, error))
        return FALSE;
      ok = st_sync_set_meta_int (conn->db, "sync.epoch", st_sync_meta_int (conn->db, "sync.epoch", 0) + 1, error);
      if (!ok)
        {
          st_db_rollback (conn->db);
          return FALSE;
        }
      return st_db_commit (conn->db, error);
    }
  if (reply.status == 400 && g_strcmp0 (reply.code, "clock_in_future") == 0)
    {
      StHlc *clock = st_db_get_clock (conn->db);
      gint64 server_time = st_bundle_json_int (header, "server_time", 0);
      gint64 offset = server_time - st_hlc_physical (clock);

      /* This laptop's date went wrong since it last saw the server. The
       * server's time when it made the reply is the latest this laptop
       * knows: taken as now, the changes are restamped at most as late as
       * the server's clock, and go with the next bundle. */
      if (server_time <= 0)
        return TRUE;
      g_message ("the server refused clock stamps in its future: restamping from the reply's time");
      if (offset < st_hlc_get_offset (clock))
        st_hlc_set_offset (clock, offset);
      return st_sync_restamp_future (conn, error);
    }
  seq = st_bundle_json_int (result, "seq", -1);
  if (st_sync_refused_for_good (&reply) && seq > 0)
    return st_sync_set_aside (conn, seq, &reply, error);
  /* Anything else (a clock in the server's future, a server that failed):
   * the changes stay in the outbox for the next bundle or sync. */
  g_message ("the server did not take a batch of the bundle (%u %s): it goes again",
             reply.status, reply.code != NULL ? reply.code : "");
  return TRUE;
}

gboolean
st_bundle_import (StDb         *db,
                  GBytes       *reply,
                  StSyncStats  *stats,
                  GError      **error)
{
  g_autofree char *server = st_db_get_meta (db, "sync.server");
  StSyncStats local_stats = { 0 };
  JsonArray *results;
  gint64 issued;
  Opened o;
  Conn conn;
  gboolean ok;

  if (stats == NULL)
    stats = &local_stats;
  memset (stats, 0, sizeof *stats);
  if (server == NULL)
    {
      g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SIGN_IN_NEEDED, _("Not signed in to a server."));
      return FALSE;
    }
  if (!open_reply (db, reply, &o, error))
    return FALSE;
  issued = st_bundle_json_int (o.header, "issued", 0);
  st_sync_conn_init (&conn, db, server, NULL, NULL, stats, NULL);

  /* The reply counts as applied first, in its own transaction: a reply is
   * applied at most once. What a crash after it leaves out comes again
   * with the next one (the changes stay in the outbox, the cursor where
   * it was), as after a sync cut short. */
  ok = st_db_begin (db, error) && st_sync_check_not_restored (&conn, error);
  if (ok && issued <= st_sync_meta_int (db, "bundle.last_reply_issued", 0))
    {
      st_db_rollback (db);
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_OLD_REPLY,
                           _("This reply is not newer than one this laptop has applied already: nothing was applied."));
      ok = FALSE;
    }
  else if (ok)
    {
      if (st_sync_set_meta_int (db, "bundle.last_reply_issued", issued, error))
        ok = st_db_commit (db, error);
      else
        {
          st_db_rollback (db);
          ok = FALSE;
        }
    }

  results = st_bundle_json_array (o.header, "results");
  for (guint i = 0; ok && i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      JsonObject *body = st_bundle_json_object (result, "body");
      JsonArray *each = st_bundle_json_array (body, "results");

      if (each != NULL)
        ok = st_sync_acknowledge (&conn, each, error);
      else
        ok = apply_refusal (&conn, o.header, result, error);
    }
  if (ok && o.pages->len > 0)
    ok = st_sync_apply_pages (&conn, o.pages, error);
  if (ok)
    {
      ok = st_db_begin (db, error)
           && st_sync_set_meta_int (db, "sync.last_sync_at", g_get_real_time () / 1000, error);
      if (ok)
        ok = st_db_commit (db, error);
      else
        st_db_rollback (db);
    }
  st_sync_conn_clear (&conn);
  opened_clear (&o);
  return ok;
}

char *
st_bundle_describe_error (const GError *error)
{
  if (error != NULL && error->domain == ST_BUNDLE_ERROR)
    return g_strdup (error->message);
  return st_sync_describe_error (error);
}
