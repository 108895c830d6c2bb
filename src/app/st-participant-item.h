/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One row of the participant list, as it is shown: every text ready for a
 * label, the ID number masked. The list keeps the items of the first rows
 * when a search changes them and fills them anew ("changed"), so that GTK
 * keeps their widgets. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  gint64      rowid;
  const char *uuid;
  const char *name;
  const char *sex;
  const char *age;
  const char *township;
  const char *village;
  const char *class_name;
  const char *state;
  const char *masked_id_number;
  const char *last_visit;
} StParticipantItemText;

#define ST_TYPE_PARTICIPANT_ITEM (st_participant_item_get_type ())
G_DECLARE_FINAL_TYPE (StParticipantItem, st_participant_item, ST, PARTICIPANT_ITEM, GObject)

StParticipantItem *st_participant_item_new  (const StParticipantItemText *text);
/* Fills the item anew and emits "changed". */
void        st_participant_item_set                  (StParticipantItem           *self,
                                                      const StParticipantItemText *text);

const char *st_participant_item_get_uuid             (StParticipantItem *self);
gint64      st_participant_item_get_rowid            (StParticipantItem *self);
const char *st_participant_item_get_name             (StParticipantItem *self);
const char *st_participant_item_get_sex              (StParticipantItem *self);
const char *st_participant_item_get_age              (StParticipantItem *self);
const char *st_participant_item_get_township         (StParticipantItem *self);
const char *st_participant_item_get_village          (StParticipantItem *self);
const char *st_participant_item_get_class_name       (StParticipantItem *self);
const char *st_participant_item_get_state            (StParticipantItem *self);
const char *st_participant_item_get_masked_id_number (StParticipantItem *self);
const char *st_participant_item_get_last_visit       (StParticipantItem *self);

G_END_DECLS
