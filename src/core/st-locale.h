/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* setlocale (LC_ALL, ""), and where that gives a character set other than
 * UTF-8 (the C locale of a systemd unit, a cron job or a bare shell), UTF-8
 * characters all the same (C.UTF-8): township and person names given as
 * arguments are UTF-8, and GOption refused them ("Invalid byte sequence in
 * conversion input"). Messages stay in the language asked for. */
void st_locale_init (void);

G_END_DECLS
