/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "st-class-util.h"
#include "st-class-view-private.h"
#include "st-classwork.h"
#include "st-display.h"
#include "st-eligibility.h"
#include "st-idcard.h"
#include "st-participant.h"
#include "st-participant-query.h"
#include "st-program.h"
#include "st-schedule.h"

struct _StClassView
{
  GtkWidget     parent_instance;

  GtkWidget    *box;
  GtkLabel     *title_label;
  GtkLabel     *subtitle_label;
  GtkStack     *stack;
  GtkStack     *participants_stack;
  GtkLabel     *progress_label;
  GtkSpinner   *progress_spinner;
  GtkListBox   *participant_list;
  GtkStack     *sessions_stack;
  GtkListBox   *session_list;

  StDb         *db;
  StDivisions  *divisions;
  StClass      *klass;
  StProgram    *program;
  GPtrArray    *enrolments;     /* StEnrolment */
  GHashTable   *rows;           /* participant id → AdwActionRow (borrowed) */
  GHashTable   *progress;       /* participant id → text */
  GCancellable *cancellable;
  guint         n_sessions;
  guint         reveal_tick;
  guint         reveal_frames;
  gboolean      progress_ready;
};

G_DEFINE_FINAL_TYPE (StClassView, st_class_view, GTK_TYPE_WIDGET)

/* A screenful of rows is shown at once; the rest of a class of 60 and its
 * sessions are made hidden and shown a screenful a frame from the frame
 * after the first (a tick callback: an idle of lower priority than
 * drawing can wait as long as something animates): styling and measuring
 * 90 rows at once stopped the window for about 0.1 s (bench-county). */
#define ROWS_AT_ONCE 14

static gboolean
reveal_some (GtkListBox *list,
             guint      *budget)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL && *budget > 0;
       row = gtk_widget_get_next_sibling (row))
    if (g_object_get_data (G_OBJECT (row), "st-later") != NULL)
      {
        g_object_set_data (G_OBJECT (row), "st-later", NULL);
        gtk_widget_set_visible (row, TRUE);
        (*budget)--;
      }
  return *budget == 0;
}

static gboolean
reveal_rows (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  StClassView *self = ST_CLASS_VIEW (widget);
  guint budget = ROWS_AT_ONCE;

  /* The first tick is that of the frame the first rows are drawn in. */
  if (self->reveal_frames++ == 0)
    return G_SOURCE_CONTINUE;
  if (reveal_some (self->participant_list, &budget) || reveal_some (self->session_list, &budget))
    return G_SOURCE_CONTINUE;
  self->reveal_tick = 0;
  return G_SOURCE_REMOVE;
}

/* Appends @row to @list, hidden until reveal_rows () if it is beyond the
 * first screenful. */
static void
append_row (StClassView *self,
            GtkListBox  *list,
            GtkWidget   *row,
            guint        index)
{
  if (index >= ROWS_AT_ONCE)
    {
      gtk_widget_set_visible (row, FALSE);
      g_object_set_data (G_OBJECT (row), "st-later", GINT_TO_POINTER (TRUE));
      if (self->reveal_tick == 0)
        {
          self->reveal_frames = 0;
          self->reveal_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), reveal_rows, NULL, NULL);
        }
    }
  gtk_list_box_append (list, row);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static char *
progress_text (StClassView         *self,
               const StEligibility *e)
{
  g_autofree char *missing = st_eligibility_describe_missing (e);
  g_autofree char *hours = NULL;

  if (self->program != NULL && self->program->kind == ST_PROGRAM_TRAINING)
    {
      g_autofree char *done = st_class_format_hours (e->attended);
      g_autofree char *needed = st_class_format_hours (self->program->attended_min_minutes);

      /* Translators: "Attended 16 / 40 hours" (学时) */
      hours = g_strdup_printf (_("Attended %s / %s hours"), done, needed);
    }
  else
    {
      g_autofree char *done = st_class_format_hours (e->concentrated);
      g_autofree char *needed = st_class_format_hours (e->required_concentrated);
      g_autofree char *study = st_class_format_hours (e->self_study + e->online);
      g_autofree char *study_needed = st_class_format_hours (self->program ? self->program->self_and_online_min_minutes : 0);

      /* Translators: "Concentrated 16 / 288 h · self-study and online 20 / 360 h" */
      hours = g_strdup_printf (_("Concentrated %s / %s h · self-study and online %s / %s h"),
                               done, needed, study, study_needed);
    }
  /* §(六)2–3: credits, when someone has some or the program asks for them. */
  if (e->credits > 0 || (self->program != NULL && self->program->min_credits > 0))
    {
      /* Translators: appended to a participant's hours: " · 4 credits" */
      g_autofree char *credits = g_strdup_printf (ngettext (" · %u credit", " · %u credits", e->credits), e->credits);
      char *with = g_strconcat (hours, credits, NULL);

      g_free (hours);
      hours = with;
    }
  if (*missing == '\0')
    return g_strdup_printf ("%s\n%s", hours, st_outcome_to_display (e->outcome));
  /* Translators: "<hours>\nStill missing: <what>" */
  return g_strdup_printf (_("%s\nStill missing: %s"), hours, missing);
}

