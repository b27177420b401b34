"""tempest.lib's servers client, plus the query parameters it does not take."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from tempest.lib.common import rest_client
from tempest.lib.services.compute import servers_client


class ServersClient(servers_client.ServersClient):
    """Adds `limit`, `marker` and `changes-since` to the instance-action list (microversion
    2.58); responses are still validated against tempest.lib's schema for the microversion."""

    def list_instance_actions(self, server_id: str, **params: str) -> rest_client.ResponseBody:
        """GET /servers/{id}/os-instance-actions with optional query parameters."""
        url = f"servers/{server_id}/os-instance-actions"
        if params:
            url += "?" + urlencode(params)
        resp, body = self.get(url)
        body = json.loads(body)
        schema = self.get_schema(self.schema_versions_info)
        self.validate_response(schema.list_instance_actions, resp, body)
        return rest_client.ResponseBody(resp, body)
