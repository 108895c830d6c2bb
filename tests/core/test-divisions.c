/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-divisions"

#include "config.h"

#include <string.h>

#include "st-csv.h"
#include "st-divisions.h"

#define CEHENG "522327000000"
#define ZHELOU "522327001000"     /* 者楼街道 */
#define YATA "522327103000"       /* 丫他镇 */
#define QIAOMA "522327104000"     /* 巧马镇 */

static guint
count_level (StDivisions     *divisions,
             StDivisionLevel  level)
{
  const GPtrArray *all = st_divisions_get_all (divisions);
  guint n = 0;

  for (guint i = 0; i < all->len; i++)
    if (((const StDivision *) g_ptr_array_index (all, i))->level == level)
      n++;
  return n;
}

/* The code of what was found, or NULL: reads well in assertions. */
static const char *
code_of (const StDivision *division)
{
  return division != NULL ? division->code : NULL;
}

static void
test_default_counts (void)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autoptr(GPtrArray) townships = st_divisions_townships (divisions);
  const StDivision *county;
  guint n_villages = 0;

  g_assert_cmpuint (st_divisions_get_all (divisions)->len, ==, 1 + 13 + 156);
  g_assert_cmpuint (count_level (divisions, ST_DIVISION_COUNTY), ==, 1);
  g_assert_cmpuint (count_level (divisions, ST_DIVISION_TOWNSHIP), ==, 13);
  g_assert_cmpuint (count_level (divisions, ST_DIVISION_VILLAGE), ==, 156);

  county = st_divisions_lookup (divisions, CEHENG);
  g_assert_nonnull (county);
  g_assert_cmpstr (county->name, ==, "册亨县");
  g_assert_null (county->parent_code);
  g_assert_cmpint (county->level, ==, ST_DIVISION_COUNTY);
  g_assert_true (st_divisions_lookup (divisions, "522327") == county);

  /* Every village belongs to one of the 13 townships. */
  g_assert_cmpuint (townships->len, ==, 13);
  g_assert_cmpstr (((StDivision *) g_ptr_array_index (townships, 0))->name, ==, "者楼街道");
  g_assert_cmpstr (((StDivision *) g_ptr_array_index (townships, 12))->name, ==, "百口乡");
  for (guint i = 0; i < townships->len; i++)
    {
      const StDivision *township = g_ptr_array_index (townships, i);
      g_autoptr(GPtrArray) villages = st_divisions_villages_of (divisions, township->code);

      g_assert_cmpstr (township->parent_code, ==, CEHENG);
      g_assert_cmpuint (villages->len, >, 0);
      n_villages += villages->len;
    }
  g_assert_cmpuint (n_villages, ==, 156);
}

static void
test_default_lookup (void)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  const StDivision *village = st_divisions_lookup (divisions, "522327104201");
  const StDivision *township = st_divisions_lookup (divisions, " 522327104 ");

  g_assert_nonnull (village);
  g_assert_cmpstr (village->name, ==, "巧马村村民委员会");
  g_assert_cmpstr (village->short_name, ==, "巧马村");
  g_assert_cmpstr (village->parent_code, ==, QIAOMA);
  g_assert_cmpint (village->level, ==, ST_DIVISION_VILLAGE);

  g_assert_nonnull (township);
  g_assert_cmpstr (township->code, ==, QIAOMA);
  g_assert_cmpstr (township->name, ==, "巧马镇");
  g_assert_cmpstr (township->short_name, ==, "巧马");
  g_assert_cmpint (township->level, ==, ST_DIVISION_TOWNSHIP);

  g_assert_null (st_divisions_lookup (divisions, "522327104999"));
  g_assert_null (st_divisions_lookup (divisions, "5223271042"));
  g_assert_null (st_divisions_lookup (divisions, "巧马村"));
}

