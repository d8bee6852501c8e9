#!/usr/bin/env bash
# Requests per second for each public page type, served the production way (gunicorn, debug off, whitenoise),
# beside a static file from the same server for scale: compare the ratios, not the absolute numbers, since
# the load generator shares the machine's cores with the server. Loopback only; each run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SECONDS_EACH=${BENCH_SECONDS:-5}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }

port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$PY -m gunicorn peel.wsgi --bind "127.0.0.1:$port" --workers 2 --log-level warning &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done

css=$(curl -fs "http://127.0.0.1:$port/" | grep -o '/static/build/peel\.[0-9a-f]*\.css' | head -1)
printf '%-90s %10s %10s\n' page "req/s" "p99 ms"
for path in "$css" / /forces/ /forces/kent/ /forces/kent/2016/ /forces/kent/2015/efficiency/ /peel/ /peel/2017/ \
  "/peel/2017/?group=region&sort=efficiency" "/peel/2017/?level=question&group=region" /peel/2023-25/ \
  "/compare/?force=kent&force=essex&force=surrey&force=sussex&force=merseyside&force=cumbria"; do
  out=$(wrk -t1 -c8 -d"${SECONDS_EACH}s" --latency "http://127.0.0.1:$port$path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '%-90s %10s %10s\n' "$path" "$rps" "$p99"
done
