// lmi dashboard page: search an area, pick a dashboard, read its panels. Plain JS, no build
// step; everything comes from the JSON API on the same origin.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  area: null, dashboard: null, dashboards: [], searchSeq: 0, loadSeq: 0,
  // Set once the reader picks a dashboard themselves: then it is kept while it suits the area.
  chosenByReader: false,
  // What opened the area when it was not chosen by name (a postcode), said once in the status.
  via: null,
};

const TYPE_LABELS = {
  lad: "Local authority", ttwa: "Travel to Work Area", county: "County", lep: "LEP",
  lsip: "LSIP area", combined_authority: "Combined authority", region: "Region", country: "Country",
};

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error((body && body.detail) || `${response.status} ${response.statusText}`);
  }
  return body;
}

function setStatus(text, isError = false) {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("error", isError);
}

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// ---- area search (combobox) ----
let hits = [];
let active = -1;

function closeResults() {
  $("area-results").hidden = true;
  $("area-search").setAttribute("aria-expanded", "false");
  $("area-search").removeAttribute("aria-activedescendant");
  active = -1;
}

function renderResults() {
  const list = $("area-results");
  list.replaceChildren();
  hits.forEach((hit, i) => {
    const li = document.createElement("li");
    li.id = `area-option-${i}`;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", String(i === active));
    li.dataset.code = hit.code;
    const name = document.createElement("span");
    name.textContent = hit.name;
    const type = document.createElement("span");
    type.className = "type";
    type.textContent = `${TYPE_LABELS[hit.type] || hit.type} · ${hit.code}`;
    li.append(name, type);
    li.addEventListener("mousedown", (e) => {
      e.preventDefault();
      chooseArea(hit);
    });
    list.append(li);
  });
  const open = hits.length > 0;
  list.hidden = !open;
  $("area-search").setAttribute("aria-expanded", String(open));
  if (active >= 0) {
    $("area-search").setAttribute("aria-activedescendant", `area-option-${active}`);
  }
}

const search = debounce(async (q) => {
  const seq = ++state.searchSeq;
  if (q.trim().length < 2) {
    hits = [];
    closeResults();
    return;
  }
  try {
    const body = await getJson(`/v1/areas?q=${encodeURIComponent(q)}&limit=10`);
    if (seq !== state.searchSeq) return; // a newer search has started
    hits = body.areas;
    active = hits.length ? 0 : -1;
    // A postcode typed opens its Travel to Work Area (listed first; its district if it has none).
    if (body.postcode && hits.length && hits[0].match === "postcode") {
      state.via = `Postcode ${body.postcode} is in ${hits[0].name} (${TYPE_LABELS[hits[0].type] || hits[0].type})`;
      chooseArea(hits[0]);
      return;
    }
    renderResults();
    if (!hits.length) setStatus(`No area matches “${q}”.`);
  } catch (err) {
    setStatus(`Search failed: ${err.message}`, true);
  }
}, 150);

function chooseArea(hit, keepDashboard = false) {
  state.area = hit;
  $("area-search").value = hit.name;
  closeResults();
  // The dashboard listing this area type earliest (as the server's default_for does).
  let suited = null;
  for (const d of state.dashboards) {
    const i = d.area_types.indexOf(hit.type);
    if (i >= 0 && (!suited || i < suited.area_types.indexOf(hit.type))) suited = d;
  }
  const current = state.dashboards.find((d) => d.id === state.dashboard);
  const keep = keepDashboard ||
    (state.chosenByReader && current && current.area_types.includes(hit.type));
  if (!keep && suited) state.dashboard = suited.id;
  $("dashboard-select").value = state.dashboard;
  load();
}

// ---- dashboard rendering ----
function li(text) {
  const el = document.createElement("li");
  el.textContent = text;
  return el;
}

