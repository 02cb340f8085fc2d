"""SMART's rules over joserfc: system scopes (v1 and v2 spellings) and the pasted JWKS."""

from __future__ import annotations

import json

import pytest
from joserfc.jwk import ECKey, KeySet, OctKey, RSAKey

from taut.api.smart import (
    Grants,
    OAuthError,
    ScopeError,
    parse_scope,
    public_jwks,
    registrable_scopes,
    scopes_granted,
)
from taut.common.refusals import Invalid


def test_v1_and_v2_scopes_mean_the_same_reads() -> None:
    assert parse_scope("system/Patient.read") == parse_scope("system/Patient.rs")
    assert parse_scope("system/*.*").interactions == frozenset("cruds")
    grants = Grants.of(["system/Patient.r", "system/Observation.rs"])
    assert grants.allows("Patient", "r") and not grants.allows("Patient", "s")
    assert grants.allows("Observation", "s") and not grants.allows("Encounter", "r")
    assert Grants.of(["system/*.read"]).readable(["Patient", "Consent"]) == ["Patient", "Consent"]


@pytest.mark.parametrize(
    "text",
    [
        "user/Patient.read",
        "patient/*.rs",
        "system/Patient.",
        "system/Patient.sr",
        "system/Patient.rs?category=x",
        "system/patient.rs",
        "openid",
    ],
)
def test_what_is_not_a_system_scope_is_refused(text: str) -> None:
    with pytest.raises(ScopeError):
        parse_scope(text)


def test_a_wildcard_registration_covers_any_type_but_not_more_interactions() -> None:
    assert scopes_granted(requested="system/Patient.read", allowed=["system/*.rs"]) == [
        "system/Patient.read"
    ]
    with pytest.raises(OAuthError) as refused:
        scopes_granted(requested="system/Patient.write", allowed=["system/*.rs"])
    assert refused.value.error == "invalid_scope"


def test_an_owner_may_only_register_read_scopes() -> None:
    assert registrable_scopes(["system/*.rs", " "]) == ["system/*.rs"]
    with pytest.raises(Invalid) as refused:
        registrable_scopes(["system/Patient.cruds"])
    assert "read-only" in refused.value.fields["scopes"]
    with pytest.raises(Invalid):
        registrable_scopes([])


def _jwks(*keys: dict[str, object]) -> str:
    return json.dumps({"keys": list(keys)})


def _rsa(kid: str = "r1", bits: int = 2048) -> dict[str, object]:
    return dict(RSAKey.generate_key(bits, parameters={"kid": kid}).as_dict(private=False))


def test_public_rsa_and_p384_keys_are_accepted() -> None:
    ec = ECKey.generate_key("P-384", parameters={"kid": "e1", "alg": "ES384"})
    text = _jwks(_rsa(), dict(ec.as_dict(private=False)))
    assert [key["kid"] for key in public_jwks(text)["keys"]] == ["r1", "e1"]
    assert KeySet.import_key_set(public_jwks(text))  # joserfc reads back what we keep


_REASONS = {
    "not valid JSON",
    "non-empty",
    "nested too deeply",
    "'n' is required",
    "no “kid”",
    "alg RS256",
    "share the kid",
    "1024-bit",
    "P-384",
    "kty oct",
    "private key",
}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{not json", "not valid JSON"),
        ('{"keys": []}', "non-empty"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"keys": [{"kid": "a", "kty": "RSA"}]}', "'n' is required"),
        (_jwks({k: v for k, v in _rsa().items() if k != "kid"}), "no “kid”"),
        (_jwks({**_rsa(), "alg": "RS256"}), "alg RS256"),
        (_jwks(_rsa("a"), _rsa("a")), "share the kid"),
        (_jwks(_rsa(bits=1024)), "1024-bit"),
        (_jwks(dict(ECKey.generate_key("P-256", parameters={"kid": "p"}).as_dict())), "P-384"),
        (_jwks(dict(OctKey.generate_key(256, parameters={"kid": "o"}).as_dict())), "kty oct"),
        (
            _jwks(dict(ECKey.generate_key("P-384", parameters={"kid": "x"}).as_dict(private=True))),
            "private key",
        ),
    ],
    # Fixed ids: the keys are generated at collection, and each xdist worker must collect the
    # same test names.
    ids=lambda value: value if value in _REASONS else "jwks",
)
def test_a_bad_jwks_is_refused_naming_the_field_and_the_key(text: str, says: str) -> None:
    with pytest.raises(Invalid) as refused:
        public_jwks(text)
    assert says in refused.value.fields["jwks"]
