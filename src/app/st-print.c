/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include "st-print.h"

typedef struct
{
  gpointer        doc;
  GDestroyNotify  free_doc;
  StPrintPaginate paginate;
  StPrintDraw     draw;
} Job;

static void
job_free (Job *job)
{
  if (job->free_doc != NULL)
    job->free_doc (job->doc);
  g_free (job);
}

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                Job               *job)
{
  /* The printable area in points: the core lays the document out for it. */
  int n = job->paginate (job->doc, gtk_print_context_get_width (context), gtk_print_context_get_height (context));

  gtk_print_operation_set_n_pages (operation, MAX (n, 1));
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              Job               *job)
{
  job->draw (job->doc, gtk_print_context_get_cairo_context (context), page);
}

GtkPrintOperation *
st_print_operation_new (const char      *job_name,
                        gpointer         doc,
                        GDestroyNotify   free_doc,
                        StPrintPaginate  paginate,
                        StPrintDraw      draw)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  Job *job = g_new0 (Job, 1);

  job->doc = doc;
  job->free_doc = free_doc;
  job->paginate = paginate;
  job->draw = draw;
  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, job_name);
  g_object_set_data_full (G_OBJECT (operation), "st-print-job", job, (GDestroyNotify) job_free);
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
      g_warning ("Printing failed: %s", error ? error->message : "?");
    }
  g_object_unref (operation);
}

gboolean
st_print_run (GtkPrintOperation  *operation,
              GtkWindow          *parent,
              GError            **error)
{
  GtkPrintOperationResult result;

  /* The operation's last reference goes at "done", or below. */
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect (operation, "done", G_CALLBACK (on_done), NULL);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, error);
  /* Not in progress: "done" was not and will not be emitted. */
  if (result != GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    g_object_unref (operation);
  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}

gboolean
st_print_export (GtkPrintOperation  *operation,
                 GtkWindow          *parent,
                 const char         *path,
                 GError            **error)
{
  gtk_print_operation_set_export_filename (operation, path);
  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, parent, error)
         != GTK_PRINT_OPERATION_RESULT_ERROR;
}
