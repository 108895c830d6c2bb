/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-query"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-participant-query.h"
#include "st-participant-search.h"

/* The latest live enrolment of participant p: its state and its class. */
#define LATEST_ENROLMENT(column) \
  "(SELECT e." column " FROM enrolments e WHERE e.participant_id = p.id AND e.deleted = 0" \
  " ORDER BY e.enrolled_on DESC, e.rowid DESC LIMIT 1)"
/* Outreach: whether p was visited and ever reached (NULL: never visited),
 * and the latest answer about enrolling. */
#define EVER_REACHED \
  "(SELECT max (v.reached) FROM visits v WHERE v.participant_id = p.id AND v.deleted = 0)"
#define LATEST_WILLING \
  "(SELECT v.willing FROM visits v WHERE v.participant_id = p.id AND v.deleted = 0 AND v.willing IS NOT NULL" \
  " ORDER BY v.date DESC, v.hlc DESC LIMIT 1)"
#define LATEST_VISIT(column) \
  "(SELECT v." column " FROM visits v WHERE v.participant_id = p.id AND v.deleted = 0" \
  " ORDER BY v.date DESC, v.hlc DESC LIMIT 1)"
#define LATEST_CLASS_NAME "(SELECT c.name FROM classes c WHERE c.id = " LATEST_ENROLMENT ("class_id") ")"

typedef enum
{
  TERM_NAME,        /* a substring of the name, or initials from the start */
  TERM_ID_SHORT,    /* one or two characters of an ID number: its start */
  TERM_ID,          /* three or more: anywhere in it */
} TermKind;

typedef struct
{
  TermKind  kind;
  char     *text;
  char     *upper;    /* the end of the prefix range */
} Term;

static void
term_clear (Term *t)
{
  g_free (t->text);
  g_free (t->upper);
}

/* Terms of digits (and X, as the last character of an ID number) are
 * fragments of an ID number; anything else is a name or initials. */
static gboolean
is_id_fragment (const char *folded)
{
  gboolean digit = FALSE;

  for (const char *p = folded; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digit = TRUE;
      else if (*p != 'x' || p[1] != '\0')
        return FALSE;
    }
  return digit;
}

/* Every string with @prefix as its prefix is >= @prefix and < the result. */
static char *
prefix_upper (const char *prefix)
{
  return g_strconcat (prefix, "\xf4\x8f\xbf\xbf", NULL);   /* U+10FFFF */
}

static GArray *
parse_terms (const char *search)
{
  GArray *terms = g_array_new (FALSE, TRUE, sizeof (Term));
  g_auto(GStrv) words = NULL;

  g_array_set_clear_func (terms, (GDestroyNotify) term_clear);
  if (search == NULL)
    return terms;

  /* U+3000, the ideographic space, separates words too. */
  {
    g_autofree char *nfkc = g_utf8_normalize (search, -1, G_NORMALIZE_NFKC);

    words = g_regex_split_simple ("\\s+", nfkc ? nfkc : "", 0, 0);
  }
  for (guint i = 0; words[i]; i++)
    {
      Term t = { 0, };

      t.text = st_participant_search_fold (words[i]);
      if (*t.text == '\0')
        {
          g_free (t.text);
          continue;
        }
      if (is_id_fragment (t.text))
        {
          char *up = g_ascii_strup (t.text, -1);

          g_free (t.text);
          t.text = up;
          t.kind = strlen (t.text) >= 3 ? TERM_ID : TERM_ID_SHORT;
          t.upper = prefix_upper (t.text);
        }
      else
        {
          t.kind = TERM_NAME;
          t.upper = prefix_upper (t.text);
        }
      g_array_append_val (terms, t);
    }
  return terms;
}

/* The terms of the ORDER BY of each sort, each ascending; a term that ends
 * in DESC is descending in the ascending sort (the oldest first is the
 * earliest birth date first). */
