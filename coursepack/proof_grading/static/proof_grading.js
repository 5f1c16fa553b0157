// The proof-grading page: every submission of one proof cell, graded with rubric items.
// Each change is saved at once (PUT .../students/<id>); the server computes the score and
// refuses a save based on a grading another TA has replaced (409), sending theirs back.
"use strict";

const root = document.getElementById("grading");
const api = root.dataset.api;
const xsrf = root.dataset.xsrf;
const list = document.getElementById("submissions");
const onlyUngraded = document.getElementById("only-ungraded");
let data = null;
let current = 0;

async function request(method, url, body) {
  const response = await fetch(url, {
    method, credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-XSRFToken": xsrf},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let payload = {};
  try { payload = await response.json(); } catch (e) { /* an HTML error page */ }
  return {status: response.status, payload};
}

function typeset(element) {
  if (window.MathJax && MathJax.Hub) MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]);
}

function isGraded(sub) { return sub.applied.version > 0; }

function showMessage(text, isError) {
  const box = document.getElementById("message");
  box.textContent = text;
  box.className = isError ? "error" : "";
}

function updateProgress() {
  const graded = data.submissions.filter(isGraded).length;
  document.getElementById("progress").textContent = `graded ${graded} / ${data.submissions.length}`;
}

function scoreText(sub) {
  return sub.score === null ? `– / ${data.points}` : `${+sub.score.toFixed(3)} / ${data.points}`;
}

function renderPanel(sub, card) {
  const panel = card.querySelector(".panel");
  panel.replaceChildren();
  data.items.forEach((item) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "item" + (sub.applied.items.includes(item.number) ? " on" : "");
    button.dataset.item = item.number;
    button.setAttribute("aria-pressed", sub.applied.items.includes(item.number));
    button.innerHTML = `<kbd>${item.number}</kbd><b>${item.points} pt</b> ` + item.html;
    button.addEventListener("click", () => {
      button.blur();  // Enter must not click it again
      select(data.submissions.indexOf(sub));
      toggle(sub, item.number);
    });
    panel.appendChild(button);
  });
  const adjust = document.createElement("label");
  adjust.innerHTML = "Adjustment (points) <input type=number step=0.5 class=adjustment>";
  const input = adjust.querySelector("input");
  input.value = sub.applied.adjustment;
  input.addEventListener("change", () => {
    sub.applied.adjustment = parseFloat(input.value) || 0;
    save(sub);
  });
  const comment = document.createElement("textarea");
  comment.className = "comment";
  comment.placeholder = "Comment to the student (Markdown, LaTeX)";
  comment.value = sub.applied.comment;
  comment.addEventListener("change", () => { sub.applied.comment = comment.value; save(sub); });
  const score = document.createElement("div");
  score.className = "score";
  score.textContent = scoreText(sub);
  const status = document.createElement("div");
  status.className = "status";
  status.setAttribute("role", "status");
  panel.append(adjust, comment, score, status);
  card.classList.toggle("graded", isGraded(sub));
  typeset(panel);
}

function renderCard(sub, index) {
  const card = document.createElement("section");
  card.className = "card";
  card.dataset.student = sub.student;
  card.dataset.index = index;
  const title = document.createElement("h2");
  title.innerHTML = `<span class="student"></span>`;
  title.firstChild.textContent = `${index + 1}. ${sub.name} (${sub.student})`;
  const left = document.createElement("div");
  const proof = document.createElement("div");
  proof.className = "proof";
  proof.innerHTML = sub.proof_html;  // sanitised on the server (render.py)
  const verdicts = document.createElement("pre");
  verdicts.className = "verdicts";
  verdicts.textContent = sub.verdicts || "(no autograded verdicts)";
  left.append(proof, verdicts);
  const panel = document.createElement("div");
  panel.className = "panel";
  card.append(title, left, panel);
  card.addEventListener("click", () => select(index));
  renderPanel(sub, card);
  return card;
}

function cardOf(index) { return list.querySelector(`.card[data-index="${index}"]`); }

// A card scrolled to stops below the sticky toolbar, whose height changes with the window's
// width and its own text (the progress may wrap it onto a second line).
const toolbar = document.querySelector(".toolbar");
new ResizeObserver(() => {
  document.documentElement.style.setProperty("--toolbar-height", `${toolbar.offsetHeight}px`);
}).observe(toolbar);

function applyFilter() {
  data.submissions.forEach((sub, index) => {
    cardOf(index).hidden = onlyUngraded.checked && isGraded(sub) && index !== current;
  });
}

function select(index, scroll) {
  if (!data || index < 0 || index >= data.submissions.length) return;
  const previous = cardOf(current);
  if (previous) previous.classList.remove("current");
  current = index;
  const card = cardOf(current);
  card.classList.add("current");
  applyFilter();
  if (scroll) card.scrollIntoView({block: "start"});
}

// Saves run one after another (a fast TA's second key must carry the version the first save
// returned), each with the grading as it was when asked for. After a refusal (409) the saves
// still queued for that submission are dropped: they were based on the grading now replaced.
let queue = Promise.resolve();

