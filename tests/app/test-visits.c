/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outreach in the app (issue 21, item 2): the participant window lists a
 * person's visits and adds one through its dialog, which says what the
 * visit will change in the record before it is saved; the Participants
 * page filters who is not visited yet, visited but not reached, and
 * willing but not enrolled. Driven through the real widgets under Xvfb. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "st-application.h"
#include "st-idcard.h"
#include "st-participant.h"
#include "st-chart.h"
#include "st-enrol-dialog.h"
#include "st-import-window-private.h"
#include "st-records.h"
#include "st-visit.h"
#include "st-overview-outreach.h"
#include "st-overview-page-private.h"
#include "st-participant-editor-private.h"
#include "st-participants-page-private.h"
#include "st-reports-page.h"
#include "st-visit-dialog-private.h"
#include "st-visit-round.h"
#include "st-window-private.h"
#include "st-test-ui.h"
#include "st-test-keys.h"
#include "st-test-widgets.h"
#include "st-test-participants.h"

static const struct { const char *name; const char *id17; const char *township; const char *phone; } people[] = {
  { "张三", "52232719850312001", "者楼街道", "13800000001" },
  { "曾山", "52232719900101002", "者楼街道", NULL },
  { "单田", "52232719920202003", "巧马镇", NULL },
  { "覃明", "52232719930303004", "巧马镇", NULL },
};

typedef struct
{
  char     *path;
  StDb     *db;
  StWindow *window;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  static guint n_databases;

  f->path = g_strdup_printf ("%s/visits-%u.db", g_get_user_data_dir (), ++n_databases);
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(StParticipant) p = st_participant_new ();

      p->id_number = g_strdup_printf ("%s%c", people[i].id17, st_idcard_check_character (people[i].id17));
      p->name = g_strdup (people[i].name);
      p->township_code = g_strdup (st_divisions_find_township (divisions, people[i].township)->code);
      p->phone = g_strdup (people[i].phone);
      g_assert_true (st_participant_insert (f->db, p, &error));
    }
  f->window = st_window_new (NULL, f->db);
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_UNTIL (st_window_is_index_ready (f->window) && gtk_widget_get_mapped (GTK_WIDGET (f->window)));
  settle ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  f->window = NULL;
  settle ();
  g_clear_object (&f->db);
  g_free (f->path);
}

static const char *
uuid_of (Fixture *f, const char *name)
{
  g_autoptr(GPtrArray) all = st_participant_list (f->db, NULL, NULL);

  for (guint i = 0; i < all->len; i++)
    {
      StParticipant *p = g_ptr_array_index (all, i);

      if (g_str_equal (p->name, name))
        {
          char *uuid = g_strdup (p->id);

          g_test_queue_free (uuid);
          return uuid;
        }
    }
  g_assert_not_reached ();
}

static StParticipantEditor *
open_editor (Fixture *f, const char *name)
{
  return st_test_open_participant_line (f->window, name);
}

/* The visit dialog that is open, or NULL. */
static StVisitDialog *
visit_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ST_IS_VISIT_DIALOG (window))
        return ST_VISIT_DIALOG (window);
    }
  return NULL;
}

/* Clicks Add Visit… in @editor and waits for the dialog. */
static StVisitDialog *
click_add_visit (StParticipantEditor *editor)
{
  StVisitDialog *dialog;

  st_test_click (st_test_find_actionable (GTK_WIDGET (editor), "editor.add-visit"));
  WAIT_UNTIL ((dialog = visit_dialog ()) != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  return dialog;
}

static void
type_into (StVisitDialog *dialog, StVisitRow row, const char *text)
{
  GtkEditable *entry = GTK_EDITABLE (st_visit_dialog_get_row (dialog, row));

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (entry)));
  gtk_editable_set_text (entry, "");
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      int end = g_utf8_strlen (gtk_editable_get_text (entry), -1);

      gtk_editable_insert_text (entry, p, g_utf8_next_char (p) - p, &end);
    }
}

/* Chooses the item that reads @word in a combo row, as a person picks it
 * from the list. */
