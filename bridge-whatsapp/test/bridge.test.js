// The protocol layer with the Baileys socket replaced at its event boundary: a stand-in socket
// whose `ev` is an EventEmitter the tests fire connection.update / messages.upsert on, and whose
// sendMessage / logout / end calls are recorded.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { backoffDelay, createBridge, mediaOf, phoneOf, quotedOf, textOf, toJid } from '../lib/bridge.js';

class FakeSocket {
  constructor(user = { id: '4915112345678:7@s.whatsapp.net', lid: '99887766:7@lid', name: 'Ada' }) {
    this.ev = new EventEmitter();
    this.user = user;
    this.sent = [];
    this.loggedOut = false;
    this.ended = false;
    this.failSend = null;
  }
  async sendMessage(jid, content) {
    if (this.failSend) throw new Error(this.failSend);
    this.sent.push(content.image ? { jid, image: content.image, mimetype: content.mimetype } : { jid, text: content.text });
    return { key: { id: `SENT${this.sent.length}`, remoteJid: jid, fromMe: true } };
  }
  async logout() {
    this.loggedOut = true;
  }
  async end() {
    this.ended = true;
  }
  open() {
    this.ev.emit('connection.update', { connection: 'open' });
  }
  close(statusCode, message = 'Connection Failure') {
    const error = new Error(message);
    error.output = { statusCode };
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error } });
  }
  /** Fires the messages; the returned promise settles once downloads that complete at once are reported. */
  async incoming(messages, type = 'notify') {
    this.ev.emit('messages.upsert', { messages, type });
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function harness() {
  const h = {
    events: [],
    sockets: [],
    timers: [],
    exits: [],
    authCleared: 0,
    credsSaved: 0,
    // media: what a download returns per message id (a Buffer or an Error), and what was stored
    downloads: new Map(),
    fetched: [],
    stored: [],
  };
  h.bridge = createBridge({
    emit: (event) => h.events.push(JSON.parse(JSON.stringify(event))),
    connect: async () => {
      const sock = new FakeSocket();
      h.sockets.push(sock);
      return { sock, saveCreds: async () => { h.credsSaved++; } };
    },
    clearAuth: async () => { h.authCleared++; },
    exit: (code) => h.exits.push(code),
    fetchMedia: async (message, sock, maxBytes) => {
      h.fetched.push({ id: message.key.id, maxBytes });
      const result = await (h.downloads.get(message.key.id) ?? Buffer.from('bytes of ' + message.key.id));
      if (result instanceof Error) throw result;
      return result;
    },
    storeMedia: async (data) => {
      h.stored.push(data);
      return `media-in/${h.stored.length}`;
    },
    maxMediaBytes: 1000,
    schedule: (fn, ms) => { const timer = { fn, ms }; h.timers.push(timer); return timer; },
    unschedule: (timer) => { h.timers = h.timers.filter((t) => t !== timer); },
  });
  h.sock = () => h.sockets[h.sockets.length - 1];
  h.fire = async () => { const timer = h.timers.shift(); timer.fn(); await settle(); };
  h.types = () => h.events.map((event) => event.type);
  return h;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function connected() {
  const h = harness();
  await h.bridge.start();
  h.sock().open();
  h.events.length = 0;
  return h;
}

const text = (from, body, extra = {}) => ({
  key: { remoteJid: from, id: extra.id ?? 'MSG1', fromMe: extra.fromMe ?? false, ...(extra.key ?? {}) },
  message: { conversation: body },
  messageTimestamp: 1700000000,
  pushName: extra.pushName,
});

test('a QR code from the socket becomes a qr event', async () => {
  const h = harness();
  await h.bridge.start();
  h.sock().ev.emit('connection.update', { qr: '2@abc,def,ghi' });
  assert.deepEqual(h.events, [{ type: 'qr', data: '2@abc,def,ghi' }]);
});

test('an open connection becomes a connected event with the own number and name, announcing confirmations', async () => {
  const h = harness();
  await h.bridge.start();
  h.sock().open();
  assert.deepEqual(h.events, [{ type: 'connected', phone: '4915112345678', name: 'Ada', confirms: true, media: true }]);
  assert.equal(h.bridge.isOpen(), true);
});

test('credential updates are saved', async () => {
  const h = harness();
  await h.bridge.start();
  h.sock().ev.emit('creds.update', {});
  await settle();
  assert.equal(h.credsSaved, 1);
});

test('an incoming text message becomes a message event', async () => {
  const h = await connected();
  h.sock().incoming([text('4917000000001@s.whatsapp.net', 'hello agent', { pushName: 'Bob', id: 'ABC' })]);
  assert.deepEqual(h.events, [{
    type: 'message', from: '4917000000001@s.whatsapp.net', text: 'hello agent', timestamp: 1700000000,
    selfChat: false, id: 'ABC', name: 'Bob',
  }]);
});

test('extended text and captions count as text, media without caption too; groups, status and history do not', async () => {
  const h = await connected();
  const sock = h.sock();
  sock.incoming([{ key: { remoteJid: '111111@s.whatsapp.net', id: 'E' }, message: { extendedTextMessage: { text: 'with link' } } }]);
  sock.incoming([{ key: { remoteJid: '111111@s.whatsapp.net', id: 'I' }, message: { imageMessage: { caption: 'a cat' } } }]);
  sock.incoming([{ key: { remoteJid: '111111@s.whatsapp.net', id: 'N' }, message: { imageMessage: {} } }]);
  sock.incoming([text('123-456@g.us', 'group chatter')]);
  sock.incoming([text('status@broadcast', 'a status')]);
  sock.incoming([text('111111@s.whatsapp.net', 'old history')], 'append');
  await settle();
  assert.deepEqual(h.events.map((event) => event.text), ['with link', 'a cat', '']);
});

const jpeg = (id, image, extra = {}) => ({
  key: { remoteJid: '4917000000001@s.whatsapp.net', id },
  message: { imageMessage: { mimetype: 'image/jpeg', fileLength: 9, ...image } },
  messageTimestamp: 1700000000,
  ...extra,
});

test('a photo is downloaded into media-in and reported with its file, the caption as text', async () => {
  const h = await connected();
  h.downloads.set('P1', Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
  await h.sock().incoming([jpeg('P1', { caption: 'what is this?' })]);
  assert.deepEqual(h.events, [{
    type: 'message', from: '4917000000001@s.whatsapp.net', text: 'what is this?', timestamp: 1700000000,
    selfChat: false, id: 'P1', media: { kind: 'image', mimetype: 'image/jpeg', file: 'media-in/1' },
  }]);
  assert.deepEqual(h.fetched, [{ id: 'P1', maxBytes: 1000 }]);
  assert.deepEqual([...h.stored[0]], [0xff, 0xd8, 0xff, 0xe0]);
});

test('documents keep their name; voice notes are downloaded as voice; videos and stickers are only described', async () => {
  const h = await connected();
  const from = '4917000000001@s.whatsapp.net';
  await h.sock().incoming([
    { key: { remoteJid: from, id: 'D' }, message: { documentWithCaptionMessage: { message: { documentMessage: {
      mimetype: 'application/pdf', fileName: 'invoice.pdf', caption: 'pay this', fileLength: { toNumber: () => 10 } } } } } },
    { key: { remoteJid: from, id: 'V' }, message: { audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: true, fileLength: 5 } } },
    { key: { remoteJid: from, id: 'M' }, message: { videoMessage: { mimetype: 'video/mp4', fileLength: 99999999 } } },
    { key: { remoteJid: from, id: 'S' }, message: { stickerMessage: { mimetype: 'image/webp' } } },
  ]);
  assert.deepEqual(h.events.map((event) => [event.id, event.text, event.media]), [
    ['D', 'pay this', { kind: 'document', mimetype: 'application/pdf', fileName: 'invoice.pdf', file: 'media-in/1' }],
    ['V', '', { kind: 'voice', mimetype: 'audio/ogg', file: 'media-in/2' }],
    ['M', '', { kind: 'video', mimetype: 'video/mp4' }],
    ['S', '', { kind: 'sticker', mimetype: 'image/webp' }],
  ]);
  assert.deepEqual(h.fetched.map((fetch) => fetch.id), ['D', 'V']);
});

test('a medium announced too large is not downloaded; one growing too large or failing is reported with the reason', async () => {
  const h = await connected();
  h.downloads.set('BIG2', Buffer.alloc(1001));
  h.downloads.set('FAIL', new Error('media key expired'));
  await h.sock().incoming([jpeg('BIG1', { fileLength: 5000000 }), jpeg('BIG2', {}), jpeg('FAIL', {})]);
  assert.deepEqual(h.fetched.map((fetch) => fetch.id), ['BIG2', 'FAIL']);
  assert.equal(h.stored.length, 0);
  assert.match(h.events[0].media.error, /too large \(4\.8 MB; at most 0\.0 MB/);
  assert.match(h.events[1].media.error, /too large/);
  assert.match(h.events[2].media.error, /could not be downloaded from WhatsApp: media key expired/);
  assert.equal(h.events.some((event) => event.media.file), false);
});

test('a text after a photo waits for the photo\'s download, so the order stays', async () => {
  const h = await connected();
  let release;
  h.downloads.set('SLOW', new Promise((resolve) => { release = () => resolve(Buffer.from('x')); }));
  await h.sock().incoming([jpeg('SLOW', {})]);
  await h.sock().incoming([text('4917000000001@s.whatsapp.net', 'and another thing', { id: 'T' })]);
  assert.deepEqual(h.events, [], 'nothing is reported before the download');
  release();
  await settle();
  assert.deepEqual(h.events.map((event) => event.id), ['SLOW', 'T']);
});

test('a reply quoting a message carries the quoted id', async () => {
  const h = await connected();
  h.sock().incoming([{ key: { remoteJid: '4917000000001@s.whatsapp.net', id: 'R' },
    message: { extendedTextMessage: { text: '1', contextInfo: { stanzaId: 'SENT1' } } } }]);
  assert.equal(h.events[0].quoted, 'SENT1');
  assert.equal(h.events[0].text, '1');
});

test('send_image sends the decoded image and acknowledges with the reference; an empty image is an error', async () => {
  const h = await connected();
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
  await h.bridge.handleLine(JSON.stringify({ type: 'send_image', to: '4917000000001', mimetype: 'image/png',
    data: png.toString('base64'), caption: '', ref: 'i1' }));
  await h.bridge.handleLine(JSON.stringify({ type: 'send_image', to: '4917000000001', data: '', ref: 'i2' }));
  assert.equal(h.sock().sent.length, 1);
  assert.equal(h.sock().sent[0].jid, '4917000000001@s.whatsapp.net');
  assert.deepEqual([...h.sock().sent[0].image], [...png]);
  assert.equal(h.sock().sent[0].mimetype, 'image/png');
  assert.deepEqual(h.events[0], { type: 'sent', to: '4917000000001', id: 'SENT1', ref: 'i1' });
  assert.equal(h.events[1].type, 'error');
  assert.equal(h.events[1].ref, 'i2');
});

test('own messages to others are skipped, own messages to oneself are a self chat', async () => {
  const h = await connected();
  h.sock().incoming([text('4917000000001@s.whatsapp.net', 'sent from my phone to Bob', { fromMe: true })]);
  h.sock().incoming([text('4915112345678@s.whatsapp.net', 'note to self', { fromMe: true, id: 'SELF' })]);
  assert.equal(h.events.length, 1);
  assert.equal(h.events[0].text, 'note to self');
  assert.equal(h.events[0].selfChat, true);
  assert.equal(h.events[0].from, '4915112345678@s.whatsapp.net');
});

test('a LID sender is answered through its phone-number JID', async () => {
  const h = await connected();
  h.sock().incoming([text('5555@lid', 'hi', { key: { remoteJidAlt: '4917000000002@s.whatsapp.net' } })]);
  h.sock().incoming([text('99887766@lid', 'self via lid', { fromMe: true, id: 'L2' })]);
  assert.equal(h.events[0].from, '4917000000002@s.whatsapp.net');
  assert.equal(h.events[1].from, '4915112345678@s.whatsapp.net');
  assert.equal(h.events[1].selfChat, true);
});

test('send delivers the text to the number and acknowledges with the reference', async () => {
  const h = await connected();
  await h.bridge.handleLine('{"type":"send","to":"+49 170 0000001","text":"the answer","ref":"r1"}');
  assert.deepEqual(h.sock().sent, [{ jid: '491700000001@s.whatsapp.net', text: 'the answer' }]);
  assert.deepEqual(h.events, [{ type: 'sent', to: '491700000001', id: 'SENT1', ref: 'r1' }]);
});

test('sends run in the order received, so the parts of a long answer stay in order', async () => {
  const h = await connected();
  const sock = h.sock();
  const original = sock.sendMessage.bind(sock);
  let delay = 30;
  sock.sendMessage = async (jid, content) => {
    const wait = (delay -= 10);
    await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 0)));
    return original(jid, content);
  };
  await Promise.all(['one', 'two', 'three'].map((part) =>
    h.bridge.handleLine(JSON.stringify({ type: 'send', to: '111111', text: part }))));
  assert.deepEqual(sock.sent.map((sent) => sent.text), ['one', 'two', 'three']);
});

