/** `ase doctor`'s look for a Docker engine (not needed: MinIO runs as a local process). */
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface DockerProbe {
  reachable: boolean;
  endpoint?: string;
  detail: string;
}

/** Looks for a Docker engine: DOCKER_HOST, then the usual unix sockets; pings `/_ping`. */
export async function probeDocker(env: NodeJS.ProcessEnv): Promise<DockerProbe> {
  const home = env.HOME || homedir();
  const candidates: string[] = [];
  if (env.DOCKER_HOST) candidates.push(env.DOCKER_HOST);
  for (const p of [
    '/var/run/docker.sock',
    join(home, '.docker/run/docker.sock'),
    join(home, '.colima/default/docker.sock'),
    join(home, '.orbstack/run/docker.sock'),
    env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'docker.sock') : '',
  ]) {
    if (p) candidates.push(`unix://${p}`);
  }
  const tried: string[] = [];
  for (const endpoint of candidates) {
    const result = await pingDocker(endpoint);
    if (result === true) return { reachable: true, endpoint, detail: 'engine answered /_ping' };
    tried.push(`${endpoint}: ${result}`);
  }
  return { reachable: false, detail: `no Docker engine reachable (${tried.join('; ')})` };
}

function pingDocker(endpoint: string): Promise<true | string> {
  let target: { path: string } | { host: string; port: number };
  if (endpoint.startsWith('unix://')) target = { path: endpoint.slice('unix://'.length) };
  else if (endpoint.startsWith('tcp://')) {
    const u = new URL(`http://${endpoint.slice('tcp://'.length)}`);
    target = { host: u.hostname, port: Number(u.port || 2375) };
  } else return Promise.resolve('unsupported DOCKER_HOST scheme');
  return new Promise((resolve) => {
    const socket = connect(target as never);
    let data = '';
    const done = (r: true | string) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => done('timeout'), 1_500);
    socket.on('connect', () => socket.write('GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n'));
    socket.on('data', (d) => {
      data += d.toString();
      if (/^HTTP\/1\.[01] 200/.test(data)) done(true);
      else if (data.includes('\r\n')) done(`answered ${data.split('\r\n')[0]}`);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    socket.on('close', () => done('closed'));
  });
}
