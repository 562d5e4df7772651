// PhotoFilter: cross-correlate a grayscale photograph with an editable 3x3 kernel, on the page.
// The photograph arrives as a binary trait (uint8, row-major H x W; a DataView, ArrayBuffer or
// Uint8Array); the output is |Y| scaled so that its largest value is white, as Python's
// PhotoFilter._to_uint8 does. (Assembled after core.js and arith.js; see core.js.)

const KERNEL_LIMIT = 1e6;

/** Y (H', W') = corr2d(X, K, padding p, stride s) with X uint8 / 255 (H, W) and K 3x3 numbers. */
function corr2d3(X, H, W, K, p, s) {
  const Ho = axisOut(H, 3, p, s);
  const Wo = axisOut(W, 3, p, s);
  const Y = new Float64Array(Math.max(Ho, 0) * Math.max(Wo, 0));
  for (let i = 0; i < Ho; i += 1) {
    for (let a = 0; a < 3; a += 1) {
      const r = i * s - p + a;
      if (r < 0 || r >= H) continue;
      const row = r * W;
      for (let b = 0; b < 3; b += 1) {
        const kv = K[a][b] / 255;
        if (kv === 0) continue;
        for (let j = 0; j < Wo; j += 1) {
          const c = j * s - p + b;
          if (c >= 0 && c < W) Y[i * Wo + j] += kv * X[row + c];
        }
      }
    }
  }
  return { Y, Ho, Wo };
}

/** Why the kernel (3x3, entries numbers or null) cannot be used, in words, or null. */
function kernelProblem(K) {
  const flat = K.flat();
  if (flat.some((v) => typeof v !== "number" || !Number.isFinite(v))) return "not a finite number";
  if (flat.some((v) => Math.abs(v) > KERNEL_LIMIT)) {
    return "too large (kernel values must lie between -1,000,000 and 1,000,000)";
  }
  return null;
}

function isKernel(K, allowNull = true) {
  return Array.isArray(K) && K.length === 3 && K.every((row) => Array.isArray(row) && row.length === 3 &&
    row.every((v) => (v === null && allowNull) || typeof v === "number"));
}

/** The presets from the model if they are {name: 3x3 numbers}, else null. */
function readPresets(model) {
  const P = model.get("presets");
  if (P === null || typeof P !== "object" || Array.isArray(P)) return null;
  return Object.values(P).every((K) => isKernel(K, false)) ? P : null;
}

/** The preset the kernel matches (the current one first), else "custom" (numpy's allclose, atol 1e-9). */
function matchPreset(K, presets, current) {
  const names = Object.keys(presets);
  names.sort((a, b) => (a === current ? -1 : 0) - (b === current ? -1 : 0));
  for (const name of names) {
    const P = presets[name];
    let same = true;
    for (let a = 0; a < 3 && same; a += 1) {
      for (let b = 0; b < 3 && same; b += 1) {
        const v = K[a][b];
        same = typeof v === "number" && Math.abs(v - P[a][b]) <= 1e-9 + 1e-5 * Math.abs(P[a][b]);
      }
    }
    if (same) return name;
  }
  return "custom";
}

