/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "st-failpoint.h"
#include "st-json-guard.h"
#include "st-participant.h"
#include "st-limits.h"
#include "st-sync.h"
#include "st-sync-private.h"
#include "st-sync-origin.h"
#include "st-sync-page.h"
#include "st-sync-pin.h"
#include "st-visit.h"

/* ------------------------------------------------------------------------ */
/* Transport                                                                */

void
st_sync_reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->root, json_node_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  reply->object = NULL;
  reply->code = NULL;
}

static char *
normalize_server (const char *server)
{
  g_autofree char *s = g_strstrip (g_strdup (server));

  while (g_str_has_suffix (s, "/"))
    s[strlen (s) - 1] = '\0';
  return g_steal_pointer (&s);
}

gboolean
st_sync_crash_at (Conn       *conn,
                  const char *point,
                  GError    **error)
{
  st_failpoint (point);
  if (conn->options.faults != NULL && conn->options.faults->crash != NULL
      && conn->options.faults->crash (point, conn->options.faults->crash_data))
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_KILLED, "crashed at %s", point);
      return TRUE;
    }
  return FALSE;
}

gboolean
st_sync_fault (Conn   *conn,
               double  p)
{
  return conn->rand != NULL && p > 0 && g_rand_double (conn->rand) < p;
}

static gint64
headers_size (SoupMessageHeaders *headers)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gint64 size = 0;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    size += strlen (name) + strlen (value) + 4;
  return size;
}

/* The server's time from a response: the clock offset follows it. */
static void
observe_server_time (Conn       *conn,
                     SoupMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                     "Shuangti-Server-Time");
  StHlc *clock = st_db_get_clock (conn->db);
  gint64 server_time, offset;

  if (header == NULL)
    return;
  server_time = g_ascii_strtoll (header, NULL, 10);
  if (server_time <= 0)
    return;
  if (conn->stats != NULL)
    conn->stats->server_time = server_time;
  offset = server_time - st_hlc_physical (clock);
  /* Ignore the jitter of a round trip. */
  if (ABS (offset - st_hlc_get_offset (clock)) > 2000)
    {
      st_hlc_set_offset (clock, offset);
      conn->offset_changed = TRUE;
    }
}

/* What the server states of itself in every answer (protocol 2 on). */
static void
observe_versions (Conn        *conn,
                  SoupMessage *msg)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *protocol = soup_message_headers_get_one (headers, "Shuangti-Protocol");
  const char *schema = soup_message_headers_get_one (headers, "Shuangti-Schema");
  const char *version = soup_message_headers_get_one (headers, "Shuangti-Server-Version");

  if (protocol != NULL)
    conn->server_protocol = (int) g_ascii_strtoll (protocol, NULL, 10);
  if (schema != NULL)
    conn->server_schema = (int) g_ascii_strtoll (schema, NULL, 10);
  if (version != NULL && g_strcmp0 (version, conn->server_version) != 0)
    {
      g_free (conn->server_version);
      conn->server_version = g_strdup (version);
    }
}

static gboolean
is_transient (guint status)
{
  return status == 408 || status == 429 || status == 502 || status == 503 || status == 504 || status == 500;
}

void
st_sync_set_http_error (Reply       *reply,
                        GError     **error)
{
  const char *code = reply->code != NULL ? reply->code : "";
  const char *message = reply->object != NULL
                        ? json_object_get_string_member_with_default (reply->object, "message", "")
                        : "";

  if (g_str_equal (code, "server_too_old") && reply->object != NULL)
    st_sync_set_too_old (error,
                         json_object_get_string_member_with_default (reply->object, "server_version", "?"),
                         (int) json_object_get_int_member_with_default (reply->object, "server_schema", 0),
                         (int) json_object_get_int_member_with_default (reply->object, "server_protocol", 1),
                         (int) json_object_get_int_member_with_default (reply->object, "client_schema", 0));
  else if (g_str_equal (code, "bad_credentials"))
    g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_BAD_CREDENTIALS, "%s", message);
  else if (g_str_equal (code, "account_disabled"))
    g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_ACCOUNT_DISABLED, "%s", message);
  else if (reply->status == 401)
    g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SIGN_IN_NEEDED, "%s", code);
  else if (reply->status == 429)
    g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_THROTTLED, "%" G_GINT64_FORMAT, reply->retry_after);
  else if (reply->status >= 500 || reply->status == 408 || reply->object == NULL)
    g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER, "HTTP %u %s %s", reply->status, code, message);
  else
    g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_REFUSED, "%s: %s", code, message);
}

