/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Classes page: the list of classes with its filters, and, inside the
 * page, one class (participants, progress, sessions) and the attendance
 * sheet of a session; the dialogs that add to them. */
#pragma once

#include <gtk/gtk.h>

#include "st-db.h"
#include "st-divisions.h"
#include "st-role.h"

G_BEGIN_DECLS

#define ST_TYPE_CLASSES_PAGE (st_classes_page_get_type ())
G_DECLARE_FINAL_TYPE (StClassesPage, st_classes_page, ST, CLASSES_PAGE, GtkWidget)

void st_classes_page_set_db (StClassesPage *self,
                             StDb          *db,
                             StDivisions   *divisions);
/* Lists only the classes @role sees (a trainer's own, a township's). */
void st_classes_page_set_role (StClassesPage *self,
                               StRole        *role);
/* Reads the classes again (after a sync, an import). */
void st_classes_page_reload (StClassesPage *self);
/* Shows only the classes @class_ids (NULL: all again), saying why with
 * @label ("Classes without a session this month") above the list; the
 * other filters are cleared. */
void st_classes_page_show_only (StClassesPage      *self,
                                const char * const *class_ids,
                                const char         *label);

G_END_DECLS
