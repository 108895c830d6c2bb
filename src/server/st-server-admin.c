/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shuangti-server user … and audit …: what a county's IT person types. The
 * password never comes from the command line (it would show in ps and the
 * shell's history): from a prompt, or one line on stdin for scripts. */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "st-divisions.h"
#include "st-server-admin.h"
#include "st-server-admin-private.h"
#include "st-server-bundle.h"
#include "st-server-auth.h"
#include "st-store-sqlite.h"

#define MIN_PASSWORD_CHARS 8
#define MAX_PASSWORD_BYTES 1024

void
st_admin_print_error (const char *message)
{
  /* Translators: an error message of the server's administration commands */
  g_printerr (_("shuangti-server: %s\n"), message);
}

/* Run as root on a file that belongs to the service's user, SQLite would
 * leave -wal and -shm files the server cannot open. */
gboolean
st_admin_check_owner (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  GStatBuf st;

  if (geteuid () != 0 || !st_store_is_file (path))
    return TRUE;
  if (g_stat (path, &st) != 0 && g_stat (dir, &st) != 0)
    return TRUE;
  if (st.st_uid != 0)
    {
      struct passwd *pw = getpwuid (st.st_uid);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("%s belongs to the user %s: run this command as that user (sudo -u %s shuangti-server …), or the server could no longer write its database."),
                   path, pw ? pw->pw_name : "?", pw ? pw->pw_name : "?");
      return FALSE;
    }
  return TRUE;
}

StStore *
st_admin_open_store (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  StStore *store;

  if (db_path == NULL)
    {
      st_admin_print_error (_("Give the server database with --db FILE."));
      return NULL;
    }
  if (!st_admin_check_owner (db_path, &error))
    {
      st_admin_print_error (error->message);
      return NULL;
    }
  store = st_store_open (db_path, &error);
  if (store == NULL)
    st_admin_print_error (error->message);
  return store;
}

static char *
read_line (FILE *in)
{
  char *line = NULL;
  size_t size = 0;
  ssize_t n = getline (&line, &size, in);

  if (n < 0)
    {
      free (line);
      return NULL;
    }
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  {
    char *copy = g_strdup (line);

    sodium_memzero (line, size);
    free (line);
    return copy;
  }
}

static char *
prompt_hidden (const char *prompt)
{
  struct termios old, quiet;
  gboolean hidden = tcgetattr (STDIN_FILENO, &old) == 0;
  char *line;

  g_printerr ("%s", prompt);
  if (hidden)
    {
      quiet = old;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  line = read_line (stdin);
  if (hidden)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
      g_printerr ("\n");
    }
  return line;
}

static void
free_secret (char *secret)
{
  if (secret == NULL)
    return;
  sodium_memzero (secret, strlen (secret));
  g_free (secret);
}

typedef char *StSecret;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (StSecret, free_secret, NULL)

/* The new password of @name, asked twice at a terminal, or one line of
 * stdin. */
static char *
read_password (const char  *name,
               GError     **error)
{
  char *password;

  if (isatty (STDIN_FILENO))
    {
      g_autofree char *prompt = g_strdup_printf (_("New password for %s: "), name);
      g_auto(StSecret) again = NULL;

      password = prompt_hidden (prompt);
      if (password != NULL)
        again = prompt_hidden (_("Repeat the password: "));
      if (password != NULL && g_strcmp0 (password, again) != 0)
        {
          free_secret (password);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The two passwords differ. Nothing was changed."));
          return NULL;
        }
    }
  else
    password = read_line (stdin);

  if (password == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("No password was given: type it at the prompt, or give it as one line on standard input."));
      return NULL;
    }
  if (!g_utf8_validate (password, -1, NULL) || g_utf8_strlen (password, -1) < MIN_PASSWORD_CHARS
      || strlen (password) > MAX_PASSWORD_BYTES)
    {
      free_secret (password);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("A password needs at least %d characters (and at most %d bytes). Nothing was changed."),
                   MIN_PASSWORD_CHARS, MAX_PASSWORD_BYTES);
      return NULL;
    }
  return password;
}

static gboolean
name_is_valid (const char *name)
{
  if (!g_utf8_validate (name, -1, NULL) || *name == '\0' || g_utf8_strlen (name, -1) > 64)
    return FALSE;
  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || !g_unichar_isprint (c))
        return FALSE;
    }
  return TRUE;
}

