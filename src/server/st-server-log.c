/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "st-server-log.h"

static gboolean log_quiet;
static gboolean log_journald;

static const char *
level_name (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return "error";
  if (level & G_LOG_LEVEL_CRITICAL)
    return "critical";
  if (level & G_LOG_LEVEL_WARNING)
    return "warning";
  if (level & G_LOG_LEVEL_MESSAGE)
    return "message";
  if (level & G_LOG_LEVEL_INFO)
    return "info";
  return "debug";
}

static GLogWriterOutput
writer (GLogLevelFlags   level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         user_data)
{
  const char *message = NULL;
  const char *domain = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
      else if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
    }

  if (level & G_LOG_LEVEL_DEBUG)
    {
      if (g_log_writer_default_would_drop (level, domain))
        return G_LOG_WRITER_HANDLED;
    }
  else if (log_quiet && (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO)))
    return G_LOG_WRITER_HANDLED;

  if (log_journald && g_log_writer_journald (level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
    return G_LOG_WRITER_HANDLED;

  now = g_date_time_new_now_utc ();
  stamp = g_date_time_format (now, "%FT%T.%fZ");
  /* Milliseconds are enough: cut the microseconds. */
  if (stamp != NULL && strlen (stamp) > 24)
    {
      stamp[23] = 'Z';
      stamp[24] = '\0';
    }
  fprintf (stderr, "%s %s %s: %s\n", stamp ? stamp : "-", level_name (level),
           domain ? domain : "shuangti-server", message ? message : "");
  fflush (stderr);
  return G_LOG_WRITER_HANDLED;
}

void
st_server_log_init (gboolean quiet)
{
  log_quiet = quiet;
  log_journald = g_log_writer_is_journald (fileno (stderr));
  g_log_set_writer_func (writer, NULL, NULL);
}

static gboolean
needs_quotes (const char *value)
{
  if (*value == '\0')
    return TRUE;
  for (const char *p = value; *p; p++)
    if (*p == ' ' || *p == '"' || *p == '=' || (guchar) *p < 0x20)
      return TRUE;
  return FALSE;
}

void
st_server_log (GLogLevelFlags  level,
               const char     *event,
               ...)
{
  g_autoptr(GString) message = g_string_new (event);
  g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (GLogField));
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  const char *key;
  va_list args;

  va_start (args, event);
  while ((key = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);
      GLogField field;
      char *journal_key;

      if (value == NULL)
        continue;
      if (needs_quotes (value))
        {
          g_string_append_printf (message, " %s=\"", key);
          for (const char *p = value; *p; p++)
            {
              if (*p == '"' || *p == '\\')
                g_string_append_c (message, '\\');
              if ((guchar) *p < 0x20)
                g_string_append_c (message, ' ');
              else
                g_string_append_c (message, *p);
            }
          g_string_append_c (message, '"');
        }
      else
        g_string_append_printf (message, " %s=%s", key, value);

      journal_key = g_ascii_strup (key, -1);
      {
        char *prefixed = g_strconcat ("ST_", journal_key, NULL);

        g_free (journal_key);
        journal_key = prefixed;
      }
      g_ptr_array_add (keys, journal_key);
      field.key = journal_key;
      field.value = value;
      field.length = -1;
      g_array_append_val (fields, field);
    }
  va_end (args);

  {
    GLogField common[] = {
      { "MESSAGE", message->str, -1 },
      { "PRIORITY", level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL) ? "3"
                    : level & G_LOG_LEVEL_WARNING ? "4"
                    : level & G_LOG_LEVEL_MESSAGE ? "5"
                    : level & G_LOG_LEVEL_INFO ? "6" : "7", -1 },
      { "GLIB_DOMAIN", G_LOG_DOMAIN, -1 },
      { "ST_EVENT", event, -1 },
    };

    g_array_prepend_vals (fields, common, G_N_ELEMENTS (common));
  }
  g_log_structured_array (level, (const GLogField *) (gpointer) fields->data, fields->len);
}
