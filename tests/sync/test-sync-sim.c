/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The simulation of SYNC.md, "What the tests must prove": a seeded run of
 * 2–8 laptops against the real shuangti-server on 127.0.0.1 — random
 * creates, edits, deletes, township moves, classes and attendance; dropped,
 * duplicated and late (replayed) requests; laptops cut off for a while;
 * crashes at the engine's named points; clocks days off — and, after
 * everyone has synced, the seven invariants.
 *
 * On PostgreSQL (sync-sim-pg, issue 19) two server processes serve the
 * database behind a load balancer (st-test-balancer.c) that sends each
 * request to either at random, and now and then one of them is killed
 * (SIGKILL) in the middle of a push — while it applies a change, with
 * every change applied but not committed, or committed but not answered
 * (the server's failpoints) — and started again: the invariants must hold
 * all the same (nothing lost, nothing applied twice).
 *
 * A failing seed is printed; replay it with ST_SIM_SEED=N. The default
 * suite runs a few seeds, the slow suite (ST_SIM_MANY) hundreds. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "st-participant.h"
#include "st-records.h"
#include "st-test-balancer.h"
#include "st-test-replica.h"
#include "st-test-store.h"

#define DAY_MS (24 * 3600 * G_GINT64_CONSTANT (1000))

typedef struct
{
  guint    replica;
  gint64   seq;        /* audit_log.id on that replica */
  char    *table;
  char    *row;
  char    *field;
  char    *value;      /* NULL = SQL NULL */
  guint64  seen_hlc;   /* the row's clock when the edit was made */
} Op;

typedef struct
{
  guint32         seed;
  GRand          *rand;
  StTestServer   *servers[2];  /* PostgreSQL: two processes on the database; SQLite: one */
  StTestBalancer *balancer;    /* in front of both, on PostgreSQL */
  char           *server_db;
  gint64          kills;        /* in the middle of a request (a push) */
  gint64          idle_kills;   /* while it wrote after answering (a pull's "last seen") */
  GPtrArray      *replicas;    /* StTestReplica */
  gboolean       *offline;
  StTestReplica  *observer;    /* a county laptop that only reads */
  GPtrArray      *ops;         /* Op */
  GHashTable     *seen_deleted;  /* row ids the observer saw deleted */
  guint           next_person;
  GArray         *people;      /* the person numbers registered so far */
  gint64          twins;       /* one person registered on two laptops */
  gint64          crashes;
  gint64          refusals;
  StSyncFaults    faults;
} Sim;

static const char *const townships[] = { ST_TEST_TOWNSHIP_A, ST_TEST_TOWNSHIP_B };
static const char *const accounts[] = { "county", "ta", "tb", "tab" };

static void
op_free (Op *op)
{
  g_free (op->table);
  g_free (op->row);
  g_free (op->field);
  g_free (op->value);
  g_free (op);
}

static gboolean
crash_sometimes (const char *point,
                 gpointer    user_data)
{
  Sim *sim = user_data;

  if (g_rand_double (sim->rand) < 0.08)
    {
      sim->crashes++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
in_scope (StTestReplica *r,
          const char    *township)
{
  return r->townships == NULL || g_strv_contains ((const char * const *) r->townships, township);
}

static const char *
pick_township (Sim           *sim,
               StTestReplica *r)
{
  for (;;)
    {
      const char *t = townships[g_rand_int_range (sim->rand, 0, G_N_ELEMENTS (townships))];

      if (in_scope (r, t))
        return t;
    }
}

/* A random live row of @table on @r, or NULL. */
static char *
pick_row (Sim           *sim,
          StTestReplica *r,
          const char    *table,
          const char    *extra)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM %s WHERE deleted = 0 %s ORDER BY id", table, extra ? extra : "");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (st_db_get_handle (r->db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (ids->len == 0)
    return NULL;
  return g_strdup (g_ptr_array_index (ids, g_rand_int_range (sim->rand, 0, ids->len)));
}

static guint64
row_hlc (StTestReplica *r,
         const char    *table,
         const char    *row)
{
  g_autofree char *hlc = st_test_replica_get (r, table, row, "hlc");

  return hlc != NULL ? g_ascii_strtoull (hlc, NULL, 10) : 0;
}

static void
record_op (Sim        *sim,
           guint       index,
           const char *table,
           const char *row,
           const char *field,
           const char *value,
           guint64     seen)
{
  StTestReplica *r = g_ptr_array_index (sim->replicas, index);
  Op *op = g_new0 (Op, 1);

  op->replica = index;
  op->seq = st_test_replica_count (r, "SELECT max(id) FROM audit_log");
  op->table = g_strdup (table);
  op->row = g_strdup (row);
  op->field = g_strdup (field);
  op->value = g_strdup (value);
  op->seen_hlc = seen;
  g_ptr_array_add (sim->ops, op);
}

/* Someone new; now and then someone another laptop registered already
 * (the same person twice, which the server merges). */
static void
do_create (Sim  *sim,
           guint index)
{
  StTestReplica *r = g_ptr_array_index (sim->replicas, index);
  guint person = sim->next_person;
  g_autofree char *name = NULL;
  g_autofree char *p = NULL;

  if (sim->people->len > 0 && g_rand_int_range (sim->rand, 0, 6) == 0)
    {
      g_autofree char *id_number = NULL;
      g_autofree char *sql = NULL;

      person = g_array_index (sim->people, guint, g_rand_int_range (sim->rand, 0, sim->people->len));
      id_number = st_test_id_number (person);
      sql = g_strdup_printf ("SELECT count(*) FROM participants WHERE id_number = '%s' AND deleted = 0", id_number);
      if (st_test_replica_count (r, sql) > 0)
        return;   /* this laptop knows them: a clerk would not register them again */
      sim->twins++;
    }
  else
    {
      sim->next_person++;
      g_array_append_val (sim->people, person);
    }
  name = g_strdup_printf ("学员%u", person);
  p = st_test_replica_add_participant (r, person, name, pick_township (sim, r));
  record_op (sim, index, "participants", p, "name", name, 0);
}

/* A clerk looks at the Review list and decides one item. */
static void
do_review (Sim  *sim,
           guint index)
{
  StTestReplica *r = g_ptr_array_index (sim->replicas, index);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = st_sync_list_items (r->db, &error);
  StSyncItem *item;

  g_assert_no_error (error);
  if (items->len == 0)
    return;
  item = g_ptr_array_index (items, g_rand_int_range (sim->rand, 0, items->len));
  st_sync_resolve_item (r->db, item->id, g_rand_boolean (sim->rand), &error);
  g_assert_no_error (error);
}

static void
do_edit (Sim  *sim,
         guint index)
{
  static const char *const fields[] = { "phone", "notes", "ethnicity", "employment" };
  StTestReplica *r = g_ptr_array_index (sim->replicas, index);
  g_autofree char *p = pick_row (sim, r, "participants", NULL);
  g_autofree char *value = NULL;
  const char *field = fields[g_rand_int_range (sim->rand, 0, G_N_ELEMENTS (fields))];
  guint64 seen;

  if (p == NULL)
    return;
  value = g_strdup_printf ("%s-%u", r->name, g_rand_int_range (sim->rand, 0, 1000000));
  seen = row_hlc (r, "participants", p);
  st_test_replica_set (r, "participants", p, field, value);
  record_op (sim, index, "participants", p, field, value, seen);
}

static void
do_delete (Sim  *sim,
           guint index)
{
  StTestReplica *r = g_ptr_array_index (sim->replicas, index);
  g_autofree char *p = pick_row (sim, r, "participants", NULL);
  guint64 seen;

  if (p == NULL)
    return;
  seen = row_hlc (r, "participants", p);
  st_test_replica_delete (r, "participants", p);
  record_op (sim, index, "participants", p, "deleted", "1", seen);
}

/* Moving needs an account with both townships (or the county). */
static void
do_move (Sim  *sim,
         guint index)
{
  StTestReplica *r = g_ptr_array_index (sim->replicas, index);
  g_autofree char *p = NULL;
  g_autofree char *from = NULL;
  const char *to;
  guint64 seen;

  if (!in_scope (r, ST_TEST_TOWNSHIP_A) || !in_scope (r, ST_TEST_TOWNSHIP_B))
    return;
  p = pick_row (sim, r, "participants", NULL);
  if (p == NULL)
    return;
  from = st_test_replica_get (r, "participants", p, "township_code");
  to = g_str_equal (from, ST_TEST_TOWNSHIP_A) ? ST_TEST_TOWNSHIP_B : ST_TEST_TOWNSHIP_A;
  seen = row_hlc (r, "participants", p);
  st_test_replica_set (r, "participants", p, "township_code", to);
  record_op (sim, index, "participants", p, "township_code", to, seen);
}

/* A class with a session, a few enrolments and their attendance. Two
 * laptops marking the same person at the same session make the same row. */
static void
do_class (Sim  *sim,
          guint index)
{
  StTestReplica *r = g_ptr_array_index (sim->replicas, index);
  g_autoptr(GError) error = NULL;
  g_autofree char *klass = pick_row (sim, r, "classes", NULL);

  if (klass == NULL || g_rand_boolean (sim->rand))
    {
      StClass *c = st_class_new ();

      c->name = g_strdup_printf ("%s 班 %u", r->name, g_rand_int_range (sim->rand, 0, 1000));
      c->program_code = g_strdup ("secondary-vocational");
      c->township_code = g_strdup (pick_township (sim, r));
      c->start_date = g_strdup ("2026-09-01");
      if (!st_class_create (r->db, c, &error))
        g_error ("creating a class: %s", error->message);
      g_free (klass);
      klass = g_strdup (c->id);
      st_class_free (c);
    }

  {
    g_autofree char *township = st_test_replica_get (r, "classes", klass, "township_code");
    g_autofree char *where = g_strdup_printf ("AND township_code = '%s'", township);
    g_autofree char *session = pick_row (sim, r, "sessions", NULL);
    g_autofree char *session_class = session != NULL ? st_test_replica_get (r, "sessions", session, "class_id") : NULL;

    if (!in_scope (r, township))
      return;   /* a class that moved out of reach meanwhile */
    if (session == NULL || g_strcmp0 (session_class, klass) != 0 || g_rand_int_range (sim->rand, 0, 3) == 0)
      {
        StSession *s = g_new0 (StSession, 1);

        s->class_id = g_strdup (klass);
        s->date = g_strdup_printf ("2026-10-%02d", g_rand_int_range (sim->rand, 1, 29));
        s->minutes = 120;
        s->mode = g_strdup ("concentrated");
        s->subject = g_strdup ("skill");
        if (!st_session_create (r->db, s, &error))
          g_error ("creating a session: %s", error->message);
        g_free (session);
        session = g_strdup (s->id);
        st_session_free (s);
      }
    for (guint k = 0; k < 3; k++)
      {
        g_autofree char *p = pick_row (sim, r, "participants", where);
        g_autofree char *enrolment = NULL;
        const char *status = g_rand_int_range (sim->rand, 0, 4) == 0 ? "absent" : "present";

        if (p == NULL)
          break;
        enrolment = st_enrol (r->db, p, klass, "2026-09-01", 0, &error);
        if (enrolment == NULL)
          {
            g_clear_error (&error);
            continue;
          }
        if (st_attendance_set (r->db, session, p, status, -1, &error))
          {
            g_autofree char *id = NULL;
            sqlite3_stmt *stmt = st_db_prepare (r->db, "SELECT id FROM attendance WHERE session_id = ? AND participant_id = ?", NULL);

            sqlite3_bind_text (stmt, 1, session, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text (stmt, 2, p, -1, SQLITE_TRANSIENT);
            if (sqlite3_step (stmt) == SQLITE_ROW)
              id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
            sqlite3_reset (stmt);
            if (id != NULL)
              record_op (sim, index, "attendance", id, "status", status, 0);
          }
        g_clear_error (&error);
      }
  }
}

/* With two server processes, the laptop syncs through the balancer: each
 * of its requests goes to either. */
static void
point_at_the_balancer (Sim           *sim,
                       StTestReplica *r)
{
  g_autoptr(GError) error = NULL;

  if (sim->balancer == NULL)
    return;
  g_assert_true (st_db_set_meta (r->db, "sync.server", st_test_balancer_url (sim->balancer), &error));
  g_assert_no_error (error);
}

/* The points of a push where a process is killed: in the middle of its
 * changes, all applied but not committed, committed but not answered. */
static const char *const kill_points[] = { "server-apply-change:1", "server-apply-change:3", "server-commit:1",
                                            "server-committed:1" };

/* Kills the process when it stops at its failpoint. */
typedef struct
{
  StTestBalancer *balancer;
  guint           slot;
  StTestServer   *server;
  gint            stop;
  gboolean        killed;
  gboolean        in_push;   /* a push was under way in it */
} Killer;

static gpointer
killer_run (gpointer data)
{
  Killer *k = data;

  while (!g_atomic_int_get (&k->stop))
    if (st_test_server_wait_log (k->server, "failpoint ", 10))
      {
        k->in_push = st_test_balancer_pushing (k->balancer, k->slot);
        st_test_server_kill (k->server);
        k->killed = TRUE;
        break;
      }
  return NULL;
}

/* Slot @i's process (killed if it still runs: no request is under way
 * between syncs) started again on its port, with @failpoint or none. */
static void
restart (Sim        *sim,
         guint       i,
         const char *failpoint)
{
  StTestServer **server = &sim->servers[i];
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", (*server)->port);
  const char *args[] = { "--listen", listen, NULL };

  st_test_server_free (*server);
  *server = st_test_server_startv (sim->server_db, args, failpoint);
}

static void
do_sync (Sim      *sim,
         guint     index,
         gboolean  with_faults)
{
  StTestReplica *r = g_ptr_array_index (sim->replicas, index);
  StSyncOptions options = { .attempts = 2, .retry_base_ms = 5, .pull_limit = 50, .max_batch = 40,
                            .faults = with_faults ? &sim->faults : NULL };
  g_autoptr(GError) error = NULL;
  Killer killer = { 0, };
  GThread *killer_thread = NULL;
  gboolean ok;
  gboolean killed = FALSE;

  sim->faults.seed = g_rand_int (sim->rand);
  /* For this sync, one of the processes stops at a point of a push (when
   * a push of this sync goes to it), and is killed there. */
  if (with_faults && sim->balancer != NULL && g_rand_int_range (sim->rand, 0, 100) < 15)
    {
      guint victim = g_rand_int_range (sim->rand, 0, 2);

      restart (sim, victim, kill_points[g_rand_int_range (sim->rand, 0, G_N_ELEMENTS (kill_points))]);
      killer = (Killer) { .balancer = sim->balancer, .slot = victim, .server = sim->servers[victim] };
      killer_thread = g_thread_new ("killer", killer_run, &killer);
    }
  ok = st_test_replica_sync (r, &options, NULL, &error);
  if (killer_thread != NULL)
    {
      g_atomic_int_set (&killer.stop, 1);
      g_thread_join (killer_thread);
      killed = killer.killed;
      if (killed && killer.in_push)
        sim->kills++;
      else if (killed)
        sim->idle_kills++;
      /* Without its failpoint (no push of this sync may have reached it). */
      restart (sim, killer.slot, NULL);
    }
  if (ok)
    return;
  if (g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_KILLED))
    st_test_replica_reopen (r);   /* the process restarts */
  else if (with_faults && g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE))
    ;   /* dropped requests, one after the other */
  else if (killed && g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER))
    ;   /* the balancer's 502s while a process was down */
  else
    g_error ("seed %u: %s sync failed: %s", sim->seed, r->name, error->message);
}

