/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libsoup on GLib main loops. The main thread accepts connections and
 * handles signals; a few I/O threads, each with its own loop and
 * SoupServer, only move bytes: each copies a finished request into an
 * StCall, pauses the message, hands the call to a worker thread, and writes
 * the response when the call comes back. They also hold every request to
 * the limits of docs/sync-protocol.md, Transport: a body over --max-body and
 * a request that takes longer than --request-timeout are answered (413,
 * 408) and their connection closed, without reading the rest. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>

#include "st-server-api.h"
#include "st-server-catalog.h"
#include "st-server-conns.h"
#include "st-server-version.h"
#include "st-server-log.h"
#include "st-server.h"
#include "st-store-sqlite.h"
#include "st-sync-pin.h"

#define SERVER_TIME_HEADER "Shuangti-Server-Time"
/* How long a refused request's connection is drained before it is closed,
 * so that the client reads the answer instead of a reset. */
#define LINGER_MS 2000

G_DEFINE_QUARK (st-server-error-quark, st_server_error)

/* HTTP runs on a few I/O threads, each with its own main loop and
 * SoupServer (libsoup objects belong to one thread): a single thread moving
 * every byte of a hundred laptops was the server's bottleneck. The main
 * thread accepts connections and hands them out in turn. */
typedef struct
{
  StServer      *server;
  GMainContext  *context;
  GMainLoop     *loop;
  GThread       *thread;
  SoupServer    *soup;
} IoThread;

struct _StServer
{
  GObject         parent_instance;

  StServerConfig  config;
  StStore        *store;
  StCatalog      *catalog;
  StApi          *api;
  GTlsCertificate *certificate;    /* NULL: plain HTTP */
  GSocket        *listener;
  GSource        *accept_source;
  GSource        *accept_retry;
  char           *url;
  GMainContext   *context;         /* the main thread's */
  GMainLoop      *loop;
  GPtrArray      *io;              /* IoThread */
  guint           next_io;
  GThreadPool    *work_pool;
  GThreadPool    *auth_pool;
  GThreadPool    *reaper;          /* frees finished calls off the I/O threads */
  StConnTable    *conns;
  gssize          body_memory;     /* atomic: bytes of request bodies held */

  gint            in_flight;       /* atomic: requests whose headers arrived and that are not finished */
  gint            stopping;        /* atomic */
  gboolean        disconnected;
  gint64          stop_deadline;
};

G_DEFINE_FINAL_TYPE (StServer, st_server, G_TYPE_OBJECT)

static void stop_accepting (StServer *self);
static void io_thread_free (gpointer  data);

/* What the server keeps about one request, attached to its message. */
typedef struct
{
  StServer          *server;
  IoThread          *io;
  SoupServerMessage *msg;
  gint64             started_us;
  GSource           *deadline;
  GSource           *idle;            /* until the headers come */
  GSocketAddress    *remote;
  gboolean           counted;         /* in in_flight */
  gboolean           before_stop;     /* its headers came before the shutdown began */
  gboolean           handled;         /* the whole request arrived */
  gboolean           aborting;
  char              *method;
  char              *path;
  char              *peer;
  gint64             body_bytes;
  guint              status;          /* what was answered; 0: nothing yet */
  gint64             account_id;
  char              *device;
  char              *summary;
  char              *abort_code;
  char              *abort_message;
} Request;

/* A call on its way through a worker and back. */
typedef struct
{
  StServer          *server;
  IoThread          *io;
  SoupServerMessage *msg;
  StCall            *call;
  const StRoute     *route;
} Work;

/* A source on @context (NULL: the calling thread's); the caller owns the
 * returned reference. */
static GSource *
attach_timeout (GMainContext *context,
                guint         ms,
                GSourceFunc   func,
                gpointer      data,
                GDestroyNotify notify)
{
  GSource *source = ms ? g_timeout_source_new (ms) : g_idle_source_new ();

  if (ms == 0)
    g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, func, data, notify);
  g_source_attach (source, context ? context : g_main_context_get_thread_default ());
  return source;
}