static void
show_progress (StClassView *self,
               GPtrArray   *evaluated)
{
  guint eligible = 0, short_of_hours = 0;
  g_autofree char *summary = NULL;

  g_hash_table_remove_all (self->progress);
  for (guint i = 0; i < evaluated->len; i++)
    {
      StEligibility *e = g_ptr_array_index (evaluated, i);
      AdwActionRow *row = g_hash_table_lookup (self->rows, e->participant_id);
      g_autofree char *text = progress_text (self, e);
      g_autofree char *escaped = g_markup_escape_text (text, -1);

      if (e->outcome == ST_OUTCOME_ELIGIBLE)
        eligible++;
      for (guint m = 0; m < e->missing->len; m++)
        {
          StMissingKind kind = g_array_index (e->missing, StMissing, m).kind;

          if (kind == ST_MISSING_CONCENTRATED || kind == ST_MISSING_SELF_STUDY
              || kind == ST_MISSING_SELF_AND_ONLINE || kind == ST_MISSING_ATTENDED)
            {
              short_of_hours++;
              break;
            }
        }
      if (row != NULL && g_strcmp0 (g_object_get_data (G_OBJECT (row), "state"), "studying") == 0)
        {
          adw_action_row_set_subtitle (row, escaped);
          g_hash_table_insert (self->progress, g_strdup (e->participant_id), g_strdup (text));
        }
    }
  {
    /* Translators: the class's progress, first part: "12 short of hours" */
    g_autofree char *short_text = g_strdup_printf (ngettext ("%u short of hours", "%u short of hours", short_of_hours),
                                                   short_of_hours);
    /* Translators: the class's progress, second part: "3 eligible to graduate" */
    g_autofree char *eligible_text = g_strdup_printf (ngettext ("%u eligible to graduate", "%u eligible to graduate",
                                                                eligible), eligible);

    /* Translators: the two parts of a class's progress */
    summary = g_strdup_printf (_("%s · %s"), short_text, eligible_text);
  }
  gtk_label_set_text (self->progress_label, summary);
}

typedef struct
{
  char *path;
  char *class_id;
} ProgressJob;

static void
progress_job_free (ProgressJob *job)
{
  g_free (job->path);
  g_free (job->class_id);
  g_free (job);
}

static void
progress_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ProgressJob *job = task_data;
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  StEligibilityQuery query = { .class_id = job->class_id };
  GPtrArray *evaluated;

  /* Its own connection: a class of hundreds must not hold the window. */
  db = st_db_open (job->path, &error);
  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  evaluated = st_eligibility_evaluate (db, &query, &error);
  if (evaluated == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, evaluated, (GDestroyNotify) g_ptr_array_unref);
}

static void
progress_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  StClassView *self = ST_CLASS_VIEW (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) evaluated = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (self->progress_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_spinner), FALSE);
  if (evaluated == NULL)
    {
      g_warning ("Could not work out the progress of the class: %s", error->message);
      gtk_label_set_text (self->progress_label, error->message);
    }
  else
    show_progress (self, evaluated);
  self->progress_ready = TRUE;
}

static void
start_progress (StClassView *self)
{
  g_autoptr(GTask) task = NULL;
  ProgressJob *job;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->progress_ready = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_spinner), TRUE);
  gtk_spinner_start (self->progress_spinner);
  gtk_label_set_text (self->progress_label, _("Working out the hours of every participant…"));

  job = g_new0 (ProgressJob, 1);
  job->path = g_strdup (st_db_get_path (self->db));
  job->class_id = g_strdup (self->klass->id);
  task = g_task_new (self, self->cancellable, progress_done, NULL);
  g_task_set_source_tag (task, start_progress);
  g_task_set_task_data (task, job, (GDestroyNotify) progress_job_free);
  g_task_run_in_thread (task, progress_thread);
}