function renderPanel(panel) {
  const node = $("panel-template").content.firstElementChild.cloneNode(true);
  node.id = `panel-${panel.id}`;
  node.dataset.panel = panel.id;
  node.querySelector(".panel-title").textContent = panel.title;
  node.querySelector(".reading").textContent = panel.reading;
  // How old the data is: the period, each source's release date and fetch date; a source
  // whose publisher is late with its next release is flagged.
  const dataDate = node.querySelector(".data-date");
  dataDate.textContent = panel.data_date;
  if (panel.freshness.some((f) => f.status === "overdue")) dataDate.classList.add("overdue");
  const img = node.querySelector("img.chart");
  if (panel.available) {
    img.src = panel.links.svg;
    img.alt = `${panel.title}. ${panel.reading}`;
    node.querySelector("a.csv").href = panel.links.csv;
    node.querySelector("a.png").href = panel.links.png;
    node.querySelector("a.svg").href = panel.links.svg;
    if (panel.chart === "map") inlineMap(img, panel);
  } else {
    node.classList.add("unavailable");
    img.remove();
    node.querySelector(".downloads").remove();
  }
  node.querySelector(".description").textContent = panel.description;
  const caveats = node.querySelector(".caveats");
  panel.caveats.forEach((c) => caveats.append(li(c)));
  return node;
}

function render(d) {
  $("dashboard-title").textContent = `${d.dashboard.title}: ${d.area.name}`;
  $("dashboard-summary").textContent =
    `${d.type_label} ${d.area.code}. ${d.dashboard.summary} For ${d.dashboard.audience.toLowerCase()}.`;
  // The sample notice is the banner already; the other notes (e.g. "designed for") stay.
  const notes = d.meta.sample ? d.notes.filter((n) => !n.startsWith("SYNTHETIC SAMPLE DATA")) : d.notes;
  $("dashboard-notes").replaceChildren(...notes.map(li));
  $("panels").replaceChildren(...d.panels.map(renderPanel));
  $("sources").replaceChildren(...d.sources.map(li));
  $("licence").textContent =
    `Contains public sector information licensed under the ${d.meta.licence}. Snapshot ${d.meta.snapshot}.`;
  const banner = $("sample-banner");
  banner.hidden = !d.meta.sample;
  if (d.meta.sample) banner.textContent = d.meta.notice || "Synthetic sample data: not official statistics.";
  $("dashboard").hidden = false;
}

// ---- area groups: a hub's own group shows what it is made of and where it is defined ----
async function showGroupDefinition(area) {
  const el = $("group-definition");
  if (area.type !== "group") {
    el.hidden = true;
    el.textContent = "";
    return;
  }
  try {
    const body = await getJson(`/v1/areas/${encodeURIComponent(area.code)}`);
    const g = body.group;
    if (!g || state.area.code !== area.code) return;
    const names = body.lads.map((l) => `${l.name} (${l.code})`).join(", ");
    const parts = [
      `An area group defined by ${g.owner} in ${g.file}, not an ONS geography: ${names}.`,
      g.description,
      g.notes,
      g.note,
    ];
    el.textContent = parts.filter(Boolean).join(" ");
    el.hidden = false;
  } catch (err) {
    el.textContent = `The group's definition could not be loaded: ${err.message}`;
    el.hidden = false;
  }
}

async function load() {
  if (!state.area || !state.dashboard) return;
  const seq = ++state.loadSeq;
  const url = `/v1/dashboards/${encodeURIComponent(state.dashboard)}/areas/${encodeURIComponent(state.area.code)}`;
  setStatus(`Loading ${state.area.name}…`);
  try {
    const d = await getJson(url);
    if (seq !== state.loadSeq) return;
    render(d);
    showGroupDefinition(d.area);
    // compare.js offers this area for comparison and, for a district, its similar areas.
    document.dispatchEvent(new CustomEvent("lmi:area-shown", { detail: d.area }));
    const shown = d.panels.filter((p) => p.available).length;
    // Said once, for the area a postcode opened.
    const via = state.via && state.area && state.area.code === d.area.code ? `${state.via}. ` : "";
    state.via = null;
    setStatus(`${via}${d.dashboard.title} for ${d.area.name}: ${shown} of ${d.panels.length} panels have data.`);
    const params = new URLSearchParams({ area: d.area.code, dashboard: d.dashboard.id });
    history.replaceState(null, "", `?${params}`);
    document.title = `${d.area.name}: ${d.dashboard.title} · lmi`;
  } catch (err) {
    if (seq === state.loadSeq) setStatus(`Could not load the dashboard: ${err.message}`, true);
  }
}