static const char *const *
sort_terms (StParticipantSort sort)
{
  static const char *const name[] = { "coalesce (s.sort_key, p.name)", NULL };
  static const char *const sex[] = { "p.sex", NULL };
  static const char *const age[] = { "p.birth_date DESC", NULL };
  static const char *const township[] = { "p.township_code", NULL };
  static const char *const village[] = { "p.village_code IS NULL", "p.village_code", "p.village_name", NULL };
  static const char *const klass[] = { LATEST_CLASS_NAME " IS NULL", LATEST_CLASS_NAME, NULL };
  static const char *const state[] = {
    "CASE " LATEST_ENROLMENT ("state") " WHEN 'studying' THEN 0 WHEN 'graduated' THEN 1"
    " WHEN 'completed' THEN 2 WHEN 'withdrawn' THEN 3 ELSE 4 END",
    NULL
  };
  static const char *const id_number[] = { "p.id_number", NULL };
  static const char *const last_visit[] = { LATEST_VISIT ("date") " IS NOT NULL", LATEST_VISIT ("date"), NULL };
  static const char *const roster[] = {
    "p.township_code", "p.village_code IS NULL", "p.village_code", "p.village_name", NULL
  };

  switch (sort)
    {
    case ST_PARTICIPANT_SORT_NAME: return name;
    case ST_PARTICIPANT_SORT_SEX: return sex;
    case ST_PARTICIPANT_SORT_AGE: return age;
    case ST_PARTICIPANT_SORT_TOWNSHIP: return township;
    case ST_PARTICIPANT_SORT_VILLAGE: return village;
    case ST_PARTICIPANT_SORT_CLASS: return klass;
    case ST_PARTICIPANT_SORT_STATE: return state;
    case ST_PARTICIPANT_SORT_ID_NUMBER: return id_number;
    case ST_PARTICIPANT_SORT_LAST_VISIT: return last_visit;
    case ST_PARTICIPANT_SORT_DEFAULT:
    default:
      return roster;
    }
}

static void
append_order (GString           *sql,
              StParticipantSort  sort,
              gboolean           descending)
{
  const char *const *terms = sort_terms (sort);

  for (guint i = 0; terms[i]; i++)
    {
      gboolean desc = g_str_has_suffix (terms[i], " DESC");
      gsize len = strlen (terms[i]) - (desc ? strlen (" DESC") : 0);

      g_string_append_len (sql, terms[i], len);
      g_string_append (sql, desc != descending ? " DESC, " : ", ");
    }
}

/* The ordered list for the filters and the sort, the search aside. */
GArray *
st_participant_query_list (StDb                      *db,
                           const StParticipantQuery  *query,
                           GError                   **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int param = 1;

  g_return_val_if_fail (ST_IS_DB (db), NULL);

  /* The statement is made of fixed fragments only; every value is bound,
   * and each shape of query is prepared once (st_db_prepare caches). */
  g_string_append (sql,
                   "SELECT p.rowid FROM participants p"
                   " LEFT JOIN participant_search s ON s.pid = p.rowid"
                   " WHERE p.deleted = 0 AND p.merged_into IS NULL");
  if (query->township_code != NULL)
    g_string_append (sql, " AND p.township_code = ?");
  if (query->village_code != NULL)
    g_string_append (sql, " AND p.village_code = ?");
  if (query->state != NULL)
    g_string_append (sql, " AND coalesce (" LATEST_ENROLMENT ("state") ", 'none') = ?");
  if (g_strcmp0 (query->outreach, "not_visited") == 0)
    g_string_append (sql, " AND " EVER_REACHED " IS NULL");
  else if (g_strcmp0 (query->outreach, "not_reached") == 0)
    g_string_append (sql, " AND " EVER_REACHED " = 0");
  else if (g_strcmp0 (query->outreach, "unreached") == 0)
    g_string_append (sql, " AND coalesce (" EVER_REACHED ", 0) = 0");
  else if (g_strcmp0 (query->outreach, "willing") == 0)
    g_string_append (sql, " AND " LATEST_WILLING " = 'yes' AND " LATEST_ENROLMENT ("state") " IS NULL");

  /* Ties fall back on the roster's order, then on the name. The unary +
   * keeps SQLite from walking an index in order and fetching every row
   * from it (five times slower than sorting them). */
  g_string_append (sql, " ORDER BY +");
  append_order (sql, query->sort, query->descending);
  if (query->sort != ST_PARTICIPANT_SORT_DEFAULT)
    append_order (sql, ST_PARTICIPANT_SORT_DEFAULT, FALSE);
  g_string_append (sql, "coalesce (s.sort_key, p.name), p.rowid");
  if (query->limit > 0)
    g_string_append (sql, " LIMIT ?");

  stmt = st_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return NULL;
  if (query->township_code != NULL)
    sqlite3_bind_text (stmt, param++, query->township_code, -1, SQLITE_STATIC);
  if (query->village_code != NULL)
    sqlite3_bind_text (stmt, param++, query->village_code, -1, SQLITE_STATIC);
  if (query->state != NULL)
    sqlite3_bind_text (stmt, param++, query->state, -1, SQLITE_STATIC);
  if (query->limit > 0)
    sqlite3_bind_int64 (stmt, param++, query->limit);
  return st_db_read_rowids (db, stmt, _("reading participants"), error);
}

