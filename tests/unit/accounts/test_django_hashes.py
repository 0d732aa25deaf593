"""Django's password hash formats (accounts moved in from upstream wger), from known vectors.

Every vector below was made by Django 5.2's own ``make_password`` (its default hashers, each
with a random salt) for the password on its line; the tests check that the right password
matches, that a wrong one, a changed digest or salt and a malformed row do not, and that such
a hash is upgraded to argon2id at the first successful login.
"""

from __future__ import annotations

import pytest

from wger_flask.services.accounts import django_hashes, passwords

LETMEIN = "lètmein"
LONG = "Tr0ub4dour&3-" + "x" * 80  # longer than bcrypt's 72 bytes: bcrypt_sha256 reads it all
VECTORS = [
    (
        LETMEIN,
        "pbkdf2_sha256$1000000$BhgC3eTnPji59C3n80AG4j$e0YBwHEw4wyeujDbUNlYd90eU06iS1MMe33ffcrKZ0M=",
    ),
    (
        LONG,
        "pbkdf2_sha256$1000000$uK9eXCeZYPfc06f8HmCEiK$/cc0rcQVCnMsFQx/JzcxokNMWZ1Aq6Bz+eHJWloLo24=",
    ),
    (LETMEIN, "pbkdf2_sha1$1000000$tlIKeaEH6Or3tzI9TGajyi$AdzdKaxf8kxCTRkYorCrwdlEw/U="),
    (LONG, "pbkdf2_sha1$1000000$c4TyEIudn1L5giWfOy8DF2$33jsPZmZB1ZvA3MaqkFwxs0teso="),
    (
        LETMEIN,
        "argon2$argon2id$v=19$m=102400,t=2,p=8$Z3ZhZTZuaHZQakFVbENxb2hJU2pEUw"
        "$Gvod1DQWJlNNPevGwnCndFauZNNKvTIK4RoYAv1DzBE",
    ),
    (
        LONG,
        "argon2$argon2id$v=19$m=102400,t=2,p=8$aHlKY1JjY0Vsa055dzBzS1dsRGNqbA"
        "$yX+DsjvB8lf+ergRn1kQ26Eou04NdCkssgW//2HYcTg",
    ),
    (LETMEIN, "bcrypt_sha256$$2b$12$/kn/g1QIkeQuoNrjOPcW1OsG8RgR6TBknofus56ZSvb0UQn0dMOf6"),
    (LONG, "bcrypt_sha256$$2b$12$/aw7EnZbuRmG6ejvKaLOe.3JBhkdkH/oPAsYgJyisGcX9pSfqPTyK"),
    (
        LETMEIN,
        "scrypt$16384$aFTHi2UL32VT5yESt95K2H$8$5$bnO59dBHo/DJ5dA2DYhVVQdaorWt8h9WhNxj3p53bSj"
        "rUcra4/CwcCXM1dBckTMmCprsuYE0QzRJK8xq6674ug==",
    ),
    (
        LONG,
        "scrypt$16384$DCcetrXS6gSNiv8dXtirTM$8$5$wQazaRYyB5aGlpCENJ9pcrMv/gkmtAgtC15QDF33rgH"
        "z1Neq6LTC70Yeg8FWi31aBdBL3J9jbYIBjDEQ5hYGLQ==",
    ),
    (LETMEIN, "bcrypt$$2b$12$xikkHgQ2elp.sXEh3Wb4j.9sBjqGExZFIVyeyAp9YOwr723meISya"),
]
IDS = [f"{encoded.split('$')[0]}-{'long' if pw == LONG else 'short'}" for pw, encoded in VECTORS]


@pytest.mark.parametrize(("password", "encoded"), VECTORS, ids=IDS)
def test_the_right_password_matches_and_a_wrong_one_does_not(password, encoded):
    assert django_hashes.is_django_hash(encoded)
    assert django_hashes.verify(encoded, password)
    assert passwords.verify_password(encoded, password)
    assert not django_hashes.verify(encoded, password + "!")
    assert not django_hashes.verify(encoded, password[:-1])
    assert not passwords.verify_password(encoded, "")


@pytest.mark.parametrize(("password", "encoded"), VECTORS, ids=IDS)
def test_a_changed_salt_or_digest_does_not_match(password, encoded):
    head, _, tail = encoded.rpartition("$")
    flipped = ("A" if tail[0] != "A" else "B") + tail[1:]
    assert not django_hashes.verify(f"{head}${flipped}", password)
    if not encoded.startswith(("argon2", "bcrypt")):
        algorithm, first, salt, rest = encoded.split("$", 3)
        assert not django_hashes.verify(f"{algorithm}${first}${salt}x${rest}", password)


@pytest.mark.parametrize(("password", "encoded"), VECTORS, ids=IDS)
def test_every_django_hash_is_upgraded_at_login(password, encoded):
    assert passwords.needs_rehash(encoded)


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "!",
        "!unusablepassword1234567890abcdef",
        "md5$salt$0123456789abcdef0123456789abcdef",
        "pbkdf2_sha256$notanumber$salt$abc=",
        "pbkdf2_sha256$0$salt$abc=",
        "pbkdf2_sha256$999999999$salt$abc=",  # would stall a worker: refused unread
        "pbkdf2_sha256$1000$salt",
        "scrypt$16384$salt$8$5",
        "scrypt$1073741824$salt$8$1$AAAA",  # a gigabyte-hungry row
        "scrypt$16384$salt$8$5$not base64!",
        "argon2$argon2id$garbage",
        "bcrypt_sha256$$2b$12$short",
        "bcrypt_sha256$nobcrypt",
    ],
)
def test_a_malformed_or_unusable_hash_never_matches_and_never_raises(encoded):
    assert not django_hashes.verify(encoded, "lètmein")
    assert not passwords.verify_password(encoded, "lètmein")


def test_this_projects_own_hash_is_not_taken_for_a_django_one():
    native = passwords._FAST.hash("correct horse")
    assert not django_hashes.is_django_hash(native)
    assert passwords.verify_password(native, "correct horse")
