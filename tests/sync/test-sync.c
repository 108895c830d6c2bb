/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two laptops and the real shuangti-server on 127.0.0.1, synced by the
 * engine a clerk's laptop runs (src/core/st-sync.c). */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>

#include "st-demo.h"
#include "st-program.h"
#include "st-test-replica.h"

typedef struct
{
  StTestServer  *server;
  char          *server_db;
  StTestReplica *a;
  StTestReplica *b;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server_db = st_test_db_path ("server.db");
  st_test_add_user (f->server_db, "county", "county", NULL);
  st_test_add_user (f->server_db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  f->server = st_test_server_start (f->server_db, NULL);
  f->a = st_test_replica_new ("laptop-a", 0);
  f->b = st_test_replica_new ("laptop-b", 0);
  st_test_replica_sign_in (f->a, f->server, "county");
  st_test_replica_sign_in (f->b, f->server, "county");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  st_test_replica_free (f->a);
  st_test_replica_free (f->b);
  st_test_server_stop (f->server);
  st_test_server_free (f->server);
  g_free (f->server_db);
}

static void
assert_same (StTestReplica *x,
             StTestReplica *y)
{
  g_autofree char *dx = st_test_digest (x->db, NULL);
  g_autofree char *dy = st_test_digest (y->db, NULL);

  g_assert_cmpstr (dx, ==, dy);
}

/* The SQL of every trigger of @db, in the order of their names. */
static char *
trigger_sql (StDb *db)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT group_concat (sql, ';') FROM"
                                          " (SELECT sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name)", NULL);
  char *sql;

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sql = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  g_assert_nonnull (sql);
  return sql;
}

/* What one laptop creates reaches the other, whole. */
static void
test_create_reaches_other (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *p1 = st_test_replica_add_participant (f->a, 1, "张三", ST_TEST_TOWNSHIP_A);
  g_autofree char *p2 = st_test_replica_add_participant (f->a, 2, "李四", ST_TEST_TOWNSHIP_B);
  g_autofree char *name = NULL;
  StSyncStats stats = { 0 };
  g_autoptr(GError) error = NULL;

  st_test_replica_set (f->a, "participants", p1, "phone", "13800000001");
  g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 3);
  st_test_replica_sync (f->a, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.pushed, ==, 3);
  g_assert_cmpint (stats.applied, ==, 3);
  g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 0);
  g_assert_cmpint (st_sync_last_sync (f->a->db), >, 0);

  st_test_replica_sync (f->b, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.pulled, ==, 2);   /* a compacted feed: one entry per row */
  name = st_test_replica_get (f->b, "participants", p1, "name");
  g_assert_cmpstr (name, ==, "张三");
  {
    g_autofree char *phone = st_test_replica_get (f->b, "participants", p1, "phone");

    g_assert_cmpstr (phone, ==, "13800000001");
  }
  /* B has nothing to send: its outbox stays empty after applying. */
  g_assert_cmpint (st_sync_count_pending (f->b->db), ==, 0);
  assert_same (f->a, f->b);
  /* What B received is kept once, in its rows: not again in its change
   * history (the county's history of those changes is the server's); and
   * A keeps no outbox entry the server acknowledged. */
  g_assert_cmpint (st_test_replica_count (f->b, "SELECT count(*) FROM audit_log"), ==, 0);
  g_assert_cmpint (st_test_replica_count (f->a, "SELECT count(*) FROM outbox"), ==, 0);

  /* The pull dropped B's triggers for its transactions and put them back:
   * B's own edit of a row it pulled is captured, and a change without a new
   * clock stamp is refused. */
  {
    g_autofree char *path = st_test_db_path ("fresh.db");
    g_autoptr(StDb) fresh = st_db_open (path, &error);
    g_autofree char *expected = NULL;
    g_autofree char *after_pull = trigger_sql (f->b->db);

    g_assert_no_error (error);
    expected = trigger_sql (fresh);
    g_assert_cmpstr (after_pull, ==, expected);
  }
  st_test_replica_set (f->b, "participants", p1, "phone", "13800000002");
  g_assert_cmpint (st_sync_count_pending (f->b->db), ==, 1);
  g_assert_false (st_db_exec (f->b->db, "UPDATE participants SET phone = '1'", &error));
  g_assert_nonnull (error);
}

/* The same field edited on both laptops from the same value: both end with
 * the later edit, and the earlier value is kept for review on both. */
