/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <string.h>

#include "st-server-cursor.h"

static gboolean
is_hex8 (const char *text)
{
  if (strlen (text) != 8)
    return FALSE;
  for (guint i = 0; i < 8; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
parse_number (const char *text,
              gint64     *value)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &v, NULL))
    return FALSE;
  *value = (gint64) v;
  return TRUE;
}

gboolean
st_cursor_parse (const char *text,
                 const char *identity,
                 StCursor   *cursor)
{
  g_auto(GStrv) parts = g_strsplit (text, ".", -1);
  guint n = g_strv_length (parts);

  memset (cursor, 0, sizeof *cursor);
  if (n == 3 && g_str_equal (parts[0], "c1"))
    {
      if (!parse_number (parts[1], &cursor->seq) || !is_hex8 (parts[2]))
        return FALSE;
      g_strlcpy (cursor->identity, identity, sizeof cursor->identity);
      memcpy (cursor->tag, parts[2], 9);
      return TRUE;
    }
  if (n == 7 && g_str_equal (parts[0], "c2"))
    {
      if (!is_hex8 (parts[1]) || !parse_number (parts[2], &cursor->generation)
          || !parse_number (parts[3], &cursor->seq) || !parse_number (parts[4], &cursor->skip)
          || !parse_number (parts[5], &cursor->base) || !is_hex8 (parts[6]))
        return FALSE;
      memcpy (cursor->identity, parts[1], 9);
      memcpy (cursor->tag, parts[6], 9);
      return TRUE;
    }
  return FALSE;
}
