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
#include "st-sync-origin.h"
#include "st-sync-page.h"
#include "st-sync-pin.h"
#include "st-visit.h"

G_DEFINE_QUARK (st-sync-error-quark, st_sync_error)

/* The tables the feed may carry that this laptop keeps (any other is
 * skipped: a newer server may have more). */
static const char *const feed_tables[] = {
  "programs", "majors", "participants", "classes", "enrolments", "sessions",
  "attendance", "study_logs", "assignments", "assessments", "exemptions",
  "certificates", "review_items", "visits",
};

/* How close to the server's time a stamp must be (the server refuses more
 * than --max-clock-skew, 5 minutes by default, ahead of its clock). */
#define FUTURE_MARGIN_MS (60 * 1000)

/* ------------------------------------------------------------------------ */
/* Accounts                                                                 */

void
st_sync_account_free (StSyncAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->server);
  g_free (account->name);
  g_free (account->role);
  g_strfreev (account->townships);
  g_free (account->token);
  g_free (account);
}

static GStrv
strv_from_json_text (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text != NULL && st_json_parser_load (parser, text, -1, NULL)
      && JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      JsonArray *array = json_node_get_array (json_parser_get_root (parser));

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *s = json_array_get_string_element (array, i);

          if (s != NULL)
            g_strv_builder_add (builder, s);
        }
    }
  return g_strv_builder_end (builder);
}

static char *
json_text_from_array (JsonArray *array)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, array);
  return json_to_string (node, FALSE);
}

StSyncAccount *
st_sync_account_load (StDb *db)
{
  g_autofree char *server = st_db_get_meta (db, "sync.server");
  g_autofree char *name = st_db_get_meta (db, "sync.account");
  g_autofree char *townships = NULL;
  g_autofree char *all = NULL;
  StSyncAccount *account;

  if (server == NULL || name == NULL)
    return NULL;
  townships = st_db_get_meta (db, "sync.townships");
  all = st_db_get_meta (db, "sync.all_townships");
  account = g_new0 (StSyncAccount, 1);
  account->server = g_steal_pointer (&server);
  account->name = g_steal_pointer (&name);
  account->role = st_db_get_meta (db, "sync.role");
  account->townships = strv_from_json_text (townships);
  account->all_townships = g_strcmp0 (all, "1") == 0;
  return account;
}

/* Reads {"name", "role", "townships", "all_townships"} into the meta
 * table (inside the caller's transaction). */
static gboolean
store_account (StDb        *db,
               const char  *server,
               JsonObject  *account,
               GError     **error)
{
  JsonArray *townships = json_object_get_array_member (account, "townships");
  g_autofree char *townships_text = townships != NULL ? json_text_from_array (townships) : g_strdup ("[]");

  return st_db_set_meta (db, "sync.server", server, error)
         && st_db_set_meta (db, "sync.account", json_object_get_string_member_with_default (account, "name", ""), error)
         && st_db_set_meta (db, "sync.role", json_object_get_string_member_with_default (account, "role", ""), error)
         && st_db_set_meta (db, "sync.townships", townships_text, error)
         && st_db_set_meta (db, "sync.all_townships",
                            json_object_get_boolean_member_with_default (account, "all_townships", FALSE) ? "1" : "0",
                            error);
}

/* ------------------------------------------------------------------------ */
/* Transport                                                                */

typedef struct
{
  StDb                *db;
  SoupSession         *session;
  char                *server;
  const char          *token;
  StSyncOptions        options;
  StSyncStats         *stats;
  GCancellable        *cancellable;
  GRand               *rand;           /* faults */
  GBytes              *last_push;      /* for the replay fault */
  gboolean             offset_changed;
  char                *restore_mark;   /* restore_mark () when the run began */
  int                  server_protocol; /* from the answers' headers; 0: not stated (protocol 1) */
  int                  server_schema;   /* -1: not stated */
  char                *server_version;
  gboolean             origin_changed;  /* a pull met a restored or another server database */
  int                  schema;          /* the laptop's, read once: the fetch thread must not touch @db */
  char                *pin;            /* the certificate pinned for the server (st-sync-pin.h), or NULL */
  char                *ca_file;        /* certificate authorities trusted besides the system's */
  char                *shown_pin;      /* the untrusted certificate the server last showed */
} Conn;

typedef struct
{
  guint       status;
  JsonNode   *root;      /* NULL when the body is not JSON */
  JsonObject *object;    /* root's object, or NULL */
  const char *code;      /* of an error body */
  gint64      retry_after;
  gboolean    raw;       /* set by the caller: a 200 answer's body is kept in @body, not parsed */
  GBytes     *body;
} Reply;

static void
reply_clear (Reply *reply)
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

static gboolean
crash_at (Conn       *conn,
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

static gboolean
fault (Conn   *conn,
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

static void
set_http_error (Reply       *reply,
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

static GBytes *
gzip_bytes (GBytes *bytes)
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

/* @gzip of send_once () and request (): FALSE (0) sends the body as it is,
 * TRUE (1) gzips it, SEND_GZIPPED says it is gzipped already. */
#define SEND_GZIPPED 2

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

static gboolean
send_once (Conn        *conn,
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

  reply_clear (reply);
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
        wire = gzip_bytes (body);
      if (wire != NULL)
        soup_message_headers_replace (headers, "Content-Encoding", "gzip");
      else
        wire = g_bytes_ref (body);
      soup_message_set_request_body_from_bytes (msg, "application/json", wire);
    }

  if (fault (conn, conn->options.faults ? conn->options.faults->drop_request : 0))
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

  if (fault (conn, conn->options.faults ? conn->options.faults->drop_response : 0))
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
static gboolean
request (Conn        *conn,
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

      if (fault (conn, conn->options.faults ? conn->options.faults->duplicate : 0))
        {
          Reply ignored = { 0 };

          /* The same request twice: the first answer is lost. */
          send_once (conn, method, path, body, gzip, authorized, &ignored, NULL);
          reply_clear (&ignored);
        }

      if (send_once (conn, method, path, body, gzip, authorized, reply, &local_error))
        {
          if (!is_transient (reply->status))
            return TRUE;
          if (attempt >= attempts)
            {
              set_http_error (reply, error);
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
static gboolean
check_not_restored (Conn    *conn,
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

static gint64
meta_int_early (StDb       *db,
                const char *key,
                gint64      fallback)
{
  g_autofree char *value = st_db_get_meta (db, key);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : fallback;
}

static gboolean
set_meta_int_early (StDb        *db,
                    const char  *key,
                    gint64       value,
                    GError     **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return st_db_set_meta (db, key, text, error);
}

/* A server that states no version (protocol 1) said its schema at sign-in:
 * one older than this laptop's is refused here, by name. */
static gboolean
check_server_schema (Conn    *conn,
                     GError **error)
{
  int laptop = st_db_get_schema_version (conn->db);
  int server = conn->server_schema >= 0 ? conn->server_schema
                                        : (int) meta_int_early (conn->db, "sync.server_schema", laptop);

  if (server >= laptop)
    return TRUE;
  st_sync_set_too_old (error, conn->server_version, server, MAX (conn->server_protocol, 1), laptop);
  return FALSE;
}

static void
conn_init (Conn                *conn,
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
  conn->server_protocol = (int) meta_int_early (db, "sync.server_protocol", 0);
  conn->server_schema = -1;
  /* Read here, on the thread that owns the connection: a page is fetched
   * on a thread of its own while the one before is applied, and the
   * laptop's database handle is not to be shared between threads. */
  conn->schema = st_db_get_schema_version (db);
  conn->pin = st_sync_get_pin (db, conn->server);
  conn->ca_file = st_sync_get_ca_file (db);
  conn->session = session_new (conn);
}

static void
conn_clear (Conn *conn)
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

static GBytes *
json_body (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize length;
  char *text = json_to_string (root, FALSE);

  length = strlen (text);
  return g_bytes_new_take (text, length);
}

/* ------------------------------------------------------------------------ */
/* Sign in and out                                                          */

StSyncAccount *
st_sync_sign_in (StDb          *db,
                 const char    *server,
                 const char    *user,
                 const char    *password,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GBytes) body = NULL;
  g_autofree char *old_server = st_db_get_meta (db, "sync.server");
  g_autofree char *old_account = st_db_get_meta (db, "sync.account");
  StSyncOptions options = { .attempts = 2, .retry_base_ms = 500 };
  Reply reply = { 0 };
  Conn conn;
  StSyncAccount *account;
  JsonObject *account_object;
  gboolean ok;

  g_return_val_if_fail (ST_IS_DB (db), NULL);
  g_return_val_if_fail (server != NULL && user != NULL && password != NULL, NULL);

  if (!g_str_has_prefix (server, "http://") && !g_str_has_prefix (server, "https://"))
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE,
                   _("“%s” is not a server address: it must begin with https://."), server);
      return NULL;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "user");
  json_builder_add_string_value (b, user);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, password);
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, st_db_get_device_id (db));
  json_builder_set_member_name (b, "device_name");
  {
    g_autofree char *name = g_strdup_printf ("%s@%s", g_get_user_name (), g_get_host_name ());

    json_builder_add_string_value (b, name);
  }
  json_builder_end_object (b);
  body = json_body (b);

  conn_init (&conn, db, server, NULL, &options, NULL, cancellable);
  ok = request (&conn, "POST", "/api/v1/sign-in", body, FALSE, FALSE, &reply, error);
  if (ok && reply.status != 200)
    {
      set_http_error (&reply, error);
      ok = FALSE;
    }
  if (!ok)
    {
      reply_clear (&reply);
      conn_clear (&conn);
      return NULL;
    }

  account_object = json_object_get_object_member (reply.object, "account");
  if (account_object == NULL || !json_object_has_member (reply.object, "token"))
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER, "sign-in answer without token or account");
      reply_clear (&reply);
      conn_clear (&conn);
      return NULL;
    }
  /* A server older than this laptop would refuse its changes: say so now. */
  if (conn.server_schema < 0)
    conn.server_schema = (int) json_object_get_int_member_with_default (reply.object, "schema",
                                                                        st_db_get_schema_version (db));
  if (!check_server_schema (&conn, error))
    {
      reply_clear (&reply);
      conn_clear (&conn);
      return NULL;
    }

  /* Another server, or another account: the feed starts again (the rows
   * already here stay; rows outside the new scope go at the first pull). */
  ok = st_db_begin (db, error);
  if (ok && (g_strcmp0 (old_server, conn.server) != 0 || g_strcmp0 (old_account, user) != 0))
    ok = st_db_set_meta (db, "sync.cursor", NULL, error)
         && (g_strcmp0 (old_server, conn.server) == 0
             || (st_db_set_meta (db, "sync.epoch", NULL, error) && st_sync_origin_forget (db, error)));
  ok = ok && store_account (db, conn.server, account_object, error)
       && set_meta_int_early (db, "sync.server_schema", conn.server_schema, error)
       && set_meta_int_early (db, "sync.server_protocol", MAX (conn.server_protocol, 1), error);
  if (ok && conn.offset_changed)
    {
      g_autofree char *offset = g_strdup_printf ("%" G_GINT64_FORMAT, st_hlc_get_offset (st_db_get_clock (db)));

      ok = st_db_set_meta (db, "sync.clock_offset", offset, error);
    }
  if (ok)
    ok = st_db_commit (db, error);
  else
    st_db_rollback (db);
  if (!ok)
    {
      reply_clear (&reply);
      conn_clear (&conn);
      return NULL;
    }

  account = st_sync_account_load (db);
  account->token = g_strdup (json_object_get_string_member (reply.object, "token"));
  account->expires_at = json_object_get_int_member_with_default (reply.object, "expires_at", 0);
  reply_clear (&reply);
  conn_clear (&conn);
  return account;
}

