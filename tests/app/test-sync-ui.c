/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Syncing from the window, as a clerk does it: the real shuangti-server on
 * 127.0.0.1, the sign-in dialog, the indicator in the header bar, F5, the
 * Review list, signing out. Another laptop is played by the sync engine on
 * a database of its own. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "st-application.h"
#include "st-participant.h"
#include "st-review-window.h"
#include "st-sign-in-dialog.h"
#include "st-sync-pin.h"
#include "st-sync-button.h"
#include "st-test-replica.h"
#include "st-window-private.h"
#include "st-test-ui.h"
#include "st-test-widgets.h"
#include "st-test-keys.h"
#include "st-test-server.h"

/* The first button under @widget whose label is @label. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Types @text into the dialog's entry row @name as a person does: a click
 * into the field, Ctrl+A, the keys. */
static void
type_into (GtkWidget  *dialog,
           const char *name,
           const char *text)
{
  GtkWidget *row = GTK_WIDGET (gtk_widget_get_template_child (dialog, ST_TYPE_SIGN_IN_DIALOG, name));

  /* (What a click into the field does.) */
  g_assert_true (gtk_widget_grab_focus (row));
  st_test_key (row, GDK_KEY_a, GDK_CONTROL_MASK);
  st_test_type (row, text);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, text);
}

/* Opens the sync button's menu and clicks its button for @action. */
static void
sync_menu_click (StSyncButton *button,
                 const char   *action)
{
  GtkMenuButton *menu = GTK_MENU_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (button), ST_TYPE_SYNC_BUTTON,
                                                                        "button"));
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (menu));

  st_test_click (GTK_WIDGET (menu));
  WAIT_UNTIL (gtk_widget_get_mapped (popover));
  st_test_click (st_test_find_actionable (popover, action));
}

static char *
phone_of (StDb       *db,
          const char *uuid)
{
  g_autoptr(StParticipant) p = st_participant_load (db, uuid, NULL);

  return p != NULL ? g_strdup (p->phone) : NULL;
}

