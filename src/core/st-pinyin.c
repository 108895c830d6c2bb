/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-pinyin"

#include "config.h"

#include "st-pinyin.h"
#include "st-pinyin-table.h"

static gssize
find_char (gunichar c)
{
  gsize lo = 0, hi = G_N_ELEMENTS (st_pinyin_chars);

  while (lo < hi)
    {
      gsize mid = (lo + hi) / 2;

      if (st_pinyin_chars[mid].cp < c)
        lo = mid + 1;
      else if (st_pinyin_chars[mid].cp > c)
        hi = mid;
      else
        return mid;
    }
  return -1;
}

guint32
st_pinyin_initials_mask (gunichar c)
{
  gssize i = find_char (c);

  return i < 0 ? 0 : st_pinyin_chars[i].mask;
}

const char *
st_pinyin_reading (gunichar c)
{
  gssize i = find_char (c);

  return i < 0 ? NULL : st_pinyin_syllables[st_pinyin_chars[i].syllable];
}

/* The letters one character may stand for: the first reading's initial
 * first, so that a capped expansion still holds the usual spelling. */
static guint
letters_of (gunichar  c,
            char     *out)
{
  guint n = 0;

  if (c < 0x80)
    {
      if (g_ascii_isalnum ((char) c))
        out[n++] = g_ascii_tolower ((char) c);
      return n;
    }
  else
    {
      const char *reading = st_pinyin_reading (c);
      guint32 mask = st_pinyin_initials_mask (c);

      if (reading != NULL)
        {
          out[n++] = reading[0];
          mask &= ~(1u << (reading[0] - 'a'));
        }
      for (guint bit = 0; bit < 26; bit++)
        if (mask & (1u << bit))
          out[n++] = 'a' + bit;
      return n;
    }
}

GPtrArray *
st_pinyin_initials (const char *text,
                    guint       max)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) next = NULL;

  if (max == 0)
    max = 16;
  g_ptr_array_add (result, g_strdup (""));
  if (text == NULL)
    return g_steal_pointer (&result);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      char letters[27];
      guint n = letters_of (g_utf8_get_char (p), letters);

      if (n == 0)
        continue;
      next = g_ptr_array_new_with_free_func (g_free);
      for (guint l = 0; l < n; l++)
        for (guint i = 0; i < result->len; i++)
          {
            /* The first letter of every character extends every prefix;
             * the others only while there is room. */
            if (l > 0 && next->len >= max)
              break;
            g_ptr_array_add (next, g_strdup_printf ("%s%c", (char *) g_ptr_array_index (result, i), letters[l]));
          }
      g_ptr_array_unref (result);
      result = g_steal_pointer (&next);
    }

  /* Each character's letters are distinct, so the combinations are too. */
  if (result->len == 1 && *(char *) g_ptr_array_index (result, 0) == '\0')
    g_ptr_array_set_size (result, 0);
  return g_steal_pointer (&result);
}

/* Surnames read otherwise than their characters' first reading: a name
 * starting with 曾 sorts under z (Zēng), not c (céng). */
static const struct { gunichar c; const char *reading; } surname_readings[] = {
  { 0x66FE, "zeng" },   /* 曾 */
  { 0x5355, "shan" },   /* 单 */
  { 0x8983, "qin" },    /* 覃 */
  { 0x4EC7, "qiu" },    /* 仇 */
  { 0x533A, "ou" },     /* 区 */
  { 0x89E3, "xie" },    /* 解 */
  { 0x6734, "piao" },   /* 朴 */
  { 0x67E5, "zha" },    /* 查 */
  { 0x76D6, "ge" },     /* 盖 */
  { 0x4E50, "yue" },    /* 乐 */
  { 0x7F2A, "miao" },   /* 缪 */
  { 0x7FDF, "zhai" },   /* 翟 */
  { 0x5C09, "yu" },     /* 尉 */
  { 0x90C7, "xun" },    /* 郇 */
  { 0x79D8, "bi" },     /* 秘 */
};

char *
st_pinyin_sort_key (const char *text)
{
  GString *key = g_string_new (NULL);

  if (text == NULL)
    text = "";
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *reading = st_pinyin_reading (c);

      if (p == text)
        for (guint i = 0; i < G_N_ELEMENTS (surname_readings); i++)
          if (surname_readings[i].c == c)
            reading = surname_readings[i].reading;

      if (key->len > 0)
        g_string_append_c (key, ' ');
      if (reading != NULL)
        g_string_append (key, reading);
      else if (c < 0x80)
        g_string_append_c (key, g_ascii_tolower ((char) c));
      else
        g_string_append_unichar (key, c);
    }
  g_string_append_c (key, '\x1f');
  g_string_append (key, text);
  return g_string_free (key, FALSE);
}
