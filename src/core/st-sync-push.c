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

/* How close to the server's time a stamp must be (the server refuses more
 * than --max-clock-skew, 5 minutes by default, ahead of its clock). */
#define FUTURE_MARGIN_MS (60 * 1000)

/* ------------------------------------------------------------------------ */
/* Restamping changes a wrong system date put into the future               */

gboolean
st_sync_restamp_future (Conn    *conn,
                        GError **error)
{
  StDb *db = conn->db;
  StHlc *clock = st_db_get_clock (db);
  gint64 server_now = st_hlc_physical (clock) + st_hlc_get_offset (clock);
  guint64 limit = ST_HLC_PACK (server_now + FUTURE_MARGIN_MS, 0);
  g_autoptr(GHashTable) renamed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  sqlite3_stmt *stmt;
  guint64 high = 0;
  gboolean ok;

  g_message ("the server refused clock stamps in its future: restamping this laptop's unsent changes");
  if (!st_db_begin (db, error) || !st_sync_check_not_restored (conn, error))
    return FALSE;

  /* Every stamp this laptop legitimately has, the new ones must exceed. */
  stmt = st_db_prepare (db, "SELECT max(hlc) FROM audit_log WHERE hlc < ?", error);
  ok = stmt != NULL;
  if (ok)
    {
      int rc;

      sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) limit);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        high = (guint64) sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        ok = st_db_set_error (db, rc, _("restamping changes"), error);
    }
  {
    guint64 seen = (guint64) st_sync_meta_int (db, "hlc_seen", 0);

    if (seen < limit)
      high = MAX (high, seen);
  }
  st_hlc_reset (clock, high);

  stmt = ok ? st_db_prepare (db,
                             "SELECT a.id, a.tbl, a.row_id, a.hlc, a.base_hlc FROM outbox o"
                             " JOIN audit_log a ON a.id = o.audit_id WHERE a.hlc >= ? ORDER BY a.id",
                             error) : NULL;
  ok = stmt != NULL;
  if (ok)
    {
      g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func (g_free);
      int rc = SQLITE_DONE;

      sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) limit);
      st_db_set_applying_remote (db, TRUE);
      while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          const char *table = (const char *) sqlite3_column_text (stmt, 1);
          const char *row = (const char *) sqlite3_column_text (stmt, 2);
          gint64 old_hlc = sqlite3_column_int64 (stmt, 3);
          gint64 base = sqlite3_column_int64 (stmt, 4);
          gboolean has_base = sqlite3_column_type (stmt, 4) != SQLITE_NULL;
          gint64 new_hlc = (gint64) st_hlc_next (clock);
          gint64 *mapped = has_base ? g_hash_table_lookup (renamed, &base) : NULL;
          g_autofree char *sql = NULL;
          sqlite3_stmt *update;

          if (!st_sync_is_feed_table (table))
            continue;
          if (mapped != NULL)
            base = *mapped;
          g_hash_table_insert (renamed, g_memdup2 (&old_hlc, sizeof old_hlc), g_memdup2 (&new_hlc, sizeof new_hlc));
          if (has_base)
            g_ptr_array_add (updates, g_strdup_printf ("UPDATE audit_log SET hlc = %" G_GINT64_FORMAT
                                                       ", base_hlc = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT,
                                                       new_hlc, base, id));
          else
            g_ptr_array_add (updates, g_strdup_printf ("UPDATE audit_log SET hlc = %" G_GINT64_FORMAT
                                                       " WHERE id = %" G_GINT64_FORMAT, new_hlc, id));
          sql = g_strdup_printf ("UPDATE %s SET hlc = ? WHERE id = ? AND hlc = ?", table);
          update = st_db_prepare (db, sql, error);
          ok = update != NULL;
          if (ok)
            {
              sqlite3_bind_int64 (update, 1, new_hlc);
              sqlite3_bind_text (update, 2, row, -1, SQLITE_TRANSIENT);
              sqlite3_bind_int64 (update, 3, old_hlc);
              ok = sqlite3_step (update) == SQLITE_DONE || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)),
                                                                           _("restamping changes"), error);
              sqlite3_reset (update);
            }
        }
      sqlite3_reset (stmt);
      /* An unreadable outbox is not an outbox restamped. */
      if (ok && rc != SQLITE_DONE)
        ok = st_db_set_error (db, rc, _("restamping changes"), error);
      for (guint i = 0; ok && i < updates->len; i++)
        ok = st_db_exec (db, g_ptr_array_index (updates, i), error);
      st_db_set_applying_remote (db, FALSE);
    }
  {
    g_autofree char *offset = g_strdup_printf ("%" G_GINT64_FORMAT, st_hlc_get_offset (clock));

    ok = ok && st_db_set_meta (db, "sync.clock_offset", offset, error)
         && st_sync_set_meta_int (db, "hlc_seen", (gint64) high, error);
  }
  if (ok)
    return st_db_commit (db, error);
  st_db_rollback (db);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Push                                                                     */


