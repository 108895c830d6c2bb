/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli sync and conflicts: the sync engine from the command line. */
#define G_LOG_DOMAIN "st-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "st-cli-private.h"
#include "st-sync.h"
#include "st-sync-pin.h"

/* The password: from ST_PASSWORD, or the first line of stdin — never from
 * the command line, where other users of the machine could read it. */
char *
st_cli_read_password (void)
{
  const char *password = g_getenv ("ST_PASSWORD");
  char line[1100];

  if (password == NULL)
    {
      if (isatty (fileno (stdin)))
        g_printerr ("%s", _("Password: "));
      if (fgets (line, sizeof line, stdin) != NULL)
        line[strcspn (line, "\r\n")] = '\0';
      else
        line[0] = '\0';
      password = line;
    }
  if (*password == '\0')
    {
      st_cli_error (_("No password given (ST_PASSWORD or standard input)."));
      return NULL;
    }
  return g_strdup (password);
}

static void
print_progress (const StSyncProgress *progress,
                gpointer              user_data)
{
  gboolean *verbose = user_data;

  if (!*verbose)
    return;
  if (progress->phase == ST_SYNC_PHASE_PUSHING)
    g_printerr (_("Sending: %lld of %lld\n"), (long long) progress->done, (long long) progress->total);
  else if (progress->phase == ST_SYNC_PHASE_PULLING && progress->done > 0)
    g_printerr (_("Receiving: %lld\n"), (long long) progress->done);
}

static int
sync_status (Globals *g,
             StDb    *db)
{
  g_autoptr(StSyncAccount) account = st_sync_account_load (db);
  g_autoptr(GError) error = NULL;
  gint64 pending = st_sync_count_pending_full (db, &error);
  gint64 items = pending >= 0 ? st_sync_count_items (db) : -1;
  gint64 last = st_sync_last_sync (db);

  if (pending < 0)
    return st_cli_fail (g_steal_pointer (&error));
  if (items < 0)
    return st_cli_db_failed (db);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      st_json_add_string (b, "server", account ? account->server : NULL);
      st_json_add_string (b, "account", account ? account->name : NULL);
      st_json_add_string (b, "role", account ? account->role : NULL);
      st_json_add_int (b, "pending", pending);
      st_json_add_int (b, "review_items", items);
      st_json_add_int (b, "last_sync_at", last);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      st_cli_print_json (root);
      return 0;
    }
  if (account != NULL)
    g_print (_("Server: %s (account %s, role %s)\n"), account->server, account->name,
             account->role ? account->role : "?");
  else
    g_print ("%s\n", _("Not signed in to a server."));
  g_print (g_dngettext (GETTEXT_PACKAGE, "%lld change waiting to be sent\n",
                        "%lld changes waiting to be sent\n", (gulong) pending), (long long) pending);
  g_print (g_dngettext (GETTEXT_PACKAGE, "%lld item to review\n",
                        "%lld items to review\n", (gulong) items), (long long) items);
  if (last > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (last / 1000);
      g_autofree char *text = g_date_time_format (when, "%Y-%m-%d %H:%M:%S");

      g_print (_("Last sync: %s\n"), text);
    }
  else
    g_print ("%s\n", _("Never synced."));
  return 0;
}

