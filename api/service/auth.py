"""Access tokens: compact HS256 JSON Web Tokens signed with the service secret, with expiry.

Verification is strict: each part must be canonical base64url without padding (one token has
exactly one spelling), the lifetime ``exp - iat`` may not exceed the service's token lifetime
whatever ``exp`` says, and the token carries the user's session stamp (claim ``ver``, see
:attr:`api.service.users.User.token_version`) that :mod:`api.service.deps` compares with the
users file on every request, so a token ends the moment the user logs out or is changed.

Hand-written rather than PyJWT: the format is one fixed algorithm and four claims, and the
strict checks above (canonical encoding, maximum lifetime, session stamp) would be extra code
around PyJWT anyway.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any, Final

from api.service.errors import AuthenticationError
from api.service.users import User

#: The only algorithm issued and accepted (no "none", no algorithm switching).
ALGORITHM: Final = "HS256"
_HEADER: Final = {"alg": ALGORITHM, "typ": "JWT"}
#: Cookie that carries the token to the map pages (an ``<iframe>`` cannot send a header).
MAP_COOKIE: Final = "shakti_map_token"
#: Path the map cookie is limited to.
MAP_COOKIE_PATH: Final = "/maps"
#: Seconds of clock skew tolerated on ``iat``.
_LEEWAY_S: Final = 30
#: Longest lifetime accepted when the caller gives none (the ``token_minutes`` setting's top).
MAX_LIFETIME_S: Final = 7 * 24 * 3600
#: Claim carrying the user's session stamp.
VERSION_CLAIM: Final = "ver"
#: A canonical base64url part: the alphabet only, no padding, never a length of 1 modulo 4.
_B64URL: Final = re.compile(r"[A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Token:
    """An issued access token.

    Attributes
    ----------
    value : str
        The compact JWT (``header.payload.signature``).
    expires_at : int
        Expiry, seconds since the epoch (UTC).
    """

    value: str
    expires_at: int


@dataclass(frozen=True)
class Claims:
    """What a valid token says.

    Attributes
    ----------
    subject : str
        The user name.
    issued_at, expires_at : int
        Seconds since the epoch.
    version : int
        The user's session stamp when the token was issued.
    """

    subject: str
    issued_at: int
    expires_at: int
    version: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    """Decode canonical unpadded base64url; anything else (padding, stray bits) is an error."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(data) != text:  # unused low bits of the last character set: another spelling
        raise ValueError("not canonical base64url")
    return data


def _sign(message: bytes, secret: bytes) -> bytes:
    return hmac.new(secret, message, hashlib.sha256).digest()


def issue_token(user: User, *, secret: bytes, lifetime_s: int, now: float) -> Token:
    """Return a signed token for ``user`` valid for ``lifetime_s`` seconds from ``now``.

    Parameters
    ----------
    user : api.service.users.User
    secret : bytes
        The signing key (``SHAKTI_SECRET_KEY`` or the users file's secret).
    lifetime_s : int
    now : float
        Seconds since the epoch (callers pass ``time.time()``; tests pin it).

    Returns
    -------
    Token
    """
    issued = int(now)
    payload = {
        "sub": user.name,
        "role": user.role.value,
        "thana": user.thana,
        "iat": issued,
        "exp": issued + int(lifetime_s),
        "jti": secrets.token_hex(8),
        VERSION_CLAIM: user.token_version,
    }
    head = _b64(json.dumps(_HEADER, separators=(",", ":")).encode())
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    signing_input = f"{head}.{body}".encode("ascii")
    return Token(f"{head}.{body}.{_b64(_sign(signing_input, secret))}", issued + int(lifetime_s))


def _invalid(what: str) -> AuthenticationError:
    return AuthenticationError(
        f"the access token is {what}", fix="log in again (POST /auth/token) and use the new token"
    )


def verify_token(
    token: str, *, secret: bytes, now: float, max_lifetime_s: int = MAX_LIFETIME_S
) -> Claims:
    """Check a token's encoding, signature, lifetime and expiry and return its claims.

    Parameters
    ----------
    token : str
    secret : bytes
    now : float
        Seconds since the epoch.
    max_lifetime_s : int, default MAX_LIFETIME_S
        Longest lifetime accepted (the service passes ``token_minutes * 60``): a token whose
        ``exp - iat`` is longer, or issued longer ago, is refused whatever ``exp`` says.

    Returns
    -------
    Claims

    Raises
    ------
    api.service.errors.AuthenticationError
        Malformed (including non-canonical base64url), wrongly signed, of another algorithm,
        without a session stamp, living too long, or expired.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise _invalid("malformed")
    head, body, signature = parts
    try:
        expected = _sign(f"{head}.{body}".encode("ascii"), secret)
        if not hmac.compare_digest(_unb64(signature), expected):
            raise _invalid("not validly signed")
        header: Any = json.loads(_unb64(head))
        payload: Any = json.loads(_unb64(body))
    except (ValueError, binascii.Error, UnicodeError):
        raise _invalid("malformed") from None
    if not isinstance(header, dict) or header.get("alg") != ALGORITHM:
        raise _invalid("not signed with " + ALGORITHM)
    if not isinstance(payload, dict):
        raise _invalid("malformed")
    sub, iat, exp = payload.get("sub"), _int(payload.get("iat")), _int(payload.get("exp"))
    version = _int(payload.get(VERSION_CLAIM))
    if not isinstance(sub, str) or iat is None or exp is None or version is None:
        raise _invalid("malformed")
    if now >= exp:
        raise _invalid("expired")
    if iat > now + _LEEWAY_S:
        raise _invalid("not yet valid")
    if exp - iat > max_lifetime_s or now - iat > max_lifetime_s:
        raise _invalid(f"valid for longer than the service allows ({max_lifetime_s} s)")
    return Claims(subject=sub, issued_at=iat, expires_at=exp, version=version)


def _int(value: object) -> int | None:
    """Return a claim that must be an integer (``True`` is not one), else ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
