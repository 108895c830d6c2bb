/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the PostgreSQL store's write transaction knows without asking: the
 * two questions the push asks of every change under the write lock — is
 * this op id known (st_store_log_find ()), and is the row still at the
 * feed position it was read at (st_store_record_seq ()) — answered for many
 * changes by one query each instead of one round trip per change.
 *
 * Sound because nothing else writes while the transaction holds the write
 * lock: what it learnt stays true but for its own writes, which update it
 * (log_insert, record_put), and a savepoint rolled back forgets it all.
 * The rows to ask about come from the reads the push makes beforehand,
 * outside the transaction (hints).
 *
 * The same holds of a third: how many live participants have this ID
 * number (st_store_count_by_field ()), asked after every new participant
 * is written — counted for the whole push at once when it says which
 * numbers it holds (st_store_count_by_field_ahead ()), then kept by the
 * transaction's writes: a row known to be new adds itself, any other
 * write of the table makes the transaction forget the counts. */
#define G_LOG_DOMAIN "st-store"

#include "config.h"

#include <string.h>

#include "st-store-pg-private.h"

/* Op ids looked ahead past the one asked for. */
#define LOG_AHEAD 255
/* Rows read outside a transaction remembered for the next one: how many,
 * how many asked about at once, and for how long. */
#define MAX_HINTS       20000
#define HINTS_PER_FETCH 6400   /* a group of 64 pushes of 100 changes */
#define HINT_AGE_US     (10 * G_USEC_PER_SEC)

/* What the transaction knows of an op id. */
#define OP_ABSENT  GINT_TO_POINTER (1)
#define OP_PRESENT GINT_TO_POINTER (2)

static char *
row_key (const char *table,
         const char *id)
{
  return g_strconcat (table, "\x1f", id, NULL);
}

static char *
op_key (const char *device,
        gint64      epoch,
        gint64      client_seq)
{
  return g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT "\x1f%" G_GINT64_FORMAT, device, epoch, client_seq);
}

static char *
count_key (const char *table,
           const char *field,
           const char *value)
{
  return g_strconcat (table, "\x1f", field, "\x1f", value, NULL);
}

static void
counts_forget (StStoreTxn *txn)
{
  if (txn->counts != NULL)
    g_hash_table_remove_all (txn->counts);
  if (txn->count_fields != NULL)
    g_ptr_array_set_size (txn->count_fields, 0);
}

void
pg_cache_clear (StStoreTxn *txn)
{
  if (txn->ops != NULL)
    g_hash_table_remove_all (txn->ops);
  if (txn->seqs != NULL)
    g_hash_table_remove_all (txn->seqs);
  counts_forget (txn);
}

typedef struct
{
  char   *key;
  gint64  at_us;
  gint64  seq;      /* as read (0: absent) */
  gint64  high;     /* the feed's high mark when it was read; -1: not known */
} Hint;

static void
hint_free (Hint *hint)
{
  g_free (hint->key);
  g_free (hint);
}

void
pg_cache_hints_free (StStorePg *self)
{
  g_clear_pointer (&self->hints, g_hash_table_unref);
  if (self->hint_queue != NULL)
    g_queue_free_full (g_steal_pointer (&self->hint_queue), (GDestroyNotify) hint_free);
}

/* Oldest first, as the writer takes the pushes: the hints at the head are
 * those of the next transaction. */
void
pg_cache_hint (StStorePg  *self,
               const char *table,
               const char *id)
{
  pg_cache_hint_seen (self, table, id, 0, -1);
}

void
pg_cache_hint_seen (StStorePg  *self,
                    const char *table,
                    const char *id,
                    gint64      seq,
                    gint64      high)
{
  Hint *hint = g_new (Hint, 1);

  hint->key = row_key (table, id);
  hint->at_us = g_get_monotonic_time ();
  hint->seq = seq;
  hint->high = high;
  g_mutex_lock (&self->hints_lock);
  if (g_hash_table_contains (self->hints, hint->key) || g_queue_get_length (self->hint_queue) >= MAX_HINTS)
    hint_free (hint);
  else
    {
      g_queue_push_tail (self->hint_queue, hint);
      g_hash_table_insert (self->hints, hint->key, self->hint_queue->tail);
    }
  g_mutex_unlock (&self->hints_lock);
}

