/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-class-dialog.h"
#include "st-class-util.h"
#include "st-program.h"
#include "st-records.h"

struct _StClassDialog
{
  AdwWindow     parent_instance;

  AdwEntryRow  *name_row;
  AdwComboRow  *program_row;
  AdwComboRow  *schedule_row;
  AdwComboRow  *major_row;
  AdwComboRow  *township_row;
  AdwEntryRow  *teaching_point_row;
  AdwEntryRow  *start_row;
  AdwEntryRow  *trainers_row;
  GtkLabel     *error_label;

  StDb         *db;
  GPtrArray    *programs;       /* StProgram, in the program row's order */
  GPtrArray    *majors;
  GPtrArray    *township_codes;
};

G_DEFINE_FINAL_TYPE (StClassDialog, st_class_dialog, ADW_TYPE_WINDOW)

enum { CREATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
on_changed (StClassDialog *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.create", name != NULL && *name != '\0');
}

/* The two schedules in the program's words, its own chosen; none for a
 * training (its hours are its own). */
static void
fill_schedules (StClassDialog *self)
{
  guint i = adw_combo_row_get_selected (self->program_row);
  const StProgram *p = i < self->programs->len ? g_ptr_array_index (self->programs, i) : NULL;
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->schedule_row), p != NULL && p->kind != ST_PROGRAM_TRAINING);
  if (p == NULL || p->kind == ST_PROGRAM_TRAINING)
    return;
  for (StSchedule s = ST_SCHEDULE_MONTHLY; s <= ST_SCHEDULE_BLOCKS; s++)
    {
      g_autofree char *text = st_schedule_describe (p, s);

      gtk_string_list_append (choices, text);
    }
  adw_combo_row_set_model (self->schedule_row, G_LIST_MODEL (choices));
  adw_combo_row_set_selected (self->schedule_row, st_program_schedule (p, NULL) == ST_SCHEDULE_BLOCKS ? 1 : 0);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StClassDialog *self = ST_CLASS_DIALOG (widget);
  g_autoptr(StClass) klass = st_class_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *trainers = NULL;
  guint program = adw_combo_row_get_selected (self->program_row);
  guint major = adw_combo_row_get_selected (self->major_row);
  guint township = adw_combo_row_get_selected (self->township_row);

  klass->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  if (program < self->programs->len)
    {
      const StProgram *p = g_ptr_array_index (self->programs, program);
      StSchedule chosen = adw_combo_row_get_selected (self->schedule_row) == 1 ? ST_SCHEDULE_BLOCKS : ST_SCHEDULE_MONTHLY;

      klass->program_code = g_strdup (p->code);
      /* The program's own choice is kept as none: it follows the program. */
      if (gtk_widget_get_visible (GTK_WIDGET (self->schedule_row)) && chosen != st_program_schedule (p, NULL))
        klass->schedule = g_strdup (st_schedule_to_code (chosen));
    }
  if (major < self->majors->len)
    klass->major = g_strdup (g_ptr_array_index (self->majors, major));
  if (township < self->township_codes->len)
    klass->township_code = g_strdup (g_ptr_array_index (self->township_codes, township));
  klass->teaching_point = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->teaching_point_row))));
  klass->start_date = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->start_row))));
  /* Commas of either width, or the enumeration comma, separate names. */
  trainers = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->trainers_row)));
  g_strdelimit (trainers, ",;", ',');
  {
    g_auto(GStrv) parts = NULL;
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_autofree char *normalised = NULL;
    g_autoptr(GString) s = g_string_new (trainers);

    g_string_replace (s, "，", ",", 0);
    g_string_replace (s, "、", ",", 0);
    normalised = g_string_free (g_steal_pointer (&s), FALSE);
    parts = g_strsplit (normalised, ",", -1);
    for (guint i = 0; parts[i] != NULL; i++)
      if (*g_strstrip (parts[i]) != '\0')
        g_strv_builder_add (builder, parts[i]);
    klass->trainers = g_strv_builder_end (builder);
  }

  if (!st_class_create (self->db, klass, &error))
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  g_signal_emit (self, signals[CREATED], 0, klass->id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
st_class_dialog_dispose (GObject *object)
{
  StClassDialog *self = ST_CLASS_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_CLASS_DIALOG);
  g_clear_object (&self->db);
  g_clear_pointer (&self->programs, g_ptr_array_unref);
  g_clear_pointer (&self->majors, g_ptr_array_unref);
  g_clear_pointer (&self->township_codes, g_ptr_array_unref);

  G_OBJECT_CLASS (st_class_dialog_parent_class)->dispose (object);
}

