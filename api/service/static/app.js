// Shakti Hotspots web page: log in, choose a selection, see the map and the hotspot table.
// Vanilla JavaScript, no build step, nothing loaded from another site. The bearer token is kept
// in sessionStorage (gone when the tab closes); the map <iframe> is authenticated by the
// HttpOnly cookie that POST /auth/token sets for /maps.
//
// Texts (docs/i18n.md): every text shown is English marked _("..."), ngettext(...),
// pgettext(...), N_/NP_ (Babel's JavaScript extractor), or an HTML element marked data-i18n;
// the page loads its catalogue from GET /i18n/{lang}.json before it shows anything, and asks
// the service for data with ?lang= so that server texts (why, reasons) match. page.js (loaded
// first) holds what this page shares with visits.html: the texts, the token and api().
"use strict";

let me = null; // the logged-in user (GET /auth/me)
let shown = { plan: null, users: null, review: null }; // shown again when the language changes
onSessionEnd = logout; // a 401 from the service: this page logs out

// ---- texts ----

function locale() {
  return lang === "hi" ? "hi-IN" : "en-IN"; // Indian grouping (1,00,000), Latin digits
}

function ngettext(singular, plural, n) {
  // both languages have two forms: CLDR "one" (en: 1; hi: 0 and 1) is the first
  const index = new Intl.PluralRules(locale()).select(n) === "one" ? 0 : 1;
  const forms = lookup(singular);
  if (Array.isArray(forms)) return forms[Math.min(index, forms.length - 1)];
  return index === 0 ? singular : plural;
}

function N_(msgid) {
  return msgid; // marks a text for extraction; translated where it is shown
}

function NP_(context, msgid) {
  return msgid;
}

// A stored key of a vocabulary (category, trend, role...) in the page's language.
function term(context, key) {
  return key === null || key === undefined ? "" : pgettext(context, String(key));
}

function num(value, digits = 0) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "–";
  return new Intl.NumberFormat(locale(), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

function pct(value) {
  return typeof value === "number" ? num(Math.round(100 * value)) + "%" : "–";
}

function day(iso) {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso || "") ? iso.split("-").reverse().join("-") : iso || "";
}

const RESOURCE_NAMES = {
  vehicles: N_("vehicles"),
  women_staff: N_("women staff"),
  rooms: N_("rooms"),
  toilets: N_("toilets"),
  computers: N_("computers"),
  phones: N_("phones"),
};

function initialLang() {
  const stored = localStorage.getItem(LANG_KEY);
  if (LANGS.includes(stored)) return stored;
  for (const tag of navigator.languages || []) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (LANGS.includes(base)) return base;
  }
  return "en";
}

async function switchLang(event) {
  const button = event.target.closest("button[data-lang]");
  if (!button || button.dataset.lang === lang) return;
  await loadLang(button.dataset.lang);
  localStorage.setItem(LANG_KEY, lang);
  if (!me) return;
  api("/auth/me", {
    method: "PATCH",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ lang }),
  }).catch(() => undefined); // the choice follows the user to other devices
  rerender();
}

// Everything shown again in the new language; server texts (why, maps) are asked for again.
function rerender() {
  fillMe();
  if (shown.users) fillUsers(shown.users);
  if (shown.plan) fillPatrol(shown.plan);
  if (shown.review) showReview().catch(() => undefined); // its why texts come from the service
  refresh().catch(() => undefined);
}

function show(el, visible) {
  el.hidden = !visible;
}

function query(form) {
  const data = new FormData(form);
  const params = new URLSearchParams();
  for (const name of ["thana", "from", "to", "eps_m", "min_samples"]) {
    const value = (data.get(name) || "").toString().trim();
    if (value) params.set(name, value);
  }
  const thana = $("thana");
  if (thana.disabled && thana.value) params.set("thana", thana.value); // locked: own thana
  for (const category of data.getAll("category")) params.append("category", category.toString());
  if (data.get("underserved")) params.set("underserved", "true");
  return params;
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  row.appendChild(td);
}

