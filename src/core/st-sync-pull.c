/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "st-failpoint.h"
#include "st-json-guard.h"
#include "st-participant.h"
#include "st-limits.h"
#include "st-sync.h"
#include "st-sync-private.h"
#include "st-sync-origin.h"
#include "st-sync-page.h"
#include "st-sync-pin.h"
#include "st-visit.h"

/* ------------------------------------------------------------------------ */
/* Pull                                                                     */

typedef struct
{
  GHashTable *tables;    /* name → TableInfo */
} Applier;

/* NULL for a table this version does not keep, and NULL with @error set
 * when its columns cannot be read. */
static TableInfo *
applier_table (Applier     *applier,
               StDb        *db,
               const char  *table,
               GError     **error)
{
  TableInfo *info = g_hash_table_lookup (applier->tables, table);

  if (info == NULL && st_sync_is_feed_table (table))
    {
      info = st_sync_table_info_new (db, table, error);
      if (info != NULL)
        g_hash_table_insert (applier->tables, info->table, info);
    }
  return info;
}

static void
bind_page_value (sqlite3_stmt    *stmt,
                 int              index,
                 const StPageValue *value)
{
  switch (value != NULL ? value->type : SQLITE_NULL)
    {
    case SQLITE_INTEGER:
      sqlite3_bind_int64 (stmt, index, value->integer);
      break;
    case SQLITE_FLOAT:
      sqlite3_bind_double (stmt, index, value->real);
      break;
    case SQLITE_TEXT:
      sqlite3_bind_text (stmt, index, value->text, -1, SQLITE_STATIC);
      break;
    default:
      sqlite3_bind_null (stmt, index);
      break;
    }
}

static gboolean
apply_entry (Applier          *applier,
             StDb             *db,
             const StPage     *page,
             const StPageEntry *entry,
             guint64          *high,
             gint64           *evicted,
             GError          **error)
{
  TableInfo *info;
  sqlite3_stmt *stmt;
  int rc, index = 1;

  if (!st_sync_is_feed_table (entry->table) || entry->row == NULL)
    return TRUE;   /* a table this version does not keep */
  info = applier_table (applier, db, entry->table, error);
  if (info == NULL)
    return FALSE;

  if (entry->evict)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE id = ?", info->table);

      stmt = st_db_prepare (db, sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, entry->row, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      (*evicted)++;
      return rc == SQLITE_DONE || st_db_set_error (db, rc, _("applying changes from the server"), error);
    }

  if (!entry->has_fields || entry->hlc <= 0)
    return TRUE;
  if ((guint64) entry->hlc > *high)
    *high = (guint64) entry->hlc;

  if (info->upsert == NULL)
    {
      int prepared = sqlite3_prepare_v3 (st_db_get_handle (db), info->upsert_sql, -1, SQLITE_PREPARE_PERSISTENT,
                                         &info->upsert, NULL);

      if (prepared != SQLITE_OK)
        return st_db_set_error (db, prepared, _("applying changes from the server"), error);
    }
  stmt = info->upsert;
  sqlite3_bind_text (stmt, index++, entry->row, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, index++, entry->hlc);
  sqlite3_bind_text (stmt, index++, entry->device, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, index++, entry->deleted);
  for (guint i = 0; i < info->columns->len; i++)
    {
      const char *column = g_ptr_array_index (info->columns, i);
      const StPageValue *value = st_page_entry_field (page, entry, column, i);

      if (info->review_items && g_str_equal (column, "data"))
        sqlite3_bind_text (stmt, index++, entry->fields_json, -1, SQLITE_STATIC);
      else if (info->review_items && value == NULL
               && (g_str_equal (column, "tbl") || g_str_equal (column, "row_id")))
        sqlite3_bind_text (stmt, index++, "", -1, SQLITE_STATIC);
      else if (info->review_items && value == NULL && g_str_equal (column, "resolved"))
        sqlite3_bind_int (stmt, index++, 0);
      else
        bind_page_value (stmt, index++, value);
    }
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      g_autofree char *what = g_strdup_printf (_("applying a change of %s from the server"), info->table);

      return st_db_set_error (db, rc, what, error);
    }
  return TRUE;
}

