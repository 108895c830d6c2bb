/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sync by file at the server (st-server-bundle.h). A bundle's pushes go
 * through the push's own code (st_push_parse (), st_push_apply ()) under a
 * credential made of the bundle's device and the account last signed in on
 * it: the courier's account never counts. The reply's pages are the pull's
 * (st_pull_page ()) from the bundle's cursor. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "st-bundle-file.h"
#include "st-json-guard.h"
#include "st-server-admin-private.h"
#include "st-server-bundle.h"
#include "st-server-sync.h"
#include "st-server-version.h"
#include "st-sync-page.h"

/* Pages of the feed in one reply at most (of 5,000 rows): the rest comes
 * with the next reply, from the cursor this one ends at. */
#define REPLY_MAX_PAGES 200
#define REPLY_PAGE_LIMIT 5000

/* A device revoked while its bundle waited for the writer. */
static GQuark st_bundle_server_error_quark (void);
G_DEFINE_QUARK (st-bundle-server-error-quark, st_bundle_server_error)
#define BUNDLE_ERROR (st_bundle_server_error_quark ())

/* ------------------------------------------------------------------------ */
/* The device's keys                                                        */

typedef struct
{
  char         *device;
  char         *key;
  StBundleDone  done;
  gpointer      data;
} Register;

static gboolean
register_apply (StStore     *store,
                StStoreTxn  *txn,
                gpointer     data,
                GError     **error)
{
  Register *job = data;

  return st_store_device_key_set (store, txn, job->device, job->key, error);
}

static void
register_done (gpointer      data,
               const GError *error)
{
  Register *job = data;

  if (error != NULL)
    {
      StApiError api_error = { 0, };

      g_warning ("storage failed: %s", error->message);
      st_api_error_set (&api_error, 503, "storage_unavailable",
                        "The server's storage failed; nothing was written. Try again later.");
      job->done (job->data, NULL, &api_error);
      st_api_error_clear (&api_error);
    }
  else
    job->done (job->data, NULL, NULL);
  g_free (job->device);
  g_free (job->key);
  g_free (job);
}

void
st_server_bundle_register (const StBundleTarget *target,
                           const StCredential   *credential,
                           JsonObject           *body,
                           StBundleDone          done,
                           gpointer              data)
{
  JsonObject *key = st_bundle_json_object (body, "key");
  guint8 sign_pk[32], reply_key[32];
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  Register *job;

  if (key != NULL)
    {
      node = json_node_init_object (json_node_alloc (), key);
      text = json_to_string (node, FALSE);
    }
  if (json_object_get_size (body) != 1 || key == NULL || json_object_get_size (key) != 2
      || !st_bundle_public_from_text (text, sign_pk, reply_key))
    {
      StApiError error = { 0, };

      st_api_error_set (&error, 400, "invalid_value",
                        "The body must be {\"key\": {\"sign\": Ed25519 public key, \"reply\": 32-byte key}}, in base64.");
      done (data, NULL, &error);
      st_api_error_clear (&error);
      return;
    }
  job = g_new0 (Register, 1);
  job->device = g_strdup (credential->device);
  job->key = g_steal_pointer (&text);
  job->done = done;
  job->data = data;
  st_writer_submit (target->writer, register_apply, register_done, job);
}

/* ------------------------------------------------------------------------ */
/* A bundle                                                                 */

typedef struct
{
  StStore      *store;
  char         *courier;
  char          device[ST_BUNDLE_DEVICE_LEN + 1];
  guint8        sign_pk[32];
  guint8        reply_key[32];
  JsonObject   *payload;
  StCredential *credential;
  GPtrArray    *pushes;       /* StPush *, parsed */
  JsonObject   *refusal;      /* the batch after the pushes, refused whole, or NULL */
  guint         applied;      /* pushes applied; the next one, if any, met a stale epoch */
  JsonObject   *stale;        /* that refusal */
  StApiError    error;
  StBundleDone  done;
  gpointer      data;
} Relay;

static void
relay_free (Relay *relay)
{
  g_clear_object (&relay->store);
  g_free (relay->courier);
  g_clear_pointer (&relay->payload, json_object_unref);
  g_clear_pointer (&relay->credential, st_credential_free);
  g_clear_pointer (&relay->pushes, g_ptr_array_unref);
  g_clear_pointer (&relay->refusal, json_object_unref);
  g_clear_pointer (&relay->stale, json_object_unref);
  st_api_error_clear (&relay->error);
  memset (relay->reply_key, 0, sizeof relay->reply_key);
  g_free (relay);
}

