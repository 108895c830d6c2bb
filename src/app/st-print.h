/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Printing a document of the core (sign-in sheet, visit list) that lays
 * itself out on pages of a size in points and draws a page on a cairo_t:
 * A4, the print dialog with its preview, or a PDF through the same
 * operation. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef int  (*StPrintPaginate) (gpointer doc, double width, double height);
typedef void (*StPrintDraw)     (gpointer doc, cairo_t *cr, int page);

/* An A4 operation in points that prints @doc (freed with the operation by
 * @free_doc). */
GtkPrintOperation *st_print_operation_new (const char        *job_name,
                                           gpointer           doc,
                                           GDestroyNotify     free_doc,
                                           StPrintPaginate    paginate,
                                           StPrintDraw        draw);
/* Shows the print dialog (with its preview) for @operation, which it
 * takes; the window stays responsive meanwhile. */
gboolean           st_print_run           (GtkPrintOperation *operation,
                                           GtkWindow         *parent,
                                           GError           **error);
/* Writes @operation's pages to @path as a PDF, without a dialog. */
gboolean           st_print_export        (GtkPrintOperation *operation,
                                           GtkWindow         *parent,
                                           const char        *path,
                                           GError           **error);

G_END_DECLS
