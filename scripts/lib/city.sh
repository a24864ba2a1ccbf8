# Sourced by scripts that need a running civicq: a schema of its own with the example city,
# an API key, and `civicq serve` on a free port.
#
#   . scripts/lib/city.sh
#   city_load BIN               migrates CIVICQ_SCHEMA and loads the example city into it
#   city_free_port              a free TCP port on 127.0.0.1
#   city_start BIN [SCHEMA]     exports CITY_SCHEMA, CITY_URL, CITY_KEY, CITY_SERVER_PID
#   city_stop                   stops the server, drops the schema
#
# Needs DATABASE_URL (scripts/pg-local start prints it).

city_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Migrates CIVICQ_SCHEMA and loads the example city into it (departments and their people,
# categories, calendar, routing rules); prints one line per step.
city_load() {
    local bin=$1 examples what
    examples=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../deploy/examples" && pwd)
    "$bin" migrate | tail -n 1
    for what in departments categories calendar routes; do
        "$bin" "$what" import "$examples/$what.yaml" | tail -n 1
    done
}

city_start() {
    local bin=$1
    CITY_BIN=$bin
    export CIVICQ_SCHEMA=${2:-city_$$}
    CITY_SCHEMA=$CIVICQ_SCHEMA
    city_load "$bin" >/dev/null
    CITY_KEY=$("$bin" keys create --source "${CITY_SOURCE:-hotline}" --rate "${CITY_RATE:-100000}" --burst "${CITY_RATE:-100000}" 2>/dev/null)
    local port
    port=$(city_free_port)
    CITY_URL="http://127.0.0.1:$port"
    LOG_LEVEL=${CITY_LOG_LEVEL:-warning} "$bin" serve --port "$port" --pool-size "${CITY_POOL:-8}" ${CITY_SERVE_ARGS:-} >"${CITY_LOG:-/dev/null}" 2>&1 &
    CITY_SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -fsS "$CITY_URL/readyz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    curl -fsS "$CITY_URL/readyz" >/dev/null || { echo "city: the server did not become ready" >&2; return 1; }
    export CITY_SCHEMA CITY_URL CITY_KEY CITY_SERVER_PID
}

city_stop() {
    if [ -n "${CITY_SERVER_PID:-}" ] && kill -0 "$CITY_SERVER_PID" 2>/dev/null; then
        kill -TERM "$CITY_SERVER_PID"
        wait "$CITY_SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "${CITY_SCHEMA:-}" ] && [ -z "${CITY_KEEP:-}" ]; then
        psql "$DATABASE_URL" -qc "DROP SCHEMA IF EXISTS \"$CITY_SCHEMA\" CASCADE" >/dev/null 2>&1 || true
    fi
}
