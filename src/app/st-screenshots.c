/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-screenshots OUTDIR: opens the app on a fresh demo database and
 * saves a PNG of each page and window into OUTDIR, in the language of the
 * environment. Run by scripts/screenshots under Xvfb; not installed. */
#define G_LOG_DOMAIN "st-screenshots"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "st-app-demo.h"
#include "st-application.h"
#include "st-classes-page-private.h"
#include "st-records.h"
#include "st-demo.h"
#include "st-import-window-private.h"
#include "st-participant.h"
#include "st-participant-editor-private.h"
#include "st-participant-search.h"
#include "st-participants-page-private.h"
#include "st-assessment-row.h"
#include "st-bundle.h"
#include "st-bundle-dialog.h"
#include "st-assessment-sheet.h"
#include "st-graduation-page-private.h"
#include "st-overview-page-private.h"
#include "st-reports-page-private.h"
#include "st-preferences-window.h"
#include "st-review-window.h"
#include "st-sign-in-dialog.h"
#include "st-sync-button.h"
#include "st-window-private.h"
#include "st-visit-dialog-private.h"
#include "st-visit-round.h"

static const char *outdir;

/* Lets layout and drawing happen. */
static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

static void
wait_until (gboolean (*done) (gpointer), gpointer data)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        g_error ("timed out");
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static void
save (GtkWidget  *window,
      const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_strdup_printf ("%s/%s.png", outdir, name);
  int width, height;

  settle (600);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Could not save %s", path);
  g_print ("%s (%d×%d)\n", path, width, height);
}

static gboolean
window_ready (gpointer data)
{
  return st_window_is_index_ready (data) && gtk_widget_get_mapped (data);
}

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
label_shown (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static gboolean
import_finished (gpointer data)
{
  return g_str_equal (st_import_window_get_page (data), "summary");
}

static GtkScrolledWindow *
find_scrolled (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget) && gtk_widget_get_mapped (widget))
    return GTK_SCROLLED_WINDOW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found = find_scrolled (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
scroll_to_end (GtkWidget *window)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (find_scrolled (window));

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
}

/* Scrolls @window's scrolled page so that @widget is near its top. */
static void
scroll_to (GtkWidget *window,
           GtkWidget *widget)
{
  GtkScrolledWindow *scrolled = find_scrolled (window);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  double x = 0, y = 0;

  if (gtk_widget_translate_coordinates (widget, gtk_scrolled_window_get_child (scrolled), 0, 0, &x, &y))
    gtk_adjustment_set_value (adjustment, MAX (0, y - 60));
}

static StVisitDialog *
open_visit_dialog (void)
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

static void
choose_item (StVisitDialog *dialog,
             StVisitRow     row,
             guint          item)
{
  adw_combo_row_set_selected (ADW_COMBO_ROW (st_visit_dialog_get_row (dialog, row)), item);
}

static void
type_text (StVisitDialog *dialog,
           StVisitRow     row,
           const char    *text)
{
  gtk_editable_set_text (GTK_EDITABLE (st_visit_dialog_get_row (dialog, row)), text);
}

static gboolean overview_loaded (gpointer data);

/* Outreach: a visit being recorded, then the participant window with it,
 * then the Participants page's outreach filter. */
