/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sync by file (issue 20) end to end, with the real shuangti-server on
 * 127.0.0.1: laptop A is online, laptop B never is after its first sign-in;
 * B's bundle goes to the server through A (or a courier of another
 * township, or the server's own command), and the reply comes back to B. */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "st-bundle.h"
#include "st-demo.h"
#include "st-test-replica.h"

typedef struct
{
  StTestServer  *server;
  char          *server_db;
  StTestReplica *a;   /* online, county */
  StTestReplica *b;   /* offline, township A */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server_db = st_test_db_path ("server.db");
  st_test_add_user (f->server_db, "county", "county", NULL);
  st_test_add_user (f->server_db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  st_test_add_user (f->server_db, "yangba", "township", ST_TEST_TOWNSHIP_B, NULL);
  f->server = st_test_server_start (f->server_db, NULL);
  f->a = st_test_replica_new ("laptop-a", 0);
  f->b = st_test_replica_new ("laptop-b", 0);
  st_test_replica_sign_in (f->a, f->server, "county");
  /* B signs in once, at the township office; never again. */
  st_test_replica_sign_in (f->b, f->server, "qiaoma");
  st_test_replica_sync_ok (f->b);
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

static GBytes *
export_ok (StTestReplica *r)
{
  g_autoptr(GError) error = NULL;
  GBytes *bundle = st_bundle_export (r->db, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bundle);
  return bundle;
}

static GBytes *
relay_ok (StTestReplica *courier,
          GBytes        *bundle)
{
  g_autoptr(GError) error = NULL;
  GBytes *reply = st_bundle_relay (courier->db, courier->token, bundle, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reply);
  return reply;
}

static void
import_ok (StTestReplica *r,
           GBytes        *reply,
           StSyncStats   *stats)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (st_bundle_import (r->db, reply, stats, &error));
  g_assert_no_error (error);
}

/* A copy of @bytes with the byte at @at changed. */
static GBytes *
flip (GBytes *bytes,
      gsize   at)
{
  gsize size;
  guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, &size), g_bytes_get_size (bytes));

  g_assert_cmpuint (at, <, size);
  copy[at] ^= 0x20;
  return g_bytes_new_take (copy, size);
}

static char *
digest (StTestReplica *r)
{
  return st_test_digest (r->db, NULL);
}

