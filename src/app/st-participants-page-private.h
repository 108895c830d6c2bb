/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the tests and the benchmark: the widgets a person reads and types
 * into. */
#pragma once

#include "st-participants-page.h"

G_BEGIN_DECLS

GtkEditable  *st_participants_page_get_search_entry   (StParticipantsPage *self);
GtkLabel     *st_participants_page_get_count_label    (StParticipantsPage *self);
GtkColumnView *st_participants_page_get_column_view   (StParticipantsPage *self);
GtkDropDown  *st_participants_page_get_township_dropdown (StParticipantsPage *self);
GtkDropDown  *st_participants_page_get_state_dropdown (StParticipantsPage *self);
GtkDropDown  *st_participants_page_get_outreach_dropdown (StParticipantsPage *self);
/* What Print Visit List… prints, written to @path as a PDF without the
 * dialog. */
gboolean      st_participants_page_export_visit_list (StParticipantsPage *self,
                                                      const char         *path,
                                                      GError            **error);
const char   *st_participants_page_get_visible_state  (StParticipantsPage *self);
/* Why the list cannot be read ("error" state), or NULL. */
const char   *st_participants_page_get_read_error     (StParticipantsPage *self);
/* The list holds its first rows only, the rest on its way. */
gboolean      st_participants_page_is_partial         (StParticipantsPage *self);
/* Runs the search for the entry's text now, without the typing delay. */
void          st_participants_page_search_now         (StParticipantsPage *self);

G_END_DECLS
