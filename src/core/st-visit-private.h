/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the core's own use: what st-visit.c shares with the roster import
 * (st-visit-roster.c, st-import.c) and the demo. */
#pragma once

#include "st-visit.h"

G_BEGIN_DECLS

/* st_visit_check () without its refusal of how = "roster": the checks of a
 * visit the import or the demo makes. */
gboolean    st_visit_check_any           (const StVisit  *visit,
                                          GError        **error);
/* Inserts @visit as it is (its id and township set by the caller; its clock
 * is set here), without touching the participant: the caller has written
 * the record's fields itself. */
gboolean    st_visit_insert              (StDb           *db,
                                          StVisit        *visit,
                                          GError        **error);
/* The participant's employment and health as the visit writes them, in the
 * register's words (务农, 外出务工（浙江省宁波市）, 健康 …); NULL when the
 * visit did not say. */
char       *st_visit_employment_record   (const StVisit  *visit);
const char *st_visit_health_record       (const StVisit  *visit);

/* Adds to @changes (of StVisitChange) the change of @column (NULL: none
 * named) from @old_value to @new_value, unless @new_value is NULL or the
 * same. */
void        st_visit_change_add          (GPtrArray      *changes,
                                          const char     *column,
                                          const char     *label,
                                          const char     *old_value,
                                          const char     *new_value);

G_END_DECLS
