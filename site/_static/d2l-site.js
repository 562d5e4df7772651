// The course website's own behaviour on top of sphinx-book-theme 1.4.0 / pydata-sphinx-theme 0.20.0
// (both pinned): the sidebar toggles, and readable search results. Nothing is fetched.
"use strict";

(function () {
  // ---------------------------------------------------------------- the sidebar toggles
  // The themes bind their click handlers to the *first* button of each class (document.querySelector
  // (".primary-toggle")), which is a hidden copy in the top bar: the visible buttons in the article's
  // header only show a tooltip, and below 960 px the lesson list cannot be opened at all (upstream:
  // pydata-sphinx-theme #2451, sphinx-book-theme #988). Here every toggle is handled, in the capture
  // phase, before the themes' handlers see the click:
  // - narrow screens (the panel is off-screen: primary below 960 px, secondary below 1200 px): the
  //   panel's content moves into the theme's <dialog> shown as a modal, as the theme intends; focus
  //   moves to the current page's link (or the first link) in it; Escape, a click on the backdrop or
  //   the toggle closes it, and focus returns to the toggle that opened it;
  // - wide screens: the panel beside the article is hidden or shown again; focus moves into it when
  //   it is shown, and Escape inside it hides it and returns focus to the toggle.
  // Each toggle carries a name, aria-controls and aria-expanded (kept up to date).
  const PANELS = {
    primary: { sidebar: "pst-primary-sidebar", dialog: "pst-primary-sidebar-modal", narrow: "(max-width: 959.98px)",
      name: "Lesson list", hidden: "d2l-sidebar-hidden" },
    secondary: { sidebar: "pst-secondary-sidebar", dialog: "pst-secondary-sidebar-modal",
      narrow: "(max-width: 1199.98px)", name: "Contents of this page", hidden: "d2l-sidebar-hidden" },
  };
  let opener = null; // the toggle that opened the current dialog or wide panel

  const kindOf = (button) => (button.classList.contains("primary-toggle") ? "primary" : "secondary");
  const parts = (kind) => ({ ...PANELS[kind], panel: document.getElementById(PANELS[kind].sidebar),
    modal: document.getElementById(PANELS[kind].dialog) });

  /** Focus the current page's link in the panel (the lesson list), else its first link or control. */
  const focusInside = (box) => {
    const target = ["li.current > a.current", "li.current > a", "nav a[href]", "a[href], input, button"]
      .map((q) => box.querySelector(q)).find((el) => el);
    if (target) target.focus();
  };

  function isOpen(kind) {
    const p = parts(kind);
    if (!p.panel || !p.modal) return false;
    if (p.modal.open) return true;
    return !window.matchMedia(p.narrow).matches && !p.panel.classList.contains(p.hidden);
  }

  function refresh() {
    for (const button of document.querySelectorAll(".sidebar-toggle")) {
      const kind = kindOf(button);
      const p = parts(kind);
      if (!p.panel) continue;
      button.setAttribute("aria-label", p.name);
      button.setAttribute("aria-controls", p.modal && p.modal.open ? p.dialog : p.sidebar);
      button.setAttribute("aria-expanded", String(isOpen(kind)));
      button.removeAttribute("data-bs-toggle"); // no tooltip that hides the button's purpose
    }
  }

  const move = (from, to) => {
    for (const node of Array.from(from.childNodes)) to.appendChild(node);
    for (const cls of Array.from(from.classList)) {
      from.classList.remove(cls);
      to.classList.add(cls);
    }
  };

  function openDialog(kind, button) {
    const p = parts(kind);
    move(p.panel, p.modal);
    opener = button;
    p.modal.showModal();
    focusInside(p.modal);
    refresh();
  }

  function setup(kind) {
    const p = parts(kind);
    if (!p.panel || !p.modal) return;
    p.modal.setAttribute("aria-label", p.name);
    p.modal.addEventListener("close", () => {
      move(p.modal, p.panel);
      refresh();
      if (opener) opener.focus();
      opener = null;
    });
    // Sphinx's sphinx_highlight.js takes Escape for itself: close the dialog here, first.
    p.modal.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        p.modal.close();
      }
    }, true);
    p.modal.addEventListener("click", (event) => {
      if (event.target !== p.modal) return; // a click inside the panel
      const r = p.modal.getBoundingClientRect();
      const inside = event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top &&
        event.clientY <= r.bottom;
      if (!inside) p.modal.close();
    });
    p.panel.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || window.matchMedia(p.narrow).matches || !opener) return;
      event.preventDefault();
      event.stopPropagation();
      p.panel.classList.add(p.hidden);
      const back = opener;
      opener = null;
      refresh();
      back.focus();
    }, true);
  }

  function onToggle(event) {
    const button = event.target.closest && event.target.closest(".sidebar-toggle");
    if (!button) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const kind = kindOf(button);
    const p = parts(kind);
    if (!p.panel || !p.modal) return;
    if (p.modal.open) {
      p.modal.close();
    } else if (window.matchMedia(p.narrow).matches) {
      openDialog(kind, button);
    } else if (p.panel.classList.toggle(p.hidden)) {
      opener = null;
      refresh();
    } else {
      opener = button;
      refresh();
      focusInside(p.panel);
    }
  }

  // ---------------------------------------------------------------- search results
  // Sphinx's snippets take the text of [role=main], which here holds the theme's buttons ("System
  // Settings Light Dark ...") and the page's contents list; and math is raw TeX there. Snippets come
  // from the article alone, with TeX as a reader sees it.
  const TEX = [
    [/\\(?:left|right|big|Big|bigg|Bigg)\b\s*/g, ""], [/\s*\\lfloor\b\s*/g, " ⌊"], [/\s*\\rfloor\b/g, "⌋"],
    [/\s*\\lceil\b\s*/g, " ⌈"], [/\s*\\rceil\b/g, "⌉"], [/\s*\\times\b\s*/g, " × "], [/\s*\\cdot[sp]?\b\s*/g, " · "],
    [/\\ldots\b\s*|\\dots\b\s*|\\cdots\b\s*/g, "…"], [/\s*\\leq?\b\s*/g, " ≤ "], [/\s*\\geq?\b\s*/g, " ≥ "],
    [/\s*\\neq?\b\s*/g, " ≠ "], [/\s*\\approx\b\s*/g, " ≈ "], [/\s*\\in\b\s*/g, " ∈ "], [/\\sum\b\s*/g, "Σ"],
    [/\s*(?:\\to|\\rightarrow)\b\s*/g, " → "], [/\\infty\b\s*/g, "∞"], [/\s*\\mid\b\s*/g, " | "],
    [/\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)"], [/\\sqrt\s*\{([^{}]*)\}/g, "√($1)"],
    [/\\(?:mathbf|mathrm|mathsf|mathit|boldsymbol|text|textrm|textbf|operatorname)\s*\{([^{}]*)\}/g, "$1"],
    [/\\([A-Za-z]+)/g, (m, w) => GREEK[w] || ""], [/\\[,;:! ]/g, " "], [/\\([{}%$_#&])/g, "$1"],
    [/[{}]/g, ""], [/\s+/g, " "],
  ];
  const GREEK = { alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", eta: "η", theta: "θ",
    lambda: "λ", mu: "μ", pi: "π", sigma: "σ", tau: "τ", phi: "φ", omega: "ω", Delta: "Δ", Sigma: "Σ" };

  /** TeX as a reader sees it: "\lfloor (8 - 5 + 2) / 4 \rfloor" -> "⌊(8 - 5 + 2) / 4⌋". */
  function texText(tex) {
    let t = tex.trim().replace(/^\\\(|\\\)$|^\\\[|\\\]$|^\$\$?|\$\$?$/g, "");
    for (const [re, to] of TEX) t = t.replace(re, to);
    return t.trim();
  }

  function articleText(htmlString, anchor) {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    // (the framework switch's tab names and no-script labels are not lesson text either)
    for (const q of [".headerlink", "script", "style", "button", ".copybtn", ".d2l-download", ".d2l-switch-tabs",
      ".d2l-switch-label"]) {
      doc.querySelectorAll(q).forEach((el) => el.remove());
    }
    for (const el of doc.querySelectorAll(".math, span.math, div.math")) el.textContent = ` ${texText(el.textContent)} `;
    const article = doc.querySelector("article.bd-article") || doc.querySelector('[role="main"]');
    if (!article) return "";
    const part = anchor ? article.querySelector(anchor) : null;
    return (part || article).textContent.replace(/\s+/g, " ");
  }

  function setupSearch() {
    // `Search` is searchtools.js's (a global const, present on the search page only)
    if (typeof Search === "undefined" || !Search || typeof Search.htmlToText !== "function") return;
    Search.htmlToText = articleText;
  }

  // ---------------------------------------------------------------- wide inline math
  // A formula wider than the column scrolls in its own box (d2l-site.css); such a box takes the
  // keyboard focus, so that arrow keys scroll it too (it is named by the formula MathJax speaks).
  function markScrollingMath() {
    for (const box of document.querySelectorAll(".bd-article span.math")) {
      const wide = box.scrollWidth > box.clientWidth + 1;
      if (wide && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.classList.add("d2l-scrolls");
      } else if (!wide && box.classList.contains("d2l-scrolls")) {
        box.removeAttribute("tabindex");
        box.classList.remove("d2l-scrolls");
      }
    }
  }
  const whenTypeset = () => {
    const m = window.MathJax;
    const ready = m && m.startup && m.startup.promise;
    if (ready) ready.then(markScrollingMath, () => null);
    else markScrollingMath();
  };

  window.d2lSite = { texText, articleText, markScrollingMath };
  setupSearch();
  document.addEventListener("click", onToggle, true);
  const start = () => {
    setup("primary");
    setup("secondary");
    refresh();
    window.addEventListener("resize", () => {
      refresh();
      markScrollingMath();
    });
    if (document.readyState === "complete") whenTypeset();
    else window.addEventListener("load", whenTypeset);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