int
st_cli_sync (Globals *g, int argc, char **argv)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *ca_file = NULL;
  gboolean verbose = FALSE;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("The county server (default: the last one)"), N_("URL") },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin,
      N_("Trust the server’s certificate with this fingerprint, as the county office gave it (kept for that server)"),
      N_("sha256:…") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      N_("Trust the certificate authorities in this PEM file besides the system’s (kept)"), N_("FILE") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("The account (default: the last one)"), N_("NAME") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Show progress"), NULL },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StSyncAccount) saved = NULL;
  g_autoptr(StSyncAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  StSyncOptions options = { 0 };
  StSyncStats stats = { 0 };
  gboolean ok;

  if (!st_cli_parse_options ("sync", N_("[status] [--server URL] [--user NAME]"),
                             N_("Send this laptop’s changes to the county server and receive the others’. "
                                "The password is read from the environment variable ST_PASSWORD or from the first line of standard input."),
                             entries, &argc, &argv))
    return 2;
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  if (argc >= 2 && g_str_equal (argv[1], "status"))
    return sync_status (g, db);
  if (argc >= 2)
    {
      st_cli_error (_("usage: sync [status] [--server URL] [--user NAME]"));
      return 2;
    }

  saved = st_sync_account_load (db);
  if (server == NULL && saved != NULL)
    server = g_strdup (saved->server);
  if (user == NULL && saved != NULL)
    user = g_strdup (saved->name);
  if (server == NULL || user == NULL)
    {
      st_cli_error (_("Say which server and account: sync --server URL --user NAME"));
      return 2;
    }
  if ((pin != NULL && !st_sync_set_pin (db, server, pin, &error))
      || (ca_file != NULL && !st_sync_set_ca_file (db, ca_file, &error)))
    {
      st_cli_error (error->message);
      return 2;
    }
  password = st_cli_read_password ();
  if (password == NULL)
    return 2;

  account = st_sync_sign_in (db, server, user, password, NULL, &error);
  if (account == NULL)
    {
      g_autofree char *text = st_sync_describe_error (error);

      st_cli_error (text);
      if (g_strcmp0 (text, error->message) != 0)
        g_printerr ("(%s)\n", error->message);
      if (g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CERTIFICATE)
          || g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CERTIFICATE_CHANGED))
        g_printerr ("%s\n", _("To accept it, run the same command again with --pin and that fingerprint (or --ca-file with the county’s certificate authority)."));
      return 1;
    }

  options.progress = print_progress;
  options.progress_data = &verbose;
  ok = st_sync_run (db, account->token, &options, &stats, NULL, &error);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, ok);
      st_json_add_int (b, "pushed", stats.pushed);
      st_json_add_int (b, "applied", stats.applied);
      st_json_add_int (b, "duplicates", stats.duplicates);
      st_json_add_int (b, "conflicts", stats.conflicts);
      st_json_add_int (b, "rejected", stats.rejected);
      st_json_add_int (b, "pulled", stats.pulled);
      st_json_add_int (b, "evicted", stats.evicted);
      st_json_add_int (b, "requests", stats.requests);
      st_json_add_int (b, "bytes_sent", stats.bytes_sent);
      st_json_add_int (b, "bytes_received", stats.bytes_received);
      st_json_add_int (b, "pending", st_sync_count_pending (db));
      st_json_add_int (b, "review_items", st_sync_count_items (db));
      if (!ok)
        {
          g_autofree char *text = st_sync_describe_error (error);

          st_json_add_string (b, "error", text);
          st_json_add_string (b, "details", error->message);
        }
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      st_cli_print_json (root);
    }
  else if (ok)
    {
      gint64 items = st_sync_count_items (db);

      g_print (_("Sent %lld changes (%lld applied, %lld already there, %lld conflicts, %lld refused); received %lld.\n"),
               (long long) stats.pushed, (long long) stats.applied, (long long) stats.duplicates,
               (long long) stats.conflicts, (long long) stats.rejected, (long long) stats.pulled);
      if (items > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE,
                              "%lld item to review: shuangti-cli conflicts list\n",
                              "%lld items to review: shuangti-cli conflicts list\n", (gulong) items), (long long) items);
    }
  if (!ok && !g->json)
    {
      g_autofree char *text = st_sync_describe_error (error);

      st_cli_error (text);
      if (g_strcmp0 (text, error->message) != 0)
        g_printerr ("(%s)\n", error->message);
    }
  return ok ? 0 : 1;
}

int
st_cli_conflicts (Globals *g, int argc, char **argv)
{
  gboolean use_other = FALSE;
  GOptionEntry entries[] = {
    { "use-other", 0, 0, G_OPTION_ARG_NONE, &use_other, N_("Resolve by writing the value that lost (default: keep what won)"), NULL },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  if (!st_cli_parse_options ("conflicts", N_("list | resolve ID [--use-other]"),
                             N_("Conflicts, merges and refused changes waiting for a person to look at them."),
                             entries, &argc, &argv))
    return 2;
  if (argc < 2 || (g_str_equal (argv[1], "resolve") && argc != 3)
      || (!g_str_equal (argv[1], "resolve") && !g_str_equal (argv[1], "list")))
    {
      st_cli_error (_("usage: conflicts list | conflicts resolve ID [--use-other]"));
      return 2;
    }
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;

  if (g_str_equal (argv[1], "resolve"))
    {
      if (!st_sync_resolve_item (db, argv[2], use_other, &error))
        return st_cli_fail (g_steal_pointer (&error));
      if (!g->json)
        g_print ("%s\n", _("Resolved. The resolution reaches the server at the next sync."));
      return 0;
    }

  items = st_sync_list_items (db, &error);
  if (items == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      static const char *const kinds[] = { "conflict", "merge", "refused", "delete" };

      json_builder_begin_array (b);
      for (guint i = 0; i < items->len; i++)
        {
          StSyncItem *item = g_ptr_array_index (items, i);

          json_builder_begin_object (b);
          st_json_add_string (b, "id", item->id);
          st_json_add_string (b, "kind", kinds[item->kind]);
          st_json_add_string (b, "table", item->table);
          st_json_add_string (b, "row", item->row);
          st_json_add_string (b, "township_code", item->township_code);
          st_json_add_string (b, "summary", item->summary);
          st_json_add_int (b, "created_at", item->created_at);
          if (item->data != NULL)
            {
              JsonNode *node = json_node_new (JSON_NODE_OBJECT);

              json_node_set_object (node, item->data);
              json_builder_set_member_name (b, "data");
              json_builder_add_value (b, node);
            }
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      st_cli_print_json (root);
      return 0;
    }
  if (items->len == 0)
    g_print ("%s\n", _("Nothing to review."));
  for (guint i = 0; i < items->len; i++)
    {
      StSyncItem *item = g_ptr_array_index (items, i);

      g_print ("%s\t%s\n", item->id, item->summary);
    }
  return 0;
}
