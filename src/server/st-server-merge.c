/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The merge (docs/sync-protocol.md, Merge): last writer wins by (hlc,
 * device), per field for participants and per row for the other tables;
 * "deleted" is a field of its own, and a delete wins only over the edits it
 * has seen. Whatever loses is kept in a review item. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include "st-server-merge.h"

int
st_merge_clock_compare (gint64      hlc_a,
                        const char *device_a,
                        gint64      hlc_b,
                        const char *device_b)
{
  int c;

  if (hlc_a != hlc_b)
    return hlc_a < hlc_b ? -1 : 1;
  c = g_strcmp0 (device_a, device_b);
  return c < 0 ? -1 : c > 0;
}

static int
clock_compare (const StClock *a,
               const StClock *b)
{
  return st_merge_clock_compare (a->hlc, a->device, b->hlc, b->device);
}

JsonNode *
st_record_get_field (const StRecord *record,
                     const char     *field)
{
  JsonNode *node;

  if (g_str_equal (field, "deleted"))
    {
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (node, record->deleted ? 1 : 0);
      return node;
    }
  node = json_object_get_member (record->data, field);
  return node ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);
}

gboolean
st_value_is_empty (JsonNode *value)
{
  return value == NULL || JSON_NODE_HOLDS_NULL (value)
         || (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING
             && *json_node_get_string (value) == '\0');
}

static const char *
clock_string (const StRecord *record,
              const char     *field,
              char            suffix)
{
  char key[80];
  JsonNode *node;

  g_snprintf (key, sizeof key, "%s%c", field, suffix);
  node = json_object_get_member (record->clocks, key);
  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

StClock
st_record_field_clock (const StRecord *record,
                       const char     *field)
{
  StClock clock = { 0, };
  JsonNode *node = json_object_get_member (record->clocks, field);

  /* A field without a clock of its own was written by the row's first
   * change, whose clock is "*". */
  if (node == NULL)
    field = "*";
  node = json_object_get_member (record->clocks, field);
  clock.hlc = node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : 0;
  clock.device = clock_string (record, field, '@');
  clock.account = clock_string (record, field, '#');
  /* Rows stored before devices were kept per field: the row's. */
  if (clock.device == NULL)
    clock.device = "";
  return clock;
}

void
st_record_set_field_clock (StRecord      *record,
                           const char    *field,
                           const StClock *clock)
{
  g_autofree char *device_key = g_strconcat (field, "@", NULL);
  g_autofree char *account_key = g_strconcat (field, "#", NULL);
  g_autofree char *filled_key = g_strconcat (field, "!", NULL);

  /* Written by a change: no longer a value filled in by a merge. */
  json_object_remove_member (record->clocks, filled_key);
  json_object_set_int_member (record->clocks, field, clock->hlc);
  json_object_set_string_member (record->clocks, device_key, clock->device ? clock->device : "");
  if (clock->account != NULL)
    json_object_set_string_member (record->clocks, account_key, clock->account);
  else
    json_object_remove_member (record->clocks, account_key);
}

static gboolean
is_clock_key (const char *key)
{
  gsize n = strlen (key);

  return n > 0 && key[n - 1] != '@' && key[n - 1] != '#' && key[n - 1] != '<' && key[n - 1] != '!'
         && key[0] != '~';
}

StClock
st_record_data_clock (const StRecord *record)
{
  StClock latest = st_record_field_clock (record, "*");
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, record->clocks);
  while (json_object_iter_next (&iter, &name, &value))
    if (is_clock_key (name) && !g_str_equal (name, "deleted") && !g_str_equal (name, "*"))
      {
        StClock clock = st_record_field_clock (record, name);

        if (clock_compare (&clock, &latest) > 0)
          latest = clock;
      }
  return latest;
}

void
st_record_advance (StRecord      *record,
                   const StClock *clock)
{
  if (st_merge_clock_compare (clock->hlc, clock->device, record->hlc, record->device) <= 0)
    return;
  record->hlc = clock->hlc;
  g_free (record->device);
  record->device = g_strdup (clock->device);
  g_free (record->writer);
  record->writer = g_strdup (clock->account);
}

gboolean
st_record_is_merged (const StRecord *record)
{
  if (!record->deleted)
    return FALSE;
  if (json_object_has_member (record->clocks, "~merged"))
    return TRUE;
  return !st_value_is_empty (json_object_get_member (record->data, "merged_into"));
}

