/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The printed visit list of a village (摸排走访登记表): everyone not yet
 * reached, with the last visit, and blank columns for the visitor to fill
 * in by hand; A4, the header on every page. */
#pragma once

#include <cairo.h>

#include "st-db.h"

G_BEGIN_DECLS

typedef struct _StVisitSheet StVisitSheet;

/* The live participants of @township_code (and of @village_code, NULL for
 * the whole township) never reached by a visit, by village and name. */
StVisitSheet *st_visit_sheet_new        (StDb          *db,
                                         const char    *township_code,
                                         const char    *village_code,
                                         GError       **error);
/* How many people it lists. */
guint         st_visit_sheet_get_count  (StVisitSheet  *sheet);
/* Lays the sheet out on pages of @width × @height points and returns how
 * many there are (for GtkPrintOperation: GTK_UNIT_POINTS). */
int           st_visit_sheet_paginate   (StVisitSheet  *sheet,
                                         double         width,
                                         double         height);
/* Draws page @page (0-based) on @cr; paginates for A4 first if needed. */
void          st_visit_sheet_draw_page  (StVisitSheet  *sheet,
                                         cairo_t       *cr,
                                         int            page);
/* An A4 PDF, replaced atomically. */
gboolean      st_visit_sheet_write_pdf  (StVisitSheet  *sheet,
                                         const char    *path,
                                         GError       **error);
void          st_visit_sheet_free       (StVisitSheet  *sheet);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StVisitSheet, st_visit_sheet_free)

G_END_DECLS
