/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-attendance-row.h"
#include "st-idcard.h"

struct _StAttendanceRow
{
  GtkListBoxRow      parent_instance;

  GtkLabel          *number_label;
  GtkLabel          *name_label;
  GtkLabel          *detail_label;
  GtkToggleButton   *present_button;
  GtkToggleButton   *absent_button;
  GtkToggleButton   *leave_button;
  GtkSpinButton     *minutes_spin;
  GtkAdjustment     *minutes_adjustment;

  StAttendanceEntry *entry;
  int                session_minutes;
  gboolean           updating;
};

G_DEFINE_FINAL_TYPE (StAttendanceRow, st_attendance_row, GTK_TYPE_LIST_BOX_ROW)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
show_entry (StAttendanceRow *self)
{
  const char *status = self->entry->status;
  g_autofree char *description = NULL;

  self->updating = TRUE;
  gtk_toggle_button_set_active (self->present_button, g_strcmp0 (status, "present") == 0);
  gtk_toggle_button_set_active (self->absent_button, g_strcmp0 (status, "absent") == 0);
  gtk_toggle_button_set_active (self->leave_button, g_strcmp0 (status, "leave") == 0);
  gtk_spin_button_set_value (self->minutes_spin, self->entry->minutes);
  gtk_widget_set_sensitive (GTK_WIDGET (self->minutes_spin), g_strcmp0 (status, "present") == 0);
  self->updating = FALSE;

  if (g_strcmp0 (status, "present") == 0 && self->entry->minutes < self->session_minutes)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "partial");
      /* Translators: "<name>: present for 90 of 120 minutes" (for screen readers) */
      description = g_strdup_printf (ngettext ("%s: present for %d of %d minute",
                                               "%s: present for %d of %d minutes", self->session_minutes),
                                     self->entry->name, self->entry->minutes, self->session_minutes);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "partial");
      if (g_strcmp0 (status, "absent") == 0)
        description = g_strdup_printf (_("%s: absent"), self->entry->name);
      else if (g_strcmp0 (status, "leave") == 0)
        description = g_strdup_printf (_("%s: on leave"), self->entry->name);
      else
        description = g_strdup_printf (_("%s: present"), self->entry->name);
    }
  if (g_strcmp0 (status, "present") == 0)
    gtk_widget_remove_css_class (GTK_WIDGET (self), "away");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self), "away");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
}

void
st_attendance_row_set (StAttendanceRow *self,
                       const char      *status,
                       int              minutes)
{
  g_return_if_fail (ST_IS_ATTENDANCE_ROW (self));

  if (g_strcmp0 (status, "present") == 0)
    {
      minutes = CLAMP (minutes < 0 ? self->session_minutes : minutes, 0, self->session_minutes);
      if (minutes == 0)
        status = "absent";
    }
  if (g_strcmp0 (status, "present") != 0)
    minutes = 0;
  g_free (self->entry->status);
  self->entry->status = g_strdup (status);
  self->entry->minutes = minutes;
  show_entry (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
st_attendance_row_set_typing (StAttendanceRow *self,
                              int              minutes)
{
  g_return_if_fail (ST_IS_ATTENDANCE_ROW (self));

  self->updating = TRUE;
  if (minutes >= 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->minutes_spin), "accent");
      gtk_widget_set_sensitive (GTK_WIDGET (self->minutes_spin), TRUE);
      gtk_spin_button_set_value (self->minutes_spin, minutes);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->minutes_spin), "accent");
      self->updating = FALSE;
      show_entry (self);
    }
  self->updating = FALSE;
}

static void
on_present_clicked (StAttendanceRow *self)
{
  if (!self->updating && gtk_toggle_button_get_active (self->present_button))
    st_attendance_row_set (self, "present", -1);
}

static void
on_absent_clicked (StAttendanceRow *self)
{
  if (!self->updating && gtk_toggle_button_get_active (self->absent_button))
    st_attendance_row_set (self, "absent", 0);
}

static void
on_leave_clicked (StAttendanceRow *self)
{
  if (!self->updating && gtk_toggle_button_get_active (self->leave_button))
    st_attendance_row_set (self, "leave", 0);
}

static void
on_minutes_changed (StAttendanceRow *self)
{
  if (!self->updating)
    st_attendance_row_set (self, "present", gtk_spin_button_get_value_as_int (self->minutes_spin));
}

static void
st_attendance_row_class_init (StAttendanceRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-attendance-row.ui");
  gtk_widget_class_bind_template_child (widget_class, StAttendanceRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceRow, present_button);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceRow, absent_button);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceRow, leave_button);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceRow, minutes_spin);
  gtk_widget_class_bind_template_child (widget_class, StAttendanceRow, minutes_adjustment);
  gtk_widget_class_bind_template_callback (widget_class, on_present_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_absent_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_leave_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_minutes_changed);
}

static void
st_attendance_row_init (StAttendanceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StAttendanceRow *
st_attendance_row_new (StAttendanceEntry *entry,
                       guint              number,
                       int                session_minutes)
{
  StAttendanceRow *self = g_object_new (ST_TYPE_ATTENDANCE_ROW, NULL);
  g_autofree char *n = g_strdup_printf ("%u", number);
  g_autofree char *masked = st_idcard_mask (entry->id_number);
  g_autofree char *detail = NULL;
  g_autofree char *name_label = NULL;

  self->entry = entry;
  self->session_minutes = session_minutes;
  gtk_adjustment_set_upper (self->minutes_adjustment, session_minutes);
  gtk_label_set_text (self->number_label, n);
  gtk_label_set_text (self->name_label, entry->name);
  detail = entry->village != NULL && *entry->village != '\0'
           ? g_strdup_printf ("%s · %s", masked, entry->village) : g_strdup (masked);
  gtk_label_set_text (self->detail_label, detail);

  /* Translators: accessible names of a row's controls: "张三: present" */
  name_label = g_strdup_printf (C_("attendance", "%s: minutes credited"), entry->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->minutes_spin), GTK_ACCESSIBLE_PROPERTY_LABEL, name_label, -1);
  g_clear_pointer (&name_label, g_free);
  name_label = g_strdup_printf (C_("attendance", "%s: present"), entry->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->present_button), GTK_ACCESSIBLE_PROPERTY_LABEL, name_label, -1);
  g_clear_pointer (&name_label, g_free);
  name_label = g_strdup_printf (C_("attendance", "%s: absent"), entry->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->absent_button), GTK_ACCESSIBLE_PROPERTY_LABEL, name_label, -1);
  g_clear_pointer (&name_label, g_free);
  name_label = g_strdup_printf (C_("attendance", "%s: on leave"), entry->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->leave_button), GTK_ACCESSIBLE_PROPERTY_LABEL, name_label, -1);
  show_entry (self);
  return self;
}

StAttendanceEntry *
st_attendance_row_get_entry (StAttendanceRow *self)
{
  g_return_val_if_fail (ST_IS_ATTENDANCE_ROW (self), NULL);
  return self->entry;
}
