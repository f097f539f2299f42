/**
 * The little JavaScript the pages use, served as /ui/assets/ui.js. Every page works without it;
 * with it: vocabulary autocomplete, reading an import file in the browser, live job progress,
 * confirmation of destructive actions, and a tag's marks emphasised while its entry is hovered.
 */
import { REVIEW_JS } from './review-client.js';

export const CLIENT_JS = String.raw`(function () {
  'use strict';

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  // Autocomplete from the vocabulary: <input list="…" data-vocab> fills its <datalist>.
  document.querySelectorAll('input[data-vocab]').forEach(function (input) {
    var list = input.list;
    if (!list) return;
    var last = '';
    input.addEventListener('input', debounce(function () {
      var q = input.value.trim();
      if (!q || q === last) return;
      last = q;
      fetch('/ui/api/vocabulary?q=' + encodeURIComponent(q), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          if (q !== last) return;
          list.replaceChildren();
          data.items.forEach(function (item) {
            var option = document.createElement('option');
            option.value = input.hasAttribute('data-vocab-id') ? item.id : item.label;
            option.label = item.label + (item.typeLabel ? ' — ' + item.typeLabel : '') + ' (' + item.id + ')';
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150));
  });

  // Import: read the chosen file here and post its text with the form.
  document.querySelectorAll('input[type=file][data-read-into]').forEach(function (input) {
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      var target = document.getElementById(input.getAttribute('data-read-into'));
      if (!file || !target) return;
      var format = document.getElementById(input.getAttribute('data-format') || '');
      var ext = (file.name.split('.').pop() || '').toLowerCase();
      if (format && ['txt', 'csv', 'json', 'jsonl'].indexOf(ext) >= 0) format.value = ext;
      file.text().then(function (text) {
        target.value = text;
        target.dispatchEvent(new Event('input'));
      });
    });
  });

  // Job progress without reloading; the page's meta refresh is the fallback.
  document.querySelectorAll('[data-job-id]').forEach(function (box) {
    var id = box.getAttribute('data-job-id');
    if (!id) return;
    var bar = box.querySelector('progress');
    var text = box.querySelector('[data-job-text]');
    function poll() {
      fetch('/ui/api/jobs/' + encodeURIComponent(id), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { if (!r.ok) throw new Error('job ' + r.status); return r.json(); })
        .then(function (job) {
          if (bar && job.total) { bar.max = job.total; bar.value = job.done; }
          if (text) text.textContent = job.statusLabel + ' — ' + job.done + ' / ' + job.total;
          if (job.status === 'done' || job.status === 'failed') {
            var then = box.getAttribute('data-then');
            if (job.status === 'done' && then) location.assign(then);
            else location.reload();
            return;
          }
          setTimeout(poll, 400);
        })
        .catch(function () { setTimeout(poll, 1500); });
    }
    setTimeout(poll, 200);
  });

  // Destructive forms ask first.
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault();
    });
  });

  // Hovering or focusing a tag's entry outlines its mentions in the text.
  function marksOf(id) {
    return document.querySelectorAll('mark.hl[data-tags~="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"]');
  }
  document.querySelectorAll('[data-emph]').forEach(function (el) {
    var id = el.getAttribute('data-emph');
    function on() { marksOf(id).forEach(function (m) { m.classList.add('emph'); }); }
    function off() { marksOf(id).forEach(function (m) { m.classList.remove('emph'); }); }
    el.addEventListener('mouseenter', on);
    el.addEventListener('mouseleave', off);
    el.addEventListener('focusin', on);
    el.addEventListener('focusout', off);
  });

  // Escape hides a mark's tooltip (it shows while the mark has focus).
  document.addEventListener('keydown', function (event) {
    var el = document.activeElement;
    if (event.key === 'Escape' && el && el.matches && el.matches('mark.hl')) el.blur();
  });
})();
` + REVIEW_JS;
