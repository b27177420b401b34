"""A bad-input sweep over every route of the table: malformed JSON, wrong types, unknown and
malformed ids, bad query parameters, oversize bodies, wrong methods, no token, bad
microversions. No request may get a 500, and every error carries Nova's (or Keystone's) fault
body shape."""

from __future__ import annotations

import collections
import re
import uuid

import testtools
from testtools.content import text_content

from cellgate.cloud.api.request import MAX_BODY_BYTES
from cellgate.cloud.api.routes import ROUTES
from cellgate.tests.unit.cloud_http.support import InProcessCloud

_BODIES = (b"{not json", b"[]", b'"text"', b"1", b"{}", b'{"server": []}',
           b'{"flavor": {"name": 1}}', b'{"extra_specs": {"k": {"nested": 1}}}',
           b'{"metadata": "x"}', b'{"meta": {"a": "1", "b": "2"}}',
           b'{"reboot": {"type": 1}}', b'{"addTenantAccess": {}}',
           b'{"auth": {"identity": {"methods": "password"}}}', b"[" * 50000, b"\xff\xfe",
           b"NaN", b'{"a": 1e999}', b'{"server": {"name": "\\ud800"}}',
           b'{"flavor": ' * 5000 + b"1" + b"}" * 5000)
_HUGE = "9" * 23
# an image that does not exist: a body that passes every check still boots nothing
_BOOT = '"name": "s", "flavorRef": "1", "networks": "none", "imageRef": "%s"' % uuid.uuid4()
# Each body has one bad field (so that none boots a server): huge numbers, empty strings
# for integers, wrong types, unknown fields, bad base64, non-UUID hints, bad block devices.
_FIELD_BODIES = tuple(body.encode() for body in (
    '{"server": {%s, "min_count": ""}}' % _BOOT,
    '{"server": {%s, "max_count": ""}}' % _BOOT,
    '{"server": {%s, "min_count": "%s"}}' % (_BOOT, _HUGE),
    '{"server": {%s, "min_count": %s}}' % (_BOOT, _HUGE),
    '{"server": {%s, "min_count": "2", "max_count": "1"}}' % _BOOT,
    '{"server": {%s, "min_count": 1.5}}' % _BOOT,
    '{"server": {%s, "user_data": "not base64!"}}' % _BOOT,
    '{"server": {%s, "config_drive": "maybe"}}' % _BOOT,
    '{"server": {%s, "tags": "t"}}' % _BOOT,
    '{"server": {%s, "tags": ["a/b"]}}' % _BOOT,
    '{"server": {%s, "personality": [{"path": "/p", "contents": "!"}]}}' % _BOOT,
    '{"server": {%s, "block_device_mapping_v2": [{}]}}' % _BOOT,
    '{"server": {%s, "block_device_mapping_v2": [{"boot_index": "x"}]}}' % _BOOT,
    '{"server": {%s, "block_device_mapping_v2": [{"source_type": "volume", "uuid": "v",'
    ' "destination_type": "volume", "boot_index": 0}]}}' % _BOOT,
    '{"server": {%s, "bogus_field": 1}}' % _BOOT,
    '{"server": {%s}, "os:scheduler_hints": {"group": "not-a-uuid"}}' % _BOOT,
    '{"server": {%s}, "os:scheduler_hints": {"group": "%s"}}' % (_BOOT, uuid.uuid4()),
    '{"server": {%s}, "os:scheduler_hints": "x"}' % _BOOT,
    '{"flavor": {"name": "f", "ram": "", "vcpus": 1, "disk": 1}}',
    '{"flavor": {"name": "f", "ram": "%s", "vcpus": 1, "disk": 1}}' % _HUGE,
    '{"flavor": {"name": "f", "ram": %s, "vcpus": 1, "disk": 1}}' % _HUGE,
    '{"flavor": {"name": "f", "ram": 1, "vcpus": "", "disk": "%s"}}' % _HUGE,
    '{"flavor": {"name": "f", "ram": 1, "vcpus": 1, "disk": 1, "swap": ""}}',
    '{"flavor": {"name": "f", "ram": [], "vcpus": 1, "disk": 1}}',
    '{"flavor": {"name": "f", "ram": 1, "vcpus": 1, "disk": 1, "rxtx_factor": "%s"}}'
    % ("9" * 400),
    '{"flavor": {"name": "f", "ram": 1, "vcpus": 1, "disk": 1, "bogus": 1}}',
    '{"server": {"name": ["x"]}}',
    '{"metadata": {"k": 1}}',
    '{"meta": {"k": "%s"}}' % ("v" * 300),
    '{"tags": [1, "a,b"]}',
    '{"tags": null}',
))
_BODIES += _FIELD_BODIES
_QUERIES = ("limit=x", "limit=-5", "marker=nope", "sort_dir=up", "sort_key=bogus",
            "changes-since=not-a-date", "minRam=abc", "minDisk=-1", "is_public=perhaps",
            "all_tenants=maybe", "status=NOPE", "name=%28unclosed",
            # huge numbers, empty integers, extreme timestamps, regexes, unknown fields
            f"limit={_HUGE}", f"minRam={_HUGE}", f"minDisk={_HUGE}", "limit=", "minRam=",
            "changes-since=9999-12-31T23:59:59-23:59",
            "changes-since=0001-01-01T00:00:00%2B23:59",
            "changes-since=", "changes-since=99999-01-01T00:00:00Z", "name=%28a%2B%29%2B%24",
            "name=%28x%29%5C1", "name=", "ip=%28a%2B%29%2B%24", "ip=%5B", "reservation_id=%5B",
            "tags=", "not-tags-any=a,b", "status=", "deleted=maybe", "bogus_field=1",
            "sort_key=", "marker=", f"hypervisor_hostname_pattern={_HUGE}", "with_servers=x")


class BadInputSweepTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.env = self.useFixture(InProcessCloud("nocells"))
        image = self.env.image_id()
        resp = self.env.request("POST", "/compute/v2.1/servers", version="2.61", body={
            "server": {"name": "sweep", "imageRef": image, "flavorRef": "2",
                       "networks": "none"}})
        self.server_id = resp.get_json()["server"]["id"]
        self.calls = 0
        self.statuses: collections.Counter = collections.Counter()

    def _paths(self, rule: str) -> list[str]:
        values = {
            "server_id": (self.server_id, str(uuid.uuid4()), "not-a-uuid", "1"),
            "flavor_id": ("2", "no-such-flavor", "%00"),
            "key": ("k", "a" * 300),
            "hypervisor_id": ("1", str(uuid.uuid4()), "x"),
            "request_id": ("req-" + str(uuid.uuid4()), "x"),
            "image_id": (str(uuid.uuid4()), "bad"),
            "tag": ("t", "a,b", "x" * 61),
            "cell_id": ("cell1",),
        }
        paths = [rule]
        for name, options in values.items():
            token = f"<{name}>"
            if token in rule:
                paths = [p.replace(token, option) for p in paths for option in options]
        return paths

    def _check(self, resp, what: str) -> None:
        self.calls += 1
        what = what if len(what) < 200 else what[:200] + "..."
        status = resp.status_code
        self.statuses[status] += 1
        # Nova's own answer on a fake driver: 501 for a hypervisor's uptime
        limit = 502 if "/uptime" in what.split("?")[0] else 500
        self.assertLess(status, limit, f"{what} -> {status}: {resp.get_data(as_text=True)}")
        if status < 400 or resp.request.method == "HEAD":  # HEAD answers carry no body
            return
        body = resp.get_json(silent=True)
        self.assertIsInstance(body, dict, what)
        self.assertEqual(1, len(body), f"{what}: {body}")
        (name, fault), = body.items()
        self.assertRegex(name, r"^[a-zA-Z]+$", what)
        self.assertEqual(status, fault["code"], what)
        self.assertIsInstance(fault["message"], str, what)

    def test_sweep(self):
        for rule, methods in ROUTES:
            for path in self._paths(rule):
                for method in methods:
                    for user in ("member3", "admin"):
                        what = f"{user} {method} {path}"
                        self._check(self.env.request(method, path, user=user,
                                                     version="2.61"), what)
                        if method in ("POST", "PUT"):
                            for data in _BODIES:
                                self._check(self.env.request(method, path, user=user,
                                                             data=data, version="2.61"),
                                            f"{what} {data!r}")
                            big = b'{"x": "' + b"a" * MAX_BODY_BYTES + b'"}'
                            resp = self.env.request(method, path, user=user, data=big)
                            self._check(resp, f"{what} oversize")
                            if "identity" not in path:
                                self.assertIn(resp.status_code, (401, 404, 405, 413), what)
                        if method == "GET":
                            for query in _QUERIES:
                                self._check(self.env.request(method, f"{path}?{query}",
                                                             user=user), f"{what}?{query}")
                    self._check(self.env.request(method, path, user=None), f"anon {method}")
                    for version in ("2.62", "x.y", "latest", "2.0", " "):
                        self._check(self.env.request(method, path, user="member1",
                                                     version=version),
                                    f"{method} {path} @{version!r}")
            for method in ("PATCH", "DELETE", "PUT"):
                if method not in methods and not re.search(r"<", rule):
                    resp = self.env.request(method, rule, user="admin")
                    self._check(resp, f"{method} {rule}")
                    if rule != "/":  # /flavors/detail also reads as /flavors/<id>: 404
                        # (and /os-cells/info as /os-cells/<id>: 410, as Nova)
                        expected = (400, 404, 405, 410) if "/os-cells/" in rule else (400, 404, 405)
                        self.assertIn(resp.status_code, expected, f"{method} {rule}")
        self.addDetail("histogram", text_content(
            f"{self.calls} requests; status histogram {dict(sorted(self.statuses.items()))}"))
        self.assertGreater(self.calls, 1000)
        self.assertEqual(self.calls, sum(self.statuses.values()))