typedef struct
{
  const char *const *labels;       /* static, translated */
  const char *const *actions;      /* static */
  guint              n;
  char              *target;
} MenuSpec;

static void
menu_spec_free (gpointer data)
{
  MenuSpec *spec = data;

  g_free (spec->target);
  g_free (spec);
}

/* The menu is made when it is first opened: a class of 60 has 60 of these
 * buttons, and GTK 4.8 makes a button's whole popover when it is given a
 * menu (about 1.5 ms each, a tenth of a second for a class). */
static void
create_menu (GtkMenuButton *button,
             gpointer       user_data)
{
  MenuSpec *spec = user_data;
  g_autoptr(GMenu) menu = g_menu_new ();

  for (guint i = 0; i < spec->n; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (spec->labels[i], NULL);

      g_menu_item_set_action_and_target_value (item, spec->actions[i], g_variant_new_string (spec->target));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (menu));
}

static GtkWidget *
menu_button (const char *const *labels,
             const char *const *actions,
             guint              n,
             const char        *target,
             const char        *accessible_name)
{
  GtkWidget *button = gtk_menu_button_new ();
  MenuSpec *spec = g_new0 (MenuSpec, 1);

  spec->labels = labels;
  spec->actions = actions;
  spec->n = n;
  spec->target = g_strdup (target);
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (button), create_menu, spec, menu_spec_free);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  return button;
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  GHashTable *names = user_data;
  const StEnrolment *x = *(StEnrolment *const *) a, *y = *(StEnrolment *const *) b;
  int sx = g_strcmp0 (x->state, "studying") != 0, sy = g_strcmp0 (y->state, "studying") != 0;

  if (sx != sy)
    return sx - sy;
  return g_utf8_collate (g_hash_table_lookup (names, x->participant_id), g_hash_table_lookup (names, y->participant_id));
}

static void
fill_participants (StClassView *self)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) numbers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  guint studying = 0;

  clear_list (self->participant_list);
  g_hash_table_remove_all (self->rows);
  for (guint i = 0; i < self->enrolments->len; i++)
    {
      StEnrolment *e = g_ptr_array_index (self->enrolments, i);
      g_autoptr(StParticipant) p = st_participant_load (self->db, e->participant_id, NULL);

      g_hash_table_insert (names, e->participant_id, g_strdup (p ? p->name : "?"));
      g_hash_table_insert (numbers, e->participant_id, st_idcard_mask (p ? p->id_number : ""));
    }
  g_ptr_array_sort_with_data (self->enrolments, compare_by_name, names);

  for (guint i = 0; i < self->enrolments->len; i++)
    {
      StEnrolment *e = g_ptr_array_index (self->enrolments, i);
      const char *name = g_hash_table_lookup (names, e->participant_id);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_markup_printf_escaped ("%s  <span size=\"small\" alpha=\"60%%\">%s</span>", name,
                                                        (const char *) g_hash_table_lookup (numbers, e->participant_id));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      g_object_set_data_full (G_OBJECT (row), "state", g_strdup (e->state), g_free);
      if (g_strcmp0 (e->state, "studying") == 0)
        {
          static const char *labels[3];
          static const char *const actions[] = { "classes.participant-hours", "classes.participant-assignment",
                                                 "classes.withdraw" };
          g_autofree char *accessible = g_strdup_printf (_("Actions for %s"), name);

          labels[0] = _("Study Hours…");
          labels[1] = _("Assignments…");
          labels[2] = _("Withdraw…");
          studying++;
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Working out hours…"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     menu_button (labels, actions, 3, e->participant_id, accessible));
        }
      else
        {
          g_autofree char *subtitle = NULL;

          if (g_strcmp0 (e->state, "withdrawn") == 0)
            /* Translators: "Withdrawn on 2024-06-30: <reason>" */
            subtitle = g_markup_printf_escaped (_("Withdrawn on %s: %s"), e->state_date ? e->state_date : "",
                                                e->withdraw_reason ? e->withdraw_reason : "");
          else
            subtitle = g_markup_printf_escaped ("%s %s", st_enrolment_state_to_display (e->state),
                                                e->state_date ? e->state_date : "");
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          gtk_widget_add_css_class (row, "dim-label");
        }
      g_hash_table_insert (self->rows, e->participant_id, row);
      append_row (self, self->participant_list, row, i);
    }
  gtk_stack_set_visible_child_name (self->participants_stack, self->enrolments->len > 0 ? "list" : "empty");
}

