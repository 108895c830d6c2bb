/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "st-sync-controller.h"
#include "st-sync-pin.h"
#include "st-sync-problem.h"
#include "st-token-store.h"

#define PERIOD_S (15 * 60)

struct _StSyncController
{
  GObject        parent_instance;

  StDb          *db;
  gboolean       automatic;
  StSyncAccount *account;      /* NULL when not signed in */
  char          *token;
  StSyncStatus   status;
  char          *title;
  char          *detail;
  char          *error_details;
  char          *reason;       /* why the server cannot be reached, once diagnosed */
  gint64         pending;
  gint64         review_count;
  gboolean       syncing;
  gint64         last_rejected;
  gboolean       again;        /* sync once more when this one ends */
  StSyncProgress progress;
  GCancellable  *cancellable;
  guint          timer;
  guint          retry;
  guint          retry_s;
  GNetworkMonitor *monitor;

  /* What the properties said last, to notify only what changed. */
  struct
  {
    StSyncStatus status;
    char        *title;
    char        *detail;
    char        *error_details;
    gint64       pending;
    gint64       review_count;
    gboolean     signed_in;
    gboolean     syncing;
    char        *account_label;
    gint64       last_rejected;
  } shown;
};

G_DEFINE_FINAL_TYPE (StSyncController, st_sync_controller, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (StSyncStatus, st_sync_status,
                    G_DEFINE_ENUM_VALUE (ST_SYNC_STATUS_NOT_SET_UP, "not-set-up"),
                    G_DEFINE_ENUM_VALUE (ST_SYNC_STATUS_UP_TO_DATE, "up-to-date"),
                    G_DEFINE_ENUM_VALUE (ST_SYNC_STATUS_WAITING, "waiting"),
                    G_DEFINE_ENUM_VALUE (ST_SYNC_STATUS_SYNCING, "syncing"),
                    G_DEFINE_ENUM_VALUE (ST_SYNC_STATUS_OFFLINE, "offline"),
                    G_DEFINE_ENUM_VALUE (ST_SYNC_STATUS_SIGN_IN_NEEDED, "sign-in-needed"),
                    G_DEFINE_ENUM_VALUE (ST_SYNC_STATUS_ERROR, "error"))

enum { SIGNAL_CHANGED, SIGNAL_SYNCED, N_SIGNALS };
static guint signals[N_SIGNALS];

enum
{
  PROP_0,
  PROP_STATUS,
  PROP_TITLE,
  PROP_DETAIL,
  PROP_ERROR_DETAILS,
  PROP_PENDING,
  PROP_REVIEW_COUNT,
  PROP_SIGNED_IN,
  PROP_SYNCING,
  PROP_ACCOUNT_LABEL,
  PROP_LAST_REJECTED,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

/* Notifies the properties whose value is not what they said last. */
static void
notify_changes (StSyncController *self)
{
  g_autofree char *account = st_sync_controller_dup_account_label (self);
  const char *error_details = st_sync_controller_get_error_details (self);
  gboolean signed_in = st_sync_controller_is_signed_in (self);
  GObject *object = G_OBJECT (self);

  g_object_freeze_notify (object);
#define SHOW_VALUE(field, value, prop) \
  if (self->shown.field != (value)) \
    { \
      self->shown.field = (value); \
      g_object_notify_by_pspec (object, properties[prop]); \
    }
#define SHOW_TEXT(field, value, prop) \
  if (g_strcmp0 (self->shown.field, (value)) != 0) \
    { \
      g_free (self->shown.field); \
      self->shown.field = g_strdup (value); \
      g_object_notify_by_pspec (object, properties[prop]); \
    }
  SHOW_VALUE (status, self->status, PROP_STATUS);
  SHOW_TEXT (title, self->title, PROP_TITLE);
  SHOW_TEXT (detail, self->detail, PROP_DETAIL);
  SHOW_TEXT (error_details, error_details, PROP_ERROR_DETAILS);
  SHOW_VALUE (pending, self->pending, PROP_PENDING);
  SHOW_VALUE (review_count, self->review_count, PROP_REVIEW_COUNT);
  SHOW_VALUE (signed_in, signed_in, PROP_SIGNED_IN);
  SHOW_VALUE (syncing, self->syncing, PROP_SYNCING);
  SHOW_TEXT (account_label, account, PROP_ACCOUNT_LABEL);
  SHOW_VALUE (last_rejected, self->last_rejected, PROP_LAST_REJECTED);
#undef SHOW_VALUE
#undef SHOW_TEXT
  g_object_thaw_notify (object);
}

/* The state or its texts changed: the properties that did notify, then
 * "changed" for whoever reads everything. */
static void
emit_changed (StSyncController *self)
{
  notify_changes (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (ms / 1000);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (g_date_time_get_year (when) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    return g_date_time_format (when, "%H:%M");
  /* Translators: a date and time in the sync status, see g_date_time_format (). */
  return g_date_time_format (when, _("%Y-%m-%d %H:%M"));
}

static void
update_texts (StSyncController *self)
{
  gint64 last = st_sync_last_sync (self->db);
  g_autofree char *last_text = last > 0 ? format_time (last) : NULL;
  g_autofree char *last_line = last_text != NULL ? g_strdup_printf (_("Last synced at %s."), last_text)
                                                 : g_strdup (_("Not synced yet."));

  g_free (self->title);
  g_free (self->detail);
  switch (self->status)
    {
    case ST_SYNC_STATUS_NOT_SET_UP:
      self->title = g_strdup (_("Not syncing"));
      self->detail = g_strdup (_("Sign in to the county server to share records with the other laptops."));
      break;
    case ST_SYNC_STATUS_UP_TO_DATE:
      self->title = g_strdup (_("Up to date"));
      self->detail = g_strdup (last_line);
      break;
    case ST_SYNC_STATUS_WAITING:
      self->title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld change waiting", "%lld changes waiting",
                                                  (gulong) self->pending), (long long) self->pending);
      self->detail = g_strdup (last_line);
      break;
    case ST_SYNC_STATUS_SYNCING:
      self->title = g_strdup (_("Syncing…"));
      if (self->progress.phase == ST_SYNC_PHASE_PUSHING && self->progress.total > 0)
        self->detail = g_strdup_printf (_("Sending %lld of %lld changes"), (long long) self->progress.done,
                                        (long long) self->progress.total);
      else if (self->progress.phase == ST_SYNC_PHASE_PULLING && self->progress.done > 0)
        self->detail = g_strdup_printf (_("Received %lld records"), (long long) self->progress.done);
      else
        self->detail = g_strdup (_("Connecting to the server…"));
      break;
    case ST_SYNC_STATUS_OFFLINE:
      self->title = g_strdup (_("Offline"));
      if (self->reason != NULL)
        {
          g_autofree char *kept = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "%lld change is kept on this laptop meanwhile.",
                                                                "%lld changes are kept on this laptop meanwhile.",
                                                                (gulong) self->pending), (long long) self->pending);

          self->detail = g_strdup_printf ("%s %s", self->reason, kept);
        }
      else
        self->detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "The server cannot be reached. %lld change is kept on this laptop and sent when the network is back.",
                                                     "The server cannot be reached. %lld changes are kept on this laptop and sent when the network is back.",
                                                     (gulong) self->pending), (long long) self->pending);
      break;
    case ST_SYNC_STATUS_SIGN_IN_NEEDED:
      self->title = g_strdup (_("Sign in again"));
      self->detail = g_strdup (_("The server asks for the password again. Changes are kept on this laptop meanwhile."));
      break;
    case ST_SYNC_STATUS_ERROR:
    default:
      self->title = g_strdup (_("Sync failed"));
      self->detail = g_strdup (self->error_details != NULL ? self->error_details : "");
      break;
    }
}

