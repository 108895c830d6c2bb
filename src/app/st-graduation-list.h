/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Graduation page's list: the rows the filters let through, out of
 * the items the page holds (a county: 75,000).
 *
 * Its items are StGraduationSlot: one position of the list, showing a row,
 * made when GTK asks for that position (the rows in sight) and kept only
 * while GTK holds it. When the filters change, the slots in sight are
 * given the rows now at their positions ("retargeted") before the list
 * says it changed, so that GTK 4.8 keeps the row widgets it made instead of
 * destroying and making anew those of every row in sight (see
 * st-class-item.h). A filter change costs one pass over the row numbers,
 * not a list store of 75,000 slots spliced. A cell follows its slot's
 * "retargeted" and its item's "changed". */
#pragma once

#include <gio/gio.h>

#include "st-graduation-item.h"

G_BEGIN_DECLS

#define ST_TYPE_GRADUATION_SLOT (st_graduation_slot_get_type ())
G_DECLARE_FINAL_TYPE (StGraduationSlot, st_graduation_slot, ST, GRADUATION_SLOT, GObject)

StGraduationItem    *st_graduation_slot_get_item        (StGraduationSlot *self);

#define ST_TYPE_GRADUATION_LIST (st_graduation_list_get_type ())
G_DECLARE_FINAL_TYPE (StGraduationList, st_graduation_list, ST, GRADUATION_LIST, GObject)

StGraduationList    *st_graduation_list_new             (void);
/* Shows the rows of @rows at @shown (guint indexes into @rows, in the
 * order shown; taken). A slot's item is made when GTK asks for its place. */
void                 st_graduation_list_set             (StGraduationList *self,
                                                         StGraduationRows *rows,
                                                         GArray           *shown);
/* The rows in sight start about @position: their slots are retargeted
 * first at the next st_graduation_list_set (). */
void                 st_graduation_list_set_focus       (StGraduationList *self,
                                                         guint             position);
/* How many slots st_graduation_list_set () retargets at once; the others
 * go by st_graduation_list_retarget_some (), @n at a time, TRUE while some
 * are left (once a frame: see the Graduation page). A list that grows from
 * a few rows is told of its rows a few a frame the same way. */
#define ST_GRADUATION_LIST_RETARGET_AT_ONCE 40
gboolean             st_graduation_list_retarget_some   (StGraduationList *self,
                                                         guint             n);
/* Every row told of at once (before selecting all of them). */
void                 st_graduation_list_reveal_all      (StGraduationList *self);
/* The rows the filters let through, told of or not yet. */
guint                st_graduation_list_get_n_rows      (StGraduationList *self);
/* The index into the rows of the row at @position; G_MAXUINT past the end. */
guint                st_graduation_list_get_index       (StGraduationList *self,
                                                         guint             position);
/* The item of the row at @position (a new reference), NULL past the end. */
StGraduationItem    *st_graduation_list_get_row         (StGraduationList *self,
                                                         guint             position);

G_END_DECLS
