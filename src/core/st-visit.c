/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-visit"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-date.h"
#include "st-limits.h"
#include "st-participant.h"
#include "st-uuid.h"
#include "st-visit-private.h"

G_DEFINE_QUARK (st-visit-error-quark, st_visit_error)

/* Each answer: its code (stored, synced), its word in the UI's language,
 * and the register's own word, which is what the participant's record
 * holds whatever the UI's language (a roster's 务工情况 and 身体健康情况 are
 * written in Chinese). */
typedef struct
{
  const char *code;
  const char *label;   /* untranslated */
  const char *record;  /* the register's word */
} Word;

static const Word how_words[] = {
  { "home", N_("Home visit"), "入户走访" },
  { "phone", N_("Phone call"), "电话" },
  { "committee", N_("Village committee"), "村委会" },
  /* Not chosen by anyone: the first visit a roster's columns make
   * (st-visit-roster.c). */
  { "roster", N_("From the roster"), "花名册" },
};
static const Word lives_words[] = {
  { "home", N_("At home"), "在家" },
  { "away", N_("Away"), "外出" },
};
static const Word work_words[] = {
  { "farming", N_("Farming"), "务农" },
  { "local", N_("Local work"), "本地务工" },
  { "away", N_("Working away"), "外出务工" },
  { "none", N_("No work"), "无" },
};
static const Word health_words[] = {
  { "good", N_("Good"), "健康" },
  { "illness", N_("Chronic illness"), "慢性病" },
  { "disability", N_("Disability"), "残疾" },
};
static const Word willing_words[] = {
  { "yes", N_("Willing"), "愿意" },
  { "no", N_("Not willing"), "不愿意" },
  { "later", N_("Later"), "以后再说" },
};

/* What a person may choose; "roster" is the import's alone. */
static const char *const how_codes[] = { "home", "phone", "committee", NULL };
static const char *const all_how_codes[] = { "home", "phone", "committee", "roster", NULL };
static const char *const lives_codes[] = { "home", "away", NULL };
static const char *const work_codes[] = { "farming", "local", "away", "none", NULL };
static const char *const health_codes[] = { "good", "illness", "disability", NULL };
static const char *const willing_codes[] = { "yes", "no", "later", NULL };

static const Word *
word_of (const Word *words,
         guint       n,
         const char *code)
{
  for (guint i = 0; code != NULL && i < n; i++)
    if (g_str_equal (words[i].code, code))
      return &words[i];
  return NULL;
}

static const char *
word_from_text (const Word *words,
                guint       n,
                const char *text)
{
  g_autofree char *trimmed = NULL;

  if (text == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (text));
  for (guint i = 0; i < n; i++)
    if (g_ascii_strcasecmp (trimmed, words[i].code) == 0
        || g_ascii_strcasecmp (trimmed, words[i].label) == 0
        || g_str_equal (trimmed, words[i].record)
        || g_str_equal (trimmed, _(words[i].label)))
      return words[i].code;
  return NULL;
}

static const char *
display (const Word *words,
         guint       n,
         const char *code)
{
  const Word *w = word_of (words, n, code);

  return w != NULL ? _(w->label) : code;
}

#define DISPLAY(words, code) display ((words), G_N_ELEMENTS (words), (code))

const char *const *st_visit_how_codes (void) { return how_codes; }
const char *const *st_visit_lives_codes (void) { return lives_codes; }
const char *const *st_visit_work_codes (void) { return work_codes; }
const char *const *st_visit_health_codes (void) { return health_codes; }
const char *const *st_visit_willing_codes (void) { return willing_codes; }

const char *st_visit_how_to_display (const char *code) { return DISPLAY (how_words, code); }
const char *st_visit_lives_to_display (const char *code) { return DISPLAY (lives_words, code); }
const char *st_visit_work_to_display (const char *code) { return DISPLAY (work_words, code); }
const char *st_visit_health_to_display (const char *code) { return DISPLAY (health_words, code); }
const char *st_visit_willing_to_display (const char *code) { return DISPLAY (willing_words, code); }

