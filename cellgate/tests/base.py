"""The base class of every API and scenario test.

`setUpClass` runs in fixed stages:

1. skip checks from the config only (features, microversion range, credentials per role). A
   reason is *recorded*, never raised here: `setUp` raises `skipTest` so each test of a skipped
   class shows in the stream as its own skip;
2. clients, one `cellgate.lib.Clients` per role in `roles` (`os_admin`, `os_member`, ...);
3. shared resources through `resource_setup`, each removed by a class cleanup.

`setUp` then skips by class reason, by the test's own `requires_features` /
`requires_microversion` metadata and by the resolved skiplist, and applies the class
`microversion`. The config file comes from the `CELLGATE_CONFIG` environment variable.
"""

from __future__ import annotations

import json
import os
import unittest
import uuid

import testtools
from tempest.lib import exceptions as lib_exc
from tempest.lib.common import api_version_request
from tempest.lib.common.utils import data_utils

from cellgate.harness.config import ConfigError, HarnessConfig, load_config
from cellgate.lib import decorators, waiters
from cellgate.lib.clients import Clients
from cellgate.lib.microversion import ComputeMicroversion, current_microversion, version_at_least

CONFIG_ENV = "CELLGATE_CONFIG"


def feature_skip_reason(flag: str) -> str:
    """The skip reason of a test whose feature flag is off."""
    return f"feature disabled: [compute-feature-enabled] {flag}"


def skiplist_skip_reason(entry: dict) -> str:
    """The skip reason of a test listed in the resolved skiplist (the summary parses it)."""
    return f"skiplist {entry.get('file')}: {entry.get('reason')} (bug {entry.get('bug')})"


def _version(value: str | None, *, high: bool) -> api_version_request.APIVersionRequest:
    if value is None or value == "latest":
        return api_version_request.APIVersionRequest("latest" if high else "2.1")
    return api_version_request.APIVersionRequest(value)


def microversion_skip_reason(need_min: str | None, need_max: str | None,
                             cfg_min: str, cfg_max: str) -> str | None:
    """None when [need_min, need_max] overlaps the configured range, else the skip reason."""
    if need_min is None and need_max is None:
        return None
    if (_version(need_min, high=False) <= _version(cfg_max, high=True)
            and _version(need_max, high=True) >= _version(cfg_min, high=False)):
        return None
    return (f"microversion: test needs {need_min or '2.1'} - {need_max or 'latest'}, config "
            f"offers {cfg_min} - {cfg_max} ([compute] min_microversion/max_microversion)")


def strip_attrs(test_id: str) -> str:
    """A test id without its `[id-...,...]` attributes suffix."""
    return test_id.split("[", 1)[0]


def load_resolved_skips(path: str | None) -> dict[str, dict]:
    """Read the gate runner's `{test_id: {reason, bug, area, file}}` file (absent path: {})."""
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"[skiplist] resolved_file: {path} does not exist; remove the key or "
                          "let `cellgate gate` write the file")
    except (OSError, ValueError) as exc:
        raise ConfigError(f"[skiplist] resolved_file: {path} is not readable JSON ({exc}); "
                          "regenerate it with `cellgate gate`")
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ConfigError(f"[skiplist] resolved_file: {path} must map test ids to "
                          "{reason, bug, area, file} objects; regenerate it with `cellgate gate`")
    return {strip_attrs(test_id): entry for test_id, entry in data.items()}


