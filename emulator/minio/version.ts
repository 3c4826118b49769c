/**
 * The MinIO server this project runs, pinned in exactly one place.
 *
 * The community edition is source-only and frozen: the pin is a pseudo-version of the last commit
 * of github.com/minio/minio (2026-02-12). It carries the fix for CVE-2025-62506 (session policies
 * not checked for some own-account operations, fixed in RELEASE.2025-10-15T17-29-55Z); never pin
 * anything older. The binary itself reports `DEVELOPMENT.GOGET`; `go version -m <binary>` shows
 * the module version it was built from.
 */
export const MINIO_MODULE = 'github.com/minio/minio';
export const MINIO_VERSION = 'v0.0.0-20260212201848-7aac2a2c5b7c';

/** The oldest Go toolchain that can build {@link MINIO_VERSION} (its go.mod says `go 1.24.0`). */
export const MINIO_MIN_GO = '1.24';

/**
 * How the pinned version is built: `go build <flags>` of its source, with the start-up patch of
 * ./source-patch.ts. Without the symbol table and DWARF (`-s -w`) the binary is 112 MB instead of
 * 150 MB. Stack traces still name functions and lines (those tables stay).
 */
export const MINIO_BUILD_FLAGS: readonly string[] = ['-trimpath', '-ldflags=-s -w'];

/**
 * The cache folder's name for a build of `version` as this project builds it (flags and patch):
 * a binary built otherwise (by a release before 2026-12-02: unpatched, or unstripped too) is not
 * taken for one.
 */
export function minioBuildName(version: string): string {
  return `${version}-stripped-lazy-checksum`;
}
