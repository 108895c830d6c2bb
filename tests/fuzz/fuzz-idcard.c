/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: an ID number as typed or imported — normalised,
 * parsed, masked. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "st-idcard.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *normalized = NULL;
  g_autofree char *masked = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDate) today = g_date_new_dmy (6, 12, 2026);
  StIdcardInfo info;

  if (!g_utf8_validate (text, -1, NULL))
    return 0;
  normalized = st_idcard_normalize (text);
  if (st_idcard_parse (text, today, &info, &error))
    {
      g_autofree char *birth = st_idcard_birth_date_string (&info);

      g_assert (error == NULL);
      g_assert (st_idcard_is_valid (text));
      g_assert (birth != NULL && strlen (birth) == 10);
    }
  else
    g_assert (error != NULL);
  masked = st_idcard_mask (text);
  return 0;
}
