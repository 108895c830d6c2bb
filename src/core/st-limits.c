/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-limits"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "st-limits.h"

#define CHARS(t, c, n) { t, c, ST_LIMIT_CHARACTERS, n }
#define BYTES(t, c, n) { t, c, ST_LIMIT_BYTES, n }

/* Characters are at most 4 bytes in UTF-8: a limit of N characters fits the
 * server's 65,536 bytes while N ≤ 16,384 (checked by a test). */
static const StFieldLimit limits[] = {
  CHARS ("participants", "name", 50),
  CHARS ("participants", "ethnicity", 20),
  CHARS ("participants", "phone", 30),
  CHARS ("participants", "village_name", 100),
  CHARS ("participants", "employment", 100),
  CHARS ("participants", "health", 100),
  BYTES ("participants", "notes", ST_SERVER_MAX_TEXT_BYTES),
  CHARS ("classes", "name", 100),
  CHARS ("classes", "teaching_point", 100),
  BYTES ("classes", "notes", ST_SERVER_MAX_TEXT_BYTES),
  BYTES ("classes", "trainers", 4096),           /* a JSON array of names */
  CHARS ("enrolments", "withdraw_reason", 500),
  CHARS ("sessions", "trainer", 50),
  CHARS ("sessions", "place", 100),
  CHARS ("study_logs", "source", 100),
  CHARS ("assignments", "title", 200),
  CHARS ("assessments", "assessor", 50),
  CHARS ("exemptions", "basis", 500),
  CHARS ("certificates", "number", 50),
  CHARS ("certificates", "revoke_reason", 500),
  CHARS ("programs", "code", 50),
  CHARS ("programs", "name", 100),
  BYTES ("programs", "rules", ST_PROGRAM_MAX_BYTES),
  CHARS ("majors", "name", 100),
  CHARS ("visits", "visitor", 50),
  CHARS ("visits", "away_province", 20),
  CHARS ("visits", "away_city", 50),
  CHARS ("visits", "major", 100),
  CHARS ("visits", "phone", 30),
  BYTES ("visits", "note", ST_SERVER_MAX_TEXT_BYTES),
};

const StFieldLimit *
st_field_limits (guint *n_limits)
{
  *n_limits = G_N_ELEMENTS (limits);
  return limits;
}

const StFieldLimit *
st_field_limit_lookup (const char *table,
                       const char *column)
{
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    if (g_strcmp0 (limits[i].table, table) == 0 && g_strcmp0 (limits[i].column, column) == 0)
      return &limits[i];
  return NULL;
}

guint
st_field_limit_chars (const char *table,
                      const char *column)
{
  const StFieldLimit *limit = st_field_limit_lookup (table, column);

  if (limit == NULL)
    return 0;
  return limit->unit == ST_LIMIT_CHARACTERS ? limit->max : limit->max / 4;
}

char *
st_field_limit_problem (const char *table,
                        const char *column,
                        const char *label,
                        const char *text)
{
  const StFieldLimit *limit = st_field_limit_lookup (table, column);
  gsize bytes;

  if (limit == NULL || text == NULL)
    return NULL;
  bytes = strlen (text);
  /* Quick: a text shorter in bytes than the limit in characters fits. */
  if (bytes <= limit->max)
    return NULL;
  if (limit->unit == ST_LIMIT_CHARACTERS)
    {
      glong chars = g_utf8_validate (text, bytes, NULL) ? g_utf8_strlen (text, bytes) : (glong) bytes;

      if ((gsize) chars <= limit->max)
        return NULL;
      /* Translators: "姓名超过 50 个字（51 个）". The first %s is a field's name. */
      return g_strdup_printf (_("%s is longer than %u characters (%lu)."), label, limit->max, (gulong) chars);
    }
  /* Translators: "备注超过 65536 字节（65537 字节）". The first %s is a field's name. */
  return g_strdup_printf (_("%s is longer than %u bytes (%lu)."), label, limit->max, (gulong) bytes);
}
