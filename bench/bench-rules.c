/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The eligibility engine on a county-sized laptop database: 100,000
 * participants, every one enrolled, about 3,000,000 attendance rows (as a
 * county office holds them after syncing). Target: eligibility of every
 * enrolment ≤ 2 s; the quarterly report on the same data ≤ 2 s. Medians of 3.
 * ST_BENCH_PARTICIPANTS changes the size. */
#include "config.h"

#include <glib/gstdio.h>

#include "st-demo.h"
#include "st-eligibility.h"
#include "st-report.h"

#define RUNS 3

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static gint64
count (StDb *db, const char *sql)
{
  sqlite3_stmt *stmt = st_db_prepare (db, sql, NULL);
  gint64 n;

  sqlite3_step (stmt);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("st-bench-rules-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "county.db", NULL);
  const char *size_env = g_getenv ("ST_BENCH_PARTICIPANTS");
  guint n = size_env ? (guint) g_ascii_strtoull (size_env, NULL, 10) : 100000;
  g_autoptr(StDb) db = st_db_open (path, &error);
  /* Twice a month: about 30 attendance rows per enrolment, 3 million in all. */
  StDemoTrainingOptions options = { NULL, FALSE, FALSE, 40, TRUE, 2 };
  GDate today;
  StQuarter quarter;
  double eligibility[RUNS], report[RUNS];
  guint outcomes[ST_OUTCOME_COMPLETED + 1] = { 0, };
  gint64 t0;

  if (db == NULL)
    g_error ("%s", error->message);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_OCTOBER, 2025);
  options.today = &today;

  t0 = g_get_monotonic_time ();
  if (!st_demo_populate (db, n, 2023, &error) || !st_demo_populate_training (db, 2023, &options, &error))
    g_error ("%s", error->message);
  g_print ("# built %" G_GINT64_FORMAT " participants, %" G_GINT64_FORMAT " enrolments, %" G_GINT64_FORMAT
           " sessions, %" G_GINT64_FORMAT " attendance rows, %" G_GINT64_FORMAT " study logs in %.0f s\n",
           count (db, "SELECT count(*) FROM participants"), count (db, "SELECT count(*) FROM enrolments"),
           count (db, "SELECT count(*) FROM sessions"), count (db, "SELECT count(*) FROM attendance"),
           count (db, "SELECT count(*) FROM study_logs"), (g_get_monotonic_time () - t0) / 1e6);

  quarter.year = 2025;
  quarter.quarter = 3;
  for (guint i = 0; i < RUNS; i++)
    {
      StEligibilityQuery q = { &today, NULL, NULL, NULL };
      g_autoptr(GPtrArray) list = NULL;
      g_autoptr(StReport) r = NULL;

      t0 = g_get_monotonic_time ();
      list = st_eligibility_evaluate (db, &q, &error);
      eligibility[i] = (g_get_monotonic_time () - t0) / 1e6;
      if (list == NULL)
        g_error ("%s", error->message);
      if (i == 0)
        for (guint j = 0; j < list->len; j++)
          outcomes[((StEligibility *) g_ptr_array_index (list, j))->outcome]++;

      t0 = g_get_monotonic_time ();
      r = st_report_quarterly (db, &quarter, NULL, &error);
      report[i] = (g_get_monotonic_time () - t0) / 1e6;
      if (r == NULL)
        g_error ("%s", error->message);
    }
  qsort (eligibility, RUNS, sizeof (double), compare_double);
  qsort (report, RUNS, sizeof (double), compare_double);

  g_print ("# outcomes as of 2025-10-01:");
  for (StOutcome o = ST_OUTCOME_STUDYING; o <= ST_OUTCOME_COMPLETED; o++)
    g_print (" %s %u", st_outcome_to_code (o), outcomes[o]);
  g_print ("\n");
  g_print ("eligibility of every enrolment: median %.3f s of %d (target <= 2 s: %s)\n",
           eligibility[RUNS / 2], RUNS, eligibility[RUNS / 2] <= 2.0 ? "met" : "MISSED");
  g_print ("quarterly report 2025Q3: median %.3f s of %d (target <= 2 s: %s)\n",
           report[RUNS / 2], RUNS, report[RUNS / 2] <= 2.0 ? "met" : "MISSED");

  g_clear_object (&db);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
  return 0;
}
