// A local stand-in for a widget's kernel-side model, so that an explorer's ES module runs on a static
// page from its saved state alone (no kernel, no widget manager, nothing fetched).
//
// It offers what the explorers' contract allows: get, set, save_changes, on, off, send. Changes fire
// "change:<name>" (and "change") listeners synchronously, as Backbone does in JupyterLab; save_changes
// and send go nowhere. mount() decodes the saved state's base64 buffers (as a DataView, an ArrayBuffer
// or a Uint8Array: explorers must accept all three), loads the module from the state's `_esm` text
// through a Blob URL, adds its `_css` once, and calls the module's initialize (if any) and render.

export class StandInModel {
  constructor(state) {
    this._state = { ...state };
    this._listeners = new Map();
    this.saves = 0;
    this.sent = [];
  }

  get(name) {
    return this._state[name];
  }

  set(name, value) {
    const values = typeof name === "string" ? { [name]: value } : name;
    const changed = [];
    for (const [k, v] of Object.entries(values)) {
      if (!Object.is(this._state[k], v)) {
        this._state[k] = v;
        changed.push(k);
      }
    }
    for (const k of changed) this._emit(`change:${k}`, this._state[k]);
    if (changed.length) this._emit("change");
  }

  save_changes() {
    this.saves += 1;
  }

  send(content) {
    this.sent.push(content);
  }

  on(event, callback) {
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(callback);
  }

  off(event, callback) {
    if (!event) {
      this._listeners.clear();
    } else if (!callback) {
      this._listeners.delete(event);
    } else if (this._listeners.has(event)) {
      this._listeners.get(event).delete(callback);
    }
  }

  _emit(event, value) {
    for (const callback of [...(this._listeners.get(event) || [])]) callback(this, value);
  }
}

function decodeBase64(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** A saved model's state with its buffers put back at their paths, as `form` ("dataview", ...). */
export function decodeState(saved, form = "dataview") {
  const state = structuredClone(saved.state);
  for (const buffer of saved.buffers || []) {
    const bytes = buffer.encoding === "base64" ? decodeBase64(buffer.data) : new TextEncoder().encode(buffer.data);
    const value = form === "arraybuffer" ? bytes.buffer : form === "uint8array" ? bytes : new DataView(bytes.buffer);
    let target = state;
    for (const key of buffer.path.slice(0, -1)) target = target[key];
    target[buffer.path[buffer.path.length - 1]] = value;
  }
  return state;
}

const addedCss = new Set();

/** Mount one saved anywidget model into `el`; returns {model, cleanup}. */
export async function mount(el, saved, form = "dataview") {
  const state = decodeState(saved, form);
  const css = state._css || "";
  const key = state._anywidget_id || css;
  if (css && !addedCss.has(key)) {
    addedCss.add(key);
    const style = document.createElement("style");
    style.textContent = css;
    document.head.append(style);
  }
  const url = URL.createObjectURL(new Blob([state._esm], { type: "text/javascript" }));
  let mod;
  try {
    mod = await import(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const widget = mod.default;
  const model = new StandInModel(state);
  if (widget.initialize) await widget.initialize({ model });
  const cleanup = await widget.render({ model, el });
  return { model, cleanup };
}
