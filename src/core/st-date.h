/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Calendar dates as the database keeps them: "YYYY-MM-DD". */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses "YYYY-MM-DD" into @out (cleared first); FALSE for anything else. */
gboolean  st_date_parse        (const char *date,
                                GDate      *out);
/* "YYYY-MM-DD" of @date, without the locale (g_date_strftime converts
 * through the locale's encoding). @buf holds at least 11 bytes. */
void      st_date_format       (const GDate *date,
                                char        *buf,
                                gsize        size);
/* "YYYY-MM-DD" plus @years years (29 February → 28 February), or NULL. */
char     *st_date_add_years    (const char *date,
                                guint       years);
/* "YYYY-MM-DD" plus @days days, or NULL. */
char     *st_date_add_days     (const char *date,
                                guint       days);

/* Whole years from @birth to @on (0 before @birth); someone born on 29
 * February comes of age on 1 March in common years. */
guint     st_date_age_at       (const GDate *birth,
                                const GDate *on);

/* Exactly "YYYY-MM-DD", a real day, year 1900 or later. */
gboolean  st_date_is_valid     (const char *date);
/* Today, local time, as "YYYY-MM-DD". */
char     *st_date_today        (void);

G_END_DECLS
