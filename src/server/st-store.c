/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include "st-store.h"

G_DEFINE_INTERFACE (StStore, st_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (st-store-error-quark, st_store_error)

static void
st_store_default_init (StStoreInterface *iface)
{
}

#define IFACE(self) (ST_STORE_GET_IFACE (self))

int
st_store_get_schema_version (StStore *self)
{
  g_return_val_if_fail (ST_IS_STORE (self), -1);
  return IFACE (self)->get_schema_version (self);
}

const char *
st_store_get_server_device (StStore *self)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->get_server_device (self);
}

gboolean
st_store_check (StStore  *self,
                GError  **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->check (self, error);
}

StStoreTxn *
st_store_begin (StStore  *self,
                GError  **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->begin (self, error);
}

gboolean
st_store_commit (StStore     *self,
                 StStoreTxn  *txn,
                 GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  g_return_val_if_fail (txn != NULL, FALSE);
  return IFACE (self)->commit (self, txn, error);
}

void
st_store_rollback (StStore    *self,
                   StStoreTxn *txn)
{
  g_return_if_fail (ST_IS_STORE (self));
  g_return_if_fail (txn != NULL);
  IFACE (self)->rollback (self, txn);
}

gboolean
st_store_savepoint (StStore     *self,
                    StStoreTxn  *txn,
                    GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->savepoint (self, txn, error);
}

gboolean
st_store_release (StStore     *self,
                  StStoreTxn  *txn,
                  GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->release (self, txn, error);
}

void
st_store_rollback_to (StStore    *self,
                      StStoreTxn *txn)
{
  g_return_if_fail (ST_IS_STORE (self));
  IFACE (self)->rollback_to (self, txn);
}

StAccount *
st_store_account_find (StStore     *self,
                       StStoreTxn  *txn,
                       const char  *name,
                       GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->account_find (self, txn, name, error);
}

GPtrArray *
st_store_account_list (StStore  *self,
                       GError  **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->account_list (self, error);
}

gboolean
st_store_account_insert (StStore     *self,
                         StStoreTxn  *txn,
                         StAccount   *account,
                         GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->account_insert (self, txn, account, error);
}

gboolean
st_store_account_update (StStore          *self,
                         StStoreTxn       *txn,
                         const StAccount  *account,
                         GError          **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->account_update (self, txn, account, error);
}

StCredential *
st_store_credential_find (StStore     *self,
                          const char  *token_hash,
                          GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->credential_find (self, token_hash, error);
}

gboolean
st_store_token_insert (StStore     *self,
                       StStoreTxn  *txn,
                       const char  *token_hash,
                       gint64       account_id,
                       const char  *device,
                       gint64       created_at,
                       gint64       expires_at,
                       GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->token_insert (self, txn, token_hash, account_id, device,
                                     created_at, expires_at, error);
}

gboolean
st_store_token_revoke (StStore     *self,
                       StStoreTxn  *txn,
                       const char  *token_hash,
                       gint64       at,
                       GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->token_revoke (self, txn, token_hash, at, error);
}

gboolean
st_store_tokens_revoke_account (StStore     *self,
                                StStoreTxn  *txn,
                                gint64       account_id,
                                gint64       at,
                                GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->tokens_revoke_account (self, txn, account_id, at, error);
}

StDevice *
st_store_device_find (StStore     *self,
                      StStoreTxn  *txn,
                      const char  *id,
                      GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->device_find (self, txn, id, error);
}

gboolean
st_store_device_save (StStore         *self,
                      StStoreTxn      *txn,
                      const StDevice  *device,
                      GError         **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->device_save (self, txn, device, error);
}

StRecord *
st_store_record_get (StStore     *self,
                     StStoreTxn  *txn,
                     const char  *table,
                     const char  *id,
                     GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->record_get (self, txn, table, id, error);
}

gboolean
st_store_record_seq (StStore     *self,
                     StStoreTxn  *txn,
                     const char  *table,
                     const char  *id,
                     gint64      *seq,
                     GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->record_seq (self, txn, table, id, seq, error);
}

gboolean
st_store_record_put (StStore     *self,
                     StStoreTxn  *txn,
                     StRecord    *record,
                     GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  g_return_val_if_fail (txn != NULL, FALSE);
  return IFACE (self)->record_put (self, txn, record, error);
}

gboolean
st_store_eviction_put (StStore     *self,
                       StStoreTxn  *txn,
                       const char  *table,
                       const char  *id,
                       const char  *township,
                       GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  g_return_val_if_fail (txn != NULL, FALSE);
  return IFACE (self)->eviction_put (self, txn, table, id, township, error);
}

