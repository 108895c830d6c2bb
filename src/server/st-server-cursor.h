/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pull cursor (docs/sync-protocol.md, Pull): what a laptop sends back
 * is untrusted text, read here alone. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "c2.<identity>.<generation>.<seq>.<skip>.<base>.<scope>": the first 8 hex
 * digits of the database's identity, its restore generation, the feed
 * position, the position up to which this pass skips tombstones (a fresh
 * pull's), the compaction horizon the laptop's pass from the beginning
 * began under, and the scope's tag. Protocol 1 servers issued
 * "c1.<seq>.<scope>": generation 0 of this database. */
typedef struct
{
  char   identity[9];
  gint64 generation;
  gint64 seq;
  gint64 skip;
  gint64 base;
  char   tag[9];
} StCursor;

/* FALSE when @text is not a cursor of either form; a "c1." cursor takes
 * @identity. */
gboolean st_cursor_parse (const char *text,
                          const char *identity,
                          StCursor   *cursor);

G_END_DECLS
