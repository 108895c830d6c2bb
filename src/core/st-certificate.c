/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-certificate"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-certificate.h"
#include "st-eligibility.h"
#include "st-limits.h"
#include "st-uuid.h"

G_DEFINE_QUARK (st-certificate-error-quark, st_certificate_error)

void
st_certificate_free (StCertificate *c)
{
  if (c == NULL)
    return;
  g_free (c->id);
  g_free (c->enrolment_id);
  g_free (c->kind);
  g_free (c->number);
  g_free (c->issued_on);
  g_free (c->revoked_on);
  g_free (c->revoke_reason);
  g_free (c);
}

char *
st_certificate_get_pattern (StDb *db)
{
  char *pattern = st_db_get_meta (db, "certificate_pattern");

  return pattern ? pattern : g_strdup (ST_CERTIFICATE_DEFAULT_PATTERN);
}

static const char *
kind_letter (const char *kind)
{
  if (g_strcmp0 (kind, "graduation") == 0)
    return "B";   /* 毕业 */
  if (g_strcmp0 (kind, "completion") == 0)
    return "J";   /* 结业 */
  return "X";     /* 写实 */
}

char *
st_certificate_format_number (const char  *pattern,
                              const char  *county,
                              int          year,
                              const char  *kind,
                              guint        sequence,
                              GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean has_seq = FALSE;

  for (const char *p = pattern; *p; )
    {
      const char *close;
      g_autofree char *field = NULL;

      if (*p != '{')
        {
          g_string_append_c (out, *p++);
          continue;
        }
      close = strchr (p, '}');
      if (close == NULL)
        {
          g_set_error (error, ST_CERTIFICATE_ERROR, ST_CERTIFICATE_ERROR_PATTERN,
                       _("The certificate number pattern “%s” has a “{” without “}”."), pattern);
          return NULL;
        }
      field = g_strndup (p + 1, close - p - 1);
      if (g_str_equal (field, "county"))
        g_string_append (out, county);
      else if (g_str_equal (field, "year"))
        g_string_append_printf (out, "%04d", year);
      else if (g_str_equal (field, "kind"))
        g_string_append (out, kind_letter (kind));
      else if (g_str_equal (field, "seq"))
        {
          g_string_append_printf (out, "%u", sequence);
          has_seq = TRUE;
        }
      else if (g_str_has_prefix (field, "seq:") && g_ascii_isdigit (field[4]))
        {
          int width = (int) g_ascii_strtoll (field + 4, NULL, 10);

          g_string_append_printf (out, "%0*u", CLAMP (width, 1, 12), sequence);
          has_seq = TRUE;
        }
      else
        {
          g_set_error (error, ST_CERTIFICATE_ERROR, ST_CERTIFICATE_ERROR_PATTERN,
                       _("The certificate number pattern “%s” has an unknown field {%s}: use {county}, {year}, {kind} and {seq} or {seq:4}."),
                       pattern, field);
          return NULL;
        }
      p = close + 1;
    }
  if (!has_seq)
    {
      g_set_error (error, ST_CERTIFICATE_ERROR, ST_CERTIFICATE_ERROR_PATTERN,
                   _("The certificate number pattern “%s” has no {seq}: numbers would repeat."), pattern);
      return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
st_certificate_set_pattern (StDb        *db,
                            const char  *pattern,
                            GError     **error)
{
  g_autofree char *sample = st_certificate_format_number (pattern, "522327", 2025, "graduation", 1, error);

  if (sample == NULL)
    return FALSE;
  return st_db_set_meta (db, "certificate_pattern", pattern, error);
}

/* 1 when a certificate has @number, 0 when none, -1 with @error set when
 * the database cannot say. */
static int
number_taken (StDb        *db,
              const char  *number,
              GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT 1 FROM certificates WHERE number = ?", error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_STATIC);
  return st_db_step_exists (db, stmt, _("reading the certificates"), error);
}

/* The next number of its kind and year. Every certificate ever issued stays
 * a row (revoked or tombstoned), so counting them never gives a number
 * twice; a number that arrived by sync is skipped. */
static char *
next_number (StDb        *db,
             const char  *pattern,
             const char  *county,
             const char  *kind,
             const char  *issued_on,
             GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT count (*) FROM certificates WHERE kind = ? AND substr (issued_on, 1, 4) = ?",
                                      error);
  char year[5];
  guint seq;
  int rc;

  if (stmt == NULL)
    return NULL;
  g_strlcpy (year, issued_on, sizeof year);
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, year, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  seq = rc == SQLITE_ROW ? (guint) sqlite3_column_int (stmt, 0) : 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      st_db_set_error (db, rc, _("reading the certificates"), error);
      return NULL;
    }

  for (;;)
    {
      char *number = st_certificate_format_number (pattern, county, atoi (year), kind, ++seq, error);
      int taken;

      if (number == NULL)
        return NULL;
      taken = number_taken (db, number, error);
      if (taken == 0)
        return number;
      g_free (number);
      if (taken < 0)
        return NULL;
    }
}

