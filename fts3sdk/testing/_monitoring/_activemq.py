"""A private ActiveMQ broker for tests: its own directory, STOMP on 127.0.0.1, started and stopped by the test.

It runs the Debian ``activemq`` package's jar (ActiveMQ 5.17, what FTS sites run) with a generated
configuration, never the system service. Port 0 picks a free port, read back from the broker's log.
With `BrokerTLS` it also listens for STOMP over TLS, requiring a client certificate from a trusted CA.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

if TYPE_CHECKING:
    from fts3sdk.testing.pki import ThrowawayPKI

__all__ = ["ActiveMQBroker", "BrokerNotInstalled", "BrokerTLS", "find_activemq"]

DEBIAN_JAR = Path("/usr/share/activemq/bin/activemq.jar")
FAST_START = ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
"""The JVM options of a test broker: quick to start, light on a shared machine (C1 compiler only)."""
THROUGHPUT: tuple[str, ...] = ()
"""The JVM's defaults, as a production broker runs (both JIT compilers): for benchmarks."""
_LISTENING = re.compile(r"Listening for connections at: (stomp\+nio|stomp\+ssl)://[^:/]+:(\d+)")
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
    {ssl_context}
    <transportConnectors>
      <transportConnector name="stomp" uri={uri}/>
      {ssl_connector}
    </transportConnectors>
  </broker>
</beans>
"""
_USERS = """<plugins><simpleAuthenticationPlugin anonymousAccessAllowed="false"><users>
      {users}
    </users></simpleAuthenticationPlugin></plugins>"""
_SSL_CONTEXT = """<sslContext><sslContext keyStore={keystore} keyStorePassword={password} keyStoreType="pkcs12"
      trustStore={truststore} trustStorePassword={password} trustStoreType="pkcs12"/></sslContext>"""
_LOG4J = """log4j.rootLogger=INFO, out
log4j.appender.out=org.apache.log4j.ConsoleAppender
log4j.appender.out.layout=org.apache.log4j.PatternLayout
log4j.appender.out.layout.ConversionPattern=%d %-5p %c{1} - %m%n
log4j.logger.org.springframework=WARN
log4j.logger.org.apache.activemq.spring=WARN
"""


class BrokerNotInstalled(RuntimeError):
    """ActiveMQ (the Debian package ``activemq``) or a Java runtime is not installed."""


@dataclass(frozen=True)
class BrokerTLS:
    """The broker's side of TLS: its key and certificate (a PKCS#12 keystore) and the CAs it trusts.

    ``need_client_auth`` makes the broker refuse a client without a certificate from a trusted CA.
    """

    keystore: Path
    truststore: Path
    password: str
    need_client_auth: bool = True

    @classmethod
    def from_pki(cls, pki: ThrowawayPKI, directory: Path, *, hostname: str = "localhost") -> BrokerTLS:
        """Stores made from ``pki``: a host certificate for ``hostname`` (and 127.0.0.1), the CA trusted.

        The keystore is written with ``cryptography``, the truststore with the JDK's ``keytool`` (Java only
        trusts certificates of a PKCS#12 file that keytool marked so). Raises `BrokerNotInstalled` without it.
        """
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.serialization import pkcs12

        directory.mkdir(parents=True, exist_ok=True)
        password = secrets.token_hex(12)
        host = pki.issue_host(hostname)
        key = serialization.load_pem_private_key(host.key_path.read_bytes(), None)
        cert = x509.load_pem_x509_certificate(host.cert_path.read_bytes())
        ca = x509.load_pem_x509_certificate(pki.ca_path.read_bytes())
        encryption = (
            serialization.PrivateFormat.PKCS12.encryption_builder()
            .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
            .hmac_hash(hashes.SHA1())  # noqa: S303 - what every Java release reads
            .build(password.encode())
        )
        keystore = directory / "broker.p12"
        data = pkcs12.serialize_key_and_certificates(b"broker", key, cert, [ca], encryption)  # type: ignore[arg-type]
        keystore.write_bytes(data)
        keystore.chmod(0o600)
        truststore = directory / "trust.p12"
        truststore.unlink(missing_ok=True)
        command = [
            str(_keytool()), "-importcert", "-noprompt", "-alias", "ca", "-file", str(pki.ca_path),
            "-keystore", str(truststore), "-storetype", "PKCS12", "-storepass", password,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            raise RuntimeError(f"keytool could not write the truststore: {done.stderr.strip() or done.stdout}")
        return cls(keystore, truststore, password)


def _keytool() -> Path:
    _, java = find_activemq()
    beside = java.resolve().parent / "keytool"
    found = beside if beside.is_file() else Path(shutil.which("keytool") or "keytool")
    if not found.is_file():
        raise BrokerNotInstalled("no keytool to write the broker's truststore (Debian package: activemq brings one)")
    return found


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
    the first start and keeps it across `restart`. With ``tls`` it also speaks STOMP over TLS on
    ``tls_port`` (free when 0). ``java_options`` tune the JVM (`FAST_START`, or `THROUGHPUT` for
    benchmarks). Use it as a context manager, or `start` and `stop`.
    """

    def __init__(
        self,
        directory: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        users: Mapping[str, str] | None = None,
        heap_mb: int = 256,
        tls: BrokerTLS | None = None,
        tls_port: int = 0,
        java_options: Sequence[str] = FAST_START,
    ) -> None:
        self.directory = Path(directory)
        self.host = host
        self.port = port
        """The STOMP port (known once started)."""
        self.users = dict(users or {})
        self.tls = tls
        self.tls_port = tls_port
        """The STOMP-over-TLS port (known once started; only with ``tls``)."""
        self._heap_mb = heap_mb
        self._java_options = list(java_options)
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

    @property
    def tls_address(self) -> str:
        """``host:port`` of the STOMP-over-TLS connector."""
        return f"{self.host}:{self.tls_port}"

    def _write_config(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        users = "\n      ".join(
            f'<authenticationUser username={quoteattr(login)} password={quoteattr(password)} groups="users"/>'
            for login, password in self.users.items()
        )
        ssl_context = ssl_connector = ""
        if self.tls is not None:
            tls = self.tls
            ssl_context = _SSL_CONTEXT.format(
                keystore=quoteattr(tls.keystore.as_uri()), truststore=quoteattr(tls.truststore.as_uri()),
                password=quoteattr(tls.password),
            )  # fmt: skip
            options = f"needClientAuth={'true' if tls.need_client_auth else 'false'}&transport.closeAsync=false"
            uri = quoteattr(f"stomp+ssl://{self.host}:{self.tls_port}?{options}")
            ssl_connector = f'<transportConnector name="stomp+ssl" uri={uri}/>'
        config = _CONFIG.format(
            data=quoteattr(str(self.directory / "data")),
            kahadb=quoteattr(str(self.directory / "data" / "kahadb")),
            plugins=_USERS.format(users=users) if self.users else "",
            uri=quoteattr(f"stomp+nio://{self.host}:{self.port}?transport.closeAsync=false"),
            ssl_context=ssl_context,
            ssl_connector=ssl_connector,
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
            str(java), "-Xms64m", f"-Xmx{self._heap_mb}m", *self._java_options,
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
            ports = {scheme: int(port) for scheme, port in _LISTENING.findall(text)}
            if "stomp+nio" in ports and (self.tls is None or "stomp+ssl" in ports):
                self.port = ports["stomp+nio"]
                self.tls_port = ports.get("stomp+ssl", self.tls_port)
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
