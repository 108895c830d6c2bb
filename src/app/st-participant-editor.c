/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "st-audit.h"
#include "st-display.h"
#include "st-idcard.h"
#include "st-limits.h"
#include "st-participant.h"
#include "st-participant-classes.h"
#include "st-participant-editor-private.h"
#include "st-participant-search.h"
#include "st-visit.h"
#include "st-visit-dialog.h"
#include "st-page-kit.h"

struct _StParticipantEditor
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkButton      *save_button;
  GtkRevealer    *error_revealer;
  GtkLabel       *error_label;
  AdwEntryRow    *id_number_row;
  AdwActionRow   *id_status_row;
  GtkLabel       *birth_date_label;
  GtkLabel       *sex_label;
  GtkLabel       *age_label;
  AdwEntryRow    *name_row;
  AdwEntryRow    *ethnicity_row;
  AdwEntryRow    *phone_row;
  AdwComboRow    *township_row;
  AdwComboRow    *village_row;
  AdwComboRow    *education_row;
  AdwEntryRow    *employment_row;
  AdwEntryRow    *health_row;
  AdwComboRow    *poverty_row;
  AdwEntryRow    *notes_row;
  AdwPreferencesGroup *history_group;
  GtkListBox     *history_list;
  AdwPreferencesGroup *classes_group;
  GtkListBox     *classes_list;
  AdwPreferencesGroup *visits_group;
  GtkListBox     *visits_list;
  GtkRevealer    *visit_info_revealer;
  GtkLabel       *visit_info_label;
  GCancellable   *cancellable;
  AdwPreferencesGroup *delete_group;

  StDb           *db;
  StDivisions    *divisions;
  char           *uuid;
  StParticipant  *stored;         /* as loaded; NULL for a new participant */
  GPtrArray      *township_codes;
  GPtrArray      *village_codes;  /* NULL entries: none, or the name as written */
  char           *id_problem;
  char           *error;
  gboolean        loading;
  gboolean        dirty;
  guint           n_history;
  guint           n_visits;
  char               *visits_refused;   /* why this account records no visit, or NULL */
};

G_DEFINE_FINAL_TYPE (StParticipantEditor, st_participant_editor, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  SIGNAL_DELETE_REQUESTED,
  SIGNAL_VISIT_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const education_codes[] = { NULL, "none", "primary", "junior", "senior" };
static const char *const poverty_codes[] = { NULL, "lifted", "monitored" };

static const char *
entry_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static char *
trimmed (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (entry_text (row)));
}

