/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a failed connection is said to be: the cases the sign-in tests
 * cannot make on a build machine (no network at all, a laptop's clock
 * before the certificate's first day), and the words of a clock far off. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "st-sync-problem.h"

static void
test_no_network (void)
{
  g_autoptr(GError) resolve = g_error_new_literal (G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE, "no DNS");
  StSyncProbe probe = { .network_available = FALSE, .resolve_error = resolve };
  g_autofree char *said = NULL;

  g_assert_cmpint (st_sync_problem_classify (&probe), ==, ST_SYNC_PROBLEM_NO_NETWORK);
  /* The laptop's own server needs no network. */
  probe.local_host = TRUE;
  g_assert_cmpint (st_sync_problem_classify (&probe), ==, ST_SYNC_PROBLEM_NAME_UNKNOWN);
  said = st_sync_problem_describe (ST_SYNC_PROBLEM_NO_NETWORK, "https://shuangti.example.cn");
  g_assert_cmpstr (said, ==, "This laptop is not connected to a network. Connect to Wi-Fi or plug in a cable, then try again. Changes are kept on this laptop meanwhile.");
}

static void
test_certificate (void)
{
  g_autoptr(GError) tls = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "Unacceptable TLS certificate");
  StSyncProbe probe = { .network_available = TRUE, .connect_error = tls, .tls_started = TRUE };

  probe.tls_errors = G_TLS_CERTIFICATE_NOT_ACTIVATED;
  g_assert_cmpint (st_sync_problem_classify (&probe), ==, ST_SYNC_PROBLEM_CLOCK);
  probe.tls_errors = G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_UNKNOWN_CA;
  g_assert_cmpint (st_sync_problem_classify (&probe), ==, ST_SYNC_PROBLEM_CLOCK);
  probe.tls_errors = G_TLS_CERTIFICATE_UNKNOWN_CA;
  g_assert_cmpint (st_sync_problem_classify (&probe), ==, ST_SYNC_PROBLEM_UNTRUSTED);
  probe.tls_errors = G_TLS_CERTIFICATE_BAD_IDENTITY;
  g_assert_cmpint (st_sync_problem_classify (&probe), ==, ST_SYNC_PROBLEM_UNTRUSTED);
  /* Everything answered: the engine's own error stands. */
  probe.connect_error = NULL;
  g_assert_cmpint (st_sync_problem_classify (&probe), ==, ST_SYNC_PROBLEM_NONE);
  g_assert_null (st_sync_problem_describe (ST_SYNC_PROBLEM_NONE, "https://x"));
}

static void
test_clock (void)
{
  g_autofree char *behind = st_sync_problem_describe_clock (3 * 3600 * 1000 + 60 * 1000);
  g_autofree char *ahead = st_sync_problem_describe_clock (-20 * 60 * 1000);
  g_autofree char *days = st_sync_problem_describe_clock ((gint64) 400 * 24 * 3600 * 1000);

  g_assert_null (st_sync_problem_describe_clock (4 * 60 * 1000));
  g_assert_null (st_sync_problem_describe_clock (-4 * 60 * 1000));
  g_assert_nonnull (strstr (behind, "3 hours behind"));
  g_assert_nonnull (strstr (ahead, "20 minutes ahead"));
  g_assert_nonnull (strstr (days, "400 days behind"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/sync/problem/no-network", test_no_network);
  g_test_add_func ("/sync/problem/certificate", test_certificate);
  g_test_add_func ("/sync/problem/clock", test_clock);
  return g_test_run ();
}