/* The row was answered: its hint is done. */
static void
hint_done (StStorePg  *self,
           const char *key)
{
  GList *link;

  g_mutex_lock (&self->hints_lock);
  link = g_hash_table_lookup (self->hints, key);
  if (link != NULL)
    {
      g_hash_table_remove (self->hints, key);
      hint_free (link->data);
      g_queue_delete_link (self->hint_queue, link);
    }
  g_mutex_unlock (&self->hints_lock);
}

/* The oldest hints not answered yet, made before @before_us (at most
 * HINTS_PER_FETCH); those a push never asked about go after HINT_AGE_US.
 * The pushes of a transaction were read before their request began in it
 * (the transaction's began_us, moved at each request: a request may join a
 * transaction under way); rows read since are those of later pushes, which
 * a later request asks about (and would ask again: what this one learns
 * goes with the transaction). */
static GPtrArray *
take_hints (StStorePg *self,
            gint64     before_us)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func ((GDestroyNotify) hint_free);
  gint64 old = g_get_monotonic_time () - HINT_AGE_US;

  g_mutex_lock (&self->hints_lock);
  while (!g_queue_is_empty (self->hint_queue) && ((Hint *) g_queue_peek_head (self->hint_queue))->at_us < old)
    {
      Hint *hint = g_queue_pop_head (self->hint_queue);

      g_hash_table_remove (self->hints, hint->key);
      hint_free (hint);
    }
  for (GList *l = self->hint_queue->head;
       l != NULL && keys->len < HINTS_PER_FETCH && ((Hint *) l->data)->at_us < before_us; l = l->next)
    {
      Hint *copy = g_memdup2 (l->data, sizeof (Hint));

      copy->key = g_strdup (copy->key);
      g_ptr_array_add (keys, copy);
    }
  g_mutex_unlock (&self->hints_lock);
  return keys;
}

gboolean
pg_cache_mark_high (StStorePg   *self,
                    StStoreTxn  *txn,
                    GError     **error)
{
  if (!txn->wrote || self->schema_version < 6)
    return TRUE;
  txn->wrote = FALSE;
  return pg_run (self, txn->conn,
                 "INSERT INTO meta (key, value, county)"
                 " VALUES ('feed_high', (SELECT coalesce (max (seq), 0) FROM records)::text, " PG_SQL_DB_COUNTY ")"
                 " ON CONFLICT (key) DO UPDATE SET value = excluded.value", NULL, error);
}

/* Rows written since a high mark, at most (more: asked one by one). */
#define MOVED_MAX 20000

/* The rows written since @high that @wanted names: their positions in the
 * cache. FALSE with @error set on a failure; *@too_many when more rows
 * than MOVED_MAX were written since (nothing in the cache then). */
static gboolean
fetch_moved (StStorePg   *self,
             StStoreTxn  *txn,
             gint64       high,
             GHashTable  *wanted,
             gboolean    *too_many,
             GError     **error)
{
  PgParams p = { 0, };
  PGresult *result;
  int n;

  pg_param_int (&p, high);
  pg_param_int (&p, MOVED_MAX + 1);
  /* By the feed's index, from the mark on. */
  result = pg_query (self, txn->conn,
                     "SELECT tbl, id, seq FROM records WHERE seq > $1::bigint ORDER BY seq LIMIT $2::bigint",
                     &p, error);
  if (result == NULL)
    return FALSE;
  n = PQntuples (result);
  *too_many = n > MOVED_MAX;
  for (int i = 0; !*too_many && i < n; i++)
    {
      g_autofree char *k = row_key (PQgetvalue (result, i, 0), PQgetvalue (result, i, 1));
      gint64 *seq;

      if (!g_hash_table_contains (wanted, k) || g_hash_table_contains (txn->seqs, k))
        continue;
      seq = g_new (gint64, 1);
      *seq = pg_int (result, i, 2);
      g_hash_table_insert (txn->seqs, g_steal_pointer (&k), seq);
    }
  PQclear (result);
  return TRUE;
}

