/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli commands for training records, graduation rules,
 * certificates, exports and reports (a county can script a whole quarter). */
#define G_LOG_DOMAIN "st-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "st-certificate.h"
#include "st-cli-private.h"
#include "st-eligibility.h"
#include "st-export.h"
#include "st-idcard.h"
#include "st-participant.h"
#include "st-program.h"
#include "st-records.h"
#include "st-report.h"
#include "st-schedule.h"
#include "st-signin.h"

/* Shared parsing */

static int
fail (GError *error)
{
  st_cli_error (error->message);
  g_error_free (error);
  return 1;
}

static int
usage (const char *text)
{
  /* Translators: "usage: <the command's form>" */
  g_autofree char *msg = g_strdup_printf (_("usage: %s"), text);

  st_cli_error (msg);
  return 2;
}

/* "8", "1.5" hours → minutes. */
static gboolean
parse_hours (const char  *text,
             int         *minutes,
             GError     **error)
{
  char *end = NULL;
  double hours = text ? g_ascii_strtod (text, &end) : NAN;

  if (text == NULL || end == text || *end != '\0' || !isfinite (hours) || hours <= 0 || hours > 24)
    {
      g_set_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID,
                   _("Hours: “%s” is not a number of hours from more than 0 to 24 (e.g. 8 or 1.5)."),
                   text ? text : "");
      return FALSE;
    }
  *minutes = (int) lround (hours * 60);
  return TRUE;
}

static GDate *
parse_date (const char  *text,
            GError     **error)
{
  GDate date;

  if (!st_date_is_valid (text) || !st_date_parse (text, &date))
    {
      g_set_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID,
                   _("“%s” is not a date; write it as 2025-03-01."), text ? text : "");
      return NULL;
    }
  return g_date_copy (&date);
}

/* A participant by ID number or key. */
static char *
resolve_participant (StDb        *db,
                     const char  *text,
                     GError     **error)
{
  g_autoptr(StParticipant) p = NULL;

  if (g_uuid_string_is_valid (text))
    p = st_participant_load (db, text, error);
  else
    {
      p = st_participant_find_by_id_number (db, text, error);
      if (p == NULL && (error == NULL || *error == NULL))
        g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_NOT_FOUND,
                     _("No participant has the ID number %s."), text);
    }
  return p ? g_strdup (p->id) : NULL;
}

/* A class by key or by its exact name. */
static char *
resolve_class (StDb        *db,
               const char  *text,
               GError     **error)
{
  g_autoptr(GPtrArray) classes = NULL;
  char *found = NULL;

  if (text == NULL)
    {
      g_set_error_literal (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID,
                           _("Name the class (--class NAME or its key)."));
      return NULL;
    }
  if (g_uuid_string_is_valid (text))
    {
      g_autoptr(StClass) c = st_class_load (db, text, error);

      return c ? g_strdup (c->id) : NULL;
    }
  classes = st_class_list (db, NULL, error);
  if (classes == NULL)
    return NULL;
  for (guint i = 0; i < classes->len; i++)
    {
      StClass *c = g_ptr_array_index (classes, i);

      if (g_str_equal (c->name, text))
        {
          if (found != NULL)
            {
              g_free (found);
              g_set_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID,
                           _("Several classes are called “%s”: give the key (shuangti-cli class list)."), text);
              return NULL;
            }
          found = g_strdup (c->id);
        }
    }
  if (found == NULL)
    g_set_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_NOT_FOUND,
                 _("There is no class called “%s”."), text);
  return found;
}

/* The enrolment of a participant (ID number) in a class (name or key); with
 * no class, the participant's only enrolment. */
static char *
resolve_enrolment (StDb        *db,
                   const char  *klass,
                   const char  *participant,
                   GError     **error)
{
  g_autofree char *pid = resolve_participant (db, participant, error);
  g_autofree char *cid = NULL;
  g_autoptr(StEnrolment) e = NULL;
  g_autofree char *id = NULL;

  if (pid == NULL)
    return NULL;
  if (klass == NULL)
    {
      g_autoptr(GPtrArray) list = st_enrolment_list (db, NULL, pid, error);

      if (list == NULL)
        return NULL;
      if (list->len != 1)
        {
          g_set_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_NOT_ENROLLED,
                       list->len == 0 ? _("%s is not enrolled in any class.")
                                      : _("%s is enrolled in several classes: name the class with --class."),
                       participant);
          return NULL;
        }
      return g_strdup (((StEnrolment *) g_ptr_array_index (list, 0))->id);
    }
  cid = resolve_class (db, klass, error);
  if (cid == NULL)
    return NULL;
  id = st_enrolment_id (pid, cid);
  e = st_enrolment_load (db, id, NULL);
  if (e == NULL)
    {
      g_set_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_NOT_ENROLLED,
                   _("%s is not enrolled in the class “%s”."), participant, klass);
      return NULL;
    }
  return g_steal_pointer (&id);
}

static const char *
township_code (StDivisions  *divisions,
               const char   *text,
               GError      **error)
{
  const StDivision *t;

  if (text == NULL)
    return NULL;
  t = st_divisions_find_township (divisions, text);
  if (t == NULL)
    g_set_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID,
                 _("“%s” is not a township of this database’s county."), text);
  return t ? t->code : NULL;
}

static char *
today_or (const char *date)
{
  return date ? g_strdup (date) : st_date_today ();
}

