// d2lutils explorers, shared part 3 of 3: SVG drawings. Colours come from the stylesheet
// (explorer.css): text and lines in the theme's colour (currentColor), padding a translucent grey, the
// window orange and the output cell blue in light and dark themes alike.

/** Cell values as the drawing writes them: integers plainly, others with 2 decimals (3 significant digits when large). */
function cellText(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "";
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  return Math.abs(v) < 100 ? v.toFixed(2) : v.toPrecision(3);
}

/**
 * SVG markup of a rows x cols grid with its top-left corner at (x, y).
 * kind(i, j) -> "" | "pad" | "win" | "out" | "seen" (CSS classes); value(i, j) -> number or null;
 * opts.label is written above; opts.group adds attributes to the <g> (e.g. data-values).
 */
function gridMarkup(x, y, cell, rows, cols, kind, value = null, opts = {}) {
  const font = Math.max(8, Math.floor(cell * 0.42));
  const parts = [`<g class="d2l-grid${opts.cls ? ` ${opts.cls}` : ""}"${opts.group || ""}>`];
  if (opts.label) {
    parts.push(`<text class="d2l-label-text" x="${x}" y="${y - 6}" font-size="${Math.max(12, font + 1)}">` +
      `${esc(opts.label)}</text>`);
  }
  for (let i = 0; i < rows; i += 1) {
    for (let j = 0; j < cols; j += 1) {
      const k = kind ? kind(i, j) : "";
      const cx = x + j * cell;
      const cy = y + i * cell;
      const data = opts.cellData ? ` data-i="${i}" data-j="${j}"` : "";
      parts.push(`<rect class="d2l-cell${k ? ` d2l-${k}` : ""}" x="${cx}" y="${cy}" width="${cell}" height="${cell}"${data}/>`);
      if (value) {
        const t = cellText(value(i, j));
        if (t) {
          const fit = t.length >= 5 ? ` textLength="${cell - 4}" lengthAdjust="spacingAndGlyphs"` : "";
          parts.push(`<text class="d2l-num${k === "win" || k === "out" ? " d2l-on-fill" : ""}" x="${cx + cell / 2}" ` +
            `y="${(cy + cell / 2 + font * 0.35).toFixed(1)}" font-size="${font}"${fit}>${t}</text>`);
        }
      }
    }
  }
  parts.push("</g>");
  return parts.join("");
}

/**
 * Put `body` into the <svg> element with a <title> and <desc> (its text alternative). The box around
 * it keeps the largest height it has had, so that moving a slider does not make the page below jump
 * (and the browser repaints the drawing, not the whole notebook).
 */
function fillSvg(svgNode, uid, width, height, title, desc, body) {
  width = Math.ceil(width);
  height = Math.ceil(height);
  const box = svgNode.parentNode;
  // The box keeps the tallest drawing's height, so that the page does not jump while a slider moves;
  // a drawing scaled down to a narrow box (a phone) keeps only its scaled height (cqw: the box's width).
  if (box && box.style && height > (Number(box.dataset.d2lHeight) || 0)) {
    box.dataset.d2lHeight = String(height);
    box.style.minHeight = `min(${height}px, ${((100 * height) / width).toFixed(3)}cqw)`;
  }
  svgNode.setAttribute("width", width);
  svgNode.setAttribute("height", height);
  svgNode.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svgNode.innerHTML = `<title id="${uid}-title">${esc(title)}</title><desc id="${uid}-desc">${esc(desc)}</desc>` +
    `<g transform="translate(2,0)">${body}</g>`;
}

/** An empty <svg role="img"> labelled by its own <title> and <desc>. */
function svgNodeFor(uid) {
  const node = document.createElementNS(SVG_NS, "svg");
  node.setAttribute("class", "d2l-svg");
  node.setAttribute("role", "img");
  node.setAttribute("aria-labelledby", `${uid}-title ${uid}-desc`);
  return node;
}

/**
 * One step of a (padded, strided, dilated) cross-correlation or pooling, as SVG markup:
 * the padded input with the window (orange) at output cell pos, the kernel (if names[1]), and the
 * output with cell pos (blue). values: {X(i, j) on the padded input, Y(i, j)} or null.
 */
function windowMarkup({ n, k, p, s, d, out, pos, cell, names, values = null, outGroup = "" }) {
  const Hp = n[0] + 2 * p[0];
  const Wp = n[1] + 2 * p[1];
  const [i, j] = pos;
  const r0 = i * s[0];
  const c0 = j * s[1];
  const inWindow = (r, c) => r >= r0 && r <= r0 + d[0] * (k[0] - 1) && (r - r0) % d[0] === 0 &&
    c >= c0 && c <= c0 + d[1] * (k[1] - 1) && (c - c0) % d[1] === 0;
  const isPad = (r, c) => r < p[0] || r >= p[0] + n[0] || c < p[1] || c >= p[1] + n[1];
  const top = 24;
  const gap = cell * 2;
  const body = [];
  body.push(gridMarkup(0, top, cell, Hp, Wp, (r, c) => (inWindow(r, c) ? "win" : isPad(r, c) ? "pad" : ""),
    values ? values.X : null, { label: names[0], cls: "d2l-input" }));
  const r1 = r0 + d[0] * (k[0] - 1);
  const c1 = c0 + d[1] * (k[1] - 1);
  body.push(`<rect class="d2l-outline" x="${c0 * cell}" y="${top + r0 * cell}" width="${(c1 - c0 + 1) * cell}" ` +
    `height="${(r1 - r0 + 1) * cell}"/>`);
  let x = Wp * cell + gap;
  if (names[1]) {
    body.push(`<text class="d2l-symbol" x="${x - gap / 2}" y="${top + (Math.min(Hp, k[0]) * cell) / 2 + 6}" ` +
      `font-size="26">⋆</text>`);
    body.push(gridMarkup(x, top, cell, k[0], k[1], () => "win", null, { label: names[1], cls: "d2l-kernel" }));
    x += k[1] * cell + gap;
  }
  body.push(`<text class="d2l-symbol" x="${x - gap / 2}" y="${top + (Math.min(Hp, out[0]) * cell) / 2 + 6}" ` +
    `font-size="20">→</text>`);
  body.push(gridMarkup(x, top, cell, out[0], out[1], (a, b) => (a === i && b === j ? "out" : ""),
    values ? values.Y : null, { label: names[2], cls: "d2l-output", group: outGroup }));
  const labelWidth = (names[2] || "").length * (Math.max(8, Math.floor(cell * 0.42)) + 1) * 0.6;
  const width = x + Math.max(out[1] * cell, labelWidth) + 8;
  const height = top + Math.max(Hp, out[0]) * cell + 4;
  return { markup: body.join(""), width, height };
}
