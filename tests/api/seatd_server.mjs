// A real seatd for the API description tests: the binary SEATD_BIN on port 0 with a fresh
// SQLite file, the fast test password hash and the source web root; ready when it prints
// "seatd ready port=N"; stopped with SIGTERM (a clean exit is part of the test).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export async function startSeatd({ bin, webRoot, env = {} }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'seatd-api-'));
  const database = `sqlite:///${dir}/api.db`;
  const secret = randomBytes(24).toString('hex');
  const common = ['--database', database, '--fast-password-hash', '--secret-key', secret,
    '--env-file', path.join(dir, 'none.env')];
  const child = spawn(bin, ['--host', '127.0.0.1', '--port', '0', '--web-root', webRoot,
    '--access-log', 'false', ...common], {
    cwd: dir,
    env: { ...process.env, SEATD_MAIL_DIR: path.join(dir, 'mail'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`seatd not ready in 30 s:\n${err}`)), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^seatd ready port=(\d+)$/m.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`seatd exited (${code}):\n${err}`)); });
  });
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    log: () => err,
    /** Creates an admin through the CLI, as an operator does. */
    createAdmin(email, password) {
      execFileSync(bin, [...common, 'admin', 'create', '--email', email, '--password', password,
        '--username', 'API Operator'], { stdio: 'pipe' });
    },
    async stop() {
      const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      child.kill('SIGTERM');
      const result = await exited;
      writeFileSync(path.join(dir, 'seatd.err.log'), err);
      rmSync(dir, { recursive: true, force: true });
      return result;
    },
  };
}
