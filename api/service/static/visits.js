// Shakti Hotspots visits page: a team's stops of a day, one tap each (arrived, left, missed).
// Vanilla JavaScript like app.js, with the texts, the token and api() of page.js (loaded first).
// The bearer token is the one of the main page (sessionStorage), or this page's login.
// Visits go to POST /patrol/plans/{id}/visits: the service checks them like an imported file.
"use strict";

const ARRIVED_KEY = "shakti.arrived."; // + plan/team/day/stop → local arrival time
const SEEN = ["none", "eve-teasing", "stalking", "crowd-at-gate", "suspicious-vehicle", "other"];
let current = null; // {plan, team, day, stops}
onSessionEnd = () => {
  sessionStorage.removeItem(TOKEN_KEY);
  $("login-form").hidden = false;
};

function say(text, isError) {
  $("error").hidden = !isError;
  $("error").textContent = isError ? text : "";
  $("status").textContent = isError ? "" : text;
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
    if (!b) return;
    loadLang(b.dataset.lang).then(() => {
      localStorage.setItem(LANG_KEY, lang);
      if (current) showStops(); // the stops' texts in the new language
    });
  });
  $("login-form").addEventListener("submit", login);
  $("route-form").addEventListener("submit", loadStops);
  $("login-form").hidden = Boolean(token());
  const params = new URLSearchParams(window.location.search);
  const form = $("route-form");
  for (const name of ["plan", "team", "day"]) if (params.get(name)) form[name].value = params.get(name);
  if (token() && params.get("plan") && params.get("team") && params.get("day")) loadStops();
});
