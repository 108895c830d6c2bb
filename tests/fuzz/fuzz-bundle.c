/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the files of sync by file as the server and a laptop
 * read them (st-bundle-file.c): the outside of a bundle or a reply, its
 * signature and seal under fixed keys, the gzipped payload, the frames of a
 * reply and their header. The seeds are made with the keys of seed 1. */
#include "config.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "st-bundle-file.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
fixed_keys (StBundleKeys *keys)
{
  guint8 seed[crypto_sign_SEEDBYTES];

  memset (seed, 1, sizeof seed);
  g_assert (st_bundle_crypto_init ());
  crypto_sign_ed25519_seed_keypair (keys->sign_pk, keys->sign_sk, seed);
  memset (keys->reply_key, 2, sizeof keys->reply_key);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  StBundleKeys keys;
  StBundleKind kind;
  char device[ST_BUNDLE_DEVICE_LEN + 1];
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);

  /* json-glib's complaints are bugs here too: the readers check types. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  fixed_keys (&keys);
  if (st_bundle_peek (data, size, &kind, device, NULL))
    g_assert (strlen (device) == ST_BUNDLE_DEVICE_LEN);

  /* A bundle: its label, then opened with the fixed keys, its payload. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) label = st_bundle_read_label (data, size, &error);

    g_assert ((label == NULL) != (error == NULL));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) label = NULL;
    g_autoptr(GBytes) payload = st_bundle_open (data, size, keys.sign_pk, keys.reply_key, &label, &error);

    g_assert ((payload == NULL) != (error == NULL));
    if (payload != NULL)
      {
        g_autoptr(JsonObject) object = st_bundle_payload_parse (payload, NULL);

        g_assert_nonnull (label);
      }
  }

  /* A reply: opened with the fixed keys, its frames and header. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) frames = st_bundle_reply_open (data, size, &keys, &error);

    g_assert ((frames == NULL) != (error == NULL));
    if (frames != NULL)
      {
        g_autoptr(JsonObject) header = st_bundle_reply_header_parse (g_ptr_array_index (frames, 0), NULL);
      }
  }

  /* The inside alone: frames, a header, a payload, gzip. */
  {
    g_autoptr(GPtrArray) frames = st_bundle_frames_read (data, size, NULL);
    g_autoptr(JsonObject) header = NULL;
    g_autoptr(JsonObject) payload = st_bundle_payload_parse (bytes, NULL);
    g_autoptr(GBytes) inflated = st_bundle_gunzip (data, size, 1 << 20, NULL);

    if (frames != NULL)
      header = st_bundle_reply_header_parse (g_ptr_array_index (frames, 0), NULL);
  }
  return 0;
}
