/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli visit add | list: outreach visits (摸排走访) of one
 * participant, with the core's checks; what a visit changed in the
 * participant's record is printed, never done silently. */
#define G_LOG_DOMAIN "st-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "st-cli-private.h"
#include "st-date.h"
#include "st-idcard.h"
#include "st-outreach.h"
#include "st-participant-query.h"
#include "st-participant-search.h"
#include "st-visit.h"
#include "st-visit-sheet.h"

/* The code a word names, or the word itself, which the core then refuses
 * by name. */
static char *
code_of (const char  *text,
         const char *(*from_text) (const char *))
{
  const char *code;

  if (text == NULL)
    return NULL;
  code = from_text (text);
  return g_strdup (code != NULL ? code : text);
}

/* "yes"/"no" (是/否); -1 for anything else. */
static int
yes_no (const char *text)
{
  g_autofree char *t = g_strstrip (g_strdup (text));

  if (g_ascii_strcasecmp (t, "yes") == 0 || g_str_equal (t, "是") || g_str_equal (t, _("yes")))
    return 1;
  if (g_ascii_strcasecmp (t, "no") == 0 || g_str_equal (t, "否") || g_str_equal (t, _("no")))
    return 0;
  return -1;
}

/* --away-place "浙江省 宁波市" (or 浙江省/宁波市): a province and a city. */
static void
split_place (const char  *place,
             char       **province,
             char       **city)
{
  g_autofree char *t = g_strstrip (g_strdup (place));
  char *cut = strpbrk (t, " /\t");

  if (cut != NULL)
    {
      *cut = '\0';
      *city = g_strstrip (g_strdup (cut + 1));
    }
  *province = g_strdup (t);
}

static void
add_visit_json (JsonBuilder   *b,
                const StVisit *v)
{
  json_builder_begin_object (b);
  st_json_add_string (b, "id", v->id);
  st_json_add_string (b, "date", v->date);
  st_json_add_string (b, "visitor", v->visitor);
  st_json_add_string (b, "how", v->how);
  json_builder_set_member_name (b, "reached");
  json_builder_add_boolean_value (b, v->reached);
  st_json_add_string (b, "lives", v->lives);
  st_json_add_string (b, "away_province", v->away_province);
  st_json_add_string (b, "away_city", v->away_city);
  st_json_add_string (b, "work", v->work);
  st_json_add_string (b, "health", v->health);
  st_json_add_string (b, "willing", v->willing);
  st_json_add_string (b, "major", v->major);
  st_json_add_string (b, "phone", v->phone);
  st_json_add_string (b, "note", v->note);
  json_builder_end_object (b);
}

