/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A realistic synthetic county for the app's --demo, tests and benchmarks:
 * real townships and villages, plausible names, valid ID numbers. */
#pragma once

#include "st-csv.h"
#include "st-db.h"

G_BEGIN_DECLS

/* Writes a roster of @n people, as a township office would receive it, to
 * @path. The same @seed gives the same file. */
gboolean st_demo_write_roster (const char     *path,
                               guint           n,
                               guint32         seed,
                               StCsvEncoding   encoding,
                               GError        **error);

/* Adds @n participants to @db in one transaction. */
gboolean st_demo_populate     (StDb           *db,
                               guint           n,
                               guint32         seed,
                               GError        **error);

G_END_DECLS
