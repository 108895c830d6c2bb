/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "st-attendance-sheet-private.h"
#include "st-class-util.h"
#include "st-classwork.h"
#include "st-records.h"

struct _StAttendanceSheet
{
  GtkWidget      parent_instance;

  GtkWidget     *box;
  GtkLabel      *title_label;
  GtkLabel      *subtitle_label;
  GtkMenuButton *signin_button;
  GtkLabel      *count_label;
  GtkLabel      *detail_label;
  GtkLabel      *state_label;
  GtkListBox    *list_box;

  StDb          *db;
  StSession     *session;
  GPtrArray     *entries;   /* StAttendanceEntry */
  GPtrArray     *rows;      /* StAttendanceRow, one reference each */
  guint          n_appended;  /* the first rows, in the list box */
  guint          append_source;
  guint          cursor;
  int            typing;    /* minutes being typed, or -1 */
  gboolean       dirty;
};

G_DEFINE_FINAL_TYPE (StAttendanceSheet, st_attendance_sheet, GTK_TYPE_WIDGET)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
update_counts (StAttendanceSheet *self)
{
  guint present = 0, absent = 0, leave = 0, partial = 0;
  g_autofree char *count = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);

  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    {
      StAttendanceEntry *e = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (e->status, "present") == 0)
        {
          present++;
          partial += e->minutes < self->session->minutes;
        }
      else if (g_strcmp0 (e->status, "absent") == 0)
        absent++;
      else if (g_strcmp0 (e->status, "leave") == 0)
        leave++;
    }
  /* Translators: the running count of the attendance sheet, "38 / 40 present" */
  count = g_strdup_printf (_("%u / %u present"), present, self->entries ? self->entries->len : 0);
  gtk_label_set_text (self->count_label, count);
  /* Translators: parts of "2 absent · 1 on leave · 1 partly" */
  g_string_append_printf (detail, _("%u absent"), absent);
  g_string_append (detail, " · ");
  g_string_append_printf (detail, _("%u on leave"), leave);
  if (partial > 0)
    {
      g_string_append (detail, " · ");
      g_string_append_printf (detail, _("%u partly"), partial);
    }
  gtk_label_set_text (self->detail_label, detail->str);

  gtk_label_set_text (self->state_label, self->dirty ? _("Not saved") : _("Saved"));
  if (self->dirty)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "success");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "warning");
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sheet.save",
                                 self->entries != NULL && self->db != NULL && !st_db_is_read_only (self->db));
}

static void
on_row_changed (StAttendanceSheet *self)
{
  self->dirty = TRUE;
  update_counts (self);
}

static StAttendanceRow *
current_row (StAttendanceSheet *self)
{
  if (self->rows == NULL || self->cursor >= self->rows->len)
    return NULL;
  return g_ptr_array_index (self->rows, self->cursor);
}

static void
commit_typing (StAttendanceSheet *self)
{
  StAttendanceRow *row = current_row (self);
  int typed = self->typing;

  if (typed < 0 || row == NULL)
    return;
  self->typing = -1;
  st_attendance_row_set_typing (row, -1);
  st_attendance_row_set (row, "present", MIN (typed, self->session->minutes));
}

static void
cancel_typing (StAttendanceSheet *self)
{
  StAttendanceRow *row = current_row (self);

  self->typing = -1;
  if (row != NULL)
    st_attendance_row_set_typing (row, -1);
}

/* The rows are made at once and put into the list a few at a time, the
 * first screenful first: the first frame of a sheet of 40 (a spin button
 * and three toggles each) took 0.4 s of styling and measuring. Anything
 * that needs a row past those in the list puts the rest in at once. */
#define FIRST_ROWS 12
#define MORE_ROWS 6

static void
append_rows (StAttendanceSheet *self,
             guint              n)
{
  for (guint i = 0; self->rows != NULL && i < n && self->n_appended < self->rows->len; i++)
    gtk_list_box_append (self->list_box, g_ptr_array_index (self->rows, self->n_appended++));
}

static gboolean
append_more (gpointer data)
{
  StAttendanceSheet *self = data;

  append_rows (self, MORE_ROWS);
  if (self->rows != NULL && self->n_appended < self->rows->len)
    return G_SOURCE_CONTINUE;
  self->append_source = 0;
  return G_SOURCE_REMOVE;
}

static void
ensure_appended (StAttendanceSheet *self)
{
  g_clear_handle_id (&self->append_source, g_source_remove);
  append_rows (self, G_MAXUINT);
}

