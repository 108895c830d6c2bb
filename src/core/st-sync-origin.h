/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sync engine's memory of the server it talks to (docs/sync-protocol.md,
 * The server's identity; Versions): which database (identity) and which
 * restore of it (generation) this laptop last synced with, the changes it
 * sends again when the server was restored from a backup, and the refusal
 * of a server older than this laptop. Internal to src/core. */
#pragma once

#include <json-glib/json-glib.h>

#include "st-db.h"

G_BEGIN_DECLS

/* TRUE when @server (the "server" member of an answer: id, generation) is
 * not the database and generation this laptop last synced with. A laptop
 * that never saw one (first contact, or an older server) has nothing to
 * compare: FALSE. */
gboolean st_sync_origin_changed  (StDb        *db,
                                  JsonObject  *server);
/* Remembers @server as the one synced with (in the caller's transaction). */
gboolean st_sync_origin_store    (StDb        *db,
                                  JsonObject  *server,
                                  GError     **error);
/* Forgets it (another server signed in to). */
gboolean st_sync_origin_forget   (StDb        *db,
                                  GError     **error);
/* Puts this laptop's own changes of synced tables after audit id @after
 * back into the outbox (those refused for good excepted): what a restored
 * server may have lost. In the caller's transaction; the number queued, or
 * -1 with @error set. */
gint64   st_sync_requeue_own     (StDb        *db,
                                  gint64       after,
                                  GError     **error);
/* Whether a synced table holds a row that is not waiting in the outbox:
 * 1 yes, 0 no, -1 with @error set. A laptop without one may pull fresh
 * (no tombstones). */
int      st_sync_has_synced_rows (StDb        *db,
                                  GError     **error);
/* Removes every synced row not waiting in the outbox, as the server's
 * "rebuild" asks (in the caller's transaction, while applying). */
gboolean st_sync_drop_synced     (StDb        *db,
                                  GError     **error);

/* ST_SYNC_ERROR_SERVER_TOO_OLD naming both versions; @server_version may
 * be NULL (an older server does not say it). */
void     st_sync_set_too_old     (GError     **error,
                                  const char  *server_version,
                                  int          server_schema,
                                  int          server_protocol,
                                  int          laptop_schema);

G_END_DECLS
