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
#include "st-graduation-list.h"
#include "st-graduation-rows.h"
#include "st-graduation-page-private.h"
#include "st-overview.h"
#include "st-overview-page-private.h"
#include "st-participants-page-private.h"
#include "st-records.h"
#include "st-reports-page-private.h"
#include "st-window-private.h"
#include "st-test-ui.h"
#include "st-test-keys.h"
#include "st-test-widgets.h"
#include "st-test-participants.h"
#include "st-classes-page-private.h"
#include "st-filter-chip.h"

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
  st_test_show_page (GTK_WIDGET (f->window), page);
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
static gboolean
is_encoding_dropdown (GtkWidget     *widget,
                      gconstpointer  data)
{
  GListModel *model;

  if (!GTK_IS_DROP_DOWN (widget))
    return FALSE;
  model = gtk_drop_down_get_model (GTK_DROP_DOWN (widget));
  return GTK_IS_STRING_LIST (model) && g_list_model_get_n_items (model) > 0
         && g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (model), 0), "UTF-8");
}

/* The Documents menu's row @text, clicked; then, in the file chooser it
 * opens, the name proposed checked, the encoding @encoding picked (NULL:
 * a PDF, none offered), the folder chosen and the accept button pressed. */
static void
save_from_documents (StGraduationPage *page,
                     const char       *text,
                     const char       *proposed_prefix,
                     const char       *encoding,
                     const char       *folder_path)
{
  GtkWidget *button = st_graduation_page_get_documents_button (page);
  g_autoptr(GFile) folder = g_file_new_for_path (folder_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  GtkWidget *dialog = NULL;

  st_test_ui_menu_click (button, text);
  WAIT_UNTIL ((dialog = st_test_ui_chooser_dialog ()) != NULL);
  settle ();
  name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (dialog));
  g_assert_true (g_str_has_prefix (name, proposed_prefix));
  if (encoding != NULL)
    {
      /* The encoding's dropdown at the foot of the dialog, its entry picked. */
      GtkWidget *dropdown = st_test_ui_find_widget (dialog, is_encoding_dropdown, NULL);
      GListModel *entries;
      guint i;

      g_assert_nonnull (dropdown);
      entries = gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown));
      for (i = 0; i < g_list_model_get_n_items (entries); i++)
        if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (entries), i), encoding))
          break;
      g_assert_cmpuint (i, <, g_list_model_get_n_items (entries));
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), i);
    }
  else
    g_assert_null (gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "encoding"));
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, &error));
  g_assert_no_error (error);
  settle ();
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  WAIT_UNTIL (st_test_ui_chooser_dialog () == NULL);
  settle ();
}

/* The exports as a clerk makes them: the Documents menu, the file chooser
 * with the name proposed and the encoding offered, the message after. */
