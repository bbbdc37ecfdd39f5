#!/usr/bin/env python3
"""The two commands of the README's quick start.

    python3 dev.py demo   set up, load the demo city, serve http://127.0.0.1:8000
    python3 dev.py test   set up, lint, run the whole test suite on SQLite and on PostgreSQL

Only Python 3.11 and the package registries are needed: everything else is installed
into ./.venv by this script.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"


def run(*args: str, env: dict | None = None) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, cwd=ROOT, env={**os.environ, **(env or {})})


def setup(extras: str) -> None:
    if not PY.exists():
        run(sys.executable, "-m", "venv", str(VENV))
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(str(PY), "-m", "pip", "install", "-q", "-e", target)
    stamp.write_text(digest)


def minxin(*args: str, env: dict | None = None) -> None:
    run(str(PY), "-m", "minxin", *args, env=env)


# The demo runs as production does (no DEBUG: Chinese error pages, no tracebacks, static
# files from WhiteNoise) with its own switch, which allows the install's development keys
# and the demo's SMS inbox (minxin/settings.py, docs/security.md).
DEMO_ENV = {"MINXIN_DEMO": "1", "DEBUG": "0"}


def demo() -> None:
    setup("")
    env = DEMO_ENV
    minxin("migrate", "--noinput", "-v0", env=env)
    minxin("seed_demo", env=env)
    load_shared_data(env)
    print("\n民心 Minxin demo is starting at http://127.0.0.1:8000/")
    print("  citizen portal   http://127.0.0.1:8000/")
    print("  staff workbench  http://127.0.0.1:8000/staff/   (accounts above)")
    print("  API docs         http://127.0.0.1:8000/api/v1/docs")
    print("  admin            http://127.0.0.1:8000/admin/   (user admin)")
    print("  demo SMS inbox   http://127.0.0.1:8000/demo/sms/\n", flush=True)
    # The worker delivers messages and runs the deadline sweep every minute.
    worker = subprocess.Popen(
        [str(PY), "-m", "minxin", "run_huey", "--quiet"], cwd=ROOT, env={**os.environ, **env}
    )
    try:
        minxin("runserver", "127.0.0.1:8000", "--noreload", env=env)
    finally:
        worker.terminate()


def load_shared_data(env: dict) -> None:
    """With the real messages at hand, train the classifier and load the public case
    library once, so suggestions and similar cases work in the demo."""
    folder = shared_data().get("MINXIN_SHARED_DATA") or os.environ.get("MINXIN_SHARED_DATA")
    stamp = ROOT / "var" / ".shared-data-loaded"
    if not folder or stamp.exists():
        return
    data = Path(folder)
    minxin(
        "nlp-train",
        "--train",
        str(data / "complaints-train-segmented.csv"),
        "--train",
        str(data / "complaints-sample-raw.csv"),
        "--activate",
        env=env,
    )
    minxin("similar-import", "--replies", str(data / "messages-with-replies.csv"), env=env)
    stamp.write_text("ok")


def postgres_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), 2):
            return True
    except OSError:
        return False


def ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium; Playwright's own browser download is not used."""
    if Path("/usr/bin/chromium").exists():
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        run("apt-get", "update", "-q")
        run("apt-get", "install", "-y", "-q", "chromium", "fonts-noto-cjk")
    else:
        print("Chromium not found and cannot be installed here: browser tests will be skipped.")


def shared_data() -> dict[str, str]:
    """Where the real citizen messages are (read in place, never copied into the repo)."""
    if os.environ.get("MINXIN_SHARED_DATA"):
        return {}
    for candidate in (ROOT.parent / "shared" / "data", Path("/work/shared/data")):
        if candidate.is_dir():
            return {"MINXIN_SHARED_DATA": str(candidate)}
    print("Shared data not found: tests on the real messages will be skipped.")
    return {}


def lint() -> None:
    """Fail before the tests on a lint or layout finding (configured in pyproject.toml)."""
    ruff = str(VENV / "bin" / "ruff")
    run(ruff, "check", ".")
    run(ruff, "format", "--check", ".")
    # Settings need keys outside DEBUG; the type check only imports them.
    run(str(VENV / "bin" / "mypy"), env={"DEBUG": "1"})


def test(pytest_args: list[str]) -> None:
    setup("test")
    lint()
    ensure_chromium()
    os.environ.update(shared_data())
    base = [str(PY), "-m", "pytest", "-q", *pytest_args]
    sqlite_dir = ROOT / "var" / "test-sqlite"
    shutil.rmtree(sqlite_dir, ignore_errors=True)
    print("\n== tests on SQLite ==", flush=True)
    run(*base, env={"DATABASE_URL": f"sqlite:///{sqlite_dir / 'db.sqlite3'}"})
    pg = os.environ.get("MINXIN_TEST_POSTGRES", DEFAULT_PG)
    if not postgres_reachable(pg):
        if os.environ.get("MINXIN_REQUIRE_POSTGRES") == "1":
            sys.exit(f"PostgreSQL at {pg} is not reachable and MINXIN_REQUIRE_POSTGRES=1")
        print(f"\n== PostgreSQL not reachable at {pg}: PostgreSQL run skipped ==")
        return
    print("\n== tests on PostgreSQL ==", flush=True)
    run(*base, env={"DATABASE_URL": pg})


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "demo":
        demo()
    elif command == "test":
        test(sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
