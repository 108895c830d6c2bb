/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The county's own certificate (issue 16, item 5), end to end: the real
 * shuangti-server with a self-signed certificate, and a laptop's
 * shuangti-cli. Not trusted at first, the CLI shows the fingerprint the
 * server printed; pinned, it syncs; the server's certificate renewed, the
 * laptop refuses it by name until the new fingerprint is given; a CA file
 * is trusted as the system's store would be. */
#include "config.h"

#include <string.h>

#include "st-db.h"
#include "st-sync-pin.h"
#include "st-test-server.h"

static char *
data_file (const char *name)
{
  return g_build_filename (g_getenv ("ST_TEST_SERVER_DATA"), name, NULL);
}

/* The key as a deployment keeps it: readable by its owner only. */
static char *
private_key (const char *name)
{
  g_autofree char *source = data_file (name);
  g_autofree char *text = NULL;
  char *copy = st_test_db_path (name);

  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  g_assert_true (g_file_set_contents_full (copy, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  return copy;
}

static char *
pin_of_file (const char *name)
{
  g_autofree char *path = data_file (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  return st_sync_pin_of (certificate);
}

/* shuangti-cli --db @db ARGS…: its exit status, and its standard error. */
static int
cli (const char  *db,
     char       **err,
     ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                      | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) g_getenv ("ST_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "ST_PASSWORD", ST_TEST_PASSWORD, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error));
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

/* As `openssl x509 -noout -fingerprint -sha256` prints it: upper case, in
 * pairs with colons. */
static char *
openssl_style (const char *pin)
{
  g_autoptr(GString) text = g_string_new ("SHA256:");

  for (const char *p = pin + strlen ("sha256:"); *p; p += 2)
    g_string_append_printf (text, "%s%c%c", p == pin + 7 ? "" : ":", g_ascii_toupper (p[0]), g_ascii_toupper (p[1]));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_pin (void)
{
  g_autofree char *server_db = st_test_db_path ("server.db");
  g_autofree char *laptop = st_test_db_path ("laptop.db");
  g_autofree char *cert = data_file ("test-cert.pem");
  g_autofree char *key = private_key ("test-key.pem");
  g_autofree char *renewed_cert = data_file ("test-cert-renewed.pem");
  g_autofree char *renewed_key = private_key ("test-key-renewed.pem");
  g_autofree char *pin = pin_of_file ("test-cert.pem");
  g_autofree char *renewed_pin = pin_of_file ("test-cert-renewed.pem");
  g_autofree char *shown = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *url = NULL;
  g_autofree char *err = NULL;
  g_autofree char *typed = NULL;
  g_autoptr(GError) error = NULL;
  StTestServer *server;

  st_test_add_user (server_db, "county", "county", NULL);
  server = st_test_server_start (server_db, "--tls-cert", cert, "--tls-key", key, NULL);
  url = g_strdup_printf ("https://127.0.0.1:%u", server->port);
  listen = g_strdup_printf ("127.0.0.1:%u", server->port);

  /* What a handshake reads is the certificate's own fingerprint. */
  shown = st_sync_server_pin (url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (shown, ==, pin);

  /* Not trusted: nothing is sent, and the fingerprint is shown. */
  g_assert_cmpint (cli (laptop, &err, "sync", "--server", url, "--user", "county", NULL), ==, 1);
  g_assert_nonnull (strstr (err, pin));
  g_assert_nonnull (strstr (err, "not trusted"));
  g_assert_nonnull (strstr (err, "--pin"));
  g_clear_pointer (&err, g_free);

  /* Given as OpenSSL prints it: signed in and synced. */
  typed = openssl_style (pin);
  g_assert_cmpint (cli (laptop, &err, "sync", "--server", url, "--user", "county", "--pin", typed, NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  /* Kept: the next sync needs nothing more. */
  g_assert_cmpint (cli (laptop, &err, "sync", NULL), ==, 0);
  g_clear_pointer (&err, g_free);

  /* The certificate renewed, on the same address: refused by name, with
   * both fingerprints. */
  st_test_server_stop (server);
  st_test_server_free (server);
  server = st_test_server_start (server_db, "--listen", listen, "--tls-cert", renewed_cert, "--tls-key", renewed_key,
                                 NULL);
  g_assert_cmpint (cli (laptop, &err, "sync", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "not the one this laptop accepted"));
  g_assert_nonnull (strstr (err, pin));
  g_assert_nonnull (strstr (err, renewed_pin));
  g_clear_pointer (&err, g_free);
  /* A wrong fingerprint is no better. */
  g_assert_cmpint (cli (laptop, &err, "sync", "--pin", pin, NULL), ==, 1);
  g_clear_pointer (&err, g_free);
  /* Not a fingerprint at all: said, and nothing kept. */
  g_assert_cmpint (cli (laptop, &err, "sync", "--pin", "sha256:1234", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "not a certificate fingerprint"));
  g_clear_pointer (&err, g_free);
  /* The renewal accepted. */
  g_assert_cmpint (cli (laptop, &err, "sync", "--pin", renewed_pin, NULL), ==, 0);
  g_clear_pointer (&err, g_free);

  st_test_server_stop (server);
  st_test_server_free (server);
}

/* A county with its own certificate authority: its PEM file given once. */
static void
test_ca_file (void)
{
  g_autofree char *server_db = st_test_db_path ("ca-server.db");
  g_autofree char *laptop = st_test_db_path ("ca-laptop.db");
  g_autofree char *cert = data_file ("test-cert.pem");
  g_autofree char *key = private_key ("test-key.pem");
  g_autofree char *url = NULL;
  g_autofree char *err = NULL;
  g_autofree char *missing = st_test_db_path ("no-such-ca.pem");
  StTestServer *server;

  st_test_add_user (server_db, "county", "county", NULL);
  server = st_test_server_start (server_db, "--tls-cert", cert, "--tls-key", key, NULL);
  url = g_strdup_printf ("https://127.0.0.1:%u", server->port);
  g_assert_cmpint (cli (laptop, &err, "sync", "--server", url, "--user", "county", "--ca-file", missing, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "cannot be read"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (laptop, &err, "sync", "--server", url, "--user", "county", "--ca-file", cert, NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (laptop, &err, "sync", NULL), ==, 0);
  st_test_server_stop (server);
  st_test_server_free (server);
}

static void
test_pin_parse (void)
{
  g_autofree char *normal = NULL;

  g_assert_true (st_sync_pin_parse ("sha256:AF:C6:3D:C6:36:E6:4B:0B:0C:98:D2:BC:F3:6F:FE:58:38:90:76:C9:0F:0A:A8:D6:F6:8D:E9:34:95:16:A3:C2",
                                    &normal));
  g_assert_cmpstr (normal, ==, "sha256:afc63dc636e64b0b0c98d2bcf36ffe58389076c90f0aa8d6f68de9349516a3c2");
  g_assert_false (st_sync_pin_parse ("sha1:afc63dc636e64b0b0c98d2bcf36ffe58389076c9", NULL));
  g_assert_false (st_sync_pin_parse ("sha256:afc63dc636e64b0b0c98d2bcf36ffe58389076c90f0aa8d6f68de9349516a3c", NULL));
  g_assert_false (st_sync_pin_parse ("sha256:zfc63dc636e64b0b0c98d2bcf36ffe58389076c90f0aa8d6f68de9349516a3c2", NULL));
  g_assert_false (st_sync_pin_parse (NULL, NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/sync/pin/parse", test_pin_parse);
  g_test_add_func ("/sync/pin/self-signed", test_pin);
  g_test_add_func ("/sync/pin/ca-file", test_ca_file);
  return g_test_run ();
}
