"""Key material for keypairs, made and checked with `cryptography` as Nova does.

Generated SSH keys are 2048-bit RSA (private key as traditional OpenSSL PEM, public key as
``ssh-rsa <base64> Generated-by-Nova``); generated x509 keys are Nova's WinRM client
certificate: self-signed, ``CN=<user_id>``, valid 3650 days, clientAuth, with the user's
``<user_id>@localhost`` UPN as subjectAltName, the private key sent back as a base64 PKCS#12
bundle without a password. Fingerprints are Nova's: the MD5 of an SSH key's blob, the SHA-1
of a certificate, as colon-separated hex.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import secrets

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from cellgate.cloud import exceptions as exc

SSH = "ssh"
X509 = "x509"
KEY_BITS = 2048
CERT_DAYS = 3650
_UPN_OID = x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.3")  # Microsoft's user principal name


def _colons(hexdigest: str) -> str:
    return ":".join(a + b for a, b in zip(hexdigest[::2], hexdigest[1::2], strict=True))


def ssh_fingerprint(public_key: str) -> str:
    """Nova's fingerprint of an OpenSSH public key; a key that does not load is
    InvalidKeypair ('failed to generate fingerprint')."""
    try:
        serialization.load_ssh_public_key(public_key.encode("utf-8"))
        blob = base64.b64decode(public_key.split(" ")[1])
    except Exception:  # any unloadable key, as Nova
        raise exc.InvalidKeypair(reason="failed to generate fingerprint")
    return _colons(hashlib.md5(blob, usedforsecurity=False).hexdigest())


def x509_fingerprint(pem: str) -> str:
    """Nova's fingerprint of a PEM certificate (SHA-1); a bad one is InvalidKeypair."""
    try:
        cert = x509.load_pem_x509_certificate(pem.encode("utf-8"))
    except (ValueError, TypeError) as error:
        raise exc.InvalidKeypair(reason="failed to generate X509 fingerprint. "
                                        f"Error message: {error}")
    return _colons(cert.fingerprint(hashes.SHA1()).hex())


def fingerprint(public_key: str, key_type: str) -> str:
    """The fingerprint of an imported key of ``key_type`` (ssh or x509)."""
    return x509_fingerprint(public_key) if key_type == X509 else ssh_fingerprint(public_key)


def generate(key_type: str, user_id: str) -> tuple[str, str, str]:
    """A new key pair of ``key_type``: (private_key, public_key, fingerprint)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    if key_type == X509:
        return _x509_pair(key, user_id)
    private = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode("ascii")
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH).decode("ascii")
    public = f"{public} Generated-by-Nova"
    return private, public, ssh_fingerprint(public)


def _x509_pair(key: rsa.RSAPrivateKey, user_id: str) -> tuple[str, str, str]:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user_id)])
    upn = f"{user_id}@localhost".encode()
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=CERT_DAYS))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.OtherName(
                _UPN_OID, b"\x0c" + _der_length(len(upn)) + upn)]), critical=False)
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
    bundle = pkcs12.serialize_key_and_certificates(None, key, cert, None,
                                                   serialization.NoEncryption())
    return base64.b64encode(bundle).decode("ascii"), pem, x509_fingerprint(pem)


def _der_length(length: int) -> bytes:
    """A DER length prefix (the UPN is wrapped as a UTF8String by hand: cryptography takes
    otherName values already encoded)."""
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body
