"""Credentials for ``redactor serve``: agent tokens, Twilio and AudioHook request signatures.

Everything here is a pure function of its arguments (plus the clock where a docstring says
so), so the router can call it from ``process_request`` and tests can call it directly.

Failures raise :class:`AuthError`, whose :attr:`~AuthError.status` is the HTTP status to
refuse the handshake with and whose :attr:`~AuthError.reason` is short text that is safe to
send back and to log: it never contains a token, a signature or a secret.

Three kinds of credentials:

* **Tokens** (:func:`issue_token`, :func:`verify_token`, :func:`authorize`) are HS256 JWTs
  signed with ``REDACTOR_SECRET``. A token names one call and one role of :data:`ROLES`.
  Agents send it as ``Authorization: Bearer TOKEN`` or, from a browser, which cannot set
  headers on a WebSocket, as the subprotocol ``bearer.TOKEN`` (see :func:`bearer_token`),
  so the token never appears in a URL.
* **Twilio** signs the WebSocket upgrade of a Media Stream with ``X-Twilio-Signature``, an
  HMAC-SHA1 with the account's auth token over the URL (:func:`verify_twilio_signature`).
* **Genesys AudioHook** sends ``X-API-KEY`` and signs the upgrade with HTTP Message
  Signatures (IETF draft that became RFC 9421), HMAC-SHA256 with the client secret
  (:func:`verify_audiohook_request`, :func:`sign_audiohook_request`).

Replays. An AudioHook signature carries ``created`` and a nonce: it is accepted only within
``max_skew`` seconds (default 10) of ``created``, and with a :class:`ReplayCache` each
signature is accepted once (remembered until it could no longer pass the clock check, in
bounded memory). A Twilio signature covers the URL alone and carries no time or nonce: every
stream to the same URL has the same signature, so it cannot be made single-use and a captured
one stays valid until the auth token is rotated. What the server can do (and does, see
``twilio.py``) is remember each ``start.streamSid`` for a while and refuse a stream that
repeats one; TLS (``wss://``) is what keeps the signature from being captured at all.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import heapq
import hmac
import re
import secrets
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import jwt

__all__ = [
    "AGENT_SUBPROTOCOL",
    "AUDIOHOOK_REQUIRED_COMPONENTS",
    "BEARER_SUBPROTOCOL_PREFIX",
    "ROLES",
    "AuthError",
    "Claims",
    "ReplayCache",
    "authorize",
    "bearer_token",
    "issue_token",
    "public_request_url",
    "sign_audiohook_request",
    "twilio_signature",
    "url_authority",
    "verify_audiohook_request",
    "verify_token",
    "verify_twilio_signature",
]

ROLES = ("agent", "supervisor", "ingest")

#: Subprotocol the agent page asks for; the server must select this one, never ``bearer.…``.
AGENT_SUBPROTOCOL = "redactor.agent.v1"
#: A subprotocol ``bearer.TOKEN`` carries a token from a browser.
BEARER_SUBPROTOCOL_PREFIX = "bearer."

AUDIENCE = "redactor"
ALGORITHM = "HS256"
EXPIRES_LEEWAY = 30  # clock difference tolerated on an AudioHook "expires" (capped by max_skew)
MAX_TOKEN_LENGTH = 4096  # a real token is ~300 bytes; refuse megabyte "tokens" before parsing

#: Components an AudioHook signature must cover (as Genesys's reference server requires).
AUDIOHOOK_REQUIRED_COMPONENTS = (
    "@request-target",
    "@authority",
    "audiohook-organization-id",
    "audiohook-session-id",
    "audiohook-correlation-id",
    "x-api-key",
)


class AuthError(Exception):
    """A request is refused.

    :attr:`status` is 401 when credentials are missing or invalid and 403 when they are valid
    but do not allow this request. :attr:`reason` is short text, safe to send back and log.
    """

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Claims:
    """What a verified token says: which call, which role, who, until when (Unix seconds)."""

    call_id: str
    role: str
    subject: str | None
    expires_at: int
    token_id: str


class ReplayCache:
    """Keys seen recently, each remembered until its own expiry; at most ``max_entries``.

    :meth:`add` is ``False`` for a key still remembered (a replay). When full, the entry
    nearest its expiry is forgotten first: to push out a remembered signature early, one would
    need that many *fresh valid* credentials within its window.
    """

    def __init__(self, max_entries: int = 100_000) -> None:
        self.max_entries = max(1, int(max_entries))
        self._expiry: dict[object, float] = {}
        self._heap: list[tuple[float, int, object]] = []
        self._n = 0

    def __len__(self) -> int:
        return len(self._expiry)

    def add(self, key: object, expires_at: float, now: float) -> bool:
        """Remember ``key`` until ``expires_at`` (inclusive); ``False`` if it is remembered already."""
        while self._heap and (self._heap[0][0] < now or len(self._expiry) >= self.max_entries):
            when, _, old = heapq.heappop(self._heap)
            if self._expiry.get(old) == when:
                del self._expiry[old]
        if key in self._expiry:
            return False
        self._n += 1
        self._expiry[key] = expires_at
        heapq.heappush(self._heap, (expires_at, self._n, key))
        return True


# --- tokens -----------------------------------------------------------------------------------


def issue_token(secret: str, call_id: str, role: str = "agent", ttl: int = 3600,
                subject: str | None = None) -> str:
    """Return a token for ``call_id`` and ``role``, valid for ``ttl`` seconds from now.

    The token is an HS256 JWT with claims ``call``, ``role``, ``sub`` (only when ``subject``
    is given), ``iat``, ``exp``, ``jti`` and ``aud="redactor"``. A supervisor token may watch
    any call; its ``call_id`` is informative only.

    Raises :exc:`ValueError` for an empty secret or call id, an unknown role or a ``ttl``
    that is not positive.
    """
    if not secret:
        raise ValueError("the signing secret is empty")
    if not call_id:
        raise ValueError("call id is empty")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if ttl <= 0:
        raise ValueError("ttl must be a positive number of seconds")
    now = int(time.time())
    payload: dict[str, object] = {
        "call": call_id,
        "role": role,
        "iat": now,
        "exp": now + int(ttl),
        "jti": secrets.token_urlsafe(12),
        "aud": AUDIENCE,
    }
    if subject is not None:
        payload["sub"] = subject
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def verify_token(secret: str, token: str, *, leeway: float = 0) -> Claims:
    """Check a token's signature, audience and expiry and return its claims.

    Raises :class:`AuthError` 401 with reason ``"token expired"`` or ``"invalid token"``
    (forged, garbled, wrong audience, missing or malformed claims). ``leeway`` is the clock
    skew, in seconds, tolerated on ``exp``.
    """
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise AuthError(401, "invalid token")
    try:
        payload = jwt.decode(
            token, secret, algorithms=[ALGORITHM], audience=AUDIENCE, leeway=leeway,
            options={"require": ["exp", "iat", "jti", "call", "role"]},
        )
    except jwt.ExpiredSignatureError:
        raise AuthError(401, "token expired") from None
    except jwt.InvalidTokenError:
        raise AuthError(401, "invalid token") from None
    call_id, role, subject = payload.get("call"), payload.get("role"), payload.get("sub")
    token_id, expires_at = payload.get("jti"), payload.get("exp")
    if (not isinstance(call_id, str) or not call_id or role not in ROLES or not isinstance(token_id, str)
            or (subject is not None and not isinstance(subject, str)) or not isinstance(expires_at, int)):
        raise AuthError(401, "invalid token")
    return Claims(call_id=call_id, role=role, subject=subject, expires_at=expires_at, token_id=token_id)


def authorize(claims: Claims, *, call_id: str | None, roles: Collection[str]) -> None:
    """Check that verified ``claims`` allow acting on ``call_id`` in one of ``roles``.

    A supervisor may watch any call; any other role only the call its token names. Pass
    ``call_id=None`` where the call is not known yet (``/ingest`` learns it from its first
    frame) to check the role alone, then call again with the call id.

    Raises :class:`AuthError` 403 (``"role not allowed"``, ``"token is for another call"``).
    """
    if claims.role not in roles:
        raise AuthError(403, "role not allowed")
    if call_id is not None and claims.role != "supervisor" and claims.call_id != call_id:
        raise AuthError(403, "token is for another call")


def _header_values(headers: object, name: str) -> list[str]:
    """All values of a header, from ``websockets`` ``Headers`` or any (case-insensitive) mapping."""
    get_all = getattr(headers, "get_all", None)
    if get_all is not None:
        return list(get_all(name))
    if isinstance(headers, Mapping):
        lower = name.lower()
        return [str(value) for key, value in headers.items() if str(key).lower() == lower]
    raise TypeError("headers must be websockets Headers or a mapping")


def bearer_token(headers: object) -> str | None:
    """The bearer token a handshake carries, or ``None``.

    Looks at ``Authorization: Bearer TOKEN`` first, then at a ``Sec-WebSocket-Protocol``
    offer ``bearer.TOKEN`` (browsers cannot set ``Authorization`` on a WebSocket, so the
    agent page offers ``["redactor.agent.v1", "bearer." + token]``). Two different tokens
    in one request are ambiguous and give ``None``. ``headers`` is a
    ``websockets.datastructures.Headers`` (a plain mapping works too).
    """
    found: set[str] = set()
    for value in _header_values(headers, "Authorization"):
        scheme, _, credentials = value.strip().partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            found.add(credentials.strip())
    if not found:
        for value in _header_values(headers, "Sec-WebSocket-Protocol"):
            for offer in value.split(","):
                offer = offer.strip()
                if offer[:len(BEARER_SUBPROTOCOL_PREFIX)].lower() == BEARER_SUBPROTOCOL_PREFIX:
                    token = offer[len(BEARER_SUBPROTOCOL_PREFIX):]
                    if token:
                        found.add(token)
    return found.pop() if len(found) == 1 else None


# --- Twilio -----------------------------------------------------------------------------------

_DEFAULT_PORTS = {"https": 443, "wss": 443, "http": 80, "ws": 80}


def public_request_url(public_url: str, request_target: str) -> str:
    """The URL a client used: the server's public URL followed by the request target.

    ``request_target`` is the path and query string of the request line (``request.path``
    in ``websockets``), e.g. ``public_request_url("wss://example.com", "/twilio?x=1")``.
    """
    return public_url.rstrip("/") + request_target


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str] | None = None) -> str:
    """Twilio's request signature: base64 of HMAC-SHA1, keyed with the auth token, over
    the URL followed by each POST parameter's name and value, sorted by name.

    WebSocket upgrades have no parameters: the signature covers the URL alone.
    """
    data = url + "".join(name + params[name] for name in sorted(params or {}))
    digest = hmac.new(auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _url_port_variants(url: str) -> list[str]:
    """``url`` as given, without its port and with its scheme's default port.

    Twilio computes signatures inconsistently with respect to the port, so its own
    validator accepts either form; so do we.
    """
    parts = urlsplit(url)
    variants = [url]
    try:
        port = parts.port
    except ValueError:
        return variants
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    if port is not None:
        variants.append(urlunsplit(parts._replace(netloc=prefix + host)))
    elif parts.scheme in _DEFAULT_PORTS:
        variants.append(urlunsplit(parts._replace(netloc=f"{prefix}{host}:{_DEFAULT_PORTS[parts.scheme]}")))
    return variants


def verify_twilio_signature(auth_token: str, url: str, signature: str | None,
                            params: Mapping[str, str] | None = None) -> None:
    """Check an ``X-Twilio-Signature`` value against the URL Twilio requested.

    ``url`` is the public URL plus path and query string (:func:`public_request_url`);
    the signature is also accepted when computed over the URL without its port or with the
    scheme's default port, as Twilio's own validator does. Comparisons take constant time.

    Raises :class:`AuthError` 401 when the signature is missing and 403 when it does not
    match.
    """
    if not signature:
        raise AuthError(401, "missing Twilio signature")
    if not auth_token:
        raise AuthError(403, "Twilio signature cannot be checked")
    given = signature.strip().encode("utf-8", "replace")
    matched = False
    for candidate in _url_port_variants(url):
        expected = twilio_signature(auth_token, candidate, params).encode("ascii")
        matched |= hmac.compare_digest(expected, given)  # no short-circuit: same work either way
    if not matched:
        raise AuthError(403, "invalid Twilio signature")


# --- AudioHook: HTTP Message Signatures -------------------------------------------------------
#
# Signature-Input: sig1=("@request-target" "@authority" "audiohook-organization-id"
#     "audiohook-session-id" "audiohook-correlation-id" "x-api-key");keyid="APIKEY";
#     nonce="...";alg="hmac-sha256";created=1641013200;expires=1641013230
# Signature: sig1=:BASE64(HMAC-SHA256(client secret, signature base)):
#
# The signature base has one line per covered component, `"name": value`, then
# `"@signature-params": ` followed by the serialised inner list above, joined by "\n"
# with no trailing newline. Both headers are RFC 8941 structured-field dictionaries.


class _Token(str):
    """A structured-field Token (serialised without quotes)."""


_SF_KEY = re.compile(r"[a-z*][a-z0-9_\-.*]*")
_SF_TOKEN = re.compile(r"[A-Za-z*][A-Za-z0-9!#$%&'*+\-.^_`|~:/]*")
_SF_NUMBER = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,3})?")
_SF_BYTES = re.compile(r":([A-Za-z0-9+/=]*):")

_Params = list[tuple[str, object]]


class _SFError(ValueError):
    pass


class _SFParser:
    """A small RFC 8941 parser: dictionaries of items and inner lists, with parameters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _skip(self, chars: str) -> None:
        while self._peek() and self._peek() in chars:
            self.pos += 1

    def dictionary(self) -> list[tuple[str, object, _Params]]:
        members: list[tuple[str, object, _Params]] = []
        self._skip(" ")
        while self.pos < len(self.text):
            key = self._key()
            if self._peek() == "=":
                self.pos += 1
                if self._peek() == "(":
                    value: object = self._inner_list()
                else:
                    value = self._bare()
            else:
                value = True
            members.append((key, value, self._params()))
            self._skip(" \t")
            if self.pos >= len(self.text):
                break
            if self._peek() != ",":
                raise _SFError("expected ','")
            self.pos += 1
            self._skip(" \t")
            if self.pos >= len(self.text):
                raise _SFError("trailing comma")
        return members

    def _key(self) -> str:
        match = _SF_KEY.match(self.text, self.pos)
        if not match:
            raise _SFError("bad key")
        self.pos = match.end()
        return match.group()

    def _inner_list(self) -> list[tuple[object, _Params]]:
        self.pos += 1  # "("
        items: list[tuple[object, _Params]] = []
        while True:
            self._skip(" ")
            if self._peek() == ")":
                self.pos += 1
                return items
            items.append((self._bare(), self._params()))
            if self._peek() not in (" ", ")"):
                raise _SFError("bad inner list")

    def _params(self) -> _Params:
        params: _Params = []
        while self._peek() == ";":
            self.pos += 1
            self._skip(" ")
            key = self._key()
            value: object = True
            if self._peek() == "=":
                self.pos += 1
                value = self._bare()
            params.append((key, value))
        return params

    def _bare(self) -> object:
        char = self._peek()
        if char == '"':
            return self._string()
        if char == ":":
            match = _SF_BYTES.match(self.text, self.pos)
            if not match:
                raise _SFError("bad byte sequence")
            self.pos = match.end()
            try:
                return base64.b64decode(match.group(1), validate=True)
            except binascii.Error:
                raise _SFError("bad byte sequence") from None
        if char == "?":
            value = self.text[self.pos + 1:self.pos + 2]
            if value not in ("0", "1"):
                raise _SFError("bad boolean")
            self.pos += 2
            return value == "1"
        if char == "-" or char.isdigit():
            match = _SF_NUMBER.match(self.text, self.pos)
            if not match:
                raise _SFError("bad number")
            self.pos = match.end()
            return float(match.group()) if match.group(1) else int(match.group())
        match = _SF_TOKEN.match(self.text, self.pos)
        if not match:
            raise _SFError("bad item")
        self.pos = match.end()
        return _Token(match.group())

    def _string(self) -> str:
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            self.pos += 1
            if char == "\\":
                escaped = self._peek()
                if escaped not in ('"', "\\") or not escaped:
                    raise _SFError("bad escape")
                out.append(escaped)
                self.pos += 1
            elif char == '"':
                return "".join(out)
            elif not " " <= char <= "~":
                raise _SFError("bad string character")
            else:
                out.append(char)
        raise _SFError("unterminated string")


