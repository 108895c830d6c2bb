/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The handlers of docs/sync-protocol.md. Each runs on a worker thread with
 * a copy of the request, and answers by filling call->response and calling
 * call->done, possibly later from the writer thread. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <libdeflate.h>
#include <string.h>

#include "st-json-guard.h"
#include "st-server-api.h"
#include "st-server-auth.h"
#include "st-server-bundle.h"
#include "st-server-json.h"
#include "st-server-log.h"
#include "st-server-sync.h"
#include "st-server-version.h"
#include "st-server-writer.h"

/* JSON nested deeper than this is refused before it is parsed: the parser
 * recurses, and a body of brackets must not exhaust a thread's stack. */
/* Responses at least this long are gzipped when the client accepts it. */
#define GZIP_MIN_BYTES 1024
/* last_pull_at is saved at most this often per device. */
#define TOUCH_INTERVAL_MS 60000

struct _StApi
{
  StStore     *store;
  StCatalog   *catalog;
  StApiConfig  config;
  StWriter    *writer;
  /* Wrong passwords are counted per account and address (a stranger's
   * guesses lock the stranger, not the county clerk at the office), per
   * address (one address guessing many names), and per account from
   * addresses it never signed in from (many addresses guessing one
   * account's password: they are locked, the addresses it uses are not). */
  StThrottle  *pair_throttle;
  StThrottle  *address_throttle;
  StThrottle  *account_throttle;
  GMutex       known_lock;
  GHashTable  *known_pairs;   /* "account|address" that signed in */

  GMutex       touch_lock;
  GHashTable  *touched;       /* device id → gint64 ms of the last saved pull */
};

static const StRoute routes[] = {
  { "/api/v1/sign-in", "POST", ST_ROUTE_SIGN_IN, TRUE },
  { "/api/v1/sign-out", "POST", ST_ROUTE_SIGN_OUT, FALSE },
  { "/api/v1/push", "POST", ST_ROUTE_PUSH, FALSE },
  { "/api/v1/pull", "GET", ST_ROUTE_PULL, FALSE },
  { "/api/v1/device", "GET", ST_ROUTE_DEVICE, FALSE },
  { "/api/v1/health", "GET", ST_ROUTE_HEALTH, FALSE },
  { "/api/v1/device/key", "POST", ST_ROUTE_DEVICE_KEY, FALSE },
  { "/api/v1/bundle", "POST", ST_ROUTE_BUNDLE, FALSE },
};

gint64
st_now_ms (void)
{
  return g_get_real_time () / 1000;
}

const StRoute *
st_api_find_route (const char  *path,
                   const char  *method,
                   const char **allow)
{
  *allow = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (g_strcmp0 (routes[i].path, path) == 0)
      {
        if (g_strcmp0 (routes[i].method, method) == 0)
          return &routes[i];
        *allow = routes[i].method;
      }
  return NULL;
}

void
st_api_error_set (StApiError *error,
                  guint       status,
                  const char *code,
                  const char *format,
                  ...)
{
  va_list args;

  st_api_error_clear (error);
  error->status = status;
  error->code = g_strdup (code);
  va_start (args, format);
  error->message = g_strdup_vprintf (format, args);
  va_end (args);
}

void
st_api_error_clear (StApiError *error)
{
  g_clear_pointer (&error->code, g_free);
  g_clear_pointer (&error->message, g_free);
  g_clear_pointer (&error->field, g_free);
  g_clear_pointer (&error->extra, json_object_unref);
  error->status = 0;
  error->seq = 0;
  error->retry_after = 0;
}

void
st_call_free (StCall *call)
{
  if (call == NULL)
    return;
  g_free (call->path);
  g_clear_pointer (&call->query, g_hash_table_unref);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call->authorization);
  g_free (call->content_type);
  g_free (call->content_encoding);
  g_free (call->peer);
  g_free (call->client_version);
  g_clear_pointer (&call->response.body, g_bytes_unref);
  g_free (call->device);
  g_free (call->summary);
  if (call->garbage_free != NULL)
    call->garbage_free (call->garbage);
  g_free (call);
}

void
st_call_build (StCall *call)
{
  void (*build) (StCall *) = call->build;

  call->build = NULL;
  if (build != NULL)
    build (call);
}

/* Responses */

