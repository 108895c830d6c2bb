/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One class: its participants with their hours against what the program
 * requires (worked out in a thread by the eligibility engine), and its
 * sessions with how many attended. */
#pragma once

#include <gtk/gtk.h>

#include "st-db.h"
#include "st-divisions.h"
#include "st-records.h"

G_BEGIN_DECLS

#define ST_TYPE_CLASS_VIEW (st_class_view_get_type ())
G_DECLARE_FINAL_TYPE (StClassView, st_class_view, ST, CLASS_VIEW, GtkWidget)

gboolean        st_class_view_set_class    (StClassView  *self,
                                            StDb         *db,
                                            StDivisions  *divisions,
                                            const char   *class_id,
                                            GError      **error);
/* Reads the class again, and works its progress out again. */
void            st_class_view_reload       (StClassView  *self);
/* Lets go of the class shown and of its rows' widgets (a few MB for a
 * large class), when the page goes back to the list of classes. */
void            st_class_view_forget       (StClassView  *self);
const StClass  *st_class_view_get_class    (StClassView  *self);
/* The enrolments shown (element-type StEnrolment), in list order. */
GPtrArray      *st_class_view_get_enrolments (StClassView *self);
/* "participants" or "sessions". */
void            st_class_view_show_tab     (StClassView  *self,
                                            const char   *tab);

G_END_DECLS