gboolean
st_sync_sign_out (StDb          *db,
                  const char    *token,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *server = st_db_get_meta (db, "sync.server");
  gboolean ok;

  if (server != NULL && token != NULL)
    {
      StSyncOptions options = { .attempts = 1, .timeout_s = 10 };
      g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
      Reply reply = { 0 };
      Conn conn;

      /* Best effort: a laptop without network signs out too. */
      conn_init (&conn, db, server, token, &options, NULL, cancellable);
      request (&conn, "POST", "/api/v1/sign-out", body, FALSE, TRUE, &reply, NULL);
      reply_clear (&reply);
      conn_clear (&conn);
    }

  ok = st_db_begin (db, error)
       && st_db_set_meta (db, "sync.account", NULL, error)
       && st_db_set_meta (db, "sync.role", NULL, error)
       && st_db_set_meta (db, "sync.townships", NULL, error)
       && st_db_set_meta (db, "sync.all_townships", NULL, error);
  if (ok)
    return st_db_commit (db, error);
  st_db_rollback (db);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Database helpers                                                         */

/* Sets *@value to the first column of the first row unless it is NULL or
 * there is none; FALSE with @error set when it cannot be read. */
static gboolean
query_int (StDb        *db,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("reading the database"), error);
  return TRUE;
}

static gint64
meta_int (StDb       *db,
          const char *key,
          gint64      fallback)
{
  g_autofree char *value = st_db_get_meta (db, key);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : fallback;
}

static gboolean
set_meta_int (StDb        *db,
              const char  *key,
              gint64       value,
              GError     **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return st_db_set_meta (db, key, text, error);
}

gint64
st_sync_count_pending (StDb *db)
{
  return st_sync_count_pending_full (db, NULL);
}

gint64
st_sync_count_pending_full (StDb    *db,
                            GError **error)
{
  gint64 n = 0;

  if (!query_int (db, "SELECT count(*) FROM outbox", &n, error))
    return -1;
  return n;
}

gint64
st_sync_last_sync (StDb *db)
{
  return meta_int (db, "sync.last_sync_at", 0);
}

static gboolean
is_feed_table (const char *table)
{
  for (guint i = 0; i < G_N_ELEMENTS (feed_tables); i++)
    if (g_str_equal (feed_tables[i], table))
      return TRUE;
  return FALSE;
}

/* The columns of a synced table but its key, clock, device and tombstone. */
typedef struct
{
  char      *table;
  GPtrArray *columns;      /* char * */
  char      *upsert_sql;
  sqlite3_stmt *upsert;    /* prepared once per pull: a lookup of its text per entry cost more */
  gboolean   scoped;       /* has township_code */
  gboolean   review_items;
} TableInfo;

static void
table_info_free (TableInfo *info)
{
  g_free (info->table);
  g_ptr_array_unref (info->columns);
  g_free (info->upsert_sql);
  g_clear_pointer (&info->upsert, sqlite3_finalize);
  g_free (info);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TableInfo, table_info_free)

/* NULL with @error set when the table's columns cannot be read: a short
 * list would apply changes without some of their fields. */
static TableInfo *
table_info_new (StDb        *db,
                const char  *table,
                GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA table_info (%s)", table);
  g_autoptr(GString) names = g_string_new ("id, hlc, device, deleted");
  g_autoptr(GString) values = g_string_new ("?, ?, ?, ?");
  g_autoptr(GString) set = g_string_new ("hlc = excluded.hlc, device = excluded.device, deleted = excluded.deleted");
  g_autoptr(GString) differs = g_string_new (NULL);
  g_autoptr(TableInfo) info = g_new0 (TableInfo, 1);
  sqlite3_stmt *stmt = NULL;
  int rc;

  info->table = g_strdup (table);
  info->columns = g_ptr_array_new_with_free_func (g_free);
  info->review_items = g_str_equal (table, "review_items");
  rc = sqlite3_prepare_v2 (st_db_get_handle (db), sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *name = (const char *) sqlite3_column_text (stmt, 1);

          if (g_str_equal (name, "id") || g_str_equal (name, "hlc")
              || g_str_equal (name, "device") || g_str_equal (name, "deleted"))
            continue;
          g_ptr_array_add (info->columns, g_strdup (name));
          if (g_str_equal (name, "township_code"))
            info->scoped = TRUE;
          g_string_append_printf (names, ", %s", name);
          g_string_append (values, ", ?");
          g_string_append_printf (set, ", %s = excluded.%s", name, name);
          g_string_append_printf (differs, " OR excluded.%1$s IS NOT %2$s.%1$s", name, table);
        }
      sqlite3_finalize (stmt);
    }
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the laptop schema"), error);
      return NULL;
    }
  /* The remote state wins unless this laptop's row is newer: an edit made
   * here that is not pushed yet, which the server will merge. Under the
   * same row clock it wins too (a merge on the server may have filled
   * fields under this laptop's clock), but a row that already holds every
   * value is not written again: the rows a laptop pushed come back in its
   * next pull, and a feed read again from its beginning brings what the
   * laptop has. */
  info->upsert_sql = g_strdup_printf ("INSERT INTO %1$s (%2$s) VALUES (%3$s)"
                                      " ON CONFLICT (id) DO UPDATE SET %4$s"
                                      " WHERE excluded.hlc > %1$s.hlc"
                                      "    OR (excluded.hlc = %1$s.hlc AND (excluded.device > %1$s.device"
                                      "        OR (excluded.device = %1$s.device"
                                      "            AND (excluded.deleted IS NOT %1$s.deleted%5$s))))",
                                      table, names->str, values->str, set->str, differs->str);
  return g_steal_pointer (&info);
}

static void
bind_json (sqlite3_stmt *stmt,
           int           index,
           JsonNode     *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      sqlite3_bind_null (stmt, index);
      return;
    }
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_INT64)
        sqlite3_bind_int64 (stmt, index, json_node_get_int (node));
      else if (type == G_TYPE_BOOLEAN)
        sqlite3_bind_int (stmt, index, json_node_get_boolean (node));
      else if (type == G_TYPE_DOUBLE)
        sqlite3_bind_double (stmt, index, json_node_get_double (node));
      else
        sqlite3_bind_text (stmt, index, json_node_get_string (node), -1, SQLITE_TRANSIENT);
      return;
    }
  {
    g_autofree char *text = json_to_string (node, FALSE);

    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  }
}

/* ------------------------------------------------------------------------ */
/* Restamping changes a wrong system date put into the future               */

static gboolean
restamp_future (Conn    *conn,
                GError **error)
{
  StDb *db = conn->db;
  StHlc *clock = st_db_get_clock (db);
  gint64 server_now = st_hlc_physical (clock) + st_hlc_get_offset (clock);
  guint64 limit = ST_HLC_PACK (server_now + FUTURE_MARGIN_MS, 0);
  g_autoptr(GHashTable) renamed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  sqlite3_stmt *stmt;
  guint64 high = 0;
  gboolean ok;

  g_message ("the server refused clock stamps in its future: restamping this laptop's unsent changes");
  if (!st_db_begin (db, error) || !check_not_restored (conn, error))
    return FALSE;

  /* Every stamp this laptop legitimately has, the new ones must exceed. */
  stmt = st_db_prepare (db, "SELECT max(hlc) FROM audit_log WHERE hlc < ?", error);
  ok = stmt != NULL;
  if (ok)
    {
      int rc;

      sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) limit);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        high = (guint64) sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        ok = st_db_set_error (db, rc, _("restamping changes"), error);
    }
  {
    guint64 seen = (guint64) meta_int (db, "hlc_seen", 0);

    if (seen < limit)
      high = MAX (high, seen);
  }
  st_hlc_reset (clock, high);

  stmt = ok ? st_db_prepare (db,
                             "SELECT a.id, a.tbl, a.row_id, a.hlc, a.base_hlc FROM outbox o"
                             " JOIN audit_log a ON a.id = o.audit_id WHERE a.hlc >= ? ORDER BY a.id",
                             error) : NULL;
  ok = stmt != NULL;
  if (ok)
    {
      g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func (g_free);
      int rc = SQLITE_DONE;

      sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) limit);
      st_db_set_applying_remote (db, TRUE);
      while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          const char *table = (const char *) sqlite3_column_text (stmt, 1);
          const char *row = (const char *) sqlite3_column_text (stmt, 2);
          gint64 old_hlc = sqlite3_column_int64 (stmt, 3);
          gint64 base = sqlite3_column_int64 (stmt, 4);
          gboolean has_base = sqlite3_column_type (stmt, 4) != SQLITE_NULL;
          gint64 new_hlc = (gint64) st_hlc_next (clock);
          gint64 *mapped = has_base ? g_hash_table_lookup (renamed, &base) : NULL;
          g_autofree char *sql = NULL;
          sqlite3_stmt *update;

          if (!is_feed_table (table))
            continue;
          if (mapped != NULL)
            base = *mapped;
          g_hash_table_insert (renamed, g_memdup2 (&old_hlc, sizeof old_hlc), g_memdup2 (&new_hlc, sizeof new_hlc));
          if (has_base)
            g_ptr_array_add (updates, g_strdup_printf ("UPDATE audit_log SET hlc = %" G_GINT64_FORMAT
                                                       ", base_hlc = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT,
                                                       new_hlc, base, id));
          else
            g_ptr_array_add (updates, g_strdup_printf ("UPDATE audit_log SET hlc = %" G_GINT64_FORMAT
                                                       " WHERE id = %" G_GINT64_FORMAT, new_hlc, id));
          sql = g_strdup_printf ("UPDATE %s SET hlc = ? WHERE id = ? AND hlc = ?", table);
          update = st_db_prepare (db, sql, error);
          ok = update != NULL;
          if (ok)
            {
              sqlite3_bind_int64 (update, 1, new_hlc);
              sqlite3_bind_text (update, 2, row, -1, SQLITE_TRANSIENT);
              sqlite3_bind_int64 (update, 3, old_hlc);
              ok = sqlite3_step (update) == SQLITE_DONE || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)),
                                                                           _("restamping changes"), error);
              sqlite3_reset (update);
            }
        }
      sqlite3_reset (stmt);
      /* An unreadable outbox is not an outbox restamped. */
      if (ok && rc != SQLITE_DONE)
        ok = st_db_set_error (db, rc, _("restamping changes"), error);
      for (guint i = 0; ok && i < updates->len; i++)
        ok = st_db_exec (db, g_ptr_array_index (updates, i), error);
      st_db_set_applying_remote (db, FALSE);
    }
  {
    g_autofree char *offset = g_strdup_printf ("%" G_GINT64_FORMAT, st_hlc_get_offset (clock));

    ok = ok && st_db_set_meta (db, "sync.clock_offset", offset, error)
         && set_meta_int (db, "hlc_seen", (gint64) high, error);
  }
  if (ok)
    return st_db_commit (db, error);
  st_db_rollback (db);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Push                                                                     */

static void
report (Conn        *conn,
        StSyncPhase  phase,
        gint64       done,
        gint64       total)
{
  StSyncProgress progress = { phase, done, total };

  if (conn->options.progress != NULL)
    conn->options.progress (&progress, conn->options.progress_data);
}

static gboolean
has_meta (StDb       *db,
          const char *key)
{
  g_autofree char *value = st_db_get_meta (db, key);

  return value != NULL;
}

