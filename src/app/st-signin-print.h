/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sign-in sheet of a session on paper (GtkPrintOperation, whose dialog
 * has a preview) or as a PDF file: the pages the core's st-signin draws,
 * through cairo, both ways. */
#pragma once

#include <gtk/gtk.h>

#include "st-db.h"

G_BEGIN_DECLS

/* Shows the print dialog for the sheet of @session_id. */
gboolean st_signin_print        (GtkWindow   *parent,
                                 StDb        *db,
                                 const char  *session_id,
                                 GError     **error);
/* Runs the same print operation without a dialog into a PDF file (for the
 * tests: the pages the printer would get). */
gboolean st_signin_print_export (GtkWindow   *parent,
                                 StDb        *db,
                                 const char  *session_id,
                                 const char  *path,
                                 GError     **error);

G_END_DECLS
