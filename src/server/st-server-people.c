/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The same person twice (docs/sync-protocol.md): an ID number cannot be kept
 * unique offline, so the server merges two live participants with one ID
 * number. The one registered later (by the clock of its first change)
 * becomes a tombstone merged_into the earlier; the rows that hang on it move
 * to the keys the earlier one would give them (enrolments and attendance
 * have deterministic keys), so that a laptop making the same enrolment
 * later makes no duplicate. Everything here depends only on the rows'
 * values and clocks, not on the order in which the changes arrived. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include "st-hlc.h"
#include "st-server-people.h"
#include "st-uuid.h"

/* Tables whose rows hang on a participant by a deterministic key, and the
 * field that makes the key with it. */
static const struct
{
  const char *table;
  const char *other;
  const char *ns;
  gboolean    person_first;
} keyed_children[] = {
  { "enrolments", "class_id", ST_UUID_NS_ENROLMENT, TRUE },        /* v5 (participant, class) */
  { "attendance", "session_id", ST_UUID_NS_ATTENDANCE, FALSE },    /* v5 (session, participant) */
};

/* The key a row of keyed_children[@t] has for @person. */
static char *
child_key (guint       t,
           const char *person,
           const char *other)
{
  return keyed_children[t].person_first
         ? st_uuid_v5_pair (keyed_children[t].ns, person, other)
         : st_uuid_v5_pair (keyed_children[t].ns, other, person);
}

/* Tables whose rows point at an enrolment (and study logs and visits at a
 * participant) by a plain field, moved in place — also when they arrive
 * after the merge, naming the person who went. */
static const char *const enrolment_children[] = {
  "study_logs", "assignments", "assessments", "exemptions", "certificates", "visits",
};

/* Tables whose rows point at the person alone by a plain field, moved to
 * the one that stays. */
static const char *const person_children[] = { "study_logs", "visits" };

/* A chain of merges longer than this is a bug, not a county. */
#define MAX_CHAIN 16

