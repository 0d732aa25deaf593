"""The PowerSync key pair in upstream's format: base64url JSON Web Keys, made and read."""

from __future__ import annotations

import base64
import json

import pytest

from wger_flask.services.powersync import keys


def unpadded(value: str) -> str:
    return value.rstrip("=")


def jwk_of(value: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


@pytest.fixture(scope="module")
def pair() -> tuple[str, str]:
    return keys.generate_key_pair()


def test_a_generated_pair_is_upstreams_format(pair):
    private, public = pair
    private_jwk, public_jwk = jwk_of(private), jwk_of(public)
    assert set(private_jwk) == {"kty", "n", "e", "d", "p", "q", "dp", "dq", "qi", "alg", "kid"}
    assert public_jwk == {name: private_jwk[name] for name in ("kty", "n", "e", "alg", "kid")}
    assert (public_jwk["kty"], public_jwk["e"], public_jwk["alg"], public_jwk["kid"]) == (
        "RSA",
        "AQAB",
        "RS256",
        "wger",
    )
    # RSA 2048: the modulus is 256 bytes
    modulus = base64.urlsafe_b64decode(public_jwk["n"] + "=" * (-len(public_jwk["n"]) % 4))
    assert len(modulus) == 256


def test_the_pair_loads_and_its_public_half_is_the_key_set(pair):
    private, public = pair
    loaded = keys.load_key_pair(private, public)
    assert loaded.jwks() == {"keys": [jwk_of(public)]}
    assert (loaded.algorithm, loaded.kid) == ("RS256", "wger")


def test_the_public_half_is_derived_when_only_the_private_key_is_set(pair):
    private, public = pair
    assert keys.load_key_pair(private, "").jwks() == {"keys": [jwk_of(public)]}


def test_padding_may_be_left_out(pair):
    private, public = pair
    assert keys.load_key_pair(unpadded(private), unpadded(public)).jwks()["keys"][0] == jwk_of(
        public
    )


def test_the_kid_of_the_key_is_kept():
    private, public = keys.generate_key_pair(kid="powersync")
    assert keys.load_key_pair(private, public).kid == "powersync"


def test_no_private_key_is_no_pair():
    assert keys.load_key_pair("", "") is None
    assert keys.load_key_pair(None, None) is None


@pytest.mark.parametrize(
    ("private", "public", "message"),
    [
        ("not base64 at all!", "", "JWT_PRIVATE_KEY is not a base64url-encoded JSON Web Key"),
        (keys.encode_jwk({"kty": "EC"}), "", "JWT_PRIVATE_KEY is not an RSA JSON Web Key"),
        (base64.urlsafe_b64encode(b"[1, 2]").decode(), "", "is not an RSA JSON Web Key"),
    ],
)
def test_a_malformed_key_names_its_setting(private, public, message):
    with pytest.raises(keys.InvalidKey, match=message):
        keys.load_key_pair(private, public)


def test_a_public_key_in_the_private_setting_is_refused(pair):
    with pytest.raises(keys.InvalidKey, match="holds a public key"):
        keys.load_key_pair(pair[1], pair[1])


def test_halves_of_two_pairs_are_refused(pair):
    other = keys.generate_key_pair()
    with pytest.raises(keys.InvalidKey, match="not the public half"):
        keys.load_key_pair(pair[0], other[1])


def test_an_unknown_algorithm_is_refused(pair):
    private_jwk = jwk_of(pair[0])
    private_jwk["alg"] = "HS256"
    with pytest.raises(keys.InvalidKey, match="alg 'HS256'"):
        keys.load_key_pair(keys.encode_jwk(private_jwk), "")


def test_no_configured_pair_is_the_sentence_of_the_503():
    with pytest.raises(keys.KeysMissing, match="set JWT_PRIVATE_KEY and JWT_PUBLIC_KEY"):
        keys.keys_of({})
