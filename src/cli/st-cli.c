/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli: thin commands over src/core, for people (text) and scripts
 * (--json). */
#define G_LOG_DOMAIN "st-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>

#include "st-db.h"
#include "st-demo.h"
#include "st-divisions.h"
#include "st-idcard.h"
#include "st-import.h"
#include "st-locale.h"
#include "st-participant.h"
#include "st-participant-query.h"
#include "st-records.h"

#include "st-cli-private.h"

typedef struct
{
  const char  *name;
  const char  *args;      /* parameter string for --help */
  const char  *summary;   /* untranslated */
  CommandFunc  run;
} Command;

void
st_cli_print_result (Globals    *g,
                     const char *text,
                     ...)
{
  g_autoptr(JsonBuilder) b = NULL;
  const char *name;
  va_list ap;

  if (!g->json)
    {
      g_print ("%s\n", text);
      return;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  va_start (ap, text);
  while ((name = va_arg (ap, const char *)) != NULL)
    {
      if (name[0] == '#')
        st_json_add_int (b, name + 1, va_arg (ap, gint64));
      else
        st_json_add_string (b, name, va_arg (ap, const char *));
    }
  va_end (ap);
  json_builder_end_object (b);
  st_cli_print_builder (b);
}

/* Prints what @builder built (its root is a new reference: let go of here). */
void
st_cli_print_builder (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  st_cli_print_json (root);
}

int
st_cli_end_list (Globals     *g,
                 JsonBuilder *builder)
{
  json_builder_end_array (builder);
  if (g->json)
    st_cli_print_builder (builder);
  return 0;
}

void
st_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  /* json-glib copies the bytes of strings as they are: a name read from a
   * damaged roster or database may hold bytes that are not UTF-8. They can
   * only be inside strings (the rest is ASCII), where U+FFFD replaces them,
   * so that the output is JSON whatever the input. */
  if (!g_utf8_validate (text, -1, NULL))
    {
      char *valid = g_utf8_make_valid (text, -1);

      g_free (text);
      text = valid;
    }
  /* As UTF-8 whatever the locale (g_print () would convert). */
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
st_cli_print_list (Globals    *g,
                   GPtrArray  *list,
                   void      (*to_json) (JsonBuilder *b,
                                         gpointer     item),
                   void      (*print) (gpointer item,
                                       gpointer data),
                   gpointer    data)
{
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        to_json (b, g_ptr_array_index (list, i));
      json_builder_end_array (b);
      st_cli_print_builder (b);
      return;
    }
  for (guint i = 0; i < list->len; i++)
    print (g_ptr_array_index (list, i), data);
}

void
st_cli_error (const char *message)
{
  /* Translators: an error message printed by the command-line tool */
  g_printerr (_("shuangti-cli: %s\n"), message);
}

int
st_cli_db_failed (StDb *db)
{
  g_autoptr(GError) error = NULL;

  st_db_set_error (db, sqlite3_errcode (st_db_get_handle (db)), _("reading the database"), &error);
  st_cli_error (error->message);
  return 1;
}

StDb *
st_cli_open_db (Globals *g)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g->db_path ? g_strdup (g->db_path) : st_db_default_path ();
  StDb *db = st_db_open (path, &error);

  if (db == NULL)
    st_cli_error (error->message);
  return db;
}

/* Parses a command's own options; FALSE and a message when they are wrong. */
gboolean
st_cli_parse_options (const char    *command,
               const char    *args,
               const char    *summary,
               GOptionEntry  *entries,
               int           *argc,
               char        ***argv)
{
  g_autofree char *param = g_strdup_printf ("%s %s", command, args ? args : "");
  g_autoptr(GOptionContext) context = g_option_context_new (param);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, _(summary));
  if (entries)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      st_cli_error (error->message);
      return FALSE;
    }
  return TRUE;
}

