/**
 * The one reader of input-shape text, shared by `--input-shape`, the `convlens.defaultInputShape`
 * setting and the `# convlens: input_shape=(...)` comment: sizes without the batch axis.
 */

/** `224, 224, 3`, `(224, 224, 3)`, `[None, None, 3]`, `(64,)`; null when the text is not such a list. */
export function parseInputShape(text: string): (number | null)[] | null {
  const inner = text.trim().replace(/^[([]([^()[\]]*)[)\]]$/, '$1');
  const dims = inner.split(',').map((d) => d.trim());
  // A one-axis tuple is written with a trailing comma, as in Python.
  if (dims.length > 1 && dims[dims.length - 1] === '') dims.pop();
  if (!dims.every((d) => /^\d+$/.test(d) || d === 'None')) return null;
  return dims.map((d) => (d === 'None' ? null : Number(d)));
}
