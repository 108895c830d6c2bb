/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The schema and its migrations. See docs/architecture.md, "Schema", for the
 * tables and how to add a migration. */
#define G_LOG_DOMAIN "st-db"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "st-db-private.h"
#include "st-divisions.h"

/* Tables that sync (SYNC.md): each has a UUID key, the HLC and device of its
 * last change, and a tombstone flag; triggers capture every local change into
 * the audit log and the outbox. There are no foreign keys between synced
 * tables on purpose: pulled pages may split anywhere, so a child can arrive
 * before its parent; the code checks references instead. */
/* CHECKs list values with OR, not IN (…): SQLite 3.40 builds an ephemeral
 * table for an IN list on every statement, which made a roster import three
 * times slower. */
#define SYNC_COLUMNS \
  "id TEXT PRIMARY KEY NOT NULL," \
  "hlc INTEGER NOT NULL," \
  "device TEXT NOT NULL," \
  "deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted = 0 OR deleted = 1),"

static const char *synced_tables[] = {
  "programs", "majors", "participants", "classes", "enrolments", "sessions",
  "attendance", "study_logs", "assignments", "assessments", "exemptions",
  "certificates",
};

static const char schema_v1[] =
  /* Local only. */
  "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT);"
  "CREATE TABLE divisions ("
  "  code TEXT PRIMARY KEY NOT NULL CHECK (length (code) = 12),"
  "  name TEXT NOT NULL,"
  "  short_name TEXT NOT NULL,"
  "  parent_code TEXT,"
  "  level TEXT NOT NULL CHECK (level = 'county' OR level = 'township' OR level = 'village')"
  ");"
  "CREATE INDEX divisions_parent ON divisions (parent_code);"
  /* Every change, local or synced: who, when, which device, old and new. */
  "CREATE TABLE audit_log ("
  "  id INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"                 /* wall clock, ms since 1970 */
  "  actor TEXT,"
  "  device TEXT NOT NULL,"
  "  tbl TEXT NOT NULL,"
  "  row_id TEXT NOT NULL,"
  "  op TEXT NOT NULL CHECK (op = 'insert' OR op = 'update' OR op = 'delete'),"
  "  hlc INTEGER NOT NULL,"
  "  base_hlc INTEGER,"                    /* the row's clock the edit was based on */
  "  old TEXT,"                            /* JSON of the changed fields before */
  "  new TEXT"                             /* JSON of the changed fields after */
  ");"
  "CREATE INDEX audit_log_row ON audit_log (row_id);"   /* UUIDs are unique across tables */
  /* Local changes not yet acknowledged by the server, in client order. The
   * audit entry's id is the client sequence number (audit entries are never
   * deleted, so it is never reused); the op id sent to the server is derived
   * from it and the device id (docs/architecture.md, Outbox). */
  "CREATE TABLE outbox ("
  "  audit_id INTEGER PRIMARY KEY REFERENCES audit_log (id)"
  ");"
  "CREATE TABLE imports ("
  "  id INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  actor TEXT,"
  "  file_name TEXT NOT NULL,"
  "  encoding TEXT NOT NULL,"
  "  rows_read INTEGER NOT NULL,"
  "  imported INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL,"
  "  unchanged INTEGER NOT NULL,"
  "  rejected INTEGER NOT NULL"
  ");"

  /* Synced. */
  "CREATE TABLE programs (" SYNC_COLUMNS
  "  code TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  rules TEXT NOT NULL,"                 /* the program's JSON (docs/programs.md) */
  "  builtin INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE majors (" SYNC_COLUMNS
  "  name TEXT NOT NULL,"
  "  program_code TEXT,"
  "  sort_order INTEGER NOT NULL DEFAULT 0,"
  "  archived INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE participants (" SYNC_COLUMNS
  "  id_number TEXT NOT NULL CHECK (length (id_number) = 18),"
  "  name TEXT NOT NULL,"
  "  sex INTEGER NOT NULL CHECK (sex = 1 OR sex = 2),"
  "  birth_date TEXT NOT NULL,"
  "  region_code TEXT NOT NULL,"
  "  ethnicity TEXT,"
  "  phone TEXT,"
  "  township_code TEXT NOT NULL,"
  "  village_code TEXT,"
  "  village_name TEXT,"                   /* as the roster wrote it, when no code matched */
  "  education TEXT CHECK (education = 'none' OR education = 'primary' OR education = 'junior' OR education = 'senior'),"
  "  employment TEXT,"
  "  health TEXT,"
  "  poverty TEXT CHECK (poverty = 'lifted' OR poverty = 'monitored'),"
  "  notes TEXT,"
  "  merged_into TEXT"
  ");"
  /* Not unique: two laptops may register one person offline; the server
   * merges them (SYNC.md, The same person twice). */
  "CREATE INDEX participants_id_number ON participants (id_number, hlc);"
  "CREATE TABLE classes (" SYNC_COLUMNS
  "  name TEXT NOT NULL,"
  "  program_id TEXT NOT NULL,"
  "  major_id TEXT,"
  "  township_code TEXT NOT NULL,"
  "  teaching_point TEXT,"
  "  start_date TEXT NOT NULL,"
  "  trainers TEXT,"                       /* JSON array of account names */
  "  notes TEXT"
  ");"
  "CREATE INDEX classes_township ON classes (township_code);"
  "CREATE TABLE enrolments (" SYNC_COLUMNS  /* id = v5 (participant, class) */
  "  participant_id TEXT NOT NULL,"
  "  class_id TEXT NOT NULL,"
  "  township_code TEXT NOT NULL,"         /* the class's: the sync scope */
  "  enrolled_on TEXT NOT NULL,"
  "  study_years INTEGER NOT NULL CHECK (study_years BETWEEN 1 AND 10),"
  "  state TEXT NOT NULL DEFAULT 'studying' CHECK (state = 'studying' OR state = 'graduated' OR state = 'completed' OR state = 'withdrawn'),"
  "  state_date TEXT,"
  "  withdraw_reason TEXT,"
  "  early_graduation_requested_on TEXT,"
  "  internship_done_on TEXT"
  ");"
  "CREATE INDEX enrolments_participant ON enrolments (participant_id);"
  "CREATE INDEX enrolments_class ON enrolments (class_id);"
  "CREATE TABLE sessions (" SYNC_COLUMNS
  "  class_id TEXT NOT NULL,"
  "  township_code TEXT NOT NULL,"
  "  date TEXT NOT NULL,"
  "  minutes INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),"
  "  mode TEXT NOT NULL CHECK (mode = 'concentrated' OR mode = 'online' OR mode = 'practical'),"
  "  subject TEXT NOT NULL CHECK (subject = 'literacy' OR subject = 'mandarin' OR subject = 'civic' OR subject = 'policy' OR subject = 'skill'),"
  "  trainer TEXT,"
  "  place TEXT"
  ");"
  "CREATE INDEX sessions_class ON sessions (class_id, date);"
  "CREATE TABLE attendance (" SYNC_COLUMNS  /* id = v5 (session, participant) */
  "  session_id TEXT NOT NULL,"
  "  participant_id TEXT NOT NULL,"
  "  township_code TEXT NOT NULL,"
  "  status TEXT NOT NULL CHECK (status = 'present' OR status = 'absent' OR status = 'leave'),"
  "  minutes INTEGER NOT NULL CHECK (minutes >= 0 AND minutes <= 1440)"
  ");"
  "CREATE INDEX attendance_session ON attendance (session_id);"
  "CREATE INDEX attendance_participant ON attendance (participant_id);"
  "CREATE TABLE study_logs (" SYNC_COLUMNS
  "  participant_id TEXT NOT NULL,"
  "  enrolment_id TEXT,"
  "  township_code TEXT NOT NULL,"
  "  date TEXT NOT NULL,"
  "  minutes INTEGER NOT NULL CHECK (minutes > 0),"
  "  kind TEXT NOT NULL CHECK (kind = 'self' OR kind = 'online'),"
  "  source TEXT"
  ");"
  "CREATE INDEX study_logs_participant ON study_logs (participant_id);"
  "CREATE TABLE assignments (" SYNC_COLUMNS
  "  enrolment_id TEXT NOT NULL,"
  "  township_code TEXT NOT NULL,"
  "  title TEXT NOT NULL,"
  "  done INTEGER NOT NULL DEFAULT 0,"
  "  done_on TEXT"
  ");"
  "CREATE INDEX assignments_enrolment ON assignments (enrolment_id);"
  "CREATE TABLE assessments (" SYNC_COLUMNS
  "  enrolment_id TEXT NOT NULL,"
  "  township_code TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind = 'culture' OR kind = 'skill' OR kind = 'moral'),"
  "  result TEXT NOT NULL CHECK (result = 'pass' OR result = 'fail'),"
  "  date TEXT NOT NULL,"
  "  assessor TEXT"
  ");"
  "CREATE INDEX assessments_enrolment ON assessments (enrolment_id);"
  "CREATE TABLE exemptions (" SYNC_COLUMNS
  "  enrolment_id TEXT NOT NULL,"
  "  township_code TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind = 'exemption' OR kind = 'credit' OR kind = 'internship_waiver'),"
  "  target TEXT,"                         /* the assessment exempted: culture, skill, moral */
  "  basis TEXT NOT NULL,"                 /* the certificate, award or work record */
  "  credits INTEGER NOT NULL DEFAULT 0,"
  "  date TEXT NOT NULL"
  ");"
  "CREATE INDEX exemptions_enrolment ON exemptions (enrolment_id);"
  "CREATE TABLE certificates (" SYNC_COLUMNS
  "  enrolment_id TEXT NOT NULL,"
  "  township_code TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind = 'graduation' OR kind = 'completion' OR kind = 'study_record'),"
  "  number TEXT NOT NULL,"
  "  issued_on TEXT NOT NULL,"
  "  revoked_on TEXT,"
  "  revoke_reason TEXT"
  ");"
  "CREATE INDEX certificates_enrolment ON certificates (enrolment_id);"
  ;