/* A set of rowids as a bitmap: rowids are small and dense (participants
 * are never removed), so 100,000 people take 12 kB, and filtering the list
 * by it costs a bit test per row. */
struct _StParticipantMatches
{
  guint64              *bits;
  gsize                 n_words;
  /* Of those, the rows whose name (or its initials) is what was typed,
   * whole: listed first ("zs" puts 张三 before 曾思思). NULL: none. */
  StParticipantMatches *exact;
};

static void
matches_add (StParticipantMatches *m,
             gint64                rowid)
{
  gsize word = (guint64) rowid / 64;

  if (rowid < 0)
    return;
  if (word >= m->n_words)
    {
      gsize n = MAX (word + 1, m->n_words * 2);

      m->bits = g_renew (guint64, m->bits, n);
      memset (m->bits + m->n_words, 0, (n - m->n_words) * sizeof (guint64));
      m->n_words = n;
    }
  m->bits[word] |= G_GUINT64_CONSTANT (1) << (rowid % 64);
}

static gboolean
matches_has (const StParticipantMatches *m,
             gint64                      rowid)
{
  gsize word = (guint64) rowid / 64;

  return rowid >= 0 && word < m->n_words && (m->bits[word] & (G_GUINT64_CONSTANT (1) << (rowid % 64)));
}

void
st_participant_matches_free (StParticipantMatches *matches)
{
  if (matches == NULL)
    return;
  st_participant_matches_free (matches->exact);
  g_free (matches->bits);
  g_free (matches);
}

