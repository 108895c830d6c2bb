/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-divisions"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "st-core-resources.h"
#include "st-csv.h"
#include "st-divisions.h"

#define DEFAULT_RESOURCE "/io/github/shuangti/Shuangti/core/divisions/522327.csv"
#define CODE_LENGTH 12

G_DEFINE_QUARK (st-divisions-error-quark, st_divisions_error)

struct _StDivisions
{
  gatomicrefcount  ref_count;
  GPtrArray       *all;          /* StDivision, owned, in file order */
  GHashTable      *by_code;      /* code → StDivision */
  /* name → GPtrArray of StDivision: official names, short names, and village
   * short names without their 村/社区/居 */
  GHashTable      *by_official;
  GHashTable      *by_short;
  GHashTable      *by_base;
};

static void
division_free (gpointer data)
{
  StDivision *division = data;

  g_free (division->code);
  g_free (division->name);
  g_free (division->short_name);
  g_free (division->parent_code);
  g_free (division);
}

/* Copies @text without the white space around it, including the full-width
 * space (U+3000) that Chinese input methods type. */
static char *
strip_dup (const char *text)
{
  const char *start = text;
  const char *end = text + strlen (text);

  while (*start != '\0' && g_unichar_isspace (g_utf8_get_char_validated (start, -1)))
    start = g_utf8_next_char (start);
  while (end > start)
    {
      const char *previous = g_utf8_find_prev_char (start, end);

      if (previous == NULL || !g_unichar_isspace (g_utf8_get_char_validated (previous, -1)))
        break;
      end = previous;
    }
  return g_strndup (start, end - start);
}

static gboolean
all_digits (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

/* Pads a county (6 digits) or township (9 digits) code to 12 digits. */
static gboolean
normalize_code (const char *text,
                char        code[CODE_LENGTH + 1])
{
  gsize length = strlen (text);

  if (!all_digits (text) || (length != 6 && length != 9 && length != CODE_LENGTH))
    return FALSE;
  memcpy (code, text, length);
  memset (code + length, '0', CODE_LENGTH - length);
  code[CODE_LENGTH] = '\0';
  return TRUE;
}

/* The length of @name without @suffix, or 0 if it does not end in @suffix
 * or is nothing but @suffix. */
static gsize
stem_length (const char *name,
             const char *suffix)
{
  gsize length = strlen (name);
  gsize suffix_length = strlen (suffix);

  if (length <= suffix_length || strcmp (name + length - suffix_length, suffix) != 0)
    return 0;
  return length - suffix_length;
}

/* 者楼村村民委员会 → 者楼村, 王家庄村民委员会 → 王家庄村, 东风社区居民委员会 →
 * 东风社区, 南街居委会 → 南街社区; NULL if @name is not a committee's name. */
static char *
village_short_name (const char *name)
{
  static const char *const villagers[] = { "村民委员会", "村委会" };
  static const char *const residents[] = { "居民委员会", "居委会" };
  gsize length;

  for (guint i = 0; i < G_N_ELEMENTS (villagers); i++)
    if ((length = stem_length (name, villagers[i])) > 0)
      {
        g_autofree char *stem = g_strndup (name, length);

        if (g_str_has_suffix (stem, "村"))
          return g_steal_pointer (&stem);
        return g_strconcat (stem, "村", NULL);
      }

  for (guint i = 0; i < G_N_ELEMENTS (residents); i++)
    if ((length = stem_length (name, residents[i])) > 0)
      {
        g_autofree char *stem = g_strndup (name, length);

        if (g_str_has_suffix (stem, "社区"))
          return g_steal_pointer (&stem);
        return g_strconcat (stem, "社区", NULL);
      }

  return NULL;
}

/* 者楼街道 → 者楼, 巧马镇 → 巧马, 百口乡 → 百口; NULL without such a suffix. */
static char *
township_short_name (const char *name)
{
  static const char *const suffixes[] = { "街道办事处", "办事处", "街道", "镇", "乡", "苏木" };
  gsize length;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if ((length = stem_length (name, suffixes[i])) > 0)
      return g_strndup (name, length);

  return NULL;
}

/* 者楼村 → 者楼, 东风社区 → 东风; NULL without such a suffix. */
static char *
village_base_name (const char *short_name)
{
  static const char *const suffixes[] = { "社区", "村", "居" };
  gsize length;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if ((length = stem_length (short_name, suffixes[i])) > 0)
      return g_strndup (short_name, length);

  return NULL;
}

char *
st_divisions_short_name (const char *official_name)
{
  g_autofree char *name = NULL;
  char *short_name;

  g_return_val_if_fail (official_name != NULL, NULL);

  name = strip_dup (official_name);
  short_name = village_short_name (name);
  if (short_name == NULL)
    short_name = township_short_name (name);
  if (short_name == NULL)
    short_name = g_steal_pointer (&name);
  return short_name;
}

static void
index_add (GHashTable *index,
           const char *key,
           StDivision *division)
{
  GPtrArray *list = g_hash_table_lookup (index, key);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (index, g_strdup (key), list);
    }
  g_ptr_array_add (list, division);
}

