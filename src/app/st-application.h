/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ST_TYPE_APPLICATION (st_application_get_type ())
G_DECLARE_FINAL_TYPE (StApplication, st_application, ST, APPLICATION, AdwApplication)

StApplication *st_application_new          (void);

/* Called first thing in main (): the process's memory allocator tuned for
 * a desktop app (glibc only). */
void           st_application_prefer_malloc (char **argv);
void           st_application_tune_memory  (void);
/* Gives memory the process freed back to the system (glibc only); for a
 * worker thread, at its end. */
void           st_application_give_back_memory (void);
/* The same, from the main thread: done by a worker. */
void           st_application_give_back_memory_later (void);

/* The app's settings, or NULL (with a debug message) when the schema is
 * not installed: the app then runs with its defaults. */
GSettings     *st_application_settings_new (void);

G_END_DECLS
