/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop app, driven through its real widgets under Xvfb: actions
 * activated, text typed into entries, labels read back. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "st-app-demo.h"
#include "st-application.h"
#include "st-demo.h"
#include "st-idcard.h"
#include "st-import-window-private.h"
#include "st-participant.h"
#include "st-participant-editor-private.h"
#include "st-participant-item.h"
#include "st-participant-list.h"
#include "st-participant-query.h"
#include "st-participants-page-private.h"
#include "st-preferences-window.h"
#include "st-help.h"
#include "st-window-private.h"
#include "st-test-ui.h"
#include "st-test-keys.h"
#include "st-test-widgets.h"
#include "st-import-conflict-row.h"
#include "../core/test-util.h"

static const struct { const char *name; const char *id17; const char *township; const char *phone; } people[] = {
  { "张三", "52232719850312001", "者楼街道", "13800000001" },
  { "曾山", "52232719900101002", "者楼街道", NULL },
  { "单田", "52232719920202003", "巧马镇", NULL },
  { "覃明", "52232719930303004", "巧马镇", NULL },
  { "王秀英", "52232719880808024", "秧坝镇", NULL },
  { "张小三", "52232720000505006", "秧坝镇", NULL },
};

typedef struct
{
  char     *path;
  StDb     *db;
  StWindow *window;
} Fixture;

static char *
id_number (const char *id17)
{
  return g_strdup_printf ("%s%c", id17, st_idcard_check_character (id17));
}

static StWindow *
open_window (StDb *db)
{
  StWindow *window = st_window_new (NULL, db);

  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (st_window_is_index_ready (window) && gtk_widget_get_mapped (GTK_WIDGET (window)));
  settle ();
  return window;
}

static void
close_window (StWindow **window)
{
  if (*window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (*window));
      *window = NULL;
      settle ();
    }
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autoptr(GSettings) settings = st_application_settings_new ();
  static guint n_databases;

  /* The memory backend lives as long as the process: every test starts
   * from the defaults. */
  g_assert_nonnull (settings);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "window-maximized");

  /* One database per test. */
  f->path = g_strdup_printf ("%s/app-%u.db", g_get_user_data_dir (), ++n_databases);
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; data == NULL && i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(StParticipant) p = st_participant_new ();

      p->id_number = id_number (people[i].id17);
      p->name = g_strdup (people[i].name);
      p->township_code = g_strdup (st_divisions_find_township (divisions, people[i].township)->code);
      p->phone = g_strdup (people[i].phone);
      g_assert_true (st_participant_insert (f->db, p, &error));
    }
  if (data == NULL)
    f->window = open_window (f->db);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  close_window (&f->window);
  /* Dialogs a test left open go too. */
  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  settle ();
  g_clear_object (&f->db);
  g_free (f->path);
}

static StParticipantsPage *
page_of (Fixture *f)
{
  return st_window_get_participants_page (f->window);
}

static const char *
count_text (Fixture *f)
{
  return gtk_label_get_text (st_participants_page_get_count_label (page_of (f)));
}

static char *
names_of (GListModel *list)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(StParticipantItem) item = g_list_model_get_item (list, i);

      g_string_append_printf (names, "%s%s", i ? " " : "", st_participant_item_get_name (item));
    }
  return g_string_free (names, FALSE);
}

static GListModel *
list_of (Fixture *f)
{
  return G_LIST_MODEL (gtk_column_view_get_model (st_participants_page_get_column_view (page_of (f))));
}

/* The names listed, in order, joined by blanks. */
static char *
listed_names (Fixture *f)
{
  GListModel *list = list_of (f);
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(StParticipantItem) item = g_list_model_get_item (list, i);

      g_string_append_printf (names, "%s%s", i ? " " : "", st_participant_item_get_name (item));
    }
  return g_string_free (names, FALSE);
}

/* Types @text into the search entry a character at a time, as a person
 * does, and waits for the list to follow the last keystroke. */
static void
type_search (Fixture *f, const char *text, const char *expected_count)
{
  GtkEditable *entry = st_participants_page_get_search_entry (page_of (f));

  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (entry)));

  /* A click into the field first, unless the keyboard is there already. */
  if (focus == NULL || (focus != GTK_WIDGET (entry) && !gtk_widget_is_ancestor (focus, GTK_WIDGET (entry))))
    st_test_pointer_click (GTK_WIDGET (entry), 1);
  gtk_editable_set_text (entry, "");
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      int end = g_utf8_strlen (gtk_editable_get_text (entry), -1);

      /* One character at the end, as a keystroke does. */
      gtk_editable_insert_text (entry, p, g_utf8_next_char (p) - p, &end);
      g_main_context_iteration (NULL, FALSE);
    }
  WAIT_UNTIL (g_str_equal (count_text (f), expected_count));
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

/* The cell of @name's line in the list, shown, and its position. */
static GtkWidget *
find_line (Fixture *f, const char *name, guint *position)
{
  GListModel *list = list_of (f);
  GtkWidget *cell = NULL;

  *position = G_MAXUINT;
  for (guint i = 0; i < g_list_model_get_n_items (list) && *position == G_MAXUINT; i++)
    {
      g_autoptr(StParticipantItem) item = g_list_model_get_item (list, i);

      if (g_strcmp0 (st_participant_item_get_name (item), name) == 0)
        *position = i;
    }
  g_assert_cmpuint (*position, !=, G_MAXUINT);
  WAIT_UNTIL ((cell = st_test_find_label (GTK_WIDGET (st_participants_page_get_column_view (page_of (f))), name))
              != NULL && gtk_widget_get_mapped (cell));
  return cell;
}

static StParticipantEditor *
open_editor (Fixture *f, const char *name)
{
  StParticipantEditor *editor;

  if (name != NULL)
    {
      /* The person's line in the list, double-clicked. */
      guint position;
      GtkWidget *cell = find_line (f, name, &position);

      st_test_pointer_click (cell, 2);
    }
  else
    /* The header's + button. */
    st_test_click (st_test_find_actionable (GTK_WIDGET (f->window), "win.new-participant"));
  editor = st_window_get_editor (f->window);
  g_assert_nonnull (editor);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (editor)));
  return editor;
}

/* The window opens on the demo database (2,000 participants and their
 * classes) and lists them all; the state filter and a column sort work
 * through their widgets. */
static void
test_demo_count (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) studying = NULL;
  g_autofree char *expected = NULL;
  StParticipantQuery query = { NULL, NULL, NULL, "studying", ST_PARTICIPANT_SORT_DEFAULT, FALSE };
  GtkColumnView *view;
  g_autoptr(GtkColumnViewColumn) age = NULL;
  g_autoptr(StParticipantItem) first = NULL;
  g_autoptr(StParticipantItem) last = NULL;
  GListModel *list;

  g_assert_true (st_app_demo_prepare (f->db, &error));
  g_assert_no_error (error);
  f->window = open_window (f->db);

  g_assert_cmpstr (count_text (f), ==, "2000 participants");
  g_assert_cmpuint (g_list_model_get_n_items (list_of (f)), ==, 2000);
  g_assert_cmpstr (st_participants_page_get_visible_state (page_of (f)), ==, "list");

  /* In study, through the state filter. */
  studying = st_participant_query_run (f->db, &query, &error);
  g_assert_cmpuint (studying->len, >, 0);
  expected = g_strdup_printf ("%u of 2000 participants", studying->len);
  gtk_drop_down_set_selected (st_participants_page_get_state_dropdown (page_of (f)), 1);
  WAIT_UNTIL (g_str_equal (count_text (f), expected));
  gtk_drop_down_set_selected (st_participants_page_get_state_dropdown (page_of (f)), 0);
  WAIT_UNTIL (g_str_equal (count_text (f), "2000 participants"));

  /* Clicking the Age header twice: the oldest first. */
  view = st_participants_page_get_column_view (page_of (f));
  age = g_list_model_get_item (gtk_column_view_get_columns (view), 2);
  g_assert_cmpstr (gtk_column_view_column_get_title (age), ==, "Age");
  gtk_column_view_sort_by_column (view, age, GTK_SORT_DESCENDING);
  settle ();
  list = list_of (f);
  first = g_list_model_get_item (list, 0);
  last = g_list_model_get_item (list, g_list_model_get_n_items (list) - 1);
  g_assert_cmpint (atoi (st_participant_item_get_age (first)), >=, 60);
  g_assert_cmpint (atoi (st_participant_item_get_age (first)), >, atoi (st_participant_item_get_age (last)));
  /* Masked in the list: the region, eight stars, the last four. */
  g_assert_true (g_regex_match_simple ("^522327\\*{8}[0-9]{3}[0-9X]$",
                                       st_participant_item_get_masked_id_number (first), 0, 0));
}

