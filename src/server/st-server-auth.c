/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "st-server-auth.h"

#define TOKEN_PREFIX "st1."
#define TOKEN_BYTES 32
/* Counts older than this are forgotten. */
#define THROTTLE_WINDOW_US (15 * G_TIME_SPAN_MINUTE)
#define THROTTLE_MAX_LOCKOUT_S (15 * 60)

gboolean
st_auth_init (void)
{
  return sodium_init () >= 0;
}

static gboolean
cheap_hashing (void)
{
  return g_strcmp0 (g_getenv ("ST_SERVER_CHEAP_HASH"), "1") == 0;
}

char *
st_auth_hash_password (const char *password)
{
  char out[crypto_pwhash_STRBYTES];
  unsigned long long ops = cheap_hashing () ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = cheap_hashing () ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;

  if (crypto_pwhash_str_alg (out, password, strlen (password), ops, mem,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    return NULL;
  return g_strdup (out);
}

gboolean
st_auth_verify_password (const char *hash,
                         const char *password)
{
  if (hash == NULL || password == NULL)
    return FALSE;
  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

const char *
st_auth_dummy_hash (void)
{
  static gsize initialised;
  static char *hash;

  if (g_once_init_enter (&initialised))
    {
      guint8 random[16];
      g_autofree char *password = NULL;

      randombytes_buf (random, sizeof random);
      password = g_base64_encode (random, sizeof random);
      hash = st_auth_hash_password (password);
      g_once_init_leave (&initialised, 1);
    }
  return hash;
}

char *
st_auth_new_token (void)
{
  guint8 random[TOKEN_BYTES];
  char encoded[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (random, sizeof random);
  sodium_bin2base64 (encoded, sizeof encoded, random, sizeof random,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (random, sizeof random);
  return g_strconcat (TOKEN_PREFIX, encoded, NULL);
}

gboolean
st_auth_token_looks_valid (const char *token)
{
  const char *p;

  if (token == NULL || !g_str_has_prefix (token, TOKEN_PREFIX))
    return FALSE;
  p = token + strlen (TOKEN_PREFIX);
  if (strlen (p) != 43)
    return FALSE;
  for (; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

char *
st_auth_token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}


/* Throttle */

typedef struct
{
  guint   failures;
  gint64  first_us;
  gint64  locked_until_us;
} Entry;

struct _StThrottle
{
  StStore    *store;     /* NULL: in memory only */
  char       *name;
  GMutex      lock;
  GHashTable *entries;   /* key → Entry */
  guint       max_failures;
  guint       lockout_seconds;
};

StThrottle *
st_throttle_new (guint max_failures,
                 guint lockout_seconds)
{
  StThrottle *self = g_new0 (StThrottle, 1);

  g_mutex_init (&self->lock);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->max_failures = MAX (max_failures, 1);
  self->lockout_seconds = MAX (lockout_seconds, 1);
  return self;
}

void
st_throttle_free (StThrottle *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->entries);
  g_mutex_clear (&self->lock);
  g_free (self->name);
  g_free (self);
}

void
st_throttle_set_store (StThrottle *self,
                       StStore    *store,
                       const char *name)
{
  if (store == NULL || !st_store_shares_throttle (store))
    return;
  self->store = store;
  g_free (self->name);
  self->name = g_strdup (name);
}

/* The key as the store keeps it: no account name, no address. */
static char *
stored_key (StThrottle *self,
            const char *key)
{
  g_autofree char *named = g_strconcat (self->name, ":", key, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, named, -1);
}

static void
store_failed (GError *error)
{
  g_warning ("the shared sign-in throttle failed (counted in this process only): %s", error->message);
  g_error_free (error);
}

static gboolean
entry_is_stale (gpointer key,
                gpointer value,
                gpointer user_data)
{
  const Entry *entry = value;
  gint64 now = *(const gint64 *) user_data;

  return entry->locked_until_us <= now && now - entry->first_us > THROTTLE_WINDOW_US;
}

/* The throttle in this process's memory: for the SQLite store, or when the
 * shared one failed. */
static guint
memory_retry_after (StThrottle *self,
                    const char *key)
{
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  Entry *entry = g_hash_table_lookup (self->entries, key);

  if (entry == NULL || entry->locked_until_us <= now)
    return 0;
  return (guint) ((entry->locked_until_us - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

static void
memory_fail (StThrottle *self,
             const char *key)
{
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  Entry *entry;

  /* Addresses that try once and leave must not fill the memory. */
  if (g_hash_table_size (self->entries) > 10000)
    g_hash_table_foreach_remove (self->entries, entry_is_stale, &now);

  entry = g_hash_table_lookup (self->entries, key);
  if (entry == NULL || (entry->locked_until_us <= now && now - entry->first_us > THROTTLE_WINDOW_US))
    {
      entry = g_new0 (Entry, 1);
      entry->first_us = now;
      g_hash_table_replace (self->entries, g_strdup (key), entry);
    }
  entry->failures++;
  if (entry->failures >= self->max_failures)
    {
      /* Doubling with every further failure, up to a quarter of an hour. */
      guint extra = MIN (entry->failures - self->max_failures, 20);
      guint64 seconds = MIN ((guint64) self->lockout_seconds << extra, THROTTLE_MAX_LOCKOUT_S);

      entry->locked_until_us = now + (gint64) seconds * G_USEC_PER_SEC;
    }
}

guint
st_throttle_retry_after (StThrottle *self,
                         const char *key)
{
  if (self->store != NULL)
    {
      g_autofree char *hashed = stored_key (self, key);
      GError *error = NULL;
      gint64 until = st_store_throttle_locked_until (self->store, hashed, &error);
      gint64 now_ms = g_get_real_time () / 1000;

      if (until >= 0)
        return until > now_ms ? (guint) ((until - now_ms + 999) / 1000) : 0;
      store_failed (error);
    }
  return memory_retry_after (self, key);
}

void
st_throttle_fail (StThrottle *self,
                  const char *key)
{
  if (self->store != NULL)
    {
      g_autofree char *hashed = stored_key (self, key);
      StThrottlePolicy policy = {
        .max_failures = self->max_failures,
        .lockout_s = self->lockout_seconds,
        .max_lockout_s = THROTTLE_MAX_LOCKOUT_S,
        .window_ms = THROTTLE_WINDOW_US / 1000,
      };
      GError *error = NULL;

      if (st_store_throttle_fail (self->store, hashed, g_get_real_time () / 1000, &policy, &error))
        return;
      store_failed (error);
    }
  memory_fail (self, key);
}

void
st_throttle_clear (StThrottle *self,
                   const char *key)
{
  g_autoptr(GMutexLocker) locker = NULL;

  if (self->store != NULL)
    {
      g_autofree char *hashed = stored_key (self, key);
      GError *error = NULL;

      if (!st_store_throttle_clear (self->store, hashed, &error))
        store_failed (error);
    }
  locker = g_mutex_locker_new (&self->lock);
  g_hash_table_remove (self->entries, key);
}
