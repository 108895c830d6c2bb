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
job_free (gpointer data)
{
  Job *job = data;

  if (job->done != NULL)
    job->done (job->data);
  g_free (job);
}

/* The report lays out the whole A4 page itself, margins included: its
 * pages whatever the printable area. */
static int
paginate (gpointer doc,
          double   width,
          double   height)
{
  Job *job = doc;

  job->n_pages = st_report_count_pages (job->report);
  return job->n_pages;
}

static void
draw (gpointer  doc,
      cairo_t  *cr,
      int       page)
{
  Job *job = doc;

  st_report_draw_page (job->report, cr, page, job->n_pages);
}

static GtkPrintOperation *
operation_new (StReport       *report,
               GDestroyNotify  done,
               gpointer        data)
{
  Job *job = g_new0 (Job, 1);
  GtkPrintOperation *operation;

  job->report = report;
  job->done = done;
  job->data = data;
  operation = st_print_operation_new (_("Quarterly report"), job, job_free, paginate, draw);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  return operation;
}

gboolean
st_report_print (GtkWindow       *parent,
                 StReport        *report,
                 GDestroyNotify   done,
                 gpointer         data,
                 GError         **error)
{
  return st_print_run (operation_new (report, done, data), parent, error);
}

gboolean
st_report_print_export (GtkWindow   *parent,
                        StReport    *report,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(GtkPrintOperation) operation = operation_new (report, NULL, NULL);

  return st_print_export (operation, parent, path, error);
}
