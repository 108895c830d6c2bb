/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Graduation page's actions: approval, assessments, the export, the
 * certificates (saved and printed). The view is st-graduation-page.c. */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "st-assessment-sheet.h"
#include "st-certificate.h"
#include "st-certificate-doc.h"
#include "st-date.h"
#include "st-eligibility.h"
#include "st-export.h"
#include "st-graduation-item.h"
#include "st-graduation-page-private.h"
#include "st-page-kit.h"
#include "st-program.h"
#include "st-records.h"

/* Approval */

static GPtrArray *
selected_items (StGraduationPage *self,
                gboolean          approvable_only)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      guint index = st_graduation_list_get_index (self->list, position);

      if (index != G_MAXUINT && (!approvable_only || st_graduation_rows_can_approve (self->rows, index)))
        g_ptr_array_add (items, st_graduation_rows_get_item (self->rows, index));
    }
  return items;
}

static void
approve (StGraduationPage *self)
{
  g_autoptr(GPtrArray) items = selected_items (self, TRUE);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) issued = NULL;
  g_autoptr(GHashTable) by_enrolment = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDate) today = st_graduation_page_today ();
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *first = NULL, *last = NULL;

  for (guint i = 0; i < items->len; i++)
    {
      StGraduationItem *item = g_ptr_array_index (items, i);
      const char *id = st_graduation_item_get_eligibility (item)->enrolment_id;

      g_ptr_array_add (ids, (gpointer) id);
      g_hash_table_insert (by_enrolment, (gpointer) id, item);
    }
  g_ptr_array_add (ids, NULL);
  if (ids->len == 1)
    return;
  issued = st_certificates_approve (self->db, (const char *const *) ids->pdata, today, &error);
  if (issued == NULL)
    {
      st_graduation_page_show_message (self, error->message);
      return;
    }
  for (guint i = 0; i < issued->len; i++)
    {
      StCertificate *c = g_ptr_array_index (issued, i);
      StGraduationItem *item = g_hash_table_lookup (by_enrolment, c->enrolment_id);
      StEligibility *e;

      if (first == NULL)
        first = c->number;
      last = c->number;
      if (item == NULL)
        continue;
      st_graduation_item_set_certificate (item, c->number);
      e = st_eligibility_evaluate_one (self->db, c->enrolment_id, today, NULL);
      if (e != NULL)
        st_graduation_item_set_eligibility (item, e);
    }
  if (issued->len == 1)
    message = g_strdup_printf (_("Certificate %s issued"), first);
  else
    /* Translators: "12 certificates issued: 5223272026B0001 … 5223272026B0012" */
    message = g_strdup_printf (ngettext ("%u certificate issued: %s … %s", "%u certificates issued: %s … %s",
                                         issued->len),
                               issued->len, first, last);
  st_graduation_page_show_message (self, message);
  st_graduation_page_update_counts (self);
  st_graduation_page_update_selection (self);
}

static void
on_approve_response (AdwMessageDialog *dialog,
                     const char       *response,
                     StGraduationPage *self)
{
  if (g_strcmp0 (response, "approve") == 0)
    approve (self);
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (widget);
  g_autoptr(GPtrArray) items = NULL;
  guint kinds[3] = { 0, };
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (!st_role_can (self->role, ST_PERMISSION_APPROVE))
    return;
  items = selected_items (self, TRUE);
  if (items->len == 0)
    {
      st_graduation_page_show_message (self, _("Select enrolments that can be approved: eligible to graduate, completion, or withdrawn, without a certificate."));
      return;
    }
  for (guint i = 0; i < items->len; i++)
    {
      StOutcome o = st_graduation_item_get_eligibility (g_ptr_array_index (items, i))->outcome;

      kinds[o == ST_OUTCOME_ELIGIBLE ? 0 : o == ST_OUTCOME_COMPLETION ? 1 : 2]++;
    }
  heading = g_strdup_printf (ngettext ("Approve %u Enrolment?", "Approve %u Enrolments?", items->len), items->len);
  if (kinds[0] > 0)
    g_string_append_printf (body, ngettext ("%u graduation certificate\n", "%u graduation certificates\n", kinds[0]),
                            kinds[0]);
  if (kinds[1] > 0)
    g_string_append_printf (body, ngettext ("%u completion certificate\n", "%u completion certificates\n", kinds[1]),
                            kinds[1]);
  if (kinds[2] > 0)
    g_string_append_printf (body, ngettext ("%u study record\n", "%u study records\n", kinds[2]), kinds[2]);
  g_string_append (body, _("will be numbered and issued today. A certificate can be revoked later; its number is never given again."));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading, body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "approve", _("_Approve and Number"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "approve", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "approve");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_approve_response), self, 0);
  g_set_weak_pointer (&self->confirmation, ADW_MESSAGE_DIALOG (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
select_approvable_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (widget);
  g_autoptr(GtkBitset) positions = gtk_bitset_new_empty ();
  guint n;

  /* Rows still being shown a few a frame: all of them now. */
  st_graduation_list_reveal_all (self->list);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->list));

  for (guint i = 0; i < n; i++)
    {
      if (st_graduation_rows_can_approve (self->rows, st_graduation_list_get_index (self->list, i)))
        gtk_bitset_add (positions, i);
    }
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), positions,
                                     gtk_bitset_new_range (0, n));
  if (gtk_bitset_is_empty (positions))
    st_graduation_page_show_message (self, self->evaluating ? _("The rules are still being checked; try again in a moment.")
                                         : _("Nobody shown can be approved."));
}

