/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The API's account endpoints (docs/sync-protocol.md): sign-in, sign-out
 * and the device's status. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <string.h>

#include "st-server-api-private.h"
#include "st-server-log.h"
#include "st-server-version.h"

/* Sign-in */

typedef struct
{
  StApi     *api;
  StCall    *call;
  StAccount *account;
  char      *device_id;
  char      *device_name;
  char      *token;
  char      *token_hash;
  gint64     now;
  gint64     expires_at;
  StDevice  *device;
} SignIn;

static void
sign_in_free (SignIn *job)
{
  st_account_free (job->account);
  g_free (job->device_id);
  g_free (job->device_name);
  if (job->token)
    memset (job->token, 0, strlen (job->token));
  g_free (job->token);
  g_free (job->token_hash);
  st_device_free (job->device);
  g_free (job);
}

/* Sets *@device to the laptop @id, or NULL when it has not signed in
 * before; FALSE with @error when the store cannot say. */
gboolean
st_api_find_device (StStore     *store,
                    StStoreTxn  *txn,
                    const char  *id,
                    StDevice   **device,
                    GError     **error)
{
  GError *local_error = NULL;

  *device = st_store_device_find (store, txn, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
sign_in_apply (StStore     *store,
               StStoreTxn  *txn,
               gpointer     data,
               GError     **error)
{
  SignIn *job = data;
  g_autoptr(StDevice) device = NULL;
  StNewToken token;

  if (!st_api_find_device (store, txn, job->device_id, &device, error))
    return FALSE;
  if (device == NULL)
    {
      device = g_new0 (StDevice, 1);
      device->id = g_strdup (job->device_id);
      device->registered_at = job->now;
    }
  if (job->device_name != NULL)
    {
      g_free (device->name);
      device->name = g_strdup (job->device_name);
    }
  device->account_id = job->account->id;
  if (!st_store_device_save (store, txn, device, error))
    return FALSE;
  token = (StNewToken) {
    .hash = job->token_hash,
    .account_id = job->account->id,
    .device = job->device_id,
    .created_at = job->now,
    .expires_at = job->expires_at,
  };
  if (!st_store_token_insert (store, txn, &token, error))
    return FALSE;
  /* Run again (st-server-writer.h): the device as this run left it. */
  g_clear_pointer (&job->device, st_device_free);
  job->device = g_steal_pointer (&device);
  return TRUE;
}

static void
sign_in_done (gpointer      data,
              const GError *error)
{
  SignIn *job = data;
  StCall *call = job->call;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 now = st_now_ms ();

  if (error != NULL)
    {
      st_api_fail_storage (call, error);
      sign_in_free (job);
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, job->token);
  json_builder_set_member_name (b, "token_type");
  json_builder_add_string_value (b, "Bearer");
  json_builder_set_member_name (b, "expires_at");
  json_builder_add_int_value (b, job->expires_at);
  st_api_add_account (b, job->account, TRUE);
  json_builder_set_member_name (b, "device");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, job->device->id);
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, job->device->epoch);
  json_builder_set_member_name (b, "acked_seq");
  json_builder_add_int_value (b, job->device->acked_seq);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "api");
  json_builder_add_int_value (b, ST_API_VERSION);
  json_builder_set_member_name (b, "schema");
  json_builder_add_int_value (b, st_version_get_server_schema ());
  st_api_add_server (b, job->api->store);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now);
  json_builder_end_object (b);
  body = st_api_builder_to_bytes (b);

  st_api_respond (call, 200, body, now);
  call->summary = g_strdup ("signin=ok");
  sign_in_free (job);
  st_api_finish (call);
}