function fillTable(collection, underserved) {
  const body = $("hotspots").querySelector("tbody");
  body.replaceChildren();
  for (const feature of collection.features) {
    const p = feature.properties;
    const row = document.createElement("tr");
    cell(row, underserved ? p.underserved_rank : p.risk_rank);
    cell(row, num(p.incidents));
    cell(row, p.primary_thana + (p.cross_thana ? " +" : ""));
    cell(row, term("day pattern", p.day_pattern) + " " + (p.peak_hours || ""));
    cell(row, term("trend", p.trend));
    cell(row, typeof p.risk_score === "number" ? num(p.risk_score, 2) : "");
    cell(row, underserved && p.underserved_reason ? p.underserved_reason + "; " + p.why : p.why);
    body.appendChild(row);
  }
  const meta = collection.meta || {};
  const selected = (meta.selection && meta.selection.incidents) || 0;
  const n = collection.features.length;
  $("hotspots-caption").textContent =
    format(ngettext("{n} hotspot among {selected} selected incidents",
      "{n} hotspots among {selected} selected incidents", n), { n: num(n), selected: num(selected) }) +
    (n ? "" : " " + _("(try a larger radius or fewer incidents per core)"));
  // How the parameters were chosen and how concentrated the incidents are (server texts).
  const about = [meta.parameters && meta.parameters.reason, n && meta.concentration && meta.concentration.sentence];
  $("hotspots-about").textContent = about.filter(Boolean).join(". ");
  show($("hotspots-about"), Boolean($("hotspots-about").textContent));
}

function fillScorecard(card) {
  const box = $("scorecard");
  box.replaceChildren();
  if (!card) {
    show(box, false);
    return;
  }
  const title = document.createElement("h2");
  title.textContent = card.zone
    ? format(_("Thana {thana} ({zone} zone)"), { thana: card.thana, zone: card.zone })
    : format(_("Thana {thana}"), { thana: card.thana });
  const list = document.createElement("ul");
  const resources = Object.entries(card.resources)
    .map(([k, v]) => _(RESOURCE_NAMES[k] || k) + " " + (v === null || v === undefined ? "?" : num(v)))
    .join(", ");
  const facts = [
    format(ngettext("{incidents} incidents, {n} hotspot ({underserved} without a recent drive)",
      "{incidents} incidents, {n} hotspots ({underserved} without a recent drive)", card.hotspots.count),
      { incidents: num(card.incidents.total), n: num(card.hotspots.count),
        underserved: num(card.hotspots.underserved) }),
    format(_("{held} awareness drives, {attendees} attendees"),
      { held: num(card.campaigns.held), attendees: num(card.campaigns.attendees) }),
    format(_("CCTV: {working} working, {faulty} faulty, {unknown} unchecked"),
      { working: num(card.cctv.working), faulty: num(card.cctv.faulty), unknown: num(card.cctv.unknown) }),
    format(_("{without} of {total} sensitive sites without a working camera within {radius} m"),
      { without: num(card.sites.without_working_camera), total: num(card.sites.total),
        radius: num(card.sites.camera_radius_m) }),
    format(_("Resources: {list}"), { list: resources }),
  ];
  for (const fact of facts) {
    const li = document.createElement("li");
    li.textContent = fact;
    list.appendChild(li);
  }
  box.append(title, list);
  show(box, true);
}

async function refresh(event) {
  if (event) event.preventDefault();
  const form = $("filters");
  const params = query(form);
  const error = $("filter-error");
  show(error, false);
  const mapParams = new URLSearchParams(params);
  const chosen = new FormData(form);
  if (chosen.get("significance")) mapParams.set("significance", "true");
  if (chosen.get("emerging")) mapParams.set("emerging", "true");
  if (chosen.get("campaigns")) mapParams.set("campaigns", "true");
  const mapRoute = $("cctv-map").checked ? "/maps/cctv?" : "/maps/hotspots?";
  $("map").src = withLang(mapRoute + mapParams.toString());
  try {
    const [collection, card] = await Promise.all([
      api("/hotspots?" + params.toString()),
      params.get("thana")
        ? api("/thanas/" + encodeURIComponent(params.get("thana")) + "/scorecard?" +
              scorecardParams(params).toString())
        : Promise.resolve(null),
    ]);
    fillTable(collection, params.has("underserved"));
    fillScorecard(card);
  } catch (err) {
    error.textContent = err.message;
    show(error, true);
  }
}