/* program list | show CODE | add FILE */
/* A program's fields as read (hours, not the minutes kept inside). */
static void
program_to_json (JsonBuilder     *b,
                 const StProgram *p)
{
  static const char *const education[ST_N_EDUCATION] = { "none", "primary", "junior", "senior", "unknown" };

  json_builder_begin_object (b);
  st_cli_add_string (b, "code", p->code);
  st_cli_add_string (b, "name", p->name);
  st_cli_add_string (b, "name_en", p->name_en);
  st_cli_add_string (b, "kind", p->kind == ST_PROGRAM_DIPLOMA ? "diploma" : "training");
  json_builder_set_member_name (b, "study_years");
  json_builder_begin_object (b);
  for (guint i = 0; i < ST_N_EDUCATION; i++)
    st_cli_add_int (b, education[i], p->study_years[i]);
  json_builder_end_object (b);
  st_cli_add_int (b, "study_days", p->study_days);
  st_cli_add_int (b, "max_extension_years", p->max_extension_years);
  if (p->kind == ST_PROGRAM_TRAINING)
    st_cli_add_int (b, "attended_min_hours", p->attended_min_minutes / 60);
  else
    {
      st_cli_add_int (b, "concentrated_hours_per_year", p->concentrated_minutes_per_year / 60);
      st_cli_add_int (b, "self_and_online_min_hours", p->self_and_online_min_minutes / 60);
      st_cli_add_string (b, "graduate_education_level", p->graduate_education_level);
    }
  json_builder_set_member_name (b, "certificate_names");
  json_builder_begin_object (b);
  st_cli_add_string (b, "graduation", p->certificate_names[0]);
  st_cli_add_string (b, "completion", p->certificate_names[1]);
  st_cli_add_string (b, "study_record", p->certificate_names[2]);
  json_builder_end_object (b);
  json_builder_end_object (b);
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
    return usage ("program list | program show CODE | program add FILE");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;

  if (g_str_equal (argv[1], "list"))
    {
      g_autoptr(GPtrArray) list = st_program_list (db, &error);
      g_autoptr(JsonBuilder) b = json_builder_new ();

      if (list == NULL)
        return fail (g_steal_pointer (&error));
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        {
          StProgram *p = g_ptr_array_index (list, i);
          g_autofree char *length = st_program_describe_length (p, p->study_years[ST_EDUCATION_NONE]);

          if (g->json)
            program_to_json (b, p);
          else
            g_print ("%s\t%s\t%s\t%s\n", p->code, p->name,
                     p->kind == ST_PROGRAM_DIPLOMA ? _("diploma") : _("training"), length);
        }
      json_builder_end_array (b);
      if (g->json)
        st_cli_print_json (json_builder_get_root (b));
      return 0;
    }
  if (g_str_equal (argv[1], "show"))
    {
      g_autoptr(StProgram) p = st_program_load (db, argv[2], &error);

      if (p == NULL)
        return fail (g_steal_pointer (&error));
      /* The rules file is JSON already; --json gives the fields as read. */
      if (g->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          program_to_json (b, p);
          st_cli_print_json (json_builder_get_root (b));
        }
      else
        g_print ("%s\n", p->json);
      return 0;
    }
  if (g_str_equal (argv[1], "add"))
    {
      g_autoptr(StProgram) p = st_program_new_from_file (argv[2], &error);

      if (p == NULL || !st_program_save (db, p, &error))
        return fail (g_steal_pointer (&error));
      if (g->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          program_to_json (b, p);
          st_cli_print_json (json_builder_get_root (b));
        }
      else
        g_print (_("Program %s (%s) saved.\n"), p->code, p->name);
      return 0;
    }
  return usage ("program list | program show CODE | program add FILE");
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
    return usage ("major list | major add NAME | major remove NAME");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  if (g_str_equal (argv[1], "list"))
    {
      g_autoptr(GPtrArray) list = st_majors_list (db, &error);

      if (list == NULL)
        return fail (g_steal_pointer (&error));
      if (g->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          json_builder_begin_array (b);
          for (guint i = 0; i < list->len; i++)
            json_builder_add_string_value (b, g_ptr_array_index (list, i));
          json_builder_end_array (b);
          st_cli_print_json (json_builder_get_root (b));
          return 0;
        }
      for (guint i = 0; i < list->len; i++)
        g_print ("%s\n", (char *) g_ptr_array_index (list, i));
      return 0;
    }
  if (g_str_equal (argv[1], "add") && !st_major_add (db, argv[2], &error))
    return fail (g_steal_pointer (&error));
  if (g_str_equal (argv[1], "remove") && !st_major_remove (db, argv[2], &error))
    return fail (g_steal_pointer (&error));
  if (!g_str_equal (argv[1], "add") && !g_str_equal (argv[1], "remove"))
    return usage ("major list | major add NAME | major remove NAME");
  return 0;
}

static void
session_to_json (JsonBuilder *b,
                 StSession   *s)
{
  json_builder_begin_object (b);
  st_cli_add_string (b, "id", s->id);
  st_cli_add_string (b, "class", s->class_id);
  st_cli_add_string (b, "date", s->date);
  st_cli_add_int (b, "minutes", s->minutes);
  st_cli_add_string (b, "mode", s->mode);
  st_cli_add_string (b, "subject", s->subject);
  st_cli_add_string (b, "trainer", s->trainer);
  st_cli_add_string (b, "place", s->place);
  json_builder_end_object (b);
}

