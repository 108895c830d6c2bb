/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-server: the county's sync server (docs/deployment.md), and its
 * administration commands. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <stdio.h>

#include "st-locale.h"
#include "st-server-admin.h"
#include "st-server-auth.h"
#include "st-server-lock.h"
#include "st-server-log.h"
#include "st-server.h"
#include "st-store.h"

static char *
default_db_path (void)
{
  /* systemd's StateDirectory= (data/shuangti-server.service). */
  const char *state = g_getenv ("STATE_DIRECTORY");
  g_auto(GStrv) dirs = NULL;

  if (state == NULL || *state == '\0')
    return NULL;
  dirs = g_strsplit (state, ":", 2);
  return g_build_filename (dirs[0], "server.db", NULL);
}

static gboolean
positive (gint64       value,
          const char  *option)
{
  if (value > 0)
    return TRUE;
  {
    /* Translators: %s is an option such as --request-timeout */
    g_autofree char *message = g_strdup_printf (_("%s needs a number greater than 0."), option);

    g_printerr (_("shuangti-server: %s\n"), message);
  }
  return FALSE;
}

/* The serving options as given (0: the default). */
typedef struct
{
  gint64   max_body;
  gint64   token_lifetime;
  gint64   max_body_memory;
  int      request_timeout;
  int      max_clock_skew;      /* -1: the default */
  int      signin_failures;
  int      signin_failures_per_address;
  int      signin_lockout;
  int      shutdown_timeout;
  int      threads;
  int      max_connections;
  int      idle_timeout;
  gboolean quiet;
  gboolean version;
} Options;

/* Checks the serving options given and puts them in @config; FALSE (said)
 * when one is wrong. */
