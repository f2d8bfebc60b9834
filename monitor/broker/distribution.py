"""The Apache Kafka jars the embedded broker runs from, resolved with Maven.

``KAFKA_VERSION`` is pinned to 4.0.0: faust-streaming 0.15.3 with aiokafka
0.14.0 (our pins) was run by Faust's maintainers against Apache Kafka 4.0 in
KRaft mode (faust-streaming/faust issue 655), and 4.0 is KRaft-only, so the
embedded broker is the same kind of cluster users run in production.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path

from monitor.errors import BrokerError

KAFKA_VERSION = "4.0.0"
SCALA_VERSION = "2.13"
_POM = "kafka-pom.xml"
_MARKER = ".complete"


def default_cache_dir() -> Path:
    """``$NEWSMON_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsmon``, else ``~/.cache/newsmon``."""
    if env := os.environ.get("NEWSMON_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsmon"


def lib_dir(cache_dir: Path) -> Path:
    """Where the broker's classpath lives for the pinned version."""
    return cache_dir / f"kafka_{SCALA_VERSION}-{KAFKA_VERSION}" / "lib"


def is_installed(cache_dir: Path) -> bool:
    """True when the jars were resolved completely before."""
    return (lib_dir(cache_dir) / _MARKER).exists()


def install(cache_dir: Path, *, quiet: bool = True) -> Path:
    """Resolve the Kafka broker and its runtime dependencies into the cache.

    Idempotent: a complete earlier resolution is reused. Raises
    :class:`BrokerError` when Maven is missing or resolution fails.
    """
    target = lib_dir(cache_dir)
    if is_installed(cache_dir):
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise BrokerError("Maven ('mvn') is not on PATH: it is needed once to fetch the Kafka jars")
    target.mkdir(parents=True, exist_ok=True)
    pom = resources.files("monitor.broker").joinpath(_POM)
    with resources.as_file(pom) as pom_path:
        cmd = [
            mvn,
            "-B",
            *(["-q"] if quiet else []),
            "-f",
            str(pom_path),
            f"-Dkafka.version={KAFKA_VERSION}",
            "dependency:copy-dependencies",
            f"-DoutputDirectory={target}",
            "-DincludeScope=runtime",
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise BrokerError(f"Maven could not resolve Apache Kafka {KAFKA_VERSION}:\n{tail}")
    if not any(target.glob(f"kafka_{SCALA_VERSION}-{KAFKA_VERSION}.jar")):
        raise BrokerError(
            f"Maven finished but kafka_{SCALA_VERSION}-{KAFKA_VERSION}.jar is missing in {target}"
        )
    (target / _MARKER).write_text(KAFKA_VERSION + "\n", encoding="utf-8")
    return target
