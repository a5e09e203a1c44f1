// Browser side of results/index.html (inlined by lib/report/page.ts): draws every chart with
// vega-embed, then runs the trace explorer over the embedded data. Plain ES2020, no imports.
// Every value from the data that goes into HTML passes through esc(), numbers included (the data
// file is input like any other).
(function () {
  'use strict';
  const specs = JSON.parse(document.getElementById('specs').textContent);
  const pending = Object.entries(specs).map(([id, spec]) =>
    window.vegaEmbed('#' + id, spec, { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } }).catch((err) => {
      const el = document.getElementById(id);
      el.innerHTML = '<div class="chart-error"></div>';
      el.firstChild.textContent = 'chart failed: ' + err.message;
      console.error('chart ' + id + ' failed: ' + err.message);
    }),
  );
  Promise.all(pending).then(() => {
    document.body.dataset.chartsReady = String(pending.length);
  });

  const data = JSON.parse(document.getElementById('explorer-data').textContent);
  const root = document.getElementById('explorer');
  if (!data) {
    document.getElementById('x-missing').innerHTML =
      '<p class="missing">No explorer data (results/explorer.json): run <code>npm run report</code> on a machine holding the world data.</p>';
    root.dataset.ready = 'none';
    return;
  }
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const tokText = (id) => (id === data.eosId ? '⟨eos⟩' : id === data.bosId ? '⟨bos⟩' : (data.vocab[id] ?? '?'));
  const LABEL = { sft: 'SFT (no masking)', vggm: 'VGGM (masked prefix)', truncate: 'Truncate (prefix cut)' };

  function fill(sel, options, keep) {
    sel.innerHTML = options.map(([v, t]) => '<option value="' + esc(v) + '">' + esc(t) + '</option>').join('');
    if (keep && options.some(([v]) => v === keep)) sel.value = keep;
  }
  fill(
    $('x-method'),
    data.methods.map((m) => [m, LABEL[m] || m]),
    'vggm',
  );
  fill(
    $('x-tier'),
    data.tiers.map((t) => [t, t]),
    data.tiers.includes('math') ? 'math' : data.tiers[0],
  );

  function refreshLists() {
    const tier = $('x-tier').value;
    const kindText = (t) => (t.v === 0 ? 'v=0, no check' : t.kind === 'correct' ? 'v=1, fixes a slip' : 'v=1, re-check');
    fill(
      $('x-trace'),
      data.traces.filter((t) => t.tier === tier).map((t) => [t.id, t.id + ' (' + kindText(t) + ')']),
      $('x-trace').value,
    );
    const model = data.models.find((m) => m.method === $('x-method').value);
    const problems = data.evalProblems
      .filter((p) => p.tier === tier)
      .map((p) => {
        const gens = model && model.problems[p.id];
        const tag = !gens ? 'no generations' : gens.some((g) => g.entropy) ? 'with entropy' : 'greedy only';
        return [p.id, p.id + ' (' + tag + ')', tag];
      });
    // keep the current problem when it is of this tier, else the first one with entropies
    const first = problems.find((p) => p[2] === 'with entropy') || problems[0];
    fill($('x-problem'), problems, problems.some((p) => p[0] === $('x-problem').value) ? $('x-problem').value : first && first[0]);
  }

  // Classes of input position j of a trace under a method: prompt / learned / seen (weight 0).
  function teacherHtml(t, method) {
    const w = t.methods[method];
    const removed = t.ids.length - w.inputIds.length; // truncate: prefix tokens cut from the input
    const wrongAt = (orig) => t.wrong.some(([a, b]) => orig >= a && orig < b);
    const parts = [];
    let learned = 0,
      seen = 0;
    for (let j = 0; j < w.inputIds.length; j++) {
      // original position of input token j (the cut sits right after the prompt)
      const orig = removed > 0 && j >= t.responseStart ? j + removed : j;
      if (removed > 0 && j === t.responseStart) {
        for (let k = t.responseStart; k < t.responseStart + removed; k++) {
          parts.push('<span class="tk removed' + (wrongAt(k) ? ' wrong' : '') + '" data-orig="' + k + '" title="removed from the input">' + esc(tokText(t.ids[k])) + '</span>');
        }
      }
      if (orig === t.tLast) parts.push('<span class="tlast" title="T_last: start of the final verification">T_last ▸</span>');
      const cls = j < t.responseStart ? 'prompt' : w.weights[j] > 0 ? 'learned' : 'seen';
      if (cls === 'learned') learned++;
      if (cls === 'seen') seen++;
      const title = j < t.responseStart ? 'prompt' : 'loss weight ' + w.weights[j] + (cls === 'seen' ? ' (seen, not learned)' : '');
      parts.push(
        '<span class="tk ' +
          cls +
          (wrongAt(orig) ? ' wrong' : '') +
          '" data-pos="' +
          j +
          '" data-w="' +
          esc(w.weights[j]) +
          '" title="' +
          esc(title) +
          '">' +
          esc(tokText(w.inputIds[j])) +
          '</span>',
      );
    }
    const resp = t.ids.length - t.responseStart;
    const stats = resp + ' response tokens: ' + learned + ' learned, ' + seen + ' seen but not learned, ' + removed + ' removed from the input.';
    const info = (t.v === 1 ? 'v=1' : 'v=0') + (t.kind ? ', ' + t.kind : '') + (t.slip ? ', teacher slip: ' + t.slip : '') + ', split ' + t.split;
    return (
      '<h3>Teacher trace under ' +
      esc(LABEL[method] || method) +
      '</h3>' +
      '<div class="legend"><span class="tk prompt">prompt</span><span class="tk seen">seen, not learned (w=0)</span><span class="tk learned">learned (w=1)</span>' +
      '<span class="tk removed">removed from input</span><span class="tk wrong">wrong value (world truth)</span><span class="tlast">T_last ▸</span></div>' +
      '<div class="problem">' +
      esc(info) +
      '. Gold answer: ' +
      esc(t.answer) +
      '</div>' +
      '<div class="tokens" id="x-teacher-tokens" data-trace="' +
      esc(t.id) +
      '" data-method="' +
      esc(method) +
      '">' +
      parts.join('') +
      '</div>' +
      '<div class="stats" id="x-teacher-stats">' +
      esc(stats) +
      '</div>'
    );
  }

  function heat(h, max) {
    // white → yellow → orange → red as H_t goes from 0 to the model's max entropy
    const x = Math.max(0, Math.min(1, h / max));
    const stops = [
      [255, 255, 255],
      [255, 224, 138],
      [240, 140, 60],
      [196, 48, 43],
    ];
    const f = x * (stops.length - 1),
      i = Math.min(stops.length - 2, Math.floor(f)),
      u = f - i;
    const c = stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * u));
    return 'rgb(' + c.join(',') + ')';
  }

  function generationHtml(g, model, max) {
    const verdict = g.equal
      ? '<span class="verdict ok">✓ correct (' + esc(g.pred) + ')</span>'
      : '<span class="verdict bad">✗ ' + (g.pred === null ? 'no answer' : 'wrong: ' + esc(g.pred)) + '</span>';
    const head = '<div>' + verdict + ' <span class="note">' + (g.mode === 'greedy' ? 'greedy (eval)' : 'sampled rollout (entropy run)') + '</span></div>';
    if (!g.ids) return '<div class="gen">' + head + '<div class="tokens">' + esc(g.text) + '</div><div class="note">token boundaries not saved: shown as text</div></div>';
    const parts = [];
    let forks = 0;
    g.ids.forEach((id, i) => {
      if (i === g.tLast) parts.push('<span class="tlast" title="T_last: the last Wait!">T_last ▸</span>');
      if (!g.entropy) {
        parts.push('<span class="tk">' + esc(tokText(id)) + '</span>');
        return;
      }
      const h = g.entropy[i];
      const fork = model.forkThreshold !== null && h >= model.forkThreshold;
      if (fork) forks++;
      parts.push(
        '<span class="tk' +
          (fork ? ' fork' : '') +
          '" data-h="' +
          esc(h) +
          '" style="background:' +
          heat(h, max) +
          '" title="H = ' +
          h.toFixed(3) +
          ' nats' +
          (fork ? ' (fork token)' : '') +
          '">' +
          esc(tokText(id)) +
          '</span>',
      );
    });
    const extra = g.entropy ? '<div class="stats">' + g.ids.length + ' tokens, ' + forks + ' fork tokens</div>' : '';
    return '<div class="gen">' + head + '<div class="tokens">' + parts.join('') + '</div>' + extra + '</div>';
  }

  function modelHtml(method, pid) {
    const model = data.models.find((m) => m.method === method);
    const p = data.evalProblems.find((q) => q.id === pid);
    if (!model) return '<h3>Model generations</h3><p class="missing">No trained sft-' + esc(method) + ' model with saved generations was found when this page was built.</p>';
    const head = '<h3>Generations of ' + esc(model.label) + '</h3>';
    if (!p) return head + '<p class="missing">No held-out problem of this tier has generations.</p>';
    const gens = model.problems[p.id] || [];
    const ents = gens.flatMap((g) => g.entropy || []);
    const max = Math.max(0.5, ...ents);
    const legend =
      '<div class="legend"><span>entropy H<sub>t</sub>: 0 <span class="sw"></span> ' +
      max.toFixed(2) +
      ' nats</span>' +
      (model.forkThreshold !== null ? '<span class="tk fork">fork: H ≥ ' + model.forkThreshold.toFixed(3) + '</span>' : '') +
      '<span class="tlast">T_last ▸</span></div>';
    return (
      head +
      legend +
      '<div class="problem">' +
      esc(p.problem) +
      ' <b>Gold: ' +
      esc(p.answer) +
      '</b></div>' +
      (gens.length ? gens.map((g) => generationHtml(g, model, max)).join('') : '<p class="missing">No generations saved for this problem.</p>')
    );
  }

  function render() {
    const method = $('x-method').value;
    const t = data.traces.find((x) => x.id === $('x-trace').value);
    $('x-teacher').innerHTML = t ? teacherHtml(t, method) : '<p class="missing">No teacher traces of this tier in the sample.</p>';
    $('x-model').innerHTML = modelHtml(method, $('x-problem').value);
    root.dataset.ready = 'yes';
  }
  $('x-method').addEventListener('change', () => {
    refreshLists();
    render();
  });
  $('x-tier').addEventListener('change', () => {
    refreshLists();
    render();
  });
  $('x-trace').addEventListener('change', render);
  $('x-problem').addEventListener('change', render);
  if (data.missing.length)
    $('x-missing').innerHTML =
      '<p class="missing">Not found when this page was built:</p><ul class="missing">' + data.missing.map((m) => '<li>' + esc(m) + '</li>').join('') + '</ul>';
  refreshLists();
  render();
})();