static StDivisions *
divisions_new (void)
{
  StDivisions *self = g_new0 (StDivisions, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->all = g_ptr_array_new_with_free_func (division_free);
  self->by_code = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_official = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_ptr_array_unref);
  self->by_short = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_ptr_array_unref);
  self->by_base = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  return self;
}

static void
divisions_build_indexes (StDivisions *self)
{
  for (guint i = 0; i < self->all->len; i++)
    {
      StDivision *division = g_ptr_array_index (self->all, i);

      index_add (self->by_official, division->name, division);
      index_add (self->by_short, division->short_name, division);
      if (division->level == ST_DIVISION_VILLAGE)
        {
          g_autofree char *base = village_base_name (division->short_name);

          if (base != NULL)
            index_add (self->by_base, base, division);
        }
    }
}

/* One message per level, so that translators get whole sentences. */
static void
set_bad_code_error (GError          **error,
                    const char       *name,
                    guint             line,
                    const char       *code,
                    StDivisionLevel   level)
{
  switch (level)
    {
    case ST_DIVISION_COUNTY:
      g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                   _("“%s”, row %u, field “code”: “%s” is not a county code: 6 digits, or 12 "
                     "ending in 000000."),
                   name, line, code);
      break;
    case ST_DIVISION_TOWNSHIP:
      g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                   _("“%s”, row %u, field “code”: “%s” is not a township code: 9 digits, or 12 "
                     "ending in 000."),
                   name, line, code);
      break;
    case ST_DIVISION_VILLAGE:
    default:
      g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                   _("“%s”, row %u, field “code”: “%s” is not a village code of 12 digits."),
                   name, line, code);
      break;
    }
}

static gboolean
level_from_string (const char      *text,
                   StDivisionLevel *level)
{
  if (g_ascii_strcasecmp (text, "county") == 0)
    *level = ST_DIVISION_COUNTY;
  else if (g_ascii_strcasecmp (text, "township") == 0)
    *level = ST_DIVISION_TOWNSHIP;
  else if (g_ascii_strcasecmp (text, "village") == 0)
    *level = ST_DIVISION_VILLAGE;
  else
    return FALSE;
  return TRUE;
}

/* Whether a 12-digit code has the shape of its level: NBS codes are
 * county (6 digits) + township (3, never 000) + village (3, never 000). */
static gboolean
code_fits_level (const char      *code,
                 StDivisionLevel  level)
{
  gboolean township_zero = strncmp (code + 6, "000", 3) == 0;
  gboolean village_zero = strncmp (code + 9, "000", 3) == 0;

  switch (level)
    {
    case ST_DIVISION_COUNTY:
      return township_zero && village_zero;
    case ST_DIVISION_TOWNSHIP:
      return !township_zero && village_zero;
    case ST_DIVISION_VILLAGE:
      return !township_zero && !village_zero;
    default:
      return FALSE;
    }
}

