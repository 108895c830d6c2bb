/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "st-application.h"
#include "st-display.h"
#include "st-filter-chip.h"
#include "st-participant-item.h"
#include "st-participant-list.h"
#include "st-participant.h"
#include "st-participant-query.h"
#include "st-participants-page-private.h"
#include "st-narrow-layout.h"
#include "st-page-kit.h"
#include "st-print.h"
#include "st-visit-round.h"
#include "st-visit-sheet.h"

typedef struct
{
  StParticipantsPage *page;
  StParticipantSort   sort;
} ProbeColumn;

struct _StParticipantsPage
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkWidget          *toolbar;
  GtkWidget          *status_bar;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *township_dropdown;
  GtkDropDown        *village_dropdown;
  GtkDropDown        *state_dropdown;
  GtkDropDown        *outreach_dropdown;
  GtkWidget          *record_visits_button;
  GtkWidget          *print_visits_button;
  GtkStack           *content_stack;
  GtkWidget          *no_results_page;  /* over the list, which stays mapped */
  GtkColumnView      *column_view;
  GtkLabel           *count_label;
  GtkLabel           *index_label;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *sex_column;
  GtkColumnViewColumn *age_column;
  GtkColumnViewColumn *township_column;
  GtkColumnViewColumn *village_column;
  GtkColumnViewColumn *class_column;
  GtkColumnViewColumn *state_column;
  GtkColumnViewColumn *last_visit_column;
  GtkColumnViewColumn *id_number_column;
  AdwStatusPage       *error_page;

  StDb               *db;
  StDivisions        *divisions;
  StRole             *role;
  StParticipantList  *list;
  GtkSingleSelection *selection;
  GPtrArray          *township_codes;   /* dropdown position → code (NULL: all) */
  guint               reveal_tick;      /* rows still told to GTK a few a frame */
  GPtrArray          *village_codes;

  GArray             *base;             /* rowids for the filters and the sort */
  gboolean            partial;          /* base holds the first rows only, the rest comes */
  guint               rest_source;
  gboolean            no_match;      /* the list keeps its last rows out of sight */
  StParticipantSort   sort;
  gboolean            descending;
  gint64              total;            /* live participants, no filter */

  /* The filters in memory: everyone in the sort's order and what the
   * filters look at, read by a worker (facets_refresh ()). While they are
   * missing, stale or of another sort, the list is read by a query. */
  GArray              *ordered;
  StParticipantSort   ordered_sort;
  gboolean            ordered_descending;
  StParticipantFacets *facets;
  gboolean            facets_stale;
  gboolean            facets_loading;
  gboolean            facets_failed;    /* no more workers: queries only */
  gint64              select_rowid;     /* saved, to select when the list has followed */
  GCancellable       *cancellable;
  char               *read_error;       /* why the list cannot be read, shown instead of it */

  /* Finding out which column the view sorts by: GTK 4.8 has no API for
   * it, so the view's sorter compares two probe objects, and the column
   * sorter that is asked first is the primary one. */
  GObject            *probe_a;
  GObject            *probe_b;
  int                 probe_first;
  StFilterChip       *only_chip;
  GHashTable         *only;          /* rowids another page asked for, or NULL */
};

G_DEFINE_FINAL_TYPE (StParticipantsPage, st_participants_page, GTK_TYPE_WIDGET)

static const struct { const char *code; const char *label; } states[] = {
  { NULL, N_("All states") },
  { "studying", N_("In study") },
  { "graduated", N_("Graduated") },
  { "completed", N_("Completed") },
  { "withdrawn", N_("Withdrawn") },
  { "none", N_("Not in a class") },
};

/* Outreach (摸排走访): who is still to visit, to reach again, to enrol. */
static const struct { const char *code; const char *label; } outreaches[] = {
  { NULL, N_("Any outreach") },
  { "not_visited", N_("Not visited yet") },
  { "not_reached", N_("Visited, not reached") },
  { "willing", N_("Willing, not enrolled") },
};

static const char *
selected_code_at (GtkDropDown *dropdown,
                  GPtrArray   *codes,
                  guint        offset)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (codes == NULL || i == GTK_INVALID_LIST_POSITION || i < offset || i - offset >= codes->len)
    return NULL;
  return g_ptr_array_index (codes, i - offset);
}

static const char *
selected_township (StParticipantsPage *self)
{
  return st_page_kit_selected (self->township_dropdown, self->township_codes);
}

static void
fill_query (StParticipantsPage *self,
            StParticipantQuery *query)
{
  guint state = gtk_drop_down_get_selected (self->state_dropdown);
  guint outreach = gtk_drop_down_get_selected (self->outreach_dropdown);

  memset (query, 0, sizeof *query);
  query->outreach = outreach < G_N_ELEMENTS (outreaches) ? outreaches[outreach].code : NULL;
  query->township_code = selected_township (self);
  query->village_code = query->township_code ? selected_code_at (self->village_dropdown, self->village_codes, 1) : NULL;
  query->state = state < G_N_ELEMENTS (states) ? states[state].code : NULL;
  query->sort = self->sort;
  query->descending = self->descending;
}