/* Before the first push: is this laptop's memory of what it sent behind
 * the server's (restored from a backup)? Then its sequence numbers may be
 * reused: push under a new epoch. */
static gboolean
check_device (Conn    *conn,
              GError **error)
{
  Reply reply = { 0 };
  JsonObject *device;
  gint64 epoch = meta_int (conn->db, "sync.epoch", 0);
  gint64 new_epoch = epoch;

  JsonObject *origin;
  gboolean origin_changed;
  gint64 replay_after = -1;

  if (!request (conn, "GET", "/api/v1/device", NULL, FALSE, TRUE, &reply, error))
    return FALSE;
  if (reply.status != 200)
    {
      set_http_error (&reply, error);
      reply_clear (&reply);
      return FALSE;
    }
  if (!check_server_schema (conn, error))
    {
      reply_clear (&reply);
      return FALSE;
    }
  origin = json_object_get_object_member (reply.object, "server");
  origin_changed = st_sync_origin_changed (conn->db, origin) || conn->origin_changed;
  device = json_object_get_object_member (reply.object, "device");
  if (device != NULL)
    {
      gint64 server_epoch = json_object_get_int_member_with_default (device, "epoch", 0);
      gint64 acked = json_object_get_int_member_with_default (device, "acked_seq", 0);
      gint64 high = 0;

      if (!query_int (conn->db, "SELECT max(id) FROM audit_log", &high, error))
        {
          reply_clear (&reply);
          return FALSE;
        }
      if (server_epoch > epoch)
        new_epoch = server_epoch + 1;
      else if (server_epoch == epoch && high < acked)
        new_epoch = epoch + 1;
      /* The server was restored from a backup (or is another database):
       * what it acknowledged since that backup is gone. It still has what
       * it acknowledged up to acked_seq of this epoch; the rest of this
       * laptop's history goes again (the server knows a change it has by
       * its row, device and clock: nothing is applied twice). */
      if (origin_changed)
        replay_after = server_epoch == epoch && new_epoch == epoch ? acked : 0;
    }
  else if (origin_changed)
    replay_after = 0;
  if (new_epoch != epoch || replay_after >= 0
      || (origin != NULL && !has_meta (conn->db, "sync.server_id")))
    {
      gboolean ok;

      if (new_epoch != epoch)
        g_message ("this laptop's database is older than what the server has from it (restored from a backup?):"
                   " sending under epoch %" G_GINT64_FORMAT, new_epoch);
      if (!st_db_begin (conn->db, error) || !check_not_restored (conn, error))
        {
          reply_clear (&reply);
          return FALSE;
        }
      ok = new_epoch == epoch || set_meta_int (conn->db, "sync.epoch", new_epoch, error);
      if (ok && replay_after >= 0)
        {
          gint64 queued = st_sync_requeue_own (conn->db, replay_after, error);

          ok = queued >= 0;
          if (ok)
            g_message ("the server was restored from a backup: sending again %" G_GINT64_FORMAT
                       " changes of this laptop it may have lost", queued);
        }
      ok = ok && st_sync_origin_store (conn->db, origin, error);
      reply_clear (&reply);
      if (!ok)
        {
          st_db_rollback (conn->db);
          return FALSE;
        }
      if (!st_db_commit (conn->db, error))
        return FALSE;
      conn->origin_changed = FALSE;
      return TRUE;
    }
  reply_clear (&reply);
  return TRUE;
}

/* The next batch of the outbox after @after, as a push body. */
static GBytes *
build_batch (Conn     *conn,
             gint64    after,
             guint     max_changes,
             gint64   *last_seq,
             guint    *n_changes,
             GError  **error)
{
  sqlite3_stmt *stmt = st_db_prepare (conn->db,
                                      "SELECT a.id, a.tbl, a.row_id, a.op, a.hlc, a.base_hlc, a.new"
                                      " FROM outbox o JOIN audit_log a ON a.id = o.audit_id"
                                      " WHERE o.audit_id > ? ORDER BY o.audit_id LIMIT ?",
                                      error);
  GString *body;
  guint n = 0;
  int rc;

  if (stmt == NULL)
    return NULL;
  body = g_string_sized_new (64 * 1024);
  g_string_append_printf (body, "{\"epoch\":%" G_GINT64_FORMAT ",\"changes\":[", meta_int (conn->db, "sync.epoch", 0));
  sqlite3_bind_int64 (stmt, 1, after);
  sqlite3_bind_int (stmt, 2, (int) max_changes);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 1);
      const char *fields = (const char *) sqlite3_column_text (stmt, 6);

      /* A change that would take the batch over its size waits for the
       * next one: so a change larger than a batch goes alone, and a server
       * that refuses it (413) refuses nothing else with it. */
      if (n > 0 && body->len + (fields != NULL ? strlen (fields) : 0) > conn->options.max_batch_bytes)
        break;
      *last_seq = sqlite3_column_int64 (stmt, 0);
      g_string_append_printf (body, "%s{\"seq\":%" G_GINT64_FORMAT ",\"table\":\"%s\",\"row\":\"%s\",\"kind\":\"%s\","
                              "\"hlc\":%" G_GINT64_FORMAT ",\"base_hlc\":",
                              n ? "," : "", *last_seq, table, sqlite3_column_text (stmt, 2),
                              sqlite3_column_text (stmt, 3), (gint64) sqlite3_column_int64 (stmt, 4));
      if (sqlite3_column_type (stmt, 5) == SQLITE_NULL)
        g_string_append (body, "null");
      else
        g_string_append_printf (body, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 5));
      g_string_append_printf (body, ",\"fields\":%s}", fields != NULL ? fields : "{}");
      n++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      g_string_free (body, TRUE);
      st_db_set_error (conn->db, rc, _("reading the changes to send"), error);
      return NULL;
    }
  g_string_append (body, "]}");
  *n_changes = n;
  return g_string_free_to_bytes (body);
}

static char *row_label (StDb       *db,
                        const char *table,
                        const char *row);

/* A change the server refused is kept for the clerk to see, and undone
 * here so that this laptop shows what the server holds, unless @keep: a
 * change refused for good for what it holds (too large, a value the server
 * does not take) keeps its values on this laptop, to be dealt with. */
static gboolean
refuse_change (Conn        *conn,
               gint64       seq,
               JsonObject  *result,
               gboolean     keep,
               GError     **error)
{
  StDb *db = conn->db;
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT tbl, row_id, op, hlc, base_hlc, old, base_device FROM audit_log WHERE id = ?",
                                      error);
  g_autofree char *table = NULL;
  g_autofree char *row = NULL;
  g_autofree char *op = NULL;
  g_autofree char *old = NULL;
  g_autofree char *township = NULL;
  g_autofree char *label = NULL;
  g_autofree char *base_device = NULL;
  gint64 hlc = 0, base = 0;
  gboolean ok = TRUE;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      table = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      op = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      hlc = sqlite3_column_int64 (stmt, 3);
      base = sqlite3_column_int64 (stmt, 4);
      old = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      base_device = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("saving a refused change"), error);
  if (table == NULL || !is_feed_table (table))
    return TRUE;

  {
    g_autofree char *sql = g_strdup_printf ("SELECT township_code FROM %s WHERE id = ?", table);
    sqlite3_stmt *q = g_str_equal (table, "programs") || g_str_equal (table, "majors")
                      ? NULL : st_db_prepare (db, sql, NULL);

    if (q != NULL)
      {
        sqlite3_bind_text (q, 1, row, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step (q);
        if (rc == SQLITE_ROW && sqlite3_column_type (q, 0) != SQLITE_NULL)
          township = g_strdup ((const char *) sqlite3_column_text (q, 0));
        sqlite3_reset (q);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
          return st_db_set_error (db, rc, _("saving a refused change"), error);
      }
  }

  label = row_label (db, table, row);
  stmt = st_db_prepare (db,
                        "INSERT INTO sync_refusals (at, seq, tbl, row_id, township_code, status, code, message, label)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / 1000);
  sqlite3_bind_int64 (stmt, 2, seq);
  sqlite3_bind_text (stmt, 3, table, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, row, -1, SQLITE_TRANSIENT);
  st_db_bind_text (stmt, 5, township);
  sqlite3_bind_int64 (stmt, 6, json_object_get_int_member_with_default (result, "status", 403));
  sqlite3_bind_text (stmt, 7, json_object_get_string_member_with_default (result, "code", "refused"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, json_object_get_string_member_with_default (result, "message", ""), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, label, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    ok = st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("saving a refused change"), error);
  sqlite3_reset (stmt);
  if (!ok || keep)
    return ok;

  /* Undo it, unless a later change of this laptop is on top. */
  st_db_set_applying_remote (db, TRUE);
  if (g_strcmp0 (op, "insert") == 0)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE id = ? AND hlc = ?", table);

      stmt = st_db_prepare (db, sql, error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, row, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 2, hlc);
          ok = sqlite3_step (stmt) == SQLITE_DONE
               || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("undoing a refused change"), error);
          sqlite3_reset (stmt);
        }
    }
  else if (old != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(TableInfo) info = NULL;

      if (st_json_parser_load (parser, old, -1, NULL) && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *values = json_node_get_object (json_parser_get_root (parser));
          g_autoptr(GString) sql = g_string_new (NULL);
          g_autoptr(GPtrArray) bound = g_ptr_array_new ();
          GList *members = json_object_get_members (values);

          info = table_info_new (db, table, error);
          if (info == NULL)
            {
              g_list_free (members);
              st_db_set_applying_remote (db, FALSE);
              return FALSE;
            }
          g_string_append_printf (sql, "UPDATE %s SET hlc = ?, device = ?", table);
          for (GList *l = members; l != NULL; l = l->next)
            {
              gboolean known = g_str_equal (l->data, "deleted");

              for (guint i = 0; !known && i < info->columns->len; i++)
                known = g_str_equal (g_ptr_array_index (info->columns, i), l->data);
              if (!known)
                continue;
              g_string_append_printf (sql, ", %s = ?", (const char *) l->data);
              g_ptr_array_add (bound, l->data);
            }
          g_string_append (sql, " WHERE id = ? AND hlc = ?");
          stmt = st_db_prepare (db, sql->str, error);
          ok = stmt != NULL;
          if (ok)
            {
              int index = 1;

              sqlite3_bind_int64 (stmt, index++, base);
              /* The clock the server holds: the row's before this change. */
              sqlite3_bind_text (stmt, index++, base_device != NULL ? base_device : "", -1, SQLITE_TRANSIENT);
              for (guint i = 0; i < bound->len; i++)
                bind_json (stmt, index++, json_object_get_member (values, g_ptr_array_index (bound, i)));
              sqlite3_bind_text (stmt, index++, row, -1, SQLITE_TRANSIENT);
              sqlite3_bind_int64 (stmt, index++, hlc);
              ok = sqlite3_step (stmt) == SQLITE_DONE
                   || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("undoing a refused change"), error);
              sqlite3_reset (stmt);
            }
          g_list_free (members);
        }
    }
  st_db_set_applying_remote (db, FALSE);
  return ok;
}

/* Applies the per-change results of a push: every result acknowledges its
 * change, in one transaction. */
