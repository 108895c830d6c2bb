/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Participants page: search, filters, the sortable list, and the empty
 * states that say what to do. */
#pragma once

#include <gtk/gtk.h>

#include "st-db.h"
#include "st-divisions.h"
#include "st-role.h"

G_BEGIN_DECLS

#define ST_TYPE_PARTICIPANTS_PAGE (st_participants_page_get_type ())
G_DECLARE_FINAL_TYPE (StParticipantsPage, st_participants_page, ST, PARTICIPANTS_PAGE, GtkWidget)

void        st_participants_page_set_db           (StParticipantsPage *self,
                                                   StDb               *db,
                                                   StDivisions        *divisions);
/* Limits the township filter to what @role sees, and follows its
 * changes. */
void        st_participants_page_set_role         (StParticipantsPage *self,
                                                   StRole             *role);
/* Reads the list again (after an import, a delete, an undo); keeps the
 * search, the filters and the sort. */
void        st_participants_page_reload           (StParticipantsPage *self);
/* After one participant changed: the list again, and that row re-read. */
void        st_participants_page_participant_changed (StParticipantsPage *self,
                                                   const char         *uuid);
void        st_participants_page_focus_search     (StParticipantsPage *self);
/* The search index is out of date and cannot be made current (a
 * read-only database): said beside the search. */
void        st_participants_page_set_index_stale  (StParticipantsPage *self);
/* While the search index is being brought up to date. */
void        st_participants_page_set_indexing     (StParticipantsPage *self,
                                                   gboolean            indexing);

/* Shows only the participants of @rowids (NULL: everyone again), saying
 * why with @label above the list; search and filters are cleared. */
void        st_participants_page_show_only        (StParticipantsPage *self,
                                                   const GArray       *rowids,
                                                   const char         *label);

G_END_DECLS