static JsonObject *
refusal_object (guint       status,
                const char *code,
                const char *message,
                gint64      seq)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "status", status);
  json_object_set_string_member (object, "code", code);
  json_object_set_string_member (object, "message", message != NULL ? message : "");
  if (seq > 0)
    json_object_set_int_member (object, "seq", seq);
  return object;
}

static StAccount *
account_by_id (StStore  *store,
               gint64    id,
               GError  **error)
{
  g_autoptr(GPtrArray) accounts = st_store_account_list (store, error);

  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    if (((StAccount *) g_ptr_array_index (accounts, i))->id == id)
      return g_ptr_array_steal_index (accounts, i);
  return NULL;
}

/* Everything that needs no writing: the device, its key, the signature,
 * the payload, the account, and each push checked as a push is. */
static gboolean
relay_prepare (Relay      *relay,
               StCatalog  *catalog,
               gint64      max_skew_ms,
               GBytes     *bundle)
{
  const guint8 *data = g_bytes_get_data (bundle, NULL);
  gsize size = g_bytes_get_size (bundle);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(JsonObject) label = NULL;
  g_autoptr(StAccount) account = NULL;
  StBundleKind kind;
  gint64 account_id = 0, revoked_at = 0;
  const char *server_id;
  JsonArray *pushes;
  gint64 now = st_now_ms ();

  if (!st_bundle_peek (data, size, &kind, relay->device, &error) || kind != ST_BUNDLE_KIND_BUNDLE)
    {
      st_api_error_set (&relay->error, 400, "not_a_bundle", "The file is not a laptop's bundle.");
      return FALSE;
    }
  key = st_store_device_key_get (relay->store, NULL, relay->device, &account_id, &revoked_at, &error);
  if (error != NULL)
    {
      g_warning ("storage failed: %s", error->message);
      st_api_error_set (&relay->error, 503, "storage_unavailable", "The server's storage failed. Try again later.");
      return FALSE;
    }
  if (key == NULL || !st_bundle_public_from_text (key, relay->sign_pk, relay->reply_key))
    {
      st_api_error_set (&relay->error, 403, "unknown_device",
                        "The server has no key for the laptop that made this bundle.");
      return FALSE;
    }
  if (revoked_at > 0)
    {
      st_api_error_set (&relay->error, 403, "device_revoked",
                        "The laptop that made this bundle was signed out (device revoke).");
      return FALSE;
    }
  payload = st_bundle_open (data, size, relay->sign_pk, relay->reply_key, &label, &error);
  relay->payload = payload != NULL ? st_bundle_payload_parse (payload, &error) : NULL;
  /* The label a courier sees says what the payload holds. */
  if (relay->payload == NULL
      || g_strcmp0 (st_bundle_json_string (relay->payload, "device", NULL), relay->device) != 0
      || g_strcmp0 (st_bundle_json_string (relay->payload, "id", NULL),
                    st_bundle_json_string (label, "id", NULL)) != 0
      || st_bundle_json_int (relay->payload, "changes", 0) != st_bundle_json_int (label, "changes", 0))
    {
      st_api_error_set (&relay->error, 400, "bundle_damaged",
                        "The bundle does not match its device's signature: changed or damaged on the way.");
      return FALSE;
    }
  server_id = st_bundle_json_string (relay->payload, "server_id", NULL);
  if (server_id != NULL && g_strcmp0 (server_id, st_store_get_identity (relay->store)) != 0)
    {
      st_api_error_set (&relay->error, 409, "other_server", "The bundle was made for another server.");
      return FALSE;
    }
  account = account_by_id (relay->store, account_id, &error);
  if (account == NULL)
    {
      st_api_error_set (&relay->error, 403, "unknown_device", "No account is signed in on that laptop.");
      return FALSE;
    }
  if (account->disabled)
    {
      st_api_error_set (&relay->error, 403, "account_disabled", "The account of that laptop is disabled.");
      return FALSE;
    }
  relay->credential = g_new0 (StCredential, 1);
  relay->credential->account = g_steal_pointer (&account);
  relay->credential->device = g_strdup (relay->device);
  relay->credential->expires_at = G_MAXINT64;

  relay->pushes = g_ptr_array_new_with_free_func ((GDestroyNotify) st_push_free);
  pushes = st_bundle_json_array (relay->payload, "pushes");
  for (guint i = 0; i < json_array_get_length (pushes); i++)
    {
      StApiError push_error = { 0, };
      StPush *push = st_push_parse (catalog, json_array_get_element (pushes, i), relay->credential,
                                    st_store_get_server_device (relay->store), now, max_skew_ms, &push_error);

      if (push == NULL)
        {
          /* Sent as the push's own refusal; the batches after it wait for
           * the next bundle, as the push waits. */
          relay->refusal = refusal_object (push_error.status, push_error.code, push_error.message, push_error.seq);
          st_api_error_clear (&push_error);
          break;
        }
      st_push_prefetch (push, relay->store);
      g_ptr_array_add (relay->pushes, push);
    }
  return TRUE;
}

