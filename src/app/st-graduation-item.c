/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include "st-graduation-item.h"

struct _StGraduationItem
{
  GObject           parent_instance;

  StGraduationRows *rows;
  guint             index;
  StEligibility    *e;          /* made when asked for */
};

G_DEFINE_FINAL_TYPE (StGraduationItem, st_graduation_item, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
st_graduation_item_finalize (GObject *object)
{
  StGraduationItem *self = ST_GRADUATION_ITEM (object);

  st_graduation_rows_forget_item (self->rows, self->index, self);
  g_clear_pointer (&self->e, st_eligibility_free);
  st_graduation_rows_unref (self->rows);

  G_OBJECT_CLASS (st_graduation_item_parent_class)->finalize (object);
}

static void
st_graduation_item_class_init (StGraduationItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = st_graduation_item_finalize;

  /* What the row shows changed. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
st_graduation_item_init (StGraduationItem *self)
{
}

StGraduationItem *
st_graduation_item_new (StGraduationRows *rows,
                        guint             index)
{
  StGraduationItem *self = g_object_new (ST_TYPE_GRADUATION_ITEM, NULL);

  self->rows = st_graduation_rows_ref (rows);
  self->index = index;
  return self;
}

StGraduationRows *
st_graduation_item_get_rows (StGraduationItem *self)
{
  return self->rows;
}

guint
st_graduation_item_get_index (StGraduationItem *self)
{
  return self->index;
}

const StEligibility *
st_graduation_item_get_eligibility (StGraduationItem *self)
{
  if (self->e == NULL)
    self->e = st_graduation_rows_dup (self->rows, self->index);
  return self->e;
}

void
st_graduation_item_set_eligibility (StGraduationItem *self,
                                    StEligibility    *e)
{
  g_clear_pointer (&self->e, st_eligibility_free);
  st_graduation_rows_replace (self->rows, self->index, e);
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
st_graduation_item_get_evaluated (StGraduationItem *self)
{
  return st_graduation_rows_get_evaluated (self->rows, self->index);
}

const char *
st_graduation_item_get_certificate (StGraduationItem *self)
{
  return st_graduation_rows_get_certificate (self->rows, self->index);
}

void
st_graduation_item_set_certificate (StGraduationItem *self,
                                    const char       *number)
{
  if (g_strcmp0 (number, st_graduation_item_get_certificate (self)) == 0)
    return;
  st_graduation_rows_set_certificate (self->rows, self->index, number);
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
st_graduation_item_can_approve (StGraduationItem *self)
{
  return st_graduation_rows_can_approve (self->rows, self->index);
}
