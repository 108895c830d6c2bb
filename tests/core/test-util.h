/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the core tests. */
#pragma once

#include <fcntl.h>
#include <unistd.h>
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

/* Overwrites with zeros the leaf pages of @table and of its indexes but the
 * first of each (so that a scan reads some rows before the damage, as a
 * disk that fails in places does). Call it with no connection of this
 * process open on the file. Returns how many pages were damaged. */
static inline guint
st_test_damage_table (const char *path,
                      const char *table)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GArray) pages = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *last_name = NULL;
  g_autofree guint8 *zeros = NULL;
  gint64 page_size = 0;
  gboolean first = TRUE;
  int fd;

  g_assert_cmpint (sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "PRAGMA wal_checkpoint (TRUNCATE)", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "PRAGMA page_size", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  page_size = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  /* dbstat (compiled into Debian's SQLite) names the pages of each b-tree;
   * the pages of a table's rows and of its indexes' entries. */
  g_assert_cmpint (sqlite3_prepare_v2 (handle,
                                       "SELECT name, pageno, (SELECT count (*) FROM dbstat d2"
                                       "  WHERE d2.name = d.name AND d2.pagetype = 'leaf') FROM dbstat d"
                                       " WHERE pagetype = 'leaf' AND (name = ?1 OR name IN"
                                       "  (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1))"
                                       " ORDER BY name, path",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      gint64 page = sqlite3_column_int64 (stmt, 1);
      gint64 n_leaves = sqlite3_column_int64 (stmt, 2);

      first = g_strcmp0 (name, last_name) != 0;
      if (first)
        {
          g_free (last_name);
          last_name = g_strdup (name);
        }
      /* A b-tree of one page is damaged whole. */
      if (!first || n_leaves == 1)
        g_array_append_val (pages, page);
    }
  g_assert_cmpint (sqlite3_finalize (stmt), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (handle), ==, SQLITE_OK);
  g_assert_cmpuint (pages->len, >, 0);

  zeros = g_malloc0 (page_size);
  fd = g_open (path, O_WRONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  for (guint i = 0; i < pages->len; i++)
    {
      gint64 page = g_array_index (pages, gint64, i);

      g_assert_cmpint (pwrite (fd, zeros, page_size, (page - 1) * page_size), ==, page_size);
    }
  g_assert_cmpint (fsync (fd), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);
  return pages->len;
}