static gboolean
cancellable_sleep (GCancellable *cancellable,
                   guint         ms)
{
  for (guint waited = 0; waited < ms; waited += 50)
    {
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      g_usleep (MIN (50, ms - waited) * 1000);
    }
  return !g_cancellable_is_cancelled (cancellable);
}

GBytes *
st_sync_gzip_bytes (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  gsize size;
  gconstpointer data = g_bytes_get_data (bytes, &size);

  if (!g_output_stream_write_all (out, data, size, NULL, NULL, NULL)
      || !g_output_stream_close (out, NULL, NULL))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* One request, once. FALSE with @error on a network failure; otherwise
 * TRUE and @reply holds the answer, whatever its status. */
static gboolean
accept_certificate (SoupMessage          *msg,
                    GTlsCertificate      *certificate,
                    GTlsCertificateFlags  errors,
                    gpointer              user_data)
{
  Conn *conn = user_data;
  g_autofree char *shown = st_sync_pin_of (certificate);

  /* Pinned: accepted when it is that certificate, whatever else is wrong
   * with it (self-signed, another name, a private CA). */
  if (conn->pin != NULL && g_strcmp0 (shown, conn->pin) == 0)
    return TRUE;
  g_free (conn->shown_pin);
  conn->shown_pin = g_steal_pointer (&shown);
  return FALSE;
}

static void
set_certificate_error (Conn    *conn,
                       GError **error)
{
  g_autoptr(GUri) uri = g_uri_parse (conn->server, G_URI_FLAGS_NONE, NULL);
  const char *host = uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : conn->server;

  if (conn->pin != NULL)
    g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CERTIFICATE_CHANGED,
                 /* Translators: the host, the fingerprint accepted before, the one shown now */
                 _("The certificate of %s is not the one this laptop accepted (%s): it now shows %s. "
                   "If the county office renewed it and gives you this new fingerprint, accept it; "
                   "otherwise do not sign in."),
                 host, conn->pin, conn->shown_pin);
  else
    g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CERTIFICATE,
                 /* Translators: the host, then its certificate's fingerprint */
                 _("The certificate of %s is not trusted by this laptop. It shows the fingerprint %s: "
                   "if that is the one the county office gave you, accept it."),
                 host, conn->shown_pin);
}

/* libsoup's session, trusting the CA file given besides the system's. */
static SoupSession *
session_new (Conn *conn)
{
  SoupSession *session = soup_session_new_with_options ("timeout", conn->options.timeout_s,
                                                        "user-agent", "Shuangti/" PACKAGE_VERSION " ",
                                                        NULL);

  if (conn->ca_file != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (conn->ca_file, &error);

      /* Unreadable now: the system's trust alone (and the pin). */
      if (database != NULL)
        soup_session_set_tls_database (session, database);
      else
        g_warning ("the certificate authorities file cannot be read: %s", error->message);
    }
  return session;
}