static void
test_default_find_township (void)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();

  g_assert_cmpstr (code_of (st_divisions_find_township (divisions, "巧马镇")), ==, QIAOMA);
  g_assert_cmpstr (code_of (st_divisions_find_township (divisions, "巧马")), ==, QIAOMA);
  g_assert_cmpstr (code_of (st_divisions_find_township (divisions, " 巧马镇\t")), ==, QIAOMA);
  g_assert_cmpstr (code_of (st_divisions_find_township (divisions, "\u3000巧马\u3000")), ==, QIAOMA);
  g_assert_cmpstr (code_of (st_divisions_find_township (divisions, QIAOMA)), ==, QIAOMA);
  g_assert_cmpstr (code_of (st_divisions_find_township (divisions, "522327104")), ==, QIAOMA);
  g_assert_cmpstr (code_of (st_divisions_find_township (divisions, "者楼街道")), ==, ZHELOU);
  g_assert_cmpstr (code_of (st_divisions_find_township (divisions, "者楼")), ==, ZHELOU);
  g_assert_cmpstr (code_of (st_divisions_find_township (divisions, "者楼街道办事处")), ==, ZHELOU);
  g_assert_cmpstr (code_of (st_divisions_find_township (divisions, "百口")), ==, "522327204000");

  /* Not townships: a village's name or code, the county, nothing. */
  g_assert_null (st_divisions_find_township (divisions, "者楼村"));
  g_assert_null (st_divisions_find_township (divisions, "522327104201"));
  g_assert_null (st_divisions_find_township (divisions, "522327"));
  g_assert_null (st_divisions_find_township (divisions, "册亨县"));
  g_assert_null (st_divisions_find_township (divisions, "贞丰镇"));
  g_assert_null (st_divisions_find_township (divisions, "  "));
}

static void
test_default_find_village (void)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();

  /* Official name, short name, short name without 村, with and without the
   * township. */
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, ZHELOU, "者楼村村民委员会")),
                   ==, "522327001200");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, ZHELOU, " 者楼村 ")),
                   ==, "522327001200");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, ZHELOU, "者楼")),
                   ==, "522327001200");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, NULL, "者楼村")),
                   ==, "522327001200");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, ZHELOU, "者楼村委会")),
                   ==, "522327001200");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, "522327001", "者楼村")),
                   ==, "522327001200");

  /* 者楼街道 has 东风社区 and 东风村: the full short names find each, the bare
   * 东风 fits both and finds neither. */
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, ZHELOU, "东风社区")),
                   ==, "522327001001");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, ZHELOU, "东风社区居民委员会")),
                   ==, "522327001001");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, ZHELOU, "东风村")),
                   ==, "522327001201");
  g_assert_null (st_divisions_find_village (divisions, ZHELOU, "东风"));

  /* 幸福村 is in 丫他镇 and 幸福社区 in 巧马镇: 幸福 needs the township. */
  g_assert_null (st_divisions_find_village (divisions, NULL, "幸福"));
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, YATA, "幸福")),
                   ==, "522327103216");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, QIAOMA, "幸福")),
                   ==, "522327104004");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, NULL, "幸福村")),
                   ==, "522327103216");
  /* A village of 丫他镇 is not found under 巧马镇. */
  g_assert_null (st_divisions_find_village (divisions, QIAOMA, "幸福村"));

  /* 丫他镇 has 丫他社区 and 丫他村. */
  g_assert_null (st_divisions_find_village (divisions, YATA, "丫他"));
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, YATA, "丫他村")),
                   ==, "522327103200");

  /* By code, and only under its own township. */
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, NULL, "522327104201")),
                   ==, "522327104201");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, QIAOMA, "522327104201")),
                   ==, "522327104201");
  g_assert_null (st_divisions_find_village (divisions, ZHELOU, "522327104201"));
  g_assert_null (st_divisions_find_village (divisions, NULL, QIAOMA));

  /* Stripping 村 from the input is not a fallback: 东风村 is not 东风社区. */
  g_assert_null (st_divisions_find_village (divisions, "522327003000", "东风村"));
  g_assert_null (st_divisions_find_village (divisions, NULL, "巧马镇"));
  g_assert_null (st_divisions_find_village (divisions, NULL, ""));
  g_assert_null (st_divisions_find_village (divisions, "not a code", "者楼村"));
}