test('our own sent message echoed back is not reported as incoming', async () => {
  const h = await connected();
  await h.bridge.handleLine('{"type":"send","to":"4915112345678","text":"answer"}');
  h.events.length = 0;
  h.sock().incoming([text('4915112345678@s.whatsapp.net', 'answer', { fromMe: true, id: 'SENT1' })]);
  assert.deepEqual(h.events, []);
});

test('send failures, bad targets, empty texts and sends while offline are error events', async () => {
  const h = harness();
  await h.bridge.start();
  await h.bridge.handleLine('{"type":"send","to":"111111","text":"too early","ref":7}');
  h.sock().open();
  await h.bridge.handleLine('{"type":"send","to":"not a number","text":"x"}');
  await h.bridge.handleLine('{"type":"send","to":"111111","text":""}');
  h.sock().failSend = 'rate limited';
  await h.bridge.handleLine('{"type":"send","to":"111111","text":"x"}');
  const errors = h.events.filter((event) => event.type === 'error');
  assert.equal(errors.length, 4);
  assert.match(errors[0].message, /not connected/);
  assert.equal(errors[0].ref, 7);
  assert.match(errors[1].message, /not a phone number/);
  assert.match(errors[2].message, /empty/);
  assert.match(errors[3].message, /rate limited/);
});

