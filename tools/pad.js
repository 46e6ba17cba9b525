// The docs site's drawing pad (lessons 8 and 9): your drawing becomes an MNIST digit and every model of the lesson
// answers, computed in your browser. Written by hand for this course (no library). It is the lesson's Python, line
// for line: `toMnist` is `to_mnist` (with Pillow's Lanczos resize and numpy's sums, so that the 28x28 digit comes
// out byte for byte the same), `forward` runs the models' layers, `predict`, `evidence` and `occlusion` are the
// functions of the same names. tools/site.py exports the models' trained weights into the page; the pad itself is
// the lesson's own anywidget code (PAD_JS), given a small stand-in for the widget's Python side.
"use strict";
(function (root) {
  const f32 = Math.fround;

  // ---- numbers as numpy and Pillow compute them
  // Python's round() and numpy's .round(): halves go to the even neighbour
  function roundHalfEven(x) {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }
  // numpy's sum of a contiguous array: pairwise, with 8 running sums per block of up to 128 (float32 sums stay float32)
  function npSum(a, round = x => x, lo = 0, n = a.length) {
    if (n < 8) { let s = 0; for (let i = 0; i < n; i++) s = round(s + a[lo + i]); return s; }
    if (n <= 128) {
      const r = Array.from(a.subarray(lo, lo + 8));
      let i = 8;
      for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = round(r[j] + a[lo + i + j]);
      let s = round(round(round(r[0] + r[1]) + round(r[2] + r[3])) + round(round(r[4] + r[5]) + round(r[6] + r[7])));
      for (; i < n; i++) s = round(s + a[lo + i]);
      return s;
    }
    let n2 = Math.floor(n / 2); n2 -= n2 % 8;
    return round(npSum(a, round, lo, n2) + npSum(a, round, lo + n2, n - n2));
  }
  // Pillow's Lanczos filter and its weights for resizing a line of `inSize` pixels to `outSize` (Resample.c)
  const sinc = x => x === 0 ? 1 : Math.sin(x * Math.PI) / (x * Math.PI);
  const lanczos = x => -3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0;
  function coeffs(inSize, outSize) {
    const scale = inSize / outSize, filterscale = Math.max(scale, 1), support = 3 * filterscale, res = [];
    for (let xx = 0; xx < outSize; xx++) {
      const center = (xx + 0.5) * scale;
      const xmin = Math.max(0, Math.trunc(center - support + 0.5)), xmax = Math.min(inSize, Math.trunc(center + support + 0.5));
      const k = [];
      let ww = 0;
      for (let x = xmin; x < xmax; x++) { const w = lanczos((x - center + 0.5) * (1 / filterscale)); k.push(w); ww += w; }
      res.push({xmin, k: ww !== 0 ? k.map(w => w / ww) : k});
    }
    return res;
  }
  // One pass of Pillow's resize of a float image (mode 'F'): along rows (`horizontal`) or columns; sums in double, stored as float32
  function resizePass(src, w, h, outSize, horizontal) {
    const cs = coeffs(horizontal ? w : h, outSize), ow = horizontal ? outSize : w, oh = horizontal ? h : outSize;
    const out = new Float32Array(ow * oh);
    for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
      const {xmin, k} = cs[horizontal ? x : y];
      let s = 0;
      for (let i = 0; i < k.length; i++) s += (horizontal ? src[y * w + xmin + i] : src[(xmin + i) * w + x]) * k[i];
      out[y * ow + x] = s;
    }
    return out;
  }
  // Image.fromarray(a).resize((ow, oh), Image.LANCZOS): Pillow runs the vertical pass first when the height shrinks
  // by more than twice as many pixels as the width, and skips a pass that changes nothing
  function resize(a, w, h, ow, oh) {
    const horizontalFirst = !(h - oh > 0 && h - oh > (w - ow) * 2);
    if (horizontalFirst) {
      if (ow !== w) { a = resizePass(a, w, h, ow, true); w = ow; }
      if (oh !== h) a = resizePass(a, w, h, oh, false);
    } else {
      if (oh !== h) { a = resizePass(a, w, h, oh, false); h = oh; }
      if (ow !== w) a = resizePass(a, w, h, ow, true);
    }
    return a;
  }

  // ---- lesson 8's to_mnist: a drawing (size x size bytes, ink high) as a 28x28 MNIST digit
  function toMnist(ink, size) {
    let r0 = size, r1 = -1, c0 = size, c1 = -1, peak = 0;
    for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) if (ink[r * size + c] > 0) {
      r0 = Math.min(r0, r); r1 = Math.max(r1, r); c0 = Math.min(c0, c); c1 = Math.max(c1, c);
    }
    if (r1 < 0) throw new Error('The drawing is empty: draw a digit first.');
    const h = r1 - r0 + 1, w = c1 - c0 + 1, crop = new Float32Array(h * w);        // 1. crop to the ink
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) { crop[r * w + c] = ink[(r0 + r) * size + c0 + c]; peak = Math.max(peak, crop[r * w + c]); }
    for (let i = 0; i < crop.length; i++) crop[i] = crop[i] / peak;                  // ink / ink.max(), in float32
    const sw = Math.max(1, roundHalfEven(w * 20 / Math.max(h, w))), sh = Math.max(1, roundHalfEven(h * 20 / Math.max(h, w)));
    const small = resize(crop, w, h, sw, sh).map(v => Math.min(Math.max(v, 0), 1));  // 2. into 20x20
    const ys = new Float64Array(small.length), xs = new Float64Array(small.length);
    small.forEach((v, i) => { ys[i] = Math.floor(i / sw) * v; xs[i] = (i % sw) * v; });
    const mass = npSum(small, f32);
    const dr = roundHalfEven(14 - npSum(ys) / mass), dc = roundHalfEven(14 - npSum(xs) / mass);  // 3. centre of mass to the centre
    const out = new Float32Array(28 * 28);
    for (let r = Math.max(dr, 0); r < Math.min(dr + sh, 28); r++)
      for (let c = Math.max(dc, 0); c < Math.min(dc + sw, 28); c++) out[r * 28 + c] = small[(r - dr) * sw + c - dc];
    const most = out.reduce((m, v) => Math.max(m, v), 0);
    return Uint8Array.from(out, v => roundHalfEven(f32(f32(v / most) * 255)));     // 4. grey levels 0..255
  }

  // ---- the models: the layers of the lesson's nn.Sequential, one function each
  const LAYERS = {
    flatten: x => ({shape: [x.data.length], data: x.data}),
    relu: x => ({shape: x.shape, data: x.data.map(v => Math.max(v, 0))}),
    linear: (x, l) => {
      const [nOut, nIn] = l.shape, out = new Float64Array(nOut);
      for (let o = 0; o < nOut; o++) { let s = l.bias[o]; for (let i = 0; i < nIn; i++) s += l.weight[o * nIn + i] * x.data[i]; out[o] = s; }
      return {shape: [nOut], data: out};
    },
    conv: (x, l) => {  // nn.Conv2d: each filter slides over every input channel, `stride` pixels a step, with `padding` zeros around
      const [nf, ni, kh, kw] = l.shape, [, h, w] = x.shape, {stride: s, padding: p} = l;
      const oh = Math.floor((h + 2 * p - kh) / s) + 1, ow = Math.floor((w + 2 * p - kw) / s) + 1, out = new Float64Array(nf * oh * ow);
      const k = ni * kh * kw, patch = new Float64Array(k);
      for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
        let n = 0;  // the input pixels under the filters at (i, j): zeros where they hang over the edge
        for (let c = 0; c < ni; c++) for (let u = 0; u < kh; u++) for (let v = 0; v < kw; v++) {
          const r = i * s - p + u, q = j * s - p + v;
          patch[n++] = r >= 0 && r < h && q >= 0 && q < w ? x.data[(c * h + r) * w + q] : 0;
        }
        for (let f = 0; f < nf; f++) {
          let sum = l.bias[f];
          for (let t = 0, o = f * k; t < k; t++) sum += l.weight[o + t] * patch[t];
          out[(f * oh + i) * ow + j] = sum;
        }
      }
      return {shape: [nf, oh, ow], data: out};
    },
    batchnorm: (x, l) => {  // nn.BatchNorm2d at inference: each channel normalised with the running mean and variance, then scaled and shifted
      const n = x.data.length / x.shape[0];
      return {shape: x.shape, data: x.data.map((v, i) => {
        const c = Math.floor(i / n);
        return (v - l.mean[c]) / Math.sqrt(l.var[c] + l.eps) * l.weight[c] + l.bias[c];
      })};
    },
  };
  const forward = (model, digit) => model.layers.reduce((x, l) => LAYERS[l.type](x, l), digit).data;
  const softmax = v => { const m = Math.max(...v), e = v.map(o => Math.exp(o - m)), s = e.reduce((a, b) => a + b); return e.map(o => o / s); };
  const asImage = digit => ({shape: [1, 28, 28], data: Float64Array.from(digit, v => v / 255)});
  // lesson 8's predict: distances for the mean digits, P(3) for '3 or 7', probabilities of 0..9 for the others
  function predict(models, digit) {
    const x = asImage(digit), res = {};
    for (const [name, m] of Object.entries(models)) {
      if (m.kind === 'distance') res[name] = Array.from({length: 10}, (_, d) => x.data.reduce((s, v, i) => s + Math.abs(v - m.means[d * 784 + i]), 0) / 784);
      else if (m.kind === 'sigmoid') res[name] = 1 / (1 + Math.exp(-forward(m, x)[0]));
      else res[name] = softmax(Array.from(forward(m, x)));
    }
    return res;
  }
  const ranked = (v, up) => Array.from(v, (p, d) => [p, d]).sort((a, b) => up ? a[0] - b[0] || a[1] - b[1] : b[0] - a[0] || a[1] - b[1]).map(o => o[1]);
  // lesson 8's evidence: each pixel's weight x value, winning digit minus runner-up, for the linear model
  function evidence(model, digit) {
    const lin = model.layers.find(l => l.type === 'linear'), x = asImage(digit).data;
    const [win, second] = ranked(forward(model, asImage(digit)), false);
    return {map: Array.from(x, (v, i) => (lin.weight[win * 784 + i] - lin.weight[second * 784 + i]) * v), win, second};
  }
  // lesson 8's occlusion: how much the answer's probability drops when each 7x7 patch is set to paper
  function occlusion(model, digit, size = 7) {
    const x = asImage(digit), p = softmax(Array.from(forward(model, x))), answer = ranked(p, false)[0], n = Math.ceil(28 / size);
    const drops = [];
    for (let r = 0; r < 28; r += size) for (let c = 0; c < 28; c += size) {
      const covered = Float64Array.from(x.data);
      for (let i = r; i < Math.min(r + size, 28); i++) for (let j = c; j < Math.min(c + size, 28); j++) covered[i * 28 + j] = 0;
      drops.push(p[answer] - softmax(Array.from(forward(model, {shape: x.shape, data: covered})))[answer]);
    }
    return {map: Array.from({length: 784}, (_, i) => drops[Math.floor(Math.floor(i / 28) / size) * n + Math.floor(i % 28 / size)]), answer};
  }

  // ---- weights: float32 arrays, base64 in the page's weights file
  function f32s(b64) {
    const bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Float32Array(bytes.buffer);
  }
  function loadModels(spec) {
    const models = {};
    for (const [name, m] of Object.entries(spec)) {
      models[name] = m.kind === 'distance' ? {kind: m.kind, means: f32s(m.means)} :
        {kind: m.kind, layers: m.layers.map(l => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, typeof v === 'string' && k !== 'type' ? f32s(v) : v])))};
    }
    return models;
  }

  // ---- what the page shows: lesson 8's answers_html, and pad_figure's five pictures
  const pct = p => `${(p * 100).toFixed(0)}%`;
  function answersHtml(answers, k = 3) {
    const esc = s => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const rows = Object.entries(answers).map(([name, v]) => {
      const cells = name === '3 or 7' ? [`${v > 0.5 ? '3' : '7'} (${pct(Math.max(v, 1 - v))})`] :
        name === 'mean digits' ? ranked(v, true).slice(0, k).map(d => `${d} (${v[d].toFixed(3)})`) :
        ranked(v, false).slice(0, k).map(d => `${d} (${pct(v[d])})`);
      const note = {'mean digits': 'distance', '3 or 7': 'knows only 3s and 7s'}[name] || 'confidence';
      return `<tr><td>${esc(name)}</td><td><b>${cells[0]}</b></td><td>${cells.slice(1).join(' ')}</td><td>${note}</td></tr>`;
    });
    return '<table class="pad-answers"><tr><th>model</th><th>says</th><th>then</th><th></th></tr>' + rows.join('') + '</table>';
  }
  // a 28x28 picture in one of matplotlib's colour maps (its 256 colours come with the page), from `lo` to `hi` (as
  // imshow does: by default the picture's own smallest and largest values)
  function picture(values, cmap, title, lo = Math.min(...values), hi = Math.max(...values)) {
    const fig = document.createElement('figure'), canvas = document.createElement('canvas'), cap = document.createElement('figcaption');
    canvas.width = canvas.height = 28;
    const ctx = canvas.getContext('2d'), img = ctx.createImageData(28, 28);
    values.forEach((v, i) => {
      const k = hi > lo ? Math.min(255, Math.max(0, Math.floor((v - lo) / (hi - lo) * 256))) : 0, rgb = cmap[k];
      img.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * i);
    });
    ctx.putImageData(img, 0, 0);
    cap.textContent = title;
    fig.append(canvas, cap);
    return fig;
  }
  function figure(models, res, cmaps) {
    const box = document.createElement('div'); box.className = 'mc-pad-figure';
    const closest = ranked(res.answers['mean digits'], true)[0], ev = res.evidence, lim = Math.max(...ev.map.map(Math.abs)) || 1;
    box.append(picture(res.digit, cmaps.Greys, 'your digit, 28×28'),
               picture(models['mean digits'].means.subarray(closest * 784, closest * 784 + 784), cmaps.Greys, `closest mean digit: ${closest}`),
               picture(ev.map, cmaps.RdBu_r, `linear: ${ev.win} (red) over ${ev.second} (blue)`, -lim, lim));
    for (const [name, o] of Object.entries(res.occlusion)) {
      const drops = o.map.map(v => Math.max(v, 0));
      box.append(picture(drops, cmaps.Reds, `${name}: the ink ${o.answer} rests on`, 0, Math.max(...drops, 1e-6)));
    }
    return box;
  }

  // ---- the live figure: the lesson's pad (PAD_JS) beside the answers and the pictures
  function pad(box, spec) {
    const data = root.MC_PAD_WEIGHTS && root.MC_PAD_WEIGHTS[spec.weights], render = root.MC_PAD_RENDER;
    if (!data || !render) {
      box.insertAdjacentHTML('beforeend', `<p class="pad-message">The pad's files did not load: open <code>nbs/${spec.notebook}</code> in JupyterLab to draw.</p>`);
      return;
    }
    const models = loadModels(data.models), wrap = document.createElement('div'), padEl = document.createElement('div');
    const answersEl = document.createElement('div'), pictures = document.createElement('div'), caption = document.createElement('p');
    wrap.className = 'mc-pad'; answersEl.className = 'mc-pad-answers'; pictures.className = 'mc-pad-pictures';
    caption.className = 'mc-pad-caption'; caption.textContent = spec.caption;
    wrap.append(padEl, answersEl);
    box.append(caption, wrap, pictures);
    // what the page computed for the last drawing, for the course's tests to compare with Python
    const run = ink => {
      const t0 = performance.now();
      let res;
      try {
        const digit = toMnist(ink, spec.size), answers = predict(models, digit);
        res = {digit: Array.from(digit), answers, table: answersHtml(answers), evidence: evidence(models.linear, digit),
               occlusion: {net: occlusion(models.net, digit), cnn: occlusion(models.cnn, digit)}};
        answersEl.innerHTML = res.table;
        pictures.replaceChildren(figure(models, res, data.cmaps));
      } catch (e) {
        res = {message: e.message};
        answersEl.innerHTML = `<p class="pad-message">${e.message}</p>`;
        pictures.replaceChildren();
      }
      res.ms = performance.now() - t0;
      box.mcPadResult = res;
      return res;
    };
    box.mcPadRun = b64 => Object.assign(run(b64 ? Uint8Array.from(atob(b64), ch => ch.charCodeAt(0)) : new Uint8Array(spec.size * spec.size)), {ink: b64});
    // the widget's Python side, in a few lines: the pad sets `ink` (base64) and saves; the page answers
    const state = {size: spec.size, pen: spec.pen, ink: ''};
    render({el: padEl, model: {get: k => state[k], set: (k, v) => { state[k] = v; }, save_changes: () => box.mcPadRun(state.ink)}});
    box.mcPadRun('');
  }

  const api = {roundHalfEven, npSum, resize, toMnist, predict, evidence, occlusion, loadModels, answersHtml};
  if (typeof module !== 'undefined') module.exports = api;                 // Node, for trying it out
  else root.MC_LIVE_KINDS = Object.assign(root.MC_LIVE_KINDS || {}, {pad}); // the page: live.js draws it
})(typeof window !== 'undefined' ? window : globalThis);