static void
test_same_field_conflict (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *p = st_test_replica_add_participant (f->a, 3, "王五", ST_TEST_TOWNSHIP_A);
  g_autofree char *phone_a = NULL;
  g_autofree char *phone_b = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };
  StSyncItem *item;

  st_test_replica_sync_ok (f->a);
  st_test_replica_sync_ok (f->b);

  /* Offline, both change the phone; B later. */
  st_test_replica_set (f->a, "participants", p, "phone", "13900000001");
  g_usleep (5000);
  st_test_replica_set (f->b, "participants", p, "phone", "13900000002");

  st_test_replica_sync_ok (f->a);
  st_test_replica_sync (f->b, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.conflicts, ==, 1);
  st_test_replica_sync_ok (f->a);

  phone_a = st_test_replica_get (f->a, "participants", p, "phone");
  phone_b = st_test_replica_get (f->b, "participants", p, "phone");
  g_assert_cmpstr (phone_a, ==, "13900000002");
  g_assert_cmpstr (phone_b, ==, "13900000002");
  assert_same (f->a, f->b);

  /* Nobody's edit is silently dropped: A's number is in the review list. */
  items = st_sync_list_items (f->a->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpint (item->kind, ==, ST_SYNC_ITEM_CONFLICT);
  g_assert_cmpstr (item->row, ==, p);
  g_assert_nonnull (strstr (item->summary, "王五"));
  g_assert_nonnull (strstr (item->summary, "Phone"));
  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
    g_autofree char *text = NULL;

    json_node_set_object (node, item->data);
    text = json_to_string (node, FALSE);
    g_assert_nonnull (strstr (text, "13900000001"));
  }

  /* A clerk on A chooses the losing number: it becomes the value
   * everywhere, and the item is resolved everywhere. */
  st_sync_resolve_item (f->a->db, item->id, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (st_sync_count_items (f->a->db), ==, 0);
  st_test_replica_sync (f->a, NULL, &stats, &error);
  g_assert_no_error (error);
  st_test_replica_sync_ok (f->b);
  g_free (phone_b);
  phone_b = st_test_replica_get (f->b, "participants", p, "phone");
  g_assert_cmpstr (phone_b, ==, "13900000001");
  g_assert_cmpint (st_sync_count_items (f->b->db), ==, 0);

  assert_same (f->a, f->b);
}

/* A delete on one laptop reaches the other as a tombstone. */
static void
test_delete_reaches_other (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *p = st_test_replica_add_participant (f->a, 4, "赵六", ST_TEST_TOWNSHIP_A);
  g_autofree char *deleted = NULL;

  st_test_replica_sync_ok (f->a);
  st_test_replica_sync_ok (f->b);
  st_test_replica_delete (f->b, "participants", p);
  st_test_replica_sync_ok (f->b);
  st_test_replica_sync_ok (f->a);
  deleted = st_test_replica_get (f->a, "participants", p, "deleted");
  g_assert_cmpstr (deleted, ==, "1");
  g_assert_cmpint (st_db_count_live (f->a->db, "participants"), ==, 0);
  assert_same (f->a, f->b);
}

/* A sync with nothing to do: one round trip, small. */
static void
test_nothing_to_do (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *p = st_test_replica_add_participant (f->a, 5, "孙七", ST_TEST_TOWNSHIP_A);
  StSyncStats stats = { 0 };
  g_autoptr(GError) error = NULL;

  st_test_replica_sync_ok (f->a);
  st_test_replica_sync (f->a, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats.requests, ==, 1);
  g_assert_cmpint (stats.pushed, ==, 0);
  g_assert_cmpint (stats.pulled, ==, 0);
  g_assert_cmpint (stats.bytes_sent + stats.bytes_received, <=, 2048);
}

/* A township account: rows of another township are refused by the server,
 * undone here, and explained in words a clerk understands. */
