"""Tables of a child cell database: the authoritative instances, hosts, services, faults."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Integer, MetaData, String, Table, Text

cell_metadata = MetaData()

instances = Table(
    "instances", cell_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("vm_state", String(32)),
    Column("task_state", String(32)),
    Column("host", String(255)),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("sync_seq", Integer, nullable=False, default=0),
    Column("data", Text, nullable=False),
)

compute_nodes = Table(
    "compute_nodes", cell_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("host", String(255), nullable=False, unique=True),
    Column("vcpus", Integer, nullable=False),
    Column("memory_mb", Integer, nullable=False),
    Column("local_gb", Integer, nullable=False),
    Column("vcpus_used", Integer, nullable=False, default=0),
    Column("memory_mb_used", Integer, nullable=False, default=0),
    Column("local_gb_used", Integer, nullable=False, default=0),
    Column("running_vms", Integer, nullable=False, default=0),
    Column("updated_at", Float),
)

# One row per instance placed on a host: usage is the sum of these, so claims are idempotent.
allocations = Table(
    "allocations", cell_metadata,
    Column("instance_uuid", String(36), primary_key=True),
    Column("host", String(255), nullable=False, index=True),
    Column("vcpus", Integer, nullable=False),
    Column("memory_mb", Integer, nullable=False),
    Column("disk_gb", Integer, nullable=False),
)

services = Table(
    "services", cell_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("host", String(255), nullable=False),
    Column("binary", String(255), nullable=False),
    Column("zone", String(255)),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("disabled_reason", String(255)),
    Column("forced_down", Boolean, nullable=False, default=False),
    Column("created_at", Float),
    Column("updated_at", Float),
)

instance_faults = Table(
    "instance_faults", cell_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("instance_uuid", String(36), nullable=False, index=True),
    Column("code", Integer, nullable=False),
    Column("message", String(255)),
    Column("details", Text),
    Column("created_at", Float, nullable=False),
)
