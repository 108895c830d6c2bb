/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-signin.h"
#include "st-signin-print.h"

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                StSigninSheet     *sheet)
{
  /* The printable area in points: the core lays the sheet out for it. */
  int n = st_signin_sheet_paginate (sheet, gtk_print_context_get_width (context),
                                    gtk_print_context_get_height (context));

  gtk_print_operation_set_n_pages (operation, MAX (n, 1));
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              StSigninSheet     *sheet)
{
  st_signin_sheet_draw_page (sheet, gtk_print_context_get_cairo_context (context), page);
}

static GtkPrintOperation *
operation_new (StDb        *db,
               const char  *session_id,
               GError     **error)
{
  StSigninSheet *sheet = st_signin_sheet_new (db, session_id, error);
  g_autoptr(GtkPageSetup) setup = NULL;
  g_autoptr(GtkPaperSize) a4 = NULL;
  GtkPrintOperation *operation;

  if (sheet == NULL)
    return NULL;
  operation = gtk_print_operation_new ();
  a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  setup = gtk_page_setup_new ();
  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, _("Sign-in sheet"));
  g_object_set_data_full (G_OBJECT (operation), "sheet", sheet, (GDestroyNotify) st_signin_sheet_free);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print), sheet);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), sheet);
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
      g_warning ("Printing the sign-in sheet failed: %s", error ? error->message : "?");
    }
  g_object_unref (operation);
}

gboolean
st_signin_print (GtkWindow   *parent,
                 StDb        *db,
                 const char  *session_id,
                 GError     **error)
{
  GtkPrintOperation *operation = operation_new (db, session_id, error);

  if (operation == NULL)
    return FALSE;
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect (operation, "done", G_CALLBACK (on_done), NULL);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, error)
      == GTK_PRINT_OPERATION_RESULT_ERROR)
    return FALSE;
  return TRUE;
}

gboolean
st_signin_print_export (GtkWindow   *parent,
                        StDb        *db,
                        const char  *session_id,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(GtkPrintOperation) operation = operation_new (db, session_id, error);

  if (operation == NULL)
    return FALSE;
  gtk_print_operation_set_export_filename (operation, path);
  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, parent, error)
         != GTK_PRINT_OPERATION_RESULT_ERROR;
}
