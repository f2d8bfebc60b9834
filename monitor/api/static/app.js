// Newsmon web page: storylines, their event timelines, articles, developments and
// conflicts side by side. Everything from the API is inserted as text nodes
// (never as HTML), so article titles and quotes from feeds cannot inject markup.
"use strict";

const KIND_LABEL = { new_event: "New event", new_development: "New development", conflict: "Conflict" };
const seen = new Set();
let firstRender = true;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === "") continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function safeUrl(url) {
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (_) {
    return null;
  }
}

function link(text, url) {
  const href = safeUrl(url);
  return href ? el("a", { href, target: "_blank", rel: "noopener noreferrer" }, text) : el("span", {}, text);
}

function day(iso) {
  if (!iso) return "";
  const d = new Date(iso.length === 10 ? iso + "T00:00:00Z" : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

function articleItem(ref) {
  const bits = [ref.source, day(ref.published)].filter(Boolean).join(" · ");
  return el("li", {}, link(ref.title || ref.url || ref.id, ref.url), bits ? el("span", { class: "source" }, " — " + bits) : null);
}

function quoteBox(side, evidence, articles) {
  const ref = articles.find((a) => a.id === evidence.article_id);
  return el(
    "figure",
    { class: "quote", "data-article-id": evidence.article_id },
    el("div", { class: "side" }, side),
    el("blockquote", {}, "“" + evidence.quote + "”"),
    evidence.claim ? el("div", { class: "claim" }, evidence.claim) : null,
    el(
      "figcaption",
      { class: "cite" },
      ref ? link(ref.title || ref.url, ref.url) : evidence.article_id,
      ref && (ref.source || ref.published) ? " — " + [ref.source, day(ref.published)].filter(Boolean).join(", ") : ""
    )
  );
}

function development(dev) {
  const fresh = !firstRender && !seen.has(dev.id);
  seen.add(dev.id);
  const box = el(
    "div",
    { class: "dev " + dev.kind + (fresh ? " fresh" : ""), "data-kind": dev.kind, "data-development-id": dev.id },
    el("span", { class: "chip " + dev.kind }, KIND_LABEL[dev.kind] || dev.kind),
    " ",
    el("span", { class: "when" }, when(dev.created_at)),
    el("p", { class: "summary" }, dev.summary)
  );
  if (dev.kind === "conflict" && dev.evidence.length >= 2) {
    const [earlier, later] = [dev.evidence[0], dev.evidence[dev.evidence.length - 1]];
    box.append(
      el("div", { class: "conflict-pair" }, quoteBox("Earlier report", earlier, dev.articles), quoteBox("Conflicting report", later, dev.articles))
    );
  } else if (dev.evidence.length) {
    box.append(el("div", { class: "evidence-list" }, ...dev.evidence.slice(0, 2).map((e) => quoteBox("Evidence", e, dev.articles))));
  }
  return box;
}

function eventItem(event) {
  const conflict = event.developments.some((d) => d.kind === "conflict");
  const meta = [
    event.place ? "in " + event.place : "",
    event.participants.length ? event.participants.join(", ") : "",
    event.status || "",
  ].filter(Boolean);
  return el(
    "li",
    { class: "event" + (conflict ? " has-conflict" : ""), "data-event-id": event.id },
    el(
      "div",
      { class: "event-head" },
      el("span", { class: "event-date" }, event.date ? day(event.date) : "undated (first report " + day(event.first_published) + ")"),
      el("span", { class: "event-title" }, event.title)
    ),
    meta.length ? el("div", { class: "meta" }, meta.join(" · ")) : null,
    el("div", { class: "meta" }, event.articles.length + (event.articles.length === 1 ? " article" : " articles")),
    el("ul", { class: "articles" }, event.articles.map(articleItem)),
    event.developments.map(development)
  );
}

function storylineSection(storyline, events) {
  return el(
    "article",
    { class: "storyline", id: "storyline-" + storyline.id, "data-storyline-id": storyline.id },
    el("h2", {}, storyline.title),
    storyline.description ? el("p", { class: "desc" }, storyline.description) : null,
    el(
      "div",
      { class: "counts" },
      el("span", {}, el("b", {}, storyline.event_count), " events"),
      el("span", {}, el("b", {}, storyline.article_count), " articles"),
      el("span", {}, el("b", {}, storyline.alert_count), " alerts"),
      el("span", {}, el("b", {}, storyline.conflict_count), " conflicts")
    ),
    events.length
      ? el("ol", { class: "timeline" }, events.map(eventItem))
      : el("p", { class: "empty" }, "No events yet.")
  );
}

function alertItem(dev) {
  return el(
    "li",
    { "data-kind": dev.kind },
    el("span", { class: "chip " + dev.kind }, KIND_LABEL[dev.kind] || dev.kind),
    " ",
    el("a", { href: "#storyline-" + dev.storyline_id }, dev.event_title),
    el("div", { class: "when" }, dev.storyline_title + " · " + when(dev.created_at))
  );
}

async function refresh() {
  const [storylines, alerts] = await Promise.all([getJson("/api/storylines"), getJson("/api/alerts?limit=30")]);
  const timelines = await Promise.all(
    storylines.map((s) => getJson("/api/storylines/" + encodeURIComponent(s.id) + "/events"))
  );
  const sections = storylines.map((s, i) => storylineSection(s, timelines[i]));
  const container = document.getElementById("storylines");
  container.replaceChildren(...(sections.length ? sections : [el("p", { class: "empty" }, "No storylines configured.")]));
  const list = document.getElementById("alerts");
  list.replaceChildren(...(alerts.length ? alerts.map(alertItem) : [el("li", { class: "empty" }, "No alerts yet.")]));
  firstRender = false;
  document.body.dataset.loaded = "true";
}

function setStatus(state, text) {
  const status = document.getElementById("status");
  status.dataset.state = state;
  status.textContent = text;
}

let pending = null;
function scheduleRefresh() {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    refresh().catch((err) => setStatus("offline", "error: " + err.message));
  }, 200);
}

function live() {
  if (!("EventSource" in window)) {
    setInterval(scheduleRefresh, 5000);
    setStatus("live", "polling every 5 s");
    return;
  }
  const source = new EventSource("/api/stream");
  source.addEventListener("hello", () => setStatus("live", "live"));
  source.addEventListener("update", scheduleRefresh);
  source.onerror = () => setStatus("offline", "reconnecting…");
  source.onopen = () => {
    setStatus("live", "live");
    scheduleRefresh();
  };
}

document.addEventListener("DOMContentLoaded", () => {
  refresh()
    .catch((err) => setStatus("offline", "error: " + err.message))
    .finally(live);
});
