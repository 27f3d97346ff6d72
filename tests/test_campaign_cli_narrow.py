"""`relais campaign check` in an 80-column terminal, in French and Bambara: each problem
names its post by id and its line in the organiser's language, and no word is cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.campaign import campaign_app
from tests.campaign_files import document, french, write_campaign

runner = CliRunner()


@pytest.mark.parametrize(
    ("lang", "line", "unknown_phase"),
    [("fr", "ligne", "phase inconnue « agir »"), ("bm", "sira", "agir")],
)
def test_problems_read_well_in_80_columns(
    tmp_path: Path, lang: str, line: str, unknown_phase: str
) -> None:
    data = document()
    data["posts"][1]["phase"] = "agir"
    del data["posts"][2]["text"]["bm"]
    folder = write_campaign(tmp_path / "c", data)
    result = runner.invoke(
        campaign_app, ["check", str(folder), "--lang", lang], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 1
    output = result.output
    assert max(len(row.rstrip()) for row in output.splitlines()) <= 80
    assert f"campaign.yaml {line} " in output
    assert "posts[j02].phase" in output
    assert "posts[j03].text.bm" in output
    assert french(unknown_phase) in output
    assert "line " not in output
    assert "┃" not in output  # blocks, not a table squeezed into 80 columns
