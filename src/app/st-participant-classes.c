/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-class-util.h"
#include "st-eligibility.h"
#include "st-participant-classes.h"
#include "st-records.h"

typedef struct
{
  char *path;
  char *participant_id;
} Read;

static void
read_free (Read *read)
{
  g_free (read->path);
  g_free (read->participant_id);
  g_free (read);
}

static void
participant_class_free (StParticipantClass *c)
{
  g_free (c->title);
  g_free (c->subtitle);
  g_free (c);
}

static char *
describe (const StEligibility *e)
{
  g_autofree char *concentrated = st_class_format_hours (e->concentrated);
  g_autofree char *required = st_class_format_hours (e->required_concentrated);
  g_autofree char *self_and_online = st_class_format_hours (e->self_study + e->online);
  g_autofree char *missing = st_eligibility_describe_missing (e);
  g_autofree char *hours = NULL;

  /* Translators: "96 of 288 concentrated hours · 120 self-study and online hours" */
  hours = g_strdup_printf (_("%s of %s concentrated hours · %s self-study and online hours"),
                           concentrated, required, self_and_online);
  /* §(六)2–3: credits, when the person has some (the class page says the
   * same). */
  if (e->credits > 0)
    {
      /* Translators: appended to a participant's hours: " · 4 credits" */
      g_autofree char *credits = g_strdup_printf (ngettext (" · %u credit", " · %u credits", e->credits), e->credits);
      char *with = g_strconcat (hours, credits, NULL);

      g_free (hours);
      hours = with;
    }
  if (missing != NULL && *missing)
    /* Translators: state · hours · what is still missing */
    return g_strdup_printf (_("%s · %s · %s"), st_outcome_to_display (e->outcome), hours, missing);
  /* Translators: state · hours */
  return g_strdup_printf (_("%s · %s"), st_outcome_to_display (e->outcome), hours);
}

static void
read_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Read *read = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (read->path, &error);
  g_autoptr(GPtrArray) enrolments = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) participant_class_free);

  if (db == NULL || (enrolments = st_enrolment_list (db, NULL, read->participant_id, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < enrolments->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      StEnrolment *enrolment = g_ptr_array_index (enrolments, i);
      g_autoptr(StClass) klass = st_class_load (db, enrolment->class_id, NULL);
      StEligibility *e = st_eligibility_evaluate_one (db, enrolment->id, NULL, &error);
      StParticipantClass *row;

      if (e == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      row = g_new0 (StParticipantClass, 1);
      row->title = g_strdup (klass != NULL ? klass->name : enrolment->class_id);
      row->subtitle = describe (e);
      g_ptr_array_add (rows, row);
      st_eligibility_free (e);
    }
  g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify) g_ptr_array_unref);
}

void
st_participant_classes_read_async (StDb                *db,
                                   const char          *participant_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Read *read = g_new0 (Read, 1);

  read->path = g_strdup (st_db_get_path (db));
  read->participant_id = g_strdup (participant_id);
  g_task_set_source_tag (task, st_participant_classes_read_async);
  g_task_set_task_data (task, read, (GDestroyNotify) read_free);
  g_task_run_in_thread (task, read_thread);
}

GPtrArray *
st_participant_classes_read_finish (GAsyncResult  *result,
                                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
