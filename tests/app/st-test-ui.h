/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Driving real widgets in the UI tests: waiting for what a person would
 * wait for. */
#pragma once

#include <glib.h>

/* Runs the main loop until @cond holds, failing after 60 s (the
 * Graduation page checks 100,000 rules on a slow machine). */
#define WAIT_UNTIL(cond) \
  G_STMT_START { \
    gint64 _end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > _end) \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond); \
        if (!g_main_context_iteration (NULL, FALSE)) \
          g_usleep (2000); \
      } \
  } G_STMT_END

/* Lets pending events, layout and drawing happen. */
static inline void
settle (void)
{
  gint64 end = g_get_monotonic_time () + 150 * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}
