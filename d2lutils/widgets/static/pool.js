// PoolExplorer: max and average pooling of X = 0, 1, ..., H·W − 1, with the pooled values computed on
// the page as MXNet's nd.Pooling does (max ignores padding, average counts it as 0).
// (Assembled after core.js, arith.js, draw.js and window.js; see core.js.)

/** Y (H', W') pooled from X = arange(H·W).reshape(H, W), as nd.Pooling (floor convention). */
function poolValues(n, k, p, s, out, mode) {
  const Y = [];
  for (let i = 0; i < out[0]; i += 1) {
    const row = [];
    for (let j = 0; j < out[1]; j += 1) {
      let acc = mode === "max" ? -Infinity : 0;
      for (let a = 0; a < k[0]; a += 1) {
        const r = i * s[0] - p[0] + a;
        for (let b = 0; b < k[1]; b += 1) {
          const c = j * s[1] - p[1] + b;
          const inside = r >= 0 && r < n[0] && c >= 0 && c < n[1];
          if (mode === "max") {
            if (inside) acc = Math.max(acc, r * n[1] + c);
          } else if (inside) {
            acc += r * n[1] + c;
          }
        }
      }
      row.push(mode === "max" ? acc : acc / (k[0] * k[1]));
    }
    Y.push(row);
  }
  return Y;
}

