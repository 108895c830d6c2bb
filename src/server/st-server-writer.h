/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one thread that writes: it takes the write jobs that are waiting,
 * runs each in a savepoint of one transaction and commits them together
 * (group commit), so that a hundred laptops pushing at once cost one disk
 * flush per round instead of one each. Each job is still all or nothing:
 * a job that fails is rolled back to its savepoint, and a failed commit fails
 * every job of the group. A job's @done runs after the commit, on the
 * writer thread.
 *
 * The writer does not wait for the database between jobs
 * (st_store_release_later ()): when a job's writes are found to have
 * failed only once the next job ran, the next job is rolled back with it
 * and runs again. A job's @apply must therefore start afresh from what it
 * was given each time it runs. */
#pragma once

#include "st-store.h"

G_BEGIN_DECLS

typedef gboolean (*StWriteFunc) (StStore     *store,
                                 StStoreTxn  *txn,
                                 gpointer     data,
                                 GError     **error);
/* @error is NULL when the job's changes are committed. */
typedef void     (*StWriteDone) (gpointer      data,
                                 const GError *error);

typedef struct _StWriter StWriter;

StWriter *st_writer_new    (StStore     *store);
void      st_writer_submit (StWriter    *self,
                            StWriteFunc  apply,
                            StWriteDone  done,
                            gpointer     data);
/* Waits for the jobs submitted so far, then stops the thread. */
void      st_writer_free   (StWriter    *self);

G_END_DECLS
