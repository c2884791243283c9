// Server-side rendering of a storefront page. Leaky: every render subscribes its page model to
// flag changes "to stay consistent", and nothing unsubscribes once the page is sent.
import { flags, currentFlags } from './feature-flags.mjs';

export function renderPage(path) {
  const model = { path, flags: currentFlags(), blocks: Array.from({ length: 250 }, (_, i) => ({ id: i, html: `<li>${path}#${i}</li>` })) };
  flags.on('change', (name, value) => { model.flags[name] = value; }); // LEAK: event-listener
  return `<ul>${model.blocks.length} blocks for ${model.path}</ul>`;
}
