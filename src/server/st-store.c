/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "st-json-guard.h"
#include "st-store.h"
#include "st-store-pg.h"
#include "st-store-sqlite.h"

G_DEFINE_INTERFACE (StStore, st_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (st-store-error-quark, st_store_error)

static void
st_store_default_init (StStoreInterface *iface)
{
}

#define IFACE(self) (ST_STORE_GET_IFACE (self))

StStore *
st_store_open (const char  *db,
               GError     **error)
{
  if (st_store_pg_is_conninfo (db))
    return st_store_pg_open (db, error);
  return st_store_sqlite_open (db, error);
}

gboolean
st_store_is_file (const char *db)
{
  return !st_store_pg_is_conninfo (db);
}

char *
st_store_display_name (const char *db)
{
  return st_store_pg_is_conninfo (db) ? st_store_pg_display_name (db) : g_strdup (db);
}

gboolean
st_store_is_shared (StStore *self)
{
  return IFACE (self)->is_shared != NULL && IFACE (self)->is_shared (self);
}

gboolean
st_store_shares_throttle (StStore *self)
{
  return IFACE (self)->throttle_fail != NULL;
}

gint64
st_store_throttle_locked_until (StStore     *self,
                                const char  *key,
                                GError     **error)
{
  g_return_val_if_fail (IFACE (self)->throttle_locked_until != NULL, 0);
  return IFACE (self)->throttle_locked_until (self, key, error);
}

gboolean
st_store_throttle_fail (StStore                 *self,
                        const char              *key,
                        gint64                   now_ms,
                        const StThrottlePolicy  *policy,
                        GError                 **error)
{
  g_return_val_if_fail (IFACE (self)->throttle_fail != NULL, FALSE);
  return IFACE (self)->throttle_fail (self, key, now_ms, policy, error);
}

gboolean
st_store_throttle_clear (StStore     *self,
                         const char  *key,
                         GError     **error)
{
  g_return_val_if_fail (IFACE (self)->throttle_clear != NULL, FALSE);
  return IFACE (self)->throttle_clear (self, key, error);
}

char **
st_store_townships_from_text (const char *text)
{
  g_autoptr(JsonNode) node = st_json_from_string (text ? text : "[]", NULL);
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *code = json_array_get_string_element (array, i);

          if (code != NULL)
            g_ptr_array_add (codes, g_strdup (code));
        }
    }
  g_ptr_array_add (codes, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&codes), FALSE);
}

char *
st_store_townships_to_text (char **townships)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; townships != NULL && townships[i] != NULL; i++)
    json_array_add_string_element (array, townships[i]);
  node = json_node_init_array (json_node_alloc (), array);
  return json_to_string (node, FALSE);
}

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

const char *
st_store_get_identity (StStore *self)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->get_identity (self);
}

gint64
st_store_get_generation (StStore *self)
{
  g_return_val_if_fail (ST_IS_STORE (self), 0);
  return IFACE (self)->get_generation (self);
}

gint64
st_store_get_compacted_seq (StStore  *self,
                            GError  **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), -1);
  return IFACE (self)->get_compacted_seq (self, error);
}

gint64
st_store_get_feed_high (StStore  *self,
                        GError  **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), -1);
  return IFACE (self)->get_feed_high (self, error);
}

gboolean
st_store_set_origin (StStore     *self,
                     const char  *identity,
                     gint64       generation,
                     GError     **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, generation);
  StStoreTxn *txn;

  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  txn = st_store_begin (self, error);
  if (txn == NULL)
    return FALSE;
  if (!IFACE (self)->meta_set (self, txn, "identity", identity, error)
      || !IFACE (self)->meta_set (self, txn, "generation", text, error))
    {
      st_store_rollback (self, txn);
      return FALSE;
    }
  if (!st_store_commit (self, txn, error))
    return FALSE;
  IFACE (self)->origin_set (self, identity, generation);
  return TRUE;
}

gboolean
st_store_compact (StStore         *self,
                  gint64           before_ms,
                  StCompactStats  *stats,
                  GError         **error)
{
  g_autofree char *horizon = NULL, *now = NULL;
  StStoreTxn *txn;

  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  memset (stats, 0, sizeof *stats);
  txn = st_store_begin (self, error);
  if (txn == NULL)
    return FALSE;
  if (!IFACE (self)->compact (self, txn, before_ms, stats, error))
    goto fail;
  horizon = g_strdup_printf ("%" G_GINT64_FORMAT, stats->horizon_seq);
  now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / 1000);
  if (!IFACE (self)->meta_set (self, txn, "compacted_seq", horizon, error)
      || !IFACE (self)->meta_set (self, txn, "compacted_at", now, error))
    goto fail;
  return st_store_commit (self, txn, error);

