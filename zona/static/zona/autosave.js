/* Zona worksheet autosave: an answer is never lost without the person knowing.
 *
 * Every item form (`form[data-autosave]`) is saved when a field changes. Until the server confirms, the
 * answer is kept in the page and in localStorage (key `zona:autosave:<assessment>:<item>:<user>`) and the
 * item says so in its live status region: "Menyimpan…", "Tersimpan HH:MM" (the server's own fragment) or
 * "Gagal menyimpan — …" with a "Coba lagi" button. Failed saves are retried with a growing delay (1 s …
 * 30 s) and at once when the browser comes back online; after a reload the answers still in localStorage
 * are put back into their items and sent again.
 *
 * A save always carries the version the person edited from (`version`), also when it is retried or sent
 * after a reload, so the server's conflict check still works: if someone else saved in between, the item
 * shows the newer value, who and when, and lets the person keep it or overwrite it.
 *
 * An expired session answers 401 (see zona/accounts/decorators.py): the re-login dialog opens, logs in
 * in the background (or in a new tab, then "Coba lagi"), takes the new CSRF token and sends what waited.
 *
 * Numbers are read the same whatever the browser's language (the inputs are text, not type=number, which
 * in an English browser turns "3,12" into 312). The rule, in parseNumber below:
 *   - the comma is the decimal separator ("3,12" = 3.12); a point is accepted as a decimal point too
 *     ("3.12") when it cannot be a thousands separator;
 *   - with both, the last one is the decimal separator and the other must group thousands by three
 *     ("1.234,5" = "1,234.5" = 1234.5);
 *   - several points or several commas alone are thousands separators ("1.234.567");
 *   - one point followed by exactly three digits ("1.234", "12.500") could be either; it is refused with a
 *     message unless the field's maximum rules the thousands reading out (an index of 0–4);
 *   - no exponent, no other characters, at most 40 characters: nothing is ever dropped silently.
 * Only what the person changed is read this way; a value the server rendered is sent back as it came.
 *
 * No framework: vanilla JS and htmx.swap for applying the server's fragments (with their out-of-band score
 * badges); no inline script or handler, for a Content-Security-Policy without unsafe-inline.
 */
