import { parentPort } from 'node:worker_threads';
import { setGlobalDispatcher } from 'undici';
import { createStackDispatcher, type TransportTargets } from '../../emulator/transport/node.js';
import type { AmplifyOutputs } from '../../emulator/outputs.js';
import type { ScenarioCase } from '../scenario/types.js';
import type { ScenarioPlan } from './plan.js';
import { recordingDispatcher } from './request-recorder.js';
import { ScenarioClient } from './scenario-client.js';
import { signInHere, type SignedInSession } from './sign-in.js';

/**
 * Entry point of a client worker thread: its own aws-amplify module instance, its own transport
 * to the stack, one scenario's client half at a time, and between its cases sign-ins for any
 * scenario (one at a time). See client-workers.ts for the protocol.
 */
export type ToWorker =
  | { type: 'init'; targets: TransportTargets }
  | { type: 'signIn'; id: number; outputs: AmplifyOutputs; user: { name: string; password: string; signInName?: string } }
  | { type: 'start'; id: number; plan: ScenarioPlan; outputs: AmplifyOutputs; sessions: SignedInSession[] }
  | { type: 'case'; id: number; case: ScenarioCase }
  | { type: 'end'; id: number };

export type FromWorker =
  | { type: 'ok'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string; name: string };

let client: ScenarioClient | undefined;

async function handle(message: ToWorker): Promise<unknown> {
  switch (message.type) {
    case 'init':
      setGlobalDispatcher(recordingDispatcher(createStackDispatcher(message.targets)));
      return undefined;
    case 'signIn':
      return signInHere(message.outputs, message.user);
    case 'start':
      client = new ScenarioClient(message.plan, message.outputs, message.sessions);
      return client.signInAll();
    case 'case':
      if (!client) throw new Error('no scenario started in this worker');
      return client.runCase(message.case);
    case 'end':
      client = undefined;
      return undefined;
  }
}

parentPort!.on('message', (message: ToWorker) => {
  const id = 'id' in message ? message.id : 0;
  handle(message).then(
    (value) => parentPort!.postMessage({ type: 'ok', id, value } satisfies FromWorker),
    (e: Error) => parentPort!.postMessage({ type: 'error', id, message: e.message, name: e.name } satisfies FromWorker),
  );
});