static void
test_refused_out_of_scope (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(StTestReplica) t = st_test_replica_new ("township", 0);
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };
  StSyncItem *item;

  st_test_replica_sign_in (t, f->server, "qiaoma");
  mine = st_test_replica_add_participant (t, 6, "周八", ST_TEST_TOWNSHIP_A);
  theirs = st_test_replica_add_participant (t, 7, "吴九", ST_TEST_TOWNSHIP_B);
  st_test_replica_sync (t, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.applied, ==, 1);
  g_assert_cmpint (stats.rejected, ==, 1);
  g_assert_cmpint (st_sync_count_pending (t->db), ==, 0);
  /* Undone: this laptop shows what the server holds. */
  g_assert_cmpint (st_test_replica_count (t, "SELECT count(*) FROM participants"), ==, 1);

  items = st_sync_list_items (t->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpint (item->kind, ==, ST_SYNC_ITEM_REFUSED);
  g_assert_cmpstr (item->summary, ==, "The server refused: your account may not change records of 秧坝镇 (吴九).");
  st_sync_resolve_item (t->db, item->id, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (st_sync_count_items (t->db), ==, 0);

  /* The county laptop has everything; the township laptop its township. */
  {
    g_autofree char *p = st_test_replica_add_participant (f->a, 8, "郑十", ST_TEST_TOWNSHIP_B);

    st_test_replica_sync_ok (f->a);
    st_test_replica_sync_ok (t);
    g_assert_cmpint (st_test_replica_count (t, "SELECT count(*) FROM participants WHERE township_code <> '"
                                               ST_TEST_TOWNSHIP_A "'"), ==, 0);
    {
      g_autofree char *dt = st_test_digest (t->db, (const char * const *) t->townships);
      g_autofree char *da = st_test_digest (f->a->db, (const char * const *) t->townships);

      g_assert_cmpstr (dt, ==, da);
    }
  }
}

/* A refusal whose answer was lost: the laptop sends the change again, the
 * server answers "duplicate" — and the clerk still learns of the refusal,
 * and the change is undone here, as when the first answer arrives. */
static void
test_refusal_answer_lost (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(StTestReplica) t = st_test_replica_new ("township", 0);
  g_autofree char *theirs = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  /* Every request twice, the first answer lost. */
  StSyncFaults faults = { .seed = 1, .duplicate = 1.0 };
  StSyncOptions options = { .attempts = 2, .retry_base_ms = 10, .faults = &faults };
  StSyncStats stats = { 0 };
  StSyncItem *item;

  st_test_replica_sign_in (t, f->server, "qiaoma");
  theirs = st_test_replica_add_participant (t, 17, "吴十七", ST_TEST_TOWNSHIP_B);
  g_assert_true (st_test_replica_sync (t, &options, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.rejected, ==, 1);
  g_assert_cmpint (st_sync_count_pending (t->db), ==, 0);
  g_assert_cmpint (st_test_replica_count (t, "SELECT count(*) FROM participants"), ==, 0);
  items = st_sync_list_items (t->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpint (item->kind, ==, ST_SYNC_ITEM_REFUSED);
  g_assert_cmpstr (item->summary, ==, "The server refused: your account may not change records of 秧坝镇 (吴十七).");
}

/* Review items about programs and majors (county-wide tables, no township)
 * reach the county's laptops only: they name county accounts and devices.
 * A township laptop that pulled one from a server before issue 16 drops it
 * at its next sync. */
static void
test_county_review_items (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(StTestReplica) t = st_test_replica_new ("township", 0);
  g_autofree char *p = st_test_replica_add_participant (f->a, 11, "孙一", ST_TEST_TOWNSHIP_A);
  g_autofree char *program = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *old_tag = NULL;
  g_autofree char *old_cursor = NULL;
  char *attach = NULL;
  g_autoptr(GError) error = NULL;

  /* Two county laptops rename one program differently, offline. */
  g_assert_true (st_db_exec (f->a->db,
                             "INSERT INTO programs (id, hlc, device, code, name, rules)"
                             " VALUES (st_uuid (), st_hlc (), st_device (), 'test-program', '测试项目', '{}')", &error));
  g_assert_no_error (error);
  program = st_test_replica_get_text (f->a, "SELECT id FROM programs WHERE code = 'test-program'");
  st_test_replica_sync_ok (f->a);
  st_test_replica_sync_ok (f->b);
  st_test_replica_set (f->a, "programs", program, "name", "测试项目（甲）");
  st_test_replica_set (f->b, "programs", program, "name", "测试项目（乙）");
  st_test_replica_sync_ok (f->a);
  st_test_replica_sync_ok (f->b);
  st_test_replica_sync_ok (f->a);
  g_assert_cmpint (st_test_replica_count (f->a, "SELECT count(*) FROM review_items WHERE tbl = 'programs'"), ==, 1);
  g_assert_cmpint (st_test_replica_count (f->b, "SELECT count(*) FROM review_items WHERE tbl = 'programs'"), ==, 1);

  /* The township laptop gets the program and its township's people, not
   * the review item. */
  st_test_replica_sign_in (t, f->server, "qiaoma");
  st_test_replica_sync_ok (t);
  g_assert_cmpint (st_test_replica_count (t, "SELECT count(*) FROM participants"), ==, 1);
  g_assert_cmpint (st_test_replica_count (t, "SELECT count(*) FROM programs WHERE code = 'test-program'"), ==, 1);
  g_assert_cmpint (st_test_replica_count (t, "SELECT count(*) FROM review_items"), ==, 0);
  g_assert_cmpint (st_sync_count_items (t->db), ==, 0);

  /* As an older server left it: the item on the township laptop, and a
   * cursor issued for the township scope of then (its tag did not name
   * the version of what the township holds). */
  attach = sqlite3_mprintf ("ATTACH DATABASE %Q AS county", f->a->path);
  st_db_set_applying_remote (t->db, TRUE);
  g_assert_true (st_db_exec (t->db, attach, &error));
  g_assert_true (st_db_exec (t->db, "INSERT INTO review_items SELECT * FROM county.review_items", &error));
  g_assert_true (st_db_exec (t->db, "DETACH DATABASE county", &error));
  st_db_set_applying_remote (t->db, FALSE);
  g_assert_no_error (error);
  sqlite3_free (attach);
  g_assert_cmpint (st_test_replica_count (t, "SELECT count(*) FROM review_items"), ==, 1);
  cursor = st_db_get_meta (t->db, "sync.cursor");
  g_assert_nonnull (strrchr (cursor, '.'));
  {
    g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, ST_TEST_TOWNSHIP_A ",", -1);

    old_tag = g_strndup (digest, 8);
  }
  old_cursor = g_strdup_printf ("%.*s.%s", (int) (strrchr (cursor, '.') - cursor), cursor, old_tag);
  g_assert_true (st_db_begin (t->db, &error) && st_db_set_meta (t->db, "sync.cursor", old_cursor, &error)
                 && st_db_commit (t->db, &error));
  g_assert_no_error (error);

  st_test_replica_sync_ok (t);
  g_assert_cmpint (st_test_replica_count (t, "SELECT count(*) FROM review_items"), ==, 0);
  g_assert_cmpint (st_sync_count_pending (t->db), ==, 0);
  g_assert_cmpint (st_test_replica_count (t, "SELECT count(*) FROM participants"), ==, 1);
  {
    g_autofree char *dt = st_test_digest (t->db, (const char * const *) t->townships);
    g_autofree char *da = st_test_digest (f->a->db, (const char * const *) t->townships);

    g_assert_cmpstr (dt, ==, da);
  }
}

/* A participant moved to another township leaves the laptops of the old one. */
static void
test_move_evicts (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(StTestReplica) t = st_test_replica_new ("township", 0);
  g_autofree char *p = st_test_replica_add_participant (f->a, 9, "钱一", ST_TEST_TOWNSHIP_A);
  StSyncStats stats = { 0 };
  g_autoptr(GError) error = NULL;

  st_test_replica_sign_in (t, f->server, "qiaoma");
  st_test_replica_sync_ok (f->a);
  st_test_replica_sync_ok (t);
  g_assert_cmpint (st_db_count_live (t->db, "participants"), ==, 1);

  st_test_replica_set (f->a, "participants", p, "township_code", ST_TEST_TOWNSHIP_B);
  st_test_replica_sync_ok (f->a);
  st_test_replica_sync (t, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.evicted, ==, 1);
  g_assert_cmpint (st_test_replica_count (t, "SELECT count(*) FROM participants"), ==, 0);
}

/* Killed at each named point of a sync, a laptop resumes: nothing lost,
 * nothing twice. */
static gboolean
crash_once (const char *point,
            gpointer    user_data)
{
  const char **wanted = user_data;

  if (*wanted != NULL && g_str_equal (point, *wanted))
    {
      *wanted = NULL;
      return TRUE;
    }
  return FALSE;
}

static void
test_crash_resume (Fixture       *f,
                   gconstpointer  data)
{
  static const char *const points[] = { "sync-push-before-ack", "sync-pull-before-commit" };

  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      const char *wanted = points[i];
      StSyncFaults faults = { .crash = crash_once, .crash_data = &wanted };
      StSyncOptions options = { .attempts = 2, .retry_base_ms = 10, .faults = &faults };
      g_autoptr(GError) error = NULL;
      StSyncStats stats = { 0 };

      for (guint n = 0; n < 5; n++)
        {
          g_autofree char *p = st_test_replica_add_participant (f->a, 100 + i * 10 + n, "陈", ST_TEST_TOWNSHIP_A);
        }
      st_test_replica_sync_ok (f->b);
      g_assert_false (st_test_replica_sync (f->a, &options, NULL, &error));
      g_assert_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_KILLED);
      g_clear_error (&error);
      st_test_replica_reopen (f->a);

      st_test_replica_sync (f->a, NULL, &stats, &error);
      g_assert_no_error (error);
      if (i == 0)
        g_assert_cmpint (stats.duplicates, ==, 5);   /* sent again, recognised */
      st_test_replica_sync_ok (f->b);
      g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 0);
      assert_same (f->a, f->b);
    }
  g_assert_cmpint (st_db_count_live (f->b->db, "participants"), ==, 10);
}

