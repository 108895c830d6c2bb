/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A participant's classes, for the participant window: each enrolment with
 * its class, its state and hours, and what it still lacks, read in a
 * worker (the rules sum every session and log of the enrolment). */
#pragma once

#include <gtk/gtk.h>

#include "st-db.h"

G_BEGIN_DECLS

typedef struct
{
  char *title;      /* the class */
  char *subtitle;   /* state, hours, what is missing */
} StParticipantClass;

void       st_participant_classes_read_async  (StDb                *db,
                                               const char          *participant_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* (element-type StParticipantClass), possibly empty; NULL with @error. */
GPtrArray *st_participant_classes_read_finish (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
