/**
 * The function key, typed once per tab: kept in sessionStorage (gone when the tab closes) and
 * sent as a header, never put in a URL. Operator pages show this form until a key is set.
 */
import { functionKey, setFunctionKey } from '../api';
import { h } from '../dom';

export function keyForm(onChange: () => void): HTMLElement {
  if (functionKey() !== null) {
    const forget = h('button', { type: 'button' }, 'Forget key');
    forget.addEventListener('click', () => {
      setFunctionKey(null);
      onChange();
    });
    return h('p', { class: 'keyline' }, 'Function key set for this tab. ', forget);
  }
  const input = h('input', {
    id: 'function-key',
    type: 'password',
    autocomplete: 'off',
    required: true,
  });
  const form = h(
    'form',
    { class: 'keyform' },
    h('label', { for: 'function-key' }, 'Function key'),
    input,
    h('button', { type: 'submit' }, 'Use key'),
    h(
      'p',
      { class: 'hint' },
      'devhost prints it at start (also in .devhost/keys.json). Kept only in this tab.',
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setFunctionKey(input.value.trim());
    onChange();
  });
  return form;
}