/* The fields of @table, or NULL with @error set: triggers built from a
 * short list would capture changes without some of their fields. */
static GPtrArray *
table_fields (StDb        *self,
              const char  *table,
              GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA table_info (%s)", table);
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  int rc;

  rc = sqlite3_prepare_v2 (st_db_get_handle (self), sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      st_db_set_error (self, rc, _("reading the laptop schema"), error);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 1);

      /* The clock, the device and the key describe a change; they are not
       * fields of it. */
      if (g_str_equal (name, "id") || g_str_equal (name, "hlc") || g_str_equal (name, "device"))
        continue;
      g_ptr_array_add (fields, g_strdup (name));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      st_db_set_error (self, rc, _("reading the laptop schema"), error);
      return NULL;
    }
  return g_steal_pointer (&fields);
}

/* (Re)creates the capture triggers of @table from its current columns; a
 * migration that adds a column calls this again. */
gboolean
st_db_schema_create_triggers (StDb        *self,
                 const char  *table,
                 GError     **error)
{
  g_autoptr(GPtrArray) fields = table_fields (self, table, error);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) new_all = g_string_new ("json_object (");
  g_autoptr(GString) changed = g_string_new (NULL);
  g_autoptr(GString) old_changed = g_string_new (NULL);
  g_autoptr(GString) new_changed = g_string_new (NULL);

  if (fields == NULL)
    return FALSE;
  for (guint i = 0; i < fields->len; i++)
    {
      const char *f = g_ptr_array_index (fields, i);

      g_string_append_printf (new_all, "%s'%s', NEW.%s", i ? ", " : "", f, f);
      g_string_append_printf (changed, "%sNEW.%s IS NOT OLD.%s", i ? " OR " : "", f, f);
      g_string_append_printf (old_changed, "%sSELECT '%s' AS k, OLD.%s AS v WHERE NEW.%s IS NOT OLD.%s",
                              i ? " UNION ALL " : "", f, f, f, f);
      g_string_append_printf (new_changed, "%sSELECT '%s' AS k, NEW.%s AS v WHERE NEW.%s IS NOT OLD.%s",
                              i ? " UNION ALL " : "", f, f, f, f);
    }
  g_string_append (new_all, ")");

  g_string_append_printf (sql,
    "DROP TRIGGER IF EXISTS %1$s_capture_insert;"
    "DROP TRIGGER IF EXISTS %1$s_capture_update;"
    "DROP TRIGGER IF EXISTS %1$s_guard_update;"
    "DROP TRIGGER IF EXISTS %1$s_guard_delete;"
    "CREATE TRIGGER %1$s_capture_insert AFTER INSERT ON %1$s WHEN NOT st_applying () BEGIN"
    "  INSERT INTO audit_log (at, actor, device, tbl, row_id, op, hlc, base_hlc, old, new)"
    "  VALUES (st_now_ms (), st_actor (), NEW.device, '%1$s', NEW.id, 'insert', NEW.hlc, NULL, NULL, %2$s);"
    "  INSERT INTO outbox (audit_id) VALUES (last_insert_rowid ());"
    "END;"
    /* A local change must carry a new stamp and this device, or sync would
     * order it wrongly. */
    "CREATE TRIGGER %1$s_guard_update BEFORE UPDATE ON %1$s"
    "  WHEN NOT st_applying () AND (NEW.hlc <= OLD.hlc OR NEW.device IS NOT st_device ()) BEGIN"
    "  SELECT RAISE (ABORT, 'a local change must carry a new clock stamp and this device');"
    "END;"
    "CREATE TRIGGER %1$s_capture_update AFTER UPDATE ON %1$s WHEN NOT st_applying () AND (%3$s) BEGIN"
    "  INSERT INTO audit_log (at, actor, device, tbl, row_id, op, hlc, base_hlc, base_device, old, new)"
    "  VALUES (st_now_ms (), st_actor (), NEW.device, '%1$s', NEW.id,"
    "          CASE WHEN NEW.deleted AND NOT OLD.deleted THEN 'delete' ELSE 'update' END,"
    "          NEW.hlc, OLD.hlc, OLD.device,"
    "          (SELECT json_group_object (k, v) FROM (%4$s)),"
    "          (SELECT json_group_object (k, v) FROM (%5$s)));"
    "  INSERT INTO outbox (audit_id) VALUES (last_insert_rowid ());"
    "END;"
    /* Deleting is a tombstone (deleted = 1), so that it reaches every replica. */
    "CREATE TRIGGER %1$s_guard_delete BEFORE DELETE ON %1$s WHEN NOT st_applying () BEGIN"
    "  SELECT RAISE (ABORT, 'rows are deleted by a tombstone, never removed');"
    "END;",
    table, new_all->str, changed->str, old_changed->str, new_changed->str);

  return st_db_exec (self, sql->str, error);
}

