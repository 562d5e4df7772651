// The course website's widget loader: runs the notebooks' anywidget explorers with no kernel.
//
// A page built by myst-nb holds the notebook's saved widget state
//   <script type="application/vnd.jupyter.widget-state+json">{"state": {model_id: {...}}, ...}</script>
// and one view per displayed widget, where the output was:
//   <script type="application/vnd.jupyter.widget-view+json">{"model_id": "..."}</script>
// For every view whose model is an anywidget (model_module "anywidget"), this loader builds a
// small local stand-in for the kernel-backed model (get / set / save_changes / on / off / send,
// Backbone-style change events; binary buffers decoded to DataView at their paths), imports the
// widget's ES module from the state's `_esm` (a Blob URL: nothing is fetched from any host),
// adds its `_css`, and calls the module as anywidget does: `initialize({model})` once per model,
// then `render({model, el})` once per view. A view of any other widget (the old ipywidgets
// explorers, which need Python to draw) gets a short note saying how to run it for real.
//
// Tests and benchmarks can wait for `window.d2lWidgets.ready` (resolves to one record per view).
// A classic deferred script (not a module), so that it also runs on pages opened from disk (file://),
// where browsers refuse module scripts; the widgets' own modules load from Blob URLs, which work there.

(() => {
"use strict";

const STATE_MIME = "application/vnd.jupyter.widget-state+json";
const VIEW_MIME = "application/vnd.jupyter.widget-view+json";

// ---------------------------------------------------------------- saved state

function decodeBase64(text) {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function decodeHex(text) {
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.substr(2 * i, 2), 16);
  return bytes;
}

// How binary traits reach a module: a DataView, as JupyterLab gives them. A test page may ask for
// "arraybuffer" or "uint8array" (set window.d2lWidgetsBufferForm before this script runs) to check that
// the explorers accept those forms too.
const BUFFER_FORM = window.d2lWidgetsBufferForm || "dataview";

function asForm(bytes) {
  if (BUFFER_FORM === "arraybuffer") return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  if (BUFFER_FORM === "uint8array") return bytes;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Put each saved buffer ({path, data, encoding}) into `state` at its path (a DataView by default). */
function putBuffers(state, buffers) {
  for (const { path, data, encoding } of buffers || []) {
    const bytes = encoding === "hex" ? decodeHex(data) : decodeBase64(data);
    const view = asForm(bytes);
    let obj = state;
    for (let i = 0; i < path.length - 1; i++) {
      if (obj[path[i]] === undefined || obj[path[i]] === null) obj[path[i]] = typeof path[i + 1] === "number" ? [] : {};
      obj = obj[path[i]];
    }
    obj[path[path.length - 1]] = view;
  }
  return state;
}

/** {model_id: {model_name, model_module, state, buffers}} from every widget-state script of the page. */
function savedModels(doc = document) {
  const models = {};
  for (const script of doc.querySelectorAll(`script[type="${STATE_MIME}"]`)) {
    let parsed;
    try {
      parsed = JSON.parse(script.textContent);
    } catch (err) {
      console.error("d2l-widgets: the page's saved widget state is not valid JSON", err);
      continue;
    }
    // a page shows both editions of its notebook: their models are saved together (tools/build_site.py),
    // and model ids are unique (uuid4); one id saved twice would hide one of the explorers
    for (const [id, entry] of Object.entries(parsed.state || {})) {
      if (id in models) console.error(`d2l-widgets: widget model ${id} is saved twice on this page`);
      models[id] = entry;
    }
  }
  return models;
}

// ---------------------------------------------------------------- the local model

function isEqual(a, b) {
  if (a === b) return true;
  if (a instanceof DataView && b instanceof DataView) {
    if (a.byteLength !== b.byteLength) return false;
    for (let i = 0; i < a.byteLength; i++) if (a.getUint8(i) !== b.getUint8(i)) return false;
    return true;
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b) || a instanceof ArrayBuffer || b instanceof ArrayBuffer) {
    return false; // other binary values: a new object is a change
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => isEqual(x, b[i]));
  }
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isEqual(a[k], b[k]));
  }
  return Number.isNaN(a) && Number.isNaN(b);
}

