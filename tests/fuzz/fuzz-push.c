/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a push body as the server reads it — the depth guard,
 * yajl into a json-glib tree (st-server-json.c), then every change's fields
 * checked against the catalogue of synced tables (the JSON held inside
 * fields included). Where json-glib's own parser reads the body too, the
 * two trees must be equal: the checks were written against json-glib's. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "st-json-guard.h"
#include "st-server-catalog.h"
#include "st-server-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static StCatalog *catalog;

/* Whether @data holds 19 digits in a row: a number that may not fit in 64
 * bits. */
static gboolean
has_long_number (const uint8_t *data,
                 size_t         size)
{
  size_t run = 0;

  for (size_t i = 0; i < size; i++)
    if (!g_ascii_isdigit (data[i]))
      run = 0;
    else if (++run >= 19)
      return TRUE;
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  JsonNode *glib_root;
  JsonArray *changes;

  if (catalog == NULL)
    {
      g_autoptr(GError) error = NULL;

      catalog = st_catalog_new (&error);
      g_assert_no_error (error);
    }
  if (!g_utf8_validate_len ((const char *) data, size, NULL)
      || !st_json_check_limits ((const char *) data, (gssize) size, ST_JSON_MAX_DEPTH, 0, NULL))
    return 0;
  root = st_server_json_read ((const char *) data, size, ST_JSON_MAX_DEPTH, NULL);
  /* json-glib stops a string at an escaped NUL (the server refuses those
   * before, has_nul_escape ()), and wraps an integer beyond 64 bits round
   * (99999999999999999999 is -1 to it, a real to yajl's reader): where
   * neither can be, the trees must be the same. */
  if (root != NULL && memmem (data, size, "\\u0000", 6) == NULL && !has_long_number (data, size)
      && st_json_parser_load (parser, (const char *) data, (gssize) size, NULL)
      && (glib_root = json_parser_get_root (parser)) != NULL)
    g_assert_true (json_node_equal (root, glib_root));
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
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
