/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "st-class-util.h"
#include "st-classwork.h"
#include "st-idcard.h"
#include "st-participant.h"
#include "st-records.h"
#include "st-records-dialog-private.h"

struct _StRecordsDialog
{
  AdwWindow             parent_instance;

  AdwPreferencesGroup  *hours_group;
  GtkSpinButton        *hours_spin;
  AdwEntryRow          *date_row;
  AdwComboRow          *kind_row;
  AdwEntryRow          *source_row;
  AdwPreferencesGroup  *assignment_group;
  AdwEntryRow          *title_row;
  GtkSwitch            *done_switch;
  AdwEntryRow          *done_row;
  AdwPreferencesGroup  *existing_group;
  GtkListBox           *existing_list;
  AdwPreferencesGroup  *people_group;
  GtkListBox           *people_list;
  GtkLabel             *error_label;

  StDb                 *db;
  char                 *class_id;
  char                 *participant_id;   /* one participant, or NULL */
  StRecordsDialogKind   kind;
  GPtrArray            *participant_ids;
  GPtrArray            *enrolment_ids;
  GPtrArray            *checks;           /* GtkCheckButton, borrowed */
};

G_DEFINE_FINAL_TYPE (StRecordsDialog, st_records_dialog, ADW_TYPE_WINDOW)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const kinds[] = { "self", "online" };

static void
update_count (StRecordsDialog *self)
{
  /* Translators: "37 of 40 checked" */
  g_autofree char *description = g_strdup_printf (_("%u of %u checked"), st_records_dialog_get_n_checked (self),
                                                  self->checks->len);

  adw_preferences_group_set_description (self->people_group, description);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", st_records_dialog_get_n_checked (self) > 0);
}

static void
fail (StRecordsDialog *self,
      const char      *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static void
fill_existing (StRecordsDialog *self)
{
  g_autofree char *enrolment = st_enrolment_id (self->participant_id, self->class_id);
  g_autoptr(GPtrArray) assignments = st_assignment_list (self->db, enrolment, NULL);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->existing_list))) != NULL)
    gtk_list_box_remove (self->existing_list, child);
  for (guint i = 0; assignments != NULL && i < assignments->len; i++)
    {
      StAssignment *a = g_ptr_array_index (assignments, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_markup_escape_text (a->title, -1);
      g_autofree char *done = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      if (a->done_on != NULL)
        {
          /* Translators: "Done on 2025-06-01" */
          done = g_strdup_printf (_("Done on %s"), a->done_on);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), done);
        }
      else
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("Mark _Done"));
          g_autofree char *accessible = g_strdup_printf (_("Mark “%s” done"), a->title);

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Not done"));
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "dialog.mark-done");
          gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (a->id));
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      gtk_list_box_append (self->existing_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->existing_group), assignments != NULL && assignments->len > 0);
}

static const char *
done_date (StRecordsDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->done_row));
}

static void
mark_done_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StRecordsDialog *self = ST_RECORDS_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (!st_assignment_set_done (self->db, g_variant_get_string (parameter, NULL), done_date (self), &error))
    {
      fail (self, error->message);
      return;
    }
  fill_existing (self);
  g_signal_emit (self, signals[SAVED], 0, _("Assignment marked done"));
}

