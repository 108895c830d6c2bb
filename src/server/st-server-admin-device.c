/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-server device list|revoke: the laptops that signed in, and
 * signing one out at once (a stolen or lost laptop). */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "st-json-build.h"
#include "st-server-admin-private.h"

static void
add_time_or_null (JsonBuilder *b,
                  const char  *name,
                  gint64       ms)
{
  json_builder_set_member_name (b, name);
  if (ms > 0)
    json_builder_add_int_value (b, ms);
  else
    json_builder_add_null_value (b);
}

static char *
time_or_never (gint64 ms)
{
  return ms > 0 ? st_admin_format_time (ms) : g_strdup (_("never"));
}

static void
device_to_json (JsonBuilder   *b,
                gconstpointer  row)
{
  const StDeviceInfo *d = row;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, d->device.id);
  st_json_add_string (b, "name", d->device.name);
  st_json_add_string (b, "account", d->account_name);
  add_time_or_null (b, "registered_at", d->device.registered_at);
  add_time_or_null (b, "last_push_at", d->device.last_push_at);
  add_time_or_null (b, "last_pull_at", d->device.last_pull_at);
  add_time_or_null (b, "revoked_at", d->revoked_at);
  json_builder_set_member_name (b, "signed_in");
  json_builder_add_boolean_value (b, d->active_tokens > 0);
  json_builder_end_object (b);
}

static void
device_print (gconstpointer row)
{
  const StDeviceInfo *d = row;
  g_autofree char *push = time_or_never (d->device.last_push_at);
  g_autofree char *pull = time_or_never (d->device.last_pull_at);
  g_autofree char *revoked = d->revoked_at > 0 ? st_admin_format_time (d->revoked_at) : NULL;
  g_autofree char *state = revoked != NULL ? g_strdup_printf (_("revoked %s"), revoked)
                           : g_strdup (d->active_tokens > 0 ? _("signed in") : _("signed out"));

  /* Translators: device id, its name, account, last push, last pull, state */
  g_print (_("%s\t%s\t%s\tsent %s\treceived %s\t%s\n"), d->device.id, d->device.name ? d->device.name : "-",
           d->account_name ? d->account_name : "-", push, pull, state);
}

/* Opens the store at @db_path into *@store and lists its laptops; NULL
 * after a message. */
static GPtrArray *
open_devices (const char  *db_path,
              StStore    **store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *devices;

  *store = st_admin_open_store (db_path);
  if (*store == NULL)
    return NULL;
  devices = st_store_device_list (*store, g_get_real_time () / 1000, &error);
  if (devices == NULL)
    st_admin_print_error (error->message);
  return devices;
}

static int
device_list (const char *db_path,
             int         argc,
             char      **argv)
{
  gboolean json = FALSE;
  g_autofree char *db = NULL;
  g_autoptr(StStore) store = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  if (!st_admin_parse_options ("", _("List the laptops that signed in: their account, when they last synced, and whether they are signed in."),
                               NULL, &json, &db, &argc, &argv))
    return 2;
  if (argc != 1)
    {
      st_admin_print_error (_("device list takes no names."));
      return 2;
    }
  devices = open_devices (db ? db : db_path, &store);
  if (devices == NULL)
    return 1;

  st_admin_print_list (devices, json, device_to_json, device_print, _("No laptop has signed in yet.\n"));
  return 0;
}

static int
device_revoke (const char *db_path,
               int         argc,
               char      **argv)
{
  g_autofree char *db = NULL;
  g_autoptr(StStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autofree char *wanted = NULL;
  const char *id = NULL;
  guint matches = 0;
  StStoreTxn *txn;
  gint64 revoked;

  if (!st_admin_parse_options (_("DEVICE"),
                               _("Sign a laptop out at once (a lost or stolen one): its sign-ins stop working and it must sign in "
                                 "again with a password. DEVICE is its id, or the first characters of it that “device list” shows."),
                               NULL, NULL, &db, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      st_admin_print_error (_("Give the laptop: device revoke DEVICE"));
      return 2;
    }
  devices = open_devices (db ? db : db_path, &store);
  if (devices == NULL)
    return 1;
  /* A prefix names one laptop, or none. */
  wanted = g_ascii_strdown (argv[1], -1);
  for (guint i = 0; i < devices->len; i++)
    {
      const StDeviceInfo *d = g_ptr_array_index (devices, i);

      if (g_str_has_prefix (d->device.id, wanted) && *wanted != '\0')
        {
          id = d->device.id;
          matches++;
        }
    }
  if (matches != 1)
    {
      g_autofree char *message = matches == 0
        ? g_strdup_printf (_("No laptop has the id “%s”; “device list” shows them."), argv[1])
        : g_strdup_printf (_("“%s” is the beginning of several laptops’ ids: give more of it."), argv[1]);

      st_admin_print_error (message);
      return 1;
    }

  txn = st_store_begin (store, &error);
  if (txn == NULL)
    {
      st_admin_print_error (error->message);
      return 1;
    }
  revoked = st_store_device_revoke (store, txn, id, g_get_real_time () / 1000, &error);
  if (revoked < 0 || !st_admin_log (store, txn, "device revoke", id, NULL, &error))
    {
      st_store_rollback (store, txn);
      st_admin_print_error (error ? error->message : _("The laptop vanished meanwhile; nothing was changed."));
      return 1;
    }
  if (!st_store_commit (store, txn, &error))
    {
      st_admin_print_error (error->message);
      return 1;
    }
  /* Translators: the laptop's id, the number of sign-ins ended */
  g_print (_("Laptop %s is signed out (%lld sign-ins ended): it must sign in again with a password.\n"),
           id, (long long) revoked);
  return 0;
}

int
st_admin_device (const char *db_path,
                 int         argc,
                 char      **argv)
{
  if (argc >= 2)
    {
      const char *command = argv[1];

      if (g_str_equal (command, "list"))
        return device_list (db_path, argc - 1, argv + 1);
      if (g_str_equal (command, "revoke"))
        return device_revoke (db_path, argc - 1, argv + 1);
    }
  st_admin_print_error (_("Commands: device list [--json], device revoke DEVICE; see --help."));
  return 2;
}