/* The first shown inscription (a table cell) under @root whose text holds
 * Chinese. */
static GtkWidget *
find_chinese_cell (GtkWidget *root)
{
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return NULL;
  if (GTK_IS_INSCRIPTION (root) && gtk_widget_get_mapped (root))
    {
      const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (root));

      if (text != NULL && *text != '\0' && g_unichar_get_script (g_utf8_get_char (text)) == G_UNICODE_SCRIPT_HAN)
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_chinese_cell (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* How much of a line of @cell's text its height leaves out (0: nothing). */
static int
cell_cut (GtkWidget *cell)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (cell, gtk_inscription_get_text (GTK_INSCRIPTION (cell)));
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return MAX (height - gtk_widget_get_height (cell), 0);
}

/* A larger interface text size set while the app runs (Settings,
 * Accessibility): the names in the list grow with it and are not cut. */
static void
test_text_size (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GtkSettings *settings;
  GtkWidget *cell;
  int dpi, before;

  g_assert_true (st_app_demo_prepare (f->db, &error));
  g_assert_no_error (error);
  f->window = open_window (f->db);
  settle ();
  cell = find_chinese_cell (GTK_WIDGET (st_participants_page_get_column_view (page_of (f))));
  g_assert_nonnull (cell);
  g_assert_cmpint (cell_cut (cell), ==, 0);
  before = gtk_widget_get_height (cell);

  settings = gtk_widget_get_settings (GTK_WIDGET (f->window));
  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  if (dpi <= 0)
    dpi = 96 * 1024;
  g_object_set (settings, "gtk-xft-dpi", dpi * 2, NULL);
  settle ();
  cell = find_chinese_cell (GTK_WIDGET (st_participants_page_get_column_view (page_of (f))));
  g_assert_nonnull (cell);
  g_assert_cmpint (gtk_widget_get_height (cell), >, before);
  g_assert_cmpint (cell_cut (cell), ==, 0);
  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
}

/* A county opens on its first screens at once, everyone right after; the
 * people on screen stay where they are. */
static void
test_first_rows (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StParticipantQuery all = { NULL, NULL, NULL, NULL, ST_PARTICIPANT_SORT_DEFAULT, FALSE };
  g_autoptr(GArray) everyone = NULL;
  g_autofree char *first_names = NULL;
  g_autofree char *expected = NULL;
  GListModel *list;

  g_assert_true (st_app_demo_prepare (f->db, &error));
  g_assert_no_error (error);
  everyone = st_participant_query_run (f->db, &all, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (everyone->len, ==, 2000);

  /* Before the main loop has run: the first rows, and the count of all. */
  f->window = st_window_new (NULL, f->db);
  gtk_window_present (GTK_WINDOW (f->window));
  list = list_of (f);
  g_assert_cmpuint (g_list_model_get_n_items (list), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (list), <, 2000);
  g_assert_cmpstr (count_text (f), ==, "2000 participants");
  first_names = names_of (list);

  /* Then everyone, in the same order: the first ones did not move. */
  WAIT_UNTIL (g_list_model_get_n_items (list) == 2000);
  for (guint i = 0; i < 2000; i += 199)
    {
      g_autoptr(StParticipantItem) item = g_list_model_get_item (list, i);
      g_autoptr(StParticipant) p = st_participant_load (f->db, st_participant_item_get_uuid (item), &error);

      g_assert_no_error (error);
      g_assert_cmpint (st_participant_query_rowid (f->db, p->id), ==, g_array_index (everyone, gint64, i));
    }
  {
    g_autofree char *now = names_of (list);

    g_assert_true (g_str_has_prefix (now, first_names));
  }
  g_assert_cmpstr (count_text (f), ==, "2000 participants");
  WAIT_UNTIL (st_window_is_index_ready (f->window));

  /* A search typed while the rest was coming finds everyone it should. */
  close_window (&f->window);
  f->window = st_window_new (NULL, f->db);
  gtk_window_present (GTK_WINDOW (f->window));
  gtk_editable_set_text (st_participants_page_get_search_entry (page_of (f)), "王");
  st_participants_page_search_now (page_of (f));
  WAIT_UNTIL (st_window_is_index_ready (f->window));
  settle ();
  {
    StParticipantQuery wang = { "王", NULL, NULL, NULL, ST_PARTICIPANT_SORT_DEFAULT, FALSE };
    g_autoptr(GArray) matches = st_participant_query_run (f->db, &wang, &error);

    g_assert_cmpuint (matches->len, >, 0);
    expected = g_strdup_printf ("%u of 2000 participants", matches->len);
    g_assert_cmpstr (count_text (f), ==, expected);
  }
}

/* A damaged database (issue 14): the participant list says so and what to
 * do, instead of showing no one, or the people it could read. */
static void
test_damaged (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StParticipantsPage *page;
  GLogLevelFlags fatal;

  g_assert_true (st_app_demo_prepare (f->db, &error));
  g_assert_no_error (error);
  g_clear_object (&f->db);
  g_assert_cmpuint (st_test_damage_table (f->path, "participants"), >, 0);
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);

  /* The background work (the search index) logs its failures as
   * warnings: expected here. */
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  f->window = st_window_new (NULL, f->db);
  gtk_window_present (GTK_WINDOW (f->window));
  page = page_of (f);
  WAIT_UNTIL (g_strcmp0 (st_participants_page_get_visible_state (page), "error") == 0);
  g_assert_nonnull (strstr (st_participants_page_get_read_error (page), "is damaged"));
  g_assert_nonnull (strstr (st_participants_page_get_read_error (page), "Restore it from a backup"));
  g_assert_cmpstr (count_text (f), ==, "");
  close_window (&f->window);
  g_log_set_always_fatal (fatal);
}

/* A new user sees what to do: import the roster or add someone. */
static void
test_empty_state (Fixture *f, gconstpointer data)
{
  f->window = open_window (f->db);
  g_assert_cmpstr (st_participants_page_get_visible_state (page_of (f)), ==, "empty");
}

static void
test_search_name (Fixture *f, gconstpointer data)
{
  g_autofree char *zhang = NULL;
  g_autofree char *xiu = NULL;
  g_autofree char *again = NULL;

  g_assert_cmpstr (count_text (f), ==, "6 participants");
  type_search (f, "张", "2 of 6 participants");
  zhang = listed_names (f);
  g_assert_cmpstr (zhang, ==, "张三 张小三");
  type_search (f, "秀英", "1 of 6 participants");
  xiu = listed_names (f);
  g_assert_cmpstr (xiu, ==, "王秀英");
  type_search (f, "李", "No match among 6 participants");
  g_assert_cmpstr (st_participants_page_get_visible_state (page_of (f)), ==, "no-results");
  /* The list is out of sight, under the status page (it keeps its rows for
   * the next search): no pointer, no focus reaches it. */
  settle ();
  {
    GtkWidget *view = GTK_WIDGET (st_participants_page_get_column_view (page_of (f)));
    GtkWidget *status = st_test_find_label (GTK_WIDGET (page_of (f)), "No Matching Participants");
    graphene_point_t centre;

    g_assert_nonnull (status);
    g_assert_true (gtk_widget_get_mapped (status));
    g_assert_false (gtk_widget_get_can_target (view));
    g_assert_false (gtk_widget_get_can_focus (view));
    /* What a click in the middle of the page would reach is not the list. */
    g_assert_true (gtk_widget_compute_point (view, GTK_WIDGET (page_of (f)),
                                             &GRAPHENE_POINT_INIT (gtk_widget_get_width (view) / 2.f,
                                                                   gtk_widget_get_height (view) / 2.f), &centre));
    {
      GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (page_of (f)), centre.x, centre.y, GTK_PICK_DEFAULT);

      g_assert_true (picked == NULL || !gtk_widget_is_ancestor (picked, view));
    }
  }

  /* One match, then none: Enter opens nobody, although the list out of
   * sight still holds that one row. */
  type_search (f, "秀英", "1 of 6 participants");
  {
    GtkEditable *entry = st_participants_page_get_search_entry (page_of (f));
    int end = g_utf8_strlen (gtk_editable_get_text (entry), -1);

    gtk_editable_insert_text (entry, "李", -1, &end);
    WAIT_UNTIL (g_str_equal (count_text (f), "No match among 6 participants"));
    st_test_pointer_click (GTK_WIDGET (entry), 1);
    st_test_key (GTK_WIDGET (entry), GDK_KEY_Return, 0);
    settle ();
    g_assert_null (st_window_get_editor (f->window));
    /* The status page's button clears the search. */
    st_test_pointer_click (st_test_find_button (GTK_WIDGET (page_of (f)), "Clear Search and Filters"), 1);
    WAIT_UNTIL (g_str_equal (count_text (f), "6 participants"));
    g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  }
  /* And the next search that matches lists exactly its rows. */
  type_search (f, "张", "2 of 6 participants");
  again = listed_names (f);
  g_assert_cmpstr (again, ==, "张三 张小三");
  /* Escape in the search clears it. */
  st_test_key (GTK_WIDGET (st_participants_page_get_search_entry (page_of (f))), GDK_KEY_Escape, 0);
  WAIT_UNTIL (g_str_equal (count_text (f), "6 participants"));
}