static int
cmd_init (Globals *g, int argc, char **argv)
{
  g_autoptr(StDb) db = NULL;
  gint64 n_participants;

  if (!st_cli_parse_options ("init", "", N_("Create the database, or bring an existing one up to date."),
                      NULL, &argc, &argv))
    return 2;
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  n_participants = st_db_count_live (db, "participants");
  if (n_participants < 0)
    return st_cli_db_failed (db);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      st_json_add_string (b, "database", st_db_get_path (db));
      st_json_add_int (b, "schema", st_db_get_schema_version (db));
      st_json_add_string (b, "device", st_db_get_device_id (db));
      st_json_add_int (b, "participants", n_participants);
      json_builder_end_object (b);
      st_cli_print_builder (b);
    }
  else
    {
      g_print (_("Database: %s\n"), st_db_get_path (db));
      g_print (_("Schema version: %d\n"), st_db_get_schema_version (db));
      g_print (_("Participants: %lld\n"), (long long) n_participants);
    }
  return 0;
}

static int
cmd_id_check (Globals *g, int argc, char **argv)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  int status = 0;

  if (!st_cli_parse_options ("id-check", N_("NUMBER…"),
                      N_("Check resident ID numbers: prints each normalised, valid or invalid with the reason. Exits with 1 if any is invalid."),
                      NULL, &argc, &argv))
    return 2;
  if (argc < 2)
    {
      st_cli_error (_("id-check needs at least one ID number."));
      return 2;
    }

  json_builder_begin_array (b);
  for (int i = 1; i < argc; i++)
    {
      g_autofree char *normal = st_idcard_normalize (argv[i]);
      g_autoptr(GError) error = NULL;
      StIdcardInfo info;
      gboolean valid = st_idcard_parse (argv[i], NULL, &info, &error);

      if (!valid)
        status = 1;
      if (g->json)
        {
          json_builder_begin_object (b);
          st_json_add_string (b, "input", argv[i]);
          st_json_add_string (b, "normalized", normal);
          json_builder_set_member_name (b, "valid");
          json_builder_add_boolean_value (b, valid);
          if (valid)
            {
              g_autofree char *birth = st_idcard_birth_date_string (&info);

              st_json_add_string (b, "birth_date", birth);
              st_json_add_string (b, "sex", info.sex == ST_SEX_MALE ? "male" : "female");
              st_json_add_string (b, "region", info.region);
            }
          else
            {
              st_json_add_string (b, "reason", error->message);
            }
          json_builder_end_object (b);
        }
      else if (valid)
        {
          g_autofree char *birth = st_idcard_birth_date_string (&info);

          /* Translators: "<number> valid (born <date>, <sex>)" */
          g_print (_("%s valid (born %s, %s)\n"), normal, birth, st_sex_to_display (info.sex));
        }
      else
        /* Translators: "<number> invalid: <reason>" */
        g_print (_("%s invalid: %s\n"), *normal ? normal : argv[i], error->message);
    }
  json_builder_end_array (b);
  if (g->json)
    st_cli_print_builder (b);
  return status;
}

static void
print_notes (const char *title,
             GPtrArray  *notes)
{
  if (notes->len == 0)
    return;
  g_print ("%s\n", title);
  for (guint i = 0; i < notes->len; i++)
    {
      StImportNote *note = g_ptr_array_index (notes, i);

      /* Translators: "  row <n> (<name>): <message>" */
      g_print (_("  row %u (%s): %s\n"), note->line, note->name ? note->name : "", note->message);
    }
}

