/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include "st-app-demo.h"
#include "st-demo.h"
#include "st-divisions.h"
#include "st-participant.h"
#include "st-records.h"

#define DEMO_PARTICIPANTS 2000
#define DEMO_SEED 20231

char *
st_app_demo_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "shuangti", "demo.db", NULL);
}

/* Classes in three townships, so that the Class and State columns and
 * their filter show something: the younger people without schooling of a
 * township enrolled, a few of them withdrawn or completed. */
static void
add_classes (StDb *db)
{
  static const struct { const char *township; const char *name; const char *major; const char *start; } classes[] = {
    { "者楼街道", "者楼街道 2023 级种植班", "种植", "2023-03-01" },
    { "巧马镇", "巧马镇 2023 级养殖班", "养殖", "2023-04-01" },
    { "秧坝镇", "秧坝镇 2024 级刺绣班", "刺绣", "2024-03-01" },
  };
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();

  for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
    {
      g_autoptr(StClass) klass = st_class_new ();
      g_autoptr(GPtrArray) people = NULL;
      g_autoptr(GError) error = NULL;
      const StDivision *township;
      guint enrolled = 0;

      township = st_divisions_find_township (divisions, classes[c].township);
      if (township == NULL)
        continue;
      klass->name = g_strdup (classes[c].name);
      klass->program_code = g_strdup ("secondary-vocational");
      klass->major = g_strdup (classes[c].major);
      klass->township_code = g_strdup (township->code);
      klass->start_date = g_strdup (classes[c].start);
      if (!st_class_create (db, klass, &error))
        {
          g_debug ("demo: no class %s: %s", classes[c].name, error->message);
          continue;
        }
      people = st_participant_list (db, township->code, &error);
      for (guint i = 0; people && i < people->len && enrolled < 45; i++)
        {
          StParticipant *p = g_ptr_array_index (people, i);
          g_autofree char *enrolment = NULL;

          if (g_strcmp0 (p->education, "senior") == 0 || g_strcmp0 (p->birth_date, "1970-01-01") < 0)
            continue;
          enrolment = st_enrol (db, p->id, klass->id, NULL, 0, &error);
          if (enrolment == NULL)
            {
              g_debug ("demo: %s not enrolled: %s", p->name, error->message);
              g_clear_error (&error);
              continue;
            }
          if (enrolled % 15 == 7 && !st_withdraw (db, enrolment, "2024-06-30", "外出务工", &error))
            {
              g_debug ("demo: no withdrawal: %s", error->message);
              g_clear_error (&error);
            }
          enrolled++;
        }
    }
}

gboolean
st_app_demo_prepare (StDb    *db,
                     GError **error)
{
  if (st_db_count_live (db, "participants") > 0)
    return TRUE;
  if (!st_demo_populate (db, DEMO_PARTICIPANTS, DEMO_SEED, error))
    return FALSE;
  add_classes (db);
  /* The outreach before the classes: the Overview's and the Participants
   * page's outreach have something to show. */
  return st_demo_populate_visits (db, DEMO_SEED, NULL, TRUE, error);
}