def config_from_environment() -> HarnessConfig:
    """Load the config named by CELLGATE_CONFIG, or fail saying how to provide one."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        raise ConfigError(f"{CONFIG_ENV} is not set; set it to a harness config file "
                          "(see `cellgate config generate`) or run the suite with `cellgate gate`")
    return load_config(path)


class BaseComputeTest(testtools.testcase.WithAttributes, testtools.TestCase):
    """Base of the black-box tests; see the module docstring for the stages."""

    required_features: tuple[str, ...] = ()
    min_microversion: str | None = None
    max_microversion: str | None = None
    microversion: str | None = None
    roles: tuple[str, ...] = ("member",)

    config: HarnessConfig
    os_admin: Clients | None = None
    os_member: Clients | None = None
    os_member_peer: Clients | None = None
    os_alt: Clients | None = None

    # ---- class stages -------------------------------------------------------------------
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls._class_skip_reason: str | None = None
        cls.config = config_from_environment()
        cls._resolved_skips = load_resolved_skips(cls.config.skiplist.resolved_file)
        cls._class_skip_reason = cls.skip_checks()
        if cls._class_skip_reason or cls._all_tests_skiplisted():
            return
        cls.setup_credentials()
        cls.setup_clients()
        fixture = ComputeMicroversion(cls.microversion)
        fixture.setUp()
        cls.addClassCleanup(fixture.cleanUp)
        cls.resource_setup()

    @classmethod
    def skip_checks(cls) -> str | None:
        """Stage 1: return why the whole class cannot run on this config (None = it can).

        Reads the config only. Subclasses extend it: `return super().skip_checks() or ...`.
        """
        for flag in cls.required_features:
            if not cls.config.feature_enabled(flag):
                return feature_skip_reason(flag)
        need_min = cls.microversion if cls.microversion not in (None, "latest") else None
        if cls.min_microversion is not None:
            need_min = cls.min_microversion
            if cls.microversion not in (None, "latest") and _version(
                    cls.microversion, high=False) > _version(need_min, high=False):
                need_min = cls.microversion
        reason = microversion_skip_reason(need_min, cls.max_microversion,
                                          cls.config.compute.min_microversion,
                                          cls.config.compute.max_microversion)
        if reason:
            return reason
        for role in cls.roles:
            if cls.config.auth.credentials(role) is None:
                return f"no credentials for the {role} role in [auth] ({role}_cloud)"
        return None

    @classmethod
    def setup_credentials(cls) -> None:
        """Stage 2a: nothing to create (accounts are given by the config); kept as a hook."""

    @classmethod
    def setup_clients(cls) -> None:
        """Stage 2b: one `Clients` per role in `roles`, as `os_<role>`."""
        compute = cls.config.compute
        cls.image_ref = compute.image_ref
        cls.image_ref_alt = compute.image_ref_alt
        cls.flavor_ref = compute.flavor_ref
        cls.flavor_ref_alt = compute.flavor_ref_alt
        cls.build_timeout = compute.build_timeout
        cls.build_interval = compute.build_interval
        for role in cls.roles:
            creds = cls.config.auth.credentials(role)
            setattr(cls, f"os_{role}", Clients(creds, build_timeout=compute.build_timeout,
                                               build_interval=compute.build_interval))

    @classmethod
    def resource_setup(cls) -> None:
        """Stage 3: create shared resources; register `cls.addClassCleanup` for each."""

    @classmethod
    def _all_tests_skiplisted(cls) -> bool:
        if not cls._resolved_skips:
            return False
        prefix = f"{cls.__module__}.{cls.__qualname__}."
        names = unittest.TestLoader().getTestCaseNames(cls)
        return bool(names) and all(prefix + name in cls._resolved_skips for name in names)

    # ---- per test -----------------------------------------------------------------------
    def setUp(self) -> None:
        super().setUp()
        reason = self._test_skip_reason()
        if reason:
            self.skipTest(reason)
        self.useFixture(ComputeMicroversion(self.microversion))

    def _test_skip_reason(self) -> str | None:
        if self._class_skip_reason:
            return self._class_skip_reason
        method = getattr(self, self._testMethodName, None)
        for flag in decorators.required_features_of(method):
            if not self.config.feature_enabled(flag):
                return feature_skip_reason(flag)
        needed = decorators.microversion_range_of(method)
        if needed:
            reason = microversion_skip_reason(needed[0], needed[1],
                                              self.config.compute.min_microversion,
                                              self.config.compute.max_microversion)
            if reason:
                return reason
        entry = (self._resolved_skips.get(self.id())
                 or self._resolved_skips.get(strip_attrs(self.id())))
        if entry:
            return skiplist_skip_reason(entry)
        return None

    def use_microversion(self, version: str) -> None:
        """Send `version` for the rest of this test; skip if the config does not offer it."""
        reason = microversion_skip_reason(version, version,
                                          self.config.compute.min_microversion,
                                          self.config.compute.max_microversion)
        if reason:
            self.skipTest(reason)
        self.useFixture(ComputeMicroversion(version))

    # ---- resource helpers ---------------------------------------------------------------
    @classmethod
    def _clients(cls, clients: Clients | None) -> Clients:
        chosen = clients or cls.os_member or cls.os_admin
        if chosen is None:
            raise RuntimeError(f"{cls.__name__} built no clients; add a role to `roles`")
        return chosen

    @classmethod
    def _admin(cls) -> Clients:
        if cls.os_admin is None:
            raise RuntimeError(f"{cls.__name__} needs 'admin' in `roles` to create flavors")
        return cls.os_admin

    @classmethod
    def _server_body(cls, kwargs: dict) -> dict:
        body = dict(kwargs)
        body.setdefault("name", data_utils.rand_name("server", prefix="cellgate"))
        body.setdefault("imageRef", cls.image_ref)
        body.setdefault("flavorRef", cls.flavor_ref)
        if "networks" not in body and version_at_least(current_microversion(), "2.37"):
            body["networks"] = "none"
        return body

    @classmethod
    def _boot(cls, clients: Clients | None, wait_until: str | None, add_cleanup,
              kwargs: dict) -> dict:
        client = cls._clients(clients).servers_client
        server = client.create_server(**cls._server_body(kwargs))["server"]
        add_cleanup(cls._delete_server, client, server["id"])
        if wait_until:
            server = waiters.wait_for_server_status(client, server["id"], wait_until,
                                                    cls.build_timeout, cls.build_interval)
        return server

    @classmethod
    def _delete_server(cls, client, server_id: str) -> None:
        try:
            client.delete_server(server_id)
        except lib_exc.NotFound:
            return
        waiters.wait_for_server_termination(client, server_id, cls.build_timeout,
                                            cls.build_interval, ignore_error=True)

    @classmethod
    def create_test_server(cls, clients: Clients | None = None, wait_until: str | None = "ACTIVE",
                           **kwargs) -> dict:
        """Boot a server (image/flavor from config, unique name) deleted at class cleanup.

        kwargs go into the create body; `networks='none'` is added at microversion >= 2.37.
        `wait_until=None` returns the create response without waiting.
        """
        return cls._boot(clients, wait_until, cls.addClassCleanup, kwargs)

    def create_server_for_test(self, clients: Clients | None = None,
                               wait_until: str | None = "ACTIVE", **kwargs) -> dict:
        """Like `create_test_server`, but deleted when this test ends."""
        return self._boot(clients, wait_until, self.addCleanup, kwargs)

    @classmethod
    def wait_for_server_status(cls, server_id: str, status: str,
                               clients: Clients | None = None) -> dict:
        """Wait with the config's timeout and interval; returns the server body."""
        return waiters.wait_for_server_status(cls._clients(clients).servers_client, server_id,
                                              status, cls.build_timeout, cls.build_interval)

    @classmethod
    def _flavor_body(cls, kwargs: dict) -> dict:
        body = {"name": data_utils.rand_name("flavor", prefix="cellgate"),
                "id": str(uuid.uuid4()), "ram": 64, "vcpus": 1, "disk": 1}
        body.update(kwargs)
        return body

    @classmethod
    def _make_flavor(cls, add_cleanup, kwargs: dict) -> dict:
        client = cls._admin().flavors_client
        flavor = client.create_flavor(**cls._flavor_body(kwargs))["flavor"]
        add_cleanup(cls._delete_flavor, client, flavor["id"])
        return flavor

    @staticmethod
    def _delete_flavor(client, flavor_id: str) -> None:
        try:
            client.delete_flavor(flavor_id)
        except lib_exc.NotFound:
            pass

    @classmethod
    def create_test_flavor(cls, **kwargs) -> dict:
        """Create a flavor as admin (unique name and id, small sizes) deleted at class cleanup."""
        return cls._make_flavor(cls.addClassCleanup, kwargs)

    def create_flavor_for_test(self, **kwargs) -> dict:
        """Like `create_test_flavor`, but deleted when this test ends."""
        return self._make_flavor(self.addCleanup, kwargs)