static void
set_entry (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

/* A stored value longer than its field takes (written before the limits,
 * or by another program) is shown by its beginning only: an entry holds at
 * most 65,535 bytes, and lays out a long line slowly. Until the row is
 * edited its problem is the stored value's, so that saving never shortens
 * it silently. */
#define PREVIEW_CHARS 1000

static void
set_text_entry (AdwEntryRow *row,
                const char  *column,
                const char  *label,
                const char  *text)
{
  char *problem = st_field_limit_problem ("participants", column, _(label), text);

  if (problem != NULL)
    {
      g_autofree char *valid = g_utf8_make_valid (text, -1);
      g_autofree char *preview = g_utf8_substring (valid, 0, MIN (st_field_limit_chars ("participants", column),
                                                                  PREVIEW_CHARS));

      set_entry (row, preview);
      g_object_set_data_full (G_OBJECT (row), "st-loaded-text", g_strdup (entry_text (row)), g_free);
      g_object_set_data_full (G_OBJECT (row), "st-loaded-problem", problem, g_free);
    }
  else
    {
      g_autofree char *valid = text != NULL && !g_utf8_validate (text, -1, NULL) ? g_utf8_make_valid (text, -1) : NULL;

      set_entry (row, valid != NULL ? valid : text);
      g_object_set_data (G_OBJECT (row), "st-loaded-text", NULL);
      g_object_set_data (G_OBJECT (row), "st-loaded-problem", NULL);
    }
}

static char *
text_entry_problem (AdwEntryRow *row,
                    const char  *column,
                    const char  *label)
{
  const char *loaded = g_object_get_data (G_OBJECT (row), "st-loaded-text");
  g_autofree char *text = NULL;

  if (loaded != NULL && g_str_equal (loaded, entry_text (row)))
    return g_strdup (g_object_get_data (G_OBJECT (row), "st-loaded-problem"));
  text = trimmed (row);
  return st_field_limit_problem ("participants", column, _(label), text);
}

static void
set_row_error (GtkWidget *row,
               gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
show_derived (StParticipantEditor *self)
{
  g_autofree char *text = trimmed (self->id_number_row);
  g_autoptr(GError) error = NULL;
  StIdcardInfo info;

  g_clear_pointer (&self->id_problem, g_free);
  if (*text != '\0' && st_idcard_parse (text, NULL, &info, &error))
    {
      g_autofree char *birth = st_idcard_birth_date_string (&info);
      g_autofree char *age = st_display_age (birth);
      /* Translators: an age, "35 years" */
      g_autofree char *age_text = g_strdup_printf (ngettext ("%s year", "%s years", (gulong) atoi (age)), age);

      gtk_label_set_text (self->birth_date_label, birth);
      gtk_label_set_text (self->sex_label, st_sex_to_display (info.sex));
      gtk_label_set_text (self->age_label, age_text);
      gtk_widget_set_visible (GTK_WIDGET (self->id_status_row), FALSE);
      set_row_error (GTK_WIDGET (self->id_number_row), FALSE);
      return;
    }

  gtk_label_set_text (self->birth_date_label, "—");
  gtk_label_set_text (self->sex_label, "—");
  gtk_label_set_text (self->age_label, "—");
  if (*text == '\0')
    {
      /* Nothing typed yet is not a mistake; Save stays off. */
      self->id_problem = g_strdup (_("An ID number is needed."));
      gtk_widget_set_visible (GTK_WIDGET (self->id_status_row), FALSE);
      set_row_error (GTK_WIDGET (self->id_number_row), FALSE);
      return;
    }
  /* The exact failure, as the core words it: the length, the character
   * and its place, the date, the expected check character. */
  self->id_problem = g_strdup (error->message);
  adw_action_row_set_subtitle (self->id_status_row, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->id_status_row), TRUE);
  set_row_error (GTK_WIDGET (self->id_number_row), TRUE);
}

static void
show_error (StParticipantEditor *self,
            const char          *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  if (message != NULL)
    gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/* The first problem of the fields other than the ID number (which has its
 * own row), or NULL. */
static char *
field_problem (StParticipantEditor *self)
{
  g_autofree char *name = trimmed (self->name_row);
  g_autofree char *ethnicity = trimmed (self->ethnicity_row);
  g_autofree char *phone = trimmed (self->phone_row);

  /* The rows with a length (st-limits.c), in the order of the form. */
  const struct { AdwEntryRow *row; const char *column; const char *label; } texts[] = {
    { self->name_row, "name", N_("Name") },
    { self->ethnicity_row, "ethnicity", N_("Ethnicity") },
    { self->phone_row, "phone", N_("Phone") },
    { self->employment_row, "employment", N_("Employment") },
    { self->health_row, "health", N_("Health") },
    { self->notes_row, "notes", N_("Notes") },
  };
  char *too_long = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      char *problem = text_entry_problem (texts[i].row, texts[i].column, texts[i].label);

      set_row_error (GTK_WIDGET (texts[i].row), problem != NULL);
      if (too_long == NULL)
        too_long = problem;
      else
        g_free (problem);
    }
  if (too_long != NULL)
    return too_long;
  set_row_error (GTK_WIDGET (self->ethnicity_row), *ethnicity && !st_ethnicity_normalize (ethnicity));
  set_row_error (GTK_WIDGET (self->phone_row), !st_phone_is_valid (phone));
  if (*name == '\0')
    return g_strdup (_("Name: a participant needs a name."));
  if (*ethnicity && !st_ethnicity_normalize (ethnicity))
    return g_strdup_printf (_("Ethnicity: “%s” is not one of the 56 official names (for example 布依族, 汉族, 苗族)."), ethnicity);
  if (!st_phone_is_valid (phone))
    return g_strdup (_("Phone: a mobile number has 11 digits; a landline starts with its area code, as in 0859-1234567."));
  if (adw_combo_row_get_selected (self->township_row) == GTK_INVALID_LIST_POSITION)
    return g_strdup (_("Township: choose the participant’s township."));
  return NULL;
}

static void
validate (StParticipantEditor *self)
{
  g_autofree char *problem = NULL;

  show_derived (self);
  problem = field_problem (self);
  /* Name is only called missing once something else was touched. */
  show_error (self, self->dirty || self->stored ? problem : NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 self->id_problem == NULL && problem == NULL && self->dirty
                                 && !st_db_is_read_only (self->db));
  /* A visit writes into this record: not over edits not yet saved. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-visit",
                                 self->stored != NULL && !self->dirty && !st_db_is_read_only (self->db)
                                 && self->visits_refused == NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->visits_group),
                               self->visits_refused != NULL ? self->visits_refused
                               : self->dirty ? _("Save or cancel the changes first: a visit updates this record.") : NULL);
}

static void
on_id_number_changed (StParticipantEditor *self)
{
  if (!self->loading)
    self->dirty = TRUE;
  validate (self);
}

static void
on_field_changed (StParticipantEditor *self)
{
  if (!self->loading)
    self->dirty = TRUE;
  validate (self);
}

static void
fill_villages (StParticipantEditor *self,
               const char          *village_code,
               const char          *village_name)
{
  guint township = adw_combo_row_get_selected (self->township_row);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint selected = 0;

  g_ptr_array_set_size (self->village_codes, 0);
  gtk_string_list_append (names, "—");
  g_ptr_array_add (self->village_codes, NULL);
  if (village_code == NULL && village_name != NULL)
    {
      /* Kept as the roster wrote it: stays until a village is chosen. */
      g_autofree char *label = g_strdup_printf (_("%s (as written)"), village_name);

      gtk_string_list_append (names, label);
      g_ptr_array_add (self->village_codes, NULL);
      selected = 1;
    }
  if (township != GTK_INVALID_LIST_POSITION && township < self->township_codes->len)
    {
      g_autoptr(GPtrArray) villages = st_divisions_villages_of (self->divisions,
                                                               g_ptr_array_index (self->township_codes, township));

      for (guint i = 0; i < villages->len; i++)
        {
          const StDivision *v = g_ptr_array_index (villages, i);

          if (g_strcmp0 (v->code, village_code) == 0)
            selected = self->village_codes->len;
          gtk_string_list_append (names, v->short_name);
          g_ptr_array_add (self->village_codes, g_strdup (v->code));
        }
    }
  adw_combo_row_set_model (self->village_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->village_row, selected);
}

