/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Accounts and sign-in, against a real shuangti-server: the right password
 * signs in, a wrong one does not, repeated wrong ones are throttled per
 * account and per address, a disabled account and an expired or revoked
 * token are refused. */
#include "config.h"

#include <glib/gstdio.h>

#include "st-test-server.h"
#include "st-test-store.h"
#include "st-uuid.h"

typedef struct
{
  char         *db;
  StTestServer *server;
  SoupSession  *session;
  char         *device;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char * const *args = data;

  f->db = st_test_db_path ("auth.db");
  st_test_add_user (f->db, "qiaoma", "township", ST_TEST_TOWNSHIP_A, NULL);
  st_test_add_user (f->db, "yangba", "township", ST_TEST_TOWNSHIP_B, NULL);
  f->server = st_test_server_startv (f->db, args, NULL);
  f->session = st_test_session_new ();
  f->device = st_uuid_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->server != NULL)
    st_test_server_stop (f->server);
  g_clear_pointer (&f->server, st_test_server_free);
  g_clear_object (&f->session);
  g_free (f->device);
  g_free (f->db);
}

static StTestReply *
sign_in (Fixture    *f,
         const char *user,
         const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"user\":\"%s\",\"password\":\"%s\",\"device\":\"%s\"}",
                                           user, password, f->device);

  return st_test_call (f->session, f->server, "POST", "/api/v1/sign-in", NULL, body);
}

static StTestReply *
device_status (Fixture    *f,
               const char *token)
{
  return st_test_call (f->session, f->server, "GET", "/api/v1/device", token, NULL);
}

static void
test_right_password (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(StTestReply) reply = sign_in (f, "qiaoma", ST_TEST_PASSWORD);
  g_autoptr(StTestReply) status = NULL;
  JsonObject *object, *account;
  const char *token;

  g_assert_cmpuint (reply->status, ==, 200);
  object = st_test_reply_object (reply);
  token = json_object_get_string_member (object, "token");
  g_assert_true (g_str_has_prefix (token, "st1."));
  g_assert_cmpint (json_object_get_int_member (object, "expires_at"), >, json_object_get_int_member (object, "server_time"));
  account = json_object_get_object_member (object, "account");
  g_assert_cmpstr (json_object_get_string_member (account, "role"), ==, "township");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (account, "townships"), 0),
                   ==, ST_TEST_TOWNSHIP_A);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "device"), "id"),
                   ==, f->device);

  /* The token opens the other endpoints, as this laptop. */
  status = device_status (f, token);
  g_assert_cmpuint (status->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (st_test_reply_object (status), "device"), "id"),
                   ==, f->device);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (st_test_reply_object (status), "account"), "name"),
                   ==, "qiaoma");
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(StTestReply) wrong = sign_in (f, "qiaoma", "not the password");
  g_autoptr(StTestReply) unknown = sign_in (f, "nobody", ST_TEST_PASSWORD);

  g_assert_cmpuint (wrong->status, ==, 401);
  g_assert_cmpstr (st_test_reply_code (wrong), ==, "bad_credentials");
  g_assert_false (json_object_has_member (st_test_reply_object (wrong), "token"));
  /* An unknown name is not told apart from a wrong password. */
  g_assert_cmpuint (unknown->status, ==, 401);
  g_assert_cmpstr (st_test_reply_code (unknown), ==, "bad_credentials");
}

static const char *throttle_args[] = { "--signin-failures", "3", "--signin-lockout", "2",
                                       "--signin-failures-per-address", "50", NULL };

static void
test_throttled_account (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(StTestReply) locked = NULL;
  g_autoptr(StTestReply) other = NULL;
  g_autoptr(StTestReply) later = NULL;
  const char *retry_after;
  guint seconds;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(StTestReply) wrong = sign_in (f, "qiaoma", "guess");

      g_assert_cmpuint (wrong->status, ==, 401);
    }
  /* Locked now: even the right password is refused, and says for how long. */
  locked = sign_in (f, "qiaoma", ST_TEST_PASSWORD);
  g_assert_cmpuint (locked->status, ==, 429);
  g_assert_cmpstr (st_test_reply_code (locked), ==, "too_many_attempts");
  retry_after = soup_message_headers_get_one (locked->headers, "Retry-After");
  g_assert_nonnull (retry_after);
  seconds = (guint) g_ascii_strtoull (retry_after, NULL, 10);
  g_assert_cmpuint (seconds, >=, 1);
  g_assert_cmpuint (seconds, <=, 2);
  g_assert_cmpint (json_object_get_int_member (st_test_reply_object (locked), "retry_after"), ==, seconds);

  /* Only that account: another one signs in from the same address. */
  other = sign_in (f, "yangba", ST_TEST_PASSWORD);
  g_assert_cmpuint (other->status, ==, 200);

  /* After the wait, the right password works again. */
  g_usleep ((seconds * 1000 + 300) * 1000);
  later = sign_in (f, "qiaoma", ST_TEST_PASSWORD);
  g_assert_cmpuint (later->status, ==, 200);
}

