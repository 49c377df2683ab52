"""Warga melapor: citizens' reports from Open311 GeoReport v2 clients (``open311``) and the ``/lapor`` form, taken
in by one function (``intake.submit``) that routes them to an OPD and drops them into that OPD's inbox, so they go
through the same contract checks, ledger and quarantine as any export."""