static StParticipantMatches *
match_term (StDb        *db,
            const Term  *t,
            GError     **error)
{
  g_autoptr(StParticipantMatches) m = g_new0 (StParticipantMatches, 1);
  sqlite3_stmt *stmt = NULL;
  int rc;

  switch (t->kind)
    {
    case TERM_NAME:
      stmt = st_db_prepare (db, "SELECT pid, key = ?1 FROM participant_search_keys WHERE key >= ?1 AND key < ?2", error);
      break;
    case TERM_ID_SHORT:
      /* The index on the ID number holds the rowid: no row is read. */
      stmt = st_db_prepare (db, "SELECT rowid FROM participants WHERE id_number >= ? AND id_number < ?", error);
      break;
    case TERM_ID:
      /* Every suffix of every number is a key: a fragment anywhere is a
       * prefix of one. */
      stmt = st_db_prepare (db, "SELECT pid FROM participant_search_id_keys WHERE key >= ? AND key < ?", error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, t->text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, t->upper, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      matches_add (m, sqlite3_column_int64 (stmt, 0));
      if (t->kind == TERM_NAME && sqlite3_column_int (stmt, 1))
        {
          if (m->exact == NULL)
            m->exact = g_new0 (StParticipantMatches, 1);
          matches_add (m->exact, sqlite3_column_int64 (stmt, 0));
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("searching participants"), error);
      return NULL;
    }
  return g_steal_pointer (&m);
}

StParticipantMatches *
st_participant_query_match (StDb        *db,
                            const char  *search,
                            GError     **error)
{
  g_autoptr(GArray) terms = parse_terms (search);
  g_autoptr(StParticipantMatches) all = NULL;

  g_return_val_if_fail (ST_IS_DB (db), NULL);

  for (guint i = 0; i < terms->len; i++)
    {
      g_autoptr(StParticipantMatches) m = match_term (db, &g_array_index (terms, Term, i), error);

      if (m == NULL)
        return NULL;
      if (all == NULL)
        all = g_steal_pointer (&m);
      else
        {
          /* Every term must match. */
          all->n_words = MIN (all->n_words, m->n_words);
          for (gsize w = 0; w < all->n_words; w++)
            all->bits[w] &= m->bits[w];
          /* Whole for every name term that has whole matches. */
          if (all->exact == NULL)
            all->exact = g_steal_pointer (&m->exact);
          else if (m->exact != NULL)
            {
              all->exact->n_words = MIN (all->exact->n_words, m->exact->n_words);
              for (gsize w = 0; w < all->exact->n_words; w++)
                all->exact->bits[w] &= m->exact->bits[w];
            }
        }
    }
  if (all == NULL)
    all = g_new0 (StParticipantMatches, 1);
  /* Whole matches are matches of every term. */
  if (all->exact != NULL)
    {
      all->exact->n_words = MIN (all->exact->n_words, all->n_words);
      for (gsize w = 0; w < all->exact->n_words; w++)
        all->exact->bits[w] &= all->bits[w];
    }
  return g_steal_pointer (&all);
}

gboolean
st_participant_query_has_terms (const char *search)
{
  g_autoptr(GArray) terms = parse_terms (search);

  return terms->len > 0;
}

GArray *
st_participant_matches_filter (const StParticipantMatches *matches,
                               const GArray               *list)
{
  GArray *kept = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* Whole matches first, then the others, each in the list's order. */
  if (matches->exact != NULL)
    for (guint i = 0; i < list->len; i++)
      {
        gint64 rowid = g_array_index (list, gint64, i);

        if (matches_has (matches->exact, rowid))
          g_array_append_val (kept, rowid);
      }
  for (guint i = 0; i < list->len; i++)
    {
      gint64 rowid = g_array_index (list, gint64, i);

      if (matches_has (matches, rowid) && (matches->exact == NULL || !matches_has (matches->exact, rowid)))
        g_array_append_val (kept, rowid);
    }
  return kept;
}

GArray *
st_participant_query_run (StDb                      *db,
                          const StParticipantQuery  *query,
                          GError                   **error)
{
  g_autoptr(GArray) list = st_participant_query_list (db, query, error);
  g_autoptr(StParticipantMatches) matches = NULL;

  if (list == NULL)
    return NULL;
  if (!st_participant_query_has_terms (query->search))
    return g_steal_pointer (&list);
  matches = st_participant_query_match (db, query->search, error);
  if (matches == NULL)
    return NULL;
  return st_participant_matches_filter (matches, list);
}

void
st_participant_summary_free (StParticipantSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->id);
  g_free (summary->name);
  g_free (summary->birth_date);
  g_free (summary->id_number);
  g_free (summary->township_code);
  g_free (summary->village_code);
  g_free (summary->village_name);
  g_free (summary->class_name);
  g_free (summary->state);
  g_free (summary->last_visit);
  g_free (summary);
}

