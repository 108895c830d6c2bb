/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-display.h"
#include "st-enrol-dialog.h"
#include "st-idcard.h"
#include "st-participant.h"
#include "st-participant-query.h"
#include "st-records.h"

#define MAX_RESULTS 30

struct _StEnrolDialog
{
  AdwWindow       parent_instance;

  GtkSearchEntry *search_entry;
  GtkCheckButton *willing_check;
  AdwEntryRow    *date_row;
  GtkLabel       *message_label;
  GtkListBox     *result_list;

  StDb           *db;
  StDivisions    *divisions;
  char           *class_id;
  char           *township_code;   /* the class's */
  guint           n_results;
};

G_DEFINE_FINAL_TYPE (StEnrolDialog, st_enrol_dialog, ADW_TYPE_WINDOW)

enum { ENROLLED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
in_this_class (StEnrolDialog *self,
               const char    *participant_id)
{
  g_autofree char *id = st_enrolment_id (participant_id, self->class_id);
  g_autoptr(StEnrolment) e = st_enrolment_load (self->db, id, NULL);

  return e != NULL && g_strcmp0 (e->state, "studying") == 0;
}

static void
run_search (StEnrolDialog *self,
            const char    *text)
{
  StParticipantQuery query = { .search = text };
  gboolean willing = gtk_check_button_get_active (self->willing_check);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->result_list))) != NULL)
    gtk_list_box_remove (self->result_list, child);
  self->n_results = 0;
  /* The willing of the class's township, as the Participants page's
   * outreach filter has them: no search needed to list them. */
  if (willing)
    {
      query.township_code = self->township_code;
      query.outreach = "willing";
    }
  if (!willing && !st_participant_query_has_terms (text))
    {
      gtk_label_set_text (self->message_label, _("Type a name, pinyin initials (zs) or digits of the ID number."));
      return;
    }
  rowids = st_participant_query_run (self->db, &query, &error);
  if (rowids != NULL)
    rows = st_participant_query_fetch (self->db, (const gint64 *) rowids->data, MIN (rowids->len, MAX_RESULTS), &error);
  if (rows == NULL)
    {
      gtk_label_set_text (self->message_label, error->message);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      StParticipantSummary *p = g_ptr_array_index (rows, i);
      GtkWidget *row;
      g_autofree char *masked = NULL;
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      if (p == NULL)
        continue;
      masked = st_idcard_mask (p->id_number);
      title = g_markup_escape_text (p->name, -1);
      subtitle = g_markup_printf_escaped ("%s · %s%s%s", masked, st_display_township (self->divisions, p->township_code),
                                          p->class_name ? " · " : "", p->class_name ? p->class_name : "");
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (in_this_class (self, p->id))
        {
          GtkWidget *label = gtk_label_new (_("In this class"));

          gtk_widget_add_css_class (label, "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
        }
      else
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Enrol"));
          g_autofree char *accessible = g_strdup_printf (_("Enrol %s"), p->name);

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "dialog.enrol");
          gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (p->id));
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
        }
      gtk_list_box_append (self->result_list, row);
      self->n_results++;
    }
  if (rowids->len == 0 && willing)
    gtk_label_set_text (self->message_label, _("Nobody of the class’s township said they will enrol and is in no class."));
  else if (rowids->len == 0)
    gtk_label_set_text (self->message_label, _("Nobody in the register matches. Register them on the Participants page first."));
  else if (rowids->len > MAX_RESULTS)
    {
      g_autofree char *more = g_strdup_printf (_("The first %u of %u matches; type more to narrow them."),
                                               MAX_RESULTS, rowids->len);
      gtk_label_set_text (self->message_label, more);
    }
  else
    gtk_label_set_text (self->message_label, "");
}

void
st_enrol_dialog_search (StEnrolDialog *self,
                        const char    *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  run_search (self, text);
}

guint
st_enrol_dialog_get_n_results (StEnrolDialog *self)
{
  return self->n_results;
}

