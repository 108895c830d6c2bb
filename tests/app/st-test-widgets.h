/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finding the widget a person would use and using it, in the UI tests. */
#pragma once

#include <adwaita.h>

#include "st-test-ui.h"

/* The first widget under @root, in a visible branch, whose action is
 * @action: the button or row a person would press. */
static inline GtkWidget *
st_test_find_actionable (GtkWidget  *root,
                         const char *action)
{
  /* A stack's pages not shown are visible but not child-visible. */
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return NULL;
  if (GTK_IS_ACTIONABLE (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = st_test_find_actionable (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first widget under @root, in a visible branch, whose action is
 * @action with the string target @target. */
static inline GtkWidget *
st_test_find_action_target (GtkWidget  *root,
                            const char *action,
                            const char *target)
{
  /* A stack's pages not shown are visible but not child-visible. */
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return NULL;
  if (GTK_IS_ACTIONABLE (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    {
      GVariant *value = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (root));

      if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
          && g_strcmp0 (g_variant_get_string (value, NULL), target) == 0)
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = st_test_find_action_target (child, action, target);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The text @widget shows when it is a label or an inscription (the cells
 * of the tables), else NULL. */
static inline const char *
st_test_text_of (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (GTK_IS_INSCRIPTION (widget))
    {
      const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));

      return text != NULL ? text : "";
    }
  return NULL;
}

/* The first label under @root, in a visible branch, whose text contains
 * @text. */
static inline GtkWidget *
st_test_find_label (GtkWidget  *root,
                    const char *text)
{
  /* A stack's pages not shown are visible but not child-visible. */
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return NULL;
  if (st_test_text_of (root) != NULL && strstr (st_test_text_of (root), text) != NULL)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = st_test_find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The button under @root, in a visible branch, whose label reads @text
 * (as shown: a mnemonic's underscore is not part of it). */
static inline GtkWidget *
st_test_find_button (GtkWidget  *root,
                     const char *text)
{
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return NULL;
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0
      && gtk_widget_get_ancestor (root, GTK_TYPE_BUTTON) != NULL)
    return gtk_widget_get_ancestor (root, GTK_TYPE_BUTTON);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = st_test_find_button (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Clicks @widget (a button, a row) as a person would: only when it is
 * shown and sensitive; the same path as Enter on it. A button shows
 * itself pressed for a moment before it acts: that moment is waited for. */
static inline void
st_test_click (GtkWidget *widget)
{
  g_assert_nonnull (widget);
  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_is_sensitive (widget));
  g_assert_true (gtk_widget_activate (widget));
  if (GTK_IS_BUTTON (widget))
    {
      gint64 end = g_get_monotonic_time () + 400 * 1000;

      while (g_get_monotonic_time () < end)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (2000);
    }
}

/* The text of every label under @root, one after another: what a person
 * reads there. */
static inline void
st_test_collect_text (GtkWidget *root,
                      GString   *out)
{
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return;
  if (st_test_text_of (root) != NULL)
    {
      g_string_append (out, st_test_text_of (root));
      g_string_append_c (out, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    st_test_collect_text (child, out);
}

static inline gboolean
st_test_is_mapped_of_type (GtkWidget     *widget,
                           gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type)) && gtk_widget_get_mapped (widget);
}

/* The first widget under @root of @type that is shown. */
static inline GtkWidget *
st_test_find_mapped (GtkWidget *root,
                     GType      type)
{
  return st_test_ui_find_widget (root, st_test_is_mapped_of_type, GSIZE_TO_POINTER (type));
}

/* Shows @window's page @name ("overview", "participants", …) as a person
 * does: a click on the page's button in the view switcher on screen (the
 * header bar's, or the bar at the bottom of a narrow window). */
static inline void
st_test_show_page (GtkWidget  *window,
                   const char *name)
{
  AdwViewStack *stack = ADW_VIEW_STACK (st_test_find_mapped (window, ADW_TYPE_VIEW_STACK));
  GtkWidget *page = adw_view_stack_get_child_by_name (stack, name);
  GtkWidget *switcher = st_test_find_mapped (window, ADW_TYPE_VIEW_SWITCHER);

  g_assert_nonnull (page);
  g_assert_nonnull (switcher);
  st_test_click (st_test_find_button (switcher, adw_view_stack_page_get_title (adw_view_stack_get_page (stack, page))));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, name);
}