static void
set_status (StSyncController *self,
            StSyncStatus      status)
{
  self->status = status;
  update_texts (self);
  emit_changed (self);
}

/* An outbox that cannot be read is not an empty one: not "up to date". */
static void
count_pending (StSyncController *self)
{
  g_autoptr(GError) error = NULL;

  self->pending = st_sync_count_pending_full (self->db, &error);
  if (self->pending < 0)
    {
      g_free (self->error_details);
      self->error_details = g_strdup (error->message);
    }
}

static StSyncStatus
resting_status (StSyncController *self)
{
  if (self->account == NULL)
    return ST_SYNC_STATUS_NOT_SET_UP;
  if (self->token == NULL)
    return ST_SYNC_STATUS_SIGN_IN_NEEDED;
  if (self->pending < 0)
    return ST_SYNC_STATUS_ERROR;
  return self->pending > 0 ? ST_SYNC_STATUS_WAITING : ST_SYNC_STATUS_UP_TO_DATE;
}

void
st_sync_controller_refresh (StSyncController *self)
{
  g_return_if_fail (ST_IS_SYNC_CONTROLLER (self));

  count_pending (self);
  self->review_count = st_sync_count_items (self->db);
  if (!self->syncing && (self->status == ST_SYNC_STATUS_UP_TO_DATE || self->status == ST_SYNC_STATUS_WAITING
                         || self->status == ST_SYNC_STATUS_NOT_SET_UP))
    self->status = resting_status (self);
  update_texts (self);
  emit_changed (self);
}

