/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A page of the pull feed read as a stream of tokens (yajl), straight into
 * flat arrays. A county's first sync reads 400 MB of such pages: building
 * a json-glib tree for each (a node, a hash table and a copied name per
 * value), walking it and freeing it took about 20 ms a page, the reader
 * thread's whole time; yajl reads one in about 1 ms.
 *
 * The answer is not trusted: members of an unexpected type are read as
 * absent, unknown members are skipped, and an answer that is not JSON or
 * has no "changes" array or "cursor" string is an error. */
#include "config.h"

#include <errno.h>
#include <sqlite3.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "st-json-guard.h"
#include "st-sync.h"
#include "st-sync-page.h"

/* The keys the reader acts on. */
typedef enum
{
  KEY_OTHER,
  KEY_CHANGES,
  KEY_CURSOR,
  KEY_MORE,
  KEY_RESET,
  KEY_REBUILD,
  KEY_SCOPE,
  KEY_SERVER,
  KEY_TABLE,
  KEY_ROW,
  KEY_HLC,
  KEY_DEVICE,
  KEY_DELETED,
  KEY_EVICT,
  KEY_FIELDS,
} Key;

/* Containers by depth: 1 the answer, 2 "changes", 3 an entry, 4 its
 * "fields"; any other container is passed over whole (and its text kept
 * when it is the value of a field, or the scope). */
enum { DEPTH_ROOT = 1, DEPTH_CHANGES, DEPTH_ENTRY, DEPTH_FIELDS };

typedef enum
{
  OPAQUE_SKIP,
  OPAQUE_SCOPE,
  OPAQUE_SERVER,
  OPAQUE_FIELD,
} Opaque;

typedef struct
{
  yajl_handle  handle;
  const char  *json;
  StPage      *page;
  int          depth;         /* containers open */
  int          opaque_depth;  /* > 0: inside a container passed over, opened at this depth */
  Opaque       opaque;
  gsize        opaque_start;
  Key          root_key;
  Key          entry_key;
  const char  *field_name;
  gboolean     changes_seen;
  gboolean     in_changes;
  gboolean     in_entry;
  gboolean     in_fields;
  gsize        fields_start;
  gsize        fields_end;
  StPageEntry  entry;
  char        *scope_text;
  char        *server_text;
  GString     *scratch;
} Reader;