static void
test_search_initials (Fixture *f, gconstpointer data)
{
  g_autofree char *zs = NULL;
  g_autofree char *cs = NULL;
  g_autofree char *ds = NULL;

  /* Two keystrokes: zs finds 张三 and 曾山 (Zēng). */
  type_search (f, "zs", "2 of 6 participants");
  zs = listed_names (f);
  g_assert_cmpstr (zs, ==, "曾山 张三");
  /* 曾 is also céng; 单 (Shàn) also dān. */
  type_search (f, "cs", "1 of 6 participants");
  cs = listed_names (f);
  g_assert_cmpstr (cs, ==, "曾山");
  type_search (f, "dt", "1 of 6 participants");
  ds = listed_names (f);
  g_assert_cmpstr (ds, ==, "单田");
}

static void
test_search_id (Fixture *f, gconstpointer data)
{
  g_autofree char *wang = id_number ("52232719880808024");
  g_autofree char *found = NULL;
  StParticipantEditor *editor;

  type_search (f, "19880808", "1 of 6 participants");
  found = listed_names (f);
  g_assert_cmpstr (found, ==, "王秀英");
  type_search (f, wang + 14, "1 of 6 participants");

  /* Enter on the one left opens it, with the full number. */
  st_test_key (GTK_WIDGET (st_participants_page_get_search_entry (page_of (f))), GDK_KEY_Return, 0);
  editor = st_window_get_editor (f->window);
  g_assert_nonnull (editor);
  g_assert_cmpstr (gtk_editable_get_text (st_participant_editor_get_id_number_entry (editor)), ==, wang);
  g_assert_cmpstr (st_participant_editor_get_birth_date_text (editor), ==, "1988-08-08");
  g_assert_cmpstr (st_participant_editor_get_sex_text (editor), ==, "Female");
}

/* A phone number edited in the form is in the database after the app is
 * closed and opened again, and in the history. */
/* The editor's Save button, clicked. */
static void
click_save (StParticipantEditor *editor)
{
  st_test_click (st_test_find_actionable (GTK_WIDGET (editor), "editor.save"));
}

static void
test_edit_phone (Fixture *f, gconstpointer data)
{
  StParticipantEditor *editor = open_editor (f, "张三");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup (f->path);

  g_assert_cmpstr (gtk_editable_get_text (st_participant_editor_get_phone_entry (editor)), ==, "13800000001");
  g_assert_false (st_participant_editor_can_save (editor));
  gtk_editable_set_text (st_participant_editor_get_phone_entry (editor), "1391234567");
  /* Ten digits: said at once, and Save stays off. */
  g_assert_nonnull (st_participant_editor_get_error (editor));
  g_assert_nonnull (strstr (st_participant_editor_get_error (editor), "11 digits"));
  g_assert_false (st_participant_editor_can_save (editor));
  gtk_editable_set_text (st_participant_editor_get_phone_entry (editor), "13912345678");
  g_assert_null (st_participant_editor_get_error (editor));
  g_assert_true (st_participant_editor_can_save (editor));
  click_save (editor);
  WAIT_UNTIL (st_window_get_editor (f->window) == NULL);
  g_assert_cmpstr (st_window_get_last_toast (f->window), ==, "张三 saved");

  /* Closed and opened again. */
  close_window (&f->window);
  g_clear_object (&f->db);
  f->db = st_db_open (path, &error);
  g_assert_no_error (error);
  f->window = open_window (f->db);
  editor = open_editor (f, "张三");
  g_assert_cmpstr (gtk_editable_get_text (st_participant_editor_get_phone_entry (editor)), ==, "13912345678");
  /* Registered, then the phone changed. */
  g_assert_cmpuint (st_participant_editor_get_n_history (editor), ==, 2);
}

/* An invalid ID number shows the exact reason as it is typed, and is not
 * saved. */
