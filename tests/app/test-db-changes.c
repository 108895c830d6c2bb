/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The database says which tables a commit changed: to a connection that
 * follows it, for commits of its own, of another connection in a worker
 * thread (as a sync pull writes), and never for a rollback. */
#include "config.h"

#include <glib/gstdio.h>

#include "st-db.h"
#include "st-idcard.h"
#include "st-participant.h"

typedef struct
{
  GPtrArray *seen;   /* of GStrv, in order */
} Seen;

static void
on_changed (StDb               *db,
            const char * const *tables,
            Seen               *seen)
{
  g_ptr_array_add (seen->seen, g_strdupv ((char **) tables));
}

static void
wait_for (Seen  *seen,
          guint  n)
{
  /* Long enough for an idle to run; what should not come has come by then. */
  gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (seen->seen->len < n && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

static void
insert_someone (StDb       *db,
                const char *id17)
{
  g_autoptr(StParticipant) p = st_participant_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%s%c", id17, st_idcard_check_character (id17));

  p->id_number = g_steal_pointer (&id);
  p->name = g_strdup ("张三");
  p->township_code = g_strdup ("522327001000");
  g_assert_true (st_participant_insert (db, p, &error));
  g_assert_no_error (error);
}

static gpointer
writer_thread (gpointer path)
{
  g_autoptr(StDb) db = st_db_open (path, NULL);

  g_assert_nonnull (db);
  insert_someone (db, "52232719900101002");
  return NULL;
}

static void
test_follow (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "changes.db", NULL);
  g_autoptr(StDb) db = st_db_open (path, NULL);
  g_autoptr(GError) error = NULL;
  Seen seen = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev) };
  GThread *thread;

  g_assert_nonnull (db);
  st_db_follow_changes (db);
  g_signal_connect (db, "tables-changed", G_CALLBACK (on_changed), &seen);

  /* Its own write: the table and what the triggers wrote, once. */
  insert_someone (db, "52232719850312001");
  wait_for (&seen, 1);
  g_assert_cmpuint (seen.seen->len, ==, 1);
  g_assert_true (g_strv_contains (g_ptr_array_index (seen.seen, 0), "participants"));
  g_assert_true (g_strv_contains (g_ptr_array_index (seen.seen, 0), "audit_log"));

  /* A rolled-back write says nothing. */
  g_assert_true (st_db_begin (db, &error));
  g_assert_true (st_db_exec (db, "UPDATE participants SET phone = '1', hlc = st_hlc (), device = st_device ()", &error));
  st_db_rollback (db);
  wait_for (&seen, 2);
  g_assert_cmpuint (seen.seen->len, ==, 1);

  /* Another connection, in a worker: announced here, in this thread. */
  thread = g_thread_new ("writer", writer_thread, path);
  g_thread_join (thread);
  wait_for (&seen, 2);
  g_assert_cmpuint (seen.seen->len, ==, 2);
  g_assert_true (g_strv_contains (g_ptr_array_index (seen.seen, 1), "participants"));
  g_assert_false (g_strv_contains (g_ptr_array_index (seen.seen, 1), "classes"));

  g_ptr_array_unref (seen.seen);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/db/changes/follow", test_follow);
  return g_test_run ();
}