static gboolean
filtered (StParticipantsPage *self)
{
  StParticipantQuery query;

  fill_query (self, &query);
  return self->only != NULL || query.township_code != NULL || query.state != NULL || query.outreach != NULL
    || st_participant_query_has_terms (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
update_status (StParticipantsPage *self)
{
  guint shown = self->no_match ? 0 : st_participant_list_get_rowids (self->list)->len;
  g_autofree char *text = NULL;

  /* A database that cannot be read is not an empty one, nor a search
   * without a match: the message, and no count. */
  {
    gboolean covered = self->read_error == NULL && self->total > 0 && shown == 0;

    /* Under the status page the list takes neither pointer nor focus. */
    gtk_widget_set_visible (self->no_results_page, covered);
    gtk_widget_set_can_target (GTK_WIDGET (self->column_view), !covered);
    gtk_widget_set_can_focus (GTK_WIDGET (self->column_view), !covered);
  }
  if (self->read_error != NULL)
    {
      adw_status_page_set_description (self->error_page, self->read_error);
      gtk_stack_set_visible_child_name (self->content_stack, "error");
      gtk_widget_set_visible (self->toolbar, TRUE);
      gtk_widget_set_visible (self->status_bar, FALSE);
      gtk_label_set_text (self->count_label, "");
      return;
    }

  /* The first rows are on screen, the rest is on its way: everyone. */
  if (self->partial && !filtered (self))
    shown = (guint) self->total;
  /* A search typed before the rest came: it runs when it is there. */
  if (self->partial && st_participant_query_has_terms (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))))
    {
      gtk_stack_set_visible_child_name (self->content_stack, "list");
      gtk_label_set_text (self->count_label, _("Searching all participants…"));
      return;
    }

  /* Nothing to search or filter yet: the empty state alone says what to
   * do. */
  gtk_widget_set_visible (self->toolbar, self->total > 0);
  gtk_widget_set_visible (self->status_bar, self->total > 0);

  if (self->total == 0)
    {
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
      text = g_strdup ("");
    }
  else if (shown == 0)
    {
      /* The list stays in its place, under the status page: shown again,
       * GTK 4.8 would lay out every row it keeps anew. */
      gtk_stack_set_visible_child_name (self->content_stack, "list");
      text = g_strdup_printf (ngettext ("No match among %u participant",
                                           "No match among %u participants", (gulong) self->total),
                              (guint) self->total);
    }
  else
    {
      gtk_stack_set_visible_child_name (self->content_stack, "list");
      if (filtered (self))
        /* Translators: "12 of 2000 participants" */
        text = g_strdup_printf (ngettext ("%u of %u participant", "%u of %u participants",
                                             (gulong) self->total),
                                shown, (guint) self->total);
      else
        text = g_strdup_printf (ngettext ("%u participant", "%u participants", shown), shown);
    }
  gtk_label_set_text (self->count_label, text);
}

/* Shows @error in place of the list (and once as a toast). */
static void
set_read_error (StParticipantsPage *self,
                const GError       *error)
{
  /* Shown to the person: a message for the log, not a warning. */
  g_message ("Could not read the participants: %s", error->message);
  if (g_strcmp0 (self->read_error, error->message) != 0)
    st_display_toast_near (GTK_WIDGET (self), error->message, 0);
  g_free (self->read_error);
  self->read_error = g_strdup (error->message);
}

/* Filters the base list by the search: the index gives the set of matches,
 * the base list their order. No query sorts anything here, so a keystroke
 * costs milliseconds even against 100,000 people. */
/* The rows of a list that grew from a few, told to GTK a few a frame. */
static gboolean
reveal_rows (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  StParticipantsPage *self = ST_PARTICIPANTS_PAGE (widget);

  if (st_participant_list_reveal_some (self->list))
    return G_SOURCE_CONTINUE;
  self->reveal_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
apply_search (StParticipantsPage *self,
              gboolean            to_top)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(StParticipantMatches) matches = NULL;
  g_autoptr(GError) error = NULL;
  GArray *rowids;

  if (self->db == NULL || self->base == NULL)
    return;
  /* Just after the window opens the list holds its first rows only, the
   * rest being read in the background (load_rest ()): searched, they would
   * give some of the matches and a wrong count. The search runs when the
   * whole list is there (facets_done ()), a second or so later. */
  if (self->partial && st_participant_query_has_terms (text))
    {
      update_status (self);
      return;
    }

  if (!st_participant_query_has_terms (text))
    rowids = g_array_copy (self->base);
  else if ((matches = st_participant_query_match (self->db, text, &error)) != NULL)
    rowids = st_participant_matches_filter (matches, self->base);
  else
    {
      set_read_error (self, error);
      update_status (self);
      return;
    }
  /* Only those another page asked for (Overview's "Needs attention"). */
  if (self->only != NULL)
    {
      GArray *kept = g_array_sized_new (FALSE, FALSE, sizeof (gint64), MIN (rowids->len, g_hash_table_size (self->only)));

      for (guint i = 0; i < rowids->len; i++)
        if (g_hash_table_contains (self->only, &g_array_index (rowids, gint64, i)))
          g_array_append_val (kept, g_array_index (rowids, gint64, i));
      g_array_unref (rowids);
      rowids = kept;
    }
  /* No match: the status page stands in for the list, which keeps its
   * last rows out of sight. Emptied, GTK 4.8 would destroy the widgets of
   * every row on screen, and make them again at the next keystroke that
   * matches: a tenth of a second each way at 100,000 people. */
  self->no_match = rowids->len == 0 && self->total > 0;
  if (self->no_match)
    {
      g_array_unref (rowids);
      gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
      update_status (self);
      return;
    }
  /* A new search, filter or sort starts at the top; the first items keep
   * their objects with other people in them, so what was selected is no
   * longer there. */
  if (to_top)
    {
      gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view)), 0);
      gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
    }
  st_participant_list_set_rowids (self->list, rowids);
  if (st_participant_list_is_revealing (self->list) && self->reveal_tick == 0)
    self->reveal_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), reveal_rows, NULL, NULL);
  update_status (self);
}

