/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-search"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-participant-search.h"
#include "st-pinyin.h"

#include <string.h>

/* Enough spellings for a name of four polyphonic characters (2⁴). */
#define MAX_INITIALS 16

/* Bumped when the keys or the sort key are made differently: an index
 * made by an older version is then made again. */
#define INDEX_VERSION "2"

char *
st_participant_search_fold (const char *text)
{
  g_autofree char *nfkc = g_utf8_normalize (text ? text : "", -1, G_NORMALIZE_NFKC);
  g_autofree char *lower = g_utf8_strdown (nfkc ? nfkc : "", -1);
  GString *out = g_string_new (NULL);

  for (const char *p = lower; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c))
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* The keys of a name: every suffix (so that a substring is a prefix of a
 * key) and every spelling of its initials. */
static GPtrArray *
name_keys (const char *name)
{
  g_autofree char *folded = st_participant_search_fold (name);
  GPtrArray *keys = st_pinyin_initials (name, MAX_INITIALS);

  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    g_ptr_array_add (keys, g_strdup (p));
  return keys;
}

/* The keys of an ID number: every suffix of three characters or more, so
 * that a fragment found anywhere is the prefix of one (a range of the
 * index, like a name's). */
static GPtrArray *
id_keys (const char *id_number)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  gsize n = id_number != NULL ? strlen (id_number) : 0;

  for (gsize i = 0; i + 3 <= n; i++)
    g_ptr_array_add (keys, g_strdup (id_number + i));
  return keys;
}

typedef struct
{
  gint64    pid;
  char     *uuid;
  gint64    hlc;
  gboolean  live;
  char     *name;
  char     *id_number;
  gboolean  indexed;      /* a row of participant_search exists … */
  gboolean  old_live;     /* … and these are what its keys were made from */
  char     *old_name;
  char     *old_id_number;
} Stale;

static void
stale_clear (Stale *s)
{
  g_free (s->uuid);
  g_free (s->name);
  g_free (s->id_number);
  g_free (s->old_name);
  g_free (s->old_id_number);
}

#define STALE_SELECT \
  "SELECT p.rowid, p.id, p.hlc, p.deleted = 0 AND p.merged_into IS NULL, p.name, p.id_number," \
  " s.pid IS NOT NULL, s.live, s.name, s.id_number" \
  " FROM participants p LEFT JOIN participant_search s ON s.pid = p.rowid"
#define STALE_WHERE \
  " (s.pid IS NULL OR s.hlc IS NOT p.hlc OR s.uuid IS NOT p.id)"

static gboolean
collect_stale (StDb        *db,
               const char  *uuid,
               GArray      *stale,
               GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (uuid != NULL)
    {
      stmt = st_db_prepare (db, STALE_SELECT " WHERE p.id = ?1 AND" STALE_WHERE, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
    }
  else
    {
      stmt = st_db_prepare (db, STALE_SELECT " WHERE" STALE_WHERE, error);
      if (stmt == NULL)
        return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Stale s = { 0, };

      s.pid = sqlite3_column_int64 (stmt, 0);
      s.uuid = st_db_column_dup (stmt, 1);
      s.hlc = sqlite3_column_int64 (stmt, 2);
      s.live = sqlite3_column_int (stmt, 3);
      s.name = st_db_column_dup (stmt, 4);
      s.id_number = st_db_column_dup (stmt, 5);
      s.indexed = sqlite3_column_int (stmt, 6);
      s.old_live = sqlite3_column_int (stmt, 7);
      s.old_name = st_db_column_dup (stmt, 8);
      s.old_id_number = st_db_column_dup (stmt, 9);
      g_array_append_val (stale, s);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("updating the search index"), error);
  return TRUE;
}

/* Runs @sql (a key ?1, a participant ?2) for each of @keys. */
static gboolean
each_key (StDb        *db,
          const char  *sql,
          GPtrArray   *keys,
          gint64       pid,
          GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < keys->len; i++)
    {
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (keys, i), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, pid);
      if (!st_db_step_done (db, stmt, _("updating the search index"), error))
        return FALSE;
    }
  return TRUE;
}

/* Removes the keys a row was indexed with (they are known from the name
 * and number it was indexed from, so no index on pid is needed). */
static gboolean
forget (StDb        *db,
        gint64       pid,
        const char  *name,
        const char  *id_number,
        gboolean     had_keys,
        GError     **error)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) ids = NULL;

  if (!had_keys)
    return TRUE;
  names = name_keys (name);
  ids = id_keys (id_number);
  return each_key (db, "DELETE FROM participant_search_keys WHERE key = ? AND pid = ?", names, pid, error)
    && each_key (db, "DELETE FROM participant_search_id_keys WHERE key = ? AND pid = ?", ids, pid, error);
}

