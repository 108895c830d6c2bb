/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include "st-graduation-list.h"

struct _StGraduationSlot
{
  GObject           parent_instance;

  StGraduationItem *item;       /* of the row at index */
  guint             index;
  StGraduationList *list;       /* weak: it clears this when it goes */
  guint             position;
  gboolean          pending;    /* shows an old row until retargeted */
};

struct _StGraduationList
{
  GObject           parent_instance;

  StGraduationRows *rows;
  GArray           *shown;      /* guint: indexes into rows */
  GHashTable       *slots;      /* position → StGraduationSlot GTK holds (weak) */
  GPtrArray        *pending;    /* slots to retarget, nearest the focus last */
  guint             announced;  /* rows GTK was told of: shown->len once revealed */
  guint             focus;      /* the first row in sight */
};

static void st_graduation_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE (StGraduationSlot, st_graduation_slot, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE_WITH_CODE (StGraduationList, st_graduation_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, st_graduation_list_model_init))

enum { RETARGETED, N_SLOT_SIGNALS };
static guint slot_signals[N_SLOT_SIGNALS];

static void
st_graduation_slot_finalize (GObject *object)
{
  StGraduationSlot *self = ST_GRADUATION_SLOT (object);

  /* GTK let go of it: the list makes another if it is asked again. */
  if (self->list != NULL
      && g_hash_table_lookup (self->list->slots, GUINT_TO_POINTER (self->position)) == self)
    g_hash_table_remove (self->list->slots, GUINT_TO_POINTER (self->position));
  g_clear_object (&self->item);
  G_OBJECT_CLASS (st_graduation_slot_parent_class)->finalize (object);
}

static void
st_graduation_slot_class_init (StGraduationSlotClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = st_graduation_slot_finalize;
  /* It shows another row. */
  slot_signals[RETARGETED] = g_signal_new ("retargeted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
st_graduation_slot_init (StGraduationSlot *self)
{
}

StGraduationItem *
st_graduation_slot_get_item (StGraduationSlot *self)
{
  g_return_val_if_fail (ST_IS_GRADUATION_SLOT (self), NULL);
  return self->item;
}

/* The index of the row at @position, G_MAXUINT past the end. */
static guint
row_at (StGraduationList *self,
        guint             position)
{
  if (self->shown == NULL || position >= self->shown->len)
    return G_MAXUINT;
  return g_array_index (self->shown, guint, position);
}

/* Whether @slot shows the row @index of the list's rows. */
static gboolean
shows (StGraduationSlot *slot,
       StGraduationList *self,
       guint             index)
{
  return slot->item != NULL && slot->index == index
    && st_graduation_item_get_rows (slot->item) == self->rows;
}

/* Gives @slot the row @index, if it shows another. */
static void
retarget (StGraduationSlot *slot,
          StGraduationList *self,
          guint             index)
{
  slot->pending = FALSE;
  if (shows (slot, self, index))
    return;
  g_clear_object (&slot->item);
  slot->item = st_graduation_rows_get_item (self->rows, index);
  slot->index = index;
  g_signal_emit (slot, slot_signals[RETARGETED], 0);
}

static GType
get_item_type (GListModel *model)
{
  return ST_TYPE_GRADUATION_SLOT;
}

static guint
get_n_items (GListModel *model)
{
  return ST_GRADUATION_LIST (model)->announced;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  StGraduationList *self = ST_GRADUATION_LIST (model);
  guint index = row_at (self, position);
  StGraduationSlot *slot;

  if (index == G_MAXUINT)
    return NULL;
  slot = g_hash_table_lookup (self->slots, GUINT_TO_POINTER (position));
  if (slot != NULL)
    {
      retarget (slot, self, index);
      return g_object_ref (slot);
    }
  slot = g_object_new (ST_TYPE_GRADUATION_SLOT, NULL);
  slot->item = st_graduation_rows_get_item (self->rows, index);
  slot->index = index;
  slot->list = self;
  slot->position = position;
  g_hash_table_insert (self->slots, GUINT_TO_POINTER (position), slot);
  return slot;
}

static void
st_graduation_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
forget_slots (StGraduationList *self)
{
  GHashTableIter iter;
  StGraduationSlot *slot;

  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &slot))
    slot->list = NULL;
  g_hash_table_remove_all (self->slots);
}

static void
st_graduation_list_finalize (GObject *object)
{
  StGraduationList *self = ST_GRADUATION_LIST (object);

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  forget_slots (self);
  g_hash_table_unref (self->slots);
  g_clear_pointer (&self->rows, st_graduation_rows_unref);
  g_clear_pointer (&self->shown, g_array_unref);
  G_OBJECT_CLASS (st_graduation_list_parent_class)->finalize (object);
}

static void
st_graduation_list_class_init (StGraduationListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = st_graduation_list_finalize;
}

static void
st_graduation_list_init (StGraduationList *self)
{
  self->slots = g_hash_table_new (NULL, NULL);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
}

StGraduationList *
st_graduation_list_new (void)
{
  return g_object_new (ST_TYPE_GRADUATION_LIST, NULL);
}

/* Rows told of a frame while the list grows from a few, and the count from
 * which the rest are told of at once (more than GTK 4.8's 200 rows with
 * widgets). */
