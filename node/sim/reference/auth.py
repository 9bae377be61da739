"""jwt auth: real HS256 JSON Web Tokens (RFC 7519) with expiry on the virtual clock.

The run has one authorization server whose HMAC key never leaves this provider: agents ask it to
issue tokens and to verify them. Verification rejects any alg but HS256 (no "none"), a bad MAC,
malformed base64/JSON, an expired or not-yet-valid token and a missing scope.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

from node.sim.layers import Claims, LayerError, PluginEnv
from node.sim.plugin_common.view import AgentView

ISSUER = "nets-sim-auth"
MAX_TOKEN = 8192
_HEADER = {"alg": "HS256", "typ": "JWT"}


class AuthError(LayerError):
    """A token that does not authorize: the message says why."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text or any(c not in _URLSAFE for c in text):
        raise AuthError("malformed token")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raise AuthError("malformed token") from None


_URLSAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class JwtAuth:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self._key = env.key_material("hs256")
        self._issued = 0

    def for_agent(self, agent_id: str) -> JwtClient:
        return JwtClient(self, agent_id)

    def _mac(self, signing_input: bytes) -> bytes:
        return hmac.new(self._key, signing_input, hashlib.sha256).digest()

    def issue(self, requester: str, subject: str, scopes: Sequence[str], ttl: int) -> str:
        if type(ttl) is not int or ttl < 1:
            raise AuthError("ttl must be an int >= 1")
        now = self._env.now()
        self._issued += 1
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "sub": subject,
            "azp": requester,
            "iat": now,
            "exp": now + ttl,
            "scope": " ".join(scopes),
            "jti": str(self._issued),
        }
        head = _b64(json.dumps(_HEADER, separators=(",", ":")).encode())
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{head}.{body}".encode()
        token = f"{head}.{body}.{_b64(self._mac(signing_input))}"
        self._env.emit(requester, "issue", {"sub": subject, "exp": now + ttl, "jti": claims["jti"]})
        return token

    def verify(self, token: str, scope: str | None) -> Claims:
        if not isinstance(token, str) or len(token) > MAX_TOKEN or token.count(".") != 2:
            raise AuthError("malformed token")
        head, body, sig = token.split(".")
        try:
            header = json.loads(_unb64(head))
        except ValueError:
            raise AuthError("malformed token") from None
        if header != _HEADER:
            raise AuthError("unsupported token header (only HS256 JWT)")
        if not hmac.compare_digest(_unb64(sig), self._mac(f"{head}.{body}".encode())):
            raise AuthError("bad signature")
        try:
            claims = json.loads(_unb64(body))
            sub, iat, exp = claims["sub"], claims["iat"], claims["exp"]
            scopes = tuple(str(claims.get("scope", "")).split())
        except (ValueError, KeyError, TypeError):
            raise AuthError("malformed claims") from None
        if claims.get("iss") != ISSUER or type(iat) is not int or type(exp) is not int:
            raise AuthError("malformed claims")
        now = self._env.now()
        if now >= exp:
            raise AuthError("token expired")
        if now < iat:
            raise AuthError("token not yet valid")
        if scope is not None and scope not in scopes:
            raise AuthError(f"scope {scope!r} not granted")
        return Claims(ISSUER, str(sub), scopes, iat, exp)


class JwtClient(AgentView[JwtAuth]):
    __slots__ = ()

    def issue(self, subject: str, scopes: Sequence[str], ttl: int) -> str:
        return self._run.issue(self._agent_id, subject, scopes, ttl)

    def verify(self, token: str, scope: str | None = None) -> Claims:
        return self._run.verify(token, scope)
