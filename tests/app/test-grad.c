/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Graduation, Reports and Overview pages and the roles, driven through
 * their real widgets under Xvfb on a demo county with its training
 * records. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "st-application.h"
#include "st-assessment-row.h"
#include "st-assessment-sheet.h"
#include "st-certificate.h"
#include "st-demo.h"
#include "st-eligibility.h"
#include "st-graduation-item.h"
#include "st-graduation-page-private.h"
#include "st-overview.h"
#include "st-overview-page-private.h"
#include "st-participants-page-private.h"
#include "st-records.h"
#include "st-reports-page-private.h"
#include "st-window-private.h"
#include "st-test-ui.h"

typedef struct
{
  char     *path;
  StDb     *db;
  StWindow *window;
} Fixture;

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = st_application_settings_new ();

  g_assert_nonnull (settings);
  g_settings_reset (settings, "local-role");
  g_settings_reset (settings, "local-townships");
  g_settings_reset (settings, "local-trainer");
}

/* 400 people, three in four in classes with a year or more of hours, as of
 * today: every graduation state occurs, nothing approved yet. */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StDemoTrainingOptions training = { NULL, FALSE, TRUE, 30, FALSE, 1 };
  static guint n;

  reset_settings ();
  f->path = g_strdup_printf ("%s/grad-%u.db", g_get_user_data_dir (), ++n);
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (st_demo_populate (f->db, 400, 11, &error));
  g_assert_true (st_demo_populate_training (f->db, 11, &training, &error));
  g_assert_no_error (error);
}

static void
open_window (Fixture    *f,
             const char *page)
{
  f->window = st_window_new (NULL, f->db);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 720);
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (f->window)) && st_window_is_index_ready (f->window));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", page);
  settle ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  settle ();
  g_clear_object (&f->db);
  g_free (f->path);
  reset_settings ();
}

static StGraduationPage *
graduation_ready (Fixture *f)
{
  StGraduationPage *page = st_window_get_graduation_page (f->window);

  WAIT_UNTIL (!st_graduation_page_is_evaluating (page) && st_graduation_page_get_n_rows (page) > 0);
  return page;
}

static GtkSelectionModel *
model_of (GtkColumnView *view)
{
  return gtk_column_view_get_model (view);
}

/* Approving what the page offers numbers certificates, shows them in the
 * rows, and the household-registration file written through the page
 * holds every one of them, in either encoding. */
