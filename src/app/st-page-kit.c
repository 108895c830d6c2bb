/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-application.h"
#include "st-display.h"
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

typedef struct
{
  GtkWidget         *page;
  char              *what;
  StPageKitSaveFunc  save;
} SaveAs;

static void
save_as_free (SaveAs *s)
{
  g_object_unref (s->page);
  g_free (s->what);
  g_free (s);
}

static void
on_save_as_chosen (GtkNativeDialog *chooser,
                   int              response,
                   SaveAs          *s)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      const char *choice = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "encoding");

      if (path != NULL)
        s->save (s->page, s->what, path,
                 g_strcmp0 (choice, "gb18030") == 0 ? ST_CSV_ENCODING_GB18030 : ST_CSV_ENCODING_UTF8_BOM);
    }
  save_as_free (s);
  g_object_unref (chooser);
}

/* The file chooser of an export: the name proposed, PDF or CSV (with the
 * choice of the encoding Excel reads), modal to @page's window. */
void
st_page_kit_save_as (GtkWidget             *page,
                     const StPageKitSaveAs *save_as)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;
  SaveAs *s;

  g_return_if_fail (GTK_IS_WIDGET (page));

  chooser = gtk_file_chooser_native_new (save_as->title, GTK_WINDOW (gtk_widget_get_root (page)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, save_as->accept, _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), save_as->file_name);
  if (!save_as->pdf)
    {
      static const char *ids[] = { "utf8", "gb18030", NULL };
      const char *labels[] = { _("UTF-8 (Excel 2016 and later, WPS)"), _("GB18030 (older Excel on Chinese Windows)"), NULL };

      gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "encoding", _("Encoding"), ids, labels);
      gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "encoding", "utf8");
    }
  gtk_file_filter_set_name (filter, save_as->pdf ? _("PDF documents") : _("CSV for Excel"));
  gtk_file_filter_add_suffix (filter, save_as->pdf ? "pdf" : "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  s = g_new0 (SaveAs, 1);
  s->page = g_object_ref (page);
  s->what = g_strdup (save_as->what);
  s->save = save_as->save;
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_as_chosen), s);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
st_page_kit_show_message (GtkWidget   *page,
                          char       **last,
                          const char  *message)
{
  g_free (*last);
  *last = g_strdup (message);
  st_display_toast_near (page, message, 8);
}

void
st_page_data_set (StPageData  *data,
                  StDb        *db,
                  StDivisions *divisions,
                  StRole      *role,
                  GCallback    on_role_changed,
                  gpointer     page)
{
  g_return_if_fail (data->db == NULL);

  data->db = g_object_ref (db);
  data->divisions = st_divisions_ref (divisions);
  data->role = g_object_ref (role);
  g_signal_connect_object (role, "changed", on_role_changed, page, G_CONNECT_SWAPPED);
}

void
st_page_data_dispose (StPageData *data,
                      gpointer    page)
{
  if (data->cancellable != NULL)
    g_cancellable_cancel (data->cancellable);
  if (data->role != NULL)
    g_signal_handlers_disconnect_by_data (data->role, page);
}

GCancellable *
st_page_data_begin_read (StPageData *data,
                         GtkSpinner *spinner,
                         GtkStack   *stack,
                         gboolean    nothing_shown)
{
  if (data->cancellable != NULL)
    g_cancellable_cancel (data->cancellable);
  g_clear_object (&data->cancellable);
  data->cancellable = g_cancellable_new ();
  data->loaded = TRUE;
  data->loading = TRUE;
  if (nothing_shown)
    gtk_stack_set_visible_child_name (stack, "loading");
  gtk_widget_set_visible (GTK_WIDGET (spinner), TRUE);
  gtk_spinner_start (spinner);
  return data->cancellable;
}

gpointer
st_page_data_end_read (StPageData    *data,
                       GAsyncResult  *res,
                       GDestroyNotify free_result,
                       GtkSpinner    *spinner,
                       AdwStatusPage *error_page,
                       GtkStack      *stack)
{
  g_autoptr(GError) error = NULL;
  gpointer result = g_task_propagate_pointer (G_TASK (res), &error);

  if (g_task_get_cancellable (G_TASK (res)) != data->cancellable)
    {
      g_clear_pointer (&result, free_result);
      return NULL;
    }
  data->loading = FALSE;
  gtk_spinner_stop (spinner);
  gtk_widget_set_visible (GTK_WIDGET (spinner), FALSE);
  if (result == NULL)
    {
      adw_status_page_set_description (error_page, error->message);
      gtk_stack_set_visible_child_name (stack, "error");
    }
  return result;
}

void
st_page_data_clear (StPageData *data)
{
  g_clear_object (&data->cancellable);
  g_clear_object (&data->db);
  g_clear_object (&data->role);
  g_clear_pointer (&data->divisions, st_divisions_unref);
}

/* How long a hidden page keeps its rows: going to a page and straight
 * back makes none again. */
