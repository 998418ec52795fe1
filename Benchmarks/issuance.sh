#!/usr/bin/env bash
# Issuance end to end over HTTP (request in, ledger committed, PDF bytes out) against bare rendering in the
# same run, and the same page compiled by Typst and drawn by Python ReportLab, as ratios. Release build; loopback only.
# usage: bash Benchmarks/issuance.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
source Benchmarks/lib/issue_lua.sh
ensure_debian_packages wrk sqlite3
ensure_python_packages reportlab typst segno
duration=${1:-20}
connections=${2:-8}
swift build -c release --product madoguchi >/dev/null
bin=.build/release/madoguchi
work=$(mktemp -d)
port=18080
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

bench_city "$work/city.sqlite" "$bin"
issue_lua "$work/issue.lua" "$ids" "$token" application/pdf bench
cat >> "$work/issue.lua" <<LUA
function done(summary, latency, requests)
  io.write(string.format("issued %d, non-2xx %d, %.1f per second, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms\n",
    summary.requests, summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
LUA
MADOGUCHI_ADMIN_PASSWORD=bench-admin-password LOG_LEVEL=error MADOGUCHI_CLOCK=2026-11-24T10:00:00+09:00 \
  "$bin" serve --db "$work/city.sqlite" --port $port >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
echo "== issuance over HTTP (wrk, 2 threads, $connections connections, ${duration}s)"
tick=$(getconf CLK_TCK)
cpu_before=$(awk '{print $14 + $15}' "/proc/$server/stat")
issuance=$(wrk -t2 -c"$connections" -d"${duration}s" -s "$work/issue.lua" "http://127.0.0.1:$port" | tail -1)
cpu_after=$(awk '{print $14 + $15}' "/proc/$server/stat")
issued=$(sed -E 's/^issued ([0-9]+),.*/\1/' <<<"$issuance")
issue_rate=$(sed -E 's/.* ([0-9.]+) per second.*/\1/' <<<"$issuance")
server_cpu=$(awk -v c="$((cpu_after - cpu_before))" -v t="$tick" 'BEGIN { printf "%.2f", c / t }')
echo "$issuance"
awk -v s="$server_cpu" -v i="$issued" -v d="$duration" 'BEGIN {
  printf "server CPU %.1f s in %d s (%.0f %% of 2 cores): %.1f certificates per CPU-second\n", s, d, 100 * s / (2 * d), i / s }'
kill "$server"; wait "$server" 2>/dev/null || true; server=
echo "== ledger after the run"
"$bin" ledger verify --db "$work/city.sqlite"
echo "certificates $(sqlite3 "$work/city.sqlite" 'SELECT count(*) FROM certificate'), ledger entries $(sqlite3 "$work/city.sqlite" 'SELECT count(*) FROM ledgerEntry')"
echo "== rendering alone (same page, same run)"
rendering=$("$bin" bench render --count 1200 --threads 2)
echo "$rendering"
render_rate=$(sed -E 's/.*: ([0-9.]+) per second.*/\1/' <<<"$rendering")
render_cpu_rate=$(sed -E 's/.* ([0-9.]+) per CPU-second.*/\1/' <<<"$rendering")
awk -v i="$issue_rate" -v r="$render_rate" -v n="$issued" -v s="$server_cpu" -v c="$render_cpu_rate" 'BEGIN {
  printf "issuance against rendering: %.0f %% a second (%.1f / %.1f); %.0f %% per CPU-second of the server (%.1f / %.1f)\n",
    100 * i / r, i, r, 100 * (n / s) / c, n / s, c }'
"$bin" bench render --count 600 --threads 1 --typst
"$bin" bench render --count 600 --threads 1 --plain --typst
echo "== Python ReportLab, the same layout"
python3 Benchmarks/reportlab_render.py 30
python3 Benchmarks/reportlab_render.py 30 plain
