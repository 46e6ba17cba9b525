// The docs site's live figures: lesson 2's sliders and lesson 3's rollercoaster, computed in the browser (the
// drawing pads of lessons 8 and 9 are in tools/pad.js, which only their pages load, and which adds its kind here).
// Written by hand for this course (no library); tools/site.py copies it into the site's _static/ and writes,
// for each live figure, a <div class="mc-live"> holding its data as JSON: the lesson's own points and starting
// parameters, exported by the site builder from the mnist_course package. Nothing is trained or fetched here.
"use strict";
(function () {
  const NS = 'http://www.w3.org/2000/svg';
  const W = 480, H = 300, M = {l: 48, r: 12, t: 26, b: 38};

  // ---- the lessons' functions, as in mnist_course.quadratic_sgd and mnist_course.rollercoaster
  const quad = (a, b, c, x) => a * x * x + b * x + c;
  const relu = (m, b, x) => Math.max(0, m * x + b);
  const FUNCTIONS = {
    quad: (p, x) => quad(p.a, p.b, p.c, x),
    relu: (p, x) => relu(p.m, p.b, x),
    'double-relu': (p, x) => relu(p.m1, p.b1, x) + relu(p.m2, p.b2, x),
  };
  const mean = xs => xs.reduce((s, v) => s + v, 0) / xs.length;
  const mae = (preds, ys) => mean(preds.map((p, i) => Math.abs(p - ys[i])));
  const linspace = (lo, hi, n) => Array.from({length: n}, (_, i) => lo + (hi - lo) * i / (n - 1));

  // One SGD step for speed = a t^2 + b t + c under MSE (lesson 3's apply_step): predict, loss, gradient, step.
  function applyStep(params, t, y, lr) {
    const [a, b, c] = params;
    const preds = t.map(ti => quad(a, b, c, ti));
    const err = preds.map((p, i) => p - y[i]);
    const loss = mean(err.map(e => e * e));
    const grad = [mean(err.map((e, i) => 2 * e * t[i] * t[i])), mean(err.map((e, i) => 2 * e * t[i])), mean(err.map(e => 2 * e))];
    return {preds, loss, next: params.map((p, i) => p - lr * grad[i])};
  }

  // ---- a small SVG plot: points, an optional curve, axes with a few ticks
  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (parent) parent.appendChild(e);
    return e;
  }
  function ticks(lo, hi) {
    const step = Math.pow(10, Math.floor(Math.log10((hi - lo) / 2)));
    const s = (hi - lo) / step > 8 ? step * 2 : step;
    const out = [];
    for (let v = Math.ceil(lo / s) * s; v <= hi + 1e-9; v += s) out.push(+v.toFixed(10));
    return out;
  }
  function plot(svg, {xlim, ylim, series, title, xlabel, ylabel}) {
    svg.textContent = '';
    const sx = x => M.l + (x - xlim[0]) / (xlim[1] - xlim[0]) * (W - M.l - M.r);
    const sy = y => H - M.b - (y - ylim[0]) / (ylim[1] - ylim[0]) * (H - M.t - M.b);
    el('rect', {x: M.l, y: M.t, width: W - M.l - M.r, height: H - M.t - M.b, fill: 'none', stroke: '#888'}, svg);
    for (const v of ticks(...xlim)) {
      el('line', {x1: sx(v), x2: sx(v), y1: H - M.b, y2: H - M.b + 4, stroke: '#888'}, svg);
      el('text', {x: sx(v), y: H - M.b + 16, 'text-anchor': 'middle', 'font-size': 11}, svg).textContent = v;
    }
    for (const v of ticks(...ylim)) {
      el('line', {x1: M.l - 4, x2: M.l, y1: sy(v), y2: sy(v), stroke: '#888'}, svg);
      el('text', {x: M.l - 6, y: sy(v) + 4, 'text-anchor': 'end', 'font-size': 11}, svg).textContent = v;
    }
    if (xlabel) el('text', {x: (M.l + W - M.r) / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 12}, svg).textContent = xlabel;
    if (ylabel) el('text', {x: 12, y: (M.t + H - M.b) / 2, 'text-anchor': 'middle', 'font-size': 12,
                            transform: `rotate(-90 12 ${(M.t + H - M.b) / 2})`}, svg).textContent = ylabel;
    if (title) el('text', {x: (M.l + W - M.r) / 2, y: 17, 'text-anchor': 'middle', 'font-size': 13, class: 'mc-title'}, svg).textContent = title;
    const clip = `mc-clip-${Math.random().toString(36).slice(2)}`;
    el('rect', {x: M.l, y: M.t, width: W - M.l - M.r, height: H - M.t - M.b}, el('clipPath', {id: clip}, svg));
    const g = el('g', {'clip-path': `url(#${clip})`}, svg);
    for (const s of series) {
      if (s.line) el('path', {d: s.xs.map((x, i) => `${i ? 'L' : 'M'}${sx(x).toFixed(2)},${sy(s.ys[i]).toFixed(2)}`).join(''),
                             fill: 'none', stroke: s.color, 'stroke-width': 2, class: s.cls || ''}, g);
      else s.xs.forEach((x, i) => el('circle', {cx: sx(x), cy: sy(s.ys[i]), r: 3.5, fill: s.color, class: s.cls || ''}, g));
    }
  }
  const fmt2 = v => v.toFixed(2);

  // ---- lesson 2: sliders over a function, with the lesson's noisy points and their MAE when it has them
  function sliders(box, spec) {
    const form = document.createElement('div'); form.className = 'mc-sliders';
    const inputs = spec.params.map(p => {
      const label = document.createElement('label');
      const input = Object.assign(document.createElement('input'), {type: 'range', min: p.min, max: p.max, step: p.step, value: p.value});
      input.name = p.name; input.setAttribute('aria-label', p.name);
      const shown = document.createElement('output');
      label.append(`${p.name} `, input, shown); form.appendChild(label);
      return {input, shown};
    });
    const svg = el('svg', {viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img'});
    const result = document.createElement('output'); result.className = 'mc-result';
    box.append(form, svg, result);
    function draw() {
      const p = {};
      inputs.forEach(({input, shown}, i) => { p[spec.params[i].name] = parseFloat(input.value); shown.textContent = fmt2(p[spec.params[i].name]); });
      const f = FUNCTIONS[spec.fn], xs = linspace(spec.xlim[0], spec.xlim[1], 100);
      const series = [];
      if (spec.points) series.push({xs: spec.points.x, ys: spec.points.y, color: '#1f77b4', cls: 'mc-points'});
      const ys = xs.map(x => f(p, x));
      series.push({xs, ys, color: spec.points ? '#d62728' : '#1f77b4', line: true, cls: 'mc-curve'});
      box.dataset.curve = JSON.stringify(ys);  // what the page computed, for the course's tests to compare with Python
      let title = null;
      if (spec.mae) {
        const loss = mae(spec.points.x.map(x => f(p, x)), spec.points.y);
        title = `MAE: ${fmt2(loss)}`;
        result.dataset.value = loss; result.textContent = `mean absolute error over the ${spec.points.x.length} points: ${loss.toFixed(4)}`;
      } else if (spec.fn === 'relu') title = `max(0, ${fmt2(p.m)}x + ${fmt2(p.b)})`;
      box.dataset.params = JSON.stringify(p);
      plot(svg, {xlim: spec.xlim, ylim: spec.ylim, series, title, xlabel: 'x', ylabel: 'f(x)'});
    }
    inputs.forEach(({input}) => input.addEventListener('input', draw));
    draw();
  }

  // ---- lesson 3: the rollercoaster's SGD steps, one at a time
  function rollercoaster(box, spec) {
    const bar = document.createElement('div'); bar.className = 'mc-steps';
    const back = Object.assign(document.createElement('button'), {type: 'button', textContent: '◀ Back'});
    const next = Object.assign(document.createElement('button'), {type: 'button', textContent: 'Next ▶'});
    const input = Object.assign(document.createElement('input'), {type: 'range', min: 1, max: spec.steps, step: 1, value: 1});
    input.setAttribute('aria-label', 'step');
    const shown = document.createElement('output');
    bar.append(back, ' step ', input, shown, ' ', next);
    const svg = el('svg', {viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img'});
    const result = document.createElement('output'); result.className = 'mc-result';
    box.append(bar, svg, result);
    // every step from the start, computed once: step k shows the predictions and loss of the k-th apply_step
    const steps = [];
    let params = spec.start.slice();
    for (let k = 0; k < spec.steps; k++) { const s = applyStep(params, spec.time, spec.speed, spec.lr); steps.push({...s, before: params}); params = s.next; }
    const abc = ps => ps.map((v, i) => `${'abc'[i]} = ${v.toFixed(4)}`).join(', ');
    function draw() {
      const k = parseInt(input.value, 10), s = steps[k - 1];
      back.disabled = k <= 1; next.disabled = k >= spec.steps; shown.textContent = `${k} of ${spec.steps}`;
      plot(svg, {xlim: [-1, 20], ylim: spec.ylim, xlabel: 'time (s)', ylabel: 'speed',
                 title: `step ${k}: MSE ${Math.round(s.loss).toLocaleString('en-US')}`,
                 series: [{xs: spec.time, ys: spec.speed, color: '#1f77b4', cls: 'mc-points'},
                          {xs: spec.time, ys: s.preds, color: '#d62728', cls: 'mc-preds'}]});
      result.dataset.value = s.loss; result.dataset.step = k;
      result.textContent = `step ${k}: loss (MSE) ${s.loss.toFixed(2)}; parameters before the step ${abc(s.before)}, after it ${abc(s.next)}`;
    }
    const go = d => { input.value = Math.min(spec.steps, Math.max(1, parseInt(input.value, 10) + d)); draw(); };
    back.addEventListener('click', () => go(-1)); next.addEventListener('click', () => go(1));
    input.addEventListener('input', draw);
    draw();
  }

  const KINDS = {sliders, rollercoaster};
  function start() {
    Object.assign(KINDS, window.MC_LIVE_KINDS || {});  // kinds that a page's other scripts add: the pad (tools/pad.js)
    document.querySelectorAll('.mc-live').forEach(box => {
      const spec = JSON.parse(box.querySelector('script.mc-live-spec').textContent);
      if (KINDS[spec.kind]) KINDS[spec.kind](box, spec);
      else box.insertAdjacentHTML('beforeend', `<p class="mc-live-off">This figure's script did not load: open <code>nbs/${spec.notebook}</code> in JupyterLab to use it.</p>`);
      box.classList.add('mc-live-ready');
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