static void
on_progress (const StSyncProgress *progress,
             gpointer              user_data)
{
  StSyncController *self = user_data;

  if (!self->syncing)
    return;
  self->progress = *progress;
  set_status (self, ST_SYNC_STATUS_SYNCING);
}

static gboolean retry_sync (gpointer user_data);

static void
diagnose_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  const char *server = task_data;
  StSyncProblem problem = st_sync_problem_diagnose (server, cancellable);

  g_task_return_pointer (task, st_sync_problem_describe (problem, server), g_free);
}

static void
diagnose_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  StSyncController *self = ST_SYNC_CONTROLLER (source);
  g_autofree char *reason = g_task_propagate_pointer (G_TASK (result), NULL);

  if (reason == NULL || self->syncing
      || (self->status != ST_SYNC_STATUS_OFFLINE && self->status != ST_SYNC_STATUS_ERROR))
    return;
  g_free (self->reason);
  self->reason = g_steal_pointer (&reason);
  if (self->status == ST_SYNC_STATUS_ERROR)
    {
      g_free (self->error_details);
      self->error_details = g_strdup (self->reason);
    }
  update_texts (self);
  emit_changed (self);
}

/* The sync could not reach the server: find out why, off the main thread. */
static void
diagnose (StSyncController *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->account == NULL || self->account->server == NULL)
    return;
  task = g_task_new (self, self->cancellable, diagnose_done, NULL);
  g_task_set_source_tag (task, diagnose);
  g_task_set_task_data (task, g_strdup (self->account->server), g_free);
  g_task_run_in_thread (task, diagnose_thread);
}

