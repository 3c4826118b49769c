#!/usr/bin/env bash
# A Docker engine of the run's own, for machines where none runs (CI, this project's machines):
#
#   docker/engine.sh start   installs docker.io (and docker-compose) when missing, starts dockerd on
#                            its own socket and folders, with published ports bound to 127.0.0.1;
#                            prints `export DOCKER_HOST=...`
#   docker/engine.sh stop    stops that dockerd and removes what it leaves behind: its containers'
#                            shims, the docker0/br-* links, its iptables/nft chains, its cgroups,
#                            /run/docker and /run/containerd, and its working folder
#
# When an engine already answers (DOCKER_HOST or /var/run/docker.sock), `start` uses it and `stop`
# leaves it alone. Image layers are kept in the per-user cache (ASE_DOCKER_ROOT) so a second run
# on the same machine builds nothing again; `stop --purge` removes them too.
set -euo pipefail

W="${ASE_DOCKER_DIR:-/tmp/ase-docker-$(id -u)}"
ROOT="${ASE_DOCKER_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/amplify-storage-emulator/docker/engine}"
SOCK="$W/docker.sock"
PIDFILE="$W/dockerd.pid"
OURS="$W/.started-by-ase"

log() { echo "[engine +${SECONDS}s] $*" >&2; }

engine_answers() { DOCKER_HOST="$1" timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

install_engine() {
  local need=()
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
  command -v docker >/dev/null 2>&1 || need+=(docker.io)
  if [ ${#need[@]} -eq 0 ]; then return; fi
  if [ "$(id -u)" != 0 ]; then log "needs ${need[*]}: install them (apt-get install ${need[*]}) or run as root"; exit 1; fi
  log "installing ${need[*]} (Debian packages)"
  flock /tmp/apt.lock sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${need[*]} >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${need[*]} >/dev/null; }"
}

start() {
  for candidate in "${DOCKER_HOST:-}" "unix:///var/run/docker.sock"; do
    if [ -n "$candidate" ] && engine_answers "$candidate"; then
      log "using the engine at $candidate"
      echo "export DOCKER_HOST=$candidate"
      return
    fi
  done
  install_engine
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && engine_answers "unix://$SOCK"; then
    log "dockerd already running (pid $(cat "$PIDFILE"))"
    echo "export DOCKER_HOST=unix://$SOCK"
    return
  fi
  if pgrep -x dockerd >/dev/null 2>&1; then
    log "another dockerd runs on this machine (pid $(pgrep -x dockerd | head -1)); only one can. Point DOCKER_HOST at it, or stop it."
    exit 1
  fi
  mkdir -p "$W" "$ROOT"
  touch "$OURS"
  cat /proc/sys/net/ipv4/ip_forward > "$W/ip_forward" 2>/dev/null || true
  { iptables -S FORWARD 2>/dev/null | head -1 | awk '{print $3}'; } > "$W/forward_policy" || true
  log "starting dockerd (socket $SOCK, layers in $ROOT)"
  # --ip 127.0.0.1: every published port binds loopback only. No userland proxy: plain DNAT.
  dockerd --host "unix://$SOCK" --data-root "$ROOT" --exec-root "$W/exec" --pidfile "$PIDFILE" \
    --storage-driver overlay2 --ip 127.0.0.1 --log-level warn >"$W/dockerd.log" 2>&1 &
  for _ in $(seq 1 100); do
    if engine_answers "unix://$SOCK"; then
      log "dockerd $(DOCKER_HOST="unix://$SOCK" docker version --format '{{.Server.Version}}') ready"
      echo "export DOCKER_HOST=unix://$SOCK"
      return
    fi
    sleep 0.2
  done
  log "dockerd did not answer within 20 s; its log:"; tail -20 "$W/dockerd.log" >&2
  stop
  exit 1
}

stop() {
  [ -f "$OURS" ] || { log "no dockerd of ours to stop"; return 0; }
  export DOCKER_HOST="unix://$SOCK"
  if engine_answers "$DOCKER_HOST"; then
    local ids
    ids="$(docker ps -aq 2>/dev/null || true)"
    [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1 || true
    docker network prune -f >/dev/null 2>&1 || true
  fi
  if [ -f "$PIDFILE" ]; then
    local pid; pid="$(cat "$PIDFILE")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  # dockerd stops the containerd it started; make sure, by that containerd's own pidfile.
  local cpid="$W/exec/containerd/containerd.pid"
  if [ -f "$cpid" ]; then kill "$(cat "$cpid")" 2>/dev/null || true; sleep 0.5; kill -9 "$(cat "$cpid")" 2>/dev/null || true; fi
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^(docker0|br-[0-9a-f]{12}|veth)' || true); do
    ip link delete "$link" 2>/dev/null || true
  done
  if command -v iptables >/dev/null 2>&1; then
    for table in filter nat; do
      for chain in DOCKER DOCKER-ISOLATION-STAGE-1 DOCKER-ISOLATION-STAGE-2 DOCKER-USER; do
        { iptables -t "$table" -S 2>/dev/null | grep -E "^-A (FORWARD|OUTPUT|PREROUTING|POSTROUTING) .*(-j $chain\b|docker0|br-)" || true; } | sed 's/^-A/-D/' \
          | while read -r rule; do eval "iptables -t $table $rule" 2>/dev/null || true; done
        iptables -t "$table" -F "$chain" 2>/dev/null || true
        iptables -t "$table" -X "$chain" 2>/dev/null || true
      done
    done
    # dockerd sets FORWARD's policy to DROP; put back what it was.
    local policy; policy="$(cat "$W/forward_policy" 2>/dev/null || true)"
    [ -n "$policy" ] && iptables -P FORWARD "$policy" 2>/dev/null || true
  fi
  for cg in /sys/fs/cgroup/*/docker /sys/fs/cgroup/docker; do
    [ -d "$cg" ] && find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  [ -f "$W/ip_forward" ] && cat "$W/ip_forward" > /proc/sys/net/ipv4/ip_forward 2>/dev/null || true
  rm -rf /run/docker /run/containerd /var/run/docker.pid 2>/dev/null || true
  # Namespaces and mounts under the exec root, then the folder itself; and what a dockerd that was
  # killed outright left mounted under the layer root (it bind-mounts that root onto itself).
  { grep -oE " ($W|$ROOT)[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$W" || true
  if [ "${1:-}" = "--purge" ]; then rm -rf "$ROOT"; fi
  log "stopped dockerd and removed what it left"
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "${1:-}" ;;
  *) echo "usage: $0 start | stop [--purge]" >&2; exit 2 ;;
esac