def _sf_bare(value: object) -> str:
    if isinstance(value, bool):
        return "?1" if value else "?0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, _Token):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bytes):
        return ":" + base64.b64encode(value).decode("ascii") + ":"
    raise _SFError("unsupported value")


def _sf_params(params: Iterable[tuple[str, object]]) -> str:
    return "".join(f";{key}" if value is True else f";{key}={_sf_bare(value)}" for key, value in params)


def _sf_inner_list(items: Iterable[str], params: Iterable[tuple[str, object]]) -> str:
    return "(" + " ".join(_sf_bare(item) for item in items) + ")" + _sf_params(params)


def _canonical_field(values: list[str]) -> str | None:
    """A header's value as a signature covers it: each line trimmed, lines joined by ", "."""
    if not values:
        return None
    return ", ".join(re.sub(r"[ \t]*\r\n[ \t]+", " ", value).strip() for value in values)


def _signature_base(components: list[tuple[str, str]], sig_params: str) -> bytes:
    lines = [f"{_sf_bare(name)}: {value}" for name, value in components]
    lines.append(f'"@signature-params": {sig_params}')
    return "\n".join(lines).encode("utf-8")


def _derived_component(name: str, *, method: str, path: str, authority: str) -> str | None:
    target_path, sep, query = path.partition("?")
    return {
        "@method": method.upper(),
        "@authority": authority.lower(),
        "@request-target": path,
        "@path": target_path or "/",
        "@query": "?" + query if sep else "?",
    }.get(name)