static void
observe (Sim *sim)
{
  sqlite3_stmt *stmt = NULL;

  st_test_replica_sync_ok (sim->observer);
  g_assert_cmpint (sqlite3_prepare_v2 (st_db_get_handle (sim->observer->db),
                                       "SELECT id FROM participants WHERE deleted = 1", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (sim->seen_deleted, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
}

/* Everyone syncs, without faults, until nothing is waiting anywhere. */
static void
quiesce (Sim *sim)
{
  for (guint round = 0; round < 6; round++)
    {
      gint64 pending = 0;

      for (guint i = 0; i < sim->replicas->len; i++)
        do_sync (sim, i, FALSE);
      for (guint i = 0; i < sim->replicas->len; i++)
        pending += st_sync_count_pending (((StTestReplica *) g_ptr_array_index (sim->replicas, i))->db);
      if (pending == 0)
        break;
    }
  /* A last pull everywhere: what the last pushers sent. */
  for (guint i = 0; i < sim->replicas->len; i++)
    do_sync (sim, i, FALSE);
  observe (sim);
}

static void
check_invariants (Sim *sim)
{
  StTestReplica *obs = sim->observer;
  g_autofree char *server_digest = NULL;

  /* 1. Convergence: every laptop holds the live rows the server holds in
   * its scope, and every tombstone it holds is the server's. A laptop that
   * read the feed afresh (a new one, or a rebuild after a compaction) has
   * no tombstone of a row it never had: the first pull skips them (issue
   * 16, item 3). */
  for (guint i = 0; i < sim->replicas->len; i++)
    {
      StTestReplica *r = g_ptr_array_index (sim->replicas, i);
      const char *const *scope = (const char * const *) r->townships;
      g_autofree char *mine = st_test_digest_rows (r->db, scope, 0);
      g_autofree char *server = st_test_digest_rows (obs->db, scope, 0);
      g_autofree char *my_tombstones = st_test_digest_rows (r->db, scope, 1);
      g_autofree char *server_tombstones = st_test_digest_rows (obs->db, scope, 1);
      g_auto(GStrv) lines = g_strsplit (my_tombstones, "\n", -1);

      g_assert_cmpint (st_sync_count_pending (r->db), ==, 0);
      if (g_strcmp0 (mine, server) != 0)
        g_error ("seed %u: invariant 1 (convergence): %s (%s) differs from the server:\n--- %s\n%s\n--- server\n%s",
                 sim->seed, r->name, r->user, r->name, mine, server);
      for (guint l = 0; lines[l] != NULL; l++)
        if (*lines[l] != '\0' && strstr (server_tombstones, lines[l]) == NULL)
          g_error ("seed %u: invariant 1 (convergence): %s (%s) holds a tombstone the server does not:\n%s",
                   sim->seed, r->name, r->user, lines[l]);
    }

  /* 2. Every acknowledged change is present or superseded by a later one;
   * 7. an edit made after seeing a value is stamped after it (so, by 2, it
   * beats it), whatever the laptop's clock said. */
  for (guint i = 0; i < sim->ops->len; i++)
    {
      Op *op = g_ptr_array_index (sim->ops, i);
      StTestReplica *r = g_ptr_array_index (sim->replicas, op->replica);
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sync_refusals WHERE seq = %" G_GINT64_FORMAT, op->seq);
      g_autofree char *hlc_sql = g_strdup_printf ("SELECT hlc FROM audit_log WHERE id = %" G_GINT64_FORMAT, op->seq);
      guint64 op_hlc = (guint64) st_test_replica_count (r, hlc_sql);
      guint64 now_hlc;
      g_autofree char *value = NULL;

      if (st_test_replica_count (r, sql) > 0)
        continue;   /* refused by the server (e.g. the row moved out of scope meanwhile) */
      g_assert_cmpuint (op_hlc, >, op->seen_hlc);
      now_hlc = row_hlc (obs, op->table, op->row);
      if (now_hlc == 0)
        g_error ("seed %u: invariant 2: %s %s (from %s) is missing on the server", sim->seed, op->table, op->row, r->name);
      value = st_test_replica_get (obs, op->table, op->row, op->field);
      if (g_strcmp0 (value, op->value) != 0)
        {
          /* Clocks are ordered by (hlc, device): two laptops can stamp
           * the same hlc in the same millisecond. */
          g_autofree char *device_sql = g_strdup_printf ("SELECT device FROM audit_log WHERE id = %" G_GINT64_FORMAT, op->seq);
          g_autofree char *op_device = st_test_replica_get_text (r, device_sql);
          g_autofree char *now_device = st_test_replica_get (obs, op->table, op->row, "device");

          if (now_hlc < op_hlc || (now_hlc == op_hlc && g_strcmp0 (now_device, op_device) <= 0))
            g_error ("seed %u: invariant 2: %s.%s of %s is %s, not %s, though nothing later changed it"
                     " (clock of the change %" G_GUINT64_FORMAT " %s, of the row %" G_GUINT64_FORMAT " %s)",
                     sim->seed, op->table, op->field, op->row, value, op->value,
                     op_hlc, op_device, now_hlc, now_device);
        }
    }

  /* 4. No deleted row comes back — except through an edit the delete had
   * not seen (SYNC.md: a delete wins only over edits it has seen), which
   * the server records as a review item of kind "delete" for a person. */
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, sim->seen_deleted);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      {
        g_autofree char *deleted = st_test_replica_get (obs, "participants", key, "deleted");
        g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM review_items WHERE row_id = '%s'"
                                                " AND json_extract (data, '$.kind') = 'delete'", (char *) key);

        if (g_strcmp0 (deleted, "1") != 0 && st_test_replica_count (obs, sql) == 0)
          g_error ("seed %u: invariant 4: participant %s was deleted and came back", sim->seed, (char *) key);
      }
  }

  /* 5. One live attendance row per (session, participant); one live
   * participant per ID number. */
  g_assert_cmpint (st_test_replica_count (obs, "SELECT count(*) FROM (SELECT 1 FROM attendance WHERE deleted = 0"
                                               " GROUP BY session_id, participant_id HAVING count(*) > 1)"), ==, 0);
  g_assert_cmpint (st_test_replica_count (obs, "SELECT count(*) FROM (SELECT 1 FROM participants WHERE deleted = 0"
                                               " GROUP BY id_number HAVING count(*) > 1)"), ==, 0);

  /* 6. No laptop holds a row outside its account's scope. */
  for (guint i = 0; i < sim->replicas->len; i++)
    {
      StTestReplica *r = g_ptr_array_index (sim->replicas, i);

      if (r->townships == NULL)
        continue;
      for (const char *const *t = (const char * const []) { "participants", "classes", "enrolments", "sessions",
                                                            "attendance", "review_items", NULL }; *t; t++)
        {
          g_autoptr(GString) sql = g_string_new (NULL);

          g_string_printf (sql, "SELECT count(*) FROM %s WHERE township_code NOT IN (", *t);
          for (guint k = 0; r->townships[k] != NULL; k++)
            g_string_append_printf (sql, "%s'%s'", k ? "," : "", r->townships[k]);
          g_string_append (sql, ")");
          if (st_test_replica_count (r, sql->str) != 0)
            g_error ("seed %u: invariant 6: %s (%s) holds %s rows outside its scope", sim->seed, r->name, r->user, *t);
        }
    }

  /* 3. Re-sending any prefix of a laptop's changes changes nothing. */
  server_digest = st_test_digest (obs->db, NULL);
  {
    guint index = g_rand_int_range (sim->rand, 0, sim->replicas->len);
    StTestReplica *r = g_ptr_array_index (sim->replicas, index);
    gint64 high = st_test_replica_count (r, "SELECT max(id) FROM audit_log");
    gint64 prefix = high > 0 ? g_rand_int_range (sim->rand, 1, (gint32) high + 1) : 0;
    g_autofree char *sql = g_strdup_printf ("INSERT INTO outbox (audit_id) SELECT id FROM audit_log"
                                            " WHERE id <= %" G_GINT64_FORMAT
                                            " AND id NOT IN (SELECT seq FROM sync_refusals)", prefix);
    g_autofree char *before = st_test_digest (r->db, (const char * const *) r->townships);
    g_autofree char *after = NULL;
    g_autofree char *server_after = NULL;
    StSyncStats stats = { 0 };
    g_autoptr(GError) error = NULL;

    g_assert_true (st_db_exec (r->db, sql, NULL));
    st_test_replica_sync (r, NULL, &stats, &error);
    g_assert_no_error (error);
    g_assert_cmpint (stats.applied + stats.conflicts + stats.rejected, ==, 0);
    after = st_test_digest (r->db, (const char * const *) r->townships);
    g_assert_cmpstr (before, ==, after);
    st_test_replica_sync_ok (obs);
    server_after = st_test_digest (obs->db, NULL);
    g_assert_cmpstr (server_digest, ==, server_after);
  }
}

