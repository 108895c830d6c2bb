/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the tests and the benchmark. */
#pragma once

#include "st-attendance-row.h"
#include "st-attendance-sheet.h"

G_BEGIN_DECLS

/* What a key press does on the sheet (the key controller calls it):
 * TRUE when the key was used. */
gboolean         st_attendance_sheet_handle_key   (StAttendanceSheet *self,
                                                   guint              keyval,
                                                   GdkModifierType    state);
GtkLabel        *st_attendance_sheet_get_count_label (StAttendanceSheet *self);
StAttendanceRow *st_attendance_sheet_get_row      (StAttendanceSheet *self,
                                                   guint              index);
guint            st_attendance_sheet_get_cursor   (StAttendanceSheet *self);

G_END_DECLS
