"""A private ActiveMQ broker for tests: its own directory, STOMP on 127.0.0.1, started and stopped by the test.

It runs the Debian ``activemq`` package's jar (ActiveMQ 5.17, what FTS sites run) with a generated
configuration, never the system service. Port 0 picks a free port, read back from the broker's log.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from xml.sax.saxutils import quoteattr

__all__ = ["ActiveMQBroker", "BrokerNotInstalled", "find_activemq"]

DEBIAN_JAR = Path("/usr/share/activemq/bin/activemq.jar")
_LISTENING = re.compile(r"Listening for connections at: stomp\+nio://[^:]+:(\d+)")
_CONFIG = """<beans xmlns="http://www.springframework.org/schema/beans"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.springframework.org/schema/beans
  http://www.springframework.org/schema/beans/spring-beans-2.0.xsd
  http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" useJmx="false" brokerName="fts3sdk-test"
          dataDirectory={data} persistent="true" schedulePeriodForDestinationPurge="0">
    <destinationPolicy><policyMap><policyEntries>
      <policyEntry topic=">" producerFlowControl="false"/>
      <policyEntry queue=">" producerFlowControl="false"/>
    </policyEntries></policyMap></destinationPolicy>
    <persistenceAdapter><kahaDB directory={kahadb} journalMaxFileLength="8mb"/></persistenceAdapter>
    <systemUsage><systemUsage>
      <storeUsage><storeUsage limit="1 gb"/></storeUsage>
      <tempUsage><tempUsage limit="256 mb"/></tempUsage>
    </systemUsage></systemUsage>
    {plugins}
    <transportConnectors>
      <transportConnector name="stomp" uri={uri}/>
    </transportConnectors>
  </broker>
</beans>
"""
_USERS = """<plugins><simpleAuthenticationPlugin anonymousAccessAllowed="false"><users>
      {users}
    </users></simpleAuthenticationPlugin></plugins>"""
_LOG4J = """log4j.rootLogger=INFO, out
log4j.appender.out=org.apache.log4j.ConsoleAppender
log4j.appender.out.layout=org.apache.log4j.PatternLayout
log4j.appender.out.layout.ConversionPattern=%d %-5p %c{1} - %m%n
log4j.logger.org.springframework=WARN
log4j.logger.org.apache.activemq.spring=WARN
"""


class BrokerNotInstalled(RuntimeError):
    """ActiveMQ (the Debian package ``activemq``) or a Java runtime is not installed."""


def find_activemq(environ: Mapping[str, str] | None = None) -> tuple[Path, Path]:
    """The ActiveMQ jar and the ``java`` binary: ``ACTIVEMQ_HOME``/``JAVA_HOME`` or the Debian locations.

    Raises `BrokerNotInstalled` naming what is missing.
    """
    env = os.environ if environ is None else environ
    home = env.get("ACTIVEMQ_HOME")
    jar = Path(home) / "bin" / "activemq.jar" if home else DEBIAN_JAR
    if not jar.is_file():
        raise BrokerNotInstalled(f"ActiveMQ not installed: no {jar} (Debian package: activemq)")
    java_home = env.get("JAVA_HOME")
    java = Path(java_home) / "bin" / "java" if java_home else Path(shutil.which("java") or "java")
    if not java.is_file():
        raise BrokerNotInstalled("no Java runtime to run ActiveMQ (Debian package: activemq brings one)")
    return jar, java


class ActiveMQBroker:
    """One ActiveMQ instance with its own data under ``directory``, speaking STOMP on ``host``.

    ``users`` maps logins to passwords (then anonymous access is refused); ``port=0`` picks a free port at
    the first start and keeps it across `restart`. Use it as a context manager, or `start` and `stop`.
    """

    def __init__(
        self,
        directory: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        users: Mapping[str, str] | None = None,
        heap_mb: int = 256,
    ) -> None:
        self.directory = Path(directory)
        self.host = host
        self.port = port
        """The STOMP port (known once started)."""
        self.users = dict(users or {})
        self._heap_mb = heap_mb
        self._process: subprocess.Popen[bytes] | None = None
        self._log = self.directory / "broker.log"

    @property
    def running(self) -> bool:
        """Whether the broker process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def address(self) -> str:
        """``host:port`` of the STOMP connector."""
        return f"{self.host}:{self.port}"

    def _write_config(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        users = "\n      ".join(
            f'<authenticationUser username={quoteattr(login)} password={quoteattr(password)} groups="users"/>'
            for login, password in self.users.items()
        )
        config = _CONFIG.format(
            data=quoteattr(str(self.directory / "data")),
            kahadb=quoteattr(str(self.directory / "data" / "kahadb")),
            plugins=_USERS.format(users=users) if self.users else "",
            uri=quoteattr(f"stomp+nio://{self.host}:{self.port}?transport.closeAsync=false"),
        )
        (self.directory / "activemq.xml").write_text(config)
        (self.directory / "log4j.properties").write_text(_LOG4J)
        return self.directory / "activemq.xml"

    def start(self, timeout: float = 90.0) -> None:
        """Start the broker and wait until its STOMP connector listens. Raises RuntimeError with its log if not."""
        if self.running:
            return
        jar, java = find_activemq()
        config = self._write_config()
        command = [
            str(java), "-Xms64m", f"-Xmx{self._heap_mb}m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            f"-Dlog4j.configuration=file:{self.directory / 'log4j.properties'}",
            f"-Dactivemq.home={jar.parent.parent}", f"-Dactivemq.base={self.directory}",
            f"-Dactivemq.conf={self.directory}", f"-Dactivemq.data={self.directory / 'data'}",
            "-jar", str(jar), "start", f"xbean:file:{config}",
        ]  # fmt: skip
        offset = self._log.stat().st_size if self._log.exists() else 0
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)  # noqa: S603
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self._log.read_bytes()[offset:].decode(errors="replace")
            match = _LISTENING.search(text)
            if match:
                self.port = int(match.group(1))
                return
            if self._process.poll() is not None or "Failed to start" in text:
                break
            time.sleep(0.05)
        tail = self._log.read_bytes()[offset:].decode(errors="replace")[-3000:]
        self.stop()
        raise RuntimeError(f"ActiveMQ did not start within {timeout:.0f} s:\n{tail}")

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the broker (SIGTERM, then SIGKILL after ``timeout``) and wait for it to exit."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)

    def kill(self) -> None:
        """Kill the broker at once (SIGKILL), as a crash would: unsent acknowledgements are lost."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(30)

    def restart(self, timeout: float = 90.0) -> None:
        """Stop and start again on the same port with the same data (persistent messages survive)."""
        self.stop()
        self.start(timeout)

    def __enter__(self) -> ActiveMQBroker:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<ActiveMQBroker {self.address} {state} in {self.directory}>"