static void
choose (StVisitDialog *dialog, StVisitRow row, const char *word)
{
  AdwComboRow *combo = ADW_COMBO_ROW (st_visit_dialog_get_row (dialog, row));
  GListModel *model = adw_combo_row_get_model (combo);

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (combo)));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), word))
      {
        adw_combo_row_set_selected (combo, i);
        return;
      }
  g_error ("no “%s” to choose", word);
}

/* A trainer's account: the server refuses its visits, so the app offers
 * none — Add Visit off, saying why, and no visit round. */
static void
test_trainer_no_visits (Fixture *f, gconstpointer data)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autofree char *json = g_strdup_printf ("[\"%s\"]", st_divisions_find_township (divisions, people[0].township)->code);
  StParticipantEditor *editor;
  GtkWidget *add;

  gtk_window_destroy (GTK_WINDOW (f->window));
  settle ();
  g_assert_true (st_db_set_meta (f->db, "sync.role", "trainer", NULL));
  g_assert_true (st_db_set_meta (f->db, "sync.townships", json, NULL));
  g_assert_true (st_db_set_meta (f->db, "sync.account", "wei", NULL));
  f->window = st_window_new (NULL, f->db);
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_UNTIL (st_window_is_index_ready (f->window) && gtk_widget_get_mapped (GTK_WIDGET (f->window)));
  settle ();

  editor = open_editor (f, people[0].name);
  add = st_test_find_actionable (GTK_WIDGET (editor), "editor.add-visit");
  g_assert_nonnull (add);
  g_assert_false (gtk_widget_is_sensitive (add));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-visit", NULL)
                  && visit_dialog () != NULL);
  g_assert_false (gtk_widget_is_sensitive (st_test_find_actionable (GTK_WIDGET (st_window_get_participants_page (f->window)),
                                                                   "participants.record-visits")));
}