/* A scope that shrank: rows of townships no longer in it go. */
static gboolean
drop_out_of_scope (Applier     *applier,
                   StDb        *db,
                   JsonObject  *scope,
                   GError     **error)
{
  JsonArray *townships;
  g_autoptr(GString) list = g_string_new (NULL);

  if (scope == NULL || json_object_get_boolean_member_with_default (scope, "all_townships", FALSE))
    return TRUE;
  townships = json_object_get_array_member (scope, "townships");
  for (guint i = 0; townships != NULL && i < json_array_get_length (townships); i++)
    {
      const char *code = json_array_get_string_element (townships, i);
      char *quoted;

      if (code == NULL)
        continue;
      quoted = sqlite3_mprintf ("%Q", code);
      g_string_append_printf (list, "%s%s", list->len ? ", " : "", quoted);
      sqlite3_free (quoted);
    }
  for (guint i = 0; i < ST_SYNC_N_FEED_TABLES; i++)
    {
      TableInfo *info = applier_table (applier, db, st_sync_feed_tables[i], error);
      g_autofree char *sql = NULL;

      if (info == NULL)
        return FALSE;
      if (!info->scoped)
        continue;
      sql = g_strdup_printf ("DELETE FROM %s WHERE township_code IS NOT NULL AND township_code NOT IN (%s)",
                             st_sync_feed_tables[i], list->str);
      if (!st_db_exec (db, sql, error))
        return FALSE;
    }
  /* Review items about programs and majors (no township) are the
   * county's: a server before issue 16 sent them to every laptop. */
  return st_db_exec (db, "DELETE FROM review_items WHERE township_code IS NULL", error);
}

/* Pages are applied in groups, each group with the last page's cursor in
 * one transaction: as if the server had sent one larger page. A county's
 * first sync writes each index page once per group rather than once per
 * page (the random keys of attendance touch most of an index's pages in
 * every page of the feed); a group stays short enough that a clerk's edit
 * made meanwhile waits at most about a second. */
#define GROUP_MAX_ENTRIES 40000
#define GROUP_MAX_US      (G_USEC_PER_SEC)
/* A smaller page (an everyday sync's) is committed alone: grouping gains
 * nothing there, and the database is free between its pages. */
#define GROUP_MIN_PAGE    1000

typedef struct
{
  gboolean  open;          /* a transaction holds pages not committed yet */
  gint64    started;       /* monotonic time it began */
  guint     entries;       /* entries applied in it */
  gint64    pulled;        /* for the stats, once committed */
  gint64    evicted;
  guint64   high;          /* the highest clock seen in it */
} Group;

static gboolean
group_begin (Conn    *conn,
             Group   *group,
             GError **error)
{
  if (group->open)
    return TRUE;
  if (!st_db_begin (conn->db, error) || !st_sync_check_not_restored (conn, error))
    return FALSE;
  group->open = TRUE;
  group->started = g_get_monotonic_time ();
  group->entries = 0;
  group->pulled = group->evicted = 0;
  group->high = 0;
  return TRUE;
}

static void
group_rollback (Conn  *conn,
                Group *group)
{
  if (!group->open)
    return;
  st_db_triggers_restore (conn->db, NULL);
  st_db_set_applying_remote (conn->db, FALSE);
  st_db_rollback (conn->db);
  group->open = FALSE;
}

/* Commits the pages applied so far with the last one's cursor. */
static gboolean
group_commit (Conn    *conn,
              Group   *group,
              GError **error)
{
  StDb *db = conn->db;
  gboolean ok;

  if (!group->open)
    return TRUE;
  /* The triggers dropped for the group are back before anything is
   * committed: no other connection ever sees a table without them. */
  ok = st_db_triggers_restore (db, error);
  st_db_set_applying_remote (db, FALSE);
  if (ok && conn->offset_changed)
    {
      ok = st_sync_set_meta_int (db, "sync.clock_offset", st_hlc_get_offset (st_db_get_clock (db)), error);
      conn->offset_changed = FALSE;
    }
  if (ok && st_sync_crash_at (conn, "sync-pull-before-commit", error))
    ok = FALSE;
  if (!ok)
    {
      group_rollback (conn, group);
      return FALSE;
    }
  group->open = FALSE;
  if (!st_db_commit (db, error))
    return FALSE;
  st_hlc_observe (st_db_get_clock (db), group->high);
  if (conn->stats != NULL)
    {
      conn->stats->pulled += group->pulled;
      conn->stats->evicted += group->evicted;
    }
  return TRUE;
}

