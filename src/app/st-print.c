/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include "st-print.h"

GtkPrintOperation *
st_print_operation_new (const char *job_name,
                        gboolean    full_page)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_use_full_page (operation, full_page);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, job_name);
  return operation;
}

static void
on_done (GtkPrintOperation       *operation,
         GtkPrintOperationResult  result,
         gpointer                 user_data)
{
  const char *what = user_data;
  g_autoptr(GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      g_warning ("Printing %s failed: %s", what, error ? error->message : "?");
    }
  g_object_unref (operation);
}

gboolean
st_print_run_dialog (GtkPrintOperation  *operation,
                     GtkWindow          *parent,
                     const char         *what,
                     GError            **error)
{
  GtkPrintOperationResult result;

  /* The operation's last reference goes at "done", or below. */
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect (operation, "done", G_CALLBACK (on_done), (gpointer) what);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, error);
  /* Not in progress: "done" was not and will not be emitted. */
  if (result != GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    g_object_unref (operation);
  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}
