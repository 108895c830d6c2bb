/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "st-failpoint.h"
#include "st-json-guard.h"
#include "st-participant.h"
#include "st-limits.h"
#include "st-sync.h"
#include "st-sync-private.h"
#include "st-sync-origin.h"
#include "st-sync-page.h"
#include "st-sync-pin.h"
#include "st-visit.h"

/* ------------------------------------------------------------------------ */
/* Review items and refusals                                                */

void
st_sync_item_free (StSyncItem *item)
{
  if (item == NULL)
    return;
  g_free (item->id);
  g_free (item->table);
  g_free (item->row);
  g_free (item->township_code);
  g_free (item->summary);
  g_clear_pointer (&item->data, json_object_unref);
  g_free (item);
}

static char *
township_name (StDb       *db,
               const char *code)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT name FROM divisions WHERE code = ?", NULL);
  char *name = NULL;

  if (stmt != NULL && code != NULL)
    {
      int rc;

      sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      else if (rc != SQLITE_DONE)
        g_warning ("The name of the township %s cannot be read: %s", code, sqlite3_errstr (rc));
      sqlite3_reset (stmt);
    }
  return name != NULL ? name : g_strdup (code != NULL ? code : "?");
}

static const char *
table_label (const char *table)
{
  static const struct { const char *table; const char *label; } labels[] = {
    { "programs", N_("program") },
    { "majors", N_("major") },
    { "participants", N_("participant") },
    { "classes", N_("class") },
    { "enrolments", N_("enrolment") },
    { "sessions", N_("class session") },
    { "attendance", N_("attendance record") },
    { "study_logs", N_("study log") },
    { "assignments", N_("assignment") },
    { "assessments", N_("assessment") },
    { "exemptions", N_("exemption") },
    { "certificates", N_("certificate") },
    { "visits", N_("visit") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].table, table) == 0)
      return _(labels[i].label);
  return table;
}

/* A name as a label: at most a line, and UTF-8 (a name of megabytes, or of
 * bytes that are no text, written before the limits). */
#define LABEL_CHARS 20

static char *
label_of (char *name)
{
  g_autofree char *valid = NULL;
  g_autofree char *cut = NULL;

  if (name == NULL || (strlen (name) <= LABEL_CHARS && g_utf8_validate (name, -1, NULL)))
    return name;
  valid = g_utf8_make_valid (name, -1);
  g_free (name);
  if (g_utf8_strlen (valid, -1) <= LABEL_CHARS)
    return g_steal_pointer (&valid);
  cut = g_utf8_substring (valid, 0, LABEL_CHARS);
  return g_strconcat (cut, "…", NULL);
}

/* The name @sql reads of @row of @table, or NULL. */
static char *
row_name (StDb       *db,
          const char *sql,
          const char *table,
          const char *row)
{
  sqlite3_stmt *stmt = st_db_prepare (db, sql, NULL);
  char *name = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, row, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    g_warning ("The name of %s %s cannot be read: %s", table, row, sqlite3_errstr (rc));
  sqlite3_reset (stmt);
  return name;
}

/* What a clerk calls the row: a participant's name, or the kind of record. */
char *
st_sync_row_label (StDb       *db,
                   const char *table,
                   const char *row)
{
  const char *sql = g_strcmp0 (table, "participants") == 0 ? "SELECT name FROM participants WHERE id = ?"
                    : g_strcmp0 (table, "classes") == 0 ? "SELECT name FROM classes WHERE id = ?"
                    : NULL;

  if (sql != NULL)
    {
      char *name = row_name (db, sql, table, row);

      if (name != NULL)
        return label_of (name);
    }
  return g_strdup (table_label (table));
}

const char *
st_sync_field_label (const char *field)
{
  guint n = 0;
  const StParticipantField *fields = st_participant_fields (&n);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (fields[i].column, field))
      return _(fields[i].label);
  if (g_str_equal (field, "id_number"))
    return _("ID number");
  if (g_str_equal (field, "deleted"))
    return _("deletion");
  if (st_visit_field_label (field) != NULL)
    return st_visit_field_label (field);
  return field;
}

static char *
fields_of (JsonObject *values)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GList *members = values != NULL ? json_object_get_members (values) : NULL;

  for (GList *l = members; l != NULL; l = l->next)
    g_string_append_printf (text, "%s%s", text->len ? _(", ") : "", st_sync_field_label (l->data));
  g_list_free (members);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static JsonObject *
