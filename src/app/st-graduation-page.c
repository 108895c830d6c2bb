/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "st-certificate.h"
#include "st-display.h"
#include "st-eligibility.h"
#include "st-graduation-list.h"
#include "st-application.h"
#include "st-graduation-page-private.h"
#include "st-idcard.h"
#include "st-narrow-layout.h"
#include "st-page-kit.h"
#include "st-overview.h"
#include "st-records.h"


G_DEFINE_FINAL_TYPE (StGraduationPage, st_graduation_page, GTK_TYPE_WIDGET)

/* The state filter: "all", then the outcomes in the engine's order. */
static const struct { const char *code; const char *label; } states[] = {
  { NULL, N_("All states") },
  { "studying", N_("In study") },
  { "eligible", N_("Eligible to graduate") },
  { "completion", N_("Completion certificate due") },
  { "study_record", N_("Study record (withdrawn)") },
  { "graduated", N_("Graduated") },
  { "completed", N_("Completed") },
  /* Not an outcome: Overview's "Needs attention" row of the same name. */
  { "near_end", N_("Near the end, hours short") },
};

void
st_graduation_page_show_message (StGraduationPage *self,
                                 const char       *message)
{
  st_page_kit_show_message (GTK_WIDGET (self), &self->last_message, message);
}

GDate *
st_graduation_page_today (void)
{
  GDate *d = g_date_new ();

  g_date_set_time_t (d, time (NULL));
  return d;
}

static const char *
selected_state (StGraduationPage *self)
{
  guint i = gtk_drop_down_get_selected (self->state_dropdown);

  return i < G_N_ELEMENTS (states) ? states[i].code : NULL;
}

/* The filters */

void
st_graduation_page_update_selection (StGraduationPage *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint64 n = gtk_bitset_get_size (selected);
  guint approvable = 0;
  GtkBitsetIter iter;
  guint position;
  g_autofree char *text = NULL;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      guint index = st_graduation_list_get_index (self->list, position);

      if (index != G_MAXUINT && st_graduation_rows_can_approve (self->rows, index))
        approvable++;
    }
  if (n > 0)
    /* Translators: "12 selected, 10 of them can be approved" */
    text = g_strdup_printf (ngettext ("%u selected, %u of them can be approved",
                                      "%u selected, %u of them can be approved", (gulong) n),
                            (guint) n, approvable);
  gtk_label_set_text (self->selection_label, text ? text : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graduation.approve",
                                 approvable > 0 && st_role_can (self->role, ST_PERMISSION_APPROVE));
}

/* Whether the row @index passes the filters; @peek: for the near-end
 * filter's look at what the row misses. */
static gboolean
row_matches (StGraduationPage *self,
             guint             index,
             const char       *township,
             const char       *klass,
             const char       *state,
             StGraduationPeek *peek)
{
  StOutcome outcome = st_graduation_rows_get_outcome (self->rows, index);

  if (township != NULL && g_strcmp0 (township, st_graduation_rows_get_township (self->rows, index)) != 0)
    return FALSE;
  if (klass != NULL && g_strcmp0 (klass, st_graduation_rows_get_class (self->rows, index)) != 0)
    return FALSE;
  if (g_strcmp0 (state, "near_end") == 0)
    {
      StEligibility e;

      if (outcome != ST_OUTCOME_STUDYING)
        return FALSE;
      st_graduation_rows_peek (self->rows, index, &e, peek);
      return st_overview_near_end_short (&e, self->today, ST_OVERVIEW_NEAR_END_DAYS);
    }
  if (state != NULL && !g_str_equal (state, st_outcome_to_code (outcome)))
    return FALSE;
  return TRUE;
}

void
st_graduation_page_update_counts (StGraduationPage *self)
{
  const char *township = st_page_kit_selected (self->township_dropdown, self->township_codes);
  const char *klass = st_page_kit_selected (self->class_dropdown, self->class_ids);
  guint counts[ST_OUTCOME_COMPLETED + 1] = { 0, };
  g_autoptr(GString) text = g_string_new (NULL);
  guint total = 0;

  for (guint i = 0; self->seen != NULL && i < self->seen->len; i++)
    {
      guint index = g_array_index (self->seen, guint, i);

      if (row_matches (self, index, township, klass, NULL, NULL))
        {
          counts[st_graduation_rows_get_outcome (self->rows, index)]++;
          total++;
        }
    }
  /* Translators: the counts per graduation state under the list */
  g_string_append_printf (text, ngettext ("%u enrolment", "%u enrolments", total), total);
  if (self->evaluating)
    {
      g_string_append (text, " · ");
      g_string_append (text, _("checking the rules…"));
    }
  else
    for (StOutcome o = ST_OUTCOME_STUDYING; o <= ST_OUTCOME_COMPLETED; o++)
      /* Translators: "In study 120", one state and its count */
      g_string_append_printf (text, _(" · %s %u"), st_outcome_to_display (o), counts[o]);
  gtk_label_set_text (self->counts_label, text->str);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->counts_label), text->str);
}

