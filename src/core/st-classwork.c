/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-records"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "st-classwork.h"
#include "st-doc.h"
#include "st-records.h"

void
st_attendance_entry_free (StAttendanceEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->participant_id);
  g_free (entry->name);
  g_free (entry->id_number);
  g_free (entry->village);
  g_free (entry->status);
  g_free (entry);
}

void
st_assignment_free (StAssignment *assignment)
{
  if (assignment == NULL)
    return;
  g_free (assignment->id);
  g_free (assignment->enrolment_id);
  g_free (assignment->title);
  g_free (assignment->done_on);
  g_free (assignment);
}

/* Several writes as one: joins the caller's transaction, or makes one. */
static gboolean
begin (StDb      *db,
       gboolean  *own,
       GError   **error)
{
  *own = sqlite3_get_autocommit (st_db_get_handle (db));
  return !*own || st_db_begin (db, error);
}

static gboolean
end (StDb      *db,
     gboolean   own,
     gboolean   ok,
     GError   **error)
{
  if (!own)
    return ok;
  if (!ok)
    {
      st_db_rollback (db);
      return FALSE;
    }
  return st_db_commit (db, error);
}

sqlite3_stmt *
st_in_study_prepare (StDb        *db,
                     const char  *sql,
                     const char  *class_id,
                     const char  *date,
                     GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, sql, error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, class_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, date, -1, SQLITE_STATIC);
  return stmt;
}

/* The sign-in sheet's order: villages of the official list by code, those
 * typed by hand after them, then names. */
typedef struct
{
  StAttendanceEntry *entry;
  StDocOrder         order;
} Sortable;

static int
compare_sortable (gconstpointer a,
                  gconstpointer b)
{
  const Sortable *x = a, *y = b;
  int cmp = st_doc_order_compare (&x->order, &y->order);

  return cmp != 0 ? cmp : g_strcmp0 (x->entry->participant_id, y->entry->participant_id);
}

GPtrArray *
st_attendance_load_sheet (StDb        *db,
                          const char  *session_id,
                          GError     **error)
{
  g_autoptr(StSession) session = NULL;
  g_autoptr(GArray) sortable = g_array_new (FALSE, FALSE, sizeof (Sortable));
  GPtrArray *entries;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (ST_IS_DB (db), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);

  session = st_session_load (db, session_id, error);
  if (session == NULL)
    return NULL;
  stmt = st_in_study_prepare (db,
                              "SELECT p.id, p.name, p.id_number, v.code, coalesce (v.short_name, p.village_name, ''),"
                              "       a.status, a.minutes"
                              " FROM enrolments e"
                              " JOIN participants p ON p.id = e.participant_id"
                              " LEFT JOIN divisions v ON v.code = p.village_code"
                              " LEFT JOIN attendance a ON a.session_id = ?3 AND a.participant_id = e.participant_id"
                              "                        AND a.deleted = 0"
                              " WHERE" ST_IN_STUDY_ON_DAY_SQL,
                              session->class_id, session->date, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 3, session->id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Sortable s;

      s.entry = g_new0 (StAttendanceEntry, 1);
      s.entry->participant_id = st_db_column_dup (stmt, 0);
      s.entry->name = st_db_column_dup (stmt, 1);
      s.entry->id_number = st_db_column_dup (stmt, 2);
      s.entry->village = st_db_column_dup (stmt, 4);
      s.entry->status = st_db_column_dup (stmt, 5);
      s.entry->minutes = sqlite3_column_int (stmt, 6);
      st_doc_order_init (&s.order, (const char *) sqlite3_column_text (stmt, 3), s.entry->village, s.entry->name);
      g_array_append_val (sortable, s);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the attendance sheet"), error);
      entries = NULL;
    }
  else
    {
      g_array_sort (sortable, compare_sortable);
      entries = g_ptr_array_new_full (sortable->len, (GDestroyNotify) st_attendance_entry_free);
    }
  for (guint i = 0; i < sortable->len; i++)
    {
      Sortable *s = &g_array_index (sortable, Sortable, i);

      if (entries != NULL)
        g_ptr_array_add (entries, s->entry);
      else
        st_attendance_entry_free (s->entry);
      st_doc_order_clear (&s->order);
    }
  return entries;
}

