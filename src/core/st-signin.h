/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sign-in sheet (签到表) of a session. */
#pragma once

#include <cairo.h>

#include "st-db.h"

G_BEGIN_DECLS

typedef struct _StSigninSheet StSigninSheet;

/* Loads the session's class, date, hours, trainer and the participants
 * enrolled (in study) on its date, ordered by village (in the order of the
 * official village list, villages typed by hand after them) and name. In
 * study on the date means what st_attendance_fill_present() means: enrolled
 * on or before it, and either still studying or with a state dated on or
 * after it. An unknown session is an ST_RECORDS_ERROR_NOT_FOUND. */
StSigninSheet *st_signin_sheet_new        (StDb           *db,
                                           const char     *session_id,
                                           GError        **error);
/* Lays the sheet out on pages of @width × @height points (A4 = 595 × 842)
 * and returns how many there are; the header repeats on every page. For
 * GtkPrintOperation, use GTK_UNIT_POINTS and the print context's size. */
int            st_signin_sheet_paginate   (StSigninSheet  *sheet,
                                           double          width,
                                           double          height);
/* Draws page @page (0-based) on @cr, in points from its origin; for PDF
 * files and for GtkPrintOperation alike. Paginates for A4 first if
 * st_signin_sheet_paginate() was not called. */
void           st_signin_sheet_draw_page  (StSigninSheet  *sheet,
                                           cairo_t        *cr,
                                           int             page);
/* An A4 PDF, replaced atomically. */
gboolean       st_signin_sheet_write_pdf  (StSigninSheet  *sheet,
                                           const char     *path,
                                           GError        **error);
void           st_signin_sheet_free       (StSigninSheet  *sheet);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StSigninSheet, st_signin_sheet_free)

G_END_DECLS
