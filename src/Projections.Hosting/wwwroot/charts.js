// Small SVG charts for the dashboard, drawn without any library: a time series (the projections' last
// 15 minutes) and horizontal bars (an application's chart view). Labels are text nodes, never HTML.
'use strict';

window.ProjectionsCharts = (() => {
  const NS = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }

  const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
  const format = (v) => fmt.format(v);

  // The axis top: the next of 1, 1.5, 2, 3, 5, 7.5 × 10^n above the largest value with some headroom, so a
  // flat line sits below the top edge and a spike stays inside the chart; 1 when everything is 0.
  function niceTop(max) {
    if (!(max > 0)) return 1;
    const target = max * 1.15;
    const power = Math.pow(10, Math.floor(Math.log10(target)));
    for (const step of [1, 1.5, 2, 3, 5, 7.5, 10]) if (step * power >= target) return step * power;
    return 10 * power;
  }

  // A chart of one value over the last windowMs, newest at the right. draw(samples) takes [{ at, value }],
  // oldest first; the right edge is the newest sample's time (the host's clock, not the browser's). Until the
  // host has sampled for windowMs the chart spans what it has (at least a minute), so a young host's line is not a sliver.
  const minSpanMs = 60000;
  const ago = (ms) => (ms >= 60000 ? `${Math.round(ms / 60000)} min ago` : `${Math.round(ms / 1000)} s ago`);
  function timeSeries(label, key) {
    const height = 70, top = 6, bottom = height - 14;
    const current = document.createElement('strong');
    const caption = document.createElement('figcaption');
    caption.append(label, ' ', current);
    const image = svg('svg', { role: 'img', 'aria-label': label, height });
    const node = document.createElement('figure');
    node.className = 'chart';
    node.setAttribute('data-chart', key);
    node.append(caption, image);

    function draw(samples, windowMs) {
      const width = Math.max(120, Math.round(image.getBoundingClientRect().width) || 240);
      image.setAttribute('viewBox', `0 0 ${width} ${height}`);
      image.replaceChildren();
      node.setAttribute('data-samples', samples.length);
      const max = samples.reduce((m, s) => Math.max(m, s.value), 0);
      const last = samples.length ? samples[samples.length - 1] : null;
      node.setAttribute('data-max', max);
      node.setAttribute('data-last', last ? last.value : '');
      image.append(svg('line', { class: 'chart-axis', x1: 0, x2: width, y1: bottom, y2: bottom }));
      if (!last) {
        current.textContent = '';
        image.append(svg('text', { class: 'chart-empty', x: width / 2, y: (top + bottom) / 2 + 4, 'text-anchor': 'middle' }, 'no samples yet'));
        return;
      }
      const axisTop = niceTop(max);
      const end = Date.parse(last.at);
      const spanMs = Math.min(windowMs, Math.max(minSpanMs, end - Date.parse(samples[0].at)));
      const x = (s) => width * (1 - (end - Date.parse(s.at)) / spanMs);
      const y = (v) => bottom - ((bottom - top) * v) / axisTop;
      const points = samples.map((s) => `${x(s).toFixed(1)},${y(s.value).toFixed(1)}`);
      image.append(
        svg('line', { class: 'chart-grid', x1: 0, x2: width, y1: top, y2: top }),
        svg('text', { class: 'chart-scale', x: 2, y: top + 10 }, format(axisTop)),
        svg('text', { class: 'chart-scale', x: 2, y: height - 2 }, ago(spanMs)),
        svg('text', { class: 'chart-scale', x: width - 2, y: height - 2, 'text-anchor': 'end' }, 'now'),
        svg('polygon', { class: 'chart-area', points: `${x(samples[0]).toFixed(1)},${bottom} ${points.join(' ')} ${x(last).toFixed(1)},${bottom}` }),
        svg('polyline', { class: 'chart-line', points: points.join(' ') }),
        svg('circle', { class: 'chart-dot', cx: x(last).toFixed(1), cy: y(last.value).toFixed(1), r: 2.5 }),
        svg('title', {}, `${label}: now ${format(last.value)}, highest ${format(max)} since ${ago(spanMs)}`));
      current.textContent = format(last.value);
    }
    draw([], 1);
    return { node, draw };
  }

  // Horizontal bars, one row per bar: `count` in the normal colour, then `highlighted.length` in the alert
  // colour (named by highlightLabel), with the total at the end. Returns the <svg>.
  function bars(rows, countLabel, highlightLabel, width) {
    const rowHeight = 24, labelWidth = Math.min(160, Math.max(60, ...rows.map((r) => r.label.length * 7 + 8))), valueWidth = 90;
    const height = Math.max(1, rows.length) * rowHeight + 4;
    const image = svg('svg', { role: 'img', 'aria-label': `${countLabel} and ${highlightLabel}`, viewBox: `0 0 ${width} ${height}`, width, height, class: 'bars' });
    if (rows.length === 0) {
      image.append(svg('text', { class: 'chart-empty', x: width / 2, y: 16, 'text-anchor': 'middle' }, 'nothing to show yet'));
      return image;
    }
    const max = rows.reduce((m, r) => Math.max(m, r.count + r.highlighted.length), 0) || 1;
    const span = width - labelWidth - valueWidth;
    rows.forEach((row, i) => {
      const y = i * rowHeight + 4;
      const normal = (span * row.count) / max, alert = (span * row.highlighted.length) / max;
      const group = svg('g', { 'data-bar': row.label, 'data-count': row.count, 'data-highlighted': row.highlighted.length },
        svg('text', { class: 'bar-label', x: labelWidth - 6, y: y + 14, 'text-anchor': 'end' }, row.label),
        svg('rect', { class: 'bar', x: labelWidth, y, width: normal.toFixed(1), height: rowHeight - 6 }),
        svg('rect', { class: 'bar alert', x: (labelWidth + normal).toFixed(1), y, width: alert.toFixed(1), height: rowHeight - 6 }),
        svg('text', { class: 'bar-value', x: (labelWidth + normal + alert + 6).toFixed(1), y: y + 14 },
          row.highlighted.length ? `${format(row.count)} + ${format(row.highlighted.length)} ${highlightLabel}` : format(row.count)),
        svg('title', {}, `${row.label}: ${format(row.count)} ${countLabel}, ${format(row.highlighted.length)} ${highlightLabel}`));
      image.append(group);
    });
    return image;
  }

  return { timeSeries, bars };
})();
