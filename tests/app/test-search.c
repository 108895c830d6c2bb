/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The core modules of the app: pinyin initials, the search index and the
 * list query, the change history, the roster preview and its mapping. */
#include "config.h"

#include <glib/gstdio.h>

#include "st-audit.h"
#include "st-demo.h"
#include "st-idcard.h"
#include "st-import.h"
#include "st-participant.h"
#include "st-participant-query.h"
#include "st-participant-search.h"
#include "st-pinyin.h"
#include "st-roster.h"

typedef struct
{
  char *path;
  StDb *db;
} Fixture;

/* People whose names test the initials: polyphonic surnames included. */
static const struct { const char *name; const char *id17; const char *township; const char *phone; } people[] = {
  { "张三", "52232719850312001", "者楼街道", "13800000001" },
  { "曾山", "52232719900101002", "者楼街道", NULL },
  { "单田", "52232719920202003", "巧马镇", NULL },
  { "覃明", "52232719930303004", "巧马镇", NULL },
  { "王秀英", "52232719880808005", "秧坝镇", NULL },
  { "张小三", "52232720000505006", "秧坝镇", NULL },
};

static char *
id_number (const char *id17)
{
  return g_strdup_printf ("%s%c", id17, st_idcard_check_character (id17));
}

static StParticipant *
find (Fixture *f, const char *name)
{
  g_autoptr(GPtrArray) all = st_participant_list (f->db, NULL, NULL);

  for (guint i = 0; i < all->len; i++)
    {
      StParticipant *p = g_ptr_array_index (all, i);

      if (g_str_equal (p->name, name))
        return st_participant_copy (p);
    }
  return NULL;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  f->path = g_build_filename (g_get_user_data_dir (), "search.db", NULL);
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(StParticipant) p = st_participant_new ();

      p->id_number = id_number (people[i].id17);
      p->name = g_strdup (people[i].name);
      p->township_code = g_strdup (st_divisions_find_township (divisions, people[i].township)->code);
      p->phone = g_strdup (people[i].phone);
      g_assert_true (st_participant_insert (f->db, p, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (st_participant_search_refresh (f->db, NULL, NULL, NULL, &error), ==, G_N_ELEMENTS (people));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->db);
  g_free (f->path);
}

/* The names found for @search, sorted by name, joined by blanks. */
static char *
search (Fixture *f, const char *text)
{
  StParticipantQuery query = { text, NULL, NULL, NULL, ST_PARTICIPANT_SORT_NAME, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = st_participant_query_run (f->db, &query, &error);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GString) names = g_string_new (NULL);

  g_assert_no_error (error);
  rows = st_participant_query_fetch (f->db, (gint64 *) (gpointer) rowids->data, rowids->len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      StParticipantSummary *row = g_ptr_array_index (rows, i);

      g_assert_nonnull (row);
      g_string_append_printf (names, "%s%s", i ? " " : "", row->name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
has_initials (const char *name, const char *initials)
{
  g_autoptr(GPtrArray) all = st_pinyin_initials (name, 0);

  return g_ptr_array_find_with_equal_func (all, initials, g_str_equal, NULL);
}

static void
test_pinyin_initials (void)
{
  g_autoptr(GPtrArray) zhang_san = st_pinyin_initials ("张三", 0);
  guint covered = 0;

  g_assert_cmpuint (zhang_san->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (zhang_san, 0), ==, "zs");

  /* Every reading of the polyphonic surnames (SPEC: 单, 曾, 覃). */
  g_assert_true (has_initials ("单", "d"));
  g_assert_true (has_initials ("单", "s"));
  g_assert_true (has_initials ("单", "c"));
  g_assert_true (has_initials ("曾", "z"));
  g_assert_true (has_initials ("曾", "c"));
  g_assert_true (has_initials ("覃", "q"));
  g_assert_true (has_initials ("覃", "t"));
  /* zh, ch and sh are typed as z, c and s. */
  g_assert_true (has_initials ("赵钱孙", "zqs"));
  g_assert_true (has_initials ("常顺", "cs"));
  /* The middle dot of minority names is skipped; Latin stands for itself. */
  g_assert_true (has_initials ("阿依·古丽", "aygl"));
  g_assert_true (has_initials ("Li小明", "lixm"));
  /* kHanyuPinyin's archaic readings are not used: 三 is only s. */
  g_assert_cmpuint (g_bit_storage (st_pinyin_initials_mask (0x4E09)), ==, 's' - 'a' + 1);
  g_assert_cmpuint (st_pinyin_initials_mask (0x4E09), ==, 1u << ('s' - 'a'));

  /* The table covers the common block (the generator read Unihan). */
  for (gunichar c = 0x4E00; c <= 0x9FFF; c++)
    covered += st_pinyin_initials_mask (c) != 0;
  g_assert_cmpuint (covered, >, 20000);
}

static void
test_pinyin_cap (void)
{
  /* Four characters of three readings each would be 81 spellings; the
   * first reading of each is always among those kept. */
  g_autoptr(GPtrArray) many = st_pinyin_initials ("单单单单", 8);

  g_assert_cmpuint (many->len, <=, 8);
  g_assert_true (g_ptr_array_find_with_equal_func (many, "dddd", g_str_equal, NULL));
}

static void
test_pinyin_sort_key (void)
{
  g_autofree char *zhang = st_pinyin_sort_key ("张三");
  g_autofree char *zeng = st_pinyin_sort_key ("曾山");
  g_autofree char *chen = st_pinyin_sort_key ("陈芳");

  g_assert_cmpstr (zhang, ==, "zhang san\x1f张三");
  /* 曾 as a surname is Zēng: after 陈 (chen), before 张 (zhang). */
  g_assert_cmpstr (zeng, >, chen);
  g_assert_cmpstr (zeng, <, zhang);
}

static void
test_search_names (Fixture *f, gconstpointer data)
{
  g_autofree char *all = search (f, "");
  g_autofree char *zhang = search (f, "张");
  g_autofree char *san = search (f, "三");
  g_autofree char *xiu = search (f, " 秀英 ");
  g_autofree char *none = search (f, "李");

  g_assert_cmpstr (all, ==, "覃明 单田 王秀英 曾山 张三 张小三");
  g_assert_cmpstr (zhang, ==, "张三 张小三");
  /* A part of a name anywhere in it. */
  g_assert_cmpstr (san, ==, "张三 张小三");
  g_assert_cmpstr (xiu, ==, "王秀英");
  g_assert_cmpstr (none, ==, "");
}

static void
test_search_initials (Fixture *f, gconstpointer data)
{
  g_autofree char *zs = search (f, "zs");
  g_autofree char *cs = search (f, "cs");
  g_autofree char *ds = search (f, "dt");
  g_autofree char *st = search (f, "st");
  g_autofree char *tm = search (f, "TM");
  g_autofree char *z = search (f, "z");
  g_autofree char *zxs = search (f, "zxs");

  /* zs finds 张三 and 曾山 (Zēng); cs finds 曾山 (céng) only. */
  g_assert_cmpstr (zs, ==, "曾山 张三");
  g_assert_cmpstr (cs, ==, "曾山");
  g_assert_cmpstr (ds, ==, "单田");
  g_assert_cmpstr (st, ==, "单田");
  g_assert_cmpstr (tm, ==, "覃明");
  g_assert_cmpstr (z, ==, "曾山 张三 张小三");
  g_assert_cmpstr (zxs, ==, "张小三");
}

/* What was typed whole comes first: "zs" lists 曾山 and 张三, whose
 * initials are zs, before 曾思思 (zss), whom the name order puts between
 * them; then each group in the list's order. */
static void
test_search_whole_first (Fixture *f, gconstpointer data)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autoptr(StParticipant) p = st_participant_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *zs = NULL;
  g_autofree char *name = NULL;

  p->id_number = id_number ("52232719950505017");
  p->name = g_strdup ("曾思思");
  p->township_code = g_strdup (st_divisions_find_township (divisions, "者楼街道")->code);
  g_assert_true (st_participant_insert (f->db, p, &error));
  g_assert_no_error (error);
  st_participant_search_refresh (f->db, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  zs = search (f, "zs");
  g_assert_cmpstr (zs, ==, "曾山 张三 曾思思");
  /* A whole name too. */
  name = search (f, "张三");
  g_assert_cmpstr (name, ==, "张三");
}

static void
test_search_id_number (Fixture *f, gconstpointer data)
{
  g_autofree char *wang_id = id_number ("52232719880808005");
  g_autofree char *birth = search (f, "19880808");
  g_autofree char *tail = search (f, wang_id + 14);
  g_autofree char *whole = search (f, wang_id);
  g_autofree char *fullwidth = search (f, "１９８８０８０８");
  g_autofree char *start = search (f, "52");
  g_autofree char *wrong = search (f, "99999");
  g_autofree char *both = search (f, "张 0505");

  g_assert_cmpstr (birth, ==, "王秀英");
  g_assert_cmpstr (tail, ==, "王秀英");
  g_assert_cmpstr (whole, ==, "王秀英");
  g_assert_cmpstr (fullwidth, ==, "王秀英");
  g_assert_cmpstr (start, ==, "覃明 单田 王秀英 曾山 张三 张小三");
  g_assert_cmpstr (wrong, ==, "");
  /* Terms narrow together. */
  g_assert_cmpstr (both, ==, "张小三");
}

static void
test_search_follows_changes (Fixture *f, gconstpointer data)
{
  g_autoptr(StParticipant) zhang = find (f, "张三");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *old_name = NULL;
  g_autofree char *deleted = NULL;
  g_autofree char *restored = NULL;

  /* Changed by someone else (the CLI, sync): stale until refreshed. */
  g_free (zhang->name);
  zhang->name = g_strdup ("李四");
  g_assert_true (st_participant_update (f->db, zhang, &error));
  g_assert_no_error (error);
  g_assert_cmpint (st_participant_search_stale_count (f->db), ==, 1);
  g_assert_cmpint (st_participant_search_refresh (f->db, NULL, NULL, NULL, &error), ==, 1);
  g_assert_cmpint (st_participant_search_stale_count (f->db), ==, 0);
  after = search (f, "ls");
  old_name = search (f, "张三");
  g_assert_cmpstr (after, ==, "李四");
  g_assert_cmpstr (old_name, ==, "");

  /* Nothing to do is cheap and does nothing. */
  g_assert_cmpint (st_participant_search_refresh (f->db, NULL, NULL, NULL, &error), ==, 0);

  /* A tombstone leaves the index; undoing it comes back. */
  g_assert_true (st_participant_set_deleted (f->db, zhang->id, TRUE, &error));
  g_assert_true (st_participant_search_refresh_one (f->db, zhang->id, &error));
  deleted = search (f, "李");
  g_assert_cmpstr (deleted, ==, "");
  g_assert_true (st_participant_set_deleted (f->db, zhang->id, FALSE, &error));
  g_assert_true (st_participant_search_refresh_one (f->db, zhang->id, &error));
  restored = search (f, "李");
  g_assert_cmpstr (restored, ==, "李四");
  before = search (f, "zs");
  g_assert_cmpstr (before, ==, "曾山");
}

static void
test_search_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (st_demo_populate (f->db, 3000, 7, &error));
  g_cancellable_cancel (cancellable);
  g_assert_cmpint (st_participant_search_refresh (f->db, cancellable, NULL, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Nothing of it was kept. */
  g_assert_cmpint (st_participant_search_stale_count (f->db), ==, 3000);
  g_clear_error (&error);
  g_assert_cmpint (st_participant_search_refresh (f->db, NULL, NULL, NULL, &error), ==, 3000);
}

static void
test_query_sort_filter (Fixture *f, gconstpointer data)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  const char *qiaoma = st_divisions_find_township (divisions, "巧马镇")->code;
  StParticipantQuery query = { NULL, qiaoma, NULL, NULL, ST_PARTICIPANT_SORT_NAME, TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = st_participant_query_run (f->db, &query, &error);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GArray) by_age = NULL;
  g_autoptr(GArray) not_in_class = NULL;
  g_autoptr(GArray) studying = NULL;
  g_autofree char *shan_id = id_number ("52232719920202003");

  g_assert_no_error (error);
  g_assert_cmpuint (rowids->len, ==, 2);
  rows = st_participant_query_fetch (f->db, (gint64 *) (gpointer) rowids->data, rowids->len, &error);
  /* Descending pinyin, surnames as surnames: 单 (Shàn) before 覃 (Qín). */
  g_assert_cmpstr (((StParticipantSummary *) g_ptr_array_index (rows, 0))->name, ==, "单田");
  g_assert_cmpstr (((StParticipantSummary *) g_ptr_array_index (rows, 1))->name, ==, "覃明");
  g_assert_cmpstr (((StParticipantSummary *) g_ptr_array_index (rows, 0))->id_number, ==, shan_id);

  /* The oldest first: born 1985 (张三) … 2000 (张小三). */
  query.township_code = NULL;
  query.sort = ST_PARTICIPANT_SORT_AGE;
  query.descending = TRUE;
  by_age = st_participant_query_run (f->db, &query, &error);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = st_participant_query_fetch (f->db, (gint64 *) (gpointer) by_age->data, by_age->len, &error);
  g_assert_cmpstr (((StParticipantSummary *) g_ptr_array_index (rows, 0))->name, ==, "张三");
  g_assert_cmpstr (((StParticipantSummary *) g_ptr_array_index (rows, rows->len - 1))->name, ==, "张小三");

  /* Nobody is in a class yet. */
  query.state = "none";
  not_in_class = st_participant_query_run (f->db, &query, &error);
  g_assert_cmpuint (not_in_class->len, ==, G_N_ELEMENTS (people));
  query.state = "studying";
  studying = st_participant_query_run (f->db, &query, &error);
  g_assert_cmpuint (studying->len, ==, 0);

  /* Every sort runs. */
  for (int sort = ST_PARTICIPANT_SORT_DEFAULT; sort <= ST_PARTICIPANT_SORT_ID_NUMBER; sort++)
    for (int desc = 0; desc < 2; desc++)
      {
        StParticipantQuery q = { NULL, NULL, NULL, NULL, sort, desc };
        g_autoptr(GArray) all = st_participant_query_run (f->db, &q, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (all->len, ==, G_N_ELEMENTS (people));
      }
}

static void
test_audit_history (Fixture *f, gconstpointer data)
{
  g_autoptr(StParticipant) zhang = find (f, "张三");
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  StAuditEntry *latest;
  StAuditChange *change;

  g_free (zhang->phone);
  zhang->phone = g_strdup ("13912345678");
  g_assert_true (st_participant_update (f->db, zhang, &error));

  history = st_audit_history (f->db, zhang->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  latest = g_ptr_array_index (history, 0);
  g_assert_cmpstr (latest->op, ==, "update");
  g_assert_cmpstr (latest->actor, ==, g_get_user_name ());
  g_assert_cmpuint (latest->changes->len, ==, 1);
  change = g_ptr_array_index (latest->changes, 0);
  g_assert_cmpstr (change->field, ==, "phone");
  g_assert_cmpstr (change->old_value, ==, "13800000001");
  g_assert_cmpstr (change->new_value, ==, "13912345678");
  g_assert_cmpstr (((StAuditEntry *) g_ptr_array_index (history, 1))->op, ==, "insert");
}

static void
test_migration (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  StDb *db;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  path = g_build_filename (g_get_user_data_dir (), "v1.db", NULL);
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (st_demo_populate (db, 50, 3, &error));
  /* Back to schema 1, as a file of the first version is. */
  g_assert_true (st_db_exec (db,
                             "DROP TABLE participant_search; DROP TABLE participant_search_keys;"
                             "DROP TABLE participant_search_id_keys; DROP INDEX attendance_totals;"
                             "DROP INDEX study_logs_totals; DROP INDEX audit_log_hlc;"
                             "DROP TABLE review_items; DROP TABLE sync_refusals; PRAGMA user_version = 1;",
                             &error));
  g_object_unref (db);

  db = st_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (st_db_get_schema_version (db), ==, st_db_get_latest_schema_version ());
  g_assert_cmpint (st_db_get_schema_version (db), >=, 2);
  g_assert_cmpint (st_db_count_live (db, "participants"), ==, 50);
  g_assert_cmpint (st_participant_search_stale_count (db), ==, 50);
  g_assert_cmpint (st_participant_search_refresh (db, NULL, NULL, NULL, &error), ==, 50);
  g_object_unref (db);
}

static char *
data_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "import", name, NULL);
}

static void
test_roster_preview (void)
{
  g_autofree char *path = data_file ("roster.csv");
  g_autofree char *gb = data_file ("roster-gb18030.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(StRosterPreview) preview = st_roster_preview_new (path, 4, &error);
  g_autoptr(StRosterPreview) preview_gb = st_roster_preview_new (gb, 4, &error);

  g_assert_no_error (error);
  g_assert_cmpint (preview->encoding, ==, ST_CSV_ENCODING_UTF8_BOM);
  g_assert_cmpint (preview_gb->encoding, ==, ST_CSV_ENCODING_GB18030);
  /* The title row is skipped; the header is on line 2. */
  g_assert_true (preview->header_found);
  g_assert_cmpuint (preview->header_line, ==, 2);
  g_assert_cmpuint (preview->n_columns, ==, 11);
  g_assert_cmpstr (preview->header[1], ==, "姓名");
  g_assert_cmpint (preview->columns[1], ==, ST_IMPORT_COLUMN_NAME);
  g_assert_cmpint (preview->columns[4], ==, ST_IMPORT_COLUMN_ID_NUMBER);
  g_assert_cmpint (preview->columns[10], ==, ST_IMPORT_COLUMN_UNKNOWN);
  g_assert_cmpuint (preview->rows->len, ==, 4);
  g_assert_cmpstr (((char **) g_ptr_array_index (preview->rows, 0))[1], ==, "王秀英");
  /* Blank rows are no data: 15 rows, as the import reads them. */
  g_assert_cmpuint (preview->n_data_rows, ==, 15);
}

static void
test_roster_mapping (Fixture *f, gconstpointer data)
{
  g_autofree char *path = data_file ("roster.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(StRosterPreview) preview = st_roster_preview_new (path, 4, &error);
  g_autofree StImportColumn *columns = g_memdup2 (preview->columns, preview->n_columns * sizeof (StImportColumn));
  g_autofree char *same = NULL;
  g_autofree char *copy = NULL;
  g_autoptr(StImportResult) result = NULL;
  g_autoptr(StParticipant) wang = NULL;

  /* Nothing changed: the roster itself is imported. */
  same = st_roster_apply_mapping (preview, columns, &error);
  g_assert_cmpstr (same, ==, path);

  /* The address column holds what the person wants as notes, and the
   * phone column is left out. */
  columns[9] = ST_IMPORT_COLUMN_UNKNOWN;   /* 备注 */
  columns[10] = ST_IMPORT_COLUMN_NOTES;    /* 户籍地址 */
  columns[7] = ST_IMPORT_COLUMN_UNKNOWN;   /* 联系电话 */
  copy = st_roster_apply_mapping (preview, columns, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copy, !=, path);

  result = st_import_roster (f->db, copy, NULL, NULL, NULL, NULL, &error);
  st_roster_delete_copy (preview, copy);
  g_assert_no_error (error);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
  g_assert_cmpint (result->encoding, ==, ST_CSV_ENCODING_UTF8_BOM);
  g_assert_cmpuint (result->imported, ==, 9);
  g_assert_cmpuint (result->rejected, ==, 5);
  /* Rows keep their line numbers in the copy: 班错号 is on row 7. */
  for (guint i = 0; i < result->rejects->len; i++)
    {
      StImportReject *r = g_ptr_array_index (result->rejects, i);

      if (r->line == 7)
        g_assert_cmpstr (r->fields[1], ==, "班错号");
    }

  wang = st_participant_find_by_id_number (f->db, "522327198503120028", &error);
  g_assert_nonnull (wang);
  g_assert_cmpstr (wang->notes, ==, "者楼村1组");
  g_assert_null (wang->phone);
}

static void
test_roster_headerless (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "headerless.csv", NULL);
  g_autofree char *zhang = id_number ("52232719700101011");
  g_autofree char *text = g_strdup_printf ("李老五,%s,者楼街道\r\n", zhang);
  g_autoptr(GError) error = NULL;
  g_autoptr(StRosterPreview) preview = NULL;
  StImportColumn columns[3] = { ST_IMPORT_COLUMN_NAME, ST_IMPORT_COLUMN_ID_NUMBER, ST_IMPORT_COLUMN_TOWNSHIP };
  g_autofree char *copy = NULL;
  g_autoptr(StImportResult) result = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  preview = st_roster_preview_new (path, 4, &error);
  g_assert_no_error (error);
  g_assert_false (preview->header_found);
  g_assert_true (preview->headerless);
  g_assert_cmpuint (preview->n_data_rows, ==, 1);
  g_assert_false (st_roster_mapping_is_usable (preview->columns, preview->n_columns));
  g_assert_true (st_roster_mapping_is_usable (columns, 3));

  copy = st_roster_apply_mapping (preview, columns, &error);
  g_assert_no_error (error);
  result = st_import_roster (f->db, copy, NULL, NULL, NULL, NULL, &error);
  st_roster_delete_copy (preview, copy);
  g_assert_no_error (error);
  g_assert_cmpuint (result->imported, ==, 1);
}

/* The copy a column mapping makes is a CSV the project writes: formula
 * cells in it are text ('), and the import reads them back as they were
 * in the person's roster (issue 14). */
static void
test_roster_formulas (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "formulas.csv", NULL);
  g_autofree char *zhang = id_number ("52232719700101011");
  g_autofree char *text = g_strdup_printf ("\"=HYPERLINK(\"\"http://evil.example/\"\")\",%s,者楼街道\r\n", zhang);
  g_autoptr(GError) error = NULL;
  g_autoptr(StRosterPreview) preview = NULL;
  StImportColumn columns[3] = { ST_IMPORT_COLUMN_NAME, ST_IMPORT_COLUMN_ID_NUMBER, ST_IMPORT_COLUMN_TOWNSHIP };
  g_autofree char *copy = NULL;
  g_autofree char *written = NULL;
  g_autoptr(StImportResult) result = NULL;
  g_autoptr(StParticipant) p = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  preview = st_roster_preview_new (path, 4, &error);
  g_assert_no_error (error);
  copy = st_roster_apply_mapping (preview, columns, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (copy, &written, NULL, &error));
  g_assert_nonnull (strstr (written, "\"'=HYPERLINK(\"\"http://evil.example/\"\")\","));
  result = st_import_roster (f->db, copy, NULL, NULL, NULL, NULL, &error);
  st_roster_delete_copy (preview, copy);
  g_assert_no_error (error);
  g_assert_cmpuint (result->imported, ==, 1);
  p = st_participant_find_by_id_number (f->db, zhang, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (p->name, ==, "=HYPERLINK(\"http://evil.example/\")");
}

static void
test_roster_workbook (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StRosterPreview) preview = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  path = g_build_filename (g_get_user_data_dir (), "名册.xlsx", NULL);
  g_assert_true (g_file_set_contents (path, "PK\x03\x04 a zip", 11, &error));
  preview = st_roster_preview_new (path, 4, &error);
  g_assert_null (preview);
  g_assert_error (error, ST_IMPORT_ERROR, ST_IMPORT_ERROR_SPREADSHEET);
}

static void
test_header_names (void)
{
  /* The copy's header names map back to what was chosen. */
  for (StImportColumn c = ST_IMPORT_COLUMN_NAME; c < ST_IMPORT_N_COLUMNS; c++)
    g_assert_cmpint (st_import_column_for_header (st_roster_header_for_column (c)), ==, c);
  g_assert_cmpint (st_import_column_for_header ("#姓名"), ==, ST_IMPORT_COLUMN_UNKNOWN);
}

/* The filters in memory give exactly what the query gives, in the same
 * order, for every township, some villages, every state and every sort, on
 * a demo county with classes, withdrawals and graduates. */
static void
test_facets (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "facets.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autoptr(GPtrArray) townships = st_divisions_townships (divisions);
  g_autoptr(StParticipantFacets) facets = NULL;
  StDemoTrainingOptions training = { NULL, TRUE, TRUE, 0, FALSE };
  static const char *const states[] = { NULL, "studying", "graduated", "completed", "withdrawn", "none" };
  guint compared = 0, nonempty = 0;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (st_demo_populate (db, 600, 11, &error));
  g_assert_true (st_demo_populate_training (db, 11, &training, &error));
  g_assert_no_error (error);
  facets = st_participant_facets_read (db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (st_participant_facets_count (facets), ==, st_participant_query_count (db, NULL));

  for (int sort = ST_PARTICIPANT_SORT_DEFAULT; sort <= ST_PARTICIPANT_SORT_ID_NUMBER; sort += 3)
    {
      StParticipantQuery all = { .sort = sort, .descending = sort % 2 };
      g_autoptr(GArray) ordered = st_participant_query_list (db, &all, &error);

      g_assert_no_error (error);
      for (guint t = 0; t <= townships->len; t++)
        for (guint st = 0; st < G_N_ELEMENTS (states); st++)
          {
            const StDivision *township = t < townships->len ? g_ptr_array_index (townships, t) : NULL;
            g_autoptr(GPtrArray) villages = township ? st_divisions_villages_of (divisions, township->code) : NULL;
            StParticipantQuery query = all;
            g_autoptr(GArray) by_query = NULL;
            g_autoptr(GArray) in_memory = NULL;

            query.township_code = township ? township->code : NULL;
            query.state = states[st];
            /* The first village of the township too, once per township. */
            if (villages != NULL && villages->len > 0 && st == 0 && sort == 0)
              query.village_code = ((const StDivision *) g_ptr_array_index (villages, 0))->code;
            by_query = st_participant_query_list (db, &query, &error);
            g_assert_no_error (error);
            in_memory = st_participant_facets_filter (facets, ordered, &query);
            g_assert_cmpuint (in_memory->len, ==, by_query->len);
            g_assert_cmpmem (in_memory->data, in_memory->len * sizeof (gint64),
                             by_query->data, by_query->len * sizeof (gint64));
            compared++;
            nonempty += by_query->len > 0;
          }
    }
  /* Not a comparison of empty lists. */
  g_assert_cmpuint (nonempty, >, compared / 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/pinyin/initials", test_pinyin_initials);
  g_test_add_func ("/core/pinyin/cap", test_pinyin_cap);
  g_test_add_func ("/core/pinyin/sort-key", test_pinyin_sort_key);
  g_test_add ("/core/search/names", Fixture, NULL, fixture_setup, test_search_names, fixture_teardown);
  g_test_add ("/core/search/initials", Fixture, NULL, fixture_setup, test_search_initials, fixture_teardown);
  g_test_add ("/core/search/whole-first", Fixture, NULL, fixture_setup, test_search_whole_first, fixture_teardown);
  g_test_add ("/core/search/id-number", Fixture, NULL, fixture_setup, test_search_id_number, fixture_teardown);
  g_test_add ("/core/search/follows-changes", Fixture, NULL, fixture_setup, test_search_follows_changes, fixture_teardown);
  g_test_add ("/core/search/cancel", Fixture, NULL, fixture_setup, test_search_cancel, fixture_teardown);
  g_test_add ("/core/search/sort-filter", Fixture, NULL, fixture_setup, test_query_sort_filter, fixture_teardown);
  g_test_add_func ("/core/search/facets", test_facets);
  g_test_add_func ("/core/search/migration", test_migration);
  g_test_add ("/core/audit/history", Fixture, NULL, fixture_setup, test_audit_history, fixture_teardown);
  g_test_add_func ("/core/roster/preview", test_roster_preview);
  g_test_add ("/core/roster/mapping", Fixture, NULL, fixture_setup, test_roster_mapping, fixture_teardown);
  g_test_add ("/core/roster/headerless", Fixture, NULL, fixture_setup, test_roster_headerless, fixture_teardown);
  g_test_add ("/core/roster/formulas", Fixture, NULL, fixture_setup, test_roster_formulas, fixture_teardown);
  g_test_add_func ("/core/roster/workbook", test_roster_workbook);
  g_test_add_func ("/core/roster/header-names", test_header_names);

  return g_test_run ();
}