const POOL = {
  name: "PoolExplorer",
  short: "pool",
  cls: "d2l-pool-explorer",
  params: ["pool_size", "padding", "stride"],
  labels: { pool_size: "pool size", padding: "padding", stride: "stride" },
  extraTraits: ["mode", "default_stride"],
  title: (n) => `Pooling explorer: input ${n[0]}×${n[1]} holding 0, 1, …, ${n[0] * n[1] - 1}`,
  extraControls(ctx) {
    const { uid, model, schedule, limitsOf } = ctx;
    const group = h("fieldset", { class: "d2l-mode" }, h("legend", {}, "pooling"));
    ctx.modes = {};
    for (const [value, text] of [["max", "max"], ["avg", "average"]]) {
      const id = `${uid}-mode-${value}`;
      const input = h("input", { type: "radio", name: `${uid}-mode`, id, value });
      input.addEventListener("change", () => {
        if (input.checked) {
          ctx.status.because((r) => `${text === "max" ? "Max" : "Average"} pooling. Output cell ` +
            `(${r.extra.pos[0]}, ${r.extra.pos[1]}): ${r.extra.calc}.`);
          setTraits(model, { mode: value });
          schedule();
        }
      });
      ctx.modes[value] = input;
      group.append(h("span", { class: "d2l-radio" }, input, h("label", { for: id }, text)));
    }
    ctx.follow = checkControl(uid, "stride = pool size (Gluon's default)", (b) => {
      ctx.status.because(ctx.shapeWords(`Stride = pool size: ${b ? "on" : "off"}`));
      const values = { default_stride: b };
      if (b) POOL.follow(model, values, limitsOf());
      setTraits(model, values);
      schedule();
    });
    return [group, ctx.follow.el];
  },
  /** With "stride = pool size" ticked, a change of the pool size moves the stride too. */
  follow(model, values, limits) {
    const on = "default_stride" in values ? values.default_stride : model.get("default_stride");
    if (on !== true || !limits.stride) return;
    const k = asPair("pool_size" in values ? values.pool_size : model.get("pool_size"));
    if (k) values.stride = k.map((v) => Math.min(v, limits.stride[1]));
  },
  readExtra(model) {
    const mode = model.get("mode");
    if (mode !== "max" && mode !== "avg") return { problem: "Cannot show mode: it must be 'max' or 'avg'. Choose max or average to go on." };
    const d = model.get("default_stride");
    if (d !== true && d !== false) return { problem: "Cannot show default_stride: it must be True or False. Tick or untick \"stride = pool size\" to go on." };
    return { value: { mode, defaultStride: d } };
  },
  show(ctx, st) {
    const mode = ctx.model.get("mode");
    for (const [value, input] of Object.entries(ctx.modes)) input.checked = value === mode;
    const on = ctx.model.get("default_stride") === true;
    ctx.follow.show(on);
    for (const s of ctx.sliders.stride) s.disable(on);
  },
  compute(st) {
    const { pool_size: k, padding: p } = st.params;
    const problem = windowProblem(st.n, k, p, [1, 1], true);
    if (problem) return { impossible: windowMessage("pool", problem, st.n, k, p, [1, 1]) };
    return { out: [0, 1].map((a) => axisOut(st.n[a], k[a], p[a], st.params.stride[a], 1)) };
  },
  view(st, out, pos, step) {
    const { n } = st;
    const { pool_size: k, padding: p, stride: s } = st.params;
    const mode = st.extra.mode;
    const [i, j] = pos;
    const Y = poolValues(n, k, p, s, out, mode);
    const padded = p[0] > 0 || p[1] > 0;
    const nums = [];
    for (let r = i * s[0] - p[0]; r < i * s[0] - p[0] + k[0]; r += 1) {
      for (let c = j * s[1] - p[1]; c < j * s[1] - p[1] + k[1]; c += 1) {
        if (r >= 0 && r < n[0] && c >= 0 && c < n[1]) nums.push(String(r * n[1] + c));
        else if (mode === "avg") nums.push("0");
      }
    }
    const value = numText(Y[i][j]);
    const calc = mode === "max" ? `max(${nums.join(", ")}) = ${value}` + (padded ? " (padding is ignored)" : "")
      : `(${nums.join(" + ")}) / ${k[0] * k[1]} = ${value}` + (padded ? " (padding counts as 0)" : "");
    const detail = `Step ${step + 1} of ${out[0] * out[1]}: output cell (${i}, ${j}) pools rows ` +
      `${spanText(i * s[0], k[0], 1)} and columns ${spanText(j * s[1], k[1], 1)} of the ` +
      `${padded ? "padded " : ""}input: ${calc}.`;
    const Wp = n[1] + 2 * p[1];
    const cell = Math.floor(Math.max(22, Math.min(36, 760 / (Wp + out[1] + 6)))); // room for values such as 10.50
    const X = (r, c) => {
      const rr = r - p[0];
      const cc = c - p[1];
      if (rr >= 0 && rr < n[0] && cc >= 0 && cc < n[1]) return rr * n[1] + cc;
      return mode === "avg" ? 0 : null; // average pooling counts padding as 0; max pooling ignores it
    };
    const fig = windowMarkup({
      n, k, p, s, d: [1, 1], out, pos, cell, names: ["Input X", null, `Output (${mode === "max" ? "max" : "average"})`],
      values: { X, Y: (a, b) => Y[a][b] }, outGroup: ` data-values="${esc(JSON.stringify(Y))}"`,
    });
    fig.title = `${mode === "max" ? "Max" : "Average"} pooling of a ${n[0]}×${n[1]} input with a ${k[0]}×${k[1]} ` +
      `window, padding ${pairText(p)}, stride ${pairText(s)}: output ${out[0]}×${out[1]}`;
    fig.desc = `The pooling window (orange) at output cell (${i}, ${j}) (blue). ${detail}`;
    const layer = mode === "max" ? "MaxPool2D" : "AvgPool2D";
    return {
      live: `Output shape ${shapeText(out)}.`, detail, formula: poolFormula(n, k, p, s), figure: fig,
      extra: { pos, calc },
      gluon: `nn.${layer}(${pairText(k)}, padding=${pairText(p)}, strides=${pairText(s)})`,
      // PyTorch's pooling layers take padding up to half the window only
      pytorch: p[0] > Math.floor(k[0] / 2) || p[1] > Math.floor(k[1] / 2) ? null :
        `nn.${mode === "max" ? "MaxPool2d" : "AvgPool2d"}(${pairText(k)}, stride=${pairText(s)}, padding=${pairText(p)})`,
      pytorchRefuses: `PyTorch's nn.${mode === "max" ? "MaxPool2d" : "AvgPool2d"} refuses padding above half the window.`,
    };
  },
};

function render({ model, el }) {
  return renderWindowExplorer(POOL, model, el);
}

export default { render };
