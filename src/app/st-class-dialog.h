/* SPDX-License-Identifier: GPL-3.0-or-later */
/* New class: name, program, major, township, teaching point, start date
 * and trainers, checked by the core when Create is pressed. */
#pragma once

#include <adwaita.h>

#include "st-db.h"
#include "st-divisions.h"

G_BEGIN_DECLS

#define ST_TYPE_CLASS_DIALOG (st_class_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StClassDialog, st_class_dialog, ST, CLASS_DIALOG, AdwWindow)

/* @township_code preselects a township (may be NULL). Emits ::created
 * with the new class's id, then closes. */
StClassDialog *st_class_dialog_new (GtkWindow   *parent,
                                    StDb        *db,
                                    StDivisions *divisions,
                                    const char  *township_code);

G_END_DECLS
