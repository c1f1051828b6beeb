// The openpista web chat. Speaks the web protocol (POST /auth, then the WebSocket /ws); see
// docs/web-protocol.md. Everything from the server is put on the page as text or through the
// Markdown renderer, which builds DOM nodes and never parses HTML.
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const store = {
    get: (key) => { try { return window.localStorage.getItem('openpista.' + key); } catch (e) { return null; } },
    set: (key, value) => { try { window.localStorage.setItem('openpista.' + key, value); } catch (e) { /* private mode */ } },
    remove: (key) => { try { window.localStorage.removeItem('openpista.' + key); } catch (e) { /* private mode */ } },
  };
  const MAX_RECONNECTS = 10;
  const PING_EVERY = 25000;
  const PONG_WITHIN = 10000;
  const CONNECTIONS_EVERY = 2000;

  const state = {
    token: null,
    clientId: null,
    sessionToken: null,
    sessionId: null,
    ws: null,
    attempts: 0,
    reconnectTimer: null,
    pingTimer: null,
    pongTimer: null,
    intentionalClose: false,
    busy: false,
    streaming: null,
    thinking: null,
    approvals: new Map(),
    provider: '',
    model: '',
    sessions: [],
    loginFlow: null,
    pairing: { watching: false, shown: false, state: null },
    // while the Connections dialog is open, the other connections (MCP servers…) are asked for again every few seconds
    connectionsTimer: null,
    // files picked, dropped or pasted for the next message: {name, mime_type, data_b64, size}
    pending: [],
    // the server's limit (auth_result.max_upload_bytes); files above it are refused before they are read
    maxUpload: 12 * 1024 * 1024,
    providers: [],
    // the last message sent whose answer has not come: sent again after a reconnect (docs/web-protocol.md, resume)
    unanswered: null,
    resumeOnHistory: false,
    resending: null,
  };
  let slash = null;

  // ---- small helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function randomId() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function toast(text, kind) {
    const node = el('div', 'toast' + (kind === 'error' ? ' error' : ''), text);
    node.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    $('toasts').appendChild(node);
    setTimeout(() => node.remove(), kind === 'error' ? 7000 : 3500);
  }

  function setStatus(value, title) {
    const status = $('status');
    status.dataset.state = value;
    status.title = title || value;
  }

  function scrollDown() {
    const box = $('messages');
    box.scrollTop = box.scrollHeight;
  }

  function shortSession(id) {
    if (!id) return '';
    const custom = store.get('name.' + id);
    return custom || (id.length > 36 ? id.slice(0, 33) + '…' : id);
  }

  // ---- login and connection

  function showLogin(message) {
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('login-token').focus();
  }

  function showApp() {
    $('login').hidden = true;
    $('app').hidden = false;
  }

  async function authenticate() {
    let response;
    try {
      response = await fetch('/auth', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: state.token, client_id: state.clientId }),
        cache: 'no-store',
      });
    } catch (e) {
      return { ok: false, retry: true, error: 'The server does not answer.' };
    }
    let body = {};
    try { body = await response.json(); } catch (e) { /* not JSON */ }
    if (response.ok && body.success) {
      state.sessionToken = body.session_token;
      if (body.client_id) {
        state.clientId = body.client_id;
        store.set('client_id', state.clientId);
      }
      updateModel(body.provider, body.model);
      return { ok: true };
    }
    if (response.status === 429) return { ok: false, retry: false, error: body.error || 'Too many failed attempts; wait a few minutes.' };
    if (response.status === 401) return { ok: false, retry: false, invalid: true, error: body.error || 'Invalid token' };
    return { ok: false, retry: true, error: body.error || ('The server answered ' + response.status) };
  }

  async function start() {
    if (!state.token) {
      showLogin('');
      return;
    }
    setStatus('connecting');
    const result = await authenticate();
    if (!result.ok) {
      if (result.invalid) {
        store.remove('token');
        state.token = null;
        showLogin(result.error);
      } else if (result.retry) {
        showApp();
        scheduleReconnect(result.error);
      } else {
        showLogin(result.error);
      }
      return;
    }
    showApp();
    connect();
  }

  function connect() {
    clearTimeout(state.reconnectTimer);
    const params = new URLSearchParams();
    params.set('session_token', state.sessionToken || '');
    params.set('client_id', state.clientId);
    if (state.sessionId) params.set('session_id', state.sessionId);
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(scheme + '//' + window.location.host + '/ws?' + params.toString());
    state.ws = ws;
    state.intentionalClose = false;
    setStatus('connecting');
    ws.onopen = () => {
      state.attempts = 0;
      state.resumeOnHistory = state.unanswered !== null;
      $('banner').hidden = true;
      setStatus('open', 'connected');
      startKeepalive();
    };
    ws.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    };
    ws.onclose = (event) => {
      stopKeepalive();
      if (state.ws !== ws) return;
      state.ws = null;
      setStatus('closed', 'disconnected');
      endStreaming(false);
      setBusy(false);
      if (!state.intentionalClose) {
        scheduleReconnect(event.code === 1009 ? 'The message was too large for the server.' : null);
      }
    };
  }

  function scheduleReconnect(reason) {
    clearTimeout(state.reconnectTimer);
    if (state.attempts >= MAX_RECONNECTS) {
      showBanner('Disconnected after ' + MAX_RECONNECTS + ' attempts.' + (reason ? ' ' + reason : ''));
      return;
    }
    const delay = Math.min(30000, 1000 * Math.pow(2, state.attempts));
    state.attempts++;
    showBanner('Reconnecting in ' + Math.round(delay / 1000) + ' s (attempt ' + state.attempts + ' of ' + MAX_RECONNECTS + ')…'
      + (reason ? ' ' + reason : ''));
    state.reconnectTimer = setTimeout(async () => {
      // a session token does not survive a server restart: get a fresh one each time
      const result = await authenticate();
      if (result.ok) connect();
      else if (result.invalid) { store.remove('token'); state.token = null; showLogin(result.error); }
      else scheduleReconnect(result.error);
    }, delay);
  }

  /** After a reconnect: the unanswered message goes again; the server runs it once and answers it once. */
  function resume() {
    state.resumeOnHistory = false;
    const pending = state.unanswered;
    if (!pending || pending.session_id !== state.sessionId) { state.unanswered = null; return; }
    if (send(Object.assign({}, pending.frame, { resend: true }))) {
      state.resending = pending.frame;
      setBusy(true);
      showThinking();
    }
  }

  /** A resent message that never reached the server is taken now: the redrawn history lacks it, so it is shown again. */
  function resumed(ack) {
    const frame = state.resending;
    if (!frame || ack.message_id !== frame.message_id) return;
    state.resending = null;
    if (ack.duplicate) return;
    hideThinking();
    addImages(addUser(frame.content, frame.message_id), frame.attachments);
    showThinking();
  }

  function answered(messageId) {
    if (state.unanswered && (!messageId || messageId === state.unanswered.frame.message_id)) state.unanswered = null;
  }

  function showBanner(text) {
    $('banner-text').textContent = text;
    $('banner').hidden = false;
  }

  function startKeepalive() {
    stopKeepalive();
    state.pingTimer = setInterval(() => {
      if (!send({ type: 'ping' })) return;
      clearTimeout(state.pongTimer);
      state.pongTimer = setTimeout(() => { if (state.ws) state.ws.close(4000, 'no pong'); }, PONG_WITHIN);
    }, PING_EVERY);
  }

  function stopKeepalive() {
    clearInterval(state.pingTimer);
    clearTimeout(state.pongTimer);
  }

  function send(frame) {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) return false;
    state.ws.send(JSON.stringify(frame));
    return true;
  }

  // ---- frames from the server

  function handle(frame) {
    switch (frame.type) {
      case 'auth_result':
        if (!frame.success) { toast(frame.error || 'Authentication failed', 'error'); return; }
        if (frame.client_id) { state.clientId = frame.client_id; store.set('client_id', frame.client_id); }
        if (frame.session_id) setSession(frame.session_id);
        if (typeof frame.max_upload_bytes === 'number') state.maxUpload = frame.max_upload_bytes;
        updateModel(frame.provider, frame.model);
        send({ type: 'model_list_request' });
        // a new connection watches nothing yet: watch again what the open dialog shows
        if (state.pairing.watching) {
          send({ type: 'pairing_request', channel: 'whatsapp' });
          send({ type: 'pairing_request', channel: 'mobile' });
        }
        return;
      case 'pong':
        clearTimeout(state.pongTimer);
        return;
      case 'sessions_list':
        state.sessions = frame.sessions || [];
        renderSessions();
        return;
      case 'session_history':
        if (frame.session_id !== state.sessionId) setSession(frame.session_id);
        renderHistory(frame.messages || []);
        if (state.resumeOnHistory) resume();
        return;
      case 'message_ack':
        resumed(frame);
        markDelivered(frame.message_id);
        return;
      case 'message_error':
        answered(frame.message_id);
        markFailed(frame.message_id);
        setBusy(false);
        hideThinking();
        toast(frame.error || 'The message could not be sent', 'error');
        return;
      case 'user_message':
        if (frame.session_id === state.sessionId) {
          const node = addUser(frame.content, frame.message_id);
          // a message another channel (Telegram, Slack, the terminal) brought to the session says where from
          if (typeof frame.channel === 'string' && frame.channel) node.dataset.channel = frame.channel;
          addImages(node, frame.attachments);
          setBusy(true);
          showThinking();
        }
        return;
      case 'response_delta':
        if (frame.session_id && frame.session_id !== state.sessionId) return;
        appendDelta(frame.content || '');
        return;
      case 'progress':
        if (frame.session_id && frame.session_id !== state.sessionId) return;
        progress(frame);
        return;
      case 'response':
        if (frame.session_id && frame.session_id !== state.sessionId) return;
        answered(frame.message_id);
        // an answer given while this page was away is already in the history the server sends again
        if (frame.replayed) { send({ type: 'session_history_request', session_id: state.sessionId }); return; }
        finishResponse(frame);
        send({ type: 'sessions_request' });
        return;
      case 'generation_cancelled':
        if (frame.session_id && frame.session_id !== state.sessionId) return;
        answered(frame.message_id);
        endStreaming(true);
        hideThinking();
        setBusy(false);
        for (const card of state.approvals.values()) resolveApproval(card, 'cancelled');
        toast('Generation stopped');
        return;
      case 'tool_approval_request':
        if (frame.session_id && frame.session_id !== state.sessionId) return;
        showApproval(frame);
        return;
      case 'tool_approval_resolved': {
        const card = state.approvals.get(frame.call_id);
        if (card) resolveApproval(card, frame.decision);
        return;
      }
      case 'model_list':
        renderModels(frame);
        if (slash) slash.modelList(frame);
        return;
      case 'model_changed':
        updateModel(frame.provider, frame.model);
        toast('Model: ' + frame.provider + ' / ' + frame.model);
        return;
      case 'provider_auth_status':
        renderProviders(frame.providers || []);
        return;
      case 'provider_auth_url':
        showLoginFlow(frame);
        return;
      case 'provider_auth_completed':
        toast(frame.message || (frame.success ? 'Logged in' : 'Login failed'), frame.success ? 'info' : 'error');
        if (frame.success) { closeProviderForm(); send({ type: 'model_list_request' }); }
        return;
      case 'session_deleted':
        if (frame.session_id === state.sessionId) newSession();
        return;
      case 'pairing_status':
        if (frame.channel === 'whatsapp') renderPairing(frame);
        else if (frame.channel === 'mobile') renderMobile(frame);
        return;
      case 'connections_status':
        renderConnections(frame.connections || []);
        return;
      case 'usage':
        if (slash) slash.usage(frame);
        return;
      case 'status':
        renderStatus(frame);
        return;
      case 'error':
        if (frame.in_reply_to === 'model_list_request') {
          $('model-select').title = frame.error;
          return;
        }
        if (frame.in_reply_to === 'usage_request' && slash) {
          slash.usageError(frame);
          return;
        }
        toast(frame.error || 'Error', 'error');
        return;
      default:
        // unknown frame types are ignored, as the protocol asks
    }
  }

  // ---- sessions

  function setSession(id) {
    state.sessionId = id;
    store.set('session_id', id);
    $('session-title').textContent = shortSession(id);
    const path = '/s/' + encodeURIComponent(id);
    if (window.location.pathname !== path) window.history.replaceState(null, '', path);
    renderSessions();
  }

  function renderSessions() {
    const list = $('session-list');
    list.replaceChildren();
    const sessions = state.sessions.slice();
    if (state.sessionId && !sessions.some((s) => s.id === state.sessionId)) {
      sessions.unshift({ id: state.sessionId, preview: 'New chat', channel_id: 'web' });
    }
    for (const session of sessions) {
      const li = el('li');
      li.dataset.sessionId = session.id;
      if (session.id === state.sessionId) li.classList.add('active');
      const open = el('button', 'open');
      open.type = 'button';
      open.appendChild(el('span', '', session.preview || shortSession(session.id)));
      open.appendChild(el('small', '', (session.channel_id || '') + ' · ' + shortSession(session.id)));
      open.addEventListener('click', () => switchSession(session.id));
      const del = el('button', 'delete', '×');
      del.type = 'button';
      del.title = 'Delete this session';
      del.setAttribute('aria-label', 'Delete session ' + session.id);
      del.addEventListener('click', () => {
        if (window.confirm('Delete this session and its messages?')) send({ type: 'session_delete', session_id: session.id });
      });
      li.append(open, del);
      list.appendChild(li);
    }
  }

  function switchSession(id) {
    closeSidebar();
    if (id === state.sessionId) return;
    send({ type: 'session_history_request', session_id: id });
  }

  function newSession() {
    closeSidebar();
    send({ type: 'session_new' });
  }

  // ---- messages

  function renderHistory(messages) {
    const box = $('messages');
    box.replaceChildren();
    state.streaming = null;
    state.thinking = null;
    state.approvals.clear();
    setBusy(false);
    for (const message of messages) {
      if (message.role === 'user') addImages(addUser(message.content), message.attachments);
      else if (message.role === 'assistant') {
        if (message.content) addAssistant(message.content, false, message.attachments);
        for (const call of message.tool_calls || []) addTool('» ' + call.name + ' ' + compact(call.arguments));
      } else if (message.role === 'tool') {
        const text = (message.is_error ? '✗ ' : '  ') + firstLines(message.content);
        const node = addTool(text);
        addImages(node, message.attachments);
      }
    }
    scrollDown();
  }

  function compact(value) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.length > 300 ? text.slice(0, 299) + '…' : text;
  }

  function firstLines(text) {
    const lines = String(text || '').split('\n');
    const shown = lines.slice(0, 6).join('\n');
    return lines.length > 6 ? shown + '\n…' : shown;
  }

  function addUser(text, messageId) {
    const node = el('div', 'msg user', text);
    if (messageId) node.dataset.messageId = messageId;
    $('messages').appendChild(node);
    scrollDown();
    return node;
  }

  function addAssistant(text, error, attachments) {
    const node = el('div', 'msg assistant' + (error ? ' error' : ''));
    window.OpenpistaMarkdown.render(text, node);
    addImages(node, attachments);
    $('messages').appendChild(node);
    scrollDown();
    return node;
  }

  /** A line from the page itself (slash command output), not part of the conversation. */
  function addNote(text) {
    const node = el('div', 'msg note', text);
    $('messages').appendChild(node);
    scrollDown();
    return node;
  }

  function addTool(text) {
    const node = el('div', 'msg tool', text);
    $('messages').appendChild(node);
    return node;
  }

  function addImages(node, attachments) {
    for (const image of attachments || []) {
      if (!/^image\/(png|jpeg|gif|webp)$/.test(image.mime_type || '') || !image.data_b64) continue;
      const img = el('img');
      img.alt = image.name || 'image';
      img.src = 'data:' + image.mime_type + ';base64,' + image.data_b64;
      node.appendChild(img);
    }
  }

  function markDelivered(messageId) {
    const node = messageId && document.querySelector('.msg.user[data-message-id="' + CSS.escape(messageId) + '"]');
    if (node) node.dataset.delivered = 'true';
  }

  function markFailed(messageId) {
    const node = messageId && document.querySelector('.msg.user[data-message-id="' + CSS.escape(messageId) + '"]');
    if (node) node.classList.add('failed');
  }

  function showThinking() {
    if (state.thinking) return;
    const node = el('div', 'thinking');
    node.setAttribute('aria-label', 'thinking');
    node.append(el('span'), el('span'), el('span'));
    $('messages').appendChild(node);
    state.thinking = node;
    scrollDown();
  }

  function hideThinking() {
    if (state.thinking) state.thinking.remove();
    state.thinking = null;
  }

  function appendDelta(text) {
    if (!text) return;
    if (!state.streaming) {
      hideThinking();
      const node = el('div', 'msg assistant streaming');
      node.dataset.deltas = '0';
      state.streaming = { node, text: '' };
      $('messages').appendChild(node);
    }
    state.streaming.text += text;
    state.streaming.node.dataset.deltas = String(Number(state.streaming.node.dataset.deltas) + 1);
    // while streaming, plain text; the Markdown is rendered once the answer is complete
    state.streaming.node.textContent = state.streaming.text;
    scrollDown();
  }

  function endStreaming(cancelled) {
    if (!state.streaming) return;
    state.streaming.node.classList.remove('streaming');
    if (cancelled) state.streaming.node.classList.add('cancelled');
    state.streaming = null;
  }

  function progress(frame) {
    if (frame.kind === 'thinking') {
      if (!state.streaming) showThinking();
      setBusy(true);
    } else if (frame.kind === 'tool_started') {
      endStreaming(false);
      hideThinking();
      addTool('» ' + (frame.tool_name || 'tool') + ' ' + (frame.detail || ''));
    } else if (frame.kind === 'tool_failed') {
      addTool('✗ ' + (frame.detail || 'failed'));
    }
    scrollDown();
  }

  function finishResponse(frame) {
    hideThinking();
    const streamed = state.streaming;
    state.streaming = null;
    if (streamed && !frame.is_error) {
      streamed.node.classList.remove('streaming');
      streamed.node.textContent = '';
      window.OpenpistaMarkdown.render(frame.content || '', streamed.node);
      addImages(streamed.node, frame.attachments);
    } else {
      if (streamed) streamed.node.classList.remove('streaming');
      addAssistant(frame.content || '', frame.is_error, frame.attachments);
      if (frame.is_error) toast(frame.content || 'The turn failed', 'error');
    }
    setBusy(false);
    scrollDown();
  }

  function setBusy(busy) {
    state.busy = busy;
    $('send').hidden = busy;
    $('stop').hidden = !busy;
  }

  function sendMessage() {
    const box = $('composer');
    let text = box.value;
    const files = state.pending;
    if (!text.trim() && files.length === 0) return;
    if (files.length === 0 && slash && slash.run(text)) {
      box.value = '';
      autosize();
      return;
    }
    // "//" sends text that starts with "/" to the agent
    if (text.startsWith('//')) text = text.slice(1);
    const messageId = randomId();
    const frame = { type: 'message', content: text, message_id: messageId };
    if (files.length) frame.attachments = files.map((f) => ({ mime_type: f.mime_type, name: f.name, data_b64: f.data_b64 }));
    if (!send(frame)) {
      toast('Not connected; the message was not sent', 'error');
      return;
    }
    box.value = '';
    autosize();
    state.pending = [];
    renderPending();
    addImages(addUser(text, messageId), frame.attachments);
    state.unanswered = { frame: frame, session_id: state.sessionId };
    setBusy(true);
    showThinking();
  }

  // ---- attachments: the button, drag and drop, paste

  function attachFiles(fileList) {
    for (const file of Array.from(fileList || [])) {
      // refused by size before a byte is read: the browser never loads a file the server would refuse
      if (file.size > state.maxUpload) {
        toast('"' + file.name + '" is too large (' + megabytes(file.size) + ' MB; the limit is '
          + megabytes(state.maxUpload) + ' MB)', 'error');
        continue;
      }
      if (file.size === 0) { toast('"' + file.name + '" is empty', 'error'); continue; }
      const reader = new FileReader();
      reader.onload = () => {
        const url = String(reader.result);
        const comma = url.indexOf(',');
        state.pending.push({ name: file.name || 'pasted-image', mime_type: file.type || 'application/octet-stream',
          data_b64: url.slice(comma + 1), size: file.size });
        renderPending();
      };
      reader.onerror = () => toast('"' + file.name + '" could not be read', 'error');
      reader.readAsDataURL(file);
    }
  }

  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1);
  }

  function renderPending() {
    const list = $('attachments');
    list.replaceChildren();
    list.hidden = state.pending.length === 0;
    state.pending.forEach((file, index) => {
      const chip = el('span', 'chip', file.name + ' · ' + Math.max(1, Math.round(file.size / 1024)) + ' KB');
      const remove = el('button', 'chip-remove', '×');
      remove.type = 'button';
      remove.setAttribute('aria-label', 'Remove ' + file.name);
      remove.addEventListener('click', () => { state.pending.splice(index, 1); renderPending(); });
      chip.appendChild(remove);
      list.appendChild(chip);
    });
  }

  function cancelGeneration() {
    if (state.busy) send({ type: 'cancel_generation' });
  }

  // ---- approvals

  function showApproval(frame) {
    if (state.approvals.has(frame.call_id)) return;
    hideThinking();
    endStreaming(false);
    const card = el('div', 'approval');
    card.dataset.callId = frame.call_id;
    card.appendChild(el('h4', '', 'Allow ' + frame.tool_name + '?'));
    const args = typeof frame.arguments === 'string' ? frame.arguments : JSON.stringify(frame.arguments, null, 2);
    card.appendChild(el('pre', '', args));
    const row = el('div', 'row');
    const choices = [['approve', 'Allow', 'primary'], ['reject', 'Deny', ''], ['allow_for_session', 'Allow for this session', '']];
    for (const [decision, label, cls] of choices) {
      const button = el('button', cls, label);
      button.type = 'button';
      button.dataset.decision = decision;
      button.addEventListener('click', () => {
        send({ type: 'tool_approval_response', call_id: frame.call_id, decision, session_id: frame.session_id });
        resolveApproval(card, decision);
      });
      row.appendChild(button);
    }
    card.appendChild(row);
    $('messages').appendChild(card);
    state.approvals.set(frame.call_id, card);
    scrollDown();
  }

  function resolveApproval(card, decision) {
    if (card.classList.contains('resolved')) return;
    card.classList.add('resolved');
    card.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    const words = { approve: 'Allowed', reject: 'Denied', allow_for_session: 'Allowed for this session',
      expired: 'Nobody answered in time', cancelled: 'Cancelled' };
    card.appendChild(el('div', 'outcome', words[decision] || decision));
    state.approvals.delete(card.dataset.callId);
    if (decision !== 'reject' && decision !== 'cancelled' && decision !== 'expired') showThinking();
  }

  // ---- models

  function updateModel(provider, model) {
    if (provider) state.provider = provider;
    if (model !== undefined && model !== null) state.model = model;
    const select = $('model-select');
    const value = state.provider + '\u0000' + state.model;
    if (![...select.options].some((o) => o.value === value) && state.provider) {
      const option = el('option', '', state.provider + ' / ' + (state.model || 'default'));
      option.value = value;
      select.appendChild(option);
    }
    select.value = value;
  }

  function renderModels(frame) {
    const select = $('model-select');
    select.replaceChildren();
    const groups = new Map();
    for (const model of frame.models || []) {
      if (!groups.has(model.provider)) {
        const group = el('optgroup');
        group.label = model.provider;
        groups.set(model.provider, group);
        select.appendChild(group);
      }
      const option = el('option', '', model.model + (model.recommended ? ' ★' : ''));
      option.value = model.provider + '\u0000' + model.model;
      groups.get(model.provider).appendChild(option);
    }
    if (Array.isArray(frame.providers)) state.providers = frame.providers;
    if (frame.current) updateModel(frame.current.provider, frame.current.model);
    select.title = frame.error || '';
  }

  function changeModel() {
    const [provider, model] = $('model-select').value.split('\u0000');
    if (provider === undefined || model === undefined) return;
    if (provider === state.provider && model === state.model) return;
    send({ type: 'model_change', provider, model });
  }

  // ---- provider logins

  function openProviders() {
    closeSidebar();
    $('providers').hidden = false;
    $('provider-list').replaceChildren(el('li', '', 'Loading…'));
    closeProviderForm();
    send({ type: 'provider_auth_request' });
    $('whatsapp-state').textContent = 'Checking…';
    $('pairing').hidden = true;
    state.pairing.shown = false;
    state.pairing.watching = true;
    send({ type: 'pairing_request', channel: 'whatsapp' });
    $('mobile-pairing').hidden = true;
    send({ type: 'pairing_request', channel: 'mobile' });
    send({ type: 'connections_request' });
    clearInterval(state.connectionsTimer);
    state.connectionsTimer = setInterval(() => send({ type: 'connections_request' }), CONNECTIONS_EVERY);
  }

  function closeProviders() {
    $('providers').hidden = true;
    clearInterval(state.connectionsTimer);
    state.connectionsTimer = null;
    if (state.pairing.watching) {
      state.pairing.watching = false;
      send({ type: 'pairing_request', channel: 'whatsapp', watch: false });
      send({ type: 'pairing_request', channel: 'mobile', watch: false });
    }
  }

  function renderProviders(providers) {
    const list = $('provider-list');
    list.replaceChildren();
    for (const provider of providers) {
      const li = el('li');
      const name = el('div');
      name.appendChild(el('strong', '', provider.display_name || provider.name));
      name.appendChild(el('div', 'state' + (provider.authenticated ? ' ok' : ''),
        provider.authenticated ? 'connected' + (provider.account ? ' as ' + provider.account : '') : 'not connected'));
      const button = el('button', '', provider.authenticated ? 'Change' : 'Connect');
      button.type = 'button';
      button.dataset.provider = provider.name;
      button.addEventListener('click', () => openProviderForm(provider));
      li.append(name, button);
      list.appendChild(li);
    }
    if (!providers.length) list.appendChild(el('li', '', 'No providers.'));
  }

  function openProviderForm(provider) {
    state.loginFlow = { provider: provider.name, mode: provider.auth_mode };
    $('provider-form').hidden = false;
    $('provider-form-title').textContent = provider.display_name || provider.name;
    $('provider-auth-link').hidden = true;
    $('provider-user-code').hidden = true;
    $('provider-code').hidden = true;
    $('provider-endpoint').hidden = provider.auth_mode !== 'endpoint_and_key';
    // OAuth providers accept an API key too: an empty key field starts the browser login
    $('provider-key').hidden = provider.auth_mode === 'none';
    $('provider-key').placeholder = provider.auth_mode === 'oauth' ? 'API key (or leave empty to log in)' : 'API key';
    $('provider-key').value = '';
    $('provider-code').value = '';
    $('provider-submit').textContent = provider.auth_mode === 'oauth' ? 'Log in' : 'Save';
  }

  function closeProviderForm() {
    $('provider-form').hidden = true;
    state.loginFlow = null;
  }

  function submitProvider() {
    const flow = state.loginFlow;
    if (!flow) return;
    if (!$('provider-code').hidden && $('provider-code').value.trim()) {
      send({ type: 'provider_login', provider: flow.provider, auth_code: $('provider-code').value.trim() });
      return;
    }
    const key = $('provider-key').hidden ? '' : $('provider-key').value.trim();
    if (flow.mode === 'oauth' && !key) {
      send({ type: 'provider_login', provider: flow.provider });
      return;
    }
    if (!key && flow.mode !== 'none') {
      toast('Enter the API key', 'error');
      return;
    }
    const frame = { type: 'provider_login', provider: flow.provider };
    if (key) frame.api_key = key;
    if (!$('provider-endpoint').hidden) frame.endpoint = $('provider-endpoint').value.trim();
    send(frame);
    $('provider-key').value = '';
  }

  function showLoginFlow(frame) {
    let url;
    try { url = new URL(frame.auth_url); } catch (e) { return; }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return;
    const link = $('provider-auth-link');
    link.href = url.href;
    link.hidden = false;
    if (frame.user_code) {
      $('provider-user-code').textContent = frame.user_code;
      $('provider-user-code').hidden = false;
    }
    if (frame.flow_type === 'code_display') {
      $('provider-code').hidden = false;
      $('provider-submit').textContent = 'Submit code';
    }
    window.open(url.href, '_blank', 'noopener,noreferrer');
  }

  // ---- other connections: what bundles report (MCP servers…), grouped under their heading

  const CONNECTION_WORDS = { idle: 'not started yet', starting: 'starting…', connected: 'connected', failed: 'failed',
    disabled: 'disabled', stopped: 'stopped' };

  function renderConnections(connections) {
    const box = $('connection-groups');
    box.replaceChildren();
    const groups = new Map();
    for (const connection of connections) {
      if (!groups.has(connection.group)) {
        const list = el('ul', 'provider-list connection-list');
        list.dataset.group = connection.group;
        groups.set(connection.group, list);
        box.append(el('h3', 'modal-section', connection.group), list);
      }
      groups.get(connection.group).appendChild(connectionItem(connection));
    }
  }

  function connectionItem(connection) {
    const li = el('li', 'connection');
    li.dataset.name = connection.name;
    li.dataset.state = connection.state;
    const head = el('div', 'connection-head');
    const kind = connection.state === 'connected' ? ' ok' : connection.state === 'failed' ? ' error'
      : connection.state === 'starting' ? ' busy' : '';
    head.append(el('strong', '', connection.name), el('span', 'state connection-state' + kind,
      CONNECTION_WORDS[connection.state] || String(connection.state)));
    li.appendChild(head);
    if (connection.detail) li.appendChild(el('div', 'state connection-detail', connection.detail));
    const offers = connection.offers || [];
    if (offers.length) li.appendChild(el('div', 'offers', 'Tools (' + offers.length + '): ' + offers.join(', ')));
    const log = connection.log_tail || [];
    if (connection.state === 'failed' && log.length) {
      li.appendChild(el('div', 'state', 'Last lines of its error output:'));
      li.appendChild(el('pre', 'log-tail', log.join('\n')));
    }
    return li;
  }

  // ---- status panel: the daemon and its bundles, as openpista:status shows them

  function openStatus() {
    closeSidebar();
    $('status-panel').hidden = false;
    send({ type: 'status_request' });
  }

  function closeStatus() {
    $('status-panel').hidden = true;
  }

  function renderStatus(frame) {
    const summary = $('status-summary');
    summary.replaceChildren();
    const rows = [];
    if (frame.provider) rows.push(['Model', frame.provider + ' / ' + (frame.model || '(provider default)')]);
    if (typeof frame.uptime_secs === 'number') rows.push(['Uptime', duration(frame.uptime_secs)]);
    if (Array.isArray(frame.features)) rows.push(['Features', frame.features.join(', ')]);
    const bundles = frame.bundles || [];
    rows.push(['Bundles', bundles.filter((b) => b.state === 'active').length + ' active of ' + bundles.length]);
    for (const [term, value] of rows) summary.append(el('dt', '', term), el('dd', '', value));
    const body = $('bundle-rows');
    body.replaceChildren();
    for (const bundle of bundles) {
      const tr = el('tr');
      tr.dataset.name = bundle.name;
      tr.dataset.state = bundle.state;
      tr.append(el('td', '', String(bundle.id)), el('td', '', bundle.name), el('td', '', bundle.version), el('td', '', bundle.state));
      body.appendChild(tr);
    }
  }

  function duration(seconds) {
    const days = Math.floor(seconds / 86400);
    const hours = Math.floor((seconds % 86400) / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    if (days) return days + ' d ' + hours + ' h';
    if (hours) return hours + ' h ' + minutes + ' min';
    return minutes ? minutes + ' min ' + (seconds % 60) + ' s' : seconds + ' s';
  }

  // ---- WhatsApp pairing (docs/web-protocol.md, Pairing)

  const QUIET_ZONE = 4;

  function pairedName(frame) {
    const number = frame.account ? '+' + frame.account : '';
    if (frame.detail && number) return frame.detail + ' (' + number + ')';
    return frame.detail || number || 'this account';
  }

  function describePairing(frame) {
    switch (frame.state) {
      case 'unavailable': return 'not running with QR pairing here; set it up with: openpista whatsapp';
      case 'starting': return 'starting…';
      case 'waiting_for_scan': return 'waiting for the QR code to be scanned';
      case 'connected': return 'paired as ' + pairedName(frame);
      case 'disconnected': return 'disconnected' + (frame.detail ? ': ' + frame.detail : '; reconnecting');
      case 'failed': return 'failed' + (frame.detail ? ': ' + frame.detail : '');
      case 'stopped': return 'stopped';
      default: return String(frame.state || 'unknown');
    }
  }

  function renderPairing(frame) {
    const previous = state.pairing.state;
    state.pairing.state = frame.state;
    const connected = frame.state === 'connected';
    const row = $('whatsapp-state');
    row.textContent = describePairing(frame);
    row.className = 'state' + (connected ? ' ok' : '');
    const button = $('whatsapp-connect');
    button.textContent = connected ? 'Paired' : 'Connect WhatsApp';
    button.disabled = connected || frame.state === 'unavailable';

    const canvas = $('pairing-qr');
    const drawn = frame.state === 'waiting_for_scan' && drawQr(canvas, frame.qr);
    canvas.hidden = !drawn;
    canvas.dataset.version = drawn ? String(frame.version) : '';
    $('pairing-hint').hidden = !drawn;
    const text = $('pairing-state');
    text.className = 'pairing-state' + (connected ? ' ok' : frame.state === 'failed' ? ' error' : '');
    text.textContent = connected ? 'Paired as ' + pairedName(frame) + '. WhatsApp messages now reach the agent.'
      : drawn ? 'Waiting for the scan…'
        : frame.state === 'waiting_for_scan' ? 'The QR code cannot be shown.'
          : describePairing(frame).replace(/^./, (c) => c.toUpperCase());
    if (connected && previous && previous !== 'connected' && state.pairing.shown) {
      toast('WhatsApp paired as ' + pairedName(frame));
    }
  }

  /** Draws the modules on the canvas, dark on white with a quiet zone; false when the code is malformed. */
  function drawQr(canvas, qr) {
    const size = qr && qr.size;
    const rows = qr && qr.rows;
    if (!Number.isInteger(size) || size < 1 || size > 177 || !Array.isArray(rows) || rows.length !== size
      || !rows.every((row) => typeof row === 'string' && row.length === size && /^[01]+$/.test(row))) {
      return false;
    }
    const modules = size + 2 * QUIET_ZONE;
    const scale = Math.max(2, Math.floor(264 / modules));
    const side = modules * scale;
    canvas.width = side;
    canvas.height = side;
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, side, side);
    context.fillStyle = '#000000';
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        if (rows[y].charCodeAt(x) === 49) {
          context.fillRect((x + QUIET_ZONE) * scale, (y + QUIET_ZONE) * scale, scale, scale);
        }
      }
    }
    canvas.dataset.size = String(size);
    canvas.dataset.scale = String(scale);
    canvas.dataset.quiet = String(QUIET_ZONE);
    return true;
  }

  // ---- mobile link: the channel offers the link of openpista mobile setup as its code, in `detail`

  /** The row shows only while the mobile channel listens here; its code is the link, drawn on request. */
  function renderMobile(frame) {
    const drawn = frame.state === 'waiting_for_scan' && drawQr($('mobile-qr'), frame.qr);
    $('mobile-row').hidden = !drawn;
    if (!drawn) $('mobile-pairing').hidden = true;
    $('mobile-state').textContent = drawn ? 'phones connect with a QR code' : '';
    $('mobile-link').textContent = drawn ? frame.detail : '';
  }

  function showMobile() {
    $('mobile-pairing').hidden = false;
    $('mobile-pairing').scrollIntoView({ block: 'nearest' });
  }

  function showPairing() {
    state.pairing.shown = true;
    $('pairing').hidden = false;
    $('pairing').scrollIntoView({ block: 'nearest' });
    send({ type: 'pairing_request', channel: 'whatsapp' });
  }

  // ---- layout

  function openSidebar() { $('sidebar').classList.add('open'); $('scrim').hidden = false; }
  function closeSidebar() { $('sidebar').classList.remove('open'); $('scrim').hidden = true; }

  function autosize() {
    const box = $('composer');
    box.style.height = 'auto';
    box.style.height = Math.min(box.scrollHeight, window.innerHeight * 0.4) + 'px';
  }

  // ---- start

  function init() {
    const hash = new URLSearchParams(window.location.hash.slice(1));
    if (hash.get('token')) {
      store.set('token', hash.get('token'));
      window.history.replaceState(null, '', window.location.pathname);
    }
    state.token = store.get('token');
    state.clientId = store.get('client_id') || randomId();
    store.set('client_id', state.clientId);
    const match = /^\/s\/(.+)$/.exec(window.location.pathname);
    state.sessionId = match ? decodeURIComponent(match[1]) : null;

    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = $('login-token').value.trim();
      if (!token) return;
      state.token = token;
      store.set('token', token);
      $('login-token').value = '';
      start();
    });
    $('composer-form').addEventListener('submit', (event) => { event.preventDefault(); sendMessage(); });
    slash = window.OpenpistaSlash.create({ $, state, send, toast, note: addNote, newSession, switchSession, openStatus });
    $('composer').addEventListener('keydown', (event) => {
      if (slash.key(event)) {
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendMessage();
      }
    });
    $('composer').addEventListener('input', () => { autosize(); slash.renderMenu(); });
    $('attach').addEventListener('click', () => $('file-input').click());
    $('file-input').addEventListener('change', (event) => { attachFiles(event.target.files); event.target.value = ''; });
    $('composer').addEventListener('paste', (event) => {
      const files = event.clipboardData ? event.clipboardData.files : null;
      if (files && files.length) { event.preventDefault(); attachFiles(files); }
    });
    const main = document.querySelector('main') || document.body;
    main.addEventListener('dragover', (event) => { event.preventDefault(); main.classList.add('dropping'); });
    main.addEventListener('dragleave', () => main.classList.remove('dropping'));
    main.addEventListener('drop', (event) => {
      event.preventDefault();
      main.classList.remove('dropping');
      if (event.dataTransfer) attachFiles(event.dataTransfer.files);
    });
    $('stop').addEventListener('click', cancelGeneration);
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        if (!$('providers').hidden) { closeProviders(); return; }
        if (!$('status-panel').hidden) { closeStatus(); return; }
        cancelGeneration();
      }
    });
    $('new-session').addEventListener('click', newSession);
    $('model-select').addEventListener('change', changeModel);
    $('menu').addEventListener('click', openSidebar);
    $('scrim').addEventListener('click', closeSidebar);
    $('open-login').addEventListener('click', openProviders);
    $('providers-close').addEventListener('click', closeProviders);
    $('open-status').addEventListener('click', openStatus);
    $('status-close').addEventListener('click', closeStatus);
    $('whatsapp-connect').addEventListener('click', showPairing);
    $('mobile-connect').addEventListener('click', showMobile);
    $('provider-submit').addEventListener('click', submitProvider);
    $('provider-cancel').addEventListener('click', closeProviderForm);
    $('banner-retry').addEventListener('click', () => { state.attempts = 0; scheduleReconnect(); });
    $('logout').addEventListener('click', () => {
      store.remove('token');
      state.token = null;
      state.intentionalClose = true;
      if (state.ws) state.ws.close(1000, 'logout');
      showLogin('');
    });
    start();
  }

  document.addEventListener('DOMContentLoaded', init);
  // the installable app: the service worker keeps the page's files only (see sw.js)
  if ('serviceWorker' in navigator && window.isSecureContext) {
    window.addEventListener('load', () => {
      navigator.serviceWorker.register('/sw.js').catch((error) => console.warn('service worker not registered', error));
    });
  }
})();