static void
source_clear (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

void
st_server_config_init (StServerConfig *config)
{
  memset (config, 0, sizeof *config);
  config->max_body = 8 * 1024 * 1024;
  config->request_timeout = 30;
  config->token_lifetime = 30 * 24 * 3600;
  config->max_clock_skew = 300;
  config->signin_failures = 5;
  config->signin_failures_per_address = 20;
  config->signin_lockout = 60;
  config->shutdown_timeout = 30;
  config->max_connections = 1000;
  config->idle_timeout = 10;
  config->max_body_memory = 256 * 1024 * 1024;
}

void
st_server_config_clear (StServerConfig *config)
{
  g_clear_pointer (&config->db_path, g_free);
  g_clear_pointer (&config->listen, g_free);
  g_clear_pointer (&config->tls_cert, g_free);
  g_clear_pointer (&config->tls_key, g_free);
  g_clear_pointer (&config->trusted_proxies, g_strfreev);
}

static void
request_free (Request *req)
{
  source_clear (&req->deadline);
  source_clear (&req->idle);
  if (req->body_bytes > 0)
    g_atomic_pointer_add (&req->server->body_memory, -(gssize) req->body_bytes);
  if (req->counted && req->remote != NULL)
    st_conn_table_set_busy (req->server->conns, req->remote, FALSE);
  g_clear_object (&req->remote);
  g_free (req->method);
  g_free (req->path);
  g_free (req->peer);
  g_free (req->device);
  g_free (req->summary);
  g_free (req->abort_code);
  g_free (req->abort_message);
  g_free (req);
}

static Request *
request_get (SoupServerMessage *msg)
{
  return g_object_get_data (G_OBJECT (msg), "st-request");
}

static void
request_uncount (Request *req)
{
  if (!req->counted)
    return;
  req->counted = FALSE;
  g_atomic_int_dec_and_test (&req->server->in_flight);
}

/* The path as the log shows it: one of the API's own paths, or only how
 * long it was. A path is whatever the client sent, an ID number or a name
 * in it included (issue 16). */
static char *
loggable_path (const char *path,
               const char *method)
{
  const char *allow = NULL;

  if (path != NULL && (st_api_find_route (path, method, &allow) != NULL || allow != NULL))
    return g_strdup (path);
  return g_strdup_printf ("other(%zu)", path ? strlen (path) : 0);
}

/* One line per request; never a name, an ID number or a token. */
static void
request_log (Request    *req,
             const char *status)
{
  g_autofree char *ms = g_strdup_printf ("%.1f", (g_get_monotonic_time () - req->started_us) / 1000.0);
  g_autofree char *account = req->account_id ? g_strdup_printf ("%" G_GINT64_FORMAT, req->account_id) : NULL;
  g_autofree char *device = req->device ? g_strndup (req->device, 8) : NULL;
  g_autofree char *bytes = g_strdup_printf ("%" G_GINT64_FORMAT, req->body_bytes);

  st_server_log (G_LOG_LEVEL_INFO, "request",
                 "method", req->method ? req->method : "-",
                 "path", req->path ? req->path : "-",
                 "status", status,
                 "ms", ms,
                 "bytes_in", bytes,
                 "peer", req->peer,
                 "account", account,
                 "device", device,
                 "result", req->summary,
                 NULL);
}


/* Refusing a request in the middle: 408 and 413 */

typedef struct
{
  GIOStream    *stream;
  GSocket      *socket;
  GCancellable *cancellable;
  GSource      *timeout;
  GBytes       *response;
  guint8        buffer[16384];
} Linger;

static void
linger_free (Linger *linger)
{
  source_clear (&linger->timeout);
  g_clear_object (&linger->cancellable);
  g_clear_object (&linger->socket);
  g_clear_pointer (&linger->response, g_bytes_unref);
  g_clear_object (&linger->stream);
  g_free (linger);
}

static void
linger_closed (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  linger_free (user_data);
}

static void
linger_close (Linger *linger)
{
  source_clear (&linger->timeout);
  g_io_stream_close_async (linger->stream, G_PRIORITY_DEFAULT, NULL, linger_closed, linger);
}

static gboolean
linger_timeout (gpointer user_data)
{
  Linger *linger = user_data;

  g_cancellable_cancel (linger->cancellable);
  return G_SOURCE_REMOVE;
}

static void
linger_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Linger *linger = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  /* Drain what the client still sends until it sees the answer and
   * closes, or time runs out. */
  if (n > 0)
    g_input_stream_read_async (g_io_stream_get_input_stream (linger->stream), linger->buffer,
                               sizeof linger->buffer, G_PRIORITY_DEFAULT, linger->cancellable,
                               linger_read, linger);
  else
    linger_close (linger);
}

static void
linger_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Linger *linger = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      linger_close (linger);
      return;
    }
  if (linger->socket != NULL)
    g_socket_shutdown (linger->socket, FALSE, TRUE, NULL);
  linger->timeout = attach_timeout (NULL, LINGER_MS, linger_timeout, linger, NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (linger->stream), linger->buffer,
                             sizeof linger->buffer, G_PRIORITY_DEFAULT, linger->cancellable,
                             linger_read, linger);
}

/* The socket under a stream libsoup gives back: its own wrapper around the
 * stream accept_client () made, which carries its socket. */
static GSocket *
socket_of (GIOStream *stream)
{
  g_autoptr(GIOStream) base = NULL;
  GSocket *socket;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (stream), "base-iostream") == NULL)
    return NULL;
  g_object_get (stream, "base-iostream", &base, NULL);
  socket = base ? g_object_get_data (G_OBJECT (base), "st-socket") : NULL;
  return socket ? g_object_ref (socket) : NULL;
}

static void
stolen_closed (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  g_object_unref (source);
}

static gboolean
abort_in_idle (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  Request *req = request_get (msg);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autofree char *head = NULL;
  gint64 now = st_now_ms ();
  GIOStream *stream;
  Linger *linger;

  /* Taken from libsoup, which would otherwise go on reading the body. */
  stream = soup_server_message_steal_connection (msg);

  request_uncount (req);
  {
    g_autofree char *status = g_strdup_printf ("%u", req->status);

    request_log (req, status);
  }
  if (stream == NULL)
    return G_SOURCE_REMOVE;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, req->abort_code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, req->abort_message);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);
  head = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                          "Content-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Connection: close\r\n"
                          SERVER_TIME_HEADER ": %" G_GINT64_FORMAT "\r\n"
                          "\r\n%s",
                          req->status, soup_status_get_phrase (req->status), strlen (body), now, body);

  linger = g_new0 (Linger, 1);
  linger->stream = stream;
  linger->socket = socket_of (stream);
  linger->cancellable = g_cancellable_new ();
  linger->response = g_bytes_new_take (g_steal_pointer (&head), strlen (head));
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (linger->response, NULL),
                                   g_bytes_get_size (linger->response),
                                   G_PRIORITY_DEFAULT, linger->cancellable, linger_written, linger);
  return G_SOURCE_REMOVE;
}

