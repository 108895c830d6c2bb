/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>

#include "st-records.h"
#include "st-withdraw-dialog.h"

struct _StWithdrawDialog
{
  AdwMessageDialog  parent_instance;

  AdwEntryRow      *date_row;
  AdwEntryRow      *reason_row;
  GtkLabel         *error_label;

  StDb             *db;
  char             *enrolment_id;
  char             *name;
};

G_DEFINE_FINAL_TYPE (StWithdrawDialog, st_withdraw_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum { WITHDRAWN, REFUSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
withdraw (StWithdrawDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *date = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->date_row))));
  g_autofree char *message = NULL;

  if (!st_withdraw (self->db, self->enrolment_id, date,
                    gtk_editable_get_text (GTK_EDITABLE (self->reason_row)), &error))
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      g_signal_emit (self, signals[REFUSED], 0, error->message);
      return FALSE;
    }
  /* Translators: "张三 withdrew on 2025-06-30" */
  message = g_strdup_printf (_("%s withdrew on %s"), self->name, date);
  g_signal_emit (self, signals[WITHDRAWN], 0, message);
  return TRUE;
}

/* Withdraw is offered only for what would be recorded: an answer closes
 * an AdwMessageDialog, and a refusal after the click would lose what was
 * typed. Without a reason the button waits for one (the field says what
 * is missing); any other refusal is said under the fields as they are
 * typed. */
static void
update_response (StWithdrawDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *date = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->date_row))));
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_row));
  g_autofree char *why = g_strstrip (g_strdup (reason));
  gboolean blank = *why == '\0';
  gboolean ok = st_withdraw_check (self->db, self->enrolment_id, date, blank ? "-" : reason, &error);

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "withdraw", ok && !blank);
  gtk_label_set_text (self->error_label, ok ? "" : error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), !ok);
}

static void
st_withdraw_dialog_response (AdwMessageDialog *dialog,
                             const char       *response)
{
  StWithdrawDialog *self = ST_WITHDRAW_DIALOG (dialog);

  if (g_strcmp0 (response, "withdraw") == 0)
    withdraw (self);
}

static void
st_withdraw_dialog_dispose (GObject *object)
{
  StWithdrawDialog *self = ST_WITHDRAW_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ST_TYPE_WITHDRAW_DIALOG);
  g_clear_object (&self->db);
  g_clear_pointer (&self->enrolment_id, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (st_withdraw_dialog_parent_class)->dispose (object);
}

static void
st_withdraw_dialog_class_init (StWithdrawDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->dispose = st_withdraw_dialog_dispose;
  dialog_class->response = st_withdraw_dialog_response;

  signals[WITHDRAWN] = g_signal_new ("withdrawn", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  signals[REFUSED] = g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shuangti/Shuangti/st-withdraw-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StWithdrawDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, StWithdrawDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, StWithdrawDialog, error_label);
}

static void
st_withdraw_dialog_init (StWithdrawDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

StWithdrawDialog *
st_withdraw_dialog_new (GtkWindow  *parent,
                        StDb       *db,
                        const char *enrolment_id,
                        const char *name)
{
  StWithdrawDialog *self = g_object_new (ST_TYPE_WITHDRAW_DIALOG, "transient-for", parent, NULL);
  g_autofree char *today = st_date_today ();
  g_autofree char *heading = g_strdup_printf (_("Withdraw %s?"), name);

  self->db = g_object_ref (db);
  self->enrolment_id = g_strdup (enrolment_id);
  self->name = g_strdup (name);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), today);
  g_signal_connect_object (self->date_row, "changed", G_CALLBACK (update_response), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reason_row, "changed", G_CALLBACK (update_response), self, G_CONNECT_SWAPPED);
  update_response (self);
  return self;
}