static gboolean
row_is_blank (const char *const *fields,
              guint              n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    {
      g_autofree char *field = strip_dup (fields[i]);

      if (*field != '\0')
        return FALSE;
    }
  return TRUE;
}

enum
{
  COLUMN_CODE,
  COLUMN_NAME,
  COLUMN_PARENT,
  COLUMN_LEVEL,
  N_COLUMNS
};

static const char *const column_names[N_COLUMNS] = { "code", "name", "parent_code", "level" };

static gboolean
read_header (StCsvReader  *reader,
             const char   *name,
             int           columns[N_COLUMNS],
             GError      **error)
{
  const char *const *fields;
  guint n_fields = 0;
  guint line = 0;

  fields = st_csv_reader_next (reader, &n_fields, &line, error);
  if (fields == NULL)
    return FALSE;

  for (guint c = 0; c < N_COLUMNS; c++)
    columns[c] = -1;

  for (guint i = 0; i < n_fields; i++)
    {
      g_autofree char *field = strip_dup (fields[i]);

      for (guint c = 0; c < N_COLUMNS; c++)
        if (columns[c] < 0 && g_ascii_strcasecmp (field, column_names[c]) == 0)
          columns[c] = i;
    }

  for (guint c = 0; c < N_COLUMNS; c++)
    if (columns[c] < 0)
      {
        g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                     _("“%s”, row %u: the header has no column “%s”. The first row must "
                       "be: code,name,parent_code,level"),
                     name, line, column_names[c]);
        return FALSE;
      }

  return TRUE;
}

static const char *
column (const char *const *fields,
        guint              n_fields,
        int                index)
{
  return (guint) index < n_fields ? fields[index] : "";
}

/* Checks that every township lies in a county and every village in a
 * township of the set. @rows holds the row number of each division. */
static gboolean
check_parents (StDivisions  *self,
               GArray       *rows,
               const char   *name,
               GError      **error)
{
  for (guint i = 0; i < self->all->len; i++)
    {
      StDivision *division = g_ptr_array_index (self->all, i);
      guint row = g_array_index (rows, guint, i);
      StDivisionLevel parent_level = division->level - 1;
      StDivision *parent;

      if (division->level == ST_DIVISION_COUNTY)
        continue;

      parent = g_hash_table_lookup (self->by_code, division->parent_code);
      if (parent == NULL)
        {
          g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                       _("“%s”, row %u, field “parent_code”: no division in the file has the "
                         "code %s."),
                       name, row, division->parent_code);
          return FALSE;
        }
      if (parent->level != parent_level)
        {
          if (division->level == ST_DIVISION_TOWNSHIP)
            g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                         _("“%s”, row %u, field “parent_code”: the parent of a township must "
                           "be a county, and %s is not one."),
                         name, row, parent->code);
          else
            g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                         _("“%s”, row %u, field “parent_code”: the parent of a village must "
                           "be a township, and %s is not one."),
                         name, row, parent->code);
          return FALSE;
        }
      /* The code of a division begins with the digits of its parent's. */
      if (strncmp (division->code, parent->code, parent_level == ST_DIVISION_COUNTY ? 6 : 9) != 0)
        {
          g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                       _("“%s”, row %u, field “parent_code”: the code %s does not lie within "
                         "%s."),
                       name, row, division->code, parent->code);
          return FALSE;
        }
    }

  return TRUE;
}

