/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-idcard"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib.h>

#include "st-idcard.h"

/* A fixed reference date so that the tests do not age. */
static GDate *
reference_today (void)
{
  return g_date_new_dmy (12, G_DATE_JUNE, 2024);
}

static void
test_checksum (void)
{
  static const struct {
    const char *digits17;
    char        expected;
  } cases[] = {
    { "11010519491231002", 'X' },  /* the example in GB 11643-1999 */
    { "44052418800101001", '4' },  /* the other example in the standard */
    { "13050319670401001", '6' },
    { "52232719900307123", '6' },
    { "52232719850612004", 'X' },
    { "52232720000229003", '7' },
    { "00000000000000000", '1' },  /* sum 0 */
    { "52232719900307123999", '6' },  /* only the first 17 count */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].digits17);
      g_assert_cmpint (st_idcard_check_character (cases[i].digits17), ==, cases[i].expected);
    }

  /* Every check character is reachable: changing the 17th digit walks
   * through all eleven (its weight, 2, is a generator of Z/11). */
  {
    char digits[18] = "52232719900307120";
    g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

    for (char d = '0'; d <= '9'; d++)
      {
        digits[16] = d;
        g_hash_table_add (seen, GINT_TO_POINTER (st_idcard_check_character (digits)));
      }
    g_assert_cmpuint (g_hash_table_size (seen), ==, 10);
  }
}

static void
test_normalize (void)
{
  static const struct {
    const char *input;
    const char *expected;
  } cases[] = {
    { "11010519491231002X", "11010519491231002X" },
    { "11010519491231002x", "11010519491231002X" },
    { "  11010519491231002x\t\n", "11010519491231002X" },
    { "\u3000\u3000110105194912310020\u3000", "110105194912310020" },
    { "\uff11\uff11\uff10\uff11\uff10\uff15\uff11\uff19\uff14\uff19\uff11\uff12\uff13\uff11\uff10\uff10\uff12\uff38",
      "11010519491231002X" },
    { "11010519491231002\uff58", "11010519491231002X" },
    { "130503670401001", "130503196704010016" },
    { " \t130503670401001\u3000", "130503196704010016" },
    { "\uff11\uff13\uff10\uff15\uff10\uff13\uff16\uff17\uff10\uff14\uff10\uff11\uff10\uff10\uff11",
      "130503196704010016" },
    { "522327850612002", "522327198506120023" },
    /* Not normalised further: validation reports these. */
    { "", "" },
    { " \t\u3000", "" },
    { "5223 27199003071236", "5223 27199003071236" },
    { "52232785061200A", "52232785061200A" },
    { "1305036704010011", "1305036704010011" },
    { "13050367040100", "13050367040100" },
    { "abc", "abc" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normalized = st_idcard_normalize (cases[i].input);

      g_test_message ("“%s”", cases[i].input);
      g_assert_cmpstr (normalized, ==, cases[i].expected);
    }
}

static void
test_valid (void)
{
  static const struct {
    const char *input;
    const char *number;
    const char *region;
    guint       year, month, day;
    StSex       sex;
  } cases[] = {
    { "11010519491231002X", "11010519491231002X", "110105", 1949, 12, 31, ST_SEX_FEMALE },
    { "11010519491231002x", "11010519491231002X", "110105", 1949, 12, 31, ST_SEX_FEMALE },
    { "  11010519491231002x\t", "11010519491231002X", "110105", 1949, 12, 31, ST_SEX_FEMALE },
    { "\u3000\uff11\uff11\uff10\uff11\uff10\uff15\uff11\uff19\uff14\uff19\uff11\uff12\uff13\uff11\uff10\uff10\uff12\uff38\u3000",
      "11010519491231002X", "110105", 1949, 12, 31, ST_SEX_FEMALE },
    { "11010519491231002\uff58", "11010519491231002X", "110105", 1949, 12, 31, ST_SEX_FEMALE },
    { "130503670401001", "130503196704010016", "130503", 1967, 4, 1, ST_SEX_MALE },
    { " 130503670401001 ", "130503196704010016", "130503", 1967, 4, 1, ST_SEX_MALE },
    { "522327850612002", "522327198506120023", "522327", 1985, 6, 12, ST_SEX_FEMALE },
    { "522327199003071236", "522327199003071236", "522327", 1990, 3, 7, ST_SEX_MALE },
    { "52232719850612004X", "52232719850612004X", "522327", 1985, 6, 12, ST_SEX_FEMALE },
    { "522327199004301232", "522327199004301232", "522327", 1990, 4, 30, ST_SEX_MALE },
    { "522327190002280027", "522327190002280027", "522327", 1900, 2, 28, ST_SEX_FEMALE },
    { "522327200002290037", "522327200002290037", "522327", 2000, 2, 29, ST_SEX_MALE },
    { "522327202402290051", "522327202402290051", "522327", 2024, 2, 29, ST_SEX_MALE },
    /* Born on the reference date itself. */
    { "522327202406120017", "522327202406120017", "522327", 2024, 6, 12, ST_SEX_MALE },
    /* Provinces at the edges of the list; 83 is on Taiwan residents'
     * residence permits. */
    { "710000198001010010", "710000198001010010", "710000", 1980, 1, 1, ST_SEX_MALE },
    { "810000198001010030", "810000198001010030", "810000", 1980, 1, 1, ST_SEX_MALE },
    { "820000198001010016", "820000198001010016", "820000", 1980, 1, 1, ST_SEX_MALE },
    { "830000198001010026", "830000198001010026", "830000", 1980, 1, 1, ST_SEX_FEMALE },
    /* 440524, from the example in the standard, is in no current list of
     * counties; that is no reason to refuse: only the province is checked. */
    { "440524190001010017", "440524190001010017", "440524", 1900, 1, 1, ST_SEX_MALE },
  };
  g_autoptr(GDate) today = reference_today ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *date = NULL;
      g_autofree char *expected_date = NULL;
      StIdcardInfo info;

      g_test_message ("“%s”", cases[i].input);

      memset (&info, 0xAA, sizeof info);
      g_assert_true (st_idcard_parse (cases[i].input, today, &info, &error));
      g_assert_no_error (error);

      g_assert_cmpstr (info.number, ==, cases[i].number);
      g_assert_cmpstr (info.region, ==, cases[i].region);
      g_assert_cmpuint (info.year, ==, cases[i].year);
      g_assert_cmpuint (info.month, ==, cases[i].month);
      g_assert_cmpuint (info.day, ==, cases[i].day);
      g_assert_cmpint (info.sex, ==, cases[i].sex);

      date = st_idcard_birth_date_string (&info);
      expected_date = g_strdup_printf ("%04u-%02u-%02u",
                                       cases[i].year, cases[i].month, cases[i].day);
      g_assert_cmpstr (date, ==, expected_date);

      /* Parsing needs no info or error to report success. */
      g_assert_true (st_idcard_parse (cases[i].input, today, NULL, NULL));
    }
}