/* Level 1: JSON still shrinks about ninefold. libdeflate rather than zlib:
 * a 1 MB page of the pull feed took 15-25 ms to compress with zlib, about
 * half the server's time for it, and a county's first sync is hundreds of
 * such pages. */
static GBytes *
gzip_bytes (GBytes *in)
{
  struct libdeflate_compressor *compressor = libdeflate_alloc_compressor (1);
  gsize size;
  const guint8 *src = g_bytes_get_data (in, &size);
  gsize bound, written;
  guint8 *out;

  if (compressor == NULL)
    return NULL;
  bound = libdeflate_gzip_compress_bound (compressor, size);
  out = g_malloc (bound);
  written = libdeflate_gzip_compress (compressor, src, size, out, bound);
  libdeflate_free_compressor (compressor);
  if (written == 0)
    {
      g_free (out);
      return NULL;
    }
  return g_bytes_new_take (g_realloc (out, written), written);
}

/* Sets the response; gzips it when the client takes gzip. */
static void
respond (StCall *call,
         guint   status,
         GBytes *body,
         gint64  now_ms)
{
  call->response.status = status;
  call->response.server_time = now_ms;
  g_clear_pointer (&call->response.body, g_bytes_unref);
  call->response.gzip = FALSE;
  if (call->accept_gzip && g_bytes_get_size (body) >= GZIP_MIN_BYTES)
    {
      GBytes *compressed = gzip_bytes (body);

      if (compressed != NULL)
        {
          call->response.body = compressed;
          call->response.gzip = TRUE;
          return;
        }
    }
  call->response.body = g_bytes_ref (body);
}

static GBytes *
builder_to_bytes (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *text = json_to_string (root, FALSE);

  return g_bytes_new_take (text, strlen (text));
}

static void
respond_error_at (StCall     *call,
                  StApiError *error,
                  gint64      now_ms)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GBytes) body = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, error->code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, error->message);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now_ms);
  if (error->seq > 0)
    {
      json_builder_set_member_name (b, "seq");
      json_builder_add_int_value (b, error->seq);
    }
  if (error->field != NULL)
    {
      json_builder_set_member_name (b, "field");
      json_builder_add_string_value (b, error->field);
    }
  if (error->retry_after > 0)
    {
      json_builder_set_member_name (b, "retry_after");
      json_builder_add_int_value (b, error->retry_after);
    }
  if (error->extra != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, error->extra);
      while (json_object_iter_next (&iter, &name, &value))
        {
          json_builder_set_member_name (b, name);
          json_builder_add_value (b, json_node_copy (value));
        }
    }
  json_builder_end_object (b);
  body = builder_to_bytes (b);

  respond (call, error->status, body, now_ms);
  call->response.retry_after = error->retry_after;
  call->response.www_authenticate = error->status == 401;
  if (call->summary == NULL)
    call->summary = g_strdup_printf ("code=%s", error->code);
}

void
st_api_respond_error (StCall     *call,
                      StApiError *error)
{
  respond_error_at (call, error, st_now_ms ());
}

static void
finish (StCall *call)
{
  call->done (call, call->done_data);
}

static void
finish_error (StCall     *call,
              StApiError *error)
{
  respond_error_at (call, error, st_now_ms ());
  st_api_error_clear (error);
  finish (call);
}

G_GNUC_PRINTF (4, 5)
static void
fail (StCall     *call,
      guint       status,
      const char *code,
      const char *format,
      ...)
{
  StApiError error = { 0, };
  va_list args;

  error.status = status;
  error.code = g_strdup (code);
  va_start (args, format);
  error.message = g_strdup_vprintf (format, args);
  va_end (args);
  if (status == 503)
    error.retry_after = 5;
  finish_error (call, &error);
}

static void
fail_storage (StCall       *call,
              const GError *error)
{
  g_warning ("storage failed: %s", error ? error->message : "unknown");
  fail (call, 503, "storage_unavailable", "The server's storage failed; nothing was written. Try again later.");
}


/* Requests */

static gboolean
content_type_is_json (const char *content_type)
{
  g_auto(GStrv) parts = NULL;

  if (content_type == NULL)
    return FALSE;
  parts = g_strsplit (content_type, ";", -1);
  if (g_ascii_strcasecmp (g_strstrip (parts[0]), "application/json") != 0)
    return FALSE;
  for (guint i = 1; parts[i] != NULL; i++)
    {
      char *param = g_strstrip (parts[i]);

      if (g_ascii_strncasecmp (param, "charset=", 8) == 0
          && g_ascii_strcasecmp (param + 8, "utf-8") != 0 && g_ascii_strcasecmp (param + 8, "\"utf-8\"") != 0)
        return FALSE;
    }
  return TRUE;
}

