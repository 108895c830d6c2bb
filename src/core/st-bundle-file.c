/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bundle and reply files of sync by file (st-bundle-file.h). */
#define G_LOG_DOMAIN "st-bundle"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "st-bundle-file.h"
#include "st-json-guard.h"

G_DEFINE_QUARK (st-bundle-error-quark, st_bundle_error)

#define MAGIC_LEN 8
static const char bundle_magic[MAGIC_LEN + 1] = "STBUNDL1";
static const char reply_magic[MAGIC_LEN + 1] = "STREPLY1";
#define HEAD_LEN (MAGIC_LEN + ST_BUNDLE_DEVICE_LEN)
#define TAG_LEN crypto_auth_BYTES

gboolean
st_bundle_crypto_init (void)
{
  return sodium_init () >= 0;
}

void
st_bundle_keys_generate (StBundleKeys *keys)
{
  g_return_if_fail (st_bundle_crypto_init ());
  crypto_sign_ed25519_keypair (keys->sign_pk, keys->sign_sk);
  crypto_auth_keygen (keys->reply_key);
}

static char *
to_base64 (const guint8 *bytes,
           gsize         size)
{
  gsize length = sodium_base64_ENCODED_LEN (size, sodium_base64_VARIANT_ORIGINAL);
  char *text = g_malloc (length);

  sodium_bin2base64 (text, length, bytes, size, sodium_base64_VARIANT_ORIGINAL);
  return text;
}

static gboolean
from_base64 (const char *text,
             guint8     *bytes,
             gsize       size)
{
  size_t length = 0;

  return text != NULL
         && sodium_base642bin (bytes, size, text, strlen (text), NULL, &length, NULL,
                               sodium_base64_VARIANT_ORIGINAL) == 0
         && length == size;
}

char *
st_bundle_keys_to_text (const StBundleKeys *keys)
{
  g_autofree char *sk = to_base64 (keys->sign_sk, sizeof keys->sign_sk);
  g_autofree char *reply = to_base64 (keys->reply_key, sizeof keys->reply_key);

  /* The secret key holds the public one in its second half. */
  return g_strdup_printf ("{\"sign_secret\":\"%s\",\"reply\":\"%s\"}", sk, reply);
}

