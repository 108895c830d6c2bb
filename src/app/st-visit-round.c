/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-date.h"
#include "st-display.h"
#include "st-participant-query.h"
#include "st-visit.h"
#include "st-visit-round.h"

typedef struct
{
  char      *participant_id;
  char      *name;
  StVisit   *pending;     /* the answers typed so far */
  gboolean   touched;
  GtkWidget *row;
  GtkLabel  *answers;
} Line;

struct _StVisitRound
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  AdwEntryRow    *date_row;
  AdwEntryRow    *visitor_row;
  AdwComboRow    *how_row;
  GtkLabel       *message_label;
  GtkListBox     *list_box;

  StDb           *db;
  StDivisions    *divisions;
  char           *township_code;
  char           *village_code;
  GPtrArray      *lines;         /* Line */
};

G_DEFINE_FINAL_TYPE (StVisitRound, st_visit_round, ADW_TYPE_WINDOW)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
line_free (Line *line)
{
  g_free (line->participant_id);
  g_free (line->name);
  st_visit_free (line->pending);
  g_free (line);
}

static void
show_answers (Line *line)
{
  g_autofree char *text = line->touched ? st_visit_summary (line->pending) : g_strdup ("—");

  gtk_label_set_text (line->answers, text);
}

static void
show_message (StVisitRound *self,
              const char   *text)
{
  gtk_label_set_text (self->message_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);
}

/* The people never reached, one line each. */
static void
load_lines (StVisitRound *self)
{
  StParticipantQuery query = { 0 };
  g_autoptr(GArray) rowids = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  g_ptr_array_set_size (self->lines, 0);
  query.township_code = self->township_code;
  query.village_code = self->village_code;
  query.outreach = "unreached";
  rowids = st_participant_query_run (self->db, &query, &error);
  if (rowids != NULL)
    rows = st_participant_query_fetch (self->db, (const gint64 *) rowids->data, rowids->len, &error);
  if (rows == NULL)
    {
      show_message (self, error->message);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      StParticipantSummary *p = g_ptr_array_index (rows, i);
      Line *line;
      GtkWidget *answers;

      if (p == NULL)
        continue;
      line = g_new0 (Line, 1);
      line->participant_id = g_strdup (p->id);
      line->name = g_strdup (p->name);
      line->pending = st_visit_new ();
      line->row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (line->row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (line->row), p->name);
      {
        g_autofree char *village = st_display_village (self->divisions, p->village_code, p->village_name);

        adw_action_row_set_subtitle (ADW_ACTION_ROW (line->row), village ? village : "");
      }
      answers = gtk_label_new (NULL);
      /* Room for every answer on a line or two, beside the name. */
      gtk_label_set_wrap (GTK_LABEL (answers), TRUE);
      gtk_label_set_width_chars (GTK_LABEL (answers), 34);
      gtk_label_set_max_width_chars (GTK_LABEL (answers), 48);
      gtk_label_set_xalign (GTK_LABEL (answers), 1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (line->row), answers);
      line->answers = GTK_LABEL (answers);
      show_answers (line);
      gtk_list_box_append (self->list_box, line->row);
      g_ptr_array_add (self->lines, line);
    }
  /* The keyboard on the first line: its answers can be typed at once. */
  if (self->lines->len > 0)
    st_visit_round_select (self, 0);
}

static Line *
selected_line (StVisitRound *self,
               guint        *index)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list_box);

  for (guint i = 0; row != NULL && i < self->lines->len; i++)
    if (((Line *) g_ptr_array_index (self->lines, i))->row == GTK_WIDGET (row))
      {
        if (index != NULL)
          *index = i;
        return g_ptr_array_index (self->lines, i);
      }
  return NULL;
}

void
st_visit_round_select (StVisitRound *self,
                       guint         line)
{
  GtkWidget *row;

  g_return_if_fail (line < self->lines->len);
  row = ((Line *) g_ptr_array_index (self->lines, line))->row;
  gtk_list_box_select_row (self->list_box, GTK_LIST_BOX_ROW (row));
  /* The keys answer for the line selected: it has the keyboard, as after
   * a click on it (also before the window is shown). */
  gtk_window_set_focus (GTK_WINDOW (self), row);
}