static void
on_township_changed (StParticipantEditor *self)
{
  gboolean was_loading = self->loading;

  self->loading = TRUE;
  fill_villages (self, NULL, NULL);
  self->loading = was_loading;
  on_field_changed (self);
}

static guint
index_of (const char *const *codes,
          guint              n,
          const char        *code)
{
  for (guint i = 1; i < n; i++)
    if (g_strcmp0 (codes[i], code) == 0)
      return i;
  return 0;
}

/* A value in the history, at most a line long: a value of megabytes (old
 * data, before the limits) would take the layout seconds. */
#define HISTORY_VALUE_CHARS 80

static char *
shortened (char *value)
{
  g_autofree char *cut = NULL;

  if (value == NULL || strlen (value) <= HISTORY_VALUE_CHARS
      || g_utf8_strlen (value, -1) <= HISTORY_VALUE_CHARS)
    return value;
  cut = g_utf8_substring (value, 0, HISTORY_VALUE_CHARS);
  g_free (value);
  return g_strconcat (cut, "…", NULL);
}

static char *
describe_entry (StParticipantEditor *self,
                StAuditEntry        *entry)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean id_changed = FALSE;

  if (g_strcmp0 (entry->op, "insert") == 0)
    return g_strdup (_("Registered"));
  if (g_strcmp0 (entry->op, "delete") == 0)
    return g_strdup (_("Deleted"));

  for (guint i = 0; i < entry->changes->len; i++)
    id_changed |= g_str_equal (((StAuditChange *) g_ptr_array_index (entry->changes, i))->field, "id_number");
  for (guint i = 0; i < entry->changes->len; i++)
    {
      StAuditChange *c = g_ptr_array_index (entry->changes, i);
      g_autofree char *old_value = NULL;
      g_autofree char *new_value = NULL;

      if (g_str_equal (c->field, "deleted"))
        {
          if (g_strcmp0 (c->new_value, "0") == 0)
            g_string_append_printf (text, "%s%s", text->len ? "; " : "", _("Restored"));
          continue;
        }
      /* What the ID number encodes changes with it: say it once. */
      if (id_changed && (g_str_equal (c->field, "sex") || g_str_equal (c->field, "birth_date")
                         || g_str_equal (c->field, "region_code")))
        continue;
      old_value = shortened (st_display_field_value (self->divisions, c->field, c->old_value));
      new_value = shortened (st_display_field_value (self->divisions, c->field, c->new_value));
      /* Translators: a change in the history: "Phone: 138… → 139…" */
      g_string_append_printf (text, _("%s%s: %s → %s"), text->len ? "; " : "",
                              st_display_field_label (c->field), old_value, new_value);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_classes_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GPtrArray) classes = NULL;
  g_autoptr(GError) error = NULL;
  StParticipantEditor *self;

  classes = st_participant_classes_read_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = ST_PARTICIPANT_EDITOR (user_data);
  if (classes == NULL)
    {
      g_warning ("Could not read the participant's classes: %s", error->message);
      return;
    }
  for (guint i = 0; i < classes->len; i++)
    {
      StParticipantClass *c = g_ptr_array_index (classes, i);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), c->title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), c->subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_append (self->classes_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->classes_group), classes->len > 0);
}

