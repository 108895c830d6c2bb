/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A roster's columns about residence, work and health make each person's
 * first visit, how = "roster" (issue 21 item 4). */
#include "config.h"

#include <string.h>

#include "st-import.h"
#include "st-outreach.h"
#include "st-participant.h"
#include "st-visit.h"
#include "st-visit-roster.h"
#include "st-visit-sheet.h"
#include "test-util.h"

typedef struct
{
  char  *path;
  StDb  *db;
  GDate  today;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->path = st_test_file ("import.db");
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  g_date_clear (&f->today, 1);
  g_date_set_dmy (&f->today, 23, G_DATE_NOVEMBER, 2026);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->db);
  g_free (f->path);
}

static StImportResult *
import (Fixture *f, const char *file, gboolean dry_run)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "import", file, NULL);
  StImportOptions options = { dry_run, NULL, &f->today };
  g_autoptr(GError) error = NULL;
  StImportResult *r = st_import_roster (f->db, path, &options, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return r;
}

static const StImportNote *
note_at (GPtrArray *notes, guint line)
{
  for (guint i = 0; i < notes->len; i++)
    {
      StImportNote *n = g_ptr_array_index (notes, i);

      if (n->line == line)
        return n;
    }
  return NULL;
}

/* The only visit of the person with @id_number. */
static StVisit *
visit_of (Fixture *f, const char *id_number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StParticipant) p = st_participant_find_by_id_number (f->db, id_number, &error);
  g_autoptr(GPtrArray) visits = NULL;

  g_assert_nonnull (p);
  visits = st_visit_list (f->db, p->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visits->len, ==, 1);
  return g_ptr_array_steal_index (visits, 0);
}

static StParticipant *
person (Fixture *f, const char *id_number)
{
  g_autoptr(GError) error = NULL;
  StParticipant *p = st_participant_find_by_id_number (f->db, id_number, &error);

  g_assert_no_error (error);
  g_assert_nonnull (p);
  return p;
}

/* The words rosters write. */
static void
test_words (void)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  StVisitRosterCells cells = { "外出打工", "二级肢体残疾", NULL, "浙江省 宁波市", "已联系上" };
  g_autoptr(StVisit) v = st_visit_from_roster (&cells, "2026-11-23", "名册.csv", problems);
  StVisitRosterCells none = { "", NULL, " ", "", NULL };
  char *province = NULL, *city = NULL;

  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpstr (v->how, ==, "roster");
  g_assert_cmpstr (v->visitor, ==, "名册.csv");
  g_assert_cmpstr (v->work, ==, "away");
  g_assert_cmpstr (v->health, ==, "disability");
  g_assert_cmpstr (v->lives, ==, "away");
  g_assert_cmpstr (v->away_province, ==, "浙江省");
  g_assert_cmpstr (v->away_city, ==, "宁波市");
  g_assert_true (v->reached);
  g_assert_null (v->note);
  g_assert_null (st_visit_from_roster (&none, "2026-11-23", "名册.csv", problems));
  /* Words the demo county's roster writes too (st-demo.c). */
  {
    StVisitRosterCells fair = { "个体经营", "一般", "在家", NULL, NULL };
    g_autoptr(StVisit) w = st_visit_from_roster (&fair, "2026-11-23", "名册.csv", problems);

    g_assert_cmpstr (w->work, ==, "local");
    g_assert_cmpstr (w->health, ==, "good");
    g_assert_cmpstr (w->lives, ==, "home");
    g_assert_false (w->reached);
    g_assert_cmpuint (problems->len, ==, 0);
  }

  g_assert_true (st_visit_split_place ("广西百色", &province, &city));
  g_assert_cmpstr (province, ==, "广西壮族自治区");
  g_assert_cmpstr (city, ==, "百色");
  g_free (province);
  g_free (city);
  g_assert_false (st_visit_split_place ("者楼村", &province, &city));
  g_assert_null (province);

  /* The word shown in lists, and no one records such a visit by hand. */
  g_assert_cmpstr (st_visit_how_to_display ("roster"), ==, "From the roster");
  g_assert_null (st_visit_how_from_text ("roster"));
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (st_visit_check (v, &error));
    g_assert_cmpstr (error->message, ==, "How: a visit “from the roster” is made by importing the roster, not recorded by hand.");
  }
}

