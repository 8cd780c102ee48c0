"""Synthetic monorepos for the benchmark: N documented services and a change touching K of them.

Every service `services/svc-NNNNN` (every fourth is a queue consumer, `svc-NNNNN-consumer`) has the
eight files a team following gate's rules keeps:

    README.md  runbook.yaml  docs/architecture.mmd  flags/<name>.flagd.json
    deploy/deployment.yaml  deploy/canary.yaml (Flagger)  deploy/alerts.yaml (PrometheusRule)
    deploy/autoscaler.yaml  (a HorizontalPodAutoscaler, or a KEDA ScaledObject on an SQS queue for consumers)

plus one shared flag file, `flags/platform.flagd.json`. The change (branch `change`, checked out as
HEAD; `main` is the base) edits one file in each of K services spread over the repository, in turn
the canary, the autoscaler, the alert rules, the flag file and the runbook; adds a new, fully
documented service; and raises a rollout in the shared flag file: K + 9 files, 19 for K = 10, all
of them valid, so the verdict is a pass with two flag activations (judged at a time inside the
golden window) and every check has work to do.

The repository is written with `git fast-import` (one process, no work tree), so 5000 services
(40 000 files) take seconds. Built repositories are cached under `bench/.cache/` keyed by N, K and
`GENERATOR_VERSION`; bump the version whenever the content changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = 1
DEFAULT_CACHE = Path(__file__).resolve().parent / ".cache"
BASE_BRANCH = "main"
CHANGE_BRANCH = "change"
# 2026-11-30 is a Monday; 11:00 UTC is inside the default golden window, so activations pass.
NOW = "2026-11-30T11:00:00Z"
_EPOCH = 1795942800  # 2026-11-30T09:00:00Z, the time of both commits
_IDENTITY = "Bench Dev <bench@example.invalid>"

# The kinds of edit made to the K touched services, in turn.
EDITS = ("canary", "autoscaler", "alerts", "flag", "runbook")


@dataclass(frozen=True)
class Repo:
    """A built benchmark repository: `path` (HEAD = the change), its refs and the changed paths."""

    path: Path
    services: int
    touched: int
    base: str
    head: str
    changed: tuple[str, ...]

    @property
    def activations(self) -> int:
        """Flag activations gate must find: each flag edit turns one on, and the shared file raises a rollout."""
        edits = len(touched_indices(self.services, self.touched))
        return 1 + sum(1 for i in range(edits) if EDITS[i % len(EDITS)] == "flag")


def service_name(index: int) -> str:
    name = f"svc-{index:05d}"
    return f"{name}-consumer" if index % 4 == 3 else name


def touched_indices(services: int, touched: int) -> list[int]:
    """K services spread evenly over the repository (a real change is not clustered at the start)."""
    if touched > services:
        raise ValueError(f"cannot touch {touched} services in a repository of {services}")
    return sorted({(i * services) // touched + (services // touched) // 2 for i in range(touched)})


# -- file contents ---------------------------------------------------------------------------------

def readme(name: str) -> str:
    team = name.split("-")[1]
    return (
        f"# {name}\n\n{name} handles requests for the storefront. Owned by team-{team}; on call: "
        f"#oncall-{team}.\n\nRun it locally with `make run`. It is deployed through the canary in "
        "`deploy/canary.yaml`; its alerts link `runbook.yaml`.\n"
    )


def runbook(name: str, extra_step: bool = False) -> str:
    text = (
        f"# runbook: {name}-errors\n"
        f"trigger: rate(http_requests_total{{service=\"{name}\",code=~\"5..\"}}[5m]) > 0.01\n"
        "steps:\n"
        "- check: \"Are the pods running?\"\n"
        f"  command: \"kubectl get pods -l app={name} -n production\"\n"
        f"  if_no: \"kubectl rollout restart deployment/{name} -n production\"\n"
        "  if_yes: \"continue\"\n"
        "- check: \"Is the database answering?\"\n"
        f"  command: \"kubectl exec deploy/{name} -n production -- ./healthcheck db\"\n"
        f"  if_no: \"Fail over: kubectl set env deployment/{name} DB_HOST=replica\"\n"
        "  if_yes: \"continue\"\n"
        "- check: \"Error logs\"\n"
        f"  command: \"kubectl logs -l app={name} --tail=100 | grep ERROR\"\n"
        "  action: \"Analyze the error pattern and escalate if unknown\"\n"
    )
    if extra_step:
        text += (
            "- check: \"Did a flag change in the last hour?\"\n"
            f"  command: \"git log --since=1.hour -- services/{name}/flags\"\n"
            f"  if_yes: \"Turn the flag off in services/{name}/flags and redeploy\"\n"
            "  if_no: \"continue\"\n"
        )
    return text


def diagram(name: str) -> str:
    return f"graph TD\n  gateway --> {name}\n  {name} --> {name}-db[(database)]\n  {name} --> events{{{{events}}}}\n"


def deployment(name: str, consumer: bool) -> str:
    critical = '    critical: "true"\n' if consumer else ""
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        f"  name: {name}\n  namespace: production\n  labels:\n    app: {name}\n{critical}"
        "spec:\n  replicas: 3\n  selector:\n    matchLabels:\n"
        f"      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n"
        "    spec:\n      containers:\n"
        f"        - name: {name}\n          image: registry.example.com/shop/{name}:1.0.0\n"
        "          ports:\n            - containerPort: 8080\n"
        "          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n"
    )


def canary(name: str, tightened: bool = False) -> str:
    step, top = (5, 30) if tightened else (10, 50)
    return (
        "apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata:\n"
        f"  name: {name}\n  namespace: production\nspec:\n  targetRef:\n"
        f"    apiVersion: apps/v1\n    kind: Deployment\n    name: {name}\n"
        "  progressDeadlineSeconds: 600\n  service:\n    port: 8080\n  analysis:\n"
        f"    interval: 1m\n    threshold: 5\n    maxWeight: {top}\n    stepWeight: {step}\n"
        "    metrics:\n      - name: request-success-rate\n        thresholdRange:\n          min: 99\n"
        "        interval: 1m\n      - name: request-duration\n        thresholdRange:\n          max: 500\n"
        "        interval: 1m\n"
    )


def autoscaler(name: str, consumer: bool, raised: bool = False) -> str:
    top = 30 if raised else 20
    if consumer:
        return (
            "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n"
            f"  name: {name}\n  namespace: production\n  labels:\n    critical: \"true\"\n"
            f"spec:\n  scaleTargetRef:\n    name: {name}\n  minReplicaCount: 2\n  maxReplicaCount: {top}\n"
            "  triggers:\n    - type: aws-sqs-queue\n      metadata:\n"
            f"        queueURL: https://sqs.us-east-1.amazonaws.com/123456789012/{name}\n"
            "        queueLength: \"500\"\n        awsRegion: us-east-1\n"
        )
    return (
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n"
        f"  name: {name}\n  namespace: production\nspec:\n  scaleTargetRef:\n"
        f"    apiVersion: apps/v1\n    kind: Deployment\n    name: {name}\n"
        f"  minReplicas: 2\n  maxReplicas: {top}\n  metrics:\n    - type: Resource\n      resource:\n"
        "        name: cpu\n        target:\n          type: Utilization\n          averageUtilization: 70\n"
    )


def alerts(name: str, extra_alert: bool = False) -> str:
    text = (
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n"
        f"  name: {name}\n  namespace: production\nspec:\n  groups:\n    - name: {name}\n      rules:\n"
        f"        - record: job:{name.replace('-', '_')}:error_ratio5m\n"
        f"          expr: sum(rate(http_requests_total{{service=\"{name}\",code=~\"5..\"}}[5m]))"
        f" / sum(rate(http_requests_total{{service=\"{name}\"}}[5m]))\n"
        f"        - alert: {name}-errors\n"
        f"          expr: job:{name.replace('-', '_')}:error_ratio5m > 0.01\n"
        "          for: 5m\n          labels:\n            severity: page\n"
        f"          annotations:\n            summary: {name} is failing requests\n"
        "            runbook_url: ../runbook.yaml\n"
        f"        - alert: {name}-down\n"
        f"          expr: sum(kube_deployment_status_replicas_available{{deployment=\"{name}\"}}) == 0\n"
        "          for: 2m\n          labels:\n            severity: page\n"
        f"          annotations:\n            summary: No {name} pod is running\n"
        "            runbook_url: ../runbook.yaml\n"
    )
    if extra_alert:
        text += (
            f"        - alert: {name}-slow\n"
            f"          expr: histogram_quantile(0.99, rate(http_request_duration_seconds_bucket"
            f"{{service=\"{name}\"}}[5m])) > 0.5\n"
            "          for: 10m\n          labels:\n            severity: ticket\n"
            f"          annotations:\n            summary: {name} is slow\n"
            f"            runbook_url: https://github.com/acme/shop/blob/main/services/{name}/runbook.yaml\n"
        )
    return text


def flags(name: str, enabled: bool = False) -> str:
    state = "ENABLED" if enabled else "DISABLED"
    return (
        '{\n  "$schema": "https://flagd.dev/schema/v0/flags.json",\n  "flags": {\n'
        f'    "{name}-new-path": {{\n      "state": "{state}",\n'
        '      "variants": { "on": true, "off": false },\n      "defaultVariant": "on"\n    },\n'
        f'    "{name}-kill-switch": {{\n      "state": "ENABLED",\n'
        '      "variants": { "on": true, "off": false },\n      "defaultVariant": "off"\n    }\n  }\n}\n'
    )


def platform_flags(rollout: int) -> str:
    return (
        '{\n  "$schema": "https://flagd.dev/schema/v0/flags.json",\n  "flags": {\n'
        '    "dark-mode": {\n      "state": "ENABLED",\n'
        '      "variants": { "on": true, "off": false },\n      "defaultVariant": "off",\n'
        f'      "targeting": {{ "fractional": [["on", {rollout}], ["off", {100 - rollout}]] }}\n'
        "    }\n  }\n}\n"
    )


def service_files(index: int) -> dict[str, str]:
    name = service_name(index)
    consumer = name.endswith("-consumer")
    root = f"services/{name}"
    return {
        f"{root}/README.md": readme(name),
        f"{root}/runbook.yaml": runbook(name),
        f"{root}/docs/architecture.mmd": diagram(name),
        f"{root}/deploy/deployment.yaml": deployment(name, consumer),
        f"{root}/deploy/canary.yaml": canary(name),
        f"{root}/deploy/autoscaler.yaml": autoscaler(name, consumer),
        f"{root}/deploy/alerts.yaml": alerts(name),
        f"{root}/flags/{name}.flagd.json": flags(name),
    }


def edit(index: int, kind: str) -> tuple[str, str]:
    """The one file the change edits in a touched service: (path, new content)."""
    name = service_name(index)
    consumer = name.endswith("-consumer")
    root = f"services/{name}"
    if kind == "canary":
        return f"{root}/deploy/canary.yaml", canary(name, tightened=True)
    if kind == "autoscaler":
        return f"{root}/deploy/autoscaler.yaml", autoscaler(name, consumer, raised=True)
    if kind == "alerts":
        return f"{root}/deploy/alerts.yaml", alerts(name, extra_alert=True)
    if kind == "flag":
        return f"{root}/flags/{name}.flagd.json", flags(name, enabled=True)
    return f"{root}/runbook.yaml", runbook(name, extra_step=True)


def change_files(services: int, touched: int) -> dict[str, str]:
    files = dict(edit(index, EDITS[i % len(EDITS)]) for i, index in enumerate(touched_indices(services, touched)))
    files.update(service_files(services))  # the new service takes the next index
    files["flags/platform.flagd.json"] = platform_flags(rollout=25)
    return files


# -- building --------------------------------------------------------------------------------------

def _blob_and_path(path: str, content: str) -> Iterator[bytes]:
    data = content.encode()
    yield f"M 100644 inline {path}\ndata {len(data)}\n".encode()
    yield data
    yield b"\n"


def _commit(branch: str, message: str, files: dict[str, str], parent: str | None) -> Iterator[bytes]:
    text = message.encode()
    yield f"commit refs/heads/{branch}\n".encode()
    yield f"author {_IDENTITY} {_EPOCH} +0000\ncommitter {_IDENTITY} {_EPOCH} +0000\n".encode()
    yield f"data {len(text)}\n".encode() + text + b"\n"
    if parent is not None:
        yield f"from {parent}\n".encode()
    for path in sorted(files):
        yield from _blob_and_path(path, files[path])
    yield b"\n"


def fast_import_stream(services: int, touched: int) -> Iterator[bytes]:
    base: dict[str, str] = {"flags/platform.flagd.json": platform_flags(rollout=10)}
    for index in range(services):
        base.update(service_files(index))
    yield from _commit(BASE_BRANCH, f"{services} services\n", base, None)
    change = change_files(services, touched)
    message = f"Tune {touched} services and add {service_name(services)}\n"
    yield from _commit(CHANGE_BRANCH, message, change, f"refs/heads/{BASE_BRANCH}")
    yield b"done\n"


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    env = {**os.environ, "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    result = subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True, env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout.decode().strip()


def build(target: Path, services: int, touched: int) -> Repo:
    """Write the repository at `target` (which must not exist)."""
    target.mkdir(parents=True)
    _git(target, "init", "-q", "-b", BASE_BRANCH)
    process = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"], cwd=target, stdin=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None and process.stderr is not None
    for chunk in fast_import_stream(services, touched):
        process.stdin.write(chunk)
    process.stdin.close()
    errors = process.stderr.read()
    if process.wait() != 0:
        raise RuntimeError(f"git fast-import failed: {errors.decode(errors='replace').strip()}")
    # HEAD is the change, as in a pull request's checkout. The work tree stays empty: gate reads
    # only git's objects, and checking out 40 000 files would only cost disk.
    _git(target, "symbolic-ref", "HEAD", f"refs/heads/{CHANGE_BRANCH}")
    # One pack with its index, as a clone has.
    _git(target, "repack", "-a", "-d", "-q")
    return describe(target, services, touched)


def describe(path: Path, services: int, touched: int) -> Repo:
    base = _git(path, "rev-parse", f"refs/heads/{BASE_BRANCH}")
    head = _git(path, "rev-parse", f"refs/heads/{CHANGE_BRANCH}")
    changed = _git(path, "diff-tree", "-r", "--name-only", "--no-commit-id", base, head).splitlines()
    return Repo(path=path, services=services, touched=touched, base=base, head=head, changed=tuple(changed))


def cached(services: int, touched: int, cache: Path = DEFAULT_CACHE) -> Repo:
    """The repository for (N, K), built once per generator version and reused afterwards."""
    cache = cache.resolve()
    target = cache / f"n{services}-k{touched}-v{GENERATOR_VERSION}"
    if (target / ".git" / "refs" / "heads" / CHANGE_BRANCH).exists() or _has_packed_change(target):
        return describe(target, services, touched)
    cache.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename, so an interrupted build never looks finished.
    staging = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=cache))
    try:
        build(staging / "repo", services, touched)
        if target.exists():
            shutil.rmtree(target)
        (staging / "repo").rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return describe(target, services, touched)


def _has_packed_change(target: Path) -> bool:
    packed = target / ".git" / "packed-refs"
    return packed.exists() and f"refs/heads/{CHANGE_BRANCH}" in packed.read_text()