gboolean
st_attendance_save_sheet (StDb        *db,
                          const char  *session_id,
                          GPtrArray   *entries,
                          GError     **error)
{
  gboolean own, ok = TRUE;

  g_return_val_if_fail (ST_IS_DB (db), FALSE);
  g_return_val_if_fail (session_id != NULL, FALSE);
  g_return_val_if_fail (entries != NULL, FALSE);

  if (!begin (db, &own, error))
    return FALSE;
  for (guint i = 0; ok && i < entries->len; i++)
    {
      const StAttendanceEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GError) local = NULL;

      if (entry->status == NULL)
        continue;
      ok = st_attendance_set (db, session_id, entry->participant_id, entry->status,
                              g_str_equal (entry->status, "present") ? entry->minutes : 0, &local);
      if (!ok)
        {
          /* The core's message may not name the person: the sheet does. */
          if (entry->name != NULL && strstr (local->message, entry->name) == NULL)
            g_set_error (error, local->domain, local->code,
                         /* Translators: "<name>: <what is wrong>; nothing was saved." */
                         _("%s: %s Nothing was saved."), entry->name, local->message);
          else
            g_set_error (error, local->domain, local->code, _("%s Nothing was saved."), local->message);
        }
    }
  return end (db, own, ok, error);
}

static void
tally_free (gpointer data)
{
  g_free (data);
}

GHashTable *
st_class_attendance_tally (StDb        *db,
                           const char  *class_id,
                           GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT s.id, sum (a.status = 'present'), count (a.id)"
                                      " FROM sessions s JOIN attendance a ON a.session_id = s.id AND a.deleted = 0"
                                      " WHERE s.class_id = ?1 AND s.deleted = 0 GROUP BY s.id",
                                      error);
  GHashTable *tally;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, class_id, -1, SQLITE_STATIC);
  tally = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, tally_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StSessionTally *t = g_new0 (StSessionTally, 1);

      t->present = sqlite3_column_int (stmt, 1);
      t->recorded = sqlite3_column_int (stmt, 2);
      g_hash_table_insert (tally, st_db_column_dup (stmt, 0), t);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_hash_table_unref (tally);
      st_db_set_error (db, rc, _("reading the attendance of the class"), error);
      return NULL;
    }
  return tally;
}

GPtrArray *
st_assignment_list (StDb        *db,
                    const char  *enrolment_id,
                    GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT id, enrolment_id, title, CASE WHEN done THEN done_on END"
                                      " FROM assignments WHERE enrolment_id = ?1 AND deleted = 0"
                                      " ORDER BY hlc",
                                      error);
  GPtrArray *list;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, enrolment_id, -1, SQLITE_STATIC);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) st_assignment_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StAssignment *a = g_new0 (StAssignment, 1);

      a->id = st_db_column_dup (stmt, 0);
      a->enrolment_id = st_db_column_dup (stmt, 1);
      a->title = st_db_column_dup (stmt, 2);
      a->done_on = st_db_column_dup (stmt, 3);
      g_ptr_array_add (list, a);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_ptr_array_unref (list);
      st_db_set_error (db, rc, _("reading the assignments"), error);
      return NULL;
    }
  return list;
}

int
st_assignment_add_many (StDb              *db,
                        const char *const *enrolment_ids,
                        const char        *title,
                        const char        *done_on,
                        GError           **error)
{
  gboolean own, ok = TRUE;
  int written = 0;

  g_return_val_if_fail (ST_IS_DB (db), -1);
  g_return_val_if_fail (enrolment_ids != NULL, -1);

  if (!begin (db, &own, error))
    return -1;
  for (guint i = 0; ok && enrolment_ids[i] != NULL; i++)
    {
      g_autofree char *id = st_assignment_add (db, enrolment_ids[i], title, done_on, error);

      ok = id != NULL;
      written += ok;
    }
  if (!end (db, own, ok, error))
    return -1;
  return written;
}

const char *
st_session_mode_to_display (const char *mode)
{
  if (g_strcmp0 (mode, "concentrated") == 0)
    return _("Concentrated");
  if (g_strcmp0 (mode, "online") == 0)
    return _("Online");
  if (g_strcmp0 (mode, "practical") == 0)
    return _("Practical");
  return mode != NULL ? mode : "";
}

const char *
st_session_subject_to_display (const char *subject)
{
  if (g_strcmp0 (subject, "literacy") == 0)
    return _("Literacy and numeracy");
  if (g_strcmp0 (subject, "mandarin") == 0)
    return _("Mandarin");
  if (g_strcmp0 (subject, "civic") == 0)
    return _("Civic and moral education");
  if (g_strcmp0 (subject, "policy") == 0)
    return _("Policy and law");
  if (g_strcmp0 (subject, "skill") == 0)
    return _("Vocational skill");
  return subject != NULL ? subject : "";
}