static gboolean
acknowledge (Conn       *conn,
             JsonArray  *results,
             GError    **error)
{
  StDb *db = conn->db;
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!st_db_begin (db, error) || !check_not_restored (conn, error))
    return FALSE;
  stmt = st_db_prepare (db, "DELETE FROM outbox WHERE audit_id = ?", error);
  ok = stmt != NULL;
  for (guint i = 0; ok && i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      const char *what = result != NULL ? json_object_get_string_member_with_default (result, "result", "") : "";
      gint64 seq = result != NULL ? json_object_get_int_member_with_default (result, "seq", -1) : -1;

      /* A change refused before, whose answer was lost (a retried
       * request): the refusal all the same, as the server kept it. */
      if (g_str_equal (what, "duplicate")
          && g_strcmp0 (json_object_get_string_member_with_default (result, "original", NULL), "rejected") == 0)
        what = "rejected";

      if (seq < 0)
        continue;
      if (g_str_equal (what, "rejected") && g_strcmp0 (json_object_get_string_member_with_default (result, "code", NULL),
                                                       "unknown_row") == 0)
        {
          /* The server does not have the row this change updates (it lost
           * it, or never got it): send it again whole. */
            {
              sqlite3_stmt *q = st_db_prepare (db, "SELECT tbl, row_id FROM audit_log WHERE id = ?", error);
              g_autofree char *table = NULL;
              g_autofree char *row = NULL;

              ok = q != NULL;
              if (ok)
                {
                  int rc;

                  sqlite3_bind_int64 (q, 1, seq);
                  rc = sqlite3_step (q);
                  if (rc == SQLITE_ROW)
                    {
                      table = g_strdup ((const char *) sqlite3_column_text (q, 0));
                      row = g_strdup ((const char *) sqlite3_column_text (q, 1));
                    }
                  sqlite3_reset (q);
                  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                    ok = st_db_set_error (db, rc, _("saving a change to send"), error);
                }
              if (ok && table != NULL && is_feed_table (table) && !g_str_equal (table, "review_items"))
                {
                  g_autoptr(TableInfo) info = table_info_new (db, table, error);
                  g_autoptr(GString) object = g_string_new ("json_object ('deleted', deleted");
                  g_autofree char *sql = NULL;

                  ok = info != NULL;
                  for (guint c = 0; ok && c < info->columns->len; c++)
                    g_string_append_printf (object, ", '%s', %s", (char *) g_ptr_array_index (info->columns, c),
                                            (char *) g_ptr_array_index (info->columns, c));
                  g_string_append (object, ")");
                  sql = !ok ? NULL : g_strdup_printf ("INSERT INTO audit_log (at, actor, device, tbl, row_id, op, hlc, base_hlc, old, new)"
                                         " SELECT st_now_ms (), st_actor (), st_device (), '%s', id, 'insert', hlc, NULL, NULL, %s"
                                         " FROM %s WHERE id = ?", table, object->str, table);
                  q = ok ? st_db_prepare (db, sql, error) : NULL;
                  ok = q != NULL;
                  if (ok)
                    {
                      sqlite3_bind_text (q, 1, row, -1, SQLITE_TRANSIENT);
                      ok = sqlite3_step (q) == SQLITE_DONE
                           || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("saving a change to send"), error);
                      sqlite3_reset (q);
                    }
                  ok = ok && st_db_exec (db, "INSERT INTO outbox (audit_id) SELECT last_insert_rowid () WHERE changes () > 0", error);
                }
            }
        }
      else if (g_str_equal (what, "rejected"))
        {
          if (conn->stats != NULL)
            conn->stats->rejected++;
          ok = refuse_change (conn, seq, result, FALSE, error);
        }
      else if (conn->stats != NULL)
        {
          if (g_str_equal (what, "applied"))
            conn->stats->applied++;
          else if (g_str_equal (what, "duplicate"))
            conn->stats->duplicates++;
          else if (g_str_equal (what, "conflict"))
            conn->stats->conflicts++;
        }
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, seq);
          ok = sqlite3_step (stmt) == SQLITE_DONE
               || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("acknowledging sent changes"), error);
          sqlite3_reset (stmt);
          if (conn->stats != NULL)
            conn->stats->pushed++;
        }
    }
  if (ok && crash_at (conn, "sync-push-before-ack", error))
    ok = FALSE;
  if (ok)
    return st_db_commit (db, error);
  st_db_rollback (db);
  return FALSE;
}

static gint64
query_int_2 (StDb       *db,
             const char *sql,
             gint64      a,
             gint64      b)
{
  sqlite3_stmt *stmt = st_db_prepare (db, sql, NULL);
  gint64 value = -1;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

/* A request the server refuses for what its changes hold
 * (docs/sync-protocol.md): sending it again cannot help, and with a single
 * change in it, that change is the reason. A 400 names the change by its
 * seq, except when the body is not JSON (bytes that are not UTF-8 in a
 * value); a 400 about the request as a whole (a member this client should
 * not send) is a bug that no change should be set aside for, and a clock in
 * the server's future is corrected instead. */
static gboolean
refused_for_good (const Reply *reply)
{
  if (reply->status == 413 || reply->status == 422)
    return TRUE;
  if (reply->status != 400 || g_strcmp0 (reply->code, "clock_in_future") == 0)
    return FALSE;
  return (reply->object != NULL && json_object_get_int_member_with_default (reply->object, "seq", -1) > 0)
         || g_strcmp0 (reply->code, "malformed_json") == 0;
}

/* The change @seq, refused alone for good, leaves the outbox and becomes a
 * review item, in one transaction; its values stay on this laptop. */
static gboolean
set_aside (Conn         *conn,
           gint64        seq,
           const Reply  *reply,
           GError      **error)
{
  g_autoptr(JsonObject) result = json_object_new ();
  const char *message = reply->object != NULL
                        ? json_object_get_string_member_with_default (reply->object, "message", "") : "";
  sqlite3_stmt *stmt;
  gboolean ok;

  g_message ("the server refused change %" G_GINT64_FORMAT " for good (%u %s): set aside for review",
             seq, reply->status, reply->code != NULL ? reply->code : "");
  json_object_set_int_member (result, "status", reply->status);
  json_object_set_string_member (result, "code", reply->code != NULL ? reply->code
                                                 : reply->status == 413 ? "body_too_large" : "refused");
  json_object_set_string_member (result, "message", message);

  if (!st_db_begin (conn->db, error))
    return FALSE;
  ok = refuse_change (conn, seq, result, TRUE, error);
  if (ok)
    {
      stmt = st_db_prepare (conn->db, "DELETE FROM outbox WHERE audit_id = ?", error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, seq);
          ok = sqlite3_step (stmt) == SQLITE_DONE
               || st_db_set_error (conn->db, sqlite3_errcode (st_db_get_handle (conn->db)),
                                   _("acknowledging sent changes"), error);
          sqlite3_reset (stmt);
        }
    }
  if (ok && crash_at (conn, "sync-set-aside-before-commit", error))
    ok = FALSE;
  if (!ok)
    {
      st_db_rollback (conn->db);
      return FALSE;
    }
  if (!st_db_commit (conn->db, error))
    return FALSE;
  if (conn->stats != NULL)
    {
      conn->stats->pushed++;
      conn->stats->rejected++;
    }
  return TRUE;
}

/* A push request on a thread of its own, so that this laptop
 * acknowledges the batch before and prepares the batch after while the
 * server works on it. Still one request at a time: the next is sent only
 * once this one is answered. The copy of the connection has its own
 * session, random generator and counters, and never touches the database. */
typedef struct
{
  Conn         conn;
  StSyncStats  stats;
  GBytes      *body;
  Reply        reply;
  gboolean     ok;
  GError      *error;
  GThread     *thread;
} Send;

static gpointer
send_run (gpointer data)
{
  Send *send = data;

  send->ok = request (&send->conn, "POST", "/api/v1/push", send->body, SEND_GZIPPED, TRUE, &send->reply, &send->error);
  return NULL;
}

static void
conn_copy_for_thread (Conn        *copy,
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
static void
conn_merge_from_thread (Conn        *conn,
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

static Send *
send_start (Conn   *conn,
            GBytes *body)
{
  Send *send = g_new0 (Send, 1);

  conn_copy_for_thread (&send->conn, conn, &send->stats);
  send->body = g_bytes_ref (body);
  send->thread = g_thread_new ("st-sync-push", send_run, send);
  return send;
}

/* Waits for the request; its answer moves to @reply. */
static gboolean
send_finish (Send    *send,
             Conn    *conn,
             Reply   *reply,
             GError **error)
{
  gboolean ok;

  g_thread_join (send->thread);
  ok = send->ok;
  if (ok)
    *reply = send->reply;
  else
    {
      reply_clear (&send->reply);
      g_propagate_error (error, g_steal_pointer (&send->error));
    }
  conn_merge_from_thread (conn, &send->conn, &send->stats);
  g_clear_error (&send->error);
  g_bytes_unref (send->body);
  g_free (send);
  return ok;
}

/* A batch read from the outbox and gzipped, ready to send. */
typedef struct
{
  GBytes  *wire;
  gint64   after;          /* built from the outbox after this seq */
  guint    max_changes;    /* with this limit */
  gint64   last;
  guint    n;
} Batch;

/* Frees the bytes; what the batch held (@n, @last) stays readable. */
static void
batch_clear (Batch *batch)
{
  g_clear_pointer (&batch->wire, g_bytes_unref);
}

static gboolean
batch_build (Conn     *conn,
             Batch    *batch,
             gint64    after,
             guint     max_changes,
             GError  **error)
{
  g_autoptr(GBytes) body = NULL;

  batch_clear (batch);
  batch->n = 0;
  batch->after = after;
  batch->max_changes = max_changes;
  batch->last = after;
  body = build_batch (conn, after, max_changes, &batch->last, &batch->n, error);
  if (body == NULL)
    return FALSE;
  batch->wire = gzip_bytes (body);
  if (batch->wire == NULL)
    {
      g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_DATABASE, "compressing a batch failed");
      return FALSE;
    }
  return TRUE;
}

static gboolean
push (Conn    *conn,
      GError **error)
{
  gint64 total = st_sync_count_pending_full (conn->db, error);
  gint64 done = 0;
  gint64 after = 0;
  guint max_changes = conn->options.max_batch;
  guint restamps = 0, epochs = 0;
  Batch next = { 0 };
  Reply answered = { 0 };     /* a 200 answer not acknowledged yet */
  gboolean ok = TRUE;

  if (total < 0)
    return FALSE;
  if (total == 0)
    return TRUE;
  if (!check_device (conn, error))
    return FALSE;
  report (conn, ST_SYNC_PHASE_PUSHING, 0, total);

  while (ok)
    {
      Batch batch = { 0 };
      Reply reply = { 0 };
      Send *send;

      if (g_cancellable_is_cancelled (conn->cancellable))
        {
          g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CANCELLED, _("Cancelled"));
          ok = FALSE;
          break;
        }
      /* The batch prepared while the last request was answered, if it is
       * still the one to send. */
      if (next.wire != NULL && next.after == after && next.max_changes == max_changes)
        {
          batch = next;
          next = (Batch) { 0 };
        }
      else
        {
          batch_clear (&next);
          if (!batch_build (conn, &batch, after, max_changes, error))
            {
              batch_clear (&batch);
              ok = FALSE;
              break;
            }
        }
      if (batch.n == 0)
        {
          batch_clear (&batch);
          break;
        }

      if (conn->last_push != NULL && fault (conn, conn->options.faults ? conn->options.faults->replay : 0))
        {
          Reply ignored = { 0 };

          /* An earlier request arriving late. */
          send_once (conn, "POST", "/api/v1/push", conn->last_push, SEND_GZIPPED, TRUE, &ignored, NULL);
          reply_clear (&ignored);
        }
      send = send_start (conn, batch.wire);
      /* Meanwhile: the answer before is acknowledged, the batch after is
       * read and gzipped. A crash before the acknowledgement sends those
       * changes again: duplicates, harmless. */
      if (answered.object != NULL)
        {
          JsonArray *results = json_object_get_array_member (answered.object, "results");

          ok = acknowledge (conn, results, error);
          reply_clear (&answered);
        }
      if (ok && !batch_build (conn, &next, batch.last, max_changes, error))
        ok = FALSE;
      if (!send_finish (send, conn, &reply, ok ? error : NULL) || !ok)
        {
          batch_clear (&batch);
          reply_clear (&reply);
          ok = FALSE;
          break;
        }
      g_clear_pointer (&conn->last_push, g_bytes_unref);
      conn->last_push = g_bytes_ref (batch.wire);
      batch_clear (&batch);

      if (reply.status == 200)
        {
          if (json_object_get_array_member (reply.object, "results") == NULL)
            {
              g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER, "push answer without results");
              reply_clear (&reply);
              ok = FALSE;
              break;
            }
          answered = reply;
          done += batch.n;
          report (conn, ST_SYNC_PHASE_PUSHING, MIN (done, total), MAX (total, done));
          /* Changes added to the outbox meanwhile have higher sequence
           * numbers; a change re-queued whole (unknown_row) too. */
          after = batch.last;
          continue;
        }
      batch_clear (&next);

      if (reply.status == 409 && epochs++ < 3
          && (g_strcmp0 (reply.code, "sequence_reused") == 0 || g_strcmp0 (reply.code, "stale_epoch") == 0))
        {
          reply_clear (&reply);
          g_message ("the server knows these sequence numbers from before: sending under a new epoch");
          if (!st_db_begin (conn->db, error) || !check_not_restored (conn, error))
            {
              ok = FALSE;
              break;
            }
          if (!set_meta_int (conn->db, "sync.epoch", meta_int (conn->db, "sync.epoch", 0) + 1, error))
            {
              st_db_rollback (conn->db);
              ok = FALSE;
              break;
            }
          ok = st_db_commit (conn->db, error) && check_device (conn, error);
          continue;
        }
      if (reply.status == 400 && g_strcmp0 (reply.code, "clock_in_future") == 0 && restamps++ < 3)
        {
          reply_clear (&reply);
          ok = restamp_future (conn, error);
          continue;
        }
      if (refused_for_good (&reply))
        {
          gint64 named = reply.object != NULL ? json_object_get_int_member_with_default (reply.object, "seq", -1) : -1;
          gint64 position = -1;

          if (batch.n == 1)
            {
              /* Refused alone: it never blocks the changes after it. */
              ok = set_aside (conn, batch.last, &reply, error);
              reply_clear (&reply);
              if (!ok)
                break;
              done += 1;
              report (conn, ST_SYNC_PHASE_PUSHING, MIN (done, total), MAX (total, done));
              after = batch.last;
              max_changes = conn->options.max_batch;
              continue;
            }
          /* Send the changes before the one the server names, then that one
           * alone; without a name (413), halve the batch until it is alone. */
          if (named > after && named <= batch.last)
            position = query_int_2 (conn->db, "SELECT count(*) FROM outbox WHERE audit_id > ? AND audit_id < ?",
                                    after, named);
          reply_clear (&reply);
          if (position == 0)
            max_changes = 1;
          else if (position > 0 && position < batch.n)
            max_changes = (guint) position;
          else
            max_changes = MAX (MIN (max_changes, batch.n) / 2, 1);
          continue;
        }
      set_http_error (&reply, error);
      reply_clear (&reply);
      ok = FALSE;
    }
  batch_clear (&next);
  /* The last answer, or the one before a failure: what the server has
   * processed leaves the outbox either way. */
  if (answered.object != NULL)
    {
      g_autoptr(GError) ack_error = NULL;
      JsonArray *results = json_object_get_array_member (answered.object, "results");

      if (!acknowledge (conn, results, ok ? error : &ack_error))
        ok = FALSE;
      reply_clear (&answered);
    }
  return ok;
}

