// Slash commands of the web chat, as in the terminal UI: typed in the message box, completed as you
// type (Tab or a click takes a suggestion), run in the page with the protocol's own frames. Nothing
// here reaches the agent; text for the agent that starts with "/" is sent with "//".
(function () {
  'use strict';

  const COMMANDS = [
    ['/help', 'list the commands'],
    ['/model', 'show the model answering now'],
    ['/model list', 'list the models of the configured providers'],
    ['/model ', 'NAME or PROVIDER/NAME: switch the model from the next message on'],
    ['/session', 'show this session and the recent ones'],
    ['/session new', 'start a new session'],
    ['/session load ', 'ID: open a session (the start of its id is enough)'],
    ['/session delete ', 'ID: delete a session and its messages'],
    ['/usage', 'tokens in and out, prompt cache and cost of this session and of the last 7 days'],
    ['/status', 'the daemon and its bundles with their versions and states'],
    ['/clear', 'clear the screen (the session keeps its history)'],
  ];

  function create(api) {
    let pendingModelList = false;
    let pendingUsage = false;
    let selected = 0;

    function suggestions(text) {
      if (!text.startsWith('/') || text.includes('\n')) return [];
      const typed = text.toLowerCase();
      return COMMANDS.filter(([name]) => name.startsWith(typed) && name !== text);
    }

    function renderMenu() {
      const menu = api.$('slash-menu');
      const items = suggestions(api.$('composer').value);
      menu.replaceChildren();
      menu.hidden = items.length === 0;
      if (selected >= items.length) selected = 0;
      items.forEach(([name, help], index) => {
        const li = document.createElement('li');
        li.setAttribute('role', 'option');
        li.dataset.command = name;
        if (index === selected) { li.classList.add('selected'); li.setAttribute('aria-selected', 'true'); }
        const strong = document.createElement('strong');
        strong.textContent = name.trim();
        const small = document.createElement('span');
        small.textContent = ' ' + help;
        li.append(strong, small);
        li.addEventListener('mousedown', (event) => { event.preventDefault(); take(name); });
        menu.appendChild(li);
      });
    }

    function take(name) {
      const box = api.$('composer');
      box.value = name;
      box.focus();
      selected = 0;
      renderMenu();
    }

    /** Keys while the menu is open: arrows move, Tab takes the suggestion, Esc closes. @return whether handled */
    function key(event) {
      const items = suggestions(api.$('composer').value);
      if (items.length === 0 || api.$('slash-menu').hidden) return false;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        selected = (selected + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
        renderMenu();
        return true;
      }
      if (event.key === 'Tab') {
        take(items[selected][0]);
        return true;
      }
      if (event.key === 'Escape') {
        api.$('slash-menu').hidden = true;
        return true;
      }
      return false;
    }

    function findSession(prefix) {
      const matches = api.state.sessions.filter((s) => s.id === prefix || s.id.startsWith(prefix));
      return matches.length === 1 ? matches[0].id : matches.some((s) => s.id === prefix) ? prefix : null;
    }

    function describeSessions() {
      const lines = ['Session: ' + (api.state.sessionId || '(none)')];
      for (const session of api.state.sessions.slice(0, 10)) {
        lines.push((session.id === api.state.sessionId ? '• ' : '  ') + session.id + ' — ' + (session.preview || '')
          + ' (' + (session.channel_id || '') + ')');
      }
      return lines.join('\n');
    }

    /** Runs a command. @return false when the text is not a command (it goes to the agent) */
    function run(text) {
      const line = text.trim();
      if (!line.startsWith('/') || line.includes('\n')) return false;
      if (line.startsWith('//')) return false;
      api.$('slash-menu').hidden = true;
      const [command, sub = '', ...rest] = line.split(/\s+/);
      const argument = [sub, ...rest].join(' ').trim();
      switch (command.toLowerCase()) {
        case '/help':
          api.note(COMMANDS.map(([name, help]) => name.trim() + ' — ' + help).join('\n')
            + '\nText that starts with "/" goes to the agent when written with "//".');
          return true;
        case '/model':
          if (!argument) {
            api.note('Model: ' + (api.state.provider || '?') + ' / ' + (api.state.model || '(provider default)'));
          } else if (argument === 'list') {
            pendingModelList = true;
            api.send({ type: 'model_list_request' });
          } else {
            const slash = argument.indexOf('/');
            const providers = api.state.providers || [];
            const explicit = slash > 0 && providers.includes(argument.slice(0, slash));
            api.send({ type: 'model_change', provider: explicit ? argument.slice(0, slash) : api.state.provider,
              model: explicit ? argument.slice(slash + 1) : argument });
          }
          return true;
        case '/session': {
          const verb = sub.toLowerCase();
          const id = rest.join(' ').trim();
          if (!verb) { api.note(describeSessions()); return true; }
          if (verb === 'new') { api.newSession(); return true; }
          if (verb === 'load' || verb === 'delete') {
            if (!id) { api.toast('/session ' + verb + ' needs a session id (/session lists them)', 'error'); return true; }
            const found = findSession(id) || (verb === 'load' ? id : null);
            if (!found) { api.toast('No session "' + id + '" (/session lists them)', 'error'); return true; }
            if (verb === 'load') api.switchSession(found);
            else api.send({ type: 'session_delete', session_id: found });
            return true;
          }
          api.toast('Unknown: /session ' + sub + ' (new, load ID, delete ID)', 'error');
          return true;
        }
        case '/usage':
          pendingUsage = true;
          if (!api.send({ type: 'usage_request' })) { pendingUsage = false; api.toast('Not connected', 'error'); }
          return true;
        case '/status':
          api.openStatus();
          return true;
        case '/clear':
          api.$('messages').replaceChildren();
          return true;
        default:
          api.toast('Unknown command ' + command + ': /help lists them; start with "//" to send it to the agent', 'error');
          return true;
      }
    }

    /** A model_list frame: shown as a note when /model list asked for it. */
    function modelList(frame) {
      if (!pendingModelList) return;
      pendingModelList = false;
      const lines = (frame.models || []).map((m) => (m.provider === api.state.provider && m.model === api.state.model ? '• ' : '  ')
        + m.provider + ' / ' + m.model + (m.recommended ? ' ★' : ''));
      api.note(lines.length ? 'Models:\n' + lines.join('\n') : 'No models listed' + (frame.error ? ': ' + frame.error : ''));
    }

    function count(value) {
      return Number(value || 0).toLocaleString('en-US');
    }

    function describeUsage(title, sums) {
      if (!sums || !sums.requests) return title + ': no model requests';
      const unpriced = sums.unpriced_models || [];
      const cost = '$' + Number(sums.cost_usd || 0).toFixed(4) + (unpriced.length ? ' + ? (no price for ' + unpriced.join(', ') + ')' : '');
      return title + ': ' + count(sums.requests) + (sums.requests === 1 ? ' request' : ' requests') + ' in '
        + count(sums.turns) + (sums.turns === 1 ? ' turn' : ' turns') + '\n'
        + '  tokens in ' + count(sums.input_tokens) + ', out ' + count(sums.output_tokens)
        + ', cache read ' + count(sums.cache_read_tokens) + ', cache write ' + count(sums.cache_write_tokens) + '\n'
        + '  cache hit ' + (Number(sums.cache_hit_rate || 0) * 100).toFixed(1) + '%, cost ' + cost;
    }

    /** A usage frame: shown as a note when /usage asked for it. */
    function usage(frame) {
      if (!pendingUsage) return;
      pendingUsage = false;
      api.note(describeUsage('Usage of this session', frame.session) + '\n'
        + describeUsage('Usage of the last 7 days (all sessions)', frame.recent));
    }

    /** The usage could not be read, or no usage service runs (the observability feature is not installed). */
    function usageError(frame) {
      pendingUsage = false;
      const text = String(frame.error || 'usage is not available');
      api.note(text.charAt(0).toUpperCase() + text.slice(1));
    }

    return { run, key, renderMenu, modelList, usage, usageError };
  }

  window.OpenpistaSlash = { create, COMMANDS };
})();
