#!/usr/bin/env node
// openpista's WhatsApp bridge: a personal WhatsApp account (linked device, Baileys) behind JSON
// lines on stdin (commands) and stdout (events). Started by the WhatsApp channel bundle as
//
//   node index.js <session_dir>
//
// The protocol is in PROTOCOL.md. Logs go to stderr; stdout carries nothing but events.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { createBridge } from './lib/bridge.js';

function emit(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

const sessionDir = process.argv[2];
if (!sessionDir) {
  emit({ type: 'error', message: 'usage: node index.js <session_dir>' });
  process.exit(2);
}

let baileys;
let pino;
try {
  baileys = await import('@whiskeysockets/baileys');
  pino = (await import('pino')).default;
} catch (error) {
  emit({ type: 'error', message: `the bridge's dependencies are missing (run "npm ci" in ${path.dirname(new URL(import.meta.url).pathname)}): ${error.message}` });
  process.exit(3);
}

const logger = pino({ level: process.env.BRIDGE_LOG_LEVEL || 'warn' }, pino.destination(2));
const makeWASocket = baileys.makeWASocket ?? baileys.default;

async function connect() {
  await fs.mkdir(sessionDir, { recursive: true, mode: 0o700 });
  const { state, saveCreds } = await baileys.useMultiFileAuthState(sessionDir);
  const sock = makeWASocket({
    auth: { creds: state.creds, keys: baileys.makeCacheableSignalKeyStore(state.keys, logger) },
    logger,
    browser: baileys.Browsers.ubuntu('openpista'),
    printQRInTerminal: false,
    syncFullHistory: false,
    markOnlineOnConnect: false,
    generateHighQualityLinkPreview: false,
  });
  return { sock, saveCreds };
}

async function clearAuth() {
  // the multi-file auth state is every file in the session folder
  const entries = await fs.readdir(sessionDir).catch(() => []);
  await Promise.all(entries.map((entry) => fs.rm(path.join(sessionDir, entry), { recursive: true, force: true })));
}

const inbox = path.join(sessionDir, 'media-in');

/** Downloads a medium with Baileys, stopping once it grows beyond maxBytes. */
async function fetchMedia(message, sock, maxBytes) {
  const stream = await baileys.downloadMediaMessage(message, 'stream', {}, { logger, reuploadRequest: sock.updateMediaMessage });
  const chunks = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > maxBytes) {
      stream.destroy?.();
      throw new Error(`larger than ${Math.round(maxBytes / (1024 * 1024))} MB`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Writes a medium for the channel, which reads and deletes it. */
async function storeMedia(data) {
  await fs.mkdir(inbox, { recursive: true, mode: 0o700 });
  const name = `${Date.now()}-${randomBytes(8).toString('hex')}`;
  await fs.writeFile(path.join(inbox, name), data, { mode: 0o600, flag: 'wx' });
  return `media-in/${name}`;
}

const bridge = createBridge({
  emit,
  connect,
  clearAuth,
  fetchMedia,
  storeMedia,
  exit: (code) => process.exit(code),
  logger,
});

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', (line) => bridge.handleLine(line));
input.on('close', () => bridge.close());
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => bridge.close());
}

bridge.start();