static void facets_refresh (StParticipantsPage *self);

static gboolean
facets_usable (StParticipantsPage       *self,
               const StParticipantQuery *query)
{
  return self->facets != NULL && self->ordered != NULL && !self->facets_stale
    && self->ordered_sort == query->sort && self->ordered_descending == query->descending;
}

/* @base (taken) is the list the search narrows, of @total people (the
 * filters' count); a @total < 0 is a failed read, @error saying why. */
static gboolean
show_base (StParticipantsPage *self,
           GArray             *base,
           gint64              total,
           const GError       *error,
           gboolean            to_top)
{
  g_clear_pointer (&self->base, g_array_unref);
  self->base = base;
  self->total = total;
  if (total < 0)
    {
      set_read_error (self, error);
      update_status (self);
      return FALSE;
    }
  g_clear_pointer (&self->read_error, g_free);
  apply_search (self, to_top);
  return TRUE;
}

static void
load_base (StParticipantsPage *self,
           gboolean            to_top)
{
  StParticipantQuery query;
  g_autoptr(GError) error = NULL;
  GArray *base;

  if (self->db == NULL)
    return;
  g_clear_handle_id (&self->rest_source, g_source_remove);
  self->partial = FALSE;
  fill_query (self, &query);
  /* A visit list is of a township (or one of its villages). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "participants.print-visit-list", query.township_code != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "participants.record-visits",
                                 query.township_code != NULL && !st_db_is_read_only (self->db)
                                 && (self->role == NULL || st_role_can (self->role, ST_PERMISSION_VISIT)));
  if (facets_usable (self, &query))
    {
      /* In memory: no query, no sort. */
      if (query.township_code == NULL && query.village_code == NULL && query.state == NULL && query.outreach == NULL)
        base = g_array_ref (self->ordered);
      else
        base = st_participant_facets_filter (self->facets, self->ordered, &query);
      show_base (self, base, st_participant_facets_count (self->facets), NULL, to_top);
      return;
    }
  /* Another sort, or the data changed: read by a query now, and the
   * worker reads for the next filters. */
  if (!self->facets_loading && !self->facets_failed)
    facets_refresh (self);
  base = st_participant_query_list (self->db, &query, &error);
  if (base == NULL)
    {
      set_read_error (self, error);
      update_status (self);
      return;
    }
  /* Unfiltered, the list is everyone: no second pass over the table. */
  if (query.township_code == NULL && query.state == NULL && query.outreach == NULL)
    show_base (self, base, base->len, NULL, to_top);
  else
    show_base (self, base, st_participant_query_count (self->db, &error), error, to_top);
}

/* The row of the participant last saved, read again and selected. */
static void
select_changed (StParticipantsPage *self)
{
  int position;

  if (self->select_rowid <= 0)
    return;
  position = st_participant_list_refresh_row (self->list, self->select_rowid);
  if (position >= 0)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
}

/* The worker: everyone in the order of the sort, and the facets. */
typedef struct
{
  char               *path;
  StParticipantSort   sort;
  gboolean            descending;
  GArray             *ordered;
  StParticipantFacets *facets;
} FacetsJob;

static void
facets_job_free (FacetsJob *job)
{
  g_free (job->path);
  g_clear_pointer (&job->ordered, g_array_unref);
  g_clear_pointer (&job->facets, st_participant_facets_free);
  g_free (job);
}

static void
facets_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  FacetsJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (job->path, &error);
  StParticipantQuery query = { .sort = job->sort, .descending = job->descending };

  if (db != NULL)
    job->ordered = st_participant_query_list (db, &query, &error);
  if (job->ordered != NULL)
    job->facets = st_participant_facets_read (db, &error);
  if (job->facets == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
  /* Sorting a county took 8 MB in 100,000 small blocks, free now. */
  st_application_give_back_memory ();
}

