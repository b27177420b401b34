"""Security group methods of ComputeAPI: Nova's proxy API over a Neutron-like store kept by
the API cell, and the plumbing that gives each server's cell its effective rules.

A server holds ``security_groups`` (``[{id, name}]``, what its port carries; ``[]`` for a
server without a port, booted with networks 'none') and ``security_rules`` (``{revision,
rules}``: every rule of those groups, the driver's firewall). Both are resolved at the top:
the build carries them down (Instance 1.2), and every later change (a rule added or removed,
a group renamed or deleted, a group added to or removed from the server) is a
compare-and-swap on the read model that casts the new value to the server's cell. The
revision grows with each swap, so a cell keeps the newest value whatever order casts arrive.
"""

from __future__ import annotations

from typing import Any

from cellgate.cloud import exceptions as exc
from cellgate.cloud.compute import security_rules
from cellgate.cloud.context import RequestContext
from cellgate.cloud.db.api_store import ApiStore
from cellgate.cloud.db.security_groups import DEFAULT_NAME

Record = dict[str, Any]
# Fields of a rule the driver gets (plus its group's name).
_DRIVER_FIELDS = ("id", "security_group_id", "direction", "ethertype", "protocol",
                  "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id")


def has_port(networks: Any) -> bool:
    """Whether a server booted with ``networks`` has a port (groups apply to ports)."""
    return networks != "none"


