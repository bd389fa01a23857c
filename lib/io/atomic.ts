/**
 * Files that appear whole or not at all: written under a temporary name in the same folder (so the rename
 * stays on one file system and is atomic), synced, then renamed. A killed process leaves at most a temporary
 * file, never a truncated one under the real name; each write has its own temporary name, so concurrent
 * writers of one file in one process cannot collide.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';

/** A fresh temporary name beside `target`: `.<name>.<pid>.<random>.tmp`. */
export function tempName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes `data` to `file` atomically, creating its folder. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const target = path.resolve(file);
  await mkdir(path.dirname(target), { recursive: true });
  const temp = tempName(target);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