const char *
st_visit_how_from_text (const char *t)
{
  const char *code = word_from_text (how_words, G_N_ELEMENTS (how_words), t);

  /* Only an import makes a visit from the roster. */
  return g_strcmp0 (code, "roster") == 0 ? NULL : code;
}
const char *st_visit_lives_from_text (const char *t) { return word_from_text (lives_words, G_N_ELEMENTS (lives_words), t); }
const char *st_visit_work_from_text (const char *t) { return word_from_text (work_words, G_N_ELEMENTS (work_words), t); }
const char *st_visit_health_from_text (const char *t) { return word_from_text (health_words, G_N_ELEMENTS (health_words), t); }
const char *st_visit_willing_from_text (const char *t) { return word_from_text (willing_words, G_N_ELEMENTS (willing_words), t); }

/* Labels of the fields, for messages (and sync's). */
static const struct { const char *column; const char *label; } field_labels[] = {
  { "date", N_("Date of the visit") },
  { "visitor", N_("Visitor") },
  { "how", N_("How") },
  { "reached", N_("Reached or not") },
  { "lives", N_("Lives") },
  { "away_province", N_("Province") },
  { "away_city", N_("City") },
  { "work", N_("Work") },
  { "health", N_("Health") },
  { "willing", N_("Willing to enrol") },
  { "major", N_("Major") },
  { "phone", N_("Phone") },
  { "note", N_("Note") },
};

const char *
st_visit_field_label (const char *column)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_labels); i++)
    if (g_strcmp0 (field_labels[i].column, column) == 0)
      return _(field_labels[i].label);
  return NULL;
}

StVisit *
st_visit_new (void)
{
  return g_new0 (StVisit, 1);
}

void
st_visit_free (StVisit *v)
{
  if (v == NULL)
    return;
  g_free (v->id);
  g_free (v->participant_id);
  g_free (v->township_code);
  g_free (v->date);
  g_free (v->visitor);
  g_free (v->how);
  g_free (v->lives);
  g_free (v->away_province);
  g_free (v->away_city);
  g_free (v->work);
  g_free (v->health);
  g_free (v->willing);
  g_free (v->major);
  g_free (v->phone);
  g_free (v->note);
  g_free (v);
}

void
st_visit_change_free (StVisitChange *c)
{
  if (c == NULL)
    return;
  g_free (c->old_value);
  g_free (c->new_value);
  g_free (c);
}

G_GNUC_PRINTF (2, 3)
static gboolean
refuse (GError     **error,
        const char  *format,
        ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;
  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (ST_VISIT_ERROR, ST_VISIT_ERROR_INVALID, format, args));
  va_end (args);
  return FALSE;
}

static gboolean
empty (const char *text)
{
  return text == NULL || *text == '\0';
}

static gboolean
check_length (const char  *column,
              const char  *text,
              GError     **error)
{
  g_autofree char *problem = st_field_limit_problem ("visits", column, st_visit_field_label (column), text);

  return problem == NULL || refuse (error, "%s", problem);
}

static gboolean
check_code (const char         *column,
            const char         *code,
            const char *const  *codes,
            const char         *choices,
            GError            **error)
{
  if (code == NULL || g_strv_contains (codes, code))
    return TRUE;
  /* Translators: "<field>: “<value>” is not one of <the choices>." */
  return refuse (error, _("%s: “%s” is not one of %s."), st_visit_field_label (column), code, choices);
}

gboolean
st_visit_check (const StVisit  *v,
                GError        **error)
{
  if (g_strcmp0 (v->how, "roster") == 0)
    return refuse (error, _("How: a visit “from the roster” is made by importing the roster, not recorded by hand."));
  return st_visit_check_any (v, error);
}

