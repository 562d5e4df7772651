// d2lutils explorers, shared part 1 of 3: DOM helpers, model access, controls.
//
// Each explorer's ES module is assembled by d2lutils/widgets/_assets.py: core.js, arith.js (and
// draw.js, window.js where used), then the explorer's own file (conv.js, pool.js, photo.js or
// receptive.js), joined in that order with no other change (see _assets.PARTS). Only the explorer's
// own file ends with the module's default export; the shared parts define plain functions.
//
// The module contract (JupyterLab through anywidget, or a static page with a stand-in model):
// render({ model, el }) uses only model.get / set / save_changes / on / off. Every change made on
// the page is drawn at once from the page's own arithmetic; save_changes() only tells a kernel, if
// there is one. Nothing is fetched.

const SVG_NS = "http://www.w3.org/2000/svg";
let d2lIdCounter = 0;

/** A unique id prefix for one rendered explorer (for aria-labelledby, label for=...). */
function d2lUid(name) {
  d2lIdCounter += 1;
  return `d2l-${name}-${d2lIdCounter}-${Math.floor(Math.random() * 1e6)}`;
}

const CONTROL_TAGS = new Set(["input", "select", "button", "textarea"]);

/**
 * An HTML element: h("div", {class: "x", "aria-label": "y"}, child, "text", ...). Controls carry
 * data-lm-suppress-shortcuts, so that JupyterLab's notebook shortcuts (an arrow key moves to the
 * next heading in command mode) leave their keys to them.
 */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  if (CONTROL_TAGS.has(tag)) node.setAttribute("data-lm-suppress-shortcuts", "true");
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** Escape text for SVG/HTML markup built as a string. */
function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function isInt(v) {
  return typeof v === "number" && Number.isInteger(v);
}

/** A model value as an [h, w] pair of integers (a number counts for both axes), else null. */
function asPair(v) {
  if (isInt(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && isInt(v[0]) && isInt(v[1])) return [v[0], v[1]];
  return null;
}

/** Plain words for a value the sliders cannot show; the same text as Python's (widgets/_base.py). */
function badPairText(name, lo, hi) {
  const label = name.replace(/_/g, " ");
  return `Cannot show ${name}: it must be a whole number from ${lo} to ${hi} for each axis (the range of its ` +
    `sliders). Move a ${label} slider to go on.`;
}

/** The pair stored under `name`, checked against limits[name] = [lo, hi]: {value} or {problem}. */
function readPair(model, name, limits) {
  const [lo, hi] = limits[name];
  const p = asPair(model.get(name));
  if (p === null || p[0] < lo || p[0] > hi || p[1] < lo || p[1] > hi) return { problem: badPairText(name, lo, hi) };
  return { value: p };
}

const BAD_LIMITS = "Cannot show limits: it must give the range of every slider. Create the explorer again to go on.";

/** The sliders' ranges, checked: {limits} or {problem} (the same words as Python's _base.limits_problem). */
function readLimits(model, keys) {
  const lim = model.get("limits");
  const ok = lim !== null && typeof lim === "object" && !Array.isArray(lim) && keys.every((k) => {
    const r = lim[k];
    return Array.isArray(r) && r.length === 2 && isInt(r[0]) && isInt(r[1]) && r[0] <= r[1];
  });
  return ok ? { limits: lim } : { problem: BAD_LIMITS };
}

/** "(3, 3)" -> "3", "(3, 5)" -> "(3, 5)": how Gluon's arguments are usually written. */
function pairText(p) {
  return p[0] === p[1] ? String(p[0]) : `(${p[0]}, ${p[1]})`;
}

function shapeText(s) {
  return `(${s[0]}, ${s[1]})`;
}

/** Tell the kernel, if there is one; a page without a kernel (or a dead one) keeps working. */
function saveChanges(model) {
  try {
    model.save_changes();
  } catch (err) {
    // No kernel to tell: the page computes everything itself.
  }
}

/** Set several traits at once (new arrays, so that change events fire), then tell the kernel. */
function setTraits(model, values) {
  for (const [k, v] of Object.entries(values)) model.set(k, v);
  saveChanges(model);
}

/** One render per burst of changes: schedule() many times, `draw` runs once, before the next paint. */
function makeScheduler(draw) {
  let pending = false;
  return function schedule() {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      draw();
    });
  };
}

