/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-server's HTTP side: libsoup on GLib main loops (a main thread
 * that accepts, a few I/O threads), the limits every request is held to
 * (size, time), the worker threads, and the graceful shutdown. The
 * endpoints themselves are st-server-api.c. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char     *db_path;
  char     *listen;                       /* ADDRESS:PORT */
  char     *tls_cert;
  char     *tls_key;
  gboolean  insecure_http;
  gint64    max_body;                     /* bytes */
  guint     request_timeout;              /* seconds */
  gint64    token_lifetime;               /* seconds */
  guint     max_clock_skew;               /* seconds */
  guint     signin_failures;
  guint     signin_failures_per_address;
  guint     signin_lockout;               /* seconds */
  guint     shutdown_timeout;             /* seconds */
  guint     threads;                      /* 0: as many as processors */
  guint     max_connections;              /* open at once */
  guint     idle_timeout;                 /* seconds to a request's headers */
  gint64    max_body_memory;              /* bytes of bodies held at once */
  char    **trusted_proxies;              /* addresses whose X-Forwarded-For is believed */
} StServerConfig;

/* The defaults of docs/deployment.md. */
void st_server_config_init  (StServerConfig *config);
void st_server_config_clear (StServerConfig *config);

#define ST_SERVER_ERROR (st_server_error_quark ())

typedef enum
{
  ST_SERVER_ERROR_CONFIG,      /* an option is wrong */
  ST_SERVER_ERROR_TLS,         /* certificate or key unusable, or no TLS backend */
  ST_SERVER_ERROR_LISTEN,      /* the address cannot be bound */
} StServerError;

GQuark st_server_error_quark (void);

#define ST_TYPE_SERVER (st_server_get_type ())
G_DECLARE_FINAL_TYPE (StServer, st_server, ST, SERVER, GObject)

/* Opens the database and prepares the server; listens on nothing yet. */
StServer *st_server_new    (const StServerConfig  *config,
                            GError               **error);
/* Binds the address of the configuration and prints the URLs it serves on
 * stdout (port 0 picks a free port; the line says which). */
gboolean  st_server_listen (StServer              *self,
                            GError               **error);
/* Serves until SIGTERM or SIGINT, then stops taking connections, lets the
 * requests in flight finish (up to the shutdown timeout) and returns. */
void      st_server_run    (StServer              *self);

G_END_DECLS