static gboolean
write_certificate (StDb           *db,
                   StCertificate  *c,
                   const char     *township_code,
                   GError        **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "INSERT INTO certificates (id, hlc, device, enrolment_id, township_code, kind, number, issued_on)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, c->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) st_db_next_hlc (db));
  sqlite3_bind_text (stmt, 3, st_db_get_device_id (db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, c->enrolment_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, township_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, c->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, c->number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, c->issued_on, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("saving a certificate"), error);
  return TRUE;
}

static gboolean
set_enrolment_state (StDb        *db,
                     const char  *enrolment_id,
                     const char  *state,
                     const char  *date,
                     GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "UPDATE enrolments SET hlc = ?, device = ?, state = ?, state_date = ? WHERE id = ?",
                                      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) st_db_next_hlc (db));
  sqlite3_bind_text (stmt, 2, st_db_get_device_id (db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, state, -1, SQLITE_STATIC);
  st_db_bind_text (stmt, 4, date);
  sqlite3_bind_text (stmt, 5, enrolment_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("saving an enrolment"), error);
  return TRUE;
}

/* 1, 0, or -1 with @error set when the database cannot say. */
static int
has_live_certificate (StDb        *db,
                      const char  *enrolment_id,
                      GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT 1 FROM certificates WHERE enrolment_id = ? AND deleted = 0"
                                          " AND revoked_on IS NULL", error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, enrolment_id, -1, SQLITE_STATIC);
  return st_db_step_exists (db, stmt, _("reading the certificates"), error);
}

GPtrArray *
st_certificates_approve (StDb               *db,
                         const char *const  *enrolment_ids,
                         const GDate        *as_of,
                         GError            **error)
{
  g_autoptr(GPtrArray) evaluated = g_ptr_array_new_with_free_func ((GDestroyNotify) st_eligibility_free);
  g_autoptr(GPtrArray) borrowed = g_ptr_array_new ();   /* the evaluations, in the order given */
  g_autoptr(GPtrArray) everyone = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  g_autoptr(GPtrArray) issued = g_ptr_array_new_with_free_func ((GDestroyNotify) st_certificate_free);
  g_autoptr(GString) refusals = g_string_new (NULL);
  g_autofree char *pattern = st_certificate_get_pattern (db);
  char county[7];
  char date[16];
  GDate today;
  int certified;

  if (as_of == NULL)
    {
      g_date_clear (&today, 1);
      g_date_set_time_t (&today, time (NULL));
      as_of = &today;
    }
  g_date_strftime (date, sizeof date, "%Y-%m-%d", as_of);

  /* One evaluation of everyone is cheaper than one per enrolment for more
   * than a handful. */
  if (g_strv_length ((char **) enrolment_ids) > 20)
    {
      StEligibilityQuery q = { as_of, NULL, NULL, NULL };
      g_autoptr(GPtrArray) all = st_eligibility_evaluate (db, &q, error);

      if (all == NULL)
        return NULL;
      by_id = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < all->len; i++)
        {
          StEligibility *e = g_ptr_array_index (all, i);
          g_hash_table_insert (by_id, e->enrolment_id, e);
        }
      everyone = g_steal_pointer (&all);
    }

  for (guint i = 0; enrolment_ids[i] != NULL; i++)
    {
      StEligibility *e;

      if (by_id != NULL)
        {
          e = g_hash_table_lookup (by_id, enrolment_ids[i]);
          if (e == NULL)
            {
              g_set_error (error, ST_CERTIFICATE_ERROR, ST_CERTIFICATE_ERROR_NOT_FOUND,
                           _("There is no enrolment with the key %s on that date."), enrolment_ids[i]);
              return NULL;
            }
          /* Owned by everyone; evaluated keeps a borrowed pointer. */
          g_ptr_array_add (borrowed, e);
        }
      else
        {
          e = st_eligibility_evaluate_one (db, enrolment_ids[i], as_of, error);
          if (e == NULL)
            return NULL;
          g_ptr_array_add (evaluated, e);
          g_ptr_array_add (borrowed, e);
        }
      certified = e->outcome == ST_OUTCOME_STUDYING ? 0 : has_live_certificate (db, e->enrolment_id, error);
      if (certified < 0)
        return NULL;
      if (e->outcome == ST_OUTCOME_STUDYING)
        {
          g_autofree char *missing = st_eligibility_describe_missing (e);

          /* Translators: "<name>: <what is missing>" */
          g_string_append_printf (refusals, _("%s: %s"), e->name, missing);
          g_string_append_c (refusals, '\n');
        }
      else if (e->outcome == ST_OUTCOME_GRADUATED || e->outcome == ST_OUTCOME_COMPLETED || certified)
        {
          g_string_append_printf (refusals, _("%s: already has a certificate"), e->name);
          g_string_append_c (refusals, '\n');
        }
    }
  if (refusals->len > 0)
    {
      g_set_error (error, ST_CERTIFICATE_ERROR, ST_CERTIFICATE_ERROR_NOT_ELIGIBLE,
                   _("Nothing was approved. Not eligible:\n%s"), refusals->str);
      return NULL;
    }

  if (!st_db_begin (db, error))
    return NULL;
  for (guint i = 0; i < borrowed->len; i++)
    {
      StEligibility *e = g_ptr_array_index (borrowed, i);
      StCertificate *c = g_new0 (StCertificate, 1);
      const char *state = NULL;

      g_ptr_array_add (issued, c);
      c->id = st_uuid_new ();
      c->enrolment_id = g_strdup (e->enrolment_id);
      c->issued_on = g_strdup (date);
      switch (e->outcome)
        {
        case ST_OUTCOME_ELIGIBLE:
          c->kind = g_strdup ("graduation");
          state = "graduated";
          break;
        case ST_OUTCOME_COMPLETION:
          c->kind = g_strdup ("completion");
          state = "completed";
          break;
        case ST_OUTCOME_STUDY_RECORD:
        case ST_OUTCOME_STUDYING:
        case ST_OUTCOME_GRADUATED:
        case ST_OUTCOME_COMPLETED:
        default:
          c->kind = g_strdup ("study_record");
          break;
        }
      /* The county of the class's township: a database may hold several. */
      g_strlcpy (county, e->township_code, sizeof county);
      c->number = next_number (db, pattern, county, c->kind, date, error);
      if (c->number == NULL || !write_certificate (db, c, e->township_code, error)
          || (state != NULL && !set_enrolment_state (db, e->enrolment_id, state, date, error)))
        {
          st_db_rollback (db);
          return NULL;
        }
    }
  if (!st_db_commit (db, error))
    return NULL;
  return g_steal_pointer (&issued);
}