static void
test_invalid (void)
{
  static const struct {
    const char     *input;
    StIdcardError   code;
    const char     *fact1;   /* the message must mention these */
    const char     *fact2;
  } cases[] = {
    { "", ST_IDCARD_ERROR_EMPTY, "empty", NULL },
    { " \t\u3000 ", ST_IDCARD_ERROR_EMPTY, "empty", NULL },

    { "5", ST_IDCARD_ERROR_LENGTH, "has 1 character,", "18" },
    { "52232719900307123", ST_IDCARD_ERROR_LENGTH, "has 17 characters", "18" },
    { "5223271990030712360", ST_IDCARD_ERROR_LENGTH, "has 19 characters", "18" },
    { "1305036704010011", ST_IDCARD_ERROR_LENGTH, "has 16 characters", "18" },
    { "13050367040100", ST_IDCARD_ERROR_LENGTH, "has 14 characters", "18" },
    { "  52232719900307123  ", ST_IDCARD_ERROR_LENGTH, "has 17 characters", "18" },
    { "身份证号码", ST_IDCARD_ERROR_LENGTH, "has 5 characters", "18" },

    { "5223271990O3071236", ST_IDCARD_ERROR_CHARACTERS, "Character 11 ", "“O”" },
    { "52232719900307123A", ST_IDCARD_ERROR_CHARACTERS, "last character", "“A”" },
    { "52232719900307123Ｙ", ST_IDCARD_ERROR_CHARACTERS, "last character", "“Ｙ”" },
    { "5223X7199003071236", ST_IDCARD_ERROR_CHARACTERS, "Character 5 ", "only the last character may be X" },
    { "5223x7199003071236", ST_IDCARD_ERROR_CHARACTERS, "Character 5 ", "only the last character may be X" },
    { "522327 99003071236", ST_IDCARD_ERROR_CHARACTERS, "Character 7 ", "space" },
    { "52232785061200A", ST_IDCARD_ERROR_CHARACTERS, "Character 15 ", "“A”" },
    { "52232785061200X", ST_IDCARD_ERROR_CHARACTERS, "Character 15 ", "“X”" },
    { "-22327199003071236", ST_IDCARD_ERROR_CHARACTERS, "Character 1 ", "“-”" },

    { "910000198001010018", ST_IDCARD_ERROR_PROVINCE, "91", "province" },
    { "000000198001010013", ST_IDCARD_ERROR_PROVINCE, "00", "province" },
    { "600000198001010015", ST_IDCARD_ERROR_PROVINCE, "60", "province" },

    { "522327199000011238", ST_IDCARD_ERROR_BIRTH_DATE, "1990-00-01", "does not exist" },
    { "522327199013011237", ST_IDCARD_ERROR_BIRTH_DATE, "1990-13-01", "does not exist" },
    { "522327199001001234", ST_IDCARD_ERROR_BIRTH_DATE, "1990-01-00", "does not exist" },
    { "522327199001321238", ST_IDCARD_ERROR_BIRTH_DATE, "1990-01-32", "does not exist" },
    { "522327199004311238", ST_IDCARD_ERROR_BIRTH_DATE, "1990-04-31", "does not exist" },
    { "522327850230001", ST_IDCARD_ERROR_BIRTH_DATE, "1985-02-30", "does not exist" },
    { "522327189912311234", ST_IDCARD_ERROR_BIRTH_DATE, "1899", "before 1900" },
    { "440524188001010014", ST_IDCARD_ERROR_BIRTH_DATE, "1880", "before 1900" },

    { "522327202406130047", ST_IDCARD_ERROR_FUTURE_DATE, "2024-06-13", "future" },
    { "522327203001010017", ST_IDCARD_ERROR_FUTURE_DATE, "2030-01-01", "future" },

    { "522327199003071233", ST_IDCARD_ERROR_CHECKSUM, "check character should be 6, not 3", NULL },
    { "522327199003071231", ST_IDCARD_ERROR_CHECKSUM, "check character should be 6, not 1", NULL },
    { "522327199003071237", ST_IDCARD_ERROR_CHECKSUM, "check character should be 6, not 7", NULL },
    { "110105194912310020", ST_IDCARD_ERROR_CHECKSUM, "check character should be X, not 0", NULL },
    { "52232719900307123x", ST_IDCARD_ERROR_CHECKSUM, "check character should be 6, not X", NULL },
    /* Two digits swapped: the typing mistake the check character is for. */
    { "522327199003071326", ST_IDCARD_ERROR_CHECKSUM, "check character should be 4, not 6", NULL },
  };
  g_autoptr(GDate) today = reference_today ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      StIdcardInfo info;
      StIdcardInfo untouched;

      g_test_message ("“%s”", cases[i].input);

      memset (&info, 0x5A, sizeof info);
      memcpy (&untouched, &info, sizeof info);

      g_assert_false (st_idcard_parse (cases[i].input, today, &info, &error));
      g_assert_error (error, ST_IDCARD_ERROR, (gint) cases[i].code);
      g_test_message ("→ %s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].fact1));
      if (cases[i].fact2 != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].fact2));

      /* A failed parse leaves the caller's info alone. */
      g_assert_cmpmem (&info, sizeof info, &untouched, sizeof untouched);

      /* And without an error to fill in. */
      g_assert_false (st_idcard_parse (cases[i].input, today, NULL, NULL));
    }
}