/* Inflates a gzip body, refusing more than @limit bytes of output. */
static GBytes *
gunzip_bytes (GBytes   *in,
              gsize     limit,
              gboolean *too_large)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize size;
  const guint8 *src = g_bytes_get_data (in, &size);
  guint8 buffer[65536];

  *too_large = FALSE;
  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult r = g_converter_convert (G_CONVERTER (decompressor), src, size, buffer, sizeof buffer,
                                                G_CONVERTER_INPUT_AT_END, &read, &written, NULL);

      if (r == G_CONVERTER_ERROR)
        return NULL;
      src += read;
      size -= read;
      g_byte_array_append (out, buffer, written);
      if (out->len > limit)
        {
          *too_large = TRUE;
          return NULL;
        }
      if (r == G_CONVERTER_FINISHED)
        break;
      if (read == 0 && written == 0)
        return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* The request body as JSON; NULL with @error filled. @optional: an empty
 * body is an empty object. */
/* Whether a string of the JSON text holds \u0000: a NUL would cut a name
 * short where C reads it, and no field of ours holds one. An escape is one
 * when an odd number of backslashes stands before its u ("\\u0000" is the
 * six characters \u0000, not a NUL). */
static gboolean
has_nul_escape (const char *data,
                gsize       size)
{
  for (const char *p = data; (p = g_strstr_len (p, (gssize) (data + size - p), "u0000")) != NULL; p++)
    {
      gsize backslashes = 0;

      while (p - (gssize) backslashes > data && p[-1 - (gssize) backslashes] == '\\')
        backslashes++;
      if (backslashes % 2 == 1)
        return TRUE;
    }
  return FALSE;
}

static JsonNode *
read_body (StApi      *self,
           StCall     *call,
           gboolean    optional,
           StApiError *error)
{
  g_autoptr(GBytes) body = call->body ? g_bytes_ref (call->body) : g_bytes_new_static ("", 0);
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;
  const char *data;
  gsize size;

  if (g_bytes_get_size (body) == 0)
    {
      if (optional)
        {
          g_autoptr(JsonObject) empty = json_object_new ();

          return json_node_init_object (json_node_alloc (), empty);
        }
      st_api_error_set (error, 400, "invalid_request", "The request has no body; it must be a JSON object.");
      return NULL;
    }
  if (!content_type_is_json (call->content_type))
    {
      st_api_error_set (error, 415, "unsupported_media_type", "The body must be sent as application/json.");
      return NULL;
    }
  if (call->content_encoding != NULL && g_ascii_strcasecmp (call->content_encoding, "identity") != 0)
    {
      gboolean too_large = FALSE;
      GBytes *inflated;

      if (g_ascii_strcasecmp (call->content_encoding, "gzip") != 0)
        {
          st_api_error_set (error, 415, "unsupported_encoding", "Content-Encoding %s is not supported; use gzip.",
                            call->content_encoding);
          return NULL;
        }
      inflated = gunzip_bytes (body, (gsize) self->config.max_body, &too_large);
      if (too_large)
        {
          st_api_error_set (error, 413, "body_too_large", "The body is larger than %" G_GINT64_FORMAT " bytes once inflated.",
                            self->config.max_body);
          return NULL;
        }
      if (inflated == NULL)
        {
          st_api_error_set (error, 400, "malformed_json", "The body is not valid gzip.");
          return NULL;
        }
      g_bytes_unref (body);
      body = inflated;
    }

  data = g_bytes_get_data (body, &size);
  if (!g_utf8_validate_len (data, size, NULL))
    {
      st_api_error_set (error, 400, "malformed_json", "The body is not UTF-8 text.");
      return NULL;
    }
  if (has_nul_escape (data, size))
    {
      st_api_error_set (error, 400, "malformed_json", "The body holds a NUL character (\\u0000).");
      return NULL;
    }
  if (!st_json_check_limits (data, (gssize) size, ST_JSON_MAX_DEPTH, 0, NULL))
    {
      st_api_error_set (error, 400, "malformed_json", "The body nests deeper than %d levels.", ST_JSON_MAX_DEPTH);
      return NULL;
    }
  /* The limits were checked above; the reader enforces the depth too. */
  root = st_server_json_read (data, size, ST_JSON_MAX_DEPTH, &parse_error);
  if (root == NULL && g_error_matches (parse_error, ST_SERVER_JSON_ERROR, ST_SERVER_JSON_ERROR_EMPTY))
    {
      st_api_error_set (error, 400, "malformed_json", "The body is empty JSON.");
      return NULL;
    }
  if (root == NULL)
    {
      st_api_error_set (error, 400, "malformed_json", "The body is not JSON: %s", parse_error->message);
      return NULL;
    }
  return root;
}

