/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "st-token-store.h"

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "io.github.shuangti.Shuangti.Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "device", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* Tests (and people without a keyring) set ST_TOKEN_STORE=database. */
static gboolean
keyring_wanted (void)
{
  return g_strcmp0 (g_getenv ("ST_TOKEN_STORE"), "database") != 0;
}

void
st_token_store_save (StDb       *db,
                     const char *server,
                     const char *user,
                     const char *token)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *label = g_strdup_printf (_("Shuangti sync token for %s at %s"), user, server);

  if (keyring_wanted ()
      && secret_password_store_sync (token_schema (), SECRET_COLLECTION_DEFAULT, label, token, NULL, &error,
                                     "server", server, "user", user, "device", st_db_get_device_id (db), NULL))
    {
      st_db_set_meta (db, "sync.token", NULL, NULL);
      return;
    }
  if (error != NULL)
    g_message ("No keyring (%s): the sync token is kept in the database file, readable only by this user",
               error->message);
  st_db_set_meta (db, "sync.token", token, NULL);
}

char *
st_token_store_load (StDb       *db,
                     const char *server,
                     const char *user)
{
  g_autoptr(GError) error = NULL;
  char *token = st_db_get_meta (db, "sync.token");

  if (token != NULL || !keyring_wanted ())
    return token;
  token = secret_password_lookup_sync (token_schema (), NULL, &error,
                                       "server", server, "user", user, "device", st_db_get_device_id (db), NULL);
  if (error != NULL)
    g_message ("Could not read the keyring: %s", error->message);
  return token;
}

void
st_token_store_clear (StDb       *db,
                      const char *server,
                      const char *user)
{
  st_db_set_meta (db, "sync.token", NULL, NULL);
  if (keyring_wanted ())
    secret_password_clear_sync (token_schema (), NULL, NULL,
                                "server", server, "user", user, "device", st_db_get_device_id (db), NULL);
}