/* The feed positions of the hinted rows (0: no such row), in the cache:
 * those read with the feed's high mark from the rows written since the
 * lowest mark (one scan of the feed's newest end), the others, or all when
 * too much was written since, by a look-up of each. */
static gboolean
fetch_hinted_seqs (StStorePg   *self,
                   StStoreTxn  *txn,
                   GError     **error)
{
  g_autoptr(GPtrArray) hints = take_hints (self, txn->began_us);
  g_autoptr(GHashTable) marked = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) tables = g_string_new ("{");
  g_autoptr(GString) ids = g_string_new ("{");
  PgParams p = { 0, };
  PGresult *result;
  gint64 high = G_MAXINT64;
  gboolean too_many = FALSE;
  guint n = 0;

  for (guint i = 0; i < hints->len; i++)
    {
      Hint *hint = g_ptr_array_index (hints, i);

      if (hint->high >= 0 && !g_hash_table_contains (txn->seqs, hint->key))
        {
          g_hash_table_insert (marked, hint->key, hint);
          high = MIN (high, hint->high);
        }
    }
  if (g_hash_table_size (marked) > 0)
    {
      if (!fetch_moved (self, txn, high, marked, &too_many, error))
        {
          g_hash_table_remove_all (txn->seqs);
          return FALSE;
        }
      if (!too_many)
        {
          GHashTableIter iter;
          Hint *hint;

          /* Not moved since: as read. */
          g_hash_table_iter_init (&iter, marked);
          while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &hint))
            if (!g_hash_table_contains (txn->seqs, hint->key))
              {
                gint64 *seq = NULL;

                if (hint->seq > 0)
                  {
                    seq = g_new (gint64, 1);
                    *seq = hint->seq;
                  }
                g_hash_table_insert (txn->seqs, g_strdup (hint->key), seq);
              }
        }
    }

  for (guint i = 0; i < hints->len; i++)
    {
      const char *key = ((Hint *) g_ptr_array_index (hints, i))->key;
      const char *sep = strchr (key, '\x1f');

      if (sep == NULL || g_hash_table_contains (txn->seqs, key))
        continue;
      /* Keys and table names are UUIDs and identifiers: nothing to quote
       * but the quotes themselves, which they never hold. */
      if (strpbrk (key, "\"\\{},") != NULL)
        continue;
      g_string_append_printf (tables, "%s\"%.*s\"", n ? "," : "", (int) (sep - key), key);
      g_string_append_printf (ids, "%s\"%s\"", n ? "," : "", sep + 1);
      g_hash_table_insert (txn->seqs, g_strdup (key), NULL);
      n++;
    }
  g_string_append_c (tables, '}');
  g_string_append_c (ids, '}');
  if (n == 0)
    return TRUE;
  pg_param_text (&p, tables->str);
  pg_param_text (&p, ids->str);
  /* A look-up by the key for each row (NULL: no such row), not a join:
   * on a table grown since it was last analysed the planner hashed the
   * whole table for a join, under the write lock (5-20 ms a push by
   * auto_explain in bench-server). */
  result = pg_query (self, txn->conn,
                     "SELECT k.tbl, k.id, (SELECT r.seq FROM records AS r WHERE r.tbl = k.tbl AND r.id = k.id)"
                     " FROM unnest ($1::text[], $2::text[]) AS k (tbl, id)", &p, error);
  if (result == NULL)
    {
      g_hash_table_remove_all (txn->seqs);
      return FALSE;
    }
  for (int i = 0; i < PQntuples (result); i++)
    {
      g_autofree char *k = NULL;
      gint64 *seq;

      if (pg_is_null (result, i, 2))
        continue;
      k = row_key (PQgetvalue (result, i, 0), PQgetvalue (result, i, 1));
      seq = g_new (gint64, 1);
      *seq = pg_int (result, i, 2);
      g_hash_table_insert (txn->seqs, g_steal_pointer (&k), seq);
    }
  PQclear (result);
  return TRUE;
}