/* The participant's classes, read in a worker: shown when they come. */
static void
load_classes (StParticipantEditor *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->classes_list))) != NULL)
    gtk_list_box_remove (self->classes_list, child);
  gtk_widget_set_visible (GTK_WIDGET (self->classes_group), FALSE);
  if (self->uuid == NULL)
    return;
  /* The callback runs only while the window is there: cancelled in dispose. */
  st_participant_classes_read_async (self->db, self->uuid, self->cancellable, on_classes_read, self);
}

/* The participant's visits, latest first. */
static void
load_visits (StParticipantEditor *self)
{
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->visits_list))) != NULL)
    gtk_list_box_remove (self->visits_list, child);
  self->n_visits = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->visits_group), self->uuid != NULL);
  if (self->uuid == NULL)
    return;
  visits = st_visit_list (self->db, self->uuid, &error);
  if (visits == NULL)
    {
      g_warning ("Could not read the visits: %s", error->message);
      return;
    }
  for (guint i = 0; i < visits->len; i++)
    {
      StVisit *v = g_ptr_array_index (visits, i);
      g_autofree char *title = st_visit_title (v);
      g_autofree char *summary = st_visit_summary (v);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), summary);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_append (self->visits_list, row);
      self->n_visits++;
    }
}

static void
load_history (StParticipantEditor *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, child);
  self->n_history = 0;
  if (self->uuid == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->history_group), FALSE);
      return;
    }

  entries = st_audit_history (self->db, self->uuid, &error);
  if (entries == NULL)
    {
      g_warning ("Could not read the change history: %s", error->message);
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      StAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *when = st_display_time_ms (entry->at_ms);
      g_autofree char *what = describe_entry (self, entry);
      g_autofree char *title = NULL;
      g_autofree char *laptop = NULL;
      GtkWidget *row;

      if (*what == '\0')
        continue;

      if (g_strcmp0 (entry->device, st_db_get_device_id (self->db)) == 0)
        laptop = g_strdup (_("this laptop"));
      else
        /* Translators: another laptop, by the start of its device id */
        laptop = g_strdup_printf (_("laptop %.8s"), entry->device ? entry->device : "");
      /* Translators: "2024-05-01 10:22 · wang · this laptop": when, who, where */
      title = g_strdup_printf (_("%s · %s · %s"), when, entry->actor ? entry->actor : _("unknown"), laptop);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), what);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), title);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_append (self->history_list, row);
      self->n_history++;
    }
}

