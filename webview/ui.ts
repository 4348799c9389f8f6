/**
 * The webview's controls, from @vscode/webview-ui-toolkit. The toolkit was archived upstream
 * (its successor is @vscode-elements/elements), so it is used only through this module: swapping
 * it means changing these few functions.
 */
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDropdown, vsCodeOption } from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption());

export interface ButtonOptions {
  title?: string;
  /** A toggle: shows as pressed when true. */
  pressed?: boolean;
  secondary?: boolean;
  className?: string;
}

export function button(label: string, onClick: () => void, options: ButtonOptions = {}): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  b.className = options.className ?? '';
  if (options.title) b.title = options.title;
  b.setAttribute('appearance', options.pressed || options.secondary === false ? 'primary' : 'secondary');
  if (options.pressed !== undefined) b.setAttribute('aria-pressed', String(options.pressed));
  // Also marked by a class: toggles must read as on/off whatever the toolkit's appearance does.
  if (options.pressed) b.classList.add('pressed');
  b.addEventListener('click', onClick);
  return b;
}

export function dropdown(label: string, options: { value: string; text: string; selected: boolean }[], onChange: (value: string) => void): HTMLElement {
  const d = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  d.setAttribute('aria-label', label);
  d.className = 'picker';
  for (const o of options) {
    const opt = document.createElement('vscode-option') as HTMLElement & { value: string };
    opt.setAttribute('value', o.value);
    opt.textContent = o.text;
    if (o.selected) opt.setAttribute('selected', '');
    d.append(opt);
  }
  d.addEventListener('change', () => onChange(d.value));
  return d;
}
