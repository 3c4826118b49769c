#!/usr/bin/env bash
# npm run test:containers: the container tests, from nothing. Uses the Docker engine that answers
# (DOCKER_HOST, /var/run/docker.sock) or installs and starts one of its own (docker/engine.sh), builds
# the images (docker/build.sh: local base images where no registry answers), runs
# test/containers/ (compose, the testcontainers module, the container-backed MinIO), and on every
# exit path stops what it started: the tests remove their containers, networks and volumes, then
# the engine it started goes with everything it left. ASE_KEEP_ENGINE=1 keeps that engine running
# (and its DOCKER_HOST in /tmp/ase-docker-$(id -u)/docker.sock) for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
phase() { echo "== test:containers: $* ($(( $(date +%s) - started )) s)"; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "${ASE_KEEP_ENGINE:-}" != 1 ]; then docker/engine.sh stop || rc=1; fi
  phase "done, exit $rc"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

eval "$(docker/engine.sh start)"
export DOCKER_HOST
phase "engine ready at $DOCKER_HOST"
# The build `npm test` just made is reused (CI runs this after it); else build.
if [ ! -f dist/cli/bin.js ] || [ -n "$(git ls-files -z 2>/dev/null | xargs -0 find 2>/dev/null -newer dist/cli/bin.js -type f | head -1)" ]; then
  npm run build --silent
fi
node dist/cli/bin.js setup >/dev/null   # the pinned MinIO, which the local MinIO base image carries
docker/build.sh
phase "images built"
# Ryuk (testcontainers' reaper) would be pulled from a registry; the tests stop what they start.
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
npx vitest run --config vitest.containers.config.ts
phase "tests passed"