static void
check_first_import (Fixture *f, StImportResult *r)
{
  const StImportNote *n;

  g_assert_cmpuint (r->imported, ==, 6);
  g_assert_cmpuint (r->rejected, ==, 0);
  /* Five rows say something about the person; 岑小妹's say nothing. */
  g_assert_cmpuint (r->visits->len, ==, 5);
  g_assert_null (note_at (r->visits, 6));
  n = note_at (r->visits, 3);
  g_assert_cmpstr (n->name, ==, "王秀英");
  g_assert_cmpstr (n->message, ==, "First visit from the roster: Reached · Away: 浙江省宁波 · Working away · Good. "
                                   "In the record: Employment: (empty) → 外出务工（浙江省宁波）; Health: (empty) → 健康.");

  /* Unknown values: one message each, the row kept. */
  g_assert_cmpuint (r->warnings->len, ==, 3);
  g_assert_cmpstr (note_at (r->warnings, 5)->message, ==,
                   "The employment “打鱼” is not one of 务农 (farming), 本地务工 (local work), 外出务工 (working away), 无 (no work); it was kept as written in the record, and the visit from the roster leaves the work unanswered.");
  {
    guint on_row_7 = 0;

    for (guint i = 0; i < r->warnings->len; i++)
      on_row_7 += ((StImportNote *) g_ptr_array_index (r->warnings, i))->line == 7;
    g_assert_cmpuint (on_row_7, ==, 2);
  }
  {
    g_autofree char *summary = st_import_result_summary (r);

    g_assert_true (g_str_has_suffix (summary, "0 repeated in the file. 5 first visits from the roster."));
  }
}

static void
test_first_visit (Fixture *f, gconstpointer data)
{
  g_autoptr(StImportResult) r = import (f, "roster-visits.csv", FALSE);
  g_autoptr(StVisit) wang = NULL, huang = NULL, lu = NULL, luo = NULL, wei = NULL;
  g_autoptr(StParticipant) p_wang = NULL, p_lu = NULL, p_wei = NULL, p_cen = NULL;
  g_autoptr(GPtrArray) progress = NULL;
  g_autoptr(GError) error = NULL;
  StOutreachRow *total;

  check_first_import (f, r);

  wang = visit_of (f, "522327198503120028");
  g_assert_cmpstr (wang->how, ==, "roster");
  g_assert_cmpstr (wang->date, ==, "2026-11-23");
  g_assert_cmpstr (wang->visitor, ==, "roster-visits.csv");
  g_assert_true (wang->reached);
  g_assert_cmpstr (wang->lives, ==, "away");
  g_assert_cmpstr (wang->away_province, ==, "浙江省");
  g_assert_cmpstr (wang->away_city, ==, "宁波");
  g_assert_cmpstr (wang->work, ==, "away");
  g_assert_cmpstr (wang->health, ==, "good");
  g_assert_cmpstr (wang->township_code, ==, "522327104000");
  p_wang = person (f, "522327198503120028");
  g_assert_cmpstr (p_wang->employment, ==, "外出务工（浙江省宁波）");
  g_assert_cmpstr (p_wang->health, ==, "健康");

  huang = visit_of (f, "52232719920704001X");
  g_assert_false (huang->reached);      /* the roster did not say */
  g_assert_cmpstr (huang->lives, ==, "home");
  g_assert_cmpstr (huang->work, ==, "farming");
  g_assert_cmpstr (huang->health, ==, "illness");

  lu = visit_of (f, "522327197801010033");
  g_assert_false (lu->reached);
  g_assert_null (lu->work);
  g_assert_cmpstr (lu->away_province, ==, "广东省");
  g_assert_cmpstr (lu->away_city, ==, "东莞市");
  g_assert_cmpstr (lu->note, ==, "务工情况：打鱼");
  p_lu = person (f, "522327197801010033");
  g_assert_cmpstr (p_lu->employment, ==, "打鱼");   /* kept as written */

  luo = visit_of (f, "522327198811110075");
  g_assert_false (luo->reached);
  g_assert_cmpstr (luo->work, ==, "none");
  g_assert_cmpstr (luo->health, ==, "good");
  g_assert_null (luo->lives);
  g_assert_cmpstr (luo->note, ==, "现居住地：不知道；是否联系上：联系中");

  wei = visit_of (f, "522327200003010033");
  g_assert_cmpstr (wei->away_province, ==, "江苏省");
  g_assert_cmpstr (wei->away_city, ==, "苏州市");
  g_assert_cmpstr (wei->health, ==, "disability");
  p_wei = person (f, "522327200003010033");
  g_assert_cmpstr (p_wei->employment, ==, "外出务工（江苏省苏州市）");
  g_assert_cmpstr (p_wei->health, ==, "残疾");

  p_cen = person (f, "522327199002150047");
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM visits"), ==, 5);
  /* Synced: every visit in the outbox, after its person. */
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox o JOIN audit_log a ON a.id = o.audit_id"
                                             " WHERE a.tbl = 'visits'"), ==, 5);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT max (o.audit_id) FROM outbox o JOIN audit_log a ON a.id = o.audit_id"
                                             " WHERE a.tbl = 'participants'"), <,
                   st_test_query_int (f->db, "SELECT min (o.audit_id) FROM outbox o JOIN audit_log a ON a.id = o.audit_id"
                                             " WHERE a.tbl = 'visits'"));

  /* Enumerated (visited), but reached only where the roster says so. */
  progress = st_outreach_progress (f->db, NULL, &error);
  g_assert_no_error (error);
  total = g_ptr_array_index (progress, progress->len - 1);
  g_assert_cmpint (total->people, ==, 6);
  g_assert_cmpint (total->visited, ==, 5);
  g_assert_cmpint (total->reached, ==, 2);
}

