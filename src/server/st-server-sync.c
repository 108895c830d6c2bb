/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include "st-failpoint.h"
#include "st-hlc.h"
#include "st-json-guard.h"
#include "st-server-merge.h"
#include "st-server-people.h"
#include "st-server-sync.h"
#include "st-uuid.h"

G_DEFINE_QUARK (st-sync-error-quark, st_sync_error)

/* No laptop made a change before 2020: a stamp before it is garbage. */
#define HLC_MIN_MS G_GINT64_CONSTANT (1577836800000)

typedef struct
{
  gint64         seq;
  const StTable *table;
  const char    *row;
  const char    *kind;
  gint64         hlc;
  gint64         base_hlc;
  JsonObject    *fields;
  /* Made while the request is read, on a worker thread, so that the writer
   * spends its time writing: the fields as JSON (for the audit), and, for a
   * whole row, the row the server would store if it has none yet. */
  char          *fields_text;
  gboolean       whole;
  char          *row_text;
  char          *clocks_text;
  /* The row as a reader saw it before the writer's turn (NULL: absent then);
   * used when the row's seq has not changed since. */
  gboolean       prefetched;
  StRecord      *before;
  /* The change merged into @before on the same worker thread, when the
   * merge simply applies it (no conflict): the row as it will be stored,
   * with its texts, and the text of the values it overwrites. The writer
   * takes them when the row is still that version, and merges again
   * otherwise. */
  StRecord      *merged;
  char          *old_text;
} PushChange;

typedef struct
{
  gint64       seq;
  const char  *result;      /* applied | duplicate | conflict | rejected */
  char        *original;    /* duplicate: the result then */
  guint        status;      /* rejected */
  const char  *code;
  char        *message;
  gint64       server_seq;
  const char  *winner;      /* conflict: change | server */
  char        *review;
} PushResult;

struct _StPush
{
  JsonNode      *root;
  StCatalog     *catalog;
  StStore       *store;          /* set by st_push_apply () */
  StCredential  *credential;
  char          *server_device;
  gint64         epoch;
  gint64         now;
  GArray        *changes;     /* PushChange */
  GArray        *results;     /* PushResult */
  GPtrArray     *garbage;     /* records used, freed with the push, not by the writer */
  gint64         acked_seq;
  guint          counts[4];   /* applied, duplicate, conflict, rejected */
  StServerWrite  write;       /* during st_push_apply () */
};

enum { COUNT_APPLIED, COUNT_DUPLICATE, COUNT_CONFLICT, COUNT_REJECTED };

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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StPush, st_push_free)


/* Reading a push */

static gboolean
holds_int (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
holds_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
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
  if (!holds_string (member))
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

/* What the values @change writes were in @record, as a JSON object. */
static JsonObject *
overwritten_values (PushChange     *change,
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
      StChange merge_change = { 0, };

      if (!change->prefetched || change->before == NULL || change->table->read_only)
        continue;
      merge_change.table = change->table->name;
      merge_change.row = change->row;
      merge_change.kind = change->kind;
      merge_change.hlc = change->hlc;
      merge_change.base_hlc = change->base_hlc;
      merge_change.device = self->credential->device;
      merge_change.writer = self->credential->account->name;
      merge_change.fields = change->fields;
      old_values = overwritten_values (change, change->before);
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


/* Applying a push */

static const char *
effective_string (JsonObject     *fields,
                  const StRecord *stored,
                  const char     *name)
{
  JsonNode *node = json_object_get_member (fields, name);

  if (node != NULL)
    return holds_string (node) ? json_node_get_string (node) : NULL;
  if (stored != NULL)
    return json_object_get_string_member_with_default (stored->data, name, NULL);
  return NULL;
}

static gboolean
class_has_trainer (const StRecord *klass,
                   const char     *account)
{
  const char *trainers = json_object_get_string_member_with_default (klass->data, "trainers", NULL);
  g_autoptr(JsonNode) node = trainers ? st_json_from_string (trainers, NULL) : NULL;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), account) == 0)
      return TRUE;
  return FALSE;
}

/* The class a row of @table with these values belongs to; NULL when the
 * server cannot tell. */
