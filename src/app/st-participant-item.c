/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include "st-participant-item.h"

struct _StParticipantItem
{
  GObject  parent_instance;

  gint64   rowid;
  char    *uuid;
  char    *name;
  char    *sex;
  char    *age;
  char    *township;
  char    *village;
  char    *class_name;
  char    *state;
  char    *masked_id_number;
  char    *last_visit;
};

G_DEFINE_FINAL_TYPE (StParticipantItem, st_participant_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ROWID,
  PROP_UUID,
  PROP_NAME,
  PROP_SEX,
  PROP_AGE,
  PROP_TOWNSHIP,
  PROP_VILLAGE,
  PROP_CLASS_NAME,
  PROP_STATE,
  PROP_MASKED_ID_NUMBER,
  PROP_LAST_VISIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char **
string_slot (StParticipantItem *self,
             guint              prop_id)
{
  switch (prop_id)
    {
    case PROP_UUID: return &self->uuid;
    case PROP_NAME: return &self->name;
    case PROP_SEX: return &self->sex;
    case PROP_AGE: return &self->age;
    case PROP_TOWNSHIP: return &self->township;
    case PROP_VILLAGE: return &self->village;
    case PROP_CLASS_NAME: return &self->class_name;
    case PROP_STATE: return &self->state;
    case PROP_MASKED_ID_NUMBER: return &self->masked_id_number;
    case PROP_LAST_VISIT: return &self->last_visit;
    default: return NULL;
    }
}

static void
st_participant_item_finalize (GObject *object)
{
  StParticipantItem *self = ST_PARTICIPANT_ITEM (object);

  for (guint i = PROP_UUID; i < N_PROPS; i++)
    g_clear_pointer (string_slot (self, i), g_free);

  G_OBJECT_CLASS (st_participant_item_parent_class)->finalize (object);
}

static void
st_participant_item_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StParticipantItem *self = ST_PARTICIPANT_ITEM (object);

  if (prop_id == PROP_ROWID)
    g_value_set_int64 (value, self->rowid);
  else if (prop_id > PROP_ROWID && prop_id < N_PROPS)
    g_value_set_string (value, *string_slot (self, prop_id));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
st_participant_item_class_init (StParticipantItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = st_participant_item_finalize;
  object_class->get_property = st_participant_item_get_property;

  properties[PROP_ROWID] = g_param_spec_int64 ("rowid", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_SEX] = g_param_spec_string ("sex", NULL, NULL, NULL, flags);
  properties[PROP_AGE] = g_param_spec_string ("age", NULL, NULL, NULL, flags);
  properties[PROP_TOWNSHIP] = g_param_spec_string ("township", NULL, NULL, NULL, flags);
  properties[PROP_VILLAGE] = g_param_spec_string ("village", NULL, NULL, NULL, flags);
  properties[PROP_CLASS_NAME] = g_param_spec_string ("class-name", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_string ("state", NULL, NULL, NULL, flags);
  properties[PROP_MASKED_ID_NUMBER] = g_param_spec_string ("masked-id-number", NULL, NULL, NULL, flags);
  properties[PROP_LAST_VISIT] = g_param_spec_string ("last-visit", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* All of it changed at once: one signal rather than ten notifies. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
st_participant_item_init (StParticipantItem *self)
{
}

static void
fill (StParticipantItem           *self,
      const StParticipantItemText *text)
{
  self->rowid = text->rowid;
#define SET(field) G_STMT_START { g_free (self->field); self->field = g_strdup (text->field); } G_STMT_END
  SET (uuid);
  SET (name);
  SET (sex);
  SET (age);
  SET (township);
  SET (village);
  SET (class_name);
  SET (state);
  SET (masked_id_number);
  SET (last_visit);
#undef SET
}

StParticipantItem *
st_participant_item_new (const StParticipantItemText *text)
{
  StParticipantItem *self = g_object_new (ST_TYPE_PARTICIPANT_ITEM, NULL);

  fill (self, text);
  return self;
}

void
st_participant_item_set (StParticipantItem           *self,
                         const StParticipantItemText *text)
{
  g_return_if_fail (ST_IS_PARTICIPANT_ITEM (self));

  fill (self, text);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gint64
st_participant_item_get_rowid (StParticipantItem *self)
{
  g_return_val_if_fail (ST_IS_PARTICIPANT_ITEM (self), 0);
  return self->rowid;
}

#define GETTER(field) \
  const char * \
  st_participant_item_get_##field (StParticipantItem *self) \
  { \
    g_return_val_if_fail (ST_IS_PARTICIPANT_ITEM (self), NULL); \
    return self->field; \
  }

GETTER (uuid)
GETTER (name)
GETTER (sex)
GETTER (age)
GETTER (township)
GETTER (village)
GETTER (class_name)
GETTER (state)
GETTER (masked_id_number)
GETTER (last_visit)