/* The writer's job: each push in a savepoint of its own, so that one met
 * by a stale epoch leaves those before it applied. */
static gboolean
relay_apply (StStore     *store,
             StStoreTxn  *txn,
             gpointer     data,
             GError     **error)
{
  Relay *relay = data;
  gint64 account_id = 0, revoked_at = 0;
  g_autofree char *key = NULL;
  g_autoptr(GError) local_error = NULL;

  /* Revoked meanwhile: refused all the same. */
  key = st_store_device_key_get (store, txn, relay->device, &account_id, &revoked_at, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (revoked_at > 0 || key == NULL || account_id != relay->credential->account->id)
    {
      g_set_error_literal (error, BUNDLE_ERROR, 0, "device revoked");
      return FALSE;
    }
  relay->applied = 0;
  g_clear_pointer (&relay->stale, json_object_unref);
  for (guint i = 0; i < relay->pushes->len; i++)
    {
      g_autoptr(GError) push_error = NULL;

      if (!st_store_savepoint (store, txn, error))
        return FALSE;
      if (st_push_apply (store, txn, g_ptr_array_index (relay->pushes, i), &push_error))
        {
          if (!st_store_release (store, txn, error))
            return FALSE;
          relay->applied++;
          continue;
        }
      st_store_rollback_to (store, txn);
      if (push_error->domain != ST_SYNC_ERROR)
        {
          g_propagate_error (error, g_steal_pointer (&push_error));
          return FALSE;
        }
      relay->stale = refusal_object (409, push_error->code == ST_SYNC_ERROR_STALE_EPOCH ? "stale_epoch"
                                          : "sequence_reused", push_error->message, 0);
      break;
    }
  return TRUE;
}

/* The results and the pages, sealed to the device. */
static GBytes *
relay_reply (Relay *relay)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = g_strdup (st_bundle_json_string (relay->payload, "cursor", NULL));
  gboolean fresh = st_bundle_json_bool (relay->payload, "fresh", FALSE);
  int protocol = (int) CLAMP (st_bundle_json_int (relay->payload, "protocol", 1),
                              1, ST_PROTOCOL_VERSION);
  gint64 now = st_now_ms ();
  gint64 entries = 0;
  gboolean restarted = FALSE;
  char *header;
  GBytes *reply;

  g_ptr_array_add (frames, g_bytes_new_static ("", 0));   /* the header, made last */
  for (guint page_no = 0; page_no < REPLY_MAX_PAGES;)
    {
      StApiError page_error = { 0, };
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) read_error = NULL;
      StPage *page;
      guint n = 0;
      gboolean more;

      body = st_pull_page (relay->store, relay->credential, cursor, fresh && cursor == NULL, protocol,
                           REPLY_PAGE_LIMIT, now, &n, &page_error);
      if (body == NULL)
        {
          /* A cursor of a server restored since: the feed from its
           * beginning, as the pull reads it then. */
          if (!restarted && g_strcmp0 (page_error.code, "invalid_cursor") == 0)
            {
              st_api_error_clear (&page_error);
              g_clear_pointer (&cursor, g_free);
              fresh = FALSE;
              restarted = TRUE;
              continue;
            }
          g_warning ("a page for a bundle's reply failed: %s", page_error.message);
          st_api_error_clear (&page_error);
          break;
        }
      page = st_page_read (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &read_error);
      if (page == NULL)
        {
          g_warning ("a page for a bundle's reply cannot be read back: %s", read_error->message);
          break;
        }
      g_free (cursor);
      cursor = g_strdup (page->cursor);
      more = page->more;
      entries += page->entries->len;
      st_page_free (page);
      g_ptr_array_add (frames, g_steal_pointer (&body));
      page_no++;
      if (!more)
        break;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "reply");
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, relay->device);
  json_builder_set_member_name (b, "bundle");
  json_builder_add_string_value (b, st_bundle_json_string (relay->payload, "id", NULL));
  /* Microseconds: two replies for one laptop are never issued at once. */
  json_builder_set_member_name (b, "issued");
  json_builder_add_int_value (b, g_get_real_time ());
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now);
  json_builder_set_member_name (b, "server");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, st_store_get_identity (relay->store));
  json_builder_set_member_name (b, "generation");
  json_builder_add_int_value (b, st_store_get_generation (relay->store));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "courier");
  if (relay->courier != NULL)
    json_builder_add_string_value (b, relay->courier);
  else
    json_builder_add_null_value (b);
  st_api_add_account (b, relay->credential->account, FALSE);
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint i = 0; i < relay->applied; i++)
    {
      g_autofree char *summary = NULL;
      g_autoptr(GBytes) response = st_push_response (g_ptr_array_index (relay->pushes, i), now, &summary);
      JsonNode *node = st_json_from_string (g_bytes_get_data (response, NULL), NULL);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_int_value (b, 200);
      json_builder_set_member_name (b, "body");
      json_builder_add_value (b, node);
      json_builder_end_object (b);
    }
  if (relay->stale != NULL || relay->refusal != NULL)
    {
      JsonNode *node = json_node_init_object (json_node_alloc (), relay->stale != NULL ? relay->stale : relay->refusal);

      json_builder_add_value (b, node);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "pages");
  json_builder_add_int_value (b, frames->len - 1);
  json_builder_set_member_name (b, "entries");
  json_builder_add_int_value (b, entries);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  header = json_to_string (root, FALSE);
  g_bytes_unref (g_ptr_array_index (frames, 0));
  g_ptr_array_index (frames, 0) = g_bytes_new_take (header, strlen (header));

  reply = st_bundle_reply_seal (relay->device, frames, relay->sign_pk, relay->reply_key, &error);
  if (reply == NULL)
    g_warning ("a bundle's reply cannot be sealed: %s", error->message);
  return reply;
}

