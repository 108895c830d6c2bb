/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "st-sign-in-dialog.h"
#include "st-sync-pin.h"
#include "st-sync-problem.h"

struct _StSignInDialog
{
  AdwWindow         parent_instance;

  AdwEntryRow      *server_row;
  AdwEntryRow      *user_row;
  AdwPasswordEntryRow *password_row;
  GtkButton        *sign_in_button;
  GtkButton        *cancel_button;
  GtkBox           *status_box;
  GtkSpinner       *spinner;
  GtkLabel         *error_label;
  GtkBox           *certificate_box;
  GtkLabel         *fingerprint_label;
  GtkButton        *trust_button;

  StSyncController *controller;
  GSettings        *settings;
  GCancellable     *cancellable;
  char             *shown_pin;        /* the untrusted certificate's, while offered */
  gboolean          busy;
  gboolean          signed_in;
};

G_DEFINE_FINAL_TYPE (StSignInDialog, st_sign_in_dialog, ADW_TYPE_WINDOW)

static void
update_sensitivity (StSignInDialog *self)
{
  gboolean complete = *gtk_editable_get_text (GTK_EDITABLE (self->server_row)) != '\0'
                      && *gtk_editable_get_text (GTK_EDITABLE (self->user_row)) != '\0'
                      && *gtk_editable_get_text (GTK_EDITABLE (self->password_row)) != '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.sign-in", complete && !self->busy && !self->signed_in);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->status_box),
                          self->busy || gtk_widget_get_visible (GTK_WIDGET (self->error_label)));
}

/* What is wrong and what to do, above the form. */
static void
show_message (StSignInDialog *self,
              const char     *text,
              gboolean        error)
{
  gtk_label_set_text (self->error_label, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  update_sensitivity (self);
}

/* The certificate the server showed, offered to be accepted; NULL hides
 * the offer. */
static void
offer_certificate (StSignInDialog *self,
                   const char     *pin,
                   gboolean        renewal)
{
  g_free (self->shown_pin);
  self->shown_pin = g_strdup (pin);
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_box), pin != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.trust-certificate", pin != NULL);
  if (pin == NULL)
    return;
  {
    g_autofree char *shown = st_sync_pin_display (pin);

    gtk_label_set_text (self->fingerprint_label, shown);
  }
  gtk_button_set_label (self->trust_button, renewal ? _("_Accept the Renewed Certificate") : _("_Accept This Certificate"));
}

static void
on_changed (StSignInDialog *self)
{
  if (self->signed_in)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  offer_certificate (self, NULL, FALSE);
  update_sensitivity (self);
}

static void
signed_in (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!st_sync_controller_sign_in_finish (ST_SYNC_CONTROLLER (source), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          || g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CANCELLED))
        return;
      self->busy = FALSE;
      {
        g_autofree char *pin = st_sync_pin_from_error (error);
        gboolean renewal = g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CERTIFICATE_CHANGED);

        /* The fingerprint is in the box below, in blocks: the message says
         * what to do with it. */
        if (pin != NULL)
          text = g_strdup (renewal ? _("This server now shows another certificate than the one this laptop accepted. Compare its fingerprint below with the new one the county office gives you; accept it only if every character is the same.")
                                   : _("This laptop does not know this server’s certificate. Compare its fingerprint below with the one the county office gave you; accept it only if every character is the same."));
        else
          text = st_sync_problem_describe_error (error, gtk_editable_get_text (GTK_EDITABLE (self->server_row)));
        show_message (self, text, TRUE);
        offer_certificate (self, pin, renewal);
        if (pin != NULL)
          {
            /* Compare, then accept: the button, not the password. */
            gtk_widget_grab_focus (GTK_WIDGET (self->trust_button));
            return;
          }
      }
      /* The field to correct: the password after a wrong one, the address
       * after a network problem. */
      if (error->domain == ST_SYNC_PROBLEM
          || g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE))
        gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
      else
        gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "server-url", gtk_editable_get_text (GTK_EDITABLE (self->server_row)));
  /* Signed in, but a clock far off would date the records wrongly: said
   * before the dialog goes. */
  {
    g_autofree char *clock = st_sync_problem_describe_clock (st_sync_controller_get_clock_offset (ST_SYNC_CONTROLLER (source)));

    if (clock != NULL)
      {
        self->busy = FALSE;
        self->signed_in = TRUE;
        show_message (self, clock, FALSE);
        gtk_widget_set_visible (GTK_WIDGET (self->sign_in_button), FALSE);
        gtk_button_set_label (self->cancel_button, _("_Close"));
        gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), FALSE);
        gtk_widget_set_sensitive (GTK_WIDGET (self->user_row), FALSE);
        gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), FALSE);
        gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
        return;
      }
  }
  /* The entry gives up the focus before it goes (GTK warns otherwise). */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  StSignInDialog *self = ST_SIGN_IN_DIALOG (widget);
  g_autofree char *server = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  g_autofree char *user = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_row))));

  if (self->busy || self->signed_in)
    return;
  /* A bare host name means HTTPS. */
  if (strstr (server, "://") == NULL)
    {
      char *with_scheme = g_strconcat ("https://", server, NULL);

      g_free (server);
      server = with_scheme;
      gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
    }
  self->busy = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  update_sensitivity (self);
  st_sync_controller_sign_in_async (self->controller, server, user,
                                    gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                                    self->cancellable, signed_in, g_object_ref (self));
}

