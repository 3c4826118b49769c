import net from 'node:net';
import { Duplex } from 'node:stream';

/**
 * A TCP server for one port that speaks TLS and something else: each connection goes, by its
 * first byte, to `tls` (0x16, a TLS handshake record; the bytes replayed) or to `other` (the raw
 * socket, paused, and the bytes read). `sockets` holds the open connections, to destroy on close.
 */
export function sniffingServer(
  tls: { emit(event: 'connection', stream: Duplex): unknown },
  other: (socket: net.Socket, first: Buffer) => void,
): { server: net.Server; sockets: Set<net.Socket> } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.pause();
      if (first[0] === 0x16) tls.emit('connection', replaying(socket, first));
      else other(socket, first);
    });
  });
  return { server, sockets };
}

/**
 * A connection's byte stream after the front door has read its first bytes, as a plain Duplex
 * that replays them. (A net.Socket handed on after `unshift` would not do: the TLS layer reads
 * the socket's native handle directly and would never see the bytes already read.)
 */
export function replaying(socket: net.Socket, already: Buffer): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  if (already.length > 0) stream.push(already);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  socket.on('error', (error) => stream.destroy(error));
  return stream;
}

/**
 * Reads an HTTP/1.1 request head (up to the blank line) from a connection's first bytes.
 * Resolves with the head and whatever bytes followed it, or undefined when the head is too large.
 */
export function readHead(socket: net.Socket, first: Buffer, limit = 16 * 1024): Promise<{ head: string; rest: Buffer } | undefined> {
  return new Promise((resolve) => {
    let buffered = first;
    const check = (): boolean => {
      const end = buffered.indexOf('\r\n\r\n');
      if (end !== -1) {
        socket.off('data', onData);
        socket.pause();
        resolve({ head: buffered.subarray(0, end).toString('latin1'), rest: buffered.subarray(end + 4) });
        return true;
      }
      if (buffered.length > limit) {
        socket.off('data', onData);
        resolve(undefined);
        return true;
      }
      return false;
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      check();
    };
    if (!check()) {
      socket.on('data', onData);
      socket.resume();
    }
  });
}
