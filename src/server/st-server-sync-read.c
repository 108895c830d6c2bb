/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading a push, on a worker thread: the request parsed and checked
 * change by change, the rows it is about read ahead, and the changes
 * merged into them where that is simple, so that the writer, under the
 * write lock, spends its time writing (st-server-sync.c applies it). */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include "st-hlc.h"
#include "st-json-guard.h"
#include "st-server-sync-private.h"

/* No laptop made a change before 2020: a stamp before it is garbage. */
#define HLC_MIN_MS G_GINT64_CONSTANT (1577836800000)

static void
push_change_clear (gpointer data)
{
  PushChange *c = data;

  g_free (c->fields_text);
  g_free (c->row_text);
  g_free (c->clocks_text);
  g_clear_pointer (&c->before, st_record_free);
  g_clear_pointer (&c->merged, st_record_free);
  g_free (c->old_text);
}

static void
push_result_clear (gpointer data)
{
  PushResult *r = data;

  g_free (r->original);
  g_free (r->message);
  g_free (r->review);
}

static StCredential *
credential_copy (const StCredential *c)
{
  StCredential *copy = g_new0 (StCredential, 1);

  copy->account = st_account_new ();
  copy->account->id = c->account->id;
  copy->account->name = g_strdup (c->account->name);
  copy->account->role = c->account->role;
  g_strfreev (copy->account->townships);
  copy->account->townships = g_strdupv (c->account->townships);
  copy->device = g_strdup (c->device);
  copy->expires_at = c->expires_at;
  return copy;
}

void
st_push_free (StPush *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->root, json_node_unref);
  st_credential_free (self->credential);
  g_free (self->server_device);
  g_clear_pointer (&self->changes, g_array_unref);
  g_clear_pointer (&self->results, g_array_unref);
  g_clear_pointer (&self->garbage, g_ptr_array_unref);
  st_server_write_clear (&self->write);
  g_free (self);
}


static gboolean
holds_int (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

/* Fills @error for change @index, naming its seq when known. */
G_GNUC_PRINTF (7, 8)
static void
change_error (StApiError *error,
              guint       index,
              gint64      seq,
              const char *field,
              guint       status,
              const char *code,
              const char *format,
              ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  if (seq > 0)
    st_api_error_set (error, status, code, "Change %u (seq %" G_GINT64_FORMAT "): %s", index + 1, seq, detail);
  else
    st_api_error_set (error, status, code, "Change %u: %s", index + 1, detail);
  error->seq = seq;
  error->field = g_strdup (field);
}

static void
prepare_texts (PushChange *change,
               const char *device,
               const char *account)
{
  g_autoptr(GString) fields = g_string_sized_new (256);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  /* In the order the laptop gave them, without a copy of the list. */
  g_string_append_c (fields, '{');
  json_object_iter_init_ordered (&iter, change->fields);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (fields->len > 1)
        g_string_append_c (fields, ',');
      st_json_append_string (fields, name);
      g_string_append_c (fields, ':');
      st_json_append_node (fields, value);
    }
  g_string_append_c (fields, '}');
  change->fields_text = g_string_free (g_steal_pointer (&fields), FALSE);

  change->whole = st_merge_is_whole_row (change->table, change->fields);
  if (change->whole)
    {
      /* As st_merge_change () would make it: every field in column order,
       * null where the change says nothing, and the change's clock for all
       * of them. */
      g_autoptr(GString) row = g_string_sized_new (512);
      g_autoptr(GString) clocks = g_string_sized_new (256);
      gboolean first = TRUE;

      g_string_append_c (row, '{');
      for (guint i = 0; i < change->table->fields->len; i++)
        {
          const StField *field = g_ptr_array_index (change->table->fields, i);

          if (g_str_equal (field->name, "deleted"))
            continue;
          if (!first)
            g_string_append_c (row, ',');
          first = FALSE;
          st_json_append_string (row, field->name);
          g_string_append_c (row, ':');
          st_json_append_node (row, json_object_get_member (change->fields, field->name));
        }
      g_string_append_c (row, '}');
      g_string_append_printf (clocks, "{\"*\":%" G_GINT64_FORMAT ",\"*@\":", change->hlc);
      st_json_append_string (clocks, device);
      g_string_append (clocks, ",\"*#\":");
      st_json_append_string (clocks, account);
      g_string_append_c (clocks, '}');
      change->row_text = g_string_free (g_steal_pointer (&row), FALSE);
      change->clocks_text = g_string_free (g_steal_pointer (&clocks), FALSE);
    }
}