/* The person compared the fingerprint with the county office's: it is
 * pinned for this server, and the sign-in tried again. */
static void
trust_certificate_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  StSignInDialog *self = ST_SIGN_IN_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (self->shown_pin == NULL || self->busy)
    return;
  if (!st_sync_controller_trust_certificate (self->controller, gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                                             self->shown_pin, &error))
    {
      show_message (self, error->message, TRUE);
      return;
    }
  offer_certificate (self, NULL, FALSE);
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.sign-in", NULL);
}

static void
st_sign_in_dialog_dispose (GObject *object)
{
  StSignInDialog *self = ST_SIGN_IN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_SIGN_IN_DIALOG);
  G_OBJECT_CLASS (st_sign_in_dialog_parent_class)->dispose (object);
}

static void
st_sign_in_dialog_finalize (GObject *object)
{
  StSignInDialog *self = ST_SIGN_IN_DIALOG (object);

  g_clear_object (&self->controller);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_free (self->shown_pin);
  G_OBJECT_CLASS (st_sign_in_dialog_parent_class)->finalize (object);
}

static void
st_sign_in_dialog_class_init (StSignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = st_sign_in_dialog_dispose;
  object_class->finalize = st_sign_in_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-sign-in-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StSignInDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, StSignInDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, StSignInDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, StSignInDialog, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, StSignInDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, StSignInDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, StSignInDialog, status_box);
  gtk_widget_class_bind_template_child (widget_class, StSignInDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, StSignInDialog, certificate_box);
  gtk_widget_class_bind_template_child (widget_class, StSignInDialog, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, StSignInDialog, trust_button);
  gtk_widget_class_install_action (widget_class, "dialog.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "dialog.trust-certificate", NULL, trust_certificate_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
on_password_activated (StSignInDialog *self)
{
  if (gtk_widget_is_sensitive (GTK_WIDGET (self->sign_in_button)))
    gtk_widget_activate_action (GTK_WIDGET (self), "dialog.sign-in", NULL);
}

static void
st_sign_in_dialog_init (StSignInDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.trust-certificate", FALSE);
  g_signal_connect_swapped (self->server_row, "changed", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (self->user_row, "changed", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (self->password_row, "changed", G_CALLBACK (on_changed), self);
  /* Enter in the password signs in. */
  g_signal_connect_swapped (self->password_row, "entry-activated", G_CALLBACK (on_password_activated), self);
}

StSignInDialog *
st_sign_in_dialog_new (GtkWindow        *parent,
                       StSyncController *controller,
                       GSettings        *settings)
{
  StSignInDialog *self = g_object_new (ST_TYPE_SIGN_IN_DIALOG, "transient-for", parent, NULL);

  self->controller = g_object_ref (controller);
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  if (settings != NULL)
    {
      g_autofree char *url = g_settings_get_string (settings, "server-url");

      gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
    }
  update_sensitivity (self);
  gtk_widget_grab_focus (*gtk_editable_get_text (GTK_EDITABLE (self->server_row)) != '\0'
                         ? GTK_WIDGET (self->user_row) : GTK_WIDGET (self->server_row));
  return self;
}