/* Importing the same roster again adds no second visit and changes nothing. */
static void
test_reimport (Fixture *f, gconstpointer data)
{
  g_autoptr(StImportResult) first = import (f, "roster-visits.csv", FALSE);
  g_autoptr(StImportResult) second = NULL;
  gint64 outbox = st_test_query_int (f->db, "SELECT count(*) FROM outbox");

  second = import (f, "roster-visits.csv", FALSE);
  g_assert_cmpuint (second->updated, ==, 6);
  g_assert_cmpuint (second->unchanged, ==, 6);
  g_assert_cmpuint (second->visits->len, ==, 0);
  g_assert_cmpuint (second->conflicts->len, ==, 0);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM visits"), ==, 5);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, outbox);
}

/* Someone registered without a visit: the roster's visit writes their
 * employment as a visit does, and says so; someone visited already: the
 * roster's answers are a conflict, and no visit is made. */
static void
test_known_people (Fixture *f, gconstpointer data)
{
  g_autoptr(StParticipant) wang = st_participant_new ();
  g_autoptr(StParticipant) huang = st_participant_new ();
  g_autoptr(StVisit) v = st_visit_new ();
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(StImportResult) r = NULL;
  g_autoptr(StParticipant) after = NULL;
  g_autoptr(GError) error = NULL;
  const StImportNote *n;

  wang->id_number = g_strdup ("522327198503120028");
  wang->name = g_strdup ("王秀英");
  wang->township_code = g_strdup ("522327104000");
  wang->employment = g_strdup ("务农");
  g_assert_true (st_participant_insert (f->db, wang, &error));
  huang->id_number = g_strdup ("52232719920704001X");
  huang->name = g_strdup ("黄明");
  huang->township_code = g_strdup ("522327104000");
  huang->employment = g_strdup ("本地务工");
  g_assert_true (st_participant_insert (f->db, huang, &error));
  v->participant_id = g_strdup (huang->id);
  v->date = g_strdup ("2026-10-01");
  v->visitor = g_strdup ("韦主任");
  v->how = g_strdup ("home");
  v->reached = TRUE;
  v->work = g_strdup ("local");
  changes = st_visit_add (f->db, v, &error);
  g_assert_no_error (error);

  r = import (f, "roster-visits.csv", FALSE);
  n = note_at (r->visits, 3);
  g_assert_nonnull (n);
  g_assert_true (strstr (n->message, "In the record: Employment: 务农 → 外出务工（浙江省宁波）; Health: (empty) → 健康.") != NULL);
  after = person (f, "522327198503120028");
  g_assert_cmpstr (after->employment, ==, "外出务工（浙江省宁波）");
  g_assert_cmpuint (r->visits->len, ==, 4);
  g_assert_null (note_at (r->visits, 4));

  /* 黄明 was visited: his stored employment is kept, the roster's is a conflict. */
  g_assert_cmpuint (r->conflicts->len, ==, 1);
  g_assert_cmpstr (((StImportConflict *) g_ptr_array_index (r->conflicts, 0))->stored, ==, "本地务工");
  g_assert_cmpstr (((StImportConflict *) g_ptr_array_index (r->conflicts, 0))->offered, ==, "务农");
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM visits WHERE how = 'roster'"), ==, 4);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM visits"), ==, 5);
}

/* A dry run shows the visits it would make and writes none. */
static void
test_dry_run (Fixture *f, gconstpointer data)
{
  g_autoptr(StImportResult) r = import (f, "roster-visits.csv", TRUE);

  check_first_import (f, r);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM visits"), ==, 0);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM outbox"), ==, 0);
}

