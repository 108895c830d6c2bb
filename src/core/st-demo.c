/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-demo"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-demo.h"
#include "st-divisions.h"
#include "st-idcard.h"
#include "st-import.h"
#include "st-participant.h"

/* Ceheng is a Buyei autonomous county: the surnames, ethnic groups and the
 * education of its unschooled laborers are weighted accordingly. */
static const char *const surnames[] = {
  "王", "黄", "韦", "罗", "陆", "岑", "杨", "李", "吴", "班", "梁", "潘", "卢", "覃",
  "陈", "周", "刘", "张", "农", "蒙", "龙", "谭", "何", "赵", "田", "熊", "邓", "曾",
};
static const char *const given_female[] = {
  "秀", "英", "芳", "兰", "美", "花", "玉", "珍", "凤", "梅", "琴", "丽", "艳", "春",
  "霞", "娟", "燕", "桂", "翠", "莲",
};
static const char *const given_male[] = {
  "明", "华", "军", "强", "国", "勇", "平", "文", "林", "荣", "德", "成", "光", "海",
  "志", "发", "福", "贵", "忠", "兴",
};
static const struct { const char *name; guint weight; } ethnic_mix[] = {
  { "布依族", 72 }, { "汉族", 16 }, { "苗族", 8 }, { "瑶族", 2 }, { "水族", 1 }, { "仡佬族", 1 },
};
static const struct { const char *text; guint weight; } education_mix[] = {
  { "未上学", 55 }, { "小学", 30 }, { "初中", 12 }, { "高中及以上", 3 },
};
static const char *const employment[] = { "务农", "外出务工", "本地务工", "无业", "个体经营" };
static const char *const health[] = { "健康", "健康", "健康", "良好", "一般", "残疾" };

static guint
pick_weighted (GRand *rand, const guint *weights, guint n)
{
  guint total = 0, r;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  r = g_rand_int_range (rand, 0, total);
  for (guint i = 0; i < n; i++)
    {
      if (r < weights[i])
        return i;
      r -= weights[i];
    }
  return n - 1;
}

typedef struct
{
  char *id_number;
  char *name;
  const char *sex;
  const char *ethnicity;
  const char *township;
  const char *village;
  char *phone;
  const char *education;
  const char *employment;
  const char *health;
  const char *poverty;
} DemoPerson;

typedef struct
{
  GRand       *rand;
  StDivisions *divisions;
  GPtrArray   *townships;
  GPtrArray  **villages;   /* per township */
  GHashTable  *used;
  int          this_year;
} Generator;

static void
generator_init (Generator *gen,
                guint32    seed)
{
  GDateTime *now = g_date_time_new_now_local ();

  gen->rand = g_rand_new_with_seed (seed);
  gen->divisions = st_divisions_new_default ();
  gen->townships = st_divisions_townships (gen->divisions);
  gen->villages = g_new0 (GPtrArray *, gen->townships->len);
  for (guint i = 0; i < gen->townships->len; i++)
    {
      const StDivision *t = g_ptr_array_index (gen->townships, i);
      gen->villages[i] = st_divisions_villages_of (gen->divisions, t->code);
    }
  gen->used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gen->this_year = g_date_time_get_year (now);
  g_date_time_unref (now);
}

static void
generator_clear (Generator *gen)
{
  for (guint i = 0; i < gen->townships->len; i++)
    g_ptr_array_unref (gen->villages[i]);
  g_free (gen->villages);
  g_ptr_array_unref (gen->townships);
  st_divisions_unref (gen->divisions);
  g_hash_table_unref (gen->used);
  g_rand_free (gen->rand);
}

static void
person_clear (DemoPerson *p)
{
  g_free (p->id_number);
  g_free (p->name);
  g_free (p->phone);
}