static void
test_add_visit (Fixture *f, gconstpointer data)
{
  StParticipantEditor *editor = open_editor (f, "张三");
  StVisitDialog *dialog;
  GtkWidget *save;
  guint history;

  g_assert_cmpuint (st_participant_editor_get_n_visits (editor), ==, 0);
  history = st_participant_editor_get_n_history (editor);
  dialog = click_add_visit (editor);
  save = st_test_find_actionable (GTK_WIDGET (dialog), "visit.save");

  /* Nobody named yet: Save is off. A visit in the future is refused by
   * name. */
  g_assert_false (gtk_widget_is_sensitive (save));
  type_into (dialog, ST_VISIT_ROW_VISITOR, "韦主任");
  type_into (dialog, ST_VISIT_ROW_DATE, "2999-01-01");
  g_assert_cmpstr (st_visit_dialog_get_error (dialog), ==,
                   "Date of the visit: 2999-01-01 is after today; a visit is recorded once it was made.");
  g_assert_false (gtk_widget_is_sensitive (save));
  type_into (dialog, ST_VISIT_ROW_DATE, "2025-03-01");
  g_assert_null (st_visit_dialog_get_error (dialog));
  g_assert_true (gtk_widget_is_sensitive (save));

  /* Away: the place is asked for. */
  g_assert_false (gtk_widget_get_visible (st_visit_dialog_get_row (dialog, ST_VISIT_ROW_PROVINCE)));
  choose (dialog, ST_VISIT_ROW_LIVES, "Away");
  settle ();
  g_assert_true (gtk_widget_get_visible (st_visit_dialog_get_row (dialog, ST_VISIT_ROW_PROVINCE)));
  type_into (dialog, ST_VISIT_ROW_PROVINCE, "浙江省");
  type_into (dialog, ST_VISIT_ROW_CITY, "宁波市");
  choose (dialog, ST_VISIT_ROW_WORK, "Working away");
  choose (dialog, ST_VISIT_ROW_HEALTH, "Good");
  g_assert_false (gtk_widget_get_visible (st_visit_dialog_get_row (dialog, ST_VISIT_ROW_MAJOR)));
  choose (dialog, ST_VISIT_ROW_WILLING, "Willing");
  settle ();
  choose (dialog, ST_VISIT_ROW_MAJOR, "电子商务");
  type_into (dialog, ST_VISIT_ROW_PHONE, "13900000002");
  type_into (dialog, ST_VISIT_ROW_NOTE, "春节回家时再谈");

  /* Before saving: what the record will say. */
  g_assert_cmpstr (st_visit_dialog_get_changes (dialog), ==,
                   "Saving also changes 张三’s record:\n"
                   "Phone: 13800000001 → 13900000002\n"
                   "Employment: (empty) → 外出务工（浙江省宁波市）\n"
                   "Health: (empty) → 健康");
  st_test_click (save);
  WAIT_UNTIL (visit_dialog () == NULL);

  /* The window lists the visit, shows the new phone, says what changed,
   * and the change is in the history. */
  g_assert_cmpuint (st_participant_editor_get_n_visits (editor), ==, 1);
  g_assert_nonnull (st_test_find_label (GTK_WIDGET (st_participant_editor_get_visits_list (editor)),
                                        "2025-03-01 · Home visit · 韦主任"));
  g_assert_nonnull (st_test_find_label (GTK_WIDGET (st_participant_editor_get_visits_list (editor)),
                                        "Reached · Away: 浙江省宁波市 · Working away · Good · Willing (电子商务)"));
  g_assert_cmpstr (st_participant_editor_get_visit_info (editor), ==,
                   "Updated from the visit of 2025-03-01:\n"
                   "Phone: 13800000001 → 13900000002\n"
                   "Employment: (empty) → 外出务工（浙江省宁波市）\n"
                   "Health: (empty) → 健康");
  g_assert_cmpstr (gtk_editable_get_text (st_participant_editor_get_phone_entry (editor)), ==, "13900000002");
  g_assert_cmpuint (st_participant_editor_get_n_history (editor), ==, history + 1);
  g_assert_false (st_participant_editor_can_save (editor));

  /* The list's Last Visit column says it. */
  WAIT_UNTIL (st_test_find_label (GTK_WIDGET (st_participants_page_get_column_view (st_window_get_participants_page (f->window))),
                                  "2025-03-01 · Reached") != NULL);

  /* An edit not saved: no visit over it. */
  gtk_editable_set_text (st_participant_editor_get_phone_entry (editor), "13900000009");
  g_assert_false (gtk_widget_is_sensitive (st_test_find_actionable (GTK_WIDGET (editor), "editor.add-visit")));
  gtk_editable_set_text (st_participant_editor_get_phone_entry (editor), "13900000002");

  /* The form closed (Escape, and the edit discarded), the others are not
   * visited. */
  st_test_key (GTK_WIDGET (editor), GDK_KEY_Escape, 0);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    GtkWidget *question = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && question == NULL; i++)
      {
        g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_mapped (w))
          question = w;
      }
    g_assert_nonnull (question);
    st_test_click (st_test_find_button (question, "Discard"));
  }
  WAIT_UNTIL (st_window_get_editor (f->window) == NULL);
  WAIT_UNTIL (st_test_find_label (GTK_WIDGET (st_participants_page_get_column_view (st_window_get_participants_page (f->window))),
                                  "Not visited") != NULL);
}

static gboolean
is_outreach_menu (GtkWidget *widget, gconstpointer data)
{
  const char *tip = gtk_widget_get_tooltip_text (widget);

  return GTK_IS_MENU_BUTTON (widget) && tip != NULL && g_str_has_prefix (tip, "Outreach");
}