static Key
key_of (const unsigned char *key,
        size_t               length)
{
  static const struct { const char *name; Key key; } keys[] = {
    { "changes", KEY_CHANGES }, { "cursor", KEY_CURSOR }, { "more", KEY_MORE },
    { "reset", KEY_RESET }, { "rebuild", KEY_REBUILD }, { "scope", KEY_SCOPE },
    { "server", KEY_SERVER }, { "table", KEY_TABLE },
    { "row", KEY_ROW }, { "hlc", KEY_HLC }, { "device", KEY_DEVICE },
    { "deleted", KEY_DELETED }, { "evict", KEY_EVICT }, { "fields", KEY_FIELDS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strlen (keys[i].name) == length && memcmp (keys[i].name, key, length) == 0)
      return keys[i].key;
  return KEY_OTHER;
}

/* Offset in the text just past the token being reported. */
static gsize
offset (Reader *r)
{
  return yajl_get_bytes_consumed (r->handle);
}

static const char *
chunk_text (Reader     *r,
            const char *text,
            gsize       length)
{
  return g_string_chunk_insert_len (r->page->chunk, text, (gssize) length);
}

/* @text (not NUL-terminated) kept once in the page's chunk, however often
 * it comes: table and field names. */
static const char *
intern (Reader     *r,
        const char *text,
        gsize       length)
{
  g_string_truncate (r->scratch, 0);
  g_string_append_len (r->scratch, text, (gssize) length);
  return g_string_chunk_insert_const (r->page->chunk, r->scratch->str);
}

static void
add_field (Reader            *r,
           const StPageValue *value)
{
  StPageField field = { r->field_name, *value };

  if (r->field_name == NULL)
    return;
  g_array_append_val (r->page->fields, field);
  r->field_name = NULL;
}

/* A scalar: where it goes depends on where it is. */
static void
scalar (Reader            *r,
        const StPageValue *value)
{
  if (r->opaque_depth > 0)
    return;
  if (r->in_fields && r->depth == DEPTH_FIELDS)
    {
      add_field (r, value);
      return;
    }
  if (r->in_entry && r->depth == DEPTH_ENTRY)
    {
      if (r->entry_key == KEY_ROW && value->type == SQLITE_TEXT)
        r->entry.row = value->text;
      else if (r->entry_key == KEY_DEVICE && value->type == SQLITE_TEXT)
        r->entry.device = value->text;
      else if (r->entry_key == KEY_HLC && value->type == SQLITE_INTEGER)
        r->entry.hlc = value->integer;
      /* "table" is read by on_string (); "deleted" and "evict" by
       * boolean_member (). */
      r->entry_key = KEY_OTHER;
      return;
    }
  if (r->depth == DEPTH_ROOT)
    {
      if (r->root_key == KEY_CURSOR && value->type == SQLITE_TEXT)
        {
          g_free (r->page->cursor);
          r->page->cursor = g_strdup (value->text);
        }
      r->root_key = KEY_OTHER;
    }
}

static void
boolean_member (Reader   *r,
                gboolean  value)
{
  if (r->opaque_depth == 0 && r->in_entry && r->depth == DEPTH_ENTRY)
    {
      if (r->entry_key == KEY_DELETED)
        r->entry.deleted = value;
      else if (r->entry_key == KEY_EVICT)
        r->entry.evict = value;
    }
  else if (r->opaque_depth == 0 && r->depth == DEPTH_ROOT)
    {
      if (r->root_key == KEY_MORE)
        r->page->more = value;
      else if (r->root_key == KEY_RESET)
        r->page->reset = value;
      else if (r->root_key == KEY_REBUILD)
        r->page->rebuild = value;
    }
}

static int
on_null (void *data)
{
  StPageValue value = { SQLITE_NULL };

  scalar (data, &value);
  return 1;
}

static int
on_boolean (void *data,
            int   b)
{
  StPageValue value = { SQLITE_INTEGER, .integer = b != 0 };

  boolean_member (data, b != 0);
  scalar (data, &value);
  return 1;
}

static int
on_number (void       *data,
           const char *text,
           size_t      length)
{
  Reader *r = data;
  StPageValue value = { SQLITE_INTEGER };

  if (r->opaque_depth > 0)
    return 1;
  if (!st_json_number_from_text (text, length, r->scratch, &value.integer, &value.real))
    value.type = SQLITE_FLOAT;
  scalar (r, &value);
  return 1;
}

static int
on_string (void                *data,
           const unsigned char *text,
           size_t               length)
{
  Reader *r = data;
  StPageValue value = { SQLITE_TEXT };

  if (r->opaque_depth > 0)
    return 1;
  if (r->in_entry && r->depth == DEPTH_ENTRY && r->entry_key == KEY_TABLE)
    {
      r->entry.table = intern (r, (const char *) text, length);
      r->entry_key = KEY_OTHER;
      return 1;
    }
  value.text = chunk_text (r, (const char *) text, length);
  scalar (r, &value);
  return 1;
}

static int
on_key (void                *data,
        const unsigned char *key,
        size_t               length)
{
  Reader *r = data;

  if (r->opaque_depth > 0)
    return 1;
  if (r->in_fields && r->depth == DEPTH_FIELDS)
    {
      r->field_name = intern (r, (const char *) key, length);
    }
  else if (r->in_entry && r->depth == DEPTH_ENTRY)
    r->entry_key = key_of (key, length);
  else if (r->depth == DEPTH_ROOT)
    r->root_key = key_of (key, length);
  return 1;
}

/* A container opens; @start is the offset of its first character. */
static int
open_container (Reader   *r,
                gboolean  is_map)
{
  gsize start = offset (r) - 1;
  int parent = r->depth++;

  if (r->opaque_depth > 0)
    return 1;
  if (parent == 0)
    {
      if (!is_map)
        return 0;   /* the answer is not an object */
      return 1;
    }
  if (parent == DEPTH_ROOT && r->root_key == KEY_CHANGES && !is_map)
    {
      r->in_changes = r->changes_seen = TRUE;
      r->root_key = KEY_OTHER;
      return 1;
    }
  if (parent == DEPTH_CHANGES && r->in_changes && is_map)
    {
      memset (&r->entry, 0, sizeof r->entry);
      r->entry.table = "";
      r->entry.device = "";
      r->entry.first_field = r->page->fields->len;
      r->in_entry = TRUE;
      r->entry_key = KEY_OTHER;
      r->fields_start = r->fields_end = 0;
      return 1;
    }
  if (parent == DEPTH_ENTRY && r->in_entry && r->entry_key == KEY_FIELDS && is_map)
    {
      r->in_fields = TRUE;
      r->entry.has_fields = TRUE;
      r->fields_start = start;
      r->field_name = NULL;
      r->entry_key = KEY_OTHER;
      return 1;
    }

  r->opaque_depth = r->depth;
  r->opaque_start = start;
  if (parent == DEPTH_FIELDS && r->in_fields && r->field_name != NULL)
    r->opaque = OPAQUE_FIELD;
  else if (parent == DEPTH_ROOT && r->root_key == KEY_SCOPE && is_map)
    r->opaque = OPAQUE_SCOPE;
  else if (parent == DEPTH_ROOT && r->root_key == KEY_SERVER && is_map)
    r->opaque = OPAQUE_SERVER;
  else
    r->opaque = OPAQUE_SKIP;
  return 1;
}

static int
close_container (Reader *r)
{
  gsize end = offset (r);
  int depth = r->depth--;

  if (r->opaque_depth > 0)
    {
      if (depth == r->opaque_depth)
        {
          const char *text = r->json + r->opaque_start;
          gsize length = end - r->opaque_start;

          r->opaque_depth = 0;
          if (r->opaque == OPAQUE_FIELD)
            {
              StPageValue value = { SQLITE_TEXT };

              value.text = chunk_text (r, text, length);
              add_field (r, &value);
            }
          else if (r->opaque == OPAQUE_SCOPE)
            {
              g_free (r->scope_text);
              r->scope_text = g_strndup (text, length);
            }
          else if (r->opaque == OPAQUE_SERVER)
            {
              g_free (r->server_text);
              r->server_text = g_strndup (text, length);
            }
          r->root_key = KEY_OTHER;
          r->entry_key = KEY_OTHER;
        }
      return 1;
    }

  if (depth == DEPTH_FIELDS && r->in_fields)
    {
      r->in_fields = FALSE;
      r->fields_end = end;
    }
  else if (depth == DEPTH_ENTRY && r->in_entry)
    {
      r->in_entry = FALSE;
      r->entry.n_fields = r->page->fields->len - r->entry.first_field;
      if (r->entry.has_fields && g_str_equal (r->entry.table, "review_items"))
        r->entry.fields_json = chunk_text (r, r->json + r->fields_start, r->fields_end - r->fields_start);
      g_array_append_val (r->page->entries, r->entry);
    }
  else if (depth == DEPTH_CHANGES && r->in_changes)
    r->in_changes = FALSE;
  return 1;
}

static int
on_start_map (void *data)
{
  return open_container (data, TRUE);
}

static int
on_start_array (void *data)
{
  return open_container (data, FALSE);
}

static int
on_end (void *data)
{
  return close_container (data);
}

static const yajl_callbacks callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_boolean,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_key,
  .yajl_end_map = on_end,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end,
};