/** Listen to change:<name> for every name; returns a function that stops listening. */
function listen(model, names, callback) {
  for (const n of names) model.on(`change:${n}`, callback);
  return () => {
    for (const n of names) {
      try {
        model.off(`change:${n}`, callback);
      } catch (err) {
        // a stand-in model without off(): nothing to undo
      }
    }
  };
}

/**
 * A labelled native range input: {el, input, show(v), disable(b)}. The aria-label names the parameter
 * ("padding height"; "layer 2 stride width"); the visible label is the same words or their end
 * ("stride width" inside the layer 2 box). Arrow keys, Home/End and PageUp/PageDown work.
 */
function rangeControl(uid, label, lo, hi, onValue, visible = label) {
  const id = `${uid}-${label.replace(/[^a-z0-9]+/gi, "-")}`;
  const input = h("input", { type: "range", id, min: lo, max: hi, step: 1, value: lo, "aria-label": label,
    class: "d2l-range" });
  const out = h("output", { class: "d2l-value", for: id, "aria-hidden": "true" }, String(lo));
  const wrap = h("div", { class: "d2l-control" }, h("label", { class: "d2l-label", for: id }, visible), input, out);
  input.addEventListener("input", () => {
    out.textContent = input.value;
    onValue(Number(input.value));
  });
  return {
    el: wrap,
    input,
    // Each setter touches the DOM only when something changes: fewer style recalculations per frame.
    show(v) {
      if (isInt(v) && input.value !== String(v)) input.value = String(v);
      if (isInt(v) && out.textContent !== String(v)) out.textContent = String(v);
    },
    disable(b) {
      if (input.disabled !== !!b) {
        input.disabled = !!b;
        wrap.classList.toggle("d2l-disabled", !!b);
      }
    },
    setRange(a, b) {
      if (input.min !== String(a)) input.min = String(a);
      if (input.max !== String(b)) input.max = String(b);
    },
  };
}

/** A labelled checkbox: {el, input, show(b)}. */
function checkControl(uid, label, onValue) {
  const id = `${uid}-${label.replace(/[^a-z0-9]+/gi, "-")}`;
  const input = h("input", { type: "checkbox", id });
  const wrap = h("div", { class: "d2l-check" }, input, h("label", { for: id }, label));
  input.addEventListener("change", () => onValue(input.checked));
  return { el: wrap, input, show(b) { input.checked = !!b; } };
}

/** A labelled select: {el, input, show(v), options(list)}; `choices` is [[value, text], ...]. */
function selectControl(uid, label, choices, onValue, visible = label) {
  const id = `${uid}-${label.replace(/[^a-z0-9]+/gi, "-")}`;
  const input = h("select", { id, class: "d2l-select", "aria-label": label });
  const control = {
    el: h("div", { class: "d2l-control" }, h("label", { class: "d2l-label", for: id }, visible), input),
    input,
    options(list) {
      input.replaceChildren(...list.map(([v, t]) => h("option", { value: v }, t)));
    },
    show(v) {
      if ([...input.options].some((o) => o.value === v)) input.value = v;
    },
  };
  control.options(choices);
  input.addEventListener("change", () => onValue(input.value));
  return control;
}

/**
 * The status paragraph and the announcer, in one box (el). The paragraph (the output shape, or why
 * there is none, and the detail) is what every reader sees; its whole text is Python's .status. The
 * announcer is a role="status" live region, visually hidden, that tells a screen reader what the last
 * change did, in one short sentence: an explorer calls because(words) from a control's handler, and
 * the next show(live, detail, error, facts) announces words({live, detail, error, ...facts}) (one
 * announcement per drawing, so at most one per key press). A change no control of the page made (a
 * kernel's .set, the first drawing), or an explorer that never calls because(), announces the
 * status's first sentence: the output shape or the reason there is none.
 */
