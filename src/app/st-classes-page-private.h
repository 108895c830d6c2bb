/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the tests, the benchmark and the screenshots. */
#pragma once

#include "st-attendance-sheet-private.h"
#include "st-class-dialog.h"
#include "st-class-view-private.h"
#include "st-classes-page.h"
#include "st-enrol-dialog.h"
#include "st-records-dialog-private.h"
#include "st-session-dialog.h"
#include "st-withdraw-dialog.h"

G_BEGIN_DECLS

StClassView       *st_classes_page_get_class_view  (StClassesPage *self);
GtkListView       *st_classes_page_get_class_list  (StClassesPage *self);
StAttendanceSheet *st_classes_page_get_sheet       (StClassesPage *self);
/* "list", "class" or "sheet". */
const char        *st_classes_page_get_visible     (StClassesPage *self);
GtkLabel          *st_classes_page_get_count_label (StClassesPage *self);
GtkDropDown       *st_classes_page_get_township_dropdown (StClassesPage *self);
/* The state of the list: "classes", "empty" or "no-match". */
const char        *st_classes_page_get_list_state  (StClassesPage *self);
/* The dialog open now, or NULL. */
GtkWindow         *st_classes_page_get_dialog      (StClassesPage *self);
const char        *st_classes_page_get_last_toast  (StClassesPage *self);

G_END_DECLS
