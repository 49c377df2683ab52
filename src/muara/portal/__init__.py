"""Pintu Data: the officers' web door (login, Beranda, Unggah, Riwayat, Templat) and the push API for their
systems. A file that comes in here goes into the same inbox as an SFTP drop and is taken by the same ``ingest``
DAG (its inbox watcher starts a run within seconds); the portal only adds who sent it, the check before sending,
and the answer to the officer's own screen."""