void
st_api_handle_sign_in (StApi  *self,
                       StCall *call)
{
  static const char *const members[] = { "user", "password", "device", "device_name", NULL };
  StApiError error = { 0, };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(StAccount) account = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *account_key = NULL;
  g_autofree char *address_key = NULL;
  g_autofree char *pair_key = NULL;
  const char *user, *password, *device, *device_name;
  JsonObject *object;
  gint64 now = st_now_ms ();
  gboolean known;
  guint retry;
  SignIn *job;

  if (!st_api_no_query (call, &error) || (root = st_api_read_object (self, call, FALSE, &error)) == NULL)
    {
      st_api_finish_error (call, &error);
      return;
    }
  object = json_node_get_object (root);
  if (!st_api_only_members (object, members, &error)
      || !st_api_string_member (object, "user", TRUE, &user, &error)
      || !st_api_string_member (object, "password", TRUE, &password, &error)
      || !st_api_string_member (object, "device", TRUE, &device, &error)
      || !st_api_string_member (object, "device_name", FALSE, &device_name, &error))
    {
      st_api_finish_error (call, &error);
      return;
    }
  if (*user == '\0' || g_utf8_strlen (user, -1) > 64)
    {
      st_api_fail (call, 400, "invalid_value", "\"user\" must have 1 to 64 characters.");
      return;
    }
  if (*password == '\0' || strlen (password) > 1024)
    {
      st_api_fail (call, 400, "invalid_value", "\"password\" must have 1 to 1024 bytes.");
      return;
    }
  if (!st_catalog_is_uuid (device))
    {
      st_api_fail (call, 400, "invalid_uuid", "\"device\" is not a lower-case UUID.");
      return;
    }
  if (device_name != NULL && g_utf8_strlen (device_name, -1) > 100)
    {
      st_api_fail (call, 400, "invalid_value", "\"device_name\" must have at most 100 characters.");
      return;
    }

  {
    g_autofree char *folded = g_utf8_casefold (user, -1);

    account_key = g_strconcat ("account:", folded, NULL);
    address_key = g_strconcat ("address:", call->peer ? call->peer : "", NULL);
    pair_key = g_strconcat (folded, "|", call->peer ? call->peer : "", NULL);
  }
  g_mutex_lock (&self->known_lock);
  known = g_hash_table_contains (self->known_pairs, pair_key);
  g_mutex_unlock (&self->known_lock);
  retry = MAX (st_throttle_retry_after (self->pair_throttle, pair_key),
               st_throttle_retry_after (self->address_throttle, address_key));
  if (!known)
    retry = MAX (retry, st_throttle_retry_after (self->account_throttle, account_key));
  if (retry > 0)
    {
      StApiError throttled = { 0, };

      st_api_error_set (&throttled, 429, "too_many_attempts",
                        "Too many wrong passwords; try again in %u seconds.", retry);
      throttled.retry_after = retry;
      st_server_log (G_LOG_LEVEL_WARNING, "signin_throttled", "peer", call->peer, NULL);
      st_api_finish_error (call, &throttled);
      return;
    }

  account = st_store_account_find (self->store, NULL, user, &local_error);
  if (local_error != NULL)
    {
      st_api_fail_storage (call, local_error);
      return;
    }
  /* An unknown account costs as long as a known one. */
  if (!st_auth_verify_password (account ? account->password_hash : st_auth_dummy_hash (), password)
      || account == NULL)
    {
      g_autofree char *id = account ? g_strdup_printf ("%" G_GINT64_FORMAT, account->id) : NULL;

      st_throttle_fail (self->pair_throttle, pair_key);
      st_throttle_fail (self->address_throttle, address_key);
      st_throttle_fail (self->account_throttle, account_key);
      st_server_log (G_LOG_LEVEL_WARNING, "signin_failed", "account", id ? id : "unknown",
                     "peer", call->peer, NULL);
      call->account_id = account ? account->id : 0;
      st_api_fail (call, 401, "bad_credentials", "Wrong user name or password.");
      return;
    }
  call->account_id = account->id;
  if (account->disabled)
    {
      st_api_fail (call, 403, "account_disabled", "This account is disabled; ask the county's administrator.");
      return;
    }
  st_throttle_clear (self->pair_throttle, pair_key);
  g_mutex_lock (&self->known_lock);
  /* Addresses that sign in once and leave must not fill the memory. */
  if (g_hash_table_size (self->known_pairs) > 100000)
    g_hash_table_remove_all (self->known_pairs);
  g_hash_table_add (self->known_pairs, g_strdup (pair_key));
  g_mutex_unlock (&self->known_lock);

  job = g_new0 (SignIn, 1);
  job->api = self;
  job->call = call;
  job->account = g_steal_pointer (&account);
  job->device_id = g_strdup (device);
  job->device_name = g_strdup (device_name);
  job->token = st_auth_new_token ();
  job->token_hash = st_auth_token_hash (job->token);
  job->now = now;
  job->expires_at = now + self->config.token_lifetime * 1000;
  g_free (call->device);
  call->device = g_strdup (device);
  st_writer_submit (self->writer, sign_in_apply, sign_in_done, job);
}


