/* Agent screen: live masked transcript, data-minimisation warnings and the identity check.
 *
 * Plain modern JS, no build step, no dependencies.  Event data is only ever put into the page
 * with textContent / createElement (never parsed as HTML), and the access token never goes into a
 * URL: it travels in the websocket handshake as the `bearer.<token>` subprotocol and is kept in
 * sessionStorage only.
 */
'use strict';

(() => {
  const SUBPROTOCOL = 'redactor.agent.v1';
  const TOKEN_KEY = 'redactor.token';
  const BACKOFF_MIN_MS = 500;
  const BACKOFF_MAX_MS = 15000;
  const NOTICE_MS = 15000;

  // Japanese labels of the entity types; mirrors redactor/policy/catalogue.py TYPE_LABELS
  // (tests/test_agent_screen.py checks that the two agree).
  const TYPE_LABELS = {
    PERSON: 'お名前',
    PHONE_NUMBER: '電話番号',
    EMAIL_ADDRESS: 'メールアドレス',
    JP_ADDRESS: '住所',
    JP_POSTAL_CODE: '郵便番号',
    DATE_OF_BIRTH: '生年月日',
    CREDIT_CARD: 'カード番号',
    CARD_SECURITY_CODE: 'セキュリティコード',
    CARD_EXPIRY: 'カードの有効期限',
    JP_MY_NUMBER: 'マイナンバー',
    JP_CORPORATE_NUMBER: '法人番号',
    JP_DRIVERS_LICENSE: '運転免許証番号',
    JP_PASSPORT: 'パスポート番号',
    JP_HEALTH_INSURANCE: '健康保険証の番号',
    JP_PENSION_NUMBER: '基礎年金番号',
    JP_RESIDENCE_CARD: '在留カード番号',
    JP_BANK_ACCOUNT: '口座番号',
  };

  const KIND_LABELS = {
    unneeded_pii: '不要な個人情報',
    agent_requests_unneeded: '不要な情報のお伺い',
    sensitive_info: '要配慮個人情報',
    card_security_code: 'セキュリティコード',
    identity_not_verified: '本人確認前の開示',
    identity_verified: '本人確認完了',
    privacy_question: '個人情報の取り扱いへの質問',
    volunteered_info_offer: '不要な情報の申し出',
  };

  const SEVERITY_LABELS = { critical: '重大', warning: '注意', info: '情報' };
  const CHANNEL_LABELS = { agent: 'エージェント', customer: 'お客様' };
  const STATE_LABELS = {
    idle: '未接続',
    connecting: '接続中',
    connected: '接続済み',
    reconnecting: '再接続中',
    ended: '通話終了',
    auth: '認証エラー',
    closed: '切断',
  };

  const PLACEHOLDER = /<([A-Z][A-Z0-9_]*)>/g;

  const $ = (id) => document.getElementById(id);
  const el = {
    form: $('connect-form'),
    callId: $('call-id'),
    token: $('token'),
    connectBtn: $('connect-btn'),
    disconnectBtn: $('disconnect-btn'),
    formError: $('form-error'),
    state: $('conn-state'),
    connCall: $('conn-call'),
    notice: $('notice'),
    transcript: $('transcript'),
    transcriptEmpty: $('transcript-empty'),
    jump: $('jump-latest'),
    idName: $('id-name'),
    idPhone: $('id-phone'),
    idVerified: $('id-verified'),
    idHint: $('identity-hint'),
    warnings: $('warnings'),
    warningsEmpty: $('warnings-empty'),
    warningCount: $('warning-count'),
    alertLive: $('alert-live'),
  };

  /** Connection and call state. */
  const conn = {
    ws: null,
    callId: '',
    token: '',
    opened: false,       // the current socket reached onopen
    everConnected: false,
    attempt: 0,
    timer: 0,
    countdown: 0,
    ended: false,
    stopped: true,       // the agent pressed 切断 (or nothing started yet)
    authFailed: false,
  };

  /** segment_id → {row, text, state, final, start, channel, stale} */
  const segments = new Map();
  const seenWarnings = new Set();
  let warningTotal = 0;
  let criticalTotal = 0;
  let noticeTimer = 0;

  // ---- helpers -------------------------------------------------------------------------

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function formatTime(seconds) {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '';
    const total = Math.floor(seconds);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = String(total % 60).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
  }

  function labelFor(type) {
    return TYPE_LABELS[type] || '個人情報';
  }

  /** The masked text as DOM nodes: plain text runs and a chip per placeholder. */
  function renderMasked(text) {
    const frag = document.createDocumentFragment();
    let last = 0;
    PLACEHOLDER.lastIndex = 0;
    for (let m = PLACEHOLDER.exec(text); m !== null; m = PLACEHOLDER.exec(text)) {
      if (m.index > last) frag.append(text.slice(last, m.index));
      const type = m[1];
      let chip;
      if (type === 'PENDING') {
        chip = make('span', 'chip chip-pending', '［確認中］');
        chip.title = '認識が確定するまで表示を保留しています';
      } else {
        chip = make('span', 'chip', `［${labelFor(type)}］`);
        chip.title = `マスク済み：${labelFor(type)}`;
      }
      chip.dataset.type = type;
      frag.append(chip);
      last = m.index + m[0].length;
    }
    if (last < text.length) frag.append(text.slice(last));
    return frag;
  }

  function svgIcon(severity) {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 20 20');
    svg.setAttribute('class', 'warn-icon');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const shape = document.createElementNS(NS, severity === 'info' ? 'circle' : 'path');
    if (severity === 'info') {
      shape.setAttribute('cx', '10'); shape.setAttribute('cy', '10'); shape.setAttribute('r', '9');
    } else if (severity === 'critical') {
      shape.setAttribute('d', 'M6.1 1h7.8L19 6.1v7.8L13.9 19H6.1L1 13.9V6.1z');
    } else {
      shape.setAttribute('d', 'M10 1.2 19.3 18H.7z');
    }
    shape.setAttribute('fill', 'currentColor');
    const mark = document.createElementNS(NS, 'text');
    mark.setAttribute('x', '10');
    mark.setAttribute('y', severity === 'warning' ? '16' : '14.5');
    mark.setAttribute('text-anchor', 'middle');
    mark.setAttribute('font-size', severity === 'warning' ? '11' : '12');
    mark.setAttribute('font-weight', '700');
    mark.setAttribute('font-family', 'sans-serif');
    mark.setAttribute('fill', '#fff');
    mark.textContent = severity === 'info' ? 'i' : '!';
    svg.append(shape, mark);
    return svg;
  }

  // ---- connection state ----------------------------------------------------------------

  function setState(state, detail) {
    el.state.className = `state state-${state}`;
    el.state.textContent = detail ? `${STATE_LABELS[state]}（${detail}）` : STATE_LABELS[state];
    document.body.dataset.connection = state;
    const live = state === 'connecting' || state === 'connected' || state === 'reconnecting';
    el.disconnectBtn.disabled = !live;
    el.connectBtn.disabled = live;
    el.callId.readOnly = live;
  }

  function clearTimers() {
    if (conn.timer) clearTimeout(conn.timer);
    if (conn.countdown) clearInterval(conn.countdown);
    conn.timer = 0;
    conn.countdown = 0;
  }

  function wsUrl(callId) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/agent/${encodeURIComponent(callId)}`;
  }

  function openSocket() {
    clearTimers();
    conn.opened = false;
    setState(conn.everConnected || conn.attempt > 0 ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(wsUrl(conn.callId), [SUBPROTOCOL, `bearer.${conn.token}`]);
    } catch (err) {
      // A token with characters a subprotocol cannot carry is not a token we issued.
      authFailed('トークンの形式が正しくありません。');
      return;
    }
    conn.ws = ws;
    ws.addEventListener('open', () => {
      if (conn.ws !== ws) return;
      conn.opened = true;
      conn.everConnected = true;
      conn.attempt = 0;
      // Partials shown before a reconnect may never be completed by the replay; mark them so a
      // later utterance on the same channel can retire them.
      for (const seg of segments.values()) if (!seg.final) seg.stale = true;
      setState('connected');
    });
    ws.addEventListener('message', (ev) => {
      if (conn.ws !== ws || typeof ev.data !== 'string') return;
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (msg && typeof msg === 'object') handleEvent(msg);
    });
    ws.addEventListener('close', (ev) => {
      if (conn.ws !== ws) return;
      conn.ws = null;
      onSocketClosed(ev.code, conn.opened);
    });
  }

  async function onSocketClosed(code, wasOpen) {
    if (conn.ended || conn.stopped || conn.authFailed) return;
    // The server refuses credentials at the handshake (HTTP 401/403), never with a close code;
    // every close after the upgrade (1001 shutdown, 1013 too slow or too many viewers, 1006
    // lost) is worth a reconnect: the history is replayed (docs/events.md, "Close codes").
    if (!wasOpen && await handshakeRejected()) {
      authFailed();
      return;
    }
    if (conn.ended || conn.stopped || conn.authFailed) return;
    scheduleReconnect();
  }

  /** The browser hides the HTTP status of a refused websocket handshake; ask the same path over
   *  plain HTTP (token in the Authorization header, never in the URL) whether it is 401/403. */
  async function handshakeRejected() {
    try {
      const res = await fetch(`/agent/${encodeURIComponent(conn.callId)}`, {
        method: 'GET',
        headers: { Authorization: `Bearer ${conn.token}` },
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'manual',
      });
      return res.status === 401 || res.status === 403;
    } catch {
      return false; // server unreachable: keep retrying
    }
  }

  function scheduleReconnect() {
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** conn.attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    conn.attempt += 1;
    let remaining = Math.ceil(delay / 1000);
    setState('reconnecting', `${remaining}秒後`);
    conn.countdown = setInterval(() => {
      remaining -= 1;
      if (remaining > 0) setState('reconnecting', `${remaining}秒後`);
    }, 1000);
    conn.timer = setTimeout(openSocket, delay);
  }

  function authFailed(message) {
    conn.authFailed = true;
    clearTimers();
    closeSocket(1000);
    setState('auth');
    el.formError.textContent = message ||
      '認証エラー：アクセストークンが無効か、この通話を表示する権限がありません。新しいトークンを入力してください。';
    el.connectBtn.disabled = false;
    el.callId.readOnly = false;
    el.token.focus();
  }

  function closeSocket(code) {
    const ws = conn.ws;
    conn.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) {
      try { ws.close(code); } catch { /* already closing */ }
    }
  }

  function connect() {
    const callId = el.callId.value.trim();
    const token = el.token.value.trim();
    el.formError.textContent = '';
    if (!callId) {
      el.formError.textContent = '通話IDを入力してください。';
      el.callId.focus();
      return;
    }
    if (!token) {
      el.formError.textContent = 'アクセストークンを入力してください。';
      el.token.focus();
      return;
    }
    try { sessionStorage.setItem(TOKEN_KEY, token); } catch { /* storage disabled */ }
    if (callId !== conn.callId) resetCall();
    conn.callId = callId;
    conn.token = token;
    conn.ended = false;
    conn.stopped = false;
    conn.authFailed = false;
    conn.attempt = 0;
    el.connCall.textContent = `通話ID ${callId}`;
    // The call id (not secret) goes into the fragment so a reload reconnects; the token never does.
    const fragment = `#call=${encodeURIComponent(callId)}`;
    if (location.hash !== fragment) history.replaceState(null, '', fragment);
    openSocket();
  }

  function disconnect() {
    conn.stopped = true;
    clearTimers();
    closeSocket(1000);
    setState(conn.ended ? 'ended' : 'closed');
    el.connectBtn.focus();
  }

  function resetCall() {
    segments.clear();
    seenWarnings.clear();
    warningTotal = 0;
    criticalTotal = 0;
    conn.everConnected = false;
    for (const row of el.transcript.querySelectorAll('.utt')) row.remove();
    el.transcriptEmpty.hidden = false;
    el.warnings.replaceChildren();
    el.warningsEmpty.hidden = false;
    updateWarningCount();
    applyIdentity({});
    el.jump.hidden = true;
  }

  // ---- events --------------------------------------------------------------------------

  function handleEvent(msg) {
    switch (msg.type) {
      case 'transcript': onTranscript(msg); break;
      case 'warning': onWarning(msg); break;
      case 'identity': applyIdentity(msg); break;
      case 'notice': onNotice(msg); break;
      case 'call_ended': onCallEnded(); break;
      default: break; // unknown events are ignored (forward compatible)
    }
  }

  function nearBottom() {
    const t = el.transcript;
    return t.scrollHeight - t.scrollTop - t.clientHeight < 48;
  }

  function onTranscript(msg) {
    const id = typeof msg.segment_id === 'string' || typeof msg.segment_id === 'number'
      ? String(msg.segment_id) : '';
    if (!id || typeof msg.text !== 'string') return;
    const channel = msg.channel === 'agent' ? 'agent' : 'customer';
    const final = msg.final === true;
    const stick = nearBottom();
    let seg = segments.get(id);
    let added = false;

    if (seg && seg.final && !final) return; // a final is the last word on its segment

    if (!seg) {
      seg = createRow(id, channel, typeof msg.start === 'number' ? msg.start : Infinity);
      segments.set(id, seg);
      added = true;
      retireStalePartials(seg);
    }
    seg.final = final;
    seg.stale = false;
    seg.row.classList.toggle('partial', !final);
    seg.row.classList.remove('stale');
    seg.state.textContent = '認識中';
    if (final) seg.row.removeAttribute('aria-busy');
    else seg.row.setAttribute('aria-busy', 'true');
    if (typeof msg.start === 'number') seg.time.textContent = formatTime(msg.start);
    // One replaceChildren per update: the row keeps its place and size, so no flicker.
    seg.text.replaceChildren(renderMasked(msg.text));

    if (stick) {
      el.transcript.scrollTop = el.transcript.scrollHeight;
    } else if (added) {
      el.jump.hidden = false;
    }
  }

  function createRow(id, channel, start) {
    const row = make('div', `utt ${channel} partial`);
    row.dataset.segment = id;
    row.dataset.channel = channel;
    const time = make('span', 'utt-time', formatTime(start));
    const speaker = make('span', 'utt-speaker', CHANNEL_LABELS[channel]);
    const body = make('span', 'utt-body');
    const text = make('span', 'utt-text');
    const state = make('span', 'utt-state', '認識中');
    body.append(text, state);
    row.append(time, speaker, body);

    el.transcriptEmpty.hidden = true;
    // Keep call-time order across both speakers; new rows almost always go last.
    const rows = el.transcript.getElementsByClassName('utt');
    let before = null;
    for (let i = rows.length - 1; i >= 0; i -= 1) {
      const other = segments.get(rows[i].dataset.segment);
      if (!other || other.start <= start) break;
      before = rows[i];
    }
    el.transcript.insertBefore(row, before);
    return { row, text, state, time, final: false, start, channel, stale: false };
  }

  /** After a reconnect, a partial whose utterance ended while we were away is never completed. */
  function retireStalePartials(current) {
    for (const [id, seg] of segments) {
      if (seg !== current && seg.stale && !seg.final && seg.channel === current.channel
          && seg.start <= current.start) {
        seg.row.remove();
        segments.delete(id);
      }
    }
  }

  function onWarning(msg) {
    const kind = typeof msg.kind === 'string' ? msg.kind : '';
    const message = typeof msg.message === 'string' ? msg.message : '';
    const suggestion = typeof msg.suggestion === 'string' ? msg.suggestion : '';
    if (!kind && !message) return;
    const severity = ['critical', 'warning', 'info'].includes(msg.severity) ? msg.severity : 'warning';
    const key = JSON.stringify([kind, message, msg.segment_id ?? null, msg.channel ?? null]);
    if (seenWarnings.has(key)) return; // replayed history after a reconnect
    seenWarnings.add(key);

    const item = make('li', `warn sev-${severity} fresh`);
    item.dataset.kind = kind;
    item.dataset.severity = severity;

    const head = make('div', 'warn-head');
    head.append(svgIcon(severity), make('span', 'warn-sev', SEVERITY_LABELS[severity]),
      make('span', 'warn-kind', KIND_LABELS[kind] || '注意'));
    const meta = [CHANNEL_LABELS[msg.channel], formatTime(msg.time)].filter(Boolean).join(' · ');
    if (meta) head.append(make('span', 'warn-meta', meta));
    item.append(head);

    if (message) item.append(make('p', 'warn-msg', message));
    if (suggestion) {
      const say = make('p', 'warn-say');
      say.append(make('span', 'say-label', 'おすすめの言い方・対応'), make('span', 'say', suggestion));
      item.append(say);
    }
    const ack = make('button', 'warn-ack', '確認しました');
    ack.type = 'button';
    ack.setAttribute('aria-pressed', 'false');
    ack.addEventListener('click', () => {
      const acked = item.classList.toggle('acked');
      ack.setAttribute('aria-pressed', String(acked));
      ack.textContent = acked ? '詳細を表示' : '確認しました';
    });
    item.append(ack);
    item.addEventListener('animationend', () => item.classList.remove('fresh'), { once: true });

    el.warnings.prepend(item); // newest first
    el.warningsEmpty.hidden = true;
    warningTotal += 1;
    if (severity === 'critical') criticalTotal += 1;
    updateWarningCount();

    if (severity === 'critical') {
      announce(`重大な警告：${message}${suggestion ? ` おすすめの対応：${suggestion}` : ''}`);
    }
    if (kind === 'identity_verified') applyIdentity({ ...lastIdentity, verified: true });
  }

  function announce(text) {
    // Clearing first makes screen readers announce a repeat of the same text too.
    el.alertLive.textContent = '';
    requestAnimationFrame(() => { el.alertLive.textContent = text; });
  }

  function updateWarningCount() {
    el.warningCount.textContent = String(warningTotal);
    el.warningCount.classList.toggle('has-critical', criticalTotal > 0);
    el.warningCount.setAttribute('aria-label',
      criticalTotal > 0 ? `${warningTotal}件（うち重大 ${criticalTotal}件）` : `${warningTotal}件`);
  }

  let lastIdentity = {};

  function setCheck(item, state, status) {
    item.dataset.state = state;
    item.querySelector('.check-status').textContent = status;
  }

  function applyIdentity(msg) {
    lastIdentity = {
      name_asked: msg.name_asked === true,
      name_given: msg.name_given === true,
      phone_asked: msg.phone_asked === true,
      phone_given: msg.phone_given === true,
      verified: msg.verified === true,
    };
    const id = lastIdentity;
    const part = (given, asked) => (given ? ['done', '確認済み'] : asked ? ['asked', 'お伺い中'] : ['todo', '未確認']);
    setCheck(el.idName, ...part(id.name_given || id.verified && id.name_asked, id.name_asked));
    setCheck(el.idPhone, ...part(id.phone_given || id.verified && id.phone_asked, id.phone_asked));
    setCheck(el.idVerified, ...(id.verified ? ['done', '完了'] : ['todo', '未完了']));
    el.idHint.hidden = id.verified;
  }

  function onNotice(msg) {
    const text = typeof msg.message === 'string' && msg.message ? msg.message : 'サーバーからのお知らせがあります。';
    el.notice.textContent = text;
    el.notice.hidden = false;
    if (noticeTimer) clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { el.notice.hidden = true; }, NOTICE_MS);
  }

  function onCallEnded() {
    conn.ended = true;
    clearTimers();
    closeSocket(1000);
    for (const seg of segments.values()) {
      if (!seg.final) {
        seg.row.classList.add('stale');
        seg.row.removeAttribute('aria-busy');
        seg.state.textContent = '未確定';
      }
    }
    setState('ended');
  }

  // ---- wiring --------------------------------------------------------------------------

  function callIdFromFragment() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    if (params.has('token') || params.has('access_token')) {
      // A token must never sit in a URL: drop it from the address bar and ignore it.
      params.delete('token');
      params.delete('access_token');
      const rest = params.toString();
      history.replaceState(null, '', rest ? `#${rest}` : location.pathname + location.search);
      el.formError.textContent = 'URLに含まれたトークンは使用しません。トークンは入力欄に入力してください。';
    }
    return params.get('call') || '';
  }

  el.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    connect();
  });
  el.disconnectBtn.addEventListener('click', disconnect);
  el.jump.addEventListener('click', () => {
    el.transcript.scrollTop = el.transcript.scrollHeight;
    el.jump.hidden = true;
    el.transcript.focus();
  });
  el.transcript.addEventListener('scroll', () => {
    if (nearBottom()) el.jump.hidden = true;
  }, { passive: true });
  window.addEventListener('hashchange', () => {
    if (conn.stopped || conn.ended || conn.authFailed) {
      const id = callIdFromFragment();
      if (id) el.callId.value = id;
    }
  });
  window.addEventListener('online', () => {
    if (conn.timer && !conn.ws) openSocket();
  });

  const initialCall = callIdFromFragment();
  let storedToken = '';
  try { storedToken = sessionStorage.getItem(TOKEN_KEY) || ''; } catch { /* storage disabled */ }
  if (initialCall) el.callId.value = initialCall;
  if (storedToken) el.token.value = storedToken;
  setState('idle');
  applyIdentity({});
  // A page that embeds this one may inject the token into sessionStorage: then start at once.
  if (initialCall && storedToken) connect();
  else (initialCall ? el.token : el.callId).focus();
})();