/* Assessments */

static void
on_assessments_saved (StGraduationPage *self,
                      guint             n)
{
  g_autofree char *message = g_strdup_printf (ngettext ("%u assessment result saved", "%u assessment results saved", n), n);

  st_graduation_page_show_message (self, message);
  st_graduation_page_reload (self);
}

static void
assess_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (widget);
  StAssessmentSheet *sheet;
  g_autoptr(GPtrArray) classes = g_ptr_array_new ();
  const char *first;

  if (!st_role_can (self->role, ST_PERMISSION_ASSESS))
    return;
  if (self->sheet != NULL)
    {
      gtk_window_present (self->sheet);
      return;
    }
  /* The classes of programs that assess (short-term training does not). */
  for (guint i = 1; i < self->class_ids->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StClass) c = st_class_load (self->db, g_ptr_array_index (self->class_ids, i), &error);
      g_autoptr(StProgram) p = c ? st_program_load (self->db, c->program_code, &error) : NULL;

      /* Not "no class to assess" when they cannot be read. */
      if (p == NULL && error->domain == ST_DB_ERROR)
        {
          st_graduation_page_show_message (self, error->message);
          return;
        }
      if (p != NULL && p->required_assessments != 0)
        g_ptr_array_add (classes, g_ptr_array_index (self->class_ids, i));
    }
  if (classes->len == 0)
    {
      st_graduation_page_show_message (self, _("There is no class to assess yet."));
      return;
    }
  /* Without a class chosen, the one with the most people an assessment is
   * still missing for (and whose assignments are done). */
  first = st_page_kit_selected (self->class_dropdown, self->class_ids);
  if (first == NULL)
    {
      g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
      guint best = 0;

      g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (StMissing));
      StGraduationPeek peek = { missing, };
      StEligibility row;
      const StEligibility *e = &row;

      for (guint i = 0; i < self->seen->len; i++)
        {
          gboolean waiting = FALSE, blocked = FALSE;
          guint n;

          st_graduation_rows_peek (self->rows, g_array_index (self->seen, guint, i), &row, &peek);
          for (guint m = 0; m < e->missing->len; m++)
            {
              StMissingKind k = g_array_index (e->missing, StMissing, m).kind;

              waiting |= k == ST_MISSING_ASSESSMENT;
              blocked |= k == ST_MISSING_ASSIGNMENTS;
            }
          if (!waiting || blocked)
            continue;
          n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, e->class_id)) + 1;
          g_hash_table_insert (counts, e->class_id, GUINT_TO_POINTER (n));
          if (n > best && g_ptr_array_find_with_equal_func (classes, e->class_id, g_str_equal, NULL))
            {
              best = n;
              first = e->class_id;
            }
        }
    }
  g_ptr_array_add (classes, NULL);
  sheet = st_assessment_sheet_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->db,
                                   (const char *const *) classes->pdata, first);
  g_signal_connect_object (sheet, "saved", G_CALLBACK (on_assessments_saved), self, G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->sheet, GTK_WINDOW (sheet));
  gtk_window_present (GTK_WINDOW (sheet));
}

/* Exports */

int
st_graduation_page_export (StGraduationPage *self,
                           const char       *kind,
                           const char       *path,
                           StCsvEncoding     encoding,
                           GError          **error)
{
  const char *township;

  g_return_val_if_fail (ST_IS_GRADUATION_PAGE (self), -1);
  if (!st_role_can (self->role, ST_PERMISSION_EXPORT))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, st_role_why_not (self->role, ST_PERMISSION_EXPORT));
      return -1;
    }
  township = st_page_kit_selected (self->township_dropdown, self->township_codes);
  if (g_strcmp0 (kind, "household") == 0)
    return st_export_household_registration (self->db, path, encoding, township, error);
  return st_export_enrolments (self->db, path, encoding, township, error);
}