GPtrArray *
st_store_record_ids_by_field (StStore     *self,
                              const char  *table,
                              const char  *field,
                              const char  *value,
                              GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->record_ids_by_field (self, table, field, value, error);
}

StLogRow *
st_store_log_find (StStore     *self,
                   StStoreTxn  *txn,
                   const char  *device,
                   gint64       epoch,
                   gint64       client_seq,
                   GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->log_find (self, txn, device, epoch, client_seq, error);
}

gboolean
st_store_log_insert (StStore           *self,
                     StStoreTxn        *txn,
                     const StLogEntry  *entry,
                     GError           **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  g_return_val_if_fail (txn != NULL, FALSE);
  return IFACE (self)->log_insert (self, txn, entry, error);
}

GPtrArray *
st_store_log_for_row (StStore     *self,
                      const char  *row_id,
                      GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->log_for_row (self, row_id, error);
}

GPtrArray *
st_store_feed_read (StStore             *self,
                    gboolean             all_townships,
                    const char * const  *townships,
                    gint64               after,
                    guint                limit,
                    GError             **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->feed_read (self, all_townships, townships, after, limit, error);
}


/* JSON */

void
st_json_append_string (GString    *out,
                       const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
          break;
        }
    }
  g_string_append_c (out, '"');
}

void
st_json_append_node (GString  *out,
                     JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_string_append (out, "null");
      return;
    }
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        {
          st_json_append_string (out, json_node_get_string (node));
          return;
        }
      if (type == G_TYPE_INT64)
        {
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          return;
        }
      if (type == G_TYPE_BOOLEAN)
        {
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          return;
        }
    }
  {
    g_autofree char *text = json_to_string (node, FALSE);

    g_string_append (out, text);
  }
}

char *
st_json_object_to_text (JsonObject *object)
{
  g_autoptr(GString) out = g_string_sized_new (256);
  GList *members = json_object_get_members (object);

  g_string_append_c (out, '{');
  for (GList *l = members; l != NULL; l = l->next)
    {
      if (l != members)
        g_string_append_c (out, ',');
      st_json_append_string (out, l->data);
      g_string_append_c (out, ':');
      st_json_append_node (out, json_object_get_member (object, l->data));
    }
  g_string_append_c (out, '}');
  g_list_free (members);
  return g_string_free (g_steal_pointer (&out), FALSE);
}


/* Plain data. */

static const char *const role_names[] = {
  [ST_ROLE_TRAINER] = "trainer",
  [ST_ROLE_TOWNSHIP] = "township",
  [ST_ROLE_COUNTY] = "county",
  [ST_ROLE_ADMIN] = "admin",
};

const char *
st_role_to_string (StRole role)
{
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (role_names), NULL);
  return role_names[role];
}

gboolean
st_role_from_string (const char *text,
                     StRole     *role)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (g_strcmp0 (text, role_names[i]) == 0)
      {
        *role = (StRole) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
st_role_sees_all (StRole role)
{
  return role == ST_ROLE_COUNTY || role == ST_ROLE_ADMIN;
}

StAccount *
st_account_new (void)
{
  StAccount *account = g_new0 (StAccount, 1);

  account->townships = g_new0 (char *, 1);
  return account;
}

void
st_account_free (StAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->name);
  g_strfreev (account->townships);
  g_free (account->password_hash);
  g_free (account);
}

gboolean
st_account_has_township (const StAccount *account,
                         const char      *code)
{
  if (st_role_sees_all (account->role))
    return TRUE;
  return code != NULL && g_strv_contains ((const char * const *) account->townships, code);
}

void
st_credential_free (StCredential *credential)
{
  if (credential == NULL)
    return;
  st_account_free (credential->account);
  g_free (credential->device);
  g_free (credential);
}

void
st_device_free (StDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->id);
  g_free (device->name);
  g_free (device);
}

StRecord *
st_record_new (const char *table,
               const char *id)
{
  StRecord *record = g_new0 (StRecord, 1);

  record->table = g_strdup (table);
  record->id = g_strdup (id);
  record->data = json_object_new ();
  record->clocks = json_object_new ();
  return record;
}

void
st_record_free (StRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->table);
  g_free (record->id);
  g_free (record->device);
  g_free (record->writer);
  g_free (record->township);
  g_clear_pointer (&record->data, json_object_unref);
  g_clear_pointer (&record->clocks, json_object_unref);
  g_free (record->data_text);
  g_free (record->clocks_text);
  g_free (record);
}

void
st_log_row_free (StLogRow *row)
{
  if (row == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (row->strings); i++)
    g_free (row->strings[i]);
  g_free (row);
}

void
st_feed_entry_free (StFeedEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->table);
  g_free (entry->id);
  g_free (entry->device);
  g_free (entry->data);
  g_free (entry);
}
