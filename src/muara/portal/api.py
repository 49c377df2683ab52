"""The push API for systems (e-Lapor, SP4N-LAPOR!, a hospital's bed system): a token per sender, the same
inbox and ``ingest`` DAG as everyone else, and the ledger's answer to ask for later. Documented at /api/docs."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from muara.portal import accounts, kiriman
from muara.portal import db as portal_db
from muara.portal.deps import Caller, CallerDep, Conn, client

router = APIRouter(prefix="/api/v1", tags=["kiriman"])
DatasetField = Annotated[str, Form(description="Nama dataset, misalnya aduan")]
FileField = Annotated[UploadFile, File(description="Berkas CSV, XLSX atau JSON")]


class Diterima(BaseModel):
    """The file is in the inbox, where the ingest DAG's watcher takes it within seconds; ask
    ``GET /api/v1/kiriman/{id}``."""

    id: uuid.UUID
    status: Literal["diterima"] = "diterima"


class Status(BaseModel):
    """The ledger's answer once the ingest DAG took the file; ``diterima`` while it waits."""

    id: uuid.UUID
    dataset: str
    file: str
    status: Literal["diterima", "loaded", "partial", "rejected", "duplicate", "failed"]
    #: True when Airflow's scheduler or triggerer (the inbox watcher) was not healthy as the file came: it waits in
    #: the inbox for the watcher's return or the ingest DAG's 15-minute safety net
    antre: bool
    rows_read: int | None
    rows_loaded: int | None
    rows_rejected: int | None
    batch_id: uuid.UUID | None
    report_url: str | None


class Galat(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Galat, "description": "dataset tidak dikenal"},
    401: {"model": Galat, "description": "token tidak ada, salah atau dicabut"},
    403: {"model": Galat, "description": "pengirim token ini tidak terdaftar untuk dataset itu"},
    413: {"model": Galat, "description": "berkas melebihi MUARA_MAX_FILE_MB"},
}


def _dataset_for(caller: Caller, dataset: str) -> None:
    from muara.contract.model import load_all

    known = load_all()
    if dataset not in known:
        raise HTTPException(400, f"Dataset {dataset!r} tidak dikenal. Pilih salah satu: {', '.join(sorted(known))}.")
    if dataset not in accounts.datasets_of(caller.sender):
        raise HTTPException(
            403,
            f"Pengirim {caller.sender} tidak terdaftar sebagai pengirim dataset {dataset!r}. Dataset pengirim ini: "
            f"{', '.join(accounts.datasets_of(caller.sender)) or '-'}.",
        )


@router.post("/kiriman", status_code=202, response_model=Diterima, responses=ERRORS)
async def kirim(
    request: Request,
    dataset: DatasetField,
    file: FileField,
    caller: CallerDep,
    c: Conn,
    background: BackgroundTasks,
) -> Diterima:
    """Send a file: it lands in the inbox at once, where the ingest DAG's watcher takes it within seconds."""
    from muara.portal.trigger import check_and_mark

    _dataset_for(caller, dataset)
    got = await run_in_threadpool(kiriman.receive, file.file, file.filename)
    kiriman.record(c, got, sender=caller.sender, dataset=dataset, via="api", token_id=caller.token_id)
    kiriman.deliver(c, got.id, caller.sender, dataset, got.stored_name)
    background.add_task(check_and_mark, got.id)
    portal_db.audit(
        c,
        "kirim",
        sender=caller.sender,
        client=client(request),
        via="api",
        kiriman=str(got.id),
        dataset=dataset,
        berkas=got.original_name,
        bytes=got.size,
    )
    return Diterima(id=got.id)


@router.get("/kiriman/{kiriman_id}", response_model=Status, responses={404: {"model": Galat}, 401: ERRORS[401]})
def status(kiriman_id: uuid.UUID, caller: CallerDep, c: Conn) -> Status:
    """What became of a file this sender sent; another sender's id answers 404."""
    row = kiriman.one(c, kiriman_id, caller.sender)
    if row is None or row["state"] != "diterima":
        raise HTTPException(404, "Kiriman ini tidak ditemukan untuk pengirim token ini.")
    batch = row["batch_id"]
    return Status(
        id=row["id"],
        dataset=row["dataset"],
        file=row["original_name"],
        status=row["status"] or "diterima",
        antre=row["status"] is None and row["trigger"] == "antre",
        rows_read=row["rows_read"] if row["status"] else None,
        rows_loaded=row["rows_loaded"] if row["status"] else None,
        rows_rejected=row["rows_rejected"] if row["status"] else None,
        batch_id=batch,
        report_url=f"/laporan/{batch}/" if batch and row["report_path"] else None,
    )


@router.post("/periksa", responses=ERRORS)
async def periksa(
    request: Request,
    dataset: DatasetField,
    file: FileField,
    caller: CallerDep,
    c: Conn,
) -> JSONResponse:
    """Check a file without loading it: the ``muara check --json`` answer, plus every rejected row
    (``rejected_rows``: baris, kolom, nilai, aturan, perbaikan) and ``exit_code`` (0, 1, or 2: unusable)."""
    from muara.portal.checking import check

    _dataset_for(caller, dataset)
    got = await run_in_threadpool(kiriman.receive, file.file, file.filename)
    try:
        checked = await run_in_threadpool(check, got, dataset, caller.sender)
    finally:
        kiriman.discard(got.path)
    portal_db.audit(
        c, "periksa", sender=caller.sender, client=client(request), dataset=dataset, berkas=got.original_name
    )
    return JSONResponse({**checked.answer, "exit_code": checked.exit_code})
