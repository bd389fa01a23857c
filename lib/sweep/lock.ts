/**
 * Exclusive files with a holder inside: the sweep runner's lock and a task's running marker. Whether a
 * holder is alive can be checked only on its own machine; there a lock of a dead process is stale.
 * @packageDocumentation
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';

import { SloppyError } from '../errors';
import { pidAlive, readJson } from './files';

/** Who holds a lock, and what else the holder recorded. */
export interface LockHolder {
  pid: number;
  host: string;
  started: string;
  [key: string]: unknown;
}

/** A held lock. */
export interface Lock {
  holder: LockHolder;
  release(): Promise<void>;
}

/** Whether a lock holder may still be working: alive here, or on another machine (which cannot be checked). */
export function holderAlive(holder: LockHolder): boolean {
  return holder.host !== os.hostname() || pidAlive(holder.pid);
}

/**
 * Creates `file` holding this process (and `extra`), taking over a stale one; a live holder's lock is
 * refused with ERR_SWEEP_LOCKED, the message saying `what` is held, by whom, and then `hint`.
 */
export async function takeLock(file: string, what: string, hint = '', extra: Record<string, unknown> = {}): Promise<Lock> {
  const holder: LockHolder = { ...extra, pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(holder));
  try {
    for (let tries = 0; ; ++tries) {
      try {
        // link() creates the lock with its content in one step, and fails when one exists.
        await fs.link(tmp, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const other = await readJson<LockHolder>(file);
        if (tries > 0 || (other !== undefined && holderAlive(other))) {
          const who = other ? `process ${other.pid} on ${other.host}, since ${other.started}` : 'another process';
          throw new SloppyError('ERR_SWEEP_LOCKED', `${what} is held by ${who}${hint && `; ${hint}`}`, { holder: other });
        }
        await fs.rm(file, { force: true });
      }
    }
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return {
    holder,
    async release() {
      const now = await readJson<LockHolder>(file);
      if (now?.pid === holder.pid && now.started === holder.started) await fs.rm(file, { force: true });
    },
  };
}
