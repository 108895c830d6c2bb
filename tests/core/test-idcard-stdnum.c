/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-idcard-stdnum"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "st-idcard.h"

/* Cross-checks st_idcard_is_valid() against python-stdnum's
 * stdnum.cn.ric.is_valid() on 10,000 generated numbers.
 *
 * What stdnum 1.18 checks (stdnum/cn/ric.py): after strip() and upper(),
 * 18 characters, 17 ASCII digits, the MOD 11-2 check character, a birth date
 * that Python's datetime accepts (any year 1–9999), and — through
 * get_birth_place() — that the 6-digit region is in its own list of county
 * codes (cn/loc.dat, provinces 11–65 only).
 *
 * Where the app follows GB 11643-1999 and the SPEC instead, the difference is
 * mapped explicitly rather than avoided:
 *
 *  - Input forms: stdnum takes neither full-width digits nor 15-digit
 *    first-generation numbers. The Python side puts each line into the form
 *    the app accepts first — full-width ０-９, Ｘ and ｘ to ASCII, surrounding
 *    spaces, tabs and U+3000 stripped, 15 digits converted with "19" and
 *    stdnum's own calc_check_digit() — and prints that form, which must equal
 *    st_idcard_normalize(). (Only those characters: NFKC would also turn ①
 *    or Ⅹ into digits, which the app does not.)
 *
 *  - Region: the app refuses a number only for its province, never for a
 *    county missing from today's lists. So stdnum is asked twice: once as
 *    it is, once with get_birth_place() replaced by a no-op. The second
 *    answer covers exactly the check character, the length and format and the
 *    date logic, and is what the app's answer is compared with, after:
 *
 *  - Rules stdnum does not have: the first two digits must be a province
 *    code (our own table below, not the code under test), the year at least
 *    1900, and the birth date not after today.
 *
 * Numbers whose region comes from known_regions (all in stdnum's list) must
 * also agree with plain, unpatched stdnum, so the comparison is end to end
 * for a good share of them.
 *
 * Each generated line also carries the generator's intent (valid or not);
 * it must agree with the mapped stdnum answer too, so a broken generator
 * (say, a wrong check character) cannot make the test pass vacuously. */

#define PYTHON "/usr/bin/python3"
#define N_NUMBERS 10000
#define SEED 20000229

static const char python_script[] =
  "import sys\n"
  "from stdnum.cn import ric\n"
  "FULL_WIDTH = {0xFF10 + i: str(i) for i in range(10)}\n"
  "FULL_WIDTH.update({0xFF38: 'X', 0xFF58: 'X'})\n"
  "def app_form(line):\n"
  "    n = line.translate(FULL_WIDTH).strip(' \\t\\u3000').upper()\n"
  "    if len(n) == 15 and n.isascii() and n.isdigit():\n"
  "        n = n[:6] + '19' + n[6:]\n"
  "        n += ric.calc_check_digit(n + '?')\n"
  "    return n\n"
  "with open(sys.argv[1], encoding='utf-8', newline='\\n') as f:\n"
  "    numbers = [app_form(line.rstrip('\\n')) for line in f]\n"
  "full = [ric.is_valid(n) for n in numbers]\n"
  "ric.get_birth_place = lambda number: None\n"
  "no_place = [ric.is_valid(n) for n in numbers]\n"
  "for f, p, n in zip(full, no_place, numbers):\n"
  "    print('%d\\t%d\\t%s' % (f, p, n))\n";

/* Province codes per GB/T 2260, plus 83 on residence permits for Taiwan
 * residents; kept apart from st_idcard_province_is_known() on purpose. */
static const char provinces[] =
  "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
  "50 51 52 53 54 61 62 63 64 65 71 81 82 83";

/* Counties in stdnum's cn/loc.dat. */
static const char *known_regions[] = {
  "110103", "110105", "120103", "130103", "130503", "140106", "150103",
  "210103", "220103", "230103", "310104", "320103", "330103", "340103",
  "350103", "360103", "370103", "410103", "420103", "430103", "440103",
  "450103", "460106", "500103", "510105", "520103", "522301", "522327",
  "522328", "530103", "540121", "610103", "620103", "630103", "640105",
  "650103",
};

