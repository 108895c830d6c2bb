/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sign-in sheet (签到表) of a session. */
#pragma once

#include <cairo.h>

#include "st-db.h"

G_BEGIN_DECLS

typedef struct _StSigninSheet StSigninSheet;

/* Loads the session's class, date, hours, trainer and the participants
 * enrolled (in study) on its date, ordered by village and name. */
StSigninSheet *st_signin_sheet_new        (StDb           *db,
                                           const char     *session_id,
                                           GError        **error);
/* Lays the sheet out on pages of @width × @height points (A4 = 595 × 842)
 * and returns how many there are; the header repeats on every page. */
int            st_signin_sheet_paginate   (StSigninSheet  *sheet,
                                           double          width,
                                           double          height);
/* Draws page @page (0-based) on @cr; for PDF files and for
 * GtkPrintOperation alike. */
void           st_signin_sheet_draw_page  (StSigninSheet  *sheet,
                                           cairo_t        *cr,
                                           int             page);
gboolean       st_signin_sheet_write_pdf  (StSigninSheet  *sheet,
                                           const char     *path,
                                           GError        **error);
void           st_signin_sheet_free       (StSigninSheet  *sheet);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StSigninSheet, st_signin_sheet_free)

G_END_DECLS
