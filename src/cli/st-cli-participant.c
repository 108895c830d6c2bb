/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli participant edit | delete | restore: what the app's editor
 * and its Delete button do, with the same checks, the same tombstone (the
 * row is kept, marked deleted, and syncs) and the same search index. */
#define G_LOG_DOMAIN "st-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "st-cli-private.h"
#include "st-participant-search.h"
#include "st-participant.h"

static int
refuse (const char *message)
{
  st_cli_error (message);
  return 1;
}

StParticipant *
st_cli_find_participant (StDb        *db,
                         const char  *text,
                         GError     **error)
{
  StParticipant *p;

  if (g_uuid_string_is_valid (text))
    {
      p = st_participant_load (db, text, error);
      if (p != NULL && (p->deleted || p->merged_into != NULL))
        {
          g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_NOT_FOUND,
                       _("%s was deleted; “shuangti-cli participant restore” brings them back."), p->name);
          g_clear_pointer (&p, st_participant_free);
        }
      return p;
    }
  p = st_participant_find_by_id_number (db, text, error);
  if (p == NULL && (error == NULL || *error == NULL))
    g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_NOT_FOUND,
                 _("No participant has the ID number %s."), text);
  return p;
}

/* "" clears a field; anything else is trimmed. */
static void
set_text (char       **field,
          const char  *value)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (value));

  g_free (*field);
  *field = *trimmed != '\0' ? g_steal_pointer (&trimmed) : NULL;
}

static void
print_saved (Globals       *g,
             StParticipant *p,
             StDivisions   *divisions,
             const char    *text)
{
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      st_cli_participant_to_json (b, p, divisions, TRUE);
      st_cli_print_builder (b);
    }
  else
    g_print ("%s\n", text);
}

/* participant edit ID-NUMBER [--name …] [--phone …] [--village …] … */
int
st_cli_participant_edit (Globals *g, int argc, char **argv)
{
  g_autofree char *name = NULL, *id_number = NULL, *phone = NULL, *township = NULL, *village = NULL;
  g_autofree char *ethnicity = NULL, *education = NULL, *employment = NULL, *health = NULL;
  g_autofree char *poverty = NULL, *notes = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Name"), N_("NAME") },
    { "id-number", 0, 0, G_OPTION_ARG_STRING, &id_number, N_("A corrected ID number"), N_("NUMBER") },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_("Phone (\"\" clears it)"), N_("PHONE") },
    { "township", 0, 0, G_OPTION_ARG_STRING, &township, N_("Township, by name or code"), N_("TOWNSHIP") },
    { "village", 0, 0, G_OPTION_ARG_STRING, &village, N_("Village of the township, by name or code (\"\" clears it)"), N_("VILLAGE") },
    { "ethnicity", 0, 0, G_OPTION_ARG_STRING, &ethnicity, N_("Ethnicity, such as 布依族"), N_("ETHNICITY") },
    { "education", 0, 0, G_OPTION_ARG_STRING, &education, N_("Prior education: 未上学, 小学, 初中, 高中及以上"), N_("LEVEL") },
    { "employment", 0, 0, G_OPTION_ARG_STRING, &employment, N_("Employment"), N_("TEXT") },
    { "health", 0, 0, G_OPTION_ARG_STRING, &health, N_("Health"), N_("TEXT") },
    { "poverty", 0, 0, G_OPTION_ARG_STRING, &poverty, N_("Poverty registration: 脱贫户, 监测户 or 否"), N_("TEXT") },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &notes, N_("Notes"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(StParticipant) stored = NULL;
  g_autoptr(StParticipant) p = NULL;
  g_autoptr(StParticipant) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!st_cli_parse_options ("participant edit", N_("ID-NUMBER [--phone P] [--village V] …"),
                             N_("Change a participant’s fields, with the checks of the app’s editor. "
                                "An empty value (\"\") clears a field."),
                             entries, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      st_cli_error (_("usage: participant edit ID-NUMBER [--name N] [--phone P] [--township T] [--village V] …"));
      return 2;
    }
  db = st_cli_open_db_divisions (g, &divisions);
  if (db == NULL)
    return 1;
  stored = st_cli_find_participant (db, argv[1], &error);
  if (stored == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  p = st_participant_copy (stored);

  if (id_number != NULL && !st_participant_set_id_number (p, id_number, &error))
    return st_cli_fail (g_steal_pointer (&error));
  if (name != NULL)
    set_text (&p->name, name);
  if (phone != NULL)
    {
      set_text (&p->phone, phone);
      if (!st_phone_is_valid (p->phone))
        return refuse (_("Phone: a mobile number has 11 digits; a landline starts with its area code, as in 0859-1234567."));
    }
  if (township != NULL)
    {
      const StDivision *t = st_divisions_find_township (divisions, township);

      if (t == NULL)
        {
          message = g_strdup_printf (_("Township: “%s” is not a township of this database’s county."), township);
          return refuse (message);
        }
      if (!g_str_equal (t->code, p->township_code) && village == NULL && (p->village_code || p->village_name))
        return refuse (_("Village: the village belongs to the old township; give the village in the new one "
                         "with --village (or --village \"\" to leave it empty). Nothing was changed."));
      g_free (p->township_code);
      p->township_code = g_strdup (t->code);
    }
  if (village != NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (village));

      g_clear_pointer (&p->village_code, g_free);
      g_clear_pointer (&p->village_name, g_free);
      if (*trimmed != '\0')
        {
          const StDivision *v = st_divisions_find_village (divisions, p->township_code, trimmed);

          if (v == NULL)
            {
              message = g_strdup_printf (_("Village: “%s” is not a village of %s (or it names several)."),
                                         trimmed, st_cli_division_name (divisions, p->township_code));
              return refuse (message);
            }
          p->village_code = g_strdup (v->code);
        }
    }
  if (ethnicity != NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (ethnicity));
      const char *official = st_ethnicity_normalize (trimmed);

      if (*trimmed != '\0' && official == NULL)
        {
          message = g_strdup_printf (_("Ethnicity: “%s” is not one of the 56 official names (for example 布依族, 汉族, 苗族)."),
                                     trimmed);
          return refuse (message);
        }
      g_free (p->ethnicity);
      p->ethnicity = g_strdup (official);
    }
  if (education != NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (education));
      const char *code = st_education_from_text (trimmed);

      if (*trimmed != '\0' && code == NULL)
        {
          message = g_strdup_printf (_("Prior education: “%s” is not one of 未上学, 小学, 初中, 高中及以上."), trimmed);
          return refuse (message);
        }
      g_free (p->education);
      p->education = g_strdup (code);
    }
  if (poverty != NULL)
    {
      gboolean recognised;
      const char *code = st_poverty_from_text (poverty, &recognised);

      if (!recognised)
        {
          message = g_strdup_printf (_("Poverty registration: “%s” is not one of 脱贫户, 监测户 or 否."), poverty);
          return refuse (message);
        }
      g_free (p->poverty);
      p->poverty = g_strdup (code);
    }
  if (employment != NULL)
    set_text (&p->employment, employment);
  if (health != NULL)
    set_text (&p->health, health);
  if (notes != NULL)
    set_text (&p->notes, notes);

  if (!st_participant_update (db, p, &error))
    return st_cli_fail (g_steal_pointer (&error));
  if (!st_participant_search_refresh_one (db, p->id, &error))
    g_warning ("Could not update the search index: %s", error->message);
  saved = st_participant_load (db, p->id, &error);
  if (saved == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  message = saved->hlc == stored->hlc ? g_strdup_printf (_("%s: nothing changed."), saved->name)
                                      : g_strdup_printf (_("%s saved."), saved->name);
  print_saved (g, saved, divisions, message);
  return 0;
}

