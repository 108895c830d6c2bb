/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-signin.h"
#include "st-print.h"
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
  GtkPrintOperation *operation;

  if (sheet == NULL)
    return NULL;
  operation = st_print_operation_new (_("Sign-in sheet"), FALSE);
  g_object_set_data_full (G_OBJECT (operation), "sheet", sheet, (GDestroyNotify) st_signin_sheet_free);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print), sheet);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), sheet);
  return operation;
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
  return st_print_run_dialog (operation, parent, "the sign-in sheet", error);
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
