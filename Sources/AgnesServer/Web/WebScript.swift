/// The web UI's one script, served by ``WebAssets`` at a hashed path and loaded by every page (the
/// policy allows no inline script). It makes forms talk to the JSON API, so a page's actions go through
/// the very routes (and checks) the CLI uses, and shows the API's `detail` in place when one fails:
///
/// - `<form data-api="/api/admin/registry/{id}" data-method="PUT">` sends its named fields as a JSON
///   object (`{id}` in the URL is taken from the field `id`); `data-type` on a field: `int`, `list`
///   (comma- or line-separated), `json`, `bool` (a checkbox is always a Bool); `data-omit-empty` leaves
///   an empty field out; `data-confirm="…"` asks first. A field named `outer.inner` is sent inside the
///   object `outer` (`updates.domain` → `{"updates": {"domain": …}}`).
/// - `data-selection="item_ids:queue"` on a form sends, as the list `item_ids`, the values of the checked
///   `input[data-pick="queue"]` boxes anywhere on the page (rows of a table), and asks for one when none
///   is checked; a checkbox `data-pick-all="queue"` checks or clears them all.
/// - After success, `data-then`: `reload`, a path (`/admin/users/{id}`, filled from the answer), or
///   `reveal:<field>`, which shows that field of the answer once in the form's `[data-reveal]` element
///   (a new token). Without it, `data-done` is shown as a status.
/// - A submit button's own `data-api`, `data-method`, `data-then` and `data-done` replace the form's (a
///   form's "Check" button posts its fields to a precheck route). `data-then="show:<id>"` shows the
///   element `<id>` with every `[data-key="a.b"]` inside it filled from the answer.
/// - `data-send="<field>"` sends that one field's value as the body (`data-send=""`: no body);
///   `data-changed` on a form sends only the fields whose value differs from the page's.
/// - `<select data-discover="/api/…?x={field}" data-items="tables" data-text="{name}"
///   data-fill="bucket={bucket_id} name={id}">` is a picker: filled from the URL (again whenever the
///   form field named in it changes), with `data-group` as `<optgroup>`s and entries whose
///   `data-disable` keys are set unchoosable; choosing an entry sets the form's fields. The answer's
///   `error` or `detail` shows in the element named by its `aria-describedby`.
/// - `<input type="checkbox" data-api-on="/api/admin/grants" data-body="{…}" data-api-off="/api/admin/grants/{id}"
///   data-id="…" data-say="status-id">` saves at once: ticking posts `data-body` to `data-api-on` and keeps
///   the answer's `id` in `data-id`; unticking sends DELETE to `data-api-off` (`{id}` from `data-id`).
///   When the API refuses, the box goes back (a 404 to DELETE means it is off already); the outcome is
///   said in the element `data-say` names.
/// - The query console (`form#query-console`) posts to `/api/query`, draws the result as a table,
///   offers it as CSV, and shows an error in place.
/// - Ctrl+Enter or Cmd+Enter in a textarea submits its form.
enum WebScript {
    static let source = #"""
        'use strict';
        (() => {
          const resultOf = (form) => {
            let out = form.querySelector('[data-result]');
            if (!out) { out = document.createElement('p'); out.setAttribute('data-result', ''); form.append(out); }
            return out;
          };
          // Writes a result or status line: an alert when it failed, a polite status otherwise.
          const sayIn = (out, text, failed) => {
            if (!out) return;
            out.setAttribute('role', failed ? 'alert' : 'status');
            out.className = failed ? 'error' : 'note';
            out.textContent = text;
          };
          const say = (form, text, failed) => sayIn(resultOf(form), text, failed);
          const detailOf = (body, status) => {
            const detail = body && body.detail;
            if (typeof detail === 'string') return detail;
            if (Array.isArray(detail)) return detail.map((d) => (d && d.msg) || JSON.stringify(d)).join('\n');
            if (detail && typeof detail.message === 'string') return detail.message;
            if (detail) return JSON.stringify(detail);
            if (body && typeof body.message === 'string') return body.message;
            return 'The server answered ' + status + '.';
          };
          const valueOf = (field) => {
            if (field.type === 'checkbox') return field.checked;
            if (field.multiple) return Array.from(field.selectedOptions, (option) => option.value);
            const text = field.value;
            switch (field.dataset.type) {
              case 'int': return text.trim() === '' ? null : Number(text);
              case 'bool': return text === 'true';
              case 'list': return text.split(/[\n,]/).map((part) => part.trim()).filter((part) => part !== '');
              case 'json': return text.trim() === '' ? null : JSON.parse(text);
              default: return text;
            }
          };
          const picks = (group) =>
            Array.from(document.querySelectorAll('input[data-pick]')).filter((box) => box.dataset.pick === group);
          const fill = (template, values) =>
            template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(values[name] == null ? '' : values[name]));
          const send = async (url, method, payload) => {
            const init = {method, credentials: 'same-origin', headers: {Accept: 'application/json'}};
            if (payload !== undefined) {
              init.headers['Content-Type'] = 'application/json';
              init.body = JSON.stringify(payload);
            }
            const response = await fetch(url, init);
            const text = await response.text();
            let body = null;
            try { body = text ? JSON.parse(text) : null; } catch (_) { body = null; }
            return {response, body};
          };

          const changed = (field) => {
            if (field.type === 'checkbox' || field.type === 'radio') return field.checked !== field.defaultChecked;
            if (field.options) return Array.from(field.options).some((option) => option.selected !== option.defaultSelected);
            return field.value !== field.defaultValue;
          };
          const valueAt = (object, path) => path.split('.').reduce((value, key) => (value == null ? undefined : value[key]), object);
          const textOf = (value) => {
            if (value === null || value === undefined || value === '') return '–';
            if (typeof value === 'number') return value.toLocaleString('en');
            if (Array.isArray(value)) {
              return value.length === 0 ? '–' : value.map((item) =>
                item && typeof item === 'object' ? Object.values(item).join(' ') : String(item)).join(', ');
            }
            return typeof value === 'object' ? JSON.stringify(value) : String(value);
          };
          const show = (id, body) => {
            const target = document.getElementById(id);
            if (!target) return;
            target.querySelectorAll('[data-key]').forEach((element) => { element.textContent = textOf(valueAt(body, element.dataset.key)); });
            target.classList.remove('hidden');
          };
          // `sections.auth` nests: {sections: {auth: …}}; `columns.0.description` makes an array.
          const put = (object, name, value) => {
            const path = name.split('.');
            let target = object;
            path.slice(0, -1).forEach((key, index) => {
              target = target[key] = target[key] || (/^\d+$/.test(path[index + 1]) ? [] : {});
            });
            target[path[path.length - 1]] = value;
          };

          const apiForm = async (form, submitter) => {
            // A button may send the form elsewhere: its own data-api, data-method, data-then, data-done, data-confirm.
            const options = Object.assign({}, form.dataset, submitter ? submitter.dataset : {});
            if (options.confirm && !window.confirm(options.confirm)) return;
            const values = {};
            const payload = {};
            try {
              for (const field of form.elements) {
                if (!field.name || field.disabled) continue;
                if ((field.type === 'radio') && !field.checked) continue;
                if (field.value === '' && field.dataset.omitEmpty !== undefined) continue;
                const value = valueOf(field);
                put(values, field.name, value);
                if (options.changed === undefined || changed(field)) put(payload, field.name, value);
              }
            } catch (error) {
              say(form, 'Not valid JSON: ' + error.message, true);
              return;
            }
            if (options.selection) {
              const [name, group] = options.selection.split(':');
              values[name] = payload[name] = picks(group).filter((box) => box.checked).map((box) => box.value);
              if (values[name].length === 0) { say(form, 'Select at least one first.', true); return; }
            }
            const method = (options.method || 'POST').toUpperCase();
            const url = fill(options.api, values);
            let body = method === 'GET' || method === 'DELETE' ? undefined : payload;
            if (options.send !== undefined && body !== undefined) body = options.send === '' ? undefined : values[options.send];
            const buttons = form.querySelectorAll('button');
            buttons.forEach((button) => { button.disabled = true; });
            say(form, 'Working…', false);
            try {
              const {response, body: answer} = await send(url, method, body);
              if (!response.ok) { say(form, detailOf(answer, response.status), true); return; }
              const then = options.then || '';
              if (then === 'reload') { window.location.reload(); return; }
              if (then.startsWith('reveal:')) {
                const reveal = form.querySelector('[data-reveal]');
                reveal.textContent = (answer && answer[then.slice(7)]) || '';
                reveal.classList.remove('hidden');
                say(form, options.done || 'Done. Copy it now: it is not shown again.', false);
                return;
              }
              if (then.startsWith('show:')) { show(then.slice(5), answer); say(form, options.done || 'Done.', false); return; }
              if (then.startsWith('/')) { window.location.assign(fill(then, Object.assign({}, values, answer || {}))); return; }
              say(form, options.done || (answer && typeof answer.message === 'string' && answer.message) || 'Saved.', false);
            } catch (error) {
              say(form, 'The server could not be reached: ' + error.message, true);
            } finally {
              buttons.forEach((button) => { button.disabled = false; });
            }
          };

          const entryText = (template, entry) =>
            template.replace(/\{(\w+)\}/g, (_, name) => (entry[name] == null ? '' : String(entry[name])));
          const needs = (select) => Array.from(select.dataset.discover.matchAll(/\{(\w+)\}/g), (match) => match[1]);
          const discover = async (select) => {
            const form = select.form;
            const status = document.getElementById(select.getAttribute('aria-describedby') || '');
            const tell = (text, failed) => sayIn(status, text, failed);
            const values = {};
            if (form) for (const field of form.elements) if (field.name) values[field.name] = field.value;
            select.replaceChildren(new Option(select.options[0] ? select.options[0].text : 'Choose…', ''));
            select.entries = [];
            select.disabled = true;
            if (needs(select).some((name) => !values[name])) { tell('', false); return; }
            tell('Loading…', false);
            try {
              const {response, body} = await send(fill(select.dataset.discover, values), 'GET');
              if (!response.ok) { tell(detailOf(body, response.status), true); return; }
              if (body && body.error) { tell(body.error, true); return; }
              const entries = (body && body[select.dataset.items]) || [];
              const groups = new Map();
              entries.forEach((entry, index) => {
                const option = new Option(entryText(select.dataset.text || '{id}', entry), String(index));
                const flags = (select.dataset.disable || '').split(/\s+/).filter((key) => key && entry[key]);
                if (flags.length) {
                  option.disabled = true;
                  option.text += ' — ' + flags.map((key) => (entry[key] === true ? key : String(entry[key]))).join(', ');
                }
                const key = select.dataset.group ? String(entry[select.dataset.group]) : '';
                if (!groups.has(key)) groups.set(key, []);
                groups.get(key).push(option);
              });
              for (const [key, options] of groups) {
                if (!key) { select.append(...options); continue; }
                const group = document.createElement('optgroup');
                group.label = key;
                group.append(...options);
                select.append(group);
              }
              select.entries = entries;
              const choosable = select.querySelectorAll('option:not([disabled])').length - 1;
              select.disabled = entries.length === 0;
              tell(entries.length === 0 ? 'Nothing to choose from.' : entries.length + ' found, ' + choosable + ' to choose from.', false);
            } catch (error) {
              tell('The server could not be reached: ' + error.message, true);
            }
          };
          const choose = (select) => {
            const entry = select.value === '' ? undefined : (select.entries || [])[Number(select.value)];
            if (!entry || !select.form) return;
            for (const pair of (select.dataset.fill || '').split(/\s+/).filter((part) => part.includes('='))) {
              const field = select.form.elements.namedItem(pair.slice(0, pair.indexOf('=')));
              if (!field || !('value' in field)) continue;
              field.value = entryText(pair.slice(pair.indexOf('=') + 1), entry);
              field.dispatchEvent(new Event('change', {bubbles: true}));
            }
          };
          document.querySelectorAll('select[data-discover]').forEach(discover);

          const toggle = async (box) => {
            const wanted = box.checked;
            const out = document.getElementById(box.dataset.say || '');
            const report = (text, failed) => sayIn(out, text, failed);
            const label = (box.labels && box.labels[0] && box.labels[0].textContent) || '';
            box.disabled = true;
            try {
              const {response, body} = wanted
                ? await send(box.dataset.apiOn, 'POST', JSON.parse(box.dataset.body || '{}'))
                : await send(fill(box.dataset.apiOff, {id: box.dataset.id || ''}), 'DELETE');
              // A 404 when turning off: it is off already.
              if (!response.ok && !(response.status === 404 && !wanted)) {
                box.checked = !wanted;
                report(label + ': ' + detailOf(body, response.status) + ' (reload to see the current state)', true);
                return;
              }
              box.dataset.id = wanted ? String((body && body.id) || '') : '';
              report(label + (wanted ? ': on.' : ': off.'), false);
            } catch (error) {
              box.checked = !wanted;
              report('The server could not be reached: ' + error.message, true);
            } finally {
              box.disabled = false;
            }
          };

          const csvCell = (value) => {
            if (value === null || value === undefined) return '';
            const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
            return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
          };
          const drawResult = (target, body) => {
            target.replaceChildren();
            const summary = document.createElement('p');
            summary.setAttribute('role', 'status');
            summary.textContent = body.row_count + (body.row_count === 1 ? ' row' : ' rows') +
              (body.truncated ? ': the result was cut at the row limit.' : '.');
            target.append(summary);
            const csv = [body.columns.map(csvCell).join(',')]
              .concat(body.rows.map((row) => row.map(csvCell).join(','))).join('\r\n') + '\r\n';
            const link = document.createElement('a');
            link.href = URL.createObjectURL(new Blob([csv], {type: 'text/csv'}));
            link.download = 'result.csv';
            link.textContent = 'Download as CSV';
            link.className = 'button';
            target.append(link);
            const scroll = document.createElement('div');
            scroll.className = 'scroll';
            const table = document.createElement('table');
            const head = table.createTHead().insertRow();
            body.columns.forEach((name, index) => {
              const cell = document.createElement('th');
              cell.scope = 'col';
              cell.textContent = name;
              cell.title = (body.column_types || [])[index] || '';
              head.append(cell);
            });
            const rows = table.createTBody();
            for (const row of body.rows) {
              const line = rows.insertRow();
              for (const value of row) {
                const cell = line.insertCell();
                if (value === null) { cell.textContent = 'NULL'; cell.className = 'muted'; }
                else cell.textContent = typeof value === 'object' ? JSON.stringify(value) : String(value);
              }
            }
            scroll.append(table);
            target.append(scroll);
          };
          const runQuery = async (form) => {
            const target = document.getElementById('query-result');
            const error = document.getElementById('query-error');
            error.textContent = '';
            const limit = Number(form.elements.limit.value) || 1000;
            const button = form.querySelector('button[type=submit]');
            button.disabled = true;
            target.setAttribute('aria-busy', 'true');
            try {
              const {response, body} = await send('/api/query', 'POST', {sql: form.elements.sql.value, limit});
              if (!response.ok) { target.replaceChildren(); error.textContent = detailOf(body, response.status); return; }
              drawResult(target, body);
            } catch (failure) {
              error.textContent = 'The server could not be reached: ' + failure.message;
            } finally {
              button.disabled = false;
              target.removeAttribute('aria-busy');
            }
          };

          document.addEventListener('submit', (event) => {
            const form = event.target;
            if (form.id === 'query-console') { event.preventDefault(); runQuery(form); return; }
            if (form.dataset.api) { event.preventDefault(); apiForm(form, event.submitter); return; }
            if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
          });
          // One listener for every change: a switch box, a select-all box, a picker, or a field a picker needs.
          document.addEventListener('change', (event) => {
            const target = event.target;
            if (target.type === 'checkbox' && target.dataset.apiOn) { toggle(target); return; }
            if (target.dataset && target.dataset.pickAll !== undefined) {
              picks(target.dataset.pickAll).forEach((pick) => { pick.checked = target.checked; });
              return;
            }
            if (target.matches && target.matches('select[data-discover]')) { choose(target); return; }
            if (!target.name || !target.form) return;
            target.form.querySelectorAll('select[data-discover]').forEach((select) => {
              if (needs(select).includes(target.name)) discover(select);
            });
          });
          document.addEventListener('keydown', (event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && event.target.tagName === 'TEXTAREA' && event.target.form) {
              event.preventDefault();
              event.target.form.requestSubmit();
            }
          });
          document.addEventListener('click', (event) => {
            const button = event.target.closest('[data-copy]');
            if (!button) return;
            const source = document.getElementById(button.dataset.copy);
            if (source && navigator.clipboard) {
              navigator.clipboard.writeText(source.textContent).then(() => { button.textContent = 'Copied'; });
            }
          });
        })();

        """#
}
