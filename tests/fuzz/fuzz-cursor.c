/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the pull cursor a laptop sends back (GET
 * /api/v1/pull?cursor=…), as the server reads it. */
#include "config.h"

#include <stdint.h>

#include "st-server-cursor.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  StCursor cursor;

  if (st_cursor_parse (text, "0192f000", &cursor))
    {
      g_assert_cmpuint (strlen (cursor.identity), ==, 8);
      g_assert_cmpuint (strlen (cursor.tag), ==, 8);
      g_assert_cmpint (cursor.seq, >=, 0);
      g_assert_cmpint (cursor.generation, >=, 0);
    }
  return 0;
}