/* Before the first push: is this laptop's memory of what it sent behind
 * the server's (restored from a backup)? Then its sequence numbers may be
 * reused: push under a new epoch. */
gboolean
st_sync_check_device (Conn    *conn,
                      GError **error)
{
  Reply reply = { 0 };
  JsonObject *device;
  gint64 epoch = st_sync_meta_int (conn->db, "sync.epoch", 0);
  gint64 new_epoch = epoch;

  JsonObject *origin;
  gboolean origin_changed;
  gint64 replay_after = -1;

  if (!st_sync_request (conn, "GET", "/api/v1/device", NULL, FALSE, TRUE, &reply, error))
    return FALSE;
  if (reply.status != 200)
    {
      st_sync_set_http_error (&reply, error);
      st_sync_reply_clear (&reply);
      return FALSE;
    }
  if (!st_sync_check_server_schema (conn, error))
    {
      st_sync_reply_clear (&reply);
      return FALSE;
    }
  origin = json_object_get_object_member (reply.object, "server");
  origin_changed = st_sync_origin_changed (conn->db, origin) || conn->origin_changed;
  device = json_object_get_object_member (reply.object, "device");
  if (device != NULL)
    {
      gint64 server_epoch = json_object_get_int_member_with_default (device, "epoch", 0);
      gint64 acked = json_object_get_int_member_with_default (device, "acked_seq", 0);
      gint64 high = 0;

      if (!st_db_query_int64 (conn->db, "SELECT max(id) FROM audit_log", &high, error))
        {
          st_sync_reply_clear (&reply);
          return FALSE;
        }
      if (server_epoch > epoch)
        new_epoch = server_epoch + 1;
      else if (server_epoch == epoch && high < acked)
        new_epoch = epoch + 1;
      /* The server was restored from a backup (or is another database):
       * what it acknowledged since that backup is gone. It still has what
       * it acknowledged up to acked_seq of this epoch; the rest of this
       * laptop's history goes again (the server knows a change it has by
       * its row, device and clock: nothing is applied twice). */
      if (origin_changed)
        replay_after = server_epoch == epoch && new_epoch == epoch ? acked : 0;
    }
  else if (origin_changed)
    replay_after = 0;
  if (new_epoch != epoch || replay_after >= 0
      || (origin != NULL && !st_sync_has_meta (conn->db, "sync.server_id")))
    {
      gboolean ok;

      if (new_epoch != epoch)
        g_message ("this laptop's database is older than what the server has from it (restored from a backup?):"
                   " sending under epoch %" G_GINT64_FORMAT, new_epoch);
      if (!st_db_begin (conn->db, error) || !st_sync_check_not_restored (conn, error))
        {
          st_sync_reply_clear (&reply);
          return FALSE;
        }
      ok = new_epoch == epoch || st_sync_set_meta_int (conn->db, "sync.epoch", new_epoch, error);
      if (ok && replay_after >= 0)
        {
          gint64 queued = st_sync_requeue_own (conn->db, replay_after, error);

          ok = queued >= 0;
          if (ok)
            g_message ("the server was restored from a backup: sending again %" G_GINT64_FORMAT
                       " changes of this laptop it may have lost", queued);
        }
      ok = ok && st_sync_origin_store (conn->db, origin, error);
      st_sync_reply_clear (&reply);
      if (!ok)
        {
          st_db_rollback (conn->db);
          return FALSE;
        }
      if (!st_db_commit (conn->db, error))
        return FALSE;
      conn->origin_changed = FALSE;
      return TRUE;
    }
  st_sync_reply_clear (&reply);
  return TRUE;
}