static void
test_default_villages_of (void)
{
  const char *const expected[] = {
    "东风社区居民委员会", "前进社区居民委员会", "者楼村村民委员会",
    "东风村村民委员会", "高峰村村民委员会",
  };
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autoptr(GPtrArray) villages = st_divisions_villages_of (divisions, ZHELOU);
  g_autoptr(GPtrArray) none = st_divisions_villages_of (divisions, "522327999000");

  g_assert_cmpuint (villages->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < villages->len; i++)
    g_assert_cmpstr (((StDivision *) g_ptr_array_index (villages, i))->name, ==, expected[i]);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_short_name (void)
{
  const struct
  {
    const char *official;
    const char *short_name;
  } cases[] = {
    { "者楼村村民委员会", "者楼村" },
    { "王家庄村民委员会", "王家庄村" },
    { "者楼村委会", "者楼村" },
    { "东风社区居民委员会", "东风社区" },
    { "多福巷社区居委会", "多福巷社区" },
    { "南街居民委员会", "南街社区" },
    { "巧马镇", "巧马" },
    { "者楼街道", "者楼" },
    { "漓东街道办事处", "漓东" },
    { "百口乡", "百口" },
    { " 巧马镇 ", "巧马" },
    { "者楼村", "者楼村" },
    { "册亨县", "册亨县" },
    { "镇", "镇" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *short_name = st_divisions_short_name (cases[i].official);

      g_assert_cmpstr (short_name, ==, cases[i].short_name);
    }
}

static void
test_duplicates (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "divisions",
                                                 "duplicates.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StDivisions) divisions = st_divisions_new_from_csv (path, &error);
  const StDivision *county;

  g_assert_no_error (error);
  /* Columns in another order, 6- and 9-digit codes, a BOM and a row of
   * empty cells. */
  g_assert_cmpuint (st_divisions_get_all (divisions)->len, ==, 7);
  county = st_divisions_lookup (divisions, "990101000000");
  g_assert_nonnull (county);
  g_assert_cmpstr (county->name, ==, "测试县");
  g_assert_cmpstr (st_divisions_lookup (divisions, "990101200")->parent_code, ==, "990101000000");

  /* 新寨村村民委员会 exists in both townships. */
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, "990101100000",
                                                       "新寨村村民委员会")),
                   ==, "990101100201");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, "990101200000", "新寨村")),
                   ==, "990101200201");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, "990101200", "新寨")),
                   ==, "990101200201");
  g_assert_null (st_divisions_find_village (divisions, NULL, "新寨村村民委员会"));
  g_assert_null (st_divisions_find_village (divisions, NULL, "新寨村"));
  g_assert_null (st_divisions_find_village (divisions, NULL, "新寨"));

  /* Unique names need no township. */
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, NULL, "坪上村")),
                   ==, "990101200202");
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, NULL, "平安社区")),
                   ==, "990101100001");
  g_assert_cmpstr (code_of (st_divisions_find_township (divisions, "乙")), ==, "990101200000");
}

static void
test_ref (void)
{
  StDivisions *divisions = st_divisions_new_default ();

  g_assert_true (st_divisions_ref (divisions) == divisions);
  st_divisions_unref (divisions);
  g_assert_nonnull (st_divisions_lookup (divisions, CEHENG));
  st_divisions_unref (divisions);
}

