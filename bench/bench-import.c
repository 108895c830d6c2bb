/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Roster import of 100,000 rows (issue: foundation). Target: ≤ 2 s, and ≤ 5×
 * sqlite3's own .import of the same CSV into a bare table, measured in the
 * same run. The two alternate, five times each, so that both see the same
 * machine (a shared 2-core VM varies by ±30% from minute to minute); the
 * figures are medians, and the ratio is the median of the five pairs.
 * ST_BENCH_ROWS changes the size. */
#include "config.h"

#include <glib/gstdio.h>

#include "st-demo.h"
#include "st-import.h"

#define RUNS 5

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof *v, compare_double);
  return v[n / 2];
}

static void
remove_db (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("st-bench-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "roster.csv", NULL);
  g_autofree char *db_path = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *bare_path = g_build_filename (dir, "bare.db", NULL);
  const char *rows_env = g_getenv ("ST_BENCH_ROWS");
  guint rows = rows_env ? (guint) g_ascii_strtoull (rows_env, NULL, 10) : 100000;
  double ours[RUNS], bare[RUNS], ratio[RUNS];
  double ours_median, bare_median;
  guint imported = 0;
  gint64 t0;

  t0 = g_get_monotonic_time ();
  if (!st_demo_write_roster (csv, rows, 2023, ST_CSV_ENCODING_UTF8_BOM, &error))
    g_error ("cannot write the roster: %s", error->message);
  g_print ("# generated a %u-row roster in %.2f s\n", rows, (g_get_monotonic_time () - t0) / 1e6);

  for (guint i = 0; i < RUNS; i++)
    {
      g_autoptr(StDb) db = NULL;
      g_autoptr(StImportResult) result = NULL;
      g_autoptr(GSubprocess) proc = NULL;
      g_autofree char *import_cmd = g_strdup_printf (".import %s roster", csv);

      remove_db (db_path);
      db = st_db_open (db_path, &error);
      if (db == NULL)
        g_error ("%s", error->message);

      t0 = g_get_monotonic_time ();
      result = st_import_roster (db, csv, NULL, NULL, NULL, NULL, &error);
      ours[i] = (g_get_monotonic_time () - t0) / 1e6;
      if (result == NULL)
        g_error ("%s", error->message);
      imported = result->imported;
      g_clear_object (&db);

      remove_db (bare_path);
      t0 = g_get_monotonic_time ();
      proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, "sqlite3", bare_path,
                               "-cmd", "PRAGMA journal_mode = WAL", "-cmd", ".mode csv",
                               import_cmd, NULL);
      if (proc == NULL || !g_subprocess_wait_check (proc, NULL, &error))
        g_error ("sqlite3 .import failed: %s", error->message);
      bare[i] = (g_get_monotonic_time () - t0) / 1e6;
      ratio[i] = ours[i] / bare[i];
      g_print ("# run %u: %.3f s, sqlite3 %.3f s, ratio %.1fx\n", i + 1, ours[i], bare[i], ratio[i]);
    }

  ours_median = median (ours, RUNS);
  bare_median = median (bare, RUNS);
  g_print ("import: %u rows, %u imported, median %.3f s of %d runs (%.0f rows/s)\n",
           rows, imported, ours_median, RUNS, rows / ours_median);
  g_print ("sqlite3 .import into a bare table: median %.3f s\n", bare_median);
  {
    double ratio_median = median (ratio, RUNS);

    g_print ("ratio: median %.1fx (target <= 5x): %s; time target <= 2 s: %s\n",
             ratio_median, ratio_median <= 5.0 ? "met" : "MISSED",
             ours_median <= 2.0 ? "met" : "MISSED");
  }

  remove_db (db_path);
  remove_db (bare_path);
  g_unlink (csv);
  g_rmdir (dir);
  return 0;
}