/* The body as read_body () reads it, which must be a JSON object. */
static JsonNode *
read_object (StApi      *self,
             StCall     *call,
             gboolean    optional,
             StApiError *error)
{
  JsonNode *root = read_body (self, call, optional, error);

  if (root != NULL && !JSON_NODE_HOLDS_OBJECT (root))
    {
      st_api_error_set (error, 400, "invalid_request", "The body must be a JSON object.");
      g_clear_pointer (&root, json_node_unref);
    }
  return root;
}

static gboolean
no_query (StCall     *call,
          StApiError *error)
{
  if (call->query != NULL && g_hash_table_size (call->query) > 0)
    {
      st_api_error_set (error, 400, "invalid_parameter", "This endpoint takes no query parameters.");
      return FALSE;
    }
  return TRUE;
}

/* Who is calling: the token's account (as the server's table says now) and
 * device; NULL with @error filled. */
static StCredential *
authenticate (StApi      *self,
              StCall     *call,
              gint64      now_ms,
              StApiError *error)
{
  g_autoptr(StCredential) credential = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *hash = NULL;
  const char *token;

  if (call->authorization == NULL || g_ascii_strncasecmp (call->authorization, "Bearer ", 7) != 0)
    {
      st_api_error_set (error, 401, "missing_token", "Sign in first: this endpoint needs \"Authorization: Bearer <token>\".");
      return NULL;
    }
  token = call->authorization + 7;
  while (*token == ' ')
    token++;
  if (!st_auth_token_looks_valid (token))
    {
      st_api_error_set (error, 401, "invalid_token", "The token is not valid; sign in again.");
      return NULL;
    }
  hash = st_auth_token_hash (token);
  credential = st_store_credential_find (self->store, hash, &local_error);
  if (local_error != NULL)
    {
      g_warning ("storage failed: %s", local_error->message);
      st_api_error_set (error, 503, "storage_unavailable", "The server's storage failed. Try again later.");
      error->retry_after = 5;
      return NULL;
    }
  if (credential == NULL || credential->revoked || credential->account->disabled)
    {
      st_api_error_set (error, 401, "invalid_token", "The token is not valid (signed out, password changed or account disabled); sign in again.");
      return NULL;
    }
  if (credential->expires_at <= now_ms)
    {
      st_api_error_set (error, 401, "token_expired", "The token has expired; sign in again.");
      return NULL;
    }
  call->account_id = credential->account->id;
  g_free (call->device);
  call->device = g_strdup (credential->device);
  return g_steal_pointer (&credential);
}

void
st_api_add_account (JsonBuilder     *b,
                    const StAccount *account,
                    gboolean         all_townships)
{
  json_builder_set_member_name (b, "account");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, account->name);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, st_role_to_string (account->role));
  json_builder_set_member_name (b, "townships");
  json_builder_begin_array (b);
  for (guint i = 0; account->townships[i] != NULL; i++)
    json_builder_add_string_value (b, account->townships[i]);
  json_builder_end_array (b);
  if (all_townships)
    {
      json_builder_set_member_name (b, "all_townships");
      json_builder_add_boolean_value (b, st_role_sees_all (account->role));
    }
  json_builder_end_object (b);
}

/* "server": the database's identity and restore generation. */
static void
add_server (JsonBuilder *b,
            StStore     *store)
{
  json_builder_set_member_name (b, "server");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, st_store_get_identity (store));
  json_builder_set_member_name (b, "generation");
  json_builder_add_int_value (b, st_store_get_generation (store));
  json_builder_set_member_name (b, "protocol");
  json_builder_add_int_value (b, ST_PROTOCOL_VERSION);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_end_object (b);
}

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