static void
sync_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StSyncController) self = user_data;
  g_autoptr(GError) error = NULL;
  StSyncStats stats = { 0 };
  gboolean ok = st_sync_run_finish (result, &stats, &error);

  self->syncing = FALSE;
  g_clear_pointer (&self->error_details, g_free);
  g_clear_pointer (&self->reason, g_free);
  self->last_rejected = stats.rejected;
  if (ok)
    {
      self->retry_s = 0;
      count_pending (self);
      self->review_count = st_sync_count_items (self->db);
      set_status (self, resting_status (self));
      if (stats.pulled > 0 || stats.evicted > 0 || stats.rejected > 0 || stats.pushed > 0)
        g_signal_emit (self, signals[SIGNAL_SYNCED], 0);
      if (self->again)
        {
          self->again = FALSE;
          st_sync_controller_sync_now (self);
        }
      return;
    }

  self->again = FALSE;
  count_pending (self);
  if (g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CANCELLED))
    {
      set_status (self, resting_status (self));
      return;
    }
  {
    g_autofree char *text = st_sync_describe_error (error);

    self->error_details = g_strdup_printf ("%s\n%s", text, error->message);
    g_message ("sync failed: %s", error->message);
  }
  /* The server's certificate changed (or is no longer trusted): nothing is
   * sent until a person compares the new one and accepts it, which the
   * sign-in dialog offers. */
  if (g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SIGN_IN_NEEDED)
      || g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CERTIFICATE_CHANGED)
      || g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_CERTIFICATE))
    {
      g_clear_pointer (&self->token, g_free);
      set_status (self, ST_SYNC_STATUS_SIGN_IN_NEEDED);
      return;
    }
  set_status (self, g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE) ? ST_SYNC_STATUS_OFFLINE
                                                                                  : ST_SYNC_STATUS_ERROR);
  if (g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_OFFLINE)
      || g_error_matches (error, ST_SYNC_ERROR, ST_SYNC_ERROR_SERVER))
    diagnose (self);
  /* Again later, less and less often. */
  if (self->automatic && self->retry == 0)
    {
      self->retry_s = self->retry_s == 0 ? 60 : MIN (self->retry_s * 2, PERIOD_S);
      self->retry = g_timeout_add_seconds (self->retry_s, retry_sync, self);
    }
}

void
st_sync_controller_sync_now (StSyncController *self)
{
  g_return_if_fail (ST_IS_SYNC_CONTROLLER (self));

  if (self->account == NULL || self->token == NULL)
    return;
  if (self->syncing)
    {
      self->again = TRUE;
      return;
    }
  self->syncing = TRUE;
  self->progress = (StSyncProgress) { ST_SYNC_PHASE_CONNECTING, 0, -1 };
  set_status (self, ST_SYNC_STATUS_SYNCING);
  st_sync_run_async (st_db_get_path (self->db), self->token, on_progress, self, self->cancellable,
                     sync_done, g_object_ref (self));
}

static gboolean
retry_sync (gpointer user_data)
{
  StSyncController *self = user_data;

  self->retry = 0;
  st_sync_controller_sync_now (self);
  return G_SOURCE_REMOVE;
}

