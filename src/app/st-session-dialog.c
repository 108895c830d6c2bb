/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-class-util.h"
#include "st-classwork.h"
#include "st-session-dialog.h"

struct _StSessionDialog
{
  AdwWindow      parent_instance;

  AdwEntryRow   *date_row;
  AdwActionRow  *minutes_row;
  GtkSpinButton *minutes_spin;
  AdwComboRow   *mode_row;
  AdwComboRow   *subject_row;
  AdwEntryRow   *trainer_row;
  AdwEntryRow   *place_row;
  GtkLabel      *error_label;

  StDb          *db;
  char          *class_id;
};

G_DEFINE_FINAL_TYPE (StSessionDialog, st_session_dialog, ADW_TYPE_WINDOW)

enum { CREATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const modes[] = { "concentrated", "online", "practical" };
static const char *const subjects[] = { "literacy", "mandarin", "civic", "policy", "skill" };

static void
on_minutes_changed (StSessionDialog *self)
{
  int minutes = gtk_spin_button_get_value_as_int (self->minutes_spin);
  g_autofree char *subtitle = st_class_format_hours_text (minutes);

  adw_action_row_set_subtitle (self->minutes_row, subtitle);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StSessionDialog *self = ST_SESSION_DIALOG (widget);
  g_autoptr(StSession) s = g_new0 (StSession, 1);
  g_autoptr(GError) error = NULL;

  gtk_spin_button_update (self->minutes_spin);
  s->class_id = g_strdup (self->class_id);
  s->date = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->date_row))));
  s->minutes = gtk_spin_button_get_value_as_int (self->minutes_spin);
  s->mode = g_strdup (modes[MIN (adw_combo_row_get_selected (self->mode_row), G_N_ELEMENTS (modes) - 1)]);
  s->subject = g_strdup (subjects[MIN (adw_combo_row_get_selected (self->subject_row), G_N_ELEMENTS (subjects) - 1)]);
  s->trainer = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->trainer_row))));
  s->place = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->place_row))));
  if (!st_session_create (self->db, s, &error))
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  g_signal_emit (self, signals[CREATED], 0, s->id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
st_session_dialog_dispose (GObject *object)
{
  StSessionDialog *self = ST_SESSION_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_SESSION_DIALOG);
  g_clear_object (&self->db);
  g_clear_pointer (&self->class_id, g_free);

  G_OBJECT_CLASS (st_session_dialog_parent_class)->dispose (object);
}

static void
st_session_dialog_class_init (StSessionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_session_dialog_dispose;

  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-session-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StSessionDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, StSessionDialog, minutes_row);
  gtk_widget_class_bind_template_child (widget_class, StSessionDialog, minutes_spin);
  gtk_widget_class_bind_template_child (widget_class, StSessionDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, StSessionDialog, subject_row);
  gtk_widget_class_bind_template_child (widget_class, StSessionDialog, trainer_row);
  gtk_widget_class_bind_template_child (widget_class, StSessionDialog, place_row);
  gtk_widget_class_bind_template_child (widget_class, StSessionDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_minutes_changed);

  gtk_widget_class_install_action (widget_class, "dialog.create", NULL, create_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
st_session_dialog_init (StSessionDialog *self)
{
  g_autoptr(GtkStringList) mode_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) subject_names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    gtk_string_list_append (mode_names, st_session_mode_to_display (modes[i]));
  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++)
    gtk_string_list_append (subject_names, st_session_subject_to_display (subjects[i]));
  adw_combo_row_set_model (self->mode_row, G_LIST_MODEL (mode_names));
  adw_combo_row_set_model (self->subject_row, G_LIST_MODEL (subject_names));
  on_minutes_changed (self);
}

StSessionDialog *
st_session_dialog_new (GtkWindow       *parent,
                       StDb            *db,
                       const StSession *prefill)
{
  StSessionDialog *self = g_object_new (ST_TYPE_SESSION_DIALOG, "transient-for", parent, NULL);

  self->db = g_object_ref (db);
  self->class_id = g_strdup (prefill->class_id);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), prefill->date ? prefill->date : "");
  if (prefill->minutes > 0)
    gtk_spin_button_set_value (self->minutes_spin, prefill->minutes);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (g_strcmp0 (prefill->mode, modes[i]) == 0)
      adw_combo_row_set_selected (self->mode_row, i);
  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++)
    if (g_strcmp0 (prefill->subject, subjects[i]) == 0)
      adw_combo_row_set_selected (self->subject_row, i);
  gtk_editable_set_text (GTK_EDITABLE (self->trainer_row), prefill->trainer ? prefill->trainer : "");
  gtk_editable_set_text (GTK_EDITABLE (self->place_row), prefill->place ? prefill->place : "");
  return self;
}