static gboolean
string_member (JsonObject  *object,
               const char  *name,
               gboolean     required,
               const char **value,
               StApiError  *error)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = NULL;
  if (node == NULL)
    {
      if (!required)
        return TRUE;
      st_api_error_set (error, 400, "invalid_request", "Member \"%s\" is missing.", name);
      error->field = g_strdup (name);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      st_api_error_set (error, 400, "invalid_type", "\"%s\" must be a string.", name);
      error->field = g_strdup (name);
      return FALSE;
    }
  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
only_members (JsonObject         *object,
              const char * const *allowed,
              StApiError         *error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    if (!g_strv_contains (allowed, name))
      {
        st_api_error_set (error, 400, "unknown_member", "Unknown member \"%s\".", name);
        error->field = g_strdup (name);
        return FALSE;
      }
  return TRUE;
}


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
static gboolean
find_device (StStore     *store,
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

  if (!find_device (store, txn, job->device_id, &device, error))
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
  if (!st_store_token_insert (store, txn, job->token_hash, job->account->id, job->device_id,
                              job->now, job->expires_at, error))
    return FALSE;
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
      fail_storage (call, error);
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
  add_server (b, job->api->store);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now);
  json_builder_end_object (b);
  body = builder_to_bytes (b);

  respond (call, 200, body, now);
  call->summary = g_strdup ("signin=ok");
  sign_in_free (job);
  finish (call);
}

static void
handle_sign_in (StApi  *self,
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

  if (!no_query (call, &error) || (root = read_object (self, call, FALSE, &error)) == NULL)
    {
      finish_error (call, &error);
      return;
    }
  object = json_node_get_object (root);
  if (!only_members (object, members, &error)
      || !string_member (object, "user", TRUE, &user, &error)
      || !string_member (object, "password", TRUE, &password, &error)
      || !string_member (object, "device", TRUE, &device, &error)
      || !string_member (object, "device_name", FALSE, &device_name, &error))
    {
      finish_error (call, &error);
      return;
    }
  if (*user == '\0' || g_utf8_strlen (user, -1) > 64)
    {
      fail (call, 400, "invalid_value", "\"user\" must have 1 to 64 characters.");
      return;
    }
  if (*password == '\0' || strlen (password) > 1024)
    {
      fail (call, 400, "invalid_value", "\"password\" must have 1 to 1024 bytes.");
      return;
    }
  if (!st_catalog_is_uuid (device))
    {
      fail (call, 400, "invalid_uuid", "\"device\" is not a lower-case UUID.");
      return;
    }
  if (device_name != NULL && g_utf8_strlen (device_name, -1) > 100)
    {
      fail (call, 400, "invalid_value", "\"device_name\" must have at most 100 characters.");
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
      finish_error (call, &throttled);
      return;
    }

  account = st_store_account_find (self->store, NULL, user, &local_error);
  if (local_error != NULL)
    {
      fail_storage (call, local_error);
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
      fail (call, 401, "bad_credentials", "Wrong user name or password.");
      return;
    }
  call->account_id = account->id;
  if (account->disabled)
    {
      fail (call, 403, "account_disabled", "This account is disabled; ask the county's administrator.");
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
      fail_storage (call, error);
      return;
    }
  {
    char *text = g_strdup_printf (body_format, now);
    g_autoptr(GBytes) body = g_bytes_new_take (text, strlen (text));

    respond (call, 200, body, now);
  }
  finish (call);
}

static void
handle_sign_out (StApi  *self,
                 StCall *call)
{
  StApiError error = { 0, };
  g_autoptr(StCredential) credential = NULL;
  g_autoptr(JsonNode) root = NULL;
  static const char *const members[] = { NULL };
  SignOut *job;

  if (!no_query (call, &error)
      || (credential = authenticate (self, call, st_now_ms (), &error)) == NULL
      || (root = read_object (self, call, TRUE, &error)) == NULL)
    {
      finish_error (call, &error);
      return;
    }
  if (!only_members (json_node_get_object (root), members, &error))
    {
      finish_error (call, &error);
      return;
    }
  job = g_new0 (SignOut, 1);
  job->call = call;
  job->token_hash = st_auth_token_hash (call->authorization + 7 + strspn (call->authorization + 7, " "));
  st_writer_submit (self->writer, sign_out_apply, sign_out_done, job);
}


