/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include "st-graduation-item.h"

struct _StGraduationItem
{
  GObject        parent_instance;

  StEligibility *e;
  char          *certificate;
  gboolean       evaluated;
};

G_DEFINE_FINAL_TYPE (StGraduationItem, st_graduation_item, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
st_graduation_item_finalize (GObject *object)
{
  StGraduationItem *self = ST_GRADUATION_ITEM (object);

  g_clear_pointer (&self->e, st_eligibility_free);
  g_free (self->certificate);

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
st_graduation_item_new (StEligibility *e)
{
  StGraduationItem *self = g_object_new (ST_TYPE_GRADUATION_ITEM, NULL);

  self->e = e;
  return self;
}

const StEligibility *
st_graduation_item_get_eligibility (StGraduationItem *self)
{
  return self->e;
}

void
st_graduation_item_set_eligibility (StGraduationItem *self,
                                    StEligibility    *e)
{
  g_clear_pointer (&self->e, st_eligibility_free);
  self->e = e;
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
st_graduation_item_get_evaluated (StGraduationItem *self)
{
  return self->evaluated;
}

void
st_graduation_item_set_evaluated (StGraduationItem *self,
                                  gboolean          evaluated)
{
  self->evaluated = evaluated;
}

const char *
st_graduation_item_get_certificate (StGraduationItem *self)
{
  return self->certificate;
}

void
st_graduation_item_set_certificate (StGraduationItem *self,
                                    const char       *number)
{
  if (g_strcmp0 (number, self->certificate) == 0)
    return;
  g_free (self->certificate);
  self->certificate = g_strdup (number);
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
st_graduation_item_can_approve (StGraduationItem *self)
{
  if (!self->evaluated || self->certificate != NULL)
    return FALSE;
  return self->e->outcome == ST_OUTCOME_ELIGIBLE || self->e->outcome == ST_OUTCOME_COMPLETION
    || self->e->outcome == ST_OUTCOME_STUDY_RECORD;
}

struct _StGraduationSlot
{
  GObject           parent_instance;

  StGraduationItem *item;
};

G_DEFINE_FINAL_TYPE (StGraduationSlot, st_graduation_slot, G_TYPE_OBJECT)

enum { RETARGETED, N_SLOT_SIGNALS };
static guint slot_signals[N_SLOT_SIGNALS];

static void
st_graduation_slot_finalize (GObject *object)
{
  g_clear_object (&ST_GRADUATION_SLOT (object)->item);
  G_OBJECT_CLASS (st_graduation_slot_parent_class)->finalize (object);
}

static void
st_graduation_slot_class_init (StGraduationSlotClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = st_graduation_slot_finalize;
  slot_signals[RETARGETED] = g_signal_new ("retargeted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
st_graduation_slot_init (StGraduationSlot *self)
{
}

StGraduationSlot *
st_graduation_slot_new (StGraduationItem *item)
{
  StGraduationSlot *self = g_object_new (ST_TYPE_GRADUATION_SLOT, NULL);

  self->item = g_object_ref (item);
  return self;
}

StGraduationItem *
st_graduation_slot_get_item (StGraduationSlot *self)
{
  return self->item;
}

void
st_graduation_slot_set_item (StGraduationSlot *self,
                             StGraduationItem *item)
{
  if (self->item == item)
    return;
  g_set_object (&self->item, item);
  g_signal_emit (self, slot_signals[RETARGETED], 0);
}