StRecord *
st_record_copy (const StRecord *record)
{
  StRecord *copy = st_record_new (record->table, record->id);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  copy->seq = record->seq;
  copy->hlc = record->hlc;
  copy->device = g_strdup (record->device);
  copy->writer = g_strdup (record->writer);
  copy->deleted = record->deleted;
  copy->township = g_strdup (record->township);
  json_object_iter_init (&iter, record->data);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (copy->data, name, json_node_copy (value));
  json_object_iter_init (&iter, record->clocks);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (copy->clocks, name, json_node_copy (value));
  return copy;
}


/* Conflicts */

StConflict *
st_conflict_new (const char *kind)
{
  StConflict *conflict = g_new0 (StConflict, 1);

  conflict->kind = kind;
  conflict->lost = json_object_new ();
  conflict->kept = json_object_new ();
  conflict->detail = json_object_new ();
  return conflict;
}

void
st_conflict_free (StConflict *conflict)
{
  if (conflict == NULL)
    return;
  json_object_unref (conflict->lost);
  json_object_unref (conflict->kept);
  json_object_unref (conflict->detail);
  g_free (conflict->strings[0]);
  g_free (conflict->strings[1]);
  g_free (conflict);
}

static void
set_clock_members (JsonObject    *object,
                   const char    *side,
                   const StClock *clock)
{
  g_autofree char *hlc = g_strconcat (side, "_hlc", NULL);
  g_autofree char *device = g_strconcat (side, "_device", NULL);
  g_autofree char *account = g_strconcat (side, "_account", NULL);

  json_object_set_int_member (object, hlc, clock->hlc);
  json_object_set_string_member (object, device, clock->device ? clock->device : "");
  if (clock->account)
    json_object_set_string_member (object, account, clock->account);
  else
    json_object_set_null_member (object, account);
}

void
st_conflict_add (StConflict    *conflict,
                 const char    *field,
                 const char    *winner,
                 JsonNode      *kept,
                 const StClock *kept_clock,
                 JsonNode      *lost,
                 const StClock *lost_clock)
{
  g_autoptr(JsonObject) detail = json_object_new ();
  gboolean change_won = g_str_equal (winner, "change");
  const StClock *other = change_won ? lost_clock : kept_clock;

  json_object_set_member (conflict->lost, field, json_node_copy (lost));
  json_object_set_member (conflict->kept, field, json_node_copy (kept));
  json_object_set_string_member (detail, "winner", winner);
  json_object_set_member (detail, "kept", json_node_copy (kept));
  set_clock_members (detail, "kept", kept_clock);
  json_object_set_member (detail, "lost", json_node_copy (lost));
  set_clock_members (detail, "lost", lost_clock);
  json_object_set_object_member (conflict->detail, field, g_steal_pointer (&detail));
  if (change_won)
    conflict->change_won = TRUE;
  else
    conflict->change_lost = TRUE;

  if (conflict->other.device == NULL || clock_compare (other, &conflict->other) > 0)
    {
      g_free (conflict->strings[0]);
      g_free (conflict->strings[1]);
      conflict->other.hlc = other->hlc;
      conflict->other.device = conflict->strings[0] = g_strdup (other->device);
      conflict->other.account = conflict->strings[1] = g_strdup (other->account);
    }
}

const char *
st_conflict_winner (StConflict *conflict)
{
  if (conflict->change_won && conflict->change_lost)
    return "mixed";
  return conflict->change_won ? "change" : "server";
}


/* The merge */

gboolean
st_merge_is_whole_row (const StTable *table,
                       JsonObject    *fields)
{
  for (guint i = 0; i < table->fields->len; i++)
    {
      const StField *field = g_ptr_array_index (table->fields, i);

      if (field->required && !json_object_has_member (fields, field->name))
        return FALSE;
    }
  return TRUE;
}

static void
set_value (const StTable *table,
           StRecord      *record,
           const char    *name,
           JsonNode      *value)
{
  json_object_set_member (record->data, name, json_node_copy (value));
  if (table->scoped && g_str_equal (name, "township_code"))
    {
      g_free (record->township);
      record->township = g_strdup (JSON_NODE_HOLDS_VALUE (value) ? json_node_get_string (value) : NULL);
    }
}

static StConflict *
conflict_get (StConflict **conflict,
              const char  *kind)
{
  if (*conflict == NULL)
    *conflict = st_conflict_new (kind);
  return *conflict;
}

