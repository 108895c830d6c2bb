/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the tests: the rows a person fills in and what the dialog says. */
#pragma once

#include "st-visit-dialog.h"

G_BEGIN_DECLS

typedef enum
{
  ST_VISIT_ROW_DATE,
  ST_VISIT_ROW_VISITOR,
  ST_VISIT_ROW_HOW,
  ST_VISIT_ROW_REACHED,
  ST_VISIT_ROW_LIVES,
  ST_VISIT_ROW_PROVINCE,
  ST_VISIT_ROW_CITY,
  ST_VISIT_ROW_WORK,
  ST_VISIT_ROW_HEALTH,
  ST_VISIT_ROW_WILLING,
  ST_VISIT_ROW_MAJOR,
  ST_VISIT_ROW_PHONE,
  ST_VISIT_ROW_NOTE,
} StVisitRow;

/* The row (an AdwEntryRow, an AdwComboRow, or the GtkSwitch of Reached). */
GtkWidget  *st_visit_dialog_get_row      (StVisitDialog *self,
                                          StVisitRow     row);
/* The problem shown above the form, or NULL. */
const char *st_visit_dialog_get_error    (StVisitDialog *self);
/* What saving will change in the participant's record, as shown, or NULL. */
const char *st_visit_dialog_get_changes  (StVisitDialog *self);

G_END_DECLS
