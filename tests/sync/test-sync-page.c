/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A page of the pull feed read as a stream (src/core/st-sync-page.c): what
 * the server sends, and what a broken or hostile answer does instead. */
#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "st-sync.h"
#include "st-sync-page.h"

static StPage *
read_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  StPage *page = st_page_read (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_nonnull (page);
  return page;
}

static const StPageEntry *
entry_at (const StPage *page,
          guint         i)
{
  g_assert_cmpuint (i, <, page->entries->len);
  return &g_array_index (page->entries, StPageEntry, i);
}

static const StPageValue *
field (const StPage *page,
       guint         i,
       const char   *name)
{
  return st_page_entry_field (page, entry_at (page, i), name, 0);
}

/* A page as the server writes it: every kind of value, an eviction, a
 * review item (its fields kept whole, as sent), the scope. */
static void
test_page (void)
{
  const char *review_fields = "{\"tbl\":\"participants\",\"row_id\":\"r1\",\"values\":{\"phone\":[\"1\",\"2\"]},\"resolved\":false}";
  g_autofree char *json = g_strdup_printf (
    "{\"changes\":["
    "{\"seq\":1,\"table\":\"participants\",\"row\":\"r1\",\"hlc\":115712512345702401,\"device\":\"d1\","
    " \"deleted\":false,\"fields\":{\"name\":\"\\u5f20\\u4e09\",\"minutes\":120,\"score\":85.5,"
    " \"big\":1.5e2,\"phone\":null,\"flag\":true,\"note\":\"a\\\"b\\\\c\\n\\ud83d\\ude00\","
    " \"extra\":{\"k\":[1,{\"x\":null}]},\"list\":[ 1, 2 ]}},"
    "{\"seq\":2,\"table\":\"classes\",\"row\":\"c1\",\"evict\":true},"
    "{\"seq\":3,\"table\":\"review_items\",\"row\":\"v1\",\"hlc\":7,\"device\":\"server\",\"deleted\":true,"
    " \"fields\":%s}"
    "],\"cursor\":\"c1.3.abc\",\"more\":true,\"reset\":true,"
    "\"scope\":{\"all_townships\":false,\"townships\":[\"522327104000\"]},\"server_time\":1763892000000}",
    review_fields);
  g_autoptr(StPage) page = read_ok (json);
  const StPageEntry *e;
  const StPageValue *v;
  JsonArray *townships;

  g_assert_cmpstr (page->cursor, ==, "c1.3.abc");
  g_assert_true (page->more);
  g_assert_true (page->reset);
  g_assert_nonnull (page->scope);
  g_assert_false (json_object_get_boolean_member (page->scope, "all_townships"));
  townships = json_object_get_array_member (page->scope, "townships");
  g_assert_cmpuint (json_array_get_length (townships), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (townships, 0), ==, "522327104000");
  g_assert_cmpuint (page->entries->len, ==, 3);

  e = entry_at (page, 0);
  g_assert_cmpstr (e->table, ==, "participants");
  g_assert_cmpstr (e->row, ==, "r1");
  g_assert_cmpstr (e->device, ==, "d1");
  g_assert_cmpint (e->hlc, ==, G_GINT64_CONSTANT (115712512345702401));
  g_assert_false (e->deleted);
  g_assert_false (e->evict);
  g_assert_true (e->has_fields);
  g_assert_null (e->fields_json);
  g_assert_cmpuint (e->n_fields, ==, 9);
  v = field (page, 0, "name");
  g_assert_cmpint (v->type, ==, SQLITE_TEXT);
  g_assert_cmpstr (v->text, ==, "张三");
  v = field (page, 0, "minutes");
  g_assert_cmpint (v->type, ==, SQLITE_INTEGER);
  g_assert_cmpint (v->integer, ==, 120);
  v = field (page, 0, "score");
  g_assert_cmpint (v->type, ==, SQLITE_FLOAT);
  g_assert_cmpfloat (v->real, ==, 85.5);
  v = field (page, 0, "big");
  g_assert_cmpint (v->type, ==, SQLITE_FLOAT);
  g_assert_cmpfloat (v->real, ==, 150.0);
  g_assert_cmpint (field (page, 0, "phone")->type, ==, SQLITE_NULL);
  v = field (page, 0, "flag");
  g_assert_cmpint (v->type, ==, SQLITE_INTEGER);
  g_assert_cmpint (v->integer, ==, 1);
  g_assert_cmpstr (field (page, 0, "note")->text, ==, "a\"b\\c\n😀");
  /* Objects and arrays in a field are kept as their JSON text. */
  g_assert_cmpstr (field (page, 0, "extra")->text, ==, "{\"k\":[1,{\"x\":null}]}");
  g_assert_cmpstr (field (page, 0, "list")->text, ==, "[ 1, 2 ]");
  g_assert_null (field (page, 0, "absent"));
  /* The hint is only a hint. */
  g_assert_cmpstr (st_page_entry_field (page, e, "name", 5)->text, ==, "张三");
  g_assert_null (st_page_entry_field (page, e, "absent", 99));

  e = entry_at (page, 1);
  g_assert_cmpstr (e->table, ==, "classes");
  g_assert_cmpstr (e->row, ==, "c1");
  g_assert_true (e->evict);
  g_assert_false (e->has_fields);
  g_assert_cmpuint (e->n_fields, ==, 0);

  e = entry_at (page, 2);
  g_assert_cmpstr (e->table, ==, "review_items");
  g_assert_true (e->deleted);
  g_assert_cmpint (e->hlc, ==, 7);
  g_assert_cmpstr (e->fields_json, ==, review_fields);
  g_assert_cmpstr (st_page_entry_field (page, e, "tbl", 0)->text, ==, "participants");
  g_assert_cmpstr (st_page_entry_field (page, e, "values", 0)->text, ==, "{\"phone\":[\"1\",\"2\"]}");
}