test('malformed and unknown commands are error events, never fatal', async () => {
  const h = await connected();
  await h.bridge.handleLine('this is not json');
  await h.bridge.handleLine('[1,2]');
  await h.bridge.handleLine('{"type":"explode"}');
  await h.bridge.handleLine('   ');
  assert.deepEqual(h.types(), ['error', 'error', 'error']);
  assert.match(h.events[0].message, /invalid JSON/);
  assert.match(h.events[2].message, /unknown command type: explode/);
  assert.deepEqual(h.exits, []);
  await h.bridge.handleLine('{"type":"send","to":"111111","text":"still works"}');
  assert.equal(h.sock().sent.length, 1);
});

test('a dropped connection is reported and reopened with growing delays, reset once open', async () => {
  const h = await connected();
  h.sock().close(428, 'Connection Closed');
  assert.deepEqual(h.events, [{ type: 'disconnected', reason: 'Connection Closed (status 428)' }]);
  assert.equal(h.timers[0].ms, 1000);
  await h.fire();
  assert.equal(h.sockets.length, 2);
  h.sock().close(408);
  assert.equal(h.timers[0].ms, 2000);
  await h.fire();
  h.sock().close(408);
  assert.equal(h.timers[0].ms, 4000);
  await h.fire();
  h.sock().open();
  h.sock().close(408);
  assert.equal(h.timers[0].ms, 1000);
});

