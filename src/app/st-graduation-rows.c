/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <string.h>

#include "st-graduation-item.h"
#include "st-graduation-rows.h"

/* One thing missing: 8 bytes instead of StMissing's 24. */
typedef struct
{
  gint32  amount;
  guint16 assessment;
  guint8  kind;
} Missing;

/* The six strings of a row, one after the other in its strings; the first
 * N_KEYS of them (the keys) in the row's keys instead when they are
 * UUIDs as the app makes them (36 characters in 16 bytes). */
enum { S_ENROLMENT, S_PARTICIPANT, S_NAME, S_ID_NUMBER, S_ENROLLED_ON, S_END_DATE, N_STRINGS };
#define N_KEYS 2

/* @text in 16 bytes if it is a UUID in lowercase (and so written back the
 * same by key_unpack ()); FALSE otherwise. */
static gboolean
key_pack (const char *text,
          guint8      out[16])
{
  guint n = 0;

  if (text == NULL || strlen (text) != 36)
    return FALSE;
  for (guint i = 0; i < 36; i++)
    {
      char c = text[i];
      int v;

      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (c != '-')
            return FALSE;
          continue;
        }
      if (c >= '0' && c <= '9')
        v = c - '0';
      else if (c >= 'a' && c <= 'f')
        v = c - 'a' + 10;
      else
        return FALSE;
      if (n % 2 == 0)
        out[n / 2] = v << 4;
      else
        out[n / 2] |= v;
      n++;
    }
  return TRUE;
}

static void
key_unpack (const guint8 in[16],
            char         out[37])
{
  static const char hex[] = "0123456789abcdef";
  char *next = out;

  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        *next++ = '-';
      *next++ = hex[in[i] >> 4];
      *next++ = hex[in[i] & 0xf];
    }
  *next = '\0';
}

enum
{
  ROW_EVALUATED = 1 << 0,
  ROW_NULL      = 1 << 1,   /* << S_…: that string is NULL */
  ROW_MORE      = 1 << 8,   /* strings and missing in more, more_missing */
  ROW_CERTIFIED = 1 << 9,   /* its number in certificates */
};

/* No pointers: 88 bytes a row instead of 120 (75,154 rows on the county). */
typedef struct
{
  guint32 strings;       /* offset in strings, or (ROW_MORE) index in more */
  guint32 missing;       /* offset in missing, or (ROW_MORE) index in more_missing */
  gint32  concentrated;
  gint32  self_study;
  gint32  online;
  gint32  attended;
  gint32  required_concentrated;
  guint32 credits;
  guint32 assignments_done;
  guint32 assignments_total;
  guint16 class_id;      /* in names */
  guint16 township_code; /* in names */
  guint16 program_code;  /* in names */
  guint16 flags;
  guint8  study_years;
  guint8  extension_years;
  guint8  schedule;
  guint8  outcome;
  guint8  n_missing;
  guint8  packed_keys;   /* 1 << S_…: that key is in keys */
  guint8  keys[N_KEYS][16];
} Row;

G_STATIC_ASSERT (sizeof (Row) == 88);

struct _StGraduationRows
{
  gatomicrefcount  ref;
  Row             *rows;
  guint            n_rows;
  char            *strings;       /* the rows' strings, one block */
  Missing         *missing;       /* what they miss, one block */
  GPtrArray       *names;         /* interned class, township and program codes */
  GHashTable      *name_index;    /* interned name → its index in names + 1 */
  GStringChunk    *more_strings;  /* certificates and rows evaluated again */
  GPtrArray       *more;          /* the strings of rows evaluated again */
  GPtrArray       *more_missing;  /* Missing[] of rows evaluated again */
  GHashTable      *certificates;  /* index → number, in more_strings */
  GHashTable      *items;         /* index → StGraduationItem (weak) */
};

static guint16
name_id (StGraduationRows *self,
         const char       *name)
{
  const char *interned = g_intern_string (name);
  guint id = GPOINTER_TO_UINT (g_hash_table_lookup (self->name_index, interned));

  if (id == 0)
    {
      g_ptr_array_add (self->names, (gpointer) interned);
      id = self->names->len;
      g_hash_table_insert (self->name_index, (gpointer) interned, GUINT_TO_POINTER (id));
    }
  /* A county has a few thousand classes at the most. */
  g_assert (id <= G_MAXUINT16 + 1);
  return (guint16) (id - 1);
}

