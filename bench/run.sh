#!/usr/bin/env bash
# The benchmark: builds the release binary, fills SQLite and PostgreSQL with a province's
# data (thidua seed-bench), serves each on loopback and measures it with wrk, then prints
# one table and writes it, with the machine it ran on, to BENCHMARKS.md.
#
#   bench/run.sh                 # both backends
#   BACKENDS=sqlite bench/run.sh # one of them
#
# Needs: wrk, curl, sqlite3, psql (and a PostgreSQL at $PG_URL, trust or password in the
# URL). Settings (environment): DURATION (s per wrk run, 10), CONNECTIONS (reads, 64),
# WRITE_CONNECTIONS (16), PG_URL (postgres://postgres@127.0.0.1:5432), PG_PARAMS (the
# connection's parameters, sslmode=disable: on loopback, libpq's default of negotiating TLS
# with a server that has it on, as Debian's has, cost 15-20 % of the writes; empty for
# libpq's defaults), PORT (18780),
# SEED_ARGS (extra seed-bench options), OUT (BENCHMARKS.md), BUILD (1: cargo build --release).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BACKENDS=${BACKENDS:-"sqlite postgres"}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WRITE_CONNECTIONS=${WRITE_CONNECTIONS:-16}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PG_DB=thidua_bench
PG_PARAMS=${PG_PARAMS-sslmode=disable}
# pg_url DB: the URL of database DB on PG_URL (which takes no query string) with PG_PARAMS.
pg_url() { echo "$PG_URL/$1${PG_PARAMS:+?$PG_PARAMS}"; }
PORT=${PORT:-18780}
OUT=${OUT:-$ROOT/BENCHMARKS.md}
SEED_ARGS=${SEED_ARGS:-}
IMPORT_ROWS=${IMPORT_ROWS:-100000}
PASSWORD='Bench-Passw0rd-2026!'
BASE="http://127.0.0.1:$PORT"

for tool in wrk curl sqlite3 psql; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install wrk sqlite3 postgresql-client)" >&2; exit 1; }
done

if [ "${BUILD:-1}" = 1 ]; then
  echo "== cargo build --release"
  cargo build --release --quiet
fi
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${BIN:-$TARGET_DIR/release/thidua}
[ -x "$BIN" ] || { echo "bench: no binary at $BIN" >&2; exit 1; }

WORK=$(mktemp -d /tmp/thidua-bench.XXXXXX)
SERVER_PID=
SAMPLER_PID=
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  if [[ " $BACKENDS " == *" postgres "* ]]; then
    psql -X -q "$(pg_url postgres)" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
  fi
  if [ -n "${KEEP:-}" ]; then echo "bench: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

declare -A R   # results: R[backend.key]

