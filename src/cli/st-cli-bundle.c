/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli bundle: sync by file (st-bundle.h). A laptop without a
 * network exports a bundle; any signed-in laptop relays it to the server
 * and brings back the reply; the first laptop imports the reply. */
#define G_LOG_DOMAIN "st-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "st-bundle.h"
#include "st-cli-private.h"

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      st_cli_error (error->message);
      return NULL;
    }
  return g_bytes_new_take (contents, length);
}

static gboolean
write_file (const char *path,
            GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &error))
    {
      st_cli_error (error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (ms / 1000);

  return when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

static int
fail_with (const GError *error)
{
  g_autofree char *text = st_bundle_describe_error (error);

  st_cli_error (text);
  if (g_strcmp0 (text, error->message) != 0)
    g_printerr ("(%s)\n", error->message);
  return 1;
}

static void
print_bundle (Globals            *g,
              const StBundleInfo *info,
              const char         *path)
{
  g_autofree char *made = format_time (info->made_at);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      st_json_add_string (b, "file", path);
      st_json_add_string (b, "id", info->id);
      st_json_add_string (b, "device", info->device);
      st_json_add_string (b, "account", info->account);
      st_json_add_string (b, "server", info->server);
      st_json_add_int (b, "made_at", info->made_at);
      st_json_add_int (b, "changes", info->changes);
      st_json_add_int (b, "bytes", info->size);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      st_cli_print_json (root);
      return;
    }
  /* Translators: the file, the number of changes, the account, the time it was made, its size */
  g_print (g_dngettext (GETTEXT_PACKAGE, "%s: %lld change of account %s, made %s (%lld bytes), for %s.\n",
                        "%s: %lld changes of account %s, made %s (%lld bytes), for %s.\n", (gulong) info->changes), path,
           (long long) info->changes, info->account ? info->account : "?", made, (long long) info->size,
           info->server ? info->server : "?");
}

static void
print_reply (Globals                 *g,
             const StBundleReplyInfo *info,
             gboolean                 applied,
             gint64                   pulled)
{
  g_autofree char *issued = format_time (info->issued / 1000);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "applied_here");
      json_builder_add_boolean_value (b, applied);
      st_json_add_string (b, "bundle", info->bundle);
      st_json_add_int (b, "issued", info->issued / 1000);
      st_json_add_string (b, "courier", info->courier);
      st_json_add_int (b, "results", info->results);
      st_json_add_int (b, "applied", info->applied);
      st_json_add_int (b, "duplicates", info->duplicates);
      st_json_add_int (b, "conflicts", info->conflicts);
      st_json_add_int (b, "rejected", info->rejected);
      st_json_add_int (b, "pages", info->pages);
      st_json_add_int (b, "entries", info->entries);
      if (applied)
        st_json_add_int (b, "pulled", pulled);
      st_json_add_string (b, "refusal", info->refusal);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      st_cli_print_json (root);
      return;
    }
  /* Translators: when the server made the reply, then the counts of changes */
  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Reply of %s: the server answered %lld change (%lld applied, %lld already there, %lld conflicts, "
                        "%lld refused) and sends %lld rows.\n",
                        "Reply of %s: the server answered %lld changes (%lld applied, %lld already there, %lld conflicts, "
                        "%lld refused) and sends %lld rows.\n", (gulong) info->results),
           issued, (long long) info->results, (long long) info->applied, (long long) info->duplicates,
           (long long) info->conflicts, (long long) info->rejected, (long long) info->entries);
  if (info->refusal != NULL)
    /* Translators: the server's code and message */
    g_print (_("The server did not take some changes yet (%s): they go again in the next bundle.\n"), info->refusal);
}

static int
bundle_export (Globals    *g,
               StDb       *db,
               const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StBundleInfo) info = NULL;
  g_autoptr(GBytes) bundle = st_bundle_export (db, &info, &error);

  if (bundle == NULL)
    return fail_with (error);
  if (!write_file (path, bundle))
    return 1;
  print_bundle (g, info, path);
  if (!g->json)
    g_print ("%s\n", _("Take the file to a laptop or office with a network: shuangti-cli bundle relay FILE --reply REPLY."));
  return 0;
}

static int
bundle_show (Globals    *g,
             StDb       *db,
             const char *path)
{
  g_autoptr(GBytes) bytes = read_file (path);
  g_autoptr(GError) error = NULL;
  StBundleKind kind;
  char device[ST_BUNDLE_DEVICE_LEN + 1];

  if (bytes == NULL)
    return 1;
  if (!st_bundle_peek (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &kind, device, &error))
    return fail_with (error);
  if (kind == ST_BUNDLE_KIND_BUNDLE)
    {
      g_autoptr(StBundleInfo) info = st_bundle_describe (bytes, &error);

      if (info == NULL)
        return fail_with (error);
      print_bundle (g, info, path);
      return 0;
    }
  {
    g_autoptr(StBundleReplyInfo) info = st_bundle_describe_reply (db, bytes, &error);

    if (info == NULL)
      return fail_with (error);
    print_reply (g, info, FALSE, 0);
  }
  return 0;
}