static void
test_export_dialog (Fixture *f, gconstpointer data)
{
  StGraduationPage *page;
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "exports", NULL);
  g_autoptr(GDir) dir = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  const char *file;
  gsize length;

  g_mkdir_with_parents (folder, 0700);
  open_window (f, "graduation");
  page = graduation_ready (f);

  save_from_documents (page, "Provincial Registry (Enrolments)…", "provincial-registry-", "GB18030", folder);
  dir = g_dir_open (folder, 0, NULL);
  g_assert_nonnull (dir);
  file = g_dir_read_name (dir);
  g_assert_nonnull (file);
  g_assert_true (g_str_has_prefix (file, "provincial-registry-"));
  path = g_build_filename (folder, file, NULL);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* Chinese names in GB18030, as older Excel reads them. */
  g_assert_false (g_utf8_validate (contents, length, NULL));
  g_assert_nonnull (strstr (st_graduation_page_get_last_message (page), "rows written to provincial-registry-"));
  g_unlink (path);

  /* Certificates: nothing selected with a number, said without a dialog. */
  st_test_ui_menu_click (st_graduation_page_get_documents_button (page), "Save Certificates as PDF…");
  g_assert_null (st_test_ui_chooser_dialog ());
  g_assert_cmpstr (st_graduation_page_get_last_message (page), ==, "Select enrolments that have a certificate number.");
  g_rmdir (folder);
}

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
  st_test_ui_menu_click (st_graduation_page_get_documents_button (page), "Select All Who Can Be Approved");
  model = model_of (st_graduation_page_get_column_view (page));
  {
    g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (model);

    g_assert_cmpuint (gtk_bitset_get_size (selected), ==, eligible);
  }
  g_assert_true (gtk_widget_get_sensitive (st_graduation_page_get_approve_button (page)));

  /* Ctrl+Enter from the list asks the same as the button; Cancel. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (st_graduation_page_get_column_view (page))));
  st_test_key (GTK_WIDGET (page), GDK_KEY_Return, GDK_CONTROL_MASK);
  WAIT_UNTIL (st_graduation_page_get_confirmation (page) != NULL);
  dialog = st_graduation_page_get_confirmation (page);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  st_test_click (st_test_find_button (GTK_WIDGET (dialog), "Cancel"));
  WAIT_UNTIL (st_graduation_page_get_confirmation (page) == NULL);

  st_test_click (st_graduation_page_get_approve_button (page));
  WAIT_UNTIL (st_graduation_page_get_confirmation (page) != NULL);
  dialog = st_graduation_page_get_confirmation (page);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_heading (dialog), "Approve"));
  st_test_click (st_test_find_button (GTK_WIDGET (dialog), "Approve and Number"));
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

/* The number of pages of a PDF file, as pdfinfo (poppler-utils) reads it,
 * or 0 without pdfinfo. */
static guint
pdf_pages (const char *path)
{
  g_autofree char *pdfinfo = g_find_program_in_path ("pdfinfo");
  const char *argv[] = { pdfinfo, path, NULL };
  g_autofree char *out = NULL;
  const char *line;
  int status = 0;

  if (pdfinfo == NULL)
    return 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  line = strstr (out, "Pages:");
  g_assert_nonnull (line);
  return (guint) g_ascii_strtoull (line + 6, NULL, 10);
}

/* Print… opens the print dialog (with its preview); the pages the printer
 * gets are the report's, as many as in its PDF. */
static void
test_report_print (Fixture *f, gconstpointer data)
{
  StReportsPage *page;
  g_autofree char *printed = g_build_filename (g_get_user_data_dir (), "printed.pdf", NULL);
  g_autofree char *exported = g_build_filename (g_get_user_data_dir (), "exported.pdf", NULL);
  g_autoptr(GError) error = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *dialog = NULL;
  guint pages;

  open_window (f, "reports");
  page = st_window_get_reports_page (f->window);
  settle ();
  WAIT_UNTIL (!st_reports_page_is_loading (page));

  g_assert_true (st_reports_page_export (page, "pdf", exported, ST_CSV_ENCODING_UTF8_BOM, &error));
  g_assert_true (st_reports_page_print_to_file (page, printed, &error));
  g_assert_no_error (error);
  {
    g_autofree char *head = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (printed, &head, &length, NULL));
    g_assert_true (length > 1000 && g_str_has_prefix (head, "%PDF"));
  }
  pages = pdf_pages (exported);
  if (pages > 0)
    {
      g_assert_cmpuint (pages, >=, 2);
      g_assert_cmpuint (pdf_pages (printed), ==, pages);
    }
  else
    g_test_message ("pdfinfo is not installed: the pages are not counted");

  /* The button a clerk presses: the print dialog. */
  st_test_click (st_test_find_actionable (GTK_WIDGET (page), "reports.print"));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (w), "GtkPrintUnixDialog"))
        dialog = w;
    }
  g_assert_nonnull (dialog);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  settle ();
  g_unlink (printed);
  g_unlink (exported);
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
  /* Approving by the keyboard shortcut (Ctrl+Enter from the list) does
   * nothing either. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (st_graduation_page_get_column_view (page))));
  st_test_key (GTK_WIDGET (page), GDK_KEY_Return, GDK_CONTROL_MASK);
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

/* The mapped labels under @widget whose text is a key of @names. */
static void
shown_names (GtkWidget  *widget,
             GHashTable *names,
             GPtrArray  *found)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (st_test_text_of (widget) != NULL && g_hash_table_contains (names, st_test_text_of (widget)))
    g_ptr_array_add (found, (gpointer) st_test_text_of (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    shown_names (child, names, found);
}

/* Choosing a township shows its rows in the rows on screen (the rows keep
 * their widgets and are given other enrolments), and all of them again. */
static void
test_filter_rows_shown (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) classes = st_class_list (f->db, NULL, NULL);
  g_autoptr(GHashTable) township_of = g_hash_table_new (g_str_hash, g_str_equal);
  StGraduationPage *page;
  GtkDropDown *dropdown;
  guint all;

  for (guint i = 0; i < classes->len; i++)
    {
      StClass *c = g_ptr_array_index (classes, i);

      g_hash_table_insert (township_of, c->name, c->township_code);
    }
  open_window (f, "graduation");
  page = graduation_ready (f);
  all = st_graduation_page_get_n_rows (page);
  dropdown = st_graduation_page_get_township_dropdown (page);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), >, 2);
  for (guint t = 1; t <= 2; t++)
    {
      g_autoptr(GPtrArray) found = g_ptr_array_new ();
      const char *township = NULL;

      gtk_drop_down_set_selected (dropdown, t);
      settle ();
      g_assert_cmpuint (st_graduation_page_get_n_rows (page), <, all);
      shown_names (GTK_WIDGET (st_graduation_page_get_column_view (page)), township_of, found);
      g_assert_cmpuint (found->len, >, 0);
      for (guint i = 0; i < found->len; i++)
        {
          const char *here = g_hash_table_lookup (township_of, g_ptr_array_index (found, i));

          if (township == NULL)
            township = here;
          /* Every class on screen is of one township, and the next
           * township chosen shows another. */
          g_assert_cmpstr (here, ==, township);
        }
      g_assert_true (t == 1 || g_strcmp0 (township, g_object_get_data (G_OBJECT (page), "test-township")) != 0);
      g_object_set_data_full (G_OBJECT (page), "test-township", g_strdup (township), g_free);
    }
  gtk_drop_down_set_selected (dropdown, 0);
  settle ();
  g_assert_cmpuint (st_graduation_page_get_n_rows (page), ==, all);
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