static void
test_invalid_id (Fixture *f, gconstpointer data)
{
  StParticipantEditor *editor = open_editor (f, "张三");
  g_autofree char *good = id_number ("52232719850312001");
  g_autofree char *bad = g_strdup (good);
  g_autoptr(GError) expected = NULL;
  g_autoptr(StParticipant) stored = NULL;

  /* The wrong check character. */
  bad[17] = bad[17] == '0' ? '1' : '0';
  g_assert_false (st_idcard_parse (bad, NULL, NULL, &expected));
  gtk_editable_set_text (st_participant_editor_get_id_number_entry (editor), bad);
  g_assert_cmpstr (st_participant_editor_get_id_problem (editor), ==, expected->message);
  g_assert_nonnull (strstr (st_participant_editor_get_id_problem (editor), "check character"));
  g_assert_cmpstr (st_participant_editor_get_birth_date_text (editor), ==, "—");
  g_assert_false (st_participant_editor_can_save (editor));
  /* Save cannot be clicked. */
  g_assert_false (gtk_widget_is_sensitive (st_test_find_actionable (GTK_WIDGET (editor), "editor.save")));
  settle ();
  g_assert_true (st_window_get_editor (f->window) == editor);

  /* Half typed: the length. */
  gtk_editable_set_text (st_participant_editor_get_id_number_entry (editor), "52232719");
  g_assert_nonnull (strstr (st_participant_editor_get_id_problem (editor), "8 characters"));

  /* Corrected: the reason goes, what the number says comes. */
  gtk_editable_set_text (st_participant_editor_get_id_number_entry (editor), good);
  g_assert_null (st_participant_editor_get_id_problem (editor));
  g_assert_cmpstr (st_participant_editor_get_birth_date_text (editor), ==, "1985-03-12");

  stored = st_participant_load (f->db, uuid_of (f, "张三"), NULL);
  g_assert_cmpstr (stored->id_number, ==, good);
}

/* Types @text at the end of @entry, one character at a time, as keystrokes
 * do. */
static void
type_into (GtkEditable *entry,
           const char  *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      int end = g_utf8_strlen (gtk_editable_get_text (entry), -1);

      gtk_editable_insert_text (entry, p, g_utf8_next_char (p) - p, &end);
      g_main_context_iteration (NULL, FALSE);
    }
}

/* Backspace at the end of @entry: the keyboard put there (as a click into
 * the field does), End, Backspace. */
static void
press_backspace (GtkEditable *entry)
{
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (entry)));
  st_test_key (GTK_WIDGET (entry), GDK_KEY_End, 0);
  st_test_key (GTK_WIDGET (entry), GDK_KEY_BackSpace, 0);
}

static gboolean
is_progress_bar (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_PROGRESS_BAR (widget);
}

/* The lengths of st-limits.c in the form: a name of 50 characters is
 * saved; the 51st is said at once, on the row and above the form, and Save
 * is off (and refused when asked anyway); notes count bytes, up to the
 * server's 65,536. */
static void
test_field_limits (Fixture *f, gconstpointer data)
{
  StParticipantEditor *editor = open_editor (f, "张三");
  GtkEditable *name = st_participant_editor_get_name_entry (editor);
  g_autoptr(GString) fifty = g_string_new (NULL);
  g_autoptr(StParticipant) stored = NULL;

  for (guint i = 0; i < 50; i++)
    g_string_append (fifty, i % 2 ? "三" : "张");
  gtk_editable_set_text (name, "");
  type_into (name, fifty->str);
  g_assert_cmpint (g_utf8_strlen (gtk_editable_get_text (name), -1), ==, 50);
  g_assert_null (st_participant_editor_get_error (editor));
  g_assert_true (st_participant_editor_can_save (editor));

  type_into (name, "张");
  g_assert_cmpstr (st_participant_editor_get_error (editor), ==, "Name is longer than 50 characters (51).");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (name), "error"));
  g_assert_false (st_participant_editor_can_save (editor));
  /* Save cannot be clicked. */
  g_assert_false (gtk_widget_is_sensitive (st_test_find_actionable (GTK_WIDGET (editor), "editor.save")));
  settle ();
  g_assert_true (st_window_get_editor (f->window) == editor);
  stored = st_participant_load (f->db, uuid_of (f, "张三"), NULL);
  g_assert_nonnull (stored);
  g_clear_pointer (&stored, st_participant_free);

  press_backspace (name);
  g_assert_cmpstr (gtk_editable_get_text (name), ==, fifty->str);
  g_assert_null (st_participant_editor_get_error (editor));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (name), "error"));
  g_assert_true (st_participant_editor_can_save (editor));

  click_save (editor);
  WAIT_UNTIL (st_window_get_editor (f->window) == NULL);
  stored = st_participant_load (f->db, uuid_of (f, fifty->str), NULL);
  g_assert_cmpstr (stored->name, ==, fifty->str);
}

/* Notes longer than the server's 65,536 bytes, stored before the limits:
 * the entry cannot hold them whole, so the form says so and does not save
 * them cut short, until the notes are edited. */
static void
test_field_limits_stored (Fixture *f, gconstpointer data)
{
  g_autoptr(StParticipant) p = st_participant_load (f->db, uuid_of (f, "张三"), NULL);
  g_autoptr(StParticipant) stored = NULL;
  g_autofree char *sql = NULL;
  StParticipantEditor *editor;
  GtkEditable *notes;

  g_assert_nonnull (p);
  sql = g_strdup_printf ("UPDATE participants SET notes = printf ('%%.100000c', 'x'), hlc = hlc + 1 WHERE id = '%s'", p->id);
  g_assert_true (st_db_exec (f->db, sql, NULL));
  editor = open_editor (f, "张三");
  notes = st_participant_editor_get_notes_entry (editor);
  g_assert_cmpstr (st_participant_editor_get_error (editor), ==, "Notes is longer than 65536 bytes (100000).");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (notes), "error"));
  gtk_editable_set_text (st_participant_editor_get_phone_entry (editor), "13912345678");
  g_assert_false (st_participant_editor_can_save (editor));

  /* Edited: what the entry holds is what would be saved, and it fits. */
  press_backspace (notes);
  g_assert_null (st_participant_editor_get_error (editor));
  g_assert_true (st_participant_editor_can_save (editor));
  gtk_editable_set_text (notes, "短");
  click_save (editor);
  WAIT_UNTIL (st_window_get_editor (f->window) == NULL);
  stored = st_participant_load (f->db, p->id, NULL);
  g_assert_cmpstr (stored->notes, ==, "短");
  g_assert_cmpstr (stored->phone, ==, "13912345678");
}

/* Ctrl+N: a new participant from an empty form. */
static void
test_new_participant (Fixture *f, gconstpointer data)
{
  StParticipantEditor *editor = open_editor (f, NULL);
  g_autofree char *number = id_number ("52232719950505007");

  g_assert_false (st_participant_editor_can_save (editor));
  gtk_editable_set_text (st_participant_editor_get_id_number_entry (editor), number);
  gtk_editable_set_text (st_participant_editor_get_name_entry (editor), "罗新");
  g_assert_false (st_participant_editor_can_save (editor));   /* no township yet */
  adw_combo_row_set_selected (st_participant_editor_get_township_row (editor), 2);
  g_assert_cmpstr (st_participant_editor_get_sex_text (editor), ==, "Male");
  g_assert_true (st_participant_editor_can_save (editor));
  click_save (editor);
  WAIT_UNTIL (g_str_equal (count_text (f), "7 participants"));
  g_assert_cmpstr (st_window_get_last_toast (f->window), ==, "罗新 added");
  type_search (f, "lx", "1 of 7 participants");

  /* The same number again is refused with whose it is. */
  editor = open_editor (f, NULL);
  gtk_editable_set_text (st_participant_editor_get_id_number_entry (editor), number);
  gtk_editable_set_text (st_participant_editor_get_name_entry (editor), "罗新二");
  adw_combo_row_set_selected (st_participant_editor_get_township_row (editor), 2);
  click_save (editor);
  g_assert_nonnull (st_participant_editor_get_error (editor));
  g_assert_nonnull (strstr (st_participant_editor_get_error (editor), "罗新"));
  g_assert_cmpint (st_db_count_live (f->db, "participants"), ==, 7);
}

/* Delete asks first, then a toast offers Undo, which brings the row
 * back. */