/* The next batch of the outbox after @after, as a push body. */
GBytes *
st_sync_build_batch (Conn     *conn,
                     gint64    after,
                     guint     max_changes,
                     gint64   *last_seq,
                     guint    *n_changes,
                     GError  **error)
{
  sqlite3_stmt *stmt = st_db_prepare (conn->db,
                                      "SELECT a.id, a.tbl, a.row_id, a.op, a.hlc, a.base_hlc, a.new"
                                      " FROM outbox o JOIN audit_log a ON a.id = o.audit_id"
                                      " WHERE o.audit_id > ? ORDER BY o.audit_id LIMIT ?",
                                      error);
  GString *body;
  guint n = 0;
  int rc;

  if (stmt == NULL)
    return NULL;
  body = g_string_sized_new (64 * 1024);
  g_string_append_printf (body, "{\"epoch\":%" G_GINT64_FORMAT ",\"changes\":[", st_sync_meta_int (conn->db, "sync.epoch", 0));
  sqlite3_bind_int64 (stmt, 1, after);
  sqlite3_bind_int (stmt, 2, (int) max_changes);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 1);
      const char *fields = (const char *) sqlite3_column_text (stmt, 6);

      /* A change that would take the batch over its size waits for the
       * next one: so a change larger than a batch goes alone, and a server
       * that refuses it (413) refuses nothing else with it. */
      if (n > 0 && body->len + (fields != NULL ? strlen (fields) : 0) > conn->options.max_batch_bytes)
        break;
      *last_seq = sqlite3_column_int64 (stmt, 0);
      g_string_append_printf (body, "%s{\"seq\":%" G_GINT64_FORMAT ",\"table\":\"%s\",\"row\":\"%s\",\"kind\":\"%s\","
                              "\"hlc\":%" G_GINT64_FORMAT ",\"base_hlc\":",
                              n ? "," : "", *last_seq, table, sqlite3_column_text (stmt, 2),
                              sqlite3_column_text (stmt, 3), (gint64) sqlite3_column_int64 (stmt, 4));
      if (sqlite3_column_type (stmt, 5) == SQLITE_NULL)
        g_string_append (body, "null");
      else
        g_string_append_printf (body, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 5));
      g_string_append_printf (body, ",\"fields\":%s}", fields != NULL ? fields : "{}");
      n++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      g_string_free (body, TRUE);
      st_db_set_error (conn->db, rc, _("reading the changes to send"), error);
      return NULL;
    }
  g_string_append (body, "]}");
  *n_changes = n;
  return g_string_free_to_bytes (body);
}

/* A change the server refused is kept for the clerk to see, and undone
 * here so that this laptop shows what the server holds, unless @keep: a
 * change refused for good for what it holds (too large, a value the server
 * does not take) keeps its values on this laptop, to be dealt with. */