gboolean
st_visit_check_any (const StVisit  *v,
                    GError        **error)
{
  g_autofree char *today = st_date_today ();

  if (!st_date_is_valid (v->date))
    return refuse (error, _("%s: “%s” is not a date; write it as 2025-03-01."),
                   st_visit_field_label ("date"), v->date ? v->date : "");
  if (g_strcmp0 (v->date, today) > 0)
    return refuse (error, _("Date of the visit: %s is after today; a visit is recorded once it was made."), v->date);
  if (empty (v->visitor))
    return refuse (error, _("Visitor: say who made the visit."));
  if (v->how == NULL)
    return refuse (error, _("How: say whether it was a home visit, a phone call or through the village committee."));
  if (!check_code ("how", v->how, all_how_codes, _("home visit, phone call, village committee"), error)
      || !check_code ("lives", v->lives, lives_codes, _("at home, away"), error)
      || !check_code ("work", v->work, work_codes, _("farming, local work, working away, no work"), error)
      || !check_code ("health", v->health, health_codes, _("good, chronic illness, disability"), error)
      || !check_code ("willing", v->willing, willing_codes, _("willing, not willing, later"), error))
    return FALSE;
  /* Away, the place may not be known (a neighbour says they are away). */
  if (g_strcmp0 (v->lives, "away") != 0 && (!empty (v->away_province) || !empty (v->away_city)))
    return refuse (error, _("Province: a place away is given only for someone who lives away."));
  if (!v->reached && v->willing != NULL)
    return refuse (error, _("Willing to enrol: a visit that did not reach the person cannot say whether they will enrol."));
  if (!empty (v->major) && g_strcmp0 (v->willing, "yes") != 0 && g_strcmp0 (v->willing, "later") != 0)
    return refuse (error, _("Major: a major is asked of someone willing to enrol (now or later)."));
  if (!empty (v->phone) && !st_phone_is_valid (v->phone))
    return refuse (error, _("Phone: a mobile number has 11 digits; a landline starts with its area code, as in 0859-1234567."));
  return check_length ("visitor", v->visitor, error)
         && check_length ("away_province", v->away_province, error)
         && check_length ("away_city", v->away_city, error)
         && check_length ("major", v->major, error)
         && check_length ("phone", v->phone, error)
         && check_length ("note", v->note, error);
}

/* The participant, live, or NULL with NOT_FOUND. */
static StParticipant *
load_live (StDb        *db,
           const char  *participant_id,
           GError     **error)
{
  g_autoptr(StParticipant) p = NULL;

  if (participant_id == NULL)
    {
      g_set_error_literal (error, ST_VISIT_ERROR, ST_VISIT_ERROR_NOT_FOUND, _("A visit is of a participant; none was given."));
      return NULL;
    }
  p = st_participant_load (db, participant_id, error);
  if (p == NULL)
    return NULL;
  if (p->deleted || p->merged_into != NULL)
    {
      g_set_error (error, ST_VISIT_ERROR, ST_VISIT_ERROR_NOT_FOUND,
                   _("%s was deleted; restore them before recording a visit."), p->name);
      return NULL;
    }
  return g_steal_pointer (&p);
}

/* 1 when a live visit of the participant is later than @date, 0 when not,
 * -1 on error. A visit on the same day as the latest counts as the latest:
 * it was recorded after it. */
static int
has_later_visit (StDb        *db,
                 const char  *participant_id,
                 const char  *date,
                 GError     **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT EXISTS (SELECT 1 FROM visits WHERE participant_id = ?"
                                      " AND deleted = 0 AND date > ?)", error);
  int rc, later = 0;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, participant_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, date, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    later = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      st_db_set_error (db, rc, _("reading the visits"), error);
      return -1;
    }
  return later;
}

/* What the visit's answers make of the participant's employment and
 * health, as the register writes them (NULL: the visit did not say). */
char *
st_visit_employment_record (const StVisit *v)
{
  const Word *w = word_of (work_words, G_N_ELEMENTS (work_words), v->work);

  if (w == NULL)
    return NULL;
  if (g_str_equal (w->code, "away") && g_strcmp0 (v->lives, "away") == 0 && !empty (v->away_province))
    return g_strdup_printf ("%s（%s%s）", w->record, v->away_province, v->away_city ? v->away_city : "");
  return g_strdup (w->record);
}