/* A township by 12-digit code, 9-digit code or name of the default
 * county; codes of other counties are taken as they are. */
static char *
resolve_township (StDivisions  *divisions,
                  const char   *text,
                  GError      **error)
{
  const StDivision *division = st_divisions_find_township (divisions, text);
  gboolean digits = *text != '\0';

  if (division != NULL)
    return g_strdup (division->code);
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p))
      digits = FALSE;
  if (digits && (strlen (text) == 12 || strlen (text) == 9))
    {
      g_autofree char *code = strlen (text) == 12 ? g_strdup (text) : g_strconcat (text, "000", NULL);
      const StDivision *known = st_divisions_lookup (divisions, code);

      /* A code of no township would give an account that sees nothing. */
      if (known != NULL && known->level == ST_DIVISION_TOWNSHIP)
        return g_steal_pointer (&code);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a township: give its 12-digit code (such as 522327104000) or its name in the default county."),
               text);
  return NULL;
}

static char **
resolve_townships (char    **texts,
                   GError  **error)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; texts != NULL && texts[i] != NULL; i++)
    {
      char *code = resolve_township (divisions, texts[i], error);

      if (code == NULL)
        return NULL;
      if (g_ptr_array_find_with_equal_func (codes, code, g_str_equal, NULL))
        g_free (code);
      else
        g_ptr_array_add (codes, code);
    }
  g_ptr_array_add (codes, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&codes), FALSE);
}

