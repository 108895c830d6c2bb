/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-report-print.h"

typedef struct
{
  StReport       *report;   /* not owned: kept until done is called */
  int             n_pages;
  GDestroyNotify  done;
  gpointer        data;
} Job;

static void
job_free (Job *job)
{
  if (job->done != NULL)
    job->done (job->data);
  g_free (job);
}

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                Job               *job)
{
  job->n_pages = st_report_count_pages (job->report);
  gtk_print_operation_set_n_pages (operation, MAX (job->n_pages, 1));
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              Job               *job)
{
  st_report_draw_page (job->report, gtk_print_context_get_cairo_context (context), page, job->n_pages);
}

static GtkPrintOperation *
operation_new (StReport *report)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  Job *job = g_new0 (Job, 1);

  job->report = report;
  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  /* The report lays out the whole A4 page, margins included, in points. */
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, _("Quarterly report"));
  g_object_set_data_full (G_OBJECT (operation), "job", job, (GDestroyNotify) job_free);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print), job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), job);
  return operation;
}

static void
on_done (GtkPrintOperation       *operation,
         GtkPrintOperationResult  result,
         gpointer                 user_data)
{
  g_autoptr(GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      g_warning ("Printing the quarterly report failed: %s", error ? error->message : "?");
    }
  g_object_unref (operation);
}

gboolean
st_report_print (GtkWindow       *parent,
                 StReport        *report,
                 GDestroyNotify   done,
                 gpointer         data,
                 GError         **error)
{
  GtkPrintOperation *operation = operation_new (report);
  Job *job = g_object_get_data (G_OBJECT (operation), "job");
  GtkPrintOperationResult result;

  /* The operation's last reference goes at "done", or below. */
  job->done = done;
  job->data = data;
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect (operation, "done", G_CALLBACK (on_done), NULL);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, error);
  /* Not in progress: "done" was not and will not be emitted. */
  if (result != GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    g_object_unref (operation);
  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}

gboolean
st_report_print_export (GtkWindow   *parent,
                        StReport    *report,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(GtkPrintOperation) operation = operation_new (report);

  gtk_print_operation_set_export_filename (operation, path);
  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, parent, error)
         != GTK_PRINT_OPERATION_RESULT_ERROR;
}