static void
class_to_json (JsonBuilder *b,
               StClass     *c)
{
  json_builder_begin_object (b);
  st_cli_add_string (b, "id", c->id);
  st_cli_add_string (b, "name", c->name);
  st_cli_add_string (b, "program", c->program_code);
  st_cli_add_string (b, "major", c->major);
  st_cli_add_string (b, "township_code", c->township_code);
  st_cli_add_string (b, "teaching_point", c->teaching_point);
  st_cli_add_string (b, "start_date", c->start_date);
  st_cli_add_string (b, "schedule", c->schedule);
  json_builder_set_member_name (b, "trainers");
  json_builder_begin_array (b);
  for (guint i = 0; c->trainers && c->trainers[i]; i++)
    json_builder_add_string_value (b, c->trainers[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* class add … | list | show CLASS */
int
st_cli_class (Globals *g, int argc, char **argv)
{
  g_autofree char *name = NULL, *program = NULL, *major = NULL, *township = NULL;
  g_autofree char *point = NULL, *start = NULL, *notes = NULL, *schedule = NULL;
  g_auto(GStrv) trainers = NULL;
  GOptionEntry entries[] = {
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &schedule,
      N_("Concentrated teaching: monthly (a day a month) or blocks (twice a year); default the program’s"), N_("SCHEDULE") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Name of the class"), N_("NAME") },
    { "program", 0, 0, G_OPTION_ARG_STRING, &program, N_("Program code (default secondary-vocational)"), N_("CODE") },
    { "major", 0, 0, G_OPTION_ARG_STRING, &major, N_("Major"), N_("MAJOR") },
    { "township", 0, 0, G_OPTION_ARG_STRING, &township, N_("Township (name or code)"), N_("TOWNSHIP") },
    { "teaching-point", 0, 0, G_OPTION_ARG_STRING, &point, N_("Teaching point (教学点)"), N_("PLACE") },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start, N_("Start date"), N_("DATE") },
    { "trainer", 0, 0, G_OPTION_ARG_STRING_ARRAY, &trainers, N_("Trainer (repeat for several)"), N_("NAME") },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &notes, N_("Notes"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(GError) error = NULL;

  if (!st_cli_parse_options ("class", N_("add --name … | list [--township T] | show CLASS"),
                             N_("Classes (教学班): a program, a major, a township and teaching point, a start date, trainers."),
                             entries, &argc, &argv))
    return 2;
  if (argc < 2)
    return usage ("class add --name NAME --major MAJOR --township T --start DATE | class list | class show CLASS");
  db = st_cli_open_db (g);
  if (db == NULL || (divisions = st_cli_load_divisions (db)) == NULL)
    return 1;

  if (g_str_equal (argv[1], "add"))
    {
      g_autoptr(StClass) c = st_class_new ();
      const char *code = township_code (divisions, township, &error);

      if (township == NULL)
        return usage ("class add --name NAME --major MAJOR --township T --start DATE");
      if (code == NULL)
        return fail (g_steal_pointer (&error));
      c->name = g_strdup (name);
      c->program_code = g_strdup (program ? program : "secondary-vocational");
      c->major = g_strdup (major);
      c->township_code = g_strdup (code);
      c->teaching_point = g_strdup (point);
      c->start_date = g_strdup (start);
      c->trainers = g_steal_pointer (&trainers);
      c->notes = g_strdup (notes);
      c->schedule = g_strdup (schedule);
      if (!st_class_create (db, c, &error))
        return fail (g_steal_pointer (&error));
      if (g->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          class_to_json (b, c);
          st_cli_print_json (json_builder_get_root (b));
        }
      else
        g_print ("%s\n", c->id);
      return 0;
    }
  if (g_str_equal (argv[1], "list"))
    {
      const char *code = township_code (divisions, township, &error);
      g_autoptr(GPtrArray) list = NULL;
      g_autoptr(JsonBuilder) b = json_builder_new ();

      if (error != NULL)
        return fail (g_steal_pointer (&error));
      list = st_class_list (db, code, &error);
      if (list == NULL)
        return fail (g_steal_pointer (&error));
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        {
          StClass *c = g_ptr_array_index (list, i);

          if (g->json)
            class_to_json (b, c);
          else
            g_print ("%s\t%s\t%s\t%s\t%s\n", c->id, c->name, st_cli_division_name (divisions, c->township_code),
                     c->major ? c->major : "", c->start_date);
        }
      json_builder_end_array (b);
      if (g->json)
        st_cli_print_json (json_builder_get_root (b));
      return 0;
    }
  if (g_str_equal (argv[1], "show") && argc == 3)
    {
      g_autofree char *id = resolve_class (db, argv[2], &error);
      g_autoptr(StClass) c = NULL;
      g_autoptr(GPtrArray) enrolments = NULL;
      g_autoptr(GPtrArray) sessions = NULL;
      g_autofree char *schedule_text = NULL;
      StScheduleStatus status = { 0, };
      gboolean has_schedule = FALSE;

      if (id == NULL || (c = st_class_load (db, id, &error)) == NULL
          || (enrolments = st_enrolment_list (db, id, NULL, &error)) == NULL
          || (sessions = st_session_list (db, id, &error)) == NULL)
        return fail (g_steal_pointer (&error));
      {
        g_autoptr(StProgram) rules = st_program_load (db, c->program_code, NULL);
        g_autofree char *today = today_or (NULL);

        if (rules != NULL && rules->kind == ST_PROGRAM_DIPLOMA
            && !st_class_schedule_status (db, c->id, today, &status, &error))
          return fail (g_steal_pointer (&error));
        if (rules != NULL && rules->kind == ST_PROGRAM_DIPLOMA)
          {
            g_autofree char *kind = st_schedule_describe (rules, status.schedule);
            g_autofree char *held = st_schedule_status_describe (rules, &status);

            schedule_text = g_strdup_printf (status.behind ? _("Schedule: %s — %s, behind") : _("Schedule: %s — %s"),
                                             kind, held);
            has_schedule = TRUE;
          }
      }
      if (g->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "class");
          class_to_json (b, c);
          if (has_schedule)
            {
              json_builder_set_member_name (b, "schedule");
              json_builder_begin_object (b);
              st_cli_add_string (b, "schedule", st_schedule_to_code (status.schedule));
              json_builder_set_member_name (b, "behind");
              json_builder_add_boolean_value (b, status.behind);
              st_cli_add_int (b, "month_minutes", status.month_minutes);
              st_cli_add_int (b, "months_short", status.months_short);
              st_cli_add_int (b, "blocks_held", status.blocks_held);
              st_cli_add_int (b, "blocks_expected", status.blocks_expected);
              json_builder_end_object (b);
            }
          json_builder_set_member_name (b, "enrolments");
          json_builder_begin_array (b);
          for (guint i = 0; i < enrolments->len; i++)
            {
              StEnrolment *e = g_ptr_array_index (enrolments, i);
              g_autoptr(StParticipant) p = st_participant_load (db, e->participant_id, NULL);
              g_autofree char *masked = st_idcard_mask (p ? p->id_number : "");

              json_builder_begin_object (b);
              st_cli_add_string (b, "enrolment", e->id);
              st_cli_add_string (b, "participant", e->participant_id);
              st_cli_add_string (b, "name", p ? p->name : NULL);
              st_cli_add_string (b, "id_number", masked);
              st_cli_add_string (b, "enrolled_on", e->enrolled_on);
              st_cli_add_string (b, "state", e->state);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_set_member_name (b, "sessions");
          json_builder_begin_array (b);
          for (guint i = 0; i < sessions->len; i++)
            session_to_json (b, g_ptr_array_index (sessions, i));
          json_builder_end_array (b);
          json_builder_end_object (b);
          st_cli_print_json (json_builder_get_root (b));
          return 0;
        }
      g_print ("%s (%s, %s, %s)\n", c->name, c->major ? c->major : "",
               st_cli_division_name (divisions, c->township_code), c->start_date);
      if (schedule_text != NULL)
        g_print ("%s\n", schedule_text);
      g_print (g_dngettext (GETTEXT_PACKAGE, "%u participant enrolled:\n", "%u participants enrolled:\n",
                            enrolments->len), enrolments->len);
      for (guint i = 0; i < enrolments->len; i++)
        {
          StEnrolment *e = g_ptr_array_index (enrolments, i);
          g_autoptr(StParticipant) p = st_participant_load (db, e->participant_id, NULL);
          g_autofree char *masked = st_idcard_mask (p ? p->id_number : "");

          g_print ("  %s\t%s\t%s\t%s\n", p ? p->name : "", masked, e->enrolled_on, e->state);
        }
      g_print (g_dngettext (GETTEXT_PACKAGE, "%u session:\n", "%u sessions:\n", sessions->len), sessions->len);
      for (guint i = 0; i < sessions->len; i++)
        {
          StSession *s = g_ptr_array_index (sessions, i);

          g_print ("  %s\t%s\t%.1f\t%s\t%s\n", s->id, s->date, s->minutes / 60.0, s->mode, s->subject);
        }
      return 0;
    }
  return usage ("class add --name NAME --major MAJOR --township T --start DATE | class list | class show CLASS");
}

/* enrol CLASS ID-NUMBER… [--date D] [--years N] */
int
st_cli_enrol (Globals *g, int argc, char **argv)
{
  g_autofree char *date = NULL;
  int years = 0;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Enrolment date (default: the class’s start)"), N_("DATE") },
    { "years", 0, 0, G_OPTION_ARG_INT, &years, N_("Study length in years (default: from prior education)"), "N" },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *cid = NULL;

  if (!st_cli_parse_options ("enrol", N_("CLASS ID-NUMBER…"), N_("Enrol participants in a class."),
                             entries, &argc, &argv))
    return 2;
  if (argc < 3 || years < 0)
    return usage ("enrol CLASS ID-NUMBER… [--date DATE] [--years N]");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  cid = resolve_class (db, argv[1], &error);
  if (cid == NULL)
    return fail (g_steal_pointer (&error));
  json_builder_begin_array (b);
  for (int i = 2; i < argc; i++)
    {
      g_autofree char *pid = resolve_participant (db, argv[i], &error);
      g_autofree char *eid = NULL;

      if (pid == NULL || (eid = st_enrol (db, pid, cid, date, (guint) years, &error)) == NULL)
        return fail (g_steal_pointer (&error));
      if (g->json)
        {
          json_builder_begin_object (b);
          st_cli_add_string (b, "enrolment", eid);
          st_cli_add_string (b, "participant", pid);
          json_builder_end_object (b);
        }
      else
        g_print ("%s\n", eid);
    }
  json_builder_end_array (b);
  if (g->json)
    st_cli_print_json (json_builder_get_root (b));
  return 0;
}

/* withdraw ID-NUMBER --class C --date D --reason R */
int
st_cli_withdraw (Globals *g, int argc, char **argv)
{
  g_autofree char *klass = NULL, *date = NULL, *reason = NULL;
  GOptionEntry entries[] = {
    { "class", 0, 0, G_OPTION_ARG_STRING, &klass, N_("The class (if the participant is in several)"), N_("CLASS") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Date of the withdrawal (default today)"), N_("DATE") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *eid = NULL;
  g_autofree char *day = NULL;

  if (!st_cli_parse_options ("withdraw", N_("ID-NUMBER"), N_("Record a withdrawal (退学) with its date and reason."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 2)
    return usage ("withdraw ID-NUMBER [--class CLASS] --date DATE --reason TEXT");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  day = today_or (date);
  eid = resolve_enrolment (db, klass, argv[1], &error);
  if (eid == NULL || !st_withdraw (db, eid, day, reason, &error))
    return fail (g_steal_pointer (&error));
  return 0;
}

/* session add CLASS … | list CLASS */
int
st_cli_session (Globals *g, int argc, char **argv)
{
  g_autofree char *date = NULL, *hours = NULL, *mode = NULL, *subject = NULL, *trainer = NULL, *place = NULL;
  gboolean all_present = FALSE;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Date (default today)"), N_("DATE") },
    { "hours", 0, 0, G_OPTION_ARG_STRING, &hours, N_("Hours (学时), e.g. 8 or 1.5"), N_("HOURS") },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, N_("concentrated, online or practical (default concentrated)"), N_("MODE") },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, N_("literacy, mandarin, civic, policy or skill"), N_("SUBJECT") },
    { "trainer", 0, 0, G_OPTION_ARG_STRING, &trainer, N_("Trainer"), N_("NAME") },
    { "place", 0, 0, G_OPTION_ARG_STRING, &place, N_("Place"), N_("PLACE") },
    { "all-present", 0, 0, G_OPTION_ARG_NONE, &all_present, N_("Mark everyone enrolled present"), NULL },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  int n = 0;
  g_autofree char *cid = NULL;

  if (!st_cli_parse_options ("session", N_("add CLASS --hours H --subject S … | list CLASS"),
                             N_("Class meetings (课次)."), entries, &argc, &argv))
    return 2;
  if (argc != 3)
    return usage ("session add CLASS --hours H --subject S [--date D] [--mode M] [--all-present] | session list CLASS");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  cid = resolve_class (db, argv[2], &error);
  if (cid == NULL)
    return fail (g_steal_pointer (&error));

  if (g_str_equal (argv[1], "add"))
    {
      g_autoptr(StSession) s = g_new0 (StSession, 1);

      if (!parse_hours (hours, &s->minutes, &error))
        return fail (g_steal_pointer (&error));
      s->class_id = g_strdup (cid);
      s->date = today_or (date);
      s->mode = g_strdup (mode ? mode : "concentrated");
      s->subject = g_strdup (subject);
      s->trainer = g_strdup (trainer);
      s->place = g_strdup (place);
      if (!st_session_create (db, s, &error))
        return fail (g_steal_pointer (&error));
      if (!g->json)
        g_print ("%s\n", s->id);
      if (all_present)
        {
          n = st_attendance_fill_present (db, s->id, &error);

          if (n < 0)
            return fail (g_steal_pointer (&error));
          if (!g->json)
            g_printerr (g_dngettext (GETTEXT_PACKAGE, "%d participant marked present\n",
                                     "%d participants marked present\n", n), n);
        }
      if (g->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          session_to_json (b, s);
          st_cli_print_json (json_builder_get_root (b));
          /* (the count, for a script, as the text says it) */
          if (all_present)
            g_printerr (g_dngettext (GETTEXT_PACKAGE, "%d participant marked present\n",
                                     "%d participants marked present\n", n), n);
        }
      return 0;
    }
  if (g_str_equal (argv[1], "list"))
    {
      g_autoptr(GPtrArray) list = st_session_list (db, cid, &error);

      if (list == NULL)
        return fail (g_steal_pointer (&error));
      if (g->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          json_builder_begin_array (b);
          for (guint i = 0; i < list->len; i++)
            session_to_json (b, g_ptr_array_index (list, i));
          json_builder_end_array (b);
          st_cli_print_json (json_builder_get_root (b));
          return 0;
        }
      for (guint i = 0; i < list->len; i++)
        {
          StSession *s = g_ptr_array_index (list, i);

          g_print ("%s\t%s\t%.1f\t%s\t%s\t%s\n", s->id, s->date, s->minutes / 60.0, s->mode, s->subject,
                   s->trainer ? s->trainer : "");
        }
      return 0;
    }
  return usage ("session add CLASS … | session list CLASS");
}

/* attend SESSION ID-NUMBER… --status S [--hours H] | attend SESSION --all-present */
int
st_cli_attend (Globals *g, int argc, char **argv)
{
  g_autofree char *status = NULL, *hours = NULL;
  gboolean all_present = FALSE;
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, N_("present, absent or leave (default present)"), N_("STATUS") },
    { "hours", 0, 0, G_OPTION_ARG_STRING, &hours, N_("Hours credited, when not the whole session"), N_("HOURS") },
    { "all-present", 0, 0, G_OPTION_ARG_NONE, &all_present, N_("Everyone without attendance yet is present"), NULL },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  int minutes = -1;
  g_autofree char *message = NULL;

  if (!st_cli_parse_options ("attend", N_("SESSION [ID-NUMBER…]"), N_("Record attendance (考勤) at a session."),
                             entries, &argc, &argv))
    return 2;
  if (argc < 2 || (argc == 2 && !all_present))
    return usage ("attend SESSION ID-NUMBER… [--status S] [--hours H] | attend SESSION --all-present");
  if (hours != NULL && !parse_hours (hours, &minutes, &error))
    return fail (g_steal_pointer (&error));
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  for (int i = 2; i < argc; i++)
    {
      g_autofree char *pid = resolve_participant (db, argv[i], &error);

      if (pid == NULL || !st_attendance_set (db, argv[1], pid, status ? status : "present", minutes, &error))
        return fail (g_steal_pointer (&error));
    }
  if (all_present)
    {
      int n = st_attendance_fill_present (db, argv[1], &error);

      if (n < 0)
        return fail (g_steal_pointer (&error));
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d participant marked present\n",
                                              "%d participants marked present\n", n), n);
      g_strchomp (message);
      st_cli_print_result (g, message, "session", argv[1], "#marked_present", (gint64) n, NULL);
    }
  return 0;
}

/* study-log ID-NUMBER … | study-log --class C … [--except ID-NUMBER]… */
int
st_cli_study_log (Globals *g, int argc, char **argv)
{
  g_autofree char *klass = NULL, *date = NULL, *hours = NULL, *kind = NULL, *source = NULL;
  g_auto(GStrv) except = NULL;
  GOptionEntry entries[] = {
    { "class", 0, 0, G_OPTION_ARG_STRING, &klass, N_("Everyone in study in this class"), N_("CLASS") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Date (default today)"), N_("DATE") },
    { "hours", 0, 0, G_OPTION_ARG_STRING, &hours, N_("Hours"), N_("HOURS") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("self (self-study) or online"), N_("KIND") },
    { "source", 0, 0, G_OPTION_ARG_STRING, &source, N_("Where, e.g. the learning platform"), N_("TEXT") },
    { "except", 0, 0, G_OPTION_ARG_STRING_ARRAY, &except, N_("Leave this participant out (repeat)"), N_("ID-NUMBER") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *day = NULL;
  int minutes;

  if (!st_cli_parse_options ("study-log", N_("[ID-NUMBER] --hours H --kind K"),
                             N_("Self-study and online hours (自学/线上学时), for one participant or a whole class."),
                             entries, &argc, &argv))
    return 2;
  if ((klass == NULL) == (argc != 2))
    return usage ("study-log ID-NUMBER --hours H --kind self|online | study-log --class CLASS --hours H --kind K [--except ID-NUMBER]");
  if (!parse_hours (hours, &minutes, &error))
    return fail (g_steal_pointer (&error));
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  day = today_or (date);
  if (klass == NULL)
    {
      g_autofree char *pid = resolve_participant (db, argv[1], &error);

      if (pid == NULL || !st_study_log_add (db, pid, NULL, day, minutes, kind, source, &error))
        return fail (g_steal_pointer (&error));
      return 0;
    }
  else
    {
      g_autofree char *cid = resolve_class (db, klass, &error);
      g_autoptr(GPtrArray) skip = g_ptr_array_new_with_free_func (g_free);
      int n;

      if (cid == NULL)
        return fail (g_steal_pointer (&error));
      for (guint i = 0; except && except[i]; i++)
        {
          char *pid = resolve_participant (db, except[i], &error);

          if (pid == NULL)
            return fail (g_steal_pointer (&error));
          g_ptr_array_add (skip, pid);
        }
      g_ptr_array_add (skip, NULL);
      n = st_study_log_add_for_class (db, cid, day, minutes, kind, source, (const char *const *) skip->pdata, &error);
      if (n < 0)
        return fail (g_steal_pointer (&error));
      {
        g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Hours recorded for %d participant\n",
                                                                 "Hours recorded for %d participants\n", n), n);

        g_strchomp (message);
        st_cli_print_result (g, message, "date", day, "#minutes", (gint64) minutes, "#participants", (gint64) n, NULL);
      }
      return 0;
    }
}

/* assignment add ID-NUMBER --title T [--done DATE] | assignment done KEY --date D */
int
st_cli_assignment (Globals *g, int argc, char **argv)
{
  g_autofree char *klass = NULL, *title = NULL, *done = NULL, *date = NULL;
  GOptionEntry entries[] = {
    { "class", 0, 0, G_OPTION_ARG_STRING, &klass, N_("The class (if the participant is in several)"), N_("CLASS") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("What the assignment is"), N_("TEXT") },
    { "done", 0, 0, G_OPTION_ARG_STRING, &done, N_("Done on this date"), N_("DATE") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Date it was done (default today)"), N_("DATE") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;

  if (!st_cli_parse_options ("assignment", N_("add ID-NUMBER --title T [--done DATE] | done KEY [--date DATE]"),
                             N_("Practical assignments (实操作业)."), entries, &argc, &argv))
    return 2;
  if (argc != 3)
    return usage ("assignment add ID-NUMBER --title TEXT [--done DATE] | assignment done KEY [--date DATE]");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  if (g_str_equal (argv[1], "add"))
    {
      g_autofree char *eid = resolve_enrolment (db, klass, argv[2], &error);
      g_autofree char *id = NULL;

      if (eid == NULL || (id = st_assignment_add (db, eid, title, done, &error)) == NULL)
        return fail (g_steal_pointer (&error));
      st_cli_print_result (g, id, "id", id, "enrolment", eid, NULL);
      return 0;
    }
  if (g_str_equal (argv[1], "done"))
    {
      g_autofree char *day = today_or (date);

      if (!st_assignment_set_done (db, argv[2], day, &error))
        return fail (g_steal_pointer (&error));
      return 0;
    }
  return usage ("assignment add ID-NUMBER --title TEXT | assignment done KEY");
}

/* assess ID-NUMBER --kind K --result R [--date D] [--assessor A] */
int
st_cli_assess (Globals *g, int argc, char **argv)
{
  g_autofree char *klass = NULL, *kind = NULL, *result = NULL, *date = NULL, *assessor = NULL;
  GOptionEntry entries[] = {
    { "class", 0, 0, G_OPTION_ARG_STRING, &klass, N_("The class (if the participant is in several)"), N_("CLASS") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("culture, skill or moral"), N_("KIND") },
    { "result", 0, 0, G_OPTION_ARG_STRING, &result, N_("pass or fail"), N_("RESULT") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Date (default today)"), N_("DATE") },
    { "assessor", 0, 0, G_OPTION_ARG_STRING, &assessor, N_("Who assessed"), N_("NAME") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *eid = NULL;
  g_autofree char *day = NULL;

  if (!st_cli_parse_options ("assess", N_("ID-NUMBER --kind K --result R"),
                             N_("Record an assessment (考核): culture course, vocational skill course or moral evaluation."),
                             entries, &argc, &argv))
    return 2;
  if (argc < 2)
    return usage ("assess ID-NUMBER… --kind culture|skill|moral --result pass|fail [--date D]");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  day = today_or (date);
  for (int i = 1; i < argc; i++)
    {
      eid = resolve_enrolment (db, klass, argv[i], &error);
      if (eid == NULL || !st_assessment_record (db, eid, kind, result, day, assessor, &error))
        {
          g_autofree char *msg = g_strdup_printf ("%s: %s", argv[i], error->message);

          st_cli_error (msg);
          return 1;
        }
      g_clear_pointer (&eid, g_free);
    }
  return 0;
}

/* exempt ID-NUMBER --kind … --basis B [--target K] [--credits N] */
int
st_cli_exempt (Globals *g, int argc, char **argv)
{
  g_autofree char *klass = NULL, *kind = NULL, *target = NULL, *basis = NULL, *date = NULL;
  g_autofree char *credit_basis = NULL;
  int credits = 0, years = 0;
  GOptionEntry entries[] = {
    { "credit-basis", 0, 0, G_OPTION_ARG_STRING, &credit_basis,
      N_("For credits: certificate, award or innovation (annex 6 §(六)2–3)"), N_("BASIS") },
    { "class", 0, 0, G_OPTION_ARG_STRING, &klass, N_("The class (if the participant is in several)"), N_("CLASS") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("exemption, credit or internship_waiver"), N_("KIND") },
    { "target", 0, 0, G_OPTION_ARG_STRING, &target, N_("For an exemption: culture or skill"), N_("KIND") },
    { "basis", 0, 0, G_OPTION_ARG_STRING, &basis, N_("The certificate, award or work record"), N_("TEXT") },
    { "credits", 0, 0, G_OPTION_ARG_INT, &credits, N_("Credits awarded"), "N" },
    { "years", 0, 0, G_OPTION_ARG_INT, &years, N_("For a waiver: years of related work"), "N" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Date (default today)"), N_("DATE") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *eid = NULL;
  g_autofree char *day = NULL;

  if (!st_cli_parse_options ("exempt", N_("ID-NUMBER --kind K --basis B"),
                             N_("Exemptions by certificate, credits, and the internship waiver (annex 6 §(六)2–4)."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 2)
    return usage ("exempt ID-NUMBER --kind exemption|credit|internship_waiver --basis TEXT [--target K] [--credits N] [--credit-basis certificate|award|innovation] [--years N]");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  day = today_or (date);
  eid = resolve_enrolment (db, klass, argv[1], &error);
  if (eid == NULL)
    return fail (g_steal_pointer (&error));
  if (g_strcmp0 (kind, "credit") == 0)
    {
      if (!st_credit_add (db, eid, credit_basis, basis, credits, day, &error))
        return fail (g_steal_pointer (&error));
    }
  else if (!st_exemption_add (db, eid, kind, target, basis,
                              g_strcmp0 (kind, "internship_waiver") == 0 ? years : credits, day, &error))
    return fail (g_steal_pointer (&error));
  return 0;
}

static int
enrolment_date_command (Globals    *g,
                        int         argc,
                        char      **argv,
                        const char *name,
                        const char *summary,
                        gboolean  (*record) (StDb *, const char *, const char *, GError **))
{
  g_autofree char *klass = NULL, *date = NULL;
  GOptionEntry entries[] = {
    { "class", 0, 0, G_OPTION_ARG_STRING, &klass, N_("The class (if the participant is in several)"), N_("CLASS") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Date (default today)"), N_("DATE") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *eid = NULL;
  g_autofree char *day = NULL;

  if (!st_cli_parse_options (name, N_("ID-NUMBER [--date DATE]"), summary, entries, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      g_autofree char *form = g_strdup_printf ("%s ID-NUMBER [--class CLASS] [--date DATE]", name);
      return usage (form);
    }
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  day = today_or (date);
  eid = resolve_enrolment (db, klass, argv[1], &error);
  if (eid == NULL || !record (db, eid, day, &error))
    return fail (g_steal_pointer (&error));
  return 0;
}

int
st_cli_internship (Globals *g, int argc, char **argv)
{
  return enrolment_date_command (g, argc, argv, "internship",
                                 N_("Record that the internship (顶岗实习) was done."), st_record_internship);
}

int
st_cli_early (Globals *g, int argc, char **argv)
{
  return enrolment_date_command (g, argc, argv, "early-graduation",
                                 N_("Record a request for early graduation (提前毕业, annex 6 §(七)1)."),
                                 st_request_early_graduation);
}

/* extend ID-NUMBER --years N [--class C] */
int
st_cli_extend (Globals *g, int argc, char **argv)
{
  g_autofree char *klass = NULL;
  int years = -1;
  GOptionEntry entries[] = {
    { "class", 0, 0, G_OPTION_ARG_STRING, &klass, N_("The class (if the participant is in several)"), N_("CLASS") },
    { "years", 0, 0, G_OPTION_ARG_INT, &years, N_("Years added to the study length (0 takes an extension back)"), "N" },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *eid = NULL;

  if (!st_cli_parse_options ("extend", N_("ID-NUMBER --years N"),
                             N_("Record an approved extension of the study length, when the program allows one (annex 6 §(七)1(2))."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 2 || years < 0)
    return usage ("extend ID-NUMBER --years N [--class CLASS]");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  eid = resolve_enrolment (db, klass, argv[1], &error);
  if (eid == NULL || !st_extend_study (db, eid, (guint) years, &error))
    return fail (g_steal_pointer (&error));
  return 0;
}

static void
eligibility_to_json (JsonBuilder   *b,
                     StEligibility *e)
{
  g_autofree char *masked = st_idcard_mask (e->id_number);

  json_builder_begin_object (b);
  st_cli_add_string (b, "enrolment", e->enrolment_id);
  st_cli_add_string (b, "participant", e->participant_id);
  st_cli_add_string (b, "name", e->name);
  st_cli_add_string (b, "id_number", masked);
  st_cli_add_string (b, "class", e->class_id);
  st_cli_add_string (b, "township_code", e->township_code);
  st_cli_add_string (b, "program", e->program_code);
  st_cli_add_string (b, "enrolled_on", e->enrolled_on);
  st_cli_add_string (b, "end_date", e->end_date);
  st_cli_add_int (b, "study_years", e->study_years);
  st_cli_add_int (b, "extension_years", e->extension_years);
  st_cli_add_string (b, "outcome", st_outcome_to_code (e->outcome));
  st_cli_add_int (b, "concentrated_minutes", e->concentrated);
  st_cli_add_int (b, "required_concentrated_minutes", e->required_concentrated);
  st_cli_add_int (b, "self_study_minutes", e->self_study);
  st_cli_add_int (b, "online_minutes", e->online);
  st_cli_add_int (b, "attended_minutes", e->attended);
  st_cli_add_int (b, "credits", e->credits);
  st_cli_add_int (b, "assignments_done", e->assignments_done);
  st_cli_add_int (b, "assignments_total", e->assignments_total);
  json_builder_set_member_name (b, "missing");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->missing->len; i++)
    {
      StMissing *m = &g_array_index (e->missing, StMissing, i);
      g_autofree char *text = st_missing_describe (m);

      json_builder_add_string_value (b, text);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* Evaluates the selection; NULL and a message on failure. */
static GPtrArray *
evaluate_selection (StDb        *db,
                    StDivisions *divisions,
                    const char  *as_of,
                    const char  *township,
                    const char  *klass,
                    GDate      **date_out,
                    GError     **error)
{
  StEligibilityQuery q = { NULL, NULL, NULL, NULL };
  g_autofree char *cid = NULL;
  g_autofree char *day = today_or (as_of);
  GPtrArray *list;

  *date_out = parse_date (day, error);
  if (*date_out == NULL)
    return NULL;
  q.as_of = *date_out;
  q.township_code = township_code (divisions, township, error);
  if (township != NULL && q.township_code == NULL)
    return NULL;
  if (klass != NULL && (cid = resolve_class (db, klass, error)) == NULL)
    return NULL;
  q.class_id = cid;
  list = st_eligibility_evaluate (db, &q, error);
  return list;
}

/* eligibility [--as-of D] [--township T] [--class C] [--outcome O] */
int
st_cli_eligibility (Globals *g, int argc, char **argv)
{
  g_autofree char *as_of = NULL, *township = NULL, *klass = NULL, *outcome = NULL;
  GOptionEntry entries[] = {
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, N_("Evaluate as of this date (default today)"), N_("DATE") },
    { "township", 0, 0, G_OPTION_ARG_STRING, &township, N_("Only this township"), N_("TOWNSHIP") },
    { "class", 0, 0, G_OPTION_ARG_STRING, &klass, N_("Only this class"), N_("CLASS") },
    { "outcome", 0, 0, G_OPTION_ARG_STRING, &outcome,
      N_("Only studying, eligible, completion, study_record, graduated or completed"), N_("OUTCOME") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDate) date = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint counts[ST_OUTCOME_COMPLETED + 1] = { 0, };
  guint shown = 0;

  if (!st_cli_parse_options ("eligibility", "",
                             N_("Who may graduate: every enrolment as of a date, with exactly what is missing."),
                             entries, &argc, &argv))
    return 2;
  db = st_cli_open_db (g);
  if (db == NULL || (divisions = st_cli_load_divisions (db)) == NULL)
    return 1;
  list = evaluate_selection (db, divisions, as_of, township, klass, &date, &error);
  if (list == NULL)
    return fail (g_steal_pointer (&error));

  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      StEligibility *e = g_ptr_array_index (list, i);
      g_autofree char *masked = NULL;
      g_autofree char *missing = NULL;

      counts[e->outcome]++;
      if (outcome != NULL && !g_str_equal (outcome, st_outcome_to_code (e->outcome)))
        continue;
      shown++;
      if (g->json)
        {
          eligibility_to_json (b, e);
          continue;
        }
      masked = st_idcard_mask (e->id_number);
      missing = st_eligibility_describe_missing (e);
      g_print ("%s\t%s\t%s\t%s\t%s\n", st_cli_division_name (divisions, e->township_code), e->name, masked,
               st_outcome_to_display (e->outcome), missing);
    }
  json_builder_end_array (b);
  if (g->json)
    {
      st_cli_print_json (json_builder_get_root (b));
      return 0;
    }
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u enrolment", "%u enrolments", shown), shown);
  g_print (": ");
  for (StOutcome o = ST_OUTCOME_STUDYING; o <= ST_OUTCOME_COMPLETED; o++)
    g_print ("%s%s %u", o ? ", " : "", st_outcome_to_display (o), counts[o]);
  g_print ("\n");
  return 0;
}

/* approve [--date D] [--class C] [--township T] [ID-NUMBER…] */
int
st_cli_approve (Globals *g, int argc, char **argv)
{
  g_autofree char *date = NULL, *township = NULL, *klass = NULL;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Approve as of, and issue on, this date (default today)"), N_("DATE") },
    { "township", 0, 0, G_OPTION_ARG_STRING, &township, N_("Only this township"), N_("TOWNSHIP") },
    { "class", 0, 0, G_OPTION_ARG_STRING, &klass, N_("Only this class"), N_("CLASS") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) issued = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDate) day = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (!st_cli_parse_options ("approve", N_("[ID-NUMBER…]"),
                             N_("County approval: issue graduation certificates to the eligible, completion certificates to those whose study length ended short, and study records to those who withdrew. With ID numbers, exactly those; without, everyone in the selection who can be."),
                             entries, &argc, &argv))
    return 2;
  db = st_cli_open_db (g);
  if (db == NULL || (divisions = st_cli_load_divisions (db)) == NULL)
    return 1;

  if (argc > 1)
    {
      for (int i = 1; i < argc; i++)
        {
          char *eid = resolve_enrolment (db, klass, argv[i], &error);

          if (eid == NULL)
            return fail (g_steal_pointer (&error));
          g_ptr_array_add (ids, eid);
        }
      {
        g_autofree char *iso = today_or (date);

        day = parse_date (iso, &error);
      }
      if (day == NULL)
        return fail (g_steal_pointer (&error));
    }
  else
    {
      list = evaluate_selection (db, divisions, date, township, klass, &day, &error);
      if (list == NULL)
        return fail (g_steal_pointer (&error));
      for (guint i = 0; i < list->len; i++)
        {
          StEligibility *e = g_ptr_array_index (list, i);
          g_autoptr(GPtrArray) certs = NULL;
          gboolean has_one = FALSE;

          if (e->outcome != ST_OUTCOME_ELIGIBLE && e->outcome != ST_OUTCOME_COMPLETION
              && e->outcome != ST_OUTCOME_STUDY_RECORD)
            continue;
          certs = st_certificate_list (db, e->enrolment_id, NULL);
          for (guint c = 0; certs && c < certs->len; c++)
            if (((StCertificate *) g_ptr_array_index (certs, c))->revoked_on == NULL)
              has_one = TRUE;
          if (!has_one)
            g_ptr_array_add (ids, g_strdup (e->enrolment_id));
        }
    }
  g_ptr_array_add (ids, NULL);
  if (ids->len == 1)
    {
      /* --json: the certificates issued, none. */
      if (g->json)
        g_print ("[]\n");
      else
        g_print ("%s\n", _("Nobody in the selection can be approved."));
      return 0;
    }

  issued = st_certificates_approve (db, (const char *const *) ids->pdata, day, &error);
  if (issued == NULL)
    return fail (g_steal_pointer (&error));

  json_builder_begin_array (b);
  for (guint i = 0; i < issued->len; i++)
    {
      StCertificate *c = g_ptr_array_index (issued, i);
      g_autoptr(StEnrolment) e = st_enrolment_load (db, c->enrolment_id, NULL);
      g_autoptr(StParticipant) p = e ? st_participant_load (db, e->participant_id, NULL) : NULL;

      if (g->json)
        {
          json_builder_begin_object (b);
          st_cli_add_string (b, "enrolment", c->enrolment_id);
          st_cli_add_string (b, "name", p ? p->name : NULL);
          st_cli_add_string (b, "kind", c->kind);
          st_cli_add_string (b, "number", c->number);
          st_cli_add_string (b, "issued_on", c->issued_on);
          json_builder_end_object (b);
        }
      else
        g_print ("%s\t%s\t%s\n", p ? p->name : "", c->number,
                 g_str_equal (c->kind, "graduation") ? _("graduation certificate")
                 : g_str_equal (c->kind, "completion") ? _("completion certificate") : _("study record"));
    }
  json_builder_end_array (b);
  if (g->json)
    st_cli_print_json (json_builder_get_root (b));
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u certificate issued\n", "%u certificates issued\n", issued->len),
             issued->len);
  return 0;
}

/* certificate list | revoke NUMBER --reason R | pattern [PATTERN] */
int
st_cli_certificate (Globals *g, int argc, char **argv)
{
  g_autofree char *date = NULL, *reason = NULL;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Date of the revocation (default today)"), N_("DATE") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why it is revoked"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (!st_cli_parse_options ("certificate", N_("list | revoke NUMBER --reason R | pattern [PATTERN]"),
                             N_("Certificates and their numbering: {county}{year}{kind}{seq:04} by default."),
                             entries, &argc, &argv))
    return 2;
  if (argc < 2)
    return usage ("certificate list | certificate revoke NUMBER --reason TEXT | certificate pattern [PATTERN]");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  if (g_str_equal (argv[1], "list"))
    {
      g_autoptr(GPtrArray) list = st_certificate_list (db, NULL, &error);

      if (list == NULL)
        return fail (g_steal_pointer (&error));
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        {
          StCertificate *c = g_ptr_array_index (list, i);
          g_autoptr(StEnrolment) e = st_enrolment_load (db, c->enrolment_id, NULL);
          g_autoptr(StParticipant) p = e ? st_participant_load (db, e->participant_id, NULL) : NULL;

          if (g->json)
            {
              g_autofree char *masked = st_idcard_mask (p ? p->id_number : "");

              json_builder_begin_object (b);
              st_cli_add_string (b, "number", c->number);
              st_cli_add_string (b, "kind", c->kind);
              st_cli_add_string (b, "issued_on", c->issued_on);
              st_cli_add_string (b, "revoked_on", c->revoked_on);
              st_cli_add_string (b, "enrolment", c->enrolment_id);
              st_cli_add_string (b, "name", p ? p->name : NULL);
              st_cli_add_string (b, "id_number", masked);
              json_builder_end_object (b);
            }
          else
            g_print ("%s\t%s\t%s\t%s\t%s\n", c->number, c->kind, c->issued_on, p ? p->name : "",
                     c->revoked_on ? c->revoked_on : "");
        }
      json_builder_end_array (b);
      if (g->json)
        st_cli_print_json (json_builder_get_root (b));
      return 0;
    }
  if (g_str_equal (argv[1], "revoke") && argc == 3)
    {
      g_autofree char *day = today_or (date);

      if (!st_certificate_revoke (db, argv[2], day, reason, &error))
        return fail (g_steal_pointer (&error));
      return 0;
    }
  if (g_str_equal (argv[1], "pattern"))
    {
      g_autofree char *pattern = NULL;

      if (argc == 3 && !st_certificate_set_pattern (db, argv[2], &error))
        return fail (g_steal_pointer (&error));
      pattern = st_certificate_get_pattern (db);
      st_cli_print_result (g, pattern, "pattern", pattern, NULL);
      return 0;
    }
  return usage ("certificate list | certificate revoke NUMBER --reason TEXT | certificate pattern [PATTERN]");
}

static gboolean
parse_encoding (const char    *text,
                StCsvEncoding *encoding)
{
  if (text == NULL || g_ascii_strcasecmp (text, "utf8") == 0 || g_ascii_strcasecmp (text, "utf-8") == 0)
    *encoding = ST_CSV_ENCODING_UTF8_BOM;
  else if (g_ascii_strcasecmp (text, "gb18030") == 0)
    *encoding = ST_CSV_ENCODING_GB18030;
  else
    return FALSE;
  return TRUE;
}

/* export household|enrolments --output FILE [--encoding utf8|gb18030] [--township T] */
int
st_cli_export (Globals *g, int argc, char **argv)
{
  g_autofree char *output = NULL, *encoding_name = NULL, *township = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The CSV file to write"), N_("FILE") },
    { "encoding", 0, 0, G_OPTION_ARG_STRING, &encoding_name, N_("utf8 (with BOM, default) or gb18030"), N_("ENCODING") },
    { "township", 0, 0, G_OPTION_ARG_STRING, &township, N_("Only this township"), N_("TOWNSHIP") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(GError) error = NULL;
  StCsvEncoding encoding;
  const char *code;
  int n;

  if (!st_cli_parse_options ("export", N_("household | enrolments --output FILE"),
                             N_("Lists for the public-security household-registration update (graduates) and the provincial registration system (enrolments)."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 2 || output == NULL || !parse_encoding (encoding_name, &encoding))
    return usage ("export household|enrolments --output FILE [--encoding utf8|gb18030] [--township T]");
  db = st_cli_open_db (g);
  if (db == NULL || (divisions = st_cli_load_divisions (db)) == NULL)
    return 1;
  code = township_code (divisions, township, &error);
  if (township != NULL && code == NULL)
    return fail (g_steal_pointer (&error));
  if (g_str_equal (argv[1], "household"))
    n = st_export_household_registration (db, output, encoding, code, &error);
  else if (g_str_equal (argv[1], "enrolments"))
    n = st_export_enrolments (db, output, encoding, code, &error);
  else
    return usage ("export household|enrolments --output FILE");
  if (n < 0)
    return fail (g_steal_pointer (&error));
  {
    g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d row written to %s\n",
                                                             "%d rows written to %s\n", n), n, output);

    g_strchomp (message);
    st_cli_print_result (g, message, "list", argv[1], "output", output, "#rows", (gint64) n, NULL);
  }
  return 0;
}

static int
display_width (const char *text)
{
  int w = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    w += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  return w;
}

static void
print_figures_row (const char *label,
                   JsonObject *f)
{
  /* Padded by display width: township names are Chinese. */
  g_print ("%s%*s", label, MAX (1, 10 - display_width (label)), "");
  g_print ("%7" G_GINT64_FORMAT " %7" G_GINT64_FORMAT " %7" G_GINT64_FORMAT " %7" G_GINT64_FORMAT
           " %7" G_GINT64_FORMAT " %7" G_GINT64_FORMAT " %7" G_GINT64_FORMAT " %9.0f %9" G_GINT64_FORMAT "\n",
           json_object_get_int_member (f, "cumulative_participants"),
           json_object_get_int_member (f, "new_enrolments"),
           json_object_get_int_member (f, "in_study"),
           json_object_get_int_member (f, "graduated"),
           json_object_get_int_member (f, "completed"),
           json_object_get_int_member (f, "withdrawn"),
           json_object_get_int_member (json_object_get_object_member (f, "sessions"), "total"),
           json_object_get_int_member (json_object_get_object_member (f, "attended_minutes"), "total") / 60.0,
           json_object_get_int_member (f, "funding_cumulative_yuan"));
}

/* The report's main table for people; the rest is in the PDF and JSON. */
static void
print_report (JsonNode *node)
{
  JsonObject *r = json_node_get_object (node);
  JsonArray *townships = json_object_get_array_member (r, "townships");
  JsonArray *targets = json_object_has_member (r, "targets") ? json_object_get_array_member (r, "targets") : NULL;

  g_print ("%s\n%s (%s – %s)\n\n", json_object_get_string_member (r, "title"),
           json_object_get_string_member (r, "quarter_label"), json_object_get_string_member (r, "first_day"),
           json_object_get_string_member (r, "last_day"));
  {
    /* Right-aligned by display width, as the figures below them. */
    const char *heads[] = { _("Total"), _("New"), _("Study"), _("Grad."), C_("enrolment state", "Compl."), _("Withdr."),
                            _("Sessions"), _("Hours"), _("Yuan") };
    const int widths[] = { 7, 8, 8, 8, 8, 8, 8, 10, 10 };

    g_print ("%s", _("Township"));
    g_print ("%*s", MAX (1, 10 - display_width (_("Township"))), "");
    for (guint i = 0; i < G_N_ELEMENTS (heads); i++)
      g_print ("%*s%s", MAX (1, widths[i] - display_width (heads[i])), "", heads[i]);
    g_print ("\n");
  }
  for (guint i = 0; i < json_array_get_length (townships); i++)
    {
      JsonObject *t = json_array_get_object_element (townships, i);

      print_figures_row (json_object_get_string_member (t, "short_name"), json_object_get_object_member (t, "figures"));
    }
  print_figures_row (_("Total"), json_object_get_object_member (r, "total"));
  for (guint i = 0; targets && i < json_array_get_length (targets); i++)
    {
      JsonObject *t = json_array_get_object_element (targets, i);

      g_print (_("Target %lld participants by %s: %lld (%.1f%%)\n"),
               (long long) json_object_get_int_member (t, "participants"), json_object_get_string_member (t, "date"),
               (long long) json_object_get_int_member (t, "cumulative_participants"),
               json_object_get_double_member (t, "percent"));
    }
}

/* report quarterly --quarter 2025Q3 [--township T] [--csv FILE] [--pdf FILE] */
int
st_cli_report (Globals *g, int argc, char **argv)
{
  g_autofree char *quarter_text = NULL, *township = NULL, *csv = NULL, *pdf = NULL, *encoding_name = NULL;
  GOptionEntry entries[] = {
    { "quarter", 0, 0, G_OPTION_ARG_STRING, &quarter_text, N_("The quarter, e.g. 2025Q3"), N_("QUARTER") },
    { "township", 0, 0, G_OPTION_ARG_STRING, &township, N_("Only this township"), N_("TOWNSHIP") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Write the tables as CSV"), N_("FILE") },
    { "encoding", 0, 0, G_OPTION_ARG_STRING, &encoding_name, N_("CSV encoding: utf8 (default) or gb18030"), N_("ENCODING") },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Write the report as PDF (A4)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(StReport) report = NULL;
  g_autoptr(GError) error = NULL;
  StQuarter quarter;
  StCsvEncoding encoding;
  const char *code;

  if (!st_cli_parse_options ("report", N_("quarterly --quarter 2025Q3"),
                             N_("The quarterly progress report (annex 6 §四(三)) as text, JSON, CSV or PDF."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 2 || !g_str_equal (argv[1], "quarterly") || quarter_text == NULL || !parse_encoding (encoding_name, &encoding))
    return usage ("report quarterly --quarter 2025Q3 [--township T] [--json | --csv FILE | --pdf FILE]");
  if (!st_quarter_parse (quarter_text, &quarter, &error))
    return fail (g_steal_pointer (&error));
  db = st_cli_open_db (g);
  if (db == NULL || (divisions = st_cli_load_divisions (db)) == NULL)
    return 1;
  code = township_code (divisions, township, &error);
  if (township != NULL && code == NULL)
    return fail (g_steal_pointer (&error));
  report = st_report_quarterly (db, &quarter, code, &error);
  if (report == NULL)
    return fail (g_steal_pointer (&error));
  if (csv != NULL && !st_report_write_csv (report, csv, encoding, &error))
    return fail (g_steal_pointer (&error));
  if (pdf != NULL && !st_report_write_pdf (report, pdf, &error))
    return fail (g_steal_pointer (&error));
  if (g->json)
    {
      g_autoptr(JsonNode) node = st_report_to_json (report);

      st_cli_print_json (node);
    }
  else if (csv == NULL && pdf == NULL)
    {
      g_autoptr(JsonNode) node = st_report_to_json (report);

      print_report (node);
    }
  else
    {
      if (csv != NULL)
        g_print (_("Report written to %s\n"), csv);
      if (pdf != NULL)
        g_print (_("Report written to %s\n"), pdf);
    }
  return 0;
}

/* sign-in-sheet SESSION --pdf FILE */
int
st_cli_sign_in_sheet (Globals *g, int argc, char **argv)
{
  g_autofree char *pdf = NULL;
  GOptionEntry entries[] = {
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("The PDF file to write"), N_("FILE") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StSigninSheet) sheet = NULL;
  g_autoptr(GError) error = NULL;

  if (!st_cli_parse_options ("sign-in-sheet", N_("SESSION --pdf FILE"),
                             N_("The sign-in sheet (签到表) of a session, to print."), entries, &argc, &argv))
    return 2;
  if (argc != 2 || pdf == NULL)
    return usage ("sign-in-sheet SESSION --pdf FILE");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  sheet = st_signin_sheet_new (db, argv[1], &error);
  if (sheet == NULL || !st_signin_sheet_write_pdf (sheet, pdf, &error))
    return fail (g_steal_pointer (&error));
  {
    g_autofree char *message = g_strdup_printf (_("Sign-in sheet written to %s\n"), pdf);

    g_strchomp (message);
    st_cli_print_result (g, message, "session", argv[1], "pdf", pdf, NULL);
  }
  return 0;
}