/* The row at the top of the list in sight (GTK 4.8 has no call for it:
 * from the scrolled distance and the rows' mean height). */
static guint
first_in_sight (StGraduationPage *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  double upper = adjustment != NULL ? gtk_adjustment_get_upper (adjustment) : 0;

  if (n == 0 || upper <= 0)
    return 0;
  return (guint) (gtk_adjustment_get_value (adjustment) / upper * n);
}

/* The rows GTK keeps out of sight get their new contents a few a frame,
 * after those in sight (st-graduation-list.h). */
static gboolean
retarget_rows (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       data)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (widget);

  if (st_graduation_list_retarget_some (self->list, ST_GRADUATION_LIST_RETARGET_AT_ONCE))
    return G_SOURCE_CONTINUE;
  self->retarget_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
refill (StGraduationPage *self)
{
  const char *township = st_page_kit_selected (self->township_dropdown, self->township_codes);
  const char *klass = st_page_kit_selected (self->class_dropdown, self->class_ids);
  const char *state = selected_state (self);
  GArray *shown;
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (StMissing));
  StGraduationPeek peek = { missing, };
  guint n;

  if (self->seen == NULL)
    return;
  g_free (self->today);
  self->today = st_date_today ();
  /* Another list: what was selected is not in it at the same places. */
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  shown = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->seen->len);
  for (guint i = 0; i < self->seen->len; i++)
    {
      guint index = g_array_index (self->seen, guint, i);

      if (row_matches (self, index, township, klass, state, &peek))
        g_array_append_val (shown, index);
    }
  n = shown->len;
  st_graduation_list_set_focus (self->list, first_in_sight (self));
  st_graduation_list_set (self->list, self->rows, shown);
  if (st_graduation_list_retarget_some (self->list, 0) && self->retarget_tick == 0)
    self->retarget_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), retarget_rows, NULL, NULL);
  if (self->seen->len == 0)
    gtk_stack_set_visible_child_name (self->content_stack, "empty");
  else if (n == 0)
    gtk_stack_set_visible_child_name (self->content_stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->content_stack, "list");
  gtk_widget_set_visible (self->status_bar, self->seen->len > 0);
  st_graduation_page_update_counts (self);
  st_graduation_page_update_selection (self);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static gboolean
str_equal0 (gconstpointer a,
            gconstpointer b)
{
  return g_strcmp0 (a, b) == 0;
}

/* The class filter's entries, for the township chosen, from the classes
 * last read: a township chosen costs no query and no pass over the
 * county's classes beyond this one. */
