/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-review-window.h"
#include "st-sync.h"

struct _StReviewWindow
{
  AdwWindow             parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  AdwPreferencesGroup  *group;

  StDb                 *db;
  GPtrArray            *rows;     /* GtkWidget, in group */
  GPtrArray            *items;    /* StSyncItem */
};

G_DEFINE_FINAL_TYPE (StReviewWindow, st_review_window, ADW_TYPE_WINDOW)

enum { SIGNAL_RESOLVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
format_ms (gint64 ms)
{
  g_autoptr(GDateTime) when = NULL;

  if (ms <= 0)
    return g_strdup ("");
  when = g_date_time_new_from_unix_local (ms / 1000);
  /* Translators: a date and time in the review list, see g_date_time_format (). */
  return g_date_time_format (when, _("%Y-%m-%d %H:%M"));
}

/* "张三 (qiaoma) · 2026-11-20 14:02" */
static char *
who_and_when (JsonObject *data,
              const char *side)
{
  g_autofree char *account_key = g_strconcat (side, "_account", NULL);
  g_autofree char *hlc_key = g_strconcat (side, "_hlc", NULL);
  const char *account = json_object_get_string_member_with_default (data, account_key, NULL);
  gint64 hlc = json_object_get_int_member_with_default (data, hlc_key, 0);
  g_autofree char *when = format_ms (hlc >> 16);

  if (account != NULL && *when != '\0')
    /* Translators: who made a value and when: "qiaoma · 2026-11-20 14:02" */
    return g_strdup_printf (_("%s · %s"), account, when);
  return g_strdup (account != NULL ? account : when);
}

static void resolve (StReviewWindow *self, guint index, gboolean use_other);

static void
on_keep_clicked (GtkButton      *button,
                 StReviewWindow *self)
{
  resolve (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")), FALSE);
}

static void
on_use_other_clicked (GtkButton      *button,
                      StReviewWindow *self)
{
  resolve (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")), TRUE);
}

static GtkWidget *
value_row (const char *title,
           const char *value,
           const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);
  g_autofree char *escaped_value = g_markup_escape_text (value != NULL && *value ? value : _("(empty)"), -1);
  g_autofree char *escaped_subtitle = g_markup_escape_text (subtitle != NULL ? subtitle : "", -1);
  g_autofree char *combined = *escaped_subtitle ? g_strdup_printf ("%s\n%s", escaped_value, escaped_subtitle)
                                                : g_strdup (escaped_value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped_title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), combined);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  return row;
}

static GtkWidget *
item_row (StReviewWindow *self,
          StSyncItem     *item,
          guint           index)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *keep;
  g_autofree char *title = g_markup_escape_text (item->summary, -1);
  g_autofree char *when = format_ms (item->created_at);
  const char *kinds[] = { N_("Conflict"), N_("Merged"), N_("Refused by the server"), N_("Delete refused") };
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", _(kinds[item->kind]), when);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), TRUE);