void
st_visit_change_add (GPtrArray  *changes,
                     const char *column,
                     const char *label,
                     const char *old_value,
                     const char *new_value)
{
  StVisitChange *c;

  if (new_value == NULL || g_strcmp0 (old_value, new_value) == 0)
    return;
  c = g_new0 (StVisitChange, 1);
  c->column = column;
  c->label = label;
  c->old_value = g_strdup (old_value);
  c->new_value = g_strdup (new_value);
  g_ptr_array_add (changes, c);
}

static GPtrArray *
changes_for (StDb                *db,
             const StVisit       *v,
             const StParticipant *p,
             GError             **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) st_visit_change_free);
  g_autofree char *employment = st_visit_employment_record (v);
  g_autofree char *phone = !empty (v->phone) ? g_strstrip (g_strdup (v->phone)) : NULL;
  const Word *health = word_of (health_words, G_N_ELEMENTS (health_words), v->health);
  int later = has_later_visit (db, p->id, v->date, error);

  if (later < 0)
    return NULL;
  if (later)
    return g_steal_pointer (&changes);
  st_visit_change_add (changes, "phone", _("Phone"), p->phone, phone);
  st_visit_change_add (changes, "employment", _("Employment"), p->employment, employment);
  st_visit_change_add (changes, "health", _("Health"), p->health, health ? health->record : NULL);
  return g_steal_pointer (&changes);
}

GPtrArray *
st_visit_changes (StDb           *db,
                  const StVisit  *v,
                  GError        **error)
{
  g_autoptr(StParticipant) p = load_live (db, v->participant_id, error);

  if (p == NULL || !st_date_is_valid (v->date))
    return p == NULL ? NULL : g_ptr_array_new_with_free_func ((GDestroyNotify) st_visit_change_free);
  return changes_for (db, v, p, error);
}

const char *
st_visit_health_record (const StVisit *v)
{
  const Word *w = word_of (health_words, G_N_ELEMENTS (health_words), v->health);

  return w != NULL ? w->record : NULL;
}

gboolean
st_visit_insert (StDb     *db,
                 StVisit  *v,
                 GError  **error)
{
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "INSERT INTO visits (id, hlc, device, deleted, participant_id, township_code,"
                                      " date, visitor, how, reached, lives, away_province, away_city, work, health,"
                                      " willing, major, phone, note)"
                                      " VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  const char *texts[] = { v->lives, v->away_province, v->away_city, v->work, v->health,
                          v->willing, v->major, v->phone, v->note };
  int rc;

  if (stmt == NULL)
    return FALSE;
  v->hlc = st_db_next_hlc (db);
  sqlite3_bind_text (stmt, 1, v->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) v->hlc);
  sqlite3_bind_text (stmt, 3, st_db_get_device_id (db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, v->participant_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, v->township_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, v->date, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, v->visitor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, v->how, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 9, v->reached ? 1 : 0);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    st_db_bind_text (stmt, 10 + i, empty (texts[i]) ? NULL : texts[i]);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return st_db_set_error (db, rc, _("saving a visit"), error);
  return TRUE;
}

GPtrArray *
st_visit_add (StDb     *db,
              StVisit  *v,
              GError  **error)
{
  g_autoptr(StParticipant) p = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  gboolean own = sqlite3_get_autocommit (st_db_get_handle (db));
  gboolean ok;

  if (!st_visit_check (v, error))
    return NULL;
  p = load_live (db, v->participant_id, error);
  if (p == NULL)
    return NULL;
  if (own && !st_db_begin (db, error))
    return NULL;

  changes = changes_for (db, v, p, error);
  ok = changes != NULL;
  if (ok)
    {
      if (v->id == NULL)
        v->id = st_uuid_new ();
      g_free (v->township_code);
      v->township_code = g_strdup (p->township_code);
      ok = st_visit_insert (db, v, error);
    }
  if (ok && changes->len > 0)
    {
      for (guint i = 0; i < changes->len; i++)
        {
          StVisitChange *c = g_ptr_array_index (changes, i);
          char **field = g_str_equal (c->column, "phone") ? &p->phone
                         : g_str_equal (c->column, "employment") ? &p->employment : &p->health;

          g_free (*field);
          *field = g_strdup (c->new_value);
        }
      ok = st_participant_update (db, p, error);
    }
  if (!own)
    return ok ? g_steal_pointer (&changes) : NULL;
  if (!ok)
    {
      st_db_rollback (db);
      return NULL;
    }
  if (!st_db_commit (db, error))
    return NULL;
  return g_steal_pointer (&changes);
}