static void
fill_class_choices (StGraduationPage *self)
{
  const char *township = st_page_kit_selected (self->township_dropdown, self->township_codes);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_ptr_array_set_size (self->class_ids, 0);
  gtk_string_list_append (names, _("All classes"));
  g_ptr_array_add (self->class_ids, NULL);
  for (guint i = 0; self->all_classes != NULL && i < self->all_classes->len; i++)
    {
      StClass *c = g_ptr_array_index (self->all_classes, i);

      if (township != NULL && g_strcmp0 (township, c->township_code) != 0)
        continue;
      if (!g_hash_table_contains (self->role_classes, c->id))
        continue;
      gtk_string_list_append (names, c->name);
      g_ptr_array_add (self->class_ids, g_strdup (c->id));
    }
  g_signal_handlers_block_matched (self->class_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_drop_down_set_model (self->class_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->class_dropdown, 0);
  g_signal_handlers_unblock_matched (self->class_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
}

/* Reads the classes (a reload, another role): their names, those the role
 * sees, their order, and the class filter's entries. */
static void
fill_classes (StGraduationPage *self)
{
  g_autoptr(GError) error = NULL;

  g_hash_table_remove_all (self->class_names);
  g_hash_table_remove_all (self->role_classes);
  g_ptr_array_set_size (self->class_order, 0);
  g_clear_pointer (&self->all_classes, g_ptr_array_unref);
  self->all_classes = st_class_list (self->db, NULL, &error);
  if (self->all_classes == NULL)
    st_graduation_page_show_message (self, error->message);
  for (guint i = 0; self->all_classes != NULL && i < self->all_classes->len; i++)
    {
      StClass *c = g_ptr_array_index (self->all_classes, i);

      g_hash_table_insert (self->class_names, g_strdup (c->id), g_strdup (c->name));
      if (!st_role_sees_class (self->role, c))
        continue;
      g_hash_table_add (self->role_classes, g_strdup (c->id));
      g_ptr_array_add (self->class_order, g_strconcat (c->township_code, " ", c->id, NULL));
    }
  g_ptr_array_sort (self->class_order, compare_strings);
  fill_class_choices (self);
}

static void
fill_townships (StGraduationPage *self)
{
  st_page_kit_fill_townships (self->township_dropdown, self->township_codes, self->role, self->divisions,
                              _("All townships"), self);
}

static void
on_township_selected (StGraduationPage *self)
{
  if (self->db == NULL)
    return;
  fill_class_choices (self);
  refill (self);
}

static void
on_filter_selected (StGraduationPage *self)
{
  if (self->db == NULL)
    return;
  refill (self);
}

/* Loading: rows at once, the rules in the background */

typedef struct
{
  char             *path;
  GDate            *as_of;
  GStrv             first_classes;  /* the first classes in the list's order */
  StGraduationPage *page;         /* a reference, for the first rows */
  GCancellable     *cancellable;
  GMainContext     *context;
} Load;

static void
load_free (Load *load)
{
  g_free (load->path);
  g_date_free (load->as_of);
  g_strfreev (load->first_classes);
  g_clear_object (&load->page);
  g_clear_object (&load->cancellable);
  g_main_context_unref (load->context);
  g_free (load);
}

/* The evaluation waits until the first rows are on screen: on a laptop's
 * two cores, it would otherwise slow down showing them. */
typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean open;
} Gate;

static void
gate_clear (Gate *gate)
{
  g_mutex_clear (&gate->mutex);
  g_cond_clear (&gate->cond);
}

static Gate *
gate_new (void)
{
  Gate *gate = g_atomic_rc_box_new0 (Gate);

  g_mutex_init (&gate->mutex);
  g_cond_init (&gate->cond);
  return gate;
}

static void
gate_unref (Gate *gate)
{
  g_atomic_rc_box_release_full (gate, (GDestroyNotify) gate_clear);
}

static gboolean
gate_open (gpointer data)
{
  Gate *gate = data;

  g_mutex_lock (&gate->mutex);
  gate->open = TRUE;
  g_cond_signal (&gate->cond);
  g_mutex_unlock (&gate->mutex);
  return G_SOURCE_REMOVE;
}

/* Waits until the gate opens, at most 2 s, checking @cancellable. */
static void
gate_wait (Gate         *gate,
           GCancellable *cancellable)
{
  gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  g_mutex_lock (&gate->mutex);
  while (!gate->open && !g_cancellable_is_cancelled (cancellable) && g_get_monotonic_time () < end)
    g_cond_wait_until (&gate->cond, &gate->mutex, MIN (end, g_get_monotonic_time () + 50 * 1000));
  g_mutex_unlock (&gate->mutex);
}

typedef struct
{
  StGraduationPage *page;
  GCancellable     *cancellable;
  StGraduationRows *rows;
  Gate             *gate;
  gboolean          partial;        /* one class only: the rest follows */
} Rows;

static void
rows_free (Rows *rows)
{
  /* Opened whatever happened, so that the thread goes on. */
  gate_open (rows->gate);
  gate_unref (rows->gate);
  g_clear_object (&rows->page);
  g_clear_object (&rows->cancellable);
  g_clear_pointer (&rows->rows, st_graduation_rows_unref);
  g_free (rows);
}

/* enrolment id → the number of its certificate that stands; NULL with
 * @error set when the certificates cannot be read (not "none issued"). */
static GHashTable *
read_certificates (StDb    *db,
                   GError **error)
{
  GHashTable *map;
  g_autoptr(GPtrArray) list = st_certificate_list (db, NULL, error);

  if (list == NULL)
    return NULL;
  map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < list->len; i++)
    {
      StCertificate *c = g_ptr_array_index (list, i);

      if (c->revoked_on == NULL)
        g_hash_table_insert (map, g_strdup (c->enrolment_id), g_strdup (c->number));
    }
  return map;
}

/* The page's rows: @rows, of which the role sees those in self->seen. */
static void
set_rows (StGraduationPage *self,
          StGraduationRows *rows)
{
  guint n = st_graduation_rows_get_n (rows);
  /* A county account sees every class: every row, without a look-up each
   * (75,154 of them on a county). */
  gboolean all = st_role_can (self->role, ST_PERMISSION_ALL_TOWNSHIPS) && self->all_classes != NULL
    && g_hash_table_size (self->role_classes) == self->all_classes->len;

  st_graduation_rows_ref (rows);
  g_clear_pointer (&self->rows, st_graduation_rows_unref);
  self->rows = rows;
  g_clear_pointer (&self->seen, g_array_unref);
  self->seen = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  for (guint i = 0; i < n; i++)
    {
      if (!all)
        {
          if (!st_role_sees_township (self->role, st_graduation_rows_get_township (rows, i)))
            continue;
          /* A trainer sees the enrolments of its classes. */
          if (!g_hash_table_contains (self->role_classes, st_graduation_rows_get_class (rows, i)))
            continue;
        }
      g_array_append_val (self->seen, i);
    }
}

/* Runs @func in the main thread. Not g_main_context_invoke (): from a
 * thread, it runs @func right there whenever the main context happens to
 * be free. */
static void
run_in_main (GMainContext   *context,
             int             priority,
             GSourceFunc     func,
             gpointer        data,
             GDestroyNotify  notify)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, notify);
  g_source_attach (source, context);
  g_source_unref (source);
}