/* A county's first sync comes in full pages, applied several to a
 * transaction with the last one's cursor: killed before it commits, the
 * laptop holds none of them (no page half applied, no cursor past what it
 * holds), and the next sync brings every row once. */
static void
test_large_pull_crash_resume (Fixture       *f,
                              gconstpointer  data)
{
  const char *wanted = "sync-pull-before-commit";
  StSyncFaults faults = { .crash = crash_once, .crash_data = &wanted };
  StSyncOptions options = { .attempts = 2, .retry_base_ms = 10, .pull_limit = 1000, .faults = &faults };
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };
  gint64 rows;

  g_assert_true (st_demo_populate (f->a->db, 2500, 2026, &error));
  g_assert_no_error (error);
  st_test_replica_sync_ok (f->a);
  rows = st_test_replica_count (f->a, "SELECT count(*) FROM participants");
  g_assert_cmpint (rows, >=, 2500);

  g_assert_false (st_test_replica_sync (f->b, &options, &stats, &error));
  g_assert_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_KILLED);
  g_clear_error (&error);
  st_test_replica_reopen (f->b);
  g_assert_cmpint (st_test_replica_count (f->b, "SELECT count(*) FROM participants"), ==, 0);
  g_assert_null (st_db_get_meta (f->b->db, "sync.cursor"));

  options.faults = NULL;
  g_assert_true (st_test_replica_sync (f->b, &options, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.requests, >=, 3);
  g_assert_cmpint (st_test_replica_count (f->b, "SELECT count(*) FROM participants"), ==, rows);
  assert_same (f->a, f->b);
  /* The capture triggers dropped while applying are all back. */
  {
    g_autofree char *before = trigger_sql (f->a->db);
    g_autofree char *after = trigger_sql (f->b->db);

    g_assert_cmpstr (before, ==, after);
  }
}

