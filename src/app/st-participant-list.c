/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "st-application.h"
#include "st-display.h"
#include "st-idcard.h"
#include "st-participant.h"
#include "st-participant-item.h"
#include "st-participant-list.h"
#include "st-participant-query.h"

/* A screenful is 20–40 rows; pages of 64 rows and 16 cached pages keep a
 * thousand items around however far one scrolls. */
#define PAGE_SIZE 64
#define MAX_PAGES 16
/* The first rows keep their items across a change of the list (a search,
 * a filter): filled anew, they keep their widgets, which GTK 4.8 would
 * otherwise make again for every keystroke. */
#define KEEP_ROWS 256
/* Of those, filled anew before the change's frame: more than a screenful,
 * and as many as a keystroke's frame can take when the next keystroke
 * follows at once (bench-county: 48 gave filters 25 ms but searches that
 * carried the previous keystroke's rows up to 130 ms; 128 keeps both near
 * 50 ms and none over 60). */
#define REFILL_AT_ONCE 128

struct _StParticipantList
{
  GObject      parent_instance;

  StDb        *db;
  StDivisions *divisions;
  GArray      *rowids;     /* gint64 */
  guint        announced;  /* rows GTK was told of: rowids->len once revealed */
  GArray      *stale;      /* guint: positions whose items show an older row, to fill anew */
  GHashTable  *items;      /* position → StParticipantItem */
  GHashTable  *pages;      /* page numbers read (a set) */
  GQueue       lru;        /* page numbers, the most recent first */
  guint        trim_source;
};

static void st_participant_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StParticipantList, st_participant_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, st_participant_list_model_init))

/* Makes the item for @row (NULL: gone since the list was made), or fills
 * @item with it. */
static StParticipantItem *
show_row (StParticipantList    *self,
          StParticipantItem    *item,
          gint64                rowid,
          StParticipantSummary *row)
{
  g_autofree char *age = NULL;
  g_autofree char *village = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *last_visit = NULL;
  StParticipantItemText text = { rowid, NULL, "—", "", "", "", "", "", "", "", "" };

  if (row != NULL)
    {
      age = st_display_age (row->birth_date);
      village = st_display_village (self->divisions, row->village_code, row->village_name);
      masked = st_idcard_mask (row->id_number);
      text.uuid = row->id;
      text.name = row->name;
      text.sex = st_sex_to_display (row->sex);
      text.age = age;
      text.township = st_display_township (self->divisions, row->township_code);
      text.village = village;
      text.class_name = row->class_name ? row->class_name : "—";
      text.state = st_enrolment_state_to_display (row->state);
      text.masked_id_number = masked;
      if (row->last_visit != NULL)
        /* Translators: the last visit in the list: "2025-03-01 · Reached" */
        last_visit = g_strdup_printf (_("%s · %s"), row->last_visit,
                                      row->last_visit_reached ? C_("visit", "Reached")
                                      /* The roster's first visit: nobody went yet. */
                                      : row->last_visit_from_roster ? C_("visit", "From the roster")
                                      : C_("visit", "Not reached"));
      text.last_visit = last_visit != NULL ? last_visit : _("Not visited");
    }
  if (item == NULL)
    return st_participant_item_new (&text);
  st_participant_item_set (item, &text);
  return item;
}

/* Reads the rows at @positions and makes or fills their items. */
static void
read_rows (StParticipantList *self,
           GArray            *positions)
{
  g_autoptr(GArray) rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), positions->len);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  if (positions->len == 0)
    return;
  for (guint i = 0; i < positions->len; i++)
    g_array_append_val (rowids, g_array_index (self->rowids, gint64, g_array_index (positions, guint, i)));
  rows = st_participant_query_fetch (self->db, (const gint64 *) (gpointer) rowids->data, rowids->len, &error);
  if (rows == NULL)
    g_warning ("Could not read participants: %s", error->message);

  for (guint i = 0; i < positions->len; i++)
    {
      guint position = g_array_index (positions, guint, i);
      StParticipantItem *item = g_hash_table_lookup (self->items, GUINT_TO_POINTER (position));
      StParticipantSummary *row = rows ? g_ptr_array_index (rows, i) : NULL;

      if (item != NULL)
        show_row (self, item, g_array_index (rowids, gint64, i), row);
      else
        g_hash_table_insert (self->items, GUINT_TO_POINTER (position),
                             show_row (self, NULL, g_array_index (rowids, gint64, i), row));
    }
}

