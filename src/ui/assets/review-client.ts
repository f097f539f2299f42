/**
 * The article page's review script (appended to /ui/assets/ui.js): decisions through
 * /ui/api/articles/:id/review with fetch, the tag panel swapped in place (scroll and focus
 * kept), undo, and the keyboard shortcuts of the `?` overlay. Without it the forms post as before.
 */
export const REVIEW_JS = String.raw`(function () {
  'use strict';
  var section = document.querySelector('[data-review]');
  var help = document.getElementById('shortcuts');
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var undoStack = [];
  var current = 0;
  var busy = false;

  function items() { return section ? Array.prototype.slice.call(section.querySelectorAll('[data-tag-list] > li')) : []; }
  function status(text) { var el = section && section.querySelector('[data-review-status]'); if (el) el.textContent = text; }
  function focusItem(i) {
    var list = items();
    if (!list.length) { var h = document.getElementById('tags-heading'); if (h) h.focus(); return; }
    current = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (li, k) { li.classList.toggle('current', k === current); });
    list[current].focus({ preventScroll: true });
    list[current].scrollIntoView({ block: 'nearest' });
  }
  function currentTag() { var li = items()[current]; return li ? li.getAttribute('data-tag-item') : null; }
  function labelOf(id) {
    var li = section.querySelector('[data-tag-item="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"] .chip');
    return li ? li.textContent.trim() : id;
  }
  function swapText(data) {
    var title = document.getElementById('article-title');
    var body = document.querySelector('.article-text .body');
    if (title && typeof data.title === 'string') title.innerHTML = data.title;
    if (body && typeof data.body === 'string') body.innerHTML = data.body;
  }
  function bindEmphasis() {
    section.querySelectorAll('[data-emph]').forEach(function (el) {
      var id = el.getAttribute('data-emph');
      function marks() { return document.querySelectorAll('mark.hl[data-tags~="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"]'); }
      el.addEventListener('mouseenter', function () { marks().forEach(function (m) { m.classList.add('emph'); }); });
      el.addEventListener('mouseleave', function () { marks().forEach(function (m) { m.classList.remove('emph'); }); });
      el.addEventListener('focusin', function () { marks().forEach(function (m) { m.classList.add('emph'); }); });
      el.addEventListener('focusout', function () { marks().forEach(function (m) { m.classList.remove('emph'); }); });
    });
  }

  var MESSAGES = { accept: 'قُبل الوسم', reject: 'رُفض الوسم', undo: 'تُراجع عن القرار في الوسم', 'accept-all': 'قُبلت كل المقترحات', add: 'أُضيف الوسم' };

  function send(action, tag, add) {
    if (!section || busy) return Promise.resolve();
    busy = true;
    var keep = tag || currentTag();
    var keepIndex = current;
    var label = tag ? labelOf(tag) : (add || '');
    return fetch('/ui/api/articles/' + section.getAttribute('data-review') + '/review', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfMeta ? csrfMeta.content : '' },
      body: JSON.stringify({ action: action, tag: tag || undefined, add: add || undefined })
    }).then(function (r) {
      return r.json().then(function (data) { if (!r.ok) throw new Error((data && data.error && data.error.message) || ('HTTP ' + r.status)); return data; });
    }).then(function (data) {
      var y = window.scrollY;
      section.innerHTML = data.html;
      swapText(data);
      bindEmphasis();
      window.scrollTo(window.scrollX, y);
      if (action === 'accept' || action === 'reject') undoStack.push([tag]);
      if (action === 'accept-all' && data.changed.length) undoStack.push(data.changed);
      var list = items();
      var at = list.findIndex(function (li) { return li.getAttribute('data-tag-item') === keep; });
      // A rejected tag leaves the list: the next one takes its place.
      focusItem(at >= 0 && action !== 'reject' ? at : keepIndex);
      var next = document.querySelector('[data-key="n"]');
      // Finished: the next article of the queue is one key (or one click) away.
      if (!data.open && next) next.classList.add('next-ready');
      status((MESSAGES[action] || '') + (label ? ' «' + label + '»' : '') + '. ' + (data.open ? 'بقيت مقترحات: ' + data.open : 'لا مقترحات باقية' + (next ? ' — اضغط n للمقالة التالية' : '')));
      section.dispatchEvent(new CustomEvent('wasim:reviewed', { bubbles: true, detail: { action: action, changed: data.changed } }));
    }).catch(function (e) {
      status('تعذّر الحفظ: ' + e.message);
      window.alert('تعذّر الحفظ: ' + e.message);
    }).finally(function () { busy = false; });
  }

  // Creating a tag: the same request with the entry's fields; the panel comes back with it attached.
  function sendCreate(fields) {
    if (!section) return Promise.resolve(false);
    return fetch('/ui/api/articles/' + section.getAttribute('data-review') + '/review', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfMeta ? csrfMeta.content : '' },
      body: JSON.stringify({ action: 'create', label: fields.label, type: fields.type, parent: fields.parent })
    }).then(function (r) {
      return r.json().then(function (data) { if (!r.ok) throw new Error((data && data.error && data.error.message) || ('HTTP ' + r.status)); return data; });
    }).then(function (data) {
      section.innerHTML = data.html;
      swapText(data);
      bindEmphasis();
      var at = items().findIndex(function (li) { return data.changed.indexOf(li.getAttribute('data-tag-item')) >= 0; });
      focusItem(at);
      status('أُنشئ الوسم «' + fields.label + '» وأُضيف');
      return true;
    }).catch(function (e) {
      status('تعذّر الإنشاء: ' + e.message);
      window.alert('تعذّر الإنشاء: ' + e.message);
      return false;
    });
  }

  function undo() {
    var group = undoStack.pop();
    if (!group) { status('لا شيء للتراجع عنه'); return; }
    // One step undoes one keystroke: every tag of an accept-all together.
    var chain = Promise.resolve();
    group.slice().reverse().forEach(function (tag) { chain = chain.then(function () { return send('undo', tag); }); });
  }

  if (section) {
    section.addEventListener('submit', function (event) {
      var form = event.target;
      if (!form.classList || !form.classList.contains('decide')) return;
      event.preventDefault();
      var submitter = event.submitter;
      var action = (submitter && submitter.value) || (form.querySelector('input[name=action]') || {}).value;
      var tagInput = form.querySelector('input[name=tag]');
      send(action, tagInput ? tagInput.value : undefined);
    });
    section.addEventListener('focusin', function (event) {
      var li = event.target.closest && event.target.closest('[data-tag-list] > li');
      if (li) current = items().indexOf(li);
    });
    var createForm = document.querySelector('form[data-create-tag]');
    if (createForm) createForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var value = function (name) { var el = createForm.querySelector('[name=' + name + ']'); return el ? el.value.trim() : ''; };
      if (!value('label')) return;
      sendCreate({ label: value('label'), type: value('type'), parent: value('parent') }).then(function (ok) {
        if (!ok) return;
        createForm.reset();
        var details = document.querySelector('[data-create-details]');
        if (details) details.open = false;
      });
    });
    var addForm = document.querySelector('form[data-add-tag]');
    if (addForm) addForm.addEventListener('submit', function (event) {
      var input = addForm.querySelector('input[name=add]');
      if (!input || !input.value.trim()) return;
      event.preventDefault();
      send('add', undefined, input.value.trim()).then(function () { input.value = ''; });
    });
  }

  var search = document.querySelector('[data-search]');
  if (search && location.hash === '#search') search.focus();

  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (help && help.open) return;
    var key = event.key;
    var inList = t && t.closest && t.closest('[data-tag-list]');
    var handled = true;
    if (key === '?') { if (help) help.showModal(); else handled = false; }
    else if (key === '/') { if (search) search.focus(); else location.assign('/#search'); }
    else if (key === 'n' || key === 'p') {
      var link = document.querySelector('[data-key="' + key + '"]');
      if (link) location.assign(link.href); else handled = false;
    }
    else if (!section) handled = false;
    else if (key === 'j' || (key === 'ArrowDown' && inList)) focusItem(items()[current] === document.activeElement ? current + 1 : current);
    else if (key === 'k' || (key === 'ArrowUp' && inList)) focusItem(current - 1);
    else if (key === 'a') { var a = currentTag(); if (a) send('accept', a); }
    else if (key === 'r') { var r = currentTag(); if (r) send('reject', r); }
    else if (key === 'u') undo();
    else if (key === 'A') send('accept-all');
    else if (key === 't') { var add = document.getElementById('add-tag'); if (add) add.focus(); else handled = false; }
    else handled = false;
    if (handled) event.preventDefault();
  });
})();
`;
