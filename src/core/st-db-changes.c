/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which tables a commit changed, told to whoever follows the database
 * (st_db_follow_changes ()): every connection of the process to the same
 * file notes the tables its statements write (sqlite3_update_hook) and,
 * when they are committed, hands them to the followers, each in its own
 * main context. A sync pull commits through its own connection, so it is
 * announced the same way. Writes by other processes are not seen. */
#define G_LOG_DOMAIN "st-db"

#include "config.h"

#include <string.h>

#include "st-db-changes.h"

struct _StDbChanges
{
  StDb         *db;        /* not owned: the changes live as long as it */
  char         *path;
  GHashTable   *written;   /* tables written in the open transaction (this connection's thread) */
  const char   *last;      /* the table added last: most writes repeat it */

  /* Following: guarded by the lock. */
  GMainContext *context;
  GHashTable   *pending;   /* tables committed, not yet announced */
  guint         idle;
};

static GMutex lock;
static GPtrArray *followers;   /* StDbChanges that follow */

static void
on_update (void          *data,
           int            op,
           const char    *database,
           const char    *table,
           sqlite3_int64  rowid)
{
  StDbChanges *self = data;
  gpointer key = NULL;

  /* A row at a time: most writes repeat the last table. */
  if (self->last != NULL && strcmp (self->last, table) == 0)
    return;
  if (!g_hash_table_lookup_extended (self->written, table, &key, NULL))
    {
      key = g_strdup (table);
      g_hash_table_add (self->written, key);
    }
  /* The set's own copy, kept until the set is emptied. */
  self->last = key;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static gboolean
announce (gpointer data)
{
  StDbChanges *self = data;
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer table;

  g_mutex_lock (&lock);
  self->idle = 0;
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &table, NULL))
    {
      g_ptr_array_add (tables, table);
      g_hash_table_iter_steal (&iter);
    }
  g_mutex_unlock (&lock);
  if (tables->len == 0)
    return G_SOURCE_REMOVE;
  g_ptr_array_sort (tables, compare_names);
  g_ptr_array_add (tables, NULL);
  g_debug ("tables changed: %u", tables->len - 1);
  st_db_emit_tables_changed (self->db, (const char * const *) tables->pdata);
  return G_SOURCE_REMOVE;
}

static int
on_commit (void *data)
{
  StDbChanges *self = data;
  GHashTableIter iter;
  gpointer table;

  self->last = NULL;
  if (g_hash_table_size (self->written) == 0)
    return 0;
  g_mutex_lock (&lock);
  for (guint i = 0; followers != NULL && i < followers->len; i++)
    {
      StDbChanges *follower = g_ptr_array_index (followers, i);

      if (strcmp (follower->path, self->path) != 0)
        continue;
      g_hash_table_iter_init (&iter, self->written);
      while (g_hash_table_iter_next (&iter, &table, NULL))
        g_hash_table_add (follower->pending, g_strdup (table));
      if (follower->idle == 0)
        {
          GSource *source = g_idle_source_new ();

          g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
          g_source_set_callback (source, announce, follower, NULL);
          g_source_set_static_name (source, "[st-db] tables changed");
          follower->idle = g_source_attach (source, follower->context);
          g_source_unref (source);
        }
    }
  g_mutex_unlock (&lock);
  g_hash_table_remove_all (self->written);
  return 0;
}

static void
on_rollback (void *data)
{
  StDbChanges *self = data;

  self->last = NULL;
  g_hash_table_remove_all (self->written);
}

StDbChanges *
st_db_changes_new (StDb *db)
{
  StDbChanges *self = g_new0 (StDbChanges, 1);
  sqlite3 *handle = st_db_get_handle (db);

  self->db = db;
  self->path = g_strdup (st_db_get_path (db));
  self->written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_update_hook (handle, on_update, self);
  sqlite3_commit_hook (handle, on_commit, self);
  sqlite3_rollback_hook (handle, on_rollback, self);
  return self;
}

void
st_db_changes_follow (StDbChanges *self)
{
  g_mutex_lock (&lock);
  if (self->context == NULL)
    {
      self->context = g_main_context_ref_thread_default ();
      if (followers == NULL)
        followers = g_ptr_array_new ();
      g_ptr_array_add (followers, self);
    }
  g_mutex_unlock (&lock);
}

void
st_db_changes_free (StDbChanges *self)
{
  sqlite3 *handle;

  if (self == NULL)
    return;
  handle = st_db_get_handle (self->db);
  if (handle != NULL)
    {
      sqlite3_update_hook (handle, NULL, NULL);
      sqlite3_commit_hook (handle, NULL, NULL);
      sqlite3_rollback_hook (handle, NULL, NULL);
    }
  g_mutex_lock (&lock);
  if (followers != NULL)
    g_ptr_array_remove (followers, self);
  if (self->idle != 0)
    {
      GSource *source = g_main_context_find_source_by_id (self->context, self->idle);

      if (source != NULL)
        g_source_destroy (source);
    }
  g_mutex_unlock (&lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_hash_table_unref (self->written);
  g_hash_table_unref (self->pending);
  g_free (self->path);
  g_free (self);
}
