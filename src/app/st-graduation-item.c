/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <string.h>

#include "st-graduation-item.h"

struct _StGraduationItem
{
  GObject        parent_instance;

  StEligibility *e;                 /* packed () */
  char          *certificate;
  gboolean       evaluated;
};

G_DEFINE_FINAL_TYPE (StGraduationItem, st_graduation_item, G_TYPE_OBJECT)

/* A county's Graduation page holds 75,000 of these: each is kept in one
 * block (the structure and its own strings) instead of ten, with the
 * strings that repeat (class, township, program) interned, and one shared
 * empty list of what is missing. About 300 bytes less a row than the
 * evaluation's own (bench-county). Takes @e. */
static GArray *
no_missing (void)
{
  static gsize empty;

  if (g_once_init_enter (&empty))
    g_once_init_leave (&empty, (gsize) g_array_new (FALSE, FALSE, sizeof (StMissing)));
  return g_array_ref ((GArray *) empty);
}

static StEligibility *
pack (StEligibility *e)
{
  char **own[] = { &e->enrolment_id, &e->participant_id, &e->name, &e->id_number,
                   &e->enrolled_on, &e->end_date };
  gsize lengths[G_N_ELEMENTS (own)];
  gsize size = sizeof (StEligibility);
  StEligibility *packed;
  char *next;

  for (guint i = 0; i < G_N_ELEMENTS (own); i++)
    {
      lengths[i] = *own[i] != NULL ? strlen (*own[i]) + 1 : 0;
      size += lengths[i];
    }
  packed = g_malloc (size);
  *packed = *e;
  next = (char *) (packed + 1);
  for (guint i = 0; i < G_N_ELEMENTS (own); i++)
    {
      /* The same field of the packed copy. */
      char **field = (char **) ((char *) packed + ((char *) own[i] - (char *) e));

      if (*own[i] != NULL)
        {
          memcpy (next, *own[i], lengths[i]);
          *field = next;
          next += lengths[i];
        }
      g_free (*own[i]);
    }
  packed->class_id = (char *) g_intern_string (e->class_id);
  packed->township_code = (char *) g_intern_string (e->township_code);
  packed->program_code = (char *) g_intern_string (e->program_code);
  g_free (e->class_id);
  g_free (e->township_code);
  g_free (e->program_code);
  if (e->missing == NULL || e->missing->len == 0)
    {
      g_clear_pointer (&e->missing, g_array_unref);
      packed->missing = no_missing ();
    }
  g_free (e);
  return packed;
}

static void
packed_free (StEligibility *packed)
{
  if (packed == NULL)
    return;
  g_array_unref (packed->missing);
  g_free (packed);
}


enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
st_graduation_item_finalize (GObject *object)
{
  StGraduationItem *self = ST_GRADUATION_ITEM (object);

  g_clear_pointer (&self->e, packed_free);
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

  self->e = pack (e);
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
  g_clear_pointer (&self->e, packed_free);
  self->e = pack (e);
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