static void
test_delete_undo (Fixture *f, gconstpointer data)
{
  const char *uuid = uuid_of (f, "王秀英");
  AdwMessageDialog *dialog;
  g_autofree char *after = NULL;
  g_autofree char *restored = NULL;

  /* The person's line selected, as a click does, and the Delete key. */
  {
    guint position;
    GtkWidget *cell = find_line (f, "王秀英", &position);
    GtkWidget *line = cell;

    /* A click selects the line and puts the keyboard on it. */
    st_test_pointer_click (cell, 1);
    while (line != NULL && !gtk_widget_get_focusable (line))
      line = gtk_widget_get_parent (line);
    g_assert_true (line != NULL && gtk_widget_has_focus (line));
    st_test_key (line, GDK_KEY_Delete, 0);
  }
  dialog = st_window_get_confirmation (f->window);
  g_assert_nonnull (dialog);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  /* Cancel keeps it. */
  st_test_click (st_test_find_button (GTK_WIDGET (dialog), "Cancel"));
  settle ();
  g_assert_cmpstr (count_text (f), ==, "6 participants");

  /* The editor's Delete Participant… asks the same. */
  {
    StParticipantEditor *editor = open_editor (f, "王秀英");

    st_test_click (st_test_find_actionable (GTK_WIDGET (editor), "editor.delete"));
  }
  dialog = st_window_get_confirmation (f->window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete 王秀英?");
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  st_test_click (st_test_find_button (GTK_WIDGET (dialog), "Delete"));
  WAIT_UNTIL (g_str_equal (count_text (f), "5 participants"));
  after = listed_names (f);
  g_assert_null (strstr (after, "王秀英"));
  g_assert_cmpstr (st_window_get_last_toast (f->window), ==, "王秀英 deleted");
  /* A tombstone, not a removal. */
  g_assert_nonnull (st_participant_load (f->db, uuid, NULL));

  /* The toast's Undo. */
  WAIT_UNTIL (st_test_find_button (GTK_WIDGET (f->window), "Undo") != NULL
              && gtk_widget_get_mapped (st_test_find_button (GTK_WIDGET (f->window), "Undo")));
  st_test_click (st_test_find_button (GTK_WIDGET (f->window), "Undo"));
  WAIT_UNTIL (g_str_equal (count_text (f), "6 participants"));
  restored = listed_names (f);
  g_assert_nonnull (strstr (restored, "王秀英"));
  type_search (f, "wxy", "1 of 6 participants");
}

static char *
data_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "import", name, NULL);
}

static StImportWindow *
open_import (Fixture *f, const char *path)
{
  StImportWindow *window;

  st_window_import_file (f->window, path);
  window = st_window_get_import_window (f->window);
  g_assert_nonnull (window);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_cmpstr (st_import_window_get_page (window), ==, "preview");
  return window;
}

/* The messy test roster: what became of every row, as the summary shows
 * it; the lists behind it; a conflict resolved. */
static void
test_import_summary (Fixture *f, gconstpointer data)
{
  g_autofree char *path = data_file ("roster.csv");
  StImportWindow *window = open_import (f, path);
  GListModel *lines;
  gboolean found = FALSE;
  g_autoptr(StParticipant) wang = NULL;

  g_assert_cmpstr (st_import_window_get_encoding (window), ==, "UTF-8 with byte-order mark (Excel “CSV UTF-8”)");
  st_test_click (st_test_find_actionable (GTK_WIDGET (window), "import.start"));
  WAIT_UNTIL (g_str_equal (st_import_window_get_page (window), "summary"));

  g_assert_cmpstr (st_import_window_get_count (window, "imported"), ==, "9");
  g_assert_cmpstr (st_import_window_get_count (window, "updated"), ==, "1");
  g_assert_cmpstr (st_import_window_get_count (window, "rejected"), ==, "5");
  g_assert_cmpstr (st_import_window_get_count (window, "warnings"), ==, "4");
  g_assert_cmpstr (st_import_window_get_count (window, "repeats"), ==, "1");
  g_assert_cmpstr (st_import_window_get_count (window, "conflicts"), ==, "1");
  WAIT_UNTIL (g_str_equal (count_text (f), "15 participants"));
  g_assert_cmpstr (st_window_get_last_toast (f->window), ==, "Roster imported: 9 new, 1 already registered");

  /* The rejected rows, each with its row and reason: the row clicked. */
  st_test_click (st_import_window_get_summary_row (window, "rejected"));
  g_assert_cmpstr (st_import_window_get_page (window), ==, "list");
  lines = st_import_window_get_list (window);
  g_assert_cmpuint (g_list_model_get_n_items (lines), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      const char *line = gtk_string_list_get_string (GTK_STRING_LIST (lines), i);

      found |= g_str_has_prefix (line, "Row 7, 班错号:") && strstr (line, "check character") != NULL;
    }
  g_assert_true (found);
  settle ();
  g_assert_nonnull (st_test_find_label (GTK_WIDGET (window), "Row 7, 班错号:"));
  st_test_click (st_test_find_actionable (GTK_WIDGET (window), "import.back"));
  g_assert_cmpstr (st_import_window_get_page (window), ==, "summary");
  st_test_click (st_import_window_get_summary_row (window, "warnings"));
  g_assert_cmpuint (g_list_model_get_n_items (st_import_window_get_list (window)), ==, 4);
  st_test_click (st_test_find_actionable (GTK_WIDGET (window), "import.back"));
  st_test_click (st_import_window_get_summary_row (window, "repeats"));
  g_assert_cmpuint (g_list_model_get_n_items (st_import_window_get_list (window)), ==, 1);
  st_test_click (st_test_find_actionable (GTK_WIDGET (window), "import.back"));

  /* The roster's phone is taken over the stored one. */
  st_test_click (st_import_window_get_summary_row (window, "conflicts"));
  g_assert_cmpstr (st_import_window_get_page (window), ==, "conflict");
  g_assert_cmpuint (st_import_window_get_n_conflict_fields (window), ==, 1);
  st_test_click (GTK_WIDGET (st_import_conflict_row_get_choice (st_import_window_get_conflict_field (window, 0), TRUE)));
  st_test_click (st_test_find_actionable (GTK_WIDGET (window), "import.apply"));
  g_assert_cmpstr (st_import_window_get_page (window), ==, "summary");
  g_assert_cmpstr (st_import_window_get_count (window, "conflicts"), ==, "0");
  g_assert_false (gtk_widget_is_sensitive (st_import_window_get_summary_row (window, "conflicts")));
  wang = st_participant_find_by_id_number (f->db, "522327198503120028", NULL);
  g_assert_cmpstr (wang->phone, ==, "13800009999");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The keyboard shortcuts fit a 1366×768 screen, in English (the longer
 * language), with room for the panel. */
/* GTK 4.8's shortcuts window measures one of its own labels at -3 px and
 * warns about it: nothing of ours, so warnings are not fatal while it is
 * open. */
static void
test_shortcuts_fit (Fixture *f, gconstpointer data)
{
  /* What GtkApplication shows for Ctrl+?: the window of that resource. */
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/shuangti/Shuangti/gtk/help-overlay.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  int natural = 0;
  GLogLevelFlags old_fatal;

  g_assert_nonnull (shortcuts);
  old_fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (f->window));
  gtk_window_present (shortcuts);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (shortcuts)));
  settle ();
  gtk_widget_measure (GTK_WIDGET (shortcuts), GTK_ORIENTATION_VERTICAL, -1, NULL, &natural, NULL, NULL);
  g_test_message ("shortcuts window: %d px tall, %d natural", gtk_widget_get_height (GTK_WIDGET (shortcuts)), natural);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (shortcuts)), <=, 720);
  g_assert_cmpint (natural, <=, 720);
  /* In more columns, but no wider than the screen. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (shortcuts)), <=, 1300);
  gtk_window_destroy (shortcuts);
  g_log_set_always_fatal (old_fatal);
}

/* F1 on a desktop whose only browser runs in a terminal (and no help
 * viewer): the message says what to install and where the pages are, not
 * GLib's "Unable to find terminal required for application". */