/* Who to visit, who to visit again, who to enrol. */
static void
test_outreach_filter (Fixture *f, gconstpointer data)
{
  StParticipantsPage *page = st_window_get_participants_page (f->window);
  GtkDropDown *outreach = st_participants_page_get_outreach_dropdown (page);
  GtkLabel *count = st_participants_page_get_count_label (page);
  StParticipantEditor *editor;
  StVisitDialog *dialog;

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (outreach)));
  gtk_drop_down_set_selected (outreach, 1);   /* Not visited yet */
  WAIT_UNTIL (g_str_equal (gtk_label_get_text (count), "4 of 4 participants"));

  /* 曾山 visited by phone, not reached. */
  editor = open_editor (f, "曾山");
  dialog = click_add_visit (editor);
  type_into (dialog, ST_VISIT_ROW_VISITOR, "岑干部");
  choose (dialog, ST_VISIT_ROW_HOW, "Phone call");
  st_test_click (st_visit_dialog_get_row (dialog, ST_VISIT_ROW_REACHED));
  WAIT_UNTIL (!gtk_switch_get_active (GTK_SWITCH (st_visit_dialog_get_row (dialog, ST_VISIT_ROW_REACHED))));
  /* Not reached: nobody said they will enrol. */
  choose (dialog, ST_VISIT_ROW_WILLING, "Willing");
  g_assert_cmpstr (st_visit_dialog_get_error (dialog), ==,
                   "Willing to enrol: a visit that did not reach the person cannot say whether they will enrol.");
  choose (dialog, ST_VISIT_ROW_WILLING, "—");
  g_assert_null (st_visit_dialog_get_changes (dialog));
  st_test_click (st_test_find_actionable (GTK_WIDGET (dialog), "visit.save"));
  WAIT_UNTIL (visit_dialog () == NULL);
  g_assert_null (st_participant_editor_get_visit_info (editor));
  g_assert_nonnull (st_test_find_label (GTK_WIDGET (st_participant_editor_get_visits_list (editor)), "Not reached"));
  gtk_window_close (GTK_WINDOW (editor));
  WAIT_UNTIL (st_window_get_editor (f->window) == NULL);
  WAIT_UNTIL (g_str_equal (gtk_label_get_text (count), "3 of 4 participants"));

  /* 单田 reached, willing. */
  editor = open_editor (f, "单田");
  dialog = click_add_visit (editor);
  type_into (dialog, ST_VISIT_ROW_VISITOR, "韦主任");
  choose (dialog, ST_VISIT_ROW_HOW, "Village committee");
  choose (dialog, ST_VISIT_ROW_WILLING, "Willing");
  st_test_click (st_test_find_actionable (GTK_WIDGET (dialog), "visit.save"));
  WAIT_UNTIL (visit_dialog () == NULL);
  gtk_window_close (GTK_WINDOW (editor));
  WAIT_UNTIL (st_window_get_editor (f->window) == NULL);
  WAIT_UNTIL (g_str_equal (gtk_label_get_text (count), "2 of 4 participants"));

  gtk_drop_down_set_selected (outreach, 2);   /* Visited, not reached */
  WAIT_UNTIL (g_str_equal (gtk_label_get_text (count), "1 of 4 participants"));
  g_assert_nonnull (st_test_find_label (GTK_WIDGET (st_participants_page_get_column_view (page)), "曾山"));
  gtk_drop_down_set_selected (outreach, 3);   /* Willing, not enrolled */
  WAIT_UNTIL (g_str_equal (gtk_label_get_text (count), "1 of 4 participants"));
  g_assert_nonnull (st_test_find_label (GTK_WIDGET (st_participants_page_get_column_view (page)), "单田"));
  gtk_drop_down_set_selected (outreach, 0);
  WAIT_UNTIL (g_str_equal (gtk_label_get_text (count), "4 participants"));

  /* The visit list of 者楼街道: 张三 not visited, 曾山 not reached. Printed
   * through the dialog, or the same pages as a PDF. */
  {
    GtkDropDown *townships = st_participants_page_get_township_dropdown (page);
    GListModel *names = gtk_drop_down_get_model (townships);
    GtkWidget *print = st_test_find_actionable (GTK_WIDGET (page), "participants.print-visit-list");
    g_autofree char *pdf = g_build_filename (g_get_user_data_dir (), "visit-list.pdf", NULL);
    g_autoptr(GError) error = NULL;
    const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
    g_autofree char *text = NULL;
    g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
    guint i;

    g_assert_nonnull (print);
    g_assert_false (gtk_widget_is_sensitive (print));
    for (i = 0; i < g_list_model_get_n_items (names); i++)
      {
        g_autoptr(GtkStringObject) name = g_list_model_get_item (names, i);

        if (g_str_equal (gtk_string_object_get_string (name), "者楼街道"))
          break;
      }
    gtk_drop_down_set_selected (townships, i);
    WAIT_UNTIL (g_str_equal (gtk_label_get_text (count), "2 of 4 participants"));
    g_assert_true (gtk_widget_is_sensitive (print));
    g_assert_true (st_participants_page_export_visit_list (page, pdf, &error));
    g_assert_no_error (error);
    if (pdftotext != NULL)
      {
        g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                     NULL, NULL, &text, NULL, NULL, NULL));
        g_assert_nonnull (strstr (text, "Outreach Visit List"));
        g_assert_nonnull (strstr (text, "张三"));
        g_assert_nonnull (strstr (text, "曾山"));
        g_assert_null (strstr (text, "单田"));
      }
    gtk_drop_down_set_selected (townships, 0);
    WAIT_UNTIL (g_str_equal (gtk_label_get_text (count), "4 participants"));
  }

  /* The Overview: each township from the roster to enrolment. */
  {
    StOverviewPage *overview = st_window_get_overview_page (f->window);
    GListModel *rows = st_overview_page_get_outreach (overview);
    static const char *const expected[][ST_OUTREACH_N_COLUMNS] = {
      { "者楼街道", "2", "1", "0", "0", "0" },
      { "巧马镇", "2", "1", "1", "1", "0" },
      { "Total", "4", "2", "1", "1", "0" },
    };

    st_test_show_page (GTK_WIDGET (f->window), "overview");
    WAIT_UNTIL (g_list_model_get_n_items (rows) == G_N_ELEMENTS (expected) && !st_overview_page_is_loading (overview));
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        g_autoptr(StTableRow) row = g_list_model_get_item (rows, i);

        for (guint c = 0; c < ST_OUTREACH_N_COLUMNS; c++)
          g_assert_cmpstr (st_table_row_get_cell (row, c), ==, expected[i][c]);
      }
    g_assert_nonnull (st_test_find_label (GTK_WIDGET (overview), "People to Visit"));
    /* The same for the county, as a file. */
    {
      StReportsPage *reports = st_window_get_reports_page (f->window);
      g_autofree char *csv = g_build_filename (g_get_user_data_dir (), "outreach.csv", NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      GtkWidget *menu;
      GMenuModel *items;

      /* The Overview's Outreach menu offers both files, written by the
       * Reports page. */
      menu = st_test_ui_find_widget (GTK_WIDGET (overview), is_outreach_menu, NULL);
      g_assert_nonnull (menu);
      g_assert_true (gtk_widget_get_mapped (menu));
      items = g_menu_model_get_item_link (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu)), 0, G_MENU_LINK_SECTION);
      g_assert_cmpint (g_menu_model_get_n_items (items), ==, 2);
      g_object_unref (items);
      g_assert_true (st_reports_page_export (reports, "outreach-csv", csv, ST_CSV_ENCODING_UTF8_BOM, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
      g_assert_nonnull (strstr (contents, "Township,People to visit,Visited,Reached,Willing to enrol,Enrolled\r\n"));
      g_assert_nonnull (strstr (contents, "Total,4,2,1,1,0\r\n"));
    }
    /* The chart: each township's people reached against those to visit. */
    {
      const GArray *bars = st_overview_page_get_outreach_bars (overview);

      g_assert_cmpuint (bars->len, ==, 2);
      g_assert_cmpstr (g_array_index (bars, StChartBar, 1).label, ==, "巧马镇");
      g_assert_cmpfloat (g_array_index (bars, StChartBar, 1).value, ==, 1);
      g_assert_cmpfloat (g_array_index (bars, StChartBar, 1).target, ==, 2);
    }
  }
}

