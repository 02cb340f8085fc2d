"""SMART Backend Services: system scopes, the client's public keys, and its signed assertion.

A registered machine signs a JWT (RS384 or ES384) with its private key; Taut checks it against the
public keys (JWKS) the clinic owner pasted in, and answers with a short-lived access token whose
system scopes (`system/Patient.rs`, `system/*.read`, ...) say which resource types it may read.
The JOSE work is joserfc's; this module only states SMART's rules over it.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import ECKey, KeySet, RSAKey

from taut.common.refusals import Invalid, Refused

ALGORITHMS = ("RS384", "ES384")
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ACCESS_TOKEN_LIFETIME = timedelta(minutes=5)
ASSERTION_MAX_LIFETIME = timedelta(minutes=5)  # SMART: exp no more than five minutes ahead
CLOCK_LEEWAY = timedelta(seconds=60)  # the client's clock and ours may differ a little
MIN_RSA_BITS = 2048
MAX_ASSERTION_LENGTH = 8_192  # a signed JWT with five claims is well under 2 KB
# What a machine may do, whatever its scopes: read records and export them. Never write.
READ_INTERACTIONS = frozenset("rs")
_V1 = {"read": "rs", "write": "cud", "*": "cruds"}
_SCOPE = re.compile(r"^system/(?P<type>\*|[A-Z][A-Za-z]+)\.(?P<what>read|write|\*|c?r?u?d?s?)$")
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")


class OAuthError(Refused):
    """A token request refused with one of RFC 6749's error codes (section 5.2)."""

    def __init__(self, error: str, description: str, *, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.message}


class ScopeError(ValueError):
    """A scope string that is not a SMART system scope."""


@dataclass(frozen=True)
class SystemScope:
    resource_type: str  # a FHIR resource type, or "*" for all of them
    interactions: frozenset[str]  # of c r u d s

    def allows(self, resource_type: str, interaction: str) -> bool:
        return self.resource_type in ("*", resource_type) and interaction in self.interactions

    def covers(self, other: SystemScope) -> bool:
        return self.resource_type in ("*", other.resource_type) and (
            other.interactions <= self.interactions
        )


def parse_scope(text: str) -> SystemScope:
    """`system/Patient.rs` (SMART v2) or `system/Patient.read` (v1); granular `?...` is not."""
    match = _SCOPE.match(text)
    if match is None or not match["what"]:
        raise ScopeError(
            f"“{text}” is not a system scope such as system/Patient.rs or system/*.read."
        )
    what = _V1.get(match["what"], match["what"])
    return SystemScope(match["type"], frozenset(what))


def parse_scopes(texts: Iterable[str]) -> list[SystemScope]:
    return [parse_scope(text) for text in texts]


@dataclass(frozen=True)
class Grants:
    """The system scopes an access token carries."""

    scopes: tuple[SystemScope, ...]

    @classmethod
    def of(cls, texts: Iterable[str]) -> Grants:
        return cls(tuple(parse_scopes(texts)))

    def allows(self, resource_type: str, interaction: str = "r") -> bool:
        return any(scope.allows(resource_type, interaction) for scope in self.scopes)

    def readable(self, resource_types: Iterable[str]) -> list[str]:
        return [kind for kind in resource_types if self.allows(kind, "r")]


def scopes_granted(*, requested: str, allowed: Iterable[str]) -> list[str]:
    """The requested scopes, each of which one of the client's allowed scopes covers."""
    texts = requested.split()
    if not texts:
        raise OAuthError("invalid_scope", "Ask for at least one system scope, e.g. system/*.rs.")
    try:
        wanted, held = parse_scopes(texts), parse_scopes(allowed)
    except ScopeError as bad:
        raise OAuthError("invalid_scope", str(bad)) from bad
    refused = [t for t, s in zip(texts, wanted, strict=True) if not any(h.covers(s) for h in held)]
    if refused:
        raise OAuthError(
            "invalid_scope",
            f"This client may not have {', '.join(refused)}; "
            f"it was registered for {' '.join(allowed) or 'no scopes'}.",
        )
    return texts


def registrable_scopes(texts: Iterable[str]) -> list[str]:
    """Scopes an owner may give a client: well formed and read-only (Taut's FHIR API is)."""
    chosen = [text.strip() for text in texts if text.strip()]
    if not chosen:
        raise Invalid("Choose at least one scope.", fields={"scopes": "Choose at least one."})
    for text in chosen:
        try:
            scope = parse_scope(text)
        except ScopeError as bad:
            raise Invalid(str(bad), fields={"scopes": str(bad)}) from bad
        if not scope.interactions <= READ_INTERACTIONS:
            reason = f"{text}: Taut's FHIR API is read-only; use r and s (e.g. system/*.rs)."
            raise Invalid(reason, fields={"scopes": reason})
    return chosen


# --- the client's keys --------------------------------------------------------------------


def _jwks_refusal(reason: str) -> Invalid:
    return Invalid(f"JWKS: {reason}", fields={"jwks": reason})