/* @name of change @index's @object, or NULL with @error set when it is
 * missing. */
static JsonNode *
required_member (JsonObject *object,
                 const char *name,
                 guint       index,
                 gint64      seq,
                 StApiError *error)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL)
    change_error (error, index, seq, name, 400, "invalid_request", "member \"%s\" is missing", name);
  return member;
}

/* The string @name of change @index's @object, or NULL with @error set. */
static const char *
required_string (JsonObject *object,
                 const char *name,
                 guint       index,
                 gint64      seq,
                 StApiError *error)
{
  JsonNode *member = required_member (object, name, index, seq, error);

  if (member == NULL)
    return NULL;
  if (!st_push_holds_string (member))
    {
      change_error (error, index, seq, name, 400, "invalid_type", "\"%s\" must be a string", name);
      return NULL;
    }
  return json_node_get_string (member);
}

/* The change's seq, first, so that every later message can name the
 * change; then its members, and that no other change of the request has
 * the same seq. */
static gboolean
parse_change_seq (JsonObject  *object,
                  guint        index,
                  GHashTable  *seen,
                  PushChange  *change,
                  StApiError  *error)
{
  static const char *const members[] = { "seq", "table", "row", "kind", "hlc", "base_hlc", "fields", NULL };
  JsonNode *member;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gint64 seq;

  member = required_member (object, "seq", index, 0, error);
  if (member == NULL)
    return FALSE;
  if (!holds_int (member))
    {
      change_error (error, index, 0, "seq", 400, "invalid_type", "\"seq\" must be an integer");
      return FALSE;
    }
  seq = json_node_get_int (member);
  if (seq < 1)
    {
      change_error (error, index, 0, "seq", 400, "invalid_value", "\"seq\" must be 1 or more");
      return FALSE;
    }
  change->seq = seq;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    if (!g_strv_contains (members, name))
      {
        change_error (error, index, seq, name, 400, "unknown_member", "unknown member \"%s\"", name);
        return FALSE;
      }

  if (g_hash_table_contains (seen, &change->seq))
    {
      change_error (error, index, seq, "seq", 400, "duplicate_seq", "this seq appears twice in the request");
      return FALSE;
    }
  g_hash_table_add (seen, &change->seq);
  return TRUE;
}

/* What the change is about: its table, row and kind. */
static gboolean
parse_change_target (StCatalog   *catalog,
                     JsonObject  *object,
                     guint        index,
                     PushChange  *change,
                     StApiError  *error)
{
  gint64 seq = change->seq;
  const char *table = required_string (object, "table", index, seq, error);

  if (table == NULL)
    return FALSE;
  change->table = st_catalog_lookup (catalog, table);
  if (change->table == NULL)
    {
      change_error (error, index, seq, "table", 400, "unknown_table", "there is no synced table \"%s\"", table);
      return FALSE;
    }

  change->row = required_string (object, "row", index, seq, error);
  if (change->row == NULL)
    return FALSE;
  if (!st_catalog_is_uuid (change->row))
    {
      change_error (error, index, seq, "row", 400, "invalid_uuid", "\"row\" is not a lower-case UUID");
      return FALSE;
    }

  change->kind = required_string (object, "kind", index, seq, error);
  if (change->kind == NULL)
    return FALSE;
  if (!g_str_equal (change->kind, "insert") && !g_str_equal (change->kind, "update")
      && !g_str_equal (change->kind, "delete"))
    {
      change_error (error, index, seq, "kind", 400, "invalid_value",
                    "\"kind\" must be insert, update or delete");
      return FALSE;
    }
  return TRUE;
}

/* hlc and base_hlc: clock stamps, not too far ahead of the server's clock,
 * the base before the stamp; only an insert may come without a base. */