/* A laptop restored from a backup: its sequence numbers were used before;
 * the engine notices and sends under a new epoch, so nothing is mistaken
 * for a duplicate. */
static void
test_restored_from_backup (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *backup = g_strconcat (f->a->path, ".backup", NULL);
  g_autofree char *p1 = st_test_replica_add_participant (f->a, 20, "甲", ST_TEST_TOWNSHIP_A);
  g_autofree char *p2 = NULL;
  g_autofree char *p3 = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  st_test_replica_sync_ok (f->a);
  /* The backup (a checkpointed copy of the file). */
  g_assert_true (st_db_exec (f->a->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL));
  g_assert_true (g_file_get_contents (f->a->path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (backup, contents, (gssize) length, NULL));

  p2 = st_test_replica_add_participant (f->a, 21, "乙", ST_TEST_TOWNSHIP_A);
  st_test_replica_sync_ok (f->a);

  /* The disk dies; the backup comes back; the clerk types on. */
  g_clear_object (&f->a->db);
  g_unlink (f->a->path);
  {
    g_autofree char *wal = g_strconcat (f->a->path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (f->a->path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_assert_true (g_file_set_contents (f->a->path, contents, (gssize) length, NULL));
  st_test_replica_reopen (f->a);
  p3 = st_test_replica_add_participant (f->a, 22, "丙", ST_TEST_TOWNSHIP_A);
  st_test_replica_sync_ok (f->a);
  st_test_replica_sync_ok (f->b);

  g_assert_cmpint (st_db_count_live (f->b->db, "participants"), ==, 3);
  {
    g_autofree char *name = st_test_replica_get (f->b, "participants", p3, "name");

    g_assert_cmpstr (name, ==, "丙");
  }
  /* A gets back what it lost from the server. */
  st_test_replica_sync_ok (f->a);
  assert_same (f->a, f->b);
}

/* A laptop whose date is three days ahead: its offline edits would be
 * refused as stamped in the server's future; the engine restamps them, and
 * an edit made after seeing a value still beats that value. */
static void
test_clock_ahead (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(StTestReplica) ahead = st_test_replica_new ("ahead", 3 * 24 * 3600 * G_GINT64_CONSTANT (1000));
  g_autofree char *p = st_test_replica_add_participant (f->a, 30, "钟", ST_TEST_TOWNSHIP_A);
  g_autofree char *q = NULL;
  g_autofree char *phone = NULL;
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };

  st_test_replica_sync_ok (f->a);
  /* Never synced: no offset known yet. */
  q = st_test_replica_add_participant (ahead, 31, "未来", ST_TEST_TOWNSHIP_A);
  st_test_replica_sign_in (ahead, f->server, "county");
  st_test_replica_sync (ahead, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.applied, ==, 1);
  g_assert_cmpint (st_sync_count_pending (ahead->db), ==, 0);

  /* It saw A's value; its edit beats it although A edits "later" by the
   * wall clock of A... */
  st_test_replica_set (ahead, "participants", p, "phone", "13700000001");
  st_test_replica_sync_ok (ahead);
  st_test_replica_sync_ok (f->a);
  phone = st_test_replica_get (f->a, "participants", p, "phone");
  g_assert_cmpstr (phone, ==, "13700000001");
  /* ...and A, having seen it, beats it in turn. */
  st_test_replica_set (f->a, "participants", p, "phone", "13700000002");
  st_test_replica_sync_ok (f->a);
  st_test_replica_sync_ok (ahead);
  g_free (phone);
  phone = st_test_replica_get (ahead, "participants", p, "phone");
  g_assert_cmpstr (phone, ==, "13700000002");
  st_test_replica_sync_ok (f->b);
  assert_same (f->a, ahead);
  assert_same (f->a, f->b);
}

/* Signing out keeps the changes not yet sent; the next account sends them. */
static void
test_sign_out_keeps_changes (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *p = st_test_replica_add_participant (f->a, 40, "留", ST_TEST_TOWNSHIP_A);
  g_autoptr(GError) error = NULL;
  g_autoptr(StSyncAccount) account = NULL;

  st_sync_sign_out (f->a->db, f->a->token, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (st_sync_account_load (f->a->db));
  g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 1);
  /* The old token is revoked. */
  g_assert_false (st_sync_run (f->a->db, f->a->token, NULL, NULL, NULL, &error));
  g_assert_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SIGN_IN_NEEDED);
  g_clear_error (&error);

  st_test_replica_sign_in (f->a, f->server, "county");
  st_test_replica_sync_ok (f->a);
  g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 0);
  st_test_replica_sync_ok (f->b);
  g_assert_cmpint (st_db_count_live (f->b->db, "participants"), ==, 1);
}

/* Another account on the same laptop: what the first could see and the
 * second may not leaves with the first sync. */
static void
test_switch_account (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *a = st_test_replica_add_participant (f->a, 50, "甲乙", ST_TEST_TOWNSHIP_A);
  g_autofree char *b = st_test_replica_add_participant (f->a, 51, "丙丁", ST_TEST_TOWNSHIP_B);
  g_autoptr(GError) error = NULL;

  st_test_replica_sync_ok (f->a);
  st_test_replica_sync_ok (f->b);
  g_assert_cmpint (st_db_count_live (f->b->db, "participants"), ==, 2);

  st_sync_sign_out (f->b->db, f->b->token, NULL, &error);
  g_assert_no_error (error);
  st_test_replica_sign_in (f->b, f->server, "qiaoma");
  st_test_replica_sync_ok (f->b);
  g_assert_cmpint (st_test_replica_count (f->b, "SELECT count(*) FROM participants"), ==, 1);
  {
    g_autofree char *name = st_test_replica_get (f->b, "participants", a, "name");

    g_assert_cmpstr (name, ==, "甲乙");
  }
}

/* Wrong password and an unreachable server: errors a clerk understands. */
static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  StSyncAccount *account;

  account = st_sync_sign_in (f->a->db, f->server->url, "county", "wrong password", NULL, &error);
  g_assert_null (account);
  g_assert_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_BAD_CREDENTIALS);
  text = st_sync_describe_error (error);
  g_assert_cmpstr (text, ==, "The user name or the password is wrong.");
  g_clear_error (&error);

  account = st_sync_sign_in (f->a->db, "http://127.0.0.1:9", "county", ST_TEST_PASSWORD, NULL, &error);
  g_assert_null (account);
  g_assert_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);

  account = st_sync_sign_in (f->a->db, "ftp://example", "county", ST_TEST_PASSWORD, NULL, &error);
  g_assert_null (account);
  g_assert_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE);
}

