"""hello: the example web app that playbooks/deploy_app.yml ships (stdlib http.server).

Its version is the VERSION file next to it (a release is one folder); its port and
greeting come from the environment (/etc/hello/hello.env, written by the playbook);
`greeting` is a library installed in the app's virtualenv with pip.
"""

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from greeting import greet

VERSION = (Path(__file__).resolve().parent / "VERSION").read_text().strip()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/health":
            body = f"ok {VERSION}\n"
        else:
            body = greet(os.environ.get("HELLO_GREETING", "world")) + "\n"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return  # journald gets nothing per request


if __name__ == "__main__":
    port = int(os.environ.get("HELLO_PORT", "8080"))
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
