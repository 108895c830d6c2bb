/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-json"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "st-json-guard.h"

G_DEFINE_QUARK (st-json-guard-error-quark, st_json_guard_error)

gboolean
st_json_check_limits (const char  *text,
                      gssize       len,
                      guint        max_depth,
                      gsize        max_size,
                      GError     **error)
{
  gsize size;
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  guint depth = 0;

  g_return_val_if_fail (text != NULL || len == 0, FALSE);

  size = len < 0 ? strlen (text) : (gsize) len;
  if (max_size > 0 && size > max_size)
    {
      g_autofree char *limit = g_format_size_full (max_size, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, ST_JSON_GUARD_ERROR, ST_JSON_GUARD_ERROR_TOO_LARGE,
                   _("The JSON text is %lu bytes long; at most %s (%lu bytes) is accepted."),
                   (gulong) size, limit, (gulong) max_size);
      return FALSE;
    }
  for (gsize i = 0; i < size; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            {
              g_set_error (error, ST_JSON_GUARD_ERROR, ST_JSON_GUARD_ERROR_TOO_DEEP,
                           _("The JSON text nests arrays and objects deeper than %u levels."), max_depth);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

JsonNode *
st_json_from_string (const char  *text,
                     GError     **error)
{
  if (!st_json_check_limits (text, -1, ST_JSON_MAX_DEPTH, 0, error))
    return NULL;
  return json_from_string (text, error);
}

gboolean
st_json_parser_load (JsonParser  *parser,
                     const char  *text,
                     gssize       len,
                     GError     **error)
{
  if (!st_json_check_limits (text, len, ST_JSON_MAX_DEPTH, 0, error))
    return FALSE;
  return json_parser_load_from_data (parser, text, len, error);
}

gboolean
st_json_number_from_text (const char *text,
                          gsize       length,
                          GString    *scratch,
                          gint64     *integer,
                          double     *real)
{
  char *end = NULL;

  g_string_truncate (scratch, 0);
  g_string_append_len (scratch, text, (gssize) length);
  if (strpbrk (scratch->str, ".eE") == NULL)
    {
      errno = 0;
      *integer = g_ascii_strtoll (scratch->str, &end, 10);
      if (errno == ERANGE)
        end = NULL;   /* beyond 64 bits: a real */
    }
  if (end != NULL && *end == '\0')
    return TRUE;
  *real = g_ascii_strtod (scratch->str, NULL);
  return FALSE;
}
