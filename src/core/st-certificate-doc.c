/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-certificate"

#include "config.h"

#include <stdio.h>

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>

#include "st-certificate.h"
#include "st-certificate-doc.h"
#include "st-doc.h"
#include "st-eligibility.h"
#include "st-participant.h"
#include "st-program.h"
#include "st-records.h"

static StCertificate *
find_certificate (StDb        *db,
                  const char  *number,
                  GError     **error)
{
  g_autoptr(GPtrArray) list = st_certificate_list (db, NULL, error);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      StCertificate *c = g_ptr_array_index (list, i);

      if (g_strcmp0 (c->number, number) == 0)
        return g_ptr_array_steal_index (list, i);
    }
  if (list != NULL)
    g_set_error (error, ST_CERTIFICATE_ERROR, ST_CERTIFICATE_ERROR_NOT_FOUND,
                 _("There is no certificate numbered %s."), number);
  return NULL;
}

static char *
hours (gint64 minutes)
{
  if (minutes % 60 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, minutes / 60);
  return g_strdup_printf ("%.1f", minutes / 60.0);
}

/* Draws @text at @y, @width wide; returns the y below it. */
static double
paragraph (cairo_t        *cr,
           PangoContext   *context,
           const char     *text,
           double          x,
           double          y,
           double          width,
           double          size,
           gboolean        bold,
           PangoAlignment  align)
{
  g_autoptr(PangoLayout) layout = st_doc_text (context, text, size, bold, width, align);

  pango_layout_set_spacing (layout, (int) (size * 0.5 * PANGO_SCALE));
  st_doc_show (cr, layout, x, y);
  return y + st_doc_layout_height (layout);
}

