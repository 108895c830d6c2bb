/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo county's outreach (issue 21): each township has visited, reached
 * and heard "willing" from its own share of the people, and everyone in a
 * class was reached and willing before the class began. */
#define G_LOG_DOMAIN "st-demo"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-date.h"
#include "st-demo.h"
#include "st-uuid.h"
#include "st-visit-roster.h"

static const char *const visitors[] = { "韦主任", "岑干部", "黄书记", "罗委员", "陆干事", "王干事" };
static const char *const majors[] = { "种植", "养殖", "刺绣", "蜡染", "餐饮", "家政", "电子商务", "设施农业" };
static const struct { const char *province; const char *city; } places[] = {
  { "浙江省", "宁波市" }, { "广东省", "东莞市" }, { "广东省", "深圳市" }, { "福建省", "厦门市" },
  { "江苏省", "苏州市" }, { "贵州省", "贵阳市" }, { "浙江省", "温州市" },
};

typedef struct
{
  StDb         *db;
  sqlite3_stmt *insert;
  GRand        *rand;
  GDate         today;
  guint         written;
} Run;

static const char *
how (GRand *r)
{
  int k = g_rand_int_range (r, 0, 100);

  return k < 60 ? "home" : k < 85 ? "phone" : "committee";
}

static void
day_before (const GDate *from,
            guint        days,
            char         out[11])
{
  GDate d = *from;

  g_date_subtract_days (&d, days);
  st_date_format (&d, out, 11);
}

/* The answers a reached visit learns: the person's work and health as the
 * register has them (read as a roster's are), where they live. */
static void
learn (Run        *run,
       StVisit    *v,
       const char *employment,
       const char *health)
{
  StVisitRosterCells cells = { employment, health, NULL, NULL, NULL };
  g_autoptr(StVisit) known = st_visit_from_roster (&cells, v->date, "", NULL);

  if (known == NULL)
    return;
  v->work = g_steal_pointer (&known->work);
  v->health = g_steal_pointer (&known->health);
  v->lives = g_strdup (g_strcmp0 (v->work, "away") == 0 ? "away" : "home");
  if (g_strcmp0 (v->work, "away") == 0 && g_rand_int_range (run->rand, 0, 10) < 7)
    {
      guint i = g_rand_int_range (run->rand, 0, G_N_ELEMENTS (places));

      v->away_province = g_strdup (places[i].province);
      v->away_city = g_strdup (places[i].city);
    }
}

static gboolean
write_visit (Run     *run,
             StVisit *v,
             GError **error)
{
  sqlite3_stmt *stmt = run->insert;
  const char *texts[] = { v->lives, v->away_province, v->away_city, v->work, v->health, v->willing, v->major };
  g_autofree char *id = st_uuid_new ();
  int rc;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) st_db_next_hlc (run->db));
  sqlite3_bind_text (stmt, 3, st_db_get_device_id (run->db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, v->participant_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, v->township_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, v->date, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, v->visitor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, v->how, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 9, v->reached);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    st_db_bind_text (stmt, 10 + i, texts[i]);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (run->db, rc, _("making the demo data"), error);
  run->written++;
  return TRUE;
}

/* A township's own pace: the share of its people not in a class that it
 * has visited (45–94 %), and of those it has reached (60–89 %). */
static void
township_pace (const char *code,
               double     *visited,
               double     *reached)
{
  guint h = g_str_hash (code);

  *visited = 0.45 + (h % 50) / 100.0;
  *reached = 0.60 + ((h / 50) % 30) / 100.0;
}

