"""The declarative route table: (URL rule, {method: handler}) per resource, plus which
service each prefix belongs to and which routes need no token."""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.routing import Map, Rule

from cellgate.cloud.api.handlers import (
    aggregates,
    availability_zones,
    cells,
    extra_specs,
    flavor_access,
    flavors,
    hypervisors,
    identity,
    images,
    instance_actions,
    keypairs,
    limits,
    migrations,
    projects,
    quota_classes,
    quota_sets,
    security_groups,
    server_actions,
    server_groups,
    server_metadata,
    server_subresources,
    server_tags,
    servers,
    services,
    versions,
    volumes_boot,
)

C = "/compute/v2.1"

# (rule, {METHOD: handler}); order matters only where Werkzeug cannot tell rules apart.
ROUTES: tuple[tuple[str, dict[str, Callable]], ...] = (
    # discovery (no token)
    ("/", {"GET": versions.compute_versions}),
    ("/compute/", {"GET": versions.compute_versions}),
    ("/compute/v2.1", {"GET": versions.compute_version}),
    ("/compute/v2.1/", {"GET": versions.compute_version}),
    ("/compute/v2", {"GET": versions.compute_v2_version}),
    ("/compute/v2/", {"GET": versions.compute_v2_version}),
    ("/identity/", {"GET": versions.identity_versions}),
    ("/identity/v3", {"GET": versions.identity_version}),
    ("/identity/v3/", {"GET": versions.identity_version}),
    ("/image/", {"GET": versions.image_versions}),
    # identity
    ("/identity/v3/auth/tokens", {"POST": identity.issue, "GET": identity.validate_token,
                                  "HEAD": identity.check_token,
                                  "DELETE": identity.revoke_token}),
    ("/identity/v3/projects", {"GET": projects.index}),
    ("/identity/v3/projects/<project_id>", {"GET": projects.show}),
    # flavors
    (f"{C}/flavors", {"GET": flavors.index, "POST": flavors.create}),
    (f"{C}/flavors/detail", {"GET": flavors.detail}),
    (f"{C}/flavors/<flavor_id>", {"GET": flavors.show, "PUT": flavors.update,
                                  "DELETE": flavors.delete}),
    (f"{C}/flavors/<flavor_id>/action", {"POST": flavor_access.action}),
    (f"{C}/flavors/<flavor_id>/os-flavor-access", {"GET": flavor_access.index}),
    (f"{C}/flavors/<flavor_id>/os-extra_specs", {"GET": extra_specs.index,
                                                 "POST": extra_specs.create}),
    (f"{C}/flavors/<flavor_id>/os-extra_specs/<key>", {"GET": extra_specs.show,
                                                       "PUT": extra_specs.update,
                                                       "DELETE": extra_specs.delete}),
    # servers
    (f"{C}/servers", {"GET": servers.index, "POST": servers.create}),
    (f"{C}/servers/detail", {"GET": servers.detail}),
    (f"{C}/servers/<server_id>", {"GET": servers.show, "PUT": servers.update,
                                  "DELETE": servers.delete}),
    (f"{C}/servers/<server_id>/action", {"POST": server_actions.action}),
    (f"{C}/os-volumes_boot", {"GET": volumes_boot.index, "POST": volumes_boot.create}),
    (f"{C}/os-volumes_boot/detail", {"GET": volumes_boot.detail}),
    (f"{C}/os-volumes_boot/<server_id>", {"GET": volumes_boot.show, "PUT": volumes_boot.update,
                                          "DELETE": volumes_boot.delete}),
    (f"{C}/servers/<server_id>/metadata", {"GET": server_metadata.index,
                                           "POST": server_metadata.create,
                                           "PUT": server_metadata.replace}),
    (f"{C}/servers/<server_id>/metadata/<key>", {"GET": server_metadata.show,
                                                 "PUT": server_metadata.update,
                                                 "DELETE": server_metadata.delete}),
    (f"{C}/servers/<server_id>/tags", {"GET": server_tags.index, "PUT": server_tags.replace,
                                       "DELETE": server_tags.delete_all}),
    (f"{C}/servers/<server_id>/tags/<tag>", {"GET": server_tags.show,
                                             "PUT": server_tags.update,
                                             "DELETE": server_tags.delete}),
    (f"{C}/servers/<server_id>/os-instance-actions", {"GET": instance_actions.index}),
    (f"{C}/servers/<server_id>/topology", {"GET": server_subresources.topology}),
    (f"{C}/servers/<server_id>/shares", {"GET": server_subresources.shares}),
    (f"{C}/os-migrations", {"GET": migrations.index}),
    (f"{C}/servers/<server_id>/os-instance-actions/<request_id>",
     {"GET": instance_actions.show}),
    # keypairs
    (f"{C}/os-keypairs", {"GET": keypairs.index, "POST": keypairs.create}),
    (f"{C}/os-keypairs/<name>", {"GET": keypairs.show, "DELETE": keypairs.delete}),
    # server groups
    (f"{C}/os-server-groups", {"GET": server_groups.index, "POST": server_groups.create}),
    (f"{C}/os-server-groups/<group_id>", {"GET": server_groups.show,
                                          "DELETE": server_groups.delete}),
    # limits and quotas
    (f"{C}/limits", {"GET": limits.index}),
    (f"{C}/os-quota-sets/<project_id>", {"GET": quota_sets.show, "PUT": quota_sets.update,
                                         "DELETE": quota_sets.delete}),
    (f"{C}/os-quota-sets/<project_id>/detail", {"GET": quota_sets.detail}),
    (f"{C}/os-quota-sets/<project_id>/defaults", {"GET": quota_sets.defaults}),
    (f"{C}/os-quota-class-sets/<class_name>", {"GET": quota_classes.show,
                                               "PUT": quota_classes.update}),
    # security groups (the proxy APIs answer 404 from 2.36)
    (f"{C}/os-security-groups", {"GET": security_groups.index,
                                 "POST": security_groups.create}),
    (f"{C}/os-security-groups/<group_id>", {"GET": security_groups.show,
                                            "PUT": security_groups.update,
                                            "DELETE": security_groups.delete}),
    (f"{C}/os-security-group-rules", {"POST": security_groups.create_rule}),
    (f"{C}/os-security-group-rules/<rule_id>", {"DELETE": security_groups.delete_rule}),
    (f"{C}/servers/<server_id>/os-security-groups", {"GET": security_groups.server_index}),
    # hosts
    (f"{C}/os-services", {"GET": services.index}),
    (f"{C}/os-services/<service_id>", {"PUT": services.update}),
    (f"{C}/os-hypervisors", {"GET": hypervisors.index}),
    (f"{C}/os-hypervisors/detail", {"GET": hypervisors.detail}),
    (f"{C}/os-hypervisors/statistics", {"GET": hypervisors.statistics}),
    (f"{C}/os-hypervisors/<hypervisor_id>", {"GET": hypervisors.show}),
    (f"{C}/os-hypervisors/<hypervisor_id>/uptime", {"GET": hypervisors.uptime}),
    # host aggregates and availability zones
    (f"{C}/os-aggregates", {"GET": aggregates.index, "POST": aggregates.create}),
    (f"{C}/os-aggregates/<aggregate_id>", {"GET": aggregates.show, "PUT": aggregates.update,
                                           "DELETE": aggregates.delete}),
    (f"{C}/os-aggregates/<aggregate_id>/action", {"POST": aggregates.action}),
    (f"{C}/os-availability-zone", {"GET": availability_zones.index}),
    (f"{C}/os-availability-zone/detail", {"GET": availability_zones.detail}),
    # cells v1, removed: 410 as Nova
    (f"{C}/os-cells", {"GET": cells.gone, "POST": cells.gone}),
    (f"{C}/os-cells/capacities", {"GET": cells.gone}),
    (f"{C}/os-cells/detail", {"GET": cells.gone}),
    (f"{C}/os-cells/info", {"GET": cells.gone}),
    (f"{C}/os-cells/sync_instances", {"POST": cells.gone}),
    (f"{C}/os-cells/<cell_id>", {"GET": cells.gone, "PUT": cells.gone, "DELETE": cells.gone}),
    (f"{C}/os-cells/<cell_id>/capacities", {"GET": cells.gone}),
    # cellgate's own admin extension: which cell each compute host belongs to
    ("/cellgate/v1/cells", {"GET": cells.index}),
    # ... and what a server's cell's driver holds for it (key, security group rules)
    ("/cellgate/v1/servers/<server_id>/driver", {"GET": cells.driver}),
    ("/cellgate/v1/cells/sync", {"POST": cells.sync}),
    ("/cellgate/v1/cells/<name>", {"GET": cells.show, "PUT": cells.update}),
    ("/cellgate/v1/cells/<name>/action", {"POST": cells.action}),
    # image
    ("/image/v2/images", {"GET": images.index}),
    ("/image/v2/images/<image_id>", {"GET": images.show}),
)

# Handlers that answer without a token: discovery, and Keystone's token API (which checks
# its own headers).
PUBLIC_HANDLERS = frozenset((
    versions.compute_versions, versions.compute_version, versions.compute_v2_version,
    versions.identity_versions,
    versions.identity_version, versions.image_versions, identity.issue,
    identity.validate_token, identity.check_token, identity.revoke_token,
))


def service_of(path: str) -> str:
    """'identity', 'image' or 'compute' (everything else, the root included)."""
    if path.startswith("/identity"):
        return "identity"
    if path.startswith("/image"):
        return "image"
    return "compute"


def build_map() -> Map:
    """The Werkzeug URL map; endpoints are the handler functions themselves."""
    rules = []
    for path, methods in ROUTES:
        for method, handler in methods.items():
            rules.append(Rule(path, methods=[method], endpoint=handler))
    return Map(rules, strict_slashes=False, merge_slashes=False)