/* Answers now with @status, reading nothing more of the request. Only once
 * its headers have been read (libsoup has an I/O state to pause). */
static void
request_abort (Request    *req,
               guint       status,
               const char *code,
               const char *message)
{
  if (req->aborting || req->handled)
    return;
  req->aborting = TRUE;
  source_clear (&req->deadline);
  req->status = status;
  req->abort_code = g_strdup (code);
  req->abort_message = g_strdup (message);
  req->summary = g_strdup_printf ("code=%s", code);
  /* libsoup may be in the middle of reading: stop it, and take the
   * connection once it is out of the way. */
  soup_server_message_pause (req->msg);
  g_source_unref (attach_timeout (req->io->context, 0, abort_in_idle, g_object_ref (req->msg), g_object_unref));
}

/* Nothing or only part of the headers came: there is no request to
 * answer, only a connection to close. */
static void
close_unstarted (Request *req)
{
  GIOStream *stream = soup_server_message_steal_connection (req->msg);

  if (stream != NULL)
    g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, stolen_closed, NULL);
}

/* A connection that sends no request's headers within the idle timeout (a
 * laptop's connection left open, a stranger holding sockets) is closed. */
static gboolean
request_idle (gpointer user_data)
{
  Request *req = user_data;

  g_clear_pointer (&req->idle, g_source_unref);
  if (!req->counted && !req->handled && !req->aborting)
    close_unstarted (req);
  return G_SOURCE_REMOVE;
}

static gboolean
request_deadline (gpointer user_data)
{
  Request *req = user_data;

  /* The source is done; request_free () must not destroy it again. */
  g_clear_pointer (&req->deadline, g_source_unref);
  if (req->handled || req->aborting)
    return G_SOURCE_REMOVE;
  if (!req->counted)
    {
      close_unstarted (req);
      return G_SOURCE_REMOVE;
    }
  {
    g_autofree char *message = g_strdup_printf ("The request did not arrive within %u seconds.",
                                                req->server->config.request_timeout);

    request_abort (req, 408, "request_timeout", message);
  }
  return G_SOURCE_REMOVE;
}


/* The address the request comes from: the peer's, or, when the peer is
 * one of the --trusted-proxy addresses, the last address before it in
 * X-Forwarded-For that is not a trusted proxy too. Anyone can write the
 * header: it is read only from a proxy the county named. */
static gboolean
is_trusted_proxy (StServer   *self,
                  const char *address)
{
  g_autoptr(GInetAddress) parsed = address != NULL ? g_inet_address_new_from_string (address) : NULL;

  if (parsed == NULL || self->config.trusted_proxies == NULL)
    return FALSE;
  for (guint i = 0; self->config.trusted_proxies[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) trusted = g_inet_address_new_from_string (self->config.trusted_proxies[i]);

      if (trusted != NULL && g_inet_address_equal (trusted, parsed))
        return TRUE;
    }
  return FALSE;
}

static char *
client_address (StServer          *self,
                SoupServerMessage *msg)
{
  const char *peer = soup_server_message_get_remote_host (msg);
  const char *forwarded;
  g_auto(GStrv) hops = NULL;

  if (!is_trusted_proxy (self, peer))
    return g_strdup (peer);
  forwarded = soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "X-Forwarded-For");
  if (forwarded == NULL)
    return g_strdup (peer);
  hops = g_strsplit (forwarded, ",", -1);
  for (guint i = g_strv_length (hops); i-- > 0;)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (g_strstrip (hops[i]));

      if (address == NULL)
        break;   /* not an address: trust nothing further left */
      if (!is_trusted_proxy (self, hops[i]))
        return g_inet_address_to_string (address);
    }
  return g_strdup (peer);
}


/* The life of a request */

static void
got_headers (SoupServerMessage *msg,
             gpointer           user_data)
{
  Request *req = request_get (msg);
  StServer *self = req->server;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  g_free (req->method);
  req->method = g_strdup (soup_server_message_get_method (msg));
  g_free (req->path);
  req->path = loggable_path (g_uri_get_path (soup_server_message_get_uri (msg)), req->method);
  if (!req->counted)
    {
      req->counted = TRUE;
      g_atomic_int_inc (&self->in_flight);
      source_clear (&req->idle);
      if (req->remote != NULL)
        st_conn_table_set_busy (self->conns, req->remote, TRUE);
    }
  req->before_stop = !g_atomic_int_get (&self->stopping);
  g_free (req->peer);
  req->peer = client_address (self, msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > (goffset) self->config.max_body)
    {
      g_autofree char *message = g_strdup_printf ("The body is larger than %" G_GINT64_FORMAT " bytes.",
                                                  self->config.max_body);

      request_abort (req, 413, "body_too_large", message);
    }
}