/**
 * The stand-in for a kernel-backed anywidget model: the same small API anywidget gives a widget's
 * module (get, set, save_changes, on, off, send, widget_manager), on the saved state only.
 *
 * Events follow Backbone, as in JupyterLab: `set` fires "change:<name>" (model, value) for each
 * trait whose value changed, then one "change" (model); `on`/`off` take space-separated names and
 * an optional context. With no kernel, `save_changes` and `send` have nobody to talk to: they
 * count what would have been sent (see `sent`), so a module works the same with or without Python.
 */
class LocalModel {
  constructor(model_id, state, manager) {
    this.model_id = model_id;
    this.widget_manager = manager;
    this._state = state;
    this._handlers = []; // {name, callback, context}
    this._changing = false;
    this._pending = false;
    this.sent = { saves: 0, messages: [] };
  }

  get(name) {
    return this._state[name];
  }

  set(key, value) {
    const attrs = typeof key === "object" && key !== null ? key : { [key]: value };
    const nested = this._changing;
    this._changing = true;
    try {
      const changed = [];
      for (const [name, v] of Object.entries(attrs)) {
        if (!isEqual(this._state[name], v)) {
          this._state[name] = v;
          changed.push(name);
        }
      }
      if (changed.length) this._pending = true;
      for (const name of changed) this._emit(`change:${name}`, this, this._state[name]);
      // one "change" after the outermost set, however many nested sets the handlers made
      if (!nested) {
        while (this._pending) {
          this._pending = false;
          this._emit("change", this);
        }
      }
    } finally {
      if (!nested) this._changing = false;
    }
    return this;
  }

  save_changes() {
    this.sent.saves += 1;
  }

  send(content, callbacks, buffers) {
    this.sent.messages.push({ content, buffers: buffers || [] });
  }

  on(names, callback, context) {
    if (typeof callback !== "function") return this;
    for (const name of String(names).split(/\s+/).filter(Boolean)) {
      this._handlers.push({ name, callback, context });
    }
    return this;
  }

  off(names, callback, context) {
    const wanted = names ? String(names).split(/\s+/).filter(Boolean) : null;
    this._handlers = this._handlers.filter((h) => !(
      (!wanted || wanted.includes(h.name)) &&
      (!callback || h.callback === callback) &&
      (!context || h.context === context)));
    return this;
  }

  /** A message from the (absent) kernel, for tests: `msg:custom` handlers get (content, buffers). */
  receive(content, buffers = []) {
    this._emit("msg:custom", content, buffers);
  }

  _emit(name, ...args) {
    for (const h of this._handlers.slice()) {
      if (h.name === name) h.callback.apply(h.context || this, args);
    }
  }
}

// ---------------------------------------------------------------- widget modules

const modules = new Map(); // _esm source -> Promise of the widget definition

async function loadWidget(esm) {
  let mod;
  if (/^https?:\/\//.test(esm)) {
    throw new Error("the widget's module is a URL; this site only runs modules saved in the page");
  }
  const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
  try {
    mod = await import(/* webpackIgnore: true */ url);
  } finally {
    URL.revokeObjectURL(url);
  }
  if (typeof mod.render === "function" && !mod.default) {
    return { render: mod.render };
  }
  if (!mod.default) throw new Error("the widget's module has no default export");
  return typeof mod.default === "function" ? await mod.default() : mod.default;
}

function widgetDefinition(esm) {
  if (!modules.has(esm)) modules.set(esm, loadWidget(esm));
  return modules.get(esm);
}

const styles = new Set();

function addCss(css, id) {
  if (!css || styles.has(css)) return;
  styles.add(css);
  const style = document.createElement("style");
  style.dataset.anywidgetId = id || "";
  style.textContent = css;
  document.head.appendChild(style);
}

