/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Overview page (SPEC §4): enrolment against the program's targets (a
 * chart), a table per township, and what needs attention. Counted in the
 * background when the page is first shown, and again with F5. */
#pragma once

#include <gtk/gtk.h>

#include "st-db.h"
#include "st-divisions.h"
#include "st-role.h"

G_BEGIN_DECLS

#define ST_TYPE_OVERVIEW_PAGE (st_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (StOverviewPage, st_overview_page, ST, OVERVIEW_PAGE, GtkWidget)

void st_overview_page_set_db (StOverviewPage *self,
                              StDb           *db,
                              StDivisions    *divisions,
                              StRole         *role);
void st_overview_page_reload (StOverviewPage *self);

/* What "Needs attention" counts, as last loaded (NULL before): the rowids
 * of the participants with incomplete records, the ids of the classes
 * without a session this month. */
const GArray       *st_overview_page_get_incomplete      (StOverviewPage *self);
const char * const *st_overview_page_get_without_session (StOverviewPage *self);

G_END_DECLS