static guint
label_number (GtkLabel *label)
{
  return (guint) g_ascii_strtoull (gtk_label_get_text (label), NULL, 10);
}

/* The first StFilterChip under @root. */
static StFilterChip *
find_chip (GtkWidget *root)
{
  if (ST_IS_FILTER_CHIP (root))
    return ST_FILTER_CHIP (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      StFilterChip *found = find_chip (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Each "Needs attention" row, clicked, opens the list it counts: as many
 * rows there as the figure says, and a way back to everything. */
static void
test_overview_attention_lists (Fixture *f, gconstpointer data)
{
  StOverviewPage *overview;
  StGraduationPage *graduation;
  StClassesPage *classes;
  StParticipantsPage *participants;
  StFilterChip *chip;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  guint near_end, no_session, incomplete;

  /* Two people without a phone. */
  g_assert_true (st_db_exec (f->db, "UPDATE participants SET phone = NULL, hlc = st_hlc (), device = st_device ()"
                                    " WHERE rowid IN (1, 2)", &error));
  open_window (f, "overview");
  overview = st_window_get_overview_page (f->window);
  WAIT_UNTIL (!st_overview_page_is_loading (overview));
  near_end = label_number (st_overview_page_get_near_end_label (overview));
  no_session = label_number (st_overview_page_get_no_session_label (overview));
  incomplete = label_number (st_overview_page_get_incomplete_label (overview));
  g_assert_cmpuint (near_end, >, 0);
  g_assert_cmpuint (no_session, >, 0);
  g_assert_cmpuint (incomplete, >=, 2);

  /* Near the end: the Graduation page, filtered to exactly those. */
  st_test_click (st_test_find_action_target (GTK_WIDGET (overview), "win.open-list", "near-end"));
  graduation = st_window_get_graduation_page (f->window);
  settle ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (graduation)));
  WAIT_UNTIL (!st_graduation_page_is_evaluating (graduation) && st_graduation_page_get_n_rows (graduation) > 0);
  g_assert_cmpuint (st_graduation_page_get_n_rows (graduation), ==, near_end);
  g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (st_graduation_page_get_state_dropdown (graduation))),
                   ==, "Near the end, hours short");

  /* Without a session this month: the Classes page with only those. */
  st_test_show_page (GTK_WIDGET (f->window), "overview");
  settle ();
  st_test_click (st_test_find_action_target (GTK_WIDGET (overview), "win.open-list", "no-session"));
  classes = st_window_get_classes_page (f->window);
  settle ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (classes)));
  WAIT_UNTIL (strstr (gtk_label_get_text (st_classes_page_get_count_label (classes)), " of ") != NULL);
  expected = g_strdup_printf ("%u of ", no_session);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (st_classes_page_get_count_label (classes)), expected));
  chip = find_chip (GTK_WIDGET (classes));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (chip)));
  g_assert_cmpstr (st_filter_chip_get_label (chip), ==, "Only the classes not meeting their teaching schedule");
  /* Show All: every class again. */
  st_test_click (st_filter_chip_get_button (chip));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (chip)));
  g_assert_null (strstr (gtk_label_get_text (st_classes_page_get_count_label (classes)), " of "));

  /* Incomplete records: the Participants page with only those. */
  st_test_show_page (GTK_WIDGET (f->window), "overview");
  settle ();
  st_test_click (st_test_find_action_target (GTK_WIDGET (overview), "win.open-list", "incomplete"));
  participants = st_window_get_participants_page (f->window);
  settle ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (participants)));
  g_free (expected);
  expected = g_strdup_printf ("%u of ", incomplete);
  WAIT_UNTIL (g_str_has_prefix (gtk_label_get_text (st_participants_page_get_count_label (participants)), expected));
  chip = find_chip (GTK_WIDGET (participants));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (chip)));
  st_test_click (st_filter_chip_get_button (chip));
  WAIT_UNTIL (strstr (gtk_label_get_text (st_participants_page_get_count_label (participants)), " of ") == NULL);
  g_assert_cmpstr (gtk_label_get_text (st_participants_page_get_count_label (participants)), ==, "400 participants");
}

