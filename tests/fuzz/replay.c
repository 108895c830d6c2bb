/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Without libFuzzer: runs a target over every file of the corpus folders
 * given (the seeds taken from the tests, and every input that once made a
 * target fail), so that the normal test run keeps them passing. TAP out. */
#include "config.h"

#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
main (int argc, char **argv)
{
  guint n = 0;

  g_print ("1..1\n");
  for (int a = 1; a < argc; a++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[a], 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[a], name, NULL);
          g_autofree char *contents = NULL;
          gsize length;

          if (!g_file_get_contents (path, &contents, &length, NULL))
            continue;
          LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
          n++;
        }
    }
  if (n == 0)
    {
      g_print ("not ok 1 - no input in the corpus\n");
      return 1;
    }
  g_print ("ok 1 - %u inputs replayed\n", n);
  return 0;
}
