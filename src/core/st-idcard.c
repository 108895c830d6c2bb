/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-idcard"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "st-date.h"
#include "st-idcard.h"

#define ST_IDCARD_LENGTH    18
#define ST_IDCARD_LENGTH_V1 15 /* first generation, without century or check character */

G_DEFINE_QUARK (st-idcard-error-quark, st_idcard_error)

/* ISO 7064 MOD 11-2: the digit at 0-based position i weighs 2^(17 - i) mod 11. */
static const guint weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
static const char check_characters[] = "10X98765432";

char
st_idcard_check_character (const char *digits17)
{
  guint sum = 0;

  g_return_val_if_fail (digits17 != NULL, '\0');

  for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
    {
      g_return_val_if_fail (g_ascii_isdigit (digits17[i]), '\0');
      sum += (guint) (digits17[i] - '0') * weights[i];
    }

  return check_characters[sum % 11];
}

static gboolean
is_ascii_digits (const char *s,
                 gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;

  return TRUE;
}

/* Chinese input methods in full-width mode type ０-９ and Ｘ, and rosters
 * often carry them. */
static gunichar
normalize_char (gunichar c)
{
  if (c >= 0xFF10 && c <= 0xFF19) /* ０-９ */
    return '0' + (c - 0xFF10);
  if (c == 0xFF38 || c == 0xFF58 || c == 'x') /* Ｘ ｘ x */
    return 'X';

  return c;
}

char *
st_idcard_normalize (const char *input)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) out = NULL;
  const char *start;
  const char *end;

  g_return_val_if_fail (input != NULL, NULL);

  /* Nearly every number in a roster is already 18 plain characters: this
   * runs for every row of an import, so skip the general path for them. */
  if (strlen (input) == 18 && strspn (input, "0123456789") >= 17
      && (g_ascii_isdigit (input[17]) || input[17] == 'X'))
    return g_strdup (input);

  valid = g_utf8_make_valid (input, -1);

  /* g_unichar_isspace() covers the ideographic space U+3000, tabs and
   * no-break spaces as well as ASCII blanks. */
  start = valid;
  while (*start != '\0' && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);

  end = start + strlen (start);
  while (end > start)
    {
      const char *prev = g_utf8_find_prev_char (start, end);

      if (prev == NULL || !g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  out = g_string_sized_new (ST_IDCARD_LENGTH + 1);
  for (const char *p = start; p < end; p = g_utf8_next_char (p))
    g_string_append_unichar (out, normalize_char (g_utf8_get_char (p)));

  /* Converted as the public-security bureaus do it: the 2-digit year gets
   * the century 19 (a holder born before 1900 cannot be told apart). */
  if (out->len == ST_IDCARD_LENGTH_V1 && is_ascii_digits (out->str, out->len))
    {
      g_string_insert_len (out, 6, "19", 2);
      g_string_append_c (out, st_idcard_check_character (out->str));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
st_idcard_province_is_known (const char *code2)
{
  guint code;

  g_return_val_if_fail (code2 != NULL, FALSE);

  if (!g_ascii_isdigit (code2[0]) || !g_ascii_isdigit (code2[1]))
    return FALSE;

  code = (guint) (code2[0] - '0') * 10 + (guint) (code2[1] - '0');

  return (code >= 11 && code <= 15) ||
         (code >= 21 && code <= 23) ||
         (code >= 31 && code <= 37) ||
         (code >= 41 && code <= 46) ||
         (code >= 50 && code <= 54) ||
         (code >= 61 && code <= 65) ||
         code == 71 || code == 81 || code == 82 || code == 83;
}

static guint
parse_digits (const char *s,
              guint       n)
{
  guint value = 0;

  for (guint i = 0; i < n; i++)
    value = value * 10 + (guint) (s[i] - '0');

  return value;
}

static gboolean
check_all_digits (const char  *number,
                  guint        n_chars,
                  GError     **error)
{
  guint position = 1;

  for (const char *p = number; *p != '\0'; p = g_utf8_next_char (p), position++)
    {
      gunichar c = g_utf8_get_char (p);
      char shown[8] = { 0 };

      if (c < 0x80 && g_ascii_isdigit ((char) c))
        continue;
      if (c == 'X' && position == ST_IDCARD_LENGTH && n_chars == ST_IDCARD_LENGTH)
        continue;

      g_unichar_to_utf8 (c, shown);

      if (g_unichar_isspace (c))
        g_set_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_CHARACTERS,
                     /* Translators: %u is the position of the character, counted from 1. */
                     _("Character %u of the ID number is a space; an ID number has no spaces."),
                     position);
      else if (c == 'X' && n_chars == ST_IDCARD_LENGTH)
        g_set_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_CHARACTERS,
                     _("Character %u of the ID number is X, but only the last character may be X."),
                     position);
      else if (position == ST_IDCARD_LENGTH)
        g_set_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_CHARACTERS,
                     _("The last character of the ID number is “%s”; it must be a digit or X."),
                     shown);
      else
        g_set_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_CHARACTERS,
                     _("Character %u of the ID number is “%s”; it must be a digit."),
                     position, shown);

      return FALSE;
    }

  return TRUE;
}

