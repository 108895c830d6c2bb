/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rows of the Classes page's list.
 *
 * StClassRow is a class as read, with the second line shown for it
 * (township, major, program, start, how many are in study); shared by
 * reference counting.
 *
 * StClassItem is one position of the list shown: it shows a row, and is
 * given another when the filters change (st_class_item_set_row (), which
 * notifies "title" and "subtitle"). The list keeps its items across filter
 * changes, only adding or removing at its end, so that GTK 4.8 keeps the
 * row widgets it made (it destroys and makes them anew for items that are
 * removed and added: about 300 ms for the 200 rows a list view keeps). */
#pragma once

#include <glib-object.h>

#include "st-records.h"

G_BEGIN_DECLS

typedef struct
{
  StClass *klass;
  char    *subtitle;
} StClassRow;

/* Takes @klass. */
StClassRow    *st_class_row_new           (StClass     *klass,
                                           const char  *subtitle);
StClassRow    *st_class_row_ref           (StClassRow  *row);
void           st_class_row_unref         (StClassRow  *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StClassRow, st_class_row_unref)

#define ST_TYPE_CLASS_ITEM (st_class_item_get_type ())
G_DECLARE_FINAL_TYPE (StClassItem, st_class_item, ST, CLASS_ITEM, GObject)

StClassItem   *st_class_item_new          (StClassRow  *row);
void           st_class_item_set_row      (StClassItem *self,
                                           StClassRow  *row);
const StClass *st_class_item_get_class    (StClassItem *self);
const char    *st_class_item_get_id       (StClassItem *self);
const char    *st_class_item_get_title    (StClassItem *self);
const char    *st_class_item_get_subtitle (StClassItem *self);

G_END_DECLS
