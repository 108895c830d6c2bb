/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Passwords (argon2id through libsodium), tokens, and the throttle of wrong
 * passwords. */
#pragma once

#include <glib.h>

#include "st-store.h"

G_BEGIN_DECLS

/* libsodium's start-up; FALSE when it cannot run. */
gboolean  st_auth_init            (void);

/* crypto_pwhash_str () with argon2id at libsodium's interactive limits, or,
 * when ST_SERVER_CHEAP_HASH=1 is set (tests only: the hash is weak), at its
 * minimum. NULL when out of memory. */
char     *st_auth_hash_password   (const char *password);
gboolean  st_auth_verify_password (const char *hash,
                                   const char *password);
/* A hash of a random password, to spend the same time on an unknown
 * account as on a known one. */
const char *st_auth_dummy_hash    (void);

/* A new token: "st1." and 43 base64url characters (256 random bits). */
char     *st_auth_new_token       (void);
/* TRUE when @token has the shape of a token (cheap; before any lookup). */
gboolean  st_auth_token_looks_valid (const char *token);
/* What the server stores of a token: its SHA-256, in hex. */
char     *st_auth_token_hash      (const char *token);

/* Counts of wrong passwords: in memory, or in a store that several server
 * processes share (st_throttle_set_store ()). */
typedef struct _StThrottle StThrottle;

StThrottle *st_throttle_new        (guint        max_failures,
                                    guint        lockout_seconds);
void        st_throttle_free       (StThrottle  *self);
/* Seconds to wait before @key may try again; 0 when it may now. */
guint       st_throttle_retry_after (StThrottle *self,
                                    const char  *key);
void        st_throttle_fail       (StThrottle  *self,
                                    const char  *key);
void        st_throttle_clear      (StThrottle  *self,
                                    const char  *key);
/* Keeps the counts in @store (not owned; it outlives the throttle) when it
 * shares them between processes (st_store_shares_throttle ()), under keys
 * hashed with @name, which tells throttles apart. Memory stays the
 * fallback when the store fails. */
void        st_throttle_set_store  (StThrottle  *self,
                                    StStore     *store,
                                    const char  *name);

G_END_DECLS