object_from_text (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !st_json_parser_load (parser, text, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The losing values of a review item: its "values" member, a JSON object
 * or the text of one. */
static JsonObject *
losing_values (JsonObject *data)
{
  JsonNode *node = data != NULL ? json_object_get_member (data, "values") : NULL;

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_object_ref (json_node_get_object (node));
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return object_from_text (json_node_get_string (node));
  return NULL;
}

static char *
describe_refusal (StDb       *db,
                  const char *code,
                  const char *table,
                  const char *what,
                  const char *township)
{
  if (g_strcmp0 (code, "out_of_scope") == 0)
    {
      g_autofree char *place = township_name (db, township);

      /* Translators: the server refused a change; "%s of %s" = "张三 of 巧马镇". */
      return g_strdup_printf (_("The server refused: your account may not change records of %s (%s)."), place, what);
    }
  if (g_strcmp0 (code, "role_forbidden") == 0)
    return g_strdup_printf (_("The server refused: your account’s role may not change this %s (%s)."),
                            table_label (table), what);
  if (g_strcmp0 (code, "not_your_class") == 0)
    return g_strdup_printf (_("The server refused: you do not teach the class of this %s (%s)."),
                            table_label (table), what);
  if (g_strcmp0 (code, "read_only_table") == 0)
    return g_strdup_printf (_("The server refused a change of a %s only the server may make (%s)."),
                            table_label (table), what);
  return g_strdup_printf (_("The server refused a change of a %s (%s)."), table_label (table), what);
}

/* A change refused for good and kept here (set_aside ()): the field it was
 * refused for, read from the change itself: the largest text it holds. */
static char *
describe_set_aside (StDb       *db,
                    gint64      seq,
                    const char *code,
                    const char *table,
                    const char *what,
                    char      **field_out)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT j.key, length (CAST (j.value AS BLOB)) FROM audit_log a, json_each (a.new) j"
                                      " WHERE a.id = ? AND j.type = 'text' ORDER BY 2 DESC LIMIT 1", NULL);
  g_autofree char *field = NULL;
  gint64 size = 0;

  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, seq);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          field = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          size = sqlite3_column_int64 (stmt, 1);
        }
      sqlite3_reset (stmt);
    }
  if (field != NULL && (size > ST_SERVER_MAX_TEXT_BYTES || g_strcmp0 (code, "body_too_large") == 0))
    {
      g_autofree char *bytes = g_format_size ((guint64) size);

      *field_out = g_strdup (field);
      /* Translators: "participant 张三: Notes too long (17.8 MB); …". */
      return g_strdup_printf (_("%s %s: %s too long (%s); refused by the server, kept on this laptop to be dealt with."),
                              table_label (table), what, st_sync_field_label (field), bytes);
    }
  /* Translators: the last %s is the server's code, as invalid_value. */
  return g_strdup_printf (_("%s %s: a change refused by the server for what it holds (%s), kept on this laptop to be dealt with."),
                          table_label (table), what, code != NULL ? code : "");
}

static char *
describe_review (StDb           *db,
                 JsonObject     *data,
                 const char     *table,
                 const char     *row,
                 StSyncItemKind  kind)
{
  g_autofree char *what = st_sync_row_label (db, table, row);
  g_autoptr(JsonObject) values = losing_values (data);
  g_autofree char *fields = fields_of (values);

  if (kind == ST_SYNC_ITEM_MERGE)
    return g_strdup_printf (_("%s was registered twice with one ID number; the two records were merged."), what);
  if (kind == ST_SYNC_ITEM_DELETE)
    return g_strdup_printf (_("%s was deleted on one laptop while another changed it; the record was kept."), what);
  if (fields[0] != '\0')
    /* Translators: "张三: phone, village were changed on two laptops at once". */
    return g_strdup_printf (_("%s: %s changed on two laptops at once; one value was kept, the other is here."),
                            what, fields);
  return g_strdup_printf (_("%s was changed on two laptops at once; one version was kept, the other is here."), what);
}

static gpointer
review_item_from_row (sqlite3_stmt *stmt)
{
  StSyncItem *item = g_new0 (StSyncItem, 1);
  const char *kind;

  item->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  item->table = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  item->row = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  item->township_code = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  item->created_at = sqlite3_column_int64 (stmt, 4);
  item->data = object_from_text ((const char *) sqlite3_column_text (stmt, 5));
  kind = item->data != NULL ? json_object_get_string_member_with_default (item->data, "kind", "") : "";
  item->kind = g_str_equal (kind, "merge") ? ST_SYNC_ITEM_MERGE
               : g_str_equal (kind, "delete") ? ST_SYNC_ITEM_DELETE : ST_SYNC_ITEM_CONFLICT;
  return item;
}

