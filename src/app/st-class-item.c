/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include "st-class-item.h"

struct _StClassItem
{
  GObject  parent_instance;

  StClass *klass;
  char    *subtitle;
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
      g_value_set_string (value, self->klass->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->klass->name);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
st_class_item_finalize (GObject *object)
{
  StClassItem *self = ST_CLASS_ITEM (object);

  st_class_free (self->klass);
  g_free (self->subtitle);
  G_OBJECT_CLASS (st_class_item_parent_class)->finalize (object);
}

static void
st_class_item_class_init (StClassItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = st_class_item_get_property;
  object_class->finalize = st_class_item_finalize;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBTITLE] = g_param_spec_string ("subtitle", NULL, NULL, NULL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
st_class_item_init (StClassItem *self)
{
}

StClassItem *
st_class_item_new (StClass    *klass,
                   const char *subtitle)
{
  StClassItem *self = g_object_new (ST_TYPE_CLASS_ITEM, NULL);

  self->klass = klass;
  self->subtitle = g_strdup (subtitle);
  return self;
}

const StClass *
st_class_item_get_class (StClassItem *self)
{
  g_return_val_if_fail (ST_IS_CLASS_ITEM (self), NULL);
  return self->klass;
}

const char *
st_class_item_get_id (StClassItem *self)
{
  g_return_val_if_fail (ST_IS_CLASS_ITEM (self), NULL);
  return self->klass->id;
}

const char *
st_class_item_get_title (StClassItem *self)
{
  g_return_val_if_fail (ST_IS_CLASS_ITEM (self), NULL);
  return self->klass->name;
}

const char *
st_class_item_get_subtitle (StClassItem *self)
{
  g_return_val_if_fail (ST_IS_CLASS_ITEM (self), NULL);
  return self->subtitle;
}
