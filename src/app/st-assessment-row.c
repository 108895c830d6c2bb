/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-assessment-row.h"

struct _StAssessmentRow
{
  AdwActionRow     parent_instance;

  GtkWidget       *buttons;
  GtkToggleButton *pass_button;
  GtkToggleButton *fail_button;
  GtkToggleButton *none_button;

  char            *enrolment_id;
  char            *subtitle;
  gboolean         blocked;
};

G_DEFINE_FINAL_TYPE (StAssessmentRow, st_assessment_row, ADW_TYPE_ACTION_ROW)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
on_toggled (StAssessmentRow *self,
            GtkToggleButton *button)
{
  if (gtk_toggle_button_get_active (button))
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
st_assessment_row_finalize (GObject *object)
{
  StAssessmentRow *self = ST_ASSESSMENT_ROW (object);

  g_free (self->enrolment_id);
  g_free (self->subtitle);

  G_OBJECT_CLASS (st_assessment_row_parent_class)->finalize (object);
}

static void
st_assessment_row_class_init (StAssessmentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = st_assessment_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-assessment-row.ui");
  gtk_widget_class_bind_template_child (widget_class, StAssessmentRow, buttons);
  gtk_widget_class_bind_template_child (widget_class, StAssessmentRow, pass_button);
  gtk_widget_class_bind_template_child (widget_class, StAssessmentRow, fail_button);
  gtk_widget_class_bind_template_child (widget_class, StAssessmentRow, none_button);
  gtk_widget_class_bind_template_callback (widget_class, on_toggled);

  /* The result chosen changed. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
st_assessment_row_init (StAssessmentRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StAssessmentRow *
st_assessment_row_new (const char *enrolment_id,
                       const char *name,
                       const char *subtitle,
                       const char *blocked)
{
  StAssessmentRow *self = g_object_new (ST_TYPE_ASSESSMENT_ROW, NULL);

  self->enrolment_id = g_strdup (enrolment_id);
  self->subtitle = g_strdup (subtitle);
  self->blocked = blocked != NULL;
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  if (blocked != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s · %s", subtitle, blocked);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), text);
      gtk_widget_set_sensitive (self->buttons, FALSE);
      gtk_widget_set_tooltip_text (self->buttons, blocked);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  {
    g_autofree char *passed = g_strdup_printf (_("%s passed"), name);
    g_autofree char *failed = g_strdup_printf (_("%s failed"), name);

    gtk_accessible_update_property (GTK_ACCESSIBLE (self->pass_button), GTK_ACCESSIBLE_PROPERTY_LABEL, passed, -1);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->fail_button), GTK_ACCESSIBLE_PROPERTY_LABEL, failed, -1);
  }
  /* The row itself takes the focus, so that keys act on it. */
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  return self;
}

const char *
st_assessment_row_get_enrolment (StAssessmentRow *self)
{
  return self->enrolment_id;
}

gboolean
st_assessment_row_is_blocked (StAssessmentRow *self)
{
  return self->blocked;
}

const char *
st_assessment_row_get_result (StAssessmentRow *self)
{
  if (gtk_toggle_button_get_active (self->pass_button))
    return "pass";
  if (gtk_toggle_button_get_active (self->fail_button))
    return "fail";
  return NULL;
}

void
st_assessment_row_set_result (StAssessmentRow *self,
                              const char      *result)
{
  if (self->blocked)
    return;
  if (g_strcmp0 (result, "pass") == 0)
    gtk_toggle_button_set_active (self->pass_button, TRUE);
  else if (g_strcmp0 (result, "fail") == 0)
    gtk_toggle_button_set_active (self->fail_button, TRUE);
  else
    gtk_toggle_button_set_active (self->none_button, TRUE);
}

void
st_assessment_row_set_error (StAssessmentRow *self,
                             const char      *message)
{
  if (message == NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), self->subtitle);
      gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
      return;
    }
  {
    g_autofree char *text = g_strdup_printf ("%s · %s", self->subtitle, message);

    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), text);
    gtk_widget_add_css_class (GTK_WIDGET (self), "error");
  }
}
