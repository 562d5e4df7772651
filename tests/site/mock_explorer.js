// A stand-in for the course's ConvExplorer / PoolExplorer (issue 10), for testing the site's lesson
// checks before the real explorers are merged. It meets the same contract: a root with
// data-explorer, range inputs labelled "<parameter> height|width", a role="status" element with
// "Output shape (H', W')" or the reason a setting is impossible. Its arithmetic is written here
// independently of d2lutils.shapes; with the trait `bug` set it adds 1 to the height on purpose.
const PARAMS = {
  ConvExplorer: [["kernel", "kernel_size", 1, 9], ["padding", "padding", 0, 4], ["stride", "stride", 1, 4],
                 ["dilation", "dilation", 1, 3]],
  PoolExplorer: [["pool size", "kernel_size", 1, 5], ["padding", "padding", 0, 3], ["stride", "stride", 1, 5]],
};

function shape(kind, n, k, p, s, d, bug) {
  const out = [];
  for (const a of [0, 1]) {
    if (kind === "PoolExplorer" && p[a] >= k[a]) return `Impossible: padding ${p[a]} is not smaller than the pool size ${k[a]}`;
    const extent = d[a] * (k[a] - 1) + 1;
    if (extent > n[a] + 2 * p[a]) return `Impossible: the window (${extent}) is larger than the padded input`;
    out.push(Math.floor((n[a] + 2 * p[a] - extent) / s[a]) + 1 + (bug && a === 0 ? 1 : 0));
  }
  return `Output shape (${out[0]}, ${out[1]})`;
}

export default {
  render({ model, el }) {
    const kind = model.get("kind");
    const root = document.createElement("div");
    root.dataset.explorer = kind;
    const status = document.createElement("p");
    status.setAttribute("role", "status");
    const sliders = [];
    for (const [label, trait, min, max] of PARAMS[kind]) {
      ["height", "width"].forEach((axis, a) => {
        const input = Object.assign(document.createElement("input"), { type: "range", min, max, step: 1 });
        input.setAttribute("aria-label", `${label} ${axis}`);
        input.addEventListener("input", () => {
          const pair = model.get(trait).slice();
          pair[a] = Number(input.value);
          model.set(trait, pair);
          model.save_changes();
        });
        sliders.push([input, trait, a]);
        root.append(input);
      });
    }
    const show = () => {
      for (const [input, trait, a] of sliders) input.value = String(model.get(trait)[a]);
      status.textContent = shape(kind, model.get("input_shape"), model.get("kernel_size"), model.get("padding"),
                                 model.get("stride"), kind === "ConvExplorer" ? model.get("dilation") : [1, 1],
                                 model.get("bug"));
    };
    model.on("change", show);
    show();
    root.append(status);
    el.append(root);
  },
};
