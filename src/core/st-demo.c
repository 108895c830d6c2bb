/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-demo"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-certificate.h"
#include "st-demo.h"
#include "st-eligibility.h"
#include "st-divisions.h"
#include "st-idcard.h"
#include "st-import.h"
#include "st-participant.h"
#include "st-uuid.h"

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

/* Training records ------------------------------------------------------ */

typedef struct
{
  char  *id;
  char  *township;
  char  *program;
  char  *major;
  GDate  start;
  GPtrArray *members;   /* DemoEnrolment */
} DemoClass;

typedef struct
{
  char     *id;
  char     *participant;
  guint     years;
  GDate     end;
  GDate     withdrawn;   /* invalid unless withdrawn */
  double    diligence;   /* 0.55 … 1.0: how much of the work they do */
} DemoEnrolment;

static const char *const demo_trainers[] = { "韦老师", "岑老师", "黄老师", "罗老师", "陆老师", "王老师" };
static const char *const demo_subjects[] = { "literacy", "mandarin", "civic", "policy", "skill", "skill" };
static const char *const demo_majors[] = { "种植", "养殖", "刺绣", "蜡染", "餐饮", "家政", "电子商务", "设施农业" };

static void
demo_enrolment_free (DemoEnrolment *e)
{
  g_free (e->id);
  g_free (e->participant);
  g_free (e);
}

static void
demo_class_free (DemoClass *c)
{
  g_free (c->id);
  g_free (c->township);
  g_free (c->program);
  g_free (c->major);
  g_ptr_array_unref (c->members);
  g_free (c);
}

static void
iso (const GDate *d,
     char         out[16])
{
  g_date_strftime (out, 16, "%Y-%m-%d", d);
}

/* One prepared INSERT per table; values bound in column order. */
static void
bind_row_header (StDb         *db,
                 sqlite3_stmt *stmt,
                 const char   *id)
{
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) st_db_next_hlc (db));
  sqlite3_bind_text (stmt, 3, st_db_get_device_id (db), -1, SQLITE_STATIC);
}