/* participant delete ID-NUMBER: the tombstone the app's Delete writes. */
int
st_cli_participant_delete (Globals *g, int argc, char **argv)
{
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(StParticipant) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!st_cli_parse_options ("participant delete", N_("ID-NUMBER"),
                             N_("Take a participant off every list. The record is kept, marked as deleted, "
                                "so this can be undone (participant restore)."),
                             NULL, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      st_cli_error (_("usage: participant delete ID-NUMBER"));
      return 2;
    }
  db = st_cli_open_db_divisions (g, &divisions);
  if (db == NULL)
    return 1;
  p = st_cli_find_participant (db, argv[1], &error);
  if (p == NULL || !st_participant_set_deleted (db, p->id, TRUE, &error))
    return st_cli_fail (g_steal_pointer (&error));
  if (!st_participant_search_refresh_one (db, p->id, &error))
    g_warning ("Could not update the search index: %s", error->message);
  p->deleted = TRUE;
  message = g_strdup_printf (_("%s deleted. “shuangti-cli participant restore %s” undoes it."), p->name, argv[1]);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      st_json_add_string (b, "id", p->id);
      st_json_add_string (b, "name", p->name);
      json_builder_set_member_name (b, "deleted");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
      st_cli_print_builder (b);
    }
  else
    g_print ("%s\n", message);
  return 0;
}

/* The most recently deleted participant with an ID number, or by key. */
static char *
find_deleted (StDb        *db,
              const char  *text,
              GError     **error)
{
  g_autofree char *number = NULL;
  sqlite3_stmt *stmt;
  char *id = NULL;
  int rc;

  if (g_uuid_string_is_valid (text))
    return g_strdup (text);
  number = st_idcard_normalize (text);
  stmt = st_db_prepare (db, "SELECT id FROM participants WHERE id_number = ? AND deleted = 1"
                            " AND merged_into IS NULL ORDER BY hlc DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, number ? number : text, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    st_db_set_error (db, rc, _("reading the participants"), error);
  else if (id == NULL)
    g_set_error (error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_NOT_FOUND,
                 _("No deleted participant has the ID number %s."), text);
  return id;
}

/* participant restore ID-NUMBER: the app's Undo. */
int
st_cli_participant_restore (Globals *g, int argc, char **argv)
{
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(StParticipant) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *message = NULL;

  if (!st_cli_parse_options ("participant restore", N_("ID-NUMBER"),
                             N_("Bring back a deleted participant."), NULL, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      st_cli_error (_("usage: participant restore ID-NUMBER"));
      return 2;
    }
  db = st_cli_open_db_divisions (g, &divisions);
  if (db == NULL)
    return 1;
  id = find_deleted (db, argv[1], &error);
  if (id == NULL || !st_participant_set_deleted (db, id, FALSE, &error))
    return st_cli_fail (g_steal_pointer (&error));
  if (!st_participant_search_refresh_one (db, id, &error))
    g_warning ("Could not update the search index: %s", error->message);
  p = st_participant_load (db, id, &error);
  if (p == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  message = g_strdup_printf (_("%s restored."), p->name);
  print_saved (g, p, divisions, message);
  return 0;
}
