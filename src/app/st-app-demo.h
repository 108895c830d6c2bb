/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo database of `shuangti --demo`. */
#pragma once

#include "st-db.h"

G_BEGIN_DECLS

/* $XDG_DATA_HOME/shuangti/demo.db */
char     *st_app_demo_path    (void);
/* Fills an empty database with a synthetic county: 2,000 participants and
 * a few classes with their enrolments; leaves a filled one alone. */
gboolean  st_app_demo_prepare (StDb    *db,
                               GError **error);

G_END_DECLS