static void
fill_sessions (StClassView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = st_session_list (self->db, self->klass->id, &error);
  g_autoptr(GHashTable) tally = st_class_attendance_tally (self->db, self->klass->id, &error);

  clear_list (self->session_list);
  self->n_sessions = sessions ? sessions->len : 0;
  /* Newest first: today's is the one wanted. */
  for (guint i = self->n_sessions; i-- > 0;)
    {
      StSession *s = g_ptr_array_index (sessions, i);
      StSessionTally *t = tally ? g_hash_table_lookup (tally, s->id) : NULL;
      static const char *labels[2];
      static const char *const actions[] = { "classes.print-signin", "classes.save-signin" };
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *hours = st_class_format_hours (s->minutes);
      g_autofree char *title = NULL;
      g_autofree char *attendance = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *accessible = NULL;
      g_autoptr(GString) parts = g_string_new (st_session_subject_to_display (s->subject));

      labels[0] = _("_Print Sign-in Sheet…");
      labels[1] = _("Save Sign-in Sheet as _PDF…");
      /* Translators: a session: "2025-03-08 · 8 h · Concentrated" */
      title = g_markup_printf_escaped (_("%s · %s h · %s"), s->date, hours, st_session_mode_to_display (s->mode));
      if (t != NULL)
        /* Translators: attendance of a session, "38 / 40 present" */
        attendance = g_strdup_printf (_("%u / %u present"), t->present, t->recorded);
      else
        attendance = g_strdup (_("attendance not taken"));
      if (s->trainer != NULL && *s->trainer != '\0')
        g_string_append_printf (parts, " · %s", s->trainer);
      if (s->place != NULL && *s->place != '\0')
        g_string_append_printf (parts, " · %s", s->place);
      g_string_append_printf (parts, " · %s", attendance);
      subtitle = g_markup_escape_text (parts->str, -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "classes.open-session");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), g_variant_new_string (s->id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      accessible = g_strdup_printf (_("Sign-in sheet of %s"), s->date);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), menu_button (labels, actions, 2, s->id, accessible));
      append_row (self, self->session_list, row, self->n_sessions - 1 - i);
    }
  gtk_stack_set_visible_child_name (self->sessions_stack, self->n_sessions > 0 ? "list" : "empty");
}

static void
fill (StClassView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);

  g_clear_pointer (&self->enrolments, g_ptr_array_unref);
  self->enrolments = st_enrolment_list (self->db, self->klass->id, NULL, &error);
  if (self->enrolments == NULL)
    {
      g_warning ("Could not read the enrolments: %s", error->message);
      self->enrolments = g_ptr_array_new_with_free_func ((GDestroyNotify) st_enrolment_free);
    }

  gtk_label_set_text (self->title_label, self->klass->name);
  g_string_append (subtitle, self->program ? st_class_program_name (self->program) : self->klass->program_code);
  if (self->klass->major != NULL)
    g_string_append_printf (subtitle, " · %s", self->klass->major);
  g_string_append_printf (subtitle, " · %s", st_display_township (self->divisions, self->klass->township_code));
  /* Translators: when a class started */
  g_string_append (subtitle, " · ");
  g_string_append_printf (subtitle, _("since %s"), self->klass->start_date);
  if (self->klass->trainers != NULL && self->klass->trainers[0] != NULL)
    {
      g_autofree char *trainers = g_strjoinv (_(", "), self->klass->trainers);

      g_string_append_printf (subtitle, " · %s", trainers);
    }
  /* Annex 6 §(五)4: the class's schedule of concentrated teaching, and
   * whether it is kept (as of today). */
  if (self->program != NULL && self->program->kind == ST_PROGRAM_DIPLOMA)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
      StScheduleStatus status;

      if (st_class_schedule_status (self->db, self->klass->id, today, &status, &error))
        {
          g_autofree char *kind = st_schedule_describe (self->program, status.schedule);
          g_autofree char *held = st_schedule_status_describe (self->program, &status);

          g_string_append (subtitle, "\n");
          /* Translators: "Schedule: A day of 8 hours each month — 0 of 8 hours this month, behind" */
          g_string_append_printf (subtitle, status.behind ? _("Schedule: %s — %s, behind") : _("Schedule: %s — %s"),
                                  kind, held);
        }
      else
        g_clear_error (&error);
    }
  gtk_label_set_text (self->subtitle_label, subtitle->str);

  fill_participants (self);
  fill_sessions (self);
  start_progress (self);
}

