/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-locale"

#include "config.h"

#include <locale.h>

#include "st-locale.h"

void
st_locale_init (void)
{
  setlocale (LC_ALL, "");
  if (!g_get_charset (NULL) && setlocale (LC_CTYPE, "C.UTF-8") == NULL)
    g_debug ("no UTF-8 locale: arguments outside ASCII are refused");
}