static void
add_notes_json (JsonBuilder *b,
                const char  *member,
                GPtrArray   *notes)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < notes->len; i++)
    {
      StImportNote *note = g_ptr_array_index (notes, i);

      json_builder_begin_object (b);
      st_json_add_int (b, "row", note->line);
      st_json_add_string (b, "name", note->name);
      st_json_add_string (b, "message", note->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
print_import_result (Globals        *g,
                     StImportResult *r)
{
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      st_json_add_string (b, "file", r->file_name);
      st_json_add_string (b, "encoding", st_csv_encoding_to_string (r->encoding));
      json_builder_set_member_name (b, "dry_run");
      json_builder_add_boolean_value (b, r->dry_run);
      st_json_add_int (b, "rows_read", r->rows_read);
      st_json_add_int (b, "imported", r->imported);
      st_json_add_int (b, "updated", r->updated);
      st_json_add_int (b, "unchanged", r->unchanged);
      st_json_add_int (b, "rejected", r->rejected);
      json_builder_set_member_name (b, "unknown_columns");
      json_builder_begin_array (b);
      for (guint i = 0; i < r->unknown_columns->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (r->unknown_columns, i));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "rejects");
      json_builder_begin_array (b);
      for (guint i = 0; i < r->rejects->len; i++)
        {
          StImportReject *rej = g_ptr_array_index (r->rejects, i);

          json_builder_begin_object (b);
          st_json_add_int (b, "row", rej->line);
          st_json_add_string (b, "reason", rej->reason);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      add_notes_json (b, "warnings", r->warnings);
      add_notes_json (b, "repeats", r->repeats);
      add_notes_json (b, "visits", r->visits);
      json_builder_set_member_name (b, "conflicts");
      json_builder_begin_array (b);
      for (guint i = 0; i < r->conflicts->len; i++)
        {
          StImportConflict *c = g_ptr_array_index (r->conflicts, i);

          json_builder_begin_object (b);
          st_json_add_int (b, "row", c->line);
          st_json_add_string (b, "participant", c->participant_id);
          st_json_add_string (b, "field", c->field);
          st_json_add_string (b, "stored", c->stored);
          st_json_add_string (b, "offered", c->offered);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      st_cli_print_builder (b);
      return;
    }

  {
    g_autofree char *summary = st_import_result_summary (r);

    g_print (_("File: %s (%s)\n"), r->file_name, st_csv_encoding_to_string (r->encoding));
    if (r->dry_run)
      g_print ("%s\n", _("Dry run: nothing was written."));
    g_print ("%s\n", summary);
  }
  if (r->unknown_columns->len > 0)
    {
      g_autoptr(GString) cols = g_string_new (NULL);

      for (guint i = 0; i < r->unknown_columns->len; i++)
        g_string_append_printf (cols, "%s%s", i ? ", " : "", (char *) g_ptr_array_index (r->unknown_columns, i));
      g_print (_("Columns ignored: %s\n"), cols->str);
    }
  if (r->rejects->len > 0)
    {
      g_print ("%s\n", _("Rejected rows:"));
      for (guint i = 0; i < r->rejects->len; i++)
        {
          StImportReject *rej = g_ptr_array_index (r->rejects, i);

          g_print (_("  row %u: %s\n"), rej->line, rej->reason);
        }
    }
  print_notes (_("Warnings (imported anyway):"), r->warnings);
  print_notes (_("Repeated in the file:"), r->repeats);
  print_notes (_("First visits from the roster:"), r->visits);
  if (r->conflicts->len > 0)
    {
      g_print ("%s\n", _("Conflicts (the stored value was kept):"));
      for (guint i = 0; i < r->conflicts->len; i++)
        {
          StImportConflict *c = g_ptr_array_index (r->conflicts, i);

          /* Translators: "  row <n> (<name>): <field> stored “<a>”, roster says “<b>”" */
          g_print (_("  row %u (%s): %s stored “%s”, roster says “%s”\n"),
                   c->line, c->name, c->label, c->stored, c->offered);
        }
    }
}

static int
cmd_import (Globals *g, int argc, char **argv)
{
  gboolean dry_run = FALSE;
  g_autofree char *rejects = NULL;
  g_autofree char *township = NULL;
  GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Read and check everything, write nothing"), NULL },
    { "rejects", 0, 0, G_OPTION_ARG_FILENAME, &rejects, N_("Write the rejected rows, with row number and reason, to FILE"), N_("FILE") },
    { "township", 0, 0, G_OPTION_ARG_STRING, &township, N_("Township (name or code) for rows that give none"), N_("TOWNSHIP") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  StImportOptions options = { 0, };

  if (!st_cli_parse_options ("import", N_("FILE"),
                      N_("Import a roster (CSV in UTF-8 or GB18030). Every row is imported, updated or rejected; the whole file is one transaction."),
                      entries, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      st_cli_error (_("import needs exactly one file."));
      return 2;
    }
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;

  options.dry_run = dry_run;
  options.default_township = township;
  result = st_import_roster (db, argv[1], &options, NULL, NULL, NULL, &error);
  if (result == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  print_import_result (g, result);
  if (rejects != NULL)
    {
      if (!st_import_result_write_rejects (result, rejects, &error))
        return st_cli_fail (g_steal_pointer (&error));
      if (!g->json)
        g_print (_("Rejected rows written to %s\n"), rejects);
    }
  /* A script must notice an import that took nothing; one that took some
   * rows succeeded, and the rejects say what is left to fix. */
  if (result->imported + result->updated == 0)
    {
      st_cli_error (result->rows_read > 0 ? _("No row could be imported: every row was rejected.")
                                          : _("No row could be imported: the file holds no rows."));
      return 1;
    }
  return 0;
}

const char *
st_cli_division_name (StDivisions *divisions,
               const char  *code)
{
  const StDivision *d = code ? st_divisions_lookup (divisions, code) : NULL;

  return d ? d->short_name : (code ? code : "");
}

void
st_cli_participant_to_json (JsonBuilder   *b,
                     StParticipant *p,
                     StDivisions   *divisions,
                     gboolean       full_id)
{
  g_autofree char *masked = st_idcard_mask (p->id_number);
  const StParticipantField *fields;
  guint n_fields;

  json_builder_begin_object (b);
  st_json_add_string (b, "id", p->id);
  st_json_add_string (b, "id_number", full_id ? p->id_number : masked);
  st_json_add_string (b, "sex", p->sex == ST_SEX_MALE ? "male" : "female");
  st_json_add_string (b, "birth_date", p->birth_date);
  st_json_add_string (b, "region_code", p->region_code);
  fields = st_participant_fields (&n_fields);
  for (guint i = 0; i < n_fields; i++)
    st_json_add_string (b, fields[i].column, st_participant_field_get (p, &fields[i]));
  st_json_add_string (b, "township", st_cli_division_name (divisions, p->township_code));
  st_json_add_string (b, "village", p->village_code ? st_cli_division_name (divisions, p->village_code) : p->village_name);
  json_builder_end_object (b);
}

static guint
age_today (StParticipant *p)
{
  StIdcardInfo info;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_time_t (&today, time (NULL));
  if (!st_idcard_parse (p->id_number, NULL, &info, NULL))
    return 0;
  return st_idcard_age_at (&info, &today);
}

StDivisions *
st_cli_load_divisions (StDb *db)
{
  g_autoptr(GError) error = NULL;
  StDivisions *divisions = st_import_load_divisions (db, &error);

  if (divisions == NULL)
    st_cli_error (error->message);
  return divisions;
}

StDb *
st_cli_open_db_divisions (Globals      *g,
                          StDivisions **divisions)
{
  g_autoptr(StDb) db = st_cli_open_db (g);

  if (db == NULL)
    return NULL;
  *divisions = st_cli_load_divisions (db);
  return *divisions != NULL ? g_steal_pointer (&db) : NULL;
}

const StDivision *
st_cli_find_township (StDivisions *divisions,
                      const char  *name)
{
  const StDivision *t = st_divisions_find_township (divisions, name);

  if (t == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Township: “%s” is not a township of this database’s county."), name);

      st_cli_error (message);
    }
  return t;
}

StDb *
st_cli_open_db_township (Globals      *g,
                         const char   *township,
                         StDivisions **divisions,
                         const char  **code)
{
  g_autoptr(StDb) db = st_cli_open_db_divisions (g, divisions);
  const StDivision *t;

  *code = NULL;
  if (db == NULL || township == NULL)
    return g_steal_pointer (&db);
  t = st_cli_find_township (*divisions, township);
  if (t == NULL)
    return NULL;
  *code = t->code;
  return g_steal_pointer (&db);
}

static int
cmd_participants (Globals *g, int argc, char **argv)
{
  g_autofree char *township = NULL;
  GOptionEntry entries[] = {
    { "township", 0, 0, G_OPTION_ARG_STRING, &township, N_("Only this township (name or code)"), N_("TOWNSHIP") },
    { NULL }
  };
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  const char *code = NULL;

  if (!st_cli_parse_options ("participants", "", N_("List participants, ID numbers masked."), entries, &argc, &argv))
    return 2;
  db = st_cli_open_db_township (g, township, &divisions, &code);
  if (db == NULL)
    return 1;

  list = st_participant_list (db, code, &error);
  if (list == NULL)
    return st_cli_fail (g_steal_pointer (&error));

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        st_cli_participant_to_json (b, g_ptr_array_index (list, i), divisions, FALSE);
      json_builder_end_array (b);
      st_cli_print_builder (b);
      return 0;
    }

  for (guint i = 0; i < list->len; i++)
    {
      StParticipant *p = g_ptr_array_index (list, i);
      g_autofree char *masked = st_idcard_mask (p->id_number);

      g_print ("%s\t%s\t%u\t%s\t%s\t%s\n", p->name, st_sex_to_display (p->sex), age_today (p),
               st_cli_division_name (divisions, p->township_code),
               p->village_code ? st_cli_division_name (divisions, p->village_code) : (p->village_name ? p->village_name : ""),
               masked);
    }
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u participant\n", "%u participants\n", list->len), list->len);
  return 0;
}

static int
cmd_participant (Globals *g, int argc, char **argv)
{
  g_autoptr(StDb) db = NULL;
  g_autoptr(StDivisions) divisions = NULL;
  g_autoptr(StParticipant) p = NULL;
  g_autoptr(GPtrArray) enrolments = NULL;
  g_autoptr(GError) error = NULL;
  const StParticipantField *fields;
  guint n_fields;

  /* edit, delete and restore have options of their own
   * (st-cli-participant.c). */
  if (argc >= 2 && g_str_equal (argv[1], "edit"))
    return st_cli_participant_edit (g, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "delete"))
    return st_cli_participant_delete (g, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "restore"))
    return st_cli_participant_restore (g, argc - 1, argv + 1);
  if (!st_cli_parse_options ("participant", N_("show ID-NUMBER|KEY"), N_("Show one participant in full."),
                      NULL, &argc, &argv))
    return 2;
  if (argc != 3 || !g_str_equal (argv[1], "show"))
    {
      st_cli_error (_("usage: participant show|edit|delete|restore ID-NUMBER|KEY"));
      return 2;
    }
  db = st_cli_open_db_divisions (g, &divisions);
  if (db == NULL)
    return 1;

  if (g_uuid_string_is_valid (argv[2]))
    p = st_participant_load (db, argv[2], &error);
  else
    p = st_participant_find_by_id_number (db, argv[2], &error);
  if (p == NULL)
    {
      if (error == NULL)
        g_set_error (&error, ST_PARTICIPANT_ERROR, ST_PARTICIPANT_ERROR_NOT_FOUND,
                     _("No participant has the ID number %s."), argv[2]);
      st_cli_error (error->message);
      return 1;
    }

  enrolments = st_enrolment_list (db, NULL, p->id, &error);
  if (enrolments == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      JsonArray *list = json_array_new ();

      st_cli_participant_to_json (b, p, divisions, TRUE);
      node = json_builder_get_root (b);
      /* The classes, with the credits (annex 6 §(六)2–3). */
      for (guint i = 0; i < enrolments->len; i++)
        {
          StEnrolment *e = g_ptr_array_index (enrolments, i);
          g_autoptr(StClass) c = st_class_load (db, e->class_id, NULL);
          g_autofree char *credits = st_credits_describe (db, e->id, NULL, NULL);
          JsonObject *o = json_object_new ();

          json_object_set_string_member (o, "enrolment", e->id);
          json_object_set_string_member (o, "class", c ? c->name : e->class_id);
          json_object_set_string_member (o, "state", e->state);
          if (credits != NULL)
            json_object_set_string_member (o, "credits", credits);
          else
            json_object_set_null_member (o, "credits");
          json_array_add_object_element (list, o);
        }
      json_object_set_array_member (json_node_get_object (node), "enrolments", list);
      st_cli_print_json (node);
      return 0;
    }

  g_print ("%s: %s\n", _("Name"), p->name);
  g_print ("%s: %s\n", _("ID number"), p->id_number);
  g_print ("%s: %s\n", _("Sex"), st_sex_to_display (p->sex));
  g_print ("%s: %s (%u)\n", _("Birth date"), p->birth_date, age_today (p));
  g_print ("%s: %s\n", _("Township"), st_cli_division_name (divisions, p->township_code));
  g_print ("%s: %s\n", _("Village"),
           p->village_code ? st_cli_division_name (divisions, p->village_code) : (p->village_name ? p->village_name : ""));
  fields = st_participant_fields (&n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      const char *value = st_participant_field_get (p, &fields[i]);

      if (g_str_equal (fields[i].column, "name") || g_str_has_prefix (fields[i].column, "township")
          || g_str_has_prefix (fields[i].column, "village"))
        continue;
      if (g_str_equal (fields[i].column, "education"))
        value = st_education_to_display (value);
      else if (g_str_equal (fields[i].column, "poverty"))
        value = st_poverty_to_display (value);
      g_print ("%s: %s\n", _(fields[i].label), value ? value : "");
    }
  for (guint i = 0; i < enrolments->len; i++)
    {
      StEnrolment *e = g_ptr_array_index (enrolments, i);
      g_autoptr(StClass) c = st_class_load (db, e->class_id, NULL);
      g_autofree char *credits = st_credits_describe (db, e->id, NULL, NULL);

      /* Translators: "Class: 巧马镇2024级种植班 (studying)" */
      g_print ("%s: %s (%s)\n", _("Class"), c ? c->name : e->class_id, st_enrolment_state_to_display (e->state));
      if (credits != NULL)
        g_print ("  %s\n", credits);
    }
  if (p->deleted)
    g_print ("%s\n", _("This participant was deleted."));
  return 0;
}

static int
cmd_demo (Globals *g, int argc, char **argv)
{
  int n = 200;
  int seed = 2023;
  g_autofree char *csv = NULL;
  gboolean gb18030 = FALSE;
  gboolean people_only = FALSE;
  GOptionEntry entries[] = {
    { "participants", 0, 0, G_OPTION_ARG_INT, &n, N_("How many participants (default 200)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Random seed: the same seed gives the same county"), "SEED" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Write a roster CSV to FILE instead of filling the database"), N_("FILE") },
    { "gb18030", 0, 0, G_OPTION_ARG_NONE, &gb18030, N_("Write the roster in GB18030 (as Excel on Chinese Windows does)"), NULL },
    { "people-only", 0, 0, G_OPTION_ARG_NONE, &people_only, N_("Only participants: no classes, hours or certificates"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = NULL;

  if (!st_cli_parse_options ("demo", "", N_("Make a realistic synthetic county: real townships and villages, plausible people, valid ID numbers."),
                      entries, &argc, &argv))
    return 2;
  if (n < 0)
    {
      st_cli_error (_("--participants must be 0 or more."));
      return 2;
    }
  if (csv != NULL)
    {
      if (!st_demo_write_roster (csv, n, seed, gb18030 ? ST_CSV_ENCODING_GB18030 : ST_CSV_ENCODING_UTF8_BOM, &error))
        return st_cli_fail (g_steal_pointer (&error));
      if (!g->json)
        g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote a roster of %d person to %s\n",
                              "Wrote a roster of %d people to %s\n", n), n, csv);
      return 0;
    }

  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  if (!st_demo_populate (db, n, seed, &error))
    return st_cli_fail (g_steal_pointer (&error));
  if (!people_only)
    {
      StDemoTrainingOptions training = { NULL, TRUE, TRUE, 0, FALSE };

      if (!st_demo_populate_training (db, seed, &training, &error)
          || !st_demo_populate_visits (db, seed, NULL, TRUE, &error))
        return st_cli_fail (g_steal_pointer (&error));
    }
  if (!g->json)
    {
      long long n_participants = st_db_count_live (db, "participants");

      if (n_participants < 0)
        return st_cli_db_failed (db);
      g_print (g_dngettext (GETTEXT_PACKAGE, "The database %s now holds %lld participant.\n",
                            "The database %s now holds %lld participants.\n", n_participants),
               st_db_get_path (db), n_participants);
    }
  return 0;
}

static int
cmd_divisions (Globals *g, int argc, char **argv)
{
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;

  if (!st_cli_parse_options ("divisions", N_("list | import FILE"),
                      N_("List the townships and villages, or import another county’s from a CSV (code,name,parent_code,level)."),
                      NULL, &argc, &argv))
    return 2;
  if (argc < 2 || (g_str_equal (argv[1], "import") && argc != 3) || (!g_str_equal (argv[1], "import") && !g_str_equal (argv[1], "list")))
    {
      st_cli_error (_("usage: divisions list | divisions import FILE"));
      return 2;
    }
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;

  if (g_str_equal (argv[1], "import"))
    {
      guint n = 0;

      if (!st_import_divisions (db, argv[2], &n, &error))
        return st_cli_fail (g_steal_pointer (&error));
      {
        g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u division imported\n",
                                                                 "%u divisions imported\n", n), n);

        g_strchomp (message);
        st_cli_print_result (g, message, "#imported", (gint64) n, NULL);
      }
      return 0;
    }
  else
    {
      g_autoptr(StDivisions) divisions = st_cli_load_divisions (db);
      g_autoptr(GPtrArray) townships = NULL;
      g_autoptr(JsonBuilder) b = json_builder_new ();

      if (divisions == NULL)
        return 1;
      townships = st_divisions_townships (divisions);
      json_builder_begin_array (b);
      for (guint i = 0; i < townships->len; i++)
        {
          const StDivision *t = g_ptr_array_index (townships, i);
          g_autoptr(GPtrArray) villages = st_divisions_villages_of (divisions, t->code);

          if (g->json)
            {
              json_builder_begin_object (b);
              st_json_add_string (b, "code", t->code);
              st_json_add_string (b, "name", t->name);
              json_builder_set_member_name (b, "villages");
              json_builder_begin_array (b);
            }
          else
            g_print ("%s\t%s\n", t->code, t->name);
          for (guint j = 0; j < villages->len; j++)
            {
              const StDivision *v = g_ptr_array_index (villages, j);

              if (g->json)
                {
                  json_builder_begin_object (b);
                  st_json_add_string (b, "code", v->code);
                  st_json_add_string (b, "name", v->name);
                  json_builder_end_object (b);
                }
              else
                g_print ("  %s\t%s\n", v->code, v->name);
            }
          if (g->json)
            {
              json_builder_end_array (b);
              json_builder_end_object (b);
            }
        }
      return st_cli_end_list (g, b);
    }
}

static const Command commands[] = {
  { "init", "", N_("Create or upgrade the database"), cmd_init },
  { "id-check", N_("NUMBER…"), N_("Check resident ID numbers"), cmd_id_check },
  { "import", N_("FILE [--dry-run] [--rejects FILE] [--township T]"), N_("Import a roster CSV"), cmd_import },
  { "participants", N_("[--township T]"), N_("List participants"), cmd_participants },
  { "participant", N_("show|edit|delete|restore ID-NUMBER"), N_("Show, edit or delete one participant"), cmd_participant },
  { "visit", N_("add ID-NUMBER … | list [ID-NUMBER] … | progress | sheet"), N_("Outreach visits (摸排走访)"), st_cli_visit },
  { "demo", N_("[--participants N] [--seed S] [--csv FILE]"), N_("Make a synthetic county"), cmd_demo },
  { "divisions", N_("list | import FILE"), N_("Townships and villages"), cmd_divisions },
  { "program", N_("list | show CODE | add FILE"), N_("Programs and their rules"), st_cli_program },
  { "major", N_("list | add NAME | remove NAME"), N_("The list of majors"), st_cli_major },
  { "class", N_("add … | list | show CLASS"), N_("Classes"), st_cli_class },
  { "enrol", N_("CLASS ID-NUMBER…"), N_("Enrol participants"), st_cli_enrol },
  { "withdraw", N_("ID-NUMBER --reason R"), N_("Record a withdrawal"), st_cli_withdraw },
  { "session", N_("add CLASS … | list CLASS"), N_("Class meetings"), st_cli_session },
  { "attend", N_("SESSION ID-NUMBER… | SESSION --all-present"), N_("Attendance"), st_cli_attend },
  { "study-log", N_("ID-NUMBER | --class CLASS"), N_("Self-study and online hours"), st_cli_study_log },
  { "assignment", N_("add ID-NUMBER | done KEY"), N_("Practical assignments"), st_cli_assignment },
  { "assess", N_("ID-NUMBER… --kind K --result R"), N_("Assessments"), st_cli_assess },
  { "exempt", N_("ID-NUMBER --kind K --basis B"), N_("Exemptions, credits, internship waiver"), st_cli_exempt },
  { "internship", N_("ID-NUMBER"), N_("Internship done"), st_cli_internship },
  { "early-graduation", N_("ID-NUMBER"), N_("Request early graduation"), st_cli_early },
  { "extend", N_("ID-NUMBER --years N"), N_("Extend the study length (when the program allows)"), st_cli_extend },
  { "eligibility", N_("[--as-of D] [--township T] [--class C]"), N_("Who may graduate, and what is missing"), st_cli_eligibility },
  { "approve", N_("[ID-NUMBER…] [--class C] [--date D]"), N_("Approve and number certificates"), st_cli_approve },
  { "certificate", N_("list | revoke NUMBER | pattern"), N_("Certificates"), st_cli_certificate },
  { "export", N_("household | enrolments --output FILE"), N_("Lists for the agencies"), st_cli_export },
  { "report", N_("quarterly --quarter 2025Q3"), N_("The quarterly report"), st_cli_report },
  { "sign-in-sheet", N_("SESSION --pdf FILE"), N_("Print a session’s sign-in sheet"), st_cli_sign_in_sheet },
  { "sync", N_("[status] [--server URL] [--user NAME]"), N_("Sync with the county server"), st_cli_sync },
  { "bundle", N_("export FILE | relay FILE --reply REPLY | import REPLY | show FILE"),
    N_("Sync by file, for a laptop without a network"), st_cli_bundle },
  { "conflicts", N_("list | resolve ID [--use-other]"), N_("Conflicts and refused changes to review"), st_cli_conflicts },
  { "backup", N_("FILE [--force]"), N_("Back up the database to FILE"), st_cli_backup },
  { "restore", N_("FILE [--yes]"), N_("Replace the database with a backup"), st_cli_restore },
};

/* Pads to a column by display width: CJK characters take two cells. */
static void
print_row (const char *left,
           const char *right)
{
  const int column = 48;
  int width = 0;

  for (const char *p = left; *p; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  if (width >= column)
    g_print ("  %s\n  %*s%s\n", left, column, "", right);
  else
    g_print ("  %s%*s%s\n", left, column - width, "", right);
}

static void
print_usage (void)
{
  g_print ("%s\n", _("Usage: shuangti-cli [--db FILE] [--json] COMMAND [OPTIONS…]"));
  g_print ("\n%s\n", _("Keeps the records of the skills-and-degree dual upgrade program (双提升台账)."));
  g_print ("\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      /* gettext ("") would be the catalogue's header. */
      const char *args = commands[i].args[0] ? _(commands[i].args) : "";
      g_autofree char *left = g_strdup_printf ("%s %s", commands[i].name, args);
      print_row (left, _(commands[i].summary));
    }
  g_print ("\n%s\n", _("Options:"));
  print_row (_("--db FILE"), _("The database (default: ~/.local/share/shuangti/shuangti.db)"));
  print_row ("--json", _("Print JSON for scripts"));
  print_row ("--version", _("Print the version"));
  g_print ("\n%s\n", _("Run “shuangti-cli COMMAND --help” for a command’s options."));
}

int
main (int    argc,
      char **argv)
{
  Globals g = { NULL, FALSE };
  const char *localedir = g_getenv ("ST_LOCALEDIR");
  int first = 1;
  int status = 2;

  st_locale_init ();
  g_set_prgname ("shuangti-cli");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Global options come before the command. */
  while (first < argc && argv[first][0] == '-')
    {
      if (g_str_equal (argv[first], "--json"))
        g.json = TRUE;
      else if (g_str_equal (argv[first], "--db") && first + 1 < argc)
        g.db_path = g_strdup (argv[++first]);
      else if (g_str_has_prefix (argv[first], "--db="))
        g.db_path = g_strdup (argv[first] + 5);
      else if (g_str_equal (argv[first], "--version"))
        {
          g_print ("shuangti-cli %s\n", PACKAGE_VERSION);
          return 0;
        }
      else if (g_str_equal (argv[first], "--help") || g_str_equal (argv[first], "-h"))
        {
          print_usage ();
          return 0;
        }
      else
        {
          g_autofree char *msg = g_strdup_printf (_("unknown option %s"), argv[first]);
          st_cli_error (msg);
          print_usage ();
          return 2;
        }
      first++;
    }

  if (first >= argc)
    {
      print_usage ();
      return 2;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[first], commands[i].name))
      {
        /* A command sees itself as argv[0]; --json may also follow it. */
        g_autoptr(GPtrArray) args = g_ptr_array_new ();

        for (int a = first; a < argc; a++)
          {
            if (a > first && g_str_equal (argv[a], "--json"))
              g.json = TRUE;
            else
              g_ptr_array_add (args, argv[a]);
          }
        g_ptr_array_add (args, NULL);
        status = commands[i].run (&g, args->len - 1, (char **) args->pdata);
        g_free (g.db_path);
        return status;
      }

  {
    g_autofree char *msg = g_strdup_printf (_("unknown command “%s”"), argv[first]);
    st_cli_error (msg);
    print_usage ();
  }
  g_free (g.db_path);
  return status;
}