  if (item->kind == ST_SYNC_ITEM_CONFLICT)
    {
      g_autoptr(JsonObject) values = st_sync_item_values (item);
      GList *fields = values != NULL ? json_object_get_members (values) : NULL;
      g_autofree char *kept_by = who_and_when (item->data, "winner");
      g_autofree char *other_by = who_and_when (item->data, "loser");

      for (GList *l = fields; l != NULL; l = l->next)
        {
          const char *field = l->data;
          JsonNode *node = json_object_get_member (values, field);
          g_autofree char *now = st_sync_current_value (self->db, item->table, item->row, field);
          g_autofree char *other = JSON_NODE_HOLDS_VALUE (node) ? (json_node_get_value_type (node) == G_TYPE_STRING
                                                                   ? g_strdup (json_node_get_string (node))
                                                                   : g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node)))
                                                                : NULL;
          /* Translators: "Phone — now" and "Phone — other value" in the review list. */
          g_autofree char *now_title = g_strdup_printf (_("%s — now"), st_sync_field_label (field));
          g_autofree char *other_title = g_strdup_printf (_("%s — other value"), st_sync_field_label (field));

          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (now_title, now, kept_by));
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (other_title, other, other_by));
        }
      g_list_free (fields);

      {
        GtkWidget *use_other = gtk_button_new_with_mnemonic (_("_Use Other Value"));

        g_object_set_data (G_OBJECT (use_other), "index", GUINT_TO_POINTER (index));
        g_signal_connect (use_other, "clicked", G_CALLBACK (on_use_other_clicked), self);
        gtk_box_append (GTK_BOX (buttons), use_other);
      }
      keep = gtk_button_new_with_mnemonic (_("_Keep Current"));
    }
  else if (item->kind == ST_SYNC_ITEM_DELETE)
    {
      g_autofree char *deleted_by = who_and_when (item->data, "loser");
      GtkWidget *delete_anyway = gtk_button_new_with_mnemonic (_("_Delete It"));

      adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                                value_row (_("Deleted by"), deleted_by,
                                           _("The delete had not seen a change made on another laptop, so the record was kept.")));
      g_object_set_data (G_OBJECT (delete_anyway), "index", GUINT_TO_POINTER (index));
      g_signal_connect (delete_anyway, "clicked", G_CALLBACK (on_use_other_clicked), self);
      gtk_widget_add_css_class (delete_anyway, "destructive-action");
      gtk_box_append (GTK_BOX (buttons), delete_anyway);
      keep = gtk_button_new_with_mnemonic (_("_Keep It"));
    }
  else
    {
      const char *details = json_object_get_string_member_with_default (item->data, "message", NULL);

      if (details != NULL && *details != '\0')
        adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (_("Details"), details, NULL));
      keep = gtk_button_new_with_mnemonic (_("_Dismiss"));
    }
  g_object_set_data (G_OBJECT (keep), "index", GUINT_TO_POINTER (index));
  g_signal_connect (keep, "clicked", G_CALLBACK (on_keep_clicked), self);
  gtk_widget_add_css_class (keep, "suggested-action");
  gtk_box_append (GTK_BOX (buttons), keep);
  gtk_widget_set_valign (buttons, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_top (buttons, 6);
  gtk_widget_set_margin_bottom (buttons, 6);
  gtk_widget_set_margin_end (buttons, 6);
  if (st_db_is_read_only (self->db))
    {
      gtk_widget_set_sensitive (buttons, FALSE);
      gtk_widget_set_tooltip_text (buttons, _("The database is read-only: changes cannot be saved"));
    }
  {
    GtkWidget *holder = gtk_list_box_row_new ();

    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (holder), FALSE);
    gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (holder), buttons);
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), holder);
  }
  return row;
}

void
st_review_window_reload (StReviewWindow *self)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  self->items = st_sync_list_items (self->db, &error);
  if (self->items == NULL)
    {
      g_warning ("Could not read the review items: %s", error->message);
      self->items = g_ptr_array_new ();
    }
  for (guint i = 0; i < self->items->len; i++)
    {
      GtkWidget *row = item_row (self, g_ptr_array_index (self->items, i), i);

      adw_preferences_group_add (self->group, row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_stack_set_visible_child_name (self->stack, self->items->len > 0 ? "items" : "empty");
}

static void
resolve (StReviewWindow *self,
         guint           index,
         gboolean        use_other)
{
  g_autoptr(GError) error = NULL;
  StSyncItem *item;

  if (self->items == NULL || index >= self->items->len)
    return;
  item = g_ptr_array_index (self->items, index);
  if (!st_sync_resolve_item (self->db, item->id, use_other, &error))
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (use_other ? _("The other value is used; it is sent at the next sync")
                                                        : _("Resolved; sent at the next sync")));
  g_signal_emit (self, signals[SIGNAL_RESOLVED], 0, item->table, item->row);
  st_review_window_reload (self);
}

void
st_review_window_expand (StReviewWindow *self,
                         guint           index)
{
  if (index < self->rows->len)
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (g_ptr_array_index (self->rows, index)), TRUE);
}

guint
st_review_window_get_n_items (StReviewWindow *self)
{
  return self->items != NULL ? self->items->len : 0;
}

static void
st_review_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ST_TYPE_REVIEW_WINDOW);
  G_OBJECT_CLASS (st_review_window_parent_class)->dispose (object);
}

static void
st_review_window_finalize (GObject *object)
{
  StReviewWindow *self = ST_REVIEW_WINDOW (object);

  g_clear_object (&self->db);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  G_OBJECT_CLASS (st_review_window_parent_class)->finalize (object);
}

static void
st_review_window_class_init (StReviewWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_review_window_dispose;
  object_class->finalize = st_review_window_finalize;

  /* An item was resolved: (table, row) may have changed here. */
  signals[SIGNAL_RESOLVED] = g_signal_new ("resolved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-review-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StReviewWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StReviewWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, StReviewWindow, group);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
st_review_window_init (StReviewWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}

StReviewWindow *
st_review_window_new (GtkWindow *parent,
                      StDb      *db)
{
  StReviewWindow *self = g_object_new (ST_TYPE_REVIEW_WINDOW, "transient-for", parent, NULL);

  self->db = g_object_ref (db);
  st_review_window_reload (self);
  return self;
}
