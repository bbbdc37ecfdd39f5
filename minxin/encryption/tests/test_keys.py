"""Keys come from the environment or a key file; generated development keys fail the
deploy check."""

from __future__ import annotations

import pytest
from django.core import checks

from minxin.encryption import keys
from minxin.encryption.crypto import decrypt, encrypt, key_id_of

K1, K2 = "11" * 16, "22" * 16


def test_the_generated_development_keys_are_an_error_for_the_deploy_check():
    assert keys.data_keys().current_id == "dev"
    assert "MINXIN_DATA_KEYS" in keys.development_keys_in_use()
    errors = [
        m for m in checks.run_checks(include_deployment_checks=True) if m.id == "privacy.E001"
    ]
    assert errors
    assert errors[0].level == checks.ERROR


def test_without_keys_nothing_is_derived(monkeypatch):
    monkeypatch.delenv("MINXIN_DATA_KEYS", raising=False)
    monkeypatch.delenv("MINXIN_INDEX_KEY", raising=False)
    with pytest.raises(keys.KeyConfigError, match="MINXIN_DATA_KEYS"):
        keys.data_keys()
    with pytest.raises(keys.KeyConfigError, match="MINXIN_INDEX_KEY"):
        keys.index_key()


def test_the_first_configured_key_is_current_and_older_ones_still_decrypt(monkeypatch):
    monkeypatch.setenv("MINXIN_DATA_KEYS", f"k1:{K1}")
    old = encrypt("13800001111")
    monkeypatch.setenv("MINXIN_DATA_KEYS", f"k2:{K2},k1:{K1}")
    new = encrypt("13800001111")
    assert (key_id_of(old), key_id_of(new)) == ("k1", "k2")
    assert decrypt(old) == decrypt(new) == "13800001111"
    monkeypatch.setenv("MINXIN_DATA_KEYS", f"k2:{K2}")
    with pytest.raises(keys.KeyConfigError, match="k1"):
        decrypt(old)


def test_keys_can_come_from_a_file(monkeypatch, tmp_path):
    path = tmp_path / "data-keys"
    path.write_text(f"k9:{K2}\nk1:{K1}\n")
    monkeypatch.setenv("MINXIN_DATA_KEYS_FILE", str(path))
    monkeypatch.setenv("MINXIN_INDEX_KEY", "33" * 32)
    assert keys.data_keys().current_id == "k9"
    assert {"MINXIN_DATA_KEYS", "MINXIN_INDEX_KEY"}.isdisjoint(keys.development_keys_in_use())


@pytest.mark.parametrize("config", ["k1:abcd", "k1", f"bad id:{K1}", f"k1:{K1},k1:{K2}"])
def test_a_malformed_key_list_is_refused(monkeypatch, config):
    monkeypatch.setenv("MINXIN_DATA_KEYS", config)
    with pytest.raises(keys.KeyConfigError):
        keys.data_keys()
