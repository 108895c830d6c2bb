/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pinyin initials and sort keys of Chinese names, from a table generated at
 * build time from Unihan (kMandarin, kTGHZ2013, kXHC1983). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The initials of every reading of @c, one bit per letter (bit 0 = a …
 * bit 25 = z); 0 when @c has no Mandarin reading. zh, ch and sh count as
 * z, c and s: that is what people type. */
guint32    st_pinyin_initials_mask  (gunichar     c);

/* The first reading of @c without tone (ü as v), or NULL. */
const char *st_pinyin_reading       (gunichar     c);

/* Every way to write @text as initials, lower case, each once:
 * 张三 → zs; 曾三 → zs, cs; 单 → d, s, c. Latin letters and digits stand
 * for themselves; anything else (·, blanks) is skipped. The combinations
 * are capped at @max (the first reading of each character always
 * included); @max 0 means 16. */
GPtrArray  *st_pinyin_initials      (const char  *text,
                                     guint        max);

/* A key that sorts names in pinyin order: the readings separated by
 * blanks, then the name itself to break ties (张三 → "zhang san\x1f张三"). */
char       *st_pinyin_sort_key      (const char  *text);

G_END_DECLS