/* 1 with *@seq when the cache knows (0: no such row), 0 when it does not,
 * -1 with @error set. */
int
pg_cache_record_seq (StStorePg   *self,
                     StStoreTxn  *txn,
                     const char  *table,
                     const char  *id,
                     gint64      *seq,
                     GError     **error)
{
  g_autofree char *key = row_key (table, id);
  gpointer value;

  if (!g_hash_table_lookup_extended (txn->seqs, key, NULL, &value))
    {
      if (!fetch_hinted_seqs (self, txn, error))
        return -1;
      if (!g_hash_table_lookup_extended (txn->seqs, key, NULL, &value))
        {
          hint_done (self, key);
          return 0;
        }
    }
  hint_done (self, key);
  *seq = value != NULL ? *(gint64 *) value : 0;
  return 1;
}

int
pg_cache_row_known (StStoreTxn *txn,
                    const char *table,
                    const char *id)
{
  g_autofree char *key = row_key (table, id);
  gpointer value;

  if (txn->seqs == NULL || !g_hash_table_lookup_extended (txn->seqs, key, NULL, &value))
    return -1;
  return value != NULL;
}

/* The counts of @record's table after it was written: a row the
 * transaction knew to be new adds one to the count of each counted value
 * it holds (live); any other write of the table may have moved a row from
 * one value to another, and the counts are forgotten (asked again). */
static void
counts_after_put (StStoreTxn     *txn,
                  const StRecord *record,
                  gboolean        is_new)
{
  gsize table_len = strlen (record->table);

  for (guint i = 0; i < txn->count_fields->len; i++)
    {
      const char *table_field = g_ptr_array_index (txn->count_fields, i);
      const char *field = table_field + table_len + 1;
      JsonNode *node;
      const char *value;
      g_autofree char *key = NULL;
      gint64 *count;

      if (strncmp (table_field, record->table, table_len) != 0 || table_field[table_len] != '\x1f')
        continue;
      if (!is_new || record->data == NULL)
        {
          counts_forget (txn);
          return;
        }
      node = json_object_get_member (record->data, field);
      if (node == NULL || JSON_NODE_HOLDS_NULL (node) || record->deleted)
        continue;
      /* ->> of a number or a boolean is its text too: not followed here. */
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          counts_forget (txn);
          return;
        }
      value = json_node_get_string (node);
      key = count_key (record->table, field, value);
      count = g_hash_table_lookup (txn->counts, key);
      if (count != NULL)
        (*count)++;
    }
}

void
pg_cache_record_put (StStoreTxn     *txn,
                     const StRecord *record,
                     gint64          seq)
{
  char *key = row_key (record->table, record->id);
  gpointer before;
  gboolean is_new = g_hash_table_lookup_extended (txn->seqs, key, NULL, &before) && before == NULL;
  gint64 *value = g_new (gint64, 1);

  txn->wrote = TRUE;
  if (txn->count_fields->len > 0)
    counts_after_put (txn, record, is_new);
  *value = seq;
  g_hash_table_insert (txn->seqs, key, value);
}

/* The live rows of @table with each of @values in @field, in one query;
 * a value no row has counts 0. */