static JsonObject *
object_of_text (const char *text)
{
  g_autoptr(JsonNode) node = text != NULL ? st_json_from_string (text, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

gboolean
st_bundle_keys_from_text (const char   *text,
                          StBundleKeys *keys)
{
  g_autoptr(JsonObject) object = object_of_text (text);

  if (object == NULL
      || !from_base64 (st_bundle_json_string (object, "sign_secret", NULL),
                       keys->sign_sk, sizeof keys->sign_sk)
      || !from_base64 (st_bundle_json_string (object, "reply", NULL),
                       keys->reply_key, sizeof keys->reply_key))
    return FALSE;
  crypto_sign_ed25519_sk_to_pk (keys->sign_pk, keys->sign_sk);
  return TRUE;
}

char *
st_bundle_keys_public_text (const StBundleKeys *keys)
{
  g_autofree char *pk = to_base64 (keys->sign_pk, sizeof keys->sign_pk);
  g_autofree char *reply = to_base64 (keys->reply_key, sizeof keys->reply_key);

  return g_strdup_printf ("{\"sign\":\"%s\",\"reply\":\"%s\"}", pk, reply);
}

gboolean
st_bundle_public_from_text (const char *text,
                            guint8      sign_pk[32],
                            guint8      reply_key[32])
{
  g_autoptr(JsonObject) object = object_of_text (text);

  return object != NULL
         && from_base64 (st_bundle_json_string (object, "sign", NULL), sign_pk, 32)
         && from_base64 (st_bundle_json_string (object, "reply", NULL), reply_key, 32);
}

JsonObject *
st_bundle_json_object (JsonObject *object,
                       const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
st_bundle_json_array (JsonObject *object,
                      const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonNode *
value_member (JsonObject *object,
              const char *name,
              GType       type)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type ? node : NULL;
}

const char *
st_bundle_json_string (JsonObject *object,
                       const char *name,
                       const char *fallback)
{
  JsonNode *node = value_member (object, name, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : fallback;
}

gint64
st_bundle_json_int (JsonObject *object,
                    const char *name,
                    gint64      fallback)
{
  JsonNode *node = value_member (object, name, G_TYPE_INT64);

  return node != NULL ? json_node_get_int (node) : fallback;
}

gboolean
st_bundle_json_bool (JsonObject *object,
                     const char *name,
                     gboolean    fallback)
{
  JsonNode *node = value_member (object, name, G_TYPE_BOOLEAN);

  return node != NULL ? json_node_get_boolean (node) : fallback;
}

/* ------------------------------------------------------------------------ */

static void
set_not_a_bundle (GError **error)
{
  g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_NOT_A_BUNDLE,
                       _("This file is not a Shuangti sync file."));
}

static void
set_damaged (GError **error)
{
  g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_DAMAGED,
                       _("This sync file was changed or damaged on the way: nothing was applied. "
                         "Ask for a new copy."));
}

static gboolean
is_device_id (const guint8 *text)
{
  for (guint i = 0; i < ST_BUNDLE_DEVICE_LEN; i++)
    {
      gboolean dash = i == 8 || i == 13 || i == 18 || i == 23;

      if (dash ? text[i] != '-' : !g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
        return FALSE;
    }
  return TRUE;
}

gboolean
st_bundle_peek (const guint8  *data,
                gsize          size,
                StBundleKind  *kind,
                char           device[ST_BUNDLE_DEVICE_LEN + 1],
                GError       **error)
{
  if (size < HEAD_LEN)
    {
      set_not_a_bundle (error);
      return FALSE;
    }
  if (memcmp (data, bundle_magic, MAGIC_LEN) == 0)
    *kind = ST_BUNDLE_KIND_BUNDLE;
  else if (memcmp (data, reply_magic, MAGIC_LEN) == 0)
    *kind = ST_BUNDLE_KIND_REPLY;
  else
    {
      set_not_a_bundle (error);
      return FALSE;
    }
  if (!is_device_id (data + MAGIC_LEN))
    {
      set_damaged (error);
      return FALSE;
    }
  memcpy (device, data + MAGIC_LEN, ST_BUNDLE_DEVICE_LEN);
  device[ST_BUNDLE_DEVICE_LEN] = '\0';
  return TRUE;
}

GBytes *
st_bundle_gzip (const void *data,
                gsize       size)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));

  if (!g_output_stream_write_all (out, data, size, NULL, NULL, NULL) || !g_output_stream_close (out, NULL, NULL))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

GBytes *
st_bundle_gunzip (const void  *data,
                  gsize        size,
                  gsize        limit,
                  GError     **error)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const guint8 *in = data;
  gsize in_left = size;
  guint8 buffer[64 * 1024];

  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult result;
      g_autoptr(GError) local_error = NULL;

      result = g_converter_convert (G_CONVERTER (decompressor), in, in_left, buffer, sizeof buffer,
                                    in_left == 0 ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                                    &read, &written, &local_error);
      if (result == G_CONVERTER_ERROR)
        {
          set_damaged (error);
          return NULL;
        }
      in += read;
      in_left -= read;
      if (out->len + written > limit)
        {
          g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_TOO_LARGE,
                               _("This sync file is too large to be opened."));
          return NULL;
        }
      g_byte_array_append (out, buffer, (guint) written);
      if (result == G_CONVERTER_FINISHED)
        break;
      if (read == 0 && written == 0 && in_left == 0)
        {
          set_damaged (error);
          return NULL;
        }
    }
  /* Bytes after the end of the gzip stream: not what was written. */
  if (in_left != 0)
    {
      set_damaged (error);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* The key of a bundle's box, derived from the reply key (which alone
 * authenticates replies). */
static void
box_key (const guint8 reply_key[32],
         guint8       key[crypto_secretbox_KEYBYTES])
{
  crypto_kdf_derive_from_key (key, crypto_secretbox_KEYBYTES, 1, "StBundle", reply_key);
}