/* Enrol from the willing: the class's enrol dialog lists those of its
 * township who said yes and are in no class, and enrolling one fills the
 * class and takes them off the list. */
static void
test_enrol_willing (Fixture *f, gconstpointer data)
{
  g_autoptr(StClass) c = st_class_new ();
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autoptr(GError) error = NULL;
  StEnrolDialog *dialog;
  GtkWidget *enrol;
  const char *willing[] = { "单田", "曾山" };   /* 巧马镇, 者楼街道 */

  for (guint i = 0; i < G_N_ELEMENTS (willing); i++)
    {
      g_autoptr(StVisit) v = st_visit_new ();
      g_autoptr(GPtrArray) changes = NULL;

      v->participant_id = g_strdup (uuid_of (f, willing[i]));
      v->date = g_strdup ("2025-03-01");
      v->visitor = g_strdup ("韦主任");
      v->how = g_strdup ("home");
      v->reached = TRUE;
      v->willing = g_strdup ("yes");
      changes = st_visit_add (f->db, v, &error);
      g_assert_no_error (error);
    }
  c->name = g_strdup ("巧马镇2025级电子商务班");
  c->program_code = g_strdup ("secondary-vocational");
  c->township_code = g_strdup (st_divisions_find_township (divisions, "巧马镇")->code);
  c->start_date = g_strdup ("2025-03-10");
  g_assert_true (st_class_create (f->db, c, &error));
  g_assert_no_error (error);

  dialog = st_enrol_dialog_new (GTK_WINDOW (f->window), f->db, divisions, c->id);
  gtk_window_present (GTK_WINDOW (dialog));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_cmpuint (st_enrol_dialog_get_n_results (dialog), ==, 0);
  st_test_click (GTK_WIDGET (st_enrol_dialog_get_willing_check (dialog)));
  g_assert_true (gtk_check_button_get_active (st_enrol_dialog_get_willing_check (dialog)));
  g_assert_cmpuint (st_enrol_dialog_get_n_results (dialog), ==, 1);
  g_assert_nonnull (st_test_find_label (GTK_WIDGET (dialog), "单田"));
  enrol = st_test_find_actionable (GTK_WIDGET (dialog), "dialog.enrol");
  st_test_click (enrol);
  WAIT_UNTIL (st_enrol_dialog_get_n_results (dialog) == 0);
  g_assert_nonnull (st_test_find_label (GTK_WIDGET (dialog), "单田 enrolled"));
  g_assert_cmpint (st_db_count_live (f->db, "enrolments"), ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static StVisitRound *
open_round (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ST_IS_VISIT_ROUND (window))
        return ST_VISIT_ROUND (window);
    }
  return NULL;
}