/* Searching and scrolling a county's list frees megabytes in small blocks
 * (rows read, arrays of matches, widgets GTK made again), which glibc keeps
 * for the process. Two seconds after the list last changed they go back to
 * the system: about 7 MB after searching and scrolling 100,000 people. */
static gboolean
trim_memory (gpointer data)
{
  StParticipantList *self = data;

  self->trim_source = 0;
  st_application_give_back_memory_later ();
  return G_SOURCE_REMOVE;
}

static void
trim_memory_soon (StParticipantList *self)
{
  g_clear_handle_id (&self->trim_source, g_source_remove);
  self->trim_source = g_timeout_add_seconds_full (G_PRIORITY_LOW, 2, trim_memory, self, NULL);
}

static void
forget_page (StParticipantList *self,
             guint              page)
{
  for (guint p = page * PAGE_SIZE; p < (page + 1) * PAGE_SIZE; p++)
    g_hash_table_remove (self->items, GUINT_TO_POINTER (p));
  g_hash_table_remove (self->pages, GUINT_TO_POINTER (page));
  g_queue_remove (&self->lru, GUINT_TO_POINTER (page));
}

static void
load_page (StParticipantList *self,
           guint              page)
{
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (guint));
  guint end = MIN ((page + 1) * PAGE_SIZE, self->rowids->len);

  for (guint p = page * PAGE_SIZE; p < end; p++)
    if (!g_hash_table_contains (self->items, GUINT_TO_POINTER (p)))
      g_array_append_val (missing, p);
  read_rows (self, missing);

  if (!g_hash_table_contains (self->pages, GUINT_TO_POINTER (page)))
    {
      g_hash_table_add (self->pages, GUINT_TO_POINTER (page));
      g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
    }
  while (g_queue_get_length (&self->lru) > MAX_PAGES)
    forget_page (self, GPOINTER_TO_UINT (g_queue_peek_tail (&self->lru)));
  trim_memory_soon (self);
}

static GType
st_participant_list_get_item_type (GListModel *model)
{
  return ST_TYPE_PARTICIPANT_ITEM;
}

static guint
st_participant_list_get_n_items (GListModel *model)
{
  return ST_PARTICIPANT_LIST (model)->announced;
}

static gpointer
st_participant_list_get_item (GListModel *model,
                              guint       position)
{
  StParticipantList *self = ST_PARTICIPANT_LIST (model);
  StParticipantItem *item;
  guint page = position / PAGE_SIZE;

  if (position >= self->rowids->len)
    return NULL;
  item = g_hash_table_lookup (self->items, GUINT_TO_POINTER (position));
  if (item != NULL)
    for (guint i = 0; i < self->stale->len; i++)
      if (g_array_index (self->stale, guint, i) == position)
        {
          g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (guint));

          /* Asked for before its turn: filled now. */
          g_array_append_val (one, position);
          read_rows (self, one);
          g_array_remove_index (self->stale, i);
          break;
        }
  if (item == NULL)
    {
      load_page (self, page);
      item = g_hash_table_lookup (self->items, GUINT_TO_POINTER (position));
    }
  else if (g_queue_peek_head (&self->lru) != GUINT_TO_POINTER (page)
           && g_hash_table_contains (self->pages, GUINT_TO_POINTER (page)))
    {
      g_queue_remove (&self->lru, GUINT_TO_POINTER (page));
      g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
    }
  return g_object_ref (item);
}

static void
st_participant_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = st_participant_list_get_item_type;
  iface->get_n_items = st_participant_list_get_n_items;
  iface->get_item = st_participant_list_get_item;
}

