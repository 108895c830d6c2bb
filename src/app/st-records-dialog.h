/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Study hours or a practical assignment for a whole class at once
 * ("everyone: 20 self-study hours in March, except these three": everyone
 * is checked, uncheck the exceptions), or for one participant, whose
 * assignments so far are listed and can be marked done. */
#pragma once

#include <adwaita.h>

#include "st-db.h"

G_BEGIN_DECLS

typedef enum
{
  ST_RECORDS_DIALOG_HOURS,
  ST_RECORDS_DIALOG_ASSIGNMENT,
} StRecordsDialogKind;

#define ST_TYPE_RECORDS_DIALOG (st_records_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StRecordsDialog, st_records_dialog, ST, RECORDS_DIALOG, AdwWindow)

/* @enrolments: the class's (element-type StEnrolment; those in study are
 * listed); @participant_id: only this one, or NULL for the class. Emits
 * ::saved with a message for a toast, then closes. */
StRecordsDialog *st_records_dialog_new (GtkWindow           *parent,
                                        StDb                *db,
                                        const char          *class_id,
                                        StRecordsDialogKind  kind,
                                        GPtrArray           *enrolments,
                                        const char          *participant_id);

G_END_DECLS