/* B's changes reach the server and A through a relay by A; A's reach B
 * through the reply; then both edit one field and resolve as a network sync
 * does: the later edit everywhere, the earlier kept for review. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *pb = st_test_replica_add_participant (f->b, 1, "张三", ST_TEST_TOWNSHIP_A);
  g_autofree char *pa = st_test_replica_add_participant (f->a, 2, "李四", ST_TEST_TOWNSHIP_A);
  g_autofree char *name = NULL;
  g_autofree char *phone_a = NULL;
  g_autofree char *phone_b = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(StBundleInfo) info = NULL;
  g_autoptr(StBundleReplyInfo) reply_info = NULL;
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };

  st_test_replica_sync_ok (f->a);

  bundle = st_bundle_export (f->b->db, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->changes, ==, 1);
  g_assert_cmpstr (info->account, ==, "qiaoma");
  /* The courier reads whose it is and how many changes, nothing of them:
   * no name, no ID number, no password, no token, even inflated. */
  {
    gsize size = g_bytes_get_size (bundle);
    const char *bytes = g_bytes_get_data (bundle, NULL);
    g_autofree char *id_number = st_test_id_number (1);
    g_autofree char *name_b = st_test_replica_get (f->b, "participants", pb, "name");
    const char *secrets[] = { name_b, id_number, pb, ST_TEST_PASSWORD, f->b->token };

    g_assert_cmpstr (name_b, ==, "张三");
    for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
      {
        g_assert_null (g_strstr_len (bytes, (gssize) size, secrets[i]));
        for (gsize at = 0; at + 2 < size; at++)
          if ((guchar) bytes[at] == 0x1f && (guchar) bytes[at + 1] == 0x8b)
            {
              g_autoptr(GBytes) inflated = st_bundle_gunzip (bytes + at, size - at, 1 << 24, NULL);

              g_assert_true (inflated == NULL
                             || g_strstr_len (g_bytes_get_data (inflated, NULL), (gssize) g_bytes_get_size (inflated),
                                              secrets[i]) == NULL);
            }
      }
  }

  reply = relay_ok (f->a, bundle);
  st_test_replica_sync_ok (f->a);
  name = st_test_replica_get (f->a, "participants", pb, "name");
  g_assert_cmpstr (name, ==, "张三");

  /* What the reply holds, before it is applied; then applied. */
  reply_info = st_bundle_describe_reply (f->b->db, reply, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reply_info->applied, ==, 1);
  g_assert_cmpstr (reply_info->courier, ==, "county");
  g_assert_cmpint (st_sync_count_pending (f->b->db), ==, 1);
  import_ok (f->b, reply, &stats);
  g_assert_cmpint (stats.pushed, ==, 1);
  g_assert_cmpint (st_sync_count_pending (f->b->db), ==, 0);
  g_clear_pointer (&name, g_free);
  name = st_test_replica_get (f->b, "participants", pa, "name");
  g_assert_cmpstr (name, ==, "李四");
  {
    g_autofree char *da = st_test_digest (f->a->db, (const char *[]) { ST_TEST_TOWNSHIP_A, NULL });
    g_autofree char *db = st_test_digest (f->b->db, (const char *[]) { ST_TEST_TOWNSHIP_A, NULL });

    g_assert_cmpstr (da, ==, db);
  }

  /* The same field on both, B later. */
  st_test_replica_set (f->a, "participants", pa, "phone", "13900000001");
  g_usleep (5000);
  st_test_replica_set (f->b, "participants", pa, "phone", "13900000002");
  st_test_replica_sync_ok (f->a);
  g_clear_pointer (&bundle, g_bytes_unref);
  g_clear_pointer (&reply, g_bytes_unref);
  bundle = export_ok (f->b);
  reply = relay_ok (f->a, bundle);
  g_clear_pointer (&reply_info, st_bundle_reply_info_free);
  reply_info = st_bundle_describe_reply (f->b->db, reply, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reply_info->conflicts, ==, 1);
  import_ok (f->b, reply, &stats);
  st_test_replica_sync_ok (f->a);
  phone_a = st_test_replica_get (f->a, "participants", pa, "phone");
  phone_b = st_test_replica_get (f->b, "participants", pa, "phone");
  g_assert_cmpstr (phone_a, ==, "13900000002");
  g_assert_cmpstr (phone_b, ==, "13900000002");
  /* A's number is kept for review on both, as after a network sync. */
  g_assert_cmpint (st_sync_count_items (f->a->db), ==, 1);
  g_assert_cmpint (st_sync_count_items (f->b->db), ==, 1);
  {
    g_autofree char *da = st_test_digest (f->a->db, (const char *[]) { ST_TEST_TOWNSHIP_A, NULL });
    g_autofree char *db = st_test_digest (f->b->db, (const char *[]) { ST_TEST_TOWNSHIP_A, NULL });

    g_assert_cmpstr (da, ==, db);
  }
}

/* A bundle relayed twice changes nothing the second time; a reply applied
 * twice, or one older than a reply applied, is refused with nothing written. */
