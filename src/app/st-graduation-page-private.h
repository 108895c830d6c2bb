/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The page's instance, shared by its view (st-graduation-page.c) and its
 * actions (st-graduation-page-actions.c: approval, assessments, documents,
 * certificates); and what the tests, the benchmark and the screenshots
 * reach. */
#pragma once

#include <adwaita.h>

#include "st-db.h"
#include "st-divisions.h"
#include "st-graduation-list.h"
#include "st-graduation-page.h"
#include "st-role.h"

G_BEGIN_DECLS

struct _StGraduationPage
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkWidget          *toolbar;
  GtkWidget          *status_bar;
  GtkDropDown        *township_dropdown;
  GtkDropDown        *class_dropdown;
  GtkDropDown        *state_dropdown;
  GtkWidget          *assess_button;
  GtkWidget          *approve_button;
  GtkMenuButton      *documents_button;
  GtkRevealer        *progress_revealer;
  GtkLabel           *progress_label;
  GtkProgressBar     *progress_bar;
  GtkStack           *content_stack;
  GtkColumnView      *column_view;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *id_number_column;
  GtkColumnViewColumn *class_column;
  GtkColumnViewColumn *end_column;
  GtkColumnViewColumn *state_column;
  GtkColumnViewColumn *missing_column;
  GtkColumnViewColumn *certificate_column;
  GtkLabel           *counts_label;
  GtkLabel           *selection_label;
  GMenuModel         *documents_menu;

  StDb               *db;
  StDivisions        *divisions;
  StRole             *role;
  StGraduationRows   *rows;             /* every row read (st-graduation-rows.h) */
  GArray             *seen;             /* guint: those of rows the role sees, in order */
  GHashTable         *class_names;      /* class id → name */
  GPtrArray          *all_classes;      /* of StClass, as last read */
  GHashTable         *role_classes;     /* ids of the classes the role sees */
  GPtrArray          *class_order;      /* … in the list's order: township, key */
  GPtrArray          *township_codes;   /* dropdown position → code (NULL = all) */
  GPtrArray          *class_ids;        /* dropdown position → id (NULL = all) */
  StGraduationList   *list;             /* the rows the filters let through */
  GtkMultiSelection  *selection;
  GCancellable       *cancellable;
  AdwMessageDialog   *confirmation;     /* weak */
  GtkWindow          *sheet;            /* weak */
  char               *last_message;
  double              fraction;         /* written by the thread */
  gboolean            evaluating;
  gboolean            loaded;
  GMenuModel         *menu_county;
  GMenuModel         *menu_local;
  char               *today;            /* of the last refill, for the near-end filter */
  guint               retarget_tick;    /* rows out of sight still to show anew */
};

/* Shared by the view and the actions. */
void              st_graduation_page_class_actions_init  (StGraduationPageClass *klass);
void              st_graduation_page_show_message        (StGraduationPage *self,
                                                          const char       *message);
GDate            *st_graduation_page_today               (void);
void              st_graduation_page_update_selection    (StGraduationPage *self);
void              st_graduation_page_update_counts       (StGraduationPage *self);

/* For the tests, the benchmark and the screenshots. */

GtkColumnView    *st_graduation_page_get_column_view     (StGraduationPage *self);
GtkDropDown      *st_graduation_page_get_township_dropdown (StGraduationPage *self);
GtkDropDown      *st_graduation_page_get_class_dropdown  (StGraduationPage *self);
GtkDropDown      *st_graduation_page_get_state_dropdown  (StGraduationPage *self);
GtkLabel         *st_graduation_page_get_counts_label    (StGraduationPage *self);
GtkLabel         *st_graduation_page_get_selection_label (StGraduationPage *self);
GtkWidget        *st_graduation_page_get_approve_button  (StGraduationPage *self);
GtkWidget        *st_graduation_page_get_assess_button   (StGraduationPage *self);
GtkWidget        *st_graduation_page_get_documents_button (StGraduationPage *self);
/* Rows shown now (after the filters). */
guint             st_graduation_page_get_n_rows          (StGraduationPage *self);
/* TRUE while the rules are being checked in the background, or the rows
 * are still being shown (a few a frame). */
gboolean          st_graduation_page_is_evaluating       (StGraduationPage *self);
/* The approval asked now, or NULL. */
AdwMessageDialog *st_graduation_page_get_confirmation    (StGraduationPage *self);
/* The assessment sheet open now, or NULL. */
GtkWindow        *st_graduation_page_get_assessment_sheet (StGraduationPage *self);
/* The last message shown (toast). */
const char       *st_graduation_page_get_last_message    (StGraduationPage *self);
/* Selects the state filter's entry for @outcome_code ("eligible"), or all
 * for NULL. */
void              st_graduation_page_filter_state        (StGraduationPage *self,
                                                          const char       *outcome_code);

G_END_DECLS