/* The command line, as a clerk or a script would use it: password from the
 * environment, a JSON summary; and a process killed in the middle of a
 * pull resumes on the next run. */
static void
run_cli (const char  *db_path,
         const char  *failpoint,
         char       **out,
         const char  *first,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                      | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) g_getenv ("ST_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db_path);
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "ST_PASSWORD", ST_TEST_PASSWORD, TRUE);
  if (failpoint != NULL)
    g_subprocess_launcher_setenv (launcher, "ST_FAILPOINT", failpoint, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  if (failpoint != NULL)
    {
      /* Wait until it stops at the point, then kill it. */
      g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
      g_autofree char *line = NULL;

      while ((line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL)) != NULL)
        {
          if (strstr (line, "failpoint") != NULL)
            break;
          g_clear_pointer (&line, g_free);
        }
      g_assert_nonnull (line);
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      return;
    }
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, out, &err, &error));
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != 0)
    g_error ("shuangti-cli failed: %s", err);
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *cli_db = st_test_db_path ("cli.db");
  g_autofree char *out = NULL;
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;

  for (guint n = 0; n < 30; n++)
    {
      g_autofree char *p = st_test_replica_add_participant (f->a, 200 + n, "林", ST_TEST_TOWNSHIP_A);
    }
  st_test_replica_sync_ok (f->a);

  /* Killed while applying the second page of the pull. */
  run_cli (cli_db, "sync-pull-before-commit", NULL, "sync", "--server", f->server->url, "--user", "county", NULL);
  db = st_db_open (cli_db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (st_db_count_live (db, "participants"), ==, 0);   /* killed before the first page committed */
  g_clear_object (&db);

  run_cli (cli_db, NULL, &out, "--json", "sync", NULL);
  g_assert_nonnull (strstr (out, "\"ok\" : true"));
  g_clear_pointer (&out, g_free);
  run_cli (cli_db, NULL, &out, "--json", "sync", "status", NULL);
  g_assert_nonnull (strstr (out, "\"pending\" : 0"));
  g_assert_nonnull (strstr (out, "\"account\" : \"county\""));

  db = st_db_open (cli_db, &error);
  g_assert_no_error (error);
  {
    g_autofree char *da = st_test_digest (f->a->db, NULL);
    g_autofree char *dc = st_test_digest (db, NULL);

    g_assert_cmpstr (da, ==, dc);
  }
}

