// NetworkExplorer: draw a digit on an 8x8 grid (mouse, touch or keyboard); the page runs the trained
// network on it and shows every layer's feature maps, the class scores and the prediction. Hovering or
// focusing a cell of a feature map outlines, on the drawing, the pixels that cell sees. The weights
// arrive as one binary trait (float32, little-endian; a DataView, ArrayBuffer or Uint8Array), the layers
// as JSON from d2lutils/widgets/network.py (page_layers), whose numpy forward pass is this file's twin.
// (Assembled after core.js and arith.js; see core.js.)

const SIDE = 8;
const SHIFT_LIMIT = 7;
const MAX_MAPS = 64;
const ACTS = new Set(["relu", "sigmoid", "tanh"]);
const BAD_IMAGE = "Cannot show image: it must be 8 rows of 8 numbers from 0 to 1. Clear the drawing to go on.";
const BAD_SHIFT = `Cannot show shift: it must be a pair of whole numbers from -${SHIFT_LIMIT} to ${SHIFT_LIMIT}. ` +
  'Press "no shift" to go on.';
const BAD_NET = "Cannot show the network: its layers or weights are damaged. Create the explorer again to go on.";

/** The image from the model if it is 8 rows of 8 numbers in [0, 1], else null (Python's _image_or_none). */
function readImage(v) {
  const ok = Array.isArray(v) && v.length === SIDE && v.every((row) => Array.isArray(row) && row.length === SIDE &&
    row.every((x) => typeof x === "number" && x >= 0 && x <= 1));
  return ok ? v : null;
}

/** A pair of whole numbers within [lo, hi], else null (Python's _pair_or_none). */
function readPairIn(v, lo, hi) {
  return Array.isArray(v) && v.length === 2 && v.every((x) => isInt(x) && x >= lo && x <= hi) ? [v[0], v[1]] : null;
}

/** The drawing moved by shift = [dy, dx] (down and right positive), blank where it moved from: Float64Array(64). */
function shiftedImage(image, [dy, dx]) {
  const X = new Float64Array(SIDE * SIDE);
  for (let r = 0; r < SIDE; r += 1) {
    const rs = r - dy;
    if (rs < 0 || rs >= SIDE) continue;
    for (let c = 0; c < SIDE; c += 1) {
      const cs = c - dx;
      if (cs >= 0 && cs < SIDE) X[r * SIDE + c] = image[rs][cs];
    }
  }
  return X;
}

/** [1, -2] -> "1 row down and 2 columns left" (Python's shift_words). */
function shiftWords([dy, dx]) {
  const parts = [];
  for (const [v, one, pos, neg] of [[dy, "row", "down", "up"], [dx, "column", "right", "left"]]) {
    if (v) parts.push(`${Math.abs(v)} ${one}${Math.abs(v) > 1 ? "s" : ""} ${v > 0 ? pos : neg}`);
  }
  return parts.join(" and ");
}

