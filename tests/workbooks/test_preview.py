import pytest

from giamngheo.errors import ConfigurationError
from giamngheo.workbooks import preview


def test_without_libreoffice_the_preview_says_what_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(preview.shutil, "which", lambda name: None)
    with pytest.raises(ConfigurationError, match="LibreOffice"):
        preview.render_pdf(tmp_path / "a.xlsx", tmp_path)
    book = tmp_path / "a.xlsx"
    book.write_bytes(b"PK")
    assert preview.main([str(tmp_path / "out"), str(book)]) == 2
    assert "soffice not found" in capsys.readouterr().err


def test_the_preview_needs_an_output_folder_and_a_workbook(capsys):
    assert preview.main(["out"]) == 2
    assert "usage" in capsys.readouterr().err
