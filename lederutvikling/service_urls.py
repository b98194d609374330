"""URL-style settings for the services a production installation connects to.

``REDIS_URL`` gives the cache and the Celery broker different Redis databases,
``STORAGE_URL`` names an S3-compatible bucket and ``EMAIL_URL`` an SMTP relay, so
that an operator writes one line per service in the environment file
(``deploy/lederutvikling.env``). Parsed strictly: an unknown scheme or option is
an error at start-up rather than a silent default.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: {raw!r} is not a boolean (use true/false)")


def redis_db(url: str) -> int:
    """The database number in a ``redis://host:port/N`` URL (0 when there is none)."""
    path = urlsplit(url).path.strip("/")
    if not path:
        return 0
    if not path.isdigit():
        raise ImproperlyConfigured(f"REDIS_URL: the database {path!r} is not a number")
    return int(path)


def redis_with_db(url: str, db: int) -> str:
    """The same Redis server (and password, and query options) with database ``db``."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


# Options a STORAGE_URL may carry in its query string, with their type.
_S3_OPTIONS: dict[str, type] = {
    "endpoint_url": str, "region_name": str, "addressing_style": str,
    "signature_version": str, "verify": bool, "use_ssl": bool,
}


def storage_from_url(url: str, *, access_key: str | None = None,
                     secret_key: str | None = None) -> dict[str, Any]:
    """``STORAGES["default"]`` for ``s3://bucket/prefix?endpoint_url=…&region_name=…``.

    Files are private (no ACL, no public URL): the portal streams each download
    through its own view after the permission check, so the bucket needs no
    public access at all. Keys come from ``AWS_ACCESS_KEY_ID`` /
    ``AWS_SECRET_ACCESS_KEY`` (or their ``*_FILE``), or boto3's own chain
    (instance role) when unset.
    """
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured(
            f"STORAGE_URL: only s3:// (any S3-compatible service) is supported, not "
            f"{parts.scheme or url!r}")
    if not parts.netloc:
        raise ImproperlyConfigured("STORAGE_URL: the bucket name is missing (s3://BUCKET/…)")
    options: dict[str, Any] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    for key, raw in parse_qsl(parts.query, keep_blank_values=True):
        kind = _S3_OPTIONS.get(key)
        if kind is None:
            raise ImproperlyConfigured(
                f"STORAGE_URL: unknown option {key!r} (known: {', '.join(sorted(_S3_OPTIONS))})")
        options[key] = _flag(f"STORAGE_URL {key}", raw) if kind is bool else raw
    if access_key:
        options["access_key"] = access_key
    if secret_key:
        options["secret_key"] = secret_key
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


_EMAIL_SCHEMES = {
    # scheme: (STARTTLS, implicit TLS, default port)
    "smtp": (False, False, 25),
    "smtp+tls": (True, False, 587),
    "submission": (True, False, 587),
    "smtps": (False, True, 465),
    "smtp+ssl": (False, True, 465),
}


def email_from_url(url: str) -> dict[str, Any]:
    """``MAILERS["default"]`` for an ``EMAIL_URL``.

    * ``smtp+tls://host:25`` — STARTTLS without a password: Exchange Online's
      connector relay (``<tenant>.mail.protection.outlook.com``), which trusts the
      sending server's IP address or certificate (docs/DEPLOY.md, "Email").
    * ``submission://user:password@host`` — STARTTLS on 587 with a login.
    * ``smtps://user:password@host`` — TLS from the first byte, 465.
    * ``smtp://host:25`` — plain, for a relay on the same machine only.

    Characters such as ``@`` in the user or password are percent-encoded.
    ``?timeout=20`` sets the connection timeout in seconds.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL: unknown scheme {parts.scheme!r} "
            f"(use {', '.join(sorted(_EMAIL_SCHEMES))})")
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL: the host is missing")
    use_tls, use_ssl, port = _EMAIL_SCHEMES[scheme]
    timeout = 20
    for key, raw in parse_qsl(parts.query, keep_blank_values=True):
        if key == "timeout" and raw.isdigit():
            timeout = int(raw)
        else:
            raise ImproperlyConfigured(f"EMAIL_URL: unknown or bad option {key}={raw!r}")
    try:
        port = parts.port or port
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL: {exc}") from exc
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname,
            "port": port,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": use_tls,
            "use_ssl": use_ssl,
            "timeout": timeout,
        },
    }
