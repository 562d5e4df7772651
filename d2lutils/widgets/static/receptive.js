// ReceptiveFieldExplorer: a stack of 1-4 convolution and pooling layers; pick an output cell (click
// it, or move the "output row" / "output column" sliders) to see exactly which cells of every layer,
// and of the input, it depends on; each layer's output shape, receptive field size and jump with the
// formula and its numbers. (Assembled after core.js, arith.js and draw.js; see core.js.)

const PARAMS = ["kernel_size", "stride", "padding", "dilation"];
const PARAM_LABELS = { kernel_size: "kernel", stride: "stride", padding: "padding", dilation: "dilation" };

/** The layers from the model, checked: {layers} (every setting a pair) or {problem}. */
function readLayers(raw, limits) {
  const [lo, hi] = limits.layers || [1, 4];
  if (!Array.isArray(raw) || raw.length < lo || raw.length > hi) {
    return { problem: `Cannot show layers: there must be ${lo} to ${hi} of them. Add or remove a layer to go on.` };
  }
  const layers = [];
  for (let l = 0; l < raw.length; l += 1) {
    const L = raw[l];
    if (!L || typeof L !== "object" || (L.kind !== "conv" && L.kind !== "pool")) {
      return { problem: `Cannot show layer ${l + 1}: its kind must be 'conv' or 'pool'. Choose its kind to go on.` };
    }
    const layer = { kind: L.kind };
    for (const name of PARAMS) {
      const [a, b] = limits[name];
      const p = asPair(L[name]);
      if (p === null || p.some((v) => v < a || v > b)) {
        return { problem: `Cannot show layer ${l + 1}'s ${name}: it must be a whole number from ${a} to ${b} for ` +
          "each axis (the range of its sliders). Move one of its sliders to go on." };
      }
      layer[name] = p;
    }
    if (layer.kind === "pool" && (layer.dilation[0] !== 1 || layer.dilation[1] !== 1)) {
      return { problem: `Cannot show layer ${l + 1}'s dilation: a pooling layer has none, so it must be 1. ` +
        "Choose convolution or pooling again to go on." };
    }
    layers.push(layer);
  }
  return { layers };
}

function layerText(L) {
  const kind = L.kind === "pool" ? "pool" : "conv";
  let t = `${kind} ${L.kernel_size[0]}×${L.kernel_size[1]}, stride ${pairText(L.stride)}, padding ${pairText(L.padding)}`;
  if (L.kind === "conv" && (L.dilation[0] > 1 || L.dilation[1] > 1)) t += `, dilation ${pairText(L.dilation)}`;
  return t;
}

/** One axis of the growth formula: "size 1 + 1·(3 − 1)·1 = 3, jump 1·1 = 1". */
function growthText(prev, L, now, a) {
  return `size ${prev.size[a]} + ${L.dilation[a]}·(${L.kernel_size[a]} − 1)·${prev.jump[a]} = ${now.size[a]}, ` +
    `jump ${prev.jump[a]}·${L.stride[a]} = ${now.jump[a]}`;
}