static void
test_approve_export (Fixture *f, gconstpointer data)
{
  StGraduationPage *page;
  GtkSelectionModel *model;
  AdwMessageDialog *dialog;
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = g_build_filename (g_get_user_data_dir (), "household.csv", NULL);
  g_autofree char *gb = g_build_filename (g_get_user_data_dir (), "household-gb.csv", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *utf8 = NULL;
  gsize length;
  guint eligible, diploma = 0;

  open_window (f, "graduation");
  page = graduation_ready (f);
  g_assert_true (gtk_widget_get_visible (st_graduation_page_get_approve_button (page)));
  g_assert_false (gtk_widget_get_sensitive (st_graduation_page_get_approve_button (page)));

  st_graduation_page_filter_state (page, "eligible");
  eligible = st_graduation_page_get_n_rows (page);
  g_assert_cmpuint (eligible, >, 0);
  gtk_widget_activate_action (GTK_WIDGET (page), "graduation.select-approvable", NULL);
  model = model_of (st_graduation_page_get_column_view (page));
  {
    g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (model);

    g_assert_cmpuint (gtk_bitset_get_size (selected), ==, eligible);
  }
  g_assert_true (gtk_widget_get_sensitive (st_graduation_page_get_approve_button (page)));

  gtk_widget_activate_action (GTK_WIDGET (page), "graduation.approve", NULL);
  WAIT_UNTIL (st_graduation_page_get_confirmation (page) != NULL);
  dialog = st_graduation_page_get_confirmation (page);
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_heading (dialog), "Approve"));
  adw_message_dialog_response (dialog, "approve");
  settle ();

  /* Every approved row shows its number and is graduated. */
  for (guint i = 0; i < eligible; i++)
    {
      g_autoptr(StGraduationSlot) slot = g_list_model_get_item (G_LIST_MODEL (model), i);
      StGraduationItem *item = st_graduation_slot_get_item (slot);
      const char *number = st_graduation_item_get_certificate (item);

      g_assert_nonnull (number);
      g_assert_true (g_str_has_prefix (number, "522327"));
      g_assert_cmpint (st_graduation_item_get_eligibility (item)->outcome, ==, ST_OUTCOME_GRADUATED);
      /* The household register learns of diploma graduates only (annex 6
       * §(七)3), not of a training's certificate. */
      if (g_str_equal (st_graduation_item_get_eligibility (item)->program_code, "secondary-vocational"))
        {
          g_ptr_array_add (numbers, g_strdup (number));
          diploma++;
        }
    }
  /* (The demo's approvals are mostly trainings, done as soon as their hours
   * are in; its diploma graduates may be none on a given day: the export
   * then holds its header only.) */
  g_assert_true (strstr (st_graduation_page_get_last_message (page), "certificates issued") != NULL);
  stored = st_certificate_list (f->db, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, eligible);
  /* Nothing left to approve: the button says so by being insensitive. */
  g_assert_false (gtk_widget_get_sensitive (st_graduation_page_get_approve_button (page)));

  /* The certificates of the rows still selected, as a PDF: a page each. */
  {
    g_autofree char *pdf = g_build_filename (g_get_user_data_dir (), "certificates.pdf", NULL);
    g_autofree char *bytes = NULL;
    guint pages = 0;

    g_assert_true (st_graduation_page_save_certificates (page, pdf, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (pdf, &bytes, &length, NULL));
    g_assert_true (g_str_has_prefix (bytes, "%PDF"));
    for (const char *p = bytes; (p = memmem (p, length - (p - bytes), "/Type /Page %", 13)) != NULL; p++)
      pages++;
    g_assert_cmpuint (pages, ==, eligible);
    g_unlink (pdf);
  }

  g_assert_cmpint (st_graduation_page_export (page, "household", csv, ST_CSV_ENCODING_UTF8_BOM, &error), ==, diploma);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv, &contents, &length, &error));
  for (guint i = 0; i < numbers->len; i++)
    g_assert_nonnull (strstr (contents, g_ptr_array_index (numbers, i)));
  g_clear_pointer (&contents, g_free);

  g_assert_cmpint (st_graduation_page_export (page, "household", gb, ST_CSV_ENCODING_GB18030, &error), ==, diploma);
  g_assert_true (g_file_get_contents (gb, &contents, &length, &error));
  g_assert_false (g_utf8_validate (contents, length, NULL));   /* names in GB18030 */
  utf8 = g_convert (contents, length, "UTF-8", "GB18030", NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < numbers->len; i++)
    g_assert_nonnull (strstr (utf8, g_ptr_array_index (numbers, i)));
  g_unlink (csv);
  g_unlink (gb);
}

static JsonObject *
cli_report (Fixture    *f,
            const char *quarter,
            JsonParser *parser)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("ST_CLI"), "--db", f->path, "--json",
                           "report", "quarterly", "--quarter", quarter, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  return json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "total");
}

static void
assert_cell (StTableRow *row,
             guint       column,
             gint64      expected)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, expected);

  g_assert_cmpstr (st_table_row_get_cell (row, column), ==, text);
}