/* Applies @page and its cursor in the open group (begun here if none is);
 * the group is committed when it is large or old enough, or when @last. */
static gboolean
apply_page (Conn         *conn,
            Applier      *applier,
            Group        *group,
            const StPage *page,
            gboolean      from_start,
            gboolean      last,
            GError      **error)
{
  StDb *db = conn->db;
  guint64 high, seen_before;
  gint64 evicted = 0;
  gboolean ok;

  if (!group_begin (conn, group, error))
    return FALSE;
  high = seen_before = (guint64) st_sync_meta_int (db, "hlc_seen", 0);
  st_db_set_applying_remote (db, TRUE);
  ok = TRUE;
  /* The feed read from its beginning (a new account on this laptop, or a
   * scope that changed) holds everything in scope: rows of other townships
   * are another account's and go. */
  if (from_start || page->reset)
    ok = drop_out_of_scope (applier, db, page->scope, error);
  /* The server dropped what this laptop had not seen yet (a compaction
   * since its last sync): it starts again from an empty copy, keeping
   * only its own changes not sent yet. */
  if (ok && page->rebuild)
    {
      g_message ("the server has compacted its feed since this laptop last synced: reading it again from the beginning");
      ok = st_sync_drop_synced (db, error);
    }
  if (ok && page->server != NULL && !st_sync_has_meta (db, "sync.server_id"))
    ok = st_sync_origin_store (db, page->server, error);
  /* The triggers of the tables written go for the group: they do nothing
   * while applying, but cost each INSERT a statement journal. */
  for (guint i = 0, prev = 0; ok && i < page->entries->len; i++)
    {
      const StPageEntry *entry = &g_array_index (page->entries, StPageEntry, i);

      if ((i == 0 || strcmp (entry->table, g_array_index (page->entries, StPageEntry, prev).table) != 0)
          && st_sync_is_feed_table (entry->table))
        ok = applier_table (applier, db, entry->table, error) != NULL
             && st_db_triggers_suspend (db, entry->table, error);
      prev = i;
    }
  for (guint i = 0; ok && i < page->entries->len; i++)
    ok = apply_entry (applier, db, page, &g_array_index (page->entries, StPageEntry, i), &high, &evicted, error);

  ok = ok && st_db_set_meta (db, "sync.cursor", page->cursor, error);
  if (ok && high != seen_before)
    ok = st_sync_set_meta_int (db, "hlc_seen", (gint64) high, error);
  if (ok && page->scope != NULL)
    {
      JsonArray *townships = json_object_get_array_member (page->scope, "townships");
      g_autofree char *text = townships != NULL ? st_sync_json_text_from_array (townships) : g_strdup ("[]");

      ok = st_db_set_meta (db, "sync.townships", text, error)
           && st_db_set_meta (db, "sync.all_townships",
                              json_object_get_boolean_member_with_default (page->scope, "all_townships", FALSE) ? "1" : "0",
                              error);
    }
  if (!ok)
    {
      group_rollback (conn, group);
      return FALSE;
    }
  group->entries += page->entries->len;
  group->pulled += page->entries->len - evicted;
  group->evicted += evicted;
  group->high = MAX (group->high, high);
  if (last || page->entries->len < GROUP_MIN_PAGE || group->entries >= GROUP_MAX_ENTRIES
      || g_get_monotonic_time () - group->started >= GROUP_MAX_US)
    return group_commit (conn, group, error);
  return TRUE;
}

/* The next page is fetched (and parsed) in a thread of its own while this
 * one is applied: the server, the network and the parser work while SQLite
 * writes. The fetch only needs the cursor of the page before, which the
 * answer carries; the page is still applied with its cursor in one
 * transaction. */
