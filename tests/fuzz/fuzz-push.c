/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a push body as the server reads it — the depth guard,
 * json-glib, then every change's fields checked against the catalogue of
 * synced tables (the JSON held inside fields included). */
#include "config.h"

#include <stdint.h>

#include "st-json-guard.h"
#include "st-server-catalog.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static StCatalog *catalog;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonArray *changes;

  if (catalog == NULL)
    {
      g_autoptr(GError) error = NULL;

      catalog = st_catalog_new (&error);
      g_assert_no_error (error);
    }
  if (!g_utf8_validate_len ((const char *) data, size, NULL)
      || !st_json_parser_load (parser, (const char *) data, (gssize) size, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  changes = json_object_get_array_member (json_node_get_object (root), "changes");
  if (changes == NULL || json_node_get_node_type (json_object_get_member (json_node_get_object (root), "changes")) != JSON_NODE_ARRAY)
    return 0;
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonNode *node = json_array_get_element (changes, i);
      JsonObject *change, *fields;
      const StTable *table;
      JsonNode *fields_node;
      const char *name;
      GList *members;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      change = json_node_get_object (node);
      name = json_object_has_member (change, "table") && JSON_NODE_HOLDS_VALUE (json_object_get_member (change, "table"))
             ? json_object_get_string_member (change, "table") : NULL;
      table = name != NULL ? st_catalog_lookup (catalog, name) : NULL;
      fields_node = json_object_get_member (change, "fields");
      if (table == NULL || fields_node == NULL || !JSON_NODE_HOLDS_OBJECT (fields_node))
        continue;
      fields = json_node_get_object (fields_node);
      members = json_object_get_members (fields);
      for (GList *l = members; l != NULL; l = l->next)
        {
          const StField *field = st_table_field (table, l->data);
          g_autofree char *reason = NULL;

          if (field != NULL)
            st_field_check (field, json_object_get_member (fields, l->data), &reason);
        }
      g_list_free (members);
    }
  return 0;
}