ms() { # wrk latency ("812.00us", "1.23ms", "2.01s") → ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

# wrk NAME URL [lua] [connections]: fills R[b.NAME_rps], _p50, _p99, _errors
run_wrk() {
  local name=$1 url=$2 script=${3:-} conns=${4:-$CONNECTIONS}
  local threads=2; [ "$conns" -lt 2 ] && threads=1
  local args=(-t$threads -c"$conns" -d"${DURATION}s" --latency --timeout 10s)
  [ -n "$script" ] && args+=(-s "$ROOT/bench/$script")
  wrk "${args[@]}" "$url" >"$WORK/$b.$name.wrk" 2>&1
  # Let the server drain what wrk left queued (requests waiting for a pooled connection).
  sleep 3
  R[$b.${name}_rps]=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$WORK/$b.$name.wrk")
  R[$b.${name}_p50]=$(ms "$(awk '$1 == "50%" { print $2 }' "$WORK/$b.$name.wrk")")
  R[$b.${name}_p99]=$(ms "$(awk '$1 == "99%" { print $2 }' "$WORK/$b.$name.wrk")")
  R[$b.${name}_errors]=$(awk '/Non-2xx/ { print $5 }' "$WORK/$b.$name.wrk")
  R[$b.${name}_errors]=${R[$b.${name}_errors]:-0}
  R[$b.${name}_requests]=$(awk '/requests in/ { print $1 }' "$WORK/$b.$name.wrk")
  printf '   %-10s %8s req/s  p50 %6s ms  p99 %6s ms  non-2xx %s\n' "$name" "${R[$b.${name}_rps]}" \
    "${R[$b.${name}_p50]}" "${R[$b.${name}_p99]}" "${R[$b.${name}_errors]}"
}

now_ms() { date +%s%3N; }

start_server() {
  local t0=$(now_ms)
  THIDUA_BIND=127.0.0.1:$PORT DATABASE_URL=$DB THIDUA_DATA_DIR=$WORK/data-$b THIDUA_ADMIN_PASSWORD=$PASSWORD \
    RUST_LOG=warn "$BIN" serve >>"$WORK/$b.server.log" 2>&1 &
  SERVER_PID=$!
  until curl -sf "$BASE/readyz" >/dev/null 2>&1; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/$b.server.log" >&2; echo "bench: server died" >&2; exit 1; }
    sleep 0.01
  done
  STARTED_MS=$(( $(now_ms) - t0 ))
}

stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status"; }
# The anonymous part: the heap and stacks, without the binary's and the (memory-mapped)
# SQLite file's pages, which the kernel can drop and reread.
anon_kb() { awk '/^RssAnon/ { print $2 }' "/proc/$SERVER_PID/status"; }

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

for b in $BACKENDS; do
  echo "== $b"
  case $b in
    sqlite) DB=$WORK/thidua-bench.db ;;
    postgres)
      psql -X -q "$(pg_url postgres)" -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB" >/dev/null
      DB=$(pg_url $PG_DB) ;;
    *) echo "bench: unknown backend $b" >&2; exit 1 ;;
  esac

  echo "-- seed-bench $SEED_ARGS"
  # shellcheck disable=SC2086
  DATABASE_URL=$DB THIDUA_DATA_DIR=$WORK/data-$b THIDUA_ADMIN_PASSWORD=$PASSWORD RUST_LOG=warn \
    "$BIN" seed-bench $SEED_ARGS >"$WORK/$b.seed" 2>&1 || { cat "$WORK/$b.seed" >&2; exit 1; }
  grep '^created' "$WORK/$b.seed" | sed 's/^/   /'
  val() { awk -F= -v k="$1" '$1 == k { print $2 }' "$WORK/$b.seed"; }
  PLAN=$(val plan_id); ROOT_UNIT=$(val root_unit_id); UNIT=$(val unit_id)
  CRITERION=$(val collective_criterion_id); LEARNING=$(val learning_criterion_id)
  PREFIX=$(val staff_code_prefix); LAST_YEAR=$(val last_year)
  R[$b.seed_s]=$(val seconds)
  echo "   seeded in ${R[$b.seed_s]} s"
  if [ "$b" = postgres ]; then
    # What autovacuum would do a minute after a load this size, done now so the load does
    # not race it: planner statistics, and clearing the dead entries that the seal's
    # UPDATE of change_events.position leaves in the partial index of unpositioned events
    # (every later commit's seal scans them; see the notes in BENCHMARKS.md).
    t0=$(now_ms); psql -X -q "$DB" -c "VACUUM ANALYZE" >/dev/null
    R[$b.vacuum_s]=$(awk -v ms=$(( $(now_ms) - t0 )) 'BEGIN { printf "%.1f", ms / 1000 }')
    echo "   VACUUM ANALYZE in ${R[$b.vacuum_s]} s"
  fi
  REPORT_YEAR=$((LAST_YEAR - 1))

  start_server
  R[$b.first_start_ms]=$STARTED_MS
  TOKEN=$(curl -sf -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  export TOKEN
  AUTH="Authorization: Bearer $TOKEN"
  curl -sf "$BASE/api/v1/plans/$PLAN" -H "$AUTH" >/dev/null
  sleep 1
  R[$b.rss_idle_kb]=$(rss_kb)
  R[$b.anon_idle_kb]=$(anon_kb)

  # Resident memory under load: the highest VmRSS seen while wrk runs.
  ( peak=0; apeak=0; while true; do
      v=$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
      [ "${v:-0}" -gt "$peak" ] && peak=$v && echo "$peak" >"$WORK/$b.rss_peak"
      a=$(awk '/^RssAnon/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
      [ "${a:-0}" -gt "$apeak" ] && apeak=$a && echo "$apeak" >"$WORK/$b.anon_peak"
      sleep 0.2
    done ) &
  SAMPLER_PID=$!

  echo "-- load: $DURATION s each, $CONNECTIONS connections for reads, $WRITE_CONNECTIONS for writes"
  run_wrk healthz "$BASE/healthz"
  run_wrk plan "$BASE/api/v1/plans/$PLAN" get.lua
  run_wrk criteria "$BASE/api/v1/plans/$PLAN/criteria" get.lua
  run_wrk criteria_gz "$BASE/api/v1/plans/$PLAN/criteria" get-gzip.lua
  export LIST_PATH="/api/v1/evidence?plan_id=$PLAN&year=$REPORT_YEAR&status=approved&subject=individual&per_page=50"
  curl -s "$BASE$LIST_PATH&page=1" -H "$AUTH" -o "$WORK/$b.list.json"
  LIST_TOTAL=$(grep -o '"total":[0-9]*' "$WORK/$b.list.json" | tail -1 | cut -d: -f2)
  R[$b.list_total]=$LIST_TOTAL
  run_wrk list "$BASE/api/v1/evidence" list.lua

  # The province's yearly report through the API (median and slowest of 9 after a
  # warm-up: past the fifth run of a kept statement PostgreSQL may change its plan), and
  # the same aggregates as plain SQL in sqlite3 / psql (median of 5 sums of statement
  # times). Computed: a write before each request moves the data's version, so no kept
  # rendering serves it. Kept: the same version asked again.
  REPORT_URL="$BASE/api/v1/reports/plans/$PLAN/yearly?year=$REPORT_YEAR"
  curl -s --retry 3 "$REPORT_URL" -H "$AUTH" -o "$WORK/$b.report.json"
  for i in 1 2 3 4 5 6 7 8 9; do
    curl -s -o /dev/null "$BASE/api/v1/evidence" -H "$AUTH" -H 'Content-Type: application/json' \
      -d "{\"criterion_id\":\"$CRITERION\",\"year\":$LAST_YEAR,\"org_unit_id\":\"$UNIT\",\"value\":$i}"
    curl -s "$REPORT_URL" -H "$AUTH" -o /dev/null -w '%{time_total}\n'
  done | awk '{ printf "%.1f\n", $1 * 1000 }' >"$WORK/$b.report.times"
  R[$b.report_ms]=$(median <"$WORK/$b.report.times")
  R[$b.report_max_ms]=$(sort -n "$WORK/$b.report.times" | tail -1)
  R[$b.report_kept_ms]=$(for _ in 1 2 3 4 5; do
      curl -s "$REPORT_URL" -H "$AUTH" -o /dev/null -w '%{time_total}\n'; done |
    awk '{ printf "%.1f\n", $1 * 1000 }' | median)
  ROOT_PATH="/$ROOT_UNIT/"
  sed -e "s|:PLAN|$PLAN|g; s|:YEAR|$REPORT_YEAR|g; s|:ROOT|$ROOT_PATH|g" bench/report.sql >"$WORK/report.sql"
  R[$b.raw_ms]=$(for _ in 1 2 3 4 5 6; do
      if [ "$b" = sqlite ]; then
        { echo ".timer on"; echo ".output /dev/null"; cat "$WORK/report.sql"; } | sqlite3 "$DB" |
          awk '/^Run Time/ { s += $4 } END { printf "%.1f\n", s * 1000 }'
      else
        { echo '\timing on'; echo '\o /dev/null'; cat "$WORK/report.sql"; } | psql -X -q "$DB" |
          awk '/^Time:/ { s += $2 } END { printf "%.1f\n", s }'
      fi
    done | tail -5 | median)
  echo "   report     ${R[$b.report_ms]} ms computed (slowest ${R[$b.report_max_ms]}), ${R[$b.report_kept_ms]} ms kept (raw SQL ${R[$b.raw_ms]} ms)"

  # Evidence writes; on PostgreSQL, sample who waits on a lock meanwhile (the ledger_head
  # row, which only the sealers take now: this should stay near 0).
  export CRITERION_ID=$CRITERION UNIT_ID=$UNIT YEAR=$LAST_YEAR
  if [ "$b" = postgres ]; then
    ( while true; do
        psql -X -qAt "$DB" -c "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),
                                      count(*) FILTER (WHERE state = 'active' AND query NOT LIKE '%pg_stat_activity%')
                               FROM pg_stat_activity WHERE datname = '$PG_DB'" 2>/dev/null
        sleep 0.1
      done ) >"$WORK/locks" &
    LOCK_PID=$!
  fi
  run_wrk post "$BASE/api/v1/evidence" post.lua "$WRITE_CONNECTIONS"
  if [ "$b" = postgres ]; then
    kill "$LOCK_PID" 2>/dev/null || true
    wait "$LOCK_PID" 2>/dev/null || true
    R[$b.lock_share]=$(awk -F'|' '{ w += $1; a += $2 } END { if (a) printf "%.0f", 100 * w / a; else print "?" }' "$WORK/locks")
    echo "   writers waiting on a lock: ${R[$b.lock_share]}% of active backends (sampled)"
    # The same writes one at a time: no one waits for the ledger row.
    run_wrk post1 "$BASE/api/v1/evidence" post.lua 1
  fi

  # Importing learning records: a CSV of IMPORT_ROWS completed courses, new to the data set.
  STAFF_N=$(awk '/^created [0-9]+ staff$/ { print $2 }' "$WORK/$b.seed")
  awk -v n="$IMPORT_ROWS" -v staff="$STAFF_N" -v p="$PREFIX" -v y="$LAST_YEAR" 'BEGIN {
      print "staff_code,course_code,course_title,completed_on,certificate_id"
      for (i = 0; i < n; i++) {
        s = i % staff + 1; c = int(i / staff) + 1
        printf "%s%06d,BENCH-%02d,Kỹ năng số – học phần %d,%d-%02d-%02d,BENCH-%07d\n", p, s, c, c, y, (i % 9) + 1, (i % 28) + 1, i + 1
      }
    }' >"$WORK/import.csv"
  R[$b.import_s]=$(curl -s -X POST "$BASE/api/v1/learning-records/import?criterion_id=$LEARNING" \
    -H "$AUTH" -H 'Content-Type: text/csv' --data-binary "@$WORK/import.csv" \
    -o "$WORK/$b.import.json" -w '%{time_total}')
  R[$b.imported]=$(grep -o '"imported":[0-9]*' "$WORK/$b.import.json" | cut -d: -f2)
  echo "   import     ${R[$b.imported]} of $IMPORT_ROWS rows in ${R[$b.import_s]} s"

  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=
  R[$b.rss_load_kb]=$(cat "$WORK/$b.rss_peak" 2>/dev/null || echo 0)
  R[$b.anon_load_kb]=$(cat "$WORK/$b.anon_peak" 2>/dev/null || echo 0)
  R[$b.hwm_kb]=$(awk '/^VmHWM/ { print $2 }' "/proc/$SERVER_PID/status")

  # Start to ready on the existing database (median of 3 restarts).
  ready=()
  for _ in 1 2 3; do stop_server; start_server; ready+=("$STARTED_MS"); done
  R[$b.ready_ms]=$(printf '%s\n' "${ready[@]}" | median)
  echo "   ready in   ${R[$b.ready_ms]} ms after a restart; RSS idle $((R[$b.rss_idle_kb] / 1024)) MB, under load $((R[$b.rss_load_kb] / 1024)) MB"
  stop_server
  if [ "$b" = postgres ]; then
    psql -X -q "$(pg_url postgres)" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
  fi
done

# ---- the table -----------------------------------------------------------------------
cell() { local v=${R[$1.$2]:-}; if [ -n "$v" ]; then echo "$v"; else echo "–"; fi; }
ratio() { awk -v a="${R[$1.$2]:-0}" -v c="${R[$1.$3]:-0}" 'BEGIN { if (c > 0) printf "%.2f", a / c; else print "–" }'; }
mb() { awk -v k="${R[$1.$2]:-0}" 'BEGIN { printf "%.1f", k / 1024 }'; }
# verdict VALUE OP LIMIT: "met" or "missed by N%"
verdict() {
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (v == "–" || v == "") { print "–"; exit }
    ok = (op == ">=") ? v >= l : (op == ">") ? v > l : (op == "<") ? v < l : v <= l
    if (ok) print "met"; else if (op ~ />/) printf "missed by %.0f%%", 100 * (l - v) / l; else printf "missed by %.0f%%", 100 * (v - l) / l }'
}

