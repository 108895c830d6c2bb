/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-bundle-dialog.h"
#include "st-review-window.h"
#include "st-sign-in-dialog.h"
#include "st-sync-button.h"

struct _StSyncButton
{
  AdwBin            parent_instance;

  GtkMenuButton    *button;
  GtkPopover       *popover;
  GtkLabel         *title_label;
  GtkLabel         *detail_label;
  GtkProgressBar   *progress_bar;
  GtkExpander      *details_expander;
  GtkLabel         *details_label;
  GtkButton        *sync_now_button;
  GtkButton        *review_button;
  GtkLabel         *account_label;
  GtkButton        *sign_in_button;
  GtkButton        *sign_out_button;

  StSyncController *controller;
  StDb             *db;
  GSettings        *settings;
  GtkWindow        *review_window;   /* weak */
  GtkWindow        *sign_in_dialog;  /* weak */
  GtkWindow        *bundle_dialog;   /* weak */
  guint             pulse;
};

G_DEFINE_FINAL_TYPE (StSyncButton, st_sync_button, ADW_TYPE_BIN)

static const char *
icon_for (StSyncStatus status)
{
  switch (status)
    {
    case ST_SYNC_STATUS_UP_TO_DATE:
      return "emblem-ok-symbolic";
    case ST_SYNC_STATUS_OFFLINE:
      return "network-offline-symbolic";
    case ST_SYNC_STATUS_SIGN_IN_NEEDED:
    case ST_SYNC_STATUS_ERROR:
      return "dialog-warning-symbolic";
    case ST_SYNC_STATUS_NOT_SET_UP:
      return "network-server-symbolic";
    case ST_SYNC_STATUS_WAITING:
    case ST_SYNC_STATUS_SYNCING:
    default:
      return "emblem-synchronizing-symbolic";
    }
}

static gboolean
pulse_progress (gpointer user_data)
{
  StSyncButton *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

/* The button's icon, tooltip and accent: what the header bar shows. */
static void
update_button (StSyncButton *self)
{
  StSyncStatus status = st_sync_controller_get_status (self->controller);
  g_autofree char *tooltip = g_strdup_printf ("%s — %s", st_sync_controller_get_title (self->controller),
                                              st_sync_controller_get_detail (self->controller));

  gtk_menu_button_set_icon_name (self->button, icon_for (status));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tooltip);
  if (status == ST_SYNC_STATUS_WAITING || st_sync_controller_get_review_count (self->controller) > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->button), "accent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->button), "accent");
}

static void
update_syncing (StSyncButton *self)
{
  gboolean syncing = st_sync_controller_is_syncing (self->controller);

  if (syncing && self->pulse == 0)
    self->pulse = g_timeout_add (150, pulse_progress, self);
  else if (!syncing)
    g_clear_handle_id (&self->pulse, g_source_remove);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.now",
                                 st_sync_controller_is_signed_in (self->controller) && !syncing);
}

static gboolean
text_or_empty (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_string (to, text != NULL ? text : "");
  return TRUE;
}

static gboolean
is_set (GBinding     *binding,
        const GValue *from,
        GValue       *to,
        gpointer      user_data)
{
  g_value_set_boolean (to, g_value_get_string (from) != NULL);
  return TRUE;
}

static gboolean
account_text (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  const char *account = g_value_get_string (from);

  g_value_set_string (to, account != NULL ? account : _("Not signed in"));
  return TRUE;
}

static gboolean
sign_in_label (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      user_data)
{
  g_value_set_string (to, g_value_get_string (from) != NULL ? _("Sign _In Again…") : _("Sign _In…"));
  return TRUE;
}

/* What Sync Now would send, said whatever the state (offline, failed). */
static gboolean
sync_now_label (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  gint64 pending = g_value_get_int64 (from);

  g_value_take_string (to, pending > 0
                           ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Sync Now: %lld Change Waiting",
                                                           "_Sync Now: %lld Changes Waiting", (gulong) pending),
                                              (long long) pending)
                           : g_strdup (_("_Sync Now")));
  return TRUE;
}

