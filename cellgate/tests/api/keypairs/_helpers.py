"""Helpers of the keypair tests: unique names, keypairs removed at cleanup, and the key
material a test imports and the fingerprints Nova gives it (made here with `cryptography`,
so a cloud that only echoes or fakes keys fails)."""

from __future__ import annotations

import base64
import datetime
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.x509.oid import NameOID
from tempest.lib import exceptions as lib_exc

from cellgate.tests.api.servers._helpers import unique_name as _unique_name


def unique_name(kind: str = "kp") -> str:
    """A keypair name no other test uses (letters, digits and dashes: valid everywhere)."""
    return _unique_name(kind)


def colons(digest: bytes) -> str:
    """A digest as Nova prints fingerprints: colon-separated lower-case hex."""
    return ":".join(f"{b:02x}" for b in digest)


def ssh_public_key() -> tuple[str, str]:
    """A fresh ed25519 OpenSSH public key and Nova's fingerprint of it (MD5 of the blob)."""
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    text = key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH).decode("ascii")
    blob = base64.b64decode(text.split(" ")[1])
    return f"{text} cellgate@test", colons(hashlib.md5(blob, usedforsecurity=False).digest())


def ssh_fingerprint(public_key: str) -> str:
    """Nova's fingerprint of an OpenSSH public key."""
    blob = base64.b64decode(public_key.split(" ")[1])
    return colons(hashlib.md5(blob, usedforsecurity=False).digest())


def x509_certificate() -> tuple[str, str]:
    """A fresh self-signed PEM certificate and Nova's fingerprint of it (SHA-1)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cellgate-test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
    return pem, colons(cert.fingerprint(hashes.SHA1()))


def delete_keypair(client, name: str, **params) -> None:
    """Delete a keypair; already gone is fine."""
    try:
        client.delete_keypair(name, **params)
    except lib_exc.NotFound:
        pass


def create_keypair(test, clients, cleanup=None, **body) -> dict:
    """Create a keypair through ``clients`` (a unique name unless given), deleted by
    ``cleanup`` (default: the test's addCleanup) as the same client; returns the body."""
    client = clients.keypairs_client
    body.setdefault("name", unique_name())
    keypair = client.create_keypair(**body)["keypair"]
    params = {"user_id": body["user_id"]} if "user_id" in body else {}
    (cleanup or test.addCleanup)(delete_keypair, client, keypair["name"], **params)
    return keypair
