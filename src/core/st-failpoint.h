/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Named points where tests stop a process to kill it (SYNC.md: "kills at
 * named points"). Inert unless ST_FAILPOINT names the point. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* When the environment variable ST_FAILPOINT equals "@name" or
 * "@name:@count" (reached the @count-th time), prints
 * "failpoint @name reached" on stderr and waits forever, so that the test
 * that set it can kill the process at exactly this point. With
 * "@name:@count:@ms" it waits @ms milliseconds instead and goes on: the
 * test does something meanwhile. */
void st_failpoint (const char *name);

G_END_DECLS
