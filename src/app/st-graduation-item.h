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

G_END_DECLS
