/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sync by file (docs/sync-protocol.md, Sync by file): the two files a
 * laptop without a network exchanges with the county through a courier.
 *
 * A bundle is what the laptop sends: "STBUNDL1", its device id (36
 * characters), a label (4-byte big-endian length, then JSON: the bundle's
 * id, account, server, time and number of changes, no record), then its
 * payload (JSON: its pending changes as push bodies, its cursor, epoch),
 * gzipped and encrypted (crypto_secretbox, a 24-byte nonce first) with a key
 * derived from the reply key, which only the laptop and the server have;
 * last an Ed25519 signature (64 bytes) by the device's key of everything
 * before it.
 *
 * A reply is what the server answers: "STREPLY1", the device id, then a
 * sealed box (crypto_box_seal) to the device's key converted to X25519,
 * holding a 32-byte tag (crypto_auth, by the reply key the laptop gave the
 * server at sign-in) and the gzipped frames: the reply's header (JSON),
 * then each pull page as the network sends it. Only that laptop opens it,
 * and only the server (which alone has the reply key) writes one.
 *
 * This file knows no database and no server: both sides use it. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ST_BUNDLE_ERROR (st_bundle_error_quark ())

typedef enum
{
  ST_BUNDLE_ERROR_NOT_A_BUNDLE,   /* not one of these files at all */
  ST_BUNDLE_ERROR_DAMAGED,        /* a byte changed, or cut short */
  ST_BUNDLE_ERROR_OTHER_LAPTOP,   /* a reply made for another laptop */
  ST_BUNDLE_ERROR_TOO_LARGE,
  ST_BUNDLE_ERROR_OLD_REPLY,      /* older than one imported already */
  ST_BUNDLE_ERROR_NO_KEY,         /* this laptop has no registered key */
  ST_BUNDLE_ERROR_REFUSED,        /* the server refused the bundle */
  ST_BUNDLE_ERROR_OTHER_SERVER,   /* made for or by another server */
} StBundleError;

typedef enum
{
  ST_BUNDLE_KIND_BUNDLE,
  ST_BUNDLE_KIND_REPLY,
} StBundleKind;

#define ST_BUNDLE_DEVICE_LEN 36
/* Inflated sizes refused beyond these. */
#define ST_BUNDLE_MAX_PAYLOAD (64 * 1024 * 1024)
#define ST_BUNDLE_MAX_REPLY   (512 * 1024 * 1024)

/* A device's keys: the Ed25519 pair that signs its bundles (and, turned
 * into X25519, opens its replies), and the key that authenticates replies. */
typedef struct
{
  guint8 sign_pk[32];
  guint8 sign_sk[64];
  guint8 reply_key[32];
} StBundleKeys;

GQuark      st_bundle_error_quark      (void);

/* libsodium's start-up; FALSE when it cannot run. */
gboolean    st_bundle_crypto_init      (void);
void        st_bundle_keys_generate    (StBundleKeys  *keys);
/* All three keys as text (secret: the laptop keeps it), and back. */
char       *st_bundle_keys_to_text     (const StBundleKeys *keys);
gboolean    st_bundle_keys_from_text   (const char    *text,
                                        StBundleKeys  *keys);
/* What the server keeps: {"sign": public key, "reply": reply key}. */
char       *st_bundle_keys_public_text (const StBundleKeys *keys);
gboolean    st_bundle_public_from_text (const char    *text,
                                        guint8         sign_pk[32],
                                        guint8         reply_key[32]);

/* What a file is and whose: FALSE with @error when it is neither kind. */
gboolean    st_bundle_peek             (const guint8  *data,
                                        gsize          size,
                                        StBundleKind  *kind,
                                        char           device[ST_BUNDLE_DEVICE_LEN + 1],
                                        GError       **error);

/* A bundle of @payload (JSON text) for @device, labelled with @label
 * (JSON text), encrypted and signed. */
GBytes     *st_bundle_seal             (const char    *device,
                                        const char    *label,
                                        const char    *payload,
                                        gsize          length,
                                        const StBundleKeys *keys,
                                        GError       **error);
/* The payload of a bundle whose signature is @sign_pk's, decrypted with
 * @reply_key; NULL with ST_BUNDLE_ERROR_DAMAGED when any byte differs from
 * what was signed. @label (may be NULL) gets its label. */
GBytes     *st_bundle_open             (const guint8  *data,
                                        gsize          size,
                                        const guint8   sign_pk[32],
                                        const guint8   reply_key[32],
                                        JsonObject   **label,
                                        GError       **error);
/* The label without checking the signature: what a courier may see of a
 * bundle (and the fuzzer); NULL with @error. */
JsonObject *st_bundle_read_label       (const guint8  *data,
                                        gsize          size,
                                        GError       **error);
/* The payload's JSON, checked member by member; NULL with @error. */
JsonObject *st_bundle_payload_parse    (GBytes        *payload,
                                        GError       **error);

/* A reply for @device holding @frames (GBytes each), sealed to
 * @sign_pk and tagged by @reply_key. */
GBytes     *st_bundle_reply_seal       (const char    *device,
                                        GPtrArray     *frames,
                                        const guint8   sign_pk[32],
                                        const guint8   reply_key[32],
                                        GError       **error);
/* The frames of a reply for the laptop with @keys; NULL with
 * ST_BUNDLE_ERROR_OTHER_LAPTOP or _DAMAGED. */
GPtrArray  *st_bundle_reply_open       (const guint8  *data,
                                        gsize          size,
                                        const StBundleKeys *keys,
                                        GError       **error);
/* Frames back from their bytes (4-byte big-endian length, bytes …). */
GPtrArray  *st_bundle_frames_read      (const guint8  *data,
                                        gsize          size,
                                        GError       **error);
GBytes     *st_bundle_frames_write     (GPtrArray     *frames);
/* The reply's first frame, checked; NULL with @error. */
JsonObject *st_bundle_reply_header_parse (GBytes      *frame,
                                          GError     **error);

/* The member @name of @object when it is an object (an array), else NULL:
 * json-glib's getters complain of a member that is missing or of another
 * type, and these files come from outside. */
JsonObject *st_bundle_json_object      (JsonObject    *object,
                                        const char    *name);
JsonArray  *st_bundle_json_array       (JsonObject    *object,
                                        const char    *name);
/* The member's string, integer or boolean, else @fallback (a member of
 * another type included, of which json-glib's getters complain). */
const char *st_bundle_json_string      (JsonObject    *object,
                                        const char    *name,
                                        const char    *fallback);
gint64      st_bundle_json_int         (JsonObject    *object,
                                        const char    *name,
                                        gint64         fallback);
gboolean    st_bundle_json_bool        (JsonObject    *object,
                                        const char    *name,
                                        gboolean       fallback);

/* gzip and its inverse, refusing more than @limit bytes inflated. */
GBytes     *st_bundle_gzip             (const void    *data,
                                        gsize          size);
GBytes     *st_bundle_gunzip           (const void    *data,
                                        gsize          size,
                                        gsize          limit,
                                        GError       **error);

G_END_DECLS
