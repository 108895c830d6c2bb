/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A page of the pull feed (GET /api/v1/pull, docs/sync-protocol.md) read
 * into flat arrays, for the sync engine: the fetch thread reads it, the
 * applying thread only binds its values. Internal to src/core (and its
 * tests). */

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  int         type;      /* SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT or SQLITE_TEXT */
  gint64      integer;
  double      real;
  const char *text;      /* an object or array field: its JSON text */
} StPageValue;

typedef struct
{
  const char *name;      /* interned in the page's chunk */
  StPageValue value;
} StPageField;

typedef struct
{
  const char *table;         /* interned; "" when the entry names none */
  const char *row;
  const char *device;
  const char *fields_json;   /* review items keep their fields whole */
  gint64      hlc;
  gboolean    deleted;
  gboolean    evict;
  gboolean    has_fields;
  guint       first_field;
  guint       n_fields;
} StPageEntry;

typedef struct
{
  GStringChunk *chunk;
  GArray       *entries;  /* StPageEntry */
  GArray       *fields;   /* StPageField */
  char         *cursor;
  gboolean      more;
  gboolean      reset;
  gboolean      rebuild;  /* start again from an empty copy (after a compaction) */
  JsonObject   *scope;    /* NULL when the page has none */
  JsonObject   *server;   /* the server's identity and generation, or NULL */
} StPage;

/* The body of a 200 answer of /pull; NULL with @error (ST_SYNC_ERROR_SERVER)
 * when it is not JSON or has no "changes" array or "cursor" string. Read
 * as a stream of tokens: no JSON tree is built for the changes. */
StPage            *st_page_read        (const char    *json,
                                        gsize          length,
                                        GError       **error);
void               st_page_free        (StPage        *page);

/* The field @name of @entry, or NULL; the one at @hint is tried first. */
const StPageValue *st_page_entry_field (const StPage      *page,
                                        const StPageEntry *entry,
                                        const char        *name,
                                        guint              hint);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StPage, st_page_free)

G_END_DECLS
