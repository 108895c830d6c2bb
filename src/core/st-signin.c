/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sign-in sheet (签到表) of a session: a header with the class and the
 * session, then one row per participant in study that day, with a blank
 * box tall enough to sign in. Every page repeats the header, so a page that
 * comes loose still says which session it belongs to. */
#define G_LOG_DOMAIN "st-signin"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "st-doc.h"
#include "st-idcard.h"
#include "st-participant.h"
#include "st-records.h"
#include "st-classwork.h"
#include "st-signin.h"

#define MARGIN 36.0
/* About 10.5 mm: room for a signature written by hand. */
#define ROW_HEIGHT 30.0
#define HEADER_ROW_HEIGHT 22.0
#define BODY_FONT 10.0
#define N_COLUMNS 7

typedef struct
{
  StDocPerson person;
  char       *id_masked;
} Row;

typedef struct
{
  char      *class_name;
  char      *township;
  char      *major;
  char      *date;
  int        minutes;
  char      *mode;
  char      *subject;
  char      *trainer;
  char      *place;
  GPtrArray *rows;          /* Row */
} Sheet;

static const StDocSheetKind sheet_kind;

static void
row_free (Row *row)
{
  st_doc_person_clear (&row->person);
  g_free (row->id_masked);
  g_free (row);
}

static void
sheet_free (Sheet *sheet)
{
  if (sheet == NULL)
    return;
  g_free (sheet->class_name);
  g_free (sheet->township);
  g_free (sheet->major);
  g_free (sheet->date);
  g_free (sheet->mode);
  g_free (sheet->subject);
  g_free (sheet->trainer);
  g_free (sheet->place);
  g_clear_pointer (&sheet->rows, g_ptr_array_unref);
  g_free (sheet);
}

/* Minutes as class hours: "8", "1.5", "0.75". */
static char *
format_hours (int minutes)
{
  int hundredths = (minutes * 100 + 30) / 60;

  if (hundredths % 100 == 0)
    return g_strdup_printf ("%d", hundredths / 100);
  if (hundredths % 10 == 0)
    return g_strdup_printf ("%d.%d", hundredths / 100, hundredths % 100 / 10);
  return g_strdup_printf ("%d.%02d", hundredths / 100, hundredths % 100);
}

/* Sets *@text to the first column of the row for @key, or NULL when there
 * is none; FALSE with @error set when the database cannot say. */
static gboolean
lookup_text (StDb        *db,
             const char  *sql,
             const char  *key,
             char       **text,
             GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *text = NULL;
  if (key == NULL)
    return TRUE;
  stmt = st_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    *text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("reading the sign-in sheet"), error);
  return TRUE;
}

static gpointer
row_from_stmt (sqlite3_stmt *stmt)
{
  Row *row = g_new0 (Row, 1);

  st_doc_person_read (&row->person, stmt);
  row->id_masked = st_idcard_mask ((const char *) sqlite3_column_text (stmt, ST_DOC_PERSON_N_COLUMNS));
  return row;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const Row *x = *(Row *const *) a, *y = *(Row *const *) b;
  int cmp = st_doc_order_compare (&x->person.order, &y->person.order);

  return cmp != 0 ? cmp : strcmp (x->id_masked, y->id_masked);
}

static char *
join_trainers (char **trainers)
{
  /* Translators: the separator between the items of a list, “、” in Chinese */
  return trainers != NULL ? g_strjoinv (_(", "), trainers) : g_strdup ("");
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sheet, sheet_free)

StDocSheet *
st_signin_sheet_new (StDb        *db,
                     const char  *session_id,
                     GError     **error)
{
  g_autoptr(Sheet) sheet = g_new0 (Sheet, 1);
  g_autofree char *title = NULL;
  int n_rows;
  g_autoptr(StSession) session = NULL;
  g_autoptr(StClass) klass = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (ST_IS_DB (db), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);

  session = st_session_load (db, session_id, error);
  if (session == NULL)
    return NULL;
  klass = st_class_load (db, session->class_id, error);
  if (klass == NULL)
    return NULL;

  sheet->class_name = g_strdup (klass->name);
  if (!lookup_text (db, "SELECT name FROM divisions WHERE code = ?1", klass->township_code,
                    &sheet->township, error))
    return NULL;
  if (sheet->township == NULL)
    sheet->township = g_strdup (klass->township_code);
  if (klass->major != NULL && *klass->major != '\0')
    {
      /* classes.major_id holds a major's id or its name. */
      if (!lookup_text (db, "SELECT name FROM majors WHERE id = ?1 AND deleted = 0", klass->major,
                        &sheet->major, error))
        return NULL;
      if (sheet->major == NULL)
        sheet->major = g_strdup (klass->major);
    }
  else
    sheet->major = g_strdup ("");
  sheet->date = g_strdup (session->date);
  sheet->minutes = session->minutes;
  sheet->mode = g_strdup (st_session_mode_to_display (session->mode));
  sheet->subject = g_strdup (st_session_subject_to_display (session->subject));
  sheet->trainer = session->trainer != NULL && *session->trainer != '\0'
                   ? g_strdup (session->trainer) : join_trainers (klass->trainers);
  sheet->place = g_strdup (session->place != NULL && *session->place != '\0'
                           ? session->place : klass->teaching_point != NULL ? klass->teaching_point : "");

  /* In study on the day as st_attendance_fill_present () has it, so that
   * everyone whose attendance the app records has a line to sign: a state
   * dated on the session's day (withdrawn, graduated that day) still counts
   * as in study then. */
  stmt = st_in_study_prepare (db,
                              "SELECT " ST_DOC_PERSON_COLUMNS ", p.id_number"
                              " FROM enrolments e"
                              " JOIN participants p ON p.id = e.participant_id" ST_DOC_PERSON_JOIN
                              " WHERE" ST_IN_STUDY_ON_DAY_SQL,
                              session->class_id, session->date, error);
  if (stmt == NULL)
    return NULL;
  sheet->rows = st_db_read_rows (db, stmt, row_from_stmt, (GDestroyNotify) row_free,
                                 _("reading the participants of the class"), error);
  if (sheet->rows == NULL)
    return NULL;
  g_ptr_array_sort (sheet->rows, compare_rows);
  title = g_strdup_printf ("%s %s %s", _("Sign-in Sheet"), sheet->class_name, sheet->date);
  n_rows = (int) sheet->rows->len;
  return st_doc_sheet_new (&sheet_kind, g_steal_pointer (&sheet), n_rows, title);
}