/* Push */

typedef struct
{
  StCall *call;
  StPush *push;
} Push;

static gboolean
push_apply (StStore     *store,
            StStoreTxn  *txn,
            gpointer     data,
            GError     **error)
{
  Push *job = data;

  return st_push_apply (store, txn, job->push, error);
}

/* The answer of a push that the writer applied (st_call_build ()). */
static void
push_answer (StCall *call)
{
  gint64 now = st_now_ms ();
  g_autoptr(GBytes) body = st_push_response (call->garbage, now, &call->summary);

  respond (call, 200, body, now);
}

static void
push_done (gpointer      data,
           const GError *error)
{
  Push *job = data;
  StCall *call = job->call;

  /* The request's JSON is freed with the call, off the writer's thread. */
  call->garbage = job->push;
  call->garbage_free = (GDestroyNotify) st_push_free;

  if (error != NULL && error->domain == ST_SYNC_ERROR)
    {
      StApiError api_error = { 0, };

      st_api_error_set (&api_error, 409,
                        error->code == ST_SYNC_ERROR_STALE_EPOCH ? "stale_epoch" : "sequence_reused",
                        "%s", error->message);
      g_free (job);
      finish_error (call, &api_error);
    }
  else if (error != NULL)
    {
      g_free (job);
      fail_storage (call, error);
    }
  else
    {
      /* Its results, made into text and gzipped, not on the writer's
       * thread. */
      g_free (job);
      call->build = push_answer;
      finish (call);
    }
}

static void
handle_push (StApi  *self,
             StCall *call)
{
  StApiError error = { 0, };
  g_autoptr(StCredential) credential = NULL;
  g_autoptr(JsonNode) root = NULL;
  gint64 now = st_now_ms ();
  StPush *push;
  Push *job;

  if (!no_query (call, &error)
      || (credential = authenticate (self, call, now, &error)) == NULL
      || (root = read_body (self, call, FALSE, &error)) == NULL)
    {
      finish_error (call, &error);
      return;
    }
  push = st_push_parse (self->catalog, root, credential, st_store_get_server_device (self->store),
                        now, self->config.max_clock_skew * 1000, &error);
  if (push == NULL)
    {
      finish_error (call, &error);
      return;
    }
  st_push_prefetch (push, self->store);
  job = g_new0 (Push, 1);
  job->call = call;
  job->push = push;
  st_writer_submit (self->writer, push_apply, push_done, job);
}


/* Pull */

typedef struct
{
  char   *device;
  gint64  at;
} Touch;

static gboolean
touch_apply (StStore     *store,
             StStoreTxn  *txn,
             gpointer     data,
             GError     **error)
{
  Touch *touch = data;
  g_autoptr(StDevice) device = NULL;

  if (!find_device (store, txn, touch->device, &device, error))
    return FALSE;
  if (device == NULL)
    return TRUE;
  device->last_pull_at = touch->at;
  return st_store_device_save (store, txn, device, error);
}

static void
touch_done (gpointer      data,
            const GError *error)
{
  Touch *touch = data;

  g_free (touch->device);
  g_free (touch);
}

/* Remembers the pull, at most once a minute per device: a pull must not
 * cost a disk flush. */
static void
touch_device (StApi      *self,
              const char *device,
              gint64      now)
{
  gboolean due;

  g_mutex_lock (&self->touch_lock);
  {
    gpointer last = g_hash_table_lookup (self->touched, device);

    due = last == NULL || now - *(gint64 *) last >= TOUCH_INTERVAL_MS;
    if (due)
      {
        gint64 *at = g_new (gint64, 1);

        *at = now;
        g_hash_table_replace (self->touched, g_strdup (device), at);
      }
  }
  g_mutex_unlock (&self->touch_lock);

  if (due)
    {
      Touch *touch = g_new0 (Touch, 1);

      touch->device = g_strdup (device);
      touch->at = now;
      st_writer_submit (self->writer, touch_apply, touch_done, touch);
    }
}

