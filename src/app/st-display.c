/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>

#include "st-date.h"
#include "st-display.h"
#include "st-idcard.h"
#include "st-participant.h"

const char *
st_display_township (StDivisions *divisions,
                     const char  *township_code)
{
  const StDivision *d;

  if (township_code == NULL)
    return "";
  d = st_divisions_lookup (divisions, township_code);
  return d ? d->name : township_code;
}

char *
st_display_village (StDivisions *divisions,
                    const char  *village_code,
                    const char  *village_name)
{
  if (village_code != NULL)
    {
      const StDivision *d = st_divisions_lookup (divisions, village_code);

      if (d != NULL)
        return g_strdup (d->short_name);
      return g_strdup (village_code);
    }
  return g_strdup (village_name ? village_name : "");
}

char *
st_display_age (const char *birth_date)
{
  /* Read once: every row of a list shows an age, and finding the local
   * time zone reads /etc/localtime each time. */
  static GTimeZone *local;
  g_autoptr(GDateTime) now = NULL;
  GDate birth, today;

  if (!st_date_parse (birth_date, &birth))
    return g_strdup ("");
  if (g_once_init_enter (&local))
    g_once_init_leave (&local, g_time_zone_new_local ());
  now = g_date_time_new_now (local);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, (GDateDay) g_date_time_get_day_of_month (now), (GDateMonth) g_date_time_get_month (now),
                  (GDateYear) g_date_time_get_year (now));
  return g_strdup_printf ("%u", st_date_age_at (&birth, &today));
}

const char *
st_display_field_label (const char *column)
{
  const StParticipantField *fields;
  guint n;

  if (g_strcmp0 (column, "id_number") == 0)
    return _("ID number");
  if (g_strcmp0 (column, "sex") == 0)
    return _("Sex");
  if (g_strcmp0 (column, "birth_date") == 0)
    return _("Birth date");
  if (g_strcmp0 (column, "region_code") == 0)
    return _("Region of registration");
  if (g_strcmp0 (column, "deleted") == 0)
    return _("Deleted");
  if (g_strcmp0 (column, "merged_into") == 0)
    return _("Merged into");
  fields = st_participant_fields (&n);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (column, fields[i].column) == 0)
      return _(fields[i].label);
  return column;
}

char *
st_display_field_value (StDivisions *divisions,
                        const char  *column,
                        const char  *value)
{
  if (value == NULL || *value == '\0')
    return g_strdup ("—");
  if (g_str_equal (column, "township_code"))
    return g_strdup (st_display_township (divisions, value));
  if (g_str_equal (column, "village_code"))
    return st_display_village (divisions, value, NULL);
  if (g_str_equal (column, "education"))
    {
      const char *text = st_education_to_display (value);
      return g_strdup (text ? text : value);
    }
  if (g_str_equal (column, "poverty"))
    {
      const char *text = st_poverty_to_display (value);
      return g_strdup (text ? text : value);
    }
  if (g_str_equal (column, "sex"))
    return g_strdup (st_sex_to_display (atoi (value)));
  if (g_str_equal (column, "deleted"))
    return g_strdup (atoi (value) ? _("Yes") : _("No"));
  return g_strdup (value);
}

char *
st_display_time_ms (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("");
}

void
st_display_toast (AdwToastOverlay *overlay,
                  const char      *message,
                  guint            timeout_s)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  if (timeout_s > 0)
    adw_toast_set_timeout (toast, timeout_s);
  adw_toast_overlay_add_toast (overlay, toast);
}

void
st_display_toast_near (GtkWidget  *widget,
                       const char *message,
                       guint       timeout_s)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    st_display_toast (ADW_TOAST_OVERLAY (overlay), message, timeout_s);
}

static int
text_width (GtkWidget  *widget,
            const char *text,
            gboolean    monospace)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width;

  if (monospace)
    {
      g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("monospace");

      pango_layout_set_font_description (layout, font);
    }
  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

void
st_display_fit_column (GtkColumnViewColumn *column,
                       GtkWidget           *widget,
                       const char *const   *samples,
                       gboolean             monospace)
{
  /* A cell's padding and a header's, with its sort arrow. */
  const int padding = 24;
  int width = text_width (widget, gtk_column_view_column_get_title (column), FALSE);

  for (guint i = 0; samples != NULL && samples[i] != NULL; i++)
    width = MAX (width, text_width (widget, samples[i], monospace));
  gtk_column_view_column_set_fixed_width (column, width + padding);
}

