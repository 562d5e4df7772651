// d2lutils explorers, shared part 2 of 3: the arithmetic, the same as d2lutils.shapes and
// d2lutils.receptive in Python (the browser tests compare them on hundreds of settings, and with
// Gluon's own layers). All sizes are [h, w] pairs of integers.

const AXES = ["height", "width"];

/** floor((n + 2p − d·(k − 1) − 1) / s) + 1 for one axis (Gluon's output size). */
function axisOut(n, k, p, s, d = 1) {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/**
 * Why a window cannot slide over an input (d2lutils.shapes.window_problem): the first
 * {axis, reason: "padding" | "too large", extent, padded}, or null when it fits.
 */
function windowProblem(n, k, p, d = [1, 1], pool = false) {
  const extents = [0, 1].map((a) => d[a] * (k[a] - 1) + 1);
  const padded = [0, 1].map((a) => n[a] + 2 * p[a]);
  for (const a of [0, 1]) {
    if (pool && p[a] >= k[a]) return { axis: a, reason: "padding", extent: extents[a], padded: padded[a] };
  }
  for (const a of [0, 1]) {
    if (extents[a] > padded[a]) return { axis: a, reason: "too large", extent: extents[a], padded: padded[a] };
  }
  return null;
}

/** d2lutils.shapes.conv_shape_formula: ["H: ⌊(8 + 2·1 − 3) / 2⌋ + 1 = 4", "W: ..."]. */
function convFormula(n, k, p, s, d) {
  return [0, 1].map((a) => {
    const w = d[a] > 1 ? `${d[a]}·(${k[a]} − 1) − 1` : `${k[a]}`;
    return `${"HW"[a]}: ⌊(${n[a]} + 2·${p[a]} − ${w}) / ${s[a]}⌋ + 1 = ${axisOut(n[a], k[a], p[a], s[a], d[a])}`;
  });
}

/** d2lutils.shapes.pool_shape_formula. */
function poolFormula(n, k, p, s) {
  return [0, 1].map((a) => `${"HW"[a]}: ⌊(${n[a]} + 2·${p[a]} − ${k[a]}) / ${s[a]}⌋ + 1 = ` +
    `${axisOut(n[a], k[a], p[a], s[a], 1)}`);
}

/** Rows/columns a window touches: "0–2", or "0–4 every 2" with dilation. */
function spanText(start, count, step) {
  if (count === 1) return String(start);
  return `${start}–${start + (count - 1) * step}` + (step > 1 ? ` every ${step}` : "");
}

/** The explorers' words for an impossible window (the same as Python's _window_message). */
function windowMessage(window, problem, n, k, p, d) {
  const a = problem.axis;
  const axis = AXES[a];
  const rows = ["rows", "columns"][a];
  const pool = window === "pool";
  if (problem.reason === "padding") {
    return `Impossible setting: the padding ${axis} ${p[a]} must be smaller than the pool ${axis} ${k[a]}; ` +
      "otherwise some windows would hold nothing but padding.";
  }
  const spans = d[a] > 1 ? `the ${window} ${axis} ${k[a]} with dilation ${d[a]} spans ${problem.extent} ${rows}`
    : `the ${window} ${axis} is ${k[a]} ${rows}`;
  const advice = pool ? "a smaller pool or more padding" : "a smaller kernel, more padding or less dilation";
  return `Impossible setting: ${spans}, but the padded input has only ${n[a]} + 2·${p[a]} = ${problem.padded} ` +
    `${rows}, so the window does not fit anywhere. Use ${advice}.`;
}

/** A number as the status line writes it: integers plainly, others with 2 decimals. */
function numText(x) {
  if (Number.isInteger(x)) return String(x);
  return x.toFixed(2);
}

/** Sorted indices as text: [0, 1, 2, 5, 7, 9] -> "0–2, 5, 7, 9"; runs of three or more are ranges. */
function indexText(indices) {
  const parts = [];
  let i = 0;
  while (i < indices.length) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j += 1;
    if (j - i >= 2) {
      parts.push(`${indices[i]}–${indices[j]}`);
    } else {
      for (let m = i; m <= j; m += 1) parts.push(String(indices[m]));
    }
    i = j + 1;
  }
  return parts.join(", ");
}

// ---------------------------------------------------------------- receptive fields

/** Output shape after each layer, or {problem: {layer, text}} for the first layer that does not fit. */
function stackShapes(n, layers) {
  const shapes = [n];
  for (let l = 0; l < layers.length; l += 1) {
    const L = layers[l];
    const input = shapes[shapes.length - 1];
    const pool = L.kind === "pool";
    const problem = windowProblem(input, L.kernel_size, L.padding, L.dilation, pool);
    if (problem) return { shapes, problem: { layer: l, text: stackProblemText(l, L, input, problem) } };
    shapes.push([0, 1].map((a) => axisOut(input[a], L.kernel_size[a], L.padding[a], L.stride[a], L.dilation[a])));
  }
  return { shapes };
}

function layerName(l, L) {
  return `layer ${l + 1} (${L.kind === "pool" ? "pooling" : "convolution"})`;
}

/** Why layer l cannot slide over its input (the same words as Python's ReceptiveFieldExplorer). */
function stackProblemText(l, L, input, problem) {
  const a = problem.axis;
  const axis = AXES[a];
  const rows = ["rows", "columns"][a];
  if (problem.reason === "padding") {
    return `Impossible setting: ${layerName(l, L)} has padding ${axis} ${L.padding[a]}, which must be smaller ` +
      `than its kernel ${axis} ${L.kernel_size[a]}.`;
  }
  return `Impossible setting: the window of ${layerName(l, L)} spans ${problem.extent} ${rows}, but its padded ` +
    `input has only ${input[a]} + 2·${L.padding[a]} = ${problem.padded} ${rows}. Use smaller kernels or strides, ` +
    "more padding or fewer layers.";
}

/** d2lutils.receptive.receptive_fields: [{size, jump, start}] after each layer. */
function receptiveFields(layers) {
  const size = [1, 1];
  const jump = [1, 1];
  const start = [0, 0];
  return layers.map((L) => {
    for (const a of [0, 1]) {
      start[a] -= L.padding[a] * jump[a];
      size[a] += L.dilation[a] * (L.kernel_size[a] - 1) * jump[a];
      jump[a] *= L.stride[a];
    }
    return { size: [...size], jump: [...jump], start: [...start] };
  });
}

/**
 * The cells output cell `pos` of the last layer depends on, at every level: levels[0] is the input,
 * levels[L] the last output; each level is [rows, columns] (sorted index arrays). Exact, like
 * d2lutils.receptive.receptive_region: dilation leaves holes, padding is not input.
 */
function receptiveLevels(shapes, layers, pos) {
  const levels = new Array(layers.length + 1);
  levels[layers.length] = [[pos[0]], [pos[1]]];
  for (let l = layers.length - 1; l >= 0; l -= 1) {
    const L = layers[l];
    levels[l] = [0, 1].map((a) => {
      const n = shapes[l][a];
      const mask = new Uint8Array(n);
      for (const c of levels[l + 1][a]) {
        const first = c * L.stride[a] - L.padding[a];
        for (let t = 0; t < L.kernel_size[a]; t += 1) {
          const r = first + t * L.dilation[a];
          if (r >= 0 && r < n) mask[r] = 1;
        }
      }
      const out = [];
      for (let r = 0; r < n; r += 1) if (mask[r]) out.push(r);
      return out;
    });
  }
  return levels;
}
