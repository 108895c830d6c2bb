/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the server writes on its own in a push's transaction: review items,
 * and the merge of the same person registered twice (docs/sync-protocol.md,
 * The same person twice). */
#pragma once

#include "st-server-catalog.h"
#include "st-server-merge.h"
#include "st-store.h"

G_BEGIN_DECLS

typedef struct
{
  StStore       *store;
  StStoreTxn    *txn;
  StCatalog     *catalog;
  const char    *server_device;
  gint64         now;
  GHashTable    *targets;      /* participant id → the live participant it now is (cache) */
  guint          merges;       /* participants merged by this push */
} StServerWrite;

void      st_server_write_init   (StServerWrite  *ctx,
                                  StStore        *store,
                                  StStoreTxn     *txn,
                                  StCatalog      *catalog,
                                  const char     *server_device,
                                  gint64          now);
void      st_server_write_clear  (StServerWrite  *ctx);

/* A review item of @conflict about @row of @table (the row that holds the
 * kept values), in @township, between @winner and @loser. @merged_from:
 * for a merge, the participant that went (@row is the one that stays). */
typedef struct
{
  const char     *table;
  const char     *row;
  const char     *township;
  StConflict     *conflict;
  const StClock  *winner;
  const StClock  *loser;
  const char     *merged_from;
} StReviewItem;

/* Writes @item; *@id its key (may be NULL). */
gboolean  st_review_put          (StServerWrite       *ctx,
                                  const StReviewItem  *item,
                                  char               **id,
                                  GError             **error);

/* To call after a change wrote @record (a participant or a row that hangs on
 * one): merges the same person registered twice, moves rows that hang on a
 * merged participant to the one that stays, and fills the one that stays
 * from a merged participant's later edits. @is_new: the change made the
 * row. @before: the row before the change, when it was deleted or the
 * change sets id_number or deleted (else NULL). */
gboolean  st_people_after_write  (StServerWrite  *ctx,
                                  StRecord       *record,
                                  const StRecord *before,
                                  gboolean        is_new,
                                  GError        **error);

G_END_DECLS
