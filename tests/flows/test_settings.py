import os
import stat

import pytest

from giamngheo.errors import ConfigurationError
from giamngheo.flows.settings import Settings, secure_home


def test_the_home_folder_is_created_owner_only(tmp_path):
    home = tmp_path / "home"
    secure_home(home)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    (home / "f").write_text("x")
    assert stat.S_IMODE((home / "f").stat().st_mode) == 0o600


def test_a_world_writable_home_is_refused(tmp_path):
    home = tmp_path / "open"
    home.mkdir()
    os.chmod(home, 0o777)
    with pytest.raises(ConfigurationError, match="world-writable"):
        secure_home(home)


def test_settings_from_the_environment_and_their_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("GIAMNGHEO_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("GIAMNGHEO_MAX_ROWS", "500")
    settings = Settings.load()
    assert settings.home == tmp_path / "h" and settings.reader_limits.max_rows == 500
    assert Settings.from_parameters(settings.to_parameters()) == settings
    monkeypatch.setenv("GIAMNGHEO_MAX_WORKERS", "zero")
    with pytest.raises(ConfigurationError, match="GIAMNGHEO_"):
        Settings.load()
    monkeypatch.setenv("GIAMNGHEO_MAX_WORKERS", "0")
    with pytest.raises(ConfigurationError):
        Settings.load()


@pytest.mark.parametrize("value", ["-1", "soon"])
def test_a_read_timeout_that_is_not_a_duration_is_refused(tmp_path, monkeypatch, value):
    monkeypatch.setenv("GIAMNGHEO_READ_TIMEOUT", value)
    with pytest.raises(ConfigurationError, match="GIAMNGHEO_"):
        Settings.load(tmp_path / "h")
    monkeypatch.setenv("GIAMNGHEO_READ_TIMEOUT", "2.5")
    assert Settings.load(tmp_path / "h").read_timeout == 2.5
