/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The search index of participants: name substrings, pinyin initials and
 * ID-number fragments, kept in local tables (schema 2) beside the synced
 * ones. It is brought up to date from the participants themselves, so that
 * changes made by anything (the app, shuangti-cli, sync) are found. */
#pragma once

#include "st-db.h"

G_BEGIN_DECLS

typedef void (*StSearchProgress) (double   fraction,
                                  gpointer user_data);

/* Re-indexes every participant added, changed (a new hlc) or moved since
 * the last refresh, and forgets rows that are gone. One transaction; on
 * cancel or failure the index is as it was. Returns how many participants
 * were re-indexed, or -1 with @error set. @progress may be NULL. */
gint64    st_participant_search_refresh     (StDb             *db,
                                             GCancellable     *cancellable,
                                             StSearchProgress  progress,
                                             gpointer          user_data,
                                             GError          **error);

/* The same for one participant (by its key), after a local change. */
gboolean  st_participant_search_refresh_one (StDb             *db,
                                             const char       *uuid,
                                             GError          **error);

/* How many participants the index does not reflect yet (a cheap check for
 * tests and the benchmark; it scans the participants), or -1 when the
 * database cannot be read. */
gint64    st_participant_search_stale_count (StDb             *db);

/* Whether the index reflects every participant, made by this version's
 * rules: FALSE when a search could miss someone (or the database cannot
 * be read). Reads only: for a database that cannot be written, whose index
 * is used as it is. */
gboolean  st_participant_search_is_current  (StDb             *db);

/* How names and search terms are compared: NFKC (full-width letters and
 * digits become ASCII), lower case, blanks removed. Newly allocated. */
char     *st_participant_search_fold        (const char       *text);

G_END_DECLS