/* Field @name of @record (last written at @theirs) against @value of the
 * change (written at @mine): the change wins it when @order > 0 — a value it
 * had not seen becomes a conflict, kept for review — else the server's
 * value stays, and a different one of the change is kept for review. */
static void
merge_field (const StTable  *table,
             StRecord       *record,
             const StChange *change,
             const StClock  *mine,
             int             order,
             const char     *name,
             JsonNode       *value,
             const StClock  *theirs,
             StConflict    **conflict)
{
  g_autoptr(JsonNode) current = st_record_get_field (record, name);

  if (order > 0)
    {
      if (!json_node_equal (current, value) && theirs->hlc > change->base_hlc)
        st_conflict_add (conflict_get (conflict, "conflict"), name, "change", value, mine, current, theirs);
      set_value (table, record, name, value);
      st_record_set_field_clock (record, name, mine);
    }
  else if (!json_node_equal (current, value))
    st_conflict_add (conflict_get (conflict, "conflict"), name, "server", current, theirs, value, mine);
}

/* Data fields, one by one (participants). TRUE when something was written. */
static gboolean
merge_per_field (const StTable  *table,
                 StRecord       *record,
                 const StChange *change,
                 const StClock  *mine,
                 StConflict    **conflict)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gboolean wrote = FALSE;

  json_object_iter_init (&iter, change->fields);
  while (json_object_iter_next (&iter, &name, &value))
    {
      StClock theirs;
      int order;

      if (g_str_equal (name, "deleted"))
        continue;
      theirs = st_record_field_clock (record, name);
      order = clock_compare (mine, &theirs);
      if (order == 0)
        continue;
      merge_field (table, record, change, mine, order, name, value, &theirs, conflict);
      wrote = wrote || order > 0;
    }
  return wrote;
}

/* Data fields as one (every table but participants). */
static gboolean
merge_per_row (const StTable  *table,
               StRecord       *record,
               const StChange *change,
               const StClock  *mine,
               StConflict    **conflict)
{
  StClock data = st_record_data_clock (record);
  g_autoptr(JsonObject) losing = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gboolean any = FALSE;
  int order = clock_compare (mine, &data);

  json_object_iter_init (&iter, change->fields);
  while (json_object_iter_next (&iter, &name, &value))
    if (!g_str_equal (name, "deleted"))
      any = TRUE;
  if (!any || order == 0)
    return FALSE;

  json_object_iter_init (&iter, change->fields);
  while (json_object_iter_next (&iter, &name, &value))
    {
      StClock theirs;

      if (g_str_equal (name, "deleted"))
        continue;
      theirs = st_record_field_clock (record, name);
      merge_field (table, record, change, mine, order, name, value, &theirs, conflict);
    }
  return order > 0;
}

/* The latest clock of a data field written after @base by a change other
 * than @mine: an edit a delete based on @base had not seen. */
static gboolean
unseen_edit (const StRecord *record,
             gint64          base,
             const StClock  *mine,
             StClock        *edit)
{
  StClock data = { 0, };
  gboolean found = FALSE;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, record->clocks);
  while (json_object_iter_next (&iter, &name, &value))
    if (is_clock_key (name) && !g_str_equal (name, "deleted"))
      {
        StClock clock = st_record_field_clock (record, name);

        if (clock.hlc > base && clock_compare (&clock, mine) != 0
            && (!found || clock_compare (&clock, &data) > 0))
          {
            data = clock;
            found = TRUE;
          }
      }
  *edit = data;
  return found;
}