static gboolean
is_positive (GBinding     *binding,
             const GValue *from,
             GValue       *to,
             gpointer      user_data)
{
  g_value_set_boolean (to, g_value_get_int64 (from) > 0);
  return TRUE;
}

static gboolean
review_label (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  gint64 review = g_value_get_int64 (from);

  g_value_take_string (to, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Review %lld Item…", "_Review %lld Items…",
                                                         (gulong) review), (long long) review));
  return TRUE;
}

/* Each widget of the popover follows the controller's property it shows. */
static void
bind_controller (StSyncButton *self)
{
  StSyncController *c = self->controller;
  const GBindingFlags flags = G_BINDING_SYNC_CREATE;

  g_object_bind_property (c, "title", self->title_label, "label", flags);
  g_object_bind_property (c, "detail", self->detail_label, "label", flags);
  g_object_bind_property_full (c, "error-details", self->details_expander, "visible", flags, is_set, NULL, NULL, NULL);
  g_object_bind_property_full (c, "error-details", self->details_label, "label", flags, text_or_empty, NULL, NULL, NULL);
  g_object_bind_property (c, "syncing", self->progress_bar, "visible", flags);
  g_object_bind_property_full (c, "account-label", self->account_label, "label", flags, account_text, NULL, NULL, NULL);
  g_object_bind_property (c, "signed-in", self->sync_now_button, "visible", flags);
  g_object_bind_property_full (c, "pending", self->sync_now_button, "label", flags, sync_now_label, NULL, NULL, NULL);
  g_object_bind_property (c, "signed-in", self->sign_in_button, "visible", flags | G_BINDING_INVERT_BOOLEAN);
  g_object_bind_property_full (c, "account-label", self->sign_in_button, "label", flags, sign_in_label, NULL, NULL, NULL);
  g_object_bind_property_full (c, "account-label", self->sign_out_button, "visible", flags, is_set, NULL, NULL, NULL);
  g_object_bind_property_full (c, "review-count", self->review_button, "visible", flags, is_positive, NULL, NULL, NULL);
  g_object_bind_property_full (c, "review-count", self->review_button, "label", flags, review_label, NULL, NULL, NULL);

  g_signal_connect_object (c, "notify::status", G_CALLBACK (update_button), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (c, "notify::title", G_CALLBACK (update_button), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (c, "notify::detail", G_CALLBACK (update_button), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (c, "notify::review-count", G_CALLBACK (update_button), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (c, "notify::syncing", G_CALLBACK (update_syncing), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (c, "notify::signed-in", G_CALLBACK (update_syncing), self, G_CONNECT_SWAPPED);
  update_button (self);
  update_syncing (self);
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StSyncButton *self = ST_SYNC_BUTTON (widget);

  if (self->controller != NULL)
    st_sync_controller_sync_now (self->controller);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  StSyncButton *self = ST_SYNC_BUTTON (widget);
  StSignInDialog *dialog;

  gtk_popover_popdown (self->popover);
  if (self->sign_in_dialog != NULL)
    {
      gtk_window_present (self->sign_in_dialog);
      return;
    }
  dialog = st_sign_in_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->controller, self->settings);
  g_set_weak_pointer (&self->sign_in_dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
signed_out (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!st_sync_controller_sign_out_finish (ST_SYNC_CONTROLLER (source), result, &error))
    g_warning ("Signing out failed: %s", error->message);
}

static void
on_sign_out_response (AdwMessageDialog *dialog,
                      const char       *response,
                      StSyncButton     *self)
{
  if (g_strcmp0 (response, "sign-out") == 0)
    st_sync_controller_sign_out_async (self->controller, signed_out, NULL);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StSyncButton *self = ST_SYNC_BUTTON (widget);
  gint64 pending = st_sync_controller_get_pending (self->controller);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  gtk_popover_popdown (self->popover);
  if (pending > 0)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%lld change made on this laptop is not sent yet. It stays on this laptop and is sent when someone signs in again here.",
                                         "%lld changes made on this laptop are not sent yet. They stay on this laptop and are sent when someone signs in again here.",
                                         (gulong) pending), (long long) pending);
  else
    body = g_strdup (_("Everything made on this laptop has reached the server. The records stay on this laptop."));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Sign Out?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "sign-out", _("_Sign Out"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_out_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_review_resolved (StSyncButton *self)
{
  st_sync_controller_refresh (self->controller);
}

static void
review_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StSyncButton *self = ST_SYNC_BUTTON (widget);
  StReviewWindow *window;

  gtk_popover_popdown (self->popover);
  if (self->review_window != NULL)
    {
      st_review_window_reload (ST_REVIEW_WINDOW (self->review_window));
      gtk_window_present (self->review_window);
      return;
    }
  window = st_review_window_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->db);
  g_signal_connect_object (window, "resolved", G_CALLBACK (on_review_resolved), self, G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->review_window, GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
}

static void
file_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StSyncButton *self = ST_SYNC_BUTTON (widget);
  StBundleDialog *dialog;

  gtk_popover_popdown (self->popover);
  if (self->bundle_dialog != NULL)
    {
      gtk_window_present (self->bundle_dialog);
      return;
    }
  dialog = st_bundle_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->db, self->controller);
  g_set_weak_pointer (&self->bundle_dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

GtkWindow *
st_sync_button_get_bundle_dialog (StSyncButton *self)
{
  g_return_val_if_fail (ST_IS_SYNC_BUTTON (self), NULL);
  return self->bundle_dialog;
}

static void
st_sync_button_dispose (GObject *object)
{
  StSyncButton *self = ST_SYNC_BUTTON (object);

  g_clear_handle_id (&self->pulse, g_source_remove);
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_clear_object (&self->controller);
  g_clear_object (&self->db);
  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->review_window);
  g_clear_weak_pointer (&self->sign_in_dialog);
  g_clear_weak_pointer (&self->bundle_dialog);
  G_OBJECT_CLASS (st_sync_button_parent_class)->dispose (object);
}

static void
st_sync_button_class_init (StSyncButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_sync_button_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-sync-button.ui");
  gtk_widget_class_bind_template_child (widget_class, StSyncButton, button);
  gtk_widget_class_bind_template_child (widget_class, StSyncButton, popover);
  gtk_widget_class_bind_template_child (widget_class, StSyncButton, title_label);
  gtk_widget_class_bind_template_child (widget_class, StSyncButton, detail_label);
  gtk_widget_class_bind_template_child (widget_class, StSyncButton, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, StSyncButton, details_expander);
  gtk_widget_class_bind_template_child (widget_class, StSyncButton, details_label);
  gtk_widget_class_bind_template_child (widget_class, StSyncButton, sync_now_button);
  gtk_widget_class_bind_template_child (widget_class, StSyncButton, review_button);
  gtk_widget_class_bind_template_child (widget_class, StSyncButton, account_label);
  gtk_widget_class_bind_template_child (widget_class, StSyncButton, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, StSyncButton, sign_out_button);

  gtk_widget_class_install_action (widget_class, "sync.now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "sync.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "sync.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "sync.review", NULL, review_action);
  gtk_widget_class_install_action (widget_class, "sync.file", NULL, file_action);
}

static void
st_sync_button_init (StSyncButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
st_sync_button_set_controller (StSyncButton     *self,
                               StSyncController *controller,
                               StDb             *db,
                               GSettings        *settings)
{
  g_return_if_fail (ST_IS_SYNC_BUTTON (self));

  g_return_if_fail (self->controller == NULL);

  g_set_object (&self->controller, controller);
  g_set_object (&self->db, db);
  g_set_object (&self->settings, settings);
  bind_controller (self);
}

GtkPopover *
st_sync_button_get_popover (StSyncButton *self)
{
  return self->popover;
}

const char *
st_sync_button_get_icon_name (StSyncButton *self)
{
  return gtk_menu_button_get_icon_name (self->button);
}

GtkWindow *
st_sync_button_get_review_window (StSyncButton *self)
{
  return self->review_window;
}

GtkWindow *
st_sync_button_get_sign_in_dialog (StSyncButton *self)
{
  return self->sign_in_dialog;
}
