"""FlavorStore: flavors, their extra specs and project access, in the API database."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from cellgate.cloud import exceptions as exc
from cellgate.cloud.db import api_tables as t
from cellgate.cloud.db.engine import Database

DEFAULT_FLAVORS = (
    ("1", "m1.nano", 128, 1, 1),
    ("2", "m1.micro", 192, 1, 1),
    ("3", "m1.tiny", 512, 1, 1),
    ("4", "m1.small", 2048, 1, 20),
    ("5", "m1.medium", 4096, 2, 40),
)

# Sort keys accepted by list(): Nova's column names and the record's names.
SORT_COLUMNS = {"flavorid": "flavorid", "id": "flavorid", "name": "name",
                "memory_mb": "memory_mb", "ram": "memory_mb", "vcpus": "vcpus",
                "root_gb": "root_gb", "disk": "root_gb", "ephemeral_gb": "ephemeral_gb",
                "swap": "swap", "rxtx_factor": "rxtx_factor", "description": "description",
                "is_public": "is_public", "created_at": "created_at"}


class FlavorStore:
    """Flavor persistence; returns flavor records ``{id, name, ram, vcpus, disk, ephemeral,
    swap, rxtx_factor, is_public, description, extra_specs}``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def seed_defaults(self) -> None:
        """Create the default flavors that do not exist yet."""
        with self.db.write() as conn:
            existing = {r.flavorid for r in conn.execute(select(t.flavors.c.flavorid))}
            names = {r.name for r in conn.execute(select(t.flavors.c.name))}
            for flavorid, name, ram, vcpus, disk in DEFAULT_FLAVORS:
                if flavorid not in existing and name not in names:
                    conn.execute(insert(t.flavors).values(
                        flavorid=flavorid, name=name, memory_mb=ram, vcpus=vcpus, root_gb=disk,
                        ephemeral_gb=0, swap=0, rxtx_factor=1.0, is_public=True,
                        description=None, created_at=time.time()))

    @staticmethod
    def _record(row: Any, specs: dict[str, str]) -> dict[str, Any]:
        return {"id": row.flavorid, "name": row.name, "ram": row.memory_mb, "vcpus": row.vcpus,
                "disk": row.root_gb, "ephemeral": row.ephemeral_gb, "swap": row.swap,
                "rxtx_factor": row.rxtx_factor, "is_public": bool(row.is_public),
                "description": row.description, "extra_specs": specs}

    def _specs(self, conn: Any, ids: list[int]) -> dict[int, dict[str, str]]:
        specs: dict[int, dict[str, str]] = {i: {} for i in ids}
        if ids:
            query = select(t.flavor_extra_specs).where(t.flavor_extra_specs.c.flavor_id.in_(ids))
            for row in conn.execute(query):
                specs[row.flavor_id][row.key] = row.value
        return specs

    def _visible(self, query: Any, project_id: str | None) -> Any:
        access = select(t.flavor_projects.c.flavor_id).where(
            t.flavor_projects.c.project_id == project_id)
        return query.where(or_(t.flavors.c.is_public.is_(True), t.flavors.c.id.in_(access)))

    def list(self, *, public: bool | None, project_id: str | None, min_ram: int | None,
             min_disk: int | None, sort_key: str, sort_dir: str) -> list[dict[str, Any]]:
        """Flavors filtered as Nova does: ``public`` True -> public + project's private;
        False -> private only; None -> all."""
        c = t.flavors.c
        query = select(t.flavors)
        if public is True:
            query = self._visible(query, project_id)
        elif public is False:
            query = query.where(c.is_public.is_(False))
        if min_ram is not None:
            query = query.where(c.memory_mb >= min_ram)
        if min_disk is not None:
            query = query.where(c.root_gb >= min_disk)
        column = c[SORT_COLUMNS[sort_key]]
        query = query.order_by(column.desc() if sort_dir == "desc" else column.asc(),
                               c.flavorid.desc() if sort_dir == "desc" else c.flavorid.asc())
        with self.db.read() as conn:
            rows = list(conn.execute(query))
            specs = self._specs(conn, [r.id for r in rows])
        return [self._record(r, specs[r.id]) for r in rows]

    def _row(self, conn: Any, flavorid: str, project_id: str | None, scoped: bool) -> Any:
        query = select(t.flavors).where(t.flavors.c.flavorid == str(flavorid))
        if scoped:
            query = self._visible(query, project_id)
        row = conn.execute(query).first()
        if row is None:
            raise exc.FlavorNotFound(flavor_id=flavorid)
        return row

    def get(self, flavorid: str, *, project_id: str | None = None,
            scoped: bool = False) -> dict[str, Any]:
        """One flavor; with ``scoped`` a private flavor needs access for ``project_id``."""
        with self.db.read() as conn:
            row = self._row(conn, flavorid, project_id, scoped)
            return self._record(row, self._specs(conn, [row.id])[row.id])

    def internal_id(self, flavorid: str) -> int | None:
        """The integer row id Nova shows as ``*_instance_type_id`` (None if deleted)."""
        with self.db.read() as conn:
            row = conn.execute(select(t.flavors.c.id)
                               .where(t.flavors.c.flavorid == flavorid)).first()
        return row.id if row else None

    def create(self, *, flavorid: str, name: str, ram: int, vcpus: int, disk: int,
               ephemeral: int, swap: int, rxtx_factor: float, is_public: bool,
               description: str | None) -> dict[str, Any]:
        """Create a flavor; a taken name or id -> FlavorExists."""
        c = t.flavors.c
        with self.db.write() as conn:
            if conn.execute(select(c.id).where(c.name == name)).first():
                raise exc.FlavorExists(f"Flavor with name {name} already exists.")
            if conn.execute(select(c.id).where(c.flavorid == flavorid)).first():
                raise exc.FlavorExists(f"Flavor with ID {flavorid} already exists.")
            try:
                conn.execute(insert(t.flavors).values(
                    flavorid=flavorid, name=name, memory_mb=ram, vcpus=vcpus, root_gb=disk,
                    ephemeral_gb=ephemeral, swap=swap, rxtx_factor=rxtx_factor,
                    is_public=is_public, description=description, created_at=time.time()))
            except IntegrityError:
                raise exc.FlavorExists(f"Flavor with ID {flavorid} already exists.")
        return self.get(flavorid)

    def update_description(self, flavorid: str, description: str | None) -> dict[str, Any]:
        """Set a flavor's description; returns the record."""
        with self.db.write() as conn:
            row = self._row(conn, flavorid, None, False)
            conn.execute(update(t.flavors).where(t.flavors.c.id == row.id)
                         .values(description=description))
        return self.get(flavorid)

    def delete(self, flavorid: str) -> None:
        """Delete a flavor with its extra specs and access list."""
        with self.db.write() as conn:
            row = self._row(conn, flavorid, None, False)
            conn.execute(delete(t.flavor_extra_specs)
                         .where(t.flavor_extra_specs.c.flavor_id == row.id))
            conn.execute(delete(t.flavor_projects).where(t.flavor_projects.c.flavor_id == row.id))
            conn.execute(delete(t.flavors).where(t.flavors.c.id == row.id))

    # -- access -------------------------------------------------------------------------

    def access(self, flavorid: str) -> list[dict[str, str]]:
        """``[{flavor_id, tenant_id}]`` of a flavor, by project id."""
        with self.db.read() as conn:
            row = self._row(conn, flavorid, None, False)
            query = select(t.flavor_projects.c.project_id).where(
                t.flavor_projects.c.flavor_id == row.id).order_by(t.flavor_projects.c.project_id)
            return [{"flavor_id": row.flavorid, "tenant_id": r.project_id}
                    for r in conn.execute(query)]

    def add_access(self, flavorid: str, project_id: str) -> None:
        """Grant a project access; a duplicate -> FlavorAccessExists."""
        with self.db.write() as conn:
            row = self._row(conn, flavorid, None, False)
            fp = t.flavor_projects.c
            if conn.execute(select(fp.flavor_id).where(fp.flavor_id == row.id,
                                                       fp.project_id == project_id)).first():
                raise exc.FlavorAccessExists(flavor_id=flavorid, project_id=project_id)
            conn.execute(insert(t.flavor_projects).values(flavor_id=row.id,
                                                          project_id=project_id))

    def remove_access(self, flavorid: str, project_id: str) -> None:
        """Revoke a project's access; unknown -> FlavorAccessNotFound."""
        with self.db.write() as conn:
            row = self._row(conn, flavorid, None, False)
            fp = t.flavor_projects.c
            result = conn.execute(delete(t.flavor_projects).where(
                fp.flavor_id == row.id, fp.project_id == project_id))
            if result.rowcount == 0:
                raise exc.FlavorAccessNotFound(flavor_id=flavorid, project_id=project_id)

    # -- extra specs --------------------------------------------------------------------

    def update_specs(self, flavorid: str, specs: dict[str, str]) -> None:
        """Create or overwrite extra specs (values stored as strings)."""
        es = t.flavor_extra_specs.c
        with self.db.write() as conn:
            row = self._row(conn, flavorid, None, False)
            for key, value in specs.items():
                conn.execute(delete(t.flavor_extra_specs).where(es.flavor_id == row.id,
                                                                es.key == key))
                conn.execute(insert(t.flavor_extra_specs).values(flavor_id=row.id, key=key,
                                                                 value=str(value)))

    def delete_spec(self, flavorid: str, key: str) -> None:
        """Delete one extra spec; unknown key -> FlavorExtraSpecsNotFound."""
        es = t.flavor_extra_specs.c
        with self.db.write() as conn:
            row = self._row(conn, flavorid, None, False)
            result = conn.execute(delete(t.flavor_extra_specs).where(es.flavor_id == row.id,
                                                                     es.key == key))
            if result.rowcount == 0:
                raise exc.FlavorExtraSpecsNotFound(flavor_id=flavorid, extra_specs_key=key)