static void
shoot_visits (StWindow   *window,
              const char *participant_id)
{
  StParticipantEditor *editor;
  StVisitDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-participant", "s", participant_id);
  editor = st_window_get_editor (window);
  wait_until (mapped, editor);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-visit", NULL);
  settle (300);
  dialog = open_visit_dialog ();
  g_assert (dialog != NULL);
  wait_until (mapped, dialog);
  type_text (dialog, ST_VISIT_ROW_DATE, "2025-03-01");
  type_text (dialog, ST_VISIT_ROW_VISITOR, "韦主任");
  choose_item (dialog, ST_VISIT_ROW_LIVES, 2);       /* away */
  type_text (dialog, ST_VISIT_ROW_PROVINCE, "浙江省");
  type_text (dialog, ST_VISIT_ROW_CITY, "宁波市");
  choose_item (dialog, ST_VISIT_ROW_WORK, 3);        /* working away */
  choose_item (dialog, ST_VISIT_ROW_HEALTH, 1);      /* good */
  choose_item (dialog, ST_VISIT_ROW_WILLING, 3);     /* later */
  choose_item (dialog, ST_VISIT_ROW_MAJOR, 11);
  type_text (dialog, ST_VISIT_ROW_NOTE, "春节回家时再谈");
  save (GTK_WIDGET (dialog), "visit");
  scroll_to_end (GTK_WIDGET (dialog));
  save (GTK_WIDGET (dialog), "visit-changes");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "visit.save", NULL);
  settle (300);
  save (GTK_WIDGET (editor), "participant-visit-saved");
  scroll_to (GTK_WIDGET (editor), GTK_WIDGET (st_participant_editor_get_visits_list (editor)));
  save (GTK_WIDGET (editor), "participant-visits");
  gtk_window_destroy (GTK_WINDOW (editor));

  gtk_drop_down_set_selected (st_participants_page_get_outreach_dropdown (st_window_get_participants_page (window)), 1);
  save (GTK_WIDGET (window), "participants-not-visited");
  gtk_drop_down_set_selected (st_participants_page_get_outreach_dropdown (st_window_get_participants_page (window)), 0);

  /* The visit sheet by keyboard, for the first township: a few lines
   * answered, not saved. */
  gtk_drop_down_set_selected (st_participants_page_get_township_dropdown (st_window_get_participants_page (window)), 1);
  settle (300);
  gtk_widget_activate_action (GTK_WIDGET (st_window_get_participants_page (window)), "participants.record-visits", NULL);
  settle (300);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    StVisitRound *round = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && round == NULL; i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

        if (ST_IS_VISIT_ROUND (w))
          round = ST_VISIT_ROUND (w);
      }
    g_assert (round != NULL);
    wait_until (mapped, round);
    gtk_editable_set_text (st_visit_round_get_visitor (round), "韦主任");
    for (const char *keys = "ywgeDnaDyhfgtD"; *keys; keys++)
      st_visit_round_handle_key (round, *keys == 'D' ? GDK_KEY_Down : (guint) *keys);
    save (GTK_WIDGET (round), "visit-round");
    gtk_window_destroy (GTK_WINDOW (round));
  }
  gtk_drop_down_set_selected (st_participants_page_get_township_dropdown (st_window_get_participants_page (window)), 0);

  /* The Overview's outreach, at the end of the page. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "overview");
  wait_until (overview_loaded, st_window_get_overview_page (window));
  settle (300);
  scroll_to_end (GTK_WIDGET (st_window_get_overview_page (window)));
  save (GTK_WIDGET (window), "overview-outreach");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "participants");
}

static StWindow *
open_window (StDb *db,
             int   width,
             int   height)
{
  StWindow *window = st_window_new (NULL, db);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (window_ready, window);
  return window;
}

static void
show_page (StWindow   *window,
           const char *page,
           const char *name)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", page);
  save (GTK_WIDGET (window), name);
}

/* The whole screen, as X shows it (a popover is a surface of its own, which
 * a window's snapshot leaves out), cropped to @window. */