static void
test_help_nothing_to_show (Fixture *f, gconstpointer data)
{
  g_autofree char *html_dir = g_build_filename (g_get_user_data_dir (), "shuangti", "html", "C", NULL);
  g_autofree char *html = g_build_filename (html_dir, "index.html", NULL);
  g_autofree char *apps = g_build_filename (g_get_user_data_dir (), "applications", NULL);
  g_autofree char *desktop = g_build_filename (apps, "st-test-w3m.desktop", NULL);
  g_autofree char *mimeapps = g_build_filename (g_get_user_config_dir (), "mimeapps.list", NULL);
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwMessageDialog *message = NULL;

  g_assert_cmpint (g_mkdir_with_parents (html_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (apps, 0700), ==, 0);
  g_assert_true (g_file_set_contents (html, "<html><body>help</body></html>", -1, NULL));
  g_assert_true (g_file_set_contents (desktop,
                                      "[Desktop Entry]\nType=Application\nName=w3m\nExec=true %u\n"
                                      "Terminal=true\nMimeType=text/html;\n", -1, NULL));
  g_assert_true (g_file_set_contents (mimeapps,
                                      "[Default Applications]\ntext/html=st-test-w3m.desktop\n", -1, NULL));

  /* What F1 (app.help) does. */
  st_help_show (GTK_WINDOW (f->window));
  settle ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w))
        message = ADW_MESSAGE_DIALOG (w);
    }
  g_assert_nonnull (message);
  g_assert_cmpstr (adw_message_dialog_get_heading (message), ==, "Nothing Can Show the Help");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "Install “yelp” (GNOME Help) or a web browser such as Firefox"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), html_dir));
  g_assert_null (strstr (adw_message_dialog_get_body (message), "terminal"));
  gtk_window_destroy (GTK_WINDOW (message));
  g_unlink (mimeapps);
  g_unlink (desktop);
  g_unlink (html);
}

/* A roster that disagrees with the database on two people: each person's
 * fields side by side, kept or replaced one by one. */
static void
test_import_conflicts (Fixture *f, gconstpointer data)
{
  g_autofree char *zhang_id = id_number (people[0].id17);
  g_autofree char *zeng_id = id_number (people[1].id17);
  g_autofree char *csv = g_strdup_printf ("姓名,身份证号码,乡镇（街道）,联系电话\n"
                                          "张三,%s,巧马镇,13900000009\n"
                                          "曾山,%s,秧坝镇,\n", zhang_id, zeng_id);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "conflicts.csv", NULL);
  g_autoptr(StParticipant) zhang = NULL;
  g_autoptr(StParticipant) zeng = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  StImportWindow *window;
  GtkWidget *phone, *township;

  g_assert_true (g_file_set_contents (path, csv, -1, NULL));
  window = open_import (f, path);
  st_test_click (st_test_find_actionable (GTK_WIDGET (window), "import.start"));
  WAIT_UNTIL (g_str_equal (st_import_window_get_page (window), "summary"));
  g_assert_cmpstr (st_import_window_get_count (window, "conflicts"), ==, "3");

  /* 张三: phone and township, each with both values on view. */
  st_test_click (st_import_window_get_summary_row (window, "conflicts"));
  g_assert_cmpstr (st_import_window_get_page (window), ==, "conflict");
  g_assert_cmpstr (st_import_window_get_conflict_title (window), ==, "Conflict 1 of 2");
  g_assert_cmpuint (st_import_window_get_n_conflict_fields (window), ==, 2);
  settle ();
  st_test_collect_text (GTK_WIDGET (window), text);
  g_assert_nonnull (strstr (text->str, "张三"));
  g_assert_nonnull (strstr (text->str, "者楼街道\n"));
  g_assert_nonnull (strstr (text->str, "巧马镇\n"));
  g_assert_nonnull (strstr (text->str, "13800000001\n"));
  g_assert_nonnull (strstr (text->str, "13900000009\n"));
  phone = st_import_window_get_conflict_field (window, 0);
  township = st_import_window_get_conflict_field (window, 1);
  g_assert_true (st_test_find_label (township, "Township") != NULL);
  g_assert_true (st_test_find_label (phone, "Phone") != NULL);
  /* The database's value is chosen until the person picks the roster's. */
  g_assert_true (gtk_toggle_button_get_active (st_import_conflict_row_get_choice (phone, FALSE)));
  st_test_click (GTK_WIDGET (st_import_conflict_row_get_choice (phone, TRUE)));
  g_assert_true (st_import_conflict_row_takes_roster (phone));
  g_assert_false (st_import_conflict_row_takes_roster (township));
  st_test_click (st_test_find_actionable (GTK_WIDGET (window), "import.apply"));

  /* 曾山: the township, taken from the roster. */
  g_assert_cmpstr (st_import_window_get_page (window), ==, "conflict");
  g_assert_cmpstr (st_import_window_get_conflict_title (window), ==, "Conflict 2 of 2");
  g_assert_cmpuint (st_import_window_get_n_conflict_fields (window), ==, 1);
  st_test_click (GTK_WIDGET (st_import_conflict_row_get_choice (st_import_window_get_conflict_field (window, 0), TRUE)));
  st_test_click (st_test_find_actionable (GTK_WIDGET (window), "import.apply"));
  g_assert_cmpstr (st_import_window_get_page (window), ==, "summary");
  g_assert_cmpstr (st_import_window_get_count (window, "conflicts"), ==, "0");

  zhang = st_participant_find_by_id_number (f->db, zhang_id, NULL);
  zeng = st_participant_find_by_id_number (f->db, zeng_id, NULL);
  g_assert_cmpstr (zhang->phone, ==, "13900000009");
  g_assert_cmpstr (zhang->township_code, ==, "522327001000");   /* 者楼街道 kept */
  g_assert_cmpstr (zeng->township_code, !=, "522327001000");
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
}

/* Cancel while importing: nothing written. Another program writing to the
 * database (here the test's own SQLite connection) holds the import at its
 * start, long enough for the click whatever the machine's speed. */
