/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Classes page driven through its real widgets under Xvfb: classes
 * listed and filtered, the attendance sheet marked with the keys a trainer
 * presses, the class's progress read back, study hours in bulk, the sheet
 * read again from a reopened database, the sign-in sheet printed to PDF. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "st-application.h"
#include "st-class-dialog.h"
#include "st-classes-page-private.h"
#include "st-classwork.h"
#include "st-eligibility.h"
#include "st-idcard.h"
#include "st-participant.h"
#include "st-program.h"
#include "st-records.h"
#include "st-signin-print.h"
#include "st-withdraw-dialog.h"
#include "st-window-private.h"
#include "st-test-ui.h"
#include "st-test-keys.h"
#include "st-test-widgets.h"

/* Sorted as the sheet sorts them: no village, so by name (code points in
 * C.UTF-8: 王 < 覃 < 陈 < 韦? no — the test reads the order back). */
static const struct { const char *name; const char *id17; } people[] = {
  { "韦小芳", "52232719900101002" },
  { "王秀英", "52232719880808024" },
  { "陈明", "52232719930303004" },
};

typedef struct
{
  char      *path;
  StDb      *db;
  StWindow  *window;
  char      *class_id;
  char      *ids[G_N_ELEMENTS (people)];
} Fixture;

static StWindow *
open_window (StDb *db)
{
  StWindow *window = st_window_new (NULL, db);

  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (st_window_is_index_ready (window) && gtk_widget_get_mapped (GTK_WIDGET (window)));
  st_test_show_page (GTK_WIDGET (window), "classes");
  /* The page reads its classes in a worker when it is first shown. */
  WAIT_UNTIL (!g_str_equal (st_classes_page_get_list_state (st_window_get_classes_page (window)), "loading"));
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

/* A program as data, like a county would add: 20 self-study or online
 * hours, so that one bulk entry settles them. */
static const char pilot_program[] =
  "{ \"schema\": 1, \"code\": \"pilot\", \"name\": \"试点班\", \"name_en\": \"Pilot\", \"kind\": \"diploma\","
  "  \"study_years\": { \"none\": 1, \"primary\": 1, \"junior\": 1, \"senior\": 1, \"unknown\": 1 },"
  "  \"concentrated_hours_per_year\": 16, \"online_sessions_count_as_concentrated\": true,"
  "  \"practical_sessions_count_as_concentrated\": true, \"self_study_at_least_concentrated\": false,"
  "  \"self_and_online_min_hours\": 20, \"assignments_before_assessment\": false, \"min_assignments\": 0,"
  "  \"required_assessments\": [], \"exemptions_allowed\": [], \"internship_required\": false,"
  "  \"internship_waiver_years\": 2, \"early_graduation\": true, \"graduate_education_level\": \"中专\","
  "  \"certificate_names\": { \"graduation\": \"毕业证书\", \"completion\": \"结业证书\", \"study_record\": \"写实性学习证明\" } }";

static char *
make_class (StDb       *db,
            const char *name,
            const char *program,
            const char *township)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autoptr(StClass) klass = st_class_new ();
  g_autoptr(GError) error = NULL;

  klass->name = g_strdup (name);
  klass->program_code = g_strdup (program);
  klass->major = g_strdup ("种植");
  klass->township_code = g_strdup (st_divisions_find_township (divisions, township)->code);
  klass->start_date = g_strdup ("2025-03-01");
  klass->teaching_point = g_strdup ("者楼村委会");
  klass->trainers = g_strsplit ("韦老师", ",", -1);
  g_assert_true (st_class_create (db, klass, &error));
  g_assert_no_error (error);
  return g_strdup (klass->id);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autoptr(StProgram) pilot = NULL;
  static guint n_databases;

  f->path = g_strdup_printf ("%s/classes-%u.db", g_get_user_data_dir (), ++n_databases);
  f->db = st_db_open (f->path, &error);
  g_assert_no_error (error);
  pilot = st_program_new_from_data (pilot_program, -1, "pilot.json", &error);
  g_assert_no_error (error);
  g_assert_true (st_program_save (f->db, pilot, &error));
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(StParticipant) p = st_participant_new ();

      p->id_number = g_strdup_printf ("%s%c", people[i].id17, st_idcard_check_character (people[i].id17));
      p->name = g_strdup (people[i].name);
      p->township_code = g_strdup (st_divisions_find_township (divisions, "者楼街道")->code);
      g_assert_true (st_participant_insert (f->db, p, &error));
      f->ids[i] = g_strdup (p->id);
    }
  if (data == NULL)
    {
      f->class_id = make_class (f->db, "者楼街道 2025 级种植班", "pilot", "者楼街道");
      for (guint i = 0; i < G_N_ELEMENTS (people); i++)
        {
          g_autofree char *e = st_enrol (f->db, f->ids[i], f->class_id, NULL, 0, &error);

          g_assert_no_error (error);
        }
    }
  f->window = open_window (f->db);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  close_window (&f->window);
  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  settle ();
  g_clear_object (&f->db);
  g_free (f->path);
  g_free (f->class_id);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    g_free (f->ids[i]);
}

static StClassesPage *
page_of (Fixture *f)
{
  return st_window_get_classes_page (f->window);
}

/* The rows of the lists under @widget (a class's participants and
 * sessions). */
static guint
count_list_rows (GtkWidget *widget)
{
  guint n = GTK_IS_LIST_BOX_ROW (widget) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_list_rows (child);
  return n;
}