gboolean
st_enrol_dialog_enrol (StEnrolDialog  *self,
                       const char     *participant_id,
                       GError        **error)
{
  g_autofree char *date = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->date_row))));
  g_autofree char *enrolment = st_enrol (self->db, participant_id, self->class_id, *date ? date : NULL, 0, error);
  g_autoptr(StParticipant) p = NULL;
  g_autofree char *message = NULL;

  if (enrolment == NULL)
    return FALSE;
  p = st_participant_load (self->db, participant_id, NULL);
  /* Translators: "张三 enrolled" */
  message = g_strdup_printf (_("%s enrolled"), p ? p->name : participant_id);
  g_signal_emit (self, signals[ENROLLED], 0, message);
  run_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  gtk_label_set_text (self->message_label, message);
  return TRUE;
}

static void
enrol_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StEnrolDialog *self = ST_ENROL_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (!st_enrol_dialog_enrol (self, g_variant_get_string (parameter, NULL), &error))
    gtk_label_set_text (self->message_label, error->message);
}

static void
on_search_changed (StEnrolDialog *self)
{
  run_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_search_activate (StEnrolDialog *self)
{
  GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->result_list, 0);
  GtkWidget *button;
  GVariant *target;
  g_autoptr(GError) error = NULL;

  /* Enter enrols the one match left, as on the Participants page; the
   * keyboard stays in the search for the next name (activating the row
   * would give it to the row's button, gone with the results it redraws). */
  if (first == NULL || self->n_results != 1 || !ADW_IS_ACTION_ROW (first))
    return;
  button = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (first));
  target = button != NULL ? gtk_actionable_get_action_target_value (GTK_ACTIONABLE (button)) : NULL;
  if (target == NULL || !g_variant_is_of_type (target, G_VARIANT_TYPE_STRING))
    return;
  if (!st_enrol_dialog_enrol (self, g_variant_get_string (target, NULL), &error))
    gtk_label_set_text (self->message_label, error->message);
}

/* Escape in the search (which takes the key before the dialog does):
 * clears what was typed, or, with nothing typed, closes the dialog, as
 * Escape anywhere else in it does. */
static void
on_search_stop (StEnrolDialog *self)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
st_enrol_dialog_dispose (GObject *object)
{
  StEnrolDialog *self = ST_ENROL_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_ENROL_DIALOG);
  g_clear_object (&self->db);
  g_clear_pointer (&self->divisions, st_divisions_unref);
  g_clear_pointer (&self->class_id, g_free);
  g_clear_pointer (&self->township_code, g_free);

  G_OBJECT_CLASS (st_enrol_dialog_parent_class)->dispose (object);
}

static void
st_enrol_dialog_class_init (StEnrolDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_enrol_dialog_dispose;

  signals[ENROLLED] = g_signal_new ("enrolled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-enrol-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StEnrolDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, StEnrolDialog, willing_check);
  gtk_widget_class_bind_template_child (widget_class, StEnrolDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, StEnrolDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, StEnrolDialog, result_list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);

  gtk_widget_class_install_action (widget_class, "dialog.enrol", "s", enrol_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
st_enrol_dialog_init (StEnrolDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StEnrolDialog *
st_enrol_dialog_new (GtkWindow   *parent,
                     StDb        *db,
                     StDivisions *divisions,
                     const char  *class_id)
{
  StEnrolDialog *self = g_object_new (ST_TYPE_ENROL_DIALOG, "transient-for", parent, NULL);
  g_autoptr(StClass) klass = st_class_load (db, class_id, NULL);

  self->db = g_object_ref (db);
  self->divisions = st_divisions_ref (divisions);
  self->class_id = g_strdup (class_id);
  self->township_code = g_strdup (klass ? klass->township_code : NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), klass ? klass->start_date : "");
  run_search (self, "");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return self;
}

GtkCheckButton *
st_enrol_dialog_get_willing_check (StEnrolDialog *self)
{
  return self->willing_check;
}
