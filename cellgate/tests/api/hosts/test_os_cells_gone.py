"""/os-cells (cells v1, removed from Nova): every route Nova still routes answers 410 Gone.

Checked against real Nova 34: 410 with a computeFault body, for members and admins, at any
microversion; a path below the routed ones is 404.
"""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc

from cellgate.lib import decorators
from cellgate.tests import base

GONE = "This resource is no longer available. No forwarding address is given."
ROUTES = (("GET", "os-cells"), ("POST", "os-cells"), ("GET", "os-cells/detail"),
          ("GET", "os-cells/capacities"), ("GET", "os-cells/info"),
          ("POST", "os-cells/sync_instances"), ("GET", "os-cells/cell1"),
          ("PUT", "os-cells/cell1"), ("DELETE", "os-cells/cell1"),
          ("GET", "os-cells/cell1/capacities"))


class OsCellsGoneTest(base.BaseComputeTest):
    """Raw requests to each os-cells route."""

    roles = ("member", "admin")

    def _gone(self, clients, method: str, path: str, headers=None) -> None:
        rest = clients.rest_client("compute")
        body = "{}" if method in ("POST", "PUT") else None
        error = self.assertRaises(lib_exc.Gone, rest.request, method, path,
                                  headers=dict(headers or {}, **{"Content-Type":
                                                                 "application/json"}),
                                  body=body)
        self.assertEqual(410, error.resp.status, (method, path))
        fault = error.resp_body.get("computeFault", error.resp_body)
        self.assertEqual({"code": 410, "message": GONE}, fault, (method, path))

    @decorators.idempotent_id('b701bda3-601f-45f0-ade4-69f750c13783')
    def test_every_route_is_410_for_a_member(self):
        for method, path in ROUTES:
            self._gone(self.os_member, method, path)

    @decorators.idempotent_id('a7785081-5139-44d9-9241-e1a778538a86')
    def test_410_for_admin_at_the_newest_version(self):
        version = self.config.compute.max_microversion
        headers = {} if version in (None, "latest") else {
            "OpenStack-API-Version": f"compute {version}"}
        for method, path in (("GET", "os-cells"), ("GET", "os-cells/detail"),
                             ("DELETE", "os-cells/cell1")):
            self._gone(self.os_admin, method, path, headers)

    @decorators.idempotent_id('35130ae4-f524-410b-a4ab-75fa047292b5')
    def test_deeper_path_is_404(self):
        rest = self.os_member.rest_client("compute")
        self.assertRaises(lib_exc.NotFound, rest.get, "os-cells/a/b/c")