static const char *
name_of (StGraduationRows *self,
         guint16           id)
{
  return g_ptr_array_index (self->names, id);
}

static const char *
row_strings (StGraduationRows *self,
             const Row        *row)
{
  return (row->flags & ROW_MORE) ? g_ptr_array_index (self->more, row->strings) : self->strings + row->strings;
}

static const Missing *
row_missing (StGraduationRows *self,
             const Row        *row)
{
  if (row->n_missing == 0)
    return NULL;
  return (row->flags & ROW_MORE) ? g_ptr_array_index (self->more_missing, row->missing) : self->missing + row->missing;
}

static const char *
field (StEligibility *e,
       guint          s)
{
  const char *const fields[N_STRINGS] = { e->enrolment_id, e->participant_id, e->name,
                                          e->id_number, e->enrolled_on, e->end_date };

  return fields[s];
}

static gsize
strings_size (StEligibility *e)
{
  gsize size = 0;

  for (guint s = 0; s < N_STRINGS; s++)
    {
      guint8 key[16];

      if (s < N_KEYS && key_pack (field (e, s), key))
        continue;
      size += (field (e, s) != NULL ? strlen (field (e, s)) : 0) + 1;
    }
  return size;
}

static gint32
clamp32 (gint64 v)
{
  return (gint32) CLAMP (v, G_MININT32, G_MAXINT32);
}

/* Fills @row from @e, its strings written at @strings (strings_size ()),
 * its missing at @missing (e->missing->len of them); where they are is the
 * caller's to say (row->strings, row->missing, ROW_MORE). */
static void
fill_row (StGraduationRows *self,
          Row              *row,
          StEligibility    *e,
          char             *strings,
          Missing          *missing)
{
  guint n_missing = e->missing != NULL ? MIN (e->missing->len, G_MAXUINT8) : 0;
  char *next = strings;

  row->flags &= ROW_CERTIFIED;
  row->packed_keys = 0;
  for (guint s = 0; s < N_STRINGS; s++)
    {
      const char *text = field (e, s);
      gsize len = text != NULL ? strlen (text) : 0;

      if (s < N_KEYS && key_pack (text, row->keys[s]))
        {
          row->packed_keys |= 1 << s;
          continue;
        }
      if (text == NULL)
        row->flags |= ROW_NULL << s;
      else
        memcpy (next, text, len);
      next[len] = '\0';
      next += len + 1;
    }
  row->class_id = name_id (self, e->class_id);
  row->township_code = name_id (self, e->township_code);
  row->program_code = name_id (self, e->program_code);
  row->concentrated = clamp32 (e->concentrated);
  row->self_study = clamp32 (e->self_study);
  row->online = clamp32 (e->online);
  row->attended = clamp32 (e->attended);
  row->required_concentrated = clamp32 (e->required_concentrated);
  row->credits = e->credits;
  row->assignments_done = e->assignments_done;
  row->assignments_total = e->assignments_total;
  row->study_years = MIN (e->study_years, G_MAXUINT8);
  row->extension_years = MIN (e->extension_years, G_MAXUINT8);
  row->schedule = e->schedule;
  row->outcome = e->outcome;
  row->n_missing = n_missing;
  for (guint m = 0; m < n_missing; m++)
    {
      const StMissing *from = &g_array_index (e->missing, StMissing, m);

      missing[m].amount = clamp32 (from->amount);
      missing[m].assessment = from->assessment;
      missing[m].kind = from->kind;
    }
}

