/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the tests: what the import window shows. */
#pragma once

#include "st-import-window.h"

G_BEGIN_DECLS

/* preview, progress, summary, list, conflict */
const char  *st_import_window_get_page        (StImportWindow *self);
const char  *st_import_window_get_encoding    (StImportWindow *self);
/* imported, updated, rejected, warnings, repeats, conflicts, visits: as shown. */
const char  *st_import_window_get_count       (StImportWindow *self,
                                               const char     *which);
AdwComboRow *st_import_window_get_column_row  (StImportWindow *self,
                                               guint           column);
/* The lines of the list page shown last. */
GListModel  *st_import_window_get_list        (StImportWindow *self);
/* The summary row of rejected, warnings, repeats, conflicts or visits. */
GtkWidget   *st_import_window_get_summary_row (StImportWindow *self,
                                               const char     *which);
/* The conflict page: one row per field of the person shown (see
 * st-import-conflict-row.h), and its title ("Conflict 1 of 2"). */
guint        st_import_window_get_n_conflict_fields (StImportWindow *self);
GtkWidget   *st_import_window_get_conflict_field    (StImportWindow *self,
                                                     guint           i);
const char  *st_import_window_get_conflict_title    (StImportWindow *self);
/* The first visit preview row @row makes, as the preview's last column
 * shows it ("" for none), or NULL when no column makes visits. */
const char  *st_import_window_get_preview_visit (StImportWindow *self,
                                                 guint           row);
/* The last toast's title. */
const char  *st_import_window_get_message     (StImportWindow *self);

G_END_DECLS
