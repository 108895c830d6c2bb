/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a roster as the CSV reader reads it (encoding detection,
 * quoting), every row to the end. */
#include "config.h"

#include <stdint.h>

#include "st-csv.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(StCsvReader) reader = st_csv_reader_new_for_bytes (bytes, "fuzz.csv", &error);
  const char *const *row;
  guint n;

  if (reader == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }
  while ((row = st_csv_reader_next (reader, &n, NULL, &error)) != NULL)
    for (guint i = 0; i < n; i++)
      g_assert (g_utf8_validate (row[i], -1, NULL));
  return 0;
}