// ---------------------------------------------------------------- the manager

class Manager {
  constructor(saved) {
    this.saved = saved;
    this.models = new Map(); // model_id -> LocalModel
    this.initialized = new Map(); // model_id -> Promise (initialize() done)
  }

  isAnywidget(id) {
    const entry = this.saved[id];
    return Boolean(entry && entry.model_module === "anywidget" && entry.state && typeof entry.state._esm === "string");
  }

  model(id) {
    if (!this.models.has(id)) {
      const entry = this.saved[id];
      if (!entry) return null;
      const state = putBuffers(structuredClone(entry.state || {}), entry.buffers);
      this.models.set(id, new LocalModel(id, state, this));
    }
    return this.models.get(id);
  }

  /** ipywidgets' widget_manager.get_model, for modules that follow IPY_MODEL_ references. */
  async get_model(id) {
    const model = this.model(String(id).replace(/^IPY_MODEL_/, ""));
    if (!model) throw new Error(`no saved state for widget model ${id}`);
    return model;
  }

  experimental(model) {
    return {
      invoke: async (name) => {
        throw new Error(`"${name}" needs the Python kernel, and this page has none (model ${model.model_id})`);
      },
    };
  }

  async initialize(id, widget) {
    if (!this.initialized.has(id)) {
      const model = this.model(id);
      this.initialized.set(id, Promise.resolve(widget.initialize?.({ model, experimental: this.experimental(model) })));
    }
    return this.initialized.get(id);
  }

  async render(id, el) {
    const model = this.model(id);
    addCss(model.get("_css"), model.get("_anywidget_id"));
    const widget = await widgetDefinition(model.get("_esm"));
    await this.initialize(id, widget);
    await widget.render?.({ model, el, experimental: this.experimental(model) });
    return model;
  }
}

// ---------------------------------------------------------------- mounting

function note(host, text) {
  const p = document.createElement("p");
  p.className = "d2l-widget-note";
  p.setAttribute("role", "note");
  p.textContent = text;
  host.appendChild(p);
}

async function mountView(manager, script) {
  const host = document.createElement("div");
  host.className = "d2l-widget";
  script.after(host);
  let id = null;
  try {
    id = JSON.parse(script.textContent).model_id;
  } catch (err) {
    console.error("d2l-widgets: a widget view is not valid JSON", err);
    return { model_id: null, status: "error", error: String(err) };
  }
  host.dataset.modelId = id;
  if (!manager.saved[id]) {
    note(host, "This live explorer was not saved with the page. Run the notebook in JupyterLab to use it.");
    return { model_id: id, status: "missing" };
  }
  if (!manager.isAnywidget(id)) {
    host.classList.add("d2l-widget-needs-kernel");
    note(host, "This explorer needs Python in this version of the notebook: run the lesson in JupyterLab " +
      "(make lab) to use it.");
    return { model_id: id, status: "needs-kernel", model_name: manager.saved[id].model_name };
  }
  host.classList.add("d2l-anywidget");
  const el = document.createElement("div");
  host.appendChild(el);
  try {
    await manager.render(id, el);
    host.dataset.mounted = "true";
    return { model_id: id, status: "mounted" };
  } catch (err) {
    console.error(`d2l-widgets: explorer ${id} could not start`, err);
    el.replaceChildren();
    note(host, `This explorer could not start in this browser: ${err && err.message ? err.message : err}`);
    return { model_id: id, status: "error", error: String(err && err.message ? err.message : err) };
  }
}

function mountAll(doc = document) {
  const manager = new Manager(savedModels(doc));
  const views = Array.from(doc.querySelectorAll(`script[type="${VIEW_MIME}"]`));
  const ready = Promise.all(views.map((script) => mountView(manager, script)));
  return { manager, ready };
}

const { manager, ready } = mountAll();
window.d2lWidgets = { manager, ready, LocalModel };
})();