/* ------------------------------------------------------------------------ */
/* Pull                                                                     */

typedef struct
{
  GHashTable *tables;    /* name → TableInfo */
} Applier;

/* NULL for a table this version does not keep, and NULL with @error set
 * when its columns cannot be read. */
static TableInfo *
applier_table (Applier     *applier,
               StDb        *db,
               const char  *table,
               GError     **error)
{
  TableInfo *info = g_hash_table_lookup (applier->tables, table);

  if (info == NULL && is_feed_table (table))
    {
      info = table_info_new (db, table, error);
      if (info != NULL)
        g_hash_table_insert (applier->tables, info->table, info);
    }
  return info;
}

static void
bind_page_value (sqlite3_stmt    *stmt,
                 int              index,
                 const StPageValue *value)
{
  switch (value != NULL ? value->type : SQLITE_NULL)
    {
    case SQLITE_INTEGER:
      sqlite3_bind_int64 (stmt, index, value->integer);
      break;
    case SQLITE_FLOAT:
      sqlite3_bind_double (stmt, index, value->real);
      break;
    case SQLITE_TEXT:
      sqlite3_bind_text (stmt, index, value->text, -1, SQLITE_STATIC);
      break;
    default:
      sqlite3_bind_null (stmt, index);
      break;
    }
}

static gboolean
apply_entry (Applier          *applier,
             StDb             *db,
             const StPage     *page,
             const StPageEntry *entry,
             guint64          *high,
             gint64           *evicted,
             GError          **error)
{
  TableInfo *info;
  sqlite3_stmt *stmt;
  int rc, index = 1;

  if (!is_feed_table (entry->table) || entry->row == NULL)
    return TRUE;   /* a table this version does not keep */
  info = applier_table (applier, db, entry->table, error);
  if (info == NULL)
    return FALSE;

  if (entry->evict)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE id = ?", info->table);

      stmt = st_db_prepare (db, sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, entry->row, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      (*evicted)++;
      return rc == SQLITE_DONE || st_db_set_error (db, rc, _("applying changes from the server"), error);
    }

  if (!entry->has_fields || entry->hlc <= 0)
    return TRUE;
  if ((guint64) entry->hlc > *high)
    *high = (guint64) entry->hlc;

  if (info->upsert == NULL)
    {
      int prepared = sqlite3_prepare_v3 (st_db_get_handle (db), info->upsert_sql, -1, SQLITE_PREPARE_PERSISTENT,
                                         &info->upsert, NULL);

      if (prepared != SQLITE_OK)
        return st_db_set_error (db, prepared, _("applying changes from the server"), error);
    }
  stmt = info->upsert;
  sqlite3_bind_text (stmt, index++, entry->row, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, index++, entry->hlc);
  sqlite3_bind_text (stmt, index++, entry->device, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, index++, entry->deleted);
  for (guint i = 0; i < info->columns->len; i++)
    {
      const char *column = g_ptr_array_index (info->columns, i);
      const StPageValue *value = st_page_entry_field (page, entry, column, i);

      if (info->review_items && g_str_equal (column, "data"))
        sqlite3_bind_text (stmt, index++, entry->fields_json, -1, SQLITE_STATIC);
      else if (info->review_items && value == NULL
               && (g_str_equal (column, "tbl") || g_str_equal (column, "row_id")))
        sqlite3_bind_text (stmt, index++, "", -1, SQLITE_STATIC);
      else if (info->review_items && value == NULL && g_str_equal (column, "resolved"))
        sqlite3_bind_int (stmt, index++, 0);
      else
        bind_page_value (stmt, index++, value);
    }
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      g_autofree char *what = g_strdup_printf (_("applying a change of %s from the server"), info->table);

      return st_db_set_error (db, rc, what, error);
    }
  return TRUE;
}

/* A scope that shrank: rows of townships no longer in it go. */
static gboolean
drop_out_of_scope (Applier     *applier,
                   StDb        *db,
                   JsonObject  *scope,
                   GError     **error)
{
  JsonArray *townships;
  g_autoptr(GString) list = g_string_new (NULL);

  if (scope == NULL || json_object_get_boolean_member_with_default (scope, "all_townships", FALSE))
    return TRUE;
  townships = json_object_get_array_member (scope, "townships");
  for (guint i = 0; townships != NULL && i < json_array_get_length (townships); i++)
    {
      const char *code = json_array_get_string_element (townships, i);
      char *quoted;

      if (code == NULL)
        continue;
      quoted = sqlite3_mprintf ("%Q", code);
      g_string_append_printf (list, "%s%s", list->len ? ", " : "", quoted);
      sqlite3_free (quoted);
    }
  for (guint i = 0; i < G_N_ELEMENTS (feed_tables); i++)
    {
      TableInfo *info = applier_table (applier, db, feed_tables[i], error);
      g_autofree char *sql = NULL;

      if (info == NULL)
        return FALSE;
      if (!info->scoped)
        continue;
      sql = g_strdup_printf ("DELETE FROM %s WHERE township_code IS NOT NULL AND township_code NOT IN (%s)",
                             feed_tables[i], list->str);
      if (!st_db_exec (db, sql, error))
        return FALSE;
    }
  /* Review items about programs and majors (no township) are the
   * county's: a server before issue 16 sent them to every laptop. */
  return st_db_exec (db, "DELETE FROM review_items WHERE township_code IS NULL", error);
}

/* Pages are applied in groups, each group with the last page's cursor in
 * one transaction: as if the server had sent one larger page. A county's
 * first sync writes each index page once per group rather than once per
 * page (the random keys of attendance touch most of an index's pages in
 * every page of the feed); a group stays short enough that a clerk's edit
 * made meanwhile waits at most about a second. */
#define GROUP_MAX_ENTRIES 40000
#define GROUP_MAX_US      (G_USEC_PER_SEC)
/* A smaller page (an everyday sync's) is committed alone: grouping gains
 * nothing there, and the database is free between its pages. */
#define GROUP_MIN_PAGE    1000

typedef struct
{
  gboolean  open;          /* a transaction holds pages not committed yet */
  gint64    started;       /* monotonic time it began */
  guint     entries;       /* entries applied in it */
  gint64    pulled;        /* for the stats, once committed */
  gint64    evicted;
  guint64   high;          /* the highest clock seen in it */
} Group;

static gboolean
group_begin (Conn    *conn,
             Group   *group,
             GError **error)
{
  if (group->open)
    return TRUE;
  if (!st_db_begin (conn->db, error) || !check_not_restored (conn, error))
    return FALSE;
  group->open = TRUE;
  group->started = g_get_monotonic_time ();
  group->entries = 0;
  group->pulled = group->evicted = 0;
  group->high = 0;
  return TRUE;
}

static void
group_rollback (Conn  *conn,
                Group *group)
{
  if (!group->open)
    return;
  st_db_triggers_restore (conn->db, NULL);
  st_db_set_applying_remote (conn->db, FALSE);
  st_db_rollback (conn->db);
  group->open = FALSE;
}

/* Commits the pages applied so far with the last one's cursor. */
static gboolean
group_commit (Conn    *conn,
              Group   *group,
              GError **error)
{
  StDb *db = conn->db;
  gboolean ok;

  if (!group->open)
    return TRUE;
  /* The triggers dropped for the group are back before anything is
   * committed: no other connection ever sees a table without them. */
  ok = st_db_triggers_restore (db, error);
  st_db_set_applying_remote (db, FALSE);
  if (ok && conn->offset_changed)
    {
      ok = set_meta_int (db, "sync.clock_offset", st_hlc_get_offset (st_db_get_clock (db)), error);
      conn->offset_changed = FALSE;
    }
  if (ok && crash_at (conn, "sync-pull-before-commit", error))
    ok = FALSE;
  if (!ok)
    {
      group_rollback (conn, group);
      return FALSE;
    }
  group->open = FALSE;
  if (!st_db_commit (db, error))
    return FALSE;
  st_hlc_observe (st_db_get_clock (db), group->high);
  if (conn->stats != NULL)
    {
      conn->stats->pulled += group->pulled;
      conn->stats->evicted += group->evicted;
    }
  return TRUE;
}

