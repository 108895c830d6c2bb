/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-sync.h"
#include "st-sync-problem.h"

G_DEFINE_QUARK (st-sync-problem-quark, st_sync_problem)

/* How long a diagnosis waits for an answer. */
#define PROBE_TIMEOUT_S 8

/* A clock this far off the server's is worth a word. */
#define CLOCK_LIMIT_MS (5 * 60 * 1000)

StSyncProblem
st_sync_problem_classify (const StSyncProbe *probe)
{
  const GError *r = probe->resolve_error;
  const GError *c = probe->connect_error;

  if (!probe->network_available && !probe->local_host)
    return ST_SYNC_PROBLEM_NO_NETWORK;
  if (r != NULL)
    {
      if (g_error_matches (r, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
        return ST_SYNC_PROBLEM_BAD_ADDRESS;
      return ST_SYNC_PROBLEM_NAME_UNKNOWN;
    }
  if (c == NULL)
    return ST_SYNC_PROBLEM_NONE;
  if (probe->tls_errors & (G_TLS_CERTIFICATE_NOT_ACTIVATED | G_TLS_CERTIFICATE_EXPIRED))
    return ST_SYNC_PROBLEM_CLOCK;
  if (probe->tls_errors != 0 || g_error_matches (c, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    return ST_SYNC_PROBLEM_UNTRUSTED;
  /* Connected, but no TLS came back: the port speaks something else
   * (plain HTTP waits for a request, and the handshake times out). */
  if (g_error_matches (c, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS)
      || g_error_matches (c, G_TLS_ERROR, G_TLS_ERROR_MISC)
      || probe->tls_started)
    return ST_SYNC_PROBLEM_NOT_TLS;
  if (g_error_matches (c, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return ST_SYNC_PROBLEM_REFUSED;
  if (g_error_matches (c, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) && !probe->local_host)
    return ST_SYNC_PROBLEM_NO_NETWORK;
  return ST_SYNC_PROBLEM_UNREACHABLE;
}

static gboolean
on_accept_certificate (GTlsConnection       *connection,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       StSyncProbe          *probe)
{
  probe->tls_errors = errors;
  return FALSE;
}

static void
on_client_event (GSocketClient      *client,
                 GSocketClientEvent  event,
                 GSocketConnectable *connectable,
                 GIOStream          *connection,
                 StSyncProbe        *probe)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    probe->tls_started = TRUE;
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING && G_IS_TLS_CONNECTION (connection))
    g_signal_connect (connection, "accept-certificate", G_CALLBACK (on_accept_certificate), probe);
}

static gboolean
is_local (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  if (address != NULL)
    return g_inet_address_get_is_loopback (address);
  return g_ascii_strcasecmp (host, "localhost") == 0;
}

StSyncProblem
st_sync_problem_diagnose (const char   *server,
                          GCancellable *cancellable)
{
  g_autoptr(GUri) uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GInetAddress) literal = NULL;
  StSyncProbe probe = { 0 };
  StSyncProblem problem;
  const char *host, *scheme;
  gboolean tls;
  int port;

  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL || *host == '\0'
      || (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0))
    return ST_SYNC_PROBLEM_BAD_ADDRESS;
  tls = g_str_equal (scheme, "https");
  port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : (tls ? 443 : 80);

  probe.local_host = is_local (host);
  probe.network_available = g_network_monitor_get_network_available (g_network_monitor_get_default ());
  if (!probe.network_available && !probe.local_host)
    return ST_SYNC_PROBLEM_NO_NETWORK;

  literal = g_inet_address_new_from_string (host);
  if (literal == NULL)
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();
      GList *addresses = g_resolver_lookup_by_name (resolver, host, cancellable, &probe.resolve_error);

      g_resolver_free_addresses (addresses);
    }
  if (probe.resolve_error == NULL)
    {
      client = g_socket_client_new ();
      g_socket_client_set_timeout (client, PROBE_TIMEOUT_S);
      g_socket_client_set_tls (client, tls);
      g_signal_connect (client, "event", G_CALLBACK (on_client_event), &probe);
      connection = g_socket_client_connect_to_host (client, host, (guint16) port, cancellable, &probe.connect_error);
    }
  problem = st_sync_problem_classify (&probe);
  g_debug ("diagnosis of %s: problem %d (resolve: %s; connect: %s; certificate flags %x)", host, problem,
           probe.resolve_error ? probe.resolve_error->message : "ok",
           probe.connect_error ? probe.connect_error->message : "ok", probe.tls_errors);
  if (connection != NULL)
    g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_clear_error (&probe.resolve_error);
  g_clear_error (&probe.connect_error);
  return problem;
}

static char *
host_of (const char *server)
{
  g_autoptr(GUri) uri = server != NULL ? g_uri_parse (server, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (server != NULL ? server : "");
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup (g_uri_get_host (uri));
}

char *
st_sync_problem_describe (StSyncProblem  problem,
                          const char    *server)
{
  g_autofree char *host = host_of (server);

  switch (problem)
    {
    case ST_SYNC_PROBLEM_BAD_ADDRESS:
      return g_strdup_printf (_("“%s” is not a server address. Type the address the county office gave you; it begins with https://."),
                              server != NULL ? server : "");
    case ST_SYNC_PROBLEM_NO_NETWORK:
      return g_strdup (_("This laptop is not connected to a network. Connect to Wi-Fi or plug in a cable, then try again. Changes are kept on this laptop meanwhile."));
    case ST_SYNC_PROBLEM_NAME_UNKNOWN:
      return g_strdup_printf (_("No server is known by the name “%s”. Check the address for typing mistakes; if it is right, this network cannot look the name up: ask whoever runs the network."),
                              host);
    case ST_SYNC_PROBLEM_REFUSED:
      return g_strdup_printf (_("%s refused the connection: the server program is not running there, or the port is wrong. Check the address; if it is right, ask the county office to start the server."),
                              host);
    case ST_SYNC_PROBLEM_UNREACHABLE:
      return g_strdup_printf (_("%s does not answer. It may be switched off, or this network may not reach it (a firewall, or the county’s own network). Try again later or from another network."),
                              host);
    case ST_SYNC_PROBLEM_NOT_TLS:
      return g_strdup_printf (_("%s does not answer securely (HTTPS) at this address. Check the address and its port with the county office."),
                              host);
    case ST_SYNC_PROBLEM_UNTRUSTED:
      return g_strdup_printf (_("The certificate of %s is not trusted, so nothing was sent. Check the address; if it is right, ask the county office whether the server’s certificate has changed."),
                              host);
    case ST_SYNC_PROBLEM_CLOCK:
      {
        g_autoptr(GDateTime) now = g_date_time_new_now_local ();
        g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");

        return g_strdup_printf (_("The server’s certificate is not valid on this laptop’s date (%s). If the date is wrong, set the date and time in the system settings and try again; if it is right, the county office must renew the certificate."),
                                date);
      }
    case ST_SYNC_PROBLEM_NONE:
    default:
      return NULL;
    }
}

char *
st_sync_problem_describe_clock (gint64 offset_ms)
{
  gint64 minutes = (ABS (offset_ms) + 30 * 1000) / (60 * 1000);
  g_autofree char *amount = NULL;

  if (ABS (offset_ms) <= CLOCK_LIMIT_MS)
    return NULL;
  if (minutes >= 48 * 60)
    amount = g_strdup_printf (ngettext ("%u day", "%u days", (gulong) (minutes / (24 * 60))), (guint) (minutes / (24 * 60)));
  else if (minutes >= 120)
    amount = g_strdup_printf (ngettext ("%u hour", "%u hours", (gulong) (minutes / 60)), (guint) (minutes / 60));
  else
    amount = g_strdup_printf (ngettext ("%u minute", "%u minutes", (gulong) minutes), (guint) minutes);
  /* The offset is the server's time minus this laptop's. */
  if (offset_ms > 0)
    return g_strdup_printf (_("Signed in. This laptop’s clock is %s behind the server’s: set the date and time in the system settings, or new records will carry the wrong date."),
                            amount);
  return g_strdup_printf (_("Signed in. This laptop’s clock is %s ahead of the server’s: set the date and time in the system settings, or new records will carry the wrong date."),
                          amount);
}

char *
st_sync_problem_describe_error (const GError *error,
                                const char   *server)
{
  if (error == NULL)
    return g_strdup ("");
  if (error->domain == ST_SYNC_PROBLEM)
    return g_strdup (error->message);
  if (g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_BAD_CREDENTIALS))
    return g_strdup (_("The user name or the password is wrong. Check both (and Caps Lock); the county office can set a new password."));
  if (g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_ACCOUNT_DISABLED))
    return g_strdup (_("This account is disabled. Ask the county office to enable it again, or for an account of your own."));
  if (g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE))
    return g_strdup_printf (_("The server cannot be reached (%s). Check the address and the network, then try again."),
                            error->message);
  return st_sync_describe_error (error);
}

void
st_sync_problem_refine (GError       **error,
                        const char    *server,
                        GCancellable  *cancellable)
{
  StSyncProblem problem;
  g_autofree char *message = NULL;

  if (error == NULL || *error == NULL
      || !((*error)->domain == ST_SYNC_ERROR
           && ((*error)->code == ST_SYNC_ERROR_OFFLINE || (*error)->code == ST_SYNC_ERROR_SERVER)))
    return;
  problem = st_sync_problem_diagnose (server, cancellable);
  message = st_sync_problem_describe (problem, server);
  if (message == NULL)
    return;
  g_debug ("%s: %s", server, (*error)->message);
  g_clear_error (error);
  g_set_error_literal (error, ST_SYNC_PROBLEM, problem, message);
}
