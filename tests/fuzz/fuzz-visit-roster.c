/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: a roster row's cells about residence, work and health
 * read as the first visit (st-visit-roster.c). The input is the five cells,
 * separated by newlines; the visit made passes the checks of any visit, or
 * there is none only when every cell is blank. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "st-visit-private.h"
#include "st-visit-roster.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) cells = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(StVisit) visit = NULL;
  StVisitRosterCells row = { NULL, };
  char *province = NULL, *city = NULL;

  if (!g_utf8_validate (text, -1, NULL))
    return 0;
  cells = g_strsplit (text, "\n", 5);
  for (guint i = 0; cells[i] != NULL; i++)
    switch (i)
      {
      case 0: row.employment = cells[i]; break;
      case 1: row.health = cells[i]; break;
      case 2: row.lives = cells[i]; break;
      case 3: row.away_place = cells[i]; break;
      default: row.reached = cells[i]; break;
      }
  visit = st_visit_from_roster (&row, "2026-12-06", "名册.csv", problems);
  if (visit != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *summary = st_visit_summary (visit);

      g_assert (g_str_equal (visit->how, "roster"));
      g_assert (summary != NULL && g_utf8_validate (summary, -1, NULL));
      /* Only a note longer than any field takes is refused. */
      if (!st_visit_check_any (visit, &error))
        g_assert (visit->note != NULL && strlen (visit->note) > 60000);
    }
  for (guint i = 0; i < problems->len; i++)
    g_assert (g_utf8_validate (g_ptr_array_index (problems, i), -1, NULL));
  if (st_visit_split_place (text, &province, &city))
    g_assert (province != NULL);
  g_free (province);
  g_free (city);
  return 0;
}