function sizeOf(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The network from the model: {layers, W} with W the weights as a Float64Array, every layer's settings
 * checked against its input (so that the forward pass never reads outside W), or {problem}.
 */
function readNetwork(rawLayers, rawWeights) {
  const bytes = asBytes(rawWeights);
  if (!Array.isArray(rawLayers) || !rawLayers.length || !bytes || bytes.length % 4 !== 0) return { problem: BAD_NET };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const W = new Float64Array(bytes.length / 4);
  for (let q = 0; q < W.length; q += 1) W[q] = view.getFloat32(4 * q, true);
  const inRange = (offset, count) => offset === -1 || (isInt(offset) && offset >= 0 && offset + count <= W.length);
  let shape = [1, SIDE, SIDE];
  const layers = [];
  for (const L of rawLayers) {
    if (!L || typeof L !== "object" || !Array.isArray(L.shape)) return { problem: BAD_NET };
    const act = L.activation === null || L.activation === undefined ? null : L.activation;
    if (act !== null && !ACTS.has(act)) return { problem: BAD_NET };
    const out = L.shape;
    const layer = { ...L, act, input: shape };
    if (L.kind === "conv" || L.kind === "pool") {
      const pairs = ["kernel_size", "stride", "padding"].map((k) => readPairIn(L[k], k === "padding" ? 0 : 1, 64));
      const d = L.kind === "conv" ? readPairIn(L.dilation, 1, 64) : [1, 1];
      if (shape.length !== 3 || pairs.includes(null) || !d || out.length !== 3) return { problem: BAD_NET };
      const [k, s, p] = pairs;
      const Ho = axisOut(shape[1], k[0], p[0], s[0], d[0]);
      const Wo = axisOut(shape[2], k[1], p[1], s[1], d[1]);
      const channels = L.kind === "conv" ? out[0] : shape[0];
      if (out[0] !== channels || out[1] !== Ho || out[2] !== Wo || Ho < 1 || Wo < 1) return { problem: BAD_NET };
      if (L.kind === "conv" && (!inRange(L.weight, channels * shape[0] * k[0] * k[1]) || L.weight === -1 ||
          !inRange(L.bias, channels))) return { problem: BAD_NET };
      if (L.kind === "pool" && (L.mode !== "max" && L.mode !== "avg")) return { problem: BAD_NET };
      Object.assign(layer, { k, s, p, d });
    } else if (L.kind === "dense") {
      const n = sizeOf(shape);
      if (out.length !== 1 || !isInt(out[0]) || out[0] < 1 || L.weight === -1 || !inRange(L.weight, out[0] * n) ||
          !inRange(L.bias, out[0])) return { problem: BAD_NET };
    } else if (L.kind === "flatten") {
      if (out.length !== 1 || out[0] !== sizeOf(shape)) return { problem: BAD_NET };
    } else if (L.kind === "act") {
      if (act === null || out.length !== shape.length || out.some((v, a) => v !== shape[a])) return { problem: BAD_NET };
    } else {
      return { problem: BAD_NET };
    }
    layers.push(layer);
    shape = out;
  }
  if (sizeOf(shape) < 2 || sizeOf(shape) > 20) return { problem: BAD_NET };
  return { layers, W };
}

function activate(y, act) {
  if (act === "relu") for (let q = 0; q < y.length; q += 1) y[q] = y[q] > 0 ? y[q] : 0;
  else if (act === "sigmoid") for (let q = 0; q < y.length; q += 1) y[q] = 1 / (1 + Math.exp(-y[q]));
  else if (act === "tanh") for (let q = 0; q < y.length; q += 1) y[q] = Math.tanh(y[q]);
  return y;
}

/** Cross-correlation of x (ci, H, W) with the layer's kernels, plus bias, then its activation: (co, Ho, Wo). */
function convForward(L, W, x) {
  const [ci, H, Wd] = L.input;
  const [co, Ho, Wo] = L.shape;
  const [kh, kw] = L.k;
  const y = new Float64Array(co * Ho * Wo);
  for (let o = 0; o < co; o += 1) {
    const b = L.bias === -1 ? 0 : W[L.bias + o];
    y.fill(b, o * Ho * Wo, (o + 1) * Ho * Wo);
    for (let c = 0; c < ci; c += 1) {
      for (let a = 0; a < kh; a += 1) {
        for (let e = 0; e < kw; e += 1) {
          const wv = W[L.weight + ((o * ci + c) * kh + a) * kw + e];
          if (wv === 0) continue;
          for (let i = 0; i < Ho; i += 1) {
            const r = i * L.s[0] - L.p[0] + a * L.d[0];
            if (r < 0 || r >= H) continue;
            const rowIn = (c * H + r) * Wd;
            const rowOut = (o * Ho + i) * Wo;
            for (let j = 0; j < Wo; j += 1) {
              const col = j * L.s[1] - L.p[1] + e * L.d[1];
              if (col >= 0 && col < Wd) y[rowOut + j] += wv * x[rowIn + col];
            }
          }
        }
      }
    }
  }
  return activate(y, L.act);
}

/** Max or average pooling of x (c, H, W); padding is never the maximum, and counts as 0 in an average
 * (divided by the whole window, or by its cells inside the input when count_include_pad is false). */
function poolForward(L, x) {
  const [c, H, Wd] = L.input;
  const [, Ho, Wo] = L.shape;
  const [kh, kw] = L.k;
  const max = L.mode === "max";
  const y = new Float64Array(c * Ho * Wo);
  for (let ch = 0; ch < c; ch += 1) {
    for (let i = 0; i < Ho; i += 1) {
      for (let j = 0; j < Wo; j += 1) {
        let acc = max ? -Infinity : 0;
        let count = 0;
        for (let a = 0; a < kh; a += 1) {
          const r = i * L.s[0] - L.p[0] + a;
          if (r < 0 || r >= H) continue;
          for (let e = 0; e < kw; e += 1) {
            const col = j * L.s[1] - L.p[1] + e;
            if (col < 0 || col >= Wd) continue;
            const v = x[(ch * H + r) * Wd + col];
            if (max) acc = v > acc ? v : acc;
            else acc += v;
            count += 1;
          }
        }
        y[(ch * Ho + i) * Wo + j] = max ? acc : acc / (L.count_include_pad === false ? count : kh * kw);
      }
    }
  }
  return y;
}

function denseForward(L, W, x) {
  const n = x.length;
  const units = L.shape[0];
  const y = new Float64Array(units);
  for (let u = 0; u < units; u += 1) {
    let acc = L.bias === -1 ? 0 : W[L.bias + u];
    const row = L.weight + u * n;
    for (let q = 0; q < n; q += 1) acc += W[row + q] * x[q];
    y[u] = acc;
  }
  return activate(y, L.act);
}

/** Every layer's output for the input X (Float64Array of 64 values): a list of Float64Arrays. */
function forwardNetwork(net, X) {
  const outputs = [];
  let x = X;
  for (const L of net.layers) {
    if (L.kind === "conv") x = convForward(L, net.W, x);
    else if (L.kind === "pool") x = poolForward(L, x);
    else if (L.kind === "dense") x = denseForward(L, net.W, x);
    else if (L.kind === "act") x = activate(Float64Array.from(x), L.act);
    outputs.push(x); // flatten: the same numbers in the same (C) order
  }
  return outputs;
}

function argmax(v) {
  let best = 0;
  for (let q = 1; q < v.length; q += 1) if (v[q] > v[best]) best = q;
  return best;
}

/** The status (live part, detail) for the input X, its scores, the cursor and the shift (Python's _compute). */
function statusWords(X, scores, cursor, shift) {
  const [r, c] = cursor;
  const live = `Prediction: ${argmax(scores)}. Cell (${r}, ${c}): ${X[r * SIDE + c] > 0 ? "ink" : "blank"}.`;
  const detail = [];
  if (shift[0] !== 0 || shift[1] !== 0) detail.push(`The drawing is shifted ${shiftWords(shift)}.`);
  if (X.every((v) => v === 0)) detail.push("The drawing is empty.");
  return [live, detail.join(" ")];
}

/** Paint values (row-major, rows x cols) into a canvas: grey (0 white, the top black) or, for signed
 * values, blue (negative), white (0) and red (positive); `top` is the largest |value| of the layer. */
function paintMap(map, values, start, rows, cols, top, signed) {
  const { canvas } = map;
  if (canvas.width !== cols || canvas.height !== rows || !map.img) { // the context and pixels are made once
    canvas.width = cols;
    canvas.height = rows;
    map.ctx = canvas.getContext("2d");
    map.img = map.ctx.createImageData(cols, rows);
  }
  const { ctx, img } = map;
  const d = img.data;
  const scale = top > 0 && Number.isFinite(top) ? 1 / top : 0;
  for (let q = 0; q < rows * cols; q += 1) {
    const t = Math.max(-1, Math.min(1, values[start + q] * scale));
    let rgb;
    if (!signed) {
      const g = Math.round(255 * (1 - t));
      rgb = [g, g, g];
    } else if (t >= 0) {
      const g = Math.round(255 * (1 - t));
      rgb = [255, g, g];
    } else {
      const g = Math.round(255 * (1 + t));
      rgb = [g, g, 255];
    }
    d[4 * q] = rgb[0];
    d[4 * q + 1] = rgb[1];
    d[4 * q + 2] = rgb[2];
    d[4 * q + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function render({ model, el: host }) {
  const uid = d2lUid("net");
  const root = h("div", { class: "d2l-explorer d2l-network", "data-explorer": "NetworkExplorer" });
  const schedule = makeScheduler(draw);
  const CELL = 30;
  const LABEL = 16;

  // ---------------------------------------------------------------- the drawing and its controls
  const helpId = `${uid}-help`;
  const gridSvg = document.createElementNS(SVG_NS, "svg");
  gridSvg.setAttribute("class", "d2l-net-svg");
  gridSvg.setAttribute("aria-hidden", "true");
  gridSvg.setAttribute("viewBox", `0 0 ${LABEL + SIDE * CELL + 2} ${LABEL + SIDE * CELL + 2}`);
  const grid = h("div", { class: "d2l-net-grid", tabindex: "0", role: "application",
    "aria-roledescription": "drawing grid", "aria-label": "Drawing, 8 by 8 pixels", "aria-describedby": helpId,
    "data-lm-suppress-shortcuts": "true" }, gridSvg);
  const help = h("p", { class: "d2l-net-help", id: helpId },
    "Draw with the mouse or a finger. Keyboard: the arrow keys move the cursor, Space paints or erases its cell, " +
    "Shift + arrow paints while moving, Delete or C clears the drawing.");
  const clear = h("button", { type: "button" }, "Clear");
  const presetSelect = selectControl(uid, "load a digit", [["", "choose…"]], (name) => loadPreset(name));
  const shiftButtons = [["up", "↑", [-1, 0]], ["left", "←", [0, -1]], ["right", "→", [0, 1]], ["down", "↓", [1, 0]]]
    .map(([word, arrow, step]) => {
      const b = h("button", { type: "button", class: "d2l-net-shift-button", "aria-label": `shift the drawing ${word}`,
        title: `shift the drawing ${word}` }, arrow);
      b.addEventListener("click", () => moveShift(step));
      return b;
    });
  const noShift = h("button", { type: "button" }, "no shift");
  const shiftText = h("span", { class: "d2l-net-shift-text" });
  const shiftBox = h("div", { class: "d2l-net-shift", role: "group", "aria-label": "shift the drawing" },
    h("span", { class: "d2l-label" }, "shift"), ...shiftButtons, noShift, shiftText);
  const scoresBox = h("div", { class: "d2l-net-scores", role: "img" });
  const predicted = h("strong", {});
  const predictionLine = h("p", { class: "d2l-net-prediction", "aria-hidden": "true" }, "The network reads ", predicted);
  const fieldId = `${uid}-field`;
  const field = h("p", { class: "d2l-net-field", id: fieldId, "aria-live": "polite" });
  const status = statusArea();
  const legend = h("p", { class: "d2l-net-legend" }, "Every layer's output, one small image per channel: white is 0 " +
    "and black the layer's largest value; where a layer has negative values too, red is positive and blue negative.");
  const mapsBox = h("div", { class: "d2l-net-layers" }, legend);
  const title = h("p", { class: "d2l-title" }, "Network explorer: draw a digit, watch every layer answer");
  root.append(title,
    h("div", { class: "d2l-net-top" },
      h("div", { class: "d2l-net-left" }, grid, h("div", { class: "d2l-net-buttons" }, clear, presetSelect.el),
        shiftBox),
      h("div", { class: "d2l-net-right" }, predictionLine,
        h("p", { class: "d2l-net-heading" }, "Class scores"), scoresBox)),
    status.el, help, field, mapsBox);
  host.appendChild(root);

  // ---------------------------------------------------------------- page state
  let net = null; // {layers, W}
  let netKey = null;
  let outputs = null;
  let X = null; // the input the network reads (the shifted drawing)
  let cursor = [0, 0];
  let panels = []; // one per displayed layer: {index, el, maps: [{canvas, mark}], cursor}
  let probe = null; // {index, i, j}: the feature-map cell whose receptive field is shown
  let hoverProbe = null;
  let focusProbe = null;
  let stroke = null; // {mode: 1 | 0, last}

  /** The drawing as the learner sees it (shift applied) as 8 rows of numbers; the shift is then 0. */
  function bakedImage() {
    const image = readImage(model.get("image"));
    const shift = readPairIn(model.get("shift"), -SHIFT_LIMIT, SHIFT_LIMIT);
    if (!image) return Array.from({ length: SIDE }, () => new Array(SIDE).fill(0));
    const Xs = shiftedImage(image, shift || [0, 0]);
    return Array.from({ length: SIDE }, (_, r) => Array.from(Xs.subarray(r * SIDE, (r + 1) * SIDE)));
  }

  /** Paint (1) or erase (0) cell (r, c) of what the learner sees, and move the cursor there. */
  function setCell(r, c, value) {
    const image = bakedImage();
    image[r][c] = value;
    setTraits(model, { image, shift: [0, 0], cursor: [r, c] });
    schedule();
  }

  function inkAt(r, c) {
    return X ? X[r * SIDE + c] > 0 : false;
  }

  function loadPreset(name) {
    const presets = model.get("presets");
    const P = presets && typeof presets === "object" ? readImage(presets[name]) : null;
    presetSelect.input.value = "";
    if (!P) return;
    setTraits(model, { image: P.map((row) => [...row]), shift: [0, 0] });
    schedule();
  }

  function moveShift([dy, dx]) {
    const shift = readPairIn(model.get("shift"), -SHIFT_LIMIT, SHIFT_LIMIT) || [0, 0];
    const next = [Math.max(-SHIFT_LIMIT, Math.min(SHIFT_LIMIT, shift[0] + dy)),
      Math.max(-SHIFT_LIMIT, Math.min(SHIFT_LIMIT, shift[1] + dx))];
    setTraits(model, { shift: next });
    schedule();
  }

  clear.addEventListener("click", () => {
    setTraits(model, { image: Array.from({ length: SIDE }, () => new Array(SIDE).fill(0)), shift: [0, 0] });
    schedule();
  });
  noShift.addEventListener("click", () => {
    setTraits(model, { shift: [0, 0] });
    schedule();
  });

  grid.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return; // Ctrl+C copies, it does not clear
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const [r, c] = cursor;
    if (moves[event.key]) {
      const [dr, dc] = moves[event.key];
      const next = [Math.max(0, Math.min(SIDE - 1, r + dr)), Math.max(0, Math.min(SIDE - 1, c + dc))];
      if (event.shiftKey) setCell(next[0], next[1], 1);
      else {
        setTraits(model, { cursor: next });
        schedule();
      }
    } else if (event.key === " " || event.key === "Spacebar") {
      setCell(r, c, inkAt(r, c) ? 0 : 1);
    } else if (event.key === "Delete" || event.key === "Backspace" || event.key === "c" || event.key === "C") {
      clear.click();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  });

  function cellAt(event) {
    const box = gridSvg.getBoundingClientRect();
    const unit = box.width / (LABEL + SIDE * CELL + 2);
    const c = Math.floor((event.clientX - box.left - (LABEL + 1) * unit) / (CELL * unit));
    const r = Math.floor((event.clientY - box.top - (LABEL + 1) * unit) / (CELL * unit));
    return r >= 0 && r < SIDE && c >= 0 && c < SIDE ? [r, c] : null;
  }

  grid.addEventListener("pointerdown", (event) => {
    const cell = cellAt(event);
    if (!cell || event.button > 0) return;
    event.preventDefault();
    grid.focus({ preventScroll: true });
    try {
      grid.setPointerCapture(event.pointerId);
    } catch (err) {
      // a synthetic event without an active pointer: drawing still works
    }
    stroke = { mode: inkAt(...cell) ? 0 : 1, last: `${cell}` };
    setCell(cell[0], cell[1], stroke.mode);
  });
  grid.addEventListener("pointermove", (event) => {
    if (!stroke) return;
    const cell = cellAt(event);
    if (!cell || `${cell}` === stroke.last) return;
    stroke.last = `${cell}`;
    setCell(cell[0], cell[1], stroke.mode);
  });
  const endStroke = () => { stroke = null; };
  grid.addEventListener("pointerup", endStroke);
  grid.addEventListener("pointercancel", endStroke);

  // ---------------------------------------------------------------- feature maps and receptive fields
  function panelFor(index, L, number) {
    const shape = L.shape;
    const spatial = shape.length === 3;
    const count = spatial ? Math.min(shape[0], MAX_MAPS) : 1;
    const titleId = `${uid}-layer-${index}`;
    const more = spatial && shape[0] > MAX_MAPS ? ` (the first ${MAX_MAPS} shown)` : "";
    const box = h("div", { class: `d2l-net-maps${spatial ? "" : " d2l-net-flat"}`, tabindex: "0", role: "group",
      "aria-labelledby": titleId, "aria-describedby": fieldId, "data-lm-suppress-shortcuts": "true" });
    const maps = [];
    for (let m = 0; m < count; m += 1) {
      const canvas = h("canvas", { class: "d2l-net-map-canvas", "data-map": m });
      const mark = h("div", { class: "d2l-net-mark", hidden: true });
      const wrap = h("div", { class: "d2l-net-map" }, canvas, mark);
      if (spatial) {
        wrap.style.width = `${Math.round(16 + 5 * shape[2])}px`;
        wrap.style.height = `${Math.round(16 + 5 * shape[1])}px`;
      } else {
        wrap.style.width = `${Math.min(Math.max(shape[0] * 5, 40), 320)}px`;
        wrap.style.height = "16px";
      }
      box.append(wrap);
      maps.push({ canvas, mark, wrap });
    }
    const rows = spatial ? shape[1] : 1;
    const cols = spatial ? shape[2] : shape[0];
    const panel = { index, number, L, el: null, box, maps, rows, cols, cursor: [(rows - 1) >> 1, (cols - 1) >> 1] };
    panel.el = h("section", { class: "d2l-net-layer" },
      h("p", { class: "d2l-net-layer-title", id: titleId }, `Layer ${number}: ${L.title}${more}`), box);
    const point = (event) => {
      const wrap = event.target.closest ? event.target.closest(".d2l-net-map") : null;
      if (!wrap) return;
      const rect = wrap.getBoundingClientRect();
      const i = Math.min(rows - 1, Math.max(0, Math.floor(((event.clientY - rect.top) / rect.height) * rows)));
      const j = Math.min(cols - 1, Math.max(0, Math.floor(((event.clientX - rect.left) / rect.width) * cols)));
      hoverProbe = { index, i, j };
      showProbe();
    };
    box.addEventListener("pointermove", point);
    box.addEventListener("pointerdown", point); // a tap on a phone, which has no hovering
    box.addEventListener("pointerleave", (event) => {
      if (event.pointerType === "touch") return; // the field of the tapped cell stays until the next tap
      hoverProbe = null;
      showProbe();
    });
    box.addEventListener("focus", () => {
      hoverProbe = null; // the keyboard's cell, not one tapped earlier
      focusProbe = { index, i: panel.cursor[0], j: panel.cursor[1] };
      showProbe();
    });
    box.addEventListener("blur", () => {
      focusProbe = null;
      showProbe();
    });
    box.addEventListener("keydown", (event) => {
      const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      if (!moves[event.key]) return;
      event.preventDefault();
      event.stopPropagation();
      const [di, dj] = moves[event.key];
      panel.cursor = [Math.max(0, Math.min(rows - 1, panel.cursor[0] + di)),
        Math.max(0, Math.min(cols - 1, panel.cursor[1] + dj))];
      hoverProbe = null;
      focusProbe = { index, i: panel.cursor[0], j: panel.cursor[1] };
      showProbe();
    });
    return panel;
  }

  function buildPanels() {
    mapsBox.replaceChildren(legend);
    panels = [];
    const last = net.layers.length - 1;
    let number = 0;
    net.layers.forEach((L, index) => {
      number += 1;
      if (index === last || L.kind === "flatten") return;
      const panel = panelFor(index, L, number);
      panels.push(panel);
      mapsBox.append(panel.el);
    });
  }

  /** The receptive field of the probed cell on the drawing (rows, cols), the marks on its maps and the caption. */
  function showProbe() {
    probe = hoverProbe || focusProbe;
    for (const panel of panels) {
      const on = probe && probe.index === panel.index;
      for (const { mark } of panel.maps) {
        if (!on) {
          if (!mark.hidden) mark.hidden = true;
          continue;
        }
        mark.hidden = false;
        mark.style.left = `${(100 * probe.j) / panel.cols}%`;
        mark.style.top = `${(100 * probe.i) / panel.rows}%`;
        mark.style.width = `${100 / panel.cols}%`;
        mark.style.height = `${100 / panel.rows}%`;
      }
    }
    drawGrid();
    if (!probe || !net) {
      say("Point at a cell of a feature map, or focus a layer's maps and use the arrow keys: the pixels of the " +
        "drawing that cell sees are outlined.");
      return;
    }
    const panel = panels.find((p) => p.index === probe.index);
    const L = net.layers[probe.index];
    const where = Array.isArray(L.rows) ? `cell (${probe.i}, ${probe.j})` : `value ${probe.j}`;
    const region = probeRegion();
    const seen = region.rows.length === SIDE && region.cols.length === SIDE ? "every pixel of the drawing"
      : `rows ${indexText(region.rows)} and columns ${indexText(region.cols)} of the drawing (shaded orange, outlined in red)`;
    say(`Layer ${panel.number}, ${where} sees ${seen}.`);
  }

  /** The caption is a live region: it changes (and is announced) only when its words do. */
  function say(text) {
    if (field.textContent !== text) field.textContent = text;
  }

  function probeRegion() {
    const all = [...Array(SIDE).keys()];
    if (!probe || !net) return null;
    const L = net.layers[probe.index];
    const ok = Array.isArray(L.rows) && Array.isArray(L.cols) && Array.isArray(L.rows[probe.i]) &&
      Array.isArray(L.cols[probe.j]);
    return ok ? { rows: L.rows[probe.i], cols: L.cols[probe.j] } : { rows: all, cols: all };
  }

  function drawGrid() {
    const parts = [];
    const x0 = LABEL + 1;
    for (let q = 0; q < SIDE; q += 1) {
      parts.push(`<text class="d2l-net-index" x="${x0 + q * CELL + CELL / 2}" y="${LABEL - 4}">${q}</text>`);
      parts.push(`<text class="d2l-net-index" x="${LABEL / 2}" y="${x0 + q * CELL + CELL / 2 + 4}">${q}</text>`);
    }
    parts.push(`<rect class="d2l-net-paper" x="${x0}" y="${x0}" width="${SIDE * CELL}" height="${SIDE * CELL}"/>`);
    for (let r = 0; r < SIDE; r += 1) {
      for (let c = 0; c < SIDE; c += 1) {
        const v = X ? X[r * SIDE + c] : 0;
        if (v > 0) {
          const g = Math.round(255 * (1 - v));
          parts.push(`<rect x="${x0 + c * CELL}" y="${x0 + r * CELL}" width="${CELL}" height="${CELL}" ` +
            `fill="rgb(${g},${g},${g})" data-ink="1"/>`);
        }
      }
    }
    const region = probeRegion();
    if (region) {
      const rs = new Set(region.rows);
      const cs = new Set(region.cols);
      for (let r = 0; r < SIDE; r += 1) {
        for (let c = 0; c < SIDE; c += 1) {
          if (rs.has(r) && cs.has(c)) {
            parts.push(`<rect class="d2l-net-seen" x="${x0 + c * CELL}" y="${x0 + r * CELL}" width="${CELL}" height="${CELL}"/>`);
          }
        }
      }
    }
    for (let q = 0; q <= SIDE; q += 1) {
      parts.push(`<line class="d2l-net-line" x1="${x0}" x2="${x0 + SIDE * CELL}" y1="${x0 + q * CELL}" y2="${x0 + q * CELL}"/>`);
      parts.push(`<line class="d2l-net-line" y1="${x0}" y2="${x0 + SIDE * CELL}" x1="${x0 + q * CELL}" x2="${x0 + q * CELL}"/>`);
    }
    if (region && region.rows.length && region.cols.length) {
      const r0 = Math.min(...region.rows);
      const r1 = Math.max(...region.rows);
      const c0 = Math.min(...region.cols);
      const c1 = Math.max(...region.cols);
      parts.push(`<rect class="d2l-net-field-outline" x="${x0 + c0 * CELL}" y="${x0 + r0 * CELL}" ` +
        `width="${(c1 - c0 + 1) * CELL}" height="${(r1 - r0 + 1) * CELL}" data-rows="${region.rows.join(",")}" ` +
        `data-cols="${region.cols.join(",")}"/>`);
    }
    parts.push(`<rect class="d2l-net-cursor" x="${x0 + cursor[1] * CELL + 2}" y="${x0 + cursor[0] * CELL + 2}" ` +
      `width="${CELL - 4}" height="${CELL - 4}"/>`);
    gridSvg.innerHTML = parts.join("");
  }

  function drawScores(scores) {
    const best = argmax(scores);
    const lo = Math.min(0, ...scores);
    const hi = Math.max(0, ...scores);
    const span = hi - lo || 1;
    const rows = [];
    for (let q = 0; q < scores.length; q += 1) {
      const v = scores[q];
      const left = (100 * (Math.min(v, 0) - lo)) / span;
      const width = (100 * Math.abs(v)) / span;
      rows.push(`<div class="d2l-net-bar-row${q === best ? " d2l-net-best" : ""}"><span class="d2l-net-class">${q}</span>` +
        `<span class="d2l-net-track"><span class="d2l-net-zero" style="left:${(100 * -lo) / span}%"></span>` +
        `<span class="d2l-net-bar" style="left:${left}%;width:${width}%"></span></span>` +
        `<span class="d2l-net-value">${v.toFixed(2)}</span></div>`);
    }
    scoresBox.innerHTML = rows.join("");
    scoresBox.setAttribute("aria-label", `Class scores: ${[...scores].map((v, q) => `${q}: ${v.toFixed(2)}`).join(", ")}. ` +
      `The highest is ${best}.`);
    root.dataset.scores = JSON.stringify(Array.from(scores));
  }

  function drawMaps() {
    for (const panel of panels) {
      const y = outputs[panel.index];
      const signed = y.some((v) => v < 0);
      let top = 0;
      for (let q = 0; q < y.length; q += 1) top = Math.max(top, Math.abs(y[q]));
      const per = panel.rows * panel.cols;
      panel.maps.forEach((map, m) => paintMap(map, y, m * per, panel.rows, panel.cols, top, signed));
    }
  }

  function showMessage(text) {
    status.show(text, "", true);
    for (const node of [mapsBox, scoresBox, field, predictionLine]) node.hidden = true;
    X = null;
    outputs = null;
    delete root.dataset.scores;
    drawGrid();
  }

  function draw() {
    guarded(() => {
      const rawLayers = model.get("layers");
      const rawWeights = model.get("weights");
      if (rawLayers !== netKey?.[0] || rawWeights !== netKey?.[1]) {
        netKey = [rawLayers, rawWeights];
        const r = readNetwork(rawLayers, rawWeights);
        net = r.problem ? null : r;
        if (net) buildPanels();
        hoverProbe = focusProbe = null;
      }
      showPresets();
      if (!net) return showMessage(BAD_NET);
      const image = readImage(model.get("image"));
      if (!image) return showMessage(BAD_IMAGE);
      const shift = readPairIn(model.get("shift"), -SHIFT_LIMIT, SHIFT_LIMIT);
      if (!shift) return showMessage(BAD_SHIFT);
      cursor = readPairIn(model.get("cursor"), 0, SIDE - 1) || [0, 0];
      X = shiftedImage(image, shift);
      outputs = forwardNetwork(net, X);
      const scores = outputs[outputs.length - 1];
      root.d2lOutputs = outputs;
      drawMaps();
      drawScores(scores);
      shiftText.textContent = `now: ${shift[0] || shift[1] ? shiftWords(shift) : "none"}`;
      noShift.disabled = !(shift[0] || shift[1]);
      for (const node of [mapsBox, scoresBox, field, predictionLine]) node.hidden = false;
      predicted.textContent = String(argmax(scores));
      showProbe();
      status.show(...statusWords(X, scores, cursor, shift));
    }, showMessage);
  }

  let presetsKey = null;
  function showPresets() {
    const presets = model.get("presets");
    if (presets === presetsKey) return;
    presetsKey = presets;
    const names = presets && typeof presets === "object" && !Array.isArray(presets)
      ? Object.keys(presets).filter((n) => readImage(presets[n])) : [];
    presetSelect.options([["", names.length ? "choose…" : "none"], ...names.map((n) => [n, n])]);
    presetSelect.input.disabled = !names.length;
  }

  const unlisten = listen(model, ["layers", "weights", "presets", "image", "shift", "cursor"], schedule);
  draw();
  return unlisten;
}

export default { render };
