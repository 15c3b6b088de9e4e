#!/bin/sh
# Builds the harness's servers and runs the load scenarios; writes benchmarks/RESULTS.md.
#   benchmarks/load/run.sh --quick   (one short run, under 2 minutes)
#   benchmarks/load/run.sh --full    (three runs, under 15 minutes)
set -e
cd "$(dirname "$0")/../.."
./mvnw -q -B -pl benchmarks -am package -DskipTests
cd benchmarks/load
[ -d node_modules ] || npm ci --no-audit --no-fund
exec node run.mjs "$@"
