/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The handlers of docs/sync-protocol.md. Each runs on a worker thread with
 * a copy of the request, and answers by filling call->response and calling
 * call->done, possibly later from the writer thread. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <libdeflate.h>
#include <string.h>

#include "st-json-guard.h"
#include "st-server-api-private.h"
#include "st-server-auth.h"
#include "st-server-json.h"
#include "st-server-version.h"
#include "st-server-writer.h"

/* Responses at least this long are gzipped when the client accepts it. */
#define GZIP_MIN_BYTES 1024

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
void
st_api_respond (StCall *call,
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

GBytes *
st_api_builder_to_bytes (JsonBuilder *builder)
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
  body = st_api_builder_to_bytes (b);

  st_api_respond (call, error->status, body, now_ms);
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

void
st_api_finish (StCall *call)
{
  call->done (call, call->done_data);
}

void
st_api_finish_error (StCall     *call,
                     StApiError *error)
{
  respond_error_at (call, error, st_now_ms ());
  st_api_error_clear (error);
  st_api_finish (call);
}

G_GNUC_PRINTF (4, 5)
void
st_api_fail (StCall     *call,
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
  st_api_finish_error (call, &error);
}

void
st_api_fail_storage (StCall       *call,
                     const GError *error)
{
  g_warning ("storage failed: %s", error ? error->message : "unknown");
  st_api_fail (call, 503, "storage_unavailable", "The server's storage failed; nothing was written. Try again later.");
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

/* The request body as JSON; NULL with @error filled. @optional: an empty
 * body is an empty object. JSON nested deeper than ST_JSON_MAX_DEPTH is
 * refused before it is parsed: the parser recurses, and a body of brackets
 * must not exhaust a thread's stack. */
JsonNode *
st_api_read_body (StApi      *self,
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

/* The body as st_api_read_body () reads it, which must be a JSON object. */
JsonNode *
st_api_read_object (StApi      *self,
                    StCall     *call,
                    gboolean    optional,
                    StApiError *error)
{
  JsonNode *root = st_api_read_body (self, call, optional, error);

  if (root != NULL && !JSON_NODE_HOLDS_OBJECT (root))
    {
      st_api_error_set (error, 400, "invalid_request", "The body must be a JSON object.");
      g_clear_pointer (&root, json_node_unref);
    }
  return root;
}

gboolean
st_api_no_query (StCall     *call,
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
StCredential *
st_api_authenticate (StApi      *self,
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
void
st_api_add_server (JsonBuilder *b,
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

gboolean
st_api_string_member (JsonObject  *object,
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

gboolean
st_api_only_members (JsonObject         *object,
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

  if (!st_api_no_query (call, &error))
    {
      st_api_finish_error (call, &error);
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
  body = st_api_builder_to_bytes (b);

  st_api_respond (call, ok ? 200 : 503, body, now);
  if (!ok)
    call->response.retry_after = 5;
  st_api_finish (call);
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
  /* Half the processors: the other half for the writer (and, on
   * PostgreSQL, its database process), which every push waits for. */
  g_mutex_init (&self->prepare_lock);
  g_cond_init (&self->prepare_cond);
  self->max_preparing = MAX (1u, g_get_num_processors () / 2);
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
  g_mutex_clear (&self->prepare_lock);
  g_cond_clear (&self->prepare_cond);
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
      st_api_finish_error (call, &error);
      return;
    }
  switch (route->id)
    {
    case ST_ROUTE_SIGN_IN:
      st_api_handle_sign_in (self, call);
      break;
    case ST_ROUTE_SIGN_OUT:
      st_api_handle_sign_out (self, call);
      break;
    case ST_ROUTE_PUSH:
      st_api_handle_push (self, call);
      break;
    case ST_ROUTE_PULL:
      st_api_handle_pull (self, call);
      break;
    case ST_ROUTE_DEVICE:
      st_api_handle_device (self, call);
      break;
    case ST_ROUTE_HEALTH:
      handle_health (self, call);
      break;
    case ST_ROUTE_DEVICE_KEY:
      st_api_handle_bundle (self, call, TRUE);
      break;
    case ST_ROUTE_BUNDLE:
      st_api_handle_bundle (self, call, FALSE);
      break;
    default:
      g_assert_not_reached ();
    }
}