GPtrArray *
st_participant_query_fetch (StDb          *db,
                            const gint64  *rowids,
                            guint          n_rowids,
                            GError       **error)
{
  static const char sql[] =
    "SELECT p.id, p.name, p.sex, p.birth_date, p.id_number, p.township_code,"
    " p.village_code, p.village_name, " LATEST_CLASS_NAME ", " LATEST_ENROLMENT ("state") ","
    " " LATEST_VISIT ("date") ", " LATEST_VISIT ("reached") ", " LATEST_VISIT ("how") " = 'roster'"
    " FROM participants p"
    " WHERE p.rowid = ? AND p.deleted = 0 AND p.merged_into IS NULL";
  g_autoptr(GPtrArray) rows = g_ptr_array_new_full (n_rowids, (GDestroyNotify) st_participant_summary_free);
  sqlite3_stmt *stmt;
  gboolean own_transaction;

  stmt = st_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  /* One read transaction for the page: outside one, every row would take
   * and release the file's lock, and check the WAL, on its own. */
  own_transaction = sqlite3_get_autocommit (st_db_get_handle (db));
  if (own_transaction && !st_db_begin_read (db, error))
    return NULL;
  for (guint i = 0; i < n_rowids; i++)
    {
      StParticipantSummary *row = NULL;
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, rowids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          row = g_new0 (StParticipantSummary, 1);
          row->rowid = rowids[i];
          row->id = st_db_column_dup (stmt, 0);
          row->name = st_db_column_dup (stmt, 1);
          row->sex = sqlite3_column_int (stmt, 2);
          row->birth_date = st_db_column_dup (stmt, 3);
          row->id_number = st_db_column_dup (stmt, 4);
          row->township_code = st_db_column_dup (stmt, 5);
          row->village_code = st_db_column_dup (stmt, 6);
          row->village_name = st_db_column_dup (stmt, 7);
          row->class_name = st_db_column_dup (stmt, 8);
          row->state = st_db_column_dup (stmt, 9);
          row->last_visit = st_db_column_dup (stmt, 10);
          row->last_visit_reached = sqlite3_column_int (stmt, 11) != 0;
          row->last_visit_from_roster = sqlite3_column_int (stmt, 12) != 0;
        }
      else if (rc != SQLITE_DONE)
        {
          sqlite3_reset (stmt);
          st_db_set_error (db, rc, _("reading participants"), error);
          if (own_transaction)
            st_db_end_read (db);
          return NULL;
        }
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  if (own_transaction)
    st_db_end_read (db);   /* nothing was written */
  return g_steal_pointer (&rows);
}

struct _StParticipantFacets
{
  guint32 *township;   /* by rowid: a GQuark of the code, 0 for none or not live */
  guint32 *village;
  guint8  *state;      /* by rowid: an index into facet_states + 1, 0 for not live */
  guint8  *outreach;   /* by rowid: OUTREACH_* bits */
  gsize    n;          /* rowids below this */
  guint    count;
};

enum
{
  OUTREACH_NOT_VISITED = 1 << 0,
  OUTREACH_NOT_REACHED = 1 << 1,   /* visited, never reached */
  OUTREACH_WILLING     = 1 << 2,   /* the latest answer says yes, and in no class */
};

static guint8
outreach_bit (const char *outreach)
{
  if (g_strcmp0 (outreach, "not_visited") == 0)
    return OUTREACH_NOT_VISITED;
  if (g_strcmp0 (outreach, "not_reached") == 0)
    return OUTREACH_NOT_REACHED;
  if (g_strcmp0 (outreach, "willing") == 0)
    return OUTREACH_WILLING;
  if (g_strcmp0 (outreach, "unreached") == 0)
    return OUTREACH_NOT_VISITED | OUTREACH_NOT_REACHED;
  return 0;
}

static const char *const facet_states[] = { "studying", "graduated", "completed", "withdrawn", "none" };

static guint8
facet_state (const char *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (facet_states); i++)
    if (g_strcmp0 (state, facet_states[i]) == 0)
      return (guint8) (i + 1);
  return G_N_ELEMENTS (facet_states);   /* "none" */
}

