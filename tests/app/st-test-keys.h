/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pressing real keys and clicking the mouse in the UI tests: the X server
 * (Xvfb) is asked, by its XTest extension, to press and release a key as a
 * keyboard would, or to move the pointer and press its button; GTK reads
 * the events from the server like any others, so that they go through the
 * window's focus, the shortcut controllers, the key bindings and the
 * gestures a person's keys and clicks go through — a key bound to nothing
 * does nothing here too, and a click lands on what is on top. */
#pragma once

#include <gtk/gtk.h>

#if defined(ST_TEST_HAVE_XTEST) && defined(GDK_WINDOWING_X11)
#include <gdk/x11/gdkx.h>
#include <X11/XKBlib.h>
#include <X11/extensions/XTest.h>
#endif

/* Runs the main loop until it has had nothing to do for @quiet_ms, or for
 * @max_ms at most (a page that keeps drawing, a spinner, never rests: what
 * a key starts beyond that is waited for by the test, WAIT_UNTIL). */
static inline void
st_test_keys_settle (guint quiet_ms,
                     guint max_ms)
{
  gint64 end = g_get_monotonic_time () + max_ms * 1000;
  gint64 quiet_until = g_get_monotonic_time () + quiet_ms * 1000;

  while (g_get_monotonic_time () < MIN (quiet_until, end))
    if (g_main_context_iteration (NULL, FALSE))
      quiet_until = g_get_monotonic_time () + quiet_ms * 1000;
    else
      g_usleep (1000);
}

#if defined(ST_TEST_HAVE_XTEST) && defined(GDK_WINDOWING_X11)
static inline void
st_test_keys_send (Display *x,
                   KeySym   keysym,
                   gboolean press)
{
  KeyCode code = XKeysymToKeycode (x, keysym);

  if (code == 0)
    g_error ("no key makes %s on this display", XKeysymToString (keysym));
  XTestFakeKeyEvent (x, code, press, CurrentTime);
}
#endif

#if defined(ST_TEST_HAVE_XTEST) && defined(GDK_WINDOWING_X11)
/* Gives @widget's window the keyboard, as a click on it would (there is no
 * window manager under Xvfb to give it), and returns its X display. */
static inline Display *
st_test_keys_focus (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GdkDisplay *display = gtk_widget_get_display (widget);
  GdkSurface *surface;
  Display *x;
  gint64 until;

  g_assert_nonnull (root);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (root)));
  if (!GDK_IS_X11_DISPLAY (display))
    g_error ("real keys need GDK_BACKEND=x11 (the UI tests run under xvfb-run)");
  x = gdk_x11_display_get_xdisplay (display);
  surface = gtk_native_get_surface (GTK_NATIVE (root));
  if (!GTK_IS_WINDOW (root) || !gtk_window_is_active (GTK_WINDOW (root)))
    {
      XSetInputFocus (x, gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
      XSync (x, False);
      until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
      while (GTK_IS_WINDOW (root) && !gtk_window_is_active (GTK_WINDOW (root)))
        {
          if (g_get_monotonic_time () > until)
            g_error ("the window did not take the keyboard");
          if (!g_main_context_iteration (NULL, FALSE))
            g_usleep (1000);
        }
    }
  return x;
}

/* Presses and releases @keyval with @mods. A key whose symbol is its
 * shifted one (an upper-case letter, a colon) is pressed with Shift, as on
 * a keyboard. */
static inline void
st_test_keys_press (Display         *x,
                    guint            keyval,
                    GdkModifierType  mods)
{
  KeyCode code = XKeysymToKeycode (x, keyval);
  gboolean shift;

  if (code == 0)
    g_error ("no key makes %s on this display", gdk_keyval_name (keyval));
  shift = (mods & GDK_SHIFT_MASK) != 0
          || (XkbKeycodeToKeysym (x, code, 0, 0) != keyval && XkbKeycodeToKeysym (x, code, 0, 1) == keyval);
  if (mods & GDK_CONTROL_MASK)
    st_test_keys_send (x, XK_Control_L, TRUE);
  if (mods & GDK_ALT_MASK)
    st_test_keys_send (x, XK_Alt_L, TRUE);
  if (shift)
    st_test_keys_send (x, XK_Shift_L, TRUE);
  XTestFakeKeyEvent (x, code, True, CurrentTime);
  XTestFakeKeyEvent (x, code, False, CurrentTime);
  if (shift)
    st_test_keys_send (x, XK_Shift_L, FALSE);
  if (mods & GDK_ALT_MASK)
    st_test_keys_send (x, XK_Alt_L, FALSE);
  if (mods & GDK_CONTROL_MASK)
    st_test_keys_send (x, XK_Control_L, FALSE);
}
#endif

