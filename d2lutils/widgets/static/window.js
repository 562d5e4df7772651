// d2lutils explorers: what the convolution and pooling explorers share (assembled after core.js,
// arith.js and draw.js). A window explorer has per-axis sliders for each setting, a "same for height
// and width" link, a step scrubber with a play button, a drawing, the status, the formula with the
// numbers and the equivalent Gluon layer.
//
// spec = {name, short, cls, params: [trait, ...], labels: {trait: "words"}, extraTraits: [...],
//         title(n), extraControls(ctx) -> [elements], readExtra(model) -> {problem} | {value},
//         follow(model, values) (adjusts a pending change), show(ctx, st) (updates extra controls),
//         compute(st) -> {impossible} | {out}, view(st, out, pos, cell) -> {live, detail, formula, gluon, pytorch,
//         pytorchRefuses (when pytorch is null), figure}}

function renderWindowExplorer(spec, model, host) {
  const uid = d2lUid(spec.short);
  const root = h("div", { class: `d2l-explorer ${spec.cls}`, "data-explorer": spec.name });
  const title = h("p", { class: "d2l-title" });
  const schedule = makeScheduler(draw);
  let lastOut; // undefined before the first drawing, null while there is no output

  const limitsOf = () => {
    const lim = model.get("limits");
    return lim && typeof lim === "object" ? lim : {};
  };

  /** "Padding height 2 (height and width). Output shape (10, 10)." after the drawing. */
  const shapeWords = (what) => (r) => `${what}. ${r.live}`;

  function onPair(name, axis, v) {
    const both = model.get("linked") === true;
    status.because(shapeWords(`${capital(`${spec.labels[name]} ${both ? "" : `${AXES[axis]} `}`)}${v}` +
      (both ? " (height and width)" : "")));
    const cur = asPair(model.get(name)) || [v, v];
    const next = [cur[0], cur[1]];
    next[axis] = v;
    if (model.get("linked") === true) next[1 - axis] = v;
    const values = { [name]: next };
    if (spec.follow) spec.follow(model, values, limitsOf());
    setTraits(model, values);
    schedule();
  }

  const link = checkControl(uid, "same for height and width", (b) => {
    status.because(shapeWords(`Same for height and width: ${b ? "on" : "off"}`));
    const values = { linked: b };
    if (b) {
      for (const name of spec.params) {
        const p = asPair(model.get(name));
        if (p) values[name] = [p[0], p[0]];
      }
      if (spec.follow) spec.follow(model, values, limitsOf());
    }
    setTraits(model, values);
    schedule();
  });

  const sliders = {};
  const rows = [];
  for (const name of spec.params) {
    sliders[name] = [0, 1].map((a) => rangeControl(uid, `${spec.labels[name]} ${AXES[a]}`, 0, 1,
      (v) => onPair(name, a, v)));
    rows.push(h("div", { class: "d2l-row" }, sliders[name][0].el, sliders[name][1].el));
  }
  const status = statusArea();
  const ctx = { uid, model, schedule, sliders, limitsOf, status, shapeWords };
  const extra = spec.extraControls ? spec.extraControls(ctx) : [];
  let playing = false;
  const steps = stepControl(uid, (step) => {
    // while playing, each step is shown, not announced (the pause announces where it stopped)
    status.because(playing ? () => "" : (r) => r.stepText);
    setTraits(model, { step });
    schedule();
  }, 700, (on) => {
    playing = on;
    status.because((r) => (on ? `Playing the steps, one every 0.7 seconds, from step ${r.step + 1}.`
      : `Paused. ${r.stepText}`));
    schedule();
  });

  const svgNode = svgNodeFor(uid);
  const drawing = h("div", { class: "d2l-drawing" }, svgNode);
  const formula = h("div", { class: "d2l-formula" });
  const gluon = h("p", { class: "d2l-shape" });
  const view = h("div", { class: "d2l-view" }, drawing, status.el, formula, gluon);
  root.append(title, h("div", { class: "d2l-controls" }, ...extra, link.el, ...rows, steps.el), view);
  host.appendChild(root);

  /** The model's values, checked: {problem} or {n, linked, params: {name: pair}, extra}. */
  function readState() {
    let extra;
    if (spec.readExtra) {
      const r = spec.readExtra(model);
      if (r.problem) return r;
      extra = r.value;
    }
    const checked = readLimits(model, ["input_shape", ...spec.params]);
    if (checked.problem) return checked;
    const { limits } = checked;
    const n = asPair(model.get("input_shape"));
    const [lo, hi] = limits.input_shape;
    if (!n || n.some((v) => v < lo || v > hi)) {
      return { problem: `Cannot show input_shape: it must be a pair of whole numbers from ${lo} to ${hi}.` };
    }
    const st = { n, linked: model.get("linked") === true, params: {}, extra };
    for (const name of spec.params) {
      const r = readPair(model, name, limits);
      if (r.problem) return r;
      st.params[name] = r.value;
    }
    return st;
  }

  function showControls(st) {
    const limits = limitsOf();
    for (const name of spec.params) {
      const [lo, hi] = Array.isArray(limits[name]) ? limits[name] : [0, 1];
      for (const a of [0, 1]) {
        sliders[name][a].setRange(lo, hi);
        if (st.params && st.params[name]) sliders[name][a].show(st.params[name][a]);
      }
    }
    link.show(model.get("linked") === true);
    if (spec.show) spec.show(ctx, st);
  }

  function showMessage(text) {
    lastOut = null;
    status.show(text, "", true);
    drawing.hidden = true;
    formula.hidden = true;
    gluon.hidden = true;
    steps.show(0, 0);
  }

  function draw() {
    guarded(() => {
      const st = readState();
      const n = asPair(model.get("input_shape"));
      title.textContent = n ? spec.title(n) : spec.title([0, 0]);
      showControls(st);
      if (st.problem) {
        showMessage(st.problem);
        return;
      }
      const r = spec.compute(st);
      if (r.impossible) {
        showMessage(r.impossible);
        return;
      }
      const out = r.out;
      const count = out[0] * out[1];
      let step = isInt(model.get("step")) ? model.get("step") : 0;
      if (lastOut !== undefined && (lastOut === null || lastOut[0] !== out[0] || lastOut[1] !== out[1])) {
        if (step !== 0) {
          step = 0;
          model.set("step", 0);
          saveChanges(model);
        }
      }
      step = Math.min(Math.max(step, 0), count - 1);
      lastOut = out;
      steps.show(step, count);
      const pos = [Math.floor(step / out[1]), step % out[1]];
      const v = spec.view(st, out, pos, step);
      fillSvg(svgNode, uid, v.figure.width, v.figure.height, v.figure.title, v.figure.desc, v.figure.markup);
      status.show(v.live, v.detail, false, { step, stepText: v.detail, extra: v.extra || {} });
      formula.replaceChildren(...v.formula.map((line) => h("div", {}, line)));
      gluon.replaceChildren(...(v.pytorch
        ? ["Output shape: ", h("b", {}, shapeText(out)), ", the same as ", h("code", {}, v.gluon), " (MXNet Gluon) and ",
          h("code", {}, v.pytorch), " (PyTorch) give."]
        : ["Output shape: ", h("b", {}, shapeText(out)), ", the same as ", h("code", {}, v.gluon),
          " (MXNet Gluon) gives. ", v.pytorchRefuses || ""]));
      drawing.hidden = false;
      formula.hidden = false;
      gluon.hidden = false;
    }, showMessage);
  }

  const names = ["input_shape", "limits", "linked", "step", ...spec.params, ...(spec.extraTraits || [])];
  const unlisten = listen(model, names, schedule);
  draw();
  return () => {
    steps.stop();
    unlisten();
  };
}

/** Cell size (pixels) so that a drawing `columns` cells wide fits about 760 px. */
function cellSize(columns, lo = 10, hi = 26) {
  return Math.floor(Math.max(lo, Math.min(hi, 760 / (columns + 6))));
}