static void
st_class_dialog_class_init (StClassDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_class_dialog_dispose;

  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-class-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StClassDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, StClassDialog, program_row);
  gtk_widget_class_bind_template_child (widget_class, StClassDialog, schedule_row);
  gtk_widget_class_bind_template_child (widget_class, StClassDialog, major_row);
  gtk_widget_class_bind_template_child (widget_class, StClassDialog, township_row);
  gtk_widget_class_bind_template_child (widget_class, StClassDialog, teaching_point_row);
  gtk_widget_class_bind_template_child (widget_class, StClassDialog, start_row);
  gtk_widget_class_bind_template_child (widget_class, StClassDialog, trainers_row);
  gtk_widget_class_bind_template_child (widget_class, StClassDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);

  gtk_widget_class_install_action (widget_class, "dialog.create", NULL, create_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
st_class_dialog_init (StClassDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->programs = g_ptr_array_new_with_free_func ((GDestroyNotify) st_program_free);
  self->majors = g_ptr_array_new_with_free_func (g_free);
  self->township_codes = g_ptr_array_new_with_free_func (g_free);
}

StClassDialog *
st_class_dialog_new (GtkWindow   *parent,
                     StDb        *db,
                     StDivisions *divisions,
                     const char  *township_code)
{
  StClassDialog *self = g_object_new (ST_TYPE_CLASS_DIALOG, "transient-for", parent, NULL);
  g_autoptr(GtkStringList) programs = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) majors = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) townships = gtk_string_list_new (NULL);
  GPtrArray *program_list = st_program_list (db, NULL);
  g_autoptr(GPtrArray) major_list = st_majors_list (db, NULL);
  g_autoptr(GPtrArray) township_list = st_divisions_townships (divisions);
  g_autofree char *today = st_date_today ();
  guint selected = 0;

  self->db = g_object_ref (db);
  if (program_list != NULL)
    {
      g_clear_pointer (&self->programs, g_ptr_array_unref);
      self->programs = program_list;
    }
  for (guint i = 0; i < self->programs->len; i++)
    gtk_string_list_append (programs, st_class_program_name (g_ptr_array_index (self->programs, i)));
  for (guint i = 0; major_list != NULL && i < major_list->len; i++)
    {
      g_ptr_array_add (self->majors, g_strdup (g_ptr_array_index (major_list, i)));
      gtk_string_list_append (majors, g_ptr_array_index (major_list, i));
    }
  for (guint i = 0; township_list != NULL && i < township_list->len; i++)
    {
      const StDivision *d = g_ptr_array_index (township_list, i);

      if (g_strcmp0 (d->code, township_code) == 0)
        selected = i;
      g_ptr_array_add (self->township_codes, g_strdup (d->code));
      gtk_string_list_append (townships, d->name);
    }
  adw_combo_row_set_model (self->program_row, G_LIST_MODEL (programs));
  g_signal_connect_object (self->program_row, "notify::selected", G_CALLBACK (fill_schedules), self, G_CONNECT_SWAPPED);
  fill_schedules (self);
  adw_combo_row_set_model (self->major_row, G_LIST_MODEL (majors));
  adw_combo_row_set_model (self->township_row, G_LIST_MODEL (townships));
  adw_combo_row_set_selected (self->township_row, selected);
  gtk_editable_set_text (GTK_EDITABLE (self->start_row), today);
  on_changed (self);
  return self;
}