static void
test_import_cancel (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "big.csv", NULL);
  g_autoptr(GError) error = NULL;
  StImportWindow *window;
  sqlite3 *other = NULL;

  g_assert_true (st_demo_write_roster (path, 30000, 11, ST_CSV_ENCODING_GB18030, &error));
  window = open_import (f, path);
  g_assert_cmpstr (st_import_window_get_encoding (window), ==, "GB18030 (Excel on Chinese Windows)");
  g_assert_cmpint (sqlite3_open (st_db_get_path (f->db), &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  st_test_pointer_click (st_test_find_actionable (GTK_WIDGET (window), "import.start"), 1);
  g_assert_cmpstr (st_import_window_get_page (window), ==, "progress");
  st_test_pointer_click (st_test_find_actionable (GTK_WIDGET (window), "import.cancel"), 1);
  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  WAIT_UNTIL (g_str_equal (st_import_window_get_page (window), "preview"));
  g_assert_cmpstr (st_import_window_get_message (window), ==, "Import cancelled. Nothing was written.");
  g_assert_cmpint (st_db_count_live (f->db, "participants"), ==, 6);
  g_assert_cmpstr (count_text (f), ==, "6 participants");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Cancel clicked late, as the import ends: what the window says is what
 * was written. Once the rows are written, Cancel is no longer offered (the
 * search index is still being brought up to date); a click before that may
 * still stop it, and then nothing was written. */
static void
test_import_cancel_late (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "big.csv", NULL);
  g_autoptr(GError) error = NULL;
  StImportWindow *window;
  GtkWidget *cancel;
  GtkProgressBar *bar;

  g_assert_true (st_demo_write_roster (path, 30000, 12, ST_CSV_ENCODING_UTF8, &error));
  window = open_import (f, path);
  st_test_pointer_click (st_test_find_actionable (GTK_WIDGET (window), "import.start"), 1);
  cancel = st_test_find_actionable (GTK_WIDGET (window), "import.cancel");
  bar = GTK_PROGRESS_BAR (st_test_ui_find_widget (GTK_WIDGET (window), is_progress_bar, NULL));
  WAIT_UNTIL (!g_str_equal (st_import_window_get_page (window), "progress") || gtk_progress_bar_get_fraction (bar) >= 0.85
              || !gtk_widget_is_sensitive (cancel));
  if (g_str_equal (st_import_window_get_page (window), "progress") && gtk_widget_is_sensitive (cancel))
    st_test_click (cancel);
  WAIT_UNTIL (!g_str_equal (st_import_window_get_page (window), "progress"));
  if (st_db_count_live (f->db, "participants") == 6)
    {
      g_assert_cmpstr (st_import_window_get_page (window), ==, "preview");
      g_assert_cmpstr (st_import_window_get_message (window), ==, "Import cancelled. Nothing was written.");
    }
  else
    {
      g_assert_cmpint (st_db_count_live (f->db, "participants"), ==, 30006);
      g_assert_cmpstr (st_import_window_get_page (window), ==, "summary");
      g_assert_cmpstr (st_import_window_get_count (window, "imported"), ==, "30000");
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Columns the import does not recognise are mapped by hand. */
static void
test_import_mapping (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "odd.csv", NULL);
  g_autofree char *a = id_number ("52232719700101011");
  g_autofree char *b = id_number ("52232719710202012");
  g_autofree char *text = g_strdup_printf ("学员名字,证件,住址\n李一,%s,者楼街道\n李二,%s,巧马镇\n", a, b);
  g_autoptr(GError) error = NULL;
  StImportWindow *window;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  window = open_import (f, path);
  g_assert_cmpstr (st_import_window_get_message (window), ==, "No header row was recognised: choose what each column holds.");
  /* Without a name and an ID number column there is nothing to import:
   * Import cannot be clicked. */
  g_assert_false (gtk_widget_is_sensitive (st_test_find_actionable (GTK_WIDGET (window), "import.start")));
  g_assert_cmpstr (st_import_window_get_page (window), ==, "preview");

  adw_combo_row_set_selected (st_import_window_get_column_row (window, 0), 1);   /* name */
  adw_combo_row_set_selected (st_import_window_get_column_row (window, 1), 2);   /* ID number */
  adw_combo_row_set_selected (st_import_window_get_column_row (window, 2), 5);   /* township */
  st_test_click (st_test_find_actionable (GTK_WIDGET (window), "import.start"));
  WAIT_UNTIL (g_str_equal (st_import_window_get_page (window), "summary"));
  g_assert_cmpstr (st_import_window_get_count (window, "imported"), ==, "2");
  g_assert_cmpstr (st_import_window_get_count (window, "rejected"), ==, "0");
  WAIT_UNTIL (g_str_equal (count_text (f), "8 participants"));
  type_search (f, "李", "2 of 8 participants");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* An Excel workbook is refused before any window, with what to do. */
static void
test_import_workbook (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "名册.xlsx", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "PK\x03\x04 a zip", 11, &error));
  st_window_import_file (f->window, path);
  g_assert_null (st_window_get_import_window (f->window));
}

static void
on_items_changed (GListModel *list,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n)
{
  /* What a view sees: every change fits the size it knew. */
  g_assert_cmpuint (position + removed, <=, *n);
  *n = *n - removed + added;
  g_assert_cmpuint (*n, ==, g_list_model_get_n_items (list));
}

/* The lazy list: rows read when asked for, the first items kept (and
 * filled anew) across changes, every change consistent. */
static void
test_list_model (Fixture *f, gconstpointer data)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autoptr(StParticipantList) list = st_participant_list_new (f->db, divisions);
  StParticipantQuery all = { NULL, NULL, NULL, NULL, ST_PARTICIPANT_SORT_NAME, FALSE };
  StParticipantQuery zhang = { "张", NULL, NULL, NULL, ST_PARTICIPANT_SORT_NAME, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(StParticipantItem) first = NULL;
  g_autoptr(StParticipantItem) again = NULL;
  g_autofree char *everyone = NULL;
  g_autofree char *two = NULL;
  g_autofree char *back = NULL;
  guint n = 0;

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &n);
  st_participant_list_set_rowids (list, st_participant_query_run (f->db, &all, &error));
  everyone = names_of (G_LIST_MODEL (list));
  g_assert_cmpstr (everyone, ==, "覃明 单田 王秀英 曾山 张三 张小三");
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);

  st_participant_list_set_rowids (list, st_participant_query_run (f->db, &zhang, &error));
  two = names_of (G_LIST_MODEL (list));
  g_assert_cmpstr (two, ==, "张三 张小三");
  /* The same item, showing someone else now. */
  again = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_true (first == again);
  g_assert_cmpstr (st_participant_item_get_name (first), ==, "张三");
  g_assert_cmpstr (st_participant_item_get_masked_id_number (first), ==, "522327********001X");

  st_participant_list_set_rowids (list, st_participant_query_run (f->db, &all, &error));
  back = names_of (G_LIST_MODEL (list));
  g_assert_cmpstr (back, ==, everyone);
  g_assert_cmpuint (n, ==, 6);
}

static const char *const my_prefixes[] = { "win.", "app.", "editor.", "import.", "prefs.", "participants." };

static gboolean
has_name (GtkWidget *widget)
{
  return gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL)
    || gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

static gboolean
is_mine (GtkWidget *widget)
{
  const char *action = GTK_IS_ACTIONABLE (widget) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) : NULL;

  for (guint i = 0; action && i < G_N_ELEMENTS (my_prefixes); i++)
    if (g_str_has_prefix (action, my_prefixes[i]))
      return TRUE;
  return FALSE;
}

/* Every control of ours has a name a screen reader can say: icon buttons
 * their label, inputs theirs. Returns how many were checked. */
static guint
check_names (GtkWidget *widget)
{
  guint checked = 0;

  if (GTK_IS_MENU_BUTTON (widget))
    {
      if (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) == NULL)
        {
          g_assert_true (has_name (widget));
          checked++;
        }
      return checked;
    }
  if (GTK_IS_BUTTON (widget) && is_mine (widget))
    {
      if (gtk_button_get_label (GTK_BUTTON (widget)) == NULL && !has_name (widget))
        g_error ("the button for %s has no accessible name",
                 gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)));
      checked++;
    }
  if (GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_COLUMN_VIEW (widget)
      || GTK_IS_LIST_VIEW (widget) || GTK_IS_PROGRESS_BAR (widget) || GTK_IS_LIST_BOX (widget))
    {
      if (!has_name (widget))
        g_error ("a %s in a %s in a %s has no accessible name", G_OBJECT_TYPE_NAME (widget),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (gtk_widget_get_parent (widget))));
      checked++;
    }
  if (GTK_IS_DROP_DOWN (widget) || ADW_IS_COMBO_ROW (widget) || ADW_IS_ENTRY_ROW (widget)
      || GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_COLUMN_VIEW (widget) || GTK_IS_WINDOW_CONTROLS (widget))
    return checked;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    checked += check_names (child);
  return checked;
}

