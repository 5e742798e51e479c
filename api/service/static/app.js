// Shakti Hotspots web page: log in, choose a selection, see the map and the hotspot table.
// Vanilla JavaScript, no build step, nothing loaded from another site. The bearer token is kept
// in sessionStorage (gone when the tab closes); the map <iframe> is authenticated by the
// HttpOnly cookie that POST /auth/token sets for /maps.
"use strict";

const TOKEN_KEY = "shakti.token";
const $ = (id) => document.getElementById(id);
let me = null; // the logged-in user (GET /auth/me)

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function show(el, visible) {
  el.hidden = !visible;
}

function problemText(body, status) {
  if (body && typeof body === "object" && body.detail) {
    return body.detail + (body.fix ? " — " + body.fix : "");
  }
  return "request failed (" + status + ")";
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers.Authorization = "Bearer " + token();
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    logout();
    throw new Error("your session has ended: please log in again");
  }
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error(problemText(body, response.status));
  return body;
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
    cell(row, p.incidents);
    cell(row, p.primary_thana + (p.cross_thana ? " +" : ""));
    cell(row, (p.day_pattern || "") + " " + (p.peak_hours || ""));
    cell(row, p.trend);
    cell(row, typeof p.risk_score === "number" ? p.risk_score.toFixed(2) : "");
    cell(row, underserved && p.underserved_reason ? p.underserved_reason + "; " + p.why : p.why);
    body.appendChild(row);
  }
  const meta = collection.meta || {};
  const selected = (meta.selection && meta.selection.incidents) || 0;
  const n = collection.features.length;
  $("hotspots-caption").textContent =
    n + (n === 1 ? " hotspot" : " hotspots") + " among " + selected + " selected incidents" +
    (n ? "" : " (try a larger radius or fewer incidents per core)");
}

function fillScorecard(card) {
  const box = $("scorecard");
  box.replaceChildren();
  if (!card) {
    show(box, false);
    return;
  }
  const title = document.createElement("h2");
  title.textContent = "Thana " + card.thana + (card.zone ? " (" + card.zone + " zone)" : "");
  const list = document.createElement("ul");
  const facts = [
    card.incidents.total + " incidents, " + card.hotspots.count +
      (card.hotspots.count === 1 ? " hotspot (" : " hotspots (") +
      card.hotspots.underserved + " without a recent drive)",
    card.campaigns.held + " awareness drives, " + card.campaigns.attendees + " attendees",
    "CCTV: " + card.cctv.working + " working, " + card.cctv.faulty + " faulty, " +
      card.cctv.unknown + " unchecked",
    card.sites.without_working_camera + " of " + card.sites.total +
      " sensitive sites without a working camera within " + card.sites.camera_radius_m + " m",
    "Resources: " + Object.entries(card.resources).map(([k, v]) => k.replace("_", " ") + " " + (v ?? "?")).join(", "),
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
  const mapRoute = $("cctv-map").checked ? "/maps/cctv?" : "/maps/hotspots?";
  $("map").src = mapRoute + mapParams.toString();
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
  $("whoami").textContent = me.name + " (" + me.role + (me.thana ? ", " + me.thana : "") + ")";
  show($("whoami"), true);
  show($("logout"), true);
  const categories = $("categories");
  categories.replaceChildren();
  for (const name of me.categories) {
    const label = document.createElement("label");
    label.className = "inline";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = "category";
    box.value = name;
    label.append(box, " " + name);
    categories.appendChild(label);
  }
  const select = $("thana");
  select.replaceChildren();
  if (me.all_thanas) {
    const all = document.createElement("option");
    all.value = "";
    all.textContent = "All thanas";
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
  show($("upload"), me.may_upload);
  show($("admin"), me.role === "admin");
  show($("login-view"), false);
  show($("app-view"), true);
  if (me.role === "admin") await loadUsers();
  await refresh();
}

// ---- administration (admins only; the service refuses everyone else anyway) ----

function fillThanaChoice(names) {
  const select = $("add-user").elements.namedItem("thana");
  select.replaceChildren();
  const none = document.createElement("option");
  none.value = "";
  none.textContent = "(none)";
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
    box.append("New password of " + secret.name + ": ", code,
      " (shown once: give it to the user privately)");
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
  if (!enabled) button.title = "ask another administrator to change your own account";
  return button;
}

async function loadUsers() {
  const users = await api("/users");
  const body = $("users").querySelector("tbody");
  body.replaceChildren();
  for (const user of users) {
    const row = document.createElement("tr");
    row.dataset.name = user.name;
    if (user.disabled) row.className = "disabled";
    cell(row, user.name);
    cell(row, user.role);
    cell(row, user.thana || "all");
    cell(row, user.disabled ? "disabled" : "active");
    const own = me && user.name === me.name;
    const actions = document.createElement("td");
    actions.append(
      actionButton(user.disabled ? "Enable" : "Disable", user.disabled ? "enable" : "disable",
        user.name, true, !own),
      actionButton("Reset password", "password", user.name, true, !own),
      actionButton("Remove", "remove", user.name, false, !own),
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
        if (!window.confirm("Remove user " + name + "? Their sessions end at once.")) return;
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
  $("patrol-summary").textContent = "Planning …";
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

function fillPatrol(plan) {
  const meta = plan.meta;
  const pct = (x) => (typeof x === "number" ? Math.round(100 * x) + "%" : "–");
  $("patrol-summary").textContent =
    "Plan " + plan.id + ": " + meta.days + " days from " + meta.start + ", " + meta.teams +
    " teams, " + meta.stops + " stops; risk covered per day " + pct(meta.risk_share_per_day) +
    ", hotspots visited per day " + pct(meta.hotspot_share_per_day) + ". " +
    meta.notes.join(" · ");
  const body = $("patrol-teams").querySelector("tbody");
  body.replaceChildren();
  for (const team of plan.teams) {
    const row = document.createElement("tr");
    cell(row, team.team);
    cell(row, team.thana);
    cell(row, team.shift + " (" + team.mode + ")");
    const links = document.createElement("td");
    for (const route of plan.routes.filter((r) => r.team === team.team)) {
      const a = document.createElement("a");
      a.href = route.sheet_page;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = "day " + route.day + " (" + route.stops.length + ")";
      links.append(a, " ");
    }
    row.appendChild(links);
    body.appendChild(row);
  }
  show($("patrol-teams"), true);
}

document.addEventListener("DOMContentLoaded", () => {
  $("plan-patrols").addEventListener("click", planPatrols);
  $("login-form").addEventListener("submit", login);
  $("filters").addEventListener("submit", refresh);
  $("logout").addEventListener("click", logout);
  $("upload").addEventListener("submit", upload);
  $("users").addEventListener("click", userAction);
  $("add-user").addEventListener("submit", addUser);
  if (token()) start().catch(() => logout());
});
