/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One line of the attendance sheet: a participant, present / absent / on
 * leave, and the minutes credited. It edits the entry it shows. */
#pragma once

#include <gtk/gtk.h>

#include "st-classwork.h"

G_BEGIN_DECLS

#define ST_TYPE_ATTENDANCE_ROW (st_attendance_row_get_type ())
G_DECLARE_FINAL_TYPE (StAttendanceRow, st_attendance_row, ST, ATTENDANCE_ROW, GtkListBoxRow)

/* @entry is borrowed: it must outlive the row. */
StAttendanceRow   *st_attendance_row_new         (StAttendanceEntry *entry,
                                                  guint              number,
                                                  int                session_minutes);
StAttendanceEntry *st_attendance_row_get_entry   (StAttendanceRow   *self);
/* Sets the entry (present with @minutes; 0 makes it absent) and shows it;
 * emits ::changed. */
void               st_attendance_row_set         (StAttendanceRow   *self,
                                                  const char        *status,
                                                  int                minutes);
/* Shows minutes being typed (-1: none). */
void               st_attendance_row_set_typing  (StAttendanceRow   *self,
                                                  int                minutes);

G_END_DECLS