#define RELEASE_AFTER_MS 1000

typedef struct
{
  GtkWidget         *view;     /* not held: the data lives on it */
  GtkSelectionModel *model;
  double             value;    /* the scroll position when hidden */
  guint              release_source;
  guint              restore_tick;
  guint              ticks;
  gboolean           released;
} HiddenRows;

static void
hidden_rows_free (HiddenRows *h)
{
  g_clear_handle_id (&h->release_source, g_source_remove);
  g_clear_object (&h->model);
  g_free (h);
}

static void
view_set_model (GtkWidget         *view,
                GtkSelectionModel *model)
{
  if (GTK_IS_COLUMN_VIEW (view))
    gtk_column_view_set_model (GTK_COLUMN_VIEW (view), model);
  else
    gtk_list_view_set_model (GTK_LIST_VIEW (view), model);
}

static gboolean
release_rows (gpointer data)
{
  HiddenRows *h = data;

  h->release_source = 0;
  h->released = TRUE;
  view_set_model (h->view, NULL);
  st_application_give_back_memory_later ();
  return G_SOURCE_REMOVE;
}

static void
on_rows_view_unmap (GtkWidget  *view,
                    HiddenRows *h)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));

  /* Hidden again before its position was given back: that one stands. */
  if (h->restore_tick != 0)
    {
      gtk_widget_remove_tick_callback (view, h->restore_tick);
      h->restore_tick = 0;
      gtk_widget_set_opacity (view, 1);
    }
  else
    h->value = adjustment != NULL ? gtk_adjustment_get_value (adjustment) : 0;
  if (h->release_source == 0 && !h->released)
    h->release_source = g_timeout_add (RELEASE_AFTER_MS, release_rows, h);
}

/* Whether the rows of @view (a GtkColumnView or GtkListView) have their
 * places: its first row has a size. */
static gboolean
rows_laid_out (GtkWidget *view)
{
  GtkWidget *list = view;

  if (GTK_IS_COLUMN_VIEW (view))
    for (list = gtk_widget_get_first_child (view); list != NULL && !GTK_IS_LIST_VIEW (list);
         list = gtk_widget_get_next_sibling (list))
      ;
  return list != NULL && gtk_widget_get_first_child (list) != NULL
    && gtk_widget_get_height (gtk_widget_get_first_child (list)) > 0;
}

/* The list starts again at its first row, and takes the position to show
 * from its adjustment only once its rows have been laid out (the frame
 * after it is shown, or later). Until then it is drawn transparent, not
 * at the top. */
static gboolean
restore_position (GtkWidget     *view,
                  GdkFrameClock *clock,
                  gpointer       data)
{
  HiddenRows *h = data;
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  gboolean laid_out = rows_laid_out (view);

  /* Not yet laid out (a busy machine may skip frames): a position asked
   * for now could not be found. Given up after a second (or no rows). */
  if (!laid_out && h->ticks++ < 60)
    return G_SOURCE_CONTINUE;
  h->restore_tick = 0;
  gtk_widget_set_opacity (view, 1);
  if (!laid_out)
    return G_SOURCE_REMOVE;
  if (gtk_adjustment_get_value (adjustment) != h->value)
    gtk_adjustment_set_value (adjustment, h->value);
  else
    g_signal_emit_by_name (adjustment, "value-changed");
  return G_SOURCE_REMOVE;
}

static void
on_rows_view_map (GtkWidget  *view,
                  HiddenRows *h)
{
  g_clear_handle_id (&h->release_source, g_source_remove);
  if (!h->released)
    return;
  h->released = FALSE;
  view_set_model (view, h->model);
  if (h->value > 0 && h->restore_tick == 0 && gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)) != NULL)
    {
      h->ticks = 0;
      gtk_widget_set_opacity (view, 0);
      h->restore_tick = gtk_widget_add_tick_callback (view, restore_position, h, NULL);
    }
}

void
st_page_kit_set_rows (GtkWidget         *view,
                      GtkSelectionModel *model)
{
  HiddenRows *h;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view) || GTK_IS_LIST_VIEW (view));
  g_return_if_fail (GTK_IS_SELECTION_MODEL (model));

  h = g_object_get_data (G_OBJECT (view), "st-hidden-rows");
  if (h == NULL)
    {
      h = g_new0 (HiddenRows, 1);
      h->view = view;
      g_object_set_data_full (G_OBJECT (view), "st-hidden-rows", h, (GDestroyNotify) hidden_rows_free);
      g_signal_connect (view, "unmap", G_CALLBACK (on_rows_view_unmap), h);
      g_signal_connect (view, "map", G_CALLBACK (on_rows_view_map), h);
    }
  g_set_object (&h->model, model);
  if (!h->released)
    view_set_model (view, model);
}

static gboolean
destroy_window_cb (gpointer data)
{
  gtk_window_destroy (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

void
st_page_kit_destroy_later (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, destroy_window_cb, g_object_ref (window), g_object_unref);
}