typedef enum
{
  GEN_VALID,
  GEN_VALID_DRESSED,    /* surrounding blanks, full-width, lowercase x */
  GEN_VALID_15,         /* first generation, sometimes dressed */
  GEN_BAD_15_DATE,
  GEN_BAD_CHECK,
  GEN_BAD_DATE,
  GEN_BAD_PROVINCE,
  GEN_BAD_LENGTH,
  GEN_BAD_CHARACTER,
  GEN_BEFORE_1900,
  GEN_FUTURE,
  N_GEN
} Gen;

static const char *gen_names[N_GEN] = {
  "valid", "valid-dressed", "valid-15", "bad-15-date", "bad-check",
  "bad-date", "bad-province", "bad-length", "bad-character",
  "before-1900", "future",
};

/* Per cent of the numbers of each kind: 53 % valid. */
static const guint gen_weights[N_GEN] = { 40, 7, 6, 2, 12, 10, 6, 6, 6, 3, 2 };

typedef struct
{
  Gen      gen;
  gboolean known_region;
  char    *line;
} Sample;

static void
sample_clear (Sample *sample)
{
  g_clear_pointer (&sample->line, g_free);
}

/* MOD 11-2 as ISO 7064 defines it, not with st-idcard.c's tables: the
 * character at 0-based position i weighs 2^(17 - i) mod 11, and the check
 * value c makes the weighted sum of all 18 (c weighing 1) ≡ 1 (mod 11). */
static char
reference_check_character (const char *digits17)
{
  guint sum = 0;
  guint c;

  for (guint i = 0; i < 17; i++)
    sum += (guint) (digits17[i] - '0') * ((1u << (17 - i)) % 11);

  c = (12 - sum % 11) % 11;

  return c == 10 ? 'X' : (char) ('0' + c);
}

static gboolean
province_listed (const char *number)
{
  char code[3] = { number[0], number[1], '\0' };

  return g_ascii_isdigit (code[0]) && g_ascii_isdigit (code[1]) &&
         strstr (provinces, code) != NULL;
}

static void
random_digits (GRand *rand,
               char  *out,
               guint  n)
{
  for (guint i = 0; i < n; i++)
    out[i] = (char) ('0' + g_rand_int_range (rand, 0, 10));
}

/* Six digits of region; *known set when stdnum knows it. */
static void
random_region (GRand    *rand,
               char     *out,
               gboolean *known)
{
  g_auto(GStrv) codes = g_strsplit (provinces, " ", -1);
  const char *province = codes[g_rand_int_range (rand, 0, (gint32) g_strv_length (codes))];

  *known = g_rand_boolean (rand);
  if (*known)
    {
      memcpy (out, known_regions[g_rand_int_range (rand, 0, G_N_ELEMENTS (known_regions))], 6);
      return;
    }

  memcpy (out, province, 2);
  random_digits (rand, out + 2, 4);
}

static void
random_bad_province (GRand *rand,
                     char  *out)
{
  do
    random_digits (rand, out, 2);
  while (province_listed (out));
  random_digits (rand, out + 2, 4);
}

static GDate *
random_date (GRand *rand,
             guint  first_year,
             guint  last_year)
{
  g_autoptr(GDate) first = g_date_new_dmy (1, G_DATE_JANUARY, (GDateYear) first_year);
  g_autoptr(GDate) last = g_date_new_dmy (31, G_DATE_DECEMBER, (GDateYear) last_year);

  return g_date_new_julian (g_rand_int_range (rand, (gint32) g_date_get_julian (first),
                                              (gint32) g_date_get_julian (last) + 1));
}

static void
put_date (char        *out,
          const GDate *date)
{
  char buf[9];

  g_snprintf (buf, sizeof buf, "%04u%02u%02u",
              g_date_get_year (date), g_date_get_month (date), g_date_get_day (date));
  memcpy (out, buf, 8);
}