static StDivisions *
divisions_new_from_reader (StCsvReader  *reader,
                           const char   *name,
                           GError      **error)
{
  g_autoptr(StDivisions) self = divisions_new ();
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) local_error = NULL;
  const char *const *fields;
  int columns[N_COLUMNS];
  guint n_fields = 0;
  guint line = 0;

  if (!read_header (reader, name, columns, error))
    return NULL;

  while ((fields = st_csv_reader_next (reader, &n_fields, &line, &local_error)) != NULL)
    {
      g_autofree char *code_text = NULL;
      g_autofree char *level_text = NULL;
      g_autofree char *parent_text = NULL;
      g_autofree char *official = NULL;
      g_autofree char *short_name = NULL;
      char code[CODE_LENGTH + 1];
      char parent_code[CODE_LENGTH + 1];
      StDivisionLevel level;
      StDivision *division;
      gsize code_length;

      /* Spreadsheets leave rows of empty cells behind. */
      if (row_is_blank (fields, n_fields))
        continue;

      code_text = strip_dup (column (fields, n_fields, columns[COLUMN_CODE]));
      official = strip_dup (column (fields, n_fields, columns[COLUMN_NAME]));
      parent_text = strip_dup (column (fields, n_fields, columns[COLUMN_PARENT]));
      level_text = strip_dup (column (fields, n_fields, columns[COLUMN_LEVEL]));

      if (!level_from_string (level_text, &level))
        {
          g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                       _("“%s”, row %u, field “level”: “%s” is not county, township or "
                         "village."),
                       name, line, level_text);
          return NULL;
        }

      /* A county may be given by its 6 digits and a township by its 9. */
      code_length = strlen (code_text);
      if (!normalize_code (code_text, code)
          || (code_length == 6 && level != ST_DIVISION_COUNTY)
          || (code_length == 9 && level != ST_DIVISION_TOWNSHIP)
          || !code_fits_level (code, level))
        {
          set_bad_code_error (error, name, line, code_text, level);
          return NULL;
        }

      if (g_hash_table_contains (self->by_code, code))
        {
          g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                       _("“%s”, row %u, field “code”: %s appears on an earlier row too."),
                       name, line, code);
          return NULL;
        }

      if (*official == '\0')
        {
          g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                       _("“%s”, row %u, field “name”: the name is empty."), name, line);
          return NULL;
        }

      /* A county's parent (its prefecture) is outside the set and not kept. */
      if (level != ST_DIVISION_COUNTY && *parent_text == '\0')
        {
          g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                       _("“%s”, row %u, field “parent_code”: the code of the township or "
                         "county this row belongs to is missing."),
                       name, line);
          return NULL;
        }
      if (level != ST_DIVISION_COUNTY && !normalize_code (parent_text, parent_code))
        {
          g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_PARSE,
                       _("“%s”, row %u, field “parent_code”: “%s” is not a division code."),
                       name, line, parent_text);
          return NULL;
        }

      switch (level)
        {
        case ST_DIVISION_TOWNSHIP:
          short_name = township_short_name (official);
          break;
        case ST_DIVISION_VILLAGE:
          short_name = village_short_name (official);
          break;
        case ST_DIVISION_COUNTY:
        default:
          break;
        }

      division = g_new0 (StDivision, 1);
      division->code = g_strdup (code);
      division->short_name = short_name != NULL ? g_steal_pointer (&short_name)
                                                : g_strdup (official);
      division->name = g_steal_pointer (&official);
      division->parent_code = level != ST_DIVISION_COUNTY ? g_strdup (parent_code) : NULL;
      division->level = level;

      g_ptr_array_add (self->all, division);
      g_hash_table_insert (self->by_code, division->code, division);
      g_array_append_val (rows, line);
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (self->all->len == 0)
    {
      g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_EMPTY,
                   _("“%s” holds no divisions, only a header."), name);
      return NULL;
    }

  if (!check_parents (self, rows, name, error))
    return NULL;

  divisions_build_indexes (self);
  g_debug ("%s: %u divisions", name, self->all->len);

  return g_steal_pointer (&self);
}

/* An empty file is this module's ST_DIVISIONS_ERROR_EMPTY; other CSV errors
 * (encoding, quoting) pass through, as their messages already say it all. */
