/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Graduation page (SPEC §4): every enrolment with its state and what it
 * still lacks, evaluated in the background; county staff record
 * assessments, approve and number certificates, and export the agencies'
 * lists. */
#pragma once

#include <gtk/gtk.h>

#include "st-csv.h"
#include "st-db.h"
#include "st-divisions.h"
#include "st-role.h"

G_BEGIN_DECLS

#define ST_TYPE_GRADUATION_PAGE (st_graduation_page_get_type ())
G_DECLARE_FINAL_TYPE (StGraduationPage, st_graduation_page, ST, GRADUATION_PAGE, GtkWidget)

void      st_graduation_page_set_db    (StGraduationPage *self,
                                        StDb             *db,
                                        StDivisions      *divisions,
                                        StRole           *role);
/* Reads and evaluates every enrolment again, in the background. */
void      st_graduation_page_reload    (StGraduationPage *self);
/* Writes an agency's list (kind household | enrolments) of the township
 * chosen in the filter (or all): what the file chooser's answer does.
 * Returns the number of rows, -1 with @error. */
int       st_graduation_page_export    (StGraduationPage *self,
                                        const char       *kind,
                                        const char       *path,
                                        StCsvEncoding     encoding,
                                        GError          **error);

/* Writes the certificates of the selected rows as an A4 PDF, one page
 * each: what the file chooser's answer does. */
gboolean  st_graduation_page_save_certificates (StGraduationPage *self,
                                               const char       *path,
                                               GError          **error);

/* Shows every enrolment in @state: an outcome code ("eligible") or
 * "near_end" (in study, the study length ending within 90 days, hours
 * short: Overview's "Needs attention"); the township and class filters go
 * back to all. */
void      st_graduation_page_show_state (StGraduationPage *self,
                                         const char       *state);

G_END_DECLS
