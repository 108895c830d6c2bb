/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The printed visit list of a village (摸排走访登记表): everyone not yet
 * reached, with the last visit, and blank columns for the visitor to fill
 * in by hand; A4, the header on every page. */
#pragma once

#include "st-db.h"
#include "st-doc.h"

G_BEGIN_DECLS

/* The live participants of @township_code (and of @village_code, NULL for
 * the whole township) never reached by a visit, by village and name: a
 * row each (st_doc_sheet_get_n_rows ()). */
StDocSheet   *st_visit_sheet_new        (StDb          *db,
                                         const char    *township_code,
                                         const char    *village_code,
                                         GError       **error);

G_END_DECLS
