/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One row of the Graduation page: an enrolment's evaluation and its
 * certificate. Made for a row of StGraduationRows while someone holds it
 * (the slots GTK holds, an approval): one object a row, st_graduation_rows_get_item (). */
#pragma once

#include <glib-object.h>

#include "st-eligibility.h"
#include "st-graduation-rows.h"

G_BEGIN_DECLS

#define ST_TYPE_GRADUATION_ITEM (st_graduation_item_get_type ())
G_DECLARE_FINAL_TYPE (StGraduationItem, st_graduation_item, ST, GRADUATION_ITEM, GObject)

/* For st_graduation_rows_get_item (). */
StGraduationItem    *st_graduation_item_new             (StGraduationRows *rows,
                                                         guint             index);
StGraduationRows    *st_graduation_item_get_rows        (StGraduationItem *self);
guint                st_graduation_item_get_index       (StGraduationItem *self);
/* The whole evaluation, made when first asked for and kept while the item
 * lives. */
const StEligibility *st_graduation_item_get_eligibility (StGraduationItem *self);
/* Takes @e; emits "changed". */
void                 st_graduation_item_set_eligibility (StGraduationItem *self,
                                                         StEligibility    *e);
/* Whether the hours have been summed (not only the stored state). */
gboolean             st_graduation_item_get_evaluated   (StGraduationItem *self);
const char          *st_graduation_item_get_certificate (StGraduationItem *self);
void                 st_graduation_item_set_certificate (StGraduationItem *self,
                                                         const char       *number);
/* Eligible, completion or study record, and no certificate yet. */
gboolean             st_graduation_item_can_approve     (StGraduationItem *self);

G_END_DECLS
