"""The typed settings: defaults, file round trip, and a broken file that must not lock anyone out."""
from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from workstation.settings import SCHEMA_VERSION, Settings, SettingsError, load_settings


def test_every_setting_is_documented_and_typed() -> None:
    for f in fields(Settings):
        assert f.metadata["doc"].strip(), f.name
        assert isinstance(f.metadata["kind"], type), f.name


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "absent.json")
    assert loaded.settings == Settings()
    assert loaded.problems == ()


def test_round_trip(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    original = Settings(
        platform_url="https://pacs.example.fr:9443/", ca_file=ca, idle_lock_minutes=5,
        worklist_refresh_seconds=20, request_timeout_seconds=7.5, cache_dir=tmp_path / "cache",
    )
    path = original.save(tmp_path / "conf" / "settings.json")
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == SCHEMA_VERSION
    loaded = load_settings(path)
    assert loaded.settings == original and loaded.problems == ()
    assert loaded.settings.base_url == "https://pacs.example.fr:9443"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8443", "127.0.0.1:8443", "https://", "ftp://host"]
)
def test_platform_must_be_https(url: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings(platform_url=url)
    assert "https://" in caught.value.user_message


def test_overrides_coerce_command_line_text(tmp_path: Path) -> None:
    s = Settings().with_overrides(
        platform_url="https://10.0.0.2:8443", ca_file=str(tmp_path / "ca.pem"), idle_lock_minutes="3",
        cache_dir=None,
    )
    assert s.platform_url == "https://10.0.0.2:8443"
    assert s.ca_file == tmp_path / "ca.pem"
    assert s.idle_lock_minutes == 3
    assert s.cache_dir == Settings().cache_dir
    assert s.with_overrides(ca_file="").ca_file is None


def test_bad_values_in_the_file_fall_back_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({
            "version": SCHEMA_VERSION,
            "platform_url": "http://insecure.example",
            "idle_lock_minutes": "dix",
            "worklist_refresh_seconds": 1,
            "request_timeout_seconds": 20,
            "colour": "pink",
        }),
        encoding="utf-8",
    )
    loaded = load_settings(path)
    assert loaded.settings == Settings(request_timeout_seconds=20.0)
    assert len(loaded.problems) == 4
    assert all(p.endswith("Valeur par défaut utilisée.") for p in loaded.problems)
    assert any("« colour »" in p for p in loaded.problems)


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", "\udcff"])
def test_unreadable_file_means_defaults_and_a_french_problem(tmp_path: Path, content: str) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert len(loaded.problems) == 1 and "valeurs par défaut utilisées" in loaded.problems[0]


def test_missing_ca_file_is_reported_in_french(tmp_path: Path) -> None:
    Settings().check_ca_file()  # no CA configured: the system's authorities
    with pytest.raises(SettingsError, match="CA file not found") as caught:
        Settings(ca_file=tmp_path / "absent.pem").check_ca_file()
    assert "introuvable" in caught.value.user_message