static void
propagate_reader_error (GError     **error,
                        GError      *reader_error,
                        const char  *name)
{
  if (g_error_matches (reader_error, ST_CSV_ERROR, ST_CSV_ERROR_EMPTY))
    {
      g_set_error (error, ST_DIVISIONS_ERROR, ST_DIVISIONS_ERROR_EMPTY,
                   _("“%s” is empty: it holds no divisions."), name);
      g_error_free (reader_error);
      return;
    }
  g_propagate_error (error, reader_error);
}

StDivisions *
st_divisions_new_from_csv (const char  *path,
                           GError     **error)
{
  g_autoptr(StCsvReader) reader = NULL;
  g_autofree char *name = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = g_filename_display_basename (path);
  reader = st_csv_reader_new_for_path (path, &local_error);
  if (reader == NULL)
    {
      propagate_reader_error (error, local_error, name);
      return NULL;
    }

  return divisions_new_from_reader (reader, name, error);
}

StDivisions *
st_divisions_new_from_bytes (GBytes      *csv,
                             const char  *name,
                             GError     **error)
{
  g_autoptr(StCsvReader) reader = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (csv != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reader = st_csv_reader_new_for_bytes (csv, name, &local_error);
  if (reader == NULL)
    {
      propagate_reader_error (error, local_error, name);
      return NULL;
    }

  return divisions_new_from_reader (reader, name, error);
}

StDivisions *
st_divisions_new_default (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  StDivisions *self;

  /* Asking the resource itself, rather than g_resources_lookup_data(), keeps
   * its object file (and the constructor registering it) in a static link. */
  bytes = g_resource_lookup_data (st_core_get_resource (), DEFAULT_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("The built-in divisions are missing: %s", error->message);

  self = st_divisions_new_from_bytes (bytes, "522327.csv", &error);
  if (self == NULL)
    g_error ("The built-in divisions are broken: %s", error->message);

  return self;
}

StDivisions *
st_divisions_ref (StDivisions *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
st_divisions_unref (StDivisions *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_hash_table_unref (self->by_base);
  g_hash_table_unref (self->by_short);
  g_hash_table_unref (self->by_official);
  g_hash_table_unref (self->by_code);
  g_ptr_array_unref (self->all);
  g_free (self);
}

const GPtrArray *
st_divisions_get_all (StDivisions *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->all;
}

const StDivision *
st_divisions_lookup (StDivisions *self,
                     const char  *code)
{
  g_autofree char *stripped = NULL;
  char normalized[CODE_LENGTH + 1];

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);

  stripped = strip_dup (code);
  if (!normalize_code (stripped, normalized))
    return NULL;
  return g_hash_table_lookup (self->by_code, normalized);
}

/* The one division of @level (and under @parent_code, if given) that @index
 * holds under @key. NULL with *ambiguous set if there are several. */
static const StDivision *
pick (GHashTable      *index,
      const char      *key,
      StDivisionLevel  level,
      const char      *parent_code,
      gboolean        *ambiguous)
{
  GPtrArray *list = g_hash_table_lookup (index, key);
  const StDivision *found = NULL;

  if (list == NULL)
    return NULL;

  for (guint i = 0; i < list->len; i++)
    {
      const StDivision *division = g_ptr_array_index (list, i);

      if (division->level != level)
        continue;
      if (parent_code != NULL && g_strcmp0 (division->parent_code, parent_code) != 0)
        continue;
      if (found != NULL && found != division)
        {
          *ambiguous = TRUE;
          return NULL;
        }
      found = division;
    }

  return found;
}

const StDivision *
st_divisions_find_township (StDivisions *self,
                            const char  *name_or_code)
{
  g_autofree char *text = NULL;
  g_autofree char *short_name = NULL;
  const StDivision *found;
  gboolean ambiguous = FALSE;
  char code[CODE_LENGTH + 1];

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name_or_code != NULL, NULL);

  text = strip_dup (name_or_code);
  if (*text == '\0')
    return NULL;

  if (all_digits (text))
    {
      found = normalize_code (text, code) ? g_hash_table_lookup (self->by_code, code) : NULL;
      return found != NULL && found->level == ST_DIVISION_TOWNSHIP ? found : NULL;
    }

  found = pick (self->by_official, text, ST_DIVISION_TOWNSHIP, NULL, &ambiguous);
  if (found != NULL || ambiguous)
    return found;

  /* 者楼 as well as 者楼街道 or 者楼街道办事处 */
  short_name = township_short_name (text);
  return pick (self->by_short, short_name != NULL ? short_name : text,
               ST_DIVISION_TOWNSHIP, NULL, &ambiguous);
}

const StDivision *
st_divisions_find_village (StDivisions *self,
                           const char  *township_code,
                           const char  *name_or_code)
{
  g_autofree char *text = NULL;
  g_autofree char *short_name = NULL;
  const StDivision *found;
  const char *parent = NULL;
  gboolean ambiguous = FALSE;
  char parent_code[CODE_LENGTH + 1];
  char code[CODE_LENGTH + 1];

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name_or_code != NULL, NULL);

  if (township_code != NULL)
    {
      g_autofree char *stripped = strip_dup (township_code);

      if (!normalize_code (stripped, parent_code))
        return NULL;
      parent = parent_code;
    }

  text = strip_dup (name_or_code);
  if (*text == '\0')
    return NULL;

  if (all_digits (text))
    {
      found = normalize_code (text, code) ? g_hash_table_lookup (self->by_code, code) : NULL;
      if (found == NULL || found->level != ST_DIVISION_VILLAGE)
        return NULL;
      return parent == NULL || strcmp (found->parent_code, parent) == 0 ? found : NULL;
    }

  /* From the strictest reading of the name to the loosest; a name that is
   * ambiguous at one step is not guessed at by the next. */
  found = pick (self->by_official, text, ST_DIVISION_VILLAGE, parent, &ambiguous);
  if (found != NULL || ambiguous)
    return found;

  short_name = village_short_name (text);
  found = pick (self->by_short, short_name != NULL ? short_name : text,
                ST_DIVISION_VILLAGE, parent, &ambiguous);
  if (found != NULL || ambiguous)
    return found;

  return pick (self->by_base, text, ST_DIVISION_VILLAGE, parent, &ambiguous);
}