static void
save_screen (GtkWidget  *window,
             const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", outdir, name);
  g_autofree char *crop = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  settle (800);
  crop = g_strdup_printf ("%dx%d+0+0", gtk_widget_get_width (window), gtk_widget_get_height (window));
  if (!g_spawn_sync (NULL, (char *[]) { (char *) "import", (char *) "-window", (char *) "root", (char *) "-crop", crop,
                                        path, NULL },
                     NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("Could not save %s: %s", path, error->message);
  g_print ("%s (screen)\n", path);
}

static gboolean
overview_loaded (gpointer data)
{
  return !st_overview_page_is_loading (data);
}

static gboolean
graduation_loaded (gpointer data)
{
  return !st_graduation_page_is_evaluating (data) && st_graduation_page_get_n_rows (data) > 0;
}

static gboolean
reports_loaded (gpointer data)
{
  return !st_reports_page_is_loading (data);
}

static const char *
uuid_of (StDb *db, const char *township_name, guint nth)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  const StDivision *township = st_divisions_find_township (divisions, township_name);
  g_autoptr(GPtrArray) all = st_participant_list (db, township->code, NULL);
  StParticipant *p = g_ptr_array_index (all, MIN (nth, all->len - 1));

  return g_intern_string (p->id);
}

/* Sync as a clerk sees it, without a server: an account signed in, a few
 * changes waiting, a conflict and a refused change to review. */
static void
sync_screenshots (StDb *db)
{
  g_autoptr(GError) error = NULL;
  StSyncButton *button;
  StWindow *window;
  const char *uuid = uuid_of (db, "者楼街道", 3);
  g_autoptr(StParticipant) p = st_participant_load (db, uuid, &error);
  g_autofree char *data = NULL;
  gint64 now = g_get_real_time () / 1000;

  g_assert_true (st_db_set_meta (db, "sync.server", "https://shuangti.ceheng.example.gov.cn", &error));
  g_assert_true (st_db_set_meta (db, "sync.account", "zhelou", &error));
  g_assert_true (st_db_set_meta (db, "sync.role", "township", &error));
  g_assert_true (st_db_set_meta (db, "sync.townships", "[\"522327001000\"]", &error));
  g_assert_true (st_db_set_meta (db, "sync.token", "st1.screenshot", &error));
  {
    g_autofree char *last = g_strdup_printf ("%" G_GINT64_FORMAT, now - 95 * 60 * 1000);

    g_assert_true (st_db_set_meta (db, "sync.last_sync_at", last, &error));
  }
  /* The demo's records went to the server long ago; three edits since. */
  g_assert_true (st_db_exec (db, "DELETE FROM outbox WHERE audit_id NOT IN"
                                 " (SELECT audit_id FROM outbox ORDER BY audit_id DESC LIMIT 3)", &error));
  data = g_strdup_printf ("{\"tbl\":\"participants\",\"row_id\":\"%s\",\"township_code\":\"%s\",\"winner\":\"server\","
                          "\"values\":\"{\\\"phone\\\":\\\"13985550123\\\"}\",\"loser_account\":\"zhelou\",\"loser_hlc\":%" G_GINT64_FORMAT ","
                          "\"winner_account\":\"wei.trainer\",\"winner_hlc\":%" G_GINT64_FORMAT ",\"created_at\":%" G_GINT64_FORMAT ","
                          "\"resolved\":0}",
                          uuid, p->township_code, (now - 7200000) << 16, (now - 3600000) << 16, now - 3000000);
  {
    g_autofree char *refusal = NULL;
    sqlite3_stmt *stmt;

    st_db_set_applying_remote (db, TRUE);
    stmt = st_db_prepare (db, "INSERT INTO review_items (id, hlc, device, tbl, row_id, township_code, created_at, data)"
                              " VALUES ('0192f7d0-0000-7000-8000-000000000001', 1, 'server', 'participants', ?, ?, ?, ?)", &error);
    sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, p->township_code, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 3, now - 3000000);
    sqlite3_bind_text (stmt, 4, data, -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_reset (stmt);
    st_db_set_applying_remote (db, FALSE);
    refusal = g_strdup_printf ("INSERT INTO sync_refusals (at, seq, tbl, row_id, township_code, status, code, message, label)"
                                                " VALUES (%" G_GINT64_FORMAT ", 1, 'participants', 'x', '522327104000', 403, 'out_of_scope',"
                                                " 'Township 522327104000 is outside this account''s scope.', '韦小宝')", now - 1800000);

    g_assert_true (st_db_exec (db, refusal, &error));
  }

  window = open_window (db, 1280, 720);
  button = st_window_get_sync_button (window);
  gtk_menu_button_popup (GTK_MENU_BUTTON (gtk_widget_get_first_child (GTK_WIDGET (button))));
  wait_until (mapped, st_sync_button_get_popover (button));
  save_screen (GTK_WIDGET (window), "sync");
  gtk_popover_popdown (st_sync_button_get_popover (button));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.review", NULL);
  wait_until (mapped, st_sync_button_get_review_window (button));
  {
    GtkWidget *review = GTK_WIDGET (st_sync_button_get_review_window (button));

    st_review_window_expand (ST_REVIEW_WINDOW (review), 0);
    save (review, "sync-review");
    gtk_window_destroy (GTK_WINDOW (review));
  }

  /* Sync by File…: ready to export, then a bundle opened. */
  {
    g_autofree char *dir = g_dir_make_tmp ("shuangti-screenshots-XXXXXX", NULL);
    g_autofree char *file = g_build_filename (dir, "zhelou-village.stbundle", NULL);
    g_autoptr(GBytes) bundle = NULL;
    StBundleDialog *dialog;
    GtkWidget *open_row;

    g_assert_true (st_bundle_ensure_keys (db, &error));
    g_assert_true (st_db_set_meta (db, "bundle.key_server", "https://shuangti.ceheng.example.gov.cn", &error));
    bundle = st_bundle_export (db, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_file_set_contents (file, g_bytes_get_data (bundle, NULL), g_bytes_get_size (bundle), &error));
    dialog = st_bundle_dialog_new (GTK_WINDOW (window), db, st_window_get_sync_controller (window));
    gtk_window_present (GTK_WINDOW (dialog));
    wait_until (mapped, dialog);
    save (GTK_WIDGET (dialog), "sync-by-file");
    open_row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), ST_TYPE_BUNDLE_DIALOG, "open_row"));
    gtk_editable_set_text (GTK_EDITABLE (open_row), file);
    gtk_widget_activate_action (GTK_WIDGET (dialog), "bundle.open", NULL);
    settle (300);
    save (GTK_WIDGET (dialog), "sync-by-file-bundle");
    gtk_window_destroy (GTK_WINDOW (dialog));
    g_unlink (file);
    g_rmdir (dir);
  }

  g_assert_true (st_db_set_meta (db, "sync.account", NULL, &error));
  g_assert_true (st_db_set_meta (db, "sync.token", NULL, &error));
  {
    g_autoptr(GSettings) settings = st_application_settings_new ();
    StSignInDialog *dialog = st_sign_in_dialog_new (GTK_WINDOW (window), st_window_get_sync_controller (window), settings);

    gtk_window_present (GTK_WINDOW (dialog));
    wait_until (mapped, dialog);
    save (GTK_WIDGET (dialog), "sync-sign-in");
    /* A name that does not resolve: what is wrong, and what to do. */
    gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), ST_TYPE_SIGN_IN_DIALOG, "server_row")),
                           "https://shuangti.nonexistent.invalid");
    gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), ST_TYPE_SIGN_IN_DIALOG, "user_row")),
                           "ceheng");
    gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), ST_TYPE_SIGN_IN_DIALOG, "password_row")),
                           "password");
    gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.sign-in", NULL);
    wait_until (label_shown, gtk_widget_get_template_child (GTK_WIDGET (dialog), ST_TYPE_SIGN_IN_DIALOG, "error_label"));
    save (GTK_WIDGET (dialog), "sync-sign-in-error");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
