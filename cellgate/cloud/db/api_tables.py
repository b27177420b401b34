"""Tables of the API cell database (the Keystone tables are created by the identity store)."""

from __future__ import annotations

from sqlalchemy import (
                        Boolean,
                        Column,
                        DateTime,
                        Float,
                        Index,
                        Integer,
                        MetaData,
                        String,
                        Table,
                        Text,
                        UniqueConstraint,
)

api_metadata = MetaData()

flavors = Table(
    "flavors", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("flavorid", String(255), nullable=False, unique=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("memory_mb", Integer, nullable=False),
    Column("vcpus", Integer, nullable=False),
    Column("root_gb", Integer, nullable=False),
    Column("ephemeral_gb", Integer, nullable=False, default=0),
    Column("swap", Integer, nullable=False, default=0),
    Column("rxtx_factor", Float, nullable=False, default=1.0),
    Column("is_public", Boolean, nullable=False, default=True),
    Column("description", Text),
    Column("created_at", Float, nullable=False),
)

flavor_extra_specs = Table(
    "flavor_extra_specs", api_metadata,
    Column("flavor_id", Integer, primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("value", String(255), nullable=False),
)

flavor_projects = Table(
    "flavor_projects", api_metadata,
    Column("flavor_id", Integer, primary_key=True),
    Column("project_id", String(255), primary_key=True),
)

# The read model: a full copy of every instance (``data`` is the object primitive's data as
# JSON); the other columns exist to filter and sort without decoding.
instances = Table(
    "instances", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("project_id", String(255)),
    Column("user_id", String(255)),
    Column("name", String(255)),
    Column("vm_state", String(32)),
    Column("task_state", String(32)),
    Column("flavor_id", String(255)),
    Column("image_ref", String(255)),
    Column("host", String(255)),
    Column("availability_zone", String(255)),
    Column("cell_name", String(255)),
    Column("created_ts", Float, nullable=False),
    Column("updated_ts", Float, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("sync_seq", Integer, nullable=False, default=0),
    Column("data", Text, nullable=False),
    Index("ix_instances_project", "project_id", "deleted"),
)

instance_actions = Table(
    "instance_actions", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("instance_uuid", String(36), nullable=False, index=True),
    Column("request_id", String(255), nullable=False),
    Column("action", String(255), nullable=False),
    Column("user_id", String(255)),
    Column("project_id", String(255)),
    Column("start_time", Float, nullable=False),
    Column("updated_at", Float),
    Column("message", String(255)),
    UniqueConstraint("instance_uuid", "request_id"),
)

instance_action_events = Table(
    "instance_action_events", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action_id", Integer, nullable=False, index=True),
    Column("event", String(255), nullable=False),
    Column("start_time", Float),
    Column("finish_time", Float),
    Column("result", String(255)),
    Column("traceback", Text),
    Column("host", String(255)),
    Column("details", Text),
)

# Resizes and cold migrations (os-migrations); the child cell reports status changes up.
migrations = Table(
    "migrations", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("instance_uuid", String(36), nullable=False, index=True),
    Column("cell_name", String(255)),
    Column("migration_type", String(32), nullable=False),
    Column("status", String(255), nullable=False),
    Column("source_compute", String(255)),
    Column("source_node", String(255)),
    Column("dest_compute", String(255)),
    Column("dest_node", String(255)),
    Column("dest_host", String(255)),
    Column("old_instance_type_id", Integer),
    Column("new_instance_type_id", Integer),
    Column("user_id", String(255)),
    Column("project_id", String(255)),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float),
)

# What each child cell reports up: one row per host (hypervisor) and one per service.
cell_hosts = Table(
    "cell_hosts", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("host", String(255), nullable=False, unique=True),
    Column("cell_name", String(255), nullable=False),
    Column("data", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
)

cell_services = Table(
    "cell_services", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("cell_name", String(255), nullable=False),
    Column("data", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
)

# Keypairs belong to a user (not a project), as Nova's API database holds them.
key_pairs = Table(
    "key_pairs", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(255), nullable=False),
    Column("name", String(255), nullable=False),
    Column("type", String(16), nullable=False),
    Column("fingerprint", String(255), nullable=False),
    Column("public_key", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("user_id", "name"),
)

# Quota limits: per project (user_id '') or per user in a project, and per quota class.
quotas = Table(
    "quotas", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", String(255), nullable=False),
    Column("user_id", String(255), nullable=False, default=""),
    Column("resource", String(255), nullable=False),
    Column("hard_limit", Integer, nullable=False),
    UniqueConstraint("project_id", "user_id", "resource"),
)

quota_classes = Table(
    "quota_classes", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("class_name", String(255), nullable=False),
    Column("resource", String(255), nullable=False),
    Column("hard_limit", Integer, nullable=False),
    UniqueConstraint("class_name", "resource"),
)

# Security groups and their rules, per project, with Neutron's fields (the API cell owns them;
# a boot's and every later change's effective rules travel down to the server's cell).
security_groups = Table(
    "security_groups", api_metadata,
    Column("id", String(36), primary_key=True),
    Column("project_id", String(255), nullable=False, index=True),
    Column("name", String(255), nullable=False),
    Column("description", String(255), nullable=False, default=""),
    Column("is_default", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
)

security_group_rules = Table(
    "security_group_rules", api_metadata,
    Column("id", String(36), primary_key=True),
    Column("security_group_id", String(36), nullable=False, index=True),
    Column("project_id", String(255), nullable=False),
    Column("direction", String(16), nullable=False),
    Column("ethertype", String(8), nullable=False),
    Column("protocol", String(40)),
    Column("port_range_min", Integer),
    Column("port_range_max", Integer),
    Column("remote_ip_prefix", String(255)),
    Column("remote_group_id", String(36), index=True),
    Column("created_at", DateTime, nullable=False),
)

# Host aggregates (global: the API cell owns them, as Nova's API database does); a host is
# named by its host name, unique across cells.
aggregates = Table(
    "aggregates", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime),
    sqlite_autoincrement=True,  # ids are never reused (as MySQL's): a stale id is a 404
)

aggregate_hosts = Table(
    "aggregate_hosts", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("aggregate_id", Integer, nullable=False, index=True),
    Column("host", String(255), nullable=False),
    UniqueConstraint("aggregate_id", "host"),
)

aggregate_metadata = Table(
    "aggregate_metadata", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("aggregate_id", Integer, nullable=False, index=True),
    Column("key", String(255), nullable=False),
    Column("value", String(255), nullable=False),
    UniqueConstraint("aggregate_id", "key"),
)

# Server groups are global: the API cell keeps them, their members and the host each member
# is placed on (see docs/server-groups.md). ``rules`` is JSON ({"max_server_per_host": N}).
server_groups = Table(
    "server_groups", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("name", String(255), nullable=False),
    Column("project_id", String(255), nullable=False, index=True),
    Column("user_id", String(255), nullable=False),
    Column("policy", String(32), nullable=False),
    Column("rules", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# One row per member server; ``host`` is the host the API cell placed it on (None until
# placed, and again after a failed build), ``slot`` numbers an anti-affinity member on its
# host (0 .. max_server_per_host - 1): the unique constraint is the atomic claim that keeps
# concurrent boots of one anti-affinity group off a full host.
server_group_members = Table(
    "server_group_members", api_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("group_uuid", String(36), nullable=False, index=True),
    Column("instance_uuid", String(36), nullable=False, unique=True),
    Column("user_id", String(255), nullable=False),
    Column("host", String(255)),
    Column("slot", Integer),
    UniqueConstraint("group_uuid", "host", "slot"),
)

# The scheduler hints a boot gave that are evaluated at every (re)schedule (same_host,
# different_host), as Nova's RequestSpec keeps them: JSON {hint: [uuids]}.
scheduler_hints = Table(
    "scheduler_hints", api_metadata,
    Column("instance_uuid", String(36), primary_key=True),
    Column("hints", Text, nullable=False),
)