def verify_audiohook_request(headers: object, *, method: str, path: str, authority: str,
                             clients: Mapping[str, bytes], now: float | None = None,
                             max_skew: float = 10, replay: ReplayCache | None = None) -> str:
    """Check the API key and HTTP message signature of an AudioHook upgrade request.

    Genesys Cloud sends ``X-API-KEY`` and signs the request with HMAC-SHA256 keyed with the
    base64-decoded client secret (``Signature-Input`` / ``Signature`` headers, draft HTTP
    Message Signatures). The signature must cover ``@request-target``, ``@authority``,
    ``audiohook-organization-id``, ``audiohook-session-id``, ``audiohook-correlation-id`` and
    ``x-api-key``, its ``keyid`` must be the API key, ``alg`` (when given) ``hmac-sha256``,
    and it must carry ``created`` (and may carry ``expires`` and ``nonce``).

    :param headers: the request headers (``websockets`` ``Headers`` or a mapping).
    :param method: the request method (``"GET"`` for a WebSocket upgrade).
    :param path: the request target: path and query string as on the request line.
    :param authority: the host (and port, unless it is the scheme's default) clients
        connect to: :func:`url_authority` of ``--public-url`` (or the ``Host`` header when
        there is none); compared case-insensitively.
    :param clients: API key → client secret (already base64-decoded).
    :param now: the current Unix time (default: the clock).
    :param max_skew: seconds ``created`` may differ from ``now`` either way (so also the
        largest age of a signature: 10 by default; Genesys signs each upgrade just before
        sending it); ``expires`` is honoured with the clock difference tolerated up to 30
        seconds.
    :param replay: where accepted signatures are remembered (until ``created + max_skew``,
        after which the clock check refuses them anyway); a signature seen before is refused.
    :returns: the API key, which identifies the client.
    :raises AuthError: 401 for a missing or unknown API key, a missing, malformed, stale,
        replayed or wrong signature.
    """
    now = time.time() if now is None else now
    api_key = _canonical_field(_header_values(headers, "X-API-KEY"))
    if not api_key:
        raise AuthError(401, "missing API key")
    secret = clients.get(api_key)
    key_known = secret is not None
    inputs = _canonical_field(_header_values(headers, "Signature-Input"))
    signatures = _canonical_field(_header_values(headers, "Signature"))
    if not inputs or not signatures:
        raise AuthError(401, "missing signature")
    try:
        input_members = _SFParser(inputs).dictionary()
        signature_members = {key: value for key, value, _ in _SFParser(signatures).dictionary()}
    except _SFError:
        raise AuthError(401, "malformed signature") from None
    if not input_members:
        raise AuthError(401, "missing signature")
    label, covered, sig_params = input_members[0]  # like Genesys's server: the first signature
    signature = signature_members.get(label)
    if not isinstance(covered, list) or not isinstance(signature, bytes):
        raise AuthError(401, "malformed signature")

    params = dict(sig_params)
    if len(params) != len(sig_params) or not set(params) <= {"alg", "created", "expires", "keyid", "nonce", "tag"}:
        raise AuthError(401, "malformed signature")
    created, expires = params.get("created"), params.get("expires")
    if (not isinstance(created, int) or isinstance(created, bool)
            or (expires is not None and (not isinstance(expires, int) or isinstance(expires, bool)))
            or any(not isinstance(params[key], str) for key in ("alg", "keyid", "nonce", "tag") if key in params)):
        raise AuthError(401, "malformed signature")
    if params.get("alg", "hmac-sha256") != "hmac-sha256":
        raise AuthError(401, "unsupported signature algorithm")
    if params.get("keyid") != api_key:
        raise AuthError(401, "invalid signature")
    if abs(now - created) > max_skew:
        raise AuthError(401, "stale signature")
    if expires is not None and now > expires + min(max_skew, EXPIRES_LEEWAY):
        raise AuthError(401, "signature expired")

    components: list[tuple[str, str]] = []
    for name, component_params in covered:
        if not isinstance(name, str) or isinstance(name, _Token) or component_params or name != name.lower():
            raise AuthError(401, "malformed signature")
        if any(seen == name for seen, _ in components):
            raise AuthError(401, "malformed signature")
        if name.startswith("@"):
            value = _derived_component(name, method=method, path=path, authority=authority)
        elif name in ("signature", "signature-input"):
            value = None
        else:
            value = _canonical_field(_header_values(headers, name))
        if value is None:
            raise AuthError(401, "invalid signature")
        components.append((name, value))
    if not set(AUDIOHOOK_REQUIRED_COMPONENTS) <= {name for name, _ in components}:
        raise AuthError(401, "signature does not cover the required headers")

    base = _signature_base(components, _sf_inner_list([name for name, _ in components], sig_params))
    # An unknown key still costs one HMAC, so timing does not tell known keys apart.
    key = secret if key_known else secrets.token_bytes(32)
    expected = hmac.new(key, base, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature) or not key_known:
        raise AuthError(401, "unknown API key" if not key_known else "invalid signature")
    if replay is not None and not replay.add(("audiohook", signature), created + max_skew, now):
        raise AuthError(401, "replayed signature")
    return api_key


