/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One field of an import conflict: the database's value and the roster's
 * side by side, the person picks one. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A list row for the field @label; the database's value is chosen at first. */
GtkWidget       *st_import_conflict_row_new          (const char *label,
                                                      const char *stored,
                                                      const char *offered);
/* TRUE when the roster's value is the one chosen. */
gboolean         st_import_conflict_row_takes_roster (GtkWidget  *row);
/* The button of either side (for the tests, which click them). */
GtkToggleButton *st_import_conflict_row_get_choice   (GtkWidget  *row,
                                                      gboolean    roster);

G_END_DECLS