static char *
class_of (StStore        *store,
          StStoreTxn     *txn,
          const StTable  *table,
          JsonObject     *fields,
          const StRecord *stored,
          GError        **error)
{
  const char *via = table->class_via;
  const char *key;
  g_autoptr(StRecord) parent = NULL;

  if (via == NULL)
    return NULL;
  key = fields ? effective_string (fields, stored, via)
               : json_object_get_string_member_with_default (stored->data, via, NULL);
  if (key == NULL)
    return NULL;
  if (g_str_equal (via, "class_id"))
    return g_strdup (key);
  parent = st_store_record_get (store, txn, st_catalog_parent_table (via), key, error);
  if (parent == NULL)
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (parent->data, "class_id", NULL));
}

/* Whether the account may write this change; FALSE with a rejection filled,
 * or FALSE with @error set when the storage failed. */
static gboolean
authorize (StPush           *self,
           StStore          *store,
           StStoreTxn       *txn,
           const PushChange *change,
           const StRecord   *stored,
           PushResult       *result,
           GError          **error)
{
  const StAccount *account = self->credential->account;
  const StTable *table = change->table;
  static const char *const parents[] = { "class_id", "session_id", "enrolment_id" };

  if (table->read_only)
    {
      result->status = 403;
      result->code = "read_only_table";
      result->message = g_strdup_printf ("Table %s is written by the server only.", table->name);
      return FALSE;
    }
  if (!(table->writers & ST_ROLE_BIT (account->role)))
    {
      result->status = 403;
      result->code = "role_forbidden";
      result->message = g_strdup_printf ("Accounts of role %s may not write %s.",
                                         st_role_to_string (account->role), table->name);
      return FALSE;
    }
  if (st_role_sees_all (account->role))
    return TRUE;

  if (table->scoped)
    {
      const char *before = stored ? stored->township : NULL;
      const char *after = effective_string (change->fields, stored, "township_code");

      if ((before != NULL && !st_account_has_township (account, before))
          || after == NULL || !st_account_has_township (account, after))
        {
          result->status = 403;
          result->code = "out_of_scope";
          result->message = g_strdup_printf ("Township %s is outside this account's scope.",
                                             before && !st_account_has_township (account, before)
                                             ? before : after ? after : "(none)");
          return FALSE;
        }
    }

  /* A row hangs on its parents: attaching it to another township's class,
   * session or enrolment writes into that township. */
  for (guint i = 0; i < G_N_ELEMENTS (parents); i++)
    {
      const char *keys[2] = { NULL, NULL };

      if (st_table_field (table, parents[i]) == NULL)
        continue;
      keys[0] = effective_string (change->fields, stored, parents[i]);
      keys[1] = stored ? json_object_get_string_member_with_default (stored->data, parents[i], NULL) : NULL;
      for (guint k = 0; k < 2; k++)
        {
          g_autoptr(StRecord) parent = NULL;
          g_autoptr(GError) local_error = NULL;

          if (keys[k] == NULL || (k == 1 && g_strcmp0 (keys[0], keys[1]) == 0))
            continue;
          parent = st_store_record_get (store, txn, st_catalog_parent_table (parents[i]), keys[k], &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (parent != NULL && parent->township != NULL && !st_account_has_township (account, parent->township))
            {
              result->status = 403;
              result->code = "out_of_scope";
              result->message = g_strdup_printf ("The %s it belongs to is in township %s, outside this account's scope.",
                                                 parents[i], parent->township);
              return FALSE;
            }
        }
    }

  if (account->role == ST_ROLE_TRAINER)
    {
      /* The class after the change, and before it: a trainer may not move a
       * session out of someone else's class either. */
      for (guint k = 0; k < (stored ? 2u : 1u); k++)
        {
          g_autoptr(GError) local_error = NULL;
          g_autofree char *class_id = class_of (store, txn, table, k == 0 ? change->fields : NULL,
                                                stored, &local_error);
          g_autoptr(StRecord) klass = NULL;

          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (class_id != NULL)
            klass = st_store_record_get (store, txn, "classes", class_id, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (klass == NULL || !class_has_trainer (klass, account->name))
            {
              result->status = 403;
              result->code = "not_your_class";
              result->message = g_strdup (class_id == NULL
                                          ? "A trainer writes only records of a class the server knows (a study log must name its enrolment)."
                                          : "This account does not teach the class this record belongs to.");
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* The review item of a change's conflict. */
static gboolean
put_review (StPush           *self,
            const PushChange *change,
            const char       *township,
            StConflict       *conflict,
            PushResult       *result,
            GError          **error)
{
  StClock mine = { change->hlc, self->credential->device, self->credential->account->name };
  const char *winner = st_conflict_winner (conflict);
  gboolean change_won = !g_str_equal (winner, "server");
  StReviewItem item = {
    .table = change->table->name, .row = change->row, .township = township, .conflict = conflict,
    .winner = change_won ? &mine : &conflict->other, .loser = change_won ? &conflict->other : &mine,
  };

  result->result = "conflict";
  result->winner = winner;
  return st_review_put (&self->write, &item, &result->review, error);
}

/* A clerk marks a review item resolved: the only change a laptop may make
 * to a review item (docs/sync-protocol.md, Review items). */
static gboolean
resolve_review (StPush      *self,
                StStore     *store,
                StStoreTxn  *txn,
                PushChange  *change,
                StRecord    *record,
                PushResult  *result,
                GError     **error)
{
  const StAccount *account = self->credential->account;
  JsonNode *resolved = json_object_get_member (change->fields, "resolved");
  StClock mine = { change->hlc, self->credential->device, account->name };

  if (!g_str_equal (change->kind, "update") || json_object_get_size (change->fields) != 1
      || resolved == NULL || !JSON_NODE_HOLDS_VALUE (resolved) || json_node_get_int (resolved) != 1)
    {
      result->result = "rejected";
      result->status = 403;
      result->code = "read_only_table";
      result->message = g_strdup ("Review items are written by the server; a laptop may only set \"resolved\" to 1.");
      return TRUE;
    }
  if (record == NULL)
    {
      result->result = "rejected";
      result->status = 409;
      result->code = "unknown_row";
      result->message = g_strdup ("The server has no such review item.");
      return TRUE;
    }
  if (!st_role_sees_all (account->role)
      && (record->township == NULL || !st_account_has_township (account, record->township)))
    {
      result->result = "rejected";
      result->status = 403;
      result->code = "out_of_scope";
      result->message = g_strdup_printf ("Township %s is outside this account's scope.",
                                         record->township ? record->township : "(none)");
      return TRUE;
    }
  result->result = "applied";
  if (json_object_get_int_member_with_default (record->data, "resolved", 0) == 1)
    {
      /* Resolved already: the first to resolve it is kept; the row takes
       * the later clock, as the laptop's copy has it. */
      if (st_merge_clock_compare (mine.hlc, mine.device, record->hlc, record->device) > 0)
        {
          st_record_advance (record, &mine);
          if (!st_store_record_put (store, txn, record, error))
            return FALSE;
        }
      result->server_seq = record->seq;
      return TRUE;
    }
  json_object_set_int_member (record->data, "resolved", 1);
  json_object_set_string_member (record->data, "resolved_by", account->name);
  json_object_set_int_member (record->data, "resolved_at", self->now);
  st_record_set_field_clock (record, "resolved", &mine);
  st_record_advance (record, &mine);
  if (!st_store_record_put (store, txn, record, error))
    return FALSE;
  result->server_seq = record->seq;
  return TRUE;
}

/* Whether rows of @table take part in merges of people. */
static gboolean
concerns_people (const StTable *table)
{
  /* Visits hang on a person alone, not on a class (issue 21). */
  return table->class_via != NULL || g_str_equal (table->name, "participants")
         || g_str_equal (table->name, "visits");
}

/* The row @change is about, as the writer sees it (NULL: the server has
 * none): the one a reader fetched before the writer's turn when its seq
 * has not moved since, or else read now. */
static gboolean
current_row (StStore     *store,
             StStoreTxn  *txn,
             PushChange  *change,
             StRecord   **record,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (change->prefetched)
    {
      gint64 seq;

      if (!st_store_record_seq (store, txn, change->table->name, change->row, &seq, error))
        return FALSE;
      if (seq == (change->before ? change->before->seq : 0))
        *record = g_steal_pointer (&change->before);
      else
        g_clear_pointer (&change->before, st_record_free);
      change->prefetched = seq == 0 || *record != NULL;
    }
  /* Merged beforehand into another version of the row: made again. */
  if (*record == NULL || !change->prefetched)
    {
      g_clear_pointer (&change->merged, st_record_free);
      g_clear_pointer (&change->old_text, g_free);
    }
  if (!change->prefetched)
    {
      *record = st_store_record_get (store, txn, change->table->name, change->row, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  return TRUE;
}

/* A new row, the common case: stored as it was prepared. */
static gboolean
insert_row (StPush      *self,
            StStore     *store,
            StStoreTxn  *txn,
            PushChange  *change,
            PushResult  *result,
            GError     **error)
{
  const StAccount *account = self->credential->account;
  g_autoptr(StRecord) row = g_new0 (StRecord, 1);
  JsonNode *deleted = json_object_get_member (change->fields, "deleted");
  gboolean stored;

  row->table = g_strdup (change->table->name);
  row->id = g_strdup (change->row);
  row->hlc = change->hlc;
  row->device = g_strdup (self->credential->device);
  row->writer = g_strdup (account->name);
  row->deleted = deleted != NULL && json_node_get_int (deleted) != 0;
  row->township = change->table->scoped
                  ? g_strdup (json_object_get_string_member_with_default (change->fields, "township_code", NULL))
                  : NULL;
  /* The texts prepared off the writer's thread, lent (not copied:
   * they are long). */
  row->data_text = change->row_text;
  row->clocks_text = change->clocks_text;
  /* The store reads its key columns here, and the rules of the same
   * person twice only the keys: the fields are enough (a whole row). */
  row->data = json_object_ref (change->fields);
  stored = st_store_record_put (store, txn, row, error);
  row->data_text = row->clocks_text = NULL;
  if (!stored)
    return FALSE;
  result->result = "applied";
  result->server_seq = row->seq;
  if (concerns_people (change->table) && !row->deleted)
    {
      row->clocks = json_object_new ();
      if (!st_people_after_write (&self->write, row, NULL, TRUE, error))
        return FALSE;
    }
  return TRUE;
}

/* Stores what st_merge_change () made of @record: @before is the row
 * before (for the rules of the same person twice, or NULL), and
 * @before_township the township it was in. */
static gboolean
store_merged_row (StPush        *self,
                  StStore       *store,
                  StStoreTxn    *txn,
                  PushChange    *change,
                  StMergeResult  merge,
                  StConflict    *conflict,
                  StRecord      *record,
                  StRecord      *before,
                  const char    *before_township,
                  PushResult    *result,
                  GError       **error)
{
  const StAccount *account = self->credential->account;

  switch (merge)
    {
    case ST_MERGE_INCOMPLETE:
      result->result = "rejected";
      result->status = 409;
      result->code = "unknown_row";
      result->message = g_strdup ("The server does not have this row and the change is not a whole row: push the whole row as an insert.");
      break;
    case ST_MERGE_UNCHANGED:
      /* Nothing to write, but the laptop's copy now carries this
       * change's clock: if it is the later one, the server's row takes
       * it too (and goes out in the feed), or the two would disagree
       * for ever on which copy is newer. */
      {
        StClock clock = { change->hlc, self->credential->device, account->name };

        if (st_merge_clock_compare (clock.hlc, clock.device, record->hlc, record->device) > 0)
          {
            st_record_advance (record, &clock);
            if (!st_store_record_put (store, txn, record, error))
              return FALSE;
          }
      }
      result->result = "applied";
      result->server_seq = record->seq;
      break;
    case ST_MERGE_APPLIED:
    case ST_MERGE_WON_CONFLICT:
      /* The township it left hears of it first. */
      if (before_township != NULL && g_strcmp0 (before_township, record->township) != 0
          && !st_store_eviction_put (store, txn, change->table->name, change->row, before_township, error))
        return FALSE;
      /* A refused delete, or a row brought back, is the server's
       * decision: a clock of its own says so to every laptop, the one
       * that deleted included. */
      if (conflict != NULL && g_str_equal (conflict->kind, "delete"))
        {
          StClock clock = { (gint64) st_hlc_next (st_hlc_get_default ()), self->server_device, NULL };

          st_record_advance (record, &clock);
        }
      if (!st_store_record_put (store, txn, record, error))
        return FALSE;
      result->server_seq = record->seq;
      result->result = "applied";
      if (merge == ST_MERGE_WON_CONFLICT
          && !put_review (self, change, record->township, conflict, result, error))
        return FALSE;
      if (concerns_people (change->table)
          && !st_people_after_write (&self->write, record, before, FALSE, error))
        return FALSE;
      break;
    case ST_MERGE_LOST_CONFLICT:
      result->server_seq = record->seq;
      /* The same change again, from a laptop restored from a backup
       * that pushes it under a new epoch: it lost before, and its
       * values are in a review item already. */
      {
        int seen = st_store_log_seen (store, txn, change->row, self->credential->device, change->hlc, error);

        if (seen < 0)
          return FALSE;
        if (seen)
          {
            result->result = "applied";
            break;
          }
      }
      if (!put_review (self, change, record->township, conflict, result, error))
        return FALSE;
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

/* A change to a row the server has: merged field by field with it.
 * @old_values receives what the change is about to overwrite, for the
 * audit. */
static gboolean
merge_row (StPush       *self,
           StStore      *store,
           StStoreTxn   *txn,
           PushChange   *change,
           StRecord    **record,
           JsonObject  **old_values,
           char        **old_text,
           PushResult   *result,
           GError      **error)
{
  const StAccount *account = self->credential->account;
  g_autoptr(StRecord) before = NULL;
  g_autoptr(StConflict) conflict = NULL;
  g_autofree char *before_township = NULL;
  StChange merge_change = { 0, };
  StMergeResult merge;

  before_township = g_strdup ((*record)->township);
  /* The row before, when the rules of the same person twice need it. */
  if (concerns_people (change->table)
      && ((*record)->deleted || json_object_has_member (change->fields, "id_number")
          || json_object_has_member (change->fields, "deleted")))
    before = st_record_copy (*record);
  /* Merged on the worker thread, from this very version of the row
   * (current_row () let it go otherwise). */
  if (change->merged != NULL)
    {
      g_ptr_array_add (self->garbage, g_steal_pointer (record));
      *record = g_steal_pointer (&change->merged);
      *old_text = g_steal_pointer (&change->old_text);
      return store_merged_row (self, store, txn, change, ST_MERGE_APPLIED, NULL, *record, before, before_township,
                               result, error);
    }
  *old_values = overwritten_values (change, *record);

  merge_change.table = change->table->name;
  merge_change.row = change->row;
  merge_change.kind = change->kind;
  merge_change.hlc = change->hlc;
  merge_change.base_hlc = change->base_hlc;
  merge_change.device = self->credential->device;
  merge_change.writer = account->name;
  merge_change.fields = change->fields;

  merge = st_merge_change (change->table, record, &merge_change, &conflict);
  return store_merged_row (self, store, txn, change, merge, conflict, *record, before, before_township,
                           result, error);
}

/* The change log's entry of @change: what it did, and what it overwrote
 * (@old_values, NULL when nothing). */
static gboolean
log_change (StPush      *self,
            StStore     *store,
            StStoreTxn  *txn,
            PushChange  *change,
            JsonObject  *old_values,
            const char  *old_values_text,
            PushResult  *result,
            GError     **error)
{
  const StAccount *account = self->credential->account;
  g_autofree char *old_text = NULL;
  StLogEntry entry = { 0, };

  if (old_values != NULL)
    old_values_text = old_text = st_json_object_to_text (old_values);
  entry.at = self->now;
  entry.account_id = account->id;
  entry.account_name = account->name;
  entry.device = self->credential->device;
  entry.epoch = self->epoch;
  entry.client_seq = change->seq;
  entry.table = change->table->name;
  entry.row_id = change->row;
  entry.kind = change->kind;
  entry.hlc = change->hlc;
  entry.base_hlc = change->base_hlc;
  entry.result = result->result;
  entry.code = g_str_equal (result->result, "conflict") ? result->winner : result->code;
  entry.server_seq = result->server_seq;
  entry.old_values = old_values_text;
  entry.new_values = change->fields_text;
  return st_store_log_insert (store, txn, &entry, error);
}

/* One change of a push, in the writer's transaction: the row read, the
 * change refused, stored or merged, and logged. */
static gboolean
apply_change (StPush           *self,
              StStore          *store,
              StStoreTxn       *txn,
              PushChange       *change,
              PushResult       *result,
              GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StRecord) record = NULL;
  g_autoptr(JsonObject) old_values = NULL;
  g_autofree char *old_text = NULL;

  /* Before anything: a write of the server's own that this change causes
   * (a merge, a refused delete) must stamp later than the change itself. */
  st_hlc_observe (st_hlc_get_default (), (guint64) change->hlc);

  if (!current_row (store, txn, change, &record, error))
    return FALSE;

  /* A row the server has never seen must come whole: without its
   * township there is not even a scope to check. */
  if (change->table->read_only)
    {
      if (!resolve_review (self, store, txn, change, record, result, error))
        return FALSE;
    }
  else if (record == NULL && !change->whole)
    {
      result->result = "rejected";
      result->status = 409;
      result->code = "unknown_row";
      result->message = g_strdup ("The server does not have this row and the change is not a whole row: push the whole row as an insert.");
    }
  else if (!authorize (self, store, txn, change, record, result, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      result->result = "rejected";
    }
  else if (record == NULL)
    {
      if (!insert_row (self, store, txn, change, result, error))
        return FALSE;
    }
  else if (!merge_row (self, store, txn, change, &record, &old_values, &old_text, result, error))
    return FALSE;

  if (!log_change (self, store, txn, change, old_values, old_text, result, error))
    return FALSE;

  /* Freed later, on the main thread, with the request. */
  if (record != NULL)
    g_ptr_array_add (self->garbage, g_steal_pointer (&record));
  return TRUE;
}

/* The ID numbers the push's participants carry: the rules of the same
 * person twice count each after it is written, and the store may count
 * them all at once beforehand (one round trip on PostgreSQL instead of
 * one per new participant). */
static gboolean
count_id_numbers_ahead (StPush      *self,
                        StStore     *store,
                        StStoreTxn  *txn,
                        GError     **error)
{
  g_autoptr(GPtrArray) numbers = g_ptr_array_new ();

  for (guint i = 0; i < self->changes->len; i++)
    {
      PushChange *change = &g_array_index (self->changes, PushChange, i);
      JsonNode *node;

      if (!g_str_equal (change->table->name, "participants")
          || (node = json_object_get_member (change->fields, "id_number")) == NULL
          || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      g_ptr_array_add (numbers, (gpointer) json_node_get_string (node));
    }
  if (numbers->len == 0)
    return TRUE;
  g_ptr_array_add (numbers, NULL);
  return st_store_count_by_field_ahead (store, txn, "participants", "id_number",
                                        (const char * const *) numbers->pdata, error);
}

/* The status and code of a refusal, from the code the change log kept. */
static void
refusal_again (PushResult *result,
               const char *code)
{
  static const struct { const char *code; guint status; } refusals[] = {
    { "out_of_scope", 403 }, { "role_forbidden", 403 }, { "not_your_class", 403 },
    { "read_only_table", 403 }, { "unknown_row", 409 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    if (g_strcmp0 (code, refusals[i].code) == 0)
      {
        result->status = refusals[i].status;
        result->code = refusals[i].code;
        result->message = g_strdup ("This change was refused when it was first sent.");
        return;
      }
}

gboolean
st_push_apply (StStore     *store,
               StStoreTxn  *txn,
               gpointer     data,
               GError     **error)
{
  StPush *self = data;
  g_autoptr(StDevice) device = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 max_seq = 0;
  gint64 known_seq;

  self->store = store;
  /* A job runs once, but may fail and leave results behind. */
  g_array_set_size (self->results, 0);
  st_server_write_clear (&self->write);
  st_server_write_init (&self->write, store, txn, self->catalog, self->server_device, self->now);
  memset (self->counts, 0, sizeof self->counts);

  device = st_store_device_find (store, txn, self->credential->device, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (device == NULL)
    {
      device = g_new0 (StDevice, 1);
      device->id = g_strdup (self->credential->device);
      device->registered_at = self->now;
    }
  if (self->epoch < device->epoch)
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_STALE_EPOCH,
                   "This device pushes under epoch %" G_GINT64_FORMAT " since; epoch %" G_GINT64_FORMAT " is over.",
                   device->epoch, self->epoch);
      return FALSE;
    }
  if (self->epoch > device->epoch)
    {
      device->epoch = self->epoch;
      device->acked_seq = 0;
    }

  /* Every op id of this device and epoch in the change log is at most its
   * acked_seq (both are written in the same savepoint): a change past it is
   * new, without a look at the log — the common case. */
  known_seq = device->acked_seq;
  if (!count_id_numbers_ahead (self, store, txn, error))
    return FALSE;

  g_array_set_size (self->results, self->changes->len);
  for (guint i = 0; i < self->changes->len; i++)
    {
      PushChange *change = &g_array_index (self->changes, PushChange, i);
      PushResult *result = &g_array_index (self->results, PushResult, i);
      g_autoptr(StLogRow) seen = NULL;

      result->seq = change->seq;
      max_seq = MAX (max_seq, change->seq);

      if (change->seq <= known_seq)
        seen = st_store_log_find (store, txn, device->id, self->epoch, change->seq, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (seen != NULL)
        {
          /* The same op id for another change: the laptop's sequence went
           * back, as after a restore from a backup. */
          if (seen->entry.hlc != change->hlc || g_strcmp0 (seen->entry.row_id, change->row) != 0)
            {
              g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SEQUENCE_REUSED,
                           "Change %u (seq %" G_GINT64_FORMAT "): this device sent another change under the same seq"
                           " and epoch before; push again under epoch %" G_GINT64_FORMAT ".",
                           i + 1, change->seq, self->epoch + 1);
              return FALSE;
            }
          result->result = "duplicate";
          result->original = g_strdup (seen->entry.result);
          /* A refusal whose answer was lost must reach the laptop all
           * the same: the status and code it had (the message is not
           * kept). */
          if (g_strcmp0 (seen->entry.result, "rejected") == 0)
            refusal_again (result, seen->entry.code);
          self->counts[COUNT_DUPLICATE]++;
          continue;
        }

      /* Tests kill the server here, in the middle of a request. */
      st_failpoint ("server-apply-change");
      if (!apply_change (self, store, txn, change, result, error))
        return FALSE;
      if (g_str_equal (result->result, "applied"))
        self->counts[COUNT_APPLIED]++;
      else if (g_str_equal (result->result, "conflict"))
        self->counts[COUNT_CONFLICT]++;
      else
        self->counts[COUNT_REJECTED]++;
    }

  device->acked_seq = MAX (device->acked_seq, max_seq);
  device->last_push_at = self->now;
  device->account_id = self->credential->account->id;
  if (!st_store_device_save (store, txn, device, error))
    return FALSE;
  self->acked_seq = device->acked_seq;
  return TRUE;
}

GBytes *
st_push_response (StPush  *self,
                  gint64   now_ms,
                  char   **summary)
{
  g_autoptr(GString) out = g_string_sized_new (64 + 64 * self->results->len);

  g_string_append (out, "{\"results\":[");
  for (guint i = 0; i < self->results->len; i++)
    {
      const PushResult *r = &g_array_index (self->results, PushResult, i);

      g_string_append_printf (out, "%s{\"seq\":%" G_GINT64_FORMAT ",\"result\":\"%s\"",
                              i ? "," : "", r->seq, r->result);
      if (r->original)
        {
          g_string_append (out, ",\"original\":");
          st_json_append_string (out, r->original);
        }
      if (r->status)
        {
          g_string_append_printf (out, ",\"status\":%u,\"code\":\"%s\",\"message\":", r->status, r->code);
          st_json_append_string (out, r->message);
        }
      if (r->server_seq)
        g_string_append_printf (out, ",\"server_seq\":%" G_GINT64_FORMAT, r->server_seq);
      if (r->winner)
        g_string_append_printf (out, ",\"winner\":\"%s\"", r->winner);
      if (r->review)
        g_string_append_printf (out, ",\"review\":\"%s\"", r->review);
      g_string_append_c (out, '}');
    }
  g_string_append_printf (out, "],\"epoch\":%" G_GINT64_FORMAT ",\"acked_seq\":%" G_GINT64_FORMAT ",",
                          self->epoch, self->acked_seq);
  st_server_origin_append (out, self->store);
  g_string_append_printf (out, ",\"server_time\":%" G_GINT64_FORMAT "}", now_ms);
  *summary = g_strdup_printf ("changes=%u applied=%u duplicate=%u conflict=%u rejected=%u",
                              self->changes->len, self->counts[COUNT_APPLIED],
                              self->counts[COUNT_DUPLICATE], self->counts[COUNT_CONFLICT],
                              self->counts[COUNT_REJECTED]);
  return g_string_free_to_bytes (g_steal_pointer (&out));
}