static gboolean
parse_change_clocks (JsonObject  *object,
                     guint        index,
                     gint64       now_ms,
                     gint64       max_skew_ms,
                     PushChange  *change,
                     StApiError  *error)
{
  gint64 seq = change->seq;
  JsonNode *member = required_member (object, "hlc", index, seq, error);

  if (member == NULL)
    return FALSE;
  if (!holds_int (member))
    {
      change_error (error, index, seq, "hlc", 400, "invalid_type", "\"hlc\" must be an integer");
      return FALSE;
    }
  change->hlc = json_node_get_int (member);
  if (change->hlc <= 0 || ST_HLC_MS (change->hlc) < HLC_MIN_MS)
    {
      change_error (error, index, seq, "hlc", 400, "invalid_clock", "\"hlc\" is not a clock stamp");
      return FALSE;
    }
  if (ST_HLC_MS (change->hlc) > now_ms + max_skew_ms)
    {
      change_error (error, index, seq, "hlc", 400, "clock_in_future",
                    "\"hlc\" is %" G_GINT64_FORMAT " s ahead of the server's clock (at most %" G_GINT64_FORMAT " s allowed)",
                    (ST_HLC_MS (change->hlc) - now_ms) / 1000, max_skew_ms / 1000);
      return FALSE;
    }
  member = json_object_get_member (object, "base_hlc");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!holds_int (member))
        {
          change_error (error, index, seq, "base_hlc", 400, "invalid_type", "\"base_hlc\" must be an integer or null");
          return FALSE;
        }
      change->base_hlc = json_node_get_int (member);
      if (change->base_hlc <= 0 || change->base_hlc >= change->hlc)
        {
          change_error (error, index, seq, "base_hlc", 400, "invalid_clock",
                        "\"base_hlc\" must be a stamp before \"hlc\"");
          return FALSE;
        }
    }
  else if (!g_str_equal (change->kind, "insert"))
    {
      change_error (error, index, seq, "base_hlc", 400, "invalid_clock",
                    "an update or delete must carry the row clock it was based on");
      return FALSE;
    }
  return TRUE;
}

/* The fields: each one of the table's, of its type and rules; an insert
 * carries every required one, a delete sets "deleted" to 1. */
static gboolean
parse_change_fields (JsonObject  *object,
                     guint        index,
                     PushChange  *change,
                     StApiError  *error)
{
  gint64 seq = change->seq;
  JsonNode *member = required_member (object, "fields", index, seq, error);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (member == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (member))
    {
      change_error (error, index, seq, "fields", 400, "invalid_type", "\"fields\" must be an object");
      return FALSE;
    }
  change->fields = json_node_get_object (member);
  json_object_iter_init (&iter, change->fields);
  while (json_object_iter_next (&iter, &name, &value))
    {
      const StField *field = st_table_field (change->table, name);
      g_autofree char *reason = NULL;

      if (field == NULL)
        {
          change_error (error, index, seq, name, 400, "unknown_field", "table %s has no field \"%s\"",
                        change->table->name, name);
          return FALSE;
        }
      switch (st_field_check (field, value, &reason))
        {
        case ST_FIELD_OK:
          break;
        case ST_FIELD_WRONG_TYPE:
          change_error (error, index, seq, name, 400, "invalid_type", "%s", reason);
          return FALSE;
        case ST_FIELD_BAD_VALUE:
          change_error (error, index, seq, name, 400,
                        field->check == ST_CHECK_UUID ? "invalid_uuid" : "invalid_value", "%s", reason);
          return FALSE;
        default:
          g_assert_not_reached ();
        }
    }

  if (g_str_equal (change->kind, "insert"))
    for (guint i = 0; i < change->table->fields->len; i++)
      {
        const StField *field = g_ptr_array_index (change->table->fields, i);

        if (field->required && !json_object_has_member (change->fields, field->name))
          {
            change_error (error, index, seq, field->name, 400, "missing_field",
                          "an insert into %s must carry \"%s\"", change->table->name, field->name);
            return FALSE;
          }
      }
  if (g_str_equal (change->kind, "delete")
      && json_object_get_int_member_with_default (change->fields, "deleted", 0) != 1)
    {
      change_error (error, index, seq, "deleted", 400, "missing_field", "a delete must set \"deleted\" to 1");
      return FALSE;
    }
  return TRUE;
}