static void
got_chunk (SoupServerMessage *msg,
           GBytes            *chunk,
           gpointer           user_data)
{
  Request *req = request_get (msg);
  StServer *self = req->server;
  gssize size = g_bytes_get_size (chunk);
  gssize held;

  req->body_bytes += size;
  held = g_atomic_pointer_add (&self->body_memory, size) + size;
  if (req->body_bytes > self->config.max_body)
    {
      g_autofree char *message = g_strdup_printf ("The body is larger than %" G_GINT64_FORMAT " bytes.",
                                                  self->config.max_body);

      request_abort (req, 413, "body_too_large", message);
      return;
    }
  /* Bodies held at once, over every connection: past the budget, a body
   * is refused for now (the laptop retries later) rather than the server
   * running out of memory. */
  if (held > self->config.max_body_memory)
    request_abort (req, 503, "busy", "The server holds too many requests at once; try again in a minute.");
}

static const char bad_http_body[] =
  "{\"code\":\"bad_http_request\",\"message\":\"The request is not valid HTTP/1.1.\"}";

static void
request_started (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  IoThread *io = user_data;
  StServer *self = io->server;
  Request *req = g_new0 (Request, 1);

  req->server = self;
  req->io = io;
  req->msg = msg;
  req->started_us = g_get_monotonic_time ();
  req->peer = g_strdup (soup_server_message_get_remote_host (msg));
  g_object_set_data_full (G_OBJECT (msg), "st-request", req, (GDestroyNotify) request_free);

  /* The whole request, however slowly it trickles in, must arrive in time;
   * its headers within the idle timeout. */
  req->deadline = attach_timeout (io->context, self->config.request_timeout * 1000, request_deadline, req, NULL);
  if (self->config.idle_timeout < self->config.request_timeout)
    req->idle = attach_timeout (io->context, self->config.idle_timeout * 1000, request_idle, req, NULL);
  req->remote = soup_server_message_get_remote_address (msg);
  if (req->remote != NULL)
    g_object_ref (req->remote);

  /* If libsoup itself refuses the request (unparsable HTTP), its answer
   * carries a JSON body too. Replaced by every real answer. */
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    bad_http_body, sizeof bad_http_body - 1);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");

  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers), NULL);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk), NULL);
}

static void
request_done (SoupServer        *soup,
              SoupServerMessage *msg,
              gpointer           user_data)
{
  Request *req = request_get (msg);

  if (req == NULL)
    return;
  request_uncount (req);
  if (req->method != NULL)
    {
      g_autofree char *status = req->status ? g_strdup_printf ("%u", req->status)
                                            : soup_server_message_get_status (msg) == SOUP_STATUS_INTERNAL_SERVER_ERROR
                                              ? g_strdup ("aborted")
                                              : g_strdup_printf ("%u", soup_server_message_get_status (msg));

      request_log (req, status);
    }
}

/* libsoup before 3.3 leaks a keep-alive connection that goes idle and is
 * then closed, by the client or by a timeout: its socket stays open forever
 * (fixed by libsoup commit d20c6601). There, every connection carries one
 * request. */
static gboolean
keep_alive_is_safe (void)
{
  return soup_check_version (3, 3, 0);
}

static void
respond (SoupServerMessage *msg,
         StCall            *call,
         const char        *allow)
{
  Request *req = request_get (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const StResponse *r = &call->response;
  g_autofree char *time = g_strdup_printf ("%" G_GINT64_FORMAT, r->server_time);
  gsize size = 0;
  const char *data = r->body ? g_bytes_get_data (r->body, &size) : NULL;

  soup_server_message_set_status (msg, r->status, NULL);
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, data ? data : "", size);
  soup_message_headers_replace (headers, SERVER_TIME_HEADER, time);
  {
    g_autofree char *schema = g_strdup_printf ("%d", st_version_get_server_schema ());

    soup_message_headers_replace (headers, ST_HEADER_PROTOCOL, G_STRINGIFY (ST_PROTOCOL_VERSION));
    soup_message_headers_replace (headers, ST_HEADER_SCHEMA, schema);
    soup_message_headers_replace (headers, ST_HEADER_SERVER_VERSION, PACKAGE_VERSION);
  }
  if (r->gzip)
    soup_message_headers_replace (headers, "Content-Encoding", "gzip");
  if (r->retry_after > 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%u", r->retry_after);

      soup_message_headers_replace (headers, "Retry-After", seconds);
    }
  if (r->www_authenticate)
    soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer realm=\"shuangti\"");
  if (allow != NULL)
    soup_message_headers_replace (headers, "Allow", allow);
  if (r->close || !keep_alive_is_safe ())
    soup_message_headers_replace (headers, "Connection", "close");
  else
    soup_message_headers_remove (headers, "Connection");
  soup_message_headers_append (headers, "Vary", "Accept-Encoding");

  if (req != NULL)
    {
      req->status = r->status;
      req->account_id = call->account_id;
      g_free (req->device);
      req->device = g_strdup (call->device);
      g_free (req->summary);
      req->summary = g_strdup (call->summary);
    }
}

static void
work_free (Work *work)
{
  g_clear_object (&work->msg);
  st_call_free (work->call);
  g_clear_object (&work->server);
  g_free (work);
}