function scorecardParams(params) {
  const out = new URLSearchParams();
  for (const [name, value] of params) if (name !== "thana" && name !== "underserved") out.append(name, value);
  return out;
}

async function start() {
  me = await api("/auth/me");
  if (me.lang && me.lang !== lang) {
    await loadLang(me.lang); // the user's saved choice, on any device
    localStorage.setItem(LANG_KEY, lang);
  }
  const select = $("thana");
  select.replaceChildren();
  if (me.all_thanas) {
    const all = document.createElement("option");
    all.value = "";
    select.appendChild(all);
    const layer = await api("/thanas");
    const names = layer.features.map((f) => f.properties.name).sort();
    for (const name of names) {
      const option = document.createElement("option");
      option.value = option.textContent = name;
      select.appendChild(option);
    }
    select.disabled = false;
    fillThanaChoice(names);
  } else {
    const own = document.createElement("option");
    own.value = own.textContent = me.thana;
    select.appendChild(own);
    select.disabled = true; // an in-charge sees only their own thana
  }
  $("categories").replaceChildren();
  fillMe();
  show($("whoami"), true);
  show($("logout"), true);
  show($("upload"), me.may_upload);
  show($("admin"), me.role === "admin");
  show($("login-view"), false);
  show($("app-view"), true);
  if (me.role === "admin") await loadUsers();
  await refresh();
}

// The user's name and role, the categories and "All thanas", in the page's language.
function fillMe() {
  if (!me) return;
  $("whoami").textContent = me.name + " (" + term("role", me.role) + (me.thana ? ", " + me.thana : "") + ")";
  const categories = $("categories");
  const checked = new Set(Array.from(categories.querySelectorAll("input:checked"), (box) => box.value));
  categories.replaceChildren();
  for (const name of me.categories) {
    const label = document.createElement("label");
    label.className = "inline";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = "category";
    box.value = name;
    box.checked = checked.has(name);
    label.append(box, " " + term("category", name));
    categories.appendChild(label);
  }
  const all = $("thana").querySelector('option[value=""]');
  if (all) all.textContent = _("All thanas");
  const none = $("add-user").elements.namedItem("thana").querySelector('option[value=""]');
  if (none) none.textContent = _("(none)");
}

// ---- administration (admins only; the service refuses everyone else anyway) ----

function fillThanaChoice(names) {
  const select = $("add-user").elements.namedItem("thana");
  select.replaceChildren();
  const none = document.createElement("option");
  none.value = "";
  none.textContent = _("(none)");
  select.appendChild(none);
  for (const name of names) {
    const option = document.createElement("option");
    option.value = option.textContent = name;
    select.appendChild(option);
  }
}

function adminMessage(error, secret) {
  const errorBox = $("admin-error");
  errorBox.textContent = error || "";
  show(errorBox, Boolean(error));
  const box = $("admin-secret");
  box.replaceChildren();
  if (secret) {
    const code = document.createElement("code");
    code.textContent = secret.password;
    box.append(format(_("New password of {name}:"), { name: secret.name }) + " ", code,
      " " + _("(shown once: give it to the user privately)"));
  }
  show(box, Boolean(secret));
}

function actionButton(label, action, name, quiet, enabled) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.dataset.action = action;
  button.dataset.name = name;
  if (quiet) button.className = "quiet";
  button.disabled = !enabled;
  if (!enabled) button.title = _("ask another administrator to change your own account");
  return button;
}

async function loadUsers() {
  fillUsers(await api("/users"));
}

