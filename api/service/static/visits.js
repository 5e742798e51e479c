// Shakti Hotspots visits page: a team's stops of a day, one tap each (arrived, left, missed).
// Vanilla JavaScript like app.js (whose text helpers it repeats: the page loads no other
// script). The bearer token is the one of the main page (sessionStorage), or this page's login.
// Visits go to POST /patrol/plans/{id}/visits: the service checks them like an imported file.
"use strict";

const TOKEN_KEY = "shakti.token";
const LANG_KEY = "shakti.lang";
const LANGS = ["hi", "en"];
const CONTEXT = "\u0004";
const ARRIVED_KEY = "shakti.arrived."; // + plan/team/day/stop → local arrival time
const SEEN = ["none", "eve-teasing", "stalking", "crowd-at-gate", "suspicious-vehicle", "other"];
const $ = (id) => document.getElementById(id);
let lang = "en";
let messages = {};
let current = null; // {plan, team, day, stops}

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

function translatePage() {
  for (const el of document.querySelectorAll("[data-i18n], [data-i18n-attrs]")) {
    if (!el.dataset.msgid && el.hasAttribute("data-i18n")) {
      el.dataset.msgid = el.textContent.split(/\s+/).filter(Boolean).join(" ");
    }
    if (el.dataset.msgid) el.textContent = _(el.dataset.msgid);
    for (const name of (el.dataset.i18nAttrs || "").split(" ").filter(Boolean)) {
      const key = "msgid" + name.replace(/[^a-z]/g, "");
      if (!el.dataset[key]) el.dataset[key] = el.getAttribute(name);
      el.setAttribute(name, _(el.dataset[key]));
    }
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
    lang = "en";
  }
  translatePage();
  if (current) showStops();
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function say(text, isError) {
  $("error").hidden = !isError;
  $("error").textContent = isError ? text : "";
  $("status").textContent = isError ? "" : text;
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers.Authorization = "Bearer " + token();
  const url = new URL(path, window.location.origin);
  url.searchParams.set("lang", lang);
  const response = await fetch(url.pathname + url.search, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    $("login-form").hidden = false;
    throw new Error(_("your session has ended: please log in again"));
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.detail ? body.detail + (body.fix ? " — " + body.fix : "") : String(response.status));
  }
  return body;
}

// Local date and time of the phone as the service reads it (YYYY-MM-DDTHH:MM).
function nowLocal() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function key(stop) {
  return ARRIVED_KEY + [current.plan, current.team, current.day, stop.order].join("/");
}

async function loadStops(event) {
  if (event) event.preventDefault();
  const form = $("route-form");
  const plan = form.plan.value.trim();
  const team = form.team.value.trim();
  const day = form.day.value;
  try {
    const data = await api("/patrol/plans/" + encodeURIComponent(plan));
    const stops = (data.routes || [])
      .filter((r) => r.team === team && r.date === day)
      .flatMap((r) => r.stops);
    current = { plan, team, day, stops };
    const url = new URL(window.location.href);
    url.search = new URLSearchParams({ plan, team, day }).toString();
    window.history.replaceState(null, "", url);
    showStops();
    say(stops.length ? "" : _("no stops of this team on this day"), !stops.length);
  } catch (err) {
    say(err.message, true);
  }
}

function button(text, cls, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  if (cls) b.className = cls;
  b.addEventListener("click", onClick);
  return b;
}

function showStops() {
  const list = $("stops");
  list.replaceChildren();
  for (const stop of current.stops) {
    const li = document.createElement("li");
    const place = document.createElement("div");
    place.className = "place";
    place.textContent = format(_("Stop {n}: {place}"), { n: stop.order, place: stop.place_name });
    const when = document.createElement("div");
    when.className = "when";
    when.textContent = format(_("arrive {arrive}, stay {minutes} min"), {
      arrive: stop.arrive, minutes: stop.dwell_min,
    });
    const seen = document.createElement("select");
    for (const value of SEEN) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = pgettext("seen category", value);
      seen.append(option);
    }
    seen.setAttribute("aria-label", _("What was seen"));
    const count = document.createElement("input");
    count.type = "number";
    count.min = "0";
    count.max = "10000";
    count.value = "0";
    count.setAttribute("aria-label", _("How many"));
    const taps = document.createElement("div");
    taps.className = "taps";
    const arrivedLabel = (at) => (at ? format(_("Arrived {time}"), { time: at.slice(11) }) : _("Arrived"));
    const arrived = button(arrivedLabel(localStorage.getItem(key(stop))), "", () => {
      const at = nowLocal();
      localStorage.setItem(key(stop), at);
      arrived.textContent = arrivedLabel(at); // the category and count chosen stay as they are
    });
    taps.append(
      arrived,
      button(_("Left"), "", () => record(stop, li, "left", seen.value, count.value)),
      button(_("Missed"), "missed", () => record(stop, li, "missed", seen.value, count.value)),
    );
    li.append(place, when, seen, count, taps);
    list.append(li);
  }
}

async function record(stop, li, what, seen, count) {
  const visit = { team: current.team, day: current.day, stop: stop.order };
  if (what === "missed") {
    visit.status = "missed";
  } else {
    const arrived = localStorage.getItem(key(stop));
    if (!arrived) {
      say(_("tap Arrived first"), true);
      return;
    }
    const left = nowLocal();
    const minutes = (new Date(left) - new Date(arrived)) / 60000;
    visit.status = minutes < stop.dwell_min ? "cut-short" : "visited";
    Object.assign(visit, { arrived, left, seen_category: seen, seen_count: Number(count) || 0 });
  }
  try {
    const body = await api("/patrol/plans/" + encodeURIComponent(current.plan) + "/visits", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ visits: [visit] }),
    });
    if (body.accepted) {
      localStorage.removeItem(key(stop));
      li.classList.add("done");
      say(format(_("stop {n} recorded: {status}"), {
        n: stop.order, status: pgettext("visit status", visit.status),
      }), false);
    } else {
      say((body.problems || []).join(" "), true);
    }
  } catch (err) {
    say(err.message, true);
  }
}

async function login(event) {
  event.preventDefault();
  const body = new URLSearchParams(new FormData($("login-form")));
  const response = await fetch("/auth/token", { method: "POST", body });
  if (!response.ok) {
    say(_("wrong user name or password"), true);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, (await response.json()).access_token);
  $("login-form").hidden = true;
  say("", false);
}

document.addEventListener("DOMContentLoaded", async () => {
  const stored = localStorage.getItem(LANG_KEY);
  await loadLang(LANGS.includes(stored) ? stored : "en");
  document.body.removeAttribute("data-i18n-pending");
  document.querySelector(".lang-switch").addEventListener("click", (event) => {
    const b = event.target.closest("button[data-lang]");
    if (b) loadLang(b.dataset.lang).then(() => localStorage.setItem(LANG_KEY, lang));
  });
  $("login-form").addEventListener("submit", login);
  $("route-form").addEventListener("submit", loadStops);
  $("login-form").hidden = Boolean(token());
  const params = new URLSearchParams(window.location.search);
  const form = $("route-form");
  for (const name of ["plan", "team", "day"]) if (params.get(name)) form[name].value = params.get(name);
  if (token() && params.get("plan") && params.get("team") && params.get("day")) loadStops();
});
