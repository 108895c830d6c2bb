/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How stored values read in the app: names for codes, ages from birth
 * dates, labels for columns. */
#pragma once

#include <adwaita.h>

#include "st-divisions.h"

G_BEGIN_DECLS

/* The township's official name (者楼街道), or the code when unknown. */
const char *st_display_township     (StDivisions *divisions,
                                     const char  *township_code);
/* The village as people write it (者楼村), or the name kept as written, or
 * "". Newly allocated. */
char       *st_display_village      (StDivisions *divisions,
                                     const char  *village_code,
                                     const char  *village_name);
/* Whole years today from "YYYY-MM-DD", or "" when it cannot be read. */
char       *st_display_age          (const char  *birth_date);
/* The translated label of a participant column (phone → 电话). */
const char *st_display_field_label  (const char  *column);
/* A stored value of @column as a person reads it: codes become names,
 * education and poverty their words. Newly allocated; "—" for nothing. */
char       *st_display_field_value  (StDivisions *divisions,
                                     const char  *column,
                                     const char  *value);
/* Gives @column the width of the widest of its title and @samples (what
 * its cells show at most, in @widget's font, or monospace), plus padding.
 * GTK 4.8 otherwise measures every cell of the 200 rows a list keeps at
 * every change of the list, to size the columns to their content: a
 * filter change of a county's list took about 40% longer (bench-county).
 * The columns stay resizable. */
void        st_display_fit_column   (GtkColumnViewColumn *column,
                                     GtkWidget           *widget,
                                     const char *const   *samples,
                                     gboolean             monospace);
/* "2024-05-01 10:22" in local time. */
char       *st_display_time_ms      (gint64       ms);

/* Shows @message as a toast in @overlay: as plain text (toasts read Pango
 * markup, and messages quote what people typed), for @timeout_s seconds
 * (0: libadwaita's default). */
void        st_display_toast        (AdwToastOverlay *overlay,
                                     const char      *message,
                                     guint            timeout_s);
/* The same in the toast overlay around @widget; nothing if there is none. */
void        st_display_toast_near   (GtkWidget       *widget,
                                     const char      *message,
                                     guint            timeout_s);

/* Makes the tooltips of @root and the widgets in it as wide as their
 * text when the interface is in Chinese (GTK 4.8 would put one character
 * per line); widgets made later are not seen. */
void        st_display_fit_tooltips (GtkWidget *root);

/* A cell of a table's column (a GtkInscription: its height does not depend
 * on its text, so GTK lays out no text to measure the rows of a list):
 * text from the start, ellipsized; figures in even widths when @numeric,
 * ID numbers in a monospace font when @monospace. */
GtkWidget  *st_display_cell_label   (gboolean     numeric,
                                     gboolean     monospace);
void        st_display_cell_set_text (GtkWidget  *cell,
                                      const char *text);

/* What @editable holds without the spaces around it; NULL when nothing is
 * left. */
char       *st_display_entered      (GtkEditable *editable);

G_END_DECLS