function fillUsers(users) {
  shown.users = users;
  const body = $("users").querySelector("tbody");
  body.replaceChildren();
  for (const user of users) {
    const row = document.createElement("tr");
    row.dataset.name = user.name;
    if (user.disabled) row.className = "disabled";
    cell(row, user.name);
    cell(row, term("role", user.role));
    cell(row, user.thana || _("all thanas"));
    cell(row, user.disabled ? _("disabled") : _("active"));
    const own = me && user.name === me.name;
    const actions = document.createElement("td");
    actions.append(
      actionButton(user.disabled ? _("Enable") : _("Disable"), user.disabled ? "enable" : "disable",
        user.name, true, !own),
      actionButton(_("Reset password"), "password", user.name, true, !own),
      actionButton(_("Remove"), "remove", user.name, false, !own),
    );
    row.appendChild(actions);
    body.appendChild(row);
  }
}

async function userAction(event) {
  const button = event.target.closest("button[data-action]");
  if (!button || button.disabled) return;
  const name = button.dataset.name;
  const path = "/users/" + encodeURIComponent(name);
  const json = { "Content-Type": "application/json" };
  let secret = null;
  try {
    switch (button.dataset.action) {
      case "disable":
      case "enable":
        await api(path, {
          method: "PATCH",
          headers: json,
          body: JSON.stringify({ disabled: button.dataset.action === "disable" }),
        });
        break;
      case "password": {
        const result = await api(path + "/password", { method: "POST", headers: json, body: "{}" });
        secret = { name, password: result.password };
        break;
      }
      case "remove":
        if (!window.confirm(format(_("Remove user {name}? Their sessions end at once."), { name }))) return;
        await api(path, { method: "DELETE" });
        break;
      default:
        return;
    }
    adminMessage(null, secret);
    await loadUsers();
  } catch (err) {
    adminMessage(err.message, null);
  }
}