static StClassView *
open_class (Fixture *f)
{
  StClassView *view = st_classes_page_get_class_view (page_of (f));
  GtkWidget *list = GTK_WIDGET (st_classes_page_get_class_list (page_of (f)));
  GtkWidget *name = NULL;

  /* The class's row in the list, clicked (one click opens a class). */
  g_assert_cmpstr (st_classes_page_get_visible (page_of (f)), ==, "list");
  WAIT_UNTIL ((name = st_test_find_label (list, "者楼街道 2025 级种植班")) != NULL && gtk_widget_get_mapped (name));
  st_test_pointer_click (name, 1);
  g_assert_cmpstr (st_classes_page_get_visible (page_of (f)), ==, "class");
  g_assert_cmpstr (st_class_view_get_class (view)->id, ==, f->class_id);
  WAIT_UNTIL (st_class_view_is_progress_ready (view));
  return view;
}

static const char *
progress_of (Fixture *f, guint person)
{
  const char *text = st_class_view_get_progress_text (st_classes_page_get_class_view (page_of (f)), f->ids[person]);

  g_assert_nonnull (text);
  return text;
}

/* Back on the list (by its button), the class view lets go of the class's
 * rows — a large class's are megabytes — and the class opens again whole. */
static void
test_back_lets_go (Fixture *f, gconstpointer data)
{
  StClassView *view = open_class (f);
  guint shown;

  settle ();
  shown = count_list_rows (GTK_WIDGET (view));
  g_assert_cmpuint (shown, >=, G_N_ELEMENTS (f->ids));
  st_test_click (st_test_find_actionable (GTK_WIDGET (page_of (f)), "classes.back"));
  g_assert_cmpstr (st_classes_page_get_visible (page_of (f)), ==, "list");
  g_assert_cmpuint (count_list_rows (GTK_WIDGET (view)), ==, 0);

  /* Opened again by a click on its row in the list. */
  settle ();
  {
    GtkWidget *list = GTK_WIDGET (st_classes_page_get_class_list (page_of (f)));
    GtkWidget *row = NULL;

    for (GtkWidget *child = gtk_widget_get_first_child (list); child && row == NULL;
         child = gtk_widget_get_next_sibling (child))
      if (gtk_widget_get_visible (child) && gtk_widget_get_first_child (child) != NULL)
        row = child;
    g_assert_nonnull (row);
    st_test_pointer_click (row, 1);
  }
  g_assert_cmpstr (st_classes_page_get_visible (page_of (f)), ==, "class");
  g_assert_cmpstr (st_class_view_get_class (view)->id, ==, f->class_id);
  WAIT_UNTIL (st_class_view_is_progress_ready (view));
  settle ();
  g_assert_cmpuint (count_list_rows (GTK_WIDGET (view)), ==, shown);
  g_assert_nonnull (progress_of (f, 0));
}

static char *
add_session (Fixture *f, const char *date, int minutes)
{
  g_autoptr(StSession) s = g_new0 (StSession, 1);
  g_autoptr(GError) error = NULL;

  s->class_id = g_strdup (f->class_id);
  s->date = g_strdup (date);
  s->minutes = minutes;
  s->mode = g_strdup ("concentrated");
  s->subject = g_strdup ("skill");
  g_assert_true (st_session_create (f->db, s, &error));
  g_assert_no_error (error);
  return g_strdup (s->id);
}

/* Which person is on line @line of the sheet. */
static guint
person_on_line (StAttendanceSheet *sheet, guint line)
{
  StAttendanceEntry *e = st_attendance_row_get_entry (st_attendance_sheet_get_row (sheet, line));

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    if (g_str_equal (e->name, people[i].name))
      return i;
  g_assert_not_reached ();
}

/* A key pressed on the sheet: it has the keyboard on one of its lines. */
static void
press (StAttendanceSheet *sheet, guint keyval)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (sheet)));

  g_assert_true (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (sheet)));
  st_test_key (GTK_WIDGET (sheet), keyval, 0);
}

static const char *
count_of (StAttendanceSheet *sheet)
{
  return gtk_label_get_text (st_attendance_sheet_get_count_label (sheet));
}

/* The class's own menu (⋮ beside its title): opens it and clicks @item, as
 * a person does. */
static gboolean
is_class_menu_button (GtkWidget     *widget,
                      gconstpointer  data)
{
  return GTK_IS_MENU_BUTTON (widget)
         && g_strcmp0 (gtk_widget_get_tooltip_text (widget), "More Actions for the Class") == 0;
}

/* A dialog's Save button, clicked. */
static void
click_save (StRecordsDialog *dialog)
{
  st_test_click (st_test_find_actionable (GTK_WIDGET (dialog), "dialog.save"));
}

/* A dialog's Create button, clicked. */
static void
click_create (GtkWindow *dialog)
{
  st_test_click (st_test_find_actionable (GTK_WIDGET (dialog), "dialog.create"));
}

/* The button of the classes page shown now that does @action (the class's
 * Today's Session, the back arrow of the class or of the sheet). */
static void
click_page (Fixture    *f,
            const char *action)
{
  st_test_click (st_test_find_actionable (GTK_WIDGET (page_of (f)), action));
}

/* The session's line in the class's Sessions tab, clicked. */
static void
open_session_row (Fixture    *f,
                  const char *session)
{
  StClassView *view = st_classes_page_get_class_view (page_of (f));
  GtkWidget *tab = st_test_find_button (GTK_WIDGET (view), "Sessions");

  g_assert_nonnull (tab);
  st_test_click (tab);
  settle ();
  st_test_click (st_test_find_action_target (GTK_WIDGET (view), "classes.open-session", session));
  settle ();
}

/* The answer @label of the dialog the classes page shows, clicked. */
static void
answer_dialog (Fixture    *f,
               const char *label)
{
  GtkWidget *dialog = GTK_WIDGET (st_classes_page_get_dialog (page_of (f)));

  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  WAIT_UNTIL (gtk_widget_get_mapped (dialog));
  st_test_click (st_test_find_button (dialog, label));
  settle ();
}

static gboolean
is_search_entry (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_SEARCH_ENTRY (widget) && gtk_widget_get_mapped (widget);
}

static gboolean
is_menu_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_MENU_BUTTON (widget);
}