static gboolean
refuse_change (Conn        *conn,
               gint64       seq,
               JsonObject  *result,
               gboolean     keep,
               GError     **error)
{
  StDb *db = conn->db;
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT tbl, row_id, op, hlc, base_hlc, old, base_device FROM audit_log WHERE id = ?",
                                      error);
  g_autofree char *table = NULL;
  g_autofree char *row = NULL;
  g_autofree char *op = NULL;
  g_autofree char *old = NULL;
  g_autofree char *township = NULL;
  g_autofree char *label = NULL;
  g_autofree char *base_device = NULL;
  gint64 hlc = 0, base = 0;
  gboolean ok = TRUE;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      table = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      op = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      hlc = sqlite3_column_int64 (stmt, 3);
      base = sqlite3_column_int64 (stmt, 4);
      old = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      base_device = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("saving a refused change"), error);
  if (table == NULL || !st_sync_is_feed_table (table))
    return TRUE;

  {
    g_autofree char *sql = g_strdup_printf ("SELECT township_code FROM %s WHERE id = ?", table);
    sqlite3_stmt *q = g_str_equal (table, "programs") || g_str_equal (table, "majors")
                      ? NULL : st_db_prepare (db, sql, NULL);

    if (q != NULL)
      {
        sqlite3_bind_text (q, 1, row, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step (q);
        if (rc == SQLITE_ROW && sqlite3_column_type (q, 0) != SQLITE_NULL)
          township = g_strdup ((const char *) sqlite3_column_text (q, 0));
        sqlite3_reset (q);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
          return st_db_set_error (db, rc, _("saving a refused change"), error);
      }
  }

  label = st_sync_row_label (db, table, row);
  stmt = st_db_prepare (db,
                        "INSERT INTO sync_refusals (at, seq, tbl, row_id, township_code, status, code, message, label)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / 1000);
  sqlite3_bind_int64 (stmt, 2, seq);
  sqlite3_bind_text (stmt, 3, table, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, row, -1, SQLITE_TRANSIENT);
  st_db_bind_text (stmt, 5, township);
  sqlite3_bind_int64 (stmt, 6, json_object_get_int_member_with_default (result, "status", 403));
  sqlite3_bind_text (stmt, 7, json_object_get_string_member_with_default (result, "code", "refused"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, json_object_get_string_member_with_default (result, "message", ""), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, label, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    ok = st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("saving a refused change"), error);
  sqlite3_reset (stmt);
  if (!ok || keep)
    return ok;

  /* Undo it, unless a later change of this laptop is on top. */
  st_db_set_applying_remote (db, TRUE);
  if (g_strcmp0 (op, "insert") == 0)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE id = ? AND hlc = ?", table);

      stmt = st_db_prepare (db, sql, error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, row, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 2, hlc);
          ok = sqlite3_step (stmt) == SQLITE_DONE
               || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("undoing a refused change"), error);
          sqlite3_reset (stmt);
        }
    }
  else if (old != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(TableInfo) info = NULL;

      if (st_json_parser_load (parser, old, -1, NULL) && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *values = json_node_get_object (json_parser_get_root (parser));
          g_autoptr(GString) sql = g_string_new (NULL);
          g_autoptr(GPtrArray) bound = g_ptr_array_new ();
          GList *members = json_object_get_members (values);

          info = st_sync_table_info_new (db, table, error);
          if (info == NULL)
            {
              g_list_free (members);
              st_db_set_applying_remote (db, FALSE);
              return FALSE;
            }
          g_string_append_printf (sql, "UPDATE %s SET hlc = ?, device = ?", table);
          for (GList *l = members; l != NULL; l = l->next)
            {
              gboolean known = g_str_equal (l->data, "deleted");

              for (guint i = 0; !known && i < info->columns->len; i++)
                known = g_str_equal (g_ptr_array_index (info->columns, i), l->data);
              if (!known)
                continue;
              g_string_append_printf (sql, ", %s = ?", (const char *) l->data);
              g_ptr_array_add (bound, l->data);
            }
          g_string_append (sql, " WHERE id = ? AND hlc = ?");
          stmt = st_db_prepare (db, sql->str, error);
          ok = stmt != NULL;
          if (ok)
            {
              int index = 1;

              sqlite3_bind_int64 (stmt, index++, base);
              /* The clock the server holds: the row's before this change. */
              sqlite3_bind_text (stmt, index++, base_device != NULL ? base_device : "", -1, SQLITE_TRANSIENT);
              for (guint i = 0; i < bound->len; i++)
                st_sync_bind_json (stmt, index++, json_object_get_member (values, g_ptr_array_index (bound, i)));
              sqlite3_bind_text (stmt, index++, row, -1, SQLITE_TRANSIENT);
              sqlite3_bind_int64 (stmt, index++, hlc);
              ok = sqlite3_step (stmt) == SQLITE_DONE
                   || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("undoing a refused change"), error);
              sqlite3_reset (stmt);
            }
          g_list_free (members);
        }
    }
  st_db_set_applying_remote (db, FALSE);
  return ok;
}

/* Applies the per-change results of a push: every result acknowledges its
 * change, in one transaction. */