static void
facets_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  StParticipantsPage *self = ST_PARTICIPANTS_PAGE (source);
  FacetsJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  StParticipantQuery query;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->facets_loading = FALSE;
      self->facets_failed = TRUE;
      /* Queries from now on: the list is right, only slower to filter. */
      g_message ("Could not read the participants for the filters: %s", error->message);
      load_base (self, FALSE);
      return;
    }
  self->facets_loading = FALSE;
  g_clear_pointer (&self->ordered, g_array_unref);
  g_clear_pointer (&self->facets, st_participant_facets_free);
  self->ordered = g_steal_pointer (&job->ordered);
  self->facets = g_steal_pointer (&job->facets);
  self->ordered_sort = job->sort;
  self->ordered_descending = job->descending;
  fill_query (self, &query);
  if (self->facets_stale || !facets_usable (self, &query))
    {
      /* Changed while it was read: read again. */
      self->facets_stale = FALSE;
      facets_refresh (self);
      return;
    }
  /* The first rows were on screen, or the data changed: the list now, in
   * memory (the rows on screen stay when their order did). */
  load_base (self, FALSE);
  select_changed (self);
  self->select_rowid = 0;
}

static void
facets_refresh (StParticipantsPage *self)
{
  g_autoptr(GTask) task = NULL;
  FacetsJob *job;

  if (self->db == NULL)
    return;
  self->facets_loading = TRUE;
  self->facets_stale = FALSE;
  job = g_new0 (FacetsJob, 1);
  job->path = g_strdup (st_db_get_path (self->db));
  job->sort = self->sort;
  job->descending = self->descending;
  task = g_task_new (self, self->cancellable, facets_done, NULL);
  g_task_set_source_tag (task, facets_refresh);
  g_task_set_task_data (task, job, (GDestroyNotify) facets_job_free);
  g_task_run_in_thread (task, facets_thread);
}

/* Data changed: the worker reads the list and the facets again, and the
 * list follows when it is done; the main thread reads nothing meanwhile
 * (a county's list is a 0.1 s query). Without a worker (it failed), a
 * query now. */
static void
facets_invalidate (StParticipantsPage *self)
{
  if (self->facets_failed)
    {
      load_base (self, FALSE);
      return;
    }
  if (self->facets_loading)
    self->facets_stale = TRUE;
  else
    facets_refresh (self);
}

static gboolean
load_rest (gpointer user_data)
{
  StParticipantsPage *self = user_data;

  self->rest_source = 0;
  /* Everyone, sorted, by the worker: the first rows stay until then. */
  if (!self->facets_loading)
    facets_refresh (self);
  return G_SOURCE_REMOVE;
}

/* Opening the window on a county of 100,000 people: the first screens are
 * read and shown at once (the database sorts for the first rows without
 * sorting everyone), the whole list right after the first frame is drawn
 * (a low-priority idle runs after drawing). The rows kept their order, so
 * the ones on screen stay. */
#define FIRST_ROWS 200

static void
load_first_rows (StParticipantsPage *self)
{
  StParticipantQuery query;
  g_autoptr(GError) error = NULL;
  GArray *base;

  fill_query (self, &query);
  if (query.township_code != NULL || query.state != NULL || query.outreach != NULL)
    {
      load_base (self, TRUE);
      return;
    }
  query.limit = FIRST_ROWS;
  base = st_participant_query_list (self->db, &query, &error);
  if (base == NULL || base->len < FIRST_ROWS)
    {
      g_clear_pointer (&base, g_array_unref);
      load_base (self, TRUE);
      return;
    }
  self->partial = TRUE;
  if (!show_base (self, base, st_participant_query_count (self->db, &error), error, TRUE))
    return;
  self->rest_source = g_idle_add_full (G_PRIORITY_LOW, load_rest, self, NULL);
}

void
st_participants_page_reload (StParticipantsPage *self)
{
  g_return_if_fail (ST_IS_PARTICIPANTS_PAGE (self));
  facets_invalidate (self);
}

void
st_participants_page_participant_changed (StParticipantsPage *self,
                                          const char         *uuid)
{
  gint64 rowid;

  g_return_if_fail (ST_IS_PARTICIPANTS_PAGE (self));
  rowid = st_participant_query_rowid (self->db, uuid);
  /* Shown and selected now if listed; again once the list has followed
   * (a new person, or one whose place in the order changed). */
  self->select_rowid = rowid;
  select_changed (self);
  facets_invalidate (self);
}

static void
on_search_changed (StParticipantsPage *self)
{
  apply_search (self, TRUE);
}

/* Escape in the search clears it (the list shows everyone again, within
 * the filters). */
static void
on_search_stop (StParticipantsPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* Enter in the search opens the participant when only one is left. */
static void
on_search_activate (StParticipantsPage *self)
{
  if (!self->no_match && st_participant_list_get_rowids (self->list)->len == 1)
    {
      g_autoptr(StParticipantItem) item = g_list_model_get_item (G_LIST_MODEL (self->list), 0);

      gtk_widget_activate_action (GTK_WIDGET (self), "win.open-participant", "s",
                                  st_participant_item_get_uuid (item));
    }
}

static void
fill_villages (StParticipantsPage *self)
{
  const char *township = selected_township (self);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_ptr_array_set_size (self->village_codes, 0);
  gtk_string_list_append (names, _("All villages"));
  if (township != NULL)
    {
      g_autoptr(GPtrArray) villages = st_divisions_villages_of (self->divisions, township);

      for (guint i = 0; i < villages->len; i++)
        {
          const StDivision *v = g_ptr_array_index (villages, i);

          gtk_string_list_append (names, v->short_name);
          g_ptr_array_add (self->village_codes, g_strdup (v->code));
        }
    }
  gtk_drop_down_set_model (self->village_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->village_dropdown, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->village_dropdown), township != NULL);
}