static void
class_menu_click (Fixture    *f,
                  const char *item)
{
  StClassView *view = st_classes_page_get_class_view (page_of (f));

  st_test_ui_menu_click (st_test_ui_find_widget (GTK_WIDGET (view), is_class_menu_button, NULL), item);
}

/* The item @item of the ⋮ menu on @name's line of the class. */
static void
participant_menu_click (Fixture    *f,
                        const char *name,
                        const char *item)
{
  StClassView *view = st_classes_page_get_class_view (page_of (f));
  GtkWidget *label = st_test_find_label (GTK_WIDGET (view), name);
  GtkWidget *row = label != NULL ? gtk_widget_get_ancestor (label, ADW_TYPE_ACTION_ROW) : NULL;

  g_assert_nonnull (row);
  st_test_ui_menu_click (st_test_ui_find_widget (row, is_menu_button, NULL), item);
}

static gboolean
is_row_titled_prefix (GtkWidget     *widget,
                      gconstpointer  data)
{
  return ADW_IS_ENTRY_ROW (widget)
         && g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), data);
}

/* Types @text into the entry row whose title begins with @title, as a
 * person would after clicking it (what was there is replaced). */
static void
type_into_row (GtkWidget  *root,
               const char *title,
               const char *text)
{
  GtkWidget *row = st_test_ui_find_widget (root, is_row_titled_prefix, title);

  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_mapped (row));
  gtk_widget_grab_focus (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  settle ();
}


static void
test_list (Fixture *f, gconstpointer data)
{
  StClassesPage *page = page_of (f);
  g_autofree char *other = NULL;
  GtkDropDown *township = st_classes_page_get_township_dropdown (page);

  /* Nothing yet: the page says what to do. */
  g_assert_cmpstr (st_classes_page_get_list_state (page), ==, "empty");
  g_assert_cmpstr (gtk_label_get_text (st_classes_page_get_count_label (page)), ==, "0 classes");

  f->class_id = make_class (f->db, "者楼街道 2025 级种植班", "secondary-vocational", "者楼街道");
  other = make_class (f->db, "巧马镇 2025 级种植班", "secondary-vocational", "巧马镇");
  st_classes_page_reload (page);
  WAIT_UNTIL (g_str_equal (gtk_label_get_text (st_classes_page_get_count_label (page)), "2 classes"));
  g_assert_cmpstr (st_classes_page_get_list_state (page), ==, "classes");

  /* Township filter: the second entry is 者楼街道 (code order), first of the county. */
  for (guint i = 1; i < g_list_model_get_n_items (gtk_drop_down_get_model (township)); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (gtk_drop_down_get_model (township), i);

      if (g_str_equal (gtk_string_object_get_string (item), "巧马镇"))
        gtk_drop_down_set_selected (township, i);
    }
  g_assert_cmpstr (gtk_label_get_text (st_classes_page_get_count_label (page)), ==, "1 of 2 classes");

  /* The one row left is 巧马镇's class; clicking it opens that class. */
  settle ();
  {
    GtkWidget *list = GTK_WIDGET (st_classes_page_get_class_list (page));
    GtkWidget *row = NULL;
    guint rows = 0;

    for (GtkWidget *child = gtk_widget_get_first_child (list); child; child = gtk_widget_get_next_sibling (child))
      if (gtk_widget_get_visible (child) && gtk_widget_get_first_child (child) != NULL)
        {
          row = row != NULL ? row : child;
          rows++;
        }
    g_assert_cmpuint (rows, ==, 1);
    g_assert_nonnull (row);
    st_test_pointer_click (row, 1);
    g_assert_cmpstr (st_classes_page_get_visible (page), ==, "class");
    g_assert_cmpstr (st_class_view_get_class (st_classes_page_get_class_view (page))->id, ==, other);
    /* The header's back button. */
    st_test_pointer_click (st_test_find_actionable (GTK_WIDGET (page), "classes.back"), 1);
    g_assert_cmpstr (st_classes_page_get_visible (page), ==, "list");
  }

  /* A class with nobody: the class page asks for enrolments, and the
   * enrol dialog searches the register. */
  gtk_drop_down_set_selected (township, 0);
  open_class (f);
  st_test_click (st_test_find_actionable (GTK_WIDGET (st_classes_page_get_class_view (page)), "classes.enrol"));
  {
    StEnrolDialog *dialog = ST_ENROL_DIALOG (st_classes_page_get_dialog (page));
    GtkWidget *search;

    g_assert_nonnull (dialog);
    WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
    search = st_test_ui_find_widget (GTK_WIDGET (dialog), is_search_entry, NULL);
    g_assert_nonnull (search);
    /* The keyboard is in the search: the person's pinyin initials typed,
     * and Enter enrols the one match left. */
    g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), search));
    st_test_key (search, GDK_KEY_w, 0);
    st_test_key (search, GDK_KEY_x, 0);
    st_test_key (search, GDK_KEY_y, 0);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "wxy");
    WAIT_UNTIL (st_enrol_dialog_get_n_results (dialog) == 1);
    st_test_key (search, GDK_KEY_Return, 0);
    g_assert_cmpstr (st_classes_page_get_last_toast (page), ==, "王秀英 enrolled");
    /* The keyboard is still in the search, for the next name. */
    g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), search));
    /* Escape clears the search; on an empty search it closes the dialog,
     * as anywhere else in it. */
    g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
    st_test_key (search, GDK_KEY_Escape, 0);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "");
    g_assert_nonnull (dialog);
    g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
    st_test_key (search, GDK_KEY_Escape, 0);
    WAIT_UNTIL (dialog == NULL);
  }
  WAIT_UNTIL (st_class_view_is_progress_ready (st_classes_page_get_class_view (page)));
  g_assert_true (g_str_has_prefix (progress_of (f, 1), "Concentrated 0 / 288 h"));

  /* Withdrawal, from the person's ⋮ menu: date and reason, and the line
   * says so. The dialog closes on any answer: Withdraw waits for a reason,
   * and a date it would refuse is said as it is typed, so that a refusal
   * never closes the dialog on what was typed. */
  participant_menu_click (f, "王秀英", "Withdraw…");
  {
    GtkWidget *dialog = GTK_WIDGET (st_classes_page_get_dialog (page));
    GtkWidget *withdraw;

    g_assert_true (ST_IS_WITHDRAW_DIALOG (dialog));
    WAIT_UNTIL (gtk_widget_get_mapped (dialog));
    withdraw = st_test_find_button (dialog, "Withdraw");
    g_assert_nonnull (withdraw);
    type_into_row (dialog, "Withdrawal date", "2025-06-30");
    type_into_row (dialog, "Reason", "  ");
    g_assert_false (gtk_widget_is_sensitive (withdraw));
    type_into_row (dialog, "Reason", "外出务工");
    g_assert_true (gtk_widget_is_sensitive (withdraw));
    type_into_row (dialog, "Withdrawal date", "2025-06-31");
    g_assert_false (gtk_widget_is_sensitive (withdraw));
    g_assert_true (gtk_widget_get_mapped (st_test_find_label (dialog, "“2025-06-31” is not a date")));
    type_into_row (dialog, "Withdrawal date", "2025-06-30");
    g_assert_null (st_test_find_label (dialog, "is not a date"));
    st_test_click (withdraw);
  }
  g_assert_cmpstr (st_classes_page_get_last_toast (page), ==, "王秀英 withdrew on 2025-06-30");
  WAIT_UNTIL (st_class_view_is_progress_ready (st_classes_page_get_class_view (page)));
  g_assert_null (st_class_view_get_progress_text (st_classes_page_get_class_view (page), f->ids[1]));
  st_test_pointer_click (st_test_find_actionable (GTK_WIDGET (page), "classes.back"), 1);
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "list");
}