static void
export_chosen (GtkWidget     *widget,
               const char    *kind,
               const char    *path,
               StCsvEncoding  encoding)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *base = g_path_get_basename (path);
  int n = st_graduation_page_export (self, kind, path, encoding, &error);

  if (n < 0)
    message = g_strdup (error->message);
  else
    message = g_strdup_printf (ngettext ("%d row written to %s", "%d rows written to %s", n), n, base);
  st_graduation_page_show_message (self, message);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (widget);
  const char *kind = g_variant_get_string (parameter, NULL);
  gboolean household = g_str_equal (kind, "household");
  g_autofree char *today = st_date_today ();
  g_autofree char *name = NULL;

  if (!st_role_can (self->role, ST_PERMISSION_EXPORT))
    return;
  /* Translators: file names; keep the %s (the date) */
  name = g_strdup_printf (household ? _("household-registration-%s.csv") : _("provincial-registry-%s.csv"), today);
  st_page_kit_save_as (widget, &(StPageKitSaveAs) {
    .title = household ? _("Export for the Household Registration Update") : _("Export for the Provincial Registry"),
    .accept = _("_Export"),
    .file_name = name,
    .what = kind,
    .save = export_chosen,
  });
}

/* Certificates as documents */

static GPtrArray *
selected_certificates (StGraduationPage *self)
{
  g_autoptr(GPtrArray) items = selected_items (self, FALSE);
  GPtrArray *numbers = g_ptr_array_new ();

  for (guint i = 0; i < items->len; i++)
    {
      const char *number = st_graduation_item_get_certificate (g_ptr_array_index (items, i));

      if (number != NULL)
        g_ptr_array_add (numbers, g_strdup (number));
    }
  g_ptr_array_set_free_func (numbers, g_free);
  return numbers;
}

gboolean
st_graduation_page_save_certificates (StGraduationPage  *self,
                                      const char        *path,
                                      GError           **error)
{
  g_autoptr(GPtrArray) numbers = selected_certificates (self);

  g_return_val_if_fail (ST_IS_GRADUATION_PAGE (self), FALSE);
  if (numbers->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Select enrolments that have a certificate number."));
      return FALSE;
    }
  g_ptr_array_add (numbers, NULL);
  return st_certificate_doc_write_pdf (self->db, (const char *const *) numbers->pdata, path, error);
}

static void
certificates_chosen (GtkWidget     *widget,
                     const char    *what,
                     const char    *path,
                     StCsvEncoding  encoding)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *message = NULL;

  if (st_graduation_page_save_certificates (self, path, &error))
    message = g_strdup_printf (_("Saved as %s"), base);
  else
    message = g_strdup (error->message);
  st_graduation_page_show_message (self, message);
}

static void
save_certificates_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (widget);
  g_autoptr(GPtrArray) numbers = selected_certificates (self);
  g_autofree char *name = NULL;

  if (numbers->len == 0)
    {
      st_graduation_page_show_message (self, _("Select enrolments that have a certificate number."));
      return;
    }
  /* Translators: a file name; keep the %s (the first certificate number) */
  name = g_strdup_printf (_("certificates-%s.pdf"), (const char *) g_ptr_array_index (numbers, 0));
  st_page_kit_save_as (widget, &(StPageKitSaveAs) {
    .title = _("Save Certificates as PDF"),
    .accept = _("_Save"),
    .file_name = name,
    .pdf = TRUE,
    .save = certificates_chosen,
  });
}

static void
print_draw_page (GtkPrintOperation *operation,
                 GtkPrintContext   *context,
                 int                page_nr,
                 GPtrArray         *numbers)
{
  StGraduationPage *self = g_object_get_data (G_OBJECT (operation), "page");
  g_autoptr(GError) error = NULL;

  if (!st_certificate_doc_draw (self->db, g_ptr_array_index (numbers, page_nr), gtk_print_context_get_cairo_context (context),
                                gtk_print_context_get_width (context), gtk_print_context_get_height (context), &error))
    g_warning ("Could not draw a certificate: %s", error->message);
}

static void
print_certificates_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  StGraduationPage *self = ST_GRADUATION_PAGE (widget);
  g_autoptr(GPtrArray) numbers = selected_certificates (self);
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(GError) error = NULL;

  if (numbers->len == 0)
    {
      st_graduation_page_show_message (self, _("Select enrolments that have a certificate number."));
      return;
    }
  operation = gtk_print_operation_new ();
  gtk_page_setup_set_paper_size (setup, a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_n_pages (operation, numbers->len);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_object_set_data (G_OBJECT (operation), "page", self);
  g_signal_connect_data (operation, "draw-page", G_CALLBACK (print_draw_page), g_ptr_array_ref (numbers),
                         (GClosureNotify) (void (*) (void)) g_ptr_array_unref, 0);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_WINDOW (gtk_widget_get_root (widget)), &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    st_graduation_page_show_message (self, error->message);
}


void
st_graduation_page_class_actions_init (StGraduationPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "graduation.approve", NULL, approve_action);
  gtk_widget_class_install_action (widget_class, "graduation.select-approvable", NULL, select_approvable_action);
  gtk_widget_class_install_action (widget_class, "graduation.assess", NULL, assess_action);
  gtk_widget_class_install_action (widget_class, "graduation.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "graduation.save-certificates", NULL, save_certificates_action);
  gtk_widget_class_install_action (widget_class, "graduation.print-certificates", NULL, print_certificates_action);
}