gboolean
st_class_view_set_class (StClassView  *self,
                         StDb         *db,
                         StDivisions  *divisions,
                         const char   *class_id,
                         GError      **error)
{
  g_autoptr(StClass) klass = NULL;
  g_autoptr(StProgram) program = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (ST_IS_CLASS_VIEW (self), FALSE);

  klass = st_class_load (db, class_id, error);
  if (klass == NULL)
    return FALSE;
  /* A program that is not known shows its code; one that cannot be read
   * is an error, not a view with the wrong hours needed. */
  program = st_program_load (db, klass->program_code, &local_error);
  if (program == NULL && local_error->domain == ST_DB_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_set_object (&self->db, db);
  if (self->divisions != divisions)
    {
      g_clear_pointer (&self->divisions, st_divisions_unref);
      self->divisions = st_divisions_ref (divisions);
    }
  g_clear_pointer (&self->klass, st_class_free);
  self->klass = g_steal_pointer (&klass);
  g_clear_pointer (&self->program, st_program_free);
  self->program = g_steal_pointer (&program);
  gtk_stack_set_visible_child_name (self->stack, "participants");
  fill (self);
  return TRUE;
}

void
st_class_view_reload (StClassView *self)
{
  g_autoptr(StClass) klass = NULL;

  g_return_if_fail (ST_IS_CLASS_VIEW (self));

  if (self->klass == NULL)
    return;
  klass = st_class_load (self->db, self->klass->id, NULL);
  if (klass != NULL)
    {
      st_class_free (self->klass);
      self->klass = g_steal_pointer (&klass);
    }
  fill (self);
}

void
st_class_view_forget (StClassView *self)
{
  g_return_if_fail (ST_IS_CLASS_VIEW (self));

  g_cancellable_cancel (self->cancellable);
  if (self->reveal_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->reveal_tick);
  self->reveal_tick = 0;
  /* The rows first: their keys are the enrolments'. */
  g_hash_table_remove_all (self->rows);
  g_hash_table_remove_all (self->progress);
  clear_list (self->participant_list);
  clear_list (self->session_list);
  if (self->enrolments != NULL)
    g_ptr_array_set_size (self->enrolments, 0);
  g_clear_pointer (&self->klass, st_class_free);
  g_clear_pointer (&self->program, st_program_free);
  self->n_sessions = 0;
  self->progress_ready = FALSE;
}

const StClass *
st_class_view_get_class (StClassView *self)
{
  g_return_val_if_fail (ST_IS_CLASS_VIEW (self), NULL);
  return self->klass;
}

GPtrArray *
st_class_view_get_enrolments (StClassView *self)
{
  g_return_val_if_fail (ST_IS_CLASS_VIEW (self), NULL);
  return self->enrolments;
}

void
st_class_view_show_tab (StClassView *self,
                        const char  *tab)
{
  gtk_stack_set_visible_child_name (self->stack, tab);
}

const char *
st_class_view_get_progress_text (StClassView *self,
                                 const char  *participant_id)
{
  return g_hash_table_lookup (self->progress, participant_id);
}

gboolean
st_class_view_is_progress_ready (StClassView *self)
{
  return self->progress_ready;
}

guint
st_class_view_get_n_sessions (StClassView *self)
{
  return self->n_sessions;
}

static void
st_class_view_dispose (GObject *object)
{
  StClassView *self = ST_CLASS_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->reveal_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->reveal_tick);
  self->reveal_tick = 0;
  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_CLASS_VIEW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->db);
  g_clear_pointer (&self->divisions, st_divisions_unref);
  g_clear_pointer (&self->klass, st_class_free);
  g_clear_pointer (&self->program, st_program_free);
  g_clear_pointer (&self->enrolments, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->progress, g_hash_table_unref);

  G_OBJECT_CLASS (st_class_view_parent_class)->dispose (object);
}

static void
st_class_view_class_init (StClassViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_class_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-class-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StClassView, box);
  gtk_widget_class_bind_template_child (widget_class, StClassView, title_label);
  gtk_widget_class_bind_template_child (widget_class, StClassView, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, StClassView, stack);
  gtk_widget_class_bind_template_child (widget_class, StClassView, participants_stack);
  gtk_widget_class_bind_template_child (widget_class, StClassView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, StClassView, progress_spinner);
  gtk_widget_class_bind_template_child (widget_class, StClassView, participant_list);
  gtk_widget_class_bind_template_child (widget_class, StClassView, sessions_stack);
  gtk_widget_class_bind_template_child (widget_class, StClassView, session_list);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
st_class_view_init (StClassView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_hash_table_new (g_str_hash, g_str_equal);
  self->progress = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
