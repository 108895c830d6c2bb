/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-import-conflict-row.h"

/* One side: a caption ("In the database") over the value, which wraps. */
static GtkWidget *
choice_new (const char *caption,
            const char *value)
{
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *head = gtk_label_new (caption);
  GtkWidget *text = gtk_label_new (value && *value ? value : _("(empty)"));
  g_autofree char *accessible = g_strdup_printf ("%s: %s", caption, value && *value ? value : _("(empty)"));

  gtk_label_set_xalign (GTK_LABEL (head), 0);
  gtk_label_set_wrap (GTK_LABEL (head), TRUE);
  gtk_widget_add_css_class (head, "caption");
  gtk_widget_add_css_class (head, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (text), 30);
  gtk_box_append (GTK_BOX (box), head);
  gtk_box_append (GTK_BOX (box), text);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_set_hexpand (button, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (button), "value-text", g_strdup (gtk_label_get_text (GTK_LABEL (text))), g_free);
  return button;
}

GtkWidget *
st_import_conflict_row_new (const char *label,
                            const char *stored,
                            const char *offered)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (label);
  GtkWidget *sides = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *keep = choice_new (_("In the database"), stored);
  GtkWidget *take = choice_new (_("In the roster"), offered);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_set_homogeneous (GTK_BOX (sides), TRUE);
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (take), GTK_TOGGLE_BUTTON (keep));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (keep), TRUE);
  gtk_box_append (GTK_BOX (sides), keep);
  gtk_box_append (GTK_BOX (sides), take);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), sides);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (row), "keep", keep);
  g_object_set_data (G_OBJECT (row), "take", take);
  return row;
}

gboolean
st_import_conflict_row_takes_roster (GtkWidget *row)
{
  return gtk_toggle_button_get_active (st_import_conflict_row_get_choice (row, TRUE));
}

GtkToggleButton *
st_import_conflict_row_get_choice (GtkWidget *row,
                                   gboolean   roster)
{
  return GTK_TOGGLE_BUTTON (g_object_get_data (G_OBJECT (row), roster ? "take" : "keep"));
}
