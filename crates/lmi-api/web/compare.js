// lmi comparison: up to six areas side by side on every panel of the chosen dashboard, with a
// table of each panel's values and how each differs from England (the server's test: survey
// estimates differ only when their 95% intervals do not overlap). "Similar areas" fills it
// with a district's nearest neighbours. Loaded after app.js, whose helpers ($, getJson,
// debounce, state, TYPE_LABELS) it uses; it asks the same JSON API (one resolved dashboard
// per area, /v1/areas for search so postcodes work once search accepts them).
"use strict";

const MAX_COMPARE = 6;
const cmp = {
  areas: [], hits: [], active: -1, loadSeq: 0, searchSeq: 0, method: null, shownDashboard: null,
};

function cmpCloseResults() {
  $("compare-results").hidden = true;
  $("compare-search").setAttribute("aria-expanded", "false");
  $("compare-search").removeAttribute("aria-activedescendant");
  cmp.active = -1;
}

function cmpRenderResults() {
  const list = $("compare-results");
  list.replaceChildren();
  cmp.hits.forEach((hit, i) => {
    const item = document.createElement("li");
    item.id = `compare-option-${i}`;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", String(i === cmp.active));
    item.dataset.code = hit.code;
    const name = document.createElement("span");
    name.textContent = hit.name;
    const type = document.createElement("span");
    type.className = "type";
    type.textContent = `${TYPE_LABELS[hit.type] || hit.type} · ${hit.code}`;
    item.append(name, type);
    item.addEventListener("mousedown", (e) => {
      e.preventDefault();
      addToComparison(hit);
    });
    list.append(item);
  });
  const open = cmp.hits.length > 0;
  list.hidden = !open;
  $("compare-search").setAttribute("aria-expanded", String(open));
  if (cmp.active >= 0) {
    $("compare-search").setAttribute("aria-activedescendant", `compare-option-${cmp.active}`);
  }
}

const cmpSearch = debounce(async (q) => {
  const seq = ++cmp.searchSeq;
  if (q.trim().length < 2) {
    cmp.hits = [];
    cmpCloseResults();
    return;
  }
  try {
    const body = await getJson(`/v1/areas?q=${encodeURIComponent(q)}&limit=10`);
    if (seq !== cmp.searchSeq) return;
    cmp.hits = body.areas;
    cmp.active = cmp.hits.length ? 0 : -1;
    cmpRenderResults();
    if (!cmp.hits.length) cmpStatus(`No area matches “${q}”.`);
  } catch (err) {
    cmpStatus(`Search failed: ${err.message}`, true);
  }
}, 150);

function cmpStatus(text, isError = false) {
  const el = $("compare-status");
  el.textContent = text;
  el.classList.toggle("error", isError);
}

function addToComparison(hit) {
  cmpCloseResults();
  $("compare-search").value = "";
  if (cmp.areas.some((a) => a.code === hit.code)) {
    cmpStatus(`${hit.name} is already in the comparison.`);
    return;
  }
  if (cmp.areas.length >= MAX_COMPARE) {
    cmpStatus(`At most ${MAX_COMPARE} areas can be compared: remove one first.`, true);
    return;
  }
  cmp.areas.push({ code: hit.code, name: hit.name, type: hit.type });
  cmp.method = null;
  cmpChanged();
}

function removeFromComparison(code) {
  cmp.areas = cmp.areas.filter((a) => a.code !== code);
  cmp.method = null;
  cmpChanged();
}

function cmpChanged() {
  const chosen = $("compare-chosen");
  chosen.replaceChildren(...cmp.areas.map((a) => {
    const item = document.createElement("li");
    item.dataset.code = a.code;
    const name = document.createElement("span");
    name.textContent = `${a.name} `;
    const type = document.createElement("span");
    type.className = "type";
    type.textContent = TYPE_LABELS[a.type] || a.type;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "×";
    remove.setAttribute("aria-label", `Remove ${a.name} from the comparison`);
    remove.addEventListener("click", () => removeFromComparison(a.code));
    item.append(name, type, remove);
    return item;
  }));
  $("compare-search").disabled = cmp.areas.length >= MAX_COMPARE;
  const method = $("compare-method");
  method.hidden = !cmp.method;
  method.textContent = cmp.method || "";
  loadComparison();
}

