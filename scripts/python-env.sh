#!/usr/bin/env bash
# Creates the Python environment the gateway tests and examples/python use: a venv in
# .python-env/ (git-ignored) with PyPI's OpenTelemetry SDK and OTLP/HTTP exporter.
# Idempotent: does nothing when the venv already has the pinned versions. Prints the
# venv's python path on stdout; everything else goes to stderr.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

requirements="examples/python/requirements.txt"
venv=".python-env"
stamp="$venv/.requirements"

python="${PYTHON:-python3}"
command -v "$python" >/dev/null || { echo "python-env.sh: $python not found (Python 3.9 or later is needed)" >&2; exit 1; }

if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$stamp"; then
  echo "python-env.sh: creating $venv with $(tr '\n' ' ' < "$requirements")" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2
  cp "$requirements" "$stamp"
fi
echo "$PWD/$venv/bin/python"
