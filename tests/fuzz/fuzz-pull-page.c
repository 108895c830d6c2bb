/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a pull page as the laptop reads it (st_page_read, yajl). */
#include "config.h"

#include <stdint.h>

#include "st-sync-page.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  StPage *page = st_page_read ((const char *) data, size, &error);

  /* A page or an error, never both, never neither. */
  g_assert ((page == NULL) != (error == NULL));
  if (page != NULL)
    st_page_free (page);
  return 0;
}