typedef struct
{
  Conn         conn;      /* a copy with its own session, random generator and counters */
  StSyncStats  stats;
  char        *path;
  Reply        reply;
  StPage      *page;
  gboolean     ok;
  GError      *error;
  GThread     *thread;
} Fetch;

/* Gets a page: a 200 answer is read into @page (st_page_read ()); any
 * other answer stays in @reply. */
static gboolean
fetch_page (Conn        *conn,
            const char  *path,
            Reply       *reply,
            StPage     **page,
            GError     **error)
{
  reply->raw = TRUE;
  if (!st_sync_request (conn, "GET", path, NULL, FALSE, TRUE, reply, error))
    return FALSE;
  if (reply->status != SOUP_STATUS_OK)
    return TRUE;
  *page = st_page_read (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body), error);
  st_sync_reply_clear (reply);
  return *page != NULL;
}

static gpointer
fetch_run (gpointer data)
{
  Fetch *fetch = data;

  fetch->ok = fetch_page (&fetch->conn, fetch->path, &fetch->reply, &fetch->page, &fetch->error);
  return NULL;
}

static char *
pull_path (Conn       *conn,
           const char *cursor,
           gboolean    fresh)
{
  g_autofree char *escaped = cursor != NULL ? g_uri_escape_string (cursor, NULL, FALSE) : NULL;

  return g_strdup_printf ("/api/v1/pull?limit=%u%s%s%s", conn->options.pull_limit,
                          escaped != NULL ? "&cursor=" : "", escaped != NULL ? escaped : "",
                          fresh && escaped == NULL ? "&fresh=1" : "");
}

static Fetch *
fetch_start (Conn       *conn,
             const char *cursor)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  st_sync_conn_copy_for_thread (&fetch->conn, conn, &fetch->stats);
  fetch->path = pull_path (conn, cursor, FALSE);
  fetch->thread = g_thread_new ("st-sync-fetch", fetch_run, fetch);
  return fetch;
}

/* Waits for the fetch; its answer moves to @reply and @page. */
static gboolean
fetch_finish (Fetch   *fetch,
              Conn    *conn,
              Reply   *reply,
              StPage **page,
              GError **error)
{
  gboolean ok;

  g_thread_join (fetch->thread);
  ok = fetch->ok;
  if (ok)
    {
      *reply = fetch->reply;
      *page = fetch->page;
    }
  else
    {
      st_sync_reply_clear (&fetch->reply);
      st_page_free (fetch->page);
      g_propagate_error (error, g_steal_pointer (&fetch->error));
    }
  st_sync_conn_merge_from_thread (conn, &fetch->conn, &fetch->stats);
  g_clear_error (&fetch->error);
  g_free (fetch->path);
  g_free (fetch);
  return ok;
}