/* A database of schema 8 keeps its visits and takes visits from the roster. */
static void
test_migration (Fixture *f, gconstpointer data)
{
  g_autoptr(StImportResult) r = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (st_db_exec (f->db,
                             "INSERT INTO participants (id, hlc, device, id_number, sex, birth_date, region_code, name,"
                             " township_code) VALUES ('p1', 1, 'd', '522327199002150047', 2, '1990-02-15', '522327',"
                             " '岑小妹', '522327104000');"
                             "INSERT INTO visits (id, hlc, device, participant_id, township_code, date, visitor, how,"
                             " reached) VALUES ('v1', 1, 'd', 'p1', '522327104000', '2026-01-02', '韦主任', 'phone', 1);"
                             "DROP TABLE visits;"
                             "CREATE TABLE visits (id TEXT PRIMARY KEY NOT NULL, hlc INTEGER NOT NULL, device TEXT NOT NULL,"
                             " deleted INTEGER NOT NULL DEFAULT 0, participant_id TEXT NOT NULL, township_code TEXT NOT NULL,"
                             " date TEXT NOT NULL, visitor TEXT NOT NULL,"
                             " how TEXT NOT NULL CHECK (how = 'home' OR how = 'phone' OR how = 'committee'),"
                             " reached INTEGER NOT NULL, lives TEXT, away_province TEXT, away_city TEXT, work TEXT,"
                             " health TEXT, willing TEXT, major TEXT, phone TEXT, note TEXT);"
                             "INSERT INTO visits (id, hlc, device, participant_id, township_code, date, visitor, how,"
                             " reached) VALUES ('v1', 1, 'd', 'p1', '522327104000', '2026-01-02', '韦主任', 'phone', 1);"
                             "PRAGMA user_version = 8", &error));
  g_assert_no_error (error);
  g_assert_false (st_db_exec (f->db, "INSERT INTO visits (id, hlc, device, participant_id, township_code, date, visitor,"
                                     " how, reached) VALUES ('v2', 1, 'd', 'p1', '5', '2026-01-02', 'x', 'roster', 0)", NULL));
  g_clear_object (&f->db);
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (st_db_get_schema_version (f->db), ==, st_db_get_latest_schema_version ());
  g_assert_cmpstr (st_test_query_text (f->db, "SELECT visitor FROM visits WHERE id = 'v1'"), ==, "韦主任");

  r = import (f, "roster-visits.csv", FALSE);
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM visits WHERE how = 'roster'"), ==, 5);
  /* Captured like every visit: the triggers came back with the table. */
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count(*) FROM audit_log WHERE tbl = 'visits'"
                                             " AND json_extract (new, '$.how') = 'roster'"), ==, 5);
  g_assert_false (st_db_exec (f->db, "DELETE FROM visits", NULL));
}

/* The printed visit list of the township: the people the roster did not
 * say were reached, without a "last visit" — the roster's answers are not
 * a round that found no one. */
static void
test_sheet (Fixture *f, gconstpointer data)
{
  g_autoptr(StImportResult) r = import (f, "roster-visits.csv", FALSE);
  g_autoptr(StDocSheet) sheet = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = st_test_file ("sheet.pdf");
  g_autofree char *tool = g_find_program_in_path ("pdftotext");
  g_autofree char *text = NULL;
  int status = 0;

  sheet = st_visit_sheet_new (f->db, "522327104000", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (st_doc_sheet_get_n_rows (sheet), ==, 4);   /* 6 less 王秀英 and 韦阿妹, reached */
  g_assert_true (st_doc_sheet_write_pdf (sheet, pdf, &error));
  if (tool == NULL)
    {
      g_test_skip ("pdftotext is not installed");
      return;
    }
  {
    const char *argv[] = { "pdftotext", "-layout", "-enc", "UTF-8", pdf, "-", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, &text, NULL, &status, &error));
  }
  g_assert_nonnull (strstr (text, "黄明"));
  g_assert_nonnull (strstr (text, "岑小妹"));
  g_assert_null (strstr (text, "王秀英"));
  g_assert_null (strstr (text, "2026-11-23"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/import-visits/words", test_words);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/core/import-visits/first-visit", test_first_visit);
  ADD ("/core/import-visits/reimport", test_reimport);
  ADD ("/core/import-visits/known-people", test_known_people);
  ADD ("/core/import-visits/dry-run", test_dry_run);
  ADD ("/core/import-visits/migration", test_migration);
  ADD ("/core/import-visits/sheet", test_sheet);
#undef ADD

  return g_test_run ();
}