progress_ready (gpointer data)
{
  return st_class_view_is_progress_ready (data);
}

/* The Classes page: a class with a few sessions behind it, its progress,
 * the attendance sheet being taken, and study hours for the class. */
static void
shoot_classes (StWindow *window,
               StDb     *db)
{
  StClassesPage *page = st_window_get_classes_page (window);
  g_autoptr(GPtrArray) classes = st_class_list (db, NULL, NULL);
  StClass *klass = NULL;
  g_autofree char *last = NULL;
  StAttendanceSheet *sheet;
  static const char *const subjects[] = { "literacy", "skill", "mandarin", "skill" };

  for (guint i = 0; i < classes->len; i++)
    if (strstr (((StClass *) g_ptr_array_index (classes, i))->name, "种植") != NULL)
      klass = g_ptr_array_index (classes, i);
  g_assert_nonnull (klass);
  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++)
    {
      g_autoptr(StSession) s = g_new0 (StSession, 1);
      g_autoptr(GError) error = NULL;

      s->class_id = g_strdup (klass->id);
      s->date = g_strdup_printf ("2024-0%u-12", i + 3);
      s->minutes = 480;
      s->mode = g_strdup ("concentrated");
      s->subject = g_strdup (subjects[i]);
      s->trainer = g_strdup ("韦老师");
      s->place = g_strdup ("者楼村委会");
      g_assert_true (st_session_create (db, s, &error));
      if (i + 1 < G_N_ELEMENTS (subjects))
        g_assert_cmpint (st_attendance_fill_present (db, s->id, &error), >, 0);
      g_free (last);
      last = g_strdup (s->id);
    }
  g_assert_cmpint (st_study_log_add_for_class (db, klass->id, &(StStudyHours) { "2024-03-31", 20 * 60, "self", NULL },
                                               NULL, NULL), >, 0);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "classes");
  settle (300);
  gtk_widget_activate_action (GTK_WIDGET (page), "classes.open-class", "s", klass->id);
  wait_until (progress_ready, st_classes_page_get_class_view (page));
  /* Rows for the whole class are laid out first. */
  settle (700);
  save (GTK_WIDGET (window), "class");

  /* The trainer's keys: ↓ Space (absent), ↓ ↓ L (leave), ↓ 2 4 0 Enter. */
  gtk_widget_activate_action (GTK_WIDGET (page), "classes.open-session", "s", last);
  sheet = st_classes_page_get_sheet (page);
  {
    const guint keys[] = { GDK_KEY_Down, GDK_KEY_space, GDK_KEY_Down, GDK_KEY_Down, GDK_KEY_l, GDK_KEY_Down,
                           GDK_KEY_2, GDK_KEY_4, GDK_KEY_0, GDK_KEY_Return };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      st_attendance_sheet_handle_key (sheet, keys[i], 0);
  }
  save (GTK_WIDGET (window), "attendance");
  gtk_window_set_default_size (GTK_WINDOW (window), 683, 720);
  settle (500);
  save (GTK_WIDGET (window), "attendance-narrow");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  settle (300);
  gtk_widget_activate_action (GTK_WIDGET (sheet), "sheet.save", NULL);
  gtk_widget_activate_action (GTK_WIDGET (page), "classes.back", NULL);

  gtk_widget_activate_action (GTK_WIDGET (page), "classes.study-hours", NULL);
  {
    GtkWindow *dialog = st_classes_page_get_dialog (page);
    GPtrArray *enrolments = st_class_view_get_enrolments (st_classes_page_get_class_view (page));
    guint unchecked = 0;

    st_records_dialog_set_date (ST_RECORDS_DIALOG (dialog), "2024-06-30");
    for (guint i = 1; i < enrolments->len && unchecked < 3; i += 3)
      unchecked += st_records_dialog_set_checked (ST_RECORDS_DIALOG (dialog),
                                                  ((StEnrolment *) g_ptr_array_index (enrolments, i))->participant_id,
                                                  FALSE);
    wait_until (mapped, dialog);
    save (GTK_WIDGET (dialog), "bulk-hours");
    gtk_window_destroy (dialog);
  }
  st_class_view_show_tab (st_classes_page_get_class_view (page), "sessions");
  save (GTK_WIDGET (window), "class-sessions");
  gtk_widget_activate_action (GTK_WIDGET (page), "classes.enrol", NULL);
  {
    StEnrolDialog *dialog = ST_ENROL_DIALOG (st_classes_page_get_dialog (page));

    st_enrol_dialog_search (dialog, "wx");
    wait_until (mapped, dialog);
    save (GTK_WIDGET (dialog), "enrol");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  gtk_widget_activate_action (GTK_WIDGET (page), "classes.back", NULL);
  gtk_widget_activate_action (GTK_WIDGET (page), "classes.new-class", NULL);
  wait_until (mapped, st_classes_page_get_dialog (page));
  save (GTK_WIDGET (st_classes_page_get_dialog (page)), "new-class");
  gtk_window_destroy (st_classes_page_get_dialog (page));
}

