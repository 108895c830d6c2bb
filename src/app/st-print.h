/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the app's print jobs share: an A4 print operation in points, and
 * running it through the print dialog with its preview. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* An operation on A4 in points named @job_name; @full_page when the
 * document lays out the whole page, margins included. */
GtkPrintOperation *st_print_operation_new (const char        *job_name,
                                           gboolean           full_page);
/* Runs @operation (taken) with the print dialog over @parent; a failure
 * after the dialog is logged with @what ("the sign-in sheet"). FALSE with
 * @error when the dialog cannot run. */
gboolean           st_print_run_dialog    (GtkPrintOperation *operation,
                                           GtkWindow         *parent,
                                           const char        *what,
                                           GError           **error);

G_END_DECLS
