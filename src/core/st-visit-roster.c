/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-visit"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-limits.h"
#include "st-visit-private.h"
#include "st-visit-roster.h"

/* What rosters write in their columns, compared after trimming blanks. The
 * register's own words (st-visit.c) are among them, so that a roster the app
 * exported comes back the same. */
typedef struct
{
  const char *text;
  const char *code;
} RosterWord;

static const RosterWord work_words[] = {
  { "务农", "farming" }, { "在家务农", "farming" }, { "农业", "farming" }, { "种地", "farming" },
  { "种植", "farming" }, { "养殖", "farming" }, { "种养殖", "farming" },
  { "本地务工", "local" }, { "就近务工", "local" }, { "县内务工", "local" }, { "乡内务工", "local" },
  { "本地打工", "local" }, { "就地务工", "local" }, { "打零工", "local" }, { "零工", "local" },
  { "灵活就业", "local" }, { "公益性岗位", "local" }, { "个体经营", "local" }, { "个体", "local" },
  { "经商", "local" },
  { "外出务工", "away" }, { "外出打工", "away" }, { "外地务工", "away" }, { "县外务工", "away" },
  { "省外务工", "away" }, { "省内务工", "away" }, { "务工", "away" }, { "打工", "away" },
  { "无", "none" }, { "无业", "none" }, { "待业", "none" }, { "失业", "none" }, { "未就业", "none" },
  { "没有", "none" }, { "在家", "none" },
  { "farming", "farming" }, { "local", "local" }, { "away", "away" }, { "none", "none" },
};

static const RosterWord health_words[] = {
  { "健康", "good" }, { "良好", "good" }, { "身体健康", "good" }, { "正常", "good" }, { "好", "good" },
  /* Fair: neither an illness nor a disability. */
  { "一般", "good" }, { "较好", "good" }, { "较差", "illness" },
  { "慢性病", "illness" }, { "患病", "illness" }, { "有病", "illness" }, { "疾病", "illness" },
  { "大病", "illness" }, { "长期慢性病", "illness" }, { "患有慢性病", "illness" }, { "重病", "illness" },
  { "残疾", "disability" }, { "残疾人", "disability" },
  { "good", "good" }, { "illness", "illness" }, { "disability", "disability" },
};

static const RosterWord lives_words[] = {
  { "在家", "home" }, { "在家居住", "home" }, { "在村", "home" }, { "本村", "home" }, { "本地", "home" },
  { "常住", "home" }, { "在本地", "home" }, { "户籍地", "home" },
  { "外出", "away" }, { "在外", "away" }, { "外地", "away" }, { "外出务工", "away" }, { "不在家", "away" },
  { "home", "home" }, { "away", "away" },
};

static const RosterWord reached_words[] = {
  { "是", "1" }, { "已联系", "1" }, { "已联系上", "1" }, { "联系上", "1" }, { "能联系上", "1" },
  { "见到", "1" }, { "已见到", "1" }, { "已见本人", "1" }, { "已走访", "1" }, { "√", "1" }, { "✓", "1" },
  { "yes", "1" }, { "y", "1" }, { "1", "1" },
  { "否", "0" }, { "未联系上", "0" }, { "联系不上", "0" }, { "无法联系", "0" }, { "未联系", "0" },
  { "失联", "0" }, { "未见到", "0" }, { "×", "0" }, { "no", "0" }, { "n", "0" }, { "0", "0" },
};

/* The provinces, their full names first: a place is "province + the rest". */
static const struct
{
  const char *short_name;
  const char *name;
} provinces[] = {
  { "北京", "北京市" }, { "天津", "天津市" }, { "河北", "河北省" }, { "山西", "山西省" },
  { "内蒙古", "内蒙古自治区" }, { "辽宁", "辽宁省" }, { "吉林", "吉林省" }, { "黑龙江", "黑龙江省" },
  { "上海", "上海市" }, { "江苏", "江苏省" }, { "浙江", "浙江省" }, { "安徽", "安徽省" },
  { "福建", "福建省" }, { "江西", "江西省" }, { "山东", "山东省" }, { "河南", "河南省" },
  { "湖北", "湖北省" }, { "湖南", "湖南省" }, { "广东", "广东省" }, { "广西", "广西壮族自治区" },
  { "海南", "海南省" }, { "重庆", "重庆市" }, { "四川", "四川省" }, { "贵州", "贵州省" },
  { "云南", "云南省" }, { "西藏", "西藏自治区" }, { "陕西", "陕西省" }, { "甘肃", "甘肃省" },
  { "青海", "青海省" }, { "宁夏", "宁夏回族自治区" }, { "新疆", "新疆维吾尔自治区" },
  { "台湾", "台湾省" }, { "香港", "香港特别行政区" }, { "澳门", "澳门特别行政区" },
};