static void
handle_pull (StApi  *self,
             StCall *call)
{
  StApiError error = { 0, };
  g_autoptr(StCredential) credential = NULL;
  g_autoptr(GBytes) body = NULL;
  const char *cursor = NULL;
  gboolean fresh = FALSE;
  guint limit = ST_PULL_DEFAULT_LIMIT;
  guint n_entries = 0;
  gint64 now = st_now_ms ();

  if ((credential = authenticate (self, call, now, &error)) == NULL)
    {
      finish_error (call, &error);
      return;
    }
  if (call->query != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, call->query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          if (g_str_equal (key, "cursor"))
            cursor = value;
          else if (g_str_equal (key, "fresh"))
            {
              if (!g_str_equal (value, "0") && !g_str_equal (value, "1"))
                {
                  fail (call, 400, "invalid_parameter", "\"fresh\" must be 0 or 1.");
                  return;
                }
              fresh = g_str_equal (value, "1");
            }
          else if (g_str_equal (key, "limit"))
            {
              guint64 n;

              if (!g_ascii_string_to_unsigned (value, 10, 1, ST_PULL_MAX_LIMIT, &n, NULL))
                {
                  fail (call, 400, "invalid_parameter", "\"limit\" must be a number from 1 to %d.", ST_PULL_MAX_LIMIT);
                  return;
                }
              limit = (guint) n;
            }
          else
            {
              fail (call, 400, "invalid_parameter", "Unknown parameter \"%s\".", (const char *) key);
              return;
            }
        }
    }

  body = st_pull_page (self->store, credential, cursor, fresh, call->client_protocol, limit, now,
                       &n_entries, &error);
  if (body == NULL)
    {
      finish_error (call, &error);
      return;
    }
  touch_device (self, credential->device, now);
  call->summary = g_strdup_printf ("entries=%u", n_entries);
  respond (call, 200, body, now);
  finish (call);
}


/* Device status */

static void
handle_device (StApi  *self,
               StCall *call)
{
  StApiError error = { 0, };
  g_autoptr(StCredential) credential = NULL;
  g_autoptr(StDevice) device = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 now = st_now_ms ();

  if (!no_query (call, &error) || (credential = authenticate (self, call, now, &error)) == NULL)
    {
      finish_error (call, &error);
      return;
    }
  device = st_store_device_find (self->store, NULL, credential->device, &local_error);
  if (local_error != NULL)
    {
      fail_storage (call, local_error);
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
  add_server (b, self->store);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now);
  json_builder_end_object (b);
  body = builder_to_bytes (b);

  respond (call, 200, body, now);
  finish (call);
}


/* Health */

static void
handle_health (StApi  *self,
               StCall *call)
{
  StApiError error = { 0, };
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GBytes) body = NULL;
  gboolean ok;
  gint64 now = st_now_ms ();

  if (!no_query (call, &error))
    {
      finish_error (call, &error);
      return;
    }
  ok = st_store_check (self->store, &local_error);
  if (!ok)
    g_warning ("health check: %s", local_error->message);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, ok ? "ok" : "error");
  if (!ok)
    {
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, "storage_unavailable");
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, "The server's database cannot be read.");
    }
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "api");
  json_builder_add_int_value (b, ST_API_VERSION);
  json_builder_set_member_name (b, "schema");
  json_builder_add_int_value (b, st_version_get_server_schema ());
  json_builder_set_member_name (b, "protocol");
  json_builder_add_int_value (b, ST_PROTOCOL_VERSION);
  json_builder_set_member_name (b, "storage_schema");
  json_builder_add_int_value (b, st_store_get_schema_version (self->store));
  json_builder_set_member_name (b, "database");
  json_builder_add_string_value (b, ok ? "ok" : "error");
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now);
  json_builder_end_object (b);
  body = builder_to_bytes (b);

  respond (call, ok ? 200 : 503, body, now);
  if (!ok)
    call->response.retry_after = 5;
  finish (call);
}


/* Sync by file (st-server-bundle.c) */