function statusArea() {
  const live = h("span", { class: "d2l-live" });
  const detail = h("span", { class: "d2l-detail" });
  const p = h("p", { class: "d2l-status" }, live, detail);
  const announcer = h("p", { role: "status", class: "d2l-announce" });
  let cause = null;

  /** Announce the change just drawn (`result.live` is the status's first sentence). */
  function announce(result) {
    const words = cause;
    cause = null;
    let text = result.live;
    if (words && !result.error) {
      let said = null;
      try {
        said = words(result);
      } catch (err) {
        said = null;
      }
      if (said === "") return; // nothing to say about this one (a step while playing)
      if (said) text = said;
    }
    if (announcer.textContent !== text) announcer.textContent = text;
  }

  return {
    el: h("div", { class: "d2l-status-box" }, p, announcer),
    show(liveText, detailText = "", error = false, facts = {}) {
      if (live.textContent !== liveText) live.textContent = liveText;
      detail.textContent = detailText ? ` ${detailText}` : "";
      p.classList.toggle("d2l-error", !!error);
      announce({ ...facts, live: liveText, detail: detailText, error: !!error });
    },
    /** What the next show() announces: a function of its result ({live, detail, error, ...facts}). */
    because(words) {
      cause = words;
    },
  };
}

/** "padding height" -> "Padding height". */
function capital(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/**
 * Keep the keyboard focus on the explorer when a button disables itself: Chromium would move it to
 * <body>. `pairs` is [[button, sibling], ...]; call with the focused element from before the change.
 */
function keepFocus(before, pairs) {
  for (const [button, sibling] of pairs) {
    if (before === button && button.disabled && !sibling.disabled) sibling.focus();
  }
}

/**
 * The step scrubber and its play button: {el, show(step, count), stop()}. Playing advances the step
 * every `interval` ms on the page alone; every step is also stored in the model (and sent, if a
 * kernel listens).
 */
function stepControl(uid, onStep, interval = 700, onPlay = null) {
  let count = 1;
  let timer = null;
  const button = h("button", { type: "button", class: "d2l-play", "aria-pressed": "false" }, "Play");
  const range = rangeControl(uid, "step", 1, 1, (v) => onStep(v - 1));
  const stop = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    button.textContent = "Play";
    button.setAttribute("aria-pressed", "false");
  };
  button.addEventListener("click", () => {
    if (timer !== null) {
      stop();
      if (onPlay) onPlay(false);
      return;
    }
    if (onPlay) onPlay(true);
    button.textContent = "Pause";
    button.setAttribute("aria-pressed", "true");
    timer = setInterval(() => {
      const next = (Number(range.input.value) % count) + 1;
      range.show(next);
      onStep(next - 1);
    }, interval);
  });
  return {
    el: h("div", { class: "d2l-steps" }, button, range.el),
    range,
    show(step, n) {
      count = Math.max(n, 1);
      range.setRange(1, count);
      range.show(step + 1);
      range.disable(n <= 1);
      button.disabled = n <= 1;
      if (n <= 1) stop();
    },
    stop,
  };
}

/**
 * Run `body` and turn any exception into a plain message (never a traceback): `onError(text)`.
 */
function guarded(body, onError) {
  try {
    body();
  } catch (err) {
    onError(`Something went wrong while drawing: ${err && err.message ? err.message : err}. ` +
      "Move a control to try again.");
  }
}

/** The bytes of a binary trait: DataView, ArrayBuffer, any typed array or a plain array -> Uint8Array. */
function asBytes(v) {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return Uint8Array.from(v);
  return null;
}

/** The words for a one-slider value it cannot show (the same as Python's _text.bad_int). */
function badIntText(name, lo, hi) {
  return `Cannot show ${name}: it must be a whole number from ${lo} to ${hi} (the range of its slider). ` +
    `Move the ${name.replace(/_/g, " ")} slider to go on.`;
}