static void
set_text (char       **field,
          const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

gboolean
st_visit_round_handle_key (StVisitRound *self,
                           guint         keyval)
{
  guint index = 0;
  Line *line = selected_line (self, &index);
  StVisit *v;

  if (line == NULL)
    return FALSE;
  v = line->pending;
  switch (gdk_keyval_to_lower (keyval))
    {
    case GDK_KEY_Up:
      if (index > 0)
        st_visit_round_select (self, index - 1);
      return TRUE;
    case GDK_KEY_Down: case GDK_KEY_Return: case GDK_KEY_KP_Enter: case GDK_KEY_ISO_Enter:
      if (index + 1 < self->lines->len)
        st_visit_round_select (self, index + 1);
      return TRUE;
    case GDK_KEY_BackSpace: case GDK_KEY_Delete:
      st_visit_free (line->pending);
      line->pending = st_visit_new ();
      line->touched = FALSE;
      show_answers (line);
      return TRUE;
    /* Reached or not; not reached, nobody said whether they will enrol. */
    case GDK_KEY_y: v->reached = TRUE; break;
    case GDK_KEY_n: v->reached = FALSE; g_clear_pointer (&v->willing, g_free); break;
    case GDK_KEY_h: set_text (&v->lives, "home"); break;
    case GDK_KEY_a: set_text (&v->lives, "away"); break;
    case GDK_KEY_f: set_text (&v->work, "farming"); break;
    case GDK_KEY_l: set_text (&v->work, "local"); break;
    case GDK_KEY_w: set_text (&v->work, "away"); break;
    case GDK_KEY_0: case GDK_KEY_KP_0: set_text (&v->work, "none"); break;
    case GDK_KEY_g: set_text (&v->health, "good"); break;
    case GDK_KEY_i: set_text (&v->health, "illness"); break;
    case GDK_KEY_d: set_text (&v->health, "disability"); break;
    /* An answer about enrolling was given by the person: reached. */
    case GDK_KEY_e: set_text (&v->willing, "yes"); v->reached = TRUE; break;
    case GDK_KEY_x: set_text (&v->willing, "no"); v->reached = TRUE; break;
    case GDK_KEY_t: set_text (&v->willing, "later"); v->reached = TRUE; break;
    default:
      return FALSE;
    }
  line->touched = TRUE;
  show_answers (line);
  return TRUE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                StVisitRound          *self)
{
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;
  return st_visit_round_handle_key (self, keyval);
}

/* Every line with answers, in one transaction: all saved or none, and
 * what they changed in the records said. */
static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StVisitRound *self = ST_VISIT_ROUND (widget);
  g_autoptr(GString) changed = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *date = st_display_entered (GTK_EDITABLE (self->date_row));
  g_autofree char *visitor = st_display_entered (GTK_EDITABLE (self->visitor_row));
  const char *how = st_visit_how_codes ()[MIN (adw_combo_row_get_selected (self->how_row), 2)];
  g_autofree char *message = NULL;
  guint saved = 0;

  if (!st_db_begin (self->db, &error))
    {
      show_message (self, error->message);
      return;
    }
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);
      g_autoptr(GPtrArray) changes = NULL;

      if (!line->touched)
        continue;
      set_text (&line->pending->participant_id, line->participant_id);
      set_text (&line->pending->date, date);
      set_text (&line->pending->visitor, visitor);
      set_text (&line->pending->how, how);
      g_clear_pointer (&line->pending->id, g_free);
      changes = st_visit_add (self->db, line->pending, &error);
      if (changes == NULL)
        {
          /* Translators: a line of the visit sheet refused: "王秀英: Visitor: say who made the visit." */
          message = g_strdup_printf (_("%s: %s Nothing was saved."), line->name, error->message);
          st_db_rollback (self->db);
          st_visit_round_select (self, i);
          show_message (self, message);
          return;
        }
      for (guint c = 0; c < changes->len; c++)
        {
          g_autofree char *what = st_visit_change_describe (g_ptr_array_index (changes, c));

          g_string_append_printf (changed, "\n%s — %s", line->name, what);
        }
      saved++;
    }
  if (!st_db_commit (self->db, &error))
    {
      show_message (self, error->message);
      return;
    }
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u visit saved.", "%u visits saved.", saved), saved);
  if (changed->len > 0)
    {
      g_autofree char *with = g_strconcat (message, " ", _("The records now say:"), changed->str, NULL);

      g_free (message);
      message = g_steal_pointer (&with);
    }
  load_lines (self);
  show_message (self, message);
  if (saved > 0)
    g_signal_emit (self, signals[SAVED], 0);
}

