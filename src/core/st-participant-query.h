/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The list of participants as the app shows it: search, filters, sort, and
 * the rows of one screen at a time. */
#pragma once

#include "st-db.h"
#include "st-idcard.h"

G_BEGIN_DECLS

typedef enum
{
  ST_PARTICIPANT_SORT_DEFAULT,     /* township, village, name: the roster's order */
  ST_PARTICIPANT_SORT_NAME,        /* pinyin order */
  ST_PARTICIPANT_SORT_SEX,
  ST_PARTICIPANT_SORT_AGE,
  ST_PARTICIPANT_SORT_TOWNSHIP,    /* official (code) order */
  ST_PARTICIPANT_SORT_VILLAGE,
  ST_PARTICIPANT_SORT_CLASS,
  ST_PARTICIPANT_SORT_STATE,       /* in study, graduated, completed, withdrawn, none */
  ST_PARTICIPANT_SORT_ID_NUMBER,
  ST_PARTICIPANT_SORT_LAST_VISIT,  /* not visited first, then the longest ago */
} StParticipantSort;

typedef struct
{
  /* Terms separated by blanks, all of which must match: a name or part of
   * one (三 finds 张三), pinyin initials from the start (zs finds 张三 and
   * 曾山), or digits of the ID number (three or more anywhere in it, one or
   * two at its start). */
  const char        *search;
  const char        *township_code;   /* NULL = all */
  const char        *village_code;    /* NULL = all */
  const char        *state;           /* studying | graduated | completed | withdrawn | none; NULL = all */
  StParticipantSort  sort;
  gboolean           descending;
  guint              limit;           /* the first rows only; 0 = all */
  /* Outreach (st-visit.h): not_visited (no visit yet), not_reached (visited,
   * never reached), willing (the latest answer about enrolling is yes, and
   * not in any class), unreached (never reached: not visited or not
   * reached); NULL = all. */
  const char        *outreach;
} StParticipantQuery;

/* One row of the list. The ID number is the full one: mask it for lists. */
typedef struct
{
  gint64  rowid;
  char   *id;
  char   *name;
  StSex   sex;
  char   *birth_date;
  char   *id_number;
  char   *township_code;
  char   *village_code;
  char   *village_name;   /* as written, when no village code matched */
  char   *class_name;     /* of the latest enrolment, or NULL */
  char   *state;          /* of the latest enrolment, or NULL */
  char   *last_visit;     /* the date of the latest visit, or NULL */
  gboolean last_visit_reached;
  gboolean last_visit_from_roster;   /* made by the roster's import, not by a visitor */
} StParticipantSummary;

/* The live participants that match, in order, as rowids (element type
 * gint64): a list of 100,000 is 800 kB, and rows are read a screen at a
 * time with st_participant_query_fetch (). */
GArray     *st_participant_query_run     (StDb                     *db,
                                          const StParticipantQuery *query,
                                          GError                  **error);

/* The same in two steps, for search as you type: the ordered list for the
 * filters and sort (@query's search is not looked at), made again only
 * when they change … */
GArray     *st_participant_query_list    (StDb                     *db,
                                          const StParticipantQuery *query,
                                          GError                  **error);

/* … and, at every keystroke, the set of participants whose name, initials
 * or ID number match @search (from the search index, never a scan), and
 * the list filtered by it, in the list's order. */
typedef struct _StParticipantMatches StParticipantMatches;

gboolean    st_participant_query_has_terms (const char             *search);
StParticipantMatches *st_participant_query_match (StDb             *db,
                                          const char               *search,
                                          GError                  **error);
GArray     *st_participant_matches_filter (const StParticipantMatches *matches,
                                           const GArray            *list);
void        st_participant_matches_free  (StParticipantMatches     *matches);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StParticipantMatches, st_participant_matches_free)

/* What the filters look at, for every live participant: its township,
 * village, enrolment state and outreach, by rowid. Read once, in a worker (about
 * 0.2 s for 100,000 people); a filter is then a pass over the ordered
 * list in memory (a millisecond) instead of a query that sorts everyone
 * on the main thread (0.1–0.2 s at every choice). */
typedef struct _StParticipantFacets StParticipantFacets;

StParticipantFacets *st_participant_facets_read (StDb             *db,
                                          GError                  **error);
/* The rowids of @ordered (st_participant_query_list () without filters)
 * that pass @query's township, village, state and outreach, in order; its search and
 * sort are not looked at. */
GArray     *st_participant_facets_filter (const StParticipantFacets *facets,
                                          const GArray             *ordered,
                                          const StParticipantQuery *query);
/* How many live participants were read. */
guint       st_participant_facets_count  (const StParticipantFacets *facets);
void        st_participant_facets_free   (StParticipantFacets      *facets);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StParticipantFacets, st_participant_facets_free)

/* The rows of @rowids, in the same order; an element is NULL where the
 * participant is no longer there. */
GPtrArray  *st_participant_query_fetch   (StDb                     *db,
                                          const gint64             *rowids,
                                          guint                     n_rowids,
                                          GError                  **error);

/* How many live participants there are (not deleted, not merged), or -1
 * with @error set when the database cannot be read. */
gint64      st_participant_query_count   (StDb                     *db,
                                          GError                  **error);

/* The rowid of the participant with key @uuid, or 0 (also when the
 * database cannot be read: only to select a row that is shown). */
gint64      st_participant_query_rowid   (StDb                     *db,
                                          const char               *uuid);

/* The enrolment state of the latest live enrolment of a participant
 * (studying | graduated | completed | withdrawn), translated; "none" and
 * NULL give “Not in a class”. */
const char *st_enrolment_state_to_display (const char              *state);

void        st_participant_summary_free  (StParticipantSummary     *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StParticipantSummary, st_participant_summary_free)

G_END_DECLS
