/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-failpoint"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "st-failpoint.h"

void
st_failpoint (const char *name)
{
  static gsize initialised;
  static char *wanted;
  static guint64 wanted_count;
  static guint64 pause_ms;
  static guint64 seen;

  if (g_once_init_enter (&initialised))
    {
      const char *env = g_getenv ("ST_FAILPOINT");

      if (env != NULL && *env != '\0')
        {
          const char *colon = strchr (env, ':');
          const char *ms = colon ? strchr (colon + 1, ':') : NULL;

          wanted = colon ? g_strndup (env, colon - env) : g_strdup (env);
          wanted_count = colon ? g_ascii_strtoull (colon + 1, NULL, 10) : 1;
          pause_ms = ms ? g_ascii_strtoull (ms + 1, NULL, 10) : 0;
        }
      g_once_init_leave (&initialised, 1);
    }

  if (wanted == NULL || g_strcmp0 (name, wanted) != 0)
    return;
  if (++seen != wanted_count)
    return;

  fprintf (stderr, "failpoint %s reached\n", name);
  fflush (stderr);
  if (pause_ms > 0)
    {
      g_usleep (pause_ms * 1000);
      return;
    }
  for (;;)
    pause ();
}
