"""Benchmark the reference cloud over real HTTP: boot-to-ACTIVE and server detail listing.

For each topology it starts `cellgate serve` as a child process, then:
- boots servers one at a time and polls `GET /servers/{id}` with no pause between polls (each
  poll is one HTTP round trip, well under 1 ms apart) until ACTIVE, and prints p50/p95 of the
  boot-to-ACTIVE time measured from just before `POST /servers`;
- fills the cloud to 1,000 servers and prints p50/p95 of `GET /servers/detail` (all of them).

Run it with:  python benchmarks/boot_latency.py [--topology nocells ...] [--boots 50]
It prints figures; it asserts nothing (targets: boot p50 < 20 ms, detail of 1,000 < 50 ms).
"""

from __future__ import annotations

import argparse
import statistics
import time

import requests
import yaml

from cellgate.cloud.process import CloudProcess

TOPOLOGIES = ("nocells", "single-cell", "multi-cell")


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100.0 * len(ordered)) - 1))
    return ordered[index]


class ComputeSession:
    """A keep-alive HTTP session holding a project-scoped token and the compute endpoint."""

    def __init__(self, clouds_yaml: str, cloud: str) -> None:
        with open(clouds_yaml, encoding="utf-8") as handle:
            auth = yaml.safe_load(handle)["clouds"][cloud]["auth"]
        self.http = requests.Session()
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": auth["username"], "password": auth["password"],
                "domain": {"name": auth.get("user_domain_name", "Default")}}}},
            "scope": {"project": {"name": auth["project_name"],
                                  "domain": {"name": auth.get("project_domain_name", "Default")}}},
        }}
        resp = self.http.post(auth["auth_url"].rstrip("/") + "/auth/tokens", json=body, timeout=30)
        resp.raise_for_status()
        self.http.headers["X-Auth-Token"] = resp.headers["X-Subject-Token"]
        self.http.headers["X-OpenStack-Nova-API-Version"] = "2.61"
        catalog = resp.json()["token"]["catalog"]
        self.compute = _public_url(catalog, "compute")
        self.image = _public_url(catalog, "image")

    def first_image(self) -> str:
        resp = self.http.get(self.image.rstrip("/") + "/v2/images", timeout=30)
        resp.raise_for_status()
        return resp.json()["images"][0]["id"]

    def boot(self, name: str, image: str, flavor: str) -> str:
        body = {"server": {"name": name, "imageRef": image, "flavorRef": flavor,
                           "networks": "none"}}
        resp = self.http.post(self.compute + "/servers", json=body, timeout=30)
        resp.raise_for_status()
        return resp.json()["server"]["id"]

    def status(self, server_id: str) -> str:
        resp = self.http.get(f"{self.compute}/servers/{server_id}", timeout=30)
        resp.raise_for_status()
        return resp.json()["server"]["status"]

    def wait_active(self, server_id: str, timeout: float = 30.0) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            status = self.status(server_id)
            if status == "ACTIVE":
                return
            if status == "ERROR":
                raise RuntimeError(f"server {server_id} went to ERROR")
        raise RuntimeError(f"server {server_id} not ACTIVE after {timeout} s")

    def detail(self) -> int:
        resp = self.http.get(self.compute + "/servers/detail", timeout=60)
        resp.raise_for_status()
        return len(resp.json()["servers"])


def _public_url(catalog: list[dict], service_type: str) -> str:
    for service in catalog:
        if service["type"] == service_type:
            for endpoint in service["endpoints"]:
                if endpoint["interface"] == "public":
                    return endpoint["url"].rstrip("/")
    raise RuntimeError(f"no public {service_type} endpoint in the catalog")


def bench_topology(topology: str, boots: int, fill_to: int, listings: int) -> dict[str, float]:
    """Start one topology, measure, stop it; return the figures in milliseconds."""
    with CloudProcess(topology=topology) as cloud:
        session = ComputeSession(cloud.clouds_yaml, "cellgate-member1")
        image = session.first_image()
        flavor = "1"
        boot_ms = []
        for index in range(boots):
            started = time.perf_counter()
            server_id = session.boot(f"bench-{index}", image, flavor)
            session.wait_active(server_id)
            boot_ms.append((time.perf_counter() - started) * 1000.0)
        pending = [session.boot(f"fill-{index}", image, flavor)
                   for index in range(max(0, fill_to - boots))]
        for server_id in pending:
            session.wait_active(server_id)
        listed = session.detail()
        detail_ms = []
        for _ in range(listings):
            started = time.perf_counter()
            session.detail()
            detail_ms.append((time.perf_counter() - started) * 1000.0)
    return {
        "boot_p50": statistics.median(boot_ms), "boot_p95": _percentile(boot_ms, 95),
        "listed": listed,
        "detail_p50": statistics.median(detail_ms), "detail_p95": _percentile(detail_ms, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topology", action="append", choices=TOPOLOGIES,
                        help="topology to measure (repeatable; default: all three)")
    parser.add_argument("--boots", type=int, default=50, help="servers timed one at a time")
    parser.add_argument("--fill-to", type=int, default=1000, help="servers present for listing")
    parser.add_argument("--listings", type=int, default=20, help="timed detail listings")
    args = parser.parse_args()
    print(f"{'topology':<12} {'boot p50':>9} {'boot p95':>9} {'servers':>8} "
          f"{'detail p50':>11} {'detail p95':>11}")
    for topology in args.topology or TOPOLOGIES:
        figures = bench_topology(topology, args.boots, args.fill_to, args.listings)
        print(f"{topology:<12} {figures['boot_p50']:>7.1f}ms {figures['boot_p95']:>7.1f}ms "
              f"{figures['listed']:>8} {figures['detail_p50']:>9.1f}ms "
              f"{figures['detail_p95']:>9.1f}ms", flush=True)


if __name__ == "__main__":
    main()
