/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The visit list of a village, to take on the round: a header with the
 * township and the village, one row per person not yet reached, tall enough
 * to write the answers by hand. Every page repeats the header. */
#define G_LOG_DOMAIN "st-visit"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "st-date.h"
#include "st-doc.h"
#include "st-participant.h"
#include "st-visit-sheet.h"

#define MARGIN 30.0
#define ROW_HEIGHT 30.0
#define HEADER_ROW_HEIGHT 26.0
#define BODY_FONT 8.5
#define N_COLUMNS 12
/* Name and village left-aligned, as they are read; the rest centred. */
#define LEFT_COLUMNS ((1u << 1) | (1u << 3))
/* Sex, the phone number and the last visit's date never break; names and
 * villages may take two lines. */
#define UNBROKEN_COLUMNS ((1u << 2) | (1u << 4) | (1u << 5))

typedef struct
{
  StDocPerson person;
  char *phone;
  char *last_visit;
} Row;

typedef struct
{
  char      *township;
  char      *village;      /* NULL: the whole township */
  char      *printed_on;
  GPtrArray *rows;         /* Row */
} Sheet;

static const StDocSheetKind sheet_kind;

static void
row_free (Row *row)
{
  st_doc_person_clear (&row->person);
  g_free (row->phone);
  g_free (row->last_visit);
  g_free (row);
}

static void
sheet_free (Sheet *sheet)
{
  if (sheet == NULL)
    return;
  g_free (sheet->township);
  g_free (sheet->village);
  g_free (sheet->printed_on);
  g_clear_pointer (&sheet->rows, g_ptr_array_unref);
  g_free (sheet);
}

static gpointer
row_from_stmt (sqlite3_stmt *stmt)
{
  Row *row = g_new0 (Row, 1);

  st_doc_person_read (&row->person, stmt);
  row->phone = st_db_column_dup (stmt, ST_DOC_PERSON_N_COLUMNS);
  row->last_visit = st_db_column_dup (stmt, ST_DOC_PERSON_N_COLUMNS + 1);
  return row;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const Row *x = *(Row *const *) a, *y = *(Row *const *) b;

  return st_doc_order_compare (&x->person.order, &y->person.order);
}

/* A township by its name, a village by its short name (者楼村, not
 * 者楼村村民委员会). */
static char *
division_name (StDb        *db,
               const char  *code,
               GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT CASE level WHEN 'village' THEN short_name ELSE name END"
                                          " FROM divisions WHERE code = ?", error);
  char *name = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    name = st_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the visit list"), error);
      return NULL;
    }
  return name != NULL ? name : g_strdup (code);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sheet, sheet_free)

StDocSheet *
st_visit_sheet_new (StDb        *db,
                    const char  *township_code,
                    const char  *village_code,
                    GError     **error)
{
  g_autoptr(Sheet) sheet = g_new0 (Sheet, 1);
  g_autofree char *title = NULL;
  int n_rows;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (ST_IS_DB (db), NULL);
  g_return_val_if_fail (township_code != NULL, NULL);

  sheet->printed_on = st_date_today ();
  sheet->township = division_name (db, township_code, error);
  if (sheet->township == NULL)
    return NULL;
  if (village_code != NULL && (sheet->village = division_name (db, village_code, error)) == NULL)
    return NULL;

  /* Never reached: not visited yet, or visited without reaching them. The
   * last visit is the last one made: a visit from the roster is the
   * roster's answers, not a round that found no one. */
  stmt = st_db_prepare (db,
                        "SELECT " ST_DOC_PERSON_COLUMNS ", p.phone,"
                        " (SELECT max (x.date) FROM visits x WHERE x.participant_id = p.id AND x.deleted = 0"
                        "  AND x.how <> 'roster')"
                        " FROM participants p" ST_DOC_PERSON_JOIN
                        " WHERE p.deleted = 0 AND p.merged_into IS NULL AND p.township_code = ?1"
                        " AND (?2 IS NULL OR p.village_code = ?2)"
                        " AND NOT EXISTS (SELECT 1 FROM visits x WHERE x.participant_id = p.id AND x.deleted = 0"
                        "                 AND x.reached = 1)",
                        error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, township_code, -1, SQLITE_TRANSIENT);
  st_db_bind_text (stmt, 2, village_code);
  sheet->rows = st_db_read_rows (db, stmt, row_from_stmt, (GDestroyNotify) row_free, _("reading the visit list"),
                                 error);
  if (sheet->rows == NULL)
    return NULL;
  g_ptr_array_sort (sheet->rows, compare_rows);
  title = g_strdup_printf ("%s %s %s", _("Outreach Visit List"), sheet->township,
                           sheet->village ? sheet->village : "");
  n_rows = (int) sheet->rows->len;
  return st_doc_sheet_new (&sheet_kind, g_steal_pointer (&sheet), n_rows, title);
}

