"""Report on a background job started by a task with ``async`` and ``poll: 0``.

Stdlib only, Python 3.8 syntax. Until the job finishes the result is ok with
``finished: 0``; then it is the job's own result (changed, failed, its data)
with ``finished: 1``, so ``until: job.finished`` waits for it.
"""

import os

from corral.modules._api import Arg, Change, ModuleError, Plan, Skip
from corral.modules._jobs import job_path, read_job

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping  # noqa: F401 (type comments)

REQUIRES = ("_jobs",)
DOC = "Report on a background job started by a task with async and poll: 0 (by its jid)."
ARGS = {
    "jid": Arg(str, required=True, doc="The job id: `ansible_job_id` of the async task's result."),
    "mode": Arg(str, default="status", choices=["status", "cleanup"],
                doc="status: report on the job; cleanup: remove its job file."),
}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    try:
        return read_job(args["jid"])
    except ValueError as exc:
        raise ModuleError(str(exc)) from exc
    except (OSError, IOError) as exc:
        raise ModuleError("could not find job %s" % args["jid"], ansible_job_id=args["jid"],
                          started=True, finished=True) from exc


def plan(ctx, args, job):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    header = {"ansible_job_id": args["jid"], "started": True,
              "finished": bool(job.get("finished")),
              "results_file": job.get("results_file") or job_path(args["jid"])}
    if args["mode"] == "cleanup":
        return Plan(changes=[Change("job file", header["results_file"], None)], data=header,
                    state="cleanup")
    result = job.get("result") if job.get("finished") else None
    if not isinstance(result, dict):
        return Plan(reason="job %s is still running" % args["jid"], data=header)
    data = dict(result.get("data") or {})
    data.update(header)
    status = result.get("status")
    if status == "failed":
        raise ModuleError(str(result.get("msg") or "the job failed"), **data)
    if status == "skipped":
        raise Skip(str(result.get("msg") or "skipped"))
    if status != "changed":
        return Plan(reason=str(result.get("msg") or ""), data=data)
    changes = [Change(str(c.get("what")), c.get("before"), c.get("after"))
               for c in result.get("changes") or () if isinstance(c, dict)]
    return Plan(changes=changes or [Change("job %s" % args["jid"])], diff=result.get("diff"),
                data=data, msg=str(result.get("msg") or ""))


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> None
    if plan.state == "cleanup":
        try:
            os.remove(job_path(args["jid"]))
        except OSError:
            pass
