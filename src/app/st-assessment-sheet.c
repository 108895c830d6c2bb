/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-display.h"
#include "st-assessment-row.h"
#include "st-assessment-sheet.h"
#include "st-eligibility.h"
#include "st-idcard.h"
#include "st-records.h"

struct _StAssessmentSheet
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkDropDown     *class_dropdown;
  GtkDropDown     *kind_dropdown;
  GtkEntry        *date_entry;
  GtkEntry        *assessor_entry;
  GtkListBox      *list_box;
  GtkLabel        *count_label;

  StDb            *db;
  GPtrArray       *class_ids;
};

G_DEFINE_FINAL_TYPE (StAssessmentSheet, st_assessment_sheet, ADW_TYPE_WINDOW)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const kinds[] = { "culture", "skill", "moral" };

static void
toast (StAssessmentSheet *self,
       const char        *message)
{
  st_display_toast (self->toast_overlay, message, 0);
}

static void
update_count (StAssessmentSheet *self)
{
  guint n = 0, marked = 0, passed = 0;
  g_autofree char *text = NULL;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      const char *result;

      if (!ST_IS_ASSESSMENT_ROW (row))
        continue;
      n++;
      result = st_assessment_row_get_result (ST_ASSESSMENT_ROW (row));
      marked += result != NULL;
      passed += g_strcmp0 (result, "pass") == 0;
    }
  /* Translators: "12 of 40 marked, 11 passed" */
  text = g_strdup_printf (ngettext ("%u of %u marked, %u passed", "%u of %u marked, %u passed", n), marked, n, passed);
  gtk_label_set_text (self->count_label, text);
}

static void
on_row_changed (StAssessmentSheet *self)
{
  update_count (self);
}

static void
fill_rows (StAssessmentSheet *self)
{
  guint i = gtk_drop_down_get_selected (self->class_dropdown);
  const char *class_id = i < self->class_ids->len ? g_ptr_array_index (self->class_ids, i) : NULL;
  StEligibilityQuery q = { NULL, NULL, class_id, NULL };
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  if (class_id == NULL)
    return;
  list = st_eligibility_evaluate (self->db, &q, &error);
  if (list == NULL)
    {
      toast (self, error->message);
      return;
    }
  for (guint r = 0; r < list->len; r++)
    {
      StEligibility *e = g_ptr_array_index (list, r);
      g_autofree char *masked = NULL;
      const char *blocked = NULL;
      StAssessmentRow *row;

      /* Those finished or gone are not assessed any more. */
      if (e->outcome == ST_OUTCOME_GRADUATED || e->outcome == ST_OUTCOME_COMPLETED
          || e->outcome == ST_OUTCOME_STUDY_RECORD)
        continue;
      for (guint m = 0; m < e->missing->len; m++)
        if (g_array_index (e->missing, StMissing, m).kind == ST_MISSING_ASSIGNMENTS)
          blocked = _("practical assignments not done");
      masked = st_idcard_mask (e->id_number);
      row = st_assessment_row_new (e->enrolment_id, e->name, masked, blocked);
      g_signal_connect_object (row, "changed", G_CALLBACK (on_row_changed), self, G_CONNECT_SWAPPED);
      gtk_list_box_append (self->list_box, GTK_WIDGET (row));
    }
  update_count (self);
  /* The keyboard on the first person who can be assessed: P and F can be
   * pressed at once (also before the window is shown). */
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ST_IS_ASSESSMENT_ROW (child) && !st_assessment_row_is_blocked (ST_ASSESSMENT_ROW (child)))
      {
        gtk_window_set_focus (GTK_WINDOW (self), child);
        break;
      }
}

static void
on_class_selected (StAssessmentSheet *self)
{
  if (self->db != NULL)
    fill_rows (self);
}

