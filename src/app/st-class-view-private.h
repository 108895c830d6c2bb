/* SPDX-License-Identifier: GPL-3.0-or-later */
/* For the tests, the benchmark and the screenshots. */
#pragma once

#include "st-class-view.h"

G_BEGIN_DECLS

/* What the participant's line says about their hours and what is missing
 * (NULL when they are not in the list). */
const char *st_class_view_get_progress_text (StClassView *self,
                                             const char  *participant_id);
/* TRUE once the progress of the latest reload is shown. */
gboolean    st_class_view_is_progress_ready (StClassView *self);
guint       st_class_view_get_n_sessions    (StClassView *self);

G_END_DECLS