(function () {
  "use strict";

  const root = document.getElementById("ws-autosave");
  const textsNode = document.getElementById("ws-autosave-texts");
  if (!root || !textsNode) {
    return;
  }
  const T = JSON.parse(textsNode.textContent);
  const PREFIX = "zona:autosave:" + root.dataset.assessment + ":";
  const SUFFIX = ":" + root.dataset.user;
  const DELAYS = [1000, 2000, 4000, 8000, 15000, 30000];
  const SKIP = new Set(["csrfmiddlewaretoken", "version"]);
  const items = new Map();
  let loginBlocked = false;
  let csrfToken = initialToken();

  function fmt(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values || {}, key) ? String(values[key]) : match;
    });
  }

  // --- numbers ------------------------------------------------------------------------------------

  function parseNumber(raw, options) {
    const opts = options || {};
    let text = String(raw).replace(/[\s\u00a0\u202f]/g, "");
    if (opts.percentSign) {
      text = text.replace(/%$/, "");
    }
    if (text === "") {
      return { blank: true, text: "" };
    }
    if (text.length > 40) {
      return { error: "too_long" };
    }
    let negative = false;
    if (/^[-+\u2212]/.test(text)) {
      negative = text[0] !== "+";
      text = text.slice(1);
    }
    if (!/^[0-9.,]+$/.test(text) || !/[0-9]/.test(text)) {
      return { error: "nan" };
    }
    const commas = text.split(",").length - 1;
    const points = text.split(".").length - 1;
    let whole = text;
    let fraction = "";
    let group = "";
    if (commas && points) {
      const decimal = text.lastIndexOf(",") > text.lastIndexOf(".") ? "," : ".";
      const parts = text.split(decimal);
      if (parts.length !== 2) {
        return { error: "nan" };
      }
      whole = parts[0];
      fraction = parts[1];
      group = decimal === "," ? "." : ",";
    } else if (commas === 1) {
      [whole, fraction] = text.split(",");
    } else if (commas > 1) {
      group = ",";
    } else if (points === 1) {
      [whole, fraction] = text.split(".");
      if (fraction.length === 3 && /^[1-9][0-9]{0,2}$/.test(whole)) {
        const asThousands = Number(whole + fraction);
        if (opts.max === undefined || asThousands <= opts.max) {
          return { error: "ambiguous" };
        }
      }
    } else if (points > 1) {
      group = ".";
    }
    if (group) {
      const groups = whole.split(group);
      if (!/^[0-9]{1,3}$/.test(groups[0]) || groups.slice(1).some((g) => !/^[0-9]{3}$/.test(g))) {
        return { error: "nan" };
      }
      whole = groups.join("");
    }
    if (!/^[0-9]*$/.test(whole) || !/^[0-9]*$/.test(fraction) || whole + fraction === "") {
      return { error: "nan" };
    }
    whole = whole.replace(/^0+(?=[0-9])/, "") || "0";
    fraction = fraction.replace(/0+$/, "");
    const canonical = whole + (fraction ? "." + fraction : "");
    const value = Number(canonical);
    const signed = negative && value !== 0;
    return { text: (signed ? "-" : "") + canonical, value: signed ? -value : value };
  }

  function fieldProblem(input) {
    if (input.value === input.defaultValue) {
      return "";
    }
    const max = input.dataset.max !== undefined ? Number(input.dataset.max) : undefined;
    const parsed = parseNumber(input.value, { percentSign: input.dataset.number === "percent", max: max });
    const names = { field: input.dataset.label || input.name, raw: input.value.trim() };
    if (parsed.error) {
      return fmt(T[parsed.error], names);
    }
    if (parsed.blank) {
      return "";
    }
    if (parsed.value < Number(input.dataset.min || 0)) {
      return fmt(T.negative, names);
    }
    if (max !== undefined && parsed.value > max) {
      names.max = String(input.dataset.max).replace(".", ",");
      return fmt(T.too_big, names);
    }
    return "";
  }

  function showProblem(input, message) {
    const box = document.getElementById("galat-" + input.id);
    const described = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const others = described.filter((id) => !box || id !== box.id);
    if (box) {
      box.textContent = message;
      box.hidden = !message;
    }
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.classList.add("is-invalid");
      if (box) {
        others.push(box.id);
      }
    } else {
      input.removeAttribute("aria-invalid");
      input.classList.remove("is-invalid");
    }
    if (others.length) {
      input.setAttribute("aria-describedby", others.join(" "));
    } else {
      input.removeAttribute("aria-describedby");
    }
  }

  function problems(form) {
    const found = [];
    form.querySelectorAll("input[data-number]").forEach(function (input) {
      const message = fieldProblem(input);
      showProblem(input, message);
      if (message) {
        found.push(message);
      }
    });
    return found;
  }

  function wireValue(form, name, value) {
    const input = form.elements.namedItem(name);
    if (!input || !input.dataset || input.dataset.number === undefined || value === input.defaultValue) {
      return value;
    }
    const parsed = parseNumber(value, { percentSign: input.dataset.number === "percent" });
    return parsed.error ? value : parsed.text;
  }

  // --- what is pending, in the page and in localStorage -------------------------------------------

  function storageKey(code) {
    return PREFIX + code + SUFFIX;
  }

  function remember(code, pending) {
    try {
      localStorage.setItem(storageKey(code), JSON.stringify(pending));
    } catch (err) {
      /* private mode or full: the page still keeps it */
    }
  }

  function forget(code) {
    try {
      localStorage.removeItem(storageKey(code));
    } catch (err) {
      /* nothing to do */
    }
  }

  function stateOf(code) {
    let state = items.get(code);
    if (!state) {
      state = { code: code, pending: null, inflight: null, attempt: 0, timer: 0, dirty: false };
      items.set(code, state);
    }
    return state;
  }

  function formOf(code) {
    return document.querySelector('form[data-autosave][data-item="' + CSS.escape(code) + '"]');
  }

  function versionOf(form) {
    const input = form.elements.namedItem("version");
    const value = parseInt(input ? input.value : form.dataset.version, 10);
    return Number.isFinite(value) ? value : 0;
  }

  function snapshot(form) {
    const fields = [];
    new FormData(form).forEach(function (value, name) {
      if (!SKIP.has(name) && typeof value === "string") {
        fields.push([name, value]);
      }
    });
    return fields;
  }

  function fill(form, fields) {
    const seen = new Set();
    fields.forEach(function ([name, value]) {
      const field = form.elements.namedItem(name);
      if (!field || seen.has(name)) {
        return;
      }
      seen.add(name);
      if (typeof RadioNodeList !== "undefined" && field instanceof RadioNodeList) {
        field.value = value;
      } else if (field.type === "radio") {
        field.checked = field.value === value;
      } else {
        field.value = value;
      }
    });
  }

  // --- what the item shows --------------------------------------------------------------------------

  const CLASSES = {
    saving: "text-body-secondary",
    failed: "ws-state-failed",
    login: "ws-state-failed",
    forbidden: "ws-state-failed",
    conflict: "ws-state-pending",
    invalid: "ws-state-failed",
    refused: "ws-state-failed",
  };

  function show(code, kind, text) {
    const form = formOf(code);
    if (!form) {
      return;
    }
    const article = form.closest("article");
    if (article) {
      article.dataset.state = kind;
    }
    const retry = form.querySelector("[data-autosave-retry]");
    if (retry) {
      retry.hidden = !(kind === "failed" || kind === "forbidden" || kind === "login");
    }
    const box = document.getElementById("status-" + form.dataset.slug);
    if (!box || text === undefined) {
      return;
    }
    const span = document.createElement("span");
    span.className = CLASSES[kind] || "";
    span.dataset.stateText = kind;
    span.textContent = text;
    box.replaceChildren(span);
  }

  // --- sending --------------------------------------------------------------------------------------

  function initialToken() {
    const input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    if (input) {
      return input.value;
    }
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (err) {
      return "";
    }
  }

  function useToken(token) {
    if (!token) {
      return;
    }
    csrfToken = token;
    document.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach(function (input) {
      input.value = token;
    });
    document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
  }

  function edited(form, explicit) {
    const code = form.dataset.item;
    const state = stateOf(code);
    state.dirty = false;
    const found = problems(form);
    if (found.length) {
      state.invalid = true;
      show(code, "invalid", T.invalid + " " + found.join(" "));
      return;
    }
    state.invalid = false;
    const fields = snapshot(form);
    let base;
    if (explicit && form.dataset.conflict !== undefined) {
      base = versionOf(form); // "Timpa dengan jawaban saya": over the newer version, knowingly
    } else if (state.pending) {
      base = state.pending.base;
    } else if (state.inflight) {
      base = state.inflight.base;
    } else {
      base = versionOf(form);
    }
    state.pending = { fields: fields, base: base, at: Date.now() };
    remember(code, state.pending);
    if (form.dataset.autosave === "submit" && !explicit) {
      show(code, "conflict", T.conflict); // kept, not sent over the newer value until the person chooses
      return;
    }
    state.attempt = 0;
    send(code);
  }

  function failed(code, text) {
    const state = stateOf(code);
    state.attempt += 1;
    const delay = DELAYS[Math.min(state.attempt - 1, DELAYS.length - 1)];
    show(code, "failed", text + " " + fmt(T.failed_retry, { s: Math.round(delay / 1000) }));
    clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      send(code);
    }, delay);
  }

  async function send(code) {
    const state = stateOf(code);
    const form = formOf(code);
    if (!state.pending || state.inflight || !form) {
      return;
    }
    clearTimeout(state.timer);
    if (loginBlocked) {
      show(code, "login", T.login_needed);
      return;
    }
    const sent = state.pending;
    state.inflight = sent;
    show(code, "saving", state.restored ? T.restored : T.saving);
    const body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", csrfToken);
    sent.fields.forEach(function ([name, value]) {
      body.append(name, wireValue(form, name, value));
    });
    body.set("version", String(sent.base));
    let response;
    let html = "";
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        redirect: "manual",
        headers: {
          "HX-Request": "true",
          "HX-Current-URL": window.location.href,
          "X-CSRFToken": csrfToken,
          Accept: "text/html",
        },
      });
      html = await response.text();
    } catch (err) {
      state.inflight = null;
      failed(code, T.offline);
      return;
    }
    state.inflight = null;
    if (response.type === "opaqueredirect" || response.status === 401) {
      loginNeeded(code);
      return;
    }
    if (response.status === 403) {
      // the CSRF check failed (the session and its cookie are gone, or a login in another tab rotated
      // the token), or the item was locked meanwhile: ask the session which
      const session = state.tokenRetried ? "" : await refreshSession();
      if (session === "login") {
        loginNeeded(code);
        return;
      }
      if (session === "ok") {
        state.tokenRetried = true;
        send(code);
        return;
      }
      state.tokenRetried = false;
      show(code, "forbidden", T.forbidden);
      return;
    }
    state.tokenRetried = false;
    const outcome = response.headers.get("X-Zona-Save");
    if (!response.ok || !outcome) {
      failed(code, fmt(T.server_error, { status: response.status }));
      return;
    }
    apply(response, html, form);
    const fresh = formOf(code);
    if (state.pending && state.pending !== sent && fresh && outcome !== "saved") {
      fill(fresh, state.pending.fields); // the person kept typing while this was on its way
    }
    state.attempt = 0;
    if (outcome === "saved") {
      const restored = state.restored;
      state.restored = false;
      if (state.pending === sent) {
        state.pending = null;
        forget(code);
        show(code, "saved");
        if (restored) {
          appendNote(code, T.restored_saved);
        }
      } else if (state.pending) {
        state.pending.base = fresh ? versionOf(fresh) : sent.base + 1;
        remember(code, state.pending);
        send(code);
      }
    } else if (outcome === "conflict") {
      state.restored = false;
      show(code, "conflict", T.conflict);
    } else {
      // refused with the server's message (shown in the item); the typed value stays in the form
      state.restored = false;
      if (state.pending === sent) {
        state.pending = null;
        forget(code);
      }
      show(code, "refused", T.refused);
    }
  }

  function appendNote(code, text) {
    const form = formOf(code);
    const box = form && document.getElementById("status-" + form.dataset.slug);
    if (box && text) {
      const note = document.createElement("span");
      note.className = "ms-1 text-body-secondary";
      note.textContent = text;
      box.append(note);
    }
  }

  function apply(response, html, form) {
    const retarget = response.headers.get("HX-Retarget");
    const target = retarget
      ? document.querySelector(retarget)
      : document.getElementById("status-" + form.dataset.slug);
    if (!target) {
      return;
    }
    window.htmx.swap(target, html, {
      swapStyle: response.headers.get("HX-Reswap") || "innerHTML",
      swapDelay: 0,
      settleDelay: 0,
    });
  }

  function flush() {
    items.forEach(function (state, code) {
      const form = formOf(code);
      if (state.pending && form && form.dataset.autosave === "change") {
        state.attempt = 0;
        send(code);
      }
    });
  }

  // --- the session ----------------------------------------------------------------------------------

  const dialog = document.getElementById("ws-relogin");
  const dialogForm = document.getElementById("ws-relogin-form");
  const dialogError = document.getElementById("ws-relogin-error");

  function loginNeeded(code) {
    loginBlocked = true;
    if (code) {
      show(code, "login", T.login_needed);
    }
    items.forEach(function (state, other) {
      if (state.pending && other !== code) {
        show(other, "login", T.login_needed);
      }
    });
    if (dialog && !dialog.open) {
      dialogError.textContent = "";
      dialog.showModal();
      const password = document.getElementById("ws-relogin-password");
      if (password) {
        password.focus();
      }
    }
  }

  async function refreshSession() {
    let response;
    try {
      response = await fetch(root.dataset.sessionUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
    } catch (err) {
      return "error";
    }
    if (response.status === 401) {
      return "login";
    }
    if (!response.ok) {
      return "error";
    }
    return loggedIn(await response.json());
  }

  function loggedIn(data) {
    if (!data || !data.authenticated) {
      return "login";
    }
    if (data.username !== root.dataset.username) {
      // someone else logged in: these pending answers are not theirs to send (they stay stored)
      window.location.reload();
      return "other";
    }
    useToken(data.csrf_token);
    loginBlocked = false;
    if (dialog && dialog.open) {
      dialog.close();
    }
    flush();
    return "ok";
  }

  async function backgroundLogin(username, password) {
    const loginUrl = root.dataset.loginUrl;
    const page = await fetch(loginUrl, { credentials: "same-origin", headers: { Accept: "text/html" } });
    const doc = new DOMParser().parseFromString(await page.text(), "text/html");
    const tokenInput = doc.querySelector('form input[name="csrfmiddlewaretoken"]');
    if (!doc.querySelector('input[name="password"]') || !tokenInput) {
      return refreshSession(); // already logged in (another tab): take the session as it is
    }
    const body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", tokenInput.value);
    body.append("username", username);
    body.append("password", password);
    body.append("next", root.dataset.sessionUrl);
    const response = await fetch(loginUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    const type = response.headers.get("Content-Type") || "";
    if (response.ok && type.indexOf("application/json") === 0) {
      return loggedIn(await response.json());
    }
    if (response.url.indexOf("/otp") !== -1) {
      return "otp";
    }
    return "failed";
  }

  if (dialogForm) {
    dialogForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const submit = dialogForm.querySelector('button[type="submit"]');
      submit.disabled = true;
      dialogError.textContent = "";
      let result;
      try {
        result = await backgroundLogin(
          dialogForm.elements.namedItem("username").value,
          dialogForm.elements.namedItem("password").value,
        );
      } catch (err) {
        result = "error";
      }
      submit.disabled = false;
      dialogForm.elements.namedItem("password").value = "";
      const messages = { failed: T.login_failed, otp: T.login_otp, error: T.login_error, login: T.login_failed };
      if (messages[result]) {
        dialogError.textContent = messages[result];
      }
    });
    dialogForm.querySelector("[data-relogin-retry]").addEventListener("click", async function () {
      const result = await refreshSession();
      if (result === "login") {
        dialogError.textContent = T.login_needed;
      } else if (result === "error") {
        dialogError.textContent = T.login_error;
      }
    });
  }

  // --- wiring ---------------------------------------------------------------------------------------

  document.addEventListener("change", function (event) {
    const form = event.target.closest && event.target.closest("form[data-autosave]");
    if (form) {
      edited(form, false);
    }
  });

  document.addEventListener("input", function (event) {
    const form = event.target.closest && event.target.closest("form[data-autosave]");
    if (form) {
      const state = stateOf(form.dataset.item);
      state.dirty = true;
      clearTimeout(state.draftTimer);
      state.draftTimer = setTimeout(function () {
        // typed but not yet changed (no blur): keep it too, so that a reload does not lose it
        const clean = Array.from(form.querySelectorAll("input[data-number]")).every((i) => !fieldProblem(i));
        if (state.dirty && !state.pending && clean && form.dataset.autosave === "change") {
          remember(form.dataset.item, { fields: snapshot(form), base: versionOf(form), at: Date.now() });
        }
      }, 500);
    }
  });

  document.addEventListener("submit", function (event) {
    const form = event.target.closest && event.target.closest("form[data-autosave]");
    if (form) {
      event.preventDefault();
      edited(form, true);
    }
  });

  document.addEventListener("click", function (event) {
    const retry = event.target.closest && event.target.closest("[data-autosave-retry]");
    if (!retry) {
      return;
    }
    const form = retry.closest("form[data-autosave]");
    if (!form) {
      return;
    }
    if (loginBlocked) {
      loginNeeded(form.dataset.item);
      return;
    }
    const state = stateOf(form.dataset.item);
    state.attempt = 0;
    if (!state.pending) {
      edited(form, false);
    } else {
      send(form.dataset.item);
    }
  });

  // "Pakai nilai terbaru": the person chose the newer value; what was pending for the item is dropped
  const discarding = new WeakMap();
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    const elt = event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-autosave-discard")) {
      const article = elt.closest("article");
      if (article) {
        discarding.set(elt, article.id.replace(/^item-/, ""));
      }
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    const code = discarding.get(event.detail.elt);
    if (code && event.detail.successful) {
      const state = stateOf(code);
      state.pending = null;
      state.dirty = false;
      clearTimeout(state.timer);
      forget(code);
    }
  });
  // the other HTMX requests of the worksheet (evidence, comments): an expired session opens the dialog
  document.body.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 401) {
      loginNeeded("");
    }
  });

  window.addEventListener("online", flush);

  window.addEventListener("beforeunload", function (event) {
    let unsaved = false;
    items.forEach(function (state) {
      if (state.pending || state.inflight || state.dirty || state.invalid) {
        unsaved = true;
      }
    });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = T.unsaved;
      return T.unsaved;
    }
    return undefined;
  });

  // --- after a reload: what this browser still holds ------------------------------------------------

  function restore() {
    const elsewhere = [];
    const keys = [];
    try {
      for (let i = 0; i < localStorage.length; i += 1) {
        keys.push(localStorage.key(i));
      }
    } catch (err) {
      return;
    }
    keys.forEach(function (key) {
      if (!key || key.indexOf(PREFIX) !== 0 || key.slice(-SUFFIX.length) !== SUFFIX) {
        return;
      }
      const code = key.slice(PREFIX.length, key.length - SUFFIX.length);
      let pending;
      try {
        pending = JSON.parse(localStorage.getItem(key));
      } catch (err) {
        pending = null;
      }
      if (!pending || !Array.isArray(pending.fields) || !Number.isFinite(pending.base)) {
        forget(code);
        return;
      }
      const form = formOf(code);
      if (!form) {
        elsewhere.push(code);
        return;
      }
      fill(form, pending.fields);
      const state = stateOf(code);
      state.pending = pending;
      state.restored = true;
      const found = problems(form);
      if (found.length) {
        state.invalid = true;
        show(code, "invalid", T.invalid + " " + found.join(" "));
        return;
      }
      send(code);
    });
    const banner = document.getElementById("ws-autosave-elsewhere");
    if (banner && elsewhere.length) {
      banner.textContent = fmt(T.restored_hidden, { n: elsewhere.length, codes: elsewhere.sort().join(", ") });
      banner.hidden = false;
      const main = document.getElementById("main");
      if (main) {
        main.prepend(banner);
      }
    }
  }

  window.zonaAutosave = { parseNumber: parseNumber, pending: items };
  restore();
})();