gboolean
st_sync_send_once (Conn        *conn,
                   const char  *method,
                   const char  *path,
                   GBytes      *body,       /* JSON, may be NULL */
                   gboolean     gzip,
                   gboolean     authorized,
                   Reply       *reply,
                   GError     **error)
{
  g_autofree char *uri = g_strconcat (conn->server, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GBytes) wire = NULL;
  g_autoptr(JsonParser) parser = NULL;
  SoupMessageHeaders *headers;
  const char *retry_after;

  st_sync_reply_clear (reply);
  if (msg == NULL)
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE, _("“%s” is not a server address."), conn->server);
      return FALSE;
    }
  /* A certificate the system does not trust: the pinned one passes; any
   * other is refused, and kept to be shown. */
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate), conn);
  headers = soup_message_get_request_headers (msg);
  /* What this laptop speaks, on every request: a server older than it
   * refuses it by name instead of refusing its changes one by one. */
  {
    g_autofree char *schema = g_strdup_printf ("%d", conn->schema);

    soup_message_headers_replace (headers, "Shuangti-Protocol", G_STRINGIFY (ST_SYNC_PROTOCOL));
    soup_message_headers_replace (headers, "Shuangti-Schema", schema);
    soup_message_headers_replace (headers, "Shuangti-Version", PACKAGE_VERSION);
  }
  if (authorized && conn->token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", conn->token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (body != NULL)
    {
      if (gzip == SEND_GZIPPED)
        wire = g_bytes_ref (body);
      else if (gzip && g_bytes_get_size (body) > 512)
        wire = st_sync_gzip_bytes (body);
      if (wire != NULL)
        soup_message_headers_replace (headers, "Content-Encoding", "gzip");
      else
        wire = g_bytes_ref (body);
      soup_message_set_request_body_from_bytes (msg, "application/json", wire);
    }

  if (st_sync_fault (conn, conn->options.faults ? conn->options.faults->drop_request : 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "dropped request (simulated)");
      return FALSE;
    }

  response = soup_session_send_and_read (conn->session, msg, conn->cancellable, error);
  if (conn->stats != NULL)
    {
      conn->stats->requests++;
      conn->stats->bytes_sent += strlen (method) + strlen (path) + 12 + headers_size (headers)
                                 + (wire != NULL ? (gint64) g_bytes_get_size (wire) : 0);
    }
  if (response == NULL)
    return FALSE;
  if (conn->stats != NULL)
    conn->stats->bytes_received += 16 + headers_size (soup_message_get_response_headers (msg))
                                   + (gint64) g_bytes_get_size (response);
  observe_server_time (conn, msg);
  observe_versions (conn, msg);

  if (st_sync_fault (conn, conn->options.faults ? conn->options.faults->drop_response : 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "lost response (simulated)");
      return FALSE;
    }

  reply->status = soup_message_get_status (msg);
  retry_after = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  reply->retry_after = retry_after != NULL ? g_ascii_strtoll (retry_after, NULL, 10) : 0;
  if (reply->raw && reply->status == SOUP_STATUS_OK)
    {
      reply->body = g_steal_pointer (&response);
      return TRUE;
    }
  parser = json_parser_new_immutable ();
  if (g_bytes_get_size (response) > 0
      && st_json_parser_load (parser, g_bytes_get_data (response, NULL),
                                     (gssize) g_bytes_get_size (response), NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      reply->root = json_node_ref (json_parser_get_root (parser));
      reply->object = json_node_get_object (reply->root);
      reply->code = json_object_get_string_member_with_default (reply->object, "code", NULL);
    }
  else if (SOUP_STATUS_IS_SUCCESSFUL (reply->status))
    {
      /* Every success of the API answers a JSON object: without one the
       * answer was cut short (a server process killed while it wrote it)
       * — as a lost answer, tried again. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                           _("The server’s answer was cut short; it will be asked again."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_network_error (const GError *error)
{
  return error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR
         || error->domain == SOUP_SESSION_ERROR;
}

/* A request with retries and back-off for what retrying can fix: network
 * failures, 408, 429, 5xx. Returns TRUE with @reply set for any other
 * status (success or not); FALSE with @error otherwise. */
gboolean
st_sync_request (Conn        *conn,
                 const char  *method,
                 const char  *path,
                 GBytes      *body,
                 gboolean     gzip,
                 gboolean     authorized,
                 Reply       *reply,
                 GError     **error)
{
  guint attempts = MAX (conn->options.attempts, 1);

  for (guint attempt = 1;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      guint wait_ms;

      if (st_sync_fault (conn, conn->options.faults ? conn->options.faults->duplicate : 0))
        {
          Reply ignored = { 0 };

          /* The same request twice: the first answer is lost. */
          st_sync_send_once (conn, method, path, body, gzip, authorized, &ignored, NULL);
          st_sync_reply_clear (&ignored);
        }

      if (st_sync_send_once (conn, method, path, body, gzip, authorized, reply, &local_error))
        {
          if (!is_transient (reply->status))
            return TRUE;
          if (attempt >= attempts)
            {
              st_sync_set_http_error (reply, error);
              return FALSE;
            }
          wait_ms = reply->retry_after > 0 ? (guint) MIN (reply->retry_after * 1000, 60000)
                                           : conn->options.retry_base_ms << MIN (attempt - 1, 6);
        }
      else
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CANCELLED, _("Cancelled"));
              return FALSE;
            }
          if (!is_network_error (local_error) || attempt >= attempts)
            {
              if (g_error_matches (local_error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) && conn->shown_pin != NULL)
                set_certificate_error (conn, error);
              else if (local_error->domain == G_TLS_ERROR)
                g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER, "%s", local_error->message);
              else
                g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE, "%s", local_error->message);
              return FALSE;
            }
          wait_ms = conn->options.retry_base_ms << MIN (attempt - 1, 6);
        }
      g_debug ("%s %s: attempt %u failed, again in %u ms", method, path, attempt, wait_ms);
      if (!cancellable_sleep (conn->cancellable, wait_ms))
        {
          g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CANCELLED, _("Cancelled"));
          return FALSE;
        }
    }
}