static gboolean
show_first_rows (gpointer data)
{
  Rows *rows = data;
  StGraduationPage *self = rows->page;

  gint64 started = g_get_monotonic_time ();

  if (g_cancellable_is_cancelled (rows->cancellable))
    return G_SOURCE_REMOVE;
  set_rows (self, rows->rows);
  g_debug ("graduation: rows chosen in %.3f s", (g_get_monotonic_time () - started) / 1e6);
  refill (self);
  g_debug ("graduation: list filled in %.3f s", (g_get_monotonic_time () - started) / 1e6);
  /* A low-priority idle runs once the frame with the rows is drawn. */
  if (!rows->partial)
    g_idle_add_full (G_PRIORITY_LOW, gate_open, g_atomic_rc_box_acquire (rows->gate), (GDestroyNotify) gate_unref);
  g_debug ("graduation: %u rows in the list", self->seen->len);
  return G_SOURCE_REMOVE;
}

static gboolean
show_progress (gpointer data)
{
  StGraduationPage *self = data;

  if (self->evaluating)
    gtk_progress_bar_set_fraction (self->progress_bar, self->fraction);
  return G_SOURCE_REMOVE;
}

static void
on_progress (double   fraction,
             gpointer user_data)
{
  Load *load = user_data;

  /* Read by show_progress in the main thread: a double, written whole
   * enough for a progress bar. */
  load->page->fraction = fraction;
  run_in_main (load->context, G_PRIORITY_DEFAULT_IDLE, show_progress, g_object_ref (load->page), g_object_unref);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Load *load = task_data;
  StEligibilityQuery q = { load->as_of, NULL, NULL, NULL };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) certificates = NULL;
  GPtrArray *list;
  StGraduationRows *full = NULL;
  Rows *rows;
  Gate *gate;
  gint64 started = g_get_monotonic_time ();

  db = st_db_open (load->path, &error);
  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("graduation: database opened after %.3f s", (g_get_monotonic_time () - started) / 1e6);

  /* A screenful first: the first class in the list's order, read alone,
   * before the whole county. */
  for (guint i = 0; load->first_classes[i] != NULL; i++)
    {
      StEligibilityQuery first = { load->as_of, NULL, load->first_classes[i], NULL };
      GPtrArray *one = st_eligibility_list (db, &first, NULL);

      if (one == NULL || one->len == 0)
        {
          g_clear_pointer (&one, g_ptr_array_unref);
          continue;
        }
      rows = g_new0 (Rows, 1);
      rows->rows = st_graduation_rows_new_from_list (one, NULL, FALSE);
      rows->page = g_object_ref (load->page);
      rows->cancellable = g_object_ref (cancellable);
      rows->gate = gate_new ();
      rows->partial = TRUE;
      run_in_main (load->context, G_PRIORITY_DEFAULT, show_first_rows, rows, (GDestroyNotify) rows_free);
      g_debug ("graduation: first class listed after %.3f s", (g_get_monotonic_time () - started) / 1e6);
      break;
    }

  certificates = read_certificates (db, &error);
  if (certificates == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  list = st_eligibility_list (db, &q, &error);
  g_debug ("graduation: %u enrolments listed after %.3f s", list ? list->len : 0,
           (g_get_monotonic_time () - started) / 1e6);
  if (list == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  rows = g_new0 (Rows, 1);
  rows->rows = st_graduation_rows_new_from_list (list, certificates, FALSE);
  g_debug ("graduation: rows made after %.3f s", (g_get_monotonic_time () - started) / 1e6);
  rows->page = g_object_ref (load->page);
  rows->cancellable = g_object_ref (cancellable);
  rows->gate = gate_new ();
  gate = g_atomic_rc_box_acquire (rows->gate);
  run_in_main (load->context, G_PRIORITY_DEFAULT, show_first_rows, rows, (GDestroyNotify) rows_free);
  gate_wait (gate, cancellable);
  gate_unref (gate);

  list = st_eligibility_evaluate_full (db, &q, on_progress, load, cancellable, &error);
  if (list != NULL)
    full = st_graduation_rows_new_from_list (list, certificates, TRUE);
  /* The sums of a county's hours are freed: back to the system. */
  st_application_give_back_memory ();
  if (full == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, full, (GDestroyNotify) st_graduation_rows_unref);
}

static void
set_evaluating (StGraduationPage *self,
                gboolean          evaluating)
{
  self->evaluating = evaluating;
  gtk_revealer_set_reveal_child (self->progress_revealer, evaluating);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graduation.stop", evaluating);
  if (evaluating)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_label_set_text (self->progress_label, _("Checking the graduation rules…"));
    }
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(StGraduationRows) full = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (!g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))) || self->db == NULL)
        return;
      /* Stopped by the person: the rows keep their stored states. */
      if (g_task_get_cancellable (G_TASK (result)) == self->cancellable)
        {
          set_evaluating (self, FALSE);
          st_graduation_page_update_counts (self);
        }
      return;
    }
  if (g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    return;
  set_evaluating (self, FALSE);
  if (full == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The graduation rules could not be checked: %s"), error->message);

      st_graduation_page_show_message (self, message);
      st_graduation_page_update_counts (self);
      return;
    }
  /* The rows listed before the rules were checked go as the slots in
   * sight are given the checked ones: three blocks, not 75,000 objects. */
  set_rows (self, full);
  refill (self);
}