static void
st_participant_list_finalize (GObject *object)
{
  StParticipantList *self = ST_PARTICIPANT_LIST (object);

  g_clear_handle_id (&self->trim_source, g_source_remove);
  g_clear_object (&self->db);
  g_clear_pointer (&self->divisions, st_divisions_unref);
  g_clear_pointer (&self->rowids, g_array_unref);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_queue_clear (&self->lru);

  g_clear_pointer (&self->stale, g_array_unref);
  G_OBJECT_CLASS (st_participant_list_parent_class)->finalize (object);
}

static void
st_participant_list_class_init (StParticipantListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = st_participant_list_finalize;
}

static void
st_participant_list_init (StParticipantList *self)
{
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->stale = g_array_new (FALSE, FALSE, sizeof (guint));
  self->items = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->pages = g_hash_table_new (NULL, NULL);
  g_queue_init (&self->lru);
}

StParticipantList *
st_participant_list_new (StDb        *db,
                         StDivisions *divisions)
{
  StParticipantList *self = g_object_new (ST_TYPE_PARTICIPANT_LIST, NULL);

  self->db = g_object_ref (db);
  self->divisions = st_divisions_ref (divisions);
  return self;
}

/* Forgets the items from @position on: their rows moved. */
static void
forget_from (StParticipantList *self,
             guint              position)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) >= position)
      g_hash_table_iter_remove (&iter);
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) * PAGE_SIZE >= position)
      {
        g_queue_remove (&self->lru, key);
        g_hash_table_iter_remove (&iter);
      }
}

/* GTK 4.8 looks for the rows it tracks (the one at the top, the focused
 * one) among the added items when they were in the removed range, asking
 * for every added item: a cleared search would read 100,000 rows. Removed,
 * then added, in two changes, there is nothing to look for. */
/* Tells GTK that @removed rows at @position became @added; it then holds
 * @announced rows. */