static void
test_sync_from_window (void)
{
  g_autofree char *server_db = st_test_db_path ("server.db");
  g_autofree char *path = st_test_db_path ("window.db");
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(StTestReplica) other = NULL;
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *phone = NULL;
  StSyncController *controller;
  StSyncButton *button;
  GtkWidget *dialog;
  StWindow *window;
  GtkLabel *error_label;

  st_test_add_user (server_db, "county", "county", NULL);
  server = st_test_server_start (server_db, NULL);

  /* This laptop registered someone before it was ever connected. */
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  {
    StParticipant *p = st_participant_new ();
    g_autofree char *id_number = st_test_id_number (1);

    st_participant_set_id_number (p, id_number, &error);
    g_assert_no_error (error);
    p->name = g_strdup ("张三");
    p->township_code = g_strdup (ST_TEST_TOWNSHIP_A);
    p->phone = g_strdup ("13800000000");
    g_assert_true (st_participant_insert (db, p, &error));
    uuid = g_strdup (p->id);
    st_participant_free (p);
  }

  window = st_window_new (NULL, db);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  controller = st_window_get_sync_controller (window);
  button = st_window_get_sync_button (window);
  g_assert_cmpint (st_sync_controller_get_status (controller), ==, ST_SYNC_STATUS_NOT_SET_UP);
  g_assert_cmpstr (st_sync_button_get_icon_name (button), ==, "network-server-symbolic");

  /* F5 before signing in opens the sign-in dialog. */
  st_test_key (GTK_WIDGET (window), GDK_KEY_F5, 0);
  dialog = GTK_WIDGET (st_sync_button_get_sign_in_dialog (button));
  g_assert_nonnull (dialog);
  WAIT_UNTIL (gtk_widget_get_mapped (dialog));

  /* A wrong password: said plainly, the dialog stays. */
  type_into (dialog, "server_row", server->url);
  type_into (dialog, "user_row", "county");
  type_into (dialog, "password_row", "wrong password");
  /* Enter in the password signs in. */
  st_test_key (dialog, GDK_KEY_Return, 0);
  error_label = GTK_LABEL (gtk_widget_get_template_child (dialog, ST_TYPE_SIGN_IN_DIALOG, "error_label"));
  WAIT_UNTIL (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==, "The user name or the password is wrong. Check both (and Caps Lock); the county office can set a new password.");

  /* The right one: signed in, and the first sync sends what was waiting. */
  type_into (dialog, "password_row", ST_TEST_PASSWORD);
  st_test_click (st_test_find_actionable (dialog, "dialog.sign-in"));
  WAIT_UNTIL (st_sync_button_get_sign_in_dialog (button) == NULL);
  WAIT_UNTIL (st_sync_controller_get_status (controller) == ST_SYNC_STATUS_UP_TO_DATE);
  g_assert_cmpstr (st_sync_button_get_icon_name (button), ==, "emblem-ok-symbolic");
  g_assert_cmpstr (st_sync_controller_get_title (controller), ==, "Up to date");
  g_assert_cmpint (st_sync_count_pending (db), ==, 0);

  /* Another laptop has it now. */
  other = st_test_replica_new ("other", 0);
  st_test_replica_sign_in (other, server, "county");
  st_test_replica_sync_ok (other);
  g_assert_cmpint (st_db_count_live (other->db, "participants"), ==, 1);

  /* Both change the phone number offline; the other laptop later, and it
   * syncs first. */
  {
    g_autoptr(StParticipant) p = st_participant_load (db, uuid, &error);

    g_free (p->phone);
    p->phone = g_strdup ("13811111111");
    g_assert_true (st_participant_update (db, p, &error));
  }
  st_sync_controller_refresh (controller);
  g_assert_cmpint (st_sync_controller_get_status (controller), ==, ST_SYNC_STATUS_WAITING);
  g_assert_cmpstr (st_sync_controller_get_title (controller), ==, "1 change waiting");
  /* The sync menu says it too, on the button that sends it. */
  g_assert_nonnull (find_button (GTK_WIDGET (button), "_Sync Now: 1 Change Waiting"));
  g_usleep (5000);
  st_test_replica_set (other, "participants", uuid, "phone", "13822222222");
  st_test_replica_sync_ok (other);

  /* F5: the window gets the later number, and the clerk's own number is
   * kept for review, not dropped. */
  st_test_key (GTK_WIDGET (window), GDK_KEY_F5, 0);
  WAIT_UNTIL (!st_sync_controller_is_syncing (controller)
              && st_sync_controller_get_status (controller) == ST_SYNC_STATUS_UP_TO_DATE);
  phone = phone_of (db, uuid);
  g_assert_cmpstr (phone, ==, "13822222222");
  g_assert_cmpint (st_sync_controller_get_review_count (controller), ==, 1);

  /* The Review list shows both numbers and who made them; the clerk
   * chooses theirs. */
  sync_menu_click (button, "sync.review");
  {
    GtkWindow *review = st_sync_button_get_review_window (button);
    GtkWidget *use_other;

    g_assert_nonnull (review);
    WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (review)));
    g_assert_cmpuint (st_review_window_get_n_items (ST_REVIEW_WINDOW (review)), ==, 1);
    /* The item opens with a click on it, and shows its choices. */
    {
      GtkWidget *item = st_test_find_mapped (GTK_WIDGET (review), ADW_TYPE_EXPANDER_ROW);

      g_assert_nonnull (item);
      st_test_click (st_test_find_mapped (item, ADW_TYPE_ACTION_ROW));
      WAIT_UNTIL (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (item)));
      settle ();
    }
    use_other = st_test_find_button (GTK_WIDGET (review), "Use Other Value");
    st_test_click (use_other);
    settle ();
    g_assert_cmpuint (st_review_window_get_n_items (ST_REVIEW_WINDOW (review)), ==, 0);
    gtk_window_destroy (review);
  }
  g_free (phone);
  phone = phone_of (db, uuid);
  g_assert_cmpstr (phone, ==, "13811111111");

  /* Synced (Sync Now in the sync menu), the choice reaches the other
   * laptop. */
  sync_menu_click (button, "sync.now");
  WAIT_UNTIL (!st_sync_controller_is_syncing (controller) && st_sync_controller_get_pending (controller) == 0);
  st_test_replica_sync_ok (other);
  g_free (phone);
  phone = st_test_replica_get (other, "participants", uuid, "phone");
  g_assert_cmpstr (phone, ==, "13811111111");
  /* … and the item is resolved everywhere. */
  g_assert_cmpint (st_sync_controller_get_review_count (controller), ==, 0);
  g_assert_cmpint (st_sync_count_items (other->db), ==, 0);

  /* Signing out with a change not sent: the dialog says it stays. */
  {
    g_autoptr(StParticipant) p = st_participant_load (db, uuid, &error);
    GListModel *toplevels = gtk_window_get_toplevels ();
    AdwMessageDialog *question = NULL;

    g_free (p->notes);
    p->notes = g_strdup ("离线修改");
    g_assert_true (st_participant_update (db, p, &error));
    st_sync_controller_refresh (controller);
    sync_menu_click (button, "sync.sign-out");
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (w))
          question = ADW_MESSAGE_DIALOG (w);
      }
    g_assert_nonnull (question);
    g_assert_nonnull (strstr (adw_message_dialog_get_body (question), "1 change made on this laptop is not sent yet"));
    adw_message_dialog_response (question, "sign-out");
    WAIT_UNTIL (st_sync_controller_get_status (controller) == ST_SYNC_STATUS_NOT_SET_UP);
    g_assert_cmpint (st_sync_count_pending (db), ==, 1);
    g_assert_null (st_sync_account_load (db));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  st_test_server_stop (server);
}