gboolean
st_idcard_parse (const char    *input,
                 const GDate   *today,
                 StIdcardInfo  *info,
                 GError       **error)
{
  g_autofree char *number = NULL;
  GDate birth;
  GDate now;
  guint n_chars;
  guint year, month, day;
  char expected;

  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (today == NULL || g_date_valid (today), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  number = st_idcard_normalize (input);

  if (number[0] == '\0')
    {
      g_set_error_literal (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_EMPTY,
                           _("The ID number is empty."));
      return FALSE;
    }

  /* A 15-digit number has been converted already; one still 15 characters
   * long has something other than a digit in it, which is the more useful
   * thing to report. */
  n_chars = (guint) g_utf8_strlen (number, -1);
  if (n_chars != ST_IDCARD_LENGTH && n_chars != ST_IDCARD_LENGTH_V1)
    {
      g_set_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_LENGTH,
                   g_dngettext (GETTEXT_PACKAGE,
                                /* Translators: an ID number needs 18 characters;
                                 * %u is how many this one has. */
                                "The ID number has %u character, but it needs 18.",
                                "The ID number has %u characters, but it needs 18.",
                                n_chars),
                   n_chars);
      return FALSE;
    }

  if (!check_all_digits (number, n_chars, error))
    return FALSE;

  /* 15 digits were converted to 18 by st_idcard_normalize(), and 15
   * characters with anything else in them were refused just above. */
  g_assert (strlen (number) == ST_IDCARD_LENGTH);

  if (!st_idcard_province_is_known (number))
    {
      g_set_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_PROVINCE,
                   /* Translators: %.2s is the first two digits of the number. */
                   _("The ID number starts with %.2s, which is not a province code."),
                   number);
      return FALSE;
    }

  year = parse_digits (number + 6, 4);
  month = parse_digits (number + 10, 2);
  day = parse_digits (number + 12, 2);

  if (year < 1900)
    {
      g_set_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_BIRTH_DATE,
                   _("The birth year in the ID number, %04u, is before 1900."),
                   year);
      return FALSE;
    }

  if (!g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    {
      g_set_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_BIRTH_DATE,
                   _("The birth date in the ID number, %04u-%02u-%02u, does not exist."),
                   year, month, day);
      return FALSE;
    }

  g_date_clear (&birth, 1);
  g_date_set_dmy (&birth, (GDateDay) day, (GDateMonth) month, (GDateYear) year);

  if (today == NULL)
    {
      /* localtime_r, unlike GDateTime's local zone, does not look at
       * /etc/localtime again on every call: this runs once per roster row. */
      g_date_clear (&now, 1);
      g_date_set_time_t (&now, time (NULL));
      today = &now;
    }

  if (g_date_compare (&birth, today) > 0)
    {
      g_set_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_FUTURE_DATE,
                   _("The birth date in the ID number, %04u-%02u-%02u, is in the future."),
                   year, month, day);
      return FALSE;
    }

  expected = st_idcard_check_character (number);
  if (number[17] != expected)
    {
      g_set_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_CHECKSUM,
                   /* Translators: the 18th character of an ID number; the first %c is the
                    * one the digits call for, the second the one that was typed. */
                   _("The check character should be %c, not %c: one of the digits may be mistyped."),
                   expected, number[17]);
      return FALSE;
    }

  if (info != NULL)
    {
      memcpy (info->number, number, ST_IDCARD_LENGTH + 1);
      memcpy (info->region, number, 6);
      info->region[6] = '\0';
      info->year = year;
      info->month = month;
      info->day = day;
      info->sex = ((number[16] - '0') % 2 == 1) ? ST_SEX_MALE : ST_SEX_FEMALE;
    }

  return TRUE;
}

gboolean
st_idcard_is_valid (const char *input)
{
  g_return_val_if_fail (input != NULL, FALSE);

  return st_idcard_parse (input, NULL, NULL, NULL);
}

guint
st_idcard_age_at (const StIdcardInfo *info,
                  const GDate        *date)
{
  GDate birth;

  g_return_val_if_fail (info != NULL, 0);
  g_return_val_if_fail (date != NULL && g_date_valid (date), 0);

  g_date_clear (&birth, 1);
  if (!g_date_valid_dmy ((GDateDay) info->day, (GDateMonth) info->month, (GDateYear) info->year))
    return 0;
  g_date_set_dmy (&birth, (GDateDay) info->day, (GDateMonth) info->month, (GDateYear) info->year);
  return st_date_age_at (&birth, date);
}

char *
st_idcard_birth_date_string (const StIdcardInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  return g_strdup_printf ("%04u-%02u-%02u", info->year, info->month, info->day);
}

char *
st_idcard_mask (const char *number)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) out = NULL;
  glong n_chars;
  glong position = 0;

  g_return_val_if_fail (number != NULL, NULL);

  valid = g_utf8_make_valid (number, -1);
  n_chars = g_utf8_strlen (valid, -1);
  out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p), position++)
    {
      gboolean shown;

      if (n_chars == ST_IDCARD_LENGTH)
        shown = position < 6 || position >= n_chars - 4;
      else
        shown = position >= n_chars - 4;

      if (shown)
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      else
        g_string_append_c (out, '*');
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