function save(sub) {
  const wanted = {items: [...sub.applied.items], adjustment: sub.applied.adjustment,
                  comment: sub.applied.comment};
  const generation = sub.generation || 0;
  const run = queue.then(() => ((sub.generation || 0) === generation ? send(sub, wanted) : false));
  queue = run.catch(() => false);
  return run;
}

async function send(sub, wanted) {
  const card = cardOf(data.submissions.indexOf(sub));
  card.querySelector(".status").textContent = "saving…";
  const url = `${api}/students/${encodeURIComponent(sub.student)}`;
  const body = {...wanted, version: sub.applied.version};
  const {status: code, payload} = await request("PUT", url, body);
  if (code === 200) {
    Object.assign(sub.applied, {version: payload.applied.version, grader: payload.applied.grader});
    sub.score = payload.score;
  } else if (code === 409) {
    sub.generation = (sub.generation || 0) + 1;
    sub.applied = payload.applied;
    sub.score = payload.score;
  }
  renderPanel(sub, card);
  updateProgress();
  const status = card.querySelector(".status");
  if (code === 200) {
    status.textContent = `saved: ${scoreText(sub)}`;
  } else {
    const reason = `not saved (${code}): ${payload.message || "server error"}`;
    status.textContent = code === 409 ? payload.message : reason;
    status.classList.add("error");
  }
  return code === 200;
}

function toggle(sub, number) {
  if (!data.items.some((item) => item.number === number)) return;
  const items = sub.applied.items;
  sub.applied.items = items.includes(number)
    ? items.filter((n) => n !== number) : [...items, number];
  return save(sub);
}

async function doneAndNext() {
  const sub = data.submissions[current];
  if (!isGraded(sub) && !(await save(sub))) return;
  const order = data.submissions.map((_, i) => (current + 1 + i) % data.submissions.length);
  const next = order.find((i) => !isGraded(data.submissions[i]));
  if (next === undefined) {
    showMessage(`All ${data.submissions.length} submissions are graded.`);
    applyFilter();
  } else {
    select(next, true);
  }
}

document.addEventListener("keydown", (event) => {
  const typing = event.target.closest("input:not([type=checkbox]), textarea, select");
  if (!data || typing || event.ctrlKey || event.metaKey || event.altKey) return;
  const sub = data.submissions[current];
  if (/^[1-9]$/.test(event.key)) {
    event.preventDefault();
    toggle(sub, Number(event.key));
  } else if (event.key === "0") {
    event.preventDefault();
    sub.applied.items = [];
    save(sub);
  } else if (event.key === "Enter" && !event.target.closest("button, summary")) {
    event.preventDefault();
    doneAndNext();
  } else if (event.key === "j" || event.key === "k") {
    event.preventDefault();
    select(current + (event.key === "j" ? 1 : -1), true);
  }
});

onlyUngraded.addEventListener("change", () => {
  applyFilter();
  onlyUngraded.blur();  // the keys keep working
});

function renderRubricEditor() {
  const box = document.getElementById("rubric-items");
  box.replaceChildren();
  data.items.forEach((item) => {
    const row = document.createElement("div");
    row.className = "edit";
    row.dataset.item = item.number;
    row.innerHTML = `<kbd>${item.number}</kbd>` +
      `<input type=number step=0.5 min=0 class=points aria-label="points of item ${item.number}">` +
      `<input type=text class=text aria-label="wording of item ${item.number}">` +
      "<button type=button>Change…</button>";
    row.querySelector(".points").value = item.points;
    row.querySelector(".text").value = item.text;
    row.querySelector("button").addEventListener("click", () => proposeEdit(item, row));
    box.appendChild(row);
  });
}

let pendingEdit = null;

async function proposeEdit(item, row) {
  const points = parseFloat(row.querySelector(".points").value);
  const text = row.querySelector(".text").value;
  const {payload} = await request("GET", `${api}/items/${item.number}`);
  pendingEdit = {item, points, text};
  document.getElementById("rescore-message").textContent =
    `Item ${item.number}: ${item.points} pt → ${points} pt. ` +
    `This re-scores ${payload.count} submission(s) that have it.`;
  document.getElementById("rescore-confirm").hidden = false;
}

document.getElementById("rescore-cancel").addEventListener("click", () => {
  pendingEdit = null;
  document.getElementById("rescore-confirm").hidden = true;
  renderRubricEditor();
});

document.getElementById("rescore-apply").addEventListener("click", async () => {
  if (!pendingEdit) return;
  const {item, points, text} = pendingEdit;
  const {status, payload} = await request("PUT", `${api}/items/${item.number}`, {points, text});
  document.getElementById("rescore-confirm").hidden = true;
  pendingEdit = null;
  if (status === 200) {
    await load();
    showMessage(`Item ${item.number} changed; ${payload.rescored} submission(s) re-scored.`);
  } else {
    showMessage(`Item not changed (${status}): ${payload.message || "server error"}`, true);
  }
});

async function load() {
  const {status, payload} = await request("GET", api);
  if (status !== 200) {
    showMessage(`Could not load (${status}): ${payload.message || "server error"}`, true);
    return;
  }
  data = payload;
  list.replaceChildren(...data.submissions.map(renderCard));
  renderRubricEditor();
  updateProgress();
  typeset(list);
  if (data.submissions.length) select(Math.min(current, data.submissions.length - 1));
}

load();
