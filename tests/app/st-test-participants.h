/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opening a participant's form in the UI tests as a person does: the
 * Participants page, the ID number typed into its search (or the line on
 * screen), a double click on the line. */
#pragma once

#include "st-participant.h"
#include "st-participant-editor.h"
#include "st-participants-page-private.h"
#include "st-window-private.h"
#include "st-test-ui.h"
#include "st-test-keys.h"
#include "st-test-widgets.h"

/* Opens the form of the participant whose line (on screen, as the list is)
 * shows @name, by a double click on it, and returns it, shown. */
static inline StParticipantEditor *
st_test_open_participant_line (StWindow   *window,
                               const char *name)
{
  StParticipantsPage *page = st_window_get_participants_page (window);
  GtkWidget *view = GTK_WIDGET (st_participants_page_get_column_view (page));
  GtkWidget *cell = NULL;
  StParticipantEditor *editor;

  st_test_show_page (GTK_WIDGET (window), "participants");
  WAIT_UNTIL ((cell = st_test_find_label (view, name)) != NULL && gtk_widget_get_mapped (cell));
  st_test_pointer_click (cell, 2);
  editor = st_window_get_editor (window);
  g_assert_nonnull (editor);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (editor)));
  return editor;
}

/* Opens the form of the participant @uuid of @db and returns it, shown:
 * their ID number typed into the search (real keys), their line
 * double-clicked. */
static inline StParticipantEditor *
st_test_open_participant (StWindow   *window,
                          StDb       *db,
                          const char *uuid)
{
  StParticipantsPage *page = st_window_get_participants_page (window);
  GtkEditable *search = st_participants_page_get_search_entry (page);
  GtkWidget *view = GTK_WIDGET (st_participants_page_get_column_view (page));
  g_autoptr(StParticipant) p = st_participant_load (db, uuid, NULL);
  GtkWidget *cell = NULL;
  StParticipantEditor *editor;

  g_assert_nonnull (p);
  g_assert_nonnull (p->id_number);
  WAIT_UNTIL (st_window_is_index_ready (window));
  st_test_show_page (GTK_WIDGET (window), "participants");
  st_test_pointer_click (GTK_WIDGET (search), 1);
  st_test_key (GTK_WIDGET (search), GDK_KEY_a, GDK_CONTROL_MASK);
  st_test_type (GTK_WIDGET (search), p->id_number);
  /* The list has become the search's: their line alone. */
  WAIT_UNTIL (g_str_has_prefix (gtk_label_get_text (st_participants_page_get_count_label (page)), "1 of ")
              && (cell = st_test_find_label (view, p->name)) != NULL && gtk_widget_get_mapped (cell));
  st_test_pointer_click (cell, 2);
  editor = st_window_get_editor (window);
  g_assert_nonnull (editor);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (editor)));
  return editor;
}
