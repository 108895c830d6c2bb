/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-date.h"
#include "st-participant.h"
#include "st-program.h"
#include "st-visit.h"
#include "st-visit-dialog-private.h"

struct _StVisitDialog
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkButton      *save_button;
  GtkRevealer    *error_revealer;
  GtkLabel       *error_label;
  AdwEntryRow    *date_row;
  AdwEntryRow    *visitor_row;
  AdwComboRow    *how_row;
  GtkSwitch      *reached_switch;
  AdwComboRow    *lives_row;
  AdwEntryRow    *province_row;
  AdwEntryRow    *city_row;
  AdwComboRow    *work_row;
  AdwComboRow    *health_row;
  AdwComboRow    *willing_row;
  AdwComboRow    *major_row;
  AdwEntryRow    *phone_row;
  AdwEntryRow    *note_row;
  AdwPreferencesGroup *changes_group;
  GtkLabel       *changes_label;

  StDb           *db;
  StParticipant  *participant;
  GPtrArray      *majors;       /* names, as the major row lists them after "—" */
  gboolean        loading;
  gboolean        touched;
};

G_DEFINE_FINAL_TYPE (StVisitDialog, st_visit_dialog, ADW_TYPE_WINDOW)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
text_of (AdwEntryRow *row)
{
  char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

/* The code chosen in a combo row of @codes; with @none, its first item is
 * "—" (not known). */
static const char *
code_of (AdwComboRow        *row,
         const char *const  *codes,
         gboolean            none)
{
  guint i = adw_combo_row_get_selected (row);

  if (i == GTK_INVALID_LIST_POSITION || (none && i == 0))
    return NULL;
  return codes[none ? i - 1 : i];
}

/* The visit the rows describe. */
static StVisit *
visit_of (StVisitDialog *self)
{
  StVisit *v = st_visit_new ();
  guint major = adw_combo_row_get_selected (self->major_row);

  v->participant_id = g_strdup (self->participant->id);
  v->date = text_of (self->date_row);
  v->visitor = text_of (self->visitor_row);
  v->how = g_strdup (code_of (self->how_row, st_visit_how_codes (), FALSE));
  v->reached = gtk_switch_get_active (self->reached_switch);
  v->lives = g_strdup (code_of (self->lives_row, st_visit_lives_codes (), TRUE));
  if (g_strcmp0 (v->lives, "away") == 0)
    {
      v->away_province = text_of (self->province_row);
      v->away_city = text_of (self->city_row);
    }
  v->work = g_strdup (code_of (self->work_row, st_visit_work_codes (), TRUE));
  v->health = g_strdup (code_of (self->health_row, st_visit_health_codes (), TRUE));
  v->willing = g_strdup (code_of (self->willing_row, st_visit_willing_codes (), TRUE));
  if (gtk_widget_get_visible (GTK_WIDGET (self->major_row)) && major != GTK_INVALID_LIST_POSITION
      && major > 0 && major - 1 < self->majors->len)
    v->major = g_strdup (g_ptr_array_index (self->majors, major - 1));
  v->phone = text_of (self->phone_row);
  v->note = text_of (self->note_row);
  return v;
}

static void
show_error (StVisitDialog *self,
            const char    *message)
{
  if (message != NULL)
    gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/* "Phone: 138… → 139…; Employment: …": what the visit changes. */
static char *
describe_changes (GPtrArray *changes)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < changes->len; i++)
    {
      g_autofree char *line = st_visit_change_describe (g_ptr_array_index (changes, i));

      g_string_append_printf (text, "%s%s", i ? "\n" : "", line);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Checks the rows as they change: the first problem above the form, and
 * what saving will change in the participant's record below it. */
static void
validate (StVisitDialog *self)
{
  g_autoptr(StVisit) v = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  const char *willing;
  gboolean ok;

  if (self->loading)
    return;
  willing = code_of (self->willing_row, st_visit_willing_codes (), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->province_row),
                          g_strcmp0 (code_of (self->lives_row, st_visit_lives_codes (), TRUE), "away") == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->city_row), gtk_widget_get_visible (GTK_WIDGET (self->province_row)));
  gtk_widget_set_visible (GTK_WIDGET (self->major_row),
                          g_strcmp0 (willing, "yes") == 0 || g_strcmp0 (willing, "later") == 0);

  v = visit_of (self);
  ok = st_visit_check (v, &error);
  /* The visitor is only called missing once something was chosen. */
  show_error (self, !ok && self->touched ? error->message : NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visit.save", ok && !st_db_is_read_only (self->db));

  if (ok)
    changes = st_visit_changes (self->db, v, NULL);
  if (changes != NULL && changes->len > 0)
    {
      g_autofree char *list = describe_changes (changes);
      /* Translators: "Saving also changes 王秀英’s record:" then one line per field */
      g_autofree char *text = g_strdup_printf (_("Saving also changes %s’s record:\n%s"), self->participant->name, list);

      gtk_label_set_text (self->changes_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->changes_group), changes != NULL && changes->len > 0);
}

static void
on_changed (StVisitDialog *self)
{
  if (!self->loading)
    self->touched = TRUE;
  validate (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StVisitDialog *self = ST_VISIT_DIALOG (widget);
  g_autoptr(StVisit) v = visit_of (self);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  changes = st_visit_add (self->db, v, &error);
  if (changes == NULL)
    {
      self->touched = TRUE;
      show_error (self, error->message);
      return;
    }
  if (changes->len > 0)
    {
      g_autofree char *list = describe_changes (changes);

      /* Translators: "Updated from the visit of 2025-03-01:" then one line per field */
      message = g_strdup_printf (_("Updated from the visit of %s:\n%s"), v->date, list);
    }
  g_signal_emit (self, signals[SAVED], 0, message);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
st_visit_dialog_finalize (GObject *object)
{
  StVisitDialog *self = ST_VISIT_DIALOG (object);

  g_clear_object (&self->db);
  g_clear_pointer (&self->participant, st_participant_free);
  g_clear_pointer (&self->majors, g_ptr_array_unref);
  G_OBJECT_CLASS (st_visit_dialog_parent_class)->finalize (object);
}

static void
st_visit_dialog_class_init (StVisitDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = st_visit_dialog_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-visit-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, visitor_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, how_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, reached_switch);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, lives_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, province_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, city_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, work_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, health_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, willing_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, major_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, phone_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, note_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, changes_group);
  gtk_widget_class_bind_template_child (widget_class, StVisitDialog, changes_label);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);

  gtk_widget_class_install_action (widget_class, "visit.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "visit.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "visit.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "visit.cancel", NULL);
}

static void
st_visit_dialog_init (StVisitDialog *self)
{
  self->loading = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* A combo row's words: "—" (not known) first when @none. */
static void
fill_combo (AdwComboRow         *row,
            const char *const   *codes,
            const char        *(*display) (const char *),
            gboolean             none)
{
  g_autoptr(GtkStringList) words = gtk_string_list_new (NULL);

  if (none)
    gtk_string_list_append (words, "—");
  for (guint i = 0; codes[i] != NULL; i++)
    gtk_string_list_append (words, display (codes[i]));
  adw_combo_row_set_model (row, G_LIST_MODEL (words));
  adw_combo_row_set_selected (row, 0);
}

StVisitDialog *
st_visit_dialog_new (GtkWindow  *parent,
                     StDb       *db,
                     const char *participant_id)
{
  StVisitDialog *self = g_object_new (ST_TYPE_VISIT_DIALOG, "transient-for", parent, NULL);
  g_autoptr(GtkStringList) majors = gtk_string_list_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *today = st_date_today ();

  self->db = g_object_ref (db);
  self->participant = st_participant_load (db, participant_id, &error);
  if (self->participant == NULL)
    {
      g_warning ("Could not read participant %s: %s", participant_id, error->message);
      self->participant = st_participant_new ();
      self->participant->id = g_strdup (participant_id);
      g_clear_error (&error);
    }
  adw_window_title_set_subtitle (self->window_title, self->participant->name);

  self->majors = st_majors_list (db, &error);
  if (self->majors == NULL)
    {
      g_warning ("Could not read the majors: %s", error->message);
      self->majors = g_ptr_array_new_with_free_func (g_free);
    }
  gtk_string_list_append (majors, "—");
  for (guint i = 0; i < self->majors->len; i++)
    gtk_string_list_append (majors, g_ptr_array_index (self->majors, i));
  adw_combo_row_set_model (self->major_row, G_LIST_MODEL (majors));

  fill_combo (self->how_row, st_visit_how_codes (), st_visit_how_to_display, FALSE);
  fill_combo (self->lives_row, st_visit_lives_codes (), st_visit_lives_to_display, TRUE);
  fill_combo (self->work_row, st_visit_work_codes (), st_visit_work_to_display, TRUE);
  fill_combo (self->health_row, st_visit_health_codes (), st_visit_health_to_display, TRUE);
  fill_combo (self->willing_row, st_visit_willing_codes (), st_visit_willing_to_display, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), today);
  gtk_switch_set_active (self->reached_switch, TRUE);

  self->loading = FALSE;
  validate (self);
  return self;
}

GtkWidget *
st_visit_dialog_get_row (StVisitDialog *self,
                         StVisitRow     row)
{
  GtkWidget *rows[] = {
    [ST_VISIT_ROW_DATE] = GTK_WIDGET (self->date_row),
    [ST_VISIT_ROW_VISITOR] = GTK_WIDGET (self->visitor_row),
    [ST_VISIT_ROW_HOW] = GTK_WIDGET (self->how_row),
    [ST_VISIT_ROW_REACHED] = GTK_WIDGET (self->reached_switch),
    [ST_VISIT_ROW_LIVES] = GTK_WIDGET (self->lives_row),
    [ST_VISIT_ROW_PROVINCE] = GTK_WIDGET (self->province_row),
    [ST_VISIT_ROW_CITY] = GTK_WIDGET (self->city_row),
    [ST_VISIT_ROW_WORK] = GTK_WIDGET (self->work_row),
    [ST_VISIT_ROW_HEALTH] = GTK_WIDGET (self->health_row),
    [ST_VISIT_ROW_WILLING] = GTK_WIDGET (self->willing_row),
    [ST_VISIT_ROW_MAJOR] = GTK_WIDGET (self->major_row),
    [ST_VISIT_ROW_PHONE] = GTK_WIDGET (self->phone_row),
    [ST_VISIT_ROW_NOTE] = GTK_WIDGET (self->note_row),
  };

  g_return_val_if_fail (row < G_N_ELEMENTS (rows), NULL);
  return rows[row];
}

const char *
st_visit_dialog_get_error (StVisitDialog *self)
{
  return gtk_revealer_get_reveal_child (self->error_revealer) ? gtk_label_get_text (self->error_label) : NULL;
}

const char *
st_visit_dialog_get_changes (StVisitDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->changes_group)) ? gtk_label_get_text (self->changes_label) : NULL;
}