/* Change @index of a push, checked in the order its messages name things. */
static gboolean
parse_change (StCatalog   *catalog,
              JsonNode    *node,
              guint        index,
              GHashTable  *seen,
              gint64       now_ms,
              gint64       max_skew_ms,
              PushChange  *change,
              StApiError  *error)
{
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      change_error (error, index, 0, NULL, 400, "invalid_type", "a change must be an object");
      return FALSE;
    }
  object = json_node_get_object (node);
  return parse_change_seq (object, index, seen, change, error)
         && parse_change_target (catalog, object, index, change, error)
         && parse_change_clocks (object, index, now_ms, max_skew_ms, change, error)
         && parse_change_fields (object, index, change, error);
}

StPush *
st_push_parse (StCatalog          *catalog,
               JsonNode           *root,
               const StCredential *credential,
               const char         *server_device,
               gint64              now_ms,
               gint64              max_skew_ms,
               StApiError         *error)
{
  g_autoptr(StPush) self = g_new0 (StPush, 1);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  JsonObject *object;
  JsonNode *member;
  JsonArray *changes;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  self->root = json_node_ref (root);
  self->catalog = catalog;
  self->credential = credential_copy (credential);
  self->server_device = g_strdup (server_device);
  self->now = now_ms;
  self->changes = g_array_new (FALSE, TRUE, sizeof (PushChange));
  g_array_set_clear_func (self->changes, push_change_clear);
  self->results = g_array_new (FALSE, TRUE, sizeof (PushResult));
  g_array_set_clear_func (self->results, push_result_clear);
  self->garbage = g_ptr_array_new_with_free_func ((GDestroyNotify) st_record_free);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      st_api_error_set (error, 400, "invalid_request", "The body must be a JSON object.");
      return NULL;
    }
  object = json_node_get_object (root);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    if (!g_str_equal (name, "epoch") && !g_str_equal (name, "changes"))
      {
        st_api_error_set (error, 400, "unknown_member", "Unknown member \"%s\".", name);
        error->field = g_strdup (name);
        return NULL;
      }

  member = json_object_get_member (object, "epoch");
  if (member != NULL)
    {
      if (!holds_int (member))
        {
          st_api_error_set (error, 400, "invalid_type", "\"epoch\" must be an integer.");
          error->field = g_strdup ("epoch");
          return NULL;
        }
      self->epoch = json_node_get_int (member);
      if (self->epoch < 0)
        {
          st_api_error_set (error, 400, "invalid_value", "\"epoch\" must be 0 or more.");
          error->field = g_strdup ("epoch");
          return NULL;
        }
    }

  member = json_object_get_member (object, "changes");
  if (member == NULL)
    {
      st_api_error_set (error, 400, "invalid_request", "Member \"changes\" is missing.");
      error->field = g_strdup ("changes");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (member))
    {
      st_api_error_set (error, 400, "invalid_type", "\"changes\" must be an array.");
      error->field = g_strdup ("changes");
      return NULL;
    }
  changes = json_node_get_array (member);
  if (json_array_get_length (changes) > ST_PUSH_MAX_CHANGES)
    {
      st_api_error_set (error, 400, "too_many_changes", "A push holds at most %d changes; this one has %u.",
                        ST_PUSH_MAX_CHANGES, json_array_get_length (changes));
      return NULL;
    }

  g_array_set_size (self->changes, json_array_get_length (changes));
  for (guint i = 0; i < self->changes->len; i++)
    {
      PushChange *change = &g_array_index (self->changes, PushChange, i);

      if (!parse_change (catalog, json_array_get_element (changes, i), i, seen, now_ms, max_skew_ms,
                         change, error))
        return NULL;
      prepare_texts (change, credential->device, credential->account->name);
    }

  return g_steal_pointer (&self);
}

/* The rows all read by one request of the store (PostgreSQL: one
 * statement instead of one per row); FALSE when the store cannot, or the
 * read failed (then row by row, as before). */
