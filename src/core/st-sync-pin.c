/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "st-sync.h"
#include "st-sync-pin.h"

char *
st_sync_pin_of (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *hex = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);
  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  return g_strconcat ("sha256:", hex, NULL);
}

gboolean
st_sync_pin_parse (const char  *pin,
                   char       **normal)
{
  g_autoptr(GString) hex = g_string_new (NULL);

  if (pin == NULL || g_ascii_strncasecmp (pin, "sha256:", 7) != 0)
    return FALSE;
  /* As OpenSSL prints it too (AB:CD:…). */
  for (const char *p = pin + 7; *p; p++)
    {
      if (*p == ':')
        continue;
      if (!g_ascii_isxdigit (*p))
        return FALSE;
      g_string_append_c (hex, g_ascii_tolower (*p));
    }
  if (hex->len != 64)
    return FALSE;
  if (normal != NULL)
    *normal = g_strconcat ("sha256:", hex->str, NULL);
  return TRUE;
}

/* The meta key of @server's pin: by origin, so that a path or a trailing
 * slash does not matter. */
static char *
pin_key (const char *server)
{
  g_autoptr(GUri) uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);
  int port;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
  return g_strdup_printf ("tls.pin.%s:%d", g_uri_get_host (uri), port);
}

char *
st_sync_get_pin (StDb       *db,
                 const char *server)
{
  g_autofree char *key = pin_key (server);

  return key != NULL ? st_db_get_meta (db, key) : NULL;
}

gboolean
st_sync_set_pin (StDb        *db,
                 const char  *server,
                 const char  *pin,
                 GError     **error)
{
  g_autofree char *key = pin_key (server);
  g_autofree char *normal = NULL;

  if (key == NULL)
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE, _("“%s” is not a server address."), server);
      return FALSE;
    }
  if (pin != NULL && !st_sync_pin_parse (pin, &normal))
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CERTIFICATE,
                   _("“%s” is not a certificate fingerprint: it reads sha256: and 64 hexadecimal digits."), pin);
      return FALSE;
    }
  return st_db_set_meta (db, key, normal, error);
}

gboolean
st_sync_set_ca_file (StDb        *db,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *absolute = NULL;

  if (path == NULL)
    return st_db_set_meta (db, "tls.ca_file", NULL, error);
  absolute = g_canonicalize_filename (path, NULL);
  database = g_tls_file_database_new (absolute, &local_error);
  if (database == NULL)
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CERTIFICATE,
                   _("The certificate authorities in %s cannot be read: %s"), absolute, local_error->message);
      return FALSE;
    }
  return st_db_set_meta (db, "tls.ca_file", absolute, error);
}

char *
st_sync_get_ca_file (StDb *db)
{
  return st_db_get_meta (db, "tls.ca_file");
}

static gboolean
accept_any (GTlsConnection       *connection,
            GTlsCertificate      *certificate,
            GTlsCertificateFlags  errors,
            gpointer              user_data)
{
  return TRUE;
}

char *
st_sync_server_pin (const char    *server,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GUri) uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  GTlsCertificate *certificate;
  int port;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE,
                   _("“%s” is not a server address: it must begin with https://."), server);
      return NULL;
    }
  port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 443;
  g_socket_client_set_timeout (client, 20);
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri), (guint16) port, cancellable, error);
  if (connection == NULL)
    return NULL;
  identity = g_network_address_new (g_uri_get_host (uri), (guint16) port);
  tls = g_tls_client_connection_new (G_IO_STREAM (connection), identity, error);
  if (tls == NULL)
    return NULL;
  /* Read, not trusted: nothing is sent over this connection. */
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_any), NULL);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), cancellable, error))
    return NULL;
  certificate = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (tls));
  g_io_stream_close (tls, NULL, NULL);
  if (certificate == NULL)
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CERTIFICATE, _("The server showed no certificate."));
      return NULL;
    }
  return st_sync_pin_of (certificate);
}

char *
st_sync_pin_from_error (const GError *error)
{
  const char *found = NULL;

  if (error == NULL || error->domain != ST_SYNC_ERROR
      || (error->code != ST_SYNC_ERROR_CERTIFICATE && error->code != ST_SYNC_ERROR_CERTIFICATE_CHANGED))
    return NULL;
  /* The message names the shown fingerprint last (st-sync.c). */
  for (const char *p = strstr (error->message, "sha256:"); p != NULL; p = strstr (p + 1, "sha256:"))
    {
      g_autofree char *candidate = g_strndup (p, 7 + 64);

      if (st_sync_pin_parse (candidate, NULL))
        found = p;
    }
  return found != NULL ? g_strndup (found, 7 + 64) : NULL;
}

char *
st_sync_pin_display (const char *pin)
{
  g_autofree char *normal = NULL;
  GString *text;
  const char *hex;

  if (!st_sync_pin_parse (pin, &normal))
    return g_strdup (pin);
  text = g_string_new ("SHA-256\n");
  hex = normal + 7;
  for (guint i = 0; i < 64; i += 4)
    {
      g_string_append_len (text, hex + i, 4);
      if (i + 4 < 64)
        g_string_append_c (text, (i + 4) % 32 == 0 ? '\n' : ' ');
    }
  return g_string_free (text, FALSE);
}
