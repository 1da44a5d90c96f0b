#!/usr/bin/env bash
# Load test of the web service on the large LA (issue 5, DESIGN §7: pages answer in tens of
# milliseconds under dozens of concurrent users). Loopback only, bounded in time.
#
#   scripts/load-test.sh            # build, make the large LA, serve it, measure, stop
#
# Needs `wrk` (Debian: apt-get install wrk) and python3. Measures, at 50 concurrent
# connections for DURATION each (default 20 s): the LA overview, a school page and a child's
# profile signed in as the Virtual School Head (a session cookie from a real sign-in with
# password and TOTP code), and the API (/api/v1/stats, /api/v1/cohort, /api/v1/pupils?school=)
# with a bearer token. Prints wrk's latency distribution (p50 … p99) and requests per second.
# The server and its database are this script's own (a temporary SQLite file); it stops the
# server it started, by its process id, when done.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
PORT="${PORT:-8187}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-50}"
THREADS="${THREADS:-2}"
BASE="http://127.0.0.1:$PORT"
work="$(mktemp -d)"
db="sqlite://$work/large.db"

command -v wrk >/dev/null || { echo "load-test: install wrk (apt-get install wrk)" >&2; exit 1; }
# VSCHOOL_BIN: an already-built binary to measure (default: build the release binary).
if [ -n "${VSCHOOL_BIN:-}" ]; then
  bin="$VSCHOOL_BIN"
else
  cargo build --release -p vschool-cli
  bin="$root/target/release/vschool"
fi

# The large demo LA, served on loopback; the demo prints one ready account per role.
"$bin" --db "$db" demo --size large --today 2025-03-14 --bind "127.0.0.1:$PORT" \
  >"$work/demo.txt" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 240); do
  grep -q "^Serving" "$work/demo.txt" && break
  sleep 1
done
grep -q "^Serving" "$work/demo.txt" || { cat "$work/demo.txt" >&2; exit 1; }

password="$(sed -n 's/.*password "\([^"]*\)".*/\1/p' "$work/demo.txt" | sed -n 1p)"
secret="$(awk '$1 == "vsh" { print $3 }' "$work/demo.txt" | sed -n 1p)"
cookie="$(python3 scripts/sign-in.py --base "$BASE" --email vsh@northshire.example \
  --password "$password" --totp-secret "$secret")"
token="$("$bin" --db "$db" token create --email vsh@northshire.example)"

# A school and a child to open: the first school on the overview, its first pupil.
curl -sf -H "Cookie: $cookie" "$BASE/overview" >"$work/overview.html"
school="$(grep -o '/schools/[0-9]*' "$work/overview.html" | sed -n 1p)"
curl -sf -H "Cookie: $cookie" "$BASE$school" >"$work/school.html"
child="$(grep -o '/children/[0-9a-f]*' "$work/school.html" | sed -n 1p)"
urn="${school#/schools/}"

run() { # name path header
  local name="$1" path="$2" header="$3"
  # Warm (the first request of a kind computes what later ones reuse).
  curl -sf -o /dev/null -H "$header" "$BASE$path"
  echo "== $name ($path)"
  wrk --latency -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" -H "$header" "$BASE$path" \
    | grep -E "Requests/sec|Latency|50%|75%|90%|99%|requests in|Non-2xx|Socket errors"
}

run "LA overview" "/overview" "Cookie: $cookie"
run "school page" "$school" "Cookie: $cookie"
run "child profile" "$child" "Cookie: $cookie"
run "API stats" "/api/v1/stats?at=2025-03-14&by=school" "Authorization: Bearer $token"
run "API cohort" "/api/v1/cohort?at=2025-03-14" "Authorization: Bearer $token"
run "API pupils" "/api/v1/pupils?school=$urn" "Authorization: Bearer $token"