void
st_server_write_init (StServerWrite *ctx,
                      StStore       *store,
                      StStoreTxn    *txn,
                      StCatalog     *catalog,
                      const char    *server_device,
                      gint64         now)
{
  memset (ctx, 0, sizeof *ctx);
  ctx->store = store;
  ctx->txn = txn;
  ctx->catalog = catalog;
  ctx->server_device = server_device;
  ctx->now = now;
  ctx->targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
st_server_write_clear (StServerWrite *ctx)
{
  g_clear_pointer (&ctx->targets, g_hash_table_unref);
}

static StClock
server_clock (StServerWrite *ctx)
{
  StClock clock = { (gint64) st_hlc_next (st_hlc_get_default ()), ctx->server_device, NULL };

  return clock;
}

static const char *
text_of (const StRecord *record,
         const char     *field)
{
  return json_object_get_string_member_with_default (record->data, field, NULL);
}


/* Review items */

static void
set_text_or_null (JsonObject *object,
                  const char *member,
                  const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

gboolean
st_review_put (StServerWrite       *ctx,
               const StReviewItem  *item,
               char               **id,
               GError             **error)
{
  StConflict *conflict = item->conflict;
  const StClock *winner = item->winner, *loser = item->loser;
  g_autofree char *key = st_uuid_new ();
  g_autoptr(StRecord) review = st_record_new ("review_items", key);
  g_autofree char *values = st_json_object_to_text (conflict->lost);
  g_autofree char *kept = st_json_object_to_text (conflict->kept);
  g_autoptr(JsonNode) detail_node = json_node_init_object (json_node_alloc (), conflict->detail);
  g_autofree char *detail = json_to_string (detail_node, FALSE);
  JsonObject *d = review->data;
  StClock clock = server_clock (ctx);

  json_object_set_string_member (d, "kind", conflict->kind);
  json_object_set_string_member (d, "tbl", item->table);
  json_object_set_string_member (d, "row_id", item->row);
  set_text_or_null (d, "township_code", item->township);
  json_object_set_string_member (d, "winner", st_conflict_winner (conflict));
  json_object_set_string_member (d, "values", values);
  json_object_set_string_member (d, "kept", kept);
  json_object_set_string_member (d, "detail", detail);
  set_text_or_null (d, "merged_from", item->merged_from);
  set_text_or_null (d, "merged_into", item->merged_from ? item->row : NULL);
  json_object_set_int_member (d, "loser_hlc", loser->hlc);
  json_object_set_string_member (d, "loser_device", loser->device ? loser->device : "");
  set_text_or_null (d, "loser_account", loser->account);
  json_object_set_int_member (d, "winner_hlc", winner->hlc);
  json_object_set_string_member (d, "winner_device", winner->device ? winner->device : "");
  set_text_or_null (d, "winner_account", winner->account);
  json_object_set_int_member (d, "created_at", ctx->now);
  json_object_set_int_member (d, "resolved", 0);
  json_object_set_null_member (d, "resolved_by");
  json_object_set_null_member (d, "resolved_at");

  st_record_set_field_clock (review, "*", &clock);
  review->hlc = clock.hlc;
  review->device = g_strdup (clock.device);
  review->township = g_strdup (item->township);
  if (!st_store_record_put (ctx->store, ctx->txn, review, error))
    return FALSE;
  if (id != NULL)
    *id = g_steal_pointer (&key);
  return TRUE;
}


/* Following merges */

/* The participant @id now is: itself, or the live one it was merged into.
 * NULL only on a storage error. */
static char *
participant_target (StServerWrite  *ctx,
                    const char     *id,
                    GError        **error)
{
  g_autofree char *current = g_strdup (id);
  const char *cached = g_hash_table_lookup (ctx->targets, id);

  if (cached != NULL)
    return g_strdup (cached);
  for (guint i = 0; i < MAX_CHAIN; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(StRecord) person = st_store_record_get (ctx->store, ctx->txn, "participants", current, &local_error);
      const char *next;

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (person == NULL || !person->deleted)
        break;
      next = text_of (person, "merged_into");
      if (next == NULL || *next == '\0' || g_str_equal (next, current))
        break;
      g_free (current);
      current = g_strdup (next);
    }
  g_hash_table_insert (ctx->targets, g_strdup (id), g_strdup (current));
  return g_steal_pointer (&current);
}

/* The enrolment @id now is: the key its participant's merge gave it. */
static char *
enrolment_target (StServerWrite  *ctx,
                  const char     *id,
                  GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StRecord) enrolment = st_store_record_get (ctx->store, ctx->txn, "enrolments", id, &local_error);
  g_autofree char *person = NULL;
  const char *participant;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  participant = enrolment ? text_of (enrolment, "participant_id") : NULL;
  if (participant == NULL || text_of (enrolment, "class_id") == NULL)
    return g_strdup (id);
  person = participant_target (ctx, participant, error);
  if (person == NULL)
    return NULL;
  if (g_str_equal (person, participant))
    return g_strdup (id);
  return st_uuid_v5_pair (ST_UUID_NS_ENROLMENT, person, text_of (enrolment, "class_id"));
}


/* Moving rows */

/* Sets @field of @record to @value without touching its clock: a row that
 * follows its parent to a new key holds the same data. */
static void
set_key (StRecord   *record,
         const char *field,
         const char *value)
{
  json_object_set_string_member (record->data, field, value);
}

/* Moves @source to the key @target (its @field becoming @value): the data
 * joins the row there by last writer wins, and @source becomes a
 * tombstone marked as moved. */
static gboolean
move_row (StServerWrite  *ctx,
          StRecord       *source,
          const char     *target,
          const char     *field,
          const char     *value,
          GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StRecord) row = st_store_record_get (ctx->store, ctx->txn, source->table, target, &local_error);
  StClock clock = server_clock (ctx);
  StClock source_data = st_record_data_clock (source);
  StClock source_row = { source->hlc, source->device, source->writer };

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (row == NULL)
    {
      row = st_record_copy (source);
      g_free (row->id);
      row->id = g_strdup (target);
      row->deleted = FALSE;
      json_object_remove_member (row->clocks, "~merged");
      set_key (row, field, value);
    }
  else
    {
      StClock row_data = st_record_data_clock (row);

      if (st_merge_clock_compare (source_data.hlc, source_data.device, row_data.hlc, row_data.device) > 0)
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *node;

          json_object_iter_init (&iter, source->data);
          while (json_object_iter_next (&iter, &name, &node))
            {
              StClock c = st_record_field_clock (source, name);

              if (g_str_equal (name, field))
                continue;
              json_object_set_member (row->data, name, json_node_copy (node));
              st_record_set_field_clock (row, name, &c);
            }
          g_free (row->township);
          row->township = g_strdup (source->township);
        }
      /* A deleted row there had not seen this one: it comes back. */
      if (row->deleted && !st_record_is_merged (row))
        row->deleted = FALSE;
    }
  st_record_advance (row, &source_row);
  st_record_advance (row, &clock);
  if (!st_store_record_put (ctx->store, ctx->txn, row, error))
    return FALSE;

  source->deleted = TRUE;
  json_object_set_int_member (source->clocks, "~merged", 1);
  st_record_set_field_clock (source, "deleted", &clock);
  st_record_advance (source, &clock);
  return st_store_record_put (ctx->store, ctx->txn, source, error);
}