/* Layout */

static char *
hours_text (const Sheet *sheet)
{
  g_autofree char *hours = format_hours (sheet->minutes);

  /* Translators: class hours (学时) of a session; %s is a number such as 8 or 1.5 */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s hour", "%s hours", sheet->minutes == 60 ? 1 : 2),
                          hours);
}

/* The header block: title, class, and the session's particulars in two
 * columns. Draws it when @cr is set; returns where it ends either way. */
static double
header_block (gpointer      data,
              PangoContext *context,
              cairo_t      *cr,
              double        width)
{
  const Sheet *sheet = data;
  double content = width - 2 * MARGIN;
  double half = content / 2;
  double y = MARGIN;
  g_autofree char *hours = hours_text (sheet);
  const char *pairs[][2] = {
    { _("Date:"), sheet->date },          { _("Hours:"), hours },
    { _("Mode:"), sheet->mode },          { _("Subject:"), sheet->subject },
    { _("Trainer:"), sheet->trainer },    { _("Place:"), sheet->place },
    { _("Township:"), sheet->township },  { _("Major:"), sheet->major },
  };
  g_autoptr(PangoLayout) title = st_doc_text (context, _("Sign-in Sheet"), 18, TRUE, content, PANGO_ALIGN_CENTER);
  g_autoptr(PangoLayout) klass = st_doc_text (context, sheet->class_name, 12, TRUE, content, PANGO_ALIGN_CENTER);

  st_doc_show (cr, title, MARGIN, y);
  y += st_doc_layout_height (title) + 4;
  st_doc_show (cr, klass, MARGIN, y);
  y += st_doc_layout_height (klass) + 10;

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i += 2)
    {
      double line = 0;

      for (guint j = 0; j < 2; j++)
        {
          g_autoptr(PangoLayout) label = st_doc_text (context, pairs[i + j][0], BODY_FONT, TRUE, 0, PANGO_ALIGN_LEFT);
          int label_width;
          g_autoptr(PangoLayout) value = NULL;
          double x = MARGIN + j * half;

          pango_layout_get_pixel_size (label, &label_width, NULL);
          value = st_doc_text (context, pairs[i + j][1], BODY_FONT, FALSE, half - label_width - 12, PANGO_ALIGN_LEFT);
          st_doc_show (cr, label, x, y);
          st_doc_show (cr, value, x + label_width + 4, y);
          line = MAX (line, MAX (st_doc_layout_height (label), st_doc_layout_height (value)));
        }
      y += line + 4;
    }
  return y + 8;
}

static void
column_headers (const char **header)
{
  st_doc_person_headers (header);
  header[4] = _("ID number");
  header[5] = _("Signature");
  header[6] = _("Remarks");
}

/* Names and villages left-aligned, as they are read; the rest centred. */
#define LEFT_COLUMNS ((1u << 1) | (1u << 3))
/* Sex and the ID number never break; names and villages may take two
 * lines. */
#define UNBROKEN_COLUMNS ((1u << 2) | (1u << 4))

/* No., name, sex, village, ID number; then the signature and the time,
 * written in. */
static void
row_cells (gpointer     data,
           int          i,
           const char **cells)
{
  Sheet *sheet = data;
  const Row *row = g_ptr_array_index (sheet->rows, i);

  st_doc_person_cells (&row->person, cells);
  cells[4] = row->id_masked;
}

/* The counts and the trainer's signature, for whoever checks the sheet. */
static void
footer (gpointer   data,
        char     **left,
        char     **right)
{
  Sheet *sheet = data;

  *left = g_strdup_printf (_("Enrolled: %d    Present: ______"), (int) sheet->rows->len);
  *right = g_strdup (_("Trainer’s signature: ______________"));
}

/* By weight, but no column so narrow that a word in it breaks ("Fe-male")
 * while the signature box, which needs width and no words, has room to
 * give: no., name, sex, village, ID number, signature, remarks. */
static const double weights[N_COLUMNS] = { 0.06, 0.13, 0.07, 0.16, 0.22, 0.22, 0.14 };

static const StDocSheetKind sheet_kind = {
  .n_columns = N_COLUMNS, .weights = weights, .unbroken = UNBROKEN_COLUMNS, .left = LEFT_COLUMNS,
  .margin = MARGIN, .header_height = HEADER_ROW_HEIGHT, .row_height = ROW_HEIGHT, .size = BODY_FONT,
  .footer_size = BODY_FONT, .none = N_("No participant is in study in this class on this date."),
  .headers = column_headers, .header_block = header_block, .footer = footer, .row_cells = row_cells,
  .free = (GDestroyNotify) sheet_free,
};