static gboolean
prefetch_many (StPush  *self,
               StStore *store)
{
  g_autoptr(GHashTable) rows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) tables = g_ptr_array_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GArray) firsts = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree StRecord **records = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->changes->len; i++)
    {
      PushChange *change = &g_array_index (self->changes, PushChange, i);

      if (!g_hash_table_add (rows, (gpointer) change->row))
        continue;
      g_ptr_array_add (tables, (gpointer) change->table->name);
      g_ptr_array_add (ids, (gpointer) change->row);
      g_array_append_val (firsts, i);
    }
  records = g_new0 (StRecord *, MAX (firsts->len, 1));
  if (!st_store_records_get_many (store, (const char * const *) tables->pdata, (const char * const *) ids->pdata,
                                  firsts->len, records, &error))
    return FALSE;
  for (guint k = 0; k < firsts->len; k++)
    {
      PushChange *change = &g_array_index (self->changes, PushChange, g_array_index (firsts, guint, k));

      change->before = records[k];
      change->prefetched = TRUE;
    }
  return TRUE;
}

JsonObject *
st_push_overwritten_values (PushChange     *change,
                            const StRecord *record)
{
  JsonObject *old_values = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, change->fields);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (old_values, name, st_record_get_field (record, name));
  return old_values;
}

void
st_push_merge_change (StPush           *self,
                      const PushChange *change,
                      StChange         *merge_change)
{
  *merge_change = (StChange) {
    .table = change->table->name, .row = change->row, .kind = change->kind,
    .hlc = change->hlc, .base_hlc = change->base_hlc,
    .device = self->credential->device, .writer = self->credential->account->name,
    .fields = change->fields,
  };
}

/* The merges of the changes into the rows prefetched, made here, on a
 * worker thread, so that the writer, under the write lock, only stores
 * them (when the row has not moved since): the merge and the row's JSON
 * texts were a good part of its time. Only a merge that simply applies
 * the change is kept; the writer makes the others itself. For a store
 * that reads a push's rows at once (PostgreSQL, whose writers of every
 * process wait for one another's lock); on SQLite the copies cost more CPU
 * than the writer saves (bench-server). */
static void
premerge (StPush *self)
{
  for (guint i = 0; i < self->changes->len; i++)
    {
      PushChange *change = &g_array_index (self->changes, PushChange, i);
      g_autoptr(StRecord) merged = NULL;
      g_autoptr(StConflict) conflict = NULL;
      g_autoptr(JsonObject) old_values = NULL;
      StChange merge_change;

      if (!change->prefetched || change->before == NULL || change->table->read_only)
        continue;
      st_push_merge_change (self, change, &merge_change);
      old_values = st_push_overwritten_values (change, change->before);
      merged = st_record_copy (change->before);
      if (st_merge_change (change->table, &merged, &merge_change, &conflict) != ST_MERGE_APPLIED
          || conflict != NULL)
        continue;
      merged->data_text = st_json_object_to_text (merged->data);
      merged->clocks_text = st_json_object_to_text (merged->clocks);
      change->old_text = st_json_object_to_text (old_values);
      change->merged = g_steal_pointer (&merged);
    }
}

void
st_push_prefetch (StPush  *self,
                  StStore *store)
{
  g_autoptr(GHashTable) rows = g_hash_table_new (g_str_hash, g_str_equal);
  StStoreTxn *snapshot;

  if (prefetch_many (self, store))
    {
      premerge (self);
      return;
    }
  /* One snapshot for them all: the reads share what the first brought in. */
  snapshot = st_store_begin_read (store, NULL);

  /* Reading and parsing the rows here, on a worker thread, spares the
   * writer; it only checks that each is still the same version. Only a
   * row's first change in the request: the later ones see the first's
   * write. */
  for (guint i = 0; i < self->changes->len; i++)
    {
      PushChange *change = &g_array_index (self->changes, PushChange, i);
      g_autoptr(GError) error = NULL;

      if (!g_hash_table_add (rows, (gpointer) change->row))
        continue;
      change->before = st_store_record_get (store, snapshot, change->table->name, change->row, &error);
      change->prefetched = error == NULL;
    }
  st_store_end_read (store, snapshot);
}
