// The protocol layer of the bridge: turns socket events into JSON-line events and JSON-line
// commands into socket calls. It knows the Baileys socket only at its event boundary (sock.ev,
// sock.user, sock.sendMessage, sock.logout, sock.end), so tests drive it with a stand-in socket.

/** Status codes Baileys puts on a closed connection (DisconnectReason). */
export const CLOSE = Object.freeze({
  loggedOut: 401,
  connectionReplaced: 440,
  restartRequired: 515,
});

const PHONE_SUFFIX = '@s.whatsapp.net';
const SENT_IDS_KEPT = 1000;
/** The largest medium downloaded (the channel's limit); larger ones are reported, not fetched. */
export const MAX_MEDIA_BYTES = 20 * 1024 * 1024;
/** Kinds of media downloaded for the channel; the others are only reported (video, sticker). */
const DOWNLOADED = new Set(['image', 'document', 'voice', 'audio']);

/** Reconnect delays: 1 s, 2 s, 4 s, ... up to a minute. */
export function backoffDelay(attempt, baseMs = 1000, maxMs = 60_000) {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
}

/** The phone number of a JID: "4915112345678:3@s.whatsapp.net" -> "4915112345678". */
export function phoneOf(jid) {
  if (!jid) return '';
  return String(jid).split('@')[0].split(':')[0];
}

/** A send target as a JID: a number ("+49 151 1234") gets the phone suffix, a JID stays as it is. */
export function toJid(to) {
  const target = String(to ?? '').trim();
  if (target.includes('@')) return target;
  const digits = target.replace(/[\s()+\-.]/g, '');
  if (!/^\d{5,20}$/.test(digits)) return null;
  return digits + PHONE_SUFFIX;
}

/** The text of a message, or null when it has none (media without caption, reactions, ...). */
export function textOf(wrapped) {
  const message = unwrap(wrapped);
  if (!message) return null;
  const text =
    message.conversation ??
    message.extendedTextMessage?.text ??
    message.imageMessage?.caption ??
    message.videoMessage?.caption ??
    message.documentMessage?.caption ??
    null;
  return typeof text === 'string' && text.length > 0 ? text : null;
}

/** The content inside the wrappers WhatsApp puts around disappearing and view-once messages. */
function unwrap(message) {
  let content = message;
  for (let depth = 0; depth < 3 && content; depth++) {
    const inner =
      content.ephemeralMessage?.message ??
      content.viewOnceMessage?.message ??
      content.viewOnceMessageV2?.message ??
      content.documentWithCaptionMessage?.message;
    if (!inner) break;
    content = inner;
  }
  return content;
}

function toNumber(value) {
  if (value && typeof value === 'object' && typeof value.toNumber === 'function') return value.toNumber();
  const number = Number(value ?? 0);
  return Number.isFinite(number) ? number : 0;
}

/**
 * The medium of a message: {kind, mimetype, fileName, size}, or null for a message without one.
 * kind: image, document, voice (a voice note), audio, video, sticker.
 */
export function mediaOf(message) {
  const content = unwrap(message);
  if (!content) return null;
  const pick = (kind, part) => ({
    kind,
    mimetype: String(part.mimetype ?? '').split(';')[0].trim(),
    fileName: typeof part.fileName === 'string' ? part.fileName : '',
    size: toNumber(part.fileLength),
  });
  if (content.imageMessage) return pick('image', content.imageMessage);
  if (content.documentMessage) return pick('document', content.documentMessage);
  if (content.audioMessage) return pick(content.audioMessage.ptt ? 'voice' : 'audio', content.audioMessage);
  if (content.videoMessage) return pick('video', content.videoMessage);
  if (content.stickerMessage) return pick('sticker', content.stickerMessage);
  return null;
}

/** The id of the message a reply quotes, or null. */
export function quotedOf(message) {
  const content = unwrap(message);
  const context =
    content?.extendedTextMessage?.contextInfo ??
    content?.imageMessage?.contextInfo ??
    content?.documentMessage?.contextInfo ??
    null;
  return typeof context?.stanzaId === 'string' && context.stanzaId !== '' ? context.stanzaId : null;
}

function closeCode(lastDisconnect) {
  const error = lastDisconnect?.error;
  return error?.output?.statusCode ?? error?.statusCode ?? undefined;
}

function closeReason(lastDisconnect, code) {
  const message = lastDisconnect?.error?.message;
  if (message) return code ? `${message} (status ${code})` : message;
  return code ? `status ${code}` : 'connection closed';
}

