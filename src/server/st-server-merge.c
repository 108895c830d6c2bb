/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Version 1: per-row last-writer-wins by (hlc, device), with the value that
 * lost kept for review (docs/sync-protocol.md, Merge). The per-field clocks
 * are kept already, for the per-field rule that comes with the sync engine. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include "st-server-merge.h"

int
st_merge_clock_compare (gint64      hlc_a,
                        const char *device_a,
                        gint64      hlc_b,
                        const char *device_b)
{
  int c;

  if (hlc_a != hlc_b)
    return hlc_a < hlc_b ? -1 : 1;
  c = g_strcmp0 (device_a, device_b);
  return c < 0 ? -1 : c > 0;
}

JsonNode *
st_record_get_field (const StRecord *record,
                     const char     *field)
{
  JsonNode *node;

  if (g_str_equal (field, "deleted"))
    {
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (node, record->deleted ? 1 : 0);
      return node;
    }
  node = json_object_get_member (record->data, field);
  return node ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);
}

static gboolean
values_equal (JsonNode *a,
              JsonNode *b)
{
  return json_node_equal (a, b);
}

static gint64
field_clock (const StRecord *record,
             const char     *field)
{
  JsonNode *node = json_object_get_member (record->clocks, field);

  /* A field without a clock of its own was written by the row's first
   * change, whose clock is "*". */
  if (node == NULL)
    node = json_object_get_member (record->clocks, "*");
  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : 0;
}

/* Writes the change's fields into @record and makes its clock the row's. */
static void
write_fields (const StTable  *table,
              StRecord       *record,
              const StChange *change,
              gboolean        field_clocks)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, change->fields);
  while (json_object_iter_next (&iter, &name, &value))
    {
      if (g_str_equal (name, "deleted"))
        record->deleted = json_node_get_int (value) != 0;
      else
        json_object_set_member (record->data, name, json_node_copy (value));
      if (field_clocks)
        json_object_set_int_member (record->clocks, name, change->hlc);
    }
  record->hlc = change->hlc;
  g_free (record->device);
  record->device = g_strdup (change->device);
  g_free (record->writer);
  record->writer = g_strdup (change->writer);
  if (table->scoped)
    {
      g_free (record->township);
      record->township = g_strdup (json_object_get_string_member_with_default (record->data,
                                                                               "township_code", NULL));
    }
}

gboolean
st_merge_is_whole_row (const StTable *table,
                       JsonObject    *fields)
{
  for (guint i = 0; i < table->fields->len; i++)
    {
      const StField *field = g_ptr_array_index (table->fields, i);

      if (field->required && !json_object_has_member (fields, field->name))
        return FALSE;
    }
  return TRUE;
}

StMergeResult
st_merge_change (const StTable   *table,
                 StRecord       **row,
                 const StChange  *change,
                 JsonObject     **losing)
{
  StRecord *record = *row;
  g_autoptr(JsonObject) lost = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  int order;

  *losing = NULL;

  /* An insert, or the first the server hears of a row. */
  if (record == NULL)
    {
      if (!st_merge_is_whole_row (table, change->fields))
        return ST_MERGE_INCOMPLETE;
      record = st_record_new (change->table, change->row);
      json_object_set_int_member (record->clocks, "*", change->hlc);
      /* Every field has a value, null for those the change leaves out. */
      for (guint i = 0; i < table->fields->len; i++)
        {
          const StField *field = g_ptr_array_index (table->fields, i);

          if (!g_str_equal (field->name, "deleted"))
            json_object_set_null_member (record->data, field->name);
        }
      write_fields (table, record, change, FALSE);
      *row = record;
      return ST_MERGE_APPLIED;
    }

  order = st_merge_clock_compare (change->hlc, change->device, record->hlc, record->device);

  /* The same change again (under another op id: a laptop restored from a
   * backup sends it again). */
  if (order == 0)
    return ST_MERGE_UNCHANGED;

  if (order > 0)
    {
      /* The change wins. Values it overwrites without having seen them —
       * written after the row clock it was based on — are kept. */
      json_object_iter_init (&iter, change->fields);
      while (json_object_iter_next (&iter, &name, &value))
        {
          g_autoptr(JsonNode) current = st_record_get_field (record, name);

          if (!values_equal (current, value)
              && change->base_hlc < record->hlc
              && field_clock (record, name) > change->base_hlc)
            json_object_set_member (lost, name, g_steal_pointer (&current));
        }
      write_fields (table, record, change, TRUE);
      if (json_object_get_size (lost) > 0)
        {
          *losing = g_steal_pointer (&lost);
          return ST_MERGE_WON_CONFLICT;
        }
      return ST_MERGE_APPLIED;
    }

  /* The row is newer: the change loses, and what it would have changed is
   * kept for review. */
  json_object_iter_init (&iter, change->fields);
  while (json_object_iter_next (&iter, &name, &value))
    {
      g_autoptr(JsonNode) current = st_record_get_field (record, name);

      if (!values_equal (current, value))
        json_object_set_member (lost, name, json_node_copy (value));
    }
  if (json_object_get_size (lost) == 0)
    return ST_MERGE_UNCHANGED;
  *losing = g_steal_pointer (&lost);
  return ST_MERGE_LOST_CONFLICT;
}
