/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-print.h"
#include "st-signin.h"
#include "st-signin-print.h"

static GtkPrintOperation *
operation_new (StDb        *db,
               const char  *session_id,
               GError     **error)
{
  StDocSheet *sheet = st_signin_sheet_new (db, session_id, error);

  if (sheet == NULL)
    return NULL;
  return st_print_operation_new (_("Sign-in sheet"), sheet, (GDestroyNotify) st_doc_sheet_free,
                                 (StPrintPaginate) st_doc_sheet_paginate, (StPrintDraw) st_doc_sheet_draw_page);
}

gboolean
st_signin_print (GtkWindow   *parent,
                 StDb        *db,
                 const char  *session_id,
                 GError     **error)
{
  GtkPrintOperation *operation = operation_new (db, session_id, error);

  return operation != NULL && st_print_run (operation, parent, error);
}

gboolean
st_signin_print_export (GtkWindow   *parent,
                        StDb        *db,
                        const char  *session_id,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(GtkPrintOperation) operation = operation_new (db, session_id, error);

  return operation != NULL && st_print_export (operation, parent, path, error);
}
