// Shakti Hotspots pages (index.html and visits.html): what both load before their own script.
// The texts (the catalogue of GET /i18n/{lang}.json, _(), pgettext(), format(), the data-i18n
// elements), the bearer token kept in sessionStorage and api(), the fetch of the service that
// asks with ?lang= and turns a problem answer into an Error. Classic scripts share one global
// scope: a page's script reads and sets `lang`, `messages` and `onSessionEnd` declared here.
"use strict";

const TOKEN_KEY = "shakti.token";
const LANG_KEY = "shakti.lang";
const LANGS = ["hi", "en"];
const CONTEXT = "\u0004"; // context + CONTEXT + msgid: a key of the catalogue's messages
const $ = (id) => document.getElementById(id);
let lang = "en"; // the page's language
let messages = {}; // msgid → text (or plural forms) in `lang`; English: the msgids themselves
let onSessionEnd = () => sessionStorage.removeItem(TOKEN_KEY); // a page sets its own (a 401)

// ---- texts ----

function lookup(key) {
  return Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : undefined;
}

function _(msgid) {
  const text = lookup(msgid);
  return typeof text === "string" ? text : msgid;
}

function pgettext(context, msgid) {
  const text = lookup(context + CONTEXT + msgid);
  return typeof text === "string" ? text : msgid;
}

function format(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole);
}

const originals = new WeakMap(); // element → its English text and attributes (the msgids)

function words(text) {
  return (text || "").split(/\s+/).filter(Boolean).join(" ");
}

function translatePage() {
  for (const el of document.querySelectorAll("[data-i18n], [data-i18n-attrs]")) {
    let original = originals.get(el);
    if (!original) {
      original = { text: el.hasAttribute("data-i18n") ? words(el.textContent) : "", attrs: {} };
      for (const name of words(el.dataset.i18nAttrs).split(" ").filter(Boolean)) {
        original.attrs[name] = words(el.getAttribute(name));
      }
      originals.set(el, original);
    }
    const context = el.dataset.i18nContext;
    const translated = (msgid) => (context ? pgettext(context, msgid) : _(msgid));
    if (original.text) el.textContent = translated(original.text);
    for (const [name, msgid] of Object.entries(original.attrs)) el.setAttribute(name, translated(msgid));
  }
  document.documentElement.lang = lang;
  for (const button of document.querySelectorAll(".lang-switch button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
  }
}

async function loadLang(next) {
  const chosen = LANGS.includes(next) ? next : "en";
  try {
    const response = await fetch("/i18n/" + chosen + ".json");
    if (!response.ok) throw new Error(String(response.status));
    messages = (await response.json()).messages || {};
    lang = chosen;
  } catch (err) {
    messages = {};
    lang = "en"; // without a catalogue the page reads in English
  }
  translatePage();
}

// ---- the service ----

function withLang(path) {
  const url = new URL(path, window.location.origin);
  url.searchParams.set("lang", lang);
  return url.pathname + url.search;
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function problemText(body, status) {
  if (body && typeof body === "object" && body.detail) {
    return body.detail + (body.fix ? " — " + body.fix : "");
  }
  return format(_("request failed ({status})"), { status });
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers.Authorization = "Bearer " + token();
  const response = await fetch(withLang(path), Object.assign({}, options, { headers }));
  if (response.status === 401) {
    onSessionEnd();
    throw new Error(_("your session has ended: please log in again"));
  }
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error(problemText(body, response.status));
  return body;
}