GBytes *
st_bundle_seal (const char          *device,
                const char          *label,
                const char          *payload,
                gsize                length,
                const StBundleKeys  *keys,
                GError             **error)
{
  g_autoptr(GBytes) body = st_bundle_gzip (payload, length);
  g_autoptr(GByteArray) out = NULL;
  guint8 signature[crypto_sign_BYTES];
  guint8 nonce[crypto_secretbox_NONCEBYTES];
  guint8 key[crypto_secretbox_KEYBYTES];
  guint32 label_length = GUINT32_TO_BE ((guint32) strlen (label));
  guint at;

  g_return_val_if_fail (device != NULL && strlen (device) == ST_BUNDLE_DEVICE_LEN, NULL);
  if (body == NULL || !st_bundle_crypto_init ())
    {
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_DAMAGED, "compressing the bundle failed");
      return NULL;
    }
  out = g_byte_array_sized_new (HEAD_LEN + 4 + strlen (label) + sizeof nonce + crypto_secretbox_MACBYTES
                                + g_bytes_get_size (body) + sizeof signature);
  g_byte_array_append (out, (const guint8 *) bundle_magic, MAGIC_LEN);
  g_byte_array_append (out, (const guint8 *) device, ST_BUNDLE_DEVICE_LEN);
  g_byte_array_append (out, (const guint8 *) &label_length, 4);
  g_byte_array_append (out, (const guint8 *) label, (guint) strlen (label));
  randombytes_buf (nonce, sizeof nonce);
  g_byte_array_append (out, nonce, sizeof nonce);
  at = out->len;
  g_byte_array_set_size (out, at + crypto_secretbox_MACBYTES + (guint) g_bytes_get_size (body));
  box_key (keys->reply_key, key);
  crypto_secretbox_easy (out->data + at, g_bytes_get_data (body, NULL), g_bytes_get_size (body), nonce, key);
  sodium_memzero (key, sizeof key);
  crypto_sign_ed25519_detached (signature, NULL, out->data, out->len, keys->sign_sk);
  g_byte_array_append (out, signature, sizeof signature);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Where the label ends (and the box begins); 0 with @error. */
static gsize
bundle_parts (const guint8  *data,
              gsize          size,
              GError       **error)
{
  StBundleKind kind;
  char device[ST_BUNDLE_DEVICE_LEN + 1];
  guint32 label_length;

  if (!st_bundle_peek (data, size, &kind, device, error))
    return 0;
  if (kind != ST_BUNDLE_KIND_BUNDLE)
    {
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_NOT_A_BUNDLE,
                           _("This file is a reply from the server, not a laptop’s bundle."));
      return 0;
    }
  if (size < HEAD_LEN + 4)
    {
      set_damaged (error);
      return 0;
    }
  memcpy (&label_length, data + HEAD_LEN, 4);
  label_length = GUINT32_FROM_BE (label_length);
  if (label_length > size - HEAD_LEN - 4
      || size - HEAD_LEN - 4 - label_length < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + crypto_sign_BYTES)
    {
      set_damaged (error);
      return 0;
    }
  return HEAD_LEN + 4 + label_length;
}

static JsonObject *parse_object (GBytes  *bytes,
                                 GError **error);

JsonObject *
st_bundle_read_label (const guint8  *data,
                      gsize          size,
                      GError       **error)
{
  gsize end = bundle_parts (data, size, error);
  g_autoptr(GBytes) label = NULL;
  g_autoptr(JsonObject) object = NULL;
  const char *device;

  if (end == 0)
    return NULL;
  label = g_bytes_new (data + HEAD_LEN + 4, end - HEAD_LEN - 4);
  object = parse_object (label, error);
  if (object == NULL)
    return NULL;
  device = st_bundle_json_string (object, "device", NULL);
  if (st_bundle_json_int (object, "format", 0) != 1
      || st_bundle_json_int (object, "changes", -1) < 0
      || st_bundle_json_int (object, "made_at", -1) < 0
      || st_bundle_json_string (object, "id", NULL) == NULL
      || g_strcmp0 (device, "") == 0 || device == NULL || strncmp (device, (const char *) data + MAGIC_LEN, ST_BUNDLE_DEVICE_LEN) != 0
      || strlen (device) != ST_BUNDLE_DEVICE_LEN)
    {
      set_damaged (error);
      return NULL;
    }
  return g_steal_pointer (&object);
}

GBytes *
st_bundle_open (const guint8  *data,
                gsize          size,
                const guint8   sign_pk[32],
                const guint8   reply_key[32],
                JsonObject   **label,
                GError       **error)
{
  gsize end = bundle_parts (data, size, error);
  gsize signed_size, box_size;
  guint8 key[crypto_secretbox_KEYBYTES];
  g_autofree guint8 *plain = NULL;
  gboolean opened;

  if (end == 0)
    return NULL;
  signed_size = size - crypto_sign_BYTES;
  if (!st_bundle_crypto_init ()
      || crypto_sign_ed25519_verify_detached (data + signed_size, data, signed_size, sign_pk) != 0)
    {
      set_damaged (error);
      return NULL;
    }
  box_size = signed_size - end - crypto_secretbox_NONCEBYTES;
  plain = g_malloc (box_size - crypto_secretbox_MACBYTES + 1);
  box_key (reply_key, key);
  opened = crypto_secretbox_open_easy (plain, data + end + crypto_secretbox_NONCEBYTES, box_size,
                                       data + end, key) == 0;
  sodium_memzero (key, sizeof key);
  if (!opened)
    {
      set_damaged (error);
      return NULL;
    }
  if (label != NULL && (*label = st_bundle_read_label (data, size, error)) == NULL)
    return NULL;
  return st_bundle_gunzip (plain, box_size - crypto_secretbox_MACBYTES, ST_BUNDLE_MAX_PAYLOAD, error);
}

