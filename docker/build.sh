#!/usr/bin/env bash
# Builds the two images from this checkout:
#   amplify-storage-emulator:local        (docker/Dockerfile --target emulator)
#   amplify-storage-emulator-minio:local  (docker/Dockerfile --target minio)
# The build context is the npm package as `npm pack` makes it, plus its production dependencies
# installed on this machine (`npm ci --omit=dev`), so nothing in the build needs the network.
# Base images: the public ones when a registry answers, else (or with ASE_LOCAL_BASES=1) the local
# stand-ins of docker/build-local-bases.sh. Extra arguments go to `docker build`.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[build +${SECONDS}s] $*" >&2; }

TAG="${ASE_IMAGE_TAG:-local}"
NODE_IMAGE_PUBLIC="$(sed -n 's/^ARG NODE_IMAGE=//p' docker/Dockerfile)"
# The context folder goes on every exit path: the EXIT trap covers errors and INT/TERM/HUP (turned
# into exits); a run killed outright (SIGKILL) leaves one named after its pid, which the next run
# removes once that pid is gone.
for stale in "${TMPDIR:-/tmp}"/ase-image-context.*; do
  [ -d "$stale" ] || continue
  owner="${stale#*/ase-image-context.}"; owner="${owner%%.*}"
  if ! kill -0 "$owner" 2>/dev/null; then rm -rf "$stale"; fi
done
ctx=""
deps_pid=""
trap '[ -z "$deps_pid" ] || { kill "$deps_pid" 2>/dev/null; wait "$deps_pid" 2>/dev/null; rm -rf "$deps.tmp" "$deps.tar.tmp"; }; [ -z "$ctx" ] || rm -rf "$ctx"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
ctx="$(mktemp -d "${TMPDIR:-/tmp}/ase-image-context.$$.XXXXXX")"
[ -f dist/cli/bin.js ] || npm run build --silent
npm pack --ignore-scripts --silent --pack-destination "$ctx" >/dev/null
tar -xzf "$ctx"/amplify-storage-emulator-*.tgz -C "$ctx" && rm "$ctx"/amplify-storage-emulator-*.tgz
# Production dependencies (npm ci --omit=dev), cached per lockfile, as ONE tarball that the
# Dockerfile ADDs (and the engine unpacks): the legacy builder (Debian's dockerd has no BuildKit
# client here) sends a context of ~20k small files slowly, one file of the same bytes quickly.
deps="${XDG_CACHE_HOME:-$HOME/.cache}/amplify-storage-emulator/docker/deps-$(sha256sum package-lock.json | cut -c1-16)"
# Installed while the base images are made (network and CPU both, on a fresh machine).
install_deps() {
  log "production dependencies (npm ci --omit=dev)"
  rm -rf "$deps.tmp" "$deps.tar.tmp" && mkdir -p "$deps.tmp"
  cp package-lock.json "$ctx/package/package.json" "$deps.tmp/"
  # npm ci when it can; npm install with the same lockfile when npm ci refuses it (npm ci rejects
  # some lockfiles npm install accepts, e.g. with bundled dependencies of dev-only packages).
  (cd "$deps.tmp" && { npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null 2>&1 \
    || npm install --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null; })
  rm -f "$deps.tmp/package.json" "$deps.tmp/package-lock.json"
  # Sorted, with fixed owners and times: the same lockfile gives the same bytes (and a cached layer).
  tar -C "$deps.tmp" --sort=name --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00Z' -cf "$deps.tar.tmp" node_modules
  rm -rf "$deps.tmp"
  mv "$deps.tar.tmp" "$deps.tar"
  log "production dependencies packed"
}
deps_pid=""
if [ ! -s "$deps.tar" ]; then install_deps & deps_pid=$!; fi

args=()
if [ "${ASE_LOCAL_BASES:-}" != 1 ] && { docker image inspect "$NODE_IMAGE_PUBLIC" >/dev/null 2>&1 || timeout 20 docker pull -q "$NODE_IMAGE_PUBLIC" >/dev/null 2>&1; }; then
  log "base images from the registry ($NODE_IMAGE_PUBLIC, ...)"
else
  log "no image registry answers: building local stand-ins of the base images"
  bases="$(docker/build-local-bases.sh)"
  read -r -a args <<<"$bases"
fi
if [ -n "$deps_pid" ]; then wait "$deps_pid" || { log "installing the production dependencies failed"; exit 1; }; deps_pid=""; fi
ln "$deps.tar" "$ctx/deps.tar" 2>/dev/null || cp "$deps.tar" "$ctx/deps.tar"

# What a separate MinIO needs to serve the emulator, from the one place that says it.
while IFS='=' read -r key value; do
  args+=(--build-arg "$key=$value")
done < <(node --input-type=module -e "
  const { minioSettingsForEmulator } = await import('./dist/emulator/minio/trust.js');
  for (const [k, v] of Object.entries(minioSettingsForEmulator(''))) if (k !== 'MINIO_IDENTITY_OPENID_CONFIG_URL') console.log(k + '=' + v);
")

# The MinIO image takes nothing from the context: build it from an empty one.
mkdir -p "$ctx/empty"
log "docker build --target minio -t amplify-storage-emulator-minio:$TAG"
docker build -q -f docker/Dockerfile --target minio -t "amplify-storage-emulator-minio:$TAG" "${args[@]}" "$@" "$ctx/empty" >/dev/null
rmdir "$ctx/empty"
log "docker build --target emulator -t amplify-storage-emulator:$TAG"
docker build -q -f docker/Dockerfile --target emulator -t "amplify-storage-emulator:$TAG" "${args[@]}" "$@" "$ctx" >/dev/null
log "images built"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^amplify-storage-emulator(-minio)?:$TAG " >&2