static void
load (StParticipantEditor *self)
{
  StParticipant *p = self->stored;
  g_autoptr(GtkStringList) townships = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) list = st_divisions_townships (self->divisions);
  g_autoptr(GtkStringList) educations = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) poverties = gtk_string_list_new (NULL);
  guint township = GTK_INVALID_LIST_POSITION;

  self->loading = TRUE;

  for (guint i = 0; i < list->len; i++)
    {
      const StDivision *t = g_ptr_array_index (list, i);

      gtk_string_list_append (townships, t->name);
      g_ptr_array_add (self->township_codes, g_strdup (t->code));
      if (p && g_strcmp0 (p->township_code, t->code) == 0)
        township = i;
    }
  adw_combo_row_set_model (self->township_row, G_LIST_MODEL (townships));
  adw_combo_row_set_selected (self->township_row, township);

  gtk_string_list_append (educations, "—");
  for (guint i = 1; i < G_N_ELEMENTS (education_codes); i++)
    gtk_string_list_append (educations, st_education_to_display (education_codes[i]));
  adw_combo_row_set_model (self->education_row, G_LIST_MODEL (educations));
  gtk_string_list_append (poverties, "—");
  for (guint i = 1; i < G_N_ELEMENTS (poverty_codes); i++)
    gtk_string_list_append (poverties, st_poverty_to_display (poverty_codes[i]));
  adw_combo_row_set_model (self->poverty_row, G_LIST_MODEL (poverties));

  if (p != NULL)
    {
      g_autofree char *title = shortened (g_utf8_make_valid (p->name, -1));

      adw_window_title_set_title (self->window_title, title);
      set_entry (self->id_number_row, p->id_number);
      set_text_entry (self->name_row, "name", N_("Name"), p->name);
      set_text_entry (self->ethnicity_row, "ethnicity", N_("Ethnicity"), p->ethnicity);
      set_text_entry (self->phone_row, "phone", N_("Phone"), p->phone);
      set_text_entry (self->employment_row, "employment", N_("Employment"), p->employment);
      set_text_entry (self->health_row, "health", N_("Health"), p->health);
      set_text_entry (self->notes_row, "notes", N_("Notes"), p->notes);
      adw_combo_row_set_selected (self->education_row,
                                  index_of (education_codes, G_N_ELEMENTS (education_codes), p->education));
      adw_combo_row_set_selected (self->poverty_row,
                                  index_of (poverty_codes, G_N_ELEMENTS (poverty_codes), p->poverty));
      fill_villages (self, p->village_code, p->village_name);
    }
  else
    {
      adw_window_title_set_title (self->window_title, _("New Participant"));
      fill_villages (self, NULL, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->delete_group), FALSE);
    }
  load_history (self);
  load_visits (self);
  load_classes (self);

  self->loading = FALSE;
  self->dirty = FALSE;
  validate (self);
}

/* The code chosen in a combo row; NULL for "—" or nothing chosen. */
static const char *
code_at (const char *const *codes,
         guint              n,
         guint              index)
{
  return index < n ? codes[index] : NULL;
}

static char *
nonempty (AdwEntryRow *row)
{
  return st_display_entered (GTK_EDITABLE (row));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StParticipantEditor *self = ST_PARTICIPANT_EDITOR (widget);
  g_autoptr(StParticipant) p = self->stored ? st_participant_copy (self->stored) : st_participant_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *ethnicity = nonempty (self->ethnicity_row);
  g_autofree char *id_number = trimmed (self->id_number_row);
  guint township = adw_combo_row_get_selected (self->township_row);
  guint village = adw_combo_row_get_selected (self->village_row);
  gboolean created = self->stored == NULL;
  gboolean ok;

  validate (self);
  if (self->id_problem != NULL || self->error != NULL)
    return;

  if (!st_participant_set_id_number (p, id_number, &error))
    {
      show_error (self, error->message);
      return;
    }
#define SET(field, value) G_STMT_START { g_free (p->field); p->field = (value); } G_STMT_END
  SET (name, nonempty (self->name_row));
  SET (ethnicity, g_strdup (ethnicity ? st_ethnicity_normalize (ethnicity) : NULL));
  SET (phone, nonempty (self->phone_row));
  SET (employment, nonempty (self->employment_row));
  SET (health, nonempty (self->health_row));
  SET (notes, nonempty (self->notes_row));
  SET (township_code, g_strdup (g_ptr_array_index (self->township_codes, township)));
  if (village != GTK_INVALID_LIST_POSITION && village < self->village_codes->len
      && g_ptr_array_index (self->village_codes, village) != NULL)
    {
      SET (village_code, g_strdup (g_ptr_array_index (self->village_codes, village)));
      SET (village_name, NULL);
    }
  else if (village == 0)
    {
      SET (village_code, NULL);
      SET (village_name, NULL);
    }
  /* else: the name as written, kept as it was. */
  SET (education, g_strdup (code_at (education_codes, G_N_ELEMENTS (education_codes),
                                     adw_combo_row_get_selected (self->education_row))));
  SET (poverty, g_strdup (code_at (poverty_codes, G_N_ELEMENTS (poverty_codes),
                                   adw_combo_row_get_selected (self->poverty_row))));
#undef SET

  ok = created ? st_participant_insert (self->db, p, &error) : st_participant_update (self->db, p, &error);
  if (!ok)
    {
      /* A second person with the number, a full disk: the message says
       * what to do, and nothing was saved. */
      show_error (self, error->message);
      return;
    }
  if (!st_participant_search_refresh_one (self->db, p->id, &error))
    g_warning ("Could not update the search index: %s", error->message);

  g_free (self->uuid);
  self->uuid = g_strdup (p->id);
  self->dirty = FALSE;
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, p->id, created);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_discard_response (StParticipantEditor *self,
                     const char          *response)
{
  if (g_strcmp0 (response, "discard") == 0)
    {
      self->dirty = FALSE;
      /* Once the question (above the form) has gone. */
      st_page_kit_destroy_later (GTK_WINDOW (self));
    }
}