static void
run_seed (guint32 seed)
{
  Sim sim = { 0 };
  g_autofree char *dir_name = g_strdup_printf ("seed-%u", seed);
  guint n_replicas;
  guint steps;

  g_test_message ("simulation seed %u (replay: ST_SIM_SEED=%u)", seed, seed);
  sim.seed = seed;
  sim.rand = g_rand_new_with_seed (seed);
  n_replicas = g_rand_int_range (sim.rand, 2, 9);
  steps = 40 + 15 * n_replicas;
  sim.ops = g_ptr_array_new_with_free_func ((GDestroyNotify) op_free);
  sim.seen_deleted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sim.next_person = seed * 1000;
  sim.people = g_array_new (FALSE, FALSE, sizeof (guint));
  sim.faults = (StSyncFaults) { .drop_request = 0.05, .drop_response = 0.05, .duplicate = 0.05, .replay = 0.1,
                                .crash = crash_sometimes, .crash_data = &sim };

  {
    g_autofree char *file = g_strdup_printf ("server-%u.db", seed);

    sim.server_db = st_test_db_path (file);
  }
  st_test_add_user (sim.server_db, "county", "county", NULL);
  st_test_add_user (sim.server_db, "ta", "township", ST_TEST_TOWNSHIP_A, NULL);
  st_test_add_user (sim.server_db, "tb", "township", ST_TEST_TOWNSHIP_B, NULL);
  st_test_add_user (sim.server_db, "tab", "township", ST_TEST_TOWNSHIP_A, ST_TEST_TOWNSHIP_B, NULL);
  sim.servers[0] = st_test_server_start (sim.server_db, NULL);
  if (st_test_store_is_pg ())
    {
      sim.servers[1] = st_test_server_start (sim.server_db, NULL);
      sim.balancer = st_test_balancer_new (sim.servers, 2, seed);
    }

  sim.replicas = g_ptr_array_new_with_free_func ((GDestroyNotify) st_test_replica_free);
  sim.offline = g_new0 (gboolean, n_replicas);
  for (guint i = 0; i < n_replicas; i++)
    {
      static const gint64 skews[] = { 0, 0, 3600 * 1000, -3600 * 1000, 2 * DAY_MS, -2 * DAY_MS, 3 * DAY_MS };
      g_autofree char *name = g_strdup_printf ("s%u-laptop%u", seed, i);
      StTestReplica *r = st_test_replica_new (name, skews[g_rand_int_range (sim.rand, 0, G_N_ELEMENTS (skews))]);

      st_test_replica_sign_in (r, sim.servers[0], accounts[g_rand_int_range (sim.rand, 0, G_N_ELEMENTS (accounts))]);
      point_at_the_balancer (&sim, r);
      g_ptr_array_add (sim.replicas, r);
    }
  {
    g_autofree char *name = g_strdup_printf ("s%u-observer", seed);

    sim.observer = st_test_replica_new (name, 0);
    st_test_replica_sign_in (sim.observer, sim.servers[0], "county");
    point_at_the_balancer (&sim, sim.observer);
  }

  for (guint step = 0; step < steps; step++)
    {
      guint index = g_rand_int_range (sim.rand, 0, n_replicas);
      guint dice = g_rand_int_range (sim.rand, 0, 100);

      if (dice < 20)
        do_create (&sim, index);
      else if (dice < 45)
        do_edit (&sim, index);
      else if (dice < 50)
        do_delete (&sim, index);
      else if (dice < 55)
        do_move (&sim, index);
      else if (dice < 65)
        do_class (&sim, index);
      else if (dice < 68)
        do_review (&sim, index);
      else if (dice < 93)
        {
          if (!sim.offline[index])
            do_sync (&sim, index, TRUE);
        }
      else
        sim.offline[index] = !sim.offline[index];   /* a partition begins or ends */
      if (step % 10 == 0)
        observe (&sim);
    }

  quiesce (&sim);
  check_invariants (&sim);
  g_test_message ("seed %u: %u laptops, %u changes, %" G_GINT64_FORMAT " crashes, %" G_GINT64_FORMAT
                  " server processes killed in a push (and %" G_GINT64_FORMAT " after answering), %" G_GINT64_FORMAT
                  " people registered twice, %" G_GINT64_FORMAT " live participants, %" G_GINT64_FORMAT " review items",
                  seed, n_replicas, sim.ops->len, sim.crashes, sim.kills, sim.idle_kills, sim.twins,
                  st_db_count_live (sim.observer->db, "participants"), st_db_count_live (sim.observer->db, "review_items"));

  if (sim.balancer != NULL)
    {
      guint64 to_first = st_test_balancer_requests (sim.balancer, 0);
      guint64 to_second = st_test_balancer_requests (sim.balancer, 1);
      guint64 switches = st_test_balancer_switches (sim.balancer);

      g_test_message ("seed %u: %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT " requests to the two processes,"
                      " %" G_GUINT64_FORMAT " to another process than the laptop's request before,"
                      " %" G_GUINT64_FORMAT " answered 502",
                      seed, to_first, to_second, switches, st_test_balancer_failed (sim.balancer));
      /* Both served, and a laptop's requests went back and forth. */
      g_assert_cmpuint (to_first, >, 0);
      g_assert_cmpuint (to_second, >, 0);
      g_assert_cmpuint (switches, >, 0);
      g_clear_pointer (&sim.balancer, st_test_balancer_free);
    }
  st_test_replica_free (sim.observer);
  g_ptr_array_unref (sim.replicas);
  g_free (sim.offline);
  for (guint i = 0; i < G_N_ELEMENTS (sim.servers); i++)
    if (sim.servers[i] != NULL)
      {
        st_test_server_stop (sim.servers[i]);
        st_test_server_free (sim.servers[i]);
      }
  g_free (sim.server_db);
  g_ptr_array_unref (sim.ops);
  g_hash_table_unref (sim.seen_deleted);
  g_array_unref (sim.people);
  g_rand_free (sim.rand);
}

static void
test_seed (gconstpointer data)
{
  run_seed (GPOINTER_TO_UINT (data));
}

int
main (int    argc,
      char **argv)
{
  const char *replay = g_getenv ("ST_SIM_SEED");
#ifdef ST_SIM_MANY
  guint first = 100, count = 200;
#else
  guint first = 1, count = 3;
#endif

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (replay != NULL)
    {
      first = (guint) g_ascii_strtoull (replay, NULL, 10);
      count = 1;
    }
  for (guint seed = first; seed < first + count; seed++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/simulation/seed-%u", seed);

      g_test_add_data_func (path, GUINT_TO_POINTER (seed), test_seed);
    }
  return g_test_run ();
}