/* The pages of a county's demo: Participants searched, Overview, the
 * lists it opens, Classes, Reports, Graduation (wide and narrow). */
static void
shoot_pages (StWindow *window)
{
  show_page (window, "participants", "participants");
  gtk_editable_set_text (st_participants_page_get_search_entry (st_window_get_participants_page (window)), "wxy");
  st_participants_page_search_now (st_window_get_participants_page (window));
  save (GTK_WIDGET (window), "participants-search");
  gtk_editable_set_text (st_participants_page_get_search_entry (st_window_get_participants_page (window)), "");
  st_participants_page_search_now (st_window_get_participants_page (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "overview");
  wait_until (overview_loaded, st_window_get_overview_page (window));
  save (GTK_WIDGET (window), "overview");
  /* A whole 1366×768 screen: the townships' table, every column. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  settle (500);
  scroll_to_end (GTK_WIDGET (window));
  save (GTK_WIDGET (window), "overview-1366");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  settle (300);
  /* "Needs attention": a row opens the list it counts. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-list", "s", "no-session");
  settle (500);
  save (GTK_WIDGET (window), "classes-no-session");
  st_classes_page_show_only (st_window_get_classes_page (window), NULL, NULL);
  show_page (window, "classes", "classes");
  /* A quarter the demo county was busy in. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "reports");
  st_reports_page_set_quarter (st_window_get_reports_page (window), "2025Q3");
  settle (100);
  wait_until (reports_loaded, st_window_get_reports_page (window));
  save (GTK_WIDGET (window), "reports");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "graduation");
  wait_until (graduation_loaded, st_window_get_graduation_page (window));
  save (GTK_WIDGET (window), "graduation");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-list", "s", "near-end");
  settle (300);
  save (GTK_WIDGET (window), "graduation-near-end");
  gtk_window_set_default_size (GTK_WINDOW (window), 683, 720);
  /* Rows selected: the selection's count beside the buttons. */
  st_graduation_page_filter_state (st_window_get_graduation_page (window), NULL);
  gtk_selection_model_select_all (gtk_column_view_get_model (st_graduation_page_get_column_view (st_window_get_graduation_page (window))));
  settle (500);
  save (GTK_WIDGET (window), "graduation-narrow");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  st_graduation_page_filter_state (st_window_get_graduation_page (window), NULL);
  settle (300);
}

/* County staff: those who can be approved, selected, and the question;
 * then the assessment sheet. */
static void
shoot_approval (StWindow *window)
{
  StGraduationPage *page = st_window_get_graduation_page (window);

  st_graduation_page_filter_state (page, "eligible");
  gtk_widget_activate_action (GTK_WIDGET (page), "graduation.select-approvable", NULL);
  save (GTK_WIDGET (window), "graduation-selected");
  gtk_widget_activate_action (GTK_WIDGET (page), "graduation.approve", NULL);
  settle (300);
  /* The demo's dates move with today: some days nobody can be approved. */
  if (st_graduation_page_get_confirmation (page) != NULL)
    {
      wait_until (mapped, st_graduation_page_get_confirmation (page));
      save (GTK_WIDGET (st_graduation_page_get_confirmation (page)), "graduation-approve");
      adw_message_dialog_response (st_graduation_page_get_confirmation (page), "approve");
      settle (300);
      save (GTK_WIDGET (window), "graduation-approved");
    }
  else
    g_message ("Nobody can be approved in the demo today: no approval screenshots.");
  st_graduation_page_filter_state (page, NULL);
  gtk_widget_activate_action (GTK_WIDGET (page), "graduation.assess", NULL);
  wait_until (mapped, st_graduation_page_get_assessment_sheet (page));
  {
    GtkListBox *rows = st_assessment_sheet_get_list_box (ST_ASSESSMENT_SHEET (st_graduation_page_get_assessment_sheet (page)));
    guint i = 0;

    /* A few marked by keyboard, as a clerk would. */
    for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (rows)); row && i < 6;
         row = gtk_widget_get_next_sibling (row), i++)
      st_assessment_row_set_result (ST_ASSESSMENT_ROW (row), i == 3 ? "fail" : "pass");
  }
  save (GTK_WIDGET (st_graduation_page_get_assessment_sheet (page)), "assessment-sheet");
  gtk_window_destroy (st_graduation_page_get_assessment_sheet (page));
}