static void
test_replay (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *pb = st_test_replica_add_participant (f->b, 3, "王五", ST_TEST_TOWNSHIP_A);
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(StBundleReplyInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *server_before = NULL;
  g_autofree char *server_after = NULL;

  bundle = export_ok (f->b);
  first = relay_ok (f->a, bundle);
  st_test_replica_sync_ok (f->a);
  server_before = digest (f->a);
  second = relay_ok (f->a, bundle);
  st_test_replica_sync_ok (f->a);
  server_after = digest (f->a);
  g_assert_cmpstr (server_before, ==, server_after);
  info = st_bundle_describe_reply (f->b->db, second, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->duplicates, ==, 1);
  g_assert_cmpint (info->applied, ==, 0);

  /* The later reply first; then the earlier is refused. */
  import_ok (f->b, second, NULL);
  before = digest (f->b);
  g_assert_false (st_bundle_import (f->b->db, first, NULL, &error));
  g_assert_error (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_OLD_REPLY);
  g_clear_error (&error);
  g_assert_false (st_bundle_import (f->b->db, second, NULL, &error));
  g_assert_error (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_OLD_REPLY);
  after = digest (f->b);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (st_sync_count_pending (f->b->db), ==, 0);
}

/* A byte changed anywhere in a bundle: refused, nothing written on the
 * server. Anywhere in a reply: refused, nothing written on the laptop, and
 * the true reply still applies. */
static void
test_tampering (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *pb = st_test_replica_add_participant (f->b, 4, "赵六", ST_TEST_TOWNSHIP_A);
  g_autoptr(GBytes) bundle = export_ok (f->b);
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *before = NULL;
  gsize size = g_bytes_get_size (bundle);
  gsize places[] = { 3, 20, 50, size / 2, size - 70, size - 1 };

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      g_autoptr(GBytes) bad = flip (bundle, places[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) answer = st_bundle_relay (f->a->db, f->a->token, bad, NULL, &error);

      g_assert_null (answer);
      g_assert_nonnull (error);
      g_test_message ("byte %" G_GSIZE_FORMAT " changed: %s", places[i], error->message);
    }
  st_test_replica_sync_ok (f->a);
  g_assert_cmpint (st_test_replica_count (f->a, "SELECT count(*) FROM participants"), ==, 0);

  reply = relay_ok (f->a, bundle);
  before = digest (f->b);
  size = g_bytes_get_size (reply);
  {
    gsize reply_places[] = { 2, 10, 44, 60, size / 2, size - 1 };

    for (guint i = 0; i < G_N_ELEMENTS (reply_places); i++)
      {
        g_autoptr(GBytes) bad = flip (reply, reply_places[i]);
        g_autoptr(GError) error = NULL;
        g_autofree char *now = NULL;

        g_assert_false (st_bundle_import (f->b->db, bad, NULL, &error));
        g_assert_nonnull (error);
        g_test_message ("reply byte %" G_GSIZE_FORMAT " changed: %s", reply_places[i], error->message);
        now = digest (f->b);
        g_assert_cmpstr (now, ==, before);
        g_assert_cmpint (st_sync_count_pending (f->b->db), ==, 1);
      }
  }
  import_ok (f->b, reply, NULL);
  g_assert_cmpint (st_sync_count_pending (f->b->db), ==, 0);
}

/* A reply for B does not open on another laptop; a bundle of a device the
 * server has no key for, or of a revoked device, is refused. */
static void
test_wrong_and_revoked_device (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *pb = st_test_replica_add_participant (f->b, 5, "孙七", ST_TEST_TOWNSHIP_A);
  g_autoptr(GBytes) bundle = export_ok (f->b);
  g_autoptr(GBytes) reply = relay_ok (f->a, bundle);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = digest (f->a);
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *prefix = g_strdup (st_db_get_device_id (f->b->db));

  g_assert_false (st_bundle_import (f->a->db, reply, NULL, &error));
  g_assert_error (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_OTHER_LAPTOP);
  g_clear_error (&error);
  g_assert_null (st_bundle_describe_reply (f->a->db, reply, &error));
  g_assert_error (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_OTHER_LAPTOP);
  g_clear_error (&error);
  after = digest (f->a);
  g_assert_cmpstr (before, ==, after);

  /* The same device id with another laptop's keys: B's own keys replaced
   * (as if the file were made elsewhere under B's id) are not the server's. */
  {
    g_autofree char *keys = st_db_get_meta (f->b->db, "bundle.keys");
    g_autoptr(GBytes) forged = NULL;
    StBundleKeys other;
    g_autofree char *other_text = NULL;

    st_bundle_keys_generate (&other);
    other_text = st_bundle_keys_to_text (&other);
    g_assert_true (st_db_begin (f->b->db, NULL));
    g_assert_true (st_db_set_meta (f->b->db, "bundle.keys", other_text, NULL));
    g_assert_true (st_db_commit (f->b->db, NULL));
    forged = export_ok (f->b);
    g_assert_null (st_bundle_relay (f->a->db, f->a->token, forged, NULL, &error));
    g_assert_error (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_REFUSED);
    g_clear_error (&error);
    g_assert_true (st_db_begin (f->b->db, NULL));
    g_assert_true (st_db_set_meta (f->b->db, "bundle.keys", keys, NULL));
    g_assert_true (st_db_commit (f->b->db, NULL));
  }

  /* Revoked at the county: its next bundle is refused. */
  g_assert_cmpint (st_test_admin (f->server_db, NULL, &out, NULL, "device", "revoke", prefix, NULL), ==, 0);
  g_clear_pointer (&bundle, g_bytes_unref);
  bundle = export_ok (f->b);
  g_assert_null (st_bundle_relay (f->a->db, f->a->token, bundle, NULL, &error));
  g_assert_error (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "signed out"));
}

/* A courier of another township relays B's bundle: it is applied as B's
 * account (a row of township A, which the courier could not write), the
 * courier's laptop cannot open the reply, and its own sync gets nothing of
 * township A. */