static void
column_headers (const char **header)
{
  st_doc_person_headers (header);
  header[4] = _("Phone");
  header[5] = _("Last visit");
  header[6] = _("Date");
  header[7] = C_("outreach", "Reached");
  header[8] = _("Lives / works");
  header[9] = _("Health");
  header[10] = _("Willing / major");
  header[11] = _("Note");
}

static double
header_block (gpointer      data,
              PangoContext *context,
              cairo_t      *cr,
              double        width)
{
  const Sheet *sheet = data;
  double content = width - 2 * MARGIN;
  double y = MARGIN;
  g_autofree char *place = sheet->village != NULL ? g_strdup_printf ("%s %s", sheet->township, sheet->village)
                                                  : g_strdup (sheet->township);
  /* Translators: "巧马镇 巧马村 · printed on 2025-03-01 · 12 people not yet reached" */
  g_autofree char *line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "%s · printed on %s · %u person not yet reached",
                                                        "%s · printed on %s · %u people not yet reached",
                                                        sheet->rows->len),
                                           place, sheet->printed_on, sheet->rows->len);
  g_autoptr(PangoLayout) title = st_doc_text (context, _("Outreach Visit List"), 18, TRUE, content, PANGO_ALIGN_CENTER);
  g_autoptr(PangoLayout) subtitle = st_doc_text (context, line, 10, FALSE, content, PANGO_ALIGN_CENTER);
  g_autoptr(PangoLayout) legend = st_doc_text (context,
                                               _("Reached: yes / no. Lives: at home, or away (province, city). "
                                                 "Works: farming, local work, working away, none. Health: good, "
                                                 "chronic illness, disability. Willing: yes, no, later."),
                                               8, FALSE, content, PANGO_ALIGN_LEFT);

  st_doc_show (cr, title, MARGIN, y);
  y += st_doc_layout_height (title) + 4;
  st_doc_show (cr, subtitle, MARGIN, y);
  y += st_doc_layout_height (subtitle) + 6;
  st_doc_show (cr, legend, MARGIN, y);
  return y + st_doc_layout_height (legend) + 8;
}

/* No., name, sex, village, phone, last visit; the rest is written in. */
static void
row_cells (gpointer     data,
           int          i,
           const char **cells)
{
  Sheet *sheet = data;
  const Row *row = g_ptr_array_index (sheet->rows, i);

  st_doc_person_cells (&row->person, cells);
  cells[4] = row->phone ? row->phone : "";
  cells[5] = row->last_visit ? row->last_visit : "";
}

static void
footer (gpointer   data,
        char     **left,
        char     **right)
{
  *left = g_strdup (_("Visitor: ______________    Date: ______________"));
  *right = NULL;
}

/* No., name, sex, village, phone, last visit; then what is written in. */
static const double weights[N_COLUMNS] = { 0.04, 0.08, 0.04, 0.09, 0.10, 0.08, 0.08, 0.06, 0.14, 0.08, 0.11, 0.10 };

static const StDocSheetKind sheet_kind = {
  .n_columns = N_COLUMNS, .weights = weights, .unbroken = UNBROKEN_COLUMNS, .left = LEFT_COLUMNS,
  .margin = MARGIN, .header_height = HEADER_ROW_HEIGHT, .row_height = ROW_HEIGHT, .size = BODY_FONT,
  .footer_size = 10, .none = N_("Everyone here has been reached."),
  .headers = column_headers, .header_block = header_block, .footer = footer, .row_cells = row_cells,
  .free = (GDestroyNotify) sheet_free,
};
