"""Realistic demo exports for every dataset and every sender, made from the contracts.

The demo, the end-to-end tests and the load tests need inbox files that look like what OPD and kelurahan
officers really send: XLSX saved from Excel with a title row above the header, semicolon CSV in Windows-1252
with dd/mm/yyyy dates and decimal commas, JSON from an app API; headers taken from the contract's aliases;
and a small share of the mistakes officers really make. Everything structural (columns, types, keys, code
lists, allowed values, patterns, ranges, pair rules, senders) comes from ``muara.contract`` and
``muara.contract.reference``, so a new contract gets demo files without code; the per-dataset hooks in ``hooks/`` only
add realism (a complaint's status matches its times, attendance counts add up, beds never exceed capacity).

Output is a pure function of (seed, city, rows, datasets asked): times end at a fixed anchor derived from the
seed, never at ``now()``, and every (dataset, sender) draws from its own stable random stream, so files are
byte-identical between runs and one dataset's files do not change when others are added. Rows are made and
written in chunks with numpy, so 10 million complaints run in bounded memory.

The modules, in the order a file is made: ``plan`` (which files, rows and formats), ``world`` (the city and
the period), ``rows`` (generic values from the contract, then ``hooks``), ``mistakes``, ``formatting`` and
``writers``; ``run`` drives them, in worker processes for large runs. ``seeding``, ``vocabulary``,
``values`` and ``shapes`` are what they share.
"""

from __future__ import annotations

from muara.devtools.demo_data.mistakes import MISTAKE_KINDS
from muara.devtools.demo_data.plan import FORMATS, DemoFile
from muara.devtools.demo_data.run import DEFAULT_ROWS, write_demo_data
from muara.devtools.demo_data.world import anchor_date

__all__ = [
    "DEFAULT_ROWS",
    "FORMATS",
    "MISTAKE_KINDS",
    "DemoFile",
    "anchor_date",
    "write_demo_data",
]
