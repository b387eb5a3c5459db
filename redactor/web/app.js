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

  const CALLS_POLL_MS = 2000;
  // The Japanese mask labels are served from their one home, redactor/policy/catalogue.py
  // TYPE_LABELS (/static/labels.json, docs/labels.md); the page keeps no copy.
  const LABELS_URL = '/static/labels.json';
  const UNKNOWN_LABEL = '個人情報';
  let typeLabels = {};

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
    callsBtn: $('calls-btn'),
    formError: $('form-error'),
    formToggle: $('form-toggle'),
    callsReopen: $('calls-reopen'),
    state: $('conn-state'),
    connCall: $('conn-call'),
    callsPanel: $('calls-panel'),
    callsStatus: $('calls-status'),
    callsError: $('calls-error'),
    callsList: $('calls-list'),
    callsEmpty: $('calls-empty'),
    callsClose: $('calls-close'),
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
    warningsAll: $('warnings-all'),
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
    const label = Object.hasOwn(typeLabels, type) ? typeLabels[type] : '';
    return typeof label === 'string' && label ? label : UNKNOWN_LABEL;
  }

  /** Fetched once at start; a connection waits for it so the first chips already carry labels. */
  const labelsReady = (async () => {
    try {
      const res = await fetch(LABELS_URL, { cache: 'no-store', credentials: 'omit' });
      const data = res.ok ? await res.json() : null;
      if (data && typeof data === 'object' && !Array.isArray(data)) typeLabels = data;
    } catch { /* unreachable: chips fall back to the generic label */ }
    for (const chip of document.querySelectorAll('.chip[data-type]')) {
      chip.textContent = `［${labelFor(chip.dataset.type)}］`;
    }
  })();

  /** The masked text as DOM nodes: plain text runs and a chip per placeholder. */
  function renderMasked(text) {
    const frag = document.createDocumentFragment();
    let last = 0;
    PLACEHOLDER.lastIndex = 0;
    for (let m = PLACEHOLDER.exec(text); m !== null; m = PLACEHOLDER.exec(text)) {
      if (m.index > last) frag.append(text.slice(last, m.index));
      const type = m[1];
      const chip = make('span', type === 'PENDING' ? 'chip chip-pending' : 'chip', `［${labelFor(type)}］`);
      chip.title = type === 'PENDING' ? '認識が確定するまで表示を保留しています' : `マスク済み：${labelFor(type)}`;
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
    showForm(true);
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
    // A supervisor may switch calls from the list while watching one: drop the old socket first.
    clearTimers();
    closeSocket(1000);
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
    showForm(false); // the transcript gets the room; 接続設定 brings the form back
    labelsReady.then(() => { if (!conn.stopped && conn.callId === callId && !conn.ws) openSocket(); });
  }

  /** Show or collapse the connect form; once collapsed, the 接続設定 button reopens it. */
  function showForm(open) {
    el.form.hidden = !open;
    el.formToggle.hidden = open && !conn.callId; // nothing to fold back to before a first call
    el.formToggle.setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('form-collapsed', !open);
  }

  function disconnect() {
    conn.stopped = true;
    clearTimers();
    closeSocket(1000);
    setState(conn.ended ? 'ended' : 'closed');
    showForm(true);
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
    showAllWarnings(false);
    updateWarningCount();
    applyIdentity({});
    el.jump.hidden = true;
    following = true;
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

  /** Whether the transcript follows the newest row: true until the agent scrolls up, true again
   *  at the bottom. Kept from scroll events, not measured per update, because the panel itself
   *  shrinks when a warning appears (narrow screens) and that is no reason to stop following. */
  let following = true;

  function scrollToLatest() {
    el.transcript.scrollTop = el.transcript.scrollHeight;
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
    const stick = following;
    let seg = segments.get(id);
    let added = false;

    if (seg && seg.final && !final) return; // a final is the last word on its segment
    // A corrected final (docs/events.md "revision") replaces the row in place; an older
    // revision arriving late (a replay after a reconnect) never undoes a newer one.
    const revision = final && Number.isInteger(msg.revision) && msg.revision > 0 ? msg.revision : 0;
    if (seg && seg.final && final && revision < seg.revision) return;

    if (!seg) {
      seg = createRow(id, channel, typeof msg.start === 'number' ? msg.start : Infinity);
      segments.set(id, seg);
      added = true;
      retireStalePartials(seg);
    }
    seg.final = final;
    seg.stale = false;
    seg.revision = revision;
    seg.row.classList.toggle('revised', revision > 0);
    seg.revised.hidden = revision === 0;
    seg.row.classList.toggle('partial', !final);
    seg.row.classList.remove('stale');
    seg.state.textContent = '認識中';
    if (final) seg.row.removeAttribute('aria-busy');
    else seg.row.setAttribute('aria-busy', 'true');
    if (typeof msg.start === 'number') seg.time.textContent = formatTime(msg.start);
    // One replaceChildren per update: the row keeps its place and size, so no flicker.
    seg.text.replaceChildren(renderMasked(msg.text));

    if (stick) {
      scrollToLatest();
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
    // Shown once a corrected final replaced the first one: the row changed after it was final.
    const revised = make('span', 'utt-revised', '修正');
    revised.setAttribute('role', 'note');
    revised.setAttribute('aria-label', '修正済み：認識結果が訂正されました');
    revised.title = '認識結果が訂正されました';
    revised.hidden = true;
    body.append(text, state, revised);
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
    return { row, text, state, revised, time, final: false, revision: 0, start, channel, stale: false };
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
    el.warningsAll.hidden = warningTotal < 2 && !document.body.classList.contains('warnings-all');
    if (severity === 'critical') criticalTotal += 1;
    updateWarningCount();

    if (severity === 'critical') {
      announce(`重大な警告：${message}${suggestion ? ` おすすめの対応：${suggestion}` : ''}`);
    }
    if (kind === 'identity_verified') applyIdentity({ ...lastIdentity, verified: true });
  }

  /** On a narrow screen only the newest warning shows (next to the transcript); this shows all. */
  function showAllWarnings(all) {
    document.body.classList.toggle('warnings-all', all);
    el.warningsAll.setAttribute('aria-expanded', String(all));
    el.warningsAll.textContent = all ? '最新のみ表示' : 'すべて表示';
    if (!all) el.warningsAll.hidden = warningTotal < 2;
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

  // ---- supervisor: the list of active calls ---------------------------------------------

  /** GET /calls (supervisor token in the Authorization header, never in the URL) every ~2 s
   *  while the list is open; rows are keyed by call id and updated in place. */
  const sup = { open: false, timer: 0, token: '', rows: new Map(), generation: 0 };

  const CALLS_ERRORS = {
    401: '認証エラー：トークンが無効か期限切れです。新しいスーパーバイザー用トークンを入力してください。',
    403: 'このトークンでは通話一覧を表示できません。スーパーバイザー用のトークンを入力してください。',
    404: 'このサーバーは通話一覧に対応していません。',
  };

  function openCalls() {
    const token = el.token.value.trim();
    el.formError.textContent = '';
    if (!token) {
      el.formError.textContent = 'スーパーバイザー用のアクセストークンを入力してください。';
      showForm(true);
      el.token.focus();
      return;
    }
    try { sessionStorage.setItem(TOKEN_KEY, token); } catch { /* storage disabled */ }
    sup.token = token;
    sup.open = true;
    sup.generation += 1;
    el.callsPanel.hidden = false;
    el.callsError.textContent = '';
    el.callsStatus.textContent = '読み込み中…';
    el.callsReopen.hidden = true;
    pollCalls(sup.generation);
  }

  function closeCalls() {
    sup.open = false;
    sup.generation += 1;
    if (sup.timer) clearTimeout(sup.timer);
    sup.timer = 0;
    el.callsPanel.hidden = true;
    el.callsReopen.hidden = !sup.token;
  }

  async function pollCalls(generation) {
    let message = '';
    let retry = true;
    try {
      const res = await fetch('/calls', {
        method: 'GET',
        headers: { Authorization: `Bearer ${sup.token}` },
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'manual',
      });
      if (generation !== sup.generation) return;
      if (CALLS_ERRORS[res.status]) {
        message = CALLS_ERRORS[res.status];
        retry = false;
      } else if (!res.ok) {
        message = `通話一覧を取得できませんでした（${res.status}）。再試行しています…`;
      } else {
        const data = await res.json();
        if (generation !== sup.generation) return;
        renderCalls(data && Array.isArray(data.calls) ? data.calls : []);
      }
    } catch {
      if (generation !== sup.generation) return;
      message = 'サーバーに接続できません。再試行しています…';
    }
    el.callsError.textContent = message;
    if (message) el.callsStatus.textContent = '';
    if (!retry) {
      sup.token = '';
      if (message === CALLS_ERRORS[401] || message === CALLS_ERRORS[403]) {
        showForm(true);
        el.token.focus();
      }
      return;
    }
    if (sup.open) sup.timer = setTimeout(() => pollCalls(generation), CALLS_POLL_MS);
  }

  function formatClock(unixSeconds) {
    if (typeof unixSeconds !== 'number' || !Number.isFinite(unixSeconds)) return '';
    const d = new Date(unixSeconds * 1000);
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  }

  function renderCalls(calls) {
    const valid = calls.filter((c) => c && typeof c.call_id === 'string' && c.call_id);
    const seen = new Set();
    const items = [];
    for (const call of valid) {
      seen.add(call.call_id);
      let row = sup.rows.get(call.call_id);
      if (!row) row = createCallRow(call.call_id);
      sup.rows.set(call.call_id, row);
      const elapsed = typeof call.started === 'number' ? Date.now() / 1000 - call.started : NaN;
      const meta = [
        typeof call.policy === 'string' && call.policy ? `用件 ${call.policy}` : '',
        formatClock(call.started) ? `開始 ${formatClock(call.started)}（${formatTime(elapsed) || '0:00'}経過）` : '',
        Number.isInteger(call.viewers) ? `表示中 ${call.viewers}人` : '',
        typeof call.source === 'string' && call.source ? `受信 ${call.source}` : '',
      ].filter(Boolean).join(' · ');
      row.meta.textContent = meta;
      const current = conn.callId === call.call_id && !conn.stopped;
      row.item.classList.toggle('current', current);
      if (current) row.open.setAttribute('aria-current', 'true');
      else row.open.removeAttribute('aria-current');
      row.action.textContent = current ? '表示中' : '表示する';
      items.push(row.item);
    }
    for (const [id, row] of sup.rows) {
      if (!seen.has(id)) { row.item.remove(); sup.rows.delete(id); }
    }
    // Reorder only when the order changed, so a focused button keeps its focus.
    const order = Array.from(el.callsList.children);
    if (order.length !== items.length || order.some((node, i) => node !== items[i])) {
      el.callsList.replaceChildren(...items);
    }
    el.callsEmpty.hidden = items.length > 0;
    el.callsStatus.textContent = `${items.length}件 · ${formatClock(Date.now() / 1000)} 更新`;
  }

  function createCallRow(callId) {
    const item = make('li', 'call-item');
    item.dataset.call = callId;
    const open = make('button', 'call-open');
    open.type = 'button';
    const id = make('span', 'call-id', callId);
    const meta = make('span', 'call-meta');
    const action = make('span', 'call-action', '表示する');
    open.append(id, meta, action);
    open.setAttribute('aria-label', `通話 ${callId} を表示`);
    open.addEventListener('click', () => {
      el.callId.value = callId;
      closeCalls();
      connect();
    });
    item.append(open);
    return { item, open, meta, action };
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
  el.callsBtn.addEventListener('click', openCalls);
  el.callsReopen.addEventListener('click', openCalls);
  el.callsClose.addEventListener('click', closeCalls);
  el.formToggle.addEventListener('click', () => {
    const open = el.form.hidden;
    showForm(open);
    if (open) (el.callId.value ? el.token : el.callId).focus();
  });
  el.warningsAll.addEventListener('click', () => {
    showAllWarnings(!document.body.classList.contains('warnings-all'));
  });
  el.jump.addEventListener('click', () => {
    following = true;
    scrollToLatest();
    el.jump.hidden = true;
    el.transcript.focus();
  });
  // Only a move up (the agent reading back) stops following; a panel that shrank under a new
  // warning moved nothing, and reaching the end again resumes it.
  let lastScrollTop = 0;
  el.transcript.addEventListener('scroll', () => {
    const top = el.transcript.scrollTop;
    if (nearBottom()) following = true;
    else if (top < lastScrollTop) following = false;
    lastScrollTop = top;
    if (following) el.jump.hidden = true;
  }, { passive: true });
  // A resize (a warning taking room, rotation, the keyboard) keeps a following transcript at its end.
  new ResizeObserver(() => { if (following) scrollToLatest(); }).observe(el.transcript);
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