function render({ model, el: host }) {
  const uid = d2lUid("rf");
  const root = h("div", { class: "d2l-explorer d2l-receptive", "data-explorer": "ReceptiveFieldExplorer" });
  const schedule = makeScheduler(draw);
  const limitsOf = () => {
    const lim = model.get("limits");
    return lim && typeof lim === "object" && lim.kernel_size ? lim
      : { input_shape: [1, 32], layers: [1, 4], kernel_size: [1, 7], stride: [1, 4], padding: [0, 3], dilation: [1, 4] };
  };
  const status = statusArea();
  /** "Layer 2 stride height 2. Receptive field 5×5, jump 2; output shape (8, 8)." */
  const fieldWords = (what) => (r) => `${what}. ${r.field}`;
  const currentLayers = () => {
    const r = readLayers(model.get("layers"), limitsOf());
    return r.layers ? r.layers.map((L) => ({ ...L })) : null;
  };

  function changeLayer(l, name, axis, v) {
    const layers = currentLayers();
    if (!layers) return;
    const next = [...layers[l][name]];
    next[axis] = v;
    const both = model.get("linked") === true;
    if (both) next[1 - axis] = v;
    layers[l][name] = next;
    status.because(fieldWords(`Layer ${l + 1} ${PARAM_LABELS[name]} ${both ? "" : `${AXES[axis]} `}${v}` +
      (both ? " (height and width)" : "")));
    setTraits(model, { layers });
    schedule();
  }

  function changeKind(l, kind) {
    const layers = currentLayers();
    if (!layers) return;
    layers[l].kind = kind;
    status.because(fieldWords(`Layer ${l + 1} is now ${kind === "pool" ? "a pooling" : "a convolution"} layer`));
    if (kind === "pool") layers[l].dilation = [1, 1];
    setTraits(model, { layers });
    schedule();
  }

  const title = h("p", { class: "d2l-title" });
  const link = checkControl(uid, "same for height and width", (b) => {
    status.because(fieldWords(`Same for height and width: ${b ? "on" : "off"}`));
    const values = { linked: b };
    const layers = currentLayers();
    if (b && layers) {
      for (const L of layers) for (const name of PARAMS) L[name] = [L[name][0], L[name][0]];
      values.layers = layers;
    }
    setTraits(model, values);
    schedule();
  });
  const layerBox = h("div", { class: "d2l-layers" });
  const layerControls = [];
  const add = h("button", { type: "button" }, "Add a layer");
  const remove = h("button", { type: "button" }, "Remove the last layer");
  add.addEventListener("click", () => {
    const layers = currentLayers();
    if (!layers || layers.length >= limitsOf().layers[1]) return;
    const added = { kind: "conv", kernel_size: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1] };
    layers.push(added);
    status.because(fieldWords(`Layer ${layers.length} added: ${layerText(added)}`));
    setTraits(model, { layers });
    schedule();
  });
  remove.addEventListener("click", () => {
    const layers = currentLayers();
    if (!layers || layers.length <= limitsOf().layers[0]) return;
    layers.pop();
    status.because(fieldWords(`Layer ${layers.length + 1} removed`));
    setTraits(model, { layers });
    schedule();
  });
  const pick = (i, j) => {
    status.because((r) => r.detail);
    setTraits(model, { position: [i, j] });
    schedule();
  };
  const rowPick = rangeControl(uid, "output row", 0, 0, (v) => pick(v, (asPair(model.get("position")) || [0, 0])[1]));
  const colPick = rangeControl(uid, "output column", 0, 0, (v) => pick((asPair(model.get("position")) || [0, 0])[0], v));

  const svgNode = svgNodeFor(uid);
  svgNode.addEventListener("click", (event) => {
    const cell = event.target.closest ? event.target.closest("rect.d2l-pick") : null;
    if (cell) pick(Number(cell.getAttribute("data-i")), Number(cell.getAttribute("data-j")));
  });
  const drawing = h("div", { class: "d2l-drawing" }, svgNode);
  const numbers = h("div", { class: "d2l-numbers-box" });
  root.append(title, h("div", { class: "d2l-controls" }, link.el, layerBox, h("div", { class: "d2l-buttons" }, add, remove),
    h("div", { class: "d2l-row" }, rowPick.el, colPick.el)), h("div", { class: "d2l-view" }, drawing, status.el, numbers));
  host.appendChild(root);

  function layerControl(l) {
    const kind = selectControl(uid, `layer ${l + 1} kind`, [["conv", "convolution"], ["pool", "pooling"]],
      (v) => changeKind(l, v), "kind");
    const sliders = {};
    const rows = [];
    for (const name of PARAMS) {
      sliders[name] = [0, 1].map((a) => rangeControl(uid, `layer ${l + 1} ${PARAM_LABELS[name]} ${AXES[a]}`, 0, 1,
        (v) => changeLayer(l, name, a, v), `${PARAM_LABELS[name]} ${AXES[a]}`));
      rows.push(h("div", { class: "d2l-row" }, sliders[name][0].el, sliders[name][1].el));
    }
    const el = h("fieldset", { class: "d2l-layer" }, h("legend", {}, `Layer ${l + 1}`), kind.el, ...rows);
    return { el, kind, sliders, dilationRow: rows[3] };
  }

  function showControls(raw, limits) {
    const count = Array.isArray(raw) ? Math.min(raw.length, limits.layers[1]) : 0;
    while (layerControls.length < count) {
      const c = layerControl(layerControls.length);
      layerControls.push(c);
      layerBox.append(c.el);
    }
    while (layerControls.length > count) layerControls.pop().el.remove();
    for (let l = 0; l < count; l += 1) {
      const L = raw[l] || {};
      const c = layerControls[l];
      c.kind.show(L.kind);
      for (const name of PARAMS) {
        const p = asPair(L[name]);
        for (const a of [0, 1]) {
          c.sliders[name][a].setRange(...limits[name]);
          if (p) c.sliders[name][a].show(p[a]);
        }
      }
      c.dilationRow.hidden = L.kind === "pool";
    }
    const focused = document.activeElement;
    add.disabled = count >= limits.layers[1];
    remove.disabled = count <= limits.layers[0];
    keepFocus(focused, [[add, remove], [remove, add]]);
    link.show(model.get("linked") === true);
  }

  function showMessage(text) {
    status.show(text, "", true);
    drawing.hidden = true;
    numbers.hidden = true;
    rowPick.disable(true);
    colPick.disable(true);
  }

  function draw() {
    guarded(() => {
      const checked = readLimits(model, ["input_shape", "layers", ...PARAMS]);
      if (checked.problem) return showMessage(checked.problem);
      const { limits } = checked;
      const raw = model.get("layers");
      showControls(raw, limits);
      const n = asPair(model.get("input_shape"));
      const [lo, hi] = limits.input_shape;
      if (!n || n.some((v) => v < lo || v > hi)) {
        title.textContent = "Receptive field explorer";
        return showMessage(`Cannot show input_shape: it must be a pair of whole numbers from ${lo} to ${hi}.`);
      }
      title.textContent = `Receptive field explorer: input ${n[0]}×${n[1]}`;
      const r = readLayers(raw, limits);
      if (r.problem) return showMessage(r.problem);
      const { layers } = r;
      const stack = stackShapes(n, layers);
      if (stack.problem) return showMessage(stack.problem.text);
      const { shapes } = stack;
      const out = shapes[shapes.length - 1];
      let pos = asPair(model.get("position")) || [0, 0];
      pos = [Math.min(Math.max(pos[0], 0), out[0] - 1), Math.min(Math.max(pos[1], 0), out[1] - 1)];
      rowPick.setRange(0, out[0] - 1);
      colPick.setRange(0, out[1] - 1);
      rowPick.show(pos[0]);
      colPick.show(pos[1]);
      rowPick.disable(out[0] <= 1);
      colPick.disable(out[1] <= 1);
      const fields = receptiveFields(layers);
      const field = fields[fields.length - 1];
      const levels = receptiveLevels(shapes, layers, pos);
      const [rows, cols] = levels[0];
      const jump = field.jump[0] === field.jump[1] ? String(field.jump[0]) : shapeText(field.jump);
      const size = `${field.size[0]}×${field.size[1]}`;
      const region = rows.length && cols.length ? `input rows ${indexText(rows)} and columns ${indexText(cols)}`
        : "no input cell (its window holds only padding)";
      const detail = `Output cell (${pos[0]}, ${pos[1]}) depends on ${region}: a ${size} receptive field with jump ${jump}.`;
      const live = `Output shape ${shapeText(out)}.`;
      status.show(live, detail, false, { field: `Receptive field ${size}, jump ${jump}; output shape ${shapeText(out)}.` });

      // the drawing: input and every layer's output, the cells the picked output cell depends on
      const columns = shapes.reduce((acc, s) => acc + s[1], 0) + 3 * shapes.length;
      const cell = Math.floor(Math.max(6, Math.min(22, 760 / columns)));
      const top = 24;
      const body = [];
      let x = 0;
      shapes.forEach((s, l) => {
        const rset = new Set(levels[l][0]);
        const cset = new Set(levels[l][1]);
        const last = l === shapes.length - 1;
        const kind = (i, j) => (last ? (i === pos[0] && j === pos[1] ? "out" : "pick")
          : rset.has(i) && cset.has(j) ? (l === 0 ? "win" : "seen") : "");
        const label = l === 0 ? `Input ${s[0]}×${s[1]}` : `Layer ${l} ${s[0]}×${s[1]}`;
        body.push(gridMarkup(x, top, cell, s[0], s[1], kind, null,
          { label, cls: `d2l-level d2l-level-${l}`, cellData: last }));
        if (l < shapes.length - 1) {
          body.push(`<text class="d2l-symbol" x="${x + s[1] * cell + 1.5 * cell}" y="${top + (s[0] * cell) / 2 + 6}" ` +
            `font-size="18">→</text>`);
        }
        x += (s[1] + 3) * cell;
      });
      const labelRoom = 90;
      const height = top + Math.max(...shapes.map((s) => s[0])) * cell + 4;
      fillSvg(svgNode, uid, Math.max(x - 3 * cell, labelRoom) + 8, height,
        `Receptive field of output cell (${pos[0]}, ${pos[1]}) through ${layers.length} layer${layers.length > 1 ? "s" : ""}`,
        `Orange: the input cells it depends on; light orange: the cells of each layer it depends on; blue: the ` +
        `chosen output cell. ${detail}`, body.join(""));

      // the numbers: each layer's output shape, field size and jump, with the formula
      const head = h("tr", {}, ...["layer", "output shape", "receptive field", "jump", "how the field grows"]
        .map((t) => h("th", { scope: "col" }, t)));
      const trs = [h("tr", {}, h("th", { scope: "row" }, "input"), h("td", {}, shapeText(n)), h("td", {}, "1×1"),
        h("td", {}, "1"), h("td", {}, ""))];
      let prev = { size: [1, 1], jump: [1, 1] };
      layers.forEach((L, l) => {
        const f = fields[l];
        const same = L.kernel_size[0] === L.kernel_size[1] && L.stride[0] === L.stride[1] &&
          L.dilation[0] === L.dilation[1] && prev.size[0] === prev.size[1] && prev.jump[0] === prev.jump[1];
        const growth = same ? growthText(prev, L, f, 0)
          : `H: ${growthText(prev, L, f, 0)}; W: ${growthText(prev, L, f, 1)}`;
        trs.push(h("tr", { class: "d2l-layer-row" }, h("th", { scope: "row" }, `layer ${l + 1}: ${layerText(L)}`),
          h("td", {}, shapeText(shapes[l + 1])), h("td", {}, `${f.size[0]}×${f.size[1]}`),
          h("td", {}, f.jump[0] === f.jump[1] ? String(f.jump[0]) : shapeText(f.jump)),
          h("td", { class: "d2l-math" }, growth)));
        prev = f;
      });
      numbers.replaceChildren(
        h("p", {}, "Through each layer the field grows by its kernel's span times the jump so far: size", h("sub", {}, "l"),
          " = size", h("sub", {}, "l−1"), " + d·(k − 1)·jump", h("sub", {}, "l−1"), ", and jump", h("sub", {}, "l"),
          " = jump", h("sub", {}, "l−1"), "·s (the product of the strides)."),
        h("table", { class: "d2l-numbers" }, h("thead", {}, head), h("tbody", {}, ...trs)));
      drawing.hidden = false;
      numbers.hidden = false;
    }, showMessage);
  }

  const unlisten = listen(model, ["input_shape", "layers", "position", "linked", "limits"], schedule);
  draw();
  return unlisten;
}

export default { render };
