// A tiny anywidget for the site loader's tests: an "explorer" of one padding control on a
// 1-row-of-output-shape convolution, with a binary buffer ("photo") it summarises.
// It meets the contract the course's explorers meet on the site: a root with data-explorer,
// an input[type=range] with an aria-label, and a role="status" element with the output shape.
export default {
  initialize({ model }) {
    globalThis.__tinyInitialized = (globalThis.__tinyInitialized || 0) + 1;
    model.on("msg:custom", (content) => { model.set("message", content.text); });
  },
  render({ model, el }) {
    const root = document.createElement("div");
    root.dataset.explorer = "TinyExplorer";
    root.className = "tiny-root";
    const slider = Object.assign(document.createElement("input"), { type: "range", min: "0", max: "4", step: "1" });
    slider.setAttribute("aria-label", "padding height");
    const status = document.createElement("p");
    status.setAttribute("role", "status");
    const photo = model.get("photo");
    const bytes = new Uint8Array(photo.buffer, photo.byteOffset, photo.byteLength);
    let sum = 0;
    for (const b of bytes) sum += b;
    const info = Object.assign(document.createElement("p"), { className: "tiny-photo" });
    info.textContent = `photo ${photo.constructor.name} ${bytes.length} bytes, sum ${sum}`;
    const message = Object.assign(document.createElement("p"), { className: "tiny-message" });
    const show = () => {
      const p = model.get("padding");
      const [h, w] = model.get("input_shape");
      const k = model.get("kernel_size");
      slider.value = String(p);
      const H = h + 2 * p - k + 1, W = w - k + 1;
      status.textContent = H > 0 && W > 0 ? `Output shape (${H}, ${W})` : "The kernel does not fit the input";
      message.textContent = model.get("message") || "";
    };
    slider.addEventListener("input", () => {
      model.set("padding", Number(slider.value));
      model.save_changes();
    });
    model.on("change:padding", show);
    model.on("change:message", show);
    show();
    root.append(slider, status, info, message);
    el.append(root);
  },
};