gboolean
st_certificate_doc_draw (StDb        *db,
                         const char  *number,
                         cairo_t     *cr,
                         double       width,
                         double       height,
                         GError     **error)
{
  g_autoptr(StCertificate) c = find_certificate (db, number, error);
  g_autoptr(StEnrolment) enrolment = NULL;
  g_autoptr(StParticipant) p = NULL;
  g_autoptr(StClass) klass = NULL;
  g_autoptr(StProgram) program = NULL;
  g_autoptr(StEligibility) e = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  PangoContext *context;
  g_autofree char *concentrated = NULL, *self_study = NULL, *online = NULL, *attended = NULL;
  const char *title;
  int kind;
  double margin = width * 0.12, y;
  GDate issued;

  if (c == NULL)
    return FALSE;
  enrolment = st_enrolment_load (db, c->enrolment_id, error);
  if (enrolment == NULL)
    return FALSE;
  p = st_participant_load (db, enrolment->participant_id, error);
  klass = p ? st_class_load (db, enrolment->class_id, error) : NULL;
  program = klass ? st_program_load (db, klass->program_code, error) : NULL;
  if (program == NULL)
    return FALSE;
  if (!st_date_parse (c->issued_on, &issued))
    g_date_set_time_t (&issued, time (NULL));
  e = st_eligibility_evaluate_one (db, c->enrolment_id, &issued, NULL);

  kind = g_str_equal (c->kind, "graduation") ? 0 : g_str_equal (c->kind, "completion") ? 1 : 2;
  title = program->certificate_names[kind] ? program->certificate_names[kind]
        : kind == 0 ? _("Graduation Certificate") : kind == 1 ? _("Completion Certificate") : _("Study Record");

  /* Translators: the certificate's first sentence: name, sex, birth date,
   * ID number, enrolment date, class, major, program */
  g_string_append_printf (body, _("%s, %s, born %s, ID number %s, enrolled on %s in the class %s (major: %s) of the %s."),
                          p->name, st_sex_to_display (p->sex), p->birth_date, p->id_number, enrolment->enrolled_on,
                          klass->name, klass->major ? klass->major : "—", program->name);
  g_string_append_c (body, '\n');
  if (kind == 0)
    g_string_append (body, _("Having completed the required courses and passed the assessments, the participant graduates."));
  else if (kind == 1)
    g_string_append (body, _("The study length being over, the participant completes the training without graduating."));
  else
    {
      /* Translators: %s is the date of the withdrawal */
      g_string_append_printf (body, _("The participant withdrew on %s. This record states the studies done until then."),
                              enrolment->state_date ? enrolment->state_date : c->issued_on);
    }
  if (e != NULL)
    {
      concentrated = hours (e->concentrated);
      self_study = hours (e->self_study);
      online = hours (e->online);
      attended = hours (e->attended);
      g_string_append_c (body, '\n');
      /* Translators: hours as of the day of issue */
      g_string_append_printf (body, _("Hours: concentrated teaching %s, all class sessions %s, self-study %s, online %s. Practical assignments done: %u of %u."),
                              concentrated, attended, self_study, online, e->assignments_done, e->assignments_total);
    }
  /* §(六)2–3: the credits, with what they rest on. */
  {
    g_autofree char *credits = st_credits_describe (db, c->enrolment_id, c->issued_on, NULL);

    if (credits != NULL)
      {
        g_string_append_c (body, '\n');
        g_string_append (body, credits);
      }
  }

  context = st_doc_context_new (cr);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  /* A double frame, as printed certificates have. */
  cairo_set_source_rgb (cr, 0.55, 0.1, 0.1);
  cairo_set_line_width (cr, 2.0);
  cairo_rectangle (cr, width * 0.05, height * 0.04, width * 0.9, height * 0.92);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 0.6);
  cairo_rectangle (cr, width * 0.065, height * 0.05, width * 0.87, height * 0.9);
  cairo_stroke (cr);

  y = paragraph (cr, context, title, margin, height * 0.12, width - 2 * margin, width * 0.055, TRUE, PANGO_ALIGN_CENTER);
  cairo_set_source_rgb (cr, 0, 0, 0);
  {
    /* Translators: "No. 5223272026B0001" */
    g_autofree char *line = g_strdup_printf (_("No. %s"), c->number);

    y = paragraph (cr, context, line, margin, y + height * 0.02, width - 2 * margin, width * 0.022, FALSE, PANGO_ALIGN_RIGHT);
  }
  y = paragraph (cr, context, body->str, margin, y + height * 0.05, width - 2 * margin, width * 0.027, FALSE, PANGO_ALIGN_LEFT);
  {
    /* Translators: "Issued on 2026-11-23" */
    g_autofree char *line = g_strdup_printf (_("Issued on %s"), c->issued_on);

    paragraph (cr, context, line, margin, height * 0.8, width - 2 * margin, width * 0.025, FALSE, PANGO_ALIGN_RIGHT);
  }
  if (c->revoked_on != NULL)
    {
      g_autofree char *line = g_strdup_printf (_("Revoked on %s"), c->revoked_on);

      cairo_set_source_rgb (cr, 0.8, 0, 0);
      paragraph (cr, context, line, margin, height * 0.86, width - 2 * margin, width * 0.03, TRUE, PANGO_ALIGN_CENTER);
    }
  cairo_restore (cr);
  g_object_unref (context);
  return TRUE;
}

gboolean
st_certificate_doc_write_pdf (StDb              *db,
                              const char *const *numbers,
                              const char        *path,
                              GError           **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface = st_doc_pdf_new (bytes, NULL);
  cairo_t *cr = cairo_create (surface);
  gboolean ok = TRUE;

  for (guint i = 0; ok && numbers[i] != NULL; i++)
    {
      ok = st_certificate_doc_draw (db, numbers[i], cr, ST_DOC_A4_WIDTH, ST_DOC_A4_HEIGHT, error);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  if (!ok)
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  /* Written whole, then put in place: a reader never sees half a file. */
  return st_doc_pdf_save (surface, bytes, path, error);
}