static void
on_township_selected (StParticipantsPage *self)
{
  if (self->divisions == NULL)
    return;
  g_signal_handlers_block_matched (self->village_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  fill_villages (self);
  g_signal_handlers_unblock_matched (self->village_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  load_base (self, TRUE);
}

static void
on_filter_selected (StParticipantsPage *self)
{
  load_base (self, TRUE);
}

static void
on_row_activated (StParticipantsPage *self,
                  guint               position)
{
  g_autoptr(StParticipantItem) item = g_list_model_get_item (G_LIST_MODEL (self->list), position);

  if (item != NULL && st_participant_item_get_uuid (item) != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.open-participant", "s",
                                st_participant_item_get_uuid (item));
}

/* What a column shows. The cells are plain labels set in C: a
 * GtkBuilderListItemFactory parses its template for every cell it makes,
 * and GTK 4.8 makes the visible rows anew at each change of the list,
 * which cost a tenth of a second per keystroke. */
typedef enum
{
  CELL_NAME,
  CELL_SEX,
  CELL_AGE,
  CELL_TOWNSHIP,
  CELL_VILLAGE,
  CELL_CLASS,
  CELL_STATE,
  CELL_ID_NUMBER,
  CELL_LAST_VISIT,
} CellField;

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            StParticipantsPage       *self)
{
  CellField field = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "field"));
  gtk_list_item_set_child (list_item, st_display_cell_label (field == CELL_AGE || field == CELL_ID_NUMBER,
                                                            field == CELL_ID_NUMBER));
}

static void
show_cell (GtkListItem *list_item)
{
  CellField field = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list_item), "field"));
  StParticipantItem *item = gtk_list_item_get_item (list_item);
  const char *text = NULL;

  switch (field)
    {
    case CELL_NAME: text = st_participant_item_get_name (item); break;
    case CELL_SEX: text = st_participant_item_get_sex (item); break;
    case CELL_AGE: text = st_participant_item_get_age (item); break;
    case CELL_TOWNSHIP: text = st_participant_item_get_township (item); break;
    case CELL_VILLAGE: text = st_participant_item_get_village (item); break;
    case CELL_CLASS: text = st_participant_item_get_class_name (item); break;
    case CELL_STATE: text = st_participant_item_get_state (item); break;
    case CELL_ID_NUMBER: text = st_participant_item_get_masked_id_number (item); break;
    case CELL_LAST_VISIT: text = st_participant_item_get_last_visit (item); break;
    default: g_assert_not_reached ();
    }
  st_display_cell_set_text (gtk_list_item_get_child (list_item), text);
}

static void
on_item_changed (StParticipantItem *item,
                 GtkListItem       *list_item)
{
  show_cell (list_item);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           StParticipantsPage       *self)
{
  gulong handler;

  g_object_set_data (G_OBJECT (list_item), "field", g_object_get_data (G_OBJECT (factory), "field"));
  show_cell (list_item);
  /* The list fills its first items anew when a search changes them. */
  handler = g_signal_connect_object (gtk_list_item_get_item (list_item), "changed",
                                     G_CALLBACK (on_item_changed), list_item, 0);
  g_object_set_data (G_OBJECT (list_item), "changed-handler", GSIZE_TO_POINTER (handler));
}

static void
cell_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             StParticipantsPage       *self)
{
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "changed-handler"));

  if (handler != 0)
    g_signal_handler_disconnect (gtk_list_item_get_item (list_item), handler);
  g_object_set_data (G_OBJECT (list_item), "changed-handler", NULL);
}

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  ProbeColumn *column = user_data;

  if (column->page->probe_first < 0)
    column->page->probe_first = column->sort;
  return GTK_ORDERING_SMALLER;
}

static void
on_sorter_changed (StParticipantsPage *self,
                   GtkSorterChange     change,
                   GtkSorter          *sorter)
{
  GtkOrdering order;

  self->probe_first = -1;
  order = gtk_sorter_compare (sorter, self->probe_a, self->probe_b);
  if (self->probe_first < 0 || order == GTK_ORDERING_EQUAL)
    {
      self->sort = ST_PARTICIPANT_SORT_DEFAULT;
      self->descending = FALSE;
    }
  else
    {
      self->sort = self->probe_first;
      self->descending = order == GTK_ORDERING_LARGER;
    }
  load_base (self, TRUE);
}

/* The visit list of the township (and village) chosen, in the print
 * dialog with its preview; or, with @path, as a PDF without a dialog. */
static gboolean
print_visit_list (StParticipantsPage  *self,
                  const char          *path,
                  GError             **error)
{
  StParticipantQuery query;
  StDocSheet *sheet;
  GtkPrintOperation *operation;
  GtkWindow *parent = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));

  fill_query (self, &query);
  if (self->db == NULL || query.township_code == NULL)
    return TRUE;
  sheet = st_visit_sheet_new (self->db, query.township_code, query.village_code, error);
  if (sheet == NULL)
    return FALSE;
  operation = st_print_operation_new (_("Visit list"), sheet, (GDestroyNotify) st_doc_sheet_free,
                                      (StPrintPaginate) st_doc_sheet_paginate,
                                      (StPrintDraw) st_doc_sheet_draw_page);
  if (path == NULL)
    return st_print_run (operation, parent, error);
  {
    gboolean ok = st_print_export (operation, parent, path, error);

    g_object_unref (operation);
    return ok;
  }
}