/* The birth date is checked before the check character, so a number whose
 * check character is right for an impossible date still fails on the date. */
static void
check_date (const char *yyyymmdd,
            gboolean    expect_valid)
{
  g_autoptr(GDate) today = reference_today ();
  g_autoptr(GError) error = NULL;
  g_autofree char *number = g_strconcat ("522327", yyyymmdd, "0010", NULL);
  gboolean ok;

  number[17] = st_idcard_check_character (number);
  ok = st_idcard_parse (number, today, NULL, &error);

  g_test_message ("%s", number);
  if (expect_valid)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_BIRTH_DATE);
      g_assert_false (ok);
    }
}

static void
test_leap_years (void)
{
  check_date ("19000228", TRUE);
  check_date ("19000229", FALSE);   /* 1900 is divisible by 100, not by 400 */
  check_date ("19000301", TRUE);
  check_date ("19040229", TRUE);
  check_date ("19960229", TRUE);
  check_date ("19990229", FALSE);
  check_date ("20000229", TRUE);    /* 2000 is divisible by 400 */
  check_date ("20000230", FALSE);
  check_date ("20230229", FALSE);
  check_date ("20240229", TRUE);
  check_date ("20240230", FALSE);
  check_date ("19991231", TRUE);
  check_date ("19990631", FALSE);
  check_date ("19990931", FALSE);
  check_date ("19991131", FALSE);
  check_date ("19990731", TRUE);
  check_date ("19990831", TRUE);
  check_date ("18991231", FALSE);
  check_date ("19000101", TRUE);
  check_date ("00000101", FALSE);
}

