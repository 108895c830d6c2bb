/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The longest text each field may hold: one table, checked wherever data
 * enters (the core's validation of participants and records, the roster
 * import, the app's editor, the command line). Short fields (names, places,
 * phone numbers) count characters, as a person does; notes count bytes, as
 * the county server does. No limit exceeds what the server accepts (65,536
 * bytes a field, src/server/st-server-catalog.c), so a record that was saved
 * on a laptop is never refused by the server for its size. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The server's limit on one text field (MAX_TEXT_BYTES of its catalog). */
#define ST_SERVER_MAX_TEXT_BYTES 65536

/* A program's rules file (shuangti-cli program add) and every JSON text the
 * core parses from outside: st_json_check_limits () before json-glib. */
#define ST_PROGRAM_MAX_BYTES (1024 * 1024)
#define ST_JSON_MAX_DEPTH 64

typedef enum
{
  ST_LIMIT_CHARACTERS,   /* g_utf8_strlen () */
  ST_LIMIT_BYTES,        /* strlen (), as the server counts */
} StLimitUnit;

typedef struct
{
  const char  *table;
  const char  *column;
  StLimitUnit  unit;
  guint        max;
} StFieldLimit;

/* Every limit, for documentation and tests. */
const StFieldLimit *st_field_limits        (guint        *n_limits);
/* The limit of @table.@column, or NULL when it has none of its own. */
const StFieldLimit *st_field_limit_lookup  (const char   *table,
                                            const char   *column);
/* The most characters @table.@column takes (for an entry's max length): its
 * limit in characters, or for a limit in bytes the characters that surely
 * fit (a quarter); 0 when it has no limit. */
guint               st_field_limit_chars   (const char   *table,
                                            const char   *column);
/* NULL when @text (may be NULL) fits @table.@column; otherwise one
 * translated sentence naming @label (already translated) and the limit:
 * "Name is longer than 50 characters (51)." */
char               *st_field_limit_problem (const char   *table,
                                            const char   *column,
                                            const char   *label,
                                            const char   *text);

G_END_DECLS
