/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the app benchmarks share: timing to a painted frame, resident
 * memory by mapping (the GL driver's share apart), and summaries of
 * samples. Printed, never asserted. */
#pragma once

#include <adwaita.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>

#include "st-application.h"
#include "st-db.h"
#include "st-window-private.h"

static gboolean bench_painted;

static inline double
bench_ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
bench_on_after_paint (GdkFrameClock *clock,
                      gpointer       user_data)
{
  bench_painted = TRUE;
}

/* Counts painted frames of @widget's window from now on. */
static inline void
bench_watch_frames (GtkWidget *widget)
{
  g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint", G_CALLBACK (bench_on_after_paint), NULL);
}

/* Runs the loop until the next frame has been painted. */
static inline void
bench_wait_for_frame (GtkWidget *widget)
{
  bench_painted = FALSE;
  gtk_widget_queue_draw (widget);
  while (!bench_painted)
    g_main_context_iteration (NULL, TRUE);
}

/* The calling thread's CPU time, in ms. */
static inline double
bench_thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* GDK 4.8 on X11 opens GL when it opens the display (to choose a visual),
 * whatever the renderer: under Xvfb that is Mesa's software driver and
 * LLVM, which a laptop replaces with its GPU's driver. Its share of the
 * resident memory is shown apart. */
static inline gboolean
bench_is_gl_driver (const char *mapping)
{
  return strstr (mapping, "libLLVM") != NULL || g_str_has_suffix (mapping, "_dri.so")
    || strstr (mapping, "libgallium") != NULL;
}

/* The GL driver's resident memory, in kB. */
static inline guint64
bench_gl_driver_kb (void)
{
  g_autofree char *smaps = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean gl = FALSE;
  guint64 kb = 0;

  if (!g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL))
    return 0;
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_ascii_isxdigit (lines[i][0]) && strchr (lines[i], '-') != NULL && strchr (lines[i], ' ') != NULL)
      gl = bench_is_gl_driver (lines[i]);
    else if (gl && g_str_has_prefix (lines[i], "Rss:"))
      kb += g_ascii_strtoull (lines[i] + 4, NULL, 10);
  return kb;
}

/* The largest parts of the resident memory, by mapping. */
static inline void
bench_print_mappings (void)
{
  g_autofree char *smaps = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GList) keys = NULL;
  const char *current = "[anonymous]";
  g_autofree char *current_owned = NULL;

  if (!g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL))
    return;
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (g_ascii_isxdigit (lines[i][0]) && strchr (lines[i], '-') != NULL && strchr (lines[i], ' ') != NULL)
        {
          g_auto(GStrv) parts = g_strsplit_set (lines[i], " ", -1);
          guint n = g_strv_length (parts);

          g_free (current_owned);
          current_owned = g_strdup (n > 5 && *parts[n - 1] ? parts[n - 1] : "[anonymous]");
          current = current_owned;
        }
      else if (g_str_has_prefix (lines[i], "Rss:"))
        {
          guint64 kb = g_ascii_strtoull (lines[i] + 4, NULL, 10);
          gpointer old = g_hash_table_lookup (sizes, current);

          g_hash_table_insert (sizes, g_strdup (current), GSIZE_TO_POINTER (GPOINTER_TO_SIZE (old) + kb));
        }
    }
  keys = g_hash_table_get_keys (sizes);
  for (guint shown = 0; shown < (g_getenv ("ST_BENCH_VERBOSE") ? 40 : 6) && keys != NULL; shown++)
    {
      GList *best = keys;

      for (GList *l = keys; l; l = l->next)
        if (GPOINTER_TO_SIZE (g_hash_table_lookup (sizes, l->data)) > GPOINTER_TO_SIZE (g_hash_table_lookup (sizes, best->data)))
          best = l;
      g_print ("    %6.1f MB  %s\n", GPOINTER_TO_SIZE (g_hash_table_lookup (sizes, best->data)) / 1024.0,
               (char *) best->data);
      keys = g_list_delete_link (keys, best);
    }
}

