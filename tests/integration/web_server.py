"""A small HTTP(S) server on 127.0.0.1 for tests (fleet hosts share the network namespace).

Serves a folder, plus: /json (a JSON document), /echo (echoes a request body as JSON),
/status/NNN, /auth/* (basic auth user:secret). Counts the requests per path.
"""

from __future__ import annotations

import base64
import datetime
import http.server
import ipaddress
import json
import ssl
import threading
from collections import Counter
from pathlib import Path
from typing import Any


class _Handler(http.server.SimpleHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _count(self) -> None:
        self.server.hits[self.path.split("?")[0]] += 1

    def do_GET(self) -> None:
        self._count()
        if self.path == "/json":
            return self._send(200, {"status": "healthy", "version": "1.0"})
        if self.path.startswith("/status/"):
            return self._send(int(self.path.rsplit("/", 1)[1]), {"code": self.path})
        if self.path.startswith("/auth/"):
            wanted = "Basic " + base64.b64encode(b"user:secret").decode()
            if self.headers.get("Authorization") != wanted:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._send(200, {"user": "user"})
        return super().do_GET()

    def do_POST(self) -> None:
        self._count()
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode()
        return self._send(201, {"got": body, "type": self.headers.get("Content-Type")})

    def _send(self, code: int, data: Any) -> None:
        payload = json.dumps(data).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class WebServer:
    """``with WebServer(folder) as web: web.url("/x")``; ``tls=True`` for a self-signed HTTPS."""

    def __init__(self, folder: Path, tls: bool = False) -> None:
        handler = lambda *a, **k: _Handler(*a, directory=str(folder), **k)  # noqa: E731
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.hits = Counter()  # type: ignore[attr-defined]
        self.scheme = "http"
        if tls:
            cert, key = _self_signed(folder.parent)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def hits(self) -> Counter[str]:
        return self.httpd.hits  # type: ignore[attr-defined, no-any-return]

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def __enter__(self) -> WebServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _self_signed(folder: Path) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "web.crt", folder / "web.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)