static const char *address_args[] = { "--signin-failures-per-address", "4", "--signin-lockout", "30", NULL };

static void
test_throttled_address (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(StTestReply) locked = NULL;

  /* Guessing names from one address: four different accounts, once each. */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *user = g_strdup_printf ("guess%u", i);
      g_autoptr(StTestReply) wrong = sign_in (f, user, "guess");

      g_assert_cmpuint (wrong->status, ==, 401);
    }
  locked = sign_in (f, "qiaoma", ST_TEST_PASSWORD);
  g_assert_cmpuint (locked->status, ==, 429);
  g_assert_cmpstr (st_test_reply_code (locked), ==, "too_many_attempts");
  g_assert_nonnull (soup_message_headers_get_one (locked->headers, "Retry-After"));
}

/* The address a request says it comes from (X-Forwarded-For), as a
 * county's reverse proxy would write it; NULL: none. */
static const char *forwarded_for;

static void
add_forwarded_for (SoupSession *session,
                   SoupMessage *msg)
{
  if (forwarded_for != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Forwarded-For", forwarded_for);
}

static StTestReply *
sign_in_from (Fixture    *f,
              const char *address,
              const char *password)
{
  forwarded_for = address;
  if (g_object_get_data (G_OBJECT (f->session), "forwarding") == NULL)
    {
      g_signal_connect (f->session, "request-queued", G_CALLBACK (add_forwarded_for), NULL);
      g_object_set_data (G_OBJECT (f->session), "forwarding", GINT_TO_POINTER (TRUE));
    }
  return sign_in (f, "qiaoma", password);
}

static const char *proxy_args[] = { "--trusted-proxy", "127.0.0.1", "--signin-failures", "3",
                                    "--signin-lockout", "60", NULL };

/* Behind the county's proxy: strangers at a dozen addresses guessing the
 * clerk's password lock themselves and, past 30 guesses, the account for
 * new addresses; the clerk at the office address signs in all along. */
static void
test_stranger_cannot_lock_owner (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(StTestReply) office = sign_in_from (f, "10.20.0.5", ST_TEST_PASSWORD);
  g_autoptr(StTestReply) again = NULL;
  g_autoptr(StTestReply) stranger = NULL;
  g_autoptr(StTestReply) newcomer = NULL;
  guint guesses = 0;

  g_assert_cmpuint (office->status, ==, 200);
  for (guint a = 0; a < 12; a++)
    {
      /* The proxy appends the address it saw: the client is the last one
       * before the proxy; what the stranger wrote to the left is ignored. */
      g_autofree char *chain = g_strdup_printf ("10.20.0.5, 203.0.113.%u", a + 1);

      for (guint i = 0; i < 3; i++)
        {
          g_autoptr(StTestReply) wrong = sign_in_from (f, chain, "guess");

          g_assert_true (wrong->status == 401 || wrong->status == 429);
          guesses += wrong->status == 401;
        }
    }
  /* Three guesses an address, thirty an account: then nobody new guesses. */
  g_assert_cmpuint (guesses, ==, 30);
  stranger = sign_in_from (f, "203.0.113.1", ST_TEST_PASSWORD);
  g_assert_cmpuint (stranger->status, ==, 429);
  /* An address the account never used waits too… */
  newcomer = sign_in_from (f, "198.51.100.7", ST_TEST_PASSWORD);
  g_assert_cmpuint (newcomer->status, ==, 429);
  /* …but the office signs in. */
  again = sign_in_from (f, "10.20.0.5", ST_TEST_PASSWORD);
  g_assert_cmpuint (again->status, ==, 200);
  forwarded_for = NULL;
}

static const char *no_proxy_args[] = { "--signin-failures-per-address", "4", "--signin-lockout", "30", NULL };

/* Without --trusted-proxy, X-Forwarded-For is anyone's to write: it does
 * not get a guesser past the limit of its address. */
static void
test_forwarded_for_untrusted (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(StTestReply) locked = NULL;

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *address = g_strdup_printf ("192.0.2.%u", i + 1);
      g_autoptr(StTestReply) wrong = sign_in_from (f, address, "guess");

      g_assert_cmpuint (wrong->status, ==, 401);
    }
  locked = sign_in_from (f, "192.0.2.99", ST_TEST_PASSWORD);
  g_assert_cmpuint (locked->status, ==, 429);
  forwarded_for = NULL;
}