/* YYYYMMDD that does not exist, year 1900–2020. */
static void
put_impossible_date (GRand *rand,
                     char  *out)
{
  static const guint short_months[] = { 4, 6, 9, 11 };
  guint year = (guint) g_rand_int_range (rand, 1900, 2021);
  guint month = (guint) g_rand_int_range (rand, 1, 13);
  guint day = (guint) g_rand_int_range (rand, 1, 29);
  char buf[16];

  switch (g_rand_int_range (rand, 0, 6))
    {
    case 0:
      month = g_rand_boolean (rand) ? 0 : (guint) g_rand_int_range (rand, 13, 100);
      break;
    case 1:
      day = g_rand_boolean (rand) ? 0 : (guint) g_rand_int_range (rand, 32, 100);
      break;
    case 2:
      month = short_months[g_rand_int_range (rand, 0, 4)];
      day = 31;
      break;
    case 3:
      do
        year = (guint) g_rand_int_range (rand, 1900, 2021);
      while (g_date_is_leap_year ((GDateYear) year));
      month = 2;
      day = 29;
      break;
    case 4:
      year = 1900;
      month = 2;
      day = 29;
      break;
    default:
      month = 2;
      day = (guint) g_rand_int_range (rand, 30, 32);
      break;
    }

  g_snprintf (buf, sizeof buf, "%04u%02u%02u", year, month, day);
  memcpy (out, buf, 8);
}

static void
finish_18 (GRand *rand,
           char  *number)
{
  random_digits (rand, number + 14, 3);
  number[17] = reference_check_character (number);
  number[18] = '\0';
}

/* Adds what people paste: blanks around, full-width digits, x for X. */
static char *
dress (GRand      *rand,
       const char *number)
{
  static const char *blanks[] = { " ", "\t", "\u3000" };
  GString *out = g_string_new (NULL);
  gboolean full_width = g_rand_boolean (rand);

  for (gint n = g_rand_int_range (rand, 0, 4); n > 0; n--)
    g_string_append (out, blanks[g_rand_int_range (rand, 0, 3)]);

  for (const char *p = number; *p != '\0'; p++)
    {
      if (*p == 'X')
        {
          static const char *xs[] = { "x", "X", "\uff38", "\uff58" };
          g_string_append (out, xs[g_rand_int_range (rand, 0, 4)]);
        }
      else if (full_width && g_rand_int_range (rand, 0, 3) > 0)
        {
          g_string_append_unichar (out, 0xFF10 + (gunichar) (*p - '0'));
        }
      else
        {
          g_string_append_c (out, *p);
        }
    }

  for (gint n = g_rand_int_range (rand, 0, 4); n > 0; n--)
    g_string_append (out, blanks[g_rand_int_range (rand, 0, 3)]);

  return g_string_free (out, FALSE);
}

static Gen
pick_gen (GRand *rand)
{
  gint32 r = g_rand_int_range (rand, 0, 100);

  for (guint gen = 0; gen < N_GEN; gen++)
    {
      r -= (gint32) gen_weights[gen];
      if (r < 0)
        return (Gen) gen;
    }
  g_assert_not_reached ();
}

