// Feature flags that can change at run time; readers follow changes through the 'change' event.
import { EventEmitter } from 'node:events';

export const flags = new EventEmitter();
flags.setMaxListeners(0);

const state = { checkoutV2: false, darkMode: true };

export function currentFlags() {
  return { ...state };
}

export function flipRandomFlag() {
  const names = Object.keys(state);
  const name = names[Math.floor(Math.random() * names.length)];
  state[name] = !state[name];
  flags.emit('change', name, state[name]);
}
