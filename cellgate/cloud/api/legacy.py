"""Nova's legacy compute URLs, mapped once onto the route table.

Nova still routes every compute path under a project id (``/compute/v2.1/{project_id}/...``,
the id being hex and dashes) and serves the old v2 endpoint (``/compute/v2/...``, optionally
with a project id) as the v2.1 API fixed at microversion 2.1, without version headers. Here
such a path is split into the canonical ``/compute/v2.1/...`` path the route table knows and a
`Legacy` prefix; the app checks the project id against the token's (Nova's 400) and writes the
prefix back into the links of the answer, so they keep Nova's shape: self links
``/compute/<v2.1|v2>[/<project>]/...`` and bookmarks ``/compute[/<project>]/...``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

# /compute/v2.1|v2, then an optional project id segment, then the rest of the path
_LEGACY = re.compile(r"^/compute/(v2\.1|v2)(?:/([0-9a-f-]+))?(?=/|$)(.*)$", re.DOTALL)
CANONICAL = "/compute/v2.1"
V2 = "v2"


@dataclass(frozen=True)
class Legacy:
    """How a request's path differed from the canonical one."""

    version: str  # "v2.1" or "v2"
    project_id: str | None

    @property
    def fixed_version(self) -> bool:
        """The v2 endpoint: microversion 2.1 whatever the headers, and no version headers."""
        return self.version == V2

    def check_project(self, project_id: str) -> str | None:
        """Nova's 400 message when the URL names another project than the token's."""
        if self.project_id is None or self.project_id == project_id:
            return None
        return (f"Malformed request URL: URL's project_id '{self.project_id}' doesn't match "
                f"Context's project_id '{project_id}'")

    def link(self, href: str, public_url: str) -> str:
        """A compute link of the canonical API rewritten under this prefix (others as they
        are; the version documents' bare ``/compute/v2.1/`` too, as Nova)."""
        compute = f"{public_url}/compute/"
        if not href.startswith(compute):
            return href
        rest = href[len(compute):]
        project = f"{self.project_id}/" if self.project_id else ""
        if rest.startswith("v2.1/"):
            tail = rest[len("v2.1/"):]
            return f"{compute}{self.version}/{project}{tail}" if tail else href
        return f"{compute}{project}{rest}" if rest else href

    def rewrite_body(self, body: bytes, public_url: str) -> bytes:
        """A JSON body with every ``href`` rewritten by `link`."""
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return body
        stack: list[Any] = [data]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                href = value.get("href")
                if isinstance(href, str):
                    value["href"] = self.link(href, public_url)
                stack.extend(v for v in value.values() if isinstance(v, (dict, list)))
            elif isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, (dict, list)))
        return orjson.dumps(data)


def split(path: str) -> tuple[str, Legacy | None]:
    """(the canonical path, the legacy prefix or None for a canonical path).

    ``/compute/v2`` and ``/compute/v2/`` stay as they are (the v2 version document).
    """
    match = _LEGACY.match(path)
    if match is None:
        return path, None
    version, project_id, rest = match.groups()
    if (project_id is None and version != V2) or (project_id is not None and rest == ""):
        return path, None  # canonical, or Nova's 404 for /compute/<version>/<project>
    if version == V2 and rest in ("", "/"):
        return "/compute/v2/", None if project_id is None else Legacy(version, project_id)
    return CANONICAL + rest, Legacy(version, project_id)