static void
generate (GRand  *rand,
          guint   this_year,
          Sample *sample)
{
  char number[32] = { 0 };
  g_autoptr(GDate) date = NULL;
  gboolean known = FALSE;

  sample->gen = pick_gen (rand);

  switch (sample->gen)
    {
    case GEN_VALID:
    case GEN_VALID_DRESSED:
    case GEN_BAD_CHECK:
    case GEN_BAD_CHARACTER:
      random_region (rand, number, &known);
      date = random_date (rand, 1900, 2020);
      put_date (number + 6, date);
      finish_18 (rand, number);
      /* Plenty of X: a dressed one always has one, to be written x or ｘ. */
      while (sample->gen == GEN_VALID_DRESSED && number[17] != 'X')
        finish_18 (rand, number);
      break;

    case GEN_VALID_15:
    case GEN_BAD_15_DATE:
      random_region (rand, number, &known);
      if (sample->gen == GEN_VALID_15)
        {
          date = random_date (rand, 1900, 1999);
          put_date (number + 6, date);
        }
      else
        {
          put_impossible_date (rand, number + 6);
          number[6] = '1';
          number[7] = '9';
        }
      /* Drop the century: YYMMDD. */
      memmove (number + 6, number + 8, 6);
      random_digits (rand, number + 12, 3);
      number[15] = '\0';
      break;

    case GEN_BAD_DATE:
      random_region (rand, number, &known);
      put_impossible_date (rand, number + 6);
      finish_18 (rand, number);
      break;

    case GEN_BAD_PROVINCE:
      random_bad_province (rand, number);
      date = random_date (rand, 1900, 2020);
      put_date (number + 6, date);
      finish_18 (rand, number);
      break;

    case GEN_BAD_LENGTH:
      {
        static const guint lengths[] = { 1, 2, 5, 6, 8, 10, 12, 13, 14, 16, 17, 19, 20, 21, 24 };
        guint length = lengths[g_rand_int_range (rand, 0, G_N_ELEMENTS (lengths))];

        random_region (rand, number, &known);
        date = random_date (rand, 1900, 2020);
        put_date (number + 6, date);
        finish_18 (rand, number);
        if (length > 18)
          random_digits (rand, number + 18, length - 18);
        if (length == 17 && g_rand_boolean (rand))
          {
            /* A dropped digit, check character still there. */
            memmove (number + 10, number + 11, 8);
          }
        number[length] = '\0';
      }
      break;

    case GEN_BEFORE_1900:
      random_region (rand, number, &known);
      date = random_date (rand, 1800, 1899);
      put_date (number + 6, date);
      finish_18 (rand, number);
      break;

    case GEN_FUTURE:
      random_region (rand, number, &known);
      date = random_date (rand, this_year + 1, this_year + 80);
      put_date (number + 6, date);
      finish_18 (rand, number);
      break;

    case N_GEN:
    default:
      g_assert_not_reached ();
    }

  if (sample->gen == GEN_BAD_CHECK)
    {
      static const char checks[] = "0123456789X";
      char wrong;

      do
        wrong = checks[g_rand_int_range (rand, 0, 11)];
      while (wrong == number[17]);
      number[17] = wrong;
    }
  else if (sample->gen == GEN_BAD_CHARACTER)
    {
      static const char others[] = "ABCDEFGHIJKLMNOPQRSTUVWYZ-/.,+*# X";
      guint position = (guint) g_rand_int_range (rand, 0, 18);
      char c;

      /* X is fine as the 18th character, a blank at either end is trimmed. */
      do
        c = others[g_rand_int_range (rand, 0, sizeof others - 1)];
      while ((c == 'X' && position == 17) ||
             (c == ' ' && (position == 0 || position == 17)));
      number[position] = c;
    }

  sample->known_region = known;

  if (sample->gen == GEN_VALID_DRESSED || (sample->gen == GEN_VALID_15 && g_rand_int_range (rand, 0, 3) == 0))
    sample->line = dress (rand, number);
  else
    sample->line = g_strdup (number);
}

static gboolean
gen_intends_valid (Gen gen)
{
  return gen == GEN_VALID || gen == GEN_VALID_DRESSED || gen == GEN_VALID_15;
}

/* stdnum without the region lookup, plus the rules it does not have. */
static gboolean
mapped_stdnum_verdict (gboolean     stdnum_no_place,
                       const char  *number,
                       const GDate *today)
{
  g_autoptr(GDate) birth = NULL;
  guint year;

  if (!stdnum_no_place)
    return FALSE;

  /* stdnum has accepted it, so 17 digits and a real date. */
  g_assert_cmpuint (strlen (number), ==, 18);

  if (!province_listed (number))
    return FALSE;

  year = (guint) ((number[6] - '0') * 1000 + (number[7] - '0') * 100 +
                  (number[8] - '0') * 10 + (number[9] - '0'));
  if (year < 1900)
    return FALSE;

  birth = g_date_new_dmy ((GDateDay) ((number[12] - '0') * 10 + (number[13] - '0')),
                          (GDateMonth) ((number[10] - '0') * 10 + (number[11] - '0')),
                          (GDateYear) year);
  g_assert_true (g_date_valid (birth));

  return g_date_compare (birth, today) <= 0;
}

static gboolean
stdnum_available (void)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error,
                           PYTHON, "-I", "-c", "import stdnum.cn.ric", NULL);
  if (proc == NULL || !g_subprocess_wait (proc, NULL, &error))
    {
      g_test_message ("Could not run %s: %s", PYTHON, error->message);
      return FALSE;
    }

  return g_subprocess_get_successful (proc);
}