void
st_graduation_page_reload (StGraduationPage *self)
{
  g_autoptr(GTask) task = NULL;
  Load *load;

  g_return_if_fail (ST_IS_GRADUATION_PAGE (self));
  if (self->db == NULL)
    return;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loaded = TRUE;

  /* Classes may have come since (the Classes page, sync): the filter keeps
   * the class chosen. */
  {
    g_autofree char *chosen = g_strdup (st_page_kit_selected (self->class_dropdown, self->class_ids));
    guint position;

    fill_classes (self);
    if (chosen != NULL && g_ptr_array_find_with_equal_func (self->class_ids, chosen, str_equal0, &position))
      gtk_drop_down_set_selected (self->class_dropdown, position);
  }

  load = g_new0 (Load, 1);
  load->path = g_strdup (st_db_get_path (self->db));
  load->as_of = st_graduation_page_today ();
  {
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

    for (guint i = 0; i < MIN (3, self->class_order->len); i++)
      g_strv_builder_add (builder, strchr (g_ptr_array_index (self->class_order, i), ' ') + 1);
    load->first_classes = g_strv_builder_end (builder);
  }
  load->page = g_object_ref (self);
  load->cancellable = g_object_ref (self->cancellable);
  load->context = g_main_context_ref_thread_default ();
  if (self->seen->len == 0)
    gtk_stack_set_visible_child_name (self->content_stack, "loading");
  set_evaluating (self, TRUE);
  st_graduation_page_update_counts (self);

  task = g_task_new (self, self->cancellable, load_done, NULL);
  g_task_set_source_tag (task, st_graduation_page_reload);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  g_task_run_in_thread (task, load_thread);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  st_graduation_page_reload (ST_GRADUATION_PAGE (widget));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (widget);

  gtk_drop_down_set_selected (self->state_dropdown, 0);
  gtk_drop_down_set_selected (self->class_dropdown, 0);
  if (self->township_codes->len > 1)
    gtk_drop_down_set_selected (self->township_dropdown, 0);
}

/* Cells */

typedef enum
{
  CELL_NAME,
  CELL_ID_NUMBER,
  CELL_CLASS,
  CELL_END,
  CELL_STATE,
  CELL_MISSING,
  CELL_CERTIFICATE,
} CellField;

static gboolean
query_missing_tooltip (GtkWidget  *label,
                       int         x,
                       int         y,
                       gboolean    keyboard,
                       GtkTooltip *tooltip)
{
  const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (label));

  /* Nothing while the row is being checked ("Checking…", dimmed). */
  if (text == NULL || *text == '\0' || gtk_widget_has_css_class (label, "dim-label"))
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            StGraduationPage         *self)
{
  CellField field = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "field"));
  GtkWidget *label = st_display_cell_label (field == CELL_ID_NUMBER || field == CELL_CERTIFICATE || field == CELL_END,
                                            field == CELL_ID_NUMBER || field == CELL_CERTIFICATE);

  if (field == CELL_MISSING)
    {
      /* What is missing can be longer than its column: the whole of it in
       * a tooltip, made when asked for. A tooltip set at each bind cost a
       * fifth of a filter change (GTK 4.8 updates the label's accessible
       * description with it). */
      gtk_widget_set_has_tooltip (label, TRUE);
      g_signal_connect (label, "query-tooltip", G_CALLBACK (query_missing_tooltip), NULL);
    }
  g_object_set_data (G_OBJECT (list_item), "field", GINT_TO_POINTER (field));
  gtk_list_item_set_child (list_item, label);
}

static const char *const cell_styles[] = { "success", "warning", "dim-label" };

