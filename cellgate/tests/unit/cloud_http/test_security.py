"""Security of the reference cloud: token policy and no echoed passwords (in-process), and,
over a served process, private state-dir modes, the state-dir lock, URLs that ignore the Host
header and new clients answered while 1,000 idle connections are open."""

from __future__ import annotations

import json
import os
import resource
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import fixtures
import requests
import testtools

from cellgate.cloud.process import CloudProcess
from cellgate.cloud.statedir import StateDirLocked, StateLock, make_private
from cellgate.tests.unit.cloud_http.support import InProcessCloud, auth_body

TOKENS = "/identity/v3/auth/tokens"
IDLE_CONNECTIONS = 1000


def _serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cellgate", "serve", *args],
                          capture_output=True, text=True, timeout=60)


class TokenPolicyTest(testtools.TestCase):
    """identity:{validate,check,revoke}_token: an admin or the token's own user, else 403."""

    def setUp(self):
        super().setUp()
        self.env = self.useFixture(InProcessCloud("nocells"))

    def _open(self, method, caller, subject):
        return self.env.client.open(TOKENS, method=method, headers={
            "X-Auth-Token": self.env.token(caller), "X-Subject-Token": subject})

    def test_another_user_gets_403_in_keystone_shape(self):
        for caller, owner in (("member1", "admin"), ("member2", "member1"),
                              ("member3", "member1")):
            subject = self.env.token(owner)
            for method, action in (("GET", "validate_token"), ("DELETE", "revoke_token")):
                resp = self._open(method, caller, subject)
                self.assertEqual(403, resp.status_code, (method, caller, owner))
                self.assertEqual({"error": {
                    "code": 403, "title": "Forbidden",
                    "message": "You are not authorized to perform the requested action: "
                               f"identity:{action}."}}, resp.get_json())
            self.assertEqual(403, self._open("HEAD", caller, subject).status_code)
            # the refused DELETE revoked nothing
            self.assertEqual(200, self._open("GET", owner, subject).status_code)

    def test_owner_and_admin_may_inspect_and_revoke(self):
        subject = self.env.token("member1")
        for caller in ("member1", "admin"):
            resp = self._open("GET", caller, subject)
            self.assertEqual(200, resp.status_code, caller)
            self.assertEqual("member1", resp.get_json()["token"]["user"]["name"])
            self.assertEqual(200, self._open("HEAD", caller, subject).status_code, caller)
        self.assertEqual(204, self._open("DELETE", "admin", subject).status_code)
        self.assertEqual(404, self._open("GET", "admin", subject).status_code)

    def test_unknown_subject_is_404_for_anyone(self):
        for caller in ("member1", "admin"):
            resp = self._open("GET", caller, "no-such-token")
            self.assertEqual(404, resp.status_code, caller)
            self.assertEqual("Not Found", resp.get_json()["error"]["title"])


class NoPasswordEchoedTest(testtools.TestCase):
    SECRET = "Sw0rdfish-not-for-echo"

    def test_bad_logins_never_show_the_password(self):
        env = self.useFixture(InProcessCloud("nocells"))
        logs = self.useFixture(fixtures.FakeLogger(level="DEBUG"))
        no_domain = auth_body("admin", self.SECRET, "admin")
        del no_domain["auth"]["identity"]["password"]["user"]["domain"]
        no_name = auth_body("admin", self.SECRET, None)
        del no_name["auth"]["identity"]["password"]["user"]["name"]
        bad_domain = auth_body("admin", self.SECRET, None)
        bad_domain["auth"]["identity"]["password"]["user"]["domain"] = {}
        wrong = auth_body("admin", self.SECRET, "admin")
        for body, needle in ((no_domain, "Expecting to find domain in user."),
                             (no_name, "Expecting to find id or name in user."),
                             (bad_domain, "user/domain"),
                             (wrong, "requires authentication")):
            resp = env.client.post(TOKENS, json=body)
            self.assertIn(resp.status_code, (400, 401))
            text = resp.get_data(as_text=True)
            self.assertIn(needle, text)
            self.assertNotIn(self.SECRET, text)
        resp = env.client.post(TOKENS, json={"auth": {"identity": {
            "methods": ["password"],
            "password": {"user": {"name": "admin", "domain": {"id": "default"},
                                  "password": [self.SECRET]}}}}})
        self.assertEqual(400, resp.status_code)
        self.assertIn("auth/identity/password/user/password", resp.get_json()["error"]["message"])
        self.assertNotIn(self.SECRET, resp.get_data(as_text=True))
        resp = env.request("POST", "/compute/v2.1/servers", body={"server": {
            "name": "s", "imageRef": env.image_id(), "flavorRef": "1",
            "adminPass": [self.SECRET]}})
        self.assertEqual(400, resp.status_code)
        self.assertNotIn(self.SECRET, resp.get_data(as_text=True))
        self.assertNotIn(self.SECRET, logs.output)