static void
generate (Generator  *gen,
          DemoPerson *p)
{
  GRand *r = gen->rand;
  guint ti = g_rand_int_range (r, 0, gen->townships->len);
  const StDivision *township = g_ptr_array_index (gen->townships, ti);
  GPtrArray *villages = gen->villages[ti];
  gboolean male = g_rand_boolean (r);
  guint weights[G_N_ELEMENTS (ethnic_mix) > G_N_ELEMENTS (education_mix) ? G_N_ELEMENTS (ethnic_mix) : G_N_ELEMENTS (education_mix)];
  GString *name = g_string_new (surnames[g_rand_int_range (r, 0, G_N_ELEMENTS (surnames))]);
  const char *const *given = male ? given_male : given_female;
  guint n_given = male ? G_N_ELEMENTS (given_male) : G_N_ELEMENTS (given_female);
  char digits[19];
  int age, year, month, day, seq;

  /* Mostly the target ages; a few outside, as real rosters have. */
  age = g_rand_int_range (r, 0, 100) < 96 ? g_rand_int_range (r, 15, 60) : g_rand_int_range (r, 60, 66);

  do
    {
      year = gen->this_year - age - 1 + g_rand_int_range (r, 0, 2);
      month = g_rand_int_range (r, 1, 13);
      day = g_rand_int_range (r, 1, g_date_get_days_in_month (month, year) + 1);
      seq = g_rand_int_range (r, 0, 500) * 2 + (male ? 1 : 0);
      g_snprintf (digits, sizeof digits, "522327%04d%02d%02d%03d", year, month, day, seq);
      digits[17] = st_idcard_check_character (digits);
      digits[18] = '\0';
    }
  while (g_hash_table_contains (gen->used, digits));
  g_hash_table_add (gen->used, g_strdup (digits));
  p->id_number = g_strdup (digits);

  g_string_append (name, given[g_rand_int_range (r, 0, n_given)]);
  if (g_rand_int_range (r, 0, 100) < 65)
    g_string_append (name, given[g_rand_int_range (r, 0, n_given)]);
  p->name = g_string_free (name, FALSE);
  p->sex = male ? "男" : "女";

  for (guint i = 0; i < G_N_ELEMENTS (ethnic_mix); i++)
    weights[i] = ethnic_mix[i].weight;
  p->ethnicity = ethnic_mix[pick_weighted (r, weights, G_N_ELEMENTS (ethnic_mix))].name;
  for (guint i = 0; i < G_N_ELEMENTS (education_mix); i++)
    weights[i] = education_mix[i].weight;
  p->education = education_mix[pick_weighted (r, weights, G_N_ELEMENTS (education_mix))].text;

  p->township = township->name;
  p->village = villages->len ? ((const StDivision *) g_ptr_array_index (villages, g_rand_int_range (r, 0, villages->len)))->short_name : "";
  p->phone = g_rand_int_range (r, 0, 100) < 80
    ? g_strdup_printf ("1%d%d%08d", g_rand_int_range (r, 3, 10), g_rand_int_range (r, 0, 10),
                       g_rand_int_range (r, 0, 100000000))
    : g_strdup ("");
  p->employment = employment[g_rand_int_range (r, 0, G_N_ELEMENTS (employment))];
  p->health = health[g_rand_int_range (r, 0, G_N_ELEMENTS (health))];
  {
    int k = g_rand_int_range (r, 0, 100);
    p->poverty = k < 40 ? "脱贫户" : k < 46 ? "监测户" : "";
  }
}

gboolean
st_demo_write_roster (const char     *path,
                      guint           n,
                      guint32         seed,
                      StCsvEncoding   encoding,
                      GError        **error)
{
  static const char *const header[] = {
    "序号", "姓名", "性别", "民族", "身份证号码", "乡镇（街道）", "村（居）", "联系电话",
    "文化程度", "务工情况", "身体健康情况", "脱贫户/监测户", "备注",
  };
  g_autoptr(StCsvWriter) writer = st_csv_writer_new (path, encoding, error);
  Generator gen;
  gboolean ok = TRUE;

  if (writer == NULL)
    return FALSE;
  if (!st_csv_writer_write_row (writer, header, G_N_ELEMENTS (header), error))
    return FALSE;

  generator_init (&gen, seed);
  for (guint i = 0; i < n && ok; i++)
    {
      DemoPerson p = { 0, };
      g_autofree char *serial = g_strdup_printf ("%u", i + 1);
      const char *row[G_N_ELEMENTS (header)];

      generate (&gen, &p);
      row[0] = serial;
      row[1] = p.name;
      row[2] = p.sex;
      row[3] = p.ethnicity;
      row[4] = p.id_number;
      row[5] = p.township;
      row[6] = p.village;
      row[7] = p.phone;
      row[8] = p.education;
      row[9] = p.employment;
      row[10] = p.health;
      row[11] = p.poverty;
      row[12] = "";
      ok = st_csv_writer_write_row (writer, row, G_N_ELEMENTS (row), error);
      person_clear (&p);
    }
  generator_clear (&gen);

  return ok && st_csv_writer_close (writer, error);
}

gboolean
st_demo_populate (StDb     *db,
                  guint     n,
                  guint32   seed,
                  GError  **error)
{
  Generator gen;
  gboolean ok = TRUE;

  if (!st_db_begin (db, error))
    return FALSE;

  generator_init (&gen, seed);
  for (guint i = 0; i < n && ok; i++)
    {
      DemoPerson p = { 0, };
      g_autoptr(StParticipant) participant = st_participant_new ();
      const StDivision *township, *village;
      gboolean recognised;
      g_autoptr(GError) local = NULL;

      generate (&gen, &p);
      township = st_divisions_find_township (gen.divisions, p.township);
      village = st_divisions_find_village (gen.divisions, township->code, p.village);

      participant->id_number = g_strdup (p.id_number);
      participant->name = g_strdup (p.name);
      participant->ethnicity = g_strdup (p.ethnicity);
      participant->phone = *p.phone ? g_strdup (p.phone) : NULL;
      participant->township_code = g_strdup (township->code);
      participant->village_code = village ? g_strdup (village->code) : NULL;
      participant->education = g_strdup (st_education_from_text (p.education));
      participant->employment = g_strdup (p.employment);
      participant->health = g_strdup (p.health);
      participant->poverty = g_strdup (st_poverty_from_text (p.poverty, &recognised));

      if (!st_participant_insert (db, participant, &local))
        {
          /* A person already in the database is not an error for a demo. */
          if (!g_error_matches (local, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_DUPLICATE))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              ok = FALSE;
            }
        }
      person_clear (&p);
    }
  generator_clear (&gen);

  if (!ok)
    {
      st_db_rollback (db);
      return FALSE;
    }
  return st_db_commit (db, error);
}
