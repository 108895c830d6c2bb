/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A lock beside the server database (FILE.lock, never the database or its
 * -wal and -shm): a serving server holds it shared, a restore exclusive, so
 * that a database is never replaced under a running server. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The descriptor that holds the lock until it is closed (or the process
 * ends); -1 with @error set when someone else holds it the other way. */
int st_server_lock (const char  *db_path,
                    gboolean     exclusive,
                    GError     **error);

G_END_DECLS
