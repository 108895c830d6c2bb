/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The quarterly report on paper (GtkPrintOperation, whose dialog has a
 * preview): the pages of its PDF, drawn by the core on the printer's
 * cairo context. */
#pragma once

#include <gtk/gtk.h>

#include "st-report.h"

G_BEGIN_DECLS

/* Shows the print dialog for @report, which must live until @done is
 * called with @data (when the dialog and the printing are over, or at
 * once on an error). */
gboolean st_report_print        (GtkWindow      *parent,
                                 StReport       *report,
                                 GDestroyNotify  done,
                                 gpointer        data,
                                 GError        **error);
/* Runs the same print operation without a dialog into a PDF file (for the
 * tests: the pages the printer would get). */
gboolean st_report_print_export (GtkWindow   *parent,
                                 StReport    *report,
                                 const char  *path,
                                 GError     **error);

G_END_DECLS
