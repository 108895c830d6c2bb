/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The layout of a page whose one child fills it, and which in a window
 * narrower than a width hides what it can spare: columns of its list and
 * widgets of its toolbars (the Participants and Graduation pages). What it
 * hides is no part of the page's minimum width, so that the window may be
 * made that narrow. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ST_TYPE_NARROW_LAYOUT (st_narrow_layout_get_type ())
G_DECLARE_FINAL_TYPE (StNarrowLayout, st_narrow_layout, ST, NARROW_LAYOUT, GtkLayoutManager)

/* Below @width pixels the page is narrow (900 until set). */
void     st_narrow_layout_set_width   (StNarrowLayout      *self,
                                       int                  width);
/* @column is hidden while the page is narrow. */
void     st_narrow_layout_add_column  (StNarrowLayout      *self,
                                       GtkColumnViewColumn *column);
/* @widget, a child of a horizontal GtkBox that is a child of the page's
 * child, is hidden while the page is narrow. */
void     st_narrow_layout_add_widget  (StNarrowLayout      *self,
                                       GtkWidget           *widget);
/* The "narrow" property. */
gboolean st_narrow_layout_get_narrow  (StNarrowLayout      *self);

G_END_DECLS
