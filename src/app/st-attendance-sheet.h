/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The attendance sheet of a session, the screen a trainer uses every class:
 * everyone present by default, marked absent, on leave or present for part
 * of the session with the keyboard alone or the mouse, a running count, and
 * one Save that writes the whole sheet in one transaction. */
#pragma once

#include <gtk/gtk.h>

#include "st-db.h"

G_BEGIN_DECLS

#define ST_TYPE_ATTENDANCE_SHEET (st_attendance_sheet_get_type ())
G_DECLARE_FINAL_TYPE (StAttendanceSheet, st_attendance_sheet, ST, ATTENDANCE_SHEET, GtkWidget)

/* Shows the sheet of @session_id: what is recorded, and everyone without a
 * record present for the whole session (not saved yet). */
gboolean    st_attendance_sheet_load            (StAttendanceSheet *self,
                                                 StDb              *db,
                                                 const char        *session_id,
                                                 GError           **error);
/* Writes the sheet; emits ::saved. */
gboolean    st_attendance_sheet_save            (StAttendanceSheet *self,
                                                 GError           **error);
const char *st_attendance_sheet_get_session_id  (StAttendanceSheet *self);
/* Changes not saved yet? */
gboolean    st_attendance_sheet_get_dirty       (StAttendanceSheet *self);
guint       st_attendance_sheet_get_present     (StAttendanceSheet *self);
guint       st_attendance_sheet_get_total       (StAttendanceSheet *self);
/* Moves the keyboard focus to the current line. */
void        st_attendance_sheet_focus           (StAttendanceSheet *self);

G_END_DECLS