class SecurityGroupMethods:
    """Part of ComputeAPI (needs ``self.store``, ``self.router``, ``self._instance``)."""

    store: ApiStore

    # -- groups ---------------------------------------------------------------------------

    def _visible(self, ctx: RequestContext, group: Record) -> Record:
        if not ctx.is_admin and group["project_id"] != ctx.project_id:
            raise exc.SecurityGroupNotFound(security_group_id=group["id"])
        return group

    def get_security_group(self, ctx: RequestContext, group_id: str) -> Record:
        """One group the caller may see (another project's: SecurityGroupNotFound)."""
        return self._visible(ctx, self.store.security_groups.get(group_id))

    def list_security_groups(self, ctx: RequestContext, *,
                             all_projects: bool = False) -> list[Record]:
        """The caller's project's groups (its ``default`` made on first use); an admin's
        ``all_projects`` lists every project's."""
        self.store.security_groups.ensure_default(ctx.project_id)
        project = None if all_projects and ctx.is_admin else ctx.project_id
        return self.store.security_groups.list(project)

    def create_security_group(self, ctx: RequestContext, name: str,
                              description: str) -> Record:
        """A new group; the name ``default`` is Neutron's 409, which Nova answers 403."""
        if name == DEFAULT_NAME:
            raise exc.QuotaOrCapacityExceeded("Default security group already exists.")
        return self.store.security_groups.create(ctx.project_id, name, description)

    def update_security_group(self, ctx: RequestContext, group_id: str, name: str,
                              description: str) -> Record:
        """Rename / re-describe a group; its servers show the new name. Renaming to or from
        ``default`` is refused (Neutron's 409; Nova lets it out as a 500, this cloud says
        400)."""
        group = self.get_security_group(ctx, group_id)
        if (group["is_default"] and name != group["name"]) or (
                name == DEFAULT_NAME and not group["is_default"]):
            raise exc.Invalid("Insufficient rights for renaming default security group."
                              if group["is_default"]
                              else "Default security group already exists.")
        group = self.store.security_groups.update(group_id, name, description)
        self._refresh_servers(group["project_id"], {group_id})
        return group

    def delete_security_group(self, ctx: RequestContext, group_id: str) -> None:
        """Delete a group no server uses (else SecurityGroupInUse, Nova's 400); a member
        cannot delete ``default`` either (400). Rules of other groups naming it go too."""
        group = self.get_security_group(ctx, group_id)
        if self._servers_using(group["project_id"], {group_id}):
            raise exc.SecurityGroupInUse(security_group_id=group_id)
        if group["is_default"] and not ctx.is_admin:
            raise exc.Invalid("Insufficient rights for removing default security group.")
        referencing = self.store.security_groups.referencing(group_id) - {group_id}
        self.store.security_groups.delete(group_id)
        self._refresh_servers(group["project_id"], referencing)

    # -- rules ----------------------------------------------------------------------------

    def create_security_group_rule(self, ctx: RequestContext, body: dict[str, Any]) -> Record:
        """Add an ingress rule to ``body['parent_group_id']`` (Nova's checks first, then
        Neutron's); returns the stored rule. Every server of the group gets it."""
        group = self.get_security_group(ctx, body["parent_group_id"])
        if body.get("group_id") is not None:
            self.get_security_group(ctx, body["group_id"])
        rule = security_rules.requested_rule(body)
        for shown in group["rules"]:
            if shown["direction"] == "ingress" and security_rules.same_as_shown(
                    rule, security_rules.to_nova(shown)):
                raise exc.Invalid(f"This rule already exists in group {group['id']}")
        stored = self.store.security_groups.add_rule(security_rules.to_neutron(rule, group))
        self._refresh_servers(group["project_id"], {group["id"]})
        return stored

    def delete_security_group_rule(self, ctx: RequestContext, rule_id: str) -> None:
        """Delete a rule of a group the caller may see; its servers lose it."""
        rule = self.store.security_groups.get_rule(rule_id)
        try:
            group = self.get_security_group(ctx, rule["security_group_id"])
        except exc.SecurityGroupNotFound:
            raise exc.SecurityGroupRuleNotFound(rule_id=rule_id) from None
        self.store.security_groups.delete_rule(rule_id)
        self._refresh_servers(group["project_id"], {group["id"]})

    # -- servers --------------------------------------------------------------------------

    def boot_security_groups(self, ctx: RequestContext, requested: list[str] | None,
                             networks: Any) -> tuple[list[Record], Record]:
        """The ``security_groups`` and ``security_rules`` of a new server: the groups a boot
        names (by name or id, in the caller's project; unknown -> Invalid as Nova's 400),
        else ``default``; none for a server without a port (Nova checks the names still)."""
        groups = []
        for name in requested or []:
            groups.append(self._find_group(ctx, name, missing=lambda n: exc.Invalid(
                f"Unable to find security_group with name or id '{n}'")))
        if not groups:
            groups = [self.store.security_groups.ensure_default(ctx.project_id)]
        if not has_port(networks):
            groups = []
        unique = list({g["id"]: g for g in groups}.values())
        return ([{"id": g["id"], "name": g["name"]} for g in unique],
                self._rules_of(unique, revision=1))

    def server_security_groups(self, ctx: RequestContext, uuid: str) -> list[Record]:
        """The groups on a server's port, whole ([] without a port)."""
        instance = self._instance(ctx, uuid)
        ids = [g["id"] for g in instance.security_groups or [] if "id" in g]
        return self.store.security_groups.many(ids)

    def _port_group(self, ctx: RequestContext, uuid: str, name: str) -> Record:
        """The group (name or id) an add/remove action names, for a server with a port
        (else SecurityGroupNotFound with Nova's words, 404)."""
        instance = self._instance(ctx, uuid)
        group = self._find_group(ctx, name, missing=lambda n: exc.SecurityGroupNotFound(
            f"Security group {n} is not found for project {ctx.project_id}"))
        if not has_port(instance.networks):
            raise exc.SecurityGroupNotFound(
                f"instance_id {uuid} could not be found as device id on any ports")
        return group

    def add_server_security_group(self, ctx: RequestContext, uuid: str, name: str) -> None:
        """Put a group (name or id) on a running server's port; its cell gets the rules."""
        group = self._port_group(ctx, uuid, name)

        def add(data: dict[str, Any]) -> dict[str, Any] | None:
            ids = [g["id"] for g in data.get("security_groups") or [] if "id" in g]
            return None if group["id"] in ids else self._server_fields(data, [*ids, group["id"]])
        before, _after = self.router.swap_instance(uuid, _unless_unchanged(add))
        if before is None or before.get("deleted"):
            raise exc.InstanceNotFound(instance_id=uuid)

    def remove_server_security_group(self, ctx: RequestContext, uuid: str, name: str) -> None:
        """Take a group (name or id) off a server's port; its cell loses the rules."""
        group = self._port_group(ctx, uuid, name)

        def remove(data: dict[str, Any]) -> dict[str, Any]:
            ids = [g["id"] for g in data.get("security_groups") or [] if "id" in g]
            if group["id"] not in ids:
                raise exc.SecurityGroupNotFound(
                    f"Security group {name} not associated with the instance {uuid}")
            return self._server_fields(data, [i for i in ids if i != group["id"]])
        self._swap(ctx, uuid, remove)

    # -- helpers --------------------------------------------------------------------------

    def _find_group(self, ctx: RequestContext, name: str, missing: Any) -> Record:
        """A group by id or by name in the caller's project, as neutronclient's
        find_resource: a name two groups share is NoUniqueMatch (409)."""
        if name == DEFAULT_NAME:
            self.store.security_groups.ensure_default(ctx.project_id)
        found = [g for g in self.store.security_groups.find(ctx.project_id, name)
                 if g["project_id"] == ctx.project_id or ctx.is_admin]
        if not found:
            raise missing(name)
        if len(found) > 1:
            raise exc.NoUniqueMatch(name=name)
        return found[0]

    @staticmethod
    def _rules_of(groups: list[Record], revision: int) -> Record:
        rules = [{**{k: rule.get(k) for k in _DRIVER_FIELDS},
                  "security_group_name": group["name"]}
                 for group in groups for rule in group["rules"]]
        return {"revision": revision, "rules": rules}

    def _server_fields(self, data: dict[str, Any], group_ids: list[str]) -> dict[str, Any]:
        """New ``security_groups`` and ``security_rules`` of a server (read model ``data``)
        holding ``group_ids``, read now (inside its swap, so the newest write wins)."""
        groups = self.store.security_groups.many(group_ids)
        revision = int((data.get("security_rules") or {}).get("revision") or 0) + 1
        return {"security_groups": [{"id": g["id"], "name": g["name"]} for g in groups],
                "security_rules": self._rules_of(groups, revision)}

    def _servers_using(self, project_id: str, group_ids: set[str]) -> list[Record]:
        return [r for r in self.store.instances.records(project_id=project_id)
                if not r.get("deleted") and r.get("task_state") != "deleting"
                and group_ids & {g.get("id") for g in r.get("security_groups") or []}]

    def _refresh_servers(self, project_id: str, group_ids: set[str]) -> None:
        """Give every server of ``group_ids`` its groups' current names and rules (each a
        swap that casts the change to the server's cell)."""
        if not group_ids:
            return
        for record in self._servers_using(project_id, group_ids):
            def refresh(data: dict[str, Any]) -> dict[str, Any] | None:
                ids = [g["id"] for g in data.get("security_groups") or [] if "id" in g]
                return self._server_fields(data, ids) if ids else None
            self.router.swap_instance(record["uuid"], _unless_unchanged(refresh))


def _unless_unchanged(change: Any) -> Any:
    """A swap change that writes nothing when the server's groups and rules stay as they
    are (the revision aside)."""
    def wrapped(data: dict[str, Any]) -> dict[str, Any] | None:
        fields = change(data)
        if fields is None:
            return None
        old = data.get("security_rules") or {}
        if (fields["security_groups"] == data.get("security_groups")
                and fields["security_rules"]["rules"] == old.get("rules")):
            return None
        return fields
    return wrapped
