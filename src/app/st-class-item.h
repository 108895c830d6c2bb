/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One row of the Classes page's list: the class, and the two lines shown
 * for it (its name; township, major, program, start and how many are in
 * study), ready for labels. */
#pragma once

#include <glib-object.h>

#include "st-records.h"

G_BEGIN_DECLS

#define ST_TYPE_CLASS_ITEM (st_class_item_get_type ())
G_DECLARE_FINAL_TYPE (StClassItem, st_class_item, ST, CLASS_ITEM, GObject)

/* Takes @klass. */
StClassItem   *st_class_item_new          (StClass    *klass,
                                           const char *subtitle);
const StClass *st_class_item_get_class    (StClassItem *self);
const char    *st_class_item_get_id       (StClassItem *self);
const char    *st_class_item_get_title    (StClassItem *self);
const char    *st_class_item_get_subtitle (StClassItem *self);

G_END_DECLS