/* The visit sheet by keyboard: the township's people not yet reached, the
 * answers as single keys, saved together, what changed said. */
static void
test_round (Fixture *f, gconstpointer data)
{
  StParticipantsPage *page = st_window_get_participants_page (f->window);
  GtkDropDown *townships = st_participants_page_get_township_dropdown (page);
  GListModel *names = gtk_drop_down_get_model (townships);
  GtkWidget *record = st_test_find_actionable (GTK_WIDGET (page), "participants.record-visits");
  StVisitRound *round;
  guint i, zhang, zeng;

  g_assert_false (gtk_widget_is_sensitive (record));
  for (i = 0; i < g_list_model_get_n_items (names); i++)
    {
      g_autoptr(GtkStringObject) name = g_list_model_get_item (names, i);

      if (g_str_equal (gtk_string_object_get_string (name), "者楼街道"))
        break;
    }
  gtk_drop_down_set_selected (townships, i);
  WAIT_UNTIL (gtk_widget_is_sensitive (record));
  st_test_click (record);
  WAIT_UNTIL ((round = open_round ()) != NULL && gtk_widget_get_mapped (GTK_WIDGET (round)));
  g_assert_cmpuint (st_visit_round_get_n_lines (round), ==, 2);
  zhang = g_str_equal (st_visit_round_get_line (round, 0), "张三") ? 0 : 1;
  zeng = 1 - zhang;
  g_assert_cmpstr (st_visit_round_get_line (round, zeng), ==, "曾山");

  /* The keyboard is on the first line as the round opens: the answers
   * are the keys a person presses, ↓ to the next line. */
  if (zhang == 1)
    st_test_key (GTK_WIDGET (round), GDK_KEY_Down, 0);
  st_test_key (GTK_WIDGET (round), GDK_KEY_y, 0);
  st_test_key (GTK_WIDGET (round), GDK_KEY_w, 0);
  st_test_key (GTK_WIDGET (round), GDK_KEY_G, 0);
  st_test_key (GTK_WIDGET (round), GDK_KEY_e, 0);
  g_assert_cmpstr (st_visit_round_get_answers (round, zhang), ==, "Reached · Working away · Good · Willing");
  st_test_key (GTK_WIDGET (round), zeng == 1 ? GDK_KEY_Down : GDK_KEY_Up, 0);
  st_test_key (GTK_WIDGET (round), GDK_KEY_a, 0);
  st_test_key (GTK_WIDGET (round), GDK_KEY_n, 0);
  g_assert_cmpstr (st_visit_round_get_answers (round, zeng), ==, "Not reached · Away");
  /* A key that means nothing changes nothing. */
  st_test_key (GTK_WIDGET (round), GDK_KEY_q, 0);
  g_assert_cmpstr (st_visit_round_get_answers (round, zeng), ==, "Not reached · Away");

  /* Nobody named as the visitor: nothing saved, the line named. */
  st_test_click (st_test_find_actionable (GTK_WIDGET (round), "round.save"));
  g_assert_nonnull (strstr (st_visit_round_get_message (round), ": Visitor: say who made the visit. Nothing was saved."));
  g_assert_cmpint (st_db_count_live (f->db, "visits"), ==, 0);

  gtk_editable_set_text (st_visit_round_get_visitor (round), "韦主任");
  st_test_click (st_test_find_actionable (GTK_WIDGET (round), "round.save"));
  g_assert_cmpstr (st_visit_round_get_message (round), ==,
                   "2 visits saved. The records now say:\n"
                   "张三 — Employment: (empty) → 外出务工\n"
                   "张三 — Health: (empty) → 健康");
  g_assert_cmpint (st_db_count_live (f->db, "visits"), ==, 2);
  /* 张三 was reached: off the sheet; 曾山 stays. */
  g_assert_cmpuint (st_visit_round_get_n_lines (round), ==, 1);
  g_assert_cmpstr (st_visit_round_get_line (round, 0), ==, "曾山");
  gtk_window_destroy (GTK_WINDOW (round));

  gtk_drop_down_set_selected (st_participants_page_get_outreach_dropdown (page), 3);   /* willing */
  WAIT_UNTIL (g_str_equal (gtk_label_get_text (st_participants_page_get_count_label (page)), "1 of 4 participants"));
}