/* Keys on a row: P pass, F fail, 0 / Delete nothing; then the next row. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                StAssessmentSheet     *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *row = focus ? gtk_widget_get_ancestor (focus, ST_TYPE_ASSESSMENT_ROW) : NULL;
  const char *result;
  GtkWidget *next;

  if (row == NULL || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;
  switch (keyval)
    {
    case GDK_KEY_p: case GDK_KEY_P: result = "pass"; break;
    case GDK_KEY_f: case GDK_KEY_F: result = "fail"; break;
    case GDK_KEY_0: case GDK_KEY_KP_0: case GDK_KEY_Delete: case GDK_KEY_BackSpace: result = NULL; break;
    default: return GDK_EVENT_PROPAGATE;
    }
  st_assessment_row_set_result (ST_ASSESSMENT_ROW (row), result);
  for (next = gtk_widget_get_next_sibling (row); next != NULL; next = gtk_widget_get_next_sibling (next))
    if (ST_IS_ASSESSMENT_ROW (next) && !st_assessment_row_is_blocked (ST_ASSESSMENT_ROW (next)))
      break;
  gtk_widget_grab_focus (next ? next : row);
  return GDK_EVENT_STOP;
}

static void
all_pass_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StAssessmentSheet *self = ST_ASSESSMENT_SHEET (widget);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); row;
       row = gtk_widget_get_next_sibling (row))
    if (ST_IS_ASSESSMENT_ROW (row))
      st_assessment_row_set_result (ST_ASSESSMENT_ROW (row), "pass");
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StAssessmentSheet *self = ST_ASSESSMENT_SHEET (widget);
  guint k = gtk_drop_down_get_selected (self->kind_dropdown);
  const char *kind = kinds[MIN (k, G_N_ELEMENTS (kinds) - 1)];
  const char *date = gtk_editable_get_text (GTK_EDITABLE (self->date_entry));
  const char *assessor = gtk_editable_get_text (GTK_EDITABLE (self->assessor_entry));
  guint saved = 0, failed = 0;

  if (!st_date_is_valid (date))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a date; write it as 2025-03-01."), date);

      gtk_widget_add_css_class (GTK_WIDGET (self->date_entry), "error");
      toast (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->date_entry));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->date_entry), "error");
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      g_autoptr(GError) error = NULL;
      const char *result;

      if (!ST_IS_ASSESSMENT_ROW (row))
        continue;
      result = st_assessment_row_get_result (ST_ASSESSMENT_ROW (row));
      if (result == NULL)
        continue;
      if (st_assessment_record (self->db, st_assessment_row_get_enrolment (ST_ASSESSMENT_ROW (row)), kind, result,
                                date, *assessor ? assessor : NULL, &error))
        {
          st_assessment_row_set_error (ST_ASSESSMENT_ROW (row), NULL);
          saved++;
        }
      else
        {
          st_assessment_row_set_error (ST_ASSESSMENT_ROW (row), error->message);
          failed++;
        }
    }
  if (saved > 0)
    g_signal_emit (self, signals[SAVED], 0, saved);
  if (failed > 0)
    {
      g_autofree char *message = g_strdup_printf (ngettext ("%u result could not be saved; the row says why",
                                                            "%u results could not be saved; the rows say why", failed),
                                                  failed);
      toast (self, message);
      return;
    }
  if (saved == 0)
    {
      toast (self, _("Mark at least one result: P for pass, F for fail."));
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
st_assessment_sheet_finalize (GObject *object)
{
  StAssessmentSheet *self = ST_ASSESSMENT_SHEET (object);

  g_clear_object (&self->db);
  g_clear_pointer (&self->class_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (st_assessment_sheet_parent_class)->finalize (object);
}

static void
st_assessment_sheet_class_init (StAssessmentSheetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = st_assessment_sheet_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-assessment-sheet.ui");
  gtk_widget_class_bind_template_child (widget_class, StAssessmentSheet, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StAssessmentSheet, class_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StAssessmentSheet, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StAssessmentSheet, date_entry);
  gtk_widget_class_bind_template_child (widget_class, StAssessmentSheet, assessor_entry);
  gtk_widget_class_bind_template_child (widget_class, StAssessmentSheet, list_box);
  gtk_widget_class_bind_template_child (widget_class, StAssessmentSheet, count_label);
  gtk_widget_class_bind_template_callback (widget_class, on_class_selected);

  gtk_widget_class_install_action (widget_class, "sheet.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "sheet.all-pass", NULL, all_pass_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "sheet.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /* How many results were saved. */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
st_assessment_sheet_init (StAssessmentSheet *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->class_ids = g_ptr_array_new_with_free_func (g_free);
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_box), keys);
}

StAssessmentSheet *
st_assessment_sheet_new (GtkWindow         *parent,
                         StDb              *db,
                         const char *const *class_ids,
                         const char        *class_id)
{
  StAssessmentSheet *self = g_object_new (ST_TYPE_ASSESSMENT_SHEET, "transient-for", parent, NULL);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *today = st_date_today ();
  guint selected = 0;

  for (guint i = 0; class_ids[i] != NULL; i++)
    {
      g_autoptr(StClass) c = st_class_load (db, class_ids[i], NULL);

      if (c == NULL)
        continue;
      if (g_strcmp0 (class_id, c->id) == 0)
        selected = self->class_ids->len;
      gtk_string_list_append (names, c->name);
      g_ptr_array_add (self->class_ids, g_strdup (c->id));
    }
  gtk_drop_down_set_model (self->class_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->class_dropdown, selected);
  gtk_editable_set_text (GTK_EDITABLE (self->date_entry), today);
  gtk_editable_set_text (GTK_EDITABLE (self->assessor_entry), st_db_get_actor (db) ? st_db_get_actor (db) : "");
  self->db = g_object_ref (db);
  fill_rows (self);
  return self;
}

GtkListBox *
st_assessment_sheet_get_list_box (StAssessmentSheet *self)
{
  return self->list_box;
}

GtkLabel *
st_assessment_sheet_get_count_label (StAssessmentSheet *self)
{
  return self->count_label;
}

void
st_assessment_sheet_set_kind (StAssessmentSheet *self,
                              const char        *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i], kind) == 0)
      gtk_drop_down_set_selected (self->kind_dropdown, i);
}

GtkDropDown *
st_assessment_sheet_get_class_dropdown (StAssessmentSheet *self)
{
  return self->class_dropdown;
}