async function start() {
  const input = $("area-search");
  input.addEventListener("input", () => search(input.value));
  input.addEventListener("keydown", (e) => {
    if ($("area-results").hidden) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      active = (active + step + hits.length) % hits.length;
      renderResults();
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (active >= 0) chooseArea(hits[active]);
    } else if (e.key === "Escape") {
      closeResults();
    }
  });
  input.addEventListener("blur", () => setTimeout(closeResults, 100));
  $("controls").addEventListener("submit", (e) => e.preventDefault());
  $("dashboard-select").addEventListener("change", (e) => {
    state.dashboard = e.target.value;
    state.chosenByReader = true;
    load();
  });

  try {
    const body = await getJson("/v1/dashboards");
    state.dashboards = body.dashboards;
    $("dashboard-select").replaceChildren(...body.dashboards.map((d) => {
      const option = document.createElement("option");
      option.value = d.id;
      option.textContent = `${d.title} (${d.audience})`;
      return option;
    }));
    state.dashboard = body.dashboards.length ? body.dashboards[0].id : null;
    const banner = $("sample-banner");
    banner.hidden = !body.meta.sample;
    if (body.meta.sample) banner.textContent = body.meta.notice || "Synthetic sample data: not official statistics.";
  } catch (err) {
    setStatus(`Could not list the dashboards: ${err.message}`, true);
    return;
  }

  const params = new URLSearchParams(location.search);
  const wanted = params.get("dashboard");
  if (wanted && state.dashboards.some((d) => d.id === wanted)) {
    state.dashboard = wanted;
    state.chosenByReader = true;
    $("dashboard-select").value = wanted;
  }
  const code = params.get("area");
  if (code) {
    try {
      const area = await getJson(`/v1/areas/${encodeURIComponent(code)}`);
      chooseArea({ code: area.area.code, name: area.area.name, type: area.area.type }, Boolean(wanted));
    } catch (err) {
      setStatus(`Unknown area in the address: ${err.message}`, true);
    }
  }
}

// ---- maps: the SVG inline, each area a link to its own dashboard ----
// A map's SVG has one <path data-code="…"> per area with its name, code and value in a <title>;
// inlined (not an <img>) so a click or Enter on an area opens it.
async function inlineMap(img, panel) {
  try {
    const response = await fetch(panel.links.svg, { headers: { Accept: "image/svg+xml" } });
    if (!response.ok) return; // the <img> stays
    const doc = new DOMParser().parseFromString(await response.text(), "image/svg+xml");
    if (doc.documentElement.nodeName !== "svg") return;
    // Imported first: a clone does not keep event listeners.
    const svg = document.importNode(doc.documentElement, true);
    svg.classList.add("chart", "map");
    if (!svg.getAttribute("viewBox")) {
      svg.setAttribute("viewBox", `0 0 ${svg.getAttribute("width")} ${svg.getAttribute("height")}`);
    }
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    for (const path of svg.querySelectorAll("path[data-code]")) {
      const title = path.querySelector("title");
      path.setAttribute("tabindex", "0");
      path.setAttribute("role", "link");
      if (title) path.setAttribute("aria-label", `Open ${title.textContent}`);
      const open = () => openArea(path.dataset.code);
      path.addEventListener("click", open);
      path.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          open();
        }
      });
    }
    img.replaceWith(svg);
  } catch (err) {
    // A map that cannot be inlined is still shown as an image.
  }
}

async function openArea(code) {
  try {
    const body = await getJson(`/v1/areas/${encodeURIComponent(code)}`);
    chooseArea({ code: body.area.code, name: body.area.name, type: body.area.type });
  } catch (err) {
    setStatus(`Could not open ${code}: ${err.message}`, true);
  }
}

start();