static void
show_cell (GtkListItem      *list_item,
           StGraduationPage *self)
{
  CellField field = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list_item), "field"));
  StGraduationItem *item = st_graduation_slot_get_item (gtk_list_item_get_item (list_item));
  const StEligibility *e = st_graduation_item_get_eligibility (item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *owned = NULL;
  const char *text = NULL;
  gboolean evaluated = st_graduation_item_get_evaluated (item);

  const char *style = NULL;

  switch (field)
    {
    case CELL_NAME:
      text = e->name;
      break;
    case CELL_ID_NUMBER:
      text = owned = st_idcard_mask (e->id_number);
      break;
    case CELL_CLASS:
      text = g_hash_table_lookup (self->class_names, e->class_id);
      break;
    case CELL_END:
      text = e->end_date;
      break;
    case CELL_STATE:
      text = st_outcome_to_display (e->outcome);
      if (e->outcome == ST_OUTCOME_ELIGIBLE || e->outcome == ST_OUTCOME_GRADUATED)
        style = "success";
      else if (e->outcome == ST_OUTCOME_COMPLETION)
        style = "warning";
      else if (!evaluated)
        style = "dim-label";
      break;
    case CELL_MISSING:
      if (!evaluated && (e->outcome == ST_OUTCOME_STUDYING))
        {
          text = _("Checking…");
          style = "dim-label";
        }
      else
        {
          text = owned = st_eligibility_describe_missing (e);
        }
      break;
    case CELL_CERTIFICATE:
      text = st_graduation_item_get_certificate (item);
      break;
    default:
      g_assert_not_reached ();
    }
  /* Only what changed: a style class added or removed restyles the label,
   * and the cells of 200 rows are shown anew at every filter change. */
  for (guint i = 0; i < G_N_ELEMENTS (cell_styles); i++)
    {
      gboolean want = g_strcmp0 (style, cell_styles[i]) == 0;

      if (want != gtk_widget_has_css_class (label, cell_styles[i]))
        {
          if (want)
            gtk_widget_add_css_class (label, cell_styles[i]);
          else
            gtk_widget_remove_css_class (label, cell_styles[i]);
        }
    }
  st_display_cell_set_text (label, text);
}

static void
on_item_changed (GtkListItem *list_item)
{
  StGraduationPage *self = g_object_get_data (G_OBJECT (list_item), "page");

  if (gtk_list_item_get_item (list_item) != NULL)
    show_cell (list_item, self);
}

/* The cell follows the item its slot shows. */
static void
follow_item (GtkListItem *list_item)
{
  StGraduationSlot *slot = gtk_list_item_get_item (list_item);
  GObject *previous = g_object_get_data (G_OBJECT (list_item), "item");
  StGraduationItem *item = slot != NULL ? st_graduation_slot_get_item (slot) : NULL;

  if (previous != NULL)
    g_signal_handlers_disconnect_by_data (previous, list_item);
  if (item == NULL)
    {
      g_object_set_data (G_OBJECT (list_item), "item", NULL);
      return;
    }
  g_object_set_data_full (G_OBJECT (list_item), "item", g_object_ref (item), g_object_unref);
  g_signal_connect_object (item, "changed", G_CALLBACK (on_item_changed), list_item, G_CONNECT_SWAPPED);
}

static void
on_slot_retargeted (GtkListItem *list_item)
{
  follow_item (list_item);
  on_item_changed (list_item);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           StGraduationPage         *self)
{
  GObject *slot = gtk_list_item_get_item (list_item);
  GObject *previous = g_object_get_data (G_OBJECT (list_item), "slot");

  /* The same list item is bound to another slot as the view scrolls:
   * follow the slot it shows now, and the item the slot shows. */
  if (previous != NULL)
    g_signal_handlers_disconnect_by_data (previous, list_item);
  g_object_set_data (G_OBJECT (list_item), "page", self);
  g_object_set_data_full (G_OBJECT (list_item), "slot", g_object_ref (slot), g_object_unref);
  g_signal_connect_object (slot, "retargeted", G_CALLBACK (on_slot_retargeted), list_item, G_CONNECT_SWAPPED);
  follow_item (list_item);
  show_cell (list_item, self);
}

/* Role */

static void
apply_role (StGraduationPage *self)
{
  gboolean county = st_role_can (self->role, ST_PERMISSION_APPROVE);

  /* What the role may not do is not offered. */
  st_role_apply_to_widget (self->role, ST_PERMISSION_APPROVE, self->approve_button, TRUE, NULL);
  st_role_apply_to_widget (self->role, ST_PERMISSION_ASSESS, self->assess_button, TRUE, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graduation.assess", st_role_can (self->role, ST_PERMISSION_ASSESS));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graduation.export", st_role_can (self->role, ST_PERMISSION_EXPORT));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graduation.select-approvable", county);
  gtk_menu_button_set_menu_model (self->documents_button, county ? self->menu_county : self->menu_local);
  st_page_kit_set_rows (GTK_WIDGET (self->column_view), GTK_SELECTION_MODEL (self->selection));
}

static void
on_role_changed (StGraduationPage *self)
{
  fill_townships (self);
  fill_classes (self);
  apply_role (self);
  if (self->loaded)
    st_graduation_page_reload (self);
}

static void
on_map (StGraduationPage *self)
{
  /* The page reads nothing until it is first shown. */
  if (!self->loaded && self->db != NULL)
    st_graduation_page_reload (self);
}

static void
st_graduation_page_dispose (GObject *object)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->role != NULL)
    g_signal_handlers_disconnect_by_data (self->role, self);
  if (self->retarget_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->retarget_tick);
  self->retarget_tick = 0;
  g_clear_weak_pointer (&self->confirmation);
  if (self->sheet != NULL)
    gtk_window_destroy (self->sheet);
  g_clear_weak_pointer (&self->sheet);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_GRADUATION_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);

  G_OBJECT_CLASS (st_graduation_page_parent_class)->dispose (object);
}