/* TRUE when the interface is in Chinese (or Japanese, Korean): the first
 * language asked for that is not the untranslated C or English. */
static gboolean
interface_is_cjk (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "C") || g_str_equal (names[i], "POSIX") || g_str_has_prefix (names[i], "en"))
        return FALSE;
      if (g_str_has_prefix (names[i], "zh") || g_str_has_prefix (names[i], "ja") || g_str_has_prefix (names[i], "ko"))
        return TRUE;
    }
  return FALSE;
}

/* GTK 4.8 sizes a tooltip by the narrowest its label may be, and text
 * without spaces may break after any character: "主菜单" came out one
 * character per line, tall enough to cover the menu it names. A label of
 * our own asks for the width of its text, up to about twenty characters,
 * and wraps beyond. */
static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  const char *markup = gtk_widget_get_tooltip_markup (widget);
  const char *text = gtk_widget_get_tooltip_text (widget);
  GtkWidget *label;
  glong n;

  if (text == NULL || *text == '\0')
    return FALSE;
  label = gtk_label_new (NULL);
  if (markup != NULL)
    gtk_label_set_markup (GTK_LABEL (label), markup);
  else
    gtk_label_set_text (GTK_LABEL (label), text);
  n = g_utf8_strlen (text, -1);
  /* A width in characters counts narrow ones: a Chinese one is two. */
  gtk_label_set_width_chars (GTK_LABEL (label), (int) MIN (2 * n, 40));
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_tooltip_set_custom (tooltip, label);
  return TRUE;
}

static void
fit_tooltips (GtkWidget *widget)
{
  if (gtk_widget_get_has_tooltip (widget) && !g_object_get_data (G_OBJECT (widget), "st-tooltip-fitted"))
    {
      g_object_set_data (G_OBJECT (widget), "st-tooltip-fitted", GINT_TO_POINTER (1));
      g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    fit_tooltips (child);
}

void
st_display_fit_tooltips (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));
  if (interface_is_cjk ())
    fit_tooltips (root);
}

char *
st_display_entered (GtkEditable *editable)
{
  char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

/* The height of a table cell (see st_display_cell_label ()), and the cells
 * made, to be given a new one when the interface's text size changes. */
static int cell_height;
static GHashTable *cells;

static int
measure_cell_height (GtkWidget *cell)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (cell, "Ag汉");
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

static void
on_text_size_changed (GtkSettings *settings,
                      GParamSpec  *pspec,
                      gpointer     data)
{
  GHashTableIter iter;
  gpointer cell;

  cell_height = 0;
  g_hash_table_iter_init (&iter, cells);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    {
      if (cell_height == 0)
        cell_height = measure_cell_height (cell);
      gtk_widget_set_size_request (cell, -1, cell_height);
    }
}

static void
forget_cell (gpointer  data,
             GObject  *cell)
{
  g_hash_table_remove (cells, cell);
}

GtkWidget *
st_display_cell_label (gboolean numeric,
                       gboolean monospace)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  /* An inscription is as high as a line of its font; text in another font
   * (Chinese, from its fallback font) is higher, so that the rows' text
   * would not share a baseline. As high as a line in both, each is
   * centred, as labels are. Measured once, and again for every cell when
   * the text size or the font changes. */
  if (cells == NULL)
    {
      GtkSettings *settings = gtk_widget_get_settings (cell);

      cells = g_hash_table_new (NULL, NULL);
      g_signal_connect (settings, "notify::gtk-xft-dpi", G_CALLBACK (on_text_size_changed), NULL);
      g_signal_connect (settings, "notify::gtk-font-name", G_CALLBACK (on_text_size_changed), NULL);
    }
  if (cell_height == 0)
    cell_height = measure_cell_height (cell);
  g_hash_table_add (cells, cell);
  g_object_weak_ref (G_OBJECT (cell), forget_cell, NULL);
  gtk_widget_set_size_request (cell, -1, cell_height);
  gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 0);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (numeric)
    gtk_widget_add_css_class (cell, "numeric");
  if (monospace)
    gtk_widget_add_css_class (cell, "monospace");
  return cell;
}

void
st_display_cell_set_text (GtkWidget  *cell,
                          const char *text)
{
  /* Set again to the same text, GTK 4.8 lays it out again all the same. */
  if (g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (cell)), text != NULL ? text : "") != 0)
    gtk_inscription_set_text (GTK_INSCRIPTION (cell), text != NULL ? text : "");
}