static void
relay_finish (Relay *relay)
{
  g_autoptr(GBytes) reply = relay_reply (relay);

  if (reply == NULL)
    {
      st_api_error_set (&relay->error, 500, "reply_failed", "The reply could not be made.");
      relay->done (relay->data, NULL, &relay->error);
    }
  else
    relay->done (relay->data, reply, NULL);
  relay_free (relay);
}

static gpointer
finish_thread (gpointer data)
{
  relay_finish (data);
  return NULL;
}

static void
set_apply_error (Relay        *relay,
                 const GError *error)
{
  if (error->domain == BUNDLE_ERROR)
    st_api_error_set (&relay->error, 403, "device_revoked",
                      "The laptop that made this bundle was signed out (device revoke).");
  else
    {
      g_warning ("storage failed: %s", error->message);
      st_api_error_set (&relay->error, 503, "storage_unavailable",
                        "The server's storage failed; nothing was written. Try again later.");
      relay->error.retry_after = 5;
    }
}

static void
relay_done (gpointer      data,
            const GError *error)
{
  Relay *relay = data;

  if (error != NULL)
    {
      set_apply_error (relay, error);
      relay->done (relay->data, NULL, &relay->error);
      relay_free (relay);
      return;
    }
  /* The pages are read off the writer's thread. */
  g_thread_unref (g_thread_new ("st-bundle-reply", finish_thread, relay));
}

void
st_server_bundle_relay (const StBundleTarget *target,
                        const char           *courier,
                        GBytes               *bundle,
                        StBundleDone          done,
                        gpointer              data)
{
  StStore *store = target->store;
  Relay *relay = g_new0 (Relay, 1);

  relay->store = g_object_ref (store);
  relay->courier = g_strdup (courier);
  relay->done = done;
  relay->data = data;
  if (!relay_prepare (relay, target->catalog, target->max_skew_ms, bundle))
    {
      done (data, NULL, &relay->error);
      relay_free (relay);
      return;
    }
  if (target->writer != NULL)
    {
      st_writer_submit (target->writer, relay_apply, relay_done, relay);
      return;
    }
  {
    g_autoptr(GError) error = NULL;
    StStoreTxn *txn = st_store_begin (store, &error);

    if (txn != NULL && !relay_apply (store, txn, relay, &error))
      {
        st_store_rollback (store, txn);
        txn = NULL;
      }
    else if (txn != NULL && !st_store_commit (store, txn, &error))
      txn = NULL;
    if (error != NULL)
      {
        set_apply_error (relay, error);
        done (data, NULL, &relay->error);
        relay_free (relay);
        return;
      }
    relay_finish (relay);
  }
}