/* Nothing but blanks (ASCII or full-width). */
static gboolean
blank (const char *text)
{
  for (const char *p = text; p != NULL && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c) && c != 0x3000)
        return FALSE;
    }
  return TRUE;
}

/* Without blanks (ASCII, full-width) and with ASCII lower case. */
static char *
squeeze (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == 0x3000)
        continue;
      g_string_append_unichar (out, c < 0x80 ? g_ascii_tolower ((char) c) : c);
    }
  return g_string_free (out, FALSE);
}

static const char *
lookup (const RosterWord *words,
        guint             n,
        const char       *text)
{
  for (guint i = 0; i < n; i++)
    if (g_str_equal (words[i].text, text))
      return words[i].code;
  return NULL;
}

#define LOOKUP(words, text) lookup ((words), G_N_ELEMENTS (words), (text))

gboolean
st_visit_split_place (const char  *text,
                      char       **province,
                      char       **city)
{
  g_autofree char *place = squeeze (text ? text : "");

  *province = NULL;
  *city = NULL;
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < G_N_ELEMENTS (provinces); i++)
      {
        const char *name = pass == 0 ? provinces[i].name : provinces[i].short_name;
        const char *rest;

        if (!g_str_has_prefix (place, name))
          continue;
        rest = place + strlen (name);
        while (*rest == '/' || *rest == '-' || *rest == ',')
          rest++;
        *province = g_strdup (provinces[i].name);
        *city = *rest ? g_strdup (rest) : NULL;
        return TRUE;
      }
  return FALSE;
}

/* "外出务工（浙江省宁波市）", as the register writes it: the word and the
 * place in brackets. */
static char *
split_brackets (const char  *text,
                char       **place)
{
  const char *open = strstr (text, "（");
  gsize open_len = 3;

  if (open == NULL)
    {
      open = strchr (text, '(');
      open_len = 1;
    }
  *place = NULL;
  if (open == NULL || open == text)
    return g_strdup (text);
  {
    g_autofree char *inside = g_strdup (open + open_len);
    char *close = strstr (inside, "）");

    if (close == NULL)
      close = strchr (inside, ')');
    if (close == NULL || close[g_str_has_prefix (close, "）") ? 3 : 1] != '\0')
      return g_strdup (text);
    *close = '\0';
    *place = g_steal_pointer (&inside);
  }
  return g_strndup (text, open - text);
}

typedef struct
{
  StVisit   *visit;
  GString   *note;       /* the cells not understood, as written */
  GPtrArray *problems;
} Build;

/* Keeps @text in the note under the roster's name for its column. */
static void
keep (Build      *b,
      const char *column,
      const char *text)
{
  if (b->note->len > 0)
    g_string_append (b->note, "；");
  g_string_append_printf (b->note, "%s：%s", column, text);
}

G_GNUC_PRINTF (2, 3)
static void
problem (Build      *b,
         const char *format,
         ...)
{
  va_list args;

  va_start (args, format);
  if (b->problems != NULL)
    g_ptr_array_add (b->problems, g_strdup_vprintf (format, args));
  va_end (args);
}

/* Sets the place away, or keeps it in the note when a field cannot take
 * it. */
static void
set_place (Build      *b,
           const char *column,
           const char *text)
{
  g_autofree char *province = NULL;
  g_autofree char *city = NULL;
  g_autofree char *too_long_province = NULL;
  g_autofree char *too_long_city = NULL;

  if (!st_visit_split_place (text, &province, &city))
    /* A place without a province: all of it is the city's. */
    city = squeeze (text);
  too_long_province = st_field_limit_problem ("visits", "away_province", "", province);
  too_long_city = st_field_limit_problem ("visits", "away_city", "", city);

  if (too_long_province != NULL || too_long_city != NULL)
    {
      keep (b, column, text);
      problem (b, _("The place “%s” is too long for a visit’s province and city; it was kept in the note of the visit from the roster."),
               text);
      return;
    }
  g_free (b->visit->away_province);
  g_free (b->visit->away_city);
  b->visit->away_province = g_steal_pointer (&province);
  b->visit->away_city = g_steal_pointer (&city);
}

