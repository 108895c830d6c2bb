/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A GListModel of StParticipantItem over a list of rowids: rows are read
 * from the database a page at a time, when the view asks for them, so a
 * list of 100,000 costs 800 kB and a screenful of queries. */
#pragma once

#include <gio/gio.h>

#include "st-db.h"
#include "st-divisions.h"

G_BEGIN_DECLS

#define ST_TYPE_PARTICIPANT_LIST (st_participant_list_get_type ())
G_DECLARE_FINAL_TYPE (StParticipantList, st_participant_list, ST, PARTICIPANT_LIST, GObject)

StParticipantList *st_participant_list_new            (StDb              *db,
                                                       StDivisions       *divisions);
/* Shows @rowids (element type gint64, taken). Rows that stay where they
 * were keep their items, so the view keeps its place when a search
 * narrows or one row goes. */
void               st_participant_list_set_rowids     (StParticipantList *self,
                                                       GArray            *rowids);
/* A list that grew from a few rows is told to GTK a few rows a frame:
 * call once a frame while it returns TRUE. */
gboolean           st_participant_list_reveal_some    (StParticipantList *self);
gboolean           st_participant_list_is_revealing   (StParticipantList *self);
const GArray      *st_participant_list_get_rowids     (StParticipantList *self);
/* Reads the row again (after an edit); returns its position or -1. */
int                st_participant_list_refresh_row    (StParticipantList *self,
                                                       gint64             rowid);
int                st_participant_list_find           (StParticipantList *self,
                                                       gint64             rowid);

G_END_DECLS