static void
st_visit_round_finalize (GObject *object)
{
  StVisitRound *self = ST_VISIT_ROUND (object);

  g_clear_object (&self->db);
  g_clear_pointer (&self->divisions, st_divisions_unref);
  g_free (self->township_code);
  g_free (self->village_code);
  g_clear_pointer (&self->lines, g_ptr_array_unref);
  G_OBJECT_CLASS (st_visit_round_parent_class)->finalize (object);
}

static void
st_visit_round_class_init (StVisitRoundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = st_visit_round_finalize;
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-visit-round.ui");
  gtk_widget_class_bind_template_child (widget_class, StVisitRound, window_title);
  gtk_widget_class_bind_template_child (widget_class, StVisitRound, date_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitRound, visitor_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitRound, how_row);
  gtk_widget_class_bind_template_child (widget_class, StVisitRound, message_label);
  gtk_widget_class_bind_template_child (widget_class, StVisitRound, list_box);
  gtk_widget_class_install_action (widget_class, "round.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "round.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
st_visit_round_init (StVisitRound *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
  /* Before the rows: the answer keys wherever the focus is in the list. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_box), keys);
}

StVisitRound *
st_visit_round_new (GtkWindow   *parent,
                    StDb        *db,
                    StDivisions *divisions,
                    const char  *township_code,
                    const char  *village_code)
{
  StVisitRound *self = g_object_new (ST_TYPE_VISIT_ROUND, "transient-for", parent, NULL);
  g_autoptr(GtkStringList) hows = gtk_string_list_new (NULL);
  g_autofree char *today = st_date_today ();
  g_autofree char *place = NULL;

  self->db = g_object_ref (db);
  self->divisions = st_divisions_ref (divisions);
  self->township_code = g_strdup (township_code);
  self->village_code = g_strdup (village_code);
  for (const char *const *code = st_visit_how_codes (); *code != NULL; code++)
    gtk_string_list_append (hows, st_visit_how_to_display (*code));
  adw_combo_row_set_model (self->how_row, G_LIST_MODEL (hows));
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), today);
  if (village_code != NULL)
    {
      g_autofree char *village = st_display_village (divisions, village_code, NULL);

      place = g_strdup_printf ("%s %s", st_display_township (divisions, township_code), village ? village : "");
    }
  else
    place = g_strdup (st_display_township (divisions, township_code));
  adw_window_title_set_subtitle (self->window_title, place);
  load_lines (self);
  return self;
}

guint
st_visit_round_get_n_lines (StVisitRound *self)
{
  return self->lines->len;
}

const char *
st_visit_round_get_line (StVisitRound *self,
                         guint         line)
{
  return ((Line *) g_ptr_array_index (self->lines, line))->name;
}

const char *
st_visit_round_get_answers (StVisitRound *self,
                            guint         line)
{
  return gtk_label_get_text (((Line *) g_ptr_array_index (self->lines, line))->answers);
}

const char *
st_visit_round_get_message (StVisitRound *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label)) ? gtk_label_get_text (self->message_label) : NULL;
}

GtkEditable *
st_visit_round_get_visitor (StVisitRound *self)
{
  return GTK_EDITABLE (self->visitor_row);
}