static gint64
report_total (StReportsPage *page,
              guint          column)
{
  GListModel *rows = st_reports_page_get_townships (page);
  g_autoptr(StTableRow) total = g_list_model_get_item (rows, g_list_model_get_n_items (rows) - 1);

  return g_ascii_strtoll (st_table_row_get_cell (total, column), NULL, 10);
}

/* Figures follow the data: certificates approved on the Graduation page
 * are in the Reports page and the Overview when the clerk goes there,
 * without Ctrl+R. */
static void
test_figures_follow (Fixture *f, gconstpointer data)
{
  StReportsPage *reports;
  StOverviewPage *overview;
  StGraduationPage *graduation;
  GListModel *rows;
  g_autoptr(StTableRow) before_row = NULL;
  g_autoptr(StTableRow) after_row = NULL;
  gint64 graduated, overview_graduated;
  guint eligible;

  open_window (f, "reports");
  reports = st_window_get_reports_page (f->window);
  settle ();
  WAIT_UNTIL (!st_reports_page_is_loading (reports));
  graduated = report_total (reports, ST_REPORT_COLUMN_GRADUATED);
  st_test_show_page (GTK_WIDGET (f->window), "overview");
  overview = st_window_get_overview_page (f->window);
  settle ();
  WAIT_UNTIL (!st_overview_page_is_loading (overview));
  rows = st_overview_page_get_townships (overview);
  before_row = g_list_model_get_item (rows, g_list_model_get_n_items (rows) - 1);
  overview_graduated = g_ascii_strtoll (st_table_row_get_cell (before_row, ST_OVERVIEW_COLUMN_GRADUATED), NULL, 10);

  /* The clerk approves everyone who can be. */
  st_test_show_page (GTK_WIDGET (f->window), "graduation");
  graduation = graduation_ready (f);
  st_graduation_page_filter_state (graduation, "eligible");
  eligible = st_graduation_page_get_n_rows (graduation);
  g_assert_cmpuint (eligible, >, 0);
  st_test_ui_menu_click (st_graduation_page_get_documents_button (graduation), "Select All Who Can Be Approved");
  st_test_click (st_graduation_page_get_approve_button (graduation));
  WAIT_UNTIL (st_graduation_page_get_confirmation (graduation) != NULL);
  adw_message_dialog_response (st_graduation_page_get_confirmation (graduation), "approve");
  settle ();

  /* Reports: the new graduates, at once. */
  st_test_show_page (GTK_WIDGET (f->window), "reports");
  settle ();
  WAIT_UNTIL (!st_reports_page_is_loading (reports));
  g_assert_cmpint (report_total (reports, ST_REPORT_COLUMN_GRADUATED), ==, graduated + eligible);

  /* Overview too. */
  st_test_show_page (GTK_WIDGET (f->window), "overview");
  settle ();
  WAIT_UNTIL (!st_overview_page_is_loading (overview));
  rows = st_overview_page_get_townships (overview);
  after_row = g_list_model_get_item (rows, g_list_model_get_n_items (rows) - 1);
  g_assert_cmpint (g_ascii_strtoll (st_table_row_get_cell (after_row, ST_OVERVIEW_COLUMN_GRADUATED), NULL, 10),
                   ==, overview_graduated + eligible);
}