static void
test_courier_other_township (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(StTestReplica) c = st_test_replica_new ("laptop-c", 0);
  g_autofree char *pb = st_test_replica_add_participant (f->b, 6, "周八", ST_TEST_TOWNSHIP_A);
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(StBundleReplyInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  st_test_replica_sign_in (c, f->server, "yangba");
  st_test_replica_sync_ok (c);
  bundle = export_ok (f->b);
  reply = relay_ok (c, bundle);

  g_assert_null (st_bundle_describe_reply (c->db, reply, &error));
  g_assert_error (error, ST_BUNDLE_ERROR, ST_BUNDLE_ERROR_OTHER_LAPTOP);
  g_clear_error (&error);
  st_test_replica_sync_ok (c);
  g_assert_cmpint (st_test_replica_count (c, "SELECT count(*) FROM participants"), ==, 0);

  info = st_bundle_describe_reply (f->b->db, reply, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->applied, ==, 1);
  g_assert_cmpint (info->rejected, ==, 0);
  g_assert_cmpstr (info->courier, ==, "yangba");
  import_ok (f->b, reply, NULL);
  st_test_replica_sync_ok (f->a);
  name = st_test_replica_get (f->a, "participants", pb, "name");
  g_assert_cmpstr (name, ==, "周八");
  /* The county's change log names B's account, not the courier's. */
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (st_test_admin (f->server_db, NULL, &out, NULL, "audit", "--json", "--participant", pb, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "qiaoma"));
    g_assert_null (strstr (out, "yangba"));
  }
}

/* B's date went a day ahead in the village, after its last sync: the
 * server refuses the stamps; the reply restamps them from the server's
 * time, and the next bundle goes through. */
static void
test_clock_ahead (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *pb = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(StBundleReplyInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  f->b->skew_ms = 24 * 3600 * 1000;
  pb = st_test_replica_add_participant (f->b, 8, "郑十", ST_TEST_TOWNSHIP_A);
  bundle = export_ok (f->b);
  reply = relay_ok (f->a, bundle);
  info = st_bundle_describe_reply (f->b->db, reply, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info->refusal);
  g_assert_nonnull (strstr (info->refusal, "clock_in_future"));
  import_ok (f->b, reply, NULL);
  g_assert_cmpint (st_sync_count_pending (f->b->db), ==, 1);

  g_clear_pointer (&bundle, g_bytes_unref);
  g_clear_pointer (&reply, g_bytes_unref);
  g_clear_pointer (&info, st_bundle_reply_info_free);
  bundle = export_ok (f->b);
  reply = relay_ok (f->a, bundle);
  info = st_bundle_describe_reply (f->b->db, reply, &error);
  g_assert_no_error (error);
  g_assert_null (info->refusal);
  g_assert_cmpint (info->applied, ==, 1);
  import_ok (f->b, reply, NULL);
  g_assert_cmpint (st_sync_count_pending (f->b->db), ==, 0);
  st_test_replica_sync_ok (f->a);
  name = st_test_replica_get (f->a, "participants", pb, "name");
  g_assert_cmpstr (name, ==, "郑十");
}

/* A bundle of 1,000 changes is at most 200 KB, and goes through whole. */
static void
test_size (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(StBundleInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };

  g_assert_true (st_db_begin (f->b->db, NULL));
  for (guint n = 0; n < 1000; n++)
    {
      g_autofree char *p = st_test_replica_add_participant (f->b, 1000 + n, "陈", ST_TEST_TOWNSHIP_A);
    }
  g_assert_true (st_db_commit (f->b->db, NULL));
  bundle = st_bundle_export (f->b->db, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->changes, ==, 1000);
  g_test_message ("a bundle of 1000 new participants: %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (bundle));
  g_print ("# bundle of 1000 changes: %" G_GSIZE_FORMAT " bytes\n", g_bytes_get_size (bundle));
  g_assert_cmpuint (g_bytes_get_size (bundle), <=, 200 * 1024);

  reply = relay_ok (f->a, bundle);
  import_ok (f->b, reply, &stats);
  g_assert_cmpint (stats.pushed, ==, 1000);
  g_assert_cmpint (st_sync_count_pending (f->b->db), ==, 0);
  st_test_replica_sync_ok (f->a);
  g_assert_cmpint (st_test_replica_count (f->a, "SELECT count(*) FROM participants"), ==, 1000);

  /* 1,000 people as a roster brings them, every field filled as the demo
   * county fills it (names, ID numbers, villages, phones, education …). */
  {
    g_autoptr(StTestReplica) d = st_test_replica_new ("laptop-d", 0);
    g_autoptr(GBytes) full = NULL;
    g_autoptr(GBytes) full_reply = NULL;
    g_autoptr(StBundleInfo) full_info = NULL;

    st_test_replica_sign_in (d, f->server, "county");
    g_assert_true (st_demo_populate (d->db, 1000, 7, &error));
    full = st_bundle_export (d->db, &full_info, &error);
    g_assert_no_error (error);
    g_assert_cmpint (full_info->changes, ==, 1000);
    g_print ("# bundle of 1000 demo participants (every field): %" G_GSIZE_FORMAT " bytes\n", g_bytes_get_size (full));
    g_assert_cmpuint (g_bytes_get_size (full), <=, 200 * 1024);
    full_reply = relay_ok (f->a, full);
    import_ok (d, full_reply, &stats);
    g_assert_cmpint (stats.pushed, ==, 1000);
    g_assert_cmpint (stats.rejected, ==, 0);
  }
}

static void
run (const char  *program,
     char       **out,
     int          status,
     const char  *first,
     ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                      | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) program);
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "ST_PASSWORD", ST_TEST_PASSWORD, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &text, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != status)
    g_error ("%s exited %d: %s %s", program, g_subprocess_get_exit_status (process), text, err);
  if (out != NULL)
    *out = g_strconcat (text, err, NULL);
}