StGraduationRows *
st_graduation_rows_new_from_list (GPtrArray  *list,
                                  GHashTable *certificates,
                                  gboolean    evaluated)
{
  StGraduationRows *self = g_new0 (StGraduationRows, 1);
  gsize n_strings = 0, n_missing = 0;
  char *strings;
  Missing *missing;

  g_atomic_ref_count_init (&self->ref);
  self->names = g_ptr_array_new ();
  self->name_index = g_hash_table_new (NULL, NULL);
  /* Sized first, then made in one block each: nothing of the evaluation's
   * temporaries is left between them once it is freed. */
  for (guint i = 0; i < list->len; i++)
    {
      StEligibility *e = g_ptr_array_index (list, i);

      n_strings += strings_size (e);
      n_missing += e->missing != NULL ? MIN (e->missing->len, G_MAXUINT8) : 0;
    }
  g_assert (n_strings < G_MAXUINT32 && n_missing < G_MAXUINT32);
  self->n_rows = list->len;
  self->rows = g_new0 (Row, MAX (list->len, 1));
  self->strings = strings = g_malloc (MAX (n_strings, 1));
  self->missing = missing = g_new (Missing, MAX (n_missing, 1));
  for (guint i = 0; i < list->len; i++)
    {
      StEligibility *e = g_ptr_array_index (list, i);
      Row *row = &self->rows[i];

      fill_row (self, row, e, strings, missing);
      row->strings = strings - self->strings;
      row->missing = missing - self->missing;
      strings += strings_size (e);
      missing += row->n_missing;
      if (evaluated)
        row->flags |= ROW_EVALUATED;
      if (certificates != NULL)
        st_graduation_rows_set_certificate (self, i, g_hash_table_lookup (certificates, e->enrolment_id));
    }
  g_ptr_array_unref (list);
  return self;
}

StGraduationRows *
st_graduation_rows_ref (StGraduationRows *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
st_graduation_rows_unref (StGraduationRows *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  /* Every item holds a reference: none is left. */
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->more_strings, g_string_chunk_free);
  g_clear_pointer (&self->more, g_ptr_array_unref);
  g_clear_pointer (&self->more_missing, g_ptr_array_unref);
  g_clear_pointer (&self->certificates, g_hash_table_unref);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_clear_pointer (&self->name_index, g_hash_table_unref);
  g_free (self->rows);
  g_free (self->strings);
  g_free (self->missing);
  g_free (self);
}

guint
st_graduation_rows_get_n (StGraduationRows *self)
{
  return self->n_rows;
}

const char *
st_graduation_rows_get_township (StGraduationRows *self,
                                 guint             index)
{
  return name_of (self, self->rows[index].township_code);
}

const char *
st_graduation_rows_get_class (StGraduationRows *self,
                              guint             index)
{
  return name_of (self, self->rows[index].class_id);
}

StOutcome
st_graduation_rows_get_outcome (StGraduationRows *self,
                                guint             index)
{
  return self->rows[index].outcome;
}

gboolean
st_graduation_rows_get_evaluated (StGraduationRows *self,
                                  guint             index)
{
  return (self->rows[index].flags & ROW_EVALUATED) != 0;
}

const char *
st_graduation_rows_get_certificate (StGraduationRows *self,
                                    guint             index)
{
  if (!(self->rows[index].flags & ROW_CERTIFIED))
    return NULL;
  return g_hash_table_lookup (self->certificates, GUINT_TO_POINTER (index));
}

gboolean
st_graduation_rows_can_approve (StGraduationRows *self,
                                guint             index)
{
  const Row *row = &self->rows[index];

  if (!(row->flags & ROW_EVALUATED) || (row->flags & ROW_CERTIFIED))
    return FALSE;
  return row->outcome == ST_OUTCOME_ELIGIBLE || row->outcome == ST_OUTCOME_COMPLETION
    || row->outcome == ST_OUTCOME_STUDY_RECORD;
}

void
st_graduation_rows_peek (StGraduationRows *self,
                         guint             index,
                         StEligibility    *out,
                         StGraduationPeek *peek)
{
  const Row *row = &self->rows[index];
  char **fields[N_STRINGS] = { &out->enrolment_id, &out->participant_id, &out->name,
                               &out->id_number, &out->enrolled_on, &out->end_date };
  const char *next = row_strings (self, row);
  const Missing *row_missed = row_missing (self, row);
  GArray *missing = peek->missing;

  for (guint s = 0; s < N_STRINGS; s++)
    {
      if (s < N_KEYS && (row->packed_keys & (1 << s)))
        {
          key_unpack (row->keys[s], peek->keys[s]);
          *fields[s] = peek->keys[s];
          continue;
        }
      *fields[s] = (row->flags & (ROW_NULL << s)) ? NULL : (char *) next;
      next += strlen (next) + 1;
    }
  out->class_id = (char *) name_of (self, row->class_id);
  out->township_code = (char *) name_of (self, row->township_code);
  out->program_code = (char *) name_of (self, row->program_code);
  out->study_years = row->study_years;
  out->extension_years = row->extension_years;
  out->schedule = row->schedule;
  out->outcome = row->outcome;
  out->concentrated = row->concentrated;
  out->self_study = row->self_study;
  out->online = row->online;
  out->attended = row->attended;
  out->required_concentrated = row->required_concentrated;
  out->credits = row->credits;
  out->assignments_done = row->assignments_done;
  out->assignments_total = row->assignments_total;
  g_array_set_size (missing, 0);
  for (guint m = 0; m < row->n_missing; m++)
    {
      StMissing one = { row_missed[m].kind, row_missed[m].amount, row_missed[m].assessment };

      g_array_append_val (missing, one);
    }
  out->missing = missing;
}