static void
move_to (StAttendanceSheet *self,
         int                index)
{
  StAttendanceRow *row;

  if (self->rows == NULL || self->rows->len == 0)
    return;
  commit_typing (self);
  self->cursor = CLAMP (index, 0, (int) self->rows->len - 1);
  if (self->cursor >= self->n_appended)
    ensure_appended (self);
  row = current_row (self);
  gtk_list_box_select_row (self->list_box, GTK_LIST_BOX_ROW (row));
  if (gtk_widget_get_mapped (GTK_WIDGET (row)))
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

/* The current row and its entry, about to be marked by a key (what was
 * being typed into its minutes is dropped); NULL when there is none. */
static StAttendanceRow *
row_to_mark (StAttendanceSheet  *self,
             StAttendanceEntry **entry)
{
  StAttendanceRow *row = current_row (self);

  if (row == NULL)
    return NULL;
  cancel_typing (self);
  *entry = st_attendance_row_get_entry (row);
  return row;
}

static void
toggle (StAttendanceSheet *self)
{
  StAttendanceEntry *e;
  StAttendanceRow *row = row_to_mark (self, &e);

  if (row == NULL)
    return;
  if (g_strcmp0 (e->status, "present") == 0)
    st_attendance_row_set (row, "absent", 0);
  else
    st_attendance_row_set (row, "present", -1);
}

static void
set_current (StAttendanceSheet *self,
             const char        *status)
{
  StAttendanceEntry *e;
  StAttendanceRow *row = row_to_mark (self, &e);

  if (row == NULL)
    return;
  /* L twice puts someone back. */
  if (g_str_equal (status, "leave") && g_strcmp0 (e->status, "leave") == 0)
    status = "present";
  st_attendance_row_set (row, status, -1);
}

static void
type_digit (StAttendanceSheet *self,
            int                digit)
{
  StAttendanceRow *row = current_row (self);

  if (row == NULL)
    return;
  self->typing = MIN ((self->typing < 0 ? 0 : self->typing) * 10 + digit, 9999);
  st_attendance_row_set_typing (row, MIN (self->typing, self->session->minutes));
}

static void
erase_digit (StAttendanceSheet *self)
{
  StAttendanceRow *row = current_row (self);

  if (row == NULL || self->typing < 0)
    return;
  self->typing /= 10;
  st_attendance_row_set_typing (row, self->typing);
}

static void
confirm (StAttendanceSheet *self)
{
  commit_typing (self);
  move_to (self, self->cursor + 1);
}

gboolean
st_attendance_sheet_handle_key (StAttendanceSheet *self,
                                guint              keyval,
                                GdkModifierType    state)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  gboolean editing = focus != NULL && GTK_IS_TEXT (focus);

  g_return_val_if_fail (ST_IS_ATTENDANCE_SHEET (self), FALSE);

  if (self->entries == NULL || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Up: case GDK_KEY_KP_Up:
      move_to (self, (int) self->cursor - 1);
      return TRUE;
    case GDK_KEY_Down: case GDK_KEY_KP_Down:
      move_to (self, self->cursor + 1);
      return TRUE;
    case GDK_KEY_Page_Up: case GDK_KEY_KP_Page_Up:
      move_to (self, (int) self->cursor - 10);
      return TRUE;
    case GDK_KEY_Page_Down: case GDK_KEY_KP_Page_Down:
      move_to (self, self->cursor + 10);
      return TRUE;
    default:
      break;
    }
  /* Typing into a minutes box clicked with the mouse is left to it. */
  if (editing)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Home: case GDK_KEY_KP_Home:
      move_to (self, 0);
      return TRUE;
    case GDK_KEY_End: case GDK_KEY_KP_End:
      move_to (self, (int) self->rows->len - 1);
      return TRUE;
    case GDK_KEY_space: case GDK_KEY_KP_Space:
      toggle (self);
      return TRUE;
    case GDK_KEY_l: case GDK_KEY_L:
      set_current (self, "leave");
      return TRUE;
    case GDK_KEY_a: case GDK_KEY_A:
      set_current (self, "absent");
      return TRUE;
    case GDK_KEY_p: case GDK_KEY_P:
      set_current (self, "present");
      return TRUE;
    case GDK_KEY_BackSpace:
      erase_digit (self);
      return TRUE;
    case GDK_KEY_Return: case GDK_KEY_KP_Enter: case GDK_KEY_ISO_Enter:
      confirm (self);
      return TRUE;
    case GDK_KEY_Escape:
      if (self->typing < 0)
        return FALSE;
      cancel_typing (self);
      return TRUE;
    default:
      break;
    }
  if (keyval >= GDK_KEY_0 && keyval <= GDK_KEY_9)
    {
      type_digit (self, keyval - GDK_KEY_0);
      return TRUE;
    }
  if (keyval >= GDK_KEY_KP_0 && keyval <= GDK_KEY_KP_9)
    {
      type_digit (self, keyval - GDK_KEY_KP_0);
      return TRUE;
    }
  return FALSE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                StAttendanceSheet     *self)
{
  return st_attendance_sheet_handle_key (self, keyval, state);
}

