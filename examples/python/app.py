"""The plan's desktop app, in miniature: a session that creates a question, times a
search, fails an import with a ValueError, and ends. Everything reaches MongoDB through
the gateway; the app knows only the gateway's URL and its token.

    GATEWAY_URL=http://127.0.0.1:4318 GATEWAY_TOKEN=... python app.py [--compression gzip]

Prints the session id as JSON on stdout when done.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time

from telemetry import setup_telemetry

log = logging.getLogger("mathbank.importacao")


def importar_questoes(linhas: list[str]) -> int:
    total = 0
    for linha in linhas:
        total += int(linha)  # "abc" raises ValueError: invalid literal for int()
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--compression", default="gzip", choices=["gzip", "deflate", "none"])
    args = parser.parse_args()

    telemetry = setup_telemetry(
        os.environ.get("GATEWAY_URL", "http://127.0.0.1:4318"),
        os.environ["GATEWAY_TOKEN"],
        compression=args.compression,
    )
    started = time.monotonic()
    meter = telemetry.meter_provider.get_meter("mathbank")
    questoes_criadas = meter.create_counter("questoes_criadas")
    tempo_busca = meter.create_histogram("tempo_busca", unit="ms")

    telemetry.audit.sessao_iniciada()
    telemetry.audit.questao_criada(42, "Derivada de x²", "OBJETIVA", ["calculo"])
    questoes_criadas.add(1)
    for _ in range(3):
        inicio = time.perf_counter()
        sum(range(10_000))
        tempo_busca.record((time.perf_counter() - inicio) * 1000)

    try:
        importar_questoes(["1", "2", "abc"])
    except ValueError:
        log.exception("importação falhou", extra={"contexto": {"arquivo_importado": "lista.csv"}})

    telemetry.audit.sessao_encerrada(int(time.monotonic() - started))
    telemetry.shutdown()
    print(json.dumps({"session_id": telemetry.session_id}))


if __name__ == "__main__":
    main()