/* Signs in through the dialog's button and returns what the dialog then
 * says (NULL when it closed). */
static char *
sign_in_says (GtkWidget  *dialog,
              const char *server,
              const char *user,
              const char *password)
{
  GtkLabel *message = GTK_LABEL (gtk_widget_get_template_child (dialog, ST_TYPE_SIGN_IN_DIALOG, "error_label"));
  GtkWidget *button = GTK_WIDGET (gtk_widget_get_template_child (dialog, ST_TYPE_SIGN_IN_DIALOG, "sign_in_button"));

  type_into (dialog, "server_row", server);
  type_into (dialog, "user_row", user);
  type_into (dialog, "password_row", password);
  st_test_click (button);
  WAIT_UNTIL (gtk_widget_is_sensitive (button) || gtk_widget_get_visible (GTK_WIDGET (message)));
  if (!gtk_widget_get_visible (GTK_WIDGET (message)))
    return NULL;
  /* The whole message is on view: the window is as tall as it needs. */
  settle ();
  {
    int width = gtk_widget_get_width (GTK_WIDGET (message));
    int natural = 0;

    gtk_widget_measure (GTK_WIDGET (message), GTK_ORIENTATION_VERTICAL, width, NULL, &natural, NULL, NULL);
    g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (message)), >=, natural);
  }
  return g_strdup (gtk_label_get_text (message));
}

/* A port on 127.0.0.1 that nothing listens on. */
static guint16
closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

static GtkWidget *
open_sign_in (StWindow *window)
{
  StSyncButton *button = st_window_get_sync_button (window);
  GtkWidget *dialog;

  st_test_key (GTK_WIDGET (window), GDK_KEY_F5, 0);
  dialog = GTK_WIDGET (st_sync_button_get_sign_in_dialog (button));
  g_assert_nonnull (dialog);
  WAIT_UNTIL (gtk_widget_get_mapped (dialog));
  return dialog;
}

