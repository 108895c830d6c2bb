/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include "st-failpoint.h"
#include "st-server-writer.h"

/* Enough to share a flush between many requests, few enough that the first
 * of a group does not wait long for the others. */
#define MAX_GROUP 64

typedef struct
{
  StWriteFunc  apply;
  StWriteDone  done;
  gpointer     data;
  GError      *error;
  gboolean     stop;
} Job;

struct _StWriter
{
  StStore     *store;
  GAsyncQueue *queue;
  GThread     *thread;
  gboolean     join_running;  /* requests join the transaction under way */
};

/* Request @failed was found to have failed after the next one began: it
 * is rolled back (with what the next did) and gets its error. */
static void
fail_earlier (StWriter   *self,
              StStoreTxn *txn,
              Job        *failed,
              GError     *error)
{
  st_store_rollback_to (self->store, txn);
  g_clear_error (&failed->error);
  failed->error = error;
}

/* Adds the jobs waiting in the queue to @jobs, up to MAX_GROUP; TRUE when
 * it took any. A stop job is left at the head of the queue. */
static gboolean
take_waiting (StWriter  *self,
              GPtrArray *jobs)
{
  guint before = jobs->len;
  Job *job;

  while (jobs->len < MAX_GROUP && (job = g_async_queue_try_pop (self->queue)) != NULL)
    {
      if (job->stop)
        {
          g_async_queue_push_front (self->queue, job);
          break;
        }
      g_ptr_array_add (jobs, job);
    }
  return jobs->len > before;
}

/* Runs @jobs in @txn (NULL: the store could not begin one, @error says
 * why, taken). On a store that several processes share, the requests that
 * come in while it runs join it, up to MAX_GROUP: the other processes'
 * writers take turns with this one, and a request left for the next
 * transaction of this process would wait for one of theirs as well
 * (bench-server on two PostgreSQL processes: p95 −6 %). With one process
 * (SQLite) nobody else takes a turn, and the first requests of a longer
 * transaction would only wait longer (p95 +15 %). */
static void
run_group (StWriter   *self,
           StStoreTxn *txn,
           GError     *begin_error,
           GPtrArray  *jobs)
{
  g_autoptr(GError) error = begin_error;

  if (txn != NULL)
    {
      /* The request ended last whose writes the store may still be
       * making (st_store_release_later ()). */
      Job *unsettled = NULL;

      for (guint i = 0; i < jobs->len || (self->join_running && take_waiting (self, jobs)); i++)
        {
          Job *job = g_ptr_array_index (jobs, i);
          GError *earlier = NULL;
          gboolean began = st_store_savepoint (self->store, txn, &job->error);

          if (began && job->apply (self->store, txn, job->data, &job->error)
              && st_store_release_later (self->store, txn, &job->error))
            {
              unsettled = job;
              /* Tests hold the writer here while more requests come in. */
              st_failpoint ("server-applied");
              continue;
            }
          if (unsettled != NULL && !st_store_settle (self->store, txn, &earlier))
            {
              /* Not this request's failure: the one before's. This one
               * never ran in the database; it runs again. */
              fail_earlier (self, txn, unsettled, earlier);
              unsettled = NULL;
              g_clear_error (&job->error);
              i--;
              continue;
            }
          unsettled = NULL;
          if (began)
            st_store_rollback_to (self->store, txn);
        }
      if (unsettled != NULL)
        {
          GError *earlier = NULL;

          if (!st_store_settle (self->store, txn, &earlier))
            fail_earlier (self, txn, unsettled, earlier);
        }
      /* Tests kill the server here: nothing of the group may survive. */
      st_failpoint ("server-commit");
      if (!st_store_commit (self->store, txn, &error))
        g_warning ("storage commit failed: %s", error->message);
      else
        st_failpoint ("server-committed");
    }
  else
    g_warning ("storage unavailable: %s", error->message);

  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);

      if (error != NULL && job->error == NULL)
        job->error = g_error_copy (error);
      if (job->done)
        job->done (job->data, job->error);
      g_clear_error (&job->error);
      g_free (job);
    }
  g_ptr_array_set_size (jobs, 0);
}

static gpointer
writer_thread (gpointer user_data)
{
  StWriter *self = user_data;
  g_autoptr(GPtrArray) jobs = g_ptr_array_new ();

  for (;;)
    {
      Job *job = g_async_queue_pop (self->queue);
      GError *error = NULL;
      StStoreTxn *txn;

      if (job->stop)
        {
          g_free (job);
          break;
        }
      g_ptr_array_add (jobs, job);
      /* The transaction first, then the group: beginning may wait (on
       * PostgreSQL, for the writers of the other processes), and the jobs
       * that came in meanwhile are taken into this transaction instead of
       * waiting for a turn more. */
      txn = st_store_begin (self->store, &error);
      if (txn != NULL)
        take_waiting (self, jobs);
      run_group (self, txn, g_steal_pointer (&error), jobs);
    }
  return NULL;
}

StWriter *
st_writer_new (StStore *store)
{
  StWriter *self = g_new0 (StWriter, 1);

  self->store = g_object_ref (store);
  self->join_running = st_store_is_shared (store);
  self->queue = g_async_queue_new ();
  self->thread = g_thread_new ("st-writer", writer_thread, self);
  return self;
}

void
st_writer_submit (StWriter    *self,
                  StWriteFunc  apply,
                  StWriteDone  done,
                  gpointer     data)
{
  Job *job = g_new0 (Job, 1);

  job->apply = apply;
  job->done = done;
  job->data = data;
  g_async_queue_push (self->queue, job);
}

void
st_writer_free (StWriter *self)
{
  Job *stop;

  if (self == NULL)
    return;
  stop = g_new0 (Job, 1);
  stop->stop = TRUE;
  g_async_queue_push (self->queue, stop);
  g_thread_join (self->thread);
  g_async_queue_unref (self->queue);
  g_object_unref (self->store);
  g_free (self);
}