/* Presses @n keys of @keyvals one after another, each with @mods, on the
 * keyboard of @widget's window, and waits until the window has handled
 * them. */
static inline void
st_test_keys_run (GtkWidget       *widget,
                  const guint     *keyvals,
                  gsize            n,
                  GdkModifierType  mods)
{
#if defined(ST_TEST_HAVE_XTEST) && defined(GDK_WINDOWING_X11)
  Display *x = st_test_keys_focus (widget);

  for (gsize i = 0; i < n; i++)
    st_test_keys_press (x, keyvals[i], mods);
  XSync (x, False);
  st_test_keys_settle (50, 400);
#else
  g_error ("real keys need XTest: build the tests with libxtst-dev (scripts/deps --test)");
#endif
}

/* Presses @keyval with @mods (Control, Shift, Alt) on the keyboard of
 * @widget's window, as a person does, and waits until the window has
 * handled it. */
static inline void
st_test_key (GtkWidget       *widget,
             guint            keyval,
             GdkModifierType  mods)
{
  st_test_keys_run (widget, &keyval, 1, mods);
}

/* Types @text (what a keyboard has keys for: no input method) where
 * @widget's window has its focus, key after key, and waits until the
 * window has read them all. */
static inline void
st_test_type (GtkWidget  *widget,
              const char *text)
{
  g_autoptr(GArray) keyvals = g_array_new (FALSE, FALSE, sizeof (guint));

  for (const char *c = text; *c != '\0'; c = g_utf8_next_char (c))
    {
      guint keyval = gdk_unicode_to_keyval (g_utf8_get_char (c));

      g_array_append_val (keyvals, keyval);
    }
  st_test_keys_run (widget, (const guint *) keyvals->data, keyvals->len, 0);
}

/* Clicks @widget with the mouse's left button, @n_press times in a row (2:
 * a double click), at its middle, as a person does: the X server moves the
 * pointer there and presses the button, and GTK reads the events like any
 * others (the widget under the pointer gets them, through its gestures). */
static inline void
st_test_pointer_click (GtkWidget *widget,
                       guint      n_press)
{
#if defined(ST_TEST_HAVE_XTEST) && defined(GDK_WINDOWING_X11)
  Display *x = st_test_keys_focus (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  gint64 until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  graphene_point_t middle, at;
  double dx, dy;
  int root_x, root_y;
  Window child;

  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_is_sensitive (widget));
  /* A window just shown is laid out at its first frame: where the widget
   * is, is known then. */
  while (gtk_widget_get_width (widget) == 0 || gtk_widget_get_height (widget) == 0)
    {
      if (g_get_monotonic_time () > until)
        g_error ("%s is shown but has no size", G_OBJECT_TYPE_NAME (widget));
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  middle = GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0f, gtk_widget_get_height (widget) / 2.0f);
  /* On top, as a window manager keeps the window a person works in. */
  XRaiseWindow (x, gdk_x11_surface_get_xid (gtk_native_get_surface (native)));
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &middle, &at));
  /* The surface may begin before the widget (a window's shadow). */
  gtk_native_get_surface_transform (native, &dx, &dy);
  XTranslateCoordinates (x, gdk_x11_surface_get_xid (gtk_native_get_surface (native)), DefaultRootWindow (x),
                         (int) (at.x + dx), (int) (at.y + dy), &root_x, &root_y, &child);
  XTestFakeMotionEvent (x, -1, root_x, root_y, CurrentTime);
  XSync (x, False);
  st_test_keys_settle (20, 200);
  for (guint i = 0; i < n_press; i++)
    {
      XTestFakeButtonEvent (x, 1, True, CurrentTime);
      XTestFakeButtonEvent (x, 1, False, CurrentTime);
    }
  XSync (x, False);
  st_test_keys_settle (50, 400);
#else
  g_error ("real clicks need XTest: build the tests with libxtst-dev (scripts/deps --test)");
#endif
}
