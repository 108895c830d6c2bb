/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "st-json-guard.h"
#include "st-role.h"

struct _StRole
{
  GObject     parent_instance;

  StDb       *db;          /* NULL for a fixed role */
  GSettings  *settings;
  StRoleKind  kind;
  gboolean    signed_in;
  char       *account;
  GStrv       townships;   /* NULL = all */
};

G_DEFINE_FINAL_TYPE (StRole, st_role, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (StRoleKind, st_role_kind,
                    G_DEFINE_ENUM_VALUE (ST_ROLE_TRAINER, "trainer"),
                    G_DEFINE_ENUM_VALUE (ST_ROLE_TOWNSHIP, "township"),
                    G_DEFINE_ENUM_VALUE (ST_ROLE_COUNTY, "county"))

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

enum
{
  PROP_0,
  PROP_KIND,
  PROP_SIGNED_IN,
  PROP_ACCOUNT,
  PROP_TOWNSHIPS,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

StRoleKind
st_role_kind_from_code (const char *code)
{
  if (g_strcmp0 (code, "trainer") == 0)
    return ST_ROLE_TRAINER;
  if (g_strcmp0 (code, "township") == 0)
    return ST_ROLE_TOWNSHIP;
  /* county, admin, and anything unknown from a newer server: the server
   * decides what reaches this laptop anyway. */
  return ST_ROLE_COUNTY;
}

const char *
st_role_kind_to_display (StRoleKind kind)
{
  switch (kind)
    {
    case ST_ROLE_TRAINER: return _("Trainer");
    case ST_ROLE_TOWNSHIP: return _("Township office");
    case ST_ROLE_COUNTY: return _("County staff");
    default: return "";
    }
}

/* A JSON array of 12-digit codes; NULL when there is none or it is not
 * one. */
static GStrv
parse_townships (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;
  guint n = 0;

  if (json == NULL || !st_json_parser_load (parser, json, -1, NULL)
      || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return NULL;
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *code = json_array_get_string_element (array, i);

      if (code != NULL && strlen (code) == 12)
        {
          g_strv_builder_add (builder, code);
          n++;
        }
    }
  return n > 0 ? g_strv_builder_end (builder) : NULL;
}

static gboolean
strv_equal0 (GStrv a,
             GStrv b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strv_equal ((const char *const *) a, (const char *const *) b);
}

void
st_role_reload (StRole *self)
{
  g_autofree char *role = NULL;
  g_autofree char *account = NULL;
  g_auto(GStrv) townships = NULL;
  StRoleKind kind = ST_ROLE_COUNTY;
  gboolean signed_in = FALSE;

  g_return_if_fail (ST_IS_ROLE (self));
  if (self->db == NULL)
    return;

  role = st_db_get_meta (self->db, "sync.role");
  if (role != NULL && *role != '\0')
    {
      g_autofree char *json = st_db_get_meta (self->db, "sync.townships");

      signed_in = TRUE;
      kind = st_role_kind_from_code (role);
      account = st_db_get_meta (self->db, "sync.account");
      townships = kind == ST_ROLE_COUNTY ? NULL : parse_townships (json);
    }
  else if (self->settings != NULL)
    {
      g_autofree char *local = g_settings_get_string (self->settings, "local-role");
      g_auto(GStrv) codes = g_settings_get_strv (self->settings, "local-townships");

      kind = st_role_kind_from_code (local);
      account = g_settings_get_string (self->settings, "local-trainer");
      if (kind != ST_ROLE_COUNTY && codes != NULL && codes[0] != NULL)
        townships = g_steal_pointer (&codes);
    }
  if (account != NULL && *account == '\0')
    g_clear_pointer (&account, g_free);

  if (kind == self->kind && signed_in == self->signed_in && g_strcmp0 (account, self->account) == 0
      && strv_equal0 (townships, self->townships))
    return;
  g_object_freeze_notify (G_OBJECT (self));
  if (kind != self->kind)
    {
      self->kind = kind;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
    }
  if (signed_in != self->signed_in)
    {
      self->signed_in = signed_in;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
    }
  if (g_strcmp0 (account, self->account) != 0)
    {
      g_free (self->account);
      self->account = g_steal_pointer (&account);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
    }
  if (!strv_equal0 (townships, self->townships))
    {
      g_strfreev (self->townships);
      self->townships = g_steal_pointer (&townships);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOWNSHIPS]);
    }
  g_debug ("role: %d, %s", kind, signed_in ? "signed in" : "local");
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_settings_changed (StRole *self)
{
  st_role_reload (self);
}

static void
st_role_finalize (GObject *object)
{
  StRole *self = ST_ROLE (object);

  g_clear_object (&self->db);
  g_clear_object (&self->settings);
  g_free (self->account);
  g_strfreev (self->townships);

  G_OBJECT_CLASS (st_role_parent_class)->finalize (object);
}

static void
st_role_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  StRole *self = ST_ROLE (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->signed_in);
      break;
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    case PROP_TOWNSHIPS:
      g_value_set_boxed (value, self->townships);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
st_role_class_init (StRoleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = st_role_finalize;
  object_class->get_property = st_role_get_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, ST_TYPE_ROLE_KIND, ST_ROLE_COUNTY,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT] =
    g_param_spec_string ("account", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOWNSHIPS] =
    g_param_spec_boxed ("townships", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The role, its townships or its account changed. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
st_role_init (StRole *self)
{
  self->kind = ST_ROLE_COUNTY;
}

StRole *
st_role_new_for_db (StDb      *db,
                    GSettings *settings)
{
  StRole *self = g_object_new (ST_TYPE_ROLE, NULL);

  g_return_val_if_fail (ST_IS_DB (db), NULL);
  self->db = g_object_ref (db);
  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      g_signal_connect_object (settings, "changed::local-role", G_CALLBACK (on_settings_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "changed::local-townships", G_CALLBACK (on_settings_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "changed::local-trainer", G_CALLBACK (on_settings_changed), self,
                               G_CONNECT_SWAPPED);
    }
  /* Quietly: nobody listens yet. */
  self->kind = (StRoleKind) -1;
  st_role_reload (self);
  return self;
}

StRole *
st_role_new (StRoleKind         kind,
             const char *const *townships,
             const char        *account)
{
  StRole *self = g_object_new (ST_TYPE_ROLE, NULL);

  self->kind = kind;
  self->townships = townships && townships[0] && kind != ST_ROLE_COUNTY ? g_strdupv ((GStrv) townships) : NULL;
  self->account = g_strdup (account);
  return self;
}

StRoleKind
st_role_get_kind (StRole *self)
{
  g_return_val_if_fail (ST_IS_ROLE (self), ST_ROLE_COUNTY);
  return self->kind;
}

gboolean
st_role_is_signed_in (StRole *self)
{
  g_return_val_if_fail (ST_IS_ROLE (self), FALSE);
  return self->signed_in;
}

const char *
st_role_get_account (StRole *self)
{
  g_return_val_if_fail (ST_IS_ROLE (self), NULL);
  return self->account;
}

const char *const *
st_role_get_townships (StRole *self)
{
  g_return_val_if_fail (ST_IS_ROLE (self), NULL);
  return (const char *const *) self->townships;
}

gboolean
st_role_sees_township (StRole     *self,
                       const char *township_code)
{
  g_return_val_if_fail (ST_IS_ROLE (self), FALSE);
  if (self->kind == ST_ROLE_COUNTY || self->townships == NULL)
    return TRUE;
  return township_code != NULL && g_strv_contains ((const char *const *) self->townships, township_code);
}

gboolean
st_role_sees_class (StRole        *self,
                    const StClass *klass)
{
  g_return_val_if_fail (ST_IS_ROLE (self), FALSE);
  g_return_val_if_fail (klass != NULL, FALSE);
  if (!st_role_sees_township (self, klass->township_code))
    return FALSE;
  /* A trainer without a name (a local role with none set) sees the
   * classes of its townships. */
  if (self->kind != ST_ROLE_TRAINER || self->account == NULL)
    return TRUE;
  return klass->trainers != NULL && g_strv_contains ((const char *const *) klass->trainers, self->account);
}

gboolean
st_role_can (StRole       *self,
             StPermission  permission)
{
  g_return_val_if_fail (ST_IS_ROLE (self), FALSE);
  switch (permission)
    {
    case ST_PERMISSION_APPROVE:
    case ST_PERMISSION_ASSESS:
      return self->kind == ST_ROLE_COUNTY && (self->db == NULL || !st_db_is_read_only (self->db));
    case ST_PERMISSION_EXPORT:
      return self->kind == ST_ROLE_COUNTY;
    case ST_PERMISSION_ALL_TOWNSHIPS:
      return self->kind == ST_ROLE_COUNTY || self->townships == NULL;
    case ST_PERMISSION_VISIT:
      /* The server refuses a trainer's visits: not offered. */
      return self->kind != ST_ROLE_TRAINER && (self->db == NULL || !st_db_is_read_only (self->db));
    default:
      return FALSE;
    }
}

const char *
st_role_why_not (StRole       *self,
                 StPermission  permission)
{
  if (st_role_can (self, permission))
    return NULL;
  if ((permission == ST_PERMISSION_APPROVE || permission == ST_PERMISSION_ASSESS
       || (permission == ST_PERMISSION_VISIT && self->kind != ST_ROLE_TRAINER)))
    return _("The database is read-only: changes cannot be saved");
  switch (permission)
    {
    case ST_PERMISSION_APPROVE: return _("Only county staff approve graduations and number certificates");
    case ST_PERMISSION_ASSESS: return _("Only county staff record assessment results");
    case ST_PERMISSION_EXPORT: return _("Only county staff export lists for the agencies");
    case ST_PERMISSION_ALL_TOWNSHIPS: return _("Your account sees only its own townships");
    case ST_PERMISSION_VISIT: return _("Visits are recorded by the township office, not with a trainer’s account");
    default: return NULL;
    }
}

void
st_role_apply_to_widget (StRole       *self,
                         StPermission  permission,
                         GtkWidget    *widget,
                         gboolean      hide,
                         const char   *tooltip)
{
  gboolean can = st_role_can (self, permission);

  g_return_if_fail (GTK_IS_WIDGET (widget));
  if (hide)
    {
      gtk_widget_set_visible (widget, can);
      return;
    }
  gtk_widget_set_visible (widget, TRUE);
  gtk_widget_set_sensitive (widget, can);
  gtk_widget_set_tooltip_text (widget, can ? tooltip : st_role_why_not (self, permission));
}

GtkStringList *
st_role_township_choices (StRole      *self,
                          StDivisions *divisions,
                          const char  *all_label,
                          GPtrArray   *codes)
{
  GtkStringList *names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) list = st_divisions_townships (divisions);

  g_return_val_if_fail (ST_IS_ROLE (self), names);

  g_ptr_array_set_size (codes, 0);
  if (st_role_can (self, ST_PERMISSION_ALL_TOWNSHIPS))
    {
      gtk_string_list_append (names, all_label);
      g_ptr_array_add (codes, NULL);
    }
  for (guint i = 0; i < list->len; i++)
    {
      const StDivision *t = g_ptr_array_index (list, i);

      if (!st_role_sees_township (self, t->code))
        continue;
      gtk_string_list_append (names, t->name);
      g_ptr_array_add (codes, g_strdup (t->code));
    }
  return names;
}
