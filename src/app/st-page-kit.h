/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the pages repeat: the township filter, the file chooser of an
 * export, the message shown after an action. */
#pragma once

#include <adwaita.h>

#include "st-csv.h"
#include "st-db.h"
#include "st-divisions.h"
#include "st-role.h"

G_BEGIN_DECLS

/* Hides @window now and destroys it once the main loop is idle: for a
 * window under a dialog that is answering (the answer closes it). With
 * libadwaita 1.2 and GTK 4.8, destroying a message dialog's parent from
 * its response handler leaves the dialog holding a freed window when it
 * closes itself right after. */
void        st_page_kit_destroy_later  (GtkWindow   *window);

void        st_page_kit_fill_townships (GtkDropDown *dropdown,
                                        GPtrArray   *codes,
                                        StRole      *role,
                                        StDivisions *divisions,
                                        const char  *all_label,
                                        gpointer     page);
const char *st_page_kit_selected       (GtkDropDown *dropdown,
                                        GPtrArray   *values);

/* What a page that reads the database in the background holds: the
 * database, the county's divisions, the role, the read under way. */
typedef struct
{
  StDb         *db;
  StDivisions  *divisions;
  StRole       *role;
  GCancellable *cancellable;
  gboolean      loaded;       /* a read has begun */
  gboolean      loading;      /* one is under way */
} StPageData;

/* Holds @db, @divisions and @role; @on_role_changed (swapped: @page) runs
 * when the role changes, until st_page_data_dispose (). */
void        st_page_data_set           (StPageData   *data,
                                        StDb         *db,
                                        StDivisions  *divisions,
                                        StRole       *role,
                                        GCallback     on_role_changed,
                                        gpointer      page);
/* From the page's dispose: the read under way stopped, the role left. */
void        st_page_data_dispose       (StPageData   *data,
                                        gpointer      page);
/* A read begins: the one under way stopped, the spinner shown, and the
 * "loading" page of @stack when @nothing_shown. Returns the read's
 * cancellable (the data's). */
GCancellable *st_page_data_begin_read  (StPageData    *data,
                                        GtkSpinner    *spinner,
                                        GtkStack      *stack,
                                        gboolean       nothing_shown);
/* A read's end (its GTask returns a pointer): its result; or NULL when
 * another read has begun since (the result freed with @free_result), or
 * when it failed (the "error" page of @stack shown, @error_page saying
 * why). */
gpointer      st_page_data_end_read    (StPageData    *data,
                                        GAsyncResult  *res,
                                        GDestroyNotify free_result,
                                        GtkSpinner    *spinner,
                                        AdwStatusPage *error_page,
                                        GtkStack      *stack);
/* From the page's finalize. */
void        st_page_data_clear         (StPageData   *data);

/* Called with the file chosen (and its encoding: UTF-8 for a PDF). */
typedef void (*StPageKitSaveFunc) (GtkWidget     *page,
                                   const char    *what,
                                   const char    *path,
                                   StCsvEncoding  encoding);

typedef struct
{
  const char        *title;
  const char        *accept;      /* "_Export", "_Save" */
  const char        *file_name;   /* proposed */
  gboolean           pdf;         /* else CSV, with its encoding offered */
  const char        *what;        /* handed to @save */
  StPageKitSaveFunc  save;
} StPageKitSaveAs;

void        st_page_kit_save_as        (GtkWidget             *page,
                                        const StPageKitSaveAs *save_as);
/* A message near @page (a toast), kept in @last for the tests. */
void        st_page_kit_show_message   (GtkWidget             *page,
                                        char                 **last,
                                        const char            *message);

/* @model shown in @view (a GtkColumnView or GtkListView). The widgets of
 * its rows (a few hundred; tens of MB on a county) are released a moment
 * after @view is hidden and made again, at the same scroll position, when
 * it is shown; the model (and so what is selected) is kept. */
void        st_page_kit_set_rows       (GtkWidget             *view,
                                        GtkSelectionModel     *model);

G_END_DECLS