/* A change the server refuses for good, alone (a 413 for a body it will not
 * take, a 400 for a field over its 65,536 bytes), never blocks the outbox:
 * it is set aside as a review item naming the record and the field, its
 * value stays on this laptop, and every change after it syncs. Old data,
 * written before the limits, is made here by writing straight into rows. */
static void
test_refused_set_aside (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *p1 = st_test_replica_add_participant (f->a, 11, "张三", ST_TEST_TOWNSHIP_A);
  g_autofree char *p2 = st_test_replica_add_participant (f->a, 12, "李四", ST_TEST_TOWNSHIP_A);
  g_autofree char *p3 = NULL;
  g_autofree char *huge = g_strnfill (17800000, 'x');
  g_autofree char *large = g_strnfill (100000, 'y');
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };
  StSyncItem *item;

  st_test_replica_sync_ok (f->a);

  /* 17.8 MB of notes, then two changes after it. */
  st_test_replica_set (f->a, "participants", p1, "notes", huge);
  st_test_replica_set (f->a, "participants", p2, "phone", "13800000002");
  p3 = st_test_replica_add_participant (f->a, 13, "王五", ST_TEST_TOWNSHIP_A);
  g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 3);

  /* Killed while setting it aside: still in the outbox, not yet an item
   * (one transaction). */
  {
    const char *wanted = "sync-set-aside-before-commit";
    StSyncFaults faults = { .crash = crash_once, .crash_data = &wanted };
    StSyncOptions options = { .attempts = 2, .retry_base_ms = 10, .faults = &faults };

    g_assert_false (st_test_replica_sync (f->a, &options, NULL, &error));
    g_assert_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_KILLED);
    g_clear_error (&error);
    st_test_replica_reopen (f->a);
    g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 3);
    g_assert_cmpint (st_sync_count_items (f->a->db), ==, 0);
  }

  st_test_replica_sync (f->a, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.applied, ==, 2);
  g_assert_cmpint (stats.rejected, ==, 1);
  g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 0);
  /* Nothing lost: the value stays here. */
  g_assert_cmpint (st_test_replica_count (f->a, "SELECT length (notes) FROM participants WHERE name = '张三'"),
                   ==, 17800000);

  items = st_sync_list_items (f->a->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpint (item->kind, ==, ST_SYNC_ITEM_REFUSED);
  g_assert_cmpstr (item->row, ==, p1);
  g_assert_cmpstr (item->summary, ==,
                   "participant 张三: Notes too long (17.8\xc2\xa0MB); refused by the server, kept on this laptop to be dealt with.");
  g_assert_cmpstr (json_object_get_string_member (item->data, "field"), ==, "notes");
  g_assert_cmpint (json_object_get_int_member (item->data, "status"), ==, 413);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Everything after it reached the other laptop. */
  st_test_replica_sync_ok (f->b);
  {
    g_autofree char *phone = st_test_replica_get (f->b, "participants", p2, "phone");
    g_autofree char *name = st_test_replica_get (f->b, "participants", p3, "name");
    g_autofree char *notes = st_test_replica_get (f->b, "participants", p1, "notes");

    g_assert_cmpstr (phone, ==, "13800000002");
    g_assert_cmpstr (name, ==, "王五");
    g_assert_null (notes);
  }

  /* A second sync does nothing more. */
  memset (&stats, 0, sizeof stats);
  st_test_replica_sync (f->a, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.pushed, ==, 0);
  g_assert_cmpint (stats.rejected, ==, 0);
  g_assert_cmpint (st_sync_count_items (f->a->db), ==, 1);

  /* Later, a field over the server's 65,536 bytes between two good changes,
   * in one batch: the server names it (400), the others go through. */
  st_test_replica_set (f->a, "participants", p3, "phone", "13900000003");
  st_test_replica_set (f->a, "participants", p2, "notes", large);
  st_test_replica_set (f->a, "participants", p3, "health", "良好");
  memset (&stats, 0, sizeof stats);
  st_test_replica_sync (f->a, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.applied, ==, 2);
  g_assert_cmpint (stats.rejected, ==, 1);
  g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 0);
  items = st_sync_list_items (f->a->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->row, ==, p2);
  g_assert_cmpstr (item->summary, ==,
                   "participant 李四: Notes too long (100.0\xc2\xa0kB); refused by the server, kept on this laptop to be dealt with.");
  g_assert_cmpint (json_object_get_int_member (item->data, "status"), ==, 400);
  g_assert_cmpstr (st_test_replica_get_text (f->a, "SELECT length (notes) FROM participants WHERE name = '李四'"), ==, "100000");

  st_test_replica_sync_ok (f->b);
  {
    g_autofree char *phone = st_test_replica_get (f->b, "participants", p3, "phone");
    g_autofree char *health = st_test_replica_get (f->b, "participants", p3, "health");
    g_autofree char *notes = st_test_replica_get (f->b, "participants", p2, "notes");

    g_assert_cmpstr (phone, ==, "13900000003");
    g_assert_cmpstr (health, ==, "良好");
    g_assert_null (notes);
  }

  /* Dismissed once dealt with. */
  g_assert_true (st_sync_resolve_item (f->a->db, item->id, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (st_sync_count_items (f->a->db), ==, 1);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Bytes that are not UTF-8 in a name make the body no JSON for the
   * server (400 malformed_json, no seq): set aside as well. */
  st_test_replica_set (f->a, "participants", p3, "name", "王\xff\xfe");
  st_test_replica_set (f->a, "participants", p2, "phone", "13800000022");
  memset (&stats, 0, sizeof stats);
  st_test_replica_sync (f->a, NULL, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats.applied, ==, 1);
  g_assert_cmpint (stats.rejected, ==, 1);
  items = st_sync_list_items (f->a->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->row, ==, p3);
  g_assert_true (g_utf8_validate (item->summary, -1, NULL));
  g_assert_nonnull (strstr (item->summary, "(malformed_json), kept on this laptop"));
}

/* The county's version of the built-in program @code on @replica, its study
 * extension allowing @years. */
static void
save_program (StTestReplica *replica,
              const char    *code,
              guint          years)
{
  const GPtrArray *programs = st_programs_builtin ();
  const StProgram *builtin = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(StProgram) county = NULL;

  for (guint i = 0; i < programs->len; i++)
    if (g_str_equal (((const StProgram *) g_ptr_array_index (programs, i))->code, code))
      builtin = g_ptr_array_index (programs, i);
  g_assert_nonnull (builtin);
  json = g_strdup_printf ("{\"max_extension_years\": %u, %s", years, strchr (builtin->json, '{') + 1);
  county = st_program_new_from_data (json, -1, "county.json", &error);
  g_assert_no_error (error);
  g_assert_true (st_program_save (replica->db, county, &error));
  g_assert_no_error (error);
}

static guint
program_years (StTestReplica *replica,
               const char    *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StProgram) program = st_program_load (replica->db, code, &error);

  g_assert_no_error (error);
  return program->max_extension_years;
}