static void
reap (gpointer data,
      gpointer user_data)
{
  st_call_free (data);
}

static gboolean
work_back (gpointer user_data)
{
  Work *work = user_data;

  if (!work->server->disconnected)
    {
      /* A push's answer, made here rather than on the writer's thread. */
      st_call_build (work->call);
      respond (work->msg, work->call, NULL);
      soup_server_message_unpause (work->msg);
    }
  /* A push's parsed JSON takes a while to free: not on the thread that
   * answers everyone. */
  if (work->server->reaper != NULL)
    g_thread_pool_push (work->server->reaper, g_steal_pointer (&work->call), NULL);
  work_free (work);
  return G_SOURCE_REMOVE;
}

/* From whichever thread finished the call. */
static void
call_done (StCall   *call,
           gpointer  user_data)
{
  Work *work = user_data;

  g_main_context_invoke_full (work->io->context, G_PRIORITY_DEFAULT, work_back, work, NULL);
}

static void
work_run (gpointer data,
          gpointer user_data)
{
  Work *work = data;

  st_api_handle (work->server->api, work->route, work->call);
}

static void
handle_request (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  IoThread *io = user_data;
  StServer *self = io->server;
  Request *req = request_get (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *allow = NULL;
  const StRoute *route = st_api_find_route (path, soup_server_message_get_method (msg), &allow);
  StCall *call = g_new0 (StCall, 1);
  StApiError error = { 0, };
  Work *work;

  if (req != NULL)
    {
      req->handled = TRUE;
      source_clear (&req->deadline);
    }

  if (g_atomic_int_get (&self->stopping) && (req == NULL || !req->before_stop))
    {
      st_api_error_set (&error, 503, "shutting_down", "The server is shutting down; try again in a moment.");
      error.retry_after = 10;
      call->response.close = TRUE;
    }
  else if (route == NULL && allow != NULL)
    st_api_error_set (&error, 405, "method_not_allowed", "%s takes %s only.", path, allow);
  else if (route == NULL)
    st_api_error_set (&error, 404, "not_found", "There is no endpoint %s; see docs/sync-protocol.md.", path);

  if (error.status != 0)
    {
      st_api_respond_error (call, &error);
      respond (msg, call, allow);
      st_api_error_clear (&error);
      st_call_free (call);
      return;
    }

  call->path = g_strdup (path);
  if (query != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      call->query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (call->query, g_strdup (key), g_strdup (value));
    }
  call->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  call->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  call->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  call->content_encoding = g_strdup (soup_message_headers_get_one (headers, "Content-Encoding"));
  call->accept_gzip = soup_message_headers_header_contains (headers, "Accept-Encoding", "gzip");
  call->client_protocol = st_version_parse (soup_message_headers_get_one (headers, ST_HEADER_PROTOCOL));
  call->client_schema = st_version_parse (soup_message_headers_get_one (headers, ST_HEADER_SCHEMA));
  {
    const char *version = soup_message_headers_get_one (headers, ST_HEADER_CLIENT_VERSION);

    /* Only a short, printable version goes into an answer. */
    if (version != NULL && strlen (version) <= 32 && g_str_is_ascii (version))
      {
        gboolean printable = TRUE;

        for (const char *p = version; *p; p++)
          printable = printable && g_ascii_isgraph (*p);
        if (printable)
          call->client_version = g_strdup (version);
      }
  }
  call->peer = client_address (self, msg);
  if (req != NULL)
    req->body_bytes = (gint64) g_bytes_get_size (call->body);

  work = g_new0 (Work, 1);
  work->server = g_object_ref (self);
  work->io = io;
  work->msg = g_object_ref (msg);
  work->call = call;
  work->route = route;
  call->done = call_done;
  call->done_data = work;

  soup_server_message_pause (msg);
  g_thread_pool_push (route->slow ? self->auth_pool : self->work_pool, work, NULL);
}


/* Start and stop */

static gboolean
check_stopped (gpointer user_data)
{
  StServer *self = user_data;

  gint in_flight = g_atomic_int_get (&self->in_flight);

  if (in_flight == 0 || g_get_monotonic_time () > self->stop_deadline)
    {
      if (in_flight > 0)
        {
          g_autofree char *n = g_strdup_printf ("%d", in_flight);

          st_server_log (G_LOG_LEVEL_WARNING, "shutdown_timeout", "in_flight", n, NULL);
        }
      g_main_loop_quit (self->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_signal (gpointer user_data)
{
  StServer *self = user_data;
  g_autofree char *n = NULL;

  if (g_atomic_int_get (&self->stopping))
    {
      /* Asked twice: stop now. */
      g_main_loop_quit (self->loop);
      return G_SOURCE_CONTINUE;
    }
  g_atomic_int_set (&self->stopping, TRUE);
  self->stop_deadline = g_get_monotonic_time () + (gint64) self->config.shutdown_timeout * G_USEC_PER_SEC;
  n = g_strdup_printf ("%d", g_atomic_int_get (&self->in_flight));
  st_server_log (G_LOG_LEVEL_MESSAGE, "shutdown", "in_flight", n, NULL);

  /* No new connections; those already open finish what they sent. */
  stop_accepting (self);

  g_timeout_add (20, check_stopped, self);
  return G_SOURCE_CONTINUE;
}

/* ADDRESS:PORT, [IPv6]:PORT or localhost:PORT. */
static GSocketAddress *
parse_listen (const char  *text,
              GError     **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *colon;
  guint64 port;

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL || close[1] != ':')
        goto bad;
      host = g_strndup (text + 1, close - text - 1);
      colon = close + 1;
    }
  else
    {
      colon = strrchr (text, ':');
      if (colon == NULL)
        goto bad;
      host = g_strndup (text, colon - text);
    }
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    goto bad;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (host);
  if (address == NULL)
    goto bad;
  return g_inet_socket_address_new (address, (guint16) port);

bad:
  g_set_error (error, ST_SERVER_ERROR, ST_SERVER_ERROR_CONFIG,
               _("“%s” is not an address to listen on: give ADDRESS:PORT, such as 0.0.0.0:8443 or 127.0.0.1:8080."),
               text);
  return NULL;
}

StServer *
st_server_new (const StServerConfig  *config,
               GError               **error)
{
  g_autoptr(StServer) self = g_object_new (ST_TYPE_SERVER, NULL);
  StApiConfig api_config = { 0, };
  guint threads;

  self->config = *config;
  self->config.db_path = g_strdup (config->db_path);
  self->config.listen = g_strdup (config->listen);
  self->config.tls_cert = g_strdup (config->tls_cert);
  self->config.tls_key = g_strdup (config->tls_key);
  self->config.trusted_proxies = g_strdupv (config->trusted_proxies);
  self->config.request_timeout = MAX (self->config.request_timeout, 1);

  if ((config->tls_cert == NULL) != (config->tls_key == NULL))
    {
      g_set_error_literal (error, ST_SERVER_ERROR, ST_SERVER_ERROR_CONFIG,
                           _("Give both --tls-cert and --tls-key, or neither."));
      return NULL;
    }

  self->catalog = st_catalog_new (error);
  if (self->catalog != NULL)
    {
      /* Tests only: a server that claims an older laptop schema. */
      const char *pretend = g_getenv ("ST_SERVER_PRETEND_SCHEMA");

      st_version_set_server_schema (pretend != NULL ? atoi (pretend)
                                                    : st_catalog_get_client_schema (self->catalog));
    }
  if (self->catalog == NULL)
    return NULL;
  self->store = st_store_open (config->db_path, error);
  if (self->store == NULL)
    return NULL;

  api_config.max_body = self->config.max_body;
  api_config.token_lifetime = self->config.token_lifetime;
  api_config.max_clock_skew = self->config.max_clock_skew;
  api_config.signin_failures = self->config.signin_failures;
  api_config.signin_failures_per_address = self->config.signin_failures_per_address;
  api_config.signin_lockout = self->config.signin_lockout;
  self->api = st_api_new (self->store, self->catalog, &api_config);

  if (config->tls_cert != NULL)
    {
      g_autoptr(GTlsCertificate) certificate = NULL;
      g_autoptr(GError) tls_error = NULL;

      if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
        {
          g_set_error_literal (error, ST_SERVER_ERROR, ST_SERVER_ERROR_TLS,
                               _("TLS is not available: install glib-networking."));
          return NULL;
        }
      certificate = g_tls_certificate_new_from_files (config->tls_cert, config->tls_key, &tls_error);
      if (certificate == NULL)
        {
          g_set_error (error, ST_SERVER_ERROR, ST_SERVER_ERROR_TLS,
                       _("The certificate %s or its key %s cannot be used: %s"),
                       config->tls_cert, config->tls_key, tls_error->message);
          return NULL;
        }
      self->certificate = g_steal_pointer (&certificate);
    }

  threads = config->threads ? config->threads : MAX (2u, g_get_num_processors ());
  self->work_pool = g_thread_pool_new (work_run, NULL, (int) threads, FALSE, NULL);
  /* Password hashing takes 64 MiB and a tenth of a second each: two at a
   * time. */
  self->auth_pool = g_thread_pool_new (work_run, NULL, 2, FALSE, NULL);
  self->reaper = g_thread_pool_new (reap, NULL, 1, FALSE, NULL);
  self->context = g_main_context_ref_thread_default ();
  self->loop = g_main_loop_new (self->context, FALSE);

  self->io = g_ptr_array_new_with_free_func (io_thread_free);
  self->conns = st_conn_table_new (self->config.max_connections);
  for (guint i = 0; i < CLAMP (g_get_num_processors (), 1u, 4u); i++)
    {
      IoThread *io = g_new0 (IoThread, 1);

      io->server = self;
      io->context = g_main_context_new ();
      io->loop = g_main_loop_new (io->context, FALSE);
      /* HTTP/1.1 only (accept_client () offers no other protocol): refusing
       * a request mid-body (408, 413) takes its connection over, which an
       * HTTP/2 stream would not allow. */
      io->soup = soup_server_new ("server-header", "shuangti-server", NULL);
      g_signal_connect (io->soup, "request-started", G_CALLBACK (request_started), io);
      g_signal_connect (io->soup, "request-finished", G_CALLBACK (request_done), io);
      g_signal_connect (io->soup, "request-aborted", G_CALLBACK (request_done), io);
      soup_server_add_handler (io->soup, NULL, handle_request, io, NULL);
      g_ptr_array_add (self->io, io);
    }
  return g_steal_pointer (&self);
}

/* The server accepts connections itself and hands them to libsoup:
 * libsoup 3.2's own listener leaks a socket object per connection, listens
 * with GLib's default backlog of 10 (a hundred laptops at once would be
 * turned away), and handles no timeout before the first byte. */
typedef struct
{
  IoThread       *io;
  GIOStream      *stream;
  GSocketAddress *local;
  GSocketAddress *remote;
} Accepted;

static void
accepted_free (Accepted *accepted)
{
  g_clear_object (&accepted->stream);
  g_clear_object (&accepted->local);
  g_clear_object (&accepted->remote);
  g_free (accepted);
}

/* On the I/O thread: from now on libsoup reads and writes the connection
 * there. */
static gboolean
accept_in_io (gpointer data)
{
  Accepted *accepted = data;

  soup_server_accept_iostream (accepted->io->soup, accepted->stream, accepted->local, accepted->remote, NULL);
  return G_SOURCE_REMOVE;
}

static void
accept_client (StServer *self,
               GSocket  *client)
{
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GError) error = NULL;
  Accepted *accepted;

  /* Nothing for this long, reading or writing (a stalled handshake, a
   * request that never comes): the connection is closed. */
  g_socket_set_timeout (client, self->config.request_timeout);
  g_socket_set_option (client, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  local = g_socket_get_local_address (client, NULL);
  remote = g_socket_get_remote_address (client, NULL);
  if (local == NULL || remote == NULL)
    return;   /* gone already */
  connection = g_socket_connection_factory_create_connection (client);
  if (self->certificate != NULL)
    {
      static const char *const protocols[] = { "http/1.1", NULL };

      stream = G_IO_STREAM (g_tls_server_connection_new (G_IO_STREAM (connection), self->certificate, &error));
      if (stream == NULL)
        {
          g_warning ("TLS connection failed: %s", error->message);
          return;
        }
      g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (stream), FALSE);
      g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (stream), protocols);
    }
  else
    stream = G_IO_STREAM (g_object_ref (connection));
  g_object_set_data_full (G_OBJECT (stream), "st-socket", g_object_ref (client), g_object_unref);
  if (!st_conn_table_admit (self->conns, client, remote, stream))
    {
      g_socket_close (client, NULL);
      return;
    }

  accepted = g_new0 (Accepted, 1);
  accepted->io = g_ptr_array_index (self->io, self->next_io++ % self->io->len);
  accepted->stream = g_steal_pointer (&stream);
  accepted->local = g_steal_pointer (&local);
  accepted->remote = g_steal_pointer (&remote);
  g_main_context_invoke_full (accepted->io->context, G_PRIORITY_DEFAULT, accept_in_io, accepted,
                              (GDestroyNotify) accepted_free);
}

