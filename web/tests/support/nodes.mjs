// Two real Hotline nodes for the browser tests: alpha and bravo on
// 127.0.0.1 with real TLS, peered, with an agreement in force and the demo's
// accounts, serving the built web app. Started from the hotline executable
// (env HOTLINE_BIN) with the built app (env HOTLINE_WEB_ROOT).
//
//   const nodes = await startTwoNodes();
//   nodes.alpha.url            https://127.0.0.1:PORT
//   await nodes.alpha.api('POST', '/v1/alerts', {...}, 'duty')  // as a user (token)
//   await nodes.bravo.stop(); await nodes.bravo.start();
//   await nodes.stopAll();
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync, openSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const bin = process.env.HOTLINE_BIN;
const webRoot = process.env.HOTLINE_WEB_ROOT;
if (!bin || !webRoot) throw new Error('set HOTLINE_BIN and HOTLINE_WEB_ROOT (ctest does)');

// Accounts on each node; the password is NAME-NODE-test-password.
export const accounts = {
  duty: 'operator',
  duty2: 'operator',
  chief: 'supervisor',
  chief2: 'supervisor',
  admin: 'admin',
  review: 'reviewer',
  transl: 'translator',
};
export const passwordOf = (name, node) => `${name}-${node}-test-password`;

function hl(args, input) {
  return execFileSync(bin, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

// A loopback port for a node of the test: picked at random from 10000-19999,
// below the kernel's ephemeral range (32768-60999), so an outgoing
// connection of a test running beside this one never takes it between this
// call and the node's bind; the C++ tests take theirs from 20000-32767.
// Never the same port twice in this process; one that something already
// listens on is skipped.
const givenPorts = new Set();
async function freePort() {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 10000 + Math.floor(Math.random() * 10000);
    if (givenPorts.has(port)) continue;
    const free = await new Promise((ok) => {
      const s = createServer();
      s.once('error', () => ok(false));
      s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
    });
    if (!free) continue;
    givenPorts.add(port);
    return port;
  }
  throw new Error('no free loopback port in 10000-19999 after 200 tries');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Waits (bounded) until `check` returns a truthy value.
export async function waitFor(check, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

class TestNode {
  constructor(name, dir, port, peerPort) {
    Object.assign(this, { name, dir, port, peerPort, proc: null, tokens: {} });
    this.url = `https://127.0.0.1:${port}`;
    this.ca = null;
  }

  async start() {
    const log = openSync(`${this.dir}.log`, 'a');
    this.proc = spawn(
      bin,
      ['serve', '--dir', this.dir, '--listen', `127.0.0.1:${this.port}`, '--peer-listen', `127.0.0.1:${this.peerPort}`,
       '--web-root', webRoot, '--heartbeat-interval', '1'],
      { stdio: ['ignore', log, log] },
    );
    this.ca = readFileSync(join(this.dir, 'tls', 'operator.crt'));
    await waitFor(async () => {
      if (this.proc.exitCode !== null) throw new Error(`${this.name} exited; see ${this.dir}.log`);
      try {
        return (await this.raw('GET', '/health')).status === 200;
      } catch {
        return false;
      }
    }, `${this.name} to answer /health`);
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    await Promise.race([exited, sleep(10000)]);
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }

  // One HTTPS request to the operators' listener; answers {status, headers, body}.
  raw(method, path, body, headers = {}) {
    return new Promise((ok, fail) => {
      const data = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      const req = request(
        `${this.url}${path}`,
        { method, ca: this.ca, headers: { ...(data && typeof body === 'object' && !Buffer.isBuffer(body) ? { 'Content-Type': 'application/json' } : {}), ...headers }, timeout: 10000 },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', fail);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      if (data) req.write(data);
      req.end();
    });
  }

  token(user) {
    if (!this.tokens[user]) {
      const out = hl(['token', 'create', '--dir', this.dir, '--user', user, '--name', `browser-test-${user}`, '--as', 'test']);
      const m = out.match(/hl_[A-Za-z0-9_-]+/);
      if (!m) throw new Error(`no token in: ${out}`);
      this.tokens[user] = m[0];
    }
    return this.tokens[user];
  }

  // A JSON API call as `user` (an API token); throws on an error status.
  async api(method, path, body, user = 'duty') {
    const r = await this.raw(method, path, body, { Authorization: `Bearer ${this.token(user)}`, Accept: 'application/json' });
    const text = r.body.toString('utf8');
    const json = text ? JSON.parse(text) : null;
    if (r.status >= 400) throw new Error(`${method} ${path} as ${user}: ${r.status} ${text}`);
    return json;
  }
}

function proposeAgreement(dirA, dirB) {
  const draft = JSON.parse(hl(['agreement', 'show', '--dir', dirA, '--peer', 'bravo', '--draft']));
  draft.a.time_zone = 'Europe/Berlin';
  draft.b.time_zone = 'Asia/Shanghai';
  const file = `${dirA}-agreement.json`;
  writeFileSync(file, JSON.stringify(draft));
  hl(['agreement', 'propose', '--dir', dirA, '--peer', 'bravo', '--file', file]);
}

export async function startTwoNodes() {
  const root = mkdtempSync(join(tmpdir(), 'hotline-web-'));
  const [pa, pb, qa, qb] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const alpha = new TestNode('alpha', join(root, 'alpha'), pa, qa);
  const bravo = new TestNode('bravo', join(root, 'bravo'), pb, qb);
  for (const n of [alpha, bravo]) hl(['init', '--dir', n.dir, '--party', n.name]);
  hl(['peer', 'add', '--dir', alpha.dir, '--name', 'bravo', '--url', `https://127.0.0.1:${qb}`, '--key', readFileSync(join(bravo.dir, 'identity.pub'), 'utf8').trim()]);
  hl(['peer', 'add', '--dir', bravo.dir, '--name', 'alpha', '--url', `https://127.0.0.1:${qa}`, '--key', readFileSync(join(alpha.dir, 'identity.pub'), 'utf8').trim()]);
  for (const n of [alpha, bravo])
    for (const [user, role] of Object.entries(accounts))
      hl(['user', 'add', '--dir', n.dir, user, '--role', role, '--as', 'test'], `${passwordOf(user, n.name)}\n`);
  await alpha.start();
  await bravo.start();
  proposeAgreement(alpha.dir, bravo.dir);
  await waitFor(() => hl(['agreement', 'show', '--dir', bravo.dir, '--peer', 'alpha', '--json']).includes('"pending": {'), 'the proposal at bravo');
  hl(['agreement', 'accept', '--dir', bravo.dir, '--peer', 'alpha']);
  await waitFor(() => hl(['agreement', 'show', '--dir', alpha.dir, '--peer', 'bravo', '--json']).includes('"current": {'), 'the agreement in force at alpha');
  return {
    root,
    alpha,
    bravo,
    async stopAll({ keep = false } = {}) {
      await Promise.all([alpha.stop(), bravo.stop()]);
      if (!keep && !process.env.HOTLINE_KEEP_TEST_DIRS) rmSync(root, { recursive: true, force: true });
    },
  };
}

export { resolve, existsSync };