/* Applies @page and its cursor in the open group (begun here if none is);
 * the group is committed when it is large or old enough, or when @last. */
static gboolean
apply_page (Conn         *conn,
            Applier      *applier,
            Group        *group,
            const StPage *page,
            gboolean      from_start,
            gboolean      last,
            GError      **error)
{
  StDb *db = conn->db;
  guint64 high, seen_before;
  gint64 evicted = 0;
  gboolean ok;

  if (!group_begin (conn, group, error))
    return FALSE;
  high = seen_before = (guint64) meta_int (db, "hlc_seen", 0);
  st_db_set_applying_remote (db, TRUE);
  ok = TRUE;
  /* The feed read from its beginning (a new account on this laptop, or a
   * scope that changed) holds everything in scope: rows of other townships
   * are another account's and go. */
  if (from_start || page->reset)
    ok = drop_out_of_scope (applier, db, page->scope, error);
  /* The server dropped what this laptop had not seen yet (a compaction
   * since its last sync): it starts again from an empty copy, keeping
   * only its own changes not sent yet. */
  if (ok && page->rebuild)
    {
      g_message ("the server has compacted its feed since this laptop last synced: reading it again from the beginning");
      ok = st_sync_drop_synced (db, error);
    }
  if (ok && page->server != NULL && !has_meta (db, "sync.server_id"))
    ok = st_sync_origin_store (db, page->server, error);
  /* The triggers of the tables written go for the group: they do nothing
   * while applying, but cost each INSERT a statement journal. */
  for (guint i = 0, prev = 0; ok && i < page->entries->len; i++)
    {
      const StPageEntry *entry = &g_array_index (page->entries, StPageEntry, i);

      if ((i == 0 || strcmp (entry->table, g_array_index (page->entries, StPageEntry, prev).table) != 0)
          && is_feed_table (entry->table))
        ok = applier_table (applier, db, entry->table, error) != NULL
             && st_db_triggers_suspend (db, entry->table, error);
      prev = i;
    }
  for (guint i = 0; ok && i < page->entries->len; i++)
    ok = apply_entry (applier, db, page, &g_array_index (page->entries, StPageEntry, i), &high, &evicted, error);

  ok = ok && st_db_set_meta (db, "sync.cursor", page->cursor, error);
  if (ok && high != seen_before)
    ok = set_meta_int (db, "hlc_seen", (gint64) high, error);
  if (ok && page->scope != NULL)
    {
      JsonArray *townships = json_object_get_array_member (page->scope, "townships");
      g_autofree char *text = townships != NULL ? json_text_from_array (townships) : g_strdup ("[]");

      ok = st_db_set_meta (db, "sync.townships", text, error)
           && st_db_set_meta (db, "sync.all_townships",
                              json_object_get_boolean_member_with_default (page->scope, "all_townships", FALSE) ? "1" : "0",
                              error);
    }
  if (!ok)
    {
      group_rollback (conn, group);
      return FALSE;
    }
  group->entries += page->entries->len;
  group->pulled += page->entries->len - evicted;
  group->evicted += evicted;
  group->high = MAX (group->high, high);
  if (last || page->entries->len < GROUP_MIN_PAGE || group->entries >= GROUP_MAX_ENTRIES
      || g_get_monotonic_time () - group->started >= GROUP_MAX_US)
    return group_commit (conn, group, error);
  return TRUE;
}

/* The next page is fetched (and parsed) in a thread of its own while this
 * one is applied: the server, the network and the parser work while SQLite
 * writes. The fetch only needs the cursor of the page before, which the
 * answer carries; the page is still applied with its cursor in one
 * transaction. */
typedef struct
{
  Conn         conn;      /* a copy with its own session, random generator and counters */
  StSyncStats  stats;
  char        *path;
  Reply        reply;
  StPage      *page;
  gboolean     ok;
  GError      *error;
  GThread     *thread;
} Fetch;

/* Gets a page: a 200 answer is read into @page (st_page_read ()); any
 * other answer stays in @reply. */
static gboolean
fetch_page (Conn        *conn,
            const char  *path,
            Reply       *reply,
            StPage     **page,
            GError     **error)
{
  reply->raw = TRUE;
  if (!request (conn, "GET", path, NULL, FALSE, TRUE, reply, error))
    return FALSE;
  if (reply->status != SOUP_STATUS_OK)
    return TRUE;
  *page = st_page_read (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body), error);
  reply_clear (reply);
  return *page != NULL;
}

static gpointer
fetch_run (gpointer data)
{
  Fetch *fetch = data;

  fetch->ok = fetch_page (&fetch->conn, fetch->path, &fetch->reply, &fetch->page, &fetch->error);
  return NULL;
}

static char *
pull_path (Conn       *conn,
           const char *cursor,
           gboolean    fresh)
{
  g_autofree char *escaped = cursor != NULL ? g_uri_escape_string (cursor, NULL, FALSE) : NULL;

  return g_strdup_printf ("/api/v1/pull?limit=%u%s%s%s", conn->options.pull_limit,
                          escaped != NULL ? "&cursor=" : "", escaped != NULL ? escaped : "",
                          fresh && escaped == NULL ? "&fresh=1" : "");
}

static Fetch *
fetch_start (Conn       *conn,
             const char *cursor)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  conn_copy_for_thread (&fetch->conn, conn, &fetch->stats);
  fetch->path = pull_path (conn, cursor, FALSE);
  fetch->thread = g_thread_new ("st-sync-fetch", fetch_run, fetch);
  return fetch;
}

/* Waits for the fetch; its answer moves to @reply and @page. */
static gboolean
fetch_finish (Fetch   *fetch,
              Conn    *conn,
              Reply   *reply,
              StPage **page,
              GError **error)
{
  gboolean ok;

  g_thread_join (fetch->thread);
  ok = fetch->ok;
  if (ok)
    {
      *reply = fetch->reply;
      *page = fetch->page;
    }
  else
    {
      reply_clear (&fetch->reply);
      st_page_free (fetch->page);
      g_propagate_error (error, g_steal_pointer (&fetch->error));
    }
  conn_merge_from_thread (conn, &fetch->conn, &fetch->stats);
  g_clear_error (&fetch->error);
  g_free (fetch->path);
  g_free (fetch);
  return ok;
}

static gboolean
pull (Conn    *conn,
      GError **error)
{
  Applier applier = { g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) table_info_free) };
  Group group = { 0 };
  Fetch *next = NULL;
  gboolean from_start;
  gint64 done = 0;
  gboolean more = TRUE;
  gboolean ok = TRUE;

  {
    g_autofree char *cursor = st_db_get_meta (conn->db, "sync.cursor");

    from_start = cursor == NULL;
  }
  report (conn, ST_SYNC_PHASE_PULLING, 0, -1);
  /* What a pull writes can be pulled again: a page lost to a power cut
   * (possible with NORMAL in WAL mode; never a damaged file) went with its
   * cursor, so the next sync fetches it again. Local edits keep FULL. */
  st_db_exec (conn->db, "PRAGMA synchronous = NORMAL", NULL);
  /* A county's first sync writes hundreds of megabytes: index pages stay
   * in a larger cache, and the WAL is folded into the database every
   * 64 MB instead of every 4 MB (each fold rewrote the same index pages).
   * About a quarter faster at 350,000 rows. */
  st_db_exec (conn->db, "PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 16000", NULL);
  while (ok && more)
    {
      Reply reply = { 0 };
      StPage *page = NULL;

      if (g_cancellable_is_cancelled (conn->cancellable))
        {
          g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CANCELLED, _("Cancelled"));
          ok = FALSE;
          break;
        }
      if (next != NULL)
        {
          ok = fetch_finish (next, conn, &reply, &page, error);
          next = NULL;
        }
      else
        {
          g_autofree char *cursor = st_db_get_meta (conn->db, "sync.cursor");
          gboolean fresh = FALSE;
          g_autofree char *path = NULL;

          /* A laptop with no synced row needs no tombstone (protocol 2). */
          if (cursor == NULL && conn->server_protocol >= 2)
            {
              int has = st_sync_has_synced_rows (conn->db, error);

              ok = has >= 0;
              fresh = has == 0;
            }
          path = pull_path (conn, cursor, fresh);
          ok = ok && fetch_page (conn, path, &reply, &page, error);
        }
      if (ok && reply.status == 400 && g_strcmp0 (reply.code, "invalid_cursor") == 0)
        {
          /* Not a cursor this server issued (it was replaced or restored):
           * read the feed from the beginning; applying rows we have is
           * harmless. */
          g_message ("the server does not know this laptop's place in its feed: reading it from the beginning");
          reply_clear (&reply);
          ok = group_commit (conn, &group, error)
               && st_db_begin (conn->db, error) && st_db_set_meta (conn->db, "sync.cursor", NULL, error)
               && st_db_commit (conn->db, error);
          from_start = TRUE;
          continue;
        }
      if (ok && reply.status != SOUP_STATUS_OK)
        {
          set_http_error (&reply, error);
          ok = FALSE;
        }
      if (ok && st_sync_origin_changed (conn->db, page->server))
        {
          /* The server was restored from a backup: first send again what
           * it may have lost (st_sync_run ()), then read it afresh. */
          g_message ("the server was restored from a backup or replaced since the last sync");
          conn->origin_changed = TRUE;
          st_page_free (page);
          reply_clear (&reply);
          break;
        }
      if (ok && page->more)
        next = fetch_start (conn, page->cursor);
      if (ok)
        {
          ok = apply_page (conn, &applier, &group, page, from_start, !page->more, error);
          from_start = FALSE;
          more = page->more;
        }
      if (ok)
        {
          done += page->entries->len;
          report (conn, ST_SYNC_PHASE_PULLING, done, -1);
        }
      st_page_free (page);
      reply_clear (&reply);
    }
  if (next != NULL)
    {
      Reply ignored = { 0 };
      StPage *unused = NULL;

      fetch_finish (next, conn, &ignored, &unused, NULL);
      st_page_free (unused);
      reply_clear (&ignored);
    }
  /* Pages applied before a failure to fetch the next one, a cancel or a
   * restored server stay applied, as if each had been committed alone. */
  if (group.open)
    {
      g_autoptr(GError) commit_error = NULL;

      if (!group_commit (conn, &group, ok ? error : &commit_error))
        ok = FALSE;
    }
  g_hash_table_unref (applier.tables);
  st_db_exec (conn->db, "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000; PRAGMA cache_size = -16000", NULL);
  if (done > 10000)
    st_db_exec (conn->db, "PRAGMA wal_checkpoint (PASSIVE)", NULL);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* A run                                                                    */