static void
on_round_saved (StParticipantsPage *self)
{
  st_participants_page_reload (self);
}

static void
record_visits_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  StParticipantsPage *self = ST_PARTICIPANTS_PAGE (widget);
  StParticipantQuery query;
  StVisitRound *round;

  fill_query (self, &query);
  if (self->db == NULL || query.township_code == NULL)
    return;
  round = st_visit_round_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->db, self->divisions,
                              query.township_code, query.village_code);
  g_signal_connect_object (round, "saved", G_CALLBACK (on_round_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (round));
}

static void
print_visit_list_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  StParticipantsPage *self = ST_PARTICIPANTS_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!print_visit_list (self, NULL, &error))
    st_display_toast_near (widget, error->message, 0);
}

gboolean
st_participants_page_export_visit_list (StParticipantsPage  *self,
                                        const char          *path,
                                        GError             **error)
{
  return print_visit_list (self, path, error);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StParticipantsPage *self = ST_PARTICIPANTS_PAGE (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->state_dropdown, 0);
  gtk_drop_down_set_selected (self->outreach_dropdown, 0);
  gtk_drop_down_set_selected (self->township_dropdown, 0);
  g_clear_pointer (&self->only, g_hash_table_unref);
  st_filter_chip_set_label (self->only_chip, NULL);
  apply_search (self, TRUE);
}

static void
show_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  st_participants_page_show_only (ST_PARTICIPANTS_PAGE (widget), NULL, NULL);
}

void
st_participants_page_show_only (StParticipantsPage *self,
                                const GArray       *rowids,
                                const char         *label)
{
  g_return_if_fail (ST_IS_PARTICIPANTS_PAGE (self));

  g_clear_pointer (&self->only, g_hash_table_unref);
  if (rowids != NULL)
    {
      self->only = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      for (guint i = 0; i < rowids->len; i++)
        g_hash_table_add (self->only, g_memdup2 (&g_array_index (rowids, gint64, i), sizeof (gint64)));
      /* The other filters would hide some of them. */
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      gtk_drop_down_set_selected (self->state_dropdown, 0);
      gtk_drop_down_set_selected (self->outreach_dropdown, 0);
      gtk_drop_down_set_selected (self->township_dropdown, 0);
    }
  st_filter_chip_set_label (self->only_chip, rowids != NULL ? label : NULL);
  load_base (self, TRUE);
}

static void
delete_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  StParticipantsPage *self = ST_PARTICIPANTS_PAGE (widget);
  StParticipantItem *item = gtk_single_selection_get_selected_item (self->selection);

  if (item != NULL && st_participant_item_get_uuid (item) != NULL)
    gtk_widget_activate_action (widget, "win.delete-participant", "s", st_participant_item_get_uuid (item));
}

static void
probe_column_free (gpointer data)
{
  g_free (data);
}

static void
set_column (StParticipantsPage  *self,
            GtkColumnViewColumn *column,
            CellField            field,
            StParticipantSort    sort)
{
  ProbeColumn *probe = g_new0 (ProbeColumn, 1);
  g_autoptr(GtkCustomSorter) sorter = NULL;

  g_object_set_data (G_OBJECT (gtk_column_view_column_get_factory (column)), "field", GINT_TO_POINTER (field));

  probe->page = self;
  probe->sort = sort;
  sorter = gtk_custom_sorter_new (probe_compare, probe, probe_column_free);
  gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
}

static void
st_participants_page_dispose (GObject *object)
{
  StParticipantsPage *self = ST_PARTICIPANTS_PAGE (object);

  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  if (self->role != NULL)
    g_signal_handlers_disconnect_by_data (self->role, self);
  g_clear_handle_id (&self->rest_source, g_source_remove);
  if (self->reveal_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->reveal_tick);
  self->reveal_tick = 0;
  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_PARTICIPANTS_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);

  G_OBJECT_CLASS (st_participants_page_parent_class)->dispose (object);
}

static void
st_participants_page_finalize (GObject *object)
{
  StParticipantsPage *self = ST_PARTICIPANTS_PAGE (object);

  g_clear_object (&self->db);
  g_clear_object (&self->role);
  g_clear_pointer (&self->divisions, st_divisions_unref);
  g_clear_pointer (&self->township_codes, g_ptr_array_unref);
  g_clear_pointer (&self->village_codes, g_ptr_array_unref);
  g_clear_pointer (&self->base, g_array_unref);
  g_clear_pointer (&self->ordered, g_array_unref);
  g_clear_pointer (&self->facets, st_participant_facets_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->read_error, g_free);
  g_clear_object (&self->probe_a);
  g_clear_object (&self->probe_b);
  g_clear_pointer (&self->only, g_hash_table_unref);

  G_OBJECT_CLASS (st_participants_page_parent_class)->finalize (object);
}