static JsonObject *
parse_object (GBytes  *bytes,
              GError **error)
{
  gsize size;
  const char *text = g_bytes_get_data (bytes, &size);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (text == NULL || !g_utf8_validate_len (text, size, NULL)
      || !st_json_parser_load (parser, text, (gssize) size, NULL)
      || json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      set_damaged (error);
      return NULL;
    }
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gboolean
has_int (JsonObject *object,
         const char *name,
         gboolean    optional)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return optional;
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
         && json_node_get_int (node) >= 0;
}

static gboolean
has_string (JsonObject *object,
            const char *name,
            gboolean    nullable)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    return nullable;
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

JsonObject *
st_bundle_payload_parse (GBytes  *payload,
                         GError **error)
{
  g_autoptr(JsonObject) object = parse_object (payload, error);
  JsonArray *pushes;
  const char *device;

  if (object == NULL)
    return NULL;
  pushes = st_bundle_json_array (object, "pushes");
  device = st_bundle_json_string (object, "device", NULL);
  if (st_bundle_json_int (object, "format", 0) != 1
      || g_strcmp0 (st_bundle_json_string (object, "kind", NULL), "bundle") != 0
      || !has_string (object, "id", FALSE) || !has_string (object, "device", FALSE)
      || device == NULL || strlen (device) != ST_BUNDLE_DEVICE_LEN || !is_device_id ((const guint8 *) device)
      || !has_string (object, "cursor", TRUE) || !has_string (object, "server_id", TRUE)
      || !has_string (object, "account", TRUE)
      || !has_int (object, "made_at", FALSE) || !has_int (object, "epoch", FALSE)
      || !has_int (object, "changes", FALSE)
      || pushes == NULL)
    {
      set_damaged (error);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (pushes); i++)
    {
      JsonNode *node = json_array_get_element (pushes, i);
      JsonObject *push = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (push == NULL || !has_int (push, "epoch", FALSE)
          || st_bundle_json_array (push, "changes") == NULL)
        {
          set_damaged (error);
          return NULL;
        }
    }
  return g_steal_pointer (&object);
}

/* ------------------------------------------------------------------------ */

GBytes *
st_bundle_frames_write (GPtrArray *frames)
{
  GByteArray *out = g_byte_array_new ();

  for (guint i = 0; i < frames->len; i++)
    {
      GBytes *frame = g_ptr_array_index (frames, i);
      gsize size = g_bytes_get_size (frame);
      guint32 length = GUINT32_TO_BE ((guint32) size);

      g_byte_array_append (out, (const guint8 *) &length, 4);
      g_byte_array_append (out, g_bytes_get_data (frame, NULL), (guint) size);
    }
  return g_byte_array_free_to_bytes (out);
}

GPtrArray *
st_bundle_frames_read (const guint8  *data,
                       gsize          size,
                       GError       **error)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize at = 0;

  while (at < size)
    {
      guint32 length;

      if (size - at < 4)
        {
          set_damaged (error);
          return NULL;
        }
      memcpy (&length, data + at, 4);
      length = GUINT32_FROM_BE (length);
      at += 4;
      if (length > size - at)
        {
          set_damaged (error);
          return NULL;
        }
      g_ptr_array_add (frames, g_bytes_new (data + at, length));
      at += length;
    }
  if (frames->len == 0)
    {
      set_damaged (error);
      return NULL;
    }
  return g_steal_pointer (&frames);
}

