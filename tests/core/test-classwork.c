/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The attendance sheet as the app reads and saves it (whole, in one
 * transaction), the attendance tally of a class's sessions and
 * assignments in bulk. */
#include "config.h"

#include <locale.h>

#include "st-classwork.h"
#include "st-divisions.h"
#include "st-idcard.h"
#include "st-participant.h"
#include "st-records.h"
#include "test-util.h"

typedef struct
{
  StDb *db;
  char *class_id;
  char *session_id;
  char *ids[3];
} Fixture;

static const char *const names[] = { "韦小芳", "王秀英", "陈明" };
static const char *const id17s[] = { "52232719900101002", "52232719880808024", "52232719930303004" };

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autofree char *path = st_test_file ("classwork.db");
  g_autoptr(StClass) klass = st_class_new ();
  g_autoptr(StSession) s = g_new0 (StSession, 1);

  f->db = st_db_open (path, &error);
  g_assert_no_error (error);
  klass->name = g_strdup ("者楼种植班");
  klass->program_code = g_strdup ("secondary-vocational");
  klass->township_code = g_strdup (st_divisions_find_township (divisions, "者楼街道")->code);
  klass->start_date = g_strdup ("2025-03-01");
  g_assert_true (st_class_create (f->db, klass, &error));
  f->class_id = g_strdup (klass->id);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(StParticipant) p = st_participant_new ();
      g_autofree char *e = NULL;

      p->id_number = g_strdup_printf ("%s%c", id17s[i], st_idcard_check_character (id17s[i]));
      p->name = g_strdup (names[i]);
      p->township_code = g_strdup (klass->township_code);
      g_assert_true (st_participant_insert (f->db, p, &error));
      f->ids[i] = g_strdup (p->id);
      e = st_enrol (f->db, p->id, klass->id, NULL, 0, &error);
      g_assert_no_error (error);
    }
  s->class_id = g_strdup (klass->id);
  s->date = g_strdup ("2025-03-08");
  s->minutes = 120;
  s->mode = g_strdup ("concentrated");
  s->subject = g_strdup ("skill");
  g_assert_true (st_session_create (f->db, s, &error));
  f->session_id = g_strdup (s->id);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->db);
  g_free (f->class_id);
  g_free (f->session_id);
  for (guint i = 0; i < G_N_ELEMENTS (f->ids); i++)
    g_free (f->ids[i]);
}

static StAttendanceEntry *
entry_of (GPtrArray *entries, const char *name)
{
  for (guint i = 0; i < entries->len; i++)
    if (g_str_equal (((StAttendanceEntry *) g_ptr_array_index (entries, i))->name, name))
      return g_ptr_array_index (entries, i);
  g_assert_not_reached ();
}

static void
set (StAttendanceEntry *e, const char *status, int minutes)
{
  g_free (e->status);
  e->status = g_strdup (status);
  e->minutes = minutes;
}

static void
test_load_save (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = st_attendance_load_sheet (f->db, f->session_id, &error);
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GHashTable) tally = NULL;
  StSessionTally *t;

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  /* Nothing recorded yet, and the full ID number for the caller to mask. */
  for (guint i = 0; i < entries->len; i++)
    {
      StAttendanceEntry *e = g_ptr_array_index (entries, i);

      g_assert_null (e->status);
      g_assert_cmpint (e->minutes, ==, 0);
      g_assert_cmpuint (strlen (e->id_number), ==, 18);
    }
  tally = st_class_attendance_tally (f->db, f->class_id, &error);
  g_assert_null (g_hash_table_lookup (tally, f->session_id));
  g_clear_pointer (&tally, g_hash_table_unref);

  set (entry_of (entries, "韦小芳"), "present", -1);
  set (entry_of (entries, "王秀英"), "leave", 0);
  set (entry_of (entries, "陈明"), "present", 45);
  g_assert_true (st_attendance_save_sheet (f->db, f->session_id, entries, &error));
  g_assert_no_error (error);

  again = st_attendance_load_sheet (f->db, f->session_id, &error);
  g_assert_cmpstr (entry_of (again, "韦小芳")->status, ==, "present");
  g_assert_cmpint (entry_of (again, "韦小芳")->minutes, ==, 120);
  g_assert_cmpstr (entry_of (again, "王秀英")->status, ==, "leave");
  g_assert_cmpint (entry_of (again, "王秀英")->minutes, ==, 0);
  g_assert_cmpint (entry_of (again, "陈明")->minutes, ==, 45);
  tally = st_class_attendance_tally (f->db, f->class_id, &error);
  t = g_hash_table_lookup (tally, f->session_id);
  g_assert_nonnull (t);
  g_assert_cmpuint (t->present, ==, 2);
  g_assert_cmpuint (t->recorded, ==, 3);
}

/* One line the core refuses: nothing of the sheet is written, and the
 * message names the person. */
static void
test_all_or_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = st_attendance_load_sheet (f->db, f->session_id, &error);
  gint64 before = st_test_query_int (f->db, "SELECT count (*) FROM attendance");

  for (guint i = 0; i < entries->len; i++)
    set (g_ptr_array_index (entries, i), "present", -1);
  set (entry_of (entries, "陈明"), "present", 500);
  g_assert_false (st_attendance_save_sheet (f->db, f->session_id, entries, &error));
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "陈明"));
  g_assert_cmpint (st_test_query_int (f->db, "SELECT count (*) FROM attendance"), ==, before);
  g_assert_cmpint (before, ==, 0);
}

static void
test_assignments (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *e0 = st_enrolment_id (f->ids[0], f->class_id);
  g_autofree char *e1 = st_enrolment_id (f->ids[1], f->class_id);
  const char *both[] = { e0, e1, NULL };
  const char *bad[] = { e0, "no-such-enrolment", NULL };
  g_autoptr(GPtrArray) list = NULL;

  g_assert_cmpint (st_assignment_add_many (f->db, both, "嫁接实操", "2025-04-01", &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (st_assignment_add_many (f->db, bad, "修剪", NULL, &error), ==, -1);
  g_assert_error (error, ST_RECORDS_ERROR, ST_RECORDS_ERROR_NOT_FOUND);
  list = st_assignment_list (f->db, e0, NULL);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((StAssignment *) g_ptr_array_index (list, 0))->title, ==, "嫁接实操");
  g_assert_cmpstr (((StAssignment *) g_ptr_array_index (list, 0))->done_on, ==, "2025-04-01");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/core/classwork/load-save", Fixture, NULL, setup, test_load_save, teardown);
  g_test_add ("/core/classwork/all-or-nothing", Fixture, NULL, setup, test_all_or_nothing, teardown);
  g_test_add ("/core/classwork/assignments", Fixture, NULL, setup, test_assignments, teardown);
  return g_test_run ();
}