static void
st_participants_page_class_init (StParticipantsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_participants_page_dispose;
  object_class->finalize = st_participants_page_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, ST_TYPE_NARROW_LAYOUT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-participants-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, box);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, status_bar);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, township_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, village_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, outreach_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, record_visits_button);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, print_visits_button);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, index_label);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, name_column);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, sex_column);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, age_column);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, township_column);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, village_column);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, class_column);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, state_column);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, last_visit_column);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, id_number_column);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_township_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, cell_setup);
  gtk_widget_class_bind_template_callback (widget_class, cell_bind);
  gtk_widget_class_bind_template_callback (widget_class, cell_unbind);

  gtk_widget_class_install_action (widget_class, "participants.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "participants.print-visit-list", NULL, print_visit_list_action);
  gtk_widget_class_install_action (widget_class, "participants.record-visits", NULL, record_visits_action);
  gtk_widget_class_install_action (widget_class, "participants.show-all", NULL, show_all_action);
  gtk_widget_class_bind_template_child (widget_class, StParticipantsPage, only_chip);
  g_type_ensure (ST_TYPE_FILTER_CHIP);
  gtk_widget_class_install_action (widget_class, "participants.delete-selected", NULL, delete_selected_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "participants.delete-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "participants.delete-selected", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
st_participants_page_init (StParticipantsPage *self)
{
  g_autoptr(GtkStringList) state_names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* A narrow window keeps the columns that tell people apart. */
  {
    StNarrowLayout *layout = ST_NARROW_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));
    GtkColumnViewColumn *columns[] = { self->sex_column, self->class_column, self->state_column,
                                       self->last_visit_column };
    GtkWidget *widgets[] = { GTK_WIDGET (self->village_dropdown), GTK_WIDGET (self->outreach_dropdown),
                             self->record_visits_button, self->print_visits_button };

    for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
      st_narrow_layout_add_column (layout, columns[i]);
    for (guint i = 0; i < G_N_ELEMENTS (widgets); i++)
      st_narrow_layout_add_widget (layout, widgets[i]);
  }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "participants.print-visit-list", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "participants.record-visits", FALSE);

  self->cancellable = g_cancellable_new ();
  self->township_codes = g_ptr_array_new_with_free_func (g_free);
  self->village_codes = g_ptr_array_new_with_free_func (g_free);
  self->probe_a = g_object_new (G_TYPE_OBJECT, NULL);
  self->probe_b = g_object_new (G_TYPE_OBJECT, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    gtk_string_list_append (state_names, states[i].code != NULL
                                         ? st_enrolment_state_to_display (states[i].code)
                                         : _(states[i].label));
  gtk_drop_down_set_model (self->state_dropdown, G_LIST_MODEL (state_names));
  {
    g_autoptr(GtkStringList) outreach_names = gtk_string_list_new (NULL);

    for (guint i = 0; i < G_N_ELEMENTS (outreaches); i++)
      gtk_string_list_append (outreach_names, _(outreaches[i].label));
    gtk_drop_down_set_model (self->outreach_dropdown, G_LIST_MODEL (outreach_names));
  }

  set_column (self, self->name_column, CELL_NAME, ST_PARTICIPANT_SORT_NAME);
  set_column (self, self->sex_column, CELL_SEX, ST_PARTICIPANT_SORT_SEX);
  set_column (self, self->age_column, CELL_AGE, ST_PARTICIPANT_SORT_AGE);
  set_column (self, self->township_column, CELL_TOWNSHIP, ST_PARTICIPANT_SORT_TOWNSHIP);
  set_column (self, self->village_column, CELL_VILLAGE, ST_PARTICIPANT_SORT_VILLAGE);
  set_column (self, self->class_column, CELL_CLASS, ST_PARTICIPANT_SORT_CLASS);
  set_column (self, self->state_column, CELL_STATE, ST_PARTICIPANT_SORT_STATE);
  set_column (self, self->id_number_column, CELL_ID_NUMBER, ST_PARTICIPANT_SORT_ID_NUMBER);
  set_column (self, self->last_visit_column, CELL_LAST_VISIT, ST_PARTICIPANT_SORT_LAST_VISIT);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sorter_changed), self, G_CONNECT_SWAPPED);
  {
    const char *sexes[] = { st_sex_to_display (ST_SEX_MALE), st_sex_to_display (ST_SEX_FEMALE), NULL };
    const char *enrolment_states[G_N_ELEMENTS (states) + 1] = { NULL, };

    for (guint i = 1; i < G_N_ELEMENTS (states); i++)
      enrolment_states[i - 1] = st_enrolment_state_to_display (states[i].code);
    /* Widths from what the cells show at most (names, townships, villages
     * and classes as the counties name them). */
    st_display_fit_column (self->name_column, GTK_WIDGET (self), (const char *[]) { "欧阳娜娜娜", NULL }, FALSE);
    st_display_fit_column (self->sex_column, GTK_WIDGET (self), sexes, FALSE);
    st_display_fit_column (self->age_column, GTK_WIDGET (self), (const char *[]) { "100", NULL }, FALSE);
    st_display_fit_column (self->township_column, GTK_WIDGET (self), (const char *[]) { "者楼街道", NULL }, FALSE);
    st_display_fit_column (self->village_column, GTK_WIDGET (self), (const char *[]) { "者楼街道办事处居委会", NULL }, FALSE);
    st_display_fit_column (self->class_column, GTK_WIDGET (self), (const char *[]) { "者楼街道2026级电子商务1班", NULL }, FALSE);
    st_display_fit_column (self->state_column, GTK_WIDGET (self), enrolment_states, FALSE);
    {
      g_autofree char *reached = g_strdup_printf (_("%s · %s"), "2025-03-01", C_("visit", "Not reached"));
      g_autofree char *roster = g_strdup_printf (_("%s · %s"), "2025-03-01", C_("visit", "From the roster"));

      st_display_fit_column (self->last_visit_column, GTK_WIDGET (self),
                             (const char *[]) { reached, roster, _("Not visited"), NULL }, FALSE);
    }
    st_display_fit_column (self->id_number_column, GTK_WIDGET (self), (const char *[]) { "522327********0000", NULL }, TRUE);
  }
}