test('restart required after pairing reconnects at once without a disconnected event', async () => {
  const h = harness();
  await h.bridge.start();
  h.sock().close(515, 'Stream Errored (restart required)');
  assert.deepEqual(h.events, []);
  assert.equal(h.timers[0].ms, 0);
  await h.fire();
  h.sock().open();
  assert.deepEqual(h.types(), ['connected']);
});

test('logged out on the phone: disconnected, session cleared, a new pairing starts', async () => {
  const h = await connected();
  h.sock().close(401, 'Connection Failure');
  await settle();
  assert.deepEqual(h.events, [{ type: 'disconnected', reason: 'logged out' }]);
  assert.equal(h.authCleared, 1);
  await h.fire();
  h.sock().ev.emit('connection.update', { qr: 'new-qr' });
  assert.deepEqual(h.events.at(-1), { type: 'qr', data: 'new-qr' });
});

test('a connection replaced by another client is not fought over', async () => {
  const h = await connected();
  h.sock().close(440, 'Stream Errored (conflict)');
  assert.deepEqual(h.types(), ['disconnected', 'error']);
  assert.deepEqual(h.timers, []);
});

test('events of a replaced socket are ignored', async () => {
  const h = await connected();
  const old = h.sock();
  old.close(428);
  await h.fire();
  h.events.length = 0;
  old.ev.emit('connection.update', { qr: 'stale' });
  assert.deepEqual(h.events, []);
});