gboolean
st_sync_run (StDb                *db,
             const char          *token,
             const StSyncOptions *options,
             StSyncStats         *stats,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autofree char *server = NULL;
  StSyncStats local_stats = { 0 };
  Conn conn;
  gboolean ok;

  g_return_val_if_fail (ST_IS_DB (db), FALSE);

  server = st_db_get_meta (db, "sync.server");
  if (server == NULL || token == NULL)
    {
      g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SIGN_IN_NEEDED, _("Not signed in to a server."));
      return FALSE;
    }
  if (stats == NULL)
    stats = &local_stats;
  memset (stats, 0, sizeof *stats);

  conn_init (&conn, db, server, token, options, stats, cancellable);
  report (&conn, ST_SYNC_PHASE_CONNECTING, 0, -1);
  ok = push (&conn, error) && pull (&conn, error);
  /* A restored server met by the pull: its lost changes go again, then
   * the feed is read from its beginning. */
  if (ok && conn.origin_changed)
    ok = check_device (&conn, error) && push (&conn, error) && pull (&conn, error);
  if (ok)
    {
      ok = st_db_begin (db, error)
           && set_meta_int (db, "sync.last_sync_at", g_get_real_time () / 1000, error)
           && (!conn.offset_changed
               || set_meta_int (db, "sync.clock_offset", st_hlc_get_offset (st_db_get_clock (db)), error));
      if (ok)
        ok = st_db_commit (db, error);
      else
        st_db_rollback (db);
    }
  if (ok)
    report (&conn, ST_SYNC_PHASE_DONE, stats->pushed, stats->pushed);
  conn_clear (&conn);
  return ok;
}

typedef struct
{
  char               *db_path;
  char               *token;
  StSyncProgressFunc  progress;
  gpointer            progress_data;
  GMainContext       *context;
  StSyncStats         stats;
} RunData;

static void
run_data_free (RunData *data)
{
  g_free (data->db_path);
  g_free (data->token);
  g_main_context_unref (data->context);
  g_free (data);
}

typedef struct
{
  StSyncProgressFunc func;
  gpointer           data;
  StSyncProgress     progress;
} ProgressCall;

static gboolean
progress_in_main (gpointer user_data)
{
  ProgressCall *call = user_data;

  call->func (&call->progress, call->data);
  return G_SOURCE_REMOVE;
}

static void
progress_from_thread (const StSyncProgress *progress,
                      gpointer              user_data)
{
  RunData *data = user_data;
  ProgressCall *call = g_new0 (ProgressCall, 1);

  call->func = data->progress;
  call->data = data->progress_data;
  call->progress = *progress;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, progress_in_main, call, g_free);
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RunData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (data->db_path, &error);
  StSyncOptions options = { 0 };

  if (db == NULL)
    {
      g_task_return_new_error (task, ST_SYNC_ERROR, ST_SYNC_ERROR_DATABASE, "%s", error->message);
      return;
    }
  if (data->progress != NULL)
    {
      options.progress = progress_from_thread;
      options.progress_data = data;
    }
  if (st_sync_run (db, data->token, &options, &data->stats, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else if (error->domain == ST_DB_ERROR)
    g_task_return_new_error (task, ST_SYNC_ERROR, ST_SYNC_ERROR_DATABASE, "%s", error->message);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
st_sync_run_async (const char          *db_path,
                   const char          *token,
                   StSyncProgressFunc   progress,
                   gpointer             progress_data,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  RunData *data = g_new0 (RunData, 1);

  data->db_path = g_strdup (db_path);
  data->token = g_strdup (token);
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  g_task_set_source_tag (task, st_sync_run_async);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_in_thread);
}

gboolean
st_sync_run_finish (GAsyncResult  *result,
                    StSyncStats   *stats,
                    GError       **error)
{
  RunData *data = g_task_get_task_data (G_TASK (result));

  if (stats != NULL)
    *stats = data->stats;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Review items and refusals                                                */

void
st_sync_item_free (StSyncItem *item)
{
  if (item == NULL)
    return;
  g_free (item->id);
  g_free (item->table);
  g_free (item->row);
  g_free (item->township_code);
  g_free (item->summary);
  g_clear_pointer (&item->data, json_object_unref);
  g_free (item);
}

static char *
township_name (StDb       *db,
               const char *code)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT name FROM divisions WHERE code = ?", NULL);
  char *name = NULL;

  if (stmt != NULL && code != NULL)
    {
      int rc;

      sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      else if (rc != SQLITE_DONE)
        g_warning ("The name of the township %s cannot be read: %s", code, sqlite3_errstr (rc));
      sqlite3_reset (stmt);
    }
  return name != NULL ? name : g_strdup (code != NULL ? code : "?");
}

static const char *
table_label (const char *table)
{
  static const struct { const char *table; const char *label; } labels[] = {
    { "programs", N_("program") },
    { "majors", N_("major") },
    { "participants", N_("participant") },
    { "classes", N_("class") },
    { "enrolments", N_("enrolment") },
    { "sessions", N_("class session") },
    { "attendance", N_("attendance record") },
    { "study_logs", N_("study log") },
    { "assignments", N_("assignment") },
    { "assessments", N_("assessment") },
    { "exemptions", N_("exemption") },
    { "certificates", N_("certificate") },
    { "visits", N_("visit") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].table, table) == 0)
      return _(labels[i].label);
  return table;
}

/* A name as a label: at most a line, and UTF-8 (a name of megabytes, or of
 * bytes that are no text, written before the limits). */
#define LABEL_CHARS 20

static char *
label_of (char *name)
{
  g_autofree char *valid = NULL;
  g_autofree char *cut = NULL;

  if (name == NULL || (strlen (name) <= LABEL_CHARS && g_utf8_validate (name, -1, NULL)))
    return name;
  valid = g_utf8_make_valid (name, -1);
  g_free (name);
  if (g_utf8_strlen (valid, -1) <= LABEL_CHARS)
    return g_steal_pointer (&valid);
  cut = g_utf8_substring (valid, 0, LABEL_CHARS);
  return g_strconcat (cut, "…", NULL);
}

/* What a clerk calls the row: a participant's name, or the kind of record. */
static char *
row_label (StDb       *db,
           const char *table,
           const char *row)
{
  if (g_strcmp0 (table, "participants") == 0)
    {
      sqlite3_stmt *stmt = st_db_prepare (db, "SELECT name FROM participants WHERE id = ?", NULL);
      char *name = NULL;

      if (stmt != NULL)
        {
          int rc;

          sqlite3_bind_text (stmt, 1, row, -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          else if (rc != SQLITE_DONE)
            g_warning ("The name of %s %s cannot be read: %s", table, row, sqlite3_errstr (rc));
          sqlite3_reset (stmt);
        }
      if (name != NULL)
        return label_of (name);
    }
  if (g_strcmp0 (table, "classes") == 0)
    {
      sqlite3_stmt *stmt = st_db_prepare (db, "SELECT name FROM classes WHERE id = ?", NULL);
      char *name = NULL;

      if (stmt != NULL)
        {
          int rc;

          sqlite3_bind_text (stmt, 1, row, -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          else if (rc != SQLITE_DONE)
            g_warning ("The name of %s %s cannot be read: %s", table, row, sqlite3_errstr (rc));
          sqlite3_reset (stmt);
        }
      if (name != NULL)
        return label_of (name);
    }
  return g_strdup (table_label (table));
}

const char *
st_sync_field_label (const char *field)
{
  guint n = 0;
  const StParticipantField *fields = st_participant_fields (&n);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (fields[i].column, field))
      return _(fields[i].label);
  if (g_str_equal (field, "id_number"))
    return _("ID number");
  if (g_str_equal (field, "deleted"))
    return _("deletion");
  if (st_visit_field_label (field) != NULL)
    return st_visit_field_label (field);
  return field;
}

static char *
fields_of (JsonObject *values)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GList *members = values != NULL ? json_object_get_members (values) : NULL;

  for (GList *l = members; l != NULL; l = l->next)
    g_string_append_printf (text, "%s%s", text->len ? _(", ") : "", st_sync_field_label (l->data));
  g_list_free (members);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static JsonObject *
object_from_text (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !st_json_parser_load (parser, text, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The losing values of a review item: its "values" member, a JSON object
 * or the text of one. */
static JsonObject *
losing_values (JsonObject *data)
{
  JsonNode *node = data != NULL ? json_object_get_member (data, "values") : NULL;

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_object_ref (json_node_get_object (node));
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return object_from_text (json_node_get_string (node));
  return NULL;
}

static char *
describe_refusal (StDb       *db,
                  const char *code,
                  const char *table,
                  const char *what,
                  const char *township)
{
  if (g_strcmp0 (code, "out_of_scope") == 0)
    {
      g_autofree char *place = township_name (db, township);

      /* Translators: the server refused a change; "%s of %s" = "张三 of 巧马镇". */
      return g_strdup_printf (_("The server refused: your account may not change records of %s (%s)."), place, what);
    }
  if (g_strcmp0 (code, "role_forbidden") == 0)
    return g_strdup_printf (_("The server refused: your account’s role may not change this %s (%s)."),
                            table_label (table), what);
  if (g_strcmp0 (code, "not_your_class") == 0)
    return g_strdup_printf (_("The server refused: you do not teach the class of this %s (%s)."),
                            table_label (table), what);
  if (g_strcmp0 (code, "read_only_table") == 0)
    return g_strdup_printf (_("The server refused a change of a %s only the server may make (%s)."),
                            table_label (table), what);
  return g_strdup_printf (_("The server refused a change of a %s (%s)."), table_label (table), what);
}

/* A change refused for good and kept here (set_aside ()): the field it was
 * refused for, read from the change itself: the largest text it holds. */
static char *
describe_set_aside (StDb       *db,
                    gint64      seq,
                    const char *code,
                    const char *table,
                    const char *what,
                    char      **field_out)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT j.key, length (CAST (j.value AS BLOB)) FROM audit_log a, json_each (a.new) j"
                                      " WHERE a.id = ? AND j.type = 'text' ORDER BY 2 DESC LIMIT 1", NULL);
  g_autofree char *field = NULL;
  gint64 size = 0;

  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, seq);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          field = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          size = sqlite3_column_int64 (stmt, 1);
        }
      sqlite3_reset (stmt);
    }
  if (field != NULL && (size > ST_SERVER_MAX_TEXT_BYTES || g_strcmp0 (code, "body_too_large") == 0))
    {
      g_autofree char *bytes = g_format_size ((guint64) size);

      *field_out = g_strdup (field);
      /* Translators: "participant 张三: Notes too long (17.8 MB); …". */
      return g_strdup_printf (_("%s %s: %s too long (%s); refused by the server, kept on this laptop to be dealt with."),
                              table_label (table), what, st_sync_field_label (field), bytes);
    }
  /* Translators: the last %s is the server's code, as invalid_value. */
  return g_strdup_printf (_("%s %s: a change refused by the server for what it holds (%s), kept on this laptop to be dealt with."),
                          table_label (table), what, code != NULL ? code : "");
}

static char *
describe_review (StDb           *db,
                 JsonObject     *data,
                 const char     *table,
                 const char     *row,
                 StSyncItemKind  kind)
{
  g_autofree char *what = row_label (db, table, row);
  g_autoptr(JsonObject) values = losing_values (data);
  g_autofree char *fields = fields_of (values);

  if (kind == ST_SYNC_ITEM_MERGE)
    return g_strdup_printf (_("%s was registered twice with one ID number; the two records were merged."), what);
  if (kind == ST_SYNC_ITEM_DELETE)
    return g_strdup_printf (_("%s was deleted on one laptop while another changed it; the record was kept."), what);
  if (fields[0] != '\0')
    /* Translators: "张三: phone, village were changed on two laptops at once". */
    return g_strdup_printf (_("%s: %s changed on two laptops at once; one value was kept, the other is here."),
                            what, fields);
  return g_strdup_printf (_("%s was changed on two laptops at once; one version was kept, the other is here."), what);
}