#define REVEAL_STEP 40
#define REVEAL_ALL  240

static void
announce (StGraduationList *self,
          guint             n)
{
  guint had = self->announced;

  if (n <= had)
    return;
  self->announced = n;
  g_list_model_items_changed (G_LIST_MODEL (self), had, 0, n - had);
}

static int
by_distance (gconstpointer a,
             gconstpointer b,
             gpointer      data)
{
  guint focus = GPOINTER_TO_UINT (data);
  const StGraduationSlot *x = *(StGraduationSlot **) a;
  const StGraduationSlot *y = *(StGraduationSlot **) b;
  guint dx = x->position > focus ? x->position - focus : focus - x->position;
  guint dy = y->position > focus ? y->position - focus : focus - y->position;

  /* Farthest first: the array is taken from its end. */
  return dx < dy ? 1 : dx > dy ? -1 : 0;
}

void
st_graduation_list_set (StGraduationList *self,
                        StGraduationRows *rows,
                        GArray           *shown)
{
  guint had, n;
  GHashTableIter iter;
  gpointer key;
  StGraduationSlot *slot;

  g_return_if_fail (ST_IS_GRADUATION_LIST (self));
  had = self->announced;
  if (rows != self->rows)
    {
      g_clear_pointer (&self->rows, st_graduation_rows_unref);
      self->rows = st_graduation_rows_ref (rows);
    }
  g_clear_pointer (&self->shown, g_array_unref);
  self->shown = shown;
  n = shown->len;

  /* The slots GTK holds show the rows now at their places; those past the
   * end are no longer the list's. GTK 4.8 keeps about 200 rows and
   * measures again every one whose text changed, though a screenful is in
   * sight: the slots nearest the row in sight are given their rows now,
   * the others a few a frame (st_graduation_list_retarget_some ()). */
  g_ptr_array_set_size (self->pending, 0);
  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, &key, (gpointer *) &slot))
    {
      guint index = row_at (self, GPOINTER_TO_UINT (key));

      slot->pending = FALSE;
      if (index == G_MAXUINT)
        {
          slot->list = NULL;
          g_hash_table_iter_remove (&iter);
        }
      else if (!shows (slot, self, index))
        {
          slot->pending = TRUE;
          g_ptr_array_add (self->pending, g_object_ref (slot));
        }
    }
  g_ptr_array_sort_with_data (self->pending, by_distance, GUINT_TO_POINTER (self->focus));
  st_graduation_list_retarget_some (self, ST_GRADUATION_LIST_RETARGET_AT_ONCE);
  /* Every slot anyone holds is the same object at the same place: only the
   * end of the list changed. A list that grows from a few rows (the first
   * class shown, then the county) makes GTK make the widgets of up to 200
   * rows in one frame: it is told of a few more rows each frame
   * instead, up to REVEAL_ALL, then of all the others. */
  if (n < had)
    {
      self->announced = n;
      g_list_model_items_changed (G_LIST_MODEL (self), n, had - n, 0);
    }
  else if (n > had)
    announce (self, had < REVEAL_ALL ? MIN (n, had + REVEAL_STEP) : n);
}

void
st_graduation_list_set_focus (StGraduationList *self,
                              guint             position)
{
  g_return_if_fail (ST_IS_GRADUATION_LIST (self));
  self->focus = position;
}

gboolean
st_graduation_list_retarget_some (StGraduationList *self,
                                  guint             n)
{
  g_return_val_if_fail (ST_IS_GRADUATION_LIST (self), FALSE);

  if (n > 0 && self->shown != NULL && self->announced < self->shown->len)
    announce (self, self->announced < REVEAL_ALL ? MIN (self->shown->len, self->announced + REVEAL_STEP)
                                                 : self->shown->len);
  for (guint i = 0; i < n && self->pending->len > 0; i++)
    {
      StGraduationSlot *slot = g_ptr_array_steal_index (self->pending, self->pending->len - 1);

      /* Retargeted meanwhile (GTK asked for its place), or GTK let go. */
      if (slot->pending && slot->list == self)
        retarget (slot, self, row_at (self, slot->position));
      g_object_unref (slot);
    }
  return self->pending->len > 0 || (self->shown != NULL && self->announced < self->shown->len);
}

void
st_graduation_list_reveal_all (StGraduationList *self)
{
  g_return_if_fail (ST_IS_GRADUATION_LIST (self));
  if (self->shown != NULL)
    announce (self, self->shown->len);
}

guint
st_graduation_list_get_n_rows (StGraduationList *self)
{
  g_return_val_if_fail (ST_IS_GRADUATION_LIST (self), 0);
  return self->shown != NULL ? self->shown->len : 0;
}

guint
st_graduation_list_get_index (StGraduationList *self,
                              guint             position)
{
  g_return_val_if_fail (ST_IS_GRADUATION_LIST (self), G_MAXUINT);
  return row_at (self, position);
}

StGraduationItem *
st_graduation_list_get_row (StGraduationList *self,
                            guint             position)
{
  guint index;

  g_return_val_if_fail (ST_IS_GRADUATION_LIST (self), NULL);
  index = row_at (self, position);
  return index != G_MAXUINT ? st_graduation_rows_get_item (self->rows, index) : NULL;
}
