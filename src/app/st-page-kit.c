/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-page-kit.h"

/* Fills a page's township filter with the townships @role sees: first
 * @all_label (@codes gets NULL for it) when the role sees every township,
 * then each township (@codes gets its code). The first is chosen without
 * telling @page's handlers. One township only: nothing to choose, but the
 * dropdown still says which, and its tooltip why. No role yet: every
 * township. */
void
st_page_kit_fill_townships (GtkDropDown *dropdown,
                            GPtrArray   *codes,
                            StRole      *role,
                            StDivisions *divisions,
                            const char  *all_label,
                            gpointer     page)
{
  g_autoptr(GtkStringList) names = NULL;
  gboolean all = role == NULL || st_role_can (role, ST_PERMISSION_ALL_TOWNSHIPS);

  g_return_if_fail (GTK_IS_DROP_DOWN (dropdown));

  if (role != NULL)
    names = st_role_township_choices (role, divisions, all_label, codes);
  else
    {
      g_autoptr(GPtrArray) list = st_divisions_townships (divisions);

      names = gtk_string_list_new (NULL);
      g_ptr_array_set_size (codes, 0);
      gtk_string_list_append (names, all_label);
      g_ptr_array_add (codes, NULL);
      for (guint i = 0; list != NULL && i < list->len; i++)
        {
          const StDivision *t = g_ptr_array_index (list, i);

          gtk_string_list_append (names, t->name);
          g_ptr_array_add (codes, g_strdup (t->code));
        }
    }
  if (page != NULL)
    g_signal_handlers_block_matched (dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, page);
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (dropdown, 0);
  if (page != NULL)
    g_signal_handlers_unblock_matched (dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, page);
  gtk_widget_set_sensitive (GTK_WIDGET (dropdown), codes->len > 1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (dropdown),
                               all ? _("Township") : st_role_why_not (role, ST_PERMISSION_ALL_TOWNSHIPS));
}

/* What the dropdown's chosen entry stands for: @values at its position, or
 * NULL (nothing chosen, or "all"). */
const char *
st_page_kit_selected (GtkDropDown *dropdown,
                      GPtrArray   *values)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (values == NULL || i == GTK_INVALID_LIST_POSITION || i >= values->len)
    return NULL;
  return g_ptr_array_index (values, i);
}