static void
test_future (void)
{
  g_autoptr(GDate) today = reference_today ();
  g_autoptr(GDate) day_before = reference_today ();
  g_autoptr(GError) error = NULL;

  /* Born today: valid. */
  g_assert_true (st_idcard_parse ("522327202406120017", today, NULL, NULL));

  /* Born tomorrow. */
  g_assert_false (st_idcard_parse ("522327202406130047", today, NULL, &error));
  g_assert_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_FUTURE_DATE);
  g_clear_error (&error);

  /* What was a future date yesterday is fine today, and the other way. */
  g_date_subtract_days (day_before, 1);
  g_assert_false (st_idcard_parse ("522327202406120017", day_before, NULL, &error));
  g_assert_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_FUTURE_DATE);
  g_clear_error (&error);
  g_assert_true (st_idcard_parse ("52232720240611002X", day_before, NULL, NULL));

  /* The future is only reported for dates that exist. */
  g_assert_false (st_idcard_parse ("522327203002290030", today, NULL, &error));
  g_assert_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_BIRTH_DATE);
  g_clear_error (&error);

  /* Without a reference date, the local date is used. */
  g_assert_true (st_idcard_is_valid ("522327199003071236"));
  g_assert_true (st_idcard_is_valid ("130503670401001"));
  g_assert_false (st_idcard_is_valid ("522327299901010011"));
  g_assert_false (st_idcard_parse ("522327299901010011", NULL, NULL, &error));
  g_assert_error (error, ST_IDCARD_ERROR, ST_IDCARD_ERROR_FUTURE_DATE);
  g_assert_false (st_idcard_is_valid ("522327199003071233"));
  g_assert_false (st_idcard_is_valid (""));
}

static void
test_province (void)
{
  g_autoptr(GString) known = g_string_new (NULL);

  for (guint code = 0; code < 100; code++)
    {
      char code2[3];

      g_snprintf (code2, sizeof code2, "%02u", code);
      if (st_idcard_province_is_known (code2))
        g_string_append_printf (known, "%s%s", known->len > 0 ? " " : "", code2);
    }

  g_assert_cmpstr (known->str, ==,
                   "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
                   "50 51 52 53 54 61 62 63 64 65 71 81 82 83");

  g_assert_false (st_idcard_province_is_known ("91"));
  g_assert_true (st_idcard_province_is_known ("83"));
  g_assert_true (st_idcard_province_is_known ("522327"));
  g_assert_false (st_idcard_province_is_known ("5"));
  g_assert_false (st_idcard_province_is_known (""));
  g_assert_false (st_idcard_province_is_known ("5X"));
}

static guint
age_on (const char *number,
        guint       year,
        GDateMonth  month,
        guint       day)
{
  g_autoptr(GDate) date = g_date_new_dmy ((GDateDay) day, month, (GDateYear) year);
  g_autoptr(GDate) today = g_date_new_dmy (1, G_DATE_JANUARY, 2100);
  g_autoptr(GError) error = NULL;
  StIdcardInfo info;

  g_assert_true (st_idcard_parse (number, today, &info, &error));
  g_assert_no_error (error);

  return st_idcard_age_at (&info, date);
}