static gpointer
refusal_from_row (sqlite3_stmt *stmt)
{
  StSyncItem *item = g_new0 (StSyncItem, 1);

  item->id = g_strdup_printf ("refused:%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 0));
  item->kind = ST_SYNC_ITEM_REFUSED;
  item->table = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  item->row = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  item->township_code = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  item->created_at = sqlite3_column_int64 (stmt, 4);
  item->data = json_object_new ();
  json_object_set_string_member (item->data, "code", (const char *) sqlite3_column_text (stmt, 5));
  json_object_set_string_member (item->data, "message", (const char *) sqlite3_column_text (stmt, 6));
  json_object_set_int_member (item->data, "status", sqlite3_column_int64 (stmt, 7));
  json_object_set_string_member (item->data, "label", (const char *) sqlite3_column_text (stmt, 8));
  json_object_set_int_member (item->data, "seq", sqlite3_column_int64 (stmt, 9));
  return item;
}

GPtrArray *
st_sync_list_items (StDb    *db,
                    GError **error)
{
  g_autoptr(GPtrArray) items = NULL;
  GPtrArray *refusals;
  sqlite3_stmt *stmt;
  guint first;

  stmt = st_db_prepare (db,
                        "SELECT id, tbl, row_id, township_code, created_at, data FROM review_items"
                        " WHERE resolved = 0 AND deleted = 0 ORDER BY created_at DESC", error);
  if (stmt == NULL)
    return NULL;
  items = st_db_read_rows (db, stmt, review_item_from_row, (GDestroyNotify) st_sync_item_free,
                           _("reading the items to review"), error);
  if (items == NULL)
    return NULL;
  /* Summaries read other rows: after the statement is done. */
  for (guint i = 0; i < items->len; i++)
    {
      StSyncItem *item = g_ptr_array_index (items, i);

      item->summary = describe_review (db, item->data, item->table, item->row, item->kind);
    }

  stmt = st_db_prepare (db,
                        "SELECT id, tbl, row_id, township_code, at, code, message, status, label, seq FROM sync_refusals"
                        " WHERE resolved = 0 ORDER BY at DESC, id DESC", error);
  if (stmt == NULL)
    return NULL;
  refusals = st_db_read_rows (db, stmt, refusal_from_row, (GDestroyNotify) st_sync_item_free,
                              _("reading the items to review"), error);
  if (refusals == NULL)
    return NULL;
  first = items->len;
  g_ptr_array_extend_and_steal (items, refusals);
  for (guint i = first; i < items->len; i++)
    {
      StSyncItem *item = g_ptr_array_index (items, i);
      const char *label = json_object_get_string_member (item->data, "label");
      gint64 status = json_object_get_int_member (item->data, "status");

      /* Set aside for what it holds (400, 413, 422): its values are here. */
      if (status == 400 || status == 413 || status == 422)
        {
          g_autofree char *field = NULL;

          item->summary = describe_set_aside (db, json_object_get_int_member (item->data, "seq"),
                                              json_object_get_string_member (item->data, "code"), item->table,
                                              label != NULL ? label : table_label (item->table), &field);
          if (field != NULL)
            json_object_set_string_member (item->data, "field", field);
        }
      else
        item->summary = describe_refusal (db, json_object_get_string_member (item->data, "code"),
                                          item->table, label != NULL ? label : table_label (item->table),
                                          item->township_code);
    }
  return g_steal_pointer (&items);
}

gint64
st_sync_count_items (StDb *db)
{
  gint64 items = 0, refusals = 0;

  if (!st_db_query_int64 (db, "SELECT count(*) FROM review_items WHERE resolved = 0 AND deleted = 0", &items, NULL)
      || !st_db_query_int64 (db, "SELECT count(*) FROM sync_refusals WHERE resolved = 0", &refusals, NULL))
    return -1;
  return items + refusals;
}

/* Writes @values to the row as a local edit (captured and pushed). */
static gboolean
write_values (StDb        *db,
              const char  *table,
              const char  *row,
              JsonObject  *values,
              GError     **error)
{
  g_autoptr(TableInfo) info = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) bound = g_ptr_array_new ();
  g_autoptr(GString) differs = g_string_new (NULL);
  GList *members;
  sqlite3_stmt *stmt;
  int rc;

  if (!st_sync_is_feed_table (table) || g_str_equal (table, "review_items"))
    return TRUE;
  info = st_sync_table_info_new (db, table, error);
  if (info == NULL)
    return FALSE;
  members = json_object_get_members (values);

  g_string_append_printf (sql, "UPDATE %s SET hlc = ?1, device = st_device ()", table);
  for (GList *l = members; l != NULL; l = l->next)
    {
      gboolean known = g_str_equal (l->data, "deleted");

      for (guint i = 0; !known && i < info->columns->len; i++)
        known = g_str_equal (g_ptr_array_index (info->columns, i), l->data);
      if (known)
        {
          g_ptr_array_add (bound, l->data);
          g_string_append_printf (sql, ", %s = ?%u", (const char *) l->data, bound->len + 2);
          g_string_append_printf (differs, "%s%s IS NOT ?%u", differs->len ? " OR " : "",
                                  (const char *) l->data, bound->len + 2);
        }
    }
  if (bound->len == 0)
    {
      g_list_free (members);
      return TRUE;
    }
  /* Only if a value differs: an update that changes nothing but the clock
   * would not be captured, and this copy's clock would run ahead of the
   * server's for ever. */
  g_string_append_printf (sql, " WHERE id = ?2 AND (%s)", differs->str);
  stmt = st_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    {
      g_list_free (members);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) st_db_next_hlc (db));
  sqlite3_bind_text (stmt, 2, row, -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < bound->len; i++)
    st_sync_bind_json (stmt, (int) i + 3, json_object_get_member (values, g_ptr_array_index (bound, i)));
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  g_list_free (members);
  return rc == SQLITE_DONE || st_db_set_error (db, rc, _("saving the chosen value"), error);
}

