/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the class pages of the app read and write in bulk: the attendance
 * sheet of a session (read and saved whole, in one transaction), how many
 * attended each session of a class, the practical assignments of an
 * enrolment, and the words for session modes and subjects. */
#pragma once

#include "st-db.h"

G_BEGIN_DECLS

/* SQL: the participants "p" of the enrolments "e" of class ?1 in study on
 * the date ?2 — enrolled by then, and studying, or left (withdrawn,
 * graduated) that day or later. The attendance sheet and the sign-in sheet
 * list the same people. */
#define ST_IN_STUDY_ON_DAY_SQL \
  " e.class_id = ?1 AND e.deleted = 0 AND e.enrolled_on <= ?2" \
  " AND (e.state = 'studying' OR e.state_date >= ?2)" \
  " AND p.deleted = 0 AND p.merged_into IS NULL"

/* Prepares @sql, which selects with ST_IN_STUDY_ON_DAY_SQL, its class (?1)
 * and date (?2) bound (not copied: they must outlive the statement's use). */
sqlite3_stmt *st_in_study_prepare           (StDb              *db,
                                            const char        *sql,
                                            const char        *class_id,
                                            const char        *date,
                                            GError           **error);

/* One line of the attendance sheet. */
typedef struct
{
  char *participant_id;
  char *name;
  char *id_number;        /* the full number: mask it for lists */
  char *village;          /* short name, or as written, or "" */
  char *status;           /* present | absent | leave; NULL = nothing recorded yet */
  int   minutes;          /* credited (0 when not present or not recorded) */
} StAttendanceEntry;

/* Everyone in study on the session's date (as st_attendance_fill_present ()
 * and the sign-in sheet have it), in the sign-in sheet's order (village in
 * the official order, then name), with what is recorded for them.
 * (element-type StAttendanceEntry) */
GPtrArray   *st_attendance_load_sheet      (StDb              *db,
                                            const char        *session_id,
                                            GError           **error);
/* Writes every entry's status and minutes (-1 = the session's) in one
 * transaction: all of them or, with @error naming the person, none. An
 * entry without a status is skipped. */
gboolean     st_attendance_save_sheet      (StDb              *db,
                                            const char        *session_id,
                                            GPtrArray         *entries,
                                            GError           **error);
void         st_attendance_entry_free      (StAttendanceEntry *entry);

typedef struct
{
  guint present;          /* present, partial minutes included */
  guint recorded;         /* present, absent or on leave */
} StSessionTally;

/* Session id → StSessionTally (owned by the table) for the sessions of a
 * class. */
GHashTable  *st_class_attendance_tally     (StDb              *db,
                                            const char        *class_id,
                                            GError           **error);

typedef struct
{
  char *id;
  char *enrolment_id;
  char *title;
  char *done_on;          /* NULL = not done */
} StAssignment;

/* The live assignments of an enrolment, oldest first. */
GPtrArray   *st_assignment_list            (StDb              *db,
                                            const char        *enrolment_id,
                                            GError           **error);
/* The same assignment for several enrolments, in one transaction. Returns
 * how many were written, or -1 with @error (and nothing written). */
int          st_assignment_add_many        (StDb              *db,
                                            const char *const *enrolment_ids,
                                            const char        *title,
                                            const char        *done_on,
                                            GError           **error);
void         st_assignment_free            (StAssignment      *assignment);

/* Concentrated, online, practical — translated. */
const char  *st_session_mode_to_display    (const char        *mode);
/* Literacy and numeracy, Mandarin, … — translated. */
const char  *st_session_subject_to_display (const char        *subject);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StAttendanceEntry, st_attendance_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StAssignment, st_assignment_free)

G_END_DECLS