gboolean
st_sync_acknowledge (Conn       *conn,
                     JsonArray  *results,
                     GError    **error)
{
  StDb *db = conn->db;
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!st_db_begin (db, error) || !st_sync_check_not_restored (conn, error))
    return FALSE;
  stmt = st_db_prepare (db, "DELETE FROM outbox WHERE audit_id = ?", error);
  ok = stmt != NULL;
  for (guint i = 0; ok && i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      const char *what = result != NULL ? json_object_get_string_member_with_default (result, "result", "") : "";
      gint64 seq = result != NULL ? json_object_get_int_member_with_default (result, "seq", -1) : -1;

      /* A change refused before, whose answer was lost (a retried
       * request): the refusal all the same, as the server kept it. */
      if (g_str_equal (what, "duplicate")
          && g_strcmp0 (json_object_get_string_member_with_default (result, "original", NULL), "rejected") == 0)
        what = "rejected";

      if (seq < 0)
        continue;
      if (g_str_equal (what, "rejected") && g_strcmp0 (json_object_get_string_member_with_default (result, "code", NULL),
                                                       "unknown_row") == 0)
        {
          /* The server does not have the row this change updates (it lost
           * it, or never got it): send it again whole. */
            {
              sqlite3_stmt *q = st_db_prepare (db, "SELECT tbl, row_id FROM audit_log WHERE id = ?", error);
              g_autofree char *table = NULL;
              g_autofree char *row = NULL;

              ok = q != NULL;
              if (ok)
                {
                  int rc;

                  sqlite3_bind_int64 (q, 1, seq);
                  rc = sqlite3_step (q);
                  if (rc == SQLITE_ROW)
                    {
                      table = g_strdup ((const char *) sqlite3_column_text (q, 0));
                      row = g_strdup ((const char *) sqlite3_column_text (q, 1));
                    }
                  sqlite3_reset (q);
                  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                    ok = st_db_set_error (db, rc, _("saving a change to send"), error);
                }
              if (ok && table != NULL && st_sync_is_feed_table (table) && !g_str_equal (table, "review_items"))
                {
                  g_autoptr(TableInfo) info = st_sync_table_info_new (db, table, error);
                  g_autoptr(GString) object = g_string_new ("json_object ('deleted', deleted");
                  g_autofree char *sql = NULL;

                  ok = info != NULL;
                  for (guint c = 0; ok && c < info->columns->len; c++)
                    g_string_append_printf (object, ", '%s', %s", (char *) g_ptr_array_index (info->columns, c),
                                            (char *) g_ptr_array_index (info->columns, c));
                  g_string_append (object, ")");
                  sql = !ok ? NULL : g_strdup_printf ("INSERT INTO audit_log (at, actor, device, tbl, row_id, op, hlc, base_hlc, old, new)"
                                         " SELECT st_now_ms (), st_actor (), st_device (), '%s', id, 'insert', hlc, NULL, NULL, %s"
                                         " FROM %s WHERE id = ?", table, object->str, table);
                  q = ok ? st_db_prepare (db, sql, error) : NULL;
                  ok = q != NULL;
                  if (ok)
                    {
                      sqlite3_bind_text (q, 1, row, -1, SQLITE_TRANSIENT);
                      ok = sqlite3_step (q) == SQLITE_DONE
                           || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("saving a change to send"), error);
                      sqlite3_reset (q);
                    }
                  ok = ok && st_db_exec (db, "INSERT INTO outbox (audit_id) SELECT last_insert_rowid () WHERE changes () > 0", error);
                }
            }
        }
      else if (g_str_equal (what, "rejected"))
        {
          if (conn->stats != NULL)
            conn->stats->rejected++;
          ok = refuse_change (conn, seq, result, FALSE, error);
        }
      else if (conn->stats != NULL)
        {
          if (g_str_equal (what, "applied"))
            conn->stats->applied++;
          else if (g_str_equal (what, "duplicate"))
            conn->stats->duplicates++;
          else if (g_str_equal (what, "conflict"))
            conn->stats->conflicts++;
        }
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, seq);
          ok = sqlite3_step (stmt) == SQLITE_DONE
               || st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("acknowledging sent changes"), error);
          sqlite3_reset (stmt);
          if (conn->stats != NULL)
            conn->stats->pushed++;
        }
    }
  if (ok && st_sync_crash_at (conn, "sync-push-before-ack", error))
    ok = FALSE;
  if (ok)
    return st_db_commit (db, error);
  st_db_rollback (db);
  return FALSE;
}

