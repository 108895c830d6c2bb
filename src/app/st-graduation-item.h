/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One row of the Graduation page: an enrolment's evaluation and its
 * certificate. */
#pragma once

#include <glib-object.h>

#include "st-eligibility.h"

G_BEGIN_DECLS

#define ST_TYPE_GRADUATION_ITEM (st_graduation_item_get_type ())
G_DECLARE_FINAL_TYPE (StGraduationItem, st_graduation_item, ST, GRADUATION_ITEM, GObject)

/* Takes @e. */
StGraduationItem    *st_graduation_item_new             (StEligibility    *e);
const StEligibility *st_graduation_item_get_eligibility (StGraduationItem *self);
/* Takes @e; emits "changed". */
void                 st_graduation_item_set_eligibility (StGraduationItem *self,
                                                         StEligibility    *e);
/* Whether the hours have been summed (not only the stored state). */
gboolean             st_graduation_item_get_evaluated   (StGraduationItem *self);
void                 st_graduation_item_set_evaluated   (StGraduationItem *self,
                                                         gboolean          evaluated);
const char          *st_graduation_item_get_certificate (StGraduationItem *self);
void                 st_graduation_item_set_certificate (StGraduationItem *self,
                                                         const char       *number);
/* Eligible, completion or study record, and no certificate yet. */
gboolean             st_graduation_item_can_approve     (StGraduationItem *self);


/* One position of the list shown: it shows an item, and is given another
 * when the filters change ("retargeted"). The list keeps its slots across
 * filter changes, only adding or removing at its end, so that GTK 4.8
 * keeps the row widgets it made instead of destroying and making anew
 * those of every row in sight (see st-class-item.h). A cell follows the
 * slot's "retargeted" and its item's "changed". */
#define ST_TYPE_GRADUATION_SLOT (st_graduation_slot_get_type ())
G_DECLARE_FINAL_TYPE (StGraduationSlot, st_graduation_slot, ST, GRADUATION_SLOT, GObject)

StGraduationSlot    *st_graduation_slot_new             (StGraduationItem *item);
StGraduationItem    *st_graduation_slot_get_item        (StGraduationSlot *self);
/* Emits "retargeted" when @item is another. */
void                 st_graduation_slot_set_item        (StGraduationSlot *self,
                                                         StGraduationItem *item);

G_END_DECLS
