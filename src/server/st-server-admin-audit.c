/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-server audit: the changes the server applied, searched by
 * participant, account, laptop, time and table, and the administration
 * commands run on it (--admin). */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "st-idcard.h"
#include "st-json-build.h"
#include "st-json-guard.h"
#include "st-server-admin-private.h"

#define DEFAULT_LIMIT 1000

static void
print_values (const char *label,
              const char *json_text)
{
  g_autoptr(JsonNode) node = json_text ? st_json_from_string (json_text, NULL) : NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &name, &value))
    {
      g_autofree char *text = json_to_string (value, FALSE);

      g_print ("    %s %s: %s\n", label, name, text);
    }
}

static void
add_json_text (JsonBuilder *b,
               const char  *name,
               const char  *text)
{
  JsonNode *node = text ? st_json_from_string (text, NULL) : NULL;

  json_builder_set_member_name (b, name);
  if (node != NULL)
    json_builder_add_value (b, node);
  else
    json_builder_add_null_value (b);
}

/* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]", local time, as ms; -1 when it
 * is neither. */
static gint64
parse_time (const char *text)
{
  int y, mo, d, h = 0, mi = 0, sec = 0, end = -1;
  g_autoptr(GDateTime) t = NULL;

  if (!(sscanf (text, "%4d-%2d-%2d%n", &y, &mo, &d, &end) == 3 && end > 0 && text[end] == '\0')
      && !(sscanf (text, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h, &mi, &end) == 5 && end > 0 && text[end] == '\0')
      && !(sscanf (text, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &end) == 6 && end > 0
           && text[end] == '\0'))
    return -1;
  if (!g_date_valid_dmy (d, mo, y) || h > 23 || mi > 59 || sec > 59)
    return -1;
  t = g_date_time_new_local (y, mo, d, h, mi, sec);
  return t != NULL ? g_date_time_to_unix (t) * 1000 : -1;
}

static void
change_to_json (JsonBuilder      *b,
                const StLogEntry *e)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "table");
  json_builder_add_string_value (b, e->table);
  json_builder_set_member_name (b, "row");
  json_builder_add_string_value (b, e->row_id);
  json_builder_set_member_name (b, "at");
  json_builder_add_int_value (b, e->at);
  json_builder_set_member_name (b, "account");
  json_builder_add_string_value (b, e->account_name);
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, e->device);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, e->kind);
  json_builder_set_member_name (b, "result");
  json_builder_add_string_value (b, e->result);
  st_json_add_string (b, "code", e->code);
  json_builder_set_member_name (b, "hlc");
  json_builder_add_int_value (b, e->hlc);
  add_json_text (b, "old", e->old_values);
  add_json_text (b, "new", e->new_values);
  json_builder_end_object (b);
}

static void
change_print (const StLogEntry *e)
{
  g_autofree char *when = st_admin_format_time (e->at);
  g_autofree char *result = NULL;
  const char *what = g_str_equal (e->kind, "insert") ? _("created")
                     : g_str_equal (e->kind, "delete") ? _("deleted") : _("changed");

  if (g_str_equal (e->result, "applied"))
    result = g_strdup (_("applied"));
  else if (g_str_equal (e->result, "conflict"))
    result = g_strdup (g_strcmp0 (e->code, "server") == 0
                       ? _("conflict: not applied, a newer value was kept; this one is kept for review")
                       : _("conflict: applied over a value it had not seen; that value is kept for review"));
  else
    result = g_strdup_printf (_("refused (%s)"), e->code ? e->code : "?");
  /* Translators: time, account, device, table, row key, what was done, the result */
  g_print (_("  %s  %s on laptop %.8s: %s %s %s, %s\n"), when, e->account_name, e->device,
           e->table, e->row_id, what, result);
  print_values ("-", e->old_values);
  print_values ("+", e->new_values);
}

static void
admin_entry_to_json (JsonBuilder   *b,
                     gconstpointer  row)
{
  const StAdminEntry *e = &((const StAdminRow *) row)->entry;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "at");
  json_builder_add_int_value (b, e->at);
  st_json_add_string (b, "by", e->os_user);
  st_json_add_string (b, "command", e->command);
  st_json_add_string (b, "target", e->target);
  st_json_add_string (b, "detail", e->detail);
  json_builder_end_object (b);
}

static void
admin_entry_print (gconstpointer row)
{
  const StAdminEntry *e = &((const StAdminRow *) row)->entry;
  g_autofree char *when = st_admin_format_time (e->at);

  /* Translators: time, the person who ran it, the command, its target, what changed */
  g_print (_("  %s  %s ran “%s %s” %s\n"), when, e->os_user ? e->os_user : "?", e->command,
           e->target ? e->target : "", e->detail ? e->detail : "");
}