async function addUser(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const role = form.get("role").toString();
  const request = { name: form.get("name").toString().trim(), role };
  const thana = (form.get("thana") || "").toString();
  if (role === "incharge" && thana) request.thana = thana;
  try {
    const result = await api("/users", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    event.target.reset();
    adminMessage(null, { name: result.user.name, password: result.password });
    await loadUsers();
  } catch (err) {
    adminMessage(err.message, null);
  }
}

async function login(event) {
  event.preventDefault();
  const error = $("login-error");
  show(error, false);
  const form = new FormData(event.target);
  const body = new URLSearchParams({
    username: form.get("username").toString(),
    password: form.get("password").toString(),
  });
  try {
    const response = await fetch("/auth/token", { method: "POST", body });
    const data = await response.json();
    if (response.status === 401) throw new Error(_("Wrong user name or password: check both, or ask an administrator."));
    if (response.status === 429) throw new Error(_("Too many failed logins: wait a few minutes, then try again."));
    if (!response.ok) throw new Error(problemText(data, response.status));
    sessionStorage.setItem(TOKEN_KEY, data.access_token);
    event.target.reset();
    await start();
  } catch (err) {
    error.textContent = err.message;
    show(error, true);
  }
}

function logout() {
  // the service ends every session of the user (other tabs too), then the page forgets it
  const old = token();
  sessionStorage.removeItem(TOKEN_KEY);
  const headers = old ? { Authorization: "Bearer " + old } : {};
  fetch("/auth/logout", { method: "POST", headers }).catch(() => undefined);
  me = null;
  shown = { plan: null, users: null };
  $("users").querySelector("tbody").replaceChildren();
  adminMessage(null, null);
  show($("admin"), false);
  $("map").src = "about:blank";
  show($("app-view"), false);
  show($("whoami"), false);
  show($("logout"), false);
  show($("login-view"), true);
}

async function upload(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const kind = form.get("kind").toString();
  const params = new URLSearchParams();
  if (form.get("dry_run")) params.set("dry_run", "true");
  const body = new FormData();
  body.append("file", form.get("file"));
  const report = $("upload-report");
  try {
    const result = await api("/datasets/" + encodeURIComponent(kind) + "?" + params.toString(), {
      method: "POST",
      body,
    });
    report.textContent = JSON.stringify(result, null, 2);
  } catch (err) {
    report.textContent = err.message;
  }
  show(report, true);
}

async function planPatrols() {
  const error = $("patrol-error");
  show(error, false);
  const thana = $("thana").value || null;
  const request = {
    thana: thana,
    days: Number($("patrol-days").value || 7),
    seed: Number($("patrol-seed").value || 0),
  };
  $("patrol-summary").textContent = _("Planning …");
  try {
    const plan = await api("/patrol/plans", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    fillPatrol(plan);
  } catch (err) {
    $("patrol-summary").textContent = "";
    error.textContent = err.message;
    show(error, true);
  }
}

// Did patrols work? The effect report of the selected thana (or every thana), in words.
async function showEffect() {
  const error = $("patrol-error");
  show(error, false);
  const thana = $("thana").value;
  $("effect-text").textContent = _("Comparing …");
  try {
    const report = await api("/patrol/effect" + (thana ? "?thana=" + encodeURIComponent(thana) : ""));
    $("effect-text").textContent = report.text;
  } catch (err) {
    $("effect-text").textContent = "";
    error.textContent = err.message;
    show(error, true);
  }
}

// Minutes of presence per place and week (Koper: 10–15 minutes a visit) and missed visits.
async function showDosage() {
  const error = $("patrol-error");
  show(error, false);
  const thana = $("thana").value;
  const body = $("dosage-table").querySelector("tbody");
  try {
    const report = await api("/patrol/dosage" + (thana ? "?thana=" + encodeURIComponent(thana) : ""));
    const total = report.summary;
    body.replaceChildren();
    if (!report.rows.length) {
      $("dosage-text").textContent = _("No visits recorded yet.");
      show($("dosage-table"), false);
      return;
    }
    $("dosage-text").textContent = format(
      _("{visited} of {planned} planned visits made, {missed} missed; {minutes} minutes of presence; {below} place-weeks under 10 minutes a visit (!)"),
      { visited: total.visited, planned: total.planned, missed: total.missed,
        minutes: Math.round(total.minutes), below: total.below_reference },
    );
    for (const row of report.rows.slice(0, 20)) {
      const tr = document.createElement("tr");
      const perVisit = row.minutes_per_visit === null ? "–" : row.minutes_per_visit.toFixed(1);
      const cells = [row.place_id, row.week, row.planned, row.visited, row.missed,
        perVisit + (row.below_reference ? " !" : "")];
      for (const value of cells) {
        const td = document.createElement("td");
        td.textContent = String(value);
        tr.append(td);
      }
      body.append(tr);
    }
    show($("dosage-table"), true);
  } catch (err) {
    $("dosage-text").textContent = "";
    error.textContent = err.message;
    show(error, true);
  }
}

function fillPatrol(plan) {
  shown.plan = plan;
  const meta = plan.meta;
  $("patrol-summary").textContent =
    format(ngettext(
      "Plan {id}: {days} day from {start}, {teams} teams, {stops} stops; risk covered per day {risk}, hotspots visited per day {hotspots}.",
      "Plan {id}: {days} days from {start}, {teams} teams, {stops} stops; risk covered per day {risk}, hotspots visited per day {hotspots}.",
      meta.days), {
      id: plan.id, days: num(meta.days), start: day(meta.start), teams: num(meta.teams),
      stops: num(meta.stops), risk: pct(meta.risk_share_per_day), hotspots: pct(meta.hotspot_share_per_day),
    }) + " " + meta.notes.join(" · ");
  const body = $("patrol-teams").querySelector("tbody");
  body.replaceChildren();
  for (const team of plan.teams) {
    const row = document.createElement("tr");
    cell(row, team.team);
    cell(row, team.thana);
    cell(row, team.shift + " (" + term("patrol mode", team.mode) + ")");
    const links = document.createElement("td");
    for (const route of plan.routes.filter((r) => r.team === team.team)) {
      const a = document.createElement("a");
      a.href = withLang(route.sheet_page);
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = format(_("day {day} ({stops})"), { day: num(route.day), stops: num(route.stops.length) });
      links.append(a, " ");
      for (const kind of ["gpx", "kml"]) {
        const file = document.createElement("a");
        file.href = route[kind + "_page"];
        file.textContent = kind.toUpperCase();
        file.setAttribute("download", "");
        links.append(file, " ");
      }
      links.append(document.createElement("br"));
    }
    row.appendChild(links);
    body.appendChild(row);
  }
  show($("patrol-teams"), true);
  showPlanStatus(plan.saved ? plan.saved.status : null);
}

function planStatusName(status) {
  const names = {
    draft: pgettext("plan status", "draft"),
    issued: pgettext("plan status", "issued"),
    done: pgettext("plan status", "done"),
    cancelled: pgettext("plan status", "cancelled"),
  };
  return names[status] || status;
}

function showPlanStatus(status) {
  const button = $("patrol-issue");
  $("patrol-status").textContent = status
    ? format(_("Saved; status: {status}"), { status: planStatusName(status) })
    : "";
  show(button, status === "draft");
}

async function issuePlan() {
  const error = $("patrol-error");
  show(error, false);
  if (!shown.plan) return;
  try {
    const meta = await api("/patrol/plans/" + encodeURIComponent(shown.plan.id) + "/issue", {
      method: "POST",
    });
    showPlanStatus(meta.status);
  } catch (err) {
    error.textContent = err.message;
    show(error, true);
  }
}

// ---- the monthly review ----

function reviewParams() {
  const data = new FormData($("filters"));
  const params = new URLSearchParams();
  for (const name of ["from", "to"]) {
    const value = (data.get(name) || "").toString().trim();
    if (value) params.set(name, value);
  }
  const thana = $("thana").value;
  if (thana) params.set("thana", thana);
  return params;
}

async function showReview() {
  const error = $("review-error");
  show(error, false);
  const params = reviewParams();
  if (!params.get("from") || !params.get("to")) {
    error.textContent = _("Choose the first and last day of the review above (From, To).");
    show(error, true);
    return;
  }
  $("review-summary").textContent = _("Reviewing …");
  try {
    const review = await api("/review?" + params.toString());
    fillReview(review, params);
  } catch (err) {
    $("review-summary").textContent = "";
    error.textContent = err.message;
    show(error, true);
  }
}

function fillReview(review, params) {
  shown.review = review;
  const t = review.totals;
  $("review-summary").textContent = format(
    _("{from} to {to}: {received} complaints received, {pending} pending ({old} over 30 days); {reunited} families reunited; {detentions} detentions; {women} women reached; {flagged} thanas flagged."),
    {
      from: day(review.period.from), to: day(review.period.to), received: num(t.complaints_received),
      pending: num(t.complaints_pending), old: num(t.pending_over_30d), reunited: num(t.counselling_reunions),
      detentions: num(t.detentions), women: num(t.women_reached), flagged: num(review.flagged.length),
    }) + (review.notes.length ? " " + review.notes.join(" · ") : "");
  const sheet = new URLSearchParams(params);
  sheet.set("sheet_lang", $("review-lang").value);
  const link = $("review-sheet");
  link.href = withLang("/maps/review-sheet?" + sheet.toString());
  show(link, true);
  const body = $("review-league").querySelector("tbody");
  body.replaceChildren();
  for (const row of review.league) {
    const tr = document.createElement("tr");
    if (row.flagged) tr.className = "flagged";
    cell(tr, num(row.rank));
    cell(tr, row.thana);
    cell(tr, row.score === null ? "–" : num(row.score, 1));
    cell(tr, row.why);
    body.appendChild(tr);
  }
  show($("review-league"), review.league.length > 0);
}

document.addEventListener("DOMContentLoaded", async () => {
  await loadLang(initialLang()); // the catalogue comes before the page shows anything
  document.body.removeAttribute("data-i18n-pending");
  document.querySelector(".lang-switch").addEventListener("click", switchLang);
  $("plan-patrols").addEventListener("click", planPatrols);
  $("show-review").addEventListener("click", showReview);
  $("patrol-issue").addEventListener("click", issuePlan);
  $("patrol-effect").addEventListener("click", showEffect);
  $("patrol-dosage").addEventListener("click", showDosage);
  $("login-form").addEventListener("submit", login);
  $("filters").addEventListener("submit", refresh);
  $("logout").addEventListener("click", logout);
  $("upload").addEventListener("submit", upload);
  $("users").addEventListener("click", userAction);
  $("add-user").addEventListener("submit", addUser);
  if (token()) start().catch(() => logout());
});