static void
test_stdnum (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDate) today = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  guint gen_counts[N_GEN] = { 0 };
  guint n_valid = 0;
  guint n_region_only = 0;
  guint n_end_to_end = 0;
  guint n_mismatches = 0;

  if (!stdnum_available ())
    {
      g_test_skip ("python3-stdnum is not installed");
      return;
    }

  today = g_date_new_dmy ((GDateDay) g_date_time_get_day_of_month (now),
                          (GDateMonth) g_date_time_get_month (now),
                          (GDateYear) g_date_time_get_year (now));

  samples = g_array_sized_new (FALSE, TRUE, sizeof (Sample), N_NUMBERS);
  g_array_set_clear_func (samples, (GDestroyNotify) sample_clear);
  for (guint i = 0; i < N_NUMBERS; i++)
    {
      Sample sample = { 0 };

      generate (rand, g_date_get_year (today), &sample);
      g_array_append_val (samples, sample);
      g_string_append (input, sample.line);
      g_string_append_c (input, '\n');
      gen_counts[sample.gen]++;
    }

  dir = g_dir_make_tmp ("st-idcard-stdnum-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "numbers.txt", NULL);
  g_file_set_contents (path, input->str, (gssize) input->len, &error);
  g_assert_no_error (error);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                           &error,
                           PYTHON, "-I", "-c", python_script, path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  g_unlink (path);
  g_rmdir (dir);

  if (!g_subprocess_get_successful (proc))
    g_test_message ("python failed: %s", err);
  g_assert_true (g_subprocess_get_successful (proc));

  g_strchomp (out);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, N_NUMBERS);

  for (guint i = 0; i < N_NUMBERS; i++)
    {
      Sample *sample = &g_array_index (samples, Sample, i);
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", 3);
      g_autofree char *normalized = NULL;
      gboolean stdnum_full, stdnum_no_place, expected, ours;
      const char *problem = NULL;

      g_assert_cmpuint (g_strv_length (fields), ==, 3);
      stdnum_full = strcmp (fields[0], "1") == 0;
      stdnum_no_place = strcmp (fields[1], "1") == 0;

      expected = mapped_stdnum_verdict (stdnum_no_place, fields[2], today);
      ours = st_idcard_is_valid (sample->line);
      normalized = st_idcard_normalize (sample->line);

      if (ours != expected)
        problem = "st_idcard_is_valid() disagrees with stdnum";
      else if (strcmp (normalized, fields[2]) != 0)
        problem = "st_idcard_normalize() disagrees with the Python normalisation";
      else if (gen_intends_valid (sample->gen) != expected)
        problem = "the generator meant otherwise";
      else if (sample->known_region && stdnum_full != stdnum_no_place)
        problem = "stdnum does not know a region from known_regions";
      else if (stdnum_full && !stdnum_no_place)
        problem = "stdnum is inconsistent";

      if (problem != NULL)
        {
          n_mismatches++;
          g_test_message ("line %u “%s” (%s): %s: ours %s, normalised “%s”; "
                          "stdnum %s, without the region check %s, as “%s”",
                          i + 1, sample->line, gen_names[sample->gen], problem,
                          ours ? "valid" : "invalid", normalized,
                          stdnum_full ? "valid" : "invalid",
                          stdnum_no_place ? "valid" : "invalid", fields[2]);
          continue;
        }

      if (ours)
        {
          n_valid++;
          if (stdnum_full)
            n_end_to_end++;
          else
            n_region_only++;
        }
    }

  for (guint gen = 0; gen < N_GEN; gen++)
    g_test_message ("%s: %u", gen_names[gen], gen_counts[gen]);
  g_test_message ("%u valid; %u of them valid for plain stdnum too, %u refused by it "
                  "only for a county code missing from its list",
                  n_valid, n_end_to_end, n_region_only);

  g_assert_cmpuint (n_mismatches, ==, 0);

  /* The mix is what the comparison is worth: make sure it is there. */
  for (guint gen = 0; gen < N_GEN; gen++)
    g_assert_cmpuint (gen_counts[gen], >=, N_NUMBERS * gen_weights[gen] / 100 / 2);
  g_assert_cmpuint (n_valid, >=, N_NUMBERS * 45 / 100);
  g_assert_cmpuint (n_end_to_end, >=, N_NUMBERS * 20 / 100);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/idcard/stdnum", test_stdnum);

  return g_test_run ();
}