fail:
  st_store_rollback (self, txn);
  return FALSE;
}

GPtrArray *
st_store_device_list (StStore  *self,
                      gint64    now,
                      GError  **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->device_list (self, now, error);
}

gint64
st_store_device_revoke (StStore     *self,
                        StStoreTxn  *txn,
                        const char  *id,
                        gint64       at,
                        GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), -1);
  return IFACE (self)->device_revoke (self, txn, id, at, error);
}

gboolean
st_store_admin_log_insert (StStore            *self,
                           StStoreTxn         *txn,
                           const StAdminEntry *entry,
                           GError            **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->admin_log_insert (self, txn, entry, error);
}

GPtrArray *
st_store_admin_log_search (StStore           *self,
                           const StLogQuery  *query,
                           GError           **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->admin_log_search (self, query, error);
}

GPtrArray *
st_store_log_search (StStore           *self,
                     const StLogQuery  *query,
                     GError           **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  return IFACE (self)->log_search (self, query, error);
}

void
st_device_info_free (StDeviceInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->device.id);
  g_free (info->device.name);
  g_free (info->account_name);
  g_free (info);
}

void
st_admin_row_free (StAdminRow *row)
{
  if (row == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (row->strings); i++)
    g_free (row->strings[i]);
  g_free (row);
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

StStoreTxn *
st_store_begin_read (StStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  if (IFACE (self)->begin_read == NULL)
    return NULL;
  return IFACE (self)->begin_read (self, error);
}

void
st_store_end_read (StStore    *self,
                   StStoreTxn *txn)
{
  g_return_if_fail (ST_IS_STORE (self));
  if (txn != NULL)
    IFACE (self)->end_read (self, txn);
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

gboolean
st_store_release_later (StStore     *self,
                        StStoreTxn  *txn,
                        GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  if (IFACE (self)->release_later == NULL)
    return IFACE (self)->release (self, txn, error);
  return IFACE (self)->release_later (self, txn, error);
}

gboolean
st_store_settle (StStore     *self,
                 StStoreTxn  *txn,
                 GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->settle == NULL || IFACE (self)->settle (self, txn, error);
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
st_store_token_insert (StStore          *self,
                       StStoreTxn       *txn,
                       const StNewToken *token,
                       GError          **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  return IFACE (self)->token_insert (self, txn, token, error);
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

gboolean
st_store_device_key_set (StStore     *self,
                         StStoreTxn  *txn,
                         const char  *id,
                         const char  *key,
                         GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  if (IFACE (self)->device_key_set == NULL)
    {
      g_set_error_literal (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED, "this storage keeps no device keys");
      return FALSE;
    }
  return IFACE (self)->device_key_set (self, txn, id, key, error);
}

char *
st_store_device_key_get (StStore     *self,
                         StStoreTxn  *txn,
                         const char  *id,
                         gint64      *account_id,
                         gint64      *revoked_at,
                         GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  *account_id = 0;
  *revoked_at = 0;
  if (IFACE (self)->device_key_get == NULL)
    return NULL;
  return IFACE (self)->device_key_get (self, txn, id, account_id, revoked_at, error);
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

/* Table and field names are put in the backends' SQL as they are: only
 * lower-case letters and '_' pass. */
static gboolean
is_identifier (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!(g_ascii_islower (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

static gint
feed_entry_compare (gconstpointer a,
                    gconstpointer b)
{
  const StFeedEntry *x = *(StFeedEntry * const *) a;
  const StFeedEntry *y = *(StFeedEntry * const *) b;

  return x->seq < y->seq ? -1 : x->seq > y->seq;
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

GPtrArray *
st_store_records_by_field (StStore     *self,
                           StStoreTxn  *txn,
                           const char  *table,
                           const char  *field,
                           const char  *value,
                           gboolean     live_only,
                           GError     **error)
{
  StFieldQuery query = { .table = table, .field = field, .value = value, .live_only = live_only };

  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_return_val_if_fail (is_identifier (table) && is_identifier (field), NULL);
  return IFACE (self)->records_by_field (self, txn, &query, error);
}

gint64
st_store_count_by_field (StStore     *self,
                         StStoreTxn  *txn,
                         const char  *table,
                         const char  *field,
                         const char  *value,
                         GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), -1);
  g_return_val_if_fail (is_identifier (table) && is_identifier (field), -1);
  return IFACE (self)->count_by_field (self, txn, table, field, value, error);
}

gboolean
st_store_count_by_field_ahead (StStore            *self,
                               StStoreTxn         *txn,
                               const char         *table,
                               const char         *field,
                               const char * const *values,
                               GError            **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  g_return_val_if_fail (txn != NULL, FALSE);
  if (IFACE (self)->count_by_field_ahead == NULL || values == NULL || values[0] == NULL)
    return TRUE;
  g_return_val_if_fail (is_identifier (table) && is_identifier (field), FALSE);
  return IFACE (self)->count_by_field_ahead (self, txn, table, field, values, error);
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

int
st_store_log_seen (StStore     *self,
                   StStoreTxn  *txn,
                   const char  *row_id,
                   const char  *device,
                   gint64       hlc,
                   GError     **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), -1);
  return IFACE (self)->log_seen (self, txn, row_id, device, hlc, error);
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
                    gint64               skip_deleted_until,
                    guint                limit,
                    GError             **error)
{
  StFeedQuery query = {
    .all_townships = all_townships,
    .townships = townships,
    .after = after,
    .skip_deleted_until = skip_deleted_until,
    .limit = limit,
  };
  GPtrArray *entries;

  g_return_val_if_fail (ST_IS_STORE (self), NULL);
  entries = IFACE (self)->feed_read (self, &query, error);
  /* Rows and evictions, each in feed order, as one page. */
  if (entries != NULL && !all_townships)
    {
      g_ptr_array_sort (entries, feed_entry_compare);
      if (entries->len > limit)
        g_ptr_array_set_size (entries, limit);
    }
  return entries;
}


/* JSON */

void
st_json_append_string (GString    *out,
                       const char *text)
{
  /* Runs of characters that need no escape are copied whole: every row of
   * every pull page and push goes through here. */
  const char *run = text;
  const char *p;

  g_string_append_c (out, '"');
  for (p = text; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
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
          g_string_append_printf (out, "\\u%04x", c);
          break;
        }
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

/* As "%" G_GINT64_FORMAT, without printf: a row's clocks are a dozen
 * 18-digit numbers. */
static void
append_int (GString *out,
            gint64   value)
{
  char digits[24];
  int i = sizeof digits;
  guint64 magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;

  do
    {
      digits[--i] = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude != 0);
  if (value < 0)
    digits[--i] = '-';
  g_string_append_len (out, digits + i, (gssize) sizeof digits - i);
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
          append_int (out, json_node_get_int (node));
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

static const char *
skip_space (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

int
st_json_hex4 (const char *p)
{
  int v = 0;

  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);

      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* A JSON string at @p (after its opening quote) into @out; the position
 * after its closing quote, or NULL. */
static const char *
parse_string (const char *p,
              GString    *out)
{
  g_string_truncate (out, 0);
  for (;;)
    {
      const char *run = p;

      while (*p != '"' && *p != '\\' && (guchar) *p >= 0x20)
        p++;
      g_string_append_len (out, run, p - run);
      if (*p == '"')
        return p + 1;
      if (*p != '\\')
        return NULL;   /* a control character or the end */
      p++;
      switch (*p)
        {
        case '"':
        case '\\':
        case '/':
          g_string_append_c (out, *p);
          break;
        case 'b':
          g_string_append_c (out, '\b');
          break;
        case 'f':
          g_string_append_c (out, '\f');
          break;
        case 'n':
          g_string_append_c (out, '\n');
          break;
        case 'r':
          g_string_append_c (out, '\r');
          break;
        case 't':
          g_string_append_c (out, '\t');
          break;
        case 'u':
          {
            int c = st_json_hex4 (p + 1);

            if (c < 0)
              return NULL;
            p += 4;
            if (c >= 0xd800 && c < 0xdc00)
              {
                int low = p[1] == '\\' && p[2] == 'u' ? st_json_hex4 (p + 3) : -1;

                if (low < 0xdc00 || low >= 0xe000)
                  return NULL;
                c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                p += 6;
              }
            else if (c >= 0xdc00 && c < 0xe000)
              return NULL;
            g_string_append_unichar (out, (gunichar) c);
          }
          break;
        default:
          return NULL;
        }
      p++;
    }
}

JsonObject *
st_json_flat_object_parse (const char *text)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GString) key = g_string_sized_new (32);
  g_autoptr(GString) value = g_string_sized_new (64);
  const char *p;

  if (text == NULL)
    return NULL;
  p = skip_space (text);
  if (*p++ != '{')
    return NULL;
  p = skip_space (p);
  if (*p == '}')
    return *skip_space (p + 1) == '\0' ? g_steal_pointer (&object) : NULL;

  for (;;)
    {
      JsonNode *node;

      if (*p++ != '"' || (p = parse_string (p, key)) == NULL)
        return NULL;
      p = skip_space (p);
      if (*p++ != ':')
        return NULL;
      p = skip_space (p);
      if (*p == '"')
        {
          if ((p = parse_string (p + 1, value)) == NULL || !g_utf8_validate_len (value->str, value->len, NULL))
            return NULL;
          node = json_node_new (JSON_NODE_VALUE);
          json_node_set_string (node, value->str);
        }
      else if (*p == '-' || g_ascii_isdigit (*p))
        {
          char *end;
          gint64 n;

          errno = 0;
          n = g_ascii_strtoll (p, &end, 10);
          /* Fractions and exponents are json-glib's business. */
          if (errno != 0 || end == p || *end == '.' || *end == 'e' || *end == 'E')
            return NULL;
          node = json_node_new (JSON_NODE_VALUE);
          json_node_set_int (node, n);
          p = end;
        }
      else if (strncmp (p, "null", 4) == 0)
        {
          node = json_node_new (JSON_NODE_NULL);
          p += 4;
        }
      else if (strncmp (p, "true", 4) == 0 || strncmp (p, "false", 5) == 0)
        {
          node = json_node_new (JSON_NODE_VALUE);
          json_node_set_boolean (node, *p == 't');
          p += *p == 't' ? 4 : 5;
        }
      else
        return NULL;
      if (json_object_has_member (object, key->str))
        {
          json_node_unref (node);
          return NULL;
        }
      json_object_set_member (object, key->str, node);
      p = skip_space (p);
      if (*p == ',')
        {
          p = skip_space (p + 1);
          continue;
        }
      if (*p++ != '}')
        return NULL;
      return *skip_space (p) == '\0' ? g_steal_pointer (&object) : NULL;
    }
}

JsonObject *
st_store_object_from_text (JsonParser  *parser,
                           const char  *text,
                           GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *flat = st_json_flat_object_parse (text ? text : "{}");

  /* Records are flat objects this server wrote: the quick way first. */
  if (flat != NULL)
    return flat;
  if (!st_json_parser_load (parser, text ? text : "{}", -1, error))
    return NULL;
  node = json_parser_steal_root (parser);
  if (node == NULL)
    {
      g_set_error_literal (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED,
                           "a stored record is empty");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED,
                           "a stored record is not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

char *
st_json_object_to_text (JsonObject *object)
{
  g_autoptr(GString) out = g_string_sized_new (256);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  /* In the order of the members, without a copy of their list. */
  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (out->len > 1)
        g_string_append_c (out, ',');
      st_json_append_string (out, name);
      g_string_append_c (out, ':');
      st_json_append_node (out, value);
    }
  g_string_append_c (out, '}');
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

gboolean
st_store_records_get_many (StStore            *self,
                           const char * const *tables,
                           const char * const *ids,
                           guint               n,
                           StRecord          **records,
                           GError            **error)
{
  g_return_val_if_fail (ST_IS_STORE (self), FALSE);
  if (IFACE (self)->records_get_many == NULL)
    return FALSE;
  memset (records, 0, n * sizeof *records);
  if (n == 0)
    return TRUE;
  return IFACE (self)->records_get_many (self, tables, ids, n, records, error);
}

void
st_store_readers_add (GMutex    *lock,
                      GPtrArray *readers,
                      gpointer   conn)
{
  g_mutex_lock (lock);
  g_ptr_array_add (readers, conn);
  g_mutex_unlock (lock);
}
