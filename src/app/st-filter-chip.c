/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-filter-chip.h"

struct _StFilterChip
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkLabel  *label;
  GtkButton *button;
};

G_DEFINE_FINAL_TYPE (StFilterChip, st_filter_chip, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_LABEL, PROP_ACTION_NAME, N_PROPS };
static GParamSpec *properties[N_PROPS];

void
st_filter_chip_set_label (StFilterChip *self,
                          const char   *label)
{
  g_return_if_fail (ST_IS_FILTER_CHIP (self));
  if (g_strcmp0 (label ? label : "", gtk_label_get_text (self->label)) == 0)
    return;
  gtk_label_set_text (self->label, label ? label : "");
  gtk_widget_set_visible (GTK_WIDGET (self), label != NULL && *label != '\0');
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

const char *
st_filter_chip_get_label (StFilterChip *self)
{
  g_return_val_if_fail (ST_IS_FILTER_CHIP (self), NULL);
  return gtk_label_get_text (self->label);
}

GtkWidget *
st_filter_chip_get_button (StFilterChip *self)
{
  g_return_val_if_fail (ST_IS_FILTER_CHIP (self), NULL);
  return GTK_WIDGET (self->button);
}

static void
st_filter_chip_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StFilterChip *self = ST_FILTER_CHIP (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, gtk_label_get_text (self->label));
      break;
    case PROP_ACTION_NAME:
      g_value_set_string (value, gtk_actionable_get_action_name (GTK_ACTIONABLE (self->button)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
st_filter_chip_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  StFilterChip *self = ST_FILTER_CHIP (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      st_filter_chip_set_label (self, g_value_get_string (value));
      break;
    case PROP_ACTION_NAME:
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), g_value_get_string (value));
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
st_filter_chip_dispose (GObject *object)
{
  StFilterChip *self = ST_FILTER_CHIP (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (st_filter_chip_parent_class)->dispose (object);
}

static void
st_filter_chip_class_init (StFilterChipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = st_filter_chip_get_property;
  object_class->set_property = st_filter_chip_set_property;
  object_class->dispose = st_filter_chip_dispose;

  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ACTION_NAME] =
    g_param_spec_string ("action-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "filterchip");
}

static void
st_filter_chip_init (StFilterChip *self)
{
  GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE, "icon-name", "edit-find-symbolic",
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);

  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_top (self->box, 4);
  gtk_widget_set_margin_bottom (self->box, 4);
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_wrap_mode (self->label, PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (GTK_WIDGET (self->label), TRUE);
  self->button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("Show _All")));
  gtk_widget_set_valign (GTK_WIDGET (self->button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->button), "flat");
  gtk_box_append (GTK_BOX (self->box), icon);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->label));
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->button));
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "filter-chip");
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