test('disconnect logs out, clears the session and exits 0', async () => {
  const h = await connected();
  await h.bridge.handleLine('{"type":"disconnect"}');
  assert.equal(h.sockets[0].loggedOut, true);
  assert.equal(h.authCleared, 1);
  assert.deepEqual(h.events, [{ type: 'disconnected', reason: 'logged out' }]);
  assert.deepEqual(h.exits, [0]);
});

test('closing stdin ends the connection without logging out and exits 0, after pending sends', async () => {
  const h = await connected();
  h.bridge.handleLine('{"type":"send","to":"111111","text":"last words"}');
  await h.bridge.close();
  assert.deepEqual(h.sockets[0].sent.map((sent) => sent.text), ['last words']);
  assert.equal(h.sockets[0].ended, true);
  assert.equal(h.sockets[0].loggedOut, false);
  assert.equal(h.authCleared, 0);
  assert.deepEqual(h.exits, [0]);
});

test('closing stdin while waiting to reconnect cancels the reconnect', async () => {
  const h = await connected();
  h.sock().close(428);
  await h.bridge.close();
  assert.deepEqual(h.timers, []);
  assert.deepEqual(h.exits, [0]);
});

test('a failing connect is an error event and is retried', async () => {
  const events = [];
  const timers = [];
  const bridge = createBridge({
    emit: (event) => events.push(event),
    connect: async () => { throw new Error('no network'); },
    clearAuth: async () => {},
    exit: () => {},
    schedule: (fn, ms) => { timers.push(ms); return {}; },
  });
  await bridge.start();
  assert.equal(events[0].type, 'error');
  assert.match(events[0].message, /no network/);
  assert.deepEqual(timers, [1000]);
});

test('helpers: media and quotes inside wrappers', () => {
  assert.deepEqual(mediaOf({ ephemeralMessage: { message: { imageMessage: { mimetype: 'image/png', fileLength: 3 } } } }),
    { kind: 'image', mimetype: 'image/png', fileName: '', size: 3 });
  assert.equal(mediaOf({ conversation: 'hi' }), null);
  assert.equal(quotedOf({ extendedTextMessage: { text: '2', contextInfo: { stanzaId: 'Q' } } }), 'Q');
  assert.equal(quotedOf({ conversation: '2' }), null);
  assert.equal(textOf({ viewOnceMessageV2: { message: { imageMessage: { caption: 'once' } } } }), 'once');
});

test('helpers: numbers, JIDs, texts and delays', () => {
  assert.equal(phoneOf('4915112345678:12@s.whatsapp.net'), '4915112345678');
  assert.equal(phoneOf(''), '');
  assert.equal(toJid('+1 (555) 123-4567'), '15551234567@s.whatsapp.net');
  assert.equal(toJid('5555@lid'), '5555@lid');
  assert.equal(toJid('abc'), null);
  assert.equal(textOf({ conversation: '' }), null);
  assert.equal(backoffDelay(0), 1000);
  assert.equal(backoffDelay(3), 8000);
  assert.equal(backoffDelay(30), 60000);
});

test('the bridge program without a session folder prints a usage error event and exits 2', () => {
  const program = fileURLToPath(new URL('../index.js', import.meta.url));
  const run = spawnSync(process.execPath, [program], { encoding: 'utf8', input: '' });
  assert.equal(run.status, 2);
  assert.deepEqual(JSON.parse(run.stdout.trim()), { type: 'error', message: 'usage: node index.js <session_dir>' });
});
