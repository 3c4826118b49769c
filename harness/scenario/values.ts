/** Small readers of parsed YAML/JSON values, shared by the scenario loader's stages. */
import { isRecord } from '../../emulator/values.js';

export type Dict = Record<string, unknown>;

// One definition for emulator/ and harness/ (the emulator imports nothing from the harness).
export { isRecord, lowerFirst } from '../../emulator/values.js';

/** `value` when it is a mapping, else undefined. */
export function record(value: unknown): Dict | undefined {
  return isRecord(value) ? value : undefined;
}