char *
st_db_schema_bulk_capture_sql (StDb       *self,
                               const char *table)
{
  g_autoptr(GPtrArray) fields = table_fields (self, table, NULL);
  g_autoptr(GString) new_all = g_string_new ("st_json_sparse (");

  if (fields == NULL)
    return NULL;
  for (guint i = 0; i < fields->len; i++)
    {
      const char *f = g_ptr_array_index (fields, i);
      g_string_append_printf (new_all, "%s'%s', NEW.%s", i ? ", " : "", f, f);
    }
  g_string_append (new_all, ")");

  /* What the insert trigger does row by row, for every row inserted after
   * rowid ?1, in insertion order; then their outbox entries. */
  return g_strdup_printf ("INSERT INTO audit_log (at, actor, device, tbl, row_id, op, hlc, base_hlc, old, new)"
                          " SELECT st_now_ms (), st_actor (), NEW.device, '%1$s', NEW.id, 'insert', NEW.hlc, NULL, NULL, %2$s"
                          " FROM %1$s AS NEW WHERE NEW.rowid > ?1 ORDER BY NEW.rowid",
                          table, new_all->str);
}

gboolean
st_db_store_divisions (StDb         *self,
                       StDivisions  *divisions,
                       GError      **error)
{
  static const char *levels[] = { NULL, "county", "township", "village" };
  const GPtrArray *all = st_divisions_get_all (divisions);
  sqlite3_stmt *stmt = st_db_prepare (self,
                                      "INSERT OR REPLACE INTO divisions (code, name, short_name, parent_code, level)"
                                      " VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < all->len; i++)
    {
      const StDivision *d = g_ptr_array_index (all, i);
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, d->code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, d->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, d->short_name, -1, SQLITE_STATIC);
      st_db_bind_text (stmt, 4, d->parent_code);
      sqlite3_bind_text (stmt, 5, levels[d->level], -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        {
          sqlite3_reset (stmt);
          return st_db_set_error (self, rc, _("saving the list of townships and villages"), error);
        }
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
migrate_to_1 (StDb    *self,
              GError **error)
{
  if (!st_db_exec (self, schema_v1, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (synced_tables); i++)
    if (!st_db_schema_create_triggers (self, synced_tables[i], error))
      return FALSE;
  {
    g_autoptr(StDivisions) divisions = st_divisions_new_default ();

    return st_db_store_divisions (self, divisions, error);
  }
}

/* The app's search (src/core/st-participant-search.c): local tables, not
 * synced and without triggers, filled from the participants by C code that
 * knows the pinyin of names. A row of participant_search says which state of
 * a participant (its hlc) the keys were made from. */
static gboolean
migrate_to_2 (StDb    *self,
              GError **error)
{
  return st_db_exec (self,
                     "CREATE TABLE participant_search ("
                     "  pid INTEGER PRIMARY KEY,"     /* participants.rowid */
                     "  uuid TEXT NOT NULL,"
                     "  hlc INTEGER NOT NULL,"
                     "  live INTEGER NOT NULL,"
                     "  name TEXT,"                   /* what the keys were made from */
                     "  id_number TEXT,"
                     "  sort_key TEXT NOT NULL"       /* pinyin order */
                     ");"
                     /* Every suffix of a name (a substring is a prefix of
                      * one) and every spelling of its initials. */
                     "CREATE TABLE participant_search_keys ("
                     "  key TEXT NOT NULL,"
                     "  pid INTEGER NOT NULL,"
                     "  PRIMARY KEY (key, pid)"
                     ") WITHOUT ROWID;"
                     /* Fragments of ID numbers, three characters or more. */
                     "CREATE VIRTUAL TABLE participant_search_ids USING fts5 (id_number, tokenize = 'trigram');",
                     error);
}

/* Indexes for reading at county scale: the eligibility engine's two big
 * scans read these instead of the tables (half the time at 3 million
 * attendance rows), and opening a database finds the clock's high-water mark
 * without reading the whole audit log. */
static gboolean
migrate_to_3 (StDb    *self,
              GError **error)
{
  return st_db_exec (self,
                     "CREATE INDEX attendance_totals ON attendance (township_code, session_id, participant_id, minutes)"
                     "  WHERE deleted = 0 AND minutes > 0;"
                     "CREATE INDEX study_logs_totals ON study_logs (township_code, participant_id, enrolment_id, kind, date, minutes)"
                     "  WHERE deleted = 0;"
                     "CREATE INDEX audit_log_hlc ON audit_log (hlc);",
                     error);
}

/* Sync (the sync-engine issue): the server's review items (conflicts and
 * merges), kept as the feed sends them — a person resolves them here and the
 * resolution (resolved = 1) is pushed like any change —, and the changes of
 * this laptop the server refused, for the clerk to see. */
static gboolean
migrate_to_4 (StDb    *self,
              GError **error)
{
  if (!st_db_exec (self,
                   "CREATE TABLE review_items (" SYNC_COLUMNS
                   "  tbl TEXT NOT NULL,"
                   "  row_id TEXT NOT NULL,"
                   "  township_code TEXT,"
                   "  created_at INTEGER,"
                   "  resolved INTEGER NOT NULL DEFAULT 0,"
                   "  data TEXT NOT NULL"              /* every field, as JSON */
                   ");"
                   "CREATE INDEX review_items_open ON review_items (created_at) WHERE resolved = 0 AND deleted = 0;"
                   "CREATE TABLE sync_refusals ("
                   "  id INTEGER PRIMARY KEY,"
                   "  at INTEGER NOT NULL,"
                   "  seq INTEGER NOT NULL,"            /* audit_log.id of the change */
                   "  tbl TEXT NOT NULL,"
                   "  row_id TEXT NOT NULL,"
                   "  township_code TEXT,"
                   "  status INTEGER NOT NULL,"
                   "  code TEXT NOT NULL,"
                   "  message TEXT,"
                   "  label TEXT,"                      /* what the clerk calls the row */
                   "  resolved INTEGER NOT NULL DEFAULT 0"
                   ");",
                   error))
    return FALSE;
  return st_db_schema_create_triggers (self, "review_items", error);
}

/* Search by a fragment of an ID number through every suffix of the number
 * (a prefix range, like names) instead of FTS5 trigrams: a fragment such as
 * "5223271985" met eight trigrams each held by nearly everyone, and took
 * 200 ms among 100,000 people. The app's index is made again (its version
 * changed). */
static gboolean
migrate_to_5 (StDb    *self,
              GError **error)
{
  return st_db_exec (self,
                     "DROP TABLE participant_search_ids;"
                     "CREATE TABLE participant_search_id_keys ("
                     "  key TEXT NOT NULL,"
                     "  pid INTEGER NOT NULL,"
                     "  PRIMARY KEY (key, pid)"
                     ") WITHOUT ROWID;",
                     error);
}

/* The device of the row clock an edit was based on (with base_hlc), so
 * that a change the server refuses can be undone exactly: the row goes back
 * to the clock the server holds. Every synced table's triggers write it. */
static gboolean
migrate_to_6 (StDb    *self,
              GError **error)
{
  g_autoptr(GPtrArray) columns = table_fields (self, "audit_log", error);
  gboolean present = FALSE;

  if (columns == NULL)
    return FALSE;
  for (guint i = 0; i < columns->len; i++)
    present |= g_str_equal (g_ptr_array_index (columns, i), "base_device");
  if (!present && !st_db_exec (self, "ALTER TABLE audit_log ADD COLUMN base_device TEXT;", error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (synced_tables); i++)
    if (!st_db_schema_create_triggers (self, synced_tables[i], error))
      return FALSE;
  return st_db_schema_create_triggers (self, "review_items", error);
}

/* Adds @column (its SQL after the name) to @table unless it is there, for
 * migrations that add fields. The capture triggers are made again by the
 * caller. */
static gboolean
add_column (StDb        *self,
            const char  *table,
            const char  *column,
            const char  *definition,
            GError     **error)
{
  g_autoptr(GPtrArray) columns = table_fields (self, table, error);
  g_autofree char *sql = NULL;

  if (columns == NULL)
    return FALSE;
  for (guint i = 0; i < columns->len; i++)
    if (g_str_equal (g_ptr_array_index (columns, i), column))
      return TRUE;
  sql = g_strdup_printf ("ALTER TABLE %s ADD COLUMN %s %s;", table, column, definition);
  return st_db_exec (self, sql, error);
}

/* Annex 6 at its edges (issue 17): an approved extension of the study
 * length, in years, when the program allows one (§(七)1(2)); the schedule
 * of a class's concentrated teaching, monthly or in blocks (§(五)4; NULL =
 * the program's default); what credits rest on: a qualification
 * certificate, a competition award or an innovation at work (§(六)2–3). */
static gboolean
migrate_to_7 (StDb    *self,
              GError **error)
{
  return add_column (self, "enrolments", "extension_years",
                     "INTEGER NOT NULL DEFAULT 0 CHECK (extension_years BETWEEN 0 AND 10)", error)
         && st_db_schema_create_triggers (self, "enrolments", error)
         && add_column (self, "classes", "schedule",
                        "TEXT CHECK (schedule IS NULL OR schedule = 'monthly' OR schedule = 'blocks')", error)
         && st_db_schema_create_triggers (self, "classes", error)
         && add_column (self, "exemptions", "credit_basis",
                        "TEXT CHECK (credit_basis IS NULL OR credit_basis = 'certificate' OR credit_basis = 'award'"
                        " OR credit_basis = 'innovation')", error)
         && st_db_schema_create_triggers (self, "exemptions", error);
}

/* The columns of visits after `how`, and the end of the statement: the
 * same in the table migration 8 made and in the one migration 9 makes again
 * with a wider `how` (the SQL both run is unchanged by sharing it). */
#define VISITS_COLUMNS_AFTER_HOW \
  "  reached INTEGER NOT NULL CHECK (reached = 0 OR reached = 1)," \
  "  lives TEXT CHECK (lives IS NULL OR lives = 'home' OR lives = 'away')," \
  "  away_province TEXT," \
  "  away_city TEXT," \
  "  work TEXT CHECK (work IS NULL OR work = 'farming' OR work = 'local' OR work = 'away'" \
  "                   OR work = 'none')," \
  "  health TEXT CHECK (health IS NULL OR health = 'good' OR health = 'illness'" \
  "                     OR health = 'disability')," \
  "  willing TEXT CHECK (willing IS NULL OR willing = 'yes' OR willing = 'no' OR willing = 'later')," \
  "  major TEXT," \
  "  phone TEXT," \
  "  note TEXT" \
  ");"

/* Outreach (issue 21, annex 6 §(二)2): the township's visits to the people
 * of the roster before they enrol. Scoped by the participant's township,
 * like every record that hangs on a person. */
static gboolean
migrate_to_8 (StDb    *self,
              GError **error)
{
  return st_db_exec (self,
                     "CREATE TABLE IF NOT EXISTS visits (" SYNC_COLUMNS
                     "  participant_id TEXT NOT NULL,"
                     "  township_code TEXT NOT NULL,"
                     "  date TEXT NOT NULL,"
                     "  visitor TEXT NOT NULL,"
                     "  how TEXT NOT NULL CHECK (how = 'home' OR how = 'phone' OR how = 'committee'),"
                     VISITS_COLUMNS_AFTER_HOW
                     "CREATE INDEX IF NOT EXISTS visits_participant ON visits (participant_id, date);",
                     error)
         && st_db_schema_create_triggers (self, "visits", error);
}

/* A visit made from the roster's columns about residence, work and health
 * (issue 21 item 4) has how = 'roster'. SQLite changes no CHECK in place:
 * the table is made again with the new one and its rows copied, in the
 * migration's transaction. */
static gboolean
migrate_to_9 (StDb    *self,
              GError **error)
{
  return st_db_exec (self,
                     "CREATE TABLE visits_9 (" SYNC_COLUMNS
                     "  participant_id TEXT NOT NULL,"
                     "  township_code TEXT NOT NULL,"
                     "  date TEXT NOT NULL,"
                     "  visitor TEXT NOT NULL,"
                     "  how TEXT NOT NULL CHECK (how = 'home' OR how = 'phone' OR how = 'committee'"
                     "                           OR how = 'roster'),"
                     VISITS_COLUMNS_AFTER_HOW
                     "INSERT INTO visits_9 (id, hlc, device, deleted, participant_id, township_code, date, visitor,"
                     " how, reached, lives, away_province, away_city, work, health, willing, major, phone, note)"
                     " SELECT id, hlc, device, deleted, participant_id, township_code, date, visitor,"
                     " how, reached, lives, away_province, away_city, work, health, willing, major, phone, note"
                     " FROM visits;"
                     "DROP TABLE visits;"
                     "ALTER TABLE visits_9 RENAME TO visits;"
                     "CREATE INDEX visits_participant ON visits (participant_id, date);",
                     error)
         && st_db_schema_create_triggers (self, "visits", error);
}

/* Migration N brings the schema from version N-1 to N. Append, never edit a
 * migration that has shipped. */
static gboolean (*const migrations[]) (StDb *, GError **) = {
  migrate_to_1,
  migrate_to_2,
  migrate_to_3,
  migrate_to_4,
  migrate_to_5,
  migrate_to_6,
  migrate_to_7,
  migrate_to_8,
  migrate_to_9,
};

int
st_db_get_latest_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

gboolean
st_db_schema_migrate (StDb    *self,
                      GError **error)
{
  int version = st_db_get_schema_version (self);
  int latest = st_db_get_latest_schema_version ();

  if (version < 0)
    return st_db_set_error (self, sqlite3_errcode (st_db_get_handle (self)),
                            _("opening the database"), error);
  if (version > latest)
    {
      g_set_error (error, ST_DB_ERROR, ST_DB_ERROR_NEWER_SCHEMA,
                   _("The database %s was written by a newer version of Shuangti (schema %d; this version knows %d). Update Shuangti to open it."),
                   st_db_get_path (self), version, latest);
      return FALSE;
    }

  for (int v = version; v < latest; v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", v + 1);

      g_debug ("migrating the database from schema %d to %d", v, v + 1);
      if (!st_db_begin (self, error))
        return FALSE;
      if (!migrations[v] (self, error) || !st_db_exec (self, set_version, error))
        {
          st_db_rollback (self);
          return FALSE;
        }
      if (!st_db_commit (self, error))
        return FALSE;
    }
  return TRUE;
}