static void
test_attendance_keyboard (Fixture *f, gconstpointer data)
{
  StClassesPage *page = page_of (f);
  StAttendanceSheet *sheet = st_classes_page_get_sheet (page);
  g_autofree char *session = add_session (f, "2025-03-08", 480);
  guint first, second, third;

  open_class (f);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    g_assert_true (g_str_has_prefix (progress_of (f, i), "Concentrated 0 / 16 h"));

  open_session_row (f, session);
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "sheet");
  /* Everyone present until marked otherwise, not saved yet. */
  g_assert_cmpstr (count_of (sheet), ==, "3 / 3 present");
  g_assert_true (st_attendance_sheet_get_dirty (sheet));
  first = person_on_line (sheet, 0);
  second = person_on_line (sheet, 1);
  third = person_on_line (sheet, 2);

  /* ↓ Space: the second absent. */
  press (sheet, GDK_KEY_Down);
  g_assert_cmpuint (st_attendance_sheet_get_cursor (sheet), ==, 1);
  press (sheet, GDK_KEY_space);
  g_assert_cmpstr (count_of (sheet), ==, "2 / 3 present");
  /* ↓ 9 0 Enter: the third present for 90 minutes. */
  press (sheet, GDK_KEY_Down);
  press (sheet, GDK_KEY_9);
  press (sheet, GDK_KEY_0);
  press (sheet, GDK_KEY_Return);
  g_assert_cmpint (st_attendance_row_get_entry (st_attendance_sheet_get_row (sheet, 2))->minutes, ==, 90);
  /* ↑ ↑ L: the first on leave; L again puts them back. */
  press (sheet, GDK_KEY_Up);
  press (sheet, GDK_KEY_Up);
  g_assert_cmpuint (st_attendance_sheet_get_cursor (sheet), ==, 0);
  press (sheet, GDK_KEY_l);
  g_assert_cmpstr (count_of (sheet), ==, "1 / 3 present");
  press (sheet, GDK_KEY_L);
  g_assert_cmpstr (count_of (sheet), ==, "2 / 3 present");
  /* Ctrl+S is not the sheet's to eat: it reaches the Save binding. */
  st_test_key (GTK_WIDGET (sheet), GDK_KEY_s, GDK_CONTROL_MASK);
  g_assert_false (st_attendance_sheet_get_dirty (sheet));
  g_assert_cmpstr (st_classes_page_get_last_toast (page), ==, "Attendance saved: 2 / 3 present");

  /* The class's progress follows. */
  click_page (f, "classes.back");
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "class");
  WAIT_UNTIL (st_class_view_is_progress_ready (st_classes_page_get_class_view (page)));
  g_assert_true (g_str_has_prefix (progress_of (f, first), "Concentrated 8 / 16 h"));
  g_assert_true (g_str_has_prefix (progress_of (f, second), "Concentrated 0 / 16 h"));
  g_assert_true (g_str_has_prefix (progress_of (f, third), "Concentrated 1.5 / 16 h"));
  g_assert_nonnull (strstr (progress_of (f, third), "14.5 concentrated teaching hours short"));

  /* Reopened: the database holds it. */
  close_window (&f->window);
  g_clear_object (&f->db);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) entries = NULL;

    f->db = st_db_open (f->path, &error);
    g_assert_no_error (error);
    entries = st_attendance_load_sheet (f->db, session, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 3);
    for (guint i = 0; i < entries->len; i++)
      {
        StAttendanceEntry *e = g_ptr_array_index (entries, i);

        if (g_str_equal (e->name, people[second].name))
          g_assert_cmpstr (e->status, ==, "absent");
        else
          g_assert_cmpstr (e->status, ==, "present");
        if (g_str_equal (e->name, people[third].name))
          g_assert_cmpint (e->minutes, ==, 90);
      }
  }
  f->window = open_window (f->db);
  page = page_of (f);
  sheet = st_classes_page_get_sheet (page);
  open_class (f);
  open_session_row (f, session);
  g_assert_cmpstr (count_of (sheet), ==, "2 / 3 present");
  g_assert_false (st_attendance_sheet_get_dirty (sheet));
}