static int
bundle_relay (Globals    *g,
              StDb       *db,
              const char *path,
              const char *reply_path)
{
  g_autoptr(GBytes) bundle = read_file (path);
  g_autoptr(StSyncAccount) saved = NULL;
  g_autoptr(StSyncAccount) account = NULL;
  g_autoptr(StBundleInfo) info = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;

  if (bundle == NULL)
    return 1;
  info = st_bundle_describe (bundle, &error);
  if (info == NULL)
    return fail_with (error);
  saved = st_sync_account_load (db);
  if (saved == NULL)
    {
      st_cli_error (_("This laptop is not signed in to a server: run shuangti-cli sync --server URL --user NAME once."));
      return 2;
    }
  password = st_cli_read_password ();
  if (password == NULL)
    return 2;
  account = st_sync_sign_in (db, saved->server, saved->name, password, NULL, &error);
  if (account == NULL)
    return fail_with (error);
  reply = st_bundle_relay (db, account->token, bundle, NULL, &error);
  if (reply == NULL)
    return fail_with (error);
  if (!write_file (reply_path, reply))
    return 1;
  if (g->json)
    st_cli_print_result (g, NULL, "reply", reply_path, "#bytes", (gint64) g_bytes_get_size (reply),
                         "#changes", info->changes, NULL);
  else
    /* Translators: the number of changes, the reply file */
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "The server took the bundle (%lld change). Its reply is in %s: take it back to the laptop "
                          "that made the bundle (only that laptop can open it).\n",
                          "The server took the bundle (%lld changes). Its reply is in %s: take it back to the laptop "
                          "that made the bundle (only that laptop can open it).\n", (gulong) info->changes),
             (long long) info->changes, reply_path);
  return 0;
}

static int
bundle_import (Globals    *g,
               StDb       *db,
               const char *path)
{
  g_autoptr(GBytes) reply = read_file (path);
  g_autoptr(StBundleReplyInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };

  if (reply == NULL)
    return 1;
  info = st_bundle_describe_reply (db, reply, &error);
  if (info == NULL || !st_bundle_import (db, reply, &stats, &error))
    return fail_with (error);
  print_reply (g, info, TRUE, stats.pulled);
  if (!g->json)
    {
      gint64 items = st_sync_count_items (db);

      g_print (_("Applied: %lld changes acknowledged, %lld rows received.\n"), (long long) stats.pushed,
               (long long) stats.pulled);
      if (items > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE,
                              "%lld item to review: shuangti-cli conflicts list\n",
                              "%lld items to review: shuangti-cli conflicts list\n", (gulong) items), (long long) items);
    }
  return 0;
}

int
st_cli_bundle (Globals *g, int argc, char **argv)
{
  g_autofree char *reply_path = NULL;
  GOptionEntry entries[] = {
    { "reply", 0, 0, G_OPTION_ARG_FILENAME, &reply_path, N_("Where relay writes the server’s reply"), N_("REPLY") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  const char *what;

  if (!st_cli_parse_options ("bundle", N_("export FILE | relay FILE --reply REPLY | import REPLY | show FILE"),
                             N_("Sync by file for a laptop that never reaches the network: export its changes to "
                                "FILE, relay FILE from any signed-in laptop (the password is read from ST_PASSWORD "
                                "or standard input), and import the REPLY on the laptop that made FILE. "
                                "The courier can neither read nor change either file."),
                             entries, &argc, &argv))
    return 2;
  what = argc >= 2 ? argv[1] : "";
  if (argc != 3 || !(g_str_equal (what, "export") || g_str_equal (what, "relay")
                     || g_str_equal (what, "import") || g_str_equal (what, "show"))
      || (g_str_equal (what, "relay") && reply_path == NULL))
    {
      st_cli_error (_("usage: bundle export FILE | bundle relay FILE --reply REPLY | bundle import REPLY | bundle show FILE"));
      return 2;
    }
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  if (g_str_equal (what, "export"))
    return bundle_export (g, db, argv[2]);
  if (g_str_equal (what, "relay"))
    return bundle_relay (g, db, argv[2], reply_path);
  if (g_str_equal (what, "import"))
    return bundle_import (g, db, argv[2]);
  return bundle_show (g, db, argv[2]);
}