/* The commands: export and import on B, relay on A, and the server's own
 * bundle import in its place. */
static void
test_commands (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *pb = st_test_replica_add_participant (f->b, 7, "吴九", ST_TEST_TOWNSHIP_A);
  g_autofree char *dir = g_dir_make_tmp ("bundle-XXXXXX", NULL);
  g_autofree char *bundle = g_build_filename (dir, "b.stbundle", NULL);
  g_autofree char *reply = g_build_filename (dir, "b.streply", NULL);
  g_autofree char *reply2 = g_build_filename (dir, "b2.streply", NULL);
  const char *cli = g_getenv ("ST_CLI");
  g_autofree char *out = NULL;
  g_autofree char *name = NULL;

  run (cli, &out, 0, "--db", f->b->path, "bundle", "export", bundle, NULL);
  g_assert_nonnull (strstr (out, "1 change of account qiaoma"));
  g_clear_pointer (&out, g_free);
  run (cli, &out, 0, "--db", f->b->path, "bundle", "show", bundle, NULL);
  g_assert_nonnull (strstr (out, "1 change of account"));
  g_clear_pointer (&out, g_free);

  /* The courier's laptop cannot import it, and says why. */
  run (cli, &out, 1, "--db", f->a->path, "bundle", "import", bundle, NULL);
  g_assert_nonnull (strstr (out, "relay it first"));
  g_clear_pointer (&out, g_free);

  run (cli, &out, 0, "--db", f->a->path, "bundle", "relay", bundle, "--reply", reply, NULL);
  g_assert_nonnull (strstr (out, "only that laptop can open it"));
  g_clear_pointer (&out, g_free);
  run (cli, &out, 1, "--db", f->a->path, "bundle", "import", reply, NULL);
  g_assert_nonnull (strstr (out, "another laptop"));
  g_clear_pointer (&out, g_free);
  run (cli, &out, 0, "--db", f->b->path, "bundle", "import", reply, NULL);
  g_assert_nonnull (strstr (out, "1 applied"));
  g_clear_pointer (&out, g_free);
  run (cli, &out, 1, "--db", f->b->path, "bundle", "import", reply, NULL);
  g_assert_nonnull (strstr (out, "not newer"));
  g_clear_pointer (&out, g_free);

  /* At the server itself. */
  st_test_replica_set (f->b, "participants", pb, "phone", "13700000000");
  run (cli, NULL, 0, "--db", f->b->path, "bundle", "export", bundle, NULL);
  g_assert_cmpint (st_test_admin (f->server_db, NULL, &out, NULL, "bundle", "import", bundle, "--reply", reply2, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "The bundle is applied"));
  g_clear_pointer (&out, g_free);
  run (cli, &out, 0, "--db", f->b->path, "--json", "bundle", "import", reply2, NULL);
  g_assert_nonnull (strstr (out, "\"applied\" : 1"));
  g_assert_cmpint (st_sync_count_pending (f->b->db), ==, 0);
  st_test_replica_sync_ok (f->a);
  name = st_test_replica_get (f->a, "participants", pb, "phone");
  g_assert_cmpstr (name, ==, "13700000000");
  st_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/bundle/round-trip", test_round_trip);
  ADD ("/bundle/replay", test_replay);
  ADD ("/bundle/tampering", test_tampering);
  ADD ("/bundle/wrong-and-revoked-device", test_wrong_and_revoked_device);
  ADD ("/bundle/courier-other-township", test_courier_other_township);
  ADD ("/bundle/clock-ahead", test_clock_ahead);
  ADD ("/bundle/size", test_size);
  ADD ("/bundle/commands", test_commands);
#undef ADD
  return g_test_run ();
}