static gboolean
check_scope (StRole   role,
             char   **townships)
{
  guint n = g_strv_length (townships);

  if (st_role_sees_all (role) && n > 0)
    {
      st_admin_print_error (_("County and admin accounts see every township: leave out --township."));
      return FALSE;
    }
  if (!st_role_sees_all (role) && n == 0)
    {
      st_admin_print_error (_("Trainer and township accounts need at least one --township."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_role (const char *text,
            StRole     *role)
{
  if (st_role_from_string (text, role))
    return TRUE;
  {
    g_autofree char *message = g_strdup_printf (_("“%s” is not a role: give trainer, township, county or admin."), text);

    st_admin_print_error (message);
  }
  return FALSE;
}

static char *
describe_townships (char **townships)
{
  g_autoptr(StDivisions) divisions = st_divisions_new_default ();
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; townships[i] != NULL; i++)
    {
      const StDivision *division = st_divisions_lookup (divisions, townships[i]);

      if (i > 0)
        g_string_append (out, ", ");
      if (division != NULL)
        g_string_append_printf (out, "%s %s", townships[i], division->name);
      else
        g_string_append (out, townships[i]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* What an account sees, as user add and user modify report it. */
static char *
describe_scope (const StAccount *account)
{
  if (st_role_sees_all (account->role))
    return g_strdup (_("all townships"));
  return describe_townships (account->townships);
}

/* The options of user add and user modify: the role and the townships
 * (their help, which differs, is given to account_options_init ()). */
typedef struct
{
  char         *role_text;
  char        **township_args;
  GOptionEntry  entries[3];
} AccountOptions;

static void
account_options_init (AccountOptions *options,
                      const char     *township_help)
{
  options->entries[0] = (GOptionEntry) { "role", 0, 0, G_OPTION_ARG_STRING, &options->role_text,
                                         N_("trainer, township, county or admin"), N_("ROLE") };
  options->entries[1] = (GOptionEntry) { "township", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->township_args,
                                         township_help, N_("CODE") };
  options->entries[2] = (GOptionEntry) { NULL };
}

static void
account_options_clear (AccountOptions *options)
{
  g_clear_pointer (&options->role_text, g_free);
  g_clear_pointer (&options->township_args, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AccountOptions, account_options_clear)

gboolean
st_admin_parse_options (const char    *parameter,
                        const char    *summary,
                        GOptionEntry  *entries,
                        gboolean      *json,
                        char         **db,
                        int           *argc,
                        char        ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autoptr(GError) error = NULL;
  GOptionEntry common[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, json, N_("Print JSON for scripts"), NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, db, N_("The server database"), N_("FILE") },
    { NULL }
  };

  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, json != NULL ? common : common + 1, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      st_admin_print_error (error->message);
      return FALSE;
    }
  return TRUE;
}

const char *
st_admin_os_user (void)
{
  const char *sudo = g_getenv ("SUDO_USER");

  /* sudo -u shuangti …: the person, not the service's user. */
  return sudo != NULL && *sudo != '\0' ? sudo : g_get_user_name ();
}

gboolean
st_admin_log (StStore     *store,
              StStoreTxn  *txn,
              const char  *command,
              const char  *target,
              const char  *detail,
              GError     **error)
{
  StAdminEntry entry = {
    .at = g_get_real_time () / 1000,
    .os_user = st_admin_os_user (),
    .command = command,
    .target = target,
    .detail = detail,
  };

  return st_store_admin_log_insert (store, txn, &entry, error);
}

/* What the audit keeps of an account's change: never its password. */
static char *
account_detail (const StAccount *account)
{
  g_autofree char *townships = g_strjoinv (",", account->townships);

  return g_strdup_printf ("role=%s townships=%s%s", st_role_to_string (account->role),
                          *townships ? townships : "-", account->disabled ? " disabled" : "");
}

static gboolean
save_account (StStore    *store,
              StAccount  *account,
              gboolean    insert,
              gboolean    revoke_tokens,
              const char *command)
{
  g_autoptr(GError) error = NULL;
  StStoreTxn *txn = st_store_begin (store, &error);
  gint64 now = g_get_real_time () / 1000;
  g_autofree char *detail = account_detail (account);

  if (txn == NULL)
    {
      st_admin_print_error (error->message);
      return FALSE;
    }
  account->changed_at = now;
  if (insert)
    account->created_at = now;
  if (!(insert ? st_store_account_insert (store, txn, account, &error)
               : st_store_account_update (store, txn, account, &error))
      || (revoke_tokens && !st_store_tokens_revoke_account (store, txn, account->id, now, &error))
      || !st_admin_log (store, txn, command, account->name, detail, &error))
    {
      st_store_rollback (store, txn);
      st_admin_print_error (error->message);
      return FALSE;
    }
  if (!st_store_commit (store, txn, &error))
    {
      st_admin_print_error (error->message);
      return FALSE;
    }
  return TRUE;
}

/* Opens the store at @db_path into *@store and finds the account @name
 * there; NULL after a message. */
static StAccount *
open_account (const char  *db_path,
              const char  *name,
              StStore    **store)
{
  g_autoptr(GError) error = NULL;
  StAccount *account;

  *store = st_admin_open_store (db_path);
  if (*store == NULL)
    return NULL;
  account = st_store_account_find (*store, NULL, name, &error);

  if (error != NULL)
    st_admin_print_error (error->message);
  else if (account == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no account named “%s”; “user list” shows them."), name);

      st_admin_print_error (message);
    }
  return account;
}

/* Asks for @account's new password and sets its hash; FALSE after a
 * message. */
static gboolean
ask_password (StAccount *account)
{
  g_autoptr(GError) error = NULL;
  g_auto(StSecret) password = read_password (account->name, &error);

  if (password == NULL)
    {
      st_admin_print_error (error->message);
      return FALSE;
    }
  g_free (account->password_hash);
  account->password_hash = st_auth_hash_password (password);
  if (account->password_hash == NULL)
    {
      st_admin_print_error (_("The password could not be hashed (out of memory)."));
      return FALSE;
    }
  return TRUE;
}

static int
user_add (const char *db_path,
          int         argc,
          char      **argv)
{
  g_auto(AccountOptions) options = { 0, };
  g_autofree char *db = NULL;
  g_autoptr(StAccount) account = st_account_new ();
  g_autoptr(StStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *scope = NULL;

  account_options_init (&options, N_("A township the account sees (repeat for several)"));
  if (!st_admin_parse_options (_("NAME"), _("Create an account. The password is asked for, or read as one line from standard input."),
                               options.entries, NULL, &db, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      st_admin_print_error (_("Give the account’s name: user add NAME --role ROLE [--township CODE …]"));
      return 2;
    }
  if (options.role_text == NULL)
    {
      st_admin_print_error (_("Give the account’s role with --role trainer|township|county|admin."));
      return 2;
    }
  if (!name_is_valid (argv[1]))
    {
      st_admin_print_error (_("An account name has 1 to 64 characters and no spaces."));
      return 2;
    }
  if (!parse_role (options.role_text, &account->role))
    return 2;
  g_strfreev (account->townships);
  account->townships = resolve_townships (options.township_args, &error);
  if (account->townships == NULL)
    {
      account->townships = g_new0 (char *, 1);
      st_admin_print_error (error->message);
      return 2;
    }
  if (!check_scope (account->role, account->townships))
    return 2;
  account->name = g_strdup (argv[1]);

  store = st_admin_open_store (db ? db : db_path);
  if (store == NULL)
    return 1;
  {
    g_autoptr(StAccount) existing = st_store_account_find (store, NULL, account->name, NULL);

    if (existing != NULL)
      {
        g_autofree char *message = g_strdup_printf (_("An account named “%s” exists already."), account->name);

        st_admin_print_error (message);
        return 1;
      }
  }

  if (!ask_password (account))
    return 1;
  if (!save_account (store, account, TRUE, FALSE, "user add"))
    return 1;

  scope = describe_scope (account);
  /* Translators: account name, role, townships */
  g_print (_("Account %s created: %s, %s.\n"), account->name, st_role_to_string (account->role), scope);
  return 0;
}

static int
user_modify (const char *db_path,
             int         argc,
             char      **argv)
{
  g_auto(AccountOptions) options = { 0, };
  g_autofree char *db = NULL;
  g_autoptr(StAccount) account = NULL;
  g_autoptr(StStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *scope = NULL;

  account_options_init (&options, N_("The townships the account sees, replacing the old list"));
  if (!st_admin_parse_options (_("NAME"), _("Change an account’s role or townships. It takes effect at the account’s next request."),
                               options.entries, NULL, &db, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      st_admin_print_error (_("Give the account’s name: user modify NAME [--role ROLE] [--township CODE …]"));
      return 2;
    }
  account = open_account (db ? db : db_path, argv[1], &store);
  if (account == NULL)
    return 1;
  if (options.role_text != NULL && !parse_role (options.role_text, &account->role))
    return 2;
  if (options.township_args != NULL)
    {
      char **codes = resolve_townships (options.township_args, &error);

      if (codes == NULL)
        {
          st_admin_print_error (error->message);
          return 2;
        }
      g_strfreev (account->townships);
      account->townships = codes;
    }
  else if (st_role_sees_all (account->role))
    {
      g_strfreev (account->townships);
      account->townships = g_new0 (char *, 1);
    }
  if (!check_scope (account->role, account->townships))
    return 2;
  if (!save_account (store, account, FALSE, FALSE, "user modify"))
    return 1;
  scope = describe_scope (account);
  g_print (_("Account %s changed: %s, %s.\n"), account->name, st_role_to_string (account->role), scope);
  return 0;
}

static int
user_passwd (const char *db_path,
             int         argc,
             char      **argv)
{
  g_autofree char *db = NULL;
  g_autoptr(StAccount) account = NULL;
  g_autoptr(StStore) store = NULL;

  if (!st_admin_parse_options (_("NAME"), _("Set an account’s password. Its laptops must sign in again."),
                               NULL, NULL, &db, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      st_admin_print_error (_("Give the account’s name: user passwd NAME"));
      return 2;
    }
  account = open_account (db ? db : db_path, argv[1], &store);
  if (account == NULL)
    return 1;
  if (!ask_password (account))
    return 1;
  if (!save_account (store, account, FALSE, TRUE, "user passwd"))
    return 1;
  g_print (_("The password of %s is changed; its laptops must sign in again.\n"), account->name);
  return 0;
}

static int
user_set_disabled (const char *db_path,
                   int         argc,
                   char      **argv,
                   gboolean    disabled)
{
  g_autofree char *db = NULL;
  g_autoptr(StAccount) account = NULL;
  g_autoptr(StStore) store = NULL;

  if (!st_admin_parse_options (_("NAME"),
                               disabled ? _("Disable an account: it can no longer sign in, and its laptops are signed out at once.")
                                        : _("Enable a disabled account again."),
                               NULL, NULL, &db, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      st_admin_print_error (disabled ? _("Give the account’s name: user disable NAME")
                            : _("Give the account’s name: user enable NAME"));
      return 2;
    }
  account = open_account (db ? db : db_path, argv[1], &store);
  if (account == NULL)
    return 1;
  account->disabled = disabled;
  if (!save_account (store, account, FALSE, disabled, disabled ? "user disable" : "user enable"))
    return 1;
  if (disabled)
    g_print (_("Account %s is disabled; its laptops are signed out.\n"), account->name);
  else
    g_print (_("Account %s is enabled again.\n"), account->name);
  return 0;
}

char *
st_admin_format_time (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static void
account_to_json (JsonBuilder   *b,
                 gconstpointer  row)
{
  const StAccount *a = row;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, a->name);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, st_role_to_string (a->role));
  json_builder_set_member_name (b, "townships");
  json_builder_begin_array (b);
  for (guint t = 0; a->townships[t] != NULL; t++)
    json_builder_add_string_value (b, a->townships[t]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "disabled");
  json_builder_add_boolean_value (b, a->disabled);
  json_builder_set_member_name (b, "created_at");
  json_builder_add_int_value (b, a->created_at);
  json_builder_end_object (b);
}

static void
account_print (gconstpointer row)
{
  const StAccount *a = row;
  g_autofree char *scope = st_role_sees_all (a->role) ? g_strdup (_("all townships")) : describe_townships (a->townships);
  g_autofree char *created = st_admin_format_time (a->created_at);

  /* Translators: name, role, state, townships, creation time */
  g_print (_("%s\t%s\t%s\t%s\tcreated %s\n"), a->name, st_role_to_string (a->role),
           a->disabled ? _("disabled") : _("active"), scope, created);
}

static int
user_list (const char *db_path,
           int         argc,
           char      **argv)
{
  gboolean json = FALSE;
  g_autofree char *db = NULL;
  g_autoptr(StStore) store = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;

  if (!st_admin_parse_options ("", _("List the accounts."), NULL, &json, &db, &argc, &argv))
    return 2;
  if (argc != 1)
    {
      st_admin_print_error (_("user list takes no names."));
      return 2;
    }
  store = st_admin_open_store (db ? db : db_path);
  if (store == NULL)
    return 1;
  accounts = st_store_account_list (store, &error);
  if (accounts == NULL)
    {
      st_admin_print_error (error->message);
      return 1;
    }

  st_admin_print_list (accounts, json, account_to_json, account_print,
                       _("No accounts yet: create one with “user add NAME --role ROLE”.\n"));
  return 0;
}

int
st_admin_run (const char  *db_path,
              int          argc,
              char       **argv)
{
  if (g_str_equal (argv[0], "audit"))
    return st_admin_audit (db_path, argc, argv);
  if (g_str_equal (argv[0], "device"))
    return st_admin_device (db_path, argc, argv);
  if (g_str_equal (argv[0], "backup"))
    return st_admin_backup (db_path, argc, argv);
  if (g_str_equal (argv[0], "restore"))
    return st_admin_restore (db_path, argc, argv);
  if (g_str_equal (argv[0], "bundle"))
    return st_admin_bundle (db_path, argc, argv);
  if (g_str_equal (argv[0], "compact"))
    return st_admin_compact (db_path, argc, argv);
  if (g_str_equal (argv[0], "migrate"))
    return st_admin_migrate (db_path, argc, argv);

  if (g_str_equal (argv[0], "user") && argc >= 2)
    {
      const char *command = argv[1];

      /* The subcommand sees itself as argv[0]. */
      argc--;
      argv++;
      if (g_str_equal (command, "add"))
        return user_add (db_path, argc, argv);
      if (g_str_equal (command, "modify"))
        return user_modify (db_path, argc, argv);
      if (g_str_equal (command, "passwd"))
        return user_passwd (db_path, argc, argv);
      if (g_str_equal (command, "disable"))
        return user_set_disabled (db_path, argc, argv, TRUE);
      if (g_str_equal (command, "enable"))
        return user_set_disabled (db_path, argc, argv, FALSE);
      if (g_str_equal (command, "list"))
        return user_list (db_path, argc, argv);
    }
  st_admin_print_error (_("Unknown command. Commands: user add|modify|passwd|disable|enable|list, device list|revoke, audit, backup, restore, compact, migrate, bundle import; see --help."));
  return 2;
}

void
st_admin_print_json (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

void
st_admin_print_list (GPtrArray   *rows,
                     gboolean     json,
                     void       (*to_json) (JsonBuilder *b,
                                            gconstpointer row),
                     void       (*print) (gconstpointer row),
                     const char  *none)
{
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < rows->len; i++)
        to_json (b, g_ptr_array_index (rows, i));
      json_builder_end_array (b);
      st_admin_print_json (b);
      return;
    }
  if (rows->len == 0)
    g_print ("%s", none);
  for (guint i = 0; i < rows->len; i++)
    print (g_ptr_array_index (rows, i));
}
