/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the two halves of a push share: st-server-sync-read.c reads it on
 * a worker thread (the request parsed and checked, the rows it is about
 * read ahead and the changes merged into them where that is simple);
 * st-server-sync.c applies it in the writer's transaction and answers. */
#pragma once

#include "st-server-merge.h"
#include "st-server-people.h"
#include "st-server-sync.h"

G_BEGIN_DECLS

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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StPush, st_push_free)

static inline gboolean
st_push_holds_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* What the values @change writes were in @record, as a JSON object. */
JsonObject *st_push_overwritten_values (PushChange       *change,
                                        const StRecord   *record);
/* @change as st_merge_change () takes it. */
void        st_push_merge_change       (StPush           *self,
                                        const PushChange *change,
                                        StChange         *merge_change);

G_END_DECLS