static inline void
bench_print_memory (const char *when)
{
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "VmRSS:") || g_str_has_prefix (lines[i], "VmHWM:"))
      {
        g_autofree char *value = g_strstrip (g_strdup (lines[i] + 6));
        guint64 kb = g_ascii_strtoull (value, NULL, 10);

        if (g_str_has_prefix (lines[i], "VmHWM:"))
          g_print ("resident memory %s (peak): %.1f MB\n", when, kb / 1024.0);
        else
          {
            guint64 gl = bench_gl_driver_kb ();

            g_print ("resident memory %s (now): %.1f MB, of it the GL driver %.1f MB;"
                     " without it %.1f MB (target <= 150 MB)\n",
                     when, kb / 1024.0, gl / 1024.0, (kb - MIN (gl, kb)) / 1024.0);
          }
      }
#ifdef __GLIBC__
  {
    /* What malloc holds: in use by the program, and free but kept. */
    struct mallinfo2 info = mallinfo2 ();

    g_print ("      %.1f MB in use from malloc, %.1f MB free in its arenas\n",
             (info.uordblks + info.hblkhd) / 1048576.0, info.fordblks / 1048576.0);
  }
#endif
}

static int
bench_compare_doubles (gconstpointer a,
                       gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Mean, median, 95th percentile and maximum of @times (sorted here). */
static inline void
bench_report (const char *what,
              GArray     *times,
              const char *target)
{
  double sum = 0;

  if (times->len == 0)
    return;
  g_array_sort (times, bench_compare_doubles);
  for (guint i = 0; i < times->len; i++)
    sum += g_array_index (times, double, i);
  g_print ("%s: %u samples, mean %.1f ms, median %.1f ms, p95 %.1f ms, max %.1f ms%s%s\n", what, times->len,
           sum / times->len, g_array_index (times, double, times->len / 2),
           g_array_index (times, double, MIN (times->len - 1, (guint) (times->len * 0.95))),
           g_array_index (times, double, times->len - 1), target ? " " : "", target ? target : "");
}

/* Starts the benchmark's child (@argv) and passes on what it prints; its
 * line "first-frame MS LABEL" becomes the time from before the process
 * existed to its first frame. */
static inline void
bench_run_child (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GStrvBuilder) command = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;
  char *line;

  /* ST_BENCH_WRAP="heaptrack -o /tmp/ht" runs the child under a tool. */
  if (g_getenv ("ST_BENCH_WRAP") != NULL)
    {
      g_auto(GStrv) wrap = g_strsplit (g_getenv ("ST_BENCH_WRAP"), " ", -1);

      g_strv_builder_addv (command, (const char **) wrap);
    }
  g_strv_builder_addv (command, (const char **) argv);
  args = g_strv_builder_end (command);
  child = g_subprocess_newv ((const char *const *) args, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      if (g_str_has_prefix (line, "first-frame "))
        {
          char *label;
          double in_main = g_ascii_strtod (line + strlen ("first-frame "), &label);

          g_print ("start to first frame with the list shown (%s): %.0f ms from starting the process,"
                   " %.0f ms of them after main () (target <= 1000 ms)\n",
                   g_strstrip (label), bench_ms_since (start), in_main);
        }
      else
        g_print ("%s\n", line);
      g_free (line);
    }
  g_subprocess_wait_check (child, NULL, &error);
  g_assert_no_error (error);
}

/* The window as main () makes it (after st_application_tune_memory ()),
 * on the database at @path (its connection in *@db), 1280×720; returns
 * once its first frame is painted, with frames counted from then on. */
static inline StWindow *
bench_open_window (const char  *path,
                   StDb       **db)
{
  g_autoptr(GError) error = NULL;
  StWindow *window;

  gtk_init ();
  adw_init ();
  *db = st_db_open (path, &error);
  if (*db == NULL)
    g_error ("%s", error->message);
  window = st_window_new (NULL, *db);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  bench_watch_frames (GTK_WIDGET (window));
  bench_painted = FALSE;
  while (!bench_painted)
    g_main_context_iteration (NULL, TRUE);
  return window;
}
