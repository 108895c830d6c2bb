/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the pages' toolbars repeat: the township filter. */
#pragma once

#include <gtk/gtk.h>

#include "st-divisions.h"
#include "st-role.h"

G_BEGIN_DECLS

void        st_page_kit_fill_townships (GtkDropDown *dropdown,
                                        GPtrArray   *codes,
                                        StRole      *role,
                                        StDivisions *divisions,
                                        const char  *all_label,
                                        gpointer     page);
const char *st_page_kit_selected       (GtkDropDown *dropdown,
                                        GPtrArray   *values);

G_END_DECLS