static gboolean on_incoming (GSocket      *socket,
                             GIOCondition  condition,
                             gpointer      user_data);

static gboolean
resume_accepting (gpointer user_data)
{
  StServer *self = user_data;

  g_clear_pointer (&self->accept_retry, g_source_unref);
  if (!g_atomic_int_get (&self->stopping) && self->listener != NULL)
    {
      self->accept_source = g_socket_create_source (self->listener, G_IO_IN, NULL);
      g_source_set_callback (self->accept_source, G_SOURCE_FUNC (on_incoming), self, NULL);
      g_source_attach (self->accept_source, self->context);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
on_incoming (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  StServer *self = user_data;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) client = g_socket_accept (socket, NULL, &error);

      if (client != NULL)
        {
          accept_client (self, client);
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      /* Out of file descriptors: idle connections make room, and accepting
       * goes on as soon as they are closed. Out of memory: pause rather
       * than spin. */
      {
        gboolean room = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES)
                        && st_conn_table_evict (self->conns, 32) > 0;

        if (!room)
          st_server_log (G_LOG_LEVEL_WARNING, "accept_failed", "error", error->message, NULL);
        g_clear_pointer (&self->accept_source, g_source_unref);
        self->accept_retry = attach_timeout (self->context, room ? 20 : 500, resume_accepting, self, NULL);
      }
      return G_SOURCE_REMOVE;
    }
}