static void
st_graduation_page_finalize (GObject *object)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->db);
  g_clear_object (&self->role);
  g_clear_pointer (&self->divisions, st_divisions_unref);
  g_clear_pointer (&self->rows, st_graduation_rows_unref);
  g_clear_pointer (&self->seen, g_array_unref);
  g_clear_pointer (&self->class_names, g_hash_table_unref);
  g_clear_pointer (&self->all_classes, g_ptr_array_unref);
  g_clear_pointer (&self->role_classes, g_hash_table_unref);
  g_clear_pointer (&self->class_order, g_ptr_array_unref);
  g_clear_pointer (&self->township_codes, g_ptr_array_unref);
  g_clear_pointer (&self->class_ids, g_ptr_array_unref);
  g_clear_object (&self->menu_county);
  g_clear_object (&self->menu_local);
  g_free (self->last_message);
  g_free (self->today);

  G_OBJECT_CLASS (st_graduation_page_parent_class)->finalize (object);
}

static void
st_graduation_page_class_init (StGraduationPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_graduation_page_dispose;
  object_class->finalize = st_graduation_page_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, ST_TYPE_NARROW_LAYOUT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-graduation-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, box);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, status_bar);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, township_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, class_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, assess_button);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, approve_button);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, documents_button);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, documents_menu);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, name_column);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, id_number_column);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, class_column);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, end_column);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, state_column);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, missing_column);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, certificate_column);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, counts_label);
  gtk_widget_class_bind_template_child (widget_class, StGraduationPage, selection_label);
  gtk_widget_class_bind_template_callback (widget_class, on_township_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_selected);
  gtk_widget_class_bind_template_callback (widget_class, cell_setup);
  gtk_widget_class_bind_template_callback (widget_class, cell_bind);

  st_graduation_page_class_actions_init (klass);
  gtk_widget_class_install_action (widget_class, "graduation.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "graduation.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "graduation.clear", NULL, clear_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "graduation.approve", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "graduation.approve", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "graduation.assess", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "graduation.select-approvable", NULL);
  /* F5 is the window's Sync Now. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "graduation.refresh", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* A copy of the documents menu without what only the county does. */
static GMenuModel *
local_menu (GMenuModel *full)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenuModel) first = g_menu_model_get_item_link (full, 0, G_MENU_LINK_SECTION);
  GMenu *section = g_menu_new ();

  for (int i = 0; i < g_menu_model_get_n_items (first); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new_from_model (first, i);
      g_autoptr(GVariant) action = g_menu_item_get_attribute_value (item, G_MENU_ATTRIBUTE_ACTION, G_VARIANT_TYPE_STRING);

      if (action != NULL && g_str_equal (g_variant_get_string (action, NULL), "graduation.select-approvable"))
        continue;
      g_menu_append_item (section, item);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_object_unref (section);
  return G_MENU_MODEL (menu);
}

static void
st_graduation_page_init (StGraduationPage *self)
{
  g_autoptr(GtkStringList) state_names = gtk_string_list_new (NULL);
  static const CellField fields[] = { CELL_NAME, CELL_ID_NUMBER, CELL_CLASS, CELL_END, CELL_STATE, CELL_MISSING,
                                      CELL_CERTIFICATE };
  GtkColumnViewColumn *columns[G_N_ELEMENTS (fields)];

  gtk_widget_init_template (GTK_WIDGET (self));
  /* A narrow window keeps who, what is missing and the certificate. */
  {
    StNarrowLayout *layout = ST_NARROW_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));

    st_narrow_layout_add_column (layout, self->id_number_column);
    st_narrow_layout_add_column (layout, self->end_column);
    st_narrow_layout_add_column (layout, self->class_column);
  }

  columns[0] = self->name_column;
  columns[1] = self->id_number_column;
  columns[2] = self->class_column;
  columns[3] = self->end_column;
  columns[4] = self->state_column;
  columns[5] = self->missing_column;
  columns[6] = self->certificate_column;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_object_set_data (G_OBJECT (gtk_column_view_column_get_factory (columns[i])), "field", GINT_TO_POINTER (fields[i]));
  {
    const char *outcomes[ST_OUTCOME_COMPLETED + 2] = { NULL, };

    for (StOutcome o = ST_OUTCOME_STUDYING; o <= ST_OUTCOME_COMPLETED; o++)
      outcomes[o - ST_OUTCOME_STUDYING] = st_outcome_to_display (o);
    /* Widths from what the cells show at most (names, classes as the demo
     * and the counties name them). */
    st_display_fit_column (self->name_column, GTK_WIDGET (self), (const char *[]) { "欧阳娜娜娜", NULL }, FALSE);
    st_display_fit_column (self->id_number_column, GTK_WIDGET (self), (const char *[]) { "522327********0000", NULL }, TRUE);
    st_display_fit_column (self->class_column, GTK_WIDGET (self), (const char *[]) { "者楼街道2026级电子商务1班", NULL }, FALSE);
    st_display_fit_column (self->end_column, GTK_WIDGET (self), (const char *[]) { "2026-12-31", NULL }, FALSE);
    st_display_fit_column (self->state_column, GTK_WIDGET (self), outcomes, FALSE);
    st_display_fit_column (self->missing_column, GTK_WIDGET (self), NULL, FALSE);
    st_display_fit_column (self->certificate_column, GTK_WIDGET (self), (const char *[]) { "5223272026B0001", NULL }, TRUE);
  }

  self->rows = st_graduation_rows_new_from_list (g_ptr_array_new (), NULL, FALSE);
  self->seen = g_array_new (FALSE, FALSE, sizeof (guint));
  self->class_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->role_classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->class_order = g_ptr_array_new_with_free_func (g_free);
  self->township_codes = g_ptr_array_new_with_free_func (g_free);
  self->class_ids = g_ptr_array_new_with_free_func (g_free);
  self->list = st_graduation_list_new ();
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (st_graduation_page_update_selection), self,
                           G_CONNECT_SWAPPED);
  self->menu_county = g_object_ref (self->documents_menu);
  self->menu_local = local_menu (self->documents_menu);

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    /* The outcomes in the engine's words; "all" and "near the end" are
     * the page's own. */
    gtk_string_list_append (state_names, states[i].code != NULL && !g_str_equal (states[i].code, "near_end")
                                         ? st_outcome_to_display (st_outcome_from_code (states[i].code))
                                         : _(states[i].label));
  gtk_drop_down_set_model (self->state_dropdown, G_LIST_MODEL (state_names));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graduation.approve", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graduation.stop", FALSE);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

