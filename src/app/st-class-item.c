/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include "st-class-item.h"

static void
row_clear (StClassRow *row)
{
  st_class_free (row->klass);
  g_free (row->subtitle);
}

StClassRow *
st_class_row_new (StClass    *klass,
                  const char *subtitle)
{
  StClassRow *row = g_rc_box_new0 (StClassRow);

  row->klass = klass;
  row->subtitle = g_strdup (subtitle);
  return row;
}

StClassRow *
st_class_row_ref (StClassRow *row)
{
  return g_rc_box_acquire (row);
}

void
st_class_row_unref (StClassRow *row)
{
  g_rc_box_release_full (row, (GDestroyNotify) row_clear);
}

struct _StClassItem
{
  GObject     parent_instance;

  StClassRow *row;
};

G_DEFINE_FINAL_TYPE (StClassItem, st_class_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_SUBTITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
st_class_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  StClassItem *self = ST_CLASS_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->row->klass->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->row->klass->name);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->row->subtitle);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
st_class_item_finalize (GObject *object)
{
  StClassItem *self = ST_CLASS_ITEM (object);

  g_clear_pointer (&self->row, st_class_row_unref);
  G_OBJECT_CLASS (st_class_item_parent_class)->finalize (object);
}

static void
st_class_item_class_init (StClassItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = st_class_item_get_property;
  object_class->finalize = st_class_item_finalize;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SUBTITLE] = g_param_spec_string ("subtitle", NULL, NULL, NULL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
st_class_item_init (StClassItem *self)
{
}

StClassItem *
st_class_item_new (StClassRow *row)
{
  StClassItem *self = g_object_new (ST_TYPE_CLASS_ITEM, NULL);

  self->row = st_class_row_ref (row);
  return self;
}

void
st_class_item_set_row (StClassItem *self,
                       StClassRow  *row)
{
  StClassRow *old;

  g_return_if_fail (ST_IS_CLASS_ITEM (self));
  if (self->row == row)
    return;
  old = self->row;
  self->row = st_class_row_ref (row);
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
  if (g_strcmp0 (old->klass->name, row->klass->name) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  if (g_strcmp0 (old->subtitle, row->subtitle) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTITLE]);
  g_object_thaw_notify (G_OBJECT (self));
  st_class_row_unref (old);
}

const StClass *
st_class_item_get_class (StClassItem *self)
{
  g_return_val_if_fail (ST_IS_CLASS_ITEM (self), NULL);
  return self->row->klass;
}

const char *
st_class_item_get_id (StClassItem *self)
{
  g_return_val_if_fail (ST_IS_CLASS_ITEM (self), NULL);
  return self->row->klass->id;
}

const char *
st_class_item_get_title (StClassItem *self)
{
  g_return_val_if_fail (ST_IS_CLASS_ITEM (self), NULL);
  return self->row->klass->name;
}

const char *
st_class_item_get_subtitle (StClassItem *self)
{
  g_return_val_if_fail (ST_IS_CLASS_ITEM (self), NULL);
  return self->row->subtitle;
}
