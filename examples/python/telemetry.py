"""OpenTelemetry for a Python desktop app, sending through the MongoDB gateway.

The app holds no database password: only a gateway URL and a client token. Errors,
audit events and session metrics travel as standard OTLP/HTTP and the gateway stores them
as the same `errors`, `audit` and `metrics` documents the Node.js exporters write.
"""

from __future__ import annotations

import hashlib
import logging
import platform
import socket
import sys
import uuid
from dataclasses import dataclass

from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource

# The scope the gateway recognises audit events by (with an event name), as in process.
AUDIT_SCOPE = "opentelemetry-exporter-mongodb/audit"
# The loggers of the OpenTelemetry SDK's own diagnostics (export failures among them).
SDK_LOGGER = "opentelemetry"


def machine_id() -> str:
    """An anonymous, stable id of this installation: sent as app.installation.id."""
    host = socket.gethostname()
    return hashlib.sha256(f"{host}-{platform.node()}-{uuid.getnode():012x}".encode()).hexdigest()[:16]


def app_resource(app: str, version: str, session_id: str) -> Resource:
    """What every document takes from the sender: see docs/gateway.md for the mapping."""
    return Resource.create(
        {
            "service.name": app,
            "service.version": version,
            "app.installation.id": machine_id(),
            "session.id": session_id,
            "os.type": platform.system().lower(),
            "os.version": platform.release(),
            "host.arch": platform.machine(),
            "process.runtime.name": platform.python_implementation().lower(),
            "process.runtime.version": platform.python_version(),
        }
    )


class ErrorHandler(logging.Handler):
    """A `logging` handler that sends ERROR and above as OpenTelemetry log records.

    With an exception, its type, message and traceback go as exception.* attributes: the
    gateway stores them as erro.tipo, erro.mensagem and erro.stacktrace, and takes
    erro.arquivo/linha/funcao from the traceback's last frame. The SDK's own records (logger
    `opentelemetry.*`) are left out: an export failure sent through the failing exporter would
    be lost, or loop.
    """

    def __init__(self, logger_provider: LoggerProvider) -> None:
        super().__init__(level=logging.ERROR)
        self._provider = logger_provider
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == SDK_LOGGER or record.name.startswith(SDK_LOGGER + "."):
            return False
        return super().filter(record)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            attributes: dict[str, object] = {}
            if record.exc_info and record.exc_info[0] is not None:
                exc_type, exc, _ = record.exc_info
                attributes["exception.type"] = exc_type.__name__
                attributes["exception.message"] = str(exc)
                attributes["exception.stacktrace"] = self._formatter.formatException(record.exc_info)
            else:
                attributes["code.file.path"] = record.pathname
                attributes["code.line.number"] = record.lineno
                attributes["code.function.name"] = record.funcName
            contexto = getattr(record, "contexto", None)
            if isinstance(contexto, dict):
                attributes.update({str(k): v for k, v in contexto.items()})
            severity = SeverityNumber.FATAL if record.levelno >= logging.CRITICAL else SeverityNumber.ERROR
            self._provider.get_logger(record.name).emit(
                timestamp=int(record.created * 1e9),
                severity_number=severity,
                severity_text=record.levelname,
                body=record.getMessage(),
                attributes=attributes,
            )
        except Exception:  # a logging handler never raises into the app
            self.handleError(record)


class Audit:
    """Audit events as OpenTelemetry event records on the audit scope."""

    def __init__(self, logger_provider: LoggerProvider, user_id: str | None = None) -> None:
        self._logger = logger_provider.get_logger(AUDIT_SCOPE)
        self.user_id = user_id

    def event(self, acao: str, entidade: str, entidade_id: object, detalhes: dict | None = None) -> None:
        attributes: dict[str, object] = {"audit.entity": entidade, "audit.entity.id": str(entidade_id)}
        if detalhes:
            attributes["audit.details"] = detalhes
        if self.user_id is not None:
            attributes["user.id"] = self.user_id
        self._logger.emit(event_name=acao, severity_number=SeverityNumber.INFO, attributes=attributes)

    def questao_criada(self, questao_id: object, titulo: str, tipo: str, tags: list[str] | None = None) -> None:
        self.event("questao.criada", "questao", questao_id, {"titulo": titulo[:100], "tipo": tipo, "tags": tags or []})

    def sessao_iniciada(self) -> None:
        self.event("sessao.iniciada", "sistema", machine_id())

    def sessao_encerrada(self, duracao_segundos: int) -> None:
        self.event("sessao.encerrada", "sistema", machine_id(), {"duracao_segundos": duracao_segundos})


@dataclass
class Telemetry:
    logger_provider: LoggerProvider
    meter_provider: MeterProvider
    audit: Audit
    session_id: str

    def shutdown(self) -> None:
        """Sends what is left (the last metrics export included) and stops."""
        self.meter_provider.shutdown()
        self.logger_provider.shutdown()


def show_sdk_warnings() -> None:
    """Prints the SDK's warnings and errors (export failures, such as a refused token) on stderr.

    Python prints a WARNING nobody handles on stderr only while the root logger has no handler;
    the ErrorHandler above is one, so without this an export failure would go unseen.
    """
    sdk_logger = logging.getLogger(SDK_LOGGER)
    if not any(isinstance(handler, _SdkStderrHandler) for handler in sdk_logger.handlers):
        sdk_logger.addHandler(_SdkStderrHandler())


class _SdkStderrHandler(logging.StreamHandler):
    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setLevel(logging.WARNING)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))


def setup_telemetry(
    gateway_url: str,
    token: str,
    app: str = "mathbank-desktop",
    version: str = "1.0.0",
    compression: str = "gzip",
    metric_interval_ms: int = 60_000,
) -> Telemetry:
    session_id = str(uuid.uuid4())
    resource = app_resource(app, version, session_id)
    headers = {"Authorization": f"Bearer {token}"}
    kind = {"gzip": Compression.Gzip, "deflate": Compression.Deflate}.get(compression, Compression.NoCompression)

    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(
        BatchLogRecordProcessor(
            OTLPLogExporter(endpoint=f"{gateway_url}/v1/logs", headers=headers, compression=kind)
        )
    )
    logging.getLogger().addHandler(ErrorHandler(logger_provider))
    show_sdk_warnings()

    reader = PeriodicExportingMetricReader(
        OTLPMetricExporter(endpoint=f"{gateway_url}/v1/metrics", headers=headers, compression=kind),
        export_interval_millis=metric_interval_ms,
    )
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    return Telemetry(logger_provider, meter_provider, Audit(logger_provider), session_id)