/* visit add ID-NUMBER --date D --by NAME --how H --reached yes|no … */
static int
visit_add (Globals *g, int argc, char **argv)
{
  g_autofree char *date = NULL, *by = NULL, *how = NULL, *reached = NULL, *lives = NULL;
  g_autofree char *province = NULL, *city = NULL, *place = NULL, *work = NULL, *health = NULL;
  g_autofree char *willing = NULL, *major = NULL, *phone = NULL, *note = NULL;
  gboolean not_reached = FALSE;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Date of the visit (default today)"), N_("YYYY-MM-DD") },
    { "by", 0, 0, G_OPTION_ARG_STRING, &by, N_("Who made the visit"), N_("NAME") },
    { "how", 0, 0, G_OPTION_ARG_STRING, &how, N_("home (home visit), phone, committee (through the village committee)"), N_("HOW") },
    { "reached", 0, 0, G_OPTION_ARG_STRING, &reached, N_("Whether the person was reached: yes or no"), N_("yes|no") },
    { "not-reached", 0, 0, G_OPTION_ARG_NONE, &not_reached, N_("The same as --reached no"), NULL },
    { "lives", 0, 0, G_OPTION_ARG_STRING, &lives, N_("Where they live now: home or away"), N_("home|away") },
    { "away-place", 0, 0, G_OPTION_ARG_STRING, &place, N_("Where away: province and city, as \"浙江省 宁波市\""), N_("PLACE") },
    { "province", 0, 0, G_OPTION_ARG_STRING, &province, N_("Where away: the province"), N_("PROVINCE") },
    { "city", 0, 0, G_OPTION_ARG_STRING, &city, N_("Where away: the city"), N_("CITY") },
    { "work", 0, 0, G_OPTION_ARG_STRING, &work, N_("farming, local (local work), away (working away) or none"), N_("WORK") },
    { "health", 0, 0, G_OPTION_ARG_STRING, &health, N_("good, illness (chronic illness) or disability"), N_("HEALTH") },
    { "willing", 0, 0, G_OPTION_ARG_STRING, &willing, N_("Willing to enrol: yes, no or later"), N_("yes|no|later") },
    { "major", 0, 0, G_OPTION_ARG_STRING, &major, N_("The major they would study"), N_("MAJOR") },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_("A phone number that reaches them"), N_("PHONE") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("Note"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StParticipant) p = NULL;
  g_autoptr(StVisit) v = st_visit_new ();
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  int is_reached;

  if (!st_cli_parse_options ("visit add", N_("ID-NUMBER --date D --by NAME --how H --reached yes|no …"),
                             N_("Record an outreach visit. The latest visit’s phone, work and health "
                                "update the participant’s record; what changed is printed."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      st_cli_error (_("usage: visit add ID-NUMBER --date D --by NAME --how home|phone|committee --reached yes|no …"));
      return 2;
    }
  is_reached = not_reached ? 0 : reached != NULL ? yes_no (reached) : -1;
  if (is_reached < 0 || (not_reached && reached != NULL && yes_no (reached) != 0))
    {
      st_cli_error (_("Reached: say whether the visit reached the person, with --reached yes or --reached no."));
      return 2;
    }
  if (place != NULL)
    {
      g_clear_pointer (&province, g_free);
      g_clear_pointer (&city, g_free);
      split_place (place, &province, &city);
    }

  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  p = st_cli_find_participant (db, argv[1], &error);
  if (p == NULL)
    return st_cli_fail (g_steal_pointer (&error));

  v->participant_id = g_strdup (p->id);
  v->date = date != NULL ? g_strstrip (g_strdup (date)) : st_date_today ();
  v->visitor = by != NULL ? g_strstrip (g_strdup (by)) : NULL;
  v->how = code_of (how, st_visit_how_from_text);
  v->reached = is_reached == 1;
  /* Away and a place say "lives away" on their own. */
  v->lives = code_of (lives, st_visit_lives_from_text);
  if (v->lives == NULL && province != NULL)
    v->lives = g_strdup ("away");
  v->away_province = g_steal_pointer (&province);
  v->away_city = g_steal_pointer (&city);
  v->work = code_of (work, st_visit_work_from_text);
  v->health = code_of (health, st_visit_health_from_text);
  v->willing = code_of (willing, st_visit_willing_from_text);
  v->major = g_steal_pointer (&major);
  v->phone = g_steal_pointer (&phone);
  v->note = g_steal_pointer (&note);

  changes = st_visit_add (db, v, &error);
  if (changes == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  if (changes->len > 0 && !st_participant_search_refresh_one (db, p->id, &error))
    g_warning ("Could not update the search index: %s", error->message);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      st_json_add_string (b, "participant", p->id);
      st_json_add_string (b, "name", p->name);
      json_builder_set_member_name (b, "visit");
      add_visit_json (b, v);
      json_builder_set_member_name (b, "changed");
      json_builder_begin_array (b);
      for (guint i = 0; i < changes->len; i++)
        {
          StVisitChange *c = g_ptr_array_index (changes, i);

          json_builder_begin_object (b);
          st_json_add_string (b, "field", c->column);
          st_json_add_string (b, "old", c->old_value);
          st_json_add_string (b, "new", c->new_value);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      st_cli_print_builder (b);
      return 0;
    }
  /* Translators: "Visit of 王秀英 on 2025-03-01 saved." */
  g_print (_("Visit of %s on %s saved.\n"), p->name, v->date);
  if (changes->len > 0)
    g_print ("%s\n", _("The participant’s record now says:"));
  for (guint i = 0; i < changes->len; i++)
    {
      g_autofree char *line = st_visit_change_describe (g_ptr_array_index (changes, i));

      g_print ("  %s\n", line);
    }
  return 0;
}

/* One line of visit list: date, how, visitor, reached, and the answers. */
static char *
describe_visit (const StVisit *v)
{
  g_autoptr(GString) line = g_string_new (NULL);

  g_string_append_printf (line, "%s\t%s\t%s\t%s", v->date, st_visit_how_to_display (v->how), v->visitor,
                          v->reached ? _("reached") : _("not reached"));
  if (v->lives != NULL)
    {
      g_string_append_printf (line, "\t%s", st_visit_lives_to_display (v->lives));
      if (v->away_province != NULL)
        g_string_append_printf (line, " %s%s", v->away_province, v->away_city ? v->away_city : "");
    }
  if (v->work != NULL)
    g_string_append_printf (line, "\t%s", st_visit_work_to_display (v->work));
  if (v->health != NULL)
    g_string_append_printf (line, "\t%s", st_visit_health_to_display (v->health));
  if (v->willing != NULL)
    g_string_append_printf (line, "\t%s", st_visit_willing_to_display (v->willing));
  if (v->major != NULL)
    g_string_append_printf (line, " (%s)", v->major);
  if (v->phone != NULL)
    g_string_append_printf (line, "\t%s", v->phone);
  if (v->note != NULL)
    g_string_append_printf (line, "\t%s", v->note);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* The visits of one participant, latest first. */
static int
list_one (Globals    *g,
          StDb       *db,
          const char *who)
{
  g_autoptr(StParticipant) p = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GError) error = NULL;

  p = st_cli_find_participant (db, who, &error);
  if (p == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  visits = st_visit_list (db, p->id, &error);
  if (visits == NULL)
    return st_cli_fail (g_steal_pointer (&error));

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < visits->len; i++)
        add_visit_json (b, g_ptr_array_index (visits, i));
      json_builder_end_array (b);
      st_cli_print_builder (b);
      return 0;
    }
  if (visits->len == 0)
    g_print (_("%s has not been visited yet.\n"), p->name);
  for (guint i = 0; i < visits->len; i++)
    {
      g_autofree char *line = describe_visit (g_ptr_array_index (visits, i));

      g_print ("%s\n", line);
    }
  return 0;
}

/* The people of a township or village as the outreach filter of the
 * Participants page picks them, with their last visit; ID numbers masked. */
static int
list_people (Globals            *g,
             StDb               *db,
             StParticipantQuery *query)
{
  g_autoptr(StDivisions) divisions = st_cli_load_divisions (db);
  g_autoptr(GArray) rowids = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(GError) error = NULL;

  if (divisions == NULL)
    return 1;
  rowids = st_participant_query_run (db, query, &error);
  if (rowids != NULL)
    rows = st_participant_query_fetch (db, (const gint64 *) rowids->data, rowids->len, &error);
  if (rows == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  if (g->json)
    {
      b = json_builder_new ();
      json_builder_begin_array (b);
    }
  for (guint i = 0; i < rows->len; i++)
    {
      StParticipantSummary *row = g_ptr_array_index (rows, i);
      g_autofree char *masked = NULL;
      const char *village;

      if (row == NULL)
        continue;
      masked = st_idcard_mask (row->id_number);
      village = row->village_code ? st_cli_division_name (divisions, row->village_code)
                                  : (row->village_name ? row->village_name : "");
      if (b != NULL)
        {
          json_builder_begin_object (b);
          st_json_add_string (b, "id", row->id);
          st_json_add_string (b, "name", row->name);
          st_json_add_string (b, "id_number", masked);
          st_json_add_string (b, "township", st_cli_division_name (divisions, row->township_code));
          st_json_add_string (b, "village", village);
          st_json_add_string (b, "last_visit", row->last_visit);
          json_builder_set_member_name (b, "last_visit_reached");
          if (row->last_visit != NULL)
            json_builder_add_boolean_value (b, row->last_visit_reached);
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      else if (row->last_visit == NULL)
        g_print ("%s\t%s\t%s\t%s\t%s\n", row->name, masked, st_cli_division_name (divisions, row->township_code),
                 village, _("not visited"));
      else
        g_print ("%s\t%s\t%s\t%s\t%s %s\n", row->name, masked, st_cli_division_name (divisions, row->township_code),
                 village, row->last_visit, row->last_visit_reached ? _("reached") : _("not reached"));
    }
  if (b != NULL)
    {
      json_builder_end_array (b);
      st_cli_print_builder (b);
    }
  return 0;
}

/* visit list ID-NUMBER: one participant's visits; visit list [--township T]
 * [--village V] [--not-visited|--not-reached|--willing]: who is where in
 * the outreach. */
static int
visit_list (Globals *g, int argc, char **argv)
{
  g_autofree char *township = NULL, *village = NULL;
  gboolean not_visited = FALSE, not_reached = FALSE, willing = FALSE;
  GOptionEntry entries[] = {
    { "township", 0, 0, G_OPTION_ARG_STRING, &township, N_("Only this township (name or code)"), N_("TOWNSHIP") },
    { "village", 0, 0, G_OPTION_ARG_STRING, &village, N_("Only this village of the township"), N_("VILLAGE") },
    { "not-visited", 0, 0, G_OPTION_ARG_NONE, &not_visited, N_("Only those not visited yet"), NULL },
    { "not-reached", 0, 0, G_OPTION_ARG_NONE, &not_reached, N_("Only those visited but never reached"), NULL },
    { "willing", 0, 0, G_OPTION_ARG_NONE, &willing, N_("Only those willing to enrol and in no class"), NULL },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  StParticipantQuery query = { 0 };

  if (!st_cli_parse_options ("visit list", N_("ID-NUMBER | [--township T] [--village V] [--not-visited|--not-reached|--willing]"),
                             N_("The outreach visits of a participant, latest first; or, without an ID number, "
                                "the participants with their last visit."),
                             entries, &argc, &argv))
    return 2;
  if (argc > 2 || (argc == 2 && (township || village || not_visited || not_reached || willing))
      || not_visited + not_reached + willing > 1 || (village != NULL && township == NULL))
    {
      st_cli_error (_("usage: visit list ID-NUMBER | visit list [--township T [--village V]] "
                      "[--not-visited|--not-reached|--willing]"));
      return 2;
    }
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  if (argc == 2)
    return list_one (g, db, argv[1]);

  divisions = st_cli_load_divisions (db);
  if (divisions == NULL)
    return 1;
  if (township != NULL)
    {
      const StDivision *t = st_cli_find_township (divisions, township);
      g_autofree char *message = NULL;

      if (t == NULL)
        return 1;
      query.township_code = t->code;
      if (village != NULL)
        {
          const StDivision *v = st_divisions_find_village (divisions, t->code, village);

          if (v == NULL)
            {
              message = g_strdup_printf (_("Village: “%s” is not a village of %s (or it names several)."),
                                         village, t->name);
              st_cli_error (message);
              return 1;
            }
          query.village_code = v->code;
        }
    }
  query.outreach = not_visited ? "not_visited" : not_reached ? "not_reached" : willing ? "willing" : NULL;
  return list_people (g, db, &query);
}

/* visit progress [--township T] [--csv FILE]: each township from the
 * roster to enrolment. */
static int
visit_progress (Globals *g, int argc, char **argv)
{
  g_autofree char *township = NULL, *csv = NULL, *pdf = NULL;
  GOptionEntry entries[] = {
    { "township", 0, 0, G_OPTION_ARG_STRING, &township, N_("Only this township (name or code)"), N_("TOWNSHIP") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Write the figures to a CSV file for the county"), N_("FILE") },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Write the figures as an A4 PDF"), N_("FILE") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  const char *code = NULL;

  if (!st_cli_parse_options ("visit progress", N_("[--township T] [--csv FILE] [--pdf FILE]"),
                             N_("Each township’s outreach: the people to visit, visited, reached, "
                                "willing to enrol, and enrolled."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 1)
    {
      st_cli_error (_("usage: visit progress [--township T] [--csv FILE] [--pdf FILE]"));
      return 2;
    }
  db = st_cli_open_db_township (g, township, &divisions, &code);
  if (db == NULL)
    return 1;
  rows = st_outreach_progress (db, code, &error);
  if (rows == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  if (csv != NULL && !st_outreach_write_csv (rows, csv, ST_CSV_ENCODING_UTF8_BOM, &error))
    return st_cli_fail (g_steal_pointer (&error));
  if (pdf != NULL && !st_outreach_write_pdf (rows, pdf, &error))
    return st_cli_fail (g_steal_pointer (&error));

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < rows->len; i++)
        {
          const StOutreachRow *row = g_ptr_array_index (rows, i);

          json_builder_begin_object (b);
          st_json_add_string (b, "township_code", row->township_code);
          st_json_add_string (b, "township", row->township);
          st_json_add_int (b, "people", row->people);
          st_json_add_int (b, "visited", row->visited);
          st_json_add_int (b, "reached", row->reached);
          st_json_add_int (b, "willing", row->willing);
          st_json_add_int (b, "enrolled", row->enrolled);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      st_cli_print_builder (b);
      return 0;
    }
  g_print ("%s\t%s\t%s\t%s\t%s\t%s\n", _("Township"), _("People to visit"), _("Visited"),
           C_("outreach", "Reached"), _("Willing to enrol"), _("Enrolled"));
  for (guint i = 0; i < rows->len; i++)
    {
      const StOutreachRow *row = g_ptr_array_index (rows, i);

      g_print ("%s\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT
               "\t%" G_GINT64_FORMAT "\n", row->township, row->people, row->visited, row->reached, row->willing,
               row->enrolled);
    }
  return 0;
}

/* visit sheet --township T [--village V] --output FILE.pdf: the list to
 * take on the round. */
static int
visit_sheet (Globals *g, int argc, char **argv)
{
  g_autofree char *township = NULL, *village = NULL, *output = NULL;
  GOptionEntry entries[] = {
    { "township", 0, 0, G_OPTION_ARG_STRING, &township, N_("The township (name or code)"), N_("TOWNSHIP") },
    { "village", 0, 0, G_OPTION_ARG_STRING, &village, N_("Only this village of the township"), N_("VILLAGE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF file to write"), N_("FILE") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(StDocSheet) sheet = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const StDivision *t, *v = NULL;

  if (!st_cli_parse_options ("visit sheet", N_("--township T [--village V] --output FILE.pdf"),
                             N_("The A4 visit list of a township or village: everyone not yet reached, "
                                "with blank columns to fill in by hand."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 1 || township == NULL || output == NULL)
    {
      st_cli_error (_("usage: visit sheet --township T [--village V] --output FILE.pdf"));
      return 2;
    }
  db = st_cli_open_db_divisions (g, &divisions);
  if (db == NULL)
    return 1;
  t = st_cli_find_township (divisions, township);
  if (t == NULL)
    return 1;
  if (village != NULL && (v = st_divisions_find_village (divisions, t->code, village)) == NULL)
    {
      message = g_strdup_printf (_("Village: “%s” is not a village of %s (or it names several)."), village, t->name);
      st_cli_error (message);
      return 1;
    }
  sheet = st_visit_sheet_new (db, t->code, v ? v->code : NULL, &error);
  if (sheet == NULL || !st_doc_sheet_write_pdf (sheet, output, &error))
    return st_cli_fail (g_steal_pointer (&error));
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %u person not yet reached.",
                                          "%s: %u people not yet reached.", st_doc_sheet_get_n_rows (sheet)),
                             output, st_doc_sheet_get_n_rows (sheet));
  st_cli_print_result (g, message, "output", output, "#people", (gint64) st_doc_sheet_get_n_rows (sheet), NULL);
  return 0;
}

int
st_cli_visit (Globals *g, int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "add"))
    return visit_add (g, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return visit_list (g, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "progress"))
    return visit_progress (g, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "sheet"))
    return visit_sheet (g, argc - 1, argv + 1);
  st_cli_error (_("usage: visit add ID-NUMBER … | visit list [ID-NUMBER] … | visit progress … | visit sheet …"));
  return 2;
}