static void
on_row_selected (StAttendanceSheet *self,
                 GtkListBoxRow     *row)
{
  guint index;

  if (row == NULL || self->rows == NULL || !g_ptr_array_find (self->rows, row, &index) || index == self->cursor)
    return;
  commit_typing (self);
  self->cursor = index;
}

static void
key_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  StAttendanceSheet *self = ST_ATTENDANCE_SHEET (widget);

  if (self->entries == NULL)
    return;
  if (g_str_equal (action_name, "sheet.toggle"))
    toggle (self);
  else if (g_str_equal (action_name, "sheet.leave"))
    set_current (self, "leave");
  else if (g_str_equal (action_name, "sheet.absent"))
    set_current (self, "absent");
  else if (g_str_equal (action_name, "sheet.present"))
    set_current (self, "present");
  else if (g_str_equal (action_name, "sheet.confirm"))
    confirm (self);
  else if (g_str_equal (action_name, "sheet.next"))
    move_to (self, self->cursor + 1);
  else if (g_str_equal (action_name, "sheet.previous"))
    move_to (self, (int) self->cursor - 1);
  else if (g_str_equal (action_name, "sheet.digit"))
    type_digit (self, CLAMP (g_variant_get_int32 (parameter), 0, 9));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StAttendanceSheet *self = ST_ATTENDANCE_SHEET (widget);
  g_autoptr(GError) error = NULL;

  if (!st_attendance_sheet_save (self, &error))
    {
      GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      if (overlay != NULL)
        {
          AdwToast *toast = adw_toast_new (escaped);

          adw_toast_set_timeout (toast, 10);
          adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
        }
      g_warning ("Could not save the attendance sheet: %s", error->message);
    }
}

gboolean
st_attendance_sheet_save (StAttendanceSheet  *self,
                          GError            **error)
{
  g_return_val_if_fail (ST_IS_ATTENDANCE_SHEET (self), FALSE);

  if (self->entries == NULL)
    return TRUE;
  commit_typing (self);
  if (!st_attendance_save_sheet (self->db, self->session->id, self->entries, error))
    return FALSE;
  self->dirty = FALSE;
  update_counts (self);
  g_signal_emit (self, signals[SAVED], 0);
  return TRUE;
}

static void
clear (StAttendanceSheet *self)
{
  GtkWidget *child;

  g_clear_handle_id (&self->append_source, g_source_remove);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  self->n_appended = 0;
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->session, st_session_free);
  self->cursor = 0;
  self->typing = -1;
  self->dirty = FALSE;
}

