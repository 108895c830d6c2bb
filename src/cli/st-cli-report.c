/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-cli commands for what leaves the database on paper or in files:
 * exports, the quarterly report, sign-in sheets (a county can script a
 * whole quarter). */
#define G_LOG_DOMAIN "st-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "st-cli-private.h"
#include "st-export.h"
#include "st-report.h"
#include "st-signin.h"

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
    return st_cli_usage ("export household|enrolments --output FILE [--encoding utf8|gb18030] [--township T]");
  db = st_cli_open_db_township (g, township, &divisions, &code);
  if (db == NULL)
    return 1;
  if (g_str_equal (argv[1], "household"))
    n = st_export_household_registration (db, output, encoding, code, &error);
  else if (g_str_equal (argv[1], "enrolments"))
    n = st_export_enrolments (db, output, encoding, code, &error);
  else
    return st_cli_usage ("export household|enrolments --output FILE");
  if (n < 0)
    return st_cli_fail (g_steal_pointer (&error));
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
    return st_cli_usage ("report quarterly --quarter 2025Q3 [--township T] [--json | --csv FILE | --pdf FILE]");
  if (!st_quarter_parse (quarter_text, &quarter, &error))
    return st_cli_fail (g_steal_pointer (&error));
  db = st_cli_open_db_township (g, township, &divisions, &code);
  if (db == NULL)
    return 1;
  report = st_report_quarterly (db, &quarter, code, &error);
  if (report == NULL)
    return st_cli_fail (g_steal_pointer (&error));
  if (csv != NULL && !st_report_write_csv (report, csv, encoding, &error))
    return st_cli_fail (g_steal_pointer (&error));
  if (pdf != NULL && !st_report_write_pdf (report, pdf, &error))
    return st_cli_fail (g_steal_pointer (&error));
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
  g_autoptr(StDocSheet) sheet = NULL;
  g_autoptr(GError) error = NULL;

  if (!st_cli_parse_options ("sign-in-sheet", N_("SESSION --pdf FILE"),
                             N_("The sign-in sheet (签到表) of a session, to print."), entries, &argc, &argv))
    return 2;
  if (argc != 2 || pdf == NULL)
    return st_cli_usage ("sign-in-sheet SESSION --pdf FILE");
  db = st_cli_open_db (g);
  if (db == NULL)
    return 1;
  sheet = st_signin_sheet_new (db, argv[1], &error);
  if (sheet == NULL || !st_doc_sheet_write_pdf (sheet, pdf, &error))
    return st_cli_fail (g_steal_pointer (&error));
  {
    g_autofree char *message = g_strdup_printf (_("Sign-in sheet written to %s\n"), pdf);

    g_strchomp (message);
    st_cli_print_result (g, message, "session", argv[1], "pdf", pdf, NULL);
  }
  return 0;
}
