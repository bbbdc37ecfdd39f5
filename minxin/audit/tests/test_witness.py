"""The outside witness's database table is made once per process, not at every call."""

import sqlite3

from minxin.audit import witness


def test_the_witness_table_is_made_once_per_process(settings, tmp_path, monkeypatch):
    settings.AUDIT_WITNESS = f"db:sqlite:///{tmp_path / 'witness.sqlite3'}"
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):  # type: ignore[no-untyped-def]
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    assert witness.read() == []
    assert witness.read() == []
    creates = [s for s in statements if s.startswith("CREATE TABLE")]
    assert len(creates) == 1
    assert sum(s.startswith("SELECT") for s in statements) == 2
