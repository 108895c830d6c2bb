/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-overview"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "st-overview.h"
#include "st-schedule.h"

void
st_overview_township_free (StOverviewTownship *t)
{
  if (t == NULL)
    return;
  g_free (t->township_code);
  g_free (t);
}

static StOverviewTownship *
township_for (GHashTable *by_code,
              GPtrArray  *list,
              const char *code)
{
  StOverviewTownship *t = g_hash_table_lookup (by_code, code);

  if (t == NULL)
    {
      t = g_new0 (StOverviewTownship, 1);
      t->township_code = g_strdup (code);
      g_ptr_array_add (list, t);
      g_hash_table_insert (by_code, t->township_code, t);
    }
  return t;
}

static int
compare_townships (gconstpointer a,
                   gconstpointer b)
{
  const StOverviewTownship *x = *(StOverviewTownship **) a;
  const StOverviewTownship *y = *(StOverviewTownship **) b;

  return strcmp (x->township_code, y->township_code);
}

/* An incomplete record lacks what the county's roster asks for and the
 * import may have left empty. */
#define INCOMPLETE \
  "coalesce (phone, '') = '' OR (village_code IS NULL AND coalesce (village_name, '') = '')" \
  " OR education IS NULL OR coalesce (ethnicity, '') = ''"
/* Classes c that still teach someone … */
#define TEACHING \
  "c.deleted = 0 AND EXISTS (SELECT 1 FROM enrolments e WHERE e.class_id = c.id AND e.deleted = 0" \
  " AND e.state = 'studying')"
/* … and did not meet between ?1 and ?2. */
#define WITHOUT_SESSION \
  "NOT EXISTS (SELECT 1 FROM sessions s WHERE s.class_id = c.id AND s.deleted = 0" \
  " AND s.date BETWEEN ?1 AND ?2)"

/* The first and last day of @month's month, as "YYYY-MM-DD". */
static gboolean
month_bounds (const char  *month,
              char         first[11],
              char         last[11],
              GError     **error)
{
  GDate date;
  guint y, m;

  if (!st_date_parse (month, &date))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not a date: %s", month ? month : "");
      return FALSE;
    }
  y = g_date_get_year (&date);
  m = g_date_get_month (&date);
  g_snprintf (first, 11, "%04u-%02u-01", y, m);
  g_snprintf (last, 11, "%04u-%02u-%02u", y, m, g_date_get_days_in_month ((GDateMonth) m, (GDateYear) y));
  return TRUE;
}

GArray *
st_overview_incomplete (StDb    *db,
                        GError **error)
{
  sqlite3_stmt *stmt;

  stmt = st_db_prepare (db,
                        "SELECT rowid FROM participants WHERE deleted = 0 AND merged_into IS NULL AND (" INCOMPLETE ")",
                        error);
  if (stmt == NULL)
    return NULL;
  return st_db_read_rowids (db, stmt, _("reading participants"), error);
}

GStrv
st_overview_behind_schedule (StDb        *db,
                             const char  *month,
                             GError     **error)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GHashTable) statuses = st_schedule_status_all (db, month, error);
  GHashTableIter iter;
  gpointer id, value;

  if (statuses == NULL)
    return NULL;
  /* Those the Overview counts (st_overview_townships ()). */
  g_hash_table_iter_init (&iter, statuses);
  while (g_hash_table_iter_next (&iter, &id, &value))
    if (((StScheduleStatus *) value)->behind)
      g_strv_builder_add (ids, id);
  return g_strv_builder_end (ids);
}

GPtrArray *
st_overview_townships (StDb        *db,
                       const char  *month,
                       GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) st_overview_township_free);
  g_autoptr(GHashTable) by_code = g_hash_table_new (g_str_hash, g_str_equal);
  char first[11], last[11];
  sqlite3_stmt *stmt;
  int rc;

  if (!month_bounds (month, first, last, error))
    return NULL;

  stmt = st_db_prepare (db,
                        "SELECT township_code, count (*), sum (" INCOMPLETE ")"
                        " FROM participants WHERE deleted = 0 AND merged_into IS NULL GROUP BY township_code",
                        error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StOverviewTownship *t = township_for (by_code, list, (const char *) sqlite3_column_text (stmt, 0));

      t->participants = sqlite3_column_int64 (stmt, 1);
      t->incomplete = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading participants"), error);
      return NULL;
    }

  /* Classes that still teach someone, and whether they met this month. */
  stmt = st_db_prepare (db,
                        "SELECT c.township_code, count (*), sum (" WITHOUT_SESSION ")"
                        " FROM classes c WHERE " TEACHING " GROUP BY c.township_code",
                        error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, first, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, last, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StOverviewTownship *t = township_for (by_code, list, (const char *) sqlite3_column_text (stmt, 0));

      t->classes = sqlite3_column_int64 (stmt, 1);
      t->classes_without_session = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the classes"), error);
      return NULL;
    }
  /* Each class that still teaches someone, against its own schedule
   * (a training has none). */
  {
    g_autoptr(GHashTable) statuses = st_schedule_status_all (db, month, error);

    if (statuses == NULL)
      return NULL;
    stmt = st_db_prepare (db, "SELECT id, township_code FROM classes WHERE deleted = 0", error);
    if (stmt == NULL)
      return NULL;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        StScheduleStatus *status = g_hash_table_lookup (statuses, sqlite3_column_text (stmt, 0));

        if (status != NULL && status->behind)
          township_for (by_code, list, (const char *) sqlite3_column_text (stmt, 1))->classes_behind_schedule++;
      }
    sqlite3_reset (stmt);
    if (rc != SQLITE_DONE)
      {
        st_db_set_error (db, rc, _("reading the classes"), error);
        return NULL;
      }
  }
  g_ptr_array_sort (list, compare_townships);
  return g_steal_pointer (&list);
}

gint64
st_overview_review_items (StDb *db)
{
  sqlite3_stmt *stmt;
  gboolean exists;
  gint64 n = -1;
  int rc;

  /* The table comes with sync; before it, there is nothing to review. */
  stmt = st_db_prepare (db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'review_items'", NULL);
  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  exists = rc == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    g_warning ("The review items cannot be counted: %s", sqlite3_errstr (rc));
  if (!exists)
    return -1;
  /* Items deleted (tombstoned by sync) are not waiting for anyone. */
  stmt = st_db_prepare (db, "SELECT count (*) FROM review_items WHERE resolved = 0 AND deleted = 0", NULL);
  if (stmt == NULL)
    {
      g_debug ("review_items cannot be counted: %s", sqlite3_errmsg (st_db_get_handle (db)));
      return -1;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  else
    g_warning ("The review items cannot be counted: %s", sqlite3_errstr (rc));
  sqlite3_reset (stmt);
  return n;
}

gboolean
st_overview_near_end_short (const StEligibility *e,
                            const char          *today,
                            guint                days)
{
  GDate date;
  char buf[16];

  if (e->outcome != ST_OUTCOME_STUDYING || e->end_date == NULL || e->missing == NULL
      || !st_date_parse (today, &date))
    return FALSE;
  g_date_add_days (&date, days);
  g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &date);
  if (strcmp (e->end_date, buf) > 0)
    return FALSE;
  for (guint i = 0; i < e->missing->len; i++)
    {
      StMissingKind kind = g_array_index (e->missing, StMissing, i).kind;

      if (kind == ST_MISSING_CONCENTRATED || kind == ST_MISSING_SELF_STUDY || kind == ST_MISSING_SELF_AND_ONLINE
          || kind == ST_MISSING_ATTENDED)
        return TRUE;
    }
  return FALSE;
}