static int
compare_by_code (gconstpointer a,
                 gconstpointer b)
{
  const StDivision *division_a = *(const StDivision *const *) a;
  const StDivision *division_b = *(const StDivision *const *) b;

  return strcmp (division_a->code, division_b->code);
}

GPtrArray *
st_divisions_villages_of (StDivisions *self,
                          const char  *township_code)
{
  g_autofree char *stripped = NULL;
  GPtrArray *villages;
  char code[CODE_LENGTH + 1];

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (township_code != NULL, NULL);

  villages = g_ptr_array_new ();
  stripped = strip_dup (township_code);
  if (!normalize_code (stripped, code))
    return villages;

  for (guint i = 0; i < self->all->len; i++)
    {
      StDivision *division = g_ptr_array_index (self->all, i);

      if (division->level == ST_DIVISION_VILLAGE && strcmp (division->parent_code, code) == 0)
        g_ptr_array_add (villages, division);
    }
  g_ptr_array_sort (villages, compare_by_code);
  return villages;
}

GPtrArray *
st_divisions_townships (StDivisions *self)
{
  GPtrArray *townships;

  g_return_val_if_fail (self != NULL, NULL);

  townships = g_ptr_array_new ();
  for (guint i = 0; i < self->all->len; i++)
    {
      StDivision *division = g_ptr_array_index (self->all, i);

      if (division->level == ST_DIVISION_TOWNSHIP)
        g_ptr_array_add (townships, division);
    }
  g_ptr_array_sort (townships, compare_by_code);
  return townships;
}
