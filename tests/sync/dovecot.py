"""Debian's Dovecot as the IMAP server of the mail tests: a subprocess on a free loopback port,
its own config, passwd-file user and maildir in a temporary folder, stopped by the pid in its
``master.pid``. Plain login on loopback; with ``tls=True`` also IMAPS with a self-signed
certificate the test makes with ``openssl`` (its path is the client's CA file).

Dovecot refuses to run its login processes as root and mail as uid 0, so the folder is
world-traversable and the mail belongs to ``nobody``.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
USER = "ana@example.org"
PASSWORD = "imap-secret-pw"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = {ssl}
{ssl_files}
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:{root}/mail/%n
mail_uid = {uid}
mail_gid = {gid}
mail_privileged_group =
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%n
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
  process_min_avail = 1
}}
service imap {{
  process_limit = 20
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""


def available() -> bool:
    return Path(DOVECOT).exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Dovecot:
    root: Path
    port: int
    tls_port: int
    ca_file: str | None
    user: str = USER
    password: str = PASSWORD
    config: Path = field(init=False)

    def __post_init__(self) -> None:
        self.config = self.root / "dovecot.conf"

    # --- the server ----------------------------------------------------------------------

    def start(self) -> None:
        # the daemon keeps the descriptors it was given: never a pipe (run() would wait on it)
        with open(self.root / "start.log", "ab") as out:
            subprocess.run([DOVECOT, "-c", str(self.config)], check=True,
                           stdin=subprocess.DEVNULL, stdout=out, stderr=out)  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("dovecot did not start in 20 s: " + self.log())

    def pid(self) -> int | None:
        path = self.root / "run" / "master.pid"
        try:
            return int(path.read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self, *, kill: bool = False) -> None:
        """Stop the master (SIGTERM, or SIGKILL: a drop) and its children, by pid."""
        pid = self.pid()
        if pid is None:
            return
        children = _children(pid)
        for target in [pid, *children] if kill else [pid]:
            with suppress(ProcessLookupError):
                os.kill(target, signal.SIGKILL if kill else signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)
        if kill:
            for child in children:
                _wait_gone(child)
            (self.root / "run" / "master.pid").unlink(missing_ok=True)

    def log(self) -> str:
        try:
            return (self.root / "dovecot.log").read_text()[-3000:]
        except OSError:
            return ""

    # --- a client to seed mail -----------------------------------------------------------

    def client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        imap.login(self.user, self.password)
        return imap

    def append(self, folder: str, *messages: str | bytes) -> None:
        imap = self.client()
        try:
            if folder != "INBOX":
                imap.create(folder)  # NO when it exists: fine
            for message in messages:
                data = message.encode() if isinstance(message, str) else message
                typ, answer = imap.append(folder, "", None, data.replace(b"\r\n", b"\n")
                                          .replace(b"\n", b"\r\n"))  # fmt: skip
                assert typ == "OK", answer
        finally:
            imap.logout()

    def recreate(self, folder: str) -> None:
        """Delete and create the folder again: a new UIDVALIDITY, the mail gone."""
        imap = self.client()
        try:
            before = _uidvalidity(imap, folder)
            imap.delete(folder)
            for _ in range(30):
                imap.create(folder)
                if _uidvalidity(imap, folder) != before:
                    return
                imap.delete(folder)
                time.sleep(0.2)
            raise AssertionError("dovecot kept the UIDVALIDITY")
        finally:
            imap.logout()

    def flags(self, folder: str) -> list[bytes]:
        imap = self.client()
        try:
            imap.select(folder, readonly=True)
            _, data = imap.fetch("1:*", "(FLAGS)")
            return [d for d in data if isinstance(d, bytes)]
        finally:
            imap.logout()


def _uidvalidity(imap: imaplib.IMAP4, folder: str) -> bytes | None:
    typ, data = imap.status(folder, "(UIDVALIDITY)")
    return data[0] if typ == "OK" else None


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie of ours is not alive
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.02)


def _self_signed(root: Path) -> tuple[Path, Path]:
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    os.chmod(key, 0o644)
    return cert, key


@contextmanager
def dovecot(*, tls: bool = False) -> Iterator[Dovecot]:
    """A running Dovecot with one user; everything removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="amity-dovecot-"))
    os.chmod(root, 0o755)  # noqa: S103 - dovecot's unprivileged users must reach it
    nobody = pwd.getpwnam("nobody")
    for name in ("run", "state", "mail"):
        (root / name).mkdir()
    os.chown(root / "mail", nobody.pw_uid, nobody.pw_gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    ssl_files, ca = "", None
    if tls:
        cert, key = _self_signed(root)
        ssl_files = f"ssl_cert = <{cert}\nssl_key = <{key}"
        ca = str(cert)
    server = Dovecot(root, free_port(), free_port(), ca)
    server.config.write_text(CONFIG.format(
        root=root, ssl="yes" if tls else "no", ssl_files=ssl_files, uid=nobody.pw_uid,
        gid=nobody.pw_gid, port=server.port, tls_port=server.tls_port if tls else 0))  # fmt: skip
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