static void
test_age (void)
{
  /* Born 1990-03-07. */
  const char *number = "522327199003071236";
  /* Born 2000-02-29. */
  const char *leapling = "522327200002290037";

  g_assert_cmpuint (age_on (number, 2024, G_DATE_MARCH, 6), ==, 33);
  g_assert_cmpuint (age_on (number, 2024, G_DATE_MARCH, 7), ==, 34);
  g_assert_cmpuint (age_on (number, 2024, G_DATE_MARCH, 8), ==, 34);
  g_assert_cmpuint (age_on (number, 2024, G_DATE_FEBRUARY, 29), ==, 33);
  g_assert_cmpuint (age_on (number, 2024, G_DATE_DECEMBER, 31), ==, 34);
  g_assert_cmpuint (age_on (number, 2025, G_DATE_JANUARY, 1), ==, 34);
  g_assert_cmpuint (age_on (number, 2005, G_DATE_MARCH, 6), ==, 14);
  g_assert_cmpuint (age_on (number, 2005, G_DATE_MARCH, 7), ==, 15);
  g_assert_cmpuint (age_on (number, 1990, G_DATE_MARCH, 7), ==, 0);
  g_assert_cmpuint (age_on (number, 1991, G_DATE_MARCH, 6), ==, 0);
  g_assert_cmpuint (age_on (number, 1991, G_DATE_MARCH, 7), ==, 1);
  /* Before birth there is no age. */
  g_assert_cmpuint (age_on (number, 1990, G_DATE_MARCH, 6), ==, 0);
  g_assert_cmpuint (age_on (number, 1980, G_DATE_JANUARY, 1), ==, 0);

  /* In common years a birthday on 29 February falls on 1 March. */
  g_assert_cmpuint (age_on (leapling, 2015, G_DATE_FEBRUARY, 28), ==, 14);
  g_assert_cmpuint (age_on (leapling, 2015, G_DATE_MARCH, 1), ==, 15);
  g_assert_cmpuint (age_on (leapling, 2024, G_DATE_FEBRUARY, 28), ==, 23);
  g_assert_cmpuint (age_on (leapling, 2024, G_DATE_FEBRUARY, 29), ==, 24);
  g_assert_cmpuint (age_on (leapling, 2024, G_DATE_MARCH, 1), ==, 24);
  g_assert_cmpuint (age_on (leapling, 2100, G_DATE_FEBRUARY, 28), ==, 99);
  g_assert_cmpuint (age_on (leapling, 2100, G_DATE_MARCH, 1), ==, 100);

  /* Born on 28 February: no special case. */
  g_assert_cmpuint (age_on ("522327190002280027", 1959, G_DATE_FEBRUARY, 27), ==, 58);
  g_assert_cmpuint (age_on ("522327190002280027", 1959, G_DATE_FEBRUARY, 28), ==, 59);
}

static void
test_birth_date_string (void)
{
  StIdcardInfo info = { .year = 1967, .month = 4, .day = 1 };
  g_autofree char *s1 = st_idcard_birth_date_string (&info);
  g_autofree char *s2 = NULL;

  g_assert_cmpstr (s1, ==, "1967-04-01");

  g_assert_true (st_idcard_parse ("11010519491231002X", NULL, &info, NULL));
  s2 = st_idcard_birth_date_string (&info);
  g_assert_cmpstr (s2, ==, "1949-12-31");
}

static void
test_mask (void)
{
  static const struct {
    const char *number;
    const char *masked;
  } cases[] = {
    { "52232719900307123X", "522327********123X" },
    { "522327199003071236", "522327********1236" },
    { "130503670401001", "***********1001" },
    { "52232719900307123", "*************7123" },
    { "12345", "*2345" },
    { "1234", "1234" },
    { "12", "12" },
    { "", "" },
    { "１２３４５６", "**３４５６" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *masked = st_idcard_mask (cases[i].number);

      g_test_message ("“%s”", cases[i].number);
      g_assert_cmpstr (masked, ==, cases[i].masked);
    }
}

static void
test_null_input (void)
{
  g_autoptr(GError) error = NULL;

  g_test_expect_message ("st-idcard", G_LOG_LEVEL_CRITICAL, "*input != NULL*");
  g_assert_null (st_idcard_normalize (NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("st-idcard", G_LOG_LEVEL_CRITICAL, "*input != NULL*");
  g_assert_false (st_idcard_parse (NULL, NULL, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_test_expect_message ("st-idcard", G_LOG_LEVEL_CRITICAL, "*isdigit*");
  g_assert_cmpint (st_idcard_check_character ("1234"), ==, '\0');
  g_test_assert_expected_messages ();
}

int
main (int    argc,
      char **argv)
{
  /* Messages are checked in English; UTF-8 so the logs show “” and 全角. */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/idcard/checksum", test_checksum);
  g_test_add_func ("/core/idcard/normalize", test_normalize);
  g_test_add_func ("/core/idcard/valid", test_valid);
  g_test_add_func ("/core/idcard/invalid", test_invalid);
  g_test_add_func ("/core/idcard/leap-years", test_leap_years);
  g_test_add_func ("/core/idcard/future", test_future);
  g_test_add_func ("/core/idcard/province", test_province);
  g_test_add_func ("/core/idcard/age", test_age);
  g_test_add_func ("/core/idcard/birth-date-string", test_birth_date_string);
  g_test_add_func ("/core/idcard/mask", test_mask);
  g_test_add_func ("/core/idcard/null-input", test_null_input);

  return g_test_run ();
}