/* The page's total row shows what `shuangti-cli report --json` counts. */
static void
test_report_totals (Fixture *f, gconstpointer data)
{
  static const char *const quarters[] = { "2025Q3", "2024Q4" };

  open_window (f, "reports");
  for (guint q = 0; q < G_N_ELEMENTS (quarters); q++)
    {
      StReportsPage *page = st_window_get_reports_page (f->window);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *total = cli_report (f, quarters[q], parser);
      GListModel *rows;
      g_autoptr(StTableRow) row = NULL;

      g_assert_true (st_reports_page_set_quarter (page, quarters[q]));
      settle ();
      WAIT_UNTIL (!st_reports_page_is_loading (page));
      rows = st_reports_page_get_townships (page);
      g_assert_cmpuint (g_list_model_get_n_items (rows), >, 1);
      row = g_list_model_get_item (rows, g_list_model_get_n_items (rows) - 1);
      g_assert_true (st_table_row_get_bold (row));
      g_assert_cmpint (json_object_get_int_member (total, "cumulative_participants"), >, 0);
      assert_cell (row, ST_REPORT_COLUMN_NEW_ENROLMENTS, json_object_get_int_member (total, "new_enrolments"));
      assert_cell (row, ST_REPORT_COLUMN_CUMULATIVE, json_object_get_int_member (total, "cumulative_participants"));
      assert_cell (row, ST_REPORT_COLUMN_IN_STUDY, json_object_get_int_member (total, "in_study"));
      assert_cell (row, ST_REPORT_COLUMN_GRADUATED, json_object_get_int_member (total, "graduated"));
      assert_cell (row, ST_REPORT_COLUMN_COMPLETED, json_object_get_int_member (total, "completed"));
      assert_cell (row, ST_REPORT_COLUMN_WITHDRAWN, json_object_get_int_member (total, "withdrawn"));
      assert_cell (row, ST_REPORT_COLUMN_SESSIONS,
                   json_object_get_int_member (json_object_get_object_member (total, "sessions"), "total"));
      assert_cell (row, ST_REPORT_COLUMN_FINISHED, json_object_get_int_member (total, "finished_cumulative"));
    }
  /* And the exports write the report shown. */
  {
    StReportsPage *page = st_window_get_reports_page (f->window);
    g_autofree char *pdf = g_build_filename (g_get_user_data_dir (), "report.pdf", NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *head = NULL;
    gsize length;

    g_assert_true (st_reports_page_export (page, "pdf", pdf, ST_CSV_ENCODING_UTF8_BOM, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (pdf, &head, &length, NULL));
    g_assert_true (length > 1000 && g_str_has_prefix (head, "%PDF"));
    g_unlink (pdf);
  }
}

static const char *
first_township (StDb *db)
{
  g_autoptr(GPtrArray) classes = st_class_list (db, NULL, NULL);

  g_assert_nonnull (classes);
  g_assert_cmpuint (classes->len, >, 0);
  return g_intern_string (((StClass *) g_ptr_array_index (classes, 0))->township_code);
}

/* A township account (signed in) is not offered approval, assessments or
 * exports, and sees its township only: rows, filters, participants. */
static void
test_role_township (Fixture *f, gconstpointer data)
{
  const char *township = first_township (f->db);
  g_autofree char *json = g_strdup_printf ("[\"%s\"]", township);
  g_autoptr(GError) error = NULL;
  StGraduationPage *page;
  GtkSelectionModel *model;
  guint n;

  g_assert_true (st_db_set_meta (f->db, "sync.role", "township", &error));
  g_assert_true (st_db_set_meta (f->db, "sync.townships", json, &error));
  g_assert_true (st_db_set_meta (f->db, "sync.account", "qiaoma", &error));
  open_window (f, "graduation");
  page = graduation_ready (f);

  g_assert_false (gtk_widget_get_visible (st_graduation_page_get_approve_button (page)));
  g_assert_false (gtk_widget_get_visible (st_graduation_page_get_assess_button (page)));
  g_assert_false (gtk_widget_is_sensitive (st_graduation_page_get_approve_button (page)));
  /* The documents menu has no exports. */
  g_assert_cmpint (g_menu_model_get_n_items (gtk_menu_button_get_menu_model (
                     GTK_MENU_BUTTON (st_graduation_page_get_documents_button (page)))), ==, 1);
  g_assert_cmpint (st_graduation_page_export (page, "household", "/nonexistent.csv", ST_CSV_ENCODING_UTF8_BOM, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  /* Approving by the keyboard shortcut does nothing either. */
  gtk_widget_activate_action (GTK_WIDGET (page), "graduation.approve", NULL);
  settle ();
  g_assert_null (st_graduation_page_get_confirmation (page));

  /* Only its township: one entry in the filter, which cannot change. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (st_graduation_page_get_township_dropdown (page))), ==, 1);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (st_graduation_page_get_township_dropdown (page))));
  model = model_of (st_graduation_page_get_column_view (page));
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StGraduationSlot) slot = g_list_model_get_item (G_LIST_MODEL (model), i);
      StGraduationItem *item = st_graduation_slot_get_item (slot);

      g_assert_cmpstr (st_graduation_item_get_eligibility (item)->township_code, ==, township);
    }
  {
    StParticipantsPage *participants = st_window_get_participants_page (f->window);
    GtkDropDown *dropdown = st_participants_page_get_township_dropdown (participants);

    g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 1);
    g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (dropdown)));
    g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (dropdown)));
  }
}

/* A trainer's account sees the enrolments of the classes that name it, and
 * nothing county-only. */
static void
test_role_trainer (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) classes = st_class_list (f->db, NULL, NULL);
  g_autoptr(GHashTable) theirs = g_hash_table_new (g_str_hash, g_str_equal);
  const char *trainer = ((StClass *) g_ptr_array_index (classes, 0))->trainers[0];
  const char *township = ((StClass *) g_ptr_array_index (classes, 0))->township_code;
  g_autofree char *json = g_strdup_printf ("[\"%s\"]", township);
  StGraduationPage *page;
  GListModel *model;
  guint n;

  for (guint i = 0; i < classes->len; i++)
    {
      StClass *c = g_ptr_array_index (classes, i);

      if (g_strcmp0 (c->township_code, township) == 0 && g_strv_contains ((const char *const *) c->trainers, trainer))
        g_hash_table_add (theirs, c->id);
    }
  g_assert_true (st_db_set_meta (f->db, "sync.role", "trainer", NULL));
  g_assert_true (st_db_set_meta (f->db, "sync.townships", json, NULL));
  g_assert_true (st_db_set_meta (f->db, "sync.account", trainer, NULL));
  open_window (f, "graduation");
  page = graduation_ready (f);
  g_assert_false (gtk_widget_get_visible (st_graduation_page_get_approve_button (page)));
  /* "All classes" and theirs. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (st_graduation_page_get_class_dropdown (page))), ==,
                    g_hash_table_size (theirs) + 1);
  model = G_LIST_MODEL (model_of (st_graduation_page_get_column_view (page)));
  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StGraduationSlot) slot = g_list_model_get_item (model, i);
      StGraduationItem *item = st_graduation_slot_get_item (slot);

      g_assert_true (g_hash_table_contains (theirs, st_graduation_item_get_eligibility (item)->class_id));
    }
}

/* Before any sign-in, the role chosen in Preferences decides, at once. */
static void
test_role_local (Fixture *f, gconstpointer data)
{
  g_autoptr(GSettings) settings = st_application_settings_new ();
  const char *codes[] = { first_township (f->db), NULL };
  StGraduationPage *page;

  open_window (f, "graduation");
  page = graduation_ready (f);
  g_assert_true (gtk_widget_get_visible (st_graduation_page_get_approve_button (page)));
  g_assert_cmpint (st_role_get_kind (st_window_get_role (f->window)), ==, ST_ROLE_COUNTY);

  g_settings_set_strv (settings, "local-townships", codes);
  g_settings_set_string (settings, "local-role", "township");
  settle ();
  g_assert_cmpint (st_role_get_kind (st_window_get_role (f->window)), ==, ST_ROLE_TOWNSHIP);
  g_assert_false (gtk_widget_get_visible (st_graduation_page_get_approve_button (page)));
  page = graduation_ready (f);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (st_graduation_page_get_township_dropdown (page))), ==, 1);

  g_settings_set_string (settings, "local-role", "county");
  settle ();
  g_assert_true (gtk_widget_get_visible (st_graduation_page_get_approve_button (page)));

  /* A signed-in account wins over the local choice. */
  g_assert_true (st_db_set_meta (f->db, "sync.role", "trainer", NULL));
  st_role_reload (st_window_get_role (f->window));
  g_assert_cmpint (st_role_get_kind (st_window_get_role (f->window)), ==, ST_ROLE_TRAINER);
  g_assert_true (st_role_is_signed_in (st_window_get_role (f->window)));
  g_assert_false (gtk_widget_get_visible (st_graduation_page_get_approve_button (page)));
}

static gint64
count (StDb       *db,
       const char *sql,
       const char *arg1,
       const char *arg2)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (st_db_get_handle (db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg1)
    sqlite3_bind_text (stmt, 1, arg1, -1, SQLITE_TRANSIENT);
  if (arg2)
    sqlite3_bind_text (stmt, 2, arg2, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
assert_label (GtkLabel *label,
              gint64    expected)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, expected);

  g_assert_cmpstr (gtk_label_get_text (label), ==, text);
}

/* What the Overview counts is what the database holds, counted here
 * another way. */
static void
test_overview_counts (Fixture *f, gconstpointer data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *first = g_date_time_format (now, "%Y-%m-01");
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 90);
  g_autofree char *horizon = g_date_time_format (later, "%Y-%m-%d");
  g_autoptr(GPtrArray) all = NULL;
  StOverviewPage *page;
  gint64 incomplete, no_session, near_end = 0, participants;
  GListModel *rows;
  g_autoptr(StTableRow) total = NULL;
  g_autoptr(GError) error = NULL;

  /* Review items as sync keeps them: three waiting, one resolved, one
   * withdrawn by the server (tombstoned). */
  g_assert_true (st_db_exec (f->db,
                             "INSERT INTO review_items (id, hlc, device, deleted, tbl, row_id, created_at, resolved, data)"
                             " VALUES ('r1', st_hlc (), st_device (), 0, 'participants', 'a', 1, 0, '{}'),"
                             "        ('r2', st_hlc (), st_device (), 0, 'participants', 'b', 2, 0, '{}'),"
                             "        ('r3', st_hlc (), st_device (), 0, 'participants', 'c', 3, 1, '{}'),"
                             "        ('r4', st_hlc (), st_device (), 1, 'participants', 'd', 4, 0, '{}'),"
                             "        ('r5', st_hlc (), st_device (), 0, 'enrolments', 'e', 5, 0, '{}')", &error));
  /* Two people without a phone, whatever the demo gave them. */
  g_assert_true (st_db_exec (f->db, "UPDATE participants SET phone = NULL, hlc = st_hlc (), device = st_device ()"
                                    " WHERE rowid IN (1, 2)", &error));
  g_assert_no_error (error);

  incomplete = count (f->db,
                      "SELECT count (*) FROM participants WHERE deleted = 0 AND merged_into IS NULL AND"
                      " (phone IS NULL OR phone = '' OR education IS NULL OR ethnicity IS NULL OR ethnicity = ''"
                      "  OR (village_code IS NULL AND (village_name IS NULL OR village_name = '')))", NULL, NULL);
  /* Classes behind their schedule: the demo's diploma classes keep the
   * monthly one, a day of 8 hours (every mode counts as concentrated);
   * trainings have none; a class not yet started owes nothing. */
  no_session = count (f->db,
                      "SELECT count (*) FROM classes c WHERE c.deleted = 0 AND c.program_id = 'secondary-vocational'"
                      " AND c.start_date <= ?2"
                      " AND c.id IN (SELECT class_id FROM enrolments WHERE deleted = 0 AND state = 'studying')"
                      " AND (SELECT coalesce (sum (minutes), 0) FROM sessions WHERE class_id = c.id AND deleted = 0"
                      "      AND date >= ?1 AND date <= ?2) < 8 * 60",
                      first, today);
  participants = count (f->db, "SELECT count (*) FROM participants WHERE deleted = 0", NULL, NULL);
  all = st_eligibility_evaluate (f->db, NULL, &error);
  for (guint i = 0; i < all->len; i++)
    {
      StEligibility *e = g_ptr_array_index (all, i);
      gboolean short_of_hours = FALSE;

      for (guint m = 0; m < e->missing->len; m++)
        {
          StMissingKind k = g_array_index (e->missing, StMissing, m).kind;

          short_of_hours |= k == ST_MISSING_CONCENTRATED || k == ST_MISSING_SELF_STUDY
            || k == ST_MISSING_SELF_AND_ONLINE || k == ST_MISSING_ATTENDED;
        }
      if (e->outcome == ST_OUTCOME_STUDYING && short_of_hours && strcmp (e->end_date, horizon) <= 0)
        near_end++;
    }
  g_assert_cmpint (incomplete, >=, 2);

  open_window (f, "overview");
  page = st_window_get_overview_page (f->window);
  WAIT_UNTIL (!st_overview_page_is_loading (page));
  assert_label (st_overview_page_get_incomplete_label (page), incomplete);
  assert_label (st_overview_page_get_no_session_label (page), no_session);
  assert_label (st_overview_page_get_near_end_label (page), near_end);
  g_assert_true (gtk_widget_get_visible (st_overview_page_get_review_row (page)));
  assert_label (st_overview_page_get_review_label (page), 3);
  rows = st_overview_page_get_townships (page);
  total = g_list_model_get_item (rows, g_list_model_get_n_items (rows) - 1);
  assert_cell (total, ST_OVERVIEW_COLUMN_PARTICIPANTS, participants);
  assert_cell (total, ST_OVERVIEW_COLUMN_NO_SESSION, no_session);
}

/* Nothing to review: the row says 0, without the warning colour. */
static void
test_overview_no_review (Fixture *f, gconstpointer data)
{
  StOverviewPage *page;

  open_window (f, "overview");
  page = st_window_get_overview_page (f->window);
  WAIT_UNTIL (!st_overview_page_is_loading (page));
  g_assert_true (gtk_widget_get_visible (st_overview_page_get_review_row (page)));
  assert_label (st_overview_page_get_review_label (page), 0);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (st_overview_page_get_review_label (page)), "warning"));
  g_assert_cmpint (st_overview_review_items (f->db), ==, 0);
}

