/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Review list: conflicts and merges from the server and changes it
 * refused, each with both values and who made them, for a person to
 * decide. */
#pragma once

#include <adwaita.h>

#include "st-db.h"

G_BEGIN_DECLS

#define ST_TYPE_REVIEW_WINDOW (st_review_window_get_type ())
G_DECLARE_FINAL_TYPE (StReviewWindow, st_review_window, ST, REVIEW_WINDOW, AdwWindow)

StReviewWindow *st_review_window_new    (GtkWindow      *parent,
                                         StDb           *db);
void            st_review_window_reload (StReviewWindow *self);
/* Opens the @index-th item to show its values. */
void            st_review_window_expand (StReviewWindow *self,
                                         guint           index);
/* For tests: how many items are listed. */
guint           st_review_window_get_n_items (StReviewWindow *self);

G_END_DECLS
