// scripts/screenshots.mjs, run into a scratch folder: every main screen in
// both languages is a 1400×900 PNG with something on it (not one colour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { mainScreens } from './support/demo.mjs';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'screenshots.mjs');

// The pixels of an 8-bit, non-interlaced greyscale, RGB or RGBA PNG (what
// Chromium writes): {width, height, channels, rows: Buffer[]}.
export function decodePng(buf) {
  assert.equal(buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'not a PNG');
  let pos = 8;
  let head;
  const data = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR')
      head = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), depth: body[8], colour: body[9], interlace: body[12] };
    if (type === 'IDAT') data.push(body);
    if (type === 'IEND') break;
    pos += 12 + len;
  }
  assert.ok(head, 'no IHDR');
  assert.equal(head.depth, 8, 'bit depth');
  assert.equal(head.interlace, 0, 'interlaced');
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[head.colour];
  assert.ok(channels, `colour type ${head.colour}`);
  const raw = inflateSync(Buffer.concat(data));
  const stride = head.width * channels;
  const rows = [];
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < head.height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let p = 0;
      if (filter === 1) p = a;
      else if (filter === 2) p = b;
      else if (filter === 3) p = (a + b) >> 1;
      else if (filter === 4) {
        const q = a + b - c;
        const pa = Math.abs(q - a), pb = Math.abs(q - b), pc = Math.abs(q - c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[i] = (line[i] + p) & 0xff;
    }
    rows.push(line);
    prev = line;
  }
  return { width: head.width, height: head.height, channels, rows };
}

// The share of pixels that differ from the most common colour.
export function inkShare(png) {
  const counts = new Map();
  for (const row of png.rows)
    for (let i = 0; i < row.length; i += png.channels) {
      const key = row.subarray(i, i + png.channels).toString('hex');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  const top = Math.max(...counts.values());
  return 1 - top / (png.width * png.height);
}

test('the screenshot script writes every main screen in both languages, none blank', async () => {
  const out = mkdtempSync(join(tmpdir(), 'hotline-screens-'));
  try {
    const { stdout, stderr } = await new Promise((ok, fail) =>
      execFile(process.execPath, [script, '--out', out], { env: process.env, timeout: 170000 }, (e, stdout, stderr) =>
        e ? fail(new Error(`screenshots.mjs failed: ${e.message}\n${stderr}`)) : ok({ stdout, stderr })),
    );
    assert.doesNotMatch(stderr, /fillDemo: no /, 'the demo data is complete');
    const names = mainScreens({ round: 'r', report: 'p' }).map((s) => s.name);
    const expected = names.flatMap((n) => [`${n}.en.png`, `${n}.zh-CN.png`]).sort();
    assert.deepEqual(readdirSync(out).sort(), expected, stdout);
    for (const f of expected) {
      const png = decodePng(readFileSync(join(out, f)));
      assert.equal(`${png.width}×${png.height}`, '1400×900', f);
      assert.ok(inkShare(png) > 0.005, `${f} is blank (one colour almost everywhere)`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the blank check tells a blank picture from one with something on it', () => {
  const blank = { width: 10, height: 10, channels: 3, rows: Array.from({ length: 10 }, () => Buffer.alloc(30, 255)) };
  assert.equal(inkShare(blank), 0);
  blank.rows[3] = Buffer.alloc(30, 0);
  assert.ok(inkShare(blank) > 0.05);
});