/** A kernel value as a box shows it: at most 4 significant digits ("0.9894", "-1", "1e-7"). */
function kernelNumber(v) {
  if (typeof v !== "number" || !Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

function grayImage(ctx, values, Hh, Ww, scale) {
  const img = ctx.createImageData(Ww, Hh);
  const d = img.data;
  for (let q = 0; q < Hh * Ww; q += 1) {
    const g = scale(values[q]);
    d[4 * q] = g;
    d[4 * q + 1] = g;
    d[4 * q + 2] = g;
    d[4 * q + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function render({ model, el: host }) {
  const uid = d2lUid("photo");
  const root = h("div", { class: "d2l-explorer d2l-photo-filter", "data-explorer": "PhotoFilter" });
  const schedule = makeScheduler(draw);
  const status = statusArea();
  const said = (what) => (r) => `${what}. ${r.live}`;

  const preset = selectControl(uid, "preset", [], (name) => {
    status.because((r) => `Preset ${name}: kernel [${r.kernel}]. ${r.live}`);
    const values = { preset: name };
    const presets = readPresets(model) || {};
    if (presets[name]) values.kernel = presets[name].map((row) => [...row]);
    setTraits(model, values);
    schedule();
  });
  const boxes = [0, 1, 2].map((a) => [0, 1, 2].map((b) => {
    const input = h("input", { type: "number", step: "0.1", "aria-label": `kernel row ${a + 1}, column ${b + 1}` });
    input.addEventListener("input", () => {
      const K = (isKernel(model.get("kernel")) ? model.get("kernel") : [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
        .map((row) => [...row]);
      const v = input.valueAsNumber;
      K[a][b] = Number.isFinite(v) ? v : null;
      status.because((r) => `Kernel row ${a + 1}, column ${b + 1}: ${kernelNumber(v)} (kernel: ${r.name}). ${r.live}`);
      setTraits(model, { kernel: K, preset: matchPreset(K, readPresets(model) || {}, model.get("preset")) });
      schedule();
    });
    return input;
  }));
  const padding = rangeControl(uid, "padding", 0, 4, (v) => {
    status.because(said(`Padding ${v}`));
    setTraits(model, { padding: v });
    schedule();
  });
  const stride = rangeControl(uid, "stride", 1, 4, (v) => {
    status.because(said(`Stride ${v}`));
    setTraits(model, { stride: v });
    schedule();
  });
  const kernelLabel = h("p", { class: "d2l-kernel-label", id: `${uid}-klabel` }, "kernel K (3×3, editable)");
  const grid = h("div", { class: "d2l-kernel", role: "group", "aria-labelledby": `${uid}-klabel` }, ...boxes.flat());

  const inCanvas = h("canvas", { role: "img", class: "d2l-photo-in" });
  const outCanvas = h("canvas", { role: "img", class: "d2l-photo-out" });
  const inCaption = h("figcaption", {});
  const outCaption = h("figcaption", {});
  const outFigure = h("figure", {}, outCaption, outCanvas);
  const controls = h("div", { class: "d2l-controls" }, preset.el, kernelLabel, grid, padding.el, stride.el);
  root.append(
    h("p", { class: "d2l-title" }, "Photo filter: cross-correlation of a photograph with a 3×3 kernel"),
    h("div", { class: "d2l-photo-layout" }, controls, h("figure", {}, inCaption, inCanvas), outFigure),
    status.el,
  );
  host.appendChild(root);

  let photoKey = null;
  let X = null;
  let shape = null;

  /** The photograph from the model (drawn once per new photograph): {X, H, W} or {problem}. */
  function readPhoto() {
    const raw = model.get("photo");
    const s = asPair(model.get("photo_shape"));
    const bytes = asBytes(raw);
    if (!bytes || !s || s[0] < 3 || s[1] < 3 || bytes.length !== s[0] * s[1]) {
      return { problem: "Cannot show the photograph: photo must hold photo_shape[0] × photo_shape[1] bytes." };
    }
    if (raw !== photoKey) {
      photoKey = raw;
      X = bytes;
      shape = s;
      inCanvas.width = s[1];
      inCanvas.height = s[0];
      grayImage(inCanvas.getContext("2d"), X, s[0], s[1], (v) => v);
      inCaption.textContent = `input X ${s[0]}×${s[1]}`;
      inCanvas.setAttribute("aria-label", `The input photograph, ${s[0]} by ${s[1]} pixels, in grey levels.`);
    }
    return { X, H: shape[0], W: shape[1] };
  }

  function readState() {
    const checked = readLimits(model, ["padding", "stride"]);
    if (checked.problem) return checked;
    const lim = checked.limits;
    const presets = readPresets(model);
    if (!presets) return { problem: "Cannot show presets: each must be 3×3 numbers. Create the explorer again to go on." };
    const p = model.get("padding");
    if (!isInt(p) || p < lim.padding[0] || p > lim.padding[1]) return { problem: badIntText("padding", ...lim.padding) };
    const s = model.get("stride");
    if (!isInt(s) || s < lim.stride[0] || s > lim.stride[1]) return { problem: badIntText("stride", ...lim.stride) };
    const K = model.get("kernel");
    if (!isKernel(K)) return { problem: "Cannot show kernel: it must be 3×3 numbers. Choose a preset to go on." };
    const name = model.get("preset");
    if (typeof name !== "string" || !(name in presets || name === "custom")) {
      return { problem: "Cannot show preset: it must be one of the preset names or 'custom'. Choose a preset to go on." };
    }
    return { p, s, K, name };
  }

  function showControls() {
    const presets = readPresets(model) || {};
    const names = [...Object.keys(presets), "custom"];
    if (preset.input.options.length !== names.length || names.some((n, q) => preset.input.options[q].value !== n)) {
      preset.options(names.map((n) => [n, n]));
    }
    preset.show(model.get("preset"));
    const checked = readLimits(model, ["padding", "stride"]);
    if (checked.limits) {
      padding.setRange(...checked.limits.padding);
      stride.setRange(...checked.limits.stride);
    }
    padding.show(model.get("padding"));
    stride.show(model.get("stride"));
    const K = model.get("kernel");
    if (isKernel(K)) {
      for (let a = 0; a < 3; a += 1) {
        for (let b = 0; b < 3; b += 1) {
          const v = K[a][b];
          const box = boxes[a][b];
          if (v === null) continue; // keep what the learner typed
          if (box.value === "" || kernelNumber(box.valueAsNumber) !== kernelNumber(v)) box.value = kernelNumber(v);
        }
      }
    }
  }

  function showMessage(text) {
    status.show(text, "", true);
    outFigure.hidden = true;
  }

  function draw() {
    guarded(() => {
      showControls();
      const photo = readPhoto();
      if (photo.problem) return showMessage(photo.problem);
      const st = readState();
      if (st.problem) return showMessage(st.problem);
      const problem = kernelProblem(st.K);
      if (problem) return showMessage(`The kernel holds a value that is ${problem}: type another number in that box.`);
      const { H, W } = photo;
      if (axisOut(H, 3, st.p, st.s) < 1 || axisOut(W, 3, st.p, st.s) < 1) return showMessage("Impossible setting.");
      const { Y, Ho, Wo } = corr2d3(photo.X, H, W, st.K, st.p, st.s);
      let top = 0;
      for (let q = 0; q < Y.length; q += 1) top = Math.max(top, Math.abs(Y[q]));
      outCanvas.width = Wo;
      outCanvas.height = Ho;
      const scale = top > 0 && Number.isFinite(top) ? (v) => Math.floor(Math.min(Math.abs(v) / top, 1) * 255) : () => 0;
      grayImage(outCanvas.getContext("2d"), Y, Ho, Wo, scale);
      outCaption.textContent = `output Y ${Ho}×${Wo} (|Y|, scaled)`;
      outCanvas.setAttribute("aria-label", `The output |Y|, ${Ho} by ${Wo} pixels: bright where the kernel ` +
        "responds strongly, black where it gives 0.");
      const [rows, columns] = convFormula([H, W], [3, 3], [st.p, st.p], [st.s, st.s], [1, 1]).map((l) => l.split(": ")[1]);
      const live = `Output shape (${Ho}, ${Wo}).`;
      const facts = { name: st.name, kernel: st.K.map((row) => `[${row.map(kernelNumber).join(", ")}]`).join(", ") };
      status.show(live, `The ${H}×${W} photo with padding ${st.p} and stride ${st.s} gives ` +
        `${rows} rows and ${columns} columns. Shown: |Y| scaled so that the largest value is white ` +
        `(kernel: ${st.name}).`, false, facts);
      outFigure.hidden = false;
    }, showMessage);
  }

  const unlisten = listen(model, ["photo", "photo_shape", "kernel", "padding", "stride", "preset", "presets", "limits"],
    schedule);
  draw();
  return unlisten;
}

export default { render };