static void
test_disabled (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *token = st_test_sign_in (f->session, f->server, "qiaoma", f->device);
  g_autoptr(StTestReply) before = device_status (f, token);
  g_autoptr(StTestReply) after = NULL;
  g_autoptr(StTestReply) refused = NULL;
  g_autoptr(StTestReply) wrong = NULL;
  g_autoptr(StTestReply) enabled = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpuint (before->status, ==, 200);
  g_assert_cmpint (st_test_admin (f->db, NULL, &out, NULL, "user", "disable", "qiaoma", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "qiaoma"));

  /* Its laptop is signed out at once... */
  after = device_status (f, token);
  g_assert_cmpuint (after->status, ==, 401);
  g_assert_cmpstr (st_test_reply_code (after), ==, "invalid_token");
  /* ...and the right password says the account is disabled, a wrong one
   * says nothing more than wrong. */
  refused = sign_in (f, "qiaoma", ST_TEST_PASSWORD);
  g_assert_cmpuint (refused->status, ==, 403);
  g_assert_cmpstr (st_test_reply_code (refused), ==, "account_disabled");
  wrong = sign_in (f, "qiaoma", "guess");
  g_assert_cmpuint (wrong->status, ==, 401);

  g_assert_cmpint (st_test_admin (f->db, NULL, NULL, NULL, "user", "enable", "qiaoma", NULL), ==, 0);
  enabled = sign_in (f, "qiaoma", ST_TEST_PASSWORD);
  g_assert_cmpuint (enabled->status, ==, 200);
}

static const char *expiry_args_fast[] = { "--token-lifetime", "2", NULL };
static const char *expiry_args_slow[] = { "--token-lifetime", "20", NULL };

static void
test_expired (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *token = st_test_sign_in (f->session, f->server, "qiaoma", f->device);
  g_autoptr(StTestReply) fresh = device_status (f, token);
  g_autoptr(StTestReply) stale = NULL;
  gint64 expires_at;

  g_assert_cmpuint (fresh->status, ==, 200);
  expires_at = json_object_get_int_member (json_object_get_object_member (st_test_reply_object (fresh), "token"),
                                           "expires_at");
  while (g_get_real_time () / 1000 <= expires_at + 100)
    g_usleep (100000);
  stale = device_status (f, token);
  g_assert_cmpuint (stale->status, ==, 401);
  g_assert_cmpstr (st_test_reply_code (stale), ==, "token_expired");
  g_assert_nonnull (soup_message_headers_get_one (stale->headers, "WWW-Authenticate"));
}

