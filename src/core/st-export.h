/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lists for the agencies of annex 6: the public-security bureau's household
 * registration update (§(七)3) and the provincial part-time vocational
 * registration system (§(五)2). CSV in UTF-8 with BOM (opens in Excel) or
 * GB18030. */
#pragma once

#include "st-csv.h"
#include "st-db.h"

G_BEGIN_DECLS

/* Diploma graduates whose certificate stands (never a training's
 * certificate, annex 6 §(七)3): name, ID number, new education level,
 * certificate number, date, township, village. Returns how many rows,
 * or -1 with @error. @township_code NULL = all. */
int st_export_household_registration (StDb          *db,
                                      const char    *path,
                                      StCsvEncoding  encoding,
                                      const char    *township_code,
                                      GError       **error);

/* Every live enrolment, as the provincial system asks for it. */
int st_export_enrolments             (StDb          *db,
                                      const char    *path,
                                      StCsvEncoding  encoding,
                                      const char    *township_code,
                                      GError       **error);

G_END_DECLS