static void
test_accessible_names (Fixture *f, gconstpointer data)
{
  g_autofree char *path = data_file ("roster.csv");
  StParticipantEditor *editor;
  StImportWindow *window;
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/shuangti/Shuangti/gtk/help-overlay.ui");
  GtkWidget *shortcuts = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  g_autoptr(GSettings) settings = st_application_settings_new ();
  StPreferencesWindow *preferences;

  g_assert_cmpuint (check_names (GTK_WIDGET (f->window)), >=, 8);
  editor = open_editor (f, "张三");
  g_assert_cmpuint (check_names (GTK_WIDGET (editor)), >=, 4);
  gtk_window_destroy (GTK_WINDOW (editor));
  window = open_import (f, path);
  g_assert_cmpuint (check_names (GTK_WIDGET (window)), >=, 10);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_nonnull (shortcuts);
  gtk_window_destroy (GTK_WINDOW (shortcuts));

  preferences = st_preferences_window_new (GTK_WINDOW (f->window), f->path, settings);
  gtk_window_present (GTK_WINDOW (preferences));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (preferences)));
  /* Its pages: the header and its search are libadwaita's. */
  g_assert_cmpuint (check_names (GTK_WIDGET (adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (preferences)))), >=, 1);
  gtk_window_destroy (GTK_WINDOW (preferences));
}

/* Half of a 1366×768 laptop: the window fits, the search and the name
 * column stay, the less telling columns go. */
static void
test_narrow (Fixture *f, gconstpointer data)
{
  int minimum;
  GtkColumnView *view = st_participants_page_get_column_view (page_of (f));
  g_autoptr(GtkColumnViewColumn) name = g_list_model_get_item (gtk_column_view_get_columns (view), 0);
  g_autoptr(GtkColumnViewColumn) sex = g_list_model_get_item (gtk_column_view_get_columns (view), 1);

  gtk_widget_measure (GTK_WIDGET (f->window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, 683);

  g_assert_true (gtk_column_view_column_get_visible (sex));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 683, 700);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (f->window)) <= 700);
  settle ();
  g_assert_false (gtk_column_view_column_get_visible (sex));
  g_assert_true (gtk_column_view_column_get_visible (name));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (st_participants_page_get_search_entry (page_of (f)))), >, 100);
  /* The columns left take the room of those hidden: the header row and
   * the rows are as wide as the list, with no blank band to scroll to. */
  g_assert_cmpint (gtk_widget_get_width (gtk_widget_get_first_child (GTK_WIDGET (view))), ==,
                   gtk_widget_get_width (GTK_WIDGET (view)));
  g_assert_cmpint (gtk_widget_get_width (gtk_widget_get_last_child (GTK_WIDGET (view))), ==,
                   gtk_widget_get_width (GTK_WIDGET (view)));
  type_search (f, "zs", "2 of 6 participants");

  /* Wide again: every column back. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 700);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (f->window)) >= 1100);
  settle ();
  g_assert_true (gtk_column_view_column_get_visible (sex));
  g_assert_cmpint (gtk_widget_get_width (gtk_widget_get_first_child (GTK_WIDGET (view))), ==,
                   gtk_widget_get_width (GTK_WIDGET (view)));
}

/* The window opens at the size it was closed at. */
static void
test_size_remembered (Fixture *f, gconstpointer data)
{
  g_autoptr(GSettings) settings = st_application_settings_new ();
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (f->window), &width, &height);
  g_assert_cmpint (width, ==, 1180);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 640);
  settle ();
  gtk_window_close (GTK_WINDOW (f->window));
  f->window = NULL;
  settle ();
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 640);

  f->window = open_window (f->db);
  gtk_window_get_default_size (GTK_WINDOW (f->window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);
}

int
main (int argc, char **argv)
{
  g_autofree char *root = st_test_ui_private_dirs ("shuangti-test-app");
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add ("/app/window/demo-count", Fixture, GINT_TO_POINTER (1), fixture_setup, test_demo_count, fixture_teardown);
  g_test_add ("/app/window/first-rows", Fixture, GINT_TO_POINTER (1), fixture_setup, test_first_rows, fixture_teardown);
  g_test_add ("/app/window/empty-state", Fixture, GINT_TO_POINTER (1), fixture_setup, test_empty_state, fixture_teardown);
  g_test_add ("/app/window/damaged", Fixture, GINT_TO_POINTER (1), fixture_setup, test_damaged, fixture_teardown);
  g_test_add ("/app/window/narrow", Fixture, NULL, fixture_setup, test_narrow, fixture_teardown);
  g_test_add ("/app/window/text-size", Fixture, NULL, fixture_setup, test_text_size, fixture_teardown);
  g_test_add ("/app/window/size-remembered", Fixture, NULL, fixture_setup, test_size_remembered, fixture_teardown);
  g_test_add ("/app/window/accessible-names", Fixture, NULL, fixture_setup, test_accessible_names, fixture_teardown);
  g_test_add ("/app/participants/list-model", Fixture, NULL, fixture_setup, test_list_model, fixture_teardown);
  g_test_add ("/app/participants/search-name", Fixture, NULL, fixture_setup, test_search_name, fixture_teardown);
  g_test_add ("/app/participants/search-initials", Fixture, NULL, fixture_setup, test_search_initials, fixture_teardown);
  g_test_add ("/app/participants/search-id", Fixture, NULL, fixture_setup, test_search_id, fixture_teardown);
  g_test_add ("/app/participants/delete-undo", Fixture, NULL, fixture_setup, test_delete_undo, fixture_teardown);
  g_test_add ("/app/editor/edit-phone", Fixture, NULL, fixture_setup, test_edit_phone, fixture_teardown);
  g_test_add ("/app/editor/invalid-id", Fixture, NULL, fixture_setup, test_invalid_id, fixture_teardown);
  g_test_add ("/app/editor/field-limits", Fixture, NULL, fixture_setup, test_field_limits, fixture_teardown);
  g_test_add ("/app/editor/field-limits-stored", Fixture, NULL, fixture_setup, test_field_limits_stored, fixture_teardown);
  g_test_add ("/app/editor/new-participant", Fixture, NULL, fixture_setup, test_new_participant, fixture_teardown);
  g_test_add ("/app/import/summary", Fixture, NULL, fixture_setup, test_import_summary, fixture_teardown);
  g_test_add ("/app/window/shortcuts-fit", Fixture, NULL, fixture_setup, test_shortcuts_fit, fixture_teardown);
  g_test_add ("/app/window/help-nothing-to-show", Fixture, NULL, fixture_setup, test_help_nothing_to_show, fixture_teardown);
  g_test_add ("/app/import/conflicts", Fixture, NULL, fixture_setup, test_import_conflicts, fixture_teardown);
  g_test_add ("/app/import/cancel", Fixture, NULL, fixture_setup, test_import_cancel, fixture_teardown);
  g_test_add ("/app/import/cancel-late", Fixture, NULL, fixture_setup, test_import_cancel_late, fixture_teardown);
  g_test_add ("/app/import/mapping", Fixture, NULL, fixture_setup, test_import_mapping, fixture_teardown);
  g_test_add ("/app/import/workbook", Fixture, NULL, fixture_setup, test_import_workbook, fixture_teardown);

  status = g_test_run ();
  st_test_ui_remove_dirs (root);
  return status;
}
