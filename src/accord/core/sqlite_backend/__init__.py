"""Accord's SQLite engine (`base`) and what goes with a database file: the writer queue's
lock file, background WAL checkpoints (`checkpoints`). Locks across processes (early warning's
queue worker) are in `core.locks`, with `database_file`."""