gboolean
st_sync_resolve_item (StDb        *db,
                      const char  *id,
                      gboolean     use_losing_values,
                      GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (ST_IS_DB (db), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!st_db_begin (db, error))
    return FALSE;
  if (g_str_has_prefix (id, "refused:"))
    {
      sqlite3_stmt *stmt = st_db_prepare (db, "UPDATE sync_refusals SET resolved = 1 WHERE id = ?", error);

      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (id + strlen ("refused:"), NULL, 10));
          ok = sqlite3_step (stmt) == SQLITE_DONE
               || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("resolving an item"), error);
          sqlite3_reset (stmt);
        }
    }
  else
    {
      sqlite3_stmt *stmt = st_db_prepare (db, "SELECT tbl, row_id, data FROM review_items WHERE id = ?", error);
      g_autofree char *table = NULL;
      g_autofree char *row = NULL;
      g_autoptr(JsonObject) data = NULL;

      ok = stmt != NULL;
      if (ok)
        {
          int rc;

          sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            {
              table = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
              row = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
              data = object_from_text ((const char *) sqlite3_column_text (stmt, 2));
            }
          sqlite3_reset (stmt);
          if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            ok = st_db_set_error (db, rc, _("resolving an item"), error);
          else if (table == NULL)
            {
              g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_REFUSED, _("There is no review item %s."), id);
              ok = FALSE;
            }
        }
      if (ok && use_losing_values)
        {
          g_autoptr(JsonObject) values = losing_values (data);

          if (values != NULL)
            ok = write_values (db, table, row, values, error);
        }
      if (ok)
        {
          stmt = st_db_prepare (db, "UPDATE review_items SET resolved = 1, hlc = max (hlc + 1, ?), device = st_device ()"
                                    " WHERE id = ?", error);
          ok = stmt != NULL;
          if (ok)
            {
              sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) st_db_next_hlc (db));
              sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
              ok = sqlite3_step (stmt) == SQLITE_DONE
                   || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("resolving an item"), error);
              sqlite3_reset (stmt);
            }
        }
    }
  if (ok)
    return st_db_commit (db, error);
  st_db_rollback (db);
  return FALSE;
}

char *
st_sync_current_value (StDb       *db,
                       const char *table,
                       const char *row,
                       const char *field)
{
  g_autoptr(TableInfo) info = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  gboolean known = g_strcmp0 (field, "deleted") == 0;
  char *value = NULL;
  int rc;

  if (table == NULL || row == NULL || field == NULL || !st_sync_is_feed_table (table))
    return NULL;
  info = st_sync_table_info_new (db, table, NULL);
  if (info == NULL)
    return NULL;
  for (guint i = 0; !known && i < info->columns->len; i++)
    known = g_str_equal (g_ptr_array_index (info->columns, i), field);
  if (!known)
    return NULL;
  sql = g_strdup_printf ("SELECT %s FROM %s WHERE id = ?", field, table);
  stmt = st_db_prepare (db, sql, NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, row, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    g_warning ("The value of %s.%s cannot be read: %s", table, field, sqlite3_errstr (rc));
  return value;
}

JsonObject *
st_sync_item_values (const StSyncItem *item)
{
  return item != NULL ? losing_values (item->data) : NULL;
}