/* At 1366 px, in English, the townships' table is whole: every column
 * (the last one too) without scrolling sideways. */
static void
test_overview_table_fits (Fixture *f, gconstpointer data)
{
  StOverviewPage *page;
  GtkWidget *table;
  int needed = 0;

  f->window = st_window_new (NULL, f->db);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1366, 740);
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (f->window)) && st_window_is_index_ready (f->window));
  st_test_show_page (GTK_WIDGET (f->window), "overview");
  page = st_window_get_overview_page (f->window);
  settle ();
  WAIT_UNTIL (!st_overview_page_is_loading (page));
  settle ();
  table = st_test_find_mapped (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW);
  g_assert_nonnull (table);
  gtk_widget_measure (table, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &needed, NULL, NULL);
  g_test_message ("townships table: %d px wide, %d needed", gtk_widget_get_width (gtk_widget_get_parent (table)), needed);
  g_assert_cmpint (gtk_widget_get_width (gtk_widget_get_parent (table)), >=, needed);
}

/* @label shows all its text: not ellipsized, as tall as its lines. */
static void
assert_whole (GtkLabel *label)
{
  int natural = 0;

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (label)));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (label)));
  gtk_widget_measure (GTK_WIDGET (label), GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (GTK_WIDGET (label)),
                      NULL, &natural, NULL, NULL);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (label)), >=, natural);
}

/* At half a laptop's width (683 px) the Graduation page's counts and what
 * is selected are whole, and the buttons beside them inside the window. */
/* The first GtkColumnView under @widget. */
static GtkWidget *
find_column_view (GtkWidget *widget)
{
  if (GTK_IS_COLUMN_VIEW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_column_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_graduation_narrow (Fixture *f, gconstpointer data)
{
  StGraduationPage *page;
  GtkWidget *approve;
  graphene_rect_t bounds;

  f->window = st_window_new (NULL, f->db);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 683, 740);
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (f->window)) && st_window_is_index_ready (f->window));
  st_test_show_page (GTK_WIDGET (f->window), "graduation");
  page = graduation_ready (f);
  st_test_ui_menu_click (st_graduation_page_get_documents_button (page), "Select All Who Can Be Approved");
  settle ();
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), <=, 700);
  g_assert_true (g_str_has_suffix (gtk_label_get_text (st_graduation_page_get_counts_label (page)), "Completed 0"));
  assert_whole (st_graduation_page_get_counts_label (page));
  g_assert_nonnull (strstr (gtk_label_get_text (st_graduation_page_get_selection_label (page)), "can be approved"));
  assert_whole (st_graduation_page_get_selection_label (page));
  approve = st_graduation_page_get_approve_button (page);
  g_assert_true (gtk_widget_compute_bounds (approve, GTK_WIDGET (f->window), &bounds));
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (GTK_WIDGET (f->window)));
  /* The columns left fill the list: its header row is as wide as it. */
  {
    GtkWidget *view = find_column_view (GTK_WIDGET (page));

    g_assert_nonnull (view);
    g_assert_cmpint (gtk_widget_get_width (gtk_widget_get_first_child (view)), ==, gtk_widget_get_width (view));
  }
}