static int
admin_entries (StStore          *store,
               const StLogQuery *query,
               gboolean          json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = st_store_admin_log_search (store, query, &error);

  if (rows == NULL)
    {
      st_admin_print_error (error->message);
      return 1;
    }
  st_admin_print_list (rows, json, admin_entry_to_json, admin_entry_print, _("No administration command matches.\n"));
  return 0;
}

int
st_admin_audit (const char *db_path,
                int         argc,
                char      **argv)
{
  g_autofree char *participant = NULL, *account = NULL, *device = NULL, *table = NULL;
  g_autofree char *since_text = NULL, *until_text = NULL;
  gboolean json = FALSE, admin = FALSE;
  int limit = DEFAULT_LIMIT;
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "participant", 0, 0, G_OPTION_ARG_STRING, &participant, N_("The participant, by resident ID number or key"), N_("ID") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Changes made by this account"), N_("NAME") },
    { "device", 0, 0, G_OPTION_ARG_STRING, &device, N_("Changes sent by this laptop (its id or its first characters)"), N_("DEVICE") },
    { "table", 0, 0, G_OPTION_ARG_STRING, &table, N_("Changes of this table (participants, attendance …)"), N_("TABLE") },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since_text, N_("From this time on (YYYY-MM-DD [HH:MM])"), N_("TIME") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until_text, N_("Before this time (YYYY-MM-DD [HH:MM])"), N_("TIME") },
    { "admin", 0, 0, G_OPTION_ARG_NONE, &admin, N_("The administration commands run on the server instead (user …, device revoke)"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many entries (default 1000)"), N_("N") },
    { NULL }
  };
  g_autoptr(StStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  StLogQuery query = { 0 };
  guint shown = 0;

  if (!st_admin_parse_options ("",
                               _("Show the changes the server applied — when, by which account and laptop, old and new values — "
                                 "by participant, account, laptop, time or table; or, with --admin, the administration "
                                 "commands run on the server."),
                               entries, &json, &db, &argc, &argv))
    return 2;
  if (argc != 1 || (!admin && participant == NULL && account == NULL && device == NULL && table == NULL
                    && since_text == NULL && until_text == NULL))
    {
      st_admin_print_error (_("Say what to look for: audit [--participant ID] [--account NAME] [--device DEVICE] "
                              "[--table TABLE] [--since TIME] [--until TIME] [--admin]"));
      return 2;
    }
  if (limit < 1)
    {
      st_admin_print_error (_("--limit needs a number greater than 0."));
      return 2;
    }
  query.account = account;
  query.device = device;
  query.table = table;
  query.limit = (guint) limit;
  if (since_text != NULL && (query.since = parse_time (since_text)) < 0)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a time: give YYYY-MM-DD or YYYY-MM-DD HH:MM."), since_text);

      st_admin_print_error (message);
      return 2;
    }
  if (until_text != NULL && (query.until = parse_time (until_text)) < 0)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a time: give YYYY-MM-DD or YYYY-MM-DD HH:MM."), until_text);

      st_admin_print_error (message);
      return 2;
    }
  if (device != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (device, -1);

      g_free (device);
      query.device = device = g_steal_pointer (&lower);
    }

  store = st_admin_open_store (db ? db : db_path);
  if (store == NULL)
    return 1;
  if (admin)
    return admin_entries (store, &query, json);

  if (participant == NULL)
    rows = g_ptr_array_new ();
  else if (g_uuid_string_is_valid (participant))
    {
      rows = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (rows, g_ascii_strdown (participant, -1));
    }
  else
    {
      g_autofree char *number = st_idcard_normalize (participant);

      rows = st_store_record_ids_by_field (store, "participants", "id_number", number, &error);
      if (rows == NULL)
        {
          st_admin_print_error (error->message);
          return 1;
        }
      if (rows->len == 0)
        {
          st_admin_print_error (_("The server has no participant with that ID number or key."));
          return 1;
        }
    }

  json_builder_begin_array (b);
  /* One search per participant key, or one for everything else. */
  for (guint r = 0; r < MAX (rows->len, 1); r++)
    {
      g_autoptr(GPtrArray) changes = NULL;

      if (rows->len > 0)
        {
          query.row_id = g_ptr_array_index (rows, r);
          if (query.table == NULL)
            query.table = "participants";
        }
      changes = st_store_log_search (store, &query, &error);
      if (changes == NULL)
        {
          st_admin_print_error (error->message);
          return 1;
        }
      if (rows->len > 0 && changes->len > 0 && !json)
        g_print (_("Participant %s\n"), query.row_id);
      for (guint i = 0; i < changes->len; i++)
        {
          const StLogEntry *e = &((StLogRow *) g_ptr_array_index (changes, i))->entry;

          if (json)
            change_to_json (b, e);
          else
            change_print (e);
          shown++;
        }
    }
  json_builder_end_array (b);
  if (json)
    st_admin_print_json (b);
  else if (shown == 0)
    g_print (_("No change matches.\n"));
  else if (shown >= (guint) limit)
    g_print (_("(The first %d; --limit shows more.)\n"), limit);
  return 0;
}
