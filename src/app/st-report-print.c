/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-print.h"
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
  /* The report lays out the whole A4 page, margins included. */
  GtkPrintOperation *operation = st_print_operation_new (_("Quarterly report"), TRUE);
  Job *job = g_new0 (Job, 1);

  job->report = report;
  g_object_set_data_full (G_OBJECT (operation), "job", job, (GDestroyNotify) job_free);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print), job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), job);
  return operation;
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

  job->done = done;
  job->data = data;
  return st_print_run_dialog (operation, parent, "the quarterly report", error);
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