/* The participant window shows the person's classes: the class, the
 * state, the hours and what is missing, as the Graduation page has them. */
static void
test_participant_classes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = st_db_prepare (f->db, "SELECT e.participant_id, e.id, c.name FROM enrolments e"
                                             " JOIN classes c ON c.id = e.class_id"
                                             " WHERE e.deleted = 0 AND e.state = 'studying' LIMIT 1", &error);
  g_autofree char *uuid = NULL;
  g_autofree char *enrolment = NULL;
  g_autofree char *class_name = NULL;
  g_autoptr(StEligibility) e = NULL;
  g_autofree char *missing = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *editor;

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  enrolment = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  class_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  sqlite3_reset (stmt);
  /* Two credits for a qualification certificate, dated within the study. */
  {
    g_autofree char *today = st_date_today ();

    g_assert_true (st_exemption_add (f->db, enrolment,
                                     &(StExemptionEntry) {
                                       .kind = "credit", .credit_basis = "certificate", .basis = "农作物植保员四级",
                                       .credits = 2, .date = today,
                                     }, &error));
    g_assert_no_error (error);
  }
  e = st_eligibility_evaluate_one (f->db, enrolment, NULL, &error);
  g_assert_no_error (error);
  missing = st_eligibility_describe_missing (e);

  open_window (f, "participants");
  editor = GTK_WIDGET (st_test_open_participant (f->window, f->db, uuid));
  WAIT_UNTIL (st_test_find_label (editor, class_name) != NULL);
  settle ();
  st_test_collect_text (editor, text);
  g_assert_nonnull (strstr (text->str, "Not yet eligible · "));
  g_assert_nonnull (strstr (text->str, "concentrated hours"));
  g_assert_nonnull (strstr (text->str, " · 2 credits"));
  if (*missing)
    g_assert_nonnull (strstr (text->str, missing));
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
  /* The toolbar's Assess button, as a person opens it. */
  st_test_click (st_test_find_actionable (GTK_WIDGET (page), "graduation.assess"));
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

  /* The keyboard is on the first who can be assessed: P and F at once. */
  g_assert_true (gtk_widget_has_focus (rows[0]));
  st_test_key (rows[0], GDK_KEY_p, 0);
  g_assert_true (gtk_widget_has_focus (rows[1]));
  st_test_key (rows[1], GDK_KEY_f, 0);
  g_assert_true (gtk_widget_has_focus (rows[2]));
  g_assert_cmpstr (st_assessment_row_get_result (ST_ASSESSMENT_ROW (rows[0])), ==, "pass");
  g_assert_cmpstr (st_assessment_row_get_result (ST_ASSESSMENT_ROW (rows[1])), ==, "fail");
  g_assert_null (st_assessment_row_get_result (ST_ASSESSMENT_ROW (rows[2])));
  g_assert_nonnull (strstr (gtk_label_get_text (st_assessment_sheet_get_count_label (sheet)), "2 of"));

  passed_id = g_strdup (st_assessment_row_get_enrolment (ST_ASSESSMENT_ROW (rows[0])));
  failed_id = g_strdup (st_assessment_row_get_enrolment (ST_ASSESSMENT_ROW (rows[1])));
  st_test_click (st_test_find_actionable (GTK_WIDGET (sheet), "sheet.save"));
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

/* The Graduation page keeps a county's rows compact (st-graduation-rows.h):
 * what a row shows, approves and exports is the evaluation it was made of,
 * whatever its keys look like (a UUID, kept in 16 bytes, or not) and
 * whatever it misses; approved again, it is the new evaluation. */