static void
test_errors (void)
{
  const struct
  {
    const char *csv;
    int         code;
    const char *row;
    const char *field;
  } cases[] = {
    /* 11 digits */
    { "code,name,parent_code,level\n"
      "522327000000,册亨县,,county\n"
      "52232710400,巧马镇,522327000000,township\n",
      ST_DIVISIONS_ERROR_PARSE, "row 3", "“code”" },
    /* letters */
    { "code,name,parent_code,level\n"
      "522327000000,册亨县,,county\n"
      "522327104000,巧马镇,522327000000,township\n"
      "52232710420x,巧马村,522327104000,village\n",
      ST_DIVISIONS_ERROR_PARSE, "row 4", "“code”" },
    /* a village code on a township row */
    { "code,name,parent_code,level\n"
      "522327000000,册亨县,,county\n"
      "522327104201,巧马镇,522327000000,township\n",
      ST_DIVISIONS_ERROR_PARSE, "row 3", "“code”" },
    /* unknown level */
    { "code,name,parent_code,level\n"
      "522327000000,册亨县,,county\n"
      "522327104000,巧马镇,522327000000,town\n",
      ST_DIVISIONS_ERROR_PARSE, "row 3", "“level”" },
    /* parent not in the file; the multi-line name moves row 4 to line 5 */
    { "code,name,parent_code,level\n"
      "522327000000,册亨县,,county\n"
      "522327104000,\"巧马镇\n\",522327000000,township\n"
      "522327105201,者术村村民委员会,522327105000,village\n",
      ST_DIVISIONS_ERROR_PARSE, "row 5", "“parent_code”" },
    /* parent of the wrong level */
    { "code,name,parent_code,level\n"
      "522327000000,册亨县,,county\n"
      "522327104201,巧马村村民委员会,522327000000,village\n",
      ST_DIVISIONS_ERROR_PARSE, "row 3", "“parent_code”" },
    /* a village outside its parent's code */
    { "code,name,parent_code,level\n"
      "522327000000,册亨县,,county\n"
      "522327104000,巧马镇,522327000000,township\n"
      "522327105201,者术村村民委员会,522327104000,village\n",
      ST_DIVISIONS_ERROR_PARSE, "row 4", "“parent_code”" },
    /* no parent at all */
    { "code,name,parent_code,level\n"
      "522327000000,册亨县,,county\n"
      "522327104000,巧马镇,,township\n",
      ST_DIVISIONS_ERROR_PARSE, "row 3", "“parent_code”" },
    /* empty name */
    { "code,name,parent_code,level\n"
      "522327000000, ,,county\n",
      ST_DIVISIONS_ERROR_PARSE, "row 2", "“name”" },
    /* the same code twice */
    { "code,name,parent_code,level\n"
      "522327000000,册亨县,,county\n"
      "522327,册亨县,,county\n",
      ST_DIVISIONS_ERROR_PARSE, "row 3", "“code”" },
    /* a header without level */
    { "code,name,parent_code\n"
      "522327000000,册亨县,\n",
      ST_DIVISIONS_ERROR_PARSE, "row 1", "“level”" },
    /* only a header */
    { "code,name,parent_code,level\r\n,,,\r\n",
      ST_DIVISIONS_ERROR_EMPTY, NULL, NULL },
    /* nothing */
    { "\r\n",
      ST_DIVISIONS_ERROR_EMPTY, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (cases[i].csv, strlen (cases[i].csv));
      g_autoptr(GError) error = NULL;
      g_autoptr(StDivisions) divisions = NULL;

      divisions = st_divisions_new_from_bytes (bytes, "broken.csv", &error);
      g_test_message ("case %u: %s", i, error != NULL ? error->message : "(no error)");
      g_assert_null (divisions);
      g_assert_error (error, ST_DIVISIONS_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, "broken.csv"));
      if (cases[i].row != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].row));
      if (cases[i].field != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].field));
    }
}

static void
test_csv_errors_pass_through (void)
{
  g_autoptr(GBytes) gibberish = g_bytes_new_static ("code\xff\xff\xff", 7);
  g_autoptr(GBytes) open_quote = g_bytes_new_static ("code,name,parent_code,level\n\"522327", 35);
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (g_get_user_data_dir (), "nowhere.csv", NULL);

  g_assert_null (st_divisions_new_from_bytes (gibberish, "gibberish.csv", &error));
  g_assert_error (error, ST_CSV_ERROR, ST_CSV_ERROR_BAD_ENCODING);
  g_clear_error (&error);

  g_assert_null (st_divisions_new_from_bytes (open_quote, "quote.csv", &error));
  g_assert_error (error, ST_CSV_ERROR, ST_CSV_ERROR_UNTERMINATED);
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_clear_error (&error);

  g_assert_null (st_divisions_new_from_csv (missing, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

static void
test_gb18030 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *gb = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  gsize length = 0;
  const char *utf8 = "code,name,parent_code,level\r\n"
                     "522327,册亨县,,county\r\n"
                     "522327104,巧马镇,522327,township\r\n"
                     "522327104201,巧马村村民委员会,522327104,village\r\n";

  /* A county list someone saved from Excel on Chinese Windows. */
  gb = g_convert (utf8, -1, "GB18030", "UTF-8", NULL, &length, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new (gb, length);
  divisions = st_divisions_new_from_bytes (bytes, "gb18030.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code_of (st_divisions_find_village (divisions, NULL, "巧马")),
                   ==, "522327104201");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/divisions/default/counts", test_default_counts);
  g_test_add_func ("/core/divisions/default/lookup", test_default_lookup);
  g_test_add_func ("/core/divisions/default/find-township", test_default_find_township);
  g_test_add_func ("/core/divisions/default/find-village", test_default_find_village);
  g_test_add_func ("/core/divisions/default/villages-of", test_default_villages_of);
  g_test_add_func ("/core/divisions/short-name", test_short_name);
  g_test_add_func ("/core/divisions/duplicates", test_duplicates);
  g_test_add_func ("/core/divisions/ref", test_ref);
  g_test_add_func ("/core/divisions/errors", test_errors);
  g_test_add_func ("/core/divisions/csv-errors-pass-through", test_csv_errors_pass_through);
  g_test_add_func ("/core/divisions/gb18030", test_gb18030);

  return g_test_run ();
}
