/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Applying a push in the writer's transaction, change by change, and the
 * answer (st-server-sync-read.c reads it beforehand). */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include "st-failpoint.h"
#include "st-hlc.h"
#include "st-json-guard.h"
#include "st-server-sync-private.h"

G_DEFINE_QUARK (st-sync-error-quark, st_sync_error)

static const char *
effective_string (JsonObject     *fields,
                  const StRecord *stored,
                  const char     *name)
{
  JsonNode *node = json_object_get_member (fields, name);

  if (node != NULL)
    return st_push_holds_string (node) ? json_node_get_string (node) : NULL;
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
  g_autoptr(StRecord) before = NULL;
  g_autoptr(StConflict) conflict = NULL;
  g_autofree char *before_township = NULL;
  StChange merge_change;
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
  *old_values = st_push_overwritten_values (change, *record);

  st_push_merge_change (self, change, &merge_change);

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
