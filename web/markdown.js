// A small Markdown renderer that builds DOM nodes directly. Text only ever reaches the page through
// textContent and createTextNode, never through innerHTML, so HTML or scripts inside an answer are
// shown as text and cannot run. Links are kept only for http(s) and mailto URLs.
(function () {
  'use strict';

  function el(tag, parent, text) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return ['http:', 'https:', 'mailto:'].includes(parsed.protocol) ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  // inline: `code`, **bold**, *italic* / _italic_, ~~strike~~, [text](url), bare http(s) URLs
  // underscores count only around whole words, so identifiers such as window.__name stay as written
  const INLINE = /(`+)([\s\S]*?[^`])\1(?!`)|\*\*([\s\S]+?)\*\*|(?<=^|[\s(])__(\S(?:[\s\S]*?\S)?)__(?=$|[\s).,;:!?])|\*([^\s*][\s\S]*?)\*|(?<=^|[\s(])_(\S(?:[\s\S]*?\S)?)_(?=$|[\s).,;:!?])|~~([\s\S]+?)~~|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/;

  function inline(text, parent) {
    let rest = text;
    while (rest.length) {
      const match = INLINE.exec(rest);
      if (!match) {
        parent.appendChild(document.createTextNode(rest));
        return;
      }
      if (match.index > 0) parent.appendChild(document.createTextNode(rest.slice(0, match.index)));
      if (match[1]) el('code', parent, match[2]);
      else if (match[3] !== undefined || match[4] !== undefined) inline(match[3] ?? match[4], el('strong', parent));
      else if (match[5] !== undefined || match[6] !== undefined) inline(match[5] ?? match[6], el('em', parent));
      else if (match[7] !== undefined) inline(match[7], el('del', parent));
      else if (match[8] !== undefined) link(match[8], match[9], parent);
      else if (match[10] !== undefined) link(match[10], match[10], parent);
      rest = rest.slice(match.index + match[0].length);
    }
  }

  function link(text, url, parent) {
    const href = safeUrl(url);
    if (!href) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    const a = el('a', parent);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
    inline(text, a);
  }

  function isTableSeparator(line) {
    return /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line);
  }

  function cells(line) {
    let row = line.trim();
    if (row.startsWith('|')) row = row.slice(1);
    if (row.endsWith('|')) row = row.slice(0, -1);
    return row.split('|').map((cell) => cell.trim());
  }

  function render(markdown, target) {
    const lines = String(markdown).replace(/\r\n?/g, '\n').split('\n');
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      const fence = /^\s*(```|~~~)\s*([\w+-]*)\s*$/.exec(line);
      if (fence) {
        const body = [];
        i++;
        while (i < lines.length && !new RegExp('^\\s*' + fence[1] + '\\s*$').test(lines[i])) body.push(lines[i++]);
        i++;
        const pre = el('pre', target);
        const code = el('code', pre, body.join('\n'));
        if (fence[2]) code.dataset.language = fence[2];
        continue;
      }
      if (!line.trim()) {
        i++;
        continue;
      }
      const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
      if (heading) {
        inline(heading[2], el('h' + Math.min(6, heading[1].length + 2), target));
        i++;
        continue;
      }
      if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
        el('hr', target);
        i++;
        continue;
      }
      if (/^\s*>/.test(line)) {
        const quoted = [];
        while (i < lines.length && /^\s*>/.test(lines[i])) quoted.push(lines[i++].replace(/^\s*>\s?/, ''));
        render(quoted.join('\n'), el('blockquote', target));
        continue;
      }
      if (line.includes('|') && i + 1 < lines.length && isTableSeparator(lines[i + 1])) {
        const table = el('table', target);
        const headRow = el('tr', el('thead', table));
        cells(line).forEach((cell) => inline(cell, el('th', headRow)));
        const body = el('tbody', table);
        i += 2;
        while (i < lines.length && lines[i].includes('|') && lines[i].trim()) {
          const row = el('tr', body);
          cells(lines[i++]).forEach((cell) => inline(cell, el('td', row)));
        }
        continue;
      }
      const item = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(line);
      if (item) {
        const ordered = /\d/.test(item[2]);
        const list = el(ordered ? 'ol' : 'ul', target);
        if (ordered && parseInt(item[2], 10) !== 1) list.start = parseInt(item[2], 10);
        while (i < lines.length) {
          const next = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(lines[i]);
          if (!next || /\d/.test(next[2]) !== ordered) break;
          const li = el('li', list);
          const text = [next[3]];
          i++;
          while (i < lines.length && lines[i].trim() && /^\s{2,}\S/.test(lines[i]) && !/^\s*([-*+]|\d{1,9}[.)])\s+/.test(lines[i])) {
            text.push(lines[i++].trim());
          }
          inline(text.join(' '), li);
        }
        continue;
      }
      const paragraph = [];
      while (i < lines.length && lines[i].trim() && !/^\s*(```|~~~|#{1,6}\s|>|([-*+]|\d{1,9}[.)])\s+)/.test(lines[i])) {
        paragraph.push(lines[i++]);
      }
      if (!paragraph.length) paragraph.push(lines[i++]);
      const p = el('p', target);
      paragraph.forEach((text, index) => {
        if (index) el('br', p);
        inline(text, p);
      });
    }
    return target;
  }

  window.OpenpistaMarkdown = { render };
})();
