/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-audit"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "st-audit.h"
#include "st-json-guard.h"

static void
change_free (StAuditChange *change)
{
  g_free (change->field);
  g_free (change->old_value);
  g_free (change->new_value);
  g_free (change);
}

void
st_audit_entry_free (StAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->actor);
  g_free (entry->device);
  g_free (entry->op);
  g_clear_pointer (&entry->changes, g_ptr_array_unref);
  g_free (entry);
}

static char *
value_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        {
          const char *s = json_node_get_string (node);

          return s && *s ? g_strdup (s) : NULL;
        }
      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      if (type == G_TYPE_DOUBLE)
        return g_strdup_printf ("%g", json_node_get_double (node));
      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? "1" : "0");
    }
  return json_to_string (node, FALSE);
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  JsonNode *root;

  if (text == NULL || !st_json_parser_load (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static GPtrArray *
parse_changes (const char *old_json,
               const char *new_json)
{
  g_autoptr(JsonParser) old_parser = json_parser_new ();
  g_autoptr(JsonParser) new_parser = json_parser_new ();
  g_autoptr(JsonObject) old_obj = parse_object (old_parser, old_json);
  g_autoptr(JsonObject) new_obj = parse_object (new_parser, new_json);
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
  g_autoptr(GList) members = NULL;

  members = new_obj ? json_object_get_members (new_obj) : old_obj ? json_object_get_members (old_obj) : NULL;
  for (GList *l = members; l; l = l->next)
    {
      const char *field = l->data;
      StAuditChange *change = g_new0 (StAuditChange, 1);

      change->field = g_strdup (field);
      if (old_obj && json_object_has_member (old_obj, field))
        change->old_value = value_text (json_object_get_member (old_obj, field));
      if (new_obj && json_object_has_member (new_obj, field))
        change->new_value = value_text (json_object_get_member (new_obj, field));
      /* An insert lists every column, most of them empty. */
      if (change->old_value == NULL && change->new_value == NULL)
        {
          change_free (change);
          continue;
        }
      g_ptr_array_add (changes, change);
    }
  return changes;
}

GPtrArray *
st_audit_history (StDb        *db,
                  const char  *row_id,
                  GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT id, at, actor, device, op, old, new FROM audit_log"
                                      " WHERE row_id = ? ORDER BY id DESC",
                                      error);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) st_audit_entry_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, row_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StAuditEntry *entry = g_new0 (StAuditEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->at_ms = sqlite3_column_int64 (stmt, 1);
      entry->actor = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      entry->device = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      entry->op = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      entry->changes = parse_changes ((const char *) sqlite3_column_text (stmt, 5),
                                      (const char *) sqlite3_column_text (stmt, 6));
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the change history"), error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}