/* ------------------------------------------------------------------------ */
/* shuangti-server bundle import                                            */

typedef struct
{
  GBytes *reply;
  char   *message;
} AdminResult;

static void
admin_done (gpointer          data,
            GBytes           *answer,
            const StApiError *error)
{
  AdminResult *result = data;

  if (answer != NULL)
    result->reply = g_bytes_ref (answer);
  else if (g_strcmp0 (error->code, "bundle_damaged") == 0 || g_strcmp0 (error->code, "not_a_bundle") == 0)
    result->message = g_strdup (_("The bundle was changed or damaged on the way (its signature does not match): nothing was applied."));
  else if (g_strcmp0 (error->code, "device_revoked") == 0)
    result->message = g_strdup (_("The laptop that made this bundle was signed out (device revoke): its bundle is refused."));
  else if (g_strcmp0 (error->code, "unknown_device") == 0)
    result->message = g_strdup (_("This server has no key for the laptop that made this bundle: it must sign in once where there is a network."));
  else if (g_strcmp0 (error->code, "other_server") == 0)
    result->message = g_strdup (_("This bundle was made for another server."));
  else if (g_strcmp0 (error->code, "account_disabled") == 0)
    result->message = g_strdup (_("The account of the laptop that made this bundle is disabled."));
  else
    result->message = g_strdup_printf ("%s: %s", error->code, error->message);
}

int
st_admin_bundle (const char  *db_path,
                 int          argc,
                 char       **argv)
{
  g_autofree char *reply_path = NULL;
  g_autofree char *db = g_strdup (db_path);
  GOptionEntry entries[] = {
    { "reply", 0, 0, G_OPTION_ARG_FILENAME, &reply_path, N_("Where to write the reply for the laptop"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(StStore) store = NULL;
  g_autoptr(GBytes) bundle = NULL;
  StCatalog *catalog;
  StBundleTarget target;
  AdminResult result = { 0 };
  char *contents = NULL;
  gsize length = 0;

  if (!st_admin_parse_options ("import FILE --reply REPLY",
                               _("Apply a bundle a laptop without a network made (shuangti-cli bundle export) as that "
                                 "laptop and its account, and write the reply it imports."),
                               entries, NULL, &db, &argc, &argv))
    return 2;
  if (argc != 3 || !g_str_equal (argv[1], "import") || reply_path == NULL)
    {
      st_admin_print_error (_("usage: bundle import FILE --reply REPLY"));
      return 2;
    }
  if (!g_file_get_contents (argv[2], &contents, &length, &error))
    {
      st_admin_print_error (error->message);
      return 1;
    }
  bundle = g_bytes_new_take (contents, length);
  store = st_admin_open_store (db);
  if (store == NULL)
    return 1;
  catalog = st_catalog_new (&error);
  if (catalog == NULL)
    {
      st_admin_print_error (error->message);
      return 1;
    }
  target = (StBundleTarget) { .store = store, .catalog = catalog, .max_skew_ms = 300 * 1000 };
  st_server_bundle_relay (&target, NULL, bundle, admin_done, &result);
  st_catalog_free (catalog);
  if (result.reply == NULL)
    {
      st_admin_print_error (result.message);
      g_free (result.message);
      return 1;
    }
  if (!g_file_set_contents (reply_path, g_bytes_get_data (result.reply, NULL),
                            (gssize) g_bytes_get_size (result.reply), &error))
    {
      st_admin_print_error (error->message);
      g_bytes_unref (result.reply);
      return 1;
    }
  {
    char device[ST_BUNDLE_DEVICE_LEN + 1];
    StBundleKind kind;
    StStoreTxn *txn;

    st_bundle_peek (g_bytes_get_data (bundle, NULL), g_bytes_get_size (bundle), &kind, device, NULL);
    txn = st_store_begin (store, &error);
    if (txn == NULL || !st_admin_log (store, txn, "bundle import", device, reply_path, &error)
        || !st_store_commit (store, txn, &error))
      {
        if (txn != NULL && error != NULL)
          st_store_rollback (store, txn);
        g_warning ("the audit of this command failed: %s", error != NULL ? error->message : "?");
      }
  }
  /* Translators: the reply file, then its size in bytes */
  g_print (_("The bundle is applied. The reply for the laptop is in %s (%lld bytes): import it there with "
             "shuangti-cli bundle import.\n"),
           reply_path, (long long) g_bytes_get_size (result.reply));
  g_bytes_unref (result.reply);
  return 0;
}