GBytes *
st_bundle_reply_seal (const char    *device,
                      GPtrArray     *frames,
                      const guint8   sign_pk[32],
                      const guint8   reply_key[32],
                      GError       **error)
{
  g_autoptr(GBytes) plain = st_bundle_frames_write (frames);
  g_autoptr(GBytes) body = st_bundle_gzip (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  g_autoptr(GByteArray) inner = NULL;
  g_autoptr(GByteArray) out = NULL;
  guint8 box_pk[crypto_box_PUBLICKEYBYTES];
  guint8 tag[TAG_LEN];

  g_return_val_if_fail (device != NULL && strlen (device) == ST_BUNDLE_DEVICE_LEN, NULL);
  if (body == NULL || !st_bundle_crypto_init () || crypto_sign_ed25519_pk_to_curve25519 (box_pk, sign_pk) != 0)
    {
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_NO_KEY, "the device's key cannot seal a reply");
      return NULL;
    }
  crypto_auth (tag, g_bytes_get_data (body, NULL), g_bytes_get_size (body), reply_key);
  inner = g_byte_array_sized_new (TAG_LEN + g_bytes_get_size (body));
  g_byte_array_append (inner, tag, TAG_LEN);
  g_byte_array_append (inner, g_bytes_get_data (body, NULL), (guint) g_bytes_get_size (body));
  out = g_byte_array_sized_new (HEAD_LEN + crypto_box_SEALBYTES + inner->len);
  g_byte_array_append (out, (const guint8 *) reply_magic, MAGIC_LEN);
  g_byte_array_append (out, (const guint8 *) device, ST_BUNDLE_DEVICE_LEN);
  g_byte_array_set_size (out, HEAD_LEN + crypto_box_SEALBYTES + inner->len);
  crypto_box_seal (out->data + HEAD_LEN, inner->data, inner->len, box_pk);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GPtrArray *
st_bundle_reply_open (const guint8        *data,
                      gsize                size,
                      const StBundleKeys  *keys,
                      GError             **error)
{
  StBundleKind kind;
  char device[ST_BUNDLE_DEVICE_LEN + 1];
  guint8 box_pk[crypto_box_PUBLICKEYBYTES];
  guint8 box_sk[crypto_box_SECRETKEYBYTES];
  g_autofree guint8 *inner = NULL;
  gsize inner_size;
  g_autoptr(GBytes) plain = NULL;
  gboolean opened;

  if (!st_bundle_peek (data, size, &kind, device, error))
    return NULL;
  if (kind != ST_BUNDLE_KIND_REPLY)
    {
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_NOT_A_BUNDLE,
                           _("This file is a laptop’s bundle, not a reply from the server: relay it first."));
      return NULL;
    }
  if (size < HEAD_LEN + crypto_box_SEALBYTES + TAG_LEN || !st_bundle_crypto_init ())
    {
      set_damaged (error);
      return NULL;
    }
  inner_size = size - HEAD_LEN - crypto_box_SEALBYTES;
  inner = g_malloc (inner_size);
  opened = crypto_sign_ed25519_pk_to_curve25519 (box_pk, keys->sign_pk) == 0
           && crypto_sign_ed25519_sk_to_curve25519 (box_sk, keys->sign_sk) == 0
           && crypto_box_seal_open (inner, data + HEAD_LEN, size - HEAD_LEN, box_pk, box_sk) == 0;
  sodium_memzero (box_sk, sizeof box_sk);
  if (!opened)
    {
      /* The box does not say whether it is another laptop's or damaged. */
      g_set_error_literal (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_OTHER_LAPTOP,
                           _("This reply cannot be opened on this laptop: it was made for another laptop, "
                             "or it was changed on the way. Nothing was applied."));
      return NULL;
    }
  if (crypto_auth_verify (inner, inner + TAG_LEN, inner_size - TAG_LEN, keys->reply_key) != 0)
    {
      set_damaged (error);
      return NULL;
    }
  plain = st_bundle_gunzip (inner + TAG_LEN, inner_size - TAG_LEN, ST_BUNDLE_MAX_REPLY, error);
  if (plain == NULL)
    return NULL;
  return st_bundle_frames_read (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), error);
}

JsonObject *
st_bundle_reply_header_parse (GBytes  *frame,
                              GError **error)
{
  g_autoptr(JsonObject) object = parse_object (frame, error);
  JsonArray *results;
  const char *device;

  if (object == NULL)
    return NULL;
  results = st_bundle_json_array (object, "results");
  device = st_bundle_json_string (object, "device", NULL);
  if (st_bundle_json_int (object, "format", 0) != 1
      || g_strcmp0 (st_bundle_json_string (object, "kind", NULL), "reply") != 0
      || device == NULL || strlen (device) != ST_BUNDLE_DEVICE_LEN
      || !has_string (object, "bundle", FALSE) || !has_int (object, "issued", FALSE)
      || !has_int (object, "pages", FALSE) || results == NULL)
    {
      set_damaged (error);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (results); i++)
    if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (results, i)))
      {
        set_damaged (error);
        return NULL;
      }
  return g_steal_pointer (&object);
}