/* Points the rows of @table that name enrolment @from at @to (and a study
 * log's participant at @person). */
static gboolean
move_enrolment_children (StServerWrite  *ctx,
                         const char     *from,
                         const char     *to,
                         const char     *person,
                         GError         **error)
{
  for (guint t = 0; t < G_N_ELEMENTS (enrolment_children); t++)
    {
      g_autoptr(GPtrArray) rows = st_store_records_by_field (ctx->store, ctx->txn, enrolment_children[t],
                                                             "enrolment_id", from, TRUE, error);

      if (rows == NULL)
        return FALSE;
      for (guint i = 0; i < rows->len; i++)
        {
          StRecord *row = g_ptr_array_index (rows, i);
          StClock clock = server_clock (ctx);

          set_key (row, "enrolment_id", to);
          if (person != NULL && json_object_has_member (row->data, "participant_id"))
            set_key (row, "participant_id", person);
          st_record_advance (row, &clock);
          if (!st_store_record_put (ctx->store, ctx->txn, row, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* A first visit made by a roster's import (how = roster): its key is the
 * person's (st-import.c), so that two laptops importing one roster make
 * one. */
static gboolean
is_roster_visit (const StRecord *record)
{
  return g_str_equal (record->table, "visits") && g_strcmp0 (text_of (record, "how"), "roster") == 0;
}

/* Moves everything that hangs on participant @from to @to. */
static gboolean
move_children (StServerWrite  *ctx,
               const char     *from,
               const char     *to,
               GError        **error)
{
  g_autoptr(GPtrArray) logs = NULL;

  for (guint t = 0; t < G_N_ELEMENTS (keyed_children); t++)
    {
      g_autoptr(GPtrArray) rows = st_store_records_by_field (ctx->store, ctx->txn, keyed_children[t].table,
                                                             "participant_id", from, TRUE, error);

      if (rows == NULL)
        return FALSE;
      for (guint i = 0; i < rows->len; i++)
        {
          StRecord *row = g_ptr_array_index (rows, i);
          const char *other = text_of (row, keyed_children[t].other);
          g_autofree char *target = NULL;

          if (other == NULL)
            continue;
          target = child_key (t, to, other);
          if (!move_row (ctx, row, target, "participant_id", to, error))
            return FALSE;
          if (g_str_equal (keyed_children[t].table, "enrolments")
              && !move_enrolment_children (ctx, row->id, target, to, error))
            return FALSE;
        }
    }

  /* Study logs of the person outside any enrolment (or of one already
   * moved above), and the outreach visits (issue 21): they follow the
   * person. */
  for (guint t = 0; t < G_N_ELEMENTS (person_children); t++)
    {
      g_clear_pointer (&logs, g_ptr_array_unref);
      logs = st_store_records_by_field (ctx->store, ctx->txn, person_children[t], "participant_id", from, TRUE, error);
      if (logs == NULL)
        return FALSE;
      for (guint i = 0; i < logs->len; i++)
        {
          StRecord *row = g_ptr_array_index (logs, i);
          StClock clock = server_clock (ctx);

          if (is_roster_visit (row))
            {
              /* The roster's first visit is one a person, keyed by them:
               * it joins the one of who stays. */
              g_autofree char *target = st_uuid_v5 (ST_UUID_NS_ROSTER_VISIT, to);

              if (!move_row (ctx, row, target, "participant_id", to, error))
                return FALSE;
              continue;
            }
          set_key (row, "participant_id", to);
          st_record_advance (row, &clock);
          if (!st_store_record_put (ctx->store, ctx->txn, row, error))
            return FALSE;
        }
    }
  return TRUE;
}


/* The stored row of @record (which may hold only its keys). */
static StRecord *
reread (StServerWrite  *ctx,
        const StRecord *record,
        GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  StRecord *row = st_store_record_get (ctx->store, ctx->txn, record->table, record->id, &local_error);

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (row == NULL)
    g_set_error (error, ST_STORE_ERROR, ST_STORE_ERROR_FAILED, "row %s vanished", record->id);
  return row;
}


/* Merging people */

static int
compare_registration (gconstpointer a,
                      gconstpointer b)
{
  const StRecord *x = *(StRecord * const *) a;
  const StRecord *y = *(StRecord * const *) b;
  StClock cx = st_record_field_clock (x, "*");
  StClock cy = st_record_field_clock (y, "*");
  int c = st_merge_clock_compare (cx.hlc, cx.device, cy.hlc, cy.device);

  return c != 0 ? c : g_strcmp0 (x->id, y->id);
}

/* Fills the fields of @winner that are empty, or were filled from another
 * merged participant with an older value, from @loser. TRUE when something
 * changed. */
static gboolean
fill_from (StRecord       *winner,
           const StRecord *loser,
           StConflict     *conflict)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gboolean changed = FALSE;

  json_object_iter_init (&iter, loser->data);
  while (json_object_iter_next (&iter, &name, &value))
    {
      JsonNode *mine = json_object_get_member (winner->data, name);
      g_autofree char *filled_key = g_strconcat (name, "!", NULL);
      StClock theirs = st_record_field_clock (loser, name);
      StClock own = st_record_field_clock (winner, name);
      gboolean filled = json_object_has_member (winner->clocks, filled_key);

      if (g_str_equal (name, "merged_into") || g_str_equal (name, "id_number"))
        continue;
      if (st_value_is_empty (value) || (mine != NULL && json_node_equal (mine, value)))
        continue;
      if (st_value_is_empty (mine)
          || (filled && st_merge_clock_compare (theirs.hlc, theirs.device, own.hlc, own.device) > 0))
        {
          json_object_set_member (winner->data, name, json_node_copy (value));
          st_record_set_field_clock (winner, name, &theirs);
          json_object_set_int_member (winner->clocks, filled_key, 1);
          changed = TRUE;
        }
      else if (conflict != NULL)
        st_conflict_add (conflict, name, "server", mine, &own, value, &theirs);
    }
  return changed;
}

static gboolean
merge_person (StServerWrite  *ctx,
              StRecord       *loser,
              StRecord       *winner,
              GError        **error)
{
  g_autoptr(StConflict) conflict = st_conflict_new ("merge");
  StClock clock = server_clock (ctx);
  StClock winner_made = st_record_field_clock (winner, "*");
  StClock loser_made = st_record_field_clock (loser, "*");
  g_autofree char *winner_township = g_strdup (winner->township);
  StReviewItem item;

  g_debug ("merging participant %s into %s", loser->id, winner->id);
  fill_from (winner, loser, conflict);
  st_record_advance (winner, &clock);
  if (!st_store_record_put (ctx->store, ctx->txn, winner, error))
    return FALSE;

  loser->deleted = TRUE;
  json_object_set_string_member (loser->data, "merged_into", winner->id);
  st_record_set_field_clock (loser, "deleted", &clock);
  st_record_set_field_clock (loser, "merged_into", &clock);
  st_record_advance (loser, &clock);
  if (!st_store_record_put (ctx->store, ctx->txn, loser, error))
    return FALSE;
  g_hash_table_remove_all (ctx->targets);
  ctx->merges++;

  if (!move_children (ctx, loser->id, winner->id, error))
    return FALSE;

  /* The clerks of both townships see it. Like every review item it is
   * about the row that holds the kept values: the one that stays. */
  item = (StReviewItem) {
    .table = "participants", .row = winner->id, .township = winner_township, .conflict = conflict,
    .winner = &winner_made, .loser = &loser_made, .merged_from = loser->id,
  };
  if (!st_review_put (ctx, &item, NULL, error))
    return FALSE;
  item.township = loser->township;
  return g_strcmp0 (loser->township, winner_township) == 0 || st_review_put (ctx, &item, NULL, error);
}

/* Merges every live participant with @person's ID number into the one
 * registered first, and points earlier merges at it too. */
static gboolean
merge_same_person (StServerWrite  *ctx,
                   StRecord       *person,
                   GError        **error)
{
  const char *number = text_of (person, "id_number");
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) live = g_ptr_array_new ();
  StRecord *winner;

  if (number == NULL)
    return TRUE;
  /* The common case, one person with the number, from the index alone. */
  {
    gint64 n = st_store_count_by_field (ctx->store, ctx->txn, "participants", "id_number", number, error);

    if (n < 0)
      return FALSE;
    if (n < 2)
      return TRUE;
  }
  all = st_store_records_by_field (ctx->store, ctx->txn, "participants", "id_number", number, FALSE, error);
  if (all == NULL)
    return FALSE;
  for (guint i = 0; i < all->len; i++)
    {
      StRecord *row = g_ptr_array_index (all, i);

      /* The caller's copy is newer than the stored one only if it was not
       * written yet; it always is by now. */
      if (!row->deleted)
        g_ptr_array_add (live, row);
    }
  if (live->len < 2)
    return TRUE;
  g_ptr_array_sort (live, compare_registration);
  winner = g_ptr_array_index (live, 0);
  for (guint i = 1; i < live->len; i++)
    if (!merge_person (ctx, g_ptr_array_index (live, i), winner, error))
      return FALSE;

  /* Earlier merges into a participant that has just been merged itself
   * point straight at the one that stays. */
  for (guint i = 0; i < all->len; i++)
    {
      StRecord *row = g_ptr_array_index (all, i);
      const char *into = text_of (row, "merged_into");
      StClock clock;

      if (!row->deleted || into == NULL || g_str_equal (into, winner->id) || !st_record_is_merged (row)
          || g_ptr_array_find (live, row, NULL))
        continue;
      clock = server_clock (ctx);
      json_object_set_string_member (row->data, "merged_into", winner->id);
      st_record_set_field_clock (row, "merged_into", &clock);
      st_record_advance (row, &clock);
      if (!st_store_record_put (ctx->store, ctx->txn, row, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
changed_text (const StRecord *before,
              const StRecord *after,
              const char     *field)
{
  return before == NULL || g_strcmp0 (text_of (before, field), text_of (after, field)) != 0;
}

gboolean
st_people_after_write (StServerWrite  *ctx,
                       StRecord       *record,
                       const StRecord *before,
                       gboolean        is_new,
                       GError        **error)
{
  const char *table = record->table;

  if (g_str_equal (table, "participants"))
    {
      if (!record->deleted)
        {
          if (is_new || (before != NULL && (before->deleted || changed_text (before, record, "id_number"))))
            return merge_same_person (ctx, record, error);
          return TRUE;
        }
      if (st_record_is_merged (record) && before != NULL)
        {
          /* A laptop that had not heard of the merge edited the merged
           * participant: the one that stays takes what it lacks. */
          g_autofree char *target = participant_target (ctx, record->id, error);
          g_autoptr(GError) local_error = NULL;
          g_autoptr(StRecord) winner = NULL;
          StClock clock;

          if (target == NULL)
            return FALSE;
          if (g_str_equal (target, record->id))
            return TRUE;
          winner = st_store_record_get (ctx->store, ctx->txn, "participants", target, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (winner == NULL || !fill_from (winner, record, NULL))
            return TRUE;
          clock = server_clock (ctx);
          st_record_advance (winner, &clock);
          return st_store_record_put (ctx->store, ctx->txn, winner, error);
        }
      return TRUE;
    }

  for (guint t = 0; t < G_N_ELEMENTS (keyed_children); t++)
    if (g_str_equal (table, keyed_children[t].table))
      {
        const char *person = text_of (record, "participant_id");
        const char *other = text_of (record, keyed_children[t].other);
        g_autofree char *target_person = NULL;
        g_autofree char *target = NULL;
        g_autoptr(StRecord) row = NULL;

        /* A live row, or a moved one whose data a laptop edited since. */
        if (person == NULL || other == NULL || (record->deleted && !st_record_is_merged (record)))
          return TRUE;
        if (record->deleted)
          {
            StClock now = st_record_data_clock (record);
            StClock then = before ? st_record_data_clock (before) : now;

            if (st_merge_clock_compare (now.hlc, now.device, then.hlc, then.device) == 0)
              return TRUE;
          }
        target_person = participant_target (ctx, person, error);
        if (target_person == NULL)
          return FALSE;
        if (g_str_equal (target_person, person))
          return TRUE;
        target = child_key (t, target_person, other);
        if (g_str_equal (target, record->id))
          return TRUE;
        row = reread (ctx, record, error);
        if (row == NULL || !move_row (ctx, row, target, "participant_id", target_person, error))
          return FALSE;
        if (g_str_equal (table, "enrolments"))
          return move_enrolment_children (ctx, row->id, target, target_person, error);
        return TRUE;
      }

  for (guint t = 0; t < G_N_ELEMENTS (enrolment_children); t++)
    if (g_str_equal (table, enrolment_children[t]))
      {
        const char *enrolment = text_of (record, "enrolment_id");
        const char *person = text_of (record, "participant_id");
        g_autofree char *target_enrolment = NULL;
        g_autofree char *target_person = NULL;
        g_autoptr(StRecord) row = NULL;
        StClock clock;

        if (record->deleted)
          return TRUE;
        if (enrolment != NULL)
          {
            target_enrolment = enrolment_target (ctx, enrolment, error);
            if (target_enrolment == NULL)
              return FALSE;
          }
        if (person != NULL)
          {
            target_person = participant_target (ctx, person, error);
            if (target_person == NULL)
              return FALSE;
          }
        if ((target_enrolment == NULL || g_str_equal (target_enrolment, enrolment))
            && (target_person == NULL || g_str_equal (target_person, person)))
          return TRUE;
        row = reread (ctx, record, error);
        if (row == NULL)
          return FALSE;
        if (target_person != NULL && is_roster_visit (row))
          {
            /* Joins the roster's visit of who stays (see move_children). */
            g_autofree char *target = st_uuid_v5 (ST_UUID_NS_ROSTER_VISIT, target_person);

            return g_str_equal (target, row->id) || move_row (ctx, row, target, "participant_id", target_person, error);
          }
        if (target_enrolment != NULL)
          set_key (row, "enrolment_id", target_enrolment);
        if (target_person != NULL)
          set_key (row, "participant_id", target_person);
        clock = server_clock (ctx);
        st_record_advance (row, &clock);
        return st_store_record_put (ctx->store, ctx->txn, row, error);
      }
  return TRUE;
}