/* One participant, and one whose ID number is being mistyped. */
static void
shoot_participant (StWindow      *window,
                   StParticipant *edited)
{
  StParticipantEditor *editor;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-participant", "s", edited->id);
  editor = st_window_get_editor (window);
  wait_until (mapped, editor);
  save (GTK_WIDGET (editor), "participant");
  scroll_to_end (GTK_WIDGET (editor));
  save (GTK_WIDGET (editor), "participant-history");
  gtk_window_destroy (GTK_WINDOW (editor));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-participant", "s", edited->id);
  editor = st_window_get_editor (window);
  wait_until (mapped, editor);
  {
    g_autofree char *wrong = g_strdup (edited->id_number);

    wrong[16] = wrong[16] == '1' ? '2' : '1';
    gtk_editable_set_text (st_participant_editor_get_id_number_entry (editor), wrong);
    save (GTK_WIDGET (editor), "participant-invalid-id");
  }
  gtk_window_destroy (GTK_WINDOW (editor));
}

/* Importing the messy test roster: the preview, then the summary. */
static void
shoot_import (StWindow   *window,
              const char *roster)
{
  StImportWindow *import;

  st_window_import_file (window, roster);
  import = st_window_get_import_window (window);
  wait_until (mapped, import);
  save (GTK_WIDGET (import), "import-preview");
  gtk_widget_activate_action (GTK_WIDGET (import), "import.start", NULL);
  wait_until (import_finished, import);
  save (GTK_WIDGET (import), "import-summary");
  gtk_widget_activate_action (GTK_WIDGET (import), "import.show-list", "s", "rejects");
  save (GTK_WIDGET (import), "import-rejects");
  gtk_widget_activate_action (GTK_WIDGET (import), "import.back", NULL);
  gtk_widget_activate_action (GTK_WIDGET (import), "import.resolve", NULL);
  save (GTK_WIDGET (import), "import-conflict");
  gtk_window_destroy (GTK_WINDOW (import));

}