/* A program saved again unchanged on one laptop does not hide the other
 * laptop's later edit of it: the first laptop takes the edit at its next
 * sync. */
static void
test_program_saved_unchanged (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  save_program (f->a, "secondary-vocational", 1);
  st_test_replica_sync (f->a, NULL, NULL, &error);
  g_assert_no_error (error);
  st_test_replica_sync (f->b, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (program_years (f->b, "secondary-vocational"), ==, 1);

  save_program (f->b, "secondary-vocational", 2);
  st_test_replica_sync (f->b, NULL, NULL, &error);
  g_assert_no_error (error);
  save_program (f->a, "secondary-vocational", 1);   /* the same as A has */
  g_assert_cmpint (st_sync_count_pending (f->a->db), ==, 0);
  st_test_replica_sync (f->a, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (program_years (f->a, "secondary-vocational"), ==, 2);
  assert_same (f->a, f->b);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/sync/create-reaches-other", test_create_reaches_other);
  ADD ("/sync/same-field-conflict", test_same_field_conflict);
  ADD ("/sync/delete-reaches-other", test_delete_reaches_other);
  ADD ("/sync/nothing-to-do", test_nothing_to_do);
  ADD ("/sync/refused-out-of-scope", test_refused_out_of_scope);
  ADD ("/sync/county-review-items", test_county_review_items);
  ADD ("/sync/refusal-answer-lost", test_refusal_answer_lost);
  ADD ("/sync/move-evicts", test_move_evicts);
  ADD ("/sync/crash-resume", test_crash_resume);
  ADD ("/sync/large-pull-crash-resume", test_large_pull_crash_resume);
  ADD ("/sync/restored-from-backup", test_restored_from_backup);
  ADD ("/sync/clock-ahead", test_clock_ahead);
  ADD ("/sync/sign-out-keeps-changes", test_sign_out_keeps_changes);
  ADD ("/sync/switch-account", test_switch_account);
  ADD ("/sync/errors", test_errors);
  ADD ("/sync/cli", test_cli);
  ADD ("/sync/refused-set-aside", test_refused_set_aside);
  ADD ("/sync/program-saved-unchanged", test_program_saved_unchanged);
#undef ADD
  return g_test_run ();
}
