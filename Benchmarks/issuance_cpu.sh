#!/usr/bin/env bash
# What an issuance costs the server in CPU, without and with its PDF: wrk at 8 connections for `seconds` each way, the
# server's CPU time read from /proc around each run. The difference between the two is the rendering; the JSON figure
# is everything else a request needs (HTTP, the rules, the write transaction, the token, the access log). Then the
# floor: a request that does next to nothing, as a measure of what HTTP alone costs here.
# usage: bash Benchmarks/issuance_cpu.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
source Benchmarks/lib/issue_lua.sh
ensure_debian_packages wrk sqlite3
duration=${1:-10}
swift build -c release --product madoguchi >/dev/null
bin=.build/release/madoguchi
work=$(mktemp -d)
port=18081
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

bench_city "$work/city.sqlite" "$bin"
MADOGUCHI_ADMIN_PASSWORD=bench-admin-password LOG_LEVEL=error MADOGUCHI_CLOCK=2026-11-24T10:00:00+09:00 \
  "$bin" serve --db "$work/city.sqlite" --port $port >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
tick=$(getconf CLK_TCK)
for accept in json pdf; do
  issue_lua "$work/issue.lua" "$ids" "$token" "application/$accept" "cpu-$accept"
  cat >> "$work/issue.lua" <<LUA
function done(summary, latency, requests)
  io.write(string.format("%d %d %.1f %.1f %.1f\\n", summary.requests, summary.errors.status,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
  before=$(awk '{print $14 + $15}' "/proc/$server/stat")
  read -r issued failed rate p50 p99 < <(wrk -t2 -c8 -d"${duration}s" -s "$work/issue.lua" "http://127.0.0.1:$port" | tail -1)
  after=$(awk '{print $14 + $15}' "/proc/$server/stat")
  awk -v a="$accept" -v i="$issued" -v f="$failed" -v r="$rate" -v p="$p50" -v q="$p99" -v c="$((after - before))" -v t="$tick" -v d="$duration" 'BEGIN {
    s = c / t
    printf "%s: issued %d (non-2xx %d), %.1f a second, p50 %.1f ms, p99 %.1f ms; server CPU %.1f s in %d s (%.0f %% of 2 cores), %.2f ms a certificate\n",
      a, i, f, r, p, q, s, d, 100 * s / (2 * d), 1000 * s / i }'
done

# The floor under any issuance: what the server spends on a request that does next to nothing. GET /health (HTTP, one
# read), and an authenticated POST /api/v1/certificates that the server refuses at decoding (HTTP, the credential's
# check, the JSON, the error), with the same wrk, connections and measure.
cat > "$work/refused.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"kind":"residentRecordCopy"}'
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Madoguchi-Purpose"] = "certificate"
LUA
for floor in health refused; do
  args=("http://127.0.0.1:$port/health")
  [ "$floor" = refused ] && args=(-s "$work/refused.lua" "http://127.0.0.1:$port/api/v1/certificates")
  before=$(awk '{print $14 + $15}' "/proc/$server/stat")
  rate=$(wrk -t2 -c8 -d"${duration}s" "${args[@]}" | awk '/Requests\/sec/ {print $2}')
  after=$(awk '{print $14 + $15}' "/proc/$server/stat")
  awk -v a="$floor" -v r="$rate" -v c="$((after - before))" -v t="$tick" -v d="$duration" 'BEGIN {
    s = c / t
    printf "floor, %s: %.1f a second; server CPU %.1f s in %d s (%.0f %% of 2 cores), %.3f ms a request\n",
      a, r, s, d, 100 * s / (2 * d), 1000 * s / (r * d) }'
done