typedef struct
{
  char   *key;
  gint64  pid;
} Key;

static void
key_clear (Key *k)
{
  g_free (k->key);
}

static int
key_compare (gconstpointer a,
             gconstpointer b)
{
  const Key *x = a, *y = b;
  int c = strcmp (x->key, y->key);

  return c != 0 ? c : (x->pid > y->pid) - (x->pid < y->pid);
}

/* @deferred (may be NULL): the ID keys go there, to be inserted in key
 * order at the end — a whole county's 1.6 million keys inserted at random
 * places in the index would read and write most of its pages again and
 * again. */
static gboolean
index_row (StDb         *db,
           const Stale  *s,
           GArray       *deferred,
           GError      **error)
{
  g_autofree char *sort_key = st_pinyin_sort_key (s->name);
  sqlite3_stmt *stmt;

  if (s->indexed && !forget (db, s->pid, s->old_name, s->old_id_number, s->old_live, error))
    return FALSE;

  if (s->live)
    {
      g_autoptr(GPtrArray) keys = name_keys (s->name);

      if (!each_key (db, "INSERT OR IGNORE INTO participant_search_keys (key, pid) VALUES (?, ?)", keys, s->pid, error))
        return FALSE;
      g_ptr_array_unref (keys);
      keys = id_keys (s->id_number);
      if (deferred == NULL)
        {
          if (!each_key (db, "INSERT OR IGNORE INTO participant_search_id_keys (key, pid) VALUES (?, ?)", keys, s->pid, error))
            return FALSE;
        }
      else
        for (guint i = 0; i < keys->len; i++)
          {
            Key k = { g_strdup (g_ptr_array_index (keys, i)), s->pid };

            g_array_append_val (deferred, k);
          }
    }

  stmt = st_db_prepare (db,
                        "INSERT OR REPLACE INTO participant_search (pid, uuid, hlc, live, name, id_number, sort_key)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, s->pid);
  sqlite3_bind_text (stmt, 2, s->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, s->hlc);
  sqlite3_bind_int (stmt, 4, s->live);
  st_db_bind_text (stmt, 5, s->name);
  st_db_bind_text (stmt, 6, s->id_number);
  sqlite3_bind_text (stmt, 7, sort_key, -1, SQLITE_STATIC);
  return st_db_step_done (db, stmt, _("updating the search index"), error);
}

/* Rows of the index whose participant is gone: only after a VACUUM
 * renumbered the rows, since participants are tombstoned, never removed. */
static gboolean
forget_orphans (StDb    *db,
                GError **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT pid, live, name, id_number FROM participant_search"
                                      " WHERE pid NOT IN (SELECT rowid FROM participants)",
                                      error);
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) live = g_array_new (FALSE, FALSE, sizeof (gboolean));
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 pid = sqlite3_column_int64 (stmt, 0);
      gboolean l = sqlite3_column_int (stmt, 1);

      g_array_append_val (pids, pid);
      g_array_append_val (live, l);
      g_ptr_array_add (names, st_db_column_dup (stmt, 2));
      g_ptr_array_add (numbers, st_db_column_dup (stmt, 3));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("updating the search index"), error);

  for (guint i = 0; i < pids->len; i++)
    {
      gint64 pid = g_array_index (pids, gint64, i);

      if (!forget (db, pid, g_ptr_array_index (names, i), g_ptr_array_index (numbers, i),
                   g_array_index (live, gboolean, i), error))
        return FALSE;
      stmt = st_db_prepare (db, "DELETE FROM participant_search WHERE pid = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, pid);
      if (!st_db_step_done (db, stmt, _("updating the search index"), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
forget_all (StDb    *db,
            GError **error)
{
  if (!st_db_begin (db, error))
    return FALSE;
  if (!st_db_exec (db,
                   "DELETE FROM participant_search;"
                   "DELETE FROM participant_search_keys;"
                   "DELETE FROM participant_search_id_keys;",
                   error)
      || !st_db_set_meta (db, "search_index_version", INDEX_VERSION, error))
    {
      st_db_rollback (db);
      return FALSE;
    }
  return st_db_commit (db, error);
}

/* Keys held back at most: each batch goes into the index in key order, a
 * pass from one end to the other, in a few megabytes. */
#define FLUSH_KEYS 65536

static gboolean
flush_keys (StDb     *db,
            GArray   *keys,
            GError  **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "INSERT OR IGNORE INTO participant_search_id_keys (key, pid) VALUES (?, ?)",
                                      error);

  if (stmt == NULL)
    return FALSE;
  g_array_sort (keys, key_compare);
  for (guint i = 0; i < keys->len; i++)
    {
      Key *k = &g_array_index (keys, Key, i);

      sqlite3_bind_text (stmt, 1, k->key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, k->pid);
      if (!st_db_step_done (db, stmt, _("updating the search index"), error))
        return FALSE;
    }
  g_array_set_size (keys, 0);
  return TRUE;
}

static gint64
refresh (StDb              *db,
         const char        *uuid,
         GCancellable      *cancellable,
         StSearchProgress   progress,
         gpointer           user_data,
         GError           **error)
{
  g_autoptr(GArray) stale = g_array_new (FALSE, TRUE, sizeof (Stale));
  g_autoptr(GArray) deferred = NULL;
  gboolean orphans;

  g_array_set_clear_func (stale, (GDestroyNotify) stale_clear);

  if (uuid == NULL)
    {
      g_autofree char *version = st_db_get_meta (db, "search_index_version");

      if (g_strcmp0 (version, INDEX_VERSION) != 0 && !forget_all (db, error))
        return -1;
    }

  /* Read before taking the write lock: most refreshes find nothing to do,
   * and a reader does not stop another program writing. */
  if (!collect_stale (db, uuid, stale, error))
    return -1;
  if (uuid == NULL)
    {
      gint64 indexed = 0, people = 0;

      if (!st_db_query_int64 (db, "SELECT count(*) FROM participant_search", &indexed, error)
          || !st_db_query_int64 (db, "SELECT count(*) FROM participants", &people, error))
        return -1;
      orphans = indexed > people;
    }
  else
    orphans = FALSE;
  if (stale->len == 0 && !orphans)
    return 0;

  if (!st_db_begin (db, error))
    return -1;
  /* What was read may have changed before the lock was taken: read again
   * inside the transaction. */
  g_array_set_size (stale, 0);
  if (!collect_stale (db, uuid, stale, error))
    goto fail;

  if (stale->len > 1000)
    {
      deferred = g_array_new (FALSE, FALSE, sizeof (Key));
      g_array_set_clear_func (deferred, (GDestroyNotify) key_clear);
    }
  for (guint i = 0; i < stale->len; i++)
    {
      if ((i & 1023) == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            goto fail;
          if (progress != NULL)
            progress ((double) i / stale->len, user_data);
        }
      if (!index_row (db, &g_array_index (stale, Stale, i), deferred, error))
        goto fail;
      if (deferred != NULL && deferred->len >= FLUSH_KEYS && !flush_keys (db, deferred, error))
        goto fail;
    }
  if (deferred != NULL && !flush_keys (db, deferred, error))
    goto fail;
  if (orphans && !forget_orphans (db, error))
    goto fail;
  if (!st_db_commit (db, error))
    return -1;
  if (progress != NULL)
    progress (1.0, user_data);
  g_debug ("search index: %u participants re-indexed", stale->len);
  return stale->len;

fail:
  st_db_rollback (db);
  return -1;
}

gint64
st_participant_search_refresh (StDb              *db,
                               GCancellable      *cancellable,
                               StSearchProgress   progress,
                               gpointer           user_data,
                               GError           **error)
{
  gint64 cache = 0;
  gint64 n;

  g_return_val_if_fail (ST_IS_DB (db), -1);
  if (!st_db_query_int64 (db, "PRAGMA cache_size", &cache, error))
    return -1;

  /* The refresh reads every participant once: caching those pages would
   * only cost the app memory it does not get back (16 MB at 100,000
   * people). */
  st_db_exec (db, "PRAGMA cache_size = -2000", NULL);
  n = refresh (db, NULL, cancellable, progress, user_data, error);
  {
    g_autofree char *restore = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT, cache);

    st_db_exec (db, restore, NULL);
  }
  return n;
}

gboolean
st_participant_search_refresh_one (StDb        *db,
                                   const char  *uuid,
                                   GError     **error)
{
  g_return_val_if_fail (ST_IS_DB (db), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  return refresh (db, uuid, NULL, NULL, NULL, error) >= 0;
}

gint64
st_participant_search_stale_count (StDb *db)
{
  gint64 n = -1;

  if (!st_db_query_int64 (db,
                 "SELECT count(*) FROM participants p LEFT JOIN participant_search s ON s.pid = p.rowid"
                 " WHERE" STALE_WHERE,
                 &n, NULL))
    return -1;
  return n;
}

gboolean
st_participant_search_is_current (StDb *db)
{
  g_autofree char *version = st_db_get_meta (db, "search_index_version");

  return g_strcmp0 (version, INDEX_VERSION) == 0 && st_participant_search_stale_count (db) == 0;
}
