/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "st-date.h"

gboolean
st_date_parse (const char *date,
               GDate      *out)
{
  guint y, m, d;

  g_date_clear (out, 1);
  if (date == NULL || sscanf (date, "%4u-%2u-%2u", &y, &m, &d) != 3
      || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;
  g_date_set_dmy (out, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

guint
st_date_age_at (const GDate *birth,
                const GDate *on)
{
  guint year = g_date_get_year (on), month = g_date_get_month (on), day = g_date_get_day (on);
  guint birth_year = g_date_get_year (birth);
  guint birthday_month = g_date_get_month (birth), birthday_day = g_date_get_day (birth);
  guint age;

  if (g_date_compare (on, birth) < 0)
    return 0;
  if (birthday_month == 2 && birthday_day == 29 && !g_date_is_leap_year ((GDateYear) year))
    {
      birthday_month = 3;
      birthday_day = 1;
    }
  age = year - birth_year;
  if (month < birthday_month || (month == birthday_month && day < birthday_day))
    age--;
  return age;
}

void
st_date_format (const GDate *date,
                char        *buf,
                gsize        size)
{
  g_snprintf (buf, size, "%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
              g_date_get_day (date));
}

char *
st_date_add_years (const char *date,
                   guint       years)
{
  GDate g;
  char buf[16];

  if (!st_date_parse (date, &g))
    return NULL;
  g_date_add_years (&g, years);   /* clamps 29 February */
  st_date_format (&g, buf, sizeof buf);
  return g_strdup (buf);
}

char *
st_date_add_days (const char *date,
                  guint       days)
{
  GDate g;
  char buf[16];

  if (!st_date_parse (date, &g))
    return NULL;
  g_date_add_days (&g, days);
  st_date_format (&g, buf, sizeof buf);
  return g_strdup (buf);
}

gboolean
st_date_is_valid (const char *date)
{
  GDate parsed;

  /* Exactly ten characters: st_date_parse () alone would take a tail. */
  if (date == NULL || strlen (date) != 10 || date[4] != '-' || date[7] != '-')
    return FALSE;
  return st_date_parse (date, &parsed) && g_date_get_year (&parsed) >= 1900;
}

char *
st_date_today (void)
{
  GDate today;
  char buf[16];

  g_date_clear (&today, 1);
  g_date_set_time_t (&today, time (NULL));
  g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &today);
  return g_strdup (buf);
}