static void
stop_accepting (StServer *self)
{
  source_clear (&self->accept_retry);
  if (self->accept_source != NULL)
    {
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
    }
  if (self->listener != NULL)
    {
      g_socket_close (self->listener, NULL);
      g_clear_object (&self->listener);
    }
}

static gboolean
listen_on (StServer        *self,
           GSocketAddress  *address,
           GError         **error)
{
  GSocketFamily family = g_socket_address_get_family (address);
  g_autoptr(GSocket) socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *host = NULL;
  GInetAddress *inet;

  if (socket == NULL)
    return FALSE;
  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);
  g_socket_set_listen_backlog (socket, 1024);
  g_socket_set_blocking (socket, FALSE);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return FALSE;

  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (bound));
  host = g_inet_address_to_string (inet);
  self->url = g_strdup_printf ("%s://%s%s%s:%u/", self->certificate ? "https" : "http",
                               family == G_SOCKET_FAMILY_IPV6 ? "[" : "", host,
                               family == G_SOCKET_FAMILY_IPV6 ? "]" : "",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  self->listener = g_steal_pointer (&socket);
  self->accept_source = g_socket_create_source (self->listener, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (on_incoming), self, NULL);
  g_source_attach (self->accept_source, self->context);
  return TRUE;
}

gboolean
st_server_listen (StServer  *self,
                  GError   **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  GInetAddress *inet;

  address = parse_listen (self->config.listen, error);
  if (address == NULL)
    return FALSE;
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  if (self->certificate == NULL && !self->config.insecure_http && !g_inet_address_get_is_loopback (inet))
    {
      g_set_error (error, ST_SERVER_ERROR, ST_SERVER_ERROR_CONFIG,
                   _("Plain HTTP is served only on a loopback address, and %s is not one: give --tls-cert and --tls-key, or --insecure-http if a TLS proxy in front of the server encrypts the traffic."),
                   self->config.listen);
      return FALSE;
    }
  if (!listen_on (self, address, error))
    {
      g_prefix_error (error, _("Cannot listen on %s: "), self->config.listen);
      if (error != NULL && *error != NULL)
        {
          (*error)->domain = ST_SERVER_ERROR;
          (*error)->code = ST_SERVER_ERROR_LISTEN;
        }
      return FALSE;
    }

  /* Translators: %s is a URL such as https://0.0.0.0:8443/ */
  g_print (_("Listening on %s\n"), self->url);
  /* For IT to hand out: laptops that do not trust the certificate show
   * this and pin it once a person has compared the two. */
  if (self->certificate != NULL)
    {
      g_autofree char *pin = st_sync_pin_of (self->certificate);

      g_print (_("Certificate fingerprint: %s\n"), pin);
    }
  fflush (stdout);
  st_server_log (G_LOG_LEVEL_MESSAGE, "listening", "url", self->url, NULL);
  return TRUE;
}