void
st_graduation_page_set_db (StGraduationPage *self,
                           StDb             *db,
                           StDivisions      *divisions,
                           StRole           *role)
{
  g_return_if_fail (ST_IS_GRADUATION_PAGE (self));
  g_return_if_fail (self->db == NULL);

  self->db = g_object_ref (db);
  self->divisions = st_divisions_ref (divisions);
  self->role = g_object_ref (role);
  g_signal_connect_object (role, "changed", G_CALLBACK (on_role_changed), self, G_CONNECT_SWAPPED);
  fill_townships (self);
  fill_classes (self);
  apply_role (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    st_graduation_page_reload (self);
}

GtkColumnView *
st_graduation_page_get_column_view (StGraduationPage *self)
{
  return self->column_view;
}

GtkDropDown *
st_graduation_page_get_township_dropdown (StGraduationPage *self)
{
  return self->township_dropdown;
}

GtkDropDown *
st_graduation_page_get_class_dropdown (StGraduationPage *self)
{
  return self->class_dropdown;
}

GtkDropDown *
st_graduation_page_get_state_dropdown (StGraduationPage *self)
{
  return self->state_dropdown;
}

GtkLabel *
st_graduation_page_get_counts_label (StGraduationPage *self)
{
  return self->counts_label;
}

GtkWidget *
st_graduation_page_get_approve_button (StGraduationPage *self)
{
  return self->approve_button;
}

GtkWidget *
st_graduation_page_get_assess_button (StGraduationPage *self)
{
  return self->assess_button;
}

GtkWidget *
st_graduation_page_get_documents_button (StGraduationPage *self)
{
  return GTK_WIDGET (self->documents_button);
}

guint
st_graduation_page_get_n_rows (StGraduationPage *self)
{
  return st_graduation_list_get_n_rows (self->list);
}

gboolean
st_graduation_page_is_evaluating (StGraduationPage *self)
{
  /* Also while the rows are still being shown, a few a frame. */
  return self->evaluating || self->retarget_tick != 0;
}

AdwMessageDialog *
st_graduation_page_get_confirmation (StGraduationPage *self)
{
  return self->confirmation;
}

GtkWindow *
st_graduation_page_get_assessment_sheet (StGraduationPage *self)
{
  return self->sheet;
}

const char *
st_graduation_page_get_last_message (StGraduationPage *self)
{
  return self->last_message;
}

void
st_graduation_page_show_state (StGraduationPage *self,
                               const char       *state)
{
  g_return_if_fail (ST_IS_GRADUATION_PAGE (self));
  /* Everyone in that state: the other filters go back to all. */
  gtk_drop_down_set_selected (self->township_dropdown, 0);
  gtk_drop_down_set_selected (self->class_dropdown, 0);
  st_graduation_page_filter_state (self, state);
}

void
st_graduation_page_filter_state (StGraduationPage *self,
                                 const char       *outcome_code)
{
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_strcmp0 (states[i].code, outcome_code) == 0)
      gtk_drop_down_set_selected (self->state_dropdown, i);
}

GtkLabel *
st_graduation_page_get_selection_label (StGraduationPage *self)
{
  return self->selection_label;
}
