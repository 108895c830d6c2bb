/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the record commands of shuangti-cli parse alike: hours, dates, and
 * participants, classes, enrolments and townships named as a clerk names
 * them. */
#define G_LOG_DOMAIN "st-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "st-cli-private.h"
#include "st-records.h"

int
st_cli_fail (GError *error)
{
  st_cli_error (error->message);
  g_error_free (error);
  return 1;
}

int
st_cli_usage (const char *text)
{
  /* Translators: "usage: <the command's form>" */
  g_autofree char *msg = g_strdup_printf (_("usage: %s"), text);

  st_cli_error (msg);
  return 2;
}

/* "8", "1.5" hours → minutes. */
gboolean
st_cli_parse_hours (const char  *text,
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

GDate *
st_cli_parse_date (const char  *text,
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
char *
st_cli_resolve_participant (StDb        *db,
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
char *
st_cli_resolve_class (StDb        *db,
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
char *
st_cli_resolve_enrolment (StDb        *db,
                   const char  *klass,
                   const char  *participant,
                   GError     **error)
{
  g_autofree char *pid = st_cli_resolve_participant (db, participant, error);
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
  cid = st_cli_resolve_class (db, klass, error);
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

const char *
st_cli_township_code (StDivisions  *divisions,
               const char   *text,
               GError      **error)
{
  const StDivision *t;

  if (text == NULL)
    return NULL;
  t = st_divisions_find_township (divisions, text);
  if (t == NULL)
    g_set_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID,
                 _("Township: “%s” is not a township of this database’s county."), text);
  return t ? t->code : NULL;
}

char *
st_cli_today_or (const char *date)
{
  return date ? g_strdup (date) : st_date_today ();
}