// ---- similar areas ----
function cmpAreaShown(area) {
  const button = $("similar-button");
  const isDistrict = area && area.type === "lad";
  button.hidden = !isDistrict;
  if (isDistrict) {
    button.textContent = `Compare ${area.name} with similar areas`;
    button.dataset.code = area.code;
    button.dataset.name = area.name;
  }
  const add = $("compare-add-current");
  add.hidden = !area;
  if (area) {
    add.textContent = `Add ${area.name}`;
    add.dataset.code = area.code;
    add.dataset.name = area.name;
    add.dataset.type = area.type;
  }
}

async function fillWithSimilar() {
  const button = $("similar-button");
  const code = button.dataset.code;
  const name = button.dataset.name;
  cmpStatus(`Finding areas similar to ${name}…`);
  try {
    const body = await getJson(`/v1/areas/${encodeURIComponent(code)}/similar?limit=${MAX_COMPARE - 1}`);
    cmp.areas = [{ code: body.area.code, name: body.area.name, type: body.area.type }].concat(
      body.neighbours.map((n) => ({ code: n.area.code, name: n.area.name, type: n.area.type })));
    const used = body.indicators.map((i) => i.title).join("; ");
    const excluded = body.excluded_indicators.length
      ? ` Not used (no value for ${body.area.name}): ${body.excluded_indicators.map((e) => e.id).join(", ")}.`
      : "";
    cmp.method =
      `The ${body.neighbours.length} English districts most like ${body.area.name}, by Euclidean ` +
      `distance on z-scores of ${body.indicators_used} indicators (each in its latest period, ` +
      `standardised over every district): ${used}.${excluded} Distances: ` +
      body.neighbours.map((n) => `${n.area.name} ${n.distance.toFixed(2)}`).join(", ") + ".";
    cmpChanged();
  } catch (err) {
    cmpStatus(`Could not find similar areas: ${err.message}`, true);
  }
}

// ---- the comparison ----
function formatValue(v, unit) {
  if (v === null || v === undefined) return "–";
  if (unit === "%") return `${v.toFixed(1)}%`;
  if (unit === "% change") return `${v >= 0 ? "+" : ""}${v.toFixed(1)}%`;
  if (unit.startsWith("£")) {
    const digits = unit === "£ per hour worked" ? 2 : 0;
    return `£${v.toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits })}${unit.slice(1)}`;
  }
  return `${v.toLocaleString("en-GB", { maximumFractionDigits: 1 })} ${unit}`;
}

function cell(tag, text, className) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (className) el.className = className;
  return el;
}

function comparePanel(first, bodies, index) {
  const panel = first.panels[index];
  const node = document.createElement("article");
  node.className = "compare-panel";
  node.id = `compare-${panel.id}`;
  node.dataset.panel = panel.id;
  node.append(cell("h3", panel.title));
  const charts = document.createElement("div");
  charts.className = "compare-charts";
  const table = document.createElement("table");
  table.className = "compare-table";
  table.append(cell("caption", `${panel.title}: the areas side by side`));
  const head = document.createElement("tr");
  for (const h of ["Area", "Period", "Value", "95% interval", "Against England", "Reading"]) {
    const th = cell("th", h);
    th.scope = "col";
    head.append(th);
  }
  const thead = document.createElement("thead");
  thead.append(head);
  const tbody = document.createElement("tbody");
  bodies.forEach((body) => {
    const p = body.panels.find((x) => x.id === panel.id);
    const figure = document.createElement("figure");
    figure.append(cell("figcaption", body.area.name));
    if (p && p.available) {
      const img = document.createElement("img");
      img.className = "compare-chart";
      img.decoding = "async";
      img.width = 960;
      img.height = 540;
      img.src = p.links.svg;
      img.alt = `${p.title}, ${body.area.name}. ${p.reading}`;
      figure.append(img);
    } else {
      figure.append(cell("p", `Nothing to draw for ${body.area.name}.`, "no-chart"));
    }
    charts.append(figure);
    const row = document.createElement("tr");
    row.dataset.code = body.area.code;
    const th = cell("th", body.area.name);
    th.scope = "row";
    const interval = p && p.ci_lower !== null && p.ci_lower !== undefined && p.ci_upper !== null
      ? `${formatValue(p.ci_lower, p.unit)} to ${formatValue(p.ci_upper, p.unit)}`
      : "–";
    row.append(
      th,
      cell("td", (p && p.period) || "–"),
      cell("td", p ? formatValue(p.value, p.unit) : "–", "num"),
      cell("td", interval),
      cell("td", (p && p.vs_england_words) || "–", "versus"),
      cell("td", p ? p.reading : "", "reading"),
    );
    tbody.append(row);
  });
  table.append(thead, tbody);
  const scroll = document.createElement("div");
  scroll.className = "table-scroll";
  scroll.append(table);
  node.append(charts, scroll);
  return node;
}

