import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProfileStore } from './open-store';
import { readStoreSnapshot } from './store-file';
import { sampleProfile, storeFile, useTempDirs } from './test-support';

const WRITER = path.join(import.meta.dirname, 'fixtures', 'concurrent-writer.ts');
const UPDATES = 300;
const FORWARDS = 600;

interface ReadStats {
  reads: number;
  parseErrors: number;
  invalidStores: number;
  revisions: Set<string>;
  writerExit: number | null;
}

/** Runs the writer in a child process while this process reads the file as fast as it can. */
async function readWhileWriting(dir: string, mode: string[] = []): Promise<ReadStats> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WRITER, dir, String(UPDATES), ...mode],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));

  const stats: ReadStats = {
    reads: 0,
    parseErrors: 0,
    invalidStores: 0,
    revisions: new Set(),
    writerExit: null,
  };
  const file = storeFile(dir);
  const deadline = Date.now() + 60_000;
  while (!done && Date.now() < deadline) {
    for (let i = 0; i < 20; i++) {
      stats.reads++;
      const text = fs.readFileSync(file, 'utf8');
      try {
        JSON.parse(text);
      } catch {
        stats.parseErrors++;
        continue;
      }
      // The CLI's loader on the same file: must see a whole, valid store every time.
      const snapshot = readStoreSnapshot(file);
      const [profile] = snapshot.profiles;
      if (snapshot.issues.length || !profile || profile.forwards.length !== FORWARDS) {
        stats.invalidStores++;
      } else stats.revisions.add(profile.name);
    }
    // Let the child's exit event through.
    await new Promise((resolve) => setImmediate(resolve));
  }
  stats.writerExit = await exited;
  if (stats.writerExit !== 0) throw new Error(`writer failed: ${stderr}`);
  return stats;
}

function seed(dir: string): void {
  const repo = openProfileStore({ dir });
  repo.create({
    ...sampleProfile,
    name: 'rev 0',
    forwards: Array.from({ length: FORWARDS }, (_, i) => ({
      id: `f${i}`,
      name: `forward number ${i} to the database cluster`,
      type: 'local' as const,
      bindPort: 10_000 + i,
      targetHost: `db-${i}.internal.example`,
      targetPort: 5432,
    })),
  });
}

describe('a reader while another process writes', () => {
  const tempDir = useTempDirs();

  it('never sees half a file: every read parses and is a valid store', async () => {
    const dir = tempDir();
    seed(dir);
    expect(fs.statSync(storeFile(dir)).size).toBeGreaterThan(100_000);

    const stats = await readWhileWriting(dir);

    expect(stats.parseErrors).toBe(0);
    expect(stats.invalidStores).toBe(0);
    // The reads really overlapped the writes: many different revisions were seen.
    expect(stats.reads).toBeGreaterThan(100);
    expect(stats.revisions.size).toBeGreaterThan(10);
    expect(readStoreSnapshot(storeFile(dir)).profiles[0]?.name).toBe(`rev ${UPDATES}`);
    // No temp files left behind.
    expect(fs.readdirSync(dir)).toEqual(['profiles.json']);
  }, 90_000);

  it('control: the same reader does catch torn files from a plain in-place writer', async () => {
    // Proves the test above could fail: without write-temp-then-rename, reads see half files.
    const dir = tempDir();
    seed(dir);
    const stats = await readWhileWriting(dir, ['--torn']);
    expect(stats.parseErrors + stats.invalidStores).toBeGreaterThan(0);
  }, 90_000);
});
