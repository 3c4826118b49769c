/** Default ports of `ase up` (the emulator; MinIO's S3 API): stable, so an app's endpoints stay the same across restarts. */
export const DEFAULT_EMULATOR_PORT = 4580;
export const DEFAULT_S3_PORT = 4581;
