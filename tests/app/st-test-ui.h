/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Driving real widgets in the UI tests: waiting for what a person would
 * wait for. */
#pragma once

#include <glib.h>

/* Runs the main loop until @cond holds, failing after 60 s (the
 * Graduation page checks 100,000 rules on a slow machine). */
#define WAIT_UNTIL(cond) \
  G_STMT_START { \
    gint64 _end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > _end) \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond); \
        if (!g_main_context_iteration (NULL, FALSE)) \
          g_usleep (2000); \
      } \
  } G_STMT_END

/* Lets pending events, layout and drawing happen. */
static inline void
settle (void)
{
  gint64 end = g_get_monotonic_time () + 150 * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/* The first widget under @widget (itself included, depth first) that
 * @match accepts. */
static inline GtkWidget *
st_test_ui_find_widget (GtkWidget *widget,
                        gboolean (*match) (GtkWidget *, gconstpointer),
                        gconstpointer data)
{
  if (match (widget, data))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = st_test_ui_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* GTK's own file chooser dialog, shown (a GtkFileChooserNative without a
 * portal shows one), or NULL. */
static inline GtkWidget *
st_test_ui_chooser_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      if (GTK_IS_FILE_CHOOSER_DIALOG (w) && gtk_widget_get_mapped (GTK_WIDGET (w)))
        return GTK_WIDGET (w);
      G_GNUC_END_IGNORE_DEPRECATIONS
    }
  return NULL;
}

/* A row of a GtkPopoverMenu (a GtkModelButton) by its text (without the
 * mnemonic's underscore). */
static inline gboolean
st_test_ui_is_menu_row (GtkWidget     *widget,
                        gconstpointer  data)
{
  g_autofree char *text = NULL;

  if (!g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkModelButton"))
    return FALSE;
  g_object_get (widget, "text", &text, NULL);
  return g_strcmp0 (text, data) == 0;
}

/* The item @item of the menu button @button's menu, opened and clicked as
 * a person does. */
static inline void
st_test_ui_menu_click (GtkWidget  *button,
                       const char *item)
{
  GtkWidget *popover, *row;

  g_assert_nonnull (button);
  settle ();
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  g_assert_nonnull (popover);
  WAIT_UNTIL (gtk_widget_get_mapped (popover));
  row = st_test_ui_find_widget (popover, st_test_ui_is_menu_row, item);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_is_sensitive (row));
  g_signal_emit_by_name (row, "clicked");
  settle ();
}

/* Folders of the test's own for home, data, settings, cache, state and
 * runtime, made under a new temporary folder whose path is returned; the
 * system's XDG_DATA_DIRS are kept (GTK reads its SVG icons through the MIME
 * database there, which G_TEST_OPTION_ISOLATE_DIRS would hide). */
static inline char *
st_test_ui_private_dirs (const char *name)
{
  static const char *const dirs[] = { "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                                      "XDG_STATE_HOME", "XDG_RUNTIME_DIR" };
  g_autofree char *template = g_strconcat (name, "-XXXXXX", NULL);
  char *root = g_dir_make_tmp (template, NULL);

  g_assert_nonnull (root);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *dir = g_build_filename (root, dirs[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_setenv (dirs[i], dir, TRUE);
    }
  return root;
}

/* Removes @root and everything in it. */
static inline void
st_test_ui_remove_dirs (const char *root)
{
  const char *argv[] = { "rm", "-rf", root, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}