static void
changed (StParticipantList *self,
         guint              position,
         guint              removed,
         guint              added,
         guint              announced)
{
  self->announced = announced;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* Rows told of a frame while the list grows from a few (a search cleared:
 * from one match to 100,000 people), and the count from which the rest
 * are told of at once: GTK 4.8 would otherwise make the widgets of about
 * 200 rows in one frame (100 ms). */
#define REVEAL_STEP 40
#define REVEAL_ALL  240

static void
emit_changed (StParticipantList *self,
              GArray            *old,
              guint              position,
              guint              removed,
              guint              added)
{
  GArray *final = self->rowids;
  guint now = added;

  /* The change reaches the end, and the list grows from a few rows: a few
   * more now, the rest by st_participant_list_reveal_some (). */
  if (position + added == final->len && old->len < REVEAL_ALL && final->len > old->len)
    now = MIN (added, MAX (old->len, position) + REVEAL_STEP - position);
  if (removed > 0 && added > 0)
    {
      g_autoptr(GArray) between = g_array_sized_new (FALSE, FALSE, sizeof (gint64), old->len - removed);

      /* Before @position the rows are already the new ones (they were
       * equal, or their items were filled anew). */
      g_array_append_vals (between, final->data, position);
      g_array_append_vals (between, &g_array_index (old, gint64, position + removed), old->len - position - removed);
      self->rowids = between;
      changed (self, position, removed, 0, between->len);
      self->rowids = final;
      forget_from (self, position);
      changed (self, position, 0, now, between->len + now);
    }
  else if (removed > 0 || added > 0)
    changed (self, position, removed, now, old->len - removed + now);
  else
    self->announced = final->len;
}

gboolean
st_participant_list_is_revealing (StParticipantList *self)
{
  g_return_val_if_fail (ST_IS_PARTICIPANT_LIST (self), FALSE);
  return self->announced < self->rowids->len || self->stale->len > 0;
}

gboolean
st_participant_list_reveal_some (StParticipantList *self)
{
  guint len;

  g_return_val_if_fail (ST_IS_PARTICIPANT_LIST (self), FALSE);
  if (self->stale->len > 0)
    {
      g_autoptr(GArray) some = g_array_new (FALSE, FALSE, sizeof (guint));
      guint i;

      for (i = 0; i < self->stale->len && some->len < REFILL_AT_ONCE; i++)
        {
          guint position = g_array_index (self->stale, guint, i);

          /* Forgotten since (scrolled far away): made again when asked. */
          if (g_hash_table_contains (self->items, GUINT_TO_POINTER (position)))
            g_array_append_val (some, position);
        }
      g_array_remove_range (self->stale, 0, i);
      read_rows (self, some);
    }
  len = self->rowids->len;
  if (self->announced < len)
    {
      guint had = self->announced;
      guint to = had < REVEAL_ALL ? MIN (len, had + REVEAL_STEP) : len;

      changed (self, had, 0, to - had, to);
    }
  return self->announced < len || self->stale->len > 0;
}

void
st_participant_list_set_rowids (StParticipantList *self,
                                GArray            *rowids)
{
  g_autoptr(GArray) old = NULL;
  guint prefix = 0, suffix = 0, keep;

  g_return_if_fail (ST_IS_PARTICIPANT_LIST (self));

  /* Rows still to fill anew are filled by this change, or forgotten. */
  g_array_set_size (self->stale, 0);
  old = g_steal_pointer (&self->rowids);
  /* What is compared below is what GTK was told of: a list still being
   * told of its rows is, for GTK, the rows told so far. */
  if (self->announced < old->len)
    g_array_set_size (old, self->announced);
  self->rowids = rowids;
  trim_memory_soon (self);

  while (prefix < old->len && prefix < rowids->len
         && g_array_index (old, gint64, prefix) == g_array_index (rowids, gint64, prefix))
    prefix++;
  if (prefix == old->len && prefix == rowids->len)
    return;

  keep = MIN (MIN (old->len, rowids->len), KEEP_ROWS);
  if (prefix >= keep)
    {
      /* A change further down (a row gone or back): one change spanning
       * what differs, the rows around it left alone. */
      while (suffix < old->len - prefix && suffix < rowids->len - prefix
             && g_array_index (old, gint64, old->len - 1 - suffix) == g_array_index (rowids, gint64, rowids->len - 1 - suffix))
        suffix++;
      forget_from (self, prefix);
      emit_changed (self, old, prefix, old->len - prefix - suffix, rowids->len - prefix - suffix);
      return;
    }

  /* The first rows are filled anew in place; the rest is replaced. */
  {
    g_autoptr(GArray) refill = g_array_new (FALSE, FALSE, sizeof (guint));

    forget_from (self, keep);
    for (guint p = prefix; p < keep; p++)
      if (g_hash_table_contains (self->items, GUINT_TO_POINTER (p)))
        g_array_append_val (refill, p);
    /* A screenful now; the rows GTK keeps below it a few a frame
     * (st_participant_list_reveal_some ()): every row filled anew is
     * measured again, and GTK 4.8 keeps 200. */
    if (refill->len > REFILL_AT_ONCE)
      {
        g_array_append_vals (self->stale, &g_array_index (refill, guint, REFILL_AT_ONCE), refill->len - REFILL_AT_ONCE);
        g_array_set_size (refill, REFILL_AT_ONCE);
      }
    read_rows (self, refill);
  }
  emit_changed (self, old, keep, old->len - keep, rowids->len - keep);
}

const GArray *
st_participant_list_get_rowids (StParticipantList *self)
{
  g_return_val_if_fail (ST_IS_PARTICIPANT_LIST (self), NULL);
  return self->rowids;
}

int
st_participant_list_find (StParticipantList *self,
                          gint64             rowid)
{
  for (guint i = 0; i < self->rowids->len; i++)
    if (g_array_index (self->rowids, gint64, i) == rowid)
      return i;
  return -1;
}

int
st_participant_list_refresh_row (StParticipantList *self,
                                 gint64             rowid)
{
  int position = st_participant_list_find (self, rowid);
  g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (guint));
  guint p = position;

  if (position < 0)
    return -1;
  /* Filled anew in place: its widget shows the change. */
  if (g_hash_table_contains (self->items, GUINT_TO_POINTER (p)))
    {
      g_array_append_val (one, p);
      read_rows (self, one);
    }
  return position;
}