static void
check_numbers (void)
{
  const char *json = "{\"changes\":[{\"table\":\"t\",\"fields\":{\"a\":-0.25,\"b\":9223372036854775807,"
                     "\"c\":99999999999999999999,\"d\":-12,\"e\":1E3,\"f\":85.5}}],\"cursor\":\"c\"}";
  g_autoptr(StPage) page = read_ok (json);

  g_assert_cmpfloat (field (page, 0, "a")->real, ==, -0.25);
  g_assert_cmpint (field (page, 0, "b")->type, ==, SQLITE_INTEGER);
  g_assert_cmpint (field (page, 0, "b")->integer, ==, G_MAXINT64);
  g_assert_cmpint (field (page, 0, "c")->type, ==, SQLITE_FLOAT);
  g_assert_cmpfloat (field (page, 0, "c")->real, ==, 1e20);
  g_assert_cmpint (field (page, 0, "d")->integer, ==, -12);
  g_assert_cmpint (field (page, 0, "e")->type, ==, SQLITE_FLOAT);
  g_assert_cmpfloat (field (page, 0, "e")->real, ==, 1000.0);
  g_assert_cmpfloat (field (page, 0, "f")->real, ==, 85.5);
}

/* A locale whose decimal point is a comma, built with localedef when none
 * is installed; FALSE when there is no way to get one. */
static gboolean
set_comma_locale (char **dir)
{
  g_autofree char *path = NULL;
  const char *argv[] = { "localedef", "-i", "de_DE", "-f", "UTF-8", NULL, NULL };
  int status = -1;

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") != NULL)
    return TRUE;
  *dir = g_dir_make_tmp ("st-locale-XXXXXX", NULL);
  path = g_build_filename (*dir, "de_DE.UTF-8", NULL);
  argv[5] = path;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    return FALSE;
  g_setenv ("LOCPATH", *dir, TRUE);
  return setlocale (LC_NUMERIC, "de_DE.UTF-8") != NULL;
}

/* Numbers are read without the locale: with a decimal comma, strtod would
 * read 85.5 as 85. */
static void
test_numbers (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  g_autofree char *dir = NULL;

  check_numbers ();
  if (!set_comma_locale (&dir))
    {
      g_test_skip ("no locale with a decimal comma (localedef failed): read in the C locale only");
      return;
    }
  g_assert_cmpstr (localeconv ()->decimal_point, ==, ",");
  check_numbers ();
  setlocale (LC_NUMERIC, saved);
  g_unsetenv ("LOCPATH");
  if (dir != NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

      g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
    }
}

/* Members of the wrong type are read as absent, unknown ones skipped,
 * entries that are not objects passed over: no crash, no critical. */