class StateLockTest(testtools.TestCase):
    def test_second_holder_is_refused_until_the_first_releases(self):
        state = Path(self.useFixture(fixtures.TempDir()).path)
        first = StateLock(state)
        first.acquire()
        self.addCleanup(first.release)
        error = self.assertRaises(StateDirLocked, StateLock(state).acquire)
        self.assertIn(f"pid {os.getpid()}", str(error))
        first.release()
        again = StateLock(state)
        again.acquire()
        again.release()

    def test_make_private_fixes_an_existing_tree(self):
        state = Path(self.useFixture(fixtures.TempDir()).path) / "state"
        (state / "sub").mkdir(parents=True, mode=0o755)
        state.chmod(0o755)
        (state / "old.sqlite").write_text("x")
        (state / "sub" / "f").write_text("x")
        os.chmod(state / "old.sqlite", 0o644)
        make_private(state)
        self.assertEqual(0o700, stat.S_IMODE(state.stat().st_mode))
        self.assertEqual(0o700, stat.S_IMODE((state / "sub").stat().st_mode))
        for path in (state / "old.sqlite", state / "sub" / "f"):
            self.assertEqual(0o600, stat.S_IMODE(path.stat().st_mode), path)


class PortRangeTest(testtools.TestCase):
    def test_ports_outside_0_65535_are_refused(self):
        from cellgate.cli import build_parser

        for port in ("0", "65535"):
            args = build_parser().parse_args(["serve", "--port", port])
            self.assertEqual(int(port), args.port)
        for port in ("99999", "65536", "-1", "http"):
            result = _serve("--port", port)
            self.assertEqual(2, result.returncode, port)
            self.assertIn("argument --port: invalid port", result.stderr, port)
            self.assertNotIn("Traceback", result.stderr, port)