#define CERT_COLUMNS "id, enrolment_id, kind, number, issued_on, revoked_on, revoke_reason"

static StCertificate *
certificate_from_row (sqlite3_stmt *stmt)
{
  StCertificate *c = g_new0 (StCertificate, 1);
  char **slots[] = { &c->id, &c->enrolment_id, &c->kind, &c->number, &c->issued_on, &c->revoked_on, &c->revoke_reason };

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      const char *t = (const char *) sqlite3_column_text (stmt, i);
      *slots[i] = t ? g_strdup (t) : NULL;
    }
  return c;
}

GPtrArray *
st_certificate_list (StDb        *db,
                     const char  *enrolment_id,
                     GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT " CERT_COLUMNS " FROM certificates WHERE deleted = 0"
                                          " AND (?1 IS NULL OR enrolment_id = ?1) ORDER BY issued_on, number", error);
  if (stmt == NULL)
    return NULL;
  st_db_bind_text (stmt, 1, enrolment_id);
  return st_db_read_rows (db, stmt, (gpointer (*) (sqlite3_stmt *)) certificate_from_row, (GDestroyNotify) st_certificate_free,
                          _("reading the certificates"), error);
}

gboolean
st_certificate_revoke (StDb        *db,
                       const char  *number,
                       const char  *date,
                       const char  *reason,
                       GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT " CERT_COLUMNS " FROM certificates WHERE number = ? AND deleted = 0",
                                      error);
  g_autoptr(StCertificate) c = NULL;
  g_autofree char *why = g_strstrip (g_strdup (reason ? reason : ""));
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    c = certificate_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("revoking a certificate"), error);
  if (c == NULL)
    {
      g_set_error (error, ST_CERTIFICATE_ERROR, ST_CERTIFICATE_ERROR_NOT_FOUND,
                   _("There is no certificate numbered %s."), number);
      return FALSE;
    }
  if (c->revoked_on != NULL)
    {
      g_set_error (error, ST_CERTIFICATE_ERROR, ST_CERTIFICATE_ERROR_NOT_FOUND,
                   _("The certificate %s was already revoked on %s."), number, c->revoked_on);
      return FALSE;
    }
  if (*why == '\0')
    {
      g_set_error_literal (error, ST_CERTIFICATE_ERROR, ST_CERTIFICATE_ERROR_NOT_FOUND,
                           _("Give the reason for revoking the certificate."));
      return FALSE;
    }
  {
    g_autofree char *problem = st_field_limit_problem ("certificates", "revoke_reason", _("Reason"), why);

    if (problem != NULL)
      {
        g_set_error_literal (error, ST_CERTIFICATE_ERROR, ST_CERTIFICATE_ERROR_NOT_FOUND, problem);
        return FALSE;
      }
  }
  if (!st_db_begin (db, error))
    return FALSE;
  stmt = st_db_prepare (db, "UPDATE certificates SET hlc = ?, device = ?, revoked_on = ?, revoke_reason = ? WHERE id = ?",
                        error);
  if (stmt == NULL)
    {
      st_db_rollback (db);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) st_db_next_hlc (db));
  sqlite3_bind_text (stmt, 2, st_db_get_device_id (db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, date, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, why, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, c->id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_rollback (db);
      return st_db_set_error (db, rc, _("revoking a certificate"), error);
    }
  /* A revoked graduation or completion puts the participant back in
   * study; a study record belongs to a withdrawal, which stays. */
  if (!g_str_equal (c->kind, "study_record")
      && !set_enrolment_state (db, c->enrolment_id, "studying", NULL, error))
    {
      st_db_rollback (db);
      return FALSE;
    }
  return st_db_commit (db, error);
}
