/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Each township's progress from the roster to enrolment (annex 6 §(二)2):
 * how many people it has to visit, has visited, has reached, who said they
 * will enrol, and who is enrolled; for the county and the township. */
#pragma once

#include "st-csv.h"
#include "st-db.h"

G_BEGIN_DECLS

typedef struct
{
  char   *township_code;   /* NULL in the total row */
  char   *township;        /* its name; "Total" (translated) in the total row */
  gint64  people;          /* live participants: the people to visit */
  gint64  visited;         /* with a visit */
  gint64  reached;         /* with a visit that reached them */
  gint64  willing;         /* whose latest answer about enrolling is yes */
  gint64  enrolled;        /* with an enrolment */
} StOutreachRow;

/* One row per township with participants, in the order of the official
 * codes, then the total; @township_code (NULL: all) keeps one. */
GPtrArray *st_outreach_progress   (StDb           *db,
                                   const char     *township_code,
                                   GError        **error);
/* The rows as a CSV for the county (columns in the UI's language). */
gboolean   st_outreach_write_csv  (GPtrArray      *rows,
                                   const char     *path,
                                   StCsvEncoding   encoding,
                                   GError        **error);
/* The rows as an A4 PDF for the county (a title, the date, the table),
 * replaced atomically. */
gboolean   st_outreach_write_pdf  (GPtrArray      *rows,
                                   const char     *path,
                                   GError        **error);
void       st_outreach_row_free   (StOutreachRow  *row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StOutreachRow, st_outreach_row_free)

G_END_DECLS
