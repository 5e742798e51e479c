"""Access tokens: compact HS256 JSON Web Tokens signed with the service secret, with expiry."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any, Final

from api.errors import AuthenticationError
from api.users import User

#: The only algorithm issued and accepted (no "none", no algorithm switching).
ALGORITHM: Final = "HS256"
_HEADER: Final = {"alg": ALGORITHM, "typ": "JWT"}
#: Cookie that carries the token to the map pages (an ``<iframe>`` cannot send a header).
MAP_COOKIE: Final = "shakti_map_token"
#: Path the map cookie is limited to.
MAP_COOKIE_PATH: Final = "/maps"
#: Seconds of clock skew tolerated on ``iat``.
_LEEWAY_S: Final = 30


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
    """

    subject: str
    issued_at: int
    expires_at: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(message: bytes, secret: bytes) -> bytes:
    return hmac.new(secret, message, hashlib.sha256).digest()


def issue_token(user: User, *, secret: bytes, lifetime_s: int, now: float) -> Token:
    """Return a signed token for ``user`` valid for ``lifetime_s`` seconds from ``now``.

    Parameters
    ----------
    user : api.users.User
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
    }
    head = _b64(json.dumps(_HEADER, separators=(",", ":")).encode())
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    signing_input = f"{head}.{body}".encode("ascii")
    return Token(f"{head}.{body}.{_b64(_sign(signing_input, secret))}", issued + int(lifetime_s))


def _invalid(what: str) -> AuthenticationError:
    return AuthenticationError(
        f"the access token is {what}", fix="log in again (POST /auth/token) and use the new token"
    )


def verify_token(token: str, *, secret: bytes, now: float) -> Claims:
    """Check a token's signature and expiry and return its claims.

    Parameters
    ----------
    token : str
    secret : bytes
    now : float
        Seconds since the epoch.

    Returns
    -------
    Claims

    Raises
    ------
    api.errors.AuthenticationError
        Malformed, wrongly signed, of another algorithm, or expired.
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
    sub, iat, exp = payload.get("sub"), payload.get("iat"), payload.get("exp")
    if not isinstance(sub, str) or not isinstance(iat, int) or not isinstance(exp, int):
        raise _invalid("malformed")
    if now >= exp:
        raise _invalid("expired")
    if iat > now + _LEEWAY_S:
        raise _invalid("not yet valid")
    return Claims(subject=sub, issued_at=iat, expires_at=exp)