/* From the window to the sheet without a mouse, by the keys a person
 * presses: Alt+3 shows the Classes page with the keyboard on the first
 * class, Enter opens it, Ctrl+T opens today's session with the keyboard on
 * its first line, Space marks that person absent, Ctrl+S saves. */
static void
test_keyboard_path (Fixture *f, gconstpointer data)
{
  StClassesPage *page = page_of (f);
  StAttendanceSheet *sheet = st_classes_page_get_sheet (page);
  GtkWidget *window = GTK_WIDGET (f->window);
  GtkWidget *focus;

  st_test_key (window, GDK_KEY_2, GDK_ALT_MASK);
  g_assert_true (gtk_widget_get_child_visible (st_test_find_actionable (window, "win.new-participant")));
  st_test_key (window, GDK_KEY_3, GDK_ALT_MASK);
  settle ();
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  /* The first row of the list of classes. */
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (st_classes_page_get_class_list (page))));
  st_test_key (window, GDK_KEY_Return, 0);
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "class");
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (st_classes_page_get_class_view (page))));
  st_test_key (window, GDK_KEY_t, GDK_CONTROL_MASK);
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "sheet");
  settle ();
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_true (ST_IS_ATTENDANCE_ROW (focus));
  g_assert_true (focus == GTK_WIDGET (st_attendance_sheet_get_row (sheet, 0)));
  g_assert_cmpstr (count_of (sheet), ==, "3 / 3 present");
  st_test_key (window, GDK_KEY_space, 0);
  g_assert_cmpstr (count_of (sheet), ==, "2 / 3 present");
  g_assert_true (st_attendance_sheet_get_dirty (sheet));
  st_test_key (window, GDK_KEY_s, GDK_CONTROL_MASK);
  g_assert_false (st_attendance_sheet_get_dirty (sheet));
  g_assert_cmpstr (st_classes_page_get_last_toast (page), ==, "Attendance saved: 2 / 3 present");
  /* Alt+← back to the class. */
  st_test_key (window, GDK_KEY_Left, GDK_ALT_MASK);
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "class");
}

static void
test_today (Fixture *f, gconstpointer data)
{
  StClassesPage *page = page_of (f);
  StClassView *view = open_class (f);
  StAttendanceSheet *sheet = st_classes_page_get_sheet (page);
  g_autofree char *session = NULL;
  g_autofree char *today = st_date_today ();
  g_autoptr(StSession) s = NULL;

  g_assert_cmpuint (st_class_view_get_n_sessions (view), ==, 0);
  /* One click: made, prefilled from the class, and its sheet open. */
  click_page (f, "classes.today");
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "sheet");
  g_assert_cmpuint (st_class_view_get_n_sessions (view), ==, 1);
  session = g_strdup (st_attendance_sheet_get_session_id (sheet));
  s = st_session_load (f->db, session, NULL);
  g_assert_cmpstr (s->date, ==, today);
  g_assert_cmpstr (s->trainer, ==, "韦老师");
  g_assert_cmpstr (s->place, ==, "者楼村委会");
  g_assert_cmpint (s->minutes, ==, 480);
  /* Leaving unsaved asks first. */
  click_page (f, "classes.back");
  answer_dialog (f, "Save");
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "class");
  /* The second click opens the same session. */
  click_page (f, "classes.today");
  g_assert_cmpstr (st_attendance_sheet_get_session_id (sheet), ==, session);
  g_assert_false (st_attendance_sheet_get_dirty (sheet));
  g_assert_cmpuint (st_class_view_get_n_sessions (view), ==, 1);
}

/* One "+" on the Classes page: its own, for a class; the header's (a new
 * participant) is on the Participants page. */
static void
test_one_add_button (Fixture *f, gconstpointer data)
{
  st_test_show_page (GTK_WIDGET (f->window), "classes");
  settle ();
  g_assert_null (st_test_find_actionable (GTK_WIDGET (f->window), "win.new-participant"));
  g_assert_nonnull (st_test_find_actionable (GTK_WIDGET (f->window), "classes.new-class"));
  st_test_show_page (GTK_WIDGET (f->window), "participants");
  settle ();
  g_assert_nonnull (st_test_find_actionable (GTK_WIDGET (f->window), "win.new-participant"));
}

/* Today's session, then Discard: no empty "not taken" session is left. */
static void
test_today_discarded (Fixture *f, gconstpointer data)
{
  StClassesPage *page = page_of (f);
  StClassView *view = open_class (f);

  click_page (f, "classes.today");
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "sheet");
  g_assert_cmpuint (st_class_view_get_n_sessions (view), ==, 1);
  /* Back, and Discard. */
  click_page (f, "classes.back");
  answer_dialog (f, "Discard");
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "class");
  g_assert_cmpuint (st_class_view_get_n_sessions (view), ==, 0);
  g_assert_cmpstr (st_classes_page_get_last_toast (page), ==, "Today’s session removed: no attendance was saved.");
  g_assert_cmpint (st_db_count_live (f->db, "sessions"), ==, 0);
}



