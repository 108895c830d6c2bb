/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The endpoints of docs/sync-protocol.md. A call is copied out of libsoup on
 * the main thread, handled on a worker thread (or the writer's), and its
 * response handed back to the main thread by @done. Nothing here touches
 * libsoup, so the handlers do not care how requests arrive. */
#pragma once

#include <gio/gio.h>

#include "st-server-catalog.h"
#include "st-store.h"

G_BEGIN_DECLS

#define ST_API_VERSION 1

/* The error body of docs/sync-protocol.md, Errors. */
typedef struct
{
  guint   status;
  char   *code;
  char   *message;
  gint64  seq;       /* 0: none */
  char   *field;
  guint   retry_after;
  JsonObject *extra;   /* more members of the body, or NULL */
} StApiError;

void st_api_error_set   (StApiError *error,
                         guint       status,
                         const char *code,
                         const char *format,
                         ...) G_GNUC_PRINTF (4, 5);
void st_api_error_clear (StApiError *error);

typedef struct
{
  guint     status;
  GBytes   *body;             /* JSON, gzipped when gzip is set */
  gboolean  gzip;
  guint     retry_after;      /* 0: no Retry-After */
  gboolean  www_authenticate;
  gboolean  close;            /* Connection: close */
  gint64    server_time;
} StResponse;

typedef struct _StCall StCall;

typedef void (*StCallDone) (StCall   *call,
                            gpointer  user_data);

struct _StCall
{
  /* The request, read by the handler. */
  char        *path;
  GHashTable  *query;            /* name → value, or NULL */
  GBytes      *body;
  char        *authorization;
  char        *content_type;
  char        *content_encoding;
  gboolean     accept_gzip;
  char        *peer;             /* the client's address */
  /* What the laptop states (st-server-version.h): 0 when it does not,
   * -1 when not a number. */
  int          client_protocol;
  int          client_schema;
  char        *client_version;

  /* The answer, and what the request log says of it. */
  StResponse   response;
  gint64       account_id;       /* 0: none */
  char        *device;
  char        *summary;          /* "changes=100 applied=100 …" */

  StCallDone   done;
  gpointer     done_data;
  /* The answer still to make, when the handler finished on the writer's
   * thread: made by st_call_build () on the thread that sends it, so that
   * the writer goes on to the next request. NULL when made. */
  void       (*build)            (StCall *call);

  /* Freed with the call, on the main thread: what the handler made and the
   * writer must not spend its time freeing. */
  gpointer       garbage;
  GDestroyNotify garbage_free;
};

void st_call_free  (StCall *call);
void st_call_build (StCall *call);

typedef enum
{
  ST_ROUTE_SIGN_IN,
  ST_ROUTE_SIGN_OUT,
  ST_ROUTE_PUSH,
  ST_ROUTE_PULL,
  ST_ROUTE_DEVICE,
  ST_ROUTE_HEALTH,
  ST_ROUTE_DEVICE_KEY,
  ST_ROUTE_BUNDLE,
} StRouteId;

typedef struct
{
  const char *path;
  const char *method;
  StRouteId   id;
  gboolean    slow;         /* hashes a password: its own threads */
} StRoute;

/* The route of @path and @method; NULL when there is none, with *@allow
 * the method the path takes when the path exists (405). */
const StRoute *st_api_find_route (const char  *path,
                                  const char  *method,
                                  const char **allow);

typedef struct
{
  gint64  max_body;                    /* bytes, after gunzip too */
  gint64  token_lifetime;              /* seconds */
  gint64  max_clock_skew;              /* seconds */
  guint   signin_failures;
  guint   signin_failures_per_address;
  guint   signin_lockout;              /* seconds */
} StApiConfig;

typedef struct _StApi StApi;

StApi *st_api_new      (StStore           *store,
                        StCatalog         *catalog,
                        const StApiConfig *config);
/* Waits for the writer's queued jobs. */
void   st_api_free     (StApi             *self);
/* On a worker thread: answers @call, now or later, by calling call->done
 * from whichever thread finished it. */
void   st_api_handle   (StApi             *self,
                        const StRoute     *route,
                        StCall            *call);
/* An error response for the main thread's own refusals (404, 405, 503). */
void   st_api_respond_error (StCall       *call,
                             StApiError   *error);

gint64 st_now_ms       (void);

/* The member "account" of a reply: name, role and townships, and with
 * @all_townships whether the account sees every township. */
void   st_api_add_account (JsonBuilder     *b,
                           const StAccount *account,
                           gboolean         all_townships);

G_END_DECLS
