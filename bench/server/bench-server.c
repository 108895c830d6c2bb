/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 100 laptops each pushing 1,000 changes to a real shuangti-server at once:
 * throughput, push latency (p50, p95, max) and lost writes, checked by
 * pulling everything back. Targets (issue 4): no lost write, p95 ≤ 500 ms.
 * The latency of every laptop's first push (all sent at the same moment)
 * is printed apart from the later ones' (each sent when the one before was
 * answered): a p95 above target may come from either.
 *
 *   bench-server [--clients N] [--changes N] [--batch N] [SERVER-BINARY]
 */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "st-test-server.h"
#include "st-uuid.h"

static int n_clients = 100;
static int n_changes = 1000;
static int batch = 100;
static int n_processes = 1;

typedef struct
{
  StTestServer *server;
  guint         index;
  GPtrArray    *rows;          /* of the rows this laptop made */
  GArray       *latencies;     /* gdouble, ms */
  guint         applied;
  guint         failed;
} Client;

static GMutex start_lock;
static GCond start_cond;
static guint ready;
static gboolean go;
static gint64 started_at;

static char *
phone_of (guint client,
          guint row)
{
  return g_strdup_printf ("1%04u%06u", client, row);
}

static gpointer
client_run (gpointer data)
{
  Client *c = data;
  g_autoptr(SoupSession) session = st_test_session_new ();
  g_autofree char *device = st_uuid_new ();
  g_autofree char *token = st_test_sign_in (session, c->server, "bench", device);
  guint n_rows = (guint) n_changes / 2;
  gint64 t0 = st_test_hlc (-120000);
  gint64 seq = 0;

  for (guint i = 0; i < n_rows; i++)
    g_ptr_array_add (c->rows, st_uuid_new ());

  /* Everyone starts together. */
  g_mutex_lock (&start_lock);
  ready++;
  g_cond_broadcast (&start_cond);
  while (!go)
    g_cond_wait (&start_cond, &start_lock);
  g_mutex_unlock (&start_lock);

  /* A laptop's outbox: each person registered, then each phone number
   * corrected. */
  for (guint done = 0; done < (guint) n_changes;)
    {
      g_autoptr(GString) changes = g_string_new ("[");
      g_autoptr(StTestReply) reply = NULL;
      guint end = MIN (done + (guint) batch, (guint) n_changes);
      gint64 sent;
      JsonArray *results;

      for (guint k = done; k < end; k++)
        {
          g_autofree char *change = NULL;
          guint row = k % n_rows;
          const char *id = g_ptr_array_index (c->rows, row);

          if (k < n_rows)
            change = st_test_change (++seq, "participants", id, "insert", t0 + row, 0,
                                     st_test_participant ("压测", c->index % 2 ? ST_TEST_TOWNSHIP_A : ST_TEST_TOWNSHIP_B,
                                                          c->index * 10000 + row));
          else
            change = st_test_change (++seq, "participants", id, "update", t0 + n_rows + row, t0 + row,
                                     g_strdup_printf ("{\"phone\":\"%s\"}", phone_of (c->index, row)));
          g_string_append_printf (changes, "%s%s", k > done ? "," : "", change);
        }
      g_string_append_c (changes, ']');

      sent = g_get_monotonic_time ();
      reply = st_test_push (session, c->server, token, 0, changes->str);
      {
        gdouble ms = (g_get_monotonic_time () - sent) / 1000.0;

        g_array_append_val (c->latencies, ms);
      }
      if (reply->status != 200)
        g_error ("push failed: %u", reply->status);
      results = json_object_get_array_member (st_test_reply_object (reply), "results");
      for (guint i = 0; i < json_array_get_length (results); i++)
        if (g_str_equal (json_object_get_string_member (json_array_get_object_element (results, i), "result"),
                         "applied"))
          c->applied++;
        else
          c->failed++;
      done = end;
    }
  return NULL;
}

/* CPU time of @server so far (from /proc), or of this process (@server
 * NULL): on a machine shared with other work, wall time varies from run to
 * run, this much less. */
