/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window: the pages of SPEC §4 in a view switcher, and the
 * actions on participants that start from any of them. */
#pragma once

#include <adwaita.h>

#include "st-db.h"

G_BEGIN_DECLS

#define ST_TYPE_WINDOW (st_window_get_type ())
G_DECLARE_FINAL_TYPE (StWindow, st_window, ST, WINDOW, AdwApplicationWindow)

/* @application may be NULL (tests). */
StWindow   *st_window_new       (AdwApplication *application,
                                 StDb           *db);
StDb       *st_window_get_db    (StWindow       *self);

G_END_DECLS