/* What changes when the database is restored from a backup (st-backup.c):
 * the backup's time and the restore's. */
static char *
restore_mark (StDb *db)
{
  g_autofree char *made = st_db_get_meta (db, "backup.made_at");
  g_autofree char *restored = st_db_get_meta (db, "sync.restored_at");

  return g_strdup_printf ("%s/%s", made ? made : "", restored ? restored : "");
}

/* Inside each transaction that writes sync bookkeeping: a restore during
 * the run replaced the outbox and the cursor this run works from, and its
 * acknowledgements or pages would go into another database (deleting
 * unsent changes that have the same sequence numbers, moving the cursor
 * past changes the restored database lacks). Rolls back and fails then;
 * the next run starts from the restored database's own state. */
gboolean
st_sync_check_not_restored (Conn    *conn,
                            GError **error)
{
  g_autofree char *mark = restore_mark (conn->db);

  if (g_strcmp0 (mark, conn->restore_mark) == 0)
    return TRUE;
  st_db_rollback (conn->db);
  g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_DATABASE,
                       _("The database was restored from a backup during the sync. Sync again."));
  return FALSE;
}

/* A server that states no version (protocol 1) said its schema at sign-in:
 * one older than this laptop's is refused here, by name. */
gboolean
st_sync_check_server_schema (Conn    *conn,
                             GError **error)
{
  int laptop = st_db_get_schema_version (conn->db);
  int server = conn->server_schema >= 0 ? conn->server_schema
                                        : (int) st_sync_meta_int (conn->db, "sync.server_schema", laptop);

  if (server >= laptop)
    return TRUE;
  st_sync_set_too_old (error, conn->server_version, server, MAX (conn->server_protocol, 1), laptop);
  return FALSE;
}

