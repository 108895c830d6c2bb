/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the core tests. */
#pragma once

#include <glib/gstdio.h>

#include "st-db.h"

/* A file in this test's own folder (G_TEST_OPTION_ISOLATE_DIRS gives each
 * test its own, removed afterwards). */
static inline char *
st_test_file (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

static inline gint64
st_test_query_int (StDb       *db,
                   const char *sql)
{
  sqlite3_stmt *stmt = st_db_prepare (db, sql, NULL);
  gint64 v;

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return v;
}

/* The first column of the first row; freed when the test ends. */
static inline const char *
st_test_query_text (StDb       *db,
                    const char *sql)
{
  sqlite3_stmt *stmt = st_db_prepare (db, sql, NULL);
  char *v;

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  g_test_queue_free (v);
  return v;
}