gboolean
st_sync_pull (Conn    *conn,
              GError **error)
{
  Applier applier = { g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) st_sync_table_info_free) };
  Group group = { 0 };
  Fetch *next = NULL;
  gboolean from_start;
  gint64 done = 0;
  gboolean more = TRUE;
  gboolean ok = TRUE;

  {
    g_autofree char *cursor = st_db_get_meta (conn->db, "sync.cursor");

    from_start = cursor == NULL;
  }
  st_sync_report (conn, ST_SYNC_PHASE_PULLING, 0, -1);
  /* What a pull writes can be pulled again: a page lost to a power cut
   * (possible with NORMAL in WAL mode; never a damaged file) went with its
   * cursor, so the next sync fetches it again. Local edits keep FULL. */
  st_db_exec (conn->db, "PRAGMA synchronous = NORMAL", NULL);
  /* A county's first sync writes hundreds of megabytes: index pages stay
   * in a larger cache, and the WAL is folded into the database every
   * 64 MB instead of every 4 MB (each fold rewrote the same index pages).
   * About a quarter faster at 350,000 rows. */
  st_db_exec (conn->db, "PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 16000", NULL);
  while (ok && more)
    {
      Reply reply = { 0 };
      StPage *page = NULL;

      if (g_cancellable_is_cancelled (conn->cancellable))
        {
          g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CANCELLED, _("Cancelled"));
          ok = FALSE;
          break;
        }
      if (next != NULL)
        {
          ok = fetch_finish (next, conn, &reply, &page, error);
          next = NULL;
        }
      else
        {
          g_autofree char *cursor = st_db_get_meta (conn->db, "sync.cursor");
          gboolean fresh = FALSE;
          g_autofree char *path = NULL;

          /* A laptop with no synced row needs no tombstone (protocol 2). */
          if (cursor == NULL && conn->server_protocol >= 2)
            {
              int has = st_sync_has_synced_rows (conn->db, error);

              ok = has >= 0;
              fresh = has == 0;
            }
          path = pull_path (conn, cursor, fresh);
          ok = ok && fetch_page (conn, path, &reply, &page, error);
        }
      if (ok && reply.status == 400 && g_strcmp0 (reply.code, "invalid_cursor") == 0)
        {
          /* Not a cursor this server issued (it was replaced or restored):
           * read the feed from the beginning; applying rows we have is
           * harmless. */
          g_message ("the server does not know this laptop's place in its feed: reading it from the beginning");
          st_sync_reply_clear (&reply);
          ok = group_commit (conn, &group, error)
               && st_db_begin (conn->db, error) && st_db_set_meta (conn->db, "sync.cursor", NULL, error)
               && st_db_commit (conn->db, error);
          from_start = TRUE;
          continue;
        }
      if (ok && reply.status != SOUP_STATUS_OK)
        {
          st_sync_set_http_error (&reply, error);
          ok = FALSE;
        }
      if (ok && st_sync_origin_changed (conn->db, page->server))
        {
          /* The server was restored from a backup: first send again what
           * it may have lost (st_sync_run ()), then read it afresh. */
          g_message ("the server was restored from a backup or replaced since the last sync");
          conn->origin_changed = TRUE;
          st_page_free (page);
          st_sync_reply_clear (&reply);
          break;
        }
      if (ok && page->more)
        next = fetch_start (conn, page->cursor);
      if (ok)
        {
          ok = apply_page (conn, &applier, &group, page, from_start, !page->more, error);
          from_start = FALSE;
          more = page->more;
        }
      if (ok)
        {
          done += page->entries->len;
          st_sync_report (conn, ST_SYNC_PHASE_PULLING, done, -1);
        }
      st_page_free (page);
      st_sync_reply_clear (&reply);
    }
  if (next != NULL)
    {
      Reply ignored = { 0 };
      StPage *unused = NULL;

      fetch_finish (next, conn, &ignored, &unused, NULL);
      st_page_free (unused);
      st_sync_reply_clear (&ignored);
    }
  /* Pages applied before a failure to fetch the next one, a cancel or a
   * restored server stay applied, as if each had been committed alone. */
  if (group.open)
    {
      g_autoptr(GError) commit_error = NULL;

      if (!group_commit (conn, &group, ok ? error : &commit_error))
        ok = FALSE;
    }
  g_hash_table_unref (applier.tables);
  st_db_exec (conn->db, "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000; PRAGMA cache_size = -16000", NULL);
  if (done > 10000)
    st_db_exec (conn->db, "PRAGMA wal_checkpoint (PASSIVE)", NULL);
  return ok;
}

/* Pages that came another way than a request (a reply of sync by file,
 * st-bundle.c), applied exactly as the pull applies those it fetches: in
 * groups, each with its cursor; @pages are StPage *. */
gboolean
st_sync_apply_pages (Conn       *conn,
                     GPtrArray  *pages,
                     GError    **error)
{
  Applier applier = { g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) st_sync_table_info_free) };
  Group group = { 0 };
  gboolean from_start;
  gboolean ok = TRUE;

  {
    g_autofree char *cursor = st_db_get_meta (conn->db, "sync.cursor");

    from_start = cursor == NULL;
  }
  for (guint i = 0; ok && i < pages->len; i++)
    {
      const StPage *page = g_ptr_array_index (pages, i);

      ok = apply_page (conn, &applier, &group, page, from_start, i + 1 == pages->len, error);
      from_start = FALSE;
    }
  if (group.open)
    {
      g_autoptr(GError) commit_error = NULL;

      if (!group_commit (conn, &group, ok ? error : &commit_error))
        ok = FALSE;
    }
  g_hash_table_unref (applier.tables);
  return ok;
}