row() { # label, then per backend: value, target text, verdict
  local label=$1; shift
  local line="| $label |"
  for b in $BACKENDS; do line+=" $1 | $2 |"; shift 2; done
  echo "$line"
}

{
  header="| measure |"; sep="|---|"
  for b in $BACKENDS; do header+=" $b | target, verdict |"; sep+="---:|---|"; done
  echo "$header"; echo "$sep"
  args=(); for b in $BACKENDS; do args+=("$(cell "$b" seed_s) s" "well under a minute: $(verdict "$(cell "$b" seed_s)" "<" 60)"); done
  row "seed-bench (defaults)" "${args[@]}"
  args=(); for b in $BACKENDS; do args+=("$(cell "$b" healthz_rps) req/s, p99 $(cell "$b" healthz_p99) ms" "the ceiling"); done
  row "GET /healthz" "${args[@]}"
  args=(); for b in $BACKENDS; do
    t=0.5; [ "$b" = postgres ] && t=0.25
    r=$(ratio "$b" plan_rps healthz_rps)
    args+=("$(cell "$b" plan_rps) req/s = **${r}×** ceiling; p50 $(cell "$b" plan_p50) / p99 $(cell "$b" plan_p99) ms" "≥ ${t}×: $(verdict "$r" ">=" $t); p99 < 25 ms: $(verdict "$(cell "$b" plan_p99)" "<" 25)"); done
  row "GET /plans/{id} (auth)" "${args[@]}"
  args=(); for b in $BACKENDS; do
    t=0.5; [ "$b" = postgres ] && t=0.25
    r=$(ratio "$b" criteria_rps healthz_rps)
    args+=("$(cell "$b" criteria_rps) req/s = **${r}×** ceiling; p50 $(cell "$b" criteria_p50) / p99 $(cell "$b" criteria_p99) ms" "≥ ${t}×: $(verdict "$r" ">=" $t); p99 < 25 ms: $(verdict "$(cell "$b" criteria_p99)" "<" 25)"); done
  row "GET /plans/{id}/criteria, 40 criteria (auth)" "${args[@]}"
  args=(); for b in $BACKENDS; do
    t=0.5; [ "$b" = postgres ] && t=0.25
    r=$(ratio "$b" criteria_gz_rps healthz_rps)
    args+=("$(cell "$b" criteria_gz_rps) req/s = **${r}×** ceiling; p50 $(cell "$b" criteria_gz_p50) / p99 $(cell "$b" criteria_gz_p99) ms" "≥ ${t}×: $(verdict "$r" ">=" $t); p99 < 25 ms: $(verdict "$(cell "$b" criteria_gz_p99)" "<" 25)"); done
  row "the same, \`Accept-Encoding: gzip\` (as browsers send)" "${args[@]}"
  args=(); for b in $BACKENDS; do args+=("$(cell "$b" list_rps) req/s ($(ratio "$b" list_rps healthz_rps)×); p50 $(cell "$b" list_p50) / p99 $(cell "$b" list_p99) ms; total $(cell "$b" list_total)" "p99 < 25 ms: $(verdict "$(cell "$b" list_p99)" "<" 25)"); done
  row "GET /evidence, filtered, 50 per page, with total" "${args[@]}"
  args=(); for b in $BACKENDS; do
    t=5000; [ "$b" = postgres ] && t=2000
    args+=("$(cell "$b" post_rps) writes/s; p50 $(cell "$b" post_p50) / p99 $(cell "$b" post_p99) ms; non-2xx $(cell "$b" post_errors)" "> $t/s: $(verdict "$(cell "$b" post_rps)" ">" $t)"); done
  row "POST /evidence (+ audit, change event), $WRITE_CONNECTIONS conn." "${args[@]}"
  if [[ " $BACKENDS " == *" postgres "* ]]; then
    args=(); for b in $BACKENDS; do
      if [ "$b" = postgres ]; then args+=("$(cell "$b" post1_rps) writes/s at 1 conn. (p50 $(cell "$b" post1_p50) ms); lock waits $(cell "$b" lock_share)% of active backends at $WRITE_CONNECTIONS" "see notes"); else args+=("–" ""); fi; done
    row "POST /evidence: one connection; lock waits" "${args[@]}"
  fi
  args=(); for b in $BACKENDS; do
    r=$(awk -v a="$(cell "$b" report_ms)" -v c="$(cell "$b" raw_ms)" 'BEGIN { if (c > 0) printf "%.2f", a / c; else print "–" }')
    args+=("computed $(cell "$b" report_ms) ms (slowest of 9: $(cell "$b" report_max_ms) ms); raw SQL $(cell "$b" raw_ms) ms = **${r}×**; same version again (kept) $(cell "$b" report_kept_ms) ms" "< 300 ms: $(verdict "$(cell "$b" report_ms)" "<" 300); ≤ 1.5× raw: $(verdict "$r" "<=" 1.5)"); done
  row "yearly report, whole province" "${args[@]}"
  args=(); for b in $BACKENDS; do args+=("$(cell "$b" import_s) s ($(cell "$b" imported) imported)" "< 10 s: $(verdict "$(cell "$b" import_s)" "<" 10)"); done
  row "import $IMPORT_ROWS learning records" "${args[@]}"
  args=(); for b in $BACKENDS; do args+=("$(mb "$b" rss_idle_kb) MB idle ($(mb "$b" anon_idle_kb) MB anonymous); $(mb "$b" rss_load_kb) MB under load ($(mb "$b" anon_load_kb) MB anonymous; peak RSS $(mb "$b" hwm_kb) MB)" "< 50 MB idle: $(verdict "$(mb "$b" rss_idle_kb)" "<" 50)"); done
  row "resident memory" "${args[@]}"
  args=(); for b in $BACKENDS; do args+=("$(cell "$b" ready_ms) ms" ""); done
  row "start → ready, existing database" "${args[@]}"
} >"$WORK/table.md"