static gint64
query_int_2 (StDb       *db,
             const char *sql,
             gint64      a,
             gint64      b)
{
  sqlite3_stmt *stmt = st_db_prepare (db, sql, NULL);
  gint64 value = -1;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

/* A request the server refuses for what its changes hold
 * (docs/sync-protocol.md): sending it again cannot help, and with a single
 * change in it, that change is the reason. A 400 names the change by its
 * seq, except when the body is not JSON (bytes that are not UTF-8 in a
 * value); a 400 about the request as a whole (a member this client should
 * not send) is a bug that no change should be set aside for, and a clock in
 * the server's future is corrected instead. */
gboolean
st_sync_refused_for_good (const Reply *reply)
{
  if (reply->status == 413 || reply->status == 422)
    return TRUE;
  if (reply->status != 400 || g_strcmp0 (reply->code, "clock_in_future") == 0)
    return FALSE;
  return (reply->object != NULL && json_object_get_int_member_with_default (reply->object, "seq", -1) > 0)
         || g_strcmp0 (reply->code, "malformed_json") == 0;
}

/* The change @seq, refused alone for good, leaves the outbox and becomes a
 * review item, in one transaction; its values stay on this laptop. */
gboolean
st_sync_set_aside (Conn         *conn,
                   gint64        seq,
                   const Reply  *reply,
                   GError      **error)
{
  g_autoptr(JsonObject) result = json_object_new ();
  const char *message = reply->object != NULL
                        ? json_object_get_string_member_with_default (reply->object, "message", "") : "";
  sqlite3_stmt *stmt;
  gboolean ok;

  g_message ("the server refused change %" G_GINT64_FORMAT " for good (%u %s): set aside for review",
             seq, reply->status, reply->code != NULL ? reply->code : "");
  json_object_set_int_member (result, "status", reply->status);
  json_object_set_string_member (result, "code", reply->code != NULL ? reply->code
                                                 : reply->status == 413 ? "body_too_large" : "refused");
  json_object_set_string_member (result, "message", message);

  if (!st_db_begin (conn->db, error))
    return FALSE;
  ok = refuse_change (conn, seq, result, TRUE, error);
  if (ok)
    {
      stmt = st_db_prepare (conn->db, "DELETE FROM outbox WHERE audit_id = ?", error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, seq);
          ok = sqlite3_step (stmt) == SQLITE_DONE
               || st_db_set_error (conn->db, sqlite3_errcode (st_db_get_handle (conn->db)),
                                   _("acknowledging sent changes"), error);
          sqlite3_reset (stmt);
        }
    }
  if (ok && st_sync_crash_at (conn, "sync-set-aside-before-commit", error))
    ok = FALSE;
  if (!ok)
    {
      st_db_rollback (conn->db);
      return FALSE;
    }
  if (!st_db_commit (conn->db, error))
    return FALSE;
  if (conn->stats != NULL)
    {
      conn->stats->pushed++;
      conn->stats->rejected++;
    }
  return TRUE;
}

/* A push request on a thread of its own, so that this laptop
 * acknowledges the batch before and prepares the batch after while the
 * server works on it. Still one request at a time: the next is sent only
 * once this one is answered. The copy of the connection has its own
 * session, random generator and counters, and never touches the database. */
typedef struct
{
  Conn         conn;
  StSyncStats  stats;
  GBytes      *body;
  Reply        reply;
  gboolean     ok;
  GError      *error;
  GThread     *thread;
} Send;

static gpointer
send_run (gpointer data)
{
  Send *send = data;

  send->ok = st_sync_request (&send->conn, "POST", "/api/v1/push", send->body, SEND_GZIPPED, TRUE, &send->reply, &send->error);
  return NULL;
}

