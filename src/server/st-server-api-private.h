/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the handlers of the API share, inside the server: the API's state,
 * answering a call, reading its body and credentials. st-server-api.c holds
 * these and the routing; the handlers stand by concern in
 * st-server-api-account.c (sign-in, sign-out, device status) and
 * st-server-api-sync.c (push, pull, sync by file). */
#pragma once

#include <json-glib/json-glib.h>

#include "st-server-api.h"
#include "st-server-auth.h"
#include "st-server-writer.h"

G_BEGIN_DECLS

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

  /* Pushes read and prepared at once, at most (st_api_handle_push ()). */
  GMutex       prepare_lock;
  GCond        prepare_cond;
  guint        preparing;
  guint        max_preparing;
};

/* Answering: st_api_respond () sets the response (gzipped when the client
 * takes gzip); st_api_finish () hands the call back; the _error and fail
 * forms answer an error and finish. */
void       st_api_respond           (StCall       *call,
                                     guint         status,
                                     GBytes       *body,
                                     gint64        now_ms);
GBytes    *st_api_builder_to_bytes  (JsonBuilder  *builder);
void       st_api_finish            (StCall       *call);
void       st_api_finish_error      (StCall       *call,
                                     StApiError   *error);
G_GNUC_PRINTF (4, 5)
void       st_api_fail              (StCall       *call,
                                     guint         status,
                                     const char   *code,
                                     const char   *format,
                                     ...);
void       st_api_fail_storage      (StCall       *call,
                                     const GError *error);

/* Reading a request: NULL or FALSE with @error filled. */
JsonNode  *st_api_read_body         (StApi        *self,
                                     StCall       *call,
                                     gboolean      optional,
                                     StApiError   *error);
JsonNode  *st_api_read_object       (StApi        *self,
                                     StCall       *call,
                                     gboolean      optional,
                                     StApiError   *error);
gboolean   st_api_no_query          (StCall       *call,
                                     StApiError   *error);
StCredential *st_api_authenticate   (StApi        *self,
                                     StCall       *call,
                                     gint64        now_ms,
                                     StApiError   *error);
gboolean   st_api_string_member     (JsonObject   *object,
                                     const char   *name,
                                     gboolean      required,
                                     const char  **value,
                                     StApiError   *error);
gboolean   st_api_only_members      (JsonObject   *object,
                                     const char * const *allowed,
                                     StApiError   *error);
void       st_api_add_server        (JsonBuilder  *b,
                                     StStore      *store);

/* st-server-api-account.c */
gboolean   st_api_find_device       (StStore      *store,
                                     StStoreTxn   *txn,
                                     const char   *id,
                                     StDevice    **device,
                                     GError      **error);
void       st_api_handle_sign_in    (StApi        *self,
                                     StCall       *call);
void       st_api_handle_sign_out   (StApi        *self,
                                     StCall       *call);
void       st_api_handle_device     (StApi        *self,
                                     StCall       *call);

/* st-server-api-sync.c */
void       st_api_handle_push       (StApi        *self,
                                     StCall       *call);
void       st_api_handle_pull       (StApi        *self,
                                     StCall       *call);
void       st_api_handle_bundle     (StApi        *self,
                                     StCall       *call,
                                     gboolean      key);

G_END_DECLS
