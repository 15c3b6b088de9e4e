#!/bin/sh
# Builds the harness's servers and runs the load scenarios; writes benchmarks/RESULTS.md.
#   benchmarks/load/run.sh --quick   (one short run, under 2 minutes)
#   benchmarks/load/run.sh --full    (two runs of every scenario; under 15 minutes)
set -e
# P6 holds 10,000 sessions: the server needs a descriptor per connection, each client
# process one per session. Raise the soft limit to the hard one (20,000 here).
ulimit -n "$(ulimit -H -n)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 12000 ] || echo "warning: ulimit -n is $(ulimit -n); P6 needs about 12,000" >&2
cd "$(dirname "$0")/../.."
# Compiles what the servers run (target/classes and target/load-classpath.txt); the JMH jar and
# the format check (./mvnw verify has it) are left to the full build.
./mvnw -q -B -pl benchmarks -am process-classes -Dspring-javaformat.skip=true
cd benchmarks/load
exec node run.mjs "$@"