GPtrArray *
st_visit_list (StDb        *db,
               const char  *participant_id,
               GError     **error)
{
  g_autoptr(GPtrArray) visits = g_ptr_array_new_with_free_func ((GDestroyNotify) st_visit_free);
  sqlite3_stmt *stmt = st_db_prepare (db,
                                      "SELECT id, participant_id, township_code, date, visitor, how, reached,"
                                      " lives, away_province, away_city, work, health, willing, major, phone, note, hlc"
                                      " FROM visits WHERE participant_id = ? AND deleted = 0"
                                      " ORDER BY date DESC, hlc DESC", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, participant_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StVisit *v = st_visit_new ();

      v->id = st_db_column_dup (stmt, 0);
      v->participant_id = st_db_column_dup (stmt, 1);
      v->township_code = st_db_column_dup (stmt, 2);
      v->date = st_db_column_dup (stmt, 3);
      v->visitor = st_db_column_dup (stmt, 4);
      v->how = st_db_column_dup (stmt, 5);
      v->reached = sqlite3_column_int (stmt, 6) != 0;
      v->lives = st_db_column_dup (stmt, 7);
      v->away_province = st_db_column_dup (stmt, 8);
      v->away_city = st_db_column_dup (stmt, 9);
      v->work = st_db_column_dup (stmt, 10);
      v->health = st_db_column_dup (stmt, 11);
      v->willing = st_db_column_dup (stmt, 12);
      v->major = st_db_column_dup (stmt, 13);
      v->phone = st_db_column_dup (stmt, 14);
      v->note = st_db_column_dup (stmt, 15);
      v->hlc = (guint64) sqlite3_column_int64 (stmt, 16);
      g_ptr_array_add (visits, v);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (db, rc, _("reading the visits"), error);
      return NULL;
    }
  return g_steal_pointer (&visits);
}

char *
st_visit_change_describe (const StVisitChange *c)
{
  /* Translators: a field of the participant a visit changed: "Employment: 务农 → 外出务工". */
  return g_strdup_printf (_("%s: %s → %s"), c->label, c->old_value ? c->old_value : _("(empty)"), c->new_value);
}

char *
st_visit_title (const StVisit *v)
{
  /* Translators: a visit in a list: "2025-03-01 · Home visit · 韦主任" */
  return g_strdup_printf (_("%s · %s · %s"), v->date, st_visit_how_to_display (v->how), v->visitor);
}

char *
st_visit_summary (const StVisit *v)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (parts, g_strdup (v->reached ? C_("visit", "Reached") : C_("visit", "Not reached")));
  if (g_strcmp0 (v->lives, "away") == 0 && !empty (v->away_province))
    /* Translators: where someone lives: "Away: 浙江省宁波市" */
    g_ptr_array_add (parts, g_strdup_printf (_("Away: %s%s"), v->away_province, v->away_city ? v->away_city : ""));
  else if (v->lives != NULL)
    g_ptr_array_add (parts, g_strdup (st_visit_lives_to_display (v->lives)));
  if (v->work != NULL)
    g_ptr_array_add (parts, g_strdup (st_visit_work_to_display (v->work)));
  if (v->health != NULL)
    g_ptr_array_add (parts, g_strdup (st_visit_health_to_display (v->health)));
  if (v->willing != NULL && !empty (v->major))
    g_ptr_array_add (parts, g_strdup_printf ("%s (%s)", st_visit_willing_to_display (v->willing), v->major));
  else if (v->willing != NULL)
    g_ptr_array_add (parts, g_strdup (st_visit_willing_to_display (v->willing)));
  if (!empty (v->phone))
    g_ptr_array_add (parts, g_strdup (v->phone));
  if (!empty (v->note))
    g_ptr_array_add (parts, g_strdup (v->note));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}
