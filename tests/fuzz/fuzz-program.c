/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a program's rules as `program add` reads them. */
#include "config.h"

#include <stdint.h>

#include "st-program.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  StProgram *p = st_program_new_from_data ((const char *) data, (gssize) size, "fuzz.json", &error);

  g_assert ((p == NULL) != (error == NULL));
  if (p != NULL)
    st_program_free (p);
  return 0;
}
