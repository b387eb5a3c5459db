"""Credentials of ``redactor serve``: tokens, bearer extraction, Twilio and AudioHook signatures."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from websockets.datastructures import Headers

from redactor.server.auth import (
    AUDIOHOOK_REQUIRED_COMPONENTS,
    AuthError,
    Claims,
    ReplayCache,
    authorize,
    bearer_token,
    issue_token,
    public_request_url,
    sign_audiohook_request,
    twilio_signature,
    url_authority,
    verify_audiohook_request,
    verify_token,
    verify_twilio_signature,
)

SECRET = "s" * 48


def _error(call, *args, **kwargs) -> AuthError:
    with pytest.raises(AuthError) as info:
        call(*args, **kwargs)
    return info.value


# --- tokens -----------------------------------------------------------------------------------


def test_token_roundtrip_carries_call_role_subject_and_expiry() -> None:
    before = int(time.time())
    token = issue_token(SECRET, "CA123", role="agent", ttl=600, subject="suzuki")
    claims = verify_token(SECRET, token)
    assert (claims.call_id, claims.role, claims.subject) == ("CA123", "agent", "suzuki")
    assert before + 600 <= claims.expires_at <= int(time.time()) + 600
    assert claims.token_id
    payload = jwt.decode(token, SECRET, algorithms=["HS256"], audience="redactor")
    assert {"call", "role", "sub", "iat", "exp", "jti", "aud"} <= set(payload)


def test_token_ids_are_unique_and_subject_is_optional() -> None:
    first, second = (verify_token(SECRET, issue_token(SECRET, "CA1")) for _ in range(2))
    assert first.token_id != second.token_id
    assert first.subject is None


def test_expired_token_is_refused_with_401() -> None:
    now = int(time.time())
    token = jwt.encode({"call": "CA1", "role": "agent", "iat": now - 100, "exp": now - 10, "jti": "x",
                        "aud": "redactor"}, SECRET, algorithm="HS256")
    error = _error(verify_token, SECRET, token)
    assert (error.status, error.reason) == (401, "token expired")


@pytest.mark.parametrize("token", [
    issue_token("another-secret-of-sufficient-length-0123456789", "CA1"),  # forged: wrong key
    "not-a-token",
    "",
    "a.b.c",
    "x" * 10_000,
])
def test_forged_or_garbled_token_is_invalid(token: str) -> None:
    error = _error(verify_token, SECRET, token)
    assert (error.status, error.reason) == (401, "invalid token")
    assert token[:20] not in str(error) or not token


def test_token_with_a_tampered_payload_is_invalid() -> None:
    header, _, signature = issue_token(SECRET, "CA1", role="agent").split(".")
    claims = jwt.decode(issue_token(SECRET, "CA1", role="supervisor"), options={"verify_signature": False})
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert _error(verify_token, SECRET, f"{header}.{forged_payload}.{signature}").status == 401


def test_token_without_audience_or_with_unknown_role_is_invalid() -> None:
    now = int(time.time())
    base = {"call": "CA1", "role": "agent", "iat": now, "exp": now + 60, "jti": "x"}
    assert _error(verify_token, SECRET, jwt.encode(base, SECRET, algorithm="HS256")).status == 401
    bad_role = {**base, "aud": "redactor", "role": "admin"}
    assert _error(verify_token, SECRET, jwt.encode(bad_role, SECRET, algorithm="HS256")).reason == "invalid token"


def test_issue_token_rejects_bad_arguments() -> None:
    for kwargs in ({"secret": "", "call_id": "CA1"}, {"secret": SECRET, "call_id": ""},
                   {"secret": SECRET, "call_id": "CA1", "role": "admin"},
                   {"secret": SECRET, "call_id": "CA1", "ttl": 0}):
        with pytest.raises(ValueError):
            issue_token(**kwargs)


def test_authorize_binds_tokens_to_their_call_and_role() -> None:
    agent = verify_token(SECRET, issue_token(SECRET, "CA1", role="agent"))
    authorize(agent, call_id="CA1", roles=("agent", "supervisor"))
    wrong_call = _error(authorize, agent, call_id="CA2", roles=("agent", "supervisor"))
    assert (wrong_call.status, wrong_call.reason) == (403, "token is for another call")
    wrong_role = _error(authorize, agent, call_id="CA1", roles=("ingest",))
    assert wrong_role.status == 403


def test_supervisor_may_watch_any_call_but_not_ingest() -> None:
    supervisor = Claims(call_id="*", role="supervisor", subject="boss", expires_at=0, token_id="t")
    authorize(supervisor, call_id="CA1", roles=("agent", "supervisor"))
    authorize(supervisor, call_id="CA999", roles=("agent", "supervisor"))
    assert _error(authorize, supervisor, call_id="CA1", roles=("ingest",)).status == 403


def test_authorize_without_call_checks_the_role_only() -> None:
    ingest = verify_token(SECRET, issue_token(SECRET, "call-7", role="ingest"))
    authorize(ingest, call_id=None, roles=("ingest",))
    assert _error(authorize, ingest, call_id="call-8", roles=("ingest",)).reason == "token is for another call"


def test_bearer_token_from_authorization_header() -> None:
    assert bearer_token(Headers([("Authorization", "Bearer abc.def.ghi")])) == "abc.def.ghi"
    assert bearer_token(Headers([("authorization", "bearer  abc ")])) == "abc"
    assert bearer_token(Headers([("Authorization", "Basic dXNlcjpwYXNz")])) is None
    assert bearer_token(Headers()) is None


def test_bearer_token_from_websocket_subprotocol_offer() -> None:
    token = issue_token(SECRET, "CA1")
    headers = Headers([("Sec-WebSocket-Protocol", f"redactor.agent.v1, bearer.{token}")])
    assert bearer_token(headers) == token
    split = Headers([("Sec-WebSocket-Protocol", "redactor.agent.v1"), ("Sec-WebSocket-Protocol", f"bearer.{token}")])
    assert bearer_token(split) == token
    assert bearer_token(Headers([("Sec-WebSocket-Protocol", "redactor.agent.v1")])) is None


def test_bearer_token_prefers_authorization_and_refuses_ambiguity() -> None:
    both = Headers([("Authorization", "Bearer one"), ("Sec-WebSocket-Protocol", "bearer.two")])
    assert bearer_token(both) == "one"
    two = Headers([("Authorization", "Bearer one"), ("Authorization", "Bearer two")])
    assert bearer_token(two) is None
    assert bearer_token({"authorization": "Bearer from-a-dict"}) == "from-a-dict"


# --- Twilio -----------------------------------------------------------------------------------

# Twilio's published example (twilio-python's RequestValidator tests).
TWILIO_TOKEN = "12345"
TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_PARAMS = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234",
                 "From": "+14158675309", "To": "+18005551212"}


def test_twilio_signature_known_answer() -> None:
    assert twilio_signature(TWILIO_TOKEN, TWILIO_URL, TWILIO_PARAMS) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    verify_twilio_signature(TWILIO_TOKEN, TWILIO_URL, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", TWILIO_PARAMS)


def test_twilio_signature_accepts_url_with_or_without_port() -> None:
    # Signed over https://mycompany.com:443/…: valid for the URL without the port.
    verify_twilio_signature(TWILIO_TOKEN, TWILIO_URL, "kvajT1Ptam85bY51eRf/AJRuM3w=", TWILIO_PARAMS)
    # Signed without a port: valid when the server knows its URL with a port.
    verify_twilio_signature(TWILIO_TOKEN, TWILIO_URL.replace(".com", ".com:1234"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
                            TWILIO_PARAMS)
    # Same for a websocket URL with no parameters.
    url = "wss://redactor.example.com/twilio"
    verify_twilio_signature("tok", url, twilio_signature("tok", "wss://redactor.example.com:443/twilio"))
    verify_twilio_signature("tok", "wss://redactor.example.com:8443/twilio", twilio_signature("tok", url))
    # ... but not for another host or path: each call above raises where the signature does not hold.
    with pytest.raises(AuthError):
        verify_twilio_signature("tok", "wss://other.example.com/twilio", twilio_signature("tok", url))


@pytest.mark.parametrize(("url", "signature", "params"), [
    (TWILIO_URL, "RSOYDt4T1cUTdK1PDd93/VVr8B8X", TWILIO_PARAMS),  # tampered signature
    (TWILIO_URL.replace("foo=1", "foo=2"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=", TWILIO_PARAMS),  # tampered URL
    (TWILIO_URL, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", {**TWILIO_PARAMS, "Digits": "9999"}),  # tampered params
    ("http://mycompany.com/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", TWILIO_PARAMS),  # scheme
])
def test_tampered_twilio_request_is_refused_with_403(url: str, signature: str, params: dict[str, str]) -> None:
    error = _error(verify_twilio_signature, TWILIO_TOKEN, url, signature, params)
    assert error.status == 403
    assert signature not in error.reason


def test_missing_twilio_signature_is_401_and_wrong_token_403() -> None:
    url = public_request_url("wss://redactor.example.com/", "/twilio")
    assert url == "wss://redactor.example.com/twilio"
    assert _error(verify_twilio_signature, "tok", url, None).status == 401
    assert _error(verify_twilio_signature, "tok", url, "").status == 401
    assert _error(verify_twilio_signature, "other", url, twilio_signature("tok", url)).status == 403


# --- AudioHook --------------------------------------------------------------------------------

# The worked example of Genesys's AudioHook protocol documentation (also in the reference
# implementation's tests): wss://audiohook.example.com/api/v1/voicebiometrics/ws.
AH_KEY = "SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh"
AH_SECRET = base64.b64decode("TXlTdXBlclNlY3JldEtleVRlbGxOby0xITJAMyM0JDU=")
AH_EXAMPLE = {
    "Host": "audiohook.example.com",
    "Audiohook-Organization-Id": "d7934305-0972-4844-938e-9060eef73d05",
    "Audiohook-Correlation-Id": "e160e428-53e2-487c-977d-96989bf5c99d",
    "Audiohook-Session-Id": "30b0e395-84d3-4570-ac13-9a62d8f514c0",
    "X-API-KEY": AH_KEY,
    "Signature": "sig1=:NZBwyBHRRyRoeLqy1IzOa9VYBuI8TgMFt2GRDkDuJh4=:",
    "Signature-Input": 'sig1=("@request-target" "@authority" "audiohook-organization-id" "audiohook-session-id" '
                       '"audiohook-correlation-id" "x-api-key");keyid="SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh";'
                       'nonce="VGhpc0lzQVVuaXF1ZU5vbmNl";alg="hmac-sha256";created=1641013200;expires=3282026430',
}
AH_PATH = "/api/v1/voicebiometrics/ws"
AH_CREATED = 1641013200


def _verify(headers, *, path: str = AH_PATH, authority: str = "audiohook.example.com",
            clients=None, now: float = AH_CREATED, **kwargs) -> str:
    return verify_audiohook_request(Headers(list(headers.items())), method="GET", path=path, authority=authority,
                                    clients={AH_KEY: AH_SECRET} if clients is None else clients, now=now, **kwargs)


def test_audiohook_documentation_example_verifies() -> None:
    assert _verify(AH_EXAMPLE) == AH_KEY


def test_audiohook_signer_reproduces_the_documentation_example() -> None:
    signed = sign_audiohook_request(
        "wss://audiohook.example.com/api/v1/voicebiometrics/ws", api_key=AH_KEY, client_secret=AH_SECRET,
        organization_id=AH_EXAMPLE["Audiohook-Organization-Id"], session_id=AH_EXAMPLE["Audiohook-Session-Id"],
        correlation_id=AH_EXAMPLE["Audiohook-Correlation-Id"], created=AH_CREATED,
        expires_in=3282026430 - AH_CREATED, nonce="VGhpc0lzQVVuaXF1ZU5vbmNl")
    assert signed["Signature"] == AH_EXAMPLE["Signature"]
    assert signed["Signature-Input"] == AH_EXAMPLE["Signature-Input"]
    assert signed["X-API-KEY"] == AH_KEY


def test_url_authority_drops_only_the_default_port() -> None:
    assert url_authority("wss://Audiohook.Example.com:443/ws") == "audiohook.example.com"
    assert url_authority("ws://127.0.0.1:8765") == "127.0.0.1:8765"
    assert url_authority("https://[::1]:443/") == "[::1]"


def test_audiohook_sign_verify_roundtrip_with_port_and_query() -> None:
    url = "wss://Redactor.example.com:8443/audiohook?site=tokyo"
    headers = sign_audiohook_request(url, api_key="key-1", client_secret=b"secret-bytes",
                                     organization_id="org", session_id="sess", correlation_id="corr")
    assert 'created=' in headers["Signature-Input"] and 'nonce="' in headers["Signature-Input"]
    clients = {"key-1": b"secret-bytes"}
    assert verify_audiohook_request(Headers(list(headers.items())), method="GET", path="/audiohook?site=tokyo",
                                    authority="redactor.example.com:8443", clients=clients) == "key-1"
    for path, authority in (("/audiohook", "redactor.example.com:8443"),
                            ("/audiohook?site=tokyo", "redactor.example.com")):
        error = _error(verify_audiohook_request, Headers(list(headers.items())), method="GET", path=path,
                       authority=authority, clients=clients)
        assert (error.status, error.reason) == (401, "invalid signature")


@pytest.mark.parametrize(("name", "value"), [
    ("Audiohook-Session-Id", "30b0e395-84d3-4570-ac13-9a62d8f514c1"),
    ("Audiohook-Organization-Id", "d7934305-0972-4844-938e-9060eef73d06"),
    ("Audiohook-Correlation-Id", "e160e428-53e2-487c-977d-96989bf5c99e"),
    ("Signature", "sig1=:NZBxyBHRRyRoeLqy1IzOa9VYBuI8TgMFt2GRDkDuJh4=:"),
    ("Signature-Input", AH_EXAMPLE["Signature-Input"].replace("nonce=\"VGhp", "nonce=\"WGhp")),
    ("Signature-Input", AH_EXAMPLE["Signature-Input"].replace("created=1641013200", "created=1641013201")),
])
def test_audiohook_tampered_header_is_refused(name: str, value: str) -> None:
    error = _error(_verify, {**AH_EXAMPLE, name: value})
    assert error.status == 401
    assert "NZBw" not in error.reason and AH_KEY not in error.reason


def test_audiohook_wrong_target_or_authority_is_refused() -> None:
    assert _error(_verify, AH_EXAMPLE, path="/audiohook").reason == "invalid signature"
    assert _error(_verify, AH_EXAMPLE, authority="evil.example.com").reason == "invalid signature"
    assert _verify(AH_EXAMPLE, authority="AudioHook.Example.com") == AH_KEY


def test_audiohook_unknown_key_wrong_secret_and_missing_parts() -> None:
    assert _error(_verify, AH_EXAMPLE, clients={"other": AH_SECRET}).reason == "unknown API key"
    assert _error(_verify, AH_EXAMPLE, clients={AH_KEY: b"wrong"}).reason == "invalid signature"
    missing_key = {k: v for k, v in AH_EXAMPLE.items() if k != "X-API-KEY"}
    assert _error(_verify, missing_key).reason == "missing API key"
    for header in ("Signature", "Signature-Input"):
        unsigned = {k: v for k, v in AH_EXAMPLE.items() if k != header}
        error = _error(_verify, unsigned)
        assert (error.status, error.reason) == (401, "missing signature")


def test_audiohook_stale_or_future_created_is_refused() -> None:
    # By default a signature is good for 10 s either side of "created" (not Genesys's 300 s).
    assert _verify(AH_EXAMPLE, now=AH_CREATED + 10) == AH_KEY
    assert _verify(AH_EXAMPLE, now=AH_CREATED - 10) == AH_KEY
    assert _error(_verify, AH_EXAMPLE, now=AH_CREATED + 11).reason == "stale signature"
    assert _error(_verify, AH_EXAMPLE, now=AH_CREATED - 11).reason == "stale signature"
    assert _verify(AH_EXAMPLE, now=AH_CREATED + 299, max_skew=300) == AH_KEY
    assert _error(_verify, AH_EXAMPLE, now=AH_CREATED + 301, max_skew=300).reason == "stale signature"


def test_audiohook_replayed_signature_is_refused_within_its_window() -> None:
    replay = ReplayCache()
    assert _verify(AH_EXAMPLE, now=AH_CREATED + 1, replay=replay) == AH_KEY
    for now in (AH_CREATED + 2, AH_CREATED + 10):  # the same headers again: refused while they would pass
        assert _error(_verify, AH_EXAMPLE, now=now, replay=replay).reason == "replayed signature"
    assert _error(_verify, AH_EXAMPLE, now=AH_CREATED + 11, replay=replay).reason == "stale signature"
    # A fresh signature (another nonce) from the same client is fine; a refused one is not remembered.
    fresh = sign_audiohook_request(
        "wss://audiohook.example.com/api/v1/voicebiometrics/ws", api_key=AH_KEY, client_secret=AH_SECRET,
        organization_id="o", session_id="s", correlation_id="c", created=AH_CREATED)
    assert _error(_verify, fresh, now=AH_CREATED, replay=replay, clients={AH_KEY: b"wrong"}).reason == \
        "invalid signature"
    assert _verify(fresh, now=AH_CREATED + 3, replay=replay) == AH_KEY
    assert len(replay) == 2


def test_replay_cache_forgets_expired_entries_and_stays_bounded() -> None:
    cache = ReplayCache(max_entries=3)
    assert cache.add("a", 10, now=0) and not cache.add("a", 10, now=9.9)
    assert not cache.add("a", 20, now=10) and cache.add("a", 20, now=10.1)  # expired: a new entry
    for key in "bcdef":
        assert cache.add(key, 100, now=11)
    assert len(cache) == 3  # the oldest were forgotten first
    assert not cache.add("f", 100, now=12)


def test_audiohook_expired_signature_is_refused() -> None:
    headers = sign_audiohook_request("wss://h.example/audiohook", api_key="k", client_secret=b"s",
                                     organization_id="o", session_id="s", correlation_id="c",
                                     created=1_000_000, expires_in=30)
    verify = dict(method="GET", path="/audiohook", authority="h.example", clients={"k": b"s"})
    # "expires" is honoured with up to 30 s of clock difference, even when "created" allows more.
    assert verify_audiohook_request(headers, now=1_000_059, max_skew=300, **verify) == "k"
    assert _error(verify_audiohook_request, headers, now=1_000_061, max_skew=300, **verify).reason == \
        "signature expired"
    assert verify_audiohook_request(headers, now=1_000_004, max_skew=5, **verify) == "k"
    assert _error(verify_audiohook_request, headers, now=1_000_006, max_skew=5, **verify).reason == \
        "stale signature"


def test_audiohook_signature_must_cover_the_required_components() -> None:
    for component in AUDIOHOOK_REQUIRED_COMPONENTS:
        signature_input = AH_EXAMPLE["Signature-Input"].replace(f'"{component}" ', "").replace(f' "{component}"', "")
        assert signature_input != AH_EXAMPLE["Signature-Input"]
        assert _error(_verify, {**AH_EXAMPLE, "Signature-Input": signature_input}).status == 401


@pytest.mark.parametrize("signature_input", [
    'sig1=("@request-target" "@authority"',  # unterminated
    'sig1="just a string"',
    'sig1=("@request-target");alg="rsa-pss-sha512";keyid="SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh";created=1641013200',
    'sig1=("@request-target");keyid="SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh"',  # no created
    'sig1=("@request-target");keyid="someone-else";created=1641013200',
    'sig2=("@request-target");keyid="SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh";created=1641013200',  # label mismatch
    'sig1=("@request-target" "@request-target");keyid="SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh";created=1641013200',
    'sig1=("@signature-params");keyid="SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh";created=1641013200',
])
def test_audiohook_malformed_signature_input_is_401(signature_input: str) -> None:
    assert _error(_verify, {**AH_EXAMPLE, "Signature-Input": signature_input}).status == 401