static gboolean
insert_classes (StDb       *db,
                GPtrArray  *classes,
                GRand      *r,
                GError    **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "INSERT INTO classes (id, hlc, device, name, program_id, major_id, township_code,"
                                      " teaching_point, start_date, trainers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                      error);
  g_autoptr(StDivisions) divisions = st_import_load_divisions (db, NULL);

  if (stmt == NULL || divisions == NULL)
    return FALSE;
  for (guint i = 0; i < classes->len; i++)
    {
      DemoClass *c = g_ptr_array_index (classes, i);
      const StDivision *t = st_divisions_lookup (divisions, c->township);
      g_autofree char *name = NULL;
      g_autofree char *trainers = g_strdup_printf ("[\"%s\",\"%s\"]",
                                                   demo_trainers[g_rand_int_range (r, 0, G_N_ELEMENTS (demo_trainers))],
                                                   demo_trainers[g_rand_int_range (r, 0, G_N_ELEMENTS (demo_trainers))]);
      g_autofree char *point = g_strdup_printf ("%s新时代农民讲习所", t ? t->short_name : "");
      char start[16];

      iso (&c->start, start);
      /* 巧马镇2024级种植3班 */
      name = g_strdup_printf ("%s%d级%s%u班", t ? t->name : "", g_date_get_year (&c->start), c->major, i % 9 + 1);
      bind_row_header (db, stmt, c->id);
      sqlite3_bind_text (stmt, 4, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, c->program, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, c->major, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, c->township, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 8, point, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 9, start, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 10, trainers, -1, SQLITE_STATIC);
      if (!st_db_step_done (db, stmt, _("making the demo data"), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
insert_enrolments (StDb       *db,
                   GPtrArray  *classes,
                   const GDate *today,
                   GError    **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "INSERT INTO enrolments (id, hlc, device, participant_id, class_id, township_code,"
                                      " enrolled_on, study_years, state, state_date, withdraw_reason)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                      error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < classes->len; i++)
    {
      DemoClass *c = g_ptr_array_index (classes, i);
      char start[16], left[16];

      iso (&c->start, start);
      for (guint j = 0; j < c->members->len; j++)
        {
          DemoEnrolment *e = g_ptr_array_index (c->members, j);
          gboolean withdrawn = g_date_valid (&e->withdrawn) && g_date_compare (&e->withdrawn, today) <= 0;

          bind_row_header (db, stmt, e->id);
          sqlite3_bind_text (stmt, 4, e->participant, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 5, c->id, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 6, c->township, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 7, start, -1, SQLITE_STATIC);
          sqlite3_bind_int (stmt, 8, e->years);
          sqlite3_bind_text (stmt, 9, withdrawn ? "withdrawn" : "studying", -1, SQLITE_STATIC);
          if (withdrawn)
            {
              iso (&e->withdrawn, left);
              sqlite3_bind_text (stmt, 10, left, -1, SQLITE_STATIC);
              sqlite3_bind_text (stmt, 11, "外出务工", -1, SQLITE_STATIC);
            }
          else
            {
              sqlite3_bind_null (stmt, 10);
              sqlite3_bind_null (stmt, 11);
            }
          if (!st_db_step_done (db, stmt, _("making the demo data"), error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
in_study_on (const DemoEnrolment *e,
             const GDate         *d)
{
  return !g_date_valid (&e->withdrawn) || g_date_compare (d, &e->withdrawn) <= 0;
}

/* Monthly 8-hour sessions from the start to the end of the study length or
 * today, and their attendance: the diligent come nearly always. */
static gboolean
insert_sessions_and_attendance (StDb        *db,
                                GPtrArray   *classes,
                                const GDate *today,
                                GRand       *r,
                                gboolean     capture,
                                guint        per_month,
                                GError     **error)
{
  sqlite3_stmt *session_stmt, *attendance_stmt;
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_free);   /* "id\tclass index\tdate" */

  if (capture && !st_db_bulk_begin (db, "sessions", error))
    return FALSE;
  session_stmt = st_db_prepare (db,
                                "INSERT INTO sessions (id, hlc, device, class_id, township_code, date, minutes, mode,"
                                " subject, trainer, place) VALUES (?, ?, ?, ?, ?, ?, 480, ?, ?, ?, ?)",
                                error);
  if (session_stmt == NULL)
    return FALSE;
  for (guint i = 0; i < classes->len; i++)
    {
      DemoClass *c = g_ptr_array_index (classes, i);
      GDate d = c->start, end;
      guint n = 0;

      /* The class meets until its longest study length is over. */
      g_date_clear (&end, 1);
      for (guint j = 0; j < c->members->len; j++)
        {
          DemoEnrolment *e = g_ptr_array_index (c->members, j);

          if (!g_date_valid (&end) || g_date_compare (&e->end, &end) > 0)
            end = e->end;
        }

      g_date_add_days (&d, g_rand_int_range (r, 3, 20));
      while (g_date_valid (&end) && g_date_compare (&d, today) <= 0 && g_date_compare (&d, &end) < 0)
        {
          g_autofree char *id = st_uuid_new ();
          char date[16];
          const char *mode = n % 6 == 5 ? "practical" : n % 6 == 4 ? "online" : "concentrated";

          iso (&d, date);
          bind_row_header (db, session_stmt, id);
          sqlite3_bind_text (session_stmt, 4, c->id, -1, SQLITE_STATIC);
          sqlite3_bind_text (session_stmt, 5, c->township, -1, SQLITE_STATIC);
          sqlite3_bind_text (session_stmt, 6, date, -1, SQLITE_STATIC);
          sqlite3_bind_text (session_stmt, 7, mode, -1, SQLITE_STATIC);
          sqlite3_bind_text (session_stmt, 8, demo_subjects[n % G_N_ELEMENTS (demo_subjects)], -1, SQLITE_STATIC);
          sqlite3_bind_text (session_stmt, 9, demo_trainers[g_rand_int_range (r, 0, G_N_ELEMENTS (demo_trainers))], -1, SQLITE_STATIC);
          sqlite3_bind_text (session_stmt, 10, "村委会会议室", -1, SQLITE_STATIC);
          if (!st_db_step_done (db, session_stmt, _("making the demo data"), error))
            return FALSE;
          g_ptr_array_add (sessions, g_strdup_printf ("%s\t%u\t%s", id, i, date));
          if (per_month > 1 && n % per_month != per_month - 1)
            g_date_add_days (&d, 28 / per_month);
          else
            {
              g_date_add_months (&d, 1);
              g_date_subtract_days (&d, (per_month - 1) * (28 / per_month));
            }
          n++;
        }
    }
  if (capture && (!st_db_bulk_end (db, error) || !st_db_bulk_begin (db, "attendance", error)))
    return FALSE;

  attendance_stmt = st_db_prepare (db,
                                   "INSERT INTO attendance (id, hlc, device, session_id, participant_id, township_code,"
                                   " status, minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                   error);
  if (attendance_stmt == NULL)
    return FALSE;
  for (guint s = 0; s < sessions->len; s++)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (sessions, s), "\t", 3);
      DemoClass *c = g_ptr_array_index (classes, (guint) g_ascii_strtoull (parts[1], NULL, 10));
      GDate d;

      g_date_clear (&d, 1);
      g_date_set_parse (&d, parts[2]);
      for (guint j = 0; j < c->members->len; j++)
        {
          DemoEnrolment *e = g_ptr_array_index (c->members, j);
          g_autofree char *id = NULL;
          double roll = g_rand_double (r);
          const char *status = roll < e->diligence ? "present" : roll < (1 + e->diligence) / 2 ? "leave" : "absent";
          int minutes = g_str_equal (status, "present") ? (g_rand_int_range (r, 0, 20) == 0 ? 240 : 480) : 0;

          if (!in_study_on (e, &d) || g_date_compare (&d, &e->end) >= 0)
            continue;
          id = st_uuid_v5_pair (ST_UUID_NS_ATTENDANCE, parts[0], e->participant);
          bind_row_header (db, attendance_stmt, id);
          sqlite3_bind_text (attendance_stmt, 4, parts[0], -1, SQLITE_STATIC);
          sqlite3_bind_text (attendance_stmt, 5, e->participant, -1, SQLITE_STATIC);
          sqlite3_bind_text (attendance_stmt, 6, c->township, -1, SQLITE_STATIC);
          sqlite3_bind_text (attendance_stmt, 7, status, -1, SQLITE_STATIC);
          sqlite3_bind_int (attendance_stmt, 8, minutes);
          if (!st_db_step_done (db, attendance_stmt, _("making the demo data"), error))
            return FALSE;
        }
    }
  return !capture || st_db_bulk_end (db, error);
}

/* Monthly self-study and online hours, assignments, assessments near the
 * end, internships, a few exemptions. */
static gboolean
insert_study (StDb        *db,
              GPtrArray   *classes,
              const GDate *today,
              GRand       *r,
              gboolean     capture,
              GError     **error)
{
  sqlite3_stmt *log_stmt, *assignment_stmt, *assessment_stmt, *exemption_stmt, *internship_stmt;
  static const char *const kinds[] = { "culture", "skill", "moral" };

  if (capture && !st_db_bulk_begin (db, "study_logs", error))
    return FALSE;
  log_stmt = st_db_prepare (db,
                            "INSERT INTO study_logs (id, hlc, device, participant_id, enrolment_id, township_code,"
                            " date, minutes, kind, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (log_stmt == NULL)
    return FALSE;
  for (guint i = 0; i < classes->len; i++)
    {
      DemoClass *c = g_ptr_array_index (classes, i);

      for (guint j = 0; j < c->members->len; j++)
        {
          DemoEnrolment *e = g_ptr_array_index (c->members, j);
          GDate d = c->start;

          g_date_add_days (&d, 25);
          while (g_date_compare (&d, today) <= 0 && g_date_compare (&d, &e->end) < 0 && in_study_on (e, &d))
            {
              for (int k = 0; k < 2; k++)
                {
                  g_autofree char *id = st_uuid_new ();
                  char date[16];
                  /* About 11 h self-study and 3 h online a month for the
                   * diligent: enough for 360 h in 2–3 years. */
                  int minutes = (int) ((k == 0 ? 660 : 180) * e->diligence * (0.8 + 0.4 * g_rand_double (r)));

                  iso (&d, date);
                  bind_row_header (db, log_stmt, id);
                  sqlite3_bind_text (log_stmt, 4, e->participant, -1, SQLITE_STATIC);
                  sqlite3_bind_text (log_stmt, 5, e->id, -1, SQLITE_STATIC);
                  sqlite3_bind_text (log_stmt, 6, c->township, -1, SQLITE_STATIC);
                  sqlite3_bind_text (log_stmt, 7, date, -1, SQLITE_STATIC);
                  sqlite3_bind_int (log_stmt, 8, MAX (minutes, 30));
                  sqlite3_bind_text (log_stmt, 9, k == 0 ? "self" : "online", -1, SQLITE_STATIC);
                  sqlite3_bind_text (log_stmt, 10, k == 0 ? "自学" : "一乐之学习网", -1, SQLITE_STATIC);
                  if (!st_db_step_done (db, log_stmt, _("making the demo data"), error))
                    return FALSE;
                  g_date_add_days (&d, 1);
                }
              g_date_subtract_days (&d, 2);
              g_date_add_months (&d, 1);
            }
        }
    }
  if (capture && !st_db_bulk_end (db, error))
    return FALSE;

  assignment_stmt = st_db_prepare (db,
                                   "INSERT INTO assignments (id, hlc, device, enrolment_id, township_code, title, done, done_on)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  assessment_stmt = st_db_prepare (db,
                                   "INSERT INTO assessments (id, hlc, device, enrolment_id, township_code, kind, result, date, assessor)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  exemption_stmt = st_db_prepare (db,
                                  "INSERT INTO exemptions (id, hlc, device, enrolment_id, township_code, kind, target, basis, credits, date)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  internship_stmt = st_db_prepare (db,
                                   "UPDATE enrolments SET hlc = ?, internship_done_on = ? WHERE id = ?", error);
  if (assignment_stmt == NULL || assessment_stmt == NULL || exemption_stmt == NULL || internship_stmt == NULL)
    return FALSE;

  for (guint i = 0; i < classes->len; i++)
    {
      DemoClass *c = g_ptr_array_index (classes, i);
      gboolean diploma = g_str_equal (c->program, "secondary-vocational");

      for (guint j = 0; diploma && j < c->members->len; j++)
        {
          DemoEnrolment *e = g_ptr_array_index (c->members, j);
          g_autofree char *assignment = st_uuid_new ();
          GDate done = c->start, exam = e->end, intern = c->start;
          char date[16];
          gboolean did = e->diligence > 0.65 && g_date_compare (&done, today) <= 0;

          /* The practical assignment, half-way through. */
          g_date_add_days (&done, (g_date_days_between (&c->start, &e->end)) / 2);
          did = did && g_date_compare (&done, today) <= 0 && in_study_on (e, &done);
          iso (&done, date);
          bind_row_header (db, assignment_stmt, assignment);
          sqlite3_bind_text (assignment_stmt, 4, e->id, -1, SQLITE_STATIC);
          sqlite3_bind_text (assignment_stmt, 5, c->township, -1, SQLITE_STATIC);
          sqlite3_bind_text (assignment_stmt, 6, c->major, -1, SQLITE_STATIC);
          sqlite3_bind_int (assignment_stmt, 7, did);
          if (did)
            sqlite3_bind_text (assignment_stmt, 8, date, -1, SQLITE_STATIC);
          else
            sqlite3_bind_null (assignment_stmt, 8);
          if (!st_db_step_done (db, assignment_stmt, _("making the demo data"), error))
            return FALSE;

          /* Assessments a month before the end, for those who did it. */
          g_date_subtract_months (&exam, 1);
          for (guint k = 0; did && k < G_N_ELEMENTS (kinds) && g_date_compare (&exam, today) <= 0 && in_study_on (e, &exam); k++)
            {
              g_autofree char *id = st_uuid_new ();

              iso (&exam, date);
              bind_row_header (db, assessment_stmt, id);
              sqlite3_bind_text (assessment_stmt, 4, e->id, -1, SQLITE_STATIC);
              sqlite3_bind_text (assessment_stmt, 5, c->township, -1, SQLITE_STATIC);
              sqlite3_bind_text (assessment_stmt, 6, kinds[k], -1, SQLITE_STATIC);
              sqlite3_bind_text (assessment_stmt, 7, g_rand_int_range (r, 0, 100) < 92 ? "pass" : "fail", -1, SQLITE_STATIC);
              sqlite3_bind_text (assessment_stmt, 8, date, -1, SQLITE_STATIC);
              sqlite3_bind_text (assessment_stmt, 9, k == 0 ? "县教育局" : "县中职学校", -1, SQLITE_STATIC);
              if (!st_db_step_done (db, assessment_stmt, _("making the demo data"), error))
                return FALSE;
            }

          /* Internship, or a waiver for two years of related work. */
          g_date_add_days (&intern, (g_date_days_between (&c->start, &e->end)) * 2 / 3);
          if (g_date_compare (&intern, today) <= 0 && in_study_on (e, &intern))
            {
              iso (&intern, date);
              if (g_rand_int_range (r, 0, 10) == 0)
                {
                  g_autofree char *id = st_uuid_new ();

                  bind_row_header (db, exemption_stmt, id);
                  sqlite3_bind_text (exemption_stmt, 4, e->id, -1, SQLITE_STATIC);
                  sqlite3_bind_text (exemption_stmt, 5, c->township, -1, SQLITE_STATIC);
                  sqlite3_bind_text (exemption_stmt, 6, "internship_waiver", -1, SQLITE_STATIC);
                  sqlite3_bind_null (exemption_stmt, 7);
                  sqlite3_bind_text (exemption_stmt, 8, "在合作社从事种养殖工作三年（村委会证明）", -1, SQLITE_STATIC);
                  sqlite3_bind_int (exemption_stmt, 9, 3);
                  sqlite3_bind_text (exemption_stmt, 10, date, -1, SQLITE_STATIC);
                  if (!st_db_step_done (db, exemption_stmt, _("making the demo data"), error))
                    return FALSE;
                }
              else if (e->diligence > 0.6)
                {
                  sqlite3_bind_int64 (internship_stmt, 1, (sqlite3_int64) st_db_next_hlc (db));
                  sqlite3_bind_text (internship_stmt, 2, date, -1, SQLITE_STATIC);
                  sqlite3_bind_text (internship_stmt, 3, e->id, -1, SQLITE_STATIC);
                  if (!st_db_step_done (db, internship_stmt, _("making the demo data"), error))
                    return FALSE;
                }
            }
        }
    }
  return TRUE;
}

gboolean
st_demo_populate_training (StDb                        *db,
                           guint32                      seed,
                           const StDemoTrainingOptions *options,
                           GError                     **error)
{
  static const StDemoTrainingOptions defaults = { NULL, FALSE, TRUE, 0, FALSE, 1 };
  g_autoptr(GRand) r = g_rand_new_with_seed (seed ^ 0x5eed);
  g_autoptr(GPtrArray) classes = g_ptr_array_new_with_free_func ((GDestroyNotify) demo_class_free);
  g_autoptr(GHashTable) by_township = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             (GDestroyNotify) g_ptr_array_unref);
  GHashTableIter iter;
  gpointer key, value;
  sqlite3_stmt *stmt;
  GDate today;
  gboolean ok;
  guint size;
  int rc;

  if (options == NULL)
    options = &defaults;
  size = options->class_size ? options->class_size : 40;
  g_date_clear (&today, 1);
  if (options->today)
    today = *options->today;
  else
    g_date_set_time_t (&today, time (NULL));

  /* Who is not in a class yet, by township. */
  stmt = st_db_prepare (db, "SELECT id, township_code, coalesce (education, 'unknown') FROM participants p"
                            " WHERE deleted = 0 AND merged_into IS NULL"
                            " AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.participant_id = p.id)"
                            " ORDER BY township_code, rowid", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *township = (const char *) sqlite3_column_text (stmt, 1);
      GPtrArray *list = g_hash_table_lookup (by_township, township);

      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (by_township, g_strdup (township), list);
        }
      g_ptr_array_add (list, g_strdup_printf ("%s\t%s", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 2)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("making the demo data"), error);

  /* Classes of about @size, starting between March 2022 and last month. */
  g_hash_table_iter_init (&iter, by_township);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *people = value;
      DemoClass *c = NULL;

      for (guint i = 0; i < people->len; i++)
        {
          g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (people, i), "\t", 2);
          DemoEnrolment *e;
          gboolean senior = g_str_equal (parts[1], "senior");
          guint months;

          if (!options->enrol_all && g_rand_int_range (r, 0, 4) == 0)
            continue;   /* a quarter not in any class yet */
          if (c == NULL || c->members->len >= size)
            {
              GDate latest = today;

              c = g_new0 (DemoClass, 1);
              c->id = st_uuid_new ();
              c->township = g_strdup (key);
              c->program = g_strdup (g_rand_int_range (r, 0, 10) == 0 ? "short-training" : "secondary-vocational");
              c->major = g_strdup (demo_majors[g_rand_int_range (r, 0, G_N_ELEMENTS (demo_majors))]);
              c->members = g_ptr_array_new_with_free_func ((GDestroyNotify) demo_enrolment_free);
              g_date_clear (&c->start, 1);
              g_date_set_dmy (&c->start, 1, G_DATE_MARCH, 2022);
              g_date_subtract_months (&latest, 1);
              months = (guint) MAX (1, (g_date_get_year (&latest) - 2022) * 12 + g_date_get_month (&latest) - 3);
              g_date_add_months (&c->start, g_rand_int_range (r, 0, months));
              g_ptr_array_add (classes, c);
            }
          e = g_new0 (DemoEnrolment, 1);
          e->participant = g_strdup (parts[0]);
          e->id = st_uuid_v5_pair (ST_UUID_NS_ENROLMENT, e->participant, c->id);
          e->years = g_str_equal (c->program, "short-training") ? 1 : senior ? 1 : 3;
          e->end = c->start;
          g_date_add_years (&e->end, e->years);
          e->diligence = 0.55 + 0.45 * g_rand_double (r);
          g_date_clear (&e->withdrawn, 1);
          if (g_rand_int_range (r, 0, 25) == 0)
            {
              e->withdrawn = c->start;
              g_date_add_days (&e->withdrawn, g_rand_int_range (r, 30, 300));
            }
          g_ptr_array_add (c->members, e);
        }
    }

  if (!st_db_begin (db, error))
    return FALSE;
  st_db_set_applying_remote (db, !options->capture);
  ok = insert_classes (db, classes, r, error);
  if (ok && options->capture)
    ok = st_db_bulk_begin (db, "enrolments", error);
  ok = ok && insert_enrolments (db, classes, &today, error);
  if (ok && options->capture)
    ok = st_db_bulk_end (db, error);
  ok = ok && insert_sessions_and_attendance (db, classes, &today, r, options->capture,
                                             MAX (options->meetings_per_month, 1), error);
  ok = ok && insert_study (db, classes, &today, r, options->capture, error);
  st_db_set_applying_remote (db, FALSE);
  if (!ok)
    {
      st_db_rollback (db);
      return FALSE;
    }
  if (!st_db_commit (db, error))
    return FALSE;

  /* The county has approved about half the townships' eligible people. */
  if (options->approve)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) all = NULL;
      StEligibilityQuery q = { &today, NULL, NULL, NULL };
      g_autoptr(GPtrArray) issued = NULL;

      all = st_eligibility_evaluate (db, &q, error);
      if (all == NULL)
        return FALSE;
      for (guint i = 0; i < all->len; i++)
        {
          StEligibility *e = g_ptr_array_index (all, i);

          if ((e->outcome == ST_OUTCOME_ELIGIBLE || e->outcome == ST_OUTCOME_COMPLETION)
              && g_str_hash (e->township_code) % 2 == 0)
            g_ptr_array_add (ids, g_strdup (e->enrolment_id));
        }
      g_ptr_array_add (ids, NULL);
      if (ids->len > 1)
        {
          issued = st_certificates_approve (db, (const char *const *) ids->pdata, &today, error);
          if (issued == NULL)
            return FALSE;
        }
    }
  return TRUE;
}
