/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A bar under a page's filters saying that the list shows only what was
 * asked for elsewhere ("Only participants with incomplete records"), with
 * a button that shows everything again. Hidden while its label is empty. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ST_TYPE_FILTER_CHIP (st_filter_chip_get_type ())
G_DECLARE_FINAL_TYPE (StFilterChip, st_filter_chip, ST, FILTER_CHIP, GtkWidget)

/* NULL or "" hides the bar. */
void        st_filter_chip_set_label  (StFilterChip *self,
                                       const char   *label);
const char *st_filter_chip_get_label  (StFilterChip *self);
/* The "Show All" button (its action is the chip's "action-name"). */
GtkWidget  *st_filter_chip_get_button (StFilterChip *self);

G_END_DECLS