/* Sign-out */

typedef struct
{
  StCall *call;
  char   *token_hash;
} SignOut;

static gboolean
sign_out_apply (StStore     *store,
                StStoreTxn  *txn,
                gpointer     data,
                GError     **error)
{
  SignOut *job = data;

  return st_store_token_revoke (store, txn, job->token_hash, st_now_ms (), error);
}

static void
sign_out_done (gpointer      data,
               const GError *error)
{
  SignOut *job = data;
  StCall *call = job->call;
  static const char body_format[] = "{\"signed_out\":true,\"server_time\":%" G_GINT64_FORMAT "}";
  gint64 now = st_now_ms ();

  g_free (job->token_hash);
  g_free (job);
  if (error != NULL)
    {
      st_api_fail_storage (call, error);
      return;
    }
  {
    char *text = g_strdup_printf (body_format, now);
    g_autoptr(GBytes) body = g_bytes_new_take (text, strlen (text));

    st_api_respond (call, 200, body, now);
  }
  st_api_finish (call);
}

void
st_api_handle_sign_out (StApi  *self,
                        StCall *call)
{
  StApiError error = { 0, };
  g_autoptr(StCredential) credential = NULL;
  g_autoptr(JsonNode) root = NULL;
  static const char *const members[] = { NULL };
  SignOut *job;

  if (!st_api_no_query (call, &error)
      || (credential = st_api_authenticate (self, call, st_now_ms (), &error)) == NULL
      || (root = st_api_read_object (self, call, TRUE, &error)) == NULL)
    {
      st_api_finish_error (call, &error);
      return;
    }
  if (!st_api_only_members (json_node_get_object (root), members, &error))
    {
      st_api_finish_error (call, &error);
      return;
    }
  job = g_new0 (SignOut, 1);
  job->call = call;
  job->token_hash = st_auth_token_hash (call->authorization + 7 + strspn (call->authorization + 7, " "));
  st_writer_submit (self->writer, sign_out_apply, sign_out_done, job);
}

/* Device status */

static void
add_int_or_null (JsonBuilder *b,
                 const char  *name,
                 gint64       value)
{
  json_builder_set_member_name (b, name);
  if (value == 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, value);
}

void
st_api_handle_device (StApi  *self,
                      StCall *call)
{
  StApiError error = { 0, };
  g_autoptr(StCredential) credential = NULL;
  g_autoptr(StDevice) device = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 now = st_now_ms ();

  if (!st_api_no_query (call, &error) || (credential = st_api_authenticate (self, call, now, &error)) == NULL)
    {
      st_api_finish_error (call, &error);
      return;
    }
  device = st_store_device_find (self->store, NULL, credential->device, &local_error);
  if (local_error != NULL)
    {
      st_api_fail_storage (call, local_error);
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "device");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, credential->device);
  json_builder_set_member_name (b, "name");
  if (device && device->name)
    json_builder_add_string_value (b, device->name);
  else
    json_builder_add_null_value (b);
  add_int_or_null (b, "registered_at", device ? device->registered_at : 0);
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, device ? device->epoch : 0);
  json_builder_set_member_name (b, "acked_seq");
  json_builder_add_int_value (b, device ? device->acked_seq : 0);
  add_int_or_null (b, "last_push_at", device ? device->last_push_at : 0);
  add_int_or_null (b, "last_pull_at", device ? device->last_pull_at : 0);
  json_builder_end_object (b);
  st_api_add_account (b, credential->account, TRUE);
  json_builder_set_member_name (b, "token");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "expires_at");
  json_builder_add_int_value (b, credential->expires_at);
  json_builder_end_object (b);
  st_api_add_server (b, self->store);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now);
  json_builder_end_object (b);
  body = st_api_builder_to_bytes (b);

  st_api_respond (call, 200, body, now);
  st_api_finish (call);
}