static gpointer
io_thread_run (gpointer data)
{
  IoThread *io = data;

  g_main_context_push_thread_default (io->context);
  g_main_loop_run (io->loop);
  g_main_context_pop_thread_default (io->context);
  return NULL;
}

static void
io_thread_free (gpointer data)
{
  IoThread *io = data;

  if (io->thread != NULL)
    {
      g_main_loop_quit (io->loop);
      g_thread_join (g_steal_pointer (&io->thread));
    }
  g_clear_object (&io->soup);
  g_clear_pointer (&io->loop, g_main_loop_unref);
  g_clear_pointer (&io->context, g_main_context_unref);
  g_free (io);
}

void
st_server_run (StServer *self)
{
  guint term = g_unix_signal_add (SIGTERM, on_signal, self);
  guint interrupt = g_unix_signal_add (SIGINT, on_signal, self);

  for (guint i = 0; i < self->io->len; i++)
    {
      IoThread *io = g_ptr_array_index (self->io, i);

      io->thread = g_thread_new ("st-http", io_thread_run, io);
    }

  g_main_loop_run (self->loop);

  g_source_remove (term);
  g_source_remove (interrupt);
  stop_accepting (self);
  for (guint i = 0; i < self->io->len; i++)
    {
      IoThread *io = g_ptr_array_index (self->io, i);

      g_main_loop_quit (io->loop);
      g_thread_join (g_steal_pointer (&io->thread));
    }
  /* The I/O threads are gone: what is left of them runs here. */
  self->disconnected = TRUE;
  for (guint i = 0; i < self->io->len; i++)
    soup_server_disconnect (((IoThread *) g_ptr_array_index (self->io, i))->soup);
  /* Calls still running finish; their answers go nowhere. */
  g_thread_pool_free (g_steal_pointer (&self->work_pool), FALSE, TRUE);
  g_thread_pool_free (g_steal_pointer (&self->auth_pool), FALSE, TRUE);
  g_clear_pointer (&self->api, st_api_free);
  for (guint i = 0; i < self->io->len; i++)
    {
      IoThread *io = g_ptr_array_index (self->io, i);

      while (g_main_context_iteration (io->context, FALSE))
        ;
    }
  g_thread_pool_free (g_steal_pointer (&self->reaper), FALSE, TRUE);
  st_server_log (G_LOG_LEVEL_MESSAGE, "stopped", NULL);
}

static void
st_server_finalize (GObject *object)
{
  StServer *self = ST_SERVER (object);

  if (self->work_pool != NULL)
    g_thread_pool_free (self->work_pool, FALSE, TRUE);
  if (self->auth_pool != NULL)
    g_thread_pool_free (self->auth_pool, FALSE, TRUE);
  if (self->reaper != NULL)
    g_thread_pool_free (self->reaper, FALSE, TRUE);
  g_clear_pointer (&self->api, st_api_free);
  stop_accepting (self);
  g_clear_pointer (&self->conns, st_conn_table_free);
  g_clear_pointer (&self->io, g_ptr_array_unref);
  g_clear_object (&self->certificate);
  g_free (self->url);
  g_clear_object (&self->store);
  g_clear_pointer (&self->catalog, st_catalog_free);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  st_server_config_clear (&self->config);

  G_OBJECT_CLASS (st_server_parent_class)->finalize (object);
}

static void
st_server_class_init (StServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = st_server_finalize;
}

static void
st_server_init (StServer *self)
{
}