/* Every way a sign-in fails says what is wrong and what to do, against the
 * real server: a wrong password, a disabled account, nothing listening, a
 * name that does not resolve, a certificate not trusted, plain HTTP. */
static void
test_sign_in_problems (void)
{
  g_autofree char *server_db = st_test_db_path ("problems-server.db");
  g_autofree char *path = st_test_db_path ("problems.db");
  g_autoptr(StTestServer) server = NULL;
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *refused_url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  g_autofree char *said = NULL;
  g_autofree char *title = NULL;
  StWindow *window;
  GtkWidget *dialog;

  st_test_add_user (server_db, "county", "county", NULL);
  st_test_add_user (server_db, "gone", "township", ST_TEST_TOWNSHIP_A, NULL);
  g_assert_cmpint (st_test_admin (server_db, NULL, NULL, NULL, "user", "disable", "gone", NULL), ==, 0);
  server = st_test_server_start (server_db, NULL);

  db = st_db_open (path, &error);
  g_assert_no_error (error);
  window = st_window_new (NULL, db);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  dialog = open_sign_in (window);

  /* The title is whole in the header bar. */
  {
    GtkWidget *label = st_test_find_label (dialog, "Sign In");

    g_assert_nonnull (label);
    g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
  }

  said = sign_in_says (dialog, server->url, "county", "wrong password");
  g_assert_cmpstr (said, ==, "The user name or the password is wrong. Check both (and Caps Lock); the county office can set a new password.");
  g_clear_pointer (&said, g_free);

  said = sign_in_says (dialog, server->url, "gone", ST_TEST_PASSWORD);
  g_assert_cmpstr (said, ==, "This account is disabled. Ask the county office to enable it again, or for an account of your own.");
  g_clear_pointer (&said, g_free);

  said = sign_in_says (dialog, refused_url, "county", ST_TEST_PASSWORD);
  g_assert_true (g_str_has_prefix (said, "127.0.0.1:"));
  g_assert_nonnull (strstr (said, "refused the connection: the server program is not running there, or the port is wrong"));
  g_assert_null (strstr (said, "problem right now"));
  g_clear_pointer (&said, g_free);

  said = sign_in_says (dialog, "nonexistent.invalid", "county", ST_TEST_PASSWORD);
  g_assert_cmpstr (said, ==, "No server is known by the name “nonexistent.invalid”. Check the address for typing mistakes; if it is right, this network cannot look the name up: ask whoever runs the network.");
  g_clear_pointer (&said, g_free);

  /* HTTPS to the plain-HTTP server. */
  {
    g_autofree char *https = g_strdup_printf ("https://127.0.0.1:%u", server->port);

    said = sign_in_says (dialog, https, "county", ST_TEST_PASSWORD);
    g_assert_true (g_str_has_suffix (said, "does not answer securely (HTTPS) at this address. Check the address and its port with the county office."));
    g_clear_pointer (&said, g_free);
  }

  /* A server whose certificate this laptop does not trust. */
  if (g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_autofree char *tls_db = st_test_db_path ("tls-server.db");
      g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "server", "data", "test-cert.pem", NULL);
      g_autofree char *key = g_test_build_filename (G_TEST_DIST, "server", "data", "test-key.pem", NULL);
      g_autofree char *key_copy = st_test_db_path ("tls-key.pem");
      g_autofree char *key_text = NULL;
      g_autoptr(StTestServer) tls_server = NULL;

      g_assert_true (g_file_get_contents (key, &key_text, NULL, NULL));
      g_assert_true (g_file_set_contents_full (key_copy, key_text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
      st_test_add_user (tls_db, "county", "county", NULL);
      tls_server = st_test_server_start (tls_db, "--tls-cert", cert, "--tls-key", key_copy, NULL);
      said = sign_in_says (dialog, tls_server->url, "county", ST_TEST_PASSWORD);
      g_assert_nonnull (strstr (said, "does not know this server’s certificate"));
      g_clear_pointer (&said, g_free);
      st_test_server_stop (tls_server);
    }

  /* Nothing was signed in by any of it. */
  g_assert_null (st_sync_account_load (db));
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  st_test_server_stop (server);
}

/* What the clock test's stand-in server answers: a sign-in, with its
 * clock three hours ahead of this laptop's. */
/* A county server with a self-signed certificate: the dialog shows the
 * fingerprint to compare with the county office's, the clerk accepts it,
 * and is signed in; renewed on the same address, the certificate is
 * refused by name until the clerk accepts the renewal. */
static void
test_sign_in_certificate (void)
{
  g_autofree char *path = st_test_db_path ("pin.db");
  g_autofree char *tls_db = st_test_db_path ("pin-server.db");
  const char *names[][2] = { { "test-cert.pem", "test-key.pem" }, { "test-cert-renewed.pem", "test-key-renewed.pem" } };
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = NULL;
  StWindow *window;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }
  st_test_add_user (tls_db, "county", "county", NULL);
  db = st_db_open (path, &error);
  g_assert_no_error (error);
  window = st_window_new (NULL, db);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));

  for (guint round = 0; round < 2; round++)
    {
      g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "server", "data", names[round][0], NULL);
      g_autofree char *key = g_test_build_filename (G_TEST_DIST, "server", "data", names[round][1], NULL);
      g_autofree char *key_copy = st_test_db_path (names[round][1]);
      g_autofree char *key_text = NULL;
      g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (cert, &error);
      g_autofree char *pin = NULL;
      g_autofree char *shown = NULL;
      g_autofree char *said = NULL;
      g_autoptr(StTestServer) server = NULL;
      GtkWidget *dialog, *trust, *fingerprint;

      g_assert_no_error (error);
      pin = st_sync_pin_of (certificate);
      g_assert_true (g_file_get_contents (key, &key_text, NULL, NULL));
      g_assert_true (g_file_set_contents_full (key_copy, key_text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
      /* The renewed certificate on the same address as the first. */
      server = listen == NULL ? st_test_server_start (tls_db, "--tls-cert", cert, "--tls-key", key_copy, NULL)
                              : st_test_server_start (tls_db, "--listen", listen, "--tls-cert", cert, "--tls-key", key_copy, NULL);
      if (listen == NULL)
        listen = g_strdup_printf ("127.0.0.1:%u", server->port);

      if (round == 1)
        {
          /* Sync Now meets the renewed certificate and sends nothing; the
           * laptop asks to sign in again. */
          StSyncController *controller = st_window_get_sync_controller (window);

          st_test_key (GTK_WIDGET (window), GDK_KEY_F5, 0);
          WAIT_UNTIL (st_sync_controller_get_status (controller) == ST_SYNC_STATUS_SIGN_IN_NEEDED);
          /* (Without a keyring in the tests the token may already be gone,
           * and then nothing was tried.) */
          if (st_sync_controller_get_error_details (controller) != NULL)
            g_assert_nonnull (strstr (st_sync_controller_get_error_details (controller), "not the one this laptop accepted"));
        }
      dialog = open_sign_in (window);
      trust = GTK_WIDGET (gtk_widget_get_template_child (dialog, ST_TYPE_SIGN_IN_DIALOG, "trust_button"));
      fingerprint = GTK_WIDGET (gtk_widget_get_template_child (dialog, ST_TYPE_SIGN_IN_DIALOG, "fingerprint_label"));
      said = sign_in_says (dialog, server->url, "county", ST_TEST_PASSWORD);
      g_assert_nonnull (said);
      g_assert_nonnull (strstr (said, round == 0 ? "does not know this server’s certificate"
                                                 : "another certificate than the one this laptop accepted"));
      /* The fingerprint to compare, in blocks of four, and the offer. */
      g_assert_true (gtk_widget_get_mapped (fingerprint));
      shown = st_sync_pin_display (pin);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (fingerprint)), ==, shown);
      if (round == 0)
        g_assert_true (g_str_has_prefix (shown, "SHA-256\nafc6 3dc6 36e6 4b0b"));
      g_assert_true (gtk_widget_get_mapped (trust));
      g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (trust)), ==,
                       round == 0 ? "_Accept This Certificate" : "_Accept the Renewed Certificate");
      if (round == 0)
        {
          g_autoptr(StSyncAccount) none = st_sync_account_load (db);

          /* Nothing sent, nobody signed in. */
          g_assert_null (none);
        }

      /* Compared, accepted: signed in, and the certificate kept. */
      st_test_click (trust);
      WAIT_UNTIL (st_sync_button_get_sign_in_dialog (st_window_get_sync_button (window)) == NULL);
      {
        g_autoptr(StSyncAccount) account = st_sync_account_load (db);

        g_assert_nonnull (account);
      }
      {
        g_autofree char *kept = st_sync_get_pin (db, server->url);

        g_assert_cmpstr (kept, ==, pin);
      }
      st_test_server_stop (server);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static void