static gboolean
st_participant_editor_close_request (GtkWindow *window)
{
  StParticipantEditor *self = ST_PARTICIPANT_EDITOR (window);
  GtkWidget *dialog;

  if (!self->dirty)
    return GTK_WINDOW_CLASS (st_participant_editor_parent_class)->close_request (window);

  dialog = adw_message_dialog_new (window, _("Discard Changes?"),
                                   _("The changes to this participant have not been saved."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* A visit was saved: the record it changed is read again (the form had no
 * edit of its own: Add Visit is off while it has), and what changed is
 * said above the form. */
static void
on_visit_saved (StParticipantEditor *self,
                const char          *changed)
{
  g_autoptr(StParticipant) stored = NULL;
  g_autoptr(GError) error = NULL;

  if (changed != NULL)
    {
      stored = st_participant_load (self->db, self->uuid, &error);
      if (stored == NULL)
        g_warning ("Could not read participant %s again: %s", self->uuid, error->message);
      else
        {
          g_clear_pointer (&self->stored, st_participant_free);
          self->stored = g_steal_pointer (&stored);
          self->loading = TRUE;
          set_text_entry (self->phone_row, "phone", N_("Phone"), self->stored->phone);
          set_text_entry (self->employment_row, "employment", N_("Employment"), self->stored->employment);
          set_text_entry (self->health_row, "health", N_("Health"), self->stored->health);
          self->loading = FALSE;
          self->dirty = FALSE;
        }
      gtk_label_set_text (self->visit_info_label, changed);
    }
  gtk_revealer_set_reveal_child (self->visit_info_revealer, changed != NULL);
  load_visits (self);
  load_history (self);
  validate (self);
  g_signal_emit (self, signals[SIGNAL_VISIT_SAVED], 0, self->uuid);
}

static void
add_visit_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StParticipantEditor *self = ST_PARTICIPANT_EDITOR (widget);
  StVisitDialog *dialog;

  if (self->uuid == NULL)
    return;
  dialog = st_visit_dialog_new (GTK_WINDOW (self), self->db, self->uuid);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_visit_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StParticipantEditor *self = ST_PARTICIPANT_EDITOR (widget);

  if (self->stored != NULL)
    g_signal_emit (self, signals[SIGNAL_DELETE_REQUESTED], 0, self->stored->id, self->stored->name);
}

static void
st_participant_editor_dispose (GObject *object)
{
  StParticipantEditor *self = ST_PARTICIPANT_EDITOR (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (st_participant_editor_parent_class)->dispose (object);
}

static void
st_participant_editor_finalize (GObject *object)
{
  StParticipantEditor *self = ST_PARTICIPANT_EDITOR (object);

  g_clear_object (&self->db);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->divisions, st_divisions_unref);
  g_clear_pointer (&self->stored, st_participant_free);
  g_clear_pointer (&self->township_codes, g_ptr_array_unref);
  g_clear_pointer (&self->village_codes, g_ptr_array_unref);
  g_free (self->uuid);
  g_free (self->id_problem);
  g_free (self->error);
  g_free (self->visits_refused);

  G_OBJECT_CLASS (st_participant_editor_parent_class)->finalize (object);
}

static void
st_participant_editor_class_init (StParticipantEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = st_participant_editor_dispose;
  object_class->finalize = st_participant_editor_finalize;
  window_class->close_request = st_participant_editor_close_request;

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  /* A visit was saved (the list and the outreach filter follow). */
  signals[SIGNAL_VISIT_SAVED] =
    g_signal_new ("visit-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_DELETE_REQUESTED] =
    g_signal_new ("delete-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-participant-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, id_number_row);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, id_status_row);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, birth_date_label);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, sex_label);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, age_label);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, ethnicity_row);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, phone_row);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, township_row);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, village_row);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, education_row);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, employment_row);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, health_row);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, poverty_row);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, notes_row);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, history_group);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, history_list);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, classes_group);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, classes_list);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, delete_group);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, visits_group);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, visits_list);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, visit_info_revealer);
  gtk_widget_class_bind_template_child (widget_class, StParticipantEditor, visit_info_label);
  gtk_widget_class_bind_template_callback (widget_class, on_id_number_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_township_changed);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "editor.add-visit", NULL, add_visit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.cancel", NULL);
}

static void
st_participant_editor_init (StParticipantEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->township_codes = g_ptr_array_new_with_free_func (g_free);
  self->village_codes = g_ptr_array_new_with_free_func (g_free);
}

StParticipantEditor *
st_participant_editor_new (GtkWindow   *parent,
                           StDb        *db,
                           StDivisions *divisions,
                           const char  *uuid)
{
  StParticipantEditor *self = g_object_new (ST_TYPE_PARTICIPANT_EDITOR,
                                            "transient-for", parent,
                                            NULL);

  self->db = g_object_ref (db);
  self->divisions = st_divisions_ref (divisions);
  if (uuid != NULL)
    {
      g_autoptr(GError) error = NULL;

      self->stored = st_participant_load (db, uuid, &error);
      if (self->stored == NULL)
        g_warning ("Could not read participant %s: %s", uuid, error->message);
      else
        self->uuid = g_strdup (uuid);
    }
  load (self);
  return self;
}

const char *
st_participant_editor_get_uuid (StParticipantEditor *self)
{
  g_return_val_if_fail (ST_IS_PARTICIPANT_EDITOR (self), NULL);
  return self->uuid;
}

GtkEditable *
st_participant_editor_get_id_number_entry (StParticipantEditor *self)
{
  return GTK_EDITABLE (self->id_number_row);
}

GtkEditable *
st_participant_editor_get_name_entry (StParticipantEditor *self)
{
  return GTK_EDITABLE (self->name_row);
}

GtkEditable *
st_participant_editor_get_phone_entry (StParticipantEditor *self)
{
  return GTK_EDITABLE (self->phone_row);
}

GtkEditable *
st_participant_editor_get_notes_entry (StParticipantEditor *self)
{
  return GTK_EDITABLE (self->notes_row);
}

const char *
st_participant_editor_get_id_problem (StParticipantEditor *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->id_status_row))
    ? adw_action_row_get_subtitle (self->id_status_row) : NULL;
}

const char *
st_participant_editor_get_birth_date_text (StParticipantEditor *self)
{
  return gtk_label_get_text (self->birth_date_label);
}

const char *
st_participant_editor_get_sex_text (StParticipantEditor *self)
{
  return gtk_label_get_text (self->sex_label);
}

const char *
st_participant_editor_get_age_text (StParticipantEditor *self)
{
  return gtk_label_get_text (self->age_label);
}

const char *
st_participant_editor_get_error (StParticipantEditor *self)
{
  return gtk_revealer_get_reveal_child (self->error_revealer) ? gtk_label_get_text (self->error_label) : NULL;
}

gboolean
st_participant_editor_can_save (StParticipantEditor *self)
{
  /* What the Save button shows: it follows the action. */
  return gtk_widget_get_sensitive (GTK_WIDGET (self->save_button));
}

guint
st_participant_editor_get_n_history (StParticipantEditor *self)
{
  return self->n_history;
}

AdwComboRow *
st_participant_editor_get_township_row (StParticipantEditor *self)
{
  return self->township_row;
}

guint
st_participant_editor_get_n_visits (StParticipantEditor *self)
{
  return self->n_visits;
}

GtkListBox *
st_participant_editor_get_visits_list (StParticipantEditor *self)
{
  return self->visits_list;
}

const char *
st_participant_editor_get_visit_info (StParticipantEditor *self)
{
  return gtk_revealer_get_reveal_child (self->visit_info_revealer) ? gtk_label_get_text (self->visit_info_label) : NULL;
}

void
st_participant_editor_refuse_visits (StParticipantEditor *self,
                                     const char          *why)
{
  g_return_if_fail (ST_IS_PARTICIPANT_EDITOR (self));
  g_free (self->visits_refused);
  self->visits_refused = g_strdup (why);
  validate (self);
}
