"""The inbox: ``data/inbox/<sender>/<dataset>/<file>``, and the archive every processed file moves to.

A file leaves the inbox only by being archived next to its ledger id
(``data/archive/<sender>/<dataset>/<yyyy-mm-dd>/<batch_id>__<file>``), after its ledger row is committed, so
nothing is lost: a crash before the move leaves the file in the inbox, and the rerun either loads it or
records it as a duplicate of the load that did commit.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from muara import settings

#: files an upload is still writing, or editors' and systems' leftovers
IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", "~")


def inbox_dir() -> Path:
    return settings.data_dir() / "inbox"


def archive_dir() -> Path:
    return settings.data_dir() / "archive"


@dataclass(frozen=True)
class Pending:
    path: str
    sender: str
    dataset: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def pending(datasets: tuple[str, ...] | list[str], root: Path | None = None) -> list[Pending]:
    """Files waiting in the inbox for a known dataset, oldest first (what the officer sent first loads first)."""
    root = root or inbox_dir()
    found: list[tuple[float, Pending]] = []
    if not root.is_dir():
        return []

    # a symlink is never followed: it could point the ingest at any file the service may read
    def real_dirs(parent: Path) -> list[Path]:
        return sorted(p for p in parent.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))

    for sender_dir in real_dirs(root):
        for dataset_dir in (p for p in real_dirs(sender_dir) if p.name in datasets):
            for f in sorted(dataset_dir.iterdir()):
                if f.is_symlink() or not f.is_file():
                    continue
                if not f.name.startswith(".") and not f.name.endswith(IGNORED_SUFFIXES):
                    found.append((f.stat().st_mtime, Pending(str(f), sender_dir.name, dataset_dir.name)))
    return [p for _, p in sorted(found, key=lambda t: (t[0], t[1].path))]


Signature = tuple[int, int]  # size, mtime in ns


def snapshot() -> dict[str, Signature]:
    """Every pending inbox file (of a known dataset) with its size and modification time."""
    from muara.contract.datasets import DATASETS

    out = {}
    for p in pending(DATASETS):
        try:
            st = os.stat(p.path)
        except FileNotFoundError:  # archived between the listing and now
            continue
        out[p.path] = (st.st_size, st.st_mtime_ns)
    return out


async def arrivals(poll_seconds: float = 2.0) -> AsyncIterator[dict[str, int]]:
    """Watch the inbox for ever: every ``poll_seconds`` list it (in a thread), and yield once for the files not yet
    announced that kept the same size and modification time over one poll (a file still being copied waits), with
    counts only (file names are the officers' text). The ingest DAG's ``InboxTrigger`` runs this in the triggerer.
    """
    fired: dict[str, Signature] = {}
    previous: dict[str, Signature] = {}
    while True:
        current = await asyncio.to_thread(snapshot)
        settled = {path: sig for path, sig in current.items() if previous.get(path) == sig}
        new = sorted(path for path, sig in settled.items() if fired.get(path) != sig)
        if new:
            fired.update({path: settled[path] for path in new})
            yield {"berkas_baru": len(new), "menunggu": len(current)}
        fired = {path: sig for path, sig in fired.items() if path in current}  # forget what left the inbox
        previous = current
        await asyncio.sleep(poll_seconds)


def archive_target(
    path: Path, sender: str, dataset: str, batch_id: uuid.UUID, when: datetime | None = None, root: Path | None = None
) -> Path:
    """Where :func:`archive` moves a processed file: known before the move, so the ledger can record it in the
    file's own transaction."""
    when = when or datetime.now(settings.city().tz)
    return (root or archive_dir()) / sender / dataset / f"{when:%Y-%m-%d}" / f"{batch_id}__{path.name}"


def archive(
    path: Path,
    sender: str,
    dataset: str,
    batch_id: uuid.UUID,
    when: datetime | None = None,
    root: Path | None = None,
    target: Path | None = None,
) -> Path:
    """Move a processed file next to its ledger id (to ``target`` when the caller planned it with
    :func:`archive_target`); atomic on one filesystem, copy-then-delete across two."""
    base = root or archive_dir()
    target = target or archive_target(path, sender, dataset, batch_id, when, base)
    # originals hold personal data in clear: the archive is for the service's own user only
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    base.chmod(0o700)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.replace(path, target)
    except OSError:
        shutil.copy2(path, target)
        path.unlink()
    return target
