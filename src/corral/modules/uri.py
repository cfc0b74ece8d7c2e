"""uri: talk to a web service from the host: health checks (with until), API calls.

A request is not a change (``changed`` stays false) unless ``dest`` is written; check
mode skips the task, as in Ansible. A status outside ``status_code`` fails the task with
the status, the reason and the parsed body in the result.
"""

import glob
import json
import os
import urllib.parse

from corral.modules._api import Arg, ArgumentError, Change, ModuleError, Plan, Skip
from corral.modules._fileattrs import wanted_attrs
from corral.modules._filecontent import install
from corral.modules._http import COMMON_ARGS, FOLLOW, header_facts, request

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional  # noqa: F401

DOC = "Make an HTTP request from the host and check its status: health checks, API calls."
REQUIRES = ("_fileattrs", "_filecontent", "_http")
MAX_CONTENT = 64 * 1024 * 1024

ARGS = dict(COMMON_ARGS)
ARGS.update({
    "method": Arg(str, default="GET", doc="GET, POST, PUT, DELETE, PATCH, HEAD…"),
    "body": Arg("raw", doc="The request body; a mapping or list with body_format json or "
                           "form-urlencoded."),
    "body_format": Arg(str, default="raw", choices=("raw", "json", "form-urlencoded"),
                       doc="How body is sent (and the Content-Type set)."),
    "status_code": Arg(list, default=[200], elements=int, doc="Statuses that mean success."),
    "return_content": Arg(bool, default=False, doc="Return the body as content (and json)."),
    "dest": Arg("path", doc="Save the response body in this file."),
    "creates": Arg("path", doc="Skip the request when this path exists."),
    "removes": Arg("path", doc="Skip the request when this path does not exist."),
    "follow_redirects": Arg(str, default="safe", choices=FOLLOW,
                            doc="safe: only for GET/HEAD; all; none."),
    "timeout": Arg(float, default=30, doc="Seconds the request may take."),
    "mode": Arg("mode", doc="Mode of dest."),
    "owner": Arg(str, doc="User owning dest."),
    "group": Arg(str, doc="Group owning dest."),
})
RETURNS = {
    "status": "The HTTP status.", "url": "The final URL.", "msg": "'OK (N bytes)' or the error.",
    "content": "The body (with return_content).", "json": "The parsed body when it is JSON.",
    "redirected": "Whether a redirect was followed.", "elapsed": "Seconds taken.",
    "content_type": "…and every other response header, lower case with _ for -.",
}


def _body(args):
    # type: (Mapping[str, Any]) -> Any
    body, kind = args["body"], args["body_format"]
    if body is None:
        return None, {}
    if kind == "json":
        text = body if isinstance(body, str) else json.dumps(body)
        return text.encode("utf-8"), {"Content-Type": "application/json"}
    if kind == "form-urlencoded":
        if isinstance(body, str):
            return body.encode("utf-8"), {"Content-Type": "application/x-www-form-urlencoded"}
        pairs = body.items() if isinstance(body, dict) else body
        return (urllib.parse.urlencode(list(pairs)).encode("utf-8"),
                {"Content-Type": "application/x-www-form-urlencoded"})
    if isinstance(body, (dict, list)):
        raise ArgumentError("body is a %s: set body_format to json or form-urlencoded"
                            % type(body).__name__)
    return str(body).encode("utf-8"), {}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if args["creates"] and glob.glob(args["creates"]):
        raise Skip("skipped, since %s exists" % args["creates"])
    if args["removes"] and not glob.glob(args["removes"]):
        raise Skip("skipped, since %s does not exist" % args["removes"])
    if ctx.check:
        raise Skip("uri makes no request in check mode")
    data, headers = _body(args)
    headers = {k: v for k, v in headers.items()
               if k.lower() not in {h.lower() for h in (args["headers"] or {})}}
    reply = request(args, method=args["method"].upper(), data=data, extra_headers=headers,
                    follow=args["follow_redirects"])
    content = reply.body.read(MAX_CONTENT + 1) if reply.body is not None else b""
    if len(content) > MAX_CONTENT:
        raise ModuleError("the response is larger than %d bytes" % MAX_CONTENT)
    return {"reply": reply, "content": content}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    reply, content = current["reply"], current["content"]
    result = dict(header_facts(reply.headers))  # type: Dict[str, Any]
    ok = reply.status < 400
    result.update(status=reply.status, url=reply.url, redirected=reply.url != args["url"],
                  elapsed=int(reply.elapsed),
                  msg=("OK (%s bytes)" % reply.headers.get("content-length", len(content))) if ok
                  else "HTTP Error %d: %s" % (reply.status, reply.reason))
    text = content.decode("utf-8", "replace")
    is_json = "json" in reply.headers.get("content-type", "")
    if args["return_content"]:
        result["content"] = text
    if is_json and (args["return_content"] or reply.status not in args["status_code"]):
        try:
            result["json"] = json.loads(text)
        except ValueError:
            pass
    if reply.status not in args["status_code"]:
        if not args["return_content"] and not ok:
            result["body"] = text
        message = "Status code was %d and not %s: %s" % (reply.status, args["status_code"],
                                                         result.pop("msg"))
        raise ModuleError(message, **result)
    if args["dest"]:
        return Plan([Change("dest", None, args["dest"])], data=result,
                    msg=result["msg"], state={"content": content})
    return Plan(reason=result["msg"], data=result)


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    dest = args["dest"]
    if os.path.isdir(dest):
        dest = os.path.join(dest, os.path.basename(urllib.parse.urlparse(args["url"]).path) or
                            "index.html")
    if os.path.exists(dest):
        with open(dest, "rb") as handle:
            if handle.read() == plan.state["content"]:
                return {"_unchanged": True}
    return install(dest, plan.state["content"], wanted_attrs(args))