GPtrArray *
st_sync_list_items (StDb    *db,
                    GError **error)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) st_sync_item_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = st_db_prepare (db,
                        "SELECT id, tbl, row_id, township_code, created_at, data FROM review_items"
                        " WHERE resolved = 0 AND deleted = 0 ORDER BY created_at DESC", error);
  if (stmt == NULL)
    {
      g_ptr_array_unref (items);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StSyncItem *item = g_new0 (StSyncItem, 1);
      const char *kind;

      item->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      item->table = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      item->row = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      item->township_code = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      item->created_at = sqlite3_column_int64 (stmt, 4);
      item->data = object_from_text ((const char *) sqlite3_column_text (stmt, 5));
      kind = item->data != NULL ? json_object_get_string_member_with_default (item->data, "kind", "") : "";
      item->kind = g_str_equal (kind, "merge") ? ST_SYNC_ITEM_MERGE
                   : g_str_equal (kind, "delete") ? ST_SYNC_ITEM_DELETE : ST_SYNC_ITEM_CONFLICT;
      g_ptr_array_add (items, item);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the items to review"), error);
      g_ptr_array_unref (items);
      return NULL;
    }
  /* Summaries read other rows: after the statement is done. */
  for (guint i = 0; i < items->len; i++)
    {
      StSyncItem *item = g_ptr_array_index (items, i);

      item->summary = describe_review (db, item->data, item->table, item->row, item->kind);
    }

  stmt = st_db_prepare (db,
                        "SELECT id, tbl, row_id, township_code, at, code, message, status, label, seq FROM sync_refusals"
                        " WHERE resolved = 0 ORDER BY at DESC, id DESC", error);
  if (stmt == NULL)
    {
      g_ptr_array_unref (items);
      return NULL;
    }
  {
    guint first = items->len;

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        StSyncItem *item = g_new0 (StSyncItem, 1);

        item->id = g_strdup_printf ("refused:%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 0));
        item->kind = ST_SYNC_ITEM_REFUSED;
        item->table = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        item->row = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
        item->township_code = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
        item->created_at = sqlite3_column_int64 (stmt, 4);
        item->data = json_object_new ();
        json_object_set_string_member (item->data, "code", (const char *) sqlite3_column_text (stmt, 5));
        json_object_set_string_member (item->data, "message", (const char *) sqlite3_column_text (stmt, 6));
        json_object_set_int_member (item->data, "status", sqlite3_column_int64 (stmt, 7));
        json_object_set_string_member (item->data, "label", (const char *) sqlite3_column_text (stmt, 8));
        json_object_set_int_member (item->data, "seq", sqlite3_column_int64 (stmt, 9));
        g_ptr_array_add (items, item);
      }
    sqlite3_reset (stmt);
    if (rc != SQLITE_DONE)
      {
        st_db_set_error (db, rc, _("reading the items to review"), error);
        g_ptr_array_unref (items);
        return NULL;
      }
    for (guint i = first; i < items->len; i++)
      {
        StSyncItem *item = g_ptr_array_index (items, i);

        const char *label = json_object_get_string_member (item->data, "label");
        gint64 status = json_object_get_int_member (item->data, "status");

        /* Set aside for what it holds (400, 413, 422): its values are here. */
        if (status == 400 || status == 413 || status == 422)
          {
            g_autofree char *field = NULL;

            item->summary = describe_set_aside (db, json_object_get_int_member (item->data, "seq"),
                                                json_object_get_string_member (item->data, "code"), item->table,
                                                label != NULL ? label : table_label (item->table), &field);
            if (field != NULL)
              json_object_set_string_member (item->data, "field", field);
          }
        else
          item->summary = describe_refusal (db, json_object_get_string_member (item->data, "code"),
                                            item->table, label != NULL ? label : table_label (item->table),
                                            item->township_code);
      }
  }
  return items;
}

gint64
st_sync_count_items (StDb *db)
{
  gint64 items = 0, refusals = 0;

  if (!query_int (db, "SELECT count(*) FROM review_items WHERE resolved = 0 AND deleted = 0", &items, NULL)
      || !query_int (db, "SELECT count(*) FROM sync_refusals WHERE resolved = 0", &refusals, NULL))
    return -1;
  return items + refusals;
}

/* Writes @values to the row as a local edit (captured and pushed). */
static gboolean
write_values (StDb        *db,
              const char  *table,
              const char  *row,
              JsonObject  *values,
              GError     **error)
{
  g_autoptr(TableInfo) info = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) bound = g_ptr_array_new ();
  g_autoptr(GString) differs = g_string_new (NULL);
  GList *members;
  sqlite3_stmt *stmt;
  int rc;

  if (!is_feed_table (table) || g_str_equal (table, "review_items"))
    return TRUE;
  info = table_info_new (db, table, error);
  if (info == NULL)
    return FALSE;
  members = json_object_get_members (values);

  g_string_append_printf (sql, "UPDATE %s SET hlc = ?1, device = st_device ()", table);
  for (GList *l = members; l != NULL; l = l->next)
    {
      gboolean known = g_str_equal (l->data, "deleted");

      for (guint i = 0; !known && i < info->columns->len; i++)
        known = g_str_equal (g_ptr_array_index (info->columns, i), l->data);
      if (known)
        {
          g_ptr_array_add (bound, l->data);
          g_string_append_printf (sql, ", %s = ?%u", (const char *) l->data, bound->len + 2);
          g_string_append_printf (differs, "%s%s IS NOT ?%u", differs->len ? " OR " : "",
                                  (const char *) l->data, bound->len + 2);
        }
    }
  if (bound->len == 0)
    {
      g_list_free (members);
      return TRUE;
    }
  /* Only if a value differs: an update that changes nothing but the clock
   * would not be captured, and this copy's clock would run ahead of the
   * server's for ever. */
  g_string_append_printf (sql, " WHERE id = ?2 AND (%s)", differs->str);
  stmt = st_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    {
      g_list_free (members);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) st_db_next_hlc (db));
  sqlite3_bind_text (stmt, 2, row, -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < bound->len; i++)
    bind_json (stmt, (int) i + 3, json_object_get_member (values, g_ptr_array_index (bound, i)));
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  g_list_free (members);
  return rc == SQLITE_DONE || st_db_set_error (db, rc, _("saving the chosen value"), error);
}

gboolean
st_sync_resolve_item (StDb        *db,
                      const char  *id,
                      gboolean     use_losing_values,
                      GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (ST_IS_DB (db), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!st_db_begin (db, error))
    return FALSE;
  if (g_str_has_prefix (id, "refused:"))
    {
      sqlite3_stmt *stmt = st_db_prepare (db, "UPDATE sync_refusals SET resolved = 1 WHERE id = ?", error);

      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (id + strlen ("refused:"), NULL, 10));
          ok = sqlite3_step (stmt) == SQLITE_DONE
               || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("resolving an item"), error);
          sqlite3_reset (stmt);
        }
    }
  else
    {
      sqlite3_stmt *stmt = st_db_prepare (db, "SELECT tbl, row_id, data FROM review_items WHERE id = ?", error);
      g_autofree char *table = NULL;
      g_autofree char *row = NULL;
      g_autoptr(JsonObject) data = NULL;

      ok = stmt != NULL;
      if (ok)
        {
          int rc;

          sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            {
              table = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
              row = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
              data = object_from_text ((const char *) sqlite3_column_text (stmt, 2));
            }
          sqlite3_reset (stmt);
          if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            ok = st_db_set_error (db, rc, _("resolving an item"), error);
          else if (table == NULL)
            {
              g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_REFUSED, _("There is no review item %s."), id);
              ok = FALSE;
            }
        }
      if (ok && use_losing_values)
        {
          g_autoptr(JsonObject) values = losing_values (data);

          if (values != NULL)
            ok = write_values (db, table, row, values, error);
        }
      if (ok)
        {
          stmt = st_db_prepare (db, "UPDATE review_items SET resolved = 1, hlc = max (hlc + 1, ?), device = st_device ()"
                                    " WHERE id = ?", error);
          ok = stmt != NULL;
          if (ok)
            {
              sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) st_db_next_hlc (db));
              sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
              ok = sqlite3_step (stmt) == SQLITE_DONE
                   || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("resolving an item"), error);
              sqlite3_reset (stmt);
            }
        }
    }
  if (ok)
    return st_db_commit (db, error);
  st_db_rollback (db);
  return FALSE;
}

char *
st_sync_current_value (StDb       *db,
                       const char *table,
                       const char *row,
                       const char *field)
{
  g_autoptr(TableInfo) info = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  gboolean known = g_strcmp0 (field, "deleted") == 0;
  char *value = NULL;
  int rc;

  if (table == NULL || row == NULL || field == NULL || !is_feed_table (table))
    return NULL;
  info = table_info_new (db, table, NULL);
  if (info == NULL)
    return NULL;
  for (guint i = 0; !known && i < info->columns->len; i++)
    known = g_str_equal (g_ptr_array_index (info->columns, i), field);
  if (!known)
    return NULL;
  sql = g_strdup_printf ("SELECT %s FROM %s WHERE id = ?", field, table);
  stmt = st_db_prepare (db, sql, NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, row, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    g_warning ("The value of %s.%s cannot be read: %s", table, field, sqlite3_errstr (rc));
  return value;
}

JsonObject *
st_sync_item_values (const StSyncItem *item)
{
  return item != NULL ? losing_values (item->data) : NULL;
}

/* ------------------------------------------------------------------------ */

char *
st_sync_describe_error (const GError *error)
{
  if (error == NULL)
    return g_strdup ("");
  if (error->domain == ST_SYNC_ERROR)
    switch ((StSyncError) error->code)
      {
      case ST_SYNC_ERROR_OFFLINE:
        return g_strdup (_("The server cannot be reached. Changes are kept on this laptop and sent at the next sync."));
      case ST_SYNC_ERROR_SIGN_IN_NEEDED:
        return g_strdup (_("Sign in to the server again. Changes are kept on this laptop meanwhile."));
      case ST_SYNC_ERROR_BAD_CREDENTIALS:
        return g_strdup (_("The user name or the password is wrong."));
      case ST_SYNC_ERROR_ACCOUNT_DISABLED:
        return g_strdup (_("This account is disabled. Ask the county office."));
      case ST_SYNC_ERROR_THROTTLED:
        {
          guint64 seconds = g_ascii_strtoull (error->message, NULL, 10);

          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Too many attempts. Try again in %u second.",
                                               "Too many attempts. Try again in %u seconds.", (gulong) seconds),
                                  (guint) seconds);
        }
      case ST_SYNC_ERROR_SERVER:
        return g_strdup (_("The server has a problem right now. Changes are kept on this laptop; try again later."));
      case ST_SYNC_ERROR_REFUSED:
        return g_strdup (_("The server refused the request. Ask the county office; the details say why."));
      case ST_SYNC_ERROR_OTHER_SERVER:
        return g_strdup (_("This laptop is signed in to another server."));
      case ST_SYNC_ERROR_DATABASE:
        return g_strdup_printf (_("The database on this laptop failed: %s"), error->message);
      case ST_SYNC_ERROR_CANCELLED:
        return g_strdup (_("The sync was stopped."));
      case ST_SYNC_ERROR_KILLED:
        return g_strdup ("crashed (simulated)");
      case ST_SYNC_ERROR_SERVER_TOO_OLD:
      case ST_SYNC_ERROR_CERTIFICATE:
      case ST_SYNC_ERROR_CERTIFICATE_CHANGED:
        return g_strdup (error->message);
      default:
        break;
      }
  return g_strdup (error->message);
}
