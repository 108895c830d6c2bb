/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A request body read as a stream of tokens (yajl) into a json-glib tree.
 *
 * json-glib's own parser reads a text character by character through
 * GScanner and emits a GObject signal per member: a push of 400 new
 * participants spent a fifth of the server's time in it. yajl tokenises the
 * same text several times faster; the tree it builds here is the one
 * json-glib would build (tests/fuzz/fuzz-push.c compares the two on every
 * input both accept), so the checks of a push are unchanged.
 *
 * Every node is attached to its parent as soon as it is made, so that
 * freeing the root frees everything, also after an error. Nesting is
 * limited here too (not only by st_json_check_limits () before): freeing a
 * tree recurses once per level. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "st-json-guard.h"
#include "st-server-json.h"
#include "st-store.h"

G_DEFINE_QUARK (st-server-json-error-quark, st_server_json_error)

typedef struct
{
  JsonNode  *root;
  GPtrArray *open;        /* JsonNode, the containers not yet closed */
  char      *key;         /* the member name read last, in an object */
  GString   *scratch;
  guint      max_depth;
  gboolean   too_deep;
} Reader;

/* Attaches @node (taken) to the innermost open container, or makes it the
 * root. */
static void
add (Reader   *r,
     JsonNode *node)
{
  JsonNode *parent;

  if (r->open->len == 0)
    {
      /* yajl allows one value only: the root is set once. */
      g_assert (r->root == NULL);
      r->root = node;
      return;
    }
  parent = g_ptr_array_index (r->open, r->open->len - 1);
  if (JSON_NODE_HOLDS_ARRAY (parent))
    json_array_add_element (json_node_get_array (parent), node);
  else
    {
      /* yajl gives a key before every member's value. */
      g_assert (r->key != NULL);
      /* A name given twice: the later value, as json-glib does. */
      json_object_set_member (json_node_get_object (parent), r->key, node);
      g_clear_pointer (&r->key, g_free);
    }
}

static int
on_null (void *data)
{
  add (data, json_node_init_null (json_node_alloc ()));
  return 1;
}

static int
on_boolean (void *data,
            int   value)
{
  add (data, json_node_init_boolean (json_node_alloc (), value != 0));
  return 1;
}

static int
on_number (void       *data,
           const char *text,
           size_t      length)
{
  Reader *r = data;
  gint64 integer = 0;
  double real = 0;

  if (st_json_number_from_text (text, length, r->scratch, &integer, &real))
    add (r, json_node_init_int (json_node_alloc (), integer));
  else
    add (r, json_node_init_double (json_node_alloc (), real));
  return 1;
}

static int
on_string (void                *data,
           const unsigned char *text,
           size_t               length)
{
  Reader *r = data;

  g_string_truncate (r->scratch, 0);
  g_string_append_len (r->scratch, (const char *) text, (gssize) length);
  add (r, json_node_init_string (json_node_alloc (), r->scratch->str));
  return 1;
}

static int
on_key (void                *data,
        const unsigned char *text,
        size_t               length)
{
  Reader *r = data;

  g_free (r->key);
  r->key = g_strndup ((const char *) text, length);
  return 1;
}

static int
open_container (Reader   *r,
                JsonNode *node)
{
  if (r->open->len >= r->max_depth)
    {
      json_node_unref (node);
      r->too_deep = TRUE;
      return 0;
    }
  add (r, node);
  g_ptr_array_add (r->open, node);
  return 1;
}

static int
on_start_map (void *data)
{
  g_autoptr(JsonObject) object = json_object_new ();

  return open_container (data, json_node_init_object (json_node_alloc (), object));
}

static int
on_start_array (void *data)
{
  g_autoptr(JsonArray) array = json_array_new ();

  return open_container (data, json_node_init_array (json_node_alloc (), array));
}

static int
on_end (void *data)
{
  Reader *r = data;

  g_ptr_array_set_size (r->open, r->open->len - 1);
  return 1;
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

/* Whether a \u escape of @text names half a UTF-16 surrogate pair alone:
 * yajl would write it as bytes that are not UTF-8 (or as "?"), json-glib
 * too, differently. Such a body is refused. */
static gboolean
has_lone_surrogate (const char *text,
                    gsize       length)
{
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '"')
        in_string = !in_string;
      else if (in_string && text[i] == '\\' && i + 1 < length)
        {
          int unit;

          i++;
          if (text[i] != 'u')
            continue;
          unit = i + 4 < length ? st_json_hex4 (text + i + 1) : -1;
          if (unit >= 0xdc00 && unit <= 0xdfff)
            return TRUE;
          if (unit >= 0xd800 && unit <= 0xdbff)
            {
              int low = i + 10 < length && text[i + 5] == '\\' && text[i + 6] == 'u'
                        ? st_json_hex4 (text + i + 7) : -1;

              if (low < 0xdc00 || low > 0xdfff)
                return TRUE;
              i += 6;   /* the low half */
            }
        }
    }
  return FALSE;
}

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (text[i]))
      return FALSE;
  return TRUE;
}

JsonNode *
st_server_json_read (const char  *text,
                     gsize        length,
                     guint        max_depth,
                     GError     **error)
{
  Reader r = { 0 };
  yajl_handle handle;
  yajl_status status;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  if (is_blank (text, length))
    {
      g_set_error_literal (error, ST_SERVER_JSON_ERROR, ST_SERVER_JSON_ERROR_EMPTY, "no value");
      return NULL;
    }
  if (has_lone_surrogate (text, length))
    {
      g_set_error_literal (error, ST_SERVER_JSON_ERROR, ST_SERVER_JSON_ERROR_INVALID,
                           "a \\u escape names half a UTF-16 surrogate pair");
      return NULL;
    }
  r.open = g_ptr_array_new ();
  r.scratch = g_string_sized_new (64);
  r.max_depth = max_depth;
  handle = yajl_alloc (&callbacks, NULL, &r);
  status = yajl_parse (handle, (const unsigned char *) text, length);
  if (status == yajl_status_ok)
    status = yajl_complete_parse (handle);
  if (status != yajl_status_ok)
    {
      if (r.too_deep)
        g_set_error (error, ST_SERVER_JSON_ERROR, ST_SERVER_JSON_ERROR_TOO_DEEP,
                     "nested deeper than %u levels", max_depth);
      else
        {
          unsigned char *message = yajl_get_error (handle, 0, NULL, 0);

          g_set_error (error, ST_SERVER_JSON_ERROR, ST_SERVER_JSON_ERROR_INVALID, "%s",
                       g_strstrip ((char *) message));
          yajl_free_error (handle, message);
        }
      g_clear_pointer (&r.root, json_node_unref);
    }
  yajl_free (handle);
  g_ptr_array_unref (r.open);
  g_string_free (r.scratch, TRUE);
  g_free (r.key);
  return r.root;
}