StParticipantFacets *
st_participant_facets_read (StDb    *db,
                            GError **error)
{
  g_autoptr(StParticipantFacets) facets = g_new0 (StParticipantFacets, 1);
  sqlite3_stmt *stmt;
  gint64 max = 0;
  int rc;

  stmt = st_db_prepare (db, "SELECT coalesce (max (rowid), 0) FROM participants", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    max = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      st_db_set_error (db, rc, _("reading participants"), error);
      return NULL;
    }
  facets->n = (gsize) max + 1;
  facets->township = g_new0 (guint32, facets->n);
  facets->village = g_new0 (guint32, facets->n);
  facets->state = g_new0 (guint8, facets->n);
  facets->outreach = g_new0 (guint8, facets->n);

  stmt = st_db_prepare (db, "SELECT p.rowid, p.township_code, p.village_code, " LATEST_ENROLMENT ("state") ","
                            " " EVER_REACHED ", " LATEST_WILLING
                            " FROM participants p WHERE p.deleted = 0 AND p.merged_into IS NULL", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      /* A row added since the count: read again next time. */
      if (rowid < 0 || (gsize) rowid >= facets->n)
        continue;
      facets->township[rowid] = g_quark_from_string ((const char *) sqlite3_column_text (stmt, 1));
      facets->village[rowid] = g_quark_from_string ((const char *) sqlite3_column_text (stmt, 2));
      facets->state[rowid] = facet_state ((const char *) sqlite3_column_text (stmt, 3));
      if (sqlite3_column_type (stmt, 4) == SQLITE_NULL)
        facets->outreach[rowid] |= OUTREACH_NOT_VISITED;
      else if (sqlite3_column_int (stmt, 4) == 0)
        facets->outreach[rowid] |= OUTREACH_NOT_REACHED;
      if (sqlite3_column_type (stmt, 3) == SQLITE_NULL
          && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 5), "yes") == 0)
        facets->outreach[rowid] |= OUTREACH_WILLING;
      facets->count++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading participants"), error);
      return NULL;
    }
  return g_steal_pointer (&facets);
}

GArray *
st_participant_facets_filter (const StParticipantFacets *facets,
                              const GArray             *ordered,
                              const StParticipantQuery *query)
{
  /* try_string: a code never seen is no quark, and matches nobody. */
  GQuark township = query->township_code ? g_quark_try_string (query->township_code) : 0;
  GQuark village = query->village_code ? g_quark_try_string (query->village_code) : 0;
  guint8 state = query->state ? facet_state (query->state) : 0;
  guint8 outreach = outreach_bit (query->outreach);
  GArray *rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ordered->len);

  if ((query->township_code != NULL && township == 0) || (query->village_code != NULL && village == 0))
    return rowids;
  for (guint i = 0; i < ordered->len; i++)
    {
      gint64 rowid = g_array_index (ordered, gint64, i);

      if (rowid < 0 || (gsize) rowid >= facets->n || facets->state[rowid] == 0)
        continue;
      if ((township != 0 && facets->township[rowid] != township)
          || (village != 0 && facets->village[rowid] != village)
          || (state != 0 && facets->state[rowid] != state)
          || (outreach != 0 && !(facets->outreach[rowid] & outreach)))
        continue;
      g_array_append_val (rowids, rowid);
    }
  return rowids;
}

guint
st_participant_facets_count (const StParticipantFacets *facets)
{
  return facets->count;
}

void
st_participant_facets_free (StParticipantFacets *facets)
{
  if (facets == NULL)
    return;
  g_free (facets->township);
  g_free (facets->village);
  g_free (facets->state);
  g_free (facets->outreach);
  g_free (facets);
}

gint64
st_participant_query_count (StDb    *db,
                            GError **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT count(*) FROM participants WHERE deleted = 0 AND merged_into IS NULL", error);
  gint64 n = -1;

  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    st_db_set_error (db, rc, _("reading participants"), error);
  return n;
}

gint64
st_participant_query_rowid (StDb       *db,
                            const char *uuid)
{
  sqlite3_stmt *stmt = st_db_prepare (db, "SELECT rowid FROM participants WHERE id = ?", NULL);
  gint64 rowid = 0;

  int rc;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    rowid = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    g_debug ("looking up a participant failed: %s", sqlite3_errstr (rc));
  sqlite3_reset (stmt);
  return rowid;
}

const char *
st_enrolment_state_to_display (const char *state)
{
  if (g_strcmp0 (state, "studying") == 0)
    return _("In study");
  if (g_strcmp0 (state, "graduated") == 0)
    return _("Graduated");
  if (g_strcmp0 (state, "completed") == 0)
    return C_("enrolment state", "Completed");
  if (g_strcmp0 (state, "withdrawn") == 0)
    return _("Withdrawn");
  return _("Not in a class");
}