/* Preferences, as a township office sets them. */
static void
shoot_preferences (StDb *db)
{
  StWindow *window = open_window (db, 1280, 720);
  StPreferencesWindow *preferences;

  {
    g_autoptr(GSettings) settings = st_application_settings_new ();

    if (settings != NULL)
      {
        const char *townships[] = { "522327104000", NULL };

        g_settings_set_string (settings, "server-url", "https://shuangti.ceheng.example.gov.cn");
        /* The local role, as a township office would set it. */
        g_settings_set_string (settings, "local-role", "township");
        g_settings_set_strv (settings, "local-townships", townships);
      }
    preferences = st_preferences_window_new (GTK_WINDOW (window), st_db_get_path (db), settings);
    st_preferences_window_set_role (preferences, st_window_get_role (window), st_window_get_divisions (window));
  }
  gtk_window_present (GTK_WINDOW (preferences));
  wait_until (mapped, preferences);
  save (GTK_WIDGET (preferences), "preferences");
  scroll_to_end (GTK_WIDGET (preferences));
  save (GTK_WIDGET (preferences), "preferences-role");
  {
    g_autoptr(GSettings) settings = st_application_settings_new ();

    if (settings != NULL)
      {
        g_settings_reset (settings, "local-role");
        g_settings_reset (settings, "local-townships");
      }
  }
  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (window));

}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *empty_path = NULL;
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDb) empty = NULL;
  g_autoptr(StParticipant) edited = NULL;
  StWindow *window;
  const char *localedir = g_getenv ("ST_LOCALEDIR");

  /* The screenshots show sync without a server: no automatic attempts. */
  g_setenv ("ST_SYNC_AUTOMATIC", "0", TRUE);
  g_setenv ("ST_TOKEN_STORE", "database", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc != 3)
    {
      g_printerr ("usage: %s OUTDIR ROSTER.csv\n", argv[0]);
      return 2;
    }
  outdir = argv[1];
  g_mkdir_with_parents (outdir, 0755);

  gtk_init ();
  adw_init ();
  {
    /* What AdwApplication loads for the app itself. */
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/shuangti/Shuangti/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  dir = g_dir_make_tmp ("shuangti-screenshots-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "demo.db", NULL);
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  st_db_set_actor (db, "韦干事");
  g_assert_true (st_app_demo_prepare (db, &error));
  /* Classes with their hours, so that graduation, reports and overview
   * have something to say; nothing approved yet in half the townships. */
  {
    StDemoTrainingOptions training = { NULL, TRUE, TRUE, 40, FALSE, 1 };

    g_assert_true (st_demo_populate_training (db, 7, &training, &error));
  }

  /* A participant with a history: registered, then the phone corrected. */
  edited = st_participant_load (db, uuid_of (db, "者楼街道", 3), &error);
  g_free (edited->phone);
  edited->phone = g_strdup ("13908591234");
  g_assert_true (st_participant_update (db, edited, &error));

  /* The pages, at the size of a 1366×768 laptop's window. */
  window = open_window (db, 1280, 720);
  shoot_pages (window);
  shoot_approval (window);
  /* A fresh window: the approval's toast would show on the next pages. */
  gtk_window_destroy (GTK_WINDOW (window));
  window = open_window (db, 1280, 720);
  shoot_classes (window, db);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "participants");

  /* Half the laptop's width. */
  gtk_window_set_default_size (GTK_WINDOW (window), 683, 720);
  settle (500);
  save (GTK_WIDGET (window), "narrow");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  settle (300);

  shoot_participant (window, edited);
  shoot_visits (window, edited->id);

  shoot_import (window, argv[2]);
  gtk_window_destroy (GTK_WINDOW (window));
  shoot_preferences (db);

  sync_screenshots (db);

  /* What a new user sees. */
  empty_path = g_build_filename (dir, "empty.db", NULL);
  empty = st_db_open (empty_path, &error);
  g_assert_no_error (error);
  window = open_window (empty, 1280, 720);
  save (GTK_WIDGET (window), "empty");
  gtk_window_destroy (GTK_WINDOW (window));
  settle (100);

  g_clear_object (&db);
  g_clear_object (&empty);
  {
    const char *files[] = { "demo.db", "demo.db-wal", "demo.db-shm", "empty.db", "empty.db-wal", "empty.db-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *f = g_build_filename (dir, files[i], NULL);
        g_remove (f);
      }
    g_rmdir (dir);
  }
  return 0;
}
