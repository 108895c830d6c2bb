/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli commands for the county's catalogue: programs and majors. */
#define G_LOG_DOMAIN "st-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "st-cli-private.h"
#include "st-schedule.h"

/* program list | show CODE | add FILE */
/* A program's fields as read (hours, not the minutes kept inside). */
static void
program_to_json (JsonBuilder *b,
                 gpointer     item)
{
  const StProgram *p = item;
  static const char *const education[ST_N_EDUCATION] = { "none", "primary", "junior", "senior", "unknown" };

  json_builder_begin_object (b);
  st_json_add_string (b, "code", p->code);
  st_json_add_string (b, "name", p->name);
  st_json_add_string (b, "name_en", p->name_en);
  st_json_add_string (b, "kind", p->kind == ST_PROGRAM_DIPLOMA ? "diploma" : "training");
  json_builder_set_member_name (b, "study_years");
  json_builder_begin_object (b);
  for (guint i = 0; i < ST_N_EDUCATION; i++)
    st_json_add_int (b, education[i], p->study_years[i]);
  json_builder_end_object (b);
  st_json_add_int (b, "study_days", p->study_days);
  st_json_add_int (b, "max_extension_years", p->max_extension_years);
  if (p->kind == ST_PROGRAM_TRAINING)
    st_json_add_int (b, "attended_min_hours", p->attended_min_minutes / 60);
  else
    {
      st_json_add_int (b, "concentrated_hours_per_year", p->concentrated_minutes_per_year / 60);
      st_json_add_int (b, "self_and_online_min_hours", p->self_and_online_min_minutes / 60);
      st_json_add_string (b, "graduate_education_level", p->graduate_education_level);
    }
  json_builder_set_member_name (b, "certificate_names");
  json_builder_begin_object (b);
  st_json_add_string (b, "graduation", p->certificate_names[0]);
  st_json_add_string (b, "completion", p->certificate_names[1]);
  st_json_add_string (b, "study_record", p->certificate_names[2]);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
program_print (gpointer item,
               gpointer data)
{
  const StProgram *p = item;
  g_autofree char *length = st_program_describe_length (p, p->study_years[ST_EDUCATION_NONE]);

  g_print ("%s\t%s\t%s\t%s\n", p->code, p->name, p->kind == ST_PROGRAM_DIPLOMA ? _("diploma") : _("training"), length);
}

/* @p as JSON with --json, else @text and a newline. */
static void
program_print_one (Globals         *g,
                   const StProgram *p,
                   const char      *text)
{
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      program_to_json (b, (gpointer) p);
      st_cli_print_builder (b);
    }
  else
    g_print ("%s\n", text);
}

int
st_cli_program (Globals *g, int argc, char **argv)
{
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;

  if (!st_cli_parse_options ("program", N_("list | show CODE | add FILE"),
                             N_("The programs and their rules (JSON, see docs/programs.md)."), NULL, &argc, &argv))
    return 2;
  if (argc < 2 || (!g_str_equal (argv[1], "list") && argc != 3))
    return st_cli_usage ("program list | program show CODE | program add FILE");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;

  if (g_str_equal (argv[1], "list"))
    {
      g_autoptr(GPtrArray) list = st_program_list (db, &error);

      if (list == NULL)
        return st_cli_fail (g_steal_pointer (&error));
      st_cli_print_list (g, list, program_to_json, program_print, NULL);
      return 0;
    }
  if (g_str_equal (argv[1], "show"))
    {
      g_autoptr(StProgram) p = st_program_load (db, argv[2], &error);

      if (p == NULL)
        return st_cli_fail (g_steal_pointer (&error));
      /* The rules file is JSON already; --json gives the fields as read. */
      program_print_one (g, p, p->json);
      return 0;
    }
  if (g_str_equal (argv[1], "add"))
    {
      g_autoptr(StProgram) p = st_program_new_from_file (argv[2], &error);

      g_autofree char *saved = NULL;

      if (p == NULL || !st_program_save (db, p, &error))
        return st_cli_fail (g_steal_pointer (&error));
      saved = g_strdup_printf (_("Program %s (%s) saved.\n"), p->code, p->name);
      g_strchomp (saved);
      program_print_one (g, p, saved);
      return 0;
    }
  return st_cli_usage ("program list | program show CODE | program add FILE");
}

static void
major_to_json (JsonBuilder *b,
               gpointer     item)
{
  json_builder_add_string_value (b, item);
}

static void
major_print (gpointer item,
             gpointer data)
{
  g_print ("%s\n", (char *) item);
}

/* major list | add NAME | remove NAME */
int
st_cli_major (Globals *g, int argc, char **argv)
{
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;

  if (!st_cli_parse_options ("major", N_("list | add NAME | remove NAME"),
                             N_("The list of majors (annex 6 §(四)), editable."), NULL, &argc, &argv))
    return 2;
  if (argc < 2 || (!g_str_equal (argv[1], "list") && argc != 3))
    return st_cli_usage ("major list | major add NAME | major remove NAME");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  if (g_str_equal (argv[1], "list"))
    {
      g_autoptr(GPtrArray) list = st_majors_list (db, &error);

      if (list == NULL)
        return st_cli_fail (g_steal_pointer (&error));
      st_cli_print_list (g, list, major_to_json, major_print, NULL);
      return 0;
    }
  if (g_str_equal (argv[1], "add") && !st_major_add (db, argv[2], &error))
    return st_cli_fail (g_steal_pointer (&error));
  if (g_str_equal (argv[1], "remove") && !st_major_remove (db, argv[2], &error))
    return st_cli_fail (g_steal_pointer (&error));
  if (!g_str_equal (argv[1], "add") && !g_str_equal (argv[1], "remove"))
    return st_cli_usage ("major list | major add NAME | major remove NAME");
  return 0;
}