static gboolean
visit_person (Run          *run,
              sqlite3_stmt *row,
              GError      **error)
{
  GRand *r = run->rand;
  const char *start = (const char *) sqlite3_column_text (row, 4);
  g_autoptr(StVisit) v = st_visit_new ();
  char date[11];
  double visited_share, reached_share;

  v->participant_id = g_strdup ((const char *) sqlite3_column_text (row, 0));
  v->township_code = g_strdup ((const char *) sqlite3_column_text (row, 1));
  v->visitor = g_strdup (visitors[g_rand_int_range (r, 0, G_N_ELEMENTS (visitors))]);

  if (start != NULL)
    {
      GDate begin;

      /* In a class: reached and willing before it began, one in five
       * after a first visit that found no one. */
      st_date_parse (start, &begin);
      if (g_rand_int_range (r, 0, 5) == 0)
        {
          day_before (&begin, g_rand_int_range (r, 70, 120), date);
          v->date = g_strdup (date);
          v->how = g_strdup (how (r));
          if (!write_visit (run, v, error))
            return FALSE;
          g_clear_pointer (&v->date, g_free);
          g_clear_pointer (&v->how, g_free);
        }
      day_before (&begin, g_rand_int_range (r, 7, 60), date);
      v->date = g_strdup (date);
      v->how = g_strdup (how (r));
      v->reached = TRUE;
      learn (run, v, (const char *) sqlite3_column_text (row, 2), (const char *) sqlite3_column_text (row, 3));
      v->willing = g_strdup ("yes");
      v->major = g_strdup ((const char *) sqlite3_column_text (row, 5));
      return write_visit (run, v, error);
    }

  township_pace (v->township_code, &visited_share, &reached_share);
  if (g_rand_double (r) >= visited_share)
    return TRUE;   /* not visited yet */
  day_before (&run->today, g_rand_int_range (r, 1, 300), date);
  v->date = g_strdup (date);
  v->how = g_strdup (how (r));
  v->reached = g_rand_double (r) < reached_share;
  if (v->reached)
    {
      int k = g_rand_int_range (r, 0, 100);

      learn (run, v, (const char *) sqlite3_column_text (row, 2), (const char *) sqlite3_column_text (row, 3));
      v->willing = g_strdup (k < 35 ? "yes" : k < 55 ? "later" : "no");
      if (k < 55)
        v->major = g_strdup (majors[g_rand_int_range (r, 0, G_N_ELEMENTS (majors))]);
    }
  else if (g_rand_int_range (r, 0, 3) == 0)
    v->lives = g_strdup ("away");   /* a neighbour says so */
  return write_visit (run, v, error);
}

gboolean
st_demo_populate_visits (StDb         *db,
                         guint32       seed,
                         const GDate  *today,
                         gboolean      capture,
                         GError      **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x715175);
  sqlite3_stmt *people;
  Run run = { db, NULL, rand, { 0, }, 0 };
  gboolean ok = TRUE;
  int rc;

  g_date_clear (&run.today, 1);
  if (today != NULL)
    run.today = *today;
  else
    g_date_set_time_t (&run.today, time (NULL));

  if (!st_db_begin (db, error))
    return FALSE;
  st_db_set_applying_remote (db, !capture);
  if (capture && !st_db_bulk_begin (db, "visits", error))
    goto fail;
  run.insert = st_db_prepare (db,
                              "INSERT INTO visits (id, hlc, device, participant_id, township_code, date, visitor, how,"
                              " reached, lives, away_province, away_city, work, health, willing, major)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  /* Everyone not visited yet, with the start and major of their first
   * class; in the order they were registered. */
  people = st_db_prepare (db,
                          "SELECT p.id, p.township_code, p.employment, p.health, min (c.start_date), c.major_id"
                          " FROM participants p"
                          " LEFT JOIN enrolments e ON e.participant_id = p.id AND e.deleted = 0"
                          " LEFT JOIN classes c ON c.id = e.class_id AND c.deleted = 0"
                          " WHERE p.deleted = 0 AND p.merged_into IS NULL"
                          " AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.participant_id = p.id)"
                          " GROUP BY p.id ORDER BY p.township_code, p.rowid", error);
  if (run.insert == NULL || people == NULL)
    goto fail;
  while (ok && (rc = sqlite3_step (people)) == SQLITE_ROW)
    ok = visit_person (&run, people, error);
  sqlite3_reset (people);
  if (!ok)
    goto fail;
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("making the demo data"), error);
      goto fail;
    }
  if (capture && !st_db_bulk_end (db, error))
    goto fail;
  st_db_set_applying_remote (db, FALSE);
  g_debug ("demo: %u visits", run.written);
  return st_db_commit (db, error);

fail:
  st_db_set_applying_remote (db, FALSE);
  st_db_rollback (db);
  return FALSE;
}
