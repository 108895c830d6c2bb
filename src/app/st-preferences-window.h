/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Preferences: where the database is, and the county server's address. */
#pragma once

#include <adwaita.h>

#include "st-divisions.h"
#include "st-role.h"

G_BEGIN_DECLS

#define ST_TYPE_PREFERENCES_WINDOW (st_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (StPreferencesWindow, st_preferences_window, ST, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* @settings may be NULL when the schema is not installed. */
StPreferencesWindow *st_preferences_window_new (GtkWindow  *parent,
                                                const char *database_path,
                                                GSettings  *settings);

/* Shows the role (st-role.h) and lets a laptop that has not signed in
 * choose its local role and townships. */
void                 st_preferences_window_set_role (StPreferencesWindow *self,
                                                     StRole              *role,
                                                     StDivisions         *divisions);

G_END_DECLS
