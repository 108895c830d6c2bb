/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The administrator's commands: accounts and the audit. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs "user …" or "audit …" (@argv[0]) on the database at @db_path; returns
 * the exit status: 0 done, 1 failed, 2 wrong usage. */
int st_admin_run (const char  *db_path,
                  int          argc,
                  char       **argv);

G_END_DECLS