static gboolean
press (GtkWidget *widget,
       guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
    }
  return handled;
}

/* The assessment sheet by keyboard: P and F mark the focused row and move
 * on; Save records the results, which the rules then count. */
static void
test_assessment_sheet (Fixture *f, gconstpointer data)
{
  StGraduationPage *page;
  StAssessmentSheet *sheet;
  GtkListBox *list;
  GtkWidget *rows[3] = { NULL, };
  g_autofree char *passed_id = NULL;
  g_autofree char *failed_id = NULL;
  guint n = 0;
  g_autoptr(GError) error = NULL;

  open_window (f, "graduation");
  page = graduation_ready (f);
  gtk_widget_activate_action (GTK_WIDGET (page), "graduation.assess", NULL);
  WAIT_UNTIL (st_graduation_page_get_assessment_sheet (page) != NULL
              && gtk_widget_get_mapped (GTK_WIDGET (st_graduation_page_get_assessment_sheet (page))));
  sheet = ST_ASSESSMENT_SHEET (st_graduation_page_get_assessment_sheet (page));
  st_assessment_sheet_set_kind (sheet, "moral");
  list = st_assessment_sheet_get_list_box (sheet);
  /* A class where three can be assessed (elsewhere the practical
   * assignments are not done yet). */
  for (guint c = 0; n < 3 && c < g_list_model_get_n_items (gtk_drop_down_get_model (st_assessment_sheet_get_class_dropdown (sheet))); c++)
    {
      gtk_drop_down_set_selected (st_assessment_sheet_get_class_dropdown (sheet), c);
      n = 0;
      for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row && n < 3; row = gtk_widget_get_next_sibling (row))
        if (!st_assessment_row_is_blocked (ST_ASSESSMENT_ROW (row)))
          rows[n++] = row;
    }
  g_assert_cmpuint (n, ==, 3);

  gtk_widget_grab_focus (rows[0]);
  g_assert_true (press (GTK_WIDGET (list), GDK_KEY_p));
  g_assert_true (gtk_widget_has_focus (rows[1]));
  g_assert_true (press (GTK_WIDGET (list), GDK_KEY_f));
  g_assert_true (gtk_widget_has_focus (rows[2]));
  g_assert_cmpstr (st_assessment_row_get_result (ST_ASSESSMENT_ROW (rows[0])), ==, "pass");
  g_assert_cmpstr (st_assessment_row_get_result (ST_ASSESSMENT_ROW (rows[1])), ==, "fail");
  g_assert_null (st_assessment_row_get_result (ST_ASSESSMENT_ROW (rows[2])));
  g_assert_nonnull (strstr (gtk_label_get_text (st_assessment_sheet_get_count_label (sheet)), "2 of"));

  passed_id = g_strdup (st_assessment_row_get_enrolment (ST_ASSESSMENT_ROW (rows[0])));
  failed_id = g_strdup (st_assessment_row_get_enrolment (ST_ASSESSMENT_ROW (rows[1])));
  gtk_widget_activate_action (GTK_WIDGET (sheet), "sheet.save", NULL);
  WAIT_UNTIL (st_graduation_page_get_assessment_sheet (page) == NULL);
  g_assert_nonnull (strstr (st_graduation_page_get_last_message (page), "2 assessment results saved"));
  {
    g_autoptr(StEligibility) passed = st_eligibility_evaluate_one (f->db, passed_id, NULL, &error);
    g_autoptr(StEligibility) failed = st_eligibility_evaluate_one (f->db, failed_id, NULL, &error);
    gboolean failed_listed = FALSE, passed_listed = FALSE;

    for (guint m = 0; m < failed->missing->len; m++)
      {
        StMissing *missing = &g_array_index (failed->missing, StMissing, m);

        failed_listed |= missing->kind == ST_MISSING_ASSESSMENT_FAILED && missing->assessment == ST_ASSESSMENT_MORAL;
      }
    for (guint m = 0; m < passed->missing->len; m++)
      {
        StMissing *missing = &g_array_index (passed->missing, StMissing, m);

        passed_listed |= missing->assessment == ST_ASSESSMENT_MORAL
          && (missing->kind == ST_MISSING_ASSESSMENT_FAILED || missing->kind == ST_MISSING_ASSESSMENT);
      }
    g_assert_true (failed_listed);
    g_assert_false (passed_listed);
  }
  /* The page counts again after the save. */
  graduation_ready (f);
}

int
main (int argc, char **argv)
{
  g_autofree char *root = st_test_ui_private_dirs ("shuangti-test-grad");
  int status;
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add ("/app/graduation/approve-export", Fixture, NULL, fixture_setup, test_approve_export, fixture_teardown);
  g_test_add ("/app/graduation/assessment-sheet", Fixture, NULL, fixture_setup, test_assessment_sheet, fixture_teardown);
  g_test_add ("/app/reports/totals-match-cli", Fixture, NULL, fixture_setup, test_report_totals, fixture_teardown);
  g_test_add ("/app/overview/counts", Fixture, NULL, fixture_setup, test_overview_counts, fixture_teardown);
  g_test_add ("/app/overview/nothing-to-review", Fixture, NULL, fixture_setup, test_overview_no_review, fixture_teardown);
  g_test_add ("/app/role/township-account", Fixture, NULL, fixture_setup, test_role_township, fixture_teardown);
  g_test_add ("/app/role/trainer-account", Fixture, NULL, fixture_setup, test_role_trainer, fixture_teardown);
  g_test_add ("/app/role/local", Fixture, NULL, fixture_setup, test_role_local, fixture_teardown);
  status = g_test_run ();
  st_test_ui_remove_dirs (root);
  return status;
}