/* The township filter offers what the role sees (st-role.h): everything,
 * or its own townships only, the first chosen. */
static void
fill_townships (StParticipantsPage *self)
{
  st_page_kit_fill_townships (self->township_dropdown, self->township_codes, self->role, self->divisions,
                              _("All townships"), self);
  g_signal_handlers_block_matched (self->village_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  fill_villages (self);
  g_signal_handlers_unblock_matched (self->village_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
}

static void
on_role_changed (StParticipantsPage *self)
{
  fill_townships (self);
  load_base (self, TRUE);
}

void
st_participants_page_set_role (StParticipantsPage *self,
                               StRole             *role)
{
  g_return_if_fail (ST_IS_PARTICIPANTS_PAGE (self));
  g_return_if_fail (self->role == NULL);

  self->role = g_object_ref (role);
  g_signal_connect_object (role, "changed", G_CALLBACK (on_role_changed), self, G_CONNECT_SWAPPED);
  if (self->db != NULL)
    on_role_changed (self);
}

void
st_participants_page_set_db (StParticipantsPage *self,
                             StDb               *db,
                             StDivisions        *divisions)
{
  g_return_if_fail (ST_IS_PARTICIPANTS_PAGE (self));
  g_return_if_fail (self->db == NULL);

  self->db = g_object_ref (db);
  self->divisions = st_divisions_ref (divisions);
  self->list = st_participant_list_new (db, divisions);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  st_page_kit_set_rows (GTK_WIDGET (self->column_view), GTK_SELECTION_MODEL (self->selection));

  fill_townships (self);
  load_first_rows (self);
}

void
st_participants_page_focus_search (StParticipantsPage *self)
{
  g_return_if_fail (ST_IS_PARTICIPANTS_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* The search index is out of date and cannot be brought up to date (a
 * database that cannot be written): said beside the search, which may
 * miss people, instead of letting "No match" pass for the truth. */
void
st_participants_page_set_index_stale (StParticipantsPage *self)
{
  g_return_if_fail (ST_IS_PARTICIPANTS_PAGE (self));
  gtk_label_set_text (self->index_label, _("Search may miss people: this read-only database’s search index is out of date"));
  gtk_label_set_wrap (self->index_label, TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->index_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->index_label), "warning");
  gtk_widget_set_visible (GTK_WIDGET (self->index_label), TRUE);
}

void
st_participants_page_set_indexing (StParticipantsPage *self,
                                   gboolean            indexing)
{
  g_return_if_fail (ST_IS_PARTICIPANTS_PAGE (self));
  gtk_widget_set_visible (GTK_WIDGET (self->index_label), indexing);
}

GtkEditable *
st_participants_page_get_search_entry (StParticipantsPage *self)
{
  return GTK_EDITABLE (self->search_entry);
}

GtkLabel *
st_participants_page_get_count_label (StParticipantsPage *self)
{
  return self->count_label;
}

GtkColumnView *
st_participants_page_get_column_view (StParticipantsPage *self)
{
  return self->column_view;
}

GtkDropDown *
st_participants_page_get_township_dropdown (StParticipantsPage *self)
{
  return self->township_dropdown;
}

GtkDropDown *
st_participants_page_get_state_dropdown (StParticipantsPage *self)
{
  return self->state_dropdown;
}

GtkDropDown *
st_participants_page_get_outreach_dropdown (StParticipantsPage *self)
{
  return self->outreach_dropdown;
}

gboolean
st_participants_page_is_partial (StParticipantsPage *self)
{
  return self->partial;
}

const char *
st_participants_page_get_read_error (StParticipantsPage *self)
{
  g_return_val_if_fail (ST_IS_PARTICIPANTS_PAGE (self), NULL);
  return self->read_error;
}

const char *
st_participants_page_get_visible_state (StParticipantsPage *self)
{
  if (gtk_widget_get_visible (self->no_results_page))
    return "no-results";
  return gtk_stack_get_visible_child_name (self->content_stack);
}

void
st_participants_page_search_now (StParticipantsPage *self)
{
  apply_search (self, TRUE);
}
