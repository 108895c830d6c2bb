/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resident identity card numbers (居民身份证号码), GB 11643-1999. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ST_IDCARD_ERROR (st_idcard_error_quark ())

/* Each failure a clerk can act on gets its own code and its own message. */
typedef enum
{
  ST_IDCARD_ERROR_EMPTY,        /* nothing but blanks */
  ST_IDCARD_ERROR_LENGTH,       /* not 15 or 18 characters after normalisation */
  ST_IDCARD_ERROR_CHARACTERS,   /* anything but digits (and X as the 18th) */
  ST_IDCARD_ERROR_PROVINCE,     /* the first two digits name no province */
  ST_IDCARD_ERROR_BIRTH_DATE,   /* impossible date: month 13, 30 February, 29 February of a common year, before 1900 */
  ST_IDCARD_ERROR_FUTURE_DATE,  /* a birth date after the reference date */
  ST_IDCARD_ERROR_CHECKSUM,     /* the 18th character is not the ISO 7064 MOD 11-2 check character */
} StIdcardError;

typedef enum
{
  ST_SEX_UNKNOWN = 0,
  ST_SEX_MALE = 1,
  ST_SEX_FEMALE = 2,
} StSex;

typedef struct
{
  char   number[19];   /* normalised 18-character number, NUL-terminated */
  char   region[7];    /* 6-digit administrative region code of registration */
  guint  year;
  guint  month;
  guint  day;
  StSex  sex;          /* 17th digit odd = male */
} StIdcardInfo;

GQuark   st_idcard_error_quark       (void);

/* Trims surrounding white space (ASCII and U+3000), turns full-width digits
 * and Ｘ/ｘ into ASCII, upper-cases x, and converts a valid-looking 15-digit
 * first-generation number into 18 digits (century 19, check character
 * computed). Returns a newly allocated string; never NULL for non-NULL input.
 * It does not validate: validation is st_idcard_parse(). */
char    *st_idcard_normalize         (const char          *input);

/* Normalises and validates @input as of @today (NULL = the local date today).
 * On success fills @info (may be NULL) and returns TRUE. On failure returns
 * FALSE with an ST_IDCARD_ERROR whose message is translated and names the
 * exact failure (e.g. the expected check character). */
gboolean st_idcard_parse             (const char          *input,
                                      const GDate         *today,
                                      StIdcardInfo        *info,
                                      GError             **error);

/* Convenience: TRUE when @input is a valid number. */
gboolean st_idcard_is_valid          (const char          *input);

/* The ISO 7064 MOD 11-2 check character ('0'..'9' or 'X') of the first 17
 * digits of @digits17. */
char     st_idcard_check_character   (const char          *digits17);

/* Age in whole years on @date (0 before the birth date). Someone born on
 * 29 February has their birthday on 1 March in common years. */
guint    st_idcard_age_at            (const StIdcardInfo  *info,
                                      const GDate         *date);

/* Birth date as "YYYY-MM-DD" (newly allocated). */
char    *st_idcard_birth_date_string (const StIdcardInfo  *info);

/* Masked for lists: the 6-digit region, 8 asterisks, the last four
 * characters: "522327********123X". Anything not 18 characters long is
 * masked entirely but for its last four characters. */
char    *st_idcard_mask              (const char          *number);

/* TRUE when the first two characters of @code2 are a province-level code:
 * 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71 (Taiwan), 81 (Hong Kong),
 * 82 (Macao), and 83, used on residence permits for Taiwan residents.
 * 91 (once reserved for abroad) is not accepted. Only the province is
 * checked: county codes change too often to refuse a number over them. */
gboolean st_idcard_province_is_known (const char          *code2);

G_END_DECLS
