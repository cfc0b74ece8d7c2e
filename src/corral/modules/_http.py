"""HTTP requests from the managed host for get_url and uri (stdlib urllib only, Python 3.8).

One place builds the request (method, body, headers, basic auth), the TLS context
(``validate_certs``, ``ca_path``), the redirect policy, and the timeout; it returns the
status, headers, and a readable body stream even for HTTP error statuses.
"""

import base64
import ssl
import time
import urllib.error
import urllib.request

from corral.modules._api import Arg, ModuleError

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

COMMON_ARGS = {
    "url": Arg(str, required=True, doc="HTTP, HTTPS or FTP URL."),
    "headers": Arg(dict, default={}, doc="Extra request headers."),
    "url_username": Arg(str, aliases=("username", "user"), doc="User for HTTP basic auth."),
    "url_password": Arg(str, aliases=("password",), no_log=True, doc="Password for HTTP basic auth."),
    "force_basic_auth": Arg(bool, default=False, doc="Send basic auth on the first request "
                                                      "instead of after a 401."),
    "validate_certs": Arg(bool, default=True, doc="Check the server's TLS certificate."),
    "ca_path": Arg("path", doc="A PEM file of CA certificates to trust."),
    "http_agent": Arg(str, default="ansible-httpget", doc="The User-Agent header."),
    "use_proxy": Arg(bool, default=True, doc="Use the *_proxy environment variables."),
    "timeout": Arg(float, default=10, doc="Seconds a request may take."),
}

FOLLOW = ("all", "safe", "none", "urllib2", "yes", "no")
_SAFE_METHODS = ("GET", "HEAD")


class Response(object):
    """What came back: status, lower-cased headers, body stream, final URL."""

    def __init__(self, status, reason, headers, body, url, elapsed):
        # type: (int, str, Dict[str, str], Any, str, float) -> None
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.url = url
        self.elapsed = elapsed


class _Redirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, policy):
        # type: (str) -> None
        self.policy = policy

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if self.policy in ("none", "no"):
            return None
        if self.policy == "safe" and req.get_method() not in _SAFE_METHODS:
            return None
        return urllib.request.HTTPRedirectHandler.redirect_request(
            self, req, fp, code, msg, headers, newurl)


def request(args, method="GET", data=None, extra_headers=None, follow="safe"):
    # type: (Mapping[str, Any], str, Optional[bytes], Optional[Dict[str, str]], str) -> Response
    """One request; an HTTP error status is a Response too, a network failure a ModuleError."""
    headers = {"User-Agent": args["http_agent"]}
    headers.update({str(k): str(v) for k, v in (args["headers"] or {}).items()})
    headers.update(extra_headers or {})
    handlers = [_Redirects(follow), urllib.request.HTTPSHandler(context=_tls(args))]
    if not args["use_proxy"]:
        handlers.append(urllib.request.ProxyHandler({}))
    if args["url_username"] is not None:
        password = args["url_password"] or ""
        if args["force_basic_auth"]:
            token = base64.b64encode(("%s:%s" % (args["url_username"], password)).encode()).decode()
            headers["Authorization"] = "Basic " + token
        else:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, args["url"], args["url_username"], password)
            handlers.append(urllib.request.HTTPBasicAuthHandler(manager))
    opener = urllib.request.build_opener(*handlers)
    req = urllib.request.Request(args["url"], data=data, headers=headers, method=method)
    started = time.time()
    try:
        reply = opener.open(req, timeout=args["timeout"])
    except urllib.error.HTTPError as exc:
        return Response(exc.code, str(exc.reason), _lower(exc.headers), exc, exc.geturl() or
                        args["url"], time.time() - started)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModuleError("Request failed: %s (url: %s)" % (reason, args["url"]),
                          status=-1, url=args["url"]) from exc
    return Response(reply.status, reply.reason, _lower(reply.headers), reply, reply.geturl(),
                    time.time() - started)


def fetch(url, validate_certs=True, timeout=30.0):
    # type: (str, bool, float) -> Response
    """A plain GET with the defaults of COMMON_ARGS (unarchive, rpm_key and deb822 keys)."""
    return request({"url": url, "headers": {}, "url_username": None, "url_password": None,
                    "force_basic_auth": False, "validate_certs": validate_certs, "ca_path": None,
                    "http_agent": "ansible-httpget", "use_proxy": True, "timeout": timeout},
                   follow="all")


def _tls(args):
    # type: (Mapping[str, Any]) -> Any
    if not args["validate_certs"]:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    return ssl.create_default_context(cafile=args["ca_path"])


def _lower(headers):
    # type: (Any) -> Dict[str, str]
    if headers is None:
        return {}
    return {str(k).lower(): str(v) for k, v in headers.items()}


def header_facts(headers):
    # type: (Dict[str, str]) -> Dict[str, str]
    """Response headers as Ansible returns them: lower case, '-' as '_'."""
    return {k.replace("-", "_"): v for k, v in headers.items()}
