"""The README is a front door: at most 200 lines, the two commands first, and every link it gives leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

README = ROOT / "README.md"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_readme_is_at_most_200_lines() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines; move detail into docs/"


def test_readme_starts_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    first_block = text.split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands[:2] == ["make demo", "make test"]
    assert text.index("```") < text.index("\n## "), "the commands come before the first section"


def _local_links(path: Path) -> list[str]:
    return [t for t in LINK.findall(path.read_text(encoding="utf-8")) if not re.match(r"[a-z]+:", t)]


def test_every_local_link_in_readme_and_docs_resolves() -> None:
    broken = [
        f"{page.relative_to(ROOT)} -> {target}"
        for page in [README, *sorted((ROOT / "docs").glob("*.md"))]
        for target in _local_links(page)
        if not (page.parent / target).exists()
    ]
    assert not broken, broken


def test_the_officers_guide_is_in_bahasa_indonesia_and_linked() -> None:
    guide = ROOT / "docs" / "panduan-petugas.md"
    text = guide.read_text(encoding="utf-8").lower()
    # words an Indonesian guide cannot do without, and English ones an English guide cannot
    assert all(w in text for w in ("berkas", "kirim", "baris", "ditolak", "perbaikan"))
    assert sum(text.count(f" {w} ") for w in ("the", "and", "file", "row")) < 10
    assert "docs/panduan-petugas.md" in README.read_text(encoding="utf-8")


def test_the_map_of_the_code_names_every_room_of_the_package() -> None:
    text = README.read_text(encoding="utf-8")
    rooms = sorted(p.name for p in (ROOT / "src" / "muara").iterdir() if (p / "__init__.py").exists())
    missing = [r for r in rooms if f"{r}/" not in text]
    assert not missing, f"README's map does not name {missing}"
