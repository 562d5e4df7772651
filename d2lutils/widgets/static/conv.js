// ConvExplorer: kernel size, padding, stride and dilation of a convolution, and its output shape.
// (Assembled after core.js, arith.js, draw.js and window.js; see core.js.)

const CONV = {
  name: "ConvExplorer",
  short: "conv",
  cls: "d2l-conv-explorer",
  params: ["kernel_size", "padding", "stride", "dilation"],
  labels: { kernel_size: "kernel", padding: "padding", stride: "stride", dilation: "dilation" },
  title: (n) => `Convolution shape explorer: input ${n[0]}×${n[1]}`,
  compute(st) {
    const { kernel_size: k, padding: p, dilation: d } = st.params;
    const problem = windowProblem(st.n, k, p, d, false);
    if (problem) return { impossible: windowMessage("kernel", problem, st.n, k, p, d) };
    return { out: [0, 1].map((a) => axisOut(st.n[a], k[a], p[a], st.params.stride[a], d[a])) };
  },
  view(st, out, pos, step) {
    const { n } = st;
    const { kernel_size: k, padding: p, stride: s, dilation: d } = st.params;
    const [i, j] = pos;
    const Hp = n[0] + 2 * p[0];
    const Wp = n[1] + 2 * p[1];
    const padded = p[0] > 0 || p[1] > 0;
    const detail = `Step ${step + 1} of ${out[0] * out[1]}: output cell (${i}, ${j}) reads rows ` +
      `${spanText(i * s[0], k[0], d[0])} and columns ${spanText(j * s[1], k[1], d[1])} of the ` +
      (padded ? `padded ${Hp}×${Wp} input (grey cells are padding).` : `${n[0]}×${n[1]} input.`);
    const cell = cellSize(Wp + k[1] + out[1]);
    const fig = windowMarkup({ n, k, p, s, d, out, pos, cell, names: ["Input", "Kernel", "Output"] });
    fig.title = `Cross-correlation of a ${n[0]}×${n[1]} input` + (padded ? ` padded to ${Hp}×${Wp}` : "") +
      ` with a ${k[0]}×${k[1]} kernel` + (d[0] > 1 || d[1] > 1 ? ` dilated ${pairText(d)}` : "") +
      `, stride ${pairText(s)}: output ${out[0]}×${out[1]}`;
    fig.desc = `The kernel window (orange) at output cell (${i}, ${j}) (blue). ${detail}`;
    const gluon = `nn.Conv2D(1, kernel_size=${pairText(k)}, padding=${pairText(p)}, strides=${pairText(s)}` +
      (d[0] > 1 || d[1] > 1 ? `, dilation=${pairText(d)})` : ")");
    const pytorch = `nn.Conv2d(1, 1, kernel_size=${pairText(k)}, padding=${pairText(p)}, stride=${pairText(s)}` +
      (d[0] > 1 || d[1] > 1 ? `, dilation=${pairText(d)})` : ")");
    return { live: `Output shape ${shapeText(out)}.`, detail, formula: convFormula(n, k, p, s, d), gluon, pytorch, figure: fig };
  },
};

function render({ model, el }) {
  return renderWindowExplorer(CONV, model, el);
}

export default { render };