def _url_authority(url: str) -> tuple[str, str]:
    """(request target, authority) of a URL; the authority omits the scheme's default port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    authority = host if port is None or port == _DEFAULT_PORTS.get(parts.scheme) else f"{host}:{port}"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return target, authority


def url_authority(url: str) -> str:
    """``@authority`` of a URL as AudioHook clients sign it: the lower-case host, with the port
    only when it is not the scheme's default (``wss://h.example:443/x`` → ``h.example``).

    Pass ``url_authority(public_url)`` as ``authority`` to :func:`verify_audiohook_request`.
    """
    return _url_authority(url)[1]


def sign_audiohook_request(url: str, *, api_key: str, client_secret: bytes, organization_id: str,
                           session_id: str, correlation_id: str, created: int | None = None,
                           expires_in: int = 30, nonce: str | None = None, label: str = "sig1") -> dict[str, str]:
    """The headers a Genesys AudioHook client sends to open ``url``, signature included.

    Builds the signature exactly as Genesys's client does: components ``@request-target``
    (path and query of ``url``), ``@authority`` (host, without the scheme's default port),
    ``audiohook-organization-id``, ``audiohook-session-id``, ``audiohook-correlation-id``,
    ``x-api-key``; parameters ``keyid`` (the API key), ``nonce`` (random), ``alg``
    (``hmac-sha256``), ``created`` and ``expires`` (``created + expires_in``), in that
    order; HMAC-SHA256 keyed with ``client_secret`` (the base64-decoded secret).

    Returns ``Audiohook-Organization-Id``, ``Audiohook-Session-Id``,
    ``Audiohook-Correlation-Id``, ``X-API-KEY``, ``Signature-Input`` and ``Signature``.
    """
    target, authority = _url_authority(url)
    created = int(time.time()) if created is None else int(created)
    nonce = nonce if nonce is not None else base64.b64encode(secrets.token_bytes(18)).decode("ascii")
    components = [
        ("@request-target", target),
        ("@authority", authority),
        ("audiohook-organization-id", organization_id),
        ("audiohook-session-id", session_id),
        ("audiohook-correlation-id", correlation_id),
        ("x-api-key", api_key),
    ]
    sig_params = _sf_inner_list(
        [name for name, _ in components],
        [("keyid", api_key), ("nonce", nonce), ("alg", "hmac-sha256"),
         ("created", created), ("expires", created + int(expires_in))],
    )
    digest = hmac.new(client_secret, _signature_base(components, sig_params), hashlib.sha256).digest()
    return {
        "Audiohook-Organization-Id": organization_id,
        "Audiohook-Session-Id": session_id,
        "Audiohook-Correlation-Id": correlation_id,
        "X-API-KEY": api_key,
        "Signature-Input": f"{label}={sig_params}",
        "Signature": f"{label}={_sf_bare(digest)}",
    }