async function loadComparison() {
  const section = $("comparison");
  const dashboard = state.dashboard;
  if (!cmp.areas.length || !dashboard) {
    section.hidden = true;
    cmpStatus(cmp.areas.length ? "" : "Add areas to compare them side by side.");
    return;
  }
  const seq = ++cmp.loadSeq;
  cmpStatus(`Loading ${cmp.areas.length} areas…`);
  try {
    const bodies = await Promise.all(cmp.areas.map((a) => getJson(
      `/v1/dashboards/${encodeURIComponent(dashboard)}/areas/${encodeURIComponent(a.code)}`)));
    if (seq !== cmp.loadSeq) return;
    const first = bodies[0];
    $("comparison-title").textContent =
      `${first.dashboard.title}: ${bodies.map((b) => b.area.name).join(", ")}`;
    $("comparison-panels").replaceChildren(...first.panels.map((_, i) => comparePanel(first, bodies, i)));
    $("comparison-licence").textContent =
      `Contains public sector information licensed under the ${first.meta.licence}. Snapshot ` +
      `${first.meta.snapshot}${first.meta.sample ? " (synthetic sample data, not official statistics)" : ""}. ` +
      "“Higher” or “lower than England” means the 95% confidence intervals do not overlap; " +
      "“similar” means they do. “Above” and “below” are exact differences of counts.";
    section.hidden = false;
    cmp.shownDashboard = dashboard;
    cmpStatus(`${first.dashboard.title}: ${bodies.length} areas side by side on ${first.panels.length} panels.`);
  } catch (err) {
    if (seq === cmp.loadSeq) cmpStatus(`Could not load the comparison: ${err.message}`, true);
  }
}

function startComparison() {
  const input = $("compare-search");
  input.addEventListener("input", () => cmpSearch(input.value));
  input.addEventListener("keydown", (e) => {
    if ($("compare-results").hidden) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      cmp.active = (cmp.active + step + cmp.hits.length) % cmp.hits.length;
      cmpRenderResults();
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (cmp.active >= 0) addToComparison(cmp.hits[cmp.active]);
    } else if (e.key === "Escape") {
      cmpCloseResults();
    }
  });
  input.addEventListener("blur", () => setTimeout(cmpCloseResults, 100));
  $("compare-form").addEventListener("submit", (e) => e.preventDefault());
  $("similar-button").addEventListener("click", fillWithSimilar);
  $("compare-add-current").addEventListener("click", (e) => {
    const d = e.currentTarget.dataset;
    addToComparison({ code: d.code, name: d.name, type: d.type });
  });
  $("dashboard-select").addEventListener("change", () => {
    // app.js's listener (registered first) has set state.dashboard.
    if (cmp.areas.length) loadComparison();
  });
  document.addEventListener("lmi:area-shown", (e) => {
    cmpAreaShown(e.detail);
    // Choosing an area may have switched the dashboard: the comparison follows it.
    if (cmp.areas.length && cmp.shownDashboard && cmp.shownDashboard !== state.dashboard) {
      loadComparison();
    }
  });
}

startComparison();