static StEligibility *
sample_eligibility (const char *enrolment_id,
                    const char *end_date,
                    guint       n_missing)
{
  StEligibility *e = g_new0 (StEligibility, 1);

  e->enrolment_id = g_strdup (enrolment_id);
  e->participant_id = g_strdup ("01a24b12-d36b-79e7-aefe-96dbcfcb1009");
  e->class_id = g_strdup ("class-1");
  e->township_code = g_strdup ("522327101");
  e->name = g_strdup ("张三");
  e->id_number = g_strdup ("52232719850301123X");
  e->program_code = g_strdup ("secondary-vocational");
  e->enrolled_on = g_strdup ("2024-03-01");
  e->end_date = g_strdup (end_date);
  e->study_years = 3;
  e->schedule = ST_SCHEDULE_BLOCKS;
  e->outcome = n_missing > 0 ? ST_OUTCOME_STUDYING : ST_OUTCOME_ELIGIBLE;
  e->concentrated = 1234;
  e->self_study = 567;
  e->online = 89;
  e->attended = 1300;
  e->required_concentrated = 4000;
  e->credits = 2;
  e->assignments_done = 3;
  e->assignments_total = 5;
  e->missing = g_array_new (FALSE, FALSE, sizeof (StMissing));
  for (guint i = 0; i < n_missing; i++)
    {
      StMissing m = { ST_MISSING_ASSESSMENT, 100 + i, ST_ASSESSMENT_SKILL };

      g_array_append_val (e->missing, m);
    }
  return e;
}

static void
assert_same_eligibility (const StEligibility *a,
                         const StEligibility *b)
{
  g_assert_cmpstr (a->enrolment_id, ==, b->enrolment_id);
  g_assert_cmpstr (a->participant_id, ==, b->participant_id);
  g_assert_cmpstr (a->class_id, ==, b->class_id);
  g_assert_cmpstr (a->township_code, ==, b->township_code);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->id_number, ==, b->id_number);
  g_assert_cmpstr (a->program_code, ==, b->program_code);
  g_assert_cmpstr (a->enrolled_on, ==, b->enrolled_on);
  g_assert_cmpstr (a->end_date, ==, b->end_date);
  g_assert_cmpuint (a->study_years, ==, b->study_years);
  g_assert_cmpint (a->schedule, ==, b->schedule);
  g_assert_cmpint (a->outcome, ==, b->outcome);
  g_assert_cmpint (a->concentrated, ==, b->concentrated);
  g_assert_cmpint (a->self_study, ==, b->self_study);
  g_assert_cmpint (a->online, ==, b->online);
  g_assert_cmpint (a->attended, ==, b->attended);
  g_assert_cmpint (a->required_concentrated, ==, b->required_concentrated);
  g_assert_cmpuint (a->credits, ==, b->credits);
  g_assert_cmpuint (a->assignments_done, ==, b->assignments_done);
  g_assert_cmpuint (a->assignments_total, ==, b->assignments_total);
  g_assert_cmpuint (a->missing->len, ==, b->missing->len);
  for (guint i = 0; i < a->missing->len; i++)
    {
      StMissing *x = &g_array_index (a->missing, StMissing, i), *y = &g_array_index (b->missing, StMissing, i);

      g_assert_cmpint (x->kind, ==, y->kind);
      g_assert_cmpint (x->amount, ==, y->amount);
      g_assert_cmpint (x->assessment, ==, y->assessment);
    }
}