static void
bundle_done (gpointer          data,
             GBytes           *answer,
             const StApiError *error)
{
  StCall *call = data;
  gint64 now = st_now_ms ();

  if (error != NULL)
    {
      StApiError copy = { 0, };

      st_api_error_set (&copy, error->status, error->code, "%s", error->message);
      copy.retry_after = error->retry_after;
      finish_error (call, &copy);
      return;
    }
  if (answer == NULL)
    {
      char *text = g_strdup_printf ("{\"registered\":true,\"server_time\":%" G_GINT64_FORMAT "}", now);
      g_autoptr(GBytes) body = g_bytes_new_take (text, strlen (text));

      respond (call, 200, body, now);
    }
  else
    {
      g_autofree char *encoded = g_base64_encode (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
      char *text = g_strdup_printf ("{\"reply\":\"%s\",\"server_time\":%" G_GINT64_FORMAT "}", encoded, now);
      g_autoptr(GBytes) body = g_bytes_new_take (text, strlen (text));

      call->summary = g_strdup_printf ("reply=%" G_GSIZE_FORMAT, g_bytes_get_size (answer));
      respond (call, 200, body, now);
    }
  finish (call);
}

static void
handle_bundle (StApi   *self,
               StCall  *call,
               gboolean key)
{
  StApiError error = { 0, };
  g_autoptr(StCredential) credential = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  if (!no_query (call, &error)
      || (credential = authenticate (self, call, st_now_ms (), &error)) == NULL
      || (root = read_object (self, call, FALSE, &error)) == NULL)
    {
      finish_error (call, &error);
      return;
    }
  object = json_node_get_object (root);
  if (key)
    st_server_bundle_register (self->store, self->writer, credential, object, bundle_done, call);
  else
    {
      static const char *const members[] = { "bundle", NULL };
      const char *text;
      g_autoptr(GBytes) bundle = NULL;
      guchar *bytes;
      gsize size = 0;

      if (!only_members (object, members, &error) || !string_member (object, "bundle", TRUE, &text, &error))
        {
          finish_error (call, &error);
          return;
        }
      bytes = g_base64_decode (text, &size);
      bundle = g_bytes_new_take (bytes, size);
      st_server_bundle_relay (self->store, self->catalog, self->writer, self->config.max_clock_skew * 1000,
                              credential->account->name, bundle, bundle_done, call);
    }
}


StApi *
st_api_new (StStore           *store,
            StCatalog         *catalog,
            const StApiConfig *config)
{
  StApi *self = g_new0 (StApi, 1);

  self->store = g_object_ref (store);
  self->catalog = catalog;
  self->config = *config;
  self->writer = st_writer_new (store);
  self->pair_throttle = st_throttle_new (config->signin_failures, config->signin_lockout);
  self->address_throttle = st_throttle_new (config->signin_failures_per_address, config->signin_lockout);
  self->account_throttle = st_throttle_new (config->signin_failures * 10, config->signin_lockout);
  /* Shared by every process of a PostgreSQL database (issue 19). */
  st_throttle_set_store (self->pair_throttle, store, "pair");
  st_throttle_set_store (self->address_throttle, store, "address");
  st_throttle_set_store (self->account_throttle, store, "account");
  g_mutex_init (&self->known_lock);
  self->known_pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&self->touch_lock);
  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* Made now, not on the first unknown user's sign-in. */
  st_auth_dummy_hash ();
  return self;
}

void
st_api_free (StApi *self)
{
  if (self == NULL)
    return;
  st_writer_free (self->writer);
  st_throttle_free (self->pair_throttle);
  st_throttle_free (self->address_throttle);
  st_throttle_free (self->account_throttle);
  g_hash_table_unref (self->known_pairs);
  g_mutex_clear (&self->known_lock);
  g_hash_table_unref (self->touched);
  g_mutex_clear (&self->touch_lock);
  g_object_unref (self->store);
  g_free (self);
}

void
st_api_handle (StApi         *self,
               const StRoute *route,
               StCall        *call)
{
  StApiError error = { 0, };

  /* Health answers anyone: it is how a laptop learns the versions. */
  if (route->id != ST_ROUTE_HEALTH && !st_version_check (call, &error))
    {
      finish_error (call, &error);
      return;
    }
  switch (route->id)
    {
    case ST_ROUTE_SIGN_IN:
      handle_sign_in (self, call);
      break;
    case ST_ROUTE_SIGN_OUT:
      handle_sign_out (self, call);
      break;
    case ST_ROUTE_PUSH:
      handle_push (self, call);
      break;
    case ST_ROUTE_PULL:
      handle_pull (self, call);
      break;
    case ST_ROUTE_DEVICE:
      handle_device (self, call);
      break;
    case ST_ROUTE_HEALTH:
      handle_health (self, call);
      break;
    case ST_ROUTE_DEVICE_KEY:
      handle_bundle (self, call, TRUE);
      break;
    case ST_ROUTE_BUNDLE:
      handle_bundle (self, call, FALSE);
      break;
    default:
      g_assert_not_reached ();
    }
}
