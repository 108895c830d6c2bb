/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A certificate as a page: graduation (毕业证书), completion (结业证书) or
 * the factual study record (写实性学习证明) of annex 6 §(七), with the
 * person, the class, the study period, the hours and assessments as of the
 * day of issue, the number and the date. Drawn on any cairo surface (the
 * app prints it) or written as an A4 PDF, one page per certificate. */
#pragma once

#include <cairo.h>

#include "st-db.h"

G_BEGIN_DECLS

gboolean st_certificate_doc_draw      (StDb              *db,
                                       const char        *number,
                                       cairo_t           *cr,
                                       double             width,
                                       double             height,
                                       GError           **error);
/* Replaces @path atomically. */
gboolean st_certificate_doc_write_pdf (StDb              *db,
                                       const char *const *numbers,
                                       const char        *path,
                                       GError           **error);

G_END_DECLS