class ServedSecurityTest(testtools.TestCase):
    """One served cloud on a state dir that existed with loose modes."""

    def setUp(self):
        super().setUp()
        self.state = Path(self.useFixture(fixtures.TempDir()).path) / "state"
        self.state.mkdir(mode=0o755)
        self.state.chmod(0o755)
        (self.state / "left-behind.log").write_text("from an earlier run\n")
        os.chmod(self.state / "left-behind.log", 0o644)
        self.cloud = self.useFixture(CloudProcess(topology="nocells",
                                                  state_dir=str(self.state)))

    def _login(self, headers=None):
        import yaml

        auth = yaml.safe_load(Path(self.cloud.clouds_yaml).read_text(encoding="utf-8"))[
            "clouds"]["cellgate-member1"]["auth"]
        resp = requests.post(self.cloud.identity_url + "/auth/tokens", headers=headers,
                             json=auth_body(auth["username"], auth["password"],
                                            auth["project_name"]), timeout=30)
        self.assertEqual(201, resp.status_code, resp.text)
        return resp

    def test_state_dir_0700_and_every_file_0600(self):
        self._login()  # writes to the API database
        self.assertEqual(0o700, stat.S_IMODE(self.state.stat().st_mode))
        names = set()
        for path in self.state.iterdir():
            names.add(path.name)
            self.assertEqual(0o600, stat.S_IMODE(path.stat().st_mode), path.name)
        self.assertTrue({"clouds.yaml", "ready.json", "cloud.sqlite", "serve.lock", "topology.yaml",
                         "serve-1.out", "serve-1.err", "left-behind.log"} <= names, names)
        # files SQLite creates later (journals, WAL) are private too: the server's umask
        status = Path(f"/proc/{self.cloud.pid}/status")
        if status.exists():
            umask = [line for line in status.read_text().splitlines()
                     if line.startswith("Umask:")]
            self.assertEqual(["Umask:\t0077"], umask)

    def test_second_serve_on_the_state_dir_exits_2_naming_the_first(self):
        ready_before = (self.state / "ready.json").read_text(encoding="utf-8")
        clouds_before = Path(self.cloud.clouds_yaml).read_text(encoding="utf-8")
        result = _serve("--topology", "nocells", "--port", "0", "--state-dir", str(self.state))
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn("in use by another cellgate serve", result.stderr)
        self.assertIn(f"pid {self.cloud.pid}", result.stderr)
        self.assertIn(self.cloud.base_url, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertEqual(ready_before, (self.state / "ready.json").read_text(encoding="utf-8"))
        self.assertEqual(clouds_before,
                         Path(self.cloud.clouds_yaml).read_text(encoding="utf-8"))
        self.assertEqual(200, requests.get(self.cloud.base_url + "/", timeout=30).status_code)
        # the lock dies with its holder, SIGKILL included
        self.cloud.kill()
        self.cloud.restart()
        self.assertEqual(200, requests.get(self.cloud.base_url + "/", timeout=30).status_code)

    def test_links_and_catalog_ignore_the_host_header(self):
        evil = {"Host": "evil.example:1"}
        base = self.cloud.base_url
        catalog = self._login(headers=evil).json()["token"]["catalog"]
        urls = [e["url"] for s in catalog for e in s["endpoints"]]
        self.assertTrue(urls)
        for url in urls:
            self.assertTrue(url.startswith(base + "/"), url)
        docs = [requests.get(base + path, headers=evil, timeout=30)
                for path in ("/compute/", "/compute/v2.1/", "/identity/", "/identity/v3",
                             "/image/")]
        token = self._login().headers["X-Subject-Token"]
        docs.append(requests.get(base + "/compute/v2.1/flavors", timeout=30,
                                 headers={**evil, "X-Auth-Token": token}))
        for resp in docs:
            self.assertLess(resp.status_code, 400, resp.url)
            self.assertNotIn("evil.example", resp.text, resp.url)
            self.assertIn(base + "/", resp.text, resp.url)
        unauthorized = requests.get(base + "/compute/v2.1/flavors", headers=evil, timeout=30)
        self.assertEqual(401, unauthorized.status_code)
        self.assertEqual(f'Keystone uri="{base}/identity"',
                         unauthorized.headers["WWW-Authenticate"])

    def test_new_client_answered_while_1000_idle_connections_are_open(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and soft < IDLE_CONNECTIONS + 200:
            if hard != resource.RLIM_INFINITY and hard < IDLE_CONNECTIONS + 200:
                self.skipTest(f"this process may open only {hard} files")
            resource.setrlimit(resource.RLIMIT_NOFILE, (IDLE_CONNECTIONS + 200, hard))
            self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, hard))
        host, port = self.cloud.base_url.rsplit("/", 1)[1].rsplit(":", 1)
        idle: list[socket.socket] = []
        self.addCleanup(lambda: [s.close() for s in idle])
        for _ in range(IDLE_CONNECTIONS):
            idle.append(socket.create_connection((host, int(port)), timeout=10))
        started = time.monotonic()
        resp = requests.get(self.cloud.compute_url + "/", timeout=10,
                            headers={"Connection": "close"})
        elapsed = time.monotonic() - started
        self.assertEqual(200, resp.status_code)
        self.assertEqual("v2.1", json.loads(resp.text)["version"]["id"])
        self.assertLess(elapsed, 1.0, f"answered after {elapsed:.3f} s")