/* Selects the choice of @row whose words are @text, as a click in its list does. */
static void
choose_column (AdwComboRow *row, const char *text)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), text))
      {
        adw_combo_row_set_selected (row, i);
        return;
      }
  g_assert_not_reached ();
}

/* A roster with columns about residence, work and health (issue 21 item
 * 4): the preview shows the first visit each row will make, as the columns
 * are chosen; the summary counts them and lists what they changed; the
 * participant window lists the visit "From the roster". */
static void
test_import_roster (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "import", "roster-visits.csv", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *title = g_strdup_printf ("%s · From the roster · roster-visits.csv", today);
  StImportWindow *window;
  StParticipantEditor *editor;
  GListModel *lines;
  gboolean found = FALSE;

  st_window_import_file (f->window, path);
  window = st_window_get_import_window (f->window);
  g_assert_nonnull (window);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_cmpstr (st_import_window_get_page (window), ==, "preview");

  /* Before anything is written: the first visit of each row. */
  g_assert_cmpstr (st_import_window_get_preview_visit (window, 0), ==, "Reached · Away: 浙江省宁波 · Working away · Good");
  g_assert_cmpstr (st_import_window_get_preview_visit (window, 3), ==, "");
  g_assert_nonnull (st_test_find_label (GTK_WIDGET (window), "First visit (from the roster)"));
  /* 是否联系上 not imported: nobody counts as reached. */
  choose_column (st_import_window_get_column_row (window, 8), "Not imported");
  g_assert_cmpstr (st_import_window_get_preview_visit (window, 0), ==, "Not reached · Away: 浙江省宁波 · Working away · Good");
  choose_column (st_import_window_get_column_row (window, 8), "Reached (first visit)");
  g_assert_cmpstr (st_import_window_get_preview_visit (window, 0), ==, "Reached · Away: 浙江省宁波 · Working away · Good");

  st_test_click (st_test_find_actionable (GTK_WIDGET (window), "import.start"));
  WAIT_UNTIL (g_str_equal (st_import_window_get_page (window), "summary"));
  g_assert_cmpstr (st_import_window_get_count (window, "imported"), ==, "6");
  g_assert_cmpstr (st_import_window_get_count (window, "visits"), ==, "5");
  g_assert_cmpstr (st_import_window_get_count (window, "warnings"), ==, "3");

  st_test_click (st_import_window_get_summary_row (window, "visits"));
  g_assert_cmpstr (st_import_window_get_page (window), ==, "list");
  lines = st_import_window_get_list (window);
  g_assert_cmpuint (g_list_model_get_n_items (lines), ==, 5);
  for (guint i = 0; i < 5; i++)
    found |= g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (lines), i),
                          "Row 3, 王秀英: First visit from the roster: Reached · Away: 浙江省宁波 · Working away · Good."
                          " In the record: Employment: (empty) → 外出务工（浙江省宁波）; Health: (empty) → 健康.");
  g_assert_true (found);
  st_test_click (st_test_find_actionable (GTK_WIDGET (window), "import.back"));
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();

  /* The list's Last Visit column: 黄明, whom the roster does not say was
   * reached, was visited by nobody yet — not "Not reached". */
  {
    g_autofree char *from_roster = g_strdup_printf ("%s · From the roster", today);
    g_autofree char *reached = g_strdup_printf ("%s · Reached", today);
    GtkWidget *list = GTK_WIDGET (st_participants_page_get_column_view (st_window_get_participants_page (f->window)));

    WAIT_UNTIL (st_test_find_label (list, from_roster) != NULL);
    g_assert_nonnull (st_test_find_label (list, reached));
    g_assert_null (st_test_find_label (list, "· Not reached"));
  }

  editor = open_editor (f, "王秀英");
  g_assert_cmpuint (st_participant_editor_get_n_visits (editor), ==, 1);
  g_assert_nonnull (st_test_find_label (GTK_WIDGET (st_participant_editor_get_visits_list (editor)), title));
  g_assert_nonnull (st_test_find_label (GTK_WIDGET (st_participant_editor_get_visits_list (editor)),
                                        "Reached · Away: 浙江省宁波 · Working away · Good"));
}

int
main (int argc, char **argv)
{
  g_autofree char *root = st_test_ui_private_dirs ("shuangti-test-visits");
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add ("/app/visits/add", Fixture, NULL, fixture_setup, test_add_visit, fixture_teardown);
  g_test_add ("/app/visits/trainer", Fixture, NULL, fixture_setup, test_trainer_no_visits, fixture_teardown);
  g_test_add ("/app/visits/round", Fixture, NULL, fixture_setup, test_round, fixture_teardown);
  g_test_add ("/app/visits/enrol-willing", Fixture, NULL, fixture_setup, test_enrol_willing, fixture_teardown);
  g_test_add ("/app/visits/outreach-filter", Fixture, NULL, fixture_setup, test_outreach_filter, fixture_teardown);
  g_test_add ("/app/visits/import-roster", Fixture, NULL, fixture_setup, test_import_roster, fixture_teardown);

  status = g_test_run ();
  st_test_ui_remove_dirs (root);
  return status;
}