static void
test_graduation_rows (void)
{
  const char *ids[] = { "3a3a7800-b646-5c99-8003-76b4ff2c0b2c", "E-2024-0001", "3A3A7800-B646-5C99-8003-76B4FF2C0B2C" };
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) st_eligibility_free);
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) st_eligibility_free);
  g_autoptr(GHashTable) certificates = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(StGraduationRows) rows = NULL;
  g_autoptr(StGraduationItem) item = NULL;
  g_autoptr(StGraduationItem) same = NULL;
  StEligibility *again;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_ptr_array_add (list, sample_eligibility (ids[i], i == 1 ? NULL : "2027-03-01", i));
      g_ptr_array_add (expected, sample_eligibility (ids[i], i == 1 ? NULL : "2027-03-01", i));
    }
  g_hash_table_insert (certificates, (gpointer) ids[0], (gpointer) "5223272026B0001");
  rows = st_graduation_rows_new_from_list (list, certificates, TRUE);
  g_assert_cmpuint (st_graduation_rows_get_n (rows), ==, G_N_ELEMENTS (ids));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(StGraduationItem) row = st_graduation_rows_get_item (rows, i);

      assert_same_eligibility (st_graduation_item_get_eligibility (row), g_ptr_array_index (expected, i));
      g_assert_cmpstr (st_graduation_rows_get_class (rows, i), ==, "class-1");
    }
  g_assert_cmpstr (st_graduation_rows_get_certificate (rows, 0), ==, "5223272026B0001");
  g_assert_null (st_graduation_rows_get_certificate (rows, 1));
  g_assert_false (st_graduation_rows_can_approve (rows, 0));
  g_assert_false (st_graduation_rows_can_approve (rows, 1));

  /* One object a row while it is held: whoever shows it hears of it. */
  item = st_graduation_rows_get_item (rows, 2);
  same = st_graduation_rows_get_item (rows, 2);
  g_assert_true (item == same);
  again = sample_eligibility (ids[2], "2028-01-01", 0);
  again->outcome = ST_OUTCOME_GRADUATED;
  st_graduation_item_set_eligibility (item, again);
  st_graduation_item_set_certificate (item, "5223272026B0002");
  {
    g_autoptr(StEligibility) shown = sample_eligibility (ids[2], "2028-01-01", 0);

    shown->outcome = ST_OUTCOME_GRADUATED;
    assert_same_eligibility (st_graduation_item_get_eligibility (same), shown);
  }
  g_assert_true (st_graduation_item_get_evaluated (item));
  g_assert_cmpstr (st_graduation_item_get_certificate (same), ==, "5223272026B0002");
  /* The others are as they were. */
  {
    g_autoptr(StGraduationItem) first = st_graduation_rows_get_item (rows, 1);

    assert_same_eligibility (st_graduation_item_get_eligibility (first), g_ptr_array_index (expected, 1));
  }
}

int
main (int argc, char **argv)
{
  g_autofree char *root = st_test_ui_private_dirs ("shuangti-test-grad");
  int status;
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/app/graduation/rows", test_graduation_rows);
  g_test_add ("/app/graduation/approve-export", Fixture, NULL, fixture_setup, test_approve_export, fixture_teardown);
  g_test_add ("/app/graduation/export-dialog", Fixture, NULL, fixture_setup, test_export_dialog, fixture_teardown);
  g_test_add ("/app/graduation/filter-rows-shown", Fixture, NULL, fixture_setup, test_filter_rows_shown, fixture_teardown);
  g_test_add ("/app/graduation/assessment-sheet", Fixture, NULL, fixture_setup, test_assessment_sheet, fixture_teardown);
  g_test_add ("/app/reports/print", Fixture, NULL, fixture_setup, test_report_print, fixture_teardown);
  g_test_add ("/app/reports/totals-match-cli", Fixture, NULL, fixture_setup, test_report_totals, fixture_teardown);
  g_test_add ("/app/overview/counts", Fixture, NULL, fixture_setup, test_overview_counts, fixture_teardown);
  g_test_add ("/app/overview/attention-lists", Fixture, NULL, fixture_setup, test_overview_attention_lists, fixture_teardown);
  g_test_add ("/app/figures/follow-the-data", Fixture, NULL, fixture_setup, test_figures_follow, fixture_teardown);
  g_test_add ("/app/overview/table-fits", Fixture, NULL, fixture_setup, test_overview_table_fits, fixture_teardown);
  g_test_add ("/app/graduation/narrow", Fixture, NULL, fixture_setup, test_graduation_narrow, fixture_teardown);
  g_test_add ("/app/participants/classes", Fixture, NULL, fixture_setup, test_participant_classes, fixture_teardown);
  g_test_add ("/app/overview/nothing-to-review", Fixture, NULL, fixture_setup, test_overview_no_review, fixture_teardown);
  g_test_add ("/app/role/township-account", Fixture, NULL, fixture_setup, test_role_township, fixture_teardown);
  g_test_add ("/app/role/trainer-account", Fixture, NULL, fixture_setup, test_role_trainer, fixture_teardown);
  g_test_add ("/app/role/local", Fixture, NULL, fixture_setup, test_role_local, fixture_teardown);
  status = g_test_run ();
  st_test_ui_remove_dirs (root);
  return status;
}