static double
cpu_seconds (StTestServer *server)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (server == NULL)
    {
      struct rusage usage;

      getrusage (RUSAGE_SELF, &usage);
      return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    }
  path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (server->process));
  if (!g_file_get_contents (path, &text, NULL, NULL) || (end = strrchr (text, ')')) == NULL)
    return 0;
  /* After "pid (comm)": utime and stime are fields 14 and 15. */
  fields = g_strsplit (end + 2, " ", 16);
  if (g_strv_length (fields) < 14)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

static gdouble
percentile (GArray  *sorted,
            gdouble  p)
{
  guint i = (guint) (p * (sorted->len - 1) + 0.5);

  return g_array_index (sorted, gdouble, MIN (i, sorted->len - 1));
}

int
main (int    argc,
      char **argv)
{
  GOptionEntry entries[] = {
    { "clients", 0, 0, G_OPTION_ARG_INT, &n_clients, "Laptops pushing at once (100)", "N" },
    { "changes", 0, 0, G_OPTION_ARG_INT, &n_changes, "Changes each laptop pushes (1000)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Changes per push (100)", "N" },
    { "processes", 0, 0, G_OPTION_ARG_INT, &n_processes,
      "Server processes on the database, each laptop talking to one (1; more on PostgreSQL only)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[SERVER-BINARY]");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autoptr(StTestServer) server = NULL;
  StTestServer *others[8] = { NULL, };
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_autoptr(GArray) later = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(GHashTable) by_row = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *device = st_uuid_new ();
  g_autofree char *token = NULL;
  Client *clients;
  GThread **threads;
  gint64 finished_at, pull_started, pull_finished;
  double server_cpu0, server_cpu1, own_cpu0, own_cpu1;
  guint applied = 0, failed = 0, lost = 0;
  gdouble seconds;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-server: %s\n", error->message);
      return 2;
    }
  if (argc > 1)
    st_test_set_server_binary (argv[1]);
  if (n_clients < 1 || n_changes < 2 || batch < 1 || n_processes < 1 || n_processes > 9)
    {
      g_printerr ("bench-server: --clients, --changes and --batch must be positive, --processes 1 to 9\n");
      return 2;
    }
  /* No proxy lookups; no GSettings. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  dir = g_dir_make_tmp ("bench-server-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "server.db", NULL);
  st_test_add_user (db, "bench", "county", NULL);
  server = st_test_server_start (db, "--quiet", NULL);
  for (int p = 1; p < n_processes; p++)
    others[p - 1] = st_test_server_start (db, "--quiet", NULL);

  clients = g_new0 (Client, n_clients);
  threads = g_new0 (GThread *, n_clients);
  for (int i = 0; i < n_clients; i++)
    {
      clients[i].server = i % n_processes == 0 ? server : others[i % n_processes - 1];
      clients[i].index = (guint) i;
      clients[i].rows = g_ptr_array_new_with_free_func (g_free);
      clients[i].latencies = g_array_new (FALSE, FALSE, sizeof (gdouble));
      threads[i] = g_thread_new ("laptop", client_run, &clients[i]);
    }
  g_mutex_lock (&start_lock);
  while (ready < (guint) n_clients)
    g_cond_wait (&start_cond, &start_lock);
  go = TRUE;
  started_at = g_get_monotonic_time ();
  server_cpu0 = cpu_seconds (server);
  for (int p = 1; p < n_processes; p++)
    server_cpu0 += cpu_seconds (others[p - 1]);
  own_cpu0 = cpu_seconds (NULL);
  g_cond_broadcast (&start_cond);
  g_mutex_unlock (&start_lock);
  for (int i = 0; i < n_clients; i++)
    g_thread_join (threads[i]);
  finished_at = g_get_monotonic_time ();
  server_cpu1 = cpu_seconds (server);
  for (int p = 1; p < n_processes; p++)
    server_cpu1 += cpu_seconds (others[p - 1]);
  own_cpu1 = cpu_seconds (NULL);

  for (int i = 0; i < n_clients; i++)
    {
      g_array_append_vals (all, clients[i].latencies->data, clients[i].latencies->len);
      applied += clients[i].applied;
      failed += clients[i].failed;
    }
  g_array_sort (all, compare_doubles);
  /* The first push of each laptop, and the others. */
  for (int i = 0; i < n_clients; i++)
    for (guint k = 0; k < clients[i].latencies->len; k++)
      g_array_append_val (k == 0 ? first : later, g_array_index (clients[i].latencies, gdouble, k));
  g_array_sort (first, compare_doubles);
  g_array_sort (later, compare_doubles);

  /* Every write must be on the server: pull it all back, as the county. */
  session = st_test_session_new ();
  token = st_test_sign_in (session, server, "bench", device);
  pull_started = g_get_monotonic_time ();
  feed = st_test_pull_all (session, server, token, NULL, NULL);
  pull_finished = g_get_monotonic_time ();
  for (guint i = 0; i < feed->len; i++)
    g_hash_table_insert (by_row, (gpointer) json_object_get_string_member (g_ptr_array_index (feed, i), "row"),
                         g_ptr_array_index (feed, i));
  for (int i = 0; i < n_clients; i++)
    for (guint r = 0; r < clients[i].rows->len; r++)
      {
        JsonObject *entry = g_hash_table_lookup (by_row, g_ptr_array_index (clients[i].rows, r));
        g_autofree char *phone = phone_of ((guint) i, r);

        if (entry == NULL
            || g_strcmp0 (json_object_get_string_member_with_default (json_object_get_object_member (entry, "fields"),
                                                                      "phone", NULL), phone) != 0)
          lost++;
      }
  st_test_server_stop (server);
  for (int p = 1; p < n_processes; p++)
    {
      st_test_server_stop (others[p - 1]);
      st_test_server_free (others[p - 1]);
    }

  seconds = (finished_at - started_at) / 1e6;
  g_print ("shuangti-server: %d laptops × %d changes at once, %d changes per push (%u pushes), %d process%s\n",
           n_clients, n_changes, batch, all->len, n_processes, n_processes > 1 ? "es" : "");
  g_print ("  changes pushed       %u (applied %u, not applied %u)\n", applied + failed, applied, failed);
  g_print ("  wall time            %.2f s\n", seconds);
  g_print ("  throughput           %.0f changes/s, %.0f pushes/s\n", (applied + failed) / seconds, all->len / seconds);
  g_print ("  CPU                  server %.2f s, the laptops %.2f s\n", server_cpu1 - server_cpu0, own_cpu1 - own_cpu0);
  g_print ("  push latency p50     %.0f ms\n", percentile (all, 0.50));
  g_print ("  push latency p95     %.0f ms   (target ≤ 500 ms: %s)\n", percentile (all, 0.95),
           percentile (all, 0.95) <= 500 ? "met" : "MISSED");
  g_print ("    first pushes       p50 %.0f ms, p95 %.0f ms (each laptop's first, all sent at once)\n",
           percentile (first, 0.50), percentile (first, 0.95));
  if (later->len > 0)
    g_print ("    later pushes       p50 %.0f ms, p95 %.0f ms\n", percentile (later, 0.50), percentile (later, 0.95));
  g_print ("  push latency max     %.0f ms\n", g_array_index (all, gdouble, all->len - 1));
  g_print ("  lost writes          %u   (target 0: %s)\n", lost, lost == 0 ? "met" : "MISSED");
  g_print ("  pull of %u rows   %.2f s (%.0f rows/s)\n", feed->len, (pull_finished - pull_started) / 1e6,
           feed->len / ((pull_finished - pull_started) / 1e6));

  for (int i = 0; i < n_clients; i++)
    {
      g_ptr_array_unref (clients[i].rows);
      g_array_unref (clients[i].latencies);
    }
  g_free (clients);
  g_free (threads);
  st_test_remove_dir (dir);
  return lost == 0 && failed == 0 ? 0 : 1;
}