static Send *
send_start (Conn   *conn,
            GBytes *body)
{
  Send *send = g_new0 (Send, 1);

  st_sync_conn_copy_for_thread (&send->conn, conn, &send->stats);
  send->body = g_bytes_ref (body);
  send->thread = g_thread_new ("st-sync-push", send_run, send);
  return send;
}

/* Waits for the request; its answer moves to @reply. */
static gboolean
send_finish (Send    *send,
             Conn    *conn,
             Reply   *reply,
             GError **error)
{
  gboolean ok;

  g_thread_join (send->thread);
  ok = send->ok;
  if (ok)
    *reply = send->reply;
  else
    {
      st_sync_reply_clear (&send->reply);
      g_propagate_error (error, g_steal_pointer (&send->error));
    }
  st_sync_conn_merge_from_thread (conn, &send->conn, &send->stats);
  g_clear_error (&send->error);
  g_bytes_unref (send->body);
  g_free (send);
  return ok;
}

/* A batch read from the outbox and gzipped, ready to send. */
typedef struct
{
  GBytes  *wire;
  gint64   after;          /* built from the outbox after this seq */
  guint    max_changes;    /* with this limit */
  gint64   last;
  guint    n;
} Batch;

/* Frees the bytes; what the batch held (@n, @last) stays readable. */
static void
batch_clear (Batch *batch)
{
  g_clear_pointer (&batch->wire, g_bytes_unref);
}

static gboolean
batch_build (Conn     *conn,
             Batch    *batch,
             gint64    after,
             guint     max_changes,
             GError  **error)
{
  g_autoptr(GBytes) body = NULL;

  batch_clear (batch);
  batch->n = 0;
  batch->after = after;
  batch->max_changes = max_changes;
  batch->last = after;
  body = st_sync_build_batch (conn, after, max_changes, &batch->last, &batch->n, error);
  if (body == NULL)
    return FALSE;
  batch->wire = st_sync_gzip_bytes (body);
  if (batch->wire == NULL)
    {
      g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_DATABASE, "compressing a batch failed");
      return FALSE;
    }
  return TRUE;
}

