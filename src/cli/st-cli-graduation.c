/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli commands for the graduation rules: eligibility, approval,
 * certificates. */
#define G_LOG_DOMAIN "st-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "st-certificate.h"
#include "st-cli-private.h"
#include "st-eligibility.h"
#include "st-records.h"

static void
eligibility_to_json (JsonBuilder   *b,
                     StEligibility *e)
{
  g_autofree char *masked = st_idcard_mask (e->id_number);

  json_builder_begin_object (b);
  st_json_add_string (b, "enrolment", e->enrolment_id);
  st_json_add_string (b, "participant", e->participant_id);
  st_json_add_string (b, "name", e->name);
  st_json_add_string (b, "id_number", masked);
  st_json_add_string (b, "class", e->class_id);
  st_json_add_string (b, "township_code", e->township_code);
  st_json_add_string (b, "program", e->program_code);
  st_json_add_string (b, "enrolled_on", e->enrolled_on);
  st_json_add_string (b, "end_date", e->end_date);
  st_json_add_int (b, "study_years", e->study_years);
  st_json_add_int (b, "extension_years", e->extension_years);
  st_json_add_string (b, "outcome", st_outcome_to_code (e->outcome));
  st_json_add_int (b, "concentrated_minutes", e->concentrated);
  st_json_add_int (b, "required_concentrated_minutes", e->required_concentrated);
  st_json_add_int (b, "self_study_minutes", e->self_study);
  st_json_add_int (b, "online_minutes", e->online);
  st_json_add_int (b, "attended_minutes", e->attended);
  st_json_add_int (b, "credits", e->credits);
  st_json_add_int (b, "assignments_done", e->assignments_done);
  st_json_add_int (b, "assignments_total", e->assignments_total);
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
  g_autofree char *day = st_cli_today_or (as_of);
  GPtrArray *list;

  *date_out = st_cli_parse_date (day, error);
  if (*date_out == NULL)
    return NULL;
  q.as_of = *date_out;
  q.township_code = st_cli_township_code (divisions, township, error);
  if (township != NULL && q.township_code == NULL)
    return NULL;
  if (klass != NULL && (cid = st_cli_resolve_class (db, klass, error)) == NULL)
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
    return st_cli_fail (g_steal_pointer (&error));

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
      st_cli_print_builder (b);
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
          char *eid = st_cli_resolve_enrolment (db, klass, argv[i], &error);

          if (eid == NULL)
            return st_cli_fail (g_steal_pointer (&error));
          g_ptr_array_add (ids, eid);
        }
      {
        g_autofree char *iso = st_cli_today_or (date);

        day = st_cli_parse_date (iso, &error);
      }
      if (day == NULL)
        return st_cli_fail (g_steal_pointer (&error));
    }
  else
    {
      list = evaluate_selection (db, divisions, date, township, klass, &day, &error);
      if (list == NULL)
        return st_cli_fail (g_steal_pointer (&error));
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
    return st_cli_fail (g_steal_pointer (&error));

  json_builder_begin_array (b);
  for (guint i = 0; i < issued->len; i++)
    {
      StCertificate *c = g_ptr_array_index (issued, i);
      g_autoptr(StEnrolment) e = st_enrolment_load (db, c->enrolment_id, NULL);
      g_autoptr(StParticipant) p = e ? st_participant_load (db, e->participant_id, NULL) : NULL;

      if (g->json)
        {
          json_builder_begin_object (b);
          st_json_add_string (b, "enrolment", c->enrolment_id);
          st_json_add_string (b, "name", p ? p->name : NULL);
          st_json_add_string (b, "kind", c->kind);
          st_json_add_string (b, "number", c->number);
          st_json_add_string (b, "issued_on", c->issued_on);
          json_builder_end_object (b);
        }
      else
        g_print ("%s\t%s\t%s\n", p ? p->name : "", c->number,
                 g_str_equal (c->kind, "graduation") ? _("graduation certificate")
                 : g_str_equal (c->kind, "completion") ? _("completion certificate") : _("study record"));
    }
  json_builder_end_array (b);
  if (g->json)
    st_cli_print_builder (b);
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
    return st_cli_usage ("certificate list | certificate revoke NUMBER --reason TEXT | certificate pattern [PATTERN]");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  if (g_str_equal (argv[1], "list"))
    {
      g_autoptr(GPtrArray) list = st_certificate_list (db, NULL, &error);

      if (list == NULL)
        return st_cli_fail (g_steal_pointer (&error));
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
              st_json_add_string (b, "number", c->number);
              st_json_add_string (b, "kind", c->kind);
              st_json_add_string (b, "issued_on", c->issued_on);
              st_json_add_string (b, "revoked_on", c->revoked_on);
              st_json_add_string (b, "enrolment", c->enrolment_id);
              st_json_add_string (b, "name", p ? p->name : NULL);
              st_json_add_string (b, "id_number", masked);
              json_builder_end_object (b);
            }
          else
            g_print ("%s\t%s\t%s\t%s\t%s\n", c->number, c->kind, c->issued_on, p ? p->name : "",
                     c->revoked_on ? c->revoked_on : "");
        }
      return st_cli_end_list (g, b);
    }
  if (g_str_equal (argv[1], "revoke") && argc == 3)
    {
      g_autofree char *day = st_cli_today_or (date);

      if (!st_certificate_revoke (db, argv[2], day, reason, &error))
        return st_cli_fail (g_steal_pointer (&error));
      return 0;
    }
  if (g_str_equal (argv[1], "pattern"))
    {
      g_autofree char *pattern = NULL;

      if (argc == 3 && !st_certificate_set_pattern (db, argv[2], &error))
        return st_cli_fail (g_steal_pointer (&error));
      pattern = st_certificate_get_pattern (db);
      st_cli_print_result (g, pattern, "pattern", pattern, NULL);
      return 0;
    }
  return st_cli_usage ("certificate list | certificate revoke NUMBER --reason TEXT | certificate pattern [PATTERN]");
}
