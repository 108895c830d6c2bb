/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the person using this laptop may do (SPEC §1, §5).
 *
 * Where it comes from: once the laptop has signed in to the county server,
 * the sync engine keeps the account's role and scope in the database's meta
 * table (sync.role, sync.townships — a JSON array of 12-digit township
 * codes —, sync.account), and those decide. Before any sign-in, the local
 * role and townships chosen in Preferences (GSettings local-role,
 * local-townships, local-trainer) decide; the default is county with every
 * township, so that a laptop that has never synced hides nothing of what
 * its owner entered: the local role is a convenience, not a lock — the
 * server refuses what is out of an account's scope at sync.
 *
 * The roles:
 * - trainer: the classes whose trainers name the account (signed in) or the
 *   local trainer name, in the role's townships; no approval, assessments
 *   or exports;
 * - township: everything of its townships; no approval, assessments or
 *   exports;
 * - county (and admin): everything.
 *
 * How a page uses it:
 *   - st_role_sees_township () and st_role_sees_class () to filter what it
 *     lists (st_role_get_townships () gives the township dropdown's entries:
 *     NULL means all);
 *   - st_role_can (role, ST_PERMISSION_…) for each action, and
 *     st_role_apply_to_widget (role, ST_PERMISSION_…, widget, hide) to hide
 *     a control, or make it insensitive with st_role_why_not () as its
 *     tooltip;
 *   - connect to "changed" (emitted when Preferences change the local role
 *     or sync signs in again: st_role_reload ()) and apply it again, or to
 *     the notify of the one property a widget shows ("kind", "signed-in",
 *     "account", "townships"), or bind that property.
 * The Classes page: list the classes for which st_role_sees_class () holds;
 * the township filter from st_role_get_townships (); a trainer takes
 * attendance and adds sessions and study logs of its classes (nothing
 * there is county-only); sign-in sheets for everyone. */
#pragma once

#include <gtk/gtk.h>

#include "st-db.h"
#include "st-divisions.h"
#include "st-records.h"

G_BEGIN_DECLS

typedef enum
{
  ST_ROLE_TRAINER,
  ST_ROLE_TOWNSHIP,
  ST_ROLE_COUNTY,
} StRoleKind;

typedef enum
{
  ST_PERMISSION_APPROVE,          /* approve graduations, number certificates */
  ST_PERMISSION_ASSESS,           /* record assessment results */
  ST_PERMISSION_EXPORT,           /* the agencies' lists */
  ST_PERMISSION_ALL_TOWNSHIPS,    /* see the whole county */
  ST_PERMISSION_VISIT,            /* record outreach visits (the township office, the county) */
} StPermission;

#define ST_TYPE_ROLE_KIND (st_role_kind_get_type ())
GType st_role_kind_get_type (void);

/* Its state is in read-only properties that notify when they change:
 * "kind" (StRoleKind), "signed-in", "account" (or NULL) and "townships"
 * (a strv, or NULL for all). "changed" is emitted once after any of them. */
#define ST_TYPE_ROLE (st_role_get_type ())
G_DECLARE_FINAL_TYPE (StRole, st_role, ST, ROLE, GObject)

/* Reads the role from @db's meta (after a sign-in) or from @settings (may
 * be NULL: county). Follows changes of @settings. */
StRole             *st_role_new_for_db       (StDb          *db,
                                              GSettings     *settings);
/* A fixed role, for tests. @townships NULL = all. */
StRole             *st_role_new              (StRoleKind     kind,
                                              const char    *const *townships,
                                              const char    *account);
/* Reads the meta and settings again; emits "changed" when anything did. */
void                st_role_reload           (StRole        *self);

StRoleKind          st_role_get_kind         (StRole        *self);
/* TRUE when the role comes from a sign-in (sync.role). */
gboolean            st_role_is_signed_in     (StRole        *self);
/* The account (signed in) or the local trainer's name, or NULL. */
const char         *st_role_get_account      (StRole        *self);
/* The townships the role sees, or NULL for all. */
const char *const  *st_role_get_townships    (StRole        *self);
gboolean            st_role_sees_township    (StRole        *self,
                                              const char    *township_code);
gboolean            st_role_sees_class       (StRole        *self,
                                              const StClass *klass);
gboolean            st_role_can              (StRole        *self,
                                              StPermission   permission);
/* Why not, for a tooltip ("Only county staff approve graduations"). */
const char         *st_role_why_not          (StRole        *self,
                                              StPermission   permission);
/* Hides @widget (@hide) or makes it insensitive with the reason as tooltip
 * when the role may not; shows it, sensitive, with @tooltip otherwise. */
/* The townships the role sees, for a dropdown: their names, first
 * @all_label when the role sees the whole county; @codes is filled with
 * their codes, NULL for @all_label. */
GtkStringList      *st_role_township_choices (StRole        *self,
                                              StDivisions   *divisions,
                                              const char    *all_label,
                                              GPtrArray     *codes);
void                st_role_apply_to_widget  (StRole        *self,
                                              StPermission   permission,
                                              GtkWidget     *widget,
                                              gboolean       hide,
                                              const char    *tooltip);
/* "County staff", "Township office", "Trainer", translated. */
const char         *st_role_kind_to_display  (StRoleKind     kind);
StRoleKind          st_role_kind_from_code   (const char    *code);

G_END_DECLS