static void
test_missing_and_forged_token (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(StTestReply) missing = device_status (f, NULL);
  g_autoptr(StTestReply) garbage = device_status (f, "hello");
  g_autoptr(StTestReply) forged = device_status (f, "st1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  g_autoptr(StTestReply) push = st_test_push (f->session, f->server, NULL, 0, "[]");

  g_assert_cmpuint (missing->status, ==, 401);
  g_assert_cmpstr (st_test_reply_code (missing), ==, "missing_token");
  g_assert_cmpstr (soup_message_headers_get_one (missing->headers, "WWW-Authenticate"), ==, "Bearer realm=\"shuangti\"");
  g_assert_cmpuint (garbage->status, ==, 401);
  g_assert_cmpstr (st_test_reply_code (garbage), ==, "invalid_token");
  g_assert_cmpuint (forged->status, ==, 401);
  g_assert_cmpstr (st_test_reply_code (forged), ==, "invalid_token");
  g_assert_cmpuint (push->status, ==, 401);
  g_assert_cmpstr (st_test_reply_code (push), ==, "missing_token");
}

static void
test_sign_out_and_passwd_revoke (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *first = st_test_sign_in (f->session, f->server, "qiaoma", f->device);
  g_autofree char *second = st_test_sign_in (f->session, f->server, "qiaoma", f->device);
  g_autoptr(StTestReply) out = st_test_call (f->session, f->server, "POST", "/api/v1/sign-out", first, NULL);
  g_autoptr(StTestReply) after_out = device_status (f, first);
  g_autoptr(StTestReply) other_still = device_status (f, second);
  g_autoptr(StTestReply) after_passwd = NULL;
  g_autoptr(StTestReply) old_password = NULL;
  g_autoptr(StTestReply) new_password = NULL;
  g_autofree char *body = NULL;

  g_assert_cmpuint (out->status, ==, 200);
  g_assert_cmpuint (after_out->status, ==, 401);
  g_assert_cmpuint (other_still->status, ==, 200);

  /* A new password signs every laptop of the account out. */
  g_assert_cmpint (st_test_admin (f->db, "a new password 2\n", NULL, NULL, "user", "passwd", "qiaoma", NULL), ==, 0);
  after_passwd = device_status (f, second);
  g_assert_cmpuint (after_passwd->status, ==, 401);
  old_password = sign_in (f, "qiaoma", ST_TEST_PASSWORD);
  g_assert_cmpuint (old_password->status, ==, 401);
  new_password = sign_in (f, "qiaoma", "a new password 2");
  g_assert_cmpuint (new_password->status, ==, 200);
}

/* The server keeps only hashes: neither the password nor a token is in its
 * database file. */
static void
test_secrets_not_stored (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *token = st_test_sign_in (f->session, f->server, "qiaoma", f->device);
  g_autofree char *contents = NULL;
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autofree char *wal_contents = NULL;
  gsize size = 0, wal_size = 0;

  st_test_server_stop (f->server);
  g_clear_pointer (&f->server, st_test_server_free);
  if (st_test_store_is_pg ())
    {
      contents = st_test_store_pg_dump (f->db);
      size = strlen (contents);
    }
  else
    {
      g_assert_true (g_file_get_contents (f->db, &contents, &size, NULL));
      g_file_get_contents (wal, &wal_contents, &wal_size, NULL);
    }
  g_assert_null (memmem (contents, size, token, strlen (token)));
  g_assert_null (memmem (contents, size, ST_TEST_PASSWORD, strlen (ST_TEST_PASSWORD)));
  if (wal_contents)
    {
      g_assert_null (memmem (wal_contents, wal_size, token, strlen (token)));
      g_assert_null (memmem (wal_contents, wal_size, ST_TEST_PASSWORD, strlen (ST_TEST_PASSWORD)));
    }
  /* …but the account is there: the search could have found it. */
  g_assert_nonnull (memmem (contents, size, "$argon2id$", 10));
}

/* The administration commands: never a password on the command line. */
static void
test_admin_commands (void)
{
  g_autofree char *db = st_test_db_path ("admin.db");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *list = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonArray *accounts;

  /* A --password option does not exist. */
  g_assert_cmpint (st_test_admin (db, NULL, NULL, &err, "user", "add", "x", "--role", "county",
                                  "--password", "secret123", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  /* Too short a password, a township account without a township, an
   * unknown role, an unknown township: refused, nothing created. */
  g_assert_cmpint (st_test_admin (db, "short\n", NULL, &err, "user", "add", "x", "--role", "county", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "8"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (st_test_admin (db, "long enough\n", NULL, NULL, "user", "add", "x", "--role", "township", NULL), ==, 2);
  g_assert_cmpint (st_test_admin (db, "long enough\n", NULL, NULL, "user", "add", "x", "--role", "boss", NULL), ==, 2);
  g_assert_cmpint (st_test_admin (db, "long enough\n", NULL, NULL, "user", "add", "x", "--role", "township",
                                  "--township", "不存在镇", NULL), ==, 2);

  /* A township by name; a county account. */
  g_assert_cmpint (st_test_admin (db, "long enough\n", &out, NULL, "user", "add", "qiaoma", "--role", "township",
                                  "--township", "巧马镇", NULL), ==, 0);
  g_assert_nonnull (strstr (out, ST_TEST_TOWNSHIP_A));
  g_assert_cmpint (st_test_admin (db, "long enough\n", NULL, NULL, "user", "add", "county", "--role", "county", NULL), ==, 0);
  /* The same name twice is refused. */
  g_assert_cmpint (st_test_admin (db, "long enough\n", NULL, NULL, "user", "add", "county", "--role", "county", NULL), ==, 1);
  /* …and so is the same name in other letter case, and a code that is no
   * township's (an account that would see nothing). */
  g_assert_cmpint (st_test_admin (db, "long enough\n", NULL, &err, "user", "add", "Qiaoma", "--role", "township",
                                  "--township", "巧马镇", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "“qiaoma” exists already"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (st_test_admin (db, "long enough\n", NULL, &err, "user", "add", "nowhere", "--role", "township",
                                  "--township", "999999999999", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "is not a township"));
  g_clear_pointer (&err, g_free);
  /* A township by name in the C locale (a systemd unit, a cron job). */
  {
    g_autofree char *input = g_build_filename (g_get_user_data_dir (), "password", NULL);
    g_autofree char *c_db = st_test_db_path ("admin-c.db");
    g_autofree char *command = g_strdup_printf ("LC_ALL=C LANG= ST_SERVER_CHEAP_HASH=1 '%s' --db '%s' user add cmode"
                                                " --role township --township 巧马镇 < '%s'",
                                                st_test_server_binary (), c_db, input);
    g_autofree char *c_out = NULL;
    g_autofree char *c_err = NULL;
    int status;

    g_assert_true (g_file_set_contents (input, "long enough\n", -1, NULL));
    g_assert_true (g_spawn_sync (NULL, (char **) (const char *const[]) { "/bin/sh", "-c", command, NULL }, NULL,
                                 G_SPAWN_DEFAULT, NULL, NULL, &c_out, &c_err, &status, NULL));
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("user add in the C locale: %s", c_err);
    g_assert_nonnull (strstr (c_out, ST_TEST_TOWNSHIP_A));
  }
  g_assert_cmpint (st_test_admin (db, NULL, NULL, NULL, "user", "disable", "county", NULL), ==, 0);

  g_assert_cmpint (st_test_admin (db, NULL, &list, NULL, "user", "list", "--json", NULL), ==, 0);
  json = json_from_string (list, NULL);
  g_assert_nonnull (json);
  accounts = json_node_get_array (json);
  g_assert_cmpuint (json_array_get_length (accounts), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (accounts, 0), "name"), ==, "county");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (accounts, 0), "disabled"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (accounts, 1), "role"), ==, "township");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (json_array_get_object_element (accounts, 1),
                                                                                "townships"), 0),
                   ==, ST_TEST_TOWNSHIP_A);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (argc > 1 && argv[1][0] != '-')
    st_test_set_server_binary (argv[1]);

  g_test_add ("/server/auth/right-password", Fixture, NULL, fixture_setup, test_right_password, fixture_teardown);
  g_test_add ("/server/auth/wrong-password", Fixture, NULL, fixture_setup, test_wrong_password, fixture_teardown);
  g_test_add ("/server/auth/throttled-account", Fixture, throttle_args, fixture_setup, test_throttled_account,
              fixture_teardown);
  g_test_add ("/server/auth/throttled-address", Fixture, address_args, fixture_setup, test_throttled_address,
              fixture_teardown);
  g_test_add ("/server/auth/stranger-cannot-lock-owner", Fixture, proxy_args, fixture_setup,
              test_stranger_cannot_lock_owner, fixture_teardown);
  g_test_add ("/server/auth/forwarded-for-untrusted", Fixture, no_proxy_args, fixture_setup,
              test_forwarded_for_untrusted, fixture_teardown);
  g_test_add ("/server/auth/disabled", Fixture, NULL, fixture_setup, test_disabled, fixture_teardown);
  g_test_add ("/server/auth/expired", Fixture, st_test_slowness () > 1 ? expiry_args_slow : expiry_args_fast,
              fixture_setup, test_expired, fixture_teardown);
  g_test_add ("/server/auth/missing-token", Fixture, NULL, fixture_setup, test_missing_and_forged_token,
              fixture_teardown);
  g_test_add ("/server/auth/revoke", Fixture, NULL, fixture_setup, test_sign_out_and_passwd_revoke, fixture_teardown);
  g_test_add ("/server/auth/secrets-not-stored", Fixture, NULL, fixture_setup, test_secrets_not_stored,
              fixture_teardown);
  g_test_add_func ("/server/auth/admin-commands", test_admin_commands);

  return g_test_run ();
}