static void
test_bulk_hours (Fixture *f, gconstpointer data)
{
  StClassesPage *page = page_of (f);
  StRecordsDialog *dialog;

  open_class (f);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    g_assert_nonnull (strstr (progress_of (f, i), "20 self-study or online hours short"));

  /* Everyone 20 hours in March, except the last. */
  class_menu_click (f, "Study Hours for the Class…");
  dialog = ST_RECORDS_DIALOG (st_classes_page_get_dialog (page));
  g_assert_cmpuint (st_records_dialog_get_n_checked (dialog), ==, 3);
  st_records_dialog_set_hours (dialog, 20);
  st_records_dialog_set_date (dialog, "2025-03-31");
  g_assert_true (st_records_dialog_set_checked (dialog, f->ids[2], FALSE));
  g_assert_cmpuint (st_records_dialog_get_n_checked (dialog), ==, 2);
  click_save (dialog);
  g_assert_cmpstr (st_classes_page_get_last_toast (page), ==, "20 hours each for 2 participants");

  /* Five more each on the same day would be more than 24: refused, and said
   * under the header bar, not at the foot of a list scrolled out of sight. */
  class_menu_click (f, "Study Hours for the Class…");
  dialog = ST_RECORDS_DIALOG (st_classes_page_get_dialog (page));
  st_records_dialog_set_hours (dialog, 5);
  st_records_dialog_set_date (dialog, "2025-03-31");
  click_save (dialog);
  g_assert_true (st_classes_page_get_dialog (page) == GTK_WINDOW (dialog));
  {
    GtkWidget *refusal = st_test_find_label (GTK_WIDGET (dialog), "more than 24 hours on 2025-03-31");

    g_assert_nonnull (refusal);
    g_assert_true (gtk_widget_get_mapped (refusal));
    g_assert_null (gtk_widget_get_ancestor (refusal, GTK_TYPE_SCROLLED_WINDOW));
  }
  gtk_window_destroy (GTK_WINDOW (dialog));
  WAIT_UNTIL (st_class_view_is_progress_ready (st_classes_page_get_class_view (page)));
  g_assert_null (strstr (progress_of (f, 0), "self-study or online hours short"));
  g_assert_nonnull (strstr (progress_of (f, 0), "self-study and online 20 / 20 h"));
  g_assert_null (strstr (progress_of (f, 1), "self-study or online hours short"));
  g_assert_nonnull (strstr (progress_of (f, 2), "20 self-study or online hours short"));

  /* For one participant: their own dialog, and a bad date is refused in it. */
  participant_menu_click (f, "陈明", "Study Hours…");
  dialog = ST_RECORDS_DIALOG (st_classes_page_get_dialog (page));
  st_records_dialog_set_hours (dialog, 12.5);
  st_records_dialog_set_date (dialog, "2025-04-31");
  click_save (dialog);
  g_assert_true (st_classes_page_get_dialog (page) == GTK_WINDOW (dialog));
  st_records_dialog_set_date (dialog, "2025-04-30");
  click_save (dialog);
  g_assert_cmpstr (st_classes_page_get_last_toast (page), ==, "12.5 hours each for 1 participant");
  WAIT_UNTIL (st_class_view_is_progress_ready (st_classes_page_get_class_view (page)));
  g_assert_nonnull (strstr (progress_of (f, 2), "7.5 self-study or online hours short"));

  /* An assignment for the class. */
  class_menu_click (f, "Assignment for the Class…");
  dialog = ST_RECORDS_DIALOG (st_classes_page_get_dialog (page));
  st_records_dialog_set_title (dialog, "嫁接实操");
  st_records_dialog_set_date (dialog, "2025-04-15");
  click_save (dialog);
  g_assert_cmpstr (st_classes_page_get_last_toast (page), ==, "Assignment recorded for 3 participants");
  {
    g_autofree char *enrolment = st_enrolment_id (f->ids[0], f->class_id);
    g_autoptr(GPtrArray) assignments = st_assignment_list (f->db, enrolment, NULL);

    g_assert_cmpuint (assignments->len, ==, 1);
    g_assert_cmpstr (((StAssignment *) g_ptr_array_index (assignments, 0))->done_on, ==, "2025-04-15");
  }

  /* One person's assignment not done yet, marked done in their dialog. */
  {
    g_autofree char *enrolment = st_enrolment_id (f->ids[1], f->class_id);
    g_autofree char *pending = st_assignment_add (f->db, enrolment, "修剪实操", NULL, NULL);
    g_autoptr(GPtrArray) assignments = NULL;

    g_assert_nonnull (pending);
    participant_menu_click (f, "王秀英", "Assignments…");
    dialog = ST_RECORDS_DIALOG (st_classes_page_get_dialog (page));
    st_records_dialog_set_date (dialog, "2025-05-20");
    st_test_click (st_test_find_action_target (GTK_WIDGET (dialog), "dialog.mark-done", pending));
    g_assert_cmpstr (st_classes_page_get_last_toast (page), ==, "Assignment marked done");
    assignments = st_assignment_list (f->db, enrolment, NULL);
    g_assert_cmpuint (assignments->len, ==, 2);
    g_assert_cmpstr (((StAssignment *) g_ptr_array_index (assignments, 1))->done_on, ==, "2025-05-20");
  }
}


/* The entry row titled @title in @widget, as a person finds it by its
 * label. */
static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  data)
{
  return ADW_IS_ACTION_ROW (widget) && gtk_widget_get_visible (widget)
    && g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), data);
}

static gboolean
shows_text (GtkWidget     *widget,
            gconstpointer  data)
{
  const char *text = NULL;

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_text (GTK_LABEL (widget));
  else if (ADW_IS_PREFERENCES_ROW (widget))
    text = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  else if (ADW_IS_WINDOW_TITLE (widget))
    text = adw_window_title_get_title (ADW_WINDOW_TITLE (widget));
  return text != NULL && strstr (text, data) != NULL;
}

/* A class of 40: every person gets a row (the rows past the first screen
 * come right after the first frame), and the menu of the last one opens
 * and acts on that person. */