def _check_key(key: Any, number: int) -> str:
    if not isinstance(key, dict):
        raise _jwks_refusal(f"key {number} is not a JSON object.")
    kid = key.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _jwks_refusal(f"key {number} has no “kid”; SMART clients name each key.")
    where = f"key {number} (kid “{kid}”)"
    alg, kty = key.get("alg"), key.get("kty")
    if kty not in ("RSA", "EC"):
        raise _jwks_refusal(f"{where} has kty {kty}; Taut accepts RSA (RS384) or EC (ES384).")
    if any(member in key for member in _PRIVATE_MEMBERS):
        raise _jwks_refusal(f"{where} holds a private key; paste only the public keys.")
    if alg is not None and alg not in ALGORITHMS:
        raise _jwks_refusal(f"{where} has alg {alg}; Taut accepts {' or '.join(ALGORITHMS)}.")
    if kty == "RSA":
        if alg == "ES384":
            raise _jwks_refusal(f"{where} is an RSA key but says alg ES384.")
        with warnings.catch_warnings():  # a short key is refused just below, in words
            warnings.simplefilter("ignore", SecurityWarning)
            imported = RSAKey.import_key(key)
        bits = imported.raw_value.key_size
        if bits < MIN_RSA_BITS:
            raise _jwks_refusal(f"{where} is {bits}-bit RSA; use at least {MIN_RSA_BITS}.")
    else:
        if key.get("crv") != "P-384" or alg == "RS384":
            raise _jwks_refusal(f"{where} must be an EC key on curve P-384 for ES384.")
        ECKey.import_key(key)
    return kid


def public_jwks(text: str) -> dict[str, Any]:
    """The pasted JSON Web Key Set, checked: public RSA/P-384 keys, each with its own kid."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as bad:
        raise _jwks_refusal(f"not valid JSON ({bad.msg} at line {bad.lineno}).") from bad
    except RecursionError as bad:
        raise _jwks_refusal("nested too deeply to be a key set.") from bad
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, list) or not keys:
        raise _jwks_refusal("expected an object with a non-empty “keys” list.")
    kids: list[str] = []
    for number, key in enumerate(keys, start=1):
        try:
            kid = _check_key(key, number)
        except (JoseError, ValueError, TypeError) as bad:
            detail = str(bad) or "its members do not make a key"
            raise _jwks_refusal(f"key {number} cannot be read as a public key ({detail}).") from bad
        if kid in kids:
            raise _jwks_refusal(f"two keys share the kid “{kid}”.")
        kids.append(kid)
    return {"keys": keys}


# --- the signed assertion -----------------------------------------------------------------


def _invalid_client(description: str) -> OAuthError:
    # RFC 7523 section 3.2: a client assertion that does not hold is "invalid_client".
    return OAuthError("invalid_client", description, status=401)


@dataclass(frozen=True)
class UnverifiedAssertion:
    """What the assertion says before its signature is checked: only for finding the key."""

    alg: str
    kid: str
    issuer: str


def read_assertion(assertion: str) -> UnverifiedAssertion:
    if len(assertion) > MAX_ASSERTION_LENGTH:
        raise _invalid_client("client_assertion is too long to be a client assertion.")
    try:
        compact = jws.extract_compact(assertion.encode())
        claims = json.loads(compact.payload)
    except (JoseError, ValueError, TypeError, RecursionError) as bad:
        raise _invalid_client("client_assertion is not a signed JWT.") from bad
    header = compact.protected
    if header.get("alg") not in ALGORITHMS:
        raise _invalid_client(f"Sign the assertion with {' or '.join(ALGORITHMS)}.")
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    if not isinstance(issuer, str) or not issuer:
        raise _invalid_client("The assertion has no iss (your client_id).")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _invalid_client("The assertion's header has no kid naming your key.")
    return UnverifiedAssertion(alg=header["alg"], kid=kid, issuer=issuer)


def verify_assertion(
    assertion: str,
    *,
    unverified: UnverifiedAssertion,
    jwks: dict[str, Any],
    token_url: str,
    now: datetime,
) -> dict[str, Any]:
    """The assertion's claims once its signature, subject, audience and expiry hold."""
    try:
        key = KeySet.import_key_set(jwks).get_by_kid(unverified.kid)  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError) as missing:
        raise _invalid_client(f"No key with kid “{unverified.kid}” is registered.") from missing
    try:
        claims = jwt.decode(assertion, key, algorithms=[unverified.alg]).claims
    except (JoseError, ValueError) as bad:
        raise _invalid_client("The assertion's signature does not verify.") from bad
    if claims.get("sub") != unverified.issuer:
        raise _invalid_client("The assertion's sub must equal its iss (your client_id).")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if token_url not in audiences:
        raise _invalid_client(f"The assertion's aud must be the token URL, {token_url}.")
    _check_expiry(claims.get("exp"), now=now)
    if not isinstance(claims.get("jti"), str) or not claims["jti"]:
        raise _invalid_client("The assertion has no jti.")
    return dict(claims)


def assertion_expires_at(claims: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(int(claims["exp"]), tz=UTC)


def _check_expiry(exp: Any, *, now: datetime) -> None:
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise _invalid_client("The assertion has no exp.")
    seconds = now.timestamp()
    if exp <= seconds - CLOCK_LEEWAY.total_seconds():
        raise _invalid_client("The assertion has expired; sign a fresh one.")
    if exp > seconds + (ASSERTION_MAX_LIFETIME + CLOCK_LEEWAY).total_seconds():
        raise _invalid_client("The assertion's exp is more than five minutes ahead.")