static gboolean
periodic_sync (gpointer user_data)
{
  st_sync_controller_sync_now (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_network_changed (GNetworkMonitor  *monitor,
                    gboolean          available,
                    StSyncController *self)
{
  if (available && (self->status == ST_SYNC_STATUS_OFFLINE || self->status == ST_SYNC_STATUS_WAITING))
    st_sync_controller_sync_now (self);
}

static void
load_account (StSyncController *self)
{
  g_clear_pointer (&self->account, st_sync_account_free);
  g_clear_pointer (&self->token, g_free);
  self->account = st_sync_account_load (self->db);
  if (self->account != NULL)
    self->token = st_token_store_load (self->db, self->account->server, self->account->name);
}

static void
st_sync_controller_dispose (GObject *object)
{
  StSyncController *self = ST_SYNC_CONTROLLER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer, g_source_remove);
  g_clear_handle_id (&self->retry, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  G_OBJECT_CLASS (st_sync_controller_parent_class)->dispose (object);
}

static void
st_sync_controller_finalize (GObject *object)
{
  StSyncController *self = ST_SYNC_CONTROLLER (object);

  g_clear_object (&self->db);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->account, st_sync_account_free);
  g_free (self->token);
  g_free (self->title);
  g_free (self->detail);
  g_free (self->error_details);
  g_free (self->reason);
  g_free (self->shown.title);
  g_free (self->shown.detail);
  g_free (self->shown.error_details);
  g_free (self->shown.account_label);
  G_OBJECT_CLASS (st_sync_controller_parent_class)->finalize (object);
}

static void
st_sync_controller_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  StSyncController *self = ST_SYNC_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_enum (value, self->shown.status);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->shown.title);
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->shown.detail);
      break;
    case PROP_ERROR_DETAILS:
      g_value_set_string (value, self->shown.error_details);
      break;
    case PROP_PENDING:
      g_value_set_int64 (value, self->shown.pending);
      break;
    case PROP_REVIEW_COUNT:
      g_value_set_int64 (value, self->shown.review_count);
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->shown.signed_in);
      break;
    case PROP_SYNCING:
      g_value_set_boolean (value, self->shown.syncing);
      break;
    case PROP_ACCOUNT_LABEL:
      g_value_set_string (value, self->shown.account_label);
      break;
    case PROP_LAST_REJECTED:
      g_value_set_int64 (value, self->shown.last_rejected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
st_sync_controller_class_init (StSyncControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = st_sync_controller_dispose;
  object_class->finalize = st_sync_controller_finalize;
  object_class->get_property = st_sync_controller_get_property;

  properties[PROP_STATUS] = g_param_spec_enum ("status", NULL, NULL, ST_TYPE_SYNC_STATUS,
                                               ST_SYNC_STATUS_NOT_SET_UP, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_DETAIL] = g_param_spec_string ("detail", NULL, NULL, NULL, flags);
  properties[PROP_ERROR_DETAILS] = g_param_spec_string ("error-details", NULL, NULL, NULL, flags);
  properties[PROP_PENDING] = g_param_spec_int64 ("pending", NULL, NULL, -1, G_MAXINT64, 0, flags);
  properties[PROP_REVIEW_COUNT] = g_param_spec_int64 ("review-count", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_SIGNED_IN] = g_param_spec_boolean ("signed-in", NULL, NULL, FALSE, flags);
  properties[PROP_SYNCING] = g_param_spec_boolean ("syncing", NULL, NULL, FALSE, flags);
  properties[PROP_ACCOUNT_LABEL] = g_param_spec_string ("account-label", NULL, NULL, NULL, flags);
  properties[PROP_LAST_REJECTED] = g_param_spec_int64 ("last-rejected", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The state or its texts changed. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A sync ended that changed something here: pages reload. */
  signals[SIGNAL_SYNCED] = g_signal_new ("synced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
st_sync_controller_init (StSyncController *self)
{
  self->cancellable = g_cancellable_new ();
}

StSyncController *
st_sync_controller_new (StDb     *db,
                        gboolean  automatic)
{
  StSyncController *self = g_object_new (ST_TYPE_SYNC_CONTROLLER, NULL);

  self->db = g_object_ref (db);
  self->automatic = automatic;
  load_account (self);
  count_pending (self);
  self->review_count = st_sync_count_items (db);
  self->status = resting_status (self);
  update_texts (self);
  notify_changes (self);   /* nobody listens yet: the first values */

  if (automatic)
    {
      self->timer = g_timeout_add_seconds (PERIOD_S, periodic_sync, self);
      self->monitor = g_network_monitor_get_default ();
      g_signal_connect (self->monitor, "network-changed", G_CALLBACK (on_network_changed), self);
      if (self->token != NULL)
        self->retry = g_timeout_add_seconds (3, retry_sync, self);
    }
  return self;
}

StSyncStatus
st_sync_controller_get_status (StSyncController *self)
{
  return self->status;
}

const char *
st_sync_controller_get_title (StSyncController *self)
{
  return self->title;
}

const char *
st_sync_controller_get_detail (StSyncController *self)
{
  return self->detail;
}

const char *
st_sync_controller_get_error_details (StSyncController *self)
{
  return self->status == ST_SYNC_STATUS_ERROR || self->status == ST_SYNC_STATUS_OFFLINE
         ? self->error_details : NULL;
}

gint64
st_sync_controller_get_pending (StSyncController *self)
{
  return self->pending;
}

gint64
st_sync_controller_get_review_count (StSyncController *self)
{
  return self->review_count;
}

char *
st_sync_controller_dup_account_label (StSyncController *self)
{
  if (self->account == NULL)
    return NULL;
  return g_strdup_printf ("%s · %s", self->account->name, self->account->server);
}

gboolean
st_sync_controller_is_signed_in (StSyncController *self)
{
  return self->account != NULL && self->token != NULL;
}

gint64
st_sync_controller_get_last_rejected (StSyncController *self)
{
  return self->last_rejected;
}

gboolean
st_sync_controller_is_syncing (StSyncController *self)
{
  return self->syncing;
}

typedef struct
{
  char *path;
  char *server;
  char *user;
  char *password;
} SignIn;

static void
sign_in_free (SignIn *data)
{
  g_free (data->path);
  g_free (data->server);
  g_free (data->user);
  if (data->password != NULL)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
  g_free (data);
}

static void
sign_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SignIn *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (data->path, &error);
  g_autoptr(StSyncAccount) account = NULL;

  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  account = st_sync_sign_in (db, data->server, data->user, data->password, cancellable, &error);
  if (account == NULL)
    {
      /* "Offline" says too little to act on: what exactly is wrong. */
      st_sync_problem_refine (&error, data->server, cancellable);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  st_token_store_save (db, account->server, account->name, account->token);
  g_task_return_boolean (task, TRUE);
}

void
st_sync_controller_sign_in_async (StSyncController    *self,
                                  const char          *server,
                                  const char          *user,
                                  const char          *password,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  SignIn *data = g_new0 (SignIn, 1);

  data->path = g_strdup (st_db_get_path (self->db));
  data->server = g_strdup (server);
  data->user = g_strdup (user);
  data->password = g_strdup (password);
  g_task_set_source_tag (task, st_sync_controller_sign_in_async);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);
  g_task_run_in_thread (task, sign_in_thread);
}

gboolean
st_sync_controller_sign_in_finish (StSyncController  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  load_account (self);
  self->retry_s = 0;
  st_sync_controller_refresh (self);
  set_status (self, resting_status (self));
  st_sync_controller_sync_now (self);
  return TRUE;
}

typedef struct
{
  char *path;
  char *token;
  char *server;
  char *user;
} SignOut;

static void
sign_out_free (SignOut *data)
{
  g_free (data->path);
  g_free (data->token);
  g_free (data->server);
  g_free (data->user);
  g_free (data);
}

static void
sign_out_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SignOut *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StDb) db = st_db_open (data->path, &error);

  if (db == NULL || !st_sync_sign_out (db, data->token, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->server != NULL)
    st_token_store_clear (db, data->server, data->user);
  g_task_return_boolean (task, TRUE);
}

void
st_sync_controller_sign_out_async (StSyncController    *self,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  SignOut *data = g_new0 (SignOut, 1);

  /* Stop a sync that is running; what it did so far is committed. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->syncing = FALSE;
  g_clear_handle_id (&self->retry, g_source_remove);

  data->path = g_strdup (st_db_get_path (self->db));
  data->token = g_strdup (self->token);
  if (self->account != NULL)
    {
      data->server = g_strdup (self->account->server);
      data->user = g_strdup (self->account->name);
    }
  g_task_set_source_tag (task, st_sync_controller_sign_out_async);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_out_free);
  g_task_run_in_thread (task, sign_out_thread);
}

gboolean
st_sync_controller_sign_out_finish (StSyncController  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  gboolean ok = g_task_propagate_boolean (G_TASK (result), error);

  load_account (self);
  st_sync_controller_refresh (self);
  set_status (self, resting_status (self));
  return ok;
}

gint64
st_sync_controller_get_clock_offset (StSyncController *self)
{
  g_autofree char *offset = NULL;

  g_return_val_if_fail (ST_IS_SYNC_CONTROLLER (self), 0);
  offset = st_db_get_meta (self->db, "sync.clock_offset");
  return offset != NULL ? g_ascii_strtoll (offset, NULL, 10) : 0;
}

gboolean
st_sync_controller_trust_certificate (StSyncController  *self,
                                      const char        *server,
                                      const char        *pin,
                                      GError           **error)
{
  g_return_val_if_fail (ST_IS_SYNC_CONTROLLER (self), FALSE);
  return st_sync_set_pin (self->db, server, pin, error);
}
