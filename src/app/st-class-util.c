/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-class-util.h"

char *
st_class_format_hours (gint64 minutes)
{
  if (minutes % 60 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, minutes / 60);
  if (minutes % 6 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT, minutes / 60, minutes % 60 / 6);
  return g_strdup_printf ("%.2f", minutes / 60.0);
}

char *
st_class_format_hours_text (gint64 minutes)
{
  g_autofree char *number = st_class_format_hours (minutes);
  /* A fraction ("1.5") takes the form of "many". */
  gulong n = minutes % 60 == 0 ? (gulong) (minutes / 60) : (gulong) MAX (2, minutes / 60 + 1);

  /* Translators: a length in hours (学时): "8 hours", "1.5 hours" */
  return g_strdup_printf (ngettext ("%s hour", "%s hours", n), number);
}

const char *
st_class_program_name (const StProgram *program)
{
  const char *const *languages = g_get_language_names ();

  /* Programs are data: their names are in the file, in two languages. */
  if (program->name_en != NULL && (languages[0] == NULL || !g_str_has_prefix (languages[0], "zh")))
    return program->name_en;
  return program->name;
}