static void
test_wrong_types (void)
{
  const char *json =
    "{\"unknown\":{\"changes\":[{\"table\":\"x\"}],\"cursor\":\"no\"},"
    "\"changes\":[5,\"s\",null,[{\"table\":\"nested\"}],"
    "{\"table\":5,\"row\":[\"r\"],\"hlc\":\"12\",\"device\":{},\"deleted\":1,\"evict\":\"yes\",\"fields\":[1,2]},"
    "{\"table\":\"participants\",\"row\":\"r2\",\"hlc\":3.5,\"fields\":null},"
    "{\"table\":\"participants\",\"row\":\"r3\",\"hlc\":4,\"fields\":{\"a\":1},\"fields\":{\"b\":2}}],"
    "\"cursor\":\"c2\",\"more\":\"true\",\"scope\":[1]}";
  g_autoptr(StPage) page = read_ok (json);
  const StPageEntry *e;

  g_assert_cmpstr (page->cursor, ==, "c2");
  g_assert_false (page->more);
  g_assert_null (page->scope);
  g_assert_cmpuint (page->entries->len, ==, 3);
  e = entry_at (page, 0);
  g_assert_cmpstr (e->table, ==, "");
  g_assert_null (e->row);
  g_assert_cmpint (e->hlc, ==, 0);
  g_assert_cmpstr (e->device, ==, "");
  g_assert_false (e->deleted);
  g_assert_false (e->evict);
  g_assert_false (e->has_fields);
  e = entry_at (page, 1);
  g_assert_cmpstr (e->row, ==, "r2");
  g_assert_cmpint (e->hlc, ==, 0);
  g_assert_false (e->has_fields);
  e = entry_at (page, 2);
  g_assert_cmpint (e->hlc, ==, 4);
  g_assert_cmpint (field (page, 2, "a")->integer, ==, 1);
  g_assert_cmpint (field (page, 2, "b")->integer, ==, 2);
}

/* What is not a page is an error that says so, never a partial page. */
static void
test_not_a_page (void)
{
  const char *answers[] = {
    "",
    "<html><body>502 Bad Gateway</body></html>",
    "{\"changes\":[{\"table\":\"participants\",\"row\":\"r1\"",      /* cut short */
    "{\"changes\":[],\"cursor\":\"c\"} trailing",
    "[{\"changes\":[],\"cursor\":\"c\"}]",
    "\"changes\"",
    "{\"changes\":{},\"cursor\":\"c\"}",
    "{\"changes\":[]}",
    "{\"changes\":[],\"cursor\":5}",
    "{\"cursor\":\"c\"}",
    "{\"changes\":[],\"cursor\":\"\xff\xfe\"}",                    /* not UTF-8 */
    "{\"changes\":[],/* a comment */\"cursor\":\"c\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StPage) page = st_page_read (answers[i], strlen (answers[i]), &error);

      g_test_message ("answer %u: %s", i, error != NULL ? error->message : "(read)");
      g_assert_null (page);
      g_assert_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER);
    }
}

/* A value nested a hundred thousand levels deep costs memory, not the
 * stack. */
static void
test_deep (void)
{
  int depth = 100000;
  g_autoptr(GString) json = g_string_new ("{\"changes\":[{\"table\":\"t\",\"fields\":{\"deep\":");
  g_autoptr(StPage) page = NULL;

  for (int i = 0; i < depth; i++)
    g_string_append_c (json, '[');
  for (int i = 0; i < depth; i++)
    g_string_append_c (json, ']');
  g_string_append (json, "}}],\"cursor\":\"c\"}");
  page = read_ok (json->str);
  g_assert_cmpuint (strlen (field (page, 0, "deep")->text), ==, 2 * (gsize) depth);
}

static gint64
resident_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoll (line + 6, NULL, 10);
}

/* An answer that is not a page leaves nothing behind: each one leaked the
 * page's buffers (about 300 kB), so a proxy answering HTML to every retry
 * would have grown the laptop's memory without end (found by fuzzing). */
static void
test_no_leak_on_error (void)
{
  static const char *const answers[] = { "<html>proxy</html>", "{\"changes\":[]}", "{\"cursor\":\"c\"}" };
  gint64 before;

  /* Warm up: the allocator's own first blocks. */
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (st_page_read (answers[i % 3], strlen (answers[i % 3]), &error));
    }
  before = resident_kb ();
  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (st_page_read (answers[i % 3], strlen (answers[i % 3]), &error));
      g_assert_error (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER);
    }
  /* 2,000 leaks of 300 kB would be 600 MB. */
  g_assert_cmpint (resident_kb () - before, <, 64 * 1024);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync/page/read", test_page);
  g_test_add_func ("/sync/page/numbers", test_numbers);
  g_test_add_func ("/sync/page/wrong-types", test_wrong_types);
  g_test_add_func ("/sync/page/not-a-page", test_not_a_page);
  g_test_add_func ("/sync/page/deep", test_deep);
  g_test_add_func ("/sync/page/no-leak-on-error", test_no_leak_on_error);
  return g_test_run ();
}