static void
check_all_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StRecordsDialog *self = ST_RECORDS_DIALOG (widget);

  for (guint i = 0; i < self->checks->len; i++)
    gtk_check_button_set_active (g_ptr_array_index (self->checks, i), g_variant_get_boolean (parameter));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StRecordsDialog *self = ST_RECORDS_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *date = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->date_row))));
  g_autofree char *source = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->source_row))));
  g_autoptr(GPtrArray) checked = g_ptr_array_new ();
  g_autoptr(GPtrArray) unchecked = g_ptr_array_new ();
  int written;

  for (guint i = 0; i < self->checks->len; i++)
    {
      gboolean on = gtk_check_button_get_active (g_ptr_array_index (self->checks, i));

      g_ptr_array_add (on ? checked : unchecked,
                       g_ptr_array_index (self->kind == ST_RECORDS_DIALOG_HOURS ? self->participant_ids
                                                                                : self->enrolment_ids, i));
    }
  g_ptr_array_add (checked, NULL);
  g_ptr_array_add (unchecked, NULL);

  if (self->kind == ST_RECORDS_DIALOG_HOURS)
    {
      int minutes;
      const char *kind = kinds[MIN (adw_combo_row_get_selected (self->kind_row), G_N_ELEMENTS (kinds) - 1)];
      g_autofree char *hours = NULL;
      StStudyHours logged;

      gtk_spin_button_update (self->hours_spin);
      minutes = (int) lround (gtk_spin_button_get_value (self->hours_spin) * 60);
      hours = st_class_format_hours (minutes);
      logged = (StStudyHours) { .date = date, .minutes = minutes, .kind = kind, .source = *source ? source : NULL };
      if (self->participant_id != NULL)
        {
          g_autofree char *enrolment = st_enrolment_id (self->participant_id, self->class_id);

          written = st_study_log_add (self->db, self->participant_id, enrolment, &logged, &error) ? 1 : -1;
        }
      else
        written = st_study_log_add_for_class (self->db, self->class_id, &logged,
                                              (const char *const *) unchecked->pdata, &error);
      if (written >= 0)
        /* Translators: "20 hours each for 37 participants" */
        message = g_strdup_printf (ngettext ("%s hours each for %d participant", "%s hours each for %d participants",
                                             written), hours, written);
    }
  else
    {
      const char *title = gtk_editable_get_text (GTK_EDITABLE (self->title_row));

      written = st_assignment_add_many (self->db, (const char *const *) checked->pdata, title,
                                        gtk_switch_get_active (self->done_switch) ? done_date (self) : NULL, &error);
      if (written >= 0)
        message = g_strdup_printf (ngettext ("Assignment recorded for %d participant",
                                             "Assignment recorded for %d participants", written), written);
    }
  if (written < 0)
    {
      fail (self, error->message);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, message);
  gtk_window_destroy (GTK_WINDOW (self));
}

void
st_records_dialog_set_hours (StRecordsDialog *self,
                             double           hours)
{
  gtk_spin_button_set_value (self->hours_spin, hours);
}

void
st_records_dialog_set_date (StRecordsDialog *self,
                            const char      *date)
{
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), date);
  gtk_editable_set_text (GTK_EDITABLE (self->done_row), date);
}

void
st_records_dialog_set_title (StRecordsDialog *self,
                             const char      *title)
{
  gtk_editable_set_text (GTK_EDITABLE (self->title_row), title);
}

gboolean
st_records_dialog_set_checked (StRecordsDialog *self,
                               const char      *participant_id,
                               gboolean         checked)
{
  for (guint i = 0; i < self->participant_ids->len; i++)
    if (g_str_equal (g_ptr_array_index (self->participant_ids, i), participant_id))
      {
        gtk_check_button_set_active (g_ptr_array_index (self->checks, i), checked);
        return TRUE;
      }
  return FALSE;
}

guint
st_records_dialog_get_n_checked (StRecordsDialog *self)
{
  guint n = 0;

  for (guint i = 0; i < self->checks->len; i++)
    n += gtk_check_button_get_active (g_ptr_array_index (self->checks, i));
  return n;
}

static void
st_records_dialog_dispose (GObject *object)
{
  StRecordsDialog *self = ST_RECORDS_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_RECORDS_DIALOG);
  g_clear_object (&self->db);
  g_clear_pointer (&self->class_id, g_free);
  g_clear_pointer (&self->participant_id, g_free);
  g_clear_pointer (&self->participant_ids, g_ptr_array_unref);
  g_clear_pointer (&self->enrolment_ids, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);

  G_OBJECT_CLASS (st_records_dialog_parent_class)->dispose (object);
}