/**
 * Creates the bridge.
 *
 * @param {object} options
 * @param {(event: object) => void} options.emit writes one event line
 * @param {() => Promise<{sock: object, saveCreds: () => Promise<void>}>} options.connect opens a
 *   socket with the stored auth state
 * @param {() => Promise<void>} options.clearAuth forgets the stored auth state (after a logout)
 * @param {(code: number) => void} options.exit ends the process
 * @param {(message: object, sock: object, maxBytes: number) => Promise<Buffer>} [options.fetchMedia]
 *   downloads the medium of a message (Baileys' downloadMediaMessage), failing beyond maxBytes
 * @param {(data: Buffer) => Promise<string>} [options.storeMedia] writes a downloaded medium into
 *   the session folder's media-in (mode 600); resolves to its path relative to the session folder
 * @param {number} [options.maxMediaBytes] the largest medium downloaded
 * @param {object} [options.logger] pino-like logger (stderr)
 * @param {(fn: () => void, ms: number) => any} [options.schedule] setTimeout stand-in
 * @param {(handle: any) => void} [options.unschedule] clearTimeout stand-in
 * @param {number} [options.backoffBaseMs] first reconnect delay
 */
export function createBridge(options) {
  const {
    emit,
    connect,
    clearAuth,
    exit,
    fetchMedia = async () => {
      throw new Error('this bridge cannot download media');
    },
    storeMedia = async () => {
      throw new Error('this bridge cannot store media');
    },
    maxMediaBytes = MAX_MEDIA_BYTES,
    logger = { info() {}, warn() {}, error() {}, debug() {} },
    schedule = setTimeout,
    unschedule = clearTimeout,
    backoffBaseMs = 1000,
  } = options;

  let sock = null;
  let open = false;
  let stopping = false;
  let attempt = 0;
  let reconnectTimer = null;
  let self = { phone: '', lid: '' };
  const sentIds = new Set();

  function safeEmit(event) {
    try {
      emit(event);
    } catch (error) {
      logger.error({ err: error?.message }, 'cannot write an event');
    }
  }

  function rememberSent(id) {
    if (!id) return;
    sentIds.add(id);
    if (sentIds.size > SENT_IDS_KEPT) {
      sentIds.delete(sentIds.values().next().value);
    }
  }

  async function start() {
    if (stopping) return;
    let opened;
    try {
      opened = await connect();
    } catch (error) {
      safeEmit({ type: 'error', message: `cannot open the WhatsApp connection: ${error?.message ?? error}` });
      scheduleReconnect();
      return;
    }
    if (stopping) {
      opened.sock?.end?.(undefined);
      return;
    }
    sock = opened.sock;
    sock.ev.on('creds.update', () => {
      Promise.resolve(opened.saveCreds()).catch((error) =>
        safeEmit({ type: 'error', message: `cannot save the session: ${error?.message ?? error}` }),
      );
    });
    sock.ev.on('connection.update', (update) => onConnectionUpdate(opened.sock, update));
    sock.ev.on('messages.upsert', (upsert) => onMessages(opened.sock, upsert));
  }

  function scheduleReconnect(delayMs) {
    if (stopping || reconnectTimer) return;
    const delay = delayMs ?? backoffDelay(attempt++, backoffBaseMs);
    logger.info({ delay }, 'reconnecting');
    reconnectTimer = schedule(() => {
      reconnectTimer = null;
      start();
    }, delay);
  }

  function detach(closed) {
    try {
      closed.ev.removeAllListeners?.();
    } catch {
      // the socket is gone anyway
    }
    if (sock === closed) {
      sock = null;
      open = false;
    }
  }

  function onConnectionUpdate(current, update) {
    if (current !== sock) return; // a late event of a socket already replaced
    const { connection, lastDisconnect, qr } = update ?? {};
    if (qr) {
      safeEmit({ type: 'qr', data: qr });
    }
    if (connection === 'open') {
      open = true;
      attempt = 0;
      const user = current.user ?? {};
      self = { phone: phoneOf(user.id), lid: phoneOf(user.lid) };
      // confirms: every send carrying a ref is answered with sent or error carrying it (an extension)
      // media: media arrive as files in media-in, and send_image is taken (an extension)
      safeEmit({
        type: 'connected',
        phone: self.phone,
        name: user.name ?? user.verifiedName ?? null,
        confirms: true,
        media: true,
      });
    }
    if (connection === 'close') {
      const code = closeCode(lastDisconnect);
      detach(current);
      if (stopping) return;
      if (code === CLOSE.loggedOut) {
        safeEmit({ type: 'disconnected', reason: 'logged out' });
        // the linked device was removed on the phone: forget it and offer a new pairing
        Promise.resolve(clearAuth())
          .catch((error) => safeEmit({ type: 'error', message: `cannot clear the session: ${error?.message ?? error}` }))
          .finally(() => scheduleReconnect(backoffBaseMs));
      } else if (code === CLOSE.restartRequired) {
        // WhatsApp asks for a fresh connection right after pairing; nothing is wrong
        scheduleReconnect(0);
      } else if (code === CLOSE.connectionReplaced) {
        safeEmit({ type: 'disconnected', reason: 'connection replaced: this session was opened elsewhere' });
        safeEmit({ type: 'error', message: 'another client uses this session; not reconnecting' });
      } else {
        safeEmit({ type: 'disconnected', reason: closeReason(lastDisconnect, code) });
        scheduleReconnect();
      }
    }
  }

  // incoming messages are reported in the order received: one with a medium waits for its download,
  // and the messages after it wait for it; without a pending download a text is reported at once
  let inbound = Promise.resolve();
  let downloading = 0;

  function onMessages(current, upsert) {
    if (current !== sock) return inbound;
    const { messages, type } = upsert ?? {};
    if (type !== 'notify' || !Array.isArray(messages)) return inbound; // history sync, appends
    for (const message of messages) {
      const prepared = prepare(message);
      if (prepared === null) continue;
      if (prepared.medium === null && downloading === 0) {
        safeEmit(prepared.event);
        continue;
      }
      downloading++;
      inbound = inbound
        .then(async () => {
          if (prepared.medium) prepared.event.media = await download(current, message, prepared.medium);
          safeEmit(prepared.event);
        })
        .catch((error) => safeEmit({ type: 'error', message: `cannot read a message: ${error?.message ?? error}` }))
        .finally(() => {
          downloading--;
        });
    }
    return inbound;
  }

  /** @returns the event of a message and its medium, or null for a message that is not reported */
  function prepare(message) {
    const key = message?.key ?? {};
    const remote = key.remoteJid ?? '';
    if (!remote || remote.endsWith('@broadcast') || remote.endsWith('@g.us') || remote.endsWith('@newsletter')) {
      return null; // status updates, groups, channels
    }
    if (key.id && sentIds.has(key.id)) {
      sentIds.delete(key.id); // our own answer echoed back
      return null;
    }
    const fromMe = Boolean(key.fromMe);
    const remotePhone = phoneOf(remote);
    const selfChat = fromMe && (remotePhone === self.phone || (self.lid !== '' && remotePhone === self.lid));
    if (fromMe && !selfChat) return null; // what the owner sent to others from the phone
    const text = textOf(message.message);
    const medium = mediaOf(message.message);
    if (text === null && medium === null) return null;
    // a LID ("123@lid") cannot be answered; the phone-number JID next to it can
    let from = remote;
    if (remote.endsWith('@lid')) {
      if (key.remoteJidAlt?.endsWith(PHONE_SUFFIX)) from = key.remoteJidAlt;
      else if (selfChat && self.phone) from = self.phone + PHONE_SUFFIX;
    }
    const event = { type: 'message', from, text: text ?? '', timestamp: Number(message.messageTimestamp ?? 0) || null, selfChat };
    if (key.id) event.id = key.id;
    if (message.pushName) event.name = message.pushName;
    const quoted = quotedOf(message.message);
    if (quoted) event.quoted = quoted;
    return { event, medium };
  }

  /** Downloads a medium into media-in; on failure the event says why instead. */
  async function download(current, message, medium) {
    const described = { kind: medium.kind, mimetype: medium.mimetype };
    if (medium.fileName) described.fileName = medium.fileName;
    if (!DOWNLOADED.has(medium.kind)) return described;
    const megabytes = (bytes) => (bytes / (1024 * 1024)).toFixed(1);
    if (medium.size > maxMediaBytes) {
      described.error = `the file is too large (${megabytes(medium.size)} MB; at most ${megabytes(maxMediaBytes)} MB are taken)`;
      return described;
    }
    try {
      const data = await fetchMedia(message, current, maxMediaBytes);
      if (data.length > maxMediaBytes) {
        described.error = `the file is too large (${megabytes(data.length)} MB; at most ${megabytes(maxMediaBytes)} MB are taken)`;
        return described;
      }
      described.file = await storeMedia(data);
    } catch (error) {
      logger.warn({ err: error?.message }, 'cannot download a medium');
      described.error = `the file could not be downloaded from WhatsApp: ${error?.message ?? error}`;
    }
    return described;
  }

  async function sendImage(command) {
    const ref = command.ref;
    const withRef = (event) => (ref === undefined ? event : { ...event, ref });
    const jid = toJid(command.to);
    if (jid === null) {
      safeEmit(withRef({ type: 'error', message: `cannot send: "${command.to ?? ''}" is not a phone number or JID` }));
      return;
    }
    const image = typeof command.data === 'string' ? Buffer.from(command.data, 'base64') : Buffer.alloc(0);
    if (image.length === 0) {
      safeEmit(withRef({ type: 'error', message: `cannot send to ${command.to}: the image is empty` }));
      return;
    }
    if (!sock || !open) {
      safeEmit(withRef({ type: 'error', message: `cannot send to ${command.to}: WhatsApp is not connected` }));
      return;
    }
    try {
      const content = { image, mimetype: String(command.mimetype || 'image/png') };
      if (typeof command.caption === 'string' && command.caption !== '') content.caption = command.caption;
      const sent = await sock.sendMessage(jid, content);
      rememberSent(sent?.key?.id);
      safeEmit(withRef({ type: 'sent', to: phoneOf(jid), id: sent?.key?.id ?? null }));
    } catch (error) {
      safeEmit(withRef({ type: 'error', message: `cannot send to ${command.to}: ${error?.message ?? error}` }));
    }
  }

  async function send(command) {
    const ref = command.ref;
    const withRef = (event) => (ref === undefined ? event : { ...event, ref });
    const jid = toJid(command.to);
    if (jid === null) {
      safeEmit(withRef({ type: 'error', message: `cannot send: "${command.to ?? ''}" is not a phone number or JID` }));
      return;
    }
    if (typeof command.text !== 'string' || command.text.length === 0) {
      safeEmit(withRef({ type: 'error', message: `cannot send to ${command.to}: the text is empty` }));
      return;
    }
    if (!sock || !open) {
      safeEmit(withRef({ type: 'error', message: `cannot send to ${command.to}: WhatsApp is not connected` }));
      return;
    }
    try {
      const sent = await sock.sendMessage(jid, { text: command.text });
      rememberSent(sent?.key?.id);
      safeEmit(withRef({ type: 'sent', to: phoneOf(jid), id: sent?.key?.id ?? null }));
    } catch (error) {
      safeEmit(withRef({ type: 'error', message: `cannot send to ${command.to}: ${error?.message ?? error}` }));
    }
  }

  async function stop(logout) {
    if (stopping) return;
    stopping = true;
    if (reconnectTimer) {
      unschedule(reconnectTimer);
      reconnectTimer = null;
    }
    const current = sock;
    sock = null;
    open = false;
    try {
      if (logout && current) {
        await current.logout();
      } else if (current) {
        await current.end(undefined);
      }
    } catch (error) {
      logger.warn({ err: error?.message }, 'closing the connection failed');
    }
    if (logout) {
      try {
        await clearAuth();
      } catch (error) {
        safeEmit({ type: 'error', message: `cannot clear the session: ${error?.message ?? error}` });
      }
      safeEmit({ type: 'disconnected', reason: 'logged out' });
    }
    exit(0);
  }

  // commands run one after the other, so the parts of a long answer arrive in order
  let queue = Promise.resolve();

  /** Handles one line from standard input, after the lines before it. */
  function handleLine(line) {
    queue = queue.then(() => runLine(line)).catch((error) =>
      safeEmit({ type: 'error', message: `command failed: ${error?.message ?? error}` }),
    );
    return queue;
  }

  async function runLine(line) {
    const trimmed = String(line).trim();
    if (trimmed === '') return;
    let command;
    try {
      command = JSON.parse(trimmed);
    } catch (error) {
      safeEmit({ type: 'error', message: `invalid JSON command: ${error.message}` });
      return;
    }
    if (command === null || typeof command !== 'object' || Array.isArray(command)) {
      safeEmit({ type: 'error', message: 'invalid command: expected a JSON object' });
      return;
    }
    switch (command.type) {
      case 'send':
        await send(command);
        break;
      case 'send_image':
        await sendImage(command);
        break;
      case 'disconnect':
        await stop(true);
        break;
      case 'shutdown':
        await stop(false);
        break;
      default:
        safeEmit({ type: 'error', message: `unknown command type: ${command.type}` });
    }
  }

  return {
    start,
    handleLine,
    /** Standard input closed: finish the commands read so far, then leave without logging out. */
    close: () => queue.then(() => stop(false)),
    /** @returns whether a connection is open (for tests) */
    isOpen: () => open,
  };
}
