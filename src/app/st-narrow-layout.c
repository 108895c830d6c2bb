/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include "st-narrow-layout.h"

struct _StNarrowLayout
{
  GtkLayoutManager parent_instance;

  int        width;
  gboolean   narrow;
  GPtrArray *columns;   /* GtkColumnViewColumn */
  GArray    *fixed;     /* int: each column's fixed width while shown */
  GPtrArray *widgets;   /* GtkWidget */
};

G_DEFINE_FINAL_TYPE (StNarrowLayout, st_narrow_layout, GTK_TYPE_LAYOUT_MANAGER)

enum
{
  PROP_0,
  PROP_NARROW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The minimum width of @child (a vertical box's child) without the widgets
 * that a narrow page hides from it. */
static int
minimum_without_hidden (StNarrowLayout *self,
                        GtkWidget      *child)
{
  int minimum = 0;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  for (guint i = 0; i < self->widgets->len; i++)
    {
      GtkWidget *hidden = g_ptr_array_index (self->widgets, i);
      int hidden_minimum = 0;

      if (gtk_widget_get_parent (hidden) != child || !gtk_widget_get_visible (hidden))
        continue;
      gtk_widget_measure (hidden, GTK_ORIENTATION_HORIZONTAL, -1, &hidden_minimum, NULL, NULL, NULL);
      minimum -= hidden_minimum;
      if (GTK_IS_BOX (child))
        minimum -= gtk_box_get_spacing (GTK_BOX (child));
    }
  return minimum;
}

static void
st_narrow_layout_measure (GtkLayoutManager *manager,
                          GtkWidget        *widget,
                          GtkOrientation    orientation,
                          int               for_size,
                          int              *minimum,
                          int              *natural,
                          int              *minimum_baseline,
                          int              *natural_baseline)
{
  StNarrowLayout *self = ST_NARROW_LAYOUT (manager);
  GtkWidget *box = gtk_widget_get_first_child (widget);
  int widest = 0;

  *minimum = *natural = 0;
  *minimum_baseline = *natural_baseline = -1;
  if (box == NULL || !gtk_widget_should_layout (box))
    return;
  gtk_widget_measure (box, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
  if (orientation != GTK_ORIENTATION_HORIZONTAL || self->narrow || self->widgets->len == 0)
    return;
  /* The page's child is a vertical box: its minimum width is its widest
   * child's, counted without what a narrow page hides. */
  for (GtkWidget *child = gtk_widget_get_first_child (box); child; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child))
      widest = MAX (widest, minimum_without_hidden (self, child));
  *minimum = MIN (*minimum, widest);
}

static void
st_narrow_layout_allocate (GtkLayoutManager *manager,
                           GtkWidget        *widget,
                           int               width,
                           int               height,
                           int               baseline)
{
  StNarrowLayout *self = ST_NARROW_LAYOUT (manager);
  GtkWidget *box = gtk_widget_get_first_child (widget);
  gboolean narrow = width < self->width;

  if (narrow != self->narrow)
    {
      self->narrow = narrow;
      for (guint i = 0; i < self->columns->len; i++)
        {
          GtkColumnViewColumn *column = g_ptr_array_index (self->columns, i);
          int *fixed = &g_array_index (self->fixed, int, i);

          /* GTK 4.8 counts a hidden column's width in the list's minimum
           * (so the others never expand into the room, and the list
           * scrolls across nothing): hidden, its width is 0. What it was
           * (-1, or a width the user dragged it to) comes back with it. */
          if (narrow)
            {
              *fixed = gtk_column_view_column_get_fixed_width (column);
              gtk_column_view_column_set_visible (column, FALSE);
              gtk_column_view_column_set_fixed_width (column, 0);
            }
          else
            {
              gtk_column_view_column_set_fixed_width (column, *fixed);
              gtk_column_view_column_set_visible (column, TRUE);
            }
        }
      for (guint i = 0; i < self->widgets->len; i++)
        gtk_widget_set_visible (g_ptr_array_index (self->widgets, i), !narrow);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NARROW]);
    }
  if (box != NULL && gtk_widget_should_layout (box))
    gtk_widget_allocate (box, width, height, baseline, NULL);
}

static void
st_narrow_layout_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  StNarrowLayout *self = ST_NARROW_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_NARROW:
      g_value_set_boolean (value, self->narrow);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
st_narrow_layout_finalize (GObject *object)
{
  StNarrowLayout *self = ST_NARROW_LAYOUT (object);

  g_ptr_array_unref (self->columns);
  g_array_unref (self->fixed);
  g_ptr_array_unref (self->widgets);
  G_OBJECT_CLASS (st_narrow_layout_parent_class)->finalize (object);
}

static void
st_narrow_layout_class_init (StNarrowLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  object_class->get_property = st_narrow_layout_get_property;
  object_class->finalize = st_narrow_layout_finalize;
  layout_class->measure = st_narrow_layout_measure;
  layout_class->allocate = st_narrow_layout_allocate;

  properties[PROP_NARROW] = g_param_spec_boolean ("narrow", NULL, NULL, FALSE,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                  | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
st_narrow_layout_init (StNarrowLayout *self)
{
  self->width = 900;
  self->columns = g_ptr_array_new_with_free_func (g_object_unref);
  self->fixed = g_array_new (FALSE, FALSE, sizeof (int));
  self->widgets = g_ptr_array_new_with_free_func (g_object_unref);
}

void
st_narrow_layout_set_width (StNarrowLayout *self,
                            int             width)
{
  g_return_if_fail (ST_IS_NARROW_LAYOUT (self));
  self->width = width;
  gtk_layout_manager_layout_changed (GTK_LAYOUT_MANAGER (self));
}

void
st_narrow_layout_add_column (StNarrowLayout      *self,
                             GtkColumnViewColumn *column)
{
  int fixed = gtk_column_view_column_get_fixed_width (column);

  g_return_if_fail (ST_IS_NARROW_LAYOUT (self));
  g_ptr_array_add (self->columns, g_object_ref (column));
  g_array_append_val (self->fixed, fixed);
}

void
st_narrow_layout_add_widget (StNarrowLayout *self,
                             GtkWidget      *widget)
{
  g_return_if_fail (ST_IS_NARROW_LAYOUT (self));
  g_ptr_array_add (self->widgets, g_object_ref (widget));
}

gboolean
st_narrow_layout_get_narrow (StNarrowLayout *self)
{
  g_return_val_if_fail (ST_IS_NARROW_LAYOUT (self), FALSE);
  return self->narrow;
}
