/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "st-server"

#include "config.h"

#include "st-server-version.h"

static int server_schema;

void
st_version_set_server_schema (int schema)
{
  server_schema = schema;
}

int
st_version_get_server_schema (void)
{
  return server_schema;
}

int
st_version_parse (const char *text)
{
  guint64 value;

  if (text == NULL)
    return 0;
  if (!g_ascii_string_to_unsigned (text, 10, 1, 1000000, &value, NULL))
    return -1;
  return (int) value;
}

gboolean
st_version_check (const StCall *call,
                  StApiError   *error)
{
  JsonObject *extra;

  if (call->client_protocol < 0 || call->client_schema < 0)
    {
      st_api_error_set (error, 400, "invalid_request",
                        "The headers " ST_HEADER_PROTOCOL " and " ST_HEADER_SCHEMA " take a number.");
      return FALSE;
    }
  if (call->client_protocol <= ST_PROTOCOL_VERSION && call->client_schema <= server_schema)
    return TRUE;
  if (call->client_version != NULL)
    st_api_error_set (error, 409, "server_too_old",
                      "This laptop (Shuangti %s, protocol %d, schema %d) is newer than this server"
                      " (shuangti-server %s, protocol %d, schema %d): ask the county office to update"
                      " the server to Shuangti %s or later.",
                      call->client_version, call->client_protocol, call->client_schema,
                      PACKAGE_VERSION, ST_PROTOCOL_VERSION, server_schema, call->client_version);
  else
    st_api_error_set (error, 409, "server_too_old",
                      "This laptop (protocol %d, schema %d) is newer than this server"
                      " (shuangti-server %s, protocol %d, schema %d): ask the county office to update"
                      " the server to the laptop's version or later.",
                      call->client_protocol, call->client_schema,
                      PACKAGE_VERSION, ST_PROTOCOL_VERSION, server_schema);
  extra = json_object_new ();
  json_object_set_string_member (extra, "server_version", PACKAGE_VERSION);
  json_object_set_int_member (extra, "server_protocol", ST_PROTOCOL_VERSION);
  json_object_set_int_member (extra, "server_schema", server_schema);
  if (call->client_version != NULL)
    json_object_set_string_member (extra, "client_version", call->client_version);
  json_object_set_int_member (extra, "client_protocol", call->client_protocol);
  json_object_set_int_member (extra, "client_schema", call->client_schema);
  error->extra = extra;
  return FALSE;
}