gboolean
pg_cache_counts_ahead (StStorePg          *self,
                       StStoreTxn         *txn,
                       const char         *table,
                       const char         *field,
                       const char * const *values,
                       GError            **error)
{
  g_autofree char *table_field = g_strconcat (table, "\x1f", field, NULL);
  g_autofree char *array = pg_text_array (values);
  g_autofree char *sql = NULL;
  PgParams p = { 0, };
  PGresult *result;

  /* Each value as count_by_field asks for one, with the expression as the
   * index has it (st-store-pg-schema.c): an = ANY of them all looked to the
   * planner, on a table grown since it was last analysed, like most of the
   * table, and it read every participant instead of the index. */
  sql = g_strdup_printf ("SELECT v.value, (SELECT count(*) FROM records WHERE tbl = '%s'"
                         " AND (data::json ->> '%s') = v.value AND deleted = 0)"
                         " FROM unnest ($1::text[]) AS v (value)", table, field);
  pg_param_text (&p, array);
  result = pg_query (self, txn->conn, sql, &p, error);
  if (result == NULL)
    return FALSE;
  if (!g_ptr_array_find_with_equal_func (txn->count_fields, table_field, g_str_equal, NULL))
    g_ptr_array_add (txn->count_fields, g_strdup (table_field));
  for (int i = 0; i < PQntuples (result); i++)
    {
      gint64 *count = g_new (gint64, 1);

      *count = pg_int (result, i, 1);
      g_hash_table_insert (txn->counts, count_key (table, field, PQgetvalue (result, i, 0)), count);
    }
  PQclear (result);
  return TRUE;
}

gboolean
pg_cache_count (StStoreTxn *txn,
                const char *table,
                const char *field,
                const char *value,
                gint64     *count)
{
  g_autofree char *key = count_key (table, field, value);
  gint64 *known = g_hash_table_lookup (txn->counts, key);

  if (known == NULL)
    return FALSE;
  *count = *known;
  return TRUE;
}

/* TRUE when the op id is known to be absent: no query needed. Else, once
 * per range, learns which of the next op ids exist (FALSE for those: the
 * caller reads the entry). */
gboolean
pg_cache_op_absent (StStorePg   *self,
                    StStoreTxn  *txn,
                    const char  *device,
                    gint64       epoch,
                    gint64       client_seq)
{
  g_autofree char *key = op_key (device, epoch, client_seq);
  g_autoptr(GHashTable) present = NULL;
  PgParams p = { 0, };
  PGresult *result;
  gpointer known = g_hash_table_lookup (txn->ops, key);

  if (known != NULL)
    return known == OP_ABSENT;
  pg_param_text (&p, device);
  pg_param_int (&p, epoch);
  pg_param_int (&p, client_seq);
  pg_param_int (&p, client_seq + LOG_AHEAD);
  result = pg_query (self, txn->conn,
                     "SELECT client_seq FROM changes WHERE device = $1::text AND epoch = $2::bigint"
                     " AND client_seq BETWEEN $3::bigint AND $4::bigint", &p, NULL);
  if (result == NULL)
    return FALSE;   /* asked again, one by one */
  present = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (int i = 0; i < PQntuples (result); i++)
    {
      gint64 *s = g_new (gint64, 1);

      *s = pg_int (result, i, 0);
      g_hash_table_add (present, s);
    }
  for (gint64 s = client_seq; s <= client_seq + LOG_AHEAD; s++)
    {
      char *k = op_key (device, epoch, s);

      if (g_hash_table_contains (txn->ops, k))
        g_free (k);   /* logged by this transaction meanwhile */
      else
        g_hash_table_insert (txn->ops, k, g_hash_table_contains (present, &s) ? OP_PRESENT : OP_ABSENT);
    }
  PQclear (result);
  return g_hash_table_lookup (txn->ops, key) == OP_ABSENT;
}

void
pg_cache_op_logged (StStoreTxn *txn,
                    const char *device,
                    gint64      epoch,
                    gint64      client_seq)
{
  g_hash_table_insert (txn->ops, op_key (device, epoch, client_seq), OP_PRESENT);
}