StMergeResult
st_merge_change (const StTable   *table,
                 StRecord       **row,
                 const StChange  *change,
                 StConflict     **conflict)
{
  StRecord *record = *row;
  StClock mine = { change->hlc, change->device, change->writer };
  JsonNode *deleted = json_object_get_member (change->fields, "deleted");
  gboolean merged;
  gboolean wrote = FALSE;

  *conflict = NULL;

  /* An insert, or the first the server hears of a row. */
  if (record == NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (!st_merge_is_whole_row (table, change->fields))
        return ST_MERGE_INCOMPLETE;
      record = st_record_new (change->table, change->row);
      st_record_set_field_clock (record, "*", &mine);
      /* Every field has a value, null for those the change leaves out. */
      for (guint i = 0; i < table->fields->len; i++)
        {
          const StField *field = g_ptr_array_index (table->fields, i);

          if (!g_str_equal (field->name, "deleted"))
            json_object_set_null_member (record->data, field->name);
        }
      json_object_iter_init (&iter, change->fields);
      while (json_object_iter_next (&iter, &name, &value))
        if (!g_str_equal (name, "deleted"))
          set_value (table, record, name, value);
      record->deleted = deleted != NULL && json_node_get_int (deleted) != 0;
      if (record->deleted)
        json_object_set_int_member (record->clocks, "deleted<", change->base_hlc);
      record->hlc = change->hlc;
      record->device = g_strdup (change->device);
      record->writer = g_strdup (change->writer);
      *row = record;
      return ST_MERGE_APPLIED;
    }

  /* The same change again (under another op id: a laptop restored from a
   * backup sends it again). */
  if (st_merge_clock_compare (change->hlc, change->device, record->hlc, record->device) == 0)
    return ST_MERGE_UNCHANGED;

  merged = st_record_is_merged (record);

  /* The data fields. */
  if (g_str_equal (table->name, "participants"))
    wrote = merge_per_field (table, record, change, &mine, conflict);
  else
    wrote = merge_per_row (table, record, change, &mine, conflict);

  /* "deleted", a field of its own. */
  if (deleted != NULL)
    {
      StClock theirs = st_record_field_clock (record, "deleted");
      gboolean deleting = json_node_get_int (deleted) != 0;
      int order = clock_compare (&mine, &theirs);
      g_autoptr(JsonNode) current = st_record_get_field (record, "deleted");
      StClock edit;

      if (order > 0 && merged)
        {
          /* A row the server moved elsewhere stays a tombstone: its
           * replacement carries on. */
          if (!deleting)
            st_conflict_add (conflict_get (conflict, "delete"), "deleted", "server", current, &theirs,
                             deleted, &mine);
        }
      else if (order > 0 && deleting && !record->deleted && unseen_edit (record, change->base_hlc, &mine, &edit))
        {
          /* A delete does not hide an edit it had not seen: the row stays,
           * and the refused delete is kept for review. The delete's clock
           * is kept all the same, so that the row ends the same whichever
           * of the two arrived first. */
          g_autoptr(JsonNode) live = json_node_new (JSON_NODE_VALUE);

          json_node_set_int (live, 0);
          st_record_set_field_clock (record, "deleted", &mine);
          json_object_set_int_member (record->clocks, "deleted<", change->base_hlc);
          if (*conflict != NULL)
            (*conflict)->kind = "delete";
          st_conflict_add (conflict_get (conflict, "delete"), "deleted", "server", live, &edit, deleted, &mine);
          wrote = TRUE;
        }
      else if (order > 0)
        {
          record->deleted = deleting;
          st_record_set_field_clock (record, "deleted", &mine);
          json_object_set_int_member (record->clocks, "deleted<", change->base_hlc);
          wrote = TRUE;
        }
      else if (order < 0 && !json_node_equal (current, deleted))
        st_conflict_add (conflict_get (conflict, "conflict"), "deleted", "server", current, &theirs, deleted, &mine);
    }
  else if (record->deleted && !merged)
    {
      /* An edit of a deleted row. If the delete had not seen it (the edit
       * is later than what the delete was based on) and it had not seen
       * the delete, the delete is refused: the row comes back. */
      StClock theirs = st_record_field_clock (record, "deleted");
      gint64 base = json_object_get_int_member_with_default (record->clocks, "deleted<", 0);

      if (json_object_get_size (change->fields) > 0 && change->hlc > base && change->base_hlc < theirs.hlc)
        {
          g_autoptr(JsonNode) live = json_node_new (JSON_NODE_VALUE);
          g_autoptr(JsonNode) dead = json_node_new (JSON_NODE_VALUE);

          json_node_set_int (live, 0);
          json_node_set_int (dead, 1);
          record->deleted = FALSE;
          if (*conflict != NULL)
            (*conflict)->kind = "delete";
          st_conflict_add (conflict_get (conflict, "delete"), "deleted", "change", live, &mine, dead, &theirs);
          wrote = TRUE;
        }
    }

  if (!wrote)
    return *conflict != NULL ? ST_MERGE_LOST_CONFLICT : ST_MERGE_UNCHANGED;
  st_record_advance (record, &mine);
  return *conflict != NULL ? ST_MERGE_WON_CONFLICT : ST_MERGE_APPLIED;
}
