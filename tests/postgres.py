"""A real PostgreSQL server for the test session (Debian's binaries), on a private port and directory."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


class PostgresServer:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="dossier-pg-"))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.proc = None

    def start(self) -> str:
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        subprocess.run(self.as_user + [find_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "dossier",
                                       "-E", "UTF8", "--no-locale"], check=True, capture_output=True)
        self.proc = subprocess.Popen(self.as_user + [find_bin("postgres"), "-D", str(data), "-p", str(self.port),
                                                     "-k", str(self.dir), "-c", "listen_addresses=127.0.0.1",
                                                     "-c", "fsync=off"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            time.sleep(0.1)
        time.sleep(0.5)
        subprocess.run(self.as_user + [find_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "dossier",
                                       "dossier"], check=True, capture_output=True)
        return f"postgresql+psycopg://dossier@127.0.0.1:{self.port}/dossier"

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)
