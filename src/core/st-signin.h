/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sign-in sheet (签到表) of a session. */
#pragma once

#include "st-db.h"
#include "st-doc.h"

G_BEGIN_DECLS

/* Loads the session's class, date, hours, trainer and the participants
 * enrolled (in study) on its date, ordered by village (in the order of the
 * official village list, villages typed by hand after them) and name. In
 * study on the date means what st_attendance_fill_present() means: enrolled
 * on or before it, and either still studying or with a state dated on or
 * after it. An unknown session is an ST_RECORDS_ERROR_NOT_FOUND. The
 * header repeats on every page; st_doc_sheet_write_pdf () writes it. */
StDocSheet    *st_signin_sheet_new        (StDb           *db,
                                           const char     *session_id,
                                           GError        **error);

G_END_DECLS