on_fake_sign_in (SoupServer        *soup_server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  static const char body[] = "{\"token\":\"t0k3n\",\"expires_at\":0,"
                             "\"account\":{\"name\":\"county\",\"role\":\"county\",\"all_townships\":true,\"townships\":[]}}";
  g_autofree char *time = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / 1000 + 3 * 3600 * 1000);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Shuangti-Server-Time", time);
  if (g_str_equal (path, "/api/v1/sign-in"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body, sizeof body - 1);
    }
  else
    soup_server_message_set_status (msg, 503, NULL);
}

/* Signed in, but this laptop's clock is three hours behind the server's:
 * the dialog says so before it goes. */
static void
test_sign_in_clock (void)
{
  g_autofree char *path = st_test_db_path ("clock.db");
  g_autoptr(SoupServer) fake = soup_server_new (NULL, NULL);
  g_autoptr(StDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *said = NULL;
  GSList *uris;
  StWindow *window;
  GtkWidget *dialog, *close;

  soup_server_add_handler (fake, NULL, on_fake_sign_in, NULL, NULL);
  g_assert_true (soup_server_listen_local (fake, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake);
  url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  db = st_db_open (path, &error);
  g_assert_no_error (error);
  window = st_window_new (NULL, db);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  dialog = open_sign_in (window);
  said = sign_in_says (dialog, url, "county", ST_TEST_PASSWORD);
  g_assert_cmpstr (said, ==, "Signed in. This laptop’s clock is 3 hours behind the server’s: set the date and time in the system settings, or new records will carry the wrong date.");
  g_assert_nonnull (st_sync_account_load (db));
  close = GTK_WIDGET (gtk_widget_get_template_child (dialog, ST_TYPE_SIGN_IN_DIALOG, "cancel_button"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (close)), ==, "_Close");
  st_test_click (close);
  WAIT_UNTIL (st_sync_button_get_sign_in_dialog (st_window_get_sync_button (window)) == NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  soup_server_disconnect (fake);
}

int
main (int    argc,
      char **argv)
{
  /* Databases in a folder of our own; the rest of the environment as the
   * app sees it (icons, schemas). */
  g_autofree char *root = g_dir_make_tmp ("test-sync-ui-XXXXXX", NULL);
  int status;

  g_assert_nonnull (root);
  g_setenv ("XDG_DATA_HOME", root, TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  /* Under Xvfb without a window manager the entry of a window that lost
   * the X focus never hears of it, and its cursor blink then warns. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add_func ("/app/sync/from-window", test_sync_from_window);
  g_test_add_func ("/app/sync/sign-in-problems", test_sign_in_problems);
  g_test_add_func ("/app/sync/sign-in-clock", test_sign_in_clock);
  g_test_add_func ("/app/sync/sign-in-certificate", test_sign_in_certificate);
  status = g_test_run ();
  st_test_ui_remove_dirs (root);
  return status;
}