static void
st_records_dialog_class_init (StRecordsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_records_dialog_dispose;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-records-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, hours_group);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, hours_spin);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, assignment_group);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, done_switch);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, done_row);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, existing_group);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, existing_list);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, people_group);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, people_list);
  gtk_widget_class_bind_template_child (widget_class, StRecordsDialog, error_label);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "dialog.check-all", "b", check_all_action);
  gtk_widget_class_install_action (widget_class, "dialog.mark-done", "s", mark_done_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "dialog.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
st_records_dialog_init (StRecordsDialog *self)
{
  g_autoptr(GtkStringList) kind_names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->participant_ids = g_ptr_array_new_with_free_func (g_free);
  self->enrolment_ids = g_ptr_array_new_with_free_func (g_free);
  self->checks = g_ptr_array_new ();
  gtk_string_list_append (kind_names, _("Self-study"));
  gtk_string_list_append (kind_names, _("Online"));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kind_names));
}

StRecordsDialog *
st_records_dialog_new (GtkWindow           *parent,
                       StDb                *db,
                       const char          *class_id,
                       StRecordsDialogKind  kind,
                       GPtrArray           *enrolments,
                       const char          *participant_id)
{
  StRecordsDialog *self = g_object_new (ST_TYPE_RECORDS_DIALOG, "transient-for", parent, NULL);
  g_autofree char *today = st_date_today ();
  g_autofree char *title = NULL;
  g_autoptr(StParticipant) one = participant_id ? st_participant_load (db, participant_id, NULL) : NULL;

  self->db = g_object_ref (db);
  self->class_id = g_strdup (class_id);
  self->participant_id = g_strdup (participant_id);
  self->kind = kind;

  if (kind == ST_RECORDS_DIALOG_HOURS)
    title = one ? g_strdup_printf (_("Study Hours of %s"), one->name) : g_strdup (_("Study Hours for the Class"));
  else
    title = one ? g_strdup_printf (_("Assignments of %s"), one->name) : g_strdup (_("Assignment for the Class"));
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_widget_set_visible (GTK_WIDGET (self->hours_group), kind == ST_RECORDS_DIALOG_HOURS);
  gtk_widget_set_visible (GTK_WIDGET (self->assignment_group), kind == ST_RECORDS_DIALOG_ASSIGNMENT);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), today);
  gtk_editable_set_text (GTK_EDITABLE (self->done_row), today);

  for (guint i = 0; i < enrolments->len; i++)
    {
      const StEnrolment *e = g_ptr_array_index (enrolments, i);
      g_autoptr(StParticipant) p = NULL;
      g_autofree char *name = NULL;
      g_autofree char *masked = NULL;
      GtkWidget *row, *check;

      if (g_strcmp0 (e->state, "studying") != 0
          || (participant_id != NULL && g_strcmp0 (e->participant_id, participant_id) != 0))
        continue;
      p = st_participant_load (db, e->participant_id, NULL);
      if (p == NULL)
        continue;
      name = g_markup_escape_text (p->name, -1);
      masked = st_idcard_mask (p->id_number);
      row = adw_action_row_new ();
      check = gtk_check_button_new ();
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, p->name, -1);
      g_signal_connect_object (check, "toggled", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), masked);
      gtk_list_box_append (self->people_list, row);
      g_ptr_array_add (self->checks, check);
      g_ptr_array_add (self->participant_ids, g_strdup (e->participant_id));
      g_ptr_array_add (self->enrolment_ids, g_strdup (e->id));
    }
  /* One person: the list is only a reminder of who. */
  gtk_widget_set_visible (GTK_WIDGET (self->people_group), participant_id == NULL);
  if (participant_id != NULL && kind == ST_RECORDS_DIALOG_ASSIGNMENT)
    fill_existing (self);
  update_count (self);
  return self;
}