echo
cat "$WORK/table.md"

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -qv '^??' && echo " (with uncommitted changes)" || true)
{
  echo "# Benchmarks"
  echo
  echo "Written by \`bench/run.sh\` (see README, \"Benchmark\"). Server, PostgreSQL and wrk share the machine;"
  echo "loopback; release build; \`RUST_LOG=warn\`; default pool sizes (SQLite 4, PostgreSQL 10); reads with"
  echo "$CONNECTIONS connections, writes with $WRITE_CONNECTIONS, $DURATION s each (\`wrk -t2\`)."
  echo
  echo "- machine: $(nproc) cores, $cpu, $mem RAM, Linux $(uname -r)"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $commit$dirty"
  echo "- PostgreSQL connection: \`${PG_PARAMS:-the defaults of libpq}\` (\`PG_PARAMS\`)"
  echo "- data (seed-bench defaults${SEED_ARGS:+, $SEED_ARGS}): $(grep '^created' "$WORK/$(echo "$BACKENDS" | awk '{ print $1 }').seed" | sed 's/^created //' | paste -sd, - | sed 's/,/, /g')"
  echo "- evidence list: \`$LIST_PATH&page=1..40\`; report: \`GET /api/v1/reports/plans/{id}/yearly?year=$REPORT_YEAR\` as admin (the whole province); raw SQL: \`bench/report.sql\`"
  echo
  cat "$WORK/table.md"
  if [ -f "$ROOT/bench/findings.md" ]; then
    echo
    cat "$ROOT/bench/findings.md"
  fi
} >"$OUT"
echo
echo "wrote $OUT"