static gboolean
apply_options (const Options  *o,
               StServerConfig *config)
{
  if ((o->max_body != 0 && !positive (o->max_body, "--max-body"))
      || (o->request_timeout != 0 && !positive (o->request_timeout, "--request-timeout"))
      || (o->token_lifetime != 0 && !positive (o->token_lifetime, "--token-lifetime"))
      || (o->max_clock_skew != -1 && !positive (o->max_clock_skew + 1, "--max-clock-skew"))
      || (o->signin_failures != 0 && !positive (o->signin_failures, "--signin-failures"))
      || (o->signin_failures_per_address != 0 && !positive (o->signin_failures_per_address, "--signin-failures-per-address"))
      || (o->signin_lockout != 0 && !positive (o->signin_lockout, "--signin-lockout"))
      || (o->shutdown_timeout != 0 && !positive (o->shutdown_timeout, "--shutdown-timeout"))
      || (o->threads != 0 && !positive (o->threads, "--threads"))
      || (o->max_connections != 0 && !positive (o->max_connections, "--max-connections"))
      || (o->idle_timeout != 0 && !positive (o->idle_timeout, "--idle-timeout"))
      || (o->max_body_memory != 0 && !positive (o->max_body_memory, "--max-body-memory")))
    return FALSE;
  for (guint i = 0; config->trusted_proxies != NULL && config->trusted_proxies[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (config->trusted_proxies[i]);

      if (address == NULL)
        {
          /* Translators: %s is what was given after --trusted-proxy */
          g_autofree char *message = g_strdup_printf (_("--trusted-proxy needs an IP address, not “%s”."),
                                                      config->trusted_proxies[i]);

          g_printerr (_("shuangti-server: %s\n"), message);
          return FALSE;
        }
    }
  if (o->max_body > 0)
    config->max_body = o->max_body;
  if (o->request_timeout > 0)
    config->request_timeout = (guint) o->request_timeout;
  if (o->token_lifetime > 0)
    config->token_lifetime = o->token_lifetime;
  if (o->max_clock_skew >= 0)
    config->max_clock_skew = (guint) o->max_clock_skew;
  if (o->signin_failures > 0)
    config->signin_failures = (guint) o->signin_failures;
  if (o->signin_failures_per_address > 0)
    config->signin_failures_per_address = (guint) o->signin_failures_per_address;
  if (o->signin_lockout > 0)
    config->signin_lockout = (guint) o->signin_lockout;
  if (o->shutdown_timeout > 0)
    config->shutdown_timeout = (guint) o->shutdown_timeout;
  if (o->threads > 0)
    config->threads = (guint) o->threads;
  if (o->max_connections > 0)
    config->max_connections = (guint) o->max_connections;
  if (o->idle_timeout > 0)
    config->idle_timeout = (guint) o->idle_timeout;
  if (o->max_body_memory > 0)
    config->max_body_memory = o->max_body_memory;
  return TRUE;
}

/* Serves @config's database until SIGTERM. */
static int
serve (StServerConfig *config,
       gboolean        quiet)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StServer) server = NULL;

  /* A client that goes away mid-answer must not end the server. */
  signal (SIGPIPE, SIG_IGN);
  /* Each connection is a file: the soft limit (often 1024) up to the hard
   * one, which the unit sets (LimitNOFILE); --max-connections stays below. */
  {
    struct rlimit files;

    if (getrlimit (RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max)
      {
        files.rlim_cur = files.rlim_max;
        setrlimit (RLIMIT_NOFILE, &files);
      }
  }
  /* Every request allocates and frees a parsed JSON tree: without this,
   * glibc hands the memory back to the kernel after each one (madvise, a
   * TLB flush on every core) only to ask for it again. */
  mallopt (M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  /* Nor keep freed small blocks apart (fastbins): a push's tree is
   * thousands of them, and the next block of 1 KB or more (a row's text)
   * made glibc sweep them all up at once (malloc_consolidate, 6 % of the
   * server's time under bench-server). */
  mallopt (M_MXFAST, 0);
  /* SQLite counts every block it allocates under one mutex of the whole
   * process (memory statistics nobody here reads): the writer, the readers
   * of the pushes and the pulls took turns on it hundreds of thousands of
   * times a second. Only possible before SQLite is first used. */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
  st_server_log_init (quiet);

  /* Held until the end: a restore waits for the server to stop. A
   * PostgreSQL database has no file to lock, and several processes serve
   * it at once. */
  if (st_store_is_file (config->db_path) && st_server_lock (config->db_path, FALSE, &error) < 0)
    {
      g_printerr (_("shuangti-server: %s\n"), error->message);
      st_server_config_clear (config);
      return 1;
    }
  server = st_server_new (config, &error);
  if (server == NULL || !st_server_listen (server, &error))
    {
      g_printerr (_("shuangti-server: %s\n"), error->message);
      st_server_config_clear (config);
      return 1;
    }
  st_server_config_clear (config);
  st_server_run (server);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  StServerConfig config;
  Options o = { .max_clock_skew = -1 };
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &config.db_path,
      N_("The server database: a file (SQLite; default: $STATE_DIRECTORY/server.db under systemd) or a postgresql:// URI"), N_("FILE|URI") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &config.listen,
      N_("Address and port to serve on (default: 0.0.0.0:8443 with TLS, 127.0.0.1:8080 without; port 0 picks one)"), N_("ADDRESS:PORT") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &config.tls_cert, N_("The TLS certificate (PEM, with its chain)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &config.tls_key, N_("The certificate’s private key (PEM)"), N_("FILE") },
    { "insecure-http", 0, 0, G_OPTION_ARG_NONE, &config.insecure_http,
      N_("Serve plain HTTP on an address that is not loopback (only behind a TLS proxy)"), NULL },
    { "max-body", 0, 0, G_OPTION_ARG_INT64, &o.max_body, N_("Largest request body, in bytes (default: 8388608)"), N_("BYTES") },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &o.request_timeout,
      N_("Seconds a request may take to arrive, and an idle connection may stay open (default: 30)"), N_("SECONDS") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &o.idle_timeout,
      N_("Seconds a connection may stay open without a request’s headers (default: 10)"), N_("SECONDS") },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &o.max_connections,
      N_("Connections open at once; past it, the oldest without a request is closed (default: 1000)"), N_("N") },
    { "trusted-proxy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &config.trusted_proxies,
      N_("A reverse proxy whose X-Forwarded-For names the client (repeat for several)"), N_("ADDRESS") },
    { "max-body-memory", 0, 0, G_OPTION_ARG_INT64, &o.max_body_memory,
      N_("Bytes of request bodies held at once; past it, requests are answered 503 (default: 268435456)"), N_("BYTES") },
    { "token-lifetime", 0, 0, G_OPTION_ARG_INT64, &o.token_lifetime,
      N_("Seconds a sign-in stays valid (default: 2592000, 30 days)"), N_("SECONDS") },
    { "max-clock-skew", 0, 0, G_OPTION_ARG_INT, &o.max_clock_skew,
      N_("How far ahead of the server’s clock a change may be stamped, in seconds (default: 300)"), N_("SECONDS") },
    { "signin-failures", 0, 0, G_OPTION_ARG_INT, &o.signin_failures,
      N_("Wrong passwords of one account before it is locked for a while (default: 5)"), N_("N") },
    { "signin-failures-per-address", 0, 0, G_OPTION_ARG_INT, &o.signin_failures_per_address,
      N_("Wrong passwords from one address before it is locked for a while (default: 20)"), N_("N") },
    { "signin-lockout", 0, 0, G_OPTION_ARG_INT, &o.signin_lockout,
      N_("Seconds of the first lock, doubled at each further failure (default: 60)"), N_("SECONDS") },
    { "shutdown-timeout", 0, 0, G_OPTION_ARG_INT, &o.shutdown_timeout,
      N_("Seconds to let requests finish after SIGTERM (default: 30)"), N_("SECONDS") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o.threads, N_("Worker threads (default: one per processor)"), N_("N") },
    { "quiet", 0, 0, G_OPTION_ARG_NONE, &o.quiet, N_("Log warnings only, not every request"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &o.version, N_("Print the version"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const char *localedir = g_getenv ("ST_LOCALEDIR");
  int status;

  st_locale_init ();
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("shuangti-server");

  st_server_config_init (&config);
  context = g_option_context_new (_("[COMMAND …]"));
  g_option_context_set_summary (context, _("The Shuangti county server: laptops sync with it over HTTPS."));
  g_option_context_set_description (context,
    _("Without a command, serves until SIGTERM.\n"
      "\n"
      "Commands (the password is asked for, or read as one line from standard input):\n"
      "  user add NAME --role trainer|township|county|admin [--township CODE …]\n"
      "  user modify NAME [--role ROLE] [--township CODE …]\n"
      "  user passwd NAME\n"
      "  user disable NAME\n"
      "  user enable NAME\n"
      "  user list [--json]\n"
      "  device list [--json]\n"
      "  device revoke DEVICE\n"
      "  audit [--participant ID-NUMBER|KEY] [--account NAME] [--device DEVICE] [--table TABLE]\n"
      "        [--since TIME] [--until TIME] [--admin] [--limit N] [--json]\n"
      "  backup FILE [--replace]\n"
      "  restore FILE   (with the server stopped)\n"
      "  compact --older-than DAYS [--vacuum]\n"
      "  bundle import FILE --reply REPLY   (a laptop's bundle, sync by file)\n"
      "  migrate --from FILE --to postgresql://…   (a SQLite database into PostgreSQL)\n"
      "\n"
      "See docs/deployment.md."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  /* Options after a command belong to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr (_("shuangti-server: %s\n"), error->message);
      st_server_config_clear (&config);
      return 2;
    }
  if (o.version)
    {
      g_print ("shuangti-server %s\n", PACKAGE_VERSION);
      st_server_config_clear (&config);
      return 0;
    }
  if (!st_auth_init ())
    {
      g_printerr (_("shuangti-server: %s\n"), _("libsodium cannot start."));
      st_server_config_clear (&config);
      return 1;
    }
  if (config.db_path == NULL)
    config.db_path = default_db_path ();

  if (argc > 1 && !g_str_equal (argv[1], "serve"))
    {
      status = st_admin_run (config.db_path, argc - 1, argv + 1);
      st_server_config_clear (&config);
      return status;
    }
  if (argc > 2)
    {
      g_printerr (_("shuangti-server: %s\n"), _("serve takes no arguments; see --help."));
      st_server_config_clear (&config);
      return 2;
    }

  if (!apply_options (&o, &config))
    {
      st_server_config_clear (&config);
      return 2;
    }
  if (config.db_path == NULL)
    {
      g_printerr (_("shuangti-server: %s\n"), _("Give the server database with --db FILE."));
      st_server_config_clear (&config);
      return 2;
    }
  if (config.listen == NULL)
    config.listen = g_strdup (config.tls_cert ? "0.0.0.0:8443" : "127.0.0.1:8080");

  return serve (&config, o.quiet);
}