void
st_sync_conn_init (Conn                *conn,
                   StDb                *db,
                   const char          *server,
                   const char          *token,
                   const StSyncOptions *options,
                   StSyncStats         *stats,
                   GCancellable        *cancellable)
{
  memset (conn, 0, sizeof *conn);
  conn->db = db;
  conn->restore_mark = restore_mark (db);
  conn->server = normalize_server (server);
  conn->token = token;
  if (options != NULL)
    conn->options = *options;
  if (conn->options.max_batch == 0)
    conn->options.max_batch = 500;
  if (conn->options.max_batch_bytes == 0)
    conn->options.max_batch_bytes = 1024 * 1024;
  if (conn->options.pull_limit == 0)
    conn->options.pull_limit = 5000;
  if (conn->options.attempts == 0)
    conn->options.attempts = 4;
  if (conn->options.retry_base_ms == 0)
    conn->options.retry_base_ms = 1000;
  if (conn->options.timeout_s == 0)
    conn->options.timeout_s = 60;
  if (conn->options.faults != NULL)
    conn->rand = g_rand_new_with_seed (conn->options.faults->seed);
  conn->stats = stats;
  conn->cancellable = cancellable;
  conn->server_protocol = (int) st_sync_meta_int (db, "sync.server_protocol", 0);
  conn->server_schema = -1;
  /* Read here, on the thread that owns the connection: a page is fetched
   * on a thread of its own while the one before is applied, and the
   * laptop's database handle is not to be shared between threads. */
  conn->schema = st_db_get_schema_version (db);
  conn->pin = st_sync_get_pin (db, conn->server);
  conn->ca_file = st_sync_get_ca_file (db);
  conn->session = session_new (conn);
}

void
st_sync_conn_clear (Conn *conn)
{
  g_clear_object (&conn->session);
  g_clear_pointer (&conn->pin, g_free);
  g_clear_pointer (&conn->ca_file, g_free);
  g_clear_pointer (&conn->shown_pin, g_free);
  g_clear_pointer (&conn->server, g_free);
  g_clear_pointer (&conn->rand, g_rand_free);
  g_clear_pointer (&conn->last_push, g_bytes_unref);
  g_clear_pointer (&conn->restore_mark, g_free);
  g_clear_pointer (&conn->server_version, g_free);
}

GBytes *
st_sync_json_body (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize length;
  char *text = json_to_string (root, FALSE);

  length = strlen (text);
  return g_bytes_new_take (text, length);
}

void
st_sync_report (Conn        *conn,
                StSyncPhase  phase,
                gint64       done,
                gint64       total)
{
  StSyncProgress progress = { phase, done, total };

  if (conn->options.progress != NULL)
    conn->options.progress (&progress, conn->options.progress_data);
}

void
st_sync_conn_copy_for_thread (Conn        *copy,
                              const Conn  *conn,
                              StSyncStats *stats)
{
  *copy = *conn;
  copy->server = g_strdup (conn->server);
  copy->pin = g_strdup (conn->pin);
  copy->ca_file = g_strdup (conn->ca_file);
  copy->shown_pin = NULL;
  copy->session = session_new (copy);
  copy->rand = conn->rand != NULL ? g_rand_new_with_seed (g_rand_int (conn->rand)) : NULL;
  copy->last_push = NULL;
  copy->server_version = NULL;
  copy->stats = stats;
  copy->offset_changed = FALSE;
}

/* What the copy learnt goes back to @conn; the copy is cleared. */
void
st_sync_conn_merge_from_thread (Conn        *conn,
                                Conn        *copy,
                                StSyncStats *stats)
{
  if (conn->stats != NULL)
    {
      conn->stats->requests += stats->requests;
      conn->stats->bytes_sent += stats->bytes_sent;
      conn->stats->bytes_received += stats->bytes_received;
      if (stats->server_time > 0)
        conn->stats->server_time = stats->server_time;
    }
  conn->offset_changed |= copy->offset_changed;
  if (copy->server_protocol != conn->server_protocol && copy->server_protocol != 0)
    conn->server_protocol = copy->server_protocol;
  if (copy->server_schema >= 0)
    conn->server_schema = copy->server_schema;
  if (copy->server_version != NULL)
    {
      g_free (conn->server_version);
      conn->server_version = g_steal_pointer (&copy->server_version);
    }
  /* The certificate a thread's request met, for the message of its error. */
  if (copy->shown_pin != NULL)
    {
      g_free (conn->shown_pin);
      conn->shown_pin = g_steal_pointer (&copy->shown_pin);
    }
  g_clear_object (&copy->session);
  g_free (copy->server);
  g_free (copy->pin);
  g_free (copy->ca_file);
  g_clear_pointer (&copy->rand, g_rand_free);
}
