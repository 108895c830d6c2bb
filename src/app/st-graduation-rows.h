/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Graduation page's rows, compact: a county's 75,000 evaluated
 * enrolments kept as one array of small fixed-size rows (outcome, minutes,
 * counts, interned class, township and program), their strings in one
 * block and what is missing in another, instead of an object, an
 * evaluation and a list each (about 480 bytes a row before, about 200
 * now: the keys, UUIDs, in 16 bytes each). A full StEligibility is made only for a row shown, approved or
 * evaluated again: StGraduationItem, one object a row while someone holds
 * it (the slots GTK holds, an approval).
 *
 * Made in a worker (st_graduation_rows_new_from_list ()), then used from
 * the main thread only. */
#pragma once

#include <glib.h>

#include "st-eligibility.h"

G_BEGIN_DECLS

typedef struct _StGraduationRows StGraduationRows;
typedef struct _StGraduationItem StGraduationItem;

/* The rows of @list (StEligibility, in its order; taken), with the number
 * of the certificate that stands of each enrolment in @certificates
 * (enrolment id → number; may be NULL), @evaluated if the hours have been
 * summed. Three blocks of memory, whatever the count. */
StGraduationRows *st_graduation_rows_new_from_list (GPtrArray        *list,
                                                    GHashTable       *certificates,
                                                    gboolean          evaluated);
StGraduationRows *st_graduation_rows_ref           (StGraduationRows *self);
void              st_graduation_rows_unref         (StGraduationRows *self);
guint             st_graduation_rows_get_n         (StGraduationRows *self);

/* What the filters and counts read, without making anything. */
const char       *st_graduation_rows_get_township  (StGraduationRows *self,
                                                    guint             index);
const char       *st_graduation_rows_get_class     (StGraduationRows *self,
                                                    guint             index);
StOutcome         st_graduation_rows_get_outcome   (StGraduationRows *self,
                                                    guint             index);
gboolean          st_graduation_rows_get_evaluated (StGraduationRows *self,
                                                    guint             index);
const char       *st_graduation_rows_get_certificate (StGraduationRows *self,
                                                    guint             index);
/* Eligible, completion or study record, evaluated, and no certificate yet. */
gboolean          st_graduation_rows_can_approve   (StGraduationRows *self,
                                                    guint             index);
/* Where st_graduation_rows_peek () writes what it does not point to. */
typedef struct
{
  GArray *missing;              /* StMissing: the caller's */
  char    keys[2][37];
} StGraduationPeek;

/* Fills @out with the row at @index: its strings are the rows' (valid
 * until the row changes) or @peek's keys, its list of what is missing is
 * @peek's missing (emptied and filled). Nothing to free but that list. */
void              st_graduation_rows_peek          (StGraduationRows *self,
                                                    guint             index,
                                                    StEligibility    *out,
                                                    StGraduationPeek *peek);
/* A full copy of the row at @index (st_eligibility_free ()). */
StEligibility    *st_graduation_rows_dup           (StGraduationRows *self,
                                                    guint             index);
/* The row at @index is @e now (taken: an approval's evaluation). */
void              st_graduation_rows_replace       (StGraduationRows *self,
                                                    guint             index,
                                                    StEligibility    *e);
void              st_graduation_rows_set_certificate (StGraduationRows *self,
                                                    guint             index,
                                                    const char       *number);
/* The object of the row at @index (a new reference): the same one while
 * anyone holds it, so that whoever shows it hears when it changes. */
StGraduationItem *st_graduation_rows_get_item      (StGraduationRows *self,
                                                    guint             index);
/* For StGraduationItem: it goes. */
void              st_graduation_rows_forget_item   (StGraduationRows *self,
                                                    guint             index,
                                                    StGraduationItem *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StGraduationRows, st_graduation_rows_unref)

G_END_DECLS