static void
test_large_class (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  StClassView *view;
  GtkWidget *row, *button;
  GtkWindow *dialog;

  for (guint i = 0; i < 37; i++)
    {
      g_autoptr(StParticipant) p = st_participant_new ();
      g_autofree char *id17 = g_strdup_printf ("522327199001%02u%03u", 10 + i % 18, 100 + i);
      g_autofree char *e = NULL;

      p->id_number = g_strdup_printf ("%s%c", id17, st_idcard_check_character (id17));
      /* 黄 sorts after the fixture's three people. */
      p->name = g_strdup_printf ("黄%02u号", i);
      p->township_code = g_strdup (st_divisions_find_township (divisions, "者楼街道")->code);
      g_assert_true (st_participant_insert (f->db, p, &error));
      e = st_enrol (f->db, p->id, f->class_id, NULL, 0, &error);
      g_assert_no_error (error);
    }
  view = open_class (f);
  /* Shown a few frames after the first. */
  WAIT_UNTIL ((row = st_test_ui_find_widget (GTK_WIDGET (view), is_row_titled, "黄36号")) != NULL);
  button = st_test_ui_find_widget (row, is_menu_button, NULL);
  g_assert_nonnull (button);
  /* A person clicks it once it is on screen: scrolled to, drawn. */
  gtk_widget_grab_focus (button);
  WAIT_UNTIL (gtk_widget_get_mapped (button) && gtk_widget_get_width (button) > 0);
  st_test_ui_menu_click (button, "Withdraw…");
  dialog = st_classes_page_get_dialog (page_of (f));
  g_assert_true (ST_IS_WITHDRAW_DIALOG (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  /* It is that person's withdrawal. */
  g_assert_nonnull (st_test_ui_find_widget (GTK_WIDGET (dialog), shows_text, "黄36号"));
}

static GtkEditable *
find_entry_row (GtkWidget  *widget,
                const char *title)
{
  if (ADW_IS_ENTRY_ROW (widget) && g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title))
    return GTK_EDITABLE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkEditable *found = find_entry_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_dialogs (Fixture *f, gconstpointer data)
{
  StClassesPage *page = page_of (f);
  GtkWindow *dialog;
  StClassView *view;

  /* New class, from the page's + button: the core's refusal shown in the
   * dialog, then created. */
  st_test_click (st_test_find_actionable (GTK_WIDGET (page), "classes.new-class"));
  dialog = st_classes_page_get_dialog (page);
  g_assert_true (ST_IS_CLASS_DIALOG (dialog));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  gtk_editable_set_text (find_entry_row (GTK_WIDGET (dialog), "Name"), "者楼街道 2026 级电商班");
  gtk_editable_set_text (find_entry_row (GTK_WIDGET (dialog), "Start date (2025-03-01)"), "2026-02-30");
  click_create (dialog);
  g_assert_true (st_classes_page_get_dialog (page) == dialog);
  g_assert_true (gtk_widget_get_mapped (st_test_find_label (GTK_WIDGET (dialog), "“2026-02-30” is not a date")));
  gtk_editable_set_text (find_entry_row (GTK_WIDGET (dialog), "Start date (2025-03-01)"), "2026-03-01");
  gtk_editable_set_text (find_entry_row (GTK_WIDGET (dialog), "Trainers (separated by commas)"), "韦老师、王老师");
  /* Two blocks a year instead of the program's day each month. */
  {
    AdwComboRow *schedule = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (dialog), ST_TYPE_CLASS_DIALOG,
                                                                         "schedule_row"));
    GListModel *choices = adw_combo_row_get_model (schedule);

    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (schedule)));
    g_assert_cmpuint (g_list_model_get_n_items (choices), ==, 2);
    g_assert_cmpuint (adw_combo_row_get_selected (schedule), ==, 0);
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (choices), 1), ==, "2 blocks of 120 hours a year");
    adw_combo_row_set_selected (schedule, 1);
  }
  click_create (dialog);
  g_assert_cmpstr (st_classes_page_get_last_toast (page), ==, "者楼街道 2026 级电商班 created");
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "class");
  view = st_classes_page_get_class_view (page);
  g_assert_cmpstr (st_class_view_get_class (view)->name, ==, "者楼街道 2026 级电商班");
  g_assert_cmpuint (g_strv_length (st_class_view_get_class (view)->trainers), ==, 2);
  g_assert_cmpstr (st_class_view_get_class (view)->schedule, ==, "blocks");

  /* New session, from the class's ⋮ menu, filled in from the class; a
   * date before it starts is refused, and said. */
  class_menu_click (f, "New Session…");
  dialog = st_classes_page_get_dialog (page);
  g_assert_true (ST_IS_SESSION_DIALOG (dialog));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_cmpstr (gtk_editable_get_text (find_entry_row (GTK_WIDGET (dialog), "Trainer")), ==, "韦老师");
  gtk_editable_set_text (find_entry_row (GTK_WIDGET (dialog), "Date (2025-03-08)"), "2026-02-01");
  click_create (dialog);
  g_assert_true (st_classes_page_get_dialog (page) == dialog);
  g_assert_true (gtk_widget_get_mapped (st_test_find_label (GTK_WIDGET (dialog), "2026-02-01")));
  gtk_editable_set_text (find_entry_row (GTK_WIDGET (dialog), "Date (2025-03-08)"), "2026-03-07");
  click_create (dialog);
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "sheet");
  g_assert_cmpuint (st_class_view_get_n_sessions (view), ==, 1);
  /* Nobody enrolled yet: an empty sheet. */
  g_assert_cmpstr (count_of (st_classes_page_get_sheet (page)), ==, "0 / 0 present");
}

static void
test_signin_print (Fixture *f, gconstpointer data)
{
  g_autofree char *session = add_session (f, "2025-03-08", 480);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "signin.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  /* The print operation's own pages, exported without a dialog: the
   * core's sheet, with everyone on it. */
  g_assert_true (st_signin_print_export (GTK_WINDOW (f->window), f->db, session, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_true (g_str_has_prefix (contents, "%PDF"));
  if (g_find_program_in_path ("pdftotext") == NULL)
    {
      g_test_skip ("poppler-utils (pdftotext) is not installed");
      g_remove (path);
      return;
    }
  {
    const char *argv[] = { "pdftotext", "-layout", "-enc", "UTF-8", path, "-", NULL };
    g_autofree char *text = NULL;
    int status;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &text, NULL,
                                 &status, &error));
    g_assert_no_error (error);
    g_assert_nonnull (strstr (text, "Sign-in Sheet"));
    g_assert_nonnull (strstr (text, "Date: 2025-03-08"));
    for (guint i = 0; i < G_N_ELEMENTS (people); i++)
      g_assert_nonnull (strstr (text, people[i].name));
    /* ID numbers masked, as in every list. */
    g_assert_nonnull (strstr (text, "522327********"));
    g_assert_null (strstr (text, people[0].id17));
    g_assert_nonnull (strstr (text, "Page 1 of 1"));
  }
  g_remove (path);
}