static void
read_lives (Build      *b,
            const char *text)
{
  g_autofree char *word = squeeze (text);
  const char *code = LOOKUP (lives_words, word);
  g_autofree char *province = NULL;
  g_autofree char *city = NULL;

  if (code != NULL)
    b->visit->lives = g_strdup (code);
  else if (st_visit_split_place (text, &province, &city))
    {
      b->visit->lives = g_strdup ("away");
      set_place (b, "现居住地", text);
    }
  else
    {
      keep (b, "现居住地", text);
      problem (b, _("Where they live, “%s”, is neither 在家 (at home), 外出 (away) nor a place starting with its province; the visit from the roster leaves it unanswered and keeps the text in its note."),
               text);
    }
}

static void
read_away_place (Build      *b,
                 const char *text)
{
  g_autofree char *word = squeeze (text);

  /* 无 / 在家: nowhere away. */
  if (LOOKUP (work_words, word) != NULL && g_strcmp0 (LOOKUP (work_words, word), "none") == 0)
    return;
  if (g_strcmp0 (b->visit->lives, "home") == 0)
    {
      keep (b, "外出务工地点", text);
      problem (b, _("The roster says they live at home, yet gives a place away, “%s”; the place was kept in the note of the visit from the roster."),
               text);
      return;
    }
  g_free (b->visit->lives);
  b->visit->lives = g_strdup ("away");
  /* A place already read from where they live is more exact. */
  if (b->visit->away_province == NULL && b->visit->away_city == NULL)
    set_place (b, "外出务工地点", text);
  if (b->visit->work == NULL)
    b->visit->work = g_strdup ("away");
}

static void
read_employment (Build      *b,
                 const char *text)
{
  g_autofree char *place = NULL;
  g_autofree char *head = split_brackets (text, &place);
  g_autofree char *word = squeeze (head);
  const char *code = LOOKUP (work_words, word);

  if (code == NULL)
    {
      keep (b, "务工情况", text);
      problem (b, _("The employment “%s” is not one of 务农 (farming), 本地务工 (local work), 外出务工 (working away), 无 (no work); it was kept as written in the record, and the visit from the roster leaves the work unanswered."),
               text);
      return;
    }
  b->visit->work = g_strdup (code);
  if (place != NULL && g_str_equal (code, "away") && g_strcmp0 (b->visit->lives, "home") != 0)
    {
      g_free (b->visit->lives);
      b->visit->lives = g_strdup ("away");
      set_place (b, "务工情况", place);
    }
}

static void
read_health (Build      *b,
             const char *text)
{
  g_autofree char *word = squeeze (text);
  const char *code = LOOKUP (health_words, word);

  /* 肢体残疾, 视力残疾, 二级残疾 …: every kind is a disability. */
  if (code == NULL && strstr (word, "残疾") != NULL)
    code = "disability";
  if (code == NULL)
    {
      keep (b, "身体健康情况", text);
      problem (b, _("The health “%s” is not one of 健康 (good), 慢性病 (chronic illness), 残疾 (disability); it was kept as written in the record, and the visit from the roster leaves the health unanswered."),
               text);
      return;
    }
  b->visit->health = g_strdup (code);
}

static void
read_reached (Build      *b,
              const char *text)
{
  g_autofree char *word = squeeze (text);
  const char *code = LOOKUP (reached_words, word);

  if (code == NULL)
    {
      keep (b, "是否联系上", text);
      problem (b, _("Reached or not, “%s”, is neither 是 (yes) nor 否 (no); the visit from the roster counts as not reached and keeps the text in its note."),
               text);
      return;
    }
  b->visit->reached = g_str_equal (code, "1");
}

StVisit *
st_visit_from_roster (const StVisitRosterCells *cells,
                      const char               *date,
                      const char               *source,
                      GPtrArray                *problems)
{
  g_autoptr(StVisit) v = NULL;
  g_autoptr(GString) note = NULL;
  Build b;

  if (blank (cells->employment) && blank (cells->health) && blank (cells->lives)
      && blank (cells->away_place) && blank (cells->reached))
    return NULL;

  v = st_visit_new ();
  note = g_string_new (NULL);
  v->date = g_strdup (date);
  v->how = g_strdup ("roster");
  /* The file's name, cut to what the field takes. */
  v->visitor = g_utf8_substring (source, 0, MIN (g_utf8_strlen (source, -1), 50));
  b.visit = v;
  b.note = note;
  b.problems = problems;

  /* In this order: where they live says whether a place is away. */
  if (!blank (cells->lives))
    read_lives (&b, cells->lives);
  if (!blank (cells->employment))
    read_employment (&b, cells->employment);
  if (!blank (cells->away_place))
    read_away_place (&b, cells->away_place);
  if (!blank (cells->health))
    read_health (&b, cells->health);
  if (!blank (cells->reached))
    read_reached (&b, cells->reached);
  if (note->len > 0)
    v->note = g_strdup (note->str);
  return g_steal_pointer (&v);
}
