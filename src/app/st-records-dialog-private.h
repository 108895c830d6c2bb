/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the tests and the screenshots: what a person types and checks. */
#pragma once

#include "st-records-dialog.h"

G_BEGIN_DECLS

void     st_records_dialog_set_hours   (StRecordsDialog *self,
                                        double           hours);
void     st_records_dialog_set_date    (StRecordsDialog *self,
                                        const char      *date);
void     st_records_dialog_set_title   (StRecordsDialog *self,
                                        const char      *title);
/* Checks or unchecks a participant; FALSE when they are not listed. */
gboolean st_records_dialog_set_checked (StRecordsDialog *self,
                                        const char      *participant_id,
                                        gboolean         checked);
guint    st_records_dialog_get_n_checked (StRecordsDialog *self);

G_END_DECLS