StPage *
st_page_read (const char  *json,
              gsize        length,
              GError     **error)
{
  g_autoptr(StPage) page = g_new0 (StPage, 1);
  Reader r = { 0 };
  yajl_status status;

  page->chunk = g_string_chunk_new (64 * 1024);
  page->entries = g_array_sized_new (FALSE, TRUE, sizeof (StPageEntry), 1024);
  page->fields = g_array_sized_new (FALSE, TRUE, sizeof (StPageField), 8 * 1024);
  r.json = json;
  r.page = page;
  r.scratch = g_string_new (NULL);
  r.handle = yajl_alloc (&callbacks, NULL, &r);
  status = yajl_parse (r.handle, (const unsigned char *) json, length);
  if (status == yajl_status_ok)
    status = yajl_complete_parse (r.handle);
  if (status != yajl_status_ok)
    {
      unsigned char *message = yajl_get_error (r.handle, FALSE, (const unsigned char *) json, length);

      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER, "pull answer is not a JSON object: %s",
                   g_strchomp ((char *) message));
      yajl_free_error (r.handle, message);
      g_clear_pointer (&page, st_page_free);
    }
  else if (!r.changes_seen || page->cursor == NULL)
    {
      g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER, "pull answer without changes or cursor");
      g_clear_pointer (&page, st_page_free);
    }
  else
    {
      if (r.scope_text != NULL)
        {
          g_autoptr(JsonNode) scope = st_json_from_string (r.scope_text, NULL);

          if (scope != NULL && JSON_NODE_HOLDS_OBJECT (scope))
            page->scope = json_object_ref (json_node_get_object (scope));
        }
      if (r.server_text != NULL)
        {
          g_autoptr(JsonNode) server = st_json_from_string (r.server_text, NULL);

          if (server != NULL && JSON_NODE_HOLDS_OBJECT (server))
            page->server = json_object_ref (json_node_get_object (server));
        }
    }
  yajl_free (r.handle);
  g_string_free (r.scratch, TRUE);
  g_free (r.scope_text);
  g_free (r.server_text);
  return g_steal_pointer (&page);
}

void
st_page_free (StPage *page)
{
  if (page == NULL)
    return;
  g_string_chunk_free (page->chunk);
  g_array_unref (page->entries);
  g_array_unref (page->fields);
  g_free (page->cursor);
  g_clear_pointer (&page->scope, json_object_unref);
  g_clear_pointer (&page->server, json_object_unref);
  g_free (page);
}

const StPageValue *
st_page_entry_field (const StPage      *page,
                     const StPageEntry *entry,
                     const char        *name,
                     guint              hint)
{
  const StPageField *fields = &g_array_index (page->fields, StPageField, entry->first_field);

  if (hint < entry->n_fields && strcmp (fields[hint].name, name) == 0)
    return &fields[hint].value;
  for (guint i = 0; i < entry->n_fields; i++)
    if (strcmp (fields[i].name, name) == 0)
      return &fields[i].value;
  return NULL;
}
