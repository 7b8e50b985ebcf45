"""Residents' details are encrypted at rest with keys from the environment, and keys rotate."""

import pytest
from cryptography.fernet import Fernet

from accord import sealing, settings
from accord.settings import SettingsError

DETAILS = {"name": "Ann Persona", "phone": "07700 900123", "note": "Wëlsh speaker"}


def test_sealed_details_show_nothing_of_the_person(make_app):
    with make_app(SEALING_KEYS=Fernet.generate_key().decode()).app_context():
        token = sealing.seal(DETAILS)
        # Secrets with a space: a base64 token cannot hold one by chance, as it could "Ann".
        assert "Ann Persona" not in token and "07700 900123" not in token
        assert sealing.unseal(token) == DETAILS
        assert sealing.seal(DETAILS) != token  # a fresh IV each time: equal details look apart


def test_another_key_cannot_open_them(make_app):
    with make_app(SEALING_KEYS=Fernet.generate_key().decode()).app_context():
        token = sealing.seal(DETAILS)
    other = make_app(SEALING_KEYS=Fernet.generate_key().decode(), SECRET_KEY="another")
    with other.app_context(), pytest.raises(sealing.SealingError):
        sealing.unseal(token)


def test_a_new_key_first_still_opens_old_data_and_reseals_it(make_app):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with make_app(SEALING_KEYS=old).app_context():
        token = sealing.seal(DETAILS)
    with make_app(SEALING_KEYS=f"{new},{old}").app_context():
        assert sealing.unseal(token) == DETAILS
        rotated = sealing.reseal(token)
    with make_app(SEALING_KEYS=new, SECRET_KEY="another").app_context():  # old key dropped
        assert sealing.unseal(rotated) == DETAILS
        with pytest.raises(sealing.SealingError):
            sealing.unseal(token)


def test_blind_index_matches_the_same_person_however_typed(make_app):
    with make_app(SEALING_INDEX_KEY="k" * 40).app_context():
        one = sealing.blind_index("Ann Persona", "07700 900123")
        assert one == sealing.blind_index("  ann  PERSONA", "07700900123")
        assert one != sealing.blind_index("Ann Persona", "07700 900124")
        assert set(one) <= set("0123456789abcdef") and len(one) == 64
    with make_app(SEALING_INDEX_KEY="j" * 40).app_context():
        assert sealing.blind_index("Ann Persona", "07700 900123") != one


def test_keys_must_be_fernet_keys_and_default_to_one_from_the_secret(make_app):
    base = {"APP_ENV": "production", "SECRET_KEY": "s" * 32, "PUBLIC_BASE_URL": "https://a.org"}
    with pytest.raises(SettingsError, match="not a Fernet key"):
        settings.load({**base, "SEALING_KEYS": "not-a-key"})
    with pytest.raises(SettingsError, match="at least 32 characters"):
        settings.load({**base, "SEALING_INDEX_KEY": "short"})
    assert settings.load(base)["SEALING_KEYS"] == ""
    # Data sealed with the key derived from SECRET_KEY still opens once SEALING_KEYS is set.
    with make_app().app_context():
        token = sealing.seal(DETAILS)
    with make_app(SEALING_KEYS=Fernet.generate_key().decode()).app_context():
        assert sealing.unseal(token) == DETAILS