gboolean
st_sync_push (Conn    *conn,
              GError **error)
{
  gint64 total = st_sync_count_pending_full (conn->db, error);
  gint64 done = 0;
  gint64 after = 0;
  guint max_changes = conn->options.max_batch;
  guint restamps = 0, epochs = 0;
  Batch next = { 0 };
  Reply answered = { 0 };     /* a 200 answer not acknowledged yet */
  gboolean ok = TRUE;

  if (total < 0)
    return FALSE;
  if (total == 0)
    return TRUE;
  if (!st_sync_check_device (conn, error))
    return FALSE;
  st_sync_report (conn, ST_SYNC_PHASE_PUSHING, 0, total);

  while (ok)
    {
      Batch batch = { 0 };
      Reply reply = { 0 };
      Send *send;

      if (g_cancellable_is_cancelled (conn->cancellable))
        {
          g_set_error_literal (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CANCELLED, _("Cancelled"));
          ok = FALSE;
          break;
        }
      /* The batch prepared while the last request was answered, if it is
       * still the one to send. */
      if (next.wire != NULL && next.after == after && next.max_changes == max_changes)
        {
          batch = next;
          next = (Batch) { 0 };
        }
      else
        {
          batch_clear (&next);
          if (!batch_build (conn, &batch, after, max_changes, error))
            {
              batch_clear (&batch);
              ok = FALSE;
              break;
            }
        }
      if (batch.n == 0)
        {
          batch_clear (&batch);
          break;
        }

      if (conn->last_push != NULL && st_sync_fault (conn, conn->options.faults ? conn->options.faults->replay : 0))
        {
          Reply ignored = { 0 };

          /* An earlier request arriving late. */
          st_sync_send_once (conn, "POST", "/api/v1/push", conn->last_push, SEND_GZIPPED, TRUE, &ignored, NULL);
          st_sync_reply_clear (&ignored);
        }
      send = send_start (conn, batch.wire);
      /* Meanwhile: the answer before is acknowledged, the batch after is
       * read and gzipped. A crash before the acknowledgement sends those
       * changes again: duplicates, harmless. */
      if (answered.object != NULL)
        {
          JsonArray *results = json_object_get_array_member (answered.object, "results");

          ok = st_sync_acknowledge (conn, results, error);
          st_sync_reply_clear (&answered);
        }
      if (ok && !batch_build (conn, &next, batch.last, max_changes, error))
        ok = FALSE;
      if (!send_finish (send, conn, &reply, ok ? error : NULL) || !ok)
        {
          batch_clear (&batch);
          st_sync_reply_clear (&reply);
          ok = FALSE;
          break;
        }
      g_clear_pointer (&conn->last_push, g_bytes_unref);
      conn->last_push = g_bytes_ref (batch.wire);
      batch_clear (&batch);

      if (reply.status == 200)
        {
          if (json_object_get_array_member (reply.object, "results") == NULL)
            {
              g_set_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER, "push answer without results");
              st_sync_reply_clear (&reply);
              ok = FALSE;
              break;
            }
          answered = reply;
          done += batch.n;
          st_sync_report (conn, ST_SYNC_PHASE_PUSHING, MIN (done, total), MAX (total, done));
          /* Changes added to the outbox meanwhile have higher sequence
           * numbers; a change re-queued whole (unknown_row) too. */
          after = batch.last;
          continue;
        }
      batch_clear (&next);

      if (reply.status == 409 && epochs++ < 3
          && (g_strcmp0 (reply.code, "sequence_reused") == 0 || g_strcmp0 (reply.code, "stale_epoch") == 0))
        {
          st_sync_reply_clear (&reply);
          g_message ("the server knows these sequence numbers from before: sending under a new epoch");
          if (!st_db_begin (conn->db, error) || !st_sync_check_not_restored (conn, error))
            {
              ok = FALSE;
              break;
            }
          if (!st_sync_set_meta_int (conn->db, "sync.epoch", st_sync_meta_int (conn->db, "sync.epoch", 0) + 1, error))
            {
              st_db_rollback (conn->db);
              ok = FALSE;
              break;
            }
          ok = st_db_commit (conn->db, error) && st_sync_check_device (conn, error);
          continue;
        }
      if (reply.status == 400 && g_strcmp0 (reply.code, "clock_in_future") == 0 && restamps++ < 3)
        {
          st_sync_reply_clear (&reply);
          ok = st_sync_restamp_future (conn, error);
          continue;
        }
      if (st_sync_refused_for_good (&reply))
        {
          gint64 named = reply.object != NULL ? json_object_get_int_member_with_default (reply.object, "seq", -1) : -1;
          gint64 position = -1;

          if (batch.n == 1)
            {
              /* Refused alone: it never blocks the changes after it. */
              ok = st_sync_set_aside (conn, batch.last, &reply, error);
              st_sync_reply_clear (&reply);
              if (!ok)
                break;
              done += 1;
              st_sync_report (conn, ST_SYNC_PHASE_PUSHING, MIN (done, total), MAX (total, done));
              after = batch.last;
              max_changes = conn->options.max_batch;
              continue;
            }
          /* Send the changes before the one the server names, then that one
           * alone; without a name (413), halve the batch until it is alone. */
          if (named > after && named <= batch.last)
            position = query_int_2 (conn->db, "SELECT count(*) FROM outbox WHERE audit_id > ? AND audit_id < ?",
                                    after, named);
          st_sync_reply_clear (&reply);
          if (position == 0)
            max_changes = 1;
          else if (position > 0 && position < batch.n)
            max_changes = (guint) position;
          else
            max_changes = MAX (MIN (max_changes, batch.n) / 2, 1);
          continue;
        }
      st_sync_set_http_error (&reply, error);
      st_sync_reply_clear (&reply);
      ok = FALSE;
    }
  batch_clear (&next);
  /* The last answer, or the one before a failure: what the server has
   * processed leaves the outbox either way. */
  if (answered.object != NULL)
    {
      g_autoptr(GError) ack_error = NULL;
      JsonArray *results = json_object_get_array_member (answered.object, "results");

      if (!st_sync_acknowledge (conn, results, ok ? error : &ack_error))
        ok = FALSE;
      st_sync_reply_clear (&answered);
    }
  return ok;
}