StEligibility *
st_graduation_rows_dup (StGraduationRows *self,
                        guint             index)
{
  StEligibility *e = g_new0 (StEligibility, 1);
  StGraduationPeek peek = { g_array_new (FALSE, FALSE, sizeof (StMissing)), };

  st_graduation_rows_peek (self, index, e, &peek);
  e->enrolment_id = g_strdup (e->enrolment_id);
  e->participant_id = g_strdup (e->participant_id);
  e->name = g_strdup (e->name);
  e->id_number = g_strdup (e->id_number);
  e->enrolled_on = g_strdup (e->enrolled_on);
  e->end_date = g_strdup (e->end_date);
  e->class_id = g_strdup (e->class_id);
  e->township_code = g_strdup (e->township_code);
  e->program_code = g_strdup (e->program_code);
  return e;
}

static GStringChunk *
more_strings (StGraduationRows *self)
{
  if (self->more_strings == NULL)
    self->more_strings = g_string_chunk_new (4096);
  return self->more_strings;
}

void
st_graduation_rows_replace (StGraduationRows *self,
                            guint             index,
                            StEligibility    *e)
{
  Row *row = &self->rows[index];
  gsize size = strings_size (e);
  guint n_missing = e->missing != NULL ? MIN (e->missing->len, G_MAXUINT8) : 0;
  /* The chunk copies bytes and adds a nul: written here first. */
  g_autofree char *strings = g_malloc (size);
  Missing *missing = g_new (Missing, MAX (n_missing, 1));
  guint16 evaluated = row->flags & ROW_EVALUATED;

  if (self->more == NULL)
    {
      self->more = g_ptr_array_new ();
      self->more_missing = g_ptr_array_new_with_free_func (g_free);
    }
  fill_row (self, row, e, strings, missing);
  row->flags |= evaluated | ROW_MORE;
  row->strings = self->more->len;
  row->missing = self->more_missing->len;
  g_ptr_array_add (self->more, g_string_chunk_insert_len (more_strings (self), strings, size));
  g_ptr_array_add (self->more_missing, missing);
  st_eligibility_free (e);
}

void
st_graduation_rows_set_certificate (StGraduationRows *self,
                                    guint             index,
                                    const char       *number)
{
  if (number == NULL)
    {
      self->rows[index].flags &= ~ROW_CERTIFIED;
      if (self->certificates != NULL)
        g_hash_table_remove (self->certificates, GUINT_TO_POINTER (index));
      return;
    }
  if (self->certificates == NULL)
    self->certificates = g_hash_table_new (NULL, NULL);
  g_hash_table_insert (self->certificates, GUINT_TO_POINTER (index), g_string_chunk_insert (more_strings (self), number));
  self->rows[index].flags |= ROW_CERTIFIED;
}

StGraduationItem *
st_graduation_rows_get_item (StGraduationRows *self,
                             guint             index)
{
  StGraduationItem *item;

  g_return_val_if_fail (index < self->n_rows, NULL);
  if (self->items == NULL)
    self->items = g_hash_table_new (NULL, NULL);
  item = g_hash_table_lookup (self->items, GUINT_TO_POINTER (index));
  if (item != NULL)
    return g_object_ref (item);
  item = st_graduation_item_new (self, index);
  g_hash_table_insert (self->items, GUINT_TO_POINTER (index), item);
  return item;
}

void
st_graduation_rows_forget_item (StGraduationRows *self,
                                guint             index,
                                StGraduationItem *item)
{
  if (self->items != NULL && g_hash_table_lookup (self->items, GUINT_TO_POINTER (index)) == item)
    g_hash_table_remove (self->items, GUINT_TO_POINTER (index));
}
