/**
 * What the bench's sections that run in processes of their own share (history-cpu.ts, import.ts):
 * a dynalite in a process of its own, and running a section's file as a child whose figures come
 * back through a JSON file.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** dynalite in a process of its own (its data in `path` when given, as `npm start` keeps it); answers its endpoint. */
export async function startDynalite(path?: string): Promise<{ endpoint: string; process: ChildProcess }> {
  const options = JSON.stringify({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const child = spawn(process.execPath, ['-e', `require('dynalite')(${options}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((done, fail) => {
    child.stdout!.once('data', (data: Buffer) => done(data.toString().trim()));
    child.once('exit', () => fail(new Error('dynalite did not start')));
  });
  return { endpoint: `http://127.0.0.1:${port}`, process: child };
}

/**
 * Runs the section file `file` with `argv` and `--out=<a file>` in a process of its own (under tsx),
 * its lines handed to `log`, and answers what it wrote to that file.
 */
export async function runSectionProcess<T>(section: string, file: string, argv: string[], log: (line: string) => void): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${section}-out-`));
  const out = join(dir, 'figure.json');
  try {
    const child = fork(file, [...argv, `--out=${out}`], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let pending = '';
    const forward = (data: Buffer) => {
      const lines = (pending + data.toString()).split('\n');
      pending = lines.pop() ?? '';
      // The AWS SDK's warning about Node 20 is printed by every process; it is not the bench's.
      for (const line of lines) if (line.trim() && !/NodeVersionSupportWarning|versions published after|require node|To continue receiving|and security updates|a\.co\/|trace-warnings/.test(line)) log(line);
    };
    child.stdout!.on('data', forward);
    child.stderr!.on('data', forward);
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    if (code !== 0) throw new Error(`the ${section} section's process ended with ${code}`);
    return JSON.parse(readFileSync(out, 'utf8')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