gboolean
st_attendance_sheet_load (StAttendanceSheet  *self,
                          StDb               *db,
                          const char         *session_id,
                          GError            **error)
{
  g_autoptr(StSession) session = NULL;
  g_autoptr(StClass) klass = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) print = NULL;
  g_autoptr(GMenuItem) pdf = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *hours = NULL;

  g_return_val_if_fail (ST_IS_ATTENDANCE_SHEET (self), FALSE);

  session = st_session_load (db, session_id, error);
  if (session == NULL)
    return FALSE;
  klass = st_class_load (db, session->class_id, error);
  if (klass == NULL)
    return FALSE;
  entries = st_attendance_load_sheet (db, session_id, error);
  if (entries == NULL)
    return FALSE;

  clear (self);
  g_set_object (&self->db, db);
  self->session = g_steal_pointer (&session);
  self->entries = g_steal_pointer (&entries);
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_label_set_text (self->title_label, klass->name);
  /* In hours, as everywhere (90 minutes: "1.5 hours"). */
  hours = st_class_format_hours_text (self->session->minutes);
  subtitle = g_strdup_printf ("%s · %s · %s · %s", self->session->date, hours,
                              st_session_mode_to_display (self->session->mode),
                              st_session_subject_to_display (self->session->subject));
  gtk_label_set_text (self->subtitle_label, subtitle);

  for (guint i = 0; i < self->entries->len; i++)
    {
      StAttendanceEntry *e = g_ptr_array_index (self->entries, i);
      StAttendanceRow *row;

      /* Everyone is present until marked otherwise. */
      if (e->status == NULL)
        {
          e->status = g_strdup ("present");
          e->minutes = self->session->minutes;
          self->dirty = TRUE;
        }
      row = g_object_ref_sink (st_attendance_row_new (e, i + 1, self->session->minutes));
      g_signal_connect_object (row, "changed", G_CALLBACK (on_row_changed), self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->rows, row);
    }
  append_rows (self, FIRST_ROWS);
  if (self->n_appended < self->rows->len)
    self->append_source = g_idle_add_full (G_PRIORITY_LOW, append_more, self, NULL);
  if (self->rows->len > 0)
    gtk_list_box_select_row (self->list_box, g_ptr_array_index (self->rows, 0));

  print = g_menu_item_new (_("_Print Sign-in Sheet…"), NULL);
  g_menu_item_set_action_and_target_value (print, "classes.print-signin", g_variant_new_string (self->session->id));
  g_menu_append_item (menu, print);
  pdf = g_menu_item_new (_("Save Sign-in Sheet as _PDF…"), NULL);
  g_menu_item_set_action_and_target_value (pdf, "classes.save-signin", g_variant_new_string (self->session->id));
  g_menu_append_item (menu, pdf);
  gtk_menu_button_set_menu_model (self->signin_button, G_MENU_MODEL (menu));

  update_counts (self);
  return TRUE;
}

void
st_attendance_sheet_focus (StAttendanceSheet *self)
{
  g_return_if_fail (ST_IS_ATTENDANCE_SHEET (self));
  move_to (self, self->cursor);
}

const char *
st_attendance_sheet_get_session_id (StAttendanceSheet *self)
{
  g_return_val_if_fail (ST_IS_ATTENDANCE_SHEET (self), NULL);
  return self->session ? self->session->id : NULL;
}

gboolean
st_attendance_sheet_get_dirty (StAttendanceSheet *self)
{
  return self->dirty;
}

guint
st_attendance_sheet_get_present (StAttendanceSheet *self)
{
  guint present = 0;

  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    present += g_strcmp0 (((StAttendanceEntry *) g_ptr_array_index (self->entries, i))->status, "present") == 0;
  return present;
}

guint
st_attendance_sheet_get_total (StAttendanceSheet *self)
{
  return self->entries ? self->entries->len : 0;
}

GtkLabel *
st_attendance_sheet_get_count_label (StAttendanceSheet *self)
{
  return self->count_label;
}

StAttendanceRow *
st_attendance_sheet_get_row (StAttendanceSheet *self,
                             guint              index)
{
  g_return_val_if_fail (self->rows != NULL && index < self->rows->len, NULL);
  if (index >= self->n_appended)
    ensure_appended (self);
  return g_ptr_array_index (self->rows, index);
}

guint
st_attendance_sheet_get_cursor (StAttendanceSheet *self)
{
  return self->cursor;
}

static void
st_attendance_sheet_dispose (GObject *object)
{
  StAttendanceSheet *self = ST_ATTENDANCE_SHEET (object);

  g_clear_handle_id (&self->append_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_ATTENDANCE_SHEET);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->session, st_session_free);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (st_attendance_sheet_parent_class)->dispose (object);
}

static void
st_attendance_sheet_class_init (StAttendanceSheetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *const keys[] = { "sheet.toggle", "sheet.leave", "sheet.absent", "sheet.present",
                                      "sheet.confirm", "sheet.next", "sheet.previous" };

  object_class->dispose = st_attendance_sheet_dispose;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-attendance-sheet.ui");
  gtk_widget_class_bind_template_child (widget_class, StAttendanceSheet, box);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceSheet, title_label);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceSheet, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceSheet, signin_button);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceSheet, count_label);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceSheet, detail_label);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceSheet, state_label);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceSheet, list_box);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_install_action (widget_class, keys[i], NULL, key_action);
  gtk_widget_class_install_action (widget_class, "sheet.digit", "i", key_action);
  gtk_widget_class_install_action (widget_class, "sheet.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "sheet.save", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
st_attendance_sheet_init (StAttendanceSheet *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->typing = -1;

  /* Before the rows and their buttons: Space and Enter mean the sheet's
   * keys wherever the focus is on it. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_box), keys);
  g_signal_connect_object (self->list_box, "row-selected", G_CALLBACK (on_row_selected), self, G_CONNECT_SWAPPED);
  update_counts (self);
}
