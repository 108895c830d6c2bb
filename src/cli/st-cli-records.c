/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli commands for training records: classes, enrolments,
 * sessions, attendance, study logs, assignments, assessments, exemptions
 * and study dates. */
#define G_LOG_DOMAIN "st-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "st-cli-private.h"
#include "st-records.h"
#include "st-schedule.h"

static void
session_to_json (JsonBuilder *b,
                 gpointer     item)
{
  const StSession *s = item;

  json_builder_begin_object (b);
  st_json_add_string (b, "id", s->id);
  st_json_add_string (b, "class", s->class_id);
  st_json_add_string (b, "date", s->date);
  st_json_add_int (b, "minutes", s->minutes);
  st_json_add_string (b, "mode", s->mode);
  st_json_add_string (b, "subject", s->subject);
  st_json_add_string (b, "trainer", s->trainer);
  st_json_add_string (b, "place", s->place);
  json_builder_end_object (b);
}

static void
class_to_json (JsonBuilder *b,
               gpointer     item)
{
  const StClass *c = item;

  json_builder_begin_object (b);
  st_json_add_string (b, "id", c->id);
  st_json_add_string (b, "name", c->name);
  st_json_add_string (b, "program", c->program_code);
  st_json_add_string (b, "major", c->major);
  st_json_add_string (b, "township_code", c->township_code);
  st_json_add_string (b, "teaching_point", c->teaching_point);
  st_json_add_string (b, "start_date", c->start_date);
  st_json_add_string (b, "schedule", c->schedule);
  json_builder_set_member_name (b, "trainers");
  json_builder_begin_array (b);
  for (guint i = 0; c->trainers && c->trainers[i]; i++)
    json_builder_add_string_value (b, c->trainers[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
class_print (gpointer item,
             gpointer divisions)
{
  const StClass *c = item;

  g_print ("%s\t%s\t%s\t%s\t%s\n", c->id, c->name, st_cli_division_name (divisions, c->township_code),
           c->major ? c->major : "", c->start_date);
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
    return st_cli_usage ("class add --name NAME --major MAJOR --township T --start DATE | class list | class show CLASS");
  db = st_cli_open_db (g);
  if (db == NULL || (divisions = st_cli_load_divisions (db)) == NULL)
    return 1;

  if (g_str_equal (argv[1], "add"))
    {
      g_autoptr(StClass) c = st_class_new ();
      const char *code = st_cli_township_code (divisions, township, &error);

      if (township == NULL)
        return st_cli_usage ("class add --name NAME --major MAJOR --township T --start DATE");
      if (code == NULL)
        return st_cli_fail (g_steal_pointer (&error));
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
        return st_cli_fail (g_steal_pointer (&error));
      if (g->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          class_to_json (b, c);
          st_cli_print_builder (b);
        }
      else
        g_print ("%s\n", c->id);
      return 0;
    }
  if (g_str_equal (argv[1], "list"))
    {
      const char *code = st_cli_township_code (divisions, township, &error);
      g_autoptr(GPtrArray) list = NULL;

      if (error != NULL)
        return st_cli_fail (g_steal_pointer (&error));
      list = st_class_list (db, code, &error);
      if (list == NULL)
        return st_cli_fail (g_steal_pointer (&error));
      st_cli_print_list (g, list, class_to_json, class_print, divisions);
      return 0;
    }
  if (g_str_equal (argv[1], "show") && argc == 3)
    {
      g_autofree char *id = st_cli_resolve_class (db, argv[2], &error);
      g_autoptr(StClass) c = NULL;
      g_autoptr(GPtrArray) enrolments = NULL;
      g_autoptr(GPtrArray) sessions = NULL;
      g_autofree char *schedule_text = NULL;
      StScheduleStatus status = { 0, };
      gboolean has_schedule = FALSE;

      if (id == NULL || (c = st_class_load (db, id, &error)) == NULL
          || (enrolments = st_enrolment_list (db, id, NULL, &error)) == NULL
          || (sessions = st_session_list (db, id, &error)) == NULL)
        return st_cli_fail (g_steal_pointer (&error));
      {
        g_autoptr(StProgram) rules = st_program_load (db, c->program_code, NULL);
        g_autofree char *today = st_cli_today_or (NULL);

        if (rules != NULL && rules->kind == ST_PROGRAM_DIPLOMA
            && !st_class_schedule_status (db, c->id, today, &status, &error))
          return st_cli_fail (g_steal_pointer (&error));
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
              st_json_add_string (b, "schedule", st_schedule_to_code (status.schedule));
              json_builder_set_member_name (b, "behind");
              json_builder_add_boolean_value (b, status.behind);
              st_json_add_int (b, "month_minutes", status.month_minutes);
              st_json_add_int (b, "months_short", status.months_short);
              st_json_add_int (b, "blocks_held", status.blocks_held);
              st_json_add_int (b, "blocks_expected", status.blocks_expected);
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
              st_json_add_string (b, "enrolment", e->id);
              st_json_add_string (b, "participant", e->participant_id);
              st_json_add_string (b, "name", p ? p->name : NULL);
              st_json_add_string (b, "id_number", masked);
              st_json_add_string (b, "enrolled_on", e->enrolled_on);
              st_json_add_string (b, "state", e->state);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_set_member_name (b, "sessions");
          json_builder_begin_array (b);
          for (guint i = 0; i < sessions->len; i++)
            session_to_json (b, g_ptr_array_index (sessions, i));
          json_builder_end_array (b);
          json_builder_end_object (b);
          st_cli_print_builder (b);
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
  return st_cli_usage ("class add --name NAME --major MAJOR --township T --start DATE | class list | class show CLASS");
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
    return st_cli_usage ("enrol CLASS ID-NUMBER… [--date DATE] [--years N]");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  cid = st_cli_resolve_class (db, argv[1], &error);
  if (cid == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  json_builder_begin_array (b);
  for (int i = 2; i < argc; i++)
    {
      g_autofree char *pid = st_cli_resolve_participant (db, argv[i], &error);
      g_autofree char *eid = NULL;

      if (pid == NULL || (eid = st_enrol (db, pid, cid, date, (guint) years, &error)) == NULL)
        return st_cli_fail (g_steal_pointer (&error));
      if (g->json)
        {
          json_builder_begin_object (b);
          st_json_add_string (b, "enrolment", eid);
          st_json_add_string (b, "participant", pid);
          json_builder_end_object (b);
        }
      else
        g_print ("%s\n", eid);
    }
  return st_cli_end_list (g, b);
}

/* What the commands about one person's enrolment share: which of the
 * person's classes (--class), the date (--date, default today), and the
 * database and enrolment they open. */
typedef struct
{
  char *klass;
  char *date;
  StDb *db;
  char *eid;
  char *day;
} Enrolment;

static void
enrolment_clear (Enrolment *e)
{
  g_free (e->klass);
  g_free (e->date);
  g_clear_object (&e->db);
  g_free (e->eid);
  g_free (e->day);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Enrolment, enrolment_clear)

#define CLASS_OPTION(e) \
  { "class", 0, 0, G_OPTION_ARG_STRING, &(e).klass, N_("The class (if the participant is in several)"), N_("CLASS") }

/* Opens the database and finds the enrolment of @who (an ID number or a
 * participant's key) in --class (none: the one class @who is in), and the
 * day of --date; FALSE after a message. */
static gboolean
enrolment_open (Globals    *g,
                Enrolment  *e,
                const char *who)
{
  g_autoptr(GError) error = NULL;

  e->db = st_cli_open_db (g);
  if (e->db == NULL)
    return FALSE;
  e->eid = st_cli_resolve_enrolment (e->db, e->klass, who, &error);
  if (e->eid == NULL)
    {
      st_cli_fail (g_steal_pointer (&error));
      return FALSE;
    }
  e->day = st_cli_today_or (e->date);
  return TRUE;
}

/* withdraw ID-NUMBER --class C --date D --reason R */
int
st_cli_withdraw (Globals *g, int argc, char **argv)
{
  g_auto(Enrolment) e = { 0, };
  g_autofree char *reason = NULL;
  GOptionEntry entries[] = {
    CLASS_OPTION (e),
    { "date", 0, 0, G_OPTION_ARG_STRING, &e.date, N_("Date of the withdrawal (default today)"), N_("DATE") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;

  if (!st_cli_parse_options ("withdraw", N_("ID-NUMBER"), N_("Record a withdrawal (退学) with its date and reason."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 2)
    return st_cli_usage ("withdraw ID-NUMBER [--class CLASS] --date DATE --reason TEXT");
  if (!enrolment_open (g, &e, argv[1]))
    return 1;
  if (!st_withdraw (e.db, e.eid, e.day, reason, &error))
    return st_cli_fail (g_steal_pointer (&error));
  return 0;
}

static void
session_print (gpointer item,
               gpointer data)
{
  const StSession *s = item;

  g_print ("%s\t%s\t%.1f\t%s\t%s\t%s\n", s->id, s->date, s->minutes / 60.0, s->mode, s->subject,
           s->trainer ? s->trainer : "");
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
    return st_cli_usage ("session add CLASS --hours H --subject S [--date D] [--mode M] [--all-present] | session list CLASS");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  cid = st_cli_resolve_class (db, argv[2], &error);
  if (cid == NULL)
    return st_cli_fail (g_steal_pointer (&error));

  if (g_str_equal (argv[1], "add"))
    {
      g_autoptr(StSession) s = g_new0 (StSession, 1);

      if (!st_cli_parse_hours (hours, &s->minutes, &error))
        return st_cli_fail (g_steal_pointer (&error));
      s->class_id = g_strdup (cid);
      s->date = st_cli_today_or (date);
      s->mode = g_strdup (mode ? mode : "concentrated");
      s->subject = g_strdup (subject);
      s->trainer = g_strdup (trainer);
      s->place = g_strdup (place);
      if (!st_session_create (db, s, &error))
        return st_cli_fail (g_steal_pointer (&error));
      if (!g->json)
        g_print ("%s\n", s->id);
      if (all_present)
        {
          n = st_attendance_fill_present (db, s->id, &error);

          if (n < 0)
            return st_cli_fail (g_steal_pointer (&error));
          if (!g->json)
            g_printerr (g_dngettext (GETTEXT_PACKAGE, "%d participant marked present\n",
                                     "%d participants marked present\n", n), n);
        }
      if (g->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          session_to_json (b, s);
          st_cli_print_builder (b);
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
        return st_cli_fail (g_steal_pointer (&error));
      st_cli_print_list (g, list, session_to_json, session_print, NULL);
      return 0;
    }
  return st_cli_usage ("session add CLASS … | session list CLASS");
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
    return st_cli_usage ("attend SESSION ID-NUMBER… [--status S] [--hours H] | attend SESSION --all-present");
  if (hours != NULL && !st_cli_parse_hours (hours, &minutes, &error))
    return st_cli_fail (g_steal_pointer (&error));
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  for (int i = 2; i < argc; i++)
    {
      g_autofree char *pid = st_cli_resolve_participant (db, argv[i], &error);

      if (pid == NULL || !st_attendance_set (db, argv[1], pid, status ? status : "present", minutes, &error))
        return st_cli_fail (g_steal_pointer (&error));
    }
  if (all_present)
    {
      int n = st_attendance_fill_present (db, argv[1], &error);

      if (n < 0)
        return st_cli_fail (g_steal_pointer (&error));
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
  StStudyHours logged;

  if (!st_cli_parse_options ("study-log", N_("[ID-NUMBER] --hours H --kind K"),
                             N_("Self-study and online hours (自学/线上学时), for one participant or a whole class."),
                             entries, &argc, &argv))
    return 2;
  if ((klass == NULL) == (argc != 2))
    return st_cli_usage ("study-log ID-NUMBER --hours H --kind self|online | study-log --class CLASS --hours H --kind K [--except ID-NUMBER]");
  if (!st_cli_parse_hours (hours, &minutes, &error))
    return st_cli_fail (g_steal_pointer (&error));
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  day = st_cli_today_or (date);
  logged = (StStudyHours) { .date = day, .minutes = minutes, .kind = kind, .source = source };
  if (klass == NULL)
    {
      g_autofree char *pid = st_cli_resolve_participant (db, argv[1], &error);

      if (pid == NULL || !st_study_log_add (db, pid, NULL, &logged, &error))
        return st_cli_fail (g_steal_pointer (&error));
      return 0;
    }
  else
    {
      g_autofree char *cid = st_cli_resolve_class (db, klass, &error);
      g_autoptr(GPtrArray) skip = g_ptr_array_new_with_free_func (g_free);
      int n;

      if (cid == NULL)
        return st_cli_fail (g_steal_pointer (&error));
      for (guint i = 0; except && except[i]; i++)
        {
          char *pid = st_cli_resolve_participant (db, except[i], &error);

          if (pid == NULL)
            return st_cli_fail (g_steal_pointer (&error));
          g_ptr_array_add (skip, pid);
        }
      g_ptr_array_add (skip, NULL);
      n = st_study_log_add_for_class (db, cid, &logged, (const char *const *) skip->pdata, &error);
      if (n < 0)
        return st_cli_fail (g_steal_pointer (&error));
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
  g_auto(Enrolment) e = { 0, };
  g_autofree char *title = NULL, *done = NULL, *date = NULL;
  GOptionEntry entries[] = {
    CLASS_OPTION (e),
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
    return st_cli_usage ("assignment add ID-NUMBER --title TEXT [--done DATE] | assignment done KEY [--date DATE]");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  if (g_str_equal (argv[1], "add"))
    {
      g_autofree char *eid = st_cli_resolve_enrolment (db, e.klass, argv[2], &error);
      g_autofree char *id = NULL;

      if (eid == NULL || (id = st_assignment_add (db, eid, title, done, &error)) == NULL)
        return st_cli_fail (g_steal_pointer (&error));
      st_cli_print_result (g, id, "id", id, "enrolment", eid, NULL);
      return 0;
    }
  if (g_str_equal (argv[1], "done"))
    {
      g_autofree char *day = st_cli_today_or (date);

      if (!st_assignment_set_done (db, argv[2], day, &error))
        return st_cli_fail (g_steal_pointer (&error));
      return 0;
    }
  return st_cli_usage ("assignment add ID-NUMBER --title TEXT | assignment done KEY");
}

/* assess ID-NUMBER --kind K --result R [--date D] [--assessor A] */
int
st_cli_assess (Globals *g, int argc, char **argv)
{
  g_auto(Enrolment) e = { 0, };
  g_autofree char *kind = NULL, *result = NULL, *assessor = NULL;
  GOptionEntry entries[] = {
    CLASS_OPTION (e),
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("culture, skill or moral"), N_("KIND") },
    { "result", 0, 0, G_OPTION_ARG_STRING, &result, N_("pass or fail"), N_("RESULT") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &e.date, N_("Date (default today)"), N_("DATE") },
    { "assessor", 0, 0, G_OPTION_ARG_STRING, &assessor, N_("Who assessed"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;

  if (!st_cli_parse_options ("assess", N_("ID-NUMBER --kind K --result R"),
                             N_("Record an assessment (考核): culture course, vocational skill course or moral evaluation."),
                             entries, &argc, &argv))
    return 2;
  if (argc < 2)
    return st_cli_usage ("assess ID-NUMBER… --kind culture|skill|moral --result pass|fail [--date D]");
  e.db = st_cli_open_db (g);
  if (e.db == NULL)
    return 1;
  e.day = st_cli_today_or (e.date);
  for (int i = 1; i < argc; i++)
    {
      g_autofree char *eid = st_cli_resolve_enrolment (e.db, e.klass, argv[i], &error);

      if (eid == NULL || !st_assessment_record (e.db, eid, kind, result, e.day, assessor, &error))
        {
          g_autofree char *msg = g_strdup_printf ("%s: %s", argv[i], error->message);

          st_cli_error (msg);
          return 1;
        }
    }
  return 0;
}

/* exempt ID-NUMBER --kind … --basis B [--target K] [--credits N] */
int
st_cli_exempt (Globals *g, int argc, char **argv)
{
  g_auto(Enrolment) e = { 0, };
  g_autofree char *kind = NULL, *target = NULL, *basis = NULL, *credit_basis = NULL;
  int credits = 0, years = 0;
  StExemptionEntry entry;
  GOptionEntry entries[] = {
    { "credit-basis", 0, 0, G_OPTION_ARG_STRING, &credit_basis,
      N_("For credits: certificate, award or innovation (annex 6 §(六)2–3)"), N_("BASIS") },
    CLASS_OPTION (e),
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("exemption, credit or internship_waiver"), N_("KIND") },
    { "target", 0, 0, G_OPTION_ARG_STRING, &target, N_("For an exemption: culture or skill"), N_("KIND") },
    { "basis", 0, 0, G_OPTION_ARG_STRING, &basis, N_("The certificate, award or work record"), N_("TEXT") },
    { "credits", 0, 0, G_OPTION_ARG_INT, &credits, N_("Credits awarded"), "N" },
    { "years", 0, 0, G_OPTION_ARG_INT, &years, N_("For a waiver: years of related work"), "N" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &e.date, N_("Date (default today)"), N_("DATE") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;

  if (!st_cli_parse_options ("exempt", N_("ID-NUMBER --kind K --basis B"),
                             N_("Exemptions by certificate, credits, and the internship waiver (annex 6 §(六)2–4)."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 2)
    return st_cli_usage ("exempt ID-NUMBER --kind exemption|credit|internship_waiver --basis TEXT [--target K] [--credits N] [--credit-basis certificate|award|innovation] [--years N]");
  if (!enrolment_open (g, &e, argv[1]))
    return 1;
  entry = (StExemptionEntry) {
    .kind = kind, .target = target, .credit_basis = credit_basis, .basis = basis,
    .credits = g_strcmp0 (kind, "internship_waiver") == 0 ? years : credits, .date = e.day,
  };
  if (!st_exemption_add (e.db, e.eid, &entry, &error))
    return st_cli_fail (g_steal_pointer (&error));
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
  g_auto(Enrolment) e = { 0, };
  GOptionEntry entries[] = {
    CLASS_OPTION (e),
    { "date", 0, 0, G_OPTION_ARG_STRING, &e.date, N_("Date (default today)"), N_("DATE") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;

  if (!st_cli_parse_options (name, N_("ID-NUMBER [--date DATE]"), summary, entries, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      g_autofree char *form = g_strdup_printf ("%s ID-NUMBER [--class CLASS] [--date DATE]", name);
      return st_cli_usage (form);
    }
  if (!enrolment_open (g, &e, argv[1]))
    return 1;
  if (!record (e.db, e.eid, e.day, &error))
    return st_cli_fail (g_steal_pointer (&error));
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
  g_auto(Enrolment) e = { 0, };
  int years = -1;
  GOptionEntry entries[] = {
    CLASS_OPTION (e),
    { "years", 0, 0, G_OPTION_ARG_INT, &years, N_("Years added to the study length (0 takes an extension back)"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;

  if (!st_cli_parse_options ("extend", N_("ID-NUMBER --years N"),
                             N_("Record an approved extension of the study length, when the program allows one (annex 6 §(七)1(2))."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 2 || years < 0)
    return st_cli_usage ("extend ID-NUMBER --years N [--class CLASS]");
  if (!enrolment_open (g, &e, argv[1]))
    return 1;
  if (!st_extend_study (e.db, e.eid, (guint) years, &error))
    return st_cli_fail (g_steal_pointer (&error));
  return 0;
}
