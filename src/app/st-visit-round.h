/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The visit sheet of a village by keyboard (摸排走访): one line a person not
 * yet reached, the answers typed as single keys, saved together; what the
 * visits changed in the records is shown after saving. */
#pragma once

#include <adwaita.h>

#include "st-db.h"
#include "st-divisions.h"

G_BEGIN_DECLS

#define ST_TYPE_VISIT_ROUND (st_visit_round_get_type ())
G_DECLARE_FINAL_TYPE (StVisitRound, st_visit_round, ST, VISIT_ROUND, AdwWindow)

/* The people of @township_code (and @village_code, or NULL) never reached. */
StVisitRound *st_visit_round_new          (GtkWindow     *parent,
                                           StDb          *db,
                                           StDivisions   *divisions,
                                           const char    *township_code,
                                           const char    *village_code);

/* For the tests: what a key does on the selected line (TRUE when it was
 * one of the sheet's), the lines, a line's answers as shown, the message
 * after saving, the visitor entry. */
gboolean      st_visit_round_handle_key   (StVisitRound  *self,
                                           guint          keyval);
guint         st_visit_round_get_n_lines  (StVisitRound  *self);
const char   *st_visit_round_get_line     (StVisitRound  *self,
                                           guint          line);
const char   *st_visit_round_get_answers  (StVisitRound  *self,
                                           guint          line);
void          st_visit_round_select       (StVisitRound  *self,
                                           guint          line);
const char   *st_visit_round_get_message  (StVisitRound  *self);
GtkEditable  *st_visit_round_get_visitor  (StVisitRound  *self);

G_END_DECLS