static const char *const my_prefixes[] = { "classes.", "sheet.", "dialog." };

static gboolean
has_name (GtkWidget *widget)
{
  return gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL)
    || gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

static guint
check_names (GtkWidget *widget)
{
  guint checked = 0;
  const char *action = GTK_IS_ACTIONABLE (widget) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) : NULL;
  gboolean mine = FALSE;

  for (guint i = 0; action && i < G_N_ELEMENTS (my_prefixes); i++)
    mine |= g_str_has_prefix (action, my_prefixes[i]);
  if (GTK_IS_MENU_BUTTON (widget))
    {
      if (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) == NULL && !has_name (widget))
        g_error ("a menu button in a %s has no accessible name", G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
      return 1;
    }
  if (GTK_IS_BUTTON (widget) && mine && gtk_button_get_label (GTK_BUTTON (widget)) == NULL && !has_name (widget))
    g_error ("the button for %s has no accessible name", action);
  if (GTK_IS_BUTTON (widget) && mine)
    checked++;
  if (GTK_IS_DROP_DOWN (widget) || GTK_IS_LIST_BOX (widget) || GTK_IS_SPIN_BUTTON (widget)
      || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SEARCH_ENTRY (widget))
    {
      if (!has_name (widget) && !ADW_IS_ACTION_ROW (gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW)))
        g_error ("a %s in a %s has no accessible name", G_OBJECT_TYPE_NAME (widget),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
      checked++;
    }
  if (GTK_IS_DROP_DOWN (widget) || ADW_IS_COMBO_ROW (widget) || ADW_IS_ENTRY_ROW (widget)
      || GTK_IS_SPIN_BUTTON (widget) || GTK_IS_SEARCH_ENTRY (widget))
    return checked;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    checked += check_names (child);
  return checked;
}

static void
test_accessible_names (Fixture *f, gconstpointer data)
{
  StClassesPage *page = page_of (f);
  g_autofree char *session = add_session (f, "2025-03-08", 480);
  GtkWindow *dialog;

  open_class (f);
  open_session_row (f, session);
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "sheet");
  g_assert_cmpuint (check_names (GTK_WIDGET (page)), >=, 20);

  /* Back on the class (the new session's sheet not kept), each dialog of
   * its ⋮ menu, opened from the menu; then New Class from the list. */
  st_test_click (st_test_find_actionable (GTK_WIDGET (page), "classes.back"));
  if (st_classes_page_get_dialog (page) != NULL)
    answer_dialog (f, "Discard");
  g_assert_cmpstr (st_classes_page_get_visible (page), ==, "class");
  {
    const char *items[] = { "New Session…", "Study Hours for the Class…", "Assignment for the Class…",
                            "Enrol Participants…", NULL };

    for (guint i = 0; i < G_N_ELEMENTS (items); i++)
      {
        if (items[i] != NULL)
          class_menu_click (f, items[i]);
        else
          {
            st_test_click (st_test_find_actionable (GTK_WIDGET (page), "classes.back"));
            g_assert_cmpstr (st_classes_page_get_visible (page), ==, "list");
            st_test_click (st_test_find_actionable (GTK_WIDGET (page), "classes.new-class"));
          }
        dialog = st_classes_page_get_dialog (page);
        g_assert_nonnull (dialog);
        WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
        check_names (GTK_WIDGET (dialog));
        gtk_window_destroy (dialog);
        settle ();
      }
  }
}

int
main (int argc, char **argv)
{
  g_autofree char *root = st_test_ui_private_dirs ("shuangti-test-classes");
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add ("/app/classes/list", Fixture, GINT_TO_POINTER (1), fixture_setup, test_list, fixture_teardown);
  g_test_add ("/app/classes/attendance-keyboard", Fixture, NULL, fixture_setup, test_attendance_keyboard,
              fixture_teardown);
  g_test_add ("/app/classes/keyboard-path", Fixture, NULL, fixture_setup, test_keyboard_path, fixture_teardown);
  g_test_add ("/app/classes/back-lets-go", Fixture, NULL, fixture_setup, test_back_lets_go, fixture_teardown);
  g_test_add ("/app/classes/today", Fixture, NULL, fixture_setup, test_today, fixture_teardown);
  g_test_add ("/app/classes/one-add-button", Fixture, NULL, fixture_setup, test_one_add_button, fixture_teardown);
  g_test_add ("/app/classes/today-discarded", Fixture, NULL, fixture_setup, test_today_discarded, fixture_teardown);
  g_test_add ("/app/classes/bulk-hours", Fixture, NULL, fixture_setup, test_bulk_hours, fixture_teardown);
  g_test_add ("/app/classes/dialogs", Fixture, NULL, fixture_setup, test_dialogs, fixture_teardown);
  g_test_add ("/app/classes/large-class", Fixture, NULL, fixture_setup, test_large_class, fixture_teardown);
  g_test_add ("/app/classes/signin-print", Fixture, NULL, fixture_setup, test_signin_print, fixture_teardown);
  g_test_add ("/app/classes/accessible-names", Fixture, NULL, fixture_setup, test_accessible_names,
              fixture_teardown);
  status = g_test_run ();
  st_test_ui_remove_dirs (root);
  return status;
}
